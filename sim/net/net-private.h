/* net-private.h: the network model's specification, shared by net-spec.c (loading) and net.c
 * (the model). */
#pragma once

#include "failsim/fib.h"
#include "failsim/ip.h"
#include "failsim/net.h"
#include "failsim/scenario.h"

typedef struct {
  FsTime mrai;               /* minimum route advertisement interval, per session, ns */
  FsTime hold;               /* how long a silent neighbour is believed alive, ns */
  FsTime processing;         /* per-hop delay to process an update, ns */
  FsTime bfd_interval;       /* BFD transmit interval, ns */
  int64_t bfd_multiplier;    /* BFD detect multiplier: detection = multiplier x interval */
} RoutingSpec;

typedef struct {
  char *name;
  char *site_name;
  char *description;
  int site;                  /* index in sites: */
  const FsNode *node;
} RouterSpec;

typedef struct {
  char *name;
  const FsNode *between;
  int kind;
  FsTime latency;            /* one way, ns */
  gboolean bfd;
  gboolean carrier;
  char *description;
  char *circuit;             /* the ExpressRoute circuit it is a connection of, or NULL */
  int state;                 /* LINK_UP or LINK_DOWN at the start (admin state) */
  const FsNode *local_networks_node;
  int end[2];                /* router indices */
  GArray *local_networks;    /* FsPrefix: the on-premises ranges a site-to-site VPN's virtual
                              * network routes to it; NULL when none */
  const FsNode *node;
} LinkSpec;

enum { LINK_UP, LINK_DOWN };

typedef struct {
  char *name;
  char *prefix_text;
  char *site_name;
  char *router_name;
  char *description;
  FsPrefix prefix;
  int site;
  int router;                /* where it is originated at the start */
  const FsNode *node;
} SubnetSpec;

typedef struct {
  char *name;
  char *ip_text;
  char *site_name;
  int state;                 /* HOST_RUNNING or HOST_STOPPED at the start */
  gboolean managed;          /* added by another model (a DR VM's NIC): subnet.move leaves it */
  FsIp ip;
  int subnet;
  int site;                  /* where the host runs at the start */
  const FsNode *node;
} HostSpec;

enum { HOST_RUNNING, HOST_STOPPED };

typedef struct {
  char *router_name;
  char *prefix_text;
  char *via_name;
  int router;
  int prefix;                /* index in NetSpec.prefixes */
  int link;                  /* the link to the next hop */
  const FsNode *node;
} StaticSpec;

typedef struct {
  char *name;
  char *from_name;
  char *to_text;
  int from;                  /* router index */
  int host;                  /* host index, or -1 when 'to' is an address */
  FsIp ip;                   /* the destination address */
  const FsNode *node;
} FlowSpec;

typedef struct {
  RoutingSpec routing;
  GArray *routers;           /* RouterSpec */
  GArray *links;             /* LinkSpec */
  GArray *subnets;           /* SubnetSpec */
  GArray *hosts;             /* HostSpec */
  GArray *statics;           /* StaticSpec */
  GArray *flows;             /* FlowSpec */
  /* Every prefix routing knows: the subnets' first (index = subnet index), then prefixes that
   * only static routes name. Routing state is kept per (router, prefix) in flat arrays. */
  GArray *prefixes;          /* FsPrefix */
  /* Built once hosts: has loaded, then kept up to date by fs_net_spec_add_host(), so models
   * that add hosts at load time (dr) check names and addresses in constant time. */
  GHashTable *host_by_name;  /* char * (the HostSpec's) -> index + 1 */
  GHashTable *host_by_ip;    /* FsIp * (a copy) -> index + 1 */
} NetSpec;

/* The spec, created on first use by whichever net section loads first. */
NetSpec *fs__net_spec (FsScenario *sc);
const NetSpec *fs__net_spec_get (const FsScenario *sc);

/* The index of @p in spec->prefixes, added when absent. */
int fs__net_spec_prefix (NetSpec *spec, const FsPrefix *p);

/* Resolves a router name at @node, with a located "did you mean" error. */
int fs__net_resolve_router (const FsScenario *sc, const FsNode *node, GError **error);
int fs__net_resolve_link (const FsScenario *sc, const FsNode *node, GError **error);
int fs__net_resolve_subnet (const FsScenario *sc, const FsNode *node, GError **error);
int fs__net_link_between (const NetSpec *spec, int a, int b);

void fs__net_register_sections (void);
void fs__net_register (void);

/* Builds the net model of one replication (net.c); the static_routes section calls it, being
 * the last of the network's sections to load. */
gboolean fs__net_build (FsSim *sim, GError **error);
