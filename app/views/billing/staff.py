"""(placeholder until its helper fills it in: see app/views/billing/__init__.py)"""
VIEWS = ()
MENU_LINKS = ()
PERMISSIONS: dict = {}
ADMIN_VIEWS = ()
