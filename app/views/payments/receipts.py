"""(empty until its helper fills it in: see app/views/payments/__init__.py)"""
VIEWS = ()
