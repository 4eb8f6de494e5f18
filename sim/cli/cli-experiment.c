/* cli-experiment.c: what `failsim run --reps` and `failsim compare` share: counts, assertions
 * and their report. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "failsim/experiment.h"
#include "failsim/output.h"
#include "failsim/estimate.h"

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

gboolean
fs_cli_check_estimate (const char *command, const char *subject, const FsMemoryEstimate *e,
                       guint copies, const char *max_memory)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *need_text = NULL, *budget_text = NULL, *copies_text = NULL;
  uint64_t budget, need, each;

  if (max_memory != NULL)
    {
      if (!fs_parse_size (max_memory, &budget, &error))
        {
          fs_cli_usage_error (command, "--max-memory: %s", error->message);
          return FALSE;
        }
    }
  else
    {
      budget = fs_physical_memory () / 10 * 8;
      if (budget == 0)
        return TRUE;   /* unknown: no guard */
    }
  /* The program, its libraries and the loaded scenario are there once, however many
   * simulations of it run. */
  copies = MAX (copies, 1);
  each = e->bytes > FS_ESTIMATE_BASE ? e->bytes - FS_ESTIMATE_BASE : 0;
  need = each > (G_MAXUINT64 - FS_ESTIMATE_BASE) / copies ? G_MAXUINT64
                                                          : FS_ESTIMATE_BASE + each * copies;
  if (need <= budget)
    return TRUE;
  need_text = fs_format_size (need);
  budget_text = fs_format_size (budget);
  copies_text = copies > 1 ? g_strdup_printf (", %u simulations at once", copies) : g_strdup ("");
  fprintf (stderr,
           "failsim %s: %s needs an estimated %s of memory (%" G_GUINT64_FORMAT " clients, %"
           G_GUINT64_FORMAT " resolvers x %" G_GUINT64_FORMAT " names, %" G_GUINT64_FORMAT
           " routers x %" G_GUINT64_FORMAT " prefixes, %" G_GUINT64_FORMAT " hosts%s), over the "
           "budget of %s%s; raise it with --max-memory, or make the scenario smaller\n",
           command, subject, need_text, e->clients, e->resolvers, e->names, e->routers,
           e->prefixes, e->hosts, copies_text,
           budget_text, max_memory ? " (--max-memory)" : " (80% of physical memory)");
  return FALSE;
}

gboolean
fs_cli_check_memory (const char *command, const FsScenario *sc, guint copies, const char *max_memory)
{
  FsMemoryEstimate e;

  fs_scenario_estimate_memory (sc, &e);
  return fs_cli_check_estimate (command, fs_scenario_path (sc), &e, copies, max_memory);
}
