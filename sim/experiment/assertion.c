/* assertion.c: "downtime.p95 < 5m": reading assertions and checking them against results. */
#include "failsim/experiment.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "failsim/node.h"

static const char *const op_texts[] = { "<", "<=", ">", ">=", "==", "!=" };

const char *
fs_compare_op_text (FsCompareOp op)
{
  return op_texts[op];
}

void
fs_assertion_free (FsAssertion *a)
{
  if (a == NULL)
    return;
  g_free (a->text);
  g_free (a->variant);
  g_free (a->metric);
  g_free (a);
}

static gboolean
fail (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError **error, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, FS_EXPERIMENT_ERROR, FS_EXPERIMENT_ERROR_ASSERTION, message);
  return FALSE;
}

static gboolean
is_op_char (char c)
{
  return c == '<' || c == '>' || c == '=' || c == '!';
}

/* A variant name as written before ':': no blanks and no operator, so the colon of an IPv6
 * address inside an outage name ("outage.blackhole.r1 2001:db8::/32") is not taken for one. */
static gboolean
looks_like_variant (const char *text, size_t len)
{
  size_t i;

  if (len == 0)
    return FALSE;
  for (i = 0; i < len; i++)
    if (g_ascii_isspace (text[i]) || is_op_char (text[i]))
      return FALSE;
  return TRUE;
}

/* Reads @text as a plain number or a duration. */
static gboolean
parse_value (const char *text, double *value, gboolean *is_duration)
{
  char *end = NULL;
  double v;
  FsTime t;

  errno = 0;
  v = g_ascii_strtod (text, &end);
  if (end != text && *end == '\0' && errno == 0 && isfinite (v))
    {
      *value = v;
      *is_duration = FALSE;
      return TRUE;
    }
  if (fs_time_parse (text, &t, NULL))
    {
      *value = fs_time_to_seconds (t);
      *is_duration = TRUE;
      return TRUE;
    }
  return FALSE;
}

FsAssertion *
fs_assertion_parse (const char *text, const char *const *variants, GError **error)
{
  g_autoptr (FsAssertion) a = g_new0 (FsAssertion, 1);
  g_autofree char *value_text = NULL;
  const char *rest, *p, *colon;
  size_t op_len = 1;

  g_return_val_if_fail (text != NULL, NULL);
  a->text = g_strstrip (g_strdup (text));
  if (a->text[0] == '\0')
    {
      fail (error, "empty; expected METRIC OP VALUE, such as 'downtime.p95 < 5m'");
      return NULL;
    }
  rest = a->text;
  colon = strchr (a->text, ':');
  if (variants != NULL && colon != NULL && looks_like_variant (a->text, (size_t) (colon - a->text)))
    {
      g_autofree char *name = g_strndup (a->text, (size_t) (colon - a->text));
      g_autofree char *list = g_strjoinv (", ", (char **) variants);
      const char *close;

      if (!g_strv_contains (variants, name))
        {
          close = fs_node_closest (name, variants);
          if (close != NULL)
            fail (error, "no variant named '%s'; did you mean '%s'?", name, close);
          else
            fail (error, "no variant named '%s'; the variants are %s", name, list);
          return NULL;
        }
      a->variant = g_steal_pointer (&name);
      rest = colon + 1;
    }

  for (p = rest; *p != '\0' && !is_op_char (*p); p++)
    ;
  if (*p == '\0')
    {
      fail (error, "no comparison operator; expected METRIC OP VALUE with OP one of "
                   "< <= > >= == !=");
      return NULL;
    }
  switch (*p)
    {
    case '<':
      a->op = p[1] == '=' ? FS_OP_LE : FS_OP_LT;
      break;
    case '>':
      a->op = p[1] == '=' ? FS_OP_GE : FS_OP_GT;
      break;
    case '=':
      if (p[1] != '=')
        {
          fail (error, "'=' is not an operator; write '==' to test equality");
          return NULL;
        }
      a->op = FS_OP_EQ;
      break;
    default:
      if (p[1] != '=')
        {
          fail (error, "'!' is not an operator; write '!=' to test inequality");
          return NULL;
        }
      a->op = FS_OP_NE;
      break;
    }
  if (a->op != FS_OP_LT && a->op != FS_OP_GT)
    op_len = 2;
  a->metric = g_strstrip (g_strndup (rest, (size_t) (p - rest)));
  value_text = g_strstrip (g_strdup (p + op_len));
  if (a->metric[0] == '\0')
    {
      fail (error, "no metric before '%s'", op_texts[a->op]);
      return NULL;
    }
  if (value_text[0] == '\0')
    {
      fail (error, "no value after '%s'", op_texts[a->op]);
      return NULL;
    }
  for (p = value_text; *p != '\0'; p++)
    if (is_op_char (*p))
      {
        fail (error, "more than one comparison operator ('%s' after '%s')", value_text,
              op_texts[a->op]);
        return NULL;
      }
  if (!parse_value (value_text, &a->value, &a->is_duration))
    {
      fail (error, "'%s' is neither a number nor a duration (such as 300, 5m or 1m30s)", value_text);
      return NULL;
    }
  return g_steal_pointer (&a);
}

static gboolean
holds (FsCompareOp op, double x, double v)
{
  switch (op)
    {
    case FS_OP_LT:
      return x < v;
    case FS_OP_LE:
      return x <= v;
    case FS_OP_GT:
      return x > v;
    case FS_OP_GE:
      return x >= v;
    case FS_OP_EQ:
      return x == v;
    case FS_OP_NE:
      return x != v;
    }
  return FALSE;
}

/* The metric names of @e, NULL-terminated, for "did you mean". Borrowed strings. */
static const char **
metric_names (const FsExperiment *e)
{
  guint n = fs_experiment_n_metrics (e), i;
  const char **names = g_new0 (const char *, n + 1);

  for (i = 0; i < n; i++)
    names[i] = fs_experiment_metric (e, i)->name;
  return names;
}

/* "mean of 20 replications", "the run's value", "mean of the 12 of 20 replications that had it". */
static char *
describe_mean (const FsExperiment *e, const FsSummary *s)
{
  guint reps = fs_experiment_n_reps (e);

  if (reps == 1)
    return g_strdup ("the run's value");
  if (s->n < reps)
    return g_strdup_printf ("mean of the %u of %u replications that had it", s->n, reps);
  return g_strdup_printf ("mean of %u replications", reps);
}

void
fs_assertion_check (const FsAssertion *a, const FsExperiment *e, const char *name,
                    FsAssertionResult *out)
{
  const FsSummary *s = fs_experiment_find (e, a->metric);
  g_autofree char *what = NULL;
  char shown[64], bound[64];
  FsMetricUnit unit = FS_METRIC_SECONDS;
  double x = NAN;

  out->name = g_strdup (name != NULL ? name : a->text);
  out->pass = FALSE;
  out->message = NULL;

  if (s != NULL)
    {
      g_autofree char *mean = describe_mean (e, s);
      char lo[64], hi[64];

      x = s->mean;
      unit = s->unit;
      if (s->n >= 2)
        {
          fs_metric_format (unit, s->mean - s->ci95_half, lo, sizeof lo);
          fs_metric_format (unit, s->mean + s->ci95_half, hi, sizeof hi);
          what = g_strdup_printf ("%s, 95%% CI %s..%s", mean, lo, hi);
        }
      else
        what = g_steal_pointer (&mean);
    }
  else if (g_str_has_suffix (a->metric, ".ci_low") || g_str_has_suffix (a->metric, ".ci_high"))
    {
      gboolean high = g_str_has_suffix (a->metric, ".ci_high");
      g_autofree char *base = g_strndup (a->metric, strlen (a->metric) - (high ? 8 : 7));

      s = fs_experiment_find (e, base);
      if (s == NULL)
        {
          out->message = g_strdup_printf ("no metric '%s' in the results", base);
          return;
        }
      if (s->n < 2)
        {
          out->message = g_strdup_printf ("'%s' has no confidence interval: it was measured in "
                                          "%u replication%s (use --reps 2 or more)", base, s->n,
                                          s->n == 1 ? "" : "s");
          return;
        }
      unit = s->unit;
      x = high ? s->mean + s->ci95_half : s->mean - s->ci95_half;
      what = g_strdup_printf ("%s bound of the 95%% CI of the mean of %u replications",
                              high ? "upper" : "lower", s->n);
    }
  else if (fs_experiment_find_pooled (e, a->metric, &x))
    {
      guint i;

      /* The pooled count for the message: the one service, or the one named. */
      for (i = 0; i < fs_experiment_n_pooled (e); i++)
        {
          const FsPooled *p = fs_experiment_pooled (e, i);

          size_t len = strlen (p->service);

          if (fs_experiment_n_pooled (e) == 1
              || (strncmp (a->metric, p->service, len) == 0 && a->metric[len] == '.'))
            {
              what = g_strdup_printf ("pooled over %" G_GUINT64_FORMAT " affected clients of %u "
                                      "replication%s", p->clients, fs_experiment_n_reps (e),
                                      fs_experiment_n_reps (e) == 1 ? "" : "s");
              break;
            }
        }
      if (what == NULL)
        what = g_strdup ("pooled over clients");
    }
  else
    {
      g_autofree const char **names = metric_names (e);
      const char *close = fs_node_closest (a->metric, names);

      if (close != NULL)
        out->message = g_strdup_printf ("no metric '%s' in the results; did you mean '%s'?",
                                        a->metric, close);
      else
        out->message = g_strdup_printf ("no metric '%s' in the results (they are listed by "
                                        "failsim run --reps and in docs/experiments.md)", a->metric);
      return;
    }

  fs_metric_format (unit, x, shown, sizeof shown);
  if (a->is_duration && unit != FS_METRIC_SECONDS)
    {
      out->message = g_strdup_printf ("'%s' is a %s, not a duration: compare it with a plain "
                                      "number (it is %s)", a->metric,
                                      unit == FS_METRIC_COUNT ? "count" : "number", shown);
      return;
    }
  out->pass = holds (a->op, x, a->value);
  /* A plain number against a duration is seconds, and reads back as one. */
  fs_metric_format (unit == FS_METRIC_SECONDS ? FS_METRIC_SECONDS : FS_METRIC_NUMBER, a->value,
                    bound, sizeof bound);
  if (out->pass)
    out->message = g_strdup_printf ("%s (%s)", shown, what);
  else
    out->message = g_strdup_printf ("%s (%s), not %s %s", shown, what, op_texts[a->op], bound);
}

void
fs_assertion_result_clear (FsAssertionResult *r)
{
  g_clear_pointer (&r->name, g_free);
  g_clear_pointer (&r->message, g_free);
}
