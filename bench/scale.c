/* scale.c: the cost of a large estate. For C = 10^4, 10^5 and 10^6 clients, builds the estate of
 * `failsim generate --sites 20 --vms 1000 --resolvers 100 --clients C` (fs_generate_scenario():
 * a failover of every VM at 10m, a failback at 40m to 50m, one request per client per minute),
 * runs it for one simulated hour, and prints one line per C:
 *
 *   scale clients=<C> wall_s=<s> requests_per_s=<r> peak_rss_mb=<m> bytes_per_client=<b>
 *
 * wall_s covers building and running the simulation (not generating or parsing the text).
 * requests_per_s counts simulated requests (retries included) per wall second. bytes_per_client
 * is the peak RSS above what the process held once the scenario was loaded, per client. Each
 * configuration runs in a child process of its own, so each peak is its own.
 *
 *   meson test -C build --benchmark --verbose scale      (or build/bench/bench-scale [C...]) */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "failsim/clients.h"
#include "failsim/generate.h"
#include "failsim/metrics.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"

static double
peak_rss_mb (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return (double) ru.ru_maxrss / 1024.0;   /* Linux reports KiB */
}

static double
rss_now_mb (void)
{
  g_autofree char *text = NULL;
  unsigned long size = 0, resident = 0;

  if (g_file_get_contents ("/proc/self/statm", &text, NULL, NULL))
    sscanf (text, "%lu %lu", &size, &resident);
  return (double) resident * (double) sysconf (_SC_PAGESIZE) / 1048576.0;
}

static int
measure (guint clients)
{
  FsGenerateOptions opt = { 20, 1000, 100, clients, 1 };
  g_autoptr (GError) error = NULL;
  g_autofree char *text = fs_generate_scenario (&opt, &error);
  g_autoptr (FsScenario) sc = NULL;
  FsSim *sim;
  FsClientStats *cs;
  gint64 t0, t1;
  uint64_t requests = 0;
  guint c, n;
  double before, rss;

  if (text != NULL)
    sc = fs_scenario_load_data ("generated", text, -1, NULL, &error);
  if (sc == NULL)
    {
      fprintf (stderr, "bench-scale: %s\n", error->message);
      return 1;
    }
  g_clear_pointer (&text, g_free);
  before = rss_now_mb ();
  t0 = g_get_monotonic_time ();
  sim = fs_sim_new (sc, fs_scenario_seed (sc), 0, &error);
  if (sim == NULL)
    {
      fprintf (stderr, "bench-scale: %s\n", error->message);
      return 1;
    }
  fs_sim_run (sim, fs_scenario_duration (sc));
  fs_sim_finish (sim);
  t1 = g_get_monotonic_time ();
  cs = fs_metrics_clients (fs_sim_metrics (sim));
  n = fs_client_stats_n_clients (cs);
  for (c = 0; c < n; c++)
    requests += fs_client_stats_client (cs, c)->requests;
  rss = peak_rss_mb ();
  printf ("scale clients=%u wall_s=%.3f requests_per_s=%.0f peak_rss_mb=%.1f bytes_per_client=%.0f\n",
          n, (t1 - t0) / 1e6, requests / ((t1 - t0) / 1e6), rss,
          (rss - before) * 1048576.0 / (double) n);
  fflush (stdout);
  fs_sim_free (sim);
  return 0;
}

int
main (int argc, char **argv)
{
  guint sizes[16] = { 10000, 100000, 1000000 };
  guint n = 3;

  if (argc > 1)
    for (n = 0; n < (guint) argc - 1 && n < G_N_ELEMENTS (sizes); n++)
      sizes[n] = (guint) strtoul (argv[n + 1], NULL, 10);
  for (guint i = 0; i < n; i++)
    {
      pid_t pid = fork ();
      int status = 0;

      if (pid < 0)
        return 1;
      if (pid == 0)
        _exit (measure (sizes[i]));
      waitpid (pid, &status, 0);
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        return 1;
    }
  return 0;
}
