"""«Настройка уведомлений» (E7, seed 004 §2.19): channels per kind of event, «Рассылка уведомлений и
рекламной продукции», «Отображать подсказки» (NotificationSettingsView, linked from the history and
«Мои данные»); and the unsubscribe link of a marketing email (UnsubscribeView, no sign-in: GET
shows what it does, the POST with its CSRF token withdraws the consent)."""
from flask import flash, redirect, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.web.permissions import one_permission
from forms.notifications import ButtonForm, settings_form_class
from workflows.notifications import settings
from workflows.notifications.kinds import CHANNELS, kinds_in_use


def _form(kinds, row, switched_off, formdata=None):
    form = settings_form_class(kinds, CHANNELS)(formdata=formdata)
    if formdata is None:
        form.marketing_consent.data, form.show_hints.data = row.marketing_consent, row.show_hints
        for kind in kinds:
            for channel in CHANNELS:
                form[f"{kind.code}__{channel}"].data = (kind.code, channel) not in switched_off
    return form


@one_permission
class NotificationSettingsView(BaseView):
    """The user's notification settings, one form."""

    route_base = "/my/notifications/settings"
    class_permission_name = "ConsumerCabinet"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        kinds = kinds_in_use()
        row = settings.settings_of(current_user.id)
        form = _form(kinds, row, settings.channels_switched_off(current_user))
        posted = settings_form_class(kinds, CHANNELS)()
        if posted.validate_on_submit():
            on = frozenset((kind.code, channel) for kind in kinds for channel in CHANNELS
                           if posted[f"{kind.code}__{channel}"].data)
            settings.save(current_user, settings.Choices(on, posted.marketing_consent.data, posted.show_hints.data),
                          kinds)
            flash(_("Настройки уведомлений сохранены"), "success")
            return redirect(url_for(".index"))
        return self.render_template("notifications/pages/settings.html", form=form, kinds=kinds, channels=CHANNELS,
                                    row=row)


class UnsubscribeView(BaseView):
    """The unsubscribe link: public (the token is the proof), 404 for a forged or used one."""

    route_base = "/notifications/unsubscribe"
    default_view = "confirm"

    @expose("/<token>", methods=["GET"])
    def confirm(self, token):
        settings.consent_of_token(token)
        return self.render_template("notifications/pages/unsubscribe.html", form=ButtonForm(), token=token,
                                    done=False)

    @expose("/<token>", methods=["POST"])
    def withdraw(self, token):
        if not ButtonForm().validate_on_submit():
            return self.render_template("notifications/pages/unsubscribe.html", form=ButtonForm(), token=token,
                                        done=False), 400
        settings.unsubscribe(token)
        return self.render_template("notifications/pages/unsubscribe.html", form=None, token=None, done=True)


VIEWS = (NotificationSettingsView, UnsubscribeView)
