"""«Мои данные» in the API: GET /me and PATCH /me.

PATCH goes through the page's own form (forms/accounts.py profile_form_class: the same required
fields, identifier checks and read-only identifiers per legal form) and the same command,
workflows/accounts/profile.py update_profile; dates travel as ISO (ГГГГ-ММ-ДД) and are handed to the
form in its own format.
"""
from datetime import date

from marshmallow import RAISE, Schema, fields
from werkzeug.datastructures import MultiDict

from app.api.v1.blueprint import ApiBlueprint
from app.core.errors import Invalid
from forms.accounts import DATE_FORMAT, LAYOUT, READ_ONLY, profile_form_class
from workflows.accounts.profile import missing_profile_fields, update_profile

api = ApiBlueprint("accounts", "Профиль потребителя («Мои данные»)")

#: every profile attribute of any legal form, in the forms' order
PROFILE_FIELDS = tuple(dict.fromkeys(
    [name for layout in LAYOUT.values() for _title, names in layout for name in names]
    + [name for names in READ_ONLY.values() for name in names]))
DATE_FIELDS = {"birth_date", "passport_issued_on", "registry_date"}
MSG_NOT_IN_FORM = "Это поле не заполняется для вашей формы (физическое лицо, ИП, юридическое лицо)."
MSG_DATE = "Дата в формате ГГГГ-ММ-ДД."


def _profile_field(name: str):
    return (fields.Date(allow_none=True) if name in DATE_FIELDS else fields.String(allow_none=True))


ProfileSchema = Schema.from_dict({name: _profile_field(name) for name in PROFILE_FIELDS}, name="ProfileSchema")
ProfilePatchSchema = Schema.from_dict(
    {name: fields.String(allow_none=True, metadata={"description": "даты — ГГГГ-ММ-ДД"}) for name in PROFILE_FIELDS},
    name="ProfilePatchSchema")


class MeSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email_confirmed = fields.Boolean(required=True)
    phone_confirmed = fields.Boolean(required=True)
    totp_enabled = fields.Boolean(required=True)
    legal_form = fields.String(required=True)
    profile = fields.Nested(ProfileSchema, required=True)
    read_only = fields.List(fields.String(), required=True, metadata={"description": "Поля, которые не меняются"})
    missing_fields = fields.List(fields.String(), required=True,
                                 metadata={"description": "Обязательные поля, которые не заполнены (названия)"})


def me_of(user) -> dict:
    consumer = user.consumer
    return {"id": user.id, "email": user.email, "phone": user.phone,
            "email_confirmed": user.email_confirmed_at is not None,
            "phone_confirmed": user.phone_confirmed_at is not None, "totp_enabled": bool(user.totp_enabled),
            "legal_form": consumer.form.value,
            "profile": {name: getattr(consumer, name) for name in PROFILE_FIELDS},
            "read_only": READ_ONLY[consumer.form], "missing_fields": missing_profile_fields(consumer)}


def _as_form_text(name: str, value, errors: dict) -> str:
    if value is None or name not in DATE_FIELDS or not value.strip():
        return value or ""
    try:
        return date.fromisoformat(value.strip()).strftime(DATE_FORMAT)
    except ValueError:
        errors[name] = MSG_DATE
        return ""


def _validated_form(consumer, changes: dict):
    """The page's form filled with the profile as it is and the changes over it (raises Invalid)."""
    form_class = profile_form_class(consumer.form)
    current = form_class(formdata=None, obj=consumer, meta={"csrf": False})
    editable = {field.name for field in current if field.name != "submit"}
    errors = {name: MSG_NOT_IN_FORM for name in changes if name not in editable}
    data = {field.name: field._value() for field in current if field.name in editable}
    data.update({name: _as_form_text(name, value, errors) for name, value in changes.items() if name in editable})
    form = form_class(formdata=MultiDict(data), meta={"csrf": False})
    if not form.validate() or errors:
        errors = {**{name: str(messages[0]) for name, messages in form.errors.items()}, **errors}
        refusal = Invalid("Проверьте поля профиля.")
        refusal.field_errors = errors
        raise refusal
    return form


@api.route("/me", methods=["GET"])
@api.auth()
@api.response(200, MeSchema)
def get_me(user):
    """Мой профиль."""
    return me_of(user)


@api.route("/me", methods=["PATCH"])
@api.auth()
@api.arguments(ProfilePatchSchema(unknown=RAISE))
@api.response(200, MeSchema)
@api.alt_response(400, response="BAD_REQUEST")
def patch_me(user, changes):
    """Изменить «Мои данные»: только переданные поля, с теми же проверками, что на странице."""
    form = _validated_form(user.consumer, changes)
    update_profile(user.consumer, {f.name: f.data for f in form if f.name != "submit"})
    return me_of(user)
