/* cmd-validate.c: `failsim validate`: load and check scenario files without running them. */
#include <stdio.h>

#include "cli.h"
#include "failsim/scenario.h"

int
fs_cmd_validate (int argc, char **argv)
{
  g_auto (GStrv) sets = NULL;
  gboolean quiet = FALSE, strict = FALSE;
  const GOptionEntry entries[] = {
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Apply an override before checking, as failsim run does (repeatable)", "KEY=VALUE" },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict, "Treat warnings as errors", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print only problems, not 'FILE: ok'", NULL },
    G_OPTION_ENTRY_NULL
  };
  int status = FS_EXIT_OK;
  int i;

  if (!fs_cli_parse ("validate", "SCENARIO...",
                     "Check scenario files without running them.",
                     "Every problem is printed as FILE:LINE:COL: error: message (or warning:), the\n"
                     "form editors and CI annotate; all problems of a file are listed, not only the\n"
                     "first. A file with no errors prints 'FILE: ok'.\n"
                     "\n"
                     "Examples:\n"
                     "  failsim validate scenarios/*.yaml\n"
                     "  failsim validate --strict --set seed=3 scenarios/site-outage.yaml\n"
                     "\n"
                     "Exit status: 0 when every file is clean (warnings allowed unless --strict),\n"
                     "2 when any file has an error, or on a usage error.",
                     entries, &argc, &argv))
    return FS_EXIT_USAGE;
  if (argc < 2)
    return fs_cli_usage_error ("validate", "at least one scenario file is required");

  for (i = 1; i < argc; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (FsScenario) sc = fs_scenario_load (argv[i], (const char *const *) sets, &error);
      const GPtrArray *warnings;
      guint w;

      if (sc == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          status = FS_EXIT_USAGE;
          continue;
        }
      warnings = fs_scenario_warnings (sc);
      for (w = 0; w < warnings->len; w++)
        fprintf (stderr, "%s\n", (const char *) g_ptr_array_index (warnings, w));
      if (strict && warnings->len > 0)
        {
          status = FS_EXIT_USAGE;
          continue;
        }
      if (!quiet)
        printf ("%s: ok\n", argv[i]);
    }
  return status;
}
