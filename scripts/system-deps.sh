#!/usr/bin/env bash
# Install, from Debian's packages, what the checks and tests need and a new machine lacks:
# GNU gettext (the translation check), Chromium (browser tests), PostgreSQL (the second engine),
# and npm where the machine has no Node.js (front-end assets).
set -euo pipefail

missing=()
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "sanfu: installing ${missing[*]} from Debian's packages" >&2
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
