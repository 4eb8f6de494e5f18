/* metrics.c: counts notices, keeps their log, turns <entity>.down/.up pairs into outages, and
 * holds the run's client collector and figures. */
#include "failsim/metrics.h"

#include <string.h>

#include "metrics-private.h"

/* What a topic means to the metrics, worked out once per topic rather than per notice. */
typedef struct {
  gboolean known;
  int outage_class;     /* index into outages, or -1 */
  gboolean is_down;
  gboolean is_measure;  /* the name ends in "_ns" */
  FsMeasure measure;
} TopicRole;

struct FsMetrics {
  GArray *counts;       /* uint64_t per topic id */
  GArray *roles;        /* TopicRole per topic id */
  GPtrArray *outages;   /* FsOutageClass * */
  GArray *log;          /* FsLogEntry */
  GStringChunk *strings;
  GHashTable *interned; /* text -> copy in strings, so a name seen 1e6 times is stored once */
  FsClientStats *clients;
  GArray *figures;      /* FsFigure, ordered by rank */
  GArray *figure_ranks; /* FigureRank, in step with figures, so a figure is found by bisection */
  GHashTable *figure_index; /* "g", "g\x1fsubject", "g\x1fsubject\x1fkey" -> FigureNode */
};

static const char *
keep_string (FsMetrics *m, const char *s)
{
  const char *kept;

  if (s == NULL)
    return NULL;
  kept = g_hash_table_lookup (m->interned, s);
  if (kept == NULL)
    {
      kept = g_string_chunk_insert (m->strings, s);
      g_hash_table_insert (m->interned, (gpointer) kept, (gpointer) kept);
    }
  return kept;
}

static void
outage_class_free (gpointer p)
{
  FsOutageClass *c = p;

  g_array_unref (c->subjects);
  g_free ((char *) c->entity);
  g_free (c);
}

static int
find_or_add_class (FsMetrics *m, const char *entity, gsize len)
{
  FsOutageClass *c;
  guint i;

  for (i = 0; i < m->outages->len; i++)
    {
      c = g_ptr_array_index (m->outages, i);
      if (strlen (c->entity) == len && strncmp (c->entity, entity, len) == 0)
        return (int) i;
    }
  c = g_new0 (FsOutageClass, 1);
  c->entity = g_strndup (entity, len);
  c->subjects = g_array_new (FALSE, TRUE, sizeof (FsOutage));
  g_ptr_array_add (m->outages, c);
  return (int) m->outages->len - 1;
}

static const TopicRole *
role_of (FsMetrics *m, FsKernel *k, uint32_t topic)
{
  TopicRole *r;

  if (topic >= m->roles->len)
    g_array_set_size (m->roles, topic + 1);
  r = &g_array_index (m->roles, TopicRole, topic);
  if (!r->known)
    {
      const char *name = fs_kernel_topic_name (k, topic);
      gsize len = strlen (name);

      r->known = TRUE;
      r->outage_class = -1;
      r->is_measure = len > 3 && strcmp (name + len - 3, "_ns") == 0;
      r->measure.min = r->measure.max = -1;
      if (len > 5 && strcmp (name + len - 5, ".down") == 0)
        {
          r->outage_class = find_or_add_class (m, name, len - 5);
          r->is_down = TRUE;
        }
      else if (len > 3 && strcmp (name + len - 3, ".up") == 0)
        r->outage_class = find_or_add_class (m, name, len - 3);
    }
  return r;
}

static FsOutage *
subject_slot (FsMetrics *m, FsOutageClass *c, const FsNotice *n)
{
  FsOutage *o;

  if (n->subject >= c->subjects->len)
    {
      guint old = c->subjects->len, i;

      g_array_set_size (c->subjects, n->subject + 1);
      for (i = old; i < c->subjects->len; i++)
        {
          o = &g_array_index (c->subjects, FsOutage, i);
          o->first_down = o->last_up = o->down_since = -1;
        }
    }
  o = &g_array_index (c->subjects, FsOutage, n->subject);
  if (o->name == NULL)
    o->name = keep_string (m, n->subject_name ? n->subject_name : "?");
  return o;
}

static void
observe (FsKernel *k, const FsNotice *n, void *user_data)
{
  FsMetrics *m = user_data;
  const TopicRole *r;
  FsLogEntry entry;

  if (n->topic >= m->counts->len)
    g_array_set_size (m->counts, n->topic + 1);
  g_array_index (m->counts, uint64_t, n->topic)++;

  entry.time = n->time;
  entry.topic = n->topic;
  entry.subject = n->subject;
  entry.value = n->value;
  entry.subject_name = keep_string (m, n->subject_name);
  entry.detail = keep_string (m, n->detail);
  g_array_append_val (m->log, entry);

  r = role_of (m, k, n->topic);
  if (r->is_measure)
    {
      FsMeasure *ms = &((TopicRole *) r)->measure;

      ms->count++;
      ms->total += n->value;
      if (ms->min < 0 || n->value < ms->min)
        ms->min = n->value;
      if (n->value > ms->max)
        ms->max = n->value;
    }
  if (r->outage_class >= 0)
    {
      FsOutage *o = subject_slot (m, g_ptr_array_index (m->outages, r->outage_class), n);

      if (r->is_down && o->down_since < 0)
        {
          o->down_since = n->time;
          o->outages++;
          if (o->first_down < 0)
            o->first_down = n->time;
        }
      else if (!r->is_down && o->down_since >= 0)
        {
          o->downtime += n->time - o->down_since;
          o->down_since = -1;
          o->last_up = n->time;
        }
    }
}

/* Where a figure sorts: its group's, its subject's (within the group) and its key's (within
 * the subject) rank in first-set order. Ranks never change, so neither does the order. */
typedef struct {
  guint group, subject, key;
} FigureRank;

/* A group, a subject of a group or a key of a subject, with the number of children it has
 * ranked so far. */
typedef struct {
  FigureRank rank;
  guint n_children;
} FigureNode;

FsMetrics *
fs_metrics_new (FsKernel *k)
{
  FsMetrics *m = g_new0 (FsMetrics, 1);

  m->counts = g_array_new (FALSE, TRUE, sizeof (uint64_t));
  m->roles = g_array_new (FALSE, TRUE, sizeof (TopicRole));
  m->outages = g_ptr_array_new_with_free_func (outage_class_free);
  m->log = g_array_new (FALSE, FALSE, sizeof (FsLogEntry));
  m->strings = g_string_chunk_new (4096);
  m->interned = g_hash_table_new (g_str_hash, g_str_equal);
  m->clients = fs__client_stats_new ();
  m->figures = g_array_new (FALSE, FALSE, sizeof (FsFigure));
  m->figure_ranks = g_array_new (FALSE, FALSE, sizeof (FigureRank));
  m->figure_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fs_kernel_observe (k, "*", observe, m);
  return m;
}

void
fs_metrics_free (FsMetrics *m)
{
  if (m == NULL)
    return;
  g_array_unref (m->counts);
  g_array_unref (m->roles);
  g_ptr_array_unref (m->outages);
  g_array_unref (m->log);
  g_hash_table_destroy (m->interned);
  g_string_chunk_free (m->strings);
  fs__client_stats_free (m->clients);
  g_array_unref (m->figures);
  g_array_unref (m->figure_ranks);
  g_hash_table_destroy (m->figure_index);
  g_free (m);
}

void
fs_metrics_finish (FsMetrics *m, FsTime now)
{
  guint i, j;

  for (i = 0; i < m->outages->len; i++)
    {
      FsOutageClass *c = g_ptr_array_index (m->outages, i);

      for (j = 0; j < c->subjects->len; j++)
        {
          FsOutage *o = &g_array_index (c->subjects, FsOutage, j);

          if (o->down_since >= 0)
            {
              o->downtime += now - o->down_since;
              /* Still down at the end: the outage is counted up to the horizon, and stays open. */
            }
        }
    }
  fs_client_stats_finish (m->clients, now);
}

uint64_t
fs_metrics_count (const FsMetrics *m, uint32_t topic)
{
  return topic < m->counts->len ? g_array_index (m->counts, uint64_t, topic) : 0;
}

const FsMeasure *
fs_metrics_measure (const FsMetrics *m, uint32_t topic)
{
  const TopicRole *r;

  if (topic >= m->roles->len)
    return NULL;
  r = &g_array_index (m->roles, TopicRole, topic);
  return r->known && r->is_measure ? &r->measure : NULL;
}

const GPtrArray *
fs_metrics_outages (const FsMetrics *m)
{
  return m->outages;
}

const FsOutageClass *
fs_metrics_outage_class (const FsMetrics *m, const char *entity)
{
  guint i;

  for (i = 0; i < m->outages->len; i++)
    {
      const FsOutageClass *c = g_ptr_array_index (m->outages, i);
      if (strcmp (c->entity, entity) == 0)
        return c;
    }
  return NULL;
}

const FsOutage *
fs_metrics_find_outage (const FsMetrics *m, const char *entity, const char *name)
{
  const FsOutageClass *c = fs_metrics_outage_class (m, entity);
  guint j;

  for (j = 0; c != NULL && j < c->subjects->len; j++)
    {
      const FsOutage *o = &g_array_index (c->subjects, FsOutage, j);
      if (o->name != NULL && strcmp (o->name, name) == 0)
        return o;
    }
  return NULL;
}

const GArray *
fs_metrics_log (const FsMetrics *m)
{
  return m->log;
}

FsClientStats *
fs_metrics_clients (FsMetrics *m)
{
  return m->clients;
}

/* --- figures ------------------------------------------------------------------------------ */

static int
compare_ranks (const FigureRank *a, const FigureRank *b)
{
  if (a->group != b->group)
    return a->group < b->group ? -1 : 1;
  if (a->subject != b->subject)
    return a->subject < b->subject ? -1 : 1;
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  return 0;
}

/* The index of the first figure ranked at or after @r. */
static guint
bisect_figures (const FsMetrics *m, const FigureRank *r)
{
  guint lo = 0, hi = m->figure_ranks->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (compare_ranks (&g_array_index (m->figure_ranks, FigureRank, mid), r) < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The node of @path, created with the next rank under @parent when new. */
static FigureNode *
figure_node (FsMetrics *m, char *path, FigureNode *parent, int level)
{
  FigureNode *node = g_hash_table_lookup (m->figure_index, path);

  if (node != NULL)
    {
      g_free (path);
      return node;
    }
  node = g_new0 (FigureNode, 1);
  if (parent != NULL)
    node->rank = parent->rank;
  if (level == 0)
    node->rank.group = g_hash_table_size (m->figure_index);   /* any unique, rising number */
  else if (level == 1)
    node->rank.subject = parent->n_children++;
  else
    node->rank.key = parent->n_children++;
  g_hash_table_insert (m->figure_index, path, node);
  return node;
}

/* The figure of (@group, @subject, @key), added in its place when new. */
static FsFigure *
figure_slot (FsMetrics *m, const char *group, const char *subject, const char *key)
{
  FigureNode *g, *s, *k;
  guint before, at;

  g_return_val_if_fail (group != NULL && subject != NULL && key != NULL, NULL);
  g_return_val_if_fail (strchr (group, '\x1f') == NULL && strchr (subject, '\x1f') == NULL, NULL);

  before = g_hash_table_size (m->figure_index);
  g = figure_node (m, g_strdup (group), NULL, 0);
  s = figure_node (m, g_strconcat (group, "\x1f", subject, NULL), g, 1);
  k = figure_node (m, g_strconcat (group, "\x1f", subject, "\x1f", key, NULL), s, 2);
  at = bisect_figures (m, &k->rank);
  if (g_hash_table_size (m->figure_index) == before)
    return &g_array_index (m->figures, FsFigure, at);

  {
    FsFigure f = { 0 };

    f.group = keep_string (m, group);
    f.subject = keep_string (m, subject);
    f.key = keep_string (m, key);
    g_array_insert_val (m->figures, at, f);
    g_array_insert_val (m->figure_ranks, at, k->rank);
  }
  return &g_array_index (m->figures, FsFigure, at);
}

void
fs_metrics_set_figure_int (FsMetrics *m, const char *group, const char *subject,
                           const char *key, int64_t value)
{
  FsFigure *f = figure_slot (m, group, subject, key);

  if (f == NULL)
    return;
  f->is_double = FALSE;
  f->i = value;
  f->d = 0;
}

void
fs_metrics_set_figure_double (FsMetrics *m, const char *group, const char *subject,
                              const char *key, double value)
{
  FsFigure *f = figure_slot (m, group, subject, key);

  if (f == NULL)
    return;
  f->is_double = TRUE;
  f->i = 0;
  f->d = value;
}

const GArray *
fs_metrics_figures (const FsMetrics *m)
{
  return m->figures;
}

const FsFigure *
fs_metrics_find_figure (const FsMetrics *m, const char *group, const char *subject,
                        const char *key)
{
  g_autofree char *path = NULL;
  const FigureNode *k;

  g_return_val_if_fail (group != NULL && subject != NULL && key != NULL, NULL);
  path = g_strconcat (group, "\x1f", subject, "\x1f", key, NULL);
  k = g_hash_table_lookup (m->figure_index, path);

  if (k == NULL)
    return NULL;
  return &g_array_index (m->figures, FsFigure, bisect_figures (m, &k->rank));
}
