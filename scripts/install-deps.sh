#!/usr/bin/env bash
# install-deps.sh: installs the Debian packages failsim needs to build and test, if missing.
# The one list of them: README and .ci/run both call this. Uses sudo when not root.
set -euo pipefail

packages=(meson ninja-build pkg-config gcc libglib2.0-dev libgsl-dev libyaml-dev
          libjson-glib-dev libcriterion-dev python3
          python3-matplotlib python3-numpy   # analysis/ plots and the studies (docs/studies.md)
          libopenmpi-dev openmpi-bin)   # only for a build with -Dmpi=enabled
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
