/* metrics-private.h: what the files of sim/metrics share and nothing outside them sees. */
#pragma once

#include "failsim/clients.h"

G_BEGIN_DECLS

/* The metrics own the client collector: a run has exactly one, made and freed with them. */
FsClientStats *fs__client_stats_new (void);
void fs__client_stats_free (FsClientStats *cs);

G_END_DECLS
