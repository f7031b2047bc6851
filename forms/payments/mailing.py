"""«Рассылка квитанций» (D5, admins): the month to send."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, ValidationError

from app.core.formatting import app_zone
from forms.billing.details import MSG_MONTH, RuMonthField


def this_month():
    """The first day of the current month, Moscow time."""
    return datetime.now(app_zone()).date().replace(day=1)


def _not_later_than_this_month(form, field):
    if field.data is not None and field.data.replace(day=1) > this_month():
        raise ValidationError(_l("Квитанции за будущий месяц еще нет: выберите текущий или прошедший месяц"))


class MailingForm(FlaskForm):
    """The month whose receipts go to every account subscribed to the electronic receipt."""

    month = RuMonthField(_l("Месяц квитанций"), default=this_month,
                         validators=[InputRequired(MSG_MONTH), _not_later_than_this_month],
                         render_kw={"placeholder": "ГГГГ-ММ"})
