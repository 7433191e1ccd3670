#!/usr/bin/env bash
# Install everything nianbao needs on a fresh Debian/Ubuntu machine: system
# packages (LibreOffice for DOC/WPS/XLS, CJK fonts, Tesseract with Chinese
# models for scanned PDFs, poppler, Chromium for the browser tests) and a
# virtualenv in .venv with nianbao and its test dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk fonts-wqy-microhei
              tesseract-ocr tesseract-ocr-chi-sim poppler-utils chromium chromium-driver)
if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup.sh: no apt-get here; install by hand: ${APT_PACKAGES[*]}" >&2
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
