"""fsplot.py: what the plotting scripts of analysis/ share. Not a script of its own.

- reading failsim's result files, with one-line errors that name the file (no traceback);
- matplotlib with the Agg backend, set up so that the same data give the same bytes: fixed
  metadata (no date), a fixed SVG hash salt, text drawn as paths;
- writing a figure as PNG and SVG, each to a temporary name renamed over the target;
- Student's t quantile (the 95% intervals of differences the scripts compute themselves), in
  the standard library, so that no SciPy is needed.

matplotlib and numpy come from Debian (python3-matplotlib, python3-numpy; scripts/install-deps.sh).
"""
import csv
import json
import math
import os
import sys

PROG = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "analysis"

# The budget phases in the order docs/model-dns.md lists them, with a colour each (the same
# in every figure, so that a reader learns them once).
PHASES = ["detection", "orchestration", "boot", "routing", "dns_update", "dns", "dns_violation",
          "retry", "other"]
PHASE_COLOURS = {"detection": "#7f7f7f", "orchestration": "#bcbd22", "boot": "#1f77b4",
                 "routing": "#2ca02c", "dns_update": "#9467bd", "dns": "#ff7f0e",
                 "dns_violation": "#d62728", "retry": "#8c564b", "other": "#e377c2"}
# Series colours (matplotlib's tab10, without the budget's grey).
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#17becf", "#bcbd22", "#7f7f7f"]


def die(msg):
    """Ends the script with a one-line message on stderr and status 1."""
    sys.exit(f"{msg}")


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        die(f"{path}: error: cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        die(f"{path}:{e.lineno}:{e.colno}: error: not JSON: {e.msg}")
    except UnicodeDecodeError:
        die(f"{path}: error: not UTF-8 text")


def read_csv(path, need=()):
    """The rows of a CSV file as dicts; `need` names columns that must be there."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            fields = reader.fieldnames or []
    except OSError as e:
        die(f"{path}: error: cannot read: {e.strerror}")
    except (UnicodeDecodeError, csv.Error) as e:
        die(f"{path}: error: not a CSV file ({e})")
    missing = [c for c in need if c not in fields]
    if missing:
        die(f"{path}: error: no column {', '.join(repr(c) for c in missing)}: not the file failsim writes")
    return rows


def check_format(path, doc, what):
    """Refuses a JSON file that is not failsim's, or of a format this script does not know."""
    if not isinstance(doc, dict) or not isinstance(doc.get("failsim"), dict):
        die(f"{path}: error: not a failsim {what}")
    if doc["failsim"].get("format") != 1:
        die(f"{path}: error: unknown {what} format {doc['failsim'].get('format')!r}")


def number(v):
    """A JSON or CSV value as a float, or None when there is none."""
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def pyplot():
    """matplotlib.pyplot on Agg, set up for reproducible bytes; a clear error without it."""
    try:
        import matplotlib
        import numpy  # noqa: F401  (matplotlib needs it: say so here, in one line, if it is missing)
    except ImportError as e:
        hint = ""
        if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
            hint = " (or run the script with /usr/bin/python3, which Debian's packages are for)"
        die(f"{PROG}: error: {sys.executable} cannot import {e.name}: install python3-matplotlib "
            f"and python3-numpy (scripts/install-deps.sh){hint}")
    matplotlib.use("Agg")
    matplotlib.rcParams.update({
        "svg.hashsalt": "failsim",       # ids in the SVG from a fixed salt, not a random one
        "svg.fonttype": "path",          # text as paths: no dependence on the reader's fonts
        "font.family": "DejaVu Sans",    # shipped with matplotlib: the same glyphs everywhere
        "font.size": 9,
        "axes.titlesize": 10,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "legend.fontsize": 8,
        "legend.framealpha": 0.9,
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "path.simplify": False,
    })
    import matplotlib.pyplot as plt
    return plt


def _write_atomically(path, write):
    tmp = f"{path}.tmp{os.getpid()}"
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        die(f"{path}: error: cannot write: {e.strerror}")


def save(fig, base):
    """Writes base.png and base.svg (the directory is created), the same bytes for the same data."""
    plt = pyplot()
    directory = os.path.dirname(base)
    if directory:
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as e:
            die(f"{directory}: error: cannot create: {e.strerror}")
    _write_atomically(base + ".png", lambda p: fig.savefig(p, format="png", metadata={"Date": None}))
    _write_atomically(base + ".svg", lambda p: fig.savefig(
        p, format="svg", metadata={"Date": None, "Creator": "failsim analysis/"}))
    plt.close(fig)
    return [base + ".png", base + ".svg"]


def out_prefix(value):
    """--out PREFIX: a path prefix (docs/figures/ttl/ttl); a directory alone gets no prefix."""
    if value.endswith(os.sep) or os.path.isdir(value):
        return os.path.join(value, "")
    return value


def figure_path(prefix, name):
    if prefix.endswith(os.sep) or prefix == "":
        return prefix + name
    return f"{prefix}-{name}"


# Student's t distribution, for the 95% intervals of differences (paired over replications).
def _betacf(a, b, x):
    """The continued fraction of the incomplete beta function (Numerical Recipes, betacf)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        de = d * c
        h *= de
        if abs(de - 1.0) < 1e-15:
            break
    return h


def _betai(a, b, x):
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lbt = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1.0 - x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(lbt) * _betacf(a, b, x) / a
    return 1.0 - math.exp(lbt) * _betacf(b, a, 1.0 - x) / b


def t_cdf(t, df):
    x = df / (df + t * t)
    tail = 0.5 * _betai(df / 2.0, 0.5, x)
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p, df):
    """The p quantile of Student's t with df degrees of freedom (0.5 < p < 1), by bisection."""
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def mean_ci(values, confidence=0.95):
    """(mean, half-width of its interval, n); half-width None for fewer than 2 values."""
    n = len(values)
    if n == 0:
        return None, None, 0
    mean = sum(values) / n
    if n < 2:
        return mean, None, n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    return mean, t_quantile(0.5 + confidence / 2.0, n - 1) * sd / math.sqrt(n), n


def seconds_axis(max_seconds):
    """(divisor, unit label) to show durations up to max_seconds: minutes from 2 minutes up."""
    return (60.0, "min") if max_seconds is not None and max_seconds >= 120 else (1.0, "s")


def fmt_duration(s):
    """Seconds as failsim prints them, to the tenth: 4m26.6s, 9.5s."""
    if s is None:
        return "-"
    sign = "-" if s < 0 else ""
    s = abs(s)
    h, rest = divmod(round(s * 10), 36000)
    m, rest = divmod(rest, 600)
    sec = rest / 10
    out = ""
    if h:
        out += f"{h}h"
    if m or h:
        out += f"{m}m"
    if sec or not out:
        out += f"{sec:g}s"
    return sign + out
