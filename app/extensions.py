"""Extension objects, created unbound and initialised by create_app()."""
from flask import current_app
from flask_appbuilder.models.sqla.base import SQLA
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from werkzeug.local import LocalProxy

db = SQLA()
csrf = CSRFProtect()
migrate = Migrate()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

#: storage URIs that Flask-Limiter hands to redis-py's from_url
REDIS_LIMIT_SCHEMES = ("redis://", "rediss://", "redis+unix://")

#: FAB keeps its views on the AppBuilder object, so each app gets its own
#: (tests build several apps); code reaches the current one through this proxy.
appbuilder = LocalProxy(lambda: current_app.appbuilder)


def redis_options(app) -> dict:
    """redis-py options for calls made while a user waits: a short timeout and no retries
    (redis-py retries ten times by default), so a down or hung Redis costs one short wait."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    timeout = app.config["REDIS_SOCKET_TIMEOUT"]
    return {"socket_connect_timeout": timeout, "socket_timeout": timeout, "retry": Retry(NoBackoff(), 0)}


def init_limiter(app) -> None:
    """Rate limits in their storage; while a Redis storage is down they are counted in memory
    (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED) and Flask-Limiter looks for it again now and then."""
    if app.config["RATELIMIT_STORAGE_URI"].startswith(REDIS_LIMIT_SCHEMES):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", redis_options(app))
    limiter.init_app(app)
