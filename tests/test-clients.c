/* test-clients.c: the client-downtime collector, the figures, and how summary.json, the CSV
 * files and the text summary show them, against hand-worked values. */
#include <criterion/criterion.h>
#include <gsl/gsl_sort_double.h>
#include <gsl/gsl_statistics_double.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "failsim/clients.h"
#include "failsim/metrics.h"
#include "failsim/output.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"

#define S FS_SEC

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (clients);
TestSuite (figures);
TestSuite (client_output, .init = enter_source_dir);

/* A collector as a run has it: made by the metrics of a kernel. */
typedef struct {
  FsKernel *k;
  FsMetrics *m;
  FsClientStats *cs;
} Fixture;

static Fixture
fixture_new (void)
{
  Fixture f;

  f.k = fs_kernel_new (1, 0);
  f.m = fs_metrics_new (f.k);
  f.cs = fs_metrics_clients (f.m);
  return f;
}

static void
fixture_free (Fixture *f)
{
  fs_metrics_free (f->m);
  fs_kernel_free (f->k);
}

static void
assert_curve (const FsServiceStats *s, const double *want, guint n)
{
  guint i;

  cr_assert_eq (s->curve->len, n, "%s: %u points, want %u", s->name, s->curve->len, n);
  for (i = 0; i < n; i++)
    cr_assert_eq (g_array_index (s->curve, double, i), want[i], "%s: point %u is %g, want %g",
                  s->name, i, g_array_index (s->curve, double, i), want[i]);
}

Test (clients, one_client_sums_its_two_episodes)
{
  Fixture f = fixture_new ();
  const FsClientRecord *c;
  guint svc = fs_client_stats_add_service (f.cs, "app");
  guint first = fs_client_stats_add_population (f.cs, "office", svc, 1);

  cr_assert_eq (first, 0);
  fs_client_stats_record (f.cs, 0, 10 * S, FS_FAIL_SERVFAIL);
  fs_client_stats_record (f.cs, 0, 20 * S, FS_FAIL_SERVFAIL);
  fs_client_stats_record (f.cs, 0, 35 * S, FS_FAIL_NONE);
  fs_client_stats_record (f.cs, 0, 100 * S, FS_FAIL_NO_HOST);
  fs_client_stats_record (f.cs, 0, 101 * S, FS_FAIL_NONE);
  fs_metrics_finish (f.m, 200 * S);

  c = fs_client_stats_client (f.cs, 0);
  cr_assert_eq (c->requests, 5);
  cr_assert_eq (c->failed, 3);
  cr_assert_eq (c->episodes, 2);
  /* (35 - 10) + (101 - 100) = 26 s. */
  cr_assert_eq (c->downtime, 26 * S);
  cr_assert_eq (c->first_failure, 10 * S);
  cr_assert_eq (c->last_recovery, 101 * S);
  cr_assert_eq (c->charged_until, -1);
  cr_assert_eq (c->population, 0);
  fixture_free (&f);
}

Test (clients, prefetch_changes_nothing_and_ignores_clients_out_of_range)
{
  Fixture f = fixture_new ();
  guint svc = fs_client_stats_add_service (f.cs, "app");
  FsClientRecord before;

  fs_client_stats_add_population (f.cs, "office", svc, 3);
  fs_client_stats_record (f.cs, 1, 10 * S, FS_FAIL_SERVFAIL);
  before = *fs_client_stats_client (f.cs, 1);
  for (guint c = 0; c < 10; c++)
    fs_client_stats_prefetch (f.cs, c);
  cr_assert_eq (memcmp (fs_client_stats_client (f.cs, 1), &before, sizeof before), 0);
  cr_assert_eq (fs_client_stats_n_clients (f.cs), 3);
  fixture_free (&f);
}

/* Downtimes 0 (never failed), 10 s, 20 s and 40 s: the figures are over the three affected.
 * Sorted [10, 20, 40]: p50 at index 1 is 20; p95 at 0.95 * 2 = 1.9 is 20 + 0.9 * 20 = 38;
 * p99 at 1.98 is 20 + 0.98 * 20 = 39.6; the mean 70 / 3 = 23.333333333(3) s rounds down. */
Test (clients, a_service_summarises_its_affected_clients)
{
  Fixture f = fixture_new ();
  const FsServiceStats *s;
  guint svc = fs_client_stats_add_service (f.cs, "app");

  fs_client_stats_add_population (f.cs, "office", svc, 4);
  fs_client_stats_record (f.cs, 0, 1 * S, FS_FAIL_NONE);
  fs_client_stats_record (f.cs, 3, 5 * S, FS_FAIL_NO_ROUTE);
  fs_client_stats_record (f.cs, 1, 10 * S, FS_FAIL_NO_ROUTE);
  fs_client_stats_record (f.cs, 1, 20 * S, FS_FAIL_NONE);
  fs_client_stats_record (f.cs, 2, 30 * S, FS_FAIL_DEAD_HOP);
  fs_client_stats_record (f.cs, 3, 45 * S, FS_FAIL_NONE);
  fs_client_stats_record (f.cs, 2, 50 * S, FS_FAIL_NONE);
  fs_metrics_finish (f.m, 60 * S);

  s = fs_client_stats_service (f.cs, svc);
  cr_assert_str_eq (s->name, "app");
  cr_assert_eq (s->clients, 4);
  cr_assert_eq (s->affected, 3);
  cr_assert_eq (s->down_at_end, 0);
  cr_assert_eq (s->requests, 7);
  cr_assert_eq (s->failed, 3);
  cr_assert_eq (s->client_time_lost, 70 * S);
  cr_assert_eq (s->mean, 23333333333);
  cr_assert_eq (s->p50, 20 * S);
  cr_assert_eq (s->p95, 38 * S);
  cr_assert_eq (s->p99, 39600000000);
  cr_assert_eq (s->max, 40 * S);
  cr_assert_eq (s->window_start, 5 * S);
  cr_assert_eq (s->window_end, 50 * S);
  cr_assert_eq (fs_client_stats_client (f.cs, 0)->downtime, 0);
  cr_assert_eq (fs_client_stats_client (f.cs, 3)->downtime, 40 * S);
  fixture_free (&f);
}

/* The quantiles are GSL's, rounded to the nanosecond: downtimes 1..7 s plus odd nanoseconds,
 * compared with gsl_stats_quantile_from_sorted_data over the same values. The values are
 * small enough (< 2^53 ns) for GSL's doubles to be exact before interpolation, and every
 * interpolated value here lies at least 0.01 ns from a rounding tie, so both round alike. */
Test (clients, quantiles_agree_with_gsl)
{
  Fixture f = fixture_new ();
  const FsTime down[] = { 7 * S + 3, 1 * S, 4 * S + 1, 2 * S + 7, 6 * S, 3 * S + 5, 5 * S + 9 };
  double sorted[G_N_ELEMENTS (down)];
  const FsServiceStats *s;
  guint i, n = G_N_ELEMENTS (down);
  guint svc = fs_client_stats_add_service (f.cs, "app");

  fs_client_stats_add_population (f.cs, "office", svc, n);
  for (i = 0; i < n; i++)
    fs_client_stats_record (f.cs, i, 0, FS_FAIL_NO_HOST);
  /* Recover in order of downtime, as outcomes must come in time order. */
  for (i = 0; i < n; i++)
    sorted[i] = (double) down[i];
  gsl_sort (sorted, 1, n);
  for (i = 0; i < n; i++)
    {
      guint j;

      for (j = 0; j < n; j++)
        if ((double) down[j] == sorted[i])
          fs_client_stats_record (f.cs, j, down[j], FS_FAIL_NONE);
    }
  fs_metrics_finish (f.m, 10 * S);
  s = fs_client_stats_service (f.cs, svc);

  /* Hand-worked first: sorted [1, 2.000000007, 3.000000005, 4.000000001, 5.000000009, 6,
   * 7.000000003]; p50 is the middle one; p95 at 5.7 is 6 + 0.7 * 1.000000003. */
  cr_assert_eq (s->p50, 4 * S + 1);
  cr_assert_eq (s->p95, 6 * S + 700000002);
  cr_assert_eq (s->p50, (FsTime) llround (gsl_stats_quantile_from_sorted_data (sorted, 1, n, 0.50)));
  cr_assert_eq (s->p95, (FsTime) llround (gsl_stats_quantile_from_sorted_data (sorted, 1, n, 0.95)));
  cr_assert_eq (s->p99, (FsTime) llround (gsl_stats_quantile_from_sorted_data (sorted, 1, n, 0.99)));
  cr_assert_eq (s->max, 7 * S + 3);
  fixture_free (&f);
}

Test (clients, a_client_down_at_the_end_is_counted_to_the_finish)
{
  Fixture f = fixture_new ();
  const FsServiceStats *s;
  const FsClientRecord *c;
  guint svc = fs_client_stats_add_service (f.cs, "app");

  fs_client_stats_add_population (f.cs, "office", svc, 2);
  fs_client_stats_record (f.cs, 0, 5 * S, FS_FAIL_NXDOMAIN);
  fs_client_stats_record (f.cs, 1, 10 * S, FS_FAIL_SERVFAIL);
  fs_client_stats_record (f.cs, 0, 15 * S, FS_FAIL_NONE);
  fs_metrics_finish (f.m, 60 * S);
  /* A second finish must not count the open episode again. */
  fs_client_stats_finish (f.cs, 60 * S);

  c = fs_client_stats_client (f.cs, 1);
  cr_assert_eq (c->downtime, 50 * S);
  /* Still open: charged up to the end, and marked so. */
  cr_assert_eq (c->charged_until, 60 * S);
  cr_assert_eq (c->last_recovery, -1);
  s = fs_client_stats_service (f.cs, svc);
  cr_assert_eq (s->down_at_end, 1);
  cr_assert_eq (s->affected, 2);
  cr_assert_eq (s->client_time_lost, 60 * S);
  cr_assert_eq (s->window_start, 5 * S);
  cr_assert_eq (s->window_end, -1);
  cr_assert_eq (s->max, 50 * S);
  cr_assert_eq (s->mean, 30 * S);
  fixture_free (&f);
}

Test (clients, a_service_never_failing_has_no_window_nor_downtime)
{
  Fixture f = fixture_new ();
  const FsServiceStats *s;
  guint svc = fs_client_stats_add_service (f.cs, "app");

  fs_client_stats_add_population (f.cs, "office", svc, 1);
  fs_client_stats_record (f.cs, 0, 5 * S, FS_FAIL_NONE);
  fs_metrics_finish (f.m, 20 * S);
  s = fs_client_stats_service (f.cs, svc);
  cr_assert_eq (s->requests, 1);
  cr_assert_eq (s->affected, 0);
  cr_assert_eq (s->window_start, -1);
  cr_assert_eq (s->window_end, -1);
  cr_assert_eq (s->mean, -1);
  cr_assert_eq (s->p50, -1);
  cr_assert_eq (s->max, -1);
  cr_assert_eq (s->client_time_lost, 0);
  fixture_free (&f);
}

/* Interval 10 s, 2 clients; client 0 down from 15 s to 35 s; finish at 50 s. */
Test (clients, recovery_curve_samples_the_served_share)
{
  Fixture f = fixture_new ();
  const double want[] = { 1, 1, 0.5, 0.5, 1, 1 };
  guint svc;

  fs_client_stats_set_sample_interval (f.cs, 10 * S);
  svc = fs_client_stats_add_service (f.cs, "app");
  fs_client_stats_add_population (f.cs, "office", svc, 2);
  fs_client_stats_record (f.cs, 0, 15 * S, FS_FAIL_NO_HOST);
  fs_client_stats_record (f.cs, 0, 35 * S, FS_FAIL_NONE);
  fs_metrics_finish (f.m, 50 * S);
  cr_assert_eq (fs_client_stats_service (f.cs, svc)->sample_interval, 10 * S);
  assert_curve (fs_client_stats_service (f.cs, svc), want, G_N_ELEMENTS (want));
  fixture_free (&f);
}

/* A point shows the state at the end of its instant: the failure at exactly 20 s is in the
 * point at 20 s, and so is the recovery at exactly 30 s in the point at 30 s. Another client
 * failing and recovering within the instant 40 s leaves that point at 1. */
Test (clients, an_outcome_on_a_grid_point_is_in_that_point)
{
  Fixture f = fixture_new ();
  const double want[] = { 1, 1, 0.5, 1, 1 };
  guint svc;

  fs_client_stats_set_sample_interval (f.cs, 10 * S);
  svc = fs_client_stats_add_service (f.cs, "app");
  fs_client_stats_add_population (f.cs, "office", svc, 2);
  fs_client_stats_record (f.cs, 0, 20 * S, FS_FAIL_NO_HOST);
  fs_client_stats_record (f.cs, 0, 30 * S, FS_FAIL_NONE);
  fs_client_stats_record (f.cs, 1, 40 * S, FS_FAIL_LOOP);
  fs_client_stats_record (f.cs, 1, 40 * S, FS_FAIL_NONE);
  fs_metrics_finish (f.m, 45 * S);
  assert_curve (fs_client_stats_service (f.cs, svc), want, G_N_ELEMENTS (want));
  cr_assert_eq (fs_client_stats_client (f.cs, 1)->episodes, 1);
  cr_assert_eq (fs_client_stats_client (f.cs, 1)->downtime, 0);
  fixture_free (&f);
}

/* Every service gets floor(55 / 10) + 1 = 6 points, whether it saw outcomes, none, or has no
 * clients at all; clients are numbered across populations in the order they were added. */
Test (clients, every_service_curve_reaches_the_finish)
{
  Fixture f = fixture_new ();
  const double busy[] = { 1, 1, 1, 2.0 / 3.0, 2.0 / 3.0, 2.0 / 3.0 };
  const double all_up[] = { 1, 1, 1, 1, 1, 1 };
  guint a, b, c;

  fs_client_stats_set_sample_interval (f.cs, 10 * S);
  a = fs_client_stats_add_service (f.cs, "busy");
  b = fs_client_stats_add_service (f.cs, "quiet");
  c = fs_client_stats_add_service (f.cs, "empty");
  cr_assert_eq (fs_client_stats_add_population (f.cs, "p1", a, 2), 0);
  cr_assert_eq (fs_client_stats_add_population (f.cs, "p2", b, 5), 2);
  cr_assert_eq (fs_client_stats_add_population (f.cs, "p3", a, 1), 7);
  cr_assert_eq (fs_client_stats_n_clients (f.cs), 8);
  cr_assert_eq (fs_client_stats_n_populations (f.cs), 3);
  cr_assert_eq (fs_client_stats_n_services (f.cs), 3);
  cr_assert_eq (fs_client_stats_client (f.cs, 7)->population, 2);
  cr_assert_str_eq (fs_client_stats_population_name (f.cs, 2), "p3");
  cr_assert_eq (fs_client_stats_population_service (f.cs, 2), a);
  cr_assert_eq (fs_client_stats_find_service (f.cs, "quiet"), 1);
  cr_assert_eq (fs_client_stats_find_service (f.cs, "nope"), -1);
  cr_assert_eq (fs_client_stats_service (f.cs, a)->clients, 3);

  fs_client_stats_record (f.cs, 7, 25 * S, FS_FAIL_SOURCE_DOWN);
  fs_metrics_finish (f.m, 55 * S);
  assert_curve (fs_client_stats_service (f.cs, a), busy, G_N_ELEMENTS (busy));
  assert_curve (fs_client_stats_service (f.cs, b), all_up, G_N_ELEMENTS (all_up));
  assert_curve (fs_client_stats_service (f.cs, c), all_up, G_N_ELEMENTS (all_up));
  cr_assert_eq (fs_client_stats_service (f.cs, a)->down_at_end, 1);
  cr_assert_eq (fs_client_stats_service (f.cs, c)->affected, 0);
  fixture_free (&f);
}

Test (clients, failures_are_counted_by_cause)
{
  Fixture f = fixture_new ();
  const FsServiceStats *s;
  guint svc = fs_client_stats_add_service (f.cs, "app");

  fs_client_stats_add_population (f.cs, "office", svc, 2);
  fs_client_stats_record (f.cs, 0, 1 * S, FS_FAIL_RESOLVER_UNREACHABLE);
  fs_client_stats_record (f.cs, 1, 1 * S, FS_FAIL_SERVFAIL);
  fs_client_stats_record (f.cs, 0, 2 * S, FS_FAIL_SERVFAIL);
  fs_client_stats_record (f.cs, 1, 3 * S, FS_FAIL_NOT_SERVING);
  fs_client_stats_record (f.cs, 0, 4 * S, FS_FAIL_NONE);
  fs_client_stats_record (f.cs, 0, 5 * S, FS_FAIL_SERVFAIL);
  fs_metrics_finish (f.m, 10 * S);
  s = fs_client_stats_service (f.cs, svc);
  cr_assert_eq (s->requests, 6);
  cr_assert_eq (s->failed, 5);
  cr_assert_eq (s->failed_by_cause[FS_FAIL_NONE], 0);
  cr_assert_eq (s->failed_by_cause[FS_FAIL_RESOLVER_UNREACHABLE], 1);
  cr_assert_eq (s->failed_by_cause[FS_FAIL_SERVFAIL], 3);
  cr_assert_eq (s->failed_by_cause[FS_FAIL_NOT_SERVING], 1);
  cr_assert_eq (s->failed_by_cause[FS_FAIL_NO_HOST], 0);
  /* Client 0: down 1..4 s and 5..10 s, two episodes; client 1: 1..10 s, one. */
  cr_assert_eq (fs_client_stats_client (f.cs, 0)->episodes, 2);
  cr_assert_eq (fs_client_stats_client (f.cs, 0)->downtime, 8 * S);
  cr_assert_eq (fs_client_stats_client (f.cs, 1)->episodes, 1);
  cr_assert_eq (s->down_at_end, 2);
  fixture_free (&f);
}

Test (clients, causes_have_their_summary_names)
{
  const char *want[FS_FAIL_N] = { "none", "resolver_unreachable", "servfail", "nxdomain",
                                  "source_down", "no_route", "dead_hop", "loop", "no_host",
                                  "not_serving" };
  int c;

  for (c = 0; c < FS_FAIL_N; c++)
    cr_assert_str_eq (fs_fail_cause_name ((FsFailCause) c), want[c]);
}

/* --- figures ---------------------------------------------------------------------------- */

static void
set_sample_figures (FsMetrics *m)
{
  fs_metrics_set_figure_int (m, "dns.servers", "ns1", "queries", 10);
  fs_metrics_set_figure_int (m, "l2.storms", "app-vlan", "storms", 2);
  fs_metrics_set_figure_int (m, "dns.servers", "ns2", "queries", 4);
  fs_metrics_set_figure_int (m, "dns.servers", "ns1", "peak_qps", 3);
  fs_metrics_set_figure_double (m, "dns.resolvers", "r1", "hit_ratio", 0.25);
  fs_metrics_set_figure_int (m, "dns.servers", "ns1", "queries", 1234);
  fs_metrics_set_figure_double (m, "dns.servers", "ns2", "queries", 12.5);
}

Test (figures, keep_first_set_order_and_replace_in_place)
{
  Fixture f = fixture_new ();
  const struct {
    const char *group, *subject, *key;
    gboolean is_double;
    int64_t i;
    double d;
  } want[] = {
    { "dns.servers", "ns1", "queries", FALSE, 1234, 0 },
    { "dns.servers", "ns1", "peak_qps", FALSE, 3, 0 },
    { "dns.servers", "ns2", "queries", TRUE, 0, 12.5 },
    { "l2.storms", "app-vlan", "storms", FALSE, 2, 0 },
    { "dns.resolvers", "r1", "hit_ratio", TRUE, 0, 0.25 },
  };
  const GArray *all;
  const FsFigure *found;
  guint i;

  set_sample_figures (f.m);
  all = fs_metrics_figures (f.m);
  cr_assert_eq (all->len, G_N_ELEMENTS (want));
  for (i = 0; i < all->len; i++)
    {
      const FsFigure *fig = &g_array_index (all, FsFigure, i);

      cr_assert_str_eq (fig->group, want[i].group, "figure %u", i);
      cr_assert_str_eq (fig->subject, want[i].subject, "figure %u", i);
      cr_assert_str_eq (fig->key, want[i].key, "figure %u", i);
      cr_assert_eq (fig->is_double, want[i].is_double, "figure %u", i);
      if (want[i].is_double)
        cr_assert_eq (fig->d, want[i].d, "figure %u", i);
      else
        cr_assert_eq (fig->i, want[i].i, "figure %u", i);
    }

  found = fs_metrics_find_figure (f.m, "dns.servers", "ns2", "queries");
  cr_assert_not_null (found);
  cr_assert (found->is_double);
  cr_assert_eq (found->d, 12.5);
  found = fs_metrics_find_figure (f.m, "l2.storms", "app-vlan", "storms");
  cr_assert_not_null (found);
  cr_assert_eq (found->i, 2);
  cr_assert_null (fs_metrics_find_figure (f.m, "dns.servers", "ns3", "queries"));
  cr_assert_null (fs_metrics_find_figure (f.m, "dns", "servers", "queries"));
  fixture_free (&f);
}

/* --- output ----------------------------------------------------------------------------- */

/* A one-minute run with nothing scheduled: it ends at 60 s. Before it is finished, two services
 * are declared and fed by hand (there is no workload model yet):
 * - web, population office, clients 0 and 1, on a 20 s grid:
 *   client 0 fails at 10 s (servfail) and recovers at 35 s: 25 s down;
 *   client 1 succeeds at 5 s, fails at 40 s and 50 s (no_host): down 40 s to the end, 20 s;
 * - api, population batch, client 2, one success at 12 s.
 * web: affected 2, sorted downtimes [20, 25]: mean and p50 22.5, p95 20 + 0.95 * 5 = 24.75,
 * p99 20 + 0.99 * 5 = 24.95, max 25; lost 45 s; the window opens at 10 s and never closes.
 * Its curve at 0, 20, 40 (client 1's failure at 40 s included), 60: 1, 0.5, 0.5, 0.5. */
static FsSim *
run_with_clients (FsScenario **sc, gboolean with_figures)
{
  g_autoptr (GError) error = NULL;
  FsClientStats *cs;
  FsSim *sim;
  guint web, api;

  *sc = fs_scenario_load_data ("t.yaml", "name: clients\nduration: 1m\nsites:\n  - name: a\n", -1,
                               NULL, &error);
  cr_assert_not_null (*sc, "%s", error ? error->message : "");
  sim = fs_sim_new (*sc, 1, 0, &error);
  cr_assert_not_null (sim, "%s", error ? error->message : "");
  cs = fs_metrics_clients (fs_sim_metrics (sim));
  fs_client_stats_set_sample_interval (cs, 20 * S);
  web = fs_client_stats_add_service (cs, "web");
  api = fs_client_stats_add_service (cs, "api");
  fs_client_stats_add_population (cs, "office", web, 2);
  fs_client_stats_add_population (cs, "batch", api, 1);
  fs_sim_run (sim, fs_scenario_duration (*sc));
  cr_assert_eq (fs_kernel_now (fs_sim_kernel (sim)), 60 * S);
  fs_client_stats_record (cs, 1, 5 * S, FS_FAIL_NONE);
  fs_client_stats_record (cs, 0, 10 * S, FS_FAIL_SERVFAIL);
  fs_client_stats_record (cs, 2, 12 * S, FS_FAIL_NONE);
  fs_client_stats_record (cs, 0, 35 * S, FS_FAIL_NONE);
  fs_client_stats_record (cs, 1, 40 * S, FS_FAIL_NO_HOST);
  fs_client_stats_record (cs, 1, 50 * S, FS_FAIL_NO_HOST);
  if (with_figures)
    set_sample_figures (fs_sim_metrics (sim));
  fs_sim_finish (sim);
  return sim;
}

static JsonObject *
parse_object (JsonParser *parser, const char *text)
{
  g_autoptr (GError) error = NULL;

  cr_assert (json_parser_load_from_data (parser, text, -1, &error), "%s",
             error ? error->message : "");
  return json_node_get_object (json_parser_get_root (parser));
}

static void
assert_members (JsonObject *o, const char *const *want)
{
  g_autoptr (GList) members = json_object_get_members (o);
  GList *l;
  guint i = 0;

  for (l = members; l != NULL; l = l->next, i++)
    {
      cr_assert_not_null (want[i], "extra member '%s'", (const char *) l->data);
      cr_assert_str_eq (l->data, want[i]);
    }
  cr_assert_null (want[i], "missing member '%s'", want[i]);
}

Test (client_output, summary_json_has_the_services)
{
  g_autoptr (FsScenario) sc = NULL;
  g_autoptr (FsSim) sim = run_with_clients (&sc, FALSE);
  FsRunInfo info = { .seed = 1, .horizon = 60 * S, .status = FS_RUN_HORIZON };
  g_autofree char *text = fs_output_summary_json (sim, &info);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root = parse_object (parser, text);
  const char *top[] = { "failsim", "scenario", "run", "notices", "measures", "outages",
                        "services", NULL };
  const char *causes[] = { "resolver_unreachable", "servfail", "nxdomain", "source_down",
                           "no_route", "dead_hop", "loop", "no_host", "not_serving", NULL };
  const double served[] = { 1, 0.5, 0.5, 0.5 };
  JsonObject *services, *web, *api, *by_cause, *down, *window, *curve;
  JsonArray *points;
  guint i;

  assert_members (root, top);
  services = json_object_get_object_member (root, "services");
  web = json_object_get_object_member (services, "web");
  cr_assert_eq (json_object_get_int_member (web, "clients"), 2);
  cr_assert_eq (json_object_get_int_member (web, "affected"), 2);
  cr_assert_eq (json_object_get_int_member (web, "down_at_end"), 1);
  cr_assert_eq (json_object_get_int_member (web, "requests"), 5);
  cr_assert_eq (json_object_get_int_member (web, "failed_requests"), 3);
  by_cause = json_object_get_object_member (web, "failed_by_cause");
  assert_members (by_cause, causes);
  cr_assert_eq (json_object_get_int_member (by_cause, "servfail"), 1);
  cr_assert_eq (json_object_get_int_member (by_cause, "no_host"), 2);
  cr_assert_eq (json_object_get_int_member (by_cause, "loop"), 0);
  cr_assert_eq (json_object_get_double_member (web, "client_seconds_lost"), 45.0);
  down = json_object_get_object_member (web, "downtime");
  cr_assert_eq (json_object_get_double_member (down, "mean_s"), 22.5);
  cr_assert_eq (json_object_get_double_member (down, "p50_s"), 22.5);
  cr_assert_eq (json_object_get_double_member (down, "p95_s"), 24.75);
  cr_assert_eq (json_object_get_double_member (down, "p99_s"), 24.95);
  cr_assert_eq (json_object_get_double_member (down, "max_s"), 25.0);
  window = json_object_get_object_member (web, "window");
  cr_assert_str_eq (json_object_get_string_member (window, "start"), "10s");
  cr_assert (json_object_get_null_member (window, "end"));
  curve = json_object_get_object_member (web, "recovery_curve");
  cr_assert_str_eq (json_object_get_string_member (curve, "interval"), "20s");
  points = json_object_get_array_member (curve, "served");
  cr_assert_eq (json_array_get_length (points), G_N_ELEMENTS (served));
  for (i = 0; i < G_N_ELEMENTS (served); i++)
    cr_assert_eq (json_array_get_double_element (points, i), served[i], "point %u", i);

  api = json_object_get_object_member (services, "api");
  cr_assert_eq (json_object_get_int_member (api, "clients"), 1);
  cr_assert_eq (json_object_get_int_member (api, "affected"), 0);
  cr_assert_eq (json_object_get_int_member (api, "requests"), 1);
  cr_assert (json_object_get_null_member (api, "downtime"));
  window = json_object_get_object_member (api, "window");
  cr_assert (json_object_get_null_member (window, "start"));
  cr_assert (json_object_get_null_member (window, "end"));
}

Test (client_output, figures_nest_by_group_parts)
{
  g_autoptr (FsScenario) sc = NULL;
  g_autoptr (FsSim) sim = run_with_clients (&sc, TRUE);
  FsRunInfo info = { .seed = 1, .horizon = 60 * S, .status = FS_RUN_HORIZON };
  g_autofree char *text = fs_output_summary_json (sim, &info);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root = parse_object (parser, text);
  const char *top[] = { "failsim", "scenario", "run", "notices", "measures", "outages",
                        "services", "dns", "l2", NULL };
  const char *dns_parts[] = { "servers", "resolvers", NULL };
  const char *ns1_keys[] = { "queries", "peak_qps", NULL };
  /* l2.storms was set between dns.servers and dns.resolvers; they still share one "dns". */
  const char *want =
    "  \"dns\" : {\n"
    "    \"servers\" : {\n"
    "      \"ns1\" : {\n"
    "        \"queries\" : 1234,\n"
    "        \"peak_qps\" : 3\n"
    "      },\n"
    "      \"ns2\" : {\n"
    "        \"queries\" : 12.5\n"
    "      }\n"
    "    },\n"
    "    \"resolvers\" : {\n"
    "      \"r1\" : {\n"
    "        \"hit_ratio\" : 0.25\n"
    "      }\n"
    "    }\n"
    "  },\n"
    "  \"l2\" : {\n"
    "    \"storms\" : {\n"
    "      \"app-vlan\" : {\n"
    "        \"storms\" : 2\n"
    "      }\n"
    "    }\n"
    "  }\n"
    "}\n";
  JsonObject *dns, *ns1;

  assert_members (root, top);
  dns = json_object_get_object_member (root, "dns");
  assert_members (dns, dns_parts);
  ns1 = json_object_get_object_member (json_object_get_object_member (dns, "servers"), "ns1");
  assert_members (ns1, ns1_keys);
  cr_assert_eq (json_node_get_value_type (json_object_get_member (ns1, "queries")), G_TYPE_INT64);
  cr_assert (g_str_has_suffix (text, want), "%s", text);
}

Test (client_output, csv_files_have_a_row_per_client_and_per_point)
{
  g_autoptr (FsScenario) sc = NULL;
  g_autoptr (FsSim) sim = run_with_clients (&sc, FALSE);
  FsRunInfo info = { .seed = 1, .horizon = 60 * S, .status = FS_RUN_HORIZON };
  g_autofree char *dir = g_dir_make_tmp ("failsim-clients-XXXXXX", NULL);
  g_autofree char *clients_path = g_build_filename (dir, "clients.csv", NULL);
  g_autofree char *recovery_path = g_build_filename (dir, "recovery.csv", NULL);
  g_autofree char *clients = NULL, *recovery = NULL;
  g_autoptr (GError) error = NULL;
  const char *names[] = { "outages.csv", "notices.csv", "clients.csv", "recovery.csv",
                          "summary.json", "topology.json" };
  guint i;

  cr_assert (fs_output_write_run (dir, sim, &info, &error), "%s", error ? error->message : "");
  cr_assert (g_file_get_contents (clients_path, &clients, NULL, NULL));
  cr_assert (g_file_get_contents (recovery_path, &recovery, NULL, NULL));
  cr_assert_str_eq (clients,
                    "client,population,service,requests,failed,episodes,downtime_s,"
                    "first_failure_s,last_recovery_s,down_at_end\n"
                    "0,office,web,2,1,1,25.000000000,10.000000000,35.000000000,0\n"
                    "1,office,web,3,2,1,20.000000000,40.000000000,,1\n"
                    "2,batch,api,1,0,0,0.000000000,,,0\n");
  cr_assert_str_eq (recovery,
                    "service,time_s,served\n"
                    "web,0.000000000,1.000000\n"
                    "web,20.000000000,0.500000\n"
                    "web,40.000000000,0.500000\n"
                    "web,60.000000000,0.500000\n"
                    "api,0.000000000,1.000000\n"
                    "api,20.000000000,1.000000\n"
                    "api,40.000000000,1.000000\n"
                    "api,60.000000000,1.000000\n");
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      cr_assert_eq (g_unlink (path), 0, "%s", names[i]);
    }
  cr_assert_eq (g_rmdir (dir), 0);
}

Test (client_output, a_run_without_clients_has_no_client_files_nor_services)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load_data (
    "t.yaml", "name: plain\nduration: 1m\nsites:\n  - name: a\n", -1, NULL, &error);
  g_autoptr (FsSim) sim = fs_sim_new (sc, 1, 0, &error);
  FsRunInfo info = { .seed = 1, .horizon = 60 * S, .status = FS_RUN_HORIZON };
  g_autofree char *dir = g_dir_make_tmp ("failsim-clients-XXXXXX", NULL);
  g_autofree char *clients_path = g_build_filename (dir, "clients.csv", NULL);
  g_autofree char *recovery_path = g_build_filename (dir, "recovery.csv", NULL);
  g_autofree char *summary_path = g_build_filename (dir, "summary.json", NULL);
  g_autofree char *summary = NULL, *text = NULL;
  const char *names[] = { "outages.csv", "notices.csv", "summary.json", "topology.json" };
  g_autoptr (GDir) d = NULL;
  guint i, n = 0;

  fs_sim_run (sim, fs_scenario_duration (sc));
  fs_sim_finish (sim);
  cr_assert (fs_output_write_run (dir, sim, &info, &error), "%s", error ? error->message : "");
  cr_assert_not (g_file_test (clients_path, G_FILE_TEST_EXISTS));
  cr_assert_not (g_file_test (recovery_path, G_FILE_TEST_EXISTS));
  cr_assert (g_file_get_contents (summary_path, &summary, NULL, NULL));
  /* The summary still ends with the outages, as before client stats existed. */
  cr_assert (g_str_has_suffix (summary, "  \"outages\" : {  }\n}\n"), "%s", summary);
  text = fs_output_summary_text (sim, &info);
  cr_assert_null (strstr (text, "services"), "%s", text);

  d = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (d) != NULL)
    n++;
  cr_assert_eq (n, 4);
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      cr_assert_eq (g_unlink (path), 0, "%s", names[i]);
    }
  cr_assert_eq (g_rmdir (dir), 0);
}

/* The columns are those of the outages and measures blocks: labels padded to "measures" (8),
 * the longest here. The budget line follows for each affected service: these outcomes came
 * without a workload to classify them, so all of it is 'other'. */
Test (client_output, text_summary_lists_services_and_figures)
{
  g_autoptr (FsScenario) sc = NULL;
  g_autoptr (FsSim) sim = run_with_clients (&sc, TRUE);
  FsRunInfo info = { .seed = 1, .horizon = 60 * S, .status = FS_RUN_HORIZON };
  g_autofree char *text = fs_output_summary_text (sim, &info);
  const char *want =
    "\n  no outages\n"
    "\n"
    "  services clients affected  mean           p95            max            client-s lost  window\n"
    "  web            2        2  22.5s          24.75s         25s                     45.0  10s .. (still down)\n"
    "  api            1        0  -              -              -                        0.0  -\n"
    "  web      budget: other 22.5s\n"
    "\n"
    "  dns.servers ns1: queries 1234, peak_qps 3\n"
    "  dns.servers ns2: queries 12.5\n"
    "  l2.storms app-vlan: storms 2\n"
    "  dns.resolvers r1: hit_ratio 0.25\n";

  cr_assert (g_str_has_suffix (text, want), "%s", text);
}
