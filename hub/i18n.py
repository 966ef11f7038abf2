"""Languages: zh_CN by default, English complete."""

from __future__ import annotations

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, current_app, g, session
from flask_babel import get_translations
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from hub.extensions import babel, request_translations

#: (code, name shown in the switcher, in its own language)
LANGUAGES: list[tuple[str, str]] = [("zh_CN", "中文"), ("en", "English")]
LANGUAGE_CODES = {code for code, _ in LANGUAGES}


def select_locale() -> str:
    """The signed-in person's language, else this browser's choice, else the default."""
    # Only a user already loaded for this request: choosing a language must not
    # need the database (error pages are translated when it is down).
    user = g.get("_login_user")
    if user is not None and user.is_authenticated and user.locale in LANGUAGE_CODES:
        return user.locale
    chosen = session.get("locale")
    if chosen in LANGUAGE_CODES:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def locale_code(locale: Locale | None) -> str:
    """Our code for a Babel locale (Babel reads zh_CN as zh_Hans_CN)."""
    if locale is None or locale.language == "zh":
        return "zh_CN"
    return locale.language


def html_lang(locale: Locale) -> str:
    """BCP 47 tag for <html lang>: zh-Hans-CN, en."""
    return "-".join(p for p in (locale.language, locale.script, locale.territory) if p)


def catalogue() -> NullTranslations:
    """This request's catalogue, for templates: what Flask-Babel's would give.

    Templates say a few hundred things per page, and Flask-Babel finds its
    catalogue anew for each through three context proxies (about 12 µs; the whole
    of a short page's budget). This reads the one ``RequestDomain`` keeps on the
    request's Babel context straight from the application context, and falls back
    to Flask-Babel when there is none yet or the locale changed (``force_locale``).
    """
    cached = request_translations()
    if cached is not None:
        return cached
    return get_translations()


def gettext(string: str, **variables: object) -> str:
    """Flask-Babel's ``gettext`` (formatted only with variables), through
    ``catalogue()``: for code that says many things per request (open data)."""
    text = catalogue().ugettext(string)
    return text % variables if variables else text


@pass_eval_context
def template_gettext(eval_ctx: EvalContext, string: str, /, **variables: object) -> str:
    """``_()`` and ``gettext()`` in templates, as Jinja's i18n extension does them
    (escaped in HTML, always %-formatted), in one call instead of three."""
    text = catalogue().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our catalogue, trusted as by Jinja i18n
    return text % variables


@pass_eval_context
def template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: object
) -> str:
    """``ngettext()`` in templates; ``num`` is also a variable, as in Jinja."""
    variables.setdefault("num", num)
    text = catalogue().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our catalogue, trusted as by Jinja i18n
    return text % variables


def init_i18n(app: Flask) -> None:
    babel.init_app(
        app, locale_selector=select_locale, default_timezone=app.config["TIMEZONE"]
    )
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(
        _=template_gettext, gettext=template_gettext, ngettext=template_ngettext
    )
