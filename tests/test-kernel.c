/* test-kernel.c: the kernel's event order, handles, run loop, observers, models and streams. */
#include <criterion/criterion.h>
#include <glib.h>
#include <gsl/gsl_rng.h>

#include "failsim/kernel.h"
#include "failsim/rng.h"

/* The pending-event set is private to the kernel; its tests reach it directly. */
#include "../sim/kernel/queue.h"

/* --- a model that records what it runs ---------------------------------------------------- */

enum {
  KIND_LOG,      /* record it */
  KIND_STOP,     /* record it, then stop the run */
  KIND_SPAWN,    /* record it, then schedule an event at now with a = b */
  KIND_ACT,      /* record it, then cancel act_cancel, move act_move and schedule two */
};

static FsHandle act_cancel, act_move;

typedef struct {
  uint64_t a;
  FsTime time;
} Fired;

typedef struct {
  FsModel base;
} Recorder;

static GArray *fired;   /* Fired, in run order; each test runs in its own process */

static void
recorder_handle (FsModel *model, FsKernel *k, const FsEvent *ev)
{
  Fired f = { ev->a, ev->time };

  cr_assert_eq (fs_kernel_now (k), ev->time);
  g_array_append_val (fired, f);
  if (ev->kind == KIND_STOP)
    fs_kernel_stop (k);
  else if (ev->kind == KIND_SPAWN)
    fs_kernel_schedule (k, model, 0, KIND_LOG, ev->b, 0);
  else if (ev->kind == KIND_ACT) {
    cr_assert (fs_kernel_cancel (k, act_cancel));
    cr_assert (fs_kernel_reschedule (k, act_move, ev->time + 5));
    fs_kernel_schedule (k, model, 0, KIND_LOG, 100, 0);
    fs_kernel_schedule (k, model, 5, KIND_LOG, 101, 0);
  }
}

static void
recorder_free (FsModel *model)
{
  g_free (model);
}

static const FsModelOps recorder_ops = {
  .name = "recorder",
  .handle = recorder_handle,
  .free = recorder_free,
};

static FsModel *
new_kernel (FsKernel **k)
{
  Recorder *r = g_new0 (Recorder, 1);

  if (fired == NULL)
    fired = g_array_new (FALSE, FALSE, sizeof (Fired));
  g_array_set_size (fired, 0);
  *k = fs_kernel_new (42, 0);
  r->base.ops = &recorder_ops;
  r->base.name = g_strdup ("recorder");
  fs_kernel_add_model (*k, &r->base);
  return &r->base;
}

static void
assert_fired (const uint64_t *want, size_t n)
{
  cr_assert_eq (fired->len, n, "%u events ran, expected %zu", fired->len, n);
  for (size_t i = 0; i < n; i++)
    cr_assert_eq (g_array_index (fired, Fired, i).a, want[i],
                  "event %zu was %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT, i,
                  g_array_index (fired, Fired, i).a, want[i]);
}

#define ASSERT_FIRED(...)                                                         \
  do {                                                                            \
    const uint64_t want_[] = { __VA_ARGS__ };                                     \
    assert_fired (want_, G_N_ELEMENTS (want_));                                   \
  } while (0)

static FsHandle
at (FsKernel *k, FsModel *m, FsTime when, uint8_t priority, uint64_t a)
{
  FsHandle h = fs_kernel_schedule_at (k, m, when, priority, KIND_LOG, a, 0);

  cr_assert_neq (h, FS_HANDLE_NONE);
  return h;
}

/* Counts the criticals that g_return_val_if_fail() logs, instead of printing them. */
static unsigned criticals;

static void
count_critical (const char *domain, GLogLevelFlags level, const char *message, void *data)
{
  criticals++;
}

/* --- order ---------------------------------------------------------------------------------- */

Test (kernel, events_run_in_time_order)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);

  at (k, m, 50, FS_PRIORITY_DEFAULT, 50);
  at (k, m, 10, FS_PRIORITY_DEFAULT, 10);
  at (k, m, 40, FS_PRIORITY_DEFAULT, 40);
  at (k, m, 20, FS_PRIORITY_DEFAULT, 20);
  at (k, m, 30, FS_PRIORITY_DEFAULT, 30);
  cr_assert_eq (fs_kernel_pending (k), 5);
  cr_assert_eq (fs_kernel_next_time (k), 10);
  cr_assert_eq (fs_kernel_run (k, FS_TIME_MAX), FS_RUN_EMPTY);
  ASSERT_FIRED (10, 20, 30, 40, 50);
  cr_assert_eq (fs_kernel_now (k), 50);
  cr_assert_eq (fs_kernel_events_run (k), 5);
  cr_assert_eq (fs_kernel_pending (k), 0);
  cr_assert_eq (fs_kernel_next_time (k), FS_TIME_MAX);
  fs_kernel_free (k);
}

Test (kernel, equal_times_pop_in_insertion_order)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);

  for (uint64_t i = 0; i < 7; i++)
    fs_kernel_schedule (k, m, 7, KIND_LOG, i, 0);
  fs_kernel_run (k, FS_TIME_MAX);
  ASSERT_FIRED (0, 1, 2, 3, 4, 5, 6);
  fs_kernel_free (k);
}

Test (kernel, equal_times_pop_by_priority_then_insertion_order)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);

  at (k, m, 5, FS_PRIORITY_LAST, 1);
  at (k, m, 5, FS_PRIORITY_DEFAULT, 2);
  at (k, m, 5, FS_PRIORITY_FAULT, 3);
  at (k, m, 5, FS_PRIORITY_DEFAULT, 4);
  at (k, m, 5, FS_PRIORITY_FIRST, 5);
  at (k, m, 5, FS_PRIORITY_MEASURE, 6);
  at (k, m, 4, FS_PRIORITY_LAST, 7);   /* an earlier time beats any priority */
  fs_kernel_run (k, FS_TIME_MAX);
  ASSERT_FIRED (7, 5, 3, 2, 4, 6, 1);
  fs_kernel_free (k);
}

Test (kernel, rescheduled_event_runs_after_those_already_at_its_time)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);
  FsHandle h1 = at (k, m, 10, FS_PRIORITY_DEFAULT, 1);

  at (k, m, 10, FS_PRIORITY_DEFAULT, 2);
  at (k, m, 5, FS_PRIORITY_DEFAULT, 3);
  /* Same time, but a new sequence: 1 now goes after 2. */
  cr_assert (fs_kernel_reschedule (k, h1, 10));
  at (k, m, 10, FS_PRIORITY_DEFAULT, 4);
  /* It keeps its priority: a FAULT event moved to 10 still beats DEFAULT ones there. */
  FsHandle h5 = at (k, m, 20, FS_PRIORITY_FAULT, 5);
  cr_assert (fs_kernel_reschedule (k, h5, 10));
  fs_kernel_run (k, FS_TIME_MAX);
  ASSERT_FIRED (3, 5, 2, 1, 4);
  fs_kernel_free (k);
}

Test (kernel, reschedule_moves_events_earlier_and_later)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);
  FsHandle h1 = at (k, m, 10, FS_PRIORITY_DEFAULT, 1);
  FsHandle h2 = at (k, m, 20, FS_PRIORITY_DEFAULT, 2);
  FsHandle h3 = at (k, m, 30, FS_PRIORITY_DEFAULT, 3);

  cr_assert (fs_kernel_reschedule (k, h3, 5));
  cr_assert (fs_kernel_reschedule (k, h1, 25));
  cr_assert (fs_kernel_is_pending (k, h1));
  cr_assert_eq (fs_kernel_event_time (k, h1), 25);
  cr_assert_eq (fs_kernel_event_time (k, h2), 20);
  cr_assert_eq (fs_kernel_event_time (k, h3), 5);
  cr_assert_eq (fs_kernel_pending (k), 3);
  cr_assert_eq (fs_kernel_next_time (k), 5);
  fs_kernel_run (k, FS_TIME_MAX);
  ASSERT_FIRED (3, 2, 1);
  cr_assert_eq (g_array_index (fired, Fired, 0).time, 5);
  cr_assert_eq (g_array_index (fired, Fired, 1).time, 20);
  cr_assert_eq (g_array_index (fired, Fired, 2).time, 25);
  cr_assert_not (fs_kernel_reschedule (k, h1, 100));   /* it has run */
  fs_kernel_free (k);
}

/* Found by a random search against a sorted reference: when the tie-break key of an entry
 * was read from its record, a tombstone whose record had since been moved took the new key
 * and, sitting inside the heap, let 9 out before 8. */
Test (kernel, tombstones_of_moved_events_keep_equal_time_order)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);
  FsHandle h[14];

  for (int i = 0; i < 3; i++)
    h[i] = at (k, m, 2, FS_PRIORITY_DEFAULT, i);
  h[3] = at (k, m, 0, FS_PRIORITY_DEFAULT, 3);
  cr_assert (fs_kernel_step (k, FS_TIME_MAX));
  for (int i = 4; i < 8; i++)
    h[i] = at (k, m, 2, FS_PRIORITY_DEFAULT, i);
  cr_assert (fs_kernel_step (k, FS_TIME_MAX));
  h[8] = at (k, m, 2, FS_PRIORITY_DEFAULT, 8);
  cr_assert (fs_kernel_step (k, FS_TIME_MAX));
  cr_assert (fs_kernel_reschedule (k, h[8], 2));
  cr_assert (fs_kernel_reschedule (k, h[2], 2));
  cr_assert (fs_kernel_reschedule (k, h[7], 2));
  h[9] = at (k, m, 2, FS_PRIORITY_DEFAULT, 9);
  cr_assert (fs_kernel_step (k, FS_TIME_MAX));
  h[10] = at (k, m, 4, FS_PRIORITY_DEFAULT, 10);
  cr_assert (fs_kernel_reschedule (k, h[6], 4));
  cr_assert (fs_kernel_reschedule (k, h[6], 3));
  cr_assert (fs_kernel_reschedule (k, h[7], 3));
  cr_assert (fs_kernel_step (k, FS_TIME_MAX));
  h[11] = at (k, m, 3, FS_PRIORITY_DEFAULT, 11);
  h[12] = at (k, m, 2, FS_PRIORITY_DEFAULT, 12);
  h[13] = at (k, m, 3, FS_PRIORITY_DEFAULT, 13);
  fs_kernel_run (k, FS_TIME_MAX);
  /* By hand: at time 2, in sequence order, 8 (rescheduled), 2 (rescheduled), 9, 12; then
   * at 3: 6, 7, 11, 13; then 10 at 4. */
  ASSERT_FIRED (3, 0, 1, 4, 5, 8, 2, 9, 12, 6, 7, 11, 13, 10);
  fs_kernel_free (k);
}

/* The same search, with cancellation: a cancelled record reused at another priority. */
Test (kernel, tombstones_of_reused_records_keep_equal_time_order)
{
  static const struct {
    char op;        /* s: schedule, c: cancel, p: step */
    int64_t time;
    uint8_t priority;
    int id;
  } script[] = {
    { 'p', 0, 0, -1 }, { 's', 2, 128, 0 }, { 's', 2, 128, 1 }, { 's', 0, 128, 2 },
    { 's', 0, 255, 3 }, { 's', 0, 64, 4 }, { 's', 2, 128, 5 }, { 's', 2, 255, 6 },
    { 'p', 0, 0, 4 }, { 's', 0, 64, 7 }, { 'p', 0, 0, 7 }, { 'c', 0, 0, 6 },
    { 's', 0, 255, 8 }, { 's', 1, 255, 9 }, { 's', 1, 255, 10 }, { 's', 1, 64, 11 },
    { 'p', 0, 0, 2 }, { 'c', 0, 0, 9 }, { 'c', 0, 0, 1 }, { 's', 0, 255, 12 },
    { 's', 2, 64, 13 }, { 'c', 0, 0, 10 }, { 's', 0, 255, 14 }, { 's', 2, 128, 15 },
    { 'p', 0, 0, 3 }, { 's', 1, 128, 16 }, { 'c', 0, 0, 5 }, { 'c', 0, 0, 14 },
    { 's', 2, 64, 17 }, { 'p', 0, 0, 8 }, { 'p', 0, 0, 12 }, { 's', 2, 64, 18 },
    { 'p', 0, 0, 11 }, { 'c', 0, 0, 16 }, { 's', 1, 64, 19 }, { 'c', 0, 0, 17 },
    { 's', 1, 255, 20 }, { 's', 1, 255, 21 }, { 'p', 0, 0, 19 }, { 'c', 0, 0, 18 },
    { 'p', 0, 0, 20 }, { 's', 2, 128, 22 }, { 's', 1, 128, 23 }, { 's', 1, 128, 24 },
    { 'p', 0, 0, 23 }, { 's', 1, 255, 25 }, { 'c', 0, 0, 13 }, { 'c', 0, 0, 24 },
    { 'p', 0, 0, 21 }, { 's', 2, 64, 26 }, { 'p', 0, 0, 25 }, { 's', 2, 255, 27 },
    { 'p', 0, 0, 26 }, { 'p', 0, 0, 0 }, { 'p', 0, 0, 15 }, { 'p', 0, 0, 22 },
    { 'p', 0, 0, 27 }, { 'p', 0, 0, -1 },
  };
  FsKernel *k;
  FsModel *m = new_kernel (&k);
  FsHandle h[28];

  for (size_t i = 0; i < G_N_ELEMENTS (script); i++) {
    switch (script[i].op) {
    case 's':
      h[script[i].id] = at (k, m, script[i].time, script[i].priority, script[i].id);
      break;
    case 'c':
      cr_assert (fs_kernel_cancel (k, h[script[i].id]));
      break;
    default:
      g_array_set_size (fired, 0);
      cr_assert_eq (fs_kernel_step (k, FS_TIME_MAX), script[i].id >= 0);
      if (script[i].id >= 0)
        ASSERT_FIRED (script[i].id);
    }
  }
  fs_kernel_free (k);
}

/* --- handles ------------------------------------------------------------------------------- */

Test (kernel, cancel_removes_exactly_that_event)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);
  FsHandle h[5];

  for (int i = 0; i < 5; i++)
    h[i] = at (k, m, 10 * (i + 1), FS_PRIORITY_DEFAULT, i);
  cr_assert (fs_kernel_cancel (k, h[2]));
  cr_assert_not (fs_kernel_is_pending (k, h[2]));
  cr_assert_eq (fs_kernel_pending (k), 4);
  cr_assert_not (fs_kernel_cancel (k, h[2]));
  cr_assert_eq (fs_kernel_pending (k), 4);
  cr_assert (fs_kernel_cancel (k, h[0]));
  cr_assert_eq (fs_kernel_next_time (k), 20);
  fs_kernel_run (k, FS_TIME_MAX);
  ASSERT_FIRED (1, 3, 4);
  fs_kernel_free (k);
}

Test (kernel, cancel_of_a_fired_event_returns_false)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);
  FsHandle h = at (k, m, 10, FS_PRIORITY_DEFAULT, 1);

  at (k, m, 20, FS_PRIORITY_DEFAULT, 2);
  cr_assert (fs_kernel_step (k, FS_TIME_MAX));
  cr_assert_not (fs_kernel_cancel (k, h));
  cr_assert_eq (fs_kernel_pending (k), 1);
  cr_assert_not (fs_kernel_cancel (k, FS_HANDLE_NONE));
  fs_kernel_free (k);
}

Test (kernel, stale_handle_does_not_touch_the_new_occupant_of_its_slot)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);
  FsHandle old = at (k, m, 10, FS_PRIORITY_DEFAULT, 1);

  cr_assert (fs_kernel_cancel (k, old));
  FsHandle now = at (k, m, 20, FS_PRIORITY_DEFAULT, 2);

  /* The point of the test: the record was reused, only the generation differs. */
  cr_assert_eq ((uint32_t) now, (uint32_t) old);
  cr_assert_neq (now, old);
  cr_assert_not (fs_kernel_cancel (k, old));
  cr_assert_not (fs_kernel_reschedule (k, old, 30));
  cr_assert_not (fs_kernel_is_pending (k, old));
  cr_assert_eq (fs_kernel_event_time (k, old), -1);
  cr_assert (fs_kernel_is_pending (k, now));
  cr_assert_eq (fs_kernel_event_time (k, now), 20);

  /* And once an event has run, its slot is reused the same way. */
  cr_assert (fs_kernel_step (k, FS_TIME_MAX));
  FsHandle next = at (k, m, 40, FS_PRIORITY_DEFAULT, 3);

  cr_assert_eq ((uint32_t) next, (uint32_t) now);
  cr_assert_not (fs_kernel_cancel (k, now));
  cr_assert (fs_kernel_is_pending (k, next));
  fs_kernel_run (k, FS_TIME_MAX);
  ASSERT_FIRED (2, 3);
  fs_kernel_free (k);
}

Test (kernel, is_pending_and_event_time_follow_the_event)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);
  FsHandle a = at (k, m, 10, FS_PRIORITY_DEFAULT, 1);
  FsHandle b = at (k, m, 20, FS_PRIORITY_DEFAULT, 2);

  cr_assert (fs_kernel_is_pending (k, a));
  cr_assert_eq (fs_kernel_event_time (k, a), 10);
  cr_assert (fs_kernel_cancel (k, b));
  cr_assert_not (fs_kernel_is_pending (k, b));
  cr_assert_eq (fs_kernel_event_time (k, b), -1);
  fs_kernel_run (k, FS_TIME_MAX);
  cr_assert_not (fs_kernel_is_pending (k, a));
  cr_assert_eq (fs_kernel_event_time (k, a), -1);
  cr_assert_not (fs_kernel_is_pending (k, FS_HANDLE_NONE));
  cr_assert_eq (fs_kernel_event_time (k, FS_HANDLE_NONE), -1);
  cr_assert_not (fs_kernel_is_pending (k, (FsHandle) 7 << 32 | 0xffffff));   /* no such slot */
  fs_kernel_free (k);
}

Test (kernel, schedule_delay_saturates_at_time_max)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);

  fs_kernel_run (k, 100);
  cr_assert_eq (fs_kernel_now (k), 100);
  FsHandle h = fs_kernel_schedule (k, m, FS_TIME_MAX - 50, KIND_LOG, 1, 0);

  cr_assert_eq (fs_kernel_event_time (k, h), FS_TIME_MAX);
  h = fs_kernel_schedule (k, m, FS_TIME_MAX - 100, KIND_LOG, 2, 0);
  cr_assert_eq (fs_kernel_event_time (k, h), FS_TIME_MAX);
  h = fs_kernel_schedule (k, m, 5, KIND_LOG, 3, 0);
  cr_assert_eq (fs_kernel_event_time (k, h), 105);
  cr_assert_eq (fs_kernel_run (k, FS_TIME_MAX), FS_RUN_EMPTY);
  ASSERT_FIRED (3, 1, 2);
  cr_assert_eq (fs_kernel_now (k), FS_TIME_MAX);
  fs_kernel_free (k);
}

Test (kernel, scheduling_into_the_past_is_refused)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);

  g_log_set_handler (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, count_critical, NULL);
  fs_kernel_run (k, 100);
  cr_assert_eq (fs_kernel_schedule_at (k, m, 99, FS_PRIORITY_DEFAULT, KIND_LOG, 0, 0),
                FS_HANDLE_NONE);
  cr_assert_eq (fs_kernel_schedule (k, m, -1, KIND_LOG, 0, 0), FS_HANDLE_NONE);
  cr_assert_eq (fs_kernel_schedule (k, NULL, 1, KIND_LOG, 0, 0), FS_HANDLE_NONE);
  FsHandle h = at (k, m, 150, FS_PRIORITY_DEFAULT, 1);

  cr_assert_not (fs_kernel_reschedule (k, h, 50));
  cr_assert_eq (criticals, 4);
  cr_assert_eq (fs_kernel_pending (k), 1);
  cr_assert_eq (fs_kernel_event_time (k, h), 150);
  cr_assert_neq (at (k, m, 100, FS_PRIORITY_DEFAULT, 2), FS_HANDLE_NONE);   /* now is fine */
  fs_kernel_free (k);
}

/* --- running ------------------------------------------------------------------------------- */

Test (kernel, run_until_stops_at_the_horizon_and_leaves_later_events)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);

  at (k, m, 10, FS_PRIORITY_DEFAULT, 10);
  at (k, m, 20, FS_PRIORITY_DEFAULT, 20);
  at (k, m, 30, FS_PRIORITY_DEFAULT, 30);
  cr_assert_eq (fs_kernel_run (k, 20), FS_RUN_HORIZON);   /* the event at 20 is included */
  ASSERT_FIRED (10, 20);
  cr_assert_eq (fs_kernel_now (k), 20);
  cr_assert_eq (fs_kernel_pending (k), 1);
  cr_assert_eq (fs_kernel_run (k, 25), FS_RUN_HORIZON);
  cr_assert_eq (fs_kernel_now (k), 25);
  cr_assert_eq (fs_kernel_pending (k), 1);
  cr_assert_eq (fs_kernel_run (k, 1000), FS_RUN_EMPTY);   /* emptied: clock at the horizon */
  ASSERT_FIRED (10, 20, 30);
  cr_assert_eq (fs_kernel_now (k), 1000);
  fs_kernel_free (k);
}

Test (kernel, run_on_an_empty_queue_without_horizon_leaves_the_clock)
{
  FsKernel *k;

  new_kernel (&k);
  cr_assert_eq (fs_kernel_run (k, FS_TIME_MAX), FS_RUN_EMPTY);
  cr_assert_eq (fs_kernel_now (k), 0);
  cr_assert_eq (fs_kernel_events_run (k), 0);
  fs_kernel_free (k);
}

Test (kernel, stop_from_a_handler_returns_at_its_time)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);

  fs_kernel_schedule_at (k, m, 10, FS_PRIORITY_DEFAULT, KIND_STOP, 1, 0);
  at (k, m, 10, FS_PRIORITY_DEFAULT, 2);
  at (k, m, 20, FS_PRIORITY_DEFAULT, 3);
  cr_assert_eq (fs_kernel_run (k, 100), FS_RUN_STOPPED);
  ASSERT_FIRED (1);
  cr_assert_eq (fs_kernel_now (k), 10);
  cr_assert_eq (fs_kernel_pending (k), 2);
  cr_assert_eq (fs_kernel_run (k, FS_TIME_MAX), FS_RUN_EMPTY);   /* the stop is spent */
  ASSERT_FIRED (1, 2, 3);
  cr_assert_eq (fs_kernel_now (k), 20);
  fs_kernel_free (k);
}

Test (kernel, stop_outside_a_run_has_no_effect)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);

  at (k, m, 10, FS_PRIORITY_DEFAULT, 1);
  at (k, m, 20, FS_PRIORITY_DEFAULT, 2);
  fs_kernel_stop (k);
  cr_assert_eq (fs_kernel_run (k, FS_TIME_MAX), FS_RUN_EMPTY);
  ASSERT_FIRED (1, 2);
  fs_kernel_free (k);
}

Test (kernel, step_runs_one_event_when_due)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);

  cr_assert_not (fs_kernel_step (k, FS_TIME_MAX));
  at (k, m, 10, FS_PRIORITY_DEFAULT, 1);
  at (k, m, 20, FS_PRIORITY_DEFAULT, 2);
  cr_assert (fs_kernel_step (k, FS_TIME_MAX));
  ASSERT_FIRED (1);
  cr_assert_eq (fs_kernel_now (k), 10);
  cr_assert_not (fs_kernel_step (k, 19));
  cr_assert_eq (fs_kernel_now (k), 10);
  cr_assert (fs_kernel_step (k, 20));
  ASSERT_FIRED (1, 2);
  cr_assert_eq (fs_kernel_now (k), 20);
  cr_assert_not (fs_kernel_step (k, FS_TIME_MAX));
  cr_assert_eq (fs_kernel_events_run (k), 2);
  fs_kernel_free (k);
}

Test (kernel, events_scheduled_at_now_run_in_the_same_run_after_the_current_one)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);

  fs_kernel_schedule_at (k, m, 10, FS_PRIORITY_DEFAULT, KIND_SPAWN, 1, 11);
  at (k, m, 10, FS_PRIORITY_DEFAULT, 2);
  fs_kernel_schedule_at (k, m, 10, FS_PRIORITY_DEFAULT, KIND_SPAWN, 3, 33);
  at (k, m, 11, FS_PRIORITY_DEFAULT, 4);
  cr_assert_eq (fs_kernel_run (k, 10), FS_RUN_HORIZON);
  ASSERT_FIRED (1, 2, 3, 11, 33);
  cr_assert_eq (fs_kernel_now (k), 10);
  cr_assert_eq (fs_kernel_pending (k), 1);
  fs_kernel_free (k);
}

Test (kernel, handlers_may_cancel_move_and_schedule_several_events)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);

  fs_kernel_schedule_at (k, m, 10, FS_PRIORITY_DEFAULT, KIND_ACT, 1, 0);
  at (k, m, 20, FS_PRIORITY_DEFAULT, 2);
  act_cancel = at (k, m, 30, FS_PRIORITY_DEFAULT, 3);
  act_move = at (k, m, 40, FS_PRIORITY_DEFAULT, 4);
  cr_assert_eq (fs_kernel_run (k, FS_TIME_MAX), FS_RUN_EMPTY);
  /* 100 is at 10, after 1; at 15, 4 was moved there before 101 was scheduled. */
  ASSERT_FIRED (1, 100, 4, 101, 2);
  cr_assert_eq (g_array_index (fired, Fired, 2).time, 15);
  cr_assert_eq (g_array_index (fired, Fired, 3).time, 15);
  cr_assert_eq (fs_kernel_now (k), 20);
  cr_assert_eq (fs_kernel_events_run (k), 5);
  fs_kernel_free (k);
}

/* --- tombstones ---------------------------------------------------------------------------- */

Test (kernel, compaction_keeps_the_survivors_in_exact_order)
{
  enum { N = 100000 };
  FsKernel *k;
  FsModel *m = new_kernel (&k);
  FsHandle *h = g_new (FsHandle, N);

  /* Times i * 37 mod N: a permutation of 0 .. N - 1, so the order is known exactly. */
  for (uint64_t i = 0; i < N; i++)
    h[i] = at (k, m, (FsTime) (i * 37 % N), FS_PRIORITY_DEFAULT, i);
  for (uint64_t i = 0; i < N; i++)
    if (i % 10 != 3)
      cr_assert (fs_kernel_cancel (k, h[i]));
  cr_assert_eq (fs_kernel_pending (k), N / 10);
  for (uint64_t i = 0; i < N; i++)
    cr_assert_eq (fs_kernel_is_pending (k, h[i]), i % 10 == 3);
  cr_assert_eq (fs_kernel_run (k, FS_TIME_MAX), FS_RUN_EMPTY);
  cr_assert_eq (fired->len, N / 10);

  /* The survivor at time t is the i with i * 37 = t (mod N), and i = 3 (mod 10). */
  guint j = 0;

  for (uint64_t t = 0; t < N; t++) {
    uint64_t i = t * 72973 % N;   /* 37 * 72973 = 2700001 = 1 (mod N) */

    if (i % 10 != 3)
      continue;
    cr_assert_lt (j, fired->len);
    cr_assert_eq (g_array_index (fired, Fired, j).a, i, "survivor %u", j);
    cr_assert_eq (g_array_index (fired, Fired, j).time, (FsTime) t);
    j++;
  }
  cr_assert_eq (j, N / 10);
  g_free (h);
  fs_kernel_free (k);
}

/* --- random cross-check against a sorted reference ------------------------------------------ */

typedef struct {
  FsTime time;
  uint8_t priority;
  uint64_t seq;      /* the reference's own insertion counter */
  uint64_t id;
  uint64_t token;    /* the implementation's name for it */
} RefEvent;

static int
ref_cmp (const void *pa, const void *pb, void *data)
{
  const RefEvent *x = pa, *y = pb;

  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  if (x->priority != y->priority)
    return x->priority < y->priority ? -1 : 1;
  return (x->seq > y->seq) - (x->seq < y->seq);
}

/* What the cross-check drives: the kernel through its public API, or the bare queue. */
typedef struct {
  uint64_t (*schedule) (void *impl, FsTime when, uint8_t priority, uint64_t id);
  void (*cancel) (void *impl, uint64_t token);
  void (*move) (void *impl, uint64_t token, FsTime when);
  gboolean (*pop) (void *impl, uint64_t *id, FsTime *time);
  size_t (*pending) (void *impl);
  void (*check_stale) (void *impl, uint64_t token);   /* may be NULL */
} Driver;

static FsTime driver_now;

/* How far ahead of the last event popped the cross-check schedules. */
typedef FsTime (*DelayLaw) (GRand *rand);

/* Within 16 ns: ties are common, and everything lives in the heap or one bucket. */
static FsTime
delay_near (GRand *rand)
{
  return g_rand_int_range (rand, 0, 16);
}

/* Every scale at once, so the ladder gets rungs, splits and exhausted rungs: ties, near events,
 * times on and next to power-of-two bucket boundaries, a minute out give or take (a client's
 * next request), seconds to hours out, and never (FS_TIME_MAX). */
static FsTime
delay_mixed (GRand *rand)
{
  switch (g_rand_int_range (rand, 0, 10)) {
  case 0:
    return 0;
  case 1:
    return g_rand_int_range (rand, 0, 16);
  case 2:
    return g_rand_int_range (rand, 0, 1 << 20);
  case 3:
    return (FsTime) g_rand_int_range (rand, 0, 64) << g_rand_int_range (rand, 8, 40);
  case 4:
    return ((FsTime) 1 << g_rand_int_range (rand, 0, 40)) - g_rand_int_range (rand, 0, 2);
  case 5:
    return (FsTime) g_rand_int_range (rand, 0, 3600) * FS_SEC;
  case 6:
    return FS_TIME_MAX;
  default:
    return 60 * FS_SEC + g_rand_int_range (rand, -1000000, 1000000);
  }
}

static DelayLaw delay_law = delay_near;

static FsTime
draw_time (GRand *rand)
{
  FsTime delay = delay_law (rand);

  return driver_now + MIN (delay, FS_TIME_MAX - driver_now);
}

static void
cross_check (const Driver *d, void *impl, unsigned n_ops, uint32_t seed)
{
  static const uint8_t priorities[] = { 0, 64, 128, 128, 128, 192, 255 };
  GRand *rand = g_rand_new_with_seed (seed);
  GSequence *ref = g_sequence_new (g_free);
  GArray *stale = g_array_new (FALSE, FALSE, sizeof (uint64_t));
  uint64_t next_id = 0, next_seq = 0;
  unsigned pops = 0;

  driver_now = 0;
  for (unsigned op = 0; op < n_ops; op++) {
    /* Alternate phases that fill the queue and drain it, to vary its size. */
    gboolean filling = (op / 20000) % 2 == 0;
    double r = g_rand_double (rand);
    int len = g_sequence_get_length (ref);

    if (r < (filling ? 0.45 : 0.25)) {
      RefEvent *e = g_new (RefEvent, 1);

      e->time = draw_time (rand);
      e->priority = priorities[g_rand_int_range (rand, 0, G_N_ELEMENTS (priorities))];
      e->seq = next_seq++;
      e->id = next_id++;
      e->token = d->schedule (impl, e->time, e->priority, e->id);
      g_sequence_insert_sorted (ref, e, ref_cmp, NULL);
    } else if (r < (filling ? 0.60 : 0.40) && len > 0) {
      GSequenceIter *it = g_sequence_get_iter_at_pos (ref, g_rand_int_range (rand, 0, len));
      RefEvent *e = g_sequence_get (it);

      d->cancel (impl, e->token);
      g_array_append_val (stale, e->token);
      g_sequence_remove (it);
    } else if (r < (filling ? 0.75 : 0.55) && len > 0) {
      GSequenceIter *it = g_sequence_get_iter_at_pos (ref, g_rand_int_range (rand, 0, len));
      RefEvent *e = g_sequence_get (it);

      e->time = draw_time (rand);
      e->seq = next_seq++;
      d->move (impl, e->token, e->time);
      g_sequence_sort_changed (it, ref_cmp, NULL);
    } else if (r < 0.80) {
      if (d->check_stale != NULL && stale->len > 0)
        d->check_stale (impl, g_array_index (stale, uint64_t,
                                             g_rand_int_range (rand, 0, stale->len)));
    } else {
      uint64_t id;
      FsTime time;
      gboolean ran = d->pop (impl, &id, &time);

      cr_assert_eq (ran, len > 0, "op %u: pop %s", op, ran ? "ran" : "found nothing");
      if (ran) {
        GSequenceIter *first = g_sequence_get_begin_iter (ref);
        RefEvent *e = g_sequence_get (first);

        cr_assert_eq (id, e->id, "op %u: popped %" G_GUINT64_FORMAT ", expected %"
                      G_GUINT64_FORMAT, op, id, e->id);
        cr_assert_eq (time, e->time);
        driver_now = time;
        g_array_append_val (stale, e->token);
        g_sequence_remove (first);
        pops++;
      }
    }
    if (stale->len > 4096)
      g_array_remove_range (stale, 0, 2048);
    cr_assert_eq (d->pending (impl), (size_t) g_sequence_get_length (ref), "op %u", op);
  }
  /* Drain. */
  while (g_sequence_get_length (ref) > 0) {
    GSequenceIter *first = g_sequence_get_begin_iter (ref);
    RefEvent *e = g_sequence_get (first);
    uint64_t id;
    FsTime time;

    cr_assert (d->pop (impl, &id, &time));
    cr_assert_eq (id, e->id);
    cr_assert_eq (time, e->time);
    g_sequence_remove (first);
  }
  cr_assert_gt (pops, n_ops / 10);
  g_array_unref (stale);
  g_sequence_free (ref);
  g_rand_free (rand);
}

typedef struct {
  FsKernel *k;
  FsModel *m;
} KernelImpl;

static uint64_t
kernel_schedule (void *impl, FsTime when, uint8_t priority, uint64_t id)
{
  KernelImpl *ki = impl;

  return at (ki->k, ki->m, when, priority, id);
}

static void
kernel_cancel (void *impl, uint64_t token)
{
  KernelImpl *ki = impl;

  cr_assert (fs_kernel_is_pending (ki->k, token));
  cr_assert (fs_kernel_cancel (ki->k, token));
  cr_assert_not (fs_kernel_is_pending (ki->k, token));
}

static void
kernel_move (void *impl, uint64_t token, FsTime when)
{
  KernelImpl *ki = impl;

  cr_assert (fs_kernel_reschedule (ki->k, token, when));
  cr_assert_eq (fs_kernel_event_time (ki->k, token), when);
}

static gboolean
kernel_pop (void *impl, uint64_t *id, FsTime *time)
{
  KernelImpl *ki = impl;

  g_array_set_size (fired, 0);
  if (!fs_kernel_step (ki->k, FS_TIME_MAX))
    return FALSE;
  cr_assert_eq (fired->len, 1);
  *id = g_array_index (fired, Fired, 0).a;
  *time = g_array_index (fired, Fired, 0).time;
  cr_assert_eq (fs_kernel_now (ki->k), *time);
  return TRUE;
}

static size_t
kernel_pending (void *impl)
{
  return fs_kernel_pending (((KernelImpl *) impl)->k);
}

static void
kernel_check_stale (void *impl, uint64_t token)
{
  KernelImpl *ki = impl;

  cr_assert_not (fs_kernel_is_pending (ki->k, token));
  cr_assert_eq (fs_kernel_event_time (ki->k, token), -1);
  cr_assert_not (fs_kernel_cancel (ki->k, token));
  cr_assert_not (fs_kernel_reschedule (ki->k, token, fs_kernel_now (ki->k)));
}

Test (kernel, random_operations_pop_as_a_sorted_reference_does)
{
  static const Driver driver = {
    kernel_schedule, kernel_cancel, kernel_move, kernel_pop, kernel_pending,
    kernel_check_stale,
  };
  KernelImpl ki;

  ki.m = new_kernel (&ki.k);
  cross_check (&driver, &ki, 200000, 20240601);
  fs_kernel_free (ki.k);
}

Test (kernel, random_operations_at_every_time_scale_pop_as_a_sorted_reference_does)
{
  static const Driver driver = {
    kernel_schedule, kernel_cancel, kernel_move, kernel_pop, kernel_pending,
    kernel_check_stale,
  };
  KernelImpl ki;

  ki.m = new_kernel (&ki.k);
  delay_law = delay_mixed;
  cross_check (&driver, &ki, 200000, 20261122);
  fs_kernel_free (ki.k);
}

/* The bare queue, driven through queue.h; tokens are record indices. */

static uint64_t
queue_schedule (void *impl, FsTime when, uint8_t priority, uint64_t id)
{
  FsQueue *q = impl;
  uint32_t idx = fs__queue_take (q);

  fs__queue_record (q, idx)->time = when;
  fs__queue_record (q, idx)->a = id;
  fs__queue_insert (q, idx, priority);
  return idx;
}

static guint max_rungs;   /* the deepest ladder the bare-queue driver has seen */
static guint checks;      /* calls of queue_check_tombstones() */

/* The ladder's invariants, O(n): heap entries come before bottom_end, each rung's entries lie
 * in their bucket and at or after its cur_start, rungs tile [bottom_end, top_start) coarsest
 * first, the top's entries come at or after top_start, and the counts add up. */
static void
queue_check_ladder (const FsQueue *q)
{
  size_t far = 0, buckets = 0;

  for (size_t i = 0; i < q->len; i++)
    if (!(q->root_dead && i == 0))
      cr_assert_lt ((uint64_t) q->base[FS__QUEUE_ROOT + i].time, q->bottom_end);
  for (guint r = 0; r < q->n_rungs; r++) {
    const FsQueueRung *rung = &q->rungs[r];
    uint64_t end = r == 0 ? q->top_start : q->rungs[r - 1].cur_start;

    cr_assert_eq (rung->end, end, "rung %u", r);
    cr_assert_leq (rung->start, rung->cur_start);
    cr_assert_leq (rung->cur_start, rung->end);
    if (rung->coarse) {
      cr_assert_eq (r, 0, "only rung 0 is coarse");
      for (uint32_t b = 0; b < rung->nb; b++) {
        const FsQueueVec *v = &q->vecs[rung->off + b];

        uint32_t count = 0;

        cr_assert (b >= rung->cur || v->len == 0, "a bucket behind the cursor is empty");
        for (const FsQueueChunk *c = v->head; c != NULL; c = c->next) {
          cr_assert (c->next != NULL || c == v->tail);
          cr_assert (c->len == FS__QUEUE_CHUNK || c == v->tail, "only the tail is part-filled");
          for (uint32_t i = 0; i < c->len; i++) {
            uint64_t t = (uint64_t) c->e[i].time;

            cr_assert_geq (t, rung->cur_start);
            cr_assert_lt (t, rung->end);
            cr_assert_eq ((t - rung->start) >> rung->shift, b);
          }
          count += c->len;
        }
        cr_assert_eq (count, v->len);
        far += v->len;
      }
      continue;
    }
    cr_assert_eq (rung->off, buckets);
    for (uint32_t b = 0; b < rung->nb; b++) {
      const FsQueueBucket *bucket = &q->buckets[rung->off + b];
      uint32_t count = 0;

      cr_assert (b >= rung->cur || bucket->count == 0, "a bucket behind the cursor is empty");
      for (uint32_t i = 0; i < bucket->count; i++) {
        uint32_t n = i < FS__QUEUE_BUCKET_INLINE ? FS__QUEUE_NIL : bucket->more;

        for (uint32_t k = FS__QUEUE_BUCKET_INLINE; k < i; k++)
          n = q->nodes[n].next;

        uint64_t t = (uint64_t) (n == FS__QUEUE_NIL ? bucket->e[i] : q->nodes[n].e).time;

        cr_assert_geq (t, rung->cur_start);
        cr_assert_lt (t, rung->end);
        cr_assert_eq ((t - rung->start) >> rung->shift, b);
        count++;
      }
      cr_assert_eq (bucket->more == FS__QUEUE_NIL, bucket->count <= FS__QUEUE_BUCKET_INLINE);
      cr_assert_eq (count, bucket->count);
      far += count;
    }
    buckets += rung->nb;
  }
  cr_assert_eq (buckets, q->buckets_len);
  cr_assert_eq (q->bottom_end, q->n_rungs > 0 ? q->rungs[q->n_rungs - 1].cur_start : q->top_start);
  for (size_t i = 0; i < q->top_len; i++) {
    uint64_t t = (uint64_t) q->top[i].time;

    cr_assert_geq (t, q->top_start);
    cr_assert_geq (t, q->top_min);
    cr_assert_leq (t, q->top_max);
    far++;
  }
  cr_assert_eq (far, q->far);
}

static void
queue_check_tombstones (const FsQueue *q)
{
  max_rungs = MAX (max_rungs, q->n_rungs);
  if (++checks % 499 == 0)
    queue_check_ladder (q);
  cr_assert_leq (q->tombstones, MAX (q->live, FS__QUEUE_COMPACT_MIN));
  /* Entries in the heap and out of it, plus one for the entry of the event just run, left at
   * the root for the next push. */
  cr_assert_eq (q->len + q->far, q->live + q->tombstones + (q->root_dead ? 1 : 0));
  cr_assert_leq (q->next_seq, q->seq_limit);
}

static void
queue_cancel (void *impl, uint64_t token)
{
  fs__queue_cancel (impl, (uint32_t) token);
  queue_check_tombstones (impl);
}

static void
queue_move (void *impl, uint64_t token, FsTime when)
{
  fs__queue_move (impl, (uint32_t) token, when);
  queue_check_tombstones (impl);
}

static gboolean
queue_pop (void *impl, uint64_t *id, FsTime *time)
{
  FsQueue *q = impl;
  const FsQueueEntry *top = fs__queue_peek (q);

  if (top == NULL)
    return FALSE;

  FsEvent ev;

  fs__queue_pop (q, &ev);
  *id = ev.a;
  *time = ev.time;
  queue_check_tombstones (q);
  return TRUE;
}

static size_t
queue_pending (void *impl)
{
  return ((FsQueue *) impl)->live;
}

Test (queue, sequence_renumbering_keeps_the_order)
{
  static const Driver driver = {
    queue_schedule, queue_cancel, queue_move, queue_pop, queue_pending, NULL,
  };
  FsQueue q;

  /* A tiny sequence space forces a renumbering every few thousand insertions. The live
   * count stays well under it (the cross-check fills to about 5000 at most). */
  fs__queue_init (&q);
  q.seq_limit = 1 << 14;
  cross_check (&driver, &q, 200000, 7);
  cr_assert_geq (q.rebases, 5);
  fs__queue_clear (&q);
}

Test (queue, random_operations_at_every_time_scale_pop_as_a_sorted_reference_does)
{
  static const Driver driver = {
    queue_schedule, queue_cancel, queue_move, queue_pop, queue_pending, NULL,
  };
  FsQueue q;

  fs__queue_init (&q);
  delay_law = delay_mixed;
  cross_check (&driver, &q, 300000, 11);
  /* It did exercise the ladder: buckets were split into finer rungs. */
  cr_assert_geq (max_rungs, 2, "max rungs %u, checks %u", max_rungs, checks);
  queue_check_ladder (&q);
  fs__queue_clear (&q);
}

Test (queue, sequence_renumbering_keeps_the_order_across_the_ladder)
{
  static const Driver driver = {
    queue_schedule, queue_cancel, queue_move, queue_pop, queue_pending, NULL,
  };
  FsQueue q;

  fs__queue_init (&q);
  q.seq_limit = 1 << 14;
  delay_law = delay_mixed;
  cross_check (&driver, &q, 200000, 8);
  cr_assert_geq (q.rebases, 5);
  fs__queue_clear (&q);
}

/* Times on the ladder's own boundaries, read from the queue: where an off-by-one would file an
 * entry in the wrong rung or bucket. */
static FsQueue *boundary_queue;

static FsTime
delay_boundary (GRand *rand)
{
  const FsQueue *q = boundary_queue;
  uint64_t at;

  if (g_rand_int_range (rand, 0, 3) == 0)
    return delay_mixed (rand);
  switch (g_rand_int_range (rand, 0, 4)) {
  case 0:
    at = q->bottom_end;
    break;
  case 1:
    at = q->top_start;
    break;
  case 2:
    if (q->n_rungs > 0) {
      const FsQueueRung *r = &q->rungs[g_rand_int_range (rand, 0, (int) q->n_rungs)];
      uint64_t b = r->cur + (uint64_t) g_rand_int_range (rand, 0, 4);

      at = r->start + (b << r->shift);
      break;
    }
    /* Fall through. */
  default:
    at = q->top_max;
    break;
  }
  at += (uint64_t) g_rand_int_range (rand, -1, 2);
  return at > (uint64_t) driver_now && at <= (uint64_t) FS_TIME_MAX ? (FsTime) (at - (uint64_t) driver_now) : 0;
}

Test (queue, times_on_bucket_and_rung_boundaries_pop_as_a_sorted_reference_does)
{
  static const Driver driver = {
    queue_schedule, queue_cancel, queue_move, queue_pop, queue_pending, NULL,
  };
  FsQueue q;

  fs__queue_init (&q);
  boundary_queue = &q;
  delay_law = delay_boundary;
  cross_check (&driver, &q, 300000, 12);
  cr_assert_geq (max_rungs, 2);
  fs__queue_clear (&q);
}

Test (queue, an_instant_of_many_events_comes_down_whole_in_exact_order)
{
  enum { N = 20000 };
  static const uint8_t priorities[] = { 192, 128, 64, 128, 0, 255 };
  FsQueue q;
  GRand *rand = g_rand_new_with_seed (5);
  uint64_t id;
  FsTime now = 0;

  /* N events at one instant, in several priorities, among near and far ones, so the instant
   * sits in a bucket far too large for the heap that no rung can split; then the same again
   * while the ladder is running. Expected: by time, then priority, then insertion. */
  fs__queue_init (&q);
  for (int round = 0; round < 2; round++) {
    FsTime instant = now + 60 * FS_SEC;
    GArray *want = g_array_new (FALSE, FALSE, sizeof (uint64_t));

    for (uint64_t i = 0; i < N; i++) {
      queue_schedule (&q, instant, priorities[i % G_N_ELEMENTS (priorities)], i);
      if (i % 7 == 0)
        queue_schedule (&q, instant - 1 - g_rand_int_range (rand, 0, 1000), 0, N + i);
      if (i % 11 == 0)
        queue_schedule (&q, instant + 1 + g_rand_int_range (rand, 0, 1000), 0, 2 * N + i);
    }
    for (guint p = 0; p <= 255; p++)
      for (uint64_t i = 0; i < N; i++)
        if (priorities[i % G_N_ELEMENTS (priorities)] == p)
          g_array_append_val (want, i);
    /* Before the instant, only the early ones, in time order. */
    FsTime last = -1;

    while (queue_pop (&q, &id, &now), id >= N && id < 2 * N) {
      cr_assert_geq (now, last);
      last = now;
    }
    cr_assert_eq (now, instant);
    for (guint j = 0; j < want->len; j++) {
      if (j > 0)
        cr_assert (queue_pop (&q, &id, &now));
      cr_assert_eq (now, instant);
      cr_assert_eq (id, g_array_index (want, uint64_t, j), "event %u of the instant", j);
    }
    /* Then the late ones. */
    while (q.live > 0) {
      cr_assert (queue_pop (&q, &id, &now));
      cr_assert_geq (id, 2 * N);
      cr_assert_gt (now, instant);
    }
    g_array_unref (want);
  }
  g_rand_free (rand);
  fs__queue_clear (&q);
}

Test (queue, pool_and_heap_stop_growing_when_pending_is_stable)
{
  enum { N = 1000, HOLDS = 200000 };
  FsQueue q;
  GRand *rand = g_rand_new_with_seed (99);
  FsTime now = 0;
  uint32_t pool_cap = 0, nodes_cap = 0;
  size_t heap_cap = 0, buckets_cap = 0, chunks = 0, top_cap = 0;

  fs__queue_init (&q);
  for (uint64_t i = 0; i < N; i++)
    queue_schedule (&q, g_rand_int_range (rand, 0, 1000000), FS_PRIORITY_DEFAULT, i);
  /* A hold model with churn: each step runs one event and schedules one; every third new
   * event is moved and every fifth step schedules and cancels an extra one, so tombstones
   * come and go through compaction. */
  for (unsigned i = 0; i < HOLDS; i++) {
    uint64_t id;

    if (i == HOLDS / 10) {
      pool_cap = q.pool_cap;
      heap_cap = q.cap;
      nodes_cap = q.nodes_cap;
      buckets_cap = q.buckets_cap;
      chunks = q.chunks;
      top_cap = q.top_cap;
    }
    cr_assert (queue_pop (&q, &id, &now));
    uint32_t x = (uint32_t) queue_schedule (&q, now + g_rand_int_range (rand, 0, 1000000),
                                            FS_PRIORITY_DEFAULT, id);
    if (i % 3 == 0)
      fs__queue_move (&q, x, now + g_rand_int_range (rand, 0, 1000000));
    if (i % 5 == 0)
      fs__queue_cancel (&q, (uint32_t) queue_schedule (&q, now + 1, FS_PRIORITY_LAST, 0));
    cr_assert_eq (q.live, N);
  }
  cr_assert_eq (q.pool_cap, pool_cap);
  cr_assert_eq (q.cap, heap_cap);
  cr_assert_eq (q.nodes_cap, nodes_cap);
  cr_assert_eq (q.buckets_cap, buckets_cap);
  cr_assert_eq (q.chunks, chunks);
  cr_assert_eq (q.top_cap, top_cap);
  cr_assert_leq (q.pool_cap, 2 * N);
  fs__queue_clear (&q);
  g_rand_free (rand);
}

/* --- observers ----------------------------------------------------------------------------- */

typedef struct {
  const char *who;
  uint32_t topic;
  FsTime time;
} Call;

static GArray *calls;

static void
observer (FsKernel *k, const FsNotice *notice, void *user_data)
{
  Call c = { user_data, notice->topic, notice->time };

  g_array_append_val (calls, c);
}

static void
assert_calls (const char *const *who, size_t n, uint32_t topic)
{
  cr_assert_eq (calls->len, n, "%u calls, expected %zu", calls->len, n);
  for (size_t i = 0; i < n; i++) {
    cr_assert_str_eq (g_array_index (calls, Call, i).who, who[i]);
    cr_assert_eq (g_array_index (calls, Call, i).topic, topic);
  }
  g_array_set_size (calls, 0);
}

#define ASSERT_CALLS(topic, ...)                                                  \
  do {                                                                            \
    const char *const want_[] = { __VA_ARGS__ };                                  \
    assert_calls (want_, G_N_ELEMENTS (want_), topic);                            \
  } while (0)

static void
notify (FsKernel *k, uint32_t topic)
{
  FsNotice n = { .topic = topic, .subject = 3, .subject_name = "primary", .value = 7 };

  fs_kernel_notify (k, &n);
  cr_assert_eq (n.time, fs_kernel_now (k));
}

Test (kernel, topics_get_dense_ids_in_registration_order)
{
  FsKernel *k = fs_kernel_new (1, 0);

  cr_assert_eq (fs_kernel_n_topics (k), 0);
  cr_assert_eq (fs_kernel_topic (k, "site.down"), 0);
  cr_assert_eq (fs_kernel_topic (k, "site.up"), 1);
  cr_assert_eq (fs_kernel_topic (k, "site.down"), 0);
  cr_assert_eq (fs_kernel_n_topics (k), 2);
  cr_assert_str_eq (fs_kernel_topic_name (k, 1), "site.up");
  fs_kernel_free (k);
}

Test (kernel, observers_match_exact_names_prefixes_and_star_in_subscription_order)
{
  FsKernel *k = fs_kernel_new (1, 0);

  calls = g_array_new (FALSE, FALSE, sizeof (Call));
  uint32_t down = fs_kernel_topic (k, "site.down");
  uint32_t query = fs_kernel_topic (k, "dns.query");
  uint32_t site = fs_kernel_topic (k, "site");   /* not under "site.*" */
  uint32_t deep = fs_kernel_topic (k, "dns.query.slow");   /* not "dns.query" */

  fs_kernel_observe (k, "site.*", observer, "A");
  fs_kernel_observe (k, "dns.query", observer, "C");
  cr_assert (fs_kernel_is_observed (k, down));
  cr_assert (fs_kernel_is_observed (k, query));
  cr_assert_not (fs_kernel_is_observed (k, site));
  cr_assert_not (fs_kernel_is_observed (k, deep));

  /* Patterns given before their topics exist. */
  fs_kernel_observe (k, "link.*", observer, "D");
  fs_kernel_observe (k, "link.flap", observer, "E");
  fs_kernel_observe (k, "*", observer, "B");
  fs_kernel_observe (k, "site.*", observer, "F");
  uint32_t flap = fs_kernel_topic (k, "link.flap");
  uint32_t link_up = fs_kernel_topic (k, "link.up");

  cr_assert (fs_kernel_is_observed (k, site));
  fs_kernel_run (k, 500);
  notify (k, down);
  ASSERT_CALLS (down, "A", "B", "F");
  notify (k, query);
  ASSERT_CALLS (query, "C", "B");
  notify (k, site);
  ASSERT_CALLS (site, "B");
  notify (k, deep);
  ASSERT_CALLS (deep, "B");
  notify (k, flap);
  ASSERT_CALLS (flap, "D", "E", "B");
  notify (k, link_up);
  cr_assert_eq (g_array_index (calls, Call, 0).time, 500);
  ASSERT_CALLS (link_up, "D", "B");
  g_array_unref (calls);
  fs_kernel_free (k);
}

static void
check_notice (FsKernel *k, const FsNotice *notice, void *user_data)
{
  const FsNotice *sent = user_data;

  cr_assert_eq (notice, sent);   /* by pointer, not a copy */
  cr_assert_eq (notice->subject, 3);
  cr_assert_str_eq (notice->subject_name, "primary");
  cr_assert_eq (notice->value, 7);
  cr_assert_eq (notice->time, 250);
}

Test (kernel, notify_passes_the_notice_with_the_current_time)
{
  FsKernel *k = fs_kernel_new (1, 0);
  FsNotice n = { .time = -5, .subject = 3, .subject_name = "primary", .value = 7 };

  n.topic = fs_kernel_topic (k, "site.down");
  fs_kernel_notify (k, &n);   /* nobody listens: fine */
  fs_kernel_observe (k, "site.down", check_notice, &n);
  fs_kernel_run (k, 250);
  fs_kernel_notify (k, &n);
  cr_assert_eq (n.time, 250);
  fs_kernel_free (k);
}

static void
count_seen (FsKernel *k, const FsNotice *notice, void *user_data)
{
  /* Counted before delivery: an observer already sees its own notice in the count. */
  *(uint64_t *) user_data = fs_kernel_notices (k);
}

Test (kernel, notices_are_counted_before_they_are_delivered_observed_or_not)
{
  FsKernel *k = fs_kernel_new (1, 0);
  FsNotice n = { .subject = 3, .subject_name = "primary" };
  uint64_t seen = 0;

  cr_assert_eq (fs_kernel_notices (k), 0);
  n.topic = fs_kernel_topic (k, "site.down");
  fs_kernel_notify (k, &n);
  cr_assert_eq (fs_kernel_notices (k), 1);
  fs_kernel_observe (k, "site.down", count_seen, &seen);
  fs_kernel_notify (k, &n);
  cr_assert_eq (seen, 2);
  cr_assert_eq (fs_kernel_notices (k), 2);
  fs_kernel_free (k);
}

/* --- the prefetch hook ----------------------------------------------------------------------- */

typedef struct {
  FsModel base;
  GHashTable *hinted;   /* a: events handed to prefetch that have not run since */
  guint ran, ran_hinted;
} Hinted;

static void
hinted_handle (FsModel *model, FsKernel *k, const FsEvent *ev)
{
  Hinted *h = (Hinted *) model;

  h->ran++;
  if (g_hash_table_remove (h->hinted, GUINT_TO_POINTER ((guint) ev->a)))
    h->ran_hinted++;
  /* A hold model: the next event a pseudo-random stretch out, as a client's next request. */
  fs_kernel_schedule (k, model, 1 + (FsTime) ((ev->a * 2654435761u + h->ran) % 60000000000u),
                      0, ev->a, 0);
}

static void
hinted_prefetch (FsModel *model, const FsEvent *ev)
{
  Hinted *h = (Hinted *) model;

  cr_assert_eq (ev->kind, 0);
  g_hash_table_add (h->hinted, GUINT_TO_POINTER ((guint) ev->a));
}

static const FsModelOps hinted_ops = {
  .name = "hinted",
  .handle = hinted_handle,
  .prefetch = hinted_prefetch,
};

Test (kernel, prefetch_hook_hears_of_most_events_before_they_run_and_changes_nothing)
{
  enum { N = 100000, HOLDS = 400000 };
  FsKernel *k = fs_kernel_new (1, 0);
  Hinted *h = g_new0 (Hinted, 1);

  /* The look-ahead works once the pool outgrows the cache, so N is well above that. */
  h->base.ops = &hinted_ops;
  h->base.name = g_strdup ("hinted");
  h->hinted = g_hash_table_new (NULL, NULL);
  fs_kernel_add_model (k, &h->base);
  for (guint i = 0; i < N; i++)
    fs_kernel_schedule (k, &h->base, 1 + (FsTime) (i * 600000u), 0, i, 0);
  while (h->ran < HOLDS && fs_kernel_step (k, FS_TIME_MAX))
    ;
  cr_assert_eq (h->ran, HOLDS);
  cr_assert_eq (fs_kernel_pending (k), N);
  /* Most events, not all: those that come down without a fine rung are not looked ahead at. */
  cr_assert_gt (h->ran_hinted, HOLDS / 2, "%u of %u hinted", h->ran_hinted, h->ran);
  g_hash_table_unref (h->hinted);
  fs_kernel_free (k);   /* frees the name; with ops->free NULL the struct stays ours */
  g_free (h);
}

/* --- models -------------------------------------------------------------------------------- */

typedef struct {
  FsModel base;
  int tag;
} Tagged;

static GArray *model_log;   /* int: +tag for finish, -tag for free */

static void
tagged_handle (FsModel *model, FsKernel *k, const FsEvent *ev)
{
}

static void
tagged_finish (FsModel *model, FsKernel *k)
{
  int tag = ((Tagged *) model)->tag;

  cr_assert_eq (fs_kernel_now (k), 70);
  g_array_append_val (model_log, tag);
}

static void
tagged_free (FsModel *model)
{
  int tag = -((Tagged *) model)->tag;

  cr_assert_null (model->name);   /* the kernel has freed it already */
  g_array_append_val (model_log, tag);
  g_free (model);
}

static const FsModelOps tagged_ops = {
  .name = "tagged",
  .handle = tagged_handle,
  .finish = tagged_finish,
  .free = tagged_free,
};

static const FsModelOps bare_ops = {
  .name = "bare",
  .handle = tagged_handle,
};

Test (kernel, finish_runs_in_add_order_and_free_in_reverse)
{
  FsKernel *k = fs_kernel_new (1, 0);
  static Tagged bare = { { &bare_ops, NULL, 0 }, 0 };

  uint32_t added = 0;

  model_log = g_array_new (FALSE, FALSE, sizeof (int));
  for (int tag = 1; tag <= 3; tag++) {
    Tagged *t = g_new0 (Tagged, 1);

    t->base.ops = &tagged_ops;
    t->base.name = g_strdup_printf ("m%d", tag);
    t->tag = tag;
    fs_kernel_add_model (k, &t->base);
    cr_assert_eq (t->base.id, added++);
    if (tag == 2) {
      /* No finish, no free: the kernel frees only its name. */
      bare.base.name = g_strdup ("bare");
      fs_kernel_add_model (k, &bare.base);
      cr_assert_eq (bare.base.id, added++);
    }
  }
  fs_kernel_run (k, 70);
  fs_kernel_finish (k);
  fs_kernel_free (k);
  cr_assert_null (bare.base.name);

  static const int want[] = { 1, 2, 3, -3, -2, -1 };

  cr_assert_eq (model_log->len, G_N_ELEMENTS (want));
  for (size_t i = 0; i < G_N_ELEMENTS (want); i++)
    cr_assert_eq (g_array_index (model_log, int, i), want[i]);
  g_array_unref (model_log);
}

Test (kernel, free_accepts_null_and_pending_events)
{
  FsKernel *k;
  FsModel *m = new_kernel (&k);

  fs_kernel_free (NULL);
  for (int i = 0; i < 1000; i++)
    at (k, m, i, FS_PRIORITY_DEFAULT, i);
  fs_kernel_free (k);
}

/* --- streams ------------------------------------------------------------------------------- */

Test (kernel, streams_are_created_once_and_seeded_by_name)
{
  FsKernel *k = fs_kernel_new (42, 3);
  gsl_rng *dns = fs_kernel_stream (k, "dns");
  gsl_rng *same = fs_kernel_stream (k, "dns");
  gsl_rng *net = fs_kernel_stream (k, "net");
  gsl_rng *expect = fs_rng_new_stream (42, 3, "dns");

  cr_assert_eq (fs_kernel_seed (k), 42);
  cr_assert_eq (fs_kernel_replication (k), 3);
  cr_assert_eq (dns, same);
  cr_assert_neq (dns, net);
  for (int i = 0; i < 5; i++)
    cr_assert_eq (gsl_rng_get (dns), gsl_rng_get (expect));
  gsl_rng_free (expect);
  fs_kernel_free (k);
}
