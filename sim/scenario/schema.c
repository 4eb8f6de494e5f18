/* schema.c: reads a mapping into a spec struct by a table of FsField, with located messages. */
#include "failsim/schema.h"

#include <math.h>
#include <string.h>

#define NAME_MAX_CHARS  64
#define SHOWN_MAX_CHARS 60   /* of a value quoted back in a message */

#define SLOT(target, field) ((void *) ((char *) (target) + (field)->offset))

/* The value as written, cut short: a message quoting a megabyte of garbage helps nobody. */
static char *
shown (const char *text)
{
  const char *cut = text;

  for (int i = 0; i < SHOWN_MAX_CHARS && *cut != '\0'; i++)
    cut = g_utf8_next_char (cut);
  if (*cut == '\0')
    return g_strdup (text);
  return g_strdup_printf ("%.*s...", (int) (cut - text), text);
}

/* YAML's null: an empty value, ~ or null, unquoted. The key is then treated as absent, so
 * "ttl:" or "ttl: ~" asks for the default rather than being an error. */
static gboolean
is_null (const FsNode *node)
{
  static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };

  return node->kind == FS_NODE_SCALAR && !node->quoted && g_strv_contains (nulls, node->text);
}

static const char *
article (const char *what)
{
  return what[0] != '\0' && strchr ("aeioAEIO", what[0]) != NULL ? "an" : "a";
}

/* "must be between 1s and 7d", or one-sided when a bound is NULL (no bound that way). */
static gboolean
out_of_range (GError **error, const FsNode *node, const char *key, const char *lo,
              const char *hi)
{
  g_autofree char *got = shown (node->text);

  if (lo != NULL && hi != NULL)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_RANGE,
                          "'%s' must be between %s and %s, got %s", key, lo, hi, got);
  if (lo != NULL)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_RANGE,
                          "'%s' must be at least %s, got %s", key, lo, got);
  return fs_node_error (error, node, FS_SCENARIO_ERROR_RANGE,
                        "'%s' must be at most %s, got %s", key, hi, got);
}

/* A time or distribution parser's sentence, prefixed by the key and located at the value. */
static gboolean
parser_error (GError **error, const FsNode *node, const char *key, const GError *cause)
{
  gboolean range = g_error_matches (cause, FS_TIME_ERROR, FS_TIME_ERROR_RANGE)
                   || g_error_matches (cause, FS_DIST_ERROR, FS_DIST_ERROR_RANGE);

  return fs_node_error (error, node, range ? FS_SCENARIO_ERROR_RANGE : FS_SCENARIO_ERROR_TYPE,
                        "'%s': %s", key, cause->message);
}

/* --- one value of each type ----------------------------------------------------------------- */

gboolean
fs_schema_scalar (const FsNode *node, const char *key, GError **error)
{
  g_return_val_if_fail (node != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (node->kind == FS_NODE_SCALAR)
    return TRUE;
  return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE, "'%s' must be a single value, got %s",
                        key, fs_node_kind_name (node->kind));
}

static gboolean
read_name (const FsNode *node, const char *key, char **out, GError **error)
{
  const char *text = node->text;
  g_autofree char *got = shown (text);
  size_t len = strlen (text);

  if (len == 0 || strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789_.-") != len)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE,
                          "'%s' must be a name of letters, digits, '.', '-' or '_' (got '%s')",
                          key, got);
  if (!g_ascii_isalnum (text[0]))
    return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE,
                          "'%s' must start with a letter or digit (got '%s')", key, got);
  if (len > NAME_MAX_CHARS)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_RANGE,
                          "'%s' must be at most %d characters long, got %zu", key,
                          NAME_MAX_CHARS, len);
  *out = g_strdup (text);
  return TRUE;
}

static gboolean
read_bool (const FsNode *node, const char *key, gboolean *out, GError **error)
{
  static const char *const yes[] = { "true", "yes", "on", NULL };
  static const char *const no[] = { "false", "no", "off", NULL };
  g_autofree char *lower = g_ascii_strdown (node->text, -1);
  g_autofree char *got = shown (node->text);
  gboolean is_yes = g_strv_contains (yes, lower);
  gboolean is_no = g_strv_contains (no, lower);

  /* Quotes make a string on purpose; reading 'no' as false would undo that. */
  if ((is_yes || is_no) && node->quoted)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE,
                          "'%s' must be true or false without quotes, got '%s' in quotes", key,
                          got);
  if (!is_yes && !is_no)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE,
                          "'%s' must be true or false, got '%s'", key, got);
  *out = is_yes;
  return TRUE;
}

static gboolean
read_int (const FsNode *node, const char *key, int64_t min, int64_t max, int64_t *out,
          GError **error)
{
  g_autoptr (GError) parse_error = NULL;
  gint64 value;

  if (!g_ascii_string_to_signed (node->text, 10, G_MININT64, G_MAXINT64, &value, &parse_error))
    {
      g_autofree char *got = shown (node->text);

      if (g_error_matches (parse_error, G_NUMBER_PARSER_ERROR,
                           G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
        {
          char lo[32], hi[32];

          g_snprintf (lo, sizeof lo, "%" G_GINT64_FORMAT, max > min ? min : G_MININT64);
          g_snprintf (hi, sizeof hi, "%" G_GINT64_FORMAT, max > min ? max : G_MAXINT64);
          return out_of_range (error, node, key, lo, hi);
        }
      return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE,
                            "'%s' must be a whole number, got '%s'", key, got);
    }
  if (max > min && (value < min || value > max))
    {
      char lo[32], hi[32];

      g_snprintf (lo, sizeof lo, "%" G_GINT64_FORMAT, min);
      g_snprintf (hi, sizeof hi, "%" G_GINT64_FORMAT, max);
      return out_of_range (error, node, key, min == G_MININT64 ? NULL : lo,
                           max == G_MAXINT64 ? NULL : hi);
    }
  *out = value;
  return TRUE;
}

static gboolean
read_uint64 (const FsNode *node, const char *key, uint64_t *out, GError **error)
{
  g_autoptr (GError) parse_error = NULL;
  guint64 value;

  if (!g_ascii_string_to_unsigned (node->text, 10, 0, G_MAXUINT64, &value, &parse_error))
    {
      g_autofree char *got = shown (node->text);
      char hi[32];

      if (g_error_matches (parse_error, G_NUMBER_PARSER_ERROR,
                           G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
        {
          g_snprintf (hi, sizeof hi, "%" G_GUINT64_FORMAT, G_MAXUINT64);
          return out_of_range (error, node, key, "0", hi);
        }
      return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE,
                            "'%s' must be a whole number, 0 or more, got '%s'", key, got);
    }
  *out = value;
  return TRUE;
}

/* A finite decimal number, the whole text. The character filter is what keeps out what
 * g_ascii_strtod alone would also take: "inf", "nan", hexadecimal and leading blanks. */
static gboolean
parse_decimal (const char *text, size_t len, double *out)
{
  g_autofree char *copy = g_strndup (text, len);
  char *end;
  double value;

  if (len == 0 || strspn (copy, "0123456789+-.eE") != len)
    return FALSE;
  value = g_ascii_strtod (copy, &end);
  if (end != copy + len || !isfinite (value))
    return FALSE;
  *out = value;
  return TRUE;
}

static gboolean
read_double (const FsNode *node, const char *key, double min, double max, double *out,
             GError **error)
{
  double value;

  if (!parse_decimal (node->text, strlen (node->text), &value))
    {
      g_autofree char *got = shown (node->text);
      return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE, "'%s' must be a number, got '%s'",
                            key, got);
    }
  if (max > min && (value < min || value > max))
    {
      char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (lo, sizeof lo, "%g", min);
      g_ascii_formatd (hi, sizeof hi, "%g", max);
      return out_of_range (error, node, key, isfinite (min) ? lo : NULL,
                           isfinite (max) ? hi : NULL);
    }
  *out = value;
  return TRUE;
}

static gboolean
read_prob (const FsNode *node, const char *key, double *out, GError **error)
{
  const char *text = node->text;
  size_t len = strlen (text);
  gboolean percent = len > 0 && text[len - 1] == '%';
  double value;

  if (!parse_decimal (text, percent ? len - 1 : len, &value))
    {
      g_autofree char *got = shown (text);
      return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE,
                            "'%s' must be a probability between 0 and 1 (or a percentage such "
                            "as 5%%), got '%s'", key, got);
    }
  if (percent)
    value /= 100.0;
  if (value < 0.0 || value > 1.0)
    {
      g_autofree char *got = shown (text);
      return fs_node_error (error, node, FS_SCENARIO_ERROR_RANGE,
                            "'%s' must be a probability between 0 and 1 (or a percentage such "
                            "as 5%%), got %s", key, got);
    }
  *out = value;
  return TRUE;
}

static gboolean
read_duration (const FsNode *node, const char *key, FsTime min, FsTime max, FsTime *out,
               GError **error)
{
  g_autoptr (GError) parse_error = NULL;
  FsTime value;

  if (!fs_time_parse (node->text, &value, &parse_error))
    return parser_error (error, node, key, parse_error);
  if (max > min && (value < min || value > max))
    {
      char lo[FS_TIME_BUFSZ], hi[FS_TIME_BUFSZ];

      fs_time_format (min, lo, sizeof lo);
      fs_time_format (max, hi, sizeof hi);
      /* Durations are never negative, so a lower bound of 0 says nothing. */
      return out_of_range (error, node, key, min > 0 ? lo : NULL, max < FS_TIME_MAX ? hi : NULL);
    }
  *out = value;
  return TRUE;
}

static FsDist *
read_dist (const FsNode *node, const char *key, GError **error)
{
  g_autoptr (GError) parse_error = NULL;
  FsDist *dist = fs_dist_parse (node->text, &parse_error);

  if (dist == NULL)
    parser_error (error, node, key, parse_error);
  return dist;
}

static gboolean
read_enum (const FsNode *node, const char *key, const char *const *choices, int *out,
           GError **error)
{
  g_autofree char *list = NULL;
  g_autofree char *got = NULL;
  const char *guess;

  for (int i = 0; choices[i] != NULL; i++)
    if (strcmp (choices[i], node->text) == 0)
      {
        *out = i;
        return TRUE;
      }

  list = g_strjoinv (", ", (char **) choices);
  got = shown (node->text);
  guess = fs_node_closest (node->text, choices);
  if (guess != NULL)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_RANGE,
                          "'%s' must be one of %s; got '%s', did you mean '%s'?", key, list, got,
                          guess);
  return fs_node_error (error, node, FS_SCENARIO_ERROR_RANGE, "'%s' must be one of %s; got '%s'",
                        key, list, got);
}

/* Reads @node as @field says into @slot; the one path for values, defaults and the
 * single-value readers. Leaves @slot alone on failure. */
static gboolean
read_value (const FsNode *node, const FsField *field, void *slot, GError **error)
{
  const char *key = field->key;

  if (field->type == FS_FIELD_NODE)
    {
      *(const FsNode **) slot = node;
      return TRUE;
    }
  if (!fs_schema_scalar (node, key, error))
    return FALSE;

  switch (field->type)
    {
    case FS_FIELD_STRING:
      *(char **) slot = g_strdup (node->text);
      return TRUE;
    case FS_FIELD_NAME:
      return read_name (node, key, (char **) slot, error);
    case FS_FIELD_BOOL:
      return read_bool (node, key, (gboolean *) slot, error);
    case FS_FIELD_INT:
      return read_int (node, key, field->min, field->max, (int64_t *) slot, error);
    case FS_FIELD_UINT64:
      return read_uint64 (node, key, (uint64_t *) slot, error);
    case FS_FIELD_DOUBLE:
      return read_double (node, key, field->dmin, field->dmax, (double *) slot, error);
    case FS_FIELD_PROB:
      return read_prob (node, key, (double *) slot, error);
    case FS_FIELD_DURATION:
      return read_duration (node, key, field->min, field->max, (FsTime *) slot, error);
    case FS_FIELD_DIST:
      {
        FsDist *dist = read_dist (node, key, error);

        if (dist == NULL)
          return FALSE;
        *(FsDist **) slot = dist;
        return TRUE;
      }
    case FS_FIELD_ENUM:
      return read_enum (node, key, field->choices, (int *) slot, error);
    case FS_FIELD_NODE:
    default:
      g_assert_not_reached ();
    }
}

/* Defaults are scenario text read like any value, so they cannot mean something a user
 * writing the same text would not get. One that does not read is a bug in the table. */
static void
read_default (const FsField *field, void *slot)
{
  FsNode node = { FS_NODE_SCALAR, "default", 0, 0, (char *) field->def, FALSE, NULL };
  g_autoptr (GError) error = NULL;

  if (field->type == FS_FIELD_NODE)
    g_error ("schema: '%s' is a node field and cannot have a default", field->key);
  if (!read_value (&node, field, slot, &error))
    g_error ("schema: the default of '%s' does not read: %s", field->key, error->message);
}

static size_t
field_size (FsFieldType type)
{
  switch (type)
    {
    case FS_FIELD_STRING:
    case FS_FIELD_NAME:
      return sizeof (char *);
    case FS_FIELD_BOOL:
      return sizeof (gboolean);
    case FS_FIELD_INT:
      return sizeof (int64_t);
    case FS_FIELD_UINT64:
      return sizeof (uint64_t);
    case FS_FIELD_DOUBLE:
    case FS_FIELD_PROB:
      return sizeof (double);
    case FS_FIELD_DURATION:
      return sizeof (FsTime);
    case FS_FIELD_DIST:
      return sizeof (FsDist *);
    case FS_FIELD_ENUM:
      return sizeof (int);
    case FS_FIELD_NODE:
      return sizeof (const FsNode *);
    default:
      g_assert_not_reached ();
    }
}

/* --- a whole mapping ------------------------------------------------------------------------ */

static guint
count_fields (const FsField *fields)
{
  guint n = 0;

  while (fields[n].key != NULL)
    n++;
  return n;
}

const char **
fs_schema_keys (const FsField *fields)
{
  guint n;
  const char **keys;

  g_return_val_if_fail (fields != NULL, NULL);

  n = count_fields (fields);
  keys = g_new0 (const char *, n + 1);
  for (guint i = 0; i < n; i++)
    keys[i] = fields[i].key;
  return keys;
}

static gboolean
unknown_key (GError **error, const FsNode *key, const char *what, const FsField *fields)
{
  g_autofree const char **keys = fs_schema_keys (fields);
  g_autofree char *got = shown (key->text);
  const char *guess = fs_node_closest (key->text, keys);
  g_autofree char *list = NULL;

  if (guess != NULL)
    return fs_node_error (error, key, FS_SCENARIO_ERROR_UNKNOWN_KEY,
                          "unknown key '%s' in %s; did you mean '%s'?", got, what, guess);
  list = g_strjoinv (", ", (char **) keys);
  return fs_node_error (error, key, FS_SCENARIO_ERROR_UNKNOWN_KEY,
                        "unknown key '%s' in %s; expected one of: %s", got, what, list);
}

gboolean
fs_schema_read (const FsNode *map, const char *what, const FsField *fields, void *target,
                GError **error)
{
  g_autofree gboolean *seen = NULL;
  guint n;

  g_return_val_if_fail (map != NULL, FALSE);
  g_return_val_if_fail (what != NULL, FALSE);
  g_return_val_if_fail (fields != NULL, FALSE);
  g_return_val_if_fail (target != NULL, FALSE);

  /* Every field starts empty, so a failure part-way leaves only values that
   * fs_schema_clear() can free. */
  n = count_fields (fields);
  for (guint i = 0; i < n; i++)
    memset (SLOT (target, &fields[i]), 0, field_size (fields[i].type));

  if (map->kind != FS_NODE_MAP)
    return fs_node_error (error, map, FS_SCENARIO_ERROR_TYPE,
                          "%s %s must be a mapping (key: value lines), got %s", article (what),
                          what, fs_node_kind_name (map->kind));

  /* In the order of the file, so the first problem reported is the first one written. */
  seen = g_new0 (gboolean, n);
  for (guint k = 0; k < fs_node_len (map); k++)
    {
      const FsNode *key = fs_node_key (map, k);
      const FsNode *value = fs_node_value (map, k);
      guint i;

      for (i = 0; i < n; i++)
        if (strcmp (fields[i].key, key->text) == 0)
          break;
      if (i == n)
        return unknown_key (error, key, what, fields);
      if (is_null (value))
        continue;
      if (!read_value (value, &fields[i], SLOT (target, &fields[i]), error))
        return FALSE;
      seen[i] = TRUE;
    }

  for (guint i = 0; i < n; i++)
    {
      if (seen[i])
        continue;
      if (fields[i].required)
        return fs_node_error (error, map, FS_SCENARIO_ERROR_MISSING,
                              "%s is missing required key '%s'", what, fields[i].key);
      if (fields[i].def != NULL)
        read_default (&fields[i], SLOT (target, &fields[i]));
    }
  return TRUE;
}

void
fs_schema_clear (const FsField *fields, void *target)
{
  g_return_if_fail (fields != NULL);
  g_return_if_fail (target != NULL);

  for (const FsField *f = fields; f->key != NULL; f++)
    {
      switch (f->type)
        {
        case FS_FIELD_STRING:
        case FS_FIELD_NAME:
          g_clear_pointer ((char **) SLOT (target, f), g_free);
          break;
        case FS_FIELD_DIST:
          g_clear_pointer ((FsDist **) SLOT (target, f), fs_dist_free);
          break;
        case FS_FIELD_BOOL:
        case FS_FIELD_INT:
        case FS_FIELD_UINT64:
        case FS_FIELD_DOUBLE:
        case FS_FIELD_PROB:
        case FS_FIELD_DURATION:
        case FS_FIELD_ENUM:
        case FS_FIELD_NODE:
        default:
          break;
        }
    }
}

/* --- single values -------------------------------------------------------------------------- */

gboolean
fs_schema_get_duration (const FsNode *node, const char *key, FsTime *out, GError **error)
{
  FsField field = { .key = key, .type = FS_FIELD_DURATION };

  g_return_val_if_fail (node != NULL && key != NULL && out != NULL, FALSE);
  return read_value (node, &field, out, error);
}

gboolean
fs_schema_get_int (const FsNode *node, const char *key, int64_t min, int64_t max, int64_t *out,
                   GError **error)
{
  FsField field = { .key = key, .type = FS_FIELD_INT, .min = min, .max = max };

  g_return_val_if_fail (node != NULL && key != NULL && out != NULL, FALSE);
  return read_value (node, &field, out, error);
}

gboolean
fs_schema_get_bool (const FsNode *node, const char *key, gboolean *out, GError **error)
{
  FsField field = { .key = key, .type = FS_FIELD_BOOL };

  g_return_val_if_fail (node != NULL && key != NULL && out != NULL, FALSE);
  return read_value (node, &field, out, error);
}

FsDist *
fs_schema_get_dist (const FsNode *node, const char *key, GError **error)
{
  FsField field = { .key = key, .type = FS_FIELD_DIST };
  FsDist *dist = NULL;

  g_return_val_if_fail (node != NULL && key != NULL, NULL);
  if (!read_value (node, &field, &dist, error))
    return NULL;
  return dist;
}

int
fs_schema_resolve (const FsNode *node, const char *what, const char *const *names, guint n,
                   GError **error)
{
  g_autofree const char **terminated = NULL;
  const char *close;
  guint i;

  if (node == NULL || node->kind != FS_NODE_SCALAR)
    {
      fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE, "a %s must be named by a single value", what);
      return -1;
    }
  for (i = 0; i < n; i++)
    if (strcmp (names[i], node->text) == 0)
      return (int) i;
  if (n == 0)
    {
      fs_node_error (error, node, FS_SCENARIO_ERROR_REFERENCE,
                     "no %s named '%s': the scenario declares none", what, node->text);
      return -1;
    }
  terminated = g_new0 (const char *, n + 1);
  memcpy (terminated, names, n * sizeof (const char *));
  close = fs_node_closest (node->text, terminated);
  if (close != NULL)
    fs_node_error (error, node, FS_SCENARIO_ERROR_REFERENCE, "no %s named '%s'; did you mean '%s'?",
                   what, node->text, close);
  else
    {
      g_autofree char *list = g_strjoinv (", ", (char **) terminated);
      fs_node_error (error, node, FS_SCENARIO_ERROR_REFERENCE, "no %s named '%s'; the %ss are: %s", what,
                     node->text, what, list);
    }
  return -1;
}

int
fs_schema_index_by_name (const GArray *items, size_t size, const char *name)
{
  guint i;

  for (i = 0; i < items->len; i++)
    if (strcmp (*(char *const *) (items->data + i * size), name) == 0)
      return (int) i;
  return -1;
}
