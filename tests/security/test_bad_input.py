"""No input a person (or a script) can send makes the server fail (HTTP 5xx).

The four found by hand first, each as a test; then every route, walked by
hypothesis as each kind of person with malformed ids, query values and form
bodies: full-width digits, emoji, newlines, huge and negative numbers, ``1e309``.
Any answer but a 5xx is fine here (other tests say which one is right).
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule

from hub.extensions import db, limiter
from tests import factories
from tests.security.test_access_matrix import Walker, walker  # noqa: F401 - fixture

# The four found by hand ------------------------------------------------------------


def test_login_with_letters_for_a_number_is_a_field_error(client) -> None:
    response = client.post("/login", data={"mobile": "abc", "password": "x"})
    assert response.status_code == 422
    assert 'id="mobile-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/language", {"locale": "en", "next": "/\nSet-Cookie: x=1"}),
        ("/login?next=/%0Aevil", {"mobile": "13900000000", "password": "x"}),
    ],
)
def test_a_next_with_a_newline_goes_home_instead(client, path, data) -> None:  # noqa: ANN001
    response = client.post(path, data=data)
    assert response.status_code < 500
    assert "\n" not in response.headers.get("Location", "")


def test_a_community_id_that_is_no_number_is_ignored(client, login) -> None:
    login(factories.volunteer())
    assert client.get("/needs/new?community_id=x").status_code == 200


@pytest.mark.parametrize("step", [1, 2, 3])
def test_filing_steps_posted_empty_keep_the_draft(client, login, step: int) -> None:
    owner = factories.volunteer()
    org = factories.application(owner=owner)
    login(owner)
    response = client.post(f"/filings/{org.id}/step/{step}", data={})
    assert response.status_code in (303, 422)


# Organizations named twice, credit codes typed oddly --------------------------------


def test_names_differing_only_by_full_width_brackets_are_one_name(db_session) -> None:  # noqa: ANN001
    from hub.organizations.services import NameTaken

    factories.application(name="锁三社区助老服务站（二期）")
    with pytest.raises(NameTaken):
        factories.application(name="锁三社区助老服务站 (二期)")
    with pytest.raises(NameTaken):
        factories.application(name="锁三社区助老服务站(二期)")


def test_a_credit_code_typed_full_width_with_spaces_is_stored_compact(
    client, login
) -> None:
    owner = factories.volunteer()
    org = factories.application(owner=owner)
    login(owner)
    typed = "９１３５ ０１００ Ｍ０００ １００Ｙ４３"
    response = client.post(
        f"/filings/{org.id}/step/2", data={"credit_code": typed, "member_count": "12"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.refresh(org)
    assert org.credit_code == "91350100M000100Y43"


def test_a_wrong_credit_code_says_so_beside_the_field(client, login) -> None:
    owner = factories.volunteer()
    org = factories.application(owner=owner)
    login(owner)
    response = client.post(
        f"/filings/{org.id}/step/2", data={"credit_code": "91350100M000100Y44"}
    )
    assert response.status_code == 422
    assert 'id="credit_code-error"' in response.get_data(as_text=True)


# Every route, walked -----------------------------------------------------------------

SKIPPED_PREFIXES = ("static", "bench.")
WALKED_AS = ("anon", "volunteer", "staff_a", "sw_a", "reviewer_a", "admin")


def _rules(app: Flask) -> list[Rule]:
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if not r.endpoint.startswith(SKIPPED_PREFIXES)
        ),
        key=lambda r: (r.rule, sorted(r.methods or ())),
    )


odd_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "１２３４５６",
            "1e309",
            "-1",
            "0",
            "99999999999999999999",
            "NaN",
            "1,2,3",
            "😀",
            "a\nb",
            "\x00",
            "王\u200b五",
            "/\n/evil",
            "2026-02-30",
            "24.25",
        ]
    ),
)
FIELDS = (
    "mobile", "password", "code", "name", "reason", "note", "hours", "date", "day",
    "capacity", "starts_at", "ends_at", "budget", "amount", "title", "description",
    "text", "community_id", "grid_id", "street_id", "role", "state", "next", "q",
    "page", "before", "category", "locale", "consent", "challenge", "minutes",
)  # fmt: skip
odd_fields = st.dictionaries(st.sampled_from(FIELDS), odd_text, max_size=6)


def _path(rule: Rule, values: dict[str, str]) -> str:
    """The rule's path with each argument replaced by a (possibly odd) value."""

    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1), match.group(2)
        value = values.get(name, "1")
        if converter and converter.startswith(("int", "any")):
            return value if value.isdigit() else "1"
        return value.replace("/", "_") or "x"

    return re.sub(r"<(?:([a-z]+)(?:\([^)]*\))?:)?(\w+)>", fill, rule.rule)


#: The walk is cut in shards so the test workers share it.
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS))
def test_no_input_makes_the_server_fail(walker: Walker, shard: int) -> None:  # noqa: F811
    """Each route, a few odd requests as each kind of person: none answers 5xx."""
    failures: list[str] = []
    rules = _rules(walker.app)
    assert len(rules) > 150  # every feature's routes are walked, a quarter here
    for rule in rules[shard::SHARDS]:
        _walk(walker, rule, failures)
    assert failures == []


def _walk(walking: Walker, rule: Rule, failures: list[str]) -> None:
    """Ask hypothesis for a few odd requests to one route; note any 5xx."""
    methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})

    @settings(
        max_examples=4,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        method=st.sampled_from(methods),
        principal=st.sampled_from(WALKED_AS),
        ids=st.dictionaries(
            st.sampled_from(sorted(rule.arguments) or ["_"]),
            st.one_of(st.integers(0, 10**12).map(str), odd_text),
        ),
        query=odd_fields,
        body=odd_fields,
    )
    def walk(method, principal, ids, query, body) -> None:  # noqa: ANN001
        status = _request(walking, rule, method, principal, ids, query, body)
        if status >= 500:
            failures.append(f"{method} {_path(rule, ids)} as {principal}: {status}")

    walk()


def _request(walking, rule, method, principal, ids, query, body) -> int:  # noqa: ANN001
    """One request inside a savepoint rolled back after it; the status."""
    limiter.reset()
    client = walking.clients[principal]
    cookies = dict(client._cookies)
    savepoint = walking.connection.begin_nested()
    try:
        response = client.open(
            _path(rule, ids),
            method=method,
            query_string=query,
            data=body if method != "GET" else None,
        )
        status = response.status_code
        response.close()
    except Exception:  # noqa: BLE001 - under testing Flask raises what would be a 500
        status = 500
    finally:
        savepoint.rollback()
        client._cookies.clear()
        client._cookies.update(cookies)
    return status
