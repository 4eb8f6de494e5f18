/* vlan.c: VLANs, stretched or site-local; the gateway's ARP cache; VM moves that keep their
 * address; broadcast storms and how far they spread.
 *
 * Follows seed 000 "Stretched subnet": a stretched VLAN lets a server move with its IP
 * configuration, but "by stretching the VLAN, the potential fault domain extends to both sites,
 * essentially becoming a single point of failure ... a broadcast storm started and cannot be
 * isolated". Seed 002: Azure does not support stretched subnets. Figures from REFERENCE.md,
 * "Layer 2" (Cisco IOS ARP timeout 4h, QEMU's first announce after 50ms).
 *
 * Simplified: no frames, no spanning tree, no MAC learning in switches (one ARP entry per host,
 * at the gateway); a re-ARP is instantaneous; a storm floods, at its start, every site of the
 * VLAN reachable over live interconnects and stays that size until it ends. */
#include "failsim/l2.h"

#include <string.h>

#include "failsim/metrics.h"
#include "failsim/net.h"
#include "failsim/sim.h"
#include "failsim/site.h"
#include "../scenario/scenario-private.h"

/* --- the specification ------------------------------------------------------------------------ */

typedef struct {
  char *name;
  int64_t id;                /* 802.1Q VLAN id, informational; 0 when not given */
  char *subnet_name;
  const FsNode *sites_node;
  const FsNode *interconnects_node;
  char *gateway_name;
  FsTime arp_timeout;        /* the gateway's ARP entry lifetime, ns */
  FsTime garp_delay;         /* from a moved VM's start to its gratuitous ARP, ns */
  FsTime storm_control;      /* from a storm's start to its suppression, ns; 0: no storm control */
  FsTime isolation;          /* from a storm's start to an operator isolating it, ns */
  char *description;
  int subnet;                /* net subnet index */
  int gateway;               /* site index */
  guint n_sites;
  int *sites;                /* [n_sites] site indices, in the order written */
  guint n_links;
  int *links;                /* [n_links] net link indices */
  int *link_site;            /* [2 * n_links] the sites of each interconnect's two ends */
  const char **link_names;   /* [n_links] borrowed from the scenario's nodes */
  const FsNode *node;
} VlanSpec;

static const FsField vlan_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (VlanSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VLAN's name, unique in the scenario.", "app-vlan" },
  { "id", FS_FIELD_INT, offsetof (VlanSpec, id), FALSE, NULL, 1, 4094, 0, 0, NULL,
    "The 802.1Q VLAN id; informational.", "110" },
  { "subnet", FS_FIELD_NAME, offsetof (VlanSpec, subnet_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The subnet it carries; a subnet is carried by at most one VLAN.", "app" },
  { "sites", FS_FIELD_NODE, offsetof (VlanSpec, sites_node), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The sites it spans; more than one makes it a stretched VLAN. Default: the subnet's site.",
    "[primary, recovery]" },
  { "interconnects", FS_FIELD_NODE, offsetof (VlanSpec, interconnects_node), FALSE, NULL, 0, 0, 0, 0,
    NULL, "The links that carry it between its sites (required when stretched); each joins two "
    "of its sites, and together they connect all of them.", "[dci-primary-recovery]" },
  { "gateway", FS_FIELD_NAME, offsetof (VlanSpec, gateway_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The site of the default gateway, the router that delivers the subnet; default and only "
    "accepted value: the subnet's site. Hosts at other sites are reached over an interconnect.",
    "primary" },
  { "arp_timeout", FS_FIELD_DURATION, offsetof (VlanSpec, arp_timeout), FALSE, "4h", FS_SEC, 7 * FS_DAY,
    0, 0, NULL, "How long the gateway keeps a learned ARP entry (Cisco IOS 4h; Linux reachable "
    "time 30s).", "30s" },
  { "garp_delay", FS_FIELD_DURATION, offsetof (VlanSpec, garp_delay), FALSE, "50ms", 0, FS_MIN, 0, 0,
    NULL, "From a moved VM's start to its gratuitous ARP (QEMU's first announce round: 50ms).",
    "50ms" },
  { "storm_control", FS_FIELD_DURATION, offsetof (VlanSpec, storm_control), FALSE, NULL, FS_MSEC, FS_DAY,
    0, 0, NULL, "When set, storm control suppresses a broadcast storm this long after it starts; "
    "absent: no storm control.", "2s" },
  { "isolation", FS_FIELD_DURATION, offsetof (VlanSpec, isolation), FALSE, "5m", FS_SEC, 7 * FS_DAY,
    0, 0, NULL, "Without storm control, how long an operator takes to isolate a storm (an "
    "assumption, not a published figure).", "15m" },
  { "description", FS_FIELD_STRING, offsetof (VlanSpec, description), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A sentence about the VLAN; informational.", "\"application VLAN\"" },
  FS_FIELD_END
};

typedef struct {
  GArray *vlans;             /* VlanSpec */
} L2Spec;

/* Guards the size of what is read from a shared file. */
#define MAX_VLANS 4094

static void
vlan_spec_clear (gpointer p)
{
  VlanSpec *v = p;

  fs_schema_clear (vlan_fields, v);
  g_clear_pointer (&v->sites, g_free);
  g_clear_pointer (&v->links, g_free);
  g_clear_pointer (&v->link_site, g_free);
  g_clear_pointer (&v->link_names, g_free);
}

static void
l2_spec_free (gpointer p)
{
  L2Spec *s = p;

  g_array_unref (s->vlans);
  g_free (s);
}

static const L2Spec *
get_spec (const FsScenario *sc)
{
  return fs_scenario_get_spec (sc, "l2");
}

static const VlanSpec *
vlan_spec (const L2Spec *s, guint v)
{
  return &g_array_index (s->vlans, VlanSpec, v);
}

static gboolean
vlan_has_site (const VlanSpec *v, int site)
{
  guint i;

  for (i = 0; i < v->n_sites; i++)
    if (v->sites[i] == site)
      return TRUE;
  return FALSE;
}

static int
vlan_of_subnet (const L2Spec *s, int subnet)
{
  guint v;

  for (v = 0; s != NULL && v < s->vlans->len; v++)
    if (vlan_spec (s, v)->subnet == subnet)
      return (int) v;
  return -1;
}

static char *
site_list (const FsScenario *sc, const VlanSpec *v)
{
  GString *out = g_string_new (NULL);
  guint i;

  for (i = 0; i < v->n_sites; i++)
    g_string_append_printf (out, "%s%s", i ? ", " : "", fs_sites_spec_name (sc, v->sites[i]));
  return g_string_free (out, FALSE);
}

static gboolean
load_sites (FsScenario *sc, VlanSpec *v, GError **error)
{
  const FsNode *list = v->sites_node;
  guint i, j;

  if (list == NULL)
    {
      v->n_sites = 1;
      v->sites = g_new (int, 1);
      v->sites[0] = fs_net_spec_subnet_site (sc, v->subnet);
      return TRUE;
    }
  if (list->kind != FS_NODE_SEQ || fs_node_len (list) == 0)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_TYPE,
                          "'sites' must list one or more sites, as in [primary, recovery]");
  v->sites = g_new (int, fs_node_len (list));
  for (i = 0; i < fs_node_len (list); i++)
    {
      const FsNode *item = fs_node_item (list, i);
      int site = fs_sites_spec_resolve (sc, item, error);

      if (site < 0)
        return FALSE;
      for (j = 0; j < v->n_sites; j++)
        if (v->sites[j] == site)
          return fs_node_error (error, item, FS_SCENARIO_ERROR_DUPLICATE,
                                "site '%s' is listed twice in VLAN '%s'", item->text, v->name);
      v->sites[v->n_sites++] = site;
    }
  /* Seed 002: "Azure doesn't support stretched subnets". */
  for (i = 0; v->n_sites > 1 && i < v->n_sites; i++)
    if (fs_sites_spec_kind (sc, v->sites[i]) == FS_SITE_CLOUD_REGION)
      return fs_node_error (error, fs_node_item (list, i), FS_SCENARIO_ERROR_RULE,
                            "VLAN '%s' cannot be stretched into '%s', a cloud-region site: Azure "
                            "doesn't support stretched subnets", v->name, fs_node_item (list, i)->text);
  return TRUE;
}

static int
find_root (int *parent, int i)
{
  while (parent[i] != i)
    i = parent[i] = parent[parent[i]];
  return i;
}

static int
position (const VlanSpec *v, int site)
{
  guint i;

  for (i = 0; i < v->n_sites; i++)
    if (v->sites[i] == site)
      return (int) i;
  return -1;
}

static gboolean
load_interconnects (FsScenario *sc, VlanSpec *v, GError **error)
{
  const FsNode *list = v->interconnects_node;
  g_autofree int *parent = NULL;
  guint i;

  if (list == NULL)
    {
      if (v->n_sites > 1)
        return fs_node_error (error, v->sites_node, FS_SCENARIO_ERROR_MISSING,
                              "VLAN '%s' spans %u sites but names no interconnects: list the links "
                              "that carry it between them", v->name, v->n_sites);
      return TRUE;
    }
  if (list->kind != FS_NODE_SEQ)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_TYPE,
                          "'interconnects' must be a list of links, as in [dci-primary-recovery]");
  v->links = g_new (int, MAX (fs_node_len (list), 1));
  v->link_site = g_new (int, 2 * MAX (fs_node_len (list), 1));
  v->link_names = g_new (const char *, MAX (fs_node_len (list), 1));
  parent = g_new (int, v->n_sites);
  for (i = 0; i < v->n_sites; i++)
    parent[i] = (int) i;
  for (i = 0; i < fs_node_len (list); i++)
    {
      const FsNode *item = fs_node_item (list, i);
      int link = fs_net_spec_link (sc, item, error), a, b;
      g_autofree char *sites = NULL;

      if (link < 0)
        return FALSE;
      fs_net_spec_link_sites (sc, link, &a, &b);
      if (a == b || !vlan_has_site (v, a) || !vlan_has_site (v, b))
        {
          sites = site_list (sc, v);
          return fs_node_error (error, item, FS_SCENARIO_ERROR_RULE,
                                "link '%s' joins sites '%s' and '%s'; an interconnect of VLAN '%s' "
                                "must join two different sites of it (%s)", item->text,
                                fs_sites_spec_name (sc, a), fs_sites_spec_name (sc, b), v->name, sites);
        }
      v->links[v->n_links] = link;
      v->link_site[2 * v->n_links] = a;
      v->link_site[2 * v->n_links + 1] = b;
      v->link_names[v->n_links] = item->text;
      v->n_links++;
      parent[find_root (parent, position (v, a))] = find_root (parent, position (v, b));
    }
  for (i = 1; i < v->n_sites; i++)
    if (find_root (parent, (int) i) != find_root (parent, 0))
      return fs_node_error (error, list, FS_SCENARIO_ERROR_RULE,
                            "the interconnects of VLAN '%s' do not join site '%s' to '%s': together "
                            "they must connect all its sites", v->name,
                            fs_sites_spec_name (sc, v->sites[i]), fs_sites_spec_name (sc, v->sites[0]));
  return TRUE;
}

static gboolean
finish_vlan (FsScenario *sc, const L2Spec *s, VlanSpec *v, GError **error)
{
  guint i;
  int subnet_site, carrier;

  for (i = 0; i < s->vlans->len; i++)
    if (strcmp (vlan_spec (s, i)->name, v->name) == 0)
      return fs_node_error (error, fs_node_get (v->node, "name"), FS_SCENARIO_ERROR_DUPLICATE,
                            "VLAN '%s' is declared twice (first at line %d)", v->name,
                            vlan_spec (s, i)->node->line);
  if ((v->subnet = fs_net_spec_subnet (sc, fs_node_get (v->node, "subnet"), error)) < 0)
    return FALSE;
  if ((carrier = vlan_of_subnet (s, v->subnet)) >= 0)
    return fs_node_error (error, fs_node_get (v->node, "subnet"), FS_SCENARIO_ERROR_DUPLICATE,
                          "subnet '%s' is already carried by VLAN '%s' (line %d); a subnet is one "
                          "broadcast domain", v->subnet_name, vlan_spec (s, carrier)->name,
                          vlan_spec (s, carrier)->node->line);
  if (!load_sites (sc, v, error))
    return FALSE;
  subnet_site = fs_net_spec_subnet_site (sc, v->subnet);
  if (v->gateway_name != NULL)
    {
      if ((v->gateway = fs_sites_spec_resolve (sc, fs_node_get (v->node, "gateway"), error)) < 0)
        return FALSE;
    }
  else
    v->gateway = subnet_site;
  if (!vlan_has_site (v, v->gateway))
    {
      g_autofree char *sites = site_list (sc, v);
      return fs_node_error (error, v->gateway_name ? fs_node_get (v->node, "gateway") : v->sites_node,
                            FS_SCENARIO_ERROR_RULE,
                            "the gateway of VLAN '%s' stands in site '%s', which is not one of its "
                            "sites (%s)", v->name, fs_sites_spec_name (sc, v->gateway), sites);
    }
  /* The net model delivers the subnet from its router; the gateway is that router. */
  if (v->gateway != subnet_site)
    return fs_node_error (error, fs_node_get (v->node, "gateway"), FS_SCENARIO_ERROR_RULE,
                          "the gateway of VLAN '%s' is the router that delivers subnet '%s', in "
                          "site '%s', not '%s'", v->name, v->subnet_name,
                          fs_sites_spec_name (sc, subnet_site), v->gateway_name);
  if (!load_interconnects (sc, v, error))
    return FALSE;
  if (v->n_sites > 1)
    fs_scenario_add_warning (sc, v->sites_node,
                             "stretching VLAN '%s' across %u sites makes them one fault domain: a "
                             "broadcast storm reaches every one of them", v->name, v->n_sites);
  return TRUE;
}

static gboolean
vlans_load (FsScenario *sc, const FsNode *value, GError **error)
{
  L2Spec *s = g_new0 (L2Spec, 1);
  guint i;

  s->vlans = g_array_new (FALSE, TRUE, sizeof (VlanSpec));
  g_array_set_clear_func (s->vlans, vlan_spec_clear);
  fs_scenario_set_spec (sc, "l2", s, l2_spec_free);
  if (value == NULL)
    return TRUE;
  if (value->kind != FS_NODE_SEQ)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_TYPE, "'vlans' must be a list (- ...), got %s",
                          fs_node_kind_name (value->kind));
  if (fs_node_len (value) > MAX_VLANS)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_LIMIT,
                          "%u VLANs is more than 802.1Q allows (%d)", fs_node_len (value), MAX_VLANS);
  for (i = 0; i < fs_node_len (value); i++)
    {
      VlanSpec v = { 0 };
      GError *local = NULL;

      v.node = fs_node_item (value, i);
      if (!fs_schema_read (v.node, "VLAN", vlan_fields, &v, &local) || !finish_vlan (sc, s, &v, &local))
        {
          fs_scenario_add_error (sc, local);
          vlan_spec_clear (&v);
          continue;
        }
      g_array_append_val (s->vlans, v);
    }
  return TRUE;
}

static int
resolve_vlan (const FsScenario *sc, const FsNode *node, GError **error)
{
  const L2Spec *s = get_spec (sc);
  guint n = s ? s->vlans->len : 0, i;
  g_autofree const char **names = g_new0 (const char *, n + 1);

  for (i = 0; i < n; i++)
    names[i] = vlan_spec (s, i)->name;
  return fs_schema_resolve (node, "VLAN", names, n, error);
}

/* --- the model ------------------------------------------------------------------------------------ */

enum {
  EV_INIT,          /* time 0: report the hosts that start behind an interconnect */
  EV_BOOT,          /* a: host; b: whether it sends a gratuitous ARP */
  EV_GARP,          /* a: host */
  EV_EXPIRE,        /* a: host: its ARP entry ages out */
  EV_STORM_END,     /* a: VLAN */
};

typedef enum {
  END_STORM_CONTROL,
  END_ISOLATION,
  END_ACTION,
} EndCause;

typedef struct {
  gboolean active;
  uint32_t number;           /* storms of the run, from 0: the subject of storm.down/up */
  FsTime start;
  EndCause cause;            /* how it will end, unless vlan.isolate comes first */
  guint8 *site_in;           /* [sites] flooded */
  GArray *links;             /* int: interconnects saturated */
  GArray *hosts;             /* guint: hosts made unusable */
  FsHandle end;
  char *name;                /* "<vlan>@<origin site>" */
} Storm;

struct FsL2 {
  FsModel base;
  FsKernel *k;
  FsNet *net;
  FsSites *sites;
  const FsScenario *sc;
  const L2Spec *spec;
  guint nv, nh, ns, nl;      /* VLANs, hosts, sites, link index space (largest interconnect + 1) */

  int *host_vlan;            /* [h] the VLAN carrying its subnet, or -1 */
  guint8 *running;           /* [h] not stopped by a move in progress */
  int *arp_site;             /* [h] where the gateway believes its MAC is; -1: incomplete */
  FsTime *arp_expires;       /* [h] ns; -1 when incomplete */
  FsHandle *expire_ev, *boot_ev, *garp_ev;   /* [h] */
  guint8 *stale;             /* [h] an arp.down is open */
  guint8 *trombone;          /* [h] its last hop crosses an interconnect */
  FsTime *dist;              /* [ns] scratch for path searches */

  Storm *storms;             /* [nv] the storm flooding each VLAN, if active */
  GArray *blamed;            /* uint64_t, by storm number: client requests it made fail */
  GPtrArray *storm_labels;   /* by storm number: its figures' subject */
  FsMetrics *metrics;
  uint32_t n_storms;
  guint *site_refs;          /* [ns] storms flooding each site */
  guint *link_refs;          /* [nl] storms saturating each link */
  gsl_rng *boot_rng;

  uint32_t t_arp_down, t_arp_up, t_trombone, t_storm_down, t_storm_up, t_storm_duration;
  uint32_t t_host_down, t_host_up, t_site_down, t_site_up, t_link_down, t_link_up;
  uint32_t t_vlan_down, t_vlan_up;
};

static void
notify (FsL2 *m, uint32_t topic, uint32_t subject, const char *name, int64_t value, const char *detail)
{
  FsNotice n = { .topic = topic, .subject = subject, .source = &m->base, .subject_name = name,
                 .value = value, .detail = detail };

  fs_kernel_notify (m->k, &n);
}

static const VlanSpec *
vlan_of (const FsL2 *m, guint v)
{
  return vlan_spec (m->spec, v);
}

static gboolean
storming_at (const FsL2 *m, int v, int site)
{
  return m->storms[v].active && m->storms[v].site_in[site];
}

/* The lowest latency from site @from to site @to over @v's live interconnects (a storm's
 * saturated links count as dead), or FALSE when none joins them. Bellman-Ford: a VLAN spans a
 * handful of sites. */
static gboolean
path_latency (FsL2 *m, guint v, int from, int to, FsTime *out)
{
  const VlanSpec *vs = vlan_of (m, v);
  guint i, round;
  gboolean changed = TRUE;

  for (i = 0; i < m->ns; i++)
    m->dist[i] = FS_TIME_MAX;
  m->dist[from] = 0;
  for (round = 0; changed && round < vs->n_sites; round++)
    {
      changed = FALSE;
      for (i = 0; i < vs->n_links; i++)
        {
          int a = vs->link_site[2 * i], b = vs->link_site[2 * i + 1];
          FsTime lat;

          if (!fs_net_link_is_alive (m->net, vs->links[i]))
            continue;
          lat = fs_net_link_latency (m->net, vs->links[i]);
          if (m->dist[a] != FS_TIME_MAX && m->dist[a] + lat < m->dist[b])
            m->dist[b] = m->dist[a] + lat, changed = TRUE;
          if (m->dist[b] != FS_TIME_MAX && m->dist[b] + lat < m->dist[a])
            m->dist[a] = m->dist[b] + lat, changed = TRUE;
        }
    }
  *out = m->dist[to];
  return m->dist[to] != FS_TIME_MAX;
}

/* The net model's last hop, replaced: see docs/model-l2.md "Last hop". */
static gboolean
last_hop (void *data, guint host, guint router, FsTime *latency)
{
  FsL2 *m = data;
  int site = fs_net_host_site (m->net, host), rsite = fs_net_router_site (m->net, router);
  int v = m->host_vlan[host];
  FsTime extra;

  if (!fs_sites_is_up (m->sites, site) || !fs_net_host_is_running (m->net, host))
    return FALSE;
  if (v < 0)
    return site == rsite;   /* no VLAN: the net model's own rule */
  if (!m->running[host] || storming_at (m, v, site))
    return FALSE;
  if (m->arp_site[host] >= 0 && m->arp_site[host] != site)
    return FALSE;           /* stale: the gateway sends the frames to the old site */
  if (site == rsite)
    return TRUE;
  if (!vlan_has_site (vlan_of (m, v), rsite) || !vlan_has_site (vlan_of (m, v), site)
      || !path_latency (m, v, rsite, site, &extra))
    return FALSE;
  *latency += extra;
  return TRUE;
}

static int
gateway_site (const FsL2 *m, guint host)
{
  int r = fs_net_subnet_router (m->net, fs_net_host_subnet (m->net, host));

  return r >= 0 ? fs_net_router_site (m->net, r) : -1;
}

/* Brings a host's arp.down/up and trombone reports in line with its state now. */
static void
update_host (FsL2 *m, guint h)
{
  int v = m->host_vlan[h], site, gw;
  gboolean stale, tromb = FALSE;
  FsTime extra = 0;
  const char *name;

  if (v < 0)
    return;
  site = fs_net_host_site (m->net, h);
  name = fs_net_host_name (m->net, h);
  stale = m->running[h] && m->arp_site[h] >= 0 && m->arp_site[h] != site;
  if (stale != m->stale[h])
    {
      g_autofree char *detail = NULL;

      m->stale[h] = stale;
      if (stale)
        detail = g_strdup_printf ("the gateway's ARP entry for %s points at %s; it runs at %s", name,
                                  fs_sites_spec_name (m->sc, m->arp_site[h]),
                                  fs_sites_spec_name (m->sc, site));
      notify (m, stale ? m->t_arp_down : m->t_arp_up, h, name, stale,
              stale ? detail : "ARP entry points at the host again");
    }
  gw = gateway_site (m, h);
  if (m->running[h] && !stale && gw >= 0 && site != gw && fs_sites_is_up (m->sites, site)
      && !storming_at (m, v, site) && vlan_has_site (vlan_of (m, v), gw)
      && vlan_has_site (vlan_of (m, v), site))
    tromb = path_latency (m, v, gw, site, &extra);
  if (tromb && !m->trombone[h])
    {
      char t[FS_TIME_BUFSZ];
      g_autofree char *detail = NULL;

      fs_time_format (extra, t, sizeof t);
      detail = g_strdup_printf ("the gateway at %s reaches %s at %s over the interconnect: +%s",
                                fs_sites_spec_name (m->sc, gw), name, fs_sites_spec_name (m->sc, site), t);
      notify (m, m->t_trombone, h, name, extra, detail);
    }
  m->trombone[h] = tromb;
}

static void
update_all (FsL2 *m)
{
  guint h;

  for (h = 0; h < m->nh; h++)
    update_host (m, h);
}

/* The gateway learns where @h is now, and keeps it for arp_timeout. */
static void
learn (FsL2 *m, guint h)
{
  FsTime timeout = vlan_of (m, m->host_vlan[h])->arp_timeout;

  m->arp_site[h] = fs_net_host_site (m->net, h);
  m->arp_expires[h] = fs_kernel_now (m->k) + timeout;
  fs_kernel_cancel (m->k, m->expire_ev[h]);
  m->expire_ev[h] = fs_kernel_schedule (m->k, &m->base, timeout, EV_EXPIRE, h, 0);
}

static gboolean
answers (const FsL2 *m, guint h)
{
  return m->running[h] && fs_sites_is_up (m->sites, fs_net_host_site (m->net, h));
}

static void
host_start (FsL2 *m, guint h, gboolean garp)
{
  m->running[h] = TRUE;
  /* An incomplete entry is resolved by the first lookup, at once. */
  if (m->arp_site[h] < 0)
    learn (m, h);
  update_host (m, h);
  if (garp)
    m->garp_ev[h] = fs_kernel_schedule (m->k, &m->base, vlan_of (m, m->host_vlan[h])->garp_delay,
                                        EV_GARP, h, 0);
  fs_net_remeasure (m->net);
}

static void
site_listener (guint site, gboolean up, void *user_data)
{
  FsL2 *m = user_data;
  guint h;

  for (h = 0; up && h < m->nh; h++)
    if (m->host_vlan[h] >= 0 && m->arp_site[h] < 0 && fs_net_host_site (m->net, h) == (int) site
        && m->running[h])
      learn (m, h);
  update_all (m);
  fs_net_remeasure (m->net);
}

/* --- storms ------------------------------------------------------------------------------------------- */

static void
storm_start (FsL2 *m, guint v, int origin, int by_host)
{
  const VlanSpec *vs = vlan_of (m, v);
  Storm *st = &m->storms[v];
  g_autofree char *detail = NULL;
  gboolean grew = TRUE;
  FsTime lasts;
  guint i, h;

  if (st->active)
    return;   /* already flooding: a second loop adds nothing the model can see */
  st->active = TRUE;
  st->number = m->n_storms++;
  st->start = fs_kernel_now (m->k);
  memset (st->site_in, 0, m->ns);
  g_array_set_size (st->links, 0);
  g_array_set_size (st->hosts, 0);
  g_free (st->name);
  st->name = g_strdup_printf ("%s@%s", vs->name, fs_sites_spec_name (m->sc, origin));
  {
    uint64_t zero = 0;
    guint same = 0;

    for (i = 0; i < m->storm_labels->len; i++)
      same += g_str_has_prefix (g_ptr_array_index (m->storm_labels, i), st->name);
    g_array_append_val (m->blamed, zero);
    g_ptr_array_add (m->storm_labels, same ? g_strdup_printf ("%s#%u", st->name, same + 1)
                                           : g_strdup (st->name));
  }

  /* Broadcasts go everywhere the VLAN's live interconnects lead. */
  st->site_in[origin] = 1;
  while (grew)
    {
      grew = FALSE;
      for (i = 0; i < vs->n_links; i++)
        {
          int a = vs->link_site[2 * i], b = vs->link_site[2 * i + 1];

          if (st->site_in[a] != st->site_in[b] && fs_net_link_is_alive (m->net, vs->links[i]))
            st->site_in[a] = st->site_in[b] = 1, grew = TRUE;
        }
    }
  for (i = 0; i < vs->n_links; i++)
    if (st->site_in[vs->link_site[2 * i]] && st->site_in[vs->link_site[2 * i + 1]]
        && fs_net_link_is_alive (m->net, vs->links[i]))
      g_array_append_val (st->links, vs->links[i]);
  for (h = 0; h < m->nh; h++)
    if (m->host_vlan[h] == (int) v && st->site_in[fs_net_host_site (m->net, h)])
      g_array_append_val (st->hosts, h);

  lasts = vs->isolation;
  st->cause = END_ISOLATION;
  if (vs->storm_control > 0 && vs->storm_control <= lasts)
    lasts = vs->storm_control, st->cause = END_STORM_CONTROL;
  st->end = fs_kernel_schedule (m->k, &m->base, lasts, EV_STORM_END, v, 0);

  {
    guint n_sites = 0;
    for (i = 0; i < m->ns; i++)
      n_sites += st->site_in[i];
    detail = g_strdup_printf ("broadcast storm in VLAN %s from %s%s%s: floods %u site(s), %u host(s), "
                              "saturates %u interconnect(s)", vs->name,
                              fs_sites_spec_name (m->sc, origin), by_host >= 0 ? ", started by " : "",
                              by_host >= 0 ? fs_net_host_name (m->net, by_host) : "", n_sites,
                              st->hosts->len, st->links->len);
  }
  notify (m, m->t_storm_down, st->number, st->name, 1, detail);
  notify (m, m->t_vlan_down, v, vs->name, 1, "flooded by a broadcast storm");
  for (i = 0; i < m->ns; i++)
    if (st->site_in[i] && m->site_refs[i]++ == 0)
      notify (m, m->t_site_down, i, fs_sites_spec_name (m->sc, i), 1, "flooded by a broadcast storm");
  for (i = 0; i < st->links->len; i++)
    {
      int l = g_array_index (st->links, int, i);
      guint k;

      if (m->link_refs[l]++ != 0)
        continue;
      for (k = 0; vs->links[k] != l; k++)
        ;
      notify (m, m->t_link_down, l, vs->link_names[k], 1, "saturated by a broadcast storm");
      fs_net_set_link_impaired (m->net, l, TRUE);
    }
  for (i = 0; i < st->hosts->len; i++)
    {
      h = g_array_index (st->hosts, guint, i);
      notify (m, m->t_host_down, h, fs_net_host_name (m->net, h), 1, "unusable in a broadcast storm");
    }
  update_all (m);
  fs_net_remeasure (m->net);
}

/* The storm's fault spread as figures, one key per quantity (summary.json "l2": {"storms": ...}).
 * Called when it ends, or at the end of the run while it still floods. */
static void
report_storm (FsL2 *m, guint v, FsTime lasted)
{
  const Storm *st = &m->storms[v];
  const char *label = g_ptr_array_index (m->storm_labels, st->number);
  guint i, n_sites = 0;

  for (i = 0; i < m->ns; i++)
    n_sites += st->site_in[i];
  fs_metrics_set_figure_int (m->metrics, "l2.storms", label, "vlans", 1);
  fs_metrics_set_figure_int (m->metrics, "l2.storms", label, "sites", n_sites);
  fs_metrics_set_figure_int (m->metrics, "l2.storms", label, "links", st->links->len);
  fs_metrics_set_figure_int (m->metrics, "l2.storms", label, "hosts", st->hosts->len);
  fs_metrics_set_figure_double (m->metrics, "l2.storms", label, "duration_s", (double) lasted / 1e9);
  fs_metrics_set_figure_double (m->metrics, "l2.storms", label, "host_seconds",
                                (double) st->hosts->len * (double) lasted / 1e9);
  fs_metrics_set_figure_int (m->metrics, "l2.storms", label, "requests_failed",
                             (int64_t) g_array_index (m->blamed, uint64_t, st->number));
}

gboolean
fs_l2_blame (FsL2 *m, const FsReach *reach, int host)
{
  guint v, i;

  if (reach->status == FS_REACH_DEAD_HOP && reach->link >= 0 && (guint) reach->link < m->nl
      && m->link_refs[reach->link] > 0)
    for (v = 0; v < m->nv; v++)
      for (i = 0; m->storms[v].active && i < m->storms[v].links->len; i++)
        if (g_array_index (m->storms[v].links, int, i) == reach->link)
          goto blame;
  if (reach->status == FS_REACH_NO_HOST && host >= 0 && (guint) host < m->nh && m->host_vlan[host] >= 0
      && storming_at (m, m->host_vlan[host], fs_net_host_site (m->net, (guint) host)))
    {
      v = (guint) m->host_vlan[host];
      goto blame;
    }
  return FALSE;
blame:
  g_array_index (m->blamed, uint64_t, m->storms[v].number)++;
  return TRUE;
}

static void
storm_end (FsL2 *m, guint v, EndCause cause)
{
  const VlanSpec *vs = vlan_of (m, v);
  Storm *st = &m->storms[v];
  static const char *const causes[] = { "suppressed by storm control", "isolated by an operator",
                                        "isolated (vlan.isolate)" };
  FsTime lasted = fs_kernel_now (m->k) - st->start;
  char t[FS_TIME_BUFSZ];
  g_autofree char *detail = NULL;
  guint i;

  if (!st->active)
    return;
  st->active = FALSE;
  fs_kernel_cancel (m->k, st->end);
  st->end = FS_HANDLE_NONE;
  for (i = 0; i < st->hosts->len; i++)
    {
      guint h = g_array_index (st->hosts, guint, i);
      notify (m, m->t_host_up, h, fs_net_host_name (m->net, h), 0, "storm over");
    }
  for (i = 0; i < st->links->len; i++)
    {
      int l = g_array_index (st->links, int, i);
      guint k;

      if (--m->link_refs[l] != 0)
        continue;
      for (k = 0; vs->links[k] != l; k++)
        ;
      notify (m, m->t_link_up, l, vs->link_names[k], 0, "storm over");
      fs_net_set_link_impaired (m->net, l, FALSE);
    }
  for (i = 0; i < m->ns; i++)
    if (st->site_in[i] && --m->site_refs[i] == 0)
      notify (m, m->t_site_up, i, fs_sites_spec_name (m->sc, i), 0, "storm over");
  notify (m, m->t_vlan_up, v, vs->name, 0, "storm over");
  fs_time_format (lasted, t, sizeof t);
  detail = g_strdup_printf ("%s %s after it began", causes[cause], t);
  notify (m, m->t_storm_up, st->number, st->name, 0, detail);
  notify (m, m->t_storm_duration, st->number, st->name, lasted, detail);
  report_storm (m, v, lasted);
  update_all (m);
  fs_net_remeasure (m->net);
}

/* --- the model's events ------------------------------------------------------------------------------ */

static void
l2_handle (FsModel *model, FsKernel *k, const FsEvent *ev)
{
  FsL2 *m = (FsL2 *) model;
  guint h = (guint) ev->a;

  switch (ev->kind)
    {
    case EV_INIT:
      update_all (m);
      break;
    case EV_BOOT:
      m->boot_ev[h] = FS_HANDLE_NONE;
      host_start (m, h, ev->b != 0);
      break;
    case EV_GARP:
      m->garp_ev[h] = FS_HANDLE_NONE;
      learn (m, h);
      update_host (m, h);
      fs_net_remeasure (m->net);
      break;
    case EV_EXPIRE:
      /* Traffic is assumed steady, so the entry is looked up (and re-ARPed) as it expires. */
      m->expire_ev[h] = FS_HANDLE_NONE;
      if (answers (m, h))
        learn (m, h);
      else
        m->arp_site[h] = -1, m->arp_expires[h] = -1;
      update_host (m, h);
      fs_net_remeasure (m->net);
      break;
    case EV_STORM_END:
      storm_end (m, (guint) ev->a, m->storms[ev->a].cause);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
l2_finish (FsModel *model, FsKernel *k)
{
  FsL2 *m = (FsL2 *) model;
  guint v;

  for (v = 0; v < m->nv; v++)
    if (m->storms[v].active)
      report_storm (m, v, fs_kernel_now (k) - m->storms[v].start);
}

static void
l2_free (FsModel *model)
{
  FsL2 *m = (FsL2 *) model;
  guint v;

  g_array_unref (m->blamed);
  g_ptr_array_unref (m->storm_labels);
  for (v = 0; v < m->nv; v++)
    {
      g_free (m->storms[v].site_in);
      g_array_unref (m->storms[v].links);
      g_array_unref (m->storms[v].hosts);
      g_free (m->storms[v].name);
    }
  g_free (m->storms);
  g_free (m->host_vlan);
  g_free (m->running);
  g_free (m->arp_site);
  g_free (m->arp_expires);
  g_free (m->expire_ev);
  g_free (m->boot_ev);
  g_free (m->garp_ev);
  g_free (m->stale);
  g_free (m->trombone);
  g_free (m->dist);
  g_free (m->site_refs);
  g_free (m->link_refs);
  g_free (m);
}

static const FsModelOps l2_ops = {
  .name = "l2",
  .handle = l2_handle,
  .finish = l2_finish,
  .free = l2_free,
};

FsL2 *
fs_l2_from_model (FsModel *model)
{
  g_return_val_if_fail (model != NULL && model->ops == &l2_ops, NULL);
  return (FsL2 *) model;
}

int
fs_l2_vlan_index (const FsL2 *l2, const char *name)
{
  return fs_schema_index_by_name (l2->spec->vlans, sizeof (VlanSpec), name);
}

gboolean
fs_l2_vlan_is_storming (const FsL2 *l2, guint vlan)
{
  g_return_val_if_fail (vlan < l2->nv, FALSE);
  return l2->storms[vlan].active;
}

int
fs_l2_arp_site (const FsL2 *l2, guint host)
{
  g_return_val_if_fail (host < l2->nh, -1);
  return l2->host_vlan[host] >= 0 ? l2->arp_site[host] : -1;
}

FsTime
fs_l2_arp_expires (const FsL2 *l2, guint host)
{
  g_return_val_if_fail (host < l2->nh, -1);
  return l2->host_vlan[host] >= 0 ? l2->arp_expires[host] : -1;
}

/* --- the specification, read by other modules (the run's topology.json) -------------------- */

static const VlanSpec *
spec_vlan (const FsScenario *sc, guint vlan)
{
  const L2Spec *s = get_spec (sc);

  g_return_val_if_fail (s != NULL && vlan < s->vlans->len, NULL);
  return vlan_spec (s, vlan);
}

guint
fs_l2_spec_n_vlans (const FsScenario *sc)
{
  const L2Spec *s = get_spec (sc);

  return s != NULL ? s->vlans->len : 0;
}

const char *
fs_l2_spec_vlan_name (const FsScenario *sc, guint vlan)
{
  const VlanSpec *v = spec_vlan (sc, vlan);

  return v ? v->name : NULL;
}

int64_t
fs_l2_spec_vlan_id (const FsScenario *sc, guint vlan)
{
  const VlanSpec *v = spec_vlan (sc, vlan);

  return v ? v->id : 0;
}

int
fs_l2_spec_vlan_subnet (const FsScenario *sc, guint vlan)
{
  const VlanSpec *v = spec_vlan (sc, vlan);

  return v ? v->subnet : -1;
}

guint
fs_l2_spec_vlan_n_sites (const FsScenario *sc, guint vlan)
{
  const VlanSpec *v = spec_vlan (sc, vlan);

  return v ? v->n_sites : 0;
}

int
fs_l2_spec_vlan_site (const FsScenario *sc, guint vlan, guint i)
{
  const VlanSpec *v = spec_vlan (sc, vlan);

  g_return_val_if_fail (v != NULL && i < v->n_sites, -1);
  return v->sites[i];
}

guint
fs_l2_spec_vlan_n_interconnects (const FsScenario *sc, guint vlan)
{
  const VlanSpec *v = spec_vlan (sc, vlan);

  return v ? v->n_links : 0;
}

int
fs_l2_spec_vlan_interconnect (const FsScenario *sc, guint vlan, guint i)
{
  const VlanSpec *v = spec_vlan (sc, vlan);

  g_return_val_if_fail (v != NULL && i < v->n_links, -1);
  return v->links[i];
}

static gboolean
vlans_build (FsSim *sim, GError **error)
{
  const FsScenario *sc = fs_sim_scenario (sim);
  const L2Spec *spec = get_spec (sc);
  FsKernel *k = fs_sim_kernel (sim);
  FsModel *net_model = fs_sim_model (sim, "net");
  FsL2 *m;
  guint v, h, i;

  if (spec == NULL || spec->vlans->len == 0 || net_model == NULL)
    return TRUE;   /* no VLAN: the net model keeps its own last-hop rule */
  m = g_new0 (FsL2, 1);
  m->base.ops = &l2_ops;
  m->base.name = g_strdup ("l2");
  m->k = k;
  m->sc = sc;
  m->spec = spec;
  m->net = fs_net_from_model (net_model);
  m->sites = fs_sites_from_model (fs_sim_model (sim, "sites"));
  m->nv = spec->vlans->len;
  m->nh = fs_net_n_hosts (m->net);
  m->ns = fs_sites_count (m->sites);
  for (v = 0; v < m->nv; v++)
    for (i = 0; i < vlan_of (m, v)->n_links; i++)
      m->nl = MAX (m->nl, (guint) vlan_of (m, v)->links[i] + 1);

  m->host_vlan = g_new (int, MAX (m->nh, 1));
  m->running = g_malloc (MAX (m->nh, 1));
  memset (m->running, 1, m->nh);
  m->arp_site = g_new (int, MAX (m->nh, 1));
  m->arp_expires = g_new (FsTime, MAX (m->nh, 1));
  m->expire_ev = g_new0 (FsHandle, MAX (m->nh, 1));
  m->boot_ev = g_new0 (FsHandle, MAX (m->nh, 1));
  m->garp_ev = g_new0 (FsHandle, MAX (m->nh, 1));
  m->stale = g_malloc0 (MAX (m->nh, 1));
  m->trombone = g_malloc0 (MAX (m->nh, 1));
  m->dist = g_new (FsTime, MAX (m->ns, 1));
  m->site_refs = g_new0 (guint, MAX (m->ns, 1));
  m->link_refs = g_new0 (guint, MAX (m->nl, 1));
  m->storms = g_new0 (Storm, m->nv);
  for (v = 0; v < m->nv; v++)
    {
      m->storms[v].site_in = g_malloc0 (MAX (m->ns, 1));
      m->storms[v].links = g_array_new (FALSE, FALSE, sizeof (int));
      m->storms[v].hosts = g_array_new (FALSE, FALSE, sizeof (guint));
    }
  m->boot_rng = fs_kernel_stream (k, "l2.boot");
  m->blamed = g_array_new (FALSE, TRUE, sizeof (uint64_t));
  m->storm_labels = g_ptr_array_new_with_free_func (g_free);
  m->metrics = fs_sim_metrics (sim);

  m->t_arp_down = fs_kernel_topic (k, "arp.down");
  m->t_arp_up = fs_kernel_topic (k, "arp.up");
  m->t_trombone = fs_kernel_topic (k, "l2.trombone_ns");
  m->t_storm_down = fs_kernel_topic (k, "storm.down");
  m->t_storm_up = fs_kernel_topic (k, "storm.up");
  m->t_storm_duration = fs_kernel_topic (k, "storm.duration_ns");
  m->t_host_down = fs_kernel_topic (k, "spread.host.down");
  m->t_host_up = fs_kernel_topic (k, "spread.host.up");
  m->t_site_down = fs_kernel_topic (k, "spread.site.down");
  m->t_site_up = fs_kernel_topic (k, "spread.site.up");
  m->t_link_down = fs_kernel_topic (k, "spread.link.down");
  m->t_link_up = fs_kernel_topic (k, "spread.link.up");
  m->t_vlan_down = fs_kernel_topic (k, "spread.vlan.down");
  m->t_vlan_up = fs_kernel_topic (k, "spread.vlan.up");
  fs_sim_add_model (sim, "l2", &m->base);

  /* At time 0 the gateway has learned every host where it runs. */
  for (h = 0; h < m->nh; h++)
    {
      m->host_vlan[h] = vlan_of_subnet (spec, fs_net_host_subnet (m->net, h));
      m->arp_site[h] = -1;
      m->arp_expires[h] = -1;
      if (m->host_vlan[h] >= 0)
        learn (m, h);
    }
  fs_kernel_schedule (k, &m->base, 0, EV_INIT, 0, 0);
  fs_net_set_last_hop (m->net, last_hop, m);
  fs_sites_listen (m->sites, site_listener, m);
  return TRUE;
}

/* --- timeline actions ------------------------------------------------------------------------------ */

static FsL2 *
l2_of (FsSim *sim)
{
  return fs_l2_from_model (fs_sim_model (sim, "l2"));
}

typedef struct {
  char *host_name;
  char *to_name;
  gboolean garp;
  FsDist *boot;
  int host;
  int site;
} MoveArgs;

static const FsField move_fields[] = {
  { "host", FS_FIELD_NAME, offsetof (MoveArgs, host_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VM that moves, keeping its address; its subnet must be carried by a VLAN.", "app-1" },
  { "to", FS_FIELD_NAME, offsetof (MoveArgs, to_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The site it starts at: one of its VLAN's sites.", "recovery" },
  { "garp", FS_FIELD_BOOL, offsetof (MoveArgs, garp), FALSE, "true", 0, 0, 0, 0, NULL,
    "Whether it announces itself with a gratuitous ARP garp_delay after it starts; without one "
    "the gateway's entry stays stale until it ages out.", "false" },
  { "boot", FS_FIELD_DIST, offsetof (MoveArgs, boot), FALSE, "0", 0, 0, 0, 0, NULL,
    "From its stop at the old site to its start at the new one.", "lognormal(60s, 20s)" },
  FS_FIELD_END
};

static gboolean
check_move (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  MoveArgs *a = args;
  const L2Spec *s = get_spec (sc);
  int v;

  if ((a->host = fs_net_spec_host (sc, fs_node_get (entry, "host"), error)) < 0)
    return FALSE;
  if ((a->site = fs_sites_spec_resolve (sc, fs_node_get (entry, "to"), error)) < 0)
    return FALSE;
  v = vlan_of_subnet (s, fs_net_spec_host_subnet (sc, a->host));
  if (v < 0)
    return fs_node_error (error, fs_node_get (entry, "host"), FS_SCENARIO_ERROR_RULE,
                          "host '%s' is in a subnet no VLAN carries: host.move keeps an address only "
                          "within a VLAN (subnet.move moves a whole subnet)", a->host_name);
  if (!vlan_has_site (vlan_spec (s, v), a->site))
    return fs_node_error (error, fs_node_get (entry, "to"), FS_SCENARIO_ERROR_RULE,
                          "host '%s' is in subnet '%s', which is not stretched to site '%s'",
                          a->host_name, vlan_spec (s, v)->subnet_name, a->to_name);
  return TRUE;
}

static void
move_fire (FsSim *sim, const void *args)
{
  const MoveArgs *a = args;
  FsL2 *m = l2_of (sim);
  FsTime boot;

  fs_kernel_cancel (m->k, m->boot_ev[a->host]);
  fs_kernel_cancel (m->k, m->garp_ev[a->host]);
  m->boot_ev[a->host] = m->garp_ev[a->host] = FS_HANDLE_NONE;
  m->running[a->host] = FALSE;
  fs_net_move_host (m->net, a->host, a->site);
  update_host (m, a->host);
  boot = fs_dist_sample (a->boot, m->boot_rng);
  if (boot == 0)
    host_start (m, a->host, a->garp);
  else
    m->boot_ev[a->host] = fs_kernel_schedule (m->k, &m->base, boot, EV_BOOT, a->host, a->garp);
}

typedef struct {
  char *vlan_name;
  char *site_name;
  char *host_name;
  int vlan;
  int site;
  int host;
} StormArgs;

static const FsField storm_fields[] = {
  { "vlan", FS_FIELD_NAME, offsetof (StormArgs, vlan_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VLAN the storm floods.", "app-vlan" },
  { "site", FS_FIELD_NAME, offsetof (StormArgs, site_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "Where it starts: one of the VLAN's sites; default: the host's site if a host is named, "
    "else the gateway's.", "recovery" },
  { "host", FS_FIELD_NAME, offsetof (StormArgs, host_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The host that starts it (a looped NIC, a bridging VM); in the VLAN's subnet.", "app-2" },
  FS_FIELD_END
};

static const FsField isolate_fields[] = {
  { "vlan", FS_FIELD_NAME, offsetof (StormArgs, vlan_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VLAN whose storm is isolated.", "app-vlan" },
  FS_FIELD_END
};

static gboolean
check_storm (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  StormArgs *a = args;
  const L2Spec *s = get_spec (sc);

  a->site = a->host = -1;
  if ((a->vlan = resolve_vlan (sc, fs_node_get (entry, "vlan"), error)) < 0)
    return FALSE;
  if (a->site_name != NULL)
    {
      if ((a->site = fs_sites_spec_resolve (sc, fs_node_get (entry, "site"), error)) < 0)
        return FALSE;
      if (!vlan_has_site (vlan_spec (s, a->vlan), a->site))
        return fs_node_error (error, fs_node_get (entry, "site"), FS_SCENARIO_ERROR_RULE,
                              "VLAN '%s' does not reach site '%s'", a->vlan_name, a->site_name);
    }
  if (a->host_name != NULL)
    {
      if ((a->host = fs_net_spec_host (sc, fs_node_get (entry, "host"), error)) < 0)
        return FALSE;
      if (fs_net_spec_host_subnet (sc, a->host) != vlan_spec (s, a->vlan)->subnet)
        return fs_node_error (error, fs_node_get (entry, "host"), FS_SCENARIO_ERROR_RULE,
                              "host '%s' is not in subnet '%s', which VLAN '%s' carries", a->host_name,
                              vlan_spec (s, a->vlan)->subnet_name, a->vlan_name);
    }
  return TRUE;
}

static gboolean
check_isolate (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  StormArgs *a = args;

  return (a->vlan = resolve_vlan (sc, fs_node_get (entry, "vlan"), error)) >= 0;
}

static void
storm_fire (FsSim *sim, const void *args)
{
  const StormArgs *a = args;
  FsL2 *m = l2_of (sim);
  int origin = a->site;

  if (origin < 0 && a->host >= 0)
    origin = fs_net_host_site (m->net, a->host);
  if (origin < 0 || !vlan_has_site (vlan_of (m, a->vlan), origin))
    origin = vlan_of (m, a->vlan)->gateway;
  storm_start (m, a->vlan, origin, a->host);
}

static void
isolate_fire (FsSim *sim, const void *args)
{
  const StormArgs *a = args;

  storm_end (l2_of (sim), a->vlan, END_ACTION);
}

static const FsSection vlans_section = {
  .key = "vlans",
  .help = "VLANs: the broadcast domain carrying a subnet, in one site or stretched over several.",
  .model = "l2",
  .order = 30,
  .load = vlans_load,
  .check = NULL,
  .build = vlans_build,
  .fields = vlan_fields,
};

static const FsAction actions[] = {
  { "host.move", "A VM stops at its site and starts at another site of its VLAN, keeping its "
    "address; the gateway's ARP entry is stale until a gratuitous ARP or its aging.", move_fields,
    sizeof (MoveArgs), check_move, move_fire, NULL },
  { "vlan.storm", "A broadcast storm floods the VLAN wherever its live interconnects reach, until "
    "storm control or an operator stops it.", storm_fields, sizeof (StormArgs), check_storm,
    storm_fire, NULL },
  { "vlan.isolate", "An operator isolates the VLAN's storm now.", isolate_fields, sizeof (StormArgs),
    check_isolate, isolate_fire, NULL },
};

void
fs__l2_register (void)
{
  guint i;

  fs_scenario_register_section (&vlans_section);
  for (i = 0; i < G_N_ELEMENTS (actions); i++)
    fs_scenario_register_action (&actions[i]);
}
