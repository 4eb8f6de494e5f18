/* sim.c: one replication: a kernel, the scenario's models built into it, and its metrics. */
#include "failsim/sim.h"

#include <string.h>

struct FsSim {
  const FsScenario *scenario;
  FsKernel *kernel;
  FsMetrics *metrics;
  GHashTable *models;     /* section key -> FsModel *, borrowed (the kernel owns models) */
  gboolean finished;
};

FsSim *
fs_sim_new (const FsScenario *sc, uint64_t seed, uint64_t replication, GError **error)
{
  g_autoptr (FsSim) sim = g_new0 (FsSim, 1);
  const FsSection *const *secs;
  guint n, i;

  g_return_val_if_fail (sc != NULL, NULL);
  sim->scenario = sc;
  sim->kernel = fs_kernel_new (seed, replication);
  sim->metrics = fs_metrics_new (sim->kernel);
  sim->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  secs = fs_scenario_sections (&n);
  for (i = 0; i < n; i++)
    if (secs[i]->build != NULL && !secs[i]->build (sim, error))
      return NULL;
  return g_steal_pointer (&sim);
}

void
fs_sim_free (FsSim *sim)
{
  if (sim == NULL)
    return;
  /* The metrics observe the kernel; the kernel frees the models. */
  fs_kernel_free (sim->kernel);
  fs_metrics_free (sim->metrics);
  if (sim->models)
    g_hash_table_destroy (sim->models);
  g_free (sim);
}

FsKernel *
fs_sim_kernel (FsSim *sim)
{
  return sim->kernel;
}

const FsScenario *
fs_sim_scenario (const FsSim *sim)
{
  return sim->scenario;
}

FsMetrics *
fs_sim_metrics (FsSim *sim)
{
  return sim->metrics;
}

void
fs_sim_add_model (FsSim *sim, const char *key, FsModel *model)
{
  g_return_if_fail (sim != NULL && key != NULL && model != NULL);
  g_return_if_fail (!g_hash_table_contains (sim->models, key));
  fs_kernel_add_model (sim->kernel, model);
  g_hash_table_insert (sim->models, g_strdup (key), model);
}

FsModel *
fs_sim_model (FsSim *sim, const char *key)
{
  return g_hash_table_lookup (sim->models, key);
}

FsRunStatus
fs_sim_run (FsSim *sim, FsTime until)
{
  g_return_val_if_fail (!sim->finished, FS_RUN_STOPPED);
  return fs_kernel_run (sim->kernel, until);
}

void
fs_sim_finish (FsSim *sim)
{
  g_return_if_fail (!sim->finished);
  sim->finished = TRUE;
  fs_kernel_finish (sim->kernel);
  fs_metrics_finish (sim->metrics, fs_kernel_now (sim->kernel));
}
