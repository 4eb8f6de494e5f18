/* clients.c: the cost of the client workload. Runs scenarios/change-ip-failover.yaml (a site
 * loss, a change-IP failover, one simulated hour) with its first desktop population set to C
 * clients (one request per client per minute), and prints one line per C:
 *
 *   scale clients=<C> wall_s=<s> requests_per_s=<r> events_per_s=<e> peak_rss_mb=<m> bytes_per_client=<b>
 *
 * requests_per_s counts simulated requests (retries included) per wall second. bytes_per_client
 * is the growth of peak RSS from the smallest configuration to this one, per added client. Run
 * from the source tree: meson test -C build --benchmark --verbose clients. */
#include <glib.h>
#include <stdio.h>
#include <sys/resource.h>

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

int
main (int argc, char **argv)
{
  const char *path = argc > 1 ? argv[1] : "scenarios/change-ip-failover.yaml";
  const guint sizes[] = { 10000, 100000 };
  double base_rss = 0;
  guint base_clients = 0;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *set = g_strdup_printf ("clients.desktops-1.count=%u", sizes[i]);
      const char *sets[] = { set, NULL };
      g_autoptr (GError) error = NULL;
      g_autoptr (FsScenario) sc = fs_scenario_load (path, sets, &error);
      FsSim *sim;
      FsClientStats *cs;
      gint64 t0, t1;
      uint64_t requests = 0, events;
      guint c, n;
      double rss;

      if (sc == NULL)
        {
          fprintf (stderr, "bench-clients: %s\n", error->message);
          return 1;
        }
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
              events / ((t1 - t0) / 1e6), rss,
              i == 0 ? 0.0 : (rss - base_rss) * 1048576.0 / (double) (n - base_clients));
      fflush (stdout);
      if (i == 0)
        base_rss = rss, base_clients = n;
      fs_sim_free (sim);
    }
  return 0;
}
