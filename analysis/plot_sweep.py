#!/usr/bin/env python3
"""plot_sweep.py: client downtime and authoritative DNS load against a swept parameter.

Reads sweep.json from one or more directories written by `failsim sweep --out DIR` and draws,
against the parameter on the x axis (a TTL, say):

    PREFIX-downtime.png/.svg   downtime metrics (means over replications) with their 95% CI bands
    PREFIX-queries.png/.svg    the authoritative queries of a run with their 95% CI band: the
                               price of a low TTL
    PREFIX-tradeoff.png/.svg   the two against each other, one point per value, both intervals

    analysis/plot_sweep.py out/ttl --out docs/figures/ttl/ttl
    analysis/plot_sweep.py out/boot --x zones.0.records.0.ttl --where 'timeline.1.boot=lognormal(90s, 30s)' --out f
    analysis/plot_sweep.py retain=out/retain change=out/change --xlabel 'recovery at' --load none --out f

With several parameters, --x picks the one on the x axis (default: the first), --where KEY=VALUE
holds another at one value, and the parameters left over make one line each. Several sweeps
(each [NAME=]DIR) are drawn together, one line (or more) each, every sweep against its own
--x parameter if it has it, else its first: sweeps of different scenarios whose parameters mean
the same thing. At most 10 lines. A parameter of durations is drawn at its values in seconds (on
a log scale when they span a factor of 8 or more), labelled as given; a parameter of numbers at
its values; any other as categories, in sweep order.

matplotlib and numpy from Debian (python3-matplotlib, python3-numpy). The files are the same
bytes for the same sweep.json files.
"""
import argparse
import os
import signal
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fsplot  # noqa: E402

DOWNTIME = ["downtime.mean", "downtime.p95"]
LOAD = "dns.authoritative_queries"
STYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D"]


def load(sweep_dir):
    """(path, doc, params [(key, values, seconds)], configurations, metric units) of a sweep."""
    path = os.path.join(sweep_dir, "sweep.json")
    doc = fsplot.load_json(path)
    fsplot.check_format(path, doc, "sweep.json")
    try:
        params = [(p["key"], p["values"], p.get("seconds")) for p in doc["sweep"]["params"]]
        configs = doc["configurations"]
        units = doc["metrics"]
        doc["sweep"]["replications"]  # noqa: B018
        for c in configs:
            c["params"], c["metrics"], c["config"]  # noqa: B018  (present in every configuration)
    except (KeyError, TypeError) as e:
        fsplot.die(f"{path}: error: not a failsim sweep.json (no {e})")
    if not params or not configs:
        fsplot.die(f"{path}: error: a sweep without parameters or configurations")
    return path, doc, params, configs, units


def resolve_metric(path, units, name, explicit=True):
    """A metric of the sweep: the name as given, else the one service's S.name."""
    if name in units:
        return name
    candidates = [m for m in units if m.endswith("." + name)]
    if len(candidates) == 1:
        return candidates[0]
    if not explicit:
        return None
    if candidates:
        fsplot.die(f"{path}: error: no metric '{name}'; this sweep has several services: name one of "
                   f"{', '.join(candidates)}")
    fsplot.die(f"{path}: error: no metric '{name}' in this sweep (its metrics are listed in sweep.json 'metrics')")


def short_metric(units, metric):
    """downtime.mean for app.downtime.mean when the sweep has one service."""
    head, _, rest = metric.partition(".")
    if rest and f"{head}.downtime.mean" in units and sum(m.endswith(".downtime.mean") and m.count(".") == 2
                                                          for m in units) == 1:
        return rest
    return metric


class Sweep:
    def __init__(self, name, directory):
        self.name = name
        self.path, self.doc, self.params, self.configs, self.units = load(directory)
        self.keys = [p[0] for p in self.params]


def x_positions(params, x_key):
    """{value: position} of the x parameter, its values, whether durations; log axis wanted."""
    _, values, seconds = next(p for p in params if p[0] == x_key)
    if seconds and all(s is not None for s in seconds):
        pos = dict(zip(values, seconds))
        kind = "duration"
    else:
        try:
            pos = {v: float(v) for v in values}
            kind = "number"
        except ValueError:
            pos = {v: float(i) for i, v in enumerate(values)}
            kind = "category"
    ps = list(pos.values())
    log = kind != "category" and min(ps) > 0 and max(ps) / min(ps) >= 8
    return pos, values, kind, log


def build_series(sweeps, x_arg, where):
    """[(label, sweep, configs, pos)] and the axis: ticks {position: label}, kind, log, x key."""
    fixed_all = {}
    for w in where:
        k, sep, v = w.partition("=")
        if not sep or not k:
            fsplot.die(f"{sweeps[0].path}: error: --where {w!r}: expected KEY=VALUE")
        if not any(k in s.keys for s in sweeps):
            fsplot.die(f"{sweeps[0].path}: error: --where {w!r}: not a parameter of "
                       f"{'this sweep' if len(sweeps) == 1 else 'any of these sweeps'} ({', '.join(sweeps[0].keys)})")
        fixed_all[k] = v
    series, ticks, kinds, logs, x_keys = [], {}, set(), set(), []
    for s in sweeps:
        if x_arg is not None and x_arg in s.keys:
            x_key = x_arg
        elif x_arg is not None and (len(sweeps) == 1 or len(s.keys) > 1):
            fsplot.die(f"{s.path}: error: --x {x_arg}: not a parameter of this sweep ({', '.join(s.keys)})")
        else:
            x_key = s.keys[0]
        x_keys.append(x_key)
        fixed = {k: v for k, v in fixed_all.items() if k in s.keys}
        for k, v in fixed.items():
            values = next(p[1] for p in s.params if p[0] == k)
            if k == x_key:
                fsplot.die(f"{s.path}: error: --where {k}: that is the x parameter")
            if v not in values:
                fsplot.die(f"{s.path}: error: --where {k}={v}: {k} takes {', '.join(values)} in this sweep")
        pos, values, kind, log = x_positions(s.params, x_key)
        kinds.add(kind)
        logs.add(log)
        for v in values:
            ticks.setdefault(pos[v], v)
        free = [k for k in s.keys if k != x_key and k not in fixed]
        groups = {}
        for c in s.configs:
            if any(c["params"].get(k) != v for k, v in fixed.items()):
                continue
            groups.setdefault(tuple((k, c["params"].get(k)) for k in free), []).append(c)
        for label, cs in groups.items():
            parts = ([s.name] if len(sweeps) > 1 else []) + [f"{k}={v}" for k, v in label]
            series.append((", ".join(parts), s, cs, pos, x_key))
    if len(series) > len(fsplot.COLOURS):
        fsplot.die(f"{sweeps[0].path}: error: {len(series)} lines (one per combination of the parameters "
                   "not on the x axis): hold some with --where KEY=VALUE")
    if len(kinds) > 1:
        fsplot.die(f"{sweeps[0].path}: error: the x parameters of these sweeps are not of one kind "
                   f"({', '.join(sorted(kinds))}): choose --x")
    return series, ticks, kinds.pop(), all(logs), x_keys


def points(configs, pos, x_key, metric):
    """(x, mean, low, high) of one metric for each configuration that measured it, by x."""
    out = []
    for c in configs:
        m = c["metrics"].get(metric)
        if not m or m.get("mean") is None:
            continue
        lo, hi = m.get("ci95_low"), m.get("ci95_high")
        out.append((pos[c["params"][x_key]], m["mean"], m["mean"] if lo is None else lo,
                    m["mean"] if hi is None else hi))
    out.sort()
    return out


def setup_x(ax, ticks, kind, log, xlabel):
    if log:
        ax.set_xscale("log", base=2)
    xs = sorted(ticks)
    ax.set_xticks(xs)
    # Labels a tenth of the axis apart or closer would overlap: turn them.
    if log:
        import math
        where = [math.log2(x) for x in xs]
    else:
        where = xs
    span = (where[-1] - where[0]) or 1
    crowded = len(xs) > 12 or any((b - a) / span < 1 / 10 for a, b in zip(where, where[1:]))
    ax.set_xticklabels([ticks[x] for x in xs], rotation=40 if crowded else 0, ha="right" if crowded else "center")
    ax.minorticks_off()
    ax.set_xlabel(xlabel + (" (log scale)" if log else ""))


def title(args, sweeps, where):
    if args.title:
        return textwrap.fill(args.title, 80)
    reps = sorted({s.doc["sweep"]["replications"] for s in sweeps})
    r = f"{reps[0]} replications per value" if len(reps) == 1 else "replications: " + ", ".join(map(str, reps))
    name = sweeps[0].doc.get("scenario", {}).get("name", "") if len(sweeps) == 1 else f"{len(sweeps)} sweeps"
    extra = "".join(f", {w}" for w in where)
    return textwrap.fill(f"{name}: {r}{extra}", 80)


def horizon_label(sweeps):
    hs = {c.get("horizon") for s in sweeps for c in s.configs}
    return f" in a run of {hs.pop()}" if len(hs) == 1 else " in a run"


def plot_downtime(plt, prefix, args, sweeps, series, axis, metrics):
    ticks, kind, log, xlabel = axis
    highs = [p[3] for _, s, cs, pos, xk in series for m in metrics[s.path] for p in points(cs, pos, xk, m)]
    div, unit = fsplot.seconds_axis(max(highs) if highs else None)
    fig, ax = plt.subplots(figsize=(6.8, 4.2), layout="constrained")
    for i, (label, s, cs, pos, xk) in enumerate(series):
        colour = fsplot.COLOURS[i % len(fsplot.COLOURS)]
        for j, m in enumerate(metrics[s.path]):
            pts = points(cs, pos, xk, m)
            if not pts:
                continue
            xs = [p[0] for p in pts]
            name = short_metric(s.units, m)
            text = (f"{label}: {name}" if len(metrics[s.path]) > 1 else label) if label else name
            ax.plot(xs, [p[1] / div for p in pts], STYLES[j % len(STYLES)], marker=MARKERS[j % len(MARKERS)],
                    markersize=4, color=colour, label=text)
            ax.fill_between(xs, [p[2] / div for p in pts], [p[3] / div for p in pts], color=colour,
                            alpha=0.18 if j == 0 else 0.08, linewidth=0)
    setup_x(ax, ticks, kind, log, xlabel)
    ax.set_ylim(bottom=0)
    one = {short_metric(s.units, m) for s in sweeps for m in metrics[s.path]}
    what = f"client {one.pop()}" if len(one) == 1 and any(label for label, *_ in series) else "client downtime"
    ax.set_ylabel(f"{what} ({unit}), mean over replications")
    ax.set_title(title(args, sweeps, args.where))
    ax.legend(loc=args.legend, title="shaded: 95% CI of the mean")
    return fsplot.save(fig, fsplot.figure_path(prefix, "downtime"))


def plot_load(plt, prefix, args, sweeps, series, axis, loads):
    ticks, kind, log, xlabel = axis
    fig, ax = plt.subplots(figsize=(6.8, 4.2), layout="constrained")
    all_means = []
    for i, (label, s, cs, pos, xk) in enumerate(series):
        colour = fsplot.COLOURS[i % len(fsplot.COLOURS)]
        pts = points(cs, pos, xk, loads[s.path])
        xs = [p[0] for p in pts]
        all_means += [p[1] for p in pts if p[1] > 0]
        ax.plot(xs, [p[1] for p in pts], "-", marker="o", markersize=4, color=colour,
                label=label or short_metric(s.units, loads[s.path]))
        ax.fill_between(xs, [p[2] for p in pts], [p[3] for p in pts], color=colour, alpha=0.18, linewidth=0)
        for x, mean, _, _ in pts:
            ax.annotate(f"{mean:.0f}", (x, mean), textcoords="offset points", xytext=(4, 4), fontsize=7,
                        color=colour)
    setup_x(ax, ticks, kind, log, xlabel)
    if all_means and max(all_means) / min(all_means) >= 10:
        ax.set_yscale("log")
    ax.set_ylabel(f"{loads[sweeps[0].path]}{horizon_label(sweeps)}")
    ax.set_title(title(args, sweeps, args.where))
    ax.legend(loc="upper right", title="shaded: 95% CI of the mean")
    return fsplot.save(fig, fsplot.figure_path(prefix, "queries"))


def plot_tradeoff(plt, prefix, args, sweeps, series, axis, metrics, loads):
    ticks, kind, log, xlabel = axis
    highs = [p[3] for _, s, cs, pos, xk in series for p in points(cs, pos, xk, metrics[s.path][0])]
    div, unit = fsplot.seconds_axis(max(highs) if highs else None)
    fig, ax = plt.subplots(figsize=(6.8, 4.2), layout="constrained")
    all_q = []
    for i, (label, s, cs, pos, xk) in enumerate(series):
        colour = fsplot.COLOURS[i % len(fsplot.COLOURS)]
        by_pos = {p: v for v, p in pos.items()}
        d = {p[0]: p for p in points(cs, pos, xk, metrics[s.path][0])}
        q = {p[0]: p for p in points(cs, pos, xk, loads[s.path])}
        xs = [x for x in sorted(d) if x in q]
        all_q += [q[x][1] for x in xs if q[x][1] > 0]
        ax.errorbar([q[x][1] for x in xs], [d[x][1] / div for x in xs],
                    xerr=[[q[x][1] - q[x][2] for x in xs], [q[x][3] - q[x][1] for x in xs]],
                    yerr=[[(d[x][1] - d[x][2]) / div for x in xs], [(d[x][3] - d[x][1]) / div for x in xs]],
                    fmt="-o", markersize=4, capsize=2, color=colour, label=label or None)
        for x in xs:
            ax.annotate(by_pos[x], (q[x][1], d[x][1] / div), textcoords="offset points", xytext=(5, 3),
                        fontsize=7, color=colour)
    if all_q and max(all_q) / min(all_q) >= 10:
        ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.set_xlabel(f"{loads[sweeps[0].path]}{horizon_label(sweeps)}")
    ax.set_ylabel(f"client {short_metric(sweeps[0].units, metrics[sweeps[0].path][0])} ({unit})")
    ax.set_title(f"the price of a shorter downtime: each point one value of {xlabel}")
    if any(label for label, *_ in series):
        ax.legend(loc="upper right")
    return fsplot.save(fig, fsplot.figure_path(prefix, "tradeoff"))


def parse_sweep(arg):
    name, sep, d = arg.partition("=")
    if sep and name and "/" not in name:
        return name, d
    return os.path.basename(os.path.normpath(arg)) or arg, arg


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 epilog="Writes PREFIX-downtime, PREFIX-queries and PREFIX-tradeoff, "
                                        "each as .png and .svg.")
    ap.add_argument("sweeps", nargs="+", metavar="[NAME=]SWEEP_DIR", help="directories written by failsim sweep --out")
    ap.add_argument("--out", required=True, metavar="PREFIX",
                    help="path prefix of the figures (docs/figures/ttl/ttl); a directory is created")
    ap.add_argument("--x", metavar="KEY", help="the parameter on the x axis (default: each sweep's first)")
    ap.add_argument("--where", action="append", default=[], metavar="KEY=VALUE",
                    help="hold another parameter at one of its values; repeatable")
    ap.add_argument("--metric", action="append", metavar="METRIC",
                    help=f"a downtime metric to draw; repeatable (default: {', '.join(DOWNTIME)}; "
                         "with several services, S.downtime.mean ...)")
    ap.add_argument("--load", default=LOAD, metavar="METRIC",
                    help=f"the load metric (default: {LOAD}); 'none' for no load figures")
    ap.add_argument("--xlabel", help="the x axis' label (default: the parameter's key)")
    ap.add_argument("--title", help="the downtime and load figures' title")
    ap.add_argument("--legend", default="upper left", help="where the downtime legend goes (matplotlib loc)")
    args = ap.parse_args(argv)

    sweeps = []
    for arg in args.sweeps:
        name, d = parse_sweep(arg)
        if name in (s.name for s in sweeps):
            ap.error(f"two sweeps named '{name}': name them NAME=DIR")
        sweeps.append(Sweep(name, d))
    metrics = {s.path: [resolve_metric(s.path, s.units, m) for m in (args.metric or DOWNTIME)] for s in sweeps}
    loads = None
    if args.load != "none":
        loads = {s.path: resolve_metric(s.path, s.units, args.load, explicit=args.load != LOAD) for s in sweeps}
        if None in loads.values():
            missing = next(p for p, m in loads.items() if m is None)
            print(f"{missing}: note: no '{LOAD}' in this sweep (no DNS zone?): no load figures", file=sys.stderr)
            loads = None
    series, ticks, kind, log, x_keys = build_series(sweeps, args.x, args.where)
    axis = (ticks, kind, log, args.xlabel or " / ".join(dict.fromkeys(x_keys)))
    plt = fsplot.pyplot()
    prefix = fsplot.out_prefix(args.out)
    written = plot_downtime(plt, prefix, args, sweeps, series, axis, metrics)
    if loads:
        written += plot_load(plt, prefix, args, sweeps, series, axis, loads)
        written += plot_tradeoff(plt, prefix, args, sweeps, series, axis, metrics, loads)
    for w in written:
        print(w)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
