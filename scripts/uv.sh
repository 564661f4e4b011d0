#!/usr/bin/env bash
# Run uv, installing it first into .tools/ when the machine has none: a new machine has only
# Python 3.11, and uv itself comes from PyPI like every other dependency.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
# Never download a Python build: use the machine's 3.11.
export UV_PYTHON_DOWNLOADS=never
if command -v uv >/dev/null 2>&1; then
  exec uv "$@"
fi
if [ ! -x .tools/bin/uv ]; then
  echo "sanfu: installing uv ${UV_VERSION} into .tools/" >&2
  # The machine's pip installs into the new venv when it can (--python, pip 22.3+): a venv
  # with its own pip costs ensurepip, some ten seconds under load, for one package.
  if python3 -m pip --version >/dev/null 2>&1; then
    python3 -m venv --without-pip .tools
    python3 -m pip --python .tools/bin/python install --quiet --disable-pip-version-check \
      "uv==${UV_VERSION}"
  else
    python3 -m venv .tools
    .tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==${UV_VERSION}"
  fi
fi
exec .tools/bin/uv "$@"
