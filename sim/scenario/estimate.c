/* estimate.c: the memory one simulation of a scenario needs (estimate.h), from the node tree,
 * before any model is built: cheap even for a file that asks for ten million clients. */
#include <string.h>
#include <unistd.h>

#include "failsim/estimate.h"
#include "scenario-private.h"

static guint
list_len (const FsNode *root, const char *key)
{
  const FsNode *n = root && root->kind == FS_NODE_MAP ? fs_node_get (root, key) : NULL;

  return n && n->kind == FS_NODE_SEQ ? fs_node_len (n) : 0;
}

/* A whole number from a scalar, or @fallback when absent or not one (the loader has checked). */
static uint64_t
scalar_u64 (const FsNode *n, uint64_t fallback)
{
  guint64 v;

  if (n == NULL || n->kind != FS_NODE_SCALAR || n->text == NULL
      || !g_ascii_string_to_unsigned (n->text, 10, 0, G_MAXUINT64, &v, NULL))
    return fallback;
  return v;
}

void
fs_scenario_estimate_memory (const FsScenario *sc, FsMemoryEstimate *e)
{
  const FsNode *root = fs__scenario_root (sc);
  const FsNode *n;
  guint i;

  memset (e, 0, sizeof *e);
  if (root == NULL || root->kind != FS_NODE_MAP)
    {
      e->bytes = FS_ESTIMATE_BASE;
      return;
    }
  if ((n = fs_node_get (root, "clients")) != NULL && n->kind == FS_NODE_SEQ)
    for (i = 0; i < fs_node_len (n); i++)
      {
        const FsNode *item = fs_node_item (n, i);

        if (item->kind == FS_NODE_MAP)
          e->clients += scalar_u64 (fs_node_get (item, "count"), 1);
      }
  e->resolvers = list_len (root, "resolvers");
  e->names = list_len (root, "services");
  if ((n = fs_node_get (root, "zones")) != NULL && n->kind == FS_NODE_SEQ)
    for (i = 0; i < fs_node_len (n); i++)
      {
        const FsNode *zone = fs_node_item (n, i);
        guint records = list_len (zone, "records"), servers = list_len (zone, "servers");

        e->names += records + 1;
        e->server_names += (uint64_t) records * servers;
      }
  e->routers = list_len (root, "routers");
  e->prefixes = list_len (root, "subnets") + list_len (root, "static_routes");
  e->hosts = list_len (root, "hosts");
  e->other = list_len (root, "sites") + list_len (root, "links") + list_len (root, "timeline")
             + list_len (root, "vms") + list_len (root, "vlans") + list_len (root, "flows")
             + list_len (root, "recovery_plans") + list_len (root, "clients");
  /* A dns.update may name a record nobody declared. */
  if ((n = fs_node_get (root, "timeline")) != NULL && n->kind == FS_NODE_SEQ)
    for (i = 0; i < fs_node_len (n); i++)
      {
        const FsNode *item = fs_node_item (n, i), *action;

        if (item->kind == FS_NODE_MAP && (action = fs_node_get (item, "action")) != NULL
            && action->kind == FS_NODE_SCALAR && g_strcmp0 (action->text, "dns.update") == 0)
          e->names++;
      }

  e->bytes = FS_ESTIMATE_BASE
             + e->clients * FS_ESTIMATE_PER_CLIENT
             + e->resolvers * e->names * FS_ESTIMATE_PER_CACHE_ENTRY
             + e->server_names * FS_ESTIMATE_PER_SERVER_NAME
             + e->routers * e->prefixes * FS_ESTIMATE_PER_ROUTE
             + e->hosts * FS_ESTIMATE_PER_HOST
             + e->other * FS_ESTIMATE_PER_OTHER;
}

uint64_t
fs_physical_memory (void)
{
  long pages = sysconf (_SC_PHYS_PAGES), size = sysconf (_SC_PAGESIZE);

  return pages > 0 && size > 0 ? (uint64_t) pages * (uint64_t) size : 0;
}

gboolean
fs_parse_size (const char *text, uint64_t *bytes, GError **error)
{
  guint64 v;
  const char *end;
  guint shift = 0;
  g_autofree char *digits = NULL;

  for (end = text; g_ascii_isdigit (*end); end++)
    ;
  digits = g_strndup (text, end - text);
  if (*digits != '\0')
    switch (g_ascii_toupper (*end))
      {
      case 'K': shift = 10; end++; break;
      case 'M': shift = 20; end++; break;
      case 'G': shift = 30; end++; break;
      case 'T': shift = 40; end++; break;
      default: break;
      }
  if (shift > 0 && (*end == 'i' || *end == 'I'))
    end++;
  if (*end == 'B' || *end == 'b')
    end++;
  if (*digits == '\0' || *end != '\0'
      || !g_ascii_string_to_unsigned (digits, 10, 1, G_MAXUINT64 >> shift, &v, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "'%s' is not a size: a whole number of bytes above 0, with K, M, G or T "
                   "(powers of 1024), as 512M or 2G", text);
      return FALSE;
    }
  *bytes = v << shift;
  return TRUE;
}

char *
fs_format_size (uint64_t bytes)
{
  if (bytes >= ((uint64_t) 1 << 30))
    return g_strdup_printf ("%.1f GiB", bytes / 1073741824.0);
  if (bytes >= ((uint64_t) 1 << 20))
    return g_strdup_printf ("%.1f MiB", bytes / 1048576.0);
  if (bytes >= 1024)
    return g_strdup_printf ("%.1f KiB", bytes / 1024.0);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " B", bytes);
}
