/* rng.h: named random streams, each a GSL generator seeded from (seed, replication, name). */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>

G_BEGIN_DECLS

/* xoshiro256** (Blackman and Vigna, 2018) as a GSL generator type: 256 bits of state, a
 * period of 2^256 - 1, and a full 64-bit seed (GSL's own generators take 32 bits of a seed,
 * which would let two of many thousands of streams collide). gsl_rng_get() returns the upper
 * 32 bits; gsl_rng_uniform() uses 53. Its state is filled from the seed by SplitMix64. */
extern const gsl_rng_type *fs_rng_xoshiro256;

/* The 64-bit seed of stream @name in replication @replication of a run seeded @seed:
 * SplitMix64 applied in turn to @seed, @replication and the FNV-1a hash of @name. It is a
 * pure function: the same triple gives the same stream on any thread, process or machine. */
uint64_t fs_rng_derive_seed (uint64_t seed, uint64_t replication, const char *name);

/* A new generator of type fs_rng_xoshiro256 for that stream. Free with gsl_rng_free(). */
gsl_rng *fs_rng_new_stream (uint64_t seed, uint64_t replication, const char *name);

G_END_DECLS
