/* test-experiment.c: metric sets, replications and their statistics, common random numbers,
 * paired differences and assertions, against hand-worked values and closed forms. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "failsim/experiment.h"
#include "failsim/output.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"

#define S FS_SEC

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (stats);
TestSuite (metric_set, .init = enter_source_dir);
TestSuite (experiment, .init = enter_source_dir);
TestSuite (assertion);

/* --- helpers ------------------------------------------------------------------------------------- */

static FsScenario *
load (const char *path, const char *const *sets)
{
  g_autoptr (GError) error = NULL;
  FsScenario *sc = fs_scenario_load (path, sets, &error);

  cr_assert_not_null (sc, "%s", error ? error->message : "");
  return sc;
}

static FsExperiment *
run (const FsScenario *sc, guint reps, guint jobs, uint64_t first)
{
  g_autoptr (GError) error = NULL;
  FsExperimentOptions opt = { fs_scenario_seed (sc), first, reps, jobs, fs_scenario_duration (sc), NULL };
  FsExperiment *e = fs_experiment_run (sc, &opt, &error);

  cr_assert_not_null (e, "%s", error ? error->message : "");
  return e;
}

/* An experiment over sets made by hand: metric "x" takes @x[k] in replication k. */
static FsExperiment *
experiment_of (const double *x, guint n)
{
  GPtrArray *sets = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_metric_set_free);
  FsExperimentOptions opt = { 1, 0, n, 1, FS_HOUR, NULL };
  guint k;

  for (k = 0; k < n; k++)
    {
      FsMetricSet *set = fs_metric_set_new ();

      fs_metric_set_add (set, "x", FS_METRIC_SECONDS, x[k]);
      g_ptr_array_add (sets, set);
    }
  return fs_experiment_new_from_sets (NULL, &opt, sets);
}

/* A single-run sim of @path, finished. */
static FsSim *
finished_sim (const FsScenario *sc)
{
  g_autoptr (GError) error = NULL;
  FsSim *sim = fs_sim_new (sc, fs_scenario_seed (sc), 0, &error);

  cr_assert_not_null (sim, "%s", error ? error->message : "");
  fs_sim_run (sim, fs_scenario_duration (sc));
  fs_sim_finish (sim);
  return sim;
}

/* --- statistics ---------------------------------------------------------------------------------- */

/* Student's t table: t(0.975, 4) = 2.7764451, t(0.975, 9) = 2.2621572, t(0.975, 1) = 12.7062047,
 * and toward the normal quantile 1.959964 as the degrees of freedom grow. */
Test (stats, t_quantiles_match_the_table)
{
  cr_expect_float_eq (fs_stats_t975 (1), 12.7062047, 1e-6);
  cr_expect_float_eq (fs_stats_t975 (4), 2.7764451, 1e-6);
  cr_expect_float_eq (fs_stats_t975 (9), 2.2621572, 1e-6);
  cr_expect_float_eq (fs_stats_t975 (1000000), 1.959964, 1e-5);
}

/* 1, 2, 3, 4, 5: mean 3, squares of deviations 4 + 1 + 0 + 1 + 4 = 10, sample variance 10/4,
 * sd sqrt(2.5) = 1.5811388, half-width t(0.975, 4) sd / sqrt(5) = 2.7764451 * 0.7071068
 * = 1.9632432. */
Test (stats, a_known_sample_gives_the_textbook_interval)
{
  const double x[] = { 1, 2, 3, 4, 5 };
  FsSummary s;

  fs_summary_compute (&s, x, 5);
  cr_assert_eq (s.n, 5);
  cr_assert_eq (s.mean, 3.0);
  cr_assert_float_eq (s.sd, sqrt (2.5), 1e-15);
  cr_assert_float_eq (s.ci95_half, 1.9632432, 1e-6);
  cr_assert_eq (s.min, 1.0);
  cr_assert_eq (s.max, 5.0);
}

Test (stats, one_value_has_no_sd_and_no_interval)
{
  const double x[] = { 42 };
  FsSummary s, none;

  fs_summary_compute (&s, x, 1);
  cr_assert_eq (s.mean, 42.0);
  cr_assert (isnan (s.sd) && isnan (s.ci95_half));
  cr_assert_eq (s.min, 42.0);
  fs_summary_compute (&none, NULL, 0);
  cr_assert_eq (none.n, 0);
  cr_assert (isnan (none.mean));
}

/* Large values that differ by little: a one-pass formula (sum of squares minus n mean^2) loses
 * every digit here; two passes keep the sd of 1e-3 exactly enough. */
Test (stats, the_sd_of_large_close_values_is_exact)
{
  const double x[] = { 3000.001, 3000.002, 3000.003 };
  FsSummary s;

  fs_summary_compute (&s, x, 3);
  cr_assert_float_eq (s.sd, 0.001, 1e-9);
}

/* The half-width is t(0.975, R-1) sd / sqrt(R). Alternating 0 and 1 over R (even) replications
 * has mean 1/2 and sample variance R / (4 (R - 1)) exactly, so the half-width at R = 400 is, in
 * closed form, t(399) sqrt(400 / 1596) / 20, and going from 100 to 400 replications shrinks it by
 * 2 t(99) sqrt(100/396) / (t(399) sqrt(400/1596)) = 2 x 1.0093 x 1.0038 = 2.026: 1/sqrt(R), with
 * t and the n - 1 of the sample variance adding 1.3%. */
Test (stats, the_interval_shrinks_as_one_over_sqrt_r)
{
  double x[400];
  g_autoptr (FsExperiment) e100 = NULL, e400 = NULL;
  const FsSummary *s100, *s400;
  guint k;

  for (k = 0; k < 400; k++)
    x[k] = k % 2;
  e100 = experiment_of (x, 100);
  e400 = experiment_of (x, 400);
  s100 = fs_experiment_find (e100, "x");
  s400 = fs_experiment_find (e400, "x");
  cr_assert_float_eq (s400->ci95_half, fs_stats_t975 (399) * sqrt (400.0 / 1596.0) / 20, 1e-12);
  cr_assert_float_eq (s100->ci95_half, fs_stats_t975 (99) * sqrt (100.0 / 396.0) / 10, 1e-12);
  cr_assert_float_eq (s100->ci95_half / s400->ci95_half,
                      2 * fs_stats_t975 (99) * sqrt (100.0 / 396.0)
                      / (fs_stats_t975 (399) * sqrt (400.0 / 1596.0)), 1e-12);
  cr_assert_float_eq (s100->ci95_half / s400->ci95_half, 2.0, 0.03);
}

/* Metric sets made by hand: n counts the replications that had the metric; names keep the order
 * of the sets, a late one placed after the name it follows. */
Test (stats, metrics_are_merged_in_order_and_counted_where_present)
{
  GPtrArray *sets = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_metric_set_free);
  FsExperimentOptions opt = { 1, 0, 3, 1, FS_HOUR, NULL };
  g_autoptr (FsExperiment) e = NULL;
  const char *order[] = { "a", "b", "c" };
  guint k;

  for (k = 0; k < 3; k++)
    {
      FsMetricSet *set = fs_metric_set_new ();

      fs_metric_set_add (set, "a", FS_METRIC_COUNT, k);
      if (k == 2)
        fs_metric_set_add (set, "b", FS_METRIC_SECONDS, 10);
      fs_metric_set_add (set, "c", FS_METRIC_NUMBER, 2 * k);
      fs_metric_set_add (set, "a", FS_METRIC_COUNT, 99);   /* a duplicate keeps the first */
      g_ptr_array_add (sets, set);
    }
  e = fs_experiment_new_from_sets (NULL, &opt, sets);
  cr_assert_eq (fs_experiment_n_metrics (e), 3);
  for (k = 0; k < 3; k++)
    cr_assert_str_eq (fs_experiment_metric (e, k)->name, order[k]);
  cr_assert_eq (fs_experiment_find (e, "a")->mean, 1.0);
  cr_assert_eq (fs_experiment_find (e, "a")->n, 3);
  cr_assert_eq (fs_experiment_find (e, "b")->n, 1);
  cr_assert_eq (fs_experiment_find (e, "b")->unit, FS_METRIC_SECONDS);
  cr_assert_eq (fs_experiment_find (e, "c")->max, 4.0);
}

/* Downtimes 1 s, 3 s (replication 0) and 2 s, 4 s, 5 s (replication 1) pool into 1..5 s:
 * p50 at (5 - 1) 0.5 = 2 -> 3 s; p95 at 3.8 -> 4 + 0.8 (5 - 4) = 4.8 s; p99 at 3.96 -> 4.96 s. */
Test (stats, pooled_quantiles_pool_every_affected_client)
{
  GPtrArray *sets = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_metric_set_free);
  FsExperimentOptions opt = { 1, 0, 2, 1, FS_HOUR, NULL };
  const FsTime d0[] = { 3 * S, 1 * S }, d1[] = { 5 * S, 2 * S, 4 * S };
  g_autoptr (FsExperiment) e = NULL;
  FsMetricSet *a = fs_metric_set_new (), *b = fs_metric_set_new ();
  const FsPooled *p;
  double v;
  guint i;

  fs_metric_set_add_service (a, "app");
  fs_metric_set_add_service (b, "app");
  for (i = 0; i < G_N_ELEMENTS (d0); i++)
    fs_metric_set_add_downtime (a, "app", d0[i]);
  for (i = 0; i < G_N_ELEMENTS (d1); i++)
    fs_metric_set_add_downtime (b, "app", d1[i]);
  g_ptr_array_add (sets, a);
  g_ptr_array_add (sets, b);
  e = fs_experiment_new_from_sets (NULL, &opt, sets);
  cr_assert_eq (fs_experiment_n_pooled (e), 1);
  p = fs_experiment_pooled (e, 0);
  cr_assert_eq (p->clients, 5);
  cr_assert_eq (p->p50, 3 * S);
  cr_assert_eq (p->p95, 4800 * FS_MSEC);
  cr_assert_eq (p->p99, 4960 * FS_MSEC);
  cr_assert (fs_experiment_find_pooled (e, "app.pooled.p95", &v));
  cr_assert_eq (v, 4.8);
  cr_assert (fs_experiment_find_pooled (e, "pooled.p99", &v), "one service: the short name");
  cr_assert_eq (v, 4.96);
  cr_assert_not (fs_experiment_find_pooled (e, "web.pooled.p95", &v));
}

/* --- metric sets of real runs -------------------------------------------------------------------- */

/* change-ip-failover.yaml, one run: the service's metrics are its FsServiceStats in seconds, in
 * the documented order, with the short names of a one-service scenario after them. */
Test (metric_set, a_run_gives_the_documented_names_and_values)
{
  g_autoptr (FsScenario) sc = load ("scenarios/change-ip-failover.yaml", NULL);
  g_autoptr (FsSim) sim = finished_sim (sc);
  g_autoptr (FsMetricSet) set = fs_metric_set_from_sim (sim);
  const FsServiceStats *s = fs_client_stats_service (fs_metrics_clients (fs_sim_metrics (sim)), 0);
  const char *first[] = { "app.downtime.mean", "app.downtime.p50", "app.downtime.p95",
                          "app.downtime.p99", "app.downtime.max", "app.client_seconds_lost",
                          "app.affected", "app.failed_requests", "app.window", "app.down_at_end",
                          "downtime.mean", "downtime.p50", "downtime.p95", "downtime.p99",
                          "downtime.max", "client_seconds_lost", "affected", "failed_requests",
                          "window", "down_at_end", "dns.authoritative_queries", "dns.peak_qps",
                          "routing.convergence", "routing.convergence.max", "outage.site.primary" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (first); i++)
    cr_assert_str_eq (fs_metric_set_get (set, i)->name, first[i]);
  cr_assert_eq (fs_metric_set_find (set, "downtime.p95")->value, fs_time_to_seconds (s->p95));
  cr_assert_eq (fs_metric_set_find (set, "app.downtime.p95")->unit, FS_METRIC_SECONDS);
  cr_assert_eq (fs_metric_set_find (set, "affected")->value, s->affected);
  cr_assert_eq (fs_metric_set_find (set, "affected")->unit, FS_METRIC_COUNT);
  cr_assert_eq (fs_metric_set_find (set, "window")->value,
                fs_time_to_seconds (s->window_end - s->window_start));
  /* The primary fails at 10m of a 1h run and is never repaired. */
  cr_assert_eq (fs_metric_set_find (set, "outage.site.primary")->value, 3000.0);
  /* Routes converge once, 1m30.025s after the failure (docs/model-network.md). */
  cr_assert_eq (fs_metric_set_find (set, "routing.convergence")->value, 90.025);
  /* dc-primary and dc-recovery: 8 + 40 queries (the run summary of seed 1). */
  cr_assert_eq (fs_metric_set_find (set, "dns.authoritative_queries")->value, 48.0);
  cr_assert_null (fs_metric_set_find (set, "fault_spread.sites"), "no VLAN, no fault spread");
}

/* stretched-vlan-storm.yaml: the app-vlan storm floods primary and recovery for 5m (3 hosts,
 * the dci link), the db-vlan storm floods primary for 2s (2 hosts). Over the run: 2 sites (the
 * primary counted once), 5 hosts, 1 link, 2 VLANs, 3 x 300 + 2 x 2 = 904 host-seconds. */
Test (metric_set, fault_spread_counts_each_entity_once)
{
  g_autoptr (FsScenario) sc = load ("scenarios/stretched-vlan-storm.yaml", NULL);
  g_autoptr (FsSim) sim = finished_sim (sc);
  g_autoptr (FsMetricSet) set = fs_metric_set_from_sim (sim);

  cr_assert_eq (fs_metric_set_find (set, "fault_spread.sites")->value, 2.0);
  cr_assert_eq (fs_metric_set_find (set, "fault_spread.hosts")->value, 5.0);
  cr_assert_eq (fs_metric_set_find (set, "fault_spread.links")->value, 1.0);
  cr_assert_eq (fs_metric_set_find (set, "fault_spread.vlans")->value, 2.0);
  cr_assert_eq (fs_metric_set_find (set, "fault_spread.host_seconds")->value, 904.0);
  cr_assert_eq (fs_metric_set_find (set, "fault_spread.requests_failed")->value, 0.0);
  cr_assert_eq (fs_metric_set_find (set, "storm.duration.max")->value, 300.0);
  cr_assert_null (fs_metric_set_find (set, "downtime.p95"), "no clients, no downtime");
}

/* stretched-vlan-move.yaml has VLANs and no storm: a spread of zero, not an absent metric, so
 * a mean over replications counts the runs without a storm. */
Test (metric_set, vlans_without_a_storm_spread_nothing)
{
  g_autoptr (FsScenario) sc = load ("scenarios/stretched-vlan-move.yaml", NULL);
  g_autoptr (FsSim) sim = finished_sim (sc);
  g_autoptr (FsMetricSet) set = fs_metric_set_from_sim (sim);

  cr_assert_not_null (fs_metric_set_find (set, "fault_spread.sites"));
  cr_assert_eq (fs_metric_set_find (set, "fault_spread.sites")->value, 0.0);
  cr_assert_eq (fs_metric_set_find (set, "fault_spread.host_seconds")->value, 0.0);
}

/* change-ip-recovery-plan.yaml: the plan's failover, as its figure failover_s says (3m0.041s at
 * seed 1). */
Test (metric_set, a_plan_that_ran_reports_its_failover)
{
  g_autoptr (FsScenario) sc = load ("scenarios/change-ip-recovery-plan.yaml", NULL);
  g_autoptr (FsSim) sim = finished_sim (sc);
  g_autoptr (FsMetricSet) set = fs_metric_set_from_sim (sim);
  const FsFigure *f = fs_metrics_find_figure (fs_sim_metrics (sim), "dr.plans", "rp-app", "failover_s");

  cr_assert_not_null (f);
  cr_assert_eq (fs_metric_set_find (set, "dr.rp-app.failover")->value, f->d);
  cr_assert_float_eq (f->d, 180.041, 1e-3);
}

Test (metric_set, values_are_formatted_for_people)
{
  char buf[64];

  fs_metric_format (FS_METRIC_SECONDS, 329.502283105, buf, sizeof buf);
  cr_expect_str_eq (buf, "5m29.502s");
  fs_metric_format (FS_METRIC_SECONDS, -72.0, buf, sizeof buf);
  cr_expect_str_eq (buf, "-1m12s");
  fs_metric_format (FS_METRIC_SECONDS, 0.0250001, buf, sizeof buf);
  cr_expect_str_eq (buf, "25ms");
  fs_metric_format (FS_METRIC_COUNT, 1100, buf, sizeof buf);
  cr_expect_str_eq (buf, "1100");
  fs_metric_format (FS_METRIC_COUNT, 1095.35, buf, sizeof buf);
  cr_expect_str_eq (buf, "1095.3");
  fs_metric_format (FS_METRIC_NUMBER, 0.12345, buf, sizeof buf);
  cr_expect_str_eq (buf, "0.1235");
  fs_metric_format (FS_METRIC_SECONDS, NAN, buf, sizeof buf);
  cr_expect_str_eq (buf, "-");
}

/* --- replications -------------------------------------------------------------------------------- */

/* A toy model with a known law: site x fails at T ~ exponential(10m) and is never repaired, so
 * outage.site.x = 10h - T (T > 10h has probability e^-60): mean 36000 - 600 = 35400 s, sd 600 s.
 * At R = 400 the half-width should be t(0.975, 399) 600 / 20 = 58.98 s; the sample sd of 400
 * exponential draws has a relative standard error of sqrt((kurtosis - 1) / 4R) = sqrt(8/1600)
 * = 7.1%, so 25% (3.5 standard errors) is the tolerance. At the fixed seed 1 the mean lies within
 * its own interval of the closed-form mean (it would, for 95% of seeds). */
static const char toy[] =
  "name: toy\n"
  "seed: 1\n"
  "duration: 10h\n"
  "sites:\n"
  "  - name: x\n"
  "timeline:\n"
  "  - at: exponential(10m)\n"
  "    action: site.fail\n"
  "    site: x\n";

Test (experiment, a_known_variance_model_gives_the_textbook_interval)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load_data ("toy.yaml", toy, -1, NULL, &error);
  g_autoptr (FsExperiment) e400 = NULL, e100 = NULL;
  const FsSummary *s400, *s100;
  double expected400 = 1.959964 * 600 / 20, expected100 = 1.959964 * 600 / 10;

  cr_assert_not_null (sc, "%s", error ? error->message : "");
  e400 = run (sc, 400, 2, 0);
  e100 = run (sc, 100, 2, 0);
  s400 = fs_experiment_find (e400, "outage.site.x");
  s100 = fs_experiment_find (e100, "outage.site.x");
  cr_assert_not_null (s400);
  cr_assert_eq (s400->n, 400);
  cr_assert_eq (s400->unit, FS_METRIC_SECONDS);
  cr_expect (fabs (s400->ci95_half - expected400) < 0.25 * expected400,
             "R=400: half-width %g s, expected %g s +- 25%%", s400->ci95_half, expected400);
  cr_expect (fabs (s400->mean - 35400) <= s400->ci95_half,
             "mean %g s, closed form 35400 s, half-width %g s", s400->mean, s400->ci95_half);
  /* At R = 100 the relative standard error of the sd is 14%: 50% is 3.5 of them. */
  cr_expect (fabs (s100->ci95_half - expected100) < 0.5 * expected100,
             "R=100: half-width %g s, expected %g s +- 50%%", s100->ci95_half, expected100);
  cr_expect (s100->ci95_half > 1.4 * s400->ci95_half, "the interval shrinks with R");
}

/* The same replications on 1 and 4 threads: the same values, bit for bit, and the same bytes of
 * experiment.json and replications.csv. */
Test (experiment, results_do_not_depend_on_the_number_of_jobs)
{
  g_autoptr (FsScenario) sc = load ("scenarios/change-ip-failover.yaml", NULL);
  g_autoptr (FsExperiment) one = run (sc, 8, 1, 0);
  g_autoptr (FsExperiment) four = run (sc, 8, 4, 0);
  g_autofree char *json1 = fs_output_experiment_json (one);
  g_autofree char *json4 = fs_output_experiment_json (four);
  g_autofree char *csv1 = fs_output_replications_csv (one);
  g_autofree char *csv4 = fs_output_replications_csv (four);
  guint k, i;

  for (k = 0; k < 8; k++)
    {
      const FsMetricSet *a = fs_experiment_replication (one, k);
      const FsMetricSet *b = fs_experiment_replication (four, k);

      cr_assert_eq (fs_metric_set_len (a), fs_metric_set_len (b));
      for (i = 0; i < fs_metric_set_len (a); i++)
        {
          cr_assert_str_eq (fs_metric_set_get (a, i)->name, fs_metric_set_get (b, i)->name);
          cr_assert (memcmp (&fs_metric_set_get (a, i)->value, &fs_metric_set_get (b, i)->value,
                             sizeof (double)) == 0, "%s differs in replication %u",
                     fs_metric_set_get (a, i)->name, k);
        }
    }
  cr_assert_str_eq (json1, json4);
  cr_assert_str_eq (csv1, csv4);
}

/* A stop flag that is up before the start runs nothing and says so; one that stays down
 * changes nothing. */
Test (experiment, a_stop_before_the_start_runs_nothing)
{
  g_autoptr (FsScenario) sc = load ("scenarios/change-ip-failover.yaml", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (FsExperiment) plain = run (sc, 3, 2, 0);
  g_autoptr (FsExperiment) kept = NULL;
  g_autofree char *json_plain = fs_output_experiment_json (plain), *json_kept = NULL;
  gint up = 1, down = 0;
  FsExperimentOptions opt = { fs_scenario_seed (sc), 0, 3, 2, fs_scenario_duration (sc), &up };

  cr_assert_null (fs_experiment_run (sc, &opt, &error));
  cr_assert (g_error_matches (error, FS_EXPERIMENT_ERROR, FS_EXPERIMENT_ERROR_STOPPED));
  opt.stop = &down;
  kept = fs_experiment_run (sc, &opt, NULL);
  cr_assert_not_null (kept);
  json_kept = fs_output_experiment_json (kept);
  cr_assert_str_eq (json_kept, json_plain);
}

static gpointer
raise_after_200ms (gpointer flag)
{
  g_usleep (200000);
  g_atomic_int_set ((gint *) flag, 1);
  return NULL;
}

/* A stop mid-way on four threads leaves the first m replications, whichever thread ran them:
 * the experiment of m replications, to the byte. */
Test (experiment, a_stop_keeps_the_first_replications_finished)
{
  g_autoptr (FsScenario) sc = load ("scenarios/change-ip-failover.yaml", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (FsExperiment) stopped = NULL, whole = NULL;
  g_autofree char *json_stopped = NULL, *json_whole = NULL, *csv_stopped = NULL, *csv_whole = NULL;
  gint flag = 0;
  FsExperimentOptions opt = { fs_scenario_seed (sc), 0, 1000000, 4, fs_scenario_duration (sc), &flag };
  GThread *raiser = g_thread_new ("stop", raise_after_200ms, &flag);
  guint m;

  stopped = fs_experiment_run (sc, &opt, &error);
  g_thread_join (raiser);
  cr_assert_not_null (stopped, "%s", error ? error->message : "");
  m = fs_experiment_n_reps (stopped);
  cr_assert (m >= 1 && m < 1000000, "m = %u", m);
  cr_assert_eq (fs_experiment_options (stopped)->reps, m);
  cr_assert_null (fs_experiment_options (stopped)->stop);
  whole = run (sc, m, 1, 0);
  json_stopped = fs_output_experiment_json (stopped);
  json_whole = fs_output_experiment_json (whole);
  csv_stopped = fs_output_replications_csv (stopped);
  csv_whole = fs_output_replications_csv (whole);
  cr_assert_str_eq (json_stopped, json_whole);
  cr_assert_str_eq (csv_stopped, csv_whole);
}

/* Replication k of an experiment is the single run with --rep k. */
Test (experiment, replication_k_is_the_run_with_rep_k)
{
  g_autoptr (FsScenario) sc = load ("scenarios/change-ip-failover.yaml", NULL);
  g_autoptr (FsExperiment) e = run (sc, 3, 2, 5);
  g_autoptr (GError) error = NULL;
  g_autoptr (FsSim) sim = fs_sim_new (sc, fs_scenario_seed (sc), 6, &error);
  g_autoptr (FsMetricSet) set = NULL;

  fs_sim_run (sim, fs_scenario_duration (sc));
  fs_sim_finish (sim);
  set = fs_metric_set_from_sim (sim);
  cr_assert_eq (fs_metric_set_find (fs_experiment_replication (e, 1), "downtime.mean")->value,
                fs_metric_set_find (set, "downtime.mean")->value);
}

/* Common random numbers: a scenario compared with itself differs by exactly zero in every
 * metric and every replication. */
Test (experiment, a_scenario_compared_with_itself_differs_by_exactly_zero)
{
  g_autoptr (FsScenario) a = load ("scenarios/change-ip-failover.yaml", NULL);
  g_autoptr (FsScenario) b = load ("scenarios/change-ip-failover.yaml", NULL);
  g_autoptr (FsExperiment) ea = run (a, 6, 2, 0);
  g_autoptr (FsExperiment) eb = run (b, 6, 1, 0);
  guint i;

  cr_assert_gt (fs_experiment_n_metrics (ea), 20);
  for (i = 0; i < fs_experiment_n_metrics (ea); i++)
    {
      const char *name = fs_experiment_metric (ea, i)->name;
      FsDifference d;

      cr_assert (fs_experiment_difference (ea, eb, name, &d), "%s", name);
      cr_assert (d.identical, "%s", name);
      cr_assert_eq (d.diff.mean, 0.0, "%s", name);
      cr_assert_eq (d.diff.sd, 0.0, "%s", name);
      cr_assert_eq (d.diff.ci95_half, 0.0, "%s", name);
      cr_assert_not (d.significant, "%s", name);
    }
}

/* Experiments with different seeds or replications cannot be paired. */
Test (experiment, unpaired_experiments_are_refused)
{
  g_autoptr (FsScenario) sc = load ("scenarios/site-outage.yaml", NULL);
  g_autoptr (FsExperiment) a = run (sc, 3, 1, 0);
  g_autoptr (FsExperiment) b = run (sc, 3, 1, 1);
  FsDifference d;

  cr_assert_not (fs_experiment_difference (a, b, "outage.site.primary", &d));
}

/* TTL 300 s against TTL 30 s (scenarios/change-ip-failover*.yaml), R = 10 at seed 1. The paired
 * interval of the difference in downtime.mean is narrower than Welch's unpaired interval: with
 * common random numbers the failover, the boot time, the clients' arrivals and the caches'
 * phases are the same in replication k of both, so what varies between replications moves both
 * variants together and cancels in the difference. */
Test (experiment, common_random_numbers_narrow_the_interval_of_a_difference)
{
  g_autoptr (FsScenario) a = load ("scenarios/change-ip-failover.yaml", NULL);
  g_autoptr (FsScenario) b = load ("scenarios/change-ip-failover-ttl30.yaml", NULL);
  g_autoptr (FsExperiment) ea = run (a, 10, 2, 0);
  g_autoptr (FsExperiment) eb = run (b, 10, 2, 0);
  FsDifference d;

  cr_assert (fs_experiment_difference (ea, eb, "downtime.mean", &d));
  cr_assert_eq (d.diff.n, 10);
  cr_expect_lt (d.diff.ci95_half, d.welch_ci95_half, "paired %g s, unpaired %g s",
                d.diff.ci95_half, d.welch_ci95_half);
  cr_expect (d.significant && d.diff.mean < 0, "TTL 30 s lowers the mean downtime");
}

/* --- assertions ---------------------------------------------------------------------------------- */

Test (assertion, expressions_are_read)
{
  const struct {
    const char *text;
    const char *metric;
    FsCompareOp op;
    double value;
    gboolean duration;
  } cases[] = {
    { "downtime.p95 < 5m", "downtime.p95", FS_OP_LT, 300, TRUE },
    { "  downtime.p95<=300s ", "downtime.p95", FS_OP_LE, 300, TRUE },
    { "fault_spread.sites <= 1", "fault_spread.sites", FS_OP_LE, 1, FALSE },
    { "affected > 0.5", "affected", FS_OP_GT, 0.5, FALSE },
    { "x >= -3", "x", FS_OP_GE, -3, FALSE },
    { "x == 1m30s", "x", FS_OP_EQ, 90, TRUE },
    { "x != 0", "x", FS_OP_NE, 0, FALSE },
    { "downtime.p95.ci_high < 1h", "downtime.p95.ci_high", FS_OP_LT, 3600, TRUE },
    { "outage.blackhole.r1 2001:db8::/32 < 1m", "outage.blackhole.r1 2001:db8::/32", FS_OP_LT, 60, TRUE },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (FsAssertion) a = fs_assertion_parse (cases[i].text, NULL, &error);

      cr_assert_not_null (a, "%s: %s", cases[i].text, error ? error->message : "");
      cr_expect_str_eq (a->metric, cases[i].metric);
      cr_expect_eq (a->op, cases[i].op, "%s", cases[i].text);
      cr_expect_eq (a->value, cases[i].value, "%s", cases[i].text);
      cr_expect_eq (a->is_duration, cases[i].duration, "%s", cases[i].text);
      cr_expect_null (a->variant);
    }
}

Test (assertion, malformed_expressions_say_what_is_wrong)
{
  const char *const variants[] = { "ttl30", "ttl300", NULL };
  const struct {
    const char *text;
    const char *message;
  } cases[] = {
    { "", "empty; expected METRIC OP VALUE, such as 'downtime.p95 < 5m'" },
    { "downtime.p95 5m", "no comparison operator; expected METRIC OP VALUE with OP one of < <= > >= == !=" },
    { "downtime.p95 = 5m", "'=' is not an operator; write '==' to test equality" },
    { "x ! 1", "'!' is not an operator; write '!=' to test inequality" },
    { "< 5m", "no metric before '<'" },
    { "x >=", "no value after '>='" },
    { "x < 5 minutes", "'5 minutes' is neither a number nor a duration (such as 300, 5m or 1m30s)" },
    { "1 < x < 3", "more than one comparison operator ('x < 3' after '<')" },
    { "ttl3:x < 1", "no variant named 'ttl3'; did you mean 'ttl30'?" },
    { "base:x < 1", "no variant named 'base'; the variants are ttl30, ttl300" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (FsAssertion) a = fs_assertion_parse (cases[i].text, variants, &error);

      cr_assert_null (a, "'%s' was accepted", cases[i].text);
      cr_expect_str_eq (error->message, cases[i].message);
    }
}

Test (assertion, a_variant_prefix_names_a_variant)
{
  const char *const variants[] = { "ttl30", "ttl300", NULL };
  g_autoptr (FsAssertion) a = fs_assertion_parse ("ttl300:downtime.p95 < 5m", variants, NULL);
  g_autoptr (FsAssertion) b = fs_assertion_parse ("downtime.p95 < 5m", variants, NULL);

  cr_assert_str_eq (a->variant, "ttl300");
  cr_assert_str_eq (a->metric, "downtime.p95");
  cr_assert_null (b->variant);
}

/* x over three replications: 10, 20, 30 s: mean 20 s, sd 10 s, half-width t(2) 10 / sqrt(3)
 * = 24.84 s. */
Test (assertion, checks_compare_the_mean_or_a_bound_of_its_interval)
{
  const double x[] = { 10, 20, 30 };
  g_autoptr (FsExperiment) e = experiment_of (x, 3);
  const struct {
    const char *text;
    gboolean pass;
    const char *message;
  } cases[] = {
    { "x == 20", TRUE, "20s (mean of 3 replications, 95% CI -4.841s..44.841s)" },
    { "x < 20s", FALSE, "20s (mean of 3 replications, 95% CI -4.841s..44.841s), not < 20s" },
    { "x.ci_high < 45s", TRUE, "44.841s (upper bound of the 95% CI of the mean of 3 replications)" },
    { "x.ci_low > 0", FALSE, "-4.841s (lower bound of the 95% CI of the mean of 3 replications), not > 0s" },
    { "y < 1", FALSE, "no metric 'y' in the results; did you mean 'x'?" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (FsAssertion) a = fs_assertion_parse (cases[i].text, NULL, NULL);
      FsAssertionResult r;

      fs_assertion_check (a, e, NULL, &r);
      cr_expect_eq (r.pass, cases[i].pass, "%s", cases[i].text);
      cr_expect_str_eq (r.message, cases[i].message);
      cr_expect_str_eq (r.name, cases[i].text);
      fs_assertion_result_clear (&r);
    }
}

Test (assertion, a_count_is_not_compared_with_a_duration_and_one_run_has_no_interval)
{
  GPtrArray *sets = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_metric_set_free);
  FsExperimentOptions opt = { 1, 0, 1, 1, FS_HOUR, NULL };
  FsMetricSet *set = fs_metric_set_new ();
  g_autoptr (FsExperiment) e = NULL;
  g_autoptr (FsAssertion) dur = fs_assertion_parse ("affected < 5m", NULL, NULL);
  g_autoptr (FsAssertion) ci = fs_assertion_parse ("t.ci_high < 5m", NULL, NULL);
  g_autoptr (FsAssertion) exact = fs_assertion_parse ("odd.ci_high == 7", NULL, NULL);
  FsAssertionResult r;

  fs_metric_set_add (set, "affected", FS_METRIC_COUNT, 12);
  fs_metric_set_add (set, "t", FS_METRIC_SECONDS, 60);
  fs_metric_set_add (set, "odd.ci_high", FS_METRIC_COUNT, 7);
  g_ptr_array_add (sets, set);
  e = fs_experiment_new_from_sets (NULL, &opt, sets);

  fs_assertion_check (dur, e, NULL, &r);
  cr_expect_not (r.pass);
  cr_expect_str_eq (r.message, "'affected' is a count, not a duration: compare it with a plain "
                               "number (it is 12)");
  fs_assertion_result_clear (&r);
  fs_assertion_check (ci, e, NULL, &r);
  cr_expect_not (r.pass);
  cr_expect_str_eq (r.message, "'t' has no confidence interval: it was measured in 1 replication "
                               "(use --reps 2 or more)");
  fs_assertion_result_clear (&r);
  fs_assertion_check (exact, e, NULL, &r);
  cr_expect (r.pass, "an exact name wins over the .ci_high suffix: %s", r.message);
  cr_expect_str_eq (r.message, "7 (the run's value)");
  fs_assertion_result_clear (&r);
}

Test (assertion, junit_has_one_testcase_per_assertion_and_escapes)
{
  FsAssertionResult r[] = {
    { (char *) "downtime.p95 < 5m", TRUE, (char *) "4m (the run's value)" },
    { (char *) "a:x <= 1 & \"y\"", FALSE, (char *) "2 (the run's value), not <= 1" },
  };
  g_autofree char *xml = fs_output_junit ("failsim run s.yaml", r, 2);

  cr_assert_str_eq (xml,
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<testsuite name=\"failsim run s.yaml\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\">\n"
    "  <testcase classname=\"failsim run s.yaml\" name=\"downtime.p95 &lt; 5m\">\n"
    "    <system-out>4m (the run&apos;s value)</system-out>\n"
    "  </testcase>\n"
    "  <testcase classname=\"failsim run s.yaml\" name=\"a:x &lt;= 1 &amp; &quot;y&quot;\">\n"
    "    <failure message=\"2 (the run&apos;s value), not &lt;= 1\" type=\"assertion\">"
    "a:x &lt;= 1 &amp; &quot;y&quot;: 2 (the run&apos;s value), not &lt;= 1</failure>\n"
    "  </testcase>\n"
    "</testsuite>\n");
}
