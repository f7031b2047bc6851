"""/health: database and queue state for load balancers and monitoring."""
import time

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import OutboxMessage, OutboxStatus

health_bp = Blueprint("health", __name__)


@health_bp.get("/health")
def health():
    checks, healthy = {}, True
    started = time.perf_counter()
    try:
        # a connection of its own: a failed check leaves no broken transaction to the request
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            pending = connection.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
            )
        checks["database"] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
        checks["outbox_pending"] = pending
    except Exception as exc:  # report, don't crash: this page exists to say what is broken
        healthy = False
        checks["database"] = {"ok": False, "error": type(exc).__name__}
    queue = current_app.extensions.get("kabinet_queue")
    if queue is None:
        checks["queue"] = {"ok": True, "mode": "in-process"}
    else:
        try:
            queue.connection.ping()
            checks["queue"] = {"ok": True, "mode": "rq", "queued": queue.count}
        except Exception as exc:
            # Jobs wait in the outbox while Redis is away: degraded, not down.
            checks["queue"] = {"ok": False, "mode": "rq", "error": type(exc).__name__}
    status = "ok" if healthy and checks["queue"]["ok"] else ("degraded" if healthy else "down")
    return jsonify(status=status, checks=checks), 200 if healthy else 503
