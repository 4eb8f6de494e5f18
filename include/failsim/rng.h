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
 * pure function: the same triple gives the same stream on any thread, process or machine.
 * Precisely, in uint64_t arithmetic (wrapping), to reproduce it elsewhere:
 *   mix(x)  = z ^ (z >> 31), where z = x + 0x9e3779b97f4a7c15,
 *             z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9, z = (z ^ (z >> 27)) * 0x94d049bb133111eb
 *             (the first output of SplitMix64 started from state x)
 *   fnv(s)  = FNV-1a 64 of the bytes of @name without its NUL: h = 0xcbf29ce484222325, then
 *             for each byte c, h = (h ^ c) * 0x100000001b3
 *   seed'   = mix (mix (mix (@seed) ^ @replication) ^ fnv (@name))
 * The generator's four state words are then the first four outputs of SplitMix64 started
 * from state seed'. For example fs_rng_derive_seed (42, 0, "dns") = 0x64f95c800743b6b2. */
uint64_t fs_rng_derive_seed (uint64_t seed, uint64_t replication, const char *name);

/* A counter-based draw: a uniform double in [0, 1) that depends only on (@key, @a, @b), by
 * SplitMix64's finaliser applied to @key, then mixed with @a and @b. For draws that must not
 * depend on the order events happen in (client i's k-th arrival gets the same draw in every
 * variant of a scenario: common random numbers), without a generator per client. */
double fs_rng_counter_uniform (uint64_t key, uint64_t a, uint64_t b);

/* A new generator of type fs_rng_xoshiro256 for that stream. Free with gsl_rng_free(). */
gsl_rng *fs_rng_new_stream (uint64_t seed, uint64_t replication, const char *name);

G_END_DECLS
