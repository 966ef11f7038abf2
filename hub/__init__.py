"""善治 Hub: the application factory. Nothing happens at import time."""

from __future__ import annotations

from typing import Any

from flask import Flask

from hub.config import PROJECT_ROOT, check_config, load_config


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build and configure the application; ``config`` overrides the environment."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_config(config))
    check_config(app.config)

    from hub import extensions, i18n, models  # noqa: F401 - models register tables
    from hub.auth import init_auth
    from hub.cli import register_cli
    from hub.db import init_db, render_item
    from hub.web.assets import init_assets
    from hub.web.errors import init_errors
    from hub.web.security import init_security_headers
    from hub.web.templating import init_templating

    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    from hub.ops.logs import init_logging
    from hub.ops.metrics import init_metrics
    from hub.ops.sentry import init_sentry

    init_sentry(app)  # only with HUB_SENTRY_DSN
    init_logging(app)  # request ids first: every later hook's lines carry one
    init_db(app)
    init_metrics(app)
    extensions.migrate.init_app(
        app,
        extensions.db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )
    extensions.csrf.init_app(app)
    i18n.init_i18n(app)
    extensions.limiter.init_app(app)
    init_auth(app)
    init_security_headers(app)
    init_errors(app)
    init_templating(app)
    init_assets(app)

    from hub.admin.routes import bp as admin_bp
    from hub.audit_log.routes import bp as audit_bp
    from hub.auth.routes import bp as auth_bp
    from hub.main.routes import bp as main_bp
    from hub.notifications.routes import bp as notifications_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(notifications_bp)
    from hub.organizations import init_organizations

    init_organizations(app)
    from hub.tenders import init_tenders

    init_tenders(app)
    from hub.projects import init_projects

    init_projects(app)
    from hub.shifts import init_shifts

    init_shifts(app)
    from hub.matching import init_matching
    from hub.profiles import init_profiles

    init_matching(app)
    init_profiles(app)
    from hub.needs import init_needs

    init_needs(app)
    from hub.evaluations import init_evaluations

    init_evaluations(app)
    from hub.hours import init_hours

    init_hours(app)
    from hub.opendata import init_opendata

    init_opendata(app)
    from hub.reports import init_reports

    init_reports(app)
    from hub.exports import init_exports
    from hub.imports import init_imports

    init_exports(app)
    init_imports(app)
    from hub.privacy import init_privacy

    init_privacy(app)
    from hub.verification import init_verification

    init_verification(app)
    from hub.notifications.worker import init_outbox_delivery

    init_outbox_delivery(app)  # NOTIFY the outbox worker; inline delivery in dev
    register_cli(app)
    from hub.bench.routes import init_bench_routes

    init_bench_routes(app)  # only with HUB_BENCH_ROUTES=1 (make bench)
    return app
