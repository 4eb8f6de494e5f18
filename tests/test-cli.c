/* test-cli.c: the failsim program driven as a user drives it: exit codes, messages, files. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run-failsim.h"

/* Result, result_clear (), failsim (): tests/run-failsim.h. */

Test (cli, version_prints_the_version)
{
  Result r = failsim ("--version", NULL);

  cr_assert_eq (r.status, 0);
  cr_assert (g_str_has_prefix (r.out, "failsim 0."), "%s", r.out);
  result_clear (&r);
}

Test (cli, help_lists_every_command)
{
  Result r = failsim ("--help", NULL);

  cr_assert_eq (r.status, 0);
  cr_assert (strstr (r.out, "  run ") && strstr (r.out, "  validate ") && strstr (r.out, "  keys "),
             "%s", r.out);
  cr_assert (strstr (r.out, "Exit status: 0 success, 1 internal failure, 2 usage or input error"));
  result_clear (&r);
}

Test (cli, every_command_has_complete_help)
{
  const char *commands[] = { "run", "validate", "keys" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      Result r = failsim (commands[i], "--help", NULL);
      Result h = failsim ("help", commands[i], NULL);
      g_autofree char *usage = g_strdup_printf ("Usage:\n  failsim %s", commands[i]);

      cr_assert_eq (r.status, 0, "%s --help", commands[i]);
      cr_assert (strstr (r.out, usage), "%s", r.out);
      cr_assert (strstr (r.out, "Exit status:"), "%s --help must state its exit status", commands[i]);
      cr_assert_str_eq (r.out, h.out);
      result_clear (&r);
      result_clear (&h);
    }
}

Test (cli, run_help_names_every_option)
{
  const char *options[] = { "--seed", "--set", "--until", "--rep", "--out", "--quiet" };
  Result r = failsim ("run", "--help", NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (options); i++)
    cr_expect (strstr (r.out, options[i]), "run --help lacks %s", options[i]);
  result_clear (&r);
}

Test (cli, no_arguments_is_a_usage_error)
{
  Result r = failsim (NULL, NULL);

  cr_assert_eq (r.status, 2);
  cr_assert (strstr (r.err, "Usage: failsim COMMAND"));
  result_clear (&r);
}

Test (cli, a_misspelt_command_gets_a_suggestion)
{
  Result r = failsim ("rnu", "x.yaml", NULL);

  cr_assert_eq (r.status, 2);
  cr_assert_str_eq (r.err, "failsim: unknown command 'rnu'; did you mean 'run'?\n"
                           "Run 'failsim --help' for the list of commands.\n");
  result_clear (&r);
}

Test (cli, run_without_a_scenario_is_a_usage_error)
{
  Result r = failsim ("run", NULL);

  cr_assert_eq (r.status, 2);
  cr_assert_str_eq (r.err, "failsim run: a scenario file is required\n"
                           "Run 'failsim run --help' for its options.\n");
  result_clear (&r);
}

Test (cli, an_unknown_option_is_a_usage_error)
{
  Result r = failsim ("run", "--sed", "3", "scenarios/site-outage.yaml", NULL);

  cr_assert_eq (r.status, 2);
  cr_assert (g_str_has_prefix (r.err, "failsim run: Unknown option --sed"), "%s", r.err);
  result_clear (&r);
}

Test (cli, bad_option_values_say_why)
{
  Result s = failsim ("run", "--seed", "abc", "scenarios/site-outage.yaml", NULL);
  Result u = failsim ("run", "--until", "5 minutes", "scenarios/site-outage.yaml", NULL);

  cr_assert_eq (s.status, 2);
  cr_assert (g_str_has_prefix (s.err, "failsim run: --seed: "), "%s", s.err);
  cr_assert_eq (u.status, 2);
  cr_assert (g_str_has_prefix (u.err, "failsim run: --until: "), "%s", u.err);
  result_clear (&s);
  result_clear (&u);
}

Test (cli, a_missing_file_is_an_input_error)
{
  Result r = failsim ("run", "no/such/file.yaml", NULL);

  cr_assert_eq (r.status, 2);
  cr_assert_str_eq (r.err, "no/such/file.yaml: error: cannot read: No such file or directory\n");
  result_clear (&r);
}

Test (cli, a_bad_scenario_is_an_input_error_with_its_location)
{
  Result r = failsim ("run", "tests/data/bad/unknown-site-ref.yaml", NULL);

  cr_assert_eq (r.status, 2);
  cr_assert_str_eq (r.err, "tests/data/bad/unknown-site-ref.yaml:8:11: error: no site named "
                           "'primray'; did you mean 'primary'?\n");
  cr_assert_str_eq (r.out, "");
  result_clear (&r);
}

/* Every scenario shipped in scenarios/ runs to completion and validates. */
Test (cli, every_shipped_scenario_runs)
{
  g_autofree char *dir_path = g_build_filename (FS_SOURCE_DIR, "scenarios", NULL);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *entry;
  guint ran = 0;

  cr_assert_not_null (dir);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("scenarios", entry, NULL);
      Result r, v;

      if (!g_str_has_suffix (entry, ".yaml"))
        continue;
      r = failsim ("run", path, NULL);
      v = failsim ("validate", path, NULL);
      cr_expect_eq (r.status, 0, "%s: %s", path, r.err);
      cr_expect (strstr (r.out, "events"), "%s printed no summary", path);
      cr_expect_eq (v.status, 0, "%s: %s", path, v.err);
      result_clear (&r);
      result_clear (&v);
      ran++;
    }
  cr_assert_geq (ran, 2);
}

static char *
read_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *text = NULL;

  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "%s is missing", path);
  return text;
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (d && (entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, entry, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* The same scenario and seed run twice give byte-identical result files. */
Test (cli, runs_are_byte_identical)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-cli-XXXXXX", NULL);
  g_autofree char *a = g_build_filename (tmp, "a", NULL);
  g_autofree char *b = g_build_filename (tmp, "b", NULL);
  const char *files[] = { "summary.json", "outages.csv", "notices.csv" };
  Result r1 = failsim ("run", "scenarios/branch-outages.yaml", "--seed", "11", "--out", a, NULL);
  Result r2 = failsim ("run", "scenarios/branch-outages.yaml", "--seed", "11", "--out", b, NULL);
  guint i;

  cr_assert_eq (r1.status, 0, "%s", r1.err);
  cr_assert_eq (r2.status, 0, "%s", r2.err);
  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *x = read_file (a, files[i]);
      g_autofree char *y = read_file (b, files[i]);
      cr_assert_str_eq (x, y, "%s differs between two identical runs", files[i]);
    }
  remove_tree (a);
  remove_tree (b);
  g_rmdir (tmp);
  result_clear (&r1);
  result_clear (&r2);
}

/* site-outage.yaml: the primary fails at 10m; --until 1h stops the run before any lognormal
 * repair could come (its mean is 2h, but it could be shorter, so the test reads the repair time
 * from the summary only when present), and --set moves the failure to 20m. */
Test (cli, set_and_until_reach_the_summary)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-cli-XXXXXX", NULL);
  Result r = failsim ("run", "scenarios/site-outage.yaml", "--set", "timeline.disaster.at=20m",
                      "--until", "30m", "--out", tmp, "--quiet", NULL);
  g_autofree char *json = NULL;

  cr_assert_eq (r.status, 0, "%s", r.err);
  cr_assert_str_eq (r.out, "");
  json = read_file (tmp, "summary.json");
  cr_assert (strstr (json, "\"horizon\" : \"30m\""), "%s", json);
  cr_assert (strstr (json, "\"timeline.disaster.at=20m\""), "%s", json);
  cr_assert (strstr (json, "\"downtime_ns\" : 600000000000"), "%s", json);
  cr_assert (strstr (json, "\"down_at_end\" : true"), "%s", json);
  remove_tree (tmp);
  result_clear (&r);
}

Test (cli, validate_reports_every_file)
{
  Result r = failsim ("validate", "scenarios/site-outage.yaml", "tests/data/bad/missing-name.yaml",
                      "tests/data/good/minimal.yaml", NULL);

  cr_assert_eq (r.status, 2);
  cr_assert_str_eq (r.out, "scenarios/site-outage.yaml: ok\ntests/data/good/minimal.yaml: ok\n");
  cr_assert (g_str_has_prefix (r.err, "tests/data/bad/missing-name.yaml:1:1: error: "), "%s", r.err);
  result_clear (&r);
}

Test (cli, validate_lists_all_problems_of_a_file)
{
  Result r = failsim ("validate", "-q", "tests/data/bad/several-errors.yaml", NULL);
  g_auto (GStrv) lines = NULL;

  cr_assert_eq (r.status, 2);
  lines = g_strsplit (r.err, "\n", -1);
  cr_assert_eq (g_strv_length (lines), 4, "%s", r.err);   /* three errors and the final "" */
  result_clear (&r);
}

Test (cli, keys_lists_sections_and_actions)
{
  Result r = failsim ("keys", NULL);

  cr_assert_eq (r.status, 0);
  cr_assert (strstr (r.out, "site.fail") && strstr (r.out, "sites: each item has"), "%s", r.out);
  result_clear (&r);
}

Test (cli, validate_strict_makes_warnings_errors)
{
  Result plain = failsim ("validate", "tests/data/good/late-entry.yaml", NULL);
  Result strict = failsim ("validate", "--strict", "tests/data/good/late-entry.yaml", NULL);

  cr_assert_eq (plain.status, 0);
  cr_assert (strstr (plain.err, ":12:9: warning: this entry fires at 2h10m"), "%s", plain.err);
  cr_assert_str_eq (plain.out, "tests/data/good/late-entry.yaml: ok\n");
  cr_assert_eq (strict.status, 2);
  cr_assert_str_eq (strict.out, "");
  result_clear (&plain);
  result_clear (&strict);
}

/* --- replications, compare, assertions ------------------------------------------------------------ */

/* How many times @needle occurs in @haystack. */
static guint
count_of (const char *haystack, const char *needle)
{
  guint n = 0;
  const char *p;

  for (p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

Test (cli, compare_has_complete_help)
{
  const char *options[] = { "--reps", "--jobs", "--seed", "--rep", "--set", "--variant", "--until",
                            "--out", "--assert", "--junit", "--quiet" };
  Result r = failsim ("compare", "--help", NULL);
  Result h = failsim ("help", "compare", NULL);
  Result top = failsim ("--help", NULL);
  guint i;

  cr_assert_eq (r.status, 0);
  cr_assert (strstr (r.out, "Usage:\n  failsim compare"), "%s", r.out);
  cr_assert (strstr (r.out, "Exit status:"), "%s", r.out);
  for (i = 0; i < G_N_ELEMENTS (options); i++)
    cr_expect (strstr (r.out, options[i]), "compare --help lacks %s", options[i]);
  cr_assert_str_eq (r.out, h.out);
  cr_assert (strstr (top.out, "  compare "), "%s", top.out);
  result_clear (&r);
  result_clear (&h);
  result_clear (&top);
}

Test (cli, run_help_names_the_experiment_options)
{
  const char *options[] = { "--reps", "--jobs", "--assert", "--junit" };
  Result r = failsim ("run", "--help", NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (options); i++)
    cr_expect (strstr (r.out, options[i]), "run --help lacks %s", options[i]);
  result_clear (&r);
}

/* --reps 3 --out: replications.csv has a header and one row per replication and metric;
 * experiment.json names the scenario, its hash, the seed and the replications, and every
 * metric's interval. The same with --jobs 1 and --jobs 3 gives the same bytes. */
Test (cli, reps_write_replications_and_experiment_files)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-cli-XXXXXX", NULL);
  g_autofree char *a = g_build_filename (tmp, "a", NULL);
  g_autofree char *b = g_build_filename (tmp, "b", NULL);
  Result r1 = failsim ("run", "scenarios/change-ip-failover.yaml", "--reps", "3", "--jobs", "1",
                       "--out", a, NULL);
  Result r3 = failsim ("run", "scenarios/change-ip-failover.yaml", "--reps", "3", "--jobs", "3",
                       "--out", b, "--quiet", NULL);
  g_autofree char *csv = NULL, *json = NULL, *csv3 = NULL, *json3 = NULL;
  g_auto (GStrv) lines = NULL;
  guint i, per_rep = 0;

  cr_assert_eq (r1.status, 0, "%s", r1.err);
  cr_assert_eq (r3.status, 0, "%s", r3.err);
  cr_assert (strstr (r1.out, "3 replications (0..2)"), "%s", r1.out);
  cr_assert (strstr (r1.out, "mean ± 95% CI"), "%s", r1.out);
  cr_assert_str_eq (r3.out, "");
  csv = read_file (a, "replications.csv");
  json = read_file (a, "experiment.json");
  csv3 = read_file (b, "replications.csv");
  json3 = read_file (b, "experiment.json");
  cr_assert_str_eq (csv, csv3);
  cr_assert_str_eq (json, json3);
  lines = g_strsplit (csv, "\n", -1);
  cr_assert_str_eq (lines[0], "replication,metric,value");
  for (i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      cr_assert (g_str_has_prefix (lines[i], "0,") || g_str_has_prefix (lines[i], "1,")
                 || g_str_has_prefix (lines[i], "2,"), "%s", lines[i]);
      per_rep += g_str_has_prefix (lines[i], "0,");
    }
  cr_assert_eq (i - 1, 3 * per_rep, "every replication has the same metrics here");
  cr_assert (strstr (csv, "\n0,downtime.p95,"), "%s", csv);
  cr_assert (strstr (json, "\"sha256\" : \"") && strstr (json, "\"replications\" : 3")
             && strstr (json, "\"seed\" : 1"), "%s", json);
  cr_assert (strstr (json, "\"downtime.p95\" : {") && strstr (json, "\"ci95_high\" : "), "%s", json);
  cr_assert_null (strstr (json, "jobs"), "the number of jobs changes nothing, so it is not written");
  remove_tree (a);
  remove_tree (b);
  g_rmdir (tmp);
  result_clear (&r1);
  result_clear (&r3);
}

Test (cli, compare_writes_its_files_and_verdicts)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-cli-XXXXXX", NULL);
  Result r = failsim ("compare", "scenarios/change-ip-failover.yaml",
                      "scenarios/change-ip-failover-ttl30.yaml", "--reps", "4", "--out", tmp, NULL);
  g_autofree char *csv = NULL, *json = NULL;

  cr_assert_eq (r.status, 0, "%s", r.err);
  cr_assert (strstr (r.out, "verdicts"), "%s", r.out);
  cr_assert (strstr (r.out, "change-ip-failover-ttl30 is lower than change-ip-failover by "), "%s", r.out);
  csv = read_file (tmp, "compare.csv");
  json = read_file (tmp, "compare.json");
  cr_assert (g_str_has_prefix (csv, "metric,unit,variant,n,mean,sd,ci95_low,ci95_high,min,max,"
                                    "diff_n,diff_mean,diff_sd,diff_ci95_low,diff_ci95_high,significant\n"),
             "%s", csv);
  cr_assert (strstr (csv, "\ndowntime.mean,s,change-ip-failover-ttl30,4,"), "%s", csv);
  cr_assert (strstr (json, "\"variants\" : [") && strstr (json, "\"differences\" : {")
             && strstr (json, "\"verdict\" : "), "%s", json);
  remove_tree (tmp);
  result_clear (&r);
}

/* One scenario with --variant: the same file, the second variant's TTL cut by --set. A variant
 * with no overrides is the file as it is; compared with itself a file differs by nothing. */
Test (cli, compare_variants_of_one_file)
{
  Result r = failsim ("compare", "scenarios/change-ip-failover.yaml", "--reps", "3",
                      "--variant", "ttl300:", "--variant", "ttl30: zones.0.records.0.ttl=30s",
                      "--variant", "same:", NULL);
  Result one = failsim ("compare", "scenarios/change-ip-failover.yaml", "--variant", "a:", NULL);
  Result bad = failsim ("compare", "scenarios/change-ip-failover.yaml", "--variant", "a b: x=1",
                        "--variant", "c:", NULL);

  cr_assert_eq (r.status, 0, "%s", r.err);
  cr_assert (strstr (r.out, "ttl30 is lower than ttl300 by "), "%s", r.out);
  cr_assert (strstr (r.out, "no difference: same equals ttl300 in every replication"), "%s", r.out);
  cr_assert_null (strstr (r.out, "same is lower"), "%s", r.out);
  cr_assert_eq (one.status, 2);
  cr_assert (strstr (one.err, "at least two variants"), "%s", one.err);
  cr_assert_eq (bad.status, 2);
  cr_assert (strstr (bad.err, "the name 'a b' must be"), "%s", bad.err);
  result_clear (&r);
  result_clear (&one);
  result_clear (&bad);
}

/* A failing assertion: exit status 1, after the result files are written, and a JUnit file
 * with one failure among two test cases. */
Test (cli, a_failed_assertion_exits_1_and_writes_junit)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-cli-XXXXXX", NULL);
  g_autofree char *junit = g_build_filename (tmp, "junit.xml", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  Result r = failsim ("run", "scenarios/change-ip-failover.yaml", "--reps", "2", "--out", out,
                      "--assert", "outage.site.primary == 50m", "--assert", "downtime.p95 < 1m",
                      "--junit", junit, NULL);
  g_autofree char *xml = NULL, *json = NULL;

  cr_assert_eq (r.status, 1, "%s", r.err);
  cr_assert (strstr (r.out, "  PASS  outage.site.primary == 50m: 50m (mean of 2 replications"), "%s", r.out);
  cr_assert (strstr (r.out, "  FAIL  downtime.p95 < 1m: "), "%s", r.out);
  json = read_file (out, "experiment.json");
  xml = read_file (tmp, "junit.xml");
  cr_assert (strstr (xml, "<testsuite name=\"failsim run scenarios/change-ip-failover.yaml\" "
                          "tests=\"2\" failures=\"1\""), "%s", xml);
  cr_assert_eq (count_of (xml, "<testcase "), 2, "%s", xml);
  cr_assert_eq (count_of (xml, "<failure message="), 1, "%s", xml);
  g_unlink (junit);
  remove_tree (out);
  g_rmdir (tmp);
  result_clear (&r);
}

/* One run (no --reps) takes assertions too, and keeps its summary as before. */
Test (cli, assertions_on_one_run)
{
  Result r = failsim ("run", "scenarios/site-outage.yaml", "--assert", "outage.site.primary > 1h",
                      NULL);

  cr_assert_eq (r.status, 0, "%s", r.err);
  cr_assert (strstr (r.out, "seed 1, replication 0, horizon 6h"), "%s", r.out);
  cr_assert (strstr (r.out, "  PASS  outage.site.primary > 1h: 2h17m36.346s (the run's value)"),
             "%s", r.out);
  result_clear (&r);
}

Test (cli, a_malformed_assertion_is_a_usage_error)
{
  Result r = failsim ("run", "scenarios/site-outage.yaml", "--assert", "downtime.p95 = 5m", NULL);
  Result c = failsim ("compare", "scenarios/site-outage.yaml", "scenarios/branch-outages.yaml",
                      "--assert", "site-outag:outage.site.primary < 1h", NULL);

  cr_assert_eq (r.status, 2);
  cr_assert_str_eq (r.err, "failsim run: --assert 'downtime.p95 = 5m': '=' is not an operator; "
                           "write '==' to test equality\n"
                           "Run 'failsim run --help' for its options.\n");
  cr_assert_str_eq (r.out, "");
  cr_assert_eq (c.status, 2);
  cr_assert (strstr (c.err, "no variant named 'site-outag'; did you mean 'site-outage'?"), "%s", c.err);
  result_clear (&r);
  result_clear (&c);
}

Test (cli, bad_reps_and_jobs_say_why)
{
  Result r = failsim ("run", "scenarios/site-outage.yaml", "--reps", "0", NULL);
  Result j = failsim ("run", "scenarios/site-outage.yaml", "--reps", "2", "--jobs", "x", NULL);

  cr_assert_eq (r.status, 2);
  cr_assert (g_str_has_prefix (r.err, "failsim run: --reps: "), "%s", r.err);
  cr_assert_eq (j.status, 2);
  cr_assert (g_str_has_prefix (j.err, "failsim run: --jobs: "), "%s", j.err);
  result_clear (&r);
  result_clear (&j);
}

/* --- failsim generate ------------------------------------------------------------------------- */

Test (cli, generate_has_complete_help)
{
  const char *options[] = { "--sites", "--vms", "--resolvers", "--clients", "--seed", "--output" };
  Result r = failsim ("generate", "--help", NULL);
  Result top = failsim ("--help", NULL);
  guint i;

  cr_assert_eq (r.status, 0);
  cr_assert (strstr (r.out, "Usage:\n  failsim generate"), "%s", r.out);
  cr_assert (strstr (r.out, "Exit status:"));
  for (i = 0; i < G_N_ELEMENTS (options); i++)
    cr_expect (strstr (r.out, options[i]), "generate --help lacks %s", options[i]);
  cr_assert (strstr (top.out, "  generate "), "%s", top.out);
  result_clear (&r);
  result_clear (&top);
}

/* A small generated estate validates, runs, and is the same bytes on stdout and in a file. */
Test (cli, a_generated_estate_validates_and_runs)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-gen-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp, "small.yaml", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autofree char *text = NULL;
  Result g = failsim ("generate", "--sites", "4", "--vms", "20", "--resolvers", "4", "--clients",
                      "200", "--seed", "3", "-o", path, NULL);
  Result s = failsim ("generate", "--sites", "4", "--vms", "20", "--resolvers", "4", "--clients",
                      "200", "--seed", "3", NULL);
  Result v, r;

  cr_assert_eq (g.status, 0, "%s", g.err);
  cr_assert_str_eq (g.out, "");
  cr_assert (g_file_get_contents (path, &text, NULL, NULL));
  cr_assert_str_eq (s.out, text, "stdout and -o differ");
  cr_assert (strstr (text, "name: dc-primary") && strstr (text, "name: branch-0002")
             && strstr (text, "name: vm-000020-replica") && strstr (text, "action: site.repair"),
             "%s", text);
  v = failsim ("validate", "--strict", path, NULL);
  cr_assert_eq (v.status, 0, "%s", v.err);
  r = failsim ("run", path, "--out", out, NULL);
  cr_assert_eq (r.status, 0, "%s", r.err);
  /* 200 clients over 2 services, 4 resolvers, a failover at 10m and a failback at 40m. */
  cr_assert (strstr (r.out, "svc-00001") && strstr (r.out, "svc-00002"), "%s", r.out);
  cr_assert (strstr (r.out, "resolver-0004"), "%s", r.out);
  cr_assert (strstr (r.out, "site dc-primary                             1  30m"), "%s", r.out);
  {
    g_autofree char *clients = read_file (out, "clients.csv");
    guint lines = 0;
    const char *p;

    for (p = clients; *p; p++)
      lines += *p == '\n';
    cr_assert_eq (lines, 201, "clients.csv: a header and 200 clients, got %u lines", lines);
  }
  remove_tree (out);
  g_unlink (path);
  g_rmdir (tmp);
  result_clear (&g);
  result_clear (&s);
  result_clear (&v);
  result_clear (&r);
}

Test (cli, generate_refuses_impossible_estates)
{
  Result a = failsim ("generate", "--sites", "2", NULL);
  Result b = failsim ("generate", "--sites", "3", "--resolvers", "201", NULL);
  Result c = failsim ("generate", "--clients", "0", NULL);
  Result d = failsim ("generate", "extra", NULL);

  cr_assert_eq (a.status, 2);
  cr_assert (strstr (a.err, "--sites"), "%s", a.err);
  cr_assert_eq (b.status, 2);
  cr_assert (strstr (b.err, "--resolvers must be from 1 to 200 with 1 branches"), "%s", b.err);
  cr_assert_eq (c.status, 2);
  cr_assert (strstr (c.err, "--clients"), "%s", c.err);
  cr_assert_eq (d.status, 2);
  result_clear (&a);
  result_clear (&b);
  result_clear (&c);
  result_clear (&d);
}

/* --- the resource guard ----------------------------------------------------------------------- */

/* Five million clients against a 10 MiB budget: refused from the sizes alone, before building. */
Test (cli, a_scenario_over_the_memory_budget_is_refused_before_allocating)
{
  gint64 t0 = g_get_monotonic_time ();
  Result r = failsim ("run", "scenarios/change-ip-failover.yaml",
                      "--set", "clients.desktops-1.count=5000000", "--max-memory", "10M", NULL);
  gint64 wall_us = g_get_monotonic_time () - t0;
  Result ok = failsim ("run", "-q", "scenarios/change-ip-failover.yaml", "--max-memory", "512M", NULL);
  Result bad = failsim ("run", "scenarios/change-ip-failover.yaml", "--max-memory", "12x", NULL);
  Result sweep = failsim ("sweep", "scenarios/change-ip-failover.yaml", "-p", "seed=1,2", "--out",
                          "/nonexistent/never-written", "--max-memory", "1K", NULL);
  Result exercise = failsim ("exercise", "scenarios/exercises/dns-script-fails.yaml", "--script",
                             "/dev/null", "--max-memory", "17M", NULL);

  cr_assert_eq (r.status, 2, "%s", r.err);
  cr_assert (strstr (r.err, "failsim run: scenarios/change-ip-failover.yaml needs an estimated "),
             "%s", r.err);
  cr_assert (strstr (r.err, "5000850 clients") && strstr (r.err, "over the budget of 10.0 MiB"),
             "%s", r.err);
  cr_assert_str_eq (r.out, "");
  /* Building five million clients takes seconds and over 700 MB; refusing takes neither. */
  cr_assert_lt (wall_us, 2000000, "took %" G_GINT64_FORMAT " us", wall_us);
  cr_assert_eq (ok.status, 0, "%s", ok.err);
  cr_assert_eq (bad.status, 2);
  cr_assert (strstr (bad.err, "--max-memory: '12x' is not a size"), "%s", bad.err);
  cr_assert_eq (sweep.status, 2);
  cr_assert (strstr (sweep.err, "failsim sweep: ") && strstr (sweep.err, "over the budget of 1.0 KiB"),
             "%s", sweep.err);
  /* One simulation of it fits in 17 MiB (16.4 MiB); the four a debrief holds do not (17.4). */
  cr_assert_eq (exercise.status, 2, "%s", exercise.err);
  cr_assert (strstr (exercise.err, "failsim exercise: scenarios/exercises/dns-script-fails.yaml needs an estimated ")
             && strstr (exercise.err, "4 simulations at once") && strstr (exercise.err, "over the budget of 17.0 MiB"),
             "%s", exercise.err);
  cr_assert_str_eq (exercise.out, "");
  result_clear (&exercise);
  result_clear (&r);
  result_clear (&ok);
  result_clear (&bad);
  result_clear (&sweep);
}

/* The base scenario fits in 64 MiB; its configuration with a million clients does not, and the
 * sweep must see that before it makes DIR. Two jobs and two replications: two runs at once. */
Test (cli, a_sweep_param_that_grows_the_scenario_is_reckoned_in)
{
  g_autofree char *dir = g_dir_make_tmp ("failsim-sweep-mem-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  Result base = failsim ("sweep", "-q", "scenarios/change-ip-failover.yaml", "-p", "seed=1,2",
                         "--until", "1s", "--out", out, "--max-memory", "64M", NULL);
  g_autofree char *out2 = g_build_filename (dir, "out2", NULL);
  Result big = failsim ("sweep", "scenarios/change-ip-failover.yaml",
                        "-p", "clients.desktops-1.count=1000..1000000*10", "--reps", "2",
                        "--jobs", "2", "--out", out2, "--max-memory", "64M", NULL);

  cr_assert_eq (base.status, 0, "%s", base.err);
  cr_assert_eq (big.status, 2, "%s", big.err);
  cr_assert (strstr (big.err, "failsim sweep: scenarios/change-ip-failover.yaml with "
                              "clients.desktops-1.count=1000000 needs an estimated "), "%s", big.err);
  cr_assert (strstr (big.err, "(1000850 clients, ") && strstr (big.err, "2 simulations at once")
             && strstr (big.err, "over the budget of 64.0 MiB (--max-memory)"), "%s", big.err);
  cr_assert (!g_file_test (out2, G_FILE_TEST_EXISTS), "the refused sweep made %s", out2);
  result_clear (&base);
  result_clear (&big);
  remove_tree (dir);
}

Test (cli, max_memory_is_on_every_command_that_simulates)
{
  const char *commands[] = { "run", "compare", "sweep", "exercise" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      Result r = failsim (commands[i], "--help", NULL);

      cr_expect (strstr (r.out, "--max-memory=SIZE"), "%s --help lacks --max-memory", commands[i]);
      result_clear (&r);
    }
}

/* --- nothing lost ------------------------------------------------------------------------------ */

/* Starts failsim with @args (NULL-terminated, after the program) from the source tree, sends it
 * @sig after @delay_us, and waits. Returns the exit status, or -1 when the signal killed it
 * (the handler did not take it); @err gets its standard error. */
static int
signal_failsim (const char *const *args, gulong delay_us, int sig, char **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  GString *text = g_string_new (NULL);
  GPid pid;
  int err_fd, wait_status = 0;
  char buf[4096];
  gssize n;

  g_ptr_array_add (argv, (gpointer) g_getenv ("FAILSIM"));
  for (; *args != NULL; args++)
    g_ptr_array_add (argv, (gpointer) *args);
  g_ptr_array_add (argv, NULL);
  cr_assert (g_spawn_async_with_pipes (FS_SOURCE_DIR, (char **) argv->pdata, NULL,
                                       G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL, NULL,
                                       &err_fd, &error),
             "%s", error ? error->message : "");
  g_usleep (delay_us);
  kill (pid, sig);
  while ((n = read (err_fd, buf, sizeof buf)) > 0)
    g_string_append_len (text, buf, n);
  close (err_fd);
  waitpid (pid, &wait_status, 0);
  *err = g_string_free (text, FALSE);
  return WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

/* Sends @sig to `failsim run --out DIR` on a long run; the run must end by its handler with
 * status 130 and leave DIR without any file, whole or partial. */
static void
interrupt_a_long_run (int sig)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-sig-XXXXXX", NULL);
  g_autofree char *scenario = g_build_filename (tmp, "estate.yaml", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  const char *args[] = { "run", scenario, "--out", out, NULL };
  g_autofree char *err = NULL;
  Result g = failsim ("generate", "--clients", "2000000", "-o", scenario, NULL);
  int status;

  cr_assert_eq (g.status, 0, "%s", g.err);
  /* Well into the run: two million clients take tens of seconds. */
  status = signal_failsim (args, 1500000, sig, &err);
  cr_assert_neq (status, -1, "ended by the signal, not by its handler");
  cr_assert_eq (status, 130, "%s", err);
  cr_assert (strstr (err, "failsim run: interrupted at ") && strstr (err, "nothing written"), "%s", err);
  /* Nothing in DIR: no result file, no temporary one. */
  if (g_file_test (out, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) d = g_dir_open (out, 0, NULL);
      const char *name = d ? g_dir_read_name (d) : NULL;

      cr_assert_null (name, "%s left in %s", name, out);
    }
  remove_tree (out);
  g_unlink (scenario);
  g_rmdir (tmp);
  result_clear (&g);
}

/* Sends @sig to `failsim run --reps` far from its end. The replications finished are kept:
 * experiment.json and replications.csv are written, byte for byte those of `run --reps M` for
 * the M the message names. */
static void
interrupt_replications (int sig)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-sigreps-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autofree char *again = g_build_filename (tmp, "again", NULL);
  g_autofree char *err = NULL, *reps = NULL;
  const char *args[] = { "run", "-q", "scenarios/change-ip-failover.yaml", "--reps", "1000000",
                         "--jobs", "2", "--out", out, NULL };
  const char *files[] = { "experiment.json", "replications.csv" };
  guint64 done = 0;
  const char *p;
  Result r;
  guint i;
  int status;

  /* A replication takes milliseconds (tens under the sanitizers): two seconds finish many. */
  status = signal_failsim (args, 2000000, sig, &err);
  cr_assert_neq (status, -1, "ended by the signal, not by its handler");
  cr_assert_eq (status, 130, "%s", err);
  cr_assert (strstr (err, "failsim run: stopping: the replications under way finish and are written"),
             "%s", err);
  p = strstr (err, "failsim run: interrupted after ");
  cr_assert_not_null (p, "%s", err);
  done = g_ascii_strtoull (p + strlen ("failsim run: interrupted after "), NULL, 10);
  cr_assert (done >= 1 && done < 1000000, "%s", err);
  reps = g_strdup_printf ("%" G_GUINT64_FORMAT, done);
  cr_assert (strstr (err, " of 1000000 replications; the results written are those "), "%s", err);
  r = failsim ("run", "-q", "scenarios/change-ip-failover.yaml", "--reps", reps, "--out", again, NULL);
  cr_assert_eq (r.status, 0, "%s", r.err);
  for (i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *a = read_file (out, files[i]), *b = read_file (again, files[i]);

      cr_assert_str_eq (a, b, "%s after the signal differs from --reps %s's", files[i], reps);
    }
  result_clear (&r);
  remove_tree (out);
  remove_tree (again);
  g_rmdir (tmp);
}

Test (cli, sigint_during_replications_keeps_those_finished, .timeout = 120)
{
  interrupt_replications (SIGINT);
}

Test (cli, sigterm_during_replications_keeps_those_finished, .timeout = 120)
{
  interrupt_replications (SIGTERM);
}

Test (cli, sigterm_during_run_leaves_no_file, .timeout = 120)
{
  interrupt_a_long_run (SIGTERM);
}

Test (cli, sigint_during_run_leaves_no_file, .timeout = 120)
{
  interrupt_a_long_run (SIGINT);
}

/* --- untrusted names --------------------------------------------------------------------------- */

/* A script and a spreadsheet formula in the scenario's name, description and notes: defused in
 * CSV (a leading quote before = + - @, quoted fields), escaped in JSON. Names proper cannot hold
 * them: the name syntax (a letter or digit, then letters, digits, '.', '-', '_') refuses both. */
Test (cli, untrusted_text_is_defused_in_csv_and_escaped_in_json)
{
  g_autofree char *tmp = g_dir_make_tmp ("failsim-untrusted-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (tmp, "out", NULL);
  g_autofree char *notices = NULL, *outages = NULL, *clients = NULL, *summary = NULL;
  Result r = failsim ("run", "-q", "tests/data/untrusted-names.yaml", "--out", out, NULL);
  Result names = failsim ("validate", "--set", "sites.0.name==cmd", "--set",
                          "hosts.0.name=<script>", "tests/data/untrusted-names.yaml", NULL);
  const char *p;

  cr_assert_eq (r.status, 0, "%s", r.err);
  notices = read_file (out, "notices.csv");
  outages = read_file (out, "outages.csv");
  clients = read_file (out, "clients.csv");
  summary = read_file (out, "summary.json");
  /* The formula's cell starts with a quote, so a spreadsheet shows it as text. */
  cr_assert (strstr (notices, ",'=cmd|' /C calc'!A0\n"), "%s", notices);
  cr_assert (strstr (notices, ",\"<script>alert(1)</script>, \"\"quoted\"\"\"\n"), "%s", notices);
  /* No field anywhere starts with the formula unquoted. */
  for (p = notices; (p = strstr (p, "=cmd")) != NULL; p++)
    cr_assert (p[-1] == '\'', "an undefused formula in notices.csv");
  cr_assert_null (strstr (outages, "=cmd"));
  cr_assert_null (strstr (outages, "<script>"));
  cr_assert_null (strstr (clients, "=cmd"));
  cr_assert_null (strstr (clients, "<script>"));
  /* JSON: the quote and the backslash escaped, so the string ends where it should. */
  cr_assert (strstr (summary, "\"name\" : \"<script>alert(1)</script> =cmd|' /C calc'!A0 \\\\ \\\"q\\\"\""),
             "%s", summary);
  cr_assert_eq (names.status, 2);
  cr_assert (strstr (names.err, "error: 'name' must be a name of letters, digits, '.', '-' or '_' (got '=cmd')"), "%s", names.err);
  cr_assert (strstr (names.err, "(got '<script>')"), "%s", names.err);
  remove_tree (out);
  g_rmdir (tmp);
  result_clear (&r);
  result_clear (&names);
}
