#!/usr/bin/env bash
# test-valgrind.sh: `failsim run` on every shipped scenario (the training exercises included, and
# each exercise's session replayed from its script) is clean under valgrind's memcheck:
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

# A check's name: the scenario's path under scenarios/ without .yaml, with "exercise " before
# a replayed training session.
check_name () {
  local s=${1#scenarios/}
  echo "${2:+$2 }${s%.yaml}"
}

# run_one SCENARIO [exercise]: `failsim run` of the scenario, or, for a training exercise,
# `failsim exercise` replaying its script from tests/exercises/ (the session, the operator's
# actions and the three-run debrief).
run_one () {
  local s=$1 mode=${2:-} name key extra=()
  name=$(check_name "$s" "$mode"); key=${name//[\/ ]/_}
  [ -n "${shorten[$name]:-}" ] && extra=(--until "${shorten[$name]}")
  if [ "$mode" = exercise ]; then
    "${vg[@]}" --log-file="$tmp/$key.vg" "$failsim" exercise "$s" \
        --script "tests/exercises/$(basename "$s" .yaml).txt" > "$tmp/$key.log" 2>&1
  else
    "${vg[@]}" --log-file="$tmp/$key.vg" "$failsim" run "$s" "${extra[@]}" --quiet \
        --out "$tmp/$key.out" > "$tmp/$key.log" 2>&1
  fi
  echo $? > "$tmp/$key.rc"
}

checks=()
for s in scenarios/*.yaml scenarios/exercises/*.yaml; do checks+=("$s|"); done
for s in scenarios/exercises/*.yaml; do checks+=("$s|exercise"); done

for c in "${checks[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  run_one "${c%|*}" "${c#*|}" &
done
wait

status=0; n=0
for c in "${checks[@]}"; do
  s=${c%|*}; name=$(check_name "$s" "${c#*|}"); key=${name//[\/ ]/_}; n=$((n + 1))
  rc=$(cat "$tmp/$key.rc")
  note=""; [ -n "${shorten[$name]:-}" ] && note=" (--until ${shorten[$name]})"
  if [ "$rc" -eq 0 ] && [ ! -s "$tmp/$key.vg" ]; then
    echo "ok: $name$note"
  else
    echo "FAIL: $name$note: exit $rc"
    cat "$tmp/$key.log" "$tmp/$key.vg"
    status=1
  fi
done
[ "$n" -gt 0 ] || { echo "no scenarios found"; exit 1; }
exit $status
