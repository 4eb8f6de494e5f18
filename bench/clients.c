/* clients.c: the cost of the client workload. Runs scenarios/change-ip-failover.yaml (a site
 * loss, a change-IP failover, one simulated hour) with its first desktop population set to C
 * clients (one request per client per minute), and prints one line per C:
 *
 *   scale clients=<C> wall_s=<s> requests_per_s=<r> events_per_s=<e> peak_rss_mb=<m> bytes_per_client=<b>
 *
 * requests_per_s counts simulated requests (retries included) per wall second. bytes_per_client
 * is the peak RSS above what the process held once the scenario was loaded, per client: the
 * whole model's memory, spread over its clients. Each configuration runs in a child process of
 * its own, so each peak is its own. Run
 * from the source tree: meson test -C build --benchmark --verbose clients. */
#include <glib.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "failsim/clients.h"
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

/* Resident memory now, MiB, from /proc/self/statm (resident pages, second field). */
static double
rss_now_mb (void)
{
  g_autofree char *text = NULL;
  unsigned long size = 0, resident = 0;

  if (g_file_get_contents ("/proc/self/statm", &text, NULL, NULL))
    sscanf (text, "%lu %lu", &size, &resident);
  return (double) resident * (double) sysconf (_SC_PAGESIZE) / 1048576.0;
}

/* One configuration, in a process of its own so that its peak is its own. */
static int
measure (const char *path, guint size)
{
  g_autofree char *set = g_strdup_printf ("clients.desktops-1.count=%u", size);
  const char *sets[] = { set, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = fs_scenario_load (path, sets, &error);
  FsSim *sim;
  FsClientStats *cs;
  gint64 t0, t1;
  uint64_t requests = 0, events;
  guint c, n;
  double before, rss;

  if (sc == NULL)
    {
      fprintf (stderr, "bench-clients: %s\n", error->message);
      return 1;
    }
  before = rss_now_mb ();
  t0 = g_get_monotonic_time ();
  sim = fs_sim_new (sc, fs_scenario_seed (sc), 0, &error);
  fs_sim_run (sim, fs_scenario_duration (sc));
  fs_sim_finish (sim);
  t1 = g_get_monotonic_time ();
  cs = fs_metrics_clients (fs_sim_metrics (sim));
  n = fs_client_stats_n_clients (cs);
  for (c = 0; c < n; c++)
    requests += fs_client_stats_client (cs, c)->requests;
  events = fs_kernel_events_run (fs_sim_kernel (sim));
  rss = peak_rss_mb ();
  printf ("scale clients=%u wall_s=%.3f requests_per_s=%.0f events_per_s=%.0f peak_rss_mb=%.1f "
          "bytes_per_client=%.0f\n", n, (t1 - t0) / 1e6, requests / ((t1 - t0) / 1e6),
          events / ((t1 - t0) / 1e6), rss, (rss - before) * 1048576.0 / (double) n);
  fflush (stdout);
  fs_sim_free (sim);
  return 0;
}

int
main (int argc, char **argv)
{
  const char *path = argc > 1 ? argv[1] : "scenarios/change-ip-failover.yaml";
  const guint sizes[] = { 10000, 100000 };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      pid_t pid = fork ();
      int status = 0;

      if (pid < 0)
        return 1;
      if (pid == 0)
        _exit (measure (path, sizes[i]));
      waitpid (pid, &status, 0);
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        return 1;
    }
  return 0;
}
