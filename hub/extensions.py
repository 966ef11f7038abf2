"""Flask extensions, created unbound; create_app() binds them."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from flask import current_app
from flask.globals import _cv_app
from flask_babel import Babel, Domain
from flask_babel import _get_current_context as _babel_context
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so Alembic can alter and drop them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


def request_translations() -> Any | None:
    """The catalogue ``RequestDomain`` keeps for this request and its locale, if
    any, read straight from the application context (no context proxies)."""
    # Flask's own context variable behind ``g`` (flask.globals, Flask 3.1 pinned);
    # the proxies cost more than the lookup they guard.
    ctx = _cv_app.get(None)
    ns = ctx.g.__dict__.get("_flask_babel") if ctx is not None else None
    if ns is None:
        return None
    cached = ns.__dict__.get("hub_translations")
    if cached is not None and cached[0] is ns.__dict__.get("babel_locale"):
        return cached[1]
    return None


class RequestDomain(Domain):
    """Flask-Babel's domain, with the catalogue looked up once per request.

    Flask-Babel finds the catalogue again on every gettext (context proxies, the
    locale, its identifier string, a dict): about 10 µs, and a page says a few
    hundred things. This keeps the one found on the request's Babel context with
    the locale object it is for, so ``force_locale`` (messages in the reader's
    language) still switches catalogues and switches back.
    """

    def get_translations(self):  # noqa: ANN201 - as Domain's
        cached = request_translations()
        if cached is not None:
            return cached
        translations = super().get_translations()
        ctx = _babel_context()
        if ctx is not None:
            ctx.hub_translations = (ctx.babel_locale, translations)
        return translations


class HubBabel(Babel):
    @cached_property
    def domain_instance(self) -> Domain:
        return RequestDomain(domain=self.domain)


babel = HubBabel()
limiter = Limiter(key_func=get_remote_address)


def limit_key_prefix() -> str:
    """The prefix of every counter this app keeps in the limiter's storage (its
    own limits, login locks, challenges, SMS limits), so two deployments or test
    runs sharing one Redis never count each other's requests."""
    return current_app.config.get("RATELIMIT_KEY_PREFIX") or "hub"
