/* workload.c: services, client populations, their caches, connections and retries.
 *
 * See workload.h for what a request does and docs/model-dns.md ("Clients") for the rules and
 * where each default comes from. Simplified: a request takes no time and fails at once (no
 * TCP timeouts; the retry backoff stands for them); a client whose own site is down sends
 * nothing (its users are down with it, which is not the service's downtime); one cache layer
 * per client, the outermost one that decides.
 *
 * It also draws up the downtime budget (docs/model-dns.md, "Downtime budget"): the clients of
 * one router, service and resolver share a view of the world, whose phase (no server yet, a
 * plan running, routing, the zone not updated, or working) is re-read after every instant with
 * a notice and kept as a short history; a client's stretch of downtime between two requests is
 * charged along that history, and where the world worked, to the caches that still held the
 * old answer, then to its retry. */
#include "failsim/workload.h"

#include <math.h>
#include <string.h>

#include "failsim/clients.h"
#include "failsim/dns.h"
#include "failsim/dr.h"
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

enum { EV_REQUEST, EV_SETTLE };

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
    "exponential(21m)", 0, 0, 0, 0, NULL, "How long past the TTL they keep it, drawn per answer "
    "(default: the resolvers' law).",
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
  guint view;                /* the View its clients share */
} Population;

/* --- the downtime budget's view of the world ---------------------------------------------------- */

/* The world works for a view: a server is alive and reachable, and the zone gives its address. */
#define PHASE_OK FS_PHASE_N

/* A change of a view's world, from @since on. */
typedef struct {
  FsTime since;
  int32_t zone;              /* PHASE_OK: the working address the zone gives; else NO_ENTRY */
  uint8_t phase;             /* FsPhase, or PHASE_OK */
} Change;

/* A client's stretch between two requests rarely spans more than a few changes; one that spans
 * more is charged, before the oldest change kept, to the phase its request found. */
#define HISTORY 32

/* An answer the resolver handed out, and until when it keeps handing it out. */
typedef struct {
  int32_t value;             /* address, -1 negative, NO_ENTRY for an empty slot */
  FsTime until;              /* the latest expiry it was given with */
  FsTime honest_until;       /* that expiry by the record's TTL alone (earlier at a violator) */
} Answer;

#define ANSWERS 4

/* What the clients of every population with one router, service and resolver share: the world
 * as they see it, its recent changes, and the answers their resolver handed out. */
typedef struct {
  guint router, service, resolver, name;
  FsDnsType qtype;
  gboolean violates;         /* the resolver keeps records past their TTL */
  guint n_changes;           /* changes recorded so far; the last HISTORY are kept */
  Change history[HISTORY];
  Answer answers[ANSWERS];
} View;

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

  /* The budget. */
  FsSim *sim;
  FsDr *dr;                  /* NULL without recovery plans; looked up at the first use */
  gboolean bound;            /* dr and plans looked up (the dr model is built after this one) */
  GArray **plans;            /* [service] of int: the recovery plans with a VM of the service */
  View *views;
  guint nv;
  gboolean dirty;            /* a notice came since the views were last read */
  gboolean settle_pending;   /* an EV_SETTLE is scheduled */
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

static void note_answer (FsWorkload *w, View *v, const FsDnsAnswer *ans);

/* The address a request goes to, or a failure cause with *@addr = -1. *@from_cache is TRUE when
 * the client's own cache gave it. */
static FsFailCause
resolve (FsWorkload *w, Client *c, guint client, int *addr, FsReach *x, gboolean *from_cache)
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
      *from_cache = TRUE;
      return c->cache_addr >= 0 ? FS_FAIL_NONE : FS_FAIL_NXDOMAIN;
    }
  c->cache_addr = NO_ENTRY;
  *x = fs_net_reach (w->net, (guint) pop->spec->router, fs_net_host_ip (w->net, (guint) pop->resolver_host));
  if (x->status != FS_REACH_DELIVERED || x->host != pop->resolver_host)
    return x->status == FS_REACH_SOURCE_DOWN ? FS_FAIL_SOURCE_DOWN : FS_FAIL_RESOLVER_UNREACHABLE;
  ans = fs_dns_resolve (w->dns, (guint) pop->spec->resolver, pop->name, pop->qtype);
  if (ans.status == FS_DNS_SERVFAIL)
    return FS_FAIL_SERVFAIL;
  note_answer (w, &w->views[pop->view], &ans);
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

/* --- the downtime budget ------------------------------------------------------------------------ */

static gboolean
serves (const FsWorkload *w, guint service, int host)
{
  return host >= 0 && w->serves[(size_t) service * w->nh + (guint) host];
}

/* Whether a packet from @router to @ip reaches @host, the host that owns it. */
static gboolean
delivers (const FsWorkload *w, guint router, const FsIp *ip, int host)
{
  FsReach x = fs_net_reach (w->net, router, ip);

  return x.status == FS_REACH_DELIVERED && x.host == host;
}

/* The recovery plans that start a VM of each service. The dr model is built after this one, so
 * they are looked up at the first use. */
static void
bind_plans (FsWorkload *w)
{
  FsModel *model = fs_sim_model (w->sim, "dr");
  guint s, p, vm, k;

  w->bound = TRUE;
  if (model == NULL)
    return;
  w->dr = fs_dr_from_model (model);
  w->plans = g_new0 (GArray *, MAX (w->ns, 1));
  for (s = 0; s < w->ns; s++)
    {
      w->plans[s] = g_array_new (FALSE, FALSE, sizeof (int));
      for (p = 0; p < fs_dr_n_plans (w->dr); p++)
        {
          gboolean covers = FALSE;
          int plan = (int) p;

          for (vm = 0; vm < fs_dr_n_vms (w->dr) && !covers; vm++)
            {
              if (!fs_dr_plan_has_vm (w->dr, p, vm))
                continue;
              for (k = 0; k < fs_dr_vm_n_nics (w->dr, vm) && !covers; k++)
                covers = serves (w, s, fs_dr_nic_host (w->dr, vm, k))
                         || serves (w, s, fs_dr_nic_replica_host (w->dr, vm, k));
            }
          if (covers)
            g_array_append_val (w->plans[s], plan);
        }
    }
}

/* Whether a recovery plan that starts a VM of @service is failing over or back now. */
static gboolean
plan_running (FsWorkload *w, guint service)
{
  guint i;

  if (!w->bound)
    bind_plans (w);
  if (w->plans == NULL)
    return FALSE;
  for (i = 0; i < w->plans[service]->len; i++)
    {
      FsDrPlanState st = fs_dr_plan_state (w->dr, (guint) g_array_index (w->plans[service], int, i));

      if (st == FS_DR_PLAN_FAILING_OVER || st == FS_DR_PLAN_FAILING_BACK)
        return TRUE;
    }
  return FALSE;
}

/* What keeps the clients of @v from being served now, whatever they hold: the first of no server
 * alive (a boot under way, a plan running, or nothing: detection), their own router down, no live
 * server reachable, the zone not giving the address of one; or PHASE_OK, with that address in
 * *@zone. While a plan of the service runs, what it may still fix is its orchestration. */
static guint
world_phase (FsWorkload *w, const View *v, int *zone)
{
  const ServiceSpec *ss = &g_array_index (w->spec->services, ServiceSpec, v->service);
  gboolean alive = FALSE, booting = FALSE, reachable = FALSE, running = plan_running (w, v->service);
  int addr, h;
  guint i;

  *zone = NO_ENTRY;
  for (i = 0; i < ss->n_hosts; i++)
    {
      if (fs_net_host_is_alive (w->net, (guint) ss->hosts[i]))
        alive = TRUE;
      else if (fs_net_host_is_booting (w->net, (guint) ss->hosts[i]))
        booting = TRUE;
    }
  if (!alive)
    return booting ? FS_PHASE_BOOT : running ? FS_PHASE_ORCHESTRATION : FS_PHASE_DETECTION;
  if (!fs_net_router_is_up (w->net, v->router))
    return FS_PHASE_OTHER;
  for (i = 0; i < ss->n_hosts && !reachable; i++)
    {
      h = ss->hosts[i];
      reachable = fs_net_host_is_alive (w->net, (guint) h)
                  && delivers (w, v->router, fs_net_host_ip (w->net, (guint) h), h);
    }
  if (!reachable)
    return running ? FS_PHASE_ORCHESTRATION : FS_PHASE_ROUTING;
  h = fs_dns_zone_answer (w->dns, v->resolver, v->name, v->qtype, &addr) && addr >= 0
      ? w->address_host[addr] : -1;
  if (!serves (w, v->service, h) || !fs_net_host_is_alive (w->net, (guint) h)
      || !delivers (w, v->router, w->address_ip[addr], h))
    return running ? FS_PHASE_ORCHESTRATION : FS_PHASE_DNS_UPDATE;
  *zone = addr;
  return PHASE_OK;
}

static void
record_change (View *v, FsTime now, guint phase, int zone)
{
  Change *last = v->n_changes > 0 ? &v->history[(v->n_changes - 1) % HISTORY] : NULL;

  if (last != NULL && last->phase == phase && last->zone == zone)
    return;
  /* Read again within one instant: the later reading is what held from it on. */
  if (last != NULL && last->since == now)
    {
      last->phase = (uint8_t) phase;
      last->zone = zone;
      return;
    }
  v->history[v->n_changes++ % HISTORY] = (Change) { now, zone, (uint8_t) phase };
}

/* Reads every view's world now. */
static void
settle (FsWorkload *w)
{
  FsTime now = fs_kernel_now (w->k);
  guint i;

  for (i = 0; i < w->nv; i++)
    {
      int zone;
      guint phase = world_phase (w, &w->views[i], &zone);

      record_change (&w->views[i], now, phase, zone);
    }
  w->dirty = FALSE;
}

/* Every change that can alter a view's world comes with a notice (a host, link, router or site
 * up or down, a route change, a DNS update or copy, a plan's step, a timeline action, which is
 * announced just before it acts): read the views again once the instant has settled. */
static void
on_notice (FsKernel *k, const FsNotice *notice, void *user_data)
{
  FsWorkload *w = user_data;

  (void) notice;
  w->dirty = TRUE;
  if (w->settle_pending)
    return;
  w->settle_pending = TRUE;
  fs_kernel_schedule_at (k, &w->base, fs_kernel_now (k), FS_PRIORITY_MEASURE, EV_SETTLE, 0, 0);
}

/* Keeps what @v's resolver handed out: per value, the latest expiry it came with. */
static void
note_answer (FsWorkload *w, View *v, const FsDnsAnswer *ans)
{
  FsTime now = fs_kernel_now (w->k);
  FsTime until = ans->ttl > FS_TIME_MAX - now ? FS_TIME_MAX : now + ans->ttl;
  int value = ans->status == FS_DNS_ADDRESS ? ans->address : -1;
  Answer *slot = NULL, *oldest = &v->answers[0];
  FsDnsCacheEntry e;
  guint i;

  for (i = 0; i < ANSWERS && slot == NULL; i++)
    {
      if (v->answers[i].value == value)
        slot = &v->answers[i];
      else if (v->answers[i].until < oldest->until)
        oldest = &v->answers[i];
    }
  if (slot == NULL)
    *(slot = oldest) = (Answer) { value, -1, -1 };
  if (until <= slot->until)
    return;   /* a hit on the entry already seen: nothing new */
  slot->until = slot->honest_until = until;
  /* A violator keeps it past stored + ttl. Only the record asked for is looked at, not the
   * links of a CNAME chain. */
  if (v->violates && !ans->stale && fs_dns_cache_entry (w->dns, v->resolver, v->name, v->qtype, &e)
      && e.value == value)
    slot->honest_until = MIN (until, e.stored + e.ttl);
}

/* What a client's own cache held between its last request and this one. */
typedef struct {
  int addr;                  /* NO_ENTRY: nothing */
  FsTime expires;
  gboolean worked;           /* this request was served from it */
} Held;

/* Charges @client's episode up to @to to the caches: dns, except [@honest, @until), the time a
 * violating resolver handed the answer out past its TTL. */
static void
charge_cache (FsWorkload *w, guint client, FsTime to, FsTime honest, FsTime until)
{
  if (honest < until)
    {
      fs_client_stats_charge (w->stats, client, MIN (to, honest), FS_PHASE_DNS);
      fs_client_stats_charge (w->stats, client, MIN (to, until), FS_PHASE_DNS_VIOLATION);
    }
  fs_client_stats_charge (w->stats, client, to, FS_PHASE_DNS);
}

/* From where @client's charge stands up to @to the world worked, the zone giving @zone: its own
 * cache kept it down while it held another answer, then its resolver while it handed one out;
 * what is left goes to @unblocked. */
static void
charge_working (FsWorkload *w, guint client, const View *v, FsTime to, int zone, const Held *held,
                FsPhase unblocked)
{
  FsTime from = fs_client_stats_client (w->stats, client)->charged_until;
  const Answer *worst = NULL;
  guint i;

  if (held->addr != NO_ENTRY && held->expires > from)
    {
      FsTime x = MIN (to, held->expires);

      if (held->addr == zone || held->worked)
        fs_client_stats_charge (w->stats, client, x, unblocked);
      else
        {
          const Answer *a = NULL;

          for (i = 0; i < ANSWERS && a == NULL; i++)
            if (v->answers[i].value == held->addr)
              a = &v->answers[i];
          charge_cache (w, client, x, a != NULL && v->violates ? a->honest_until : 0,
                        a != NULL && v->violates ? a->until : 0);
        }
      from = x;
    }
  for (i = 0; i < ANSWERS; i++)
    if (v->answers[i].value != NO_ENTRY && v->answers[i].value != zone
        && (worst == NULL || v->answers[i].until > worst->until))
      worst = &v->answers[i];
  if (worst != NULL && worst->until > from)
    charge_cache (w, client, MIN (to, worst->until), v->violates ? worst->honest_until : 0,
                  v->violates ? worst->until : 0);
  fs_client_stats_charge (w->stats, client, to, unblocked);
}

/* Charges @client's open episode from where its charge stands up to @to: along @v's changes,
 * each stretch to the phase of the world then, and where the world worked, as charge_working()
 * says. Before the oldest change kept, to the phase its last request found. */
static void
charge_interval (FsWorkload *w, guint client, const View *v, FsTime to, FsPhase unblocked,
                 const Held *held)
{
  const FsClientRecord *r = fs_client_stats_client (w->stats, client);
  guint n = v->n_changes, first = n > HISTORY ? n - HISTORY : 0, e;

  if (r->charged_until < 0 || r->charged_until >= to)
    return;
  for (e = n; e > first && v->history[(e - 1) % HISTORY].since > r->charged_until; e--)
    ;
  if (e == first)
    fs_client_stats_charge (w->stats, client, e < n ? MIN (to, v->history[e % HISTORY].since) : to,
                            (FsPhase) r->phase);
  else
    e--;
  for (; e < n && r->charged_until < to; e++)
    {
      const Change *ch = &v->history[e % HISTORY];
      FsTime end = e + 1 < n ? MIN (to, v->history[(e + 1) % HISTORY].since) : to;

      if (end <= r->charged_until)
        continue;
      if (ch->phase == PHASE_OK)
        charge_working (w, client, v, end, ch->zone, held, unblocked);
      else
        fs_client_stats_charge (w->stats, client, end, (FsPhase) ch->phase);
    }
}

/* The phase a failed request of @pop leaves its client in: the world's, or where the world
 * works, what of the client's own failed: its resolver out of reach, an address the network
 * does not deliver to, or an answer (cached, or from its resolver) that is not the zone's. */
static FsPhase
classify (FsWorkload *w, const Population *pop, FsFailCause cause, int addr)
{
  const View *v = &w->views[pop->view];
  const Change *ch;
  int h = addr >= 0 ? w->address_host[addr] : -1;

  if (w->dirty || v->n_changes == 0)
    settle (w);
  ch = &v->history[(v->n_changes - 1) % HISTORY];
  if (ch->phase != PHASE_OK)
    return (FsPhase) ch->phase;
  if (cause == FS_FAIL_RESOLVER_UNREACHABLE || cause == FS_FAIL_SOURCE_DOWN)
    return FS_PHASE_OTHER;
  if (cause == FS_FAIL_SERVFAIL)
    return FS_PHASE_DNS_UPDATE;
  if (serves (w, v->service, h) && fs_net_host_is_alive (w->net, (guint) h))
    return FS_PHASE_ROUTING;
  return FS_PHASE_DNS;
}

static void
request (FsWorkload *w, guint client)
{
  Client *c = &w->clients[client];
  const Population *pop = &w->pops[c->pop];
  FsFailCause cause;
  FsReach x = { FS_REACH_DELIVERED, 0, 0, -1, -1, -1 };
  FsTime wait, now = fs_kernel_now (w->k);
  Held held = { c->cache_addr, c->cache_expires, FALSE };
  FsPhase phase = FS_PHASE_OTHER;
  gboolean from_cache = FALSE;
  int addr, target;

  /* Its users are down with their site: nothing to measure for the service. */
  if (!fs_sites_is_up (w->sites, (guint) pop->spec->site))
    {
      fs_kernel_schedule (w->k, &w->base, next_arrival (w, c, client), EV_REQUEST, client, 0);
      return;
    }
  target = pop->resolver_host;
  cause = resolve (w, c, client, &addr, &x, &from_cache);
  if (cause == FS_FAIL_NONE)
    {
      target = w->address_host[addr];
      x = fs_net_reach (w->net, (guint) pop->spec->router, w->address_ip[addr]);
      if (x.status != FS_REACH_DELIVERED)
        cause = reach_cause (x.status);
      else if (!w->serves[(size_t) pop->spec->service * w->nh + (guint) x.host])
        cause = FS_FAIL_NOT_SERVING;
    }
  /* The budget: the stretch since its last request, if that one failed, up to now; then the
   * phase this failure leaves it in. */
  if (cause != FS_FAIL_NONE)
    phase = classify (w, pop, cause, addr);
  if (c->failures > 0)
    {
      held.worked = cause == FS_FAIL_NONE && from_cache;
      charge_interval (w, client, &w->views[pop->view], now,
                       cause == FS_FAIL_NONE ? FS_PHASE_RETRY : phase, &held);
    }
  fs_client_stats_record (w->stats, client, now, cause);
  if (cause != FS_FAIL_NONE)
    fs_client_stats_set_phase (w->stats, client, phase);
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
    case EV_SETTLE:
      w->settle_pending = FALSE;
      settle (w);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Charges the episodes still open, up to the end; a client no longer blocked had not asked
 * again yet. */
static void
workload_finish (FsModel *model, FsKernel *k)
{
  FsWorkload *w = (FsWorkload *) model;
  guint i;

  for (i = 0; i < w->nc; i++)
    {
      const Client *c = &w->clients[i];
      Held held = { c->cache_addr, c->cache_expires, FALSE };

      if (c->failures > 0)
        charge_interval (w, i, &w->views[w->pops[c->pop].view], fs_kernel_now (k), FS_PHASE_RETRY,
                         &held);
    }
}

static void
workload_free (FsModel *model)
{
  FsWorkload *w = (FsWorkload *) model;
  guint s;

  g_free (w->clients);
  g_free (w->pops);
  g_free (w->serves);
  g_free (w->address_ip);
  g_free (w->address_host);
  for (s = 0; w->plans != NULL && s < w->ns; s++)
    g_array_unref (w->plans[s]);
  g_free (w->plans);
  g_free (w->views);
  g_free (w);
}

/* A request reads the client's state here and in the metrics: ask for both ahead. */
static void
workload_prefetch (FsModel *model, const FsEvent *ev)
{
  FsWorkload *w = (FsWorkload *) model;

  if (ev->kind == EV_REQUEST && ev->a < w->nc)
    {
      /* Both ends: a record may straddle two cache lines. */
      __builtin_prefetch (&w->clients[ev->a]);
      __builtin_prefetch ((const char *) &w->clients[ev->a + 1] - 1);
      fs_client_stats_prefetch (w->stats, (guint) ev->a);
    }
}

static const FsModelOps workload_ops = {
  .name = "workload",
  .handle = workload_handle,
  .finish = workload_finish,
  .free = workload_free,
  .prefetch = workload_prefetch,
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
  g_autoptr (GHashTable) view_index = NULL;
  g_autoptr (GArray) views = NULL;
  FsWorkload *w;
  guint s, p, i;

  if (spec == NULL || spec->populations->len == 0 || dns_model == NULL)
    return TRUE;
  w = g_new0 (FsWorkload, 1);
  w->base.ops = &workload_ops;
  w->base.name = g_strdup ("workload");
  w->k = k;
  w->sim = sim;
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
  view_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  views = g_array_new (FALSE, TRUE, sizeof (View));
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
      {
        g_autofree char *key = g_strdup_printf ("%d %d %d", ps->router, ps->service, ps->resolver);
        gpointer found;

        if (!g_hash_table_lookup_extended (view_index, key, NULL, &found))
          {
            View v = { (guint) ps->router, (guint) ps->service, (guint) ps->resolver, w->pops[p].name,
                       w->pops[p].qtype, fs_dns_resolver_violates (w->dns, (guint) ps->resolver), 0,
                       { { 0 } }, { { 0 } } };

            for (i = 0; i < ANSWERS; i++)
              v.answers[i] = (Answer) { NO_ENTRY, -1, -1 };
            found = GUINT_TO_POINTER (views->len);
            g_array_append_val (views, v);
            g_hash_table_insert (view_index, g_steal_pointer (&key), found);
          }
        w->pops[p].view = GPOINTER_TO_UINT (found);
      }
    }
  w->nv = views->len;
  w->views = (View *) (void *) g_array_free (g_steal_pointer (&views), FALSE);
  w->clients = g_new (Client, MAX (w->nc, 1));
  w->violation_rng = fs_kernel_stream (k, "workload.violation");
  fs_sim_add_model (sim, "workload", &w->base);
  /* The views are read first once everything is built, and again after each instant with a
   * notice. */
  fs_kernel_observe (k, "*", on_notice, w);
  w->settle_pending = TRUE;
  fs_kernel_schedule_at (k, &w->base, 0, FS_PRIORITY_MEASURE, EV_SETTLE, 0, 0);
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
