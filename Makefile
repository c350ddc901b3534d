# Two commands for a new user: `make run` and `make test`. Both bootstrap .venv from the lock file.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: run test bench clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(PY) -m transforms.entities.tagger --warm    # compiles the tagger's kernels once (numba cache)
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/zhnews run
	$(VENV)/bin/zhnews report

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(VENV)/bin/zhnews bench

clean:
	rm -rf $(VENV) .prefect warehouse/*.duckdb* warehouse/data_docs
