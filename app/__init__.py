"""Kabinet application factory: create_app() reads as the list of its steps."""
import logging

from flask import Flask

import config as config_module


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.config.from_object(config_module.config_for(config_name))
    app.config.update(overrides)
    init_logging(app)
    init_proxy(app)
    init_extensions(app)
    areas = collect_areas(app)
    with app.app_context():
        init_security(app)
        register_views(app, areas)
    register_blueprints(app)
    init_error_pages(app)
    init_boundary(app)
    init_jobs(app, areas)
    init_template_helpers(app)
    init_cli(app)
    return app


def init_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # FAB narrates every permission it creates at INFO; that buries what an operator needs.
    logging.getLogger("flask_appbuilder").setLevel(app.config.get("FAB_LOG_LEVEL", "WARNING"))
    # alembic announces each plugin it loads, on every `flask` command; warnings still show
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # WeasyPrint narrates the seven steps of every PDF it prints (statements, receipts)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)


def init_proxy(app: Flask) -> None:
    """Behind TRUSTED_PROXY_HOPS proxies the client's address and scheme are the ones they
    forward; without it X-Forwarded-* is ignored, so a client cannot choose its own address."""
    hops = app.config.get("TRUSTED_PROXY_HOPS", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def init_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every model is mapped before migrations/FAB look)
    from app.extensions import csrf, db, init_limiter, migrate
    from app.core.sqlite import init_sqlite
    from app.core.transactions import init_transactions

    db.init_app(app)
    init_sqlite(app)
    init_transactions(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    init_limiter(app)


def init_security(app: Flask) -> None:
    from flask_appbuilder import AppBuilder

    from app.extensions import db
    from app.views.index import KabinetIndexView

    AppBuilder(indexview=KabinetIndexView, update_perms=False).init_app(app, db.session)
    from app.web.headers import init_security_headers

    init_security_headers(app)


def collect_areas(app: Flask) -> tuple:
    """The areas in menu order; the one place that imports them all (app/core/areas.py)."""
    from app.views import AREAS

    app.extensions["kabinet_areas"] = AREAS
    return AREAS


def register_views(app: Flask, areas) -> None:
    """Every FAB view is registered here, never as a side effect of an import."""
    from app.core.areas import ADMIN_CATEGORY
    from app.extensions import appbuilder
    from app.web.actions import init_unknown_actions
    from workflows.applications.guards import register_guard

    for area in areas:
        area.register(appbuilder)
        for guard in area.guards:
            register_guard(guard)
    for area in areas:  # after every area: «Администрирование» keeps its place, the admin area's entries first
        for view, name, icon in area.admin_views:
            appbuilder.add_view(view(), name, icon=icon, category=ADMIN_CATEGORY)
    init_unknown_actions(app)


def register_blueprints(app: Flask) -> None:
    from app.api import API_BLUEPRINTS
    from app.views.health import health_bp

    app.register_blueprint(health_bp)
    for blueprint in API_BLUEPRINTS:
        app.register_blueprint(blueprint)


def init_error_pages(app: Flask) -> None:
    from app.web import errors

    errors.register(app)


def init_boundary(app: Flask) -> None:
    """One commit per request, after every view is registered (app/web/boundary.py)."""
    from app.web.boundary import init_boundary as wrap_views

    wrap_views(app)


def init_jobs(app: Flask, areas) -> None:
    from app.core.jobs.queue import init_queue
    from app.core.notifications.outbox import sweep_outbox

    periodic = [(sweep_outbox, 60)] + [job for area in areas for job in area.periodic_jobs]
    init_queue(app, periodic_jobs=periodic)


def init_template_helpers(app: Flask) -> None:
    from app.core import formatting, templating

    formatting.register(app)
    templating.register(app)


def init_cli(app: Flask) -> None:
    from app.cli import kabinet_cli

    app.cli.add_command(kabinet_cli)
