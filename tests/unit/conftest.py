import pytest


@pytest.fixture(autouse=True)
def _db(db_session):  # noqa: ANN001, ANN202, PT004
    """Every unit test runs in a transaction that is rolled back."""
    return db_session
