/* output-sweep.c: the files of a parameter sweep. Its journal, DIR/runs/: the sweep's identity
 * and one small file per finished run, each written as soon as the run finishes and read back
 * to resume; and, once every run is in, sweep.csv, sweep.json and the table printed.
 *
 * The results are always made from the journal as read back from disk, whether the runs
 * finished in this process, in an earlier one that was interrupted, or on another MPI rank: so
 * they are the same bytes however the sweep got there. A run's numbers go through JSON as
 * doubles printed with 17 significant digits, which read back to the same bits. */
#include "failsim/output.h"
#include "output-private.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "fs-config.h"

#define RUNS_DIR "runs"
#define IDENTITY_FILE "identity.json"

/* --- identity ------------------------------------------------------------------------------------ */

char *
fs_output_sweep_identity_json (const FsSweep *sw)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const FsSweepOptions *o = fs_sweep_options (sw);
  const char *const *ov = fs_scenario_overrides (fs_sweep_base (sw));
  guint i, j;

  json_builder_begin_object (b);
  fs__output_add_string (b, "failsim", FS_VERSION);
  fs__output_add_string (b, "scenario_sha256", fs_scenario_sha256 (fs_sweep_base (sw)));
  fs__output_add_u64 (b, "seed", o->seed);
  fs__output_add_int (b, "replications", o->reps);
  json_builder_set_member_name (b, "until");
  if (o->until < 0)
    json_builder_add_null_value (b);
  else
    {
      g_autofree char *until = fs_time_to_string (o->until);
      json_builder_add_string_value (b, until);
    }
  json_builder_set_member_name (b, "overrides");
  json_builder_begin_array (b);
  for (i = 0; ov[i] != NULL; i++)
    json_builder_add_string_value (b, ov[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "params");
  json_builder_begin_array (b);
  for (i = 0; i < fs_sweep_n_params (sw); i++)
    {
      const FsSweepParam *p = fs_sweep_param (sw, i);

      json_builder_begin_object (b);
      fs__output_add_string (b, "key", p->key);
      json_builder_set_member_name (b, "values");
      json_builder_begin_array (b);
      for (j = 0; j < p->values->len; j++)
        json_builder_add_string_value (b, g_ptr_array_index (p->values, j));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return fs__output_json_text (b);
}

char *
fs_output_sweep_id (const FsSweep *sw)
{
  g_autofree char *identity = fs_output_sweep_identity_json (sw);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, identity, -1);
}

/* A JSON value as text, for messages: "7", "\"1h\"", "null". */
static char *
node_text (JsonNode *node)
{
  if (node == NULL)
    return g_strdup ("nothing");
  return json_to_string (node, FALSE);
}

/* One phrase on how the identity @old (from the directory) differs from @now. */
static char *
describe_difference (const char *old, const char *now)
{
  static const struct {
    const char *key;
    const char *what;
    const char *hint;
  } fields[] = {
    { "failsim", "failsim version", "" },
    { "scenario_sha256", "scenario file sha256", " (the file changed, or it is another file)" },
    { "seed", "seed", "" },
    { "replications", "replications", "" },
    { "until", "--until", " (null: the scenario's duration)" },
    { "overrides", "--set values", "" },
    { "params", "--param values", "" },
  };
  g_autoptr (JsonParser) po = json_parser_new ();
  g_autoptr (JsonParser) pn = json_parser_new ();
  JsonObject *o, *n;
  guint i;

  if (!json_parser_load_from_data (po, old, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (po))
      || !json_parser_load_from_data (pn, now, -1, NULL))
    return g_strdup ("its " IDENTITY_FILE " cannot be read");
  o = json_node_get_object (json_parser_get_root (po));
  n = json_node_get_object (json_parser_get_root (pn));
  for (i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      JsonNode *a = json_object_get_member (o, fields[i].key);
      JsonNode *b = json_object_get_member (n, fields[i].key);
      g_autofree char *ta = NULL, *tb = NULL;

      if (a != NULL && json_node_equal (a, b))
        continue;
      ta = node_text (a);
      tb = node_text (b);
      return g_strdup_printf ("%s %s there, %s here%s", fields[i].what, ta, tb, fields[i].hint);
    }
  return g_strdup ("its " IDENTITY_FILE " differs");
}

/* TRUE when @name is that of a run's file, "c0003-r0007.json". */
static gboolean
parse_run_name (const char *name, guint *config, guint *rep)
{
  const char *dash = strstr (name, "-r");
  g_autofree char *c = NULL, *r = NULL;
  guint64 vc, vr;

  if (name[0] != 'c' || dash == NULL || !g_str_has_suffix (name, ".json"))
    return FALSE;
  c = g_strndup (name + 1, (gsize) (dash - name - 1));
  r = g_strndup (dash + 2, strlen (dash + 2) - strlen (".json"));
  if (!g_ascii_string_to_unsigned (c, 10, 0, G_MAXUINT, &vc, NULL)
      || !g_ascii_string_to_unsigned (r, 10, 0, G_MAXUINT, &vr, NULL))
    return FALSE;
  *config = (guint) vc;
  *rep = (guint) vr;
  return TRUE;
}

gboolean
fs_output_sweep_journal_open (const char *dir, const FsSweep *sw, gboolean resume, GError **error)
{
  g_autofree char *runs = g_build_filename (dir, RUNS_DIR, NULL);
  g_autofree char *path = g_build_filename (runs, IDENTITY_FILE, NULL);
  g_autofree char *identity = fs_output_sweep_identity_json (sw);
  g_autofree char *old = NULL;
  gboolean has_runs = FALSE;
  GDir *d;

  if ((d = g_dir_open (runs, 0, NULL)) != NULL)
    {
      const char *name;
      guint c, r;

      while ((name = g_dir_read_name (d)) != NULL && !has_runs)
        has_runs = parse_run_name (name, &c, &r);
      g_dir_close (d);
    }
  if (g_file_get_contents (path, &old, NULL, NULL))
    {
      if (!resume)
        {
          g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_JOURNAL,
                       "'%s' already holds a sweep (%s/%s/): add --resume to finish it, or choose "
                       "another --out", dir, dir, RUNS_DIR);
          return FALSE;
        }
      if (strcmp (old, identity) != 0)
        {
          g_autofree char *why = describe_difference (old, identity);

          g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_MISMATCH,
                       "'%s' holds a different sweep (%s): --resume finishes the sweep started "
                       "there, with the same scenario file, --param, --set, --seed, --reps and "
                       "--until; choose another --out for this one", dir, why);
          return FALSE;
        }
      return TRUE;
    }
  if (has_runs)
    {
      g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_JOURNAL,
                   "'%s/%s/' holds runs but no %s, so nothing says which sweep they belong to: "
                   "remove it, or choose another --out", dir, RUNS_DIR, IDENTITY_FILE);
      return FALSE;
    }
  return fs__output_make_dir (runs, error) && fs_output_write_file (path, identity, -1, error);
}

/* --- runs ---------------------------------------------------------------------------------------- */

static char *
run_file_name (const FsSweep *sw, guint64 run)
{
  guint reps = fs_sweep_options (sw)->reps;

  return g_strdup_printf ("c%04u-r%04u.json", (guint) (run / reps), (guint) (run % reps));
}

char *
fs_output_sweep_run_json (const FsSweep *sw, const char *id, guint64 run, const FsMetricSet *set)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  guint reps = fs_sweep_options (sw)->reps;
  guint c = (guint) (run / reps), p, i;

  json_builder_begin_object (b);
  fs__output_add_string (b, "sweep", id);
  fs__output_add_int (b, "config", c);
  fs__output_add_int (b, "replication", (gint64) (run % reps));
  json_builder_set_member_name (b, "params");
  json_builder_begin_object (b);
  for (p = 0; p < fs_sweep_n_params (sw); p++)
    {
      const FsSweepParam *param = fs_sweep_param (sw, p);

      fs__output_add_string (b, param->key,
                             g_ptr_array_index (param->values, fs_sweep_config_value (sw, c, p)));
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "metrics");
  json_builder_begin_array (b);
  for (i = 0; i < fs_metric_set_len (set); i++)
    {
      const FsMetric *m = fs_metric_set_get (set, i);

      json_builder_begin_object (b);
      fs__output_add_string (b, "name", m->name);
      fs__output_add_string (b, "unit", fs_metric_unit_name (m->unit));
      /* JSON has no infinity; a metric is a finite number or absent (NaN: null). */
      fs__output_add_number (b, "value", isfinite (m->value) ? m->value : NAN);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return fs__output_json_text (b);
}

gboolean
fs_output_sweep_journal_put (const char *dir, const FsSweep *sw, guint64 run, const char *json,
                             GError **error)
{
  g_autofree char *name = run_file_name (sw, run);
  g_autofree char *path = g_build_filename (dir, RUNS_DIR, name, NULL);

  return fs_output_write_file (path, json, -1, error);
}

static gboolean
unit_from_name (const char *name, FsMetricUnit *unit)
{
  static const FsMetricUnit units[] = { FS_METRIC_SECONDS, FS_METRIC_COUNT, FS_METRIC_NUMBER };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (units); i++)
    if (strcmp (name, fs_metric_unit_name (units[i])) == 0)
      {
        *unit = units[i];
        return TRUE;
      }
  return FALSE;
}

static gboolean
member_int (JsonObject *o, const char *key, gint64 *out)
{
  JsonNode *n = json_object_get_member (o, key);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (n);
  return TRUE;
}

/* The metric set of one run file, checked against its name and the sweep's @id. */
static FsMetricSet *
read_run (const char *path, const char *id, guint config, guint rep, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (FsMetricSet) set = fs_metric_set_new ();
  g_autoptr (GError) local = NULL;
  JsonObject *o;
  JsonArray *metrics;
  const char *sweep;
  gint64 c, r;
  guint i;

  if (!json_parser_load_from_file (parser, path, &local))
    {
      g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_JOURNAL, "%s: %s", path, local->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto malformed;
  o = json_node_get_object (json_parser_get_root (parser));
  sweep = json_object_get_string_member_with_default (o, "sweep", NULL);
  if (sweep == NULL || !member_int (o, "config", &c) || !member_int (o, "replication", &r))
    goto malformed;
  if (strcmp (sweep, id) != 0 || c != config || r != rep)
    {
      g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_JOURNAL,
                   "%s belongs to another sweep than %s: remove it, or choose another --out",
                   path, IDENTITY_FILE);
      return NULL;
    }
  if (!json_object_has_member (o, "metrics")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "metrics")))
    goto malformed;
  metrics = json_object_get_array_member (o, "metrics");
  for (i = 0; i < json_array_get_length (metrics); i++)
    {
      JsonNode *node = json_array_get_element (metrics, i);
      JsonObject *m;
      JsonNode *value;
      const char *name, *unit_name;
      FsMetricUnit unit;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto malformed;
      m = json_node_get_object (node);
      name = json_object_get_string_member_with_default (m, "name", NULL);
      unit_name = json_object_get_string_member_with_default (m, "unit", "");
      value = json_object_get_member (m, "value");
      if (name == NULL || !unit_from_name (unit_name, &unit) || value == NULL
          || !(JSON_NODE_HOLDS_NULL (value)
               || (JSON_NODE_HOLDS_VALUE (value)
                   && (json_node_get_value_type (value) == G_TYPE_DOUBLE
                       || json_node_get_value_type (value) == G_TYPE_INT64))))
        goto malformed;
      fs_metric_set_add (set, name, unit, JSON_NODE_HOLDS_NULL (value) ? NAN : json_node_get_double (value));
    }
  return g_steal_pointer (&set);

malformed:
  g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_JOURNAL,
               "%s is not a run of a failsim sweep: remove it to run that replication again", path);
  return NULL;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
fs_output_sweep_journal_read (const char *dir, const FsSweep *sw, const char *id, GError **error)
{
  g_autofree char *runs = g_build_filename (dir, RUNS_DIR, NULL);
  g_autoptr (GPtrArray) sets = g_ptr_array_new_full ((guint) fs_sweep_n_runs (sw),
                                                     (GDestroyNotify) fs_metric_set_free);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint reps = fs_sweep_options (sw)->reps;
  GDir *d;
  const char *name;
  guint i;

  g_ptr_array_set_size (sets, (gint) fs_sweep_n_runs (sw));
  if ((d = g_dir_open (runs, 0, NULL)) == NULL)
    return g_steal_pointer (&sets);   /* nothing done yet */
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  /* In name order, so the first problem reported is the same on every file system. */
  g_ptr_array_sort (names, compare_names);

  for (i = 0; i < names->len; i++)
    {
      g_autofree char *path = NULL;
      FsMetricSet *set;
      guint c, r;

      name = g_ptr_array_index (names, i);
      if (!parse_run_name (name, &c, &r))
        continue;   /* identity.json, and a temporary file a crash left */
      path = g_build_filename (runs, name, NULL);
      if (c >= fs_sweep_n_configs (sw) || r >= reps)
        {
          g_set_error (error, FS_SWEEP_ERROR, FS_SWEEP_ERROR_JOURNAL,
                       "%s belongs to another sweep: this one has %u configurations of %u "
                       "replications", path, fs_sweep_n_configs (sw), reps);
          return NULL;
        }
      if ((set = read_run (path, id, c, r, error)) == NULL)
        return NULL;
      fs_metric_set_free (g_ptr_array_index (sets, (guint) c * reps + r));
      g_ptr_array_index (sets, (guint) c * reps + r) = set;
    }
  return g_steal_pointer (&sets);
}

/* --- results ------------------------------------------------------------------------------------- */

/* The metrics of the sweep, each once: configuration 0's in its order, then those first seen
 * in later configurations, in the order seen. The summaries are borrowed. */
static GPtrArray *
columns (const GPtrArray *experiments)
{
  GPtrArray *cols = g_ptr_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint c, i;

  for (c = 0; c < experiments->len; c++)
    {
      const FsExperiment *e = g_ptr_array_index (experiments, c);

      for (i = 0; i < fs_experiment_n_metrics (e); i++)
        {
          const FsSummary *s = fs_experiment_metric (e, i);

          if (g_hash_table_add (seen, (gpointer) s->name))
            g_ptr_array_add (cols, (gpointer) s);
        }
    }
  return cols;
}

char *
fs_output_sweep_csv (const FsSweep *sw, const GPtrArray *experiments)
{
  g_autoptr (GPtrArray) cols = columns (experiments);
  GString *csv = g_string_new ("config");
  guint reps = fs_sweep_options (sw)->reps;
  guint c, r, p, i;

  for (p = 0; p < fs_sweep_n_params (sw); p++)
    {
      const FsSweepParam *param = fs_sweep_param (sw, p);
      g_autofree char *seconds = g_strconcat (param->key, "_s", NULL);

      g_string_append_c (csv, ',');
      fs_output_csv_field (csv, param->key);
      if (param->durations)
        {
          g_string_append_c (csv, ',');
          fs_output_csv_field (csv, seconds);
        }
    }
  g_string_append (csv, ",replication");
  for (i = 0; i < cols->len; i++)
    {
      g_string_append_c (csv, ',');
      fs_output_csv_field (csv, ((const FsSummary *) g_ptr_array_index (cols, i))->name);
    }
  g_string_append_c (csv, '\n');

  for (c = 0; c < fs_sweep_n_configs (sw); c++)
    {
      const FsExperiment *e = g_ptr_array_index (experiments, c);
      g_autoptr (GString) head = g_string_new (NULL);

      g_string_append_printf (head, "%u", c);
      for (p = 0; p < fs_sweep_n_params (sw); p++)
        {
          const FsSweepParam *param = fs_sweep_param (sw, p);
          guint v = fs_sweep_config_value (sw, c, p);

          g_string_append_c (head, ',');
          fs_output_csv_field (head, g_ptr_array_index (param->values, v));
          if (param->durations)
            {
              g_string_append_c (head, ',');
              fs__output_append_number (head, param->seconds[v]);
            }
        }
      for (r = 0; r < reps; r++)
        {
          const FsMetricSet *set = fs_experiment_replication (e, r);

          g_string_append_printf (csv, "%s,%u", head->str, r);
          for (i = 0; i < cols->len; i++)
            {
              const FsSummary *col = g_ptr_array_index (cols, i);
              const FsMetric *m = fs_metric_set_find (set, col->name);

              g_string_append_c (csv, ',');
              if (m != NULL)
                fs__output_append_number (csv, m->value);
            }
          g_string_append_c (csv, '\n');
        }
    }
  return g_string_free (csv, FALSE);
}

char *
fs_output_sweep_json (const FsSweep *sw, const GPtrArray *experiments)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GPtrArray) cols = columns (experiments);
  const FsSweepOptions *o = fs_sweep_options (sw);
  guint c, p, i, j;

  json_builder_begin_object (b);
  fs__output_add_failsim (b);
  fs__output_add_scenario (b, fs_sweep_base (sw));

  json_builder_set_member_name (b, "sweep");
  json_builder_begin_object (b);
  fs__output_add_u64 (b, "seed", o->seed);
  fs__output_add_int (b, "replications", o->reps);
  fs__output_add_int (b, "configurations", fs_sweep_n_configs (sw));
  fs__output_add_int (b, "runs", (gint64) fs_sweep_n_runs (sw));
  json_builder_set_member_name (b, "until");
  if (o->until < 0)
    json_builder_add_null_value (b);
  else
    {
      g_autofree char *until = fs_time_to_string (o->until);
      json_builder_add_string_value (b, until);
    }
  fs__output_add_string (b, "confidence", "95% two-sided, Student t with n - 1 degrees of freedom");
  json_builder_set_member_name (b, "params");
  json_builder_begin_array (b);
  for (p = 0; p < fs_sweep_n_params (sw); p++)
    {
      const FsSweepParam *param = fs_sweep_param (sw, p);

      json_builder_begin_object (b);
      fs__output_add_string (b, "key", param->key);
      json_builder_set_member_name (b, "values");
      json_builder_begin_array (b);
      for (j = 0; j < param->values->len; j++)
        json_builder_add_string_value (b, g_ptr_array_index (param->values, j));
      json_builder_end_array (b);
      if (param->durations)
        {
          json_builder_set_member_name (b, "seconds");
          json_builder_begin_array (b);
          for (j = 0; j < param->values->len; j++)
            json_builder_add_double_value (b, param->seconds[j]);
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "metrics");
  json_builder_begin_object (b);
  for (i = 0; i < cols->len; i++)
    {
      const FsSummary *s = g_ptr_array_index (cols, i);

      fs__output_add_string (b, s->name, fs_metric_unit_name (s->unit));
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "configurations");
  json_builder_begin_array (b);
  for (c = 0; c < fs_sweep_n_configs (sw); c++)
    {
      const FsExperiment *e = g_ptr_array_index (experiments, c);
      FsTime horizon = fs_sweep_config_horizon (sw, c);
      g_autofree char *horizon_text = fs_time_to_string (horizon);

      json_builder_begin_object (b);
      fs__output_add_int (b, "config", c);
      json_builder_set_member_name (b, "params");
      json_builder_begin_object (b);
      for (p = 0; p < fs_sweep_n_params (sw); p++)
        {
          const FsSweepParam *param = fs_sweep_param (sw, p);

          fs__output_add_string (b, param->key,
                                 g_ptr_array_index (param->values, fs_sweep_config_value (sw, c, p)));
        }
      json_builder_end_object (b);
      fs__output_add_string (b, "horizon", horizon_text);
      fs__output_add_int (b, "horizon_ns", horizon);
      json_builder_set_member_name (b, "metrics");
      json_builder_begin_object (b);
      /* Every metric of the sweep in every configuration, n 0 where it never occurred, so each
       * configuration has the same keys. */
      for (i = 0; i < cols->len; i++)
        {
          const FsSummary *col = g_ptr_array_index (cols, i);
          const FsSummary *s = fs_experiment_find (e, col->name);
          FsSummary none = { 0 };

          if (s == NULL)
            {
              fs_summary_compute (&none, NULL, 0);
              s = &none;
            }
          json_builder_set_member_name (b, col->name);
          json_builder_begin_object (b);
          fs__output_add_summary (b, s);
          json_builder_end_object (b);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return fs__output_json_text (b);
}

gboolean
fs_output_write_sweep (const char *dir, const FsSweep *sw, const GPtrArray *experiments,
                       GError **error)
{
  g_autofree char *csv = fs_output_sweep_csv (sw, experiments);
  g_autofree char *json = fs_output_sweep_json (sw, experiments);
  g_autofree char *csv_path = g_build_filename (dir, "sweep.csv", NULL);
  g_autofree char *json_path = g_build_filename (dir, "sweep.json", NULL);

  /* The JSON last: a directory that holds it holds a complete sweep. */
  return fs__output_make_dir (dir, error)
         && fs_output_write_file (csv_path, csv, -1, error)
         && fs_output_write_file (json_path, json, -1, error);
}

/* --- the table printed --------------------------------------------------------------------------- */

/* The few metrics worth a column on a terminal: client downtime and what a low TTL costs. A
 * scenario with one service has them without a prefix; with several, each service's p95. */
static gboolean
headline (const char *name, gboolean one_service)
{
  if (strcmp (name, "dns.authoritative_queries") == 0)
    return TRUE;
  if (one_service)
    return strcmp (name, "downtime.mean") == 0 || strcmp (name, "downtime.p95") == 0;
  return g_str_has_suffix (name, ".downtime.p95");
}

char *
fs_output_sweep_text (const FsSweep *sw, const GPtrArray *experiments)
{
  const FsScenario *sc = fs_sweep_base (sw);
  const FsSweepOptions *o = fs_sweep_options (sw);
  g_autoptr (GPtrArray) cols = columns (experiments);
  g_autoptr (GPtrArray) shown = g_ptr_array_new ();
  GString *out = g_string_new (NULL);
  g_autofree char *horizon = fs_time_to_string (fs_sweep_config_horizon (sw, 0));
  gboolean one_horizon = TRUE, one_service = FALSE;
  FsOutputTable t;
  GPtrArray *row;
  guint c, p, i;

  for (c = 1; c < fs_sweep_n_configs (sw); c++)
    one_horizon &= fs_sweep_config_horizon (sw, c) == fs_sweep_config_horizon (sw, 0);
  for (i = 0; i < cols->len; i++)
    one_service |= strcmp (((const FsSummary *) g_ptr_array_index (cols, i))->name, "downtime.p95") == 0;
  for (i = 0; i < cols->len && shown->len < 4; i++)
    if (headline (((const FsSummary *) g_ptr_array_index (cols, i))->name, one_service))
      g_ptr_array_add (shown, g_ptr_array_index (cols, i));
  for (i = 0; i < cols->len && shown->len == 0 && i < 3; i++)
    g_ptr_array_add (shown, g_ptr_array_index (cols, i));

  g_string_append_printf (out, "%s (%s)\n", fs_scenario_name (sc), fs_scenario_path (sc));
  g_string_append_printf (out, "seed %" G_GUINT64_FORMAT ", %u configuration%s x %u replication%s "
                          "(0..%u) = %" G_GUINT64_FORMAT " runs, horizon %s\n", o->seed,
                          fs_sweep_n_configs (sw), fs_sweep_n_configs (sw) == 1 ? "" : "s", o->reps,
                          o->reps == 1 ? "" : "s", o->reps - 1, fs_sweep_n_runs (sw),
                          one_horizon ? horizon : "by configuration");
  g_string_append (out, "means ± 95% CI over the replications; every metric is in sweep.csv and "
                        "sweep.json\n\n");
  fs__output_table_init (&t);
  row = fs__output_table_row (&t);
  fs__output_cell (row, "config");
  for (p = 0; p < fs_sweep_n_params (sw); p++)
    fs__output_cell (row, "%s", fs_sweep_param (sw, p)->key);
  for (i = 0; i < shown->len; i++)
    fs__output_cell (row, "%s", ((const FsSummary *) g_ptr_array_index (shown, i))->name);
  for (c = 0; c < fs_sweep_n_configs (sw); c++)
    {
      const FsExperiment *e = g_ptr_array_index (experiments, c);

      row = fs__output_table_row (&t);
      fs__output_cell (row, "%u", c);
      for (p = 0; p < fs_sweep_n_params (sw); p++)
        {
          const FsSweepParam *param = fs_sweep_param (sw, p);

          fs__output_cell (row, "%s", (const char *) g_ptr_array_index (param->values,
                                                                         fs_sweep_config_value (sw, c, p)));
        }
      for (i = 0; i < shown->len; i++)
        {
          const FsSummary *col = g_ptr_array_index (shown, i);
          const FsSummary *s = fs_experiment_find (e, col->name);

          if (s == NULL)
            fs__output_cell (row, "-");
          else
            g_ptr_array_add (row, fs__output_format_mean_ci (s));
        }
    }
  fs__output_table_render (&t, out, "r");
  return g_string_free (out, FALSE);
}
