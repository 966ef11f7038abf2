"""The catalogue kept per request still follows the locale: force_locale (messages
in the reader's language) switches it and switches back, in code and templates."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask_babel import force_locale, gettext, refresh
from markupsafe import Markup

from hub.i18n import gettext as fast_gettext

TEMPLATE = (
    "{{ _('Home') }}|{{ ngettext('%(num)d place left', '%(num)d places left', 3) }}"
    "|{{ _('Page %(page)d of %(pages)d', page=1, pages=2) }}|{{ _('x%(a)s', a='<b>') }}"
)


def test_force_locale_switches_and_switches_back(app: Flask) -> None:
    with app.test_request_context():
        assert gettext("Home") == fast_gettext("Home") == "首页"
        zh = render_template_string(TEMPLATE)
        with force_locale("en"):
            assert gettext("Home") == fast_gettext("Home") == "Home"
            en = render_template_string(TEMPLATE)
        assert gettext("Home") == "首页"
        assert render_template_string(TEMPLATE) == zh
    assert zh.startswith("首页|还剩 3 个名额|第 1 页")
    assert en == "Home|3 places left|Page 1 of 2|x&lt;b&gt;"


def test_a_language_chosen_mid_request_is_used(app: Flask) -> None:
    with app.test_request_context() as ctx:
        assert gettext("Home") == "首页"
        ctx.session["locale"] = "en"
        refresh()  # as after choosing a language
        assert gettext("Home") == "Home"
        assert render_template_string("{{ _('Home') }}") == "Home"


def test_variables_are_escaped_in_templates_not_in_code(app: Flask) -> None:
    with app.test_request_context():
        assert render_template_string("{{ _('x%(a)s', a='<b>') }}") == "x&lt;b&gt;"
        said = fast_gettext("x%(a)s", a="<b>")
        assert said == "x<b>" and not isinstance(said, Markup)
