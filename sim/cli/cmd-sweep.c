/* cmd-sweep.c: `failsim sweep`: a scenario over the product of parameter values, R replications
 * of each configuration. Every finished run is written to DIR/runs/ as it finishes, so Ctrl-C
 * loses nothing and --resume runs only what is missing; sweep.csv and sweep.json are made from
 * those files once all are in. Under mpirun (built with -Dmpi=enabled) the runs still to do are
 * dealt out to the ranks round-robin, and rank 0 writes what every rank finishes. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "failsim/experiment.h"
#include "failsim/output.h"
#include "failsim/scenario.h"
#include "failsim/sweep.h"

#define FS_EXIT_INTERRUPTED 130   /* 128 + SIGINT, as a shell reports a process Ctrl-C ended */

static volatile sig_atomic_t interrupted;

static void
on_sigint (int sig)
{
  interrupted = 1;
}

typedef struct {
  const FsSweep *sweep;
  const char *dir;
  char *id;                    /* the sweep's identity hash, in every run file */
  FsCliMpi *mpi;               /* NULL: a process of its own */
  guint64 total;               /* runs of the sweep */
  guint64 on_disk;             /* runs in DIR/runs/, wherever they ran (rank 0) */
  guint64 at_start;            /* of which there before this process started */
  guint64 finished_here;       /* runs this process ran */
  guint64 stop_after;          /* --stop-after: as if Ctrl-C after this many of its runs; 0: no */
  gboolean progress;           /* draw a progress bar on stderr */
  gint64 start_us, drawn_us;
  int ranks_running;           /* rank 0: other ranks that have not said they are done */
  int rank_status;             /* rank 0: the worst end another rank reported */
  char *rank_message;
  GError *error;               /* a journal file that could not be written */
} Sweep;

static void
sweep_clear (Sweep *s)
{
  g_free (s->id);
  g_free (s->rank_message);
  g_clear_error (&s->error);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Sweep, sweep_clear)

static void
draw_progress (Sweep *s, gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  guint64 new_runs = s->on_disk - s->at_start;
  char bar[31], eta[FS_TIME_BUFSZ] = "--";
  guint filled = (guint) (30 * s->on_disk / MAX (s->total, 1)), i;

  if (!s->progress || (!force && now - s->drawn_us < 100 * G_TIME_SPAN_MILLISECOND))
    return;
  s->drawn_us = now;
  for (i = 0; i < 30; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[30] = '\0';
  if (new_runs > 0)
    {
      double left_s = (double) (now - s->start_us) / 1e6 * (double) (s->total - s->on_disk)
                      / (double) new_runs;

      fs_time_format ((FsTime) (left_s + 0.5) * FS_SEC, eta, sizeof eta);
    }
  fprintf (stderr, "\r[%s] %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " runs %3.0f%%  ETA %s\033[K",
           bar, s->on_disk, s->total, 100.0 * (double) s->on_disk / (double) MAX (s->total, 1), eta);
  fflush (stderr);
}

static void
clear_progress (Sweep *s)
{
  if (s->progress)
    fputs ("\r\033[K", stderr);
}

/* Rank 0, or a process of its own: a finished run goes to the journal. */
static void
journal_put (Sweep *s, guint64 run, const char *json)
{
  GError *error = NULL;

  if (!fs_output_sweep_journal_put (s->dir, s->sweep, run, json, &error))
    {
      if (s->error == NULL)
        s->error = error;
      else
        g_error_free (error);
      return;
    }
  s->on_disk++;
}

static void
on_done (guint64 run, FsMetricSet *set, gpointer user_data)
{
  Sweep *s = user_data;
  g_autofree char *json = fs_output_sweep_run_json (s->sweep, s->id, run, set);

  fs_metric_set_free (set);
  s->finished_here++;
  if (s->mpi != NULL && fs_cli_mpi_rank (s->mpi) != 0)
    fs_cli_mpi_send_result (s->mpi, run, json);
  else
    journal_put (s, run, json);
}

/* Rank 0: takes in what the other ranks have sent. */
static void
receive (Sweep *s)
{
  FsCliMpiMessage kind;
  guint64 run = 0;
  int status = 0;

  if (s->mpi == NULL || fs_cli_mpi_rank (s->mpi) != 0)
    return;
  for (;;)
    {
      g_autofree char *text = NULL;

      kind = fs_cli_mpi_poll (s->mpi, &run, &text, &status);
      if (kind == FS_CLI_MPI_NOTHING)
        return;
      if (kind == FS_CLI_MPI_RESULT)
        journal_put (s, run, text);
      else
        {
          s->ranks_running--;
          /* A failure outranks a stop, which outranks a rank that finished. */
          if (status != FS_CLI_MPI_COMPLETE && (s->rank_status == FS_CLI_MPI_COMPLETE
                                                || (s->rank_status == FS_CLI_MPI_STOPPED && status >= 0)))
            {
              s->rank_status = status;
              g_free (s->rank_message);
              s->rank_message = g_steal_pointer (&text);
            }
        }
    }
}

static gboolean
on_tick (gpointer user_data)
{
  Sweep *s = user_data;

  receive (s);
  draw_progress (s, FALSE);
  if (s->stop_after > 0 && s->finished_here >= s->stop_after)
    interrupted = 1;   /* for tests: an interruption at a known point */
  return !interrupted && s->error == NULL;
}

static void
result_clear (gpointer p)
{
  fs_assertion_result_clear (p);
}

/* Every assertion against every configuration; the test of configuration c is named
 * "c3 KEY=VALUE: EXPR". */
static int
check_assertions (GPtrArray *assertions, const FsSweep *sw, const GPtrArray *experiments,
                  const char *junit_path, gboolean quiet)
{
  g_autoptr (GArray) results = g_array_new (FALSE, TRUE, sizeof (FsAssertionResult));
  g_autofree char *suite = g_strdup_printf ("failsim sweep %s", fs_scenario_path (fs_sweep_base (sw)));
  guint i, c;

  g_array_set_clear_func (results, result_clear);
  if (assertions->len == 0 && junit_path == NULL)
    return FS_EXIT_OK;
  for (i = 0; i < assertions->len; i++)
    {
      const FsAssertion *a = g_ptr_array_index (assertions, i);

      for (c = 0; c < fs_sweep_n_configs (sw); c++)
        {
          FsAssertionResult r = { 0 };
          g_autofree char *label = fs_sweep_config_label (sw, c);
          g_autofree char *name = g_strdup_printf ("c%u %s: %s", c, label, a->text);

          fs_assertion_check (a, g_ptr_array_index (experiments, c), name, &r);
          g_array_append_val (results, r);
        }
    }
  return fs_cli_report_assertions ("sweep", suite, results, junit_path, quiet);
}

static const char *const description =
  "Runs SCENARIO for every combination of the --param values (the first --param varies\n"
  "slowest), R times each. Replication r of every configuration is seeded (seed, r), so\n"
  "the configurations share their random numbers (common random numbers, as compare).\n"
  "\n"
  "--param KEY=VALUES: KEY is a --set path (zones.0.records.0.ttl, sites.primary.kind);\n"
  "VALUES a comma list whose items are single values or ranges:\n"
  "  A..B*F   A, A F, A F^2, ... up to B (B itself when it is hit): 10s..640s*2 is\n"
  "           10s, 20s, 40s, 1m20s, 2m40s, 5m20s, 10m40s\n"
  "  A..B+S   A, A + S, A + 2S, ... up to B: 1..10+3 is 1, 4, 7, 10; 30s..2m+30s is\n"
  "           30s, 1m, 1m30s, 2m\n"
  "on durations (the step after + a duration too) or plain numbers (0.1..0.5+0.1).\n"
  "Commas inside parentheses belong to the value: constant(30s),lognormal(90s, 30s)\n"
  "is two values.\n"
  "A sweep is limited to 100000 runs (configurations x replications).\n"
  "\n"
  "DIR receives, as each run finishes, runs/cCCCC-rRRRR.json (its metrics) and, when\n"
  "every run is in, sweep.csv (a row per configuration and replication: config, the\n"
  "parameters, replication, every metric) and sweep.json (per configuration, each\n"
  "metric's n, mean, sd, 95% CI, min and max). They are byte-identical for any --jobs,\n"
  "any number of MPI ranks, and a sweep that was interrupted and resumed.\n"
  "\n"
  "Ctrl-C stops starting runs, lets the ones under way finish, keeps every finished\n"
  "run in DIR/runs/ and exits with status 130; the same command with --resume runs only\n"
  "what is missing (a second Ctrl-C ends at once). --resume refuses a DIR that holds a\n"
  "different sweep (another scenario file, --param, --set, --seed, --reps or --until).\n"
  "A progress bar with the time left is drawn on stderr when it is a terminal.\n"
  "\n"
  "Built with -Dmpi=enabled, 'mpirun -n K failsim sweep ...' deals the runs out to the K\n"
  "ranks round-robin; rank 0 writes every file. --jobs is then per rank (default: the\n"
  "processors of the machine over the ranks on it).\n"
  "\n"
  "An assertion (see failsim run --help) is checked against every configuration's\n"
  "means; the tests are named 'cC KEY=VALUE: EXPR'.\n"
  "\n"
  "Examples:\n"
  "  failsim sweep scenarios/change-ip-failover.yaml \\\n"
  "      --param zones.0.records.0.ttl=10s..640s*2 --reps 10 --out out/ttl\n"
  "  failsim sweep scenarios/change-ip-failover.yaml --param zones.0.records.0.ttl=30s,5m \\\n"
  "      --param 'timeline.1.boot=constant(30s),lognormal(90s, 30s)' --reps 20 --out out/boot\n"
  "  failsim sweep scenarios/change-ip-failover.yaml \\\n"
  "      --param zones.0.records.0.ttl=10s..640s*2 --reps 10 --out out/ttl --resume\n"
  "  failsim sweep scenarios/change-ip-failover.yaml --param zones.0.records.0.ttl=30s,300s \\\n"
  "      --out out/ci --assert 'downtime.p95.ci_high < 10m' --junit out/ci/junit.xml\n"
  "\n"
  "Exit status: 0 success, 1 internal failure or a failed assertion, 2 usage or\n"
  "input error, 130 interrupted (finish with --resume).";

/* The runs of @todo this rank does: all of them, or every size-th from its rank on. */
static GArray *
my_share (FsCliMpi *mpi, GArray *todo)
{
  GArray *mine = g_array_new (FALSE, FALSE, sizeof (guint64));
  int rank = mpi ? fs_cli_mpi_rank (mpi) : 0, size = mpi ? fs_cli_mpi_size (mpi) : 1;
  guint i;

  for (i = (guint) rank; i < todo->len; i += (guint) size)
    g_array_append_val (mine, g_array_index (todo, guint64, i));
  return mine;
}

/* What the options make: the sweep, ready to run. */
typedef struct {
  char *seed_text, *until_text, *reps_text, *jobs_text, *stop_text, *max_memory;
  char *out_dir, *junit_path;
  GStrv param_specs, sets, assert_texts;
  gboolean quiet, resume;
  guint jobs, stop_after;
  GPtrArray *assertions;        /* FsAssertion * */
  FsScenario *base;
  FsSweep *sweep;               /* borrows base */
} Setup;

static void
setup_clear (Setup *u)
{
  g_free (u->seed_text);
  g_free (u->until_text);
  g_free (u->reps_text);
  g_free (u->jobs_text);
  g_free (u->stop_text);
  g_free (u->max_memory);
  g_free (u->out_dir);
  g_free (u->junit_path);
  g_strfreev (u->param_specs);
  g_strfreev (u->sets);
  g_strfreev (u->assert_texts);
  g_clear_pointer (&u->assertions, g_ptr_array_unref);
  g_clear_pointer (&u->sweep, fs_sweep_free);
  g_clear_pointer (&u->base, fs_scenario_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Setup, setup_clear)

/* Reads the options, the scenario and every configuration. Returns FS_EXIT_OK, or the exit
 * status after printing why not. */
/* The resource guard, for the configuration that needs the most: a --param can change a count
 * (clients.desktops.count=1000..1000000*10), and up to --jobs runs of it may be under way at once. */
static gboolean
check_memory (Setup *u)
{
  const FsSweep *sw = u->sweep;
  g_autofree char *label = NULL, *subject = NULL;
  guint c, largest = 0;

  for (c = 1; c < fs_sweep_n_configs (sw); c++)
    if (fs_sweep_config_estimate (sw, c)->bytes > fs_sweep_config_estimate (sw, largest)->bytes)
      largest = c;
  label = fs_sweep_config_label (sw, largest);
  subject = g_strdup_printf ("%s with %s", fs_scenario_path (fs_sweep_base (sw)), label);
  return fs_cli_check_estimate ("sweep", subject, fs_sweep_config_estimate (sw, largest),
                                (guint) MIN ((guint64) u->jobs, fs_sweep_n_runs (sw)), u->max_memory);
}

static int
setup (Setup *u, int argc, char **argv, FsCliMpi *mpi)
{
  const GOptionEntry entries[] = {
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &u->param_specs,
      "A parameter and its values (repeatable): a --set path, '=', and a comma list of values and ranges A..B*F or A..B+S, e.g. zones.0.records.0.ttl=10s..640s*2",
      "KEY=VALUES" },
    { "reps", 'r', 0, G_OPTION_ARG_STRING, &u->reps_text,
      "Replications of each configuration (default 10)", "R" },
    { "jobs", 'j', 0, G_OPTION_ARG_STRING, &u->jobs_text,
      "Run replications on N threads (default: the number of processors); the results do not depend on N", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &u->seed_text,
      "Seed of every run (default: the scenario's seed:, else 1)", "N" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &u->sets,
      "Override a scalar of the scenario in every configuration (repeatable), before the parameters", "KEY=VALUE" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &u->until_text,
      "Simulated time to run every configuration to (default: each configuration's duration:)", "DURATION" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &u->out_dir,
      "Write runs/ (as runs finish), then sweep.csv and sweep.json into DIR (created if needed); required", "DIR" },
    { "resume", 0, 0, G_OPTION_ARG_NONE, &u->resume,
      "Finish the sweep started in DIR: run only the runs missing from DIR/runs/", NULL },
    { "assert", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &u->assert_texts,
      "Check METRIC OP VALUE against every configuration (repeatable), e.g. 'downtime.p95 < 5m'; exit status 1 if one fails", "EXPR" },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &u->junit_path,
      "Write the assertions' results as JUnit XML to FILE", "FILE" },
    { "max-memory", 0, 0, G_OPTION_ARG_STRING, &u->max_memory, FS_CLI_MAX_MEMORY_HELP, "SIZE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &u->quiet, "Print nothing but errors", NULL },
    /* For tests: behave as if Ctrl-C came once this process has finished N runs. */
    { "stop-after", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &u->stop_text, NULL, "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GPtrArray) params = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_sweep_param_free);
  g_autoptr (GError) error = NULL;
  FsSweepOptions opt = { 1, 10, -1 };
  guint i;

  u->jobs = MAX (fs_cli_default_jobs () / (guint) (mpi ? fs_cli_mpi_local_size (mpi) : 1), 1);
  if (!fs_cli_parse ("sweep", "SCENARIO --param KEY=VALUES [--param ...] --out DIR",
                     "Run SCENARIO over the product of parameter values, R replications each,\n"
                     "with a mean and 95% confidence interval of every metric per configuration.",
                     description, entries, &argc, &argv))
    return FS_EXIT_USAGE;
  if (argc != 2)
    return fs_cli_usage_error ("sweep", argc < 2 ? "a scenario file is required"
                                                 : "one scenario at a time (got %d)", argc - 1);
  if (u->param_specs == NULL)
    return fs_cli_usage_error ("sweep", "at least one --param KEY=VALUES is required, such as "
                               "--param zones.0.records.0.ttl=10s..640s*2");
  if (u->out_dir == NULL)
    return fs_cli_usage_error ("sweep", "--out DIR is required: every finished run is kept there");
  if (!fs_cli_parse_count ("sweep", "--reps", u->reps_text, 1, &opt.reps)
      || !fs_cli_parse_count ("sweep", "--jobs", u->jobs_text, 1, &u->jobs)
      || !fs_cli_parse_count ("sweep", "--stop-after", u->stop_text, 1, &u->stop_after))
    return FS_EXIT_USAGE;
  for (i = 0; u->param_specs[i] != NULL; i++)
    {
      FsSweepParam *p = fs_sweep_param_parse (u->param_specs[i], &error);

      if (p == NULL)
        return fs_cli_usage_error ("sweep", "--param '%s': %s", u->param_specs[i], error->message);
      g_ptr_array_add (params, p);
    }
  if ((u->assertions = fs_cli_parse_assertions ("sweep", u->assert_texts, NULL)) == NULL)
    return FS_EXIT_USAGE;
  if (u->until_text != NULL && !fs_time_parse (u->until_text, &opt.until, &error))
    return fs_cli_usage_error ("sweep", "--until: %s", error->message);

  u->base = fs_scenario_load (argv[1], (const char *const *) u->sets, &error);
  if (u->base == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return FS_EXIT_USAGE;
    }
  for (i = 0; i < fs_scenario_warnings (u->base)->len; i++)
    fprintf (stderr, "%s\n", (const char *) g_ptr_array_index (fs_scenario_warnings (u->base), i));
  opt.seed = fs_scenario_seed (u->base);
  if (u->seed_text != NULL
      && !g_ascii_string_to_unsigned (u->seed_text, 10, 0, G_MAXUINT64, &opt.seed, &error))
    return fs_cli_usage_error ("sweep", "--seed: %s", error->message);

  u->sweep = fs_sweep_new (u->base, g_steal_pointer (&params), &opt, &error);
  if (u->sweep == NULL)
    {
      if (g_error_matches (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_CONFIG))
        fprintf (stderr, "failsim sweep: %s\n", error->message);
      else
        fs_cli_usage_error ("sweep", "%s", error->message);
      return FS_EXIT_USAGE;
    }
  return check_memory (u) ? FS_EXIT_OK : FS_EXIT_USAGE;
}

/* Runs what is missing from DIR/runs/ (this rank's share of it), then, on rank 0, writes the
 * results and checks the assertions. Returns the exit status. */
static int
run (Setup *u, FsCliMpi *mpi)
{
  const FsSweep *sw = u->sweep;
  const char *out_dir = u->out_dir;
  g_autoptr (GPtrArray) sets_done = NULL;
  g_autoptr (GPtrArray) experiments = NULL;
  g_autoptr (GArray) todo = NULL;
  g_autoptr (GArray) mine = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (Sweep) s = { 0 };
  gboolean root = mpi == NULL || fs_cli_mpi_rank (mpi) == 0;
  guint reps = fs_sweep_options (sw)->reps;
  gboolean ran;
  gint64 wall_us;
  guint i;
  int status;

  s.sweep = sw;
  s.dir = out_dir;
  s.id = fs_output_sweep_id (sw);
  s.mpi = mpi;
  s.total = fs_sweep_n_runs (sw);
  s.stop_after = u->stop_after;
  s.ranks_running = mpi ? fs_cli_mpi_size (mpi) - 1 : 0;
  s.rank_status = FS_CLI_MPI_COMPLETE;

  /* Ranks on other machines read their own copy of the scenario file: it must be the same. */
  if (mpi != NULL && !fs_cli_mpi_agree (mpi, s.id))
    {
      fprintf (stderr, "failsim sweep: a rank has another sweep than rank 0: its scenario file "
               "or its failsim version differs (the file must be the same on every machine)\n");
      return FS_EXIT_USAGE;
    }

  /* Rank 0 alone reads and writes DIR, which other machines may not see. */
  if (root)
    {
      if (!fs_output_sweep_journal_open (out_dir, sw, u->resume, &error)
          || (sets_done = fs_output_sweep_journal_read (out_dir, sw, s.id, &error)) == NULL)
        {
          status = error->domain == FS_SWEEP_ERROR ? FS_EXIT_USAGE : FS_EXIT_FAILURE;
          fprintf (stderr, "failsim sweep: %s\n", error->message);
          if (mpi != NULL)
            fs_cli_mpi_share_runs (mpi, &todo);   /* NULL: calls the job off */
          return status;
        }
      todo = g_array_new (FALSE, FALSE, sizeof (guint64));
      for (i = 0; i < sets_done->len; i++)
        if (g_ptr_array_index (sets_done, i) == NULL)
          {
            guint64 r = i;
            g_array_append_val (todo, r);
          }
      s.on_disk = s.at_start = s.total - todo->len;
      g_clear_pointer (&sets_done, g_ptr_array_unref);
      if (u->resume && !u->quiet)
        fprintf (stderr, "failsim sweep: resuming: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                 " runs are in %s/runs/, %u to run\n", s.at_start, s.total, out_dir, todo->len);
    }
  if (mpi != NULL && !fs_cli_mpi_share_runs (mpi, &todo))
    return FS_EXIT_USAGE;   /* rank 0 said why */
  mine = my_share (mpi, todo);

  s.progress = root && !u->quiet && isatty (STDERR_FILENO);
  s.start_us = g_get_monotonic_time ();
  /* The first signal stops the starting of runs; a second ends the process at once, which
   * loses only the runs under way (every file is written atomically). */
  fs_cli_catch_signals (on_sigint);
  draw_progress (&s, TRUE);
  ran = fs_sweep_run (sw, (const guint64 *) (void *) mine->data, mine->len, u->jobs, on_done,
                      on_tick, &s, &error);
  if (!root)
    {
      /* Tell rank 0 how this rank ended; its files and messages are rank 0's to write. */
      if (!ran)
        fs_cli_mpi_send_done (mpi, FS_EXIT_USAGE, error->message);
      else
        fs_cli_mpi_send_done (mpi, interrupted ? FS_CLI_MPI_STOPPED : FS_CLI_MPI_COMPLETE, NULL);
      return ran ? FS_EXIT_OK : FS_EXIT_USAGE;
    }
  while (s.ranks_running > 0)
    {
      receive (&s);
      draw_progress (&s, FALSE);
      if (s.ranks_running > 0)
        g_usleep (5 * G_TIME_SPAN_MILLISECOND);
    }
  draw_progress (&s, TRUE);
  clear_progress (&s);
  wall_us = g_get_monotonic_time () - s.start_us;

  if (s.error != NULL)
    {
      fprintf (stderr, "failsim sweep: %s\n", s.error->message);
      return FS_EXIT_FAILURE;
    }
  if (!ran || s.rank_status >= 0)
    {
      fprintf (stderr, "failsim sweep: %s\n", !ran ? error->message
                                                    : s.rank_message ? s.rank_message : "a rank failed");
      return !ran ? FS_EXIT_USAGE : s.rank_status;
    }
  /* A stop that came after the last run started stopped nothing. */
  if ((interrupted || s.rank_status == FS_CLI_MPI_STOPPED) && s.on_disk < s.total)
    {
      fprintf (stderr, "failsim sweep: interrupted: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
               " runs are in %s/runs/; run the same command with --resume to finish the sweep\n",
               s.on_disk, s.total, out_dir);
      return FS_EXIT_INTERRUPTED;
    }

  /* Every run is on disk: the results are made from those files, however they got there. */
  sets_done = fs_output_sweep_journal_read (out_dir, sw, s.id, &error);
  if (sets_done == NULL)
    {
      fprintf (stderr, "failsim sweep: %s\n", error->message);
      return FS_EXIT_FAILURE;
    }
  for (i = 0; i < sets_done->len; i++)
    if (g_ptr_array_index (sets_done, i) == NULL)
      {
        fprintf (stderr, "failsim sweep: run %u (configuration %u, replication %u) is missing "
                 "from %s/runs/ (was it removed?); run the same command with --resume\n", i,
                 i / reps, i % reps, out_dir);
        return FS_EXIT_FAILURE;
      }
  experiments = fs_sweep_experiments (sw, g_steal_pointer (&sets_done));
  if (!fs_output_write_sweep (out_dir, sw, experiments, &error))
    {
      fprintf (stderr, "failsim sweep: %s\n", error->message);
      return FS_EXIT_FAILURE;
    }
  if (!u->quiet)
    {
      g_autofree char *text = fs_output_sweep_text (sw, experiments);
      guint used = (guint) MIN ((guint64) u->jobs, MAX ((guint64) mine->len, 1));

      fputs (text, stdout);
      printf ("\nwall %.3f s, %u job%s", wall_us / 1e6, used, used == 1 ? "" : "s");
      if (mpi != NULL)
        printf (" x %d ranks", fs_cli_mpi_size (mpi));
      printf ("; %" G_GUINT64_FORMAT " runs now, %" G_GUINT64_FORMAT " from before; results in %s\n",
              s.total - s.at_start, s.at_start, out_dir);
    }
  return check_assertions (u->assertions, sw, experiments, u->junit_path, u->quiet);
}

int
fs_cmd_sweep (int argc, char **argv)
{
  FsCliMpi *mpi = fs_cli_mpi_init ();
  g_auto (Setup) u = { 0 };
  int status, worst;

  /* Under mpirun every rank parses the same options and would print the same messages; rank 0
   * speaks for all. */
  if (mpi != NULL && fs_cli_mpi_rank (mpi) != 0)
    {
      if (freopen ("/dev/null", "w", stdout) == NULL || freopen ("/dev/null", "w", stderr) == NULL)
        g_warning ("cannot silence rank %d", fs_cli_mpi_rank (mpi));
    }
  status = setup (&u, argc, argv, mpi);
  /* Every rank learns whether every rank could set the sweep up, before any waits on another
   * (a rank on a machine without the scenario file fails where rank 0 does not). */
  worst = mpi != NULL ? fs_cli_mpi_worst (mpi, status) : status;
  if (worst != FS_EXIT_OK && status == FS_EXIT_OK && fs_cli_mpi_rank (mpi) == 0)
    fprintf (stderr, "failsim sweep: another rank could not read the sweep (is the scenario file "
             "on every machine, at the same path?)\n");
  if (worst == FS_EXIT_OK)
    status = run (&u, mpi);
  else
    status = MAX (status, worst);
  fs_cli_mpi_finish (mpi);
  return status;
}
