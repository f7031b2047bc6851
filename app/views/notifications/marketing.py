"""«Рассылка уведомлений и рекламной продукции» for admins (E7, under «Администрирование»): a subject
and a text queued through the outbox to the consumers who consented (workflows/notifications/marketing.py),
and the mailings sent so far."""
from flask import flash, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.paging import page_number
from app.models.notifications import MarketingMailingState
from app.security.roles import ORG_ADMIN
from app.web import form_tokens
from app.web.permissions import one_permission
from forms.notifications import MarketingForm
from workflows.notifications import marketing

PERMISSION = "MarketingMailing"
MENU = "Рассылка уведомлений и рекламной продукции"

#: a mailing's state in words
STATES = {
    MarketingMailingState.QUEUED: "В очереди",
    MarketingMailingState.RUNNING: "Выполняется",
    MarketingMailingState.DONE: "Отправлена",
}


@one_permission
class MarketingMailingView(BaseView):
    """The form and the mailings, newest first."""

    route_base = "/notifications/marketing"
    class_permission_name = PERMISSION
    default_view = "index"

    def _render(self, form, status=200):
        return self.render_template("notifications/pages/marketing.html", form=form, states=STATES,
                                    page=marketing.listing(page_number())), status

    @expose("/")
    @has_access
    def index(self):
        return self._render(MarketingForm(formdata=None))

    @expose("/start", methods=["POST"])
    @has_access
    def start(self):
        form = MarketingForm()
        if not form.validate_on_submit():
            return self._render(form, 400)
        back = url_for(".index")
        repeat = form_tokens.claim(current_user, fallback=back)
        if repeat is not None:
            return repeat
        mailing = marketing.start_mailing(form.subject.data, form.body.data, current_user)
        form_tokens.produced(back)
        flash(_("Рассылка № %(number)s поставлена в очередь: письма получат только потребители, давшие согласие",
                number=mailing.id), "success")
        return redirect(back)


PERMISSIONS: dict = {ORG_ADMIN: [("can_access", PERMISSION), ("menu_access", MENU)]}
ADMIN_VIEWS = ((MarketingMailingView, MENU, "fa-bullhorn"),)
NOTIFICATIONS = ("marketing",)
