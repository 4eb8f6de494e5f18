/* dns.h: authoritative zones, their servers, and recursive resolvers with TTL caches.
 *
 * The change-IP half of failsim. Seed 000, "Changing IP addresses": "DNS will be updated after
 * replica VMs start ... cached entries updated. This can result in downtime", mitigated by
 * "low TTL values", a recovery-plan script that updates the DNS server, or "dynamic DNS
 * registration". A record changes at one authoritative server (a script's dns.update, or a VM
 * registering itself when it starts); the zone's other servers pick the change up after a
 * NOTIFY or at their next refresh; resolvers keep answering from their caches until the TTL
 * (clamped, and stretched by the resolvers that violate it) runs out, may prefetch, cache
 * negative answers (RFC 2308) and serve stale answers while no authoritative server answers
 * (RFC 8767). Servers and resolvers are hosts of the network model: they go down with their
 * site, and every query must be routed to them.
 *
 * Owns the scenario keys dns:, zones:, resolvers: and the actions dns.update and dns.flush (an
 * operator empties a resolver's cache). Reports
 * dns.update and dns.update_failed (subject: the record's name), dns.transfer (subject: the
 * server, when a copy catches up), dns.outdated (subject: a resolver whose cache still holds
 * another answer when a record changes; value: ns until that entry expires), dns.flush (subject:
 * the resolver; value: the entries emptied), and, at the end of the run, the figures "dns.servers"
 * (queries, peak_qps) and "dns.resolvers" (queries, hits, misses, hit_ratio, ...). */
#pragma once

#include <glib.h>

#include "failsim/ip.h"
#include "failsim/kernel.h"
#include "failsim/scenario.h"

G_BEGIN_DECLS

typedef struct FsDns FsDns;

typedef enum {
  FS_DNS_A,
  FS_DNS_AAAA,
  FS_DNS_CNAME,
  FS_DNS_N_TYPES
} FsDnsType;

typedef enum {
  FS_DNS_ADDRESS,    /* an address: FsDnsAnswer.address */
  FS_DNS_NEGATIVE,   /* NXDOMAIN or no data of that type, cacheable for FsDnsAnswer.ttl */
  FS_DNS_SERVFAIL,   /* no authoritative server answered and nothing (stale) was cached */
} FsDnsStatus;

typedef struct {
  FsDnsStatus status;
  int address;         /* ADDRESS: index for fs_dns_address(); -1 otherwise */
  FsTime ttl;          /* how long the asker may cache the answer, ns (0 for SERVFAIL) */
  gboolean from_cache; /* answered without asking an authoritative server */
  gboolean stale;      /* served from an expired entry (RFC 8767) */
} FsDnsAnswer;

FsDns *fs_dns_from_model (FsModel *model);   /* the "dns" model of a sim */

/* Resolver @resolver answers a query for (@name, @qtype: A or AAAA) now: from its cache, or by
 * asking the zone's servers in their listed order, the first that is reachable from it and
 * serving. Follows CNAMEs (at most 8). The resolver itself is assumed reachable: the caller
 * routes the query to fs_dns_resolver_host() first. */
FsDnsAnswer fs_dns_resolve (FsDns *dns, guint resolver, guint name, FsDnsType qtype);

/* Indices by name, or -1: resolvers by their name, names by their full lowercase form
 * without the final dot ("app.contoso.com"). */
int fs_dns_resolver_index (const FsDns *dns, const char *name);
int fs_dns_name_index (const FsDns *dns, const char *fqdn);
guint fs_dns_n_resolvers (const FsDns *dns);
int fs_dns_resolver_host (const FsDns *dns, guint resolver);    /* a net host index */
const char *fs_dns_name (const FsDns *dns, guint name);
guint fs_dns_n_names (const FsDns *dns);   /* every name the scenario mentions */
const char *fs_dns_resolver_name (const FsDns *dns, guint resolver);

/* Every address a record can hold, interned at load time. */
guint fs_dns_n_addresses (const FsDns *dns);
const FsIp *fs_dns_address (const FsDns *dns, guint address);

/* --- inspection, for tests and exercises -------------------------------------------------------- */

/* What @server_host (a net host serving @name's zone) holds for (@name, @type) now: an address
 * index, a name index for a CNAME, or -1 when it has none. Its TTL in *@ttl if not NULL. */
int fs_dns_server_record (const FsDns *dns, guint server_host, guint name, FsDnsType type,
                          FsTime *ttl);

typedef struct {
  int value;           /* address index (A, AAAA), name index (CNAME), -1 negative */
  FsTime expires;      /* fresh until then, violation included, ns */
  FsTime stale_until;  /* may be served stale until then */
  FsTime ttl;          /* the TTL it was stored with, after clamping */
  FsTime stored;       /* when it was stored (before 0 for a warm start): honest until stored + ttl */
} FsDnsCacheEntry;

/* @resolver's cache entry for (@name, @type), or FALSE when it holds none. */
gboolean fs_dns_cache_entry (const FsDns *dns, guint resolver, guint name, FsDnsType type,
                             FsDnsCacheEntry *out);

/* What a fetch by @resolver for (@name, @qtype: A or AAAA) would find now, without fetching: in
 * *@address the address held by the first server of the name's zone that serves and is reachable
 * from the resolver, CNAMEs followed (at most 8), or -1 when the record does not exist. FALSE
 * when some step finds no server to ask. Changes nothing and counts no query. */
gboolean fs_dns_zone_answer (const FsDns *dns, guint resolver, guint name, FsDnsType qtype,
                             int *address);

/* Whether @resolver was drawn (or configured) as one that keeps records past their TTL. */
gboolean fs_dns_resolver_violates (const FsDns *dns, guint resolver);

/* Queries that reached @server_host so far (0 for a host that is no server). */
uint64_t fs_dns_server_queries (const FsDns *dns, guint server_host);

/* The hosts that serve some zone, each once, by host index. Free with g_array_unref(). */
GArray *fs_dns_server_hosts (const FsDns *dns);   /* of guint */

/* The grid of the query series when no client collector's grid is known (no services). */
#define FS_DNS_SERIES_INTERVAL (10 * FS_SEC)

/* The queries that reached @server_host, by bucket: element i counts those at times in
 * [i * interval, (i + 1) * interval). The grid is the client collector's recovery-curve grid
 * (workload: sample, default 10 s), or FS_DNS_SERIES_INTERVAL without services; its width goes
 * to *@interval if not NULL. Buckets run up to the last one that got a query (*@n_buckets of
 * them; buckets after it are 0). NULL with *@n_buckets 0 when the host got none. Borrowed: valid
 * until the next query. */
const uint32_t *fs_dns_server_series (const FsDns *dns, guint server_host, guint *n_buckets,
                                      FsTime *interval);

/* --- load time, for the workload's checks -------------------------------------------------------- */

/* Resolves a resolver named by scalar @node, or sets a located error and returns -1. */
int fs_dns_spec_resolver (const FsScenario *sc, const FsNode *node, GError **error);

/* The index of the domain name written at scalar @node, which must lie in a declared zone;
 * or a located error and -1. The name need not have records (a query for it is answered
 * negatively). */
int fs_dns_spec_name (FsScenario *sc, const FsNode *node, GError **error);

G_END_DECLS
