/* scenario.h: a scenario file turned into a checked specification, and the registry through
 * which models claim the keys they own.
 *
 * Loading is two-staged. fs_scenario_load() parses YAML into nodes, applies --set overrides,
 * then hands each top-level key to the section that registered it (sites:, timeline:, ...)
 * and runs every section's cross-checks. The result is an immutable FsScenario; building it
 * into models for one replication is fs_sim_new() (sim.h), which can be done many times. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "failsim/node.h"
#include "failsim/schema.h"
#include "failsim/time.h"

G_BEGIN_DECLS

typedef struct FsScenario FsScenario;
typedef struct FsSim FsSim;

/* A top-level key of the scenario and the module that owns it. */
typedef struct {
  const char *key;       /* "sites" */
  const char *help;      /* one sentence for `failsim keys` and the docs */
  const char *model;     /* the module that owns it, for docs: "net", "dns" ... */
  int order;             /* load, check and build order: lower first (sites before what uses them) */
  /* Parses @value (NULL when the key is absent) into a spec stored with fs_scenario_set_spec().
   * May report several problems with fs_scenario_add_error() and still return TRUE; return
   * FALSE with @error set for one that stops this section. */
  gboolean (*load) (FsScenario *sc, const FsNode *value, GError **error);
  /* Cross-checks against other sections, after all loaded cleanly. May be NULL. */
  gboolean (*check) (FsScenario *sc, GError **error);
  /* Builds this section's models into @sim for one replication. May be NULL. */
  gboolean (*build) (FsSim *sim, GError **error);
  const FsField *fields; /* for docs, when the section is one mapping or a list of them; may be NULL */
  gboolean is_mapping;   /* one mapping of settings (routing:), not a list of items */
  const char *sub_key;   /* a key of each item that holds a list of its own (zones: records:) */
  const FsField *sub_fields;   /* the keys of that list's items */
} FsSection;

/* Something that can happen on the timeline ("site.fail"), and the module that performs it. */
typedef struct {
  const char *name;         /* "site.fail" */
  const char *help;
  const FsField *fields;    /* its own keys, besides the timeline's at/after/id/note */
  size_t args_size;         /* the struct those fields are read into */
  /* Resolves names in @args against the scenario (a site that must exist ...); @entry is the
   * timeline entry, for locating messages. May be NULL. */
  gboolean (*check) (FsScenario *sc, const FsNode *entry, void *args, GError **error);
  /* Performs the action at its time. @args is what check() left. Cannot fail: what can go
   * wrong at run time is part of the model and is reported as a notice. */
  void (*fire) (FsSim *sim, const void *args);
  /* May be NULL. Whether the action can be performed now: NULL if so, else one sentence saying
   * why not (static or owned by the model; valid until the next call). A recovery plan's step
   * whose action refuses fails, and is handled as the plan says; the timeline reports the
   * refusal as a "timeline.refused" notice and does not fire. (An ExpressRoute circuit cannot
   * be disconnected while its region is down.) */
  const char *(*refuse) (FsSim *sim, const void *args);
} FsAction;

/* An action with its arguments read and checked, for a model that performs actions itself (a
 * recovery plan's steps). The mapping @node holds "action: NAME", the action's own keys, and
 * the caller's @head_fields (read into the first @head_size bytes of the block). */
typedef struct FsActionCall FsActionCall;

FsActionCall *fs_action_call_load (FsScenario *sc, const FsNode *node, const char *what,
                                   const FsField *head_fields, size_t head_size, GError **error);
void fs_action_call_free (FsActionCall *call);
const FsAction *fs_action_call_action (const FsActionCall *call);
void *fs_action_call_head (const FsActionCall *call);
const void *fs_action_call_args (const FsActionCall *call);
/* Performs it now, as the timeline would. */
void fs_action_call_fire (const FsActionCall *call, FsSim *sim);

/* --- the registry (filled once, from the table in scenario.c, before the first load) ---- */

void fs_scenario_register_section (const FsSection *section);
void fs_scenario_register_action (const FsAction *action);

/* All sections and actions, sorted (sections by order then key; actions by name). Borrowed. */
const FsSection *const *fs_scenario_sections (guint *n);
const FsAction *const *fs_scenario_actions (guint *n);
const FsAction *fs_scenario_find_action (const char *name);

/* The keys every scenario has, owned by the scenario itself (name, description, seed, ...). */
const FsField *fs_scenario_common_fields (void);

/* --- loading ----------------------------------------------------------------------------------- */

/* Loads and checks @path, with the --set @overrides ("KEY=VALUE", may be NULL) applied before
 * any check. On failure returns NULL and sets @error (FS_SCENARIO_ERROR) to every problem
 * found, one "FILE:LINE:COL: error: ..." line each (at most 50 and a count of the rest). */
FsScenario *fs_scenario_load (const char *path, const char *const *overrides, GError **error);

/* The same for text in memory; @name stands for the file in messages. */
FsScenario *fs_scenario_load_data (const char *name, const char *text, gssize len,
                                   const char *const *overrides, GError **error);

void fs_scenario_free (FsScenario *sc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsScenario, fs_scenario_free)

const char *fs_scenario_name (const FsScenario *sc);
const char *fs_scenario_description (const FsScenario *sc);
const char *fs_scenario_path (const FsScenario *sc);     /* as given to load */
const char *fs_scenario_sha256 (const FsScenario *sc);   /* of the file's bytes, hex */
uint64_t fs_scenario_seed (const FsScenario *sc);
FsTime fs_scenario_duration (const FsScenario *sc);      /* the horizon of a run */
const char *const *fs_scenario_overrides (const FsScenario *sc);  /* NULL-terminated */

/* Warnings found while loading ("FILE:LINE:COL: warning: ..."), in file order. Borrowed. */
const GPtrArray *fs_scenario_warnings (const FsScenario *sc);

/* --- for sections, while loading -------------------------------------------------------------- */

/* Records a problem and goes on, so one run of validate reports them all. Takes @error. */
void fs_scenario_add_error (FsScenario *sc, GError *error);
void fs_scenario_add_warning (FsScenario *sc, const FsNode *at, const char *format, ...)
  G_GNUC_PRINTF (3, 4);

/* A section's parsed specification, owned by the scenario (freed with @free_func). */
void fs_scenario_set_spec (FsScenario *sc, const char *key, gpointer spec, GDestroyNotify free_func);
gpointer fs_scenario_get_spec (const FsScenario *sc, const char *key);

G_END_DECLS
