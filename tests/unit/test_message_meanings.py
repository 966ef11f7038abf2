"""One catalog entry, one meaning.

A catalog entry (msgid, with its context if any) gets exactly one translation. The
words for the states of a kind of record are vocabularies: each feature's mapping
of state to label (sign-up states, hour-record states, tender states, roles…),
handed to the audit log with ``register_state_labels``. A word means something
only inside its vocabulary: "Confirmed" is 已报名 for a sign-up and 已确认 for an
hour record, "Open" is 征集中 for a tender and not for a need. Two rules follow,
both checked on the real registry and on the messages extracted from the source
as ``make messages`` extracts them:

1. no entry is a word of two vocabularies (one mapping is one vocabulary, even
   when it is given for two kinds of record, as the roles are);
2. an entry of a vocabulary is used nowhere but in the module that defines it: a
   page that needs the word asks the feature's label function, and a page that
   means something else says so with its own context (``pgettext``).

Together they make it impossible for one Chinese word to be chosen for two
meanings, which is how 已报名 came to label confirmed hours.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from flask import Flask
from flask_babel import (
    LazyString,
    force_locale,
    gettext,
    lazy_gettext,
    lazy_pgettext,
    pgettext,
)

from hub.audit_log.labels import state_vocabularies
from tests.catalog import source_uses


def _entry(label: Any) -> tuple[str | None, str]:
    """The catalog entry (context, msgid) a lazy label is translated by."""
    assert isinstance(label, LazyString), f"{label!r} is not translated lazily"
    if label._func is pgettext:
        context, msgid = label._args
        return context, msgid
    assert label._func is gettext, f"{label!r} is not a gettext message"
    return None, label._args[0]


def test_entry_of_a_lazy_label() -> None:
    assert _entry(lazy_pgettext("sign-up state", "Confirmed")) == (
        "sign-up state",
        "Confirmed",
    )
    assert _entry(lazy_gettext("Confirmed")) == (None, "Confirmed")


def _vocabularies(app: Flask) -> dict[tuple[str | None, str], set[int]]:
    """Entry -> the vocabularies (mapping ids) that use it."""
    del app  # the registry is filled when the application is made
    users: dict[tuple[str | None, str], set[int]] = defaultdict(set)
    for _type, mapping in state_vocabularies():
        for label in mapping.values():
            users[_entry(label)].add(id(mapping))
    return users


def test_the_registry_knows_every_feature_vocabulary(app: Flask) -> None:
    kinds = {object_type for object_type, _ in state_vocabularies()}
    assert {
        "signup",
        "shift",
        "hour_record",
        "hour_dispute",
        "invitation",
        "organization",
        "project",
        "tender",
        "proposal",
        "service_need",
        "number_recovery",
        "role_grant",
    } <= kinds


def test_no_entry_is_a_word_of_two_vocabularies(app: Flask) -> None:
    shared = {
        entry: len(mappings)
        for entry, mappings in _vocabularies(app).items()
        if len(mappings) > 1
    }
    assert shared == {}, "give these words a context per kind of record"


def test_state_words_are_used_only_where_they_are_defined(app: Flask) -> None:
    vocabulary_entries = set(_vocabularies(app))
    places: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    for use in source_uses():
        entry = (use.context, use.msgid)
        if entry in vocabulary_entries:
            places[entry].add(use.path)
    assert len(places) == len(vocabulary_entries)  # every word was extracted
    elsewhere = {entry: paths for entry, paths in places.items() if len(paths) > 1}
    assert elsewhere == {}, "use the feature's label function, or another context"


def test_the_words_once_confused_now_differ(app: Flask) -> None:
    """The reported cases: each meaning is its own entry."""
    entries = set(_vocabularies(app))
    for context in ("sign-up state", "hour record state"):
        assert (context, "Confirmed") in entries
    assert ("tender state", "Open") in entries
    assert ("coordination state", "Coordinating") in entries
    assert (None, "Confirmed") not in entries


def test_one_state_of_one_kind_of_record_has_one_word(app: Flask) -> None:
    from hub.audit_log.labels import (
        StateWordsClash,
        register_state_labels,
        state_label,
    )
    from hub.shifts.labels import SIGNUP_STATE_LABELS

    register_state_labels("signup", SIGNUP_STATE_LABELS)  # again: the same words
    before = state_vocabularies()
    with pytest.raises(StateWordsClash):
        register_state_labels("signup", {"confirmed": lazy_gettext("Confirmed")})
    assert state_vocabularies() == before  # nothing half-registered
    with app.test_request_context(), force_locale("en"):
        assert state_label("signup", "confirmed") == "Confirmed"
