/* estimate.h: how much memory one simulation of a scenario needs, reckoned from the scenario's
 * sizes before anything is built (the resource guard of run, compare and sweep). The formula and
 * its constants: docs/performance.md, "Memory estimate". */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "failsim/scenario.h"

G_BEGIN_DECLS

typedef struct FsMemoryEstimate {
  uint64_t clients;          /* the sum of every population's count */
  uint64_t resolvers;
  uint64_t names;            /* DNS names: records, services' names, timeline dns.update names */
  uint64_t server_names;     /* (server of a zone, record of that zone) pairs */
  uint64_t routers;
  uint64_t prefixes;         /* subnets and static routes */
  uint64_t hosts;
  uint64_t other;            /* sites, links, timeline entries, VMs, VLANs, flows ... */
  uint64_t bytes;            /* the estimate */
} FsMemoryEstimate;

/* Bytes per unit of the estimate. */
#define FS_ESTIMATE_BASE            (16u << 20)   /* the program, its libraries, the scenario */
#define FS_ESTIMATE_PER_CLIENT      320u    /* 152 bytes of state and event, arrays grown by doubling */
#define FS_ESTIMATE_PER_CACHE_ENTRY 144u    /* a resolver's cache: 48 bytes x 3 types per name */
#define FS_ESTIMATE_PER_SERVER_NAME 72u     /* a server's copy: 24 bytes x 3 types per name */
#define FS_ESTIMATE_PER_ROUTE       512u    /* a router's routes to one prefix: RIB and FIB */
#define FS_ESTIMATE_PER_HOST        512u
#define FS_ESTIMATE_PER_OTHER       1024u

/* Fills @e from @sc's sizes (after --set overrides). */
void fs_scenario_estimate_memory (const FsScenario *sc, FsMemoryEstimate *e);

/* Physical memory, bytes (sysconf), or 0 if unknown. */
uint64_t fs_physical_memory (void);

/* Reads SIZE: a whole number of bytes with an optional K, M, G or T (powers of 1024, an optional
 * "B" or "iB" after), as 512M or 2G. FALSE with @error set on anything else or 0. */
gboolean fs_parse_size (const char *text, uint64_t *bytes, GError **error);

/* "1.5 GiB", "512 MiB", "10 KiB", "100 B": a new string. */
char *fs_format_size (uint64_t bytes);

G_END_DECLS
