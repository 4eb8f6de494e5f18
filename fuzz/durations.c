/* fuzz/durations.c: libFuzzer harness for the small parsers a user types on the command line.
 *
 * The input, as a NUL-terminated string, goes to:
 *   - fs_time_parse(): on success, fs_time_format() must read back to the same value;
 *   - fs_dist_parse(): on success, fs_dist_to_string() must parse again;
 *   - fs_node_apply_set() on a small fixed tree, as the assignment of a --set;
 *   - fs_scenario_load_data() of a small fixed scenario with the input as its one --set, so the
 *     value also goes through every check of the model.
 * Any crash, sanitizer report, hang, leak or broken round trip is a bug. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "failsim/dist.h"
#include "failsim/node.h"
#include "failsim/scenario.h"
#include "failsim/time.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char scenario_text[] =
  "name: fuzz\n"
  "seed: 1\n"
  "duration: 6h\n"
  "sites:\n"
  "  - name: primary\n"
  "    kind: datacenter\n"
  "    region: New York\n"
  "  - name: recovery\n"
  "    kind: datacenter\n"
  "timeline:\n"
  "  - id: disaster\n"
  "    at: 10m\n"
  "    action: site.fail\n"
  "    site: primary\n"
  "  - id: repair\n"
  "    after: disaster\n"
  "    at: lognormal(2h, 30m)\n"
  "    action: site.repair\n"
  "    site: primary\n";

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  char *text;
  FsTime t = 0;
  FsDist *dist;
  FsNode *root;
  FsScenario *sc;

  if (size > 4096)
    return 0;   /* these are one-line values; longer inputs only slow the search */
  text = g_strndup ((const char *) data, size);   /* stops at an embedded NUL, as argv would */

  if (fs_time_parse (text, &t, &error))
    {
      char buf[FS_TIME_BUFSZ];
      FsTime back = -1;

      if (t < 0)
        __builtin_trap ();
      fs_time_format (t, buf, sizeof buf);
      if (!fs_time_parse (buf, &back, NULL) || back != t)
        __builtin_trap ();   /* the canonical text must read back exactly */
    }
  g_clear_error (&error);

  dist = fs_dist_parse (text, &error);
  if (dist != NULL)
    {
      char *canon = fs_dist_to_string (dist);
      FsDist *again = fs_dist_parse (canon, NULL);

      if (again == NULL)
        __builtin_trap ();   /* the canonical text must parse again */
      fs_dist_free (again);
      g_free (canon);
      fs_dist_free (dist);
    }
  else if (error == NULL)
    __builtin_trap ();
  g_clear_error (&error);

  root = fs_node_load_data ("fuzz.yaml", scenario_text, -1, NULL);
  if (root == NULL)
    __builtin_trap ();
  if (!fs_node_apply_set (root, text, 1, &error) && error == NULL)
    __builtin_trap ();
  g_clear_error (&error);
  fs_node_free (root);

  {
    const char *overrides[] = { text, NULL };

    sc = fs_scenario_load_data ("fuzz.yaml", scenario_text, -1, overrides, &error);
    if (sc == NULL && error == NULL)
      __builtin_trap ();
    if (sc != NULL)
      fs_scenario_free (sc);
    g_clear_error (&error);
  }

  g_free (text);
  return 0;
}
