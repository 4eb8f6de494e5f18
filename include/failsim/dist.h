/* dist.h: delay distributions, parsed from text and sampled with GSL. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "failsim/time.h"

G_BEGIN_DECLS

#define FS_DIST_ERROR (fs_dist_error_quark ())
GQuark fs_dist_error_quark (void);

typedef enum {
  FS_DIST_ERROR_SYNTAX,   /* not a distribution, unknown name, wrong number of parameters */
  FS_DIST_ERROR_RANGE,    /* a parameter out of its range (negative mean, sd <= 0, ...) */
} FsDistError;

typedef enum {
  FS_DIST_CONSTANT,
  FS_DIST_UNIFORM,
  FS_DIST_EXPONENTIAL,
  FS_DIST_NORMAL,       /* truncated at zero */
  FS_DIST_LOGNORMAL,    /* given by the mean and sd of the delay itself */
  FS_DIST_WEIBULL,
  FS_DIST_EMPIRICAL,    /* a table of values, optionally weighted */
} FsDistKind;

typedef struct FsDist FsDist;

/* Parses a delay distribution. Every parameter that is a delay is a duration (time.h):
 *   5s                          constant (a bare duration)
 *   constant(5s)
 *   uniform(1s, 5s)             min, max (min <= max)
 *   exponential(30s)            mean (> 0)
 *   normal(10s, 2s)             mean, sd (sd > 0); truncated at zero
 *   lognormal(60s, 20s)         mean, sd of the delay (both > 0)
 *   weibull(10s, 1.5)           scale (> 0), shape (> 0, a plain number)
 *   empirical(1s, 2s, 10s)      each value equally likely
 *   empirical(1s:3, 10s:1)      value:weight, weights > 0
 * Parameters may be named: normal(mean=10s, sd=2s), uniform(min=1s, max=5s),
 * weibull(scale=10s, shape=1.5). Blanks are free. On failure returns NULL and sets @error
 * (FS_DIST_ERROR, or FS_TIME_ERROR for a bad duration inside) with a sentence saying why. */
FsDist *fs_dist_parse (const char *text, GError **error);

/* A constant distribution, for defaults set in code. */
FsDist *fs_dist_new_constant (FsTime value);

FsDist *fs_dist_copy (const FsDist *d);
void fs_dist_free (FsDist *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsDist, fs_dist_free)

FsDistKind fs_dist_kind (const FsDist *d);

/* One draw, in nanoseconds rounded to the nearest, never negative. A constant draws nothing
 * from @r (so making a delay constant does not shift the stream for later draws). */
FsTime fs_dist_sample (const FsDist *d, gsl_rng *r);

/* The exact mean and variance of what fs_dist_sample() returns, in seconds and seconds^2
 * (for the truncated normal, of the truncated law). For reports and tests. */
double fs_dist_mean_s (const FsDist *d);
double fs_dist_variance_s2 (const FsDist *d);

/* The canonical text of @d, which fs_dist_parse() reads back to the same law
 * ("lognormal(1m, 20s)"): full names, positional parameters, durations as fs_time_format()
 * writes them, plain numbers in the fewest digits that read back exactly, a constant as its
 * bare duration ("5s"), and empirical weights only when they are not all equal. Free with
 * g_free(). */
char *fs_dist_to_string (const FsDist *d);

G_END_DECLS
