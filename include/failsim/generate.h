/* generate.h: a large synthetic estate as scenario text, for `failsim generate` and the scale
 * benchmark. */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

typedef struct {
  guint sites;       /* at least 3: a primary datacenter, a recovery datacenter, the rest branches */
  guint vms;         /* at least 1; each has a stopped replica at the recovery site */
  guint resolvers;   /* at least 1, spread over the branches */
  guint clients;     /* at least 1, spread over the branches and services */
  uint64_t seed;     /* the scenario's seed:, and the draw of link latencies */
} FsGenerateOptions;

/* The limits fs_generate_scenario() accepts. */
#define FS_GENERATE_MAX_SITES 16000
#define FS_GENERATE_MAX_VMS 800000
#define FS_GENERATE_MAX_RESOLVERS_PER_BRANCH 200
#define FS_GENERATE_MAX_CLIENTS 10000000

/* The scenario text (YAML) of the estate @opt describes, or NULL with @error set when a count is
 * out of range. Deterministic: the same options give the same bytes. */
char *fs_generate_scenario (const FsGenerateOptions *opt, GError **error);

G_END_DECLS
