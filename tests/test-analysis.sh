#!/usr/bin/env bash
# test-analysis.sh: analysis/ reads what failsim writes: run a scenario, then the scripts on it.
set -euo pipefail
failsim=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"

"$failsim" run scenarios/site-outage.yaml --until 1h --out "$tmp/run" --quiet
out=$(python3 analysis/outages.py --csv "$tmp/run")
expected="run,seed,replication,entity,name,outages,downtime_s,down_at_end
$tmp/run,1,0,site,primary,1,3000.0,True"
# site-outage.yaml loses the primary at 10m and repairs it after a lognormal delay with a
# mean of 2h; seed 1 draws 2h17m36s, so at 1h the site is still down: 50 minutes = 3000 s.
if [ "$out" != "$expected" ]; then
  printf 'analysis/outages.py --csv gave:\n%s\nexpected:\n%s\n' "$out" "$expected" >&2
  exit 1
fi
# Captured first: grep -q would close the pipe early and the script would die of SIGPIPE.
table=$(python3 analysis/outages.py "$tmp/run")
grep -q 'site primary .* 1 .*3000.000 s\*' <<<"$table"
# A directory without a run is an input error, not a traceback.
if python3 analysis/outages.py "$tmp" 2>"$tmp/err"; then exit 1; fi
grep -q "summary.json: error: cannot read" "$tmp/err"

# downtime.py: the two change-IP runs side by side; the 30 s TTL must show shorter mean downtime
# and more authoritative queries (tests/test-workload.c checks the same from the library).
"$failsim" run scenarios/change-ip-failover.yaml --out "$tmp/ttl300" --quiet
"$failsim" run scenarios/change-ip-failover-ttl30.yaml --out "$tmp/ttl30" --quiet
python3 analysis/downtime.py --csv "$tmp/ttl300" "$tmp/ttl30" > "$tmp/downtime.csv"
python3 - "$tmp/downtime.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [r["service"] for r in rows] == ["app", "app"], rows
long, short = rows
assert float(short["mean_s"]) < float(long["mean_s"]), rows
assert int(short["authoritative_queries"]) > 5 * int(long["authoritative_queries"]), rows
assert int(long["clients"]) == 1100, rows
PY
cdf=$(python3 analysis/downtime.py --cdf "$tmp/ttl30")
grep -q '100.0%  <=' <<<"$cdf"
echo "ok"
