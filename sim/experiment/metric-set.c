/* metric-set.c: a finished run reduced to a flat, ordered set of named numbers. */
#include "failsim/experiment.h"
#include "experiment-private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  char *name;
  GArray *downtimes;     /* FsTime, ns, one per affected client */
} ServiceSamples;

struct FsMetricSet {
  GArray *metrics;       /* FsMetric; names owned */
  GHashTable *index;     /* name (borrowed from metrics) -> position + 1 */
  GPtrArray *services;   /* ServiceSamples *, in declaration order */
};

G_DEFINE_QUARK (fs-experiment-error-quark, fs_experiment_error)

const char *
fs_metric_unit_name (FsMetricUnit unit)
{
  switch (unit)
    {
    case FS_METRIC_SECONDS:
      return "s";
    case FS_METRIC_COUNT:
      return "count";
    case FS_METRIC_NUMBER:
      return "number";
    }
  return "number";
}

static void
metric_clear (gpointer p)
{
  g_free ((char *) ((FsMetric *) p)->name);
}

static void
service_samples_free (gpointer p)
{
  ServiceSamples *s = p;

  g_free (s->name);
  g_array_unref (s->downtimes);
  g_free (s);
}

FsMetricSet *
fs_metric_set_new (void)
{
  FsMetricSet *set = g_new0 (FsMetricSet, 1);

  set->metrics = g_array_new (FALSE, FALSE, sizeof (FsMetric));
  g_array_set_clear_func (set->metrics, metric_clear);
  set->index = g_hash_table_new (g_str_hash, g_str_equal);
  set->services = g_ptr_array_new_with_free_func (service_samples_free);
  return set;
}

void
fs_metric_set_free (FsMetricSet *set)
{
  if (set == NULL)
    return;
  g_hash_table_destroy (set->index);
  g_array_unref (set->metrics);
  g_ptr_array_unref (set->services);
  g_free (set);
}

void
fs_metric_set_add (FsMetricSet *set, const char *name, FsMetricUnit unit, double value)
{
  FsMetric m = { NULL, unit, value };

  g_return_if_fail (set != NULL && name != NULL);
  if (g_hash_table_contains (set->index, name))
    return;
  m.name = g_strdup (name);
  g_array_append_val (set->metrics, m);
  g_hash_table_insert (set->index, (gpointer) m.name, GUINT_TO_POINTER (set->metrics->len));
}

static ServiceSamples *
find_service (const FsMetricSet *set, const char *service)
{
  guint i;

  for (i = 0; i < set->services->len; i++)
    {
      ServiceSamples *s = g_ptr_array_index (set->services, i);

      if (strcmp (s->name, service) == 0)
        return s;
    }
  return NULL;
}

void
fs_metric_set_add_service (FsMetricSet *set, const char *service)
{
  ServiceSamples *s;

  g_return_if_fail (set != NULL && service != NULL);
  if (find_service (set, service) != NULL)
    return;
  s = g_new0 (ServiceSamples, 1);
  s->name = g_strdup (service);
  s->downtimes = g_array_new (FALSE, FALSE, sizeof (FsTime));
  g_ptr_array_add (set->services, s);
}

void
fs_metric_set_add_downtime (FsMetricSet *set, const char *service, FsTime downtime)
{
  ServiceSamples *s;

  g_return_if_fail (set != NULL && service != NULL);
  if ((s = find_service (set, service)) == NULL)
    {
      fs_metric_set_add_service (set, service);
      s = find_service (set, service);
    }
  g_array_append_val (s->downtimes, downtime);
}

guint
fs_metric_set_len (const FsMetricSet *set)
{
  return set->metrics->len;
}

const FsMetric *
fs_metric_set_get (const FsMetricSet *set, guint i)
{
  g_return_val_if_fail (i < set->metrics->len, NULL);
  return &g_array_index (set->metrics, FsMetric, i);
}

const FsMetric *
fs_metric_set_find (const FsMetricSet *set, const char *name)
{
  guint pos = GPOINTER_TO_UINT (g_hash_table_lookup (set->index, name));

  return pos == 0 ? NULL : &g_array_index (set->metrics, FsMetric, pos - 1);
}

guint
fs__metric_set_n_services (const FsMetricSet *set)
{
  return set->services->len;
}

const char *
fs__metric_set_service (const FsMetricSet *set, guint i, const GArray **downtimes)
{
  const ServiceSamples *s = g_ptr_array_index (set->services, i);

  if (downtimes != NULL)
    *downtimes = s->downtimes;
  return s->name;
}

/* --- from a finished sim ------------------------------------------------------------------------ */

static void
add_seconds (FsMetricSet *set, const char *prefix, const char *name, FsTime t)
{
  g_autofree char *full = g_strconcat (prefix, name, NULL);

  fs_metric_set_add (set, full, FS_METRIC_SECONDS, fs_time_to_seconds (t));
}

static void
add_count (FsMetricSet *set, const char *prefix, const char *name, double n)
{
  g_autofree char *full = g_strconcat (prefix, name, NULL);

  fs_metric_set_add (set, full, FS_METRIC_COUNT, n);
}

static void
add_number (FsMetricSet *set, const char *prefix, const char *name, double x)
{
  g_autofree char *full = g_strconcat (prefix, name, NULL);

  fs_metric_set_add (set, full, FS_METRIC_NUMBER, x);
}

/* The metrics of one service, each name after @prefix ("app." or ""). */
static void
add_service (FsMetricSet *set, const FsServiceStats *s, const char *prefix, FsTime now)
{
  if (s->affected > 0)
    {
      add_seconds (set, prefix, "downtime.mean", s->mean);
      add_seconds (set, prefix, "downtime.p50", s->p50);
      add_seconds (set, prefix, "downtime.p95", s->p95);
      add_seconds (set, prefix, "downtime.p99", s->p99);
      add_seconds (set, prefix, "downtime.max", s->max);
    }
  /* Client-seconds: a sum over clients, read as a number (360805), not as a duration. */
  add_number (set, prefix, "client_seconds_lost", fs_time_to_seconds (s->client_time_lost));
  add_count (set, prefix, "affected", s->affected);
  add_count (set, prefix, "failed_requests", (double) s->failed);
  if (s->window_start >= 0)
    add_seconds (set, prefix, "window", (s->window_end >= 0 ? s->window_end : now) - s->window_start);
  add_count (set, prefix, "down_at_end", s->down_at_end);
}

/* The number of named subjects of outage class @entity, and their total downtime. */
static guint
count_subjects (const FsMetrics *m, const char *entity, FsTime *downtime)
{
  const FsOutageClass *c = fs_metrics_outage_class (m, entity);
  guint j, n = 0;

  if (downtime != NULL)
    *downtime = 0;
  for (j = 0; c != NULL && j < c->subjects->len; j++)
    {
      const FsOutage *o = &g_array_index (c->subjects, FsOutage, j);

      if (o->name == NULL)
        continue;
      n++;
      if (downtime != NULL)
        *downtime += o->downtime;
    }
  return n;
}

/* Fault spread over the whole run, as docs/model-l2.md defines it: entities reached by any
 * storm, each counted once (a site flooded by two storms is one site reached), read from the
 * spread.* outage classes rather than by adding up the per-storm figures, which would count it
 * twice. Requests are counted once each by the l2 model, so those are summed over storms.
 * Present whenever the scenario has VLANs, zero in a run without a storm: a mean over only the
 * replications that stormed would hide how often none did. */
static void
add_fault_spread (FsMetricSet *set, FsSim *sim, const FsMetrics *m)
{
  const GArray *figures = fs_metrics_figures (m);
  gboolean stormed = fs_sim_model (sim, "l2") != NULL || fs_metrics_outage_class (m, "storm") != NULL;
  double requests = 0;
  FsTime host_time;
  guint i;

  for (i = 0; i < figures->len; i++)
    {
      const FsFigure *f = &g_array_index (figures, FsFigure, i);

      if (strcmp (f->group, "l2.storms") != 0)
        continue;
      stormed = TRUE;
      if (strcmp (f->key, "requests_failed") == 0)
        requests += f->is_double ? f->d : (double) f->i;
    }
  if (!stormed)
    return;
  fs_metric_set_add (set, "fault_spread.sites", FS_METRIC_COUNT, count_subjects (m, "spread.site", NULL));
  fs_metric_set_add (set, "fault_spread.hosts", FS_METRIC_COUNT,
                     count_subjects (m, "spread.host", &host_time));
  fs_metric_set_add (set, "fault_spread.links", FS_METRIC_COUNT, count_subjects (m, "spread.link", NULL));
  fs_metric_set_add (set, "fault_spread.vlans", FS_METRIC_COUNT, count_subjects (m, "spread.vlan", NULL));
  fs_metric_set_add (set, "fault_spread.host_seconds", FS_METRIC_NUMBER, fs_time_to_seconds (host_time));
  fs_metric_set_add (set, "fault_spread.requests_failed", FS_METRIC_COUNT, requests);
}

static double
figure_value (const FsFigure *f)
{
  return f->is_double ? f->d : (double) f->i;
}

FsMetricSet *
fs_metric_set_from_sim (FsSim *sim)
{
  FsKernel *k = fs_sim_kernel (sim);
  FsMetrics *m = fs_sim_metrics (sim);
  const FsClientStats *cs = fs_metrics_clients (m);
  const GArray *figures = fs_metrics_figures (m);
  const GPtrArray *outages = fs_metrics_outages (m);
  FsMetricSet *set = fs_metric_set_new ();
  FsTime now = fs_kernel_now (k);
  guint n_services = fs_client_stats_n_services (cs);
  double queries = 0, peak = 0;
  gboolean dns = FALSE;
  uint32_t t;
  guint i, j;

  for (i = 0; i < n_services; i++)
    {
      const FsServiceStats *s = fs_client_stats_service (cs, i);
      g_autofree char *prefix = g_strconcat (s->name, ".", NULL);

      add_service (set, s, prefix, now);
      fs_metric_set_add_service (set, s->name);
    }
  g_assert (set->services->len == n_services);   /* service names are unique (workload.c) */
  if (n_services == 1)
    add_service (set, fs_client_stats_service (cs, 0), "", now);
  for (i = 0; i < fs_client_stats_n_clients (cs); i++)
    {
      const FsClientRecord *c = fs_client_stats_client (cs, i);
      /* Services were declared above in index order; no lookup by name per client. */
      ServiceSamples *samples = g_ptr_array_index (set->services,
                                                   fs_client_stats_population_service (cs, c->population));

      /* The affected clients, as clients.c counts them for the per-run quantiles. */
      if (c->failed > 0)
        g_array_append_val (samples->downtimes, c->downtime);
    }

  for (i = 0; i < figures->len; i++)
    {
      const FsFigure *f = &g_array_index (figures, FsFigure, i);

      if (strcmp (f->group, "dns.servers") != 0)
        continue;
      dns = TRUE;
      if (strcmp (f->key, "queries") == 0)
        queries += figure_value (f);
      else if (strcmp (f->key, "peak_qps") == 0)
        peak = MAX (peak, figure_value (f));
    }
  if (dns)
    {
      fs_metric_set_add (set, "dns.authoritative_queries", FS_METRIC_COUNT, queries);
      fs_metric_set_add (set, "dns.peak_qps", FS_METRIC_COUNT, peak);
    }

  add_fault_spread (set, sim, m);

  for (t = 0; t < fs_kernel_n_topics (k); t++)
    {
      const char *topic = fs_kernel_topic_name (k, t);
      const FsMeasure *ms = fs_metrics_measure (m, t);
      g_autofree char *name = NULL, *max = NULL;

      if (ms == NULL || ms->count == 0 || !g_str_has_suffix (topic, "_ns"))
        continue;
      name = g_strndup (topic, strlen (topic) - 3);
      max = g_strconcat (name, ".max", NULL);
      fs_metric_set_add (set, name, FS_METRIC_SECONDS,
                         fs_time_to_seconds (ms->total) / (double) ms->count);
      fs_metric_set_add (set, max, FS_METRIC_SECONDS, fs_time_to_seconds (ms->max));
    }

  for (i = 0; i < outages->len; i++)
    {
      const FsOutageClass *c = g_ptr_array_index (outages, i);

      for (j = 0; j < c->subjects->len; j++)
        {
          const FsOutage *o = &g_array_index (c->subjects, FsOutage, j);
          g_autofree char *name = NULL;

          if (o->name == NULL)
            continue;
          name = g_strdup_printf ("outage.%s.%s", c->entity, o->name);
          fs_metric_set_add (set, name, FS_METRIC_SECONDS, fs_time_to_seconds (o->downtime));
        }
    }

  for (i = 0; i < figures->len; i++)
    {
      const FsFigure *f = &g_array_index (figures, FsFigure, i);
      g_autofree char *name = NULL;

      if (strcmp (f->group, "dr.plans") != 0 || strcmp (f->key, "failover_s") != 0)
        continue;
      name = g_strdup_printf ("dr.%s.failover", f->subject);
      fs_metric_set_add (set, name, FS_METRIC_SECONDS, figure_value (f));
    }
  return set;
}

/* --- formatting ---------------------------------------------------------------------------------- */

void
fs_metric_format (FsMetricUnit unit, double value, char *buf, size_t size)
{
  if (isnan (value))
    {
      g_strlcpy (buf, "-", size);
      return;
    }
  if (unit == FS_METRIC_SECONDS)
    {
      double mag = fabs (value);
      /* People read durations to the millisecond, as in the run summary; below a second to the
       * microsecond, so a mean of nanosecond-exact times does not print nine decimals. */
      FsTime step = mag >= 1.0 ? FS_MSEC : FS_USEC;
      FsTime t = fs_time_from_seconds (mag);
      char text[FS_TIME_BUFSZ];

      t = (t + step / 2) / step * step;
      fs_time_format (t, text, sizeof text);
      g_snprintf (buf, size, "%s%s", value < 0 && t > 0 ? "-" : "", text);
      return;
    }
  if (value == floor (value) && fabs (value) < 1e15)
    g_ascii_formatd (buf, size, "%.0f", value);
  else if (fabs (value) >= 1000)
    g_ascii_formatd (buf, size, "%.1f", value);
  else
    g_ascii_formatd (buf, size, "%.4g", value);
}

void
fs__metric_set_drop_downtimes (FsMetricSet *set)
{
  guint i;

  for (i = 0; i < set->services->len; i++)
    {
      ServiceSamples *s = g_ptr_array_index (set->services, i);

      g_array_unref (s->downtimes);
      s->downtimes = g_array_new (FALSE, FALSE, sizeof (FsTime));
    }
}
