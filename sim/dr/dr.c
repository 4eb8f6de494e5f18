/* dr.c: recovery plans at run time: failover (planned, unplanned, test), failback, and the
 * actions a plan's steps and the timeline perform (dr.*, circuit.*, manual).
 *
 * See dr.h for what is modelled. Seeds 001/003 (recovery plans, network mapping, the failback
 * table), 000 (retain IP: the replica keeps the source address and the subnet must follow it)
 * and 004 (ExpressRoute circuits, the disconnect that fails while the primary region is down).
 * Simplified: the addresses reserved at protection time (load time) are kept for the whole run:
 * a replica moved to another network by dr.set_network, or an original connected to another
 * network at failback, keeps its address (the network model has one address per host); the
 * mapping decides where a replica connects at load time, and dr.map changes only what failback
 * does. A failback runs the plan's groups in order but not its steps, which were written for
 * the failover. A test failover's isolated network is torn down as soon as the test ends. */
#include "dr-private.h"

#include <gsl/gsl_rng.h>
#include <string.h>

#include "failsim/dr.h"
#include "failsim/metrics.h"
#include "failsim/net.h"
#include "failsim/sim.h"
#include "failsim/site.h"

/* --- recovery_plans: (load time) -------------------------------------------------------------- */

typedef struct {
  char *name;
  char *description;
  const FsNode *groups;
} PlanText;

typedef struct {
  char *name;
  const FsNode *vms;
  const FsNode *pre;
  const FsNode *post;
} GroupText;

/* The keys a step has besides its action's own. When the action has keys of the same name
 * (dns.update's duration and failure), the step's take the value and the action's keep their
 * defaults: the plan times and fails the step as a whole. */
typedef struct {
  char *action;
  char *note;
  FsDist *duration;
  double failure;
  int on_failure;
  int64_t retries;
} StepHead;

static const char *const on_failure_choices[] = { "stop", "continue", "retry", NULL };

static const FsField plan_fields[] = {
  { "name", FS_FIELD_NAME, offsetof (PlanText, name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The plan's name, unique; dr.failover and dr.failback name it.", "rp-app" },
  { "description", FS_FIELD_STRING, offsetof (PlanText, description), FALSE, NULL, 0, 0, 0, 0, NULL,
    "What the plan recovers.", "\"the web application, database first\"" },
  { "groups", FS_FIELD_NODE, offsetof (PlanText, groups), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The groups, run in order: each runs its pre steps one after another, starts its VMs "
    "together, waits for the slowest to boot, then runs its post steps.", "[{vms: [VM1, VM2]}]" },
  FS_FIELD_END
};

static const FsField group_fields[] = {
  { "name", FS_FIELD_STRING, offsetof (GroupText, name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The group's name, for messages; default \"group N\" (N from 1).", "web" },
  { "vms", FS_FIELD_NODE, offsetof (GroupText, vms), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The VMs the group starts in parallel (each VM in at most one group of a plan).", "[VM1, VM2]" },
  { "pre", FS_FIELD_NODE, offsetof (GroupText, pre), FALSE, NULL, 0, 0, 0, 0, NULL,
    "Steps before the group's VMs start: each a mapping with 'action' (a timeline action or "
    "manual), that action's keys, and note, duration, failure, on_failure, retries.",
    "[{action: manual, duration: 5m, note: \"an operator confirms\"}]" },
  { "post", FS_FIELD_NODE, offsetof (GroupText, post), FALSE, NULL, 0, 0, 0, 0, NULL,
    "Steps after the group's VMs have booted, as 'pre'.",
    "[{action: dns.update, name: app.contoso.com, value: 172.16.1.10, duration: 30s}]" },
  FS_FIELD_END
};

static const FsField step_fields[] = {
  { "action", FS_FIELD_STRING, offsetof (StepHead, action), TRUE, NULL, 0, 0, 0, 0, NULL,
    "What the step does: a timeline action (dns.update, route.add, subnet.move, link.repair, "
    "circuit.connect ...) or manual; not dr.failover or dr.failback.", "dns.update" },
  { "note", FS_FIELD_STRING, offsetof (StepHead, note), FALSE, NULL, 0, 0, 0, 0, NULL,
    "What the step stands for, shown in notices.", "\"the seed's DNS script\"" },
  { "duration", FS_FIELD_DIST, offsetof (StepHead, duration), FALSE, "0", 0, 0, 0, 0, NULL,
    "How long the step takes; it is performed at its end.", "uniform(10s, 30s)" },
  { "failure", FS_FIELD_PROB, offsetof (StepHead, failure), FALSE, "0", 0, 0, 0, 0, NULL,
    "The chance that the step fails at its end and performs nothing.", "5%" },
  { "on_failure", FS_FIELD_ENUM, offsetof (StepHead, on_failure), FALSE, "stop", 0, 0, 0, 0,
    on_failure_choices, "What a failed (or refused) step does to the plan: stop it, continue with "
    "the next step, or retry the step.", "retry" },
  { "retries", FS_FIELD_INT, offsetof (StepHead, retries), FALSE, "1", 0, 100, 0, 0, NULL,
    "With on_failure: retry, how many more attempts before the plan stops.", "2" },
  FS_FIELD_END
};

static void
step_clear (gpointer p)
{
  StepSpec *s = p;

  fs_action_call_free (s->call);
  g_free (s->note);
  fs_dist_free (s->duration);
  memset (s, 0, sizeof *s);
}

static void
group_clear (gpointer p)
{
  GroupSpec *g = p;

  g_free (g->name);
  g_clear_pointer (&g->vms, g_array_unref);
  g_clear_pointer (&g->pre, g_array_unref);
  g_clear_pointer (&g->post, g_array_unref);
}

void
fs__dr_plan_clear (gpointer p)
{
  PlanSpec *plan = p;

  g_free (plan->name);
  g_free (plan->description);
  g_clear_pointer (&plan->groups, g_array_unref);
}

static gboolean
runs_a_plan (const FsNode *step)
{
  const FsNode *action = step->kind == FS_NODE_MAP ? fs_node_get (step, "action") : NULL;

  return action != NULL && action->kind == FS_NODE_SCALAR
         && (strcmp (action->text, "dr.failover") == 0 || strcmp (action->text, "dr.failback") == 0);
}

/* Reads the list @list (pre or post) into @steps, reporting each bad step. */
static void
load_steps (FsScenario *sc, const FsNode *list, const char *key, GArray *steps)
{
  guint i;

  if (list == NULL)
    return;
  if (list->kind != FS_NODE_SEQ)
    {
      GError *error = NULL;

      fs_node_error (&error, list, FS_SCENARIO_ERROR_TYPE, "'%s' must be a list of steps "
                     "(- {action: ...}), got %s", key, fs_node_kind_name (list->kind));
      fs_scenario_add_error (sc, error);
      return;
    }
  for (i = 0; i < fs_node_len (list); i++)
    {
      const FsNode *node = fs_node_item (list, i);
      StepSpec s = { 0 };
      StepHead *head;
      GError *error = NULL;

      if (runs_a_plan (node))
        {
          fs_node_error (&error, fs_node_get (node, "action"), FS_SCENARIO_ERROR_RULE,
                         "a recovery plan's step cannot run a plan (%s): plans are started from "
                         "the timeline", fs_node_get (node, "action")->text);
          fs_scenario_add_error (sc, error);
          continue;
        }
      s.call = fs_action_call_load (sc, node, "recovery plan step", step_fields, sizeof (StepHead), &error);
      if (s.call == NULL)
        {
          fs_scenario_add_error (sc, error);
          continue;
        }
      head = fs_action_call_head (s.call);
      s.note = g_steal_pointer (&head->note);
      s.duration = g_steal_pointer (&head->duration);
      s.failure = head->failure;
      s.on_failure = head->on_failure;
      s.retries = head->retries;
      s.node = node;
      if (fs_node_get (node, "retries") != NULL && s.on_failure != ON_FAILURE_RETRY)
        fs_scenario_add_warning (sc, fs_node_get (node, "retries"), "'retries' applies only with "
                                 "on_failure: retry; this step %s when it fails",
                                 s.on_failure == ON_FAILURE_STOP ? "stops the plan" : "is skipped");
      g_array_append_val (steps, s);
    }
}

static GArray *
new_steps (void)
{
  GArray *a = g_array_new (FALSE, TRUE, sizeof (StepSpec));

  g_array_set_clear_func (a, step_clear);
  return a;
}

/* Reads group @index of @plan. @vm_group[vm] holds the group each VM of the plan is in so far
 * (-1: none), for the one-group rule. */
static gboolean
load_group (FsScenario *sc, DrSpec *spec, PlanSpec *plan, const FsNode *node, guint index,
            int *vm_group, GroupSpec *g, GError **error)
{
  GroupText t = { 0 };
  guint n = spec->vms->len, i;
  g_autofree const char **names = g_new0 (const char *, n + 1);

  g->node = node;
  g->vms = g_array_new (FALSE, FALSE, sizeof (int));
  g->pre = new_steps ();
  g->post = new_steps ();
  if (!fs_schema_read (node, "recovery plan group", group_fields, &t, error))
    {
      fs_schema_clear (group_fields, &t);
      return FALSE;
    }
  g->name = t.name != NULL ? g_steal_pointer (&t.name) : g_strdup_printf ("group %u", index + 1);
  for (i = 0; i < n; i++)
    names[i] = g_array_index (spec->vms, VmSpec, i).name;
  if (t.vms != NULL && t.vms->kind != FS_NODE_SEQ)
    return fs_node_error (error, t.vms, FS_SCENARIO_ERROR_TYPE, "'vms' must be a list of VM names "
                          "([VM1, VM2]), got %s", fs_node_kind_name (t.vms->kind));
  for (i = 0; t.vms != NULL && i < fs_node_len (t.vms); i++)
    {
      const FsNode *item = fs_node_item (t.vms, i);
      int vm;

      if (!fs_schema_scalar (item, "vms", error)
          || (vm = fs_schema_resolve (item, "VM", names, n, error)) < 0)
        return FALSE;
      if (vm_group[vm] >= 0)
        {
          const GroupSpec *other = (guint) vm_group[vm] < plan->groups->len
                                   ? &g_array_index (plan->groups, GroupSpec, vm_group[vm]) : g;

          return fs_node_error (error, item, FS_SCENARIO_ERROR_DUPLICATE, "VM '%s' is already in "
                                "group '%s' of plan '%s' (line %d); a plan starts each VM once, so "
                                "a VM belongs to at most one of its groups", names[vm], other->name,
                                plan->name, other->node->line);
        }
      vm_group[vm] = (int) index;
      g_array_append_val (g->vms, vm);
    }
  load_steps (sc, t.pre, "pre", g->pre);
  load_steps (sc, t.post, "post", g->post);
  return TRUE;
}

static gboolean
plans_load (FsScenario *sc, const FsNode *value, GError **error)
{
  DrSpec *spec = fs__dr_spec (sc);
  guint i, j;

  g_array_set_clear_func (spec->plans, fs__dr_plan_clear);
  if (value == NULL)
    return TRUE;
  if (value->kind != FS_NODE_SEQ)
    return fs_node_error (error, value, FS_SCENARIO_ERROR_TYPE, "'recovery_plans' must be a list "
                          "(- name: ...), got %s", fs_node_kind_name (value->kind));
  for (i = 0; i < fs_node_len (value); i++)
    {
      PlanText t = { 0 };
      PlanSpec p = { 0 };
      GError *local = NULL;
      g_autofree int *vm_group = NULL;

      p.node = fs_node_item (value, i);
      if (!fs_schema_read (p.node, "recovery plan", plan_fields, &t, &local))
        {
          fs_scenario_add_error (sc, local);
          fs_schema_clear (plan_fields, &t);
          continue;
        }
      p.name = g_steal_pointer (&t.name);
      p.description = g_steal_pointer (&t.description);
      p.groups = g_array_new (FALSE, TRUE, sizeof (GroupSpec));
      g_array_set_clear_func (p.groups, group_clear);
      for (j = 0; j < spec->plans->len; j++)
        if (strcmp (g_array_index (spec->plans, PlanSpec, j).name, p.name) == 0)
          {
            fs_node_error (&local, fs_node_get (p.node, "name"), FS_SCENARIO_ERROR_DUPLICATE,
                           "recovery plan '%s' is declared twice (first at line %d)", p.name,
                           g_array_index (spec->plans, PlanSpec, j).node->line);
            fs_scenario_add_error (sc, local);
            fs__dr_plan_clear (&p);
            break;
          }
      if (j < spec->plans->len)
        continue;
      if (t.groups->kind != FS_NODE_SEQ || fs_node_len (t.groups) == 0)
        {
          fs_node_error (&local, t.groups, FS_SCENARIO_ERROR_TYPE, "'groups' must be a non-empty "
                         "list of groups (- vms: [...]): a plan recovers its VMs group by group");
          fs_scenario_add_error (sc, local);
        }
      else
        {
          vm_group = g_new (int, MAX (spec->vms->len, 1));
          for (j = 0; j < spec->vms->len; j++)
            vm_group[j] = -1;
          for (j = 0; j < fs_node_len (t.groups); j++)
            {
              GroupSpec g = { 0 };

              if (!load_group (sc, spec, &p, fs_node_item (t.groups, j), j, vm_group, &g, &local))
                {
                  fs_scenario_add_error (sc, local);
                  local = NULL;
                  group_clear (&g);
                  /* Keep the group's place so later groups keep their numbers. */
                  g = (GroupSpec) { 0 };
                  g.name = g_strdup_printf ("group %u", j + 1);
                  g.node = fs_node_item (t.groups, j);
                  g.vms = g_array_new (FALSE, FALSE, sizeof (int));
                  g.pre = new_steps ();
                  g.post = new_steps ();
                }
              g_array_append_val (p.groups, g);
            }
        }
      /* Kept even when a group had problems, so a timeline entry that names the plan is not
       * reported as well. */
      g_array_append_val (spec->plans, p);
    }
  return TRUE;
}

/* --- the model -------------------------------------------------------------------------------- */

enum {
  EV_STEP,      /* a: plan; b: epoch */
  EV_BOOTED,    /* a: plan << 32 | vm; b: epoch */
};

enum { PHASE_PRE, PHASE_VMS, PHASE_POST };

/* What a plan does now; MODE_* extends FsDrFailoverKind. */
enum { MODE_FAILBACK = FS_DR_FAILOVER_TEST + 1 };

typedef struct {
  FsDrPlanState state;
  int mode;                  /* FsDrFailoverKind, or MODE_FAILBACK */
  guint group;               /* the group being run */
  int phase;                 /* PHASE_* */
  guint step;                /* in the phase's steps */
  int64_t attempt;           /* retries spent on the current step */
  guint booting;             /* the group's VMs still booting */
  FsTime started;            /* when the run began */
  uint64_t epoch;            /* bumped at each run, so a late event of an earlier run is dropped */
  gboolean ran, tested;
  uint64_t failovers, tests, failbacks, steps_failed, vms_started, vms_disconnected;
  uint64_t production_changes;
  FsTime last_failover;      /* the last real failover's duration, ns, or -1 */
  FsTime last_test;          /* the last test failover's, ns, or -1 */
} PlanRun;

typedef struct {
  FsDrVmState state;
  gboolean in_test;
} VmRun;

typedef struct {
  int source, target;
} Pair;

struct FsDr {
  FsModel base;
  FsKernel *k;
  FsSim *sim;
  FsNet *net;
  FsSites *sites;
  FsMetrics *metrics;
  const DrSpec *spec;
  guint np, nv, nn;
  PlanRun *plans;            /* [plan] */
  VmRun *vms;                /* [vm] */
  guint *nic_base;           /* [vm + 1]: the NICs of vm are nic_base[vm] .. nic_base[vm+1]-1 */
  int *original_net;         /* [nic] VM network, or -1 */
  int *replica_net;          /* [nic] */
  gsl_rng **boot_rng;        /* [vm] */
  GArray *mappings;          /* Pair: the run-time mapping table, first match wins */
  char *refusal;             /* the last refusal's sentence */

  uint32_t t_failover_start, t_failback_start, t_step_done, t_step_failed, t_isolated;
  uint32_t t_plan_failed, t_group_done, t_vm_started, t_vm_disconnected, t_network_set;
  uint32_t t_mapping_set, t_failover_done, t_failback_done, t_vm_silent;
  uint32_t t_failover_ns, t_test_ns, t_failback_ns;
};

static const PlanSpec *
plan_spec (const FsDr *d, guint p)
{
  return &g_array_index (d->spec->plans, PlanSpec, p);
}

static const GroupSpec *
group_spec (const FsDr *d, guint p, guint g)
{
  return &g_array_index (plan_spec (d, p)->groups, GroupSpec, g);
}

static const VmSpec *
vm_spec (const FsDr *d, guint vm)
{
  return &g_array_index (d->spec->vms, VmSpec, vm);
}

static const NicSpec *
nic_spec (const FsDr *d, guint vm, guint nic)
{
  return &g_array_index (vm_spec (d, vm)->nics, NicSpec, nic);
}

static const char *
network_name (const FsDr *d, int network)
{
  return network < 0 ? "none" : g_array_index (d->spec->vm_networks, VmNetworkSpec, network).name;
}

static void
notify (FsDr *d, uint32_t topic, uint32_t subject, const char *name, int64_t value, const char *detail)
{
  FsNotice n = { .topic = topic, .subject = subject, .source = &d->base, .subject_name = name,
                 .value = value, .detail = detail };

  fs_kernel_notify (d->k, &n);
}

static void
notify_plan (FsDr *d, uint32_t topic, guint p, int64_t value, const char *detail)
{
  notify (d, topic, p, plan_spec (d, p)->name, value, detail);
}

static FsDr *
dr_of (FsSim *sim)
{
  FsModel *model = fs_sim_model (sim, "dr");

  return model != NULL ? fs_dr_from_model (model) : NULL;
}

static const char *
refuse_with (FsDr *d, char *sentence)
{
  g_free (d->refusal);
  d->refusal = sentence;
  return sentence;
}

/* The network mapped now to @network, either way: the first pair that holds it. */
static int
mapped_now (const FsDr *d, int network)
{
  guint i;

  for (i = 0; network >= 0 && i < d->mappings->len; i++)
    {
      const Pair *m = &g_array_index (d->mappings, Pair, i);

      if (m->source == network)
        return m->target;
      if (m->target == network)
        return m->source;
    }
  return -1;
}

/* Each step draws from its own stream, named by its place in its plan (plan, group, pre or
 * post, index), so changing one step, or anything outside the plan, leaves the other steps'
 * draws alone. */
static gsl_rng *
step_stream (FsDr *d, guint p)
{
  const PlanRun *r = &d->plans[p];
  g_autofree char *name = g_strdup_printf ("dr.step.%s.%u.%s.%u", plan_spec (d, p)->name, r->group,
                                           r->phase == PHASE_PRE ? "pre" : "post", r->step);

  return fs_kernel_stream (d->k, name);
}

static const StepSpec *
current_step (const FsDr *d, guint p)
{
  const PlanRun *r = &d->plans[p];
  const GroupSpec *g = group_spec (d, p, r->group);

  return &g_array_index (r->phase == PHASE_PRE ? g->pre : g->post, StepSpec, r->step);
}

static const char *
step_action_name (const StepSpec *s)
{
  return fs_action_call_action (s->call)->name;
}

static char *
describe_step (const FsDr *d, guint p, const StepSpec *s)
{
  const PlanRun *r = &d->plans[p];

  return g_strdup_printf ("%s, %s, %s step %u (%s%s%s)", plan_spec (d, p)->name,
                          group_spec (d, p, r->group)->name, r->phase == PHASE_PRE ? "pre" : "post",
                          r->step + 1, step_action_name (s), s->note ? ": " : "", s->note ? s->note : "");
}

static void advance (FsDr *d, guint p);

static void
start_step (FsDr *d, guint p)
{
  PlanRun *r = &d->plans[p];
  FsTime delay = fs_dist_sample (current_step (d, p)->duration, step_stream (d, p));

  fs_kernel_schedule (d->k, &d->base, MAX (delay, 0), EV_STEP, p, r->epoch);
}

/* The end of a run, with every group done. */
static void
finish_run (FsDr *d, guint p)
{
  PlanRun *r = &d->plans[p];
  FsTime took = fs_kernel_now (d->k) - r->started;
  guint g, i;

  switch (r->mode)
    {
    case MODE_FAILBACK:
      r->state = FS_DR_PLAN_FAILED_BACK;
      r->failbacks++;
      notify_plan (d, d->t_failback_done, p, 0, "every VM of the plan has failed back");
      notify_plan (d, d->t_failback_ns, p, took, NULL);
      return;
    case FS_DR_FAILOVER_TEST:
      r->state = FS_DR_PLAN_TESTED;
      r->tests++;
      r->last_test = took;
      for (g = 0; g < plan_spec (d, p)->groups->len; g++)
        for (i = 0; i < group_spec (d, p, g)->vms->len; i++)
          d->vms[g_array_index (group_spec (d, p, g)->vms, int, i)].in_test = FALSE;
      notify_plan (d, d->t_failover_done, p, r->mode, "the test failover completed in its isolated "
                   "network; production was not touched");
      notify_plan (d, d->t_test_ns, p, took, NULL);
      return;
    default:
      r->state = FS_DR_PLAN_FAILED_OVER;
      r->failovers++;
      r->last_failover = took;
      notify_plan (d, d->t_failover_done, p, r->mode, r->mode == FS_DR_FAILOVER_PLANNED
                   ? "the planned failover completed" : "the unplanned failover completed");
      notify_plan (d, d->t_failover_ns, p, took, NULL);
    }
}

static void
stop_run (FsDr *d, guint p, const char *why)
{
  PlanRun *r = &d->plans[p];
  guint g, i;

  r->state = FS_DR_PLAN_STOPPED;
  if (r->mode == FS_DR_FAILOVER_TEST)
    for (g = 0; g < plan_spec (d, p)->groups->len; g++)
      for (i = 0; i < group_spec (d, p, g)->vms->len; i++)
        d->vms[g_array_index (group_spec (d, p, g)->vms, int, i)].in_test = FALSE;
  notify_plan (d, d->t_plan_failed, p, r->group, why);
}

/* The replica of @vm starts: every NIC's host at the recovery site, after @boot. */
static gboolean
start_replica (FsDr *d, guint p, guint vm, FsTime boot)
{
  const VmSpec *v = vm_spec (d, vm);
  gboolean disconnected = FALSE;
  guint k;

  for (k = 0; k < v->nics->len; k++)
    {
      const NicSpec *n = nic_spec (d, vm, k);
      int net = d->replica_net[d->nic_base[vm] + k];

      if (net < 0 && n->target_network < 0 && v->cloud >= 0
          && g_array_index (d->spec->clouds, CloudSpec, v->cloud).protected_to >= 0)
        {
          g_autofree char *detail = g_strdup_printf ("%s NIC %u joins the network of its recovery plan "
                                                     "in Azure: its network is not mapped (seed 003)",
                                                     v->name, k);
          notify (d, d->t_network_set, vm, v->name, -1, detail);
          continue;
        }
      if (net < 0 || n->replica_host < 0)
        {
          const char *why = n->replica_host < 0 ? "its network is not mapped to one the recovery site offers"
                                                : "its replica's network was set to none";
          g_autofree char *detail = g_strdup_printf ("%s NIC %u starts with no network: %s", v->name, k, why);
          notify (d, d->t_vm_disconnected, vm, v->name, k, detail);
          disconnected = TRUE;
          continue;
        }
      if (d->plans[p].mode == FS_DR_FAILOVER_TEST)
        continue;
      if (n->replica_host == n->host)
        {
          /* The replica keeps the source address: the same host, moved. Stopped first, since a
           * host lost with its site still counts as running and would not start again. */
          fs_net_stop_host (d->net, (guint) n->host);
          fs_net_move_host (d->net, (guint) n->host, (guint) v->target_site);
          fs_net_start_host (d->net, (guint) n->host, boot);
        }
      else
        fs_net_start_host (d->net, (guint) n->replica_host, boot);
    }
  return disconnected;
}

/* Failback of @vm, NIC by NIC (seeds 001/003, "Failback behavior"): the replica stops; the
 * original connects to the network mapped now to the replica's current network, or stays
 * disconnected when there is none. */
static void
start_original (FsDr *d, guint vm, FsTime boot)
{
  const VmSpec *v = vm_spec (d, vm);
  guint k;

  for (k = 0; k < v->nics->len; k++)
    {
      const NicSpec *n = nic_spec (d, vm, k);
      int *orig = &d->original_net[d->nic_base[vm] + k];
      int net = d->replica_net[d->nic_base[vm] + k], to = net >= 0 ? mapped_now (d, net) : -1;

      if (n->replica_host >= 0)
        fs_net_stop_host (d->net, (guint) n->replica_host);
      if (n->replica_host == n->host)
        fs_net_move_host (d->net, (guint) n->host, (guint) v->site);
      else
        /* A source lost in an unplanned failover runs again once its site is back: it is
         * restarted cleanly here, or kept off. */
        fs_net_stop_host (d->net, (guint) n->host);
      if (to < 0)
        {
          const char *why = net < 0 ? "its replica was disconnected" : "its replica's network is not mapped";
          g_autofree char *detail = g_strdup_printf ("%s NIC %u is disconnected after failback: %s",
                                                     v->name, k, why);
          *orig = -1;
          notify (d, d->t_vm_disconnected, vm, v->name, k, detail);
          continue;
        }
      if (to != *orig)
        {
          /* The address stays the one the original had: the network model has one address per
           * host, and re-allocation at failback is not modelled. */
          g_autofree char *detail = g_strdup_printf ("the original of %s NIC %u connects to %s, the "
                                                     "network now mapped to %s (its address is not "
                                                     "re-allocated)", v->name, k, network_name (d, to),
                                                     network_name (d, net));
          *orig = to;
          notify (d, d->t_network_set, vm, v->name, to, detail);
        }
      fs_net_start_host (d->net, (guint) n->host, boot);
    }
}

/* Starts the current group's VMs in parallel; returns how many are booting. */
static guint
start_vms (FsDr *d, guint p)
{
  PlanRun *r = &d->plans[p];
  const GroupSpec *g = group_spec (d, p, r->group);
  guint i;

  r->booting = 0;
  for (i = 0; i < g->vms->len; i++)
    {
      guint vm = (guint) g_array_index (g->vms, int, i);
      VmRun *v = &d->vms[vm];
      FsTime boot;

      if (r->mode == MODE_FAILBACK ? v->state != FS_DR_VM_REPLICA
          : r->mode == FS_DR_FAILOVER_TEST ? v->state != FS_DR_VM_SOURCE || v->in_test
          : v->state != FS_DR_VM_SOURCE)
        continue;   /* not this run's to start: another plan has it, or it is already there */
      boot = MAX (fs_dist_sample (vm_spec (d, vm)->boot, d->boot_rng[vm]), 0);
      if (r->mode == MODE_FAILBACK)
        {
          start_original (d, vm, boot);
          v->state = FS_DR_VM_STARTING;
        }
      else
        {
          if (start_replica (d, p, vm, boot))
            r->vms_disconnected++;
          if (r->mode == FS_DR_FAILOVER_TEST)
            v->in_test = TRUE;
          else
            v->state = FS_DR_VM_STARTING;
        }
      /* Scheduled after the net model's boot of the same VM, so the host answers by then. */
      fs_kernel_schedule (d->k, &d->base, boot, EV_BOOTED, (uint64_t) p << 32 | vm, r->epoch);
      r->booting++;
    }
  return r->booting;
}

/* Runs the plan from where it stands to its next wait: a step's duration, the group's boots,
 * or the end. */
static void
advance (FsDr *d, guint p)
{
  PlanRun *r = &d->plans[p];
  const PlanSpec *ps = plan_spec (d, p);

  while (r->group < ps->groups->len)
    {
      const GroupSpec *g = group_spec (d, p, r->group);
      const GArray *steps = r->phase == PHASE_PRE ? g->pre : g->post;

      if (r->mode != MODE_FAILBACK && r->step < steps->len)
        {
          start_step (d, p);
          return;
        }
      if (r->phase == PHASE_PRE)
        {
          r->phase = PHASE_VMS;
          if (start_vms (d, p) > 0)
            return;
          r->phase = PHASE_POST;
          r->step = 0;
          continue;
        }
      notify_plan (d, d->t_group_done, p, r->group, g->name);
      r->group++;
      r->phase = PHASE_PRE;
      r->step = 0;
      r->attempt = 0;
    }
  finish_run (d, p);
}

/* The current step's duration has passed: it fails, or is performed. */
static void
end_step (FsDr *d, guint p)
{
  PlanRun *r = &d->plans[p];
  const StepSpec *s = current_step (d, p);
  const FsAction *action = fs_action_call_action (s->call);
  g_autofree char *what = describe_step (d, p, s);
  g_autofree char *why = NULL;

  if (gsl_rng_uniform (step_stream (d, p)) < s->failure)
    why = g_strdup_printf ("%s failed (its chance of failure is %g%%)", what, s->failure * 100.0);
  else if (r->mode == FS_DR_FAILOVER_TEST)
    {
      g_autofree char *detail = g_strdup_printf ("%s is not performed: a test failover keeps to its "
                                                 "isolated network", what);
      notify_plan (d, d->t_isolated, p, r->attempt, detail);
    }
  else
    {
      const char *refused = action->refuse != NULL
                            ? action->refuse (d->sim, fs_action_call_args (s->call)) : NULL;

      if (refused != NULL)
        why = g_strdup_printf ("%s was refused: %s", what, refused);
      else
        {
          fs_action_call_fire (s->call, d->sim);
          notify_plan (d, d->t_step_done, p, r->attempt, what);
        }
    }
  if (why == NULL)
    {
      r->step++;
      r->attempt = 0;
      advance (d, p);
      return;
    }
  r->steps_failed++;
  notify_plan (d, d->t_step_failed, p, r->attempt, why);
  switch (s->on_failure)
    {
    case ON_FAILURE_CONTINUE:
      r->step++;
      r->attempt = 0;
      advance (d, p);
      break;
    case ON_FAILURE_RETRY:
      if (r->attempt < s->retries)
        {
          r->attempt++;
          start_step (d, p);
          break;
        }
      {
        g_autofree char *stop = g_strdup_printf ("plan %s stops: %s failed %" G_GINT64_FORMAT " times",
                                                 plan_spec (d, p)->name, what, r->attempt + 1);
        stop_run (d, p, stop);
      }
      break;
    default:
      {
        g_autofree char *stop = g_strdup_printf ("plan %s stops: %s", plan_spec (d, p)->name, why);
        stop_run (d, p, stop);
      }
    }
}

static gboolean on_plan_network (const FsDr *d, guint vm, guint nic);

/* Whether a NIC of @vm's original (@original) or replica answers now. */
static gboolean
answers (const FsDr *d, guint vm, gboolean original)
{
  const VmSpec *v = vm_spec (d, vm);
  guint k;

  for (k = 0; k < v->nics->len; k++)
    {
      const NicSpec *n = nic_spec (d, vm, k);
      int h = original ? n->host : n->replica_host;

      if (h >= 0 && fs_net_host_is_alive (d->net, (guint) h))
        return TRUE;
      if (!original && on_plan_network (d, vm, k) && fs_sites_is_up (d->sites, (guint) v->target_site))
        return TRUE;   /* on its recovery plan's network in Azure (seed 003), not a net host */
    }
  return FALSE;
}

static void
vm_booted (FsDr *d, guint p, guint vm)
{
  PlanRun *r = &d->plans[p];
  VmRun *v = &d->vms[vm];
  const char *name = vm_spec (d, vm)->name;
  g_autofree char *detail = NULL;

  if (r->mode == FS_DR_FAILOVER_TEST)
    {
      r->vms_started++;
      detail = g_strdup_printf ("the test replica of %s answers in the isolated network", name);
      notify (d, d->t_vm_started, vm, name, fs_kernel_now (d->k) - r->started, detail);
    }
  else
    {
      gboolean back = r->mode == MODE_FAILBACK;

      v->state = back ? FS_DR_VM_SOURCE : FS_DR_VM_REPLICA;
      if (!answers (d, vm, back))
        {
          /* Every NIC disconnected, or its site down: it booted, but nothing answers. */
          detail = g_strdup_printf ("%s %s, but nothing answers: its NICs are disconnected or its "
                                    "site is down", name, back ? "failed back" : "failed over");
          notify (d, d->t_vm_silent, vm, name, fs_kernel_now (d->k) - r->started, detail);
        }
      else
        {
          if (!back)
            r->vms_started++;
          detail = back ? g_strdup_printf ("%s runs again at its source site (failback)", name)
                        : g_strdup_printf ("the replica of %s answers at the recovery site", name);
          notify (d, d->t_vm_started, vm, name, fs_kernel_now (d->k) - r->started, detail);
        }
    }
  if (--r->booting > 0)
    return;
  r->phase = PHASE_POST;
  r->step = 0;
  r->attempt = 0;
  advance (d, p);
}

static void
dr_handle (FsModel *model, FsKernel *k, const FsEvent *ev)
{
  FsDr *d = (FsDr *) model;

  (void) k;
  switch (ev->kind)
    {
    case EV_STEP:
      if (ev->b == d->plans[ev->a].epoch)
        end_step (d, (guint) ev->a);
      break;
    case EV_BOOTED:
      if (ev->b == d->plans[ev->a >> 32].epoch)
        vm_booted (d, (guint) (ev->a >> 32), (guint) (ev->a & 0xffffffffu));
      break;
    default:
      g_assert_not_reached ();
    }
}

/* A change to production: counted against every test failover running now. */
static void
production_observer (FsKernel *k, const FsNotice *notice, void *user_data)
{
  FsDr *d = user_data;
  guint p;

  (void) k;
  (void) notice;
  for (p = 0; p < d->np; p++)
    if (d->plans[p].state == FS_DR_PLAN_TESTING)
      d->plans[p].production_changes++;
}

static void
dr_finish (FsModel *model, FsKernel *k)
{
  FsDr *d = (FsDr *) model;
  guint p;

  (void) k;
  for (p = 0; p < d->np; p++)
    {
      const PlanRun *r = &d->plans[p];
      const char *name = plan_spec (d, p)->name;

      if (!r->ran)
        continue;
      fs_metrics_set_figure_int (d->metrics, "dr.plans", name, "failovers", (int64_t) r->failovers);
      fs_metrics_set_figure_int (d->metrics, "dr.plans", name, "test_failovers", (int64_t) r->tests);
      fs_metrics_set_figure_int (d->metrics, "dr.plans", name, "failbacks", (int64_t) r->failbacks);
      fs_metrics_set_figure_int (d->metrics, "dr.plans", name, "steps_failed", (int64_t) r->steps_failed);
      fs_metrics_set_figure_int (d->metrics, "dr.plans", name, "vms_started", (int64_t) r->vms_started);
      fs_metrics_set_figure_int (d->metrics, "dr.plans", name, "vms_disconnected",
                                 (int64_t) r->vms_disconnected);
      if (r->last_failover >= 0)
        fs_metrics_set_figure_double (d->metrics, "dr.plans", name, "failover_s",
                                      (double) r->last_failover / (double) FS_SEC);
      if (r->last_test >= 0)
        fs_metrics_set_figure_double (d->metrics, "dr.plans", name, "test_failover_s",
                                      (double) r->last_test / (double) FS_SEC);
      if (r->tested)
        fs_metrics_set_figure_int (d->metrics, "dr.plans", name, "production_changes",
                                   (int64_t) r->production_changes);
    }
}

static void
dr_free (FsModel *model)
{
  FsDr *d = (FsDr *) model;

  g_free (d->plans);
  g_free (d->vms);
  g_free (d->nic_base);
  g_free (d->original_net);
  g_free (d->replica_net);
  g_free (d->boot_rng);
  g_array_unref (d->mappings);
  g_free (d->refusal);
  g_free (d);
}

static const FsModelOps dr_ops = {
  .name = "dr",
  .handle = dr_handle,
  .finish = dr_finish,
  .free = dr_free,
};

FsDr *
fs_dr_from_model (FsModel *model)
{
  g_return_val_if_fail (model != NULL && model->ops == &dr_ops, NULL);
  return (FsDr *) model;
}

gboolean
fs__dr_build (FsSim *sim, GError **error)
{
  const FsScenario *sc = fs_sim_scenario (sim);
  const DrSpec *spec = fs__dr_spec_get (sc);
  FsKernel *k = fs_sim_kernel (sim);
  FsModel *net_model = fs_sim_model (sim, "net");
  static const char *const production[] = {
    "route.change", "dns.update", "host.up", "host.down", "link.up", "link.down",
  };
  FsDr *d;
  guint v, i;

  (void) error;
  if (spec == NULL || (spec->vms->len == 0 && spec->plans->len == 0) || net_model == NULL)
    return TRUE;
  d = g_new0 (FsDr, 1);
  d->base.ops = &dr_ops;
  d->base.name = g_strdup ("dr");
  d->k = k;
  d->sim = sim;
  d->net = fs_net_from_model (net_model);
  d->sites = fs_sites_from_model (fs_sim_model (sim, "sites"));
  d->metrics = fs_sim_metrics (sim);
  d->spec = spec;
  d->np = spec->plans->len;
  d->nv = spec->vms->len;
  d->nn = spec->vm_networks->len;
  d->plans = g_new0 (PlanRun, MAX (d->np, 1));
  for (i = 0; i < d->np; i++)
    d->plans[i].last_failover = d->plans[i].last_test = -1;
  d->vms = g_new0 (VmRun, MAX (d->nv, 1));
  d->nic_base = g_new0 (guint, d->nv + 1);
  for (v = 0; v < d->nv; v++)
    d->nic_base[v + 1] = d->nic_base[v] + vm_spec (d, v)->nics->len;
  d->original_net = g_new (int, MAX (d->nic_base[d->nv], 1));
  d->replica_net = g_new (int, MAX (d->nic_base[d->nv], 1));
  d->boot_rng = g_new (gsl_rng *, MAX (d->nv, 1));
  for (v = 0; v < d->nv; v++)
    {
      /* One boot stream per VM, so adding a VM does not move another's boots. */
      g_autofree char *stream = g_strdup_printf ("dr.boot.%s", vm_spec (d, v)->name);

      d->boot_rng[v] = fs_kernel_stream (k, stream);
      for (i = 0; i < vm_spec (d, v)->nics->len; i++)
        {
          d->original_net[d->nic_base[v] + i] = nic_spec (d, v, i)->network;
          d->replica_net[d->nic_base[v] + i] = nic_spec (d, v, i)->target_network;
        }
    }
  d->mappings = g_array_new (FALSE, FALSE, sizeof (Pair));
  for (i = 0; i < spec->mappings->len; i++)
    {
      const MappingSpec *m = &g_array_index (spec->mappings, MappingSpec, i);
      Pair pair = { m->source, m->target };

      g_array_append_val (d->mappings, pair);
    }

  d->t_failover_start = fs_kernel_topic (k, "dr.failover_start");
  d->t_failback_start = fs_kernel_topic (k, "dr.failback_start");
  d->t_step_done = fs_kernel_topic (k, "dr.step_done");
  d->t_step_failed = fs_kernel_topic (k, "dr.step_failed");
  d->t_isolated = fs_kernel_topic (k, "dr.test_step_isolated");
  d->t_plan_failed = fs_kernel_topic (k, "dr.plan_failed");
  d->t_group_done = fs_kernel_topic (k, "dr.group_done");
  d->t_vm_started = fs_kernel_topic (k, "dr.vm_started");
  d->t_vm_disconnected = fs_kernel_topic (k, "dr.vm_disconnected");
  d->t_network_set = fs_kernel_topic (k, "dr.network_set");
  d->t_mapping_set = fs_kernel_topic (k, "dr.mapping_set");
  d->t_vm_silent = fs_kernel_topic (k, "dr.vm_silent");
  d->t_failover_done = fs_kernel_topic (k, "dr.failover_done");
  d->t_failback_done = fs_kernel_topic (k, "dr.failback_done");
  d->t_failover_ns = fs_kernel_topic (k, "dr.failover_ns");
  d->t_test_ns = fs_kernel_topic (k, "dr.test_failover_ns");
  d->t_failback_ns = fs_kernel_topic (k, "dr.failback_ns");
  for (i = 0; i < G_N_ELEMENTS (production); i++)
    fs_kernel_observe (k, production[i], production_observer, d);
  fs_sim_add_model (sim, "dr", &d->base);
  return TRUE;
}

/* --- accessors -------------------------------------------------------------------------------- */

int
fs_dr_plan_index (const FsDr *d, const char *name)
{
  return fs_schema_index_by_name (d->spec->plans, sizeof (PlanSpec), name);
}

int
fs_dr_vm_index (const FsDr *d, const char *name)
{
  return fs_schema_index_by_name (d->spec->vms, sizeof (VmSpec), name);
}

int
fs_dr_network_index (const FsDr *d, const char *name)
{
  return fs_schema_index_by_name (d->spec->vm_networks, sizeof (VmNetworkSpec), name);
}

guint
fs_dr_n_plans (const FsDr *d)
{
  return d->np;
}

guint
fs_dr_n_vms (const FsDr *d)
{
  return d->nv;
}

guint
fs_dr_vm_n_nics (const FsDr *d, guint vm)
{
  g_return_val_if_fail (vm < d->nv, 0);
  return vm_spec (d, vm)->nics->len;
}

const char *
fs_dr_plan_name (const FsDr *d, guint plan)
{
  g_return_val_if_fail (plan < d->np, NULL);
  return plan_spec (d, plan)->name;
}

const char *
fs_dr_vm_name (const FsDr *d, guint vm)
{
  g_return_val_if_fail (vm < d->nv, NULL);
  return vm_spec (d, vm)->name;
}

const char *
fs_dr_network_name (const FsDr *d, guint network)
{
  g_return_val_if_fail (network < d->nn, NULL);
  return network_name (d, (int) network);
}

FsDrPlanState
fs_dr_plan_state (const FsDr *d, guint plan)
{
  g_return_val_if_fail (plan < d->np, FS_DR_PLAN_IDLE);
  return d->plans[plan].state;
}

const char *
fs_dr_plan_state_name (FsDrPlanState state)
{
  static const char *const names[] = { "idle", "failing over", "failed over", "testing", "tested",
                                       "stopped", "failing back", "failed back" };

  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (names), "?");
  return names[state];
}

gboolean
fs_dr_test_running (const FsDr *d, guint plan)
{
  g_return_val_if_fail (plan < d->np, FALSE);
  return d->plans[plan].state == FS_DR_PLAN_TESTING;
}

uint64_t
fs_dr_production_changes (const FsDr *d, guint plan)
{
  g_return_val_if_fail (plan < d->np, 0);
  return d->plans[plan].production_changes;
}

uint64_t
fs_dr_steps_failed (const FsDr *d, guint plan)
{
  g_return_val_if_fail (plan < d->np, 0);
  return d->plans[plan].steps_failed;
}

FsDrVmState
fs_dr_vm_state (const FsDr *d, guint vm)
{
  g_return_val_if_fail (vm < d->nv, FS_DR_VM_SOURCE);
  return d->vms[vm].state;
}

gboolean
fs_dr_vm_in_test (const FsDr *d, guint vm)
{
  g_return_val_if_fail (vm < d->nv, FALSE);
  return d->vms[vm].in_test;
}

int
fs_dr_nic_original_network (const FsDr *d, guint vm, guint nic)
{
  g_return_val_if_fail (vm < d->nv && nic < vm_spec (d, vm)->nics->len, -1);
  return d->original_net[d->nic_base[vm] + nic];
}

int
fs_dr_nic_replica_network (const FsDr *d, guint vm, guint nic)
{
  g_return_val_if_fail (vm < d->nv && nic < vm_spec (d, vm)->nics->len, -1);
  return d->replica_net[d->nic_base[vm] + nic];
}

const FsIp *
fs_dr_nic_replica_ip (const FsDr *d, guint vm, guint nic)
{
  const NicSpec *n;

  g_return_val_if_fail (vm < d->nv && nic < vm_spec (d, vm)->nics->len, NULL);
  n = nic_spec (d, vm, nic);
  return n->target_network >= 0 ? &n->replica_ip : NULL;
}

int
fs_dr_nic_host (const FsDr *d, guint vm, guint nic)
{
  g_return_val_if_fail (vm < d->nv && nic < vm_spec (d, vm)->nics->len, -1);
  return nic_spec (d, vm, nic)->host;
}

int
fs_dr_nic_replica_host (const FsDr *d, guint vm, guint nic)
{
  g_return_val_if_fail (vm < d->nv && nic < vm_spec (d, vm)->nics->len, -1);
  return nic_spec (d, vm, nic)->replica_host;
}

int
fs_dr_mapped (const FsDr *d, guint network)
{
  g_return_val_if_fail (network < d->nn, -1);
  return mapped_now (d, (int) network);
}

/* Whether @vm belongs to a group of @plan. */
static gboolean
plan_has_vm (const FsDr *d, guint plan, guint vm)
{
  const PlanSpec *p = plan_spec (d, plan);
  guint g, i;

  for (g = 0; g < p->groups->len; g++)
    {
      const GroupSpec *gs = &g_array_index (p->groups, GroupSpec, g);

      for (i = 0; i < gs->vms->len; i++)
        if (g_array_index (gs->vms, int, i) == (int) vm)
          return TRUE;
    }
  return FALSE;
}

gboolean
fs_dr_plan_has_vm (const FsDr *d, guint plan, guint vm)
{
  g_return_val_if_fail (plan < d->np && vm < d->nv, FALSE);
  return plan_has_vm (d, plan, vm);
}

/* A NIC of a VM protected to Azure whose network is not mapped: after failover it reaches only
 * the VMs of its recovery plan (seed 003). */
static gboolean
on_plan_network (const FsDr *d, guint vm, guint nic)
{
  const VmSpec *v = &g_array_index (d->spec->vms, VmSpec, vm);
  const NicSpec *n = &g_array_index (v->nics, NicSpec, nic);

  return v->cloud >= 0 && g_array_index (d->spec->clouds, CloudSpec, v->cloud).protected_to >= 0
         && n->target_network < 0;
}

gboolean
fs_dr_can_reach (const FsDr *d, guint a, guint b)
{
  guint i, j, p;

  g_return_val_if_fail (a < d->nv && b < d->nv, FALSE);
  if (d->vms[a].state != FS_DR_VM_REPLICA || d->vms[b].state != FS_DR_VM_REPLICA)
    return FALSE;
  for (i = d->nic_base[a]; i < d->nic_base[a + 1]; i++)
    for (j = d->nic_base[b]; j < d->nic_base[b + 1]; j++)
      if (d->replica_net[i] >= 0 && d->replica_net[i] == d->replica_net[j])
        return TRUE;   /* "all machines which failover on the same network can connect" */
  for (i = 0; i < d->nic_base[a + 1] - d->nic_base[a]; i++)
    for (j = 0; j < d->nic_base[b + 1] - d->nic_base[b]; j++)
      if (on_plan_network (d, a, i) && on_plan_network (d, b, j))
        for (p = 0; p < d->np; p++)
          if (plan_has_vm (d, p, a) && plan_has_vm (d, p, b))
            return TRUE;
  return FALSE;
}

/* --- dr.failover, dr.failback ----------------------------------------------------------------- */

typedef struct {
  char *plan_name;
  int kind;                  /* FsDrFailoverKind */
  int plan;
  char *group_name;          /* the group to start at, by name or number from 1; NULL: the first */
  int group;
} FailoverArgs;

static const char *const kinds[] = { "planned", "unplanned", "test", NULL };

static const FsField failover_fields[] = {
  { "plan", FS_FIELD_NAME, offsetof (FailoverArgs, plan_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The recovery plan to run.", "rp-app" },
  { "kind", FS_FIELD_ENUM, offsetof (FailoverArgs, kind), FALSE, "unplanned", 0, 0, 0, 0, kinds,
    "planned: the source VMs shut down cleanly first; unplanned: they are lost; test: the "
    "replicas start in an isolated network and production is left untouched.", "planned" },
  { "group", FS_FIELD_STRING, offsetof (FailoverArgs, group_name), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The group to start at, by its name or its number from 1; earlier groups are skipped (an "
    "operator runs a plan group by group, or resumes one that stopped); default: the first.", "web" },
  FS_FIELD_END
};

static const FsField failback_fields[] = {
  { "plan", FS_FIELD_NAME, offsetof (FailoverArgs, plan_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The recovery plan whose VMs fail back to their source site.", "rp-app" },
  FS_FIELD_END
};

static gboolean
check_plan (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  FailoverArgs *a = args;
  const DrSpec *spec = fs__dr_spec_get (sc);
  guint n = spec != NULL ? spec->plans->len : 0, i;
  g_autofree const char **names = g_new0 (const char *, n + 1);

  for (i = 0; i < n; i++)
    names[i] = g_array_index (spec->plans, PlanSpec, i).name;
  a->plan = fs_schema_resolve (fs_node_get (entry, "plan"), "recovery plan", names, n, error);
  a->group = 0;
  if (a->plan >= 0 && a->group_name != NULL)
    {
      const GArray *groups = g_array_index (spec->plans, PlanSpec, a->plan).groups;
      g_autofree const char **group_names = g_new0 (const char *, groups->len + 1);
      guint64 number;

      for (i = 0; i < groups->len; i++)
        group_names[i] = g_array_index (groups, GroupSpec, i).name;
      if (g_ascii_string_to_unsigned (a->group_name, 10, 1, groups->len, &number, NULL))
        a->group = (int) number - 1;
      else
        a->group = fs_schema_resolve (fs_node_get (entry, "group"), "group of that plan", group_names,
                                      groups->len, error);
      return a->group >= 0;
    }
  return a->plan >= 0;
}

static gboolean
plan_has_vm_in (const FsDr *d, guint p, FsDrVmState state)
{
  guint g, i;

  for (g = 0; g < plan_spec (d, p)->groups->len; g++)
    for (i = 0; i < group_spec (d, p, g)->vms->len; i++)
      if (d->vms[g_array_index (group_spec (d, p, g)->vms, int, i)].state == state)
        return TRUE;
  return FALSE;
}

static const char *
running_refusal (FsDr *d, guint p)
{
  const PlanRun *r = &d->plans[p];

  if (r->state == FS_DR_PLAN_FAILING_OVER || r->state == FS_DR_PLAN_TESTING
      || r->state == FS_DR_PLAN_FAILING_BACK)
    return refuse_with (d, g_strdup_printf ("recovery plan %s is already %s", plan_spec (d, p)->name,
                                            fs_dr_plan_state_name (r->state)));
  return NULL;
}

static const char *
failover_refuse (FsSim *sim, const void *args)
{
  const FailoverArgs *a = args;
  FsDr *d = dr_of (sim);
  const char *why;

  if (d == NULL)
    return NULL;
  if ((why = running_refusal (d, (guint) a->plan)) != NULL)
    return why;
  if (a->kind == FS_DR_FAILOVER_TEST
      && (plan_has_vm_in (d, (guint) a->plan, FS_DR_VM_REPLICA)
          || plan_has_vm_in (d, (guint) a->plan, FS_DR_VM_STARTING)))
    return refuse_with (d, g_strdup_printf ("a test failover of %s needs its VMs at their source, and "
                                            "some have failed over", plan_spec (d, (guint) a->plan)->name));
  if (a->kind != FS_DR_FAILOVER_TEST && d->plans[a->plan].state == FS_DR_PLAN_FAILED_OVER)
    return refuse_with (d, g_strdup_printf ("recovery plan %s has failed over already; fail it back "
                                            "first", plan_spec (d, (guint) a->plan)->name));
  return NULL;
}

static void
failover_fire (FsSim *sim, const void *args)
{
  const FailoverArgs *a = args;
  FsDr *d = dr_of (sim);
  guint p = (guint) a->plan, g, i, k;
  PlanRun *r;

  if (d == NULL || failover_refuse (sim, args) != NULL)
    return;
  r = &d->plans[p];
  r->epoch++;
  r->state = a->kind == FS_DR_FAILOVER_TEST ? FS_DR_PLAN_TESTING : FS_DR_PLAN_FAILING_OVER;
  r->mode = a->kind;
  r->group = (guint) a->group;
  r->phase = PHASE_PRE;
  r->step = 0;
  r->attempt = 0;
  r->booting = 0;
  r->started = fs_kernel_now (d->k);
  r->ran = TRUE;
  r->tested |= a->kind == FS_DR_FAILOVER_TEST;
  notify_plan (d, d->t_failover_start, p, a->kind, kinds[a->kind]);
  /* Planned: every source VM of the plan shuts down cleanly, at once, before anything else. */
  if (a->kind == FS_DR_FAILOVER_PLANNED)
    for (g = 0; g < plan_spec (d, p)->groups->len; g++)
      for (i = 0; i < group_spec (d, p, g)->vms->len; i++)
        {
          guint vm = (guint) g_array_index (group_spec (d, p, g)->vms, int, i);

          if (d->vms[vm].state != FS_DR_VM_SOURCE)
            continue;
          for (k = 0; k < vm_spec (d, vm)->nics->len; k++)
            fs_net_stop_host (d->net, (guint) nic_spec (d, vm, k)->host);
        }
  advance (d, p);
}

static const char *
failback_refuse (FsSim *sim, const void *args)
{
  const FailoverArgs *a = args;
  FsDr *d = dr_of (sim);
  const char *why;

  if (d == NULL)
    return NULL;
  if ((why = running_refusal (d, (guint) a->plan)) != NULL)
    return why;
  if (!plan_has_vm_in (d, (guint) a->plan, FS_DR_VM_REPLICA)
      && d->plans[a->plan].state != FS_DR_PLAN_FAILED_OVER)
    return refuse_with (d, g_strdup_printf ("recovery plan %s has not failed over: none of its VMs "
                                            "runs at the recovery site",
                                            plan_spec (d, (guint) a->plan)->name));
  /* The originals come back where they ran: that site must be up. */
  {
    const PlanSpec *ps = plan_spec (d, (guint) a->plan);
    guint g, i;

    for (g = 0; g < ps->groups->len; g++)
      for (i = 0; i < group_spec (d, (guint) a->plan, g)->vms->len; i++)
        {
          const VmSpec *v = vm_spec (d, (guint) g_array_index (group_spec (d, (guint) a->plan, g)->vms, int, i));

          if (!fs_sites_is_up (d->sites, (guint) v->site))
            return refuse_with (d, g_strdup_printf ("recovery plan %s cannot fail back: %s's site %s "
                                                    "is down", ps->name, v->name,
                                                    fs_sites_spec_name (fs_sim_scenario (sim), v->site)));
        }
  }
  return NULL;
}

static void
failback_fire (FsSim *sim, const void *args)
{
  const FailoverArgs *a = args;
  FsDr *d = dr_of (sim);
  PlanRun *r;

  if (d == NULL || failback_refuse (sim, args) != NULL)
    return;
  r = &d->plans[a->plan];
  r->epoch++;
  r->state = FS_DR_PLAN_FAILING_BACK;
  r->mode = MODE_FAILBACK;
  r->group = 0;
  r->phase = PHASE_PRE;
  r->step = 0;
  r->attempt = 0;
  r->booting = 0;
  r->started = fs_kernel_now (d->k);
  r->ran = TRUE;
  notify_plan (d, d->t_failback_start, (guint) a->plan, 0, NULL);
  advance (d, (guint) a->plan);
}

/* --- dr.set_network, dr.map ------------------------------------------------------------------- */

typedef struct {
  char *vm_name;
  int64_t nic;
  char *network_name;
  int vm;
  int network;               /* -1: none */
} SetNetworkArgs;

static const FsField set_network_fields[] = {
  { "vm", FS_FIELD_NAME, offsetof (SetNetworkArgs, vm_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VM whose replica's network properties change.", "VM1" },
  { "nic", FS_FIELD_INT, offsetof (SetNetworkArgs, nic), FALSE, "0", 0, 1023, 0, 0, NULL,
    "Which of its NICs, from 0.", "1" },
  { "network", FS_FIELD_STRING, offsetof (SetNetworkArgs, network_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VM network the replica's NIC is connected to now, or none (disconnected).", "VMNetwork2-Chicago" },
  FS_FIELD_END
};

/* Resolves a VM network named at @node, or "none" (-1); -2 on error. */
static int
resolve_network (const DrSpec *spec, const FsNode *node, GError **error)
{
  guint n = spec != NULL ? spec->vm_networks->len : 0, i;
  g_autofree const char **names = g_new0 (const char *, n + 1);
  int found;

  if (!fs_schema_scalar (node, "network", error))
    return -2;
  if (strcmp (node->text, "none") == 0)
    return -1;
  for (i = 0; i < n; i++)
    names[i] = g_array_index (spec->vm_networks, VmNetworkSpec, i).name;
  found = fs_schema_resolve (node, "VM network", names, n, error);
  return found >= 0 ? found : -2;
}

static int
resolve_vm (const DrSpec *spec, const FsNode *node, GError **error)
{
  guint n = spec != NULL ? spec->vms->len : 0, i;
  g_autofree const char **names = g_new0 (const char *, n + 1);

  for (i = 0; i < n; i++)
    names[i] = g_array_index (spec->vms, VmSpec, i).name;
  return fs_schema_resolve (node, "VM", names, n, error);
}

static gboolean
check_set_network (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  SetNetworkArgs *a = args;
  const DrSpec *spec = fs__dr_spec_get (sc);
  const VmSpec *vm;

  if ((a->vm = resolve_vm (spec, fs_node_get (entry, "vm"), error)) < 0)
    return FALSE;
  vm = &g_array_index (spec->vms, VmSpec, a->vm);
  if (a->nic >= vm->nics->len)
    return fs_node_error (error, fs_node_get (entry, "nic"), FS_SCENARIO_ERROR_RANGE, "VM '%s' has %u "
                          "NIC%s (numbered from 0): there is no NIC %" G_GINT64_FORMAT, vm->name,
                          vm->nics->len, vm->nics->len == 1 ? "" : "s", a->nic);
  return (a->network = resolve_network (spec, fs_node_get (entry, "network"), error)) >= -1;
}

static void
set_network_fire (FsSim *sim, const void *args)
{
  const SetNetworkArgs *a = args;
  FsDr *d = dr_of (sim);
  const NicSpec *n;
  int *net;
  g_autofree char *detail = NULL;

  if (d == NULL)
    return;
  n = nic_spec (d, (guint) a->vm, (guint) a->nic);
  net = &d->replica_net[d->nic_base[a->vm] + a->nic];
  if (*net == a->network)
    return;
  /* A running replica disconnected stops answering; reconnected, it answers again at once. Its
   * address stays the one reserved at protection time. */
  if ((d->vms[a->vm].state == FS_DR_VM_REPLICA || d->vms[a->vm].state == FS_DR_VM_STARTING)
      && !d->vms[a->vm].in_test && n->replica_host >= 0)
    {
      if (a->network < 0)
        fs_net_stop_host (d->net, (guint) n->replica_host);
      else if (*net < 0)
        fs_net_start_host (d->net, (guint) n->replica_host, 0);
    }
  detail = g_strdup_printf ("the replica of %s NIC %" G_GINT64_FORMAT " is connected to %s (was %s)",
                            a->vm_name, a->nic, network_name (d, a->network), network_name (d, *net));
  *net = a->network;
  notify (d, d->t_network_set, (guint) a->vm, a->vm_name, a->network, detail);
}

typedef struct {
  char *source_name;
  char *target_name;
  int source;
  int target;                /* -1: none */
} MapArgs;

static const FsField map_fields[] = {
  { "source", FS_FIELD_STRING, offsetof (MapArgs, source_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VM network whose mapping changes.", "VMNetwork1-Chicago" },
  { "target", FS_FIELD_STRING, offsetof (MapArgs, target_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The VM network it is mapped to now, or none (unmapped).", "VMNetwork2-NewYork" },
  FS_FIELD_END
};

static gboolean
check_map (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  MapArgs *a = args;
  const DrSpec *spec = fs__dr_spec_get (sc);

  if ((a->source = resolve_network (spec, fs_node_get (entry, "source"), error)) < -1
      || (a->target = resolve_network (spec, fs_node_get (entry, "target"), error)) < -1)
    return FALSE;
  if (a->source < 0)
    return fs_node_error (error, fs_node_get (entry, "source"), FS_SCENARIO_ERROR_RULE,
                          "dr.map needs a source VM network; 'none' is only a target");
  if (a->source == a->target)
    return fs_node_error (error, fs_node_get (entry, "target"), FS_SCENARIO_ERROR_RULE,
                          "a VM network cannot be mapped to itself");
  return TRUE;
}

/* The mapping of @source is replaced: every pair that holds it goes, and the new one comes
 * first, so it also answers for @target. */
static void
map_fire (FsSim *sim, const void *args)
{
  const MapArgs *a = args;
  FsDr *d = dr_of (sim);
  g_autofree char *detail = NULL;
  guint i;

  if (d == NULL)
    return;
  for (i = d->mappings->len; i-- > 0;)
    {
      const Pair *m = &g_array_index (d->mappings, Pair, i);

      /* A network is in one mapping: the new pair replaces any pair holding either network. */
      if (m->source == a->source || m->target == a->source
          || (a->target >= 0 && (m->source == a->target || m->target == a->target)))
        g_array_remove_index (d->mappings, i);
    }
  if (a->target >= 0)
    {
      Pair pair = { a->source, a->target };

      g_array_prepend_val (d->mappings, pair);
    }
  detail = g_strdup_printf ("%s is mapped to %s", network_name (d, a->source), network_name (d, a->target));
  notify (d, d->t_mapping_set, (guint) a->source, network_name (d, a->source), a->target, detail);
}

/* --- circuit.disconnect, circuit.connect (seed 004) ------------------------------------------- */

typedef struct {
  char *link_name;
  int link;
  int vnet_site;             /* the site of its end in a cloud region: the virtual network's */
} CircuitArgs;

static const FsField circuit_fields[] = {
  { "link", FS_FIELD_NAME, offsetof (CircuitArgs, link_name), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The circuit's connection to a virtual network: a link with a 'circuit' key.", "er-east" },
  FS_FIELD_END
};

static gboolean
check_circuit (FsScenario *sc, const FsNode *entry, void *args, GError **error)
{
  CircuitArgs *a = args;
  const FsNode *node = fs_node_get (entry, "link");

  if ((a->link = fs_net_spec_link (sc, node, error)) < 0)
    return FALSE;
  if (fs_net_spec_link_circuit (sc, a->link) == NULL)
    return fs_node_error (error, node, FS_SCENARIO_ERROR_RULE, "link '%s' is no ExpressRoute "
                          "circuit's connection (it has no 'circuit' key): circuit.connect and "
                          "circuit.disconnect act on those", a->link_name);
  /* The net model makes sure a circuit's connection has exactly one end in a cloud region. */
  a->vnet_site = fs__dr_cloud_site_of (sc, a->link);
  return a->vnet_site >= 0;
}

static const char *
disconnect_refuse (FsSim *sim, const void *args)
{
  const CircuitArgs *a = args;
  FsSites *sites = fs_sites_from_model (fs_sim_model (sim, "sites"));

  /* A circuit is disconnected from the region it served, the primary: seed 004's case. */
  if (!fs_sites_is_up (sites, (guint) a->vnet_site))
    return "the primary region is down: the disconnect operation fails (seed 004)";
  return NULL;
}

static const char *
connect_refuse (FsSim *sim, const void *args)
{
  const CircuitArgs *a = args;
  const FsScenario *sc = fs_sim_scenario (sim);
  FsNet *net = fs_net_from_model (fs_sim_model (sim, "net"));
  const char *circuit = fs_net_link_circuit (net, (guint) a->link);
  guint n = fs_net_spec_n_links (sc), l;
  int sa, sb;

  for (l = 0; l < n; l++)
    {
      const char *other = fs_net_link_circuit (net, l);
      FsDr *d;

      if (l == (guint) a->link || other == NULL || strcmp (other, circuit) != 0
          || !fs_net_link_is_connected (net, l)
          || !fs__dr_vnet_ranges_overlap (sc, a->vnet_site, fs__dr_cloud_site_of (sc, (int) l), &sa, &sb))
        continue;
      if ((d = dr_of (sim)) == NULL)
        return "an ExpressRoute circuit cannot connect two virtual networks with the same ranges "
               "at once, and another connection of the circuit is still up";
      return refuse_with (d, g_strdup_printf ("an ExpressRoute circuit cannot connect two virtual "
                                              "networks with the same ranges at once: its connection "
                                              "%s is still up (%s overlaps %s)", fs_net_link_name (net, l),
                                              fs_net_spec_subnet_name (sc, sa),
                                              fs_net_spec_subnet_name (sc, sb)));
    }
  return NULL;
}

static void
set_circuit (FsSim *sim, const void *args, gboolean up)
{
  const CircuitArgs *a = args;

  if ((up ? connect_refuse : disconnect_refuse) (sim, args) == NULL)
    fs_net_set_link_connected (fs_net_from_model (fs_sim_model (sim, "net")), (guint) a->link, up);
}

static void disconnect_fire (FsSim *sim, const void *args) { set_circuit (sim, args, FALSE); }
static void connect_fire (FsSim *sim, const void *args) { set_circuit (sim, args, TRUE); }

/* --- manual ----------------------------------------------------------------------------------- */

static const FsField no_fields[] = { FS_FIELD_END };

static void
manual_fire (FsSim *sim, const void *args)
{
  (void) sim;
  (void) args;
}

/* --- registration ----------------------------------------------------------------------------- */

static const FsSection plans_section = {
  "recovery_plans", "Recovery plans: groups of VMs started in order, with steps before and after "
  "each group (seeds 001, 003).", "dr", 60, plans_load, NULL, fs__dr_build, plan_fields, FALSE,
  "groups", group_fields
};

void
fs__dr_register_plan_section (void)
{
  fs_scenario_register_section (&plans_section);
}

static const FsAction actions[] = {
  { "dr.failover", "A recovery plan fails its VMs over to the recovery site: planned, unplanned, "
    "or a test into an isolated network.", failover_fields, sizeof (FailoverArgs), check_plan,
    failover_fire, failover_refuse },
  { "dr.failback", "The VMs a plan failed over go back to their source site; each original connects "
    "to the network mapped now to its replica's network (seed 001's failback table).", failback_fields,
    sizeof (FailoverArgs), check_plan, failback_fire, failback_refuse },
  { "dr.set_network", "The network properties of a replica change after failover: its NIC is "
    "connected to another VM network, or disconnected.", set_network_fields, sizeof (SetNetworkArgs),
    check_set_network, set_network_fire, NULL },
  { "dr.map", "A network mapping changes: a VM network is mapped to another, or unmapped.",
    map_fields, sizeof (MapArgs), check_map, map_fire, NULL },
  { "circuit.disconnect", "An ExpressRoute circuit's connection to a virtual network is removed; it "
    "fails while that virtual network's region is down (seed 004).", circuit_fields,
    sizeof (CircuitArgs), check_circuit, disconnect_fire, disconnect_refuse },
  { "circuit.connect", "An ExpressRoute circuit is connected to a virtual network; refused while "
    "another connection of the circuit, to a virtual network with the same ranges, is up (seed 004).",
    circuit_fields, sizeof (CircuitArgs), check_circuit, connect_fire, connect_refuse },
  { "manual", "A manual action by an operator; it takes its duration and may fail.", no_fields, 0,
    NULL, manual_fire, NULL },
};

void
fs__dr_register_actions (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (actions); i++)
    fs_scenario_register_action (&actions[i]);
}
