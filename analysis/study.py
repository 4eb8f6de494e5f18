#!/usr/bin/env python3
"""study.py: run one of failsim's shipped studies end to end and draw its figures.

    analysis/study.py ttl --out docs/figures/ttl
    analysis/study.py retain-vs-change --out docs/figures/retain-vs-change

Each study runs failsim (sweeps, a comparison, single runs), draws its figures into OUT as PNG
and SVG, and writes OUT/numbers.txt, the numbers read off them; docs/studies.md says what each
study asks, runs and finds. The same failsim and the same matplotlib give the same bytes.

- ttl: scenarios/change-ip-failover.yaml with the record's TTL from 10s to 10m40s (x2), 40
  replications each: downtime and authoritative queries against the TTL; then a grid of four
  parameters at three values each (TTL, when the recovery starts, the replica's boot, whether
  resolver-1 violates TTLs), 40 replications each, for a tornado chart around the shipped values.
- retain-vs-change: change-ip-failover.yaml (TTL 300s), change-ip-failover-ttl30.yaml and
  retain-ip-failover.yaml compared over 40 replications (common random numbers), and run one
  replication at a time for client downtime CDFs, recovery curves and downtime budgets; then the
  four designs with a warm standby (no boot), against when the recovery action comes.

The simulations' results go to a temporary directory, removed at the end, or to --data DIR (an
empty or new directory), kept. failsim is --failsim, else $FAILSIM, else build/failsim of this
source tree, else failsim on PATH.
"""
import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fsplot  # noqa: E402

ROOT = os.path.dirname(HERE)
PROG = "study.py"

TTL_SCENARIO = "scenarios/change-ip-failover.yaml"
TTL_KEY = "zones.0.records.0.ttl"
TTL_VALUES = "10s..640s*2"
GRID = [  # (key, values, the shipped value, a name for the chart)
    (TTL_KEY, "30s,5m,10m", "5m", "record TTL"),
    ("timeline.1.at", "11m,12m,15m", "12m", "recovery starts at (site lost at 10m)"),
    ("timeline.1.boot", "lognormal(30s, 10s),lognormal(90s, 30s),lognormal(5m, 1m)", "lognormal(90s, 30s)",
     "replica boot time"),
    ("resolvers.resolver-1.ttl_violation", "no,auto,yes", "auto", "resolver-1 violates TTLs"),
]
VARIANTS = [  # (name, scenario, key of the recovery action's time, key of the boot)
    ("change-IP, TTL 300s", "scenarios/change-ip-failover.yaml", "timeline.1.at", "timeline.1.boot"),
    ("change-IP, TTL 30s", "scenarios/change-ip-failover-ttl30.yaml", "timeline.1.at", "timeline.1.boot"),
    ("retain-IP", "scenarios/retain-ip-failover.yaml", "timeline.recovery.at", "timeline.3.boot"),
]
BFD = ["links.branch-primary.bfd=true", "links.primary-recovery.bfd=true"]
ACTION_TIMES = "10m20s,10m40s,11m,11m20s,11m40s,12m,13m,14m"


class Study:
    def __init__(self, args):
        self.failsim = find_failsim(args.failsim)
        self.jobs = args.jobs
        self.out = os.path.abspath(args.out)
        self.lines = []
        self.started = time.monotonic()
        if args.data:
            self.data = os.path.abspath(args.data)
            if os.path.exists(self.data) and (not os.path.isdir(self.data) or os.listdir(self.data)):
                fsplot.die(f"{PROG}: error: --data {args.data}: not an empty directory (the study would mix "
                           "its results with what is there): give a new one")
            os.makedirs(self.data, exist_ok=True)
            self.temporary = False
        else:
            self.data = tempfile.mkdtemp(prefix="failsim-study-")
            self.temporary = True

    def finish(self):
        if self.temporary:
            shutil.rmtree(self.data, ignore_errors=True)

    def note(self, msg):
        print(f"[{time.monotonic() - self.started:6.1f} s] {msg}", file=sys.stderr, flush=True)

    def failsim_cmd(self, *args, quiet=True):
        cmd = [self.failsim, *args]
        if self.jobs and args[0] in ("sweep", "compare"):
            cmd += ["--jobs", str(self.jobs)]
        if quiet:
            cmd.append("--quiet")
        r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            shown = " ".join(a if " " not in a and "(" not in a else repr(a) for a in cmd)
            err = r.stderr.strip().splitlines()
            fsplot.die(f"{PROG}: error: `{shown}` failed with status {r.returncode}"
                       + (f": {err[0]}" if err else ""))
        return r.stdout

    def sweep(self, name, scenario, params, reps, sets=()):
        d = os.path.join(self.data, name)
        args = ["sweep", scenario, "--reps", str(reps), "--out", d]
        for k, v in params:
            args += ["--param", f"{k}={v}"]
        for s in sets:
            args += ["--set", s]
        self.note(f"failsim sweep {scenario} ({name}, {reps} replications)")
        self.failsim_cmd(*args)
        return d

    def say(self, line=""):
        self.lines.append(line)

    def write_numbers(self):
        path = os.path.join(self.out, "numbers.txt")
        os.makedirs(self.out, exist_ok=True)
        text = "\n".join(self.lines) + "\n"
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        sys.stdout.write(text)
        return path


def find_failsim(given):
    for candidate in (given, os.environ.get("FAILSIM"), os.path.join(ROOT, "build", "failsim")):
        if candidate:
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return os.path.abspath(candidate)
            if candidate == given:
                fsplot.die(f"{PROG}: error: --failsim {given}: not an executable file")
    found = shutil.which("failsim")
    if found:
        return found
    fsplot.die(f"{PROG}: error: no failsim: build it (meson setup build && meson compile -C build), "
               "or give --failsim PATH")


def stat(doc_metrics, metric):
    m = doc_metrics.get(metric) or {}
    mean = m.get("mean")
    half = None if m.get("ci95_high") is None or mean is None else m["ci95_high"] - mean
    return mean, half


def dur(mean, half=None):
    if mean is None:
        return "-"
    return fsplot.fmt_duration(mean) + ("" if half is None else f" ± {fsplot.fmt_duration(half)}")


def num(mean, half=None):
    if mean is None:
        return "-"
    return f"{mean:.1f}" + ("" if half is None else f" ± {half:.1f}")


def table(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
            for r in rows]


def ttl_study(st, reps):
    import plot_sweep
    import tornado

    st.say("TTL study: scenarios/change-ip-failover.yaml, the record's TTL from 10s to 10m40s")
    d = st.sweep("ttl", TTL_SCENARIO, [(TTL_KEY, TTL_VALUES)], reps)
    st.note("plot_sweep.py: downtime and queries against the TTL")
    plot_sweep.main([d, "--out", os.path.join(st.out, "ttl"), "--xlabel", "the record's TTL",
                     "--title", f"change-IP failover: {reps} replications per TTL, seed 1"])
    doc = fsplot.load_json(os.path.join(d, "sweep.json"))
    st.say(f"{reps} replications per TTL, seed {doc['sweep']['seed']}; mean ± 95% CI over the replications")
    rows = [["TTL", "downtime.mean", "downtime.p50", "downtime.p95", "authoritative queries"]]
    for c in doc["configurations"]:
        ms = c["metrics"]
        rows.append([c["params"][TTL_KEY], dur(*stat(ms, "downtime.mean")), dur(*stat(ms, "downtime.p50")),
                     dur(*stat(ms, "downtime.p95")), num(*stat(ms, "dns.authoritative_queries"))])
    st.lines += table(rows)

    g = st.sweep("grid", TTL_SCENARIO, [(k, v) for k, v, _, _ in GRID], reps)
    st.note("tornado.py: one at a time around the shipped values, and main effects")
    baseline = [f"{k}={b}" for k, _, b, _ in GRID]
    doc_t, metric, rows_t, centre, label, mode = tornado.analyse(g, "downtime.mean", baseline)
    tornado.draw(fsplot.pyplot(), os.path.join(st.out, "tornado"), doc_t, metric, rows_t, centre, label, mode,
                 {k: name for k, _, _, name in GRID})
    dims = " x ".join(str(len(p["values"])) for p in doc_t["sweep"]["params"])
    st.say()
    st.say(f"Tornado: a grid of {dims} = {doc_t['sweep']['configurations']} configurations, "
           f"{reps} replications each")
    st.say("one at a time, the others at the shipped values:")
    st.lines += tornado.table_lines(doc_t, metric, rows_t, centre, label)[1:]
    doc_m, metric, rows_m, centre_m, label_m, _ = tornado.analyse(g, "downtime.mean", ())
    st.say("main effects, each parameter averaged over the others:")
    st.lines += tornado.table_lines(doc_m, metric, rows_m, centre_m, label_m)[1:]


def run_variant_reps(st, name, scenario, reps):
    """failsim run SCENARIO --rep r for r < reps, each into DATA/runs/NAME/rNNNN."""
    base = os.path.join(st.data, "runs", name)
    dirs = [os.path.join(base, f"r{r:04d}") for r in range(reps)]
    with ThreadPoolExecutor(max_workers=st.jobs or os.cpu_count() or 1) as pool:
        list(pool.map(lambda rd: st.failsim_cmd("run", scenario, "--rep", str(rd[0]), "--out", rd[1]),
                      enumerate(dirs)))
    return base


def retain_vs_change_study(st, reps):
    import plot_compare
    import plot_sweep

    st.say("Retain-IP versus change-IP: " + ", ".join(f for _, f, _, _ in VARIANTS))
    c = os.path.join(st.data, "compare")
    st.note(f"failsim compare, {reps} replications")
    st.failsim_cmd("compare", *[f for _, f, _, _ in VARIANTS], "--reps", str(reps), "--out", c)
    runs = []
    for name, f, _, _ in VARIANTS:
        st.note(f"failsim run {f} --rep 0..{reps - 1}")
        runs.append(f"{name}={run_variant_reps(st, os.path.basename(f)[:-5], f, reps)}")
    st.note("plot_compare.py: CDF, recovery curve, budget, means")
    renames = [f"--rename={os.path.basename(f)[:-5]}={name}" for name, f, _, _ in VARIANTS]
    plot_compare.main(["--out", st.out + os.sep, "--compare", c, *renames, *runs])

    doc = fsplot.load_json(os.path.join(c, "compare.json"))
    names = [v["name"] for v in doc["variants"]]
    labels = dict(zip(names, [n for n, _, _, _ in VARIANTS]))
    st.say(f"{reps} replications per variant, seed {doc['experiment']['seed']}, paired by replication; "
           "mean ± 95% CI; differences are to the first")
    rows = [["metric"] + [labels[n] for n in names]]
    for metric, fmt in [("downtime.mean", dur), ("downtime.p50", dur), ("downtime.p95", dur), ("window", dur),
                        ("affected", num), ("dns.authoritative_queries", num)]:
        m = doc["metrics"].get(metric)
        if not m:
            continue
        rows.append([metric] + [fmt(m["variants"][n]["mean"],
                                    None if m["variants"][n].get("ci95_high") is None
                                    else m["variants"][n]["ci95_high"] - m["variants"][n]["mean"]) for n in names])
        diffs = m.get("differences", {})
        rows.append(["  difference"] + ["-"] + [
            fmt(diffs[n]["mean"], None if diffs[n].get("ci95_high") is None else diffs[n]["ci95_high"] - diffs[n]["mean"])
            if n in diffs else "-" for n in names[1:]])
    st.lines += table(rows)
    pooled = doc.get("pooled", {})
    rows = [["pooled over clients"] + [labels[n] for n in names]]
    for q in ("p50_s", "p95_s", "p99_s"):
        rows.append([q[:-2]] + [dur(next(iter(pooled.get(n, {}).values()), {}).get(q)) for n in names])
    st.lines += table(rows)
    st.say()
    st.say(f"downtime budget: mean seconds per affected client and phase, mean over {reps} runs")
    budgets = []
    for arg in runs:
        name, _, d = arg.partition("=")
        b, n = plot_compare.budget(plot_compare.Variant(name, d), "app")
        budgets.append((name, b))
    phases = [p for p in fsplot.PHASES if any(b.get(p, 0) > 0 for _, b in budgets)]
    rows = [["phase"] + [n for n, _ in budgets]]
    for p in phases + ["total"]:
        rows.append([p] + [f"{(sum(b.values()) if p == 'total' else b.get(p, 0.0)):.1f}" for _, b in budgets])
    st.lines += table(rows)

    st.say()
    st.say(f"Warm standby (boot 0s): downtime.mean against the recovery action's time, {reps} replications")
    sweeps = []
    for name, f, at_key, boot_key in VARIANTS:
        sweeps.append((name, st.sweep(f"warm-{os.path.basename(f)[:-5]}", f, [(at_key, ACTION_TIMES)], reps,
                                      [f"{boot_key}=0s"])))
        if name == "retain-IP":
            sweeps.append(("retain-IP, BFD", st.sweep("warm-retain-ip-bfd", f, [(at_key, ACTION_TIMES)], reps,
                                                      [f"{boot_key}=0s", *BFD])))
    st.note("plot_sweep.py: downtime against the recovery action's time")
    plot_sweep.main([f"{n}={d}" for n, d in sweeps] + [
        "--out", os.path.join(st.out, "warm-standby"), "--metric", "downtime.mean", "--load", "none",
        "--xlabel", "the recovery action's time (the primary is lost at 10m)", "--legend", "upper left",
        "--title", f"warm standby (boot 0s): {reps} replications per point, seed 1"])
    rows = [["action at"] + [n for n, _ in sweeps]]
    docs = [fsplot.load_json(os.path.join(d, "sweep.json")) for _, d in sweeps]
    for i, v in enumerate(ACTION_TIMES.split(",")):
        rows.append([v] + [dur(*stat(dd["configurations"][i]["metrics"], "downtime.mean")) for dd in docs])
    st.lines += table(rows)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[2:]))
    ap.add_argument("study", choices=["ttl", "retain-vs-change"], help="which study")
    ap.add_argument("--out", required=True, metavar="DIR", help="where the figures and numbers.txt go")
    ap.add_argument("--failsim", metavar="PATH", help="the failsim program (default: $FAILSIM, build/failsim, PATH)")
    ap.add_argument("--data", metavar="DIR", help="keep the simulations' results in DIR (new or empty)")
    ap.add_argument("--reps", type=int, default=40, metavar="R",
                    help="replications of every configuration and variant (default 40)")
    ap.add_argument("--jobs", type=int, metavar="N", help="failsim's threads (the results do not depend on it)")
    args = ap.parse_args(argv)
    if args.reps < 2:
        ap.error("--reps must be at least 2 (a confidence interval needs two replications)")
    fsplot.pyplot()  # matplotlib missing: say so now, before minutes of simulation
    st = Study(args)
    try:
        # The plotting scripts list the files they write on stdout; here stdout is numbers.txt.
        with contextlib.redirect_stdout(sys.stderr):
            if args.study == "ttl":
                ttl_study(st, args.reps)
            else:
                retain_vs_change_study(st, args.reps)
        st.write_numbers()
    finally:
        st.finish()
    st.note(f"done: figures and numbers.txt in {args.out}")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
