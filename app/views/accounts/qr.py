"""«Вход через QR-код» (A9, seed 004 §2.2 and §3.14): the waiting page with the QR, its status
for static/js/qr-login.js, the sign-in once approved, and the phone's «подтвердите операцию».
The rules are in workflows/accounts/qr.py."""
from flask import g, jsonify, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.utils.base import get_safe_redirect
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.extensions import db, limiter
from app.models import KabinetUser
from app.views.accounts.common import login_limit
from app.views.accounts.signin import finish_login, landing_url
from app.web.boundary import refused
from workflows.accounts import qr

#: the waiting browser's secret (its session only; never in the QR)
BROWSER_KEY = "kb_qr"


class QrLoginView(BaseView):
    """Public pages: the waiting browser is anonymous; the phone's page checks sign-in itself."""

    route_base = "/login/qr"

    def _next(self) -> str | None:
        value = request.args.get("next")
        return get_safe_redirect(value) if value else None

    def _message(self, title, message, *, level="danger", links=None):
        return self.render_template("accounts/message.html", title=title, message=message, level=level,
                                    links=links or [(url_for("QrLoginView.page"), _("Вход через QR-код"))])

    # ---- the waiting browser -------------------------------------------------------------------
    @expose("/")
    @limiter.limit(login_limit)
    def page(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(landing_url(g.user, next_url=self._next()))
        new = qr.start(user_agent=request.user_agent.string, ip=request.remote_addr)
        session[BROWSER_KEY] = new.browser_secret
        link = qr.link(new.nonce)
        return self.render_template("accounts/qr.html", image=qr.qr_image(link), link=link, form=FlaskForm(),
                                    lifetime=int(qr.QR_LIFETIME.total_seconds()), next=self._next(),
                                    title=_("Вход через QR-код"))

    @expose("/status")
    def status(self):
        """waiting | approved | declined | used | expired, for the page's script."""
        response = jsonify(status=qr.state_for_browser(session.get(BROWSER_KEY)))
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/finish", methods=["POST"])
    @limiter.limit(login_limit)
    def finish(self):
        if not FlaskForm().validate_on_submit():
            return redirect(url_for("QrLoginView.page"))
        try:
            user = qr.finish(session.get(BROWSER_KEY))
        except qr.QrLoginError as exc:
            refused(exc, flash_message=False)
            return self._message(_("Вход через QR-код"), exc.message)
        session.pop(BROWSER_KEY, None)
        return finish_login(user, remember=False, next_url=self._next())

    # ---- the phone -------------------------------------------------------------------------------
    @expose("/<nonce>/", methods=["GET", "POST"])
    @limiter.limit(login_limit, methods=["POST"])
    def confirm(self, nonce):
        """«Подтвердите операцию»: which browser asks, and the two buttons."""
        if not current_user.is_authenticated:
            return redirect(url_for("KabinetAuthView.login", next=request.path))
        user = db.session.get(KabinetUser, current_user.id)
        form = FlaskForm()
        try:
            if form.validate_on_submit():
                approve = request.form.get("decision") == "approve"
                qr.decide(nonce, user, approve=approve)
                if approve:
                    return self._message(_("Вход подтвержден"), _("Вход подтвержден. Компьютер откроет личный "
                                                                   "кабинет через несколько секунд."),
                                         level="success", links=[])
                return self._message(_("Вход отклонен"), _("Вход отклонен. В личный кабинет никто не вошел."),
                                     level="info", links=[])
            row = qr.request_to_decide(nonce, user)
        except qr.QrLoginError as exc:
            refused(exc, flash_message=False)
            return self._message(_("Вход через QR-код"), exc.message, links=[])
        return self.render_template("accounts/qr_confirm.html", request_row=row, user=user, form=form,
                                    title=_("Подтвердите операцию"))
