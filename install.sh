#!/usr/bin/env bash
# Installs what the leaflet generator needs on Debian or Ubuntu, into .venv/ beside this file:
# WeasyPrint's system libraries (Pango, HarfBuzz), the fonts clinics may choose (and fonts for
# Greek, Cyrillic, Arabic, Hebrew, Chinese, Japanese, Korean and emoji), and the
# poppler and qpdf tools used to look at and check PDFs. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"

packages=(
  python3-venv python3-pip
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig shared-mime-info
  fonts-lato fonts-open-sans fonts-inter fonts-noto-core fonts-dejavu-core
  fonts-noto-cjk fonts-noto-color-emoji
  poppler-utils qpdf
)
# The web page's browser tests drive Debian's Chromium (Playwright cannot download one here).
if [ "${1:-}" = test ]; then packages+=(chromium); fi
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
# Another package manager (automatic updates, on a freshly booted machine) may hold apt's
# locks. apt-get waits up to 5 minutes for dpkg's; `update` ignores that timeout for the
# package lists' lock (apt 2.6), so it is tried again here, every 5 seconds as long.
# DEBIAN_FRONTEND goes through env: sudo would drop it from the environment.
apt_get=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
for ((waited = 0; ; waited += 5)); do
  "${apt_get[@]}" update -qq 2>"$errors" && break
  if [ "$waited" -ge 300 ] || ! grep -q "Could not get lock" "$errors"; then
    cat "$errors" >&2
    exit 100
  fi
  [ "$waited" -gt 0 ] || echo "install.sh: another package manager is running; waiting for it..." >&2
  sleep 5
done
cat "$errors" >&2
"${apt_get[@]}" install -y -qq --no-install-recommends "${packages[@]}"

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# ./install.sh test also installs what the tests need.
.venv/bin/python -m pip install -q -e ".${1:+[$1]}"
