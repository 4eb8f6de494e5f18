/* main.c: the failsim program: global options and a table of subcommands. */
#include <gsl/gsl_errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "failsim/node.h"
#include "fs-config.h"

static const FsCommand commands[] = {
  { "run", "run a scenario once and print a summary, or R times (--reps) with confidence intervals", fs_cmd_run },
  { "compare", "compare variants of a scenario over the same replications, with paired differences", fs_cmd_compare },
  { "sweep", "run a scenario over the product of parameter values, R replications each, resumable", fs_cmd_sweep },
  { "generate", "write a large synthetic estate (sites, VMs, DNS, clients) as a scenario file", fs_cmd_generate },
  { "exercise", "run a training exercise: pause, look, act, and be debriefed against a reference", fs_cmd_exercise },
  { "report", "make one self-contained HTML page (topology, availability, downtime) of a run directory", fs_cmd_report },
  { "validate", "check scenario files without running them", fs_cmd_validate },
  { "keys", "list every scenario key and timeline action, with types and defaults", fs_cmd_keys },
};

static void
print_usage (FILE *out)
{
  guint i;

  fprintf (out,
           "Usage: failsim COMMAND [OPTION...] [ARG...]\n"
           "\n"
           "failsim simulates site failover: sites, networks, DNS and clients, a failure, the\n"
           "recovery plan, and what clients see. It measures client-visible downtime and how\n"
           "far a fault spreads.\n"
           "\n"
           "Commands:\n");
  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out,
           "  %-10s %s\n"
           "\n"
           "Options:\n"
           "  -h, --help       show this help\n"
           "  --version        print the version\n"
           "\n"
           "Run 'failsim COMMAND --help' for a command's options.\n"
           "Exit status: 0 success, 1 internal failure, 2 usage or input error.\n"
           "Documentation: docs/cli.md, docs/scenario-format.md and the other pages in docs/.\n",
           "help", "show the help of a command (failsim help run)");
}

static const FsCommand *
find_command (const char *name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

static const char *
closest_command (const char *name)
{
  const char *names[G_N_ELEMENTS (commands) + 2] = { NULL };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      /* A prefix is the likely slip with names this short ("val" for validate). */
      if (strlen (name) >= 2 && g_str_has_prefix (commands[i].name, name))
        return commands[i].name;
      names[i] = commands[i].name;
    }
  names[i] = "help";
  return fs_node_closest (name, names);
}

/* GSL's default handler calls abort(). Inputs are checked before they reach GSL, so an error
 * here is failsim's own: say so, and exit with the status for internal failures. */
static void
on_gsl_error (const char *reason, const char *file, int line, int gsl_errno)
{
  fprintf (stderr, "failsim: internal error in GSL (%s:%d): %s\n", file, line, reason);
  exit (FS_EXIT_FAILURE);
}

int
main (int argc, char **argv)
{
  const FsCommand *cmd;

  setlocale (LC_ALL, "");
  /* Numbers in every output read the same whatever the user's locale: a decimal point. */
  setlocale (LC_NUMERIC, "C");
  gsl_set_error_handler (on_gsl_error);
  if (argc < 2)
    {
      print_usage (stderr);
      return FS_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_usage (stdout);
      return FS_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("failsim %s\n", FS_VERSION);
      return FS_EXIT_OK;
    }
  if (strcmp (argv[1], "help") == 0)
    {
      char *help_argv[] = { NULL, (char *) "--help", NULL };

      if (argc < 3)
        {
          print_usage (stdout);
          return FS_EXIT_OK;
        }
      cmd = find_command (argv[2]);
      if (cmd == NULL)
        return fs_cli_usage_error ("help", "unknown command '%s'", argv[2]);
      help_argv[0] = argv[2];
      return cmd->main (2, help_argv);
    }
  cmd = find_command (argv[1]);
  if (cmd == NULL)
    {
      const char *close = closest_command (argv[1]);

      if (argv[1][0] == '-')
        fprintf (stderr, "failsim: unknown option '%s'\n", argv[1]);
      else if (close)
        fprintf (stderr, "failsim: unknown command '%s'; did you mean '%s'?\n", argv[1], close);
      else
        fprintf (stderr, "failsim: unknown command '%s'\n", argv[1]);
      fprintf (stderr, "Run 'failsim --help' for the list of commands.\n");
      return FS_EXIT_USAGE;
    }
  return cmd->main (argc - 1, argv + 1);
}

gboolean
fs_cli_parse (const char *command, const char *parameter, const char *summary,
              const char *description, const GOptionEntry *entries, int *argc, char ***argv)
{
  g_autoptr (GOptionContext) ctx = g_option_context_new (parameter);
  g_autoptr (GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("failsim %s", command);

  g_set_prgname (prgname);
  g_option_context_set_summary (ctx, summary);
  g_option_context_set_description (ctx, description);
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      fs_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

int
fs_cli_usage_error (const char *command, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "failsim %s: %s\nRun 'failsim %s --help' for its options.\n", command, message,
           command);
  return FS_EXIT_USAGE;
}

void
fs_cli_catch_signals (void (*handler) (int))
{
  struct sigaction sa;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
}
