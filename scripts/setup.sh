#!/usr/bin/env bash
# Prepare everything the course needs, then get out of the way:
#   1. Graphviz's `dot` program (draws the autograd graphs),
#   2. a virtual environment in .venv,
#   3. this package with its [dev] extras, installed in editable mode.
# `make lab`, `make test`, `make html`, `make bench` and .ci/run all start here, so there is
# one set-up path. Running it again is cheap: it reinstalls only when pyproject.toml changed.
#
# PYTHON=python3.12 scripts/setup.sh picks another interpreter for a new .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
# The stamp lives inside .venv: git ignores it, and a new venv always starts without one.
STAMP=$VENV/.autograd_lesson-installed

say() { printf '[setup] %s\n' "$*"; }
fail() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

# Debian and Ubuntu, as root: we may install system packages ourselves.
can_apt_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_install() {
    say "installing $* with apt-get"
    apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_dot() {
    if dot -V >/dev/null 2>&1; then
        return
    fi
    if can_apt_install && apt_install graphviz && dot -V >/dev/null 2>&1; then
        return
    fi
    fail "Graphviz's 'dot' program was not found. Install it with one of:
    sudo apt-get install graphviz                              # Debian, Ubuntu
    brew install graphviz                                      # macOS
    conda install -c conda-forge graphviz python-graphviz      # conda
then run this command again."
}

ensure_python() {
    command -v "$PYTHON" >/dev/null 2>&1 ||
        fail "'$PYTHON' was not found. Install Python 3.10 or newer (or set PYTHON=...)."
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
        fail "$("$PYTHON" --version 2>&1) is too old: the course needs Python 3.10 or newer."
}

ensure_venv() {
    # A venv whose interpreter is gone (Python upgraded or removed) is rebuilt from scratch.
    if "$VENV/bin/python" -c '' >/dev/null 2>&1; then
        return
    fi
    ensure_python
    say "creating the virtual environment $VENV"
    if ! "$PYTHON" -m venv --clear "$VENV"; then
        # Debian and Ubuntu ship venv's pip bootstrap (ensurepip) as a separate package.
        if can_apt_install && apt_install python3-venv && "$PYTHON" -m venv --clear "$VENV"; then
            return
        fi
        fail "could not create $VENV. On Debian or Ubuntu: sudo apt-get install python3-venv"
    fi
}

ensure_package() {
    if [ "$STAMP" -nt pyproject.toml ]; then
        return
    fi
    say "installing autograd_lesson and its [dev] extras into $VENV (the first time takes a few minutes)"
    "$VENV/bin/python" -m pip install --quiet -e '.[dev]'
    # Matplotlib builds its font cache on first import and says so on stderr; do it now, so
    # that message never lands in a notebook's output (nbval would count it as a change).
    MPLBACKEND=Agg "$VENV/bin/python" -c 'import matplotlib.pyplot' 2>/dev/null
    touch "$STAMP"
    say "done"
}

ensure_dot
ensure_venv
ensure_package
