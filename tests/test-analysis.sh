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

# The study's retain-IP scenario does what its header says: app-1 keeps 192.168.1.10 and answers
# after the same boot draw as change-ip-failover.yaml's replica (14m24.712s at seed 1); no
# client waits for DNS, and the mean downtime is below change-IP's.
"$failsim" run scenarios/retain-ip-failover.yaml --out "$tmp/retain" --quiet
python3 - "$tmp/retain/summary.json" "$tmp/ttl300/summary.json" <<'PY'
import json, sys
retain, change = (json.load(open(p)) for p in sys.argv[1:])
host = {h["name"]: h for h in retain["outages"]["host"]}["app-1"]
assert abs(host["last_up_s"] - 864.712) < 0.001, host
b = retain["services"]["app"]["budget"]
assert b["dns"] == 0 and b["dns_violation"] == 0 and b["dns_update"] == 0 and b["routing"] == 0, b
assert retain["services"]["app"]["downtime"]["mean_s"] < change["services"]["app"]["downtime"]["mean_s"]
PY

# The plotting scripts (plot_sweep.py, plot_compare.py, tornado.py, study.py). Bad input first:
# it is refused before matplotlib is needed, with one line naming the file and no traceback.
mkdir "$tmp/empty"
one_line_error () {  # one_line_error EXPECTED COMMAND...: fails unless COMMAND fails so
  local want=$1; shift
  if "$@" >"$tmp/out" 2>"$tmp/err"; then echo "$* succeeded on bad input" >&2; exit 1; fi
  if [ "$(wc -l <"$tmp/err")" -ne 1 ] || grep -q Traceback "$tmp/err" || ! grep -q -- "$want" "$tmp/err"; then
    printf '%s: expected one line with "%s", got:\n' "$*" "$want" >&2; cat "$tmp/err" >&2; exit 1
  fi
}
one_line_error "$tmp/empty/sweep.json: error: cannot read" python3 analysis/plot_sweep.py "$tmp/empty" --out "$tmp/x"
one_line_error "$tmp/empty/sweep.json: error: cannot read" python3 analysis/tornado.py "$tmp/empty" --out "$tmp/x"
one_line_error "$tmp/empty: error: no run here" python3 analysis/plot_compare.py "$tmp/empty" --out "$tmp/x"
one_line_error "$tmp/empty/compare.json: error: cannot read" python3 analysis/plot_compare.py --compare "$tmp/empty" --out "$tmp/x"
one_line_error "summary.json: error: no services" python3 analysis/plot_compare.py "$tmp/run" --out "$tmp/x"
echo '{"failsim": {"format": 1}, "sweep": {}}' > "$tmp/empty/sweep.json"
one_line_error "$tmp/empty/sweep.json: error: not a failsim sweep.json" python3 analysis/plot_sweep.py "$tmp/empty" --out "$tmp/x"

# matplotlib and numpy come from Debian (scripts/install-deps.sh installs them, and CI runs
# that). Where the python3 first in PATH lacks them but Debian's has them, use Debian's.
py=python3
plots=yes
if ! python3 -c 'import matplotlib, numpy' 2>/dev/null; then
  if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import matplotlib, numpy' 2>/dev/null; then
    py=/usr/bin/python3
  else
    plots=no
  fi
fi
if [ "$plots" = no ]; then
  echo "analysis plots: skipped: python3 cannot import matplotlib and numpy (install python3-matplotlib and python3-numpy: scripts/install-deps.sh)"
  one_line_error "cannot import" python3 analysis/study.py ttl --out "$tmp/x"
  echo "ok"
  exit 0
fi

is_png () { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
is_svg () { [ -s "$1" ] && head -c 200 "$1" | grep -q '<svg'; }
figures () {  # figures PREFIX NAME...: PREFIX-NAME.png and .svg exist and are images
  local prefix=$1; shift
  for n in "$@"; do
    is_png "$prefix$n.png" || { echo "$prefix$n.png: missing or not a PNG" >&2; exit 1; }
    is_svg "$prefix$n.svg" || { echo "$prefix$n.svg: missing or not an SVG" >&2; exit 1; }
  done
}

# A 2 x 2 sweep, 3 replications: the TTL (x axis) and when the recovery starts (one line each).
"$failsim" sweep scenarios/change-ip-failover.yaml --param zones.0.records.0.ttl=30s,5m \
  --param timeline.1.at=11m,12m --reps 3 --out "$tmp/grid" --quiet
$py analysis/plot_sweep.py "$tmp/grid" --out "$tmp/fig/sweep" >/dev/null
figures "$tmp/fig/sweep-" downtime queries tradeoff
# The same data give the same bytes (no dates, a fixed SVG hash salt).
$py analysis/plot_sweep.py "$tmp/grid" --out "$tmp/fig2/sweep" >/dev/null
for f in downtime.png downtime.svg queries.png queries.svg tradeoff.png tradeoff.svg; do
  cmp -s "$tmp/fig/sweep-$f" "$tmp/fig2/sweep-$f" || { echo "plot_sweep.py: $f differs between two runs" >&2; exit 1; }
done
# Two sweeps on one chart, each held at one recovery time.
$py analysis/plot_sweep.py a="$tmp/grid" b="$tmp/grid" --where timeline.1.at=12m --metric downtime.mean \
  --load none --out "$tmp/fig/two" >/dev/null
figures "$tmp/fig/two-" downtime
one_line_error "no metric 'downtime.median'" $py analysis/plot_sweep.py "$tmp/grid" --metric downtime.median --out "$tmp/x"

# tornado.py: main effects, then one at a time around a baseline.
torn=$($py analysis/tornado.py "$tmp/grid" --out "$tmp/fig/tornado")
grep -q 'zones.0.records.0.ttl: .* at 30s .. .* at 5m: swing' <<<"$torn"
figures "$tmp/fig/" tornado
$py analysis/tornado.py "$tmp/grid" --baseline zones.0.records.0.ttl=5m --baseline timeline.1.at=12m \
  --out "$tmp/fig/tornado-base" >/dev/null
figures "$tmp/fig/" tornado-base
one_line_error "give every parameter a baseline" $py analysis/tornado.py "$tmp/grid" --baseline timeline.1.at=12m --out "$tmp/x"

# plot_compare.py: a comparison, and two replications of each variant run one at a time.
"$failsim" compare scenarios/change-ip-failover.yaml scenarios/retain-ip-failover.yaml --reps 3 \
  --out "$tmp/compare" --quiet
for v in change-ip-failover retain-ip-failover; do
  for r in 0 1; do "$failsim" run scenarios/$v.yaml --rep $r --out "$tmp/runs/$v/r$r" --quiet; done
done
$py analysis/plot_compare.py --compare "$tmp/compare" change="$tmp/runs/change-ip-failover" \
  retain="$tmp/runs/retain-ip-failover" --out "$tmp/fig/cmp" >/dev/null
figures "$tmp/fig/cmp-" cdf recovery budget means

# study.py refuses a --data directory that holds something, before running anything.
one_line_error "not an empty directory" $py analysis/study.py ttl --out "$tmp/x" --data "$tmp/fig" --failsim "$failsim"
echo "ok"
