# Transformers and NLP labs. The two commands: `make run` (every lab, headless, tiny profile, with a report)
# and `make test` (the whole test suite). Both create .venv and install on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JOBS ?= 2
LAB ?=
NOTEBOOK_DIRS := $(wildcard 0[1-5]-*)

# The CI contract's environment (architecture.md); LABKIT_PROFILE may be overridden (full) for `make run`.
export LABKIT_PROFILE ?= tiny
export TF_CPP_MIN_LOG_LEVEL ?= 3
export TRANSFORMERS_VERBOSITY ?= error
export HF_HUB_DISABLE_PROGRESS_BARS ?= 1
export HF_DATASETS_DISABLE_PROGRESS_BARS ?= 1
export KERAS_BACKEND ?= tensorflow
export MPLBACKEND ?= Agg
export PYTHONWARNINGS ?= ignore
# Tiny models gain nothing from several threads, and JOBS parallel workers on a 2-core machine each running a
# multi-threaded OpenMP pool were measured 8-15x slower (oversubscription). Full-profile runs keep the default.
ifeq ($(LABKIT_PROFILE),tiny)
export OMP_NUM_THREADS ?= 1
endif

.PHONY: install run test lab test-unit test-notebooks test-exercises student hygiene clean-notebooks constraints \
        doctor prepare clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt -c constraints.txt
	$(PY) -m pip install -q --no-deps -e .
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/labkit run $(LAB) --jobs $(JOBS)

test: $(STAMP)
	$(VENV)/bin/labkit prepare
	$(PY) -m pytest -n $(JOBS) --dist loadfile tests $(NOTEBOOK_DIRS) --ignore=tests/exercises \
	    --nbval-lax --nbval-current-env --nbval-cell-timeout=600 -q

test-unit: $(STAMP)
	$(PY) -m pytest -n $(JOBS) --dist loadfile tests --ignore=tests/exercises -q

# The exercise round trip: student versions of every lab, autograded complete (all pass) and blank (all fail).
test-exercises: $(STAMP)
	$(VENV)/bin/labkit prepare
	$(PY) -m pytest -n $(JOBS) tests/exercises -q

student: $(STAMP)
	$(VENV)/bin/labkit student

test-notebooks: $(STAMP)
	$(PY) -m pytest -n $(JOBS) --dist loadfile $(NOTEBOOK_DIRS) --nbval-lax --nbval-current-env \
	    --nbval-cell-timeout=600 -q

lab: $(STAMP)
	$(VENV)/bin/jupyter lab

hygiene: $(STAMP)
	$(VENV)/bin/labkit notebooks
	$(VENV)/bin/labkit readme
	$(VENV)/bin/ruff check labkit tests $(wildcard bench tools usecases) $(NOTEBOOK_DIRS)

clean-notebooks: $(STAMP)
	$(VENV)/bin/labkit notebooks --fix
	$(VENV)/bin/labkit readme --write

doctor: $(STAMP)
	$(VENV)/bin/labkit doctor

prepare: $(STAMP)
	$(VENV)/bin/labkit prepare

constraints: $(STAMP)
	$(PY) -m pip freeze --exclude-editable | sed 's/^torch==\(.*\)+cpu/torch==\1/' > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf build
