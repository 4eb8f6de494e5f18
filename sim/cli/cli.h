/* cli.h: what the subcommands of the failsim program share. */
#pragma once

#include <glib.h>

/* Exit statuses, the same for every subcommand. */
enum {
  FS_EXIT_OK = 0,
  FS_EXIT_FAILURE = 1,   /* an internal failure, or a failed --assert */
  FS_EXIT_USAGE = 2,     /* bad options or bad input files */
};

typedef struct {
  const char *name;
  const char *summary;      /* one line for `failsim --help` */
  int (*main) (int argc, char **argv);
} FsCommand;

int fs_cmd_run (int argc, char **argv);
int fs_cmd_validate (int argc, char **argv);
int fs_cmd_keys (int argc, char **argv);
int fs_cmd_compare (int argc, char **argv);

/* Parses @argv with @entries; on a bad option prints "failsim CMD: <why>" and a hint to stderr
 * and returns FALSE. @parameter and @summary appear in --help, @description after the options. */
gboolean fs_cli_parse (const char *command, const char *parameter, const char *summary,
                       const char *description, const GOptionEntry *entries,
                       int *argc, char ***argv);

/* Prints "failsim CMD: <message>" to stderr and returns FS_EXIT_USAGE. */
int fs_cli_usage_error (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* --- what run and compare share (cli-experiment.c) --------------------------------------------- */

/* Reads @text (the value of @option, NULL when absent) as a whole number from @min up, into
 * *@out (left alone when @text is NULL). On a bad value prints a usage error and returns FALSE. */
gboolean fs_cli_parse_count (const char *command, const char *option, const char *text, guint min,
                             guint *out);

/* The default of --jobs: the processors this process may use. */
guint fs_cli_default_jobs (void);

/* Parses every --assert expression (@texts may be NULL) into a new array of FsAssertion, with
 * @variants (NULL-terminated, or NULL) as the names a "NAME:" prefix may take. On a malformed
 * one prints "failsim CMD: --assert 'EXPR': why" and returns NULL. */
GPtrArray *fs_cli_parse_assertions (const char *command, char **texts, const char *const *variants);

/* Prints one line per result (PASS or FAIL, the expression, the value), to stdout, or only the
 * failures to stderr when @quiet; writes JUnit XML to @junit_path when it is not NULL. Returns
 * FS_EXIT_OK when every assertion passed, else FS_EXIT_FAILURE. */
int fs_cli_report_assertions (const char *command, const char *suite, GArray *results,
                              const char *junit_path, gboolean quiet);
