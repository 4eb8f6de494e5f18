/* exercise.c: a training session: commands in, text out.
 *
 * The trainee's run is an ordinary FsSim advanced in pieces (fs_sim_run to a decision point, a
 * step, or the next notice), so everything the trainee sees is what `failsim run` would have
 * measured. An action typed at the prompt is the same FsActionCall a timeline entry holds, read
 * from the typed keys and performed at once at the current instant. The debrief builds two
 * more sims of the same scenario and seed, one where the reference plan's steps are scheduled
 * like timeline entries and one where nobody acts, and sets the three side by side. */
#include "exercise-private.h"

#include <string.h>

#include "failsim/clients.h"
#include "failsim/dns.h"
#include "failsim/dr.h"
#include "failsim/l2.h"
#include "failsim/metrics.h"
#include "failsim/narrate.h"
#include "failsim/net.h"
#include "failsim/sim.h"
#include "failsim/site.h"

/* --- the operator: a model that performs reference steps at their times ---------------------- */

typedef struct {
  FsModel base;
  FsSim *sim;
  const GPtrArray *steps;        /* FsActionCall with an FsExerciseStepHead, or NULL */
  uint32_t topic_action, topic_refused;
} Operator;

static void
operator_perform (Operator *op, const FsActionCall *call, const char *said)
{
  FsKernel *k = fs_sim_kernel (op->sim);
  const FsAction *action = fs_action_call_action (call);
  const char *why = action->refuse != NULL ? action->refuse (op->sim, fs_action_call_args (call)) : NULL;
  FsNotice n = { .topic = why ? op->topic_refused : op->topic_action, .subject = 0,
                 .source = &op->base, .subject_name = action->name, .value = 0 };
  g_autofree char *detail = why ? g_strdup_printf ("%s is refused: %s", said, why)
                                : g_strdup_printf ("the operator: %s", said);

  n.detail = detail;
  fs_kernel_notify (k, &n);
  if (why == NULL)
    action->fire (op->sim, fs_action_call_args (call));
}

static void
operator_handle (FsModel *model, FsKernel *k, const FsEvent *ev)
{
  Operator *op = (Operator *) model;
  const FsActionCall *call = g_ptr_array_index (op->steps, ev->a);
  const FsExerciseStepHead *h = fs_action_call_head (call);

  (void) k;
  operator_perform (op, call, h->note != NULL ? h->note : h->action);
}

static void
operator_free (FsModel *model)
{
  g_free (model);
}

static const FsModelOps operator_ops = {
  .name = "operator",
  .handle = operator_handle,
  .finish = NULL,
  .free = operator_free,
};

/* Adds the operator to @sim, with @steps (may be NULL) scheduled at their times. */
static Operator *
add_operator (FsSim *sim, const GPtrArray *steps)
{
  FsKernel *k = fs_sim_kernel (sim);
  Operator *op = g_new0 (Operator, 1);
  guint i;

  op->base.ops = &operator_ops;
  op->base.name = g_strdup ("operator");
  op->sim = sim;
  op->steps = steps;
  op->topic_action = fs_kernel_topic (k, "operator.action");
  op->topic_refused = fs_kernel_topic (k, "operator.refused");
  fs_sim_add_model (sim, "operator", &op->base);
  for (i = 0; steps != NULL && i < steps->len; i++)
    {
      const FsExerciseStepHead *h = fs_action_call_head (g_ptr_array_index (steps, i));

      fs_kernel_schedule_at (k, &op->base, h->at, FS_PRIORITY_FAULT, 0, i, 0);
    }
  return op;
}

/* --- the session --------------------------------------------------------------------------------- */

typedef struct Watch Watch;

typedef struct {
  FsTime at;
  char *text;            /* as typed, after "do " */
  gboolean refused;
} Taken;

struct FsExercise {
  FsScenario *sc;
  const FsExerciseSpec *spec;
  uint64_t seed;
  FsTime horizon;
  FsSim *sim;
  FsKernel *k;
  Operator *op;
  FsNarrator *narrator;
  GPtrArray *told;             /* every narrated line so far, for 'log' */
  GArray *taken;               /* Taken: the trainee's actions */
  GPtrArray *calls;            /* FsActionCall the trainee made (kept: models may hold args) */
  GPtrArray *trees;            /* FsNode trees those calls were read from */
  GArray *pauses;              /* FsTime: the trainee's own pause points */
  gboolean *decision_done;     /* [decision] */
  Watch *watches;              /* [decision]: the observers' data of 'on' decisions */
  int waiting_on;              /* the 'on' decision that stopped the run, or -1 */
  gboolean stop_on_notice;     /* 'next': stop at the next notice */
  gboolean noticed;
  gboolean ended, started;
};

static void
taken_clear (gpointer p)
{
  g_free (((Taken *) p)->text);
}

static const FsExerciseDecision *
decision (const FsExercise *ex, guint i)
{
  return &g_array_index (ex->spec->decisions, FsExerciseDecision, i);
}

/* What an 'on' decision's observer is given: the kernel has matched its pattern already. */
struct Watch {
  FsExercise *ex;
  guint decision;
};

static void
on_decision_topic (FsKernel *k, const FsNotice *notice, void *user_data)
{
  const Watch *w = user_data;
  FsExercise *ex = w->ex;

  (void) notice;
  if (ex->decision_done[w->decision] || ex->waiting_on >= 0)
    return;
  ex->decision_done[w->decision] = TRUE;
  ex->waiting_on = (int) w->decision;
  fs_kernel_stop (k);
}

static void
on_any_notice (FsKernel *k, const FsNotice *notice, void *user_data)
{
  FsExercise *ex = user_data;

  (void) notice;
  if (ex->stop_on_notice)
    {
      ex->noticed = TRUE;
      fs_kernel_stop (k);
    }
}

FsExercise *
fs_exercise_new (FsScenario *sc, uint64_t seed, FsTime horizon, GError **error)
{
  g_autoptr (FsExercise) ex = g_new0 (FsExercise, 1);
  static const FsExerciseSpec empty = { NULL, NULL, NULL, NULL };
  guint i;

  ex->sc = sc;
  ex->spec = fs__exercise_spec (sc);
  if (ex->spec == NULL)
    ex->spec = &empty;
  ex->seed = seed;
  ex->horizon = horizon;
  ex->told = g_ptr_array_new_with_free_func (g_free);
  ex->taken = g_array_new (FALSE, TRUE, sizeof (Taken));
  g_array_set_clear_func (ex->taken, taken_clear);
  ex->calls = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_action_call_free);
  ex->trees = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_node_free);
  ex->pauses = g_array_new (FALSE, FALSE, sizeof (FsTime));
  ex->waiting_on = -1;
  ex->sim = fs_sim_new (sc, seed, 0, error);
  if (ex->sim == NULL)
    return NULL;
  ex->k = fs_sim_kernel (ex->sim);
  ex->op = add_operator (ex->sim, NULL);
  ex->narrator = fs_narrator_new (ex->sim);
  fs_kernel_observe (ex->k, "*", on_any_notice, ex);
  ex->decision_done = g_new0 (gboolean, ex->spec->decisions ? ex->spec->decisions->len : 0);
  /* Each 'on' decision subscribes its own pattern; once one has stopped the run the others
   * wait, so overlapping patterns do no harm. */
  ex->watches = g_new0 (Watch, ex->spec->decisions ? ex->spec->decisions->len : 0);
  for (i = 0; ex->spec->decisions != NULL && i < ex->spec->decisions->len; i++)
    if (decision (ex, i)->on != NULL)
      {
        ex->watches[i] = (Watch) { ex, i };
        fs_kernel_observe (ex->k, decision (ex, i)->on, on_decision_topic, &ex->watches[i]);
      }
  return g_steal_pointer (&ex);
}

void
fs_exercise_free (FsExercise *ex)
{
  if (ex == NULL)
    return;
  fs_narrator_free (ex->narrator);
  fs_sim_free (ex->sim);
  g_clear_pointer (&ex->told, g_ptr_array_unref);
  g_clear_pointer (&ex->taken, g_array_unref);
  g_clear_pointer (&ex->calls, g_ptr_array_unref);
  g_clear_pointer (&ex->trees, g_ptr_array_unref);
  g_clear_pointer (&ex->pauses, g_array_unref);
  g_free (ex->decision_done);
  g_free (ex->watches);
  g_free (ex);
}

static FsTime
now (const FsExercise *ex)
{
  return fs_kernel_now (ex->k);
}

static void
append_clock (GString *out, FsTime t)
{
  char clock[32];

  fs_time_format_clock (t, clock, sizeof clock);
  g_string_append (out, clock);
}

/* Moves what the narrator has told since the last call into @out and the log. */
static void
flush_story (FsExercise *ex, GString *out)
{
  g_autofree char *story = fs_narrator_take (ex->narrator);
  g_auto (GStrv) lines = g_strsplit (story, "\n", -1);
  guint i;

  g_string_append (out, story);
  for (i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_ptr_array_add (ex->told, g_strdup (lines[i]));
}

/* The earliest time-based pause after now: a decision point not yet reached or one of the
 * trainee's own; FS_TIME_MAX when none. */
static FsTime
next_pause (const FsExercise *ex, int *which)
{
  FsTime best = FS_TIME_MAX;
  guint i;

  *which = -1;
  for (i = 0; ex->spec->decisions != NULL && i < ex->spec->decisions->len; i++)
    {
      const FsExerciseDecision *d = decision (ex, i);

      if (d->at >= 0 && !ex->decision_done[i] && d->at < best)
        {
          best = d->at;
          *which = (int) i;
        }
    }
  for (i = 0; i < ex->pauses->len; i++)
    {
      FsTime t = g_array_index (ex->pauses, FsTime, i);

      if (t > now (ex) && t < best)
        {
          best = t;
          *which = -1;
        }
    }
  return best;
}

static void client_status (FsExercise *ex, GString *out, gboolean brief);

/* Runs to @until (at most the horizon), stopping early at a decision point unless @through.
 * Tells what happened and why it stopped. */
static void
advance (FsExercise *ex, FsTime until, gboolean through, GString *out)
{
  int which = -1;
  FsTime pause = through ? FS_TIME_MAX : next_pause (ex, &which);
  FsTime target;

  /* A decision point the clock has passed (the trainee ran through it with 'end' earlier, or
   * it was written before time 0's events) is not waited for. */
  while (!through && which >= 0 && pause < now (ex))
    {
      ex->decision_done[which] = TRUE;
      pause = next_pause (ex, &which);
    }
  target = MIN (MIN (until, ex->horizon), pause);

  if (target < now (ex))
    target = now (ex);
  ex->waiting_on = -1;
  if (through)
    {
      guint i;

      for (i = 0; ex->spec->decisions != NULL && i < ex->spec->decisions->len; i++)
        ex->decision_done[i] = TRUE;
    }
  fs_sim_run (ex->sim, target);
  /* A stop by a notice leaves the rest of that instant pending: finish it, so what is shown
   * is the settled state of one instant. */
  if (ex->waiting_on >= 0 || ex->noticed)
    {
      ex->stop_on_notice = FALSE;
      fs_sim_run (ex->sim, now (ex));
    }
  flush_story (ex, out);
  if (ex->waiting_on >= 0)
    {
      g_string_append (out, "\n== decision: ");
      g_string_append (out, decision (ex, (guint) ex->waiting_on)->prompt);
      g_string_append (out, "\n");
    }
  else if (!through && which >= 0 && now (ex) == pause && pause <= MIN (until, ex->horizon))
    {
      ex->decision_done[which] = TRUE;
      g_string_append (out, "\n== decision: ");
      g_string_append (out, decision (ex, (guint) which)->prompt);
      g_string_append (out, "\n");
    }
  if (now (ex) >= ex->horizon)
    {
      g_autofree char *debrief = NULL;

      fs_sim_finish (ex->sim);
      ex->ended = TRUE;
      debrief = fs_exercise_debrief (ex);
      g_string_append (out, "\n");
      g_string_append (out, debrief);
      return;
    }
  client_status (ex, out, TRUE);
}

char *
fs_exercise_start (FsExercise *ex)
{
  GString *out = g_string_new (NULL);
  guint i, n_at = 0, n_on = 0;

  g_return_val_if_fail (!ex->started, g_string_free (out, FALSE));
  ex->started = TRUE;
  g_string_append_printf (out, "Exercise: %s\n", ex->spec->title != NULL ? ex->spec->title
                                                                         : fs_scenario_name (ex->sc));
  if (ex->spec->briefing != NULL)
    {
      g_string_append (out, "\n");
      g_string_append (out, ex->spec->briefing);
      if (!g_str_has_suffix (ex->spec->briefing, "\n"))
        g_string_append (out, "\n");
    }
  for (i = 0; ex->spec->decisions != NULL && i < ex->spec->decisions->len; i++)
    {
      n_at += decision (ex, i)->at >= 0;
      n_on += decision (ex, i)->on != NULL;
    }
  g_string_append (out, "\nThe clock runs to ");
  append_clock (out, ex->horizon);
  if (n_at + n_on == 0)
    {
      /* Nothing to wait for: hand over at time 0 rather than run to the end unseen. */
      g_string_append (out, ". This scenario has no decision points: the clock stands at 0 until you "
                       "move it ('help' lists the commands).\n");
      return g_string_free (out, FALSE);
    }
  g_string_append_printf (out, ". It stops at %u decision point(s); 'help' lists the commands.\n\n",
                          n_at + n_on);
  advance (ex, ex->horizon, FALSE, out);
  return g_string_free (out, FALSE);
}

gboolean
fs_exercise_is_over (const FsExercise *ex)
{
  return ex->ended;
}

char *
fs_exercise_prompt (const FsExercise *ex)
{
  char clock[32];

  fs_time_format_clock (now (ex), clock, sizeof clock);
  return g_strdup_printf ("[%s] exercise> ", clock);
}

/* --- inspecting ------------------------------------------------------------------------------- */

static FsNet *
net_of (FsExercise *ex)
{
  FsModel *m = fs_sim_model (ex->sim, "net");

  return m != NULL ? fs_net_from_model (m) : NULL;
}

static FsDns *
dns_of (FsExercise *ex)
{
  FsModel *m = fs_sim_model (ex->sim, "dns");

  return m != NULL ? fs_dns_from_model (m) : NULL;
}

static FsDr *
dr_of (FsExercise *ex)
{
  FsModel *m = fs_sim_model (ex->sim, "dr");

  return m != NULL ? fs_dr_from_model (m) : NULL;
}

static FsL2 *
l2_of (FsExercise *ex)
{
  FsModel *m = fs_sim_model (ex->sim, "l2");

  return m != NULL ? fs_l2_from_model (m) : NULL;
}

/* Clients failing now, per service (and with @brief FALSE, per population and phase). A client
 * is failing while its episode is open: from a failed request to its next success. */
static void
client_status (FsExercise *ex, GString *out, gboolean brief)
{
  FsClientStats *cs = fs_metrics_clients (fs_sim_metrics (ex->sim));
  guint nc = fs_client_stats_n_clients (cs), ns = fs_client_stats_n_services (cs);
  guint np = fs_client_stats_n_populations (cs), c, s, p, ph;
  g_autofree guint *failing = g_new0 (guint, MAX (ns, 1));
  g_autofree guint *total = g_new0 (guint, MAX (ns, 1));
  g_autofree guint *pop_failing = g_new0 (guint, MAX (np, 1));
  g_autofree guint *pop_total = g_new0 (guint, MAX (np, 1));
  g_autofree guint *by_phase = g_new0 (guint, (gsize) MAX (np, 1) * FS_PHASE_N);

  if (ns == 0)
    {
      if (!brief)
        g_string_append (out, "this scenario has no clients\n");
      return;
    }
  for (c = 0; c < nc; c++)
    {
      const FsClientRecord *r = fs_client_stats_client (cs, c);
      guint sv = fs_client_stats_population_service (cs, r->population);

      total[sv]++;
      pop_total[r->population]++;
      if (r->charged_until >= 0)
        {
          failing[sv]++;
          pop_failing[r->population]++;
          by_phase[(gsize) r->population * FS_PHASE_N + r->phase]++;
        }
    }
  for (s = 0; s < ns; s++)
    {
      const char *name = fs_client_stats_service (cs, s)->name;

      g_string_append_printf (out, "%sservice %s: %u of %u clients failing now\n", brief ? "-- " : "",
                              name, failing[s], total[s]);
      if (brief)
        continue;
      for (p = 0; p < np; p++)
        {
          if (fs_client_stats_population_service (cs, p) != s)
            continue;
          g_string_append_printf (out, "  %-24s %6u of %6u failing", fs_client_stats_population_name (cs, p),
                                  pop_failing[p], pop_total[p]);
          for (ph = 0; ph < FS_PHASE_N; ph++)
            if (by_phase[(gsize) p * FS_PHASE_N + ph] > 0)
              g_string_append_printf (out, "; %u waiting on %s", by_phase[(gsize) p * FS_PHASE_N + ph],
                                      fs_phase_name ((FsPhase) ph));
          g_string_append (out, "\n");
        }
    }
}

static const char *
router_name (const FsScenario *sc, int i)
{
  return fs_net_spec_router_name (sc, i);
}

static const char *
subnet_name (const FsScenario *sc, int i)
{
  return fs_net_spec_subnet_name (sc, i);
}

static const char *
link_name (const FsScenario *sc, int i)
{
  return fs_net_spec_link_name (sc, i);
}

static const char *
site_name (const FsScenario *sc, int i)
{
  return fs_sites_spec_name (sc, (guint) i);
}

static const char *
vlan_name (const FsScenario *sc, int i)
{
  return fs_l2_spec_vlan_name (sc, (guint) i);
}

static void
list_names (GString *out, const char *what, guint n, const char *(*name_of) (const FsScenario *, int),
            const FsScenario *sc)
{
  guint i;

  g_string_append_printf (out, "the %s are:", what);
  for (i = 0; i < n; i++)
    g_string_append_printf (out, "%s %s", i ? "," : "", name_of (sc, (int) i));
  g_string_append (out, n ? "\n" : " none\n");
}

static void
show_routes (FsExercise *ex, const char *router, GString *out)
{
  FsNet *net = net_of (ex);
  guint nr = fs_net_spec_n_routers (ex->sc), nsub = fs_net_spec_n_subnets (ex->sc), s;
  int r = net != NULL && router != NULL ? fs_net_router_index (net, router) : -1;

  if (net == NULL || r < 0)
    {
      if (router != NULL)
        g_string_append_printf (out, "no router named '%s'; ", router);
      list_names (out, "routers", nr, router_name, ex->sc);
      return;
    }
  g_string_append_printf (out, "router %s (%s), forwarding table now:\n", router,
                          fs_net_router_is_up (net, (guint) r) ? "up" : "DOWN");
  for (s = 0; s < nsub; s++)
    {
      int hop = fs_net_next_hop (net, (guint) r, s);
      char prefix[64];

      fs_prefix_format (fs_net_spec_subnet_prefix (ex->sc, (int) s), prefix, sizeof prefix);
      g_string_append_printf (out, "  %-20s %-12s ", prefix, subnet_name (ex->sc, (int) s));
      if (hop == -2)
        g_string_append (out, "connected here\n");
      else if (hop == -1)
        g_string_append (out, "no route\n");
      else
        g_string_append_printf (out, "via %s%s\n", router_name (ex->sc, hop),
                                fs_net_router_is_up (net, (guint) hop) ? "" : " (that router is down)");
    }
}

static void
show_cache (FsExercise *ex, const char *resolver, GString *out)
{
  FsDns *dns = dns_of (ex);
  int r = dns != NULL && resolver != NULL ? fs_dns_resolver_index (dns, resolver) : -1;
  guint n, i, t;
  gboolean any = FALSE;

  if (dns == NULL)
    {
      g_string_append (out, "this scenario has no DNS\n");
      return;
    }
  if (r < 0)
    {
      if (resolver != NULL)
        g_string_append_printf (out, "no resolver named '%s'; ", resolver);
      g_string_append (out, "the resolvers are:");
      for (i = 0; i < fs_dns_n_resolvers (dns); i++)
        g_string_append_printf (out, "%s %s", i ? "," : "", fs_dns_resolver_name (dns, i));
      g_string_append (out, "\n");
      return;
    }
  g_string_append_printf (out, "resolver %s%s, cache now:\n", resolver,
                          fs_dns_resolver_violates (dns, (guint) r) ? " (keeps records past their TTL)" : "");
  n = fs_dns_n_names (dns);
  for (i = 0; i < n; i++)
    for (t = 0; t < 3; t++)
      {
        static const FsDnsType types[] = { FS_DNS_A, FS_DNS_AAAA, FS_DNS_CNAME };
        static const char *const type_names[] = { "A", "AAAA", "CNAME" };
        FsDnsCacheEntry e;
        char left[64], value[80];

        if (!fs_dns_cache_entry (dns, (guint) r, i, types[t], &e))
          continue;
        any = TRUE;
        if (e.value < 0)
          g_strlcpy (value, "(no such record)", sizeof value);
        else if (types[t] == FS_DNS_CNAME)
          g_strlcpy (value, fs_dns_name (dns, (guint) e.value), sizeof value);
        else
          fs_ip_format (fs_dns_address (dns, (guint) e.value), value, sizeof value);
        if (e.expires > now (ex))
          {
            fs_time_format ((e.expires - now (ex)) / 1000000000 * 1000000000, left, sizeof left);
            g_string_append_printf (out, "  %-28s %-5s %-18s %s left\n", fs_dns_name (dns, i),
                                    type_names[t], value, left);
          }
        else if (e.stale_until > now (ex))
          g_string_append_printf (out, "  %-28s %-5s %-18s expired; may be served stale\n",
                                  fs_dns_name (dns, i), type_names[t], value);
        else
          g_string_append_printf (out, "  %-28s %-5s %-18s expired\n", fs_dns_name (dns, i),
                                  type_names[t], value);
      }
  if (!any)
    g_string_append (out, "  (empty)\n");
}

static void
show_vlan (FsExercise *ex, const char *name, GString *out)
{
  guint nv = fs_l2_spec_n_vlans (ex->sc), i;
  FsNet *net = net_of (ex);
  FsL2 *l2 = l2_of (ex);
  int v = l2 != NULL && name != NULL ? fs_l2_vlan_index (l2, name) : -1;
  int subnet;

  if (v < 0 || l2 == NULL)
    {
      if (name != NULL)
        g_string_append_printf (out, "no VLAN named '%s'; ", name);
      list_names (out, "VLANs", nv, vlan_name, ex->sc);
      return;
    }
  subnet = fs_l2_spec_vlan_subnet (ex->sc, (guint) v);
  g_string_append_printf (out, "VLAN %s (id %" G_GINT64_FORMAT ", subnet %s)%s\n  sites:", name,
                          fs_l2_spec_vlan_id (ex->sc, (guint) v), subnet_name (ex->sc, subnet),
                          fs_l2_vlan_is_storming (l2, (guint) v) ? ": a BROADCAST STORM floods it now" : "");
  for (i = 0; i < fs_l2_spec_vlan_n_sites (ex->sc, (guint) v); i++)
    g_string_append_printf (out, " %s", site_name (ex->sc, fs_l2_spec_vlan_site (ex->sc, (guint) v, i)));
  g_string_append (out, "\n  interconnects:");
  for (i = 0; i < fs_l2_spec_vlan_n_interconnects (ex->sc, (guint) v); i++)
    g_string_append_printf (out, " %s", link_name (ex->sc, fs_l2_spec_vlan_interconnect (ex->sc, (guint) v, i)));
  g_string_append (out, "\n  members:\n");
  for (i = 0; i < fs_net_n_hosts (net); i++)
    {
      int arp;
      char ip[64];

      if (fs_net_host_subnet (net, i) != subnet)
        continue;
      fs_ip_format (fs_net_host_ip (net, i), ip, sizeof ip);
      arp = fs_l2_arp_site (l2, i);
      g_string_append_printf (out, "    %-20s %-16s at %-12s %s%s%s\n", fs_net_host_name (net, i), ip,
                              fs_net_host_site (net, i) >= 0 ? site_name (ex->sc, fs_net_host_site (net, i)) : "-",
                              fs_net_host_is_alive (net, i) ? "running" : "not running",
                              arp >= 0 && arp != fs_net_host_site (net, i) ? "; the gateway's ARP entry points at " : "",
                              arp >= 0 && arp != fs_net_host_site (net, i) ? site_name (ex->sc, arp) : "");
    }
}

static void
show_status (FsExercise *ex, GString *out)
{
  FsNet *net = net_of (ex);
  FsDr *dr = dr_of (ex);
  FsL2 *l2 = l2_of (ex);
  FsModel *sites_model = fs_sim_model (ex->sim, "sites");
  FsSites *sites = sites_model ? fs_sites_from_model (sites_model) : NULL;
  guint i, n;
  int which;
  FsTime pause = next_pause (ex, &which);

  g_string_append (out, "clock ");
  append_clock (out, now (ex));
  g_string_append (out, " of ");
  append_clock (out, ex->horizon);
  if (pause < FS_TIME_MAX)
    {
      g_string_append (out, "; next pause at ");
      append_clock (out, pause);
    }
  g_string_append (out, "\n");
  if (sites != NULL)
    {
      g_string_append (out, "sites:");
      for (i = 0; i < fs_sites_count (sites); i++)
        g_string_append_printf (out, " %s %s", site_name (ex->sc, (int) i),
                                fs_sites_is_up (sites, i) ? "up" : "DOWN");
      g_string_append (out, "\n");
    }
  if (net != NULL)
    {
      GString *down = g_string_new (NULL);

      n = fs_net_spec_n_routers (ex->sc);
      for (i = 0; i < n; i++)
        if (!fs_net_router_is_up (net, i))
          g_string_append_printf (down, " router %s;", router_name (ex->sc, (int) i));
      n = fs_net_spec_n_links (ex->sc);
      for (i = 0; i < n; i++)
        if (!fs_net_link_is_alive (net, i))
          g_string_append_printf (down, " link %s;", link_name (ex->sc, (int) i));
      for (i = 0; i < fs_net_n_hosts (net); i++)
        if (fs_net_host_is_booting (net, i))
          g_string_append_printf (down, " host %s (booting);", fs_net_host_name (net, i));
        else if (!fs_net_host_is_alive (net, i) && fs_net_host_is_running (net, i))
          g_string_append_printf (down, " host %s;", fs_net_host_name (net, i));
      g_string_append_printf (out, "down:%s\n", down->len ? down->str : " nothing");
      g_string_free (down, TRUE);
    }
  if (l2 != NULL)
    for (i = 0; i < fs_l2_spec_n_vlans (ex->sc); i++)
      if (fs_l2_vlan_is_storming (l2, i))
        g_string_append_printf (out, "VLAN %s: a broadcast storm floods it\n", vlan_name (ex->sc, (int) i));
  if (dr != NULL)
    for (i = 0; i < fs_dr_n_plans (dr); i++)
      g_string_append_printf (out, "recovery plan %s: %s\n", fs_dr_plan_name (dr, i),
                              fs_dr_plan_state_name (fs_dr_plan_state (dr, i)));
  client_status (ex, out, FALSE);
}

/* --- acting ---------------------------------------------------------------------------------- */

/* "key=value" words as a YAML mapping: a value in [...] or {...} stays YAML (lists of names);
 * anything else is one double-quoted scalar, so no typed text can add keys of its own. */
static char *
words_to_yaml (const char *action, char **words, GString *problem)
{
  GString *y = g_string_new (NULL);
  guint i;

  g_string_append_printf (y, "action: \"%s\"\n", action);
  for (i = 0; words[i] != NULL; i++)
    {
      const char *eq = strchr (words[i], '=');
      const char *v;
      const char *c;

      if (eq == NULL || eq == words[i])
        {
          g_string_append_printf (problem, "'%s' is not KEY=VALUE", words[i]);
          return g_string_free (y, TRUE), NULL;
        }
      for (c = words[i]; c < eq; c++)
        if (!(g_ascii_isalnum (*c) || *c == '_'))
          {
            g_string_append_printf (problem, "'%.*s' is not a key", (int) (eq - words[i]), words[i]);
            return g_string_free (y, TRUE), NULL;
          }
      v = eq + 1;
      g_string_append_len (y, words[i], eq - words[i]);
      g_string_append (y, ": ");
      if ((v[0] == '[' && g_str_has_suffix (v, "]")) || (v[0] == '{' && g_str_has_suffix (v, "}")))
        {
          if (strpbrk (v, "\n\r") != NULL)
            {
              g_string_append (problem, "a value cannot hold a line break");
              return g_string_free (y, TRUE), NULL;
            }
          g_string_append (y, v);
        }
      else
        {
          g_string_append_c (y, '"');
          for (c = v; *c; c++)
            {
              if (*c == '"' || *c == '\\')
                g_string_append_c (y, '\\');
              if ((guchar) *c < 0x20)
                continue;
              g_string_append_c (y, *c);
            }
          g_string_append_c (y, '"');
        }
      g_string_append_c (y, '\n');
    }
  return g_string_free (y, FALSE);
}

/* The message of a load error, without the "command:1:7: error: " its place would add. */
static const char *
bare_message (const GError *error)
{
  const char *m = strstr (error->message, "error: ");

  return m != NULL ? m + 7 : error->message;
}

static void
perform (FsExercise *ex, char **words, const char *typed, GString *out)
{
  /* The only key besides the action's own is 'action' itself. */
  static const FsField head[] = {
    { "action", FS_FIELD_STRING, 0, TRUE, NULL, 0, 0, 0, 0, NULL, "The action.", "dns.update" },
    FS_FIELD_END
  };
  g_autoptr (GString) problem = g_string_new (NULL);
  g_autofree char *yaml = NULL;
  g_autoptr (GError) error = NULL;
  FsNode *tree;
  FsActionCall *call;
  const FsAction *action;
  const char *why;
  Taken t = { now (ex), g_strdup (typed), FALSE };

  if (words[0] == NULL)
    {
      g_string_append (out, "do what? 'actions' lists them; e.g. do dns.update name=app.contoso.com value=172.16.1.10\n");
      taken_clear (&t);
      return;
    }
  if (strcmp (words[0], "manual") == 0)
    {
      g_string_append (out, "a manual step is for recovery plans; here, just do what it stands for\n");
      taken_clear (&t);
      return;
    }
  yaml = words_to_yaml (words[0], words + 1, problem);
  if (yaml == NULL)
    {
      g_string_append_printf (out, "cannot read that: %s\n", problem->str);
      taken_clear (&t);
      return;
    }
  tree = fs_node_load_data ("command", yaml, -1, &error);
  call = tree != NULL ? fs_action_call_load (ex->sc, tree, "action", head, sizeof (char *), &error) : NULL;
  if (call == NULL)
    {
      g_string_append_printf (out, "cannot do that: %s\n", bare_message (error));
      fs_node_free (tree);
      taken_clear (&t);
      return;
    }
  g_ptr_array_add (ex->trees, tree);
  g_ptr_array_add (ex->calls, call);
  action = fs_action_call_action (call);
  why = action->refuse != NULL ? action->refuse (ex->sim, fs_action_call_args (call)) : NULL;
  t.refused = why != NULL;
  g_array_append_val (ex->taken, t);
  {
    g_autofree char *said = g_strdup_printf ("do %s", typed);

    operator_perform (ex->op, call, said);
  }
  flush_story (ex, out);
}

static void
show_actions (const char *name, GString *out)
{
  guint n, i, f;
  const FsAction *const *all = fs_scenario_actions (&n);

  for (i = 0; i < n; i++)
    {
      if (strcmp (all[i]->name, "manual") == 0 || (name != NULL && strcmp (all[i]->name, name) != 0))
        continue;
      g_string_append_printf (out, "%s", all[i]->name);
      for (f = 0; all[i]->fields != NULL && all[i]->fields[f].key != NULL; f++)
        g_string_append_printf (out, " %s%s=...%s", all[i]->fields[f].required ? "" : "[",
                                all[i]->fields[f].key, all[i]->fields[f].required ? "" : "]");
      g_string_append (out, "\n");
      if (name != NULL)
        {
          g_string_append_printf (out, "  %s\n", all[i]->help);
          for (f = 0; all[i]->fields != NULL && all[i]->fields[f].key != NULL; f++)
            g_string_append_printf (out, "  %-10s %s (e.g. %s=%s)\n", all[i]->fields[f].key,
                                    all[i]->fields[f].help, all[i]->fields[f].key,
                                    all[i]->fields[f].example ? all[i]->fields[f].example : "...");
          return;
        }
    }
  if (name != NULL)
    g_string_append_printf (out, "no action named '%s'; 'actions' lists them\n", name);
}

/* --- commands --------------------------------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *args;
  const char *help;
} Command;

static const Command commands[] = {
  { "status", "", "the clock, what is down, recovery plans, and which clients fail now" },
  { "routes", "ROUTER", "a router's forwarding table: each subnet, its next hop or none" },
  { "cache", "RESOLVER", "a resolver's cache: each record it holds and how long it keeps it" },
  { "vlan", "VLAN", "a VLAN's sites, interconnects and members, and whether a storm floods it" },
  { "clients", "", "which clients fail now, per population, and what each is waiting on" },
  { "log", "[N]", "the last N lines of the story (default 20)" },
  { "actions", "[ACTION]", "the actions you can take, or one with its keys explained" },
  { "do", "ACTION KEY=VALUE...", "take an action now, e.g. do dns.update name=app.contoso.com value=172.16.1.10 ttl=30s" },
  { "step", "[DURATION]", "let DURATION pass (default 1m), stopping early at a decision point" },
  { "next", "", "run to the next thing that happens" },
  { "continue", "", "run to the next decision point (or the end)" },
  { "pause", "DURATION", "add a pause point at that time from the start, e.g. pause 25m" },
  { "end", "", "run to the end without stopping, and show the debrief" },
  { "debrief", "", "compare what you did so far with the reference plan" },
  { "help", "[COMMAND]", "this list, or one command" },
  { "quit", "", "leave the exercise without a debrief" },
};

static void
show_help (const char *name, GString *out)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    if (name == NULL || strcmp (name, commands[i].name) == 0)
      g_string_append_printf (out, "  %-8s %-22s %s\n", commands[i].name, commands[i].args, commands[i].help);
  if (name == NULL)
    g_string_append (out, "Commands may be shortened to any unique prefix (s is step, c is continue).\n");
}

/* The command @word names: exact, else a unique prefix (a few common ones win outright). */
static const Command *
find_command (const char *word)
{
  static const struct { const char *abbrev, *name; } shortcuts[] = {
    { "s", "step" }, { "c", "continue" }, { "n", "next" }, { "q", "quit" }, { "h", "help" }, { "?", "help" },
  };
  const Command *found = NULL;
  guint i, hits = 0;

  for (i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    if (strcmp (word, shortcuts[i].abbrev) == 0)
      word = shortcuts[i].name;
  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (word, commands[i].name) == 0)
        return &commands[i];
      if (g_str_has_prefix (commands[i].name, word))
        {
          found = &commands[i];
          hits++;
        }
    }
  return hits == 1 ? found : NULL;
}

FsExerciseState
fs_exercise_execute (FsExercise *ex, const char *line, GString *out)
{
  g_auto (GStrv) words = NULL;
  g_autoptr (GError) error = NULL;
  const Command *cmd;
  const char *name;
  int argc;

  if (ex->ended)
    return FS_EXERCISE_ENDED;
  /* g_shell_parse_argv() strips a comment and then fails on the empty line that is left. */
  if (line == NULL || line[strspn (line, " \t\r\n")] == '\0' || line[strspn (line, " \t\r\n")] == '#')
    return FS_EXERCISE_GOING;
  if (!g_shell_parse_argv (line, &argc, &words, &error))
    {
      g_string_append_printf (out, "cannot read that line: %s\n", error->message);
      return FS_EXERCISE_GOING;
    }
  if (words[0][0] == '#')
    return FS_EXERCISE_GOING;
  cmd = find_command (words[0]);
  if (cmd == NULL)
    {
      g_string_append_printf (out, "unknown command '%s'; 'help' lists them\n", words[0]);
      return FS_EXERCISE_GOING;
    }
  name = cmd->name;
  if (strcmp (name, "help") == 0)
    show_help (words[1], out);
  else if (strcmp (name, "status") == 0)
    show_status (ex, out);
  else if (strcmp (name, "routes") == 0)
    show_routes (ex, words[1], out);
  else if (strcmp (name, "cache") == 0)
    show_cache (ex, words[1], out);
  else if (strcmp (name, "vlan") == 0)
    show_vlan (ex, words[1], out);
  else if (strcmp (name, "clients") == 0)
    client_status (ex, out, FALSE);
  else if (strcmp (name, "log") == 0)
    {
      guint64 n = 20, i;

      if (words[1] != NULL && !g_ascii_string_to_unsigned (words[1], 10, 1, 100000, &n, NULL))
        g_string_append_printf (out, "log N: N is a count of lines, got '%s'\n", words[1]);
      else
        for (i = ex->told->len > n ? ex->told->len - n : 0; i < ex->told->len; i++)
          g_string_append_printf (out, "%s\n", (char *) g_ptr_array_index (ex->told, i));
    }
  else if (strcmp (name, "actions") == 0)
    show_actions (words[1], out);
  else if (strcmp (name, "do") == 0)
    {
      const char *rest = line + strspn (line, " \t");

      rest += strcspn (rest, " \t");
      rest += strspn (rest, " \t");
      perform (ex, words + 1, rest, out);
    }
  else if (strcmp (name, "step") == 0)
    {
      FsTime d = 60 * (FsTime) 1000000000;

      if (words[1] != NULL && (!fs_time_parse (words[1], &d, NULL) || d <= 0))
        g_string_append_printf (out, "step DURATION: a duration such as 30s, 5m or 1h, got '%s'\n", words[1]);
      else
        advance (ex, now (ex) > FS_TIME_MAX - d ? FS_TIME_MAX : now (ex) + d, FALSE, out);
    }
  else if (strcmp (name, "next") == 0)
    {
      ex->stop_on_notice = TRUE;
      ex->noticed = FALSE;
      advance (ex, ex->horizon, FALSE, out);
      ex->stop_on_notice = FALSE;
    }
  else if (strcmp (name, "continue") == 0)
    advance (ex, ex->horizon, FALSE, out);
  else if (strcmp (name, "pause") == 0)
    {
      FsTime t;

      if (words[1] == NULL || !fs_time_parse (words[1], &t, NULL))
        g_string_append (out, "pause DURATION: a time from the start, such as 25m\n");
      else if (t <= now (ex))
        g_string_append (out, "that time has passed\n");
      else
        {
          g_array_append_val (ex->pauses, t);
          g_string_append (out, "the clock will stop at ");
          append_clock (out, t);
          g_string_append (out, "\n");
        }
    }
  else if (strcmp (name, "end") == 0)
    advance (ex, ex->horizon, TRUE, out);
  else if (strcmp (name, "debrief") == 0)
    {
      g_autofree char *debrief = fs_exercise_debrief (ex);

      g_string_append (out, debrief);
    }
  else if (strcmp (name, "quit") == 0)
    return FS_EXERCISE_QUIT;
  return ex->ended ? FS_EXERCISE_ENDED : FS_EXERCISE_GOING;
}

/* --- completion ----------------------------------------------------------------------------- */

static void
add_if (GPtrArray *out, const char *candidate, const char *word)
{
  if (candidate != NULL && g_str_has_prefix (candidate, word))
    g_ptr_array_add (out, g_strdup (candidate));
}

char **
fs_exercise_complete (const FsExercise *ex, const char *line, const char *word)
{
  GPtrArray *out = g_ptr_array_new ();
  g_auto (GStrv) words = g_strsplit_set (line, " \t", -1);
  guint n = 0, i, k;
  const Command *cmd;
  FsExercise *mex = (FsExercise *) ex;   /* the model getters take non-const sims */

  for (i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      n++;
  if (n == 0)
    {
      for (i = 0; i < G_N_ELEMENTS (commands); i++)
        add_if (out, commands[i].name, word);
      g_ptr_array_add (out, NULL);
      return (char **) g_ptr_array_free (out, FALSE);
    }
  for (i = 0; words[i] != NULL && words[i][0] == '\0'; i++)
    ;
  cmd = words[i] != NULL ? find_command (words[i]) : NULL;
  if (cmd == NULL)
    ;
  else if (strcmp (cmd->name, "help") == 0)
    for (k = 0; k < G_N_ELEMENTS (commands); k++)
      add_if (out, commands[k].name, word);
  else if (strcmp (cmd->name, "routes") == 0)
    for (k = 0; k < fs_net_spec_n_routers (ex->sc); k++)
      add_if (out, fs_net_spec_router_name (ex->sc, (int) k), word);
  else if (strcmp (cmd->name, "vlan") == 0)
    for (k = 0; k < fs_l2_spec_n_vlans (ex->sc); k++)
      add_if (out, fs_l2_spec_vlan_name (ex->sc, k), word);
  else if (strcmp (cmd->name, "cache") == 0 && dns_of (mex) != NULL)
    for (k = 0; k < fs_dns_n_resolvers (dns_of (mex)); k++)
      add_if (out, fs_dns_resolver_name (dns_of (mex), k), word);
  else if (strcmp (cmd->name, "do") == 0 || strcmp (cmd->name, "actions") == 0)
    {
      guint na, f;
      const FsAction *const *all = fs_scenario_actions (&na);
      const char *action = NULL;

      for (k = i + 1; words[k] != NULL; k++)
        if (words[k][0] != '\0')
          {
            action = words[k];
            break;
          }
      if (n == 1 || action == NULL)
        for (k = 0; k < na; k++)
          {
            if (strcmp (all[k]->name, "manual") != 0)
              add_if (out, all[k]->name, word);
          }
      else if (strchr (word, '=') == NULL)
        {
          const FsAction *a = fs_scenario_find_action (action);

          for (f = 0; a != NULL && a->fields != NULL && a->fields[f].key != NULL; f++)
            {
              g_autofree char *key = g_strdup_printf ("%s=", a->fields[f].key);

              add_if (out, key, word);
            }
        }
      else
        {
          /* A value: any name the scenario declares, after the "key=" typed so far. */
          gsize klen = (gsize) (strchr (word, '=') - word) + 1;
          const char *vword = word + klen;
          GPtrArray *names = g_ptr_array_new ();

          for (k = 0; k < fs_sites_spec_count (ex->sc); k++)
            g_ptr_array_add (names, (gpointer) fs_sites_spec_name (ex->sc, k));
          for (k = 0; k < fs_net_spec_n_routers (ex->sc); k++)
            g_ptr_array_add (names, (gpointer) fs_net_spec_router_name (ex->sc, (int) k));
          for (k = 0; k < fs_net_spec_n_links (ex->sc); k++)
            g_ptr_array_add (names, (gpointer) fs_net_spec_link_name (ex->sc, (int) k));
          for (k = 0; k < fs_net_spec_n_subnets (ex->sc); k++)
            g_ptr_array_add (names, (gpointer) fs_net_spec_subnet_name (ex->sc, (int) k));
          for (k = 0; k < fs_net_spec_n_hosts (ex->sc); k++)
            g_ptr_array_add (names, (gpointer) fs_net_spec_host_name (ex->sc, (int) k));
          for (k = 0; k < fs_l2_spec_n_vlans (ex->sc); k++)
            g_ptr_array_add (names, (gpointer) fs_l2_spec_vlan_name (ex->sc, k));
          if (dr_of (mex) != NULL)
            for (k = 0; k < fs_dr_n_plans (dr_of (mex)); k++)
              g_ptr_array_add (names, (gpointer) fs_dr_plan_name (dr_of (mex), k));
          if (dns_of (mex) != NULL)
            for (k = 0; k < fs_dns_n_names (dns_of (mex)); k++)
              g_ptr_array_add (names, (gpointer) fs_dns_name (dns_of (mex), k));
          for (k = 0; k < names->len; k++)
            if (g_str_has_prefix (g_ptr_array_index (names, k), vword))
              g_ptr_array_add (out, g_strdup_printf ("%.*s%s", (int) klen, word,
                                                     (char *) g_ptr_array_index (names, k)));
          g_ptr_array_free (names, TRUE);
        }
    }
  else if (strcmp (cmd->name, "clients") == 0)
    {
      FsClientStats *cs = fs_metrics_clients (fs_sim_metrics (mex->sim));

      for (k = 0; k < fs_client_stats_n_services (cs); k++)
        add_if (out, fs_client_stats_service (cs, k)->name, word);
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* --- the debrief -------------------------------------------------------------------------------- */

typedef struct {
  const char *label;
  FsSim *sim;
} Column;

static FsSim *
run_variant (FsExercise *ex, const GPtrArray *steps)
{
  g_autoptr (GError) error = NULL;
  FsSim *sim = fs_sim_new (ex->sc, ex->seed, 0, &error);

  if (sim == NULL)
    return NULL;
  add_operator (sim, steps);
  fs_sim_run (sim, ex->horizon);
  fs_sim_finish (sim);
  return sim;
}

static const FsServiceStats *
service_of (FsSim *sim, guint s)
{
  return fs_client_stats_service (fs_metrics_clients (fs_sim_metrics (sim)), s);
}

static double
figure_sum (FsSim *sim, const char *group, const char *key)
{
  const GArray *figures = fs_metrics_figures (fs_sim_metrics (sim));
  double sum = 0;
  guint i;

  for (i = 0; i < figures->len; i++)
    {
      const FsFigure *f = &g_array_index (figures, FsFigure, i);

      if (strcmp (f->group, group) == 0 && strcmp (f->key, key) == 0)
        sum += f->is_double ? f->d : (double) f->i;
    }
  return sum;
}

static void
cell_time (GString *out, FsTime t)
{
  char buf[64];

  if (t < 0)
    g_strlcpy (buf, "-", sizeof buf);
  else
    fs_time_format (t / 100000000 * 100000000, buf, sizeof buf);
  g_string_append_printf (out, " %14s", buf);
}

static void
row_label (GString *out, const char *label)
{
  g_string_append_printf (out, "  %-30s", label);
}

/* The trainee's open figures are read as they stand: a run cut short is compared over the
 * time it covered, which the debrief says. */
char *
fs_exercise_debrief (FsExercise *ex)
{
  g_autoptr (FsSim) reference = run_variant (ex, ex->spec->reference);
  g_autoptr (FsSim) nothing = run_variant (ex, NULL);
  g_autoptr (FsSim) mine_copy = NULL;
  GString *out = g_string_new (NULL);
  FsSim *mine = ex->sim;
  Column cols[3];
  guint c, s, ph, i;
  FsClientStats *cs0;

  if (!ex->ended)
    {
      /* A debrief before the end replays the trainee's actions into a fresh sim to the
       * horizon: the session itself must stay open. */
      mine_copy = fs_sim_new (ex->sc, ex->seed, 0, NULL);
      if (mine_copy != NULL)
        {
          Operator *op = add_operator (mine_copy, NULL);

          /* ex->calls holds one call per entry of ex->taken, in the same order. */
          for (i = 0; i < ex->taken->len; i++)
            {
              const Taken *t = &g_array_index (ex->taken, Taken, i);

              fs_sim_run (mine_copy, t->at);
              operator_perform (op, g_ptr_array_index (ex->calls, i), t->text);
            }
          fs_sim_run (mine_copy, ex->horizon);
          fs_sim_finish (mine_copy);
          mine = mine_copy;
        }
      g_string_append (out, "(The session is still open: \"you\" is your actions so far, run to the end.)\n");
    }
  cols[0] = (Column) { "you", mine };
  cols[1] = (Column) { "reference", reference };
  cols[2] = (Column) { "no action", nothing };
  g_string_append_printf (out, "Debrief: %s\n\n", ex->spec->title ? ex->spec->title : fs_scenario_name (ex->sc));
  cs0 = fs_metrics_clients (fs_sim_metrics (mine));
  for (s = 0; s < fs_client_stats_n_services (cs0); s++)
    {
      g_string_append_printf (out, "service %s%*s", fs_client_stats_service (cs0, s)->name, 24 - (int) MIN (24, strlen (fs_client_stats_service (cs0, s)->name)), "");
      for (c = 0; c < 3; c++)
        g_string_append_printf (out, " %14s", cols[c].label);
      g_string_append (out, "\n");
      row_label (out, "mean client downtime");
      for (c = 0; c < 3; c++)
        cell_time (out, service_of (cols[c].sim, s)->mean);
      g_string_append (out, "\n");
      row_label (out, "p95 client downtime");
      for (c = 0; c < 3; c++)
        cell_time (out, service_of (cols[c].sim, s)->p95);
      g_string_append (out, "\n");
      row_label (out, "clients affected");
      for (c = 0; c < 3; c++)
        g_string_append_printf (out, " %14u", service_of (cols[c].sim, s)->affected);
      g_string_append (out, "\n");
      row_label (out, "clients still down at the end");
      for (c = 0; c < 3; c++)
        g_string_append_printf (out, " %14u", service_of (cols[c].sim, s)->down_at_end);
      g_string_append (out, "\n");
      row_label (out, "client-seconds lost");
      for (c = 0; c < 3; c++)
        g_string_append_printf (out, " %14.1f",
                                fs_time_to_seconds (service_of (cols[c].sim, s)->client_time_lost));
      g_string_append (out, "\n");
      for (ph = 0; ph < FS_PHASE_N; ph++)
        {
          g_autofree char *label = g_strdup_printf ("  of which %s", fs_phase_name ((FsPhase) ph));
          gboolean any = FALSE;

          for (c = 0; c < 3; c++)
            any |= service_of (cols[c].sim, s)->budget[ph] > 0;
          if (!any)
            continue;
          row_label (out, label);
          for (c = 0; c < 3; c++)
            g_string_append_printf (out, " %14.1f",
                                    fs_time_to_seconds (service_of (cols[c].sim, s)->budget[ph]));
          g_string_append (out, "\n");
        }
      g_string_append (out, "\n");
    }
  g_string_append_printf (out, "%-32s", "load and fault spread");
  for (c = 0; c < 3; c++)
    g_string_append_printf (out, " %14s", cols[c].label);
  g_string_append (out, "\n");
  row_label (out, "authoritative DNS queries");
  for (c = 0; c < 3; c++)
    g_string_append_printf (out, " %14.0f", figure_sum (cols[c].sim, "dns.servers", "queries"));
  g_string_append (out, "\n");
  {
    static const char *const storm_keys[] = { "hosts", "sites", "links", "host_seconds", "requests_failed" };
    static const char *const storm_labels[] = { "storm: hosts reached", "storm: sites reached",
                                                "storm: links saturated", "storm: host-seconds",
                                                "storm: requests failed" };

    for (i = 0; i < G_N_ELEMENTS (storm_keys); i++)
      {
        double v[3];
        gboolean any = FALSE;

        for (c = 0; c < 3; c++)
          any |= (v[c] = figure_sum (cols[c].sim, "l2.storms", storm_keys[i])) != 0;
        if (!any)
          continue;
        row_label (out, storm_labels[i]);
        for (c = 0; c < 3; c++)
          g_string_append_printf (out, " %14.0f", v[c]);
        g_string_append (out, "\n");
      }
  }
  g_string_append (out, "\nYour actions:\n");
  if (ex->taken->len == 0)
    g_string_append (out, "  none\n");
  for (i = 0; i < ex->taken->len; i++)
    {
      const Taken *t = &g_array_index (ex->taken, Taken, i);

      g_string_append (out, "  ");
      append_clock (out, t->at);
      g_string_append_printf (out, " do %s%s\n", t->text, t->refused ? " (refused)" : "");
    }
  g_string_append (out, "The reference plan:\n");
  if (ex->spec->reference == NULL || ex->spec->reference->len == 0)
    g_string_append (out, "  none\n");
  for (i = 0; ex->spec->reference != NULL && i < ex->spec->reference->len; i++)
    {
      const FsActionCall *call = g_ptr_array_index (ex->spec->reference, i);
      const FsExerciseStepHead *h = fs_action_call_head (call);

      g_string_append (out, "  ");
      append_clock (out, h->at);
      g_string_append_printf (out, " %s%s%s\n", h->action, h->note ? ": " : "", h->note ? h->note : "");
    }
  /* The verdict, in client-seconds over every service: the one number the phases add up to. */
  {
    double lost[3] = { 0, 0, 0 };

    for (c = 0; c < 3; c++)
      {
        FsClientStats *cs = fs_metrics_clients (fs_sim_metrics (cols[c].sim));

        for (s = 0; s < fs_client_stats_n_services (cs); s++)
          lost[c] += fs_time_to_seconds (fs_client_stats_service (cs, s)->client_time_lost);
      }
    if (fs_client_stats_n_services (cs0) > 0)
      {
        g_string_append (out, "\nVerdict: ");
        if (lost[0] == lost[1])
          g_string_append_printf (out, "you lost %.1f client-seconds, as many as the reference plan",
                                  lost[0]);
        else if (lost[0] < lost[1])
          g_string_append_printf (out, "you lost %.1f client-seconds, %.1f fewer than the reference plan",
                                  lost[0], lost[1] - lost[0]);
        else
          {
            double worst = 0;
            int worst_phase = -1;

            for (ph = 0; ph < FS_PHASE_N; ph++)
              {
                double d = 0;

                for (s = 0; s < fs_client_stats_n_services (cs0); s++)
                  d += fs_time_to_seconds (fs_client_stats_service (cs0, s)->budget[ph])
                       - fs_time_to_seconds (service_of (reference, s)->budget[ph]);
                if (d > worst)
                  {
                    worst = d;
                    worst_phase = (int) ph;
                  }
              }
            g_string_append_printf (out, "you lost %.1f client-seconds, %.1f more than the reference plan",
                                    lost[0], lost[0] - lost[1]);
            if (worst_phase >= 0)
              g_string_append_printf (out, "; most of the difference is in %s (+%.1f)",
                                      fs_phase_name ((FsPhase) worst_phase), worst);
          }
        if (lost[2] > lost[0])
          g_string_append_printf (out, "; doing nothing would have lost %.1f", lost[2]);
        g_string_append (out, ".\n");
      }
  }
  return g_string_free (out, FALSE);
}
