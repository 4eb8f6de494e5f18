/* test-l2.c: the layer-2 model against hand-worked times: storm spread in a stretched and a
 * site-local VLAN, storm control, isolation, a saturated interconnect's effect on routing, VM
 * moves with and without gratuitous ARP, the trombone, and the load rules.
 *
 * The estate of scenarios/stretched-vlan-*.yaml: primary and recovery joined by dci (2ms), a
 * third site joined to each by 10ms; hold time 90s; the gateway of 192.168.1.0/24 (app-vlan,
 * stretched over primary and recovery) is r-primary. db-vlan carries 192.168.2.0/24 at the
 * primary only, with storm control 2s. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "failsim/clients.h"
#include "failsim/l2.h"
#include "failsim/metrics.h"
#include "failsim/net.h"
#include "failsim/output.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"

#define MS FS_MSEC
#define STORM "scenarios/stretched-vlan-storm.yaml"
#define MOVE "scenarios/stretched-vlan-move.yaml"

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (l2, .init = enter_source_dir);

typedef struct {
  FsScenario *sc;
  FsSim *sim;
  FsNet *net;
  FsL2 *l2;
} Run;

static Run
start_text (const char *name, const char *text, const char *const *sets)
{
  g_autoptr (GError) error = NULL;
  Run r = { 0 };

  r.sc = fs_scenario_load_data (name, text, -1, sets, &error);
  cr_assert_not_null (r.sc, "%s", error ? error->message : "");
  r.sim = fs_sim_new (r.sc, 1, 0, &error);
  cr_assert_not_null (r.sim, "%s", error ? error->message : "");
  r.net = fs_net_from_model (fs_sim_model (r.sim, "net"));
  r.l2 = fs_l2_from_model (fs_sim_model (r.sim, "l2"));
  return r;
}

static Run
start (const char *path, const char *const *sets)
{
  g_autofree char *text = NULL;

  cr_assert (g_file_get_contents (path, &text, NULL, NULL));
  return start_text (path, text, sets);
}

/* @path with @extra appended: more timeline entries. */
static Run
start_with (const char *path, const char *extra)
{
  g_autofree char *text = NULL, *all = NULL;

  cr_assert (g_file_get_contents (path, &text, NULL, NULL));
  all = g_strconcat (text, extra, NULL);
  return start_text (path, all, NULL);
}

static void
run_all (Run *r)
{
  fs_sim_run (r->sim, fs_scenario_duration (r->sc));
  fs_sim_finish (r->sim);
}

static void
finish (Run *r)
{
  fs_sim_free (r->sim);
  fs_scenario_free (r->sc);
}

static const FsOutageClass *
outage_class (Run *r, const char *entity)
{
  return fs_metrics_outage_class (fs_sim_metrics (r->sim), entity);
}

static const FsOutage *
outage (Run *r, const char *entity, const char *name)
{
  return fs_metrics_find_outage (fs_sim_metrics (r->sim), entity, name);
}

static FsTime
downtime (Run *r, const char *entity, const char *name)
{
  const FsOutage *o = outage (r, entity, name);

  return o ? o->downtime : 0;
}

/* Entries under outages.<entity>, and their total downtime. */
static guint
entries (Run *r, const char *entity, FsTime *total)
{
  const FsOutageClass *c = outage_class (r, entity);
  guint j, n = 0;

  *total = 0;
  for (j = 0; c != NULL && j < c->subjects->len; j++)
    {
      const FsOutage *o = &g_array_index (c->subjects, FsOutage, j);
      if (o->name == NULL)
        continue;
      n++;
      *total += o->downtime;
    }
  return n;
}

/* How many notices of @topic came at @at; the value of the last in *@value. */
static guint
notices_at (Run *r, const char *topic_name, FsTime at, int64_t *value)
{
  const GArray *log = fs_metrics_log (fs_sim_metrics (r->sim));
  uint32_t topic = fs_kernel_topic (fs_sim_kernel (r->sim), topic_name);
  guint i, n = 0;

  for (i = 0; i < log->len; i++)
    {
      const FsLogEntry *e = &g_array_index (log, FsLogEntry, i);
      if (e->topic == topic && e->time == at)
        {
          n++;
          if (value)
            *value = e->value;
        }
    }
  return n;
}

static FsReach
reach (Run *r, const char *router, const char *ip_text)
{
  FsIp ip;

  cr_assert (fs_ip_parse (ip_text, &ip, NULL));
  return fs_net_reach (r->net, fs_net_router_index (r->net, router), &ip);
}

/* --- storms -------------------------------------------------------------------------------------- */

/* The test. Storm 1, at 10m in app-vlan (stretched) from the primary: it floods both
 * sites over dci, all three app hosts, and saturates dci; no storm control, so it lasts until
 * isolation, 5m: 3 hosts x 300s = 900 host-seconds. Storm 2, at 30m in db-vlan (primary only):
 * the primary, db-1 and db-2, no link; storm control ends it after 2s: 2 x 2s = 4s. */
Test (l2, a_storm_floods_every_site_of_a_stretched_vlan_and_only_the_site_of_a_local_one)
{
  Run r = start (STORM, NULL);
  FsTime total;
  int64_t v = 0;

  run_all (&r);
  /* Storm 1: what it reached, by the notices at its start. */
  cr_assert_eq (notices_at (&r, "storm.down", 10 * FS_MIN, NULL), 1);
  cr_assert_eq (notices_at (&r, "spread.site.down", 10 * FS_MIN, NULL), 2);
  cr_assert_eq (notices_at (&r, "spread.link.down", 10 * FS_MIN, NULL), 1);
  cr_assert_eq (notices_at (&r, "spread.host.down", 10 * FS_MIN, NULL), 3);
  cr_assert_eq (notices_at (&r, "spread.vlan.down", 10 * FS_MIN, NULL), 1);
  cr_assert_eq (notices_at (&r, "storm.duration_ns", 15 * FS_MIN, &v), 1);
  cr_assert_eq (v, 5 * FS_MIN);
  /* Storm 2. */
  cr_assert_eq (notices_at (&r, "spread.site.down", 30 * FS_MIN, NULL), 1);
  cr_assert_eq (notices_at (&r, "spread.link.down", 30 * FS_MIN, NULL), 0);
  cr_assert_eq (notices_at (&r, "spread.host.down", 30 * FS_MIN, NULL), 2);
  cr_assert_eq (notices_at (&r, "storm.duration_ns", 30 * FS_MIN + 2 * FS_SEC, &v), 1);
  cr_assert_eq (v, 2 * FS_SEC);

  /* The same in the outages summary.json lists. */
  cr_assert_eq (downtime (&r, "storm", "app-vlan@primary"), 5 * FS_MIN);
  cr_assert_eq (downtime (&r, "storm", "db-vlan@primary"), 2 * FS_SEC);
  cr_assert_eq (entries (&r, "spread.host", &total), 5);
  cr_assert_eq (total, 3 * 300 * FS_SEC + 2 * 2 * FS_SEC);
  cr_assert_eq (downtime (&r, "spread.host", "app-1") + downtime (&r, "spread.host", "app-2")
                + downtime (&r, "spread.host", "app-3"), 900 * FS_SEC);
  cr_assert_eq (downtime (&r, "spread.host", "db-1") + downtime (&r, "spread.host", "db-2"),
                4 * FS_SEC);
  cr_assert_eq (entries (&r, "spread.link", &total), 1);
  cr_assert_eq (downtime (&r, "spread.link", "dci"), 5 * FS_MIN);
  cr_assert_eq (entries (&r, "spread.site", &total), 2);
  cr_assert_eq (downtime (&r, "spread.site", "primary"), 5 * FS_MIN + 2 * FS_SEC);
  cr_assert_eq (outage (&r, "spread.site", "primary")->outages, 2);
  cr_assert_eq (downtime (&r, "spread.site", "recovery"), 5 * FS_MIN);
  cr_assert_null (outage (&r, "spread.site", "third"));
  finish (&r);
}

/* During the stretched storm every app host is unusable, the site-local db hosts are not; after
 * it the app hosts are back, app-3 behind the interconnect again. */
Test (l2, storming_hosts_are_unreachable_and_other_vlans_are_not)
{
  Run r = start (STORM, NULL);
  FsReach x;

  fs_sim_run (r.sim, 10 * FS_MIN - 1);
  cr_assert_eq (reach (&r, "r-primary", "192.168.1.10").status, FS_REACH_DELIVERED);
  fs_sim_run (r.sim, 10 * FS_MIN);
  cr_assert (fs_l2_vlan_is_storming (r.l2, fs_l2_vlan_index (r.l2, "app-vlan")));
  cr_assert_eq (reach (&r, "r-primary", "192.168.1.10").status, FS_REACH_NO_HOST);
  cr_assert_eq (reach (&r, "r-primary", "192.168.1.12").status, FS_REACH_NO_HOST);
  x = reach (&r, "r-third", "192.168.2.10");
  cr_assert_eq (x.status, FS_REACH_DELIVERED);
  cr_assert_eq (x.latency, 10 * MS);
  fs_sim_run (r.sim, 15 * FS_MIN);
  cr_assert_not (fs_l2_vlan_is_storming (r.l2, fs_l2_vlan_index (r.l2, "app-vlan")));
  x = reach (&r, "r-third", "192.168.1.12");
  cr_assert_eq (x.status, FS_REACH_DELIVERED);
  cr_assert_eq (x.latency, 10 * MS + 2 * MS);
  finish (&r);
}

/* With storm control 3s on app-vlan, storm 1 ends at 10m + 3s: 3 hosts x 3s = 9 host-seconds. */
Test (l2, storm_control_ends_a_storm_after_its_delay)
{
  const char *sets[] = { "vlans.app-vlan.storm_control=3s", NULL };
  Run r = start (STORM, sets);
  FsTime total;
  int64_t v = 0;

  run_all (&r);
  cr_assert_eq (notices_at (&r, "storm.duration_ns", 10 * FS_MIN + 3 * FS_SEC, &v), 1);
  cr_assert_eq (v, 3 * FS_SEC);
  entries (&r, "spread.host", &total);
  cr_assert_eq (total, 3 * 3 * FS_SEC + 2 * 2 * FS_SEC);
  cr_assert_eq (downtime (&r, "spread.link", "dci"), 3 * FS_SEC);
  /* Shorter than the hold time: r-recovery keeps its route over dci, a black hole while dci is
   * saturated, 3s, and never reroutes. */
  cr_assert_eq (downtime (&r, "blackhole", "r-recovery 192.168.1.0/24"), 3 * FS_SEC);
  finish (&r);
}

/* An operator isolating the VLAN at 12m ends storm 1 then: 2m, 3 x 120s = 360 host-seconds; the
 * pending isolation at 15m does nothing. */
Test (l2, vlan_isolate_ends_the_storm_at_once)
{
  Run r = start_with (STORM, "  - at: 12m\n    action: vlan.isolate\n    vlan: app-vlan\n");
  FsTime total;
  int64_t v = 0;

  run_all (&r);
  cr_assert_eq (notices_at (&r, "storm.duration_ns", 12 * FS_MIN, &v), 1);
  cr_assert_eq (v, 2 * FS_MIN);
  cr_assert_eq (notices_at (&r, "storm.up", 15 * FS_MIN, NULL), 0);
  entries (&r, "spread.host", &total);
  cr_assert_eq (total, 3 * 120 * FS_SEC + 2 * 2 * FS_SEC);
  finish (&r);
}

/* The saturated dci counts as dead for routing. r-recovery forwards both subnets over it (one
 * hop) and black-holes them from 10m until its hold timer expires at 10m + 90s; then it uses the
 * path via r-third it already holds. At 15m the link is usable again and the session re-forms
 * at once; r-primary's announcement reaches r-recovery after dci's latency and the processing
 * delay, 2ms + 5ms (default): back to r-primary directly at 15m + 7ms. */
Test (l2, a_saturated_interconnect_fails_its_routing_session_after_the_hold_time)
{
  Run r = start (STORM, NULL);
  int rec = fs_net_router_index (r.net, "r-recovery");
  int pri = fs_net_router_index (r.net, "r-primary");
  int third = fs_net_router_index (r.net, "r-third");
  int app = fs_net_subnet_index (r.net, "app");

  fs_sim_run (r.sim, 10 * FS_MIN);
  cr_assert_eq (fs_net_next_hop (r.net, rec, app), pri);
  cr_assert_eq (reach (&r, "r-recovery", "192.168.1.10").status, FS_REACH_DEAD_HOP);
  fs_sim_run (r.sim, 10 * FS_MIN + 90 * FS_SEC - 1);
  cr_assert_eq (fs_net_next_hop (r.net, rec, app), pri);
  fs_sim_run (r.sim, 10 * FS_MIN + 90 * FS_SEC);
  cr_assert_eq (fs_net_next_hop (r.net, rec, app), third);
  fs_sim_run (r.sim, 15 * FS_MIN + 7 * MS - 1);
  cr_assert_eq (fs_net_next_hop (r.net, rec, app), third);
  fs_sim_run (r.sim, 15 * FS_MIN + 7 * MS);
  cr_assert_eq (fs_net_next_hop (r.net, rec, app), pri);
  fs_sim_run (r.sim, fs_scenario_duration (r.sc));
  fs_sim_finish (r.sim);
  cr_assert_eq (downtime (&r, "blackhole", "r-recovery 192.168.1.0/24"), 90 * FS_SEC);
  cr_assert_eq (downtime (&r, "blackhole", "r-recovery 192.168.2.0/24"), 90 * FS_SEC);
  cr_assert_eq (downtime (&r, "blackhole", "r-third 192.168.1.0/24"), 0);
  finish (&r);
}

/* A host starting behind the interconnect is reported as a trombone at time 0: +2ms. */
Test (l2, a_host_behind_the_interconnect_trombones_from_the_start)
{
  Run r = start (STORM, NULL);
  int64_t v = 0;
  FsReach x;

  fs_sim_run (r.sim, 0);
  cr_assert_eq (notices_at (&r, "l2.trombone_ns", 0, &v), 1);
  cr_assert_eq (v, 2 * MS);
  /* r-third has a 10ms link to r-recovery, but the gateway is r-primary: 10ms + 2ms. */
  x = reach (&r, "r-third", "192.168.1.12");
  cr_assert_eq (x.status, FS_REACH_DELIVERED);
  cr_assert_eq (x.latency, 12 * MS);
  finish (&r);
}

/* --- moves and ARP ---------------------------------------------------------------------------------- */

/* app-1 moves to recovery at 10m with boot 0: it runs there at once, but the gateway's entry
 * points at the primary until its gratuitous ARP at 10m + 50ms. From then r-third reaches it
 * via r-primary and dci: 10ms + 2ms = 12ms, a 2ms trombone. */
Test (l2, a_move_with_gratuitous_arp_is_unreachable_for_exactly_garp_delay)
{
  Run r = start (MOVE, NULL);
  int app1 = fs_net_host_index (r.net, "app-1");
  int64_t v = 0;
  FsReach x;

  fs_sim_run (r.sim, 10 * FS_MIN - 1);
  x = reach (&r, "r-third", "192.168.1.10");
  cr_assert_eq (x.status, FS_REACH_DELIVERED);
  cr_assert_eq (x.latency, 10 * MS);
  fs_sim_run (r.sim, 10 * FS_MIN);
  cr_assert_eq (fs_net_host_site (r.net, app1), 1);
  cr_assert_eq (fs_l2_arp_site (r.l2, app1), 0);
  cr_assert_eq (reach (&r, "r-third", "192.168.1.10").status, FS_REACH_NO_HOST);
  fs_sim_run (r.sim, 10 * FS_MIN + 50 * MS - 1);
  cr_assert_eq (reach (&r, "r-third", "192.168.1.10").status, FS_REACH_NO_HOST);
  fs_sim_run (r.sim, 10 * FS_MIN + 50 * MS);
  x = reach (&r, "r-third", "192.168.1.10");
  cr_assert_eq (x.status, FS_REACH_DELIVERED);
  cr_assert_eq (x.latency, 10 * MS + 2 * MS);
  cr_assert_eq (x.hops, 1);
  cr_assert_eq (fs_l2_arp_site (r.l2, app1), 1);
  cr_assert_eq (fs_l2_arp_expires (r.l2, app1), 10 * FS_MIN + 50 * MS + 4 * FS_HOUR);
  cr_assert_eq (notices_at (&r, "l2.trombone_ns", 10 * FS_MIN + 50 * MS, &v), 1);
  cr_assert_eq (v, 2 * MS);
  run_all (&r);
  cr_assert_eq (downtime (&r, "arp", "app-1"), 50 * MS);
  finish (&r);
}

/* Refresh rule: the gateway learns every host at 0 and, traffic being steady, re-ARPs each as its
 * entry expires, so app-2's entry is refreshed at 0, 4h, 8h ... app-2 moves at 1h with no
 * gratuitous ARP: the entry points at the primary until 4h, an outage of 4h - (1h - 0) = 3h. */
Test (l2, without_gratuitous_arp_a_moved_host_waits_for_its_arp_entry_to_age_out)
{
  Run r = start (MOVE, NULL);
  int app2 = fs_net_host_index (r.net, "app-2");
  FsReach x;

  fs_sim_run (r.sim, FS_HOUR);
  cr_assert_eq (fs_l2_arp_expires (r.l2, app2), 4 * FS_HOUR);
  cr_assert_eq (reach (&r, "r-third", "192.168.1.11").status, FS_REACH_NO_HOST);
  fs_sim_run (r.sim, 4 * FS_HOUR - 1);
  cr_assert_eq (reach (&r, "r-third", "192.168.1.11").status, FS_REACH_NO_HOST);
  fs_sim_run (r.sim, 4 * FS_HOUR);
  x = reach (&r, "r-third", "192.168.1.11");
  cr_assert_eq (x.status, FS_REACH_DELIVERED);
  cr_assert_eq (x.latency, 12 * MS);
  cr_assert_eq (fs_l2_arp_expires (r.l2, app2), 8 * FS_HOUR);
  run_all (&r);
  cr_assert_eq (downtime (&r, "arp", "app-2"), 3 * FS_HOUR);
  finish (&r);
}

/* With a 30s boot, app-1 is down from 10m to 10m30s (not an ARP problem: it runs nowhere), then
 * stale for 50ms: reachable at 10m30.05s, and the ARP outage is still 50ms. */
Test (l2, boot_time_comes_before_the_gratuitous_arp)
{
  const char *sets[] = { "timeline.0.boot=30s", NULL };
  Run r = start (MOVE, sets);

  fs_sim_run (r.sim, 10 * FS_MIN + 30 * FS_SEC + 50 * MS - 1);
  cr_assert_eq (reach (&r, "r-third", "192.168.1.10").status, FS_REACH_NO_HOST);
  fs_sim_run (r.sim, 10 * FS_MIN + 30 * FS_SEC + 50 * MS);
  cr_assert_eq (reach (&r, "r-third", "192.168.1.10").status, FS_REACH_DELIVERED);
  run_all (&r);
  cr_assert_eq (downtime (&r, "arp", "app-1"), 50 * MS);
  finish (&r);
}

/* --- loading, scenarios, determinism ----------------------------------------------------------------- */

Test (l2, stretching_a_vlan_loads_with_a_warning)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load (MOVE, NULL, &error);
  const GPtrArray *w;

  cr_assert_not_null (sc, "%s", error ? error->message : "");
  w = fs_scenario_warnings (sc);
  cr_assert_eq (w->len, 1);
  cr_assert_str_eq (g_ptr_array_index (w, 0),
                    MOVE ":66:12: warning: stretching VLAN 'app-vlan' across 2 sites makes them one "
                    "fault domain: a broadcast storm reaches every one of them");
}

Test (l2, a_scenario_without_vlans_has_no_l2_model)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load ("scenarios/subnet-failover.yaml", NULL, &error);
  FsSim *sim;

  cr_assert_not_null (sc);
  sim = fs_sim_new (sc, 1, 0, &error);
  cr_assert_null (fs_sim_model (sim, "l2"));
  fs_sim_free (sim);
}

Test (l2, the_l2_scenarios_run)
{
  const char *paths[] = { STORM, MOVE };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      Run r = start (paths[i], NULL);
      cr_assert_not_null (r.l2);
      cr_assert_eq (fs_sim_run (r.sim, fs_scenario_duration (r.sc)), FS_RUN_HORIZON);
      fs_sim_finish (r.sim);
      finish (&r);
    }
}

Test (l2, runs_with_vlans_are_deterministic)
{
  const char *paths[] = { STORM, MOVE };
  guint p, i;

  for (p = 0; p < G_N_ELEMENTS (paths); p++)
    {
      g_autofree char *a = NULL, *b = NULL;

      for (i = 0; i < 2; i++)
        {
          Run r = start (paths[p], NULL);
          FsRunInfo info = { .seed = 1, .horizon = fs_scenario_duration (r.sc),
                             .status = FS_RUN_HORIZON };

          run_all (&r);
          *(i ? &b : &a) = fs_output_summary_json (r.sim, &info);
          finish (&r);
        }
      cr_assert_str_eq (a, b);
    }
}

/* How many client requests each storm made fail. Clients at third ask every 10s from 0 for
 * app-3 (192.168.1.12, in app-vlan at the recovery site) through the resolver on db-1 (db-vlan,
 * primary). The app-vlan storm floods both sites from 10m until its isolation at 15m: the
 * requests at 600s, 610s, ..., 890s find app-3 unusable (30); the storm's end at 900s runs
 * before the request at 900s (both default priority, the end scheduled first). The db-vlan
 * storm at 30m lasts 2s: only the request at 1800s fails, its resolver unreachable (1). */
Test (l2, storm_blames_failed_requests)
{
  Run r = start_with (STORM,
                      "zones: [{name: contoso.com, servers: [db-2], records: [{name: app, "
                      "value: 192.168.1.12}]}]\n"
                      "resolvers: [{name: r1, host: db-1, ttl_violation: no}]\n"
                      "services: [{name: app, dns_name: app.contoso.com, hosts: [app-3]}]\n"
                      "clients: [{name: c, site: third, service: app, resolver: r1, arrivals: periodic, "
                      "interval: 10s, phase: 0s, cache: none, retry: false}]\n");
  FsMetrics *m = fs_sim_metrics (r.sim);
  const FsFigure *app, *db, *hs;
  const FsServiceStats *s;

  run_all (&r);
  app = fs_metrics_find_figure (m, "l2.storms", "app-vlan@primary", "requests_failed");
  db = fs_metrics_find_figure (m, "l2.storms", "db-vlan@primary", "requests_failed");
  hs = fs_metrics_find_figure (m, "l2.storms", "app-vlan@primary", "host_seconds");
  cr_assert_not_null (app);
  cr_assert_not_null (db);
  cr_assert_not_null (hs);
  cr_expect_eq (app->i, 30);
  cr_expect_eq (db->i, 1);
  cr_expect_eq (hs->d, 900.0);   /* 3 hosts for 300s */
  s = fs_client_stats_service (fs_metrics_clients (m), 0);
  cr_expect_eq (s->failed, 31);
  cr_expect_eq (s->failed_by_cause[FS_FAIL_NO_HOST], 30);
  cr_expect_eq (s->failed_by_cause[FS_FAIL_RESOLVER_UNREACHABLE], 1);
  finish (&r);
}
