/* cli-experiment.c: what `failsim run --reps` and `failsim compare` share: counts, assertions
 * and their report. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "failsim/experiment.h"
#include "failsim/output.h"

gboolean
fs_cli_parse_count (const char *command, const char *option, const char *text, guint min,
                    guint *out)
{
  g_autoptr (GError) error = NULL;
  guint64 v;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, min, G_MAXINT, &v, &error))
    {
      fs_cli_usage_error (command, "%s: %s", option, error->message);
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

guint
fs_cli_default_jobs (void)
{
  return MAX (g_get_num_processors (), 1);
}

GPtrArray *
fs_cli_parse_assertions (const char *command, char **texts, const char *const *variants)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_assertion_free);
  guint i;

  for (i = 0; texts != NULL && texts[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      FsAssertion *a = fs_assertion_parse (texts[i], variants, &error);

      if (a == NULL)
        {
          fs_cli_usage_error (command, "--assert '%s': %s", texts[i], error->message);
          return NULL;
        }
      g_ptr_array_add (list, a);
    }
  return g_steal_pointer (&list);
}

int
fs_cli_report_assertions (const char *command, const char *suite, GArray *results,
                          const char *junit_path, gboolean quiet)
{
  const FsAssertionResult *r = (const FsAssertionResult *) (void *) results->data;
  int status = FS_EXIT_OK;
  guint i, failed = 0;

  for (i = 0; i < results->len; i++)
    failed += !r[i].pass;
  if (!quiet && results->len > 0)
    printf ("\nassertions: %u passed, %u failed\n", results->len - failed, failed);
  for (i = 0; i < results->len; i++)
    {
      if (quiet && r[i].pass)
        continue;
      fprintf (quiet ? stderr : stdout, "  %s  %s: %s\n", r[i].pass ? "PASS" : "FAIL", r[i].name,
               r[i].message);
    }
  if (failed > 0)
    status = FS_EXIT_FAILURE;
  if (junit_path != NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *xml = fs_output_junit (suite, r, results->len);

      if (!fs_output_write_file (junit_path, xml, -1, &error))
        {
          fprintf (stderr, "failsim %s: --junit: %s\n", command, error->message);
          status = FS_EXIT_FAILURE;
        }
    }
  return status;
}
