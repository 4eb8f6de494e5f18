/* experiment.h: replications of a scenario, the statistics over them, paired comparisons of
 * variants with common random numbers, and assertions on the results.
 *
 * A finished run is reduced to a metric set: a flat, ordered list of named numbers
 * ("app.downtime.p95", "outage.site.primary"). An experiment runs R replications of one loaded
 * scenario (replication k seeded (seed, first + k), each in its own FsSim, on as many threads as
 * asked) and summarises each metric over them: mean, sample standard deviation, a 95%
 * confidence interval from Student's t, minimum and maximum. Client downtime is also pooled over
 * the affected clients of every replication, for quantiles of the whole distribution.
 *
 * Two experiments of different variants (two files, or one file with different --set values)
 * with the same seed and replications use common random numbers: replication k of each draws
 * the same numbers from every named stream and the same counter-based client draws, so the
 * difference between them, taken replication by replication, is not drowned in noise.
 * docs/experiments.md says what that covers and what it does not. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "failsim/scenario.h"
#include "failsim/sim.h"
#include "failsim/time.h"

G_BEGIN_DECLS

#define FS_EXPERIMENT_ERROR (fs_experiment_error_quark ())
GQuark fs_experiment_error_quark (void);

typedef enum {
  FS_EXPERIMENT_ERROR_BUILD,       /* a replication's sim could not be built */
  FS_EXPERIMENT_ERROR_ASSERTION,   /* an assertion that cannot be read */
  FS_EXPERIMENT_ERROR_MISMATCH,    /* experiments that cannot be paired */
  FS_EXPERIMENT_ERROR_STOPPED,     /* the stop flag was up before any replication started */
} FsExperimentError;

/* What a metric's number is, for printing and for assertions. */
typedef enum {
  FS_METRIC_SECONDS,   /* a duration in seconds: printed as a duration (5m29.502s) */
  FS_METRIC_COUNT,     /* a whole number of things: clients, queries, sites */
  FS_METRIC_NUMBER,    /* any other number (host-seconds) */
} FsMetricUnit;

const char *fs_metric_unit_name (FsMetricUnit unit);   /* "s", "count", "number" */

/* --- metric sets: one run reduced to named numbers ------------------------------------------ */

typedef struct FsMetricSet FsMetricSet;

typedef struct {
  const char *name;    /* owned by the set */
  FsMetricUnit unit;
  double value;
} FsMetric;

FsMetricSet *fs_metric_set_new (void);
void fs_metric_set_free (FsMetricSet *set);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsMetricSet, fs_metric_set_free)

/* Appends a metric. A name already in the set keeps its first value (a service named so that
 * one of its names equals another metric's cannot shadow it). Copies @name. */
void fs_metric_set_add (FsMetricSet *set, const char *name, FsMetricUnit unit, double value);

/* Records the downtime (ns) of one affected client of service @service, for pooled quantiles.
 * Every service should be declared once with fs_metric_set_add_service() first. */
void fs_metric_set_add_service (FsMetricSet *set, const char *service);
void fs_metric_set_add_downtime (FsMetricSet *set, const char *service, FsTime downtime);

guint fs_metric_set_len (const FsMetricSet *set);
const FsMetric *fs_metric_set_get (const FsMetricSet *set, guint i);
const FsMetric *fs_metric_set_find (const FsMetricSet *set, const char *name);   /* or NULL */

/* The metrics of a finished sim (after fs_sim_finish()), in this order (seconds unless said):
 *   for each service S, in declaration order:
 *     S.downtime.mean .p50 .p95 .p99 .max   over the affected clients; absent when none
 *     S.client_seconds_lost                 the sum of the clients' downtime (a number)
 *     S.affected, S.failed_requests         counts
 *     S.window                              first failed request to last recovery (to the end
 *                                           of the run while a client is still down); absent
 *                                           when nothing failed
 *     S.down_at_end                         clients still failing at the end (count)
 *   the same without "S." when the scenario has exactly one service (downtime.p95)
 *   dns.authoritative_queries, dns.peak_qps queries to every zone server (sum) and the highest
 *                                           per-second load of one server (max); counts
 *   fault_spread.sites .hosts .links .vlans distinct entities a broadcast storm reached during
 *                                           the run (counts), .host_seconds (hosts x seconds
 *                                           unusable), .requests_failed (client requests the
 *                                           storms broke); present when the scenario has VLANs
 *                                           (zero in a run without a storm)
 *   M and M.max for every duration measure M_ns with a count (routing.convergence: the mean
 *                                           and the longest)
 *   outage.<entity>.<name>                  total downtime of every outage subject
 *                                           (outage.site.primary)
 *   dr.<plan>.failover                      the plan's last failover's duration, when it ran
 * and, per service, the downtime of every affected client (for pooled quantiles). */
FsMetricSet *fs_metric_set_from_sim (FsSim *sim);

/* --- statistics ---------------------------------------------------------------------------- */

typedef struct {
  const char *name;
  FsMetricUnit unit;
  guint n;                  /* replications in which the metric was present */
  double mean;
  double sd;                /* sample standard deviation (n - 1); NaN when n < 2 */
  double ci95_half;         /* t(0.975, n - 1) sd / sqrt(n); NaN when n < 2 */
  double min, max;
} FsSummary;

/* Summarises @n values: mean, sample sd, the 95% CI half-width with Student's t quantile for
 * n - 1 degrees of freedom (gsl_cdf_tdist_Pinv), min and max. @n may be 0 (all NaN) or 1 (no
 * sd, no interval). Sums run in the order given, so the same values give the same bits. */
void fs_summary_compute (FsSummary *s, const double *x, guint n);

/* t(0.975, @df): the two-sided 95% quantile of Student's t. */
double fs_stats_t975 (guint df);

/* --- experiments --------------------------------------------------------------------------- */

typedef struct FsExperiment FsExperiment;

typedef struct {
  uint64_t seed;
  uint64_t first_replication;   /* replications first, first + 1, ... first + reps - 1 */
  guint reps;                   /* >= 1 */
  guint jobs;                   /* threads; 0 or 1 runs them in the calling thread */
  FsTime horizon;               /* what each run is asked to reach */
  /* NULL, or a flag read with g_atomic_int_get() (a signal handler may set it): once it is
   * non-zero no further replication starts; those under way finish. */
  const gint *stop;
} FsExperimentOptions;

/* Pooled downtime quantiles of one service: every affected client of every replication. */
typedef struct {
  const char *service;
  guint64 clients;              /* affected clients pooled (over all replications) */
  FsTime p50, p95, p99;         /* ns, as clients.h computes them; -1 when clients is 0 */
} FsPooled;

/* Runs @opt->reps replications of @sc, each in its own sim built from @sc (which is only read,
 * from every thread at once), and summarises them. The result is the same, bit for bit, for any
 * number of jobs. Fails (FS_EXPERIMENT_ERROR_BUILD) if a replication cannot be built; the error
 * is that of the lowest such replication. @sc must outlive the experiment.
 *
 * When @opt->stop goes up, replications are no longer started and the ones under way finish.
 * Replications start in order, so those finished are always the first m, and the experiment
 * returned is theirs: the one --reps m gives (fs_experiment_n_reps() says m). It fails with
 * FS_EXPERIMENT_ERROR_STOPPED when none had started. */
FsExperiment *fs_experiment_run (const FsScenario *sc, const FsExperimentOptions *opt,
                                 GError **error);

/* An experiment over given metric sets, one per replication in order (for R = 1 runs and for
 * tests); takes ownership of the sets and of @sets. @sc may be NULL. */
FsExperiment *fs_experiment_new_from_sets (const FsScenario *sc, const FsExperimentOptions *opt,
                                           GPtrArray *sets);

void fs_experiment_free (FsExperiment *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsExperiment, fs_experiment_free)

const FsScenario *fs_experiment_scenario (const FsExperiment *e);   /* may be NULL */
const FsExperimentOptions *fs_experiment_options (const FsExperiment *e);
guint fs_experiment_n_reps (const FsExperiment *e);
const FsMetricSet *fs_experiment_replication (const FsExperiment *e, guint k);

/* The metrics seen in any replication, in the order of the metric sets (a metric missing from
 * the first replications is placed after the one it follows where it appears). */
guint fs_experiment_n_metrics (const FsExperiment *e);
const FsSummary *fs_experiment_metric (const FsExperiment *e, guint i);
const FsSummary *fs_experiment_find (const FsExperiment *e, const char *name);   /* or NULL */

/* Services in the order of the metric sets. */
guint fs_experiment_n_pooled (const FsExperiment *e);
const FsPooled *fs_experiment_pooled (const FsExperiment *e, guint i);

/* The pooled quantile named "S.pooled.p50" (.p95, .p99), or "pooled.p50" when the experiment
 * has one service: its value in seconds. FALSE when there is no such name or no affected
 * client to pool. */
gboolean fs_experiment_find_pooled (const FsExperiment *e, const char *name, double *seconds);

/* --- paired differences -------------------------------------------------------------------- */

typedef struct {
  FsSummary diff;               /* of b_k - a_k over the replications where both have it */
  double welch_ci95_half;       /* the unpaired (Welch) half-width, for comparison; NaN if none */
  gboolean significant;         /* the 95% CI excludes 0 (needs n >= 2) */
  gboolean identical;           /* b_k == a_k in every paired replication */
} FsDifference;

/* The difference @b - @a of metric @name, replication by replication. FALSE when @a and @b were
 * not run with the same seed and replications (then no pairing is meaningful) or the metric is
 * in neither. */
gboolean fs_experiment_difference (const FsExperiment *a, const FsExperiment *b, const char *name,
                                   FsDifference *out);

/* --- assertions ---------------------------------------------------------------------------- */

typedef enum { FS_OP_LT, FS_OP_LE, FS_OP_GT, FS_OP_GE, FS_OP_EQ, FS_OP_NE } FsCompareOp;

typedef struct {
  char *text;          /* as written, trimmed */
  char *variant;       /* "ttl30" of "ttl30:downtime.p95 < 5m", or NULL */
  char *metric;        /* "downtime.p95" (with a .ci_low / .ci_high suffix if written) */
  FsCompareOp op;
  double value;        /* seconds when is_duration */
  gboolean is_duration;
} FsAssertion;

/* Reads "METRIC OP VALUE": OP one of < <= > >= == !=, VALUE a plain number or a duration (5m,
 * 300s; compared in seconds). When @variants (NULL-terminated) is given, "NAME:METRIC OP VALUE"
 * names one of them. On a malformed expression returns NULL and sets @error
 * (FS_EXPERIMENT_ERROR_ASSERTION) to a sentence saying what is wrong. */
FsAssertion *fs_assertion_parse (const char *text, const char *const *variants, GError **error);
void fs_assertion_free (FsAssertion *a);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsAssertion, fs_assertion_free)

const char *fs_compare_op_text (FsCompareOp op);

/* The outcome of one assertion, checked against one experiment. */
typedef struct {
  char *name;          /* the test's name: the expression (with its variant prefix) */
  gboolean pass;
  char *message;       /* "7m3s (mean of 20 replications), not < 5m" */
} FsAssertionResult;

/* Checks @a against @e: the metric's mean (its value when there is one replication), or the
 * bound of its 95% CI with the suffix .ci_low or .ci_high, or a pooled quantile. An exact
 * metric name wins over a suffix. A metric absent from every replication, a missing interval
 * and a duration compared with a count all fail, with a message saying so. @name is the test's
 * name. Fill @out; free with fs_assertion_result_clear(). */
void fs_assertion_check (const FsAssertion *a, const FsExperiment *e, const char *name,
                         FsAssertionResult *out);
void fs_assertion_result_clear (FsAssertionResult *r);

/* --- formatting ---------------------------------------------------------------------------- */

/* @value as people read it: a duration for seconds (rounded to the millisecond from 1 s, with a
 * '-' when negative), else the number in at most 6 significant digits ("1100", "12.5"); "-"
 * for NaN. Writes into @buf, always NUL-terminated. */
void fs_metric_format (FsMetricUnit unit, double value, char *buf, size_t size);

G_END_DECLS
