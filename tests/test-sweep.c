/* test-sweep.c: parameter sweeps: value lists and ranges (the library), and `failsim sweep` as a
 * user drives it: its files, their bytes for any --jobs, Ctrl-C and --resume. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "failsim/sweep.h"

#include "run-failsim.h"

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (range);
TestSuite (sweep_config, .init = enter_source_dir);
TestSuite (sweep);

/* --- ranges -------------------------------------------------------------------------------------- */

/* @text expands to exactly the values in @expected (a comma list). */
static void
expect_values (const char *text, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) values = fs_sweep_values_parse (text, &error);
  g_autoptr (GString) got = g_string_new (NULL);
  guint i;

  cr_assert_not_null (values, "%s: %s", text, error ? error->message : "");
  for (i = 0; i < values->len; i++)
    g_string_append_printf (got, "%s%s", i ? "," : "", (const char *) g_ptr_array_index (values, i));
  cr_assert_str_eq (got->str, expected, "%s", text);
}

/* @text is refused, with a message that contains @why. */
static void
expect_refused (const char *text, const char *why)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) values = fs_sweep_values_parse (text, &error);

  cr_assert_null (values, "%s was accepted", text);
  cr_assert (g_error_matches (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_PARAM));
  cr_assert (strstr (error->message, why), "%s: %s", text, error->message);
}

Test (range, a_geometric_range_stops_before_it_would_exceed_its_end)
{
  expect_values ("10s..600s*2", "10s,20s,40s,1m20s,2m40s,5m20s");
}

Test (range, a_geometric_range_includes_its_end_when_it_hits_it)
{
  expect_values ("10s..640s*2", "10s,20s,40s,1m20s,2m40s,5m20s,10m40s");
  expect_values ("1..1000*10", "1,10,100,1000");
  expect_values ("0.001..1*10", "0.001,0.01,0.1,1");
  expect_values ("1s..2s*1.5", "1s,1.5s");
}

Test (range, an_arithmetic_range_adds_its_step)
{
  expect_values ("1..10+3", "1,4,7,10");
  expect_values ("1..9+3", "1,4,7");
  expect_values ("30s..2m+30s", "30s,1m,1m30s,2m");
  expect_values ("-1..1+1", "-1,0,1");
}

Test (range, decimal_steps_are_exact)
{
  /* 0.1 + 0.1 + 0.1 is not 0.3 in binary; in scaled integers it is. */
  expect_values ("0.1..0.5+0.1", "0.1,0.2,0.3,0.4,0.5");
  expect_values ("0..1+0.25", "0.00,0.25,0.50,0.75,1.00");
}

Test (range, lists_mix_values_and_ranges)
{
  expect_values ("30s,60s,300s", "30s,60s,300s");
  expect_values ("5s, 10s..40s*2 ,1m", "5s,10s,20s,40s,1m");
  expect_values ("branch,datacenter", "branch,datacenter");
  expect_values ("7", "7");
  /* A distribution's commas are its own. */
  expect_values ("constant(30s), lognormal(90s, 30s)", "constant(30s),lognormal(90s, 30s)");
}

Test (range, bad_ranges_say_why)
{
  expect_refused ("10s..600s", "a range needs a step");
  expect_refused ("10s..600s*1", "above 1");
  expect_refused ("10s..600s*x", "above 1");
  expect_refused ("600s..10s*2", "ends (10s) before it starts (600s)");
  expect_refused ("0s..10s*2", "must start above 0");
  expect_refused ("10s..1m+10", "must be a duration, such as +30s");
  expect_refused ("1..10s+3", "must both be durations (10s..10m) or both plain numbers");
  expect_refused ("1..10+0", "above 0");
  expect_refused ("..10+1", "each of A, B and the step");
  expect_refused ("1..100001+1", "more than 100000 values");
  expect_refused ("30s,,60s", "an empty value");
  expect_refused ("40s,10s..40s*2", "the value 40s is given twice");
}

Test (range, a_param_of_durations_knows_its_seconds)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsSweepParam) ttl = fs_sweep_param_parse ("zones.0.records.0.ttl=0,30s..2m*2", &error);
  g_autoptr (FsSweepParam) kind = fs_sweep_param_parse ("sites.branch.kind=branch,datacenter", &error);
  g_autoptr (FsSweepParam) count = fs_sweep_param_parse ("clients.0.count=10..30+10", &error);
  g_autoptr (FsSweepParam) bad = fs_sweep_param_parse ("=30s", &error);

  cr_assert_not_null (ttl);
  cr_assert_str_eq (ttl->key, "zones.0.records.0.ttl");
  cr_assert_eq (ttl->values->len, 4);
  cr_assert (ttl->durations);
  cr_assert_float_eq (ttl->seconds[0], 0.0, 1e-12);
  cr_assert_float_eq (ttl->seconds[3], 120.0, 1e-12);
  cr_assert (!kind->durations && !count->durations, "text and plain numbers are not durations");
  cr_assert_null (bad);
  cr_assert (strstr (error->message, "expected KEY=VALUES"), "%s", error->message);
}

/* --- configurations ------------------------------------------------------------------------------ */

static GPtrArray *
params_of (const char *const *specs)
{
  GPtrArray *params = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_sweep_param_free);
  guint i;

  for (i = 0; specs[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      FsSweepParam *p = fs_sweep_param_parse (specs[i], &error);

      cr_assert_not_null (p, "%s", error ? error->message : "");
      g_ptr_array_add (params, p);
    }
  return params;
}

Test (sweep_config, the_first_param_varies_slowest)
{
  const char *specs[] = { "zones.0.records.0.ttl=30s,5m", "timeline.0.at=5m,10m,15m", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) base = fs_scenario_load ("scenarios/change-ip-failover.yaml", NULL, &error);
  FsSweepOptions opt = { 1, 3, -1 };
  g_autoptr (FsSweep) sw = fs_sweep_new (base, params_of (specs), &opt, &error);
  g_autofree char *label = NULL;

  cr_assert_not_null (sw, "%s", error ? error->message : "");
  cr_assert_eq (fs_sweep_n_configs (sw), 6);
  cr_assert_eq (fs_sweep_n_runs (sw), 18);
  cr_assert_eq (fs_sweep_config_value (sw, 0, 0), 0);
  cr_assert_eq (fs_sweep_config_value (sw, 2, 0), 0);
  cr_assert_eq (fs_sweep_config_value (sw, 2, 1), 2);
  cr_assert_eq (fs_sweep_config_value (sw, 3, 0), 1);
  cr_assert_eq (fs_sweep_config_value (sw, 3, 1), 0);
  label = fs_sweep_config_label (sw, 4);
  cr_assert_str_eq (label, "zones.0.records.0.ttl=5m timeline.0.at=10m");
  cr_assert_eq (fs_sweep_config_horizon (sw, 5), FS_HOUR);
}

Test (sweep_config, a_sweep_too_large_is_refused_before_anything_loads)
{
  const char *specs[] = { "zones.0.records.0.ttl=1s..400s+1s", "timeline.0.at=1s..300s+1s", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) base = fs_scenario_load ("scenarios/change-ip-failover.yaml", NULL, &error);
  FsSweepOptions opt = { 1, 10, -1 };
  g_autoptr (FsSweep) sw = fs_sweep_new (base, params_of (specs), &opt, &error);

  cr_assert_null (sw);
  cr_assert (g_error_matches (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_SIZE));
  cr_assert (strstr (error->message, "400 x 300 = 120000 configurations x 10 replications is "
                                     "1200000 runs; a sweep is limited to 100000 runs"),
             "%s", error->message);
}

Test (sweep_config, a_value_that_does_not_fit_names_its_configuration)
{
  const char *specs[] = { "zones.0.records.0.ttl=30s,1.5s", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) base = fs_scenario_load ("scenarios/change-ip-failover.yaml", NULL, &error);
  FsSweepOptions opt = { 1, 2, -1 };
  g_autoptr (FsSweep) sw = fs_sweep_new (base, params_of (specs), &opt, &error);

  cr_assert_null (sw);
  cr_assert (g_error_matches (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_CONFIG));
  cr_assert (g_str_has_prefix (error->message, "configuration 1 (zones.0.records.0.ttl=1.5s):\n--set:1:"),
             "%s", error->message);
}

/* --- the command --------------------------------------------------------------------------------- */

/* Result, result_clear (), failsim (): tests/run-failsim.h. */

/* The 2 x 2 sweep with R = 3 most tests use, into @dir, with up to three more arguments. */
#define SWEEP_2X2(dir, ...) \
  failsim ("sweep", "scenarios/change-ip-failover.yaml", "--param", "zones.0.records.0.ttl=30s,5m", \
           "--param", "timeline.0.at=5m..10m+5m", "--reps", "3", "--out", dir, __VA_ARGS__)

static char *
read_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "%s is missing", path);
  return text;
}

static gboolean
exists (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (d && (entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

/* The journal files in @dir/runs/. */
static guint
count_runs (const char *dir)
{
  g_autofree char *runs = g_build_filename (dir, "runs", NULL);
  g_autoptr (GDir) d = g_dir_open (runs, 0, NULL);
  const char *entry;
  guint n = 0;

  while (d && (entry = g_dir_read_name (d)) != NULL)
    n += entry[0] == 'c' && g_str_has_suffix (entry, ".json");
  return n;
}

/* @a and @b hold the same sweep.csv and sweep.json, byte for byte. */
static void
expect_same_results (const char *a, const char *b)
{
  const char *files[] = { "sweep.csv", "sweep.json" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *x = read_file (a, files[i]);
      g_autofree char *y = read_file (b, files[i]);

      cr_assert_str_eq (x, y, "%s differs between %s and %s", files[i], a, b);
    }
}

Test (sweep, has_complete_help)
{
  const char *options[] = { "--param", "--reps", "--jobs", "--seed", "--set", "--until", "--out",
                            "--resume", "--assert", "--junit", "--quiet", "A..B*F", "A..B+S",
                            "10s..640s*2", "1..10+3", "100000", "130", "mpirun" };
  Result r = failsim ("sweep", "--help", NULL);
  Result h = failsim ("help", "sweep", NULL);
  Result top = failsim ("--help", NULL);
  guint i;

  cr_assert_eq (r.status, 0);
  cr_assert (strstr (r.out, "Usage:\n  failsim sweep"), "%s", r.out);
  cr_assert (strstr (r.out, "Exit status:"), "%s", r.out);
  for (i = 0; i < G_N_ELEMENTS (options); i++)
    cr_expect (strstr (r.out, options[i]), "sweep --help lacks %s", options[i]);
  cr_assert_null (strstr (r.out, "--stop-after"), "the test-only option stays hidden");
  cr_assert_str_eq (r.out, h.out);
  cr_assert (strstr (top.out, "  sweep "), "%s", top.out);
  result_clear (&r);
  result_clear (&h);
  result_clear (&top);
}

Test (sweep, usage_errors_exit_2_with_a_message)
{
  Result bad_range = failsim ("sweep", "scenarios/change-ip-failover.yaml", "--param",
                              "zones.0.records.0.ttl=10s..600s", "--out", "/nonexistent/x", NULL);
  Result no_param = failsim ("sweep", "scenarios/change-ip-failover.yaml", "--out", "/nonexistent/x", NULL);
  Result no_out = failsim ("sweep", "scenarios/change-ip-failover.yaml", "--param",
                           "zones.0.records.0.ttl=30s", NULL);
  Result too_big = failsim ("sweep", "scenarios/change-ip-failover.yaml", "--param",
                            "zones.0.records.0.ttl=1s..20000s+1s", "--reps", "10", "--out",
                            "/nonexistent/x", NULL);
  Result twice = failsim ("sweep", "scenarios/change-ip-failover.yaml", "--param",
                          "zones.0.records.0.ttl=30s", "--param", "zones.0.records.0.ttl=5m",
                          "--out", "/nonexistent/x", NULL);

  cr_assert_eq (bad_range.status, 2);
  cr_assert_str_eq (bad_range.err, "failsim sweep: --param 'zones.0.records.0.ttl=10s..600s': "
                                   "'10s..600s': a range needs a step: A..B*F multiplies by F "
                                   "(10s..640s*2), A..B+S adds S (1..10+3)\n"
                                   "Run 'failsim sweep --help' for its options.\n");
  cr_assert_eq (no_param.status, 2);
  cr_assert (strstr (no_param.err, "at least one --param"), "%s", no_param.err);
  cr_assert_eq (no_out.status, 2);
  cr_assert (strstr (no_out.err, "--out DIR is required"), "%s", no_out.err);
  cr_assert_eq (too_big.status, 2);
  cr_assert (strstr (too_big.err, "20000 configurations x 10 replications is 200000 runs; a sweep "
                                  "is limited to 100000 runs"), "%s", too_big.err);
  cr_assert_eq (twice.status, 2);
  cr_assert (strstr (twice.err, "swept twice"), "%s", twice.err);
  result_clear (&bad_range);
  result_clear (&no_param);
  result_clear (&no_out);
  result_clear (&too_big);
  result_clear (&twice);
}

/* 2 x 2 configurations, R = 3: sweep.csv has the parameters (and their seconds), the
 * replication and the metrics as columns, a row per configuration and replication, the first
 * parameter varying slowest; sweep.json summarises each configuration; runs/ holds 12 runs. */
Test (sweep, writes_a_row_per_configuration_and_replication)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-sweep-XXXXXX", NULL);
  Result r = SWEEP_2X2 (tmp, "--jobs", "2", NULL);
  g_autofree char *csv = NULL, *json = NULL;
  g_auto (GStrv) lines = NULL;
  g_auto (GStrv) header = NULL;
  const char *expected[] = { "0,30s,30,5m,300,0,", "0,30s,30,5m,300,1,", "0,30s,30,5m,300,2,",
                             "1,30s,30,10m,600,0,", "1,30s,30,10m,600,1,", "1,30s,30,10m,600,2,",
                             "2,5m,300,5m,300,0,", "2,5m,300,5m,300,1,", "2,5m,300,5m,300,2,",
                             "3,5m,300,10m,600,0,", "3,5m,300,10m,600,1,", "3,5m,300,10m,600,2," };
  guint i, columns;

  cr_assert_eq (r.status, 0, "%s", r.err);
  cr_assert (strstr (r.out, "4 configurations x 3 replications (0..2) = 12 runs"), "%s", r.out);
  cr_assert (strstr (r.out, "12 runs now, 0 from before"), "%s", r.out);
  cr_assert_str_eq (r.err, "", "quiet on stderr when it is not a terminal");
  csv = read_file (tmp, "sweep.csv");
  json = read_file (tmp, "sweep.json");
  lines = g_strsplit (csv, "\n", -1);
  cr_assert (g_str_has_prefix (lines[0], "config,zones.0.records.0.ttl,zones.0.records.0.ttl_s,"
                                         "timeline.0.at,timeline.0.at_s,replication,"
                                         "app.downtime.mean,"), "%s", lines[0]);
  cr_assert (strstr (lines[0], ",downtime.p95,") && strstr (lines[0], ",dns.authoritative_queries,"),
             "%s", lines[0]);
  header = g_strsplit (lines[0], ",", -1);
  columns = g_strv_length (header);
  for (i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_auto (GStrv) cells = g_strsplit (lines[i + 1], ",", -1);

      cr_assert (g_str_has_prefix (lines[i + 1], expected[i]), "row %u: %s", i, lines[i + 1]);
      cr_assert_eq (g_strv_length (cells), columns, "row %u has every column: %s", i, lines[i + 1]);
    }
  cr_assert_str_eq (lines[13], "");
  cr_assert_null (lines[14]);
  cr_assert (strstr (json, "\"configurations\" : 4") && strstr (json, "\"replications\" : 3")
             && strstr (json, "\"runs\" : 12") && strstr (json, "\"sha256\" : \""), "%s", json);
  cr_assert (strstr (json, "\"config\" : 3,\n      \"params\" : {\n        \"zones.0.records.0.ttl\" : "
                           "\"5m\",\n        \"timeline.0.at\" : \"10m\"\n      }"), "%s", json);
  cr_assert (strstr (json, "\"downtime.p95\" : {\n          \"n\" : 3,\n          \"mean\" : "),
             "%s", json);
  cr_assert (strstr (json, "\"ci95_low\" : ") && strstr (json, "\"ci95_high\" : "), "%s", json);
  cr_assert_null (strstr (json, "jobs"), "the number of jobs changes nothing, so it is not written");
  cr_assert_eq (count_runs (tmp), 12);
  cr_assert (exists (tmp, "runs/c0003-r0002.json") && exists (tmp, "runs/identity.json"));
  remove_tree (tmp);
  result_clear (&r);
}

Test (sweep, one_job_and_two_give_the_same_bytes)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-sweep-XXXXXX", NULL);
  g_autofree char *a = g_build_filename (tmp, "a", NULL);
  g_autofree char *b = g_build_filename (tmp, "b", NULL);
  Result r1 = SWEEP_2X2 (a, "--jobs", "1", "--quiet", NULL);
  Result r2 = SWEEP_2X2 (b, "--jobs", "2", "--quiet", NULL);

  cr_assert_eq (r1.status, 0, "%s", r1.err);
  cr_assert_eq (r2.status, 0, "%s", r2.err);
  cr_assert_str_eq (r1.out, "");
  expect_same_results (a, b);
  remove_tree (tmp);
  result_clear (&r1);
  result_clear (&r2);
}

/* Interrupted after two runs (the test-only --stop-after acts as Ctrl-C): exit 130, a message
 * saying how to finish, the finished runs kept and no result files; --resume then gives the
 * bytes of a sweep run in one go. So does --resume after runs/ files were deleted. */
Test (sweep, an_interrupted_sweep_resumed_gives_the_same_bytes)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-sweep-XXXXXX", NULL);
  g_autofree char *whole = g_build_filename (tmp, "whole", NULL);
  g_autofree char *cut = g_build_filename (tmp, "cut", NULL);
  g_autofree char *gone = g_build_filename (tmp, "cut", "runs", "c0002-r0001.json", NULL);
  Result w = SWEEP_2X2 (whole, "--jobs", "2", "--quiet", NULL);
  Result s = SWEEP_2X2 (cut, "--jobs", "1", "--stop-after", "2", NULL);
  Result again = SWEEP_2X2 (cut, "--jobs", "1", NULL);
  Result r = { -1, NULL, NULL };
  guint kept;

  cr_assert_eq (w.status, 0, "%s", w.err);
  cr_assert_eq (s.status, 130, "%s", s.err);
  cr_assert (strstr (s.err, "failsim sweep: interrupted: ") && strstr (s.err, "--resume"), "%s", s.err);
  kept = count_runs (cut);
  cr_assert (kept >= 2 && kept < 12, "%u runs kept", kept);
  cr_assert (!exists (cut, "sweep.csv") && !exists (cut, "sweep.json"), "nothing partial");

  cr_assert_eq (again.status, 2, "without --resume a directory with a sweep is refused");
  cr_assert (strstr (again.err, "already holds a sweep") && strstr (again.err, "add --resume"),
             "%s", again.err);

  r = SWEEP_2X2 (cut, "--jobs", "2", "--resume", NULL);
  cr_assert_eq (r.status, 0, "%s", r.err);
  cr_assert (strstr (r.err, "resuming: "), "%s", r.err);
  cr_assert (strstr (r.out, "runs now, "), "%s", r.out);
  expect_same_results (whole, cut);

  /* Runs lost from runs/ are run again. */
  cr_assert (g_unlink (gone) == 0);
  result_clear (&r);
  r = SWEEP_2X2 (cut, "--jobs", "1", "--resume", "--quiet", NULL);
  cr_assert_eq (r.status, 0, "%s", r.err);
  expect_same_results (whole, cut);
  cr_assert_eq (count_runs (cut), 12);

  remove_tree (whole);
  remove_tree (cut);
  g_rmdir (tmp);
  result_clear (&w);
  result_clear (&s);
  result_clear (&again);
  result_clear (&r);
}

/* A real Ctrl-C (SIGINT), or a SIGTERM from a batch system, once the first run is on disk: the
 * finished runs stay, and --resume finishes the sweep. */
static void
interrupt_a_sweep (int sig)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-sweep-XXXXXX", NULL);
  const char *argv[] = { g_getenv ("FAILSIM"), "sweep", "scenarios/change-ip-failover.yaml",
                         "--param", "zones.0.records.0.ttl=10s..640s*2", "--reps", "10",
                         "--jobs", "1", "--quiet", "--out", tmp, NULL };
  g_autoptr (GError) error = NULL;
  GPid pid;
  int wait_status = 0, i;
  Result r;

  cr_assert (g_spawn_async (FS_SOURCE_DIR, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD
                            | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error),
             "%s", error ? error->message : "");
  for (i = 0; i < 5000 && count_runs (tmp) == 0; i++)
    g_usleep (1000);
  cr_assert (count_runs (tmp) > 0, "no run finished within 5 s");
  kill (pid, sig);
  cr_assert_eq (waitpid (pid, &wait_status, 0), pid);
  g_spawn_close_pid (pid);
  cr_assert (WIFEXITED (wait_status), "ended by a signal, not by its handler");
  /* 0 only if all 70 runs finished before the signal arrived, which a 1-job sweep of this size
   * does not. */
  cr_assert_eq (WEXITSTATUS (wait_status), 130);
  cr_assert (!exists (tmp, "sweep.csv"));
  cr_assert (count_runs (tmp) < 70);

  r = failsim ("sweep", "scenarios/change-ip-failover.yaml", "--param",
               "zones.0.records.0.ttl=10s..640s*2", "--reps", "10", "--out", tmp, "--resume",
               "--quiet", NULL);
  cr_assert_eq (r.status, 0, "%s", r.err);
  cr_assert_eq (count_runs (tmp), 70);
  remove_tree (tmp);
  result_clear (&r);
}

Test (sweep, sigint_keeps_finished_runs_and_exits_130)
{
  interrupt_a_sweep (SIGINT);
}

Test (sweep, sigterm_keeps_finished_runs_and_exits_130)
{
  interrupt_a_sweep (SIGTERM);
}

Test (sweep, resume_refuses_a_different_sweep)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-sweep-XXXXXX", NULL);
  Result a = SWEEP_2X2 (tmp, "--stop-after", "1", "--jobs", "1", NULL);
  Result seed = SWEEP_2X2 (tmp, "--resume", "--seed", "9", NULL);
  Result reps = failsim ("sweep", "scenarios/change-ip-failover.yaml", "--param",
                         "zones.0.records.0.ttl=30s,5m", "--param", "timeline.0.at=5m..10m+5m",
                         "--reps", "4", "--out", tmp, "--resume", NULL);
  Result values = failsim ("sweep", "scenarios/change-ip-failover.yaml", "--param",
                           "zones.0.records.0.ttl=30s,4m", "--param", "timeline.0.at=5m..10m+5m",
                           "--reps", "3", "--out", tmp, "--resume", NULL);
  Result file = failsim ("sweep", "scenarios/change-ip-failover-ttl30.yaml", "--param",
                         "zones.0.records.0.ttl=30s,5m", "--param", "timeline.0.at=5m..10m+5m",
                         "--reps", "3", "--out", tmp, "--resume", NULL);

  cr_assert_eq (a.status, 130, "%s", a.err);
  cr_assert_eq (seed.status, 2);
  cr_assert (strstr (seed.err, "holds a different sweep (seed 1 there, 9 here): --resume finishes"),
             "%s", seed.err);
  cr_assert_eq (reps.status, 2);
  cr_assert (strstr (reps.err, "(replications 3 there, 4 here)"), "%s", reps.err);
  cr_assert_eq (values.status, 2);
  cr_assert (strstr (values.err, "(--param values [{"), "%s", values.err);
  cr_assert_eq (file.status, 2);
  cr_assert (strstr (file.err, "(scenario file sha256 \""), "%s", file.err);
  cr_assert (!exists (tmp, "sweep.csv"));
  remove_tree (tmp);
  result_clear (&a);
  result_clear (&seed);
  result_clear (&reps);
  result_clear (&values);
  result_clear (&file);
}

/* An assertion is checked against every configuration: the TTL of 30 s costs more DNS queries
 * than the bound allows, the one of 5 m does not. */
Test (sweep, assertions_are_checked_per_configuration)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-sweep-XXXXXX", NULL);
  g_autofree char *junit = g_build_filename (tmp, "junit.xml", NULL);
  Result r = failsim ("sweep", "scenarios/change-ip-failover.yaml", "--param",
                      "zones.0.records.0.ttl=30s,5m", "--reps", "3", "--out", tmp, "--assert",
                      "dns.authoritative_queries < 200", "--junit", junit, NULL);
  g_autofree char *xml = NULL;

  cr_assert_eq (r.status, 1, "%s", r.err);
  cr_assert (strstr (r.out, "assertions: 1 passed, 1 failed"), "%s", r.out);
  cr_assert (strstr (r.out, "FAIL  c0 zones.0.records.0.ttl=30s: dns.authoritative_queries < 200: "),
             "%s", r.out);
  cr_assert (strstr (r.out, "PASS  c1 zones.0.records.0.ttl=5m: dns.authoritative_queries < 200: "),
             "%s", r.out);
  xml = read_file (tmp, "junit.xml");
  cr_assert (strstr (xml, "tests=\"2\" failures=\"1\""), "%s", xml);
  g_unlink (junit);
  remove_tree (tmp);
  result_clear (&r);
}

/* A configuration of a sweep is the experiment `failsim run --set KEY=VALUE --reps R` makes:
 * the same seed and replications, so the same statistics, to the bit. */
Test (sweep, a_configuration_is_the_experiment_run_reps_makes)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-sweep-XXXXXX", NULL);
  g_autofree char *sweep_dir = g_build_filename (tmp, "sweep", NULL);
  g_autofree char *run_dir = g_build_filename (tmp, "run", NULL);
  Result s = failsim ("sweep", "scenarios/change-ip-failover.yaml", "--param",
                      "zones.0.records.0.ttl=30s,5m", "--reps", "3", "--out", sweep_dir, "-q", NULL);
  Result r = failsim ("run", "scenarios/change-ip-failover.yaml", "--set",
                      "zones.0.records.0.ttl=5m", "--reps", "3", "--out", run_dir, "-q", NULL);
  g_autofree char *sweep_json = NULL, *run_json = NULL;
  g_autoptr (JsonParser) ps = json_parser_new ();
  g_autoptr (JsonParser) pr = json_parser_new ();
  JsonObject *from_sweep, *from_run;
  g_autoptr (GList) names = NULL;
  const char *fields[] = { "n", "mean", "sd", "ci95_low", "ci95_high", "min", "max" };
  GList *l;
  guint i, compared = 0;

  cr_assert_eq (s.status, 0, "%s", s.err);
  cr_assert_eq (r.status, 0, "%s", r.err);
  sweep_json = read_file (sweep_dir, "sweep.json");
  run_json = read_file (run_dir, "experiment.json");
  cr_assert (json_parser_load_from_data (ps, sweep_json, -1, NULL));
  cr_assert (json_parser_load_from_data (pr, run_json, -1, NULL));
  from_sweep = json_object_get_object_member (
    json_array_get_object_element (json_object_get_array_member (
      json_node_get_object (json_parser_get_root (ps)), "configurations"), 1), "metrics");
  from_run = json_object_get_object_member (json_node_get_object (json_parser_get_root (pr)), "metrics");
  names = json_object_get_members (from_run);
  for (l = names; l != NULL; l = l->next)
    {
      JsonObject *a = json_object_get_object_member (from_run, l->data);
      JsonObject *b;

      cr_assert (json_object_has_member (from_sweep, l->data), "%s is not in the sweep", (char *) l->data);
      b = json_object_get_object_member (from_sweep, l->data);
      for (i = 0; i < G_N_ELEMENTS (fields); i++)
        cr_assert (json_node_equal (json_object_get_member (a, fields[i]),
                                    json_object_get_member (b, fields[i])),
                   "%s.%s differs", (char *) l->data, fields[i]);
      compared++;
    }
  cr_assert_gt (compared, 20);
  remove_tree (sweep_dir);
  remove_tree (run_dir);
  g_rmdir (tmp);
  result_clear (&s);
  result_clear (&r);
}
