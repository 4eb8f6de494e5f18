/* test-dns.c: zones, their copies and resolvers against hand-worked times, then the single
 * TTL cache against its closed forms (REFERENCE.md, "A single TTL cache with Poisson queries").
 *
 * The estate: sites a and b, one router each (ra, rb) joined by a 1ms link. Subnet na
 * (10.1.0.0/24) at a, nb (10.2.0.0/24) at b. Hosts: ns1 10.1.0.53 (a), ns2 10.2.0.53 (b),
 * res 10.2.0.10 (b, the resolver), app-a 10.1.0.10 (a), app-b 10.2.0.20 (b, stopped). */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "failsim/dns.h"
#include "failsim/metrics.h"
#include "failsim/net.h"
#include "failsim/rng.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"

#define S FS_SEC

static const char estate[] =
  "name: dns test\n"
  "duration: 1000h\n"
  "sites: [{name: a}, {name: b}]\n"
  "routers: [{name: ra, site: a}, {name: rb, site: b}]\n"
  "links: [{name: ab, between: [ra, rb], latency: 1ms}]\n"
  "subnets:\n"
  "  - {name: na, prefix: 10.1.0.0/24, site: a}\n"
  "  - {name: nb, prefix: 10.2.0.0/24, site: b}\n"
  "hosts:\n"
  "  - {name: ns1, ip: 10.1.0.53}\n"
  "  - {name: ns2, ip: 10.2.0.53}\n"
  "  - {name: res, ip: 10.2.0.10}\n"
  "  - {name: app-a, ip: 10.1.0.10}\n"
  "  - {name: app-b, ip: 10.2.0.20, state: stopped}\n";

typedef struct {
  FsScenario *sc;
  FsSim *sim;
  FsDns *dns;
  FsNet *net;
} Run;

static Run
start (const char *more)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strconcat (estate, more, NULL);
  Run r = { 0 };

  r.sc = fs_scenario_load_data ("test.yaml", text, -1, NULL, &error);
  cr_assert_not_null (r.sc, "%s", error ? error->message : "");
  r.sim = fs_sim_new (r.sc, 1, 0, &error);
  cr_assert_not_null (r.sim, "%s", error ? error->message : "");
  r.dns = fs_dns_from_model (fs_sim_model (r.sim, "dns"));
  r.net = fs_net_from_model (fs_sim_model (r.sim, "net"));
  return r;
}

static void
stop (Run *r)
{
  fs_sim_free (r->sim);
  fs_scenario_free (r->sc);
}

/* Resolves @name (A) at resolver 0 at time @t. */
static FsDnsAnswer
ask (Run *r, FsTime t, const char *name)
{
  int n = fs_dns_name_index (r->dns, name);

  cr_assert_geq (n, 0, "no name %s", name);
  fs_sim_run (r->sim, t);
  return fs_dns_resolve (r->dns, 0, (guint) n, FS_DNS_A);
}

static const char *
address (Run *r, const FsDnsAnswer *a)
{
  static char buf[FS_IP_BUFSZ];

  cr_assert_eq (a->status, FS_DNS_ADDRESS);
  fs_ip_format (fs_dns_address (r->dns, (guint) a->address), buf, sizeof buf);
  return buf;
}

static uint64_t
queries (Run *r, const char *server)
{
  return fs_dns_server_queries (r->dns, (guint) fs_net_host_index (r->net, server));
}

/* One zone served by ns2 alone, and a cold resolver that honours TTLs. */
#define ZONE_B(records) \
  "zones:\n  - name: contoso.com\n    servers: [ns2]\n    negative_ttl: 5m\n    records:\n" records
#define RESOLVER(extra) \
  "resolvers:\n  - {name: r1, host: res, warm: false, ttl_violation: no" extra "}\n"

/* --- hand-worked ------------------------------------------------------------------------------ */

/* TTL 300s: a miss at 0 fills the cache until 300s; a hit at 100s gives the 200s left; at 300s
 * exactly the entry has expired (fresh while now < expiry) and is fetched again. */
Test (dns, ttl_hit_and_expiry)
{
  Run r = start (ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 300s}\n") RESOLVER (""));
  FsDnsAnswer a;

  a = ask (&r, 0, "app.contoso.com");
  cr_expect_str_eq (address (&r, &a), "10.1.0.10");
  cr_expect (!a.from_cache);
  cr_expect_eq (a.ttl, 300 * S);
  a = ask (&r, 100 * S, "app.contoso.com");
  cr_expect (a.from_cache);
  cr_expect_eq (a.ttl, 200 * S);
  a = ask (&r, 300 * S, "app.contoso.com");
  cr_expect (!a.from_cache);
  cr_expect_eq (a.ttl, 300 * S);
  cr_expect_eq (queries (&r, "ns2"), 2);
  stop (&r);
}

/* min_ttl 60s raises a 10s TTL; max_ttl 100s cuts a 300s one. */
Test (dns, clamps)
{
  Run r = start (ZONE_B ("      - {name: low, value: 10.1.0.10, ttl: 10s}\n"
                         "      - {name: high, value: 10.1.0.10, ttl: 300s}\n")
                 RESOLVER (", min_ttl: 60s, max_ttl: 100s"));
  FsDnsAnswer a;

  a = ask (&r, 0, "low.contoso.com");
  cr_expect_eq (a.ttl, 60 * S);
  a = ask (&r, 59 * S, "low.contoso.com");
  cr_expect (a.from_cache);
  a = ask (&r, 60 * S, "high.contoso.com");
  cr_expect_eq (a.ttl, 100 * S);
  a = ask (&r, 160 * S, "high.contoso.com");
  cr_expect (!a.from_cache);
  stop (&r);
}

/* RFC 2308: a name without data is cached negatively for min (negative_ttl 5m,
 * max_negative_ttl 1m) = 1m. */
Test (dns, negative_caching)
{
  Run r = start (ZONE_B ("      - {name: app, value: 10.1.0.10}\n")
                 RESOLVER (", max_negative_ttl: 1m")
                 "services: [{name: s, dns_name: nothing.contoso.com, hosts: [app-a]}]\n");
  FsDnsAnswer a;

  a = ask (&r, 0, "nothing.contoso.com");
  cr_expect_eq (a.status, FS_DNS_NEGATIVE);
  cr_expect_eq (a.ttl, 60 * S);
  a = ask (&r, 59 * S, "nothing.contoso.com");
  cr_expect_eq (a.status, FS_DNS_NEGATIVE);
  cr_expect (a.from_cache);
  a = ask (&r, 60 * S, "nothing.contoso.com");
  cr_expect (!a.from_cache);
  cr_expect_eq (queries (&r, "ns2"), 2);
  stop (&r);
}

/* www is a CNAME (1h) of app (A, 60s), in the same zone: one upstream query fills both; the
 * answer's TTL is the shorter. At 60s the CNAME is still fresh, the A record is fetched alone. */
Test (dns, cname_chain)
{
  Run r = start (ZONE_B ("      - {name: www, type: CNAME, value: app, ttl: 1h}\n"
                         "      - {name: app, value: 10.1.0.10, ttl: 60s}\n") RESOLVER (""));
  FsDnsAnswer a;
  FsDnsCacheEntry e;

  a = ask (&r, 0, "www.contoso.com");
  cr_expect_str_eq (address (&r, &a), "10.1.0.10");
  cr_expect_eq (a.ttl, 60 * S);
  cr_expect_eq (queries (&r, "ns2"), 1);
  a = ask (&r, 60 * S, "www.contoso.com");
  cr_expect (!a.from_cache);
  cr_expect_eq (queries (&r, "ns2"), 2);
  cr_assert (fs_dns_cache_entry (r.dns, 0, (guint) fs_dns_name_index (r.dns, "www.contoso.com"),
                                 FS_DNS_CNAME, &e));
  cr_expect_eq (e.expires, 3600 * S);
  stop (&r);
}

/* A change at the primary (ns1) reaches the secondary (ns2) transfer_delay = 2s later. */
Test (dns, notify_transfer)
{
  Run r = start ("zones:\n  - name: contoso.com\n    servers: [ns1, ns2]\n    transfer_delay: 2s\n"
                 "    records: [{name: app, value: 10.1.0.10}]\n" RESOLVER ("")
                 "timeline:\n  - {at: 10s, action: dns.update, name: app.contoso.com, value: 10.2.0.20, "
                 "ttl: 30s}\n");
  guint app = (guint) fs_dns_name_index (r.dns, "app.contoso.com");
  guint ns1 = (guint) fs_net_host_index (r.net, "ns1"), ns2 = (guint) fs_net_host_index (r.net, "ns2");
  int before, old_at_ns2, new_at_ns1, new_at_ns2;
  FsTime ttl = 0;

  before = fs_dns_server_record (r.dns, ns1, app, FS_DNS_A, NULL);
  fs_sim_run (r.sim, 11 * S);
  new_at_ns1 = fs_dns_server_record (r.dns, ns1, app, FS_DNS_A, &ttl);
  old_at_ns2 = fs_dns_server_record (r.dns, ns2, app, FS_DNS_A, NULL);
  fs_sim_run (r.sim, 12 * S);
  new_at_ns2 = fs_dns_server_record (r.dns, ns2, app, FS_DNS_A, NULL);
  cr_expect_neq (new_at_ns1, before);
  cr_expect_eq (ttl, 30 * S);
  cr_expect_eq (old_at_ns2, before);
  cr_expect_eq (new_at_ns2, new_at_ns1);
  stop (&r);
}

/* Without NOTIFY the secondary sees the change at its next refresh: within refresh (10m) of it. */
Test (dns, refresh_without_notify)
{
  Run r = start ("zones:\n  - name: contoso.com\n    servers: [ns1, ns2]\n    notify: false\n"
                 "    refresh: 10m\n    records: [{name: app, value: 10.1.0.10}]\n" RESOLVER ("")
                 "timeline:\n  - {at: 10s, action: dns.update, name: app.contoso.com, value: 10.2.0.20}\n");
  guint app = (guint) fs_dns_name_index (r.dns, "app.contoso.com");
  guint ns1 = (guint) fs_net_host_index (r.net, "ns1"), ns2 = (guint) fs_net_host_index (r.net, "ns2");

  fs_sim_run (r.sim, 10 * S);
  cr_expect_neq (fs_dns_server_record (r.dns, ns2, app, FS_DNS_A, NULL),
                 fs_dns_server_record (r.dns, ns1, app, FS_DNS_A, NULL));
  fs_sim_run (r.sim, 10 * S + 10 * FS_MIN);
  cr_expect_eq (fs_dns_server_record (r.dns, ns2, app, FS_DNS_A, NULL),
                fs_dns_server_record (r.dns, ns1, app, FS_DNS_A, NULL));
  stop (&r);
}

/* The zone's primary is at a, which fails at 5s: the update at 10s fails (the primary takes
 * changes only), and the resolver still gets answers from the secondary. */
Test (dns, update_fails_without_primary)
{
  Run r = start ("zones:\n  - name: contoso.com\n    servers: [ns1, ns2]\n"
                 "    records: [{name: app, value: 10.1.0.10, ttl: 0}]\n" RESOLVER ("")
                 "timeline:\n  - {at: 5s, action: site.fail, site: a}\n"
                 "  - {at: 10s, action: dns.update, name: app.contoso.com, value: 10.2.0.20}\n");
  FsMetrics *m = fs_sim_metrics (r.sim);
  FsKernel *k = fs_sim_kernel (r.sim);
  FsDnsAnswer a;

  a = ask (&r, 20 * S, "app.contoso.com");
  cr_expect_str_eq (address (&r, &a), "10.1.0.10");
  cr_expect_eq (fs_metrics_count (m, fs_kernel_topic (k, "dns.update_failed")), 1);
  cr_expect_eq (fs_metrics_count (m, fs_kernel_topic (k, "dns.update")), 0);
  cr_expect_eq (queries (&r, "ns2"), 1);
  cr_expect_eq (queries (&r, "ns1"), 0);
  stop (&r);
}

/* A script that always fails changes nothing; one that takes 30s changes the record at 40s. */
Test (dns, update_script_failure_and_duration)
{
  Run r = start (ZONE_B ("      - {name: app, value: 10.1.0.10}\n") RESOLVER ("")
                 "timeline:\n  - {at: 10s, action: dns.update, name: app.contoso.com, value: 10.2.0.20, "
                 "failure: 100%}\n"
                 "  - {at: 10s, action: dns.update, name: app.contoso.com, value: 10.2.0.30, "
                 "duration: 30s}\n");
  guint app = (guint) fs_dns_name_index (r.dns, "app.contoso.com");
  guint ns2 = (guint) fs_net_host_index (r.net, "ns2");
  char buf[FS_IP_BUFSZ];

  fs_sim_run (r.sim, 40 * S - 1);
  fs_ip_format (fs_dns_address (r.dns, (guint) fs_dns_server_record (r.dns, ns2, app, FS_DNS_A, NULL)),
                buf, sizeof buf);
  cr_expect_str_eq (buf, "10.1.0.10");
  fs_sim_run (r.sim, 40 * S);
  fs_ip_format (fs_dns_address (r.dns, (guint) fs_dns_server_record (r.dns, ns2, app, FS_DNS_A, NULL)),
                buf, sizeof buf);
  cr_expect_str_eq (buf, "10.2.0.30");
  cr_expect_eq (fs_metrics_count (fs_sim_metrics (r.sim),
                                  fs_kernel_topic (fs_sim_kernel (r.sim), "dns.update_failed")), 1);
  stop (&r);
}

/* app-b starts at 10s with no boot time and registers itself registration_delay = 5s later. */
Test (dns, dynamic_registration)
{
  Run r = start ("dns: {registration_delay: 5s}\n"
                 ZONE_B ("      - {name: app, ttl: 30s, registered_by: [app-a, app-b]}\n") RESOLVER ("")
                 "timeline:\n  - {at: 10s, action: host.start, host: app-b}\n");
  FsDnsAnswer a;

  a = ask (&r, 0, "app.contoso.com");
  cr_expect_str_eq (address (&r, &a), "10.1.0.10");   /* app-a runs at the start */
  a = ask (&r, 15 * S - 1, "app.contoso.com");
  cr_expect_str_eq (address (&r, &a), "10.1.0.10");   /* cached, and not yet changed */
  a = ask (&r, 30 * S, "app.contoso.com");
  cr_expect_str_eq (address (&r, &a), "10.2.0.20");
  cr_expect_eq (a.ttl, 30 * S);
  stop (&r);
}

/* A site that comes back boots its VMs again, and they register anew: app-a, whose site a fails
 * at 10s and returns at 100s, takes the record back from app-b (started at 20s) at 105s. */
Test (dns, returning_site_registers_again)
{
  Run r = start ("dns: {registration_delay: 5s}\n"
                 ZONE_B ("      - {name: app, ttl: 0, registered_by: [app-a, app-b]}\n") RESOLVER ("")
                 "timeline:\n  - {at: 10s, action: site.fail, site: a}\n"
                 "  - {at: 20s, action: host.start, host: app-b}\n"
                 "  - {at: 100s, action: site.repair, site: a}\n");
  FsDnsAnswer a;

  a = ask (&r, 25 * S, "app.contoso.com");
  cr_expect_str_eq (address (&r, &a), "10.2.0.20");
  a = ask (&r, 105 * S - 1, "app.contoso.com");
  cr_expect_str_eq (address (&r, &a), "10.2.0.20");
  a = ask (&r, 105 * S, "app.contoso.com");
  cr_expect_str_eq (address (&r, &a), "10.1.0.10");
  stop (&r);
}

/* Serve-stale (RFC 8767). ns2's site b is fine but ns2 is the only server and it stops at 100s.
 * The 60s record expired at 60s (fetched at 0). At 200s: no server, a stale answer with TTL 30s;
 * the recheck window (30s) answers stale without asking; past max_stale (1h after expiry):
 * SERVFAIL. */
Test (dns, serve_stale)
{
  Run r = start (ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 60s}\n")
                 RESOLVER (", serve_stale: true, max_stale: 1h")
                 "timeline:\n  - {at: 100s, action: host.stop, host: ns2}\n");
  FsDnsAnswer a;

  a = ask (&r, 0, "app.contoso.com");
  cr_expect (!a.stale);
  a = ask (&r, 200 * S, "app.contoso.com");
  cr_expect_str_eq (address (&r, &a), "10.1.0.10");
  cr_expect (a.stale);
  cr_expect_eq (a.ttl, 30 * S);
  a = ask (&r, 60 * S + FS_HOUR - 1, "app.contoso.com");
  cr_expect (a.stale);
  a = ask (&r, 60 * S + FS_HOUR, "app.contoso.com");
  cr_expect_eq (a.status, FS_DNS_SERVFAIL);
  stop (&r);
}

/* The recheck window holds back a fetch only while a stale answer may be given: the record
 * (60s, fetched at 0) may be served stale until 160s (max_stale 100s); ns2 is down from 100s to
 * 150s. At 140s: stale, and a recheck window until 170s. At 160s the entry is past its stale
 * life: the resolver asks again, and ns2, back since 150s, answers. */
Test (dns, recheck_window_ends_with_the_stale_life)
{
  Run r = start (ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 60s}\n")
                 RESOLVER (", serve_stale: true, max_stale: 100s, stale_refresh: 30s")
                 "timeline:\n  - {at: 100s, action: host.stop, host: ns2}\n"
                 "  - {at: 150s, action: host.start, host: ns2}\n");
  FsDnsAnswer a;

  a = ask (&r, 0, "app.contoso.com");
  a = ask (&r, 140 * S, "app.contoso.com");
  cr_expect (a.stale);
  a = ask (&r, 155 * S, "app.contoso.com");
  cr_expect (a.stale);   /* within the recheck window: not asked, though ns2 is back */
  a = ask (&r, 160 * S, "app.contoso.com");
  cr_expect_eq (a.status, FS_DNS_ADDRESS);
  cr_expect (!a.stale);
  cr_expect (!a.from_cache);
  stop (&r);
}

/* A dns.update creating a record the zone did not declare gives it the zone's ttl (5m here). */
Test (dns, new_record_takes_the_zone_ttl)
{
  Run r = start ("zones:\n  - {name: contoso.com, servers: [ns2], ttl: 5m}\n" RESOLVER ("")
                 "timeline:\n  - {at: 10s, action: dns.update, name: new.contoso.com, value: 10.2.0.20}\n");
  FsDnsAnswer a = ask (&r, 10 * S, "new.contoso.com");

  cr_expect_str_eq (address (&r, &a), "10.2.0.20");
  cr_expect_eq (a.ttl, 300 * S);
  stop (&r);
}

/* Without serve-stale the same expired record gives SERVFAIL. */
Test (dns, no_serve_stale)
{
  Run r = start (ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 60s}\n") RESOLVER ("")
                 "timeline:\n  - {at: 100s, action: host.stop, host: ns2}\n");
  FsDnsAnswer a;

  a = ask (&r, 0, "app.contoso.com");
  a = ask (&r, 90 * S, "app.contoso.com");
  cr_expect_eq (a.status, FS_DNS_ADDRESS);
  a = ask (&r, 200 * S, "app.contoso.com");
  cr_expect_eq (a.status, FS_DNS_SERVFAIL);
  stop (&r);
}

/* Prefetch: a hit in the last tenth of the TTL (100s: after 90s) refreshes the record. */
Test (dns, prefetch)
{
  Run r = start (ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 100s}\n") RESOLVER (", prefetch: true"));
  FsDnsAnswer a;

  a = ask (&r, 0, "app.contoso.com");
  a = ask (&r, 90 * S, "app.contoso.com");   /* 10s left: not below a tenth */
  cr_expect_eq (queries (&r, "ns2"), 1);
  a = ask (&r, 95 * S, "app.contoso.com");   /* 5s left: prefetch */
  cr_expect (a.from_cache);
  cr_expect_eq (a.ttl, 5 * S);               /* answered from the old entry */
  cr_expect_eq (queries (&r, "ns2"), 2);
  a = ask (&r, 150 * S, "app.contoso.com");  /* refreshed at 95s: fresh until 195s */
  cr_expect (a.from_cache);
  cr_expect_eq (a.ttl, 45 * S);
  stop (&r);
}

/* A violating resolver keeps the record violation_extra (60s) past its TTL (30s). */
Test (dns, ttl_violation)
{
  Run r = start ("dns: {violation_extra: 60s}\n"
                 ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 30s}\n")
                 "resolvers:\n  - {name: r1, host: res, warm: false, ttl_violation: yes}\n");
  FsDnsAnswer a;

  cr_expect (fs_dns_resolver_violates (r.dns, 0));
  a = ask (&r, 0, "app.contoso.com");
  a = ask (&r, 89 * S, "app.contoso.com");
  cr_expect (a.from_cache);
  cr_expect_eq (a.ttl, 1 * S);
  a = ask (&r, 90 * S, "app.contoso.com");
  cr_expect (!a.from_cache);
  stop (&r);
}

/* A secondary that cannot reach its primary for longer than expire stops answering. ns1 (the
 * primary, at a) fails at 0; ns2's last good copy is from time 0; expire 1h. */
Test (dns, secondary_expires)
{
  Run r = start ("zones:\n  - name: contoso.com\n    servers: [ns1, ns2]\n    expire: 1h\n"
                 "    records: [{name: app, value: 10.1.0.10, ttl: 0}]\n" RESOLVER ("")
                 "timeline:\n  - {at: 0s, action: site.fail, site: a}\n");
  FsDnsAnswer a;

  a = ask (&r, FS_HOUR, "app.contoso.com");
  cr_expect_eq (a.status, FS_DNS_ADDRESS);
  a = ask (&r, FS_HOUR + 1, "app.contoso.com");
  cr_expect_eq (a.status, FS_DNS_SERVFAIL);
  stop (&r);
}

/* In a multi-master zone an update goes to the first live server; the other copies it. */
Test (dns, multi_master)
{
  Run r = start ("zones:\n  - name: contoso.com\n    servers: [ns1, ns2]\n    updates: any\n"
                 "    records: [{name: app, value: 10.1.0.10, ttl: 0}]\n" RESOLVER ("")
                 "timeline:\n  - {at: 5s, action: site.fail, site: a}\n"
                 "  - {at: 10s, action: dns.update, name: app.contoso.com, value: 10.2.0.20}\n");
  FsDnsAnswer a;

  a = ask (&r, 10 * S, "app.contoso.com");
  cr_expect_str_eq (address (&r, &a), "10.2.0.20");
  cr_expect_eq (fs_metrics_count (fs_sim_metrics (r.sim),
                                  fs_kernel_topic (fs_sim_kernel (r.sim), "dns.update")), 1);
  stop (&r);
}

/* A warm resolver holds every record from the start, at a uniform point of its life: the
 * first query is a hit, with a TTL left in (0, 300s]. */
Test (dns, warm_start)
{
  Run r = start (ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 300s}\n")
                 "resolvers:\n  - {name: r1, host: res, ttl_violation: no}\n");
  FsDnsAnswer a = ask (&r, 0, "app.contoso.com");

  cr_expect (a.from_cache);
  cr_expect_gt (a.ttl, 0);
  cr_expect_leq (a.ttl, 300 * S);
  cr_expect_eq (queries (&r, "ns2"), 0);
  stop (&r);
}

/* AAAA records answer AAAA queries; an A query for a name that has only AAAA data gets a
 * negative answer (no data of that type), cached for the zone's negative TTL (5m). */
Test (dns, aaaa_and_nodata)
{
  Run r = start (ZONE_B ("      - {name: app6, type: AAAA, value: \"2001:db8::10\", ttl: 2m}\n") RESOLVER (""));
  guint n = (guint) fs_dns_name_index (r.dns, "app6.contoso.com");
  FsDnsAnswer a = fs_dns_resolve (r.dns, 0, n, FS_DNS_AAAA);
  char buf[FS_IP_BUFSZ];

  cr_assert_eq (a.status, FS_DNS_ADDRESS);
  fs_ip_format (fs_dns_address (r.dns, (guint) a.address), buf, sizeof buf);
  cr_expect_str_eq (buf, "2001:db8::10");
  cr_expect_eq (a.ttl, 120 * S);
  a = fs_dns_resolve (r.dns, 0, n, FS_DNS_A);
  cr_expect_eq (a.status, FS_DNS_NEGATIVE);
  cr_expect_eq (a.ttl, 300 * S);
  stop (&r);
}

/* --- dns.outdated and the query series ------------------------------------------------------------ */

/* Resolver @res (by name) asks for app.contoso.com (A) at time @t. */
static void
ask_at (Run *r, FsTime t, const char *res, const char *name)
{
  int i = fs_dns_resolver_index (r->dns, res);

  cr_assert_geq (i, 0, "no resolver %s", res);
  fs_sim_run (r->sim, t);
  fs_dns_resolve (r->dns, (guint) i, (guint) fs_dns_name_index (r->dns, name), FS_DNS_A);
}

/* The dns.outdated notices so far, as "time subject value detail" lines. */
static char *
outdated_notices (Run *r)
{
  const GArray *log = fs_metrics_log (fs_sim_metrics (r->sim));
  uint32_t topic = fs_kernel_topic (fs_sim_kernel (r->sim), "dns.outdated");
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < log->len; i++)
    {
      const FsLogEntry *e = &g_array_index (log, FsLogEntry, i);

      if (e->topic == topic)
        g_string_append_printf (out, "%" G_GINT64_FORMAT " %u:%s %" G_GINT64_FORMAT " %s\n", e->time / S,
                                e->subject, e->subject_name, e->value / S, e->detail);
    }
  return g_string_free (out, FALSE);
}

/* TTL 300s. At 0, r1 (honest), r2 (violator, +60s) and r4 (max_ttl 5s) cache 10.1.0.10, r5 caches
 * another name; r3 asks nothing. The update at 10s to 10.2.0.20 finds r1 with 290s left and r2
 * with 350s (60 of them past its TTL); r4's entry expired at 5s, r3 and r5 hold nothing for it.
 * r3 then caches the new address at 15s, so the same update again at 20s leaves it out. */
Test (dns, outdated_names_the_resolvers_that_still_hold_the_old_answer)
{
  Run r = start ("dns: {violation_extra: 60s}\n"
                 ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 300s}\n"
                         "      - {name: other, value: 10.1.0.10, ttl: 300s}\n")
                 "resolvers:\n"
                 "  - {name: r1, host: res, warm: false, ttl_violation: no}\n"
                 "  - {name: r2, host: res, warm: false, ttl_violation: yes}\n"
                 "  - {name: r3, host: res, warm: false, ttl_violation: no}\n"
                 "  - {name: r4, host: res, warm: false, ttl_violation: no, max_ttl: 5s}\n"
                 "  - {name: r5, host: res, warm: false, ttl_violation: no}\n"
                 "timeline:\n"
                 "  - {at: 10s, action: dns.update, name: app.contoso.com, value: 10.2.0.20}\n"
                 "  - {at: 20s, action: dns.update, name: app.contoso.com, value: 10.2.0.20}\n");
  g_autofree char *got = NULL;

  ask_at (&r, 0, "r1", "app.contoso.com");
  ask_at (&r, 0, "r2", "app.contoso.com");
  ask_at (&r, 0, "r4", "app.contoso.com");
  ask_at (&r, 0, "r5", "other.contoso.com");
  ask_at (&r, 15 * S, "r3", "app.contoso.com");
  fs_sim_run (r.sim, 30 * S);
  got = outdated_notices (&r);
  cr_expect_str_eq (got,
                    "10 0:r1 290 resolver r1 still answers app.contoso.com -> 10.1.0.10 (cached, 290 s left)\n"
                    "10 1:r2 350 resolver r2 still answers app.contoso.com -> 10.1.0.10 (cached, 350 s left, "
                    "of which 60 s past its TTL)\n"
                    "20 0:r1 280 resolver r1 still answers app.contoso.com -> 10.1.0.10 (cached, 280 s left)\n"
                    "20 1:r2 340 resolver r2 still answers app.contoso.com -> 10.1.0.10 (cached, 340 s left, "
                    "of which 60 s past its TTL)\n");
  stop (&r);
}

/* Its value is exact to the nanosecond and the sentence rounds the seconds down; a violator already
 * past its honest TTL has all of what is left past it; a cached negative answer is outdated too. */
Test (dns, outdated_value_is_the_time_to_expiry)
{
  Run r = start ("dns: {violation_extra: 60s}\n"
                 ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 30s}\n")
                 "resolvers:\n"
                 "  - {name: r1, host: res, warm: false, ttl_violation: no}\n"
                 "  - {name: r2, host: res, warm: false, ttl_violation: yes}\n"
                 "  - {name: r3, host: res, warm: false, ttl_violation: no}\n"
                 "timeline:\n"
                 "  - {at: 40.5s, action: dns.update, name: app.contoso.com, value: 10.2.0.20}\n"
                 "  - {at: 50s, action: dns.update, name: new.contoso.com, value: 10.2.0.20}\n");
  const GArray *log;
  uint32_t topic;
  guint i, n = 0;

  ask_at (&r, 0, "r2", "app.contoso.com");              /* honest to 30s, kept to 90s */
  ask_at (&r, 20 * S, "r1", "app.contoso.com");         /* expires at 50s */
  ask_at (&r, 20 * S, "r3", "new.contoso.com");         /* negative for 5m */
  fs_sim_run (r.sim, 60 * S);
  log = fs_metrics_log (fs_sim_metrics (r.sim));
  topic = fs_kernel_topic (fs_sim_kernel (r.sim), "dns.outdated");
  for (i = 0; i < log->len; i++)
    {
      const FsLogEntry *e = &g_array_index (log, FsLogEntry, i);

      if (e->topic != topic)
        continue;
      switch (n++)
        {
        case 0:
          cr_expect_str_eq (e->subject_name, "r1");
          cr_expect_eq (e->value, 9500 * FS_MSEC);
          cr_expect_str_eq (e->detail, "resolver r1 still answers app.contoso.com -> 10.1.0.10 "
                                       "(cached, 9 s left)");
          break;
        case 1:
          cr_expect_str_eq (e->subject_name, "r2");
          cr_expect_eq (e->value, 49500 * FS_MSEC);
          cr_expect_str_eq (e->detail, "resolver r2 still answers app.contoso.com -> 10.1.0.10 "
                                       "(cached, 49 s left, of which 49 s past its TTL)");
          break;
        case 2:
          cr_expect_str_eq (e->subject_name, "r3");
          cr_expect_eq (e->time, 50 * S);
          cr_expect_eq (e->value, 270 * S);
          cr_expect_str_eq (e->detail, "resolver r3 still answers new.contoso.com -> no such record "
                                       "(cached, 270 s left)");
          break;
        }
    }
  cr_expect_eq (n, 3);
  stop (&r);
}

/* Queries that reach a server, counted per 10 s (no services, so the default grid). */
Test (dns, server_query_series)
{
  Run r = start (ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 5s}\n") RESOLVER (""));
  guint host = (guint) fs_net_host_index (r.net, "ns2"), n = 0;
  const uint32_t *series;
  FsTime interval = 0;

  ask_at (&r, 0, "r1", "app.contoso.com");
  ask_at (&r, 3 * S, "r1", "app.contoso.com");    /* a hit */
  ask_at (&r, 5 * S, "r1", "app.contoso.com");
  ask_at (&r, 25 * S, "r1", "app.contoso.com");
  series = fs_dns_server_series (r.dns, host, &n, &interval);
  cr_assert_not_null (series);
  cr_expect_eq (interval, 10 * S);
  cr_assert_eq (n, 3);
  cr_expect_eq (series[0], 2);
  cr_expect_eq (series[1], 0);
  cr_expect_eq (series[2], 1);
  cr_expect_eq (queries (&r, "ns2"), 3);
  cr_expect_null (fs_dns_server_series (r.dns, (guint) fs_net_host_index (r.net, "ns1"), &n, NULL));
  cr_expect_eq (n, 0);
  stop (&r);
}

/* The dns.flush notices so far, as "time subject value detail" lines. */
static char *
flush_notices (Run *r)
{
  const GArray *log = fs_metrics_log (fs_sim_metrics (r->sim));
  uint32_t topic = fs_kernel_topic (fs_sim_kernel (r->sim), "dns.flush");
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < log->len; i++)
    {
      const FsLogEntry *e = &g_array_index (log, FsLogEntry, i);

      if (e->topic == topic)
        g_string_append_printf (out, "%" G_GINT64_FORMAT " %u:%s %" G_GINT64_FORMAT " %s\n", e->time / S,
                                e->subject, e->subject_name, e->value, e->detail);
    }
  return g_string_free (out, FALSE);
}

/* A resolver that clamps every TTL up to an hour caches 10.1.0.10 at 0; the record changes to
 * 10.2.0.20 at 10s and the resolver still answers the old address at 20s, from its cache. The
 * flush at 30s empties the entry; the query at 40s goes upstream (a second query at ns2) and
 * gets the new address, cached for the clamped hour again. */
Test (dns, flush_empties_the_cache_and_the_next_query_goes_upstream)
{
  Run r = start (ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 300s}\n")
                 RESOLVER (", min_ttl: 1h")
                 "timeline:\n"
                 "  - {at: 10s, action: dns.update, name: app.contoso.com, value: 10.2.0.20}\n"
                 "  - {at: 30s, action: dns.flush, resolver: r1}\n");
  guint app;
  FsDnsCacheEntry e;
  FsDnsAnswer a;
  g_autofree char *got = NULL;

  a = ask (&r, 0, "app.contoso.com");
  cr_expect_str_eq (address (&r, &a), "10.1.0.10");
  cr_expect_eq (a.ttl, 3600 * S);
  a = ask (&r, 20 * S, "app.contoso.com");
  cr_expect (a.from_cache);
  cr_expect_str_eq (address (&r, &a), "10.1.0.10");
  app = (guint) fs_dns_name_index (r.dns, "app.contoso.com");
  cr_expect (fs_dns_cache_entry (r.dns, 0, app, FS_DNS_A, &e));
  fs_sim_run (r.sim, 31 * S);
  cr_expect (!fs_dns_cache_entry (r.dns, 0, app, FS_DNS_A, &e));
  cr_expect_eq (queries (&r, "ns2"), 1);
  a = ask (&r, 40 * S, "app.contoso.com");
  cr_expect (!a.from_cache);
  cr_expect_str_eq (address (&r, &a), "10.2.0.20");
  cr_expect_eq (a.ttl, 3600 * S);
  cr_expect_eq (queries (&r, "ns2"), 2);
  got = flush_notices (&r);
  cr_expect_str_eq (got, "30 0:r1 1 resolver r1 flushed its whole cache (1 entry)\n");
  stop (&r);
}

/* Flushing one name empties only that name's entries: other.contoso.com stays cached (a hit at
 * 20s, no query upstream), app.contoso.com is asked again. Another resolver's cache is left. */
Test (dns, flush_of_one_name_leaves_the_others)
{
  Run r = start (ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 300s}\n"
                         "      - {name: other, value: 10.1.0.10, ttl: 300s}\n")
                 "resolvers:\n"
                 "  - {name: r1, host: res, warm: false, ttl_violation: no}\n"
                 "  - {name: r2, host: res, warm: false, ttl_violation: no}\n"
                 "timeline:\n"
                 "  - {at: 10s, action: dns.flush, resolver: r1, name: app.contoso.com}\n");
  guint app, other;
  FsDnsCacheEntry e;
  g_autofree char *got = NULL;

  ask_at (&r, 0, "r1", "app.contoso.com");
  ask_at (&r, 0, "r1", "other.contoso.com");
  ask_at (&r, 0, "r2", "app.contoso.com");
  cr_expect_eq (queries (&r, "ns2"), 3);
  fs_sim_run (r.sim, 11 * S);
  app = (guint) fs_dns_name_index (r.dns, "app.contoso.com");
  other = (guint) fs_dns_name_index (r.dns, "other.contoso.com");
  cr_expect (!fs_dns_cache_entry (r.dns, 0, app, FS_DNS_A, &e));
  cr_expect (fs_dns_cache_entry (r.dns, 0, other, FS_DNS_A, &e));
  cr_expect (fs_dns_cache_entry (r.dns, 1, app, FS_DNS_A, &e));
  ask_at (&r, 20 * S, "r1", "other.contoso.com");
  cr_expect_eq (queries (&r, "ns2"), 3);
  ask_at (&r, 20 * S, "r1", "app.contoso.com");
  cr_expect_eq (queries (&r, "ns2"), 4);
  got = flush_notices (&r);
  cr_expect_str_eq (got, "10 0:r1 1 resolver r1 flushed app.contoso.com from its cache (1 entry)\n");
  stop (&r);
}

/* A flush names a resolver the scenario declares, and a name in one of its zones. */
Test (dns, flush_checks_its_keys)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *bad_resolver = g_strconcat (estate, ZONE_B ("      - {name: app, value: 10.1.0.10}\n")
                                               RESOLVER ("") "timeline:\n"
                                               "  - {at: 10s, action: dns.flush, resolver: r9}\n", NULL);
  g_autofree char *bad_name = g_strconcat (estate, ZONE_B ("      - {name: app, value: 10.1.0.10}\n")
                                           RESOLVER ("") "timeline:\n"
                                           "  - {at: 10s, action: dns.flush, resolver: r1, "
                                           "name: app.example.org}\n", NULL);
  FsScenario *sc;

  sc = fs_scenario_load_data ("test.yaml", bad_resolver, -1, NULL, &error);
  cr_expect_null (sc);
  cr_expect_not_null (error && strstr (error->message, "r9") ? error : NULL, "%s", error ? error->message : "");
  g_clear_error (&error);
  sc = fs_scenario_load_data ("test.yaml", bad_name, -1, NULL, &error);
  cr_expect_null (sc);
  cr_expect_not_null (error && strstr (error->message, "lies in no zone") ? error : NULL, "%s",
                      error ? error->message : "");
}

/* --- the single cache's closed forms ---------------------------------------------------------------- */

/* Queries at Poisson rate lambda = 1/10s, TTL T = 30s, filled only on a miss. The cache holds
 * the record for T after each miss; the next miss is the first query after that, one mean
 * gap (10s) later: a renewal cycle of T + 1/lambda = 40s with one miss and lambda*T = 3 hits
 * on average. Hit ratio p = lambda T / (1 + lambda T) = 3/4; authoritative load
 * lambda / (1 + lambda T) = 1/40 per second. With N = 40,000 queries the hit ratio's standard
 * error is about sqrt (p (1 - p) / N) * 2 (hits come in runs) = 0.0043: tolerance 0.015.
 * The query load over 400,000 s expects 10,000 misses, sd ~ 60 (cycle length sd / mean x
 * sqrt (count)): tolerance 3%. */
Test (dns_stats, hit_ratio_and_load)
{
  Run r = start (ZONE_B ("      - {name: app, value: 10.1.0.10, ttl: 30s}\n") RESOLVER (""));
  gsl_rng *g = fs_rng_new_stream (7, 0, "test.arrivals");
  guint n = (guint) fs_dns_name_index (r.dns, "app.contoso.com"), i, hits = 0, N = 40000;
  FsTime t = 0;

  for (i = 0; i < N; i++)
    {
      FsDnsAnswer a;

      t += (FsTime) llround (gsl_ran_exponential (g, 10.0) * 1e9);
      fs_sim_run (r.sim, t);
      a = fs_dns_resolve (r.dns, 0, n, FS_DNS_A);
      hits += a.from_cache;
    }
  cr_expect (fabs ((double) hits / N - 0.75) < 0.015, "hit ratio %.4f, expected 0.75", (double) hits / N);
  {
    double load = (double) queries (&r, "ns2") / ((double) t / 1e9);
    cr_expect (fabs (load / (1.0 / 40.0) - 1.0) < 0.03, "load %.5f/s, expected 0.025/s", load);
  }
  gsl_rng_free (g);
  stop (&r);
}

/* After a record change at a moment unrelated to the queries, a cache that holds the record
 * keeps serving the old value for a time uniform on (0, T); it holds it with probability p.
 * 400 resolvers, each queried by its own Poisson stream at rate 1/10s, TTL 60s (p = 6/7); the
 * record changes at 2000.5s. Expected share holding it: 6/7 = 0.857 (sd over 400: 0.018;
 * tolerance 0.06); their remaining time: mean T/2 = 30s (sd of the mean 17.3/sqrt(343) =
 * 0.94s; tolerance 3s) and variance T^2/12 = 300 s^2 (tolerance 25%). */
Test (dns_stats, residual_ttl_is_uniform)
{
  GString *y;
  guint R = 400, i, held = 0, app = 0;
  double sum = 0, sum2 = 0;
  g_autofree FsTime *next = g_new (FsTime, R);
  gsl_rng *g = fs_rng_new_stream (11, 0, "test.arrivals");
  FsTime change = 2000 * S + S / 2;
  Run r;

  /* One site, one subnet, a host per resolver. */
  y = g_string_new ("name: residual\nduration: 1h\nsites: [{name: b}]\nrouters: [{name: rb, site: b}]\n"
                    "subnets: [{name: nb, prefix: 10.2.0.0/16, site: b}]\nhosts:\n"
                    "  - {name: ns2, ip: 10.2.0.53}\n");
  for (i = 0; i < R; i++)
    g_string_append_printf (y, "  - {name: h%u, ip: 10.2.%u.%u}\n", i, 1 + i / 200, 1 + i % 200);
  g_string_append (y, "zones:\n  - name: contoso.com\n    servers: [ns2]\n    records:\n"
                      "      - {name: app, value: 10.2.0.1, ttl: 60s}\n"
                      "resolvers:\n");
  for (i = 0; i < R; i++)
    g_string_append_printf (y, "  - {name: r%u, host: h%u, warm: false, ttl_violation: no}\n", i, i);
  g_string_append (y, "timeline:\n  - {at: 2000.5s, action: dns.update, name: app.contoso.com, "
                      "value: 10.2.0.2}\n");
  {
    g_autoptr (GError) error = NULL;

    r.sc = fs_scenario_load_data ("residual.yaml", y->str, -1, NULL, &error);
    cr_assert_not_null (r.sc, "%s", error ? error->message : "");
    r.sim = fs_sim_new (r.sc, 1, 0, &error);
    cr_assert_not_null (r.sim);
    r.dns = fs_dns_from_model (fs_sim_model (r.sim, "dns"));
    app = (guint) fs_dns_name_index (r.dns, "app.contoso.com");
  }
  g_string_free (y, TRUE);

  /* Merge the 400 streams in time order; stop just before the change. */
  for (i = 0; i < R; i++)
    next[i] = (FsTime) llround (gsl_ran_exponential (g, 10.0) * 1e9);
  for (;;)
    {
      guint best = 0;

      for (i = 1; i < R; i++)
        if (next[i] < next[best])
          best = i;
      if (next[best] >= change)
        break;
      fs_sim_run (r.sim, next[best]);
      fs_dns_resolve (r.dns, best, app, FS_DNS_A);
      next[best] += (FsTime) llround (gsl_ran_exponential (g, 10.0) * 1e9);
    }
  fs_sim_run (r.sim, change);
  for (i = 0; i < R; i++)
    {
      FsDnsCacheEntry e;

      if (fs_dns_cache_entry (r.dns, i, app, FS_DNS_A, &e) && e.expires > change)
        {
          double left = (double) (e.expires - change) / 1e9;

          held++;
          sum += left;
          sum2 += left * left;
        }
    }
  cr_expect (fabs ((double) held / R - 6.0 / 7.0) < 0.06, "share holding %.3f, expected 0.857",
             (double) held / R);
  {
    double mean = sum / held, var = sum2 / held - mean * mean;

    cr_expect (fabs (mean - 30.0) < 3.0, "mean remaining %.2fs, expected 30s", mean);
    cr_expect (fabs (var / 300.0 - 1.0) < 0.25, "variance %.1f s^2, expected 300", var);
  }
  gsl_rng_free (g);
  stop (&r);
}
