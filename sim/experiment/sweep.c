/* sweep.c: parameter sweeps: value lists and ranges, the configurations of a product of
 * parameters, and a runner that spreads their replications over a thread pool.
 *
 * The runner loads a configuration's scenario in the calling thread when its first run is
 * started and frees it when its last run has finished, so a sweep of many configurations keeps
 * only a few in memory; runs are started a few at a time ahead of the threads, which is what
 * lets the caller stop starting them (Ctrl-C) and still see every run that was started. */
#include "failsim/sweep.h"
#include "experiment-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "failsim/estimate.h"
#include "failsim/sim.h"

G_DEFINE_QUARK (fs-sweep-error-quark, fs_sweep_error)

struct FsSweep {
  const FsScenario *base;       /* borrowed */
  char *text;                   /* the base file's bytes, read once */
  gsize len;
  GPtrArray *params;            /* FsSweepParam * */
  FsSweepOptions options;
  guint n_configs;
  FsTime *horizons;             /* [n_configs] */
  FsMemoryEstimate *estimates;  /* [n_configs]: a --param may change a count */
};

/* --- values and ranges --------------------------------------------------------------------------- */

static const guint64 pow10[] = {
  1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL, 100000000ULL,
  1000000000ULL,
};

#define MAX_DECIMALS 9

/* A plain decimal number ("3", "-0.25"): its digits as an integer and how many of them follow
 * the point. FALSE for anything else: a unit, an exponent, more than 9 decimals, too many
 * digits. */
static gboolean
parse_decimal (const char *text, gint64 *mantissa, guint *decimals)
{
  const char *p = text;
  gboolean negative = FALSE, point = FALSE, digits = FALSE;
  guint64 m = 0;
  guint d = 0;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  for (; *p != '\0'; p++)
    {
      if (*p == '.' && !point)
        {
          point = TRUE;
          continue;
        }
      if (!g_ascii_isdigit (*p) || m > (guint64) (G_MAXINT64 / 100))
        return FALSE;
      m = m * 10 + (guint64) (*p - '0');
      digits = TRUE;
      d += point;
    }
  if (!digits || d > MAX_DECIMALS)
    return FALSE;
  *mantissa = negative ? -(gint64) m : (gint64) m;
  *decimals = d;
  return TRUE;
}

/* @m with @from decimals rescaled to @to >= @from decimals; FALSE on overflow. */
static gboolean
rescale (gint64 m, guint from, guint to, gint64 *out)
{
  gint64 f = (gint64) pow10[to - from];

  if (m > G_MAXINT64 / 100 / f || m < -(G_MAXINT64 / 100 / f))
    return FALSE;
  *out = m * f;
  return TRUE;
}

static char *
format_scaled (gint64 v, guint decimals)
{
  guint64 a = v < 0 ? (guint64) -v : (guint64) v;

  if (decimals == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, v);
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%0*" G_GUINT64_FORMAT, v < 0 ? "-" : "",
                          a / pow10[decimals], (int) decimals, a % pow10[decimals]);
}

static gboolean
range_error (GError **error, const char *item, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
range_error (GError **error, const char *item, const char *format, ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_PARAM, "'%s': %s", item, why);
  return FALSE;
}

static gboolean
too_many (GError **error, const char *item, GPtrArray *out)
{
  if (out->len <= FS_SWEEP_MAX_RUNS)
    return FALSE;
  range_error (error, item, "more than %d values", FS_SWEEP_MAX_RUNS);
  return TRUE;
}

/* "A..B+S" and "A..B*F" on plain numbers: the sums exactly, in integers scaled by the most
 * decimals of the terms (0.1..0.5+0.1 is 1..5 tenths), the products in doubles, written in at
 * most 15 significant digits, so 0.1 x 3 is 0.3. */
static gboolean
expand_numbers (const char *item, const char *a, const char *b, char op, const char *step,
                GPtrArray *out, GError **error)
{
  gint64 ma, mb, ms;
  guint da, db, ds, d;

  if (!parse_decimal (a, &ma, &da) || !parse_decimal (b, &mb, &db))
    return FALSE;   /* not numbers: the caller tries durations */
  if (op == '*')
    {
      double x = g_ascii_strtod (a, NULL), end = g_ascii_strtod (b, NULL), f;
      char *rest = NULL;

      f = g_ascii_strtod (step, &rest);
      if (rest == step || *rest != '\0' || !isfinite (f) || f <= 1)
        return range_error (error, item, "the factor after '*' must be a number above 1, such as 2");
      if (x <= 0)
        return range_error (error, item, "a range that multiplies must start above 0");
      if (end < x)
        return range_error (error, item, "it ends (%s) before it starts (%s)", b, a);
      /* A relative slack of 1e-12 keeps the end when it is hit in decimal but not quite in binary
       * (0.001..1*10). */
      for (; x <= end * (1 + 1e-12); x *= f)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          g_ptr_array_add (out, g_strdup (g_ascii_formatd (buf, sizeof buf, "%.15g", x)));
          if (too_many (error, item, out))
            return FALSE;
        }
      return TRUE;
    }
  if (!parse_decimal (step, &ms, &ds))
    return range_error (error, item, "the step after '+' must be a plain number, such as +3");
  d = MAX (da, MAX (db, ds));
  if (!rescale (ma, da, d, &ma) || !rescale (mb, db, d, &mb) || !rescale (ms, ds, d, &ms))
    return range_error (error, item, "a number with too many digits");
  if (ms <= 0)
    return range_error (error, item, "the step after '+' must be above 0");
  if (mb < ma)
    return range_error (error, item, "it ends (%s) before it starts (%s)", b, a);
  for (;;)
    {
      g_ptr_array_add (out, format_scaled (ma, d));
      if (too_many (error, item, out))
        return FALSE;
      if (ma > mb - ms)
        return TRUE;
      ma += ms;
    }
}

/* "A..B+S" and "A..B*F" on durations, in whole nanoseconds. */
static gboolean
expand_durations (const char *item, const char *a, const char *b, char op, const char *step,
                  GPtrArray *out, GError **error)
{
  g_autoptr (GError) local = NULL;
  FsTime ta, tb, ts = 0, t;
  double f = 0;

  if (!fs_time_parse (a, &ta, &local) || !fs_time_parse (b, &tb, &local))
    return range_error (error, item, "the ends of a range must both be durations (10s..10m) or "
                        "both plain numbers (1..10): %s", local->message);
  if (tb < ta)
    return range_error (error, item, "it ends (%s) before it starts (%s)", b, a);
  if (op == '*')
    {
      char *rest = NULL;

      f = g_ascii_strtod (step, &rest);
      if (rest == step || *rest != '\0' || !isfinite (f) || f <= 1)
        return range_error (error, item, "the factor after '*' must be a number above 1, such as 2");
      if (ta <= 0)
        return range_error (error, item, "a range that multiplies must start above 0");
    }
  else if (!fs_time_parse (step, &ts, &local))
    return range_error (error, item, "the step after '+' in a range of durations must be a "
                        "duration, such as +30s: %s", local->message);
  else if (ts <= 0)
    return range_error (error, item, "the step after '+' must be above 0");

  for (t = ta; t <= tb;)
    {
      g_ptr_array_add (out, fs_time_to_string (t));
      if (too_many (error, item, out))
        return FALSE;
      if (op == '+')
        {
          if (t > tb - ts)
            break;
          t += ts;
        }
      else
        {
          double next = (double) t * f;
          FsTime n;

          if (next > (double) tb * (1 + 1e-12) || next >= (double) FS_TIME_MAX)
            break;
          /* An exact product when the factor is whole (10s x 2 is 20s to the nanosecond). */
          n = f == floor (f) && f < 1e9 && t <= tb / (FsTime) f ? t * (FsTime) f : (FsTime) llround (next);
          if (n <= t)
            return range_error (error, item, "the factor %s does not make it grow at %s (the "
                                "next value rounds to the same nanosecond)", step,
                                (const char *) g_ptr_array_index (out, out->len - 1));
          t = n;
        }
    }
  return TRUE;
}

static gboolean
expand_range (const char *item, const char *dots, GPtrArray *out, GError **error)
{
  g_autofree char *a = g_strstrip (g_strndup (item, (gsize) (dots - item)));
  const char *rest = dots + 2;
  const char *op = strpbrk (rest, "*+");
  g_autofree char *b = NULL, *step = NULL;
  gint64 m;
  guint d;

  if (op == NULL)
    return range_error (error, item, "a range needs a step: A..B*F multiplies by F (10s..640s*2), "
                        "A..B+S adds S (1..10+3)");
  b = g_strstrip (g_strndup (rest, (gsize) (op - rest)));
  step = g_strstrip (g_strdup (op + 1));
  if (*a == '\0' || *b == '\0' || *step == '\0')
    return range_error (error, item, "a range is A..B*F or A..B+S, each of A, B and the step "
                        "given (10s..640s*2, 1..10+3)");
  if (parse_decimal (a, &m, &d) && parse_decimal (b, &m, &d))
    return expand_numbers (item, a, b, *op, step, out, error);
  return expand_durations (item, a, b, *op, step, out, error);
}

/* @text split at the commas outside parentheses, so a distribution's own commas stay in it:
 * "constant(30s),lognormal(90s, 30s)" is two items. */
static GPtrArray *
split_items (const char *text)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
  const char *start = text, *p;
  int depth = 0;

  for (p = text;; p++)
    {
      if (*p == '(')
        depth++;
      else if (*p == ')' && depth > 0)
        depth--;
      else if ((*p == ',' && depth == 0) || *p == '\0')
        {
          g_ptr_array_add (items, g_strstrip (g_strndup (start, (gsize) (p - start))));
          if (*p == '\0')
            return items;
          start = p + 1;
        }
    }
}

GPtrArray *
fs_sweep_values_parse (const char *text, GError **error)
{
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) items = NULL;
  guint i;

  g_return_val_if_fail (text != NULL, NULL);
  items = split_items (text);
  for (i = 0; i < items->len; i++)
    {
      const char *item = g_ptr_array_index (items, i);
      const char *dots = strstr (item, "..");

      if (*item == '\0')
        {
          g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_PARAM,
                       "'%s': an empty value (two commas in a row, or one at an end)", text);
          return NULL;
        }
      if (dots != NULL)
        {
          if (!expand_range (item, dots, values, error))
            return NULL;
        }
      else
        g_ptr_array_add (values, g_strdup (item));
      if (values->len > FS_SWEEP_MAX_RUNS)
        {
          g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_PARAM, "'%s': more than %d values",
                       text, FS_SWEEP_MAX_RUNS);
          return NULL;
        }
    }
  for (i = 0; i < values->len; i++)
    if (!g_hash_table_add (seen, g_ptr_array_index (values, i)))
      {
        g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_PARAM, "'%s': the value %s is given twice",
                     text, (const char *) g_ptr_array_index (values, i));
        return NULL;
      }
  return g_steal_pointer (&values);
}

FsSweepParam *
fs_sweep_param_parse (const char *spec, GError **error)
{
  g_autoptr (FsSweepParam) p = g_new0 (FsSweepParam, 1);
  const char *eq;
  gboolean has_unit = FALSE, all_durations = TRUE;
  guint i;

  g_return_val_if_fail (spec != NULL, NULL);
  eq = strchr (spec, '=');
  p->key = eq ? g_strstrip (g_strndup (spec, (gsize) (eq - spec))) : NULL;
  if (eq == NULL || *p->key == '\0' || eq[1] == '\0')
    {
      g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_PARAM,
                   "expected KEY=VALUES: a --set path and a comma list of values or ranges, such "
                   "as zones.0.records.0.ttl=30s,60s,300s or zones.0.records.0.ttl=10s..640s*2");
      return NULL;
    }
  if ((p->values = fs_sweep_values_parse (eq + 1, error)) == NULL)
    return NULL;
  for (i = 0; i < p->values->len && all_durations; i++)
    {
      const char *v = g_ptr_array_index (p->values, i);
      gint64 m;
      guint d;
      FsTime t;

      all_durations = fs_time_parse (v, &t, NULL);
      has_unit |= !parse_decimal (v, &m, &d);
    }
  if (all_durations && has_unit)
    {
      p->durations = TRUE;
      p->seconds = g_new (double, p->values->len);
      for (i = 0; i < p->values->len; i++)
        {
          FsTime t = 0;

          fs_time_parse (g_ptr_array_index (p->values, i), &t, NULL);
          p->seconds[i] = fs_time_to_seconds (t);
        }
    }
  return g_steal_pointer (&p);
}

void
fs_sweep_param_free (FsSweepParam *p)
{
  if (p == NULL)
    return;
  g_free (p->key);
  if (p->values != NULL)
    g_ptr_array_unref (p->values);
  g_free (p->seconds);
  g_free (p);
}

/* --- sweeps -------------------------------------------------------------------------------------- */

FsSweep *
fs_sweep_new (const FsScenario *base, GPtrArray *params, const FsSweepOptions *opt, GError **error)
{
  g_autoptr (FsSweep) sw = g_new0 (FsSweep, 1);
  g_autoptr (GString) sizes = g_string_new (NULL);
  g_autoptr (GError) local = NULL;
  g_autofree char *sha = NULL;
  double product = 1;
  guint i, j, c;

  g_return_val_if_fail (base != NULL && params != NULL && opt != NULL && opt->reps >= 1, NULL);
  sw->base = base;
  sw->params = params;
  g_ptr_array_set_free_func (params, (GDestroyNotify) fs_sweep_param_free);
  sw->options = *opt;

  for (i = 0; i < params->len; i++)
    {
      const FsSweepParam *p = g_ptr_array_index (params, i);

      for (j = 0; j < i; j++)
        if (strcmp (p->key, ((const FsSweepParam *) g_ptr_array_index (params, j))->key) == 0)
          {
            g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_PARAM,
                         "%s is swept twice; give all its values in one --param", p->key);
            return NULL;
          }
      product *= p->values->len;
      g_string_append_printf (sizes, "%s%u", i ? " x " : "", p->values->len);
    }
  if (product * opt->reps > FS_SWEEP_MAX_RUNS)
    {
      g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_SIZE,
                   "%s = %.0f configuration%s x %u replication%s is %.0f runs; a sweep is limited "
                   "to %d runs: use fewer values or replications, or split the sweep", sizes->str,
                   product, product == 1 ? "" : "s", opt->reps, opt->reps == 1 ? "" : "s",
                   product * opt->reps, FS_SWEEP_MAX_RUNS);
      return NULL;
    }
  sw->n_configs = (guint) product;

  /* Every configuration comes from these bytes; they must be the ones @base was loaded from. */
  if (!g_file_get_contents (fs_scenario_path (base), &sw->text, &sw->len, &local))
    {
      g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_CONFIG, "%s: error: cannot read: %s",
                   fs_scenario_path (base), local->message);
      return NULL;
    }
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) sw->text, sw->len);
  if (strcmp (sha, fs_scenario_sha256 (base)) != 0)
    {
      g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_CONFIG,
                   "%s: error: the file changed while it was being read; run the sweep again",
                   fs_scenario_path (base));
      return NULL;
    }

  sw->horizons = g_new (FsTime, sw->n_configs);
  sw->estimates = g_new (FsMemoryEstimate, sw->n_configs);
  for (c = 0; c < sw->n_configs; c++)
    {
      g_autoptr (FsScenario) sc = fs_sweep_config_load (sw, c, error);

      if (sc == NULL)
        return NULL;
      sw->horizons[c] = opt->until >= 0 ? opt->until : fs_scenario_duration (sc);
      fs_scenario_estimate_memory (sc, &sw->estimates[c]);
    }
  return g_steal_pointer (&sw);
}

void
fs_sweep_free (FsSweep *sw)
{
  if (sw == NULL)
    return;
  g_free (sw->text);
  if (sw->params != NULL)
    g_ptr_array_unref (sw->params);
  g_free (sw->horizons);
  g_free (sw->estimates);
  g_free (sw);
}

const FsScenario *
fs_sweep_base (const FsSweep *sw)
{
  return sw->base;
}

const FsSweepOptions *
fs_sweep_options (const FsSweep *sw)
{
  return &sw->options;
}

guint
fs_sweep_n_params (const FsSweep *sw)
{
  return sw->params->len;
}

const FsSweepParam *
fs_sweep_param (const FsSweep *sw, guint p)
{
  g_return_val_if_fail (p < sw->params->len, NULL);
  return g_ptr_array_index (sw->params, p);
}

guint
fs_sweep_n_configs (const FsSweep *sw)
{
  return sw->n_configs;
}

const FsMemoryEstimate *
fs_sweep_config_estimate (const FsSweep *sw, guint c)
{
  g_return_val_if_fail (c < sw->n_configs, NULL);
  return &sw->estimates[c];
}

guint64
fs_sweep_n_runs (const FsSweep *sw)
{
  return (guint64) sw->n_configs * sw->options.reps;
}

guint
fs_sweep_config_value (const FsSweep *sw, guint c, guint p)
{
  guint i;

  g_return_val_if_fail (c < sw->n_configs && p < sw->params->len, 0);
  /* The last parameter varies fastest: c is a number whose digits are the value indices. */
  for (i = sw->params->len - 1; i > p; i--)
    c /= ((const FsSweepParam *) g_ptr_array_index (sw->params, i))->values->len;
  return c % ((const FsSweepParam *) g_ptr_array_index (sw->params, p))->values->len;
}

static const char *
config_text (const FsSweep *sw, guint c, guint p)
{
  const FsSweepParam *param = g_ptr_array_index (sw->params, p);

  return g_ptr_array_index (param->values, fs_sweep_config_value (sw, c, p));
}

char *
fs_sweep_config_label (const FsSweep *sw, guint c)
{
  GString *s = g_string_new (NULL);
  guint p;

  for (p = 0; p < sw->params->len; p++)
    g_string_append_printf (s, "%s%s=%s", p ? " " : "",
                            ((const FsSweepParam *) g_ptr_array_index (sw->params, p))->key,
                            config_text (sw, c, p));
  return g_string_free (s, FALSE);
}

FsTime
fs_sweep_config_horizon (const FsSweep *sw, guint c)
{
  g_return_val_if_fail (c < sw->n_configs, 0);
  return sw->horizons[c];
}

FsScenario *
fs_sweep_config_load (const FsSweep *sw, guint c, GError **error)
{
  g_autoptr (GPtrArray) overrides = g_ptr_array_new_with_free_func (g_free);
  const char *const *common = fs_scenario_overrides (sw->base);
  GError *local = NULL;
  FsScenario *sc;
  guint i;

  g_return_val_if_fail (c < sw->n_configs, NULL);
  for (i = 0; common[i] != NULL; i++)
    g_ptr_array_add (overrides, g_strdup (common[i]));
  for (i = 0; i < sw->params->len; i++)
    {
      const FsSweepParam *p = g_ptr_array_index (sw->params, i);

      g_ptr_array_add (overrides, g_strdup_printf ("%s=%s", p->key, config_text (sw, c, i)));
    }
  g_ptr_array_add (overrides, NULL);
  sc = fs_scenario_load_data (fs_scenario_path (sw->base), sw->text, (gssize) sw->len,
                              (const char *const *) overrides->pdata, &local);
  if (sc == NULL)
    {
      g_autofree char *label = fs_sweep_config_label (sw, c);

      g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_CONFIG, "configuration %u (%s):\n%s", c,
                   label, local->message);
      g_error_free (local);
    }
  return sc;
}

/* --- running ------------------------------------------------------------------------------------- */

typedef struct {
  guint64 run;
  guint config;
  const FsScenario *scenario;   /* borrowed from the runner's table of loaded configurations */
  uint64_t seed, replication;
  FsTime horizon;
  FsMetricSet *set;             /* the result, or NULL with @error */
  GError *error;
  /* The pool and the queue hand a task over under glib's own locks; these make the same order
   * explicit in failsim's code, where a reader, or a thread sanitizer, can see it. */
  gint filled;                  /* atomic: set by the calling thread before the push */
  gint finished;                /* atomic: set by the pool thread before the push back */
} Task;

typedef struct {
  FsScenario *scenario;
  guint64 left;                 /* runs of this configuration not yet finished */
} Loaded;

static void
loaded_free (gpointer p)
{
  Loaded *l = p;

  fs_scenario_free (l->scenario);
  g_free (l);
}

static void
task_free (Task *t)
{
  fs_metric_set_free (t->set);
  g_clear_error (&t->error);
  g_free (t);
}

/* In a pool thread: one replication, whose result goes back through the queue. */
static void
task_run (gpointer data, gpointer user_data)
{
  Task *t = data;
  GAsyncQueue *finished = user_data;
  g_autoptr (FsSim) sim = NULL;

  g_assert (g_atomic_int_get (&t->filled));
  sim = fs_sim_new (t->scenario, t->seed, t->replication, &t->error);
  if (sim != NULL)
    {
      fs_sim_run (sim, t->horizon);
      fs_sim_finish (sim);
      t->set = fs_metric_set_from_sim (sim);
      /* A sweep keeps metrics only; the per-client samples would be most of its memory. */
      fs__metric_set_drop_downtimes (t->set);
    }
  g_atomic_int_set (&t->finished, 1);
  g_async_queue_push (finished, t);
}

gboolean
fs_sweep_run (const FsSweep *sw, const guint64 *runs, gsize n, guint jobs, FsSweepDoneFunc done,
              FsSweepTickFunc tick, gpointer user_data, GError **error)
{
  g_autoptr (GAsyncQueue) finished = g_async_queue_new ();
  g_autoptr (GHashTable) loaded = g_hash_table_new_full (NULL, NULL, NULL, loaded_free);
  guint reps = sw->options.reps;
  GError *first_error = NULL;
  GThreadPool *pool;
  gboolean stopping = FALSE;
  guint in_flight = 0, ahead = MAX (jobs, 1) * 2;
  gsize next = 0, i;

  g_return_val_if_fail (sw != NULL && (runs != NULL || n == 0) && done != NULL, FALSE);
  for (i = 0; i < n; i++)
    g_return_val_if_fail (runs[i] < fs_sweep_n_runs (sw) && (i == 0 || runs[i - 1] < runs[i]), FALSE);

  pool = g_thread_pool_new (task_run, finished, (gint) MAX (jobs, 1), TRUE, NULL);
  for (;;)
    {
      Task *t;

      /* A few runs ahead of the threads, so none waits, and few to finish after a stop. */
      while (!stopping && next < n && in_flight < ahead)
        {
          guint c = (guint) (runs[next] / reps);
          Loaded *l = g_hash_table_lookup (loaded, GUINT_TO_POINTER (c + 1));

          if (l == NULL)
            {
              FsScenario *sc = fs_sweep_config_load (sw, c, &first_error);

              if (sc == NULL)
                {
                  stopping = TRUE;
                  break;
                }
              l = g_new0 (Loaded, 1);
              l->scenario = sc;
              for (i = next; i < n && runs[i] / reps == c; i++)
                l->left++;
              g_hash_table_insert (loaded, GUINT_TO_POINTER (c + 1), l);
            }
          t = g_new0 (Task, 1);
          t->run = runs[next];
          t->config = c;
          t->scenario = l->scenario;
          t->seed = sw->options.seed;
          t->replication = runs[next] % reps;
          t->horizon = sw->horizons[c];
          g_atomic_int_set (&t->filled, 1);
          g_thread_pool_push (pool, t, NULL);
          in_flight++;
          next++;
        }
      if (in_flight == 0)
        break;

      t = g_async_queue_timeout_pop (finished, 100 * G_TIME_SPAN_MILLISECOND);
      if (t != NULL)
        {
          Loaded *l = g_hash_table_lookup (loaded, GUINT_TO_POINTER (t->config + 1));

          g_assert (g_atomic_int_get (&t->finished));
          in_flight--;
          if (t->error != NULL)
            {
              if (first_error == NULL)
                {
                  g_autofree char *label = fs_sweep_config_label (sw, t->config);

                  g_set_error (&first_error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_BUILD,
                               "configuration %u (%s), replication %" G_GUINT64_FORMAT ": %s",
                               t->config, label, t->replication, t->error->message);
                }
              stopping = TRUE;
            }
          else
            done (t->run, g_steal_pointer (&t->set), user_data);
          if (--l->left == 0)
            g_hash_table_remove (loaded, GUINT_TO_POINTER (t->config + 1));
          task_free (t);
        }
      if (tick != NULL && !tick (user_data))
        stopping = TRUE;
    }
  g_thread_pool_free (pool, FALSE, TRUE);
  if (first_error != NULL)
    {
      g_propagate_error (error, first_error);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
fs_sweep_experiments (const FsSweep *sw, GPtrArray *sets)
{
  GPtrArray *experiments = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_experiment_free);
  guint reps = sw->options.reps;
  guint c, r;

  g_return_val_if_fail (sets != NULL && sets->len == fs_sweep_n_runs (sw), experiments);
  for (c = 0; c < sw->n_configs; c++)
    {
      FsExperimentOptions opt = { sw->options.seed, 0, reps, 1, sw->horizons[c], NULL };
      GPtrArray *mine = g_ptr_array_new_full (reps, (GDestroyNotify) fs_metric_set_free);

      for (r = 0; r < reps; r++)
        {
          g_assert (g_ptr_array_index (sets, c * reps + r) != NULL);
          g_ptr_array_add (mine, g_steal_pointer (&g_ptr_array_index (sets, c * reps + r)));
        }
      g_ptr_array_add (experiments, fs_experiment_new_from_sets (NULL, &opt, mine));
    }
  g_ptr_array_unref (sets);
  return experiments;
}
