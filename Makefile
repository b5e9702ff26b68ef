# Two commands for users: `make report` and `make test`. Both set everything up first.
# Set-up is idempotent: the venv is rebuilt only when pyproject.toml changes.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PII := $(VENV)/bin/pii
STAMP := $(VENV)/.installed

.PHONY: setup test report bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

test: setup
	$(PY) -m pytest -q

report: setup
	$(PII) index --idata data/examples/asem-iData.csv --imeta data/examples/asem-iMeta.csv \
		--spec data/examples/asem-method.yml --out out/asem
	@echo "Index stages written to out/asem/ (the report book is not built yet)."

bench: setup
	$(PY) benchmarks/bench_index.py

clean:
	rm -rf $(VENV) out _build
