/* narrate.h: a run told in plain words, in time order.
 *
 * The narrator is one more observer of the kernel's notices, the same notices the metrics
 * count, so the story cannot drift from the figures: each notice becomes one sentence with its
 * simulated time ("00:11:30 r-branch drops 192.168.1.0/24 (hold timer 1m30s expired)"). What
 * clients saw is not a notice (a million requests would drown the story); once the run has
 * finished, each service's milestones are read from the client collector (first failures, the
 * lowest share served, half and all served again) and merged in at their times. */
#pragma once

#include <glib.h>

#include "failsim/sim.h"

G_BEGIN_DECLS

typedef struct FsNarrator FsNarrator;

/* Observes every notice of @sim from now on: create it before the run. @sim must outlive it. */
FsNarrator *fs_narrator_new (FsSim *sim);
void fs_narrator_free (FsNarrator *n);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsNarrator, fs_narrator_free)

/* The sentences told since the last call (notices only), one line each, or "" when none. For
 * a live story (failsim exercise). Free with g_free(). */
char *fs_narrator_take (FsNarrator *n);

/* The whole story of a finished run: every notice and each service's milestones, in time
 * order. Free with g_free(). */
char *fs_narrator_text (FsNarrator *n);

/* The sentence for one notice, without its time. Free with g_free(). Exposed for tests. */
char *fs_narrator_sentence (const FsKernel *k, const FsNotice *notice);

G_END_DECLS
