/* test-workload.c: clients, their caches, connections and retries, against hand-worked
 * downtime; the mean client downtime behind a TTL cache against its closed form; and the two
 * change-IP scenarios against each other.
 *
 * The estate (as in test-dns.c): sites a and b joined by a 1ms link; ns2 10.2.0.53 (b) serves
 * contoso.com; the resolver runs on res 10.2.0.10 (b), cold and honest; app-a 10.1.0.10 runs at
 * a, app-b 10.2.0.20 at b is stopped. app.contoso.com -> 10.1.0.10, TTL 60s. One client at b
 * asks every 10s from time 0. At 100s site a fails; at 130s app-b starts and the record is
 * changed to 10.2.0.20. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "failsim/clients.h"
#include "failsim/dns.h"
#include "failsim/metrics.h"
#include "failsim/net.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"
#include "failsim/workload.h"

#define S FS_SEC

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (workload, .init = enter_source_dir);
TestSuite (workload_stats, .init = enter_source_dir);

static const char estate[] =
  "name: workload test\n"
  "duration: 1h\n"
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
  "    records: [{name: app, value: 10.1.0.10, ttl: 60s}]\n"
  "resolvers: [{name: r1, host: res, warm: false, ttl_violation: no}]\n"
  "services: [{name: app, dns_name: app.contoso.com, hosts: [app-a, app-b]}]\n";

static const char failover[] =
  "timeline:\n"
  "  - {at: 100s, action: site.fail, site: a}\n"
  "  - {at: 130s, action: host.start, host: app-b}\n"
  "  - {at: 130s, action: dns.update, name: app.contoso.com, value: 10.2.0.20}\n";

typedef struct {
  FsScenario *sc;
  FsSim *sim;
  FsClientStats *cs;
} Run;

/* Runs the estate with one client population (@client: the keys after "clients: - ") and
 * @timeline until @until, then finishes. */
static Run
run (const char *client, const char *timeline, FsTime until)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("%sclients:\n  - {name: c, site: b, service: app, resolver: r1, "
                                           "%s}\n%s", estate, client, timeline);
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

#define PERIODIC "arrivals: periodic, interval: 10s, phase: 0s, "

/* No client cache, no retry. The resolver fetched at 0, 60 and 120 (the 120s fetch still gets
 * the old address: the change is at 130s), so it holds 10.1.0.10 until 180s. Requests at 100,
 * 110, ..., 170 fail (8); the one at 180 fetches the new address and succeeds: 80s down. Run to
 * 200s: 21 requests (0, 10, ..., 200). */
Test (workload, downtime_until_the_resolver_lets_go)
{
  Run r = run (PERIODIC "cache: none, retry: false", failover, 200 * S);
  const FsClientRecord *c = fs_client_stats_client (r.cs, 0);
  const FsServiceStats *s = fs_client_stats_service (r.cs, 0);

  cr_expect_eq (c->requests, 21);
  cr_expect_eq (c->failed, 8);
  cr_expect_eq (c->episodes, 1);
  cr_expect_eq (c->downtime, 80 * S);
  cr_expect_eq (c->first_failure, 100 * S);
  cr_expect_eq (c->last_recovery, 180 * S);
  cr_expect_eq (s->failed_by_cause[FS_FAIL_NO_HOST] + s->failed_by_cause[FS_FAIL_DEAD_HOP], 8);
  cr_expect_eq (s->window_start, 100 * S);
  cr_expect_eq (s->window_end, 180 * S);
  stop (&r);
}

/* A JVM cache (30s fixed) on top changes nothing here: at 120s the resolver's fresh fetch
 * (old, until 180s) is cached to 150s; at 150s the resolver still answers old (cached to
 * 180s); at 180s the resolver fetches the new address. 80s again. */
Test (workload, jvm_cache)
{
  Run r = run (PERIODIC "cache: jvm, retry: false", failover, 200 * S);

  cr_expect_eq (fs_client_stats_client (r.cs, 0)->downtime, 80 * S);
  stop (&r);
}

/* A JVM that caches forever never lets go of 10.1.0.10: still down at the end (200s), counted
 * up to there. */
Test (workload, jvm_forever_never_recovers)
{
  Run r = run (PERIODIC "cache: jvm-forever, retry: false", failover, 200 * S);
  const FsClientRecord *c = fs_client_stats_client (r.cs, 0);

  cr_expect_eq (c->downtime, 100 * S);
  cr_expect_eq (c->last_recovery, -1);
  cr_expect_eq (fs_client_stats_service (r.cs, 0)->down_at_end, 1);
  cr_expect_eq (fs_client_stats_service (r.cs, 0)->window_end, -1);
  stop (&r);
}

/* Retry with backoff 1s, 2s, 4s, 8s, 16s: attempts at 100 (the regular request), 101, 103, 107,
 * 115 fail against the resolver's old answer (fetched at 60s, fresh until 120s); the retry at
 * 131s finds it expired, fetches the new address (changed at 130s) and succeeds: 31s down,
 * 5 failures. */
Test (workload, retry_backoff)
{
  Run r = run (PERIODIC "cache: none, retry: true, retry_initial: 1s, retry_factor: 2, retry_max: 1m",
               failover, 200 * S);
  const FsClientRecord *c = fs_client_stats_client (r.cs, 0);

  cr_expect_eq (c->failed, 5);
  cr_expect_eq (c->downtime, 31 * S);
  cr_expect_eq (c->last_recovery, 131 * S);
  stop (&r);
}

/* A planned move: app-b starts and the record changes at 50s while app-a keeps running. A
 * per-request client follows DNS (moves to app-b when the resolver refetches at 60s) and never
 * fails; a persistent client stays on app-a's connection until a fails at 100s, then resolves
 * again at 110s and is served: 10s down. */
static const char planned[] =
  "timeline:\n"
  "  - {at: 50s, action: host.start, host: app-b}\n"
  "  - {at: 50s, action: dns.update, name: app.contoso.com, value: 10.2.0.20}\n"
  "  - {at: 100s, action: site.fail, site: a}\n";

Test (workload, persistent_connection_stays_on_the_old_address)
{
  Run p = run (PERIODIC "cache: none, retry: false", planned, 200 * S);
  Run q = run (PERIODIC "cache: none, retry: false, connection: persistent", planned, 200 * S);
  FsWorkload *w = fs_workload_from_model (fs_sim_model (q.sim, "workload"));
  FsDns *dns = fs_dns_from_model (fs_sim_model (q.sim, "dns"));
  char buf[FS_IP_BUFSZ];

  cr_expect_eq (fs_client_stats_client (p.cs, 0)->failed, 0);
  cr_expect_eq (fs_client_stats_client (q.cs, 0)->failed, 1);
  cr_expect_eq (fs_client_stats_client (q.cs, 0)->downtime, 10 * S);
  cr_assert_geq (fs_workload_connection (w, 0), 0);
  fs_ip_format (fs_dns_address (dns, (guint) fs_workload_connection (w, 0)), buf, sizeof buf);
  cr_expect_str_eq (buf, "10.2.0.20");
  stop (&p);
  stop (&q);
}

/* A client whose resolver is unreachable fails with that cause; a client at a site that is
 * down sends nothing. Here the resolver's host stops at 100s: from then on every request fails
 * (cache none) with resolver_unreachable. */
Test (workload, resolver_unreachable)
{
  Run r = run (PERIODIC "cache: none, retry: false", "timeline: [{at: 100s, action: host.stop, host: res}]\n",
               200 * S);
  const FsServiceStats *s = fs_client_stats_service (r.cs, 0);

  cr_expect_eq (s->failed, 11);
  cr_expect_eq (s->failed_by_cause[FS_FAIL_RESOLVER_UNREACHABLE], 11);
  stop (&r);
}

Test (workload, no_requests_from_a_down_site)
{
  Run r = run (PERIODIC "cache: none, retry: false", "timeline: [{at: 100s, action: site.fail, site: b}]\n",
               200 * S);

  cr_expect_eq (fs_client_stats_client (r.cs, 0)->requests, 10);   /* 0 .. 90s */
  cr_expect_eq (fs_client_stats_client (r.cs, 0)->failed, 0);
  stop (&r);
}

/* Common random numbers: a client's arrivals do not depend on the rest of the run. The same
 * population with and without a failover makes its first 10 requests (before 100s... at
 * Poisson times) identically: compare requests made before the failure. */
Test (workload, arrivals_do_not_depend_on_the_rest)
{
  Run p = run ("count: 50, interval: 20s, cache: none, retry: false", "", 99 * S);
  Run q = run ("count: 50, interval: 20s, cache: none, retry: false", failover, 99 * S);
  guint i;

  for (i = 0; i < 50; i++)
    cr_expect_eq (fs_client_stats_client (p.cs, i)->requests, fs_client_stats_client (q.cs, i)->requests);
  stop (&p);
  stop (&q);
}

/* Nor on the draws other purposes take: turning jitter and client TTL violation on leaves
 * every client's requests before the failure as they were. */
Test (workload, arrivals_do_not_depend_on_jitter_or_violation)
{
  Run p = run ("count: 50, interval: 20s, cache: none", failover, 99 * S);
  Run q = run ("count: 50, interval: 20s, cache: os, retry_jitter: 0.5, ttl_violation_share: 50%", failover,
               99 * S);
  guint i, differ = 0;

  for (i = 0; i < 50; i++)
    differ += fs_client_stats_client (p.cs, i)->requests != fs_client_stats_client (q.cs, i)->requests;
  cr_expect_eq (differ, 0);
  cr_expect_gt (fs_client_stats_client (p.cs, 0)->requests, 0);
  stop (&p);
  stop (&q);
}

/* --- closed form -------------------------------------------------------------------------------- */

/* A record changes at u while its old address dies. A resolver holds the old record for a
 * residual R (0 if it did not hold it): the client's first request after u comes E1 later,
 * fails if E1 < R, and then its next success is its first request after u + R, E2 later
 * (memorylessness). Its downtime given R is therefore
 *   integral_0^R lambda e^(-lambda x) (R - x + 1/lambda) dx = R,
 * whatever the client's own rate. Averaged over resolvers, the mean downtime per client is
 * E[R] = p T / 2 with p = Lambda T / (1 + Lambda T), Lambda the resolver's total query rate.
 * Here: 200 resolvers, 5 clients each at 1/min, so Lambda = 1/12 s; T = 60s: p = 5/6 and
 * E[R] = 25s. Standard error: R over 200 resolvers sd 19.4/sqrt(200) = 1.4s, client noise about
 * 1.9s; tolerance 7s (3 sd). */
Test (workload_stats, mean_downtime_behind_a_cache)
{
  GString *y = g_string_new ("name: closed form\nduration: 3000s\nsites: [{name: a}, {name: b}]\n"
                             "routers: [{name: ra, site: a}, {name: rb, site: b}]\n"
                             "links: [{name: ab, between: [ra, rb], latency: 1ms}]\n"
                             "subnets:\n  - {name: na, prefix: 10.1.0.0/24, site: a}\n"
                             "  - {name: nb, prefix: 10.2.0.0/16, site: b}\n"
                             "hosts:\n  - {name: ns, ip: 10.2.0.53}\n  - {name: old, ip: 10.1.0.10}\n"
                             "  - {name: new, ip: 10.2.0.20}\n");
  guint R = 200, i;
  g_autoptr (GError) error = NULL;
  FsScenario *sc;
  FsSim *sim;
  const FsServiceStats *s;
  double mean;

  for (i = 0; i < R; i++)
    g_string_append_printf (y, "  - {name: h%u, ip: 10.2.%u.%u}\n", i, 1 + i / 200, 1 + i % 200);
  g_string_append (y, "zones:\n  - {name: contoso.com, servers: [ns], records: [{name: app, value: 10.1.0.10, "
                      "ttl: 60s}]}\nresolvers:\n");
  for (i = 0; i < R; i++)
    g_string_append_printf (y, "  - {name: r%u, host: h%u, warm: false, ttl_violation: no}\n", i, i);
  g_string_append (y, "services: [{name: app, dns_name: app.contoso.com, hosts: [old, new]}]\nclients:\n");
  for (i = 0; i < R; i++)
    g_string_append_printf (y, "  - {name: c%u, site: b, count: 5, service: app, resolver: r%u, "
                               "interval: 1m, cache: none, retry: false}\n", i, i);
  g_string_append (y, "timeline:\n  - {at: 2000.5s, action: site.fail, site: a}\n"
                      "  - {at: 2000.5s, action: dns.update, name: app.contoso.com, value: 10.2.0.20}\n");
  sc = fs_scenario_load_data ("closed.yaml", y->str, -1, NULL, &error);
  cr_assert_not_null (sc, "%s", error ? error->message : "");
  sim = fs_sim_new (sc, 3, 0, &error);
  cr_assert_not_null (sim);
  fs_sim_run (sim, fs_scenario_duration (sc));
  fs_sim_finish (sim);
  s = fs_client_stats_service (fs_metrics_clients (fs_sim_metrics (sim)), 0);
  mean = (double) s->client_time_lost / 1e9 / s->clients;
  cr_expect (fabs (mean - 25.0) < 7.0, "mean downtime per client %.2fs, expected 25s", mean);
  cr_expect_eq (s->down_at_end, 0);
  fs_sim_free (sim);
  fs_scenario_free (sc);
  g_string_free (y, TRUE);
}

/* --- the shipped change-IP scenarios ------------------------------------------------------------- */

typedef struct {
  FsTime mean;
  int64_t queries;
} Outcome;

static Outcome
outcome (const char *path)
{
  g_autoptr (GError) error = NULL;
  FsScenario *sc = fs_scenario_load (path, NULL, &error);
  FsSim *sim;
  FsMetrics *m;
  const GArray *figs;
  Outcome o = { 0, 0 };
  guint i;

  cr_assert_not_null (sc, "%s", error ? error->message : "");
  sim = fs_sim_new (sc, fs_scenario_seed (sc), 0, &error);
  fs_sim_run (sim, fs_scenario_duration (sc));
  fs_sim_finish (sim);
  m = fs_sim_metrics (sim);
  o.mean = fs_client_stats_service (fs_metrics_clients (m), 0)->mean;
  figs = fs_metrics_figures (m);
  for (i = 0; i < figs->len; i++)
    {
      const FsFigure *f = &g_array_index (figs, FsFigure, i);

      if (strcmp (f->group, "dns.servers") == 0 && strcmp (f->key, "queries") == 0)
        o.queries += f->i;
    }
  fs_sim_free (sim);
  fs_scenario_free (sc);
  return o;
}

/* The seeds' advice, "use low TTL values": the 30s TTL must show shorter downtime and more
 * authoritative queries than the 300s one (seed 1, as shipped). */
Test (workload, low_ttl_trades_queries_for_downtime)
{
  Outcome long_ttl = outcome ("scenarios/change-ip-failover.yaml");
  Outcome short_ttl = outcome ("scenarios/change-ip-failover-ttl30.yaml");

  cr_expect_lt (short_ttl.mean, long_ttl.mean, "TTL 30s: %" G_GINT64_FORMAT " ns, TTL 300s: %" G_GINT64_FORMAT,
                short_ttl.mean, long_ttl.mean);
  cr_expect_gt (short_ttl.queries, 5 * long_ttl.queries, "queries %" G_GINT64_FORMAT " vs %" G_GINT64_FORMAT,
                short_ttl.queries, long_ttl.queries);
}
