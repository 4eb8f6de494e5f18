/* dns-spec.c: the dns:, zones: and resolvers: keys, read and checked.
 *
 * Refuses: a zone or record name that is no domain name; a record outside its zone; two
 * records of one type at a name, or a CNAME beside other data (RFC 1034 3.6.2); an A value
 * that is not IPv4 or an AAAA value that is not IPv6; a registering host whose address family
 * does not fit the record; a zone served by no host or by one host twice; a resolver whose
 * min_ttl exceeds its max_ttl. Defaults and their sources: docs/model-dns.md. */
#include "dns-private.h"

#include <string.h>

#include "failsim/net.h"
#include "../scenario/scenario-private.h"

/* Guards the size of what is read from a shared file. */
#define MAX_ZONES 10000
#define MAX_RECORDS 1000000
#define MAX_RESOLVERS 100000
#define TTL_MAX ((int64_t) G_MAXINT32 * FS_SEC)   /* RFC 2181 8: TTLs fit in 31 bits */

static const FsField settings_fields[] = {
  { "resolver_violation_share", FS_FIELD_PROB, offsetof (DnsSettings, violation_share), FALSE, "8.74%",
    0, 0, 0, 0, NULL, "The share of resolvers with ttl_violation: auto that keep records past their "
    "TTL (Bhowmick et al., PAM 2023: 8.74% of 8,524 resolvers).", "0" },
  { "violation_extra", FS_FIELD_DIST, offsetof (DnsSettings, violation_extra), FALSE, "exponential(21m)",
    0, 0, 0, 0, NULL, "How long a violating resolver keeps records past their TTL, drawn once per "
    "resolver per run; the default makes 2% of answers stale 15 minutes after a change of a 20 s "
    "record (Flavel et al. 2014, derived in docs/model-dns.md).",
    "uniform(0s, 1h)" },
  { "registration_delay", FS_FIELD_DIST, offsetof (DnsSettings, registration_delay), FALSE, "10s",
    0, 0, 0, 0, NULL, "From a VM's start to its dynamic DNS update reaching the server (an "
    "assumption).", "uniform(5s, 30s)" },
  { "registration_retry", FS_FIELD_DURATION, offsetof (DnsSettings, registration_retry), FALSE, "5m",
    FS_SEC, FS_DAY, 0, 0, NULL, "After a registration that reached no server, when the VM tries "
    "again (an assumption).", "1m" },
  FS_FIELD_END
};

static const char *const update_modes[] = { "primary", "any", NULL };

static const FsField zone_fields[] = {
  { "name", FS_FIELD_STRING, offsetof (ZoneSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The zone's origin, a domain name.", "contoso.com" },
  { "servers", FS_FIELD_NODE, offsetof (ZoneSpec, servers_node), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The hosts that serve it, the primary first; resolvers ask them in this order.",
    "[dns-primary, dns-recovery]" },
  { "updates", FS_FIELD_ENUM, offsetof (ZoneSpec, updates), FALSE, "primary", 0, 0, 0, 0, update_modes,
    "Where changes can be made: only at the primary, whose secondaries copy it; or at any server, "
    "each copying from the others (multi-master, as Active Directory-integrated zones).", "any" },
  { "notify", FS_FIELD_BOOL, offsetof (ZoneSpec, notify), FALSE, "true", 0, 0, 0, 0, NULL,
    "Whether a change is pushed to the other servers at once (NOTIFY, RFC 1996); without it they "
    "see it at their next refresh.", "false" },
  { "transfer_delay", FS_FIELD_DURATION, offsetof (ZoneSpec, transfer_delay), FALSE, "2s", 0, FS_DAY,
    0, 0, NULL, "From a NOTIFY to the other server holding the change (an assumption).", "30s" },
  { "refresh", FS_FIELD_DURATION, offsetof (ZoneSpec, refresh), FALSE, "1h", FS_SEC, 30 * FS_DAY, 0, 0,
    NULL, "SOA refresh: how often a server checks its source for changes (RFC 1912: 20 minutes "
    "to 12 hours).", "15m" },
  { "retry", FS_FIELD_DURATION, offsetof (ZoneSpec, retry), FALSE, "10m", FS_SEC, 30 * FS_DAY, 0, 0,
    NULL, "SOA retry: after a failed copy, when it tries again (an assumption).", "2m" },
  { "expire", FS_FIELD_DURATION, offsetof (ZoneSpec, expire), FALSE, "14d", FS_SEC, 365 * FS_DAY, 0, 0,
    NULL, "SOA expire: a secondary that could not refresh for this long stops answering "
    "(RFC 1912: 2 to 4 weeks).", "7d" },
  { "ttl", FS_FIELD_DURATION, offsetof (ZoneSpec, ttl), FALSE, "1h", 0, TTL_MAX, 0, 0, NULL,
    "The TTL of records that give none, whole seconds (an assumption: the common $TTL of an "
    "hour).", "5m" },
  { "negative_ttl", FS_FIELD_DURATION, offsetof (ZoneSpec, negative_ttl), FALSE, "1h", 0, TTL_MAX, 0, 0,
    NULL, "How long a negative answer may be cached: min (SOA MINIMUM, SOA TTL) of RFC 2308, which "
    "finds 1 to 3 hours work well.", "5m" },
  { "records", FS_FIELD_NODE, offsetof (ZoneSpec, records_node), FALSE, NULL, 0, 0, 0, 0, NULL,
    "Its records (below).", "[{name: app, value: 192.168.1.10, ttl: 5m}]" },
  { "description", FS_FIELD_STRING, offsetof (ZoneSpec, description), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A sentence about the zone; informational.", "\"intranet zone\"" },
  FS_FIELD_END
};

static const char *const record_types[] = { "A", "AAAA", "CNAME", NULL };

static const FsField record_fields[] = {
  { "name", FS_FIELD_STRING, offsetof (RecordSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "Relative to the zone (\"app\", \"@\" for the origin), or a full name in it.", "app" },
  { "type", FS_FIELD_ENUM, offsetof (RecordSpec, type), FALSE, "A", 0, 0, 0, 0, record_types,
    "A (an IPv4 address), AAAA (IPv6) or CNAME (another name).", "CNAME" },
  { "value", FS_FIELD_STRING, offsetof (RecordSpec, value_text), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The address, or the CNAME's target. Absent: the record does not exist until a host in "
    "registered_by registers it (it exists from the start if one runs at the start).",
    "192.168.1.10" },
  { "ttl", FS_FIELD_DURATION, offsetof (RecordSpec, ttl), FALSE, NULL, 0, TTL_MAX, 0, 0, NULL,
    "Its TTL, whole seconds; default: the zone's ttl.", "30s" },
  { "registered_by", FS_FIELD_NODE, offsetof (RecordSpec, registered_by_node), FALSE, NULL, 0, 0, 0, 0,
    NULL, "Hosts that register their own address in it when they start (dynamic DNS), after the "
    "registration_delay.", "[app-1, app-1-replica]" },
  FS_FIELD_END
};

static const char *const violation_modes[] = { "auto", "yes", "no", NULL };

static const FsField resolver_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (ResolverSpec, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The resolver's name, unique in the scenario.", "branch-dns" },
  { "host", FS_FIELD_NAME, offsetof (ResolverSpec, host_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The host it runs on: where queries are routed to it and from it.", "dns-branch" },
  { "min_ttl", FS_FIELD_DURATION, offsetof (ResolverSpec, min_ttl), FALSE, "0", 0, TTL_MAX, 0, 0, NULL,
    "TTLs below are raised to it (Unbound cache-min-ttl 0).", "5s" },
  { "max_ttl", FS_FIELD_DURATION, offsetof (ResolverSpec, max_ttl), FALSE, "1d", 0, TTL_MAX, 0, 0, NULL,
    "TTLs above are cut to it (Unbound cache-max-ttl 86400 s).", "1h" },
  { "max_negative_ttl", FS_FIELD_DURATION, offsetof (ResolverSpec, max_negative_ttl), FALSE, "1h", 0,
    TTL_MAX, 0, 0, NULL, "Negative answers are kept at most this long (Unbound "
    "cache-max-negative-ttl 3600 s).", "5m" },
  { "prefetch", FS_FIELD_BOOL, offsetof (ResolverSpec, prefetch), FALSE, "false", 0, 0, 0, 0, NULL,
    "A hit in the last 10% of a record's TTL also refreshes it from the authoritative side "
    "(Unbound prefetch; off by default).", "true" },
  { "serve_stale", FS_FIELD_BOOL, offsetof (ResolverSpec, serve_stale), FALSE, "false", 0, 0, 0, 0, NULL,
    "Whether it answers from expired records while no authoritative server answers (RFC 8767; "
    "off by default in Unbound and BIND).", "true" },
  { "stale_answer_ttl", FS_FIELD_DURATION, offsetof (ResolverSpec, stale_answer_ttl), FALSE, "30s", 0,
    TTL_MAX, 0, 0, NULL, "The TTL given with a stale answer (RFC 8767: 30 s).", "10s" },
  { "max_stale", FS_FIELD_DURATION, offsetof (ResolverSpec, max_stale), FALSE, "1d", 0, TTL_MAX, 0, 0,
    NULL, "How long past its expiry a record may be served stale (RFC 8767: 1 to 3 days; BIND "
    "max-stale-ttl 86400 s).", "3d" },
  { "stale_refresh", FS_FIELD_DURATION, offsetof (ResolverSpec, stale_refresh), FALSE, "30s", 0, FS_DAY,
    0, 0, NULL, "After a failed refresh, how long it serves stale without asking again (RFC 8767 "
    "failure recheck; BIND stale-refresh-time 30 s).", "10s" },
  { "ttl_violation", FS_FIELD_ENUM, offsetof (ResolverSpec, violation), FALSE, "auto", 0, 0, 0, 0,
    violation_modes, "Whether it keeps records past their TTL: auto draws it with the "
    "resolver_violation_share of dns:.", "no" },
  { "warm", FS_FIELD_BOOL, offsetof (ResolverSpec, warm), FALSE, "true", 0, 0, 0, 0, NULL,
    "Whether it starts as if it had long been running: every record with a value cached, at a "
    "point of its lifetime drawn uniformly; false: it starts empty.", "false" },
  { "description", FS_FIELD_STRING, offsetof (ResolverSpec, description), FALSE, NULL, 0, 0, 0, 0, NULL,
    "A sentence about the resolver; informational.", "\"branch office resolver\"" },
  FS_FIELD_END
};

/* --- the spec ---------------------------------------------------------------------------------------- */

static void zone_clear (gpointer p)
{
  ZoneSpec *z = p;

  fs_schema_clear (zone_fields, z);
  g_clear_pointer (&z->servers, g_free);
}

static void resolver_clear (gpointer p) { fs_schema_clear (resolver_fields, p); }

static void
rrset_clear (gpointer p)
{
  RrsetSpec *r = p;

  g_clear_pointer (&r->registered_by, g_array_unref);
}

static void
dns_spec_free (gpointer p)
{
  DnsSpec *s = p;

  fs_schema_clear (settings_fields, &s->settings);
  g_array_unref (s->zones);
  g_array_unref (s->resolvers);
  g_ptr_array_unref (s->names);
  g_hash_table_destroy (s->name_index);
  g_array_unref (s->name_zone);
  g_array_unref (s->rrsets);
  g_hash_table_destroy (s->address_index);
  g_array_unref (s->addresses);
  g_free (s);
}

DnsSpec *
fs__dns_spec (FsScenario *sc)
{
  DnsSpec *s = fs_scenario_get_spec (sc, "dns");
  g_autoptr (GError) error = NULL;
  g_autoptr (FsNode) empty = NULL;

  if (s != NULL)
    return s;
  s = g_new0 (DnsSpec, 1);
  empty = fs_node_load_data ("defaults", "{}", -1, NULL);
  if (empty == NULL || !fs_schema_read (empty, "dns", settings_fields, &s->settings, &error))
    g_error ("dns defaults: %s", error ? error->message : "?");
  s->zones = g_array_new (FALSE, TRUE, sizeof (ZoneSpec));
  g_array_set_clear_func (s->zones, zone_clear);
  s->resolvers = g_array_new (FALSE, TRUE, sizeof (ResolverSpec));
  g_array_set_clear_func (s->resolvers, resolver_clear);
  s->names = g_ptr_array_new_with_free_func (g_free);
  s->name_index = g_hash_table_new (g_str_hash, g_str_equal);
  s->name_zone = g_array_new (FALSE, FALSE, sizeof (int));
  s->rrsets = g_array_new (FALSE, TRUE, sizeof (RrsetSpec));
  g_array_set_clear_func (s->rrsets, rrset_clear);
  s->addresses = g_array_new (FALSE, FALSE, sizeof (FsIp));
  s->address_index = g_hash_table_new_full (fs_ip_hash, fs_ip_equal, g_free, NULL);
  fs_scenario_set_spec (sc, "dns", s, dns_spec_free);
  return s;
}

const DnsSpec *
fs__dns_spec_get (const FsScenario *sc)
{
  return fs_scenario_get_spec (sc, "dns");
}

/* The zone @name lies in: the declared origin that is its longest suffix on a label boundary. */
static int
zone_of (const DnsSpec *s, const char *name)
{
  size_t len = strlen (name), best_len = 0;
  int best = -1;
  guint z;

  for (z = 0; z < s->zones->len; z++)
    {
      const char *origin = g_array_index (s->zones, ZoneSpec, z).name;
      size_t olen = strlen (origin);

      if (olen > len || (best >= 0 && olen <= best_len))
        continue;
      if (strcmp (name + len - olen, origin) == 0 && (olen == len || name[len - olen - 1] == '.'))
        best = (int) z, best_len = olen;
    }
  return best;
}

int
fs__dns_intern_name (DnsSpec *s, const char *fqdn)
{
  gpointer found = g_hash_table_lookup (s->name_index, fqdn);
  char *copy;
  int index, zone, t;

  if (found != NULL)
    return GPOINTER_TO_INT (found) - 1;
  copy = g_strdup (fqdn);
  index = (int) s->names->len;
  g_ptr_array_add (s->names, copy);
  g_hash_table_insert (s->name_index, copy, GINT_TO_POINTER (index + 1));
  zone = zone_of (s, copy);
  g_array_append_val (s->name_zone, zone);
  for (t = 0; t < FS_DNS_N_TYPES; t++)
    {
      RrsetSpec r = { FALSE, -1, 0, NULL };
      g_array_append_val (s->rrsets, r);
    }
  return index;
}

int
fs__dns_intern_address (DnsSpec *s, const FsIp *ip)
{
  gpointer found = g_hash_table_lookup (s->address_index, ip);
  int index;

  if (found != NULL)
    return GPOINTER_TO_INT (found) - 1;
  index = (int) s->addresses->len;
  g_array_append_val (s->addresses, *ip);
  g_hash_table_insert (s->address_index, g_memdup2 (ip, sizeof *ip), GINT_TO_POINTER (index + 1));
  return index;
}

/* RFC 1035 2.3.4 sizes; letters, digits, hyphens and (for service labels) underscores. */
static gboolean
check_domain (const FsNode *node, const char *name, GError **error)
{
  const char *label = name, *p;

  if (*name == '\0' || strlen (name) > 253)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_RANGE,
                          "'%s' is not a domain name: it must have 1 to 253 characters", name);
  for (p = name;; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          if (p == label || p - label > 63)
            return fs_node_error (error, node, FS_SCENARIO_ERROR_RANGE,
                                  "'%s' is not a domain name: each label between dots must have 1 "
                                  "to 63 characters", name);
          if (*p == '\0')
            return TRUE;
          label = p + 1;
          continue;
        }
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return fs_node_error (error, node, FS_SCENARIO_ERROR_RANGE,
                              "'%s' is not a domain name: '%c' is not a letter, digit, '-' or '_'",
                              name, *p);
    }
}

char *
fs__dns_full_name (const FsNode *node, const char *text, const char *origin, GError **error)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);
  size_t len = strlen (lower), olen = origin ? strlen (origin) : 0;
  char *full;

  if (origin != NULL && strcmp (lower, "@") == 0)
    return g_strdup (origin);
  if (len > 0 && lower[len - 1] == '.')
    lower[--len] = '\0';
  else if (origin != NULL && strcmp (lower, origin) != 0
           && !(len > olen + 1 && strcmp (lower + len - olen, origin) == 0
                && lower[len - olen - 1] == '.'))
    {
      full = g_strdup_printf ("%s.%s", lower, origin);
      g_free (g_steal_pointer (&lower));
      lower = full;
    }
  if (!check_domain (node, lower, error))
    return NULL;
  return g_steal_pointer (&lower);
}

/* --- dns: ---------------------------------------------------------------------------------------------- */

static gboolean
settings_load (FsScenario *sc, const FsNode *value, GError **error)
{
  DnsSpec *s = fs__dns_spec (sc);

  if (value == NULL)
    return TRUE;
  fs_schema_clear (settings_fields, &s->settings);
  if (!fs_schema_read (value, "dns", settings_fields, &s->settings, error))
    {
      /* Keep working defaults, so later sections can still be checked. */
      g_autoptr (FsNode) empty = fs_node_load_data ("defaults", "{}", -1, NULL);
      fs_schema_clear (settings_fields, &s->settings);
      fs_schema_read (empty, "dns", settings_fields, &s->settings, NULL);
      return FALSE;
    }
  return TRUE;
}

/* --- zones: ------------------------------------------------------------------------------------------- */

static gboolean
load_servers (FsScenario *sc, ZoneSpec *z, GError **error)
{
  const FsNode *list = z->servers_node;
  guint i, j;

  if (list->kind != FS_NODE_SEQ || fs_node_len (list) == 0)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_TYPE,
                          "'servers' must list one or more hosts, the primary first, as in "
                          "[dns-primary, dns-recovery]");
  z->servers = g_new (int, fs_node_len (list));
  for (i = 0; i < fs_node_len (list); i++)
    {
      int h = fs_net_spec_host (sc, fs_node_item (list, i), error);

      if (h < 0)
        return FALSE;
      for (j = 0; j < z->n_servers; j++)
        if (z->servers[j] == h)
          return fs_node_error (error, fs_node_item (list, i), FS_SCENARIO_ERROR_DUPLICATE,
                                "host '%s' is listed twice as a server of zone '%s'",
                                fs_node_item (list, i)->text, z->name);
      z->servers[z->n_servers++] = h;
    }
  return TRUE;
}

static gboolean
load_registrars (FsScenario *sc, DnsSpec *s, const RecordSpec *r, RrsetSpec *rr, GError **error)
{
  const FsNode *list = r->registered_by_node;
  guint i;

  if (list == NULL)
    return TRUE;
  if (r->type == FS_DNS_CNAME)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_RULE,
                          "a CNAME cannot be registered_by hosts: dynamic DNS registers addresses");
  if (list->kind != FS_NODE_SEQ || fs_node_len (list) == 0)
    return fs_node_error (error, list, FS_SCENARIO_ERROR_TYPE,
                          "'registered_by' must list one or more hosts, as in [app-1, app-1-replica]");
  rr->registered_by = g_array_new (FALSE, FALSE, sizeof (int));
  for (i = 0; i < fs_node_len (list); i++)
    {
      const FsNode *item = fs_node_item (list, i);
      int h = fs_net_spec_host (sc, item, error), addr;
      guint bits;

      if (h < 0)
        return FALSE;
      bits = fs_ip_bits (fs_net_spec_host_ip (sc, h));
      if ((r->type == FS_DNS_A) != (bits == 32))
        return fs_node_error (error, item, FS_SCENARIO_ERROR_RULE,
                              "host '%s' has an IPv%d address and cannot register an %s record",
                              item->text, bits == 32 ? 4 : 6, record_types[r->type]);
      g_array_append_val (rr->registered_by, h);
      addr = fs__dns_intern_address (s, fs_net_spec_host_ip (sc, h));
      /* A VM that runs at the start has registered itself already. */
      if (rr->value < 0 && fs_net_spec_host_running (sc, h))
        rr->value = addr;
    }
  return TRUE;
}

static gboolean
load_record (FsScenario *sc, DnsSpec *s, const ZoneSpec *z, int zone, const FsNode *node, GError **error)
{
  RecordSpec r = { 0 };
  g_autofree char *full = NULL;
  RrsetSpec *rr;
  int name, t;
  gboolean ok = FALSE;

  r.node = node;
  if (!fs_schema_read (node, "record", record_fields, &r, error))
    goto out;
  if ((full = fs__dns_full_name (fs_node_get (node, "name"), r.name, z->name, error)) == NULL)
    goto out;
  if (zone_of (s, full) != zone)
    {
      fs_node_error (error, fs_node_get (node, "name"), FS_SCENARIO_ERROR_RULE,
                     "'%s' does not lie in zone '%s'", full, z->name);
      goto out;
    }
  name = fs__dns_intern_name (s, full);
  for (t = 0; t < FS_DNS_N_TYPES; t++)
    {
      const RrsetSpec *other = &g_array_index (s->rrsets, RrsetSpec, name * FS_DNS_N_TYPES + t);

      if (!other->declared)
        continue;
      if (t == r.type)
        fs_node_error (error, node, FS_SCENARIO_ERROR_DUPLICATE,
                       "'%s' already has %s %s record; a record holds one value", full,
                       t == FS_DNS_CNAME ? "a" : "an", record_types[t]);
      else if (t == FS_DNS_CNAME || r.type == FS_DNS_CNAME)
        fs_node_error (error, node, FS_SCENARIO_ERROR_RULE,
                       "'%s' cannot have a CNAME beside other data (RFC 1034 3.6.2)", full);
      else
        continue;
      goto out;
    }
  rr = &g_array_index (s->rrsets, RrsetSpec, name * FS_DNS_N_TYPES + r.type);
  rr->declared = TRUE;
  rr->ttl = z->ttl;
  if (fs_node_get (node, "ttl") != NULL)
    {
      rr->ttl = r.ttl;
      if (rr->ttl % FS_SEC != 0)
        {
          fs_node_error (error, fs_node_get (node, "ttl"), FS_SCENARIO_ERROR_RANGE,
                         "'ttl' must be whole seconds from 0 to 2147483647s (RFC 2181)");
          goto out;
        }
    }
  if (r.value_text != NULL)
    {
      const FsNode *vnode = fs_node_get (node, "value");

      if (r.type == FS_DNS_CNAME)
        {
          g_autofree char *target = fs__dns_full_name (vnode, r.value_text, z->name, error);

          if (target == NULL)
            goto out;
          if (strcmp (target, full) == 0)
            {
              fs_node_error (error, vnode, FS_SCENARIO_ERROR_RULE, "'%s' cannot be a CNAME of itself",
                             full);
              goto out;
            }
          rr = NULL;   /* interning may move the rrsets */
          t = fs__dns_intern_name (s, target);
          rr = &g_array_index (s->rrsets, RrsetSpec, name * FS_DNS_N_TYPES + r.type);
          rr->value = t;
        }
      else
        {
          FsIp ip;
          GError *local = NULL;

          if (!fs_ip_parse (r.value_text, &ip, &local))
            {
              fs_node_error (error, vnode, FS_SCENARIO_ERROR_RANGE, "'value': %s", local->message);
              g_error_free (local);
              goto out;
            }
          if ((fs_ip_bits (&ip) == 32) != (r.type == FS_DNS_A))
            {
              fs_node_error (error, vnode, FS_SCENARIO_ERROR_RULE, "%s is not an IPv%d address, "
                             "as an %s record holds", r.value_text, r.type == FS_DNS_A ? 4 : 6,
                             record_types[r.type]);
              goto out;
            }
          t = fs__dns_intern_address (s, &ip);
          rr = &g_array_index (s->rrsets, RrsetSpec, name * FS_DNS_N_TYPES + r.type);
          rr->value = t;
        }
    }
  ok = load_registrars (sc, s, &r, &g_array_index (s->rrsets, RrsetSpec, name * FS_DNS_N_TYPES + r.type),
                        error);
out:
  fs_schema_clear (record_fields, &r);
  return ok;
}

static gboolean
finish_zone (FsScenario *sc, DnsSpec *s, ZoneSpec *z, GError **error)
{
  g_autofree char *origin = NULL;
  guint i;

  if ((origin = fs__dns_full_name (fs_node_get (z->node, "name"), z->name, NULL, error)) == NULL)
    return FALSE;
  g_free (z->name);
  z->name = g_steal_pointer (&origin);
  if (z->ttl % FS_SEC != 0 || z->negative_ttl % FS_SEC != 0)
    return fs_node_error (error, fs_node_get (z->node, z->ttl % FS_SEC ? "ttl" : "negative_ttl"),
                          FS_SCENARIO_ERROR_RANGE, "'%s' must be whole seconds (RFC 2181)",
                          z->ttl % FS_SEC ? "ttl" : "negative_ttl");
  for (i = 0; i < s->zones->len; i++)
    if (strcmp (g_array_index (s->zones, ZoneSpec, i).name, z->name) == 0)
      return fs_node_error (error, fs_node_get (z->node, "name"), FS_SCENARIO_ERROR_DUPLICATE,
                            "zone '%s' is declared twice (first at line %d)", z->name,
                            g_array_index (s->zones, ZoneSpec, i).node->line);
  return load_servers (sc, z, error);
}

static gboolean
zones_load (FsScenario *sc, const FsNode *value, GError **error)
{
  DnsSpec *s = fs__dns_spec (sc);
  guint i, j, n_records = 0;

  if (value == NULL)
    return TRUE;
  if (value->kind != FS_NODE_SEQ)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_TYPE, "'zones' must be a list (- ...), got %s",
                          fs_node_kind_name (value->kind));
  if (fs_node_len (value) > MAX_ZONES)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_LIMIT, "%u zones is more than failsim "
                          "accepts (%d)", fs_node_len (value), MAX_ZONES);
  /* Zones first, then records: which zone a name lies in depends on every origin. */
  for (i = 0; i < fs_node_len (value); i++)
    {
      ZoneSpec z = { 0 };
      GError *local = NULL;

      z.node = fs_node_item (value, i);
      if (!fs_schema_read (z.node, "zone", zone_fields, &z, &local) || !finish_zone (sc, s, &z, &local))
        {
          fs_scenario_add_error (sc, local);
          zone_clear (&z);
          continue;
        }
      g_array_append_val (s->zones, z);
    }
  for (i = 0; i < s->zones->len; i++)
    {
      const ZoneSpec *z = &g_array_index (s->zones, ZoneSpec, i);
      const FsNode *list = z->records_node;

      if (list == NULL)
        continue;
      if (list->kind != FS_NODE_SEQ)
        {
          GError *local = NULL;

          fs_node_error (&local, list, FS_SCENARIO_ERROR_TYPE, "'records' must be a list (- ...), "
                         "got %s", fs_node_kind_name (list->kind));
          fs_scenario_add_error (sc, local);
          continue;
        }
      n_records += fs_node_len (list);
      if (n_records > MAX_RECORDS)
        return fs_node_error (error, list, FS_SCENARIO_ERROR_LIMIT, "more than %d records is more "
                              "than failsim accepts", MAX_RECORDS);
      for (j = 0; j < fs_node_len (list); j++)
        {
          GError *local = NULL;

          if (!load_record (sc, s, z, (int) i, fs_node_item (list, j), &local))
            fs_scenario_add_error (sc, local);
        }
    }
  return TRUE;
}

/* --- resolvers: ------------------------------------------------------------------------------------- */

static gboolean
resolvers_load (FsScenario *sc, const FsNode *value, GError **error)
{
  DnsSpec *s = fs__dns_spec (sc);
  guint i, j;

  if (value == NULL)
    return TRUE;
  if (value->kind != FS_NODE_SEQ)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_TYPE,
                          "'resolvers' must be a list (- ...), got %s", fs_node_kind_name (value->kind));
  if (fs_node_len (value) > MAX_RESOLVERS)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_LIMIT, "%u resolvers is more than failsim "
                          "accepts (%d)", fs_node_len (value), MAX_RESOLVERS);
  for (i = 0; i < fs_node_len (value); i++)
    {
      ResolverSpec r = { 0 };
      GError *local = NULL;

      r.node = fs_node_item (value, i);
      if (!fs_schema_read (r.node, "resolver", resolver_fields, &r, &local)
          || (r.host = fs_net_spec_host (sc, fs_node_get (r.node, "host"), &local)) < 0)
        goto bad;
      if (r.min_ttl > r.max_ttl)
        {
          fs_node_error (&local, fs_node_get (r.node, "min_ttl"), FS_SCENARIO_ERROR_RULE,
                         "min_ttl is above max_ttl: no TTL could satisfy both");
          goto bad;
        }
      for (j = 0; j < s->resolvers->len; j++)
        if (strcmp (g_array_index (s->resolvers, ResolverSpec, j).name, r.name) == 0)
          {
            fs_node_error (&local, fs_node_get (r.node, "name"), FS_SCENARIO_ERROR_DUPLICATE,
                           "resolver '%s' is declared twice (first at line %d)", r.name,
                           g_array_index (s->resolvers, ResolverSpec, j).node->line);
            goto bad;
          }
      g_array_append_val (s->resolvers, r);
      continue;
    bad:
      fs_scenario_add_error (sc, local);
      resolver_clear (&r);
    }
  return TRUE;
}

/* --- for other models --------------------------------------------------------------------------------- */

int
fs_dns_spec_resolver (const FsScenario *sc, const FsNode *node, GError **error)
{
  const DnsSpec *s = fs__dns_spec_get (sc);
  guint n = s ? s->resolvers->len : 0, i;
  g_autofree const char **names = g_new0 (const char *, n + 1);

  for (i = 0; i < n; i++)
    names[i] = g_array_index (s->resolvers, ResolverSpec, i).name;
  return fs_schema_resolve (node, "resolver", names, n, error);
}

int
fs_dns_spec_name (FsScenario *sc, const FsNode *node, GError **error)
{
  DnsSpec *s = fs__dns_spec (sc);
  g_autofree char *full = NULL;

  if (node == NULL || node->kind != FS_NODE_SCALAR)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE, "a domain name was expected here"), -1;
  if ((full = fs__dns_full_name (node, node->text, NULL, error)) == NULL)
    return -1;
  if (zone_of (s, full) < 0)
    {
      GString *zones = g_string_new (NULL);
      guint i;

      for (i = 0; i < s->zones->len; i++)
        g_string_append_printf (zones, "%s%s", i ? ", " : "", g_array_index (s->zones, ZoneSpec, i).name);
      fs_node_error (error, node, FS_SCENARIO_ERROR_REFERENCE, "'%s' lies in no zone of the scenario%s%s",
                     full, zones->len ? "; the zones are: " : ": it declares none", zones->str);
      g_string_free (zones, TRUE);
      return -1;
    }
  return fs__dns_intern_name (s, full);
}

/* --- registration ------------------------------------------------------------------------------------- */

static const FsSection sections[] = {
  { "dns", "Settings shared by the DNS model: TTL violation and dynamic registration.", "dns", 40,
    settings_load, NULL, NULL, settings_fields, TRUE, NULL, NULL },
  { "zones", "Authoritative DNS zones, the hosts that serve them, and their records.", "dns", 41,
    zones_load, NULL, NULL, zone_fields, FALSE, "records", record_fields },
  { "resolvers", "Recursive resolvers with TTL caches, each on a host.", "dns", 42, resolvers_load,
    NULL, fs__dns_build, resolver_fields, FALSE, NULL, NULL },
};

void
fs__dns_register (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sections); i++)
    fs_scenario_register_section (&sections[i]);
  fs__dns_register_actions ();
}
