/* output-experiment.c: the files and tables of replicated runs and comparisons, and JUnit XML
 * for assertions. Like output.c, every file depends only on the scenarios, the seed and the
 * options, never on the number of threads, the clock or the machine. */
#include "failsim/output.h"
#include "output-private.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "fs-config.h"

/* --- numbers ------------------------------------------------------------------------------------- */

/* The shortest text that reads back to @v exactly ("329.502345", not "329.50234500000001"), so
 * the CSV files are readable and lose nothing; a whole number in plain digits ("3000", not the
 * shortest "3e+03"). Empty for NaN. */
void
fs__output_append_number (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  int precision;

  if (isnan (v))
    return;
  if (v == floor (v) && fabs (v) < 1e15)
    {
      g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.0f", v));
      return;
    }
  for (precision = 1; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  g_string_append (out, buf);
}

void
fs__output_add_number (JsonBuilder *b, const char *key, double v)
{
  json_builder_set_member_name (b, key);
  if (isnan (v))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, v);
}

void
fs__output_add_int (JsonBuilder *b, const char *key, gint64 v)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, v);
}

void
fs__output_add_string (JsonBuilder *b, const char *key, const char *v)
{
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, v);
}

void
fs__output_add_u64 (JsonBuilder *b, const char *key, uint64_t v)
{
  json_builder_set_member_name (b, key);
  /* As summary.json does: JSON readers lose precision past 2^53, so big seeds are text. */
  if (v <= (uint64_t) G_MAXINT64)
    json_builder_add_int_value (b, (gint64) v);
  else
    {
      g_autofree char *s = g_strdup_printf ("%" G_GUINT64_FORMAT, v);
      json_builder_add_string_value (b, s);
    }
}

char *
fs__output_json_text (JsonBuilder *b)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = NULL;

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  text = json_generator_to_data (gen, NULL);
  return g_strconcat (text, "\n", NULL);
}

void
fs__output_add_failsim (JsonBuilder *b)
{
  json_builder_set_member_name (b, "failsim");
  json_builder_begin_object (b);
  fs__output_add_string (b, "version", FS_VERSION);
  fs__output_add_int (b, "format", FS_OUTPUT_FORMAT_VERSION);
  json_builder_end_object (b);
}

/* "scenario": what makes the results reproducible, as in summary.json. */
void
fs__output_add_scenario (JsonBuilder *b, const FsScenario *sc)
{
  const char *const *ov;
  guint i;

  json_builder_set_member_name (b, "scenario");
  if (sc == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  ov = fs_scenario_overrides (sc);
  json_builder_begin_object (b);
  fs__output_add_string (b, "name", fs_scenario_name (sc));
  fs__output_add_string (b, "file", fs_scenario_path (sc));
  fs__output_add_string (b, "sha256", fs_scenario_sha256 (sc));
  json_builder_set_member_name (b, "overrides");
  json_builder_begin_array (b);
  for (i = 0; ov[i] != NULL; i++)
    json_builder_add_string_value (b, ov[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* "experiment": the seed and replications; never the number of jobs, which changes nothing. */
static void
add_experiment_options (JsonBuilder *b, const FsExperiment *e)
{
  const FsExperimentOptions *o = fs_experiment_options (e);
  char horizon[FS_TIME_BUFSZ];

  fs_time_format (o->horizon, horizon, sizeof horizon);
  json_builder_set_member_name (b, "experiment");
  json_builder_begin_object (b);
  fs__output_add_u64 (b, "seed", o->seed);
  fs__output_add_u64 (b, "first_replication", o->first_replication);
  fs__output_add_int (b, "replications", fs_experiment_n_reps (e));
  fs__output_add_string (b, "horizon", horizon);
  fs__output_add_int (b, "horizon_ns", o->horizon);
  fs__output_add_string (b, "confidence", "95% two-sided, Student t with n - 1 degrees of freedom");
  json_builder_end_object (b);
}

void
fs__output_add_summary (JsonBuilder *b, const FsSummary *s)
{
  fs__output_add_int (b, "n", s->n);
  fs__output_add_number (b, "mean", s->mean);
  fs__output_add_number (b, "sd", s->sd);
  fs__output_add_number (b, "ci95_low", s->mean - s->ci95_half);
  fs__output_add_number (b, "ci95_high", s->mean + s->ci95_half);
  fs__output_add_number (b, "min", s->min);
  fs__output_add_number (b, "max", s->max);
}

static void
add_pooled (JsonBuilder *b, const FsExperiment *e)
{
  guint i;

  json_builder_set_member_name (b, "pooled");
  json_builder_begin_object (b);
  for (i = 0; i < fs_experiment_n_pooled (e); i++)
    {
      const FsPooled *p = fs_experiment_pooled (e, i);

      json_builder_set_member_name (b, p->service);
      json_builder_begin_object (b);
      fs__output_add_int (b, "clients", (gint64) p->clients);
      fs__output_add_number (b, "p50_s", p->clients ? fs_time_to_seconds (p->p50) : NAN);
      fs__output_add_number (b, "p95_s", p->clients ? fs_time_to_seconds (p->p95) : NAN);
      fs__output_add_number (b, "p99_s", p->clients ? fs_time_to_seconds (p->p99) : NAN);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

char *
fs_output_experiment_json (const FsExperiment *e)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  guint i;

  json_builder_begin_object (b);
  fs__output_add_failsim (b);
  fs__output_add_scenario (b, fs_experiment_scenario (e));
  add_experiment_options (b, e);
  json_builder_set_member_name (b, "metrics");
  json_builder_begin_object (b);
  for (i = 0; i < fs_experiment_n_metrics (e); i++)
    {
      const FsSummary *s = fs_experiment_metric (e, i);

      json_builder_set_member_name (b, s->name);
      json_builder_begin_object (b);
      fs__output_add_string (b, "unit", fs_metric_unit_name (s->unit));
      fs__output_add_summary (b, s);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  add_pooled (b, e);
  json_builder_end_object (b);
  return fs__output_json_text (b);
}

char *
fs_output_replications_csv (const FsExperiment *e)
{
  GString *csv = g_string_new ("replication,metric,value\n");
  uint64_t first = fs_experiment_options (e)->first_replication;
  guint k, i;

  for (k = 0; k < fs_experiment_n_reps (e); k++)
    {
      const FsMetricSet *set = fs_experiment_replication (e, k);

      for (i = 0; i < fs_metric_set_len (set); i++)
        {
          const FsMetric *m = fs_metric_set_get (set, i);

          g_string_append_printf (csv, "%" G_GUINT64_FORMAT ",", first + k);
          fs_output_csv_field (csv, m->name);
          g_string_append_c (csv, ',');
          fs__output_append_number (csv, m->value);
          g_string_append_c (csv, '\n');
        }
    }
  return g_string_free (csv, FALSE);
}

gboolean
fs__output_make_dir (const char *dir, GError **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "cannot create output directory '%s': %s", dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Writes @n (name, text) pairs into @dir, in order, and frees the texts. */
static gboolean
write_files (const char *dir, const char *const *names, char **texts, guint n, GError **error)
{
  gboolean ok = fs__output_make_dir (dir, error);
  guint i;

  for (i = 0; ok && i < n; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      ok = fs_output_write_file (path, texts[i], -1, error);
    }
  for (i = 0; i < n; i++)
    g_free (texts[i]);
  return ok;
}

gboolean
fs_output_write_experiment (const char *dir, const FsExperiment *e, GError **error)
{
  /* The JSON last: a directory that holds it holds a complete experiment. */
  const char *names[] = { "replications.csv", "experiment.json" };
  char *texts[] = { fs_output_replications_csv (e), fs_output_experiment_json (e) };

  return write_files (dir, names, texts, G_N_ELEMENTS (names), error);
}

/* --- tables for people --------------------------------------------------------------------------- */

void
fs__output_table_init (FsOutputTable *t)
{
  t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  t->columns = 0;
}

GPtrArray *
fs__output_table_row (FsOutputTable *t)
{
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (t->rows, row);
  return row;
}

void
fs__output_cell (GPtrArray *row, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (row, g_strdup_vprintf (format, args));
  va_end (args);
}

/* Appends the table to @out, each line indented by two spaces, and frees it. @align has an 'r'
 * for each column to right-align and an 'l' for each to left-align; columns past its end are
 * left-aligned. */
void
fs__output_table_render (FsOutputTable *t, GString *out, const char *align)
{
  g_autofree guint *width = NULL;
  guint r, c, columns = 0;

  for (r = 0; r < t->rows->len; r++)
    columns = MAX (columns, ((GPtrArray *) g_ptr_array_index (t->rows, r))->len);
  width = g_new0 (guint, MAX (columns, 1));
  for (r = 0; r < t->rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (t->rows, r);

      for (c = 0; c < row->len; c++)
        width[c] = MAX (width[c], g_utf8_strlen (g_ptr_array_index (row, c), -1));
    }
  for (r = 0; r < t->rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (t->rows, r);
      gsize start = out->len;

      g_string_append (out, " ");
      for (c = 0; c < row->len; c++)
        {
          const char *text = g_ptr_array_index (row, c);
          guint pad = width[c] - (guint) g_utf8_strlen (text, -1);
          gboolean right = c < strlen (align) && align[c] == 'r';

          g_string_append (out, c == 0 ? " " : "  ");
          if (right)
            g_string_append_printf (out, "%*s", (int) pad, "");
          g_string_append (out, text);
          if (!right)
            g_string_append_printf (out, "%*s", (int) pad, "");
        }
      /* No trailing blanks. */
      while (out->len > start && out->str[out->len - 1] == ' ')
        g_string_truncate (out, out->len - 1);
      g_string_append_c (out, '\n');
    }
  g_ptr_array_unref (t->rows);
}

char *
fs__output_format_value (FsMetricUnit unit, double v)
{
  char buf[64];

  fs_metric_format (unit, v, buf, sizeof buf);
  return g_strdup (buf);
}

/* "5m29.502s ± 3.215s", or the mean alone when there is no interval. */
char *
fs__output_format_mean_ci (const FsSummary *s)
{
  g_autofree char *mean = fs__output_format_value (s->unit, s->mean);
  g_autofree char *half = NULL;

  if (isnan (s->ci95_half))
    return g_steal_pointer (&mean);
  half = fs__output_format_value (s->unit, s->ci95_half);
  return g_strdup_printf ("%s ± %s", mean, half);
}

static void
append_pooled_table (GString *out, const FsExperiment *e)
{
  FsOutputTable t;
  GPtrArray *row;
  guint i;

  if (fs_experiment_n_pooled (e) == 0)
    return;
  fs__output_table_init (&t);
  row = fs__output_table_row (&t);
  fs__output_cell (row, "downtime pooled over clients");
  fs__output_cell (row, "affected");
  fs__output_cell (row, "p50");
  fs__output_cell (row, "p95");
  fs__output_cell (row, "p99");
  for (i = 0; i < fs_experiment_n_pooled (e); i++)
    {
      const FsPooled *p = fs_experiment_pooled (e, i);

      row = fs__output_table_row (&t);
      fs__output_cell (row, "%s", p->service);
      fs__output_cell (row, "%" G_GUINT64_FORMAT, p->clients);
      g_ptr_array_add (row, fs__output_format_value (FS_METRIC_SECONDS, p->clients ? fs_time_to_seconds (p->p50) : NAN));
      g_ptr_array_add (row, fs__output_format_value (FS_METRIC_SECONDS, p->clients ? fs_time_to_seconds (p->p95) : NAN));
      g_ptr_array_add (row, fs__output_format_value (FS_METRIC_SECONDS, p->clients ? fs_time_to_seconds (p->p99) : NAN));
    }
  g_string_append_c (out, '\n');
  fs__output_table_render (&t, out, "lr");
}

static void
append_header (GString *out, const FsExperiment *e)
{
  const FsExperimentOptions *o = fs_experiment_options (e);
  guint reps = fs_experiment_n_reps (e);
  char horizon[FS_TIME_BUFSZ];

  fs_time_format (o->horizon, horizon, sizeof horizon);
  g_string_append_printf (out, "seed %" G_GUINT64_FORMAT ", %u replication%s (%" G_GUINT64_FORMAT
                          "..%" G_GUINT64_FORMAT "), horizon %s\n", o->seed, reps,
                          reps == 1 ? "" : "s", o->first_replication,
                          o->first_replication + reps - 1, horizon);
}

char *
fs_output_experiment_text (const FsExperiment *e)
{
  const FsScenario *sc = fs_experiment_scenario (e);
  GString *out = g_string_new (NULL);
  FsOutputTable t;
  GPtrArray *row;
  guint i;

  if (sc != NULL)
    g_string_append_printf (out, "%s (%s)\n", fs_scenario_name (sc), fs_scenario_path (sc));
  append_header (out, e);
  g_string_append_c (out, '\n');
  fs__output_table_init (&t);
  row = fs__output_table_row (&t);
  fs__output_cell (row, "metric");
  fs__output_cell (row, "mean ± 95%% CI");
  fs__output_cell (row, "sd");
  fs__output_cell (row, "min");
  fs__output_cell (row, "max");
  fs__output_cell (row, "n");
  for (i = 0; i < fs_experiment_n_metrics (e); i++)
    {
      const FsSummary *s = fs_experiment_metric (e, i);

      row = fs__output_table_row (&t);
      fs__output_cell (row, "%s", s->name);
      g_ptr_array_add (row, fs__output_format_mean_ci (s));
      g_ptr_array_add (row, fs__output_format_value (s->unit, s->sd));
      g_ptr_array_add (row, fs__output_format_value (s->unit, s->min));
      g_ptr_array_add (row, fs__output_format_value (s->unit, s->max));
      fs__output_cell (row, "%u", s->n);
    }
  if (fs_experiment_n_metrics (e) == 0)
    g_string_append (out, "  no metrics: nothing was measured\n");
  else
    fs__output_table_render (&t, out, "lllllr");
  append_pooled_table (out, e);
  return g_string_free (out, FALSE);
}

/* --- comparisons --------------------------------------------------------------------------------- */

/* TRUE when metric @name was measured in at least one replication of every variant. */
static gboolean
in_every_variant (const FsVariant *v, guint n, const char *name)
{
  guint i;

  for (i = 0; i < n; i++)
    if (fs_experiment_find (v[i].experiment, name) == NULL)
      return FALSE;
  return TRUE;
}

char *
fs_output_compare_verdict (const FsVariant *a, const FsVariant *b, const FsDifference *d)
{
  g_autofree char *mean = NULL, *lo = NULL, *hi = NULL;
  double m = d->diff.mean;

  if (d->identical)
    return g_strdup_printf ("no difference: %s equals %s in every replication", b->name, a->name);
  mean = fs__output_format_value (d->diff.unit, fabs (m));
  if (d->diff.n < 2)
    return g_strdup_printf ("%s is %s than %s by %s in the one replication (no confidence interval)",
                            b->name, m < 0 ? "lower" : "higher", a->name, mean);
  if (!d->significant)
    {
      g_autofree char *signed_mean = fs__output_format_value (d->diff.unit, m);

      lo = fs__output_format_value (d->diff.unit, m - d->diff.ci95_half);
      hi = fs__output_format_value (d->diff.unit, m + d->diff.ci95_half);
      return g_strdup_printf ("no significant difference (%s - %s: %s%s, 95%% CI %s..%s)", b->name,
                              a->name, m > 0 ? "+" : "", signed_mean, lo, hi);
    }
  /* The interval of the magnitude, low to high, on the side the difference lies. */
  lo = fs__output_format_value (d->diff.unit, fabs (m) - d->diff.ci95_half);
  hi = fs__output_format_value (d->diff.unit, fabs (m) + d->diff.ci95_half);
  return g_strdup_printf ("%s is %s than %s by %s (95%% CI %s..%s): significant", b->name,
                          m < 0 ? "lower" : "higher", a->name, mean, lo, hi);
}

static void
append_variants_header (GString *out, const FsVariant *v, guint n)
{
  FsOutputTable t;
  guint i;

  append_header (out, v[0].experiment);
  g_string_append (out, "differences are paired by replication: replication k of every variant "
                        "draws the same random numbers\n\n");
  fs__output_table_init (&t);
  for (i = 0; i < n; i++)
    {
      const FsScenario *sc = fs_experiment_scenario (v[i].experiment);
      GPtrArray *row = fs__output_table_row (&t);
      const char *const *ov = sc ? fs_scenario_overrides (sc) : NULL;

      fs__output_cell (row, "%s%s", v[i].name, i == 0 ? " (baseline)" : "");
      fs__output_cell (row, "%s", sc ? fs_scenario_path (sc) : "-");
      if (ov != NULL && ov[0] != NULL)
        {
          g_autofree char *joined = g_strjoinv (" ", (char **) ov);
          fs__output_cell (row, "--set %s", joined);
        }
    }
  fs__output_table_render (&t, out, "");
}

char *
fs_output_compare_text (const FsVariant *v, guint n)
{
  const FsExperiment *base = v[0].experiment;
  GString *out = g_string_new (NULL);
  g_autoptr (GPtrArray) verdicts = g_ptr_array_new_with_free_func (g_free);
  FsOutputTable t;
  GPtrArray *row;
  guint i, j, shown = 0, left_out = 0;

  append_variants_header (out, v, n);
  g_string_append_c (out, '\n');
  fs__output_table_init (&t);
  row = fs__output_table_row (&t);
  fs__output_cell (row, "metric");
  for (j = 0; j < n; j++)
    fs__output_cell (row, "%s", v[j].name);
  for (j = 1; j < n; j++)
    fs__output_cell (row, "%s - %s", v[j].name, v[0].name);

  for (i = 0; i < fs_experiment_n_metrics (base); i++)
    {
      const char *name = fs_experiment_metric (base, i)->name;

      if (!in_every_variant (v, n, name))
        {
          left_out++;
          continue;
        }
      shown++;
      row = fs__output_table_row (&t);
      fs__output_cell (row, "%s", name);
      for (j = 0; j < n; j++)
        g_ptr_array_add (row, fs__output_format_mean_ci (fs_experiment_find (v[j].experiment, name)));
      for (j = 1; j < n; j++)
        {
          FsDifference d;

          if (!fs_experiment_difference (base, v[j].experiment, name, &d))
            {
              fs__output_cell (row, "-");
              continue;
            }
          g_ptr_array_add (row, fs__output_format_mean_ci (&d.diff));
          g_ptr_array_add (verdicts, g_strdup (name));
          g_ptr_array_add (verdicts, fs_output_compare_verdict (&v[0], &v[j], &d));
        }
    }
  if (shown == 0)
    g_string_append (out, "  no metric was measured in every variant\n");
  else
    fs__output_table_render (&t, out, "");
  if (left_out > 0)
    g_string_append_printf (out, "  (%u metric%s measured in some variants only left out)\n",
                            left_out, left_out == 1 ? "" : "s");

  /* Pooled quantiles side by side; they pool clients, not replications, so they have no
   * interval and no paired difference. */
  if (fs_experiment_n_pooled (base) > 0)
    {
      static const char *const q[] = { "p50", "p95", "p99" };

      fs__output_table_init (&t);
      row = fs__output_table_row (&t);
      fs__output_cell (row, "downtime pooled over clients");
      for (j = 0; j < n; j++)
        fs__output_cell (row, "%s", v[j].name);
      for (i = 0; i < fs_experiment_n_pooled (base); i++)
        {
          const char *service = fs_experiment_pooled (base, i)->service;
          guint k;

          for (k = 0; k < G_N_ELEMENTS (q); k++)
            {
              g_autofree char *name = g_strdup_printf ("%s.pooled.%s", service, q[k]);

              row = fs__output_table_row (&t);
              fs__output_cell (row, "%s", name);
              for (j = 0; j < n; j++)
                {
                  double s;

                  if (fs_experiment_find_pooled (v[j].experiment, name, &s))
                    g_ptr_array_add (row, fs__output_format_value (FS_METRIC_SECONDS, s));
                  else
                    fs__output_cell (row, "-");
                }
            }
        }
      g_string_append_c (out, '\n');
      fs__output_table_render (&t, out, "");
    }

  if (verdicts->len > 0)
    {
      fs__output_table_init (&t);
      for (i = 0; i < verdicts->len; i += 2)
        {
          row = fs__output_table_row (&t);
          fs__output_cell (row, "%s", (const char *) g_ptr_array_index (verdicts, i));
          fs__output_cell (row, "%s", (const char *) g_ptr_array_index (verdicts, i + 1));
        }
      g_string_append (out, "\nverdicts\n");
      fs__output_table_render (&t, out, "");
    }
  return g_string_free (out, FALSE);
}

char *
fs_output_compare_csv (const FsVariant *v, guint n)
{
  const FsExperiment *base = v[0].experiment;
  GString *csv = g_string_new ("metric,unit,variant,n,mean,sd,ci95_low,ci95_high,min,max,"
                               "diff_n,diff_mean,diff_sd,diff_ci95_low,diff_ci95_high,significant\n");
  guint i, j;

  for (i = 0; i < fs_experiment_n_metrics (base); i++)
    {
      const char *name = fs_experiment_metric (base, i)->name;

      if (!in_every_variant (v, n, name))
        continue;
      for (j = 0; j < n; j++)
        {
          const FsSummary *s = fs_experiment_find (v[j].experiment, name);
          FsDifference d;

          fs_output_csv_field (csv, name);
          g_string_append_c (csv, ',');
          g_string_append (csv, fs_metric_unit_name (s->unit));
          g_string_append_c (csv, ',');
          fs_output_csv_field (csv, v[j].name);
          g_string_append_printf (csv, ",%u,", s->n);
          fs__output_append_number (csv, s->mean);
          g_string_append_c (csv, ',');
          fs__output_append_number (csv, s->sd);
          g_string_append_c (csv, ',');
          fs__output_append_number (csv, s->mean - s->ci95_half);
          g_string_append_c (csv, ',');
          fs__output_append_number (csv, s->mean + s->ci95_half);
          g_string_append_c (csv, ',');
          fs__output_append_number (csv, s->min);
          g_string_append_c (csv, ',');
          fs__output_append_number (csv, s->max);
          if (j == 0 || !fs_experiment_difference (base, v[j].experiment, name, &d))
            {
              g_string_append (csv, ",,,,,,\n");
              continue;
            }
          g_string_append_printf (csv, ",%u,", d.diff.n);
          fs__output_append_number (csv, d.diff.mean);
          g_string_append_c (csv, ',');
          fs__output_append_number (csv, d.diff.sd);
          g_string_append_c (csv, ',');
          fs__output_append_number (csv, d.diff.mean - d.diff.ci95_half);
          g_string_append_c (csv, ',');
          fs__output_append_number (csv, d.diff.mean + d.diff.ci95_half);
          g_string_append (csv, d.significant ? ",true\n" : ",false\n");
        }
    }
  return g_string_free (csv, FALSE);
}

char *
fs_output_compare_json (const FsVariant *v, guint n)
{
  const FsExperiment *base = v[0].experiment;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  guint i, j;

  json_builder_begin_object (b);
  fs__output_add_failsim (b);
  add_experiment_options (b, base);

  json_builder_set_member_name (b, "variants");
  json_builder_begin_array (b);
  for (j = 0; j < n; j++)
    {
      json_builder_begin_object (b);
      fs__output_add_string (b, "name", v[j].name);
      fs__output_add_scenario (b, fs_experiment_scenario (v[j].experiment));
      if (fs_experiment_options (v[j].experiment)->horizon != fs_experiment_options (base)->horizon)
        {
          char horizon[FS_TIME_BUFSZ];

          fs_time_format (fs_experiment_options (v[j].experiment)->horizon, horizon, sizeof horizon);
          fs__output_add_string (b, "horizon", horizon);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "metrics");
  json_builder_begin_object (b);
  for (i = 0; i < fs_experiment_n_metrics (base); i++)
    {
      const FsSummary *s0 = fs_experiment_metric (base, i);

      if (!in_every_variant (v, n, s0->name))
        continue;
      json_builder_set_member_name (b, s0->name);
      json_builder_begin_object (b);
      fs__output_add_string (b, "unit", fs_metric_unit_name (s0->unit));
      json_builder_set_member_name (b, "variants");
      json_builder_begin_object (b);
      for (j = 0; j < n; j++)
        {
          json_builder_set_member_name (b, v[j].name);
          json_builder_begin_object (b);
          fs__output_add_summary (b, fs_experiment_find (v[j].experiment, s0->name));
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "differences");
      json_builder_begin_object (b);
      for (j = 1; j < n; j++)
        {
          FsDifference d;
          g_autofree char *verdict = NULL;

          if (!fs_experiment_difference (base, v[j].experiment, s0->name, &d))
            continue;
          verdict = fs_output_compare_verdict (&v[0], &v[j], &d);
          json_builder_set_member_name (b, v[j].name);
          json_builder_begin_object (b);
          fs__output_add_string (b, "against", v[0].name);
          fs__output_add_summary (b, &d.diff);
          fs__output_add_number (b, "unpaired_ci95_half", d.welch_ci95_half);
          json_builder_set_member_name (b, "significant");
          json_builder_add_boolean_value (b, d.significant);
          json_builder_set_member_name (b, "identical");
          json_builder_add_boolean_value (b, d.identical);
          fs__output_add_string (b, "verdict", verdict);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "pooled");
  json_builder_begin_object (b);
  for (j = 0; j < n; j++)
    {
      json_builder_set_member_name (b, v[j].name);
      json_builder_begin_object (b);
      for (i = 0; i < fs_experiment_n_pooled (v[j].experiment); i++)
        {
          const FsPooled *p = fs_experiment_pooled (v[j].experiment, i);

          json_builder_set_member_name (b, p->service);
          json_builder_begin_object (b);
          fs__output_add_int (b, "clients", (gint64) p->clients);
          fs__output_add_number (b, "p50_s", p->clients ? fs_time_to_seconds (p->p50) : NAN);
          fs__output_add_number (b, "p95_s", p->clients ? fs_time_to_seconds (p->p95) : NAN);
          fs__output_add_number (b, "p99_s", p->clients ? fs_time_to_seconds (p->p99) : NAN);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json_builder_end_object (b);
  return fs__output_json_text (b);
}

gboolean
fs_output_write_compare (const char *dir, const FsVariant *v, guint n, GError **error)
{
  const char *names[] = { "compare.csv", "compare.json" };
  char *texts[] = { fs_output_compare_csv (v, n), fs_output_compare_json (v, n) };

  return write_files (dir, names, texts, G_N_ELEMENTS (names), error);
}

/* --- JUnit ---------------------------------------------------------------------------------------- */

char *
fs_output_junit (const char *suite, const FsAssertionResult *results, guint n)
{
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_autofree char *suite_esc = g_markup_escape_text (suite, -1);
  guint i, failures = 0;

  for (i = 0; i < n; i++)
    failures += !results[i].pass;
  /* No timestamp and no time: the same results give the same bytes. */
  g_string_append_printf (xml, "<testsuite name=\"%s\" tests=\"%u\" failures=\"%u\" errors=\"0\" "
                          "skipped=\"0\">\n", suite_esc, n, failures);
  for (i = 0; i < n; i++)
    {
      g_autofree char *name = g_markup_escape_text (results[i].name, -1);
      g_autofree char *message = g_markup_escape_text (results[i].message ? results[i].message : "", -1);

      g_string_append_printf (xml, "  <testcase classname=\"%s\" name=\"%s\"", suite_esc, name);
      if (results[i].pass)
        g_string_append_printf (xml, ">\n    <system-out>%s</system-out>\n  </testcase>\n", message);
      else
        g_string_append_printf (xml, ">\n    <failure message=\"%s\" type=\"assertion\">%s: %s"
                                "</failure>\n  </testcase>\n", message, name, message);
    }
  g_string_append (xml, "</testsuite>\n");
  return g_string_free (xml, FALSE);
}
