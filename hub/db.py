"""Database engine settings that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine

from hub.extensions import db
from hub.models.base import UTCDateTime

#: Execution option: on SQLite, start the transaction with BEGIN IMMEDIATE.
WRITE_LOCK_OPTION = "hub_write_lock"


def begin_writing() -> None:
    """Start this request's transaction holding SQLite's write lock (no-op elsewhere).

    Call it first in a unit of work whose checks and writes must not interleave
    with another writer's; PostgreSQL relies on row locks and constraints instead.
    """
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("begin_writing() must come before any change")
        session.commit()  # end the read-only transaction (e.g. loading the user)
    session.connection(execution_options={WRITE_LOCK_OPTION: True})


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and delays BEGIN;
    # take control so transactions, savepoints and BEGIN IMMEDIATE behave.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        # Writers that must not interleave (sign-ups) ask for the write lock up front.
        immediate = connection.get_execution_options().get(WRITE_LOCK_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


#: Seconds to wait for a PostgreSQL connection before answering 503.
CONNECT_TIMEOUT = 5


def engine_options(uri: str, options: dict[str, Any] | None) -> dict[str, Any]:
    """The configured engine options plus what recovering from an outage needs.

    pool_pre_ping replaces pooled connections a database restart has cut, so the
    app recovers by itself when the database returns; a connect timeout turns an
    unreachable server into a quick 503 instead of a hung request.
    """
    options = dict(options or {})
    options.setdefault("pool_pre_ping", True)
    url = make_url(uri)
    if url.get_backend_name() == "postgresql" and "connect_timeout" not in url.query:
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT)
        options["connect_args"] = connect_args
    return options


def init_db(app: Flask) -> None:
    """Bind SQLAlchemy to the app and apply per-dialect settings."""
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and ":memory:" not in uri:
        from pathlib import Path

        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        uri, app.config.get("SQLALCHEMY_ENGINE_OPTIONS")
    )
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Let Alembic write our UTC column type as the plain type it stores."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
