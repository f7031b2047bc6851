"""«Передать показания» (D8): one field per meter and zone, the live reading the page showed, an
optional photo and the confirmations of questions asked. The fields depend on the account's
meters, so the form carries the CSRF token only and reads the rest by the names below."""
from flask import request
from flask_wtf import FlaskForm

from workflows.meters.readings import UNCHECKED, ReadingInput

#: the checkboxes answering «Счетчик прошел через ноль?» / the jump question (value: meter id)
CONFIRM = "confirm"


def value_field(meter_id: int, zone: str) -> str:
    """The field of one zone of a meter, e.g. «reading-12-T1»."""
    return f"reading-{meter_id}-{zone}"


def seen_field(meter_id: int) -> str:
    """The hidden field with the id of the live reading the page was rendered with («none»)."""
    return f"seen-{meter_id}"


def photo_field(meter_id: int) -> str:
    return f"photo-{meter_id}"


def seen_value(live) -> str:
    return str(live.id) if live is not None else "none"


def _seen(raw):
    if raw == "none":
        return None
    return int(raw) if raw and raw.isdigit() else UNCHECKED


class SubmitReadingsForm(FlaskForm):
    """The CSRF token; `inputs()` reads the per-meter fields of the rows the page offers."""

    def inputs(self, rows) -> list[ReadingInput]:
        """One ReadingInput per meter that takes readings now, with what was typed as typed."""
        items = []
        for row in rows:
            if not row.can_submit:
                continue
            meter_id = row.meter.id
            values = {zone.code: request.form.get(value_field(meter_id, zone.code), "") for zone in row.zones}
            photo = request.files.get(photo_field(meter_id))
            items.append(ReadingInput(meter_id, values, photo if photo and photo.filename else None,
                                      _seen(request.form.get(seen_field(meter_id)))))
        return items

    @staticmethod
    def confirmed() -> set[int]:
        return {int(v) for v in request.form.getlist(CONFIRM) if v.isdigit()}

    @staticmethod
    def typed() -> dict[str, str]:
        """What was typed into the value fields, to show again after a refusal."""
        return {name: value for name, value in request.form.items() if name.startswith("reading-")}
