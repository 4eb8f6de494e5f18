/* cmd-run.c: `failsim run`: one replication of a scenario, a summary, and result files; or,
 * with --reps, R replications and the statistics over them. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "failsim/experiment.h"
#include "failsim/narrate.h"
#include "failsim/output.h"
#include "failsim/report.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"
#include "failsim/trace.h"

#define FS_EXIT_INTERRUPTED 130   /* 128 + SIGINT, as cmd-sweep.c */

static volatile sig_atomic_t interrupted;
static gint stop_replications;            /* FsExperimentOptions.stop */
static volatile sig_atomic_t announce;    /* --reps: say what a signal does */

static void
on_signal (int sig)
{
  static const char text[] =
    "\nfailsim run: stopping: the replications under way finish and are written; "
    "a second signal quits at once\n";

  interrupted = 1;
  /* An atomic store of a lock-free int: safe in a handler, and seen by the worker threads. */
  g_atomic_int_set (&stop_replications, 1);
  if (announce)
    (void) !write (STDERR_FILENO, text, sizeof text - 1);
}

/* Blocks (TRUE) or unblocks SIGINT and SIGTERM: result files are written whole, then a signal
 * that came meanwhile is delivered. */
static void
hold_signals (gboolean hold)
{
  sigset_t set;

  sigemptyset (&set);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGTERM);
  sigprocmask (hold ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

/* fs_sim_run() to @horizon in slices of simulated time, checking for a signal between them.
 * The events run are the same as in one call (each slice runs those up to its end), so results
 * do not change. FALSE when a signal stopped it. */
static gboolean
run_in_slices (FsSim *sim, FsTime horizon, FsRunStatus *status)
{
  FsTime slice = MAX (horizon / 10000, FS_MIN), end;

  do
    {
      if (interrupted)
        return FALSE;
      end = horizon - fs_kernel_now (fs_sim_kernel (sim)) > slice
              ? fs_kernel_now (fs_sim_kernel (sim)) + slice : horizon;
      *status = fs_sim_run (sim, end);
    }
  while (end < horizon && *status != FS_RUN_STOPPED);
  return !interrupted;
}

static void
print_warnings (const FsScenario *sc)
{
  const GPtrArray *w = fs_scenario_warnings (sc);
  guint i;

  for (i = 0; i < w->len; i++)
    fprintf (stderr, "%s\n", (const char *) g_ptr_array_index (w, i));
}

static void
result_clear (gpointer p)
{
  fs_assertion_result_clear (p);
}

/* Checks every assertion against @e, reports them, and returns the exit status. */
static int
check_assertions (GPtrArray *assertions, const FsExperiment *e, const FsScenario *sc,
                  const char *junit_path, gboolean quiet)
{
  g_autoptr (GArray) results = g_array_new (FALSE, TRUE, sizeof (FsAssertionResult));
  g_autofree char *suite = g_strdup_printf ("failsim run %s", fs_scenario_path (sc));
  guint i;

  g_array_set_clear_func (results, result_clear);
  if (assertions->len == 0 && junit_path == NULL)
    return FS_EXIT_OK;
  g_array_set_size (results, assertions->len);
  for (i = 0; i < assertions->len; i++)
    {
      const FsAssertion *a = g_ptr_array_index (assertions, i);

      fs_assertion_check (a, e, a->text, &g_array_index (results, FsAssertionResult, i));
    }
  return fs_cli_report_assertions ("run", suite, results, junit_path, quiet);
}

/* --reps R with R > 1: the replications, their table, experiment.json and replications.csv. */
static int
run_replications (const FsScenario *sc, const FsExperimentOptions *opt, const char *out_dir,
                  GPtrArray *assertions, const char *junit_path, gboolean quiet)
{
  g_autoptr (FsExperiment) e = NULL;
  g_autoptr (GError) error = NULL;
  gint64 wall_start = g_get_monotonic_time (), wall_us;
  guint done;

  e = fs_experiment_run (sc, opt, &error);
  if (e == NULL && g_error_matches (error, FS_EXPERIMENT_ERROR, FS_EXPERIMENT_ERROR_STOPPED))
    {
      fprintf (stderr, "failsim run: interrupted before the first replication; nothing written\n");
      return FS_EXIT_INTERRUPTED;
    }
  if (e == NULL)
    {
      fprintf (stderr, "failsim run: %s\n", error->message);
      return FS_EXIT_USAGE;
    }
  wall_us = g_get_monotonic_time () - wall_start;
  done = fs_experiment_n_reps (e);
  hold_signals (TRUE);
  if (out_dir != NULL && !fs_output_write_experiment (out_dir, e, &error))
    {
      fprintf (stderr, "failsim run: %s\n", error->message);
      return FS_EXIT_FAILURE;
    }
  hold_signals (FALSE);
  if (!quiet)
    {
      g_autofree char *text = fs_output_experiment_text (e);
      guint jobs = MIN (opt->jobs, opt->reps);

      fputs (text, stdout);
      printf ("\nwall %.3f s, %u job%s%s%s\n", wall_us / 1e6, jobs, jobs == 1 ? "" : "s",
              out_dir ? "; results in " : "", out_dir ? out_dir : "");
    }
  if (interrupted)
    {
      /* The finished replications are the first ones, so what was written is what --reps done
       * gives; the assertions are not checked on fewer replications than were asked for. */
      if (done < opt->reps)
        fprintf (stderr, "failsim run: interrupted after %u of %u replications; %s those %u, as "
                 "--reps %u gives; assertions not checked\n", done, opt->reps,
                 out_dir != NULL ? "the results written are" : "the figures above are", done, done);
      else
        fprintf (stderr, "failsim run: interrupted after the last replication; its results are "
                 "complete\n");
      return FS_EXIT_INTERRUPTED;
    }
  return check_assertions (assertions, e, sc, junit_path, quiet);
}

int
fs_cmd_run (int argc, char **argv)
{
  g_autofree char *seed_text = NULL;
  g_autofree char *rep_text = NULL;
  g_autofree char *until_text = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *reps_text = NULL;
  g_autofree char *jobs_text = NULL;
  g_autofree char *junit_path = NULL;
  g_autofree char *max_memory = NULL;
  g_autofree char *trace_path = NULL;
  g_autofree char *html_path = NULL;
  g_autoptr (FsTrace) trace = NULL;
  g_auto (GStrv) sets = NULL;
  g_auto (GStrv) assert_texts = NULL;
  gboolean quiet = FALSE;
  gboolean narrate = FALSE;
  g_autoptr (FsNarrator) narrator = NULL;
  const GOptionEntry entries[] = {
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "Seed of every random stream (default: the scenario's seed:, else 1)", "N" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Override a scalar of the scenario by its dotted path (repeatable), e.g. --set sites.primary.kind=branch",
      "KEY=VALUE" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until_text,
      "Simulated time to run to (default: the scenario's duration:), e.g. 90m", "DURATION" },
    { "rep", 0, 0, G_OPTION_ARG_STRING, &rep_text,
      "Replication index: run k of a series gets its own random numbers (default 0); with --reps, the first of them", "K" },
    { "reps", 'r', 0, G_OPTION_ARG_STRING, &reps_text,
      "Run R replications (K, K+1, ... K+R-1) and print each metric's mean with its 95% confidence interval, sd, min and max (default 1: one run, as without this option)", "R" },
    { "jobs", 'j', 0, G_OPTION_ARG_STRING, &jobs_text,
      "Run replications on N threads (default: the number of processors); the results do not depend on N", "N" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Write summary.json, topology.json, outages.csv, notices.csv and, with clients, clients.csv and recovery.csv into DIR (created if needed); with --reps, replications.csv and experiment.json", "DIR" },
    { "assert", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &assert_texts,
      "Check METRIC OP VALUE after the run (repeatable), e.g. 'downtime.p95 < 5m'; exit status 1 if one fails", "EXPR" },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit_path,
      "Write the assertions' results as JUnit XML to FILE", "FILE" },
    { "trace", 0, 0, G_OPTION_ARG_FILENAME, &trace_path,
      "Write the run as a Chrome trace (JSON) to FILE, to open in ui.perfetto.dev or chrome://tracing: states, notices and counters on one track per entity (docs/trace.md); one run only, not with --reps", "FILE" },
    { "html", 0, 0, G_OPTION_ARG_FILENAME, &html_path,
      "Write a self-contained HTML report of the run to FILE (topology, availability over time, client downtime CDF, downtime budget, event log; as failsim report makes from --out DIR); with or without --out, one run only, not with --reps", "FILE" },
    { "max-memory", 0, 0, G_OPTION_ARG_STRING, &max_memory, FS_CLI_MAX_MEMORY_HELP, "SIZE" },
    { "narrate", 0, 0, G_OPTION_ARG_NONE, &narrate,
      "Tell the run in plain words, in time order: every notice as a sentence with its simulated time, and each service's milestones (first failures, lowest share served, all served again); before the summary, even with -q", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but errors", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (FsScenario) sc = NULL;
  g_autoptr (FsSim) sim = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) assertions = NULL;
  FsRunInfo info = { 0 };
  guint reps = 1, jobs = fs_cli_default_jobs ();
  gint64 wall_start, wall_us;
  int status;

  if (!fs_cli_parse ("run", "SCENARIO",
                     "Run one replication of SCENARIO and print a summary, or with --reps R,\n"
                     "R replications and the mean of every metric with its 95% confidence interval.",
                     "The run is deterministic: the same scenario, seed, --set values and --rep give\n"
                     "byte-identical summary.json on any machine. Wall-clock figures go to the\n"
                     "terminal only. With --reps, replication k is seeded (seed, k): the same seed\n"
                     "and --reps give byte-identical experiment.json and replications.csv for any\n"
                     "--jobs. Metric names, the confidence interval and pooled quantiles:\n"
                     "docs/experiments.md.\n"
                     "\n"
                     "An assertion is METRIC OP VALUE: OP one of < <= > >= == !=, VALUE a duration\n"
                     "(5m, 300s; compared in seconds) or a plain number. With --reps the metric's\n"
                     "mean is compared; METRIC.ci_low and METRIC.ci_high name the bounds of its\n"
                     "95% CI, and S.pooled.p95 (p50, p99) the quantile pooled over clients.\n"
                     "\n"
                     "Examples:\n"
                     "  failsim run scenarios/site-outage.yaml\n"
                     "  failsim run scenarios/site-outage.yaml --seed 7 --until 30m --out out/run1\n"
                     "  failsim run scenarios/site-outage.yaml --set timeline.0.at=15m\n"
                     "  failsim run scenarios/change-ip-failover.yaml --narrate -q\n"
                     "  failsim run scenarios/change-ip-failover.yaml --trace out/run.trace.json\n"
                     "  failsim run scenarios/change-ip-failover.yaml --html out/report.html\n"
                     "  failsim run scenarios/change-ip-failover.yaml --reps 20 --out out/ttl300\n"
                     "  failsim run scenarios/change-ip-failover.yaml --reps 20 \\\n"
                     "      --assert 'downtime.p95.ci_high < 8m' --junit out/junit.xml\n"
                     "\n"
                     "SIGINT or SIGTERM stops a single run and writes nothing (exit status 130).\n"
                     "With --reps it stops the starting of replications: those under way finish,\n"
                     "and the first M finished are written, the results --reps M gives (exit\n"
                     "status 130); a second signal quits at once. Result files are never left\n"
                     "half-written. --max-memory: docs/performance.md.\n"
                     "\n"
                     "Exit status: 0 success, 1 internal failure or a failed assertion, 2 usage or\n"
                     "input error (or a scenario over the memory budget), 130 interrupted.",
                     entries, &argc, &argv))
    return FS_EXIT_USAGE;
  if (argc != 2)
    return fs_cli_usage_error ("run", argc < 2 ? "a scenario file is required"
                                               : "one scenario at a time (got %d)", argc - 1);
  if (!fs_cli_parse_count ("run", "--reps", reps_text, 1, &reps)
      || !fs_cli_parse_count ("run", "--jobs", jobs_text, 1, &jobs))
    return FS_EXIT_USAGE;
  if ((assertions = fs_cli_parse_assertions ("run", assert_texts, NULL)) == NULL)
    return FS_EXIT_USAGE;

  /* The signals are caught before anything loads: a large scenario takes a while to load and
   * build, and a signal then must still end the run with nothing written, not kill it. */
  /* A single run stops at its next slice of simulated time and writes nothing; with --reps no
   * further replication starts, and those finished are written. */
  announce = reps > 1;
  fs_cli_catch_signals (on_signal);
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
  if (reps > 1 && info.replication > G_MAXUINT64 - (reps - 1))
    return fs_cli_usage_error ("run", "--rep %" G_GUINT64_FORMAT " with --reps %u goes past the "
                               "last replication index", info.replication, reps);

  if (!fs_cli_check_memory ("run", sc, MIN (reps, jobs), max_memory))
    return FS_EXIT_USAGE;

  if (reps > 1 && narrate)
    return fs_cli_usage_error ("run", "--narrate tells one run; it cannot be used with --reps %u", reps);
  if (reps > 1 && html_path != NULL)
    return fs_cli_usage_error ("run", "--html reports one run; it cannot be used with --reps %u", reps);
  if (reps > 1 && trace_path != NULL)
    return fs_cli_usage_error ("run", "--trace records one run; it cannot be used with --reps %u", reps);
  if (reps > 1)
    {
      FsExperimentOptions opt = { info.seed, info.replication, reps, jobs, info.horizon,
                                  &stop_replications };

      return run_replications (sc, &opt, out_dir, assertions, junit_path, quiet);
    }

  wall_start = g_get_monotonic_time ();
  sim = fs_sim_new (sc, info.seed, info.replication, &error);
  if (sim == NULL)
    {
      fprintf (stderr, "failsim run: %s\n", error->message);
      return FS_EXIT_USAGE;
    }
  if (narrate)
    narrator = fs_narrator_new (sim);
  /* Before the first event, so that the trace sees every notice. */
  if (trace_path != NULL)
    trace = fs_trace_new (sim);
  if (!run_in_slices (sim, info.horizon, &info.status))
    {
      char at[64];

      fs_time_format (fs_kernel_now (fs_sim_kernel (sim)), at, sizeof at);
      fprintf (stderr, "failsim run: interrupted at %s of simulated time; nothing written\n", at);
      return FS_EXIT_INTERRUPTED;
    }
  fs_sim_finish (sim);
  wall_us = g_get_monotonic_time () - wall_start;

  hold_signals (TRUE);
  if (out_dir != NULL && !fs_output_write_run (out_dir, sim, &info, &error))
    {
      fprintf (stderr, "failsim run: %s\n", error->message);
      return FS_EXIT_FAILURE;
    }
  if (trace != NULL && !fs_trace_write (trace, trace_path, &error))
    {
      fprintf (stderr, "failsim run: --trace: %s\n", error->message);
      return FS_EXIT_FAILURE;
    }
  if (html_path != NULL)
    {
      /* From the same texts --out writes, so the page is the one failsim report would make. */
      g_autoptr (GHashTable) files = fs_report_files_from_sim (sim, &info);
      g_autofree char *html = fs_report_html (files, out_dir != NULL ? out_dir : argv[1], &error);

      if (html == NULL || !fs_output_write_file (html_path, html, -1, &error))
        {
          fprintf (stderr, "failsim run: --html: %s\n", error->message);
          return FS_EXIT_FAILURE;
        }
    }
  hold_signals (FALSE);
  if (interrupted)
    {
      fprintf (stderr, "failsim run: interrupted after the run; its results are complete\n");
      return FS_EXIT_INTERRUPTED;
    }
  if (narrator != NULL)
    {
      g_autofree char *story = fs_narrator_text (narrator);

      fputs (story, stdout);
      if (!quiet)
        fputc ('\n', stdout);
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
  status = FS_EXIT_OK;
  if (assertions->len > 0 || junit_path != NULL)
    {
      /* One replication is an experiment of one: the same names, each mean the run's value. */
      FsExperimentOptions opt = { info.seed, info.replication, 1, 1, info.horizon, NULL };
      g_autoptr (GPtrArray) one = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_metric_set_free);
      g_autoptr (FsExperiment) e = NULL;

      g_ptr_array_add (one, fs_metric_set_from_sim (sim));
      e = fs_experiment_new_from_sets (sc, &opt, g_steal_pointer (&one));
      status = check_assertions (assertions, e, sc, junit_path, quiet);
    }
  return status;
}
