/* clients.h: client-visible downtime, measured from request outcomes.
 *
 * Part of the metrics: it knows no DNS and no network. A workload model declares its services
 * and client populations, then reports every request's outcome (success, or the cause of its
 * failure) as it happens. From those it keeps, per client, the downtime (from the first failed
 * request to the first success after it, summed over episodes) and, per service, the outage
 * window, the recovery curve (the share of clients served, sampled on a fixed grid), the
 * client-seconds lost, the distribution of client downtime, and the downtime budget: every
 * nanosecond of every episode charged to exactly one phase (FsPhase), so that a service's phases
 * sum to its client-seconds lost exactly.
 *
 * Requests are too many to be notices (one per client per minute, for a million clients), so
 * the workload calls in directly; the state per client is one fixed-size record in a flat
 * array (FsClientRecord, 48 bytes). */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "failsim/time.h"

G_BEGIN_DECLS

typedef struct FsClientStats FsClientStats;

/* Why a request failed. The names (fs_fail_cause_name) are summary.json keys. */
typedef enum {
  FS_FAIL_NONE = 0,             /* it succeeded */
  FS_FAIL_RESOLVER_UNREACHABLE, /* the client could not reach its resolver */
  FS_FAIL_SERVFAIL,             /* the resolver got no answer from any authoritative server */
  FS_FAIL_NXDOMAIN,             /* the name has no address (a negative answer) */
  FS_FAIL_SOURCE_DOWN,          /* the router the client sends from is down */
  FS_FAIL_NO_ROUTE,             /* a router on the way had no route (a black hole) */
  FS_FAIL_DEAD_HOP,             /* a route pointed over a dead link or router (a black hole) */
  FS_FAIL_LOOP,                 /* a forwarding loop */
  FS_FAIL_NO_HOST,              /* nothing live answers at the address */
  FS_FAIL_NOT_SERVING,          /* a live host answers at the address but does not serve it */
  FS_FAIL_N
} FsFailCause;

const char *fs_fail_cause_name (FsFailCause cause);   /* "servfail", "no_host", ... */

/* What kept a client down, for the downtime budget. The names (fs_phase_name) are summary.json
 * keys. The collector only adds up what it is told: the workload decides which phase a stretch
 * of an episode belongs to (docs/model-dns.md, "Downtime budget"). */
typedef enum {
  FS_PHASE_DETECTION,      /* no server alive and no recovery under way (detection and decision) */
  FS_PHASE_ORCHESTRATION,  /* a recovery plan of the service runs and has not yet made it work */
  FS_PHASE_BOOT,           /* no server alive; a replacement is booting */
  FS_PHASE_ROUTING,        /* a server is alive, but the network does not deliver to it */
  FS_PHASE_DNS_UPDATE,     /* the zone does not yet give a working address (registration, script) */
  FS_PHASE_DNS,            /* a cache still hands out the old answer, within its TTL */
  FS_PHASE_DNS_VIOLATION,  /* a resolver still hands it out past its TTL (it violates TTLs) */
  FS_PHASE_RETRY,          /* nothing blocked it any more: it had not asked again yet */
  FS_PHASE_OTHER,          /* anything else (its resolver unreachable, its own router down) */
  FS_PHASE_N
} FsPhase;

const char *fs_phase_name (FsPhase phase);   /* "detection", "dns_violation", ... */

/* One client's record. Times are ns; -1 where there is none. */
typedef struct {
  uint32_t requests;        /* requests made, retries included */
  uint32_t failed;          /* of which failed */
  uint32_t episodes;        /* failure episodes begun */
  uint16_t population;      /* index of its population (at most 65535 populations) */
  uint8_t phase;            /* FsPhase the rest of its open episode is charged to, until told */
  uint8_t reserved;
  FsTime downtime;          /* its episodes so far: the time charged to phases, up to finish */
  FsTime first_failure;     /* when its first failed request was */
  FsTime last_recovery;     /* when its last episode ended, -1 if none ended */
  FsTime charged_until;     /* its open episode is charged up to here; -1 when served (none open) */
} FsClientRecord;

/* A service's figures, complete after fs_client_stats_finish(). Times in ns; -1 where none. */
typedef struct {
  const char *name;
  uint32_t clients;
  uint32_t affected;            /* clients with at least one failed request */
  uint32_t down_at_end;         /* clients whose episode was still open at finish (censored) */
  uint64_t requests, failed;
  uint64_t failed_by_cause[FS_FAIL_N];
  FsTime client_time_lost;      /* sum of the clients' downtime */
  /* The downtime budget: client_time_lost by phase; the phases sum to it exactly. */
  FsTime budget[FS_PHASE_N];
  FsTime window_start;          /* the first failed request of any client */
  FsTime window_end;            /* the last recovery, or -1 if a client was still down at finish */
  /* Client downtime over the affected clients: mean, quantiles (linear interpolation between
   * order statistics, as gsl_stats_quantile_from_sorted_data) and maximum. */
  FsTime mean, p50, p95, p99, max;
  FsTime sample_interval;       /* the grid of the recovery curve */
  /* double: the share of the service's clients served (not in an episode) at 0, interval,
   * 2 interval ... up to the finish time, floor(finish / interval) + 1 points, the same in every
   * service. The point at time g is the state at the end of instant g: after every outcome
   * reported at a time <= g, before any at a time > g. A service without clients is at 1. */
  GArray *curve;
} FsServiceStats;

/* --- declaring (at build time) ------------------------------------------------------------- */

/* The recovery curve's grid; default 10 s. Call before the run starts. */
void fs_client_stats_set_sample_interval (FsClientStats *cs, FsTime interval);

/* Adds a service and returns its index (0, 1, ...). */
guint fs_client_stats_add_service (FsClientStats *cs, const char *name);

/* Adds @count clients of population @name, using @service; returns the index of the first.
 * Clients are numbered consecutively across populations, in the order they are added. At most
 * 65535 populations. */
guint fs_client_stats_add_population (FsClientStats *cs, const char *name, guint service,
                                      guint count);

/* --- reporting (at run time) ---------------------------------------------------------------- */

/* A request of @client at @now (never earlier than the last one reported) ended with @cause;
 * FS_FAIL_NONE is a success. A failure that opens an episode starts charging it at @now, to
 * FS_PHASE_OTHER until fs_client_stats_set_phase() says otherwise; any outcome in an open
 * episode first charges what is left of it, up to @now, to the client's phase; a success then
 * closes it. O(1), no allocation beyond the curve's growth. */
void fs_client_stats_record (FsClientStats *cs, guint client, FsTime now, FsFailCause cause);

/* Charges @client's open episode from where its charge stands up to @until to @phase: its
 * downtime and its service's budget grow by the same amount. @until may not lie beyond the
 * next outcome to be reported; an @until at or before the charge point, or a client that is
 * served, changes nothing. O(1). */
void fs_client_stats_charge (FsClientStats *cs, guint client, FsTime until, FsPhase phase);

/* The phase the rest of @client's open episode goes to, until charged otherwise. No effect on
 * a client that is served. */
void fs_client_stats_set_phase (FsClientStats *cs, guint client, FsPhase phase);

/* Asks for @client's record to be brought into the cache: its request is about to be
 * reported. Changes nothing; an index out of range is ignored. */
void fs_client_stats_prefetch (const FsClientStats *cs, guint client);

/* Closes open episodes at @now (they count up to there, the rest charged to each client's
 * phase) and computes the services' figures. fs_metrics_finish() calls it. */
void fs_client_stats_finish (FsClientStats *cs, FsTime now);

/* --- reading -------------------------------------------------------------------------------- */

guint fs_client_stats_n_clients (const FsClientStats *cs);
guint fs_client_stats_n_services (const FsClientStats *cs);
guint fs_client_stats_n_populations (const FsClientStats *cs);
const FsClientRecord *fs_client_stats_client (const FsClientStats *cs, guint client);
const FsServiceStats *fs_client_stats_service (const FsClientStats *cs, guint service);
const char *fs_client_stats_population_name (const FsClientStats *cs, guint population);
guint fs_client_stats_population_service (const FsClientStats *cs, guint population);
/* The service index of @name, or -1. */
int fs_client_stats_find_service (const FsClientStats *cs, const char *name);

G_END_DECLS
