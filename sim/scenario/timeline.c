/* timeline.c: the scenario's timeline: faults, repairs and operator actions at fixed times or
 * at times drawn from distributions, each performed by the action a model registered.
 *
 * An entry's time is `at` after the start, or `at` after the entry named by `after` fires.
 * Each entry draws its time from its own stream ("timeline.<id>" or "timeline.<index>"), so
 * adding an entry never shifts the draws of another, and two variants of a scenario that
 * share an entry share its time in every replication (common random numbers). */
#include "scenario-private.h"

#include <string.h>

#include "failsim/sim.h"

/* The keys every entry has. The action's own keys follow it in the same mapping. */
typedef struct {
  FsDist *at;
  char *action;
  char *id;
  char *after;
  char *note;
} Head;

static const FsField head_fields[] = {
  { "at", FS_FIELD_DIST, offsetof (Head, at), TRUE, NULL, 0, 0, 0, 0, NULL,
    "When the action happens: a duration after the start (or after the entry named by 'after'), "
    "or a distribution to draw that delay from.", "10m" },
  { "action", FS_FIELD_STRING, offsetof (Head, action), TRUE, NULL, 0, 0, 0, 0, NULL,
    "What happens; one of the actions listed under timeline actions.", "site.fail" },
  { "id", FS_FIELD_NAME, offsetof (Head, id), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A name for this entry, so that others can come 'after' it; also names its random stream.",
    "outage" },
  { "after", FS_FIELD_NAME, offsetof (Head, after), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The id of the entry this one's 'at' is counted from.", "outage" },
  { "note", FS_FIELD_STRING, offsetof (Head, note), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A sentence shown in logs and narration when the entry fires.", "\"the primary datacenter loses power\"" },
  FS_FIELD_END
};

typedef struct {
  FsActionCall *call;       /* the action, its arguments, and the Head above them */
  const FsNode *node;
  int after;                /* index of the entry it follows, or -1 */
} Entry;

typedef struct {
  GArray *entries;          /* Entry */
} Timeline;

static FsTime
saturating_add (FsTime a, FsTime b)
{
  return a > FS_TIME_MAX - b ? FS_TIME_MAX : a + b;
}

static Head *
entry_head (const Entry *e)
{
  return fs_action_call_head (e->call);
}

static const void *
entry_args (const Entry *e)
{
  return fs_action_call_args (e->call);
}

static void
entry_clear (gpointer p)
{
  Entry *e = p;

  g_clear_pointer (&e->call, fs_action_call_free);
}

static void
timeline_free (gpointer p)
{
  Timeline *t = p;

  g_array_unref (t->entries);
  g_free (t);
}

static gboolean
load_entry (FsScenario *sc, const FsNode *node, Entry *e, GError **error)
{
  e->node = node;
  e->after = -1;
  /* Said here rather than by fs_action_call_load(), to name the keys every entry has. */
  if (node->kind != FS_NODE_MAP)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE,
                          "a timeline entry must be a mapping (at:, action: ...), got %s",
                          fs_node_kind_name (node->kind));
  e->call = fs_action_call_load (sc, node, "timeline entry", head_fields, sizeof (Head), error);
  return e->call != NULL;
}

static int
find_id (const Timeline *t, const char *id)
{
  guint i;

  for (i = 0; i < t->entries->len; i++)
    {
      const char *other = entry_head (&g_array_index (t->entries, Entry, i))->id;
      if (other != NULL && strcmp (other, id) == 0)
        return (int) i;
    }
  return -1;
}

/* Ids must be unique, 'after' must name one, and following 'after' must end at the start. */
static gboolean
link_entries (FsScenario *sc, Timeline *t)
{
  gboolean ok = TRUE;
  guint i;

  for (i = 0; i < t->entries->len; i++)
    {
      Entry *e = &g_array_index (t->entries, Entry, i);
      Head *h = entry_head (e);
      int first;

      if (h->id != NULL && (first = find_id (t, h->id)) != (int) i)
        {
          GError *error = NULL;
          fs_node_error (&error, fs_node_get (e->node, "id"), FS_SCENARIO_ERROR_DUPLICATE,
                         "timeline id '%s' is used twice (first at line %d)", h->id,
                         g_array_index (t->entries, Entry, first).node->line);
          fs_scenario_add_error (sc, error);
          ok = FALSE;
        }
      if (h->after != NULL)
        {
          e->after = find_id (t, h->after);
          if (e->after < 0)
            {
              g_autoptr (GPtrArray) ids = g_ptr_array_new ();
              GError *error = NULL;
              const char *close;
              guint j;

              for (j = 0; j < t->entries->len; j++)
                if (entry_head (&g_array_index (t->entries, Entry, j))->id != NULL)
                  g_ptr_array_add (ids, entry_head (&g_array_index (t->entries, Entry, j))->id);
              g_ptr_array_add (ids, NULL);
              close = fs_node_closest (h->after, (const char *const *) ids->pdata);
              fs_node_error (&error, fs_node_get (e->node, "after"), FS_SCENARIO_ERROR_REFERENCE,
                             "no timeline entry has id '%s'%s%s%s", h->after,
                             close ? "; did you mean '" : "", close ? close : "", close ? "'?" : "");
              fs_scenario_add_error (sc, error);
              ok = FALSE;
            }
        }
    }
  if (!ok)
    return FALSE;

  /* A chain of n entries has at most n links; more means a cycle. */
  for (i = 0; i < t->entries->len; i++)
    {
      int cur = g_array_index (t->entries, Entry, i).after;
      guint steps = 0;

      while (cur >= 0 && steps <= t->entries->len)
        {
          cur = g_array_index (t->entries, Entry, cur).after;
          steps++;
        }
      if (cur >= 0)
        {
          Entry *e = &g_array_index (t->entries, Entry, i);
          GError *error = NULL;
          fs_node_error (&error, fs_node_get (e->node, "after"), FS_SCENARIO_ERROR_RULE,
                         "timeline entry '%s' comes after itself through a chain of 'after' keys",
                         entry_head (e)->id ? entry_head (e)->id : "?");
          fs_scenario_add_error (sc, error);
          return FALSE;
        }
    }
  return TRUE;
}

/* An entry whose time is fixed (a constant, after constants all the way up its chain) and lies
 * past the scenario's duration can never fire in a run of that length: almost always a slip
 * of unit ("90" meant as minutes written 90h) or a forgotten 'after'. */
static void
warn_late_entries (FsScenario *sc, const Timeline *t)
{
  FsTime horizon = fs_scenario_duration (sc);
  guint i;

  for (i = 0; i < t->entries->len; i++)
    {
      const Entry *e = &g_array_index (t->entries, Entry, i);
      FsTime when = 0;
      int cur = (int) i;

      while (cur >= 0)
        {
          const Entry *c = &g_array_index (t->entries, Entry, cur);
          const FsDist *at = entry_head (c)->at;

          if (fs_dist_kind (at) != FS_DIST_CONSTANT)
            break;
          when = saturating_add (when, fs_dist_sample (at, NULL));
          cur = c->after;
        }
      if (cur < 0 && when > horizon)
        {
          char w[FS_TIME_BUFSZ], h[FS_TIME_BUFSZ];

          fs_time_format (when, w, sizeof w);
          fs_time_format (horizon, h, sizeof h);
          fs_scenario_add_warning (sc, fs_node_get (e->node, "at"),
                                   "this entry fires at %s, after the scenario's duration of %s, "
                                   "so no run reaches it unless --until is later", w, h);
        }
    }
}

static gboolean
timeline_load (FsScenario *sc, const FsNode *value, GError **error)
{
  Timeline *t = g_new0 (Timeline, 1);
  guint i;
  gboolean ok = TRUE;

  t->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (t->entries, entry_clear);
  /* Owned by the scenario from here on, so every early return below leaves nothing behind. */
  fs_scenario_set_spec (sc, "timeline", t, timeline_free);
  if (value == NULL)
    return TRUE;
  if (value->kind != FS_NODE_SEQ)
    {
      return fs_node_error (error, value, FS_SCENARIO_ERROR_TYPE,
                            "'timeline' must be a list of entries (- at: ...), got %s",
                            fs_node_kind_name (value->kind));
    }
  for (i = 0; i < fs_node_len (value); i++)
    {
      Entry e = { 0 };
      GError *local = NULL;

      if (!load_entry (sc, fs_node_item (value, i), &e, &local))
        {
          fs_scenario_add_error (sc, local);
          entry_clear (&e);
          ok = FALSE;
          continue;
        }
      g_array_append_val (t->entries, e);
    }
  if (ok && link_entries (sc, t))
    warn_late_entries (sc, t);
  return TRUE;
}

/* --- the model ---------------------------------------------------------------------------- */

typedef struct {
  FsModel base;
  FsSim *sim;
  const Timeline *spec;
  uint32_t topic_fire, topic_refused;
} TimelineModel;

static void
timeline_handle (FsModel *model, FsKernel *k, const FsEvent *ev)
{
  TimelineModel *self = (TimelineModel *) model;
  const Entry *e = &g_array_index (self->spec->entries, Entry, ev->a);
  const Head *h = entry_head (e);

  if (fs_kernel_is_observed (k, self->topic_fire))
    {
      FsNotice n = { .topic = self->topic_fire, .subject = (uint32_t) ev->a, .source = model,
                     .subject_name = fs_action_call_action (e->call)->name, .value = 0, .detail = h->note };
      fs_kernel_notify (k, &n);
    }
  if (fs_action_call_action (e->call)->refuse != NULL)
    {
      const char *why = fs_action_call_action (e->call)->refuse (self->sim, entry_args (e));

      if (why != NULL)
        {
          FsNotice n = { .topic = self->topic_refused, .subject = (uint32_t) ev->a, .source = model,
                         .subject_name = fs_action_call_action (e->call)->name, .value = 0, .detail = why };
          fs_kernel_notify (k, &n);
          return;
        }
    }
  fs_action_call_action (e->call)->fire (self->sim, entry_args (e));
}

static void
timeline_model_free (FsModel *model)
{
  g_free (model);
}

static const FsModelOps timeline_ops = {
  .name = "timeline",
  .handle = timeline_handle,
  .finish = NULL,
  .free = timeline_model_free,
};

static gboolean
timeline_build (FsSim *sim, GError **error)
{
  const Timeline *spec = fs_scenario_get_spec (fs_sim_scenario (sim), "timeline");
  FsKernel *k = fs_sim_kernel (sim);
  TimelineModel *self;
  g_autofree FsTime *delay = NULL;
  g_autofree FsTime *when = NULL;
  guint n, i;

  n = spec->entries->len;
  self = g_new0 (TimelineModel, 1);
  self->base.ops = &timeline_ops;
  self->base.name = g_strdup ("timeline");
  self->sim = sim;
  self->spec = spec;
  self->topic_fire = fs_kernel_topic (k, "timeline.fire");
  self->topic_refused = fs_kernel_topic (k, "timeline.refused");
  fs_sim_add_model (sim, "timeline", &self->base);

  delay = g_new (FsTime, n);
  when = g_new (FsTime, n);
  for (i = 0; i < n; i++)
    {
      const Entry *e = &g_array_index (spec->entries, Entry, i);
      g_autofree char *stream = entry_head (e)->id
        ? g_strdup_printf ("timeline.%s", entry_head (e)->id)
        : g_strdup_printf ("timeline.%u", i);

      delay[i] = fs_dist_sample (entry_head (e)->at, fs_kernel_stream (k, stream));
      when[i] = -1;
    }
  /* Chains were checked acyclic at load, so following 'after' always ends. */
  for (i = 0; i < n; i++)
    {
      guint j = i;
      FsTime t = 0;
      g_autoptr (GArray) chain = g_array_new (FALSE, FALSE, sizeof (guint));

      while (when[j] < 0 && g_array_index (spec->entries, Entry, j).after >= 0)
        {
          g_array_append_val (chain, j);
          j = g_array_index (spec->entries, Entry, j).after;
        }
      t = when[j] >= 0 ? when[j] : (when[j] = delay[j]);
      while (chain->len > 0)
        {
          guint c = g_array_index (chain, guint, chain->len - 1);
          g_array_set_size (chain, chain->len - 1);
          t = when[c] = saturating_add (t, delay[c]);
        }
    }
  /* Scheduled in file order, so entries at the same time fire in the order they are written. */
  for (i = 0; i < n; i++)
    fs_kernel_schedule_at (k, &self->base, when[i], FS_PRIORITY_FAULT, 0, i, 0);
  return TRUE;
}

static const FsSection timeline_section = {
  .key = "timeline",
  .help = "Faults, repairs and operator actions, each at a fixed or drawn time.",
  .model = "scenario",
  .order = 1000,   /* after every section an action can refer to */
  .load = timeline_load,
  .check = NULL,
  .build = timeline_build,
  .fields = head_fields,
};

void
fs__timeline_register (void)
{
  fs_scenario_register_section (&timeline_section);
}
