#!/usr/bin/env bash
# The whole Kabinet test suite, as CI runs it (`make test` → here).
# 1. SQLite: every test, browser journeys in headless Chromium included.
# 2. PostgreSQL (127.0.0.1:5432, database `test`): every database test again.
# Redis/rq tests run wherever Redis answers on 127.0.0.1:6379. A missing service is
# skipped loudly, never silently.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export KABINET_INSTANCE_DIR="$PWD/instance/test"
mkdir -p "$KABINET_INSTANCE_DIR"

loud() { printf '\n\033[1;33m!!! %s\033[0m\n\n' "$*"; }

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian chromium for the browser tests…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
      || loud "SKIPPING browser tests: could not install chromium"
  else
    loud "SKIPPING browser tests: /usr/bin/chromium is missing and cannot be installed here"
  fi
fi

# Real ГОСТ Р 34.10-2012 signatures in the tests are made by OpenSSL's gost engine, as a
# CryptoPro user's tools would make them; without it those tests skip loudly.
if ! openssl engine gost >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's libengine-gost-openssl for the ГОСТ signature tests…"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libengine-gost-openssl >/dev/null) \
      || loud "SKIPPING real ГОСТ signature tests: could not install libengine-gost-openssl"
  else
    loud "SKIPPING real ГОСТ signature tests: OpenSSL's gost engine is missing and cannot be installed here"
  fi
fi

PG_URL="${KABINET_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
pg_reachable() {
  "$BIN/python" - "$PG_URL" <<'PY'
import sys
from sqlalchemy import create_engine, text
try:
    with create_engine(sys.argv[1]).connect() as conn:
        conn.execute(text("SELECT 1"))
except Exception as exc:
    print(exc, file=sys.stderr)
    sys.exit(1)
PY
}

# The two databases run side by side (one core each); PostgreSQL's report follows SQLite's.
pg_pid=""
pg_log="$KABINET_INSTANCE_DIR/postgresql.log"
if pg_reachable; then
  KABINET_TEST_DATABASE_URL="$PG_URL" KABINET_TEST_REDIS_URL=redis://127.0.0.1:6379/14 \
    "$BIN/pytest" -q -p no:cacheprovider -m "not browser" "$@" >"$pg_log" 2>&1 &
  pg_pid=$!
else
  loud "SKIPPING the PostgreSQL run: $PG_URL is not reachable"
fi

echo "== SQLite (with browser journeys) =="
rm -f "$KABINET_INSTANCE_DIR/sqlite.sqlite3"
sqlite_status=0
KABINET_TEST_DATABASE_URL="sqlite:///$KABINET_INSTANCE_DIR/sqlite.sqlite3" \
  "$BIN/pytest" -q -p no:cacheprovider "$@" || sqlite_status=$?

pg_status=0
if [ -n "$pg_pid" ]; then
  wait "$pg_pid" || pg_status=$?
  echo
  echo "== PostgreSQL =="
  cat "$pg_log"
fi
[ "$sqlite_status" = 0 ] && [ "$pg_status" = 0 ]
