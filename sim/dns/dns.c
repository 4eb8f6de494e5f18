/* dns.c: authoritative servers with their copies of each zone, and resolvers with TTL caches.
 *
 * See dns.h for what is modelled and docs/model-dns.md for the rules and their sources.
 * Simplified: a query takes no time (TTLs are seconds to hours, a query milliseconds); a
 * resolver asks a zone's servers in their listed order instead of by measured round-trip time;
 * one value per record (no round robin); no DNSSEC, no TCP fallback, no query loss. */
#include "dns-private.h"

#include <gsl/gsl_rng.h>
#include <string.h>

#include "failsim/metrics.h"
#include "failsim/net.h"
#include "failsim/sim.h"
#include "failsim/site.h"

enum {
  EV_TRANSFER,   /* a: slot */
  EV_REFRESH,    /* a: slot */
  EV_UPDATE,     /* a: UpdateArgs * */
  EV_REGISTER,   /* a: host */
};

#define MAX_CHAIN 8

/* A server's copy of one record set. @stamp orders changes: a copy takes the newer one. */
typedef struct {
  int32_t value;
  FsTime ttl;
  uint64_t stamp;
} Rec;

/* A resolver's cache entry for one record set: 48 bytes. */
typedef struct {
  FsTime stored;        /* when it was stored (before 0 for a warm start) */
  FsTime expires;       /* fresh while now < expires (violation extension included) */
  FsTime stale_until;   /* may be served stale while now < stale_until */
  FsTime recheck;       /* after a failed refresh, serve stale without asking until then */
  FsTime ttl;           /* the clamped TTL it was stored with */
  int32_t value;        /* address, name (CNAME) or -1 (negative) */
  int32_t present;      /* 0: empty */
} Entry;

typedef struct {
  uint64_t queries, hits, misses, stale, servfail, negative, prefetches, upstream;
  gboolean violator;
  FsTime extra;              /* a violator's extension of every TTL, drawn once per run */
} ResolverStats;

typedef struct {
  uint64_t queries;
  int64_t second;       /* the one-second bucket being counted */
  uint32_t in_second, peak;
} ServerLoad;

struct FsDns {
  FsModel base;
  FsKernel *k;
  FsNet *net;
  FsMetrics *metrics;
  const DnsSpec *spec;
  guint nz, nres, nn, nrr, nh;

  guint n_slots;             /* (zone, server) pairs */
  guint *zone_slot;          /* [nz + 1]: the slots of zone z are zone_slot[z] .. zone_slot[z+1]-1 */
  int *slot_host;            /* [slot] */
  int *slot_zone;            /* [slot] */
  Rec *data;                 /* a server's copy of its zone: data[slot_base[slot] + rr_local[rrset]] */
  size_t *slot_base;         /* [slot] */
  uint32_t *rr_local;        /* [rrset] its index among its zone's record sets */
  guint *zone_nrr;           /* [zone] how many record sets lie in it */
  uint32_t **zone_rrs;       /* [zone] its record sets */
  FsTime *last_ok;           /* [slot] the last successful copy (or the start) */
  FsHandle *transfer_ev, *refresh_ev;   /* [slot] */
  uint64_t stamp;

  Entry *cache;              /* [resolver * nrr + rrset] */
  ResolverStats *rstats;     /* [resolver] */
  ServerLoad *load;          /* [host] */
  GArray **series;           /* [host] of uint32_t: queries per bucket of series_interval, or NULL */
  FsTime series_interval;    /* the client collector's sample grid, learned at the first query; ns */
  GArray **registers;        /* [host] of int rrset, or NULL */
  FsHandle *register_ev;     /* [host] */
  gsl_rng *violation_rng, *registration_rng, *refresh_rng;

  uint32_t t_update, t_update_failed, t_transfer, t_outdated, t_flush;
};

/* --- helpers ----------------------------------------------------------------------------------------- */

static const ZoneSpec *
zone_spec (const FsDns *d, guint z)
{
  return &g_array_index (d->spec->zones, ZoneSpec, z);
}

static const ResolverSpec *
resolver_spec (const FsDns *d, guint r)
{
  return &g_array_index (d->spec->resolvers, ResolverSpec, r);
}

static int
name_zone (const FsDns *d, guint name)
{
  return g_array_index (d->spec->name_zone, int, name);
}

static Rec *
rec (const FsDns *d, guint slot, guint rr)
{
  return &d->data[d->slot_base[slot] + d->rr_local[rr]];
}

static Entry *
entry (const FsDns *d, guint resolver, guint rr)
{
  return &d->cache[(size_t) resolver * d->nrr + rr];
}

static void
notify (FsDns *d, uint32_t topic, uint32_t subject, const char *name, int64_t value, const char *detail)
{
  FsNotice n = { .topic = topic, .subject = subject, .source = &d->base, .subject_name = name,
                 .value = value, .detail = detail };

  fs_kernel_notify (d->k, &n);
}

/* The router a host's traffic enters the network at: its subnet's. */
static int
host_router (const FsDns *d, int host)
{
  return fs_net_subnet_router (d->net, fs_net_host_subnet (d->net, host));
}

static gboolean
reaches (const FsDns *d, int from_router, int host)
{
  FsReach x;

  if (from_router < 0)
    return FALSE;
  x = fs_net_reach (d->net, from_router, fs_net_host_ip (d->net, host));
  return x.status == FS_REACH_DELIVERED && x.host == host;
}

static gboolean
slot_is_primary (const FsDns *d, guint slot)
{
  return d->zone_slot[d->slot_zone[slot]] == slot;
}

/* Whether a server answers for its copy of the zone now (RFC 1035: a secondary that cannot
 * refresh for 'expire' stops answering). */
static gboolean
serving (const FsDns *d, guint slot)
{
  const ZoneSpec *z = zone_spec (d, d->slot_zone[slot]);

  if (!fs_net_host_is_alive (d->net, d->slot_host[slot]))
    return FALSE;
  return z->updates == UPDATES_ANY || slot_is_primary (d, slot)
         || fs_kernel_now (d->k) - d->last_ok[slot] <= z->expire;
}

/* The grid of the query series: the client collector's, so that a trace lines the query rate up
 * with the recovery curve. The workload sets it when it is built, after this model, so it is read
 * at the first query, when every model has been built. */
static FsTime
series_interval (FsDns *d)
{
  FsClientStats *cs;

  if (d->series_interval > 0)
    return d->series_interval;
  cs = fs_metrics_clients (d->metrics);
  d->series_interval = fs_client_stats_n_services (cs) > 0
                         ? fs_client_stats_service (cs, 0)->sample_interval : FS_DNS_SERIES_INTERVAL;
  return d->series_interval;
}

static void
count_query (FsDns *d, int host)
{
  ServerLoad *l = &d->load[host];
  FsTime now = fs_kernel_now (d->k);
  int64_t second = now / FS_SEC;
  guint bucket = (guint) (now / series_interval (d));

  l->queries++;
  if (second != l->second)
    l->second = second, l->in_second = 0;
  if (++l->in_second > l->peak)
    l->peak = l->in_second;
  /* Zero-filled growth, amortised doubling: one increment per query. */
  if (d->series[host] == NULL)
    d->series[host] = g_array_new (FALSE, TRUE, sizeof (uint32_t));
  if (bucket >= d->series[host]->len)
    g_array_set_size (d->series[host], bucket + 1);
  g_array_index (d->series[host], uint32_t, bucket)++;
}

static char *
describe_value (const FsDns *d, FsDnsType type, int value)
{
  if (value < 0)
    return g_strdup ("(deleted)");
  if (type == FS_DNS_CNAME)
    return g_strdup (g_ptr_array_index (d->spec->names, value));
  return fs_ip_to_string (&g_array_index (d->spec->addresses, FsIp, value));
}

/* --- zone copies ----------------------------------------------------------------------------------------- */

static void
schedule_transfer (FsDns *d, guint slot, FsTime when)
{
  FsTime pending = fs_kernel_event_time (d->k, d->transfer_ev[slot]);

  if (pending >= 0 && pending <= when)
    return;
  if (pending >= 0)
    fs_kernel_reschedule (d->k, d->transfer_ev[slot], when);
  else
    d->transfer_ev[slot] = fs_kernel_schedule_at (d->k, &d->base, when, FS_PRIORITY_DEFAULT,
                                                  EV_TRANSFER, slot, 0);
}

/* Copies into @slot every record set its sources hold in a newer version. Sources: the
 * primary (updates at the primary) or every other server (updates anywhere). Returns whether
 * it reached at least one source. */
static gboolean
pull (FsDns *d, guint slot)
{
  guint z = d->slot_zone[slot], i, rr;
  int from = host_router (d, d->slot_host[slot]);
  gboolean reached = FALSE, changed = FALSE;

  if (!fs_net_host_is_alive (d->net, d->slot_host[slot]))
    return FALSE;
  if (zone_spec (d, z)->updates == UPDATES_PRIMARY && slot_is_primary (d, slot))
    return TRUE;
  for (i = d->zone_slot[z]; i < d->zone_slot[z + 1]; i++)
    {
      if (i == slot || (zone_spec (d, z)->updates == UPDATES_PRIMARY && !slot_is_primary (d, i)))
        continue;
      if (!fs_net_host_is_alive (d->net, d->slot_host[i]) || !reaches (d, from, d->slot_host[i]))
        continue;
      reached = TRUE;
      for (rr = 0; rr < d->zone_nrr[z]; rr++)
        {
          Rec *mine = &d->data[d->slot_base[slot] + rr], *theirs = &d->data[d->slot_base[i] + rr];

          if (theirs->stamp > mine->stamp)
            *mine = *theirs, changed = TRUE;
        }
    }
  if (!reached)
    return FALSE;
  d->last_ok[slot] = fs_kernel_now (d->k);
  /* A copy that succeeded restarts the refresh timer, as a secondary does after a transfer. */
  if (d->refresh_ev[slot] != FS_HANDLE_NONE)
    fs_kernel_reschedule (d->k, d->refresh_ev[slot],
                          fs_kernel_now (d->k) + zone_spec (d, d->slot_zone[slot])->refresh);
  if (changed)
    {
      int h = d->slot_host[slot];
      g_autofree char *detail = g_strdup_printf ("%s copied the changes to zone %s",
                                                 fs_net_host_name (d->net, h), zone_spec (d, z)->name);
      notify (d, d->t_transfer, h, fs_net_host_name (d->net, h), 1, detail);
    }
  return TRUE;
}

/* Reports dns.outdated for every resolver whose cache, now that @rr holds @value, still holds
 * a different answer it will give out as fresh: the time until that entry expires (the TTL
 * violation's extension included, serve-stale not). Only reads the caches. */
static void
report_outdated (FsDns *d, guint rr, int value)
{
  FsTime now = fs_kernel_now (d->k);
  const char *name = g_ptr_array_index (d->spec->names, rr / FS_DNS_N_TYPES);
  guint r;

  for (r = 0; r < d->nres; r++)
    {
      const Entry *e = entry (d, r, rr);
      g_autofree char *what = NULL;
      g_autofree char *detail = NULL;
      g_autofree char *past_text = NULL;
      FsTime left, past;

      if (!e->present || e->value == value || now >= e->expires)
        continue;
      left = e->expires - now;
      /* The part of what is left beyond the TTL it was stored with: only a violator has one. */
      past = e->expires - MAX (now, e->stored + e->ttl);
      if (past > 0)
        past_text = g_strdup_printf (", of which %" G_GINT64_FORMAT " s past its TTL", past / FS_SEC);
      what = e->value < 0 ? g_strdup ("no such record")
                          : describe_value (d, rr % FS_DNS_N_TYPES, e->value);
      detail = g_strdup_printf ("resolver %s still answers %s -> %s (cached, %" G_GINT64_FORMAT
                                " s left%s)", resolver_spec (d, r)->name, name, what, left / FS_SEC,
                                past_text != NULL ? past_text : "");
      notify (d, d->t_outdated, r, resolver_spec (d, r)->name, left, detail);
    }
}

/* A change made at @slot: a new version of the record set, announced to the servers that copy
 * from it. */
static void
apply (FsDns *d, guint slot, guint rr, int value, FsTime ttl, const char *by)
{
  const ZoneSpec *z = zone_spec (d, d->slot_zone[slot]);
  guint name = rr / FS_DNS_N_TYPES, i;
  FsDnsType type = rr % FS_DNS_N_TYPES;
  g_autofree char *what = describe_value (d, type, value);
  g_autofree char *detail = NULL;
  char ttl_text[FS_TIME_BUFSZ];
  Rec *r = rec (d, slot, rr);

  r->value = value;
  r->ttl = ttl;
  r->stamp = ++d->stamp;
  fs_time_format (ttl, ttl_text, sizeof ttl_text);
  detail = g_strdup_printf ("%s %s %s ttl %s at %s (%s)", (const char *) g_ptr_array_index (d->spec->names, name),
                            type == FS_DNS_A ? "A" : type == FS_DNS_AAAA ? "AAAA" : "CNAME", what, ttl_text,
                            fs_net_host_name (d->net, d->slot_host[slot]), by);
  notify (d, d->t_update, name, g_ptr_array_index (d->spec->names, name), value, detail);
  report_outdated (d, rr, value);
  if (!z->notify)
    return;
  if (z->updates == UPDATES_PRIMARY && !slot_is_primary (d, slot))
    return;
  for (i = d->zone_slot[d->slot_zone[slot]]; i < d->zone_slot[d->slot_zone[slot] + 1]; i++)
    if (i != slot)
      schedule_transfer (d, i, fs_kernel_now (d->k) + z->transfer_delay);
}

/* Where a change to zone @z can be made now, from @from_router (-1: from anywhere): the
 * primary, or with updates anywhere the first live server; -1 when none. */
static int
update_slot (const FsDns *d, guint z, int from_router)
{
  guint i;

  for (i = d->zone_slot[z]; i < d->zone_slot[z + 1]; i++)
    {
      if (fs_net_host_is_alive (d->net, d->slot_host[i])
          && (from_router < 0 || reaches (d, from_router, d->slot_host[i])))
        return (int) i;
      if (zone_spec (d, z)->updates == UPDATES_PRIMARY)
        return -1;
    }
  return -1;
}

/* --- resolvers --------------------------------------------------------------------------------------------- */

static gboolean
fresh (const Entry *e, FsTime now)
{
  /* A record just fetched serves the query that fetched it, even with TTL 0. */
  return e->present && (now < e->expires || now == e->stored);
}

static void
store (FsDns *d, guint res, guint rr, int value, FsTime ttl, gboolean negative, FsTime negative_ttl)
{
  const ResolverSpec *rs = resolver_spec (d, res);
  Entry *e = entry (d, res, rr);
  FsTime now = fs_kernel_now (d->k), extra = 0;

  if (negative)
    ttl = MIN (negative_ttl, rs->max_negative_ttl);
  else
    {
      ttl = CLAMP (ttl, rs->min_ttl, rs->max_ttl);
      if (d->rstats[res].violator)
        extra = d->rstats[res].extra;
    }
  e->present = 1;
  e->stored = now;
  e->value = negative ? -1 : value;
  e->ttl = ttl;
  e->expires = now + ttl + extra;
  e->stale_until = e->expires + (rs->serve_stale ? rs->max_stale : 0);
  e->recheck = -1;
}

/* Asks @name's zone servers in order for (@name, @qtype), storing what the first that answers
 * says, CNAMEs within the zone included. FALSE when none answered. */
static gboolean
fetch (FsDns *d, guint res, guint name, FsDnsType qtype)
{
  int z = name_zone (d, name), from = host_router (d, resolver_spec (d, res)->host);
  guint i, depth;

  if (z < 0)
    return FALSE;
  for (i = d->zone_slot[z]; i < d->zone_slot[z + 1]; i++)
    {
      guint cur = name;

      if (!serving (d, i) || !reaches (d, from, d->slot_host[i]))
        continue;
      count_query (d, d->slot_host[i]);
      d->rstats[res].upstream++;
      for (depth = 0; depth <= MAX_CHAIN; depth++)
        {
          /* @cur lies in zone @z: the first name by the zone lookup, the next ones checked
           * below before they are followed. */
          const Rec *c = rec (d, i, cur * FS_DNS_N_TYPES + FS_DNS_CNAME);
          const Rec *a = rec (d, i, cur * FS_DNS_N_TYPES + qtype);

          if (c->value >= 0)
            {
              store (d, res, cur * FS_DNS_N_TYPES + FS_DNS_CNAME, c->value, c->ttl, FALSE, 0);
              cur = (guint) c->value;
              if (name_zone (d, cur) != z)
                break;
              continue;
            }
          store (d, res, cur * FS_DNS_N_TYPES + qtype, a->value, a->ttl, a->value < 0,
                 zone_spec (d, z)->negative_ttl);
          break;
        }
      return TRUE;
    }
  return FALSE;
}

FsDnsAnswer
fs_dns_resolve (FsDns *d, guint res, guint name, FsDnsType qtype)
{
  const ResolverSpec *rs;
  ResolverStats *st;
  FsDnsAnswer ans = { FS_DNS_SERVFAIL, -1, 0, TRUE, FALSE };
  FsTime now = fs_kernel_now (d->k), ttl = FS_TIME_MAX;
  guint cur = name, depth;
  gboolean asked = FALSE;

  g_return_val_if_fail (res < d->nres && name < d->nn && qtype != FS_DNS_CNAME, ans);
  rs = resolver_spec (d, res);
  st = &d->rstats[res];
  st->queries++;
  for (depth = 0; depth <= MAX_CHAIN; depth++)
    {
      Entry *c = entry (d, res, cur * FS_DNS_N_TYPES + FS_DNS_CNAME);
      Entry *a = entry (d, res, cur * FS_DNS_N_TYPES + qtype);
      Entry *use = NULL;
      gboolean step_stale = FALSE;

      if (!fresh (c, now) && !fresh (a, now))
        {
          /* RFC 8767: within the failure-recheck window, answer stale without asking. */
          gboolean recheck = rs->serve_stale
                             && ((c->present && c->value >= 0 && now < c->recheck && now < c->stale_until)
                                 || (a->present && now < a->recheck && now < a->stale_until));

          if (!recheck && fetch (d, res, cur, qtype))
            asked = TRUE;
          else if (rs->serve_stale && c->present && c->value >= 0 && now < c->stale_until)
            use = c, step_stale = TRUE;
          else if (rs->serve_stale && a->present && now < a->stale_until)
            use = a, step_stale = TRUE;
          else
            {
              st->servfail++;
              ans.from_cache = !asked;
              return ans;
            }
        }
      if (step_stale)
        {
          if (use->recheck <= now)
            use->recheck = now + rs->stale_refresh;
          ans.stale = TRUE;
          ttl = MIN (ttl, rs->stale_answer_ttl);
        }
      else
        {
          /* Fresh, or just fetched: a CNAME takes precedence over other data. */
          use = fresh (c, now) && c->value >= 0 ? c : a;
          ttl = MIN (ttl, MAX (use->expires - now, 0));
        }
      if (use == c && c->value >= 0)
        {
          cur = (guint) c->value;
          continue;
        }
      ans.from_cache = !asked;
      ans.ttl = ttl == FS_TIME_MAX ? 0 : ttl;
      if (use->value >= 0)
        {
          ans.status = FS_DNS_ADDRESS;
          ans.address = use->value;
        }
      else
        {
          ans.status = FS_DNS_NEGATIVE;
          st->negative++;
        }
      /* A hit in the last tenth of its TTL is answered from the cache and refreshed behind it
       * (Unbound's prefetch): the refresh serves the next query, not this one. */
      if (rs->prefetch && !ans.stale && !asked && use->expires - now < use->ttl / 10)
        {
          st->prefetches++;
          fetch (d, res, cur, qtype);
        }
      if (ans.stale)
        st->stale++;
      else if (asked)
        st->misses++;
      else
        st->hits++;
      return ans;
    }
  st->servfail++;   /* a CNAME chain longer than MAX_CHAIN */
  ans.from_cache = !asked;
  return ans;
}

/* --- registration and updates ----------------------------------------------------------------------------- */

static void
host_listener (guint host, gboolean running, void *data)
{
  FsDns *d = data;

  if (d->registers[host] == NULL)
    return;
  fs_kernel_cancel (d->k, d->register_ev[host]);
  d->register_ev[host] = FS_HANDLE_NONE;
  if (running)
    d->register_ev[host] = fs_kernel_schedule (d->k, &d->base,
                                               fs_dist_sample (d->spec->settings.registration_delay,
                                                               d->registration_rng),
                                               EV_REGISTER, host, 0);
}

/* A site that comes back boots its VMs again, and each registers its address anew. */
static void
site_listener (guint site, gboolean up, void *data)
{
  FsDns *d = data;
  guint h;

  for (h = 0; up && h < d->nh; h++)
    if (d->registers[h] != NULL && fs_net_host_site (d->net, h) == (int) site
        && fs_net_host_is_running (d->net, h))
      host_listener (h, TRUE, d);
}

/* Dynamic update (RFC 2136) of every record @host registers, with its own address. */
static void
register_host (FsDns *d, guint host)
{
  GArray *rrs = d->registers[host];
  int from = host_router (d, (int) host), addr = -1;
  gboolean failed = FALSE;
  guint i;

  if (!fs_net_host_is_alive (d->net, host))
    {
      /* Started while its site is down: it registers once it can run. */
      if (fs_net_host_is_running (d->net, host))
        d->register_ev[host] = fs_kernel_schedule (d->k, &d->base, d->spec->settings.registration_retry,
                                                   EV_REGISTER, host, 0);
      return;
    }
  {
    gpointer found = g_hash_table_lookup (d->spec->address_index, fs_net_host_ip (d->net, host));
    addr = GPOINTER_TO_INT (found) - 1;
  }
  for (i = 0; i < rrs->len; i++)
    {
      guint rr = g_array_index (rrs, int, i), name = rr / FS_DNS_N_TYPES;
      int slot = update_slot (d, (guint) name_zone (d, name), from);
      g_autofree char *by = NULL;

      if (slot < 0)
        {
          g_autofree char *detail = g_strdup_printf ("%s could not register %s: no server of zone %s "
                                                     "reachable", fs_net_host_name (d->net, host),
                                                     (const char *) g_ptr_array_index (d->spec->names, name),
                                                     zone_spec (d, name_zone (d, name))->name);
          notify (d, d->t_update_failed, name, g_ptr_array_index (d->spec->names, name), 0, detail);
          failed = TRUE;
          continue;
        }
      if (rec (d, slot, rr)->value == addr)
        continue;
      by = g_strdup_printf ("registered by %s", fs_net_host_name (d->net, host));
      apply (d, slot, rr, addr, rec (d, slot, rr)->ttl, by);
    }
  if (failed)
    d->register_ev[host] = fs_kernel_schedule (d->k, &d->base, d->spec->settings.registration_retry,
                                               EV_REGISTER, host, 0);
}

typedef struct {
  char *name_text;
  int type;
  char *value_text;
  FsTime ttl;
  gboolean has_ttl;
  gboolean delete;
  char *server_name;
  FsDist *duration;
  double failure;
  int line;                  /* of its timeline entry: names its own random stream */
  int name;
  int value;
  int server;                /* net host, or -1 */
} UpdateArgs;

/* Each update draws from its own stream, so adding or changing one leaves the others' draws
 * alone (common random numbers across variants of a scenario). */
static gsl_rng *
update_stream (FsDns *d, const UpdateArgs *a)
{
  char name[48];

  g_snprintf (name, sizeof name, "dns.update@%d", a->line);
  return fs_kernel_stream (d->k, name);
}

static void
run_update (FsDns *d, const UpdateArgs *a)
{
  guint rr = (guint) a->name * FS_DNS_N_TYPES + (guint) a->type;
  guint z = (guint) name_zone (d, (guint) a->name), i;
  const char *name = g_ptr_array_index (d->spec->names, a->name);
  int slot = -1;
  g_autofree char *detail = NULL;

  if (a->failure > 0 && gsl_rng_uniform (update_stream (d, a)) < a->failure)
    detail = g_strdup_printf ("the DNS update script for %s failed", name);
  else if (a->server >= 0)
    {
      for (i = d->zone_slot[z]; i < d->zone_slot[z + 1]; i++)
        if (d->slot_host[i] == a->server)
          slot = (int) i;
      if (!fs_net_host_is_alive (d->net, a->server))
        detail = g_strdup_printf ("the DNS update of %s failed: server %s is down", name, a->server_name);
    }
  else if ((slot = update_slot (d, z, -1)) < 0)
    detail = g_strdup_printf ("the DNS update of %s failed: %s", name,
                              zone_spec (d, z)->updates == UPDATES_PRIMARY ? "the zone's primary is down"
                                                                          : "no server of the zone is up");
  if (detail != NULL)
    {
      notify (d, d->t_update_failed, a->name, name, 0, detail);
      return;
    }
  apply (d, (guint) slot, rr, a->delete ? -1 : a->value, a->has_ttl ? a->ttl : rec (d, slot, rr)->ttl,
         "dns.update");
}

/* --- the model ----------------------------------------------------------------------------------------------- */

static void
dns_handle (FsModel *model, FsKernel *k, const FsEvent *ev)
{
  FsDns *d = (FsDns *) model;

  switch (ev->kind)
    {
    case EV_TRANSFER:
      d->transfer_ev[ev->a] = FS_HANDLE_NONE;
      if (!pull (d, (guint) ev->a))
        schedule_transfer (d, (guint) ev->a, fs_kernel_now (k) + zone_spec (d, d->slot_zone[ev->a])->retry);
      break;
    case EV_REFRESH:
      {
        const ZoneSpec *z = zone_spec (d, d->slot_zone[ev->a]);

        d->refresh_ev[ev->a] = fs_kernel_schedule (k, &d->base, z->refresh, EV_REFRESH, ev->a, 0);
        if (!pull (d, (guint) ev->a))
          schedule_transfer (d, (guint) ev->a, fs_kernel_now (k) + z->retry);
        break;
      }
    case EV_UPDATE:
      run_update (d, (const UpdateArgs *) (uintptr_t) ev->a);
      break;
    case EV_REGISTER:
      d->register_ev[ev->a] = FS_HANDLE_NONE;
      register_host (d, (guint) ev->a);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
dns_finish (FsModel *model, FsKernel *k)
{
  FsDns *d = (FsDns *) model;
  guint i, h;

  for (h = 0; h < d->nh; h++)
    {
      gboolean server = FALSE;

      for (i = 0; i < d->n_slots; i++)
        server |= d->slot_host[i] == (int) h;
      if (!server)
        continue;
      fs_metrics_set_figure_int (d->metrics, "dns.servers", fs_net_host_name (d->net, h), "queries",
                                 (int64_t) d->load[h].queries);
      fs_metrics_set_figure_int (d->metrics, "dns.servers", fs_net_host_name (d->net, h), "peak_qps",
                                 d->load[h].peak);
    }
  for (i = 0; i < d->nres; i++)
    {
      const ResolverStats *st = &d->rstats[i];
      const char *name = resolver_spec (d, i)->name;

      fs_metrics_set_figure_int (d->metrics, "dns.resolvers", name, "queries", (int64_t) st->queries);
      fs_metrics_set_figure_int (d->metrics, "dns.resolvers", name, "hits", (int64_t) st->hits);
      fs_metrics_set_figure_int (d->metrics, "dns.resolvers", name, "misses", (int64_t) st->misses);
      fs_metrics_set_figure_double (d->metrics, "dns.resolvers", name, "hit_ratio",
                                    st->queries ? (double) st->hits / (double) st->queries : 0.0);
      fs_metrics_set_figure_int (d->metrics, "dns.resolvers", name, "stale_answers", (int64_t) st->stale);
      fs_metrics_set_figure_int (d->metrics, "dns.resolvers", name, "negative_answers",
                                 (int64_t) st->negative);
      fs_metrics_set_figure_int (d->metrics, "dns.resolvers", name, "servfail", (int64_t) st->servfail);
      fs_metrics_set_figure_int (d->metrics, "dns.resolvers", name, "prefetches", (int64_t) st->prefetches);
      fs_metrics_set_figure_int (d->metrics, "dns.resolvers", name, "upstream_queries",
                                 (int64_t) st->upstream);
      fs_metrics_set_figure_int (d->metrics, "dns.resolvers", name, "ttl_violation", st->violator);
      if (st->violator)
        fs_metrics_set_figure_double (d->metrics, "dns.resolvers", name, "ttl_extra_s",
                                      (double) st->extra / 1e9);
    }
}

static void
dns_free (FsModel *model)
{
  FsDns *d = (FsDns *) model;
  guint h;

  for (h = 0; h < d->nh; h++)
    if (d->registers[h] != NULL)
      g_array_unref (d->registers[h]);
  g_free (d->registers);
  g_free (d->register_ev);
  g_free (d->zone_slot);
  g_free (d->slot_host);
  g_free (d->slot_zone);
  g_free (d->data);
  g_free (d->slot_base);
  g_free (d->rr_local);
  for (h = 0; h < d->nz; h++)
    g_free (d->zone_rrs[h]);
  g_free (d->zone_rrs);
  g_free (d->zone_nrr);
  g_free (d->last_ok);
  g_free (d->transfer_ev);
  g_free (d->refresh_ev);
  g_free (d->cache);
  g_free (d->rstats);
  g_free (d->load);
  for (h = 0; h < d->nh; h++)
    if (d->series[h] != NULL)
      g_array_unref (d->series[h]);
  g_free (d->series);
  g_free (d);
}

static const FsModelOps dns_ops = {
  .name = "dns",
  .handle = dns_handle,
  .finish = dns_finish,
  .free = dns_free,
};

FsDns *
fs_dns_from_model (FsModel *model)
{
  g_return_val_if_fail (model != NULL && model->ops == &dns_ops, NULL);
  return (FsDns *) model;
}

gboolean
fs__dns_build (FsSim *sim, GError **error)
{
  const FsScenario *sc = fs_sim_scenario (sim);
  const DnsSpec *spec = fs__dns_spec_get (sc);
  FsKernel *k = fs_sim_kernel (sim);
  FsModel *net_model = fs_sim_model (sim, "net");
  FsDns *d;
  guint z, i, rr, r;

  if (spec == NULL || (spec->zones->len == 0 && spec->resolvers->len == 0) || net_model == NULL)
    return TRUE;
  d = g_new0 (FsDns, 1);
  d->base.ops = &dns_ops;
  d->base.name = g_strdup ("dns");
  d->k = k;
  d->net = fs_net_from_model (net_model);
  d->metrics = fs_sim_metrics (sim);
  d->spec = spec;
  d->nz = spec->zones->len;
  d->nres = spec->resolvers->len;
  d->nn = spec->names->len;
  d->nrr = spec->rrsets->len;
  d->nh = fs_net_n_hosts (d->net);

  d->zone_slot = g_new0 (guint, d->nz + 1);
  for (z = 0; z < d->nz; z++)
    d->zone_slot[z + 1] = d->zone_slot[z] + zone_spec (d, z)->n_servers;
  d->n_slots = d->zone_slot[d->nz];
  d->slot_host = g_new (int, MAX (d->n_slots, 1));
  d->slot_zone = g_new (int, MAX (d->n_slots, 1));
  for (z = 0; z < d->nz; z++)
    for (i = 0; i < zone_spec (d, z)->n_servers; i++)
      {
        d->slot_host[d->zone_slot[z] + i] = zone_spec (d, z)->servers[i];
        d->slot_zone[d->zone_slot[z] + i] = (int) z;
      }
  /* Each server holds only its own zone's record sets. */
  d->rr_local = g_new0 (uint32_t, MAX (d->nrr, 1));
  d->zone_nrr = g_new0 (guint, MAX (d->nz, 1));
  d->zone_rrs = g_new0 (uint32_t *, MAX (d->nz, 1));
  for (rr = 0; rr < d->nrr; rr++)
    {
      int zn = name_zone (d, rr / FS_DNS_N_TYPES);

      if (zn >= 0)
        d->rr_local[rr] = d->zone_nrr[zn]++;
    }
  for (z = 0; z < d->nz; z++)
    d->zone_rrs[z] = g_new (uint32_t, MAX (d->zone_nrr[z], 1));
  for (rr = 0; rr < d->nrr; rr++)
    {
      int zn = name_zone (d, rr / FS_DNS_N_TYPES);

      if (zn >= 0)
        d->zone_rrs[zn][d->rr_local[rr]] = rr;
    }
  d->slot_base = g_new (size_t, MAX (d->n_slots, 1));
  {
    size_t total = 0;

    for (i = 0; i < d->n_slots; i++)
      {
        d->slot_base[i] = total;
        total += d->zone_nrr[d->slot_zone[i]];
      }
    d->data = g_new (Rec, MAX (total, 1));
  }
  for (i = 0; i < d->n_slots; i++)
    for (rr = 0; rr < d->zone_nrr[d->slot_zone[i]]; rr++)
      {
        const RrsetSpec *s = &g_array_index (spec->rrsets, RrsetSpec, d->zone_rrs[d->slot_zone[i]][rr]);

        d->data[d->slot_base[i] + rr] = (Rec) { s->value, s->ttl, 0 };
      }
  d->last_ok = g_new0 (FsTime, MAX (d->n_slots, 1));
  d->transfer_ev = g_new0 (FsHandle, MAX (d->n_slots, 1));
  d->refresh_ev = g_new0 (FsHandle, MAX (d->n_slots, 1));
  d->cache = g_new (Entry, MAX ((size_t) d->nres * d->nrr, 1));
  for (i = 0; i < d->nres * d->nrr; i++)
    d->cache[i] = (Entry) { 0, -1, -1, -1, 0, -1, 0 };
  d->rstats = g_new0 (ResolverStats, MAX (d->nres, 1));
  d->load = g_new0 (ServerLoad, MAX (d->nh, 1));
  for (i = 0; i < d->nh; i++)
    d->load[i].second = -1;
  d->series = g_new0 (GArray *, MAX (d->nh, 1));
  d->registers = g_new0 (GArray *, MAX (d->nh, 1));
  d->register_ev = g_new0 (FsHandle, MAX (d->nh, 1));
  for (rr = 0; rr < d->nrr; rr++)
    {
      const RrsetSpec *s = &g_array_index (spec->rrsets, RrsetSpec, rr);

      for (i = 0; s->registered_by != NULL && i < s->registered_by->len; i++)
        {
          int h = g_array_index (s->registered_by, int, i);

          if (d->registers[h] == NULL)
            d->registers[h] = g_array_new (FALSE, FALSE, sizeof (int));
          g_array_append_val (d->registers[h], rr);
        }
    }

  d->violation_rng = fs_kernel_stream (k, "dns.violation");
  d->registration_rng = fs_kernel_stream (k, "dns.registration");
  d->refresh_rng = fs_kernel_stream (k, "dns.refresh");
  for (r = 0; r < d->nres; r++)
    {
      int v = resolver_spec (d, r)->violation;
      /* Drawn for every resolver, used or not, so that changing one resolver's setting does
       * not change which of the others violate. */
      double u = gsl_rng_uniform (d->violation_rng);
      /* One extension per resolver for the whole run, its policy: drawn per stored record, the
       * draw at the failover would depend on how often the resolver stored the record, so two
       * variants of a scenario (TTL 300 s against 30 s) would not share it. */
      FsTime extra = fs_dist_sample (spec->settings.violation_extra, d->violation_rng);

      d->rstats[r].violator = v == VIOLATION_YES
                              || (v == VIOLATION_AUTO && u < spec->settings.violation_share);
      d->rstats[r].extra = extra;
    }
  /* A resolver that has run for long holds each record it is asked for at a phase of its
   * lifetime that is uniform: starting every cache empty at 0 would make them all expire
   * together, at multiples of the TTL, and a failover at 10m with a TTL of 5m would meet every
   * cache just refreshed. */
  {
    gsl_rng *warm = fs_kernel_stream (k, "dns.warm");

    for (r = 0; r < d->nres; r++)
      for (rr = 0; rr < d->nrr; rr++)
        {
          const RrsetSpec *s = &g_array_index (spec->rrsets, RrsetSpec, rr);
          const ResolverSpec *rs = resolver_spec (d, r);
          Entry *e = entry (d, r, rr);
          FsTime life, ttl, extra = 0;
          /* Drawn for every (resolver, record set), used or not: changing one resolver's
           * settings must not move the others' phases. */
          double u = gsl_rng_uniform (warm);

          if (!rs->warm || s->value < 0 || name_zone (d, rr / FS_DNS_N_TYPES) < 0)
            continue;
          ttl = CLAMP (s->ttl, rs->min_ttl, rs->max_ttl);
          if (d->rstats[r].violator)
            extra = d->rstats[r].extra;
          life = ttl + extra;
          e->present = 1;
          e->stored = -(FsTime) (u * (double) life);
          e->value = s->value;
          e->ttl = ttl;
          e->expires = e->stored + life;
          e->stale_until = e->expires + (rs->serve_stale ? rs->max_stale : 0);
          e->recheck = -1;
        }
  }
  /* Servers refresh at their own phase, as if they had started at different times. */
  for (i = 0; i < d->n_slots; i++)
    {
      const ZoneSpec *zs = zone_spec (d, d->slot_zone[i]);
      FsTime phase = (FsTime) (gsl_rng_uniform (d->refresh_rng) * (double) zs->refresh);

      if (zs->updates == UPDATES_ANY || !slot_is_primary (d, i))
        d->refresh_ev[i] = fs_kernel_schedule (k, &d->base, phase, EV_REFRESH, i, 0);
    }

  d->t_update = fs_kernel_topic (k, "dns.update");
  d->t_update_failed = fs_kernel_topic (k, "dns.update_failed");
  d->t_transfer = fs_kernel_topic (k, "dns.transfer");
  d->t_outdated = fs_kernel_topic (k, "dns.outdated");
  d->t_flush = fs_kernel_topic (k, "dns.flush");
  fs_sim_add_model (sim, "dns", &d->base);
  fs_net_listen_hosts (d->net, host_listener, d);
  fs_sites_listen (fs_sites_from_model (fs_sim_model (sim, "sites")), site_listener, d);
  return TRUE;
}

/* --- accessors ------------------------------------------------------------------------------------------------ */

int
fs_dns_resolver_index (const FsDns *d, const char *name)
{
  return fs_schema_index_by_name (d->spec->resolvers, sizeof (ResolverSpec), name);
}

int
fs_dns_name_index (const FsDns *d, const char *fqdn)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (d->spec->name_index, fqdn)) - 1;
}

guint
fs_dns_n_resolvers (const FsDns *d)
{
  return d->nres;
}

int
fs_dns_resolver_host (const FsDns *d, guint resolver)
{
  g_return_val_if_fail (resolver < d->nres, -1);
  return resolver_spec (d, resolver)->host;
}

const char *
fs_dns_name (const FsDns *d, guint name)
{
  g_return_val_if_fail (name < d->nn, NULL);
  return g_ptr_array_index (d->spec->names, name);
}

guint
fs_dns_n_names (const FsDns *d)
{
  return d->nn;
}

const char *
fs_dns_resolver_name (const FsDns *d, guint resolver)
{
  g_return_val_if_fail (resolver < d->spec->resolvers->len, NULL);
  return g_array_index (d->spec->resolvers, ResolverSpec, resolver).name;
}

guint
fs_dns_n_addresses (const FsDns *d)
{
  return d->spec->addresses->len;
}

const FsIp *
fs_dns_address (const FsDns *d, guint address)
{
  g_return_val_if_fail (address < d->spec->addresses->len, NULL);
  return &g_array_index (d->spec->addresses, FsIp, address);
}

int
fs_dns_server_record (const FsDns *d, guint server_host, guint name, FsDnsType type, FsTime *ttl)
{
  int z;
  guint i;

  g_return_val_if_fail (name < d->nn && type < FS_DNS_N_TYPES, -1);
  if ((z = name_zone (d, name)) < 0)
    return -1;
  for (i = d->zone_slot[z]; i < d->zone_slot[z + 1]; i++)
    if (d->slot_host[i] == (int) server_host)
      {
        const Rec *r = rec (d, i, name * FS_DNS_N_TYPES + type);

        if (ttl != NULL)
          *ttl = r->ttl;
        return r->value;
      }
  return -1;
}

gboolean
fs_dns_cache_entry (const FsDns *d, guint resolver, guint name, FsDnsType type, FsDnsCacheEntry *out)
{
  const Entry *e;

  g_return_val_if_fail (resolver < d->nres && name < d->nn && type < FS_DNS_N_TYPES, FALSE);
  e = entry (d, resolver, name * FS_DNS_N_TYPES + type);
  if (!e->present)
    return FALSE;
  *out = (FsDnsCacheEntry) { e->value, e->expires, e->stale_until, e->ttl, e->stored };
  return TRUE;
}

gboolean
fs_dns_zone_answer (const FsDns *d, guint resolver, guint name, FsDnsType qtype, int *address)
{
  int from;
  guint cur = name, depth, i;

  g_return_val_if_fail (resolver < d->nres && name < d->nn && qtype != FS_DNS_CNAME, FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  from = host_router (d, resolver_spec (d, resolver)->host);
  /* As fetch() and fs_dns_resolve() would walk it; a link within one zone picks the same server
   * again, since nothing changes between the steps. */
  for (depth = 0; depth <= MAX_CHAIN; depth++)
    {
      int z = name_zone (d, cur), slot = -1;
      const Rec *c, *a;

      if (z < 0)
        return FALSE;
      for (i = d->zone_slot[z]; i < d->zone_slot[z + 1] && slot < 0; i++)
        if (serving (d, i) && reaches (d, from, d->slot_host[i]))
          slot = (int) i;
      if (slot < 0)
        return FALSE;
      c = rec (d, (guint) slot, cur * FS_DNS_N_TYPES + FS_DNS_CNAME);
      a = rec (d, (guint) slot, cur * FS_DNS_N_TYPES + qtype);
      if (c->value >= 0)
        {
          cur = (guint) c->value;
          continue;
        }
      *address = a->value;
      return TRUE;
    }
  return FALSE;
}

gboolean
fs_dns_resolver_violates (const FsDns *d, guint resolver)
{
  g_return_val_if_fail (resolver < d->nres, FALSE);
  return d->rstats[resolver].violator;
}

uint64_t
fs_dns_server_queries (const FsDns *d, guint server_host)
{
  g_return_val_if_fail (server_host < d->nh, 0);
  return d->load[server_host].queries;
}

GArray *
fs_dns_server_hosts (const FsDns *d)
{
  GArray *hosts = g_array_new (FALSE, FALSE, sizeof (guint));
  guint h, i;

  for (h = 0; h < d->nh; h++)
    for (i = 0; i < d->n_slots; i++)
      if (d->slot_host[i] == (int) h)
        {
          g_array_append_val (hosts, h);
          break;
        }
  return hosts;
}

const uint32_t *
fs_dns_server_series (const FsDns *d, guint server_host, guint *n_buckets, FsTime *interval)
{
  g_return_val_if_fail (server_host < d->nh && n_buckets != NULL, NULL);
  if (interval != NULL)
    *interval = d->series_interval > 0 ? d->series_interval : FS_DNS_SERIES_INTERVAL;
  *n_buckets = d->series[server_host] != NULL ? d->series[server_host]->len : 0;
  return d->series[server_host] != NULL ? (const uint32_t *) d->series[server_host]->data : NULL;
}

/* --- the dns.update action --------------------------------------------------------------------------------- */

static const char *const update_types[] = { "A", "AAAA", "CNAME", NULL };

static const FsField update_fields[] = {
  { "name", FS_FIELD_STRING, offsetof (UpdateArgs, name_text), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The record's full name, in a declared zone.", "app.contoso.com" },
  { "type", FS_FIELD_ENUM, offsetof (UpdateArgs, type), FALSE, "A", 0, 0, 0, 0, update_types,
    "The record's type.", "AAAA" },
  { "value", FS_FIELD_STRING, offsetof (UpdateArgs, value_text), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The new address (or CNAME target); required unless delete.", "172.16.1.10" },
  { "ttl", FS_FIELD_DURATION, offsetof (UpdateArgs, ttl), FALSE, NULL, 0, (int64_t) G_MAXINT32 * FS_SEC,
    0, 0, NULL, "A new TTL, whole seconds; default: keep the record's (the zone's ttl for a record "
    "the zone did not have).", "30s" },
  { "delete", FS_FIELD_BOOL, offsetof (UpdateArgs, delete), FALSE, "false", 0, 0, 0, 0, NULL,
    "Removes the record instead: queries get a negative answer.", "true" },
  { "server", FS_FIELD_NAME, offsetof (UpdateArgs, server_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The server the script changes; default: the zone's primary, or with updates: any the first "
    "live server.", "dns-recovery" },
  { "duration", FS_FIELD_DIST, offsetof (UpdateArgs, duration), FALSE, "0", 0, 0, 0, 0, NULL,
    "How long the script runs before the change is made.", "uniform(10s, 30s)" },
  { "failure", FS_FIELD_PROB, offsetof (UpdateArgs, failure), FALSE, "0", 0, 0, 0, 0, NULL,
    "The chance that the script fails and changes nothing (reported as dns.update_failed).", "5%" },
  FS_FIELD_END
};

static gboolean
check_update (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  UpdateArgs *a = args;
  DnsSpec *s = fs__dns_spec (sc);
  const ZoneSpec *z;
  const FsNode *vnode = fs_node_get (entry, "value");
  guint i;

  a->server = -1;
  a->value = -1;
  if ((a->name = fs_dns_spec_name (sc, fs_node_get (entry, "name"), error)) < 0)
    return FALSE;
  z = &g_array_index (s->zones, ZoneSpec, g_array_index (s->name_zone, int, a->name));
  if (fs_node_get (entry, "ttl") != NULL)
    {
      if (a->ttl % FS_SEC != 0)
        return fs_node_error (error, fs_node_get (entry, "ttl"), FS_SCENARIO_ERROR_RANGE,
                              "'ttl' must be whole seconds from 0 to 2147483647s (RFC 2181)");
      a->has_ttl = TRUE;
    }
  else if (!g_array_index (s->rrsets, RrsetSpec, (guint) a->name * FS_DNS_N_TYPES + (guint) a->type).declared)
    {
      a->ttl = z->ttl;   /* a record the zone did not have takes the zone's TTL */
      a->has_ttl = TRUE;
    }
  a->line = entry->line;
  if (a->delete && vnode != NULL)
    return fs_node_error (error, vnode, FS_SCENARIO_ERROR_RULE, "a dns.update that deletes takes no value");
  if (!a->delete && vnode == NULL)
    return fs_node_error (error, entry, FS_SCENARIO_ERROR_MISSING,
                          "a dns.update needs a 'value' (or 'delete: true')");
  if (vnode != NULL && a->type == FS_DNS_CNAME)
    {
      g_autofree char *target = fs__dns_full_name (vnode, a->value_text, NULL, error);

      if (target == NULL)
        return FALSE;
      a->value = fs__dns_intern_name (s, target);
    }
  else if (vnode != NULL)
    {
      FsIp ip;
      GError *local = NULL;

      if (!fs_ip_parse (a->value_text, &ip, &local))
        {
          fs_node_error (error, vnode, FS_SCENARIO_ERROR_RANGE, "'value': %s", local->message);
          g_error_free (local);
          return FALSE;
        }
      if ((fs_ip_bits (&ip) == 32) != (a->type == FS_DNS_A))
        return fs_node_error (error, vnode, FS_SCENARIO_ERROR_RULE, "%s is not an IPv%d address, as "
                              "an %s record holds", a->value_text, a->type == FS_DNS_A ? 4 : 6,
                              update_types[a->type]);
      a->value = fs__dns_intern_address (s, &ip);
    }
  if (a->server_name != NULL)
    {
      if ((a->server = fs_net_spec_host (sc, fs_node_get (entry, "server"), error)) < 0)
        return FALSE;
      for (i = 0; i < z->n_servers && z->servers[i] != a->server; i++)
        ;
      if (i == z->n_servers)
        return fs_node_error (error, fs_node_get (entry, "server"), FS_SCENARIO_ERROR_RULE,
                              "host '%s' does not serve zone '%s'", a->server_name, z->name);
      if (i > 0 && z->updates == UPDATES_PRIMARY)
        return fs_node_error (error, fs_node_get (entry, "server"), FS_SCENARIO_ERROR_RULE,
                              "zone '%s' takes changes only at its primary, '%s' (set updates: any "
                              "for a multi-master zone)", z->name,
                              fs_net_spec_host_name (sc, z->servers[0]));
    }
  return TRUE;
}

/* A name first met in an action read after the run was built (one typed in `failsim exercise`)
 * has no cache slot in this run: refused, not written out of bounds. */
static const char *
update_refuse (FsSim *sim, const void *args)
{
  const UpdateArgs *a = args;
  FsModel *model = fs_sim_model (sim, "dns");
  FsDns *d = model != NULL ? fs_dns_from_model (model) : NULL;

  if (d == NULL)
    return NULL;
  if ((guint) a->name >= d->nn || (a->type == FS_DNS_CNAME && a->value >= 0 && (guint) a->value >= d->nn))
    return "the name is not one the scenario mentions, and a record can only change for those "
           "(add it to a zone in the scenario file)";
  return NULL;
}

static void
update_fire (FsSim *sim, const void *args)
{
  const UpdateArgs *a = args;
  FsModel *model = fs_sim_model (sim, "dns");
  FsDns *d;
  FsTime delay;

  if (model == NULL)
    return;
  d = fs_dns_from_model (model);
  delay = fs_dist_sample (a->duration, update_stream (d, a));
  fs_kernel_schedule (d->k, &d->base, delay, EV_UPDATE, (uint64_t) (uintptr_t) a, 0);
}

/* --- the dns.flush action ---------------------------------------------------------------------------------- */

/* An operator empties a resolver's cache (Windows Clear-DnsServerCache, unbound-control
 * flush_zone or flush): the next query for a flushed name goes upstream. Client caches (the
 * OS's, a JVM's) are not the resolver's and keep what they hold. */
typedef struct {
  char *resolver_name;
  char *name_text;
  int resolver;
  int name;                  /* -1: the whole cache */
} FlushArgs;

static const FsField flush_fields[] = {
  { "resolver", FS_FIELD_NAME, offsetof (FlushArgs, resolver_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The resolver whose cache is emptied.", "resolver-1" },
  { "name", FS_FIELD_STRING, offsetof (FlushArgs, name_text), FALSE, NULL, 0, 0, 0, 0, NULL,
    "Only this name's records (every type), in a declared zone; default: the whole cache.",
    "app.contoso.com" },
  FS_FIELD_END
};

static gboolean
check_flush (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  FlushArgs *a = args;

  a->name = -1;
  if ((a->resolver = fs_dns_spec_resolver (sc, fs_node_get (entry, "resolver"), error)) < 0)
    return FALSE;
  if (a->name_text != NULL && (a->name = fs_dns_spec_name (sc, fs_node_get (entry, "name"), error)) < 0)
    return FALSE;
  return TRUE;
}

static void
flush_fire (FsSim *sim, const void *args)
{
  const FlushArgs *a = args;
  FsModel *model = fs_sim_model (sim, "dns");
  g_autofree char *detail = NULL;
  guint rr, n = 0;
  FsDns *d;

  if (model == NULL)
    return;
  d = fs_dns_from_model (model);
  /* A name first written after the model was built (by a trainee's command) has no cache slot:
   * nothing of it can be cached. */
  for (rr = 0; rr < d->nrr; rr++)
    {
      Entry *e = entry (d, (guint) a->resolver, rr);

      if (a->name >= 0 && rr / FS_DNS_N_TYPES != (guint) a->name)
        continue;
      n += e->present != 0;
      *e = (Entry) { 0, -1, -1, -1, 0, -1, 0 };
    }
  if (a->name >= 0)
    detail = g_strdup_printf ("resolver %s flushed %s from its cache (%u entr%s)",
                              resolver_spec (d, (guint) a->resolver)->name, a->name_text, n,
                              n == 1 ? "y" : "ies");
  else
    detail = g_strdup_printf ("resolver %s flushed its whole cache (%u entr%s)",
                              resolver_spec (d, (guint) a->resolver)->name, n, n == 1 ? "y" : "ies");
  notify (d, d->t_flush, (uint32_t) a->resolver, resolver_spec (d, (guint) a->resolver)->name, n, detail);
}

static const FsAction actions[] = {
  { "dns.update", "A recovery-plan script changes a DNS record at a server (seed 000's "
    "Set-DnsServerResourceRecord); the zone's other servers copy it after a NOTIFY or refresh.",
    update_fields, sizeof (UpdateArgs), check_update, update_fire, update_refuse },
  { "dns.flush", "An operator empties a resolver's cache now, whole or for one name (Windows "
    "Clear-DnsServerCache, unbound-control flush_zone); the next query goes upstream.",
    flush_fields, sizeof (FlushArgs), check_flush, flush_fire, NULL },
};

void
fs__dns_register_actions (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (actions); i++)
    fs_scenario_register_action (&actions[i]);
}
