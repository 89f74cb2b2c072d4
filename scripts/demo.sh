#!/usr/bin/env bash
# Sets up a virtualenv with jitc, then runs the tutorial demo (trace, script, compile, timings).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -e .
.venv/bin/python -m jitc.demo "$@"
