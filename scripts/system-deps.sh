#!/usr/bin/env bash
# Install, from Debian's packages, what the checks and tests need and a new machine lacks:
# GNU gettext (the translation check), Chromium (browser tests), PostgreSQL (the second engine),
# npm where the machine has no Node.js (front-end assets), and Noto CJK, the font Chromium needs
# to print Chinese into the lists' and minutes' PDFs (without a CJK font every character is a box).
set -euo pipefail

missing=()
command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || missing+=(postgresql)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
fc-list "Noto Sans CJK SC" 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "sanfu: installing ${missing[*]} from Debian's packages" >&2
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
