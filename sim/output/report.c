/* report.c: one self-contained HTML page from a run's result files: the topology, the
 * availability timeline, the CDF of client downtime, the downtime budget and the event log.
 *
 * It reads only the files `failsim run --out` writes, through json-glib and fs_csv_parse(), so
 * a run from any earlier day can be reported. Everything drawn is inline SVG written here; the
 * page fetches nothing (its Content-Security-Policy forbids it) and reads the same with
 * JavaScript off (the script only sorts and filters the event log). Every text that came from
 * a scenario goes through esc(). No date or clock: the same files give the same bytes. */
#include "failsim/report.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "failsim/clients.h"

/* Past these, the page would be too big to read: the rest is in the files. */
#define MAX_EVENT_ROWS 5000
#define MAX_TRACKS 60
#define MAX_CURVE_POINTS 1500
#define MAX_CDF_POINTS 1500
#define MAX_DRAWN_SITES 40
#define MAX_DRAWN_ROUTERS 160
#define MAX_SERVICE_CHARTS 12   /* per section; the tables of summary.json hold the rest */
#define MAX_SERVICE_CARDS 3
#define MAX_ACTIONS 40          /* numbered markers; a generated estate fires thousands */

/* Chart geometry, in SVG user units; the page scales the SVG to its width. */
#define W 960.0
#define PLOT_LEFT 230.0
#define PLOT_RIGHT 24.0

/* --- what the files hold ---------------------------------------------------------------------- */

typedef struct {
  const char *name, *kind;
} Site;

typedef struct {
  const char *name;
  int site;                  /* index in sites, -1 when unknown */
} Router;

typedef struct {
  const char *name, *kind, *latency, *circuit;
  int a, b;                  /* router indices, -1 when unknown */
  gboolean starts_up;
} Link;

typedef struct {
  const char *name, *prefix;
  int site;
} Subnet;

typedef struct {
  const char *name, *subnet;
  gint64 id;
  GArray *sites;             /* int: site indices */
  GPtrArray *interconnects;  /* const char *, borrowed from the report's strings */
} Vlan;

typedef struct {
  gint64 time_ns;
  const char *time, *topic, *subject, *detail;
} Notice;

typedef struct {
  double start_s, end_s;
  gboolean open;             /* still down at the end of the run */
} Span;

/* A subject's outages, from its <entity>.down / <entity>.up notices. */
typedef struct {
  const char *entity, *subject;
  guint first_notice;        /* for a stable order */
  GArray *spans;             /* Span */
} Track;

typedef struct {
  const char *name;
  gint64 clients, affected, down_at_end;
  double lost_s;
  gboolean has_downtime;
  double mean_s, p50_s, p95_s, p99_s, max_s;
  gboolean has_budget;
  double budget_s[FS_PHASE_N], total_s;
  GArray *curve_t, *curve_v; /* double: recovery.csv's time_s and served */
  GArray *downtimes;         /* double: clients.csv's downtime_s of its affected clients, sorted */
} Service;

typedef struct {
  const char *name;
  double vlans, sites, links, hosts, duration_s, requests_failed;
} Storm;

typedef struct {
  const char *source;
  GError *error;             /* the first problem found; later ones are not reported */
  GStringChunk *strings;     /* every string below */

  const char *name, *file, *sha256, *seed, *horizon, *status, *end;
  GPtrArray *overrides;
  gint64 replication, events;
  double end_s;

  GArray *sites, *routers, *links, *subnets, *vlans, *notices, *tracks, *services, *storms;
  guint n_hosts;
} Report;

static void
vlan_clear (gpointer p)
{
  Vlan *v = p;

  g_clear_pointer (&v->sites, g_array_unref);
  g_clear_pointer (&v->interconnects, g_ptr_array_unref);
}

static void
track_clear (gpointer p)
{
  g_clear_pointer (&((Track *) p)->spans, g_array_unref);
}

static void
service_clear (gpointer p)
{
  Service *s = p;

  g_clear_pointer (&s->curve_t, g_array_unref);
  g_clear_pointer (&s->curve_v, g_array_unref);
  g_clear_pointer (&s->downtimes, g_array_unref);
}

static Report *
report_new (const char *source)
{
  Report *r = g_new0 (Report, 1);

  r->source = source;
  r->strings = g_string_chunk_new (4096);
  r->overrides = g_ptr_array_new ();
  r->sites = g_array_new (FALSE, TRUE, sizeof (Site));
  r->routers = g_array_new (FALSE, TRUE, sizeof (Router));
  r->links = g_array_new (FALSE, TRUE, sizeof (Link));
  r->subnets = g_array_new (FALSE, TRUE, sizeof (Subnet));
  r->vlans = g_array_new (FALSE, TRUE, sizeof (Vlan));
  g_array_set_clear_func (r->vlans, vlan_clear);
  r->notices = g_array_new (FALSE, TRUE, sizeof (Notice));
  r->tracks = g_array_new (FALSE, TRUE, sizeof (Track));
  g_array_set_clear_func (r->tracks, track_clear);
  r->services = g_array_new (FALSE, TRUE, sizeof (Service));
  g_array_set_clear_func (r->services, service_clear);
  r->storms = g_array_new (FALSE, TRUE, sizeof (Storm));
  return r;
}

static void
report_free (Report *r)
{
  g_clear_error (&r->error);
  g_string_chunk_free (r->strings);
  g_ptr_array_unref (r->overrides);
  g_array_unref (r->sites);
  g_array_unref (r->routers);
  g_array_unref (r->links);
  g_array_unref (r->subnets);
  g_array_unref (r->vlans);
  g_array_unref (r->notices);
  g_array_unref (r->tracks);
  g_array_unref (r->services);
  g_array_unref (r->storms);
  g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Report, report_free)

static const char *
keep (Report *r, const char *s)
{
  return s != NULL ? g_string_chunk_insert_const (r->strings, s) : NULL;
}

/* Records the first problem: "SOURCE/FILE: message" (@where may hold ":LINE"). */
static void G_GNUC_PRINTF (3, 4)
malformed (Report *r, const char *where, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  if (r->error != NULL)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  r->error = g_error_new (FS_REPORT_ERROR, FS_REPORT_ERROR_MALFORMED, "%s/%s: %s", r->source, where,
                          message);
}

/* --- JSON, checked member by member ----------------------------------------------------------- */

/* The member @key of @o: NULL when absent (a problem when @required) or JSON null. */
static JsonNode *
member (Report *r, const char *file, JsonObject *o, const char *path, const char *key,
        gboolean required)
{
  JsonNode *n = o != NULL ? json_object_get_member (o, key) : NULL;

  if (n == NULL && required && o != NULL)
    malformed (r, file, "%s%s%s: missing", path, *path ? "." : "", key);
  if (n != NULL && JSON_NODE_HOLDS_NULL (n))
    return NULL;
  return n;
}

static JsonObject *
get_object (Report *r, const char *file, JsonObject *o, const char *path, const char *key,
            gboolean required)
{
  JsonNode *n = member (r, file, o, path, key, required);

  if (n == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    {
      malformed (r, file, "%s%s%s: expected an object", path, *path ? "." : "", key);
      return NULL;
    }
  return json_node_get_object (n);
}

static JsonArray *
get_array (Report *r, const char *file, JsonObject *o, const char *path, const char *key,
           gboolean required)
{
  JsonNode *n = member (r, file, o, path, key, required);

  if (n == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (n))
    {
      malformed (r, file, "%s%s%s: expected an array", path, *path ? "." : "", key);
      return NULL;
    }
  return json_node_get_array (n);
}

/* A string member, kept; NULL when absent or null. A number is read as its text (a seed past
 * 2^63 is written as a string, a smaller one as a number). */
static const char *
get_string (Report *r, const char *file, JsonObject *o, const char *path, const char *key,
            gboolean required)
{
  JsonNode *n = member (r, file, o, path, key, required);

  if (n == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING)
    return keep (r, json_node_get_string (n));
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64)
    {
      char text[32];

      g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, json_node_get_int (n));
      return keep (r, text);
    }
  malformed (r, file, "%s%s%s: expected a string", path, *path ? "." : "", key);
  return NULL;
}

/* A number member; NAN when absent or null. */
static double
get_number (Report *r, const char *file, JsonObject *o, const char *path, const char *key,
            gboolean required)
{
  JsonNode *n = member (r, file, o, path, key, required);

  if (n == NULL)
    return NAN;
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64)
    return (double) json_node_get_int (n);
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_DOUBLE)
    return json_node_get_double (n);
  malformed (r, file, "%s%s%s: expected a number", path, *path ? "." : "", key);
  return NAN;
}

static gboolean
get_bool (Report *r, const char *file, JsonObject *o, const char *path, const char *key)
{
  JsonNode *n = member (r, file, o, path, key, FALSE);

  if (n == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (n);
  malformed (r, file, "%s%s%s: expected true or false", path, *path ? "." : "", key);
  return FALSE;
}

/* Parses @file of @files into its root object, or records why not. */
static JsonNode *
parse_json (Report *r, FsRunFiles *files, const char *file)
{
  const char *text = g_hash_table_lookup (files, file);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  if (text == NULL)
    {
      malformed (r, file, "missing");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, -1, &error))
    {
      /* json-glib says "<data>:LINE:COL: Parse error: ..."; the file's name reads better. */
      const char *m = error->message;
      gboolean located = g_str_has_prefix (m, "<data>:");

      if (located)
        m += strlen ("<data>");
      if (r->error == NULL)
        r->error = g_error_new (FS_REPORT_ERROR, FS_REPORT_ERROR_MALFORMED, "%s/%s%s%s", r->source,
                                file, located ? "" : ": ", m);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      malformed (r, file, "expected a JSON object");
      return NULL;
    }
  return json_node_copy (root);
}

static int
find_index (GArray *items, size_t size, const char *name)
{
  guint i;

  if (name == NULL)
    return -1;
  /* Every item struct starts with its name. */
  for (i = 0; i < items->len; i++)
    {
      const char *n = *(const char **) (void *) (items->data + (gsize) i * size);

      if (n != NULL && strcmp (n, name) == 0)
        return (int) i;
    }
  return -1;
}

static void
read_topology (Report *r, FsRunFiles *files)
{
  const char *f = "topology.json";
  g_autoptr (JsonNode) root = parse_json (r, files, f);
  JsonObject *o;
  JsonArray *a;
  guint i, j;

  if (root == NULL)
    return;
  o = json_node_get_object (root);

  a = get_array (r, f, o, "", "sites", TRUE);
  for (i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonObject *e = json_array_get_object_element (a, i);
      Site s = { 0 };

      if (e == NULL)
        {
          malformed (r, f, "sites[%u]: expected an object", i);
          break;
        }
      s.name = get_string (r, f, e, "sites[]", "name", TRUE);
      s.kind = get_string (r, f, e, "sites[]", "kind", FALSE);
      g_array_append_val (r->sites, s);
    }

  a = get_array (r, f, o, "", "routers", TRUE);
  for (i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonObject *e = json_array_get_object_element (a, i);
      Router x = { 0 };

      if (e == NULL)
        {
          malformed (r, f, "routers[%u]: expected an object", i);
          break;
        }
      x.name = get_string (r, f, e, "routers[]", "name", TRUE);
      x.site = find_index (r->sites, sizeof (Site), get_string (r, f, e, "routers[]", "site", FALSE));
      g_array_append_val (r->routers, x);
    }

  a = get_array (r, f, o, "", "links", TRUE);
  for (i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonObject *e = json_array_get_object_element (a, i);
      JsonArray *between;
      Link l = { 0 };

      if (e == NULL)
        {
          malformed (r, f, "links[%u]: expected an object", i);
          break;
        }
      l.name = get_string (r, f, e, "links[]", "name", TRUE);
      l.kind = get_string (r, f, e, "links[]", "kind", FALSE);
      l.latency = get_string (r, f, e, "links[]", "latency", FALSE);
      l.circuit = get_string (r, f, e, "links[]", "circuit", FALSE);
      l.starts_up = get_bool (r, f, e, "links[]", "starts_up");
      l.a = l.b = -1;
      between = get_array (r, f, e, "links[]", "between", TRUE);
      if (between != NULL && json_array_get_length (between) == 2)
        {
          l.a = find_index (r->routers, sizeof (Router), json_array_get_string_element (between, 0));
          l.b = find_index (r->routers, sizeof (Router), json_array_get_string_element (between, 1));
        }
      else if (between != NULL)
        malformed (r, f, "links[%u].between: expected two routers", i);
      g_array_append_val (r->links, l);
    }

  a = get_array (r, f, o, "", "subnets", FALSE);
  for (i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonObject *e = json_array_get_object_element (a, i);
      Subnet s = { 0 };

      if (e == NULL)
        {
          malformed (r, f, "subnets[%u]: expected an object", i);
          break;
        }
      s.name = get_string (r, f, e, "subnets[]", "name", TRUE);
      s.prefix = get_string (r, f, e, "subnets[]", "prefix", FALSE);
      s.site = find_index (r->sites, sizeof (Site), get_string (r, f, e, "subnets[]", "site", FALSE));
      g_array_append_val (r->subnets, s);
    }

  a = get_array (r, f, o, "", "vlans", FALSE);
  for (i = 0; a != NULL && i < json_array_get_length (a); i++)
    {
      JsonObject *e = json_array_get_object_element (a, i);
      JsonArray *list;
      Vlan v = { 0 };

      if (e == NULL)
        {
          malformed (r, f, "vlans[%u]: expected an object", i);
          break;
        }
      v.name = get_string (r, f, e, "vlans[]", "name", TRUE);
      v.subnet = get_string (r, f, e, "vlans[]", "subnet", FALSE);
      v.id = (gint64) get_number (r, f, e, "vlans[]", "id", FALSE);
      v.sites = g_array_new (FALSE, FALSE, sizeof (int));
      v.interconnects = g_ptr_array_new ();
      list = get_array (r, f, e, "vlans[]", "sites", FALSE);
      for (j = 0; list != NULL && j < json_array_get_length (list); j++)
        {
          int site = find_index (r->sites, sizeof (Site), json_array_get_string_element (list, j));

          if (site >= 0)
            g_array_append_val (v.sites, site);
        }
      list = get_array (r, f, e, "vlans[]", "interconnects", FALSE);
      for (j = 0; list != NULL && j < json_array_get_length (list); j++)
        {
          const char *link = json_array_get_string_element (list, j);

          if (link != NULL)
            g_ptr_array_add (v.interconnects, (gpointer) keep (r, link));
        }
      g_array_append_val (r->vlans, v);
    }

  a = get_array (r, f, o, "", "hosts", FALSE);
  r->n_hosts = a != NULL ? json_array_get_length (a) : 0;
}

static void
read_summary (Report *r, FsRunFiles *files)
{
  const char *f = "summary.json";
  g_autoptr (JsonNode) root = parse_json (r, files, f);
  JsonObject *o, *sc, *run, *services, *l2, *storms;
  JsonArray *ov;
  guint i;
  int c;

  if (root == NULL)
    return;
  o = json_node_get_object (root);
  sc = get_object (r, f, o, "", "scenario", TRUE);
  run = get_object (r, f, o, "", "run", TRUE);
  r->name = get_string (r, f, sc, "scenario", "name", TRUE);
  r->file = get_string (r, f, sc, "scenario", "file", TRUE);
  r->sha256 = get_string (r, f, sc, "scenario", "sha256", FALSE);
  ov = get_array (r, f, sc, "scenario", "overrides", FALSE);
  for (i = 0; ov != NULL && i < json_array_get_length (ov); i++)
    {
      const char *text = json_array_get_string_element (ov, i);

      if (text != NULL)
        g_ptr_array_add (r->overrides, (gpointer) keep (r, text));
    }
  r->seed = get_string (r, f, run, "run", "seed", TRUE);
  r->replication = (gint64) get_number (r, f, run, "run", "replication", FALSE);
  r->horizon = get_string (r, f, run, "run", "horizon", TRUE);
  r->status = get_string (r, f, run, "run", "status", FALSE);
  r->end = get_string (r, f, run, "run", "end", FALSE);
  r->end_s = get_number (r, f, run, "run", "end_ns", TRUE) / 1e9;
  r->events = (gint64) get_number (r, f, run, "run", "events", FALSE);
  if (r->error == NULL && !(r->end_s >= 0))
    malformed (r, f, "run.end_ns: expected a time");

  services = get_object (r, f, o, "", "services", FALSE);
  if (services != NULL)
    {
      g_autoptr (GList) names = json_object_get_members (services);
      GList *l;

      for (l = names; l != NULL; l = l->next)
        {
          JsonObject *so = get_object (r, f, services, "services", l->data, TRUE);
          JsonObject *down, *budget;
          g_autofree char *path = g_strdup_printf ("services.%s", (const char *) l->data);
          Service s = { 0 };

          if (so == NULL)
            break;
          s.name = keep (r, l->data);
          s.clients = (gint64) get_number (r, f, so, path, "clients", TRUE);
          s.affected = (gint64) get_number (r, f, so, path, "affected", TRUE);
          s.down_at_end = (gint64) get_number (r, f, so, path, "down_at_end", FALSE);
          s.lost_s = get_number (r, f, so, path, "client_seconds_lost", TRUE);
          down = get_object (r, f, so, path, "downtime", TRUE);
          if (down != NULL)
            {
              s.has_downtime = TRUE;
              s.mean_s = get_number (r, f, down, path, "mean_s", TRUE);
              s.p50_s = get_number (r, f, down, path, "p50_s", TRUE);
              s.p95_s = get_number (r, f, down, path, "p95_s", TRUE);
              s.p99_s = get_number (r, f, down, path, "p99_s", TRUE);
              s.max_s = get_number (r, f, down, path, "max_s", TRUE);
            }
          budget = get_object (r, f, so, path, "budget", TRUE);
          if (budget != NULL)
            {
              s.has_budget = TRUE;
              for (c = 0; c < FS_PHASE_N; c++)
                {
                  s.budget_s[c] = get_number (r, f, budget, path, fs_phase_name ((FsPhase) c), FALSE);
                  if (isnan (s.budget_s[c]))
                    s.budget_s[c] = 0;
                }
              s.total_s = get_number (r, f, budget, path, "total", TRUE);
            }
          s.curve_t = g_array_new (FALSE, FALSE, sizeof (double));
          s.curve_v = g_array_new (FALSE, FALSE, sizeof (double));
          s.downtimes = g_array_new (FALSE, FALSE, sizeof (double));
          g_array_append_val (r->services, s);
        }
    }

  l2 = get_object (r, f, o, "", "l2", FALSE);
  storms = get_object (r, f, l2, "l2", "storms", FALSE);
  if (storms != NULL)
    {
      g_autoptr (GList) names = json_object_get_members (storms);
      GList *l;

      for (l = names; l != NULL; l = l->next)
        {
          JsonObject *so = get_object (r, f, storms, "l2.storms", l->data, TRUE);
          Storm s = { 0 };

          if (so == NULL)
            break;
          s.name = keep (r, l->data);
          s.vlans = get_number (r, f, so, "l2.storms", "vlans", FALSE);
          s.sites = get_number (r, f, so, "l2.storms", "sites", FALSE);
          s.links = get_number (r, f, so, "l2.storms", "links", FALSE);
          s.hosts = get_number (r, f, so, "l2.storms", "hosts", FALSE);
          s.duration_s = get_number (r, f, so, "l2.storms", "duration_s", FALSE);
          s.requests_failed = get_number (r, f, so, "l2.storms", "requests_failed", FALSE);
          g_array_append_val (r->storms, s);
        }
    }
}

/* Parses CSV @file and finds @columns (NULL-terminated) in its header, into @idx. */
static FsCsv *
parse_csv (Report *r, FsRunFiles *files, const char *file, const char *const *columns, int *idx)
{
  const char *text = g_hash_table_lookup (files, file);
  g_autofree char *name = g_build_filename (r->source, file, NULL);
  g_autoptr (FsCsv) csv = NULL;
  guint i;

  if (r->error != NULL)
    return NULL;
  if (text == NULL)
    {
      malformed (r, file, "missing");
      return NULL;
    }
  csv = fs_csv_parse (name, text, -1, &r->error);
  if (csv == NULL)
    return NULL;
  for (i = 0; columns[i] != NULL; i++)
    if ((idx[i] = fs_csv_column (csv, columns[i])) < 0)
      {
        malformed (r, file, "no column '%s' in the header", columns[i]);
        return NULL;
      }
  return g_steal_pointer (&csv);
}

/* A number of @csv's @row, or records why not. */
static double
csv_number (Report *r, const FsCsv *csv, const char *file, guint row, int column, gboolean empty_ok)
{
  const char *text = fs_csv_get (csv, row, (guint) column);
  char *end = NULL;
  double v;

  if (*text == '\0' && empty_ok)
    return NAN;
  v = g_ascii_strtod (text, &end);
  if (*text == '\0' || end == NULL || *end != '\0' || !isfinite (v))
    {
      g_autofree char *where = g_strdup_printf ("%s:%u", file, fs_csv_line (csv, row));

      malformed (r, where, "%s: '%s' is not a number", fs_csv_column_name (csv, (guint) column),
                 text);
      return NAN;
    }
  return v;
}

static int
find_service (Report *r, const char *name)
{
  return find_index (r->services, sizeof (Service), name);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static int
entity_rank (const char *entity)
{
  static const char *const order[] = { "site", "router", "link", "host", "flow", "storm", NULL };
  guint i;

  for (i = 0; order[i] != NULL; i++)
    if (strcmp (entity, order[i]) == 0)
      return (int) i;
  if (g_str_has_prefix (entity, "spread."))
    return 5;
  return 10;
}

static int
compare_tracks (gconstpointer a, gconstpointer b)
{
  const Track *x = a, *y = b;
  int rx = entity_rank (x->entity), ry = entity_rank (y->entity);

  if (rx != ry)
    return rx < ry ? -1 : 1;
  if (rx == 10)
    {
      int c = strcmp (x->entity, y->entity);

      if (c != 0)
        return c;
    }
  return x->first_notice < y->first_notice ? -1 : x->first_notice > y->first_notice;
}

static void
read_notices (Report *r, FsRunFiles *files)
{
  static const char *const columns[] = { "time_ns", "time", "topic", "subject", "detail", NULL };
  const char *f = "notices.csv";
  int idx[5];
  g_autoptr (FsCsv) csv = parse_csv (r, files, f, columns, idx);
  g_autoptr (GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint i, t;

  if (csv == NULL)
    return;
  for (i = 0; i < fs_csv_n_rows (csv) && r->error == NULL; i++)
    {
      Notice n;
      const char *dot;
      gboolean down;

      n.time_ns = (gint64) csv_number (r, csv, f, i, idx[0], FALSE);
      n.time = keep (r, fs_csv_get (csv, i, (guint) idx[1]));
      n.topic = keep (r, fs_csv_get (csv, i, (guint) idx[2]));
      n.subject = keep (r, fs_csv_get (csv, i, (guint) idx[3]));
      n.detail = keep (r, fs_csv_get (csv, i, (guint) idx[4]));
      g_array_append_val (r->notices, n);

      /* The metrics' own convention: <entity>.down and <entity>.up of one subject open and
       * close its outages. */
      dot = strrchr (n.topic, '.');
      if (dot == NULL || (strcmp (dot, ".down") != 0 && strcmp (dot, ".up") != 0))
        continue;
      down = strcmp (dot, ".down") == 0;
      {
        g_autofree char *entity = g_strndup (n.topic, (gsize) (dot - n.topic));
        char *key = g_strdup_printf ("%s\x1f%s", entity, n.subject);
        gpointer found = g_hash_table_lookup (by_key, key);
        Track *tr;

        if (found == NULL)
          {
            Track nt = { keep (r, entity), n.subject, i, g_array_new (FALSE, FALSE, sizeof (Span)) };

            g_array_append_val (r->tracks, nt);
            g_hash_table_insert (by_key, key, GUINT_TO_POINTER (r->tracks->len));
            tr = &g_array_index (r->tracks, Track, r->tracks->len - 1);
          }
        else
          {
            g_free (key);
            tr = &g_array_index (r->tracks, Track, GPOINTER_TO_UINT (found) - 1);
          }
        if (down && (tr->spans->len == 0 || !g_array_index (tr->spans, Span, tr->spans->len - 1).open))
          {
            Span s = { n.time_ns / 1e9, r->end_s, TRUE };

            g_array_append_val (tr->spans, s);
          }
        else if (!down && tr->spans->len > 0
                 && g_array_index (tr->spans, Span, tr->spans->len - 1).open)
          {
            Span *s = &g_array_index (tr->spans, Span, tr->spans->len - 1);

            s->end_s = n.time_ns / 1e9;
            s->open = FALSE;
          }
      }
    }
  /* A subject seen only coming up (it started down) has nothing to draw. */
  for (t = r->tracks->len; t-- > 0;)
    if (g_array_index (r->tracks, Track, t).spans->len == 0)
      g_array_remove_index (r->tracks, t);
  g_array_sort (r->tracks, compare_tracks);
}

static void
read_outages (Report *r, FsRunFiles *files)
{
  static const char *const columns[] = { "entity", "name", "outages", "downtime_s", NULL };
  int idx[4];
  g_autoptr (FsCsv) csv = parse_csv (r, files, "outages.csv", columns, idx);
  guint i;

  /* The intervals come from notices.csv; outages.csv is read to check it is whole. */
  for (i = 0; csv != NULL && i < fs_csv_n_rows (csv) && r->error == NULL; i++)
    {
      csv_number (r, csv, "outages.csv", i, idx[2], FALSE);
      csv_number (r, csv, "outages.csv", i, idx[3], FALSE);
    }
}

static void
read_clients (Report *r, FsRunFiles *files)
{
  static const char *const rec_columns[] = { "service", "time_s", "served", NULL };
  static const char *const cl_columns[] = { "service", "failed", "downtime_s", NULL };
  int idx[3];
  g_autoptr (FsCsv) rec = NULL;
  g_autoptr (FsCsv) cl = NULL;
  guint i;

  if (r->services->len == 0 || r->error != NULL)
    return;
  rec = parse_csv (r, files, "recovery.csv", rec_columns, idx);
  for (i = 0; rec != NULL && i < fs_csv_n_rows (rec) && r->error == NULL; i++)
    {
      int s = find_service (r, fs_csv_get (rec, i, (guint) idx[0]));
      double t = csv_number (r, rec, "recovery.csv", i, idx[1], FALSE);
      double v = csv_number (r, rec, "recovery.csv", i, idx[2], FALSE);

      if (s < 0)
        {
          g_autofree char *where = g_strdup_printf ("recovery.csv:%u", fs_csv_line (rec, i));

          malformed (r, where, "service '%s' is not in summary.json", fs_csv_get (rec, i, (guint) idx[0]));
          break;
        }
      g_array_append_val (g_array_index (r->services, Service, s).curve_t, t);
      g_array_append_val (g_array_index (r->services, Service, s).curve_v, v);
    }
  cl = parse_csv (r, files, "clients.csv", cl_columns, idx);
  for (i = 0; cl != NULL && i < fs_csv_n_rows (cl) && r->error == NULL; i++)
    {
      int s = find_service (r, fs_csv_get (cl, i, (guint) idx[0]));
      double failed = csv_number (r, cl, "clients.csv", i, idx[1], FALSE);
      double d = csv_number (r, cl, "clients.csv", i, idx[2], FALSE);

      if (s < 0)
        {
          g_autofree char *where = g_strdup_printf ("clients.csv:%u", fs_csv_line (cl, i));

          malformed (r, where, "service '%s' is not in summary.json", fs_csv_get (cl, i, (guint) idx[0]));
          break;
        }
      /* The affected clients, as summary.json counts them: at least one failed request. */
      if (failed > 0)
        g_array_append_val (g_array_index (r->services, Service, s).downtimes, d);
    }
  for (i = 0; i < r->services->len; i++)
    g_array_sort (g_array_index (r->services, Service, i).downtimes, compare_double);
}

/* --- writing HTML and SVG ------------------------------------------------------------------- */

/* Appends @text HTML-escaped, for element text and quoted attribute values alike. */
static void
esc (GString *out, const char *text)
{
  g_autofree char *valid = NULL;
  g_autofree char *escaped = NULL;

  if (text == NULL)
    return;
  valid = g_utf8_make_valid (text, -1);
  escaped = g_markup_escape_text (valid, -1);
  g_string_append (out, escaped);
}

/* @text cut to @max characters with an ellipsis, escaped (the full text goes in a <title>). */
static void
esc_short (GString *out, const char *text, glong max)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);

  if (g_utf8_strlen (valid, -1) <= max)
    esc (out, valid);
  else
    {
      g_autofree char *cut = g_utf8_substring (valid, 0, max - 1);

      esc (out, cut);
      g_string_append (out, "\xe2\x80\xa6");
    }
}

static void
num (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.1f", v));
}

/* Seconds exactly enough to add back up (data attributes the tests read). */
static void
exact (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.9g", v));
}

/* Simulated time as hh:mm:ss (with milliseconds when it has them). */
static void
clock_text (GString *out, double s)
{
  char buf[32];

  fs_time_format_clock (fs_time_from_seconds (s), buf, sizeof buf);
  g_string_append (out, buf);
}

/* A duration for people, to the millisecond: "2m17.175s". */
static void
duration_text (GString *out, double s)
{
  char buf[FS_TIME_BUFSZ];
  FsTime t = fs_time_from_seconds (s);

  if (isnan (s))
    {
      g_string_append (out, "\xe2\x80\x93");
      return;
    }
  if (t >= FS_SEC)
    t = (t + FS_MSEC / 2) / FS_MSEC * FS_MSEC;
  fs_time_format (t, buf, sizeof buf);
  g_string_append (out, buf);
}

/* Tick spacing for an axis of @span seconds: at most about 8 ticks, at round times. */
static double
tick_step (double span)
{
  static const double steps[] = { 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5,
                                  10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
                                  21600, 43200, 86400, 172800, 604800 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (steps); i++)
    if (span / steps[i] <= 8)
      return steps[i];
  return ceil (span / 8 / 604800) * 604800;
}

typedef struct {
  double t0, t1;             /* data range, seconds */
  double x0, x1;             /* its pixels */
} Scale;

static double
sx (const Scale *s, double t)
{
  if (s->t1 <= s->t0)
    return s->x0;
  return s->x0 + (t - s->t0) / (s->t1 - s->t0) * (s->x1 - s->x0);
}

/* Vertical grid lines and hh:mm:ss labels under a plot from @top to @bottom. */
static void
time_axis (GString *out, const Scale *s, double top, double bottom)
{
  double step = tick_step (s->t1 - s->t0), t;

  g_string_append (out, "<g class=\"axis\">");
  for (t = 0; t <= s->t1 - s->t0 + step * 1e-9; t += step)
    {
      double x = sx (s, s->t0 + t);

      g_string_append (out, "<line class=\"grid\" x1=\"");
      num (out, x);
      g_string_append (out, "\" x2=\"");
      num (out, x);
      g_string_append (out, "\" y1=\"");
      num (out, top);
      g_string_append (out, "\" y2=\"");
      num (out, bottom);
      g_string_append (out, "\"/><text class=\"tick\" text-anchor=\"middle\" x=\"");
      num (out, x);
      g_string_append (out, "\" y=\"");
      num (out, bottom + 16);
      g_string_append (out, "\">");
      clock_text (out, s->t0 + t);
      g_string_append (out, "</text>");
    }
  g_string_append (out, "</g>");
}

static void
svg_open (GString *out, const char *cls, double height, const char *label)
{
  g_string_append_printf (out, "<svg class=\"%s\" viewBox=\"0 0 %d ", cls, (int) W);
  num (out, height);
  g_string_append (out, "\" role=\"img\" aria-label=\"");
  esc (out, label);
  g_string_append (out, "\" xmlns=\"http://www.w3.org/2000/svg\">");
}

/* The timeline's actions (timeline.fire, timeline.refused), numbered, as dashed lines. */
static void
action_markers (GString *out, const Report *r, const Scale *s, double top, double bottom)
{
  guint i, k = 0;

  for (i = 0; i < r->notices->len; i++)
    {
      const Notice *n = &g_array_index (r->notices, Notice, i);
      gboolean refused = strcmp (n->topic, "timeline.refused") == 0;
      double x;

      if (!refused && strcmp (n->topic, "timeline.fire") != 0)
        continue;
      if (++k > MAX_ACTIONS)
        break;
      x = sx (s, n->time_ns / 1e9);
      g_string_append_printf (out, "<g class=\"action%s\"><title>", refused ? " refused" : "");
      g_string_append (out, n->time);
      g_string_append (out, refused ? " refused: " : " ");
      esc (out, n->subject);
      if (*n->detail)
        {
          g_string_append (out, " \xe2\x80\x94 ");
          esc (out, n->detail);
        }
      g_string_append (out, "</title><line x1=\"");
      num (out, x);
      g_string_append (out, "\" x2=\"");
      num (out, x);
      g_string_append (out, "\" y1=\"");
      num (out, top);
      g_string_append (out, "\" y2=\"");
      num (out, bottom);
      g_string_append (out, "\"/><circle r=\"8\" cx=\"");
      num (out, x);
      g_string_append (out, "\" cy=\"");
      num (out, top);
      g_string_append_printf (out, "\"/><text text-anchor=\"middle\" x=\"");
      num (out, x);
      g_string_append (out, "\" y=\"");
      num (out, top + 4);
      g_string_append_printf (out, "\">%u</text></g>", k);
    }
}

/* The list under a chart that says what each numbered marker was. */
static void
action_legend (GString *out, const Report *r)
{
  guint i, k = 0;

  for (i = 0; i < r->notices->len; i++)
    {
      const Notice *n = &g_array_index (r->notices, Notice, i);
      gboolean refused = strcmp (n->topic, "timeline.refused") == 0;

      if (!refused && strcmp (n->topic, "timeline.fire") != 0)
        continue;
      if (k == MAX_ACTIONS)
        {
          g_string_append (out, "</ol><p class=\"note\">Only the first actions are marked; the "
                                "event log lists every one.</p>");
          return;
        }
      if (k++ == 0)
        g_string_append (out, "<ol class=\"actions\">");
      g_string_append (out, "<li><span class=\"mono\">");
      esc (out, n->time);
      g_string_append (out, "</span> <b>");
      esc (out, n->subject);
      g_string_append (out, "</b>");
      if (refused)
        g_string_append (out, " (refused)");
      if (*n->detail)
        {
          g_string_append (out, " \xe2\x80\x94 ");
          esc (out, n->detail);
        }
      g_string_append (out, "</li>");
    }
  if (k > 0)
    g_string_append (out, "</ol>");
}

/* The first span of track (@entity, @subject), or NULL. */
static const Track *
find_track (const Report *r, const char *entity, const char *subject)
{
  guint i;

  for (i = 0; i < r->tracks->len; i++)
    {
      const Track *t = &g_array_index (r->tracks, Track, i);

      if (strcmp (t->entity, entity) == 0 && strcmp (t->subject, subject) == 0)
        return t;
    }
  return NULL;
}

/* "down 00:10:00–00:15:00, 00:20:00–end" for a tooltip or a table cell. */
static void
spans_text (GString *out, const Track *t)
{
  guint i;

  for (i = 0; t != NULL && i < t->spans->len; i++)
    {
      const Span *s = &g_array_index (t->spans, Span, i);

      g_string_append (out, i ? ", " : "");
      clock_text (out, s->start_s);
      g_string_append (out, "\xe2\x80\x93");
      if (s->open)
        g_string_append (out, "end");
      else
        clock_text (out, s->end_s);
    }
}

/* What happened to a site, router or link: its own outages and, for sites and links, a storm's
 * spread. Sets *@cls to the state class for colour. */
static void
state_of (const Report *r, const char *entity, const char *name, GString *text, const char **cls)
{
  g_autofree char *spread = g_strconcat ("spread.", entity, NULL);
  const Track *down = find_track (r, entity, name);
  const Track *storm = find_track (r, spread, name);

  *cls = "ok";
  if (storm != NULL)
    {
      *cls = "storm";
      g_string_append (text, strcmp (entity, "link") == 0 ? "saturated by a storm " : "flooded by a storm ");
      spans_text (text, storm);
    }
  if (down != NULL)
    {
      *cls = "down";
      if (storm != NULL)
        g_string_append (text, "; ");
      g_string_append (text, "down ");
      spans_text (text, down);
    }
  if (down == NULL && storm == NULL)
    g_string_append (text, "up throughout");
}

/* --- sections --------------------------------------------------------------------------------- */

static const char *const css =
  ":root{--fg:#1d2330;--muted:#5b6474;--line:#d8dde6;--bg:#fff;--panel:#f6f8fb;"
  "--ok:#2e9d57;--down:#d2393c;--storm:#ef8a17;--route:#7a5bc4;--other:#8a94a6;--action:#2463c7;"
  "--detection:#d2393c;--orchestration:#7a5bc4;--boot:#ef8a17;--routing:#8c5a3c;"
  "--dns_update:#d35fb7;--dns:#2463c7;--dns_violation:#19a6b8;--retry:#b5b82a;--other-phase:#8a94a6}"
  "*{box-sizing:border-box}"
  "body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;"
  "color:var(--fg);background:var(--bg)}"
  "header,main,footer{max-width:1160px;margin:0 auto;padding:0 24px}"
  "header{padding-top:24px}"
  "h1{font-size:26px;margin:0 0 4px;overflow-wrap:anywhere}"
  "h2{font-size:20px;margin:40px 0 8px;padding-bottom:6px;border-bottom:1px solid var(--line)}"
  "h3{font-size:16px;margin:20px 0 6px}"
  "p.note{color:var(--muted);margin:4px 0 12px}"
  ".mono,code{font-family:ui-monospace,'SFMono-Regular',Menlo,Consolas,monospace;font-size:13px}"
  "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:12px 0;color:var(--muted)}"
  "dl.meta dt{font-weight:600}dl.meta dd{margin:0;overflow-wrap:anywhere}"
  ".cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}"
  ".card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:170px}"
  ".card .v{font-size:22px;font-weight:650}.card .k{color:var(--muted);font-size:13px}"
  "nav{margin:8px 0 0;font-size:14px}nav a{margin-right:14px;color:var(--action)}"
  "svg{display:block;width:100%;height:auto;max-width:1112px;margin:8px 0}"
  "svg text{font-size:12px;fill:var(--fg)}svg .tick{fill:var(--muted);font-size:11px}"
  "svg .grid{stroke:var(--line);stroke-width:1}"
  "svg .frame{fill:none;stroke:#aab2c0}"
  ".site rect.box{fill:#fbfcfe;stroke:#aab2c0;stroke-width:1.5}"
  ".site.down rect.box{fill:#fdeeee;stroke:var(--down);stroke-width:2.5}"
  ".site.storm rect.box{fill:#fff4e6;stroke:var(--storm);stroke-width:2.5;stroke-dasharray:6 3}"
  ".site .kind{fill:var(--muted);font-size:11px}.site .name{font-weight:650;font-size:14px}"
  ".site .subnet{font-size:11px;fill:var(--muted)}"
  ".router circle{fill:#e8f5ec;stroke:var(--ok);stroke-width:2}"
  ".router.down circle{fill:var(--down);stroke:#8f1d1f}"
  ".link line,.link path{stroke:#7d8799;stroke-width:2.5;fill:none}"
  ".link.down line,.link.down path{stroke:var(--down);stroke-dasharray:7 4}"
  ".link.storm line,.link.storm path{stroke:var(--storm);stroke-width:4}"
  ".link.kind-vpn line,.link.kind-vpn path,.link.kind-internet line,.link.kind-internet path{stroke-dasharray:2 3}"
  ".link .label{font-size:11px;fill:var(--muted)}.link rect{fill:#fff;opacity:.85}"
  ".vlan path{stroke:var(--route);stroke-width:10;stroke-opacity:.25;fill:none;stroke-linecap:round}"
  ".vlan text{fill:var(--route);font-size:11px;font-weight:600}"
  ".served{fill:#2e9d5722;stroke:var(--ok);stroke-width:2}"
  ".bar{fill:var(--other)}.bar.st-down{fill:var(--down)}.bar.st-storm{fill:var(--storm)}"
  ".bar.st-route{fill:var(--route)}.bar.open{opacity:.75}"
  ".action line{stroke:var(--action);stroke-width:1.5;stroke-dasharray:4 3}"
  ".action circle{fill:var(--action)}.action text{fill:#fff;font-size:10px;font-weight:700}"
  ".action.refused line{stroke:var(--muted)}.action.refused circle{fill:var(--muted)}"
  ".cdf path{fill:none;stroke:var(--action);stroke-width:2.2}"
  ".q line{stroke-width:1.2;stroke-dasharray:3 3;stroke:var(--muted)}.q text{font-size:11px;fill:var(--muted)}"
  ".q.mean line{stroke:var(--down)}.q.mean text{fill:var(--down)}"
  ".phase{stroke:#fff;stroke-width:1}"
  ".ph-detection{fill:var(--detection);background:var(--detection)}"
  ".ph-orchestration{fill:var(--orchestration);background:var(--orchestration)}"
  ".ph-boot{fill:var(--boot);background:var(--boot)}.ph-routing{fill:var(--routing);background:var(--routing)}"
  ".ph-dns_update{fill:var(--dns_update);background:var(--dns_update)}"
  ".ph-dns{fill:var(--dns);background:var(--dns)}"
  ".ph-dns_violation{fill:var(--dns_violation);background:var(--dns_violation)}"
  ".ph-retry{fill:var(--retry);background:var(--retry)}.ph-other{fill:var(--other-phase);background:var(--other-phase)}"
  ".phase-label{fill:#fff;font-size:11px;font-weight:600}"
  ".swatch{display:inline-block;width:12px;height:12px;border-radius:3px;vertical-align:-1px;margin-right:6px}"
  ".legend{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:13px;color:var(--muted);margin:4px 0 8px}"
  ".legend .sw-ok{background:var(--ok)}.legend .sw-down{background:var(--down)}"
  ".legend .sw-storm{background:var(--storm)}.legend .sw-route{background:var(--route)}"
  ".legend .sw-other{background:var(--other)}.legend .sw-action{background:var(--action)}"
  "table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:13.5px}"
  "th,td{text-align:left;padding:4px 10px;border-bottom:1px solid var(--line);vertical-align:top}"
  "th{background:var(--panel);font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
  "td{overflow-wrap:anywhere}"
  ".state-down{color:var(--down);font-weight:600}.state-storm{color:var(--storm);font-weight:600}"
  ".state-ok{color:var(--ok)}"
  "#event-table th{cursor:pointer;user-select:none}"
  "#event-table th[aria-sort=ascending]::after{content:' \\25B4'}"
  "#event-table th[aria-sort=descending]::after{content:' \\25BE'}"
  "#event-table tr.t-down td.topic{color:var(--down)}#event-table tr.t-up td.topic{color:var(--ok)}"
  "#event-table tr.t-action td.topic{color:var(--action);font-weight:600}"
  ".filter{margin:8px 0}.filter input{font:inherit;padding:4px 8px;width:min(360px,100%);"
  "border:1px solid var(--line);border-radius:6px}"
  "ol.actions{font-size:13.5px;color:var(--muted);margin:4px 0 12px;padding-left:24px}"
  "footer{color:var(--muted);font-size:12px;padding:32px 24px}"
  "@media (max-width:700px){header,main{padding:0 12px}h1{font-size:21px}}";

/* Sorting and filtering of the event log. The table is complete without it. */
static const char *const script =
  "(function(){"
  "var t=document.getElementById('event-table');if(!t)return;"
  "var box=document.getElementById('event-filter-box'),f=document.getElementById('event-filter');"
  "box.hidden=false;"
  "var body=t.tBodies[0];"
  "f.addEventListener('input',function(){var q=f.value.toLowerCase();"
  "for(var i=0;i<body.rows.length;i++){var row=body.rows[i];"
  "row.hidden=q!==''&&row.textContent.toLowerCase().indexOf(q)<0;}});"
  "var hs=t.tHead.rows[0].cells;"
  "function key(row,c){return c===0?Number(row.getAttribute('data-t'))"
  ":row.cells[c].textContent.toLowerCase();}"
  "Array.prototype.forEach.call(hs,function(h,c){h.tabIndex=0;"
  "function sort(){var dir=h.getAttribute('aria-sort')==='ascending'?-1:1;"
  "Array.prototype.forEach.call(hs,function(o){o.removeAttribute('aria-sort');});"
  "h.setAttribute('aria-sort',dir>0?'ascending':'descending');"
  "var rows=Array.prototype.slice.call(body.rows);"
  "rows.sort(function(a,b){var x=key(a,c),y=key(b,c);"
  "if(x<y)return -dir;if(x>y)return dir;return Number(a.getAttribute('data-i'))-Number(b.getAttribute('data-i'));});"
  "rows.forEach(function(row){body.appendChild(row);});}"
  "h.addEventListener('click',sort);"
  "h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort();}});"
  "});"
  "})();";

static void
card (GString *out, const char *value, const char *key, const char *id)
{
  g_string_append_printf (out, "<div class=\"card\"%s%s%s><div class=\"v\">", id ? " id=\"" : "",
                          id ? id : "", id ? "\"" : "");
  g_string_append (out, value);   /* already escaped or made of digits */
  g_string_append (out, "</div><div class=\"k\">");
  esc (out, key);
  g_string_append (out, "</div></div>");
}

static void
section_header (GString *out, const Report *r)
{
  g_autoptr (GString) v = g_string_new (NULL);
  guint i;

  g_string_append (out, "<header id=\"summary\"><h1>");
  esc (out, r->name);
  g_string_append (out, "</h1><dl class=\"meta\"><dt>scenario file</dt><dd class=\"mono\">");
  esc (out, r->file);
  g_string_append (out, "</dd><dt>seed</dt><dd>");
  esc (out, r->seed);
  g_string_append_printf (out, ", replication %" G_GINT64_FORMAT "</dd>", r->replication);
  g_string_append (out, "<dt>horizon</dt><dd>");
  esc (out, r->horizon);
  g_string_append (out, " (ended at ");
  esc (out, r->end);
  g_string_append (out, ", ");
  esc (out, r->status);
  g_string_append_printf (out, "; %" G_GINT64_FORMAT " events)</dd>", r->events);
  if (r->overrides->len > 0)
    {
      g_string_append (out, "<dt>overrides</dt><dd class=\"mono\">");
      for (i = 0; i < r->overrides->len; i++)
        {
          g_string_append (out, i ? " " : "");
          g_string_append (out, "--set ");
          esc (out, g_ptr_array_index (r->overrides, i));
        }
      g_string_append (out, "</dd>");
    }
  if (r->sha256 != NULL)
    {
      g_string_append (out, "<dt>sha256</dt><dd class=\"mono\">");
      esc (out, r->sha256);
      g_string_append (out, "</dd>");
    }
  g_string_append (out, "</dl><div class=\"cards\">");
  for (i = 0; i < MIN (r->services->len, MAX_SERVICE_CARDS); i++)
    {
      const Service *s = &g_array_index (r->services, Service, i);
      g_autofree char *suffix = r->services->len > 1 ? g_strdup_printf (" (%s)", s->name) : g_strdup ("");
      g_autofree char *k1 = g_strconcat ("mean client downtime", suffix, NULL);
      g_autofree char *k2 = g_strconcat ("clients affected", suffix, NULL);
      g_autofree char *k3 = g_strconcat ("client-seconds lost", suffix, NULL);

      g_string_truncate (v, 0);
      duration_text (v, s->has_downtime ? s->mean_s : NAN);
      card (out, v->str, k1, i == 0 ? "headline-mean" : NULL);
      g_string_printf (v, "%" G_GINT64_FORMAT " <small>of %" G_GINT64_FORMAT "</small>", s->affected,
                       s->clients);
      card (out, v->str, k2, i == 0 ? "headline-affected" : NULL);
      g_string_truncate (v, 0);
      num (v, s->lost_s);
      card (out, v->str, k3, i == 0 ? "headline-lost" : NULL);
    }
  if (r->services->len > MAX_SERVICE_CARDS)
    {
      g_string_printf (v, "%u", r->services->len);
      card (out, v->str, "services (the first shown; summary.json has them all)", NULL);
    }
  if (r->services->len == 0)
    {
      guint outages = 0;

      for (i = 0; i < r->tracks->len; i++)
        outages += g_array_index (r->tracks, Track, i).spans->len;
      g_string_printf (v, "%u", outages);
      card (out, v->str, "outages (no clients in this scenario)", "headline-outages");
    }
  if (r->storms->len > 0)
    {
      double sites = 0, links = 0, hosts = 0;

      for (i = 0; i < r->storms->len; i++)
        {
          const Storm *s = &g_array_index (r->storms, Storm, i);

          sites = MAX (sites, s->sites);
          links = MAX (links, s->links);
          hosts = MAX (hosts, s->hosts);
        }
      g_string_printf (v, "%u", r->storms->len);
      card (out, v->str, "broadcast storms", "headline-storms");
      g_string_printf (v, "%.0f site%s, %.0f link%s, %.0f host%s", sites, sites == 1 ? "" : "s",
                       links, links == 1 ? "" : "s", hosts, hosts == 1 ? "" : "s");
      card (out, v->str, "widest storm spread", NULL);
    }
  g_string_append (out, "</div><nav><a href=\"#topology\">Topology</a><a href=\"#availability\">"
                        "Availability</a><a href=\"#downtime-cdf\">Client downtime</a>"
                        "<a href=\"#budget\">Downtime budget</a><a href=\"#events\">Event log</a>"
                        "</nav></header>");
}

/* --- topology ----------------------------------------------------------------------------- */

typedef struct {
  double x, y, w, h;
} Box;

#define SITE_W 210.0
#define ROUTER_ROW 34.0

static guint
count_in_site (GArray *items, size_t size, size_t site_offset, int site)
{
  guint i, n = 0;

  for (i = 0; i < items->len; i++)
    if (*(const int *) (const void *) (items->data + (gsize) i * size + site_offset) == site)
      n++;
  return n;
}

static void
section_topology (GString *out, const Report *r)
{
  guint ns = r->sites->len, i, j;
  g_autofree Box *box = g_new0 (Box, MAX (ns, 1));
  g_autofree double *rx = g_new0 (double, MAX (r->routers->len, 1));
  g_autofree double *ry = g_new0 (double, MAX (r->routers->len, 1));
  double height = 0, max_h = 0, max_w = 0, miny = G_MAXDOUBLE, maxy = -G_MAXDOUBLE;
  gboolean draw = ns > 0 && ns <= MAX_DRAWN_SITES && r->routers->len <= MAX_DRAWN_ROUTERS;

  g_string_append (out, "<section id=\"topology\"><h2>Topology</h2>");
  g_string_append_printf (out, "<p class=\"note\">%u site%s, %u router%s, %u link%s, %u subnet%s, "
                          "%u VLAN%s, %u host%s, as the scenario declares them; coloured by what "
                          "happened to them during the run.</p>",
                          ns, ns == 1 ? "" : "s", r->routers->len, r->routers->len == 1 ? "" : "s",
                          r->links->len, r->links->len == 1 ? "" : "s", r->subnets->len,
                          r->subnets->len == 1 ? "" : "s", r->vlans->len, r->vlans->len == 1 ? "" : "s",
                          r->n_hosts, r->n_hosts == 1 ? "" : "s");
  g_string_append (out, "<div class=\"legend\"><span><i class=\"swatch sw-ok\"></i>up throughout</span>"
                        "<span><i class=\"swatch sw-down\"></i>went down</span>"
                        "<span><i class=\"swatch sw-storm\"></i>flooded or saturated by a storm</span>"
                        "<span><i class=\"swatch sw-route\"></i>stretched VLAN</span>"
                        "<span>dotted: VPN or internet link</span></div>");

  if (draw)
    {
      /* Box sizes: a row of routers (three a row), then a line per subnet and VLAN. */
      for (i = 0; i < ns; i++)
        {
          guint nr = count_in_site (r->routers, sizeof (Router), G_STRUCT_OFFSET (Router, site), (int) i);
          guint nsub = count_in_site (r->subnets, sizeof (Subnet), G_STRUCT_OFFSET (Subnet, site), (int) i);
          guint nv = 0;

          for (j = 0; j < r->vlans->len; j++)
            {
              const Vlan *v = &g_array_index (r->vlans, Vlan, j);
              guint k;

              for (k = 0; k < v->sites->len; k++)
                if (g_array_index (v->sites, int, k) == (int) i)
                  nv++;
            }
          /* Room for three router labels a row. */
          box[i].w = MAX (SITE_W, 140.0 * MIN (nr, 3) + 20);
          max_w = MAX (max_w, box[i].w);
          box[i].h = 46 + ((nr + 2) / 3) * ROUTER_ROW + (nsub + nv) * 15 + 10;
          max_h = MAX (max_h, box[i].h);
        }
      /* Up to four sites around an ellipse (a triangle for three, so every pair can be joined
       * without crossing a third box); more in a grid of four columns. */
      if (ns <= 4)
        {
          double cx = W / 2, erx = (W - 40 - max_w) / 2, ery = max_h * 0.8 + 50;

          for (i = 0; i < ns; i++)
            {
              double a = ns == 2 ? G_PI * i : G_PI / 2 - 2 * G_PI * (i + 1) / ns;

              box[i].x = ns == 1 ? cx : cx - erx * cos (a);
              box[i].y = ns == 1 ? 0 : (ns == 2 ? 0 : ery * sin (a));
            }
        }
      else
        {
          guint cols = 4;
          double row_y = 0;

          for (i = 0; i < ns; i += cols)
            {
              double row_h = 0;

              for (j = i; j < MIN (ns, i + cols); j++)
                {
                  box[j].x = 20 + max_w / 2 + (j - i) * ((W - 40 - max_w) / (cols - 1));
                  box[j].y = row_y + box[j].h / 2;
                  row_h = MAX (row_h, box[j].h);
                }
              row_y += row_h + 60;
            }
        }
      /* Centres to corners, and the drawing's height. */
      for (i = 0; i < ns; i++)
        {
          box[i].x -= box[i].w / 2;
          box[i].y -= box[i].h / 2;
          miny = MIN (miny, box[i].y);
          maxy = MAX (maxy, box[i].y + box[i].h);
        }
      for (i = 0; i < ns; i++)
        box[i].y += 20 - miny;
      height = maxy - miny + 40;

      for (i = 0; i < r->routers->len; i++)
        {
          const Router *x = &g_array_index (r->routers, Router, i);
          guint nr, k = 0;

          if (x->site < 0)
            continue;
          nr = count_in_site (r->routers, sizeof (Router), G_STRUCT_OFFSET (Router, site), x->site);
          for (j = 0; j < i; j++)
            if (g_array_index (r->routers, Router, j).site == x->site)
              k++;
          rx[i] = box[x->site].x + box[x->site].w * ((k % 3) + 1) / (MIN (nr, 3) + 1);
          ry[i] = box[x->site].y + 46 + (k / 3) * ROUTER_ROW + 8;
        }

      svg_open (out, "topology", height, "network topology");

      /* Site boxes first, so links and routers lie over them. */
      for (i = 0; i < ns; i++)
        {
          const Site *s = &g_array_index (r->sites, Site, i);
          g_autoptr (GString) state = g_string_new (NULL);
          const char *cls;
          double y;
          guint nr = count_in_site (r->routers, sizeof (Router), G_STRUCT_OFFSET (Router, site), (int) i);

          state_of (r, "site", s->name, state, &cls);
          g_string_append_printf (out, "<g class=\"site %s\" data-name=\"", cls);
          esc (out, s->name);
          g_string_append (out, "\"><title>site ");
          esc (out, s->name);
          g_string_append (out, " (");
          esc (out, s->kind);
          g_string_append (out, "): ");
          esc (out, state->str);
          g_string_append (out, "</title><rect class=\"box\" rx=\"10\" x=\"");
          num (out, box[i].x);
          g_string_append (out, "\" y=\"");
          num (out, box[i].y);
          g_string_append (out, "\" width=\"");
          num (out, box[i].w);
          g_string_append (out, "\" height=\"");
          num (out, box[i].h);
          g_string_append (out, "\"/><text class=\"name\" x=\"");
          num (out, box[i].x + 12);
          g_string_append (out, "\" y=\"");
          num (out, box[i].y + 20);
          g_string_append (out, "\">");
          esc_short (out, s->name, 22);
          g_string_append (out, "</text><text class=\"kind\" x=\"");
          num (out, box[i].x + 12);
          g_string_append (out, "\" y=\"");
          num (out, box[i].y + 35);
          g_string_append (out, "\">");
          esc (out, s->kind);
          if (strcmp (cls, "ok") != 0)
            {
              g_string_append (out, " \xc2\xb7 ");
              esc_short (out, state->str, (glong) (box[i].w / 6.5) - 3 - (glong) strlen (s->kind ? s->kind : ""));
            }
          g_string_append (out, "</text>");
          y = box[i].y + 46 + ((nr + 2) / 3) * ROUTER_ROW + 12;
          for (j = 0; j < r->subnets->len; j++)
            {
              const Subnet *sn = &g_array_index (r->subnets, Subnet, j);

              if (sn->site != (int) i)
                continue;
              g_string_append (out, "<text class=\"subnet\" x=\"");
              num (out, box[i].x + 12);
              g_string_append (out, "\" y=\"");
              num (out, y);
              g_string_append (out, "\"><title>subnet ");
              esc (out, sn->name);
              g_string_append (out, " ");
              esc (out, sn->prefix);
              g_string_append (out, "</title>");
              esc_short (out, sn->name, 14);
              g_string_append (out, " ");
              esc (out, sn->prefix);
              g_string_append (out, "</text>");
              y += 15;
            }
          for (j = 0; j < r->vlans->len; j++)
            {
              const Vlan *v = &g_array_index (r->vlans, Vlan, j);
              guint k;

              for (k = 0; k < v->sites->len; k++)
                if (g_array_index (v->sites, int, k) == (int) i)
                  break;
              if (k == v->sites->len)
                continue;
              g_string_append (out, "<text class=\"subnet\" x=\"");
              num (out, box[i].x + 12);
              g_string_append (out, "\" y=\"");
              num (out, y);
              g_string_append (out, "\">VLAN ");
              esc_short (out, v->name, 16);
              g_string_append (out, v->sites->len > 1 ? " (stretched)" : "");
              g_string_append (out, "</text>");
              y += 15;
            }
          g_string_append (out, "</g>");
        }

      /* Stretched VLANs: a band through the sites they span. */
      for (i = 0; i < r->vlans->len; i++)
        {
          const Vlan *v = &g_array_index (r->vlans, Vlan, i);
          guint k;

          if (v->sites->len < 2)
            continue;
          g_string_append (out, "<g class=\"vlan\" data-name=\"");
          esc (out, v->name);
          g_string_append (out, "\"><title>stretched VLAN ");
          esc (out, v->name);
          g_string_append (out, " (subnet ");
          esc (out, v->subnet);
          g_string_append (out, ") spans ");
          for (k = 0; k < v->sites->len; k++)
            {
              g_string_append (out, k ? ", " : "");
              esc (out, g_array_index (r->sites, Site, g_array_index (v->sites, int, k)).name);
            }
          g_string_append (out, ": one broadcast domain, one fault domain</title><path d=\"");
          for (k = 0; k < v->sites->len; k++)
            {
              const Box *b = &box[g_array_index (v->sites, int, k)];

              g_string_append (out, k ? " L" : "M");
              num (out, b->x + b->w / 2);
              g_string_append (out, ",");
              num (out, b->y + b->h);
            }
          {
            const Box *a = &box[g_array_index (v->sites, int, 0)];
            const Box *b = &box[g_array_index (v->sites, int, 1)];

            g_string_append (out, "\"/><text text-anchor=\"middle\" x=\"");
            num (out, (a->x + a->w / 2 + b->x + b->w / 2) / 2);
            g_string_append (out, "\" y=\"");
            num (out, (a->y + a->h + b->y + b->h) / 2 + 20);
            g_string_append (out, "\">VLAN ");
            esc_short (out, v->name, 20);
            g_string_append (out, " (stretched)</text></g>");
          }
        }

      for (i = 0; i < r->links->len; i++)
        {
          const Link *l = &g_array_index (r->links, Link, i);
          g_autoptr (GString) state = g_string_new (NULL);
          const char *cls;
          double x1, y1, x2, y2, mx, my, dx, dy, len, off = 0;
          guint same = 0;

          if (l->a < 0 || l->b < 0 || g_array_index (r->routers, Router, l->a).site < 0
              || g_array_index (r->routers, Router, l->b).site < 0)
            continue;
          /* Parallel links between the same routers bow apart. */
          for (j = 0; j < i; j++)
            {
              const Link *o = &g_array_index (r->links, Link, j);

              if ((o->a == l->a && o->b == l->b) || (o->a == l->b && o->b == l->a))
                same++;
            }
          off = same == 0 ? 0 : (same % 2 ? 1.0 : -1.0) * 28 * ((same + 1) / 2);
          x1 = rx[l->a], y1 = ry[l->a], x2 = rx[l->b], y2 = ry[l->b];
          dx = x2 - x1, dy = y2 - y1;
          len = MAX (sqrt (dx * dx + dy * dy), 1);
          mx = (x1 + x2) / 2 - dy / len * off;
          my = (y1 + y2) / 2 + dx / len * off;
          state_of (r, "link", l->name, state, &cls);
          g_string_append_printf (out, "<g class=\"link %s kind-", cls);
          esc (out, l->kind);
          g_string_append (out, "\" data-name=\"");
          esc (out, l->name);
          g_string_append (out, "\"><title>link ");
          esc (out, l->name);
          g_string_append (out, " (");
          esc (out, l->kind);
          g_string_append (out, ", ");
          esc (out, l->latency);
          if (l->circuit != NULL)
            {
              g_string_append (out, ", circuit ");
              esc (out, l->circuit);
            }
          g_string_append (out, "): ");
          esc (out, state->str);
          g_string_append (out, "</title><path d=\"M");
          num (out, x1);
          g_string_append (out, ",");
          num (out, y1);
          g_string_append (out, " Q");
          num (out, 2 * mx - (x1 + x2) / 2);
          g_string_append (out, ",");
          num (out, 2 * my - (y1 + y2) / 2);
          g_string_append (out, " ");
          num (out, x2);
          g_string_append (out, ",");
          num (out, y2);
          g_string_append (out, "\"/><rect rx=\"3\" x=\"");
          num (out, mx - 52);
          g_string_append (out, "\" y=\"");
          num (out, my - 10);
          g_string_append (out, "\" width=\"104\" height=\"16\"/><text class=\"label\" "
                                "text-anchor=\"middle\" x=\"");
          num (out, mx);
          g_string_append (out, "\" y=\"");
          num (out, my + 2);
          g_string_append (out, "\">");
          esc_short (out, l->kind, 12);
          g_string_append (out, " \xc2\xb7 ");
          esc_short (out, l->latency, 8);
          g_string_append (out, "</text></g>");
        }

      for (i = 0; i < r->routers->len; i++)
        {
          const Router *x = &g_array_index (r->routers, Router, i);
          g_autoptr (GString) state = g_string_new (NULL);
          const char *cls;

          if (x->site < 0)
            continue;
          state_of (r, "router", x->name, state, &cls);
          g_string_append_printf (out, "<g class=\"router %s\" data-name=\"", cls);
          esc (out, x->name);
          g_string_append (out, "\"><title>router ");
          esc (out, x->name);
          g_string_append (out, ": ");
          esc (out, state->str);
          g_string_append (out, "</title><circle r=\"9\" cx=\"");
          num (out, rx[i]);
          g_string_append (out, "\" cy=\"");
          num (out, ry[i]);
          g_string_append (out, "\"/><text text-anchor=\"middle\" x=\"");
          num (out, rx[i]);
          g_string_append (out, "\" y=\"");
          num (out, ry[i] + 23);
          g_string_append (out, "\">");
          esc_short (out, x->name, 14);
          g_string_append (out, "</text></g>");
        }
      g_string_append (out, "</svg>");
    }
  else if (ns > 0)
    g_string_append_printf (out, "<p class=\"note\">Too many sites or routers to draw (at most %d "
                            "sites and %d routers); the tables list them.</p>",
                            MAX_DRAWN_SITES, MAX_DRAWN_ROUTERS);

  /* The tables say the same in words, for search, screen readers and copy. */
  g_string_append (out, "<h3>Sites</h3><table id=\"topology-sites\"><thead><tr><th>site</th><th>kind</th>"
                        "<th>routers</th><th>during the run</th></tr></thead><tbody>");
  for (i = 0; i < ns; i++)
    {
      const Site *s = &g_array_index (r->sites, Site, i);
      g_autoptr (GString) state = g_string_new (NULL);
      const char *cls;
      guint k = 0;

      state_of (r, "site", s->name, state, &cls);
      g_string_append (out, "<tr data-name=\"");
      esc (out, s->name);
      g_string_append (out, "\"><td>");
      esc (out, s->name);
      g_string_append (out, "</td><td>");
      esc (out, s->kind);
      g_string_append (out, "</td><td>");
      for (j = 0; j < r->routers->len; j++)
        if (g_array_index (r->routers, Router, j).site == (int) i)
          {
            g_string_append (out, k++ ? ", " : "");
            esc (out, g_array_index (r->routers, Router, j).name);
          }
      g_string_append_printf (out, "</td><td class=\"state-%s\">", cls);
      esc (out, state->str);
      g_string_append (out, "</td></tr>");
    }
  g_string_append (out, "</tbody></table>");

  if (r->routers->len > 0)
    {
      g_string_append (out, "<h3>Routers</h3><table id=\"topology-routers\"><thead><tr><th>router</th>"
                            "<th>site</th><th>during the run</th></tr></thead><tbody>");
      for (i = 0; i < r->routers->len; i++)
        {
          const Router *x = &g_array_index (r->routers, Router, i);
          g_autoptr (GString) state = g_string_new (NULL);
          const char *cls;

          state_of (r, "router", x->name, state, &cls);
          g_string_append (out, "<tr data-name=\"");
          esc (out, x->name);
          g_string_append (out, "\"><td>");
          esc (out, x->name);
          g_string_append (out, "</td><td>");
          if (x->site >= 0)
            esc (out, g_array_index (r->sites, Site, x->site).name);
          g_string_append_printf (out, "</td><td class=\"state-%s\">", cls);
          esc (out, state->str);
          g_string_append (out, "</td></tr>");
        }
      g_string_append (out, "</tbody></table>");
    }

  if (r->links->len > 0)
    {
      g_string_append (out, "<h3>Links</h3><table id=\"topology-links\"><thead><tr><th>link</th>"
                            "<th>between</th><th>kind</th><th class=\"n\">latency</th><th>circuit</th>"
                            "<th>during the run</th></tr></thead><tbody>");
      for (i = 0; i < r->links->len; i++)
        {
          const Link *l = &g_array_index (r->links, Link, i);
          g_autoptr (GString) state = g_string_new (NULL);
          const char *cls;

          state_of (r, "link", l->name, state, &cls);
          g_string_append (out, "<tr data-name=\"");
          esc (out, l->name);
          g_string_append (out, "\"><td>");
          esc (out, l->name);
          g_string_append (out, "</td><td>");
          if (l->a >= 0)
            esc (out, g_array_index (r->routers, Router, l->a).name);
          g_string_append (out, " \xe2\x80\x94 ");
          if (l->b >= 0)
            esc (out, g_array_index (r->routers, Router, l->b).name);
          g_string_append (out, "</td><td>");
          esc (out, l->kind);
          g_string_append (out, "</td><td class=\"n\">");
          esc (out, l->latency);
          g_string_append (out, "</td><td>");
          esc (out, l->circuit);
          g_string_append_printf (out, "</td><td class=\"state-%s\">", cls);
          if (!l->starts_up)
            g_string_append (out, "starts down; ");
          esc (out, state->str);
          g_string_append (out, "</td></tr>");
        }
      g_string_append (out, "</tbody></table>");
    }

  if (r->subnets->len > 0 || r->vlans->len > 0)
    {
      g_string_append (out, "<h3>Subnets and VLANs</h3><table id=\"topology-subnets\"><thead><tr>"
                            "<th>subnet</th><th>prefix</th><th>site at the start</th><th>VLAN</th>"
                            "</tr></thead><tbody>");
      for (i = 0; i < r->subnets->len; i++)
        {
          const Subnet *sn = &g_array_index (r->subnets, Subnet, i);

          g_string_append (out, "<tr data-name=\"");
          esc (out, sn->name);
          g_string_append (out, "\"><td>");
          esc (out, sn->name);
          g_string_append (out, "</td><td class=\"mono\">");
          esc (out, sn->prefix);
          g_string_append (out, "</td><td>");
          if (sn->site >= 0)
            esc (out, g_array_index (r->sites, Site, sn->site).name);
          g_string_append (out, "</td><td>");
          for (j = 0; j < r->vlans->len; j++)
            {
              const Vlan *v = &g_array_index (r->vlans, Vlan, j);
              guint k;

              if (v->subnet == NULL || strcmp (v->subnet, sn->name) != 0)
                continue;
              esc (out, v->name);
              if (v->id > 0)
                g_string_append_printf (out, " (id %" G_GINT64_FORMAT ")", v->id);
              g_string_append (out, v->sites->len > 1 ? ", stretched over " : ", at ");
              for (k = 0; k < v->sites->len; k++)
                {
                  g_string_append (out, k ? ", " : "");
                  esc (out, g_array_index (r->sites, Site, g_array_index (v->sites, int, k)).name);
                }
              if (v->interconnects->len > 0)
                {
                  g_string_append (out, " over ");
                  for (k = 0; k < v->interconnects->len; k++)
                    {
                      g_string_append (out, k ? ", " : "");
                      esc (out, g_ptr_array_index (v->interconnects, k));
                    }
                }
            }
          g_string_append (out, "</td></tr>");
        }
      g_string_append (out, "</tbody></table>");
    }
  g_string_append (out, "</section>");
}

/* --- availability ----------------------------------------------------------------------------- */

static const char *
track_class (const char *entity)
{
  if (g_str_has_prefix (entity, "spread.") || strcmp (entity, "storm") == 0)
    return "st-storm";
  if (strcmp (entity, "blackhole") == 0 || strcmp (entity, "loop") == 0 || strcmp (entity, "arp") == 0)
    return "st-route";
  if (strcmp (entity, "site") == 0 || strcmp (entity, "router") == 0 || strcmp (entity, "link") == 0
      || strcmp (entity, "host") == 0 || strcmp (entity, "flow") == 0)
    return "st-down";
  return "st-other";
}

static void
service_curve (GString *out, const Report *r, const Service *s, const Scale *sc)
{
  const double top = 28, bottom = 188;
  guint n = s->curve_t->len, step = MAX (1, (n + MAX_CURVE_POINTS - 1) / MAX_CURVE_POINTS), i, k;
  g_autofree char *label = g_strdup_printf ("share of %s clients served over time", s->name);

  g_string_append (out, "<h3>");
  esc (out, s->name);
  g_string_append_printf (out, "</h3>");
  svg_open (out, "availability-chart", 214, label);
  g_string_append (out, "<g class=\"axis\">");
  for (k = 0; k <= 4; k++)
    {
      double y = bottom - (bottom - top) * k / 4;

      g_string_append (out, "<line class=\"grid\" x1=\"");
      num (out, sc->x0);
      g_string_append (out, "\" x2=\"");
      num (out, sc->x1);
      g_string_append (out, "\" y1=\"");
      num (out, y);
      g_string_append (out, "\" y2=\"");
      num (out, y);
      g_string_append (out, "\"/><text class=\"tick\" text-anchor=\"end\" x=\"");
      num (out, sc->x0 - 8);
      g_string_append (out, "\" y=\"");
      num (out, y + 4);
      g_string_append_printf (out, "\">%u%%</text>", k * 25);
    }
  g_string_append (out, "<text text-anchor=\"end\" x=\"");
  num (out, sc->x0 - 48);
  g_string_append (out, "\" y=\"");
  num (out, (top + bottom) / 2);
  g_string_append (out, "\">clients served</text></g>");
  time_axis (out, sc, top, bottom);
  if (n > 0)
    {
      /* The lowest point of each group of samples, so a short dip is never lost. */
      g_string_append (out, "<path class=\"served\" d=\"M");
      num (out, sx (sc, g_array_index (s->curve_t, double, 0)));
      g_string_append (out, ",");
      num (out, bottom);
      for (i = 0; i < n; i += step)
        {
          double lo = 1, t = g_array_index (s->curve_t, double, i);

          for (k = i; k < MIN (n, i + step); k++)
            lo = MIN (lo, g_array_index (s->curve_v, double, k));
          g_string_append (out, " L");
          num (out, sx (sc, t));
          g_string_append (out, ",");
          num (out, bottom - (bottom - top) * CLAMP (lo, 0, 1));
        }
      g_string_append (out, " L");
      num (out, sx (sc, g_array_index (s->curve_t, double, n - 1)));
      g_string_append (out, ",");
      num (out, bottom);
      g_string_append (out, " Z\"><title>");
      esc (out, s->name);
      g_string_append (out, ": share of its clients served (recovery.csv)</title></path>");
    }
  action_markers (out, r, sc, top - 10, bottom);
  g_string_append (out, "</svg>");
}

static void
outage_bars (GString *out, const Report *r, const Scale *sc)
{
  guint n = MIN (r->tracks->len, MAX_TRACKS), i, j;
  const double top = 24, row = 20;
  double bottom = top + n * row + 6;

  g_string_append (out, "<h3>Outages</h3>");
  if (n == 0)
    {
      g_string_append (out, "<p class=\"note\">Nothing went down during the run.</p>");
      return;
    }
  g_string_append (out, "<div class=\"legend\"><span><i class=\"swatch sw-down\"></i>site, router, "
                        "link, host or flow down</span><span><i class=\"swatch sw-storm\"></i>storm "
                        "and its spread</span><span><i class=\"swatch sw-route\"></i>black hole, loop, "
                        "stale ARP</span><span><i class=\"swatch sw-other\"></i>other</span>"
                        "<span><i class=\"swatch sw-action\"></i>timeline action</span></div>");
  svg_open (out, "outage-chart", bottom + 26, "outages over time");
  time_axis (out, sc, top - 8, bottom);
  for (i = 0; i < n; i++)
    {
      const Track *t = &g_array_index (r->tracks, Track, i);
      double y = top + i * row;

      g_string_append (out, "<g class=\"track\" data-entity=\"");
      esc (out, t->entity);
      g_string_append (out, "\" data-name=\"");
      esc (out, t->subject);
      g_string_append (out, "\"><title>");
      esc (out, t->entity);
      g_string_append (out, " ");
      esc (out, t->subject);
      g_string_append (out, ": down ");
      spans_text (out, t);
      g_string_append (out, "</title><text text-anchor=\"end\" x=\"");
      num (out, sc->x0 - 8);
      g_string_append (out, "\" y=\"");
      num (out, y + 13);
      g_string_append (out, "\">");
      esc (out, t->entity);
      g_string_append (out, " ");
      esc_short (out, t->subject, 26);
      g_string_append (out, "</text>");
      for (j = 0; j < t->spans->len; j++)
        {
          const Span *s = &g_array_index (t->spans, Span, j);
          double x1 = sx (sc, s->start_s), x2 = MAX (sx (sc, s->end_s), x1 + 2);

          g_string_append_printf (out, "<rect class=\"bar %s%s\" rx=\"2\" x=\"", track_class (t->entity),
                                  s->open ? " open" : "");
          num (out, x1);
          g_string_append (out, "\" y=\"");
          num (out, y + 3);
          g_string_append (out, "\" width=\"");
          num (out, x2 - x1);
          g_string_append_printf (out, "\" height=\"%d\"/>", (int) row - 6);
        }
      g_string_append (out, "</g>");
    }
  action_markers (out, r, sc, top - 10, bottom);
  g_string_append (out, "</svg>");
  if (r->tracks->len > n)
    g_string_append_printf (out, "<p class=\"note\">The first %u of %u subjects that went down; "
                            "outages.csv lists them all.</p>", n, r->tracks->len);
}

static void
more_services (GString *out, const Report *r)
{
  if (r->services->len > MAX_SERVICE_CHARTS)
    g_string_append_printf (out, "<p class=\"note\">The first %d of %u services; summary.json, "
                            "clients.csv and recovery.csv hold them all.</p>", MAX_SERVICE_CHARTS,
                            r->services->len);
}

static void
section_availability (GString *out, const Report *r)
{
  Scale sc = { 0, MAX (r->end_s, 1e-9), PLOT_LEFT, W - PLOT_RIGHT };
  guint i;

  g_string_append (out, "<section id=\"availability\"><h2>Availability over time</h2>");
  if (r->services->len == 0)
    g_string_append (out, "<p class=\"note\">The scenario has no clients, so there is no share of "
                          "clients served; the outages of what went down follow.</p>");
  else
    g_string_append (out, "<p class=\"note\">The share of each service's clients served (not in a "
                          "failure episode), sampled on the recovery curve's grid, and below, every "
                          "outage the models reported. Numbered markers are the timeline's actions; "
                          "hover for details.</p>");
  for (i = 0; i < MIN (r->services->len, MAX_SERVICE_CHARTS); i++)
    service_curve (out, r, &g_array_index (r->services, Service, i), &sc);
  more_services (out, r);
  outage_bars (out, r, &sc);
  action_legend (out, r);
  g_string_append (out, "</section>");
}

/* --- client downtime ---------------------------------------------------------------------------- */

static void
quantile_line (GString *out, const Scale *sc, const char *name, double v, guint slot, double top,
               double bottom)
{
  double x = sx (sc, v);

  g_string_append_printf (out, "<g class=\"q %s\"><title>%s ", name, name);
  duration_text (out, v);
  g_string_append (out, "</title><line x1=\"");
  num (out, x);
  g_string_append (out, "\" x2=\"");
  num (out, x);
  g_string_append (out, "\" y1=\"");
  num (out, top - 4 - slot * 13);
  g_string_append (out, "\" y2=\"");
  num (out, bottom);
  g_string_append (out, "\"/><text x=\"");
  num (out, x + 3);
  g_string_append (out, "\" y=\"");
  num (out, top - 6 - slot * 13);
  g_string_append_printf (out, "\">%s ", name);
  duration_text (out, v);
  g_string_append (out, "</text></g>");
}

static void
service_cdf (GString *out, const Service *s)
{
  const double top = 84, bottom = 264;
  GArray *d = s->downtimes;
  guint n = d->len, i, k;
  double max = n > 0 ? g_array_index (d, double, n - 1) : 0;
  double span = tick_step (MAX (max, 1e-3)) * ceil (MAX (max, 1e-3) / tick_step (MAX (max, 1e-3)));
  Scale sc = { 0, span, PLOT_LEFT, W - PLOT_RIGHT - 60 };
  g_autofree char *label = g_strdup_printf ("CDF of client downtime, %s", s->name);
  struct { const char *name; double v; } q[] = {
    { "mean", s->mean_s }, { "p50", s->p50_s }, { "p95", s->p95_s }, { "p99", s->p99_s }, { "max", s->max_s },
  };

  g_string_append (out, "<h3>");
  esc (out, s->name);
  g_string_append_printf (out, " \xe2\x80\x94 %u affected client%s</h3>", n, n == 1 ? "" : "s");
  if (n == 0)
    {
      g_string_append (out, "<p class=\"note\">No client of this service had a failed request.</p>");
      return;
    }
  svg_open (out, "cdf-chart", 300, label);
  g_string_append (out, "<g class=\"axis\">");
  for (k = 0; k <= 4; k++)
    {
      double y = bottom - (bottom - top) * k / 4;

      g_string_append (out, "<line class=\"grid\" x1=\"");
      num (out, sc.x0);
      g_string_append (out, "\" x2=\"");
      num (out, sc.x1);
      g_string_append (out, "\" y1=\"");
      num (out, y);
      g_string_append (out, "\" y2=\"");
      num (out, y);
      g_string_append (out, "\"/><text class=\"tick\" text-anchor=\"end\" x=\"");
      num (out, sc.x0 - 8);
      g_string_append (out, "\" y=\"");
      num (out, y + 4);
      g_string_append_printf (out, "\">%u%%</text>", k * 25);
    }
  g_string_append (out, "<text text-anchor=\"end\" x=\"");
  num (out, sc.x0 - 48);
  g_string_append (out, "\" y=\"");
  num (out, (top + bottom) / 2);
  g_string_append (out, "\">affected clients</text><text text-anchor=\"middle\" x=\"");
  num (out, (sc.x0 + sc.x1) / 2);
  g_string_append (out, "\" y=\"");
  num (out, bottom + 34);
  g_string_append (out, "\">downtime (hh:mm:ss)</text></g>");
  time_axis (out, &sc, top, bottom);

  /* The empirical CDF as steps: at most MAX_CDF_POINTS order statistics, evenly by rank. */
  g_string_append (out, "<g class=\"cdf\"><title>");
  esc (out, s->name);
  g_string_append_printf (out, ": share of the %u affected clients down at most this long "
                          "(clients.csv)</title><path d=\"M", n);
  num (out, sc.x0);
  g_string_append (out, ",");
  num (out, bottom);
  for (i = 0; i < MIN (n, MAX_CDF_POINTS); i++)
    {
      guint rank = n <= MAX_CDF_POINTS ? i : (guint) ((guint64) i * (n - 1) / (MAX_CDF_POINTS - 1));
      double x = sx (&sc, g_array_index (d, double, rank));

      g_string_append (out, " H");
      num (out, x);
      g_string_append (out, " V");
      num (out, bottom - (bottom - top) * (rank + 1) / n);
    }
  g_string_append (out, " H");
  num (out, sc.x1);
  g_string_append (out, "\"/></g>");
  if (s->has_downtime)
    for (i = 0; i < G_N_ELEMENTS (q); i++)
      quantile_line (out, &sc, q[i].name, q[i].v, i, top, bottom);
  g_string_append (out, "</svg>");

  g_string_append (out, "<table class=\"quantiles\"><thead><tr><th>affected</th><th class=\"n\">mean</th>"
                        "<th class=\"n\">p50</th><th class=\"n\">p95</th><th class=\"n\">p99</th>"
                        "<th class=\"n\">max</th><th class=\"n\">client-seconds lost</th>"
                        "<th class=\"n\">still down at the end</th></tr></thead><tbody><tr>");
  g_string_append_printf (out, "<td>%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT "</td>", s->affected,
                          s->clients);
  for (i = 0; i < G_N_ELEMENTS (q); i++)
    {
      g_string_append (out, "<td class=\"n\">");
      duration_text (out, s->has_downtime ? q[i].v : NAN);
      g_string_append (out, "</td>");
    }
  g_string_append (out, "<td class=\"n\">");
  num (out, s->lost_s);
  g_string_append_printf (out, "</td><td class=\"n\">%" G_GINT64_FORMAT "</td></tr></tbody></table>",
                          s->down_at_end);
}

static void
section_cdf (GString *out, const Report *r)
{
  guint i;

  g_string_append (out, "<section id=\"downtime-cdf\"><h2>Client downtime</h2>");
  if (r->services->len == 0)
    g_string_append (out, "<p class=\"note\">The scenario has no clients.</p>");
  else
    g_string_append (out, "<p class=\"note\">The distribution of downtime over the affected clients "
                          "(those with a failed request): the share of them down at most x. Mean and "
                          "quantiles from summary.json.</p>");
  for (i = 0; i < MIN (r->services->len, MAX_SERVICE_CHARTS); i++)
    service_cdf (out, &g_array_index (r->services, Service, i));
  more_services (out, r);
  g_string_append (out, "</section>");
}

/* --- budget ------------------------------------------------------------------------------------- */

static void
service_budget (GString *out, const Service *s)
{
  const double x0 = 24, x1 = W - 24, y = 10, h = 40;
  double sum = 0, x = x0;
  g_autofree char *label = g_strdup_printf ("downtime budget of %s", s->name);
  int c;

  g_string_append (out, "<h3>");
  esc (out, s->name);
  g_string_append (out, "</h3>");
  if (!s->has_budget)
    {
      g_string_append (out, "<p class=\"note\">No client of this service was affected.</p>");
      return;
    }
  for (c = 0; c < FS_PHASE_N; c++)
    sum += s->budget_s[c];
  svg_open (out, "budget-chart", 60, label);
  g_string_append (out, "<g class=\"budget\" data-service=\"");
  esc (out, s->name);
  g_string_append (out, "\" data-total=\"");
  exact (out, s->total_s);
  g_string_append (out, "\">");
  for (c = 0; c < FS_PHASE_N; c++)
    {
      const char *name = fs_phase_name ((FsPhase) c);
      double w = sum > 0 ? (x1 - x0) * s->budget_s[c] / sum : 0;

      if (s->budget_s[c] <= 0)
        continue;
      g_string_append_printf (out, "<rect class=\"phase ph-%s\" data-phase=\"%s\" data-seconds=\"", name,
                              name);
      exact (out, s->budget_s[c]);
      g_string_append (out, "\" x=\"");
      num (out, x);
      g_string_append (out, "\" y=\"");
      num (out, y);
      g_string_append (out, "\" width=\"");
      num (out, w);
      g_string_append (out, "\" height=\"");
      num (out, h);
      g_string_append_printf (out, "\"><title>%s: ", name);
      duration_text (out, s->budget_s[c]);
      g_string_append_printf (out, " (%.1f%%)</title></rect>", 100 * s->budget_s[c] / sum);
      if (w > 90)
        {
          g_string_append (out, "<text class=\"phase-label\" x=\"");
          num (out, x + 6);
          g_string_append (out, "\" y=\"");
          num (out, y + 25);
          g_string_append_printf (out, "\">%s ", name);
          duration_text (out, s->budget_s[c]);
          g_string_append (out, "</text>");
        }
      x += w;
    }
  g_string_append (out, "</g></svg>");

  g_string_append (out, "<table class=\"budget-table\"><thead><tr><th>phase</th><th class=\"n\">mean per "
                        "affected client</th><th class=\"n\">seconds</th><th class=\"n\">share</th></tr>"
                        "</thead><tbody>");
  for (c = 0; c < FS_PHASE_N; c++)
    {
      const char *name = fs_phase_name ((FsPhase) c);

      g_string_append_printf (out, "<tr data-phase=\"%s\"><td><i class=\"swatch ph-%s\"></i>%s</td>"
                              "<td class=\"n\">", name, name, name);
      duration_text (out, s->budget_s[c]);
      g_string_append (out, "</td><td class=\"n\">");
      num (out, s->budget_s[c]);
      g_string_append_printf (out, "</td><td class=\"n\">%.1f%%</td></tr>",
                              sum > 0 ? 100 * s->budget_s[c] / sum : 0.0);
    }
  g_string_append (out, "<tr><th>total (mean downtime)</th><th class=\"n\">");
  duration_text (out, s->total_s);
  g_string_append (out, "</th><th class=\"n\">");
  num (out, s->total_s);
  g_string_append (out, "</th><th class=\"n\">100%</th></tr></tbody></table>");
}

static void
section_budget (GString *out, const Report *r)
{
  guint i;

  g_string_append (out, "<section id=\"budget\"><h2>Downtime budget</h2>");
  if (r->services->len == 0)
    g_string_append (out, "<p class=\"note\">The scenario has no clients.</p>");
  else
    g_string_append (out, "<p class=\"note\">Where the mean affected client's downtime went, phase by "
                          "phase (summary.json <code>services[].budget</code>); the phases add up to "
                          "the mean downtime. docs/model-dns.md, \xe2\x80\x9c" "Downtime budget\xe2\x80\x9d, "
                          "says what each phase means.</p>");
  for (i = 0; i < MIN (r->services->len, MAX_SERVICE_CHARTS); i++)
    service_budget (out, &g_array_index (r->services, Service, i));
  more_services (out, r);
  g_string_append (out, "</section>");
}

/* --- event log ---------------------------------------------------------------------------------- */

static const char *
topic_class (const char *topic)
{
  if (g_str_has_prefix (topic, "timeline."))
    return "t-action";
  if (g_str_has_suffix (topic, ".down"))
    return "t-down";
  if (g_str_has_suffix (topic, ".up"))
    return "t-up";
  return "t-other";
}

static void
section_events (GString *out, const Report *r)
{
  guint n = MIN (r->notices->len, MAX_EVENT_ROWS), i;

  g_string_append_printf (out, "<section id=\"events\"><h2>Event log</h2><p class=\"note\">%u notice%s "
                          "(notices.csv)%s.</p>", r->notices->len, r->notices->len == 1 ? "" : "s",
                          r->notices->len > n ? "; the first ones follow" : "");
  g_string_append (out, "<div class=\"filter\" id=\"event-filter-box\" hidden><label>Filter "
                        "<input id=\"event-filter\" type=\"search\" placeholder=\"topic, subject or "
                        "detail\"></label> <span class=\"note\">Click a column to sort.</span></div>");
  g_string_append (out, "<table id=\"event-table\"><thead><tr><th>time</th><th>topic</th><th>subject</th>"
                        "<th>detail</th></tr></thead><tbody>");
  for (i = 0; i < n; i++)
    {
      const Notice *e = &g_array_index (r->notices, Notice, i);

      g_string_append_printf (out, "<tr class=\"%s\" data-i=\"%u\" data-t=\"%" G_GINT64_FORMAT
                              "\"><td class=\"mono\">", topic_class (e->topic), i, e->time_ns);
      esc (out, e->time);
      g_string_append (out, "</td><td class=\"topic\">");
      esc (out, e->topic);
      g_string_append (out, "</td><td>");
      esc (out, e->subject);
      g_string_append (out, "</td><td>");
      esc (out, e->detail);
      g_string_append (out, "</td></tr>");
    }
  g_string_append (out, "</tbody></table>");
  if (r->notices->len > n)
    g_string_append_printf (out, "<p class=\"note\">%u more in notices.csv.</p>", r->notices->len - n);
  g_string_append (out, "</section>");
}

/* --- the page ------------------------------------------------------------------------------------ */

char *
fs_report_html (FsRunFiles *files, const char *source, GError **error)
{
  g_autoptr (Report) r = report_new (source);
  GString *out;

  g_return_val_if_fail (files != NULL && source != NULL, NULL);
  read_summary (r, files);
  read_topology (r, files);
  read_outages (r, files);
  read_notices (r, files);
  read_clients (r, files);
  if (r->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&r->error));
      return NULL;
    }

  out = g_string_sized_new (64 * 1024);
  g_string_append (out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                        /* Nothing may be fetched: the page is whole, and a name in a shared
                         * scenario cannot make it load anything. */
                        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
                        "<meta name=\"generator\" content=\"failsim report\"><title>");
  esc (out, r->name);
  g_string_append (out, " \xe2\x80\x94 failsim report</title><style>");
  g_string_append (out, css);
  g_string_append (out, "</style></head><body>\n");
  section_header (out, r);
  g_string_append (out, "\n<main>\n");
  section_topology (out, r);
  g_string_append (out, "\n");
  section_availability (out, r);
  g_string_append (out, "\n");
  section_cdf (out, r);
  g_string_append (out, "\n");
  section_budget (out, r);
  g_string_append (out, "\n");
  section_events (out, r);
  g_string_append (out, "\n</main><footer>Made by <code>failsim report</code> from the run's result "
                        "files; simulated times are hh:mm:ss from the start of the run.</footer>\n<script>");
  g_string_append (out, script);
  g_string_append (out, "</script></body></html>\n");
  return g_string_free (out, FALSE);
}

/* --- reading the files --------------------------------------------------------------------------- */

static const char *const run_files[] = {
  "summary.json", "topology.json", "outages.csv", "notices.csv", "clients.csv", "recovery.csv", NULL
};

FsRunFiles *
fs_report_read_dir (const char *dir, GError **error)
{
  g_autoptr (GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  guint i;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MISSING,
                   "%s: not a directory (expected what failsim run --out writes)", dir);
      return NULL;
    }
  for (i = 0; run_files[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, run_files[i], NULL);
      g_autoptr (GError) local = NULL;
      char *text = NULL;
      gsize len = 0;
      gboolean optional = g_str_equal (run_files[i], "clients.csv")
                          || g_str_equal (run_files[i], "recovery.csv");

      if (!g_file_get_contents (path, &text, &len, &local))
        {
          if (optional && g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            continue;
          g_set_error (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MISSING, "%s: cannot read: %s%s", path,
                       g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                         ? "no such file" : local->message,
                       g_str_equal (run_files[i], "topology.json")
                         ? " (runs from before topology.json was written need running again)" : "");
          return NULL;
        }
      if (memchr (text, '\0', len) != NULL || !g_utf8_validate (text, (gssize) len, NULL))
        {
          g_set_error (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MALFORMED,
                       "%s: not UTF-8 text", path);
          g_free (text);
          return NULL;
        }
      g_hash_table_insert (files, (gpointer) run_files[i], text);
    }
  return g_steal_pointer (&files);
}

FsRunFiles *
fs_report_files_from_sim (FsSim *sim, const FsRunInfo *info)
{
  GHashTable *files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  guint i;

  for (i = 0; run_files[i] != NULL; i++)
    {
      char *text = fs_output_run_file (sim, info, run_files[i]);

      if (text != NULL)
        g_hash_table_insert (files, (gpointer) run_files[i], text);
    }
  return files;
}

gboolean
fs_report_write_from_dir (const char *dir, const char *path, GError **error)
{
  g_autoptr (GHashTable) files = fs_report_read_dir (dir, error);
  g_autofree char *html = NULL;

  if (files == NULL)
    return FALSE;
  html = fs_report_html (files, dir, error);
  return html != NULL && fs_output_write_file (path, html, -1, error);
}
