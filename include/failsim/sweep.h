/* sweep.h: a parameter sweep: the Cartesian product of --set values, R replications of each
 * configuration with common random numbers, run on a thread pool.
 *
 * A parameter is a --set path and a list of values ("zones.0.records.0.ttl" with 10s, 20s,
 * 40s ...), written as a comma list whose items are single values or ranges: "A..B*F" (A, A F,
 * A F^2 ... while not above B) and "A..B+S" (A, A + S, A + 2S ... while not above B), on
 * durations ("10s..640s*2", "30s..5m+30s") or plain numbers ("1..10+3", "0.1..0.5+0.1").
 *
 * Configuration c is one value of each parameter, the first parameter varying slowest; run
 * c R + r is replication r of configuration c, seeded (seed, r) whatever c is, so replication r
 * of every configuration draws the same random numbers for what they share (experiment.h).
 * Every configuration is loaded from the one copy of the scenario file's text read when the
 * sweep is made, so editing the file during a sweep cannot mix two versions of it. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "failsim/estimate.h"
#include "failsim/experiment.h"
#include "failsim/scenario.h"
#include "failsim/time.h"

G_BEGIN_DECLS

#define FS_SWEEP_ERROR (fs_sweep_error_quark ())
GQuark fs_sweep_error_quark (void);

typedef enum {
  FS_SWEEP_ERROR_PARAM,     /* a --param that cannot be read, or a bad range */
  FS_SWEEP_ERROR_SIZE,      /* more runs than FS_SWEEP_MAX_RUNS */
  FS_SWEEP_ERROR_CONFIG,    /* a configuration whose scenario does not load */
  FS_SWEEP_ERROR_BUILD,     /* a run whose sim could not be built */
  FS_SWEEP_ERROR_JOURNAL,   /* a sweep directory whose runs/ cannot be read or reused */
  FS_SWEEP_ERROR_MISMATCH,  /* --resume in a directory that holds a different sweep */
} FsSweepError;

/* The most runs (configurations x replications) one sweep may have: a guard against a range
 * typed wrong ("1..100000+1" for "1..100000*10") filling a disk with journal files. */
#define FS_SWEEP_MAX_RUNS 100000

/* --- parameters ---------------------------------------------------------------------------- */

typedef struct {
  char *key;            /* the --set path */
  GPtrArray *values;    /* char *, the texts given to --set, in order */
  gboolean durations;   /* every value is a duration (and one has a unit): seconds[] is set */
  double *seconds;      /* [values->len] when durations, for plotting; else NULL */
} FsSweepParam;

/* Reads a value list: items separated by commas (those inside parentheses excepted, so a
 * distribution such as "lognormal(90s, 30s)" is one item), each a single value (taken as
 * written, blanks around it dropped) or a range "A..B*F" or "A..B+S" (see above), expanded. Range values are written canonically:
 * durations as fs_time_format() writes them ("1m20s"), numbers in decimal with the decimals of
 * the range's terms ("0.3"). Fails (FS_SWEEP_ERROR_PARAM) on an empty item, a range whose ends
 * are not both durations or both numbers, a step that does not make it grow (F <= 1, S <= 0, a
 * start of 0 with *), B below A, a value given twice, or more than FS_SWEEP_MAX_RUNS values.
 * Returns a new array of strings. */
GPtrArray *fs_sweep_values_parse (const char *text, GError **error);

/* Reads "KEY=VALUES" (values as fs_sweep_values_parse() reads them). */
FsSweepParam *fs_sweep_param_parse (const char *spec, GError **error);
void fs_sweep_param_free (FsSweepParam *p);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsSweepParam, fs_sweep_param_free)

/* --- sweeps -------------------------------------------------------------------------------- */

typedef struct FsSweep FsSweep;

typedef struct {
  uint64_t seed;
  guint reps;           /* >= 1 */
  FsTime until;         /* the horizon of every run; -1: each configuration's duration: */
} FsSweepOptions;

/* A sweep of @base (a loaded scenario with the common --set overrides; borrowed, must outlive
 * the sweep) over @params (FsSweepParam *; taken). Reads @base's file once more (its sha256 must
 * still match), refuses a parameter named twice and more than FS_SWEEP_MAX_RUNS runs
 * (FS_SWEEP_ERROR_SIZE), then loads and checks every configuration once, so that a value that
 * does not fit is reported before anything runs (FS_SWEEP_ERROR_CONFIG, with the scenario's
 * messages after "configuration N (KEY=VALUE ...):"). */
FsSweep *fs_sweep_new (const FsScenario *base, GPtrArray *params, const FsSweepOptions *opt,
                       GError **error);
void fs_sweep_free (FsSweep *sw);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsSweep, fs_sweep_free)

const FsScenario *fs_sweep_base (const FsSweep *sw);
const FsSweepOptions *fs_sweep_options (const FsSweep *sw);
guint fs_sweep_n_params (const FsSweep *sw);
const FsSweepParam *fs_sweep_param (const FsSweep *sw, guint p);
guint fs_sweep_n_configs (const FsSweep *sw);
guint64 fs_sweep_n_runs (const FsSweep *sw);             /* configurations x replications */

/* The value index of parameter @p in configuration @c. */
guint fs_sweep_config_value (const FsSweep *sw, guint c, guint p);
/* "KEY=VALUE KEY=VALUE": configuration @c for messages. Newly allocated. */
char *fs_sweep_config_label (const FsSweep *sw, guint c);
/* The horizon of configuration @c's runs. */
FsTime fs_sweep_config_horizon (const FsSweep *sw, guint c);
/* The memory one run of configuration @c needs (estimate.h), reckoned when the sweep checked
 * it: a parameter such as clients.desktops.count=1000..1000000*10 changes it. */
const FsMemoryEstimate *fs_sweep_config_estimate (const FsSweep *sw, guint c);

/* Loads configuration @c: the base file's text with the common overrides, then one
 * "KEY=VALUE" per parameter. The scenario's path is the base's. */
FsScenario *fs_sweep_config_load (const FsSweep *sw, guint c, GError **error);

/* --- running ------------------------------------------------------------------------------- */

/* Called in the thread that called fs_sweep_run() for each finished run, in the order they
 * finish; takes @set (its per-client downtimes already dropped). */
typedef void (*FsSweepDoneFunc) (guint64 run, FsMetricSet *set, gpointer user_data);
/* Called in that thread at least every 100 ms while runs are under way, and after each run
 * that finishes. Returning FALSE stops the starting of new runs; the ones under way finish and
 * are reported. */
typedef gboolean (*FsSweepTickFunc) (gpointer user_data);

/* Runs @runs[0 .. @n) (indices c R + r; in increasing order, so that few configurations are
 * loaded at once) on @jobs threads (at least one, besides the calling thread, which loads the
 * configurations and calls @done and @tick). Returns TRUE once every run has finished or @tick
 * has asked to stop and the runs under way have finished. Fails (FS_SWEEP_ERROR_BUILD or
 * _CONFIG) when a run cannot be built; runs are then no longer started, and the ones already
 * under way still reach @done. */
gboolean fs_sweep_run (const FsSweep *sw, const guint64 *runs, gsize n, guint jobs,
                       FsSweepDoneFunc done, FsSweepTickFunc tick, gpointer user_data,
                       GError **error);

/* The experiments of the finished sweep: one per configuration, over the @sets (one per run, in
 * run order, none NULL; taken), without pooled quantiles (the sets have no per-client data).
 * Returns a new array of FsExperiment *. */
GPtrArray *fs_sweep_experiments (const FsSweep *sw, GPtrArray *sets);

G_END_DECLS
