/* metrics.h: an observer that turns notices into measurements.
 *
 * It knows no model. It counts every topic, keeps a log of notices, and reads two naming
 * conventions, so a model that follows them gets figures without code here:
 * - "<entity>.down" and "<entity>.up" for the same subject open and close an outage of that
 *   subject: outages, downtime, first failure, last recovery;
 * - a topic ending in "_ns" carries a duration in its value (routing.convergence_ns): count,
 *   total, minimum, maximum.
 * Two typed collectors sit beside the notices, for what is too frequent or too structured to
 * be a notice: client requests (clients.h) and figures, the named numbers a model reports at
 * the end of a run (queries per DNS server, cache hit ratio per resolver). */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "failsim/clients.h"
#include "failsim/kernel.h"

G_BEGIN_DECLS

typedef struct FsMetrics FsMetrics;

typedef struct {
  const char *name;      /* the subject ("primary"), owned by the metrics */
  uint32_t outages;      /* down transitions seen */
  FsTime downtime;       /* total time down, ns (open outages closed at finish) */
  FsTime first_down;     /* when the first outage began, or -1 */
  FsTime last_up;        /* when the last outage ended, or -1 if it never ended */
  FsTime down_since;     /* start of the open outage, or -1 when up */
} FsOutage;

typedef struct {
  const char *entity;    /* "site" for the topics site.down / site.up */
  GArray *subjects;      /* FsOutage, indexed by notice subject; unseen slots have name NULL */
} FsOutageClass;

typedef struct {
  FsTime time;
  uint32_t topic;
  uint32_t subject;
  int64_t value;
  const char *subject_name;   /* owned by the metrics */
  const char *detail;         /* owned by the metrics; may be NULL */
} FsLogEntry;

typedef struct {
  uint64_t count;
  FsTime total, min, max;     /* ns; min and max are -1 while count is 0 */
} FsMeasure;

/* The durations seen under @topic if its name ends in "_ns", or NULL. Borrowed. */
const FsMeasure *fs_metrics_measure (const FsMetrics *m, uint32_t topic);

/* Observes every topic of @k from now on. Free it after the kernel has stopped running. */
FsMetrics *fs_metrics_new (FsKernel *k);
void fs_metrics_free (FsMetrics *m);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsMetrics, fs_metrics_free)

/* Closes open outages at @now (they count up to there). Call once, at the end of a run. */
void fs_metrics_finish (FsMetrics *m, FsTime now);

/* How many notices of @topic were seen (0 for an unknown topic). */
uint64_t fs_metrics_count (const FsMetrics *m, uint32_t topic);

/* Outage classes in the order their first ".down" or ".up" topic was seen. Borrowed. */
const GPtrArray *fs_metrics_outages (const FsMetrics *m);

/* The outage class of @entity ("site" for site.down/site.up), or NULL if none of its notices
 * was seen. Borrowed. */
const FsOutageClass *fs_metrics_outage_class (const FsMetrics *m, const char *entity);

/* The outages of subject @name ("primary") of @entity, or NULL when it never went down or up.
 * Borrowed. */
const FsOutage *fs_metrics_find_outage (const FsMetrics *m, const char *entity, const char *name);

/* Every notice, in order. Borrowed. */
const GArray *fs_metrics_log (const FsMetrics *m);

/* The client-downtime collector of this run, created empty with the metrics. Borrowed. */
FsClientStats *fs_metrics_clients (FsMetrics *m);

/* --- figures -------------------------------------------------------------------------------------- */

/* Sets figure @key of @subject in @group: summary.json shows it as
 * group-part-1: { group-part-2: { ...: { subject: { key: value } } } }, the group split at its
 * dots ("dns.servers" -> "dns": {"servers": {...}}). Groups, subjects and keys keep the order
 * they were first set in; setting one again replaces its value. A group's first part must not
 * be a key summary.json already has (failsim, scenario, run, notices, measures, outages,
 * services). Copies every string. */
void fs_metrics_set_figure_int (FsMetrics *m, const char *group, const char *subject,
                                const char *key, int64_t value);
void fs_metrics_set_figure_double (FsMetrics *m, const char *group, const char *subject,
                                   const char *key, double value);

typedef struct {
  const char *group, *subject, *key;   /* owned by the metrics */
  gboolean is_double;
  int64_t i;
  double d;
} FsFigure;

/* Every figure, ordered by group, then subject, then key, each in first-set order. Borrowed;
 * valid until the next set. */
const GArray *fs_metrics_figures (const FsMetrics *m);   /* of FsFigure */

/* The figure, or NULL. */
const FsFigure *fs_metrics_find_figure (const FsMetrics *m, const char *group,
                                        const char *subject, const char *key);

G_END_DECLS
