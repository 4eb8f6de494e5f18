/* cmd-compare.c: `failsim compare`: variants of a scenario side by side, over the same
 * replications, with paired differences and a verdict per metric. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "failsim/experiment.h"
#include "failsim/output.h"
#include "failsim/scenario.h"

typedef struct {
  char *name;
  char *file;
  GStrv overrides;            /* the variant's own --set values (after the common ones) */
  FsScenario *scenario;
  FsExperiment *experiment;
} Variant;

static void
variant_clear (gpointer p)
{
  Variant *v = p;

  fs_experiment_free (v->experiment);   /* before the scenario it borrows */
  fs_scenario_free (v->scenario);
  g_free (v->name);
  g_free (v->file);
  g_strfreev (v->overrides);
}

static void
result_clear (gpointer p)
{
  fs_assertion_result_clear (p);
}

/* A variant's name: letters, digits and . _ - + #, so that it reads as an assertion prefix
 * ("ttl30:downtime.p95 < 5m") and as a column header. */
static gboolean
valid_name (const char *name)
{
  const char *p;

  if (*name == '\0')
    return FALSE;
  for (p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._-+#", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* "NAME: KEY=VALUE; KEY=VALUE" -> @v's name and overrides. A value cannot hold ';' (put such a
 * variant in a file of its own). */
static gboolean
parse_variant (const char *spec, Variant *v)
{
  const char *colon = strchr (spec, ':');
  g_auto (GStrv) parts = NULL;
  g_autoptr (GPtrArray) sets = g_ptr_array_new_with_free_func (g_free);
  guint i;

  if (colon == NULL)
    {
      fs_cli_usage_error ("compare", "--variant '%s': expected NAME: KEY=VALUE[; KEY=VALUE...], "
                          "such as 'ttl30: zones.0.records.0.ttl=30s' ('NAME:' alone is the "
                          "scenario as it is)", spec);
      return FALSE;
    }
  v->name = g_strstrip (g_strndup (spec, (size_t) (colon - spec)));
  if (!valid_name (v->name))
    {
      fs_cli_usage_error ("compare", "--variant '%s': the name '%s' must be letters, digits and "
                          ". _ - + # only", spec, v->name);
      return FALSE;
    }
  parts = g_strsplit (colon + 1, ";", -1);
  for (i = 0; parts[i] != NULL; i++)
    {
      char *set = g_strstrip (parts[i]);

      if (*set == '\0')
        continue;
      if (strchr (set, '=') == NULL || *set == '=')
        {
          fs_cli_usage_error ("compare", "--variant '%s': '%s' is not KEY=VALUE", spec, set);
          return FALSE;
        }
      g_ptr_array_add (sets, g_strdup (set));
    }
  g_ptr_array_add (sets, NULL);
  v->overrides = (GStrv) g_ptr_array_free (g_steal_pointer (&sets), FALSE);
  return TRUE;
}

/* A file's variant name: its base name without .yaml or .yml. */
static char *
name_of_file (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);

  if (g_str_has_suffix (base, ".yaml"))
    base[strlen (base) - 5] = '\0';
  else if (g_str_has_suffix (base, ".yml"))
    base[strlen (base) - 4] = '\0';
  return g_steal_pointer (&base);
}

/* Makes names unique in order: a second "a" becomes "a#2". */
static void
make_names_unique (GArray *variants)
{
  guint i, j;

  for (i = 1; i < variants->len; i++)
    {
      Variant *v = &g_array_index (variants, Variant, i);
      guint same = 1;

      for (j = 0; j < i; j++)
        if (g_str_has_prefix (g_array_index (variants, Variant, j).name, v->name))
          {
            const char *rest = g_array_index (variants, Variant, j).name + strlen (v->name);

            same += rest[0] == '\0' || rest[0] == '#';
          }
      if (same > 1)
        {
          char *unique = g_strdup_printf ("%s#%u", v->name, same);

          g_free (v->name);
          v->name = unique;
        }
    }
}

static const char *const description =
  "Runs every variant over the same replications and compares them metric by metric:\n"
  "each variant's mean with its 95% confidence interval, and for every variant after\n"
  "the first, the paired difference to the first (replication k of one minus\n"
  "replication k of the other) with its own interval and a verdict. Replication k of\n"
  "every variant uses the same seed and index, so it draws the same random numbers\n"
  "for what the variants share (common random numbers): see docs/experiments.md.\n"
  "\n"
  "Variants are two or more scenario files, or one file and two or more --variant:\n"
  "  --variant 'NAME: KEY=VALUE[; KEY=VALUE...]'\n"
  "applies those --set overrides to the file; 'NAME:' alone is the file as it is. A\n"
  "file's variant is named after it (change-ip-failover-ttl30). --set applies to\n"
  "every variant, before the variant's own overrides. Every variant runs with one\n"
  "seed: --seed, else the first scenario's.\n"
  "\n"
  "An assertion is METRIC OP VALUE (see failsim run --help); 'NAME:METRIC OP VALUE'\n"
  "checks one variant, and without a prefix it is checked for every variant.\n"
  "\n"
  "Examples:\n"
  "  failsim compare scenarios/change-ip-failover.yaml scenarios/change-ip-failover-ttl30.yaml\n"
  "  failsim compare scenarios/change-ip-failover.yaml --reps 20 \\\n"
  "      --variant 'ttl300:' --variant 'ttl30: zones.0.records.0.ttl=30s' --out out/ttl\n"
  "  failsim compare A.yaml B.yaml --assert 'B:downtime.p95 < 5m' --junit junit.xml\n"
  "\n"
  "Exit status: 0 success, 1 internal failure or a failed assertion, 2 usage or\n"
  "input error.";

int
fs_cmd_compare (int argc, char **argv)
{
  g_autofree char *seed_text = NULL;
  g_autofree char *rep_text = NULL;
  g_autofree char *until_text = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *reps_text = NULL;
  g_autofree char *jobs_text = NULL;
  g_autofree char *junit_path = NULL;
  g_autofree char *max_memory = NULL;
  g_auto (GStrv) sets = NULL;
  g_auto (GStrv) variant_specs = NULL;
  g_auto (GStrv) assert_texts = NULL;
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "reps", 'r', 0, G_OPTION_ARG_STRING, &reps_text,
      "Replications of each variant (default 10)", "R" },
    { "jobs", 'j', 0, G_OPTION_ARG_STRING, &jobs_text,
      "Run replications on N threads (default: the number of processors); the results do not depend on N", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text,
      "Seed of every variant (default: the first scenario's seed:, else 1)", "N" },
    { "rep", 0, 0, G_OPTION_ARG_STRING, &rep_text,
      "Index of the first replication (default 0)", "K" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Override a scalar of every variant by its dotted path (repeatable)", "KEY=VALUE" },
    { "variant", 'V', 0, G_OPTION_ARG_STRING_ARRAY, &variant_specs,
      "A variant of the one scenario file: a name and --set overrides (repeatable), e.g. 'ttl30: zones.0.records.0.ttl=30s'",
      "'NAME: KEY=VALUE[; ...]'" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until_text,
      "Simulated time to run every variant to (default: each scenario's duration:)", "DURATION" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Write compare.csv and compare.json into DIR (created if needed)", "DIR" },
    { "assert", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &assert_texts,
      "Check [NAME:]METRIC OP VALUE (repeatable), e.g. 'ttl30:downtime.p95 < 5m'; exit status 1 if one fails", "EXPR" },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit_path,
      "Write the assertions' results as JUnit XML to FILE", "FILE" },
    { "max-memory", 0, 0, G_OPTION_ARG_STRING, &max_memory, FS_CLI_MAX_MEMORY_HELP, "SIZE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing but errors", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr (GArray) variants = g_array_new (FALSE, TRUE, sizeof (Variant));
  g_autoptr (GArray) results = g_array_new (FALSE, TRUE, sizeof (FsAssertionResult));
  g_autoptr (GPtrArray) assertions = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree const char **names = NULL;
  g_autofree FsVariant *table = NULL;
  g_autoptr (GString) suite = g_string_new ("failsim compare");
  FsExperimentOptions opt = { 1, 0, 10, 0, 0, NULL };
  gboolean seed_given;
  FsTime until = -1;
  gint64 wall_start, wall_us;
  guint i, j;

  g_array_set_clear_func (variants, variant_clear);
  g_array_set_clear_func (results, result_clear);
  opt.jobs = fs_cli_default_jobs ();
  if (!fs_cli_parse ("compare", "SCENARIO... | SCENARIO --variant SPEC --variant SPEC...",
                     "Compare variants of a scenario over the same replications.", description,
                     entries, &argc, &argv))
    return FS_EXIT_USAGE;
  seed_given = seed_text != NULL;
  if (!fs_cli_parse_count ("compare", "--reps", reps_text, 1, &opt.reps)
      || !fs_cli_parse_count ("compare", "--jobs", jobs_text, 1, &opt.jobs))
    return FS_EXIT_USAGE;
  if (seed_text != NULL && !g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &opt.seed, &error))
    return fs_cli_usage_error ("compare", "--seed: %s", error->message);
  if (rep_text != NULL
      && !g_ascii_string_to_unsigned (rep_text, 10, 0, G_MAXUINT64 - (opt.reps - 1),
                                      &opt.first_replication, &error))
    return fs_cli_usage_error ("compare", "--rep: %s", error->message);
  if (until_text != NULL && !fs_time_parse (until_text, &until, &error))
    return fs_cli_usage_error ("compare", "--until: %s", error->message);

  if (variant_specs != NULL)
    {
      if (argc != 2)
        return fs_cli_usage_error ("compare", argc < 2 ? "--variant needs a scenario file"
                                   : "--variant applies to one scenario file (got %d)", argc - 1);
      for (i = 0; variant_specs[i] != NULL; i++)
        {
          Variant v = { 0 };

          g_array_append_val (variants, v);
          if (!parse_variant (variant_specs[i], &g_array_index (variants, Variant, i)))
            return FS_EXIT_USAGE;
          g_array_index (variants, Variant, i).file = g_strdup (argv[1]);
          for (j = 0; j < i; j++)
            if (strcmp (g_array_index (variants, Variant, j).name,
                        g_array_index (variants, Variant, i).name) == 0)
              return fs_cli_usage_error ("compare", "two variants are named '%s'",
                                         g_array_index (variants, Variant, i).name);
        }
      if (variants->len < 2)
        return fs_cli_usage_error ("compare", "compare needs at least two variants; add "
                                   "--variant 'base:' to compare with the scenario as it is");
    }
  else
    {
      if (argc < 3)
        return fs_cli_usage_error ("compare", "at least two scenario files are required, or one "
                                   "with two or more --variant");
      for (i = 1; i < (guint) argc; i++)
        {
          Variant v = { 0 };

          v.name = name_of_file (argv[i]);
          v.file = g_strdup (argv[i]);
          v.overrides = g_new0 (char *, 1);
          g_array_append_val (variants, v);
        }
      make_names_unique (variants);
    }

  names = g_new0 (const char *, variants->len + 1);
  for (i = 0; i < variants->len; i++)
    names[i] = g_array_index (variants, Variant, i).name;
  if ((assertions = fs_cli_parse_assertions ("compare", assert_texts, names)) == NULL)
    return FS_EXIT_USAGE;

  for (i = 0; i < variants->len; i++)
    {
      Variant *v = &g_array_index (variants, Variant, i);
      g_autoptr (GPtrArray) all = g_ptr_array_new ();
      const GPtrArray *warnings;

      for (j = 0; sets != NULL && sets[j] != NULL; j++)
        g_ptr_array_add (all, sets[j]);
      for (j = 0; v->overrides[j] != NULL; j++)
        g_ptr_array_add (all, v->overrides[j]);
      g_ptr_array_add (all, NULL);
      v->scenario = fs_scenario_load (v->file, (const char *const *) all->pdata, &error);
      if (v->scenario == NULL)
        {
          if (variant_specs != NULL)
            fprintf (stderr, "failsim compare: variant '%s':\n", v->name);
          fprintf (stderr, "%s\n", error->message);
          return FS_EXIT_USAGE;
        }
      /* A file's warnings once, not once per variant of it. */
      warnings = fs_scenario_warnings (v->scenario);
      for (j = 0; (variant_specs == NULL || i == 0) && j < warnings->len; j++)
        fprintf (stderr, "%s\n", (const char *) g_ptr_array_index (warnings, j));
      if (!fs_cli_check_memory ("compare", v->scenario,
                                (guint) MIN ((guint64) opt.jobs, (guint64) opt.reps * variants->len),
                                max_memory))
        return FS_EXIT_USAGE;
    }

  /* One seed for all, or replication k of two variants would not draw the same numbers. */
  if (!seed_given)
    {
      const FsScenario *first = g_array_index (variants, Variant, 0).scenario;

      opt.seed = fs_scenario_seed (first);
      for (i = 1; i < variants->len; i++)
        {
          const Variant *v = &g_array_index (variants, Variant, i);

          if (fs_scenario_seed (v->scenario) != opt.seed)
            fprintf (stderr, "failsim compare: note: %s has seed %" G_GUINT64_FORMAT "; every variant "
                     "runs with seed %" G_GUINT64_FORMAT " (the first scenario's) so that they "
                     "share their random numbers\n", v->name, fs_scenario_seed (v->scenario), opt.seed);
        }
    }

  wall_start = g_get_monotonic_time ();
  for (i = 0; i < variants->len; i++)
    {
      Variant *v = &g_array_index (variants, Variant, i);
      FsExperimentOptions o = opt;

      o.horizon = until >= 0 ? until : fs_scenario_duration (v->scenario);
      v->experiment = fs_experiment_run (v->scenario, &o, &error);
      if (v->experiment == NULL)
        {
          fprintf (stderr, "failsim compare: %s: %s\n", v->name, error->message);
          return FS_EXIT_USAGE;
        }
    }
  wall_us = g_get_monotonic_time () - wall_start;

  table = g_new0 (FsVariant, variants->len);
  for (i = 0; i < variants->len; i++)
    {
      table[i].name = g_array_index (variants, Variant, i).name;
      table[i].experiment = g_array_index (variants, Variant, i).experiment;
    }
  if (out_dir != NULL && !fs_output_write_compare (out_dir, table, variants->len, &error))
    {
      fprintf (stderr, "failsim compare: %s\n", error->message);
      return FS_EXIT_FAILURE;
    }
  if (!quiet)
    {
      g_autofree char *text = fs_output_compare_text (table, variants->len);
      guint jobs = MIN (opt.jobs, opt.reps);

      fputs (text, stdout);
      printf ("\nwall %.3f s, %u job%s%s%s\n", wall_us / 1e6, jobs, jobs == 1 ? "" : "s",
              out_dir ? "; results in " : "", out_dir ? out_dir : "");
    }

  if (assertions->len == 0 && junit_path == NULL)
    return FS_EXIT_OK;
  for (i = 0; i < assertions->len; i++)
    {
      const FsAssertion *a = g_ptr_array_index (assertions, i);

      for (j = 0; j < variants->len; j++)
        {
          FsAssertionResult r = { 0 };
          g_autofree char *name = NULL;

          if (a->variant != NULL && strcmp (a->variant, table[j].name) != 0)
            continue;
          /* Without a prefix the assertion holds for every variant, and each is a test. */
          name = a->variant != NULL ? g_strdup (a->text)
                                    : g_strdup_printf ("%s:%s", table[j].name, a->text);
          fs_assertion_check (a, table[j].experiment, name, &r);
          g_array_append_val (results, r);
        }
    }
  for (i = 0; i < variants->len; i++)
    g_string_append_printf (suite, " %s", g_array_index (variants, Variant, i).name);
  return fs_cli_report_assertions ("compare", suite->str, results, junit_path, quiet);
}
