"""Languages: zh_CN by default, English complete."""

from __future__ import annotations

from babel import Locale
from flask import Flask, current_app, g, session

from hub.extensions import babel

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


def init_i18n(app: Flask) -> None:
    babel.init_app(
        app, locale_selector=select_locale, default_timezone=app.config["TIMEZONE"]
    )
