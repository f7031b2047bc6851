"""The admin's view of import runs (D1, «Загрузка из биллинга»): the list and one run. The import
itself — reading, applying, progress, the error file — is workflows/billing/imports/."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from app.core.errors import NotFound
from app.core.paging import paginate
from app.models import ImportRun, IntegrationToken, KabinetUser, StoredFile
from app.extensions import db


@dataclass
class RunRow:
    """One line of the list: what, from which file, who started it, how far it got."""

    id: int
    kind: str
    file_name: str
    started_by: str | None
    token: str | None
    state: str
    created_at: datetime
    total: int | None
    processed: int
    created: int
    updated: int
    unchanged: int
    errors: int


def listing(page: int, per_page: int):
    """Import runs, newest first (one query, LIMIT n+1); runs are started by admins, named by
    their surname and name."""
    query = (select(ImportRun.id, ImportRun.kind, StoredFile.original_name,
                    func.trim(func.coalesce(KabinetUser.last_name, "") + " " + func.coalesce(KabinetUser.first_name, "")),
                    IntegrationToken.name, ImportRun.state, ImportRun.created_at, ImportRun.total,
                    ImportRun.processed, ImportRun.created, ImportRun.updated, ImportRun.unchanged, ImportRun.errors)
             .join(StoredFile, StoredFile.id == ImportRun.file_id)
             .outerjoin(KabinetUser, KabinetUser.id == ImportRun.started_by_id)
             .outerjoin(IntegrationToken, IntegrationToken.id == ImportRun.token_id)
             .order_by(ImportRun.id.desc()))
    return paginate(query, page, per_page, make=lambda row: RunRow(*row))


def get(run_id: int) -> ImportRun:
    run = db.session.get(ImportRun, run_id)
    if run is None:
        raise NotFound("Загрузка не найдена.")
    return run


def started_by(run: ImportRun) -> str | None:
    """Who started the run: the admin's name, or the integration token's."""
    if run.started_by_id is not None:
        user = db.session.get(KabinetUser, run.started_by_id)
        return user.display_name if user is not None else None
    if run.token_id is not None:
        token = db.session.get(IntegrationToken, run.token_id)
        return f"{token.name} ({token.prefix}…)" if token is not None else None
    return None
