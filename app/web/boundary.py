"""The request boundary (STYLE 6, Indico's `RH.process`): every view runs in one transaction
that is committed once when the view returns and rolled back on any exception.

A `KabinetError` that leaves a view is answered here, once: rolled back, then a flash
message and a redirect back to the page for a form that was sent, or the portal's page for
its HTTP status with its message otherwise. A view that re-renders its form in place
catches the error and calls `refused(exc)`. A row changed by someone else since the form
was rendered (StaleDataError, at a flush in the view or at the commit) is the stale-form
refusal. Views, commands and services never commit.
"""
import functools
import logging
from urllib.parse import urlsplit

from flask import Flask, flash, redirect, request
from sqlalchemy.orm.exc import StaleDataError

from flask_appbuilder.baseviews import BaseCRUDView

from app.core.errors import Conflict, KabinetError
from app.core.transactions import discard
from app.extensions import db
from app.web import form_tokens
from app.web.errors import render_error_page

log = logging.getLogger(__name__)

#: endpoints that never touch the database
UNWRAPPED = {"static", "appbuilder.static"}


def refused(exc: KabinetError, *, flash_message: bool = True) -> None:
    """Undo this request's work and tell the user why; the caller renders the page again
    (with `flash_message=False` it shows the message itself, under the field it concerns)."""
    discard()
    if flash_message:
        flash(exc.message, exc.category)


def answer(exc: KabinetError):
    """The one way a refusal reaches the user: flash and back for a sent form, else the page
    of its status (with its message, unless that is only its kind's default)."""
    back = _back() if request.method == "POST" and exc.status < 500 and exc.status != 404 else None
    if back:
        refused(exc)
        return redirect(back)
    discard()
    own_message = exc.message != str(type(exc).default_message)
    return render_error_page(exc.status, exc.message if own_message else None)


def _back() -> str | None:
    """The page the form was on (same site only); None without one (a form's own address
    may take POST only, so the refusal is then the page of its status)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.path and referrer.netloc == request.host:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return None


def in_transaction(view):
    """Wrap one view function in the request's transaction."""
    fab_saved = saves_itself(view)

    @functools.wraps(view)
    def run(*args, **kwargs):
        try:
            response = view(*args, **kwargs)
            form_tokens.settle()
            if fab_saved:
                discard()  # FAB committed what it saved; this is what a refused form left
            else:
                db.session.commit()
            return response
        except KabinetError as exc:
            return answer(exc)
        except StaleDataError:  # the row was saved from elsewhere since this form was rendered
            return answer(Conflict())
        except BaseException:
            discard()
            raise

    run.kabinet_boundary = True
    return run


def saves_itself(view) -> bool:
    """FAB's own add/edit/delete pages: FAB's datamodel commits the row it saves, and it
    flashes a refusal of `pre_add`/`pre_update` and returns normally, so what the refused
    form wrote into the row is rolled back here, never committed."""
    return isinstance(getattr(view, "__self__", None), BaseCRUDView) and view.__name__ in {"add", "edit", "delete"}


def init_boundary(app: Flask) -> None:
    """Wrap every registered view; called once, after all views are registered."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint not in UNWRAPPED and not getattr(view, "kabinet_boundary", False):
            app.view_functions[endpoint] = in_transaction(view)
