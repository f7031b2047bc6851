"""gunicorn entry point of the plain-Flask peer of issue 16's history pages (bench/history_pages.py):
bench/peer.py's app (hello-world, the empty signed-in page, the user in one statement) with
«История обращений» (bench/appeals_peer.py) and «Мои документы» (bench/documents_peer.py).

    KABINET_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench16 \
        gunicorn --chdir bench history_peer:app
"""
import os

from sqlalchemy import create_engine

from appeals_peer import add_appeals_route
from documents_peer import add_documents_route
from peer import MENU, create_peer

MENU = [*MENU, ("Обращения", "/my/appeals/")]

if os.environ.get("KABINET_BENCH_DATABASE_URL"):
    app = create_peer(os.environ["KABINET_BENCH_DATABASE_URL"])
    engine = create_engine(os.environ["KABINET_BENCH_DATABASE_URL"], pool_pre_ping=True, pool_use_lifo=True)
    add_appeals_route(app, engine, MENU)
    add_documents_route(app, engine, MENU)
