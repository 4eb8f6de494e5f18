#!/bin/sh
# sweep-throughput.sh: replications per second of a scenario, on one thread and on two.
#
#   bench/sweep-throughput.sh FAILSIM [SCENARIO [REPS [RUNS]]]
#
# Runs `FAILSIM run -q --reps REPS --jobs N SCENARIO` (no output files: the cost of simulating,
# not of writing) for N = 1 and 2, RUNS times each, and keeps each N's fastest run, the one the
# shared machine disturbed least. Prints one line per N and the speedup of two threads:
#
#   sweep jobs=<N> reps=<R> wall_s=<s> reps_per_s=<r>
#   sweep speedup jobs=2/jobs=1 ratio=<x>
#
# Defaults: scenarios/change-ip-failover.yaml, 200 replications, 3 runs. Registered with
# meson's benchmark() (bench/meson.build): meson test -C build --benchmark --verbose sweep.
set -eu

failsim=${1:?usage: sweep-throughput.sh FAILSIM [SCENARIO [REPS [RUNS]]]}
scenario=${2:-scenarios/change-ip-failover.yaml}
reps=${3:-200}
runs=${4:-3}

# The fastest of $runs runs with --jobs $1, in nanoseconds.
best_ns () {
  best=
  i=0
  while [ "$i" -lt "$runs" ]; do
    t0=$(date +%s%N)
    "$failsim" run -q --reps "$reps" --jobs "$1" "$scenario"
    t1=$(date +%s%N)
    ns=$((t1 - t0))
    if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
    i=$((i + 1))
  done
  echo "$best"
}

ns1=$(best_ns 1)
ns2=$(best_ns 2)
awk -v r="$reps" -v a="$ns1" -v b="$ns2" 'BEGIN {
  printf "sweep jobs=1 reps=%d wall_s=%.3f reps_per_s=%.1f\n", r, a / 1e9, r / (a / 1e9);
  printf "sweep jobs=2 reps=%d wall_s=%.3f reps_per_s=%.1f\n", r, b / 1e9, r / (b / 1e9);
  printf "sweep speedup jobs=2/jobs=1 ratio=%.2f\n", a / b;
}'
