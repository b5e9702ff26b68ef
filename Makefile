# Two commands for users: `make report` and `make test`. Both set everything up first.
# Set-up is idempotent: the venv is rebuilt only when pyproject.toml changes.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PII := $(VENV)/bin/pii
STAMP := $(VENV)/.installed

.PHONY: setup system-deps test report bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# The library's bytecode is compiled here: an editable install leaves src/ uncompiled, and
# where PYTHONDONTWRITEBYTECODE is set (as on this machine) every `pii` process and chapter kernel would
# otherwise compile it again (~0.1 s each). Up-to-date files are skipped.
setup: $(STAMP)
	@$(PY) -m compileall -q src

# Debian packages for the PDF (XeLaTeX + fonts with Vietnamese glyphs), pdftotext/pdftoppm
# for the build tests, and chromium for the offline browser test. Installed only when missing:
# one `apt-get update`, then one install of the missing ones.
SYSTEM_PACKAGES := texlive-xetex latexmk texlive-latex-extra texlive-latex-recommended \
	texlive-fonts-recommended fonts-freefont-otf xindy tex-gyre fonts-dejavu \
	poppler-utils chromium
SUDO := $(shell test "$$(id -u)" -eq 0 || echo sudo)

system-deps:
	@missing=""; for pkg in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q 'install ok installed' \
			|| missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

test: setup system-deps
	$(PY) -m pytest -q

report: setup system-deps
	$(PII) build --edition 2024

bench: setup
	$(PY) benchmarks/bench_cli.py
	$(PY) benchmarks/bench_index.py
	$(PY) benchmarks/bench_build.py
	$(PY) benchmarks/bench_targets.py
	$(PY) benchmarks/bench_outlook.py
	$(PY) benchmarks/bench_robustness.py

clean:
	rm -rf $(VENV) out build _build
