/* output.h: the only writer of result files: summary.json, the CSV tables, the text summary.
 *
 * Every file is written whole or not at all (a temporary file renamed over the target), so a
 * crash or Ctrl-C never leaves half a result. Output depends only on the scenario, the seed
 * and the options, never on the clock or the machine: the same run gives the same bytes. */
#pragma once

#include <glib.h>

#include "failsim/sim.h"

G_BEGIN_DECLS

#define FS_OUTPUT_FORMAT_VERSION 1   /* bumped when a field of summary.json changes meaning */

typedef struct {
  uint64_t seed;
  uint64_t replication;
  FsTime horizon;          /* what the run was asked to reach */
  FsRunStatus status;      /* how it ended */
} FsRunInfo;

/* Writes @len bytes (-1: a C string) to @path atomically, mode 0644. */
gboolean fs_output_write_file (const char *path, const char *data, gssize len, GError **error);

/* Appends @field to a CSV row as RFC 4180 wants (quoted when it holds a comma, quote or line
 * break) and defused for spreadsheets: text starting with = + - @ or a tab is prefixed with a
 * single quote, so a name from a shared scenario cannot run as a formula. */
void fs_output_csv_field (GString *row, const char *field);

/* summary.json of a finished sim, as text (pretty, stable key order). Free with g_free(). */
char *fs_output_summary_json (FsSim *sim, const FsRunInfo *info);

/* The human summary `failsim run` prints. Free with g_free(). */
char *fs_output_summary_text (FsSim *sim, const FsRunInfo *info);

/* Writes outages.csv, notices.csv, when the run has services clients.csv and recovery.csv, and
 * last summary.json into @dir (created if needed). */
gboolean fs_output_write_run (const char *dir, FsSim *sim, const FsRunInfo *info, GError **error);

G_END_DECLS
