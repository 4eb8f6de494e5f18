/* site.c: sites and their up/down state: the estate every other model is placed in.
 *
 * Follows the seed documents' notion of a site (primary, recovery, third site; an Azure region
 * is a site of kind cloud-region). A site fails as a whole, a disaster; partial failures
 * belong to the models of what is inside it. */
#include "failsim/site.h"

#include <string.h>

#include "failsim/sim.h"
#include "../scenario/scenario-private.h"

static const char *const site_kinds[] = { "datacenter", "branch", "cloud-region", NULL };

typedef struct {
  char *name;
  int kind;
  char *region;
  char *description;
  const FsNode *node;
} SiteSpec;

static const FsField site_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (SiteSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The site's name, unique in the scenario; other keys refer to the site by it.", "primary" },
  { "kind", FS_FIELD_ENUM, offsetof (SiteSpec, kind), FALSE, "datacenter", 0, 0, 0, 0, site_kinds,
    "What the site is: an on-premises datacenter, a branch office or a cloud region.",
    "cloud-region" },
  { "region", FS_FIELD_STRING, offsetof (SiteSpec, region), FALSE, NULL, 0, 0, 0, 0, NULL,
    "Where the site is (a city or a cloud region name); informational.", "\"East US 2\"" },
  { "description", FS_FIELD_STRING, offsetof (SiteSpec, description), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A sentence about the site; informational.", "\"New York datacenter\"" },
  FS_FIELD_END
};

/* Guards the size of an estate read from a shared file; raise it when a real estate needs more. */
#define MAX_SITES 100000

typedef struct {
  GArray *sites;   /* SiteSpec */
} SitesSpec;

static void
site_spec_clear (gpointer p)
{
  fs_schema_clear (site_fields, p);
}

static void
sites_spec_free (gpointer p)
{
  SitesSpec *s = p;

  g_array_unref (s->sites);
  g_free (s);
}

static const SitesSpec *
get_spec (const FsScenario *sc)
{
  return fs_scenario_get_spec (sc, "sites");
}

guint
fs_sites_spec_count (const FsScenario *sc)
{
  const SitesSpec *s = get_spec (sc);

  return s ? s->sites->len : 0;
}

int
fs_sites_spec_find (const FsScenario *sc, const char *name)
{
  const SitesSpec *s = get_spec (sc);
  guint i;

  for (i = 0; s != NULL && i < s->sites->len; i++)
    if (strcmp (g_array_index (s->sites, SiteSpec, i).name, name) == 0)
      return (int) i;
  return -1;
}

const char *
fs_sites_spec_name (const FsScenario *sc, guint index)
{
  return g_array_index (get_spec (sc)->sites, SiteSpec, index).name;
}

FsSiteKind
fs_sites_spec_kind (const FsScenario *sc, guint index)
{
  return (FsSiteKind) g_array_index (get_spec (sc)->sites, SiteSpec, index).kind;
}

int
fs_sites_spec_resolve (const FsScenario *sc, const FsNode *node, GError **error)
{
  const SitesSpec *s = get_spec (sc);
  guint n = s ? s->sites->len : 0, i;
  g_autofree const char **names = g_new0 (const char *, n + 1);

  for (i = 0; i < n; i++)
    names[i] = g_array_index (s->sites, SiteSpec, i).name;
  return fs_schema_resolve (node, "site", names, n, error);
}

static gboolean
sites_load (FsScenario *sc, const FsNode *value, GError **error)
{
  SitesSpec *s = g_new0 (SitesSpec, 1);
  guint i, j;

  s->sites = g_array_new (FALSE, TRUE, sizeof (SiteSpec));
  g_array_set_clear_func (s->sites, site_spec_clear);
  fs_scenario_set_spec (sc, "sites", s, sites_spec_free);
  if (value == NULL)
    return TRUE;
  if (value->kind != FS_NODE_SEQ)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_TYPE,
                          "'sites' must be a list of sites (- name: ...), got %s",
                          fs_node_kind_name (value->kind));
  if (fs_node_len (value) > MAX_SITES)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_LIMIT,
                          "%u sites is more than failsim accepts (%d)", fs_node_len (value), MAX_SITES);
  for (i = 0; i < fs_node_len (value); i++)
    {
      SiteSpec site = { 0 };
      GError *local = NULL;

      site.node = fs_node_item (value, i);
      if (!fs_schema_read (site.node, "site", site_fields, &site, &local))
        {
          fs_scenario_add_error (sc, local);
          fs_schema_clear (site_fields, &site);
          continue;
        }
      for (j = 0; j < s->sites->len; j++)
        if (strcmp (g_array_index (s->sites, SiteSpec, j).name, site.name) == 0)
          {
            fs_node_error (&local, fs_node_get (site.node, "name"), FS_SCENARIO_ERROR_DUPLICATE,
                           "site '%s' is declared twice (first at line %d)", site.name,
                           g_array_index (s->sites, SiteSpec, j).node->line);
            fs_scenario_add_error (sc, local);
            break;
          }
      if (j < s->sites->len)
        {
          fs_schema_clear (site_fields, &site);
          continue;
        }
      g_array_append_val (s->sites, site);
    }
  return TRUE;
}

/* --- the model ------------------------------------------------------------------------------ */

typedef struct {
  FsSiteListener fn;
  void *user_data;
} Listener;

struct FsSites {
  FsModel base;
  const SitesSpec *spec;
  guint8 *up;                /* per site: 1 up, 0 down */
  GArray *listeners;         /* Listener */
  uint32_t topic_down, topic_up;
};

static void
sites_handle (FsModel *model, FsKernel *k, const FsEvent *ev)
{
  /* Sites change state only through actions and other models' calls, never by their own timers. */
  g_assert_not_reached ();
}

static void
sites_free (FsModel *model)
{
  FsSites *self = (FsSites *) model;

  g_array_unref (self->listeners);
  g_free (self->up);
  g_free (self);
}

static const FsModelOps sites_ops = {
  .name = "sites",
  .handle = sites_handle,
  .finish = NULL,
  .free = sites_free,
};

FsSites *
fs_sites_from_model (FsModel *model)
{
  g_return_val_if_fail (model != NULL && model->ops == &sites_ops, NULL);
  return (FsSites *) model;
}

gboolean
fs_sites_is_up (const FsSites *sites, guint site)
{
  g_return_val_if_fail (site < sites->spec->sites->len, FALSE);
  return sites->up[site];
}

guint
fs_sites_count (const FsSites *sites)
{
  return sites->spec->sites->len;
}

void
fs_sites_listen (FsSites *sites, FsSiteListener fn, void *user_data)
{
  Listener l = { fn, user_data };

  g_array_append_val (sites->listeners, l);
}

static void
set_state (FsSites *self, FsKernel *k, guint site, gboolean up)
{
  FsNotice n = { 0 };
  guint i;

  g_return_if_fail (site < self->spec->sites->len);
  if (self->up[site] == up)
    return;
  self->up[site] = up;
  n.topic = up ? self->topic_up : self->topic_down;
  n.subject = site;
  n.source = &self->base;
  n.subject_name = g_array_index (self->spec->sites, SiteSpec, site).name;
  n.value = up;
  n.detail = up ? "site repaired" : "site lost";
  fs_kernel_notify (k, &n);
  for (i = 0; i < self->listeners->len; i++)
    {
      Listener *l = &g_array_index (self->listeners, Listener, i);
      l->fn (site, up, l->user_data);
    }
}

void
fs_sites_fail (FsSites *sites, FsKernel *k, guint site)
{
  set_state (sites, k, site, FALSE);
}

void
fs_sites_repair (FsSites *sites, FsKernel *k, guint site)
{
  set_state (sites, k, site, TRUE);
}

static gboolean
sites_build (FsSim *sim, GError **error)
{
  FsKernel *k = fs_sim_kernel (sim);
  FsSites *self = g_new0 (FsSites, 1);

  self->base.ops = &sites_ops;
  self->base.name = g_strdup ("sites");
  self->spec = get_spec (fs_sim_scenario (sim));
  self->up = g_malloc (MAX (self->spec->sites->len, 1));
  memset (self->up, 1, self->spec->sites->len);
  self->listeners = g_array_new (FALSE, FALSE, sizeof (Listener));
  /* Registered up front so that every run lists the same topics in the same order. */
  self->topic_down = fs_kernel_topic (k, "site.down");
  self->topic_up = fs_kernel_topic (k, "site.up");
  fs_sim_add_model (sim, "sites", &self->base);
  return TRUE;
}

/* --- timeline actions ------------------------------------------------------------------------- */

typedef struct {
  char *site;
  int index;
} SiteArgs;

static const FsField site_action_fields[] = {
  { "site", FS_FIELD_NAME, offsetof (SiteArgs, site), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The site it happens to.", "primary" },
  FS_FIELD_END
};

static gboolean
site_action_check (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  SiteArgs *a = args;

  a->index = fs_sites_spec_resolve (sc, fs_node_get (entry, "site"), error);
  return a->index >= 0;
}

static void
site_fail_fire (FsSim *sim, const void *args)
{
  const SiteArgs *a = args;

  fs_sites_fail (fs_sites_from_model (fs_sim_model (sim, "sites")), fs_sim_kernel (sim), a->index);
}

static void
site_repair_fire (FsSim *sim, const void *args)
{
  const SiteArgs *a = args;

  fs_sites_repair (fs_sites_from_model (fs_sim_model (sim, "sites")), fs_sim_kernel (sim), a->index);
}

static const FsSection sites_section = {
  .key = "sites",
  .help = "The sites of the estate: datacenters, branches and cloud regions.",
  .model = "net",
  .order = 10,
  .load = sites_load,
  .check = NULL,
  .build = sites_build,
  .fields = site_fields,
};

static const FsAction site_fail_action = {
  .name = "site.fail",
  .help = "The whole site is lost (a disaster): everything in it fails together.",
  .fields = site_action_fields,
  .args_size = sizeof (SiteArgs),
  .check = site_action_check,
  .fire = site_fail_fire,
};

static const FsAction site_repair_action = {
  .name = "site.repair",
  .help = "The site comes back.",
  .fields = site_action_fields,
  .args_size = sizeof (SiteArgs),
  .check = site_action_check,
  .fire = site_repair_fire,
};

void
fs__site_register (void)
{
  fs_scenario_register_section (&sites_section);
  fs_scenario_register_action (&site_fail_action);
  fs_scenario_register_action (&site_repair_action);
}
