/* clients.c: client downtime from request outcomes, per client and per service (clients.h). */
#include "failsim/clients.h"

#include <stdlib.h>
#include <string.h>

#include "metrics-private.h"

#define DEFAULT_SAMPLE_INTERVAL (10 * FS_SEC)

typedef struct {
  FsServiceStats st;      /* what readers see; st.name is owned here */
  uint32_t down_now;      /* clients with an open episode */
  FsTime last_recovery;   /* the latest episode end of any of its clients, or -1 */
} Service;

typedef struct {
  char *name;
  guint service;
} Population;

struct FsClientStats {
  GArray *clients;        /* FsClientRecord, indexed by client */
  GArray *services;       /* Service */
  GArray *populations;    /* Population */
  FsTime sample_interval; /* ns */
  FsTime last_time;       /* the latest outcome reported, so order can be checked */
  gboolean finished;
};

static const char *const cause_names[FS_FAIL_N] = {
  [FS_FAIL_NONE] = "none",
  [FS_FAIL_RESOLVER_UNREACHABLE] = "resolver_unreachable",
  [FS_FAIL_SERVFAIL] = "servfail",
  [FS_FAIL_NXDOMAIN] = "nxdomain",
  [FS_FAIL_SOURCE_DOWN] = "source_down",
  [FS_FAIL_NO_ROUTE] = "no_route",
  [FS_FAIL_DEAD_HOP] = "dead_hop",
  [FS_FAIL_LOOP] = "loop",
  [FS_FAIL_NO_HOST] = "no_host",
  [FS_FAIL_NOT_SERVING] = "not_serving",
};

static const char *const phase_names[FS_PHASE_N] = {
  [FS_PHASE_DETECTION] = "detection",
  [FS_PHASE_ORCHESTRATION] = "orchestration",
  [FS_PHASE_BOOT] = "boot",
  [FS_PHASE_ROUTING] = "routing",
  [FS_PHASE_DNS_UPDATE] = "dns_update",
  [FS_PHASE_DNS] = "dns",
  [FS_PHASE_DNS_VIOLATION] = "dns_violation",
  [FS_PHASE_RETRY] = "retry",
  [FS_PHASE_OTHER] = "other",
};

/* The record is the whole per-client cost of a million-client run: keep it at 48 bytes. */
G_STATIC_ASSERT (sizeof (FsClientRecord) == 48);

const char *
fs_fail_cause_name (FsFailCause cause)
{
  g_return_val_if_fail ((guint) cause < FS_FAIL_N, "unknown");
  return cause_names[cause];
}

const char *
fs_phase_name (FsPhase phase)
{
  g_return_val_if_fail ((guint) phase < FS_PHASE_N, "unknown");
  return phase_names[phase];
}

FsClientStats *
fs__client_stats_new (void)
{
  FsClientStats *cs = g_new0 (FsClientStats, 1);

  cs->clients = g_array_new (FALSE, FALSE, sizeof (FsClientRecord));
  cs->services = g_array_new (FALSE, TRUE, sizeof (Service));
  cs->populations = g_array_new (FALSE, TRUE, sizeof (Population));
  cs->sample_interval = DEFAULT_SAMPLE_INTERVAL;
  return cs;
}

void
fs__client_stats_free (FsClientStats *cs)
{
  guint i;

  if (cs == NULL)
    return;
  for (i = 0; i < cs->services->len; i++)
    {
      Service *s = &g_array_index (cs->services, Service, i);

      g_free ((char *) s->st.name);
      g_array_unref (s->st.curve);
    }
  for (i = 0; i < cs->populations->len; i++)
    g_free (g_array_index (cs->populations, Population, i).name);
  g_array_unref (cs->clients);
  g_array_unref (cs->services);
  g_array_unref (cs->populations);
  g_free (cs);
}

void
fs_client_stats_set_sample_interval (FsClientStats *cs, FsTime interval)
{
  guint i;

  g_return_if_fail (cs != NULL);
  g_return_if_fail (interval > 0);
  for (i = 0; i < cs->services->len; i++)
    {
      Service *s = &g_array_index (cs->services, Service, i);

      /* Points already taken were on the old grid; mixing two grids would mislabel them. */
      g_return_if_fail (s->st.curve->len == 0);
      s->st.sample_interval = interval;
    }
  cs->sample_interval = interval;
}

guint
fs_client_stats_add_service (FsClientStats *cs, const char *name)
{
  Service s = { 0 };

  g_return_val_if_fail (cs != NULL && name != NULL, 0);
  s.st.name = g_strdup (name);
  s.st.window_start = s.st.window_end = -1;
  s.st.mean = s.st.p50 = s.st.p95 = s.st.p99 = s.st.max = -1;
  s.st.sample_interval = cs->sample_interval;
  s.st.curve = g_array_new (FALSE, FALSE, sizeof (double));
  s.last_recovery = -1;
  g_array_append_val (cs->services, s);
  return cs->services->len - 1;
}

guint
fs_client_stats_add_population (FsClientStats *cs, const char *name, guint service, guint count)
{
  Population p;
  FsClientRecord r = { 0 };
  guint first, i;

  g_return_val_if_fail (cs != NULL && name != NULL, 0);
  g_return_val_if_fail (service < cs->services->len, 0);
  g_return_val_if_fail (cs->populations->len < G_MAXUINT16, 0);   /* FsClientRecord.population */
  first = cs->clients->len;
  p.name = g_strdup (name);
  p.service = service;
  g_array_append_val (cs->populations, p);

  r.population = (uint16_t) (cs->populations->len - 1);
  r.phase = FS_PHASE_OTHER;
  r.first_failure = r.last_recovery = r.charged_until = -1;
  g_array_set_size (cs->clients, first + count);
  for (i = first; i < first + count; i++)
    g_array_index (cs->clients, FsClientRecord, i) = r;
  g_array_index (cs->services, Service, service).st.clients += count;
  return first;
}

static double
served_share (const Service *s)
{
  if (s->st.clients == 0)
    return 1.0;
  return (double) (s->st.clients - s->down_now) / (double) s->st.clients;
}

/* Appends the points of the grid up to @until (inclusive or not) that @s has not taken yet.
 * Called before an outcome at @until is applied (exclusive), so a point sees every outcome up
 * to and including its own instant, and none after it. */
static void
sample_until (Service *s, FsTime until, gboolean inclusive)
{
  double share = served_share (s);
  FsTime g = (FsTime) s->st.curve->len * s->st.sample_interval;

  while (g < until || (inclusive && g == until))
    {
      g_array_append_val (s->st.curve, share);
      g += s->st.sample_interval;
    }
}

static Service *
service_of (FsClientStats *cs, const FsClientRecord *c)
{
  return &g_array_index (cs->services, Service,
                         g_array_index (cs->populations, Population, c->population).service);
}

/* Every nanosecond of downtime goes through here, to the client and to one phase of its
 * service at once: that is what makes the budget sum to the downtime exactly. */
static void
charge (FsClientRecord *c, Service *s, FsTime until, FsPhase phase)
{
  FsTime d = until - c->charged_until;

  if (c->charged_until < 0 || d <= 0)
    return;
  c->downtime += d;
  s->st.budget[phase] += d;
  c->charged_until = until;
}

void
fs_client_stats_record (FsClientStats *cs, guint client, FsTime now, FsFailCause cause)
{
  FsClientRecord *c;
  Service *s;

  g_return_if_fail (cs != NULL && !cs->finished);
  g_return_if_fail (client < cs->clients->len);
  g_return_if_fail ((guint) cause < FS_FAIL_N);
  g_return_if_fail (now >= cs->last_time);
  cs->last_time = now;

  c = &g_array_index (cs->clients, FsClientRecord, client);
  s = service_of (cs, c);
  sample_until (s, now, FALSE);

  c->requests++;
  s->st.requests++;
  charge (c, s, now, (FsPhase) c->phase);
  if (cause != FS_FAIL_NONE)
    {
      c->failed++;
      s->st.failed++;
      s->st.failed_by_cause[cause]++;
      if (c->charged_until < 0)
        {
          c->charged_until = now;
          c->phase = FS_PHASE_OTHER;
          c->episodes++;
          s->down_now++;
          if (c->first_failure < 0)
            c->first_failure = now;
          /* Outcomes arrive in time order, so the first failure seen is the earliest. */
          if (s->st.window_start < 0)
            s->st.window_start = now;
        }
    }
  else if (c->charged_until >= 0)
    {
      c->last_recovery = now;
      c->charged_until = -1;
      s->down_now--;
      s->last_recovery = now;
    }
}

void
fs_client_stats_charge (FsClientStats *cs, guint client, FsTime until, FsPhase phase)
{
  FsClientRecord *c;

  g_return_if_fail (cs != NULL && !cs->finished);
  g_return_if_fail (client < cs->clients->len);
  g_return_if_fail ((guint) phase < FS_PHASE_N);
  c = &g_array_index (cs->clients, FsClientRecord, client);
  charge (c, service_of (cs, c), until, phase);
}

void
fs_client_stats_set_phase (FsClientStats *cs, guint client, FsPhase phase)
{
  FsClientRecord *c;

  g_return_if_fail (cs != NULL && client < cs->clients->len);
  g_return_if_fail ((guint) phase < FS_PHASE_N);
  c = &g_array_index (cs->clients, FsClientRecord, client);
  if (c->charged_until >= 0)
    c->phase = (uint8_t) phase;
}

void
fs_client_stats_prefetch (const FsClientStats *cs, guint client)
{
  if (client < cs->clients->len)
    {
      const FsClientRecord *c = &g_array_index (cs->clients, FsClientRecord, client);

      /* Both ends: a record may straddle two cache lines. */
      __builtin_prefetch (c);
      __builtin_prefetch ((const char *) (c + 1) - 1);
    }
}

static int
compare_times (const void *a, const void *b)
{
  FsTime x = *(const FsTime *) a, y = *(const FsTime *) b;

  return (x > y) - (x < y);
}

/* The quantile @f of @n sorted times, as gsl_stats_quantile_from_sorted_data computes it
 * (linear interpolation between the order statistics around (n - 1) f), rounded to the
 * nanosecond. Interpolating the difference keeps long times exact where a double would not. */
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

void
fs_client_stats_finish (FsClientStats *cs, FsTime now)
{
  g_autofree FsTime *downtimes = NULL;
  g_autofree gsize *start = NULL, *fill = NULL;
  guint i, n_services;
  gsize total = 0;

  g_return_if_fail (cs != NULL);
  if (cs->finished)
    return;
  g_return_if_fail (now >= cs->last_time);
  cs->finished = TRUE;
  n_services = cs->services->len;

  for (i = 0; i < n_services; i++)
    sample_until (&g_array_index (cs->services, Service, i), now, TRUE);

  /* Close the open episodes, and count each service's affected clients so that their
   * downtimes can be laid out service by service in one array. */
  for (i = 0; i < cs->clients->len; i++)
    {
      FsClientRecord *c = &g_array_index (cs->clients, FsClientRecord, i);
      Service *s = service_of (cs, c);

      if (c->charged_until >= 0)
        {
          /* Counted up to the end; charged_until stays set, so readers see it was still open. */
          charge (c, s, now, (FsPhase) c->phase);
          s->st.down_at_end++;
        }
      if (c->failed > 0)
        {
          s->st.affected++;
          s->st.client_time_lost += c->downtime;
          total++;
        }
    }

  downtimes = g_new (FsTime, MAX (total, 1));
  start = g_new0 (gsize, n_services + 1);
  fill = g_new0 (gsize, n_services + 1);
  for (i = 0; i < n_services; i++)
    start[i + 1] = fill[i + 1] = start[i] + g_array_index (cs->services, Service, i).st.affected;
  for (i = 0; i < cs->clients->len; i++)
    {
      const FsClientRecord *c = &g_array_index (cs->clients, FsClientRecord, i);
      guint si = g_array_index (cs->populations, Population, c->population).service;

      if (c->failed > 0)
        downtimes[fill[si]++] = c->downtime;
    }

  for (i = 0; i < n_services; i++)
    {
      Service *s = &g_array_index (cs->services, Service, i);
      FsTime *x = downtimes + start[i];
      gsize n = s->st.affected;

      if (s->st.window_start >= 0 && s->st.down_at_end == 0)
        s->st.window_end = s->last_recovery;
      if (n == 0)
        continue;
      qsort (x, n, sizeof *x, compare_times);
      s->st.mean = (s->st.client_time_lost + (FsTime) n / 2) / (FsTime) n;
      s->st.p50 = quantile_of_sorted (x, n, 0.50);
      s->st.p95 = quantile_of_sorted (x, n, 0.95);
      s->st.p99 = quantile_of_sorted (x, n, 0.99);
      s->st.max = x[n - 1];
    }
}

guint
fs_client_stats_n_clients (const FsClientStats *cs)
{
  return cs->clients->len;
}

guint
fs_client_stats_n_services (const FsClientStats *cs)
{
  return cs->services->len;
}

guint
fs_client_stats_n_populations (const FsClientStats *cs)
{
  return cs->populations->len;
}

const FsClientRecord *
fs_client_stats_client (const FsClientStats *cs, guint client)
{
  g_return_val_if_fail (client < cs->clients->len, NULL);
  return &g_array_index (cs->clients, FsClientRecord, client);
}

const FsServiceStats *
fs_client_stats_service (const FsClientStats *cs, guint service)
{
  g_return_val_if_fail (service < cs->services->len, NULL);
  return &g_array_index (cs->services, Service, service).st;
}

const char *
fs_client_stats_population_name (const FsClientStats *cs, guint population)
{
  g_return_val_if_fail (population < cs->populations->len, NULL);
  return g_array_index (cs->populations, Population, population).name;
}

guint
fs_client_stats_population_service (const FsClientStats *cs, guint population)
{
  g_return_val_if_fail (population < cs->populations->len, 0);
  return g_array_index (cs->populations, Population, population).service;
}

int
fs_client_stats_find_service (const FsClientStats *cs, const char *name)
{
  guint i;

  for (i = 0; i < cs->services->len; i++)
    if (strcmp (g_array_index (cs->services, Service, i).st.name, name) == 0)
      return (int) i;
  return -1;
}
