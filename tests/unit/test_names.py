"""What a name may be: letters needed, nothing invisible; kept composed and trimmed."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField

from hub.names import BadName, clean_name, name_problem, valid_name


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("王五", "王五"),
        ("  王  五 ", "王 五"),
        ("王\u3000五", "王 五"),  # an ideographic space is a space
        ("阿卜杜·热合曼", "阿卜杜·热合曼"),
        ("Maria José", "Maria José"),
        ("Jose\u0301", "José"),  # composed (NFC)
        ("王五😀", "王五😀"),  # an emoji beside letters is still a name
        ("Ｌｉ Ｍｉｎｇ", "Ｌｉ Ｍｉｎｇ"),  # full-width letters are letters
        ("", ""),
    ],
)
def test_names_kept(typed: str, kept: str) -> None:
    assert clean_name(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "王\u200b五",  # zero-width space: looks like 王五
        "王\u200d五",  # zero-width joiner
        "王\u200c五",
        "\ufeff王五",  # byte-order mark
        "王\u2060五",  # word joiner
        "王五\u202e",  # right-to-left override
        "\u2066王五\u2069",  # bidi isolates
        "王\u00ad五",  # soft hyphen
        "王\n五",  # a line break
        "王五\r\n",
        "王\t五",
        "王\u2028五",  # line separator
        "王\x00五",
        "\u3164",  # Hangul filler: a letter that draws nothing
        "王\ufe0f五",  # a variation selector alone
        "王\ue000五",  # private use
    ],
)
def test_invisible_characters_are_refused(typed: str) -> None:
    with pytest.raises(BadName) as refused:
        clean_name(typed)
    assert refused.value.reason == "invisible"


@pytest.mark.parametrize(
    "typed", ["😀", "😀😀", "👍 🎉", "★☆", "!!!", "123", "１２３", "·", "😀\u200d"]
)
def test_names_without_letters_are_refused(typed: str) -> None:
    assert name_problem(typed) in {"no_letters", "invisible"}
    if "\u200d" not in typed:
        assert name_problem(typed) == "no_letters"


def test_the_validator_keeps_what_was_typed_when_it_refuses(app) -> None:
    class F(Form):
        name = StringField(validators=[valid_name])

    with app.test_request_context(), force_locale("en"):
        bad = F(MultiDict({"name": "王\u200b五"}))
        assert not bad.validate()
        assert "invisible" in bad.name.errors[0]
        assert bad.name.data == "王\u200b五"
        good = F(MultiDict({"name": "  王  五 "}))
        assert good.validate()
        assert good.name.data == "王 五"
