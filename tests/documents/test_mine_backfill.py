"""The ledger's backfill (for the migration): INSERT … SELECT statements that rebuild «Мои документы»
from the documents kept before it — the same rows the workflows write, once however often it runs."""
import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.models import ConsumerDocument
from tests.documents import mine_world as w
from workflows.documents import history

COMPARED = ("consumer_id", "direction", "type_name", "title", "source_kind", "source_id", "application_id", "period")


@pytest.fixture
def world(reference_data, ctx):
    return w.with_every_kind(w.people())


def _ledger() -> list[tuple]:
    db.session.expire_all()
    return sorted(tuple(getattr(row, name) for name in COMPARED)
                  for row in db.session.scalars(select(ConsumerDocument)))


def test_backfill_writes_what_the_workflows_wrote_once(world):
    written = _ledger()
    assert len(written) == 9
    db.session.execute(delete(ConsumerDocument))
    history.backfill()
    history.backfill()
    db.session.commit()
    assert _ledger() == written
    receipt = db.session.scalar(select(ConsumerDocument).where(ConsumerDocument.source_kind == "receipt"))
    assert receipt.account_id == world.account.id
