/* run-failsim.h: the failsim program run from a test, as a user runs it. Shared by the suites
 * that drive the binary (cli, sweep, trace, report); meson passes its path in FAILSIM and the
 * source tree as FS_SOURCE_DIR, which is where it runs. */
#pragma once

#include <criterion/criterion.h>
#include <glib.h>
#include <stdarg.h>
#include <sys/wait.h>

typedef struct {
  int status;       /* exit status, or -1 if it did not exit normally */
  char *out;
  char *err;
} Result;

static G_GNUC_UNUSED void
result_clear (Result *r)
{
  g_free (r->out);
  g_free (r->err);
}

/* The program and the NULL-terminated arguments from @first on, as a NULL-terminated argv. */
static G_GNUC_UNUSED GPtrArray *
command_line (const char *first, va_list args)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *exe = g_getenv ("FAILSIM");
  const char *a;

  cr_assert_not_null (exe, "FAILSIM must name the program under test");
  g_ptr_array_add (argv, (gpointer) exe);
  for (a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* Runs failsim with the NULL-terminated arguments, from the source tree, and waits for it. */
static G_GNUC_UNUSED Result
failsim (const char *first, ...)
{
  g_autoptr (GPtrArray) argv = NULL;
  g_autoptr (GError) error = NULL;
  Result r = { -1, NULL, NULL };
  va_list args;
  int wait_status = 0;

  va_start (args, first);
  argv = command_line (first, args);
  va_end (args);
  cr_assert (g_spawn_sync (FS_SOURCE_DIR, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                           &r.out, &r.err, &wait_status, &error),
             "%s", error ? error->message : "");
  if (WIFEXITED (wait_status))
    r.status = WEXITSTATUS (wait_status);
  return r;
}
