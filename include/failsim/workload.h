/* workload.h: services, client populations and their requests.
 *
 * A client sends requests to a service's DNS name, Poisson or periodic. A request resolves the
 * name through the client's own cache (an OS resolver cache, a browser's host cache, a JVM's
 * InetAddress cache) and its resolver, or goes over a connection it still holds open; then it
 * must reach the address through the network model, and succeeds only if a live host that
 * owns the address serves the service. A failed request closes the connection, and the
 * client retries with exponential backoff. Every outcome goes to the metrics' client
 * collector (clients.h), which measures per-client downtime; the workload also charges every
 * stretch of it to the phase that caused it (detection, boot, routing, DNS, retry ...: the
 * downtime budget, docs/model-dns.md).
 *
 * Owns the scenario keys workload:, services:, clients:. Per-client state is one 24-byte
 * record in a flat array; per-client random draws are counter-based (rng.h), keyed by the
 * population, the client's place in it and the draw's purpose, so a client's arrivals do not
 * depend on anything else in the run. */
#pragma once

#include <glib.h>

#include "failsim/kernel.h"

G_BEGIN_DECLS

typedef struct FsWorkload FsWorkload;

FsWorkload *fs_workload_from_model (FsModel *model);   /* the "workload" model of a sim */

guint fs_workload_n_clients (const FsWorkload *w);

/* What client @client holds now: the address its cache gives (-1 none or negative), until
 * when, and the address of its open connection (-1 none). Address indices are the DNS
 * model's (fs_dns_address). */
int fs_workload_cached_address (const FsWorkload *w, guint client, FsTime *expires);
int fs_workload_connection (const FsWorkload *w, guint client);

G_END_DECLS
