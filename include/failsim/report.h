/* report.h: a run's result files as one self-contained HTML page, and the CSV reader it uses.
 *
 * The report reads only what `failsim run --out` writes (summary.json, topology.json,
 * outages.csv, notices.csv and, with clients, clients.csv and recovery.csv), so it can be made
 * from a run of any earlier day. The page has no external assets: CSS and SVG inline, a little
 * inline JavaScript to sort and filter the event log (the page reads the same without it), and a
 * Content-Security-Policy that forbids fetching anything. Every name from the scenario is
 * HTML-escaped. The same files give the same bytes: no date, no clock. docs/report.md. */
#pragma once

#include <glib.h>

#include "failsim/output.h"
#include "failsim/sim.h"

G_BEGIN_DECLS

#define FS_REPORT_ERROR (fs_report_error_quark ())
GQuark fs_report_error_quark (void);

typedef enum {
  FS_REPORT_ERROR_MISSING,    /* a result file the report needs is not there */
  FS_REPORT_ERROR_MALFORMED,  /* a file is there but is not what failsim writes */
} FsReportError;

/* --- CSV, as fs_output_csv_field() writes it -------------------------------------------------- */

typedef struct FsCsv FsCsv;

/* Parses @text (@len bytes, -1: a C string) as RFC 4180 CSV with a header row: fields separated
 * by commas, rows by LF or CRLF, a field in double quotes may hold commas, line breaks and
 * doubled quotes; the last row's line break is optional. A field that fs_output_csv_field()
 * defused for spreadsheets (a single quote before = + - @ tab or CR) is given back as the text
 * it was made from. Fails (FS_REPORT_ERROR_MALFORMED) with "@name:LINE: why" on an unterminated
 * quote, a quote inside an unquoted field, text after a closing quote, a row whose number of
 * fields is not the header's, or an empty text (no header). */
FsCsv *fs_csv_parse (const char *name, const char *text, gssize len, GError **error);
void fs_csv_free (FsCsv *csv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsCsv, fs_csv_free)

guint fs_csv_n_columns (const FsCsv *csv);
guint fs_csv_n_rows (const FsCsv *csv);                     /* not counting the header */
const char *fs_csv_column_name (const FsCsv *csv, guint column);
int fs_csv_column (const FsCsv *csv, const char *name);     /* its index, or -1 */
/* The field of @row (0: the first after the header) in @column; borrowed, never NULL. */
const char *fs_csv_get (const FsCsv *csv, guint row, guint column);
/* The line of the file where @row begins (the header is line 1), for messages. */
guint fs_csv_line (const FsCsv *csv, guint row);

/* --- the report ------------------------------------------------------------------------------- */

/* The result files a report reads, by name ("summary.json" -> its text). */
typedef GHashTable FsRunFiles;

/* Reads the result files of run directory @dir. summary.json, topology.json, outages.csv and
 * notices.csv must be there, and clients.csv and recovery.csv when summary.json has services.
 * Fails with FS_REPORT_ERROR_MISSING ("DIR/FILE: cannot read: why") or a G_FILE_ERROR. A new
 * table of g_free()d texts; free with g_hash_table_unref(). */
FsRunFiles *fs_report_read_dir (const char *dir, GError **error);

/* The same files of a finished @sim, as fs_output_write_run() would write them, without
 * writing anything. */
FsRunFiles *fs_report_files_from_sim (FsSim *sim, const FsRunInfo *info);

/* The HTML page of @files. @source names where they came from in messages ("out/run1"): a
 * malformed file fails with FS_REPORT_ERROR_MALFORMED and "SOURCE/FILE: why" (and the line for
 * a CSV file, the line and column for JSON). Free with g_free(). */
char *fs_report_html (FsRunFiles *files, const char *source, GError **error);

/* Reads @dir, builds the page and writes it to @path atomically (fs_output_write_file()). */
gboolean fs_report_write_from_dir (const char *dir, const char *path, GError **error);

G_END_DECLS
