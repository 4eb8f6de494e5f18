/* dr.h: disaster-recovery orchestration: VMs replicated to a recovery site, network mapping,
 * recovery plans, failover (planned, unplanned, test) and failback.
 *
 * Seeds 001 and 003 (VMM network mapping, recovery plans, the failback table), 000 (static
 * pools, retain IP versus change IP), 002 (Hyper-V to Azure) and 004 (Azure to Azure,
 * ExpressRoute). Each VM NIC is a host of the network model: the original `<vm>` (NIC 0) or
 * `<vm>.nic<k>`, and its replica `<vm>-replica` (`<vm>-replica.nic<k>`), stopped until a
 * failover starts it; a replica that keeps the source address is the original's host itself,
 * moved to the recovery site at failover.
 *
 * A failover runs the plan's groups in order: the group's pre steps one after another (each
 * takes a duration drawn from its distribution, may fail with its probability, and is then
 * performed as the timeline would perform its action; a step whose action refuses fails too),
 * then the group's VMs start in parallel, each after its boot time, then its post steps. A
 * failed step is handled as the step says: stop (the plan stops), continue, or retry (up to
 * `retries` more attempts, then stop). Planned: the plan's source VMs are shut down cleanly at
 * once when it begins. Unplanned: they are assumed lost and left as they are. Test: the
 * replicas start in an isolated network: no host starts or moves and no step is performed
 * (durations and failures still apply); while it runs every route.change, dns.update,
 * host.up/down and link.up/down the run sees is counted as a change to production, and the
 * count, 0 for a test that kept to its bubble, is reported.
 *
 * Failback is refused while a site where the plan's originals ran is down. dr.map changes what a
 * failback does, not where a later failover connects (that is reserved at protection time).
 * Failback (seeds 001/003, "Failback behavior"): for each NIC of each VM that failed over, the
 * original connects to the network mapped now to the replica's current network; it is
 * disconnected (its host not started) when the replica is disconnected or its network is not
 * mapped. Mappings work both ways; dr.map changes them at run time.
 *
 * Owns the scenario keys vmm:, network_mappings:, vms:, recovery_plans: and the actions
 * dr.failover, dr.failback, dr.set_network, dr.map, circuit.connect, circuit.disconnect and
 * manual. Reports (subject: the plan, by index and name, unless said otherwise):
 * - dr.failover_start (value: the kind, FsDrFailoverKind), dr.failback_start;
 * - dr.step_done (value: the attempt, from 0; detail: the step, its action and note),
 *   dr.step_failed (value: the attempt; detail: why: it failed, or its action refused),
 *   dr.test_step_isolated (a test failover's step, not performed), dr.plan_failed (the plan
 *   stopped; value: the group it stopped in; detail: why);
 * - dr.group_done (value: the group's index; detail: its name);
 * - dr.vm_started (subject: the VM; value: the time since the run began, ns) when a VM a plan
 *   starts answers; dr.vm_silent (subject: the VM) when it booted but nothing answers (every
 *   NIC disconnected, or its site down), not counted as started; dr.vm_disconnected (subject: the VM; value: the NIC) when a replica starts,
 *   or an original fails back, with a NIC that has no network; dr.network_set (subject: the VM;
 *   value: the network, or -1) when dr.set_network moves a replica's NIC, or a failback connects
 *   an original to another network than its own; dr.mapping_set (subject: the source network;
 *   value: the target, or -1) for dr.map;
 * - dr.failover_done (value: the kind), dr.failback_done;
 * - the measures dr.failover_ns (planned and unplanned), dr.test_failover_ns, dr.failback_ns:
 *   from the action to the end of the last group;
 * - at the end of the run, for every plan that ran, the figures "dr.plans" / <plan>:
 *   failovers, test_failovers, failbacks (completed), steps_failed (failed attempts),
 *   vms_started (replicas answering, test ones included), vms_disconnected (VMs started with a
 *   NIC that has no network), failover_s and test_failover_s (the last completed real and test
 *   failover, in seconds; absent if none completed), production_changes (changes to production seen while
 *   a test failover ran, whatever made them; absent if no test ran). */
#pragma once

#include <glib.h>

#include "failsim/ip.h"
#include "failsim/kernel.h"

G_BEGIN_DECLS

typedef struct FsDr FsDr;

typedef enum {
  FS_DR_FAILOVER_PLANNED,    /* the sources shut down cleanly first */
  FS_DR_FAILOVER_UNPLANNED,  /* the sources are lost */
  FS_DR_FAILOVER_TEST,       /* into an isolated network; production untouched */
} FsDrFailoverKind;

typedef enum {
  FS_DR_PLAN_IDLE,           /* never run */
  FS_DR_PLAN_FAILING_OVER,   /* a planned or unplanned failover is running */
  FS_DR_PLAN_FAILED_OVER,    /* the last failover completed */
  FS_DR_PLAN_TESTING,        /* a test failover is running */
  FS_DR_PLAN_TESTED,         /* the last test failover completed */
  FS_DR_PLAN_STOPPED,        /* the last failover or test stopped at a failed step */
  FS_DR_PLAN_FAILING_BACK,
  FS_DR_PLAN_FAILED_BACK,
} FsDrPlanState;

typedef enum {
  FS_DR_VM_SOURCE,           /* at its source (running there, or lost with its site) */
  FS_DR_VM_STARTING,         /* its replica (failover) or its original (failback) is booting */
  FS_DR_VM_REPLICA,          /* failed over: its replica runs */
} FsDrVmState;

FsDr *fs_dr_from_model (FsModel *model);   /* the "dr" model of a sim */

/* Indices by name, or -1. */
int fs_dr_plan_index (const FsDr *dr, const char *name);
int fs_dr_vm_index (const FsDr *dr, const char *name);
int fs_dr_network_index (const FsDr *dr, const char *name);   /* a VM network */

guint fs_dr_n_plans (const FsDr *dr);
guint fs_dr_n_vms (const FsDr *dr);
guint fs_dr_vm_n_nics (const FsDr *dr, guint vm);
const char *fs_dr_plan_name (const FsDr *dr, guint plan);
const char *fs_dr_vm_name (const FsDr *dr, guint vm);
const char *fs_dr_network_name (const FsDr *dr, guint network);

/* --- inspection, for tests and exercises -------------------------------------------------------- */

FsDrPlanState fs_dr_plan_state (const FsDr *dr, guint plan);
const char *fs_dr_plan_state_name (FsDrPlanState state);

/* Whether a test failover of @plan is running now. */
gboolean fs_dr_test_running (const FsDr *dr, guint plan);

/* Changes to production seen while test failovers of @plan ran (see above). */
uint64_t fs_dr_production_changes (const FsDr *dr, guint plan);

/* Steps of @plan that failed so far (each failed attempt counts). */
uint64_t fs_dr_steps_failed (const FsDr *dr, guint plan);

FsDrVmState fs_dr_vm_state (const FsDr *dr, guint vm);

/* Whether @vm belongs to a group of @plan. */
gboolean fs_dr_plan_has_vm (const FsDr *dr, guint plan, guint vm);

/* Whether @vm's replica runs (or boots) in a test failover's isolated network now. */
gboolean fs_dr_vm_in_test (const FsDr *dr, guint vm);

/* The VM network NIC @nic of @vm's original is connected to now (its source network until a
 * failback says otherwise), or -1 when disconnected. */
int fs_dr_nic_original_network (const FsDr *dr, guint vm, guint nic);

/* The VM network NIC @nic of @vm's replica is connected to now (the mapped target, or what
 * dr.set_network set), or -1 when disconnected. */
int fs_dr_nic_replica_network (const FsDr *dr, guint vm, guint nic);

/* The address reserved for the replica's NIC at protection time, or NULL when the replica is
 * disconnected by the mapping (no address was reserved). Borrowed. */
const FsIp *fs_dr_nic_replica_ip (const FsDr *dr, guint vm, guint nic);

/* The net hosts of the original's and the replica's NIC (equal when the replica keeps the
 * source address; the replica's is -1 when the mapping leaves it disconnected). */
int fs_dr_nic_host (const FsDr *dr, guint vm, guint nic);
int fs_dr_nic_replica_host (const FsDr *dr, guint vm, guint nic);

/* The VM network mapped now to @network (either way; dr.map changes it), or -1. */
int fs_dr_mapped (const FsDr *dr, guint network);

/* Whether the replicas of @a and @b, both failed over, can reach each other by the seeds'
 * rules (003, "Network mapping" overview): NICs on the same (mapped) network can; for VMs
 * protected to Azure (a cloud with protected_to), NICs on unmapped networks reach only the VMs
 * of their recovery plan. Routing between networks is the network model's (fs_net_reach). */
gboolean fs_dr_can_reach (const FsDr *dr, guint a, guint b);

G_END_DECLS
