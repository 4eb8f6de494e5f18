/* dr-spec.c: the vmm:, network_mappings:, vms: and replication: keys, read and checked, and the
 * replicas' addresses reserved, as Site Recovery does when protection is enabled.
 *
 * Follows seeds 001 and 003 (VM networks linked to logical networks, clouds protected by other
 * clouds, network mapping and the "Target network available" tables, subnet matching by name,
 * an unmapped network leaving the replica disconnected), 000 (the replica's address from the
 * target network's static pool: the source address when it is free there, else another; DHCP
 * addresses are not managed), 002 (Hyper-V to Azure: the address configured on the replica, no
 * stretched subnet, a site-to-site local network may not overlap the virtual network) and 004
 * (Azure to Azure: no authenticated proxy, the outbound rules replication needs, forced
 * tunneling, ExpressRoute to two virtual networks with the same ranges).
 *
 * Simplifications: a VM network's subnet is a slice of one net subnet; a VM connects to VM
 * networks at its own site; addresses are reserved once, at load time, in VM order then NIC
 * order (a failback or a changed mapping reuses them); a replica that keeps its source address
 * is the source's own host, moved at failover, not a second one. */
#include "dr-private.h"

#include <string.h>

#include "failsim/net.h"
#include "failsim/site.h"
#include "../scenario/scenario-private.h"

/* Guards the size of what is read from a shared file. */
#define MAX_SERVERS 1000
#define MAX_LOGICAL_NETWORKS 10000
#define MAX_VM_NETWORKS 10000
#define MAX_VM_SUBNETS 1000          /* in one VM network */
#define MAX_CLOUDS 10000
#define MAX_CLOUD_NETWORKS 1000      /* logical networks of one cloud */
#define MAX_MAPPINGS 10000
#define MAX_VMS 100000
#define MAX_VM_NICS 64               /* of one VM */
#define MAX_NICS 1000000             /* of all VMs */
#define MAX_REPLICATION 10000
#define MAX_CIRCUIT_LINKS 1000       /* links with circuit: */

/* --- the key tables ---------------------------------------------------------------------------- */

typedef struct {
  const FsNode *servers;
  const FsNode *logical_networks;
  const FsNode *vm_networks;
  const FsNode *clouds;
} VmmNodes;

static const FsField vmm_fields[] = {
  { "servers", FS_FIELD_NODE, offsetof (VmmNodes, servers), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The VMM servers, each with name and site (the site it manages).",
    "[{name: VMM-NewYork, site: newyork}]" },
  { "logical_networks", FS_FIELD_NODE, offsetof (VmmNodes, logical_networks), FALSE, NULL, 0, 0, 0, 0,
    NULL, "VMM logical networks, each with name and server.",
    "[{name: LogicalNetwork1-NewYork, server: VMM-NewYork}]" },
  { "vm_networks", FS_FIELD_NODE, offsetof (VmmNodes, vm_networks), FALSE, NULL, 0, 0, 0, 0, NULL,
    "VM networks, each linked to a logical network (or an Azure virtual network: a site instead), "
    "with its subnets.", "[{name: VMNetwork1-NewYork, logical_network: LogicalNetwork1-NewYork, "
    "subnets: [{name: app, subnet: ny-app}]}]" },
  { "clouds", FS_FIELD_NODE, offsetof (VmmNodes, clouds), FALSE, NULL, 0, 0, 0, 0, NULL,
    "VMM clouds, each on a server, associated with logical networks, and protected by another "
    "cloud.", "[{name: GoldCloud1, server: VMM-NewYork, logical_networks: [LogicalNetwork1-NewYork], "
    "protected_by: GoldCloud2}]" },
  FS_FIELD_END
};

static const FsField server_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (VmmServerSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VMM server's name, unique among servers.", "VMM-NewYork" },
  { "site", FS_FIELD_NAME, offsetof (VmmServerSpec, site_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The site it manages: where the VMs of its clouds run.", "newyork" },
  FS_FIELD_END
};

static const FsField logical_network_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (LogicalNetworkSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The logical network's name, unique among logical networks.", "LogicalNetwork1-NewYork" },
  { "server", FS_FIELD_NAME, offsetof (LogicalNetworkSpec, server_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VMM server it is defined on.", "VMM-NewYork" },
  FS_FIELD_END
};

static const FsField vm_network_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (VmNetworkSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VM network's name, unique among VM networks.", "VMNetwork1-NewYork" },
  { "logical_network", FS_FIELD_NAME, offsetof (VmNetworkSpec, logical_network_name), FALSE, NULL,
    0, 0, 0, 0, NULL, "The logical network it links to; its site is that network's server's site. "
    "Absent: an Azure virtual network, which needs site.", "LogicalNetwork1-NewYork" },
  { "site", FS_FIELD_NAME, offsetof (VmNetworkSpec, site_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "For an Azure virtual network (no logical_network): its cloud-region site.", "azure-east" },
  { "subnets", FS_FIELD_NODE, offsetof (VmNetworkSpec, subnets_node), TRUE, NULL, 0, 0, 0, 0, NULL,
    "Its subnets, the first being the one a replica joins when no subnet name matches.",
    "[{name: app, subnet: ny-app, pool: 192.168.1.100-192.168.1.199}]" },
  FS_FIELD_END
};

static const FsField vm_subnet_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (VmSubnetSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The subnet's name in its VM network; a replica joins the target subnet of the same name.",
    "app" },
  { "subnet", FS_FIELD_NAME, offsetof (VmSubnetSpec, subnet_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The net subnet (subnets:) it is a slice of.", "ny-app" },
  { "pool", FS_FIELD_STRING, offsetof (VmSubnetSpec, pool_text), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A static IP address pool, FIRST-LAST inclusive, inside the subnet: where Site Recovery "
    "allocates a replica's address.", "192.168.1.100-192.168.1.199" },
  { "dhcp", FS_FIELD_BOOL, offsetof (VmSubnetSpec, dhcp), FALSE, "false", 0, 0, 0, 0, NULL,
    "Whether a DHCP server hands out its addresses (not managed by Site Recovery); not with a "
    "pool.", "true" },
  FS_FIELD_END
};

static const FsField cloud_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (CloudSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The cloud's name, unique among clouds.", "GoldCloud1" },
  { "server", FS_FIELD_NAME, offsetof (CloudSpec, server_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VMM server it is defined on; its VMs run at that server's site.", "VMM-NewYork" },
  { "logical_networks", FS_FIELD_NODE, offsetof (CloudSpec, logical_networks_node), FALSE, NULL, 0, 0,
    0, 0, NULL, "The logical networks associated with it: its VMs connect to VM networks linked "
    "to them, and as a protecting cloud it offers target networks linked to them.",
    "[LogicalNetwork1-NewYork]" },
  { "protected_by", FS_FIELD_NAME, offsetof (CloudSpec, protected_by_name), FALSE, NULL, 0, 0, 0, 0,
    NULL, "The cloud its VMs fail over to (on the same or another server). Absent: a cloud "
    "protected to Azure, or a protecting cloud.", "GoldCloud2" },
  { "protected_to", FS_FIELD_NAME, offsetof (CloudSpec, protected_to_name), FALSE, NULL, 0, 0, 0, 0,
    NULL, "A cloud protected to Azure: the cloud-region site its VMs fail over to. Their NICs on "
    "networks mapped to Azure virtual networks there connect to them; NICs on unmapped networks "
    "reach only the VMs of their recovery plan (seed 003).", "azure-east" },
  FS_FIELD_END
};

static const FsField mapping_fields[] = {
  { "source", FS_FIELD_NAME, offsetof (MappingSpec, source_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The source VM network; mappings work both ways, so a network is in one mapping at most.",
    "VMNetwork1-NewYork" },
  { "target", FS_FIELD_NAME, offsetof (MappingSpec, target_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VM network (or Azure virtual network) replicas of VMs on the source connect to; the "
    "mapping also works back, for failback.", "VMNetwork1-Chicago" },
  FS_FIELD_END
};

static const FsField vm_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (VmSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VM's name, unique among VMs; its NICs become hosts VM, VM.nic1 ... and its replica's "
    "VM-replica, VM-replica.nic1 ...", "VM1" },
  { "cloud", FS_FIELD_NAME, offsetof (VmSpec, cloud_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The VMM cloud it is placed in for protection; it runs at the cloud's server's site.",
    "GoldCloud1" },
  { "site", FS_FIELD_NAME, offsetof (VmSpec, site_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "Instead of a cloud, for an Azure VM replicated to another region: its cloud-region site.",
    "azure-east" },
  { "boot", FS_FIELD_DIST, offsetof (VmSpec, boot), FALSE, "0", 0, 0, 0, 0, NULL,
    "From its start command to its answering, drawn at each start.", "lognormal(60s, 20s)" },
  { "nics", FS_FIELD_NODE, offsetof (VmSpec, nics_node), TRUE, NULL, 0, 0, 0, 0, NULL,
    "Its network adapters, one or more.", "[{network: VMNetwork1-NewYork, ip: 192.168.1.10}]" },
  { "description", FS_FIELD_STRING, offsetof (VmSpec, description), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A sentence about the VM; informational.", "\"web front end\"" },
  FS_FIELD_END
};

static const char *const addressings[] = { "static", "pool", "dhcp", NULL };

static const FsField nic_fields[] = {
  { "network", FS_FIELD_NAME, offsetof (NicSpec, network_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VM network it is connected to.", "VMNetwork1-NewYork" },
  { "subnet", FS_FIELD_NAME, offsetof (NicSpec, subnet_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The subnet of that VM network, by name; default its first.", "app" },
  { "addressing", FS_FIELD_ENUM, offsetof (NicSpec, addressing), FALSE, "static", 0, 0, 0, 0,
    addressings, "How it got its address: set by hand, from the subnet's static pool, or by DHCP.",
    "pool" },
  { "ip", FS_FIELD_STRING, offsetof (NicSpec, ip_text), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The address it holds now: in the subnet, and in its pool for addressing: pool.",
    "192.168.1.110" },
  { "replica_ip", FS_FIELD_STRING, offsetof (NicSpec, replica_ip_text), FALSE, NULL, 0, 0, 0, 0, NULL,
    "For a network mapped to an Azure virtual network (and only then): the address configured on "
    "the replica, in the target subnet; the source address itself retains it.", "192.168.1.10" },
  FS_FIELD_END
};

static const char *const proxies[] = { "none", "unauthenticated", "authenticated", NULL };
static const char *const outbound_names[] = { "storage", "login", "recovery-service", "service-bus",
                                              NULL };
/* Seed 004, "Outbound connectivity for URLs": what each rule lets through, and why. */
static const char *const outbound_why[] = {
  "*.blob.core.* so data can be written to the cache storage account",
  "login.* for authorization and authentication",
  "*.hypervrecoverymanager.* for Site Recovery service communication",
  "*.servicebus.* for monitoring and diagnostics data",
};
G_STATIC_ASSERT (G_N_ELEMENTS (outbound_names) == OUTBOUND_N + 1);
G_STATIC_ASSERT (G_N_ELEMENTS (outbound_why) == OUTBOUND_N);

static const FsField replication_fields[] = {
  { "site", FS_FIELD_NAME, offsetof (ReplicationSpec, site_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The site these settings are for: where protected VMs run, or a cloud-region site.",
    "azure-east" },
  { "proxy", FS_FIELD_ENUM, offsetof (ReplicationSpec, proxy), FALSE, "none", 0, 0, 0, 0, proxies,
    "The proxy outbound traffic goes through; an authenticated one cannot carry replication.",
    "unauthenticated" },
  { "outbound", FS_FIELD_NODE, offsetof (ReplicationSpec, outbound_node), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The outbound rules a firewall or NSG allows, among storage, login, recovery-service and "
    "service-bus; absent: outbound traffic is not restricted (all four).",
    "[storage, login, recovery-service, service-bus]" },
  { "udr", FS_FIELD_BOOL, offsetof (ReplicationSpec, udr), FALSE, "false", 0, 0, 0, 0, NULL,
    "Whether user-defined routes send Site Recovery's ranges out of the cloud directly, so a "
    "default route forced to on-premises does not take replication traffic with it.", "true" },
  FS_FIELD_END
};

/* --- the spec ----------------------------------------------------------------------------------- */

static void server_clear (gpointer p) { fs_schema_clear (server_fields, p); }
static void logical_network_clear (gpointer p) { fs_schema_clear (logical_network_fields, p); }
static void vm_subnet_clear (gpointer p) { fs_schema_clear (vm_subnet_fields, p); }
static void mapping_clear (gpointer p) { fs_schema_clear (mapping_fields, p); }
static void nic_clear (gpointer p) { fs_schema_clear (nic_fields, p); }
static void replication_clear (gpointer p) { fs_schema_clear (replication_fields, p); }

static void
vm_network_clear (gpointer p)
{
  VmNetworkSpec *n = p;

  fs_schema_clear (vm_network_fields, n);
  g_clear_pointer (&n->subnets, g_array_unref);
}

static void
cloud_clear (gpointer p)
{
  CloudSpec *c = p;

  fs_schema_clear (cloud_fields, c);
  g_clear_pointer (&c->logical_networks, g_array_unref);
}

static void
vm_clear (gpointer p)
{
  VmSpec *v = p;

  fs_schema_clear (vm_fields, v);
  g_clear_pointer (&v->nics, g_array_unref);
}

static GArray *
new_array (size_t size, GDestroyNotify clear)
{
  GArray *a = g_array_new (FALSE, TRUE, size);

  if (clear != NULL)
    g_array_set_clear_func (a, clear);
  return a;
}

static void
dr_spec_free (gpointer p)
{
  DrSpec *s = p;

  g_array_unref (s->servers);
  g_array_unref (s->logical_networks);
  g_array_unref (s->vm_networks);
  g_array_unref (s->clouds);
  g_array_unref (s->mappings);
  g_array_unref (s->vms);
  g_array_unref (s->plans);
  g_array_unref (s->replication);
  g_hash_table_destroy (s->name_index);
  g_free (s);
}

DrSpec *
fs__dr_spec (FsScenario *sc)
{
  DrSpec *s = fs_scenario_get_spec (sc, "dr");

  if (s != NULL)
    return s;
  s = g_new0 (DrSpec, 1);
  s->servers = new_array (sizeof (VmmServerSpec), server_clear);
  s->logical_networks = new_array (sizeof (LogicalNetworkSpec), logical_network_clear);
  s->vm_networks = new_array (sizeof (VmNetworkSpec), vm_network_clear);
  s->clouds = new_array (sizeof (CloudSpec), cloud_clear);
  s->mappings = new_array (sizeof (MappingSpec), mapping_clear);
  s->vms = new_array (sizeof (VmSpec), vm_clear);
  s->plans = new_array (sizeof (PlanSpec), NULL);
  s->replication = new_array (sizeof (ReplicationSpec), replication_clear);
  s->name_index = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                         (GDestroyNotify) g_hash_table_destroy);
  fs_scenario_set_spec (sc, "dr", s, dr_spec_free);
  return s;
}

const DrSpec *
fs__dr_spec_get (const FsScenario *sc)
{
  return fs_scenario_get_spec (sc, "dr");
}

#define SERVER(s, i) (&g_array_index ((s)->servers, VmmServerSpec, (i)))
#define LNET(s, i) (&g_array_index ((s)->logical_networks, LogicalNetworkSpec, (i)))
#define VMNET(s, i) (&g_array_index ((s)->vm_networks, VmNetworkSpec, (i)))
#define CLOUD(s, i) (&g_array_index ((s)->clouds, CloudSpec, (i)))
#define VM(s, i) (&g_array_index ((s)->vms, VmSpec, (i)))
#define VMSUB(n, i) (&g_array_index ((n)->subnets, VmSubnetSpec, (i)))
#define NIC(v, i) (&g_array_index ((v)->nics, NicSpec, (i)))

/* --- the mapping rules, for both halves ------------------------------------------------------------ */

int
fs__dr_mapped (const DrSpec *spec, int network)
{
  guint i;

  for (i = 0; i < spec->mappings->len; i++)
    {
      const MappingSpec *m = &g_array_index (spec->mappings, MappingSpec, i);

      if (m->source == network)
        return m->target;
      if (m->target == network)
        return m->source;
    }
  return -1;
}

static gboolean
int_array_has (const GArray *a, int x)
{
  guint i;

  for (i = 0; a != NULL && i < a->len; i++)
    if (g_array_index (a, int, i) == x)
      return TRUE;
  return FALSE;
}

gboolean
fs__dr_target_available (const DrSpec *spec, int cloud, int target)
{
  const VmNetworkSpec *t = VMNET (spec, target);
  int protecting;

  if (t->logical_network < 0)
    return TRUE;
  if (cloud < 0 || (protecting = CLOUD (spec, cloud)->protected_by) < 0)
    return FALSE;
  return int_array_has (CLOUD (spec, protecting)->logical_networks, t->logical_network);
}

int
fs__dr_target_subnet (const DrSpec *spec, int source, int source_subnet, int target)
{
  const VmNetworkSpec *s = VMNET (spec, source), *t = VMNET (spec, target);
  const char *name = VMSUB (s, source_subnet)->name;
  guint i;

  for (i = 0; i < t->subnets->len; i++)
    if (strcmp (VMSUB (t, i)->name, name) == 0)
      return (int) i;
  return t->subnets->len > 0 ? 0 : -1;
}

/* The net subnets of the virtual network in @site: those living there at the start and those of
 * the VM networks at that site (a subnet that fails over into it). Each once, in index order. */
static GArray *
vnet_ranges (const FsScenario *sc, const DrSpec *spec, int site)
{
  guint n = fs_net_spec_n_subnets (sc), i, j;
  g_autofree gboolean *in = g_new0 (gboolean, MAX (n, 1));
  GArray *out = g_array_new (FALSE, FALSE, sizeof (int));

  for (i = 0; i < n; i++)
    in[i] = fs_net_spec_subnet_site (sc, (int) i) == site;
  for (i = 0; spec != NULL && i < spec->vm_networks->len; i++)
    if (VMNET (spec, i)->site == site)
      for (j = 0; j < VMNET (spec, i)->subnets->len; j++)
        in[VMSUB (VMNET (spec, i), j)->subnet] = TRUE;
  for (i = 0; i < n; i++)
    if (in[i])
      {
        int x = (int) i;
        g_array_append_val (out, x);
      }
  return out;
}

gboolean
fs__dr_vnet_ranges_overlap (const FsScenario *sc, int site_a, int site_b, int *subnet_a,
                            int *subnet_b)
{
  const DrSpec *spec = fs__dr_spec_get (sc);
  g_autoptr (GArray) a = vnet_ranges (sc, spec, site_a);
  g_autoptr (GArray) b = vnet_ranges (sc, spec, site_b);
  guint i = 0, j = 0;

  /* Net subnets never overlap one another, so two sets of them share addresses exactly when
   * they share a subnet; both lists are in index order. */
  while (i < a->len && j < b->len)
    {
      int x = g_array_index (a, int, i), y = g_array_index (b, int, j);

      if (x < y)
        i++;
      else if (y < x)
        j++;
      else
        {
          if (subnet_a != NULL)
            *subnet_a = x;
          if (subnet_b != NULL)
            *subnet_b = y;
          return TRUE;
        }
    }
  return FALSE;
}

/* --- reading lists ------------------------------------------------------------------------------- */

/* Checks what read_list() read; may record several problems itself and return FALSE with
 * *@error unset. @data is the list's owner (the spec, a VM network, a VM). */
typedef gboolean (*FinishFunc) (FsScenario *sc, void *item, gpointer data, GError **error);

/* The node a message about @key of @map points at: the value, or the mapping when it is absent. */
static const FsNode *
at (const FsNode *map, const char *key)
{
  const FsNode *v = fs_node_get (map, key);

  return v != NULL ? v : map;
}

static void
add_error (FsScenario *sc, GError *error)
{
  if (error != NULL)
    fs_scenario_add_error (sc, error);
}

/* Reads list @value item by item into @items (each item's struct ends with its node and, when
 * @named, starts with its name, unique in the list). A bad item's problems are recorded and the
 * item dropped, counted in *@n_bad (may be NULL). Fails only for the list itself. */
static gboolean
read_list (FsScenario *sc, const FsNode *value, const char *key, const char *what, guint max,
           const FsField *fields, GArray *items, size_t size, GDestroyNotify clear, gboolean named,
           FinishFunc finish, gpointer data, guint *n_bad, GError **error)
{
  g_autofree guint8 *item = g_malloc0 (size);
  g_autoptr (GHashTable) seen = NULL;
  guint i, bad = 0;

  if (n_bad != NULL)
    *n_bad = 0;
  if (value == NULL)
    return TRUE;
  if (value->kind != FS_NODE_SEQ)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_TYPE, "'%s' must be a list (- ...), got %s",
                          key, fs_node_kind_name (value->kind));
  if (fs_node_len (value) > max)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_LIMIT, "%u %ss is more than failsim "
                          "accepts (%u)", fs_node_len (value), what, max);
  /* Names point into the items, which own them: the table only borrows. */
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (i = 0; named && i < items->len; i++)
    g_hash_table_insert (seen, *(char **) (items->data + i * size), GUINT_TO_POINTER (i + 1));
  for (i = 0; i < fs_node_len (value); i++)
    {
      const FsNode *node = fs_node_item (value, i);
      GError *local = NULL;
      guint first;

      memset (item, 0, size);
      *(const FsNode **) (item + size - sizeof (FsNode *)) = node;
      if (!fs_schema_read (node, what, fields, item, &local))
        goto bad;
      if (named && (first = GPOINTER_TO_UINT (g_hash_table_lookup (seen, *(char **) item))) > 0)
        {
          const char *other = items->data + (first - 1) * size;

          fs_node_error (&local, fs_node_get (node, "name"), FS_SCENARIO_ERROR_DUPLICATE,
                         "%s '%s' is declared twice (first at line %d)", what, *(char **) item,
                         (*(const FsNode **) (other + size - sizeof (FsNode *)))->line);
          goto bad;
        }
      if (finish != NULL && !finish (sc, item, data, &local))
        goto bad;
      g_array_append_vals (items, item, 1);
      if (named)
        g_hash_table_insert (seen, *(char **) (items->data + (items->len - 1) * size),
                             GUINT_TO_POINTER (items->len));
      continue;
    bad:
      add_error (sc, local);
      clear (item);
      bad++;
    }
  if (n_bad != NULL)
    *n_bad = bad;
  return TRUE;
}

/* Resolves a name written at @node among @items, whose structs start with their name, through
 * an index kept per array (a million NICs may name ten thousand networks); a miss goes to
 * fs_schema_resolve() for its "did you mean". */
static int
resolve_in (DrSpec *spec, const FsNode *node, const char *what, const GArray *items, size_t size,
            GError **error)
{
  GHashTable *index = g_hash_table_lookup (spec->name_index, items);
  g_autofree const char **names = NULL;
  guint i;

  if (index == NULL || g_hash_table_size (index) != items->len)
    {
      index = g_hash_table_new (g_str_hash, g_str_equal);
      for (i = 0; i < items->len; i++)
        g_hash_table_insert (index, *(char **) (items->data + i * size), GUINT_TO_POINTER (i + 1));
      g_hash_table_replace (spec->name_index, (gpointer) items, index);
    }
  if (node != NULL && node->kind == FS_NODE_SCALAR
      && (i = GPOINTER_TO_UINT (g_hash_table_lookup (index, node->text))) > 0)
    return (int) i - 1;
  names = g_new0 (const char *, items->len + 1);
  for (i = 0; i < items->len; i++)
    names[i] = *(char **) (items->data + i * size);
  return fs_schema_resolve (node, what, names, items->len, error);
}

/* Forgets @items' index after items were removed (a later length could match a stale one).
 * Only arrays that live as long as the spec are indexed, so a key is never a freed array's. */
static void
forget_index (DrSpec *spec, const GArray *items)
{
  g_hash_table_remove (spec->name_index, items);
}

static gboolean
parse_ip_at (const FsNode *node, const char *key, const char *text, FsIp *out, GError **error)
{
  GError *local = NULL;

  if (fs_ip_parse (text, out, &local))
    return TRUE;
  fs_node_error (error, fs_node_get (node, key), FS_SCENARIO_ERROR_RANGE, "'%s': %s", key,
                 local->message);
  g_error_free (local);
  return FALSE;
}

static char *
prefix_text (const FsScenario *sc, int subnet)
{
  return fs_prefix_to_string (fs_net_spec_subnet_prefix (sc, subnet));
}

/* --- vmm: ---------------------------------------------------------------------------------------- */

static gboolean
finish_server (FsScenario *sc, void *item, gpointer data, GError **error)
{
  VmmServerSpec *s = item;

  return (s->site = fs_sites_spec_resolve (sc, fs_node_get (s->node, "site"), error)) >= 0;
}

static gboolean
finish_logical_network (FsScenario *sc, void *item, gpointer data, GError **error)
{
  LogicalNetworkSpec *l = item;
  DrSpec *spec = data;

  l->server = resolve_in (spec, fs_node_get (l->node, "server"), "VMM server", spec->servers,
                          sizeof (VmmServerSpec), error);
  return l->server >= 0;
}

/* Parses "FIRST-LAST" into @v's pool, which must lie in its net subnet. */
static gboolean
parse_pool (FsScenario *sc, VmSubnetSpec *v, GError **error)
{
  const FsNode *node = fs_node_get (v->node, "pool");
  g_auto (GStrv) parts = g_strsplit (v->pool_text, "-", -1);
  g_autofree char *range = NULL;
  GError *local = NULL;

  if (g_strv_length (parts) != 2)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE, "'pool' must be a range FIRST-LAST, as "
                          "in 192.168.1.100-192.168.1.199");
  if (!fs_ip_parse (parts[0], &v->pool_first, &local) || !fs_ip_parse (parts[1], &v->pool_last, &local))
    {
      fs_node_error (error, node, FS_SCENARIO_ERROR_RANGE, "'pool': %s", local->message);
      g_error_free (local);
      return FALSE;
    }
  if (v->pool_first.family != v->pool_last.family || fs_ip_compare (&v->pool_first, &v->pool_last) > 0)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_RANGE, "pool %s must run from its first "
                          "address up to its last, both of one family", v->pool_text);
  if (!fs_prefix_contains (fs_net_spec_subnet_prefix (sc, v->subnet), &v->pool_first)
      || !fs_prefix_contains (fs_net_spec_subnet_prefix (sc, v->subnet), &v->pool_last))
    {
      range = prefix_text (sc, v->subnet);
      return fs_node_error (error, node, FS_SCENARIO_ERROR_RULE, "pool %s does not lie in subnet '%s' "
                            "(%s): a static pool hands out addresses of its own subnet", v->pool_text,
                            v->subnet_name, range);
    }
  v->has_pool = TRUE;
  return TRUE;
}

static gboolean
finish_vm_subnet (FsScenario *sc, void *item, gpointer data, GError **error)
{
  VmSubnetSpec *v = item;
  const VmNetworkSpec *n = data;
  guint i;

  if ((v->subnet = fs_net_spec_subnet (sc, fs_node_get (v->node, "subnet"), error)) < 0)
    return FALSE;
  for (i = 0; i < n->subnets->len; i++)
    if (VMSUB (n, i)->subnet == v->subnet)
      return fs_node_error (error, fs_node_get (v->node, "subnet"), FS_SCENARIO_ERROR_DUPLICATE,
                            "subnet '%s' is already VM subnet '%s' of VM network '%s' (line %d); a "
                            "VM network holds each subnet once", v->subnet_name, VMSUB (n, i)->name,
                            n->name, VMSUB (n, i)->node->line);
  if (v->pool_text != NULL && v->dhcp)
    return fs_node_error (error, fs_node_get (v->node, "dhcp"), FS_SCENARIO_ERROR_RULE,
                          "VM subnet '%s/%s' hands out addresses either from a static pool or by "
                          "DHCP, not both", n->name, v->name);
  return v->pool_text == NULL || parse_pool (sc, v, error);
}

static gboolean
finish_vm_network (FsScenario *sc, void *item, gpointer data, GError **error)
{
  VmNetworkSpec *n = item;
  DrSpec *spec = data;
  const FsNode *list = n->subnets_node;
  guint bad;

  n->logical_network = -1;
  n->site = -1;
  if (n->site_name != NULL
      && (n->site = fs_sites_spec_resolve (sc, fs_node_get (n->node, "site"), error)) < 0)
    return FALSE;
  if (n->logical_network_name != NULL)
    {
      const VmmServerSpec *server;

      n->logical_network = resolve_in (spec, fs_node_get (n->node, "logical_network"), "logical network",
                                       spec->logical_networks, sizeof (LogicalNetworkSpec), error);
      if (n->logical_network < 0)
        return FALSE;
      server = SERVER (spec, LNET (spec, n->logical_network)->server);
      if (n->site >= 0 && n->site != server->site)
        return fs_node_error (error, fs_node_get (n->node, "site"), FS_SCENARIO_ERROR_RULE,
                              "VM network '%s' is at '%s', the site of its logical network's server "
                              "'%s', not at '%s'", n->name, server->site_name, server->name,
                              n->site_name);
      n->site = server->site;
    }
  else if (n->site < 0)
    return fs_node_error (error, n->node, FS_SCENARIO_ERROR_MISSING,
                          "VM network '%s' needs a logical_network (a VMM VM network) or a site (an "
                          "Azure virtual network, in a cloud-region site)", n->name);
  else if (fs_sites_spec_kind (sc, n->site) != FS_SITE_CLOUD_REGION)
    return fs_node_error (error, fs_node_get (n->node, "site"), FS_SCENARIO_ERROR_RULE,
                          "VM network '%s' has no logical network, so it is an Azure virtual network "
                          "and its site must be a cloud-region site; '%s' is not one", n->name,
                          n->site_name);
  if (list->kind != FS_NODE_SEQ || fs_node_len (list) == 0)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_TYPE, "'subnets' must list one or more "
                          "subnets, as in [{name: app, subnet: ny-app}]");
  n->subnets = new_array (sizeof (VmSubnetSpec), vm_subnet_clear);
  if (!read_list (sc, list, "subnets", "VM subnet", MAX_VM_SUBNETS, vm_subnet_fields, n->subnets,
                  sizeof (VmSubnetSpec), vm_subnet_clear, TRUE, finish_vm_subnet, n, &bad, error))
    return FALSE;
  /* A VM network whose subnets all failed has been reported already. */
  return n->subnets->len > 0;
}

static gint64
subnet_at_site (int subnet, int site)
{
  return (gint64) subnet << 32 | (guint32) site;
}

/* Seed 001, "Subnet failover": the same subnet can be a VM subnet at two sites, living at one. */
static void
check_vm_network_sites (FsScenario *sc, const DrSpec *spec)
{
  g_autoptr (GHashTable) held = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint i, j;

  for (i = 0; i < spec->vm_networks->len; i++)
    for (j = 0; j < VMNET (spec, i)->subnets->len; j++)
      {
        gint64 *key = g_new (gint64, 1);

        *key = subnet_at_site (VMSUB (VMNET (spec, i), j)->subnet, VMNET (spec, i)->site);
        g_hash_table_add (held, key);
      }
  for (i = 0; i < spec->vm_networks->len; i++)
    {
      const VmNetworkSpec *n = VMNET (spec, i);

      for (j = 0; j < n->subnets->len; j++)
        {
          const VmSubnetSpec *v = VMSUB (n, j);
          int where = fs_net_spec_subnet_site (sc, v->subnet);
          gint64 key = subnet_at_site (v->subnet, where);
          g_autofree char *why = NULL;
          GError *local = NULL;

          if (where == n->site || g_hash_table_contains (held, &key))
            continue;
          why = n->logical_network >= 0
                ? g_strdup_printf ("the site of its VMM server '%s'",
                                   SERVER (spec, LNET (spec, n->logical_network)->server)->name)
                : g_strdup ("an Azure virtual network");
          fs_node_error (&local, fs_node_get (v->node, "subnet"), FS_SCENARIO_ERROR_RULE,
                         "VM network '%s' is at '%s' (%s), but its subnet '%s' lives at '%s': a VM "
                         "network's subnets lie at its own site, unless a VM network there holds "
                         "the same subnet (subnet failover)", n->name,
                         fs_sites_spec_name (sc, n->site), why, v->subnet_name,
                         fs_sites_spec_name (sc, where));
          fs_scenario_add_error (sc, local);
        }
    }
}

static gboolean
finish_cloud (FsScenario *sc, void *item, gpointer data, GError **error)
{
  CloudSpec *c = item;
  DrSpec *spec = data;
  const FsNode *list = c->logical_networks_node;
  guint i;

  c->protected_by = -1;
  c->protected_to = -1;
  if (c->protected_to_name != NULL)
    {
      if (c->protected_by_name != NULL)
        return fs_node_error (error, fs_node_get (c->node, "protected_to"), FS_SCENARIO_ERROR_RULE,
                              "cloud '%s' is protected by cloud '%s' or to Azure, not both", c->name,
                              c->protected_by_name);
      if ((c->protected_to = fs_sites_spec_resolve (sc, fs_node_get (c->node, "protected_to"), error)) < 0)
        return FALSE;
      if (fs_sites_spec_kind (sc, c->protected_to) != FS_SITE_CLOUD_REGION)
        return fs_node_error (error, fs_node_get (c->node, "protected_to"), FS_SCENARIO_ERROR_RULE,
                              "cloud '%s' is protected to Azure, so '%s' must be a cloud-region site",
                              c->name, c->protected_to_name);
    }
  c->server = resolve_in (spec, fs_node_get (c->node, "server"), "VMM server", spec->servers,
                          sizeof (VmmServerSpec), error);
  if (c->server < 0)
    return FALSE;
  c->logical_networks = g_array_new (FALSE, FALSE, sizeof (int));
  if (list == NULL)
    return TRUE;
  if (list->kind != FS_NODE_SEQ)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_TYPE, "'logical_networks' must list logical "
                          "networks, as in [LogicalNetwork1-NewYork]");
  if (fs_node_len (list) > MAX_CLOUD_NETWORKS)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_LIMIT, "%u logical networks is more than "
                          "failsim accepts in one cloud (%d)", fs_node_len (list), MAX_CLOUD_NETWORKS);
  for (i = 0; i < fs_node_len (list); i++)
    {
      int l = resolve_in (spec, fs_node_item (list, i), "logical network", spec->logical_networks,
                          sizeof (LogicalNetworkSpec), error);

      if (l < 0)
        return FALSE;
      if (int_array_has (c->logical_networks, l))
        return fs_node_error (error, fs_node_item (list, i), FS_SCENARIO_ERROR_DUPLICATE,
                              "logical network '%s' is listed twice in cloud '%s'",
                              fs_node_item (list, i)->text, c->name);
      g_array_append_val (c->logical_networks, l);
    }
  return TRUE;
}

/* Seed 001, "Cloud protection settings": a protected cloud names the cloud it fails over to;
 * that cloud holds the replicas, so following protected_by must end at an unprotected cloud. */
static void
resolve_protection (FsScenario *sc, DrSpec *spec)
{
  guint i, steps;

  for (i = 0; i < spec->clouds->len;)
    {
      CloudSpec *c = CLOUD (spec, i);
      GError *local = NULL;

      if (c->protected_by_name == NULL
          || resolve_in (spec, fs_node_get (c->node, "protected_by"), "cloud", spec->clouds,
                         sizeof (CloudSpec), &local) >= 0)
        {
          i++;
          continue;
        }
      fs_scenario_add_error (sc, local);
      g_array_remove_index (spec->clouds, i);
      forget_index (spec, spec->clouds);
    }
  /* A cloud whose protector was dropped above stays unprotected; its VMs say so. */
  for (i = 0; i < spec->clouds->len; i++)
    if (CLOUD (spec, i)->protected_by_name != NULL)
      CLOUD (spec, i)->protected_by = resolve_in (spec, fs_node_get (CLOUD (spec, i)->node, "protected_by"),
                                                  "cloud", spec->clouds, sizeof (CloudSpec), NULL);
  for (i = 0; i < spec->clouds->len; i++)
    {
      const CloudSpec *c = CLOUD (spec, i);
      int cur = c->protected_by, lowest = (int) i;
      GError *local = NULL;
      GString *chain;

      if (cur == (int) i)
        {
          fs_node_error (&local, fs_node_get (c->node, "protected_by"), FS_SCENARIO_ERROR_RULE,
                         "cloud '%s' cannot be protected by itself: its replicas would run where its "
                         "VMs do", c->name);
          fs_scenario_add_error (sc, local);
          continue;
        }
      for (steps = 0; cur >= 0 && cur != (int) i && steps <= spec->clouds->len; steps++)
        {
          lowest = MIN (lowest, cur);
          cur = CLOUD (spec, cur)->protected_by;
        }
      /* Reported once, at the first cloud of the cycle in the file. */
      if (cur != (int) i || lowest != (int) i)
        continue;
      chain = g_string_new (c->name);
      for (cur = c->protected_by; cur != (int) i; cur = CLOUD (spec, cur)->protected_by)
        g_string_append_printf (chain, " -> %s", CLOUD (spec, cur)->name);
      g_string_append_printf (chain, " -> %s", c->name);
      fs_node_error (&local, fs_node_get (c->node, "protected_by"), FS_SCENARIO_ERROR_RULE,
                     "clouds %s protect each other in a cycle: a protecting cloud holds the "
                     "replicas, so following protected_by must end at a cloud that is not protected",
                     chain->str);
      g_string_free (chain, TRUE);
      fs_scenario_add_error (sc, local);
    }
}

static gboolean
vmm_load (FsScenario *sc, const FsNode *value, GError **error)
{
  DrSpec *spec = fs__dr_spec (sc);
  VmmNodes nodes = { 0 };
  GError *local = NULL;

  if (value == NULL)
    return TRUE;
  if (!fs_schema_read (value, "vmm", vmm_fields, &nodes, error))
    return FALSE;
  if (!read_list (sc, nodes.servers, "servers", "VMM server", MAX_SERVERS, server_fields, spec->servers,
                  sizeof (VmmServerSpec), server_clear, TRUE, finish_server, spec, NULL, &local))
    add_error (sc, g_steal_pointer (&local));
  if (!read_list (sc, nodes.logical_networks, "logical_networks", "logical network",
                  MAX_LOGICAL_NETWORKS, logical_network_fields, spec->logical_networks,
                  sizeof (LogicalNetworkSpec), logical_network_clear, TRUE, finish_logical_network,
                  spec, NULL, &local))
    add_error (sc, g_steal_pointer (&local));
  if (!read_list (sc, nodes.vm_networks, "vm_networks", "VM network", MAX_VM_NETWORKS,
                  vm_network_fields, spec->vm_networks, sizeof (VmNetworkSpec), vm_network_clear, TRUE,
                  finish_vm_network, spec, NULL, &local))
    add_error (sc, g_steal_pointer (&local));
  check_vm_network_sites (sc, spec);
  if (!read_list (sc, nodes.clouds, "clouds", "cloud", MAX_CLOUDS, cloud_fields, spec->clouds,
                  sizeof (CloudSpec), cloud_clear, TRUE, finish_cloud, spec, NULL, &local))
    add_error (sc, g_steal_pointer (&local));
  resolve_protection (sc, spec);
  return TRUE;
}

/* --- network_mappings: --------------------------------------------------------------------------- */

static gboolean
finish_mapping (FsScenario *sc, void *item, gpointer data, GError **error)
{
  MappingSpec *m = item;
  DrSpec *spec = data;
  guint i;

  if ((m->source = resolve_in (spec, fs_node_get (m->node, "source"), "VM network", spec->vm_networks,
                               sizeof (VmNetworkSpec), error)) < 0
      || (m->target = resolve_in (spec, fs_node_get (m->node, "target"), "VM network", spec->vm_networks,
                                  sizeof (VmNetworkSpec), error)) < 0)
    return FALSE;
  if (m->source == m->target)
    return fs_node_error (error, fs_node_get (m->node, "target"), FS_SCENARIO_ERROR_RULE,
                          "VM network '%s' cannot be mapped to itself: a mapping joins a source "
                          "network to a different target network", m->source_name);
  for (i = 0; i < spec->mappings->len; i++)
    {
      const MappingSpec *o = &g_array_index (spec->mappings, MappingSpec, i);

      if (o->source == m->target && o->target == m->source)
        continue;   /* the same pair written the other way, as the seeds' tables do */
      if (o->source == m->source)
        return fs_node_error (error, fs_node_get (m->node, "source"), FS_SCENARIO_ERROR_DUPLICATE,
                              "VM network '%s' is already mapped to '%s' (line %d): a source "
                              "network is mapped to one target", m->source_name, o->target_name,
                              o->node->line);
      if (o->target == m->target || o->source == m->target || o->target == m->source)
        return fs_node_error (error, m->node, FS_SCENARIO_ERROR_RULE,
                              "VM networks '%s' and '%s' are already mapped (line %d): a mapping works "
                              "both ways (failback follows it back), so each network is in one "
                              "mapping", o->source_name, o->target_name, o->node->line);
    }
  return TRUE;
}

static gboolean
mappings_load (FsScenario *sc, const FsNode *value, GError **error)
{
  DrSpec *spec = fs__dr_spec (sc);

  return read_list (sc, value, "network_mappings", "network mapping", MAX_MAPPINGS, mapping_fields,
                    spec->mappings, sizeof (MappingSpec), mapping_clear, FALSE, finish_mapping, spec,
                    NULL, error);
}

/* --- vms: ------------------------------------------------------------------------------------------ */

/* Seed 003, "VM networks": a VM in a cloud connects to VM networks linked to the cloud's logical
 * networks; an Azure VM to Azure virtual networks of its region. Both at the VM's own site. */
static gboolean
check_nic_network (FsScenario *sc, const DrSpec *spec, const VmSpec *vm, const NicSpec *nic,
                   GError **error)
{
  const VmNetworkSpec *n = VMNET (spec, nic->network);
  const FsNode *where = fs_node_get (nic->node, "network");

  if (vm->cloud < 0)
    {
      if (n->logical_network < 0 && n->site == vm->site)
        return TRUE;
      return fs_node_error (error, where, FS_SCENARIO_ERROR_RULE,
                            "VM '%s' is an Azure VM in '%s', so its NICs connect to Azure virtual "
                            "networks there; '%s' is %s", vm->name, fs_sites_spec_name (sc, vm->site),
                            n->name, n->logical_network >= 0 ? "a VMM VM network" : "in another region");
    }
  if (n->logical_network < 0
      || !int_array_has (CLOUD (spec, vm->cloud)->logical_networks, n->logical_network))
    {
      g_autofree char *why = n->logical_network < 0
        ? g_strdup_printf ("'%s' is an Azure virtual network, linked to no logical network", n->name)
        : g_strdup_printf ("its logical network '%s' is not associated with '%s'",
                           LNET (spec, n->logical_network)->name, vm->cloud_name);
      return fs_node_error (error, where, FS_SCENARIO_ERROR_RULE,
                            "VM '%s' in cloud '%s' cannot be connected to VM network '%s': a VM placed "
                            "in a cloud for protection must be connected to a VM network that links "
                            "to a logical network associated with the cloud, and %s", vm->name,
                            vm->cloud_name, n->name, why);
    }
  if (n->site != vm->site)
    return fs_node_error (error, where, FS_SCENARIO_ERROR_RULE,
                          "VM '%s' runs at '%s' (the site of its cloud's server), but VM network '%s' "
                          "is at '%s': a VM connects to VM networks of its own site", vm->name,
                          fs_sites_spec_name (sc, vm->site), n->name, fs_sites_spec_name (sc, n->site));
  return TRUE;
}

static gboolean
check_nic_address (FsScenario *sc, const VmNetworkSpec *n, NicSpec *nic, GError **error)
{
  const VmSubnetSpec *v = VMSUB (n, nic->vm_subnet);
  const FsNode *where = fs_node_get (nic->node, "ip");
  g_autofree char *range = NULL;

  if (!parse_ip_at (nic->node, "ip", nic->ip_text, &nic->ip, error))
    return FALSE;
  if (nic->replica_ip_text != NULL
      && !parse_ip_at (nic->node, "replica_ip", nic->replica_ip_text, &nic->replica_ip, error))
    return FALSE;
  if (nic->addressing == ADDR_POOL && !v->has_pool)
    return fs_node_error (error, fs_node_get (nic->node, "addressing"), FS_SCENARIO_ERROR_RULE,
                          "addressing: pool takes an address from the subnet's static pool, but VM "
                          "subnet '%s/%s' has no pool", n->name, v->name);
  if (nic->addressing == ADDR_DHCP && !v->dhcp)
    return fs_node_error (error, fs_node_get (nic->node, "addressing"), FS_SCENARIO_ERROR_RULE,
                          "addressing: dhcp takes an address from DHCP, but VM subnet '%s/%s' does "
                          "not have dhcp: true", n->name, v->name);
  if (!fs_prefix_contains (fs_net_spec_subnet_prefix (sc, v->subnet), &nic->ip))
    {
      range = prefix_text (sc, v->subnet);
      return fs_node_error (error, where, FS_SCENARIO_ERROR_RULE,
                            "%s does not lie in subnet '%s' (%s) of VM subnet '%s/%s', where the NIC is "
                            "connected", nic->ip_text, v->subnet_name, range, n->name, v->name);
    }
  if (nic->addressing == ADDR_POOL
      && (fs_ip_compare (&nic->ip, &v->pool_first) < 0 || fs_ip_compare (&nic->ip, &v->pool_last) > 0))
    return fs_node_error (error, where, FS_SCENARIO_ERROR_RULE,
                          "%s is not in the static pool %s of VM subnet '%s/%s', from which a NIC with "
                          "addressing: pool has its address", nic->ip_text, v->pool_text, n->name,
                          v->name);
  return TRUE;
}

static gboolean
finish_nic (FsScenario *sc, void *item, gpointer data, GError **error)
{
  NicSpec *nic = item;
  const VmSpec *vm = data;
  DrSpec *spec = fs__dr_spec (sc);
  const VmNetworkSpec *n;

  nic->host = nic->replica_host = -1;
  nic->target_network = nic->target_vm_subnet = -1;
  nic->network = resolve_in (spec, fs_node_get (nic->node, "network"), "VM network", spec->vm_networks,
                             sizeof (VmNetworkSpec), error);
  if (nic->network < 0 || !check_nic_network (sc, spec, vm, nic, error))
    return FALSE;
  n = VMNET (spec, nic->network);
  nic->vm_subnet = 0;
  if (nic->subnet_name != NULL
      && (nic->vm_subnet = resolve_in (spec, fs_node_get (nic->node, "subnet"), "VM subnet", n->subnets,
                                       sizeof (VmSubnetSpec), error)) < 0)
    return FALSE;
  return check_nic_address (sc, n, nic, error);
}

/* Seeds 001 and 003: where each NIC's replica connects, and the site the replica runs at. Reports
 * every NIC's problem; FALSE when there was one. */
static gboolean
resolve_targets (FsScenario *sc, const DrSpec *spec, VmSpec *vm)
{
  int protecting = vm->cloud >= 0 ? CLOUD (spec, vm->cloud)->protected_by : -1;
  int to_azure = vm->cloud >= 0 ? CLOUD (spec, vm->cloud)->protected_to : -1;
  int azure_site = to_azure;
  guint k, bad = 0, mapped = 0;

  for (k = 0; k < vm->nics->len; k++)
    {
      NicSpec *nic = NIC (vm, k);
      const VmNetworkSpec *src = VMNET (spec, nic->network), *t;
      const FsNode *where = fs_node_get (nic->node, "network");
      int target = fs__dr_mapped (spec, nic->network);
      GError *local = NULL;

      if (target < 0)
        {
          if (nic->replica_ip_text != NULL)
            fs_node_error (&local, fs_node_get (nic->node, "replica_ip"), FS_SCENARIO_ERROR_RULE,
                           "replica_ip is for a NIC whose network is mapped to an Azure virtual "
                           "network, and '%s' is not mapped", src->name);
          goto next;
        }
      t = VMNET (spec, target);
      mapped++;
      if (protecting >= 0 && t->logical_network < 0)
        fs_node_error (&local, where, FS_SCENARIO_ERROR_RULE,
                       "'%s' is protected by cloud '%s', so its replica runs on VMM and cannot join "
                       "Azure virtual network '%s', to which '%s' is mapped", vm->name,
                       CLOUD (spec, protecting)->name, t->name, src->name);
      else if (protecting >= 0 && !fs__dr_target_available (spec, vm->cloud, target))
        fs_node_error (&local, where, FS_SCENARIO_ERROR_RULE,
                       "target network '%s' (mapped from '%s') is not available for %s -> %s: its "
                       "logical network '%s' is not associated with '%s'", t->name, src->name,
                       vm->cloud_name, CLOUD (spec, protecting)->name,
                       LNET (spec, t->logical_network)->name, CLOUD (spec, protecting)->name);
      else if (protecting < 0 && t->logical_network >= 0)
        fs_node_error (&local, where, FS_SCENARIO_ERROR_RULE,
                       "'%s' has nowhere to fail over: %s%s%s, and '%s', to which '%s' is mapped, is "
                       "not an Azure virtual network", vm->name,
                       vm->cloud >= 0 ? "its cloud '" : "it is an Azure VM",
                       vm->cloud >= 0 ? vm->cloud_name : "",
                       vm->cloud >= 0 ? "' has no protecting cloud (protected_by)" : "",
                       t->name, src->name);
      else if (protecting < 0 && azure_site >= 0 && t->site != azure_site)
        fs_node_error (&local, where, FS_SCENARIO_ERROR_RULE,
                       "'%s' fails over to one region, but its networks are mapped to Azure virtual "
                       "networks in '%s' and '%s'", vm->name, fs_sites_spec_name (sc, azure_site),
                       fs_sites_spec_name (sc, t->site));
      else if (t->logical_network >= 0 && nic->replica_ip_text != NULL)
        fs_node_error (&local, fs_node_get (nic->node, "replica_ip"), FS_SCENARIO_ERROR_RULE,
                       "replica_ip is for a NIC whose network is mapped to an Azure virtual network; "
                       "'%s' is a VMM VM network, where Site Recovery allocates the replica's address "
                       "from the static pool", t->name);
      else
        {
          nic->target_network = target;
          nic->target_vm_subnet = fs__dr_target_subnet (spec, nic->network, nic->vm_subnet, target);
          if (t->logical_network < 0)
            azure_site = t->site;
        }
      if (local == NULL && t->logical_network < 0)
        {
          const VmSubnetSpec *ts = VMSUB (t, nic->target_vm_subnet);
          g_autofree char *range = prefix_text (sc, ts->subnet);

          if (nic->replica_ip_text == NULL)
            fs_node_error (&local, nic->node, FS_SCENARIO_ERROR_MISSING,
                           "NIC %u of '%s' fails over to Azure virtual network '%s': give replica_ip, "
                           "the address configured on the replica, in subnet '%s' (%s)", k, vm->name,
                           t->name, ts->subnet_name, range);
          else if (!fs_prefix_contains (fs_net_spec_subnet_prefix (sc, ts->subnet), &nic->replica_ip))
            fs_node_error (&local, fs_node_get (nic->node, "replica_ip"), FS_SCENARIO_ERROR_RULE,
                           "replica_ip %s does not lie in subnet '%s' (%s) of VM subnet '%s/%s', where "
                           "the replica connects", nic->replica_ip_text, ts->subnet_name, range,
                           t->name, ts->name);
        }
    next:
      if (local != NULL)
        {
          fs_scenario_add_error (sc, local);
          bad++;
        }
    }
  if (bad > 0)
    return FALSE;
  if (protecting >= 0)
    vm->target_site = SERVER (spec, CLOUD (spec, protecting)->server)->site;
  else if (to_azure >= 0)
    vm->target_site = to_azure;   /* unmapped NICs join their recovery plan's network there */
  else if (mapped > 0)
    vm->target_site = azure_site;
  else
    {
      GError *local = NULL;

      fs_node_error (&local, at (vm->node, vm->cloud >= 0 ? "cloud" : "site"), FS_SCENARIO_ERROR_RULE,
                     "'%s' has nowhere to fail over: %s%s%s, and none of its networks is mapped to "
                     "an Azure virtual network", vm->name,
                     vm->cloud >= 0 ? "its cloud '" : "it is an Azure VM",
                     vm->cloud >= 0 ? vm->cloud_name : "",
                     vm->cloud >= 0 ? "' has no protecting cloud (protected_by)" : "");
      fs_scenario_add_error (sc, local);
      return FALSE;
    }
  return TRUE;
}

static gboolean
finish_vm (FsScenario *sc, void *item, gpointer data, GError **error)
{
  VmSpec *vm = item;
  DrSpec *spec = data;
  const FsNode *list = vm->nics_node;
  guint bad;

  vm->cloud = vm->site = vm->target_site = -1;
  if (vm->cloud_name != NULL && vm->site_name != NULL)
    return fs_node_error (error, fs_node_get (vm->node, "site"), FS_SCENARIO_ERROR_RULE,
                          "VM '%s' has both a cloud and a site: a VM is in a VMM cloud or is an Azure "
                          "VM in a cloud-region site, not both", vm->name);
  if (vm->cloud_name != NULL)
    {
      if ((vm->cloud = resolve_in (spec, fs_node_get (vm->node, "cloud"), "cloud", spec->clouds,
                                   sizeof (CloudSpec), error)) < 0)
        return FALSE;
      vm->site = SERVER (spec, CLOUD (spec, vm->cloud)->server)->site;
    }
  else if (vm->site_name == NULL)
    return fs_node_error (error, vm->node, FS_SCENARIO_ERROR_MISSING,
                          "VM '%s' needs a cloud (the VMM cloud it is protected in) or a site (the "
                          "cloud-region site of an Azure VM)", vm->name);
  else if ((vm->site = fs_sites_spec_resolve (sc, fs_node_get (vm->node, "site"), error)) < 0)
    return FALSE;
  else if (fs_sites_spec_kind (sc, vm->site) != FS_SITE_CLOUD_REGION)
    return fs_node_error (error, fs_node_get (vm->node, "site"), FS_SCENARIO_ERROR_RULE,
                          "VM '%s' has no cloud, so it is an Azure VM and its site must be a "
                          "cloud-region site; '%s' is not one", vm->name, vm->site_name);
  if (list->kind != FS_NODE_SEQ || fs_node_len (list) == 0)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_TYPE, "'nics' must list one or more network "
                          "adapters, as in [{network: VMNetwork1-NewYork, ip: 192.168.1.10}]");
  vm->nics = new_array (sizeof (NicSpec), nic_clear);
  if (!read_list (sc, list, "nics", "NIC", MAX_VM_NICS, nic_fields, vm->nics, sizeof (NicSpec),
                  nic_clear, FALSE, finish_nic, vm, &bad, error))
    return FALSE;
  return bad == 0 && resolve_targets (sc, spec, vm);
}

/* Adds the host of NIC @k of @vm (of its replica when @replica: stopped) at @site, with address
 * @ip, @where standing for it in messages; -1 after recording why not. A name already taken is
 * reported at the VM's name. */
static int
add_nic_host (FsScenario *sc, const VmSpec *vm, guint k, gboolean replica, const FsIp *ip, int site,
              const FsNode *where)
{
  g_autofree char *name = k == 0 ? g_strdup_printf ("%s%s", vm->name, replica ? "-replica" : "")
                                  : g_strdup_printf ("%s%s.nic%u", vm->name, replica ? "-replica" : "", k);
  GError *local = NULL;
  int h;

  if ((h = fs_net_spec_host_index (sc, name)) >= 0)
    fs_node_error (&local, at (vm->node, "name"), FS_SCENARIO_ERROR_DUPLICATE,
                   "VM '%s' needs a host named '%s' for %s NIC %u, but host '%s' already exists: a "
                   "VM's NICs are hosts named after it", vm->name, name,
                   replica ? "its replica's" : "its", k, name);
  else if ((h = fs_net_spec_add_host (sc, name, ip, site, !replica, where, &local)) >= 0)
    return h;
  fs_scenario_add_error (sc, local);
  return -1;
}

/* Walks from @from up to @last (inclusive) for the first address no host owns, starting at
 * *@cursor when set, which moves past what it finds taken: hosts are only ever added while
 * addresses are reserved, so the first free address never moves back. */
static gboolean
first_free (const FsScenario *sc, const FsIp *from, const FsIp *last, FsIp *cursor, gboolean *cursor_set,
            FsIp *out)
{
  FsIp ip = *cursor_set ? *cursor : *from;
  int i;

  for (;;)
    {
      if (fs_ip_compare (&ip, last) > 0)
        break;
      if (fs_net_spec_host_by_ip (sc, &ip) < 0)
        {
          *cursor = *out = ip;
          *cursor_set = TRUE;
          return TRUE;
        }
      for (i = (int) fs_ip_bits (&ip) / 8 - 1; i >= 0 && ++ip.bytes[i] == 0; i--)
        ;
      if (i < 0)
        break;   /* wrapped past the last address of the family */
    }
  *cursor = ip;
  *cursor_set = TRUE;
  return FALSE;
}

/* A cursor per VM subnet, for first_free(). */
typedef struct {
  FsIp next;
  gboolean set;
} Cursor;

static Cursor *
cursor_of (GHashTable *cursors, const VmSubnetSpec *v)
{
  Cursor *c = g_hash_table_lookup (cursors, v);

  if (c == NULL)
    {
      c = g_new0 (Cursor, 1);
      g_hash_table_insert (cursors, (gpointer) v, c);
    }
  return c;
}

/* The usable addresses of @p a DHCP server hands out: past the network address and, for IPv4,
 * before the broadcast address, when the prefix has room for them. */
static void
dhcp_range (const FsPrefix *p, FsIp *first, FsIp *last)
{
  uint64_t size = fs_prefix_size (p);
  guint i;

  *first = *last = p->addr;
  for (i = p->len; i < fs_ip_bits (&p->addr); i++)
    last->bytes[i / 8] |= (uint8_t) (0x80 >> (i % 8));
  if (size > 2)
    {
      fs_ip_offset (p, 1, first);
      if (fs_ip_bits (&p->addr) == 32)
        fs_ip_offset (p, size - 2, last);
    }
}

/* Seed 000, "Subnet failover": the replica's address, reserved at protection time. */
static gboolean
reserve (FsScenario *sc, const DrSpec *spec, const VmSpec *vm, guint k, GHashTable *cursors)
{
  NicSpec *nic = NIC (vm, k);
  const VmNetworkSpec *t = VMNET (spec, nic->target_network);
  const VmSubnetSpec *ts = VMSUB (t, nic->target_vm_subnet);
  const FsPrefix *range = fs_net_spec_subnet_prefix (sc, ts->subnet);
  const FsNode *where = nic->node;
  GError *local = NULL;
  FsIp ip;

  if (t->logical_network < 0)
    {
      ip = nic->replica_ip;
      where = fs_node_get (nic->node, "replica_ip");
    }
  else if (ts->has_pool)
    {
      Cursor *c = cursor_of (cursors, ts);

      /* The source address is free in the pool when it is the source's own: subnets never
       * overlap, so the pool then lies in the source's very subnet. */
      if (fs_ip_compare (&nic->ip, &ts->pool_first) >= 0 && fs_ip_compare (&nic->ip, &ts->pool_last) <= 0)
        ip = nic->ip;
      else if (!first_free (sc, &ts->pool_first, &ts->pool_last, &c->next, &c->set, &ip))
        {
          fs_node_error (&local, at (nic->node, "network"), FS_SCENARIO_ERROR_RULE,
                         "static pool %s of VM subnet '%s/%s' is exhausted: every address is a host's "
                         "or reserved for another replica, so Site Recovery cannot allocate one for "
                         "the replica of '%s'", ts->pool_text, t->name, ts->name, vm->name);
          fs_scenario_add_error (sc, local);
          return FALSE;
        }
    }
  else if (ts->dhcp)
    {
      Cursor *c = cursor_of (cursors, ts);
      FsIp first, last;
      char text[FS_IP_BUFSZ];

      dhcp_range (range, &first, &last);
      if (fs_prefix_contains (range, &nic->ip))
        ip = nic->ip;
      else if (!first_free (sc, &first, &last, &c->next, &c->set, &ip))
        {
          g_autofree char *rt = fs_prefix_to_string (range);

          fs_node_error (&local, at (nic->node, "network"), FS_SCENARIO_ERROR_RULE,
                         "subnet '%s' (%s) of VM subnet '%s/%s' has no address left for the replica "
                         "of '%s': every one is a host's", ts->subnet_name, rt, t->name, ts->name,
                         vm->name);
          fs_scenario_add_error (sc, local);
          return FALSE;
        }
      fs_ip_format (&ip, text, sizeof text);
      fs_scenario_add_warning (sc, at (nic->node, "network"),
                               "the replica of '%s' takes its address on VM subnet '%s/%s' from DHCP, "
                               "which Site Recovery does not manage: check that the DHCP server at "
                               "'%s' can allocate from the same range as the source (failsim assumes "
                               "%s)", vm->name, t->name, ts->name,
                               fs_sites_spec_name (sc, vm->target_site), text);
    }
  else
    {
      fs_node_error (&local, at (nic->node, "network"), FS_SCENARIO_ERROR_RULE,
                     "VM subnet '%s/%s' has neither a static pool nor DHCP, so Site Recovery has no "
                     "address to allocate for the replica of '%s'", t->name, ts->name, vm->name);
      fs_scenario_add_error (sc, local);
      return FALSE;
    }
  nic->replica_ip = ip;
  if (fs_ip_equal (&ip, &nic->ip))
    {
      /* Retained: the source's host itself moves to the target site at failover. */
      nic->replica_host = nic->host;
      return TRUE;
    }
  nic->replica_host = add_nic_host (sc, vm, k, TRUE, &ip, vm->target_site, where);
  return nic->replica_host >= 0;
}

/* Every VM's own hosts first, so that no replica is given an address a later VM holds. */
static void
make_hosts (FsScenario *sc, DrSpec *spec)
{
  g_autoptr (GHashTable) cursors = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_autofree gboolean *bad = g_new0 (gboolean, MAX (spec->vms->len, 1));
  guint i, k;

  for (i = 0; i < spec->vms->len; i++)
    for (k = 0; k < VM (spec, i)->nics->len; k++)
      {
        NicSpec *nic = NIC (VM (spec, i), k);

        nic->host = add_nic_host (sc, VM (spec, i), k, FALSE, &nic->ip, VM (spec, i)->site,
                                  at (nic->node, "ip"));
        bad[i] |= nic->host < 0;
      }
  for (i = 0; i < spec->vms->len; i++)
    for (k = 0; !bad[i] && k < VM (spec, i)->nics->len; k++)
      {
        const VmSpec *vm = VM (spec, i);
        const NicSpec *nic = NIC (vm, k);
        const char *network = VMNET (spec, nic->network)->name;

        if (nic->target_network >= 0)
          bad[i] |= !reserve (sc, spec, vm, k, cursors);
        else if (vm->cloud >= 0 && CLOUD (spec, vm->cloud)->protected_to >= 0)
          fs_scenario_add_warning (sc, at (nic->node, "network"), "NIC %u of the replica of '%s' will "
                                   "reach only the VMs of its recovery plan after failover to Azure: "
                                   "'%s' is not mapped (seed 003)", k, vm->name, network);
        else if (k == 0)
          fs_scenario_add_warning (sc, at (nic->node, "network"), "replica of '%s' will not be "
                                   "connected to any network after failover: '%s' is not mapped",
                                   vm->name, network);
        else
          fs_scenario_add_warning (sc, at (nic->node, "network"), "NIC %u of the replica of '%s' will "
                                   "not be connected to any network after failover: '%s' is not "
                                   "mapped", k, vm->name, network);
      }
  /* A VM with a problem is dropped, as any bad item is; its hosts stay, the load has failed. */
  for (i = spec->vms->len; i-- > 0;)
    if (bad[i])
      g_array_remove_index (spec->vms, i);
  forget_index (spec, spec->vms);
}

static gboolean
vms_load (FsScenario *sc, const FsNode *value, GError **error)
{
  DrSpec *spec = fs__dr_spec (sc);
  guint i, n_nics = 0;

  if (value != NULL && value->kind == FS_NODE_SEQ)
    for (i = 0; i < fs_node_len (value); i++)
      {
        const FsNode *nics = fs_node_get (fs_node_item (value, i), "nics");

        n_nics += nics != NULL ? MIN (fs_node_len (nics), MAX_VM_NICS + 1) : 0;
        if (n_nics > MAX_NICS)
          return fs_node_error (error, value, FS_SCENARIO_ERROR_LIMIT, "more than %d NICs is more than "
                                "failsim accepts", MAX_NICS);
      }
  if (!read_list (sc, value, "vms", "VM", MAX_VMS, vm_fields, spec->vms, sizeof (VmSpec), vm_clear,
                  TRUE, finish_vm, spec, NULL, error))
    return FALSE;
  make_hosts (sc, spec);
  return TRUE;
}

/* --- replication: and the Azure rules ---------------------------------------------------------------- */

static gboolean
finish_replication (FsScenario *sc, void *item, gpointer data, GError **error)
{
  ReplicationSpec *r = item;
  DrSpec *spec = data;
  const FsNode *list = r->outbound_node;
  guint i;

  if ((r->site = fs_sites_spec_resolve (sc, fs_node_get (r->node, "site"), error)) < 0)
    return FALSE;
  for (i = 0; i < spec->replication->len; i++)
    if (g_array_index (spec->replication, ReplicationSpec, i).site == r->site)
      return fs_node_error (error, fs_node_get (r->node, "site"), FS_SCENARIO_ERROR_DUPLICATE,
                            "replication settings for site '%s' are given twice (first at line %d)",
                            r->site_name, g_array_index (spec->replication, ReplicationSpec, i).node->line);
  r->outbound = (1u << OUTBOUND_N) - 1;
  if (list == NULL)
    return TRUE;
  if (list->kind != FS_NODE_SEQ)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_TYPE, "'outbound' must list the allowed rules, "
                          "as in [storage, login, recovery-service, service-bus]");
  r->outbound = 0;
  for (i = 0; i < fs_node_len (list); i++)
    {
      int o = fs_schema_resolve (fs_node_item (list, i), "outbound rule", outbound_names, OUTBOUND_N, error);

      if (o < 0)
        return FALSE;
      if (r->outbound & (1u << o))
        return fs_node_error (error, fs_node_item (list, i), FS_SCENARIO_ERROR_DUPLICATE,
                              "outbound rule '%s' is listed twice", outbound_names[o]);
      r->outbound |= 1u << o;
    }
  return TRUE;
}

static const ReplicationSpec *
replication_at (const DrSpec *spec, int site)
{
  guint i;

  for (i = 0; i < spec->replication->len; i++)
    if (g_array_index (spec->replication, ReplicationSpec, i).site == site)
      return &g_array_index (spec->replication, ReplicationSpec, i);
  return NULL;
}

/* Seed 004, "Outbound connectivity": what replication needs from where protected VMs run. */
static void
check_replication (FsScenario *sc, const DrSpec *spec)
{
  guint i, v, o;

  for (i = 0; i < spec->replication->len; i++)
    {
      const ReplicationSpec *r = &g_array_index (spec->replication, ReplicationSpec, i);

      for (o = 0; o < OUTBOUND_N; o++)
        if (!(r->outbound & (1u << o)))
          {
            GError *local = NULL;

            fs_node_error (&local, r->outbound_node, FS_SCENARIO_ERROR_RULE,
                           "outbound rules at '%s' lack %s: replication needs %s", r->site_name,
                           outbound_names[o], outbound_why[o]);
            fs_scenario_add_error (sc, local);
          }
      if (r->proxy != PROXY_AUTHENTICATED)
        continue;
      for (v = 0; v < spec->vms->len; v++)
        if (VM (spec, v)->site == r->site)
          {
            GError *local = NULL;

            fs_node_error (&local, fs_node_get (r->node, "proxy"), FS_SCENARIO_ERROR_RULE,
                           "replication of '%s' from '%s' cannot be enabled through an authenticated "
                           "proxy: using an authenticated proxy to control network connectivity isn't "
                           "supported by Site Recovery", VM (spec, v)->name, r->site_name);
            fs_scenario_add_error (sc, local);
            break;
          }
    }
}

int
fs__dr_cloud_site_of (const FsScenario *sc, int link)
{
  int a, b;

  fs_net_spec_link_sites (sc, link, &a, &b);
  if (fs_sites_spec_kind (sc, a) == FS_SITE_CLOUD_REGION)
    return a;
  return fs_sites_spec_kind (sc, b) == FS_SITE_CLOUD_REGION ? b : -1;
}

/* The ranges of a site's virtual network, sorted by address for check_local_networks(), computed
 * once per site. */
typedef struct {
  FsPrefix prefix;           /* first, so the array sorts with fs_prefix_compare() */
  int subnet;
} Range;

static GArray *
sorted_ranges (const FsScenario *sc, const DrSpec *spec, GHashTable *cache, int site)
{
  GArray *out = g_hash_table_lookup (cache, GINT_TO_POINTER (site));
  g_autoptr (GArray) subnets = NULL;
  guint i;

  if (out != NULL)
    return out;
  subnets = vnet_ranges (sc, spec, site);
  out = g_array_sized_new (FALSE, FALSE, sizeof (Range), subnets->len);
  for (i = 0; i < subnets->len; i++)
    {
      Range r = { *fs_net_spec_subnet_prefix (sc, g_array_index (subnets, int, i)),
                  g_array_index (subnets, int, i) };
      g_array_append_val (out, r);
    }
  g_array_sort (out, fs_prefix_compare);
  g_hash_table_insert (cache, GINT_TO_POINTER (site), out);
  return out;
}

/* The range of @ranges (disjoint, sorted) that overlaps @p, or NULL: the last one starting at or
 * before @p may hold it, or the first one after may lie in it. */
static const Range *
overlapping (const GArray *ranges, const FsPrefix *p)
{
  guint lo = 0, hi = ranges->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (fs_ip_compare (&g_array_index (ranges, Range, mid).prefix.addr, &p->addr) > 0)
        hi = mid;
      else
        lo = mid + 1;
    }
  if (lo > 0 && fs_prefix_overlaps (&g_array_index (ranges, Range, lo - 1).prefix, p))
    return &g_array_index (ranges, Range, lo - 1);
  if (lo < ranges->len && fs_prefix_overlaps (&g_array_index (ranges, Range, lo).prefix, p))
    return &g_array_index (ranges, Range, lo);
  return NULL;
}

/* Seed 002: "you can't add a local-network 192.168.1.0/24 in the Azure network". */
static void
check_local_networks (FsScenario *sc, const DrSpec *spec)
{
  g_autoptr (GHashTable) cache = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                        (GDestroyNotify) g_array_unref);
  guint l, i;

  for (l = 0; l < fs_net_spec_n_links (sc); l++)
    {
      int site = fs_net_spec_link_n_local_networks (sc, (int) l) > 0 ? fs__dr_cloud_site_of (sc, (int) l) : -1;
      const GArray *ranges;
      const FsNode *list;

      if (site < 0)
        continue;
      ranges = sorted_ranges (sc, spec, cache, site);
      list = fs_node_get (fs_net_spec_link_node (sc, (int) l), "local_networks");
      for (i = 0; i < fs_net_spec_link_n_local_networks (sc, (int) l); i++)
        {
          const FsPrefix *p = fs_net_spec_link_local_network (sc, (int) l, i);
          const Range *r = overlapping (ranges, p);
          g_autofree char *pt = NULL, *rt = NULL;
          GError *local = NULL;

          if (r == NULL)
            continue;
          pt = fs_prefix_to_string (p);
          rt = fs_prefix_to_string (&r->prefix);
          fs_node_error (&local, fs_node_item (list, i), FS_SCENARIO_ERROR_RULE,
                         "local network %s of link '%s' overlaps subnet '%s' (%s) of the virtual "
                         "network in '%s': you can't add a local-network %s in the Azure network, "
                         "because Azure doesn't support stretched subnets", pt,
                         fs_net_spec_link_name (sc, (int) l), fs_net_spec_subnet_name (sc, r->subnet),
                         rt, fs_sites_spec_name (sc, site), pt);
          fs_scenario_add_error (sc, local);
        }
    }
}

/* Seed 004: "The ExpressRoute circuit won't be able to connect with two Azure virtual networks
 * of the same IP ranges at the same time"; the target region's connection must start down. Net
 * subnets never overlap, so two virtual networks share ranges exactly when they share a subnet:
 * each circuit keeps which of its up connections first reached each subnet. */
static void
check_circuits (FsScenario *sc, const DrSpec *spec)
{
  g_autoptr (GHashTable) circuits = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                           (GDestroyNotify) g_hash_table_destroy);
  guint l, i, n_up = 0;

  for (l = 0; l < fs_net_spec_n_links (sc); l++)
    {
      const char *circuit = fs_net_spec_link_circuit (sc, (int) l);
      int site = circuit != NULL ? fs__dr_cloud_site_of (sc, (int) l) : -1;
      g_autoptr (GArray) ranges = NULL;
      GHashTable *reached;
      GError *local = NULL;

      if (site < 0 || !fs_net_spec_link_starts_up (sc, (int) l))
        continue;
      if (++n_up > MAX_CIRCUIT_LINKS)
        {
          fs_node_error (&local, fs_net_spec_link_node (sc, (int) l), FS_SCENARIO_ERROR_LIMIT,
                         "more than %d ExpressRoute connections (links with circuit:) is more than "
                         "failsim accepts", MAX_CIRCUIT_LINKS);
          fs_scenario_add_error (sc, local);
          return;
        }
      if ((reached = g_hash_table_lookup (circuits, circuit)) == NULL)
        {
          reached = g_hash_table_new (g_direct_hash, g_direct_equal);
          g_hash_table_insert (circuits, (gpointer) circuit, reached);
        }
      ranges = vnet_ranges (sc, spec, site);
      for (i = 0; i < ranges->len; i++)
        {
          int subnet = g_array_index (ranges, int, i);
          gpointer found = g_hash_table_lookup (reached, GINT_TO_POINTER (subnet + 1));
          int other = GPOINTER_TO_INT (found) - 1, other_site;
          g_autofree char *pt = NULL;

          if (found == NULL)
            {
              g_hash_table_insert (reached, GINT_TO_POINTER (subnet + 1), GINT_TO_POINTER ((int) l + 1));
              continue;
            }
          /* Two connections of one circuit to one virtual network are not this rule's concern. */
          if ((other_site = fs__dr_cloud_site_of (sc, other)) == site)
            continue;
          pt = prefix_text (sc, subnet);
          fs_node_error (&local, at (fs_net_spec_link_node (sc, (int) l), "state"), FS_SCENARIO_ERROR_RULE,
                         "links '%s' and '%s' of ExpressRoute circuit '%s' are both up, but the "
                         "virtual networks in '%s' and '%s' both hold %s: a circuit cannot connect two "
                         "virtual networks with the same ranges at once, so the target region's "
                         "connection starts with state: down", fs_net_spec_link_name (sc, other),
                         fs_net_spec_link_name (sc, (int) l), circuit, fs_sites_spec_name (sc, other_site),
                         fs_sites_spec_name (sc, site), pt);
          fs_scenario_add_error (sc, local);
          break;
        }
    }
}

/* Seed 004, "Forced tunneling": a default route from a cloud region to on-premises takes the
 * replication traffic out of the Azure boundary, unless user-defined routes keep it in. */
static void
check_forced_tunneling (FsScenario *sc, const DrSpec *spec)
{
  guint i;

  for (i = 0; i < fs_net_spec_n_static_routes (sc); i++)
    {
      const ReplicationSpec *r;
      const FsNode *node;
      FsPrefix p;
      int router, via, site, via_site;
      g_autofree char *pt = NULL;

      fs_net_spec_static_route (sc, i, &router, &p, &via, &node);
      site = fs_net_spec_router_site (sc, router);
      via_site = fs_net_spec_router_site (sc, via);
      if (p.len != 0 || fs_sites_spec_kind (sc, site) != FS_SITE_CLOUD_REGION || via_site == site)
        continue;
      if ((r = replication_at (spec, site)) != NULL && r->udr)
        continue;
      pt = fs_prefix_to_string (&p);
      fs_scenario_add_warning (sc, node, "static route %s at '%s' forces Internet-bound traffic to "
                               "'%s' in '%s' (forced tunneling): Site Recovery's replication traffic "
                               "would leave the Azure boundary unless user-defined routes keep it in "
                               "(replication: udr: true for '%s')", pt,
                               fs_net_spec_router_name (sc, router), fs_net_spec_router_name (sc, via),
                               fs_sites_spec_name (sc, via_site), fs_sites_spec_name (sc, site));
    }
}

static gboolean
replication_load (FsScenario *sc, const FsNode *value, GError **error)
{
  DrSpec *spec = fs__dr_spec (sc);
  gboolean ok = read_list (sc, value, "replication", "replication setting", MAX_REPLICATION,
                           replication_fields, spec->replication, sizeof (ReplicationSpec),
                           replication_clear, FALSE, finish_replication, spec, NULL, error);

  check_replication (sc, spec);
  check_local_networks (sc, spec);
  check_circuits (sc, spec);
  check_forced_tunneling (sc, spec);
  return ok;
}

/* --- registration ---------------------------------------------------------------------------------- */

static const FsSection sections[] = {
  { "vmm", "The VMM structure: servers, logical networks, VM networks and clouds (protected and "
    "protecting).", "dr", 27, vmm_load, NULL, NULL, vmm_fields, TRUE, "vm_networks", vm_network_fields },
  { "network_mappings", "Network mapping from source VM networks to target VM networks.", "dr", 28,
    mappings_load, NULL, NULL, mapping_fields, FALSE, NULL, NULL },
  { "vms", "Protected VMs, their NICs and addresses; each NIC becomes a host, and its replica "
    "another.", "dr", 29, vms_load, NULL, NULL, vm_fields, FALSE, "nics", nic_fields },
  { "replication", "Per-site replication settings: proxy, outbound rules, user-defined routes.", "dr",
    61, replication_load, NULL, NULL, replication_fields, FALSE, NULL, NULL },
};

void
fs__dr_register (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sections); i++)
    fs_scenario_register_section (&sections[i]);
  fs__dr_register_plan_section ();
  fs__dr_register_actions ();
}
