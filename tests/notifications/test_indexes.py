"""The history reads through the user's indexes, not the whole table: the list (newest first), the
unread list and the unread count (SQLite's plan; PostgreSQL picks by its statistics, and at a few
rows a scan is cheaper, so its plan is not asserted — the indexes are the same models)."""
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Notification


def _plan(query) -> str:
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    return " ".join(str(row[-1]) for row in db.session.execute(db.text(f"EXPLAIN QUERY PLAN {compiled}")))


@pytest.mark.parametrize("query, index", [
    (select(Notification.id).where(Notification.user_id == 7).order_by(Notification.created_at.desc()).limit(21),
     "ix_notification_user"),
    (select(Notification.id).where(Notification.user_id == 7, Notification.read_at.is_(None))
     .order_by(Notification.created_at.desc()).limit(21), "ix_notification_user_read"),
    (select(func.count()).select_from(Notification).where(Notification.user_id == 7, Notification.read_at.is_(None)),
     "ix_notification_user_read"),
])
def test_each_history_query_uses_an_index_of_the_user(ctx, query, index):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("plans asserted on SQLite only (see the module docstring)")
    plan = _plan(query)
    assert f"USING COVERING INDEX {index} " in plan + " " or f"USING INDEX {index} " in plan + " ", plan
    assert "TEMP B-TREE" not in plan, plan
