/* trace.c: a run as a Chrome trace event file (JSON Object Format), for Perfetto and chrome://tracing.
 *
 * The notices are collected as they come (an observer of "*" subscribed before the run); the
 * file is laid out once, at the end: the states still open are closed at the run's end, the
 * services' curves and the DNS servers' query series become counters, the events are sorted by
 * time, and each track's complete events are dealt to as many threads ("lanes") as it takes for
 * those on one thread to nest, since a trace viewer draws a thread's slices as a stack.
 * Reference: "Trace Event Format", Google (the JSON Object Format, events X, i, C and M). */
#include "failsim/trace.h"

#include <string.h>

#include "fs-config.h"

#include "failsim/clients.h"
#include "failsim/dns.h"
#include "failsim/dr.h"
#include "failsim/l2.h"
#include "failsim/net.h"
#include "failsim/output.h"
#include "failsim/site.h"
#include "output-private.h"

/* The processes of the trace, in the order a viewer shows them (pid = category + 1). */
typedef enum {
  CAT_SITES,
  CAT_ROUTERS,
  CAT_LINKS,
  CAT_FLOWS,
  CAT_HOSTS,
  CAT_VLANS,
  CAT_DNS,
  CAT_SERVICES,
  CAT_RECOVERY,
  CAT_RUN,
  CAT_N
} Category;

static const char *const category_names[CAT_N] = {
  "sites", "routers", "links", "flows", "hosts", "vlans", "dns", "services", "recovery", "run",
};

/* Which process a topic's subject lives in, by the topic's leading words. */
static const struct {
  const char *prefix;   /* matches the topic itself or the topic up to a dot */
  Category cat;
} prefix_categories[] = {
  { "spread.site", CAT_SITES }, { "spread.link", CAT_LINKS }, { "spread.host", CAT_HOSTS },
  { "spread.vlan", CAT_VLANS }, { "site", CAT_SITES }, { "router", CAT_ROUTERS },
  { "route", CAT_ROUTERS }, { "routing", CAT_ROUTERS }, { "blackhole", CAT_ROUTERS },
  { "loop", CAT_ROUTERS }, { "link", CAT_LINKS }, { "flow", CAT_FLOWS }, { "host", CAT_HOSTS },
  { "arp", CAT_HOSTS }, { "storm", CAT_VLANS }, { "l2", CAT_HOSTS }, { "dns", CAT_DNS },
  { "dr", CAT_RECOVERY }, { "timeline", CAT_RUN },
};

/* What an "<entity>.down" ... "<entity>.up" pair is called on its track. */
static const struct {
  const char *entity;
  const char *state;
} state_names[] = {
  { "site", "site down" },
  { "router", "router down" },
  { "link", "link down" },
  { "blackhole", "black hole" },
  { "loop", "loop" },
  { "flow", "flow down" },
  { "host", "host down" },
  { "arp", "stale ARP entry" },
  { "storm", "broadcast storm" },
  { "spread.site", "flooded by a broadcast storm" },
  { "spread.link", "saturated by a broadcast storm" },
  { "spread.host", "unusable in a broadcast storm" },
  { "spread.vlan", "flooded by a broadcast storm" },
};

typedef struct {
  Category cat;
  char *name;           /* the entity's name: the thread's */
  guint order;          /* creation order within its process */
  guint lanes;          /* threads its complete events need, set when laid out */
  guint tid;            /* of lane 0; lane i is tid + i */
} Track;

typedef struct {
  FsTime ts, dur;       /* ns; dur -1 except for complete events */
  char ph;              /* 'X', 'i' or 'C' */
  Track *track;
  guint lane;
  char *name;
  char *args;           /* a JSON object's text, or NULL */
  uint64_t seq;         /* the order it was made in: the tie-break that keeps sorting stable */
} Event;

/* A state opened by "<entity>.down" (or a plan's start), waiting for its end. */
typedef struct {
  FsTime start;
  Track *track;
  char *name;
  char *topic;
  char *detail;         /* the opening notice's sentence, or NULL */
  uint64_t seq;
  FsTime group_from;    /* for a recovery plan: when its current group began */
} Open;

struct FsTrace {
  FsSim *sim;
  FsKernel *k;
  GArray *events;            /* Event */
  GPtrArray *tracks;         /* Track *, in creation order */
  GHashTable *track_index;   /* "cat/name" -> Track * (borrowed from tracks) */
  GHashTable *open;          /* "entity#subject" -> Open * */
  guint per_cat[CAT_N];      /* tracks made so far in each process */
  uint64_t seq;
  GArray *causes;            /* FsTime: changes that can open a routing episode, since the
                              * last routing.convergence_ns notice (and at its instant) */
  char *text;                /* the file, once laid out */
};

/* --- JSON text ------------------------------------------------------------------------------- */

/* @s as a JSON string: quotes, backslashes and control characters escaped, and < > & too, so
 * that a name like "</script>" stays inert if the file is ever embedded in a page. */
static void
append_string (GString *out, const char *s)
{
  g_autofree char *valid = g_utf8_make_valid (s != NULL ? s : "", -1);
  const char *p;

  g_string_append_c (out, '"');
  for (p = valid; *p; p++)
    {
      unsigned char c = (unsigned char) *p;

      if (c == '"' || c == '\\')
        g_string_append_c (out, '\\'), g_string_append_c (out, (char) c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == '<' || c == '>' || c == '&')
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

/* Nanoseconds as microseconds, exactly: 600000000000 -> 600000000.000. */
static void
append_us (GString *out, FsTime ns)
{
  uint64_t a = ns < 0 ? (uint64_t) 0 - (uint64_t) ns : (uint64_t) ns;

  g_string_append_printf (out, "%s%" G_GUINT64_FORMAT ".%03u", ns < 0 ? "-" : "", a / 1000,
                          (unsigned) (a % 1000));
}

/* Arguments of a notice's event: its topic, its value and its sentence. */
static char *
notice_args (const char *topic, int64_t value, const char *detail, const char *end_detail)
{
  GString *a = g_string_new ("{\"topic\":");

  append_string (a, topic);
  g_string_append_printf (a, ",\"value\":%" G_GINT64_FORMAT, value);
  if (detail != NULL && *detail)
    {
      g_string_append (a, ",\"detail\":");
      append_string (a, detail);
    }
  if (end_detail != NULL && *end_detail)
    {
      g_string_append (a, ",\"end_detail\":");
      append_string (a, end_detail);
    }
  g_string_append_c (a, '}');
  return g_string_free (a, FALSE);
}

/* --- tracks and events ------------------------------------------------------------------------ */

static void
track_free (gpointer p)
{
  Track *t = p;

  g_free (t->name);
  g_free (t);
}

static void
open_free (gpointer p)
{
  Open *o = p;

  g_free (o->name);
  g_free (o->topic);
  g_free (o->detail);
  g_free (o);
}

static void
event_clear (gpointer p)
{
  Event *e = p;

  g_free (e->name);
  g_free (e->args);
}

static Track *
track (FsTrace *t, Category cat, const char *name)
{
  g_autofree char *key = g_strdup_printf ("%u/%s", cat, name != NULL ? name : "");
  Track *tr = g_hash_table_lookup (t->track_index, key);

  if (tr != NULL)
    return tr;
  tr = g_new0 (Track, 1);
  tr->cat = cat;
  tr->name = g_strdup (name != NULL ? name : "");
  tr->order = t->per_cat[cat]++;
  g_ptr_array_add (t->tracks, tr);
  g_hash_table_insert (t->track_index, g_steal_pointer (&key), tr);
  return tr;
}

/* Adds an event; takes @args. */
static void
add_event (FsTrace *t, char ph, Track *tr, FsTime ts, FsTime dur, const char *name, char *args)
{
  Event e = { ts, dur, ph, tr, 0, g_strdup (name), args, t->seq++ };

  g_array_append_val (t->events, e);
}

static Category
category_of (const char *topic)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (prefix_categories); i++)
    {
      size_t n = strlen (prefix_categories[i].prefix);

      if (strncmp (topic, prefix_categories[i].prefix, n) == 0 && (topic[n] == '.' || topic[n] == 0))
        return prefix_categories[i].cat;
    }
  return CAT_RUN;
}

static const char *
state_name (const char *entity)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (strcmp (state_names[i].entity, entity) == 0)
      return state_names[i].state;
  return NULL;
}

/* --- notices ---------------------------------------------------------------------------------- */

static void
open_state (FsTrace *t, const char *key, Track *tr, const char *name, const char *topic,
            const char *detail, FsTime start)
{
  Open *o;

  if (g_hash_table_contains (t->open, key))
    return;   /* a second down while down: the state began at the first */
  o = g_new0 (Open, 1);
  o->start = start;
  o->group_from = start;
  o->track = tr;
  o->name = g_strdup (name);
  o->topic = g_strdup (topic);
  o->detail = g_strdup (detail);
  o->seq = t->seq++;
  g_hash_table_insert (t->open, g_strdup (key), o);
}

/* Ends the state open under @key at @end as a complete event; FALSE when none is open. */
static gboolean
close_state (FsTrace *t, const char *key, FsTime end, const char *end_detail, int64_t value)
{
  Open *o = g_hash_table_lookup (t->open, key);

  if (o == NULL)
    return FALSE;
  add_event (t, 'X', o->track, o->start, end - o->start, o->name,
             notice_args (o->topic, value, o->detail, end_detail));
  g_hash_table_remove (t->open, key);
  return TRUE;
}

/* A routing episode is reported once it has converged (or when the next one opens, or at the
 * end), with its duration from the change that opened it to its last change: it began at the
 * latest change that can open an episode no later than now - @lasted. The report may come a
 * little after the last change (an update that changed nothing), never before it. */
static FsTime
convergence_start (FsTrace *t, FsTime now, FsTime lasted)
{
  const FsTime *cause = (const FsTime *) (void *) t->causes->data;
  FsTime start = now - lasted;
  guint i, n = t->causes->len;

  for (i = n; i-- > 0;)
    if (cause[i] <= now - lasted)
      {
        start = cause[i];
        break;
      }
  /* A change at this very instant may open the next episode (a new one closes the last); the
   * list holds each instant once, so it can only be the last entry. */
  g_array_set_size (t->causes, n > 0 && cause[n - 1] == now ? 1 : 0);
  if (t->causes->len == 1)
    g_array_index (t->causes, FsTime, 0) = now;
  return start;
}

static gboolean
is_cause (const char *topic)
{
  static const char *const causes[] = { "site.down", "site.up", "router.down", "router.up",
                                        "link.down", "link.up", "timeline.fire", "dr.step_done" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (causes); i++)
    if (strcmp (topic, causes[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
has_suffix (const char *s, const char *suffix)
{
  return g_str_has_suffix (s, suffix) && strlen (s) > strlen (suffix);
}

/* The recovery plan's notices: running from its start to its duration's report (or a failure,
 * or the end); its groups one after the other on a track of their own. */
static gboolean
plan_notice (FsTrace *t, const FsNotice *n, const char *topic)
{
  g_autofree char *key = g_strdup_printf ("dr.plan#%u", n->subject);
  Track *plan = track (t, CAT_RECOVERY, n->subject_name);
  Open *o;

  if (strcmp (topic, "dr.failover_start") == 0 || strcmp (topic, "dr.failback_start") == 0)
    {
      open_state (t, key, plan, "recovery plan running", topic, n->detail, n->time);
      return TRUE;
    }
  if (strcmp (topic, "dr.failover_ns") == 0 || strcmp (topic, "dr.failback_ns") == 0
      || strcmp (topic, "dr.test_failover_ns") == 0)
    {
      FsTime start = n->time - MAX (n->value, 0);

      /* The duration is exact; the opening notice only supplies its sentence. */
      o = g_hash_table_lookup (t->open, key);
      add_event (t, 'X', plan, start, n->time - start, "recovery plan running",
                 notice_args (topic, n->value, o != NULL ? o->detail : NULL, n->detail));
      g_hash_table_remove (t->open, key);
      return TRUE;
    }
  if (strcmp (topic, "dr.plan_failed") == 0)
    {
      close_state (t, key, n->time, n->detail, n->value);
      return FALSE;   /* an instant too: the failure is a moment worth marking */
    }
  if (strcmp (topic, "dr.group_done") == 0 && (o = g_hash_table_lookup (t->open, key)) != NULL)
    {
      g_autofree char *tname = g_strdup_printf ("%s groups", n->subject_name);
      g_autofree char *name = g_strdup_printf ("group %s running", n->detail != NULL ? n->detail : "");

      add_event (t, 'X', track (t, CAT_RECOVERY, tname), o->group_from, n->time - o->group_from,
                 name, notice_args (topic, n->value, n->detail, NULL));
      o->group_from = n->time;
      return TRUE;
    }
  return FALSE;
}

static void
on_notice (FsKernel *k, const FsNotice *n, void *data)
{
  FsTrace *t = data;
  const char *topic = fs_kernel_topic_name (k, n->topic);
  const char *subject = n->subject_name != NULL ? n->subject_name : "";
  Category cat = category_of (topic);

  if (is_cause (topic)
      && (t->causes->len == 0 || g_array_index (t->causes, FsTime, t->causes->len - 1) != n->time))
    g_array_append_val (t->causes, n->time);
  if (has_suffix (topic, ".down") || has_suffix (topic, ".up"))
    {
      gboolean down = has_suffix (topic, ".down");
      g_autofree char *entity = g_strndup (topic, strlen (topic) - (down ? 5 : 3));
      g_autofree char *key = g_strdup_printf ("%s#%u", entity, n->subject);
      g_autofree char *fallback = g_strdup_printf ("%s down", entity);
      const char *name = state_name (entity);

      if (down)
        open_state (t, key, track (t, cat, subject), name != NULL ? name : fallback, topic,
                    n->detail, n->time);
      /* An up with no down before it (a replica that boots for the first time) is a moment. */
      else if (!close_state (t, key, n->time, n->detail, n->value))
        add_event (t, 'i', track (t, cat, subject), n->time, -1, topic,
                   notice_args (topic, n->value, n->detail, NULL));
      return;
    }
  if (g_str_has_prefix (topic, "dr.") && plan_notice (t, n, topic))
    return;
  if (strcmp (topic, "dns.outdated") == 0)
    {
      add_event (t, 'X', track (t, CAT_DNS, subject), n->time, MAX (n->value, 0),
                 "resolver holds an outdated answer", notice_args (topic, n->value, n->detail, NULL));
      return;
    }
  if (strcmp (topic, "dr.vm_started") == 0)
    {
      add_event (t, 'X', track (t, CAT_RECOVERY, subject), n->time - MAX (n->value, 0),
                 MAX (n->value, 0), "VM booting", notice_args (topic, n->value, n->detail, NULL));
      return;
    }
  if (strcmp (topic, "routing.convergence_ns") == 0)
    {
      FsTime start = convergence_start (t, n->time, MAX (n->value, 0));

      add_event (t, 'X', track (t, CAT_ROUTERS, "routing"), start, MAX (n->value, 0),
                 "route converging", notice_args (topic, n->value, n->detail, NULL));
      return;
    }
  /* A storm's duration repeats its storm.down ... storm.up; a trombone's is a latency, not a
   * span of time. */
  if (has_suffix (topic, "_ns") && strcmp (topic, "storm.duration_ns") != 0
      && strcmp (topic, "l2.trombone_ns") != 0)
    {
      g_autofree char *name = g_strndup (topic, strlen (topic) - 3);

      add_event (t, 'X', track (t, cat, subject), n->time - MAX (n->value, 0), MAX (n->value, 0),
                 name, notice_args (topic, n->value, n->detail, NULL));
      return;
    }
  if (strcmp (topic, "storm.duration_ns") == 0)
    return;
  add_event (t, 'i', cat == CAT_RUN && g_str_has_prefix (topic, "timeline.")
                       ? track (t, CAT_RUN, "timeline") : track (t, cat, subject),
             n->time, -1, topic, notice_args (topic, n->value, n->detail, NULL));
}

/* --- the trace ------------------------------------------------------------------------------------ */

/* Every entity the scenario declares gets its track, in declaration order, events or not. */
static void
declare_tracks (FsTrace *t)
{
  const FsScenario *sc = fs_sim_scenario (t->sim);
  FsModel *m;
  guint i;

  for (i = 0; i < fs_sites_spec_count (sc); i++)
    track (t, CAT_SITES, fs_sites_spec_name (sc, i));
  if ((m = fs_sim_model (t->sim, "net")) != NULL)
    {
      for (i = 0; i < fs_net_spec_n_routers (sc); i++)
        track (t, CAT_ROUTERS, fs_net_spec_router_name (sc, (int) i));
      for (i = 0; i < fs_net_spec_n_links (sc); i++)
        track (t, CAT_LINKS, fs_net_spec_link_name (sc, (int) i));
    }
  if (fs_sim_model (t->sim, "l2") != NULL)
    for (i = 0; i < fs_l2_spec_n_vlans (sc); i++)
      track (t, CAT_VLANS, fs_l2_spec_vlan_name (sc, i));
  if ((m = fs_sim_model (t->sim, "dns")) != NULL && fs_sim_model (t->sim, "net") != NULL)
    {
      FsDns *dns = fs_dns_from_model (m);
      FsNet *net = fs_net_from_model (fs_sim_model (t->sim, "net"));
      g_autoptr (GArray) servers = fs_dns_server_hosts (dns);

      for (i = 0; i < fs_dns_n_resolvers (dns); i++)
        track (t, CAT_DNS, fs_dns_resolver_name (dns, i));
      for (i = 0; i < servers->len; i++)
        track (t, CAT_DNS, fs_net_host_name (net, g_array_index (servers, guint, i)));
    }
  {
    FsClientStats *cs = fs_metrics_clients (fs_sim_metrics (t->sim));

    for (i = 0; i < fs_client_stats_n_services (cs); i++)
      track (t, CAT_SERVICES, fs_client_stats_service (cs, i)->name);
  }
  if ((m = fs_sim_model (t->sim, "dr")) != NULL)
    {
      FsDr *dr = fs_dr_from_model (m);

      for (i = 0; i < fs_dr_n_plans (dr); i++)
        track (t, CAT_RECOVERY, fs_dr_plan_name (dr, i));
      for (i = 0; i < fs_dr_n_vms (dr); i++)
        track (t, CAT_RECOVERY, fs_dr_vm_name (dr, i));
    }
  track (t, CAT_RUN, "timeline");
}

FsTrace *
fs_trace_new (FsSim *sim)
{
  FsTrace *t;

  g_return_val_if_fail (sim != NULL, NULL);
  t = g_new0 (FsTrace, 1);
  t->sim = sim;
  t->k = fs_sim_kernel (sim);
  t->events = g_array_new (FALSE, FALSE, sizeof (Event));
  g_array_set_clear_func (t->events, event_clear);
  t->tracks = g_ptr_array_new_with_free_func (track_free);
  t->track_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t->open = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, open_free);
  t->causes = g_array_new (FALSE, FALSE, sizeof (FsTime));
  declare_tracks (t);
  fs_kernel_observe (t->k, "*", on_notice, t);
  return t;
}

void
fs_trace_free (FsTrace *t)
{
  if (t == NULL)
    return;
  g_array_unref (t->events);
  g_array_unref (t->causes);
  g_hash_table_unref (t->open);
  g_hash_table_unref (t->track_index);
  g_ptr_array_unref (t->tracks);
  g_free (t->text);
  g_free (t);
}

static gint
cmp_open (gconstpointer a, gconstpointer b)
{
  const Open *x = *(Open *const *) a, *y = *(Open *const *) b;

  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* By time; at one time a longer span first, so that it encloses the shorter; then as made. */
static gint
cmp_event (gconstpointer a, gconstpointer b)
{
  const Event *x = a, *y = b;

  if (x->ts != y->ts)
    return x->ts < y->ts ? -1 : 1;
  if (x->dur != y->dur)
    return x->dur > y->dur ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static gint
cmp_track (gconstpointer a, gconstpointer b)
{
  const Track *x = *(Track *const *) a, *y = *(Track *const *) b;

  if (x->cat != y->cat)
    return x->cat < y->cat ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Counter events from @values (sampled every @interval from 0), only where the value changes,
 * and the last point: the viewer holds a counter's value until its next event. */
static void
add_counter (FsTrace *t, Track *tr, const char *name, const char *key, const double *values,
             guint n, FsTime interval)
{
  guint j;

  for (j = 0; j < n; j++)
    {
      GString *args;

      if (j > 0 && j + 1 < n && values[j] == values[j - 1])
        continue;
      args = g_string_new ("{");
      append_string (args, key);
      g_string_append_c (args, ':');
      fs__output_append_number (args, values[j]);
      g_string_append_c (args, '}');
      add_event (t, 'C', tr, (FsTime) j * interval, -1, name, g_string_free (args, FALSE));
    }
}

/* What is known only at the end: the states still open, the services' outage windows and
 * curves, the DNS servers' query rates. */
static void
add_end_of_run (FsTrace *t, FsTime end)
{
  FsClientStats *cs = fs_metrics_clients (fs_sim_metrics (t->sim));
  g_autoptr (GPtrArray) open = g_ptr_array_new ();
  GHashTableIter it;
  gpointer value;
  FsModel *m;
  guint i;

  g_hash_table_iter_init (&it, t->open);
  while (g_hash_table_iter_next (&it, NULL, &value))
    g_ptr_array_add (open, value);
  g_ptr_array_sort (open, cmp_open);
  for (i = 0; i < open->len; i++)
    {
      const Open *o = g_ptr_array_index (open, i);

      add_event (t, 'X', o->track, o->start, end - o->start, o->name,
                 notice_args (o->topic, 0, o->detail, "still so at the end of the run"));
    }
  g_hash_table_remove_all (t->open);

  for (i = 0; i < fs_client_stats_n_services (cs); i++)
    {
      const FsServiceStats *s = fs_client_stats_service (cs, i);
      Track *tr = track (t, CAT_SERVICES, s->name);
      g_autofree char *name = g_strdup_printf ("clients served: %s", s->name);

      if (s->window_start >= 0)
        {
          FsTime stop = s->window_end >= 0 ? s->window_end : end;
          GString *args = g_string_new ("{\"affected\":");

          g_string_append_printf (args, "%u,\"clients\":%u,\"down_at_end\":%u}", s->affected,
                                  s->clients, s->down_at_end);
          add_event (t, 'X', tr, s->window_start, stop - s->window_start, "service outage window",
                     g_string_free (args, FALSE));
        }
      if (s->curve != NULL && s->curve->len > 0)
        add_counter (t, tr, name, "share", (const double *) (const void *) s->curve->data,
                     s->curve->len, s->sample_interval);
    }

  if ((m = fs_sim_model (t->sim, "dns")) != NULL && fs_sim_model (t->sim, "net") != NULL)
    {
      FsDns *dns = fs_dns_from_model (m);
      FsNet *net = fs_net_from_model (fs_sim_model (t->sim, "net"));
      g_autoptr (GArray) servers = fs_dns_server_hosts (dns);

      for (i = 0; i < servers->len; i++)
        {
          guint host = g_array_index (servers, guint, i), n, j, points;
          FsTime interval;
          const uint32_t *series = fs_dns_server_series (dns, host, &n, &interval);
          const char *hname = fs_net_host_name (net, host);
          g_autofree char *name = g_strdup_printf ("queries/s: %s", hname);
          g_autofree double *qps = NULL;

          /* The same points as the recovery curve: 0, interval, ... up to the end. */
          points = (guint) (end / interval) + 1;
          qps = g_new0 (double, points);
          for (j = 0; j < points && j < n; j++)
            qps[j] = (double) series[j] / fs_time_to_seconds (interval);
          add_counter (t, track (t, CAT_DNS, hname), name, "qps", qps, points, interval);
        }
    }
}

/* Deals each track's complete events (sorted) to lanes: an event joins the first lane where it
 * nests inside what is still open there, so a viewer can draw every lane as a stack. */
static void
assign_lanes (FsTrace *t)
{
  g_autoptr (GHashTable) stacks = g_hash_table_new_full (NULL, NULL, NULL,
                                                         (GDestroyNotify) g_ptr_array_unref);
  guint i, lane;

  for (i = 0; i < t->events->len; i++)
    {
      Event *e = &g_array_index (t->events, Event, i);
      GPtrArray *lanes;   /* of GArray of FsTime: the ends still open, innermost last */

      if (e->ph != 'X')
        continue;
      if ((lanes = g_hash_table_lookup (stacks, e->track)) == NULL)
        {
          lanes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
          g_hash_table_insert (stacks, e->track, lanes);
        }
      for (lane = 0;; lane++)
        {
          GArray *ends;

          if (lane == lanes->len)
            g_ptr_array_add (lanes, g_array_new (FALSE, FALSE, sizeof (FsTime)));
          ends = g_ptr_array_index (lanes, lane);
          while (ends->len > 0 && g_array_index (ends, FsTime, ends->len - 1) <= e->ts)
            g_array_set_size (ends, ends->len - 1);
          if (ends->len == 0 || g_array_index (ends, FsTime, ends->len - 1) >= e->ts + e->dur)
            {
              FsTime stop = e->ts + e->dur;

              /* A zero-length span closes at once; it needs no room. */
              if (e->dur > 0)
                g_array_append_val (ends, stop);
              e->lane = lane;
              e->track->lanes = MAX (e->track->lanes, lane + 1);
              break;
            }
        }
    }
}

static void
append_metadata (GString *out, const char *what, guint pid, guint tid, const char *key,
                 const char *text, guint number)
{
  g_string_append (out, "{\"name\":");
  append_string (out, what);
  g_string_append_printf (out, ",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"ts\":0.000,\"args\":{", pid, tid);
  append_string (out, key);
  g_string_append_c (out, ':');
  if (text != NULL)
    append_string (out, text);
  else
    g_string_append_printf (out, "%u", number);
  g_string_append (out, "}},\n");
}

static void
append_u64 (GString *out, uint64_t v)
{
  /* JSON readers lose precision past 2^53 and json-glib stores gint64: keep big seeds exact. */
  if (v <= (uint64_t) G_MAXINT64)
    g_string_append_printf (out, "%" G_GUINT64_FORMAT, v);
  else
    g_string_append_printf (out, "\"%" G_GUINT64_FORMAT "\"", v);
}

/* What makes the run reproducible, as summary.json says it, escaped as the events are. */
static void
append_other_data (GString *out, FsTrace *t, FsTime end)
{
  const FsScenario *sc = fs_sim_scenario (t->sim);
  const char *const *ov = fs_scenario_overrides (sc);
  char text[FS_TIME_BUFSZ];
  guint i;

  g_string_append (out, "{\"failsim\":{\"version\":");
  append_string (out, FS_VERSION);
  g_string_append_printf (out, ",\"format\":%d},\"scenario\":{\"name\":", FS_OUTPUT_FORMAT_VERSION);
  append_string (out, fs_scenario_name (sc));
  g_string_append (out, ",\"file\":");
  append_string (out, fs_scenario_path (sc));
  g_string_append (out, ",\"sha256\":");
  append_string (out, fs_scenario_sha256 (sc));
  g_string_append (out, ",\"overrides\":[");
  for (i = 0; ov != NULL && ov[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_string (out, ov[i]);
    }
  g_string_append (out, "]},\"seed\":");
  append_u64 (out, fs_kernel_seed (t->k));
  g_string_append (out, ",\"replication\":");
  append_u64 (out, fs_kernel_replication (t->k));
  fs_time_format (end, text, sizeof text);
  g_string_append (out, ",\"end\":");
  append_string (out, text);
  g_string_append_printf (out, ",\"end_ns\":%" G_GINT64_FORMAT, end);
  g_string_append (out, ",\"time_unit\":\"ts and dur: microseconds of simulated time\"}");
}

char *
fs_trace_json (FsTrace *t)
{
  FsTime end;
  GString *out;
  g_autoptr (GPtrArray) order = NULL;
  guint i, lane, cat, tid = 0;
  int last_cat = -1;

  g_return_val_if_fail (t != NULL, NULL);
  end = fs_kernel_now (t->k);
  /* Laid out once: a second layout would add the end-of-run events again. */
  if (t->text != NULL)
    return g_strdup (t->text);
  add_end_of_run (t, end);
  /* States that outlast the run (an outdated cache entry) end with it. */
  for (i = 0; i < t->events->len; i++)
    {
      Event *e = &g_array_index (t->events, Event, i);

      if (e->ph == 'X' && e->ts + e->dur > end)
        e->dur = MAX (end - e->ts, 0);
    }
  g_array_sort (t->events, cmp_event);
  assign_lanes (t);

  order = g_ptr_array_new ();
  for (i = 0; i < t->tracks->len; i++)
    g_ptr_array_add (order, g_ptr_array_index (t->tracks, i));
  g_ptr_array_sort (order, cmp_track);

  out = g_string_new ("{\"traceEvents\":[\n");
  for (i = 0; i < order->len; i++)
    {
      Track *tr = g_ptr_array_index (order, i);

      if ((int) tr->cat != last_cat)
        {
          cat = tr->cat;
          last_cat = (int) cat;
          tid = 0;
          append_metadata (out, "process_name", cat + 1, 0, "name", category_names[cat], 0);
          append_metadata (out, "process_sort_index", cat + 1, 0, "sort_index", NULL, cat + 1);
        }
      tr->tid = tid + 1;
      for (lane = 0; lane < MAX (tr->lanes, 1); lane++)
        {
          g_autofree char *name = lane == 0 ? g_strdup (tr->name)
                                            : g_strdup_printf ("%s (%u)", tr->name, lane + 1);

          tid++;
          append_metadata (out, "thread_name", tr->cat + 1, tid, "name", name, 0);
          append_metadata (out, "thread_sort_index", tr->cat + 1, tid, "sort_index", NULL, tid);
        }
    }
  for (i = 0; i < t->events->len; i++)
    {
      const Event *e = &g_array_index (t->events, Event, i);

      g_string_append (out, "{\"name\":");
      append_string (out, e->name);
      g_string_append_printf (out, ",\"ph\":\"%c\",", e->ph);
      if (e->ph == 'i')
        g_string_append (out, "\"s\":\"t\",");
      g_string_append_printf (out, "\"pid\":%u,\"tid\":%u,\"ts\":", e->track->cat + 1,
                              e->track->tid + e->lane);
      append_us (out, e->ts);
      if (e->ph == 'X')
        {
          g_string_append (out, ",\"dur\":");
          append_us (out, e->dur);
        }
      if (e->args != NULL)
        {
          g_string_append (out, ",\"args\":");
          g_string_append (out, e->args);
        }
      g_string_append (out, "},\n");
    }
  /* No trailing comma in JSON: the last line loses its own. */
  if (out->len >= 2 && out->str[out->len - 2] == ',')
    g_string_truncate (out, out->len - 2), g_string_append_c (out, '\n');
  g_string_append (out, "],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":");
  append_other_data (out, t, end);
  g_string_append (out, "}\n");
  t->text = g_string_free (out, FALSE);
  return g_strdup (t->text);
}

gboolean
fs_trace_write (FsTrace *t, const char *path, GError **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (t != NULL && path != NULL, FALSE);
  text = fs_trace_json (t);
  return fs_output_write_file (path, text, -1, error);
}
