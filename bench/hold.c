/* hold.c: the hold benchmark: the kernel's pending-event set against a bare 4-ary heap.
 *
 * The classic hold model (Jones, "An empirical comparison of priority-queue and event-set
 * implementations", CACM 1986): N events pending; each hold takes the earliest and schedules
 * one at its time plus an exponential increment (mean 1 s). Both contenders draw the same
 * increments from one precomputed table, so neither timing includes a random generator, and
 * both must end at the same clock, which the benchmark checks. Prints one line per N. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "failsim/kernel.h"

#define TABLE_BITS 20
#define TABLE_MASK ((1u << TABLE_BITS) - 1)
#define RUNS 5   /* timed runs of each; the fastest is the one the shared machine disturbed least */

static FsTime increments[1u << TABLE_BITS];   /* ns */

static void
fill_increments (void)
{
  gsl_rng *r = gsl_rng_alloc (gsl_rng_mt19937);

  gsl_rng_set (r, 20240601);
  for (size_t i = 0; i <= TABLE_MASK; i++)
    increments[i] = (FsTime) (gsl_ran_exponential (r, 1e9) + 0.5);
  gsl_rng_free (r);
}

static double
seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

/* --- the kernel, through its public API ---------------------------------------------------- */

typedef struct {
  FsModel base;
  uint64_t remaining;   /* holds left in this run */
  size_t cursor;        /* next increment */
} Holder;

static void
holder_handle (FsModel *model, FsKernel *k, const FsEvent *ev)
{
  Holder *h = (Holder *) model;

  fs_kernel_schedule (k, model, increments[h->cursor++ & TABLE_MASK], ev->kind, ev->a + 1,
                      ev->b ^ (uint64_t) ev->time);
  if (--h->remaining == 0)
    fs_kernel_stop (k);
}

static void
holder_free (FsModel *model)
{
  g_free (model);
}

static const FsModelOps holder_ops = {
  .name = "holder",
  .handle = holder_handle,
  .free = holder_free,
};

typedef struct {
  FsKernel *k;
  Holder *h;
} KernelBench;

static void
kernel_setup (KernelBench *kb, size_t n)
{
  kb->k = fs_kernel_new (1, 0);
  kb->h = g_new0 (Holder, 1);
  kb->h->base.ops = &holder_ops;
  kb->h->base.name = g_strdup ("holder");
  fs_kernel_add_model (kb->k, &kb->h->base);
  for (size_t i = 0; i < n; i++)
    fs_kernel_schedule (kb->k, &kb->h->base, increments[kb->h->cursor++ & TABLE_MASK], 1, i,
                        0);
}

static void
kernel_holds (KernelBench *kb, uint64_t holds)
{
  kb->h->remaining = holds;
  if (fs_kernel_run (kb->k, FS_TIME_MAX) != FS_RUN_STOPPED)
    g_error ("the hold model ran dry");
}

/* --- the baseline: the data structure alone ----------------------------------------------- */

/* (time, seq) keys in a 4-ary heap with the kernel's layout: 64-byte aligned, root at 3, so a
 * node's four children share a cache line. No payload, no cancellation, no handles: a hold is
 * a pop and a push. */
typedef struct {
  int64_t time;
  uint64_t seq;
} Key;

typedef struct {
  Key *base;
  size_t end;       /* one past the last position */
  uint64_t seq;
  size_t cursor;
  int64_t now;
} Heap;

#define ROOT 3

/* The kernel's comparison and tournament, so that only what the kernel adds is measured. */
static inline size_t
key_less (const Key *a, const Key *b)
{
  unsigned __int128 x = (unsigned __int128) ((uint64_t) a->time ^ ((uint64_t) 1 << 63)) << 64 | a->seq;
  unsigned __int128 y = (unsigned __int128) ((uint64_t) b->time ^ ((uint64_t) 1 << 63)) << 64 | b->seq;
  return x < y;
}

static inline void
heap_push (Heap *hp, int64_t time)
{
  Key x = { time, hp->seq++ };
  Key *h = hp->base;
  size_t pos = hp->end++;

  while (pos > ROOT) {
    size_t parent = pos / 4 + 2;

    if (!key_less (&x, &h[parent]))
      break;
    h[pos] = h[parent];
    pos = parent;
  }
  h[pos] = x;
}

static inline Key
heap_pop (Heap *hp)
{
  Key *h = hp->base;
  Key top = h[ROOT];
  size_t end = --hp->end;
  Key x = h[end];
  size_t pos = ROOT;

  if (end == ROOT)
    return top;
  for (;;) {
    size_t c = 4 * pos - 8;
    size_t m;

    if (c + 3 < end) {
      size_t m01 = c + key_less (&h[c + 1], &h[c]);
      size_t m23 = c + 2 + key_less (&h[c + 3], &h[c + 2]);

      m = m01 + ((m23 - m01) & -key_less (&h[m23], &h[m01]));
    } else {
      if (c >= end)
        break;
      m = c;
      for (size_t i = c + 1; i < end; i++)
        if (key_less (&h[i], &h[m]))
          m = i;
    }
    if (!key_less (&h[m], &x))
      break;
    h[pos] = h[m];
    pos = m;
  }
  h[pos] = x;
  return top;
}

static void
heap_setup (Heap *hp, size_t n)
{
  memset (hp, 0, sizeof *hp);
  hp->base = g_aligned_alloc (ROOT + n + 1, sizeof (Key), 64);
  hp->end = ROOT;
  for (size_t i = 0; i < n; i++)
    heap_push (hp, increments[hp->cursor++ & TABLE_MASK]);
}

static void
heap_holds (Heap *hp, uint64_t holds)
{
  for (uint64_t i = 0; i < holds; i++) {
    hp->now = heap_pop (hp).time;
    heap_push (hp, hp->now + increments[hp->cursor++ & TABLE_MASK]);
  }
}

/* --- the comparison ------------------------------------------------------------------------ */

static void
bench (size_t n, uint64_t holds)
{
  uint64_t warmup = MIN (holds, MAX (2 * (uint64_t) n, 1000000));
  double best_kernel = G_MAXDOUBLE, best_heap = G_MAXDOUBLE;
  KernelBench kb;
  Heap hp;

  kernel_setup (&kb, n);
  heap_setup (&hp, n);
  kernel_holds (&kb, warmup);
  heap_holds (&hp, warmup);
  /* Alternate the contenders, so a change in machine load falls on both. */
  for (int run = 0; run < RUNS; run++) {
    double t0 = seconds ();

    kernel_holds (&kb, holds);
    double t1 = seconds ();

    heap_holds (&hp, holds);
    double t2 = seconds ();

    best_kernel = MIN (best_kernel, t1 - t0);
    best_heap = MIN (best_heap, t2 - t1);
  }
  /* The same increments in the same order must have led both to the same event. */
  if (fs_kernel_now (kb.k) != hp.now || fs_kernel_pending (kb.k) != n)
    g_error ("the kernel and the baseline disagree: %" G_GINT64_FORMAT " against %"
             G_GINT64_FORMAT, fs_kernel_now (kb.k), hp.now);

  double kernel_ns = best_kernel * 1e9 / (double) holds;
  double heap_ns = best_heap * 1e9 / (double) holds;

  printf ("hold N=%zu failsim_ns=%.2f baseline_ns=%.2f ratio=%.3f\n", n, kernel_ns, heap_ns,
          heap_ns / kernel_ns);
  fflush (stdout);
  fs_kernel_free (kb.k);
  g_aligned_free (hp.base);
}

int
main (int argc, char **argv)
{
  static const size_t sizes[] = { 1000, 100000, 1000000 };

  fill_increments ();
  if (argc > 1) {
    /* One size, and optionally fewer holds, for profiling: bench-hold 100000 [holds] */
    size_t n = (size_t) strtoull (argv[1], NULL, 10);

    bench (n, argc > 2 ? strtoull (argv[2], NULL, 10) : MAX (10 * (uint64_t) n, 5000000));
    return 0;
  }
  for (size_t i = 0; i < G_N_ELEMENTS (sizes); i++)
    bench (sizes[i], MAX (10 * (uint64_t) sizes[i], 5000000));
  return 0;
}
