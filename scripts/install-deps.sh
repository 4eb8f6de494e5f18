#!/usr/bin/env bash
# install-deps.sh: installs the Debian packages failsim needs to build and test, if missing.
# The one list of them: README and .ci/run both call this. Uses sudo when not root.
set -euo pipefail

packages=(meson ninja-build pkg-config gcc libglib2.0-dev libgsl-dev libyaml-dev
          libjson-glib-dev libcriterion-dev python3
          python3-matplotlib python3-numpy   # analysis/ plots and the studies (docs/studies.md)
          libopenmpi-dev openmpi-bin   # only for a build with -Dmpi=enabled
          valgrind clang   # the valgrind suite and the fuzz harnesses (docs/hardening.md)
          libreadline-dev tmux   # failsim exercise's prompt, and the tests that drive it (docs/exercises.md)
          chromium chromium-driver python3-selenium)   # the HTML report's browser test (docs/report.md)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive

install () {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install "${packages[@]}"

# libFuzzer's runtime is only recommended by clang-N, so it is not pulled in above: install the
# one that matches the clang just found.
if [ ! -f "$(clang -print-file-name=libclang_rt.fuzzer-x86_64.a)" ]; then
  install "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
fi
