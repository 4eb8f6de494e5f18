/* net.c: routers, links and a BGP-like path-vector routing protocol, and forwarding walks.
 *
 * The protocol follows RFC 4271 where it decides convergence time, and simplifies the rest:
 * - Each link carries one session. An update reaches the other end after the link's latency
 *   plus the receiver's processing delay; in flight it is lost if the link dies.
 * - A router prefers a subnet it originates, then a static route over a live link, then the
 *   learned path with the fewest hops (ties: the neighbour with the lowest index, then the
 *   link). A path that holds the router itself is refused (path-vector loop prevention), and a
 *   route is not sent back over the session it came from.
 * - Announcements to a neighbour wait for the session's MRAI timer; withdrawals do not
 *   (RFC 4271 9.2.1.1 rate-limits advertisements of feasible routes). No jitter is applied, so
 *   hand-worked times are exact.
 * - A neighbour that dies silently is noticed after the hold time, or after bfd_multiplier x
 *   bfd_interval on a link with BFD, or at once on a link that senses carrier. Keepalive phase
 *   is not modelled: detection takes exactly that long.
 * - When a session comes (back) up, both ends flush what they learned over it and send their
 *   whole table, as a BGP session reset does.
 * Convergence is measured per episode: from an event that changes routing (a failure, a
 * repair, a subnet move, a route change) to the last forwarding change it caused. */
#include "net-private.h"

#include <string.h>

#include "failsim/sim.h"
#include "failsim/site.h"

enum {
  EV_DELIVER,      /* a: session-direction | epoch << 32; b: prefix << 32 | path */
  EV_MRAI,         /* a: session-direction */
  EV_DETECT,       /* a: link * 2 + end; b: epoch */
  EV_MEASURE,
  EV_HOST_BOOT,    /* a: host; b: the boot's number, to drop a boot a later stop cancelled */
};

typedef struct {
  FsNetHostListener fn;
  void *data;
} HostListener;

typedef enum {
  BEST_NONE,
  BEST_LOCAL,
  BEST_STATIC,
  BEST_LEARNED,
} BestKind;

typedef struct {
  uint8_t kind;       /* BestKind */
  int32_t link;       /* STATIC, LEARNED: the link to the next hop */
  uint32_t path;      /* LEARNED: the path as received */
} Best;

#define FIB_LOCAL UINT32_MAX

/* Paths are interned as (first router, rest of the path): one id per distinct path, so
 * comparing, storing and sending a path is handling one integer. Id 0 is "no path". */
typedef struct {
  uint32_t head;
  uint32_t tail;
  uint32_t len;
} PathNode;

/* One memoised walk: fs_net_reach (router, ip) gave reach while the epoch was epoch. */
typedef struct {
  uint64_t epoch;          /* reach_epoch + notices when it was computed; 0: empty */
  FsIp ip;
  uint32_t router;
  FsReach reach;
} ReachMemo;

#define REACH_MEMO_SLOTS 4096   /* a power of two; an estate's (router, address) pairs in use */

struct FsNet {
  FsModel base;
  FsKernel *k;
  const NetSpec *spec;
  FsSites *sites;
  guint nr, nl, np, nh;

  guint8 *router_admin;    /* [r] not failed by router.fail */
  guint8 *link_admin;      /* [l] not failed by link.fail */
  guint8 *link_connected;  /* [l] a circuit's connection that exists (always 1 for other links) */
  guint8 *link_impaired;   /* [l] made unusable by a layer-2 fault (a storm) */
  FsNetLastHop last_hop;   /* a layer-2 model's rule for the last hop, or NULL */
  void *last_hop_data;
  guint8 *link_alive;      /* [l] the last physical state seen */
  guint8 *side_up;         /* [l*2+e] whether end e believes the session is up */
  uint32_t *epoch;         /* [l] bumped at every physical change: drops stale messages */
  FsHandle *detect;        /* [l*2+e] */
  GArray **router_links;   /* [r] of int: link*2 + end of r */

  uint32_t *rib_in;        /* [sd*np + p]: path received over session-direction sd */
  uint32_t *adv_out;       /* [sd*np + p]: path last sent over sd */
  guint8 *pending;         /* [sd*np + p]: an announcement waits for MRAI */
  FsHandle *mrai;          /* [sd] */
  FsTime *mrai_armed;      /* [sd] when its MRAI timer was last armed */
  Best *best;              /* [r*np + p] */
  int32_t *statics;        /* [r*np + p]: link of a static route, or -1 */
  FsFib **fib;             /* [r] */
  int32_t *origin;         /* [p]: the router originating it now, or -1 */
  int32_t *host_site;      /* [h] */
  guint8 *host_running;    /* [h] started (or running from the start) and not stopped */
  FsHandle *host_boot;     /* [h] a host.start's pending boot */
  GArray *host_listeners;  /* HostListener */
  gsl_rng *boot_rng;
  GHashTable *host_by_ip;  /* FsIp * -> host index + 1 */

  /* Memoised fs_net_reach(): valid while nothing it reads can have changed, which this model
   * knows of its own state (reach_epoch, bumped by touch() at every change of a FIB, link,
   * router or host) and of the rest by the kernel's count of notices (a site's state, say).
   * Off while a layer-2 model decides the last hop, from state of its own. */
  uint64_t reach_epoch;
  ReachMemo *reach_memo;   /* [REACH_MEMO_SLOTS], direct-mapped by (router, address) */

  GArray *paths;           /* PathNode; [0] unused */
  GHashTable *path_ids;    /* (head << 32 | tail) -> id */

  guint8 *pair_state;      /* [r*np + p]: 0 reachable, 1 black hole, 2 loop */
  guint8 *flow_down;       /* [f]: the flow's traffic is not delivered now */
  char **pair_names;       /* [r*np + p], made on first use */
  FsTime measured_at;      /* the time a measurement is scheduled for, or -1 */
  guint in_flight;         /* updates sent and not yet delivered (EV_DELIVER pending) */
  guint detecting;         /* failure detections under way (EV_DETECT pending) */
  gboolean episode_open;
  FsTime episode_start, last_change;
  char *episode_label;
  const char *cause;       /* why decisions are being made, for notices */
  gboolean instant;        /* building the converged state of time 0: no delays, no notices */
  GArray *inbox;           /* instant mode's messages: {sd, prefix, path} */

  uint32_t t_link_down, t_link_up, t_router_down, t_router_up, t_route_change;
  uint32_t t_bh_down, t_bh_up, t_loop_down, t_loop_up, t_convergence;
  uint32_t t_flow_down, t_flow_up, t_host_down, t_host_up;
};

static const RouterSpec *
router_spec (const FsNet *n, guint r)
{
  return &g_array_index (n->spec->routers, RouterSpec, r);
}

static const LinkSpec *
link_spec (const FsNet *n, guint l)
{
  return &g_array_index (n->spec->links, LinkSpec, l);
}

static gboolean
router_alive (const FsNet *n, guint r)
{
  return n->router_admin[r] && fs_sites_is_up (n->sites, router_spec (n, r)->site);
}

/* Something a walk reads changed: every memoised walk is stale. */
static inline void
touch (FsNet *n)
{
  n->reach_epoch++;
}

static gboolean
link_physically_alive (const FsNet *n, guint l)
{
  const LinkSpec *ls = link_spec (n, l);

  return n->link_admin[l] && n->link_connected[l] && !n->link_impaired[l]
         && router_alive (n, ls->end[0])
         && router_alive (n, ls->end[1]);
}

static char *
prefix_text (const FsNet *n, guint p)
{
  char buf[FS_PREFIX_BUFSZ];

  fs_prefix_format (&g_array_index (n->spec->prefixes, FsPrefix, p), buf, sizeof buf);
  return g_strdup (buf);
}

/* --- paths ------------------------------------------------------------------------------------ */

static uint32_t
path_make (FsNet *n, uint32_t head, uint32_t tail)
{
  uint64_t key = (uint64_t) head << 32 | tail;
  gpointer found;
  PathNode node;

  if (g_hash_table_lookup_extended (n->path_ids, &key, NULL, &found))
    return GPOINTER_TO_UINT (found);
  node.head = head;
  node.tail = tail;
  node.len = 1 + (tail ? g_array_index (n->paths, PathNode, tail).len : 0);
  g_array_append_val (n->paths, node);
  g_hash_table_insert (n->path_ids, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (n->paths->len - 1));
  return n->paths->len - 1;
}

static gboolean
path_contains (const FsNet *n, uint32_t path, uint32_t router)
{
  while (path != 0)
    {
      const PathNode *p = &g_array_index (n->paths, PathNode, path);
      if (p->head == router)
        return TRUE;
      path = p->tail;
    }
  return FALSE;
}

static guint
path_len (const FsNet *n, uint32_t path)
{
  return path ? g_array_index (n->paths, PathNode, path).len : 0;
}

/* --- measurement -------------------------------------------------------------------------- */

static void
schedule_measure (FsNet *n)
{
  FsTime now = fs_kernel_now (n->k);

  n->last_change = now;
  if (n->measured_at == now)
    return;
  n->measured_at = now;
  fs_kernel_schedule_at (n->k, &n->base, now, FS_PRIORITY_MEASURE, EV_MEASURE, 0, 0);
}

static void
notify (FsNet *n, uint32_t topic, uint32_t subject, const char *subject_name, int64_t value,
        const char *detail)
{
  FsNotice notice = { .topic = topic, .subject = subject, .source = &n->base,
                      .subject_name = subject_name, .value = value, .detail = detail };

  fs_kernel_notify (n->k, &notice);
}

/* --- the forwarding table ------------------------------------------------------------------- */

static int
neighbour (const FsNet *n, guint link, guint r)
{
  const LinkSpec *ls = link_spec (n, link);

  return ls->end[0] == (int) r ? ls->end[1] : ls->end[0];
}

static void
install (FsNet *n, guint r, guint p, const Best *b)
{
  const FsPrefix *prefix = &g_array_index (n->spec->prefixes, FsPrefix, p);
  g_autofree char *pt = NULL;
  g_autofree char *detail = NULL;
  const char *rname = router_spec (n, r)->name;

  touch (n);
  if (b->kind == BEST_NONE)
    fs_fib_remove (n->fib[r], prefix);
  else
    fs_fib_insert (n->fib[r], prefix, b->kind == BEST_LOCAL ? FIB_LOCAL : (uint32_t) b->link);
  schedule_measure (n);
  if (n->instant || !fs_kernel_is_observed (n->k, n->t_route_change))
    return;
  pt = prefix_text (n, p);
  switch (b->kind)
    {
    case BEST_NONE:
      detail = g_strdup_printf ("%s drops %s", rname, pt);
      break;
    case BEST_LOCAL:
      detail = g_strdup_printf ("%s originates %s", rname, pt);
      break;
    default:
      detail = g_strdup_printf ("%s reaches %s via %s%s", rname, pt,
                                router_spec (n, neighbour (n, b->link, r))->name,
                                b->kind == BEST_STATIC ? " (static)" : "");
      break;
    }
  if (n->cause != NULL)
    {
      char *with_cause = g_strdup_printf ("%s (%s)", detail, n->cause);
      g_free (detail);
      detail = with_cause;
    }
  notify (n, n->t_route_change, r, rname, b->kind == BEST_NONE ? -1 : b->link, detail);
}

/* --- sending ------------------------------------------------------------------------------------ */

/* Session-direction sd = link * 2 + the end that sends. */
static guint
sd_sender (const FsNet *n, guint sd)
{
  return link_spec (n, sd / 2)->end[sd % 2];
}

static guint
sd_receiver (const FsNet *n, guint sd)
{
  return link_spec (n, sd / 2)->end[1 - sd % 2];
}

static void
send_now (FsNet *n, guint sd, guint p, uint32_t path)
{
  guint l = sd / 2;
  FsTime delay = link_spec (n, l)->latency + n->spec->routing.processing;

  n->adv_out[sd * n->np + p] = path;
  if (n->instant)
    {
      uint32_t msg[3] = { sd, p, path };
      g_array_append_vals (n->inbox, msg, 1);
      return;
    }
  fs_kernel_schedule (n->k, &n->base, delay, EV_DELIVER, sd | (uint64_t) n->epoch[l] << 32,
                      (uint64_t) p << 32 | path);
  n->in_flight++;
}

/* What @r should have told the neighbour over @sd about @p: its best path with itself in
 * front, nothing for a route learned over this very session or for a static route. */
static uint32_t
desired (FsNet *n, guint sd, guint r, guint p)
{
  const Best *b = &n->best[r * n->np + p];

  switch (b->kind)
    {
    case BEST_LOCAL:
      return path_make (n, r, 0);
    case BEST_LEARNED:
      return (guint) b->link == sd / 2 ? 0 : path_make (n, r, b->path);
    default:
      return 0;
    }
}

static void
start_mrai (FsNet *n, guint sd)
{
  if (n->spec->routing.mrai > 0 && !n->instant)
    {
      n->mrai[sd] = fs_kernel_schedule (n->k, &n->base, n->spec->routing.mrai, EV_MRAI, sd, 0);
      n->mrai_armed[sd] = fs_kernel_now (n->k);
    }
}

static void
advertise (FsNet *n, guint sd, guint p)
{
  guint r = sd_sender (n, sd);
  uint32_t want = desired (n, sd, r, p);
  size_t i = sd * n->np + p;

  if (want == n->adv_out[i])
    {
      n->pending[i] = FALSE;
      return;
    }
  if (want == 0)
    {
      n->pending[i] = FALSE;
      send_now (n, sd, p, 0);   /* withdrawals are not held back by MRAI */
      return;
    }
  /* Changes decided in the same instant leave in the same update: the timer armed by the
   * first of them holds back only what comes later. */
  if (fs_kernel_is_pending (n->k, n->mrai[sd]) && n->mrai_armed[sd] != fs_kernel_now (n->k))
    {
      n->pending[i] = TRUE;
      return;
    }
  if (fs_kernel_is_pending (n->k, n->mrai[sd]))
    {
      send_now (n, sd, p, want);
      return;
    }
  send_now (n, sd, p, want);
  start_mrai (n, sd);
}

static void
propagate (FsNet *n, guint r, guint p)
{
  GArray *ends = n->router_links[r];
  guint i;

  for (i = 0; i < ends->len; i++)
    {
      guint sd = g_array_index (ends, guint, i);   /* link*2 + r's end: r sends over it */
      if (n->side_up[sd])
        advertise (n, sd, p);
    }
}

/* --- deciding ------------------------------------------------------------------------------------ */

static void
decide (FsNet *n, guint r, guint p)
{
  Best *cur = &n->best[r * n->np + p];
  Best b = { BEST_NONE, -1, 0 };
  GArray *ends = n->router_links[r];
  guint i, best_len = G_MAXUINT;
  int best_nbr = G_MAXINT;
  int32_t st;

  if (!router_alive (n, r))
    return;
  st = n->statics[r * n->np + p];
  if (n->origin[p] == (int32_t) r)
    b.kind = BEST_LOCAL;
  else if (st >= 0 && n->side_up[st * 2 + (link_spec (n, st)->end[0] == (int) r ? 0 : 1)])
    {
      b.kind = BEST_STATIC;
      b.link = st;
    }
  else
    for (i = 0; i < ends->len; i++)
      {
        guint mine = g_array_index (ends, guint, i);
        guint in = mine ^ 1;     /* the other end sends to r over the same link */
        uint32_t path = n->rib_in[in * n->np + p];
        int nbr;
        guint len;

        if (!n->side_up[mine] || path == 0 || path_contains (n, path, r))
          continue;
        nbr = neighbour (n, mine / 2, r);
        len = path_len (n, path);
        if (len < best_len || (len == best_len && nbr < best_nbr))
          {
            best_len = len;
            best_nbr = nbr;
            b.kind = BEST_LEARNED;
            b.link = (int32_t) (mine / 2);
            b.path = path;
          }
      }
  if (b.kind == cur->kind && b.link == cur->link && b.path == cur->path)
    return;
  {
    gboolean fib_same = b.kind == cur->kind && b.link == cur->link;

    *cur = b;
    if (!fib_same)
      install (n, r, p, &b);
  }
  propagate (n, r, p);
}

static void
decide_all (FsNet *n, guint r)
{
  guint p;

  for (p = 0; p < n->np; p++)
    decide (n, r, p);
}

/* --- sessions ------------------------------------------------------------------------------------ */

static void
session_side_down (FsNet *n, guint l, guint e, gboolean decide_now)
{
  guint mine = l * 2 + e, in = mine ^ 1, p;
  guint r = link_spec (n, l)->end[e];

  n->side_up[mine] = FALSE;
  if (fs_kernel_cancel (n->k, n->detect[mine]))
    n->detecting--;
  fs_kernel_cancel (n->k, n->mrai[mine]);
  for (p = 0; p < n->np; p++)
    {
      n->rib_in[in * n->np + p] = 0;
      n->adv_out[mine * n->np + p] = 0;
      n->pending[mine * n->np + p] = FALSE;
    }
  if (decide_now)
    decide_all (n, r);
}

static void
session_up (FsNet *n, guint l)
{
  guint e, p;

  /* Flush what either end learned over this session before, then exchange whole tables. */
  for (e = 0; e < 2; e++)
    session_side_down (n, l, e, FALSE);
  for (e = 0; e < 2; e++)
    n->side_up[l * 2 + e] = TRUE;
  for (e = 0; e < 2; e++)
    decide_all (n, link_spec (n, l)->end[e]);
  /* The whole table goes in the session's first update: MRAI spaces later updates, it does
   * not hold back the prefixes of the first one. */
  for (e = 0; e < 2; e++)
    {
      guint sd = l * 2 + e;
      gboolean sent = FALSE;

      for (p = 0; p < n->np; p++)
        {
          uint32_t want = desired (n, sd, sd_sender (n, sd), p);
          size_t i = sd * n->np + p;

          n->pending[i] = FALSE;
          if (want != n->adv_out[i])
            {
              send_now (n, sd, p, want);
              sent |= want != 0;
            }
        }
      if (sent && !fs_kernel_is_pending (n->k, n->mrai[sd]))
        start_mrai (n, sd);
    }
}

static FsTime
detection_time (const FsNet *n, guint l)
{
  const LinkSpec *ls = link_spec (n, l);

  if (ls->carrier)
    return 0;
  if (ls->bfd)
    return n->spec->routing.bfd_interval * n->spec->routing.bfd_multiplier;
  return n->spec->routing.hold;
}

/* Brings sessions in line with the physical state after anything failed or came back. */
static void
refresh_links (FsNet *n)
{
  guint l, e;

  for (l = 0; l < n->nl; l++)
    {
      gboolean alive = link_physically_alive (n, l);

      if (alive == n->link_alive[l])
        continue;
      n->link_alive[l] = alive;
      n->epoch[l]++;
      touch (n);
      if (alive)
        {
          session_up (n, l);
          continue;
        }
      for (e = 0; e < 2; e++)
        {
          guint mine = l * 2 + e;

          if (!n->side_up[mine])
            continue;
          if (fs_kernel_cancel (n->k, n->detect[mine]))
            n->detecting--;
          n->detect[mine] = fs_kernel_schedule (n->k, &n->base, detection_time (n, l), EV_DETECT,
                                                mine, n->epoch[l]);
          n->detecting++;
        }
    }
}

static void
router_dies (FsNet *n, guint r)
{
  GArray *ends = n->router_links[r];
  guint i, p;

  for (i = 0; i < ends->len; i++)
    {
      guint mine = g_array_index (ends, guint, i);
      session_side_down (n, mine / 2, mine % 2, FALSE);
    }
  touch (n);
  for (p = 0; p < n->np; p++)
    {
      n->best[r * n->np + p] = (Best) { BEST_NONE, -1, 0 };
      fs_fib_remove (n->fib[r], &g_array_index (n->spec->prefixes, FsPrefix, p));
    }
  schedule_measure (n);
}

/* --- episodes ------------------------------------------------------------------------------------ */

static gboolean all_reachable (FsNet *n);

static void
close_episode (FsNet *n)
{
  g_autofree char *detail = NULL;

  if (!n->episode_open)
    return;
  n->episode_open = FALSE;
  detail = g_strdup_printf ("%s: %s", n->episode_label,
                            all_reachable (n) ? "every router reaches every live subnet"
                                              : "some routers still cannot reach a live subnet");
  notify (n, n->t_convergence, 0, n->episode_label, n->last_change - n->episode_start, detail);
  g_clear_pointer (&n->episode_label, g_free);
}

static void
open_episode (FsNet *n, const char *label)
{
  close_episode (n);
  n->episode_open = TRUE;
  n->episode_start = n->last_change = fs_kernel_now (n->k);
  n->episode_label = g_strdup (label);
  /* A measurement at this instant, after the change: it settles an episode that sets nothing
   * in motion (a repair that changes no route). */
  schedule_measure (n);
}

/* Whether an update is held back by a running MRAI timer: it will be sent when the timer
 * expires, and may change routes then. */
static gboolean
updates_held (const FsNet *n)
{
  size_t i, all = (size_t) n->nl * 2 * n->np;

  for (i = 0; i < all; i++)
    if (n->pending[i])
      return TRUE;
  return FALSE;
}

/* An episode has converged when nothing more can change a route: no update in flight, none
 * held back, no failure still being detected, and this instant's changes measured. It is
 * reported then, at its last change's instant or just after it (a last update that changed
 * nothing), so the notice and its detail ("every router reaches every live subnet") describe
 * the converged network, not a later one. */
static void
settle (FsNet *n)
{
  if (!n->episode_open || n->measured_at >= 0 || n->in_flight > 0 || n->detecting > 0
      || updates_held (n))
    return;
  close_episode (n);
}

/* --- state changes, from actions and from the sites ------------------------------------------ */

static void
router_state_changed (FsNet *n, guint r, gboolean was_alive)
{
  gboolean alive = router_alive (n, r);

  if (alive == was_alive)
    return;
  notify (n, alive ? n->t_router_up : n->t_router_down, r, router_spec (n, r)->name, alive,
          alive ? "router up" : "router down");
  if (!alive)
    router_dies (n, r);
  else
    decide_all (n, r);
}

static void
site_changed (FsNet *n, guint site, gboolean up)
{
  guint r;
  gboolean any = FALSE;

  for (r = 0; r < n->nr; r++)
    if (router_spec (n, r)->site == (int) site)
      {
        if (!any)
          {
            g_autofree char *label = g_strdup_printf ("site of %s %s", router_spec (n, r)->name,
                                                      up ? "repaired" : "lost");
            open_episode (n, label);
            any = TRUE;
          }
        /* The site listener runs after the site changed: the router was alive iff now is not. */
        router_state_changed (n, r, !up && n->router_admin[r]);
      }
  if (any)
    refresh_links (n);
  /* Hosts at the site live and die with it, router or not. */
  fs_net_remeasure (n);
}

static void
site_listener (guint site, gboolean up, void *user_data)
{
  touch (user_data);
  site_changed (user_data, site, up);
}

/* --- reachability ---------------------------------------------------------------------------------- */

const char *
fs_reach_status_name (FsReachStatus status)
{
  static const char *const names[] = { "delivered", "no route", "dead next hop", "loop",
                                       "no host", "source down" };

  return status <= FS_REACH_SOURCE_DOWN ? names[status] : "?";
}

static gboolean
host_alive_at (const FsNet *n, int host, guint router)
{
  int site = n->host_site[host];

  return n->host_running[host] && site == router_spec (n, router)->site
         && fs_sites_is_up (n->sites, site);
}

/* The walk itself, every time. */
static FsReach
walk (const FsNet *n, guint router, const FsIp *ip)
{
  FsReach out = { FS_REACH_SOURCE_DOWN, 0, 0, (int) router, -1, -1 };
  guint cur = router;

  if (!router_alive (n, cur))
    return out;
  for (;;)
    {
      uint32_t value;
      guint next;

      out.last_router = (int) cur;
      if (!fs_fib_lookup (n->fib[cur], ip, &value, NULL))
        {
          out.status = FS_REACH_NO_ROUTE;
          return out;
        }
      if (value == FIB_LOCAL)
        {
          gpointer h = g_hash_table_lookup (n->host_by_ip, ip);
          int host = h ? GPOINTER_TO_INT (h) - 1 : -1;

          if (host >= 0
              && (n->last_hop != NULL ? n->last_hop (n->last_hop_data, host, cur, &out.latency)
                                      : host_alive_at (n, host, cur)))
            {
              out.status = FS_REACH_DELIVERED;
              out.host = host;
            }
          else
            out.status = FS_REACH_NO_HOST;
          return out;
        }
      if (!link_physically_alive (n, value))
        {
          out.status = FS_REACH_DEAD_HOP;
          out.link = (int) value;
          return out;
        }
      next = (guint) neighbour (n, value, cur);
      out.latency += link_spec (n, value)->latency;
      /* A walk longer than there are routers has visited one twice. */
      if (++out.hops > n->nr)
        {
          out.status = FS_REACH_LOOP;
          return out;
        }
      cur = next;
    }
}

FsReach
fs_net_reach (const FsNet *n, guint router, const FsIp *ip)
{
  FsReach none = { FS_REACH_SOURCE_DOWN, 0, 0, (int) router, -1, -1 };

  g_return_val_if_fail (router < n->nr, none);
  if (n->last_hop != NULL)
    return walk (n, router, ip);

  /* The memo is a cache beside the model's state, not part of it: filling it changes nothing
   * a caller can see, so the function stays const to them. */
  uint64_t epoch = n->reach_epoch + fs_kernel_notices (n->k);
  uint64_t lo, hi, h;

  /* The address as two words (and its family): a cheap hash and an exact compare. */
  memcpy (&lo, ip->bytes, 8);
  memcpy (&hi, ip->bytes + 8, 8);
  h = (lo ^ hi * 0x9E3779B97F4A7C15u ^ ((uint64_t) ip->family << 32 | router))
      * 0xBF58476D1CE4E5B9u;

  ReachMemo *m = &n->reach_memo[(h >> 40) & (REACH_MEMO_SLOTS - 1)];

  if (m->epoch == epoch && m->router == router && m->ip.family == ip->family
      && memcmp (m->ip.bytes, ip->bytes, sizeof ip->bytes) == 0)
    return m->reach;
  m->epoch = epoch;
  m->router = router;
  m->ip = *ip;
  m->reach = walk (n, router, ip);
  return m->reach;
}

/* The address a walk towards prefix @p uses: its first host, or the prefix itself when it has
 * no room for one (a /32 or /128). */
static void
probe_address (const FsNet *n, guint p, FsIp *ip)
{
  const FsPrefix *prefix = &g_array_index (n->spec->prefixes, FsPrefix, p);

  if (!fs_ip_offset (prefix, 1, ip))
    *ip = prefix->addr;
}

static guint8
pair_state_now (const FsNet *n, guint r, guint p)
{
  FsIp ip;
  FsReach reach;

  if (!router_alive (n, r))
    return 0;
  probe_address (n, p, &ip);
  reach = fs_net_reach (n, r, &ip);
  switch (reach.status)
    {
    case FS_REACH_NO_ROUTE:
    case FS_REACH_DEAD_HOP:
      return 1;
    case FS_REACH_LOOP:
      return 2;
    default:
      return 0;
    }
}

static const char *
pair_name (FsNet *n, guint r, guint p)
{
  size_t i = r * n->np + p;

  if (n->pair_names[i] == NULL)
    {
      g_autofree char *pt = prefix_text (n, p);
      n->pair_names[i] = g_strdup_printf ("%s %s", router_spec (n, r)->name, pt);
    }
  return n->pair_names[i];
}

/* Black holes and loops between a router and a prefix are outages of that pair: the metrics
 * then measure how long each lasted with no code of their own. */
/* A flow is down while its traffic is not delivered, whatever the reason; the reason (a black
 * hole at r-third, no host, ...) goes with the notice. */
static void
measure_flows (FsNet *n)
{
  guint f;

  for (f = 0; f < n->spec->flows->len; f++)
    {
      const FlowSpec *fs = &g_array_index (n->spec->flows, FlowSpec, f);
      FsReach x = fs_net_reach (n, fs->from, &fs->ip);
      gboolean down = x.status != FS_REACH_DELIVERED || (fs->host >= 0 && x.host != fs->host);
      g_autofree char *why = NULL;

      if (down == n->flow_down[f])
        continue;
      n->flow_down[f] = down;
      if (!down)
        {
          notify (n, n->t_flow_up, f, fs->name, x.latency, "delivered");
          continue;
        }
      why = g_strdup_printf ("%s at %s", fs_reach_status_name (x.status),
                             router_spec (n, x.last_router)->name);
      notify (n, n->t_flow_down, f, fs->name, x.status, why);
    }
}

static void
measure (FsNet *n)
{
  guint r, p;

  n->measured_at = -1;
  measure_flows (n);
  for (r = 0; r < n->nr; r++)
    for (p = 0; p < n->np; p++)
      {
        size_t i = r * n->np + p;
        guint8 now = pair_state_now (n, r, p), was = n->pair_state[i];

        if (now == was)
          continue;
        n->pair_state[i] = now;
        if (was == 1)
          notify (n, n->t_bh_up, i, pair_name (n, r, p), 0, NULL);
        else if (was == 2)
          notify (n, n->t_loop_up, i, pair_name (n, r, p), 0, NULL);
        if (now == 1)
          notify (n, n->t_bh_down, i, pair_name (n, r, p), 1, "black hole");
        else if (now == 2)
          notify (n, n->t_loop_down, i, pair_name (n, r, p), 2, "forwarding loop");
      }
}

/* Whether every live router reaches every prefix whose origin is alive. */
static gboolean
all_reachable (FsNet *n)
{
  guint r, p;

  for (p = 0; p < n->np; p++)
    {
      if (n->origin[p] < 0 || !router_alive (n, n->origin[p]))
        continue;
      for (r = 0; r < n->nr; r++)
        if (pair_state_now (n, r, p) != 0)
          return FALSE;
    }
  return TRUE;
}

/* --- the model -------------------------------------------------------------------------------------- */

static void
set_host_running (FsNet *n, guint h, gboolean running, const char *why)
{
  guint i;

  if (n->host_running[h] == running)
    return;
  n->host_running[h] = running;
  touch (n);
  notify (n, running ? n->t_host_up : n->t_host_down, h,
          g_array_index (n->spec->hosts, HostSpec, h).name, running, why);
  fs_net_remeasure (n);
  for (i = 0; i < n->host_listeners->len; i++)
    {
      const HostListener *l = &g_array_index (n->host_listeners, HostListener, i);
      l->fn (h, running, l->data);
    }
}

static void
handle (FsNet *n, const FsEvent *ev)
{
  switch (ev->kind)
    {
    case EV_DELIVER:
      {
        guint sd = (guint) (ev->a & 0xffffffff), l = sd / 2;
        guint p = (guint) (ev->b >> 32);
        uint32_t path = (uint32_t) ev->b;
        guint mine = sd ^ 1;   /* the receiving end's session-direction */

        n->in_flight--;
        if ((uint32_t) (ev->a >> 32) != n->epoch[l] || !n->side_up[mine])
          return;   /* sent before the link died or the session reset: lost */
        n->rib_in[sd * n->np + p] = path;
        decide (n, sd_receiver (n, sd), p);
        break;
      }
    case EV_MRAI:
      {
        guint sd = (guint) ev->a, p;
        gboolean sent = FALSE;

        n->mrai[sd] = FS_HANDLE_NONE;
        for (p = 0; p < n->np; p++)
          {
            size_t i = sd * n->np + p;
            uint32_t want;

            if (!n->pending[i])
              continue;
            n->pending[i] = FALSE;
            want = desired (n, sd, sd_sender (n, sd), p);
            if (want != n->adv_out[i])
              {
                send_now (n, sd, p, want);
                sent = TRUE;
              }
          }
        if (sent)
          start_mrai (n, sd);
        break;
      }
    case EV_DETECT:
      {
        guint mine = (guint) ev->a, l = mine / 2;
        g_autofree char *cause = NULL;

        n->detect[mine] = FS_HANDLE_NONE;
        n->detecting--;
        if ((uint32_t) ev->b != n->epoch[l] || !n->side_up[mine])
          return;
        if (link_spec (n, l)->carrier)
          cause = g_strdup ("carrier lost");
        else if (link_spec (n, l)->bfd)
          {
            char t[FS_TIME_BUFSZ];
            fs_time_format (detection_time (n, l), t, sizeof t);
            cause = g_strdup_printf ("BFD down after %s", t);
          }
        else
          {
            char t[FS_TIME_BUFSZ];
            fs_time_format (n->spec->routing.hold, t, sizeof t);
            cause = g_strdup_printf ("hold timer %s expired", t);
          }
        n->cause = cause;
        session_side_down (n, l, mine % 2, TRUE);
        n->cause = NULL;
        break;
      }
    case EV_MEASURE:
      measure (n);
      break;
    case EV_HOST_BOOT:
      n->host_boot[ev->a] = FS_HANDLE_NONE;
      set_host_running (n, (guint) ev->a, TRUE, "booted");
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
net_handle (FsModel *model, FsKernel *k, const FsEvent *ev)
{
  FsNet *n = (FsNet *) model;

  handle (n, ev);
  settle (n);
}

static void
net_finish (FsModel *model, FsKernel *k)
{
  FsNet *n = (FsNet *) model;

  measure (n);
  close_episode (n);
}

static void
net_free (FsModel *model)
{
  FsNet *n = (FsNet *) model;
  guint r;

  for (r = 0; r < n->nr; r++)
    {
      fs_fib_free (n->fib[r]);
      g_array_unref (n->router_links[r]);
    }
  for (r = 0; r < n->nr * n->np; r++)
    g_free (n->pair_names[r]);
  g_free (n->pair_names);
  g_free (n->fib);
  g_free (n->router_links);
  g_free (n->router_admin);
  g_free (n->link_admin);
  g_free (n->link_connected);
  g_free (n->link_alive);
  g_free (n->link_impaired);
  g_free (n->side_up);
  g_free (n->epoch);
  g_free (n->reach_memo);
  g_free (n->detect);
  g_free (n->rib_in);
  g_free (n->adv_out);
  g_free (n->pending);
  g_free (n->mrai);
  g_free (n->mrai_armed);
  g_free (n->best);
  g_free (n->statics);
  g_free (n->origin);
  g_free (n->host_site);
  g_free (n->host_running);
  g_free (n->host_boot);
  g_array_unref (n->host_listeners);
  g_free (n->pair_state);
  g_free (n->flow_down);
  g_free (n->episode_label);
  g_hash_table_destroy (n->host_by_ip);
  g_hash_table_destroy (n->path_ids);
  g_array_unref (n->paths);
  g_free (n);
}

static const FsModelOps net_ops = {
  .name = "net",
  .handle = net_handle,
  .finish = net_finish,
  .free = net_free,
};

FsNet *
fs_net_from_model (FsModel *model)
{
  g_return_val_if_fail (model != NULL && model->ops == &net_ops, NULL);
  return (FsNet *) model;
}

static guint
u64_hash (gconstpointer p)
{
  uint64_t x = *(const uint64_t *) p;

  return (guint) (x ^ (x >> 29) ^ (x >> 47));
}

static gboolean
u64_equal (gconstpointer a, gconstpointer b)
{
  return *(const uint64_t *) a == *(const uint64_t *) b;
}

gboolean
fs__net_build (FsSim *sim, GError **error)
{
  const NetSpec *spec = fs__net_spec_get (fs_sim_scenario (sim));
  FsKernel *k = fs_sim_kernel (sim);
  FsNet *n;
  PathNode none = { 0, 0, 0 };
  guint r, l, p, h, e;

  if (spec == NULL || spec->routers->len == 0)
    return TRUE;   /* a scenario with no network has no net model */
  n = g_new0 (FsNet, 1);
  n->base.ops = &net_ops;
  n->base.name = g_strdup ("net");
  n->k = k;
  n->spec = spec;
  n->sites = fs_sites_from_model (fs_sim_model (sim, "sites"));
  n->nr = spec->routers->len;
  n->nl = spec->links->len;
  n->np = spec->prefixes->len;
  n->nh = spec->hosts->len;

  n->router_admin = g_malloc (n->nr);
  memset (n->router_admin, 1, n->nr);
  n->link_admin = g_malloc (MAX (n->nl, 1));
  n->link_connected = g_malloc (MAX (n->nl, 1));
  for (l = 0; l < n->nl; l++)
    {
      /* A circuit's connection that starts down was never made: not a failure to repair. */
      gboolean circuit = link_spec (n, l)->circuit != NULL;

      n->link_admin[l] = circuit || link_spec (n, l)->state == LINK_UP;
      n->link_connected[l] = !circuit || link_spec (n, l)->state == LINK_UP;
    }
  n->link_alive = g_malloc0 (MAX (n->nl, 1));
  n->link_impaired = g_malloc0 (MAX (n->nl, 1));
  n->side_up = g_malloc0 (MAX (2 * n->nl, 1));
  n->epoch = g_new0 (uint32_t, MAX (n->nl, 1));
  n->detect = g_new0 (FsHandle, MAX (2 * n->nl, 1));
  n->mrai = g_new0 (FsHandle, MAX (2 * n->nl, 1));
  n->mrai_armed = g_new0 (FsTime, MAX (2 * n->nl, 1));
  n->rib_in = g_new0 (uint32_t, MAX (2 * n->nl * n->np, 1));
  n->adv_out = g_new0 (uint32_t, MAX (2 * n->nl * n->np, 1));
  n->pending = g_malloc0 (MAX (2 * n->nl * n->np, 1));
  n->best = g_new0 (Best, MAX (n->nr * n->np, 1));
  n->statics = g_new (int32_t, MAX (n->nr * n->np, 1));
  n->pair_state = g_malloc0 (MAX (n->nr * n->np, 1));
  n->flow_down = g_malloc0 (MAX (spec->flows->len, 1));
  n->pair_names = g_new0 (char *, MAX (n->nr * n->np, 1));
  n->origin = g_new (int32_t, MAX (n->np, 1));
  n->host_site = g_new (int32_t, MAX (n->nh, 1));
  n->host_running = g_malloc0 (MAX (n->nh, 1));
  n->host_boot = g_new0 (FsHandle, MAX (n->nh, 1));
  n->host_listeners = g_array_new (FALSE, FALSE, sizeof (HostListener));
  n->boot_rng = fs_kernel_stream (k, "net.boot");
  n->fib = g_new0 (FsFib *, n->nr);
  n->reach_epoch = 1;   /* an empty memo slot has epoch 0 */
  n->reach_memo = g_new0 (ReachMemo, REACH_MEMO_SLOTS);
  n->router_links = g_new0 (GArray *, n->nr);
  n->host_by_ip = g_hash_table_new (fs_ip_hash, fs_ip_equal);
  n->paths = g_array_new (FALSE, TRUE, sizeof (PathNode));
  g_array_append_val (n->paths, none);
  n->path_ids = g_hash_table_new_full (u64_hash, u64_equal, g_free, NULL);
  n->measured_at = -1;

  for (r = 0; r < n->nr * n->np; r++)
    {
      n->best[r] = (Best) { BEST_NONE, -1, 0 };
      n->statics[r] = -1;
    }
  for (r = 0; r < n->nr; r++)
    {
      n->fib[r] = fs_fib_new ();
      n->router_links[r] = g_array_new (FALSE, FALSE, sizeof (guint));
    }
  for (l = 0; l < n->nl; l++)
    for (e = 0; e < 2; e++)
      {
        guint mine = l * 2 + e;
        g_array_append_val (n->router_links[link_spec (n, l)->end[e]], mine);
      }
  for (p = 0; p < n->np; p++)
    n->origin[p] = p < spec->subnets->len ? g_array_index (spec->subnets, SubnetSpec, p).router : -1;
  for (h = 0; h < n->nh; h++)
    {
      const HostSpec *hs = &g_array_index (spec->hosts, HostSpec, h);
      n->host_site[h] = hs->site;
      n->host_running[h] = hs->state == HOST_RUNNING;
      g_hash_table_insert (n->host_by_ip, (gpointer) &hs->ip, GINT_TO_POINTER (h + 1));
    }
  for (h = 0; h < spec->statics->len; h++)
    {
      const StaticSpec *ss = &g_array_index (spec->statics, StaticSpec, h);
      n->statics[ss->router * n->np + ss->prefix] = ss->link;
    }

  n->t_link_down = fs_kernel_topic (k, "link.down");
  n->t_link_up = fs_kernel_topic (k, "link.up");
  n->t_router_down = fs_kernel_topic (k, "router.down");
  n->t_router_up = fs_kernel_topic (k, "router.up");
  n->t_route_change = fs_kernel_topic (k, "route.change");
  n->t_bh_down = fs_kernel_topic (k, "blackhole.down");
  n->t_bh_up = fs_kernel_topic (k, "blackhole.up");
  n->t_loop_down = fs_kernel_topic (k, "loop.down");
  n->t_loop_up = fs_kernel_topic (k, "loop.up");
  n->t_convergence = fs_kernel_topic (k, "routing.convergence_ns");
  n->t_flow_down = fs_kernel_topic (k, "flow.down");
  n->t_flow_up = fs_kernel_topic (k, "flow.up");
  n->t_host_down = fs_kernel_topic (k, "host.down");
  n->t_host_up = fs_kernel_topic (k, "host.up");
  fs_sim_add_model (sim, "net", &n->base);
  fs_sites_listen (n->sites, site_listener, n);

  /* Time 0 is an estate that has converged. Running the protocol from empty tables would
   * report a start-up convergence nobody asked about, so the same protocol code runs to
   * quiescence before the clock starts, with messages handed over at once, in order. */
  n->instant = TRUE;
  n->inbox = g_array_new (FALSE, FALSE, 3 * sizeof (uint32_t));
  for (r = 0; r < n->nr; r++)
    decide_all (n, r);
  refresh_links (n);
  for (guint next = 0; next < n->inbox->len; next++)
    {
      const uint32_t *msg = (const uint32_t *) (n->inbox->data + next * 3 * sizeof (uint32_t));
      guint sd = msg[0], pfx = msg[1];

      n->rib_in[sd * n->np + pfx] = msg[2];
      decide (n, sd_receiver (n, sd), pfx);
    }
  g_array_unref (n->inbox);
  n->inbox = NULL;
  n->instant = FALSE;
  return TRUE;
}

/* --- accessors ---------------------------------------------------------------------------------------- */

int
fs_net_router_index (const FsNet *n, const char *name)
{
  return fs_schema_index_by_name (n->spec->routers, sizeof (RouterSpec), name);
}

int
fs_net_subnet_index (const FsNet *n, const char *name)
{
  return fs_schema_index_by_name (n->spec->subnets, sizeof (SubnetSpec), name);
}

int
fs_net_host_index (const FsNet *n, const char *name)
{
  return fs_schema_index_by_name (n->spec->hosts, sizeof (HostSpec), name);
}

gboolean
fs_net_router_is_up (const FsNet *n, guint router)
{
  g_return_val_if_fail (router < n->nr, FALSE);
  return router_alive (n, router);
}

int
fs_net_subnet_router (const FsNet *n, guint subnet)
{
  g_return_val_if_fail (subnet < n->spec->subnets->len, -1);
  return n->origin[subnet];
}

int
fs_net_next_hop (const FsNet *n, guint router, guint subnet)
{
  uint32_t value;

  g_return_val_if_fail (router < n->nr && subnet < n->np, -1);
  if (!fs_fib_get (n->fib[router], &g_array_index (n->spec->prefixes, FsPrefix, subnet), &value))
    return -1;
  return value == FIB_LOCAL ? -2 : neighbour (n, value, router);
}

void
fs_net_set_last_hop (FsNet *n, FsNetLastHop fn, void *data)
{
  n->last_hop = fn;
  n->last_hop_data = data;
  touch (n);
}

void
fs_net_set_link_impaired (FsNet *n, guint link, gboolean impaired)
{
  g_return_if_fail (link < n->nl);
  if (n->link_impaired[link] == impaired)
    return;
  n->link_impaired[link] = impaired;
  touch (n);
  refresh_links (n);
  schedule_measure (n);
}

guint
fs_net_n_hosts (const FsNet *n)
{
  return n->nh;
}

const char *
fs_net_host_name (const FsNet *n, guint host)
{
  g_return_val_if_fail (host < n->nh, NULL);
  return g_array_index (n->spec->hosts, HostSpec, host).name;
}

int
fs_net_host_subnet (const FsNet *n, guint host)
{
  g_return_val_if_fail (host < n->nh, -1);
  return g_array_index (n->spec->hosts, HostSpec, host).subnet;
}

const FsIp *
fs_net_host_ip (const FsNet *n, guint host)
{
  g_return_val_if_fail (host < n->nh, NULL);
  return &g_array_index (n->spec->hosts, HostSpec, host).ip;
}

int
fs_net_host_site (const FsNet *n, guint host)
{
  g_return_val_if_fail (host < n->nh, -1);
  return n->host_site[host];
}

int
fs_net_host_by_ip (const FsNet *n, const FsIp *ip)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (n->host_by_ip, ip)) - 1;
}

gboolean
fs_net_host_is_running (const FsNet *n, guint host)
{
  g_return_val_if_fail (host < n->nh, FALSE);
  return n->host_running[host];
}

gboolean
fs_net_host_is_alive (const FsNet *n, guint host)
{
  g_return_val_if_fail (host < n->nh, FALSE);
  return n->host_running[host] && fs_sites_is_up (n->sites, n->host_site[host]);
}

gboolean
fs_net_host_is_booting (const FsNet *n, guint host)
{
  g_return_val_if_fail (host < n->nh, FALSE);
  return n->host_boot[host] != FS_HANDLE_NONE;
}

void
fs_net_listen_hosts (FsNet *n, FsNetHostListener fn, void *data)
{
  HostListener l = { fn, data };

  g_array_append_val (n->host_listeners, l);
}

void
fs_net_start_host (FsNet *n, guint host, FsTime boot)
{
  g_return_if_fail (host < n->nh);
  if (n->host_running[host] || n->host_boot[host] != FS_HANDLE_NONE)
    return;
  if (boot == 0)
    set_host_running (n, host, TRUE, "started");
  else
    n->host_boot[host] = fs_kernel_schedule (n->k, &n->base, boot, EV_HOST_BOOT, host, 0);
}

void
fs_net_stop_host (FsNet *n, guint host)
{
  g_return_if_fail (host < n->nh);
  fs_kernel_cancel (n->k, n->host_boot[host]);
  n->host_boot[host] = FS_HANDLE_NONE;
  set_host_running (n, host, FALSE, "stopped");
}

void
fs_net_move_host (FsNet *n, guint host, guint site)
{
  g_return_if_fail (host < n->nh);
  n->host_site[host] = (int32_t) site;
  touch (n);
  fs_net_remeasure (n);
}

int
fs_net_router_site (const FsNet *n, guint router)
{
  g_return_val_if_fail (router < n->nr, -1);
  return router_spec (n, router)->site;
}

int
fs_net_link_index (const FsNet *n, const char *name)
{
  return fs_schema_index_by_name (n->spec->links, sizeof (LinkSpec), name);
}

void
fs_net_link_ends (const FsNet *n, guint link, int *a, int *b)
{
  g_return_if_fail (link < n->nl);
  *a = link_spec (n, link)->end[0];
  *b = link_spec (n, link)->end[1];
}

FsTime
fs_net_link_latency (const FsNet *n, guint link)
{
  g_return_val_if_fail (link < n->nl, 0);
  return link_spec (n, link)->latency;
}

gboolean
fs_net_link_is_alive (const FsNet *n, guint link)
{
  g_return_val_if_fail (link < n->nl, FALSE);
  return link_physically_alive (n, link);
}

void
fs_net_remeasure (FsNet *n)
{
  FsTime now = fs_kernel_now (n->k);

  /* Unlike a forwarding change, this does not extend a routing episode's convergence. */
  if (n->measured_at == now)
    return;
  n->measured_at = now;
  fs_kernel_schedule_at (n->k, &n->base, now, FS_PRIORITY_MEASURE, EV_MEASURE, 0, 0);
}

/* --- timeline actions ------------------------------------------------------------------------------ */

static FsNet *
net_of (FsSim *sim)
{
  return fs_net_from_model (fs_sim_model (sim, "net"));
}

typedef struct {
  char *name;
  int index;
} NamedArgs;

static const FsField link_args_fields[] = {
  { "link", FS_FIELD_NAME, offsetof (NamedArgs, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The link it happens to.", "primary-recovery" },
  FS_FIELD_END
};

static const FsField router_args_fields[] = {
  { "router", FS_FIELD_NAME, offsetof (NamedArgs, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The router it happens to.", "r-branch" },
  FS_FIELD_END
};

static gboolean
check_link_args (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  NamedArgs *a = args;

  return (a->index = fs__net_resolve_link (sc, fs_node_get (entry, "link"), error)) >= 0;
}

static gboolean
check_router_args (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  NamedArgs *a = args;

  return (a->index = fs__net_resolve_router (sc, fs_node_get (entry, "router"), error)) >= 0;
}

/* Sets one of a link's two switches (@state: link_admin or link_connected) and lets routing
 * and the measurements follow. @what is the change as notices and episodes name it. */
static void
set_link_state (FsNet *n, guint8 *state, guint link, gboolean up, const char *what)
{
  g_autofree char *label = NULL;

  if (state[link] == up)
    return;
  state[link] = up;
  touch (n);
  notify (n, up ? n->t_link_up : n->t_link_down, link, link_spec (n, link)->name, up, what);
  label = g_strdup_printf ("link %s %s", link_spec (n, link)->name, what + strlen ("link "));
  open_episode (n, label);
  refresh_links (n);
  /* Packets over the dead link are lost at once, long before routing notices. */
  fs_net_remeasure (n);
}

void
fs_net_set_link_admin (FsNet *n, guint link, gboolean up)
{
  g_return_if_fail (link < n->nl);
  set_link_state (n, n->link_admin, link, up, up ? "link repaired" : "link failed");
}

gboolean
fs_net_link_is_admin_up (const FsNet *n, guint link)
{
  g_return_val_if_fail (link < n->nl, FALSE);
  return n->link_admin[link];
}

void
fs_net_set_link_connected (FsNet *n, guint link, gboolean connected)
{
  g_return_if_fail (link < n->nl && link_spec (n, link)->circuit != NULL);
  set_link_state (n, n->link_connected, link, connected,
                  connected ? "link connected to its circuit" : "link disconnected from its circuit");
}

gboolean
fs_net_link_is_connected (const FsNet *n, guint link)
{
  g_return_val_if_fail (link < n->nl, FALSE);
  return n->link_connected[link];
}

const char *
fs_net_link_name (const FsNet *n, guint link)
{
  g_return_val_if_fail (link < n->nl, NULL);
  return link_spec (n, link)->name;
}

const char *
fs_net_link_circuit (const FsNet *n, guint link)
{
  g_return_val_if_fail (link < n->nl, NULL);
  return link_spec (n, link)->circuit;
}

static void
link_fail_fire (FsSim *sim, const void *args)
{
  fs_net_set_link_admin (net_of (sim), ((const NamedArgs *) args)->index, FALSE);
}

static void
link_repair_fire (FsSim *sim, const void *args)
{
  fs_net_set_link_admin (net_of (sim), ((const NamedArgs *) args)->index, TRUE);
}

static void
set_router (FsSim *sim, const void *args, gboolean up)
{
  FsNet *n = net_of (sim);
  const NamedArgs *a = args;
  gboolean was = router_alive (n, a->index);
  g_autofree char *label = NULL;

  if (n->router_admin[a->index] == up)
    return;
  n->router_admin[a->index] = up;
  touch (n);
  label = g_strdup_printf ("router %s %s", router_spec (n, a->index)->name, up ? "repaired" : "failed");
  open_episode (n, label);
  router_state_changed (n, a->index, was);
  refresh_links (n);
}

static void router_fail_fire (FsSim *sim, const void *args) { set_router (sim, args, FALSE); }
static void router_repair_fire (FsSim *sim, const void *args) { set_router (sim, args, TRUE); }

typedef struct {
  char *subnet_name;
  char *to_name;
  char *router_name;
  int subnet;
  int site;
  int router;
} MoveArgs;

static const FsField move_fields[] = {
  { "subnet", FS_FIELD_NAME, offsetof (MoveArgs, subnet_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The subnet that moves, with every host in it but those of VMs a recovery plan manages.", "app" },
  { "to", FS_FIELD_NAME, offsetof (MoveArgs, to_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The site it moves to.", "recovery" },
  { "router", FS_FIELD_NAME, offsetof (MoveArgs, router_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The router there that originates it; default: the first router of that site.", "r-recovery" },
  FS_FIELD_END
};

static gboolean
check_move (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  MoveArgs *a = args;
  const NetSpec *spec = fs__net_spec_get (sc);
  guint r;

  if ((a->subnet = fs__net_resolve_subnet (sc, fs_node_get (entry, "subnet"), error)) < 0)
    return FALSE;
  if ((a->site = fs_sites_spec_resolve (sc, fs_node_get (entry, "to"), error)) < 0)
    return FALSE;
  if (a->router_name != NULL)
    {
      if ((a->router = fs__net_resolve_router (sc, fs_node_get (entry, "router"), error)) < 0)
        return FALSE;
      if (g_array_index (spec->routers, RouterSpec, a->router).site != a->site)
        return fs_node_error (error, fs_node_get (entry, "router"), FS_SCENARIO_ERROR_RULE,
                              "router '%s' stands in site '%s', not in '%s'", a->router_name,
                              g_array_index (spec->routers, RouterSpec, a->router).site_name,
                              a->to_name);
      return TRUE;
    }
  for (r = 0; r < spec->routers->len; r++)
    if (g_array_index (spec->routers, RouterSpec, r).site == a->site)
      {
        a->router = (int) r;
        return TRUE;
      }
  return fs_node_error (error, fs_node_get (entry, "to"), FS_SCENARIO_ERROR_RULE,
                        "site '%s' has no router to originate the subnet; declare one under routers:",
                        a->to_name);
}

/* The whole subnet moves at once, every host in it with it: the seeds' stated drawback. The
 * source withdraws at once if it is alive; if it is dead, its neighbours keep the stale route
 * until their hold timers expire. */
static void
subnet_move_fire (FsSim *sim, const void *args)
{
  FsNet *n = net_of (sim);
  const MoveArgs *a = args;
  int from = n->origin[a->subnet];
  g_autofree char *label = NULL;
  guint h;

  if (from == a->router)
    return;
  label = g_strdup_printf ("subnet %s moved to %s", g_array_index (n->spec->subnets, SubnetSpec,
                                                                   a->subnet).name, a->to_name);
  open_episode (n, label);
  n->origin[a->subnet] = a->router;
  touch (n);
  /* VMs a recovery plan manages move with their own failover, not with the subnet. */
  for (h = 0; h < n->nh; h++)
    if (g_array_index (n->spec->hosts, HostSpec, h).subnet == a->subnet
        && !g_array_index (n->spec->hosts, HostSpec, h).managed)
      n->host_site[h] = a->site;
  n->cause = "subnet moved";
  if (from >= 0)
    decide (n, from, a->subnet);
  decide (n, a->router, a->subnet);
  n->cause = NULL;
}

typedef struct {
  char *router_name;
  char *prefix_text;
  char *via_name;
  int router;
  int prefix;
  int link;
} RouteArgs;

static const FsField route_add_fields[] = {
  { "router", FS_FIELD_NAME, offsetof (RouteArgs, router_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The router whose table changes.", "r-third" },
  { "prefix", FS_FIELD_STRING, offsetof (RouteArgs, prefix_text), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The destination.", "192.168.1.0/24" },
  { "via", FS_FIELD_NAME, offsetof (RouteArgs, via_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "route.add: the next-hop router, a neighbour.", "r-recovery" },
  FS_FIELD_END
};

static const FsField route_remove_fields[] = {
  { "router", FS_FIELD_NAME, offsetof (RouteArgs, router_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The router whose table changes.", "r-third" },
  { "prefix", FS_FIELD_STRING, offsetof (RouteArgs, prefix_text), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The destination.", "192.168.1.0/24" },
  FS_FIELD_END
};

static gboolean
check_route (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  RouteArgs *a = args;
  NetSpec *spec = fs__net_spec (sc);
  GError *local = NULL;
  FsPrefix p;

  if ((a->router = fs__net_resolve_router (sc, fs_node_get (entry, "router"), error)) < 0)
    return FALSE;
  if (!fs_prefix_parse (a->prefix_text, &p, &local))
    {
      fs_node_error (error, fs_node_get (entry, "prefix"), FS_SCENARIO_ERROR_RANGE, "'prefix': %s",
                     local->message);
      g_error_free (local);
      return FALSE;
    }
  /* Routing state is sized at load time, so a prefix first named here joins the table now. */
  a->prefix = fs__net_spec_prefix (spec, &p);
  a->link = -1;
  if (a->via_name != NULL)
    {
      int via = fs__net_resolve_router (sc, fs_node_get (entry, "via"), error);

      if (via < 0)
        return FALSE;
      if ((a->link = fs__net_link_between (spec, a->router, via)) < 0)
        return fs_node_error (error, fs_node_get (entry, "via"), FS_SCENARIO_ERROR_RULE,
                              "'%s' is not a neighbour of '%s': no link joins them", a->via_name,
                              a->router_name);
    }
  return TRUE;
}

static void
set_static (FsSim *sim, const RouteArgs *a)
{
  FsNet *n = net_of (sim);
  g_autofree char *label = g_strdup_printf ("static route %s on %s %s", a->prefix_text,
                                            router_spec (n, a->router)->name,
                                            a->link >= 0 ? "set" : "removed");

  open_episode (n, label);
  n->statics[a->router * n->np + a->prefix] = a->link;
  n->cause = "static route changed";
  decide (n, a->router, a->prefix);
  n->cause = NULL;
}

static void route_add_fire (FsSim *sim, const void *args) { set_static (sim, args); }

typedef struct {
  char *host_name;
  FsDist *boot;
  int host;
} HostArgs;

static const FsField host_start_fields[] = {
  { "host", FS_FIELD_NAME, offsetof (HostArgs, host_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The host (a VM) that starts where it stands; no effect if it runs or is booting.", "app-1-replica" },
  { "boot", FS_FIELD_DIST, offsetof (HostArgs, boot), FALSE, "0", 0, 0, 0, 0, NULL,
    "From the start command to the host answering.", "lognormal(60s, 20s)" },
  FS_FIELD_END
};

static const FsField host_stop_fields[] = {
  { "host", FS_FIELD_NAME, offsetof (HostArgs, host_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The host that stops (a boot in progress is abandoned).", "app-1" },
  FS_FIELD_END
};

static gboolean
check_host_args (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  HostArgs *a = args;

  return (a->host = fs_net_spec_host (sc, fs_node_get (entry, "host"), error)) >= 0;
}

static void
host_start_fire (FsSim *sim, const void *args)
{
  const HostArgs *a = args;
  FsNet *n = net_of (sim);

  fs_net_start_host (n, a->host, fs_dist_sample (a->boot, n->boot_rng));
}

static void
host_stop_fire (FsSim *sim, const void *args)
{
  const HostArgs *a = args;

  fs_net_stop_host (net_of (sim), a->host);
}
static void route_remove_fire (FsSim *sim, const void *args) { set_static (sim, args); }

static const FsAction actions[] = {
  { "link.fail", "The link goes down; each end notices after its detection time.", link_args_fields,
    sizeof (NamedArgs), check_link_args, link_fail_fire, NULL },
  { "link.repair", "The link comes back; the session re-forms and both ends exchange tables.",
    link_args_fields, sizeof (NamedArgs), check_link_args, link_repair_fire, NULL },
  { "router.fail", "The router stops; its neighbours notice after their detection time.",
    router_args_fields, sizeof (NamedArgs), check_router_args, router_fail_fire, NULL },
  { "router.repair", "The router comes back with empty tables and re-forms its sessions.",
    router_args_fields, sizeof (NamedArgs), check_router_args, router_repair_fire, NULL },
  { "subnet.move", "The subnet and its hosts (not a recovery plan's VMs) move to another site: the source withdraws "
    "it (if alive) and the target originates it.", move_fields, sizeof (MoveArgs), check_move,
    subnet_move_fire, NULL },
  { "route.add", "A static route is set (or replaced) on a router.", route_add_fields,
    sizeof (RouteArgs), check_route, route_add_fire, NULL },
  { "route.remove", "A static route is removed from a router.", route_remove_fields,
    sizeof (RouteArgs), check_route, route_remove_fire, NULL },
  { "host.start", "A stopped host (a replica VM) starts after its boot time, at its own address.",
    host_start_fields, sizeof (HostArgs), check_host_args, host_start_fire, NULL },
  { "host.stop", "A host stops now; it no longer answers.", host_stop_fields, sizeof (HostArgs),
    check_host_args, host_stop_fire, NULL },
};

void
fs__net_register (void)
{
  guint i;

  fs__net_register_sections ();
  for (i = 0; i < G_N_ELEMENTS (actions); i++)
    fs_scenario_register_action (&actions[i]);
}
