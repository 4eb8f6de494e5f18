/* report-csv.c: an RFC 4180 CSV reader for the tables failsim writes (fs_output_csv_field()). */
#include "failsim/report.h"

#include <string.h>

G_DEFINE_QUARK (fs-report-error-quark, fs_report_error)

struct FsCsv {
  guint n_columns;
  GStringChunk *text;   /* every field, NUL-terminated, packed */
  GPtrArray *fields;    /* char *, borrowed from @text: the header's, then each row's, in order */
  GArray *lines;        /* guint: the line each row (the header first) begins on */
};

void
fs_csv_free (FsCsv *csv)
{
  if (csv == NULL)
    return;
  g_string_chunk_free (csv->text);
  g_ptr_array_unref (csv->fields);
  g_array_unref (csv->lines);
  g_free (csv);
}

/* fs_output_csv_field() puts a single quote before text a spreadsheet would run as a formula;
 * the reader gives back the text itself, so names match those of the JSON files. */
static const char *
undefuse (const char *field)
{
  if (field[0] == '\'' && field[1] != '\0' && strchr ("=+-@\t\r", field[1]) != NULL)
    return field + 1;
  return field;
}

static gboolean
end_row (FsCsv *csv, const char *name, guint row_fields, guint line, GError **error)
{
  if (csv->lines->len == 1)
    csv->n_columns = row_fields;
  else if (row_fields != csv->n_columns)
    {
      g_set_error (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MALFORMED,
                   "%s:%u: %u field%s where the header has %u", name, line, row_fields,
                   row_fields == 1 ? "" : "s", csv->n_columns);
      return FALSE;
    }
  return TRUE;
}

FsCsv *
fs_csv_parse (const char *name, const char *text, gssize len, GError **error)
{
  g_autoptr (FsCsv) csv = g_new0 (FsCsv, 1);
  g_autoptr (GString) field = g_string_new (NULL);
  const char *p, *end;
  guint line = 1, row_fields = 0, row_line = 1;
  gboolean at_row_start = TRUE;

  g_return_val_if_fail (text != NULL, NULL);
  if (len < 0)
    len = (gssize) strlen (text);
  csv->text = g_string_chunk_new (MAX ((gsize) len, 64));
  csv->fields = g_ptr_array_new ();
  csv->lines = g_array_new (FALSE, FALSE, sizeof (guint));
  if (len == 0)
    {
      g_set_error (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MALFORMED,
                   "%s:1: empty: no header row", name);
      return NULL;
    }

  p = text;
  end = text + len;
  while (p < end)
    {
      if (at_row_start)
        {
          row_line = line;
          g_array_append_val (csv->lines, row_line);
          at_row_start = FALSE;
        }
      g_string_truncate (field, 0);
      if (*p == '"')
        {
          guint open_line = line;

          p++;
          for (;;)
            {
              if (p >= end)
                {
                  g_set_error (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MALFORMED,
                               "%s:%u: a quoted field never ends", name, open_line);
                  return NULL;
                }
              if (*p == '"')
                {
                  if (p + 1 < end && p[1] == '"')
                    {
                      g_string_append_c (field, '"');
                      p += 2;
                      continue;
                    }
                  p++;
                  break;
                }
              if (*p == '\0')
                {
                  g_set_error (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MALFORMED,
                               "%s:%u: a NUL byte: not a text file", name, line);
                  return NULL;
                }
              if (*p == '\n')
                line++;
              g_string_append_c (field, *p++);
            }
        }
      else
        {
          while (p < end && *p != ',' && *p != '\n' && !(*p == '\r' && p + 1 < end && p[1] == '\n'))
            {
              if (*p == '"')
                {
                  g_set_error (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MALFORMED,
                               "%s:%u: a quote inside a field that is not quoted", name, line);
                  return NULL;
                }
              if (*p == '\0')
                {
                  g_set_error (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MALFORMED,
                               "%s:%u: a NUL byte: not a text file", name, line);
                  return NULL;
                }
              g_string_append_c (field, *p++);
            }
        }
      g_ptr_array_add (csv->fields,
                       g_string_chunk_insert (csv->text, undefuse (field->str)));
      row_fields++;
      if (p >= end)
        break;
      if (*p == ',')
        {
          p++;
          /* A comma that ends the text leaves an empty last field. */
          if (p == end)
            {
              g_ptr_array_add (csv->fields, g_string_chunk_insert_const (csv->text, ""));
              row_fields++;
            }
          continue;
        }
      if (*p == '\r' && p + 1 < end && p[1] == '\n')
        p++;
      if (*p != '\n')
        {
          g_set_error (error, FS_REPORT_ERROR, FS_REPORT_ERROR_MALFORMED,
                       "%s:%u: text after a closing quote", name, line);
          return NULL;
        }
      p++;
      if (!end_row (csv, name, row_fields, row_line, error))
        return NULL;
      line++;
      row_fields = 0;
      at_row_start = TRUE;
    }
  if (!at_row_start && !end_row (csv, name, row_fields, row_line, error))
    return NULL;
  return g_steal_pointer (&csv);
}

guint
fs_csv_n_columns (const FsCsv *csv)
{
  return csv->n_columns;
}

guint
fs_csv_n_rows (const FsCsv *csv)
{
  return csv->lines->len - 1;
}

const char *
fs_csv_column_name (const FsCsv *csv, guint column)
{
  g_return_val_if_fail (column < csv->n_columns, "");
  return g_ptr_array_index (csv->fields, column);
}

int
fs_csv_column (const FsCsv *csv, const char *name)
{
  guint i;

  for (i = 0; i < csv->n_columns; i++)
    if (strcmp (g_ptr_array_index (csv->fields, i), name) == 0)
      return (int) i;
  return -1;
}

const char *
fs_csv_get (const FsCsv *csv, guint row, guint column)
{
  g_return_val_if_fail (row < fs_csv_n_rows (csv) && column < csv->n_columns, "");
  return g_ptr_array_index (csv->fields, (gsize) (row + 1) * csv->n_columns + column);
}

guint
fs_csv_line (const FsCsv *csv, guint row)
{
  g_return_val_if_fail (row < fs_csv_n_rows (csv), 0);
  return g_array_index (csv->lines, guint, row + 1);
}
