from hub.permissions import ROLE_PERMISSIONS, ROLE_SCOPES, Permission, Role


def test_every_role_has_permissions_and_a_scope() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert set(ROLE_SCOPES) == set(Role)


def test_every_permission_is_held_by_some_role() -> None:
    held = set().union(*ROLE_PERMISSIONS.values())
    assert held == set(Permission)


def test_only_admin_manages_places_and_roles() -> None:
    for role, permissions in ROLE_PERMISSIONS.items():
        if role is not Role.ADMIN:
            assert Permission.PLACES_MANAGE not in permissions
            assert Permission.ROLES_MANAGE not in permissions
