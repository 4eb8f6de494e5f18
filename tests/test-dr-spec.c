/* test-dr-spec.c: the disaster-recovery model's load-time half: the VMM structure, network
 * mapping and the seeds' "Target network available" table, subnet matching, the replicas'
 * addresses and hosts, and the Azure rules, against hand-worked values.
 *
 * The estate (seed 001's New York / Chicago, with an Azure region beside): sites newyork,
 * chicago, azure-east (a cloud region). Subnets ny-app 192.168.1.0/24 and ny-db 192.168.2.0/24
 * at newyork, chi-app 172.16.1.0/24 and chi-dhcp 172.16.2.0/24 at chicago, az-app 10.2.0.0/24
 * at azure-east. Host chi-web 172.16.1.100 is declared at chicago. VMNetwork1-NewYork has
 * subnets app (ny-app, pool .100-.199) and db (ny-db, DHCP); VMNetwork1-Chicago has web
 * (chi-dhcp, DHCP) then app (chi-app, pool 172.16.1.100-172.16.1.102); VMNetwork2-Chicago has
 * app (chi-dhcp, DHCP); AzureNet (azure-east) has app (az-app). */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "failsim/net.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"
#include "failsim/site.h"
#include "../sim/dr/dr-private.h"

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (dr_spec, .init = enter_source_dir);

#define NET \
  "name: dr spec test\n" \
  "sites:\n" \
  "  - {name: newyork}\n" \
  "  - {name: chicago}\n" \
  "  - {name: azure-east, kind: cloud-region}\n" \
  "routers: [{name: r-ny, site: newyork}, {name: r-chi, site: chicago}, {name: r-east, site: azure-east}]\n" \
  "links: [{name: ny-chi, between: [r-ny, r-chi]}, {name: ny-east, between: [r-ny, r-east]}]\n" \
  "subnets:\n" \
  "  - {name: ny-app, prefix: 192.168.1.0/24, site: newyork}\n" \
  "  - {name: ny-db, prefix: 192.168.2.0/24, site: newyork}\n" \
  "  - {name: chi-app, prefix: 172.16.1.0/24, site: chicago}\n" \
  "  - {name: chi-dhcp, prefix: 172.16.2.0/24, site: chicago}\n" \
  "  - {name: az-app, prefix: 10.2.0.0/24, site: azure-east}\n"

#define HOSTS(more) "hosts:\n  - {name: chi-web, ip: 172.16.1.100}\n" more

/* Seed 001's cloud table lists no logical network for GoldCloud2 beyond LogicalNetwork1-Chicago,
 * yet its "Target network available" table offers VMNetwork2-Chicago to GoldCloud1 -> GoldCloud2:
 * LogicalNetwork2-Chicago is associated with GoldCloud2 here to reproduce that "Available" row. */
#define VMM(more_networks) \
  "vmm:\n" \
  "  servers: [{name: VMM-NewYork, site: newyork}, {name: VMM-Chicago, site: chicago}]\n" \
  "  logical_networks:\n" \
  "    - {name: LogicalNetwork1-NewYork, server: VMM-NewYork}\n" \
  "    - {name: LogicalNetwork1-Chicago, server: VMM-Chicago}\n" \
  "    - {name: LogicalNetwork2-Chicago, server: VMM-Chicago}\n" \
  "  vm_networks:\n" \
  "    - name: VMNetwork1-NewYork\n" \
  "      logical_network: LogicalNetwork1-NewYork\n" \
  "      subnets:\n" \
  "        - {name: app, subnet: ny-app, pool: 192.168.1.100-192.168.1.199}\n" \
  "        - {name: db, subnet: ny-db, dhcp: true}\n" \
  "    - {name: VMNetwork2-NewYork, logical_network: LogicalNetwork1-NewYork,\n" \
  "       subnets: [{name: app, subnet: ny-app}]}\n" \
  "    - name: VMNetwork1-Chicago\n" \
  "      logical_network: LogicalNetwork1-Chicago\n" \
  "      subnets:\n" \
  "        - {name: web, subnet: chi-dhcp, dhcp: true}\n" \
  "        - {name: app, subnet: chi-app, pool: 172.16.1.100-172.16.1.102}\n" \
  "    - {name: VMNetwork2-Chicago, logical_network: LogicalNetwork2-Chicago,\n" \
  "       subnets: [{name: app, subnet: chi-dhcp, dhcp: true}]}\n" \
  "    - {name: AzureNet, site: azure-east, subnets: [{name: app, subnet: az-app}]}\n" \
  more_networks \
  "  clouds:\n" \
  "    - {name: GoldCloud1, server: VMM-NewYork, logical_networks: [LogicalNetwork1-NewYork],\n" \
  "       protected_by: GoldCloud2}\n" \
  "    - {name: SilverCloud1, server: VMM-NewYork, logical_networks: [LogicalNetwork1-NewYork],\n" \
  "       protected_by: SilverCloud2}\n" \
  "    - {name: GoldCloud2, server: VMM-Chicago,\n" \
  "       logical_networks: [LogicalNetwork1-Chicago, LogicalNetwork2-Chicago]}\n" \
  "    - {name: SilverCloud2, server: VMM-Chicago, logical_networks: [LogicalNetwork1-Chicago]}\n" \
  "    - {name: AzureCloud, server: VMM-NewYork, logical_networks: [LogicalNetwork1-NewYork]}\n"

#define MAP_1 "network_mappings:\n  - {source: VMNetwork1-NewYork, target: VMNetwork1-Chicago}\n"

static FsScenario *
load_ok (const char *yaml)
{
  g_autoptr (GError) error = NULL;
  FsScenario *sc = fs_scenario_load_data ("t.yaml", yaml, -1, NULL, &error);

  cr_assert_not_null (sc, "%s", error ? error->message : "");
  return sc;
}

/* The whole error text of a scenario that must fail. */
static char *
load_error (const char *yaml)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load_data ("t.yaml", yaml, -1, NULL, &error);

  cr_assert_null (sc, "loaded, but must fail");
  return g_strdup (error->message);
}

static char *
warnings_of (const FsScenario *sc)
{
  const GPtrArray *w = fs_scenario_warnings (sc);
  GString *all = g_string_new (NULL);
  guint i;

  for (i = 0; i < w->len; i++)
    g_string_append_printf (all, "%s\n", (const char *) g_ptr_array_index (w, i));
  return g_string_free (all, FALSE);
}

/* Every struct of the spec starts with its name. */
static int
named (const GArray *items, size_t size, const char *name)
{
  guint i;

  for (i = 0; i < items->len; i++)
    if (strcmp (*(char **) (items->data + i * size), name) == 0)
      return (int) i;
  cr_assert_fail ("no %s", name);
  return -1;
}

#define NETWORK(spec, name) named ((spec)->vm_networks, sizeof (VmNetworkSpec), name)
#define CLOUD_OF(spec, name) named ((spec)->clouds, sizeof (CloudSpec), name)

static const NicSpec *
nic_of (const DrSpec *spec, const char *vm, guint k)
{
  const VmSpec *v = &g_array_index (spec->vms, VmSpec, named (spec->vms, sizeof (VmSpec), vm));

  cr_assert_lt (k, v->nics->len);
  return &g_array_index (v->nics, NicSpec, k);
}

static const char *
ip_text (const FsIp *ip)
{
  static char buf[FS_IP_BUFSZ];

  fs_ip_format (ip, buf, sizeof buf);
  return buf;
}

static void
expect_host (const FsScenario *sc, const char *name, const char *ip, const char *site, gboolean running)
{
  int h = fs_net_spec_host_index (sc, name);

  cr_assert_geq (h, 0, "no host %s", name);
  cr_expect_str_eq (ip_text (fs_net_spec_host_ip (sc, h)), ip, "%s", name);
  cr_expect_eq (fs_net_spec_host_site (sc, h), fs_sites_spec_find (sc, site), "%s", name);
  cr_expect_eq (fs_net_spec_host_running (sc, h), running, "%s", name);
}

/* --- mapping and target networks ---------------------------------------------------------------- */

/* Seed 001, "Target network settings": VMNetwork1-Chicago is offered to SilverCloud1 ->
 * SilverCloud2 and to GoldCloud1 -> GoldCloud2 (LogicalNetwork1-Chicago is associated with
 * both protecting clouds); VMNetwork2-Chicago only to Gold (LogicalNetwork2-Chicago only with
 * GoldCloud2). An Azure network is always offered; an unprotected cloud is offered no VMM one. */
Test (dr_spec, target_network_availability_table)
{
  g_autoptr (FsScenario) sc = load_ok (NET HOSTS ("") VMM ("") MAP_1);
  const DrSpec *spec = fs__dr_spec_get (sc);
  int silver = CLOUD_OF (spec, "SilverCloud1"), gold = CLOUD_OF (spec, "GoldCloud1");
  int net1 = NETWORK (spec, "VMNetwork1-Chicago"), net2 = NETWORK (spec, "VMNetwork2-Chicago");

  cr_expect (fs__dr_target_available (spec, silver, net1));
  cr_expect (fs__dr_target_available (spec, gold, net1));
  cr_expect (!fs__dr_target_available (spec, silver, net2));
  cr_expect (fs__dr_target_available (spec, gold, net2));
  cr_expect (fs__dr_target_available (spec, silver, NETWORK (spec, "AzureNet")));
  cr_expect (!fs__dr_target_available (spec, CLOUD_OF (spec, "GoldCloud2"), net1));
}

Test (dr_spec, unavailable_target_is_an_error_at_the_nic)
{
  g_autofree char *msg = load_error (
    NET HOSTS ("") VMM ("")
    "network_mappings:\n  - {source: VMNetwork2-NewYork, target: VMNetwork2-Chicago}\n"
    "vms:\n"
    "  - {name: VM2, cloud: SilverCloud1, nics: [{network: VMNetwork2-NewYork, ip: 192.168.1.20}]}\n");

  cr_expect_str_eq (msg, "t.yaml:50:55: error: target network 'VMNetwork2-Chicago' (mapped from "
                    "'VMNetwork2-NewYork') is not available for SilverCloud1 -> SilverCloud2: its "
                    "logical network 'LogicalNetwork2-Chicago' is not associated with 'SilverCloud2'");
}

Test (dr_spec, gold_vm_fails_over_to_the_target_available_to_gold)
{
  g_autoptr (FsScenario) sc = load_ok (
    NET HOSTS ("") VMM ("")
    "network_mappings:\n  - {source: VMNetwork2-NewYork, target: VMNetwork2-Chicago}\n"
    "vms:\n"
    "  - {name: VM2, cloud: GoldCloud1, nics: [{network: VMNetwork2-NewYork, ip: 192.168.1.20}]}\n");
  const DrSpec *spec = fs__dr_spec_get (sc);
  const NicSpec *nic = nic_of (spec, "VM2", 0);

  cr_expect_eq (nic->target_network, NETWORK (spec, "VMNetwork2-Chicago"));
  cr_expect_eq (g_array_index (spec->vms, VmSpec, 0).target_site, fs_sites_spec_find (sc, "chicago"));
}

/* Seed 001's mapping table: VMNetwork1-Chicago is "Mapped to VMNetwork1-NewYork" too. */
Test (dr_spec, mapping_works_both_ways)
{
  g_autoptr (FsScenario) sc = load_ok (NET HOSTS ("") VMM ("") MAP_1);
  const DrSpec *spec = fs__dr_spec_get (sc);

  cr_expect_eq (fs__dr_mapped (spec, NETWORK (spec, "VMNetwork1-NewYork")),
                NETWORK (spec, "VMNetwork1-Chicago"));
  cr_expect_eq (fs__dr_mapped (spec, NETWORK (spec, "VMNetwork1-Chicago")),
                NETWORK (spec, "VMNetwork1-NewYork"));
  cr_expect_eq (fs__dr_mapped (spec, NETWORK (spec, "VMNetwork2-NewYork")), -1);
}

/* Seed 001, "Multiple subnets": app matches app (the second subnet of VMNetwork1-Chicago); db
 * matches nothing and falls back to the first, web. */
Test (dr_spec, subnet_matched_by_name_else_the_first)
{
  g_autoptr (FsScenario) sc = load_ok (NET HOSTS ("") VMM ("") MAP_1);
  const DrSpec *spec = fs__dr_spec_get (sc);
  int ny = NETWORK (spec, "VMNetwork1-NewYork"), chi = NETWORK (spec, "VMNetwork1-Chicago");

  cr_expect_eq (fs__dr_target_subnet (spec, ny, 0, chi), 1);
  cr_expect_eq (fs__dr_target_subnet (spec, ny, 1, chi), 0);
}

/* --- addresses and hosts ---------------------------------------------------------------------------- */

#define VMS_1_3 \
  "vms:\n" \
  "  - name: VM1\n" \
  "    cloud: GoldCloud1\n" \
  "    nics:\n" \
  "      - {network: VMNetwork1-NewYork, subnet: app, addressing: pool, ip: 192.168.1.110}\n" \
  "      - {network: VMNetwork1-NewYork, subnet: db, addressing: dhcp, ip: 192.168.2.50}\n" \
  "  - {name: VM3, cloud: SilverCloud1, nics: [{network: VMNetwork1-NewYork, ip: 192.168.1.30}]}\n"

/* VM1's app NIC: 192.168.1.110 is not in Chicago's pool 172.16.1.100-102, whose .100 is chi-web's:
 * it gets .101. VM3 (app by default, the first subnet) then finds .100 and .101 taken: .102.
 * VM1's db NIC matches no subnet and joins web (DHCP, chi-dhcp): 192.168.2.50 is not in
 * 172.16.2.0/24, so it takes the first address no host owns, 172.16.2.1, with a warning. */
Test (dr_spec, pool_takes_the_first_free_address_in_vm_order)
{
  g_autoptr (FsScenario) sc = load_ok (NET HOSTS ("") VMM ("") MAP_1 VMS_1_3);
  const DrSpec *spec = fs__dr_spec_get (sc);
  g_autofree char *w = warnings_of (sc);

  cr_expect_str_eq (ip_text (&nic_of (spec, "VM1", 0)->replica_ip), "172.16.1.101");
  cr_expect_str_eq (ip_text (&nic_of (spec, "VM3", 0)->replica_ip), "172.16.1.102");
  cr_expect_str_eq (ip_text (&nic_of (spec, "VM1", 1)->replica_ip), "172.16.2.1");
  cr_expect_eq (nic_of (spec, "VM1", 1)->target_vm_subnet, 0);
  cr_expect_str_eq (w, "t.yaml:54:19: warning: the replica of 'VM1' takes its address on VM subnet "
                    "'VMNetwork1-Chicago/web' from DHCP, which Site Recovery does not manage: check "
                    "that the DHCP server at 'chicago' can allocate from the same range as the source "
                    "(failsim assumes 172.16.2.1)\n");
}

Test (dr_spec, hosts_are_named_after_the_vm_and_placed)
{
  g_autoptr (FsScenario) sc = load_ok (NET HOSTS ("") VMM ("") MAP_1 VMS_1_3);
  const DrSpec *spec = fs__dr_spec_get (sc);
  const NicSpec *nic = nic_of (spec, "VM1", 0);

  cr_expect_eq (fs_net_spec_n_hosts (sc), 1 + 4 + 2);
  expect_host (sc, "VM1", "192.168.1.110", "newyork", TRUE);
  expect_host (sc, "VM1.nic1", "192.168.2.50", "newyork", TRUE);
  expect_host (sc, "VM1-replica", "172.16.1.101", "chicago", FALSE);
  expect_host (sc, "VM1-replica.nic1", "172.16.2.1", "chicago", FALSE);
  expect_host (sc, "VM3", "192.168.1.30", "newyork", TRUE);
  expect_host (sc, "VM3-replica", "172.16.1.102", "chicago", FALSE);
  cr_expect_eq (nic->host, fs_net_spec_host_index (sc, "VM1"));
  cr_expect_eq (nic->replica_host, fs_net_spec_host_index (sc, "VM1-replica"));
  cr_expect_eq (fs_net_spec_host_subnet (sc, nic->replica_host), 2);   /* chi-app */
}

/* The hosts join the network model like declared ones: the replica is stopped at chicago. */
Test (dr_spec, hosts_are_built_into_the_network)
{
  g_autoptr (FsScenario) sc = load_ok (NET HOSTS ("") VMM ("") MAP_1 VMS_1_3);
  g_autoptr (GError) error = NULL;
  g_autoptr (FsSim) sim = fs_sim_new (sc, 1, 0, &error);
  FsNet *net;
  int h;

  cr_assert_not_null (sim, "%s", error ? error->message : "");
  net = fs_net_from_model (fs_sim_model (sim, "net"));
  h = fs_net_host_index (net, "VM3-replica");
  cr_assert_geq (h, 0);
  cr_expect (!fs_net_host_is_running (net, h));
  cr_expect_eq (fs_net_host_site (net, h), fs_sites_spec_find (sc, "chicago"));
  cr_expect (fs_net_host_is_running (net, fs_net_host_index (net, "VM3")));
}

/* A declared host owning 172.16.2.1 pushes the DHCP replica to .2; a fourth VM finds the pool
 * of three (.100 chi-web, .101 VM1, .102 VM3) exhausted. */
Test (dr_spec, declared_host_and_exhausted_pool)
{
  g_autoptr (FsScenario) sc = load_ok (NET HOSTS ("  - {name: dhcp-1, ip: 172.16.2.1}\n") VMM ("")
                                       MAP_1 VMS_1_3);
  g_autofree char *msg = load_error (
    NET HOSTS ("") VMM ("") MAP_1 VMS_1_3
    "  - {name: VM4, cloud: GoldCloud1, nics: [{network: VMNetwork1-NewYork, ip: 192.168.1.40}]}\n");

  cr_expect_str_eq (ip_text (&nic_of (fs__dr_spec_get (sc), "VM1", 1)->replica_ip), "172.16.2.2");
  cr_expect_str_eq (msg, "t.yaml:56:53: error: static pool 172.16.1.100-172.16.1.102 of VM subnet "
                    "'VMNetwork1-Chicago/app' is exhausted: every address is a host's or reserved for "
                    "another replica, so Site Recovery cannot allocate one for the replica of 'VM4'");
}

/* Seed 000, "Subnet failover": the target network holds the very subnet (ny-app, pool
 * .100-.199), so VMb's pool address 192.168.1.100 is free there and kept: its replica is its own
 * host. VMa's 192.168.1.30 is outside the pool; .100 is VMb's (every VM's own hosts exist before
 * any replica is given an address), so VMa's replica gets .101. */
#define FAILOVER_NET \
  "    - {name: Failover-Chicago, logical_network: LogicalNetwork1-Chicago,\n" \
  "       subnets: [{name: app, subnet: ny-app, pool: 192.168.1.100-192.168.1.199}]}\n"

Test (dr_spec, pool_keeps_a_free_source_address_and_the_host)
{
  g_autoptr (FsScenario) sc = load_ok (
    NET HOSTS ("") VMM (FAILOVER_NET)
    "network_mappings:\n  - {source: VMNetwork1-NewYork, target: Failover-Chicago}\n"
    "vms:\n"
    "  - {name: VMa, cloud: GoldCloud1, nics: [{network: VMNetwork1-NewYork, ip: 192.168.1.30}]}\n"
    "  - {name: VMb, cloud: GoldCloud1,\n"
    "     nics: [{network: VMNetwork1-NewYork, addressing: pool, ip: 192.168.1.100}]}\n");
  const DrSpec *spec = fs__dr_spec_get (sc);
  const NicSpec *a = nic_of (spec, "VMa", 0), *b = nic_of (spec, "VMb", 0);

  cr_expect_str_eq (ip_text (&b->replica_ip), "192.168.1.100");
  cr_expect_eq (b->replica_host, b->host);
  cr_expect_eq (fs_net_spec_host_index (sc, "VMb-replica"), -1);
  cr_expect_str_eq (ip_text (&a->replica_ip), "192.168.1.101");
  expect_host (sc, "VMa-replica", "192.168.1.101", "chicago", FALSE);
  cr_expect_eq (fs_net_spec_n_hosts (sc), 1 + 3);
}

/* Seed 002: the address configured on the replica, in the Azure subnet. */
Test (dr_spec, azure_replica_takes_its_configured_address)
{
  g_autoptr (FsScenario) sc = load_ok (
    NET HOSTS ("") VMM ("")
    "network_mappings:\n  - {source: VMNetwork1-NewYork, target: AzureNet}\n"
    "vms:\n"
    "  - {name: VM5, cloud: AzureCloud,\n"
    "     nics: [{network: VMNetwork1-NewYork, ip: 192.168.1.50, replica_ip: 10.2.0.10}]}\n");
  const DrSpec *spec = fs__dr_spec_get (sc);

  cr_expect_eq (g_array_index (spec->vms, VmSpec, 0).target_site, fs_sites_spec_find (sc, "azure-east"));
  expect_host (sc, "VM5-replica", "10.2.0.10", "azure-east", FALSE);
}

Test (dr_spec, azure_replica_ip_outside_the_target_subnet)
{
  g_autofree char *msg = load_error (
    NET HOSTS ("") VMM ("")
    "network_mappings:\n  - {source: VMNetwork1-NewYork, target: AzureNet}\n"
    "vms:\n"
    "  - {name: VM5, cloud: AzureCloud,\n"
    "     nics: [{network: VMNetwork1-NewYork, ip: 192.168.1.50, replica_ip: 10.3.0.10}]}\n");

  cr_expect_str_eq (msg, "t.yaml:51:73: error: replica_ip 10.3.0.10 does not lie in subnet 'az-app' "
                    "(10.2.0.0/24) of VM subnet 'AzureNet/app', where the replica connects");
}

/* Woodgrove (seed 002): the recovery network in Azure holds the on-premises subnet, and the VM
 * keeps its address: the replica is the same host, moved at failover. */
Test (dr_spec, woodgrove_retained_address_reuses_the_host)
{
  g_autoptr (FsScenario) sc = load_ok (
    NET HOSTS ("") VMM ("    - {name: Recovery, site: azure-east, subnets: [{name: app, subnet: ny-app}]}\n")
    "network_mappings:\n  - {source: VMNetwork1-NewYork, target: Recovery}\n"
    "vms:\n"
    "  - {name: VM6, cloud: AzureCloud,\n"
    "     nics: [{network: VMNetwork1-NewYork, ip: 192.168.1.60, replica_ip: 192.168.1.60}]}\n");
  const NicSpec *nic = nic_of (fs__dr_spec_get (sc), "VM6", 0);

  cr_expect_eq (nic->replica_host, nic->host);
  cr_expect_geq (nic->host, 0);
  cr_expect_eq (fs_net_spec_host_index (sc, "VM6-replica"), -1);
}

Test (dr_spec, unmapped_network_leaves_the_replica_disconnected)
{
  g_autoptr (FsScenario) sc = load_ok (
    NET HOSTS ("") VMM ("") MAP_1
    "vms:\n"
    "  - {name: VM2, cloud: SilverCloud1,\n"
    "     nics: [{network: VMNetwork1-NewYork, ip: 192.168.1.20},\n"
    "            {network: VMNetwork2-NewYork, ip: 192.168.1.21}]}\n");
  const NicSpec *nic = nic_of (fs__dr_spec_get (sc), "VM2", 1);
  g_autofree char *w = warnings_of (sc);

  cr_expect_eq (nic->target_network, -1);
  cr_expect_eq (nic->replica_host, -1);
  cr_expect_eq (fs_net_spec_host_index (sc, "VM2-replica.nic1"), -1);
  cr_expect_str_eq (w, "t.yaml:52:23: warning: NIC 1 of the replica of 'VM2' will not be connected to "
                    "any network after failover: 'VMNetwork2-NewYork' is not mapped\n");
}

/* --- the VMM structure ------------------------------------------------------------------------------- */

Test (dr_spec, protection_cycle)
{
  g_autofree char *msg = load_error (
    NET
    "vmm:\n"
    "  servers: [{name: s, site: newyork}]\n"
    "  clouds:\n"
    "    - {name: A, server: s, protected_by: B}\n"
    "    - {name: B, server: s, protected_by: C}\n"
    "    - {name: C, server: s, protected_by: A}\n"
    "    - {name: D, server: s, protected_by: D}\n");

  cr_expect_str_eq (msg, "t.yaml:17:42: error: clouds A -> B -> C -> A protect each other in a cycle: "
                    "a protecting cloud holds the replicas, so following protected_by must end at a "
                    "cloud that is not protected\n"
                    "t.yaml:20:42: error: cloud 'D' cannot be protected by itself: its replicas would "
                    "run where its VMs do");
}

/* Seed 001: "If you're only using a single VMM server, you can configure mapping between VM
 * networks on the same server". */
Test (dr_spec, one_server_may_hold_both_clouds)
{
  g_autoptr (FsScenario) sc = load_ok (
    NET
    "vmm:\n"
    "  servers: [{name: s, site: newyork}]\n"
    "  logical_networks: [{name: ln, server: s}]\n"
    "  vm_networks:\n"
    "    - {name: n1, logical_network: ln, subnets: [{name: app, subnet: ny-app}]}\n"
    "    - {name: n2, logical_network: ln,\n"
    "       subnets: [{name: app, subnet: ny-db, pool: 192.168.2.10-192.168.2.20}]}\n"
    "  clouds:\n"
    "    - {name: A, server: s, logical_networks: [ln], protected_by: B}\n"
    "    - {name: B, server: s, logical_networks: [ln]}\n"
    "network_mappings: [{source: n1, target: n2}]\n"
    "vms: [{name: v, cloud: A, nics: [{network: n1, ip: 192.168.1.5}]}]\n");

  expect_host (sc, "v-replica", "192.168.2.10", "newyork", FALSE);
}

/* --- Azure rules (seeds 002 and 004) ----------------------------------------------------------------- */

#define AZ(links, more) \
  "name: azure rules\n" \
  "sites: [{name: onprem}, {name: east, kind: cloud-region}, {name: west, kind: cloud-region}]\n" \
  "routers: [{name: r-onprem, site: onprem}, {name: r-east, site: east}, {name: r-west, site: west}]\n" \
  "links:\n" links \
  "subnets:\n" \
  "  - {name: dc, prefix: 10.0.0.0/16, site: onprem}\n" \
  "  - {name: vnet, prefix: 10.1.0.0/16, site: east}\n" \
  "vmm:\n" \
  "  vm_networks:\n" \
  "    - {name: East, site: east, subnets: [{name: app, subnet: vnet}]}\n" \
  "    - {name: West, site: west, subnets: [{name: app, subnet: vnet}]}\n" \
  "network_mappings: [{source: East, target: West}]\n" \
  "vms: [{name: vm, site: east, nics: [{network: East, ip: 10.1.0.10, replica_ip: 10.1.0.10}]}]\n" \
  more

#define ER_EAST "  - {name: er-east, between: [r-onprem, r-east], kind: expressroute, circuit: er1}\n"

/* Azure to Azure with the same ranges (seed 004): the replica keeps its address in West. */
Test (dr_spec, azure_vm_keeps_its_address_in_the_other_region)
{
  g_autoptr (FsScenario) sc = load_ok (AZ (ER_EAST, ""));
  const NicSpec *nic = nic_of (fs__dr_spec_get (sc), "vm", 0);

  cr_expect_eq (nic->replica_host, nic->host);
  cr_expect_eq (g_array_index (fs__dr_spec_get (sc)->vms, VmSpec, 0).target_site,
                fs_sites_spec_find (sc, "west"));
  cr_expect (fs__dr_vnet_ranges_overlap (sc, fs_sites_spec_find (sc, "east"),
                                         fs_sites_spec_find (sc, "west"), NULL, NULL));
  cr_expect (!fs__dr_vnet_ranges_overlap (sc, fs_sites_spec_find (sc, "east"),
                                          fs_sites_spec_find (sc, "onprem"), NULL, NULL));
}

Test (dr_spec, local_network_may_not_overlap_the_virtual_network)
{
  g_autofree char *msg = load_error (AZ (
    "  - {name: vpn, between: [r-onprem, r-east], kind: vpn, local_networks: [10.0.0.0/16, 10.1.5.0/24]}\n",
    ""));
  g_autoptr (FsScenario) ok = load_ok (AZ (
    "  - {name: vpn, between: [r-onprem, r-east], kind: vpn, local_networks: [10.0.0.0/16]}\n", ""));

  cr_expect_str_eq (msg, "t.yaml:5:87: error: local network 10.1.5.0/24 of link 'vpn' overlaps subnet "
                    "'vnet' (10.1.0.0/16) of the virtual network in 'east': you can't add a "
                    "local-network 10.1.5.0/24 in the Azure network, because Azure doesn't support "
                    "stretched subnets");
  cr_expect_eq (fs_net_spec_link_n_local_networks (ok, 0), 1);
}

/* Seed 004: one circuit cannot connect the East and West virtual networks, which share
 * 10.1.0.0/16, at once; West's connection must start down, and then routing starts without it. */
Test (dr_spec, expressroute_to_two_networks_with_the_same_ranges)
{
  g_autofree char *msg = load_error (AZ (
    ER_EAST "  - {name: er-west, between: [r-onprem, r-west], kind: expressroute, circuit: er1}\n", ""));
  g_autoptr (FsScenario) sc = load_ok (AZ (
    ER_EAST "  - {name: er-west, between: [r-onprem, r-west], kind: expressroute, circuit: er1,\n"
    "     state: down}\n", ""));
  g_autoptr (GError) error = NULL;
  g_autoptr (FsSim) sim = NULL;
  FsNet *net;

  cr_expect_str_eq (msg, "t.yaml:6:5: error: links 'er-east' and 'er-west' of ExpressRoute circuit "
                    "'er1' are both up, but the virtual networks in 'east' and 'west' both hold "
                    "10.1.0.0/16: a circuit cannot connect two virtual networks with the same ranges "
                    "at once, so the target region's connection starts with state: down");
  cr_expect_str_eq (fs_net_spec_link_circuit (sc, 1), "er1");
  cr_expect (!fs_net_spec_link_starts_up (sc, 1));
  sim = fs_sim_new (sc, 1, 0, &error);
  cr_assert_not_null (sim, "%s", error ? error->message : "");
  net = fs_net_from_model (fs_sim_model (sim, "net"));
  cr_expect (!fs_net_link_is_connected (net, 1));
  cr_expect (!fs_net_link_is_alive (net, 1));
  cr_expect_eq (fs_net_next_hop (net, fs_net_router_index (net, "r-west"), 0), -1);
  fs_net_set_link_connected (net, 0, FALSE);
  fs_net_set_link_connected (net, 1, TRUE);
  cr_expect (fs_net_link_is_alive (net, 1));
  cr_expect (!fs_net_link_is_alive (net, 0));
  cr_expect_str_eq (fs_net_link_circuit (net, 1), "er1");
}

Test (dr_spec, forced_tunneling_warns_unless_user_defined_routes)
{
  g_autoptr (FsScenario) warned = load_ok (AZ (ER_EAST,
    "static_routes: [{router: r-east, prefix: 0.0.0.0/0, via: r-onprem}]\n"));
  g_autoptr (FsScenario) quiet = load_ok (AZ (ER_EAST,
    "static_routes: [{router: r-east, prefix: 0.0.0.0/0, via: r-onprem}]\n"
    "replication: [{site: east, udr: true}]\n"));
  g_autofree char *w = warnings_of (warned);

  cr_expect_str_eq (w, "t.yaml:15:17: warning: static route 0.0.0.0/0 at 'r-east' forces Internet-bound "
                    "traffic to 'r-onprem' in 'onprem' (forced tunneling): Site Recovery's replication "
                    "traffic would leave the Azure boundary unless user-defined routes keep it in "
                    "(replication: udr: true for 'east')\n");
  cr_expect_eq (fs_scenario_warnings (quiet)->len, 0);
}

Test (dr_spec, authenticated_proxy_and_outbound_rules)
{
  g_autofree char *proxy = load_error (AZ (ER_EAST, "replication: [{site: east, proxy: authenticated}]\n"));
  g_autofree char *rules = load_error (AZ (ER_EAST,
    "replication: [{site: east, outbound: [storage, login, service-bus]}]\n"));
  g_autoptr (FsScenario) ok = load_ok (AZ (ER_EAST,
    "replication: [{site: east, proxy: unauthenticated, outbound: [storage, login, recovery-service,\n"
    "                                                              service-bus]}]\n"));

  cr_expect_str_eq (proxy, "t.yaml:15:35: error: replication of 'vm' from 'east' cannot be enabled "
                    "through an authenticated proxy: using an authenticated proxy to control network "
                    "connectivity isn't supported by Site Recovery");
  cr_expect_str_eq (rules, "t.yaml:15:38: error: outbound rules at 'east' lack recovery-service: "
                    "replication needs *.hypervrecoverymanager.* for Site Recovery service "
                    "communication");
}

/* --- names and limits ------------------------------------------------------------------------------ */

Test (dr_spec, vm_name_taken_by_a_declared_host)
{
  g_autofree char *msg = load_error (
    NET HOSTS ("  - {name: VM1-replica, ip: 172.16.2.9}\n") VMM ("") MAP_1
    "vms: [{name: VM1, cloud: GoldCloud1, nics: [{network: VMNetwork1-NewYork, ip: 192.168.1.10}]}]\n");

  cr_expect_str_eq (msg, "t.yaml:50:14: error: VM 'VM1' needs a host named 'VM1-replica' for its "
                    "replica's NIC 0, but host 'VM1-replica' already exists: a VM's NICs are hosts "
                    "named after it");
}

Test (dr_spec, too_many_nics)
{
  GString *yaml = g_string_new (NET HOSTS ("") VMM ("") MAP_1
                                "vms: [{name: VM1, cloud: GoldCloud1, nics: [");
  g_autofree char *msg = NULL;
  guint i;

  for (i = 0; i < 65; i++)
    g_string_append_printf (yaml, "%s{network: VMNetwork1-NewYork, ip: 192.168.1.%u}", i ? ", " : "",
                            i + 1);
  g_string_append (yaml, "]}]\n");
  msg = load_error (yaml->str);
  g_string_free (yaml, TRUE);
  cr_expect_str_eq (msg, "t.yaml:49:44: error: 65 NICs is more than failsim accepts (64)");
}
