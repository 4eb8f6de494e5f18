#!/usr/bin/env python3
"""plot_compare.py: strategies side by side: client downtime CDF, recovery curve, downtime budget.

Reads what `failsim run --out DIR` writes (summary.json, clients.csv, recovery.csv) for one or
more runs of each variant, and what `failsim compare --out DIR` writes (compare.json):

    PREFIX-cdf.png/.svg       the CDF of client downtime per variant: every affected client of
                              every run of the variant, pooled
    PREFIX-recovery.png/.svg  the availability timeline: the share of clients served, mean over
                              the variant's runs, with its 95% CI band
    PREFIX-budget.png/.svg    where the downtime went: the mean seconds per affected client of
                              each phase (docs/model-dns.md, "Downtime budget"), mean over runs
    PREFIX-means.png/.svg     with --compare: each variant's downtime mean, p50 and p95 with
                              their 95% CIs, and the paired differences to the first variant

    analysis/plot_compare.py --out out/fig/cmp change-ip=out/runs/change-ip retain-ip=out/runs/retain-ip
    analysis/plot_compare.py --out out/fig/cmp --compare out/compare
    analysis/plot_compare.py --out f --compare out/compare --service app NAME=DIR ...

A variant is NAME=DIR, or DIR (named after it): DIR is one run directory, or a directory of run
directories (its subdirectories holding summary.json, taken in name order; replication k of each
variant should be `failsim run FILE --rep k`, so that the variants share their random numbers).
With several services, --service picks one.

matplotlib and numpy from Debian (python3-matplotlib, python3-numpy). The files are the same
bytes for the same inputs.
"""
import argparse
import os
import signal
import sys
import textwrap

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fsplot  # noqa: E402

CLIENT_COLUMNS = ("service", "episodes", "downtime_s")
RECOVERY_COLUMNS = ("service", "time_s", "served")


def run_dirs(d):
    """The run directories of a variant: d itself, or its subdirectories holding summary.json."""
    if os.path.isfile(os.path.join(d, "summary.json")):
        return [d]
    try:
        subs = sorted(e for e in os.listdir(d) if os.path.isfile(os.path.join(d, e, "summary.json")))
    except OSError as e:
        fsplot.die(f"{d}: error: cannot read: {e.strerror}")
    if not subs:
        fsplot.die(f"{d}: error: no run here: no summary.json in it or in its subdirectories "
                   "(give directories written by failsim run --out)")
    return [os.path.join(d, s) for s in subs]


def parse_variant(arg):
    name, sep, d = arg.partition("=")
    if sep and name and "/" not in name:
        return name, d
    return os.path.basename(os.path.normpath(arg)) or arg, arg


def summary(run):
    path = os.path.join(run, "summary.json")
    doc = fsplot.load_json(path)
    fsplot.check_format(path, doc, "summary.json")
    return path, doc


def pick_service(first_run, docs, wanted):
    path, doc = docs[0]
    names = list(doc.get("services", {}))
    if not names:
        fsplot.die(f"{path}: error: no services: this scenario has no clients, so there is no client downtime to draw")
    if wanted is None:
        if len(names) > 1:
            fsplot.die(f"{path}: error: several services ({', '.join(names)}): name one with --service")
        return names[0]
    if wanted not in names:
        fsplot.die(f"{path}: error: no service '{wanted}' (there are: {', '.join(names)})")
    return wanted


class Variant:
    def __init__(self, name, directory):
        self.name = name
        self.runs = run_dirs(directory)
        self.docs = [summary(r) for r in self.runs]


def downtimes(v, service):
    """Every affected client's downtime (s) over the variant's runs."""
    out = []
    for run in v.runs:
        path = os.path.join(run, "clients.csv")
        for r in fsplot.read_csv(path, need=CLIENT_COLUMNS):
            if r["service"] != service:
                continue
            try:
                if int(r["episodes"]) > 0:
                    out.append(float(r["downtime_s"]))
            except ValueError:
                fsplot.die(f"{path}: error: not a number in 'episodes' or 'downtime_s': not the file failsim writes")
    out.sort()
    return out


def recovery(v, service):
    """(times, [served per run]) of the variant's recovery curves; every run on the same grid."""
    times, curves = None, []
    for run in v.runs:
        path = os.path.join(run, "recovery.csv")
        t, s = [], []
        for r in fsplot.read_csv(path, need=RECOVERY_COLUMNS):
            if r["service"] == service:
                t.append(fsplot.number(r["time_s"]))
                s.append(fsplot.number(r["served"]))
        if not t or None in t or None in s:
            fsplot.die(f"{path}: error: no recovery curve of service '{service}'")
        if times is None:
            times = t
        elif t != times:
            fsplot.die(f"{path}: error: a recovery curve on another grid than {os.path.join(v.runs[0], 'recovery.csv')} "
                       "(runs of different horizons or sampling intervals)")
        curves.append(s)
    return times, curves


def budget(v, service):
    """{phase: mean over runs of the mean seconds per affected client}, and the runs that had one."""
    sums, n = {}, 0
    for path, doc in v.docs:
        s = doc.get("services", {}).get(service)
        if s is None:
            fsplot.die(f"{path}: error: no service '{service}'")
        b = s.get("budget")
        if b is None:
            continue
        n += 1
        for phase, value in b.items():
            if phase != "total":
                sums[phase] = sums.get(phase, 0.0) + float(value)
    return {p: x / n for p, x in sums.items()} if n else {}, n


def ecdf_points(sorted_values, resolution=4000):
    """The steps of the empirical CDF: each distinct value with the share at or below it; past
    `resolution` steps, only those where the share crosses a multiple of 1/resolution (a change
    no one could see), so that 100,000 clients do not make a 6 MB SVG."""
    n = len(sorted_values)
    xs, ys = [], []
    for k, x in enumerate(sorted_values):
        if k + 1 < n and sorted_values[k + 1] == x:
            continue
        xs.append(x)
        ys.append((k + 1) / n)
    if len(xs) <= resolution:
        return xs, ys
    keep_x, keep_y, level = [], [], -1
    for i, (x, y) in enumerate(zip(xs, ys)):
        if int(y * resolution) > level or i == len(xs) - 1:
            keep_x.append(x)
            keep_y.append(y)
            level = int(y * resolution)
    return keep_x, keep_y


DURATION_TICKS = [1, 2, 5, 10, 20, 30, 60, 120, 180, 300, 600, 1200, 1800, 2700, 3600, 7200, 10800,
                  21600, 43200, 86400]


def plot_cdf(plt, prefix, variants, service, log=None):
    fig, ax = plt.subplots(figsize=(6.8, 4.2), layout="constrained")
    data = {v.name: downtimes(v, service) for v in variants}
    pooled = sorted(x for d in data.values() for x in d)
    if not pooled:
        fsplot.die(f"{variants[0].runs[0]}: error: no client of service '{service}' was affected in any run: "
                   "no downtime to draw")
    top = pooled[-1]
    if log is None:
        # A long tail (resolvers that keep an old address for half an hour) squeezes the body of
        # the distribution into a corner: then durations go on a log scale.
        log = top > 4 * pooled[int(0.9 * (len(pooled) - 1))] and pooled[0] > 0
    div, unit = (1.0, "") if log else fsplot.seconds_axis(top)
    for i, v in enumerate(variants):
        d = data[v.name]
        if not d:
            continue
        n = len(d)
        mean = sum(d) / n
        # The quantile as failsim computes it: linear between order statistics.
        h = 0.95 * (n - 1)
        p95 = d[int(h)] + (d[min(n - 1, int(h) + 1)] - d[int(h)]) * (h - int(h))
        xs, ys = ecdf_points(d)
        ax.step([x / div for x in xs], ys, where="post",
                color=fsplot.COLOURS[i % len(fsplot.COLOURS)], linewidth=1.5,
                label=f"{v.name}: {n} clients of {len(v.runs)} runs; mean {fsplot.fmt_duration(mean)}, "
                      f"p95 {fsplot.fmt_duration(p95)}")
    if log:
        ax.set_xscale("log")
        # From half the pooled 1st percentile: the few clients below it would only stretch the axis.
        left = max(pooled[0], pooled[int(0.01 * (len(pooled) - 1))] / 2)
        ax.set_xlim(left, top * 1.1)
        ticks = [t for t in DURATION_TICKS if left <= t <= top * 1.1]
        ax.set_xticks(ticks)
        ax.set_xticklabels([fsplot.fmt_duration(t) for t in ticks])
        ax.minorticks_off()
        ax.set_xlabel("client downtime (log scale)")
    else:
        ax.set_xlim(left=0)
        ax.set_xlabel(f"client downtime ({unit})")
    ax.set_ylim(0, 1.01)
    ax.set_ylabel("share of affected clients with at most this downtime")
    ax.set_title(f"service {service}: client downtime, every affected client of every run")
    ax.legend(loc="lower right")
    return fsplot.save(fig, fsplot.figure_path(prefix, "cdf"))


def plot_recovery(plt, prefix, variants, service, xlim):
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    first, last = None, None
    for i, v in enumerate(variants):
        times, curves = recovery(v, service)
        colour = fsplot.COLOURS[i % len(fsplot.COLOURS)]
        means, lows, highs = [], [], []
        for k in range(len(times)):
            mean, half, _ = fsplot.mean_ci([c[k] for c in curves])
            half = half or 0.0
            means.append(mean)
            lows.append(max(0.0, mean - half))
            highs.append(min(1.0, mean + half))
        down = [t for t, m in zip(times, means) if m < 0.999]
        if down:
            first = down[0] if first is None else min(first, down[0])
            last = down[-1] if last is None else max(last, down[-1])
        minutes = [t / 60 for t in times]
        ax.plot(minutes, means, color=colour, linewidth=1.5, label=f"{v.name} ({len(curves)} runs)")
        ax.fill_between(minutes, lows, highs, color=colour, alpha=0.15, linewidth=0)
    if xlim:
        ax.set_xlim(*xlim)
    elif first is not None:
        ax.set_xlim(max(0, first / 60 - 2), last / 60 + 3)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("time since the start of the run (min)")
    ax.set_ylabel("share of clients served (not in a failure episode)")
    ax.set_title(f"service {service}: availability timeline, mean over runs (shaded: 95% CI)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fsplot.save(fig, fsplot.figure_path(prefix, "recovery"))


def plot_budget(plt, prefix, variants, service):
    budgets = [(v, *budget(v, service)) for v in variants]
    phases = [p for p in fsplot.PHASES if any(b.get(p, 0) > 0 for _, b, _ in budgets)]
    phases += sorted({p for _, b, _ in budgets for p in b if b[p] > 0 and p not in phases})
    totals = [sum(b.values()) for _, b, _ in budgets]
    div, unit = fsplot.seconds_axis(max(totals, default=0))
    fig, ax = plt.subplots(figsize=(8.0, 1.6 + 0.6 * len(variants)), layout="constrained")
    ys = list(range(len(budgets)))[::-1]
    for p in phases:
        lefts = [sum(b.get(q, 0.0) for q in phases[:phases.index(p)]) / div for _, b, _ in budgets]
        widths = [b.get(p, 0.0) / div for _, b, _ in budgets]
        ax.barh(ys, widths, left=lefts, height=0.6, color=fsplot.PHASE_COLOURS.get(p, "#cccccc"), label=p)
        for y, left, w in zip(ys, lefts, widths):
            if w * div >= 0.06 * max(totals):
                ax.text(left + w / 2, y, fsplot.fmt_duration(w * div), ha="center", va="center", fontsize=7,
                        color="white")
    for y, total, (v, _, n) in zip(ys, totals, budgets):
        ax.text(total / div, y, f"  {fsplot.fmt_duration(total)}", ha="left", va="center", fontsize=8)
    ax.set_yticks(ys)
    ax.set_yticklabels([f"{v.name}\n({n} runs)" for v, _, n in budgets])
    ax.set_xlim(0, max(totals, default=1) / div * 1.15)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"mean downtime per affected client ({unit}), by the phase that caused it; mean over runs")
    ax.set_title(f"service {service}: the downtime budget")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, title="phase")
    return fsplot.save(fig, fsplot.figure_path(prefix, "budget"))


def load_compare(d):
    path = os.path.join(d, "compare.json")
    doc = fsplot.load_json(path)
    fsplot.check_format(path, doc, "compare.json")
    try:
        names = [v["name"] for v in doc["variants"]]
        doc["metrics"], doc["experiment"]["replications"]  # noqa: B018
    except (KeyError, TypeError) as e:
        fsplot.die(f"{path}: error: not a failsim compare.json (no {e})")
    return path, doc, names


def plot_means(plt, prefix, compare_dir, service, rename=None):
    path, doc, names = load_compare(compare_dir)
    rename = rename or {}
    wanted = ["downtime.mean", "downtime.p50", "downtime.p95"]
    metrics = []
    for w in wanted:
        m = w if service is None else f"{service}.{w}"
        if m not in doc["metrics"]:
            m = next((k for k in doc["metrics"] if k.endswith("." + w) and k.count(".") == 2), None)
        if m is None:
            fsplot.die(f"{path}: error: no metric '{w}' (a scenario without clients?); with several services use --service")
        metrics.append(m)
    highs = [doc["metrics"][m]["variants"][n].get("ci95_high") or doc["metrics"][m]["variants"][n].get("mean") or 0
             for m in metrics for n in names]
    div, unit = fsplot.seconds_axis(max(highs, default=0))
    fig, ax = plt.subplots(figsize=(8.0, 1.2 + 0.32 * len(metrics) * (len(names) + 1)), layout="constrained")
    y = 0
    ticks, labels = [], []
    for m in metrics:
        ax.text(0, -y, (m.split(".", 1)[1] if m.count(".") == 2 else m), fontweight="bold", va="center",
                ha="left", transform=ax.get_yaxis_transform())
        y += 1
        for i, n in enumerate(names):
            s = doc["metrics"][m]["variants"][n]
            if s.get("mean") is None:
                continue
            lo = s["ci95_low"] if s.get("ci95_low") is not None else s["mean"]
            hi = s["ci95_high"] if s.get("ci95_high") is not None else s["mean"]
            colour = fsplot.COLOURS[i % len(fsplot.COLOURS)]
            ax.errorbar([s["mean"] / div], [-y], xerr=[[(s["mean"] - lo) / div], [(hi - s["mean"]) / div]],
                        fmt="o", color=colour, capsize=3)
            text = f"{fsplot.fmt_duration(s['mean'])} ± {fsplot.fmt_duration((hi - lo) / 2)}"
            diff = doc["metrics"][m].get("differences", {}).get(n)
            if diff and diff.get("mean") is not None:
                text += f"   (paired difference {fsplot.fmt_duration(diff['mean'])}"
                if diff.get("ci95_low") is not None:
                    text += f" ± {fsplot.fmt_duration((diff['ci95_high'] - diff['ci95_low']) / 2)}"
                text += ")"
            ax.annotate(text, (hi / div, -y), textcoords="offset points", xytext=(6, 0), va="center", fontsize=7)
            ticks.append(-y)
            labels.append(rename.get(n, n))
            y += 1
        y += 0.3
    ax.set_yticks(ticks)
    ax.set_yticklabels(labels)
    ax.set_ylim(-y + 0.5, 0.7)
    ax.set_xlim(0, max(highs, default=1) / div * 1.9)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(f"client downtime ({unit}): mean over replications with its 95% CI")
    reps = doc["experiment"]["replications"]
    ax.set_title(textwrap.fill(f"{reps} replications per variant, paired by replication (common random "
                               f"numbers); differences are to {rename.get(names[0], names[0])}", 80))
    return fsplot.save(fig, fsplot.figure_path(prefix, "means"))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("variants", nargs="*", metavar="[NAME=]DIR",
                    help="a variant's run directory, or a directory of its run directories")
    ap.add_argument("--out", required=True, metavar="PREFIX", help="path prefix of the figures")
    ap.add_argument("--compare", metavar="DIR", help="a directory written by failsim compare --out: draw PREFIX-means")
    ap.add_argument("--service", help="the service, when the scenario has several")
    ap.add_argument("--rename", action="append", default=[], metavar="NAME=TEXT",
                    help="show compare.json's variant NAME as TEXT; repeatable")
    ap.add_argument("--cdf-scale", choices=["auto", "linear", "log"], default="auto",
                    help="the CDF's downtime axis (default: log when a long tail would squeeze the rest)")
    ap.add_argument("--xlim", nargs=2, type=float, metavar=("FROM", "TO"),
                    help="minutes shown by the recovery curve (default: around the outage)")
    args = ap.parse_args(argv)
    if not args.variants and not args.compare:
        ap.error("give variants' run directories, --compare DIR, or both")

    variants = []
    for arg in args.variants:
        name, d = parse_variant(arg)
        if name in (v.name for v in variants):
            ap.error(f"two variants named '{name}': name them NAME=DIR")
        variants.append(Variant(name, d))
    service = pick_service(variants[0].runs[0], variants[0].docs, args.service) if variants else args.service
    rename = {}
    for item in args.rename:
        k, sep, text = item.partition("=")
        if not sep:
            ap.error(f"--rename {item!r}: expected NAME=TEXT")
        rename[k] = text
    if args.compare:
        load_compare(args.compare)  # bad input is reported before matplotlib is needed
    prefix = fsplot.out_prefix(args.out)
    plt = fsplot.pyplot()
    written = []
    if variants:
        written += plot_cdf(plt, prefix, variants, service, None if args.cdf_scale == "auto" else args.cdf_scale == "log")
        written += plot_recovery(plt, prefix, variants, service, args.xlim)
        written += plot_budget(plt, prefix, variants, service)
    if args.compare:
        written += plot_means(plt, prefix, args.compare, service, rename)
    for w in written:
        print(w)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
