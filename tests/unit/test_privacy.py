"""Download my data covers every table that refers to a person; nothing secret in it."""

from __future__ import annotations

import json

from hub.extensions import db
from hub.privacy import export
from tests.web.privacy.world import GUARDIAN_MOBILE, MOBILE, NAME, full_life


def _user_foreign_keys() -> set[tuple[str, str]]:
    """Every (table, column) with a foreign key to users.id."""
    return {
        (table.name, column.name)
        for table in db.metadata.sorted_tables
        for column in table.columns
        for fk in column.foreign_keys
        if fk.column.table.name == "users" and fk.column.name == "id"
    }


def test_every_column_naming_a_person_is_exported_or_explained() -> None:
    """A new table with a user foreign key must be added to one list or the other.

    SUBJECT_COLUMNS: rows about the person, exported. ACTOR_COLUMNS (each with its
    reason): the person acted on someone else's or an organization's record; that
    record is not theirs to take away, and what they did is in the audit section.
    """
    subject = {(t, c) for t, c in export.SUBJECT_COLUMNS.items() if t != "users"}
    actor = set(export.ACTOR_COLUMNS)
    assert not subject & actor
    unclassified = _user_foreign_keys() - subject - actor
    assert unclassified == set(), f"decide: export or explain {sorted(unclassified)}"
    stale = (subject | actor) - _user_foreign_keys()
    assert stale == set(), f"no longer foreign keys to users: {sorted(stale)}"
    assert all(reason for reason in export.ACTOR_COLUMNS.values())


def test_export_has_a_section_for_every_table_about_the_person() -> None:
    life = full_life()
    data = export.personal_data(life.person)
    sections = data["sections"]
    tables_about_person = {t for t, _c in _user_foreign_keys()} - {
        t
        for t in {t for t, _c in export.ACTOR_COLUMNS}
        if t not in export.SUBJECT_COLUMNS
    }
    assert tables_about_person <= set(sections)
    assert "users" in sections and "staff_invitations" in sections
    # Every section of this full life has something in it.
    empty = [name for name, rows in sections.items() if not rows]
    assert empty == []


def test_export_holds_my_data_and_no_secrets() -> None:
    life = full_life()
    data = export.personal_data(life.person)
    account = data["sections"]["users"]
    assert account["name"] == NAME and account["mobile"] == MOBILE
    for secret in ("password_hash", "session_nonce", "calendar_token"):
        assert secret not in account
    text = export.personal_data_json(life.person)
    assert "calendar-secret-token-of-the-person" not in text
    assert life.person.password_hash not in text
    assert life.person.session_nonce not in text
    assert GUARDIAN_MOBILE in text  # the profile, guardian included
    parsed = json.loads(text)
    assert parsed["format"] == export.FORMAT
    assert [r["id"] for r in parsed["sections"]["hour_records"]] == [life.record.id]
    assert parsed["sections"]["organizations"][0]["id"] == life.org.id
    assert {r["action"] for r in parsed["sections"]["audit_entries"]} >= {
        "signup.create",
        "hours.dispute",
    }


def test_export_leaves_out_other_peoples_rows() -> None:
    life = full_life()
    sections = export.personal_data(life.waiting)["sections"]
    assert all(s["user_id"] == life.waiting.id for s in sections["signups"])
    assert sections["ratings"] == [] and sections["organizations"] == []
