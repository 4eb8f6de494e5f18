/* output.h: the only writer of result files: summary.json, the CSV tables, the text summary.
 *
 * Every file is written whole or not at all (a temporary file renamed over the target), so a
 * crash or Ctrl-C never leaves half a result. Output depends only on the scenario, the seed
 * and the options, never on the clock or the machine: the same run gives the same bytes. */
#pragma once

#include <glib.h>

#include "failsim/experiment.h"
#include "failsim/sim.h"

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

/* Writes outages.csv, notices.csv, when the run has services clients.csv and recovery.csv, and
 * last summary.json into @dir (created if needed). */
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

/* JUnit XML: one <testsuite> named @suite, one <testcase> per result, a <failure message=...>
 * in each that failed. No timestamps: the same results give the same bytes. */
char *fs_output_junit (const char *suite, const FsAssertionResult *results, guint n);

G_END_DECLS
