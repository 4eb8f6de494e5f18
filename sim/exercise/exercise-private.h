/* exercise-private.h: the `exercise:` section's specification, shared by the section
 * (exercise-spec.c) and the session (exercise.c). */
#pragma once

#include <glib.h>

#include "failsim/exercise.h"
#include "failsim/scenario.h"

G_BEGIN_DECLS

/* A point where the session pauses for the trainee: at a time, or when a notice of a topic is
 * first seen. */
typedef struct {
  FsTime at;           /* -1 when it waits for a topic */
  char *on;            /* a topic pattern (as fs_kernel_observe takes it), or NULL */
  char *prompt;        /* what the trainee is told */
} FsExerciseDecision;

/* The keys of a reference step besides its action's own. */
typedef struct {
  FsTime at;
  char *action;
  char *note;
} FsExerciseStepHead;

typedef struct {
  char *title;
  char *briefing;
  GArray *decisions;       /* FsExerciseDecision, in file order */
  GPtrArray *reference;    /* FsActionCall, whose head is an FsExerciseStepHead; in time order */
} FsExerciseSpec;

/* The scenario's exercise, or NULL when it has none. */
const FsExerciseSpec *fs__exercise_spec (const FsScenario *sc);

void fs__exercise_register (void);

G_END_DECLS
