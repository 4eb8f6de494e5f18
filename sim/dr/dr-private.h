/* dr-private.h: the disaster-recovery model's specification, shared by dr-spec.c (loading and
 * the validate rules) and dr.c (recovery plans, failover, failback at run time).
 *
 * Seeds 001 and 003 (VMM network mapping: New York / Chicago, Beijing / Shanghai), 000 (IP
 * allocation from static pools), 002 (Hyper-V to Azure, Woodgrove Bank), 004 (Azure to Azure,
 * ExpressRoute). All indices are into the arrays below unless said otherwise; "net host" and
 * "net subnet" indices are the network model's (net.h). */
#pragma once

#include "failsim/dist.h"
#include "failsim/ip.h"
#include "failsim/scenario.h"

/* --- VMM structure (key vmm:, one mapping) ---------------------------------------------------- */

typedef struct {
  char *name;                /* "VMM-NewYork" */
  char *site_name;
  int site;
  const FsNode *node;
} VmmServerSpec;

typedef struct {
  char *name;                /* "LogicalNetwork1-NewYork" */
  char *server_name;
  int server;                /* VmmServerSpec index */
  const FsNode *node;
} LogicalNetworkSpec;

enum { POOL_NONE, POOL_STATIC, POOL_DHCP };

/* A subnet of a VM network: a named slice of a net subnet, with the range addresses are
 * handed out from. */
typedef struct {
  char *name;                /* matched by name at failover ("app") */
  char *subnet_name;         /* the net subnet it lies in */
  char *pool_text;           /* "192.168.1.100-192.168.1.199"; NULL: none */
  gboolean dhcp;             /* addresses come from a DHCP server, not managed by Site Recovery */
  int subnet;                /* net subnet index */
  FsIp pool_first, pool_last;   /* inclusive; valid when has_pool */
  gboolean has_pool;
  const FsNode *node;
} VmSubnetSpec;

typedef struct {
  char *name;                /* "VMNetwork1-Chicago" */
  char *logical_network_name;   /* NULL for an Azure virtual network */
  char *site_name;           /* required for an Azure virtual network; else the server's site */
  const FsNode *subnets_node;
  int logical_network;       /* -1 for Azure */
  int site;
  GArray *subnets;           /* VmSubnetSpec, in the order written: [0] is "the first subnet" */
  const FsNode *node;
} VmNetworkSpec;

typedef struct {
  char *name;                /* "GoldCloud1" */
  char *server_name;
  const FsNode *logical_networks_node;
  char *protected_by_name;   /* the protecting cloud, or NULL */
  int server;
  GArray *logical_networks;  /* int: LogicalNetworkSpec indices associated with the cloud */
  int protected_by;          /* CloudSpec index, or -1 */
  char *protected_to_name;   /* a cloud protected to Azure: the cloud-region site, or NULL */
  int protected_to;          /* site index, or -1 */
  const FsNode *node;
} CloudSpec;

/* --- network mapping (key network_mappings:) ---------------------------------------------------- */

typedef struct {
  char *source_name;
  char *target_name;
  int source, target;        /* VmNetworkSpec indices */
  const FsNode *node;
} MappingSpec;

/* --- VMs (key vms:) ----------------------------------------------------------------------------- */

enum { ADDR_STATIC, ADDR_POOL, ADDR_DHCP };

typedef struct {
  char *network_name;
  char *subnet_name;         /* the VM subnet's name in that network; default its first */
  int addressing;            /* ADDR_STATIC, ADDR_POOL, ADDR_DHCP */
  char *ip_text;             /* the source address (static; or a pool / DHCP address it holds) */
  char *replica_ip_text;     /* Azure targets: the address configured on the replica */
  int network;               /* VmNetworkSpec */
  int vm_subnet;             /* index in that network's subnets */
  FsIp ip;
  /* Resolved at load time ("reserved at protection time"): where the replica connects. */
  int target_network;        /* -1: unmapped, the replica is disconnected */
  int target_vm_subnet;      /* -1 when disconnected */
  FsIp replica_ip;           /* valid when target_network >= 0 */
  int host;                  /* net host of the source NIC */
  int replica_host;          /* net host of the replica NIC; == host when the address is kept;
                              * -1 when disconnected */
  const FsNode *node;
} NicSpec;

typedef struct {
  char *name;                /* "VM1" */
  char *cloud_name;
  FsDist *boot;              /* from its start command to answering */
  const FsNode *nics_node;
  char *description;
  char *site_name;           /* an Azure VM (Azure to Azure, seed 004): its cloud-region site,
                              * given instead of a cloud; NULL for a VM in a VMM cloud */
  int cloud;                 /* CloudSpec, or -1 for an Azure VM (site_name given) */
  int site;                  /* where it runs: its cloud's server's site */
  int target_site;           /* where its replica runs: the protecting cloud's server's site, or
                              * the target network's site for Azure */
  GArray *nics;              /* NicSpec */
  const FsNode *node;
} VmSpec;

/* --- recovery plans (key recovery_plans:) -------------------------------------------------------- */

enum { ON_FAILURE_STOP, ON_FAILURE_CONTINUE, ON_FAILURE_RETRY };

/* One pre or post step: a timeline action performed by the plan (dns.update, route.add,
 * subnet.move, link.repair, circuit.connect ...) or a manual action, with its own duration and
 * failure chance. */
typedef struct {
  FsActionCall *call;        /* the action and its checked arguments (manual's too) */
  char *note;
  FsDist *duration;
  double failure;
  int on_failure;            /* ON_FAILURE_* */
  int64_t retries;           /* for ON_FAILURE_RETRY */
  const FsNode *node;
} StepSpec;

typedef struct {
  char *name;                /* "group 1" when not given */
  GArray *vms;               /* int: VmSpec indices; they start in parallel */
  GArray *pre, *post;        /* StepSpec */
  const FsNode *node;
} GroupSpec;

typedef struct {
  char *name;
  char *description;
  GArray *groups;            /* GroupSpec, run in order */
  const FsNode *node;
} PlanSpec;

/* --- replication settings per site (key replication:, seed 004) --------------------------------- */

enum { PROXY_NONE, PROXY_UNAUTHENTICATED, PROXY_AUTHENTICATED };
enum { OUTBOUND_STORAGE, OUTBOUND_LOGIN, OUTBOUND_RECOVERY_SERVICE, OUTBOUND_SERVICE_BUS, OUTBOUND_N };

typedef struct {
  char *site_name;
  int proxy;                 /* PROXY_*: how outbound connectivity is controlled there */
  const FsNode *outbound_node;
  gboolean udr;              /* user-defined routes keep replication traffic inside the cloud */
  int site;
  guint outbound;            /* bit (1 << OUTBOUND_*) per rule allowed; all four when not given */
  const FsNode *node;
} ReplicationSpec;

typedef struct {
  GArray *servers;           /* VmmServerSpec */
  GArray *logical_networks;  /* LogicalNetworkSpec */
  GArray *vm_networks;       /* VmNetworkSpec */
  GArray *clouds;            /* CloudSpec */
  GArray *mappings;          /* MappingSpec */
  GArray *vms;               /* VmSpec */
  GArray *plans;             /* PlanSpec; created empty, without a clear func, by fs__dr_spec():
                              * the recovery_plans loader sets one (g_array_set_clear_func) */
  GArray *replication;       /* ReplicationSpec */
  GHashTable *name_index;    /* dr-spec.c's, at load time: GArray * -> (name -> index + 1) */
} DrSpec;

DrSpec *fs__dr_spec (FsScenario *sc);
const DrSpec *fs__dr_spec_get (const FsScenario *sc);

/* The VM network mapped to @network (mappings work both ways, as the seeds' tables show), or
 * -1. With several, the first written. */
int fs__dr_mapped (const DrSpec *spec, int network);

/* Whether @target is offered for a VM of protected cloud @cloud: its logical network is
 * associated with @cloud's protecting cloud (the seeds' "Target network available" table).
 * An Azure network (no logical network) is always offered. */
gboolean fs__dr_target_available (const DrSpec *spec, int cloud, int target);

/* The VM subnet of @target a NIC on VM subnet @source_subnet of network @source joins: the one
 * with the same name, else the first. */
int fs__dr_target_subnet (const DrSpec *spec, int source, int source_subnet, int target);

/* Whether the virtual networks in sites @site_a and @site_b share addresses (seed 004: "The
 * ExpressRoute circuit won't be able to connect with two Azure virtual networks of the same IP
 * ranges at the same time"). A site's ranges are the net subnets that live there at the start
 * and those of the VM networks at that site (a subnet that fails over into it). When they do,
 * *@subnet_a and *@subnet_b (may be NULL) are the first overlapping pair of net subnets. */
gboolean fs__dr_vnet_ranges_overlap (const FsScenario *sc, int site_a, int site_b, int *subnet_a,
                                     int *subnet_b);

/* The end of @link in a cloud-region site (the virtual network's), or -1 (net refuses circuits
 * and local networks on links without exactly one). */
int fs__dr_cloud_site_of (const FsScenario *sc, int link);

gboolean fs__dr_build (FsSim *sim, GError **error);
/* Frees what a PlanSpec holds (not the struct): the clear function of DrSpec.plans. */
void fs__dr_plan_clear (gpointer plan);
void fs__dr_register_plan_section (void);
void fs__dr_register_actions (void);
