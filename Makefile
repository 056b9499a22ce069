# Everything a fresh machine lacks is installed from here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
MANAGE := $(UV) run --frozen python manage.py
APT_PACKAGES := chromium fonts-noto-cjk libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils

# plotly.js for the charts: the basic bundle (scatter, bar, pie — what indicators/charts.py draws),
# pinned to one version and checked against the registry's sha512 integrity before it is unpacked
# into vendor/ (git-ignored), where ipzone.staticfinders.VendorFinder serves it with its licence.
# On a server without internet, copy the tarball into vendor/ first (README: Deploying).
PLOTLY_PACKAGE := plotly.js-basic-dist-min
PLOTLY_VERSION := 4.1.1
PLOTLY_INTEGRITY := sha512-1oNF8PeQx2hv/y7tqEVWKD3JGwn/MGEMQ8mL9HUwsaqG9FGy/OU5FHUHvzqbqxN4mnwZGI9abTiE775C4kkjMQ==
PLOTLY_TARBALL := vendor/$(PLOTLY_PACKAGE)-$(PLOTLY_VERSION).tgz
PLOTLY_JS := vendor/static/plotly/plotly-basic.min.js
# The npm registry to download from: npm's own setting where npm is installed (node is not
# needed otherwise); set NPM_REGISTRY=<url> to choose one.
NPM_REGISTRY ?= $(shell npm config get registry 2>/dev/null)
# Exits non-zero unless file $(1) has the pinned sha512 (the registry's integrity is base64).
check_plotly = expected=$$(printf '%s' '$(PLOTLY_INTEGRITY)' | sed 's/^sha512-//' | base64 -d | od -An -v -tx1 | tr -d ' \n'); \
	actual=$$(sha512sum < $(1) | cut -d' ' -f1); \
	if [ "$$expected" != "$$actual" ]; then \
	  echo "$(1) is not $(PLOTLY_PACKAGE) $(PLOTLY_VERSION): its sha512 does not match $(PLOTLY_INTEGRITY). Delete it and run make env again."; \
	  exit 1; \
	fi

.PHONY: run check test test-postgres env system-deps bench loadtest loadtest-short backup restore messages clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --quiet
	touch $@

env: .venv/.synced $(PLOTLY_JS)

$(PLOTLY_TARBALL):
	@registry="$(NPM_REGISTRY)"; \
	if [ -z "$$registry" ] || [ "$$registry" = undefined ]; then \
	  echo "$@ is missing: copy it here from a machine that has it (README: Deploying), or set NPM_REGISTRY=<npm registry URL>."; \
	  exit 1; \
	fi; \
	mkdir -p $(@D); \
	echo "Downloading $(PLOTLY_PACKAGE) $(PLOTLY_VERSION)"; \
	curl -fsSL --retry 2 -o $@.part "$${registry%/}/$(PLOTLY_PACKAGE)/-/$(PLOTLY_PACKAGE)-$(PLOTLY_VERSION).tgz"; \
	( $(call check_plotly,$@.part) ) || { rm -f $@.part; exit 1; }; \
	mv $@.part $@

# Checked again here: a tarball copied by hand is trusted no more than a downloaded one.
$(PLOTLY_JS): $(PLOTLY_TARBALL)
	@$(call check_plotly,$<)
	rm -rf $(@D) && mkdir -p $(@D)
	tar -xzf $< -C $(@D) --strip-components=1 package/plotly-basic.min.js package/LICENSE
	mv $(@D)/LICENSE $(@D)/LICENSE.txt
	touch $@

# Chromium and CJK fonts for the browser tests, LibreOffice (Calc, Writer) and poppler for the workbook's and the brief's PDF tests.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-calc-nogui"; \
	[ -e /usr/lib/libreoffice/program/libswlo.so ] || missing="$$missing libreoffice-writer-nogui"; \
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

# The quick suite for the inner loop: no browser, LibreOffice, benchmark or PostgreSQL-only tests.
check: env
	$(UV) run --frozen pytest -m "not browser and not office and not bench and not postgres"

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

# django-dbbackup (docs/operations-backup.md): the database and a tar of the evidence files, two files
# in BACKUP_DIR (default backups/). The evidence folder is created first: mediabackup fails on a
# missing folder, which is what a new installation has before the first upload.
backup: env
	mkdir -p "$${EVIDENCE_ROOT:-var/evidence}"
	$(MANAGE) dbbackup
	$(MANAGE) mediabackup

# Both files are checked before anything is replaced: tar lists MEDIA first, and dbrestore refuses a
# DB file that is not a backup of this database (indicators/management/commands/dbrestore.py).
restore: env
	@test -n "$(DB)" -a -n "$(MEDIA)" || { \
	  echo "Usage: make restore DB=backups/ipzone-db-default-….sqlite3 MEDIA=backups/ipzone-media-….tar"; \
	  echo "       (PostgreSQL: DB=backups/ipzone-db-default-….psql.bin). Replaces the database; stop gunicorn first."; \
	  exit 1; }
	@tar -tf "$(MEDIA)" >/dev/null || { echo "$(MEDIA) is not a tar of evidence files (make backup writes ipzone-media-….tar); nothing was restored."; exit 1; }
	$(MANAGE) dbrestore --noinput --input-path "$(DB)"
	$(MANAGE) mediarestore --noinput --replace --input-path "$(MEDIA)"

# Regenerate the translation catalogue after changing strings (needs GNU gettext); the .mo is committed.
messages: env
	$(MANAGE) makemessages -l zh_Hans --ignore=.venv --ignore=.tools --ignore=tests
	$(MANAGE) compilemessages -l zh_Hans

clean:
	rm -rf .venv .tools var vendor/static db.sqlite3 tests/artifacts
