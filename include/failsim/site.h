/* site.h: sites (a datacenter, a branch, a cloud region) and their up/down state.
 *
 * A site is where everything else lives; when a site is lost, everything in it fails together.
 * The site model owns the scenario key `sites:` and the timeline actions `site.fail` and
 * `site.repair`; it reports `site.down` and `site.up` notices (subject: the site's index). */
#pragma once

#include <glib.h>

#include "failsim/kernel.h"
#include "failsim/scenario.h"

G_BEGIN_DECLS

typedef enum {
  FS_SITE_DATACENTER,
  FS_SITE_BRANCH,
  FS_SITE_CLOUD_REGION,
} FsSiteKind;

typedef struct FsSites FsSites;   /* the model instance of one replication */

/* --- the specification (load time) ----------------------------------------------------- */

/* Number of sites declared in @sc, and the index of the one named @name (-1 if none). */
guint fs_sites_spec_count (const FsScenario *sc);
int fs_sites_spec_find (const FsScenario *sc, const char *name);
const char *fs_sites_spec_name (const FsScenario *sc, guint index);
FsSiteKind fs_sites_spec_kind (const FsScenario *sc, guint index);

/* Resolves the site named by scalar @node, or sets a located FS_SCENARIO_ERROR_REFERENCE
 * error with a "did you mean" and returns -1. For other models' checks. */
int fs_sites_spec_resolve (const FsScenario *sc, const FsNode *node, GError **error);

/* --- the model (run time) ---------------------------------------------------------------- */

/* Called with the site and its new state whenever a site goes down or comes back. */
typedef void (*FsSiteListener) (guint site, gboolean up, void *user_data);

FsSites *fs_sites_from_model (FsModel *model);   /* the "sites" model of a sim */
gboolean fs_sites_is_up (const FsSites *sites, guint site);
guint fs_sites_count (const FsSites *sites);
void fs_sites_listen (FsSites *sites, FsSiteListener fn, void *user_data);

/* Changes the state of @site now; no effect if it already is in that state. */
void fs_sites_fail (FsSites *sites, FsKernel *k, guint site);
void fs_sites_repair (FsSites *sites, FsKernel *k, guint site);

G_END_DECLS
