#!/usr/bin/env bash
# fuzz/run.sh: fuzzes each harness for a bounded time; fails on any crash, hang or leak.
# Usage: fuzz/run.sh BUILD_DIR [SECONDS]   (from the source tree; BUILD_DIR made with
#   CC=clang meson setup BUILD_DIR -Dfuzz=enabled -Db_sanitize=address,undefined -Dtests=false)
# The seed corpus is built at run time from every file in scenarios/ and tests/data/ (and a
# few one-line values for the durations harness). A crashing input is left in
# BUILD_DIR/fuzz-artifacts/; copy it to tests/data/fuzz-regressions/ once fixed.
set -uo pipefail
cd "$(dirname "$0")/.."

build=$1
seconds=${2:-30}
work="$build/fuzz-work"
rm -rf "$work"
mkdir -p "$work/seeds" "$build/fuzz-artifacts"

# Seeds: every file, flattened (names keep their directory so none collide).
find scenarios tests/data -type f | while read -r f; do
  cp "$f" "$work/seeds/$(echo "$f" | tr '/' '_')"
done
i=0
for v in 0 250ms 1.5s 1h30m 1d2h 999.999999ms '5s' 'constant(5s)' 'uniform(1s, 5s)' \
         'exponential(30s)' 'normal(mean=10s, sd=2s)' 'lognormal(60s, 20s)' 'weibull(10s, 1.5)' \
         'empirical(1s:3, 10s:1)' 'sites.primary.kind=branch' 'timeline.disaster.at=5m' \
         'timeline.1.at=uniform(1m, 2m)' "sites.0.name='x'" 'duration=1h'; do
  printf '%s' "$v" > "$work/seeds/value-$i"; i=$((i + 1))
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}

status=0
for h in scenario durations; do
  exe="$build/fuzz/fuzz-$h"
  [ -x "$exe" ] || { echo "fuzz: $exe is not built"; status=1; continue; }
  mkdir -p "$work/$h"
  start=$(date +%s)
  "$exe" "$work/$h" "$work/seeds" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
      -artifact_prefix="$build/fuzz-artifacts/$h-" -print_final_stats=1 \
      > "$build/fuzz-$h.log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/fuzz-$h.log" | tail -n 1)
  if [ "$rc" -eq 0 ]; then
    echo "fuzz $h: ok, ${runs:-?} inputs in $(( $(date +%s) - start ))s, no crash, hang or leak"
  else
    echo "fuzz $h: FAILED (status $rc); see $build/fuzz-$h.log and $build/fuzz-artifacts/"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$build/fuzz-$h.log" | head -n 5
    status=1
  fi
done
exit $status
