"""Forms of the documents area: templates, signing, verification, copy requests."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, Length, Optional, Regexp


class TemplateUploadForm(FlaskForm):
    """F4: a new version of the statement template of one application type."""

    file = FileField(_l("Файл шаблона (.docx)"), validators=[FileRequired(_l("Выберите файл шаблона"))])
    comment = StringField(_l("Комментарий"), validators=[Optional(), Length(max=300)])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token («Подписать» for ПЭП)."""


class OrganizationSignForm(FlaskForm):
    totp_code = StringField(_l("Код из приложения-аутентификатора"), validators=[Optional(), Length(max=10)])


class PepConfirmForm(FlaskForm):
    code = StringField(_l("Код"), validators=[
        DataRequired(_l("Введите код из SMS")),
        Regexp(r"^\s*\d{6}\s*$", message=_l("Код состоит из 6 цифр")),
    ])


class CmsUploadForm(FlaskForm):
    signature = FileField(_l("Файл подписи (.sig, .p7s)"), validators=[FileRequired(_l("Выберите файл подписи"))])


class VerifyForm(FlaskForm):
    """«Проверить подпись»: the document and the signature file downloaded with «Скачать подпись»."""

    document = FileField(_l("Документ"), validators=[FileRequired(_l("Выберите файл документа"))])
    evidence = FileField(_l("Файл подписи"), validators=[FileRequired(_l("Выберите файл подписи"))])


class CopyRequestForm(FlaskForm):
    """C4: «Запрос электронных копий документов и актов»."""

    application_id = SelectField(_l("Заявка"), coerce=int, validators=[Optional()])
    kinds = SelectMultipleField(_l("Документы"), validators=[Optional()],
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    documents = TextAreaField(_l("Другие документы"), validators=[Optional(), Length(max=4000)])
    comment = TextAreaField(_l("Комментарий"), validators=[Optional(), Length(max=2000)])


class CopyAnswerForm(FlaskForm):
    """Staff: fulfil a copy request by attaching the copies, or refuse it."""

    files = MultipleFileField(_l("Копии документов"))
    answer = TextAreaField(_l("Ответ"), validators=[Optional(), Length(max=4000)])


class TrustedCertificateForm(FlaskForm):
    """«Доверенные сертификаты УЦ»: a file with one or several CA certificates."""

    file = FileField(_l("Файл сертификата (.cer, .crt, .pem, .der, .p7b)"),
                     validators=[FileRequired(_l("Выберите файл сертификата"))])


# ---- «Мои документы» (E3): the history's filters and «Загрузить документ» --------------------------

class _CheckedSelectField(SelectField):
    """A select whose value the workflow checks, so a refused one comes back with its message."""

    def pre_validate(self, form):
        pass


class MyDocumentsFilterForm(FlaskForm):
    """The history's filters (GET, no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    direction = _CheckedSelectField(_l("Направление"), choices=[])
    type_name = _CheckedSelectField(_l("Тип документов"), choices=[])
    date_from = DateField(_l("Период с"), validators=[Optional()])
    date_to = DateField(_l("по"), validators=[Optional()])
    account_id = _CheckedSelectField(_l("Лицевой счет"), choices=[])


class DocumentUploadForm(FlaskForm):
    """«Загрузить документ»: «Тип документов», «Лицевой счет», the files, «Отправить документ»."""

    document_type = _CheckedSelectField(_l("Тип документов"), choices=[])
    account_id = _CheckedSelectField(_l("Лицевой счет"), choices=[])
    files = MultipleFileField(_l("Выбрать файл для загрузки"))
