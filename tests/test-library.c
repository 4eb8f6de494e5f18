/* test-library.c: the seed scenario library. One test (or two) per worked example of the seed
 * documents, run from the shipped file in scenarios/ at its own seed, asserting the outcome the
 * document states. docs/scenarios.md lists the scenarios with their measured figures.
 *
 *   1 subnet failover, three sites            seed 000  subnet-failover.yaml, -site-loss.yaml
 *   2 change IP, DNS script in a plan          seed 000  change-ip-recovery-plan.yaml
 *   3 stretched VLAN, broadcast storm          seed 000  stretched-vlan-storm.yaml
 *   4 New York / Chicago mapping, failback     seed 001  network-mapping-newyork-chicago.yaml
 *   5 Beijing / Shanghai, on-prem and Azure    seed 003  network-mapping-beijing-shanghai.yaml
 *   6 Woodgrove Bank to Azure                  seed 002  woodgrove-azure.yaml
 *   7 Azure to Azure, ExpressRoute             seed 004  azure-expressroute.yaml, -region-down.yaml
 *   8 static pool allocation                   seed 000  static-pool-allocation.yaml
 *
 * Items 1 and 3 are tested in detail, against hand-worked times, in tests/test-net.c and
 * tests/test-l2.c; here one assertion each re-states the seed's outcome through the shipped
 * files. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "failsim/clients.h"
#include "failsim/dns.h"
#include "failsim/dr.h"
#include "failsim/metrics.h"
#include "failsim/net.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"
#include "failsim/site.h"
#include "../sim/dr/dr-private.h"

#define S FS_SEC
#define M FS_MIN

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (library, .init = enter_source_dir);

/* --- running a shipped scenario ------------------------------------------------------------------- */

typedef struct {
  FsScenario *sc;
  FsSim *sim;
  FsNet *net;
  FsDr *dr;             /* NULL without VMs or plans */
} Run;

static Run
start_text (const char *name, const char *text, const char *const *sets)
{
  g_autoptr (GError) error = NULL;
  Run r = { 0 };
  FsModel *dr;

  r.sc = text != NULL ? fs_scenario_load_data (name, text, -1, sets, &error)
                      : fs_scenario_load (name, sets, &error);
  cr_assert_not_null (r.sc, "%s", error ? error->message : "");
  r.sim = fs_sim_new (r.sc, fs_scenario_seed (r.sc), 0, &error);
  cr_assert_not_null (r.sim, "%s", error ? error->message : "");
  r.net = fs_net_from_model (fs_sim_model (r.sim, "net"));
  dr = fs_sim_model (r.sim, "dr");
  r.dr = dr != NULL ? fs_dr_from_model (dr) : NULL;
  return r;
}

/* Loads @path (scenarios/...) with @sets, ready to run at the file's seed, replication 0. */
static Run
start (const char *path, const char *const *sets)
{
  return start_text (path, NULL, sets);
}

/* Runs to the scenario's duration and finishes (figures, client stats). */
static void
run_all (Run *r)
{
  fs_sim_run (r->sim, fs_scenario_duration (r->sc));
  fs_sim_finish (r->sim);
}

static void
stop (Run *r)
{
  fs_sim_free (r->sim);
  fs_scenario_free (r->sc);
}

/* The error loading @path (or @text when not NULL) with @sets fails with. */
static char *
load_error (const char *path, const char *text, const char *const *sets)
{
  g_autoptr (GError) error = NULL;
  FsScenario *sc = text != NULL ? fs_scenario_load_data (path, text, -1, sets, &error)
                                : fs_scenario_load (path, sets, &error);

  cr_assert_null (sc, "%s loaded, but must be refused", path);
  return g_strdup (error->message);
}

/* The file's text with @old replaced by @new (which must occur once). */
static char *
edited (const char *path, const char *old, const char *new)
{
  g_autofree char *text = NULL;
  const char *at;

  cr_assert (g_file_get_contents (path, &text, NULL, NULL), "cannot read %s", path);
  at = strstr (text, old);
  cr_assert_not_null (at, "%s has no '%s'", path, old);
  cr_assert_null (strstr (at + 1, old), "%s has '%s' twice", path, old);
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, new, at + strlen (old));
}

/* --- reading what happened ------------------------------------------------------------------------ */

static FsMetrics *
metrics (Run *r)
{
  return fs_sim_metrics (r->sim);
}

/* The @nth (from 0) notice of @topic about @subject (NULL: any), or NULL. */
static const FsLogEntry *
notice (Run *r, const char *topic, const char *subject, guint nth)
{
  const GArray *log = fs_metrics_log (metrics (r));
  uint32_t t = fs_kernel_topic (fs_sim_kernel (r->sim), topic);
  guint i;

  for (i = 0; i < log->len; i++)
    {
      const FsLogEntry *e = &g_array_index (log, FsLogEntry, i);

      if (e->topic == t && (subject == NULL || strcmp (e->subject_name, subject) == 0) && nth-- == 0)
        return e;
    }
  return NULL;
}

static FsTime
noticed (Run *r, const char *topic, const char *subject, guint nth)
{
  const FsLogEntry *e = notice (r, topic, subject, nth);

  return e != NULL ? e->time : -1;
}

static guint
count (Run *r, const char *topic)
{
  return (guint) fs_metrics_count (metrics (r), fs_kernel_topic (fs_sim_kernel (r->sim), topic));
}

static FsTime
downtime (Run *r, const char *entity, const char *name)
{
  const FsOutage *o = fs_metrics_find_outage (metrics (r), entity, name);

  return o != NULL ? o->downtime : 0;
}

static const FsServiceStats *
service (Run *r, const char *name)
{
  FsClientStats *cs = fs_metrics_clients (metrics (r));
  int s = fs_client_stats_find_service (cs, name);

  cr_assert_geq (s, 0, "no service %s", name);
  return fs_client_stats_service (cs, (guint) s);
}

static int64_t
figure_int (Run *r, const char *group, const char *subject, const char *key)
{
  const FsFigure *f = fs_metrics_find_figure (metrics (r), group, subject, key);

  cr_assert_not_null (f, "no figure %s/%s/%s", group, subject, key);
  return f->i;
}

static FsReachStatus
reach (Run *r, const char *router, const char *ip_text)
{
  FsIp ip;
  int from = fs_net_router_index (r->net, router);

  cr_assert_geq (from, 0, "no router %s", router);
  cr_assert (fs_ip_parse (ip_text, &ip, NULL));
  return fs_net_reach (r->net, (guint) from, &ip).status;
}

static int
host (Run *r, const char *name)
{
  int h = fs_net_host_index (r->net, name);

  cr_assert_geq (h, 0, "no host %s", name);
  return h;
}

static int
site (Run *r, const char *name)
{
  int s = fs_sites_spec_find (r->sc, name);

  cr_assert_geq (s, 0, "no site %s", name);
  return s;
}

static guint
vm (Run *r, const char *name)
{
  int v = fs_dr_vm_index (r->dr, name);

  cr_assert_geq (v, 0, "no VM %s", name);
  return (guint) v;
}

static int
network (Run *r, const char *name)
{
  int n = fs_dr_network_index (r->dr, name);

  cr_assert_geq (n, 0, "no VM network %s", name);
  return n;
}

static guint
plan (Run *r, const char *name)
{
  int p = fs_dr_plan_index (r->dr, name);

  cr_assert_geq (p, 0, "no recovery plan %s", name);
  return (guint) p;
}

static const char *
ip_text (const FsIp *ip)
{
  static char buf[FS_IP_BUFSZ];

  cr_assert_not_null (ip);
  fs_ip_format (ip, buf, sizeof buf);
  return buf;
}

/* The address reserved for NIC 0 of @name's replica. */
static const char *
replica_ip (Run *r, const char *name)
{
  return ip_text (fs_dr_nic_replica_ip (r->dr, vm (r, name), 0));
}

/* Index of the cloud named @name in the DR spec. */
static int
cloud (const DrSpec *spec, const char *name)
{
  guint i;

  for (i = 0; i < spec->clouds->len; i++)
    if (strcmp (g_array_index (spec->clouds, CloudSpec, i).name, name) == 0)
      return (int) i;
  cr_assert_fail ("no cloud %s", name);
  return -1;
}

/* The "Target network available" table of seeds 001 and 003, for @run's clouds: @net1 is
 * offered to Silver and Gold, @net2 to Gold only. */
static void
expect_target_table (Run *r, const char *net1, const char *net2)
{
  const DrSpec *spec = fs__dr_spec_get (r->sc);
  int silver = cloud (spec, "SilverCloud1"), gold = cloud (spec, "GoldCloud1");

  cr_expect (fs__dr_target_available (spec, silver, network (r, net1)), "%s for Silver", net1);
  cr_expect (fs__dr_target_available (spec, gold, network (r, net1)), "%s for Gold", net1);
  cr_expect (!fs__dr_target_available (spec, silver, network (r, net2)), "%s for Silver", net2);
  cr_expect (fs__dr_target_available (spec, gold, network (r, net2)), "%s for Gold", net2);
}

/* --- 1. subnet failover (seed 000, "Subnet failover" > Example) ------------------------------------- */

/* "subnet 192.168.1.0/24 ... become active on the secondary site after failover", and the third
 * site's route follows. Planned: the third site loses app-1 only while routing converges (15ms);
 * after a site loss it waits for its hold timer (90s). tests/test-net.c has the detail. */
Test (library, subnet_failover_reaches_the_recovery_site_from_the_third)
{
  Run p = start ("scenarios/subnet-failover.yaml", NULL);
  Run u = start ("scenarios/subnet-failover-site-loss.yaml", NULL);

  run_all (&p);
  run_all (&u);
  cr_expect_eq (fs_net_subnet_router (p.net, (guint) fs_net_subnet_index (p.net, "app")),
                fs_net_router_index (p.net, "r-recovery"));
  cr_expect_eq (reach (&p, "r-third", "192.168.1.10"), FS_REACH_DELIVERED);
  cr_expect_eq (downtime (&p, "flow", "third-to-app"), 15 * FS_MSEC);
  cr_expect_eq (downtime (&u, "flow", "third-to-app"), 90 * S);
  cr_expect_eq (reach (&u, "r-third", "192.168.1.10"), FS_REACH_DELIVERED);
  stop (&p);
  stop (&u);
}

/* --- 2. change IP with a recovery plan (seed 000, "Changing IP addresses" > Example) ---------------- */

/* "apps are hosted subnet 192.168.1.0/24 on the primary site, and are configured to be in subnet
 * 172.16.1.0/24 on the secondary site after a failover ... no changes are needed to reconfigure
 * VPN or network routes. The failover, and some DNS updates, ensure that applications remain
 * accessible." */
Test (library, change_ip_recovery_plan_keeps_the_app_accessible)
{
  Run r = start ("scenarios/change-ip-recovery-plan.yaml", NULL);
  FsDns *dns = fs_dns_from_model (fs_sim_model (r.sim, "dns"));
  guint branch = (guint) fs_net_router_index (r.net, "r-branch");
  guint recovery_subnet = (guint) fs_net_subnet_index (r.net, "app-recovery");
  int hop_before = fs_net_next_hop (r.net, branch, recovery_subnet);
  int name = fs_dns_name_index (dns, "app.contoso.com"), held;
  const FsServiceStats *s;
  const FsLogEntry *e;
  guint i;

  /* The replica's address was reserved from the recovery network's pool, in 172.16.1.0/24. */
  cr_expect_str_eq (replica_ip (&r, "app-1"), "172.16.1.10");
  cr_expect_neq (fs_dr_nic_replica_host (r.dr, vm (&r, "app-1"), 0), fs_dr_nic_host (r.dr, vm (&r, "app-1"), 0));
  cr_expect_eq (fs_net_host_site (r.net, (guint) host (&r, "app-1-replica")), site (&r, "recovery"));
  run_all (&r);

  /* The plan's post step, the seed's script, changed the record at the live server. */
  cr_expect_eq (fs_dr_plan_state (r.dr, plan (&r, "rp-app")), FS_DR_PLAN_FAILED_OVER);
  cr_expect_eq (count (&r, "dns.update"), 1);
  e = notice (&r, "dr.step_done", "rp-app", 0);
  cr_assert_not_null (e);
  cr_expect (strstr (e->detail, "dns.update") != NULL, "%s", e->detail);
  cr_expect_eq (noticed (&r, "dns.update", "app.contoso.com", 0), e->time);
  held = fs_dns_server_record (dns, (guint) host (&r, "dc-recovery"), (guint) name, FS_DNS_A, NULL);
  cr_assert_geq (held, 0);
  cr_expect_str_eq (ip_text (fs_dns_address (dns, (guint) held)), "172.16.1.10");

  /* No route to the recovery subnet changed: the third site reaches it as before. */
  cr_expect_eq (fs_net_next_hop (r.net, branch, recovery_subnet), hop_before);
  for (i = 0; i < count (&r, "route.change"); i++)
    cr_expect_null (strstr (notice (&r, "route.change", NULL, i)->detail, "172.16.1.0/24"));
  cr_expect_eq (reach (&r, "r-branch", "172.16.1.10"), FS_REACH_DELIVERED);

  /* The branch clients lost the app at the disaster and every one is served again. */
  s = service (&r, "app");
  cr_expect_eq (s->clients, 1100);
  cr_expect_gt (s->affected, 1000);
  cr_expect_eq (s->down_at_end, 0);
  cr_expect_geq (s->window_start, 10 * M);
  cr_expect_gt (s->window_end, e->time, "clients recovered before the DNS update");
  stop (&r);
}

/* --- 3. stretched VLAN, broadcast storm (seed 000, "Stretched subnet") ------------------------------ */

/* "by stretching the VLAN, the potential fault domain extends to both sites": the storm started
 * at the primary floods the recovery site too. tests/test-l2.c has the detail. */
Test (library, stretched_vlan_storm_reaches_both_sites)
{
  Run r = start ("scenarios/stretched-vlan-storm.yaml", NULL);

  run_all (&r);
  cr_expect_eq (figure_int (&r, "l2.storms", "app-vlan@primary", "sites"), 2);
  cr_expect_eq (downtime (&r, "spread.site", "recovery"), 5 * M);
  cr_expect_eq (figure_int (&r, "l2.storms", "db-vlan@primary", "sites"), 1);
  stop (&r);
}

/* --- 4. New York and Chicago (seed 001) ---------------------------------------------------------- */

#define NYC "scenarios/network-mapping-newyork-chicago.yaml"

/* "Target network settings": VMNetwork1-Chicago for Silver and Gold, VMNetwork2-Chicago for Gold
 * only. Mapping VMNetwork2-NewYork to VMNetwork2-Chicago is refused for a Silver VM and taken
 * by a Gold one. */
Test (library, newyork_chicago_target_network_table)
{
  Run r = start (NYC, NULL);
  const char *const silver[] = { "vms.vm-unmapped.cloud=SilverCloud1", NULL };
  g_autofree char *mapped = edited (NYC, "    target: VMNetwork1-Chicago\n",
                                    "    target: VMNetwork1-Chicago\n"
                                    "  - source: VMNetwork2-NewYork\n"
                                    "    target: VMNetwork2-Chicago\n");
  g_autofree char *refused = load_error (NYC, mapped, silver);
  Run gold;

  expect_target_table (&r, "VMNetwork1-Chicago", "VMNetwork2-Chicago");
  cr_expect (strstr (refused, "error: target network 'VMNetwork2-Chicago' (mapped from "
                     "'VMNetwork2-NewYork') is not available for SilverCloud1 -> SilverCloud2: its "
                     "logical network 'LogicalNetwork2-Chicago' is not associated with 'SilverCloud2'")
             != NULL, "%s", refused);
  gold = start_text (NYC, mapped, NULL);
  cr_expect_eq (fs_dr_nic_replica_network (gold.dr, vm (&gold, "vm-unmapped"), 0),
                network (&gold, "VMNetwork2-Chicago"));
  cr_expect_str_eq (replica_ip (&gold, "vm-unmapped"), "172.16.2.10");
  stop (&gold);
  stop (&r);
}

/* "When a replica virtual machine is created for any virtual machine that is connected to
 * VMNetwork1-NewYork, it will be connected to VMNetwork1-Chicago. When a replica virtual machine
 * is created for VMNetwork2-NewYork ..., it will not be connected to any network." Then the four
 * rows of "Failback behavior". */
Test (library, newyork_chicago_mapping_and_the_four_failback_outcomes)
{
  Run r = start (NYC, NULL);
  const char *const vms[] = { "vm-keep", "vm-off", "vm-moved", "vm-remap" };
  const char *replicas[] = { "172.16.1.10", "172.16.1.11", "172.16.1.12", "172.16.1.13" };
  int ny1 = network (&r, "VMNetwork1-NewYork"), ny2 = network (&r, "VMNetwork2-NewYork");
  int chi1 = network (&r, "VMNetwork1-Chicago");
  guint i;

  for (i = 0; i < G_N_ELEMENTS (vms); i++)
    {
      cr_expect_eq (fs_dr_nic_replica_network (r.dr, vm (&r, vms[i]), 0), chi1, "%s", vms[i]);
      cr_expect_str_eq (replica_ip (&r, vms[i]), replicas[i]);
    }
  cr_expect_eq (fs_dr_nic_replica_network (r.dr, vm (&r, "vm-unmapped"), 0), -1);
  cr_expect_eq (fs_dr_nic_replica_host (r.dr, vm (&r, "vm-unmapped"), 0), -1);
  run_all (&r);

  cr_expect_eq (noticed (&r, "dr.vm_disconnected", "vm-unmapped", 0), 10 * M);
  cr_expect_eq (figure_int (&r, "dr.plans", "rp-unmapped", "vms_disconnected"), 1);
  cr_expect_eq (count (&r, "dr.failback_done"), 4);

  /* "No change ... VM-1 remains connected to the source network." */
  cr_expect_eq (fs_dr_nic_original_network (r.dr, vm (&r, "vm-keep"), 0), ny1);
  cr_expect (fs_net_host_is_alive (r.net, (guint) host (&r, "vm-keep")));
  cr_expect_eq (service (&r, "keep")->down_at_end, 0);
  /* "... changed after failover and is disconnected. | VM-1 is disconnected." */
  cr_expect_eq (fs_dr_nic_original_network (r.dr, vm (&r, "vm-off"), 0), -1);
  cr_expect (!fs_net_host_is_running (r.net, (guint) host (&r, "vm-off")));
  cr_expect_eq (service (&r, "off")->down_at_end, 100);
  /* "... connected to VMNetwork2-Chicago. | If VMNetwork2-Chicago isn't mapped, VM-1 will be
   * disconnected." */
  cr_expect_eq (fs_dr_nic_replica_network (r.dr, vm (&r, "vm-moved"), 0), network (&r, "VMNetwork2-Chicago"));
  cr_expect_eq (fs_dr_nic_original_network (r.dr, vm (&r, "vm-moved"), 0), -1);
  cr_expect (!fs_net_host_is_running (r.net, (guint) host (&r, "vm-moved")));
  cr_expect_eq (service (&r, "moved")->down_at_end, 100);
  /* "Network mapping of VMNetwork1-Chicago is changed. | VM-1 will be connected to the network
   * now mapped to VMNetwork1-Chicago." */
  cr_expect_eq (fs_dr_mapped (r.dr, (guint) chi1), ny2);
  cr_expect_eq (fs_dr_mapped (r.dr, (guint) ny1), -1);
  cr_expect_eq (fs_dr_nic_original_network (r.dr, vm (&r, "vm-remap"), 0), ny2);
  cr_expect (fs_net_host_is_alive (r.net, (guint) host (&r, "vm-remap")));
  cr_expect_eq (service (&r, "remap")->down_at_end, 0);
  stop (&r);
}

/* --- 5. Beijing and Shanghai (seed 003) --------------------------------------------------------- */

/* On-premises to on-premises: the replica joins the mapped network, or none. On-premises to
 * Azure: "All machines which failover on the same network can connect to each other,
 * irrespective of which recovery plan they are in"; "If a network gateway is set up on the
 * target Azure network, virtual machines can connect to other on-premises virtual machines";
 * "If you don't configure network mapping, only virtual machines that failover in the same
 * recovery plan will be able to connect to each other after fail over to Azure." */
Test (library, beijing_shanghai_onprem_and_azure_connectivity)
{
  Run r = start ("scenarios/network-mapping-beijing-shanghai.yaml", NULL);

  expect_target_table (&r, "VMNetwork1-Shanghai", "VMNetwork2-Shanghai");
  cr_expect (fs__dr_target_available (fs__dr_spec_get (r.sc), cloud (fs__dr_spec_get (r.sc), "AzureCloud"),
                                      network (&r, "AzureNetwork-ChinaNorth")));
  cr_expect (!fs_dr_can_reach (r.dr, vm (&r, "az-a"), vm (&r, "az-b")), "before any failover");
  run_all (&r);

  /* On-premises to on-premises. */
  cr_expect_eq (fs_dr_nic_replica_network (r.dr, vm (&r, "bj-web"), 0), network (&r, "VMNetwork1-Shanghai"));
  cr_expect_str_eq (replica_ip (&r, "bj-web"), "172.16.1.10");
  cr_expect_eq (fs_dr_nic_replica_network (r.dr, vm (&r, "bj-batch"), 0), -1);
  cr_expect_neq (noticed (&r, "dr.vm_disconnected", "bj-batch", 0), -1);
  cr_expect (!fs_dr_can_reach (r.dr, vm (&r, "bj-web"), vm (&r, "bj-batch")));

  /* On-premises to Azure: the same mapped network, across plans. */
  cr_expect_eq (fs_dr_vm_state (r.dr, vm (&r, "az-a")), FS_DR_VM_REPLICA);
  cr_expect (fs_dr_can_reach (r.dr, vm (&r, "az-a"), vm (&r, "az-b")));
  cr_expect_eq (reach (&r, "r-azure", "10.10.1.12"), FS_REACH_DELIVERED);
  /* Without mapping: the same plan only. */
  cr_expect (fs_dr_can_reach (r.dr, vm (&r, "az-c"), vm (&r, "az-d")));
  cr_expect (!fs_dr_can_reach (r.dr, vm (&r, "az-c"), vm (&r, "az-e")));
  cr_expect (!fs_dr_can_reach (r.dr, vm (&r, "az-d"), vm (&r, "az-e")));
  /* The gateway: Azure reaches the on-premises replica in Shanghai, Shanghai the Azure one. */
  cr_expect_eq (reach (&r, "r-azure", "172.16.1.10"), FS_REACH_DELIVERED);
  cr_expect_eq (reach (&r, "r-shanghai", "10.10.1.11"), FS_REACH_DELIVERED);
  cr_expect_eq (service (&r, "web")->down_at_end, 0);
  cr_expect_eq (service (&r, "portal")->down_at_end, 0);
  cr_expect_eq (service (&r, "portal")->affected, 100);
  stop (&r);
}

/* --- 6. Woodgrove Bank (seed 002, "Failover example") ------------------------------------------- */

#define WOODGROVE "scenarios/woodgrove-azure.yaml"

/* The VMs keep their hard-coded addresses in Azure; they are reached once the scripted
 * vnet-to-vnet connection is up and "Routes ... reflect that 192.168.1.0/24 has now moved to
 * Azure", and not before. */
Test (library, woodgrove_retains_addresses_in_azure)
{
  Run r = start (WOODGROVE, NULL);
  guint app1 = vm (&r, "app-1");
  const FsServiceStats *s;

  cr_expect_eq (fs_dr_nic_replica_host (r.dr, app1, 0), fs_dr_nic_host (r.dr, app1, 0));
  cr_expect_eq (fs_net_host_index (r.net, "app-1-replica"), -1);
  cr_expect_str_eq (replica_ip (&r, "app-1"), "192.168.1.10");
  cr_expect_eq (reach (&r, "r-azure-prod", "192.168.1.10"), FS_REACH_DELIVERED, "before the disaster");

  /* 17m: the VMs answer in Azure with their addresses, but nothing routes to them yet. */
  fs_sim_run (r.sim, 17 * M + 29 * S);
  cr_expect (fs_net_host_is_alive (r.net, (guint) host (&r, "app-1")));
  cr_expect_eq (fs_net_host_site (r.net, (guint) host (&r, "app-1")), site (&r, "azure"));
  cr_expect_neq (reach (&r, "r-azure-prod", "192.168.1.10"), FS_REACH_DELIVERED);
  run_all (&r);

  cr_expect_eq (noticed (&r, "link.up", "vnet-to-vnet", 0), 17 * M + 30 * S);
  cr_expect_eq (fs_net_subnet_router (r.net, (guint) fs_net_subnet_index (r.net, "business-apps")),
                fs_net_router_index (r.net, "r-azure-recovery"));
  cr_expect_eq (noticed (&r, "dr.failover_done", "rp-woodgrove", 0), 18 * M);
  cr_expect_eq (reach (&r, "r-azure-prod", "192.168.1.10"), FS_REACH_DELIVERED);
  cr_expect_eq (reach (&r, "r-azure-prod", "192.168.1.11"), FS_REACH_DELIVERED);
  s = service (&r, "business-app");
  cr_expect_eq (s->affected, 200);
  cr_expect_eq (s->down_at_end, 0);
  cr_expect_gt (s->window_end, 18 * M);
  stop (&r);
}

/* "you can't add a local-network 192.168.1.0/24 in the Azure network". */
Test (library, woodgrove_local_network_may_not_hold_the_failed_over_subnet)
{
  const char *const sets[] = { "links.s2s-vpn.local_networks.0=192.168.1.0/24", NULL };
  g_autofree char *msg = load_error (WOODGROVE, NULL, sets);

  cr_expect (strstr (msg, "error: local network 192.168.1.0/24 of link 's2s-vpn' overlaps subnet "
                     "'business-apps' (192.168.1.0/24) of the virtual network in 'azure': you can't "
                     "add a local-network 192.168.1.0/24 in the Azure network") != NULL, "%s", msg);
}

/* --- 7. Azure to Azure with ExpressRoute (seed 004) --------------------------------------------- */

/* "In the case of a failover event, disconnect the circuit from the source virtual network, and
 * connect the circuit in the target virtual network": with the region up both succeed and the
 * on-premises clients are served by the replica, which kept its address. */
Test (library, expressroute_moves_to_the_target_region)
{
  Run r = start ("scenarios/azure-expressroute.yaml", NULL);
  const char *const both_up[] = { "links.er-north.state=up", NULL };
  g_autofree char *clash = load_error ("scenarios/azure-expressroute.yaml", NULL, both_up);
  const FsServiceStats *s;

  cr_expect (strstr (clash, "a circuit cannot connect two virtual networks with the same ranges at "
                     "once") != NULL, "%s", clash);
  cr_expect_eq (fs_dr_nic_replica_host (r.dr, vm (&r, "app-vm"), 0), fs_dr_nic_host (r.dr, vm (&r, "app-vm"), 0));
  run_all (&r);
  cr_expect_eq (figure_int (&r, "dr.plans", "rp-app", "steps_failed"), 0);
  cr_expect_eq (noticed (&r, "link.down", "er-east", 0), 11 * M);
  cr_expect_eq (noticed (&r, "link.up", "er-north", 0), 12 * M);
  cr_expect (!fs_net_link_is_connected (r.net, (guint) fs_net_link_index (r.net, "er-east")));
  cr_expect (fs_net_link_is_connected (r.net, (guint) fs_net_link_index (r.net, "er-north")));
  cr_expect_eq (fs_net_host_site (r.net, (guint) host (&r, "app-vm")), site (&r, "azure-north"));
  cr_expect_eq (reach (&r, "r-onprem", "10.1.1.10"), FS_REACH_DELIVERED);
  s = service (&r, "app");
  cr_expect_gt (s->affected, 0);
  cr_expect_eq (s->down_at_end, 0);
  stop (&r);
}

/* "If the primary region is completely down, the disconnect operation can fail. That will
 * prevent the target virtual network from getting ExpressRoute connectivity." */
Test (library, expressroute_region_down_leaves_the_target_unreachable)
{
  Run r = start ("scenarios/azure-expressroute-region-down.yaml", NULL);
  const FsLogEntry *disconnect, *connect;
  const FsServiceStats *s;

  run_all (&r);
  disconnect = notice (&r, "dr.step_failed", "rp-app", 0);
  connect = notice (&r, "dr.step_failed", "rp-app", 1);
  cr_assert_not_null (disconnect);
  cr_assert_not_null (connect);
  cr_expect_eq (disconnect->time, 16 * M);
  cr_expect (strstr (disconnect->detail, "circuit.disconnect") != NULL, "%s", disconnect->detail);
  cr_expect (strstr (disconnect->detail, "the primary region is down: the disconnect operation fails")
             != NULL, "%s", disconnect->detail);
  cr_expect_eq (connect->time, 17 * M);
  cr_expect (strstr (connect->detail, "circuit.connect") != NULL, "%s", connect->detail);
  cr_expect (strstr (connect->detail, "cannot connect two virtual networks with the same ranges at once")
             != NULL, "%s", connect->detail);
  cr_expect_eq (figure_int (&r, "dr.plans", "rp-app", "steps_failed"), 2);
  cr_expect_eq (count (&r, "link.up"), 0);
  cr_expect (fs_net_link_is_connected (r.net, (guint) fs_net_link_index (r.net, "er-east")));
  cr_expect (!fs_net_link_is_connected (r.net, (guint) fs_net_link_index (r.net, "er-north")));

  /* The replica runs in the target region, but on-premises cannot reach it. */
  cr_expect_eq (fs_dr_plan_state (r.dr, plan (&r, "rp-app")), FS_DR_PLAN_FAILED_OVER);
  cr_expect (fs_net_host_is_alive (r.net, (guint) host (&r, "app-vm")));
  cr_expect_eq (fs_net_host_site (r.net, (guint) host (&r, "app-vm")), site (&r, "azure-north"));
  cr_expect_neq (reach (&r, "r-onprem", "10.1.1.10"), FS_REACH_DELIVERED);
  s = service (&r, "app");
  cr_expect_eq (s->clients, 200);
  cr_expect_eq (s->down_at_end, 200);
  cr_expect_eq (s->window_end, -1);
  stop (&r);
}

/* --- 8. static pool allocation (seed 000, "Subnet failover" > Example) ------------------------- */

/* "If the IP address pool in the secondary site is the same as that on the source site, Site
 * Recovery allocates the same IP address (of the source VM) to the replica VM. ... If the same
 * IP address isn't available, Site Recovery allocates another available IP address from the
 * pool." */
Test (library, static_pool_keeps_the_address_or_gives_the_next_free_one)
{
  Run r = start ("scenarios/static-pool-allocation.yaml", NULL);
  guint same = vm (&r, "vm-same"), other = vm (&r, "vm-other");
  const FsServiceStats *s_same, *s_other;

  cr_expect_str_eq (replica_ip (&r, "vm-same"), "192.168.1.110");
  cr_expect_eq (fs_dr_nic_replica_host (r.dr, same, 0), fs_dr_nic_host (r.dr, same, 0));
  /* .20 is not in the pool; .100, its first address, is standby-1's at the recovery site. */
  cr_expect_str_eq (ip_text (fs_net_host_ip (r.net, (guint) host (&r, "standby-1"))), "192.168.1.100");
  cr_expect_str_eq (replica_ip (&r, "vm-other"), "192.168.1.101");
  cr_expect_eq (fs_dr_nic_replica_host (r.dr, other, 0), host (&r, "vm-other-replica"));
  cr_expect_eq (fs_net_host_site (r.net, (guint) host (&r, "vm-other-replica")), site (&r, "recovery"));
  run_all (&r);

  cr_expect_eq (fs_net_host_site (r.net, (guint) host (&r, "vm-same")), site (&r, "recovery"));
  cr_expect_eq (reach (&r, "r-third", "192.168.1.110"), FS_REACH_DELIVERED);
  cr_expect_eq (reach (&r, "r-third", "192.168.1.101"), FS_REACH_DELIVERED);
  cr_expect_eq (noticed (&r, "dns.update", "other.contoso.com", 0), 11 * M + 45 * S);
  s_same = service (&r, "same");
  s_other = service (&r, "other");
  cr_expect_eq (s_same->down_at_end, 0);
  cr_expect_eq (s_other->down_at_end, 0);
  cr_expect_lt (s_same->mean, s_other->mean, "a kept address needs no DNS change: %" G_GINT64_FORMAT
                " ns against %" G_GINT64_FORMAT, s_same->mean, s_other->mean);
  stop (&r);
}
