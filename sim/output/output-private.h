/* output-private.h: what the experiment and sweep writers share (output-experiment.c). */
#pragma once

#include <json-glib/json-glib.h>

#include "failsim/experiment.h"
#include "failsim/scenario.h"

/* The shortest text that reads back to @v exactly; nothing for NaN. */
void fs__output_append_number (GString *out, double v);

/* JSON members: a double (null for NaN), an integer, a string, a uint64 (text past 2^63). */
void fs__output_add_number (JsonBuilder *b, const char *key, double v);
void fs__output_add_int (JsonBuilder *b, const char *key, gint64 v);
void fs__output_add_string (JsonBuilder *b, const char *key, const char *v);
void fs__output_add_u64 (JsonBuilder *b, const char *key, uint64_t v);
/* "failsim": version and format. */
void fs__output_add_failsim (JsonBuilder *b);
/* "scenario": name, file, sha256, overrides (null when @sc is NULL). */
void fs__output_add_scenario (JsonBuilder *b, const FsScenario *sc);
/* n, mean, sd, ci95_low, ci95_high, min, max of @s. */
void fs__output_add_summary (JsonBuilder *b, const FsSummary *s);
/* The builder's document, pretty with two-space indents and a final newline. */
char *fs__output_json_text (JsonBuilder *b);

/* Creates @dir and its parents, with a message naming it on failure. */
gboolean fs__output_make_dir (const char *dir, GError **error);

/* A table of text cells, laid out when complete: columns as wide as their widest cell. */
typedef struct {
  GPtrArray *rows;        /* GPtrArray of char *, or NULL for a blank line */
  guint columns;
} FsOutputTable;

void fs__output_table_init (FsOutputTable *t);
GPtrArray *fs__output_table_row (FsOutputTable *t);
void fs__output_cell (GPtrArray *row, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* Appends the table to @out, each line indented by two spaces, and frees it; @align has an 'r'
 * for each column to right-align, an 'l' for each to left-align (the rest left). */
void fs__output_table_render (FsOutputTable *t, GString *out, const char *align);

/* @v as people read it (fs_metric_format), and "mean ± half-width" of @s. Newly allocated. */
char *fs__output_format_value (FsMetricUnit unit, double v);
char *fs__output_format_mean_ci (const FsSummary *s);
