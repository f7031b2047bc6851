"""«Передать показания по всем лицевым счетам» (D9): the fields of every open account's meters, named
as on «Передать показания» (forms/meters/submit.py: meter ids are unique across accounts), and one
confirmation answering the questions of all accounts."""
from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from forms.meters.submit import SubmitReadingsForm
from workflows.meters.bulk import MSG_CONFIRM, confirmed_meters

#: hidden fields «asked-<meter id>»: the values the meter's question was asked about
ASKED = "asked-"


def asked_field(meter_id: int) -> str:
    return f"{ASKED}{meter_id}"


class BulkReadingsForm(SubmitReadingsForm):
    """The CSRF token and the one confirmation; the values are read per account's rows."""

    confirm_all = BooleanField(_l(MSG_CONFIRM))

    def inputs_by_account(self, page) -> dict:
        """account id → its meters' inputs, as typed."""
        return {item.account.id: self.inputs(item.form.meters) for item in page.accounts}

    def confirmed_of(self, inputs: dict) -> set[int]:
        asked = {int(name[len(ASKED):]): value for name, value in request.form.items()
                 if name.startswith(ASKED) and name[len(ASKED):].isdigit()}
        return confirmed_meters(bool(self.confirm_all.data), asked, inputs)
