/* output.c: summary.json, CSV tables and the text summary of a run, written atomically. */
#include "failsim/output.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "failsim/l2.h"
#include "failsim/net.h"
#include "failsim/site.h"
#include "fs-config.h"

gboolean
fs_output_write_file (const char *path, const char *data, gssize len, GError **error)
{
  /* CONSISTENT writes a temporary file and renames it over @path, and fsyncs first where
   * the rename alone would not order the data before the name. */
  return g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

void
fs_output_csv_field (GString *row, const char *field)
{
  const char *p;
  gboolean quote = FALSE;

  if (field == NULL)
    return;
  for (p = field; *p; p++)
    if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r')
      quote = TRUE;
  if (quote)
    g_string_append_c (row, '"');
  if (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@' || field[0] == '\t'
      || field[0] == '\r')
    g_string_append_c (row, '\'');
  for (p = field; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (row, '"');
      g_string_append_c (row, *p);
    }
  if (quote)
    g_string_append_c (row, '"');
}

static const char *
status_name (FsRunStatus status)
{
  switch (status)
    {
    case FS_RUN_EMPTY:
      return "empty";
    case FS_RUN_HORIZON:
      return "horizon";
    case FS_RUN_STOPPED:
      return "stopped";
    }
  return "unknown";
}

static void
add_time (JsonBuilder *b, const char *key, FsTime t)
{
  char text[FS_TIME_BUFSZ];

  json_builder_set_member_name (b, key);
  if (t < 0)
    {
      json_builder_add_null_value (b);
      return;
    }
  fs_time_format (t, text, sizeof text);
  json_builder_add_string_value (b, text);
}

static void
add_int (JsonBuilder *b, const char *key, gint64 v)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, v);
}

static void
add_seconds (JsonBuilder *b, const char *key, FsTime t)
{
  json_builder_set_member_name (b, key);
  if (t < 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, fs_time_to_seconds (t));
}

static void
add_u64 (JsonBuilder *b, const char *key, uint64_t v)
{
  json_builder_set_member_name (b, key);
  /* JSON readers lose precision past 2^53 and json-glib stores gint64: keep big seeds exact. */
  if (v <= (uint64_t) G_MAXINT64)
    json_builder_add_int_value (b, (gint64) v);
  else
    {
      g_autofree char *s = g_strdup_printf ("%" G_GUINT64_FORMAT, v);
      json_builder_add_string_value (b, s);
    }
}

static void
add_duration_seconds (JsonBuilder *b, const char *key, FsTime t)
{
  json_builder_set_member_name (b, key);
  json_builder_add_double_value (b, fs_time_to_seconds (t));
}

/* "services": what the clients of each service saw. Left out when the run had no clients, so a
 * scenario without a workload keeps its summary.json as it was. */
static void
add_services (JsonBuilder *b, const FsClientStats *cs)
{
  guint i, n = fs_client_stats_n_services (cs);
  int c;

  if (n == 0)
    return;
  json_builder_set_member_name (b, "services");
  json_builder_begin_object (b);
  for (i = 0; i < n; i++)
    {
      const FsServiceStats *s = fs_client_stats_service (cs, i);
      guint j;

      json_builder_set_member_name (b, s->name);
      json_builder_begin_object (b);
      add_int (b, "clients", s->clients);
      add_int (b, "affected", s->affected);
      add_int (b, "down_at_end", s->down_at_end);
      add_u64 (b, "requests", s->requests);
      add_u64 (b, "failed_requests", s->failed);
      json_builder_set_member_name (b, "failed_by_cause");
      json_builder_begin_object (b);
      for (c = FS_FAIL_NONE + 1; c < FS_FAIL_N; c++)
        add_u64 (b, fs_fail_cause_name ((FsFailCause) c), s->failed_by_cause[c]);
      json_builder_end_object (b);
      add_duration_seconds (b, "client_seconds_lost", s->client_time_lost);

      json_builder_set_member_name (b, "downtime");
      if (s->affected == 0)
        json_builder_add_null_value (b);
      else
        {
          json_builder_begin_object (b);
          add_duration_seconds (b, "mean_s", s->mean);
          add_duration_seconds (b, "p50_s", s->p50);
          add_duration_seconds (b, "p95_s", s->p95);
          add_duration_seconds (b, "p99_s", s->p99);
          add_duration_seconds (b, "max_s", s->max);
          json_builder_end_object (b);
        }

      /* Mean seconds per affected client, phase by phase; the phases add up to the mean downtime
       * (to rounding of the division: their totals in ns add up to client_seconds_lost exactly). */
      json_builder_set_member_name (b, "budget");
      if (s->affected == 0)
        json_builder_add_null_value (b);
      else
        {
          json_builder_begin_object (b);
          for (c = 0; c < FS_PHASE_N; c++)
            {
              json_builder_set_member_name (b, fs_phase_name ((FsPhase) c));
              json_builder_add_double_value (b, fs_time_to_seconds (s->budget[c]) / (double) s->affected);
            }
          add_duration_seconds (b, "total", s->mean);
          json_builder_end_object (b);
        }

      json_builder_set_member_name (b, "window");
      json_builder_begin_object (b);
      add_time (b, "start", s->window_start);
      add_time (b, "end", s->window_end);
      json_builder_end_object (b);

      json_builder_set_member_name (b, "recovery_curve");
      json_builder_begin_object (b);
      add_time (b, "interval", s->sample_interval);
      json_builder_set_member_name (b, "served");
      json_builder_begin_array (b);
      for (j = 0; j < s->curve->len; j++)
        json_builder_add_double_value (b, g_array_index (s->curve, double, j));
      json_builder_end_array (b);
      json_builder_end_object (b);

      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}

/* The object member @name of @parent, made (or made to replace a value) when there is none. */
static JsonObject *
child_object (JsonObject *parent, const char *name)
{
  JsonNode *node = json_object_get_member (parent, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    json_object_set_object_member (parent, name, json_object_new ());
  return json_object_get_object_member (parent, name);
}

/* The figures, nested by the parts of their group, as top-level members of summary.json. A
 * tree is built first because groups sharing a first part need not be set one after the
 * other, and must still land in one object. */
static void
add_figures (JsonBuilder *b, const GArray *figures)
{
  g_autoptr (JsonObject) root = json_object_new ();
  g_autoptr (GList) members = NULL;
  GList *l;
  guint i, p;

  if (figures->len == 0)
    return;
  for (i = 0; i < figures->len; i++)
    {
      const FsFigure *f = &g_array_index (figures, FsFigure, i);
      g_auto (GStrv) parts = g_strsplit (f->group, ".", -1);
      JsonObject *o = root;

      for (p = 0; parts[p] != NULL; p++)
        o = child_object (o, parts[p]);
      o = child_object (o, f->subject);
      if (f->is_double)
        json_object_set_double_member (o, f->key, f->d);
      else
        json_object_set_int_member (o, f->key, f->i);
    }
  members = json_object_get_members (root);   /* in the order they were added */
  for (l = members; l != NULL; l = l->next)
    {
      json_builder_set_member_name (b, l->data);
      json_builder_add_value (b, json_node_copy (json_object_get_member (root, l->data)));
    }
}

char *
fs_output_summary_json (FsSim *sim, const FsRunInfo *info)
{
  const FsScenario *sc = fs_sim_scenario (sim);
  FsKernel *k = fs_sim_kernel (sim);
  FsMetrics *m = fs_sim_metrics (sim);
  const GPtrArray *outages = fs_metrics_outages (m);
  const char *const *ov = fs_scenario_overrides (sc);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  uint32_t t;
  guint i, j;

  json_builder_begin_object (b);

  json_builder_set_member_name (b, "failsim");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, FS_VERSION);
  add_int (b, "format", FS_OUTPUT_FORMAT_VERSION);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "scenario");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, fs_scenario_name (sc));
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, fs_scenario_path (sc));
  json_builder_set_member_name (b, "sha256");
  json_builder_add_string_value (b, fs_scenario_sha256 (sc));
  json_builder_set_member_name (b, "overrides");
  json_builder_begin_array (b);
  for (i = 0; ov[i] != NULL; i++)
    json_builder_add_string_value (b, ov[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "run");
  json_builder_begin_object (b);
  add_u64 (b, "seed", info->seed);
  add_u64 (b, "replication", info->replication);
  add_time (b, "horizon", info->horizon);
  add_int (b, "horizon_ns", info->horizon);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status_name (info->status));
  add_time (b, "end", fs_kernel_now (k));
  add_int (b, "end_ns", fs_kernel_now (k));
  add_int (b, "events", (gint64) fs_kernel_events_run (k));
  add_int (b, "pending", (gint64) fs_kernel_pending (k));
  json_builder_end_object (b);

  /* Every topic the models registered, in registration order, zeros included: the same keys in
   * every run of a scenario, so runs can be compared line by line. */
  json_builder_set_member_name (b, "notices");
  json_builder_begin_object (b);
  for (t = 0; t < fs_kernel_n_topics (k); t++)
    add_int (b, fs_kernel_topic_name (k, t), (gint64) fs_metrics_count (m, t));
  json_builder_end_object (b);

  /* Durations reported by topics named *_ns, in topic order; the same keys in every run. */
  json_builder_set_member_name (b, "measures");
  json_builder_begin_object (b);
  for (t = 0; t < fs_kernel_n_topics (k); t++)
    {
      const char *name = fs_kernel_topic_name (k, t);
      const FsMeasure *ms = fs_metrics_measure (m, t);

      if (!g_str_has_suffix (name, "_ns"))
        continue;
      json_builder_set_member_name (b, name);
      json_builder_begin_object (b);
      add_int (b, "count", ms ? (gint64) ms->count : 0);
      add_seconds (b, "total_s", ms ? ms->total : 0);
      add_seconds (b, "min_s", ms ? ms->min : -1);
      add_seconds (b, "max_s", ms ? ms->max : -1);
      json_builder_set_member_name (b, "mean_s");
      if (ms && ms->count > 0)
        json_builder_add_double_value (b, fs_time_to_seconds (ms->total) / (double) ms->count);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "outages");
  json_builder_begin_object (b);
  for (i = 0; i < outages->len; i++)
    {
      const FsOutageClass *c = g_ptr_array_index (outages, i);

      json_builder_set_member_name (b, c->entity);
      json_builder_begin_array (b);
      for (j = 0; j < c->subjects->len; j++)
        {
          const FsOutage *o = &g_array_index (c->subjects, FsOutage, j);

          if (o->name == NULL)
            continue;
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, o->name);
          add_int (b, "outages", o->outages);
          add_seconds (b, "downtime_s", o->downtime);
          add_int (b, "downtime_ns", o->downtime);
          add_seconds (b, "first_down_s", o->first_down);
          add_seconds (b, "last_up_s", o->last_up);
          json_builder_set_member_name (b, "down_at_end");
          json_builder_add_boolean_value (b, o->down_since >= 0);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  add_services (b, fs_metrics_clients (m));
  add_figures (b, fs_metrics_figures (m));

  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  {
    char *text = json_generator_to_data (gen, NULL);
    char *with_newline = g_strconcat (text, "\n", NULL);
    g_free (text);
    return with_newline;
  }
}

static void
append_seconds (GString *row, FsTime t)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (t >= 0)
    g_string_append (row, g_ascii_formatd (buf, sizeof buf, "%.9f", fs_time_to_seconds (t)));
}

static char *
outages_csv (FsSim *sim)
{
  const GPtrArray *outages = fs_metrics_outages (fs_sim_metrics (sim));
  GString *csv = g_string_new ("entity,name,outages,downtime_s,first_down_s,last_up_s,down_at_end\n");
  guint i, j;

  for (i = 0; i < outages->len; i++)
    {
      const FsOutageClass *c = g_ptr_array_index (outages, i);

      for (j = 0; j < c->subjects->len; j++)
        {
          const FsOutage *o = &g_array_index (c->subjects, FsOutage, j);

          if (o->name == NULL)
            continue;
          fs_output_csv_field (csv, c->entity);
          g_string_append_c (csv, ',');
          fs_output_csv_field (csv, o->name);
          g_string_append_printf (csv, ",%u,", o->outages);
          append_seconds (csv, o->downtime);
          g_string_append_c (csv, ',');
          append_seconds (csv, o->first_down);
          g_string_append_c (csv, ',');
          append_seconds (csv, o->last_up);
          g_string_append (csv, o->down_since >= 0 ? ",true\n" : ",false\n");
        }
    }
  return g_string_free (csv, FALSE);
}

static char *
notices_csv (FsSim *sim)
{
  FsKernel *k = fs_sim_kernel (sim);
  const GArray *log = fs_metrics_log (fs_sim_metrics (sim));
  GString *csv = g_string_new ("time_ns,time,topic,subject,value,detail\n");
  guint i;

  for (i = 0; i < log->len; i++)
    {
      const FsLogEntry *e = &g_array_index (log, FsLogEntry, i);
      char clock[32];

      fs_time_format_clock (e->time, clock, sizeof clock);
      g_string_append_printf (csv, "%" G_GINT64_FORMAT ",%s,", e->time, clock);
      fs_output_csv_field (csv, fs_kernel_topic_name (k, e->topic));
      g_string_append_c (csv, ',');
      fs_output_csv_field (csv, e->subject_name);
      g_string_append_printf (csv, ",%" G_GINT64_FORMAT ",", e->value);
      fs_output_csv_field (csv, e->detail);
      g_string_append_c (csv, '\n');
    }
  return g_string_free (csv, FALSE);
}

/* One row per client. Written only when the run has services; a million clients make a file
 * of some 80 MB, which is the price of being able to plot any of them. */
static char *
clients_csv (FsSim *sim)
{
  const FsClientStats *cs = fs_metrics_clients (fs_sim_metrics (sim));
  GString *csv = g_string_new ("client,population,service,requests,failed,episodes,downtime_s,"
                               "first_failure_s,last_recovery_s,down_at_end\n");
  guint i;

  for (i = 0; i < fs_client_stats_n_clients (cs); i++)
    {
      const FsClientRecord *c = fs_client_stats_client (cs, i);
      guint service = fs_client_stats_population_service (cs, c->population);

      g_string_append_printf (csv, "%u,", i);
      fs_output_csv_field (csv, fs_client_stats_population_name (cs, c->population));
      g_string_append_c (csv, ',');
      fs_output_csv_field (csv, fs_client_stats_service (cs, service)->name);
      g_string_append_printf (csv, ",%u,%u,%u,", c->requests, c->failed, c->episodes);
      append_seconds (csv, c->downtime);
      g_string_append_c (csv, ',');
      append_seconds (csv, c->first_failure);
      g_string_append_c (csv, ',');
      append_seconds (csv, c->last_recovery);
      g_string_append (csv, c->charged_until >= 0 ? ",1\n" : ",0\n");
    }
  return g_string_free (csv, FALSE);
}

static char *
recovery_csv (FsSim *sim)
{
  const FsClientStats *cs = fs_metrics_clients (fs_sim_metrics (sim));
  GString *csv = g_string_new ("service,time_s,served\n");
  guint i, j;

  for (i = 0; i < fs_client_stats_n_services (cs); i++)
    {
      const FsServiceStats *s = fs_client_stats_service (cs, i);

      for (j = 0; j < s->curve->len; j++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          fs_output_csv_field (csv, s->name);
          g_string_append_c (csv, ',');
          append_seconds (csv, (FsTime) j * s->sample_interval);
          g_string_append_c (csv, ',');
          g_string_append (csv, g_ascii_formatd (buf, sizeof buf, "%.6f",
                                                 g_array_index (s->curve, double, j)));
          g_string_append_c (csv, '\n');
        }
    }
  return g_string_free (csv, FALSE);
}

/* People read durations to the millisecond; the files keep every nanosecond. */
static void
format_for_people (FsTime t, char *buf, size_t size)
{
  fs_time_format (t >= FS_SEC ? (t + FS_MSEC / 2) / FS_MSEC * FS_MSEC : t, buf, size);
}

/* @t for people, or "-" when there is none. */
static void
format_or_dash (FsTime t, char *buf, size_t size)
{
  if (t < 0)
    g_strlcpy (buf, "-", size);
  else
    format_for_people (t, buf, size);
}

/* "  app budget: detection 2m, boot 2m24.712s, ..., retry 31.2s": the mean per affected client
 * of each phase that has any time, in the order of FsPhase. */
static void
append_budget_text (GString *out, const FsServiceStats *s, int width)
{
  gboolean first = TRUE;
  int c;

  if (s->affected == 0)
    return;
  g_string_append_printf (out, "  %-*s budget:", width, s->name);
  for (c = 0; c < FS_PHASE_N; c++)
    {
      char mean[FS_TIME_BUFSZ];

      if (s->budget[c] == 0)
        continue;
      format_for_people ((s->budget[c] + (FsTime) s->affected / 2) / (FsTime) s->affected, mean,
                         sizeof mean);
      g_string_append_printf (out, "%s %s %s", first ? "" : ",", fs_phase_name ((FsPhase) c), mean);
      first = FALSE;
    }
  g_string_append_c (out, '\n');
}

static void
append_services_text (GString *out, const FsClientStats *cs, int width)
{
  guint i;

  if (fs_client_stats_n_services (cs) == 0)
    return;
  g_string_append_printf (out, "\n  %-*s %7s %8s  %-14s %-14s %-14s %13s  %s\n", width,
                          "services", "clients", "affected", "mean", "p95", "max", "client-s lost",
                          "window");
  for (i = 0; i < fs_client_stats_n_services (cs); i++)
    {
      const FsServiceStats *s = fs_client_stats_service (cs, i);
      char mean[FS_TIME_BUFSZ], p95[FS_TIME_BUFSZ], max[FS_TIME_BUFSZ];
      char start[FS_TIME_BUFSZ], end[FS_TIME_BUFSZ], lost[G_ASCII_DTOSTR_BUF_SIZE];

      format_or_dash (s->mean, mean, sizeof mean);
      format_or_dash (s->p95, p95, sizeof p95);
      format_or_dash (s->max, max, sizeof max);
      format_or_dash (s->window_start, start, sizeof start);
      if (s->window_start >= 0 && s->window_end < 0)
        g_strlcpy (end, "(still down)", sizeof end);
      else
        format_or_dash (s->window_end, end, sizeof end);
      g_ascii_formatd (lost, sizeof lost, "%.1f", fs_time_to_seconds (s->client_time_lost));
      g_string_append_printf (out, "  %-*s %7u %8u  %-14s %-14s %-14s %13s  ", width, s->name,
                              s->clients, s->affected, mean, p95, max, lost);
      if (s->window_start < 0)
        g_string_append (out, "-\n");
      else
        g_string_append_printf (out, "%s .. %s\n", start, end);
    }
  for (i = 0; i < fs_client_stats_n_services (cs); i++)
    append_budget_text (out, fs_client_stats_service (cs, i), width);
}

/* One line per subject of a group: "  dns.servers ns1: queries 1234, peak_qps 12". */
static void
append_figures_text (GString *out, const GArray *figures)
{
  guint i;

  for (i = 0; i < figures->len; i++)
    {
      const FsFigure *f = &g_array_index (figures, FsFigure, i);
      const FsFigure *prev = i > 0 ? &g_array_index (figures, FsFigure, i - 1) : NULL;
      /* Names are interned by the metrics, so equal names are equal pointers. */
      gboolean same_line = prev != NULL && prev->group == f->group && prev->subject == f->subject;

      if (i == 0)
        g_string_append_c (out, '\n');
      if (same_line)
        g_string_append (out, ", ");
      else
        {
          if (i > 0)
            g_string_append_c (out, '\n');
          g_string_append_printf (out, "  %s %s: ", f->group, f->subject);
        }
      if (f->is_double)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_printf (out, "%s %s", f->key,
                                  g_ascii_formatd (buf, sizeof buf, "%.4g", f->d));
        }
      else
        g_string_append_printf (out, "%s %" G_GINT64_FORMAT, f->key, f->i);
    }
  if (figures->len > 0)
    g_string_append_c (out, '\n');
}

char *
fs_output_summary_text (FsSim *sim, const FsRunInfo *info)
{
  const FsScenario *sc = fs_sim_scenario (sim);
  FsKernel *k = fs_sim_kernel (sim);
  FsMetrics *m = fs_sim_metrics (sim);
  const GPtrArray *outages = fs_metrics_outages (m);
  const FsClientStats *cs = fs_metrics_clients (m);
  GString *out = g_string_new (NULL);
  g_autoptr (GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  char horizon[FS_TIME_BUFSZ], end[FS_TIME_BUFSZ];
  int width = (int) strlen ("measures");
  guint i, j, row = 0;
  uint32_t t;

  fs_time_format (info->horizon, horizon, sizeof horizon);
  fs_time_format (fs_kernel_now (k), end, sizeof end);
  g_string_append_printf (out, "%s (%s)\n", fs_scenario_name (sc), fs_scenario_path (sc));
  g_string_append_printf (out, "seed %" G_GUINT64_FORMAT ", replication %" G_GUINT64_FORMAT
                          ", horizon %s: %" G_GUINT64_FORMAT " events, ended at %s (%s)\n",
                          info->seed, info->replication, horizon, fs_kernel_events_run (k), end,
                          info->status == FS_RUN_HORIZON ? "horizon reached"
                          : info->status == FS_RUN_EMPTY ? "nothing left to happen"
                          : "stopped by a model");

  /* Labels first, so the columns line up whatever the names. */
  for (i = 0; i < outages->len; i++)
    {
      const FsOutageClass *c = g_ptr_array_index (outages, i);

      for (j = 0; j < c->subjects->len; j++)
        {
          const FsOutage *o = &g_array_index (c->subjects, FsOutage, j);
          char *label;

          if (o->name == NULL)
            continue;
          label = g_strdup_printf ("%s %s", c->entity, o->name);
          width = MAX (width, (int) strlen (label));
          g_ptr_array_add (labels, label);
        }
    }
  for (t = 0; t < fs_kernel_n_topics (k); t++)
    if (fs_metrics_measure (m, t) != NULL)
      width = MAX (width, (int) strlen (fs_kernel_topic_name (k, t)));
  for (i = 0; i < fs_client_stats_n_services (cs); i++)
    width = MAX (width, (int) strlen (fs_client_stats_service (cs, i)->name));

  if (labels->len == 0)
    g_string_append (out, "\n  no outages\n");
  else
    g_string_append_printf (out, "\n  %-*s %7s  %-14s %-12s %s\n", width, "outages", "count",
                            "downtime", "first down", "last up");
  for (i = 0; i < outages->len; i++)
    {
      const FsOutageClass *c = g_ptr_array_index (outages, i);

      for (j = 0; j < c->subjects->len; j++)
        {
          const FsOutage *o = &g_array_index (c->subjects, FsOutage, j);
          char down[FS_TIME_BUFSZ], first[32] = "-", last[32] = "-";

          if (o->name == NULL)
            continue;
          format_for_people (o->downtime, down, sizeof down);
          if (o->first_down >= 0)
            fs_time_format_clock (o->first_down, first, sizeof first);
          if (o->last_up >= 0)
            fs_time_format_clock (o->last_up, last, sizeof last);
          if (o->down_since >= 0)
            g_strlcpy (last, "(still down)", sizeof last);
          g_string_append_printf (out, "  %-*s %7u  %-14s %-12s %s\n", width,
                                  (const char *) g_ptr_array_index (labels, row++), o->outages, down,
                                  first, last);
        }
    }

  for (t = 0, row = 0; t < fs_kernel_n_topics (k); t++)
    {
      const FsMeasure *ms = fs_metrics_measure (m, t);
      char mean[FS_TIME_BUFSZ], max[FS_TIME_BUFSZ];

      if (ms == NULL || ms->count == 0)
        continue;
      if (row++ == 0)
        g_string_append_printf (out, "\n  %-*s %7s  %-14s %s\n", width, "measures", "count", "mean",
                                "max");
      format_for_people (ms->total / (FsTime) ms->count, mean, sizeof mean);
      format_for_people (ms->max, max, sizeof max);
      g_string_append_printf (out, "  %-*s %7" G_GUINT64_FORMAT "  %-14s %s\n", width,
                              fs_kernel_topic_name (k, t), ms->count, mean, max);
    }

  append_services_text (out, cs, width);
  append_figures_text (out, fs_metrics_figures (m));
  return g_string_free (out, FALSE);
}

static const char *
site_kind_name (FsSiteKind kind)
{
  switch (kind)
    {
    case FS_SITE_DATACENTER:
      return "datacenter";
    case FS_SITE_BRANCH:
      return "branch";
    case FS_SITE_CLOUD_REGION:
      return "cloud-region";
    }
  return "unknown";
}

static void
add_string_or_null (JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name (b, key);
  if (value == NULL)
    json_builder_add_null_value (b);
  else
    json_builder_add_string_value (b, value);
}

/* A site's name by index, or NULL for -1 (a subnet or host with no site). */
static const char *
site_name_or_null (const FsScenario *sc, int site)
{
  return site >= 0 ? fs_sites_spec_name (sc, (guint) site) : NULL;
}

char *
fs_output_topology_json (FsSim *sim)
{
  const FsScenario *sc = fs_sim_scenario (sim);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  guint i, j, n;

  /* Read from the specification, not the models: the estate as declared, the same for every
   * replication; what changed during the run is in notices.csv and outages.csv. */
  json_builder_begin_object (b);

  json_builder_set_member_name (b, "sites");
  json_builder_begin_array (b);
  for (i = 0; i < fs_sites_spec_count (sc); i++)
    {
      json_builder_begin_object (b);
      add_string_or_null (b, "name", fs_sites_spec_name (sc, i));
      add_string_or_null (b, "kind", site_kind_name (fs_sites_spec_kind (sc, i)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "routers");
  json_builder_begin_array (b);
  for (i = 0; i < fs_net_spec_n_routers (sc); i++)
    {
      json_builder_begin_object (b);
      add_string_or_null (b, "name", fs_net_spec_router_name (sc, (int) i));
      add_string_or_null (b, "site", site_name_or_null (sc, fs_net_spec_router_site (sc, (int) i)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "links");
  json_builder_begin_array (b);
  for (i = 0; i < fs_net_spec_n_links (sc); i++)
    {
      int ra, rb;

      fs_net_spec_link_routers (sc, (int) i, &ra, &rb);
      json_builder_begin_object (b);
      add_string_or_null (b, "name", fs_net_spec_link_name (sc, (int) i));
      json_builder_set_member_name (b, "between");
      json_builder_begin_array (b);
      json_builder_add_string_value (b, fs_net_spec_router_name (sc, ra));
      json_builder_add_string_value (b, fs_net_spec_router_name (sc, rb));
      json_builder_end_array (b);
      add_string_or_null (b, "kind", fs_net_spec_link_kind (sc, (int) i));
      add_time (b, "latency", fs_net_spec_link_latency (sc, (int) i));
      add_seconds (b, "latency_s", fs_net_spec_link_latency (sc, (int) i));
      add_string_or_null (b, "circuit", fs_net_spec_link_circuit (sc, (int) i));
      json_builder_set_member_name (b, "starts_up");
      json_builder_add_boolean_value (b, fs_net_spec_link_starts_up (sc, (int) i));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "subnets");
  json_builder_begin_array (b);
  for (i = 0; i < fs_net_spec_n_subnets (sc); i++)
    {
      g_autofree char *prefix = fs_prefix_to_string (fs_net_spec_subnet_prefix (sc, (int) i));

      json_builder_begin_object (b);
      add_string_or_null (b, "name", fs_net_spec_subnet_name (sc, (int) i));
      add_string_or_null (b, "prefix", prefix);
      add_string_or_null (b, "site", site_name_or_null (sc, fs_net_spec_subnet_site (sc, (int) i)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "vlans");
  json_builder_begin_array (b);
  for (i = 0; i < fs_l2_spec_n_vlans (sc); i++)
    {
      int subnet = fs_l2_spec_vlan_subnet (sc, i);

      n = fs_l2_spec_vlan_n_sites (sc, i);
      json_builder_begin_object (b);
      add_string_or_null (b, "name", fs_l2_spec_vlan_name (sc, i));
      add_int (b, "id", fs_l2_spec_vlan_id (sc, i));
      add_string_or_null (b, "subnet", subnet >= 0 ? fs_net_spec_subnet_name (sc, subnet) : NULL);
      json_builder_set_member_name (b, "sites");
      json_builder_begin_array (b);
      for (j = 0; j < n; j++)
        json_builder_add_string_value (b, fs_sites_spec_name (sc, (guint) fs_l2_spec_vlan_site (sc, i, j)));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "stretched");
      json_builder_add_boolean_value (b, n > 1);
      json_builder_set_member_name (b, "interconnects");
      json_builder_begin_array (b);
      for (j = 0; j < fs_l2_spec_vlan_n_interconnects (sc, i); j++)
        json_builder_add_string_value (b, fs_net_spec_link_name (sc, fs_l2_spec_vlan_interconnect (sc, i, j)));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "hosts");
  json_builder_begin_array (b);
  for (i = 0; i < fs_net_spec_n_hosts (sc); i++)
    {
      g_autofree char *ip = fs_ip_to_string (fs_net_spec_host_ip (sc, (int) i));
      int subnet = fs_net_spec_host_subnet (sc, (int) i);

      json_builder_begin_object (b);
      add_string_or_null (b, "name", fs_net_spec_host_name (sc, (int) i));
      add_string_or_null (b, "ip", ip);
      add_string_or_null (b, "subnet", subnet >= 0 ? fs_net_spec_subnet_name (sc, subnet) : NULL);
      add_string_or_null (b, "site", site_name_or_null (sc, fs_net_spec_host_site (sc, (int) i)));
      json_builder_set_member_name (b, "running");
      json_builder_add_boolean_value (b, fs_net_spec_host_running (sc, (int) i));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_indent (gen, 2);
  text = json_generator_to_data (gen, NULL);
  return g_strconcat (text, "\n", NULL);
}

char *
fs_output_run_file (FsSim *sim, const FsRunInfo *info, const char *name)
{
  gboolean has_clients = fs_client_stats_n_services (fs_metrics_clients (fs_sim_metrics (sim))) > 0;

  if (strcmp (name, "outages.csv") == 0)
    return outages_csv (sim);
  if (strcmp (name, "notices.csv") == 0)
    return notices_csv (sim);
  if (strcmp (name, "clients.csv") == 0)
    return has_clients ? clients_csv (sim) : NULL;
  if (strcmp (name, "recovery.csv") == 0)
    return has_clients ? recovery_csv (sim) : NULL;
  if (strcmp (name, "topology.json") == 0)
    return fs_output_topology_json (sim);
  if (strcmp (name, "summary.json") == 0)
    return fs_output_summary_json (sim, info);
  return NULL;
}

gboolean
fs_output_write_run (const char *dir, FsSim *sim, const FsRunInfo *info, GError **error)
{
  const FsClientStats *cs = fs_metrics_clients (fs_sim_metrics (sim));
  gboolean has_clients = fs_client_stats_n_services (cs) > 0;
  /* summary.json last: a directory that holds it holds a complete run. A NULL text is a file
   * this run does not have. */
  struct {
    const char *name;
    char *text;
  } files[] = {
    { "outages.csv", outages_csv (sim) },
    { "notices.csv", notices_csv (sim) },
    { "clients.csv", has_clients ? clients_csv (sim) : NULL },
    { "recovery.csv", has_clients ? recovery_csv (sim) : NULL },
    { "topology.json", fs_output_topology_json (sim) },
    { "summary.json", fs_output_summary_json (sim, info) },
  };
  gboolean ok = TRUE;
  guint i;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "cannot create output directory '%s': %s", dir, g_strerror (saved));
      ok = FALSE;
    }
  for (i = 0; ok && i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = NULL;

      if (files[i].text == NULL)
        continue;
      path = g_build_filename (dir, files[i].name, NULL);
      ok = fs_output_write_file (path, files[i].text, -1, error);
    }
  for (i = 0; i < G_N_ELEMENTS (files); i++)
    g_free (files[i].text);
  return ok;
}
