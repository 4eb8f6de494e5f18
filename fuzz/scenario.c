/* fuzz/scenario.c: libFuzzer harness for the scenario loader.
 *
 * Arbitrary bytes go to fs_scenario_load_data(), as a shared scenario file would. Whatever it
 * returns (a scenario or an error) is freed: any crash, sanitizer report, hang or leak is a bug.
 * Build: see docs/hardening.md (meson -Dfuzz=enabled with clang). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "failsim/scenario.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  FsScenario *sc;

  /* The loader takes a length, so the bytes need no NUL; a copy makes an overread visible. */
  char *text = g_malloc (size + 1);

  memcpy (text, data, size);
  text[size] = '\0';
  sc = fs_scenario_load_data ("fuzz.yaml", text, (gssize) size, NULL, &error);
  if (sc == NULL && error == NULL)
    __builtin_trap ();   /* a failure must always say why */
  if (sc != NULL)
    fs_scenario_free (sc);
  g_clear_error (&error);
  g_free (text);
  return 0;
}
