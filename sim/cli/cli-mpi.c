/* cli-mpi.c: what `failsim sweep` needs of MPI: join the job, share out the runs, send finished
 * runs to rank 0. Built without MPI (the default), fs_cli_mpi_init() returns NULL and the rest
 * is never called.
 *
 * Messages, all point to point to rank 0 except the list of runs, which rank 0 broadcasts:
 *   TAG_RESULT  the run index (8 bytes, this machine's order: every rank runs the same build)
 *               followed by the run's journal text;
 *   TAG_DONE    how the rank ended (4 bytes) followed by a message, possibly empty. */
#include "cli.h"
#include "fs-config.h"

#if FS_HAVE_MPI

#include <mpi.h>
#include <stdlib.h>
#include <string.h>

enum { TAG_RESULT = 1, TAG_DONE = 2 };

struct FsCliMpi {
  int rank;
  int size;
  int local_size;
};

/* mpirun tells its processes who they are through the environment: Open MPI's variables, and
 * the PMI ones of MPICH's hydra and of PMIx launchers. */
static gboolean
launched_by_mpirun (void)
{
  return g_getenv ("OMPI_COMM_WORLD_SIZE") != NULL || g_getenv ("PMI_SIZE") != NULL
         || g_getenv ("PMIX_RANK") != NULL;
}

FsCliMpi *
fs_cli_mpi_init (void)
{
  FsCliMpi *m;
  const char *local;
  int provided = 0;

  if (!launched_by_mpirun ())
    return NULL;
  MPI_Init_thread (NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  m = g_new0 (FsCliMpi, 1);
  MPI_Comm_rank (MPI_COMM_WORLD, &m->rank);
  MPI_Comm_size (MPI_COMM_WORLD, &m->size);
  local = g_getenv ("OMPI_COMM_WORLD_LOCAL_SIZE");
  m->local_size = local != NULL ? MAX (atoi (local), 1) : 1;
  return m;
}

int
fs_cli_mpi_rank (const FsCliMpi *m)
{
  return m->rank;
}

int
fs_cli_mpi_size (const FsCliMpi *m)
{
  return m->size;
}

int
fs_cli_mpi_local_size (const FsCliMpi *m)
{
  return m->local_size;
}

int
fs_cli_mpi_worst (FsCliMpi *m, int status)
{
  int worst = status;

  MPI_Allreduce (&status, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return worst;
}

gboolean
fs_cli_mpi_agree (FsCliMpi *m, const char *text)
{
  guint64 len = strlen (text);
  g_autofree char *root = NULL;
  int differs, any = 0;

  MPI_Bcast (&len, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  root = g_malloc0 (len + 1);
  if (m->rank == 0)
    memcpy (root, text, len);
  MPI_Bcast (root, (int) len, MPI_CHAR, 0, MPI_COMM_WORLD);
  differs = strcmp (root, text) != 0;
  MPI_Allreduce (&differs, &any, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
  return !any;
}

gboolean
fs_cli_mpi_share_runs (FsCliMpi *m, GArray **runs)
{
  guint64 n = m->rank == 0 ? (*runs != NULL ? (*runs)->len : G_MAXUINT64) : 0;

  MPI_Bcast (&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  if (n == G_MAXUINT64)
    return FALSE;
  if (m->rank != 0)
    {
      *runs = g_array_sized_new (FALSE, FALSE, sizeof (guint64), (guint) n);
      g_array_set_size (*runs, (guint) n);
    }
  if (n > 0)
    MPI_Bcast ((*runs)->data, (int) n, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  return TRUE;
}

static void
send_bytes (const void *head, size_t head_len, const char *text, int tag)
{
  size_t len = text != NULL ? strlen (text) : 0;
  g_autofree char *buf = g_malloc (head_len + len);

  memcpy (buf, head, head_len);
  if (len > 0)
    memcpy (buf + head_len, text, len);
  MPI_Send (buf, (int) (head_len + len), MPI_BYTE, 0, tag, MPI_COMM_WORLD);
}

void
fs_cli_mpi_send_result (FsCliMpi *m, guint64 run, const char *json)
{
  send_bytes (&run, sizeof run, json, TAG_RESULT);
}

void
fs_cli_mpi_send_done (FsCliMpi *m, int status, const char *message)
{
  gint32 s = status;

  send_bytes (&s, sizeof s, message, TAG_DONE);
}

FsCliMpiMessage
fs_cli_mpi_poll (FsCliMpi *m, guint64 *run, char **text, int *status)
{
  MPI_Status st;
  int flag = 0, count = 0;
  g_autofree char *buf = NULL;
  size_t head;

  MPI_Iprobe (MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
  if (!flag)
    return FS_CLI_MPI_NOTHING;
  MPI_Get_count (&st, MPI_BYTE, &count);
  buf = g_malloc ((size_t) count + 1);
  MPI_Recv (buf, count, MPI_BYTE, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  head = st.MPI_TAG == TAG_RESULT ? sizeof (guint64) : sizeof (gint32);
  g_assert ((size_t) count >= head);
  buf[count] = '\0';
  *text = (size_t) count > head ? g_strdup (buf + head) : NULL;
  if (st.MPI_TAG == TAG_RESULT)
    {
      memcpy (run, buf, sizeof *run);
      return FS_CLI_MPI_RESULT;
    }
  else
    {
      gint32 s;

      memcpy (&s, buf, sizeof s);
      *status = s;
      return FS_CLI_MPI_DONE;
    }
}

void
fs_cli_mpi_finish (FsCliMpi *m)
{
  if (m == NULL)
    return;
  MPI_Finalize ();
  g_free (m);
}

#else /* !FS_HAVE_MPI */

FsCliMpi *
fs_cli_mpi_init (void)
{
  return NULL;
}

int
fs_cli_mpi_rank (const FsCliMpi *m)
{
  return 0;
}

int
fs_cli_mpi_size (const FsCliMpi *m)
{
  return 1;
}

int
fs_cli_mpi_local_size (const FsCliMpi *m)
{
  return 1;
}

int
fs_cli_mpi_worst (FsCliMpi *m, int status)
{
  return status;
}

gboolean
fs_cli_mpi_agree (FsCliMpi *m, const char *text)
{
  return TRUE;
}

gboolean
fs_cli_mpi_share_runs (FsCliMpi *m, GArray **runs)
{
  return *runs != NULL;
}

void
fs_cli_mpi_send_result (FsCliMpi *m, guint64 run, const char *json)
{
  g_assert_not_reached ();
}

void
fs_cli_mpi_send_done (FsCliMpi *m, int status, const char *message)
{
  g_assert_not_reached ();
}

FsCliMpiMessage
fs_cli_mpi_poll (FsCliMpi *m, guint64 *run, char **text, int *status)
{
  return FS_CLI_MPI_NOTHING;
}

void
fs_cli_mpi_finish (FsCliMpi *m)
{
  g_assert (m == NULL);
}

#endif
