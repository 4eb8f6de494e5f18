/* node.c: YAML text to a tree of located FsNode, built from libyaml events under fixed limits. */
#include "failsim/node.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <yaml.h>

G_DEFINE_QUARK (fs-scenario-error-quark, fs_scenario_error)

#define YAML_TAG_PREFIX "tag:yaml.org,2002:"

/* --- nodes ---------------------------------------------------------------------------------- */

static FsNode *
node_new (FsNodeKind kind, const char *file, int line, int col)
{
  FsNode *node = g_new0 (FsNode, 1);

  node->kind = kind;
  node->file = file;
  node->line = line;
  node->col = col;
  if (kind != FS_NODE_SCALAR)
    node->items = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_node_free);
  return node;
}

/* Takes @text. */
static FsNode *
scalar_new (const char *file, int line, int col, char *text, gboolean quoted)
{
  FsNode *node = node_new (FS_NODE_SCALAR, file, line, col);

  node->text = text;
  node->quoted = quoted;
  return node;
}

/* Recursion is bounded: a loaded tree is at most FS_NODE_MAX_DEPTH deep and --set only
 * replaces or adds leaves. */
void
fs_node_free (FsNode *node)
{
  if (node == NULL)
    return;
  g_free (node->text);
  if (node->items != NULL)
    g_ptr_array_unref (node->items);
  g_free (node);
}

guint
fs_node_len (const FsNode *node)
{
  g_return_val_if_fail (node != NULL, 0);

  switch (node->kind)
    {
    case FS_NODE_MAP:
      return node->items->len / 2;
    case FS_NODE_SEQ:
      return node->items->len;
    case FS_NODE_SCALAR:
    default:
      return 0;
    }
}

const FsNode *
fs_node_key (const FsNode *map, guint i)
{
  g_return_val_if_fail (map != NULL && map->kind == FS_NODE_MAP, NULL);
  g_return_val_if_fail (i < map->items->len / 2, NULL);

  return g_ptr_array_index (map->items, 2 * i);
}

FsNode *
fs_node_value (const FsNode *map, guint i)
{
  g_return_val_if_fail (map != NULL && map->kind == FS_NODE_MAP, NULL);
  g_return_val_if_fail (i < map->items->len / 2, NULL);

  return g_ptr_array_index (map->items, 2 * i + 1);
}

FsNode *
fs_node_item (const FsNode *seq, guint i)
{
  g_return_val_if_fail (seq != NULL && seq->kind == FS_NODE_SEQ, NULL);
  g_return_val_if_fail (i < seq->items->len, NULL);

  return g_ptr_array_index (seq->items, i);
}

/* The pair index of @key in @map, or -1. Linear: a scenario mapping holds a handful of keys. */
static int
map_find (const FsNode *map, const char *key)
{
  for (guint i = 0; i + 1 < map->items->len; i += 2)
    {
      const FsNode *k = g_ptr_array_index (map->items, i);
      if (strcmp (k->text, key) == 0)
        return (int) (i / 2);
    }
  return -1;
}

FsNode *
fs_node_get (const FsNode *map, const char *key)
{
  int i;

  g_return_val_if_fail (key != NULL, NULL);

  if (map == NULL || map->kind != FS_NODE_MAP)
    return NULL;
  i = map_find (map, key);
  return i < 0 ? NULL : fs_node_value (map, (guint) i);
}

const char *
fs_node_kind_name (FsNodeKind kind)
{
  switch (kind)
    {
    case FS_NODE_MAP:
      return "a mapping";
    case FS_NODE_SEQ:
      return "a list";
    case FS_NODE_SCALAR:
      return "a single value";
    default:
      return "an unknown node";
    }
}

/* --- messages ------------------------------------------------------------------------------- */

/* A node without a line (a file that cannot be read) is located by its file alone. */
static char *
locate (const FsNode *at, const char *severity, const char *message)
{
  if (at == NULL)
    return g_strdup_printf ("%s: %s", severity, message);
  if (at->line <= 0)
    return g_strdup_printf ("%s: %s: %s", at->file, severity, message);
  return g_strdup_printf ("%s:%d:%d: %s: %s", at->file, at->line, at->col, severity, message);
}

gboolean
fs_node_verror (GError **error, const FsNode *at, FsScenarioError code,
                const char *format, va_list args)
{
  g_autofree char *message = NULL;
  g_autofree char *located = NULL;

  if (error == NULL)
    return FALSE;
  message = g_strdup_vprintf (format, args);
  located = locate (at, "error", message);
  g_set_error_literal (error, FS_SCENARIO_ERROR, code, located);
  return FALSE;
}

gboolean
fs_node_error (GError **error, const FsNode *at, FsScenarioError code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  fs_node_verror (error, at, code, format, args);
  va_end (args);
  return FALSE;
}

char *
fs_node_warning (const FsNode *at, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  return locate (at, "warning", message);
}

/* --- did you mean --------------------------------------------------------------------------- */

/* Edit distance with adjacent transpositions counted as one edit (optimal string alignment),
 * ignoring ASCII case, with three rows: "sties" is one slip from "sites", not two. */
static size_t
edit_distance (const char *a, size_t la, const char *b, size_t lb)
{
  g_autofree size_t *rows = g_new (size_t, 3 * (lb + 1));
  size_t *older = rows, *prev = rows + (lb + 1), *cur = rows + 2 * (lb + 1);

  for (size_t j = 0; j <= lb; j++)
    prev[j] = j;
  for (size_t i = 1; i <= la; i++)
    {
      size_t *swap;
      char ai = g_ascii_tolower (a[i - 1]);

      cur[0] = i;
      for (size_t j = 1; j <= lb; j++)
        {
          char bj = g_ascii_tolower (b[j - 1]);
          size_t best = prev[j - 1] + (ai == bj ? 0 : 1);

          best = MIN (best, prev[j] + 1);
          best = MIN (best, cur[j - 1] + 1);
          if (i > 1 && j > 1 && ai == g_ascii_tolower (b[j - 2]) && g_ascii_tolower (a[i - 2]) == bj)
            best = MIN (best, older[j - 2] + 1);
          cur[j] = best;
        }
      swap = older;
      older = prev;
      prev = cur;
      cur = swap;
    }
  return prev[lb];
}

/* "cloud_region" for "cloud-region": the two separators are the commonest slip of all. */
static gboolean
equal_but_separators (const char *a, const char *b)
{
  for (; *a != '\0' && *b != '\0'; a++, b++)
    {
      char x = *a == '-' ? '_' : g_ascii_tolower (*a);
      char y = *b == '-' ? '_' : g_ascii_tolower (*b);

      if (x != y)
        return FALSE;
    }
  return *a == *b;
}

const char *
fs_node_closest (const char *word, const char *const *candidates)
{
  size_t len, limit, best_distance;
  const char *best = NULL;

  g_return_val_if_fail (word != NULL, NULL);

  if (candidates == NULL)
    return NULL;
  len = strlen (word);
  limit = MAX (1, len / 3);
  best_distance = limit + 1;
  for (const char *const *c = candidates; *c != NULL; c++)
    {
      size_t clen = strlen (*c);
      size_t d;

      /* The distance is at least the difference in length: skip the table when that is
       * already too far, which also keeps a hostile megabyte-long key cheap. */
      if ((clen > len ? clen - len : len - clen) > limit)
        continue;
      d = edit_distance (word, len, *c, clen);
      if (d > 1 && equal_but_separators (word, *c))
        d = 1;
      if (d < best_distance)
        {
          best = *c;
          best_distance = d;
        }
    }
  return best;
}

/* --- loading -------------------------------------------------------------------------------- */

typedef struct {
  FsNode *node;          /* an open MAP or SEQ, owned by its parent (or the loader, for the root) */
  GHashTable *keys;      /* MAP: key text -> key node, to find duplicates without a scan */
  int key_end_line;      /* MAP: where the last key ended, 1-based, to place an empty value */
  int key_end_col;
} Frame;

typedef struct {
  const char *file;      /* interned */
  const char *data;
  size_t len;
  FsNode *root;          /* owned */
  Frame stack[FS_NODE_MAX_DEPTH];
  int depth;             /* open collections on the stack */
  int documents;
} Loader;

/* The position of @mark as a synthetic node, to locate messages about what is not a node. */
static FsNode
mark_at (const Loader *ld, yaml_mark_t mark)
{
  FsNode at = { FS_NODE_SCALAR, ld->file, (int) mark.line + 1, (int) mark.column + 1,
                NULL, FALSE, NULL };

  return at;
}

/* Line and column (in characters) of byte @offset, for problems found before libyaml has
 * marks: the bytes before @offset are known to be valid UTF-8. */
static FsNode
offset_at (const char *file, const char *data, size_t offset)
{
  FsNode at = { FS_NODE_SCALAR, file, 1, 1, NULL, FALSE, NULL };
  size_t bol = 0;

  for (size_t i = 0; i < offset; i++)
    if (data[i] == '\n')
      {
        at.line++;
        bol = i + 1;
      }
  for (size_t i = bol; i < offset; i++)
    if (((guchar) data[i] & 0xC0) != 0x80)
      at.col++;
  return at;
}

/* Tags that only restate what the text already is are harmless; anything else asks for a
 * type failsim would ignore, so it is refused rather than silently dropped. */
static gboolean
tag_allowed (const char *tag, FsNodeKind kind)
{
  static const char *const scalar_tags[] = { "str", "int", "float", "bool", "null", NULL };
  const char *name;

  if (tag == NULL || strcmp (tag, "!") == 0)
    return TRUE;
  if (!g_str_has_prefix (tag, YAML_TAG_PREFIX))
    return FALSE;
  name = tag + strlen (YAML_TAG_PREFIX);
  switch (kind)
    {
    case FS_NODE_MAP:
      return strcmp (name, "map") == 0;
    case FS_NODE_SEQ:
      return strcmp (name, "seq") == 0;
    case FS_NODE_SCALAR:
    default:
      return g_strv_contains (scalar_tags, name);
    }
}

static gboolean
check_properties (Loader *ld, const yaml_event_t *event, const char *anchor, const char *tag,
                  FsNodeKind kind, GError **error)
{
  FsNode at = mark_at (ld, event->start_mark);

  if (anchor != NULL)
    return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX,
                          "anchors and aliases (&, *) are not supported");
  if (!tag_allowed (tag, kind))
    {
      g_autofree char *shown = g_str_has_prefix (tag, YAML_TAG_PREFIX)
                                 ? g_strconcat ("!!", tag + strlen (YAML_TAG_PREFIX), NULL)
                                 : g_strdup (tag);

      return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX,
                            "tags such as '%s' are not supported", shown);
    }
  return TRUE;
}

/* Scenario text is printed to terminals (run, --narrate, an exercise's briefing) and written to
 * reports, so a shared file must not carry control characters: "\e]0;...\a" would retitle the
 * reader's terminal, "\e[2J" clear it, "\r" overwrite a line with something else. Tab and line
 * feed are text; every other C0 control, DEL and the C1 controls (U+0080 to U+009F, which
 * some terminals obey as well) are refused. libyaml has already checked the UTF-8. */
static gboolean
check_controls (Loader *ld, const yaml_event_t *event, const char *value, size_t length,
                GError **error)
{
  const guchar *v = (const guchar *) value;
  size_t i;

  for (i = 0; i < length; i++)
    {
      guint code = v[i];

      if (v[i] == 0xC2 && i + 1 < length && v[i + 1] >= 0x80 && v[i + 1] <= 0x9F)
        code = v[i + 1];
      else if (!(v[i] < 0x20 && v[i] != '\t' && v[i] != '\n') && v[i] != 0x7F)
        continue;
      {
        FsNode at = mark_at (ld, event->start_mark);
        return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX,
                              "a control character (U+%04X) is not allowed in a value: scenario "
                              "text is shown in terminals and reports", code);
      }
    }
  return TRUE;
}

/* Hands @node to its parent (or makes it the root), checking what only the parent knows.
 * Takes @node, even on failure. */
static gboolean
attach (Loader *ld, FsNode *node, GError **error)
{
  Frame *top;

  if (ld->depth == 0)
    {
      g_assert (ld->root == NULL);
      ld->root = node;
      /* Said as soon as the root starts, before the rest of a wrong file is read. */
      if (node->kind == FS_NODE_SCALAR && !node->quoted && node->text[0] == '\0')
        {
          FsNode at = { FS_NODE_SCALAR, ld->file, 1, 1, NULL, FALSE, NULL };
          return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX,
                                "the file is empty: a scenario is a YAML mapping");
        }
      if (node->kind != FS_NODE_MAP)
        return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE,
                              "the top level must be a mapping (key: value lines), not %s",
                              fs_node_kind_name (node->kind));
      return TRUE;
    }

  top = &ld->stack[ld->depth - 1];
  if (top->node->kind == FS_NODE_MAP && top->node->items->len % 2 == 0)
    {
      FsNode *first;

      if (node->kind != FS_NODE_SCALAR)
        {
          fs_node_error (error, node, FS_SCENARIO_ERROR_SYNTAX,
                         "a key must be a single value, not %s", fs_node_kind_name (node->kind));
          fs_node_free (node);
          return FALSE;
        }
      if (top->keys == NULL)
        top->keys = g_hash_table_new (g_str_hash, g_str_equal);
      first = g_hash_table_lookup (top->keys, node->text);
      if (first != NULL)
        {
          fs_node_error (error, node, FS_SCENARIO_ERROR_DUPLICATE,
                         "duplicate key '%s' (first at line %d)", node->text, first->line);
          fs_node_free (node);
          return FALSE;
        }
      g_hash_table_insert (top->keys, node->text, node);
    }
  g_ptr_array_add (top->node->items, node);
  return TRUE;
}

static gboolean
open_collection (Loader *ld, const yaml_event_t *event, FsNodeKind kind, GError **error)
{
  const char *anchor, *tag;
  FsNode *node;

  if (kind == FS_NODE_MAP)
    {
      anchor = (const char *) event->data.mapping_start.anchor;
      tag = (const char *) event->data.mapping_start.tag;
    }
  else
    {
      anchor = (const char *) event->data.sequence_start.anchor;
      tag = (const char *) event->data.sequence_start.tag;
    }
  if (!check_properties (ld, event, anchor, tag, kind, error))
    return FALSE;
  if (ld->depth == FS_NODE_MAX_DEPTH)
    {
      FsNode at = mark_at (ld, event->start_mark);
      return fs_node_error (error, &at, FS_SCENARIO_ERROR_LIMIT,
                            "nested too deeply: at most %d levels of mappings and lists",
                            FS_NODE_MAX_DEPTH);
    }

  node = node_new (kind, ld->file, (int) event->start_mark.line + 1,
                   (int) event->start_mark.column + 1);
  if (!attach (ld, node, error))
    return FALSE;
  ld->stack[ld->depth] = (Frame) { node, NULL, 0, 0 };
  ld->depth++;
  return TRUE;
}

static void
close_collection (Loader *ld)
{
  Frame *top;

  g_assert (ld->depth > 0);
  top = &ld->stack[--ld->depth];
  g_clear_pointer (&top->keys, g_hash_table_unref);
}

static gboolean
add_scalar (Loader *ld, const yaml_event_t *event, GError **error)
{
  const char *value = (const char *) event->data.scalar.value;
  size_t length = event->data.scalar.length;
  gboolean quoted = event->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
  const char *tag = (const char *) event->data.scalar.tag;
  int line = (int) event->start_mark.line + 1;
  int col = (int) event->start_mark.column + 1;
  Frame *top = ld->depth > 0 ? &ld->stack[ld->depth - 1] : NULL;
  gboolean is_value = top != NULL && top->node->kind == FS_NODE_MAP
                      && top->node->items->len % 2 == 1;
  FsNode *node;

  if (!check_properties (ld, event, (const char *) event->data.scalar.anchor, tag,
                         FS_NODE_SCALAR, error))
    return FALSE;
  /* A "\0" escape would cut the C string short without anyone noticing. */
  if (memchr (value, '\0', length) != NULL)
    {
      FsNode at = mark_at (ld, event->start_mark);
      return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX,
                            "a NUL character (\\0) is not allowed in a value");
    }
  if (!check_controls (ld, event, value, length, error))
    return FALSE;
  /* "!!str 42" and "! 42" ask for a string just as quotes do. */
  if (tag != NULL && (strcmp (tag, "!") == 0 || strcmp (tag, YAML_TAG_PREFIX "str") == 0))
    quoted = TRUE;

  /* libyaml places an empty value ("key:" then a new line) at the token that follows it,
   * often the next key; just after the key's colon is where a reader would look. */
  if (is_value && length == 0 && !quoted && top->key_end_line > 0)
    {
      line = top->key_end_line;
      col = top->key_end_col + 1;
    }

  node = scalar_new (ld->file, line, col, g_strndup (value, length), quoted);
  if (!is_value && top != NULL && top->node->kind == FS_NODE_MAP)
    {
      top->key_end_line = (int) event->end_mark.line + 1;
      top->key_end_col = (int) event->end_mark.column + 1;
    }
  return attach (ld, node, error);
}

static gboolean
handle_event (Loader *ld, const yaml_event_t *event, GError **error)
{
  switch (event->type)
    {
    case YAML_DOCUMENT_START_EVENT:
      if (ld->documents++ > 0)
        {
          FsNode at = mark_at (ld, event->start_mark);
          return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX,
                                "a second YAML document: a scenario file holds exactly one");
        }
      return TRUE;
    case YAML_MAPPING_START_EVENT:
      return open_collection (ld, event, FS_NODE_MAP, error);
    case YAML_SEQUENCE_START_EVENT:
      return open_collection (ld, event, FS_NODE_SEQ, error);
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
      close_collection (ld);
      return TRUE;
    case YAML_SCALAR_EVENT:
      return add_scalar (ld, event, error);
    case YAML_ALIAS_EVENT:
      {
        FsNode at = mark_at (ld, event->start_mark);
        return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX,
                              "anchors and aliases (&, *) are not supported");
      }
    case YAML_NO_EVENT:
    case YAML_STREAM_START_EVENT:
    case YAML_STREAM_END_EVENT:
    case YAML_DOCUMENT_END_EVENT:
    default:
      return TRUE;
    }
}

/* The character at @mark, found by line and column since libyaml counts in characters. */
static char
char_at (const Loader *ld, yaml_mark_t mark)
{
  const char *p = ld->data, *end = ld->data + ld->len;

  for (size_t line = 0; line < mark.line && p < end; p++)
    if (*p == '\n')
      line++;
  for (size_t col = 0; col < mark.column && p < end && *p != '\n'; col++)
    p = g_utf8_next_char (p);
  return p < end ? *p : '\0';
}

static gboolean
parser_error (const Loader *ld, const yaml_parser_t *parser, GError **error)
{
  FsNode at;

  switch (parser->error)
    {
    case YAML_READER_ERROR:
      /* Invalid UTF-8 is caught before parsing; what is left here is a control character or
       * a code point YAML does not allow, at a byte offset rather than a mark. */
      at = offset_at (ld->file, ld->data, MIN (parser->problem_offset, ld->len));
      if (parser->problem_value >= 0)
        return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX,
                              "not a text file: character U+%04X at byte %zu is not allowed",
                              (unsigned) parser->problem_value, parser->problem_offset);
      return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX, "not a text file: %s at byte %zu",
                            parser->problem, parser->problem_offset);
    case YAML_SCANNER_ERROR:
    case YAML_PARSER_ERROR:
      at = mark_at (ld, parser->problem_mark);
      /* libyaml's "found character that cannot start any token" does not say the one
       * thing to fix: YAML indents with spaces only. */
      if (parser->error == YAML_SCANNER_ERROR && char_at (ld, parser->problem_mark) == '\t')
        return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX,
                              "YAML: a tab cannot indent; indent with spaces");
      if (parser->context != NULL)
        return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX, "YAML: %s (%s at line %zu)",
                              parser->problem, parser->context, parser->context_mark.line + 1);
      return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX, "YAML: %s", parser->problem);
    case YAML_MEMORY_ERROR:
    default:
      at = mark_at (ld, parser->problem_mark);
      return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX, "YAML: %s",
                            parser->problem != NULL ? parser->problem : "cannot parse");
    }
}

/* Refuses what libyaml would otherwise decode (UTF-16 after a BOM) or misreport (a NUL
 * ends a C string): a scenario is UTF-8 text. */
static gboolean
check_text (const char *file, const char *data, size_t len, GError **error)
{
  const char *end;
  FsNode at;

  if (g_utf8_validate_len (data, len, &end))
    return TRUE;
  at = offset_at (file, data, (size_t) (end - data));
  if (*end == '\0')
    return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX,
                          "not a text file: a NUL byte at byte %zu", (size_t) (end - data));
  return fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX,
                        "not a text file: invalid UTF-8 at byte %zu", (size_t) (end - data));
}

static gboolean
check_size (const char *file, guint64 size, GError **error)
{
  FsNode at = { FS_NODE_SCALAR, file, 1, 1, NULL, FALSE, NULL };

  if (size <= FS_NODE_MAX_BYTES)
    return TRUE;
  return fs_node_error (error, &at, FS_SCENARIO_ERROR_LIMIT,
                        "the file is too large (%.1f MiB): a scenario may be at most %d MiB",
                        (double) size / (1024.0 * 1024.0), FS_NODE_MAX_BYTES / (1024 * 1024));
}

static FsNode *
load (const char *file, const char *data, size_t len, GError **error)
{
  Loader ld = { .file = file, .data = data, .len = len };
  yaml_parser_t parser;
  yaml_event_t event;
  gboolean ok = TRUE;

  if (!check_size (file, len, error) || !check_text (file, data, len, error))
    return NULL;

  if (!yaml_parser_initialize (&parser))
    g_error ("yaml_parser_initialize: out of memory");
  yaml_parser_set_encoding (&parser, YAML_UTF8_ENCODING);
  yaml_parser_set_input_string (&parser, (const unsigned char *) data, len);
  for (;;)
    {
      yaml_event_type_t type;

      if (!yaml_parser_parse (&parser, &event))
        {
          ok = parser_error (&ld, &parser, error);
          break;
        }
      type = event.type;
      ok = handle_event (&ld, &event, error);
      yaml_event_delete (&event);
      if (!ok || type == YAML_STREAM_END_EVENT)
        break;
    }
  yaml_parser_delete (&parser);

  while (ld.depth > 0)
    close_collection (&ld);
  if (ok && ld.root == NULL)
    {
      FsNode at = { FS_NODE_SCALAR, file, 1, 1, NULL, FALSE, NULL };
      ok = fs_node_error (error, &at, FS_SCENARIO_ERROR_SYNTAX,
                          "the file is empty: a scenario is a YAML mapping");
    }
  if (!ok)
    {
      fs_node_free (ld.root);
      return NULL;
    }
  return ld.root;
}

FsNode *
fs_node_load_data (const char *name, const char *data, gssize len, GError **error)
{
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load (g_intern_string (name), data != NULL ? data : "",
               len < 0 ? strlen (data) : (size_t) len, error);
}

static gboolean
io_error (const char *file, int errsv, GError **error)
{
  FsNode at = { FS_NODE_SCALAR, file, 0, 0, NULL, FALSE, NULL };

  return fs_node_error (error, &at, FS_SCENARIO_ERROR_IO, "cannot read: %s", g_strerror (errsv));
}

/* Reads at most FS_NODE_MAX_BYTES + 1 bytes, so that neither a huge regular file nor an
 * endless pipe is read whole just to be refused. */
static char *
read_bounded (const char *file, int fd, size_t *len, GError **error)
{
  struct stat st;
  size_t size = 0, cap;
  g_autofree char *buf = NULL;

  if (fstat (fd, &st) < 0)
    {
      io_error (file, errno, error);
      return NULL;
    }
  if (S_ISREG (st.st_mode) && !check_size (file, (guint64) st.st_size, error))
    return NULL;
  cap = S_ISREG (st.st_mode) ? (size_t) st.st_size + 1 : 64 * 1024;
  buf = g_malloc (cap);
  for (;;)
    {
      ssize_t n;

      if (size == cap)
        {
          cap = MIN (cap * 2, (size_t) FS_NODE_MAX_BYTES + 1);
          buf = g_realloc (buf, cap);
        }
      n = read (fd, buf + size, cap - size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          io_error (file, errno, error);
          return NULL;
        }
      if (n == 0)
        break;
      size += (size_t) n;
      if (!check_size (file, size, error))
        return NULL;
    }
  *len = size;
  return g_steal_pointer (&buf);
}

FsNode *
fs_node_load_file (const char *path, GError **error)
{
  const char *file;
  g_autofree char *data = NULL;
  size_t len = 0;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = g_intern_string (path);
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      io_error (file, errno, error);
      return NULL;
    }
  data = read_bounded (file, fd, &len, error);
  close (fd);
  if (data == NULL)
    return NULL;
  return load (file, data, len, error);
}

/* --- --set ---------------------------------------------------------------------------------- */

/* Items of a list are named by their "name" key (sites, hosts) or, for entries that have no
 * name, their "id" key (timeline entries). */
static const char *const label_keys[] = { "name", "id" };

/* The names an item of a list can be reached by, for "did you mean". */
static GPtrArray *
item_names (const FsNode *seq)
{
  GPtrArray *names = g_ptr_array_new ();

  for (guint i = 0; i < seq->items->len; i++)
    for (guint k = 0; k < G_N_ELEMENTS (label_keys); k++)
      {
        const FsNode *name = fs_node_get (g_ptr_array_index (seq->items, i), label_keys[k]);
        if (name != NULL && name->kind == FS_NODE_SCALAR)
          g_ptr_array_add (names, name->text);
      }
  g_ptr_array_add (names, NULL);
  return names;
}

static GPtrArray *
map_keys (const FsNode *map)
{
  GPtrArray *keys = g_ptr_array_new ();

  for (guint i = 0; i + 1 < map->items->len; i += 2)
    g_ptr_array_add (keys, ((FsNode *) g_ptr_array_index (map->items, i))->text);
  g_ptr_array_add (keys, NULL);
  return keys;
}

/* The item of @seq that @segment names: a number from 0, or the value of its "name" or "id"
 * key. Returns -1 when there is none. */
static int
seq_find (const FsNode *seq, const char *segment, gboolean *numeric)
{
  guint64 index;

  *numeric = g_ascii_isdigit (segment[0])
             && g_ascii_string_to_unsigned (segment, 10, 0, G_MAXINT, &index, NULL);
  if (*numeric)
    return index < seq->items->len ? (int) index : -1;
  if (g_ascii_isdigit (segment[0]))
    {
      /* Digits too large for an index still mean a number, not a name. */
      *numeric = strspn (segment, "0123456789") == strlen (segment);
      if (*numeric)
        return -1;
    }
  for (guint i = 0; i < seq->items->len; i++)
    for (guint k = 0; k < G_N_ELEMENTS (label_keys); k++)
      {
        const FsNode *name = fs_node_get (g_ptr_array_index (seq->items, i), label_keys[k]);
        if (name != NULL && name->kind == FS_NODE_SCALAR && strcmp (name->text, segment) == 0)
          return (int) i;
      }
  return -1;
}

static gboolean
set_missing (GError **error, const FsNode *at, const char *path, const char *segment,
             const char *parent, const char *const *choices)
{
  const char *guess = fs_node_closest (segment, choices);
  g_autofree char *where = parent[0] == '\0' ? g_strdup ("at the top level")
                                             : g_strdup_printf ("under '%s'", parent);

  if (guess != NULL)
    return fs_node_error (error, at, FS_SCENARIO_ERROR_SET,
                          "--set %s: no '%s' %s; did you mean '%s'?", path, segment, where, guess);
  return fs_node_error (error, at, FS_SCENARIO_ERROR_SET, "--set %s: no '%s' %s",
                        path, segment, where);
}

gboolean
fs_node_apply_set (FsNode *root, const char *assignment, guint index, GError **error)
{
  FsNode at = { FS_NODE_SCALAR, g_intern_static_string ("--set"), (int) index, 1,
                NULL, FALSE, NULL };
  const char *eq;
  const char *value;
  g_autofree char *path = NULL;
  g_auto (GStrv) segments = NULL;
  FsNode *parent = NULL;   /* the container of the target ... */
  guint slot = 0;          /* ... and its place in parent->items */
  FsNode *node = root;
  size_t offset = 0;       /* of the current segment in @assignment */
  const char *last = NULL;
  size_t vlen;
  gboolean quoted;
  FsNode *scalar;

  g_return_val_if_fail (root != NULL && root->kind == FS_NODE_MAP, FALSE);
  g_return_val_if_fail (assignment != NULL, FALSE);

  if (!g_utf8_validate (assignment, -1, NULL))
    return fs_node_error (error, &at, FS_SCENARIO_ERROR_SET, "--set expects UTF-8 text");
  eq = strchr (assignment, '=');
  if (eq == NULL || eq == assignment)
    return fs_node_error (error, &at, FS_SCENARIO_ERROR_SET,
                          "--set expects KEY=VALUE, got '%s'", assignment);
  path = g_strndup (assignment, (size_t) (eq - assignment));
  value = eq + 1;
  segments = g_strsplit (path, ".", -1);

  for (guint i = 0; segments[i] != NULL; i++)
    {
      const char *segment = segments[i];
      gboolean final = segments[i + 1] == NULL;
      g_autofree char *prefix = g_strndup (path, offset > 0 ? offset - 1 : 0);

      at.col = (int) g_utf8_pointer_to_offset (assignment, assignment + offset) + 1;
      if (segment[0] == '\0')
        return fs_node_error (error, &at, FS_SCENARIO_ERROR_SET,
                              "--set %s: an empty key in the path", path);

      if (node->kind == FS_NODE_MAP)
        {
          int pair = map_find (node, segment);

          if (pair < 0 && final)
            {
              FsNode *key = scalar_new (at.file, at.line, at.col, g_strdup (segment), FALSE);

              g_ptr_array_add (node->items, key);
              g_ptr_array_add (node->items, NULL); /* filled below */
              parent = node;
              slot = node->items->len - 1;
              node = NULL;
              last = segment;
              break;
            }
          if (pair < 0)
            {
              g_autoptr (GPtrArray) keys = map_keys (node);
              return set_missing (error, &at, path, segment, prefix,
                                  (const char *const *) keys->pdata);
            }
          parent = node;
          slot = 2 * (guint) pair + 1;
        }
      else if (node->kind == FS_NODE_SEQ)
        {
          gboolean numeric;
          int item = seq_find (node, segment, &numeric);

          if (item < 0 && numeric)
            return fs_node_error (error, &at, FS_SCENARIO_ERROR_SET,
                                  "--set %s: no item %s in '%s', which has %u (numbered from 0)",
                                  path, segment, prefix, node->items->len);
          if (item < 0)
            {
              g_autoptr (GPtrArray) names = item_names (node);
              return set_missing (error, &at, path, segment, prefix,
                                  (const char *const *) names->pdata);
            }
          parent = node;
          slot = (guint) item;
        }
      else
        {
          return fs_node_error (error, &at, FS_SCENARIO_ERROR_SET,
                                "--set %s: '%s' is a single value, so it has no '%s'", path,
                                last, segment);
        }
      node = g_ptr_array_index (parent->items, slot);
      last = segment;
      offset += strlen (segment) + 1;
    }

  if (node != NULL && node->kind != FS_NODE_SCALAR)
    return fs_node_error (error, &at, FS_SCENARIO_ERROR_SET,
                          "--set %s: '%s' is %s, not a single value", path, last,
                          fs_node_kind_name (node->kind));

  vlen = strlen (value);
  quoted = vlen >= 2 && (value[0] == '\'' || value[0] == '"') && value[vlen - 1] == value[0];
  scalar = scalar_new (at.file, at.line,
                       (int) g_utf8_pointer_to_offset (assignment, value) + 1,
                       quoted ? g_strndup (value + 1, vlen - 2) : g_strdup (value), quoted);
  fs_node_free (g_ptr_array_index (parent->items, slot));
  parent->items->pdata[slot] = scalar;
  return TRUE;
}
