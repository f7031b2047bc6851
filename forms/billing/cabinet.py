"""Forms of «Лицевые счета» (D2, D3, D10): add an account, confirm its removal, receipt delivery."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from app.models.billing import ReceiptDelivery
from workflows.billing.links import PROOF_LABELS, PROOF_RECEIPT_AMOUNT, parse_amount

MSG_REQUIRED = _l("Заполните обязательное поле")
MSG_BRANCH = _l("Выберите филиал")
MSG_NUMBER = _l("Номер лицевого счета — не более 32 символов")
MSG_AMOUNT = _l("Введите сумму, например 1 234,56")
MSG_EMAIL = _l("Введите корректный адрес электронной почты")

DELIVERY_LABELS = {
    ReceiptDelivery.PAPER: _l("Бумажная квитанция"),
    ReceiptDelivery.ELECTRONIC: _l("Электронная квитанция"),
}


def _id(value) -> int:
    """A chosen id; 0 for anything else (refused by the form's own check, in Russian)."""
    return int(value) if str(value).isdigit() else 0


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class AddAccountForm(FlaskForm):
    """«+ Добавить лицевой счет»; the proof's label and check follow the organization's setting."""

    branch_id = SelectField(_l("Филиал"), coerce=_id, validators=[InputRequired(MSG_BRANCH)],
                            validate_choice=False)
    number = StringField(_l("Лицевой счет"), filters=[_strip],
                         validators=[DataRequired(MSG_REQUIRED), Length(max=32, message=MSG_NUMBER)],
                         description=_l("Номер лицевого счета из платежного документа (квитанции)"))
    proof = StringField(validators=[DataRequired(MSG_REQUIRED), Length(max=300)], filters=[_strip])
    electronic = BooleanField(_l("Согласен на получение электронной квитанции"))

    def __init__(self, branches, proof_kind: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.proof_kind = proof_kind
        self.proof.label.text = str(PROOF_LABELS[proof_kind])
        self.branch_id.choices = [(0, _l("— выберите филиал —"))] + [(b.id, b.name) for b in branches]
        self._branch_ids = {b.id for b in branches}

    def validate_branch_id(self, field):
        if field.data not in self._branch_ids:
            raise ValidationError(MSG_BRANCH)

    def validate_proof(self, field):
        if self.proof_kind == PROOF_RECEIPT_AMOUNT and parse_amount(field.data) is None:
            raise ValidationError(MSG_AMOUNT)


class RemoveAccountForm(FlaskForm):
    """«Удалить»: the confirmation carries only the CSRF token."""


class DeliveryForm(FlaskForm):
    """«Способ получения квитанции»: paper or electronic, to the profile's email or another one."""

    delivery = RadioField(_l("Способ получения квитанции"), choices=list(DELIVERY_LABELS.items()),
                          validators=[InputRequired(_l("Выберите способ получения квитанции"))])
    other_email = StringField(_l("Другой адрес электронной почты"), filters=[_strip],
                              validators=[Optional(), Length(max=320, message=MSG_EMAIL), Email(MSG_EMAIL)],
                              description=_l("Адрес электронной почты в профиле не изменится"))
    code = StringField(_l("Код подтверждения"), filters=[_strip], validators=[Optional(), Length(max=10)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
