#!/usr/bin/env bash
# test-valgrind.sh: `failsim run` on every shipped scenario is clean under valgrind's memcheck:
# no invalid read or write, no use of an uninitialised value, no definitely lost block. Glib's
# one-time allocations (type system, quarks, interned strings) are "still reachable" or
# "possibly lost", which do not count. Registered only when valgrind is found (suite
# 'valgrind'). Usage: test-valgrind.sh FAILSIM SOURCE_DIR VALGRIND
#
# Runs up to $(nproc) scenarios at once, each to its end: every shipped scenario takes under
# 0.05 s natively, so none needs shortening. Should a scenario with many clients make memcheck
# (some 30x slower) take minutes, list it in `shorten` with an --until that still covers its
# failover; the output names every shortened run.
set -uo pipefail

failsim=$1
cd "$2"
valgrind=$3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

declare -A shorten=()
# scenario (file name without .yaml) -> --until; e.g. shorten[big-estate]=30m

jobs=$(nproc 2>/dev/null || echo 2)
vg=("$valgrind" --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --num-callers=30 --track-origins=yes -q)
[ -f /usr/share/glib-2.0/valgrind/glib.supp ] && vg+=(--suppressions=/usr/share/glib-2.0/valgrind/glib.supp)

run_one () {
  local s=$1 name extra=()
  name=$(basename "$s" .yaml)
  [ -n "${shorten[$name]:-}" ] && extra=(--until "${shorten[$name]}")
  "${vg[@]}" --log-file="$tmp/$name.vg" "$failsim" run "$s" "${extra[@]}" --quiet \
      --out "$tmp/$name.out" > "$tmp/$name.log" 2>&1
  echo $? > "$tmp/$name.rc"
}

for s in scenarios/*.yaml; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  run_one "$s" &
done
wait

status=0; n=0
for s in scenarios/*.yaml; do
  name=$(basename "$s" .yaml); n=$((n + 1))
  rc=$(cat "$tmp/$name.rc")
  note=""; [ -n "${shorten[$name]:-}" ] && note=" (--until ${shorten[$name]})"
  if [ "$rc" -eq 0 ] && [ ! -s "$tmp/$name.vg" ]; then
    echo "ok: $name$note"
  else
    echo "FAIL: $name$note: exit $rc"
    cat "$tmp/$name.log" "$tmp/$name.vg"
    status=1
  fi
done
[ "$n" -gt 0 ] || { echo "no scenarios found"; exit 1; }
exit $status
