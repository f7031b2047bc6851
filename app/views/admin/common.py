"""What the admin area's screens share: their permission, menu categories, the acting user,
and how a file export is sent."""
from flask import redirect, send_file, url_for
from flask_appbuilder import BaseView
from flask_login import current_user

from app.core.areas import ADMIN_CATEGORY  # noqa: F401  (shared with the other areas' admin screens)
from app.web.boundary import refused
from app.web.permissions import OnePermission

#: permission views of this area; OrgAdmin already holds OrganizationAdmin (roles.py)
ADMIN_PERMISSION = "OrganizationAdmin"
#: consumer search and accounts opened at the office (A6): staff and admins
CONSUMERS_PERMISSION = "ConsumerAccounts"
DICT_CATEGORY = "Справочники"


class AdminView(OnePermission, BaseView):
    """A screen of the admin area: admins only (`can_access` on OrganizationAdmin), opens on index."""

    default_view = "index"
    class_permission_name = ADMIN_PERMISSION


def period(form) -> tuple:
    """(date_from, date_to) of a GET search form, leaving out a date it could not read."""
    form.validate()
    return (form.date_from.data if not form.date_from.errors else None,
            form.date_to.data if not form.date_to.errors else None)


def acting_user():
    """The signed-in admin or staff member, as commands take them (None when anonymous)."""
    return current_user if current_user.is_authenticated else None


def refused_to(exc, endpoint: str, **values):
    """A refused POST: its message flashed, back to `endpoint` (not to the POST-only address)."""
    refused(exc)
    return redirect(url_for(endpoint, **values))


def send_spooled(out, name: str, mimetype: str):
    """Send an export written to `spooled_text()` (app/core/exports.py) as a download."""
    out.flush()
    raw = out.detach()
    raw.seek(0)
    return send_file(raw, mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
