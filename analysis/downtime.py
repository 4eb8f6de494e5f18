#!/usr/bin/env python3
"""downtime.py: client-visible downtime and DNS load of several failsim runs, side by side.

Reads only what `failsim run --out DIR` writes (summary.json, and clients.csv for --cdf), so
it works on any run directory without importing failsim. Standard library only.

    analysis/downtime.py out/ttl300 out/ttl30           # a table per service
    analysis/downtime.py --csv out/ttl300 out/ttl30     # the same as CSV
    analysis/downtime.py --cdf out/ttl300               # the CDF of client downtime, per service

Columns: clients, affected (clients with a failed request), mean/p50/p95/p99/max downtime over
the affected clients (seconds), client-seconds lost, clients still down at the end, and the
queries that reached authoritative servers (the price of a low TTL).
"""
import argparse
import csv
import json
import os
import signal
import sys

COLUMNS = ["run", "service", "clients", "affected", "mean_s", "p50_s", "p95_s", "p99_s", "max_s",
           "client_seconds_lost", "down_at_end", "authoritative_queries"]


def load(run_dir):
    path = os.path.join(run_dir, "summary.json")
    try:
        with open(path, encoding="utf-8") as f:
            summary = json.load(f)
    except OSError as e:
        sys.exit(f"{path}: error: cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        sys.exit(f"{path}:{e.lineno}:{e.colno}: error: not JSON: {e.msg}")
    if summary.get("failsim", {}).get("format") != 1:
        sys.exit(f"{path}: error: unknown summary format {summary.get('failsim', {}).get('format')!r}")
    return summary


def rows(run_dir, summary):
    servers = summary.get("dns", {}).get("servers", {})
    queries = sum(s.get("queries", 0) for s in servers.values())
    for name, s in summary.get("services", {}).items():
        d = s["downtime"]
        yield {"run": run_dir, "service": name, "clients": s["clients"], "affected": s["affected"],
               "mean_s": d["mean_s"], "p50_s": d["p50_s"], "p95_s": d["p95_s"], "p99_s": d["p99_s"],
               "max_s": d["max_s"], "client_seconds_lost": s["client_seconds_lost"],
               "down_at_end": s["down_at_end"], "authoritative_queries": queries}


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.1f}"
    return str(v)


def cdf(run_dir, points=(0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0)):
    path = os.path.join(run_dir, "clients.csv")
    by_service = {}
    try:
        with open(path, encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                if int(r["episodes"]) > 0:
                    by_service.setdefault(r["service"], []).append(float(r["downtime_s"]))
    except OSError as e:
        sys.exit(f"{path}: error: cannot read: {e.strerror}")
    except (KeyError, ValueError) as e:
        sys.exit(f"{path}: error: not a failsim clients.csv ({e})")
    for service, values in by_service.items():
        values.sort()
        print(f"{run_dir} service {service}: downtime of {len(values)} affected clients")
        for p in points:
            # The smallest downtime at least a share p of the clients had (the empirical CDF).
            k = max(0, min(len(values) - 1, int(-(-p * len(values) // 1)) - 1))
            print(f"  {p * 100:5.1f}%  <= {values[k]:10.3f} s")


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="directories written by failsim run --out")
    ap.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    ap.add_argument("--cdf", action="store_true", help="print the CDF of client downtime")
    args = ap.parse_args()
    if args.cdf:
        for run in args.runs:
            cdf(run)
        return
    table = [r for run in args.runs for r in rows(run, load(run))]
    if args.csv:
        w = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(table)
        return
    if not table:
        print("no services: these runs have no clients")
        return
    cells = [[fmt(r[c]) for c in COLUMNS] for r in table]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(COLUMNS)]
    print("  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths)))
    for row in cells:
        print("  ".join(v.ljust(w) if i < 2 else v.rjust(w) for i, (v, w) in enumerate(zip(row, widths))))


if __name__ == "__main__":
    main()
