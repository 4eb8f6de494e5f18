/* time.h: simulated time, an integer count of nanoseconds, and its text form. */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* Simulated nanoseconds; integer, so equal times are exactly equal and runs replay bit for bit. */
typedef int64_t FsTime;

#define FS_NSEC   ((FsTime) 1)
#define FS_USEC   ((FsTime) 1000)
#define FS_MSEC   ((FsTime) 1000000)
#define FS_SEC    ((FsTime) 1000000000)
#define FS_MIN    (60 * FS_SEC)
#define FS_HOUR   (60 * FS_MIN)
#define FS_DAY    (24 * FS_HOUR)
#define FS_TIME_MAX INT64_MAX     /* "never": the end of a run without a horizon */

#define FS_TIME_ERROR (fs_time_error_quark ())
GQuark fs_time_error_quark (void);

typedef enum {
  FS_TIME_ERROR_SYNTAX,    /* not a duration at all, or a unit out of order */
  FS_TIME_ERROR_RANGE,     /* negative, beyond FS_TIME_MAX, or finer than a nanosecond */
} FsTimeError;

/* Parses a duration: one or more <number><unit> terms, largest unit first, such as
 * "250ms", "5s", "2m", "1h30m", "1.5s", "90s", "1d2h". Units: ns, us, ms, s, m, h, d.
 * A bare "0" is zero. Fractions are exact in decimal ("0.1s" is 100000000 ns, no float
 * rounding) and may not be finer than 1 ns. Leading and trailing blanks are ignored.
 * On failure returns FALSE and sets @error (FS_TIME_ERROR) with a sentence saying why;
 * *@out is then left unchanged. */
gboolean fs_time_parse (const char *text, FsTime *out, GError **error);

/* Writes the canonical duration text for @t into @buf, always NUL-terminated, and returns
 * the length it wanted, as snprintf does. The text is exact, and fs_time_parse() reads it back
 * to the same value for every @t >= 0. The rule:
 *   0                  "0s"
 *   below 1s           one term in the largest of ms, us, ns that @t reaches, with as many
 *                      decimals as it needs: "250ms", "1.5ms", "999.999999ms", "1.001us", "7ns"
 *   1s and above       whole days, hours and minutes, each term left out when zero, then the
 *                      rest in seconds with as many decimals as it needs, left out when zero:
 *                      "1h30m", "1d2h", "1m30s" (not "90s"), "1.5s", "1m30.25s", "1h0.5s",
 *                      "1d0.000000001s"
 * A negative time is written as '-' and the text of its magnitude ("-1.5s"), which
 * fs_time_parse() refuses, since durations are never negative. */
#define FS_TIME_BUFSZ 48
int fs_time_format (FsTime t, char *buf, size_t size);

/* The same, newly allocated; free with g_free(). */
char *fs_time_to_string (FsTime t);

/* Wall-clock style for logs and narration: "00:10:02", "01:00:00.250" (milliseconds,
 * truncated, only when not whole seconds, so 1s + 1ns is "00:00:01.000"), "27:03:00" past a
 * day, a leading '-' when negative. Always NUL-terminated; returns what snprintf returns. */
int fs_time_format_clock (FsTime t, char *buf, size_t size);

/* Seconds as a double, for reports and statistics (never for ordering). */
static inline double
fs_time_to_seconds (FsTime t)
{
  return (double) t / (double) FS_SEC;
}

/* Rounds seconds to the nearest nanosecond, saturating at 0 and FS_TIME_MAX; NaN gives 0. */
FsTime fs_time_from_seconds (double s);

G_END_DECLS
