"""The request boundary (STYLE 6, Indico's `RH.process`): every view runs in one transaction
that is committed once when the view returns and rolled back on any exception.

A `KabinetError` that leaves a view is answered here, once: rolled back, then a flash
message and a redirect back to the page for a form that was sent, or its HTTP status
otherwise. A view that re-renders its form in place catches the error and calls
`refused(exc)`. A commit refused because someone else changed the row first
(StaleDataError) is the stale-form refusal. Views, commands and services never commit.
"""
import functools
import logging
from urllib.parse import urlsplit

from flask import Flask, abort, flash, redirect, request
from sqlalchemy.orm.exc import StaleDataError

from app.core.errors import Conflict, KabinetError
from app.extensions import db

log = logging.getLogger(__name__)

#: endpoints that never touch the database
UNWRAPPED = {"static", "appbuilder.static"}


def refused(exc: KabinetError) -> None:
    """Undo this request's work and tell the user why; the caller renders the page again."""
    db.session.rollback()
    flash(exc.message, exc.category)


def answer(exc: KabinetError):
    """The one way a refusal reaches the user: flash and back for a sent form, else a status page."""
    refused(exc)
    if request.method == "POST" and exc.status < 500 and exc.status != 404:
        return redirect(_back())
    abort(exc.status, description=exc.message)


def _back() -> str:
    """The page the form was on (same site only), else the form's own address."""
    referrer = urlsplit(request.referrer or "")
    if referrer.path and referrer.netloc == request.host:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return request.full_path.rstrip("?")


def commit() -> None:
    """Commit the request's transaction; a concurrent change becomes the stale-form refusal."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict() from None


def in_transaction(view):
    """Wrap one view function in the request's transaction."""

    @functools.wraps(view)
    def run(*args, **kwargs):
        try:
            response = view(*args, **kwargs)
            commit()
            return response
        except KabinetError as exc:
            return answer(exc)
        except BaseException:
            db.session.rollback()
            raise

    run.kabinet_boundary = True
    return run


def init_boundary(app: Flask) -> None:
    """Wrap every registered view; called once, after all views are registered."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint not in UNWRAPPED and not getattr(view, "kabinet_boundary", False):
            app.view_functions[endpoint] = in_transaction(view)
