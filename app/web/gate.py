"""Steps a signed-in user must take before using the portal: set a password (accounts
opened at the office), confirm the phone (registration), enrol in two-factor login when
it is mandatory for staff. One table, one before_request hook."""
from flask import Flask, redirect, request, url_for
from flask_login import current_user

from workflows.accounts.totp import totp_required

#: (condition, endpoint that resolves it), checked in order
STEPS = (
    (lambda user: user.must_set_password, "KabinetAuthView.new_password"),
    (lambda user: user.is_consumer and user.phone_confirmed_at is None, "RegistrationView.confirm"),
    (lambda user: totp_required(user) and not user.totp_enabled, "SecurityView.totp"),
)

#: endpoints always reachable (the steps themselves, leaving, static files)
ALWAYS_OPEN = {
    "static", "appbuilder.static", "KabinetAuthView.logout", "KabinetAuthView.login", "health.health",
    "RegistrationView.resend", "RegistrationView.confirm", "KabinetAuthView.new_password", "SecurityView.totp",
    "LocaleView.index",
}


#: FAB's navbar «Profile» (its user view's userinfo) leads to our pages instead
PROFILE_ENDPOINT = "UserDBModelView.userinfo"


def pending_step(user) -> str | None:
    """The endpoint of the first step `user` still has to take, or None."""
    for condition, endpoint in STEPS:
        if condition(user):
            return endpoint
    return None


def init_gate(app: Flask) -> None:
    @app.before_request
    def _require_pending_steps():
        if request.endpoint is None or request.endpoint in ALWAYS_OPEN or request.endpoint.endswith(".static"):
            return None
        if not current_user or not current_user.is_authenticated:
            return None
        step = pending_step(current_user)
        if step and request.endpoint != step:
            return redirect(url_for(step))
        if request.endpoint == PROFILE_ENDPOINT:
            return redirect(url_for("ProfileView.profile" if current_user.is_consumer else "SecurityView.security"))
        return None
