"""Forms of the sign-in through external providers (A9): the admins' provider form, the
CSRF-only «Отвязать» button (the linking page reuses forms.accounts.LoginForm)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, URL

from forms.accounts import MSG_REQUIRED

MSG_URL = _l("Введите адрес, начинающийся с https:// или http://")
URL_FIELDS = ("discovery_url", "issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _url(label, description=None):
    return StringField(label, filters=[_strip], description=description,
                       validators=[Optional(), URL(require_tld=False, message=MSG_URL), Length(max=500)])


class OidcProviderForm(FlaskForm):
    name = StringField(_l("Название"), filters=[_strip], description=_l("На кнопке: «Войти через …»"),
                       validators=[DataRequired(MSG_REQUIRED), Length(max=100)])
    discovery_url = _url(_l("Адрес discovery (.well-known/openid-configuration)"),
                         _l("Если указан, адреса ниже не нужны"))
    issuer = _url(_l("Издатель (issuer)"))
    authorization_endpoint = _url(_l("Адрес авторизации"))
    token_endpoint = _url(_l("Адрес получения токена"))
    jwks_uri = _url(_l("Адрес ключей (JWKS)"))
    client_id = StringField(_l("Идентификатор клиента (client_id)"), filters=[_strip],
                            validators=[DataRequired(MSG_REQUIRED), Length(max=200)])
    client_secret = PasswordField(_l("Секрет клиента (client_secret)"), validators=[Length(max=500)],
                                  description=_l("Хранится в зашифрованном виде и не показывается. "
                                                 "Оставьте пустым, чтобы не менять."))
    scopes = StringField(_l("Области доступа (scope)"), filters=[_strip], default="openid",
                         validators=[DataRequired(MSG_REQUIRED), Length(max=300)])
    enabled = BooleanField(_l("Включен"), default=True)

    def values(self) -> dict:
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}

    def put_errors(self, errors: dict) -> None:
        for name, message in errors.items():
            if name in self:
                self[name].errors = list(self[name].errors or []) + [str(message)]


class ButtonForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
