/* experiment-private.h: what the files of sim/experiment share. */
#pragma once

#include "failsim/experiment.h"

/* The services of @set in declaration order, and the downtimes (FsTime) of the affected clients
 * of service @i. Borrowed. */
guint fs__metric_set_n_services (const FsMetricSet *set);
const char *fs__metric_set_service (const FsMetricSet *set, guint i, const GArray **downtimes);

/* Drops the per-client downtimes once they have been pooled, to keep R replications small. */
void fs__metric_set_drop_downtimes (FsMetricSet *set);
