/* dns-private.h: the DNS model's specification, shared by dns-spec.c (loading) and dns.c (the
 * model). */
#pragma once

#include "failsim/dist.h"
#include "failsim/dns.h"
#include "failsim/ip.h"
#include "failsim/scenario.h"

/* The dns: settings, shared by every zone and resolver. */
typedef struct {
  double violation_share;    /* of resolvers drawn as TTL violators ("auto") */
  FsDist *violation_extra;   /* how long a violator keeps a record past its TTL */
  FsDist *registration_delay;  /* from a VM's start to its dynamic update reaching the server */
  FsTime registration_retry; /* after a registration that found no server */
} DnsSettings;

enum { UPDATES_PRIMARY, UPDATES_ANY };

typedef struct {
  char *name;                /* the record's name as written */
  int type;                  /* FsDnsType */
  char *value_text;
  FsTime ttl;                /* when given; else the zone's */
  const FsNode *registered_by_node;
  const FsNode *node;
} RecordSpec;

typedef struct {
  char *name;                /* the origin, lowercase, no final dot */
  const FsNode *servers_node;
  int updates;               /* UPDATES_PRIMARY or UPDATES_ANY */
  gboolean notify;
  FsTime transfer_delay;
  FsTime refresh, retry, expire;
  FsTime ttl;                /* default TTL of its records */
  FsTime negative_ttl;       /* RFC 2308: min (SOA MINIMUM, SOA TTL) */
  const FsNode *records_node;
  char *description;
  guint n_servers;
  int *servers;              /* [n_servers] net host indices; [0] is the primary */
  const FsNode *node;
} ZoneSpec;

typedef struct {
  char *name;
  char *host_name;
  FsTime min_ttl, max_ttl, max_negative_ttl;
  gboolean prefetch;
  gboolean serve_stale;
  FsTime stale_answer_ttl, max_stale, stale_refresh;
  int violation;             /* VIOLATION_AUTO, _YES, _NO */
  gboolean warm;
  char *description;
  int host;
  const FsNode *node;
} ResolverSpec;

enum { VIOLATION_AUTO, VIOLATION_YES, VIOLATION_NO };

/* One record set: the data of (name, type) at the start, the same at every server. */
typedef struct {
  gboolean declared;         /* a record of the zone (a name may be only queried or a target) */
  int value;                 /* address index, name index (CNAME), or -1: absent */
  FsTime ttl;
  GArray *registered_by;     /* int: net hosts that register it when they start; may be NULL */
} RrsetSpec;

typedef struct {
  DnsSettings settings;
  GArray *zones;             /* ZoneSpec */
  GArray *resolvers;         /* ResolverSpec */
  GPtrArray *names;          /* char *: every name, interned; index = name index */
  GHashTable *name_index;    /* name -> index + 1 */
  GArray *name_zone;         /* int: the zone a name lies in (longest suffix), -1 if none */
  GArray *rrsets;            /* RrsetSpec, [name * FS_DNS_N_TYPES + type] */
  GArray *addresses;         /* FsIp */
  GHashTable *address_index; /* FsIp * -> index + 1 (keys point into a copy) */
} DnsSpec;

DnsSpec *fs__dns_spec (FsScenario *sc);
const DnsSpec *fs__dns_spec_get (const FsScenario *sc);

/* Interns @fqdn (lowercase, no final dot) and returns its index; grows the rrsets. */
int fs__dns_intern_name (DnsSpec *spec, const char *fqdn);
int fs__dns_intern_address (DnsSpec *spec, const FsIp *ip);

/* Turns what is written at @node into a full lowercase name without the final dot, relative to
 * @origin when it is neither the origin itself nor ends in "." followed by it ("@" is the
 * origin). NULL with a located error when it is no domain name. */
char *fs__dns_full_name (const FsNode *node, const char *text, const char *origin, GError **error);

gboolean fs__dns_build (FsSim *sim, GError **error);
void fs__dns_register_actions (void);
