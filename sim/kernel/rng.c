/* rng.c: xoshiro256** as a GSL generator type, and the seeds of named streams.
 *
 * Follows the reference C code of xoshiro256** 1.0 and SplitMix64 by Blackman and Vigna
 * (https://prng.di.unimi.it/, "Scrambled linear pseudorandom number generators", 2018),
 * and 64-bit FNV-1a (Fowler, Noll and Vo). */
#include "failsim/rng.h"

/* GSL passes seeds and results as unsigned long; a full 64-bit seed needs it to be 64 bits. */
G_STATIC_ASSERT (sizeof (unsigned long) == sizeof (uint64_t));

typedef struct {
  uint64_t s[4];
} XoshiroState;

static inline uint64_t
rotl (uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

/* One step of SplitMix64: advances *@x by the golden gamma and returns the mixed value. */
static uint64_t
splitmix64_next (uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* The first output of a SplitMix64 generator whose state is @x. */
static uint64_t
splitmix64 (uint64_t x)
{
  return splitmix64_next (&x);
}

static uint64_t
fnv1a64 (const char *s)
{
  uint64_t h = 0xcbf29ce484222325ULL;

  for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++) {
    h ^= *p;
    h *= 0x100000001b3ULL;
  }
  return h;
}

static inline uint64_t
xoshiro_next (XoshiroState *st)
{
  uint64_t *s = st->s;
  uint64_t result = rotl (s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

/* Four successive SplitMix64 outputs are never all zero (each is zero for one state only and
 * the four states differ), so the all-zero state, from which xoshiro never leaves, cannot
 * arise; that is why the authors recommend seeding this way. */
static void
xoshiro_set (void *state, unsigned long seed)
{
  XoshiroState *st = state;
  uint64_t x = seed;

  for (int i = 0; i < 4; i++)
    st->s[i] = splitmix64_next (&x);
}

/* The upper bits: the lowest bits of xoshiro256** are its weakest. */
static unsigned long
xoshiro_get (void *state)
{
  return (unsigned long) (xoshiro_next (state) >> 32);
}

/* The usual 53-bit conversion: every double k * 2^-53 in [0, 1) equally likely. */
static double
xoshiro_get_double (void *state)
{
  return (double) (xoshiro_next (state) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro256_type = {
  .name = "xoshiro256**",
  .max = 0xffffffffUL,
  .min = 0,
  .size = sizeof (XoshiroState),
  .set = xoshiro_set,
  .get = xoshiro_get,
  .get_double = xoshiro_get_double,
};

const gsl_rng_type *fs_rng_xoshiro256 = &xoshiro256_type;

uint64_t
fs_rng_derive_seed (uint64_t seed, uint64_t replication, const char *name)
{
  g_return_val_if_fail (name != NULL, 0);

  uint64_t h = splitmix64 (seed);
  h = splitmix64 (h ^ replication);
  return splitmix64 (h ^ fnv1a64 (name));
}

gsl_rng *
fs_rng_new_stream (uint64_t seed, uint64_t replication, const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  gsl_rng *r = gsl_rng_alloc (fs_rng_xoshiro256);
  if (r == NULL)                /* only when GSL's error handler is off */
    g_error ("cannot allocate the random stream '%s': out of memory", name);
  gsl_rng_set (r, fs_rng_derive_seed (seed, replication, name));
  return r;
}

double
fs_rng_counter_uniform (uint64_t key, uint64_t a, uint64_t b)
{
  uint64_t h = splitmix64 (key ^ splitmix64 (a ^ splitmix64 (b)));

  /* The top 53 bits, as gsl_rng_uniform_pos would use them; 0 is possible, 1 is not. */
  return (double) (h >> 11) * 0x1.0p-53;
}
