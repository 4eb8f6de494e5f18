/* test-net.c: the network model against hand-worked times: subnet moves in the seed's
 * three-site topology, detection by hold timer and BFD, MRAI, black holes and loops.
 *
 * Unless a test says otherwise: every link has latency L = 10ms, routers process an update in
 * d = 5ms, MRAI is 30s and the hold time 90s; an update therefore takes L + d = 15ms to act. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "failsim/net.h"
#include "failsim/output.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"

#define MS FS_MSEC

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (net, .init = enter_source_dir);

typedef struct {
  FsScenario *sc;
  FsSim *sim;
  FsNet *net;
} Run;

static Run
start (const char *path_or_yaml, gboolean is_file, const char *const *sets)
{
  g_autoptr (GError) error = NULL;
  Run r = { 0 };

  r.sc = is_file ? fs_scenario_load (path_or_yaml, sets, &error)
                 : fs_scenario_load_data ("t.yaml", path_or_yaml, -1, sets, &error);
  cr_assert_not_null (r.sc, "%s", error ? error->message : "");
  r.sim = fs_sim_new (r.sc, 1, 0, &error);
  cr_assert_not_null (r.sim, "%s", error ? error->message : "");
  r.net = fs_net_from_model (fs_sim_model (r.sim, "net"));
  return r;
}

static void
finish (Run *r)
{
  fs_sim_free (r->sim);
  fs_scenario_free (r->sc);
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

/* The values of the routing.convergence_ns notices, in order, and their details. */
static guint
convergences (Run *r, FsTime *values, const char **details, guint max)
{
  FsKernel *k = fs_sim_kernel (r->sim);
  const GArray *log = fs_metrics_log (fs_sim_metrics (r->sim));
  uint32_t topic = fs_kernel_topic (k, "routing.convergence_ns");
  guint i, n = 0;

  for (i = 0; i < log->len && n < max; i++)
    {
      const FsLogEntry *e = &g_array_index (log, FsLogEntry, i);
      if (e->topic != topic)
        continue;
      values[n] = e->value;
      if (details)
        details[n] = e->detail;
      n++;
    }
  return n;
}

static gboolean
logged (Run *r, const char *topic_name, FsTime at, const char *detail)
{
  FsKernel *k = fs_sim_kernel (r->sim);
  const GArray *log = fs_metrics_log (fs_sim_metrics (r->sim));
  uint32_t topic = fs_kernel_topic (k, topic_name);
  guint i;

  for (i = 0; i < log->len; i++)
    {
      const FsLogEntry *e = &g_array_index (log, FsLogEntry, i);
      if (e->topic == topic && e->time == at && e->detail && strcmp (e->detail, detail) == 0)
        return TRUE;
    }
  return FALSE;
}

static FsReach
reach (Run *r, const char *router, const char *ip_text)
{
  FsIp ip;

  cr_assert (fs_ip_parse (ip_text, &ip, NULL));
  return fs_net_reach (r->net, fs_net_router_index (r->net, router), &ip);
}

/* At time 0 the estate has converged: each router reaches the subnet over the direct link. */
Test (net, time_zero_is_converged)
{
  Run r = start ("scenarios/subnet-failover.yaml", TRUE, NULL);
  int app = fs_net_subnet_index (r.net, "app");
  int p = fs_net_router_index (r.net, "r-primary");
  FsReach x;

  cr_assert_eq (fs_net_next_hop (r.net, p, app), -2);
  cr_assert_eq (fs_net_next_hop (r.net, fs_net_router_index (r.net, "r-third"), app), p);
  cr_assert_eq (fs_net_next_hop (r.net, fs_net_router_index (r.net, "r-recovery"), app), p);
  x = reach (&r, "r-third", "192.168.1.10");
  cr_assert_eq (x.status, FS_REACH_DELIVERED);
  cr_assert_eq (x.hops, 1);
  cr_assert_eq (x.latency, 10 * MS);
  cr_assert_eq (x.host, fs_net_host_index (r.net, "app-1"));
  cr_assert_eq (reach (&r, "r-third", "192.168.1.99").status, FS_REACH_NO_HOST);
  cr_assert_eq (reach (&r, "r-third", "10.0.0.1").status, FS_REACH_NO_ROUTE);
  finish (&r);
}

/* Planned move at t0 = 10m, source alive. At t0 r-primary loses its only route (r-recovery
 * and r-third both learned theirs from it, and do not send a route back where it came from),
 * so it drops the subnet and withdraws; r-recovery originates it and announces [r-recovery]
 * to both neighbours (no MRAI timer runs yet). Everything arrives at t0 + 15ms: r-third and
 * r-primary then route via r-recovery. Convergence 15ms; r-primary and r-third black-hole the
 * subnet from t0 to t0 + 15ms; r-recovery never does. */
Test (net, planned_subnet_move_converges_in_one_latency_and_processing_delay)
{
  Run r = start ("scenarios/subnet-failover.yaml", TRUE, NULL);
  FsTime c[4];
  const char *why[4];
  int app, rec;

  fs_sim_run (r.sim, fs_scenario_duration (r.sc));
  fs_sim_finish (r.sim);
  cr_assert_eq (convergences (&r, c, why, 4), 1);
  cr_assert_eq (c[0], 15 * MS);
  cr_assert_str_eq (why[0], "subnet app moved to recovery: every router reaches every live subnet");
  /* Reported once nothing more could change, not at the end of the run: the routers that
   * changed at 10m + 15ms pass the news on, and it arrives 15 ms later changing nothing. */
  cr_assert (logged (&r, "routing.convergence_ns", 10 * FS_MIN + 30 * MS, why[0]));
  cr_assert_eq (downtime (&r, "blackhole", "r-primary 192.168.1.0/24"), 15 * MS);
  cr_assert_eq (downtime (&r, "blackhole", "r-third 192.168.1.0/24"), 15 * MS);
  cr_assert_eq (downtime (&r, "blackhole", "r-recovery 192.168.1.0/24"), 0);
  cr_assert_null (outage (&r, "loop", "r-third 192.168.1.0/24"));
  /* The third site's traffic to app-1 is lost exactly while r-third black-holes the subnet. */
  cr_assert_eq (downtime (&r, "flow", "third-to-app"), 15 * MS);
  cr_assert (logged (&r, "flow.down", 10 * FS_MIN, "no route at r-primary"));
  cr_assert (logged (&r, "route.change", 10 * FS_MIN, "r-primary drops 192.168.1.0/24 (subnet moved)"));
  cr_assert (logged (&r, "route.change", 10 * FS_MIN + 15 * MS,
                     "r-third reaches 192.168.1.0/24 via r-recovery"));
  app = fs_net_subnet_index (r.net, "app");
  rec = fs_net_router_index (r.net, "r-recovery");
  cr_assert_eq (fs_net_subnet_router (r.net, app), rec);
  cr_assert_eq (reach (&r, "r-third", "192.168.1.10").status, FS_REACH_DELIVERED);
  cr_assert_eq (reach (&r, "r-primary", "192.168.1.11").hops, 1);
  finish (&r);
}

/* Site loss at 10m, move at 11m, hold 90s, no BFD. r-recovery routes via the dead r-primary
 * until the move (60s of black hole), then delivers locally. r-third has two equally short
 * paths, [r-primary] and, from 11m + 15ms, [r-recovery]; it keeps the one from the
 * lower-numbered neighbour, r-primary, until its hold timer expires at 10m + 90s = 11m30s.
 * Black hole 90s; the move's episode converges at 11m30s, 30s after it. The site loss
 * episode changed forwarding at 10m only (the dead router's own table): 0. */
Test (net, after_a_site_loss_the_third_site_waits_for_its_hold_timer)
{
  Run r = start ("scenarios/subnet-failover-site-loss.yaml", TRUE, NULL);
  FsTime c[4];
  const char *why[4];

  fs_sim_run (r.sim, fs_scenario_duration (r.sc));
  fs_sim_finish (r.sim);
  cr_assert_eq (convergences (&r, c, why, 4), 2);
  cr_assert_eq (c[0], 0);
  cr_assert_eq (c[1], 30 * FS_SEC);
  cr_assert_str_eq (why[1], "subnet app moved to recovery: every router reaches every live subnet");
  /* The site loss's hold timers still ran when the move opened the next episode, so it is
   * reported then. The move's converged at 11m30s, when r-third's hold timer expired; r-third's
   * news then reached its neighbours 15 ms later and changed nothing, and that is when nothing
   * more could change: the report. */
  cr_assert (logged (&r, "routing.convergence_ns", 11 * FS_MIN, why[0]));
  cr_assert (logged (&r, "routing.convergence_ns", 11 * FS_MIN + 30 * FS_SEC + 15 * MS, why[1]));
  cr_assert_eq (downtime (&r, "blackhole", "r-third 192.168.1.0/24"), 90 * FS_SEC);
  cr_assert_eq (downtime (&r, "blackhole", "r-recovery 192.168.1.0/24"), 60 * FS_SEC);
  cr_assert (logged (&r, "route.change", 11 * FS_MIN + 30 * FS_SEC,
                     "r-third reaches 192.168.1.0/24 via r-recovery (hold timer 1m30s expired)"));
  cr_assert_eq (outage (&r, "router", "r-primary")->downtime, 20 * FS_MIN);
  cr_assert_eq (downtime (&r, "flow", "third-to-app"), 90 * FS_SEC);
  cr_assert (logged (&r, "flow.down", 10 * FS_MIN, "dead next hop at r-third"));
  finish (&r);
}

/* The same with BFD on the third site's link to the primary: r-third notices the loss after
 * 3 x 300ms = 900ms. r-recovery has no BFD and still believes r-primary, so r-third's only
 * other path at 10m0.9s is the stale [r-recovery, r-primary] it heard at time 0, which it
 * takes: packets go r-third -> r-recovery -> dead r-primary, still a black hole, and the site
 * loss episode's last forwarding change is at 900ms. At 11m r-recovery originates the subnet;
 * r-third already forwards to it, so its black hole ends at that instant (60s), and the move
 * converges in 0: its announcement at 11m + 15ms changes r-third's path, not its next hop. */
Test (net, bfd_shortens_detection_to_multiplier_times_interval)
{
  const char *sets[] = { "links.third-primary.bfd=true", NULL };
  Run r = start ("scenarios/subnet-failover-site-loss.yaml", TRUE, sets);
  FsTime c[4];

  fs_sim_run (r.sim, fs_scenario_duration (r.sc));
  fs_sim_finish (r.sim);
  cr_assert_eq (convergences (&r, c, NULL, 4), 2);
  cr_assert_eq (c[0], 900 * MS);
  cr_assert_eq (c[1], 0);
  cr_assert_eq (downtime (&r, "blackhole", "r-third 192.168.1.0/24"), 60 * FS_SEC);
  cr_assert_eq (downtime (&r, "flow", "third-to-app"), 60 * FS_SEC);
  cr_assert (logged (&r, "route.change", 10 * FS_MIN + 900 * MS,
                     "r-third reaches 192.168.1.0/24 via r-recovery (BFD down after 900ms)"));
  finish (&r);
}

/* A line a - b - c with the subnet at c, carrier-sensing links (failures noticed at once).
 * The b-c link flaps twice.
 * First flap, down at 1m: b drops the route and withdraws at once; a's walk dead-ends at b from
 * 1m, and a drops the route itself at 1m + 15ms (episode 1: 15ms). Up at 1m5s: c announces at
 * once; b routes via c at 1m5.015s and announces [b, c] to a, which arms b's MRAI towards a
 * until 1m35.015s; a routes via b at 1m5.030s (episode 2: 30ms). a's black hole: 5.030s.
 * Second flap, down at 1m10s: b withdraws at once (withdrawals are not held back), a drops at
 * 1m10.015s (episode 3: 15ms). Up at 1m12s: b routes via c at 1m12.015s, but its announcement
 * to a waits for the MRAI timer until 1m35.015s and reaches a at 1m35.030s (episode 4:
 * 23.030s). a's black hole: 25.030s. In all: 30.060s in 2 black holes. */
static const char *line_yaml =
  "name: line\nduration: 5m\nrouting: {mrai: 30s, hold: 90s, processing: 5ms}\n"
  "sites: [{name: sa}, {name: sb}, {name: sc}]\n"
  "routers: [{name: a, site: sa}, {name: b, site: sb}, {name: c, site: sc}]\n"
  "links:\n"
  "  - {name: ab, between: [a, b], latency: 10ms, carrier: true}\n"
  "  - {name: bc, between: [b, c], latency: 10ms, carrier: true}\n"
  "subnets: [{name: s, prefix: 10.9.0.0/16, site: sc}]\n"
  "hosts: [{name: h, ip: 10.9.0.1}]\n"
  "timeline:\n"
  "  - {at: 1m, action: link.fail, link: bc}\n"
  "  - {at: 1m5s, action: link.repair, link: bc}\n"
  "  - {at: 1m10s, action: link.fail, link: bc}\n"
  "  - {at: 1m12s, action: link.repair, link: bc}\n";

Test (net, mrai_holds_back_an_announcement_but_not_a_withdrawal)
{
  Run r = start (line_yaml, FALSE, NULL);
  FsTime c[8];
  const char *why[8];

  fs_sim_run (r.sim, fs_scenario_duration (r.sc));
  fs_sim_finish (r.sim);
  cr_assert_eq (convergences (&r, c, why, 8), 4);
  cr_assert_eq (c[0], 15 * MS);
  cr_assert_eq (c[1], 30 * MS);
  cr_assert_eq (c[2], 15 * MS);
  cr_assert_eq (c[3], 23 * FS_SEC + 30 * MS);
  cr_assert_str_eq (why[3], "link bc repaired: every router reaches every live subnet");
  cr_assert_eq (downtime (&r, "blackhole", "a 10.9.0.0/16"), 30 * FS_SEC + 60 * MS);
  cr_assert_eq (downtime (&r, "blackhole", "b 10.9.0.0/16"), 5 * FS_SEC + 15 * MS + 2 * FS_SEC + 15 * MS);
  cr_assert_eq (outage (&r, "blackhole", "a 10.9.0.0/16")->outages, 2);
  cr_assert_eq (outage (&r, "link", "bc")->outages, 2);
  finish (&r);
}

/* Static routes that point at each other make a loop, which the walk detects and the metrics
 * time: r1 sends 10.0.0.0/8 to r2 and r2 back to r1 from 1m to 2m. */
Test (net, static_routes_that_point_at_each_other_are_a_loop)
{
  const char *yaml =
    "name: loop\nduration: 3m\n"
    "sites: [{name: s1}, {name: s2}, {name: s3}]\n"
    "routers: [{name: r1, site: s1}, {name: r2, site: s2}, {name: r3, site: s3}]\n"
    "links: [{name: l12, between: [r1, r2]}, {name: l23, between: [r2, r3]}]\n"
    "subnets: [{name: far, prefix: 10.0.0.0/8, site: s3}]\n"
    "timeline:\n"
    "  - {at: 1m, action: route.add, router: r1, prefix: 10.0.0.0/8, via: r2}\n"
    "  - {at: 1m, action: route.add, router: r2, prefix: 10.0.0.0/8, via: r1}\n"
    "  - {at: 2m, action: route.remove, router: r2, prefix: 10.0.0.0/8}\n";
  Run r = start (yaml, FALSE, NULL);
  FsReach x;

  fs_sim_run (r.sim, 90 * FS_SEC);
  x = reach (&r, "r1", "10.1.2.3");
  cr_assert_eq (x.status, FS_REACH_LOOP);
  fs_sim_run (r.sim, fs_scenario_duration (r.sc));
  fs_sim_finish (r.sim);
  cr_assert_eq (reach (&r, "r1", "10.1.2.3").status, FS_REACH_NO_HOST);
  cr_assert_eq (downtime (&r, "loop", "r1 10.0.0.0/8"), FS_MIN);
  cr_assert_eq (downtime (&r, "loop", "r2 10.0.0.0/8"), FS_MIN);
  finish (&r);
}

/* Longest-prefix match decides the next hop: r1 learns 172.16.0.0/16 from r2 but has a static
 * 172.16.1.0/24 via r3. An address in the /16 only goes to r2 (1ms); one in the /24 goes to r3,
 * which knows only the covering /16 -- learned from r1 -- and sends it straight back: a loop,
 * the classic trap of a more specific static route. */
Test (net, a_longer_static_prefix_wins_over_a_learned_shorter_one)
{
  const char *yaml =
    "name: lpm\n"
    "sites: [{name: s1}, {name: s2}, {name: s3}]\n"
    "routers: [{name: r1, site: s1}, {name: r2, site: s2}, {name: r3, site: s3}]\n"
    "links: [{name: l12, between: [r1, r2], latency: 1ms}, {name: l13, between: [r1, r3], latency: 2ms}]\n"
    "subnets: [{name: wide, prefix: 172.16.0.0/16, site: s2}]\n"
    "static_routes: [{router: r1, prefix: 172.16.1.0/24, via: r3}]\n";
  Run r = start (yaml, FALSE, NULL);
  FsReach a = reach (&r, "r1", "172.16.0.9"), b = reach (&r, "r1", "172.16.1.9");

  cr_assert_eq (a.status, FS_REACH_NO_HOST);
  cr_assert_eq (a.last_router, fs_net_router_index (r.net, "r2"));
  cr_assert_eq (a.latency, 1 * MS);
  cr_assert_eq (a.hops, 1);
  cr_assert_eq (b.status, FS_REACH_LOOP);
  cr_assert_eq (reach (&r, "r3", "172.16.0.9").hops, 2);   /* r3 -> r1 -> r2 */
  finish (&r);
}

/* Same scenario, same seed: the same bytes, with the network in it. */
Test (net, runs_with_a_network_are_deterministic)
{
  FsRunInfo info = { .seed = 1, .horizon = 30 * FS_MIN, .status = FS_RUN_HORIZON };
  g_autofree char *a = NULL, *b = NULL;
  guint i;

  for (i = 0; i < 2; i++)
    {
      Run r = start ("scenarios/subnet-failover-site-loss.yaml", TRUE, NULL);
      fs_sim_run (r.sim, info.horizon);
      fs_sim_finish (r.sim);
      *(i ? &b : &a) = fs_output_summary_json (r.sim, &info);
      finish (&r);
    }
  cr_assert_str_eq (a, b);
}

/* A flow to a host at a site with no router of its own dies and comes back with that site,
 * although no forwarding table changes: hosts live with their site. */
Test (net, a_flow_follows_its_host_site_even_without_a_forwarding_change)
{
  const char *yaml =
    "name: hostsite\nduration: 1h\n"
    "sites: [{name: a}, {name: b}, {name: dc2}]\n"
    "routers: [{name: ra, site: a}, {name: rb, site: b}]\n"
    "links: [{name: ab, between: [ra, rb], latency: 3ms}]\n"
    "subnets: [{name: s, prefix: 10.1.0.0/24, site: b}]\n"
    "hosts: [{name: h, ip: 10.1.0.5, site: b}, {name: far, ip: 10.1.0.6, site: dc2}]\n"
    "flows:\n"
    "  - {name: to-h, from: ra, to: h}\n"
    "  - {name: to-far, from: ra, to: far}\n"
    "  - {name: to-ip, from: ra, to: 10.1.0.5}\n"
    "timeline:\n"
    "  - {at: 10m, action: site.fail, site: dc2}\n"
    "  - {at: 20m, action: site.repair, site: dc2}\n";
  Run r = start (yaml, FALSE, NULL);

  fs_sim_run (r.sim, fs_scenario_duration (r.sc));
  fs_sim_finish (r.sim);
  /* 'far' runs at dc2, not at rb's site: never reachable, from time 0 to the end. */
  cr_assert_eq (downtime (&r, "flow", "to-far"), FS_HOUR);
  cr_assert (logged (&r, "flow.down", 0, "no host at rb"));
  cr_assert_null (outage (&r, "flow", "to-h"));
  cr_assert_null (outage (&r, "flow", "to-ip"));
  finish (&r);
}

/* Two routers, ra holding three subnets; the only link starts down and comes up at 10m. The
 * session's first update carries the whole table: rb learns all three one latency plus one
 * processing delay later (10m0.015s), none held back by MRAI. Until then rb black-holes each
 * of them, for exactly 10m0.015s. */
Test (net, a_session_that_comes_up_sends_its_whole_table_at_once)
{
  static const char yaml[] =
    "name: t\nduration: 1h\nrouting: {mrai: 30s, processing: 5ms}\n"
    "sites: [{name: a}, {name: b}]\nrouters: [{name: ra, site: a}, {name: rb, site: b}]\n"
    "links: [{name: ab, between: [ra, rb], latency: 10ms, state: down}]\n"
    "subnets:\n  - {name: n1, prefix: 10.1.0.0/24, site: a}\n  - {name: n2, prefix: 10.2.0.0/24, site: a}\n"
    "  - {name: n3, prefix: 10.3.0.0/24, site: a}\n"
    "timeline: [{at: 10m, action: link.repair, link: ab}]\n";
  Run r = start (yaml, FALSE, NULL);

  fs_sim_run (r.sim, fs_scenario_duration (r.sc));
  fs_sim_finish (r.sim);
  cr_expect_eq (downtime (&r, "blackhole", "rb 10.1.0.0/24"), 10 * FS_MIN + 15 * MS);
  cr_expect_eq (downtime (&r, "blackhole", "rb 10.2.0.0/24"), 10 * FS_MIN + 15 * MS);
  cr_expect_eq (downtime (&r, "blackhole", "rb 10.3.0.0/24"), 10 * FS_MIN + 15 * MS);
  finish (&r);
}

/* A link that fails black-holes the traffic routed over it at once, though routing notices only
 * when the hold timer (90s) expires: subnet-failover.yaml with third-primary failing at 5m.
 * r-third reaches 192.168.1.0/24 over it: a black hole from 5m until r-third's hold timer
 * expires at 6m30s and it turns to the path over the recovery site (10ms + 5ms to learn it,
 * being already in its table: at once). */
Test (net, a_failed_link_black_holes_at_once)
{
  const char *sets[] = { "duration=20m", NULL };
  g_autofree char *text = NULL, *all = NULL;
  Run r;

  cr_assert (g_file_get_contents ("scenarios/subnet-failover.yaml", &text, NULL, NULL));
  all = g_strconcat (text, "  - {at: 5m, action: link.fail, link: third-primary}\n", NULL);
  r = start (all, FALSE, sets);
  fs_sim_run (r.sim, fs_scenario_duration (r.sc));
  fs_sim_finish (r.sim);
  cr_expect_eq (outage (&r, "blackhole", "r-third 192.168.1.0/24")->first_down, 5 * FS_MIN);
  cr_expect_eq (outage (&r, "flow", "third-to-app")->first_down, 5 * FS_MIN);
  finish (&r);
}

/* Changes decided in the same instant leave in one update. A line ra - rb - rc (10ms links, 5ms
 * processing, MRAI 30s); n1 and n2 move from a to c at 10m together. rc announces both at once;
 * rb learns them 15ms later and passes both on in one update, so ra learns both 30ms after the
 * move: each router black-holes each subnet once, ra for 30ms, rb for 15ms. */
Test (net, changes_of_one_instant_leave_in_one_update)
{
  static const char yaml[] =
    "name: t\nduration: 1h\nrouting: {mrai: 30s, processing: 5ms}\n"
    "sites: [{name: a}, {name: b}, {name: c}]\n"
    "routers: [{name: ra, site: a}, {name: rb, site: b}, {name: rc, site: c}]\n"
    "links:\n  - {name: ab, between: [ra, rb], latency: 10ms}\n  - {name: bc, between: [rb, rc], latency: 10ms}\n"
    "subnets:\n  - {name: n1, prefix: 10.1.0.0/24, site: a}\n  - {name: n2, prefix: 10.2.0.0/24, site: a}\n"
    "timeline:\n  - {at: 10m, action: subnet.move, subnet: n1, to: c}\n"
    "  - {at: 10m, action: subnet.move, subnet: n2, to: c}\n";
  Run r = start (yaml, FALSE, NULL);

  fs_sim_run (r.sim, fs_scenario_duration (r.sc));
  fs_sim_finish (r.sim);
  cr_expect_eq (downtime (&r, "blackhole", "ra 10.1.0.0/24"), 30 * MS);
  cr_expect_eq (downtime (&r, "blackhole", "ra 10.2.0.0/24"), 30 * MS);
  cr_expect_eq (downtime (&r, "blackhole", "rb 10.2.0.0/24"), 15 * MS);
  finish (&r);
}
