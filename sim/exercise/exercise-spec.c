/* exercise-spec.c: the `exercise:` key of a scenario: the briefing, the points where a session
 * pauses for the trainee, and the reference plan the debrief compares the trainee's calls with.
 *
 * A scenario with an exercise is still an ordinary scenario: `failsim run` ignores the key and
 * runs what happens when nobody acts; `failsim exercise` reads it. */
#include "exercise-private.h"

#include <string.h>

typedef struct {
  char *title;
  char *briefing;
  const FsNode *decisions;
  const FsNode *reference;
} ExerciseText;

static const FsField exercise_fields[] = {
  { "title", FS_FIELD_STRING, offsetof (ExerciseText, title), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The exercise's title; default: the scenario's name.", "\"The DNS script that failed\"" },
  { "briefing", FS_FIELD_STRING, offsetof (ExerciseText, briefing), FALSE, NULL, 0, 0, 0, 0, NULL,
    "What the trainee is told before the clock starts: the estate, the situation, the goal.",
    "\"You are on call for Contoso...\"" },
  { "decisions", FS_FIELD_NODE, offsetof (ExerciseText, decisions), FALSE, NULL, 0, 0, 0, 0, NULL,
    "Points where the session pauses for the trainee: each with 'at' (a time) or 'on' (a notice "
    "topic), and a 'prompt'.", "[{at: 10m, prompt: \"The primary site is gone. What now?\"}]" },
  { "reference", FS_FIELD_NODE, offsetof (ExerciseText, reference), FALSE, NULL, 0, 0, 0, 0, NULL,
    "The reference plan the debrief compares with: steps with 'at' (a time from the start), "
    "'action' (a timeline action), that action's keys, and an optional 'note'.",
    "[{at: 11m, action: dns.update, name: app.contoso.com, value: 172.16.1.10}]" },
  FS_FIELD_END
};

static const FsField decision_fields[] = {
  { "at", FS_FIELD_DURATION, offsetof (FsExerciseDecision, at), FALSE, NULL, 0, 0, 0, 0, NULL,
    "Pause when the clock reaches this time (after every event of that instant).", "10m" },
  { "on", FS_FIELD_STRING, offsetof (FsExerciseDecision, on), FALSE, NULL, 0, 0, 0, 0, NULL,
    "Pause the first time a notice of this topic is seen: a topic, or a prefix ending in '.*'.",
    "dr.step_failed" },
  { "prompt", FS_FIELD_STRING, offsetof (FsExerciseDecision, prompt), TRUE, NULL, 0, 0, 0, 0, NULL,
    "What the trainee is told at the pause.", "\"The DNS update script failed. What now?\"" },
  FS_FIELD_END
};

static const FsField step_head_fields[] = {
  { "at", FS_FIELD_DURATION, offsetof (FsExerciseStepHead, at), TRUE, NULL, 0, 0, 0, 0, NULL,
    "When the reference plan takes this step, from the start.", "11m" },
  { "action", FS_FIELD_STRING, offsetof (FsExerciseStepHead, action), TRUE, NULL, 0, 0, 0, 0, NULL,
    "The action; one of the timeline actions.", "dns.update" },
  { "note", FS_FIELD_STRING, offsetof (FsExerciseStepHead, note), FALSE, NULL, 0, 0, 0, 0, NULL,
    "Why the reference takes it, shown in the debrief.", "\"update the record by hand\"" },
  FS_FIELD_END
};

static void
decision_clear (gpointer p)
{
  FsExerciseDecision *d = p;

  g_free (d->on);
  g_free (d->prompt);
}

static void
spec_free (gpointer p)
{
  FsExerciseSpec *spec = p;

  g_free (spec->title);
  g_free (spec->briefing);
  g_clear_pointer (&spec->decisions, g_array_unref);
  g_clear_pointer (&spec->reference, g_ptr_array_unref);
  g_free (spec);
}

/* A topic pattern as fs_kernel_observe() takes it: "*", "a.b", or "a.*". */
static gboolean
valid_pattern (const char *p)
{
  gsize n = strlen (p), i;

  if (strcmp (p, "*") == 0)
    return TRUE;
  if (n == 0 || p[0] == '.')
    return FALSE;
  for (i = 0; i < n; i++)
    if (!(g_ascii_isalnum (p[i]) || p[i] == '_' || p[i] == '.' || p[i] == '-'
          || (p[i] == '*' && i == n - 1 && i > 0 && p[i - 1] == '.')))
      return FALSE;
  return TRUE;
}

static gboolean
load_decisions (FsScenario *sc, const FsNode *list, GArray *out)
{
  guint i;

  if (list->kind != FS_NODE_SEQ)
    {
      GError *error = NULL;

      fs_node_error (&error, list, FS_SCENARIO_ERROR_TYPE, "'decisions' must be a list of "
                     "decision points (- at: 10m, prompt: ...), got %s", fs_node_kind_name (list->kind));
      fs_scenario_add_error (sc, error);
      return FALSE;
    }
  for (i = 0; i < fs_node_len (list); i++)
    {
      const FsNode *item = fs_node_item (list, i);
      FsExerciseDecision d = { 0 };
      GError *error = NULL;

      if (fs_schema_read (item, "decision point", decision_fields, &d, &error))
        {
          if (fs_node_get (item, "at") == NULL)
            d.at = -1;
          if ((d.at >= 0) == (d.on != NULL))
            fs_node_error (&error, item, FS_SCENARIO_ERROR_MISSING, "a decision point needs exactly "
                           "one of 'at' (a time) and 'on' (a notice topic)");
          else if (d.on != NULL && !valid_pattern (d.on))
            fs_node_error (&error, fs_node_get (item, "on"), FS_SCENARIO_ERROR_RANGE, "'on' must be "
                           "a notice topic (dr.step_failed), a prefix ending in '.*' (dns.*), or '*'; "
                           "got '%s'", d.on);
        }
      if (error != NULL)
        {
          fs_scenario_add_error (sc, error);
          decision_clear (&d);
          continue;
        }
      g_array_append_val (out, d);
    }
  return TRUE;
}

static int
by_step_time (gconstpointer a, gconstpointer b)
{
  const FsExerciseStepHead *x = fs_action_call_head (*(FsActionCall *const *) a);
  const FsExerciseStepHead *y = fs_action_call_head (*(FsActionCall *const *) b);

  return (x->at > y->at) - (x->at < y->at);
}

static void
load_reference (FsScenario *sc, const FsNode *list, GPtrArray *out)
{
  guint i;

  if (list->kind != FS_NODE_SEQ)
    {
      GError *error = NULL;

      fs_node_error (&error, list, FS_SCENARIO_ERROR_TYPE, "'reference' must be a list of steps "
                     "(- at: 11m, action: ...), got %s", fs_node_kind_name (list->kind));
      fs_scenario_add_error (sc, error);
      return;
    }
  for (i = 0; i < fs_node_len (list); i++)
    {
      GError *error = NULL;
      FsActionCall *call = fs_action_call_load (sc, fs_node_item (list, i), "reference step",
                                                step_head_fields, sizeof (FsExerciseStepHead), &error);

      if (call == NULL)
        fs_scenario_add_error (sc, error);
      else
        g_ptr_array_add (out, call);
    }
  /* g_ptr_array_sort is a merge sort in glib (stable), so steps at one time keep file order. */
  g_ptr_array_sort (out, by_step_time);
}

static gboolean
exercise_load (FsScenario *sc, const FsNode *value, GError **error)
{
  ExerciseText t = { 0 };
  FsExerciseSpec *spec;

  if (value == NULL)
    return TRUE;
  if (!fs_schema_read (value, "exercise", exercise_fields, &t, error))
    {
      fs_schema_clear (exercise_fields, &t);
      return FALSE;
    }
  spec = g_new0 (FsExerciseSpec, 1);
  spec->title = g_steal_pointer (&t.title);
  spec->briefing = g_steal_pointer (&t.briefing);
  spec->decisions = g_array_new (FALSE, TRUE, sizeof (FsExerciseDecision));
  g_array_set_clear_func (spec->decisions, decision_clear);
  spec->reference = g_ptr_array_new_with_free_func ((GDestroyNotify) fs_action_call_free);
  if (t.decisions != NULL)
    load_decisions (sc, t.decisions, spec->decisions);
  /* The reference is loaded after every other section (this one's order is last), so its
   * steps can name what they declare. */
  if (t.reference != NULL)
    load_reference (sc, t.reference, spec->reference);
  fs_scenario_set_spec (sc, "exercise", spec, spec_free);
  return TRUE;
}

const FsExerciseSpec *
fs__exercise_spec (const FsScenario *sc)
{
  return fs_scenario_get_spec (sc, "exercise");
}

gboolean
fs_exercise_scenario_has (const FsScenario *sc)
{
  return fs__exercise_spec (sc) != NULL;
}

static const FsSection exercise_section = {
  .key = "exercise",
  .help = "A training exercise: the briefing, where a session pauses for the trainee, and the "
          "reference plan the debrief compares with (failsim exercise).",
  .model = "exercise",
  .order = 1010,   /* after the timeline: its steps are actions that name anything declared */
  .load = exercise_load,
  .check = NULL,
  .build = NULL,
  .fields = exercise_fields,
  .is_mapping = TRUE,
  .sub_key = "decisions",
  .sub_fields = decision_fields,
};

void
fs__exercise_register (void)
{
  fs_scenario_register_section (&exercise_section);
}
