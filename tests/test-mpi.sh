#!/usr/bin/env bash
# test-mpi.sh: `mpirun -n 2 failsim sweep` writes the same bytes as one process, and so does a
# two-rank --resume of a sweep one process left unfinished. Registered only in a build with
# -Dmpi=enabled. Usage: test-mpi.sh FAILSIM SOURCE_DIR MPIRUN
set -euo pipefail

failsim=$1
cd "$2"
mpirun=$3

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Open MPI refuses to run as root without being told, and a CI machine may have one core.
flags=(--oversubscribe)
[ "$(id -u)" -ne 0 ] || flags+=(--allow-run-as-root)
# No cross-memory attach in containers: ranks on one machine copy through shared memory.
export OMPI_MCA_btl_vader_single_copy_mechanism=none

sweep=(sweep scenarios/change-ip-failover.yaml --param 'zones.0.records.0.ttl=30s,5m'
       --param 'timeline.0.at=5m..10m+5m' --reps 3 --jobs 1 --quiet)

"$failsim" "${sweep[@]}" --out "$tmp/one"
"$mpirun" "${flags[@]}" -n 2 "$failsim" "${sweep[@]}" --out "$tmp/two"

status=0
for f in sweep.csv sweep.json; do
  if cmp -s "$tmp/one/$f" "$tmp/two/$f"; then
    echo "ok: $f is the same from 1 process and 2 ranks"
  else
    echo "FAIL: $f differs between 1 process and 2 ranks"; diff "$tmp/one/$f" "$tmp/two/$f" | head -20
    status=1
  fi
done
[ "$(ls "$tmp/two/runs" | grep -c '^c[0-9]*-r[0-9]*\.json$')" -eq 12 ] \
  || { echo "FAIL: rank 0 did not write the 12 runs"; status=1; }

# Interrupted in one process after 3 runs, finished by 2 ranks.
set +e
"$failsim" "${sweep[@]}" --out "$tmp/resumed" --stop-after 3 2>/dev/null
stopped=$?
set -e
[ "$stopped" -eq 130 ] || { echo "FAIL: --stop-after exited $stopped, not 130"; status=1; }
"$mpirun" "${flags[@]}" -n 2 "$failsim" "${sweep[@]}" --out "$tmp/resumed" --resume
for f in sweep.csv sweep.json; do
  if cmp -s "$tmp/one/$f" "$tmp/resumed/$f"; then
    echo "ok: $f is the same after a 2-rank --resume"
  else
    echo "FAIL: $f differs after a 2-rank --resume"; status=1
  fi
done
exit $status
