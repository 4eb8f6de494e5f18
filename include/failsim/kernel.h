/* kernel.h: the simulation kernel: clock, pending-event set, models, observers, random streams.
 *
 * The kernel knows nothing about networks. A model is a struct that starts with an FsModel
 * and an ops table; it schedules events addressed to itself (or to another model it was given),
 * and the kernel calls ops->handle when their time comes. Models report what happened through
 * notices; metrics, logs and traces observe notices. That is the whole interface. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "failsim/time.h"

G_BEGIN_DECLS

typedef struct FsKernel FsKernel;
typedef struct FsModel FsModel;
typedef struct FsEvent FsEvent;

/* Names a pending event so it can be cancelled or moved. 0 is never a valid handle.
 * A handle goes stale once its event has run or been cancelled; using a stale handle is
 * harmless (cancel and reschedule return FALSE), even after its record is reused. */
typedef uint64_t FsHandle;
#define FS_HANDLE_NONE ((FsHandle) 0)

/* Among events at the same time, lower priority values run first; within one priority, in
 * the order they were scheduled. Models pick from these so that, say, a failure at t is seen
 * before a request at t. */
enum {
  FS_PRIORITY_FIRST   = 0,
  FS_PRIORITY_FAULT   = 64,    /* faults and repairs of the estate */
  FS_PRIORITY_DEFAULT = 128,   /* ordinary model events */
  FS_PRIORITY_MEASURE = 192,   /* probes and samplers that look at settled state */
  FS_PRIORITY_LAST    = 255,
};

/* An event record as a handler sees it. Records live in the kernel's pool and are recycled
 * after the handler returns: copy what you need, never keep the pointer. */
struct FsEvent {
  FsTime time;          /* when it fires, ns */
  uint64_t order;       /* kernel-private: priority << 56 | insertion sequence */
  FsModel *target;      /* the model whose ops->handle runs it */
  uint64_t a, b;        /* model-defined arguments (an index, a pointer as uintptr_t, ...) */
  uint32_t kind;        /* model-defined event kind */
  uint32_t stamp;       /* kernel-private: matches the live heap entry */
  uint32_t gen;         /* kernel-private: handle generation */
  uint32_t state;       /* kernel-private */
};

typedef struct {
  const char *name;                                                  /* "dns-resolver" */
  void (*handle) (FsModel *model, FsKernel *k, const FsEvent *ev);   /* cannot fail */
  void (*finish) (FsModel *model, FsKernel *k);                      /* end of run; may be NULL */
  void (*free) (FsModel *model);                                     /* may be NULL */
  /* May be NULL. Called with an event that will run within the next few, so the model can ask
   * for the memory its handler will read (__builtin_prefetch); it must change nothing, and it
   * may be called for an event that is cancelled before it runs, or not at all. */
  void (*prefetch) (FsModel *model, const FsEvent *ev);
} FsModelOps;

/* The head of every model instance. Embed it as the first member and cast back in handle(). */
struct FsModel {
  const FsModelOps *ops;
  char *name;           /* instance name, owned, for logs */
  uint32_t id;          /* index in the kernel's model list, set by fs_kernel_add_model() */
};

/* --- lifetime ----------------------------------------------------------------------------- */

/* A kernel at time 0 with an empty queue. Random streams are seeded from (@seed,
 * @replication, stream name), see rng.h. Free with fs_kernel_free(). */
FsKernel *fs_kernel_new (uint64_t seed, uint64_t replication);

/* Frees the kernel, every model added to it (ops->free) and its streams. NULL is fine. */
void fs_kernel_free (FsKernel *k);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsKernel, fs_kernel_free)

/* Hands @model to the kernel, which frees it with ops->free when the kernel is freed, and
 * calls ops->finish when the run ends. @model->name should be set (the kernel takes it).
 * fs_kernel_free() frees models in reverse add order: for each it first g_free()s
 * @model->name and sets it to NULL, then calls ops->free (@model), which frees the struct
 * itself and what else the model owns, but not the name. With ops->free NULL the struct
 * stays the caller's. */
void fs_kernel_add_model (FsKernel *k, FsModel *model);

/* --- the clock and the pending-event set --------------------------------------------------- */

FsTime fs_kernel_now (const FsKernel *k);

/* Schedules an event for @target at now + @delay (@delay >= 0; saturates at FS_TIME_MAX) with
 * FS_PRIORITY_DEFAULT. Never allocates once the pool has grown to the peak number of pending
 * events. Returns its handle. Scheduling into the past is a programmer error. At most 2^24
 * (16,777,216) events can be pending at once; the kernel aborts beyond that. */
FsHandle fs_kernel_schedule (FsKernel *k, FsModel *target, FsTime delay, uint32_t kind,
                             uint64_t a, uint64_t b);

/* The same at an absolute time @when >= now, with an explicit priority. */
FsHandle fs_kernel_schedule_at (FsKernel *k, FsModel *target, FsTime when, uint8_t priority,
                                uint32_t kind, uint64_t a, uint64_t b);

/* Removes a pending event. O(1): its queue entry is left behind as a tombstone and skipped
 * when it surfaces (the queue is compacted when tombstones outnumber live events).
 * Returns FALSE if @h had already run or been cancelled. */
gboolean fs_kernel_cancel (FsKernel *k, FsHandle h);

/* Moves a pending event to @when (>= now), keeping its handle, kind and arguments. It takes a
 * new insertion sequence, so among equal times it runs after events already scheduled there.
 * O(1), or O(log m) when @when falls among the next few dozen events (m) in the queue's heap.
 * Returns FALSE if @h is stale. */
gboolean fs_kernel_reschedule (FsKernel *k, FsHandle h, FsTime when);

/* TRUE if @h names an event that has not yet run or been cancelled. */
gboolean fs_kernel_is_pending (const FsKernel *k, FsHandle h);

/* The time @h fires at, or -1 if it is stale. */
FsTime fs_kernel_event_time (const FsKernel *k, FsHandle h);

/* The time of the earliest pending event, or FS_TIME_MAX when none. */
FsTime fs_kernel_next_time (FsKernel *k);

size_t fs_kernel_pending (const FsKernel *k);      /* live pending events */
uint64_t fs_kernel_events_run (const FsKernel *k); /* handlers called so far */

/* --- running --------------------------------------------------------------------------------- */

typedef enum {
  FS_RUN_EMPTY,      /* no event left */
  FS_RUN_HORIZON,    /* the next event lies after @until */
  FS_RUN_STOPPED,    /* a model called fs_kernel_stop() */
} FsRunStatus;

/* Runs events in (time, priority, sequence) order while their time is <= @until. On return
 * the clock stands at @until, except when a model stopped the run (then at the stopping
 * event's time) or @until is FS_TIME_MAX and the queue emptied (then at the last event). */
FsRunStatus fs_kernel_run (FsKernel *k, FsTime until);

/* Runs the single earliest event if its time is <= @until. Returns FALSE when there was none. */
gboolean fs_kernel_step (FsKernel *k, FsTime until);

/* Asks fs_kernel_run() to return after the current handler. Safe outside a run (no effect). */
void fs_kernel_stop (FsKernel *k);

/* Calls every model's ops->finish at the current time, in the order they were added, so they
 * can close open intervals. Call once, after the last run. */
void fs_kernel_finish (FsKernel *k);

/* --- observers -------------------------------------------------------------------------------- */

/* What a model reports: a state change or a measurement, addressed by topic. Notices are
 * passed by pointer for the duration of the call; observers copy what they keep. */
typedef struct {
  FsTime time;               /* filled in by fs_kernel_notify() */
  uint32_t topic;            /* from fs_kernel_topic() */
  uint32_t subject;          /* model-defined entity index (site 3, router 12) */
  const FsModel *source;     /* the model that reported it */
  const char *subject_name;  /* borrowed: "primary", "r-branch" */
  int64_t value;             /* topic-defined quantity (a count, a duration in ns, a state) */
  const char *detail;        /* borrowed, optional: one human sentence */
} FsNotice;

typedef void (*FsObserverFunc) (FsKernel *k, const FsNotice *notice, void *user_data);

/* Registers topic @name ("site.down") or returns its id if known. Ids are dense, from 0, in
 * registration order. */
uint32_t fs_kernel_topic (FsKernel *k, const char *name);
const char *fs_kernel_topic_name (const FsKernel *k, uint32_t topic);
uint32_t fs_kernel_n_topics (const FsKernel *k);

/* Subscribes @fn to the topics @pattern names: an exact name, a prefix ending in ".*"
 * ("site.*"), or "*" for all; it also covers topics registered later. Observers of one topic
 * are called in the order they subscribed. */
void fs_kernel_observe (FsKernel *k, const char *pattern, FsObserverFunc fn, void *user_data);

/* TRUE if anyone observes @topic: lets a model skip formatting a detail nobody reads. */
gboolean fs_kernel_is_observed (const FsKernel *k, uint32_t topic);

/* Delivers @notice (its time set to now) to the observers of its topic. */
void fs_kernel_notify (FsKernel *k, FsNotice *notice);

/* How many notices have been delivered (observed or not), counted before each is delivered:
 * a model that memoises what it reads from others can tell that something may have changed. */
uint64_t fs_kernel_notices (const FsKernel *k);

/* --- random streams --------------------------------------------------------------------------- */

/* The kernel's generator for stream @name, created on first use and owned by the kernel.
 * Its seed depends only on (seed, replication, @name), see fs_rng_derive_seed(), so adding a
 * stream never shifts another stream's draws. */
gsl_rng *fs_kernel_stream (FsKernel *k, const char *name);

uint64_t fs_kernel_seed (const FsKernel *k);
uint64_t fs_kernel_replication (const FsKernel *k);

G_END_DECLS
