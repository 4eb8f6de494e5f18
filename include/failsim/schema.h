/* schema.h: declarative tables of the keys a mapping may hold, and a reader that checks them.
 *
 * A model describes each mapping it owns as an array of FsField; fs_schema_read() then rejects
 * unknown keys (with a "did you mean"), checks types and ranges, applies defaults and stores
 * each value in the model's spec struct. The same tables document the format (docs and
 * `failsim keys`), so the loader, its messages and its docs cannot drift apart. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "failsim/dist.h"
#include "failsim/node.h"
#include "failsim/time.h"

G_BEGIN_DECLS

typedef enum {
  FS_FIELD_STRING,    /* char *, owned by the target (g_free) */
  FS_FIELD_NAME,      /* char *: an identifier, [A-Za-z0-9_.-]+, starting with a letter or digit */
  FS_FIELD_BOOL,      /* gboolean: true/false, yes/no, on/off */
  FS_FIELD_INT,       /* int64_t, within [min, max] when max > min */
  FS_FIELD_UINT64,    /* uint64_t: any unsigned 64-bit number (seeds) */
  FS_FIELD_DOUBLE,    /* double, within [dmin, dmax] when dmax > dmin */
  FS_FIELD_PROB,      /* double in [0, 1]; also accepts "5%" */
  FS_FIELD_DURATION,  /* FsTime, within [min, max] (ns) when max > min */
  FS_FIELD_DIST,      /* FsDist *, owned by the target (fs_dist_free): a duration or a law */
  FS_FIELD_ENUM,      /* int: the index of the value in @choices */
  FS_FIELD_NODE,      /* const FsNode *: any node, borrowed from the tree, for the model to read */
} FsFieldType;

typedef struct {
  const char *key;
  FsFieldType type;
  size_t offset;                 /* where the value goes: offsetof (MySpec, member) */
  gboolean required;
  const char *def;               /* the default, as scenario text ("30s"); NULL: zero/NULL */
  int64_t min, max;              /* INT and DURATION bounds, inclusive, used when max > min */
  double dmin, dmax;             /* DOUBLE bounds, inclusive, used when dmax > dmin */
  const char *const *choices;    /* ENUM: NULL-terminated accepted values */
  const char *help;              /* one sentence: what it means, its unit */
  const char *example;           /* a value to show in docs ("lognormal(60s, 20s)") */
} FsField;

#define FS_FIELD_END { NULL, 0, 0, FALSE, NULL, 0, 0, 0, 0, NULL, NULL, NULL }

/* Reads mapping @map into @target according to @fields (terminated by FS_FIELD_END). @what
 * names the mapping in messages ("site", "timeline entry"). Fails on the first problem: a
 * non-mapping, an unknown key (suggesting the closest known one), a wrong type, a value out of
 * range or not among the choices (listing the accepted ones), a missing required key. Fields
 * that are absent get their default. On failure the target may hold partly read values: free
 * it with fs_schema_clear(). */
gboolean fs_schema_read (const FsNode *map, const char *what, const FsField *fields,
                         void *target, GError **error);

/* Frees what fs_schema_read() stored in @target (strings, distributions) and zeroes them. */
void fs_schema_clear (const FsField *fields, void *target);

/* The NULL-terminated list of keys of @fields, for "did you mean" elsewhere. Free the array
 * (not the strings) with g_free(). */
const char **fs_schema_keys (const FsField *fields);

/* Single-value readers, for models that read a node by hand. Each fails with a located,
 * FS_SCENARIO_ERROR message naming @key. */
gboolean fs_schema_scalar (const FsNode *node, const char *key, GError **error);
gboolean fs_schema_get_duration (const FsNode *node, const char *key, FsTime *out, GError **error);
gboolean fs_schema_get_int (const FsNode *node, const char *key, int64_t min, int64_t max,
                            int64_t *out, GError **error);
gboolean fs_schema_get_bool (const FsNode *node, const char *key, gboolean *out, GError **error);
FsDist *fs_schema_get_dist (const FsNode *node, const char *key, GError **error);

/* Resolves the name written at scalar @node among the @n @names and returns its index, or
 * sets a located FS_SCENARIO_ERROR_REFERENCE error and returns -1: "no site named 'x'; did
 * you mean 'y'?", "...; the sites are: a, b" when nothing is close, "...: the scenario declares
 * none" when @n is 0. @what names the kind in messages ("site", "VLAN"). */
int fs_schema_resolve (const FsNode *node, const char *what, const char *const *names, guint n,
                       GError **error);

/* The index of the item named @name in @items, an array of spec structs of @size bytes whose
 * first member is their name (char *), as every list item read by a section is; or -1. */
int fs_schema_index_by_name (const GArray *items, size_t size, const char *name);

G_END_DECLS
