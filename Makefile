# Everything a fresh machine lacks is installed from here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
MANAGE := $(UV) run --frozen python manage.py
APT_PACKAGES := chromium fonts-noto-cjk libreoffice-calc-nogui poppler-utils

.PHONY: run test test-postgres env system-deps bench loadtest loadtest-short backup restore messages clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	touch $@

env: .venv/.synced

# Chromium and CJK fonts for the browser tests, LibreOffice and poppler for the workbook's PDF test.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-calc-nogui"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing. Run as root:"; \
	    echo "  sudo apt-get update && sudo apt-get install -y $(APT_PACKAGES)"; \
	    exit 1; \
	  fi; \
	fi

run: env
	$(MANAGE) migrate --noinput
	$(MANAGE) loaddata plan_2022_2025
	$(MANAGE) demo_data
	$(MANAGE) runserver 127.0.0.1:8000

test: env system-deps
	$(UV) run --frozen pytest

# The same suite against PostgreSQL; DATABASE_URL must point at a server where the user may create databases.
test-postgres: env system-deps
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL=postgres://…"; exit 1; }
	$(UV) run --frozen pytest

bench: env
	$(UV) run --frozen python benchmarks/run.py $(BENCH_ARGS)

loadtest: env
	$(UV) run --frozen python loadtest/run.py $(LOADTEST_ARGS)

loadtest-short: env
	$(UV) run --frozen python loadtest/run.py --reporters 5 --saves 10 --leaders 2 --seconds 20

backup: env
	$(MANAGE) backup

restore: env
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/ipzone-….tar.gz"; exit 1; }
	$(MANAGE) restore "$(FILE)"

# Regenerate the translation catalogue after changing strings (needs GNU gettext); the .mo is committed.
messages: env
	$(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=.tools --ignore=tests
	$(MANAGE) compilemessages -l zh_Hans

clean:
	rm -rf .venv .tools var db.sqlite3 tests/artifacts
