/* workload.c: services, client populations, their caches, connections and retries.
 *
 * See workload.h for what a request does and docs/model-dns.md ("Clients") for the rules and
 * where each default comes from. Simplified: a request takes no time and fails at once (no
 * TCP timeouts; the retry backoff stands for them); a client whose own site is down sends
 * nothing (its users are down with it, which is not the service's downtime); one cache layer
 * per client, the outermost one that decides. */
#include "failsim/workload.h"

#include <math.h>
#include <string.h>

#include "failsim/clients.h"
#include "failsim/dns.h"
#include "failsim/l2.h"
#include "failsim/metrics.h"
#include "failsim/net.h"
#include "failsim/rng.h"
#include "failsim/sim.h"
#include "failsim/site.h"
#include "../scenario/scenario-private.h"

#define MAX_CLIENTS 10000000   /* every client has one pending event; the kernel holds 2^24 */
#define MAX_SERVICES 100000
#define NO_ENTRY INT32_MIN

enum { EV_REQUEST };

/* What a counter-based draw is for: each purpose has its own sequence, so turning jitter or TTL
 * violation on does not move a client's arrivals. */
enum { DRAW_ARRIVAL, DRAW_PHASE, DRAW_VIOLATOR, DRAW_JITTER };

#define MAX_POPULATIONS 65535   /* Client.pop is 16 bits */

enum { ARRIVALS_POISSON, ARRIVALS_PERIODIC };
enum { CACHE_NONE, CACHE_OS, CACHE_BROWSER, CACHE_JVM, CACHE_JVM_FOREVER, CACHE_FIXED };
enum { CONN_PER_REQUEST, CONN_PERSISTENT };
enum { FAMILY_IPV4, FAMILY_IPV6 };

/* --- the specification -------------------------------------------------------------------------- */

typedef struct {
  FsTime sample;
} WorkloadSettings;

typedef struct {
  char *name;
  char *dns_name_text;
  int family;
  const FsNode *hosts_node;
  char *description;
  int dns_name;              /* the DNS model's name index */
  guint n_hosts;
  int *hosts;                /* net host indices */
  const FsNode *node;
} ServiceSpec;

typedef struct {
  char *name;
  char *site_name;
  char *router_name;
  int64_t count;
  char *service_name;
  char *resolver_name;
  int arrivals;
  FsTime interval;
  const FsNode *phase_node;
  FsTime phase;              /* periodic: the first request's time, or -1: drawn */
  int cache;
  FsTime cache_ttl;
  int connection;
  gboolean retry;
  FsTime retry_initial, retry_max;
  double retry_factor, retry_jitter;
  double violation_share;
  FsDist *violation_extra;
  char *description;
  int site, router, service, resolver;
  const FsNode *node;
} PopulationSpec;

typedef struct {
  WorkloadSettings settings;
  GArray *services;          /* ServiceSpec */
  GArray *populations;       /* PopulationSpec */
} WorkloadSpec;

static const FsField settings_fields[] = {
  { "sample", FS_FIELD_DURATION, offsetof (WorkloadSettings, sample), FALSE, "10s", FS_MSEC, FS_DAY, 0, 0,
    NULL, "The grid of the recovery curves (the share of a service's clients served); a choice of "
    "resolution, not a model parameter.", "1s" },
  FS_FIELD_END
};

static const char *const families[] = { "ipv4", "ipv6", NULL };

static const FsField service_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (ServiceSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The service's name, unique in the scenario.", "app" },
  { "dns_name", FS_FIELD_STRING, offsetof (ServiceSpec, dns_name_text), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The name clients resolve, in a declared zone.", "app.contoso.com" },
  { "family", FS_FIELD_ENUM, offsetof (ServiceSpec, family), FALSE, "ipv4", 0, 0, 0, 0, families,
    "What clients ask for: ipv4 (an A record) or ipv6 (AAAA).", "ipv6" },
  { "hosts", FS_FIELD_NODE, offsetof (ServiceSpec, hosts_node), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The hosts that serve it: a request succeeds only at one of them, alive.",
    "[app-1, app-1-replica]" },
  { "description", FS_FIELD_STRING, offsetof (ServiceSpec, description), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A sentence about the service; informational.", "\"order entry\"" },
  FS_FIELD_END
};

static const char *const arrival_kinds[] = { "poisson", "periodic", NULL };
static const char *const cache_kinds[] = { "none", "os", "browser", "jvm", "jvm-forever", "fixed", NULL };
static const char *const connection_kinds[] = { "per-request", "persistent", NULL };

static const FsField population_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (PopulationSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The population's name, unique in the scenario.", "branch-users" },
  { "site", FS_FIELD_NAME, offsetof (PopulationSpec, site_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "Where the clients are; while it is down they send nothing.", "branch" },
  { "router", FS_FIELD_NAME, offsetof (PopulationSpec, router_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The router their packets enter the network at; default: the site's first.", "r-branch" },
  { "count", FS_FIELD_INT, offsetof (PopulationSpec, count), FALSE, "1", 1, MAX_CLIENTS, 0, 0, NULL,
    "How many clients.", "1000" },
  { "service", FS_FIELD_NAME, offsetof (PopulationSpec, service_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The service they use.", "app" },
  { "resolver", FS_FIELD_NAME, offsetof (PopulationSpec, resolver_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The resolver they ask.", "branch-dns" },
  { "arrivals", FS_FIELD_ENUM, offsetof (PopulationSpec, arrivals), FALSE, "poisson", 0, 0, 0, 0,
    arrival_kinds, "Each client's requests: a Poisson process, or periodic with a random phase.",
    "periodic" },
  { "interval", FS_FIELD_DURATION, offsetof (PopulationSpec, interval), FALSE, "1m", FS_MSEC, 30 * FS_DAY,
    0, 0, NULL, "The mean time between one client's requests (an assumption: one a minute).", "10s" },
  { "phase", FS_FIELD_NODE, offsetof (PopulationSpec, phase_node), FALSE, NULL, 0, 0, 0, 0, NULL,
    "Periodic arrivals: when every client's first request is, below interval; default: each "
    "client's own, drawn uniformly over one interval.", "0s" },
  { "cache", FS_FIELD_ENUM, offsetof (PopulationSpec, cache), FALSE, "os", 0, 0, 0, 0, cache_kinds,
    "The client's own cache: none; os honours the TTL up to 1 day, negative up to 15 min (Windows "
    "DNS client); browser keeps 60 s (Chromium through the OS); jvm 30 s, negative 10 s (OpenJDK); "
    "jvm-forever never lets go (a JVM with a security manager); fixed keeps cache_ttl.", "jvm" },
  { "cache_ttl", FS_FIELD_DURATION, offsetof (PopulationSpec, cache_ttl), FALSE, "30s", 0, 365 * FS_DAY,
    0, 0, NULL, "How long a fixed cache keeps an answer (default: the JVM's 30 s).", "5m" },
  { "connection", FS_FIELD_ENUM, offsetof (PopulationSpec, connection), FALSE, "per-request", 0, 0, 0, 0,
    connection_kinds, "per-request resolves (through its cache) for every request; persistent keeps "
    "using the address of its open connection until a request on it fails.", "persistent" },
  { "retry", FS_FIELD_BOOL, offsetof (PopulationSpec, retry), FALSE, "true", 0, 0, 0, 0, NULL,
    "Whether a failed request is retried with backoff (else the client waits for its next "
    "request).", "false" },
  { "retry_initial", FS_FIELD_DURATION, offsetof (PopulationSpec, retry_initial), FALSE, "1s", FS_MSEC,
    FS_DAY, 0, 0, NULL, "The wait before the first retry (an assumption).", "500ms" },
  { "retry_max", FS_FIELD_DURATION, offsetof (PopulationSpec, retry_max), FALSE, "1m", FS_MSEC, FS_DAY, 0,
    0, NULL, "The longest wait between retries (an assumption).", "5m" },
  { "retry_factor", FS_FIELD_DOUBLE, offsetof (PopulationSpec, retry_factor), FALSE, "2", 0, 0, 1.0, 100.0,
    NULL, "Each wait is this times the one before (an assumption: doubling).", "1.5" },
  { "retry_jitter", FS_FIELD_DOUBLE, offsetof (PopulationSpec, retry_jitter), FALSE, "0", 0, 0, 0.0, 1.0,
    NULL, "Each wait is shortened by up to this share, at random (an assumption: none).", "0.5" },
  { "ttl_violation_share", FS_FIELD_PROB, offsetof (PopulationSpec, violation_share), FALSE, "0", 0, 0, 0,
    0, NULL, "The share of clients whose cache keeps answers past their TTL.", "5%" },
  { "ttl_violation_extra", FS_FIELD_DIST, offsetof (PopulationSpec, violation_extra), FALSE,
    "exponential(10m)", 0, 0, 0, 0, NULL, "How long past the TTL they keep it, drawn per answer.",
    "uniform(0s, 1h)" },
  { "description", FS_FIELD_STRING, offsetof (PopulationSpec, description), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A sentence about the clients; informational.", "\"branch office desktops\"" },
  FS_FIELD_END
};

static void
service_clear (gpointer p)
{
  ServiceSpec *s = p;

  fs_schema_clear (service_fields, s);
  g_clear_pointer (&s->hosts, g_free);
}

static void population_clear (gpointer p) { fs_schema_clear (population_fields, p); }

static void
workload_spec_free (gpointer p)
{
  WorkloadSpec *s = p;

  g_array_unref (s->services);
  g_array_unref (s->populations);
  g_free (s);
}

static WorkloadSpec *
get_spec (FsScenario *sc)
{
  WorkloadSpec *s = fs_scenario_get_spec (sc, "workload");

  if (s != NULL)
    return s;
  s = g_new0 (WorkloadSpec, 1);
  s->settings.sample = 10 * FS_SEC;
  s->services = g_array_new (FALSE, TRUE, sizeof (ServiceSpec));
  g_array_set_clear_func (s->services, service_clear);
  s->populations = g_array_new (FALSE, TRUE, sizeof (PopulationSpec));
  g_array_set_clear_func (s->populations, population_clear);
  fs_scenario_set_spec (sc, "workload", s, workload_spec_free);
  return s;
}

static gboolean
settings_load (FsScenario *sc, const FsNode *value, GError **error)
{
  WorkloadSpec *s = get_spec (sc);

  if (value == NULL)
    return TRUE;
  if (!fs_schema_read (value, "workload", settings_fields, &s->settings, error))
    {
      s->settings.sample = 10 * FS_SEC;
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_service (FsScenario *sc, WorkloadSpec *s, ServiceSpec *v, GError **error)
{
  const FsNode *list = v->hosts_node;
  guint i, j;

  for (i = 0; i < s->services->len; i++)
    if (strcmp (g_array_index (s->services, ServiceSpec, i).name, v->name) == 0)
      return fs_node_error (error, fs_node_get (v->node, "name"), FS_SCENARIO_ERROR_DUPLICATE,
                            "service '%s' is declared twice (first at line %d)", v->name,
                            g_array_index (s->services, ServiceSpec, i).node->line);
  if ((v->dns_name = fs_dns_spec_name (sc, fs_node_get (v->node, "dns_name"), error)) < 0)
    return FALSE;
  if (list->kind != FS_NODE_SEQ || fs_node_len (list) == 0)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_TYPE,
                          "'hosts' must list one or more hosts, as in [app-1, app-1-replica]");
  v->hosts = g_new (int, fs_node_len (list));
  for (i = 0; i < fs_node_len (list); i++)
    {
      int h = fs_net_spec_host (sc, fs_node_item (list, i), error);

      if (h < 0)
        return FALSE;
      for (j = 0; j < v->n_hosts; j++)
        if (v->hosts[j] == h)
          return fs_node_error (error, fs_node_item (list, i), FS_SCENARIO_ERROR_DUPLICATE,
                                "host '%s' is listed twice in service '%s'", fs_node_item (list, i)->text,
                                v->name);
      v->hosts[v->n_hosts++] = h;
    }
  return TRUE;
}

static gboolean
services_load (FsScenario *sc, const FsNode *value, GError **error)
{
  WorkloadSpec *s = get_spec (sc);
  guint i;

  if (value == NULL)
    return TRUE;
  if (value->kind != FS_NODE_SEQ)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_TYPE, "'services' must be a list (- ...), got %s",
                          fs_node_kind_name (value->kind));
  if (fs_node_len (value) > MAX_SERVICES)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_LIMIT, "%u services is more than failsim "
                          "accepts (%d)", fs_node_len (value), MAX_SERVICES);
  for (i = 0; i < fs_node_len (value); i++)
    {
      ServiceSpec v = { 0 };
      GError *local = NULL;

      v.node = fs_node_item (value, i);
      if (!fs_schema_read (v.node, "service", service_fields, &v, &local)
          || !finish_service (sc, s, &v, &local))
        {
          fs_scenario_add_error (sc, local);
          service_clear (&v);
          continue;
        }
      g_array_append_val (s->services, v);
    }
  return TRUE;
}

static int
resolve_service (const WorkloadSpec *s, const FsNode *node, GError **error)
{
  guint n = s->services->len, i;
  g_autofree const char **names = g_new0 (const char *, n + 1);

  for (i = 0; i < n; i++)
    names[i] = g_array_index (s->services, ServiceSpec, i).name;
  return fs_schema_resolve (node, "service", names, n, error);
}

static gboolean
finish_population (FsScenario *sc, WorkloadSpec *s, PopulationSpec *p, int64_t *total, GError **error)
{
  guint i;

  for (i = 0; i < s->populations->len; i++)
    if (strcmp (g_array_index (s->populations, PopulationSpec, i).name, p->name) == 0)
      return fs_node_error (error, fs_node_get (p->node, "name"), FS_SCENARIO_ERROR_DUPLICATE,
                            "client population '%s' is declared twice (first at line %d)", p->name,
                            g_array_index (s->populations, PopulationSpec, i).node->line);
  if ((p->site = fs_sites_spec_resolve (sc, fs_node_get (p->node, "site"), error)) < 0)
    return FALSE;
  if (p->router_name != NULL)
    {
      if ((p->router = fs_net_spec_router (sc, fs_node_get (p->node, "router"), error)) < 0)
        return FALSE;
      if (fs_net_spec_router_site (sc, p->router) != p->site)
        return fs_node_error (error, fs_node_get (p->node, "router"), FS_SCENARIO_ERROR_RULE,
                              "router '%s' is not in site '%s'", p->router_name, p->site_name);
    }
  else if ((p->router = fs_net_spec_site_router (sc, p->site)) < 0)
    return fs_node_error (error, fs_node_get (p->node, "site"), FS_SCENARIO_ERROR_RULE,
                          "site '%s' has no router for its clients to send through; declare one "
                          "under routers:", p->site_name);
  if ((p->service = resolve_service (s, fs_node_get (p->node, "service"), error)) < 0)
    return FALSE;
  if ((p->resolver = fs_dns_spec_resolver (sc, fs_node_get (p->node, "resolver"), error)) < 0)
    return FALSE;
  p->phase = -1;
  if (p->phase_node != NULL)
    {
      if (!fs_schema_get_duration (p->phase_node, "phase", &p->phase, error))
        return FALSE;
      if (p->arrivals != ARRIVALS_PERIODIC)
        return fs_node_error (error, p->phase_node, FS_SCENARIO_ERROR_RULE,
                              "'phase' applies to periodic arrivals only");
      if (p->phase < 0 || p->phase >= p->interval)
        return fs_node_error (error, p->phase_node, FS_SCENARIO_ERROR_RANGE,
                              "'phase' must lie in [0, interval)");
    }
  if (p->retry_initial > p->retry_max)
    return fs_node_error (error, fs_node_get (p->node, "retry_initial"), FS_SCENARIO_ERROR_RULE,
                          "retry_initial is above retry_max");
  if (*total + p->count > MAX_CLIENTS)
    return fs_node_error (error, fs_node_get (p->node, "count"), FS_SCENARIO_ERROR_LIMIT,
                          "more than %d clients in all is more than failsim accepts", MAX_CLIENTS);
  *total += p->count;
  return TRUE;
}

static gboolean
clients_load (FsScenario *sc, const FsNode *value, GError **error)
{
  WorkloadSpec *s = get_spec (sc);
  int64_t total = 0;
  guint i;

  if (value == NULL)
    return TRUE;
  if (value->kind != FS_NODE_SEQ)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_TYPE, "'clients' must be a list (- ...), got %s",
                          fs_node_kind_name (value->kind));
  for (i = 0; i < fs_node_len (value); i++)
    {
      PopulationSpec p = { 0 };
      GError *local = NULL;

      if (s->populations->len == MAX_POPULATIONS)
        return fs_node_error (error, fs_node_item (value, i), FS_SCENARIO_ERROR_LIMIT,
                              "more than %d client populations is more than failsim accepts",
                              MAX_POPULATIONS);
      p.node = fs_node_item (value, i);
      if (!fs_schema_read (p.node, "client population", population_fields, &p, &local)
          || !finish_population (sc, s, &p, &total, &local))
        {
          fs_scenario_add_error (sc, local);
          population_clear (&p);
          continue;
        }
      g_array_append_val (s->populations, p);
    }
  return TRUE;
}

/* --- the model ----------------------------------------------------------------------------------- */

/* One client: 24 bytes. */
typedef struct {
  FsTime cache_expires;      /* the cached answer is good while now < cache_expires */
  int32_t cache_addr;        /* address, -1 negative, NO_ENTRY */
  int32_t conn_addr;         /* the open connection's address, -1 none */
  uint32_t arrivals;         /* arrival draws made so far */
  uint16_t pop;
  uint8_t failures;          /* consecutive failed requests, capped */
  uint8_t violator;
} Client;

typedef struct {
  const PopulationSpec *spec;
  uint64_t key;              /* of its counter-based draws */
  guint first;               /* its first client */
  int resolver_host;
  guint name;                /* the service's DNS name */
  FsDnsType qtype;
} Population;

struct FsWorkload {
  FsModel base;
  FsKernel *k;
  FsNet *net;
  FsDns *dns;
  FsSites *sites;
  FsClientStats *stats;
  const WorkloadSpec *spec;
  guint nc, np, ns, nh;
  Client *clients;
  Population *pops;
  guint8 *serves;            /* [service * nh + host] */
  const FsIp **address_ip;   /* [address] */
  int *address_host;         /* [address] the host owning it, or -1 */
  FsL2 *l2;                  /* NULL without VLANs */
  gsl_rng *violation_rng;
};

/* A uniform draw for @purpose, number @n of that purpose, of @client: keyed by the population's
 * name and the client's place in it, so resizing one population leaves the others' draws. */
static double
draw (FsWorkload *w, const Client *c, guint client, unsigned purpose, uint64_t n)
{
  const Population *p = &w->pops[c->pop];

  return fs_rng_counter_uniform (p->key, client - p->first, (uint64_t) purpose << 56 | n);
}

static FsTime
next_arrival (FsWorkload *w, Client *c, guint client)
{
  const PopulationSpec *p = w->pops[c->pop].spec;

  if (p->arrivals == ARRIVALS_PERIODIC)
    return p->interval;
  /* Inverse transform; 1 - u lies in (0, 1], so the log is finite. */
  return (FsTime) llround (-log (1.0 - draw (w, c, client, DRAW_ARRIVAL, c->arrivals++))
                          * (double) p->interval);
}

static FsTime
backoff (FsWorkload *w, Client *c, guint client)
{
  const PopulationSpec *p = w->pops[c->pop].spec;
  double wait = (double) p->retry_initial * pow (p->retry_factor, c->failures - 1);

  wait = MIN (wait, (double) p->retry_max);
  if (p->retry_jitter > 0)
    /* Within a run of failures the arrival counter stands still: (arrivals, failures) is new
     * for every retry. */
    wait *= 1.0 - p->retry_jitter * draw (w, c, client, DRAW_JITTER, (uint64_t) c->arrivals << 8 | c->failures);
  return MAX ((FsTime) llround (wait), 1);
}

/* How long the client's own cache keeps an answer with TTL @ttl (-1: not at all). */
static FsTime
cache_time (FsWorkload *w, Client *c, guint client, FsTime ttl, gboolean negative)
{
  const PopulationSpec *p = w->pops[c->pop].spec;
  FsTime keep;

  switch (p->cache)
    {
    case CACHE_OS:
      keep = negative ? MIN (ttl, 15 * FS_MIN) : MIN (ttl, FS_DAY);
      break;
    case CACHE_BROWSER:
      keep = negative ? -1 : 60 * FS_SEC;
      break;
    case CACHE_JVM:
      keep = negative ? 10 * FS_SEC : 30 * FS_SEC;
      break;
    case CACHE_JVM_FOREVER:
      keep = negative ? 10 * FS_SEC : FS_TIME_MAX / 2;
      break;
    case CACHE_FIXED:
      keep = negative ? -1 : p->cache_ttl;
      break;
    default:
      keep = -1;
      break;
    }
  /* Violators are few: their extra time comes from one shared stream, in event order. */
  if (keep >= 0 && !negative && c->violator && keep < FS_TIME_MAX / 2)
    keep += fs_dist_sample (p->violation_extra, w->violation_rng);
  return keep;
}

static FsFailCause
reach_cause (FsReachStatus s)
{
  switch (s)
    {
    case FS_REACH_NO_ROUTE:
      return FS_FAIL_NO_ROUTE;
    case FS_REACH_DEAD_HOP:
      return FS_FAIL_DEAD_HOP;
    case FS_REACH_LOOP:
      return FS_FAIL_LOOP;
    case FS_REACH_SOURCE_DOWN:
      return FS_FAIL_SOURCE_DOWN;
    default:
      return FS_FAIL_NO_HOST;
    }
}

/* The address a request goes to, or a failure cause with *@addr = -1. */
static FsFailCause
resolve (FsWorkload *w, Client *c, guint client, int *addr, FsReach *x)
{
  const Population *pop = &w->pops[c->pop];
  FsTime now = fs_kernel_now (w->k), keep;
  FsDnsAnswer ans;

  *addr = -1;
  if (c->conn_addr >= 0)
    {
      *addr = c->conn_addr;
      return FS_FAIL_NONE;
    }
  if (c->cache_addr != NO_ENTRY && now < c->cache_expires)
    {
      *addr = c->cache_addr;
      return c->cache_addr >= 0 ? FS_FAIL_NONE : FS_FAIL_NXDOMAIN;
    }
  c->cache_addr = NO_ENTRY;
  *x = fs_net_reach (w->net, (guint) pop->spec->router, fs_net_host_ip (w->net, (guint) pop->resolver_host));
  if (x->status != FS_REACH_DELIVERED || x->host != pop->resolver_host)
    return x->status == FS_REACH_SOURCE_DOWN ? FS_FAIL_SOURCE_DOWN : FS_FAIL_RESOLVER_UNREACHABLE;
  ans = fs_dns_resolve (w->dns, (guint) pop->spec->resolver, pop->name, pop->qtype);
  if (ans.status == FS_DNS_SERVFAIL)
    return FS_FAIL_SERVFAIL;
  keep = cache_time (w, c, client, ans.ttl, ans.status == FS_DNS_NEGATIVE);
  if (keep > 0)
    {
      c->cache_addr = ans.status == FS_DNS_ADDRESS ? ans.address : -1;
      c->cache_expires = keep >= FS_TIME_MAX / 2 ? FS_TIME_MAX : now + keep;
    }
  if (ans.status == FS_DNS_NEGATIVE)
    return FS_FAIL_NXDOMAIN;
  *addr = ans.address;
  return FS_FAIL_NONE;
}

static void
request (FsWorkload *w, guint client)
{
  Client *c = &w->clients[client];
  const Population *pop = &w->pops[c->pop];
  FsFailCause cause;
  FsReach x = { FS_REACH_DELIVERED, 0, 0, -1, -1, -1 };
  FsTime wait;
  int addr, target;

  /* Its users are down with their site: nothing to measure for the service. */
  if (!fs_sites_is_up (w->sites, (guint) pop->spec->site))
    {
      fs_kernel_schedule (w->k, &w->base, next_arrival (w, c, client), EV_REQUEST, client, 0);
      return;
    }
  target = pop->resolver_host;
  cause = resolve (w, c, client, &addr, &x);
  if (cause == FS_FAIL_NONE)
    {
      target = w->address_host[addr];
      x = fs_net_reach (w->net, (guint) pop->spec->router, w->address_ip[addr]);
      if (x.status != FS_REACH_DELIVERED)
        cause = reach_cause (x.status);
      else if (!w->serves[(size_t) pop->spec->service * w->nh + (guint) x.host])
        cause = FS_FAIL_NOT_SERVING;
    }
  fs_client_stats_record (w->stats, client, fs_kernel_now (w->k), cause);
  /* Fault spread: a broadcast storm counts the requests it made fail. */
  if (cause != FS_FAIL_NONE && w->l2 != NULL && x.status != FS_REACH_DELIVERED)
    fs_l2_blame (w->l2, &x, target);
  if (cause == FS_FAIL_NONE)
    {
      c->failures = 0;
      if (pop->spec->connection == CONN_PERSISTENT)
        c->conn_addr = addr;
      wait = next_arrival (w, c, client);
    }
  else
    {
      c->conn_addr = -1;   /* the connection broke, or there was none */
      if (c->failures < UINT8_MAX)
        c->failures++;
      wait = pop->spec->retry ? backoff (w, c, client) : next_arrival (w, c, client);
    }
  fs_kernel_schedule (w->k, &w->base, wait, EV_REQUEST, client, 0);
}

static void
workload_handle (FsModel *model, FsKernel *k, const FsEvent *ev)
{
  FsWorkload *w = (FsWorkload *) model;

  switch (ev->kind)
    {
    case EV_REQUEST:
      request (w, (guint) ev->a);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
workload_free (FsModel *model)
{
  FsWorkload *w = (FsWorkload *) model;

  g_free (w->clients);
  g_free (w->pops);
  g_free (w->serves);
  g_free (w->address_ip);
  g_free (w->address_host);
  g_free (w);
}

static const FsModelOps workload_ops = {
  .name = "workload",
  .handle = workload_handle,
  .finish = NULL,
  .free = workload_free,
};

FsWorkload *
fs_workload_from_model (FsModel *model)
{
  g_return_val_if_fail (model != NULL && model->ops == &workload_ops, NULL);
  return (FsWorkload *) model;
}

guint
fs_workload_n_clients (const FsWorkload *w)
{
  return w->nc;
}

int
fs_workload_cached_address (const FsWorkload *w, guint client, FsTime *expires)
{
  const Client *c;

  g_return_val_if_fail (client < w->nc, -1);
  c = &w->clients[client];
  if (expires != NULL)
    *expires = c->cache_addr == NO_ENTRY ? -1 : c->cache_expires;
  return c->cache_addr == NO_ENTRY ? -1 : c->cache_addr;
}

int
fs_workload_connection (const FsWorkload *w, guint client)
{
  g_return_val_if_fail (client < w->nc, -1);
  return w->clients[client].conn_addr;
}

static gboolean
clients_build (FsSim *sim, GError **error)
{
  const FsScenario *sc = fs_sim_scenario (sim);
  const WorkloadSpec *spec = fs_scenario_get_spec (sc, "workload");
  FsKernel *k = fs_sim_kernel (sim);
  FsModel *dns_model = fs_sim_model (sim, "dns");
  FsWorkload *w;
  guint s, p, i;

  if (spec == NULL || spec->populations->len == 0 || dns_model == NULL)
    return TRUE;
  w = g_new0 (FsWorkload, 1);
  w->base.ops = &workload_ops;
  w->base.name = g_strdup ("workload");
  w->k = k;
  w->spec = spec;
  w->net = fs_net_from_model (fs_sim_model (sim, "net"));
  w->dns = fs_dns_from_model (dns_model);
  w->sites = fs_sites_from_model (fs_sim_model (sim, "sites"));
  w->stats = fs_metrics_clients (fs_sim_metrics (sim));
  w->ns = spec->services->len;
  w->np = spec->populations->len;
  w->nh = fs_net_n_hosts (w->net);

  fs_client_stats_set_sample_interval (w->stats, spec->settings.sample);
  w->serves = g_malloc0 (MAX ((size_t) w->ns * w->nh, 1));
  for (s = 0; s < w->ns; s++)
    {
      const ServiceSpec *ss = &g_array_index (spec->services, ServiceSpec, s);

      fs_client_stats_add_service (w->stats, ss->name);
      for (i = 0; i < ss->n_hosts; i++)
        w->serves[(size_t) s * w->nh + (guint) ss->hosts[i]] = 1;
    }
  w->address_ip = g_new (const FsIp *, MAX (fs_dns_n_addresses (w->dns), 1));
  w->address_host = g_new (int, MAX (fs_dns_n_addresses (w->dns), 1));
  for (i = 0; i < fs_dns_n_addresses (w->dns); i++)
    {
      w->address_ip[i] = fs_dns_address (w->dns, i);
      w->address_host[i] = fs_net_host_by_ip (w->net, w->address_ip[i]);
    }
  if (fs_sim_model (sim, "l2") != NULL)
    w->l2 = fs_l2_from_model (fs_sim_model (sim, "l2"));
  w->pops = g_new0 (Population, w->np);
  for (p = 0; p < w->np; p++)
    {
      const PopulationSpec *ps = &g_array_index (spec->populations, PopulationSpec, p);
      g_autofree char *stream = g_strdup_printf ("clients.%s", ps->name);

      w->pops[p].spec = ps;
      w->pops[p].key = fs_rng_derive_seed (fs_kernel_seed (k), fs_kernel_replication (k), stream);
      w->pops[p].first = fs_client_stats_add_population (w->stats, ps->name, (guint) ps->service,
                                                         (guint) ps->count);
      w->pops[p].resolver_host = fs_dns_resolver_host (w->dns, (guint) ps->resolver);
      w->pops[p].name = (guint) g_array_index (spec->services, ServiceSpec, ps->service).dns_name;
      w->pops[p].qtype = g_array_index (spec->services, ServiceSpec, ps->service).family == FAMILY_IPV6
                         ? FS_DNS_AAAA : FS_DNS_A;
      w->nc += (guint) ps->count;
    }
  w->clients = g_new (Client, MAX (w->nc, 1));
  w->violation_rng = fs_kernel_stream (k, "workload.violation");
  fs_sim_add_model (sim, "workload", &w->base);
  for (p = 0; p < w->np; p++)
    {
      const PopulationSpec *ps = w->pops[p].spec;

      for (i = w->pops[p].first; i < w->pops[p].first + (guint) ps->count; i++)
        {
          Client *c = &w->clients[i];
          FsTime first;

          *c = (Client) { -1, NO_ENTRY, -1, 0, (uint16_t) p, 0, 0 };
          c->violator = draw (w, c, i, DRAW_VIOLATOR, 0) < ps->violation_share;
          /* A periodic client's phase is uniform over one interval; a Poisson client's first
           * request is one exponential wait after 0, as if the process had always run. */
          if (ps->arrivals == ARRIVALS_PERIODIC)
            first = ps->phase >= 0 ? ps->phase
                                   : (FsTime) (draw (w, c, i, DRAW_PHASE, 0) * (double) ps->interval);
          else
            first = next_arrival (w, c, i);
          fs_kernel_schedule (k, &w->base, first, EV_REQUEST, i, 0);
        }
    }
  return TRUE;
}

/* --- registration ------------------------------------------------------------------------------------ */

static const FsSection sections[] = {
  { "workload", "Settings of the client workload's measurements.", "workload", 50, settings_load, NULL,
    NULL, settings_fields, TRUE, NULL, NULL },
  { "services", "Services: a DNS name clients resolve and the hosts that serve it.", "workload", 51,
    services_load, NULL, NULL, service_fields, FALSE, NULL, NULL },
  { "clients", "Client populations: where they are, what they use, how they cache, connect and "
    "retry.", "workload", 52, clients_load, NULL, clients_build, population_fields, FALSE, NULL, NULL },
};

void
fs__workload_register (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sections); i++)
    fs_scenario_register_section (&sections[i]);
}
