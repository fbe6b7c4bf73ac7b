#!/usr/bin/env bash
# Set up a fresh Debian machine for scorecards: system packages (apt-get, only when missing),
# a virtual environment in .venv, and the pinned Python packages. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the pipeline calls as programs: "command package" pairs.
# LibreOffice converts legacy .doc/.odt/.rtf reports to .docx; Tesseract reads scanned pages;
# Chromium (Debian's, with its driver) opens the review site in its browser test (Playwright drives
# /usr/bin/chromium: `playwright install` is never run).
SYSTEM_PACKAGES=("soffice libreoffice-writer-nogui" "tesseract tesseract-ocr" "chromium chromium"
                 "chromedriver chromium-driver")

missing=()
for pair in "${SYSTEM_PACKAGES[@]}"; do
  command -v "${pair%% *}" >/dev/null 2>&1 || missing+=("${pair##* }")
done
# PostgreSQL's server programs (initdb, pg_ctl) are not on PATH in Debian: the tests start a throwaway
# server of their own from /usr/lib/postgresql/<version>/bin (the package's own service is not used).
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=("postgresql")
# LibreOffice Calc: the safe-CSV test opens an export as a spreadsheet would (Writer alone cannot read CSV).
dpkg -s libreoffice-calc-nogui >/dev/null 2>&1 || missing+=("libreoffice-calc-nogui")
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11), "scorecards needs Python 3.11 or newer"'
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  rm -f .venv/.installed-* && touch "$stamp"
fi
