# The course's commands. Each one first runs scripts/setup.sh, which creates .venv,
# installs the package and checks for Graphviz's `dot` (only the first time does real work).
#
#   make lab     open the course in JupyterLab
#   make test    lint, unit and property tests, PyTorch parity, every notebook under nbval
#   make html    render every notebook to static HTML in site/
#   make bench   time a ResNet-18 training step next to PyTorch

BIN := .venv/bin
# Notebooks are checked by nbval, strictly: every stored output must be what a re-run prints.
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
# Jupyter refuses to start as root (common in containers) unless told that is intended.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# JupyterLab opens its file browser on the lessons (when the folder exists; otherwise it refuses).
OPEN_IN := $(if $(wildcard notebooks),--FileContentsManager.preferred_dir=notebooks)

.DEFAULT_GOAL := help
.PHONY: help setup lab test html bench

help:
	@sed -n 's/^#   //p' Makefile

setup:
	@bash scripts/setup.sh

lab: setup
	$(BIN)/jupyter lab $(ALLOW_ROOT) $(OPEN_IN)

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest tests
ifeq ($(NOTEBOOKS),)
	@echo "No notebooks in notebooks/ yet: nothing for nbval to run."
else
	$(BIN)/pytest $(NBVAL) $(NOTEBOOKS)
endif

html: setup
ifeq ($(NOTEBOOKS),)
	@echo "No notebooks in notebooks/ yet: nothing to render."
else
	$(BIN)/jupyter nbconvert --to html --embed-images --output-dir site $(NOTEBOOKS)
	@# The index links to the lessons' .ipynb files; in site/ they are .html pages.
	perl -pi -e 's/href="(\d\d_\w+)\.ipynb"/href="$$1.html"/g' site/*.html
	@echo "Open site/*.html in a browser."
endif

bench: setup
	$(BIN)/python benchmarks/resnet18_step.py
