/* net-spec.c: the network model's scenario keys and their load-time rules.
 *
 * Rules refused at load, each with a located message: a router in no declared site; a link
 * that does not join two distinct declared routers; a subnet prefix with host bits set or
 * overlapping another subnet (overlapping ranges are refused, seed 002); a subnet in a site
 * with no router to originate it; a host address in no subnet, or used twice; a static
 * route whose next hop is not a neighbour; an ExpressRoute circuit's connection (circuit:) that
 * is not kind: expressroute, or a site-to-site VPN's local_networks on a link that is not
 * kind: vpn, or either on a link that does not have exactly one end in a cloud-region site. */
#include "net-private.h"

#include <string.h>

#include "failsim/site.h"

static const char *const link_kinds[] = { "private", "vpn", "expressroute", "dci", "internet", NULL };
enum { KIND_PRIVATE, KIND_VPN, KIND_EXPRESSROUTE };
static const char *const link_states[] = { "up", "down", NULL };

/* Guards the size of what is read from a shared file. */
#define MAX_LOCAL_NETWORKS 1000

static const FsField routing_fields[] = {
  { "mrai", FS_FIELD_DURATION, offsetof (RoutingSpec, mrai), FALSE, "30s", 0, FS_HOUR, 0, 0, NULL,
    "Minimum route advertisement interval per session: announcements to a neighbour are held "
    "back until it has passed since the last (RFC 4271 eBGP default 30s; FRR uses 0s).", "5s" },
  { "hold", FS_FIELD_DURATION, offsetof (RoutingSpec, hold), FALSE, "90s", FS_SEC, FS_DAY, 0, 0, NULL,
    "Hold time: how long a neighbour that went silent is still believed (RFC 4271: 90s; Cisco IOS: 180s).",
    "180s" },
  { "processing", FS_FIELD_DURATION, offsetof (RoutingSpec, processing), FALSE, "5ms", 0, FS_MIN, 0, 0,
    NULL, "Time a router takes to process an update before it acts on it and passes it on.", "10ms" },
  { "bfd_interval", FS_FIELD_DURATION, offsetof (RoutingSpec, bfd_interval), FALSE, "300ms", FS_MSEC,
    FS_MIN, 0, 0, NULL, "BFD transmit interval on links with bfd: true (FRR default 300ms).", "50ms" },
  { "bfd_multiplier", FS_FIELD_INT, offsetof (RoutingSpec, bfd_multiplier), FALSE, "3", 1, 255, 0, 0,
    NULL, "BFD detect multiplier: a neighbour is declared down after this many missed intervals "
    "(RFC 5880; FRR default 3).", "3" },
  FS_FIELD_END
};

static const FsField router_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (RouterSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The router's name, unique in the scenario.", "r-primary" },
  { "site", FS_FIELD_NAME, offsetof (RouterSpec, site_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The site it stands in; it fails with the site.", "primary" },
  { "description", FS_FIELD_STRING, offsetof (RouterSpec, description), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A sentence about the router; informational.", "\"core router, New York\"" },
  FS_FIELD_END
};

static const FsField link_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (LinkSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The link's name, unique in the scenario.", "primary-recovery" },
  { "between", FS_FIELD_NODE, offsetof (LinkSpec, between), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The two routers it joins.", "[r-primary, r-recovery]" },
  { "kind", FS_FIELD_ENUM, offsetof (LinkSpec, kind), FALSE, "private", 0, 0, 0, 0, link_kinds,
    "What carries it: a private circuit, a site-to-site VPN, ExpressRoute, a data-center "
    "interconnect or the internet.", "vpn" },
  { "latency", FS_FIELD_DURATION, offsetof (LinkSpec, latency), FALSE, "1ms", 0, FS_MIN, 0, 0, NULL,
    "One-way latency.", "12ms" },
  { "bfd", FS_FIELD_BOOL, offsetof (LinkSpec, bfd), FALSE, "false", 0, 0, 0, 0, NULL,
    "Whether BFD watches the session: a dead neighbour is then noticed after bfd_multiplier x "
    "bfd_interval instead of the hold time.", "true" },
  { "carrier", FS_FIELD_BOOL, offsetof (LinkSpec, carrier), FALSE, "false", 0, 0, 0, 0, NULL,
    "Whether each end senses the loss of the other at once (a point-to-point circuit that "
    "drops carrier); a VPN over the internet does not.", "true" },
  { "description", FS_FIELD_STRING, offsetof (LinkSpec, description), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A sentence about the link; informational.", "\"site-to-site VPN\"" },
  { "circuit", FS_FIELD_NAME, offsetof (LinkSpec, circuit), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The ExpressRoute circuit this link is a connection of (kind: expressroute, one end in a "
    "cloud-region site); links with the same circuit are its connections to different virtual "
    "networks.", "er-contoso" },
  { "state", FS_FIELD_ENUM, offsetof (LinkSpec, state), FALSE, "up", 0, 0, 0, 0, link_states,
    "Whether the link is up at the start; a link that starts down is as if link.fail had fired "
    "before time 0 (routing starts converged without it) until a link.repair. A circuit's "
    "connection (circuit:) that starts down is not connected: only circuit.connect makes it, and "
    "link.fail / link.repair model a failure of the connection, which neither removes it nor "
    "makes it.",
    "down" },
  { "local_networks", FS_FIELD_NODE, offsetof (LinkSpec, local_networks_node), FALSE, NULL, 0, 0, 0, 0,
    NULL, "For a site-to-site VPN (kind: vpn) to a virtual network in a cloud-region site: the "
    "on-premises ranges that virtual network routes over it (its local network); they may not "
    "overlap the virtual network's own ranges.", "[10.0.0.0/16]" },
  FS_FIELD_END
};

static const FsField subnet_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (SubnetSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The subnet's name, unique in the scenario.", "app" },
  { "prefix", FS_FIELD_STRING, offsetof (SubnetSpec, prefix_text), TRUE, NULL, 0, 0, 0, 0, NULL,
    "Its address range, IPv4 or IPv6; no two subnets may overlap.", "192.168.1.0/24" },
  { "site", FS_FIELD_NAME, offsetof (SubnetSpec, site_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The site where it lives at the start.", "primary" },
  { "router", FS_FIELD_NAME, offsetof (SubnetSpec, router_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The router of that site that originates it; default: the first router declared there.",
    "r-primary" },
  { "description", FS_FIELD_STRING, offsetof (SubnetSpec, description), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A sentence about the subnet; informational.", "\"application tier\"" },
  FS_FIELD_END
};

static const char *const host_states[] = { "running", "stopped", NULL };

static const FsField host_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (HostSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The host's name, unique in the scenario.", "app-1" },
  { "ip", FS_FIELD_STRING, offsetof (HostSpec, ip_text), TRUE, NULL, 0, 0, 0, 0, NULL,
    "Its address, which must lie in one of the subnets.", "192.168.1.10" },
  { "site", FS_FIELD_NAME, offsetof (HostSpec, site_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The site it runs at the start; default: its subnet's site.", "primary" },
  { "state", FS_FIELD_ENUM, offsetof (HostSpec, state), FALSE, "running", 0, 0, 0, 0, host_states,
    "Whether it runs at the start; a replica waiting for failover is stopped until a host.start.",
    "stopped" },
  FS_FIELD_END
};

static const FsField static_fields[] = {
  { "router", FS_FIELD_NAME, offsetof (StaticSpec, router_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The router whose forwarding table holds the route.", "r-third" },
  { "prefix", FS_FIELD_STRING, offsetof (StaticSpec, prefix_text), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The destination.", "192.168.1.0/24" },
  { "via", FS_FIELD_NAME, offsetof (StaticSpec, via_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The next-hop router, which must share a link with it. A static route beats one learned "
    "from the routing protocol, and is used while that link is up.", "r-primary" },
  FS_FIELD_END
};

static const FsField flow_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (FlowSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The flow's name, unique in the scenario.", "third-to-app" },
  { "from", FS_FIELD_NAME, offsetof (FlowSpec, from_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The router the traffic enters the network at (the clients' site router).", "r-third" },
  { "to", FS_FIELD_STRING, offsetof (FlowSpec, to_text), TRUE, NULL, 0, 0, 0, 0, NULL,
    "Where it goes: a host's name, or an address.", "app-1" },
  FS_FIELD_END
};

/* --- the spec -------------------------------------------------------------------------------- */

static void router_clear (gpointer p) { fs_schema_clear (router_fields, p); }
static void
link_clear (gpointer p)
{
  LinkSpec *l = p;

  fs_schema_clear (link_fields, l);
  g_clear_pointer (&l->local_networks, g_array_unref);
}

static void subnet_clear (gpointer p) { fs_schema_clear (subnet_fields, p); }
static void host_clear (gpointer p) { fs_schema_clear (host_fields, p); }
static void static_clear (gpointer p) { fs_schema_clear (static_fields, p); }
static void flow_clear (gpointer p) { fs_schema_clear (flow_fields, p); }

static GArray *
new_array (size_t size, GDestroyNotify clear)
{
  GArray *a = g_array_new (FALSE, TRUE, size);

  g_array_set_clear_func (a, clear);
  return a;
}

static void
net_spec_free (gpointer p)
{
  NetSpec *s = p;

  g_array_unref (s->routers);
  g_array_unref (s->links);
  g_array_unref (s->subnets);
  g_array_unref (s->hosts);
  g_array_unref (s->statics);
  g_array_unref (s->flows);
  g_array_unref (s->prefixes);
  g_clear_pointer (&s->host_by_name, g_hash_table_destroy);
  g_clear_pointer (&s->host_by_ip, g_hash_table_destroy);
  g_free (s);
}

NetSpec *
fs__net_spec (FsScenario *sc)
{
  NetSpec *s = fs_scenario_get_spec (sc, "net");
  GError *error = NULL;

  if (s != NULL)
    return s;
  s = g_new0 (NetSpec, 1);
  s->routers = new_array (sizeof (RouterSpec), router_clear);
  s->links = new_array (sizeof (LinkSpec), link_clear);
  s->subnets = new_array (sizeof (SubnetSpec), subnet_clear);
  s->hosts = new_array (sizeof (HostSpec), host_clear);
  s->statics = new_array (sizeof (StaticSpec), static_clear);
  s->flows = new_array (sizeof (FlowSpec), flow_clear);
  s->prefixes = g_array_new (FALSE, TRUE, sizeof (FsPrefix));
  /* Defaults are read through the table like any value, so the docs and the code agree. */
  {
    g_autoptr (FsNode) empty = fs_node_load_data ("defaults", "{}", -1, &error);
    if (empty == NULL || !fs_schema_read (empty, "routing", routing_fields, &s->routing, &error))
      g_error ("routing defaults: %s", error->message);
  }
  fs_scenario_set_spec (sc, "net", s, net_spec_free);
  return s;
}

const NetSpec *
fs__net_spec_get (const FsScenario *sc)
{
  return fs_scenario_get_spec (sc, "net");
}

int
fs__net_spec_prefix (NetSpec *spec, const FsPrefix *p)
{
  guint i;

  for (i = 0; i < spec->prefixes->len; i++)
    if (fs_prefix_equal (&g_array_index (spec->prefixes, FsPrefix, i), p))
      return (int) i;
  g_array_append_val (spec->prefixes, *p);
  return (int) spec->prefixes->len - 1;
}

/* Every spec struct but StaticSpec starts with its name. */
static int
resolve_named (const FsNode *node, const GArray *items, size_t size, const char *what,
               GError **error)
{
  g_autofree const char **names = g_new0 (const char *, items->len + 1);
  guint i;

  for (i = 0; i < items->len; i++)
    names[i] = *(char **) (items->data + i * size);
  return fs_schema_resolve (node, what, names, items->len, error);
}

int
fs__net_resolve_router (const FsScenario *sc, const FsNode *node, GError **error)
{
  const NetSpec *s = fs__net_spec_get (sc);
  static const GArray empty = { NULL, 0 };

  return resolve_named (node, s ? s->routers : &empty, sizeof (RouterSpec), "router", error);
}

int
fs__net_resolve_link (const FsScenario *sc, const FsNode *node, GError **error)
{
  const NetSpec *s = fs__net_spec_get (sc);
  static const GArray empty = { NULL, 0 };

  return resolve_named (node, s ? s->links : &empty, sizeof (LinkSpec), "link", error);
}

int
fs__net_resolve_subnet (const FsScenario *sc, const FsNode *node, GError **error)
{
  const NetSpec *s = fs__net_spec_get (sc);
  static const GArray empty = { NULL, 0 };

  return resolve_named (node, s ? s->subnets : &empty, sizeof (SubnetSpec), "subnet", error);
}

int
fs__net_link_between (const NetSpec *spec, int a, int b)
{
  guint l;

  for (l = 0; l < spec->links->len; l++)
    {
      const LinkSpec *ls = &g_array_index (spec->links, LinkSpec, l);
      if ((ls->end[0] == a && ls->end[1] == b) || (ls->end[0] == b && ls->end[1] == a))
        return (int) l;
    }
  return -1;
}

/* Names are unique within their kind; the message points at the second and names the first. */
static gboolean
check_unique (const GArray *items, size_t size, guint last, const FsNode *node, const char *what,
              GError **error)
{
  const char *name = *(char **) (items->data + last * size);
  guint i;

  for (i = 0; i < last; i++)
    if (strcmp (*(char **) (items->data + i * size), name) == 0)
      {
        const FsNode *first = *(const FsNode **) (items->data + i * size + size - sizeof (FsNode *));
        return fs_node_error (error, fs_node_get (node, "name"), FS_SCENARIO_ERROR_DUPLICATE,
                              "%s '%s' is declared twice (first at line %d)", what, name,
                              first ? first->line : 0);
      }
  return TRUE;
}

/* Reads a list section item by item into @items, calling @finish on each read item; every
 * problem is recorded and the item dropped, so one validate run lists them all. */
typedef gboolean (*FinishFunc) (FsScenario *sc, NetSpec *spec, void *item, const FsNode *node,
                                GError **error);

static gboolean
load_list (FsScenario *sc, const FsNode *value, const char *key, const char *what,
           const FsField *fields, GArray *items, size_t size, gboolean named, FinishFunc finish,
           GError **error)
{
  NetSpec *spec = fs__net_spec (sc);
  g_autofree guint8 *item = g_malloc0 (size);
  guint i;

  if (value == NULL)
    return TRUE;
  if (value->kind != FS_NODE_SEQ)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_TYPE, "'%s' must be a list (- ...), got %s",
                          key, fs_node_kind_name (value->kind));
  for (i = 0; i < fs_node_len (value); i++)
    {
      const FsNode *node = fs_node_item (value, i);
      GError *local = NULL;

      memset (item, 0, size);
      /* The node pointer is the last member of every spec struct. */
      *(const FsNode **) (item + size - sizeof (FsNode *)) = node;
      if (!fs_schema_read (node, what, fields, item, &local)
          || (finish != NULL && !finish (sc, spec, item, node, &local)))
        {
          fs_scenario_add_error (sc, local);
          fs_schema_clear (fields, item);
          continue;
        }
      g_array_append_vals (items, item, 1);
      if (named && !check_unique (items, size, items->len - 1, node, what, &local))
        {
          fs_scenario_add_error (sc, local);
          g_array_set_size (items, items->len - 1);
        }
    }
  return TRUE;
}

static gboolean
routing_load (FsScenario *sc, const FsNode *value, GError **error)
{
  NetSpec *spec = fs__net_spec (sc);

  if (value == NULL)
    return TRUE;
  return fs_schema_read (value, "routing", routing_fields, &spec->routing, error);
}

static gboolean
finish_router (FsScenario *sc, NetSpec *spec, void *item, const FsNode *node, GError **error)
{
  RouterSpec *r = item;

  r->site = fs_sites_spec_resolve (sc, fs_node_get (node, "site"), error);
  return r->site >= 0;
}

static gboolean
routers_load (FsScenario *sc, const FsNode *value, GError **error)
{
  return load_list (sc, value, "routers", "router", router_fields, fs__net_spec (sc)->routers,
                    sizeof (RouterSpec), TRUE, finish_router, error);
}

/* How many ends of @l stand in a cloud-region site. */
static int
cloud_ends (FsScenario *sc, const NetSpec *spec, const LinkSpec *l)
{
  int e, n = 0;

  for (e = 0; e < 2; e++)
    if (fs_sites_spec_kind (sc, g_array_index (spec->routers, RouterSpec, l->end[e]).site)
        == FS_SITE_CLOUD_REGION)
      n++;
  return n;
}

/* An ExpressRoute circuit's connection, or a site-to-site VPN with its local network, joins an
 * on-premises network to one Azure virtual network (seeds 002 and 004): the rules that tie them
 * to the virtual network's ranges are the dr model's, once every range is known. */
static gboolean
finish_azure_link (FsScenario *sc, NetSpec *spec, LinkSpec *l, const FsNode *node, GError **error)
{
  const FsNode *list = l->local_networks_node;
  guint i;

  if (l->circuit != NULL && l->kind != KIND_EXPRESSROUTE)
    return fs_node_error (error, fs_node_get (node, "circuit"), FS_SCENARIO_ERROR_RULE,
                          "'circuit' names an ExpressRoute circuit, so link '%s' must be kind: "
                          "expressroute", l->name);
  if (list != NULL && l->kind != KIND_VPN)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_RULE,
                          "'local_networks' are the on-premises ranges of a site-to-site VPN, so "
                          "link '%s' must be kind: vpn", l->name);
  if (cloud_ends (sc, spec, l) != 1)
    return fs_node_error (error, fs_node_get (node, l->circuit != NULL ? "circuit" : "local_networks"),
                          FS_SCENARIO_ERROR_RULE,
                          "link '%s' %s an on-premises network to an Azure virtual network, so "
                          "exactly one of its ends must stand in a cloud-region site", l->name,
                          l->circuit != NULL ? "is an ExpressRoute connection joining"
                                             : "has local networks: it is a site-to-site VPN joining");
  if (list == NULL)
    return TRUE;
  if (list->kind != FS_NODE_SEQ || fs_node_len (list) == 0)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_TYPE,
                          "'local_networks' must list one or more prefixes, as in [10.0.0.0/16]");
  if (fs_node_len (list) > MAX_LOCAL_NETWORKS)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_LIMIT, "%u local networks is more than "
                          "failsim accepts (%d)", fs_node_len (list), MAX_LOCAL_NETWORKS);
  l->local_networks = g_array_new (FALSE, FALSE, sizeof (FsPrefix));
  for (i = 0; i < fs_node_len (list); i++)
    {
      const FsNode *item = fs_node_item (list, i);
      GError *local = NULL;
      FsPrefix p;

      if (item->kind != FS_NODE_SCALAR)
        fs_node_error (error, item, FS_SCENARIO_ERROR_TYPE, "a local network is a prefix, as in "
                       "10.0.0.0/16, not %s", fs_node_kind_name (item->kind));
      else if (!fs_prefix_parse (item->text, &p, &local))
        {
          fs_node_error (error, item, FS_SCENARIO_ERROR_RANGE, "'local_networks': %s", local->message);
          g_error_free (local);
        }
      else
        {
          g_array_append_val (l->local_networks, p);
          continue;
        }
      /* load_list clears only what the field table read. */
      g_clear_pointer (&l->local_networks, g_array_unref);
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_link (FsScenario *sc, NetSpec *spec, void *item, const FsNode *node, GError **error)
{
  LinkSpec *l = item;
  int e;

  if (l->between->kind != FS_NODE_SEQ || fs_node_len (l->between) != 2)
    return fs_node_error (error, l->between, FS_SCENARIO_ERROR_TYPE,
                          "'between' must list exactly two routers, as in [r-primary, r-recovery]");
  for (e = 0; e < 2; e++)
    {
      l->end[e] = fs__net_resolve_router (sc, fs_node_item (l->between, e), error);
      if (l->end[e] < 0)
        return FALSE;
    }
  if (l->end[0] == l->end[1])
    return fs_node_error (error, l->between, FS_SCENARIO_ERROR_RULE,
                          "a link joins two different routers; both ends are '%s'",
                          fs_node_item (l->between, 0)->text);
  if (fs__net_link_between (spec, l->end[0], l->end[1]) >= 0)
    return fs_node_error (error, l->between, FS_SCENARIO_ERROR_DUPLICATE,
                          "'%s' and '%s' are already joined by link '%s'; one link per pair of routers",
                          fs_node_item (l->between, 0)->text, fs_node_item (l->between, 1)->text,
                          g_array_index (spec->links, LinkSpec,
                                         fs__net_link_between (spec, l->end[0], l->end[1])).name);
  if (l->circuit != NULL || l->local_networks_node != NULL)
    return finish_azure_link (sc, spec, l, node, error);
  return TRUE;
}

static gboolean
links_load (FsScenario *sc, const FsNode *value, GError **error)
{
  return load_list (sc, value, "links", "link", link_fields, fs__net_spec (sc)->links,
                    sizeof (LinkSpec), TRUE, finish_link, error);
}

static int
first_router_at (const NetSpec *spec, int site)
{
  guint r;

  for (r = 0; r < spec->routers->len; r++)
    if (g_array_index (spec->routers, RouterSpec, r).site == site)
      return (int) r;
  return -1;
}

static gboolean
parse_prefix_at (const FsNode *node, const char *key, const char *text, FsPrefix *out, GError **error)
{
  GError *local = NULL;

  if (!fs_prefix_parse (text, out, &local))
    {
      fs_node_error (error, fs_node_get (node, key), FS_SCENARIO_ERROR_RANGE, "'%s': %s", key,
                     local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_subnet (FsScenario *sc, NetSpec *spec, void *item, const FsNode *node, GError **error)
{
  SubnetSpec *s = item;
  guint i;

  if (!parse_prefix_at (node, "prefix", s->prefix_text, &s->prefix, error))
    return FALSE;
  for (i = 0; i < spec->subnets->len; i++)
    {
      const SubnetSpec *o = &g_array_index (spec->subnets, SubnetSpec, i);
      if (fs_prefix_overlaps (&o->prefix, &s->prefix))
        return fs_node_error (error, fs_node_get (node, "prefix"), FS_SCENARIO_ERROR_RULE,
                              "%s overlaps subnet '%s' (%s, line %d); overlapping ranges are refused",
                              s->prefix_text, o->name, o->prefix_text, o->node->line);
    }
  s->site = fs_sites_spec_resolve (sc, fs_node_get (node, "site"), error);
  if (s->site < 0)
    return FALSE;
  if (s->router_name != NULL)
    {
      s->router = fs__net_resolve_router (sc, fs_node_get (node, "router"), error);
      if (s->router < 0)
        return FALSE;
      if (g_array_index (spec->routers, RouterSpec, s->router).site != s->site)
        return fs_node_error (error, fs_node_get (node, "router"), FS_SCENARIO_ERROR_RULE,
                              "router '%s' stands in site '%s', not in '%s'", s->router_name,
                              g_array_index (spec->routers, RouterSpec, s->router).site_name, s->site_name);
    }
  else if ((s->router = first_router_at (spec, s->site)) < 0)
    return fs_node_error (error, fs_node_get (node, "site"), FS_SCENARIO_ERROR_RULE,
                          "site '%s' has no router to originate %s; declare one under routers:",
                          s->site_name, s->prefix_text);
  return TRUE;
}

static gboolean
subnets_load (FsScenario *sc, const FsNode *value, GError **error)
{
  NetSpec *spec = fs__net_spec (sc);
  gboolean ok = load_list (sc, value, "subnets", "subnet", subnet_fields, spec->subnets,
                           sizeof (SubnetSpec), TRUE, finish_subnet, error);
  guint i;

  /* Subnet i is prefix i: routing state is indexed by prefix. */
  for (i = 0; ok && i < spec->subnets->len; i++)
    g_array_append_val (spec->prefixes, g_array_index (spec->subnets, SubnetSpec, i).prefix);
  return ok;
}

static gboolean
finish_host (FsScenario *sc, NetSpec *spec, void *item, const FsNode *node, GError **error)
{
  HostSpec *h = item;
  GError *local = NULL;
  guint i;

  if (!fs_ip_parse (h->ip_text, &h->ip, &local))
    {
      fs_node_error (error, fs_node_get (node, "ip"), FS_SCENARIO_ERROR_RANGE, "'ip': %s", local->message);
      g_error_free (local);
      return FALSE;
    }
  h->subnet = -1;
  for (i = 0; i < spec->subnets->len; i++)
    if (fs_prefix_contains (&g_array_index (spec->subnets, SubnetSpec, i).prefix, &h->ip))
      h->subnet = (int) i;
  if (h->subnet < 0)
    return fs_node_error (error, fs_node_get (node, "ip"), FS_SCENARIO_ERROR_RULE,
                          "%s lies in no subnet of the scenario", h->ip_text);
  for (i = 0; i < spec->hosts->len; i++)
    if (fs_ip_equal (&g_array_index (spec->hosts, HostSpec, i).ip, &h->ip))
      return fs_node_error (error, fs_node_get (node, "ip"), FS_SCENARIO_ERROR_DUPLICATE,
                            "%s is already the address of host '%s' (line %d)", h->ip_text,
                            g_array_index (spec->hosts, HostSpec, i).name,
                            g_array_index (spec->hosts, HostSpec, i).node->line);
  if (h->site_name != NULL)
    {
      h->site = fs_sites_spec_resolve (sc, fs_node_get (node, "site"), error);
      if (h->site < 0)
        return FALSE;
    }
  else
    h->site = g_array_index (spec->subnets, SubnetSpec, h->subnet).site;
  return TRUE;
}

static void
index_host (NetSpec *spec, guint h)
{
  HostSpec *hs = &g_array_index (spec->hosts, HostSpec, h);

  g_hash_table_insert (spec->host_by_name, hs->name, GUINT_TO_POINTER (h + 1));
  g_hash_table_insert (spec->host_by_ip, g_memdup2 (&hs->ip, sizeof hs->ip), GUINT_TO_POINTER (h + 1));
}

static gboolean
hosts_load (FsScenario *sc, const FsNode *value, GError **error)
{
  NetSpec *spec = fs__net_spec (sc);
  gboolean ok = load_list (sc, value, "hosts", "host", host_fields, spec->hosts, sizeof (HostSpec),
                           TRUE, finish_host, error);
  guint h;

  spec->host_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  spec->host_by_ip = g_hash_table_new_full (fs_ip_hash, fs_ip_equal, g_free, NULL);
  for (h = 0; h < spec->hosts->len; h++)
    index_host (spec, h);
  return ok;
}

int
fs_net_spec_add_host (FsScenario *sc, const char *name, const FsIp *ip, int site, gboolean running,
                      const FsNode *at, GError **error)
{
  NetSpec *spec = fs__net_spec (sc);
  HostSpec h = { 0 };
  char text[FS_IP_BUFSZ];
  int other;
  guint i;

  g_return_val_if_fail (name != NULL && ip != NULL && at != NULL, -1);
  g_return_val_if_fail (spec->host_by_name != NULL, -1);   /* only after hosts: has loaded */
  fs_ip_format (ip, text, sizeof text);
  if ((other = fs_net_spec_host_index (sc, name)) >= 0)
    return fs_node_error (error, at, FS_SCENARIO_ERROR_DUPLICATE,
                          "a host named '%s' already exists (line %d); host names are unique", name,
                          g_array_index (spec->hosts, HostSpec, other).node->line), -1;
  if ((other = fs_net_spec_host_by_ip (sc, ip)) >= 0)
    return fs_node_error (error, at, FS_SCENARIO_ERROR_DUPLICATE,
                          "%s is already the address of host '%s' (line %d)", text,
                          g_array_index (spec->hosts, HostSpec, other).name,
                          g_array_index (spec->hosts, HostSpec, other).node->line), -1;
  h.subnet = -1;
  for (i = 0; i < spec->subnets->len; i++)
    if (fs_prefix_contains (&g_array_index (spec->subnets, SubnetSpec, i).prefix, ip))
      h.subnet = (int) i;
  if (h.subnet < 0)
    return fs_node_error (error, at, FS_SCENARIO_ERROR_RULE, "%s lies in no subnet of the scenario",
                          text), -1;
  g_return_val_if_fail (site >= 0 && (guint) site < fs_sites_spec_count (sc), -1);
  h.name = g_strdup (name);
  h.ip_text = g_strdup (text);
  h.site_name = g_strdup (fs_sites_spec_name (sc, site));
  h.state = running ? HOST_RUNNING : HOST_STOPPED;
  h.managed = TRUE;
  h.ip = *ip;
  h.site = site;
  h.node = at;
  g_array_append_val (spec->hosts, h);
  index_host (spec, spec->hosts->len - 1);
  return (int) spec->hosts->len - 1;
}

static gboolean
finish_static (FsScenario *sc, NetSpec *spec, void *item, const FsNode *node, GError **error)
{
  StaticSpec *s = item;
  FsPrefix p;
  int via;
  guint i;

  if ((s->router = fs__net_resolve_router (sc, fs_node_get (node, "router"), error)) < 0)
    return FALSE;
  if ((via = fs__net_resolve_router (sc, fs_node_get (node, "via"), error)) < 0)
    return FALSE;
  if ((s->link = fs__net_link_between (spec, s->router, via)) < 0)
    return fs_node_error (error, fs_node_get (node, "via"), FS_SCENARIO_ERROR_RULE,
                          "'%s' is not a neighbour of '%s': no link joins them", s->via_name,
                          s->router_name);
  if (!parse_prefix_at (node, "prefix", s->prefix_text, &p, error))
    return FALSE;
  s->prefix = fs__net_spec_prefix (spec, &p);
  for (i = 0; i < spec->statics->len; i++)
    {
      const StaticSpec *o = &g_array_index (spec->statics, StaticSpec, i);
      if (o->router == s->router && o->prefix == s->prefix)
        return fs_node_error (error, node, FS_SCENARIO_ERROR_DUPLICATE,
                              "router '%s' already has a static route to %s (line %d)", s->router_name,
                              s->prefix_text, o->node->line);
    }
  return TRUE;
}

static gboolean
statics_load (FsScenario *sc, const FsNode *value, GError **error)
{
  return load_list (sc, value, "static_routes", "static route", static_fields,
                    fs__net_spec (sc)->statics, sizeof (StaticSpec), FALSE, finish_static, error);
}

static gboolean
finish_flow (FsScenario *sc, NetSpec *spec, void *item, const FsNode *node, GError **error)
{
  FlowSpec *f = item;
  GError *local = NULL;
  guint i;

  if ((f->from = fs__net_resolve_router (sc, fs_node_get (node, "from"), error)) < 0)
    return FALSE;
  f->host = -1;
  for (i = 0; i < spec->hosts->len; i++)
    if (strcmp (g_array_index (spec->hosts, HostSpec, i).name, f->to_text) == 0)
      {
        f->host = (int) i;
        f->ip = g_array_index (spec->hosts, HostSpec, i).ip;
        return TRUE;
      }
  if (!fs_ip_parse (f->to_text, &f->ip, &local))
    {
      fs_node_error (error, fs_node_get (node, "to"), FS_SCENARIO_ERROR_REFERENCE,
                     "'to' is neither a host of the scenario nor an address: %s", local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

static gboolean
flows_load (FsScenario *sc, const FsNode *value, GError **error)
{
  return load_list (sc, value, "flows", "flow", flow_fields, fs__net_spec (sc)->flows,
                    sizeof (FlowSpec), TRUE, finish_flow, error);
}

static const FsSection sections[] = {
  { "routing", "Timers of the path-vector routing protocol every router runs.", "net", 20,
    routing_load, NULL, NULL, routing_fields, TRUE, NULL, NULL },
  { "routers", "Routers, each standing in a site.", "net", 21, routers_load, NULL, NULL, router_fields, FALSE, NULL, NULL },
  { "links", "Links between routers: circuits, VPNs, interconnects.", "net", 22, links_load, NULL, NULL,
    link_fields, FALSE, NULL, NULL },
  { "subnets", "Address ranges and the site each lives in.", "net", 23, subnets_load, NULL, NULL,
    subnet_fields, FALSE, NULL, NULL },
  { "hosts", "Hosts and VMs with their addresses.", "net", 24, hosts_load, NULL, NULL, host_fields, FALSE, NULL, NULL },
  { "static_routes", "Static routes, which beat routes learned from the protocol.", "net", 25,
    statics_load, NULL, NULL, static_fields, FALSE, NULL, NULL },
  { "flows", "Traffic whose reachability is measured: from a router to a host or an address.", "net", 26,
    flows_load, NULL, fs__net_build, flow_fields, FALSE, NULL, NULL },
};

void
fs__net_register_sections (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sections); i++)
    fs_scenario_register_section (&sections[i]);
}

/* --- public wrappers, for a layer-2 model's load-time checks --------------------------------- */

int
fs_net_spec_subnet (const FsScenario *sc, const FsNode *name_node, GError **error)
{
  return fs__net_resolve_subnet (sc, name_node, error);
}

int
fs_net_spec_link (const FsScenario *sc, const FsNode *name_node, GError **error)
{
  return fs__net_resolve_link (sc, name_node, error);
}

void
fs_net_spec_link_sites (const FsScenario *sc, int link, int *site_a, int *site_b)
{
  const NetSpec *spec = fs__net_spec_get (sc);
  const LinkSpec *ls;

  g_return_if_fail (spec != NULL && link >= 0 && (guint) link < spec->links->len);
  ls = &g_array_index (spec->links, LinkSpec, link);
  *site_a = g_array_index (spec->routers, RouterSpec, ls->end[0]).site;
  *site_b = g_array_index (spec->routers, RouterSpec, ls->end[1]).site;
}

int
fs_net_spec_subnet_site (const FsScenario *sc, int subnet)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  g_return_val_if_fail (spec != NULL && subnet >= 0 && (guint) subnet < spec->subnets->len, -1);
  return g_array_index (spec->subnets, SubnetSpec, subnet).site;
}

int
fs_net_spec_host (const FsScenario *sc, const FsNode *name_node, GError **error)
{
  const NetSpec *s = fs__net_spec_get (sc);
  static const GArray empty = { NULL, 0 };

  return resolve_named (name_node, s ? s->hosts : &empty, sizeof (HostSpec), "host", error);
}

int
fs_net_spec_host_subnet (const FsScenario *sc, int host)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  g_return_val_if_fail (spec != NULL && host >= 0 && (guint) host < spec->hosts->len, -1);
  return g_array_index (spec->hosts, HostSpec, host).subnet;
}

const FsIp *
fs_net_spec_host_ip (const FsScenario *sc, int host)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  g_return_val_if_fail (spec != NULL && host >= 0 && (guint) host < spec->hosts->len, NULL);
  return &g_array_index (spec->hosts, HostSpec, host).ip;
}

gboolean
fs_net_spec_host_running (const FsScenario *sc, int host)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  g_return_val_if_fail (spec != NULL && host >= 0 && (guint) host < spec->hosts->len, FALSE);
  return g_array_index (spec->hosts, HostSpec, host).state == HOST_RUNNING;
}

guint
fs_net_spec_n_hosts (const FsScenario *sc)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  return spec != NULL ? spec->hosts->len : 0;
}

const char *
fs_net_spec_host_name (const FsScenario *sc, int host)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  g_return_val_if_fail (spec != NULL && host >= 0 && (guint) host < spec->hosts->len, NULL);
  return g_array_index (spec->hosts, HostSpec, host).name;
}

int
fs_net_spec_router (const FsScenario *sc, const FsNode *name_node, GError **error)
{
  return fs__net_resolve_router (sc, name_node, error);
}

int
fs_net_spec_site_router (const FsScenario *sc, int site)
{
  const NetSpec *spec = fs__net_spec_get (sc);
  guint r;

  for (r = 0; spec != NULL && r < spec->routers->len; r++)
    if (g_array_index (spec->routers, RouterSpec, r).site == site)
      return (int) r;
  return -1;
}

int
fs_net_spec_router_site (const FsScenario *sc, int router)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  g_return_val_if_fail (spec != NULL && router >= 0 && (guint) router < spec->routers->len, -1);
  return g_array_index (spec->routers, RouterSpec, router).site;
}

int
fs_net_spec_host_index (const FsScenario *sc, const char *name)
{
  const NetSpec *spec = fs__net_spec_get (sc);
  guint h;

  if (spec == NULL)
    return -1;
  if (spec->host_by_name != NULL)
    return GPOINTER_TO_INT (g_hash_table_lookup (spec->host_by_name, name)) - 1;
  for (h = 0; h < spec->hosts->len; h++)
    if (strcmp (g_array_index (spec->hosts, HostSpec, h).name, name) == 0)
      return (int) h;
  return -1;
}

int
fs_net_spec_host_by_ip (const FsScenario *sc, const FsIp *ip)
{
  const NetSpec *spec = fs__net_spec_get (sc);
  guint h;

  if (spec == NULL)
    return -1;
  if (spec->host_by_ip != NULL)
    return GPOINTER_TO_INT (g_hash_table_lookup (spec->host_by_ip, ip)) - 1;
  for (h = 0; h < spec->hosts->len; h++)
    if (fs_ip_equal (&g_array_index (spec->hosts, HostSpec, h).ip, ip))
      return (int) h;
  return -1;
}

int
fs_net_spec_host_site (const FsScenario *sc, int host)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  g_return_val_if_fail (spec != NULL && host >= 0 && (guint) host < spec->hosts->len, -1);
  return g_array_index (spec->hosts, HostSpec, host).site;
}

guint
fs_net_spec_n_subnets (const FsScenario *sc)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  return spec != NULL ? spec->subnets->len : 0;
}

const char *
fs_net_spec_subnet_name (const FsScenario *sc, int subnet)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  g_return_val_if_fail (spec != NULL && subnet >= 0 && (guint) subnet < spec->subnets->len, NULL);
  return g_array_index (spec->subnets, SubnetSpec, subnet).name;
}

const FsPrefix *
fs_net_spec_subnet_prefix (const FsScenario *sc, int subnet)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  g_return_val_if_fail (spec != NULL && subnet >= 0 && (guint) subnet < spec->subnets->len, NULL);
  return &g_array_index (spec->subnets, SubnetSpec, subnet).prefix;
}

int
fs_net_spec_subnet_of_ip (const FsScenario *sc, const FsIp *ip)
{
  const NetSpec *spec = fs__net_spec_get (sc);
  guint i;

  /* Subnets never overlap, so at most one holds @ip. */
  for (i = 0; spec != NULL && i < spec->subnets->len; i++)
    if (fs_prefix_contains (&g_array_index (spec->subnets, SubnetSpec, i).prefix, ip))
      return (int) i;
  return -1;
}

static const LinkSpec *
spec_link (const FsScenario *sc, int link)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  g_return_val_if_fail (spec != NULL && link >= 0 && (guint) link < spec->links->len, NULL);
  return &g_array_index (spec->links, LinkSpec, link);
}

guint
fs_net_spec_n_links (const FsScenario *sc)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  return spec != NULL ? spec->links->len : 0;
}

const char *
fs_net_spec_link_name (const FsScenario *sc, int link)
{
  const LinkSpec *l = spec_link (sc, link);

  return l ? l->name : NULL;
}

const FsNode *
fs_net_spec_link_node (const FsScenario *sc, int link)
{
  const LinkSpec *l = spec_link (sc, link);

  return l ? l->node : NULL;
}

void
fs_net_spec_link_routers (const FsScenario *sc, int link, int *router_a, int *router_b)
{
  const LinkSpec *l = spec_link (sc, link);

  g_return_if_fail (l != NULL);
  *router_a = l->end[0];
  *router_b = l->end[1];
}

const char *
fs_net_spec_link_circuit (const FsScenario *sc, int link)
{
  const LinkSpec *l = spec_link (sc, link);

  return l ? l->circuit : NULL;
}

gboolean
fs_net_spec_link_starts_up (const FsScenario *sc, int link)
{
  const LinkSpec *l = spec_link (sc, link);

  return l != NULL && l->state == LINK_UP;
}

const char *
fs_net_spec_link_kind (const FsScenario *sc, int link)
{
  const LinkSpec *l = spec_link (sc, link);

  return l ? link_kinds[l->kind] : NULL;
}

FsTime
fs_net_spec_link_latency (const FsScenario *sc, int link)
{
  const LinkSpec *l = spec_link (sc, link);

  return l ? l->latency : 0;
}

guint
fs_net_spec_link_n_local_networks (const FsScenario *sc, int link)
{
  const LinkSpec *l = spec_link (sc, link);

  return l != NULL && l->local_networks != NULL ? l->local_networks->len : 0;
}

const FsPrefix *
fs_net_spec_link_local_network (const FsScenario *sc, int link, guint i)
{
  const LinkSpec *l = spec_link (sc, link);

  g_return_val_if_fail (l != NULL && l->local_networks != NULL && i < l->local_networks->len, NULL);
  return &g_array_index (l->local_networks, FsPrefix, i);
}

const char *
fs_net_spec_router_name (const FsScenario *sc, int router)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  g_return_val_if_fail (spec != NULL && router >= 0 && (guint) router < spec->routers->len, NULL);
  return g_array_index (spec->routers, RouterSpec, router).name;
}

guint
fs_net_spec_n_routers (const FsScenario *sc)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  return spec != NULL ? spec->routers->len : 0;
}

guint
fs_net_spec_n_static_routes (const FsScenario *sc)
{
  const NetSpec *spec = fs__net_spec_get (sc);

  return spec != NULL ? spec->statics->len : 0;
}

void
fs_net_spec_static_route (const FsScenario *sc, guint i, int *router, FsPrefix *prefix, int *via,
                          const FsNode **node)
{
  const NetSpec *spec = fs__net_spec_get (sc);
  const StaticSpec *st;
  const LinkSpec *l;

  g_return_if_fail (spec != NULL && i < spec->statics->len);
  st = &g_array_index (spec->statics, StaticSpec, i);
  l = &g_array_index (spec->links, LinkSpec, st->link);
  *router = st->router;
  *prefix = g_array_index (spec->prefixes, FsPrefix, st->prefix);
  *via = l->end[0] == st->router ? l->end[1] : l->end[0];
  *node = st->node;
}
