"""WTForms of the page editor (F1, the pages area)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from forms.admin import REQUIRED


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
