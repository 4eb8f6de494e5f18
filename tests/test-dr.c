/* test-dr.c: recovery plans, failover and failback against hand-worked times and the seeds'
 * tables.
 *
 * The estate (seed 001's New York / Chicago): sites newyork and chicago, one router each (rny,
 * rchi) joined by a 1ms link. VM networks VMNetwork1/2-NewYork (subnets ny-app 192.168.1.0/24,
 * ny-app2 192.168.2.0/24) on logical network LN-NewYork, VMNetwork1/2-Chicago (chi-app
 * 172.16.1.0/24, chi-app2 172.16.2.0/24) on LN-Chicago; cloud Gold-NewYork is protected by
 * Gold-Chicago; VMNetwork1-NewYork is mapped to VMNetwork1-Chicago and nothing else is mapped.
 * VM1, VM2, VM3 (boot 60s, 90s, 30s) each have one NIC on VMNetwork1-NewYork from its pool, so
 * their replicas take 172.16.1.100, .101, .102 from VMNetwork1-Chicago's pool, in VM order.
 * ns1 (192.168.1.53, newyork) serves contoso.com: app -> 192.168.1.110. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "failsim/dns.h"
#include "failsim/dr.h"
#include "failsim/metrics.h"
#include "failsim/net.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"

#define S FS_SEC
#define M FS_MIN

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (dr, .init = enter_source_dir);

static const char estate[] =
  "name: dr test\n"
  "duration: 10h\n"
  "sites: [{name: newyork}, {name: chicago}]\n"
  "routers: [{name: rny, site: newyork}, {name: rchi, site: chicago}]\n"
  "links: [{name: ny-chi, between: [rny, rchi], latency: 1ms}]\n"
  "subnets:\n"
  "  - {name: ny-app, prefix: 192.168.1.0/24, site: newyork}\n"
  "  - {name: ny-app2, prefix: 192.168.2.0/24, site: newyork}\n"
  "  - {name: chi-app, prefix: 172.16.1.0/24, site: chicago}\n"
  "  - {name: chi-app2, prefix: 172.16.2.0/24, site: chicago}\n"
  "hosts:\n"
  "  - {name: ns1, ip: 192.168.1.53}\n"
  "zones:\n"
  "  - name: contoso.com\n"
  "    servers: [ns1]\n"
  "    records: [{name: app, value: 192.168.1.110, ttl: 60s}]\n"
  "vmm:\n"
  "  servers:\n"
  "    - {name: VMM-NewYork, site: newyork}\n"
  "    - {name: VMM-Chicago, site: chicago}\n"
  "  logical_networks:\n"
  "    - {name: LN-NewYork, server: VMM-NewYork}\n"
  "    - {name: LN-Chicago, server: VMM-Chicago}\n"
  "  vm_networks:\n"
  "    - name: VMNetwork1-NewYork\n"
  "      logical_network: LN-NewYork\n"
  "      subnets: [{name: app, subnet: ny-app, pool: 192.168.1.100-192.168.1.199}]\n"
  "    - name: VMNetwork2-NewYork\n"
  "      logical_network: LN-NewYork\n"
  "      subnets: [{name: app, subnet: ny-app2, pool: 192.168.2.100-192.168.2.199}]\n"
  "    - name: VMNetwork1-Chicago\n"
  "      logical_network: LN-Chicago\n"
  "      subnets: [{name: app, subnet: chi-app, pool: 172.16.1.100-172.16.1.199}]\n"
  "    - name: VMNetwork2-Chicago\n"
  "      logical_network: LN-Chicago\n"
  "      subnets: [{name: app, subnet: chi-app2, pool: 172.16.2.100-172.16.2.199}]\n"
  "  clouds:\n"
  "    - {name: Gold-NewYork, server: VMM-NewYork, logical_networks: [LN-NewYork], protected_by: Gold-Chicago}\n"
  "    - {name: Gold-Chicago, server: VMM-Chicago, logical_networks: [LN-Chicago]}\n"
  "network_mappings:\n"
  "  - {source: VMNetwork1-NewYork, target: VMNetwork1-Chicago}\n"
  "vms:\n"
  "  - {name: VM1, cloud: Gold-NewYork, boot: 60s, nics: [{network: VMNetwork1-NewYork, subnet: app, "
  "addressing: pool, ip: 192.168.1.110}]}\n"
  "  - {name: VM2, cloud: Gold-NewYork, boot: 90s, nics: [{network: VMNetwork1-NewYork, subnet: app, "
  "addressing: pool, ip: 192.168.1.111}]}\n"
  "  - {name: VM3, cloud: Gold-NewYork, boot: 30s, nics: [{network: VMNetwork1-NewYork, subnet: app, "
  "addressing: pool, ip: 192.168.1.112}]}\n";

/* Two groups: db (VM1) with a 10s pre and a 5s post step, web (VM2, VM3) with a 20s pre and a
 * 1m post step. @pre_db replaces the db group's pre step. */
#define TWO_GROUPS(pre_db) \
  "recovery_plans:\n" \
  "  - name: rp\n" \
  "    groups:\n" \
  "      - name: db\n" \
  "        vms: [VM1]\n" \
  "        pre: [" pre_db "]\n" \
  "        post: [{action: manual, duration: 5s}]\n" \
  "      - name: web\n" \
  "        vms: [VM2, VM3]\n" \
  "        pre: [{action: manual, duration: 20s}]\n" \
  "        post: [{action: manual, duration: 1m}]\n"

/* VM1 alone, no steps. */
#define ONE_VM \
  "recovery_plans:\n" \
  "  - {name: rp, groups: [{vms: [VM1]}]}\n"

typedef struct {
  FsScenario *sc;
  FsSim *sim;
  FsDr *dr;
  FsNet *net;
} Run;

static Run
start (const char *more)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strconcat (estate, more, NULL);
  Run r = { 0 };

  r.sc = fs_scenario_load_data ("test.yaml", text, -1, NULL, &error);
  cr_assert_not_null (r.sc, "%s", error ? error->message : "");
  r.sim = fs_sim_new (r.sc, 1, 0, &error);
  cr_assert_not_null (r.sim, "%s", error ? error->message : "");
  cr_assert_not_null (fs_sim_model (r.sim, "dr"));
  r.dr = fs_dr_from_model (fs_sim_model (r.sim, "dr"));
  r.net = fs_net_from_model (fs_sim_model (r.sim, "net"));
  return r;
}

static void
stop (Run *r)
{
  fs_sim_free (r->sim);
  fs_scenario_free (r->sc);
}

/* The message loading @more fails with. */
static char *
load_error (const char *more)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strconcat (estate, more, NULL);
  FsScenario *sc = fs_scenario_load_data ("test.yaml", text, -1, NULL, &error);

  cr_assert_null (sc, "loaded, but should not have");
  return g_strdup (error->message);
}

/* The time of the @nth (from 0) notice of @topic about @subject (NULL: any), or -1. */
static FsTime
noticed (Run *r, const char *topic, const char *subject, guint nth)
{
  const GArray *log = fs_metrics_log (fs_sim_metrics (r->sim));
  uint32_t t = fs_kernel_topic (fs_sim_kernel (r->sim), topic);
  guint i;

  for (i = 0; i < log->len; i++)
    {
      const FsLogEntry *e = &g_array_index (log, FsLogEntry, i);

      if (e->topic == t && (subject == NULL || strcmp (e->subject_name, subject) == 0) && nth-- == 0)
        return e->time;
    }
  return -1;
}

static guint
count (Run *r, const char *topic)
{
  return (guint) fs_metrics_count (fs_sim_metrics (r->sim), fs_kernel_topic (fs_sim_kernel (r->sim), topic));
}

static int
host (Run *r, const char *name)
{
  int h = fs_net_host_index (r->net, name);

  cr_assert_geq (h, 0, "no host %s", name);
  return h;
}

static gboolean
alive (Run *r, const char *name)
{
  return fs_net_host_is_alive (r->net, (guint) host (r, name));
}

static gboolean
running (Run *r, const char *name)
{
  return fs_net_host_is_running (r->net, (guint) host (r, name));
}

static int64_t
figure_int (Run *r, const char *key)
{
  const FsFigure *f = fs_metrics_find_figure (fs_sim_metrics (r->sim), "dr.plans", "rp", key);

  cr_assert_not_null (f, "no figure dr.plans/rp/%s", key);
  return f->i;
}

static int
network (Run *r, const char *name)
{
  int n = fs_dr_network_index (r->dr, name);

  cr_assert_geq (n, 0, "no VM network %s", name);
  return n;
}

static int
vm (Run *r, const char *name)
{
  int v = fs_dr_vm_index (r->dr, name);

  cr_assert_geq (v, 0, "no VM %s", name);
  return v;
}

/* The total of the durations measured under @topic (0 when none was). */
static FsTime
measured (Run *r, const char *topic)
{
  const FsMeasure *m = fs_metrics_measure (fs_sim_metrics (r->sim),
                                           fs_kernel_topic (fs_sim_kernel (r->sim), topic));

  return m != NULL ? m->total : 0;
}

static void
finish (Run *r, FsTime until)
{
  fs_sim_run (r->sim, until);
  fs_sim_finish (r->sim);
}

/* --- load time ------------------------------------------------------------------------------- */

Test (dr, replicas_and_their_addresses)
{
  Run r = start (ONE_VM);
  const char *want[] = { "172.16.1.100", "172.16.1.101", "172.16.1.102" };
  const char *vms[] = { "VM1", "VM2", "VM3" };
  guint i;

  for (i = 0; i < 3; i++)
    {
      int v = vm (&r, vms[i]);
      g_autofree char *replica = g_strdup_printf ("%s-replica", vms[i]);
      const FsIp *ip = fs_dr_nic_replica_ip (r.dr, (guint) v, 0);
      char text[FS_IP_BUFSZ];

      cr_assert_not_null (ip);
      fs_ip_format (ip, text, sizeof text);
      cr_expect_str_eq (text, want[i]);
      cr_expect_eq (fs_dr_nic_host (r.dr, (guint) v, 0), host (&r, vms[i]));
      cr_expect_eq (fs_dr_nic_replica_host (r.dr, (guint) v, 0), host (&r, replica));
      cr_expect_eq (fs_dr_nic_original_network (r.dr, (guint) v, 0), network (&r, "VMNetwork1-NewYork"));
      cr_expect_eq (fs_dr_nic_replica_network (r.dr, (guint) v, 0), network (&r, "VMNetwork1-Chicago"));
      cr_expect (running (&r, vms[i]));
      cr_expect (!running (&r, replica));
      cr_expect_eq (fs_dr_vm_state (r.dr, (guint) v), FS_DR_VM_SOURCE);
    }
  cr_expect_eq (fs_dr_mapped (r.dr, (guint) network (&r, "VMNetwork1-NewYork")), network (&r, "VMNetwork1-Chicago"));
  cr_expect_eq (fs_dr_mapped (r.dr, (guint) network (&r, "VMNetwork1-Chicago")), network (&r, "VMNetwork1-NewYork"));
  cr_expect_eq (fs_dr_mapped (r.dr, (guint) network (&r, "VMNetwork2-Chicago")), -1);
  cr_expect_eq (fs_dr_plan_state (r.dr, 0), FS_DR_PLAN_IDLE);
  stop (&r);
}

Test (dr, plan_errors_are_located)
{
  g_autofree char *twice = load_error ("recovery_plans:\n"
                                       "  - name: rp\n"
                                       "    groups:\n"
                                       "      - {name: a, vms: [VM1]}\n"
                                       "      - {name: b, vms: [VM2, VM1]}\n");
  g_autofree char *nested = load_error ("recovery_plans:\n"
                                        "  - name: rp\n"
                                        "    groups:\n"
                                        "      - vms: [VM1]\n"
                                        "        pre: [{action: dr.failover, plan: rp}]\n");
  g_autofree char *empty = load_error ("recovery_plans:\n  - {name: rp, groups: []}\n");
  g_autofree char *dup = load_error ("recovery_plans:\n"
                                     "  - {name: rp, groups: [{vms: [VM1]}]}\n"
                                     "  - {name: rp, groups: [{vms: [VM2]}]}\n");
  g_autofree char *unknown_vm = load_error ("recovery_plans:\n  - {name: rp, groups: [{vms: [VM9]}]}\n");
  g_autofree char *bad_step = load_error ("recovery_plans:\n"
                                          "  - name: rp\n"
                                          "    groups:\n"
                                          "      - vms: [VM1]\n"
                                          "        post: [{action: manual, on_failure: skip}]\n");
  g_autofree char *no_plan = load_error (ONE_VM "timeline:\n  - {at: 1m, action: dr.failover, plan: rq}\n");
  g_autofree char *bad_nic = load_error (ONE_VM "timeline:\n"
                                         "  - {at: 1m, action: dr.set_network, vm: VM1, nic: 1, network: none}\n");

  cr_expect (strstr (twice, "test.yaml:50:30: error: VM 'VM1' is already in group 'a' of plan 'rp' (line 49)") != NULL,
             "%s", twice);
  cr_expect (strstr (nested, "test.yaml:50:24: error: a recovery plan's step cannot run a plan") != NULL,
             "%s", nested);
  cr_expect (strstr (empty, "test.yaml:47:24: error: 'groups' must be a non-empty list") != NULL, "%s", empty);
  cr_expect (strstr (dup, "test.yaml:48:12: error: recovery plan 'rp' is declared twice (first at line 47)")
             != NULL, "%s", dup);
  cr_expect (strstr (unknown_vm, "test.yaml:47:32: error: no VM named 'VM9'") != NULL, "%s", unknown_vm);
  cr_expect (strstr (bad_step, "test.yaml:50:45: error:") != NULL && strstr (bad_step, "stop, continue, retry"),
             "%s", bad_step);
  cr_expect (strstr (no_plan, "error: no recovery plan named 'rq'; did you mean 'rp'?") != NULL, "%s", no_plan);
  cr_expect (strstr (bad_nic, "error: VM 'VM1' has 1 NIC (numbered from 0): there is no NIC 1") != NULL,
             "%s", bad_nic);
}

Test (dr, retries_without_retry_is_a_warning)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strconcat (estate, "recovery_plans:\n"
                                       "  - name: rp\n"
                                       "    groups: [{vms: [VM1], pre: [{action: manual, retries: 3}]}]\n", NULL);
  g_autoptr (FsScenario) sc = fs_scenario_load_data ("test.yaml", text, -1, NULL, &error);
  const GPtrArray *w;

  cr_assert_not_null (sc, "%s", error ? error->message : "");
  w = fs_scenario_warnings (sc);
  cr_assert_eq (w->len, 1);
  cr_expect (strstr (g_ptr_array_index (w, 0), "'retries' applies only with on_failure: retry") != NULL,
             "%s", (const char *) g_ptr_array_index (w, 0));
}

/* --- failover -------------------------------------------------------------------------------- */

/* Unplanned failover at 10m = 600s. db: pre 600-610s, VM1 boots 610-670s, post 670-675s.
 * web: pre 675-695s, VM3 up at 725s, VM2 at 785s (the slowest), post 785-845s. Done at 845s:
 * the failover took 245s. */
Test (dr, groups_run_in_order_with_exact_times)
{
  Run r = start (TWO_GROUPS ("{action: manual, duration: 10s}")
                 "timeline:\n  - {at: 10m, action: dr.failover, plan: rp}\n");
  const FsMeasure *took;

  fs_sim_run (r.sim, 670 * S - 1);
  cr_expect (!alive (&r, "VM1-replica"));
  cr_expect_eq (fs_dr_plan_state (r.dr, 0), FS_DR_PLAN_FAILING_OVER);
  cr_expect_eq (fs_dr_vm_state (r.dr, (guint) vm (&r, "VM1")), FS_DR_VM_STARTING);
  fs_sim_run (r.sim, 670 * S);
  cr_expect (alive (&r, "VM1-replica"));
  cr_expect_eq (fs_dr_vm_state (r.dr, (guint) vm (&r, "VM1")), FS_DR_VM_REPLICA);
  cr_expect (running (&r, "VM1"), "an unplanned failover leaves the source alone");
  fs_sim_run (r.sim, 725 * S - 1);
  cr_expect (!alive (&r, "VM3-replica"));
  fs_sim_run (r.sim, 725 * S);
  cr_expect (alive (&r, "VM3-replica"));
  cr_expect (!alive (&r, "VM2-replica"));
  fs_sim_run (r.sim, 785 * S);
  cr_expect (alive (&r, "VM2-replica"));
  cr_expect_eq (fs_dr_plan_state (r.dr, 0), FS_DR_PLAN_FAILING_OVER);
  finish (&r, 1 * FS_HOUR);

  cr_expect_eq (noticed (&r, "dr.failover_start", "rp", 0), 600 * S);
  cr_expect_eq (noticed (&r, "dr.step_done", "rp", 0), 610 * S);
  cr_expect_eq (noticed (&r, "host.up", "VM1-replica", 0), 670 * S);
  cr_expect_eq (noticed (&r, "dr.vm_started", "VM1", 0), 670 * S);
  cr_expect_eq (noticed (&r, "dr.step_done", "rp", 1), 675 * S);
  cr_expect_eq (noticed (&r, "dr.group_done", "rp", 0), 675 * S);
  cr_expect_eq (noticed (&r, "dr.step_done", "rp", 2), 695 * S);
  cr_expect_eq (noticed (&r, "host.up", "VM3-replica", 0), 725 * S);
  cr_expect_eq (noticed (&r, "host.up", "VM2-replica", 0), 785 * S);
  cr_expect_eq (noticed (&r, "dr.step_done", "rp", 3), 845 * S);
  cr_expect_eq (noticed (&r, "dr.group_done", "rp", 1), 845 * S);
  cr_expect_eq (noticed (&r, "dr.failover_done", "rp", 0), 845 * S);
  cr_expect_eq (count (&r, "dr.step_done"), 4);
  took = fs_metrics_measure (fs_sim_metrics (r.sim), fs_kernel_topic (fs_sim_kernel (r.sim), "dr.failover_ns"));
  cr_assert_not_null (took);
  cr_expect_eq (took->count, 1);
  cr_expect_eq (took->total, 245 * S);
  cr_expect_eq (fs_dr_plan_state (r.dr, 0), FS_DR_PLAN_FAILED_OVER);
  cr_expect_eq (figure_int (&r, "vms_started"), 3);
  cr_expect_eq (figure_int (&r, "steps_failed"), 0);
  cr_expect_eq (figure_int (&r, "failovers"), 1);
  cr_expect_eq (figure_int (&r, "vms_disconnected"), 0);
  cr_expect_float_eq (fs_metrics_find_figure (fs_sim_metrics (r.sim), "dr.plans", "rp", "failover_s")->d,
                      245.0, 1e-9);
  cr_expect_null (fs_metrics_find_figure (fs_sim_metrics (r.sim), "dr.plans", "rp", "production_changes"));
  stop (&r);
}

/* Planned: every source of the plan shuts down at 600s, before any step; unplanned: none. */
Test (dr, planned_failover_stops_the_sources_at_once)
{
  Run p = start (TWO_GROUPS ("{action: manual, duration: 10s}")
                 "timeline:\n  - {at: 10m, action: dr.failover, plan: rp, kind: planned}\n");
  Run u = start (TWO_GROUPS ("{action: manual, duration: 10s}")
                 "timeline:\n  - {at: 10m, action: dr.failover, plan: rp, kind: unplanned}\n");
  const char *vms[] = { "VM1", "VM2", "VM3" };
  guint i;

  fs_sim_run (p.sim, 600 * S - 1);
  fs_sim_run (u.sim, 600 * S);
  for (i = 0; i < 3; i++)
    cr_expect (running (&p, vms[i]));
  fs_sim_run (p.sim, 600 * S);
  for (i = 0; i < 3; i++)
    {
      cr_expect (!running (&p, vms[i]), "%s still runs after a planned failover began", vms[i]);
      cr_expect_eq (noticed (&p, "host.down", vms[i], 0), 600 * S);
      cr_expect (running (&u, vms[i]));
    }
  finish (&p, 1 * FS_HOUR);
  finish (&u, 1 * FS_HOUR);
  cr_expect_eq (noticed (&p, "dr.failover_done", "rp", 0), 845 * S);
  cr_expect_eq (noticed (&u, "dr.failover_done", "rp", 0), 845 * S);
  cr_expect_eq (count (&u, "host.down"), 0);
  stop (&p);
  stop (&u);
}

/* The db group's pre step always fails: with stop the plan stops at 610s and starts nothing. */
Test (dr, failed_step_stops_the_plan)
{
  Run r = start (TWO_GROUPS ("{action: manual, duration: 10s, failure: 100%}")
                 "timeline:\n  - {at: 10m, action: dr.failover, plan: rp}\n");

  finish (&r, 1 * FS_HOUR);
  cr_expect_eq (noticed (&r, "dr.step_failed", "rp", 0), 610 * S);
  cr_expect_eq (noticed (&r, "dr.plan_failed", "rp", 0), 610 * S);
  cr_expect_eq (count (&r, "dr.step_failed"), 1);
  cr_expect_eq (count (&r, "dr.failover_done"), 0);
  cr_expect_eq (count (&r, "host.up"), 0);
  cr_expect_eq (fs_dr_plan_state (r.dr, 0), FS_DR_PLAN_STOPPED);
  cr_expect_eq (fs_dr_vm_state (r.dr, (guint) vm (&r, "VM1")), FS_DR_VM_SOURCE);
  cr_expect_eq (figure_int (&r, "steps_failed"), 1);
  cr_expect_eq (figure_int (&r, "vms_started"), 0);
  cr_expect_null (fs_metrics_find_figure (fs_sim_metrics (r.sim), "dr.plans", "rp", "failover_s"));
  stop (&r);
}

/* With continue the failed step is passed over and every time stays as in the plan that
 * succeeds. */
Test (dr, failed_step_continues)
{
  Run r = start (TWO_GROUPS ("{action: manual, duration: 10s, failure: 100%, on_failure: continue}")
                 "timeline:\n  - {at: 10m, action: dr.failover, plan: rp}\n");

  finish (&r, 1 * FS_HOUR);
  cr_expect_eq (noticed (&r, "dr.step_failed", "rp", 0), 610 * S);
  cr_expect_eq (count (&r, "dr.plan_failed"), 0);
  cr_expect_eq (noticed (&r, "host.up", "VM1-replica", 0), 670 * S);
  cr_expect_eq (noticed (&r, "dr.failover_done", "rp", 0), 845 * S);
  cr_expect_eq (figure_int (&r, "steps_failed"), 1);
  cr_expect_eq (figure_int (&r, "vms_started"), 3);
  stop (&r);
}

/* retry with retries: 2 makes three attempts of 10s each, failing at 610s, 620s and 630s; then
 * the plan stops. */
Test (dr, retry_exhausted_stops_the_plan)
{
  Run r = start (TWO_GROUPS ("{action: manual, duration: 10s, failure: 100%, on_failure: retry, retries: 2}")
                 "timeline:\n  - {at: 10m, action: dr.failover, plan: rp}\n");

  finish (&r, 1 * FS_HOUR);
  cr_expect_eq (noticed (&r, "dr.step_failed", "rp", 0), 610 * S);
  cr_expect_eq (noticed (&r, "dr.step_failed", "rp", 1), 620 * S);
  cr_expect_eq (noticed (&r, "dr.step_failed", "rp", 2), 630 * S);
  cr_expect_eq (count (&r, "dr.step_failed"), 3);
  cr_expect_eq (noticed (&r, "dr.plan_failed", "rp", 0), 630 * S);
  cr_expect_eq (count (&r, "host.up"), 0);
  cr_expect_eq (fs_dr_steps_failed (r.dr, 0), 3);
  cr_expect_eq (fs_dr_plan_state (r.dr, 0), FS_DR_PLAN_STOPPED);
  stop (&r);
}

/* A step that cannot fail needs one attempt, whatever its retries. */
Test (dr, retry_that_succeeds_takes_one_attempt)
{
  Run r = start (TWO_GROUPS ("{action: manual, duration: 10s, failure: 0%, on_failure: retry, retries: 2}")
                 "timeline:\n  - {at: 10m, action: dr.failover, plan: rp}\n");

  finish (&r, 1 * FS_HOUR);
  cr_expect_eq (count (&r, "dr.step_failed"), 0);
  cr_expect_eq (noticed (&r, "dr.step_done", "rp", 0), 610 * S);
  cr_expect_eq (noticed (&r, "dr.failover_done", "rp", 0), 845 * S);
  stop (&r);
}

/* A plan that has failed over cannot fail over again; the timeline says why. */
Test (dr, second_failover_is_refused)
{
  Run r = start (ONE_VM "timeline:\n"
                 "  - {at: 10m, action: dr.failover, plan: rp}\n"
                 "  - {at: 20m, action: dr.failover, plan: rp}\n"
                 "  - {at: 30m, action: dr.failback, plan: rp}\n"
                 "  - {at: 40m, action: dr.failback, plan: rp}\n");

  finish (&r, 1 * FS_HOUR);
  cr_expect_eq (noticed (&r, "timeline.refused", "dr.failover", 0), 20 * M);
  cr_expect_eq (noticed (&r, "timeline.refused", "dr.failback", 0), 40 * M);
  cr_expect_eq (count (&r, "dr.failover_done"), 1);
  cr_expect_eq (count (&r, "dr.failback_done"), 1);
  cr_expect_eq (fs_dr_plan_state (r.dr, 0), FS_DR_PLAN_FAILED_BACK);
  stop (&r);
}

/* --- failback: the seeds' table (001/003, "Failback behavior") ------------------------------------ */

/* VM1 fails over at 600s (its replica answers at 660s) and fails back at 1h after @change:
 * the replica stops at 3600s and, when the original connects, it answers at 3660s. */
static Run
failback (const char *change)
{
  g_autofree char *more = g_strdup_printf (ONE_VM "timeline:\n"
                                           "  - {at: 10m, action: dr.failover, plan: rp}\n"
                                           "%s"
                                           "  - {at: 1h, action: dr.failback, plan: rp}\n", change);
  Run r = start (more);

  finish (&r, 2 * FS_HOUR);
  cr_expect_eq (noticed (&r, "host.up", "VM1-replica", 0), 660 * S);
  cr_expect (!running (&r, "VM1-replica"));
  cr_expect_eq (noticed (&r, "dr.failback_done", "rp", 0), 3660 * S);
  cr_expect_eq (fs_dr_plan_state (r.dr, 0), FS_DR_PLAN_FAILED_BACK);
  cr_expect_eq (fs_dr_vm_state (r.dr, (guint) vm (&r, "VM1")), FS_DR_VM_SOURCE);
  return r;
}

/* No change in the replica's network: VM1 stays connected to the source network. */
Test (dr, failback_no_change_keeps_the_source_network)
{
  Run r = failback ("");

  cr_expect_eq (noticed (&r, "host.down", "VM1-replica", 0), 3600 * S);

  cr_expect_eq (fs_dr_nic_original_network (r.dr, (guint) vm (&r, "VM1"), 0), network (&r, "VMNetwork1-NewYork"));
  cr_expect (running (&r, "VM1"));
  cr_expect_eq (noticed (&r, "host.up", "VM1", 0), 3660 * S);
  cr_expect_eq (count (&r, "dr.vm_disconnected"), 0);
  stop (&r);
}

/* The replica was disconnected after failover: VM1 is disconnected. */
Test (dr, failback_after_disconnect_disconnects_the_original)
{
  Run r = failback ("  - {at: 20m, action: dr.set_network, vm: VM1, network: none}\n");

  cr_expect_eq (noticed (&r, "host.down", "VM1-replica", 0), 20 * M, "a disconnected replica stops answering");
  cr_expect_eq (fs_dr_nic_replica_network (r.dr, (guint) vm (&r, "VM1"), 0), -1);
  cr_expect_eq (fs_dr_nic_original_network (r.dr, (guint) vm (&r, "VM1"), 0), -1);
  cr_expect (!running (&r, "VM1"));
  cr_expect_eq (noticed (&r, "dr.vm_disconnected", "VM1", 0), 3600 * S);
  stop (&r);
}

/* The replica was moved to VMNetwork2-Chicago, which is not mapped: VM1 is disconnected. */
Test (dr, failback_from_unmapped_network_disconnects_the_original)
{
  Run r = failback ("  - {at: 20m, action: dr.set_network, vm: VM1, network: VMNetwork2-Chicago}\n");

  cr_expect_eq (noticed (&r, "host.down", "VM1-replica", 0), 3600 * S);
  cr_expect_eq (fs_dr_nic_replica_network (r.dr, (guint) vm (&r, "VM1"), 0), network (&r, "VMNetwork2-Chicago"));
  cr_expect_eq (fs_dr_nic_original_network (r.dr, (guint) vm (&r, "VM1"), 0), -1);
  cr_expect (!running (&r, "VM1"));
  cr_expect_eq (noticed (&r, "dr.vm_disconnected", "VM1", 0), 3600 * S);
  stop (&r);
}

/* The mapping of VMNetwork1-Chicago changed to VMNetwork2-NewYork: VM1 connects to it. */
Test (dr, failback_follows_a_changed_mapping)
{
  Run r = failback ("  - {at: 20m, action: dr.map, source: VMNetwork1-Chicago, target: VMNetwork2-NewYork}\n");

  cr_expect_eq (noticed (&r, "host.down", "VM1-replica", 0), 3600 * S);
  cr_expect_eq (fs_dr_mapped (r.dr, (guint) network (&r, "VMNetwork1-Chicago")), network (&r, "VMNetwork2-NewYork"));
  cr_expect_eq (fs_dr_mapped (r.dr, (guint) network (&r, "VMNetwork1-NewYork")), -1);
  cr_expect_eq (fs_dr_nic_original_network (r.dr, (guint) vm (&r, "VM1"), 0), network (&r, "VMNetwork2-NewYork"));
  cr_expect (running (&r, "VM1"));
  cr_expect_eq (noticed (&r, "dr.network_set", "VM1", 0), 3600 * S);
  cr_expect_eq (count (&r, "dr.vm_disconnected"), 0);
  stop (&r);
}

/* --- test failover ----------------------------------------------------------------------------- */

/* VM1's plan moves ny-app2 to chicago before the VM starts and points app.contoso.com at the
 * replica after: a route change and a DNS change. */
#define SWITCHING_PLAN \
  "recovery_plans:\n" \
  "  - name: rp\n" \
  "    groups:\n" \
  "      - vms: [VM1]\n" \
  "        pre: [{action: subnet.move, subnet: ny-app2, to: chicago, duration: 30s}]\n" \
  "        post: [{action: dns.update, name: app.contoso.com, value: 172.16.1.100, duration: 10s}]\n"

typedef struct {
  int hops[2][4];            /* [router][subnet] */
  int record;
} Snapshot;

static Snapshot
snapshot (Run *r)
{
  FsDns *dns = fs_dns_from_model (fs_sim_model (r->sim, "dns"));
  const char *routers[] = { "rny", "rchi" };
  const char *subnets[] = { "ny-app", "ny-app2", "chi-app", "chi-app2" };
  Snapshot s;
  guint i, j;

  for (i = 0; i < 2; i++)
    for (j = 0; j < 4; j++)
      s.hops[i][j] = fs_net_next_hop (r->net, (guint) fs_net_router_index (r->net, routers[i]),
                                      (guint) fs_net_subnet_index (r->net, subnets[j]));
  s.record = fs_dns_server_record (dns, (guint) host (r, "ns1"),
                                   (guint) fs_dns_name_index (dns, "app.contoso.com"), FS_DNS_A, NULL);
  return s;
}

Test (dr, test_failover_leaves_production_untouched)
{
  Run t = start (SWITCHING_PLAN "timeline:\n  - {at: 10m, action: dr.failover, plan: rp, kind: test}\n");
  Run p = start (SWITCHING_PLAN "timeline:\n  - {at: 10m, action: dr.failover, plan: rp, kind: planned}\n");
  Snapshot tb, ta, pb, pa;

  fs_sim_run (t.sim, 10 * M - 1);
  fs_sim_run (p.sim, 10 * M - 1);
  tb = snapshot (&t);
  pb = snapshot (&p);
  cr_expect_eq (memcmp (&tb, &pb, sizeof tb), 0);
  fs_sim_run (t.sim, 10 * M + 60 * S);
  cr_expect (fs_dr_test_running (t.dr, 0));
  cr_expect (fs_dr_vm_in_test (t.dr, (guint) vm (&t, "VM1")));
  finish (&t, 1 * FS_HOUR);
  finish (&p, 1 * FS_HOUR);
  ta = snapshot (&t);
  pa = snapshot (&p);

  /* The test: 30s, then VM1 boots 60s in the bubble, then 10s: done at 700s. */
  cr_expect_eq (memcmp (&tb, &ta, sizeof tb), 0, "a test failover changed routing or DNS");
  cr_expect_eq (fs_dr_production_changes (t.dr, 0), 0);
  cr_expect_eq (figure_int (&t, "production_changes"), 0);
  cr_expect_eq (figure_int (&t, "vms_started"), 1);
  cr_expect_eq (figure_int (&t, "test_failovers"), 1);
  cr_expect_eq (count (&t, "dr.test_step_isolated"), 2);
  cr_expect_eq (noticed (&t, "dr.test_step_isolated", "rp", 0), 630 * S);
  cr_expect_eq (noticed (&t, "dr.vm_started", "VM1", 0), 690 * S);
  cr_expect_eq (noticed (&t, "dr.failover_done", "rp", 0), 700 * S);
  cr_expect_eq (count (&t, "host.up") + count (&t, "host.down") + count (&t, "route.change")
                + count (&t, "dns.update"), 0);
  cr_expect (!running (&t, "VM1-replica"));
  cr_expect (running (&t, "VM1"));
  cr_expect_eq (fs_dr_plan_state (t.dr, 0), FS_DR_PLAN_TESTED);
  cr_expect (!fs_dr_test_running (t.dr, 0));
  cr_expect (!fs_dr_vm_in_test (t.dr, (guint) vm (&t, "VM1")));
  cr_expect_eq (measured (&t, "dr.test_failover_ns"), 100 * S);
  cr_expect_eq (measured (&t, "dr.failover_ns"), 0);

  /* The same plan for real moves the subnet and changes the record. */
  cr_expect_neq (memcmp (&pb, &pa, sizeof pb), 0);
  cr_expect_neq (pb.record, pa.record);
  cr_expect_neq (pb.hops[0][1], pa.hops[0][1], "rny still delivers ny-app2 itself");
  cr_expect (running (&p, "VM1-replica"));
  cr_expect_gt (count (&p, "route.change"), 0);
  cr_expect_eq (noticed (&p, "dns.update", NULL, 0), 700 * S);
  cr_expect_null (fs_metrics_find_figure (fs_sim_metrics (p.sim), "dr.plans", "rp", "production_changes"));
  stop (&t);
  stop (&p);
}

/* A test counts every change to production while it runs, whatever made it: a link that fails
 * during the test is one. */
Test (dr, test_failover_counts_changes_made_while_it_runs)
{
  Run r = start (SWITCHING_PLAN "timeline:\n"
                 "  - {at: 10m, action: dr.failover, plan: rp, kind: test}\n"
                 "  - {at: 11m, action: link.fail, link: ny-chi}\n");

  finish (&r, 1 * FS_HOUR);
  cr_expect_geq (fs_dr_production_changes (r.dr, 0), 1);
  cr_expect_eq (figure_int (&r, "production_changes"), (int64_t) fs_dr_production_changes (r.dr, 0));
  stop (&r);
}

/* The same scenario and seed give the same notices, with drawn durations and boots. */
Test (dr, runs_are_deterministic)
{
  const char *more = "recovery_plans:\n"
                     "  - name: rp\n"
                     "    groups:\n"
                     "      - vms: [VM1, VM2]\n"
                     "        pre: [{action: manual, duration: \"uniform(10s, 1m)\", failure: 50%, on_failure: retry, retries: 5}]\n"
                     "timeline:\n  - {at: 10m, action: dr.failover, plan: rp}\n";
  Run a = start (more), b = start (more);
  const GArray *la, *lb;
  guint i;

  finish (&a, 1 * FS_HOUR);
  finish (&b, 1 * FS_HOUR);
  la = fs_metrics_log (fs_sim_metrics (a.sim));
  lb = fs_metrics_log (fs_sim_metrics (b.sim));
  cr_assert_eq (la->len, lb->len);
  for (i = 0; i < la->len; i++)
    {
      cr_expect_eq (g_array_index (la, FsLogEntry, i).time, g_array_index (lb, FsLogEntry, i).time);
      cr_expect_eq (g_array_index (la, FsLogEntry, i).topic, g_array_index (lb, FsLogEntry, i).topic);
    }
  stop (&a);
  stop (&b);
}

/* --- ExpressRoute (seed 004) --------------------------------------------------------------------- */

/* Azure to Azure with the same ranges in both regions: circuit er1 connects the on-premises
 * router to vnet-east (er-east, up) and to vnet-west (er-west, down at the start). The plan
 * disconnects er-east, then connects er-west, each step going on when it fails. */
static const char azure[] =
  "name: expressroute test\n"
  "duration: 10h\n"
  "sites: [{name: onprem}, {name: azure-east, kind: cloud-region}, {name: azure-west, kind: cloud-region}]\n"
  "routers: [{name: r-onprem, site: onprem}, {name: r-east, site: azure-east}, {name: r-west, site: azure-west}]\n"
  "links:\n"
  "  - {name: er-east, between: [r-onprem, r-east], kind: expressroute, circuit: er1}\n"
  "  - {name: er-west, between: [r-onprem, r-west], kind: expressroute, circuit: er1, state: down}\n"
  "subnets:\n"
  "  - {name: onprem-lan, prefix: 10.9.0.0/24, site: onprem}\n"
  "  - {name: app, prefix: 10.1.0.0/24, site: azure-east}\n"
  "vmm:\n"
  "  vm_networks:\n"
  "    - {name: vnet-east, site: azure-east, subnets: [{name: app, subnet: app}]}\n"
  "    - {name: vnet-west, site: azure-west, subnets: [{name: app, subnet: app}]}\n"
  "recovery_plans:\n"
  "  - name: rp\n"
  "    groups:\n"
  "      - pre:\n"
  "          - {action: circuit.disconnect, link: er-east, duration: 1m, on_failure: continue}\n"
  "          - {action: circuit.connect, link: er-west, duration: 1m, on_failure: continue}\n";

static Run
start_azure (const char *timeline)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strconcat (azure, timeline, NULL);
  Run r = { 0 };

  r.sc = fs_scenario_load_data ("azure.yaml", text, -1, NULL, &error);
  cr_assert_not_null (r.sc, "%s", error ? error->message : "");
  r.sim = fs_sim_new (r.sc, 1, 0, &error);
  cr_assert_not_null (r.sim, "%s", error ? error->message : "");
  r.dr = fs_dr_from_model (fs_sim_model (r.sim, "dr"));
  r.net = fs_net_from_model (fs_sim_model (r.sim, "net"));
  return r;
}

/* Region up: the circuit moves, er-east down at 11m, er-west up at 12m. */
Test (dr, circuit_moves_while_the_region_is_up)
{
  Run r = start_azure ("timeline:\n  - {at: 10m, action: dr.failover, plan: rp, kind: planned}\n");
  int east = fs_net_link_index (r.net, "er-east"), west = fs_net_link_index (r.net, "er-west");

  cr_expect (fs_net_link_is_connected (r.net, (guint) east));
  cr_expect (!fs_net_link_is_connected (r.net, (guint) west));
  finish (&r, 1 * FS_HOUR);
  cr_expect_eq (noticed (&r, "link.down", "er-east", 0), 11 * M);
  cr_expect_eq (noticed (&r, "link.up", "er-west", 0), 12 * M);
  cr_expect (!fs_net_link_is_connected (r.net, (guint) east));
  cr_expect (fs_net_link_is_connected (r.net, (guint) west));
  cr_expect_eq (count (&r, "dr.step_failed"), 0);
  cr_expect_eq (noticed (&r, "dr.failover_done", "rp", 0), 12 * M);
  stop (&r);
}

/* Region down (seed 004): the disconnect fails, so the connect is refused too, and the target
 * gets no ExpressRoute connectivity; the plan goes on (on_failure: continue). */
Test (dr, circuit_disconnect_fails_while_the_region_is_down)
{
  Run r = start_azure ("timeline:\n"
                       "  - {at: 5m, action: site.fail, site: azure-east}\n"
                       "  - {at: 10m, action: dr.failover, plan: rp}\n");
  int east = fs_net_link_index (r.net, "er-east"), west = fs_net_link_index (r.net, "er-west");
  const GArray *log;
  guint i, failed = 0;

  finish (&r, 1 * FS_HOUR);
  cr_expect (fs_net_link_is_connected (r.net, (guint) east), "the disconnect was performed");
  cr_expect (!fs_net_link_is_connected (r.net, (guint) west), "the target got ExpressRoute");
  cr_expect (!fs_net_link_is_alive (r.net, (guint) west));
  cr_expect_eq (noticed (&r, "dr.step_failed", "rp", 0), 11 * M);
  cr_expect_eq (noticed (&r, "dr.step_failed", "rp", 1), 12 * M);
  cr_expect_eq (count (&r, "link.up"), 0);
  cr_expect_eq (noticed (&r, "dr.failover_done", "rp", 0), 12 * M);
  cr_expect_eq (figure_int (&r, "steps_failed"), 2);
  log = fs_metrics_log (fs_sim_metrics (r.sim));
  for (i = 0; i < log->len; i++)
    {
      const FsLogEntry *e = &g_array_index (log, FsLogEntry, i);

      if (e->topic != fs_kernel_topic (fs_sim_kernel (r.sim), "dr.step_failed"))
        continue;
      if (failed++ == 0)
        cr_expect (strstr (e->detail, "the primary region is down: the disconnect operation fails") != NULL,
                   "%s", e->detail);
      else
        cr_expect (strstr (e->detail, "cannot connect two virtual networks with the same ranges at once")
                   != NULL, "%s", e->detail);
    }
  cr_expect_eq (failed, 2);
  stop (&r);
}

/* On the timeline, a refused action is reported and not performed. */
Test (dr, circuit_refusal_on_the_timeline)
{
  Run r = start_azure ("timeline:\n"
                       "  - {at: 5m, action: site.fail, site: azure-east}\n"
                       "  - {at: 10m, action: circuit.disconnect, link: er-east}\n"
                       "  - {at: 11m, action: circuit.connect, link: er-west}\n");

  finish (&r, 1 * FS_HOUR);
  cr_expect_eq (noticed (&r, "timeline.refused", "circuit.disconnect", 0), 10 * M);
  cr_expect_eq (noticed (&r, "timeline.refused", "circuit.connect", 0), 11 * M);
  cr_expect (!fs_net_link_is_connected (r.net, (guint) fs_net_link_index (r.net, "er-west")));
  stop (&r);
}

/* A failure is not a disconnect, and a repair is not a connect: the connection to the dead
 * region still holds the circuit's ranges after link.fail, and link.repair does not make the
 * target's connection, so neither sidesteps seed 004's refusal. circuit.connect is refused
 * still, and er-west carries nothing. */
Test (dr, link_fail_and_repair_do_not_move_a_circuit)
{
  Run r = start_azure ("timeline:\n"
                       "  - {at: 5m, action: site.fail, site: azure-east}\n"
                       "  - {at: 6m, action: link.fail, link: er-east}\n"
                       "  - {at: 7m, action: link.repair, link: er-west}\n"
                       "  - {at: 8m, action: circuit.connect, link: er-west}\n");
  int east = fs_net_link_index (r.net, "er-east"), west = fs_net_link_index (r.net, "er-west");

  finish (&r, 1 * FS_HOUR);
  cr_expect_eq (noticed (&r, "timeline.refused", "circuit.connect", 0), 8 * M);
  cr_expect (fs_net_link_is_connected (r.net, (guint) east));
  cr_expect (!fs_net_link_is_admin_up (r.net, (guint) east));
  cr_expect (!fs_net_link_is_connected (r.net, (guint) west));
  cr_expect (fs_net_link_is_admin_up (r.net, (guint) west));
  cr_expect (!fs_net_link_is_alive (r.net, (guint) west));
  cr_expect_eq (count (&r, "link.up"), 0);
  stop (&r);
}

Test (dr, circuit_actions_need_a_circuit)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strconcat (estate, "timeline:\n  - {at: 1m, action: circuit.connect, link: ny-chi}\n",
                                       NULL);
  FsScenario *sc = fs_scenario_load_data ("test.yaml", text, -1, NULL, &error);

  cr_assert_null (sc);
  cr_expect (strstr (error->message, "link 'ny-chi' is no ExpressRoute circuit's connection") != NULL,
             "%s", error->message);
}

/* --- retain IP (seed 000, "Subnet failover") ------------------------------------------------------ */

/* The recovery network's pool lies in the source's own subnet, so VM1's replica keeps
 * 10.1.0.110: no second host; VM1's host itself moves to the recovery site, after the plan has
 * moved the subnet there. */
static const char retain[] =
  "name: retain test\n"
  "duration: 10h\n"
  "sites: [{name: primary}, {name: recovery}]\n"
  "routers: [{name: rp, site: primary}, {name: rr, site: recovery}]\n"
  "links: [{name: p-r, between: [rp, rr], latency: 1ms}]\n"
  "subnets: [{name: app, prefix: 10.1.0.0/24, site: primary}]\n"
  "vmm:\n"
  "  servers: [{name: VMM-P, site: primary}, {name: VMM-R, site: recovery}]\n"
  "  logical_networks: [{name: LN-P, server: VMM-P}, {name: LN-R, server: VMM-R}]\n"
  "  vm_networks:\n"
  "    - {name: Net-P, logical_network: LN-P, subnets: [{name: app, subnet: app, pool: 10.1.0.100-10.1.0.199}]}\n"
  "    - {name: Net-R, logical_network: LN-R, subnets: [{name: app, subnet: app, pool: 10.1.0.100-10.1.0.199}]}\n"
  "  clouds:\n"
  "    - {name: C-P, server: VMM-P, logical_networks: [LN-P], protected_by: C-R}\n"
  "    - {name: C-R, server: VMM-R, logical_networks: [LN-R]}\n"
  "network_mappings: [{source: Net-P, target: Net-R}]\n"
  "vms:\n"
  "  - {name: VM1, cloud: C-P, boot: 60s, nics: [{network: Net-P, addressing: pool, ip: 10.1.0.110}]}\n"
  "recovery_plans:\n"
  "  - name: rp\n"
  "    groups:\n"
  "      - vms: [VM1]\n"
  "        pre: [{action: subnet.move, subnet: app, to: recovery, duration: 30s}]\n"
  "timeline:\n"
  "  - {at: 5m, action: site.fail, site: primary}\n"
  "  - {at: 10m, action: dr.failover, plan: rp}\n"
  "  - {at: 1h, action: site.repair, site: primary}\n"
  "  - {at: 2h, action: subnet.move, subnet: app, to: primary}\n"
  "  - {at: 2h, action: dr.failback, plan: rp}\n";

Test (dr, retained_address_moves_the_host)
{
  g_autoptr (GError) error = NULL;
  Run r = { 0 };
  int h, v, recovery = 1, primary = 0;
  FsIp ip;

  r.sc = fs_scenario_load_data ("retain.yaml", retain, -1, NULL, &error);
  cr_assert_not_null (r.sc, "%s", error ? error->message : "");
  r.sim = fs_sim_new (r.sc, 1, 0, &error);
  cr_assert_not_null (r.sim, "%s", error ? error->message : "");
  r.dr = fs_dr_from_model (fs_sim_model (r.sim, "dr"));
  r.net = fs_net_from_model (fs_sim_model (r.sim, "net"));
  cr_assert (fs_ip_parse ("10.1.0.110", &ip, NULL));
  v = vm (&r, "VM1");
  h = host (&r, "VM1");
  cr_expect_eq (fs_dr_nic_replica_host (r.dr, (guint) v, 0), h);
  cr_expect_eq (fs_net_host_index (r.net, "VM1-replica"), -1);

  /* 10m: the unplanned failover; the subnet moves at 10m30s; VM1 boots 60s at the recovery
   * site and answers from 11m30s. */
  fs_sim_run (r.sim, 690 * S - 1);
  cr_expect_eq (fs_net_host_site (r.net, (guint) h), recovery);
  cr_expect (!alive (&r, "VM1"));
  fs_sim_run (r.sim, 690 * S);
  cr_expect (alive (&r, "VM1"));
  cr_expect_eq (fs_net_reach (r.net, (guint) fs_net_router_index (r.net, "rr"), &ip).status, FS_REACH_DELIVERED);
  cr_expect_eq (fs_dr_vm_state (r.dr, (guint) v), FS_DR_VM_REPLICA);

  /* 2h: failback brings it home (the timeline moves the subnet back: failback runs no steps). */
  finish (&r, 3 * FS_HOUR);
  cr_expect_eq (fs_net_host_site (r.net, (guint) h), primary);
  cr_expect (alive (&r, "VM1"));
  cr_expect_eq (noticed (&r, "dr.failback_done", "rp", 0), 2 * FS_HOUR + 60 * S);
  cr_expect_eq (fs_dr_nic_original_network (r.dr, (guint) v, 0), network (&r, "Net-P"));
  cr_expect_eq (fs_net_reach (r.net, (guint) fs_net_router_index (r.net, "rr"), &ip).status, FS_REACH_DELIVERED);
  stop (&r);
}

/* A replica disconnected while it boots never answers: VM1 (boot 60s) fails over at 10m and is
 * set to no network at 10m30s. */
Test (dr, disconnecting_a_booting_replica_stops_its_boot)
{
  Run r = start (ONE_VM "timeline:\n  - {at: 10m, action: dr.failover, plan: rp}\n"
                 "  - {at: 10m30s, action: dr.set_network, vm: VM1, network: none}\n");
  int host = fs_dr_nic_replica_host (r.dr, 0, 0);

  fs_sim_run (r.sim, 20 * M);
  cr_expect (!fs_net_host_is_alive (r.net, (guint) host));
  cr_expect_eq (count (&r, "dr.vm_started"), 0);
  cr_expect_eq (count (&r, "dr.vm_silent"), 1);
  stop (&r);
}

/* Chicago is down when VM1 fails over: its replica boots into a dead site, so it is reported
 * silent, not started. Failing back is refused while New York is still down. */
Test (dr, a_replica_in_a_dead_site_is_not_counted_as_started)
{
  Run r = start (ONE_VM "timeline:\n  - {at: 5m, action: site.fail, site: chicago}\n"
                 "  - {at: 10m, action: dr.failover, plan: rp}\n");

  fs_sim_run (r.sim, 20 * M);
  fs_sim_finish (r.sim);
  cr_expect_eq (count (&r, "dr.vm_started"), 0);
  cr_expect_eq (count (&r, "dr.vm_silent"), 1);
  cr_expect_eq (fs_metrics_find_figure (fs_sim_metrics (r.sim), "dr.plans", "rp", "vms_started")->i, 0);
  stop (&r);
}

Test (dr, failback_is_refused_while_the_source_site_is_down)
{
  Run r = start (ONE_VM "timeline:\n  - {at: 5m, action: site.fail, site: newyork}\n"
                 "  - {at: 10m, action: dr.failover, plan: rp}\n"
                 "  - {at: 20m, action: dr.failback, plan: rp}\n"
                 "  - {at: 30m, action: site.repair, site: newyork}\n"
                 "  - {at: 40m, action: dr.failback, plan: rp}\n");

  fs_sim_run (r.sim, 25 * M);
  cr_expect_eq (count (&r, "timeline.refused"), 1);
  cr_expect_eq (fs_dr_vm_state (r.dr, 0), FS_DR_VM_REPLICA);
  fs_sim_run (r.sim, 50 * M);
  cr_expect_eq (count (&r, "dr.failback_done"), 1);
  cr_expect_eq (fs_dr_vm_state (r.dr, 0), FS_DR_VM_SOURCE);
  stop (&r);
}
