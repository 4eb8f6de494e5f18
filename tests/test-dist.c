/* test-dist.c: delay distributions: the grammar and its messages, canonical text, and samples
 * compared with the closed-form moments. */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <string.h>

#include "failsim/dist.h"
#include "failsim/rng.h"

#define SEED 20240501

static FsDist *
parse_ok (const char *text)
{
  GError *error = NULL;
  FsDist *d = fs_dist_parse (text, &error);

  cr_assert_not_null (d, "'%s' should parse: %s", text, error != NULL ? error->message : "");
  cr_assert_null (error);
  return d;
}

static void
assert_parse_error (const char *text, GQuark domain, int code, const char *message)
{
  GError *error = NULL;
  FsDist *d = fs_dist_parse (text, &error);

  cr_assert_null (d, "'%s' should not parse", text);
  cr_assert_not_null (error);
  cr_assert_eq (error->domain, domain, "'%s': wrong error domain (%s)", text, error->message);
  cr_assert_eq (error->code, code, "'%s': code %d, expected %d (%s)", text, error->code, code,
                error->message);
  cr_assert_str_eq (error->message, message, "'%s'", text);
  g_error_free (error);
}

#define SYNTAX(text, message) \
  assert_parse_error (text, FS_DIST_ERROR, FS_DIST_ERROR_SYNTAX, message)
#define RANGE(text, message) \
  assert_parse_error (text, FS_DIST_ERROR, FS_DIST_ERROR_RANGE, message)

static void
assert_canonical (const char *text, const char *canonical)
{
  g_autoptr (FsDist) d = parse_ok (text);
  g_autofree char *s = fs_dist_to_string (d);

  cr_assert_str_eq (s, canonical, "'%s'", text);
}

/* --- the grammar --------------------------------------------------------------------------- */

Test (dist, every_law_parses_by_position_to_its_kind)
{
  static const struct { const char *text; FsDistKind kind; } cases[] = {
    { "5s", FS_DIST_CONSTANT },
    { "constant(5s)", FS_DIST_CONSTANT },
    { "uniform(1s, 5s)", FS_DIST_UNIFORM },
    { "exponential(30s)", FS_DIST_EXPONENTIAL },
    { "normal(10s, 2s)", FS_DIST_NORMAL },
    { "lognormal(60s, 20s)", FS_DIST_LOGNORMAL },
    { "weibull(10s, 1.5)", FS_DIST_WEIBULL },
    { "empirical(1s, 2s, 10s)", FS_DIST_EMPIRICAL },
    { "empirical(1s:3, 10s:1)", FS_DIST_EMPIRICAL },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (FsDist) d = parse_ok (cases[i].text);
    cr_assert_eq (fs_dist_kind (d), cases[i].kind, "'%s'", cases[i].text);
  }
}

Test (dist, named_parameters_may_come_in_any_order)
{
  assert_canonical ("normal(mean=10s, sd=2s)", "normal(10s, 2s)");
  assert_canonical ("normal(sd=2s, mean=10s)", "normal(10s, 2s)");
  assert_canonical ("uniform(max=5s, min=1s)", "uniform(1s, 5s)");
  assert_canonical ("weibull(shape=1.5, scale=10s)", "weibull(10s, 1.5)");
  assert_canonical ("lognormal(sd=20s, mean=1m)", "lognormal(1m, 20s)");
  assert_canonical ("exponential(mean=30s)", "exponential(30s)");
  assert_canonical ("constant(value=5s)", "5s");
}

Test (dist, exp_and_const_are_aliases)
{
  assert_canonical ("exp(30s)", "exponential(30s)");
  assert_canonical ("const(5s)", "5s");
}

Test (dist, blanks_are_free)
{
  assert_canonical ("  normal ( mean = 10s ,sd=2s )  ", "normal(10s, 2s)");
  assert_canonical ("\tempirical( 1s : 3 , 10s:1 )", "empirical(1s:3, 10s:1)");
  assert_canonical (" 5s ", "5s");
}

Test (dist, durations_inside_are_exact)
{
  g_autoptr (FsDist) d = parse_ok ("uniform(0.1s, 0.3s)");
  g_autofree char *s = fs_dist_to_string (d);

  cr_assert_str_eq (s, "uniform(100ms, 300ms)");
  cr_assert_eq (fs_dist_mean_s (d), 0.2);
}

Test (dist, a_constant_made_in_code_is_a_constant)
{
  g_autoptr (FsDist) d = fs_dist_new_constant (250 * FS_MSEC);
  g_autofree char *s = fs_dist_to_string (d);

  cr_assert_eq (fs_dist_kind (d), FS_DIST_CONSTANT);
  cr_assert_str_eq (s, "250ms");
  cr_assert_eq (fs_dist_mean_s (d), 0.25);
  cr_assert_eq (fs_dist_variance_s2 (d), 0.0);
}

Test (dist, the_text_must_name_a_known_law)
{
  SYNTAX ("", "the distribution is empty; write a duration such as 5s or a law such as "
              "exponential(30s)");
  SYNTAX ("   ", "the distribution is empty; write a duration such as 5s or a law such as "
                 "exponential(30s)");
  SYNTAX ("gauss(1s, 2s)", "unknown distribution 'gauss'; expected one of constant, uniform, "
                           "exponential, normal, lognormal, weibull, empirical");
  SYNTAX ("gauss", "unknown distribution 'gauss'; expected one of constant, uniform, "
                   "exponential, normal, lognormal, weibull, empirical");
  SYNTAX ("Normal(10s, 2s)", "unknown distribution 'Normal'; expected one of constant, uniform, "
                             "exponential, normal, lognormal, weibull, empirical");
  SYNTAX ("exponential", "exponential needs its parameters in parentheses, as in "
                         "exponential(30s)");
  SYNTAX ("normal 10s 2s", "normal needs its parameters in parentheses, as in normal(10s, 2s)");
}

Test (dist, parentheses_must_hold_a_flat_list)
{
  SYNTAX ("normal(10s, 2s", "normal(): the closing ')' is missing");
  SYNTAX ("normal(10s, 2s) x", "normal(): unexpected text 'x' after ')'");
  SYNTAX ("normal(exp(1s), 2s)",
          "normal(): parameters cannot contain parentheses; each is a duration or a number");
  SYNTAX ("normal(10s) (2s)",
          "normal(): parameters cannot contain parentheses; each is a duration or a number");
  SYNTAX ("normal(10s, )", "normal(): parameter 2 is empty");
  SYNTAX ("normal(, )", "normal(): parameter 1 is empty");
}

Test (dist, each_law_takes_its_number_of_parameters)
{
  SYNTAX ("normal(10s)", "normal() takes 2 parameters (mean, sd), got 1");
  SYNTAX ("normal(10s, 2s, 3s)", "normal() takes 2 parameters (mean, sd), got 3");
  SYNTAX ("uniform(1s)", "uniform() takes 2 parameters (min, max), got 1");
  SYNTAX ("weibull(1s)", "weibull() takes 2 parameters (scale, shape), got 1");
  SYNTAX ("exponential(1s, 2s)", "exponential() takes 1 parameter (mean), got 2");
  SYNTAX ("exponential()", "exponential() takes 1 parameter (mean), got 0");
  SYNTAX ("exp( )", "exp() takes 1 parameter (mean), got 0");
  SYNTAX ("constant(1s, 2s)", "constant() takes 1 parameter (value), got 2");
  SYNTAX ("empirical()", "empirical() needs at least one value, as in empirical(1s, 2s, 10s)");
}

Test (dist, named_parameters_must_be_known_once_and_not_mixed)
{
  SYNTAX ("normal(mean=10s, 2s)",
          "normal(): give all parameters by name or all by position, not a mix");
  SYNTAX ("normal(mu=10s, sd=2s)", "normal(): unknown parameter 'mu'; expected mean and sd");
  SYNTAX ("exponential(rate=1s)", "exponential(): unknown parameter 'rate'; expected mean");
  SYNTAX ("normal(mean=10s, mean=2s)", "normal(): the parameter 'mean' is given twice");
  SYNTAX ("normal(mean=, sd=2s)", "normal(): the parameter 'mean' has no value");
  SYNTAX ("empirical(x=1s)", "empirical() takes values such as 1s or value:weight pairs such "
                             "as 1s:3, not named parameters");
}

Test (dist, parameters_out_of_range_say_which_and_why)
{
  RANGE ("uniform(5s, 1s)", "uniform(): min 5s is greater than max 1s");
  RANGE ("uniform(max=1s, min=5s)", "uniform(): min 5s is greater than max 1s");
  RANGE ("exponential(0s)", "exponential(): the mean must be greater than 0");
  RANGE ("normal(10s, 0s)", "normal(): the sd must be greater than 0");
  RANGE ("lognormal(0s, 1s)", "lognormal(): the mean must be greater than 0");
  RANGE ("lognormal(1s, 0s)", "lognormal(): the sd must be greater than 0");
  RANGE ("weibull(0s, 1.5)", "weibull(): the scale must be greater than 0");
  RANGE ("weibull(10s, 0)", "weibull(): the shape must be greater than 0");
  RANGE ("weibull(10s, -1)", "weibull(): the shape must be greater than 0");
  RANGE ("empirical(1s:0)", "empirical(): value 1: the weight must be greater than 0");
  RANGE ("empirical(1s:1, 2s:-3)", "empirical(): value 2: the weight must be greater than 0");
  RANGE ("empirical(1s:1e308, 2s:1e308)", "empirical(): the weights are too large to add up");
}

Test (dist, plain_numbers_must_be_finite_numbers)
{
  SYNTAX ("weibull(10s, abc)", "weibull(): shape: 'abc' is not a number");
  SYNTAX ("weibull(10s, 1.5x)", "weibull(): shape: '1.5x' is not a number");
  SYNTAX ("weibull(10s, 1.5 2)", "weibull(): shape: '1.5 2' is not a number");
  SYNTAX ("weibull(10s, 0x10)", "weibull(): shape: '0x10' is not a decimal number");
  RANGE ("weibull(10s, inf)", "weibull(): shape: 'inf' is not a finite number");
  RANGE ("weibull(10s, nan)", "weibull(): shape: 'nan' is not a finite number");
  RANGE ("weibull(10s, 1e999)", "weibull(): shape: '1e999' is not a finite number");
  SYNTAX ("empirical(1s:abc)", "empirical(): value 1: weight: 'abc' is not a number");
  SYNTAX ("empirical(1s:)", "empirical(): value 1: weight: '' is not a number");
  SYNTAX ("empirical(1s:1, 2s)", "empirical(): give a weight to every value or to none");
}

Test (dist, a_bad_duration_inside_names_its_parameter)
{
  assert_parse_error ("lognormal(1x, 2s)", FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                      "lognormal(): mean: invalid duration '1x': unknown unit 'x' "
                      "(use ns, us, ms, s, m, h or d)");
  assert_parse_error ("normal(10s, -2s)", FS_TIME_ERROR, FS_TIME_ERROR_RANGE,
                      "normal(): sd: invalid duration '-2s': negative durations are not allowed");
  assert_parse_error ("weibull(10, 1.5)", FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                      "weibull(): scale: invalid duration '10': missing unit after '10' "
                      "(use ns, us, ms, s, m, h or d)");
  assert_parse_error ("uniform(min=1s, max=0.1ns)", FS_TIME_ERROR, FS_TIME_ERROR_RANGE,
                      "uniform(): max: invalid duration '0.1ns': '0.1ns' is finer than 1ns, "
                      "the resolution of simulated time");
  assert_parse_error ("empirical(1s, 2x)", FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                      "empirical(): value 2: invalid duration '2x': unknown unit 'x' "
                      "(use ns, us, ms, s, m, h or d)");
  assert_parse_error ("5x", FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                      "invalid duration '5x': unknown unit 'x' (use ns, us, ms, s, m, h or d)");
  assert_parse_error (" -5s", FS_TIME_ERROR, FS_TIME_ERROR_RANGE,
                      "invalid duration '-5s': negative durations are not allowed");
}

/* --- canonical text ------------------------------------------------------------------------ */

Test (dist, to_string_writes_the_canonical_text)
{
  assert_canonical ("constant(1h30m)", "1h30m");
  assert_canonical ("const(0)", "0s");
  assert_canonical ("uniform(0.1s, 90s)", "uniform(100ms, 1m30s)");
  assert_canonical ("lognormal(60s, 20s)", "lognormal(1m, 20s)");
  assert_canonical ("weibull(10s, 1e-3)", "weibull(10s, 0.001)");
  assert_canonical ("weibull(10s, 2.0)", "weibull(10s, 2)");
  assert_canonical ("weibull(10s, 0.30000000000000004)", "weibull(10s, 0.30000000000000004)");
  assert_canonical ("empirical(1s, 2s, 10s)", "empirical(1s, 2s, 10s)");
  assert_canonical ("empirical(1s:3, 10s:1)", "empirical(1s:3, 10s:1)");
  /* Equal weights are the unweighted law, whatever they are. */
  assert_canonical ("empirical(1s:2, 2s:2)", "empirical(1s, 2s)");
}

/* The canonical text parses back to the same text, the same moments and the same draws. */
Test (dist, to_string_parses_back_to_the_same_law)
{
  static const char *texts[] = {
    "5s", "constant(0)", "uniform(1s, 5s)", "uniform(2s, 2s)", "exp(30s)",
    "normal(10s, 2s)", "normal(0s, 1.5ms)", "lognormal(60s, 20s)", "weibull(10s, 1.5)",
    "weibull(1d, 0.1)", "weibull(1ns, 1.2345678901234567)", "empirical(1s, 2s, 10s)",
    "empirical(1.5ms:0.25, 1d:0.75, 0:1e-5)", "uniform(0, 106751d23h47m16.854775807s)",
  };

  for (size_t i = 0; i < G_N_ELEMENTS (texts); i++) {
    g_autoptr (FsDist) a = parse_ok (texts[i]);
    g_autofree char *sa = fs_dist_to_string (a);
    g_autoptr (FsDist) b = parse_ok (sa);
    g_autofree char *sb = fs_dist_to_string (b);

    cr_assert_str_eq (sb, sa, "'%s'", texts[i]);
    cr_assert_eq (fs_dist_kind (b), fs_dist_kind (a));
    cr_assert_eq (fs_dist_mean_s (b), fs_dist_mean_s (a), "'%s'", texts[i]);
    cr_assert_eq (fs_dist_variance_s2 (b), fs_dist_variance_s2 (a), "'%s'", texts[i]);

    gsl_rng *ra = fs_rng_new_stream (SEED, 0, texts[i]);
    gsl_rng *rb = fs_rng_new_stream (SEED, 0, texts[i]);
    for (int k = 0; k < 100; k++)
      cr_assert_eq (fs_dist_sample (a, ra), fs_dist_sample (b, rb), "'%s' draw %d", texts[i], k);
    gsl_rng_free (ra);
    gsl_rng_free (rb);
  }
}

Test (dist, a_copy_is_the_same_law_with_the_same_draws)
{
  static const char *texts[] = { "empirical(1s:3, 2s:1, 10s:1)", "lognormal(60s, 20s)", "7s" };

  for (size_t i = 0; i < G_N_ELEMENTS (texts); i++) {
    g_autoptr (FsDist) a = parse_ok (texts[i]);
    g_autoptr (FsDist) b = fs_dist_copy (a);
    g_autofree char *sa = fs_dist_to_string (a);
    g_autofree char *sb = fs_dist_to_string (b);
    cr_assert_str_eq (sa, sb);

    gsl_rng *ra = fs_rng_new_stream (SEED, 0, "copy");
    gsl_rng *rb = fs_rng_new_stream (SEED, 0, "copy");
    for (int k = 0; k < 1000; k++)
      cr_assert_eq (fs_dist_sample (a, ra), fs_dist_sample (b, rb), "'%s' draw %d", texts[i], k);
    gsl_rng_free (ra);
    gsl_rng_free (rb);
  }
}

/* --- closed forms -------------------------------------------------------------------------- */

Test (dist, closed_form_moments_are_exact)
{
  static const struct { const char *text; double mean, var; } cases[] = {
    { "5s", 5, 0 },
    { "uniform(1s, 5s)", 3, 16.0 / 12 },
    { "exponential(30s)", 30, 900 },
    { "lognormal(60s, 20s)", 60, 400 },
    { "weibull(10s, 1)", 10, 100 },                       /* the exponential law */
    { "weibull(10s, 2)", 5 * M_SQRTPI, 100 * (1 - M_PI / 4) },   /* Gamma(3/2) = sqrt(pi)/2 */
    { "normal(0s, 1s)", M_SQRT2 / M_SQRTPI, 1 - 2 / M_PI },      /* the half-normal law */
    { "empirical(1s:3, 10s:1)", 3.25, 15.1875 },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (FsDist) d = parse_ok (cases[i].text);
    cr_assert_float_eq (fs_dist_mean_s (d), cases[i].mean, 1e-12 * (1 + cases[i].mean),
                        "'%s': mean %.17g", cases[i].text, fs_dist_mean_s (d));
    cr_assert_float_eq (fs_dist_variance_s2 (d), cases[i].var, 1e-12 * (1 + cases[i].var),
                        "'%s': variance %.17g", cases[i].text, fs_dist_variance_s2 (d));
  }
}

Test (dist, a_weibull_with_a_tiny_shape_has_infinite_moments_rather_than_aborting)
{
  g_autoptr (FsDist) d = parse_ok ("weibull(1s, 0.001)");

  cr_assert (isinf (fs_dist_mean_s (d)));
  cr_assert (isinf (fs_dist_variance_s2 (d)));
}

/* --- sampling: exact properties ------------------------------------------------------------ */

Test (dist, a_constant_draws_nothing_from_the_generator)
{
  g_autoptr (FsDist) d = parse_ok ("5s");
  gsl_rng *r = fs_rng_new_stream (SEED, 0, "constant");
  gsl_rng *untouched = gsl_rng_clone (r);

  for (int i = 0; i < 10; i++)
    cr_assert_eq (fs_dist_sample (d, r), 5 * FS_SEC);
  cr_assert_eq (gsl_rng_get (r), gsl_rng_get (untouched));
  gsl_rng_free (r);
  gsl_rng_free (untouched);
}

Test (dist, uniform_with_equal_bounds_is_that_constant)
{
  g_autoptr (FsDist) d = parse_ok ("uniform(1.5s, 1.5s)");
  gsl_rng *r = fs_rng_new_stream (SEED, 0, "uniform-point");

  for (int i = 0; i < 1000; i++)
    cr_assert_eq (fs_dist_sample (d, r), 1500 * FS_MSEC);
  cr_assert_eq (fs_dist_variance_s2 (d), 0.0);
  gsl_rng_free (r);
}

Test (dist, uniform_draws_stay_within_the_bounds)
{
  g_autoptr (FsDist) d = parse_ok ("uniform(1ns, 3ns)");
  g_autoptr (FsDist) wide = parse_ok ("uniform(0, 106751d23h47m16.854775807s)");
  gsl_rng *r = fs_rng_new_stream (SEED, 0, "uniform-bounds");
  int seen[4] = { 0 };

  for (int i = 0; i < 10000; i++) {
    FsTime t = fs_dist_sample (d, r);
    cr_assert (t >= 1 && t <= 3, "%" G_GINT64_FORMAT, t);
    seen[t]++;
    cr_assert_geq (fs_dist_sample (wide, r), 0);
  }
  cr_assert (seen[1] > 0 && seen[2] > 0 && seen[3] > 0);
  gsl_rng_free (r);
}

Test (dist, empirical_draws_are_exactly_the_values)
{
  g_autoptr (FsDist) d = parse_ok ("empirical(1ns, 1.000000001s, 1d)");
  gsl_rng *r = fs_rng_new_stream (SEED, 0, "empirical-exact");

  for (int i = 0; i < 1000; i++) {
    FsTime t = fs_dist_sample (d, r);
    cr_assert (t == 1 || t == FS_SEC + 1 || t == FS_DAY, "%" G_GINT64_FORMAT, t);
  }
  gsl_rng_free (r);
}

Test (dist, samples_are_never_negative)
{
  static const char *texts[] = {
    "normal(0s, 1s)", "normal(1ns, 1h)", "normal(1s, 2s)", "exponential(1ns)",
    "lognormal(1ns, 1d)", "weibull(1d, 0.05)", "uniform(0, 1ns)",
  };

  for (size_t i = 0; i < G_N_ELEMENTS (texts); i++) {
    g_autoptr (FsDist) d = parse_ok (texts[i]);
    gsl_rng *r = fs_rng_new_stream (SEED, 0, texts[i]);
    for (int k = 0; k < 20000; k++) {
      FsTime t = fs_dist_sample (d, r);
      cr_assert_geq (t, 0, "'%s' drew %" G_GINT64_FORMAT, texts[i], t);
    }
    gsl_rng_free (r);
  }
}

Test (dist, the_same_stream_gives_the_same_draws)
{
  g_autoptr (FsDist) d = parse_ok ("lognormal(60s, 20s)");
  gsl_rng *a = fs_rng_new_stream (SEED, 2, "same");
  gsl_rng *b = fs_rng_new_stream (SEED, 2, "same");

  for (int i = 0; i < 1000; i++)
    cr_assert_eq (fs_dist_sample (d, a), fs_dist_sample (d, b));
  gsl_rng_free (a);
  gsl_rng_free (b);
}

/* --- sampling: statistics -------------------------------------------------------------------
 *
 * Each test draws N = 200000 values from a fixed stream and checks one property.
 *
 * Mean: by the central limit theorem the sample mean is about N(mu, sigma^2/N), with mu and
 * sigma^2 the closed forms, so it must lie within 5 standard errors sqrt(sigma^2/N) of mu.
 *
 * Variance: s^2 = sum (x - xbar)^2 / (N - 1) is about N(sigma^2, (mu4 - sigma^4)/N), mu4 the
 * fourth central moment (the CLT applied to (x - mu)^2, whose variance that is). mu4 is
 * estimated from the same sample, which at this N is accurate to a few percent for these
 * light-tailed laws; s^2 must lie within 5 such standard errors of the closed form.
 *
 * Five standard errors make a false alarm about 1 in 1.7 million per check, and the seed is
 * fixed, so the suite is deterministic; a failure means the sampler or the closed form is
 * wrong, not bad luck. */

#define N 200000

static double *
draw_seconds (const char *text)
{
  g_autoptr (FsDist) d = parse_ok (text);
  gsl_rng *r = fs_rng_new_stream (SEED, 0, text);
  double *x = g_new (double, N);

  for (int i = 0; i < N; i++)
    x[i] = fs_time_to_seconds (fs_dist_sample (d, r));
  gsl_rng_free (r);
  return x;
}

static void
check_mean (const char *text)
{
  g_autoptr (FsDist) d = parse_ok (text);
  g_autofree double *x = draw_seconds (text);
  double sum = 0;

  for (int i = 0; i < N; i++)
    sum += x[i];
  double mean = sum / N;
  double se = sqrt (fs_dist_variance_s2 (d) / N);
  cr_assert_float_eq (mean, fs_dist_mean_s (d), 5 * se, "'%s': sample mean %.6g, closed form "
                      "%.6g, standard error %.3g", text, mean, fs_dist_mean_s (d), se);
}

static void
check_variance (const char *text)
{
  g_autoptr (FsDist) d = parse_ok (text);
  g_autofree double *x = draw_seconds (text);
  double sum = 0, m2 = 0, m4 = 0;

  for (int i = 0; i < N; i++)
    sum += x[i];
  double mean = sum / N;
  for (int i = 0; i < N; i++) {
    double dev2 = (x[i] - mean) * (x[i] - mean);
    m2 += dev2;
    m4 += dev2 * dev2;
  }
  double s2 = m2 / (N - 1);
  m4 /= N;
  double se = sqrt ((m4 - s2 * s2) / N);
  cr_assert_float_eq (s2, fs_dist_variance_s2 (d), 5 * se, "'%s': sample variance %.6g, closed "
                      "form %.6g, standard error %.3g", text, s2, fs_dist_variance_s2 (d), se);
}

#define LAW "uniform(1s, 5s)"
Test (dist_stats, uniform_mean_matches) { check_mean (LAW); }
Test (dist_stats, uniform_variance_matches) { check_variance (LAW); }
#undef LAW
#define LAW "exponential(30s)"
Test (dist_stats, exponential_mean_matches) { check_mean (LAW); }
Test (dist_stats, exponential_variance_matches) { check_variance (LAW); }
#undef LAW
#define LAW "normal(10s, 2s)"
Test (dist_stats, normal_mean_matches) { check_mean (LAW); }
Test (dist_stats, normal_variance_matches) { check_variance (LAW); }
#undef LAW
#define LAW "normal(1s, 2s)"
Test (dist_stats, heavily_truncated_normal_mean_matches) { check_mean (LAW); }
Test (dist_stats, heavily_truncated_normal_variance_matches) { check_variance (LAW); }
#undef LAW
#define LAW "normal(0s, 3s)"
Test (dist_stats, half_normal_mean_matches) { check_mean (LAW); }
Test (dist_stats, half_normal_variance_matches) { check_variance (LAW); }
#undef LAW
#define LAW "lognormal(60s, 20s)"
Test (dist_stats, lognormal_mean_matches) { check_mean (LAW); }
Test (dist_stats, lognormal_variance_matches) { check_variance (LAW); }
#undef LAW
#define LAW "weibull(10s, 1.5)"
Test (dist_stats, weibull_mean_matches) { check_mean (LAW); }
Test (dist_stats, weibull_variance_matches) { check_variance (LAW); }
#undef LAW
#define LAW "empirical(1s:3, 2s:1, 10s:1)"
Test (dist_stats, empirical_mean_matches) { check_mean (LAW); }
Test (dist_stats, empirical_variance_matches) { check_variance (LAW); }
#undef LAW

/* The whole law, not just two moments, for the case where truncation matters: mean 1s, sd 2s
 * cuts off 1 - Phi(1/2), about 31% of the normal. The Kolmogorov-Smirnov distance between the
 * sample and the truncated CDF F(x) = (Phi((x - mu)/sigma) - Phi(a)) / (1 - Phi(a)), with
 * a = -mu/sigma, must stay below the 99.9% critical value, about 1.949/sqrt(N). */
Test (dist_stats, heavily_truncated_normal_follows_the_truncated_law)
{
  g_autofree double *x = draw_seconds ("normal(1s, 2s)");
  const double mu = 1, sigma = 2, a = -mu / sigma;
  const double q = gsl_cdf_ugaussian_Q (a);
  double dmax = 0;

  gsl_sort (x, 1, N);
  for (int i = 0; i < N; i++) {
    double f = (gsl_cdf_ugaussian_P ((x[i] - mu) / sigma) - gsl_cdf_ugaussian_P (a)) / q;
    dmax = fmax (dmax, fmax (fabs ((i + 1.0) / N - f), fabs (f - (double) i / N)));
  }
  cr_assert_geq (x[0], 0.0);
  cr_assert_lt (dmax, 1.949 / sqrt (N), "D = %g", dmax);
}

/* Pearson's statistic over the k = 4 values is chi-square with k - 1 = 3 degrees of freedom
 * when the frequencies follow the weights; it must stay below that law's 99.9% quantile. */
Test (dist_stats, empirical_frequencies_follow_the_weights)
{
  static const FsTime values[] = { FS_SEC, 2 * FS_SEC, 5 * FS_SEC, 10 * FS_SEC };
  static const double weights[] = { 1, 2, 3, 4 };
  g_autoptr (FsDist) d = parse_ok ("empirical(1s:1, 2s:2, 5s:3, 10s:4)");
  gsl_rng *r = fs_rng_new_stream (SEED, 0, "empirical-frequencies");
  long counts[4] = { 0 };

  for (int i = 0; i < N; i++) {
    FsTime t = fs_dist_sample (d, r);
    size_t j;
    for (j = 0; j < G_N_ELEMENTS (values) && values[j] != t; j++)
      ;
    cr_assert_lt (j, G_N_ELEMENTS (values), "drew %" G_GINT64_FORMAT, t);
    counts[j]++;
  }
  double chi2 = 0;
  for (size_t j = 0; j < G_N_ELEMENTS (values); j++) {
    double expected = N * weights[j] / 10;
    chi2 += (counts[j] - expected) * (counts[j] - expected) / expected;
  }
  cr_assert_lt (chi2, gsl_cdf_chisq_Pinv (0.999, 3), "chi2 = %g", chi2);
  gsl_rng_free (r);
}
