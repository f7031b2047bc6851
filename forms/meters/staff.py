"""Staff and readings: «Внести показания» for one meter and «Исправить» one reading with a reason.
The values are checked by the readings rules (workflows/meters/rules.py) in the command, which
puts each message under its field; the forms carry the CSRF token and what was typed."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField

ZONES = ("T1", "T2", "T3")


class _Values(FlaskForm):
    """One field per day zone (Т1–Т3); a meter shows as many as it has."""

    T1 = StringField("Т1", render_kw={"inputmode": "decimal", "autocomplete": "off"})
    T2 = StringField("Т2", render_kw={"inputmode": "decimal", "autocomplete": "off"})
    T3 = StringField("Т3", render_kw={"inputmode": "decimal", "autocomplete": "off"})
    #: the answer to «Счетчик прошел через ноль?» / the jump question
    confirm = BooleanField(_l("Да, показания верны"))
    #: fields marked required (the command checks them)
    REQUIRED: tuple = ZONES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:  # checked by the command; marked for people and screen readers
            self[name].flags.required = True

    def values(self) -> dict[str, str]:
        return {code: self[code].data or "" for code in ZONES}

    def label_zones(self, zones) -> "_Values":
        """Each zone's field named as the meter names it: «Т1 (День)»."""
        for zone in zones:
            self[zone.code].label.text = zone.label
        return self

    def put_errors(self, errors: dict[str, str]) -> None:
        """The command's messages under their fields (a zone's code or a field's name)."""
        for name, message in errors.items():
            target = self[name] if name in self else self.T1
            target.errors = list(target.errors) + [message]


class EntryForm(_Values):
    """«Внести показания»: a reading taken by phone or at the office."""

    #: the id of this month's reading the page showed ("" for none): replaced meanwhile → refused
    seen = HiddenField()

    def seen_id(self) -> int | None:
        return int(self.seen.data) if (self.seen.data or "").isdigit() else None


class CorrectionForm(_Values):
    """«Исправить»: the right values and why (required)."""

    reason = TextAreaField(_l("Причина исправления"))
    REQUIRED = ZONES + ("reason",)
