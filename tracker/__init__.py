"""Lobbytracker: a municipality's influence strategy, day to day."""

import gc
import os

from flask import Flask

from . import config


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True,
                template_folder="../templates", static_folder="../static")
    os.makedirs(app.instance_path, exist_ok=True)

    app.config.from_mapping(config.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config.from_environment())
    if test_config is not None:
        app.config.from_mapping(test_config)

    app.config.setdefault("SQLALCHEMY_DATABASE_URI",
                          config.database_uri(app.config.get("DATABASE_URL"), app.instance_path))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)

    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_commands(app)
    register_scheduler(app)
    if not app.testing:
        keep_out_of_the_collector()
    return app


def keep_out_of_the_collector():
    """What is loaded by now (modules, the app, its routes: some 150,000
    objects) lives as long as the process. Frozen, it is out of the garbage
    collector's way: the full collection that a busy page sets off now and
    then walks only what requests made since, not all of it each time, which
    took some 100 ms in a gunicorn worker."""
    gc.collect()
    gc.freeze()


def register_extensions(app):
    from . import database, models  # noqa: F401  (listeners and the whole schema)
    from .extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=lambda: "nl",
                   timezone_selector=lambda: app.config["BABEL_DEFAULT_TIMEZONE"])
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from .auth.service import load_user
    login_manager.user_loader(load_user)
    from .auth.sessions import init_app as init_sessions
    init_sessions(app)  # before the login check: a taken-back or idle session ends first

    from .audit.service import init_app as init_audit
    init_audit(app)


def register_blueprints(app):
    from .views import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any rule is added
    from .admin.routes import bp as admin_bp
    from .audit.routes import bp as audit_bp
    from .auth.account import bp as account_bp
    from .auth.routes import bp as auth_bp
    from .auth.sso import bp as sso_bp
    from .interactions.routes import bp as interactions_bp
    from .digest.routes import bp as digest_bp
    from .main.routes import bp as main_bp
    from .neglect.routes import bp as neglect_bp
    from .relations.routes import bp as relations_bp
    from .strategy.routes import bp as strategy_bp

    for blueprint in (auth_bp, main_bp, strategy_bp, relations_bp, interactions_bp, neglect_bp, digest_bp,
                      admin_bp, sso_bp, audit_bp, account_bp):
        app.register_blueprint(blueprint)
    from .dashboards.routes import bp as dashboards_bp
    app.register_blueprint(dashboards_bp)
    from .imports.routes import bp as imports_bp
    app.register_blueprint(imports_bp)
    from .search.routes import bp as search_bp
    app.register_blueprint(search_bp)
    from .api.routes import bp as api_bp
    from .api.settings import bp as tokens_bp
    app.register_blueprint(api_bp)
    app.register_blueprint(tokens_bp)
    from .agenda.routes import bp as agenda_bp
    from .funding.routes import bp as funding_bp
    from .positions.routes import bp as positions_bp
    for blueprint in (agenda_bp, funding_bp, positions_bp):
        app.register_blueprint(blueprint)
    from .avg.routes import bp as avg_bp
    from .woo.routes import bp as woo_bp
    for blueprint in (avg_bp, woo_bp):
        app.register_blueprint(blueprint)
    from .stakeholders.routes import bp as stakeholders_bp
    app.register_blueprint(stakeholders_bp)

    from .auth.throttle import init_app as init_throttle
    init_throttle(app)  # limits on the login views


def register_template_helpers(app):
    from . import formatting

    formatting.init_app(app)


def register_error_handlers(app):
    from .main.errors import init_app

    init_app(app)


def register_security_headers(app):
    from .main.security import init_app

    init_app(app)


def register_scheduler(app):
    from .scheduler.runner import init_app

    init_app(app)


def register_commands(app):
    from .cli import init_app

    init_app(app)
