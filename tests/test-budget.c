/* test-budget.c: the downtime budget (clients.h, FsPhase; workload.c charges it), against
 * hand-worked budgets on small scenarios, and on every shipped scenario with clients: the phases
 * add up to the downtime exactly, and none of it is left unclassified.
 *
 * The change-IP estate (as in test-workload.c): sites a and b joined by a 1ms link; ns2
 * 10.2.0.53 (b) serves contoso.com; resolver r1 runs on res 10.2.0.10 (b), cold and honest;
 * app-a 10.1.0.10 runs at a, app-b 10.2.0.20 at b is stopped; both register app.contoso.com
 * (TTL 45s) 10s after they start, so it holds 10.1.0.10 from the start. One client at b. At 100s
 * site a fails; at 130s app-b starts, booting for 45s. */
#include <criterion/criterion.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "failsim/clients.h"
#include "failsim/metrics.h"
#include "failsim/output.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"

#define S FS_SEC
#define MS FS_MSEC

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (budget, .init = enter_source_dir);

typedef struct {
  FsScenario *sc;
  FsSim *sim;
  FsClientStats *cs;
} Run;

static Run
run_text (const char *text, FsTime until)
{
  g_autoptr (GError) error = NULL;
  Run r = { 0 };

  r.sc = fs_scenario_load_data ("test.yaml", text, -1, NULL, &error);
  cr_assert_not_null (r.sc, "%s", error ? error->message : "");
  r.sim = fs_sim_new (r.sc, 1, 0, &error);
  cr_assert_not_null (r.sim, "%s", error ? error->message : "");
  fs_sim_run (r.sim, until);
  fs_sim_finish (r.sim);
  r.cs = fs_metrics_clients (fs_sim_metrics (r.sim));
  return r;
}

static void
stop (Run *r)
{
  fs_sim_free (r->sim);
  fs_scenario_free (r->sc);
}

/* The budget of service 0, phase by phase, in ns (totals over its clients), against @want; and
 * the phases add up to the client-seconds lost. */
static void
assert_budget (const FsClientStats *cs, const FsTime want[FS_PHASE_N])
{
  const FsServiceStats *s = fs_client_stats_service (cs, 0);
  FsTime sum = 0;
  int p;

  for (p = 0; p < FS_PHASE_N; p++)
    {
      cr_expect_eq (s->budget[p], want[p], "%s: %" G_GINT64_FORMAT " ns, want %" G_GINT64_FORMAT,
                    fs_phase_name ((FsPhase) p), s->budget[p], want[p]);
      sum += s->budget[p];
    }
  cr_expect_eq (sum, s->client_time_lost);
}

static const char change_ip[] =
  "name: budget test\n"
  "duration: 1h\n"
  "dns: {registration_delay: 10s}\n"
  "sites: [{name: a}, {name: b}]\n"
  "routers: [{name: ra, site: a}, {name: rb, site: b}]\n"
  "links: [{name: ab, between: [ra, rb], latency: 1ms}]\n"
  "subnets:\n"
  "  - {name: na, prefix: 10.1.0.0/24, site: a}\n"
  "  - {name: nb, prefix: 10.2.0.0/24, site: b}\n"
  "hosts:\n"
  "  - {name: ns2, ip: 10.2.0.53}\n"
  "  - {name: res, ip: 10.2.0.10}\n"
  "  - {name: app-a, ip: 10.1.0.10}\n"
  "  - {name: app-b, ip: 10.2.0.20, state: stopped}\n"
  "zones:\n"
  "  - name: contoso.com\n"
  "    servers: [ns2]\n"
  "    records: [{name: app, ttl: 45s, registered_by: [app-a, app-b]}]\n"
  "resolvers: [{name: r1, host: res, warm: false, ttl_violation: no}]\n"
  "services: [{name: app, dns_name: app.contoso.com, hosts: [app-a, app-b]}]\n"
  "clients:\n"
  "  - {name: c, site: b, service: app, resolver: r1, arrivals: periodic, interval: 10s,\n"
  "     phase: 0s, cache: none, %s}\n"
  "timeline:\n"
  "  - {at: 100s, action: site.fail, site: a}\n"
  "  - {at: 130s, action: host.start, host: app-b, boot: 45s}\n";

/* (a) No client cache, no retry: a request every 10s. The world: from 100s no server is alive
 * and nothing is under way (detection) until app-b starts at 130s; it boots until 175s; the
 * zone holds the dead 10.1.0.10 until app-b registers at 185s (dns_update); from 185s the world
 * works. The resolver fetched at 0 (until 45s), 50 (until 95s), 100 (until 145s) and 150s (the
 * zone still old: until 195s), so it hands out 10.1.0.10 until 195s (dns); the request at 200s
 * fetches 10.2.0.20 and succeeds. The client is down from 100s to 200s:
 *   detection 130 - 100 = 30, boot 175 - 130 = 45, dns_update 185 - 175 = 10,
 *   dns 195 - 185 = 10, retry 200 - 195 = 5 (nothing blocked it; it had not asked again). */
Test (budget, change_ip_one_client_no_retry)
{
  g_autofree char *text = g_strdup_printf (change_ip, "retry: false");
  Run r = run_text (text, 300 * S);
  const FsTime want[FS_PHASE_N] = {
    [FS_PHASE_DETECTION] = 30 * S, [FS_PHASE_BOOT] = 45 * S, [FS_PHASE_DNS_UPDATE] = 10 * S,
    [FS_PHASE_DNS] = 10 * S, [FS_PHASE_RETRY] = 5 * S,
  };

  cr_assert_eq (fs_client_stats_client (r.cs, 0)->downtime, 100 * S);
  assert_budget (r.cs, want);
  stop (&r);
}

/* (b) The same with retries (1s, doubling, at most 1m): the client asks at 100 (the first
 * failure), 101, 103, 107, 115, 131, 163 and 223s. The world is as in (a) up to 185s. The
 * resolver's entry fetched at 100s lasts until 145s; at 163s it fetches again, the zone still
 * old, and hands out 10.1.0.10 until 208s; at 223s it fetches 10.2.0.20. Down 123s:
 *   detection 30, boot 45, dns_update 10, dns 208 - 185 = 23, retry 223 - 208 = 15.
 * The backoff costs 15s of waiting after the caches let go, where (a)'s 10s period cost 5s. */
Test (budget, change_ip_one_client_with_backoff)
{
  g_autofree char *text = g_strdup_printf (change_ip, "retry: true");
  Run r = run_text (text, 300 * S);
  const FsTime want[FS_PHASE_N] = {
    [FS_PHASE_DETECTION] = 30 * S, [FS_PHASE_BOOT] = 45 * S, [FS_PHASE_DNS_UPDATE] = 10 * S,
    [FS_PHASE_DNS] = 23 * S, [FS_PHASE_RETRY] = 15 * S,
  };

  cr_assert_eq (fs_client_stats_client (r.cs, 0)->failed, 7);   /* 100 .. 163s */
  cr_assert_eq (fs_client_stats_client (r.cs, 0)->downtime, 123 * S);
  assert_budget (r.cs, want);
  stop (&r);
}

/* (c) Subnet failover (as scenarios/subnet-failover-site-loss.yaml): primary p, recovery r and a
 * third site t, pairwise linked (10ms); hold timer 90s, MRAI 30s, processing 5ms. app-1
 * 192.168.1.10 lives in 192.168.1.0/24 at p; DNS (TTL 60s, never changed) at t. At 100s p is
 * lost; at 110s the subnet, app-1 with it, moves to r. rt keeps its route via the dead rp (an
 * equal path from the lower-numbered neighbour) until its hold timer expires at 190s, and then
 * turns to rr, whose route it already has. One client at t asks every 10s from 5s: it fails at
 * 105 .. 185s and is served at 195s. Down 90s:
 *   detection 110 - 105 = 5 (no server alive, nothing under way),
 *   routing 190 - 110 = 80 (app-1 alive at r, rt still black-holes it), retry 195 - 190 = 5.
 * Its cached address was right all along: no DNS phase. */
Test (budget, subnet_failover_routing_dominates)
{
  static const char text[] =
    "name: budget subnet failover\n"
    "duration: 1h\n"
    "routing: {mrai: 30s, hold: 90s, processing: 5ms}\n"
    "sites: [{name: p}, {name: r}, {name: t}]\n"
    "routers: [{name: rp, site: p}, {name: rr, site: r}, {name: rt, site: t}]\n"
    "links:\n"
    "  - {name: pr, between: [rp, rr], latency: 10ms}\n"
    "  - {name: tp, between: [rt, rp], latency: 10ms}\n"
    "  - {name: tr, between: [rt, rr], latency: 10ms}\n"
    "subnets:\n"
    "  - {name: app, prefix: 192.168.1.0/24, site: p}\n"
    "  - {name: infra, prefix: 10.3.0.0/24, site: t}\n"
    "hosts:\n"
    "  - {name: app-1, ip: 192.168.1.10}\n"
    "  - {name: ns, ip: 10.3.0.53}\n"
    "  - {name: res, ip: 10.3.0.10}\n"
    "zones:\n"
    "  - name: contoso.com\n"
    "    servers: [ns]\n"
    "    records: [{name: app, value: 192.168.1.10, ttl: 60s}]\n"
    "resolvers: [{name: r1, host: res, warm: false, ttl_violation: no}]\n"
    "services: [{name: app, dns_name: app.contoso.com, hosts: [app-1]}]\n"
    "clients:\n"
    "  - {name: c, site: t, service: app, resolver: r1, arrivals: periodic, interval: 10s,\n"
    "     phase: 5s, cache: none, retry: false}\n"
    "timeline:\n"
    "  - {at: 100s, action: site.fail, site: p}\n"
    "  - {at: 110s, action: subnet.move, subnet: app, to: r}\n";
  Run r = run_text (text, 300 * S);
  const FsTime want[FS_PHASE_N] = {
    [FS_PHASE_DETECTION] = 5 * S, [FS_PHASE_ROUTING] = 80 * S, [FS_PHASE_RETRY] = 5 * S,
  };

  cr_assert_eq (fs_client_stats_client (r.cs, 0)->downtime, 90 * S);
  assert_budget (r.cs, want);
  stop (&r);
}

/* (d) DNS dominates: TTL 300s, app-b started at 100s (no boot), the record changed by a script
 * at 120s. Two clients with an OS cache, asking every 10s from 5s: c1 behind the honest r1, c2
 * behind r2, which violates TTLs by a fixed 60s. Both fetched at 5s: r1 keeps 10.1.0.10 until
 * 305s, r2 until 365s (its TTL ran out at 305s), and each client's cache keeps it as long (an OS
 * cache takes the time left as TTL). Both fail from 105s; the zone is old until 120s
 * (dns_update); then only the caches hold them down. c1 is served at 305s: dns_update 15,
 * dns 305 - 120 = 185. c2 at 365s: dns_update 15, dns 185, dns_violation 365 - 305 = 60. The
 * service: dns_update 30, dns 370, dns_violation 60 over 460 client-seconds. */
Test (budget, dns_dominates_with_a_violator)
{
  static const char text[] =
    "name: budget dns\n"
    "duration: 1h\n"
    "dns: {violation_extra: 60s}\n"
    "sites: [{name: a}, {name: b}]\n"
    "routers: [{name: ra, site: a}, {name: rb, site: b}]\n"
    "links: [{name: ab, between: [ra, rb], latency: 1ms}]\n"
    "subnets:\n"
    "  - {name: na, prefix: 10.1.0.0/24, site: a}\n"
    "  - {name: nb, prefix: 10.2.0.0/24, site: b}\n"
    "hosts:\n"
    "  - {name: ns2, ip: 10.2.0.53}\n"
    "  - {name: res, ip: 10.2.0.10}\n"
    "  - {name: res2, ip: 10.2.0.11}\n"
    "  - {name: app-a, ip: 10.1.0.10}\n"
    "  - {name: app-b, ip: 10.2.0.20, state: stopped}\n"
    "zones:\n"
    "  - name: contoso.com\n"
    "    servers: [ns2]\n"
    "    records: [{name: app, value: 10.1.0.10, ttl: 300s}]\n"
    "resolvers:\n"
    "  - {name: r1, host: res, warm: false, ttl_violation: no}\n"
    "  - {name: r2, host: res2, warm: false, ttl_violation: yes}\n"
    "services: [{name: app, dns_name: app.contoso.com, hosts: [app-a, app-b]}]\n"
    "clients:\n"
    "  - {name: c1, site: b, service: app, resolver: r1, arrivals: periodic, interval: 10s,\n"
    "     phase: 5s, cache: os, retry: false}\n"
    "  - {name: c2, site: b, service: app, resolver: r2, arrivals: periodic, interval: 10s,\n"
    "     phase: 5s, cache: os, retry: false}\n"
    "timeline:\n"
    "  - {at: 100s, action: site.fail, site: a}\n"
    "  - {at: 100s, action: host.start, host: app-b}\n"
    "  - {at: 120s, action: dns.update, name: app.contoso.com, value: 10.2.0.20}\n";
  Run r = run_text (text, 600 * S);
  const FsTime want[FS_PHASE_N] = {
    [FS_PHASE_DNS_UPDATE] = 30 * S, [FS_PHASE_DNS] = 370 * S, [FS_PHASE_DNS_VIOLATION] = 60 * S,
  };

  cr_assert_eq (fs_client_stats_client (r.cs, 0)->downtime, 200 * S);
  cr_assert_eq (fs_client_stats_client (r.cs, 1)->downtime, 260 * S);
  assert_budget (r.cs, want);
  cr_expect_eq (fs_client_stats_service (r.cs, 0)->mean, 230 * S);
  stop (&r);
}

/* A client still down at the end: the open episode is charged up to there. jvm-forever never
 * lets go of 10.1.0.10 (in (a)'s estate): its cache keeps it down from 185s, when the world
 * works, to the end at 300s. */
Test (budget, open_episode_is_charged_to_the_end)
{
  g_autofree char *text = g_strdup_printf (change_ip, "retry: false");
  g_autofree char *forever = NULL;
  Run r;
  const FsTime want[FS_PHASE_N] = {
    [FS_PHASE_DETECTION] = 30 * S, [FS_PHASE_BOOT] = 45 * S, [FS_PHASE_DNS_UPDATE] = 10 * S,
    [FS_PHASE_DNS] = 115 * S,
  };
  char *at = strstr (text, "cache: none");

  cr_assert_not_null (at);
  forever = g_strdup_printf ("%.*scache: jvm-forever%s", (int) (at - text), text, at + strlen ("cache: none"));
  r = run_text (forever, 300 * S);
  cr_assert_eq (fs_client_stats_service (r.cs, 0)->down_at_end, 1);
  assert_budget (r.cs, want);
  stop (&r);
}

/* (e) Every shipped scenario with clients: for each service the phases add up, in ns, to the
 * client-seconds lost, and nothing is left to 'other'. */
Test (budget, shipped_scenarios_sum_exactly_and_leave_nothing_unclassified)
{
  g_autoptr (GDir) dir = g_dir_open ("scenarios", 0, NULL);
  const char *file;
  guint checked = 0;

  cr_assert_not_null (dir);
  while ((file = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("scenarios", file, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (FsScenario) sc = NULL;
      FsSim *sim;
      const FsClientStats *cs;
      guint i;

      if (!g_str_has_suffix (file, ".yaml"))
        continue;
      sc = fs_scenario_load (path, NULL, &error);
      cr_assert_not_null (sc, "%s: %s", path, error ? error->message : "");
      sim = fs_sim_new (sc, fs_scenario_seed (sc), 0, &error);
      cr_assert_not_null (sim, "%s: %s", path, error ? error->message : "");
      fs_sim_run (sim, fs_scenario_duration (sc));
      fs_sim_finish (sim);
      cs = fs_metrics_clients (fs_sim_metrics (sim));
      for (i = 0; i < fs_client_stats_n_services (cs); i++)
        {
          const FsServiceStats *s = fs_client_stats_service (cs, i);
          FsTime sum = 0;
          int p;

          for (p = 0; p < FS_PHASE_N; p++)
            sum += s->budget[p];
          cr_expect_eq (sum, s->client_time_lost, "%s %s: phases sum to %" G_GINT64_FORMAT " ns, lost %"
                        G_GINT64_FORMAT, file, s->name, sum, s->client_time_lost);
          cr_expect_eq (s->budget[FS_PHASE_OTHER], 0, "%s %s: %" G_GINT64_FORMAT " ns unclassified", file,
                        s->name, s->budget[FS_PHASE_OTHER]);
          if (s->affected > 0)
            checked++;
        }
      fs_sim_free (sim);
    }
  cr_expect_geq (checked, 10, "only %u affected services", checked);
}

/* A plan that keeps the addresses (scenarios/woodgrove-azure.yaml): the replicas boot for a fixed
 * 2m (15m to 17m) and the plan's post steps take 30s each, so until 18m each of the 200 clients
 * waits exactly 2m on the boot and 1m on the plan (alive, not yet routed); after the subnet move
 * r-azure-prod learns the route one link (2ms) and one processing delay (5ms) later. */
Test (budget, retain_ip_plan_boot_and_orchestration_exactly)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load ("scenarios/woodgrove-azure.yaml", NULL, &error);
  FsSim *sim;
  const FsServiceStats *s;

  cr_assert_not_null (sc, "%s", error ? error->message : "");
  sim = fs_sim_new (sc, fs_scenario_seed (sc), 0, &error);
  fs_sim_run (sim, fs_scenario_duration (sc));
  fs_sim_finish (sim);
  s = fs_client_stats_service (fs_metrics_clients (fs_sim_metrics (sim)), 0);
  cr_assert_eq (s->affected, 200);
  cr_expect_eq (s->budget[FS_PHASE_BOOT], 200 * 120 * S);
  cr_expect_eq (s->budget[FS_PHASE_ORCHESTRATION], 200 * 60 * S);
  cr_expect_eq (s->budget[FS_PHASE_ROUTING], 200 * 7 * MS);
  cr_expect_eq (s->budget[FS_PHASE_DNS] + s->budget[FS_PHASE_DNS_UPDATE] + s->budget[FS_PHASE_DNS_VIOLATION], 0);
  fs_sim_free (sim);
}

/* The collector on its own: what is charged, and the rest at each outcome to the phase set. */
Test (budget, collector_charges_every_nanosecond_once)
{
  g_autoptr (FsKernel) k = fs_kernel_new (1, 0);
  FsMetrics *m = fs_metrics_new (k);
  FsClientStats *cs = fs_metrics_clients (m);
  guint svc = fs_client_stats_add_service (cs, "app");
  const FsServiceStats *s;

  fs_client_stats_add_population (cs, "c", svc, 1);
  fs_client_stats_charge (cs, 0, 5 * S, FS_PHASE_BOOT);     /* served: nothing to charge */
  fs_client_stats_record (cs, 0, 10 * S, FS_FAIL_NO_HOST);
  fs_client_stats_charge (cs, 0, 15 * S, FS_PHASE_DETECTION);
  fs_client_stats_set_phase (cs, 0, FS_PHASE_BOOT);
  fs_client_stats_record (cs, 0, 20 * S, FS_FAIL_NO_HOST);  /* 15 .. 20 to boot */
  fs_client_stats_charge (cs, 0, 18 * S, FS_PHASE_DNS);     /* already charged: nothing */
  fs_client_stats_set_phase (cs, 0, FS_PHASE_RETRY);
  fs_client_stats_record (cs, 0, 30 * S, FS_FAIL_NONE);     /* 20 .. 30 to retry */
  fs_client_stats_record (cs, 0, 40 * S, FS_FAIL_NO_HOST);  /* a new episode, 'other' by default */
  fs_metrics_finish (m, 44 * S);
  s = fs_client_stats_service (cs, svc);
  cr_expect_eq (s->budget[FS_PHASE_DETECTION], 5 * S);
  cr_expect_eq (s->budget[FS_PHASE_BOOT], 5 * S);
  cr_expect_eq (s->budget[FS_PHASE_RETRY], 10 * S);
  cr_expect_eq (s->budget[FS_PHASE_DNS], 0);
  cr_expect_eq (s->budget[FS_PHASE_OTHER], 4 * S);
  cr_expect_eq (fs_client_stats_client (cs, 0)->downtime, 24 * S);
  cr_expect_eq (s->client_time_lost, 24 * S);
  fs_metrics_free (m);
}

/* summary.json: services.<name>.budget holds the mean seconds per affected client of every phase,
 * and total, the mean downtime; the text summary has a budget line. (a)'s client: 100s. */
Test (budget, summary_shows_the_budget)
{
  g_autofree char *text = g_strdup_printf (change_ip, "retry: false");
  Run r = run_text (text, 300 * S);
  FsRunInfo info = { 1, 0, 300 * S, FS_RUN_HORIZON };
  g_autofree char *json = fs_output_summary_json (r.sim, &info);
  g_autofree char *summary = fs_output_summary_text (r.sim, &info);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *budget;

  cr_assert (json_parser_load_from_data (parser, json, -1, NULL));
  budget = json_object_get_object_member (
    json_object_get_object_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                                  "services"), "app"), "budget");
  cr_assert_not_null (budget);
  cr_expect_float_eq (json_object_get_double_member (budget, "detection"), 30.0, 1e-9);
  cr_expect_float_eq (json_object_get_double_member (budget, "boot"), 45.0, 1e-9);
  cr_expect_float_eq (json_object_get_double_member (budget, "dns_update"), 10.0, 1e-9);
  cr_expect_float_eq (json_object_get_double_member (budget, "dns"), 10.0, 1e-9);
  cr_expect_float_eq (json_object_get_double_member (budget, "retry"), 5.0, 1e-9);
  cr_expect_float_eq (json_object_get_double_member (budget, "other"), 0.0, 1e-9);
  cr_expect_float_eq (json_object_get_double_member (budget, "total"), 100.0, 1e-9);
  cr_expect (strstr (summary, "budget: detection 30s, boot 45s, dns_update 10s, dns 10s, retry 5s\n") != NULL,
             "%s", summary);
  stop (&r);
}
