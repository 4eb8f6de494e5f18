/* net.h: routers, links, subnets and hosts, and a BGP-like path-vector routing protocol.
 *
 * The retain-IP half of failsim: a subnet lives at one router (one site) at a time; moving
 * it withdraws it at the source and originates it at the target, and every other router
 * learns the new location through the routing protocol, at the speed its timers allow
 * (MRAI, hold timer or BFD, per-hop processing delay). Reachability follows the forwarding
 * tables hop by hop over live links and routers, so transient black holes and loops during
 * convergence are seen and measured. Seeds: 000 "Subnet failover" and its example;
 * 002 "Subnet failover" to Azure.
 *
 * Owns the scenario keys routing:, routers:, links:, subnets:, hosts:, static_routes: and the
 * actions link.fail, link.repair, router.fail, router.repair, subnet.move, route.add,
 * route.remove, host.start, host.stop. Reports host.down/up (a host stopped or started),
 * link.down/up, router.down/up, route.change, blackhole.down/up, loop.down/up (subject: a
 * router and a subnet), routing.convergence_ns. */
#pragma once

#include <glib.h>

#include "failsim/ip.h"
#include "failsim/kernel.h"
#include "failsim/scenario.h"

G_BEGIN_DECLS

typedef struct FsNet FsNet;

typedef enum {
  FS_REACH_DELIVERED,   /* reached a live host that owns the address */
  FS_REACH_NO_ROUTE,    /* a router on the way had no route: a black hole */
  FS_REACH_DEAD_HOP,    /* the route pointed over a dead link or at a dead router: a black hole */
  FS_REACH_LOOP,        /* the packet came back to a router it had visited */
  FS_REACH_NO_HOST,     /* it reached the subnet's router, but no live host there owns the address */
  FS_REACH_SOURCE_DOWN, /* the router it starts from is down */
} FsReachStatus;

typedef struct {
  FsReachStatus status;
  FsTime latency;        /* one way, sum of link latencies along the path, ns */
  guint hops;            /* links crossed */
  int last_router;       /* where the packet ended */
  int host;              /* DELIVERED: the host's index; -1 otherwise */
  int link;              /* DEAD_HOP: the dead (or impaired) link the route pointed over; else -1 */
} FsReach;

FsNet *fs_net_from_model (FsModel *model);   /* the "net" model of a sim */

/* Follows the forwarding tables from @router (an index) towards @ip, now. */
FsReach fs_net_reach (const FsNet *net, guint router, const FsIp *ip);

/* Indices of the scenario's routers, subnets and hosts by name, or -1. */
int fs_net_router_index (const FsNet *net, const char *name);
int fs_net_subnet_index (const FsNet *net, const char *name);
int fs_net_host_index (const FsNet *net, const char *name);
int fs_net_host_by_ip (const FsNet *net, const FsIp *ip);   /* the host owning @ip, or -1 */
gboolean fs_net_router_is_up (const FsNet *net, guint router);

/* The router a subnet is now originated at, or -1 when no router originates it. */
int fs_net_subnet_router (const FsNet *net, guint subnet);

/* The next hop @router's forwarding table gives for @prefix: a router index, -1 when there is
 * no route, -2 when @router delivers it locally. For tests and inspection. */
int fs_net_next_hop (const FsNet *net, guint router, guint subnet);

const char *fs_reach_status_name (FsReachStatus status);

/* --- for a layer-2 model ------------------------------------------------------------------- */

/* The last hop, from the router that delivers a subnet to a host in it. By default the host
 * must run, alive, in that router's site. A layer-2 model (stretched VLANs, ARP, storms)
 * replaces the rule: return TRUE when @host can be reached from @router now, adding any
 * latency of the layer-2 path (an interconnect crossed) to *@latency. */
typedef gboolean (*FsNetLastHop) (void *data, guint host, guint router, FsTime *latency);
void fs_net_set_last_hop (FsNet *net, FsNetLastHop fn, void *data);

/* Marks @link unusable (a storm saturating it) or usable again. An impaired link counts as
 * dead for forwarding and for its routing session, exactly as a failed one. */
void fs_net_set_link_impaired (FsNet *net, guint link, gboolean impaired);

/* Hosts: how many, their names, subnets and addresses, and where each runs now. */
guint fs_net_n_hosts (const FsNet *net);
const char *fs_net_host_name (const FsNet *net, guint host);
int fs_net_host_subnet (const FsNet *net, guint host);
const FsIp *fs_net_host_ip (const FsNet *net, guint host);
int fs_net_host_site (const FsNet *net, guint host);

/* Whether @host runs (it was not stopped, or was started): and alive = running in a live site. */
gboolean fs_net_host_is_running (const FsNet *net, guint host);
gboolean fs_net_host_is_alive (const FsNet *net, guint host);
/* Whether @host was started with a boot time that has not yet passed (it runs once it has). */
gboolean fs_net_host_is_booting (const FsNet *net, guint host);

/* Starts a stopped host after @boot ns (0: now), or stops it (abandoning a boot in progress).
 * Reports host.up / host.down when its running state changes. */
void fs_net_start_host (FsNet *net, guint host, FsTime boot);
void fs_net_stop_host (FsNet *net, guint host);

/* Called when a host starts or stops running (not when its site fails: see site.h). */
typedef void (*FsNetHostListener) (guint host, gboolean running, void *data);
void fs_net_listen_hosts (FsNet *net, FsNetHostListener fn, void *data);

/* Moves @host to @site, keeping its address (a VM started at the other end of a stretched
 * VLAN). Forwarding is re-measured at once. */
void fs_net_move_host (FsNet *net, guint host, guint site);

/* Routers and links, for placing layer-2 things against them. */
int fs_net_router_site (const FsNet *net, guint router);
int fs_net_link_index (const FsNet *net, const char *name);
void fs_net_link_ends (const FsNet *net, guint link, int *a, int *b);
FsTime fs_net_link_latency (const FsNet *net, guint link);
gboolean fs_net_link_is_alive (const FsNet *net, guint link);

/* Whether a link has failed, as link.fail and link.repair set it: a failed link is dead whatever
 * its ends; one that has not lives when both its routers do (and, for a circuit's connection,
 * while it is connected). Reports link.down / link.up and opens a routing episode when the state
 * changes; no effect otherwise. */
void fs_net_set_link_admin (FsNet *net, guint link, gboolean up);
gboolean fs_net_link_is_admin_up (const FsNet *net, guint link);

/* Whether an ExpressRoute circuit's connection (a link with a circuit: key) exists, as
 * circuit.connect and circuit.disconnect of the dr model set it, and as its state: says at the
 * start. It is a resource, not a wire: a failure (link.fail) neither removes it nor makes it, so
 * a connection that failed with its region still holds the circuit's ranges, and one never
 * connected is not brought up by link.repair (seed 004). Reports link.down / link.up ("circuit
 * disconnected", "circuit connected") and opens a routing episode when the state changes. Every
 * other link is always connected. */
void fs_net_set_link_connected (FsNet *net, guint link, gboolean connected);
gboolean fs_net_link_is_connected (const FsNet *net, guint link);
const char *fs_net_link_name (const FsNet *net, guint link);
/* The ExpressRoute circuit @link is a connection of (its circuit: key), or NULL. */
const char *fs_net_link_circuit (const FsNet *net, guint link);

/* Re-classifies black holes and loops now, after a layer-2 change that the forwarding tables
 * do not see (a host moved, a storm began or ended). */
void fs_net_remeasure (FsNet *net);

/* --- load time, for a layer-2 model's checks -------------------------------------------------- */

/* Resolve a subnet or link named by scalar @name_node in @sc's network, or set a located
 * FS_SCENARIO_ERROR_REFERENCE error (with a "did you mean") and return -1. */
int fs_net_spec_subnet (const FsScenario *sc, const FsNode *name_node, GError **error);
int fs_net_spec_link (const FsScenario *sc, const FsNode *name_node, GError **error);

/* The sites of the routers at the two ends of @link, a valid index from fs_net_spec_link(). */
void fs_net_spec_link_sites (const FsScenario *sc, int link, int *site_a, int *site_b);

/* The site @subnet (a valid index) lives in at the start. */
int fs_net_spec_subnet_site (const FsScenario *sc, int subnet);

/* Resolves a host named by @name_node as fs_net_spec_subnet() does; and the subnet a host (a
 * valid index) has its address in. */
int fs_net_spec_host (const FsScenario *sc, const FsNode *name_node, GError **error);
int fs_net_spec_host_subnet (const FsScenario *sc, int host);

/* A host's address, and whether it runs at the start (a valid index); how many hosts. */
const FsIp *fs_net_spec_host_ip (const FsScenario *sc, int host);
const char *fs_net_spec_host_name (const FsScenario *sc, int host);
gboolean fs_net_spec_host_running (const FsScenario *sc, int host);
guint fs_net_spec_n_hosts (const FsScenario *sc);

/* Resolves a router as fs_net_spec_subnet() does; the first router declared in @site (-1 when
 * it has none); the site of a router (a valid index). */
int fs_net_spec_router (const FsScenario *sc, const FsNode *name_node, GError **error);
int fs_net_spec_site_router (const FsScenario *sc, int site);
int fs_net_spec_router_site (const FsScenario *sc, int router);
const char *fs_net_spec_router_name (const FsScenario *sc, int router);
/* How many routers the scenario declares. */
guint fs_net_spec_n_routers (const FsScenario *sc);

/* --- load time, for a model that adds hosts or checks ranges (dr) -------------------------- */

/* Adds a host named @name with address @ip, running at the start or stopped, at @site (a valid
 * site index), as if declared under hosts:, and returns its index. Only after hosts: has loaded
 * (sections of order above 24). Refuses, with an error located at @at (which also stands for
 * the host in later messages, so it must outlive the scenario): a name already taken, an address
 * already a host's, an address in no subnet. */
int fs_net_spec_add_host (FsScenario *sc, const char *name, const FsIp *ip, int site,
                          gboolean running, const FsNode *at, GError **error);

/* The host named @name, or owning @ip; -1 when none. */
int fs_net_spec_host_index (const FsScenario *sc, const char *name);
int fs_net_spec_host_by_ip (const FsScenario *sc, const FsIp *ip);
/* The site a host (a valid index) runs at at the start. */
int fs_net_spec_host_site (const FsScenario *sc, int host);

/* Subnets: how many, a subnet's name and range (valid indices; borrowed), and the subnet that
 * holds @ip (subnets never overlap), or -1. fs_net_spec_subnet_site() gives its site. */
guint fs_net_spec_n_subnets (const FsScenario *sc);
const char *fs_net_spec_subnet_name (const FsScenario *sc, int subnet);
const FsPrefix *fs_net_spec_subnet_prefix (const FsScenario *sc, int subnet);
int fs_net_spec_subnet_of_ip (const FsScenario *sc, const FsIp *ip);

/* Links (valid indices): how many; a link's name and node (to locate messages); the routers at
 * its ends (fs_net_spec_link_sites() gives their sites); its ExpressRoute circuit or NULL;
 * whether it is up at the start (state: up); its local networks (a site-to-site VPN's
 * on-premises ranges; none for other links). */
guint fs_net_spec_n_links (const FsScenario *sc);
const char *fs_net_spec_link_name (const FsScenario *sc, int link);
const FsNode *fs_net_spec_link_node (const FsScenario *sc, int link);
void fs_net_spec_link_routers (const FsScenario *sc, int link, int *router_a, int *router_b);
const char *fs_net_spec_link_circuit (const FsScenario *sc, int link);
gboolean fs_net_spec_link_starts_up (const FsScenario *sc, int link);
/* A link's kind as written ("private", "vpn", "expressroute", "dci", "internet"; static)
 * and its one-way latency, ns (valid indices). */
const char *fs_net_spec_link_kind (const FsScenario *sc, int link);
FsTime fs_net_spec_link_latency (const FsScenario *sc, int link);
guint fs_net_spec_link_n_local_networks (const FsScenario *sc, int link);
const FsPrefix *fs_net_spec_link_local_network (const FsScenario *sc, int link, guint i);

/* Static routes (static_routes:): how many, and the @i-th's router, destination, next-hop
 * router and node. */
guint fs_net_spec_n_static_routes (const FsScenario *sc);
void fs_net_spec_static_route (const FsScenario *sc, guint i, int *router, FsPrefix *prefix,
                               int *via, const FsNode **node);

G_END_DECLS
