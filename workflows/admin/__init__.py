"""The admin area's commands: settings, dictionaries, people (staff, consumers), the audit
log, reports and the transition graph. The page editor's commands are workflows/pages."""
from app.core.errors import Invalid


class FieldErrors(Invalid):
    """Values refused field by field: `errors` is field → message, shown under each field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(str(message) for message in errors.values()))
        self.errors = errors
