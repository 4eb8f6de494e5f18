#!/usr/bin/env python3
"""tornado.py: which swept parameter moves client downtime most: a tornado chart.

Reads sweep.json and sweep.csv from a directory written by `failsim sweep --out DIR` with several
`--param`, and for each parameter finds how far the mean of a metric (downtime.mean by default)
moves over that parameter's values: its swing. One bar per parameter, the largest at the top,
from the lowest to the highest mean, each value marked and the ends labelled.

    analysis/tornado.py out/grid --out docs/figures/ttl/tornado
    analysis/tornado.py out/grid --baseline zones.0.records.0.ttl=5m --baseline timeline.1.at=12m ... --out f

Two readings of a grid:

- main effects (the default): the mean at a value of a parameter is the average over every
  configuration that has it, so over all the values of the others (a full grid is balanced);
- one at a time (`--baseline KEY=VALUE` for every parameter): each parameter moves while the
  others stay at their baseline values, the classic tornado around one design; the vertical
  line is the baseline configuration's mean.

The swing's 95% interval is paired over replications (replication r of every configuration
shares its random numbers): for each r, the mean at the highest value minus the mean at the
lowest, from sweep.csv; then Student's t. Prints the table it draws. Writes PREFIX.png and
PREFIX.svg, the same bytes for the same files.

matplotlib and numpy from Debian (python3-matplotlib, python3-numpy).
"""
import argparse
import os
import signal
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fsplot  # noqa: E402
import plot_sweep  # noqa: E402


def per_replication(csv_path, rows, metric):
    """{config: {replication: value}} of one metric, from sweep.csv."""
    out = {}
    for r in rows:
        try:
            c, rep = int(r["config"]), int(r["replication"])
        except (KeyError, ValueError):
            fsplot.die(f"{csv_path}: error: a row without a whole 'config' and 'replication'")
        v = fsplot.number(r.get(metric))
        if v is not None:
            out.setdefault(c, {})[rep] = v
    return out


def swings(path, params, configs, metric, baseline):
    """One entry per parameter: its values' means, the lowest and highest, and the swing's CI."""
    keys = [p[0] for p in params]
    by_id = {c["config"]: c for c in configs}
    csv_path = os.path.join(os.path.dirname(path), "sweep.csv")
    reps = per_replication(csv_path, fsplot.read_csv(csv_path, need=("config", "replication", metric)), metric)
    out = []
    for key, values, _ in params:
        groups = {v: [] for v in values}
        for c in configs:
            if baseline and any(c["params"].get(k) != baseline[k] for k in keys if k != key):
                continue
            groups[c["params"][key]].append(c["config"])
        means = {}
        for v, ids in groups.items():
            ms = [by_id[i]["metrics"].get(metric, {}).get("mean") for i in ids]
            ms = [m for m in ms if m is not None]
            if ms:
                means[v] = sum(ms) / len(ms)
        if len(means) < 2:
            continue
        lo = min(means, key=lambda v: (means[v], values.index(v)))
        hi = max(means, key=lambda v: (means[v], -values.index(v)))

        def at(v, r):
            xs = [reps.get(i, {}).get(r) for i in groups[v]]
            return None if any(x is None for x in xs) or not xs else sum(xs) / len(xs)
        all_reps = sorted({r for i in groups[lo] + groups[hi] for r in reps.get(i, {})})
        diffs = [at(hi, r) - at(lo, r) for r in all_reps if at(hi, r) is not None and at(lo, r) is not None]
        _, half, n = fsplot.mean_ci(diffs)
        out.append({"key": key, "values": values, "means": means, "lo": lo, "hi": hi,
                    "swing": means[hi] - means[lo], "half": half, "n": n,
                    "configs": len(groups[lo])})
    out.sort(key=lambda s: -s["swing"])
    return out


def fmt(value, is_time):
    if value is None:
        return "-"
    return fsplot.fmt_duration(value) if is_time else f"{value:.4g}"


def draw(plt, prefix, doc, metric, table, centre, centre_label, mode, labels=None):
    is_time = doc["metrics"].get(metric) == "s"
    labels = labels or {}
    highs = [max(s["means"].values()) for s in table]
    div, unit = fsplot.seconds_axis(max(highs) if highs else None) if is_time else (1.0, doc["metrics"].get(metric, ""))
    fig, ax = plt.subplots(figsize=(8.0, 1.5 + 0.7 * max(1, len(table))))
    ys = list(range(len(table)))[::-1]
    for y, s in zip(ys, table):
        lo, hi = s["means"][s["lo"]] / div, s["means"][s["hi"]] / div
        ax.barh(y, hi - lo, left=lo, height=0.5, color=fsplot.COLOURS[0], alpha=0.75)
        for v, m in s["means"].items():
            ax.plot([m / div], [y], "|", color="black", markersize=12)
        ax.annotate(s["lo"], (lo, y), textcoords="offset points", xytext=(-4, 0), ha="right", va="center",
                    fontsize=7)
        ax.annotate(s["hi"], (hi, y), textcoords="offset points", xytext=(4, 0), ha="left", va="center",
                    fontsize=7)
    if centre is not None:
        ax.axvline(centre / div, color="black", linewidth=0.8, linestyle="--", label=centre_label)
        ax.legend(loc="lower right")
    ax.set_yticks(ys)
    ticks = []
    for s in table:
        half = f" ± {fmt(s['half'], is_time)}" if s["half"] is not None else ""
        ticks.append(f"{labels.get(s['key'], s['key'])}\nswing {fmt(s['swing'], is_time)}{half}")
    ax.set_yticklabels(ticks)
    ax.set_ylim(-0.7, len(table) - 0.3)
    lo_all = min(min(s["means"].values()) for s in table) / div
    hi_all = max(highs) / div
    # Room for the value labels at both ends of the bars (a distribution's text is long).
    longest = max(len(str(v)) for s in table for v in (s["lo"], s["hi"]))
    pad = (hi_all - lo_all) * (0.12 + 0.018 * longest) or 1
    ax.set_xlim(max(0, lo_all - pad), hi_all + pad)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"{metric} ({unit}), mean over replications"
                  + ("; each parameter averaged over the others" if mode == "main" else
                     "; the other parameters at their baseline"))
    name = doc.get("scenario", {}).get("name", "")
    ax.set_title(textwrap.fill(f"{name}: what moves {metric} most ({doc['sweep']['replications']} "
                               f"replications per configuration; ± is the paired 95% CI of the swing)", 70))
    fig.tight_layout()
    return fsplot.save(fig, prefix)


def table_lines(doc, metric, table, centre, centre_label):
    is_time = doc["metrics"].get(metric) == "s"
    lines = [f"{metric}: swing over each parameter's values, largest first"]
    if centre is not None:
        lines.append(f"  {centre_label}: {fmt(centre, is_time)}")
    for s in table:
        half = f" ± {fmt(s['half'], is_time)}" if s["half"] is not None else ""
        lines.append(f"  {s['key']}: {fmt(s['means'][s['lo']], is_time)} at {s['lo']} .. "
                     f"{fmt(s['means'][s['hi']], is_time)} at {s['hi']}: swing {fmt(s['swing'], is_time)}{half}")
    return lines


def analyse(sweep_dir, metric="downtime.mean", baseline_args=()):
    """The tornado's table: (doc, metric, rows, centre, centre label, mode); also for study.py."""
    path, doc, params, configs, units = plot_sweep.load(sweep_dir)
    metric = plot_sweep.resolve_metric(path, units, metric)
    keys = [p[0] for p in params]
    if len(keys) < 2:
        fsplot.die(f"{path}: error: a tornado needs a sweep of two or more parameters; this one has {len(keys)}")
    baseline = {}
    for b in baseline_args:
        k, sep, v = b.partition("=")
        if not sep or k not in keys:
            fsplot.die(f"{path}: error: --baseline {b!r}: expected KEY=VALUE with KEY one of {', '.join(keys)}")
        values = next(p[1] for p in params if p[0] == k)
        if v not in values:
            fsplot.die(f"{path}: error: --baseline {b!r}: {k} takes {', '.join(values)} in this sweep")
        baseline[k] = v
    if baseline and set(baseline) != set(keys):
        fsplot.die(f"{path}: error: --baseline: give every parameter a baseline value (missing: "
                   f"{', '.join(k for k in keys if k not in baseline)})")
    table = swings(path, params, configs, metric, baseline)
    if not table:
        fsplot.die(f"{path}: error: no parameter has two values where '{metric}' was measured")
    if baseline:
        base = next((c for c in configs if all(c["params"].get(k) == v for k, v in baseline.items())), None)
        centre = base["metrics"].get(metric, {}).get("mean") if base else None
        label = "baseline: " + ", ".join(f"{v}" for v in baseline.values())
        return doc, metric, table, centre, textwrap.shorten(label, 60), "baseline"
    ms = [c["metrics"].get(metric, {}).get("mean") for c in configs]
    ms = [m for m in ms if m is not None]
    return doc, metric, table, sum(ms) / len(ms), "mean over every configuration", "main"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sweep", metavar="SWEEP_DIR", help="a directory written by failsim sweep --out, with two or more --param")
    ap.add_argument("--out", required=True, metavar="PREFIX", help="writes PREFIX.png and PREFIX.svg")
    ap.add_argument("--metric", default="downtime.mean", help="the metric (default: downtime.mean)")
    ap.add_argument("--baseline", action="append", default=[], metavar="KEY=VALUE",
                    help="one at a time around these values (give one for every parameter)")
    ap.add_argument("--label", action="append", default=[], metavar="KEY=TEXT",
                    help="a name to show for a parameter instead of its key; repeatable")
    args = ap.parse_args(argv)
    labels = {}
    for item in args.label:
        k, sep, text = item.partition("=")
        if not sep:
            ap.error(f"--label {item!r}: expected KEY=TEXT")
        labels[k] = text
    doc, metric, table, centre, label, mode = analyse(args.sweep, args.metric, args.baseline)
    print("\n".join(table_lines(doc, metric, table, centre, label)))
    prefix = fsplot.out_prefix(args.out)
    if prefix.endswith(os.sep):
        prefix += "tornado"
    for w in draw(fsplot.pyplot(), prefix, doc, metric, table, centre, label, mode, labels):
        print(w)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
