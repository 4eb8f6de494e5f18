#!/usr/bin/env python3
"""outages.py: compare the outages of several failsim runs side by side.

Reads only what `failsim run --out DIR` writes (summary.json), so it works on any run
directory, old or new, without importing failsim. Standard library only.

    analysis/outages.py out/run1 out/run2 ...
    analysis/outages.py --csv out/run1 out/run2 > outages.csv
"""
import argparse
import csv
import json
import os
import signal
import sys


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
    run = summary["run"]
    for entity, subjects in summary["outages"].items():
        for s in subjects:
            yield {
                "run": run_dir,
                "seed": run["seed"],
                "replication": run["replication"],
                "entity": entity,
                "name": s["name"],
                "outages": s["outages"],
                "downtime_s": s["downtime_s"],
                "down_at_end": s["down_at_end"],
            }


def main(argv):
    parser = argparse.ArgumentParser(description="Compare the outages of failsim runs.")
    parser.add_argument("runs", nargs="+", metavar="RUN_DIR", help="directories written by failsim run --out")
    parser.add_argument("--csv", action="store_true", help="write CSV to standard output instead of a table")
    args = parser.parse_args(argv)

    table = [r for d in args.runs for r in rows(d, load(d))]
    if args.csv:
        w = csv.DictWriter(sys.stdout, fieldnames=list(table[0].keys()) if table else ["run"], lineterminator="\n")
        w.writeheader()
        w.writerows(table)
        return 0
    if not table:
        print("no outages in these runs")
        return 0
    print(f"{'run':<24} {'seed':>6} {'subject':<24} {'outages':>7} {'downtime':>12}")
    for r in table:
        label = f"{r['entity']} {r['name']}"
        down = f"{r['downtime_s']:.3f} s" + ("*" if r["down_at_end"] else "")
        print(f"{r['run']:<24} {r['seed']:>6} {label:<24} {r['outages']:>7} {down:>12}")
    if any(r["down_at_end"] for r in table):
        print("* still down when the run ended: counted up to the horizon")
    return 0


if __name__ == "__main__":
    # Piped into head(1), end quietly as other command-line tools do, not with a traceback.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
