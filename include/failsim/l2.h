/* l2.h: layer 2: VLANs (stretched or site-local), the gateway's ARP cache, VM moves that keep
 * their address, and broadcast storms with their fault spread.
 *
 * The rest of the retain-IP story (seed 000 "Stretched subnet"): a subnet carried by a VLAN that
 * spans sites lets a VM move without a routing change, but the default gateway stands at one
 * site (traffic to the other site trombones over the interconnect), the gateway's ARP entry for
 * a moved VM is stale until a gratuitous ARP or its aging, and "the potential fault domain
 * extends to both sites": a broadcast storm floods every site of the VLAN and saturates the
 * interconnects. docs/model-l2.md gives the rules and their sources.
 *
 * Owns the scenario key vlans: and the actions host.move, vlan.storm and vlan.isolate. Reports
 * arp.down/up (subject: a host whose gateway ARP entry is stale), l2.trombone_ns, storm.down/up
 * (subject: the storm's number), spread.host/site/link/vlan.down/up (what a storm reached) and
 * storm.duration_ns; at a storm's end (or the run's), its figures "l2.storms". */
#pragma once

#include <glib.h>

#include "failsim/kernel.h"
#include "failsim/net.h"

G_BEGIN_DECLS

typedef struct FsL2 FsL2;

FsL2 *fs_l2_from_model (FsModel *model);   /* the "l2" model of a sim (NULL model: no VLANs) */

/* The VLAN named @name, or -1. */
int fs_l2_vlan_index (const FsL2 *l2, const char *name);

/* Whether a storm floods VLAN @vlan now. */
gboolean fs_l2_vlan_is_storming (const FsL2 *l2, guint vlan);

/* The site the gateway's ARP entry for @host points at: -1 when the entry is incomplete (the
 * next lookup re-ARPs) or the host is in no VLAN. */
int fs_l2_arp_site (const FsL2 *l2, guint host);

/* When the gateway's ARP entry for @host ages out, ns; -1 when there is none. */
FsTime fs_l2_arp_expires (const FsL2 *l2, guint host);

/* A client request failed with @reach on its way to @host (the host owning the address it
 * went to, or -1). If a broadcast storm caused it (the route pointed over an interconnect the
 * storm saturates, or @host is in a storming VLAN at a flooded site), counts it against that
 * storm and returns TRUE. Each storm's figures (summary.json "l2": {"storms": ...}) give its
 * vlans, sites, links, hosts, duration_s, host_seconds and requests_failed. */
gboolean fs_l2_blame (FsL2 *l2, const FsReach *reach, int host);

/* --- the specification (load time), for other modules ---------------------------------------- */

/* The scenario's VLANs, in the order declared (valid indices): how many; a VLAN's name and
 * 802.1Q id (0 when not given); the net subnet it carries; the sites it spans (more than one:
 * stretched), in the order written; the net links that carry it between them. Borrowed. */
guint fs_l2_spec_n_vlans (const FsScenario *sc);
const char *fs_l2_spec_vlan_name (const FsScenario *sc, guint vlan);
int64_t fs_l2_spec_vlan_id (const FsScenario *sc, guint vlan);
int fs_l2_spec_vlan_subnet (const FsScenario *sc, guint vlan);
guint fs_l2_spec_vlan_n_sites (const FsScenario *sc, guint vlan);
int fs_l2_spec_vlan_site (const FsScenario *sc, guint vlan, guint i);
guint fs_l2_spec_vlan_n_interconnects (const FsScenario *sc, guint vlan);
int fs_l2_spec_vlan_interconnect (const FsScenario *sc, guint vlan, guint i);

G_END_DECLS
