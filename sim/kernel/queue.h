/* queue.h: the kernel's pending-event set, private to sim/kernel: a pool of event records and a
 * ladder of time buckets in front of a 4-ary min-heap, all holding 16-byte keys that name them.
 *
 * Where an entry lives depends only on its time, against boundaries that only move forward:
 *
 *   heap (the bottom)      time <  bottom_end          the next events, in exact order
 *   rungs n-1 .. 1         fine: buckets of 2^shift ns, each a cache line (then a list)
 *   rung 0                 coarse, when made from the top: buckets that are lists of chunks
 *   top                    time >= top_start           one unordered array
 *
 * The rungs tile [bottom_end, top_start), the deepest first. Every heap entry is earlier than
 * every other entry, so the heap's root is the next event. When the heap empties, the deepest
 * rung's next non-empty bucket comes down: into the heap if it is small, else spread over a
 * new, finer rung (an exhausted rung is dropped; with no rung left, the front of the top becomes
 * a new coarse rung 0). A far-future push is an append to a coarse bucket, whose tail is in
 * cache; entries then move in bulk and in order. A bucket covers an interval of time, never part
 * of an instant, so all entries of one time always come down together and the heap alone
 * decides their order: (time, priority, sequence), exactly as a single heap would. This is
 * Tang, Goh and Thng's ladder queue (ACM TOMACS 15(3), 2005) with power-of-two bucket widths
 * and a 4-ary heap for its bottom. A push costs O(1) unless it lands in the heap, and an event
 * moves down a few times at most, so the heap stays small and in cache whatever the number of
 * pending events (docs/kernel.md, "The pending-event set").
 *
 * An entry carries its whole ordering key, time and (priority, sequence), so comparisons
 * never read the pool. That is needed for correctness, not only speed: cancellation is lazy, and
 * a tombstone's record may be rescheduled or reused while the tombstone still sits in the heap
 * or a bucket. Were the tie-break read from the record, the tombstone's key would change under
 * the heap and equal-time events could come out of order. The sequence number in an entry is
 * 32 bits wide and also serves as the stamp that tells a live entry from a tombstone; before it
 * would wrap, the queue drops its tombstones and renumbers the live entries
 * (fs__queue_rebase()).
 *
 * Records are indexed by 24 bits, so at most 2^24 events can be pending at once. Times are
 * never negative (the kernel refuses the past and starts at 0). */
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
#define FS__QUEUE_MAX_RUNGS 16       /* a bucket that would need a deeper rung goes to the heap */

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

/* An entry in a bucket beyond its first few: a link in the bucket's list. */
typedef struct {
  FsQueueEntry e;
  uint32_t next;           /* the next node of its list, or FS__QUEUE_NIL */
} FsQueueNode;

/* A bucket is one cache line that holds its first entries itself: a bucket is filled at random
 * but emptied in order, so reading them back is a sequential scan, not a chase through nodes. */
#define FS__QUEUE_BUCKET_INLINE 3

typedef struct {
  _Alignas (64) FsQueueEntry e[FS__QUEUE_BUCKET_INLINE];   /* its first entries */
  uint32_t count;          /* entries in all, live and tombstones */
  uint32_t more;           /* the list of the rest, or FS__QUEUE_NIL */
} FsQueueBucket;

G_STATIC_ASSERT (sizeof (FsQueueBucket) == 64);

/* A bucket of the coarse rung is a list of chunks, appended to at its tail. Chunks come from a
 * free list and go back to it when the bucket comes down, so the coarse rung allocates only
 * while the queue grows (in slabs that double), and holds what is pending plus at most one
 * part-filled chunk a bucket. */
#define FS__QUEUE_CHUNK 63

typedef struct FsQueueChunk FsQueueChunk;
struct FsQueueChunk {
  FsQueueChunk *next;      /* the next chunk of its bucket, or of the free list */
  uint32_t len;            /* entries in it */
  uint32_t pad;
  FsQueueEntry e[FS__QUEUE_CHUNK];
};

G_STATIC_ASSERT (sizeof (FsQueueChunk) == 1024);

typedef struct {
  FsQueueChunk *head;      /* its first chunk, or NULL */
  FsQueueChunk *tail;      /* its last, appended to */
  uint32_t len;            /* entries in it, live and tombstones */
} FsQueueVec;

/* Buckets of 2^shift ns from @start; bucket i covers [start + i 2^shift, start + (i+1) 2^shift),
 * the last one cut at @end. Times are compared as unsigned, so an end past FS_TIME_MAX fits. */
typedef struct {
  uint64_t start;          /* bucket 0's start, ns */
  uint64_t cur_start;      /* where bucket cur starts (or end): earlier entries lie deeper */
  uint64_t end;            /* one past its last time: the parent's cur_start, or top_start */
  uint32_t shift;          /* log2 of the bucket width in ns */
  uint32_t nb;             /* buckets */
  uint32_t cur;            /* the next bucket to come down */
  uint32_t off;            /* its bucket 0 in FsQueue.buckets (fine) or FsQueue.vecs (coarse) */
  gboolean coarse;         /* its buckets are FsQueueVecs: rung 0 as made from the top */
  uint32_t ahead_records;  /* fine rungs: buckets before it have had their records prefetched */
  uint32_t ahead_models;   /* ... and their events handed to FsModelOps.prefetch */
} FsQueueRung;

typedef struct {
  FsQueueSlot *pool;       /* records, 64-byte aligned */
  uint32_t pool_cap;       /* records allocated; doubles, never shrinks */
  uint32_t free_head;      /* first free record, or FS__QUEUE_NIL */
  FsQueueEntry *base;      /* heap storage, 64-byte aligned; positions from FS__QUEUE_ROOT */
  size_t len;              /* heap entries, live and tombstones */
  size_t cap;              /* heap entries that fit */
  size_t live;             /* pending events */
  size_t tombstones;       /* entries of cancelled or moved events still queued (heap or not) */
  size_t far;              /* entries outside the heap: in buckets and in the top */
  uint64_t bottom_end;     /* heap entries are earlier than this; the deepest rung's cur_start */
  uint64_t top_start;      /* top entries are at this or later; rung 0's end */
  uint64_t top_min;        /* the earliest time in the top, UINT64_MAX when empty */
  uint64_t top_max;        /* the latest, 0 when empty */
  FsQueueEntry *top;       /* the top: an unordered array, appended to */
  size_t top_len;          /* entries in it */
  size_t top_cap;          /* entries that fit; doubles, never shrinks */
  uint32_t n_rungs;        /* rungs in use, 0 .. FS__QUEUE_MAX_RUNGS */
  FsQueueRung rungs[FS__QUEUE_MAX_RUNGS];
  FsQueueBucket *buckets;  /* the rungs' buckets, rung after rung, 64-byte aligned */
  size_t buckets_len;      /* in use */
  size_t buckets_cap;      /* allocated; doubles, never shrinks */
  FsQueueVec *vecs;        /* the coarse rung's buckets */
  uint32_t vecs_cap;       /* allocated; grows, never shrinks */
  FsQueueChunk *chunk_free;/* free chunks */
  size_t chunks;           /* chunks allocated, in slabs that double; freed by fs__queue_clear() */
  GPtrArray *chunk_slabs;  /* the slabs, or NULL before the first */
  FsQueueNode *nodes;      /* node pool */
  uint32_t nodes_cap;      /* nodes allocated; doubles, never shrinks */
  uint32_t node_free;      /* first free node, or FS__QUEUE_NIL */
  size_t spill_at;         /* heap entries at which its later half moves out to a rung */
  uint64_t *scratch;       /* times, for choosing where to split */
  size_t scratch_cap;
  FsQueueEntry *moving;    /* a bucket's entries on their way to a finer rung */
  size_t moving_cap;
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
void fs__queue_grow_nodes (FsQueue *q);
void fs__queue_grow_top (FsQueue *q);
void fs__queue_vec_chunk (FsQueue *q, FsQueueVec *v);
void fs__queue_rebase (FsQueue *q);

/* Called when the heap has grown to spill_at: moves its later half to a new deepest rung. */
void fs__queue_spill (FsQueue *q);

/* Drops every tombstone, in the heap and out of it, and rebuilds the heap, O(n). */
void fs__queue_compact (FsQueue *q);

/* fs__queue_peek() when the root is a tombstone or the heap is empty: it brings the next
 * bucket down when the heap runs dry. */
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

/* Puts @x on the list at *@head, O(1). */
static inline void
fs__queue_link (FsQueue *q, uint32_t *head, FsQueueEntry x)
{
  if (G_UNLIKELY (q->node_free == FS__QUEUE_NIL))
    fs__queue_grow_nodes (q);

  uint32_t n = q->node_free;
  FsQueueNode *node = &q->nodes[n];

  q->node_free = node->next;
  node->e = x;
  node->next = *head;
  *head = n;
  q->far++;
}

static inline void
fs__queue_bucket_add (FsQueue *q, FsQueueBucket *b, FsQueueEntry x)
{
  if (G_LIKELY (b->count < FS__QUEUE_BUCKET_INLINE)) {
    b->e[b->count] = x;
    q->far++;
  } else {
    fs__queue_link (q, &b->more, x);
  }
  b->count++;
}

static inline void
fs__queue_vec_add (FsQueue *q, FsQueueVec *v, FsQueueEntry x)
{
  if (G_UNLIKELY (v->tail == NULL || v->tail->len == FS__QUEUE_CHUNK))
    fs__queue_vec_chunk (q, v);
  v->tail->e[v->tail->len++] = x;
  v->len++;
  q->far++;
}

/* Files @x, at or after bottom_end, in the rung whose current range holds its time, or in the
 * top. The rungs' ranges tile [bottom_end, top_start), coarsest first. */
static inline void
fs__queue_push_far (FsQueue *q, FsQueueEntry x)
{
  uint64_t t = (uint64_t) x.time;

  if (t >= q->top_start) {
    if (G_UNLIKELY (q->top_len == q->top_cap))
      fs__queue_grow_top (q);
    q->top[q->top_len++] = x;
    q->far++;
    q->top_min = MIN (q->top_min, t);
    q->top_max = MAX (q->top_max, t);
    return;
  }

  const FsQueueRung *r = q->rungs;

  while (t < r->cur_start)
    r++;

  uint64_t i = (t - r->start) >> r->shift;

  /* Mostly the coarse rung: few buckets, whose tails stay in cache, so an event a minute out
   * costs an append. */
  if (r->coarse)
    fs__queue_vec_add (q, &q->vecs[r->off + i], x);
  else
    fs__queue_bucket_add (q, &q->buckets[r->off + i], x);
}

/* Pushes an entry for record @idx at rec->time with the next sequence number, which becomes
 * the record's stamp and, under its priority, its order. Does not touch the live and
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
  if ((uint64_t) x.time >= q->bottom_end) {
    /* The commonest case at scale: an event beyond the heap's window, a client's next
     * request a minute out. */
    fs__queue_push_far (q, x);
    return;
  }
  if (q->root_dead) {
    /* A handler scheduling the next event of its model soon: the new entry takes the place of
     * the one just run, one sift-down for the pop and the push together. */
    q->root_dead = FALSE;
    fs__queue_sift_down (q->base, FS__QUEUE_ROOT, FS__QUEUE_ROOT + q->len, x);
    fs__queue_prefetch_next (q);
    return;
  }
  if (G_UNLIKELY (q->len >= q->spill_at)) {
    /* The heap's window was too wide for what came: narrow it. */
    fs__queue_spill (q);
    if ((uint64_t) x.time >= q->bottom_end) {
      fs__queue_push_far (q, x);
      return;
    }
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
 * are discarded, and buckets come down when the heap runs dry. The pointer is valid until the
 * queue is next changed. */
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
  /* Tombstones far in the future outlive the events around them: keep them outnumbered as the
   * live count falls too, so they never cost more than a constant factor. */
  if (G_UNLIKELY (q->tombstones > MAX (q->live, FS__QUEUE_COMPACT_MIN)))
    fs__queue_compact (q);
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
