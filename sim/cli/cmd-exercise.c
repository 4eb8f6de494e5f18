/* cmd-exercise.c: `failsim exercise`: a training session at a terminal, or replayed from a
 * script. The session itself (sim/exercise) takes a line and returns text; this file only
 * reads lines (readline when a person types, plain lines from a script or a pipe) and prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include "cli.h"
#include "failsim/exercise.h"
#include "failsim/scenario.h"
#include "fs-config.h"

#if FS_HAVE_READLINE
#include <readline/history.h>
#include <readline/readline.h>
#endif

#if FS_HAVE_READLINE
static FsExercise *completing;   /* readline's callbacks take no user data */
static char **candidates;
static guint next_candidate;

static char *
candidate_generator (const char *text, int state)
{
  (void) text;
  if (state == 0)
    next_candidate = 0;
  if (candidates == NULL || candidates[next_candidate] == NULL)
    return NULL;
  /* readline frees what it is given with free(). */
  return strdup (candidates[next_candidate++]);
}

static char **
complete (const char *text, int start, int end)
{
  g_autofree char *line = g_strndup (rl_line_buffer, (gsize) start);

  (void) end;
  rl_attempted_completion_over = 1;   /* never fall back to file names */
  g_clear_pointer (&candidates, g_strfreev);
  candidates = fs_exercise_complete (completing, line, text);
  return rl_completion_matches (text, candidate_generator);
}
#endif

/* The next line the trainee types, without its newline, or NULL at the end of input. */
static char *
read_line (FILE *script, gboolean interactive, const char *prompt)
{
#if FS_HAVE_READLINE
  if (interactive)
    {
      char *typed = readline (prompt);
      char *line;

      if (typed == NULL)
        return NULL;
      if (typed[0] != '\0')
        add_history (typed);
      line = g_strdup (typed);
      free (typed);
      return line;
    }
#endif
  {
    char buf[4096];
    gsize n;

    if (interactive)
      {
        fputs (prompt, stdout);
        fflush (stdout);
      }
    if (fgets (buf, sizeof buf, script) == NULL)
      return NULL;
    n = strcspn (buf, "\r\n");
    buf[n] = '\0';
    if (!interactive)
      printf ("%s%s\n", prompt, buf);   /* a replayed session reads like a typed one */
    return g_strdup (buf);
  }
}

int
fs_cmd_exercise (int argc, char **argv)
{
  g_autofree char *seed_text = NULL;
  g_autofree char *until_text = NULL;
  g_autofree char *script_path = NULL;
  g_autofree char *max_memory = NULL;
  g_auto (GStrv) sets = NULL;
  const GOptionEntry entries[] = {
    { "script", 0, 0, G_OPTION_ARG_FILENAME, &script_path,
      "Read the commands from FILE ('-': standard input) instead of the terminal; each is printed after its prompt, so the output reads like the session", "FILE" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "Seed of every random stream (default: the scenario's seed:, else 1); the debrief uses the same", "N" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until_text,
      "Where the exercise ends (default: the scenario's duration:), e.g. 90m", "DURATION" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Override a scalar of the scenario by its dotted path (repeatable)", "KEY=VALUE" },
    { "max-memory", 0, 0, G_OPTION_ARG_STRING, &max_memory, FS_CLI_MAX_MEMORY_HELP, "SIZE" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (FsScenario) sc = NULL;
  g_autoptr (FsExercise) ex = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *intro = NULL;
  FILE *script = NULL;
  gboolean interactive;
  FsExerciseState state;
  uint64_t seed;
  FsTime horizon;
  guint i;

  if (!fs_cli_parse ("exercise", "FILE",
                     "Run a training exercise: the scenario runs and pauses at the exercise's\n"
                     "decision points; at each pause you look at the network, act, and let time\n"
                     "pass. At the end a debrief compares your run with the exercise's reference\n"
                     "plan and with doing nothing: client downtime phase by phase, fault spread,\n"
                     "DNS load.",
                     "Commands at the prompt (help shows them with examples):\n"
                     "  look:  status, routes ROUTER, cache RESOLVER, vlan VLAN, clients, log [N]\n"
                     "  act:   do ACTION KEY=VALUE..., e.g.\n"
                     "           do dr.failover plan=rp-app group=2\n"
                     "           do dns.update name=app.contoso.com value=172.16.1.10 ttl=30s\n"
                     "           do subnet.move subnet=app site=recovery\n"
                     "           do vlan.isolate vlan=app-vlan\n"
                     "           do circuit.disconnect link=er-east\n"
                     "         actions [ACTION] lists what you can do and each action's keys\n"
                     "  time:  step [DURATION], next, continue, pause DURATION, end\n"
                     "  other: debrief, help [COMMAND], quit\n"
                     "A person at a terminal gets history and tab completion (of commands,\n"
                     "actions, keys and names). A script (--script, or commands piped to\n"
                     "standard input) replays a session exactly: the same file, seed and\n"
                     "commands give the same output, byte for byte. Lines starting with # are\n"
                     "comments. The exercise's keys (briefing, decisions, reference) are in\n"
                     "docs/scenario-format.md; a scenario without them can be explored too.\n"
                     "\n"
                     "Examples:\n"
                     "  failsim exercise scenarios/exercises/dns-script-fails.yaml\n"
                     "  failsim exercise scenarios/exercises/dns-script-fails.yaml --script session.txt\n"
                     "  printf 'continue\\nstatus\\nend\\n' | failsim exercise scenarios/change-ip-failover.yaml\n"
                     "\n"
                     "Exit status: 0 when the session ended (by end, quit or the end of the\n"
                     "script), 1 internal failure, 2 usage or input error (or a scenario over\n"
                     "the memory budget: four simulations of it are reckoned, as the debrief\n"
                     "holds that many).",
                     entries, &argc, &argv))
    return FS_EXIT_USAGE;
  if (argc != 2)
    return fs_cli_usage_error ("exercise", argc < 2 ? "an exercise file is required"
                                                    : "one exercise at a time (got %d)", argc - 1);
  sc = fs_scenario_load (argv[1], (const char *const *) sets, &error);
  if (sc == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return FS_EXIT_USAGE;
    }
  for (i = 0; i < fs_scenario_warnings (sc)->len; i++)
    fprintf (stderr, "%s\n", (char *) g_ptr_array_index (fs_scenario_warnings (sc), i));
  seed = fs_scenario_seed (sc);
  if (seed_text != NULL && !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, &error))
    return fs_cli_usage_error ("exercise", "--seed: %s", error->message);
  horizon = fs_scenario_duration (sc);
  if (until_text != NULL && !fs_time_parse (until_text, &horizon, &error))
    return fs_cli_usage_error ("exercise", "--until: %s", error->message);
  /* The session's sim and, at a debrief before the end, the reference run, the run without
   * action and a replay of the trainee's: four at once. */
  if (!fs_cli_check_memory ("exercise", sc, 4, max_memory))
    return FS_EXIT_USAGE;
  if (script_path != NULL && strcmp (script_path, "-") != 0)
    {
      script = fopen (script_path, "r");
      if (script == NULL)
        return fs_cli_usage_error ("exercise", "--script: cannot open %s: %s", script_path, g_strerror (errno));
    }
  else
    script = stdin;
  interactive = script_path == NULL && isatty (STDIN_FILENO);
  if (!fs_exercise_scenario_has (sc))
    fprintf (stderr, "failsim exercise: %s has no exercise: key; it runs with no decision points "
             "and no reference plan\n", argv[1]);

  ex = fs_exercise_new (sc, seed, horizon, &error);
  if (ex == NULL)
    {
      if (script != stdin)
        fclose (script);
      fprintf (stderr, "failsim exercise: %s\n", error->message);
      return FS_EXIT_USAGE;
    }
#if FS_HAVE_READLINE
  if (interactive)
    {
      completing = ex;
      rl_readline_name = "failsim";
      rl_attempted_completion_function = complete;
      rl_completer_word_break_characters = (char *) " \t";
    }
#endif
  intro = fs_exercise_start (ex);
  fputs (intro, stdout);
  fflush (stdout);
  state = fs_exercise_is_over (ex) ? FS_EXERCISE_ENDED : FS_EXERCISE_GOING;
  while (state == FS_EXERCISE_GOING)
    {
      g_autofree char *prompt = fs_exercise_prompt (ex);
      g_autofree char *line = read_line (script, interactive, prompt);
      g_autoptr (GString) out = g_string_new (NULL);

      if (line == NULL)
        {
          if (interactive)
            fputc ('\n', stdout);
          printf ("(the %s ended; the exercise stops here without a debrief: 'end' runs it to "
                  "the end and debriefs)\n", interactive ? "input" : "script");
          break;
        }
      state = fs_exercise_execute (ex, line, out);
      fputs (out->str, stdout);
      fflush (stdout);
    }
#if FS_HAVE_READLINE
  if (interactive)
    {
      completing = NULL;
      g_clear_pointer (&candidates, g_strfreev);
      clear_history ();
    }
#endif
  if (script != stdin)
    fclose (script);
  return FS_EXIT_OK;
}
