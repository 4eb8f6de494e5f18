/* scenario.c: the registry of sections and actions, and loading a file into an FsScenario. */
#include "scenario-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

/* At most this many problems are listed; a file with more is usually not a scenario at all. */
#define MAX_REPORTED_ERRORS 50

struct FsScenario {
  char *path;
  char *sha256;
  char **overrides;
  FsNode *root;
  GPtrArray *errors;      /* char *, one located line each */
  GPtrArray *warnings;    /* char * */
  GHashTable *specs;      /* section key -> Spec */
  /* The common keys, read through the root table (see root_fields()). */
  char *name;
  char *description;
  uint64_t seed;
  FsTime duration;
};

typedef struct {
  gpointer data;
  GDestroyNotify free_func;
} Spec;

typedef struct {
  char *name;
  char *description;
  uint64_t seed;
  FsTime duration;
} Common;

static const FsField common_fields[] = {
  { "name", FS_FIELD_STRING, offsetof (Common, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "A short title for the scenario, shown in summaries and reports.",
    "\"subnet failover, three sites\"" },
  { "description", FS_FIELD_STRING, offsetof (Common, description), FALSE, NULL, 0, 0, 0, 0, NULL,
    "What the scenario shows and where it comes from.", "\"Seed 000, Example: subnet failover\"" },
  { "seed", FS_FIELD_UINT64, offsetof (Common, seed), FALSE, "1", 0, 0, 0, 0, NULL,
    "The seed of every random stream; --seed overrides it.", "42" },
  { "duration", FS_FIELD_DURATION, offsetof (Common, duration), FALSE, "1h", 1, FS_TIME_MAX, 0, 0, NULL,
    "How much simulated time a run covers; --until overrides it.", "2h" },
  FS_FIELD_END
};

const FsField *
fs_scenario_common_fields (void)
{
  return common_fields;
}

/* --- the registry ----------------------------------------------------------------------- */

static GPtrArray *sections;   /* const FsSection * */
static GPtrArray *actions;    /* const FsAction * */
static FsField *root_table;   /* common fields + one NODE field per section */
static gsize root_size;       /* bytes of the struct root_table reads into */

typedef void (*RegisterFunc) (void);

static const RegisterFunc modules[] = {
  fs__timeline_register,
  fs__site_register,
  fs__net_register,
  fs__l2_register,
  fs__dr_register,
  fs__dns_register,
  fs__workload_register,
  fs__exercise_register,
};

void
fs_scenario_register_section (const FsSection *section)
{
  g_return_if_fail (section != NULL && section->key != NULL && section->load != NULL);
  g_ptr_array_add (sections, (gpointer) section);
}

void
fs_scenario_register_action (const FsAction *action)
{
  g_return_if_fail (action != NULL && action->name != NULL && action->fire != NULL);
  g_ptr_array_add (actions, (gpointer) action);
}

static int
compare_sections (gconstpointer a, gconstpointer b)
{
  const FsSection *x = *(const FsSection *const *) a;
  const FsSection *y = *(const FsSection *const *) b;

  if (x->order != y->order)
    return x->order < y->order ? -1 : 1;
  return strcmp (x->key, y->key);
}

static int
compare_actions (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(const FsAction *const *) a)->name, (*(const FsAction *const *) b)->name);
}

/* The root mapping is read by one schema table: the common keys followed by one NODE field per
 * section, so a misspelt section key gets the same "did you mean" as any other key. */
static void
build_root_table (void)
{
  guint n_common = 0, i;
  gsize offset;

  while (common_fields[n_common].key != NULL)
    n_common++;
  root_table = g_new0 (FsField, n_common + sections->len + 1);
  memcpy (root_table, common_fields, n_common * sizeof (FsField));
  offset = sizeof (Common);
  for (i = 0; i < sections->len; i++)
    {
      const FsSection *s = g_ptr_array_index (sections, i);
      FsField *f = &root_table[n_common + i];

      f->key = s->key;
      f->type = FS_FIELD_NODE;
      f->offset = offset + i * sizeof (const FsNode *);
      f->help = s->help;
    }
  root_size = offset + sections->len * sizeof (const FsNode *);
}

static gpointer
init_registry (gpointer unused)
{
  guint i;

  sections = g_ptr_array_new ();
  actions = g_ptr_array_new ();
  for (i = 0; i < G_N_ELEMENTS (modules); i++)
    modules[i] ();
  g_ptr_array_sort (sections, compare_sections);
  g_ptr_array_sort (actions, compare_actions);
  build_root_table ();
  return NULL;
}

/* Sweeps load from several threads; the registry is filled exactly once, then only read. */
static void
ensure_registry (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_registry, NULL);
}

const FsSection *const *
fs_scenario_sections (guint *n)
{
  ensure_registry ();
  if (n)
    *n = sections->len;
  return (const FsSection *const *) sections->pdata;
}

const FsAction *const *
fs_scenario_actions (guint *n)
{
  ensure_registry ();
  if (n)
    *n = actions->len;
  return (const FsAction *const *) actions->pdata;
}

const FsAction *
fs_scenario_find_action (const char *name)
{
  guint i;

  ensure_registry ();
  for (i = 0; i < actions->len; i++)
    {
      const FsAction *a = g_ptr_array_index (actions, i);
      if (strcmp (a->name, name) == 0)
        return a;
    }
  return NULL;
}

/* --- loading ------------------------------------------------------------------------------ */

static void
spec_free (gpointer p)
{
  Spec *s = p;

  if (s->free_func)
    s->free_func (s->data);
  g_free (s);
}

static FsScenario *
scenario_new (const char *path)
{
  FsScenario *sc = g_new0 (FsScenario, 1);

  sc->path = g_strdup (path);
  sc->errors = g_ptr_array_new_with_free_func (g_free);
  sc->warnings = g_ptr_array_new_with_free_func (g_free);
  sc->specs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, spec_free);
  return sc;
}

void
fs_scenario_free (FsScenario *sc)
{
  if (sc == NULL)
    return;
  /* Specs may borrow nodes of the tree: free them first. */
  g_hash_table_destroy (sc->specs);
  fs_node_free (sc->root);
  g_ptr_array_unref (sc->errors);
  g_ptr_array_unref (sc->warnings);
  g_strfreev (sc->overrides);
  g_free (sc->path);
  g_free (sc->sha256);
  g_free (sc->name);
  g_free (sc->description);
  g_free (sc);
}

void
fs_scenario_add_error (FsScenario *sc, GError *error)
{
  g_return_if_fail (sc != NULL && error != NULL);
  g_ptr_array_add (sc->errors, g_strdup (error->message));
  g_error_free (error);
}

void
fs_scenario_add_warning (FsScenario *sc, const FsNode *at, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (sc->warnings, fs_node_warning (at, "%s", message));
}

void
fs_scenario_set_spec (FsScenario *sc, const char *key, gpointer spec, GDestroyNotify free_func)
{
  Spec *s = g_new0 (Spec, 1);

  s->data = spec;
  s->free_func = free_func;
  g_hash_table_replace (sc->specs, g_strdup (key), s);
}

gpointer
fs_scenario_get_spec (const FsScenario *sc, const char *key)
{
  Spec *s = g_hash_table_lookup (sc->specs, key);

  return s ? s->data : NULL;
}

static gboolean
fail_with_errors (FsScenario *sc, GError **error)
{
  g_autoptr (GString) all = g_string_new (NULL);
  guint i, shown = MIN (sc->errors->len, MAX_REPORTED_ERRORS);

  for (i = 0; i < shown; i++)
    {
      if (i > 0)
        g_string_append_c (all, '\n');
      g_string_append (all, g_ptr_array_index (sc->errors, i));
    }
  if (sc->errors->len > shown)
    g_string_append_printf (all, "\n%s: error: %u more problems not shown", sc->path,
                            sc->errors->len - shown);
  g_set_error_literal (error, FS_SCENARIO_ERROR, FS_SCENARIO_ERROR_RULE, all->str);
  return FALSE;
}

static gboolean
load_tree (FsScenario *sc, GError **error)
{
  g_autofree guint8 *root_spec = g_malloc0 (root_size);
  Common *common = (Common *) root_spec;
  const FsSection *const *secs = (const FsSection *const *) sections->pdata;
  GError *local = NULL;
  guint i;

  if (!fs_schema_read (sc->root, "the scenario", root_table, root_spec, &local))
    {
      fs_scenario_add_error (sc, local);
      fs_schema_clear (root_table, root_spec);
      return fail_with_errors (sc, error);
    }
  sc->name = g_steal_pointer (&common->name);
  sc->description = g_steal_pointer (&common->description);
  sc->seed = common->seed;
  sc->duration = common->duration;

  for (i = 0; i < sections->len; i++)
    {
      const FsNode *value = *(const FsNode **) (root_spec + sizeof (Common) + i * sizeof (const FsNode *));

      if (!secs[i]->load (sc, value, &local))
        fs_scenario_add_error (sc, g_steal_pointer (&local));
    }
  /* Cross-references are checked only between sections that loaded: otherwise one misspelt
   * site would also be reported once for every place that names it. */
  for (i = 0; i < sections->len && sc->errors->len == 0; i++)
    if (secs[i]->check != NULL && !secs[i]->check (sc, &local))
      fs_scenario_add_error (sc, g_steal_pointer (&local));

  if (sc->errors->len > 0)
    return fail_with_errors (sc, error);
  return TRUE;
}

FsScenario *
fs_scenario_load_data (const char *name, const char *text, gssize len,
                       const char *const *overrides, GError **error)
{
  g_autoptr (FsScenario) sc = NULL;
  guint i;

  g_return_val_if_fail (name != NULL && text != NULL, NULL);
  ensure_registry ();
  if (len < 0)
    len = strlen (text);
  sc = scenario_new (name);
  sc->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, len);
  sc->overrides = g_strdupv ((char **) overrides);
  if (sc->overrides == NULL)
    sc->overrides = g_new0 (char *, 1);

  sc->root = fs_node_load_data (name, text, len, error);
  if (sc->root == NULL)
    return NULL;
  for (i = 0; sc->overrides[i] != NULL; i++)
    {
      GError *local = NULL;

      if (!fs_node_apply_set (sc->root, sc->overrides[i], i + 1, &local))
        fs_scenario_add_error (sc, local);
    }
  if (sc->errors->len > 0)
    {
      fail_with_errors (sc, error);
      return NULL;
    }
  if (!load_tree (sc, error))
    return NULL;
  return g_steal_pointer (&sc);
}

FsScenario *
fs_scenario_load (const char *path, const char *const *overrides, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  GStatBuf st;
  GError *local = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, FS_SCENARIO_ERROR, FS_SCENARIO_ERROR_IO, "%s: error: cannot read: %s",
                   path, g_strerror (saved));
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, FS_SCENARIO_ERROR, FS_SCENARIO_ERROR_IO,
                   "%s: error: cannot read: it is a directory, not a scenario file", path);
      return NULL;
    }
  /* Refuse a huge file before reading it: a shared scenario must not be able to exhaust memory. */
  if (S_ISREG (st.st_mode) && st.st_size > FS_NODE_MAX_BYTES)
    {
      g_set_error (error, FS_SCENARIO_ERROR, FS_SCENARIO_ERROR_LIMIT,
                   "%s: error: the file is %lld bytes; scenarios are limited to %d MiB", path,
                   (long long) st.st_size, FS_NODE_MAX_BYTES / (1024 * 1024));
      return NULL;
    }
  if (!g_file_get_contents (path, &text, &len, &local))
    {
      g_set_error (error, FS_SCENARIO_ERROR, FS_SCENARIO_ERROR_IO, "%s: error: cannot read: %s",
                   path, local->message);
      g_error_free (local);
      return NULL;
    }
  return fs_scenario_load_data (path, text, len, overrides, error);
}

const char *
fs_scenario_name (const FsScenario *sc)
{
  return sc->name;
}

const char *
fs_scenario_description (const FsScenario *sc)
{
  return sc->description;
}

const char *
fs_scenario_path (const FsScenario *sc)
{
  return sc->path;
}

const char *
fs_scenario_sha256 (const FsScenario *sc)
{
  return sc->sha256;
}

uint64_t
fs_scenario_seed (const FsScenario *sc)
{
  return sc->seed;
}

FsTime
fs_scenario_duration (const FsScenario *sc)
{
  return sc->duration;
}

const char *const *
fs_scenario_overrides (const FsScenario *sc)
{
  return (const char *const *) sc->overrides;
}

const GPtrArray *
fs_scenario_warnings (const FsScenario *sc)
{
  return sc->warnings;
}

const FsNode *
fs__scenario_root (const FsScenario *sc)
{
  return sc->root;
}
