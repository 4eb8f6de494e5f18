/* queue.c: the slow paths of the pending-event set: growth, the ladder's buckets coming down,
 * compaction and renumbering. */
#include "queue.h"

#include <stdlib.h>
#include <string.h>

#define POOL_INITIAL 256
#define HEAP_INITIAL 256
#define NODES_INITIAL 256
#define BUCKETS_INITIAL 256
#define CACHE_LINE 64

/* A bucket of at most this many entries goes straight to the heap; a larger one is spread over
 * a finer rung. A rung gets about one bucket per BUCKET_LOAD entries, which mostly fit in the
 * bucket's own line: fewer, fuller buckets would spill into nodes, whose lists are chased
 * through memory; more would be empty buckets to step over and more memory. */
#define BUCKET_MAX 48
#define BUCKET_LOAD 2

/* The heap may grow to twice what last came down, and at least this, before it spills. */
#define SPILL_MIN 1024

/* The coarse rung made from the top: one bucket per COARSE_LOAD entries, at most COARSE_MAX
 * (so that their tails stay in cache), of equal power-of-two widths that together reach from
 * the earliest entry to where COARSE_REACH of the top's entries lie; the rest stays in the
 * top. */
#define COARSE_MAX 2048
#define COARSE_LOAD 64
#define COARSE_REACH 0.9


/* How many buckets of a fine rung (about BUCKET_LOAD events each) ahead of the one coming down
 * the look-ahead asks for the records of, and hands to their models. */
#define AHEAD_RECORDS 8
#define AHEAD_MODELS 3

void
fs__queue_init (FsQueue *q)
{
  memset (q, 0, sizeof *q);
  q->free_head = FS__QUEUE_NIL;
  q->seq_limit = FS__QUEUE_SEQ_LIMIT;
  /* No rung and an empty heap: everything goes to the top until the first pop. */
  q->bottom_end = q->top_start = 0;
  q->top_min = UINT64_MAX;
  q->node_free = FS__QUEUE_NIL;
  q->spill_at = SPILL_MIN;
}

void
fs__queue_clear (FsQueue *q)
{
  g_aligned_free (q->pool);
  g_aligned_free (q->base);
  g_aligned_free (q->buckets);
  g_free (q->nodes);
  g_free (q->top);
  g_free (q->scratch);
  g_free (q->moving);
  g_free (q->vecs);
  if (q->chunk_slabs != NULL)
    g_ptr_array_unref (q->chunk_slabs);
  fs__queue_init (q);
}

/* --- growth ------------------------------------------------------------------------------ */

void
fs__queue_grow_pool (FsQueue *q)
{
  g_assert (q->free_head == FS__QUEUE_NIL);
  if (q->pool_cap == FS__QUEUE_MAX_RECORDS)
    g_error ("more than %" G_GUINT32_FORMAT " events pending at once", FS__QUEUE_MAX_RECORDS);

  uint32_t old_cap = q->pool_cap;
  uint32_t new_cap = old_cap ? MIN (old_cap * 2, FS__QUEUE_MAX_RECORDS) : POOL_INITIAL;

  FsQueueSlot *pool = g_aligned_alloc (new_cap, sizeof (FsQueueSlot), CACHE_LINE);

  if (old_cap > 0)
    memcpy (pool, q->pool, (size_t) old_cap * sizeof (FsQueueSlot));
  memset (pool + old_cap, 0, (size_t) (new_cap - old_cap) * sizeof (FsQueueSlot));
  g_aligned_free (q->pool);
  q->pool = pool;
  /* Thread the new records in ascending order, so a fresh pool is used front to back. */
  for (uint32_t i = old_cap; i < new_cap; i++)
    pool[i].next_free = i + 1 < new_cap ? i + 1 : FS__QUEUE_NIL;
  q->free_head = old_cap;
  q->pool_cap = new_cap;
}

void
fs__queue_grow_heap (FsQueue *q)
{
  size_t new_cap = q->cap ? q->cap * 2 : HEAP_INITIAL;
  FsQueueEntry *base = g_aligned_alloc (FS__QUEUE_ROOT + new_cap, sizeof (FsQueueEntry),
                                        CACHE_LINE);

  if (q->len > 0)
    memcpy (base + FS__QUEUE_ROOT, q->base + FS__QUEUE_ROOT, q->len * sizeof (FsQueueEntry));
  g_aligned_free (q->base);
  q->base = base;
  q->cap = new_cap;
}

void
fs__queue_grow_nodes (FsQueue *q)
{
  g_assert (q->node_free == FS__QUEUE_NIL);
  if (q->nodes_cap >= UINT32_MAX / 2)
    g_error ("more than %" G_GUINT32_FORMAT " queue entries out of the heap", q->nodes_cap);

  uint32_t old_cap = q->nodes_cap;
  uint32_t new_cap = old_cap ? old_cap * 2 : NODES_INITIAL;

  q->nodes = g_renew (FsQueueNode, q->nodes, new_cap);
  for (uint32_t i = old_cap; i < new_cap; i++)
    q->nodes[i].next = i + 1 < new_cap ? i + 1 : FS__QUEUE_NIL;
  q->node_free = old_cap;
  q->nodes_cap = new_cap;
}

void
fs__queue_grow_top (FsQueue *q)
{
  q->top_cap = q->top_cap ? 2 * q->top_cap : NODES_INITIAL;
  q->top = g_renew (FsQueueEntry, q->top, q->top_cap);
}

/* Appends an empty chunk to @v, from the free list, which a new slab refills when it is empty:
 * as many chunks as there are already, so the queue allocates O(log n) times in all. */
void
fs__queue_vec_chunk (FsQueue *q, FsQueueVec *v)
{
  if (G_UNLIKELY (q->chunk_free == NULL)) {
    size_t n = MAX (q->chunks, 16);
    FsQueueChunk *slab = g_new (FsQueueChunk, n);

    if (q->chunk_slabs == NULL)
      q->chunk_slabs = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (q->chunk_slabs, slab);
    for (size_t i = 0; i < n; i++)
      slab[i].next = i + 1 < n ? &slab[i + 1] : NULL;
    q->chunk_free = slab;
    q->chunks += n;
  }

  FsQueueChunk *c = q->chunk_free;

  q->chunk_free = c->next;
  c->next = NULL;
  c->len = 0;
  if (v->tail != NULL)
    v->tail->next = c;
  else
    v->head = c;
  v->tail = c;
}

/* Copies the entries of coarse bucket @v to @dst (room for v->len), in the order they came, and
 * gives its chunks back; returns how many. */
static uint32_t
vec_take (FsQueue *q, FsQueueVec *v, FsQueueEntry *dst)
{
  uint32_t n = 0;

  while (v->head != NULL) {
    FsQueueChunk *c = v->head;

    memcpy (dst + n, c->e, c->len * sizeof *dst);
    n += c->len;
    v->head = c->next;
    c->next = q->chunk_free;
    q->chunk_free = c;
  }
  g_assert (n == v->len);
  v->tail = NULL;
  v->len = 0;
  q->far -= n;
  return n;
}

static void
heap_reserve (FsQueue *q, size_t n)
{
  while (q->cap < n)
    fs__queue_grow_heap (q);
}

static void
scratch_reserve (FsQueue *q, size_t n)
{
  if (q->scratch_cap < n) {
    q->scratch_cap = MAX (n, 2 * q->scratch_cap);
    q->scratch = g_renew (uint64_t, q->scratch, q->scratch_cap);
  }
}

static void
moving_reserve (FsQueue *q, size_t n)
{
  if (q->moving_cap < n) {
    q->moving_cap = MAX (n, 2 * q->moving_cap);
    q->moving = g_renew (FsQueueEntry, q->moving, q->moving_cap);
  }
}

/* --- buckets and rungs ----------------------------------------------------------------------- */

/* Copies the entries of bucket @b to @dst (room for b->count) and empties it; returns how many. */
static uint32_t
bucket_take (FsQueue *q, FsQueueBucket *b, FsQueueEntry *dst)
{
  uint32_t count = b->count, i;

  for (i = 0; i < MIN (count, FS__QUEUE_BUCKET_INLINE); i++)
    dst[i] = b->e[i];
  for (uint32_t n = b->more, next; n != FS__QUEUE_NIL; n = next) {
    const FsQueueNode *node = &q->nodes[n];

    next = node->next;
    dst[i++] = node->e;
    q->nodes[n].next = q->node_free;
    q->node_free = n;
  }
  g_assert (i == count);
  q->far -= count;
  b->count = 0;
  b->more = FS__QUEUE_NIL;
  return count;
}

/* Floyd's bottom-up construction, O(n). */
static void
heapify (FsQueue *q)
{
  size_t end = FS__QUEUE_ROOT + q->len;

  if (q->len < 2)
    return;
  for (size_t pos = (end - 1) / 4 + 2 + 1; pos-- > FS__QUEUE_ROOT;)
    fs__queue_sift_down (q->base, pos, end, q->base[pos]);
}

/* The heap has just been filled with what came down: order it, and prefetch the records of
 * the events that run next. */
static void
heap_filled (FsQueue *q)
{
  if (q->pool_cap > FS__QUEUE_PREFETCH_MIN)
    for (size_t i = 0; i < MIN (q->len, 8); i++)
      __builtin_prefetch (fs__queue_record (q, fs__queue_entry_idx (&q->base[FS__QUEUE_ROOT + i])));
  heapify (q);
  q->spill_at = MAX (SPILL_MIN, 2 * q->len);
}

/* Pushes a new, empty deepest rung over [lo, end) with buckets 2^@shift ns wide, which takes
 * over the front of the queue: bottom_end moves to @lo. */
static FsQueueRung *
new_rung (FsQueue *q, uint64_t lo, uint64_t end, uint32_t shift)
{
  g_assert (q->n_rungs < FS__QUEUE_MAX_RUNGS && end > lo);

  FsQueueRung *r = &q->rungs[q->n_rungs++];
  size_t nb = (size_t) (((end - lo - 1) >> shift) + 1);

  if (q->buckets_len + nb > q->buckets_cap) {
    size_t cap = MAX (q->buckets_cap, BUCKETS_INITIAL);
    FsQueueBucket *buckets;

    while (cap < q->buckets_len + nb)
      cap *= 2;
    buckets = g_aligned_alloc (cap, sizeof (FsQueueBucket), CACHE_LINE);
    if (q->buckets_len > 0)
      memcpy (buckets, q->buckets, q->buckets_len * sizeof (FsQueueBucket));
    g_aligned_free (q->buckets);
    q->buckets = buckets;
    q->buckets_cap = cap;
  }
  *r = (FsQueueRung) { lo, lo, end, shift, (uint32_t) nb, 0, (uint32_t) q->buckets_len, FALSE,
                       0, 0 };
  for (size_t i = 0; i < nb; i++) {
    q->buckets[q->buckets_len + i].count = 0;
    q->buckets[q->buckets_len + i].more = FS__QUEUE_NIL;
  }
  q->buckets_len += nb;
  q->bottom_end = lo;
  return r;
}

/* The shift that gives about one bucket per BUCKET_LOAD of @count entries spread evenly over
 * [lo, end). */
static uint32_t
even_shift (size_t count, uint64_t lo, uint64_t end)
{
  uint64_t want = MAX (count / BUCKET_LOAD, 1);
  uint32_t shift = 0;

  while (shift < 63 && ((end - lo - 1) >> shift) + 1 > want)
    shift++;
  return shift;
}

/* The @k-th smallest of @n times (0-based), by quickselect (Hoare's FIND); reorders @x. */
static uint64_t
select_time (uint64_t *x, size_t n, size_t k)
{
  ptrdiff_t lo = 0, hi = (ptrdiff_t) n - 1, want = (ptrdiff_t) k;

  while (lo < hi) {
    uint64_t pivot = x[lo + (hi - lo) / 2];
    ptrdiff_t i = lo, j = hi;

    do {
      while (x[i] < pivot)
        i++;
      while (x[j] > pivot)
        j--;
      if (i <= j) {
        uint64_t t = x[i];

        x[i++] = x[j];
        x[j--] = t;
      }
    } while (i <= j);
    /* Now x[lo .. j] <= pivot <= x[i .. hi], and anything between equals the pivot. */
    if (want <= j)
      hi = j;
    else if (want >= i)
      lo = i;
    else
      return x[want];
  }
  return x[want];
}

void
fs__queue_spill (FsQueue *q)
{
  FsQueueEntry *h = q->base + FS__QUEUE_ROOT;
  uint64_t split, lo = (uint64_t) h[0].time;
  size_t kept = 0, moved;

  g_assert (!q->root_dead);
  q->spill_at = 2 * q->len;
  if (q->n_rungs == FS__QUEUE_MAX_RUNGS)
    return;
  scratch_reserve (q, q->len);
  for (size_t i = 0; i < q->len; i++)
    q->scratch[i] = (uint64_t) h[i].time;
  /* The median time; the entries at or after it leave. An instant is never divided, and one
   * that holds the earliest entries stays whole in the heap. */
  split = select_time (q->scratch, q->len, q->len / 2);
  if (split == lo)
    split = lo + 1;
  for (size_t i = 0; i < q->len; i++)
    kept += (uint64_t) h[i].time < split;
  moved = q->len - kept;
  if (moved == 0)
    return;

  /* The new rung ends where the heap's window did, so the rungs still tile the future. */
  const FsQueueRung *r = new_rung (q, split, q->bottom_end,
                                   even_shift (moved, split, q->bottom_end));

  kept = 0;
  for (size_t i = 0; i < q->len; i++) {
    uint64_t t = (uint64_t) h[i].time;

    if (t < split)
      h[kept++] = h[i];
    else
      fs__queue_bucket_add (q, &q->buckets[r->off + ((t - split) >> r->shift)], h[i]);
  }
  q->len = kept;
  heapify (q);
  q->spill_at = MAX (SPILL_MIN, 2 * kept);
}

/* Makes the front of the top the coarse rung 0, or when the top is small or one instant, moves
 * it all to the heap. The rung reaches to where COARSE_REACH of the top's entries lie, not to
 * its last one: one event far out (a timer for the end of the run, or never) would otherwise
 * make every bucket wide. What lies beyond stays in the top. */
static void
top_down (FsQueue *q)
{
  size_t n = q->top_len, kept = 0;
  uint64_t lo = q->top_min, hi = q->top_max, reach, end, nb;
  uint32_t shift = 0;

  if (n <= BUCKET_MAX || lo == hi) {
    heap_reserve (q, n);
    memcpy (q->base + FS__QUEUE_ROOT, q->top, n * sizeof (FsQueueEntry));
    q->len = n;
    q->far -= n;
    q->top_len = 0;
    q->top_min = UINT64_MAX;
    q->top_max = 0;
    q->bottom_end = q->top_start = hi + 1;
    heap_filled (q);
    return;
  }
  scratch_reserve (q, n);
  for (size_t i = 0; i < n; i++)
    q->scratch[i] = (uint64_t) q->top[i].time;
  reach = select_time (q->scratch, n, (size_t) ((double) (n - 1) * COARSE_REACH));
  nb = CLAMP (n / COARSE_LOAD, 1, COARSE_MAX);
  /* nb buckets of a power of two wide cover [lo, reach]. */
  while (shift < 63 && ((reach - lo) >> shift) + 1 > nb)
    shift++;
  end = ((hi - lo) >> shift) < nb ? hi + 1 : lo + (nb << shift);
  nb = ((end - lo - 1) >> shift) + 1;
  if (q->vecs_cap < nb) {
    q->vecs = g_renew (FsQueueVec, q->vecs, nb);
    memset (q->vecs + q->vecs_cap, 0, (nb - q->vecs_cap) * sizeof (FsQueueVec));
    q->vecs_cap = (uint32_t) nb;
  }
  g_assert (q->n_rungs == 0);
  q->rungs[0] = (FsQueueRung) { lo, lo, end, shift, (uint32_t) nb, 0, 0, TRUE, 0, 0 };
  q->n_rungs = 1;
  q->bottom_end = lo;
  q->top_min = UINT64_MAX;
  q->top_max = 0;
  for (size_t i = 0; i < n; i++) {
    FsQueueEntry x = q->top[i];
    uint64_t t = (uint64_t) x.time;

    if (t < end) {
      q->far--;   /* fs__queue_vec_add() counts it again */
      fs__queue_vec_add (q, &q->vecs[(t - lo) >> shift], x);
    } else {
      q->top[kept++] = x;
      q->top_min = MIN (q->top_min, t);
      q->top_max = MAX (q->top_max, t);
    }
  }
  q->top_len = kept;
  q->top_start = end;
}

/* A two-stage look-ahead over a fine rung, run as one of its buckets comes down: the records
 * of the events AHEAD_RECORDS buckets on are asked for, and the events AHEAD_MODELS buckets on,
 * whose records were asked for a few buckets ago, are handed to their models
 * (FsModelOps.prefetch), which ask for what their handlers will read. Each bucket is looked at
 * once per stage. */
static void
look_ahead (const FsQueue *q, FsQueueRung *r)
{
  const FsQueueBucket *b = q->buckets + r->off;
  uint32_t to_records = MIN (r->cur + AHEAD_RECORDS, r->nb);
  uint32_t to_models = MIN (r->cur + AHEAD_MODELS, r->nb);

  for (r->ahead_records = MAX (r->ahead_records, r->cur); r->ahead_records < to_records;
       r->ahead_records++) {
    const FsQueueBucket *x = &b[r->ahead_records];

    for (uint32_t i = 0, n = x->more; i < x->count; i++) {
      const FsQueueEntry *e = i < FS__QUEUE_BUCKET_INLINE ? &x->e[i] : &q->nodes[n].e;

      if (i >= FS__QUEUE_BUCKET_INLINE)
        n = q->nodes[n].next;
      __builtin_prefetch (fs__queue_record (q, fs__queue_entry_idx (e)));
    }
  }
  for (r->ahead_models = MAX (r->ahead_models, r->cur); r->ahead_models < to_models;
       r->ahead_models++) {
    const FsQueueBucket *x = &b[r->ahead_models];

    for (uint32_t i = 0, n = x->more; i < x->count; i++) {
      const FsQueueEntry *e = i < FS__QUEUE_BUCKET_INLINE ? &x->e[i] : &q->nodes[n].e;
      const FsEvent *rec = fs__queue_record (q, fs__queue_entry_idx (e));

      if (i >= FS__QUEUE_BUCKET_INLINE)
        n = q->nodes[n].next;
      if (rec->state == FS__EVENT_PENDING && rec->target != NULL
          && rec->target->ops->prefetch != NULL)
        rec->target->ops->prefetch (rec->target, rec);
    }
  }
}

/* Spreads @count entries, all in [lo, end), over a new fine rung. */
static void
spread (FsQueue *q, const FsQueueEntry *x, uint32_t count, uint64_t lo, uint64_t end)
{
  const FsQueueRung *fine = new_rung (q, lo, end, even_shift (count, lo, end));

  for (uint32_t i = 0; i < count; i++)
    fs__queue_bucket_add (q, &q->buckets[fine->off + (((uint64_t) x[i].time - lo) >> fine->shift)],
                          x[i]);
}

/* Brings the next entries down into the empty heap. FALSE when there are none. */
static gboolean
refill (FsQueue *q)
{
  g_assert (q->len == 0 && !q->root_dead);
  for (;;) {
    if (q->n_rungs == 0) {
      if (q->top_len == 0)
        return FALSE;
      top_down (q);
      if (q->len > 0)
        return TRUE;
      continue;
    }

    FsQueueRung *r = &q->rungs[q->n_rungs - 1];
    /* The rung's buckets: fine ones or coarse ones, never both (and the other may be NULL). */
    FsQueueBucket *b = r->coarse ? NULL : q->buckets + r->off;
    FsQueueVec *v = r->coarse ? q->vecs + r->off : NULL;

    if (r->coarse)
      while (r->cur < r->nb && v[r->cur].len == 0)
        r->cur++;
    else
      while (r->cur < r->nb && b[r->cur].count == 0)
        r->cur++;
    if (r->cur == r->nb) {
      /* Exhausted: the rung above (or the top) is the front of the queue again. */
      if (!r->coarse)
        q->buckets_len -= r->nb;
      q->n_rungs--;
      q->bottom_end = q->n_rungs > 0 ? q->rungs[q->n_rungs - 1].cur_start : q->top_start;
      continue;
    }

    uint32_t cur = r->cur++, count = r->coarse ? v[cur].len : b[cur].count;
    /* Its own start, not its earliest entry's: finding that would read the entries twice. */
    uint64_t lo = MAX (r->cur_start, r->start + ((uint64_t) cur << r->shift));
    uint64_t end = MIN (r->start + ((uint64_t) r->cur << r->shift), r->end);
    /* Small, or one instant wide, which no rung could split: the heap orders it. A wider
     * bucket that holds a single instant goes down a few rungs, each dividing its width by its
     * count, and then here. */
    gboolean to_heap = count <= BUCKET_MAX || r->shift == 0 || q->n_rungs == FS__QUEUE_MAX_RUNGS;

    r->cur_start = end;
    if (r->coarse) {
      if (to_heap) {
        heap_reserve (q, count);
        q->len = vec_take (q, &v[cur], q->base + FS__QUEUE_ROOT);
        q->bottom_end = end;
        heap_filled (q);
        return TRUE;
      }
      moving_reserve (q, count);
      vec_take (q, &v[cur], q->moving);
      spread (q, q->moving, count, lo, end);
      continue;
    }
    if (q->pool_cap > FS__QUEUE_PREFETCH_MIN)
      look_ahead (q, r);
    if (to_heap) {
      heap_reserve (q, count);
      q->len = bucket_take (q, &b[cur], q->base + FS__QUEUE_ROOT);
      q->bottom_end = end;
      heap_filled (q);
      return TRUE;
    }
    /* Spread over a finer rung (which may move the bucket array). */
    moving_reserve (q, count);
    bucket_take (q, &b[cur], q->moving);
    spread (q, q->moving, count, lo, end);
  }
}

const FsQueueEntry *
fs__queue_peek_slow (FsQueue *q)
{
  for (;;) {
    while (q->len > 0) {
      const FsQueueEntry *top = &q->base[FS__QUEUE_ROOT];

      if (q->root_dead) {
        fs__queue_remove_root (q);
        fs__queue_prefetch_next (q);
        continue;
      }
      /* With no tombstone queued every entry is live: no need to read the record (and wait
       * for it) before pop does. */
      if (q->tombstones == 0 || fs__queue_entry_live (q, top))
        return top;
      q->tombstones--;
      fs__queue_remove_root (q);
      fs__queue_prefetch_next (q);
    }
    q->root_dead = FALSE;
    if (!refill (q))
      return NULL;
  }
}

/* --- compaction and renumbering -------------------------------------------------------------- */

/* Keeps the live entries, in place, in the heap and out of it. */
static void
drop_tombstones (FsQueue *q)
{
  FsQueueEntry *h = q->base + FS__QUEUE_ROOT;
  size_t kept = 0;

  for (size_t i = 0; i < q->len; i++)
    if (fs__queue_entry_live (q, &h[i]))
      h[kept++] = h[i];
  q->len = kept;
  kept = 0;
  for (size_t i = 0; i < q->top_len; i++)
    if (fs__queue_entry_live (q, &q->top[i]))
      q->top[kept++] = q->top[i];
  q->far -= q->top_len - kept;
  q->top_len = kept;
  for (uint32_t r = 0; r < q->n_rungs; r++)
    for (uint32_t i = 0; q->rungs[r].coarse && i < q->rungs[r].nb; i++) {
      FsQueueVec *v = &q->vecs[q->rungs[r].off + i];

      if (v->len == 0)
        continue;
      moving_reserve (q, v->len);

      uint32_t n = vec_take (q, v, q->moving);

      for (uint32_t j = 0; j < n; j++)
        if (fs__queue_entry_live (q, &q->moving[j]))
          fs__queue_vec_add (q, v, q->moving[j]);
    }
  for (size_t i = 0; i < q->buckets_len; i++) {
    FsQueueBucket *b = &q->buckets[i];

    if (b->count == 0)
      continue;
    moving_reserve (q, b->count);

    uint32_t n = bucket_take (q, b, q->moving);

    for (uint32_t j = 0; j < n; j++)
      if (fs__queue_entry_live (q, &q->moving[j]))
        fs__queue_bucket_add (q, b, q->moving[j]);
  }
  g_assert (q->len + q->far == q->live);
  q->tombstones = 0;
  q->root_dead = FALSE;
}

void
fs__queue_compact (FsQueue *q)
{
  drop_tombstones (q);
  heapify (q);
}

static int
cmp_key (const void *pa, const void *pb)
{
  uint64_t a = ((const FsQueueEntry *) pa)->key;
  uint64_t b = ((const FsQueueEntry *) pb)->key;

  return (a > b) - (a < b);
}

/* Renumbers the live entries 0 .. live - 1 in key order. Only entries of equal priority are
 * ever told apart by sequence, and among those the ranks keep the order, so every comparison
 * between entries comes out as before. Runs once per 2^32 insertions. */
void
fs__queue_rebase (FsQueue *q)
{
  FsQueueEntry *h;

  drop_tombstones (q);
  g_assert (q->live < q->seq_limit);
  /* Everything into one array, the heap's, unordered. */
  heap_reserve (q, q->live);
  h = q->base + FS__QUEUE_ROOT;
  if (q->top_len > 0)
    memcpy (h + q->len, q->top, q->top_len * sizeof *q->top);
  q->len += q->top_len;
  q->far -= q->top_len;
  q->top_len = 0;
  for (size_t i = 0; i < q->buckets_len; i++)
    if (q->buckets[i].count > 0)
      q->len += bucket_take (q, &q->buckets[i], h + q->len);
  for (uint32_t r = 0; r < q->n_rungs; r++)
    for (uint32_t i = 0; q->rungs[r].coarse && i < q->rungs[r].nb; i++) {
      if (q->vecs[q->rungs[r].off + i].len > 0)
        q->len += vec_take (q, &q->vecs[q->rungs[r].off + i], h + q->len);
    }
  g_assert (q->len == q->live && q->far == 0);
  if (q->len > 0)
    qsort (h, q->len, sizeof *h, cmp_key);
  for (size_t i = 0; i < q->len; i++) {
    uint32_t idx = fs__queue_entry_idx (&h[i]);

    FsEvent *rec = fs__queue_record (q, idx);

    h[i].key = h[i].key >> 56 << 56 | (uint64_t) i << FS__QUEUE_IDX_BITS | idx;
    rec->order = rec->order >> 56 << 56 | i;
    rec->stamp = (uint32_t) i;
  }
  q->next_seq = q->len;
  q->rebases++;
  /* And all of it to the top, with no rung: the ladder is rebuilt at the next pop. */
  q->n_rungs = 0;
  q->buckets_len = 0;
  q->top_min = UINT64_MAX;
  q->top_max = 0;
  q->bottom_end = q->top_start = 0;
  for (size_t n = q->len; n-- > 0;) {
    q->len = n;
    fs__queue_push_far (q, h[n]);
  }
}
