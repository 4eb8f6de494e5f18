/* sim.h: one replication of a scenario: a kernel with the scenario's models built into it. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "failsim/kernel.h"
#include "failsim/metrics.h"
#include "failsim/scenario.h"

G_BEGIN_DECLS

/* Builds every section of @sc into a new kernel seeded (@seed, @replication), with a metrics
 * collector observing it. @sc must outlive the sim. Fails only if a section's build does
 * (resource limits); a scenario that loaded is otherwise always buildable. */
FsSim *fs_sim_new (const FsScenario *sc, uint64_t seed, uint64_t replication, GError **error);
void fs_sim_free (FsSim *sim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsSim, fs_sim_free)

FsKernel *fs_sim_kernel (FsSim *sim);
const FsScenario *fs_sim_scenario (const FsSim *sim);
FsMetrics *fs_sim_metrics (FsSim *sim);

/* Registers @model with the kernel and under @key, so actions and other models find it. */
void fs_sim_add_model (FsSim *sim, const char *key, FsModel *model);
FsModel *fs_sim_model (FsSim *sim, const char *key);   /* NULL if none */

/* Runs the kernel to @until (pass fs_scenario_duration() for a whole run). It may be called
 * again with a later @until to run in steps. Call fs_sim_finish() once after the last run. */
FsRunStatus fs_sim_run (FsSim *sim, FsTime until);
/* Lets every model close what is open (an outage still running) at the current time, and
 * closes the metrics. */
void fs_sim_finish (FsSim *sim);

G_END_DECLS
