"""gunicorn entry point of the benchmark's HTTP phase: the app of run.py, hello-world included.

    KABINET_BENCH_DATABASE_URL=sqlite:////tmp/kabinet-bench.sqlite3 gunicorn --chdir bench wsgi:app
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from seed import build_app  # noqa: E402

app = build_app(os.environ["KABINET_BENCH_DATABASE_URL"])
