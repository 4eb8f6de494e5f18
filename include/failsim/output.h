/* output.h: the only writer of result files: summary.json, the CSV tables, the text summary.
 *
 * Every file is written whole or not at all (a temporary file renamed over the target), so a
 * crash or Ctrl-C never leaves half a result. Output depends only on the scenario, the seed
 * and the options, never on the clock or the machine: the same run gives the same bytes. */
#pragma once

#include <glib.h>

#include "failsim/experiment.h"
#include "failsim/sim.h"
#include "failsim/sweep.h"

G_BEGIN_DECLS

#define FS_OUTPUT_FORMAT_VERSION 1   /* bumped when a field of summary.json changes meaning */

typedef struct {
  uint64_t seed;
  uint64_t replication;
  FsTime horizon;          /* what the run was asked to reach */
  FsRunStatus status;      /* how it ended */
} FsRunInfo;

/* Writes @len bytes (-1: a C string) to @path atomically, mode 0644. */
gboolean fs_output_write_file (const char *path, const char *data, gssize len, GError **error);

/* Appends @field to a CSV row as RFC 4180 wants (quoted when it holds a comma, quote or line
 * break) and defused for spreadsheets: text starting with = + - @ or a tab is prefixed with a
 * single quote, so a name from a shared scenario cannot run as a formula. */
void fs_output_csv_field (GString *row, const char *field);

/* summary.json of a finished sim, as text (pretty, stable key order). Free with g_free(). */
char *fs_output_summary_json (FsSim *sim, const FsRunInfo *info);

/* The human summary `failsim run` prints. Free with g_free(). */
char *fs_output_summary_text (FsSim *sim, const FsRunInfo *info);

/* topology.json of a sim: the estate as the scenario declares it (not as the run left it):
 * sites (name, kind), routers (name, site), links (name, between, kind, latency, latency_s,
 * circuit, starts_up), subnets (name, prefix, site), vlans (name, id, subnet, sites, stretched,
 * interconnects) and hosts (name, ip, subnet, site, running at the start), each in declaration
 * order; a missing reference is null. Free with g_free(). */
char *fs_output_topology_json (FsSim *sim);

/* The text of the result file @name ("summary.json", "topology.json", "outages.csv",
 * "notices.csv", "clients.csv", "recovery.csv") of a finished sim, exactly as
 * fs_output_write_run() writes it; NULL for a file this run does not have (clients.csv without
 * services) or a name that is none of those. Free with g_free(). */
char *fs_output_run_file (FsSim *sim, const FsRunInfo *info, const char *name);

/* Writes outages.csv, notices.csv, when the run has services clients.csv and recovery.csv,
 * topology.json, and last summary.json into @dir (created if needed). */
gboolean fs_output_write_run (const char *dir, FsSim *sim, const FsRunInfo *info, GError **error);

/* --- experiments (experiment.h) ------------------------------------------------------------ */

/* experiment.json: the scenario (file, sha256, overrides), seed, replications and horizon, and
 * per metric its unit, n, mean, sd, ci95_low, ci95_high, min and max (null where there is
 * none), and the pooled downtime quantiles per service. Never the number of jobs. */
char *fs_output_experiment_json (const FsExperiment *e);

/* replications.csv: replication,metric,value; one row per replication and metric it measured,
 * numbers in the shortest text that reads back exactly. */
char *fs_output_replications_csv (const FsExperiment *e);

/* The table `failsim run --reps` prints. */
char *fs_output_experiment_text (const FsExperiment *e);

/* Writes replications.csv, then experiment.json, into @dir (created if needed). */
gboolean fs_output_write_experiment (const char *dir, const FsExperiment *e, GError **error);

/* One variant of a comparison: a name and its experiment. The first is the baseline every
 * other is compared with; all share seed and replications. */
typedef struct {
  const char *name;
  const FsExperiment *experiment;
} FsVariant;

/* The one-line verdict on @d = @b - @a: "ttl30 is lower than ttl300 by 1m12s (95% CI
 * 58s..1m26s): significant", "no significant difference (...)", "no difference: ...". */
char *fs_output_compare_verdict (const FsVariant *a, const FsVariant *b, const FsDifference *d);

/* The side-by-side table, the pooled quantiles and the verdicts `failsim compare` prints, over
 * the metrics measured in every variant. */
char *fs_output_compare_text (const FsVariant *v, guint n);

/* compare.csv: metric,unit,variant,n,mean,sd,ci95_low,ci95_high,min,max,diff_n,diff_mean,
 * diff_sd,diff_ci95_low,diff_ci95_high,significant; one row per metric and variant, the diff_
 * columns (the paired difference to the first variant) empty on the first variant's rows. */
char *fs_output_compare_csv (const FsVariant *v, guint n);

/* compare.json: the variants with their scenarios, and per metric each variant's summary and
 * each later variant's paired difference to the first (with the unpaired Welch half-width beside
 * it, and the verdict); the pooled quantiles per variant. */
char *fs_output_compare_json (const FsVariant *v, guint n);

/* Writes compare.csv, then compare.json, into @dir (created if needed). */
gboolean fs_output_write_compare (const char *dir, const FsVariant *v, guint n, GError **error);

/* --- sweeps (sweep.h) ---------------------------------------------------------------------- */

/* A sweep's identity: what must be the same for a run written by one process to belong to the
 * sweep another is finishing: the failsim version, the scenario file's sha256, the seed, the
 * replications, --until, the --set overrides and every parameter's key and values (expanded).
 * JSON text, as DIR/runs/identity.json holds it. Never the number of jobs or ranks. */
char *fs_output_sweep_identity_json (const FsSweep *sw);
/* The sha256 of that text: the "sweep" member of every run file. Newly allocated. */
char *fs_output_sweep_id (const FsSweep *sw);

/* Prepares DIR/runs/ for @sw. A directory without a sweep gets runs/identity.json. One that
 * holds a sweep is refused unless @resume (FS_SWEEP_ERROR_JOURNAL: "add --resume"), and with
 * @resume it must be this sweep (FS_SWEEP_ERROR_MISMATCH, saying what differs). Other failures
 * are file errors (G_FILE_ERROR). */
gboolean fs_output_sweep_journal_open (const char *dir, const FsSweep *sw, gboolean resume,
                                       GError **error);

/* The journal file of run @run (configuration run / R, replication run % R): the sweep's @id,
 * the configuration, the replication, its parameter values, and its metrics in order (name,
 * unit, value: null for NaN). Newly allocated. */
char *fs_output_sweep_run_json (const FsSweep *sw, const char *id, guint64 run,
                                const FsMetricSet *set);

/* Writes @json (from fs_output_sweep_run_json()) as DIR/runs/cCCCC-rRRRR.json, atomically. */
gboolean fs_output_sweep_journal_put (const char *dir, const FsSweep *sw, guint64 run,
                                      const char *json, GError **error);

/* Reads every run file of DIR/runs/ back: an array of fs_sweep_n_runs() metric sets by run,
 * NULL for a run not (yet) done. Fails (FS_SWEEP_ERROR_JOURNAL) on a file that cannot be read or
 * belongs to another sweep (another @id, or a configuration this sweep has not). Files whose
 * names are not those of runs (temporary files a crash left) are passed over. */
GPtrArray *fs_output_sweep_journal_read (const char *dir, const FsSweep *sw, const char *id,
                                         GError **error);

/* sweep.csv: config, each parameter (and KEY_s, its value in seconds, for a parameter of
 * durations), replication, then one column per metric: configuration 0's metrics in their
 * order, then those first seen in later configurations; one row per configuration and
 * replication; a metric a run did not measure is empty. @experiments: fs_sweep_experiments(). */
char *fs_output_sweep_csv (const FsSweep *sw, const GPtrArray *experiments);

/* sweep.json: failsim, scenario (the base: name, file, sha256, the --set overrides), sweep
 * (seed, replications, configurations, runs, until, confidence, params: key, values and, for
 * durations, seconds), metrics (name: unit, the columns of sweep.csv), configurations (each:
 * config, params, horizon, horizon_ns, and per metric n, mean, sd, ci95_low, ci95_high, min,
 * max; n 0 and nulls for a metric it never measured). */
char *fs_output_sweep_json (const FsSweep *sw, const GPtrArray *experiments);

/* The table `failsim sweep` prints: a row per configuration, its values and the means of the
 * headline metrics (client downtime, authoritative DNS queries) with their intervals. */
char *fs_output_sweep_text (const FsSweep *sw, const GPtrArray *experiments);

/* Writes sweep.csv, then sweep.json, into @dir. */
gboolean fs_output_write_sweep (const char *dir, const FsSweep *sw, const GPtrArray *experiments,
                                GError **error);

/* JUnit XML: one <testsuite> named @suite, one <testcase> per result, a <failure message=...>
 * in each that failed. No timestamps: the same results give the same bytes. */
char *fs_output_junit (const char *suite, const FsAssertionResult *results, guint n);

G_END_DECLS
