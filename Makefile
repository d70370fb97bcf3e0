# privacyops — the two commands: `make run` (the product, embedded) and `make test` (the suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
EMBEDDED := DEBUG=1

.PHONY: run test install browser lint format check clean messages

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# Browser tests drive Debian's chromium; never a browser download.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The product on embedded defaults: SQLite, kombu's filesystem broker, a real worker and beat.
run: install
	mkdir -p var
	$(EMBEDDED) $(BIN)/python manage.py migrate --noinput
	$(EMBEDDED) $(BIN)/python manage.py seed_demo
	$(EMBEDDED) $(BIN)/python manage.py demo_logins
	@echo "Admin: http://127.0.0.1:$(PORT)/admin/   (Ctrl-C stops the web server, worker and beat)"
	@trap 'kill 0' INT TERM EXIT; \
	$(EMBEDDED) $(BIN)/celery -A config worker --beat --loglevel INFO --concurrency 2 & \
	$(EMBEDDED) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload

# The whole suite, browser and real-worker tests included. Set DATABASE_URL / CELERY_BROKER_URL
# to run it on PostgreSQL and Redis. It runs in parallel processes (pytest-xdist; each has a test
# database of its own): one more than the cores, since browser and real-worker tests spend much
# of their time waiting on another process (on 2 cores: 3 processes, 3.4 min instead of 4.1).
# PYTEST_WORKERS=0 runs it in this one process.
PYTEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
test: install browser
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(EMBEDDED) $(BIN)/python manage.py makemigrations --check --dry-run
	$(EMBEDDED) $(BIN)/python manage.py check

# The Bulgarian catalog: collect every marked string into locale/bg/LC_MESSAGES/django.po, then
# (after translating it) compile django.mo. Both files are committed, so a fresh clone needs
# neither gettext nor this step; tests/core/test_translations.py fails on an untranslated or
# fuzzy entry and on a .mo that does not match its .po.
MESSAGES_IGNORE := --ignore=var --ignore=tests --ignore=bench --ignore=docs --ignore=static
messages: install
	$(EMBEDDED) $(BIN)/python manage.py makemessages -l bg --no-obsolete --no-location $(MESSAGES_IGNORE)
	$(EMBEDDED) $(BIN)/python manage.py compilemessages -l bg $(MESSAGES_IGNORE)

clean:
	rm -rf var
