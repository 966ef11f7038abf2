"""Words for refused files and row problems, in the reader's language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hub.imports.checking import Problem
from hub.imports.reading import FileRefused
from hub.names import NAME_MESSAGES

FILE_ERRORS = {
    "empty": _l("The file is empty."),
    "too_large": _l("The file is larger than 2 MB. Split it into smaller files."),
    "type": _l("Only Excel (.xlsx) or CSV files can be imported."),
    "encoding": _l(
        "The text of this file cannot be read. Save it as “CSV UTF-8” or as an "
        "Excel workbook."
    ),
    "columns": _l(
        "The first row must name the columns, at least 姓名 (name) and 手机号 "
        "(mobile number)."
    ),
    "no_rows": _l("The file has no rows of volunteers."),
    "too_many_rows": _l(
        "The file has more than %(max)d rows. Split it into smaller files."
    ),
}

PROBLEMS = {
    "name_missing": _l("Name missing"),
    "name_too_long": _l("Name longer than 60 characters"),
    "name_invisible": NAME_MESSAGES["invisible"],
    "name_no_letters": NAME_MESSAGES["no_letters"],
    "mobile_missing": _l("Mobile number missing"),
    "mobile_bad": _l("Not a mainland mobile number: %(value)s"),
    "mobile_duplicate": _l("Same mobile number as row %(value)s"),
    "community_missing": _l("Community missing"),
    "community_unknown": _l("No community “%(value)s” where you may import"),
    "community_ambiguous": _l(
        "“%(value)s” names communities in several of your streets"
    ),
    "grid_unknown": _l("No grid “%(value)s” in this community"),
    "skill_unknown": _l("Unknown skill: %(value)s"),
}

STATUS_LABELS = {
    "new": _l("Will be added"),
    "exists": _l("Already registered: skipped"),
    "error": _l("Not imported"),
}
STATUS_CHIPS = {"new": "chip chip-ok", "exists": "chip", "error": "chip chip-danger"}


def file_error(error: FileRefused) -> str:
    """Why the file was refused, for the message beside the file field."""
    message = FILE_ERRORS.get(error.reason, FILE_ERRORS["type"])
    return str(message) % error.params if error.params else str(message)


def problem_text(problem: Problem) -> str:
    """One problem of a row in words."""
    message = PROBLEMS.get(problem.code)
    if message is None:
        return problem.code
    return str(message) % {"value": problem.value} if problem.value else str(message)


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def imported_message(created: int, skipped: int, refused: int) -> str:
    """The summary shown after a confirmed import."""
    return _(
        "%(created)d volunteers added; they get an SMS to set their password. "
        "%(skipped)d already had an account; %(refused)d rows with problems were "
        "left out.",
        created=created,
        skipped=skipped,
        refused=refused,
    )
