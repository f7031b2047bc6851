"""WTForms of the page editor (F1, the pages area) and the fields the sections add to it (E6)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, StringField, SubmitField
from wtforms.widgets import TextInput
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from forms.admin import REQUIRED
from forms.applications import LocalizedDateField, LocalizedDecimalField
from workflows.pages.sections import CATALOGUE, ENERGY_ORG, FAQ, MSG_ENDS_BEFORE_START, MSG_PRICE, PROMOTION


class PageCreateForm(FlaskForm):
    slug = StringField(_l("Адрес страницы (/page/…)"), validators=[
        DataRequired(REQUIRED), Length(max=64),
        Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Адрес страницы: латинские буквы в нижнем регистре, цифры и дефис")),
    ])
    title = StringField(_l("Заголовок"), validators=[DataRequired(REQUIRED), Length(max=200)])
    show_in_menu = BooleanField(_l("Показывать в списке страниц"), default=True)
    sort_order = IntegerField(_l("Порядок"), default=100, validators=[Optional(), NumberRange(min=0, max=10000)])


class PageEditForm(FlaskForm):
    title = StringField(_l("Заголовок"), validators=[DataRequired(REQUIRED), Length(max=200)])
    body_html = HiddenField(_l("Текст"))
    show_in_menu = BooleanField(_l("Показывать в списке страниц"))
    sort_order = IntegerField(_l("Порядок"), validators=[Optional(), NumberRange(min=0, max=10000)])
    #: the version the editor was opened on (stale-form check, STYLE 5)
    base_version = HiddenField()
    save_draft = SubmitField(_l("Сохранить черновик"))
    publish = SubmitField(_l("Опубликовать"))


class ImageUploadForm(FlaskForm):
    image = FileField(_l("Изображение"))


# E6: the fields a section's entry adds to the editor (workflows/pages/sections.py).
# The section's code picks the mixin; the editor and the «new entry» form get the same fields.

_DATE_ATTRS = {"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric"}
#: shown as ДД.ММ.ГГГГ; the ISO form of a date picker is read too
_DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


class TypedDateField(LocalizedDateField):
    """ДД.ММ.ГГГГ in a text box: a browser's date picker cannot show a date in that form."""

    widget = TextInput()


class FaqFields:
    category = StringField(_l("Категория"), validators=[DataRequired(REQUIRED), Length(max=200)])


class PromotionFields:
    starts_on = TypedDateField(_l("Дата начала"), format=_DATE_FORMATS, validators=[DataRequired(REQUIRED)],
                               render_kw=_DATE_ATTRS)
    ends_on = TypedDateField(_l("Дата окончания"), format=_DATE_FORMATS, validators=[DataRequired(REQUIRED)],
                             render_kw=_DATE_ATTRS)

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(MSG_ENDS_BEFORE_START)


class EnergyOrgFields:
    org_role = StringField(_l("Вид деятельности"), validators=[DataRequired(REQUIRED), Length(max=200)],
                           render_kw={"placeholder": "гарантирующий поставщик, сетевая организация …"})
    phone = StringField(_l("Телефон"), validators=[Optional(), Length(max=64)])
    site = StringField(_l("Сайт"), validators=[Optional(), Length(max=300),
                                               Regexp(r"^https?://\S+$", message=_l("Адрес сайта: http://… или https://…"))])
    address = StringField(_l("Адрес"), validators=[Optional(), Length(max=500)])


class CatalogueFields:
    price = LocalizedDecimalField(_l("Цена, руб."), places=2, validators=[
        DataRequired(REQUIRED), NumberRange(min=0, message=MSG_PRICE)])


SECTION_FIELDS = {FAQ: FaqFields, PROMOTION: PromotionFields, ENERGY_ORG: EnergyOrgFields, CATALOGUE: CatalogueFields}


class EntryCreateForm(FlaskForm):
    title = StringField(_l("Заголовок"), validators=[DataRequired(REQUIRED), Length(max=200)])


def entry_create_form(section: str) -> FlaskForm:
    """«Новая запись» of a section: its title and the section's fields."""
    return type(f"{section}CreateForm", (EntryCreateForm, SECTION_FIELDS[section]), {})()


def page_edit_form(section: str | None) -> FlaskForm:
    """The editor's form: a section's entry gets its section's fields beside the text."""
    if section is None:
        return PageEditForm()
    return type(f"{section}EditForm", (PageEditForm, SECTION_FIELDS[section]), {})()


def entry_details(form, section: str) -> dict:
    """The section's fields as the command takes them."""
    return {name: form[name].data for name in form._fields if hasattr(SECTION_FIELDS[section], name)}
