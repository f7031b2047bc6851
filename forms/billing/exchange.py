"""Forms of the exchange with the billing system (D1): the import upload, the export download,
integration tokens."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, ValidationError
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Regexp

from app.models.billing import IMPORT_KIND_LABELS

EXPORT_FORMATS = [("csv", "CSV"), ("json", "JSON")]
MAX_ROWS = 10_000
DEFAULT_ROWS = 1_000


def _rows_in_range(form, field):
    if (field.data or "").strip().isdigit() and not 1 <= int(field.data) <= MAX_ROWS:
        raise ValidationError(_l("От 1 до %(max)s строк", max=MAX_ROWS))


class ImportForm(FlaskForm):
    """«Загрузка из биллинга»: what the file holds and the file."""

    kind = SelectField(_l("Данные"), choices=[("", _l("— выберите —"))] + list(IMPORT_KIND_LABELS.items()),
                       validate_choice=False, validators=[
                           DataRequired(_l("Выберите, какие данные в файле")),
                           AnyOf(list(IMPORT_KIND_LABELS), message=_l("Выберите вид данных из списка"))])
    file = FileField(_l("Файл (CSV или JSON)"), validators=[FileRequired(_l("Выберите файл"))])


class ExportForm(FlaskForm):
    """«Выгрузка в биллинг» of one kind (the page has one per kind, prefixed with the kind):
    rows after a cursor, as CSV or JSON."""

    after = StringField(_l("Строки после номера (курсор)"), default="0", validators=[
        InputRequired(_l("Укажите курсор: 0 — с начала")),
        Regexp(r"^\s*\d{1,18}\s*$", message=_l("Курсор — целое число не меньше 0"))])
    limit = StringField(_l("Не больше строк"), default=str(DEFAULT_ROWS), validators=[
        InputRequired(_l("Укажите, сколько строк выгрузить")),
        Regexp(r"^\s*\d{1,6}\s*$", message=_l("Укажите число строк цифрами")), _rows_in_range])
    file_format = SelectField(_l("Формат"), choices=EXPORT_FORMATS, validate_choice=False, validators=[
        DataRequired(_l("Выберите формат")), AnyOf([v for v, _ in EXPORT_FORMATS], message=_l("Формат: CSV или JSON"))])


class TokenForm(FlaskForm):
    """«Создать токен»: a name that says which system holds it."""

    name = StringField(_l("Название (какая система им пользуется)"), validators=[
        DataRequired(_l("Укажите название токена")),
        Length(max=200, message=_l("Не длиннее 200 символов"))])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token («Отозвать»)."""
