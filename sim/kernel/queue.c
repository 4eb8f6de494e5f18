/* queue.c: the slow paths of the pending-event set: growth, compaction and renumbering. */
#include "queue.h"

#include <stdlib.h>
#include <string.h>

#define POOL_INITIAL 256
#define HEAP_INITIAL 256
#define CACHE_LINE 64

void
fs__queue_init (FsQueue *q)
{
  memset (q, 0, sizeof *q);
  q->free_head = FS__QUEUE_NIL;
  q->seq_limit = FS__QUEUE_SEQ_LIMIT;
}

void
fs__queue_clear (FsQueue *q)
{
  g_aligned_free (q->pool);
  g_aligned_free (q->base);
  fs__queue_init (q);
}

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

const FsQueueEntry *
fs__queue_peek_slow (FsQueue *q)
{
  while (q->len > 0) {
    const FsQueueEntry *top = &q->base[FS__QUEUE_ROOT];

    if (fs__queue_entry_live (q, top))
      return top;
    if (!q->root_dead)
      q->tombstones--;
    fs__queue_remove_root (q);
    fs__queue_prefetch_next (q);
  }
  return NULL;
}

/* Keeps the live entries, in place. */
static void
drop_tombstones (FsQueue *q)
{
  FsQueueEntry *h = q->base + FS__QUEUE_ROOT;
  size_t kept = 0;

  for (size_t i = 0; i < q->len; i++)
    if (fs__queue_entry_live (q, &h[i]))
      h[kept++] = h[i];
  g_assert (kept == q->live);
  q->len = kept;
  q->tombstones = 0;
  q->root_dead = FALSE;
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
  FsQueueEntry *h = q->base + FS__QUEUE_ROOT;

  drop_tombstones (q);
  g_assert (q->len < q->seq_limit);
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
  heapify (q);
}
