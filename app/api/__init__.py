"""JSON endpoints beside the HTML views, calling the same workflow commands (STYLE «The house»).

API_BLUEPRINTS is what the factory registers; each module is one area's endpoints."""
from app.api.billing import billing_api
from app.api.v1 import consumer_api

API_BLUEPRINTS: tuple = (billing_api, consumer_api)
