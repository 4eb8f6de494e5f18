/* test-scenario.c: loading scenarios, the timeline, and a whole run through the sim layer. */
#include <criterion/criterion.h>
#include <string.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "failsim/dist.h"
#include "failsim/output.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"
#include "failsim/site.h"

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (scenario, .init = enter_source_dir);
TestSuite (timeline, .init = enter_source_dir);
TestSuite (sim, .init = enter_source_dir);

/* Runs @yaml to its duration and returns the finished sim; the scenario is returned in @sc. */
static FsSim *
run_text (const char *yaml, const char *const *sets, uint64_t seed, FsScenario **sc)
{
  g_autoptr (GError) error = NULL;
  FsSim *sim;

  *sc = fs_scenario_load_data ("t.yaml", yaml, -1, sets, &error);
  cr_assert_not_null (*sc, "%s", error ? error->message : "");
  sim = fs_sim_new (*sc, seed, 0, &error);
  cr_assert_not_null (sim);
  fs_sim_run (sim, fs_scenario_duration (*sc));
  fs_sim_finish (sim);
  return sim;
}

static const FsOutage *
outage_of (FsSim *sim, const char *entity, const char *name)
{
  return fs_metrics_find_outage (fs_sim_metrics (sim), entity, name);
}

/* Every file in tests/data/bad must fail to load with exactly the message kept beside it in
 * NAME.err. All mismatches are listed at once, so updating the corpus is one pass. */
Test (scenario, bad_files_give_their_exact_messages)
{
  g_autoptr (GDir) dir = g_dir_open ("tests/data/bad", 0, NULL);
  g_autoptr (GString) failures = g_string_new (NULL);
  const char *entry;
  guint checked = 0;

  cr_assert_not_null (dir);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL, *err_path = NULL, *expected = NULL, *base = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (FsScenario) sc = NULL;
      g_autofree char *got = NULL;

      if (!g_str_has_suffix (entry, ".yaml"))
        continue;
      path = g_build_filename ("tests/data/bad", entry, NULL);
      base = g_strndup (path, strlen (path) - 5);
      err_path = g_strconcat (base, ".err", NULL);
      if (!g_file_get_contents (err_path, &expected, NULL, NULL))
        {
          g_string_append_printf (failures, "%s: no .err file\n", path);
          continue;
        }
      sc = fs_scenario_load (path, NULL, &error);
      checked++;
      if (sc != NULL)
        {
          g_string_append_printf (failures, "%s: loaded, but must fail\n", path);
          continue;
        }
      cr_assert (g_error_matches (error, FS_SCENARIO_ERROR, error->code));
      got = g_strconcat (error->message, "\n", NULL);
      if (strcmp (got, expected) != 0)
        g_string_append_printf (failures, "%s:\n  expected: %s  got:      %s", path, expected, got);
    }
  cr_assert (checked >= 40, "the bad corpus holds %u files, fewer than 40", checked);
  cr_assert (failures->len == 0, "%s", failures->str);
}

/* Every input that ever crashed a fuzz harness (fuzz/, docs/hardening.md) is kept in
 * tests/data/fuzz-regressions/ and replayed here through what both harnesses call: the loader on
 * the bytes, and the duration, distribution and --set parsers on the text. Any outcome but a
 * crash is fine (under the sanitizer build, so is no memory error); a failure must say why. */
Test (scenario, fuzz_regressions_do_not_crash)
{
  static const char small[] = "name: fuzz\nseed: 1\nduration: 6h\nsites:\n"
    "  - name: primary\n    kind: datacenter\n  - name: recovery\n    kind: datacenter\n"
    "timeline:\n  - id: disaster\n    at: 10m\n    action: site.fail\n    site: primary\n";
  g_autoptr (GDir) dir = g_dir_open ("tests/data/fuzz-regressions", 0, NULL);
  const char *entry;
  guint replayed = 0;

  cr_assert_not_null (dir);
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("tests/data/fuzz-regressions", entry, NULL);
      g_autofree char *data = NULL, *text = NULL;
      gsize len = 0;
      FsTime t = 0;
      const char *sets[] = { NULL, NULL };

      if (g_str_has_prefix (entry, "README"))
        continue;
      cr_assert (g_file_get_contents (path, &data, &len, NULL), "%s", path);
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (FsScenario) sc = fs_scenario_load_data (path, data, (gssize) len, NULL, &error);

        cr_assert (sc != NULL || error != NULL, "%s: failed without a message", path);
      }
      text = g_strndup (data, len);
      {
        g_autoptr (GError) error = NULL;

        if (!fs_time_parse (text, &t, &error))
          cr_assert_not_null (error, "%s", path);
      }
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (FsDist) d = fs_dist_parse (text, &error);

        cr_assert (d != NULL || error != NULL, "%s", path);
      }
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (FsScenario) sc = NULL;

        sets[0] = text;
        sc = fs_scenario_load_data ("fuzz.yaml", small, -1, sets, &error);
        cr_assert (sc != NULL || error != NULL, "%s", path);
      }
      replayed++;
    }
  cr_log_info ("replayed %u fuzz regression inputs", replayed);
}

Test (scenario, good_files_and_shipped_scenarios_load)
{
  const char *dirs[] = { "tests/data/good", "scenarios" };
  guint d, loaded = 0;

  for (d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autoptr (GDir) dir = g_dir_open (dirs[d], 0, NULL);
      const char *entry;

      cr_assert_not_null (dir);
      while ((entry = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (dirs[d], entry, NULL);
          g_autoptr (GError) error = NULL;
          g_autoptr (FsScenario) sc = NULL;

          if (!g_str_has_suffix (entry, ".yaml"))
            continue;
          sc = fs_scenario_load (path, NULL, &error);
          cr_expect_not_null (sc, "%s", error ? error->message : "");
          loaded++;
        }
    }
  cr_assert (loaded >= 5);
}

Test (scenario, common_keys_have_their_defaults)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load_data ("t.yaml", "name: x\n", -1, NULL, &error);

  cr_assert_not_null (sc);
  cr_assert_str_eq (fs_scenario_name (sc), "x");
  cr_assert_eq (fs_scenario_seed (sc), 1);
  cr_assert_eq (fs_scenario_duration (sc), FS_HOUR);
  cr_assert_null (fs_scenario_description (sc));
  /* sha256 of the 8 bytes "name: x\n", computed with sha256sum. */
  cr_assert_str_eq (fs_scenario_sha256 (sc),
                    "a2a79ea37edb1963efaae29281523ab441a8a99df048d204f22f3f413e325afc");
}

Test (scenario, set_overrides_apply_before_checks)
{
  const char *yaml = "name: x\nsites:\n  - name: a\n";
  const char *bad[] = { "sites.a.kind=moon", NULL };
  const char *good[] = { "sites.a.kind=branch", "seed=99", "duration=2h", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = NULL;

  sc = fs_scenario_load_data ("t.yaml", yaml, -1, bad, &error);
  cr_assert_null (sc);
  cr_assert_str_eq (error->message,
                    "--set:1:14: error: 'kind' must be one of datacenter, branch, cloud-region; got 'moon'");
  g_clear_error (&error);
  sc = fs_scenario_load_data ("t.yaml", yaml, -1, good, &error);
  cr_assert_not_null (sc, "%s", error ? error->message : "");
  cr_assert_eq (fs_sites_spec_kind (sc, 0), FS_SITE_BRANCH);
  cr_assert_eq (fs_scenario_seed (sc), 99);
  cr_assert_eq (fs_scenario_duration (sc), 2 * FS_HOUR);
  cr_assert_str_eq (fs_scenario_overrides (sc)[2], "duration=2h");
}

Test (scenario, registry_lists_sections_in_order_and_actions_by_name)
{
  guint n;
  const FsSection *const *s = fs_scenario_sections (&n);
  const FsAction *const *a;

  cr_assert_geq (n, 2);
  cr_assert_str_eq (s[0]->key, "sites");
  /* The timeline, then the exercise, come last: their actions may name anything declared. */
  cr_assert_str_eq (s[n - 2]->key, "timeline");
  cr_assert_str_eq (s[n - 1]->key, "exercise");
  a = fs_scenario_actions (&n);
  cr_assert_geq (n, 2);
  for (guint i = 1; i < n; i++)
    cr_assert_lt (strcmp (a[i - 1]->name, a[i]->name), 0, "%s before %s", a[i - 1]->name, a[i]->name);
  cr_assert_str_eq (fs_scenario_find_action ("site.fail")->name, "site.fail");
  cr_assert_str_eq (fs_scenario_find_action ("site.repair")->name, "site.repair");
  cr_assert_null (fs_scenario_find_action ("site.explode"));
}

static gboolean
doc_mentions (const char *doc, const char *key)
{
  g_autofree char *quoted = g_strdup_printf ("`%s`", key);

  return strstr (doc, quoted) != NULL;
}

/* The reference in docs/ must name every key the loader accepts, written as `key`. */
Test (scenario, every_key_and_action_is_documented)
{
  g_autofree char *doc = NULL;
  const FsField *f;
  const FsSection *const *s;
  const FsAction *const *a;
  guint n, i;

  cr_assert (g_file_get_contents ("docs/scenario-format.md", &doc, NULL, NULL));
  for (f = fs_scenario_common_fields (); f->key; f++)
    cr_expect (doc_mentions (doc, f->key), "docs/scenario-format.md lacks `%s`", f->key);
  s = fs_scenario_sections (&n);
  for (i = 0; i < n; i++)
    {
      cr_expect (doc_mentions (doc, s[i]->key), "docs/scenario-format.md lacks `%s`", s[i]->key);
      for (f = s[i]->fields; f && f->key; f++)
        cr_expect (doc_mentions (doc, f->key), "docs/scenario-format.md lacks `%s` of %s", f->key,
                   s[i]->key);
      for (f = s[i]->sub_fields; f && f->key; f++)
        cr_expect (doc_mentions (doc, f->key), "docs/scenario-format.md lacks `%s` of %s.%s", f->key,
                   s[i]->key, s[i]->sub_key);
    }
  a = fs_scenario_actions (&n);
  for (i = 0; i < n; i++)
    {
      cr_expect (doc_mentions (doc, a[i]->name), "docs/scenario-format.md lacks `%s`", a[i]->name);
      for (f = a[i]->fields; f && f->key; f++)
        cr_expect (doc_mentions (doc, f->key), "docs/scenario-format.md lacks `%s` of %s", f->key,
                   a[i]->name);
    }
}

/* fail at 10m; repair 30m after it (40m); fail again 5m after the repair (45m); horizon 2h.
 * Downtime = (40m - 10m) + (2h - 45m) = 30m + 75m = 105m, in 2 outages, still down at the end. */
Test (timeline, after_chains_add_delays)
{
  const char *yaml =
    "name: chain\nduration: 2h\nsites:\n  - name: a\n"
    "timeline:\n"
    "  - {id: f1, at: 10m, action: site.fail, site: a}\n"
    "  - {id: r1, after: f1, at: 30m, action: site.repair, site: a}\n"
    "  - {after: r1, at: 5m, action: site.fail, site: a}\n";
  g_autoptr (FsScenario) sc = NULL;
  g_autoptr (FsSim) sim = run_text (yaml, NULL, 1, &sc);
  const FsOutage *o = outage_of (sim, "site", "a");

  cr_assert_not_null (o);
  cr_assert_eq (o->outages, 2);
  cr_assert_eq (o->downtime, 105 * FS_MIN);
  cr_assert_eq (o->first_down, 10 * FS_MIN);
  cr_assert_eq (o->last_up, 40 * FS_MIN);
  cr_assert_eq (o->down_since, 45 * FS_MIN);
  cr_assert_eq (fs_kernel_now (fs_sim_kernel (sim)), 2 * FS_HOUR);
  cr_assert_eq (fs_kernel_events_run (fs_sim_kernel (sim)), 3);
}

/* Entries written later but chained earlier still fire in time order: the repair is listed
 * first but its 'after' puts it at 10m + 20m. */
Test (timeline, entries_fire_in_time_order_not_file_order)
{
  const char *yaml =
    "name: order\nduration: 1h\nsites:\n  - name: a\n"
    "timeline:\n"
    "  - {after: f, at: 20m, action: site.repair, site: a}\n"
    "  - {id: f, at: 10m, action: site.fail, site: a}\n";
  g_autoptr (FsScenario) sc = NULL;
  g_autoptr (FsSim) sim = run_text (yaml, NULL, 1, &sc);
  const FsOutage *o = outage_of (sim, "site", "a");

  cr_assert_eq (o->outages, 1);
  cr_assert_eq (o->first_down, 10 * FS_MIN);
  cr_assert_eq (o->last_up, 30 * FS_MIN);
  cr_assert_eq (o->downtime, 20 * FS_MIN);
}

/* Two entries at the same time fire in the order written: fail then repair leaves the site up
 * after a zero-length outage; repair then fail leaves it down. */
Test (timeline, equal_times_fire_in_file_order)
{
  const char *fail_first =
    "name: ties\nduration: 1h\nsites:\n  - name: a\ntimeline:\n"
    "  - {at: 10m, action: site.fail, site: a}\n  - {at: 10m, action: site.repair, site: a}\n";
  const char *repair_first =
    "name: ties\nduration: 1h\nsites:\n  - name: a\ntimeline:\n"
    "  - {at: 10m, action: site.repair, site: a}\n  - {at: 10m, action: site.fail, site: a}\n";
  g_autoptr (FsScenario) sc1 = NULL, sc2 = NULL;
  g_autoptr (FsSim) s1 = run_text (fail_first, NULL, 1, &sc1);
  g_autoptr (FsSim) s2 = run_text (repair_first, NULL, 1, &sc2);
  const FsOutage *o1 = outage_of (s1, "site", "a"), *o2 = outage_of (s2, "site", "a");

  cr_assert_eq (o1->outages, 1);
  cr_assert_eq (o1->downtime, 0);
  cr_assert_eq (o1->down_since, -1);
  cr_assert_eq (o2->outages, 1);
  cr_assert_eq (o2->downtime, 50 * FS_MIN);
  cr_assert_eq (o2->down_since, 10 * FS_MIN);
}

static FsTime
first_notice_time (FsSim *sim, const char *topic)
{
  FsKernel *k = fs_sim_kernel (sim);
  const GArray *log = fs_metrics_log (fs_sim_metrics (sim));
  uint32_t id = fs_kernel_topic (k, topic);
  guint i;

  for (i = 0; i < log->len; i++)
    if (g_array_index (log, FsLogEntry, i).topic == id)
      return g_array_index (log, FsLogEntry, i).time;
  return -1;
}

/* Each entry draws from its own stream: changing the law of the first entry leaves the time
 * drawn for the second exactly as it was (common random numbers across variants). */
Test (timeline, an_entry_keeps_its_draws_when_another_changes)
{
  const char *yaml =
    "name: streams\nduration: 1d\nsites:\n  - name: a\n  - name: b\ntimeline:\n"
    "  - {at: exponential(1h), action: site.fail, site: a}\n"
    "  - {at: exponential(2h), action: site.repair, site: b}\n"
    "  - {id: late, at: exponential(3h), action: site.fail, site: b}\n";
  const char *changed[] = { "timeline.0.at=uniform(1m, 2m)", NULL };
  g_autoptr (FsScenario) sc1 = NULL, sc2 = NULL;
  g_autoptr (FsSim) s1 = run_text (yaml, NULL, 5, &sc1);
  g_autoptr (FsSim) s2 = run_text (yaml, changed, 5, &sc2);
  FsTime a1 = first_notice_time (s1, "site.down"), a2 = first_notice_time (s2, "site.down");

  cr_assert_neq (a1, a2);
  /* The second site.down of each run is b's; the first entry only changed a's time. */
  cr_assert_eq (outage_of (s1, "site", "b")->first_down, outage_of (s2, "site", "b")->first_down);
  cr_assert_gt (outage_of (s1, "site", "b")->first_down, 0);
}

Test (sim, same_seed_gives_identical_summary_and_another_seed_does_not)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load ("scenarios/branch-outages.yaml", NULL, &error);
  FsRunInfo info = { .seed = 7, .replication = 0, .horizon = FS_DAY, .status = FS_RUN_HORIZON };
  g_autofree char *first = NULL, *second = NULL, *other = NULL;
  uint64_t seeds[] = { 7, 7, 8 };
  char **out[] = { &first, &second, &other };
  guint i;

  cr_assert_not_null (sc, "%s", error ? error->message : "");
  for (i = 0; i < 3; i++)
    {
      g_autoptr (FsSim) sim = fs_sim_new (sc, seeds[i], 0, &error);
      info.seed = seeds[i];
      info.status = fs_sim_run (sim, info.horizon);
      fs_sim_finish (sim);
      *out[i] = fs_output_summary_json (sim, &info);
    }
  cr_assert_str_eq (first, second);
  cr_assert_str_neq (first, other);
}

Test (sim, a_replication_differs_from_another_and_repeats_itself)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load ("scenarios/site-outage.yaml", NULL, &error);
  FsTime up[3];
  guint i;
  uint64_t reps[] = { 0, 1, 0 };

  cr_assert_not_null (sc);
  for (i = 0; i < 3; i++)
    {
      g_autoptr (FsSim) sim = fs_sim_new (sc, 1, reps[i], &error);
      fs_sim_run (sim, fs_scenario_duration (sc));
      fs_sim_finish (sim);
      up[i] = outage_of (sim, "site", "primary")->last_up;
    }
  cr_assert_neq (up[0], up[1]);
  cr_assert_eq (up[0], up[2]);
}

Test (sim, run_in_steps_equals_run_at_once)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load ("scenarios/branch-outages.yaml", NULL, &error);
  g_autoptr (FsSim) whole = fs_sim_new (sc, 3, 0, &error);
  g_autoptr (FsSim) steps = fs_sim_new (sc, 3, 0, &error);
  FsRunInfo info = { .seed = 3, .horizon = FS_DAY, .status = FS_RUN_HORIZON };
  g_autofree char *a = NULL, *b = NULL;
  FsTime t;

  fs_sim_run (whole, FS_DAY);
  fs_sim_finish (whole);
  for (t = FS_HOUR; t <= FS_DAY; t += FS_HOUR)
    fs_sim_run (steps, t);
  fs_sim_finish (steps);
  a = fs_output_summary_json (whole, &info);
  b = fs_output_summary_json (steps, &info);
  cr_assert_str_eq (a, b);
}

Test (output, csv_fields_are_quoted_and_defused)
{
  g_autoptr (GString) row = g_string_new (NULL);

  fs_output_csv_field (row, "plain");
  g_string_append_c (row, '|');
  fs_output_csv_field (row, "a,b");
  g_string_append_c (row, '|');
  fs_output_csv_field (row, "say \"hi\"");
  g_string_append_c (row, '|');
  fs_output_csv_field (row, "=cmd|' /C calc'!A0");
  g_string_append_c (row, '|');
  fs_output_csv_field (row, "-1,+2");
  cr_assert_str_eq (row->str, "plain|\"a,b\"|\"say \"\"hi\"\"\"|'=cmd|' /C calc'!A0|\"'-1,+2\"");
}

Test (output, files_are_written_whole_with_no_temporary_left)
{
  g_autofree char *dir = g_dir_make_tmp ("failsim-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "f.txt", NULL);
  g_autofree char *back = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = NULL;
  const char *entry;
  guint n = 0;

  cr_assert (fs_output_write_file (path, "one", -1, &error));
  cr_assert (fs_output_write_file (path, "two", -1, &error));
  cr_assert (g_file_get_contents (path, &back, NULL, NULL));
  cr_assert_str_eq (back, "two");
  d = g_dir_open (dir, 0, NULL);
  while ((entry = g_dir_read_name (d)) != NULL)
    n++;
  cr_assert_eq (n, 1);
  g_unlink (path);
  g_rmdir (dir);
}

/* The repair is fixed at 10m + 2h = 2h10m, past the 1h duration: loaded, with a warning at
 * its 'at'. A drawn time gets no warning, since some draws may fall inside. */
Test (timeline, a_fixed_entry_past_the_duration_is_a_warning)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load ("tests/data/good/late-entry.yaml", NULL, &error);
  const char *drawn[] = { "timeline.1.at=exponential(2h)", NULL };
  g_autoptr (FsScenario) sc2 = NULL;
  const GPtrArray *w;

  cr_assert_not_null (sc, "%s", error ? error->message : "");
  w = fs_scenario_warnings (sc);
  cr_assert_eq (w->len, 1);
  cr_assert_str_eq (g_ptr_array_index (w, 0),
                    "tests/data/good/late-entry.yaml:12:9: warning: this entry fires at 2h10m, after "
                    "the scenario's duration of 1h, so no run reaches it unless --until is later");
  sc2 = fs_scenario_load ("tests/data/good/late-entry.yaml", drawn, &error);
  cr_assert_not_null (sc2);
  cr_assert_eq (fs_scenario_warnings (sc2)->len, 0);
}
