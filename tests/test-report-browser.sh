#!/bin/sh
# test-report-browser.sh: renders the reports of the seed scenarios in headless Chromium
# (tests/report-browser.py says what it checks). Skipped (77) when chromium, chromedriver or
# python3-selenium is missing: scripts/install-deps.sh installs them.
#
# Usage: test-report-browser.sh FAILSIM SOURCE_DIR [--screenshots DIR]
#   --screenshots DIR  also write DIR/report-SCENARIO.png, 1280 wide, the whole page
#                      (docs/figures/ keeps them: tests/test-report-browser.sh build/failsim . \
#                      --screenshots docs/figures)
set -eu

failsim=$1
src=$2
shift 2
shots=
if [ "${1:-}" = "--screenshots" ]; then
  shots=$2
fi

# Debian's python3-selenium is installed for /usr/bin/python3; a pyenv or venv python3 earlier
# on PATH would not find it.
python=
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import selenium' >/dev/null 2>&1; then
    python=$p
    break
  fi
done
if [ -z "$python" ]; then
  echo "SKIP: no python3 with selenium (apt install python3-selenium)" >&2
  exit 77
fi
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "SKIP: chromium is not installed (apt install chromium)" >&2
  exit 77
fi
if ! command -v chromedriver >/dev/null 2>&1 && [ ! -x /usr/bin/chromedriver ]; then
  echo "SKIP: chromedriver is not installed (apt install chromium-driver)" >&2
  exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/failsim-browser-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Chromium wants a writable home for its profile.
HOME=$tmp
export HOME

pairs=
for s in change-ip-failover stretched-vlan-storm woodgrove-azure subnet-failover; do
  "$failsim" run "$src/scenarios/$s.yaml" --quiet --out "$tmp/$s" 2>/dev/null
  "$failsim" report "$tmp/$s" -o "$tmp/$s.html"
  pairs="$pairs $tmp/$s=$tmp/$s.html"
done

if [ -n "$shots" ]; then
  # shellcheck disable=SC2086
  exec "$python" "$src/tests/report-browser.py" --screenshots "$shots" $pairs
fi
# shellcheck disable=SC2086
exec "$python" "$src/tests/report-browser.py" $pairs
