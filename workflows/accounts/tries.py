"""A used try stays used: the accounts area's one deliberate separate transaction.

A wrong one-time code, a wrong TOTP code and a captcha answer each use up a try, and the
request is then refused. A refusal rolls the request back (app/web/boundary.py), which would
forget the try and give a guesser as many as they like. So the try is committed at once, on
its own, when it is all the transaction holds. When the caller wrote something before it,
the try goes with the caller's work: committed when the caller keeps it.
"""
from app.core.transactions import wrote_nothing
from app.extensions import db


def only_this_try() -> bool:
    """Ask before counting a try: whether the try will be all that the transaction holds."""
    return wrote_nothing(db.session)


def keep(alone: bool) -> None:
    """Commit the counted try now (see above) when `alone`, the answer of only_this_try()."""
    if alone:
        db.session.commit()
