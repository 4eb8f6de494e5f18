/* queue.h: the kernel's pending-event set, private to sim/kernel: a pool of event records and a
 * 4-ary min-heap of 16-byte keys that name them.
 *
 * A heap entry carries its whole ordering key, time and (priority, sequence), so comparisons
 * never read the pool. That is needed for correctness, not only speed: cancellation is lazy, and
 * a tombstone's record may be rescheduled or reused while the tombstone still sits in the heap.
 * Were the tie-break read from the record, the tombstone's key would change under the heap and
 * equal-time events could come out of order. The sequence number in an entry is 32 bits wide
 * and also serves as the stamp that tells a live entry from a tombstone; before it would wrap,
 * the queue drops its tombstones and renumbers the live entries (fs__queue_rebase()).
 *
 * Records are indexed by 24 bits, so at most 2^24 events can be pending at once. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "failsim/kernel.h"

/* Heap positions start at 3 in a 64-byte aligned array, so the four children of position p,
 * 4p - 8 .. 4p - 5, always share one cache line. Its parent is p / 4 + 2. */
#define FS__QUEUE_ROOT 3
#define FS__QUEUE_NIL UINT32_MAX
#define FS__QUEUE_IDX_BITS 24
#define FS__QUEUE_MAX_RECORDS ((uint32_t) 1 << FS__QUEUE_IDX_BITS)
#define FS__QUEUE_SEQ_LIMIT ((uint64_t) 1 << 32)
#define FS__QUEUE_COMPACT_MIN 1024   /* tombstones tolerated regardless of the live count */
#define FS__QUEUE_PREFETCH_MIN 16384 /* records (1 MiB) below which the pool stays in cache */

/* FsEvent.state */
enum {
  FS__EVENT_FREE = 0,
  FS__EVENT_PENDING = 1,
};

typedef struct {
  FsTime time;     /* when the event fires, ns */
  uint64_t key;    /* priority << 56 | seq << 24 | record index; unique among entries */
} FsQueueEntry;

/* A record with a cache line of its own: reading one is one miss, not two. */
typedef struct {
  _Alignas (64) FsEvent ev;
  uint32_t next_free;      /* while free: the next free index, or FS__QUEUE_NIL */
} FsQueueSlot;

G_STATIC_ASSERT (sizeof (FsQueueSlot) == 64);

typedef struct {
  FsQueueSlot *pool;       /* records, 64-byte aligned */
  uint32_t pool_cap;       /* records allocated; doubles, never shrinks */
  uint32_t free_head;      /* first free record, or FS__QUEUE_NIL */
  FsQueueEntry *base;      /* heap storage, 64-byte aligned; positions from FS__QUEUE_ROOT */
  size_t len;              /* heap entries, live and tombstones */
  size_t cap;              /* heap entries that fit */
  size_t live;             /* pending events */
  size_t tombstones;       /* entries of cancelled or moved events still in the heap */
  gboolean root_dead;      /* the root is the entry of the event just run, not counted above */
  uint64_t next_seq;       /* the next entry's sequence number, < seq_limit */
  uint64_t seq_limit;      /* rebase when next_seq reaches it; lowered only by tests */
  uint64_t rebases;        /* times the sequence was renumbered */
} FsQueue;

void fs__queue_init (FsQueue *q);
void fs__queue_clear (FsQueue *q);

/* The slow paths: called only when an array is full or the sequence would wrap. */
void fs__queue_grow_pool (FsQueue *q);
void fs__queue_grow_heap (FsQueue *q);
void fs__queue_rebase (FsQueue *q);

/* Drops every tombstone and rebuilds the heap, O(n). */
void fs__queue_compact (FsQueue *q);

/* fs__queue_peek() when the root is a tombstone or the heap is empty. */
const FsQueueEntry *fs__queue_peek_slow (FsQueue *q);

/* 1 if @a comes first: (time, key) compared as one 128-bit number where the compiler has one,
 * otherwise with bitwise operators. Either way it compiles to flag arithmetic, not branches:
 * which of two keys is smaller is a coin toss the branch predictor would lose. */
static inline size_t
fs__queue_less (const FsQueueEntry *a, const FsQueueEntry *b)
{
#ifdef __SIZEOF_INT128__
  unsigned __int128 x = (unsigned __int128) ((uint64_t) a->time ^ ((uint64_t) 1 << 63)) << 64;
  unsigned __int128 y = (unsigned __int128) ((uint64_t) b->time ^ ((uint64_t) 1 << 63)) << 64;

  return (x | a->key) < (y | b->key);
#else
  return (size_t) ((a->time < b->time) | ((a->time == b->time) & (a->key < b->key)));
#endif
}

static inline FsEvent *
fs__queue_record (const FsQueue *q, uint32_t idx)
{
  return &q->pool[idx].ev;
}

static inline uint32_t
fs__queue_entry_idx (const FsQueueEntry *e)
{
  return (uint32_t) (e->key & (FS__QUEUE_MAX_RECORDS - 1));
}

static inline uint32_t
fs__queue_entry_stamp (const FsQueueEntry *e)
{
  return (uint32_t) (e->key >> FS__QUEUE_IDX_BITS);
}

/* A heap entry is live iff it carries its record's current stamp and the record is pending;
 * otherwise it is a tombstone. */
static inline gboolean
fs__queue_entry_live (const FsQueue *q, const FsQueueEntry *e)
{
  const FsEvent *rec = fs__queue_record (q, fs__queue_entry_idx (e));

  return rec->stamp == fs__queue_entry_stamp (e) && rec->state == FS__EVENT_PENDING;
}

/* A record is read when its event reaches the root, and in a pool larger than the cache that
 * read misses. So after each change at the root, fetch ahead: the root's four children hold
 * the next few events, and each record is asked for a few events before it is needed (and
 * again, at the cost of an L1 hit, while it waits). Always inlined: GCC takes a function
 * that only prefetches for one without effects and deletes the call. */
G_ALWAYS_INLINE static inline void
fs__queue_prefetch_next (const FsQueue *q)
{
  if (q->pool_cap > FS__QUEUE_PREFETCH_MIN && G_LIKELY (q->len >= 5)) {
    const FsQueueEntry *h = q->base;

    for (size_t i = 4; i < 8; i++)
      __builtin_prefetch (fs__queue_record (q, fs__queue_entry_idx (&h[i])));
  }
}

/* Moves @x up from the hole at @pos to where it belongs. */
static inline void
fs__queue_sift_up (FsQueueEntry *h, size_t pos, FsQueueEntry x)
{
  while (pos > FS__QUEUE_ROOT) {
    size_t parent = pos / 4 + 2;

    if (!fs__queue_less (&x, &h[parent]))
      break;
    h[pos] = h[parent];
    pos = parent;
  }
  h[pos] = x;
}

/* Moves @x down from the hole at @pos; @end is one past the last position in use. Inlined
 * even where the compiler would rather call it: it is most of the cost of an event. */
G_ALWAYS_INLINE static inline void
fs__queue_sift_down (FsQueueEntry *h, size_t pos, size_t end, FsQueueEntry x)
{
  for (;;) {
    size_t c = 4 * pos - 8;
    size_t m;

    if (G_LIKELY (c + 3 < end)) {
      /* All four children exist: a tournament whose winner is computed, not branched to. */
      size_t m01 = c + fs__queue_less (&h[c + 1], &h[c]);
      size_t m23 = c + 2 + fs__queue_less (&h[c + 3], &h[c + 2]);

      m = m01 + ((m23 - m01) & -fs__queue_less (&h[m23], &h[m01]));
    } else {
      if (c >= end)
        break;
      m = c;
      for (size_t i = c + 1; i < end; i++)
        if (fs__queue_less (&h[i], &h[m]))
          m = i;
    }
    if (!fs__queue_less (&h[m], &x))
      break;
    h[pos] = h[m];
    pos = m;
  }
  h[pos] = x;
}

/* Takes a free record, growing the pool if there is none. Its gen and stamp are kept. */
static inline uint32_t
fs__queue_take (FsQueue *q)
{
  if (G_UNLIKELY (q->free_head == FS__QUEUE_NIL))
    fs__queue_grow_pool (q);

  uint32_t idx = q->free_head;

  q->free_head = q->pool[idx].next_free;
  return idx;
}

/* Returns record @idx to the free list; handles that name it go stale. */
static inline void
fs__queue_release (FsQueue *q, uint32_t idx)
{
  FsEvent *rec = fs__queue_record (q, idx);

  rec->gen++;
  rec->state = FS__EVENT_FREE;
  q->pool[idx].next_free = q->free_head;
  q->free_head = idx;
}

/* Pushes a heap entry for record @idx at rec->time with the next sequence number, which
 * becomes the record's stamp and, under its priority, its order. Does not touch the live and
 * tombstone counts. The caller has made room in the sequence (fs__queue_reserve_seq()). */
static inline void
fs__queue_push_entry (FsQueue *q, uint32_t idx, uint8_t priority)
{
  FsEvent *rec = fs__queue_record (q, idx);
  uint64_t seq = q->next_seq++;
  uint64_t high = (uint64_t) priority << 56;
  FsQueueEntry x = { rec->time, high | seq << FS__QUEUE_IDX_BITS | idx };

  rec->order = high | seq;
  rec->stamp = (uint32_t) seq;
  if (q->root_dead) {
    /* The commonest case: a handler scheduling the next event of its model. The new entry
     * takes the place of the one just run, one sift-down for the pop and the push together. */
    q->root_dead = FALSE;
    fs__queue_sift_down (q->base, FS__QUEUE_ROOT, FS__QUEUE_ROOT + q->len, x);
    fs__queue_prefetch_next (q);
    return;
  }
  if (G_UNLIKELY (q->len == q->cap))
    fs__queue_grow_heap (q);
  fs__queue_sift_up (q->base, FS__QUEUE_ROOT + q->len++, x);
}

/* Rebases before the sequence would wrap. It must run before a record changes state: a
 * record being reused still carries the stamp of its tombstone, which would pass for live. */
static inline void
fs__queue_reserve_seq (FsQueue *q)
{
  if (G_UNLIKELY (q->next_seq >= q->seq_limit))
    fs__queue_rebase (q);
}

/* Enqueues record @idx, whose time and payload the caller has set, with @priority. */
static inline void
fs__queue_insert (FsQueue *q, uint32_t idx, uint8_t priority)
{
  fs__queue_reserve_seq (q);

  fs__queue_record (q, idx)->state = FS__EVENT_PENDING;
  q->live++;
  fs__queue_push_entry (q, idx, priority);
}

/* Removes the root entry, live or not. The heap must not be empty. */
static inline void
fs__queue_remove_root (FsQueue *q)
{
  size_t end = FS__QUEUE_ROOT + --q->len;

  q->root_dead = FALSE;
  if (end > FS__QUEUE_ROOT)
    fs__queue_sift_down (q->base, FS__QUEUE_ROOT, end, q->base[end]);
}

/* The earliest live entry, or NULL when nothing is pending; tombstones that surface on the way
 * are discarded. The pointer is valid until the queue is next changed. */
static inline const FsQueueEntry *
fs__queue_peek (FsQueue *q)
{
  /* With no tombstones and the root not the entry just run, every entry is live: the root's
   * record need not be read to know it, so its cache miss waits until pop, after the
   * prefetch has had longer to bring it in. */
  if (G_LIKELY (q->len > 0 && q->tombstones == 0 && !q->root_dead))
    return &q->base[FS__QUEUE_ROOT];
  if (G_LIKELY (q->len > 0 && fs__queue_entry_live (q, &q->base[FS__QUEUE_ROOT])))
    return &q->base[FS__QUEUE_ROOT];
  return fs__queue_peek_slow (q);
}

/* Takes the earliest live event, which fs__queue_peek() has just returned: copies its record
 * to @out and releases it. Its entry stays at the root, dead, for the next push to overwrite
 * or the next peek to remove. */
static inline void
fs__queue_pop (FsQueue *q, FsEvent *out)
{
  const FsQueueEntry *top = &q->base[FS__QUEUE_ROOT];
  uint32_t idx = fs__queue_entry_idx (top);

  *out = *fs__queue_record (q, idx);
  /* The same value, but from the heap, which is in cache: the clock, and with it the time of
   * whatever the handler schedules, need not wait for the record if it misses. */
  out->time = top->time;
  fs__queue_release (q, idx);
  q->live--;
  q->root_dead = TRUE;
}

/* Cancel and move leave the old entry behind as a tombstone; compact when they pile up. */
static inline void
fs__queue_add_tombstone (FsQueue *q)
{
  q->tombstones++;
  if (G_UNLIKELY (q->tombstones > MAX (q->live, FS__QUEUE_COMPACT_MIN)))
    fs__queue_compact (q);
}

/* Removes pending record @idx: it is released at once. */
static inline void
fs__queue_cancel (FsQueue *q, uint32_t idx)
{
  fs__queue_release (q, idx);
  q->live--;
  fs__queue_add_tombstone (q);
}

/* Moves pending record @idx to @when with a fresh sequence number. */
static inline void
fs__queue_move (FsQueue *q, uint32_t idx, FsTime when)
{
  fs__queue_reserve_seq (q);

  FsEvent *rec = fs__queue_record (q, idx);

  rec->time = when;
  fs__queue_push_entry (q, idx, (uint8_t) (rec->order >> 56));
  fs__queue_add_tombstone (q);
}
