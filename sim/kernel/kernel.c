/* kernel.c: the simulation kernel: clock and run loop, handles, models, observers, streams. */
#include "failsim/kernel.h"

#include <string.h>

#include "failsim/rng.h"
#include "queue.h"

typedef struct {
  FsObserverFunc fn;
  void *user_data;
} Observer;

/* A subscription as given to fs_kernel_observe(), kept for topics registered later. */
typedef struct {
  char *pattern;
  FsObserverFunc fn;
  void *user_data;
} Pattern;

struct FsKernel {
  FsQueue queue;             /* pending events */
  FsTime now;                /* the clock, ns */
  uint64_t events_run;       /* handlers called */
  uint64_t notices;          /* notices delivered */
  gboolean running;          /* inside fs_kernel_run() or fs_kernel_step() */
  gboolean stop;             /* fs_kernel_stop() was called during this run */
  gboolean finished;         /* fs_kernel_finish() was called */
  uint64_t seed;
  uint64_t replication;
  GPtrArray *models;         /* FsModel *, in add order; freed by hand, see fs_kernel_free() */
  GHashTable *topic_ids;     /* name (borrowed from topic_names) -> id */
  GPtrArray *topic_names;    /* id -> name, owned */
  GPtrArray *topic_observers;/* id -> GArray of Observer */
  GArray *patterns;          /* Pattern, in subscription order */
  GHashTable *streams;       /* name (owned) -> gsl_rng * (owned) */
};

/* --- lifetime ----------------------------------------------------------------------------- */

static void
clear_pattern (void *data)
{
  g_free (((Pattern *) data)->pattern);
}

FsKernel *
fs_kernel_new (uint64_t seed, uint64_t replication)
{
  FsKernel *k = g_new0 (FsKernel, 1);

  fs__queue_init (&k->queue);
  k->seed = seed;
  k->replication = replication;
  k->models = g_ptr_array_new ();
  k->topic_ids = g_hash_table_new (g_str_hash, g_str_equal);
  k->topic_names = g_ptr_array_new_with_free_func (g_free);
  k->topic_observers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  k->patterns = g_array_new (FALSE, FALSE, sizeof (Pattern));
  g_array_set_clear_func (k->patterns, clear_pattern);
  k->streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) gsl_rng_free);
  return k;
}

void
fs_kernel_free (FsKernel *k)
{
  if (k == NULL)
    return;
  /* Reverse order, so a model may still use one added before it while it is freed. */
  for (guint i = k->models->len; i-- > 0;) {
    FsModel *model = g_ptr_array_index (k->models, i);

    g_clear_pointer (&model->name, g_free);
    if (model->ops->free != NULL)
      model->ops->free (model);
  }
  g_ptr_array_unref (k->models);
  g_hash_table_unref (k->streams);
  g_array_unref (k->patterns);
  g_hash_table_unref (k->topic_ids);
  g_ptr_array_unref (k->topic_observers);
  g_ptr_array_unref (k->topic_names);
  fs__queue_clear (&k->queue);
  g_free (k);
}

void
fs_kernel_add_model (FsKernel *k, FsModel *model)
{
  g_return_if_fail (k != NULL);
  g_return_if_fail (model != NULL && model->ops != NULL && model->ops->handle != NULL);

  model->id = k->models->len;
  g_ptr_array_add (k->models, model);
}

/* --- the clock and the pending-event set --------------------------------------------------- */

FsTime
fs_kernel_now (const FsKernel *k)
{
  g_return_val_if_fail (k != NULL, 0);
  return k->now;
}

/* The common tail of both schedule calls, once @when has been checked. */
static inline FsHandle
enqueue (FsKernel *k, FsModel *target, FsTime when, uint8_t priority, uint32_t kind,
         uint64_t a, uint64_t b)
{
  FsQueue *q = &k->queue;
  uint32_t idx = fs__queue_take (q);   /* may move the pool */
  FsEvent *rec = fs__queue_record (q, idx);

  rec->time = when;
  rec->target = target;
  rec->a = a;
  rec->b = b;
  rec->kind = kind;
  fs__queue_insert (q, idx, priority);
  return (FsHandle) rec->gen << 32 | (idx + 1);
}

FsHandle
fs_kernel_schedule_at (FsKernel *k, FsModel *target, FsTime when, uint8_t priority,
                       uint32_t kind, uint64_t a, uint64_t b)
{
  g_return_val_if_fail (k != NULL, FS_HANDLE_NONE);
  g_return_val_if_fail (target != NULL, FS_HANDLE_NONE);
  g_return_val_if_fail (when >= k->now, FS_HANDLE_NONE);

  return enqueue (k, target, when, priority, kind, a, b);
}

FsHandle
fs_kernel_schedule (FsKernel *k, FsModel *target, FsTime delay, uint32_t kind, uint64_t a,
                    uint64_t b)
{
  g_return_val_if_fail (k != NULL, FS_HANDLE_NONE);
  g_return_val_if_fail (target != NULL, FS_HANDLE_NONE);
  g_return_val_if_fail (delay >= 0, FS_HANDLE_NONE);

  /* Both are in [0, FS_TIME_MAX], so their sum cannot wrap as unsigned. */
  uint64_t sum = (uint64_t) k->now + (uint64_t) delay;
  FsTime when = sum > (uint64_t) FS_TIME_MAX ? FS_TIME_MAX : (FsTime) sum;

  return enqueue (k, target, when, FS_PRIORITY_DEFAULT, kind, a, b);
}

/* The record @h names, or NULL if @h is stale. */
static FsEvent *
lookup (const FsKernel *k, FsHandle h)
{
  uint32_t slot = (uint32_t) h;   /* idx + 1; 0 in FS_HANDLE_NONE */

  if (slot == 0 || slot > k->queue.pool_cap)
    return NULL;

  FsEvent *rec = fs__queue_record (&k->queue, slot - 1);

  if (rec->gen != (uint32_t) (h >> 32) || rec->state != FS__EVENT_PENDING)
    return NULL;
  return rec;
}

gboolean
fs_kernel_cancel (FsKernel *k, FsHandle h)
{
  g_return_val_if_fail (k != NULL, FALSE);

  if (lookup (k, h) == NULL)
    return FALSE;
  fs__queue_cancel (&k->queue, (uint32_t) h - 1);
  return TRUE;
}

gboolean
fs_kernel_reschedule (FsKernel *k, FsHandle h, FsTime when)
{
  g_return_val_if_fail (k != NULL, FALSE);
  g_return_val_if_fail (when >= k->now, FALSE);

  if (lookup (k, h) == NULL)
    return FALSE;
  fs__queue_move (&k->queue, (uint32_t) h - 1, when);
  return TRUE;
}

gboolean
fs_kernel_is_pending (const FsKernel *k, FsHandle h)
{
  g_return_val_if_fail (k != NULL, FALSE);
  return lookup (k, h) != NULL;
}

FsTime
fs_kernel_event_time (const FsKernel *k, FsHandle h)
{
  g_return_val_if_fail (k != NULL, -1);

  const FsEvent *rec = lookup (k, h);

  return rec != NULL ? rec->time : -1;
}

FsTime
fs_kernel_next_time (FsKernel *k)
{
  g_return_val_if_fail (k != NULL, FS_TIME_MAX);

  const FsQueueEntry *top = fs__queue_peek (&k->queue);

  return top != NULL ? top->time : FS_TIME_MAX;
}

size_t
fs_kernel_pending (const FsKernel *k)
{
  g_return_val_if_fail (k != NULL, 0);
  return k->queue.live;
}

uint64_t
fs_kernel_events_run (const FsKernel *k)
{
  g_return_val_if_fail (k != NULL, 0);
  return k->events_run;
}

/* --- running --------------------------------------------------------------------------------- */

/* Runs the event at the top of the queue, which is live and due. The record is copied and
 * released first, so the handler may reuse its slot and grow the pool as it likes. */
static inline void
run_top (FsKernel *k)
{
  FsEvent ev;

  fs__queue_pop (&k->queue, &ev);
  g_assert (ev.time >= k->now);
  k->now = ev.time;
  ev.target->ops->handle (ev.target, k, &ev);
  k->events_run++;
}

FsRunStatus
fs_kernel_run (FsKernel *k, FsTime until)
{
  g_return_val_if_fail (k != NULL, FS_RUN_EMPTY);
  g_return_val_if_fail (!k->running, FS_RUN_STOPPED);
  g_return_val_if_fail (until >= k->now, FS_RUN_HORIZON);

  FsQueue *q = &k->queue;
  FsRunStatus status;

  k->running = TRUE;
  k->stop = FALSE;
  for (;;) {
    const FsQueueEntry *top = fs__queue_peek (q);

    if (G_UNLIKELY (top == NULL)) {
      /* Without a horizon there is no time to stand at but the last event's. */
      if (until != FS_TIME_MAX)
        k->now = until;
      status = FS_RUN_EMPTY;
      break;
    }
    if (G_UNLIKELY (top->time > until)) {
      k->now = until;
      status = FS_RUN_HORIZON;
      break;
    }
    run_top (k);
    if (G_UNLIKELY (k->stop)) {
      status = FS_RUN_STOPPED;
      break;
    }
  }
  k->running = FALSE;
  k->stop = FALSE;
  return status;
}

gboolean
fs_kernel_step (FsKernel *k, FsTime until)
{
  g_return_val_if_fail (k != NULL, FALSE);
  g_return_val_if_fail (!k->running, FALSE);

  const FsQueueEntry *top = fs__queue_peek (&k->queue);

  if (top == NULL || top->time > until)
    return FALSE;
  k->running = TRUE;
  run_top (k);
  k->running = FALSE;
  k->stop = FALSE;   /* a single step has nothing to stop */
  return TRUE;
}

void
fs_kernel_stop (FsKernel *k)
{
  g_return_if_fail (k != NULL);
  if (k->running)
    k->stop = TRUE;
}

void
fs_kernel_finish (FsKernel *k)
{
  g_return_if_fail (k != NULL);
  g_return_if_fail (!k->finished);

  k->finished = TRUE;
  for (guint i = 0; i < k->models->len; i++) {
    FsModel *model = g_ptr_array_index (k->models, i);

    if (model->ops->finish != NULL)
      model->ops->finish (model, k);
  }
}

/* --- observers -------------------------------------------------------------------------------- */

static gboolean
pattern_matches (const char *pattern, const char *name)
{
  size_t len = strlen (pattern);

  if (strcmp (pattern, "*") == 0)
    return TRUE;
  if (len >= 2 && pattern[len - 2] == '.' && pattern[len - 1] == '*')
    return strncmp (pattern, name, len - 1) == 0;   /* the prefix keeps its dot */
  return strcmp (pattern, name) == 0;
}

static void
subscribe (FsKernel *k, uint32_t topic, FsObserverFunc fn, void *user_data)
{
  GArray *observers = g_ptr_array_index (k->topic_observers, topic);
  Observer o = { fn, user_data };

  g_array_append_val (observers, o);
}

uint32_t
fs_kernel_topic (FsKernel *k, const char *name)
{
  g_return_val_if_fail (k != NULL, 0);
  g_return_val_if_fail (name != NULL, 0);

  void *value;

  if (g_hash_table_lookup_extended (k->topic_ids, name, NULL, &value))
    return GPOINTER_TO_UINT (value);

  uint32_t id = k->topic_names->len;
  char *owned = g_strdup (name);

  g_ptr_array_add (k->topic_names, owned);
  g_ptr_array_add (k->topic_observers, g_array_new (FALSE, FALSE, sizeof (Observer)));
  g_hash_table_insert (k->topic_ids, owned, GUINT_TO_POINTER (id));
  /* Patterns subscribed before the topic existed cover it too, in subscription order. */
  for (guint i = 0; i < k->patterns->len; i++) {
    const Pattern *p = &g_array_index (k->patterns, Pattern, i);

    if (pattern_matches (p->pattern, owned))
      subscribe (k, id, p->fn, p->user_data);
  }
  return id;
}

const char *
fs_kernel_topic_name (const FsKernel *k, uint32_t topic)
{
  g_return_val_if_fail (k != NULL, NULL);
  g_return_val_if_fail (topic < k->topic_names->len, NULL);
  return g_ptr_array_index (k->topic_names, topic);
}

uint32_t
fs_kernel_n_topics (const FsKernel *k)
{
  g_return_val_if_fail (k != NULL, 0);
  return k->topic_names->len;
}

void
fs_kernel_observe (FsKernel *k, const char *pattern, FsObserverFunc fn, void *user_data)
{
  g_return_if_fail (k != NULL);
  g_return_if_fail (pattern != NULL);
  g_return_if_fail (fn != NULL);

  Pattern p = { g_strdup (pattern), fn, user_data };

  for (uint32_t id = 0; id < k->topic_names->len; id++)
    if (pattern_matches (pattern, g_ptr_array_index (k->topic_names, id)))
      subscribe (k, id, fn, user_data);
  g_array_append_val (k->patterns, p);
}

gboolean
fs_kernel_is_observed (const FsKernel *k, uint32_t topic)
{
  g_return_val_if_fail (k != NULL, FALSE);
  g_return_val_if_fail (topic < k->topic_observers->len, FALSE);

  const GArray *observers = g_ptr_array_index (k->topic_observers, topic);

  return observers->len > 0;
}

void
fs_kernel_notify (FsKernel *k, FsNotice *notice)
{
  g_return_if_fail (k != NULL);
  g_return_if_fail (notice != NULL);
  g_return_if_fail (notice->topic < k->topic_observers->len);

  GArray *observers = g_ptr_array_index (k->topic_observers, notice->topic);

  k->notices++;
  notice->time = k->now;
  /* By index, not by pointer: an observer may subscribe another and move the array. */
  for (guint i = 0; i < observers->len; i++) {
    Observer o = g_array_index (observers, Observer, i);

    o.fn (k, notice, o.user_data);
  }
}

uint64_t
fs_kernel_notices (const FsKernel *k)
{
  g_return_val_if_fail (k != NULL, 0);
  return k->notices;
}

/* --- random streams --------------------------------------------------------------------------- */

gsl_rng *
fs_kernel_stream (FsKernel *k, const char *name)
{
  g_return_val_if_fail (k != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  gsl_rng *r = g_hash_table_lookup (k->streams, name);

  if (r == NULL) {
    r = fs_rng_new_stream (k->seed, k->replication, name);
    g_hash_table_insert (k->streams, g_strdup (name), r);
  }
  return r;
}

uint64_t
fs_kernel_seed (const FsKernel *k)
{
  g_return_val_if_fail (k != NULL, 0);
  return k->seed;
}

uint64_t
fs_kernel_replication (const FsKernel *k)
{
  g_return_val_if_fail (k != NULL, 0);
  return k->replication;
}
