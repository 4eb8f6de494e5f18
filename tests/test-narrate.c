/* test-narrate.c: the narrated timeline (run --narrate): each notice's sentence exactly, a whole
 * run told line for line from the same notices the metrics count, bursts cut, and narration
 * changing nothing it observes. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "failsim/metrics.h"
#include "failsim/narrate.h"
#include "failsim/output.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (narrate, .init = enter_source_dir);

/* The sentence for a notice of @topic, or NULL when it is not told. */
static char *
say (const char *topic, const char *subject, int64_t value, const char *detail)
{
  g_autoptr (FsKernel) k = fs_kernel_new (1, 0);
  FsNotice n = { .time = 0, .topic = fs_kernel_topic (k, topic), .subject = 0, .source = NULL,
                 .subject_name = subject, .value = value, .detail = detail };

  return fs_narrator_sentence (k, &n);
}

static void
expect_says (const char *topic, const char *subject, int64_t value, const char *detail,
             const char *expected)
{
  g_autofree char *got = say (topic, subject, value, detail);

  if (expected == NULL)
    cr_expect_null (got, "%s should not be told, got '%s'", topic, got);
  else
    cr_expect_str_eq (got != NULL ? got : "(null)", expected, "%s", topic);
}

Test (narrate, sentences_name_their_subject)
{
  expect_says ("site.down", "primary", 0, "site lost", "site primary lost");
  expect_says ("site.up", "branch", 1, "site repaired", "site branch is back");
  expect_says ("router.down", "r-primary", 0, "router down", "router r-primary down");
  expect_says ("link.down", "er-east", 0, "link failed", "link er-east down (link failed)");
  expect_says ("host.up", "app-1-replica", 1, "booted", "host app-1-replica runs (booted)");
  expect_says ("blackhole.down", "r-branch 192.168.1.0/24", 1, "black hole",
               "r-branch has no working route to 192.168.1.0/24 (black hole)");
  expect_says ("blackhole.up", "r-branch 192.168.1.0/24", 0, NULL, "r-branch delivers to 192.168.1.0/24 again");
  expect_says ("loop.down", "r-recovery 10.1.0.0/24", 2, "forwarding loop",
               "r-recovery forwards 10.1.0.0/24 into a loop");
  expect_says ("loop.up", "r-recovery 10.1.0.0/24", 0, NULL, "r-recovery no longer loops 10.1.0.0/24");
  expect_says ("spread.link.down", "dci", 1, "saturated by a broadcast storm",
               "link dci saturated by a broadcast storm");
  expect_says ("spread.host.up", "app-1", 0, "storm over", "host app-1: the storm is over");
}

Test (narrate, model_sentences_pass_through)
{
  expect_says ("route.change", "r-branch", 2, "r-branch reaches 192.168.1.0/24 via r-recovery (hold timer 1m30s expired)",
               "r-branch reaches 192.168.1.0/24 via r-recovery (hold timer 1m30s expired)");
  expect_says ("dns.update", "app.contoso.com", 1, "app.contoso.com A 172.16.1.10 ttl 5m at dc-recovery (dns.update)",
               "app.contoso.com A 172.16.1.10 ttl 5m at dc-recovery (dns.update)");
  expect_says ("dns.outdated", "resolver-1", 171000000000,
               "resolver resolver-1 still answers app.contoso.com -> 192.168.1.10 (cached, 171 s left)",
               "resolver resolver-1 still answers app.contoso.com -> 192.168.1.10 (cached, 171 s left)");
  expect_says ("dr.vm_started", "app-vm", 0, "the replica of app-vm answers at the recovery site",
               "the replica of app-vm answers at the recovery site");
  expect_says ("timeline.fire", "site.fail", 0, "the primary datacenter is lost",
               "the primary datacenter is lost (site.fail)");
  expect_says ("timeline.fire", "site.fail", 0, NULL, "the timeline performs site.fail");
  expect_says ("timeline.refused", "circuit.disconnect", 0, "the primary region is down",
               "circuit.disconnect is refused: the primary region is down");
  /* A topic no template knows still gets its subject and detail. */
  expect_says ("x.y", "thing", 0, "it happened", "x.y thing: it happened");
  expect_says ("x.y", "thing", 0, NULL, "x.y thing");
}

Test (narrate, plans_and_durations)
{
  expect_says ("dr.failover_start", "rp-app", 1, "unplanned", "recovery plan rp-app starts an unplanned failover");
  expect_says ("dr.failover_start", "rp-app", 0, "planned", "recovery plan rp-app starts a planned failover");
  expect_says ("dr.group_done", "rp-app", 0, "web", "recovery plan rp-app: group web is done");
  expect_says ("dr.group_done", "rp-app", 0, "group 2", "recovery plan rp-app: group 2 is done");
  expect_says ("dr.failover_ns", "rp-app", 270 * FS_SEC, NULL, "recovery plan rp-app: the failover took 4m30s");
  expect_says ("dr.test_failover_ns", "rp-app", 90 * FS_SEC + 400, NULL,
               "recovery plan rp-app: the test failover took 1m30s");
  expect_says ("routing.convergence_ns", "site of r-primary lost", 90025000000, "site of r-primary lost: every router reaches every live subnet",
               "routing convergence measured: 1m30.025s after site of r-primary lost: every router reaches every live subnet");
  /* storm.up says when a storm ends; its duration would tell it twice. */
  expect_says ("storm.duration_ns", "app-vlan@primary", 300 * FS_SEC, "isolated", NULL);
}

static FsSim *
run_narrated (const char *path, FsNarrator **narrator, FsScenario **sc)
{
  g_autoptr (GError) error = NULL;
  FsSim *sim;

  *sc = fs_scenario_load (path, NULL, &error);
  cr_assert_not_null (*sc, "%s", error ? error->message : "");
  sim = fs_sim_new (*sc, fs_scenario_seed (*sc), 0, &error);
  cr_assert_not_null (sim);
  if (narrator != NULL)
    *narrator = fs_narrator_new (sim);
  fs_sim_run (sim, fs_scenario_duration (*sc));
  fs_sim_finish (sim);
  return sim;
}

Test (narrate, a_whole_run_line_for_line)
{
  FsNarrator *n = NULL;
  FsScenario *sc = NULL;
  FsSim *sim = run_narrated ("scenarios/change-ip-failover.yaml", &n, &sc);
  g_autofree char *text = fs_narrator_text (n);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint count = g_strv_length (lines) - 1, i;   /* the text ends in a newline */

  cr_expect (strstr (text, "00:10:00 the primary datacenter is lost (site.fail)\n00:10:00 site primary lost\n") != NULL);
  cr_expect (strstr (text, "00:11:30 r-branch reaches 192.168.1.0/24 via r-recovery (hold timer 1m30s expired)\n") != NULL);
  cr_expect (strstr (text, "00:14:34.712 app.contoso.com A 172.16.1.10 ttl 5m at dc-recovery "
                           "(registered by app-1-replica)\n") != NULL);
  cr_expect (strstr (text, "00:10:00.002 service app: a client's request fails, the first of 1098 "
                           "clients affected\n") != NULL);
  cr_expect (strstr (text, "00:19:49.735 service app: every client is served again, 9m49.733s after "
                           "the first failure\n") != NULL, "%s", text);
  /* Every notice is one line (no burst here is long enough to cut), plus four milestones: the
   * first failure, the lowest share served, half served, all served. */
  cr_expect_eq (count, fs_metrics_log (fs_sim_metrics (sim))->len + 4, "%u lines for %u notices", count,
                fs_metrics_log (fs_sim_metrics (sim))->len);
  for (i = 1; i < count; i++)
    cr_expect (strncmp (lines[i - 1], lines[i], 8) <= 0, "out of order: '%s' then '%s'", lines[i - 1], lines[i]);
  fs_narrator_free (n);
  fs_sim_free (sim);
  fs_scenario_free (sc);
}

Test (narrate, live_take_hands_out_each_line_once)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load ("scenarios/change-ip-failover.yaml", NULL, &error);
  g_autoptr (FsSim) sim = fs_sim_new (sc, 1, 0, &error);
  g_autoptr (FsNarrator) n = fs_narrator_new (sim);
  g_autofree char *before = NULL;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *rest = NULL;

  before = fs_narrator_take (n);
  cr_expect_str_eq (before, "");
  fs_sim_run (sim, 10 * FS_MIN);
  first = fs_narrator_take (n);
  again = fs_narrator_take (n);
  cr_expect (g_str_has_prefix (first, "00:10:00 the primary datacenter is lost (site.fail)\n"), "%s", first);
  cr_expect_str_eq (again, "");
  fs_sim_run (sim, 12 * FS_MIN);
  rest = fs_narrator_take (n);
  cr_expect (g_str_has_prefix (rest, "00:11:30 "), "%s", rest);
  cr_expect (strstr (rest, "00:10:00") == NULL);
}

/* Six subnets behind one router, all black-holed at once at a third site: the story tells three
 * and counts the rest. */
Test (narrate, bursts_are_cut_to_three_and_a_count)
{
  static const char text[] =
    "name: burst\nduration: 10m\n"
    "sites:\n  - name: a\n  - name: b\n"
    "routers:\n  - name: ra\n    site: a\n  - name: rb\n    site: b\n"
    "links:\n  - name: ab\n    between: [ra, rb]\n"
    "subnets:\n"
    "  - {name: s1, prefix: 10.0.1.0/24, site: a}\n  - {name: s2, prefix: 10.0.2.0/24, site: a}\n"
    "  - {name: s3, prefix: 10.0.3.0/24, site: a}\n  - {name: s4, prefix: 10.0.4.0/24, site: a}\n"
    "  - {name: s5, prefix: 10.0.5.0/24, site: a}\n  - {name: s6, prefix: 10.0.6.0/24, site: a}\n"
    "timeline:\n  - {at: 1m, action: site.fail, site: a}\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load_data ("burst.yaml", text, -1, NULL, &error);
  g_autoptr (FsSim) sim = NULL;
  g_autoptr (FsNarrator) n = NULL;
  g_autofree char *story = NULL;

  cr_assert_not_null (sc, "%s", error ? error->message : "");
  sim = fs_sim_new (sc, 1, 0, &error);
  n = fs_narrator_new (sim);
  fs_sim_run (sim, 10 * FS_MIN);
  fs_sim_finish (sim);
  story = fs_narrator_text (n);
  cr_expect (strstr (story, "00:01:00 rb has no working route to 10.0.1.0/24 (black hole)\n"
                            "00:01:00 rb has no working route to 10.0.2.0/24 (black hole)\n"
                            "00:01:00 rb has no working route to 10.0.3.0/24 (black hole)\n") != NULL, "%s", story);
  cr_expect (strstr (story, "10.0.4.0/24") == NULL, "%s", story);
  cr_expect (strstr (story, "00:01:00 ... and 3 more blackhole.down at this instant\n") != NULL, "%s", story);
}

/* The narrator only listens: a narrated run writes the same summary as a silent one. */
Test (narrate, changes_nothing_it_observes)
{
  FsRunInfo info = { 1, 0, FS_HOUR, FS_RUN_HORIZON };
  FsNarrator *n = NULL;
  FsScenario *sc1 = NULL, *sc2 = NULL;
  FsSim *told = run_narrated ("scenarios/stretched-vlan-storm.yaml", &n, &sc1);
  FsSim *silent = run_narrated ("scenarios/stretched-vlan-storm.yaml", NULL, &sc2);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  info.seed = fs_scenario_seed (sc1);
  info.horizon = fs_scenario_duration (sc1);
  a = fs_output_summary_json (told, &info);
  b = fs_output_summary_json (silent, &info);
  cr_expect_str_eq (a, b);
  fs_narrator_free (n);
  fs_sim_free (told);
  fs_sim_free (silent);
  fs_scenario_free (sc1);
  fs_scenario_free (sc2);
}
