#!/usr/bin/env bash
# Sets up a virtualenv with jitc and its test and dask extras (the Dask tests run too), then runs the test suite
# on one pytest worker per core (pytest-xdist; pass -n 0 to run it in this process).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e ".[test,dask]"
.venv/bin/python -m pytest tests -n auto "$@"
