/* cmd-keys.c: `failsim keys`: the scenario format as the registry knows it, so the reference a
 * user reads is generated from the same tables the loader checks against. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "failsim/scenario.h"

static char *
describe_type (const FsField *f)
{
  GString *s = g_string_new (NULL);
  char lo[FS_TIME_BUFSZ], hi[FS_TIME_BUFSZ];

  switch (f->type)
    {
    case FS_FIELD_STRING:
      g_string_append (s, "text");
      break;
    case FS_FIELD_NAME:
      g_string_append (s, "name");
      break;
    case FS_FIELD_BOOL:
      g_string_append (s, "true or false");
      break;
    case FS_FIELD_INT:
      g_string_append (s, "whole number");
      if (f->max > f->min)
        g_string_append_printf (s, " from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT, f->min, f->max);
      break;
    case FS_FIELD_UINT64:
      g_string_append (s, "whole number from 0 to 2^64-1");
      break;
    case FS_FIELD_DOUBLE:
      g_string_append (s, "number");
      if (f->dmax > f->dmin)
        g_string_append_printf (s, " from %g to %g", f->dmin, f->dmax);
      break;
    case FS_FIELD_PROB:
      g_string_append (s, "probability (0 to 1, or a percentage)");
      break;
    case FS_FIELD_DURATION:
      g_string_append (s, "duration");
      if (f->max > f->min)
        {
          fs_time_format (f->min, lo, sizeof lo);
          fs_time_format (f->max, hi, sizeof hi);
          if (f->max == FS_TIME_MAX)
            g_string_append_printf (s, " of at least %s", lo);
          else
            g_string_append_printf (s, " from %s to %s", lo, hi);
        }
      break;
    case FS_FIELD_DIST:
      g_string_append (s, "duration or distribution");
      break;
    case FS_FIELD_ENUM:
      {
        g_autofree char *list = g_strjoinv (", ", (char **) f->choices);
        g_string_append_printf (s, "one of %s", list);
      }
      break;
    case FS_FIELD_NODE:
      g_string_append (s, "section");
      break;
    }
  if (f->required)
    g_string_append (s, "; required");
  else if (f->def != NULL)
    g_string_append_printf (s, "; default %s", f->def);
  return g_string_free (s, FALSE);
}

static void
print_fields (const FsField *fields, const char *indent)
{
  guint i;

  for (i = 0; fields != NULL && fields[i].key != NULL; i++)
    {
      g_autofree char *type = describe_type (&fields[i]);

      printf ("%s%-14s %s\n", indent, fields[i].key, type);
      if (fields[i].help)
        printf ("%s%-14s %s\n", indent, "", fields[i].help);
      if (fields[i].example)
        printf ("%s%-14s example: %s: %s\n", indent, "", fields[i].key, fields[i].example);
    }
}

int
fs_cmd_keys (int argc, char **argv)
{
  const GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
  const FsSection *const *sections;
  const FsAction *const *actions;
  guint n, i;

  if (!fs_cli_parse ("keys", "", "List every scenario key and timeline action.",
                     "The list comes from the tables the loader checks scenarios against, so it is\n"
                     "always exactly what this build of failsim accepts. docs/scenario-format.md\n"
                     "explains each key with examples.\n"
                     "\n"
                     "Exit status: 0 success, 2 usage error.",
                     entries, &argc, &argv))
    return FS_EXIT_USAGE;
  if (argc > 1)
    return fs_cli_usage_error ("keys", "unexpected argument '%s'", argv[1]);

  printf ("Top-level keys\n");
  print_fields (fs_scenario_common_fields (), "  ");
  sections = fs_scenario_sections (&n);
  for (i = 0; i < n; i++)
    printf ("  %-14s section (%s model); %s\n", sections[i]->key, sections[i]->model, sections[i]->help);
  for (i = 0; i < n; i++)
    {
      printf ("\n%s: %s\n", sections[i]->key, sections[i]->is_mapping ? "a mapping of" : "each item has");
      print_fields (sections[i]->fields, "  ");
      if (sections[i]->sub_fields != NULL)
        {
          printf ("\n%s: %s: each item has\n", sections[i]->key, sections[i]->sub_key);
          print_fields (sections[i]->sub_fields, "  ");
        }
    }
  actions = fs_scenario_actions (&n);
  printf ("\nTimeline actions (action: NAME, with these keys besides at/action/id/after/note)\n");
  for (i = 0; i < n; i++)
    {
      printf ("  %s\n      %s\n", actions[i]->name, actions[i]->help);
      print_fields (actions[i]->fields, "      ");
    }
  return FS_EXIT_OK;
}
