/* cmd-run.c: `failsim run`: one replication of a scenario, a summary, and result files. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "failsim/output.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"

static void
print_warnings (const FsScenario *sc)
{
  const GPtrArray *w = fs_scenario_warnings (sc);
  guint i;

  for (i = 0; i < w->len; i++)
    fprintf (stderr, "%s\n", (const char *) g_ptr_array_index (w, i));
}

int
fs_cmd_run (int argc, char **argv)
{
  g_autofree char *seed_text = NULL;
  g_autofree char *rep_text = NULL;
  g_autofree char *until_text = NULL;
  g_autofree char *out_dir = NULL;
  g_auto (GStrv) sets = NULL;
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "Seed of every random stream (default: the scenario's seed:, else 1)", "N" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Override a scalar of the scenario by its dotted path (repeatable), e.g. --set sites.primary.kind=branch",
      "KEY=VALUE" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until_text,
      "Simulated time to run to (default: the scenario's duration:), e.g. 90m", "DURATION" },
    { "rep", 0, 0, G_OPTION_ARG_STRING, &rep_text,
      "Replication index: run k of a series gets its own random numbers (default 0)", "K" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Write summary.json, outages.csv, notices.csv and, with clients, clients.csv and recovery.csv into DIR (created if needed)", "DIR" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but errors", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (FsScenario) sc = NULL;
  g_autoptr (FsSim) sim = NULL;
  g_autoptr (GError) error = NULL;
  FsRunInfo info = { 0 };
  gint64 wall_start, wall_us;

  if (!fs_cli_parse ("run", "SCENARIO", "Run one replication of SCENARIO and print a summary.",
                     "The run is deterministic: the same scenario, seed, --set values and --rep give\n"
                     "byte-identical summary.json on any machine. Wall-clock figures go to the\n"
                     "terminal only.\n"
                     "\n"
                     "Examples:\n"
                     "  failsim run scenarios/site-outage.yaml\n"
                     "  failsim run scenarios/site-outage.yaml --seed 7 --until 30m --out out/run1\n"
                     "  failsim run scenarios/site-outage.yaml --set timeline.0.at=15m\n"
                     "\n"
                     "Exit status: 0 success, 1 internal failure, 2 usage or input error.",
                     entries, &argc, &argv))
    return FS_EXIT_USAGE;
  if (argc != 2)
    return fs_cli_usage_error ("run", argc < 2 ? "a scenario file is required"
                                               : "one scenario at a time (got %d)", argc - 1);

  sc = fs_scenario_load (argv[1], (const char *const *) sets, &error);
  if (sc == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return FS_EXIT_USAGE;
    }
  print_warnings (sc);

  info.seed = fs_scenario_seed (sc);
  if (seed_text != NULL && !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &info.seed, &error))
    return fs_cli_usage_error ("run", "--seed: %s", error->message);
  if (rep_text != NULL && !g_ascii_string_to_unsigned (rep_text, 10, 0, G_MAXUINT64, &info.replication, &error))
    return fs_cli_usage_error ("run", "--rep: %s", error->message);
  info.horizon = fs_scenario_duration (sc);
  if (until_text != NULL && !fs_time_parse (until_text, &info.horizon, &error))
    return fs_cli_usage_error ("run", "--until: %s", error->message);

  wall_start = g_get_monotonic_time ();
  sim = fs_sim_new (sc, info.seed, info.replication, &error);
  if (sim == NULL)
    {
      fprintf (stderr, "failsim run: %s\n", error->message);
      return FS_EXIT_USAGE;
    }
  info.status = fs_sim_run (sim, info.horizon);
  fs_sim_finish (sim);
  wall_us = g_get_monotonic_time () - wall_start;

  if (out_dir != NULL && !fs_output_write_run (out_dir, sim, &info, &error))
    {
      fprintf (stderr, "failsim run: %s\n", error->message);
      return FS_EXIT_FAILURE;
    }
  if (!quiet)
    {
      g_autofree char *text = fs_output_summary_text (sim, &info);
      uint64_t events = fs_kernel_events_run (fs_sim_kernel (sim));

      fputs (text, stdout);
      printf ("\nwall %.3f s, %.0f events/s%s%s\n", wall_us / 1e6,
              wall_us > 0 ? events / (wall_us / 1e6) : 0.0, out_dir ? "; results in " : "",
              out_dir ? out_dir : "");
    }
  return FS_EXIT_OK;
}
