"""Forms of «Приборы учета» (D8): «Уведомить о неисправности» and the readings history's period."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from forms.billing.details import PeriodForm
from workflows.meters.faults import MSG_REQUIRED


class FaultForm(FlaskForm):
    """«Уведомить о неисправности»: what is wrong, and a photo of the meter if there is one."""

    description = TextAreaField(_l("Описание неисправности"),
                                validators=[DataRequired(_l(MSG_REQUIRED)),
                                            Length(max=2000, message=_l("Не более 2000 символов"))],
                                description=_l("Опишите, что случилось с прибором учета: не горит табло, "
                                               "не вращается диск, повреждена пломба…"))
    photo = FileField(_l("Фотография прибора учета (JPEG или PNG)"))

    def photo_file(self):
        """The chosen file, or None when none was chosen."""
        data = self.photo.data
        return data if data is not None and getattr(data, "filename", "") else None


class HistoryPeriodForm(PeriodForm):
    """«Показания прибора учета»: from–to months (GET, no CSRF token), like the tariff history."""
