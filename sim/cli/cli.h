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
int fs_cmd_sweep (int argc, char **argv);
int fs_cmd_generate (int argc, char **argv);
int fs_cmd_exercise (int argc, char **argv);
int fs_cmd_report (int argc, char **argv);

/* Parses @argv with @entries; on a bad option prints "failsim CMD: <why>" and a hint to stderr
 * and returns FALSE. @parameter and @summary appear in --help, @description after the options. */
gboolean fs_cli_parse (const char *command, const char *parameter, const char *summary,
                       const char *description, const GOptionEntry *entries,
                       int *argc, char ***argv);

/* Prints "failsim CMD: <message>" to stderr and returns FS_EXIT_USAGE. */
int fs_cli_usage_error (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Sends SIGINT and SIGTERM to @handler, once: SA_RESETHAND makes a second signal end the
 * process at once, for a user who will not wait for what the first one lets finish. */
void fs_cli_catch_signals (void (*handler) (int));

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

/* --- MPI (cli-mpi.c): the ranks of `mpirun -n K failsim sweep` ------------------------------- */

/* Every MPI call is made from the thread that called fs_cli_mpi_init() (MPI_THREAD_FUNNELED);
 * the pool threads that run replications never call MPI. */
typedef struct FsCliMpi FsCliMpi;

/* Joins the MPI job when this process was started by mpirun (its environment says so) and
 * failsim was built with -Dmpi=enabled; otherwise returns NULL: a plain process is a job of its
 * own. */
FsCliMpi *fs_cli_mpi_init (void);
int fs_cli_mpi_rank (const FsCliMpi *m);
int fs_cli_mpi_size (const FsCliMpi *m);
int fs_cli_mpi_local_size (const FsCliMpi *m);   /* ranks on this machine */

/* Every rank passes its @status; returns the highest, on every rank. */
int fs_cli_mpi_worst (FsCliMpi *m, int status);

/* Every rank passes its @text (the sweep's identity); TRUE on every rank when all equal rank
 * 0's, FALSE on every rank when one differs (another scenario file or failsim on its machine). */
gboolean fs_cli_mpi_agree (FsCliMpi *m, const char *text);

/* Rank 0 gives *@runs (NULL to call the job off); every other rank receives them in *@runs (a
 * new GArray of guint64). Returns FALSE when rank 0 called it off. */
gboolean fs_cli_mpi_share_runs (FsCliMpi *m, GArray **runs);

/* From a rank other than 0: a finished run, as its journal text; then, once, how the rank
 * ended (FS_CLI_MPI_COMPLETE, _STOPPED or an exit status, with a message for rank 0 to print). */
enum { FS_CLI_MPI_COMPLETE = -1, FS_CLI_MPI_STOPPED = -2 };
void fs_cli_mpi_send_result (FsCliMpi *m, guint64 run, const char *json);
void fs_cli_mpi_send_done (FsCliMpi *m, int status, const char *message);

typedef enum { FS_CLI_MPI_NOTHING, FS_CLI_MPI_RESULT, FS_CLI_MPI_DONE } FsCliMpiMessage;

/* On rank 0: the next message from another rank, if one has arrived (without waiting): a
 * result (*@run and its journal text in *@text) or a rank's end (its *@status and message in
 * *@text, which may be NULL). Free *@text with g_free(). */
FsCliMpiMessage fs_cli_mpi_poll (FsCliMpi *m, guint64 *run, char **text, int *status);

/* Leaves the MPI job and frees @m (NULL is fine). */
void fs_cli_mpi_finish (FsCliMpi *m);

/* --- the resource guard (cli-experiment.c) ------------------------------------------------------ */

/* The help line of --max-memory, shared by run, compare and sweep. */
#define FS_CLI_MAX_MEMORY_HELP \
  "Refuse a scenario whose estimated memory (times the simulations run at once) is over SIZE, e.g. 512M, 2G (default: 80% of physical memory)"

/* Compares @e, the memory of one simulation of @subject (a scenario's path, or that and a sweep
 * configuration), times @copies run at once, with the budget: @max_memory (the text of
 * --max-memory, NULL for 80% of physical memory). Prints "failsim CMD: ..." with the estimate
 * and the budget and returns FALSE when over it, or when @max_memory is not a size. */
struct FsMemoryEstimate;
gboolean fs_cli_check_estimate (const char *command, const char *subject,
                                const struct FsMemoryEstimate *e, guint copies,
                                const char *max_memory);

/* fs_cli_check_estimate() with the estimate of @sc. */
struct FsScenario;
gboolean fs_cli_check_memory (const char *command, const struct FsScenario *sc, guint copies,
                              const char *max_memory);
