/* scenario-private.h: what the scenario layer's own files share, and the modules' entry points. */
#pragma once

#include "failsim/scenario.h"

/* Each module that owns scenario keys has one registration function, listed in scenario.c.
 * Adding a model is adding a line there, never a case in a switch. */
void fs__timeline_register (void);
void fs__site_register (void);
void fs__net_register (void);
void fs__l2_register (void);
void fs__dr_register (void);
void fs__dns_register (void);
void fs__workload_register (void);
void fs__exercise_register (void);

/* The scenario's node tree, --set overrides applied (estimate.c reads its sizes from it). */
const FsNode *fs__scenario_root (const FsScenario *sc);
