/* experiment.c: R replications of a scenario on a thread pool, the statistics over them, and
 * paired differences between variants.
 *
 * Each replication builds its own FsSim from the shared FsScenario, which nothing in the build
 * or run path writes to (the section specs are read through const pointers, distributions are
 * sampled from the replication's own generators, and the registry is filled once under a
 * GOnce), so replications run concurrently without a lock. Results land in a slot per
 * replication and are summarised in replication order after every thread has joined, so the
 * numbers, to the last bit, do not depend on the number of threads. */
#include "failsim/experiment.h"
#include "experiment-private.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct FsExperiment {
  const FsScenario *scenario;   /* borrowed; may be NULL */
  FsExperimentOptions options;
  GPtrArray *sets;              /* FsMetricSet *, by replication */
  GArray *summaries;            /* FsSummary, names borrowed from the sets */
  GHashTable *index;            /* name -> position + 1 in summaries */
  GArray *pooled;               /* FsPooled, service names borrowed from the sets */
};

/* --- statistics ---------------------------------------------------------------------------------- */

double
fs_stats_t975 (guint df)
{
  g_return_val_if_fail (df >= 1, NAN);
  return gsl_cdf_tdist_Pinv (0.975, (double) df);
}

void
fs_summary_compute (FsSummary *s, const double *x, guint n)
{
  double sum = 0, ss = 0;
  guint i;

  s->n = n;
  s->mean = s->sd = s->ci95_half = s->min = s->max = NAN;
  if (n == 0)
    return;
  s->min = s->max = x[0];
  for (i = 0; i < n; i++)
    {
      sum += x[i];
      s->min = MIN (s->min, x[i]);
      s->max = MAX (s->max, x[i]);
    }
  s->mean = sum / n;
  if (n < 2)
    return;
  /* Two passes: the squares of deviations from the mean, not the difference of two large
   * sums, which loses every digit when the values are large and close (a downtime of 3000 s
   * that varies by milliseconds). */
  for (i = 0; i < n; i++)
    ss += (x[i] - s->mean) * (x[i] - s->mean);
  s->sd = sqrt (ss / (n - 1));
  s->ci95_half = fs_stats_t975 (n - 1) * s->sd / sqrt ((double) n);
}

/* --- running ------------------------------------------------------------------------------------- */

typedef struct {
  const FsScenario *scenario;
  const FsExperimentOptions *options;
  FsMetricSet **sets;           /* [reps], each written by the one thread that ran it */
  GError **errors;              /* [reps] */
  gint lowest_failure;          /* atomic: the lowest replication that failed, or G_MAXINT */
  gint ready;                   /* atomic: set once the batch is filled in */
  gint done;                    /* atomic: tasks finished (run, failed or skipped) */
  gint claimed;                 /* atomic: replications started; they are 0 .. claimed - 1 */
} Batch;

static gboolean
stopped (const Batch *b)
{
  return b->options->stop != NULL && g_atomic_int_get (b->options->stop);
}

/* The next replication to run, or -1 once the stop flag is up. Replications are claimed in
 * order, and every claimed one runs to its end, so a stop leaves the first m finished: an
 * experiment of its own, the one --reps m makes. */
static gint
claim (Batch *b)
{
  if (stopped (b))
    return -1;
  return g_atomic_int_add (&b->claimed, 1);
}

static void
run_one (Batch *b, guint k)
{
  g_autoptr (FsSim) sim = NULL;
  GError *error = NULL;

  /* Once a replication has failed, the ones after it need not run: the error reported is the
   * lowest one, whatever the order threads took them in. */
  if ((gint) k > g_atomic_int_get (&b->lowest_failure))
    return;
  sim = fs_sim_new (b->scenario, b->options->seed, b->options->first_replication + k, &error);
  if (sim == NULL)
    {
      gint old;

      g_prefix_error (&error, "replication %" G_GUINT64_FORMAT ": ",
                      b->options->first_replication + k);
      b->errors[k] = error;
      do
        old = g_atomic_int_get (&b->lowest_failure);
      while ((gint) k < old && !g_atomic_int_compare_and_exchange (&b->lowest_failure, old, (gint) k));
      return;
    }
  fs_sim_run (sim, b->options->horizon);
  fs_sim_finish (sim);
  b->sets[k] = fs_metric_set_from_sim (sim);
}

/* The pool hands work over under glib's own locks; the atomics make the same order explicit
 * in failsim's code (the batch is written before any task reads it, every slot before the
 * caller reads it), where a reader, or a thread sanitizer, can see it. */
static void
pool_func (gpointer data, gpointer user_data)
{
  Batch *b = user_data;
  gint k;

  g_assert (g_atomic_int_get (&b->ready));
  /* One task per replication: the task that claims no number (a stop) leaves its to nobody. */
  if ((k = claim (b)) >= 0)
    run_one (b, (guint) k);
  g_atomic_int_inc (&b->done);
}

FsExperiment *
fs_experiment_run (const FsScenario *sc, const FsExperimentOptions *opt, GError **error)
{
  Batch b = { sc, opt, NULL, NULL, G_MAXINT, 0, 0, 0 };
  g_autoptr (GPtrArray) sets = NULL;
  FsExperimentOptions ran;
  guint k, n;
  gint next;

  g_return_val_if_fail (sc != NULL && opt != NULL && opt->reps >= 1, NULL);
  g_return_val_if_fail (opt->reps < G_MAXINT, NULL);
  b.sets = g_new0 (FsMetricSet *, opt->reps);
  b.errors = g_new0 (GError *, opt->reps);
  if (opt->jobs <= 1 || opt->reps == 1)
    while ((guint) g_atomic_int_get (&b.claimed) < opt->reps && (next = claim (&b)) >= 0)
      run_one (&b, (guint) next);
  else
    {
      /* Exclusive threads, as many as jobs: a replication is seconds of CPU, so the pool's
       * overhead is nothing and sharing threads with other pools would only blur --jobs. */
      GThreadPool *pool;

      g_atomic_int_set (&b.ready, 1);
      pool = g_thread_pool_new (pool_func, &b, (gint) MIN (opt->jobs, opt->reps), TRUE, NULL);
      for (k = 0; k < opt->reps; k++)
        g_thread_pool_push (pool, GUINT_TO_POINTER (1), NULL);
      g_thread_pool_free (pool, FALSE, TRUE);   /* waits for every replication */
      g_assert ((guint) g_atomic_int_get (&b.done) == opt->reps);
    }

  n = MIN ((guint) g_atomic_int_get (&b.claimed), opt->reps);
  sets = g_ptr_array_new_full (n, (GDestroyNotify) fs_metric_set_free);
  for (k = 0; k < n; k++)
    g_ptr_array_add (sets, b.sets[k]);
  g_free (b.sets);
  if (b.lowest_failure != G_MAXINT)
    g_propagate_error (error, g_steal_pointer (&b.errors[b.lowest_failure]));
  else if (n == 0)
    g_set_error (error, FS_EXPERIMENT_ERROR, FS_EXPERIMENT_ERROR_STOPPED,
                 "stopped before the first replication started");
  for (k = 0; k < opt->reps; k++)
    g_clear_error (&b.errors[k]);
  g_free (b.errors);
  if (b.lowest_failure != G_MAXINT || n == 0)
    return NULL;   /* the slots of replications that did not run are NULL, which frees fine */
  ran = *opt;
  ran.reps = n;
  ran.stop = NULL;   /* the flag is the caller's; the experiment outlives its use */
  return fs_experiment_new_from_sets (sc, &ran, g_steal_pointer (&sets));
}

/* --- summarising --------------------------------------------------------------------------------- */

/* The union of the sets' names, each set's order kept: a name first seen in a later replication
 * goes right after the name it follows there, so S.window lands beside the other metrics of S
 * even when the first replications had no failure. */
static GPtrArray *
merge_names (const GPtrArray *sets)
{
  GPtrArray *names = g_ptr_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint k, i, j;

  for (k = 0; k < sets->len; k++)
    {
      const FsMetricSet *set = g_ptr_array_index (sets, k);
      const char *prev = NULL;

      for (i = 0; i < fs_metric_set_len (set); i++)
        {
          const char *name = fs_metric_set_get (set, i)->name;

          if (!g_hash_table_contains (seen, name))
            {
              guint at = 0;

              if (prev != NULL)
                for (j = 0; j < names->len; j++)
                  if (strcmp (g_ptr_array_index (names, j), prev) == 0)
                    {
                      at = j + 1;
                      break;
                    }
              g_ptr_array_insert (names, (gint) at, (gpointer) name);
              g_hash_table_add (seen, (gpointer) name);
            }
          prev = name;
        }
    }
  return names;
}

static int
compare_times (const void *a, const void *b)
{
  FsTime x = *(const FsTime *) a, y = *(const FsTime *) b;

  return (x > y) - (x < y);
}

/* As clients.c computes a service's quantiles in one run (gsl_stats_quantile_from_sorted_data,
 * interpolating the difference so long times stay exact), so a pooled p95 over one replication
 * is that replication's p95. */
static FsTime
quantile_of_sorted (const FsTime *x, gsize n, double f)
{
  double delta = (double) (n - 1) * f;
  gsize i = (gsize) delta;
  double frac = delta - (double) i;

  if (i + 1 >= n)
    return x[n - 1];
  return x[i] + (FsTime) (frac * (double) (x[i + 1] - x[i]) + 0.5);
}

static void
pool_downtimes (FsExperiment *e)
{
  g_autoptr (GPtrArray) services = g_ptr_array_new ();   /* names, first-seen order */
  guint k, i, s;

  for (k = 0; k < e->sets->len; k++)
    {
      const FsMetricSet *set = g_ptr_array_index (e->sets, k);

      for (i = 0; i < fs__metric_set_n_services (set); i++)
        {
          const char *name = fs__metric_set_service (set, i, NULL);
          gboolean known = FALSE;

          for (s = 0; s < services->len && !known; s++)
            known = strcmp (g_ptr_array_index (services, s), name) == 0;
          if (!known)
            g_ptr_array_add (services, (gpointer) name);
        }
    }
  for (s = 0; s < services->len; s++)
    {
      const char *name = g_ptr_array_index (services, s);
      g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (FsTime));
      FsPooled p = { name, 0, -1, -1, -1 };

      for (k = 0; k < e->sets->len; k++)
        {
          const FsMetricSet *set = g_ptr_array_index (e->sets, k);

          for (i = 0; i < fs__metric_set_n_services (set); i++)
            {
              const GArray *d;

              if (strcmp (fs__metric_set_service (set, i, &d), name) == 0)
                g_array_append_vals (all, d->data, d->len);
            }
        }
      p.clients = all->len;
      if (all->len > 0)
        {
          FsTime *x = (FsTime *) (void *) all->data;

          qsort (x, all->len, sizeof *x, compare_times);
          p.p50 = quantile_of_sorted (x, all->len, 0.50);
          p.p95 = quantile_of_sorted (x, all->len, 0.95);
          p.p99 = quantile_of_sorted (x, all->len, 0.99);
        }
      g_array_append_val (e->pooled, p);
    }
  /* The pooled array holds every sample; the sets need not keep their copies. */
  for (k = 0; k < e->sets->len; k++)
    fs__metric_set_drop_downtimes (g_ptr_array_index (e->sets, k));
}

FsExperiment *
fs_experiment_new_from_sets (const FsScenario *sc, const FsExperimentOptions *opt, GPtrArray *sets)
{
  FsExperiment *e = g_new0 (FsExperiment, 1);
  g_autoptr (GPtrArray) names = NULL;
  g_autofree double *x = NULL;
  guint i, k;

  g_return_val_if_fail (opt != NULL && sets != NULL, NULL);
  e->scenario = sc;
  e->options = *opt;
  e->options.reps = sets->len;
  e->sets = sets;
  e->summaries = g_array_new (FALSE, TRUE, sizeof (FsSummary));
  e->index = g_hash_table_new (g_str_hash, g_str_equal);
  e->pooled = g_array_new (FALSE, TRUE, sizeof (FsPooled));

  names = merge_names (sets);
  x = g_new (double, MAX (sets->len, 1));
  for (i = 0; i < names->len; i++)
    {
      FsSummary s = { g_ptr_array_index (names, i), FS_METRIC_NUMBER, 0, 0, 0, 0, 0, 0 };
      gboolean unit_known = FALSE;
      guint n = 0;

      for (k = 0; k < sets->len; k++)
        {
          const FsMetric *m = fs_metric_set_find (g_ptr_array_index (sets, k), s.name);

          if (m == NULL)
            continue;
          if (!unit_known)
            {
              s.unit = m->unit;
              unit_known = TRUE;
            }
          x[n++] = m->value;
        }
      fs_summary_compute (&s, x, n);
      g_array_append_val (e->summaries, s);
      g_hash_table_insert (e->index, (gpointer) s.name, GUINT_TO_POINTER (e->summaries->len));
    }
  pool_downtimes (e);
  return e;
}

void
fs_experiment_free (FsExperiment *e)
{
  if (e == NULL)
    return;
  g_hash_table_destroy (e->index);
  g_array_unref (e->summaries);
  g_array_unref (e->pooled);
  g_ptr_array_unref (e->sets);
  g_free (e);
}

const FsScenario *
fs_experiment_scenario (const FsExperiment *e)
{
  return e->scenario;
}

const FsExperimentOptions *
fs_experiment_options (const FsExperiment *e)
{
  return &e->options;
}

guint
fs_experiment_n_reps (const FsExperiment *e)
{
  return e->sets->len;
}

const FsMetricSet *
fs_experiment_replication (const FsExperiment *e, guint k)
{
  g_return_val_if_fail (k < e->sets->len, NULL);
  return g_ptr_array_index (e->sets, k);
}

guint
fs_experiment_n_metrics (const FsExperiment *e)
{
  return e->summaries->len;
}

const FsSummary *
fs_experiment_metric (const FsExperiment *e, guint i)
{
  g_return_val_if_fail (i < e->summaries->len, NULL);
  return &g_array_index (e->summaries, FsSummary, i);
}

const FsSummary *
fs_experiment_find (const FsExperiment *e, const char *name)
{
  guint pos = GPOINTER_TO_UINT (g_hash_table_lookup (e->index, name));

  return pos == 0 ? NULL : &g_array_index (e->summaries, FsSummary, pos - 1);
}

guint
fs_experiment_n_pooled (const FsExperiment *e)
{
  return e->pooled->len;
}

const FsPooled *
fs_experiment_pooled (const FsExperiment *e, guint i)
{
  g_return_val_if_fail (i < e->pooled->len, NULL);
  return &g_array_index (e->pooled, FsPooled, i);
}

gboolean
fs_experiment_find_pooled (const FsExperiment *e, const char *name, double *seconds)
{
  static const char *const quantiles[] = { "pooled.p50", "pooled.p95", "pooled.p99" };
  guint q, i;

  for (q = 0; q < G_N_ELEMENTS (quantiles); q++)
    {
      size_t len = strlen (name), qlen = strlen (quantiles[q]);

      if (!g_str_has_suffix (name, quantiles[q]))
        continue;
      for (i = 0; i < e->pooled->len; i++)
        {
          const FsPooled *p = &g_array_index (e->pooled, FsPooled, i);
          size_t slen = strlen (p->service);
          gboolean match = len == qlen ? e->pooled->len == 1
                                       : len == slen + 1 + qlen && name[slen] == '.'
                                         && strncmp (name, p->service, slen) == 0;
          FsTime t;

          if (!match)
            continue;
          if (p->clients == 0)
            return FALSE;
          t = q == 0 ? p->p50 : q == 1 ? p->p95 : p->p99;
          *seconds = fs_time_to_seconds (t);
          return TRUE;
        }
    }
  return FALSE;
}

/* --- paired differences -------------------------------------------------------------------------- */

gboolean
fs_experiment_difference (const FsExperiment *a, const FsExperiment *b, const char *name,
                          FsDifference *out)
{
  const FsSummary *sa, *sb;
  g_autofree double *d = NULL;
  guint k, n = 0;

  g_return_val_if_fail (a != NULL && b != NULL && name != NULL && out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  if (a->options.seed != b->options.seed
      || a->options.first_replication != b->options.first_replication
      || a->sets->len != b->sets->len)
    return FALSE;
  sa = fs_experiment_find (a, name);
  sb = fs_experiment_find (b, name);
  if (sa == NULL || sb == NULL)
    return FALSE;

  d = g_new (double, a->sets->len);
  out->identical = TRUE;
  for (k = 0; k < a->sets->len; k++)
    {
      const FsMetric *ma = fs_metric_set_find (g_ptr_array_index (a->sets, k), name);
      const FsMetric *mb = fs_metric_set_find (g_ptr_array_index (b->sets, k), name);

      if (ma == NULL || mb == NULL)
        continue;
      d[n] = mb->value - ma->value;
      out->identical &= d[n] == 0;
      n++;
    }
  if (n == 0)
    return FALSE;
  fs_summary_compute (&out->diff, d, n);
  out->diff.name = sa->name;
  out->diff.unit = sa->unit;
  out->significant = n >= 2 && !out->identical
                     && (out->diff.mean - out->diff.ci95_half > 0
                         || out->diff.mean + out->diff.ci95_half < 0);

  /* Welch's interval for the two means as if the replications were independent: what common
   * random numbers save is the gap between this and the paired interval. */
  out->welch_ci95_half = NAN;
  if (sa->n >= 2 && sb->n >= 2)
    {
      double va = sa->sd * sa->sd / sa->n, vb = sb->sd * sb->sd / sb->n;
      double se2 = va + vb;

      if (se2 == 0)
        out->welch_ci95_half = 0;
      else
        {
          double df = se2 * se2 / (va * va / (sa->n - 1) + vb * vb / (sb->n - 1));

          out->welch_ci95_half = gsl_cdf_tdist_Pinv (0.975, df) * sqrt (se2);
        }
    }
  return TRUE;
}
