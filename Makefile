# Kabinet — the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := KABINET_ENV=development $(BIN)/flask --app app:create_app
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install run test migration translations demo-db

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
	@$(BIN)/pybabel -q compile --use-fuzzy -d translations || true

## Set up everything and serve the portal with demo data (SQLite, in-process jobs).
run: install demo-db
	@echo
	@echo "  Kabinet: http://$(HOST):$(PORT)/"
	@echo "  Письма и SMS (коды подтверждения) пишутся в: $${OUTBOX_DIR:-$${KABINET_INSTANCE_DIR:-$$(pwd)/instance}/outbox}/"
	@echo
	@$(FLASK) run --host $(HOST) --port $(PORT)

demo-db: install
	@KABINET_MIGRATION_LOG_LEVEL=WARNING $(FLASK) db upgrade
	@$(FLASK) kabinet sync-roles > /dev/null
	@$(FLASK) kabinet seed > /dev/null
	@$(FLASK) kabinet demo

## The whole test suite: SQLite (with browser tests), then PostgreSQL and Redis where present.
test: install
	bash scripts/test.sh

## After changing models: regenerate a migration (review it before committing).
migration: install
	$(FLASK) db migrate -m "$(or $(m),schema change)"

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l en
