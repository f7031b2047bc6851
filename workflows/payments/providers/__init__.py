"""Payment providers behind one interface (base.py): the built-in sandbox and ЮKassa."""
