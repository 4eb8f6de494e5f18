/* time.c: durations as integer nanoseconds, read and written exactly in decimal. */
#include "failsim/time.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (fs-time-error-quark, fs_time_error)

/* Largest first: the order terms must follow in a duration. */
static const struct {
  const char *name;
  FsTime ns;
} units[] = {
  { "d", FS_DAY }, { "h", FS_HOUR }, { "m", FS_MIN }, { "s", FS_SEC },
  { "ms", FS_MSEC }, { "us", FS_USEC }, { "ns", FS_NSEC },
};

#define UNIT_HINT "(use ns, us, ms, s, m, h or d)"

/* 10^0 .. 10^19, all that fits in 64 unsigned bits. */
static const uint64_t pow10[] = {
  1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
  100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL,
  10000000000000ULL, 100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
  100000000000000000ULL, 1000000000000000000ULL, 10000000000000000000ULL,
};

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static uint64_t
gcd (uint64_t a, uint64_t b)
{
  while (b != 0) {
    uint64_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/* The nanoseconds in the fraction 0.<digits> of @unit, if that is a whole number.
 * f / 10^n * unit is whole exactly when 10^n / g divides f, with g = gcd (10^n, unit); the
 * result is then (f / (10^n / g)) * (unit / g), which is below @unit, so nothing overflows. */
static gboolean
fraction_ns (const char *digits, size_t n, FsTime unit, FsTime *ns)
{
  uint64_t f = 0;

  while (n > 0 && digits[n - 1] == '0')
    n--;
  /* With trailing zeros gone f is not a multiple of 10, so 10^n / g dividing f needs 2^n or
   * 5^n to divide @unit; no unit (at most 2^16 * 3^3 * 5^11 ns, a day) allows n > 16. */
  if (n >= G_N_ELEMENTS (pow10))
    return FALSE;
  for (size_t i = 0; i < n; i++)
    f = f * 10 + (uint64_t) (digits[i] - '0');

  uint64_t g = gcd (pow10[n], (uint64_t) unit);
  uint64_t step = pow10[n] / g;
  if (f % step != 0)
    return FALSE;
  *ns = (FsTime) (f / step * ((uint64_t) unit / g));
  return TRUE;
}

static gboolean
fail_range (GError **error, const char *text, size_t len)
{
  char max[FS_TIME_BUFSZ];

  fs_time_format (FS_TIME_MAX, max, sizeof max);
  g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_RANGE,
               "'%.*s' is more than the largest time, %s (about 292 years)", (int) len, text, max);
  return FALSE;
}

gboolean
fs_time_parse (const char *text, FsTime *out, GError **error)
{
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  const char *p = text;
  const char *end = text + strlen (text);
  while (p < end && is_blank (*p))
    p++;
  while (end > p && is_blank (end[-1]))
    end--;
  const char *start = p;

  if (p == end) {
    g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX, "the duration is empty");
    return FALSE;
  }
  if (*p == '-') {
    g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_RANGE, "negative durations are not allowed");
    return FALSE;
  }
  if (end - p == 1 && *p == '0') {
    *out = 0;
    return TRUE;
  }

  FsTime total = 0;
  size_t prev = G_N_ELEMENTS (units);    /* index of the previous term's unit; none yet */
  const char *prev_term = NULL;
  int prev_len = 0;

  while (p < end) {
    const char *term = p;

    if (!g_ascii_isdigit (*p)) {
      if (is_blank (*p)) {
        const char *next = p;
        while (is_blank (*next))
          next++;
        g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                     "unexpected blank before '%.*s'; write the terms together, as in 1h30m",
                     (int) (end - next), next);
      } else if (*p == '.')
        g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                     "'%.*s' needs a digit before the decimal point, as in 0.5s",
                     (int) (end - p), p);
      else
        g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                     "expected a number at '%.*s'", (int) (end - p), p);
      return FALSE;
    }

    const char *whole = p;
    while (p < end && g_ascii_isdigit (*p))
      p++;
    size_t whole_len = (size_t) (p - whole);
    const char *frac = p;
    size_t frac_len = 0;
    if (p < end && *p == '.') {
      frac = ++p;
      while (p < end && g_ascii_isdigit (*p))
        p++;
      frac_len = (size_t) (p - frac);
      if (frac_len == 0) {
        g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                     "'%.*s' needs a digit after the decimal point", (int) (p - term), term);
        return FALSE;
      }
    }
    int num_len = (int) (p - term);

    /* A unit is whatever runs up to the next number, so "5sec" and "5µs" are named in full. */
    const char *unit = p;
    while (p < end && !g_ascii_isdigit (*p) && *p != '.' && !is_blank (*p))
      p++;
    size_t unit_len = (size_t) (p - unit);
    if (unit_len == 0) {
      if (p < end && is_blank (*p))
        g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                     "unexpected blank after '%.*s'; write the unit right after the number, "
                     "as in 5s", num_len, term);
      else
        g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                     "missing unit after '%.*s' " UNIT_HINT, num_len, term);
      return FALSE;
    }

    size_t u;
    for (u = 0; u < G_N_ELEMENTS (units); u++)
      if (strlen (units[u].name) == unit_len && memcmp (units[u].name, unit, unit_len) == 0)
        break;
    if (u == G_N_ELEMENTS (units)) {
      g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                   "unknown unit '%.*s' " UNIT_HINT, (int) unit_len, unit);
      return FALSE;
    }
    if (u == prev) {
      g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                   "the unit '%s' appears twice; give each unit once, largest first",
                   units[u].name);
      return FALSE;
    }
    if (prev < G_N_ELEMENTS (units) && u < prev) {
      g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_SYNTAX,
                   "'%.*s' comes after '%.*s'; terms must go from the largest unit to the "
                   "smallest, as in 1h30m", (int) (p - term), term, prev_len, prev_term);
      return FALSE;
    }
    prev = u;
    prev_term = term;
    prev_len = (int) (p - term);

    FsTime frac_ns = 0;
    if (!fraction_ns (frac, frac_len, units[u].ns, &frac_ns)) {
      g_set_error (error, FS_TIME_ERROR, FS_TIME_ERROR_RANGE,
                   "'%.*s' is finer than 1ns, the resolution of simulated time",
                   (int) (p - term), term);
      return FALSE;
    }

    /* Every step is checked before it is taken: signed overflow is undefined behaviour. */
    FsTime n = 0;
    for (size_t i = 0; i < whole_len; i++) {
      int d = whole[i] - '0';
      if (n > (FS_TIME_MAX - d) / 10)
        return fail_range (error, start, (size_t) (end - start));
      n = n * 10 + d;
    }
    if (n > (FS_TIME_MAX - frac_ns) / units[u].ns)
      return fail_range (error, start, (size_t) (end - start));
    FsTime value = n * units[u].ns + frac_ns;
    if (value > FS_TIME_MAX - total)
      return fail_range (error, start, (size_t) (end - start));
    total += value;
  }

  *out = total;
  return TRUE;
}

/* Appends whole.frac (frac has @digits digits, trailing zeros dropped) and @unit at @p. */
static char *
put_decimal (char *p, uint64_t whole, uint64_t frac, int digits, const char *unit)
{
  p += sprintf (p, "%" PRIu64, whole);
  if (frac != 0) {
    while (frac % 10 == 0) {
      frac /= 10;
      digits--;
    }
    p += sprintf (p, ".%0*" PRIu64, digits, frac);
  }
  return p + sprintf (p, "%s", unit);
}

/* The canonical rule is documented at fs_time_format() in time.h. */
int
fs_time_format (FsTime t, char *buf, size_t size)
{
  char tmp[FS_TIME_BUFSZ];
  char *p = tmp;

  g_return_val_if_fail (buf != NULL || size == 0, -1);

  /* Through uint64_t, so that INT64_MIN has a magnitude too. */
  uint64_t a = t < 0 ? 0 - (uint64_t) t : (uint64_t) t;
  if (t < 0)
    *p++ = '-';

  if (a == 0) {
    p += sprintf (p, "0s");
  } else if (a < (uint64_t) FS_SEC) {
    if (a >= (uint64_t) FS_MSEC)
      p = put_decimal (p, a / FS_MSEC, a % FS_MSEC, 6, "ms");
    else if (a >= (uint64_t) FS_USEC)
      p = put_decimal (p, a / FS_USEC, a % FS_USEC, 3, "us");
    else
      p = put_decimal (p, a, 0, 0, "ns");
  } else {
    static const struct { uint64_t ns; const char *name; } big[] = {
      { (uint64_t) FS_DAY, "d" }, { (uint64_t) FS_HOUR, "h" }, { (uint64_t) FS_MIN, "m" },
    };
    for (size_t i = 0; i < G_N_ELEMENTS (big); i++) {
      if (a >= big[i].ns)
        p += sprintf (p, "%" PRIu64 "%s", a / big[i].ns, big[i].name);
      a %= big[i].ns;
    }
    if (a != 0)
      p = put_decimal (p, a / FS_SEC, a % FS_SEC, 9, "s");
  }

  size_t len = (size_t) (p - tmp);
  if (size > 0) {
    size_t n = MIN (len, size - 1);
    memcpy (buf, tmp, n);
    buf[n] = '\0';
  }
  return (int) len;
}

char *
fs_time_to_string (FsTime t)
{
  char buf[FS_TIME_BUFSZ];

  fs_time_format (t, buf, sizeof buf);
  return g_strdup (buf);
}

int
fs_time_format_clock (FsTime t, char *buf, size_t size)
{
  g_return_val_if_fail (buf != NULL || size == 0, -1);

  uint64_t a = t < 0 ? 0 - (uint64_t) t : (uint64_t) t;
  const char *sign = t < 0 ? "-" : "";
  uint64_t h = a / FS_HOUR;
  unsigned m = (unsigned) (a % FS_HOUR / FS_MIN);
  unsigned s = (unsigned) (a % FS_MIN / FS_SEC);

  /* Milliseconds are truncated, so a clock never reads later than the time it shows; they
   * appear whenever the time is not whole seconds, even when they read .000. */
  if (a % FS_SEC == 0)
    return snprintf (buf, size, "%s%02" PRIu64 ":%02u:%02u", sign, h, m, s);
  return snprintf (buf, size, "%s%02" PRIu64 ":%02u:%02u.%03u", sign, h, m, s,
                   (unsigned) (a % FS_SEC / FS_MSEC));
}

FsTime
fs_time_from_seconds (double s)
{
  double ns = s * (double) FS_SEC;

  if (!(ns > 0.0))          /* also NaN, which has no nearest time */
    return 0;
  /* 2^63 is the first double past FS_TIME_MAX; every double below it is at most 2^63 - 1024,
   * already whole, so rounding cannot carry it over. */
  if (ns >= 0x1p63)
    return FS_TIME_MAX;
  return (FsTime) round (ns);
}
