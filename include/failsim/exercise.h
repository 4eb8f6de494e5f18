/* exercise.h: a training session: a scenario run step by step, paused for a trainee who looks
 * at the network, makes calls, and is debriefed against a reference plan.
 *
 * The session knows no terminal: it takes one command line at a time and returns text, so a
 * script, a test and the interactive prompt of `failsim exercise` drive it the same way, and a
 * script replays a session exactly. The trainee's actions are the timeline's actions, performed
 * at the moment they are typed; the debrief runs the same scenario and seed twice more, with
 * the exercise's reference plan and with nobody acting, and compares the three phase by phase
 * (docs/exercises.md). */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "failsim/scenario.h"

G_BEGIN_DECLS

typedef struct FsExercise FsExercise;

/* Whether @sc has an `exercise:` key. */
gboolean fs_exercise_scenario_has (const FsScenario *sc);

/* A session of @sc (which must outlive it; it is not changed, though the trainee's actions are
 * read against it) with @seed, running to @horizon. Fails only as fs_sim_new() does. */
FsExercise *fs_exercise_new (FsScenario *sc, uint64_t seed, FsTime horizon, GError **error);
void fs_exercise_free (FsExercise *ex);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsExercise, fs_exercise_free)

/* The briefing, then the run up to the first decision point, as text. Call once, first. */
char *fs_exercise_start (FsExercise *ex);

typedef enum {
  FS_EXERCISE_GOING,    /* paused, waiting for the next command */
  FS_EXERCISE_ENDED,    /* the clock reached the end: the debrief has been written */
  FS_EXERCISE_QUIT,     /* the trainee left */
} FsExerciseState;

/* Performs one command line (help lists them) and appends what it prints to @out. A command
 * that cannot be done (an unknown router, an action refused) is explained in @out and changes
 * nothing. */
FsExerciseState fs_exercise_execute (FsExercise *ex, const char *line, GString *out);

/* Whether the clock has reached the end (the debrief has been told). */
gboolean fs_exercise_is_over (const FsExercise *ex);

/* The prompt for the next command: "[00:12:00] exercise> ". Free with g_free(). */
char *fs_exercise_prompt (const FsExercise *ex);

/* Candidates to complete @word, the word being typed, given @line, the text before it (commands,
 * then action names, action keys, routers, resolvers, VLANs, services ... as the command
 * wants). NULL-terminated; free with g_strfreev(). */
char **fs_exercise_complete (const FsExercise *ex, const char *line, const char *word);

/* The debrief so far: the trainee's run to now (finished when ended) against the reference
 * plan and no action over the whole horizon. Free with g_free(). */
char *fs_exercise_debrief (FsExercise *ex);

G_END_DECLS
