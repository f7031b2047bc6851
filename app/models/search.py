"""Search keys kept next to the text they index: the staff queue compares lower-case keys.

SQLite's lower() and LIKE fold only ASCII letters, and PostgreSQL's lower() depends on the
database's locale; so the key is folded in Python when the row is written (any case, «ё» as
«е», runs of spaces as one) and the search term is folded the same way.
"""


def search_key(*parts: str | None) -> str | None:
    """The folded text of `parts` joined by « / »; None when all are empty."""
    folded = [" ".join(p.lower().replace("ё", "е").split()) for p in parts if p and p.strip()]
    return " / ".join(folded) or None
