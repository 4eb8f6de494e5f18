/* node.h: a scenario document as a tree of YAML nodes that remember where they were written.
 *
 * Every node keeps its file, line and column, so any later check (a type, a range, a reference
 * to a site that does not exist) can point at the exact place: "FILE:LINE:COL: error: ...".
 * Values given with --set become nodes too, located at "--set:N:COL" for the N-th --set. */
#pragma once

#include <glib.h>
#include <stdarg.h>

G_BEGIN_DECLS

#define FS_SCENARIO_ERROR (fs_scenario_error_quark ())
GQuark fs_scenario_error_quark (void);

typedef enum {
  FS_SCENARIO_ERROR_IO,          /* cannot read the file */
  FS_SCENARIO_ERROR_SYNTAX,      /* not YAML, or YAML failsim does not accept (anchors, tags) */
  FS_SCENARIO_ERROR_DUPLICATE,   /* a key twice in one mapping, a name used twice */
  FS_SCENARIO_ERROR_UNKNOWN_KEY, /* a key nobody registered */
  FS_SCENARIO_ERROR_TYPE,        /* a mapping where a scalar belongs, "abc" for a number ... */
  FS_SCENARIO_ERROR_RANGE,       /* a value outside its accepted range or choices */
  FS_SCENARIO_ERROR_MISSING,     /* a required key is absent */
  FS_SCENARIO_ERROR_REFERENCE,   /* a name that refers to nothing */
  FS_SCENARIO_ERROR_RULE,        /* a rule of the model is broken */
  FS_SCENARIO_ERROR_LIMIT,       /* a size beyond what failsim accepts */
  FS_SCENARIO_ERROR_SET,         /* a --set that does not name a scalar */
} FsScenarioError;

typedef enum {
  FS_NODE_SCALAR,
  FS_NODE_MAP,
  FS_NODE_SEQ,
} FsNodeKind;

typedef struct FsNode FsNode;

struct FsNode {
  FsNodeKind kind;
  const char *file;   /* interned (g_intern_string): a path, or "--set" */
  int line, col;      /* 1-based position of the node's first character */
  char *text;         /* SCALAR: the value, owned; NULL otherwise */
  gboolean quoted;    /* SCALAR: written in quotes (or !!str), so never null and never a boolean */
  GPtrArray *items;   /* MAP: key, value, key, value ... (keys are SCALAR); SEQ: values */
};

/* Limits that keep a hostile file from exhausting memory or the stack. */
#define FS_NODE_MAX_DEPTH   64
#define FS_NODE_MAX_BYTES   (64 * 1024 * 1024)

/* Parses one YAML document. The root must be a mapping. Rejects duplicate keys in a mapping,
 * anchors and aliases, tags, multiple documents, documents deeper than FS_NODE_MAX_DEPTH and
 * files larger than FS_NODE_MAX_BYTES; every error message starts "FILE:LINE:COL: error: ".
 * Returns a tree to free with fs_node_free(). */
FsNode *fs_node_load_file (const char *path, GError **error);

/* The same for text in memory; @name stands for the file in messages. @len may be -1. */
FsNode *fs_node_load_data (const char *name, const char *data, gssize len, GError **error);

void fs_node_free (FsNode *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsNode, fs_node_free)

/* MAP and SEQ: number of entries (pairs for a map); 0 for a scalar. */
guint fs_node_len (const FsNode *node);

/* MAP: the i-th key and value. */
const FsNode *fs_node_key (const FsNode *map, guint i);
FsNode *fs_node_value (const FsNode *map, guint i);

/* SEQ: the i-th item. */
FsNode *fs_node_item (const FsNode *seq, guint i);

/* MAP: the value of @key, or NULL when absent (or @map is not a map). */
FsNode *fs_node_get (const FsNode *map, const char *key);

/* "a mapping", "a list", "a single value": for messages. */
const char *fs_node_kind_name (FsNodeKind kind);

/* Applies one override "PATH=VALUE" from the command line, the @index-th (1-based) --set.
 * PATH is dotted: map keys by name, list items by number from 0, or, in a list of mappings,
 * by the item's "name" or "id" value ("sites.primary.kind=branch", "timeline.outage.at=5m"). The target must be a
 * scalar or absent from an existing mapping (then it is added). VALUE is taken as written,
 * as if quoted only when it is quoted ("'42'"). Errors name the path and, for a missing key,
 * suggest the closest one. */
gboolean fs_node_apply_set (FsNode *root, const char *assignment, guint index, GError **error);

/* Sets @error to "FILE:LINE:COL: error: <message>" at @at (or without a position when @at is
 * NULL), with @code in FS_SCENARIO_ERROR. Returns FALSE so callers can `return fs_node_error (...)`. */
gboolean fs_node_error (GError **error, const FsNode *at, FsScenarioError code,
                        const char *format, ...) G_GNUC_PRINTF (4, 5);
gboolean fs_node_verror (GError **error, const FsNode *at, FsScenarioError code,
                         const char *format, va_list args) G_GNUC_PRINTF (4, 0);

/* "FILE:LINE:COL: warning: <message>", newly allocated. */
char *fs_node_warning (const FsNode *at, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* The candidate closest to @word by edit distance, if close enough to be a likely typo
 * (distance <= max(1, strlen/3)); NULL otherwise. @candidates is NULL-terminated. */
const char *fs_node_closest (const char *word, const char *const *candidates);

G_END_DECLS
