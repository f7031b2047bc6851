"""«Лицевые счета» for staff: find any account by number, address or ФИО, see who linked it, and
unlink a consumer with a reason. Commands and queries: workflows/billing/staff.py."""
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import KabinetError, NotFound
from app.core.paging import page_number
from app.security.roles import ORG_ADMIN, STAFF
from app.web import form_tokens
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.billing.staff import AccountSearchForm, unlink_form
from workflows.billing import staff as commands

PERMISSION = "StaffPersonalAccounts"
#: the menu entry's name (its permission); it reads «Лицевые счета» like the consumers' own entry
MENU = "Лицевые счета (сотрудники)"
MENU_LABEL = "Лицевые счета"


@one_permission
class PersonalAccountsStaffView(BaseView):
    """Staff: the account search, an account's page with its links, and unlinking."""

    route_base = "/staff/personal-accounts"
    class_permission_name = PERMISSION
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        form = AccountSearchForm(request.args).setup(commands.branches())
        q = (form.q.data or "").strip()[:100]
        page = commands.search_accounts(current_user, q=q, branch_id=form.branch.data, page=page_number())
        args = {k: v for k, v in request.args.items() if k in ("q", "branch") and v}
        short = bool(q) and not q.replace(" ", "").isdigit() and len(q) < commands.MIN_TEXT
        return self.render_template("billing/staff/index.html", form=form, page=page, args=args, searched=bool(q),
                                    short=short)

    def _render_card(self, account_id: int, *, failed=None, status: int = 200):
        """The account page; `failed` is the refused unlink form, shown with what was typed."""
        card = commands.account_card(current_user, account_id)
        forms = {link.id: unlink_form(link.id, formdata=None) for link in card.links if link.unlinked_at is None}
        if failed is not None and failed[0] in forms:
            forms[failed[0]] = failed[1]
        return self.render_template("billing/staff/account.html", card=card, account=card.account,
                                    forms=forms), status

    @expose("/<int:account_id>")
    @has_access
    def account(self, account_id):
        return self._render_card(account_id)

    @expose("/<int:account_id>/links/<int:link_id>/unlink", methods=["POST"])
    @has_access
    def unlink(self, account_id, link_id):
        """«Отвязать»: the reason is required; the consumer loses the account and is told why."""
        back = url_for(".account", account_id=account_id)
        form = unlink_form(link_id)
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:  # a double click: unlinked already
            return repeat
        valid = form.validate_on_submit()
        try:
            if valid:
                commands.unlink(current_user, account_id, link_id, form.reason.data)
            else:  # the same 404 and refusals as a valid form meets, then the form's messages
                commands.unlinkable(current_user, account_id, link_id)
        except NotFound:
            abort(404)
        except commands.ReasonRequired as exc:
            refused(exc, flash_message=False)
            form.reason.errors = list(form.reason.errors) + [exc.message]
            valid = False
        except KabinetError as exc:
            refused(exc)
            return self._render_card(account_id, status=exc.status)
        if not valid:
            form_tokens.release()
            return self._render_card(account_id, failed=(link_id, form), status=400)
        form_tokens.produced(back)
        flash(_("Лицевой счет отвязан от личного кабинета потребителя"), "success")
        return redirect(back)


VIEWS = (PersonalAccountsStaffView,)
MENU_LINKS = ((MENU, "/staff/personal-accounts/", "fa-address-book", MENU_LABEL),)
PERMISSIONS: dict = {
    STAFF: [("can_access", PERMISSION), ("menu_access", MENU)],
    ORG_ADMIN: [("can_access", PERMISSION), ("menu_access", MENU)],
}
ADMIN_VIEWS = ()
#: template keys of this module's notifications (templates/notifications/<key>.*.j2)
NOTIFICATIONS = ("billing_account_unlinked",)
