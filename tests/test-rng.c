/* test-rng.c: xoshiro256** against its reference, stream seeding, and statistical sanity. */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

#include "failsim/rng.h"

/* The reference xoshiro256** next() of Blackman and Vigna, written out again here so that the
 * generator is checked against the published algorithm rather than against itself. */
static uint64_t
ref_rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

static uint64_t
ref_next (uint64_t s[4])
{
  const uint64_t result = ref_rotl (s[1] * 5, 7) * 9;
  const uint64_t t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = ref_rotl (s[3], 45);
  return result;
}

/* The generator's state is its four words, in order. */
static uint64_t *
state_of (gsl_rng *r)
{
  cr_assert_eq (gsl_rng_size (r), 4 * sizeof (uint64_t));
  return gsl_rng_state (r);
}

static gsl_rng *
rng_with_state (uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
  gsl_rng *r = gsl_rng_alloc (fs_rng_xoshiro256);
  uint64_t *s = state_of (r);
  s[0] = a;
  s[1] = b;
  s[2] = c;
  s[3] = d;
  return r;
}

Test (rng, the_type_is_xoshiro256_with_32_bit_integer_output)
{
  cr_assert_str_eq (fs_rng_xoshiro256->name, "xoshiro256**");
  cr_assert_eq (fs_rng_xoshiro256->min, 0);
  cr_assert_eq (fs_rng_xoshiro256->max, 0xffffffffUL);
  cr_assert_eq (fs_rng_xoshiro256->size, 4 * sizeof (uint64_t));
}

Test (rng, the_reference_algorithm_gives_the_published_first_outputs)
{
  uint64_t s[4] = { 1, 2, 3, 4 };

  cr_assert_eq (ref_next (s), 11520ULL);
  cr_assert_eq (ref_next (s), 0ULL);
  cr_assert_eq (ref_next (s), 1509978240ULL);
  cr_assert_eq (ref_next (s), 1215971899390074240ULL);
}

Test (rng, get_returns_the_upper_32_bits_of_the_reference_outputs)
{
  uint64_t s[4] = { 1, 2, 3, 4 };
  gsl_rng *r = rng_with_state (1, 2, 3, 4);

  for (int i = 0; i < 1000; i++) {
    uint64_t want = ref_next (s) >> 32;
    cr_assert_eq (gsl_rng_get (r), want, "draw %d", i);
  }
  cr_assert_eq (memcmp (state_of (r), s, sizeof s), 0, "the states have drifted apart");
  gsl_rng_free (r);
}

Test (rng, uniform_returns_the_upper_53_bits_of_the_reference_outputs)
{
  uint64_t s[4] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL, 42, 0xffffffffffffffffULL };
  gsl_rng *r = rng_with_state (s[0], s[1], s[2], s[3]);

  for (int i = 0; i < 1000; i++) {
    double want = (double) (ref_next (s) >> 11) * 0x1.0p-53;
    double u = gsl_rng_uniform (r);
    cr_assert_eq (u, want, "draw %d", i);
    cr_assert (u >= 0.0 && u < 1.0);
  }
  gsl_rng_free (r);
}

/* Published SplitMix64 outputs from state 1234567 (Vigna's splitmix64.c). */
Test (rng, seeding_fills_the_state_with_splitmix64_outputs)
{
  gsl_rng *r = gsl_rng_alloc (fs_rng_xoshiro256);
  gsl_rng_set (r, 1234567);
  uint64_t *s = state_of (r);

  cr_assert_eq (s[0], 6457827717110365317ULL);
  cr_assert_eq (s[1], 3203168211198807973ULL);
  cr_assert_eq (s[2], 9817491932198370423ULL);
  cr_assert_eq (s[3], 4593380528125082431ULL);
  gsl_rng_free (r);
}

Test (rng, seed_zero_gives_a_working_stream)
{
  gsl_rng *r = gsl_rng_alloc (fs_rng_xoshiro256);
  gsl_rng_set (r, 0);
  uint64_t *s = state_of (r);

  cr_assert (s[0] != 0 || s[1] != 0 || s[2] != 0 || s[3] != 0);
  unsigned long first = gsl_rng_get (r);
  int same = 0;
  for (int i = 0; i < 100; i++)
    same += gsl_rng_get (r) == first;
  cr_assert_lt (same, 2);
  gsl_rng_free (r);
}

Test (rng, seeds_differing_only_in_the_upper_32_bits_give_different_streams)
{
  gsl_rng *a = gsl_rng_alloc (fs_rng_xoshiro256);
  gsl_rng *b = gsl_rng_alloc (fs_rng_xoshiro256);
  gsl_rng_set (a, 7);
  gsl_rng_set (b, 7 | (1UL << 40));

  int same = 0;
  for (int i = 0; i < 1000; i++)
    same += gsl_rng_get (a) == gsl_rng_get (b);
  cr_assert_lt (same, 3);
  gsl_rng_free (a);
  gsl_rng_free (b);
}

/* Values computed independently (Python) from the formula written in rng.h. */
Test (rng, derive_seed_follows_the_documented_formula)
{
  cr_assert_eq (fs_rng_derive_seed (42, 0, "dns"), 0x64f95c800743b6b2ULL);
  cr_assert_eq (fs_rng_derive_seed (1, 2, "link/a-b"), 0x942930b02ffaf52cULL);
}

Test (rng, a_new_stream_starts_from_its_derived_seed)
{
  gsl_rng *r = fs_rng_new_stream (42, 0, "dns");
  uint64_t *s = state_of (r);

  cr_assert_str_eq (gsl_rng_name (r), "xoshiro256**");
  cr_assert_eq (s[0], 0xfeea1bcbd4d74845ULL);
  cr_assert_eq (s[1], 0xadfadf57c6e519e6ULL);
  cr_assert_eq (s[2], 0x296af72de5d7a86fULL);
  cr_assert_eq (s[3], 0x5d3a16e1b3b3c938ULL);
  cr_assert_eq (gsl_rng_get (r), 10133441088808466626ULL >> 32);
  cr_assert_eq (gsl_rng_get (r), 13658050193943457730ULL >> 32);
  cr_assert_eq (gsl_rng_get (r), 13029959842056470289ULL >> 32);
  gsl_rng_free (r);
}

Test (rng, the_same_triple_gives_identical_draws)
{
  gsl_rng *a = fs_rng_new_stream (2024, 3, "failover/detector");
  gsl_rng *b = fs_rng_new_stream (2024, 3, "failover/detector");

  for (int i = 0; i < 1000; i++)
    cr_assert_eq (gsl_rng_get (a), gsl_rng_get (b), "draw %d", i);
  gsl_rng_free (a);
  gsl_rng_free (b);
}

/* Two different streams agree on a 32-bit draw with probability 2^-32; over 1000 draws even one
 * agreement is unlikely (about 2.3e-7), three would mean the streams are related. */
static void
assert_streams_differ (uint64_t s1, uint64_t r1, const char *n1,
                       uint64_t s2, uint64_t r2, const char *n2)
{
  gsl_rng *a = fs_rng_new_stream (s1, r1, n1);
  gsl_rng *b = fs_rng_new_stream (s2, r2, n2);
  int same = 0;

  for (int i = 0; i < 1000; i++)
    same += gsl_rng_get (a) == gsl_rng_get (b);
  cr_assert_lt (same, 3, "(%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ", %s) and (%"
                G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ", %s) agree on %d draws",
                s1, r1, n1, s2, r2, n2, same);
  gsl_rng_free (a);
  gsl_rng_free (b);
}

Test (rng, a_different_name_seed_or_replication_gives_different_draws)
{
  assert_streams_differ (2024, 3, "dns", 2024, 3, "dnt");
  assert_streams_differ (2024, 3, "dns", 2024, 3, "");
  assert_streams_differ (2024, 3, "dns", 2025, 3, "dns");
  assert_streams_differ (2024, 3, "dns", 2024, 4, "dns");
  /* The three inputs are mixed one after another, so swapping seed and replication differs. */
  assert_streams_differ (3, 2024, "dns", 2024, 3, "dns");
}

Test (rng, creating_and_drawing_other_streams_does_not_change_a_stream)
{
  unsigned long alone[1000];
  gsl_rng *a = fs_rng_new_stream (99, 0, "a");
  for (int i = 0; i < 1000; i++)
    alone[i] = gsl_rng_get (a);
  gsl_rng_free (a);

  a = fs_rng_new_stream (99, 0, "a");
  for (int i = 0; i < 1000; i++) {
    if (i % 100 == 0) {
      g_autofree char *name = g_strdup_printf ("other-%d", i);
      gsl_rng *other = fs_rng_new_stream (99, 0, name);
      for (int j = 0; j < i; j++)
        gsl_rng_uniform (other);
      gsl_rng_free (other);
    }
    cr_assert_eq (gsl_rng_get (a), alone[i], "draw %d", i);
  }
  gsl_rng_free (a);
}

/* Under independence the sample correlation r of n pairs is approximately N(0, 1/n), so
 * |r| < 5/sqrt(n) is a 5-sigma bound (a false alarm about once in 1.7 million runs). */
Test (rng, two_streams_are_uncorrelated)
{
  const int n = 1000000;
  gsl_rng *a = fs_rng_new_stream (7, 0, "left");
  gsl_rng *b = fs_rng_new_stream (7, 0, "right");
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;

  for (int i = 0; i < n; i++) {
    double x = gsl_rng_uniform (a), y = gsl_rng_uniform (b);
    sx += x;
    sy += y;
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
  }
  double cov = sxy - sx * sy / n, vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
  double r = cov / sqrt (vx * vy);
  cr_assert_lt (fabs (r), 5 / sqrt (n), "r = %g", r);
  gsl_rng_free (a);
  gsl_rng_free (b);
}

/* Pearson's statistic over k = 100 equal bins is chi-square with k - 1 = 99 degrees of freedom
 * for uniform draws; it must stay below that law's 99.9% quantile (about 148.2). */
Test (rng, draws_are_uniform_over_100_bins)
{
  const int n = 1000000, k = 100;
  long counts[100] = { 0 };
  gsl_rng *r = fs_rng_new_stream (11, 0, "uniformity");

  for (int i = 0; i < n; i++)
    counts[(int) (gsl_rng_uniform (r) * k)]++;
  double expected = (double) n / k, chi2 = 0;
  for (int j = 0; j < k; j++)
    chi2 += (counts[j] - expected) * (counts[j] - expected) / expected;
  double limit = gsl_cdf_chisq_Pinv (0.999, k - 1);
  cr_assert_float_eq (limit, 148.2, 0.1);
  cr_assert_lt (chi2, limit, "chi2 = %g", chi2);
  gsl_rng_free (r);
}

/* The mean of n exponential draws of mean mu has standard error mu/sqrt(n); 5 of them. */
Test (rng, gsl_distributions_work_on_it)
{
  const int n = 1000000;
  const double mu = 2.5;
  gsl_rng *r = fs_rng_new_stream (13, 0, "exponential");
  double sum = 0;

  for (int i = 0; i < n; i++)
    sum += gsl_ran_exponential (r, mu);
  cr_assert_float_eq (sum / n, mu, 5 * mu / sqrt (n), "mean %g", sum / n);

  for (int i = 0; i < 1000; i++)
    cr_assert_lt (gsl_rng_uniform_int (r, 6), 6UL);
  gsl_rng_free (r);
}

Test (rng, a_clone_continues_with_the_same_draws)
{
  gsl_rng *a = fs_rng_new_stream (5, 1, "clone");
  for (int i = 0; i < 10; i++)
    gsl_rng_get (a);
  gsl_rng *b = gsl_rng_clone (a);

  for (int i = 0; i < 1000; i++)
    cr_assert_eq (gsl_rng_get (a), gsl_rng_get (b), "draw %d", i);
  gsl_rng_free (a);
  gsl_rng_free (b);
}
