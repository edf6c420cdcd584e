# The one entry point: make run | make test | make lint | make bench
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Development settings for `make run` only; production sets its own environment (README.md).
DEV_ENV := DEBUG=1 SECRET_KEY=dev-only-insecure-key STATIC_MANIFEST=0

.PHONY: run test lint format migrations-check bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	@echo "Demo accounts (development only):"
	$(DEV_ENV) $(BIN)/python manage.py createdemousers
	$(DEV_ENV) $(BIN)/python manage.py loadseeds --reviewer reviewer
	@echo "Serving on http://127.0.0.1:8000/ — the admin is at http://127.0.0.1:8000/admin/ (and one task worker)"
	$(DEV_ENV) sh -c '$(BIN)/python manage.py db_worker --interval 1 & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; $(BIN)/python manage.py runserver 127.0.0.1:8000'


test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# PostgreSQL benchmark (bench/README.md): make bench BENCH_CLAIMS=10000
BENCH_CLAIMS ?= 100000
bench: $(STAMP)
	BENCH_CLAIMS=$(BENCH_CLAIMS) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
