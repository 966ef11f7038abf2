"""Templates ask the rules; they neither retype them nor query (issue #19).

A page that wants to know whether a project may be cancelled asks
``project.may_cancel`` (which reads PROJECT_TRANSITIONS), never
``project.state in ("draft", …)``: the rule lives in one place, and routes,
services and templates ask it the same way. Chips by state come from a mapping
beside the feature's labels.

And a template reads only what its route passed in: every Jinja global and
filter is a pure helper (words, chips, formatting, URLs, the ``can``
permission question), so no page issues a query from inside a template.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from flask import Flask
from jinja2 import Environment, nodes
from jinja2.defaults import DEFAULT_FILTERS, DEFAULT_NAMESPACE

import hub

TEMPLATES = Path(hub.__file__).parent.parent / "templates"

#: An attribute or variable that holds a record's state: state, filing_state,
#: link_state, stage…
_STATEFUL = re.compile(r"(^|_)(state|stage)$")


def _is_state(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Getattr):
        return bool(_STATEFUL.search(node.attr))
    if isinstance(node, nodes.Name):
        return bool(_STATEFUL.search(node.name))
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        return isinstance(node.arg.value, str) and bool(
            _STATEFUL.search(node.arg.value)
        )
    return False


def _is_literal(node: nodes.Node) -> bool:
    """A string, or a tuple or list of strings, written in the template."""
    if isinstance(node, nodes.Const):
        return isinstance(node.value, str)
    if isinstance(node, nodes.Tuple | nodes.List):
        return bool(node.items) and all(_is_literal(item) for item in node.items)
    return False


def state_literals(source: str, env: Environment) -> Iterator[int]:
    """Line numbers where the template compares a state to a literal."""
    tree = env.parse(source)
    for compare in tree.find_all(nodes.Compare):
        sides = [compare.expr, *(op.expr for op in compare.ops)]
        for left, right in zip(sides, sides[1:], strict=False):
            if (_is_state(left) and _is_literal(right)) or (
                _is_state(right) and _is_literal(left)
            ):
                yield compare.lineno
    # `x.state is equalto "open"`, and `rows|selectattr("state", "equalto", …)`.
    for test in tree.find_all(nodes.Test):
        if _is_state(test.node) and any(_is_literal(a) for a in test.args):
            yield test.lineno
    for call in tree.find_all(nodes.Filter):
        if call.name in ("selectattr", "rejectattr") and call.args:
            name = call.args[0]
            if isinstance(name, nodes.Const) and _STATEFUL.search(str(name.value)):
                yield call.lineno


def test_the_check_finds_what_it_looks_for(app: Flask) -> None:
    env = app.jinja_env
    for offence in (
        '{% if tender.state == "awarded" %}x{% endif %}',
        "{{ 'a' if project.link_state != 'accepted' }}",
        '{% if project.state in ("recruiting", "in_progress") %}x{% endif %}',
        "{% if org.stage not in ('revoked',) %}x{% endif %}",
        '{% if "open" == need.state %}x{% endif %}',
        '{% set state = "x" %}{% if state == "accepted" %}x{% endif %}',
        '{% if s.state is equalto "open" %}x{% endif %}',
        '{{ rows|selectattr("state", "equalto", "open")|list }}',
    ):
        assert list(state_literals(offence, env)), offence
    for fine in (
        "{% if project.may_cancel %}x{% endif %}",
        "{{ project_state_chip(project.state) }}",
        "{% if need.state in need_steps %}x{% endif %}",
        '{% if form.state.data == "x" %}x{% endif %}',
    ):
        assert not list(state_literals(fine, env)), fine


def test_no_template_compares_a_state_to_a_literal(app: Flask) -> None:
    env = app.jinja_env
    offences = [
        f"{path.relative_to(TEMPLATES)}:{line}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for line in state_literals(path.read_text(encoding="utf-8"), env)
    ]
    assert not offences, (
        "Ask the model's predicate (or can(), or a chip mapping in labels.py) "
        f"instead of comparing a state to a string: {offences}"
    )


# Jinja globals and filters: pure helpers only -----------------------------------

#: Flask, Flask-WTF and the i18n extension put these in every environment.
FRAMEWORK_GLOBALS = {
    "config",
    "g",
    "get_flashed_messages",
    "request",
    "session",
    "url_for",
    "csrf_token",
    "csrf_meta_tag",
    "pgettext",
    "npgettext",
}

#: The app's own globals. Each is a pure function of its arguments (or a
#: constant): words for a value, a chip's CSS class, a static asset's URL, the
#: next step's button. None reads the database: a page's data is computed by its
#: route and passed to render_template. Add a helper here only if it stays so.
PURE_GLOBALS = {
    "_",
    "gettext",
    "ngettext",
    "asset",
    "basis_label",
    "conclusion_label",
    "criterion_label",
    "document_kind_label",
    "filing_state_label",
    "funding_label",
    "invitation_state_chip",
    "invitation_state_label",
    "link_state_chip",
    "link_state_label",
    "need_category_label",
    "need_state_chip",
    "need_state_hint",
    "need_state_label",
    "need_steps",
    "org_type_label",
    "project_next_step",
    "project_state_chip",
    "project_state_label",
    "proposal_state_chip",
    "proposal_state_label",
    "record_status_chip",
    "record_status_label",
    "service_label",
    "shift_state_label",
    "signup_state_chip",
    "signup_state_label",
    "skill_label",
    "stage_label",
    "state_chip",
    "tender_state_chip",
    "tender_state_label",
}

#: Flask-Babel's formatting filters and the app's: values into words, no query.
PURE_FILTERS = {
    "currencyformat",
    "dateformat",
    "datetimeformat",
    "decimalformat",
    "numberformat",
    "percentformat",
    "scientificformat",
    "timedeltaformat",
    "timeformat",
    "filesize",
    "hours",
    "hours_amount",
    "mask_mobile",
    "mask_name",
    "money",
    "shanghai_datetime",
    "when",
}

#: What hub.web.templating's context processor adds to every render: computed
#: once per page from the signed-in user (``can`` is the policies' permission
#: question, the same one the routes ask), plus Flask's, Flask-WTF's and
#: Flask-Login's (``current_user``).
CONTEXT = {
    "can",
    "action_label",
    "state_label",
    "role_label",
    "qualification_label",
    "csrf_token_value",
    "why_log_in",
    "languages",
    "current_locale",
    "html_lang",
    "nav_items",
    "static_version",
    "current_user",
    "csrf_token",
    "csrf_meta_tag",
    "g",
    "request",
}


def test_template_globals_are_pure_helpers(app: Flask) -> None:
    added = set(app.jinja_env.globals) - set(DEFAULT_NAMESPACE) - FRAMEWORK_GLOBALS
    assert added == PURE_GLOBALS, (
        "A new Jinja global: if it reads the database, compute the data in the "
        "route instead; if it is pure, add it to PURE_GLOBALS. "
        f"New: {sorted(added - PURE_GLOBALS)}, gone: {sorted(PURE_GLOBALS - added)}"
    )


def test_template_filters_are_pure_helpers(app: Flask) -> None:
    added = set(app.jinja_env.filters) - set(DEFAULT_FILTERS)
    assert added == PURE_FILTERS, sorted(added ^ PURE_FILTERS)


def test_context_processors_add_only_the_known_names(app: Flask) -> None:
    with app.test_request_context("/"):
        context: dict = {}
        app.update_template_context(context)
    assert set(context) == CONTEXT, sorted(set(context) ^ CONTEXT)
