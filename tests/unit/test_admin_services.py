import pytest

from hub.admin import services
from hub.errors import DuplicateName, InvalidGrant
from hub.permissions import Permission, Qualification, Role
from tests import factories


def test_grant_requires_matching_scope() -> None:
    user = factories.volunteer()
    with pytest.raises(InvalidGrant):
        services.grant_role(user, Role.STREET_REVIEWER, by=None)
    with pytest.raises(InvalidGrant):
        services.grant_role(
            user, Role.STREET_REVIEWER, by=None, community=factories.CommunityFactory()
        )


def test_granting_twice_keeps_one_grant() -> None:
    user = factories.volunteer()
    street = factories.StreetFactory()
    first = services.grant_role(user, Role.STREET_REVIEWER, by=None, street=street)
    second = services.grant_role(user, Role.STREET_REVIEWER, by=None, street=street)
    assert first.id == second.id
    assert user.has_permission(Permission.FILINGS_REVIEW)


def test_social_worker_gets_default_qualification() -> None:
    user = factories.volunteer()
    grant = services.grant_role(
        user, Role.SOCIAL_WORKER, by=None, community=factories.CommunityFactory()
    )
    assert grant.qualification == Qualification.NONE


def test_street_names_unique_ignoring_case() -> None:
    services.save_street(None, name="Test Street", code="TS")
    with pytest.raises(DuplicateName):
        services.save_street(None, name="test street", code="TT")
