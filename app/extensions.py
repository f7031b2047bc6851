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

#: FAB keeps its views on the AppBuilder object, so each app gets its own
#: (tests build several apps); code reaches the current one through this proxy.
appbuilder = LocalProxy(lambda: current_app.appbuilder)
