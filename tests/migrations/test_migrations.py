"""Migrations: upgrade from empty gives exactly the models; downgrade undoes it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from hub import create_app
from hub.db import render_item
from hub.extensions import db
from tests.conftest import TEST_SECRET, fresh_database


@pytest.fixture
def empty_app(tmp_path) -> Iterator[Flask]:  # noqa: ANN001
    app = create_app(
        {
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": fresh_database(
                "hub_migration_test", str(tmp_path)
            ),
        }
    )
    with app.app_context():
        yield app
        db.engine.dispose()


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_matches_models(empty_app: Flask) -> None:
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_item": render_item},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []
    assert _tables() == set(db.metadata.tables)


def test_downgrade_to_base_removes_everything(empty_app: Flask) -> None:
    upgrade()
    downgrade(revision="base")
    assert _tables() == set()
    upgrade()
    assert _tables() == set(db.metadata.tables)
