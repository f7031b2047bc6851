"""Staff and personal accounts: the search (a GET form) and «Отвязать» with its reason."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from workflows.billing.staff import REASON_MAX


def _branch_id(value) -> int | None:
    """The branch filter's value: a branch id, or None for «Все филиалы» and anything unreadable."""
    try:
        return int(value) or None
    except (TypeError, ValueError):
        return None


class AccountSearchForm(Form):
    """Search by number (its beginning), part of the address or ФИО, and a branch (no CSRF: GET)."""

    q = StringField(_l("Номер лицевого счета, адрес или ФИО"), validators=[Optional(), Length(max=100)])
    branch = SelectField(_l("Филиал"), coerce=_branch_id, validate_choice=False)

    def setup(self, branches) -> "AccountSearchForm":
        self.branch.choices = [("", _l("Все филиалы"))] + [(str(b.id), b.name) for b in branches]
        return self


class UnlinkForm(FlaskForm):
    """«Отвязать»: the reason is required; one form per link (prefix `link-<id>`)."""

    reason = TextAreaField(_l("Причина отвязки"), validators=[
        DataRequired(_l("Укажите причину отвязки")),
        Length(max=REASON_MAX, message=_l("Не более %(max)d символов")),
    ])


def unlink_form(link_id: int, **kwargs) -> UnlinkForm:
    """The unlink form of one link (its fields named `link-<id>-reason`, so each is its own)."""
    return UnlinkForm(prefix=f"link-{link_id}", **kwargs)
