/* cli.h: what the subcommands of the failsim program share. */
#pragma once

#include <glib.h>

/* Exit statuses, the same for every subcommand. */
enum {
  FS_EXIT_OK = 0,
  FS_EXIT_FAILURE = 1,   /* an internal failure, or (later) a failed --assert */
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

/* Parses @argv with @entries; on a bad option prints "failsim CMD: <why>" and a hint to stderr
 * and returns FALSE. @parameter and @summary appear in --help, @description after the options. */
gboolean fs_cli_parse (const char *command, const char *parameter, const char *summary,
                       const char *description, const GOptionEntry *entries,
                       int *argc, char ***argv);

/* Prints "failsim CMD: <message>" to stderr and returns FS_EXIT_USAGE. */
int fs_cli_usage_error (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);
