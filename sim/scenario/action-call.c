/* action-call.c: an action and its arguments, read and checked outside the timeline.
 *
 * A recovery plan's steps are the same actions the timeline performs (dns.update, subnet.move,
 * route.add ...), with keys of their own (duration, failure, on_failure): one block holds the
 * caller's head and the action's arguments, so one schema table reads the whole mapping and
 * every message keeps its file, line and column. */
#include "failsim/scenario.h"

#include <string.h>

struct FsActionCall {
  const FsAction *action;
  FsField *fields;           /* head fields, then the action's, offsets into block */
  guint8 *block;
  size_t args_offset;
};

static const char **
action_names (void)
{
  guint n, i;
  const FsAction *const *all = fs_scenario_actions (&n);
  const char **names = g_new0 (const char *, n + 1);

  for (i = 0; i < n; i++)
    names[i] = all[i]->name;
  return names;
}

FsActionCall *
fs_action_call_load (FsScenario *sc, const FsNode *node, const char *what, const FsField *head_fields,
                     size_t head_size, GError **error)
{
  const FsNode *action_node;
  FsActionCall *call;
  guint n_head = 0, n_action = 0, i;

  if (node->kind != FS_NODE_MAP)
    {
      fs_node_error (error, node, FS_SCENARIO_ERROR_TYPE, "%s must be a mapping (action: ...), got %s",
                     what, fs_node_kind_name (node->kind));
      return NULL;
    }
  action_node = fs_node_get (node, "action");
  if (action_node == NULL || action_node->kind != FS_NODE_SCALAR)
    {
      fs_node_error (error, node, FS_SCENARIO_ERROR_MISSING, "%s is missing required key 'action'", what);
      return NULL;
    }
  call = g_new0 (FsActionCall, 1);
  call->action = fs_scenario_find_action (action_node->text);
  if (call->action == NULL)
    {
      g_autofree const char **names = action_names ();
      g_autofree char *list = g_strjoinv (", ", (char **) names);
      const char *close = fs_node_closest (action_node->text, names);

      if (close != NULL)
        fs_node_error (error, action_node, FS_SCENARIO_ERROR_RANGE, "unknown action '%s'; did you mean '%s'?",
                       action_node->text, close);
      else
        fs_node_error (error, action_node, FS_SCENARIO_ERROR_RANGE, "unknown action '%s'; expected one of: %s",
                       action_node->text, list);
      g_free (call);
      return NULL;
    }
  while (head_fields[n_head].key != NULL)
    n_head++;
  while (call->action->fields != NULL && call->action->fields[n_action].key != NULL)
    n_action++;
  call->args_offset = ((head_size + 15) / 16) * 16;
  call->fields = g_new0 (FsField, n_head + n_action + 1);
  memcpy (call->fields, head_fields, n_head * sizeof (FsField));
  for (i = 0; i < n_action; i++)
    {
      call->fields[n_head + i] = call->action->fields[i];
      call->fields[n_head + i].offset += call->args_offset;
    }
  call->block = g_malloc0 (call->args_offset + call->action->args_size);
  if (!fs_schema_read (node, what, call->fields, call->block, error)
      || (call->action->check != NULL
          && !call->action->check (sc, node, call->block + call->args_offset, error)))
    {
      fs_action_call_free (call);
      return NULL;
    }
  return call;
}

void
fs_action_call_free (FsActionCall *call)
{
  if (call == NULL)
    return;
  fs_schema_clear (call->fields, call->block);
  g_free (call->block);
  g_free (call->fields);
  g_free (call);
}

const FsAction *
fs_action_call_action (const FsActionCall *call)
{
  return call->action;
}

void *
fs_action_call_head (const FsActionCall *call)
{
  return call->block;
}

const void *
fs_action_call_args (const FsActionCall *call)
{
  return call->block + call->args_offset;
}

void
fs_action_call_fire (const FsActionCall *call, FsSim *sim)
{
  call->action->fire (sim, call->block + call->args_offset);
}
