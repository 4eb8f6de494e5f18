/* test-trace.c: the Chrome trace of a run: its structure, exact times, escaping, determinism, and
 * `failsim run --trace`. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "failsim/output.h"
#include "failsim/scenario.h"
#include "failsim/sim.h"
#include "failsim/trace.h"

#include "run-failsim.h"

static void
enter_source_dir (void)
{
  cr_assert (chdir (FS_SOURCE_DIR) == 0);
}

TestSuite (trace, .init = enter_source_dir);

/* The trace of a whole run of @path (or of @text, named @path, when not NULL) at its seed. */
static char *
trace_of (const char *path, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (FsScenario) sc = text != NULL ? fs_scenario_load_data (path, text, -1, NULL, &error)
                                           : fs_scenario_load (path, NULL, &error);
  g_autoptr (FsSim) sim = NULL;
  g_autoptr (FsTrace) trace = NULL;
  char *json;

  cr_assert_not_null (sc, "%s", error ? error->message : "");
  sim = fs_sim_new (sc, fs_scenario_seed (sc), 0, &error);
  cr_assert_not_null (sim, "%s", error ? error->message : "");
  trace = fs_trace_new (sim);
  fs_sim_run (sim, fs_scenario_duration (sc));
  fs_sim_finish (sim);
  json = fs_trace_json (trace);
  /* Laid out once: asking again gives the same text. */
  {
    g_autofree char *again = fs_trace_json (trace);

    cr_assert_str_eq (again, json);
  }
  g_clear_pointer (&trace, fs_trace_free);
  return json;
}

/* A parsed trace, with its events and the names of its processes and threads. */
typedef struct {
  JsonParser *parser;
  JsonObject *root;
  JsonArray *events;
  GHashTable *processes;   /* "pid" -> name */
  GHashTable *threads;     /* "pid/tid" -> name */
} Trace;

static Trace
parse (const char *json)
{
  g_autoptr (GError) error = NULL;
  Trace t = { json_parser_new (), NULL, NULL, NULL, NULL };
  JsonNode *root;
  guint i;

  cr_assert (json_parser_load_from_data (t.parser, json, -1, &error), "%s",
             error ? error->message : "");
  root = json_parser_get_root (t.parser);
  cr_assert (JSON_NODE_HOLDS_OBJECT (root));
  t.root = json_node_get_object (root);
  cr_assert (json_object_has_member (t.root, "traceEvents"));
  cr_assert (JSON_NODE_HOLDS_ARRAY (json_object_get_member (t.root, "traceEvents")));
  t.events = json_object_get_array_member (t.root, "traceEvents");
  cr_assert_str_eq (json_object_get_string_member (t.root, "displayTimeUnit"), "ms");
  cr_assert (json_object_has_member (t.root, "otherData"));
  t.processes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  t.threads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (i = 0; i < json_array_get_length (t.events); i++)
    {
      JsonObject *e = json_array_get_object_element (t.events, i);
      const char *name, *ph;
      JsonObject *args;

      cr_assert (json_object_has_member (e, "name") && json_object_has_member (e, "ph")
                 && json_object_has_member (e, "pid") && json_object_has_member (e, "tid")
                 && json_object_has_member (e, "ts"), "event %u lacks a member", i);
      cr_assert_eq (json_node_get_value_type (json_object_get_member (e, "pid")), G_TYPE_INT64);
      cr_assert_eq (json_node_get_value_type (json_object_get_member (e, "tid")), G_TYPE_INT64);
      name = json_object_get_string_member (e, "name");
      ph = json_object_get_string_member (e, "ph");
      if (strcmp (ph, "M") != 0)
        continue;
      args = json_object_get_object_member (e, "args");
      if (strcmp (name, "process_name") == 0)
        g_hash_table_insert (t.processes,
                             g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (e, "pid")),
                             g_strdup (json_object_get_string_member (args, "name")));
      else if (strcmp (name, "thread_name") == 0)
        g_hash_table_insert (t.threads,
                             g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                              json_object_get_int_member (e, "pid"),
                                              json_object_get_int_member (e, "tid")),
                             g_strdup (json_object_get_string_member (args, "name")));
    }
  return t;
}

static void
trace_clear (Trace *t)
{
  g_object_unref (t->parser);
  g_hash_table_unref (t->processes);
  g_hash_table_unref (t->threads);
}

static const char *
process_of (const Trace *t, JsonObject *e)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (e, "pid"));

  return g_hash_table_lookup (t->processes, key);
}

static const char *
thread_of (const Trace *t, JsonObject *e)
{
  g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                          json_object_get_int_member (e, "pid"),
                                          json_object_get_int_member (e, "tid"));

  return g_hash_table_lookup (t->threads, key);
}

/* Whether a thread named @thread exists in process @process. */
static gboolean
has_track (const Trace *t, const char *process, const char *thread)
{
  GHashTableIter it;
  gpointer key, value;

  g_hash_table_iter_init (&it, t->threads);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      g_autofree char *pid = g_strndup (key, strcspn (key, "/"));

      if (strcmp (value, thread) == 0
          && g_strcmp0 (g_hash_table_lookup (t->processes, pid), process) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The first event named @name of phase @ph on thread @thread of @process (any when NULL). */
static JsonObject *
find_event (const Trace *t, const char *ph, const char *name, const char *process, const char *thread)
{
  guint i;

  for (i = 0; i < json_array_get_length (t->events); i++)
    {
      JsonObject *e = json_array_get_object_element (t->events, i);

      if (strcmp (json_object_get_string_member (e, "ph"), ph) == 0
          && strcmp (json_object_get_string_member (e, "name"), name) == 0
          && (process == NULL || g_strcmp0 (process_of (t, e), process) == 0)
          && (thread == NULL || g_strcmp0 (thread_of (t, e), thread) == 0))
        return e;
    }
  return NULL;
}

static guint
count_events (const Trace *t, const char *ph, const char *name, const char *process)
{
  guint i, n = 0;

  for (i = 0; i < json_array_get_length (t->events); i++)
    {
      JsonObject *e = json_array_get_object_element (t->events, i);

      n += strcmp (json_object_get_string_member (e, "ph"), ph) == 0
           && (name == NULL || strcmp (json_object_get_string_member (e, "name"), name) == 0)
           && (process == NULL || g_strcmp0 (process_of (t, e), process) == 0);
    }
  return n;
}

/* What every trace must satisfy: metadata for every thread used, non-negative durations, events
 * in time order, and on every thread complete events that nest (a viewer draws them as a stack). */
static void
check_structure (const Trace *t)
{
  g_autoptr (GHashTable) stacks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_array_unref);
  double last_ts = -1;
  gboolean past_metadata = FALSE;
  guint i;

  for (i = 0; i < json_array_get_length (t->events); i++)
    {
      JsonObject *e = json_array_get_object_element (t->events, i);
      const char *ph = json_object_get_string_member (e, "ph");
      double ts = json_object_get_double_member (e, "ts");

      if (strcmp (ph, "M") == 0)
        {
          cr_assert (!past_metadata, "metadata after the events, at %u", i);
          continue;
        }
      past_metadata = TRUE;
      cr_assert (strchr ("XiC", ph[0]) != NULL && ph[1] == 0, "phase %s", ph);
      cr_assert_not_null (process_of (t, e), "event %u: its pid has no process_name", i);
      cr_assert_not_null (thread_of (t, e), "event %u: its tid has no thread_name", i);
      cr_assert_geq (ts, last_ts, "event %u (%s) out of time order", i,
                     json_object_get_string_member (e, "name"));
      last_ts = ts;
      if (strcmp (ph, "X") == 0)
        {
          double dur = json_object_get_double_member (e, "dur");
          g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                  json_object_get_int_member (e, "pid"),
                                                  json_object_get_int_member (e, "tid"));
          GArray *ends = g_hash_table_lookup (stacks, key);
          double end = ts + dur;

          cr_assert_geq (dur, 0.0, "event %u has a negative duration", i);
          if (ends == NULL)
            {
              ends = g_array_new (FALSE, FALSE, sizeof (double));
              g_hash_table_insert (stacks, g_strdup (key), ends);
            }
          while (ends->len > 0 && g_array_index (ends, double, ends->len - 1) <= ts)
            g_array_set_size (ends, ends->len - 1);
          cr_assert (ends->len == 0 || g_array_index (ends, double, ends->len - 1) >= end,
                     "event %u (%s on %s) overlaps another on its thread without nesting", i,
                     json_object_get_string_member (e, "name"), thread_of (t, e));
          if (dur > 0)
            g_array_append_val (ends, end);
        }
      if (strcmp (ph, "i") == 0)
        cr_assert_not_null (json_object_get_string_member (json_object_get_object_member (e, "args"),
                                                           "topic"));
    }
}

/* The text of the event line holding @needle: times must be written exactly, not only parse so. */
static gboolean
has_line (const char *json, const char *needle_a, const char *needle_b)
{
  g_auto (GStrv) lines = g_strsplit (json, "\n", -1);
  guint i;

  for (i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle_a) != NULL && strstr (lines[i], needle_b) != NULL)
      return TRUE;
  return FALSE;
}

/* --- through the library ----------------------------------------------------------------------------- */

Test (trace, change_ip_failover_has_its_tracks_states_and_counters)
{
  g_autofree char *json = trace_of ("scenarios/change-ip-failover.yaml", NULL);
  Trace t = parse (json);
  const char *resolvers[] = { "resolver-1", "resolver-2", "resolver-3", "resolver-4" };
  JsonObject *e;
  guint i, n;

  check_structure (&t);
  cr_assert (has_track (&t, "sites", "primary"));
  cr_assert (has_track (&t, "sites", "branch"));
  cr_assert (has_track (&t, "routers", "r-primary"));
  cr_assert (has_track (&t, "links", "primary-recovery"));
  cr_assert (has_track (&t, "services", "app"));
  for (i = 0; i < G_N_ELEMENTS (resolvers); i++)
    cr_assert (has_track (&t, "dns", resolvers[i]), "%s", resolvers[i]);

  /* The site is lost at 10m and never repaired: down to the end of the run (1h). */
  e = find_event (&t, "X", "site down", "sites", "primary");
  cr_assert_not_null (e);
  cr_assert_eq (json_object_get_double_member (e, "ts"), 600000000.0);
  cr_assert_eq (json_object_get_double_member (e, "dur"), 3000000000.0);
  cr_assert (has_line (json, "\"name\":\"site down\"", "\"ts\":600000000.000,\"dur\":3000000000.000"));
  e = find_event (&t, "X", "router down", "routers", "r-primary");
  cr_assert_not_null (e);
  cr_assert_eq (json_object_get_double_member (e, "ts"), 600000000.0);

  /* The episode began with the site's loss and its last change came 90.025 s later, although
   * the net model reports it only at the end of the run. */
  e = find_event (&t, "X", "route converging", "routers", "routing");
  cr_assert_not_null (e);
  cr_assert_eq (json_object_get_double_member (e, "ts"), 600000000.0);
  cr_assert_eq (json_object_get_double_member (e, "dur"), 90025000.0);

  /* Black holes and loops, one thread per router and prefix. */
  cr_assert_not_null (find_event (&t, "X", "black hole", "routers", "r-branch 192.168.1.0/24"));
  cr_assert_not_null (find_event (&t, "X", "loop", "routers", "r-branch 192.168.1.0/24"));

  /* Each resolver held the old address when the replica registered its own (dns.outdated). */
  for (i = 0; i < G_N_ELEMENTS (resolvers); i++)
    {
      e = find_event (&t, "X", "resolver holds an outdated answer", "dns", resolvers[i]);
      cr_assert_not_null (e, "%s", resolvers[i]);
      cr_assert_eq (json_object_get_double_member (e, "ts"), 874712440.816);
      cr_assert_gt (json_object_get_double_member (e, "dur"), 0.0);
    }
  e = find_event (&t, "X", "resolver holds an outdated answer", "dns", "resolver-1");
  cr_assert_eq (json_object_get_double_member (e, "dur"), 114529913.561);

  /* Point notices, with their sentences. */
  e = find_event (&t, "i", "dns.update", "dns", "app.contoso.com");
  cr_assert_not_null (e);
  cr_assert (strstr (json_object_get_string_member (json_object_get_object_member (e, "args"), "detail"),
                     "172.16.1.10") != NULL);
  e = find_event (&t, "i", "timeline.fire", "run", "timeline");
  cr_assert_not_null (e);
  cr_assert_str_eq (json_object_get_string_member (json_object_get_object_member (e, "args"), "detail"),
                    "the primary datacenter is lost");
  cr_assert_geq (count_events (&t, "i", "route.change", "routers"), 8);

  /* The service's outage window and its share of clients served: from 1, within [0, 1]. */
  cr_assert_not_null (find_event (&t, "X", "service outage window", "services", "app"));
  n = 0;
  for (i = 0; i < json_array_get_length (t.events); i++)
    {
      JsonObject *c = json_array_get_object_element (t.events, i);
      double v;

      if (strcmp (json_object_get_string_member (c, "ph"), "C") != 0
          || strcmp (json_object_get_string_member (c, "name"), "clients served: app") != 0)
        continue;
      v = json_object_get_double_member (json_object_get_object_member (c, "args"), "share");
      cr_assert (v >= 0 && v <= 1, "share %g", v);
      if (n++ == 0)
        {
          cr_assert_eq (v, 1.0);
          cr_assert_eq (json_object_get_double_member (c, "ts"), 0.0);
        }
      cr_assert_str_eq (process_of (&t, c), "services");
    }
  cr_assert_gt (n, 2);
  /* The authoritative query rate of each DNS server, on the same grid. */
  cr_assert_gt (count_events (&t, "C", NULL, "dns"), 0);
  for (i = 0; i < json_array_get_length (t.events); i++)
    {
      JsonObject *c = json_array_get_object_element (t.events, i);

      if (strcmp (json_object_get_string_member (c, "ph"), "C") == 0
          && g_str_has_prefix (json_object_get_string_member (c, "name"), "queries/s: "))
        {
          double ts = json_object_get_double_member (c, "ts");

          cr_assert_geq (json_object_get_double_member (json_object_get_object_member (c, "args"), "qps"), 0.0);
          cr_assert_eq (fmod (ts, 10e6), 0.0, "a counter off the 10 s grid at %f", ts);
        }
    }
  trace_clear (&t);
}

Test (trace, two_runs_give_the_same_bytes)
{
  g_autofree char *a = trace_of ("scenarios/change-ip-failover.yaml", NULL);
  g_autofree char *b = trace_of ("scenarios/change-ip-failover.yaml", NULL);

  cr_assert_str_eq (a, b);
}

Test (trace, a_storm_is_drawn_on_its_vlan_sites_links_and_hosts)
{
  g_autofree char *json = trace_of ("scenarios/stretched-vlan-storm.yaml", NULL);
  Trace t = parse (json);
  JsonObject *e;

  check_structure (&t);
  e = find_event (&t, "X", "broadcast storm", "vlans", "app-vlan@primary");
  cr_assert_not_null (e);
  cr_assert_eq (json_object_get_double_member (e, "ts"), 600000000.0);
  cr_assert_eq (json_object_get_double_member (e, "dur"), 300000000.0);
  cr_assert_not_null (find_event (&t, "X", "flooded by a broadcast storm", "sites", "recovery"));
  cr_assert_not_null (find_event (&t, "X", "saturated by a broadcast storm", "links", "dci"));
  cr_assert_not_null (find_event (&t, "X", "unusable in a broadcast storm", "hosts", "app-3"));
  cr_assert (has_track (&t, "vlans", "app-vlan") && has_track (&t, "vlans", "db-vlan"));
  /* storm.duration_ns repeats the storm: not drawn twice. */
  cr_assert_eq (count_events (&t, "X", "broadcast storm", NULL), 2);
  cr_assert_eq (count_events (&t, "X", "storm.duration", NULL), 0);
  trace_clear (&t);
}

Test (trace, a_recovery_plan_its_group_and_its_boots)
{
  g_autofree char *json = trace_of ("scenarios/woodgrove-azure.yaml", NULL);
  Trace t = parse (json);
  JsonObject *e;

  check_structure (&t);
  e = find_event (&t, "X", "recovery plan running", "recovery", "rp-woodgrove");
  cr_assert_not_null (e);
  cr_assert_eq (json_object_get_double_member (e, "ts"), 900000000.0);
  cr_assert_eq (json_object_get_double_member (e, "dur"), 180000000.0);
  e = find_event (&t, "X", "group apps running", "recovery", "rp-woodgrove groups");
  cr_assert_not_null (e);
  cr_assert_eq (json_object_get_double_member (e, "ts"), 900000000.0);
  cr_assert_eq (json_object_get_double_member (e, "dur"), 180000000.0);
  e = find_event (&t, "X", "VM booting", "recovery", "app-1");
  cr_assert_not_null (e);
  cr_assert_eq (json_object_get_double_member (e, "ts"), 900000000.0);
  cr_assert_eq (json_object_get_double_member (e, "dur"), 120000000.0);
  /* Episodes follow one another: the second began when the first was reported (17:30). */
  e = find_event (&t, "X", "route converging", "routers", "routing");
  cr_assert_eq (json_object_get_double_member (e, "ts"), 600000000.0);
  cr_assert_eq (json_object_get_double_member (e, "dur"), 90000000.0);
  cr_assert_eq (count_events (&t, "X", "route converging", "routers"), 3);
  cr_assert (has_line (json, "\"name\":\"route converging\"", "\"ts\":1050000000.000,\"dur\":7000.000"));
  /* Black holes open at 0 and never closed last to the end. */
  cr_assert (has_line (json, "\"name\":\"black hole\"", "\"ts\":0.000,\"dur\":3600000000.000"));
  cr_assert_not_null (find_event (&t, "i", "dr.step_done", "recovery", "rp-woodgrove"));
  trace_clear (&t);
}

Test (trace, names_are_escaped)
{
  const char *path = "scenarios/change-ip-failover.yaml";
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  GString *edited;
  const char *at;
  Trace t;
  JsonObject *e;

  cr_assert (g_file_get_contents (path, &text, NULL, NULL));
  edited = g_string_new (text);
  at = strstr (edited->str, "name: change-IP failover, TTL 300 s");
  cr_assert_not_null (at);
  g_string_erase (edited, at - edited->str, strlen ("name: change-IP failover, TTL 300 s"));
  g_string_insert (edited, at - edited->str,
                   "name: '<script>alert(1)</script> \"quoted\" back\\slash'");
  at = strstr (edited->str, "note: the primary datacenter is lost");
  cr_assert_not_null (at);
  g_string_erase (edited, at - edited->str, strlen ("note: the primary datacenter is lost"));
  g_string_insert (edited, at - edited->str, "note: '\"lost\" <b>&</b> \\ tab\there'");
  json = trace_of (path, edited->str);
  g_string_free (edited, TRUE);

  cr_assert_null (strstr (json, "<script"), "a raw < in the file");
  t = parse (json);
  check_structure (&t);
  cr_assert_str_eq (json_object_get_string_member (
                      json_object_get_object_member (json_object_get_object_member (t.root, "otherData"),
                                                     "scenario"), "name"),
                    "<script>alert(1)</script> \"quoted\" back\\slash");
  e = find_event (&t, "i", "timeline.fire", "run", "timeline");
  cr_assert_str_eq (json_object_get_string_member (json_object_get_object_member (e, "args"), "detail"),
                    "\"lost\" <b>&</b> \\ tab\there");
  trace_clear (&t);
}

/* --- the command ---------------------------------------------------------------------------------------- */

/* Result, result_clear (), failsim (): tests/run-failsim.h. */

Test (trace, run_trace_writes_the_same_file_as_the_library)
{
  g_autofree char *dir = g_dir_make_tmp ("failsim-trace-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.trace.json", NULL);
  g_autofree char *written = NULL;
  g_autofree char *direct = trace_of ("scenarios/change-ip-failover.yaml", NULL);
  Result r = failsim ("run", "scenarios/change-ip-failover.yaml", "-q", "--trace", path, NULL);
  Trace t;

  cr_assert_eq (r.status, 0, "%s", r.err);
  cr_assert (g_file_get_contents (path, &written, NULL, NULL));
  t = parse (written);
  check_structure (&t);
  trace_clear (&t);
  cr_assert_str_eq (written, direct);
  result_clear (&r);
  g_unlink (path);
  g_rmdir (dir);
}

Test (trace, run_trace_with_reps_is_a_usage_error)
{
  g_autofree char *dir = g_dir_make_tmp ("failsim-trace-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "run.trace.json", NULL);
  Result r = failsim ("run", "scenarios/change-ip-failover.yaml", "-q", "--reps", "2", "--trace", path,
                      NULL);

  cr_assert_eq (r.status, 2);
  cr_assert (strstr (r.err, "--trace") != NULL, "%s", r.err);
  cr_assert (!g_file_test (path, G_FILE_TEST_EXISTS));
  result_clear (&r);
  g_rmdir (dir);
}

Test (trace, run_trace_into_a_missing_directory_fails_and_says_where)
{
  Result r = failsim ("run", "scenarios/site-outage.yaml", "-q", "--trace",
                      "/nonexistent-failsim-dir/run.trace.json", NULL);

  cr_assert_eq (r.status, 1);
  cr_assert (strstr (r.err, "nonexistent-failsim-dir") != NULL, "%s", r.err);
  result_clear (&r);
}
