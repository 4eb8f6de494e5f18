/* trace.h: a run as a Chrome trace (the JSON Object Format), for Perfetto and chrome://tracing.
 *
 * Built from what the metrics see: the kernel's notices, observed from before the run starts,
 * and the end-of-run data (the services' recovery curves, the DNS servers' query series). A
 * "<entity>.down" and the next "<entity>.up" of the same subject become one complete ("X")
 * event, as do the durations a "_ns" topic reports; point notices become instant ("i") events;
 * the curves become counter ("C") events. One process per category (sites, routers, links,
 * hosts, vlans, dns, services, recovery, run) and one thread per entity, named with metadata
 * ("M") events. Times are microseconds written as exact decimals of the integer nanoseconds.
 * docs/trace.md describes every track, state and counter. */
#pragma once

#include <glib.h>

#include "failsim/sim.h"

G_BEGIN_DECLS

typedef struct FsTrace FsTrace;

/* Observes every notice of @sim from now on: call right after fs_sim_new(), before the run.
 * @sim must outlive the trace. Free with fs_trace_free(). */
FsTrace *fs_trace_new (FsSim *sim);

/* The trace as JSON text, after fs_sim_finish(): states still open close at the current time of
 * the sim's kernel (the run's end). It is laid out at the first call; later calls return the
 * same text. The same scenario, seed and options give the same bytes. Free with g_free(). */
char *fs_trace_json (FsTrace *trace);

/* Writes fs_trace_json() to @path, whole or not at all (fs_output_write_file()). Fails with a
 * G_FILE_ERROR naming the file. */
gboolean fs_trace_write (FsTrace *trace, const char *path, GError **error);

/* Frees the trace. It cannot unsubscribe: free it only after the sim has stopped running. NULL
 * is fine. */
void fs_trace_free (FsTrace *trace);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsTrace, fs_trace_free)

G_END_DECLS
