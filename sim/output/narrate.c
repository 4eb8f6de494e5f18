/* narrate.c: notices told as sentences, and each service's milestones merged in at the end.
 *
 * Sentences are built from the notice alone (topic, subject, value, detail), so a model that
 * writes a good detail sentence is narrated well without code here; the templates below only
 * replace details that are a bare word ("site lost") with a sentence that names the subject. */
#include "failsim/narrate.h"

#include <string.h>

#include "failsim/clients.h"
#include "failsim/metrics.h"

/* Told lines beyond this many for one topic at one instant are summed up in one line: a site
 * loss can black-hole hundreds of (router, prefix) pairs at once, and a story lists a few. */
#define BURST_SHOWN 3

typedef struct {
  FsTime time;
  uint32_t topic;       /* G_MAXUINT32 for a milestone */
  guint order;          /* a milestone's place among them, so equal times keep it */
  char *sentence;
} Line;

struct FsNarrator {
  FsSim *sim;
  FsKernel *k;
  GArray *lines;        /* Line, in the order told */
  guint taken;          /* lines already handed out by fs_narrator_take() */
};

static void
line_clear (gpointer p)
{
  g_free (((Line *) p)->sentence);
}

static gboolean
has_prefix (const char *s, const char *prefix)
{
  return s != NULL && g_str_has_prefix (s, prefix);
}

/* "r-branch 192.168.1.0/24" -> "r-branch", "192.168.1.0/24" (the subject of a per-route state). */
static void
split_route (const char *subject, char **router, char **prefix)
{
  const char *space = strchr (subject, ' ');

  *router = space ? g_strndup (subject, (gsize) (space - subject)) : g_strdup (subject);
  *prefix = g_strdup (space ? space + 1 : "");
}

/* A duration to the millisecond: a story does not need nanoseconds. */
static void
format_rounded (FsTime t, char *buf, size_t size)
{
  fs_time_format (t >= 0 ? (t + 500000) / 1000000 * 1000000 : t, buf, size);
}

static char *
article_for (const char *word)
{
  return g_strdup (word != NULL && strchr ("aeiou", word[0]) != NULL && word[0] != '\0' ? "an" : "a");
}

char *
fs_narrator_sentence (const FsKernel *k, const FsNotice *n)
{
  const char *topic = fs_kernel_topic_name (k, n->topic);
  const char *s = n->subject_name != NULL ? n->subject_name : "";
  const char *d = n->detail != NULL && n->detail[0] != '\0' ? n->detail : NULL;

  if (topic == NULL)
    return NULL;
  if (strcmp (topic, "site.down") == 0)
    return g_strdup_printf ("site %s lost", s);
  if (strcmp (topic, "site.up") == 0)
    return g_strdup_printf ("site %s is back", s);
  if (strcmp (topic, "router.down") == 0)
    return g_strdup_printf ("router %s down", s);
  if (strcmp (topic, "router.up") == 0)
    return g_strdup_printf ("router %s up again", s);
  if (strcmp (topic, "link.down") == 0)
    return g_strdup_printf ("link %s down (%s)", s, d ? d : "failed");
  if (strcmp (topic, "link.up") == 0)
    return g_strdup_printf ("link %s up again", s);
  if (strcmp (topic, "host.down") == 0)
    return g_strdup_printf ("host %s stops%s%s%s", s, d ? " (" : "", d ? d : "", d ? ")" : "");
  if (strcmp (topic, "host.up") == 0)
    return g_strdup_printf ("host %s runs%s%s%s", s, d ? " (" : "", d ? d : "", d ? ")" : "");
  if (strcmp (topic, "blackhole.down") == 0 || strcmp (topic, "blackhole.up") == 0
      || strcmp (topic, "loop.down") == 0 || strcmp (topic, "loop.up") == 0)
    {
      g_autofree char *router = NULL;
      g_autofree char *prefix = NULL;

      split_route (s, &router, &prefix);
      if (topic[0] == 'b')
        return topic[10] == 'd'
               ? g_strdup_printf ("%s has no working route to %s (black hole)", router, prefix)
               : g_strdup_printf ("%s delivers to %s again", router, prefix);
      return topic[5] == 'd'
             ? g_strdup_printf ("%s forwards %s into a loop", router, prefix)
             : g_strdup_printf ("%s no longer loops %s", router, prefix);
    }
  if (strcmp (topic, "flow.down") == 0)
    return g_strdup_printf ("flow %s lost%s%s", s, d ? ": " : "", d ? d : "");
  if (strcmp (topic, "flow.up") == 0)
    return g_strdup_printf ("flow %s delivered again", s);
  if (strcmp (topic, "arp.up") == 0)
    return g_strdup_printf ("the gateway's ARP entry for %s points at it again", s);
  if (has_prefix (topic, "spread.") && (g_str_has_suffix (topic, ".down") || g_str_has_suffix (topic, ".up")))
    {
      g_autofree char *kind = g_strndup (topic + 7, strcspn (topic + 7, "."));

      return g_str_has_suffix (topic, ".down")
             ? g_strdup_printf ("%s %s %s", kind, s, d ? d : "reached by a broadcast storm")
             : g_strdup_printf ("%s %s: the storm is over", kind, s);
    }
  if (strcmp (topic, "storm.down") == 0 && d != NULL)
    return g_strdup (d);
  if (strcmp (topic, "storm.up") == 0)
    return g_strdup_printf ("broadcast storm %s ends%s%s", s, d ? ": " : "", d ? d : "");
  if (strcmp (topic, "storm.duration_ns") == 0)
    return NULL;   /* storm.up has said it */
  if (strcmp (topic, "timeline.fire") == 0)
    return d ? g_strdup_printf ("%s (%s)", d, s) : g_strdup_printf ("the timeline performs %s", s);
  if (strcmp (topic, "timeline.refused") == 0)
    return g_strdup_printf ("%s is refused: %s", s, d ? d : "no reason given");
  if (strcmp (topic, "dr.failover_start") == 0)
    {
      g_autofree char *a = article_for (d);

      return g_strdup_printf ("recovery plan %s starts %s %s failover", s, a, d ? d : "");
    }
  if (strcmp (topic, "dr.failback_start") == 0)
    return g_strdup_printf ("recovery plan %s starts its failback", s);
  if (strcmp (topic, "dr.group_done") == 0)
    return g_strdup_printf ("recovery plan %s: %s%s is done", s, has_prefix (d, "group ") ? "" : "group ",
                            d ? d : "");
  if (g_str_has_suffix (topic, "_ns"))
    {
      char took[64];

      format_rounded (n->value, took, sizeof took);
      if (strcmp (topic, "routing.convergence_ns") == 0)
        return g_strdup_printf ("routing convergence measured: %s after %s", took, d ? d : s);
      if (d != NULL)
        return g_strdup (d);
      if (has_prefix (topic, "dr."))
        {
          g_autofree char *what = g_strndup (topic + 3, strlen (topic) - 6);

          g_strdelimit (what, "_", ' ');
          return g_strdup_printf ("recovery plan %s: the %s took %s", s, what, took);
        }
      {
        g_autofree char *what = g_strndup (topic, strlen (topic) - 3);

        return g_strdup_printf ("%s: %s took %s", s, what, took);
      }
    }
  if (has_prefix (topic, "dr.failover_done") || has_prefix (topic, "dr.failback_done"))
    return g_strdup_printf ("recovery plan %s: %s", s, d ? d : "done");
  if (d != NULL && (has_prefix (d, s) || has_prefix (topic, "dns.") || has_prefix (topic, "dr.")
                    || has_prefix (topic, "operator.")
                    || has_prefix (d, "resolver ") || has_prefix (d, "plan ")
                    || has_prefix (d, "the ")))
    return g_strdup (d);
  if (d != NULL)
    return g_strdup_printf ("%s %s: %s", topic, s, d);
  return g_strdup_printf ("%s %s", topic, s);
}

static void
observe (FsKernel *k, const FsNotice *notice, void *user_data)
{
  FsNarrator *n = user_data;
  Line line = { notice->time, notice->topic, 0, fs_narrator_sentence (k, notice) };

  if (line.sentence != NULL)
    g_array_append_val (n->lines, line);
}

FsNarrator *
fs_narrator_new (FsSim *sim)
{
  FsNarrator *n = g_new0 (FsNarrator, 1);

  n->sim = sim;
  n->k = fs_sim_kernel (sim);
  n->lines = g_array_new (FALSE, FALSE, sizeof (Line));
  g_array_set_clear_func (n->lines, line_clear);
  fs_kernel_observe (n->k, "*", observe, n);
  return n;
}

void
fs_narrator_free (FsNarrator *n)
{
  if (n == NULL)
    return;
  g_array_unref (n->lines);
  g_free (n);
}

/* Appends lines [from, to) of @lines. Within one instant, a topic's lines past the first
 * BURST_SHOWN are counted instead of told, and the counts close the instant. */
static void
tell (FsNarrator *n, GString *out, const GArray *lines, guint from, guint to)
{
  g_autoptr (GHashTable) told = g_hash_table_new (NULL, NULL);     /* topic + 1 -> lines, if cut */
  g_autoptr (GHashTable) seen_now = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) order = g_array_new (FALSE, FALSE, sizeof (uint32_t));
  guint i = from;

  while (i < to)
    {
      FsTime t = g_array_index (lines, Line, i).time;
      char clock[32];
      guint k, end;

      fs_time_format_clock (t, clock, sizeof clock);
      g_hash_table_remove_all (told);
      g_array_set_size (order, 0);
      for (end = i; end < to && g_array_index (lines, Line, end).time == t; end++)
        {
          uint32_t topic = g_array_index (lines, Line, end).topic;
          guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (told, GUINT_TO_POINTER (topic + 1)));

          if (seen == 0)
            g_array_append_val (order, topic);
          g_hash_table_insert (told, GUINT_TO_POINTER (topic + 1), GUINT_TO_POINTER (seen + 1));
        }
      /* A burst is cut only when that saves at least two lines. */
      for (k = 0; k < order->len; k++)
        {
          uint32_t topic = g_array_index (order, uint32_t, k);
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (told, GUINT_TO_POINTER (topic + 1)));

          if (topic == G_MAXUINT32 || count <= BURST_SHOWN + 1)
            g_hash_table_remove (told, GUINT_TO_POINTER (topic + 1));
        }
      g_hash_table_remove_all (seen_now);
      for (; i < end; i++)
        {
          const Line *l = &g_array_index (lines, Line, i);
          gpointer key = GUINT_TO_POINTER (l->topic + 1);
          guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (seen_now, key));

          g_hash_table_insert (seen_now, key, GUINT_TO_POINTER (seen + 1));
          if (!g_hash_table_contains (told, key) || seen < BURST_SHOWN)
            g_string_append_printf (out, "%s %s\n", clock, l->sentence);
        }
      for (k = 0; k < order->len; k++)
        {
          uint32_t topic = g_array_index (order, uint32_t, k);
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (told, GUINT_TO_POINTER (topic + 1)));

          if (count > 0)
            g_string_append_printf (out, "%s ... and %u more %s at this instant\n", clock,
                                    count - BURST_SHOWN, fs_kernel_topic_name (n->k, topic));
        }
    }
}

char *
fs_narrator_take (FsNarrator *n)
{
  GString *out = g_string_new (NULL);

  tell (n, out, n->lines, n->taken, n->lines->len);
  n->taken = n->lines->len;
  return g_string_free (out, FALSE);
}

static void
add_milestone (GArray *lines, FsTime time, char *sentence)
{
  Line line = { time, G_MAXUINT32, lines->len, sentence };

  g_array_append_val (lines, line);
}

/* Each service's milestones: when clients began to fail, the lowest share served, half and all
 * of them served again (from the recovery curve, so "by" the grid point), and who is still
 * down at the end. */
static void
add_milestones (GArray *lines, FsClientStats *cs)
{
  guint s;

  for (s = 0; s < fs_client_stats_n_services (cs); s++)
    {
      const FsServiceStats *st = fs_client_stats_service (cs, s);
      double low = 1.0;
      guint i, low_at = 0;

      if (st->clients == 0 || st->affected == 0)
        continue;
      add_milestone (lines, st->window_start,
                     g_strdup_printf ("service %s: a client's request fails, the first of %u "
                                      "clients affected", st->name, st->affected));
      for (i = 0; i < st->curve->len; i++)
        if (g_array_index (st->curve, double, i) < low)
          {
            low = g_array_index (st->curve, double, i);
            low_at = i;
          }
      if (low < 1.0)
        {
          gboolean half = low >= 0.5;

          add_milestone (lines, (FsTime) low_at * st->sample_interval,
                         g_strdup_printf ("service %s: %.0f%% of its %u clients served, the lowest",
                                          st->name, low * 100.0, st->clients));
          for (i = low_at + 1; i < st->curve->len && !half; i++)
            if (g_array_index (st->curve, double, i) >= 0.5)
              {
                half = TRUE;
                add_milestone (lines, (FsTime) i * st->sample_interval,
                               g_strdup_printf ("service %s: half of its clients are served again",
                                                st->name));
              }
        }
      if (st->window_end >= 0)
        {
          char took[64];

          format_rounded (st->window_end - st->window_start, took, sizeof took);
          add_milestone (lines, st->window_end,
                         g_strdup_printf ("service %s: every client is served again, %s after "
                                          "the first failure", st->name, took));
        }
    }
}

static int
by_time (gconstpointer a, gconstpointer b)
{
  const Line *x = a, *y = b;

  if (x->time != y->time)
    return (x->time > y->time) - (x->time < y->time);
  return (x->order > y->order) - (x->order < y->order);
}

char *
fs_narrator_text (FsNarrator *n)
{
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (Line));
  g_autoptr (GArray) milestones = g_array_new (FALSE, FALSE, sizeof (Line));
  FsClientStats *cs = fs_metrics_clients (fs_sim_metrics (n->sim));
  GString *out = g_string_new (NULL);
  guint i, j = 0, s;

  g_array_set_clear_func (milestones, line_clear);
  add_milestones (milestones, cs);
  g_array_sort (milestones, by_time);
  for (i = 0; i < n->lines->len; i++)
    {
      const Line *l = &g_array_index (n->lines, Line, i);

      while (j < milestones->len && g_array_index (milestones, Line, j).time < l->time)
        g_array_append_val (lines, g_array_index (milestones, Line, j++));
      g_array_append_val (lines, *l);
    }
  while (j < milestones->len)
    g_array_append_val (lines, g_array_index (milestones, Line, j++));
  tell (n, out, lines, 0, lines->len);
  for (s = 0; s < fs_client_stats_n_services (cs); s++)
    {
      const FsServiceStats *st = fs_client_stats_service (cs, s);

      if (st->down_at_end > 0)
        {
          char clock[32];

          fs_time_format_clock (fs_kernel_now (n->k), clock, sizeof clock);
          g_string_append_printf (out, "%s service %s: %u of its %u clients are still down at the end\n",
                                  clock, st->name, st->down_at_end, st->clients);
        }
    }
  return g_string_free (out, FALSE);
}
