"""(empty until its helper fills it in: see app/views/meters/__init__.py)"""
VIEWS = ()
