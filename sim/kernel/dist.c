/* dist.c: delay distributions: their text form, GSL samplers and closed-form moments. */
#include "failsim/dist.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (fs-dist-error-quark, fs_dist_error)

struct FsDist {
  FsDistKind kind;
  FsTime p[2];                /* the delays, ns: constant value; uniform min, max; exponential
                                 mean; normal and lognormal mean, sd; weibull scale */
  double shape;               /* weibull shape k, a plain number */
  double ln_mu, ln_sigma;     /* lognormal: mean and sd of the log of the delay in seconds */
  size_t n;                   /* empirical: number of values */
  FsTime *values;             /* empirical: the values, ns */
  double *weights;            /* empirical: their weights as given, all 1 when none were */
  gsl_ran_discrete_t *table;  /* empirical: Walker's alias table built from the weights */
};

/* A distribution's name as written, and its positional parameters. */
typedef struct {
  const char *name;
  FsDistKind kind;
  unsigned nparams;           /* 0 for empirical, which takes any number of values */
  const char *params[2];
  const char *example;
} Law;

static const Law laws[] = {
  { "constant",    FS_DIST_CONSTANT,    1, { "value" },          "constant(5s)" },
  { "const",       FS_DIST_CONSTANT,    1, { "value" },          "const(5s)" },
  { "uniform",     FS_DIST_UNIFORM,     2, { "min", "max" },     "uniform(1s, 5s)" },
  { "exponential", FS_DIST_EXPONENTIAL, 1, { "mean" },           "exponential(30s)" },
  { "exp",         FS_DIST_EXPONENTIAL, 1, { "mean" },           "exp(30s)" },
  { "normal",      FS_DIST_NORMAL,      2, { "mean", "sd" },     "normal(10s, 2s)" },
  { "lognormal",   FS_DIST_LOGNORMAL,   2, { "mean", "sd" },     "lognormal(60s, 20s)" },
  { "weibull",     FS_DIST_WEIBULL,     2, { "scale", "shape" }, "weibull(10s, 1.5)" },
  { "empirical",   FS_DIST_EMPIRICAL,   0, { NULL },             "empirical(1s, 2s, 10s)" },
};

#define LAW_NAMES "constant, uniform, exponential, normal, lognormal, weibull, empirical"

static FsDist *
dist_new (FsDistKind kind)
{
  FsDist *d = g_new0 (FsDist, 1);

  d->kind = kind;
  return d;
}

FsDist *
fs_dist_new_constant (FsTime value)
{
  g_return_val_if_fail (value >= 0, NULL);

  FsDist *d = dist_new (FS_DIST_CONSTANT);
  d->p[0] = value;
  return d;
}

/* Builds the alias table; the weights have been checked to be positive with a finite sum, so
 * GSL has nothing to refuse. */
static void
empirical_build (FsDist *d)
{
  d->table = gsl_ran_discrete_preproc (d->n, d->weights);
  if (d->table == NULL)         /* only when GSL's error handler is off */
    g_error ("cannot build the table of an empirical distribution: out of memory");
}

FsDist *
fs_dist_copy (const FsDist *d)
{
  g_return_val_if_fail (d != NULL, NULL);

  FsDist *c = g_memdup2 (d, sizeof *d);
  if (d->kind == FS_DIST_EMPIRICAL) {
    c->values = g_memdup2 (d->values, d->n * sizeof *d->values);
    c->weights = g_memdup2 (d->weights, d->n * sizeof *d->weights);
    empirical_build (c);        /* the same weights give the same table, so the same draws */
  }
  return c;
}

void
fs_dist_free (FsDist *d)
{
  if (d == NULL)
    return;
  if (d->table != NULL)
    gsl_ran_discrete_free (d->table);
  g_free (d->values);
  g_free (d->weights);
  g_free (d);
}

FsDistKind
fs_dist_kind (const FsDist *d)
{
  g_return_val_if_fail (d != NULL, FS_DIST_CONSTANT);

  return d->kind;
}

/* --- parsing ------------------------------------------------------------------------------- */

static gboolean
parse_duration (const Law *law, const char *what, const char *text, FsTime *out, GError **error)
{
  GError *e = NULL;

  if (!fs_time_parse (text, out, &e)) {
    g_propagate_prefixed_error (error, e, "%s(): %s: invalid duration '%s': ", law->name, what,
                                text);
    return FALSE;
  }
  return TRUE;
}

/* A plain number such as a shape or a weight: all of @text, finite. */
static gboolean
parse_number (const Law *law, const char *what, const char *text, double *out, GError **error)
{
  char *end = NULL;
  double x = g_ascii_strtod (text, &end);

  if (*text == '\0' || end == text || *end != '\0') {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX, "%s(): %s: '%s' is not a number",
                 law->name, what, text);
    return FALSE;
  }
  /* strtod also reads C hexadecimal ("0x1p3"), which is no plain number. */
  if (strpbrk (text, "xX") != NULL) {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                 "%s(): %s: '%s' is not a decimal number", law->name, what, text);
    return FALSE;
  }
  if (!isfinite (x)) {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_RANGE,
                 "%s(): %s: '%s' is not a finite number", law->name, what, text);
    return FALSE;
  }
  *out = x;
  return TRUE;
}

static FsDist *
fail_range (GError **error, const Law *law, const char *what)
{
  g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_RANGE, "%s(): the %s must be greater than 0",
               law->name, what);
  return NULL;
}

/* The laws with a fixed list of parameters, given as @args, one per law->params entry. */
static FsDist *
build_fixed (const Law *law, char **args, GError **error)
{
  g_autoptr (FsDist) d = dist_new (law->kind);

  for (unsigned i = 0; i < law->nparams; i++) {
    if (law->kind == FS_DIST_WEIBULL && i == 1) {
      if (!parse_number (law, law->params[i], args[i], &d->shape, error))
        return NULL;
    } else if (!parse_duration (law, law->params[i], args[i], &d->p[i], error)) {
      return NULL;
    }
  }

  switch (law->kind) {
  case FS_DIST_CONSTANT:
    break;
  case FS_DIST_UNIFORM:
    if (d->p[0] > d->p[1]) {
      char lo[FS_TIME_BUFSZ], hi[FS_TIME_BUFSZ];
      fs_time_format (d->p[0], lo, sizeof lo);
      fs_time_format (d->p[1], hi, sizeof hi);
      g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_RANGE,
                   "%s(): min %s is greater than max %s", law->name, lo, hi);
      return NULL;
    }
    break;
  case FS_DIST_EXPONENTIAL:
    if (d->p[0] == 0)
      return fail_range (error, law, "mean");
    break;
  case FS_DIST_NORMAL:
    /* A zero mean is fine: truncated at zero it is the half-normal law. */
    if (d->p[1] == 0)
      return fail_range (error, law, "sd");
    break;
  case FS_DIST_LOGNORMAL: {
    if (d->p[0] == 0)
      return fail_range (error, law, "mean");
    if (d->p[1] == 0)
      return fail_range (error, law, "sd");
    /* If ln X ~ N(mu, s2) then E X = exp(mu + s2/2) and Var X = (exp(s2) - 1) (E X)^2, so
     * s2 = ln(1 + sd^2/mean^2) and mu = ln(mean) - s2/2. */
    double m = fs_time_to_seconds (d->p[0]), s = fs_time_to_seconds (d->p[1]);
    double s2 = log1p ((s / m) * (s / m));
    d->ln_mu = log (m) - s2 / 2;
    d->ln_sigma = sqrt (s2);
    break;
  }
  case FS_DIST_WEIBULL:
    if (d->p[0] == 0)
      return fail_range (error, law, "scale");
    if (!(d->shape > 0))
      return fail_range (error, law, "shape");
    break;
  case FS_DIST_EMPIRICAL:
  default:
    g_assert_not_reached ();
  }
  return g_steal_pointer (&d);
}

/* Positional or named parameters, not a mix, put in law order into @args. */
static gboolean
order_params (const Law *law, char **parts, unsigned n, char **args, GError **error)
{
  unsigned named = 0;

  for (unsigned i = 0; i < n; i++)
    if (strchr (parts[i], '=') != NULL)
      named++;
  if (named > 0 && named < n) {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                 "%s(): give all parameters by name or all by position, not a mix", law->name);
    return FALSE;
  }
  if (n != law->nparams) {
    g_autofree char *list = law->nparams == 1
        ? g_strdup (law->params[0])
        : g_strdup_printf ("%s, %s", law->params[0], law->params[1]);
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                 "%s() takes %u parameter%s (%s), got %u", law->name, law->nparams,
                 law->nparams == 1 ? "" : "s", list, n);
    return FALSE;
  }

  for (unsigned i = 0; i < n; i++) {
    char *eq = strchr (parts[i], '=');
    if (eq == NULL) {
      args[i] = parts[i];
      continue;
    }
    *eq = '\0';
    char *name = g_strstrip (parts[i]);
    char *value = g_strstrip (eq + 1);
    unsigned slot;
    for (slot = 0; slot < law->nparams; slot++)
      if (strcmp (law->params[slot], name) == 0)
        break;
    if (slot == law->nparams) {
      if (law->nparams == 1)
        g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                     "%s(): unknown parameter '%s'; expected %s", law->name, name,
                     law->params[0]);
      else
        g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                     "%s(): unknown parameter '%s'; expected %s and %s", law->name, name,
                     law->params[0], law->params[1]);
      return FALSE;
    }
    if (args[slot] != NULL) {
      g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                   "%s(): the parameter '%s' is given twice", law->name, name);
      return FALSE;
    }
    if (*value == '\0') {
      g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                   "%s(): the parameter '%s' has no value", law->name, name);
      return FALSE;
    }
    args[slot] = value;
  }
  return TRUE;
}

/* empirical(v, v, ...) or empirical(v:w, v:w, ...). */
static FsDist *
build_empirical (const Law *law, char **parts, unsigned n, GError **error)
{
  g_autoptr (FsDist) d = dist_new (FS_DIST_EMPIRICAL);
  unsigned weighted = 0;
  double sum = 0;

  if (n == 0) {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                 "%s() needs at least one value, as in %s", law->name, law->example);
    return NULL;
  }
  for (unsigned i = 0; i < n; i++) {
    if (strchr (parts[i], '=') != NULL) {
      g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                   "%s() takes values such as 1s or value:weight pairs such as 1s:3, "
                   "not named parameters", law->name);
      return NULL;
    }
    if (strchr (parts[i], ':') != NULL)
      weighted++;
  }
  if (weighted > 0 && weighted < n) {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                 "%s(): give a weight to every value or to none", law->name);
    return NULL;
  }

  d->n = n;
  d->values = g_new (FsTime, n);
  d->weights = g_new (double, n);
  for (unsigned i = 0; i < n; i++) {
    g_autofree char *what = g_strdup_printf ("value %u", i + 1);
    char *colon = strchr (parts[i], ':');
    if (colon != NULL)
      *colon = '\0';
    if (!parse_duration (law, what, g_strstrip (parts[i]), &d->values[i], error))
      return NULL;
    d->weights[i] = 1.0;
    if (colon != NULL) {
      g_autofree char *wwhat = g_strdup_printf ("value %u: weight", i + 1);
      if (!parse_number (law, wwhat, g_strstrip (colon + 1), &d->weights[i], error))
        return NULL;
      if (!(d->weights[i] > 0)) {
        g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_RANGE,
                     "%s(): %s: the weight must be greater than 0", law->name, what);
        return NULL;
      }
    }
    sum += d->weights[i];
  }
  /* GSL normalises by the sum; an infinite one would turn every probability into 0. */
  if (!isfinite (sum)) {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_RANGE,
                 "%s(): the weights are too large to add up", law->name);
    return NULL;
  }
  empirical_build (d);
  return g_steal_pointer (&d);
}

FsDist *
fs_dist_parse (const char *text, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);

  g_autofree char *s = g_strstrip (g_strdup (text));
  if (*s == '\0') {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                 "the distribution is empty; write a duration such as 5s or a law such as "
                 "exponential(30s)");
    return NULL;
  }

  /* A name starts with a letter and a duration with a digit, so anything else is read as a
   * duration, whose parser explains what is wrong with it. */
  if (!g_ascii_isalpha (*s)) {
    GError *e = NULL;
    FsTime v;
    if (!fs_time_parse (s, &v, &e)) {
      g_propagate_prefixed_error (error, e, "invalid duration '%s': ", s);
      return NULL;
    }
    return fs_dist_new_constant (v);
  }

  char *p = s;
  while (g_ascii_isalnum (*p) || *p == '_')
    p++;
  g_autofree char *name = g_strndup (s, (size_t) (p - s));
  const Law *law = NULL;
  for (size_t i = 0; i < G_N_ELEMENTS (laws); i++)
    if (strcmp (laws[i].name, name) == 0)
      law = &laws[i];
  if (law == NULL) {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                 "unknown distribution '%s'; expected one of " LAW_NAMES, name);
    return NULL;
  }

  while (g_ascii_isspace (*p))
    p++;
  if (*p != '(') {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                 "%s needs its parameters in parentheses, as in %s", name, law->example);
    return NULL;
  }
  char *inner = p + 1;
  char *close = strrchr (inner, ')');
  if (close == NULL) {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                 "%s(): the closing ')' is missing", name);
    return NULL;
  }
  if (close[1] != '\0') {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                 "%s(): unexpected text '%s' after ')'", name, g_strchug (close + 1));
    return NULL;
  }
  *close = '\0';
  if (strpbrk (inner, "()") != NULL) {
    g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                 "%s(): parameters cannot contain parentheses; each is a duration or a number",
                 name);
    return NULL;
  }

  g_auto (GStrv) parts = g_strsplit (inner, ",", -1);
  unsigned n = g_strv_length (parts);
  for (unsigned i = 0; i < n; i++)
    g_strstrip (parts[i]);
  if (n == 1 && *parts[0] == '\0')
    n = 0;                      /* "exponential()": no parameters rather than one empty one */
  for (unsigned i = 0; i < n; i++) {
    if (*parts[i] == '\0') {
      g_set_error (error, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX,
                   "%s(): parameter %u is empty", name, i + 1);
      return NULL;
    }
  }

  if (law->kind == FS_DIST_EMPIRICAL)
    return build_empirical (law, parts, n, error);

  char *args[2] = { NULL, NULL };
  if (!order_params (law, parts, n, args, error))
    return NULL;
  return build_fixed (law, args, error);
}

/* --- sampling and moments ------------------------------------------------------------------ */

FsTime
fs_dist_sample (const FsDist *d, gsl_rng *r)
{
  g_return_val_if_fail (d != NULL, 0);
  g_return_val_if_fail (r != NULL || d->kind == FS_DIST_CONSTANT, 0);

  double x = 0;

  switch (d->kind) {
  case FS_DIST_CONSTANT:
    return d->p[0];
  case FS_DIST_UNIFORM: {
    /* In nanoseconds rather than seconds, so that a draw stays within [min, max] exactly and
     * uniform(a, a) gives a. (double) width * u is below 2^63 - 1024, so the cast is safe. */
    FsTime width = d->p[1] - d->p[0];
    FsTime off = (FsTime) round ((double) width * gsl_rng_uniform (r));
    return d->p[0] + MIN (off, width);
  }
  case FS_DIST_EXPONENTIAL:
    x = gsl_ran_exponential (r, fs_time_to_seconds (d->p[0]));
    break;
  case FS_DIST_NORMAL: {
    /* By rejection: the mean is a duration, so never negative, and a draw is accepted with
     * probability 1 - Phi(-mean/sd) >= 1/2; at most two tries are needed on average, and an
     * inverse-CDF sampler for the far tail would never be used. */
    double mu = fs_time_to_seconds (d->p[0]), sigma = fs_time_to_seconds (d->p[1]);
    do
      x = mu + gsl_ran_gaussian_ziggurat (r, sigma);
    while (x < 0);
    break;
  }
  case FS_DIST_LOGNORMAL:
    x = gsl_ran_lognormal (r, d->ln_mu, d->ln_sigma);
    break;
  case FS_DIST_WEIBULL:
    x = gsl_ran_weibull (r, fs_time_to_seconds (d->p[0]), d->shape);
    break;
  case FS_DIST_EMPIRICAL:
    return d->values[gsl_ran_discrete (r, d->table)];
  default:
    g_assert_not_reached ();
  }
  return fs_time_from_seconds (x);
}

/* Gamma(x) for x >= 1, infinite where it overflows a double instead of calling GSL's error
 * handler, which aborts (a Weibull shape below about 0.012 gets there). */
static double
gamma_or_inf (double x)
{
  return x < GSL_SF_GAMMA_XMAX ? gsl_sf_gamma (x) : INFINITY;
}

/* The standard normal truncated to [a, inf) has mean lambda = phi(a) / (1 - Phi(a)) and
 * variance 1 + a lambda - lambda^2; here a = -mean/sd <= 0, so 1 - Phi(a) >= 1/2 and is
 * computed accurately as Q(a). */
static void
normal_moments (const FsDist *d, double *mean, double *var)
{
  double mu = fs_time_to_seconds (d->p[0]), sigma = fs_time_to_seconds (d->p[1]);
  double a = -mu / sigma;
  double lambda = gsl_ran_ugaussian_pdf (a) / gsl_cdf_ugaussian_Q (a);

  *mean = mu + sigma * lambda;
  *var = sigma * sigma * (1 + a * lambda - lambda * lambda);
}

double
fs_dist_mean_s (const FsDist *d)
{
  g_return_val_if_fail (d != NULL, NAN);

  switch (d->kind) {
  case FS_DIST_CONSTANT:
  case FS_DIST_EXPONENTIAL:
  case FS_DIST_LOGNORMAL:
    return fs_time_to_seconds (d->p[0]);
  case FS_DIST_UNIFORM:
    return (fs_time_to_seconds (d->p[0]) + fs_time_to_seconds (d->p[1])) / 2;
  case FS_DIST_NORMAL: {
    double mean, var;
    normal_moments (d, &mean, &var);
    return mean;
  }
  case FS_DIST_WEIBULL:
    return fs_time_to_seconds (d->p[0]) * gamma_or_inf (1 + 1 / d->shape);
  case FS_DIST_EMPIRICAL: {
    double sw = 0, swx = 0;
    for (size_t i = 0; i < d->n; i++) {
      sw += d->weights[i];
      swx += d->weights[i] * fs_time_to_seconds (d->values[i]);
    }
    return swx / sw;
  }
  default:
    g_assert_not_reached ();
  }
}

double
fs_dist_variance_s2 (const FsDist *d)
{
  g_return_val_if_fail (d != NULL, NAN);

  double a = fs_time_to_seconds (d->p[0]), b = fs_time_to_seconds (d->p[1]);

  switch (d->kind) {
  case FS_DIST_CONSTANT:
    return 0;
  case FS_DIST_UNIFORM:
    return (b - a) * (b - a) / 12;
  case FS_DIST_EXPONENTIAL:
    return a * a;
  case FS_DIST_NORMAL: {
    double mean, var;
    normal_moments (d, &mean, &var);
    return var;
  }
  case FS_DIST_LOGNORMAL:
    return b * b;
  case FS_DIST_WEIBULL: {
    double g1 = gamma_or_inf (1 + 1 / d->shape), g2 = gamma_or_inf (1 + 2 / d->shape);
    if (isinf (g2))             /* g2 > g1^2 always, so the variance is infinite too */
      return INFINITY;
    return a * a * (g2 - g1 * g1);
  }
  case FS_DIST_EMPIRICAL: {
    double mean = fs_dist_mean_s (d), sw = 0, ss = 0;
    for (size_t i = 0; i < d->n; i++) {
      double dev = fs_time_to_seconds (d->values[i]) - mean;
      sw += d->weights[i];
      ss += d->weights[i] * dev * dev;
    }
    return ss / sw;
  }
  default:
    g_assert_not_reached ();
  }
}

/* --- text ---------------------------------------------------------------------------------- */

/* The shortest "%.*g" that reads back as the same double (at most 17 digits always does). */
static void
append_number (GString *out, double x)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (int digits = 1; digits <= 17; digits++) {
    char fmt[8];
    g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
    g_ascii_formatd (buf, sizeof buf, fmt, x);
    if (g_ascii_strtod (buf, NULL) == x)
      break;
  }
  g_string_append (out, buf);
}

static void
append_time (GString *out, FsTime t)
{
  char buf[FS_TIME_BUFSZ];

  fs_time_format (t, buf, sizeof buf);
  g_string_append (out, buf);
}

static const char *
kind_name (FsDistKind kind)
{
  for (size_t i = 0; i < G_N_ELEMENTS (laws); i++)
    if (laws[i].kind == kind)
      return laws[i].name;      /* the first entry of a kind is its full name */
  g_assert_not_reached ();
}

char *
fs_dist_to_string (const FsDist *d)
{
  g_return_val_if_fail (d != NULL, NULL);

  /* A constant is written as its bare duration, the way people write it. */
  if (d->kind == FS_DIST_CONSTANT)
    return fs_time_to_string (d->p[0]);

  GString *out = g_string_new (kind_name (d->kind));
  g_string_append_c (out, '(');
  switch (d->kind) {
  case FS_DIST_EXPONENTIAL:
    append_time (out, d->p[0]);
    break;
  case FS_DIST_UNIFORM:
  case FS_DIST_NORMAL:
  case FS_DIST_LOGNORMAL:
    append_time (out, d->p[0]);
    g_string_append (out, ", ");
    append_time (out, d->p[1]);
    break;
  case FS_DIST_WEIBULL:
    append_time (out, d->p[0]);
    g_string_append (out, ", ");
    append_number (out, d->shape);
    break;
  case FS_DIST_EMPIRICAL: {
    /* Equal weights, whatever their value, are the unweighted law. */
    gboolean equal = TRUE;
    for (size_t i = 1; i < d->n; i++)
      equal = equal && d->weights[i] == d->weights[0];
    for (size_t i = 0; i < d->n; i++) {
      if (i > 0)
        g_string_append (out, ", ");
      append_time (out, d->values[i]);
      if (!equal) {
        g_string_append_c (out, ':');
        append_number (out, d->weights[i]);
      }
    }
    break;
  }
  case FS_DIST_CONSTANT:
  default:
    g_assert_not_reached ();
  }
  g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}
