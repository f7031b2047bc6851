"""JSON endpoints beside the HTML views, calling the same workflow commands (STYLE «The house»).

API_BLUEPRINTS is what the factory registers; each module is one area's endpoints."""
API_BLUEPRINTS: tuple = ()
