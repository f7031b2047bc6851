"""«Вебхуки» (G2, org admins and admins): the endpoints, «Добавить» (the secret shown once), an
endpoint's delivery log, «Повторить сейчас», «Отключить» / «Включить»."""
from flask import Response, flash, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.core.errors import KabinetError
from app.core.paging import page_number
from app.models.webhooks import WEBHOOK_EVENT_LABELS
from app.security.roles import ORG_ADMIN
from app.web.boundary import refused
from app.web.permissions import one_permission
from forms.webhooks import ConfirmForm, EndpointForm
from workflows.webhooks import endpoints

PERMISSION = "Webhooks"
MENU = "Вебхуки"
PER_PAGE = 30


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        raise KabinetError()


@one_permission
class WebhooksView(BaseView):
    route_base = "/admin/webhooks"
    default_view = "index"
    class_permission_name = PERMISSION

    def _render(self, form, status=200, created=None, secret=None):
        page = self.render_template("webhooks/index.html", form=form, confirm=ConfirmForm(),
                                    endpoints=endpoints.listing(), created=created, secret=secret,
                                    labels=WEBHOOK_EVENT_LABELS)
        return Response(page, status=status, headers={"Cache-Control": "no-store"})

    @expose("/")
    @has_access
    def index(self):
        return self._render(EndpointForm(formdata=None))

    @expose("/create", methods=["POST"])
    @has_access
    def create(self):
        form = EndpointForm()
        if not form.validate_on_submit():
            return self._render(form, 400)
        try:
            endpoint, secret = endpoints.create(form.name.data, form.url.data, form.events.data, actor=current_user)
        except KabinetError as exc:
            refused(exc, flash_message=False)
            form.url.errors = [*form.url.errors, exc.message]
            return self._render(form, 400)
        return self._render(EndpointForm(formdata=None), created=endpoint, secret=secret)

    @expose("/<int:endpoint_id>/")
    @has_access
    def log(self, endpoint_id):
        endpoint = endpoints.get(endpoint_id)
        return self.render_template("webhooks/log.html", endpoint=endpoint, confirm=ConfirmForm(),
                                    page=endpoints.deliveries(endpoint, page_number(), PER_PAGE),
                                    labels=WEBHOOK_EVENT_LABELS)

    @expose("/<int:endpoint_id>/<any(enable,disable):action>", methods=["POST"])
    @has_access
    def switch(self, endpoint_id, action):
        _confirmed()
        endpoint = endpoints.set_enabled(endpoint_id, action == "enable", actor=current_user)
        flash(_("Получатель «%(name)s» включен", name=endpoint.name) if endpoint.enabled
              else _("Получатель «%(name)s» отключен: события ему больше не отправляются", name=endpoint.name),
              "success")
        return redirect(url_for(".log", endpoint_id=endpoint.id))

    @expose("/<int:endpoint_id>/deliveries/<int:message_id>/retry", methods=["POST"])
    @has_access
    def retry(self, endpoint_id, message_id):
        _confirmed()
        endpoints.retry_now(endpoint_id, message_id, actor=current_user)
        flash(_("Событие поставлено на отправку"), "success")
        return redirect(url_for(".log", endpoint_id=endpoint_id))


VIEWS = ()
MENU_LINKS = ()
PERMISSIONS: dict = {ORG_ADMIN: [("can_access", PERMISSION), ("menu_access", MENU)]}
ADMIN_VIEWS = ((WebhooksView, MENU, "fa-plug"),)
