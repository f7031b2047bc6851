"""The one exception family a user sees (STYLE 3, 6b).

A command raises a `KabinetError` subclass with the message to show; the request boundary
(app/web/boundary.py) rolls the transaction back and turns it into a flash message (pages)
or its HTTP status (everything else). A view that wants to re-render its form in place
catches it and calls `app.web.boundary.refused(exc)`.
"""
from flask_babel import lazy_gettext as _l

#: the one message for a form rendered from an older version of its object (STYLE 5)
STALE_FORM = _l("Данные уже изменены в другом окне. Обновите страницу и повторите действие.")


class KabinetError(Exception):
    """A refusal the user can act on; `message` is shown to them as it is."""

    #: HTTP status when the refusal cannot be a flash message
    status = 400
    #: flash category (Bootstrap alert colour)
    category = "danger"
    default_message = _l("Действие не выполнено.")

    def __init__(self, message=None):
        self.message = str(message if message is not None else self.default_message)
        super().__init__(self.message)


class Invalid(KabinetError):
    """The values given break a rule: a field, a limit, a state the object is not in."""

    status = 400
    category = "warning"


class Forbidden(KabinetError):
    """The caller may see the object but not do this to it."""

    status = 403
    default_message = _l("Недостаточно прав для этого действия.")


class NotFound(KabinetError):
    """Out of the caller's scope or gone: the same answer for both (no existence leak)."""

    status = 404
    default_message = _l("Не найдено.")


class Conflict(KabinetError):
    """Someone changed the object since the form was rendered."""

    status = 409
    default_message = STALE_FORM


class TooManyAttempts(KabinetError):
    """A limit on attempts or messages was reached; try later."""

    status = 429
    category = "warning"
