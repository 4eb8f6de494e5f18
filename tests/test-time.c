/* test-time.c: durations: exact parsing, canonical formatting, round trip, clock text. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "failsim/time.h"

static FsTime
parse_ok (const char *text)
{
  GError *error = NULL;
  FsTime t = -1;

  cr_assert (fs_time_parse (text, &t, &error), "'%s' should parse: %s", text,
             error != NULL ? error->message : "");
  cr_assert_null (error);
  return t;
}

static void
assert_parse_error (const char *text, FsTimeError code, const char *message)
{
  GError *error = NULL;
  FsTime t = 12345;

  cr_assert_not (fs_time_parse (text, &t, &error), "'%s' should not parse", text);
  cr_assert_not_null (error);
  cr_assert_eq (error->domain, FS_TIME_ERROR, "'%s': wrong error domain", text);
  cr_assert_eq (error->code, (int) code, "'%s': code %d, expected %d (%s)", text, error->code,
                code, error->message);
  cr_assert_str_eq (error->message, message, "'%s'", text);
  cr_assert_eq (t, 12345, "'%s': a failed parse must leave *out unchanged", text);
  g_error_free (error);
}

static void
assert_format (FsTime t, const char *expected)
{
  char buf[FS_TIME_BUFSZ];
  int len = fs_time_format (t, buf, sizeof buf);

  cr_assert_str_eq (buf, expected, "%" G_GINT64_FORMAT " ns", t);
  cr_assert_eq (len, (int) strlen (expected));
}

static void
assert_clock (FsTime t, const char *expected)
{
  char buf[64];
  int len = fs_time_format_clock (t, buf, sizeof buf);

  cr_assert_str_eq (buf, expected, "%" G_GINT64_FORMAT " ns", t);
  cr_assert_eq (len, (int) strlen (expected));
}

/* --- parsing ------------------------------------------------------------------------------- */

Test (time, every_unit_parses_to_its_nanoseconds)
{
  cr_assert_eq (parse_ok ("7ns"), 7);
  cr_assert_eq (parse_ok ("5us"), 5 * FS_USEC);
  cr_assert_eq (parse_ok ("250ms"), 250 * FS_MSEC);
  cr_assert_eq (parse_ok ("5s"), 5 * FS_SEC);
  cr_assert_eq (parse_ok ("2m"), 2 * FS_MIN);
  cr_assert_eq (parse_ok ("3h"), 3 * FS_HOUR);
  cr_assert_eq (parse_ok ("1d"), FS_DAY);
  cr_assert_eq (parse_ok ("007s"), 7 * FS_SEC);
}

Test (time, zero_is_bare_or_with_any_unit)
{
  cr_assert_eq (parse_ok ("0"), 0);
  cr_assert_eq (parse_ok ("0s"), 0);
  cr_assert_eq (parse_ok ("0ns"), 0);
  cr_assert_eq (parse_ok ("0.0h"), 0);
}

Test (time, fractions_are_exact_in_decimal)
{
  cr_assert_eq (parse_ok ("0.1s"), 100000000);
  cr_assert_eq (parse_ok ("1.5s"), 1500000000);
  cr_assert_eq (parse_ok ("0.000000001s"), 1);
  cr_assert_eq (parse_ok ("1.50s"), 1500000000);
  cr_assert_eq (parse_ok ("1.0000000000000000000000s"), FS_SEC);
  cr_assert_eq (parse_ok ("0.5us"), 500);
  cr_assert_eq (parse_ok ("1.5ms"), 1500000);
  cr_assert_eq (parse_ok ("0.25m"), 15 * FS_SEC);
  cr_assert_eq (parse_ok ("0.001h"), 3600 * FS_MSEC);
  cr_assert_eq (parse_ok ("0.5d"), 12 * FS_HOUR);
  /* 5e-11 of a minute is 3 ns: exact as a whole, though no single digit is. */
  cr_assert_eq (parse_ok ("0.00000000005m"), 3);
  /* 1/2^16 of a day is 1318359375 ns, the longest exact fraction there is. */
  cr_assert_eq (parse_ok ("0.0000152587890625d"), 1318359375);
}

Test (time, terms_combine_from_largest_unit_to_smallest)
{
  cr_assert_eq (parse_ok ("1h30m"), 90 * FS_MIN);
  cr_assert_eq (parse_ok ("1d2h"), 26 * FS_HOUR);
  cr_assert_eq (parse_ok ("1m30.25s"), 90250 * FS_MSEC);
  cr_assert_eq (parse_ok ("90s"), 90 * FS_SEC);
  cr_assert_eq (parse_ok ("1d2h3m4s5ms6us7ns"),
                FS_DAY + 2 * FS_HOUR + 3 * FS_MIN + 4 * FS_SEC + 5 * FS_MSEC + 6 * FS_USEC + 7);
  cr_assert_eq (parse_ok ("1h0.5s"), FS_HOUR + FS_SEC / 2);
}

Test (time, blanks_around_the_text_are_ignored)
{
  cr_assert_eq (parse_ok ("  5s\t\n"), 5 * FS_SEC);
  cr_assert_eq (parse_ok (" 0 "), 0);
}

Test (time, the_largest_time_parses_and_one_more_nanosecond_is_out_of_range)
{
  cr_assert_eq (parse_ok ("9223372036854775807ns"), FS_TIME_MAX);
  cr_assert_eq (parse_ok ("106751d23h47m16.854775807s"), FS_TIME_MAX);
  cr_assert_eq (parse_ok ("106751d23h47m16s854ms775us807ns"), FS_TIME_MAX);
  const char *max = "106751d23h47m16.854775807s (about 292 years)";
  g_autofree char *m1 = g_strdup_printf ("'9223372036854775808ns' is more than the largest time, %s", max);
  g_autofree char *m2 = g_strdup_printf ("'106751d23h47m16.854775808s' is more than the largest time, %s", max);
  g_autofree char *m3 = g_strdup_printf ("'106752d' is more than the largest time, %s", max);
  g_autofree char *m4 = g_strdup_printf ("'99999999999999999999999999s' is more than the largest time, %s", max);
  g_autofree char *m5 = g_strdup_printf ("'106751d23h47m16s854ms775us808ns' is more than the largest time, %s", max);
  assert_parse_error ("9223372036854775808ns", FS_TIME_ERROR_RANGE, m1);
  assert_parse_error ("106751d23h47m16.854775808s", FS_TIME_ERROR_RANGE, m2);
  assert_parse_error ("106752d", FS_TIME_ERROR_RANGE, m3);
  assert_parse_error ("99999999999999999999999999s", FS_TIME_ERROR_RANGE, m4);
  assert_parse_error ("106751d23h47m16s854ms775us808ns", FS_TIME_ERROR_RANGE, m5);
}

Test (time, a_fraction_finer_than_a_nanosecond_is_an_error)
{
  assert_parse_error ("1.0000000001s", FS_TIME_ERROR_RANGE,
                      "'1.0000000001s' is finer than 1ns, the resolution of simulated time");
  assert_parse_error ("0.5ns", FS_TIME_ERROR_RANGE,
                      "'0.5ns' is finer than 1ns, the resolution of simulated time");
  assert_parse_error ("1h0.0001us", FS_TIME_ERROR_RANGE,
                      "'0.0001us' is finer than 1ns, the resolution of simulated time");
  assert_parse_error ("0.00000000000000000000001d", FS_TIME_ERROR_RANGE,
                      "'0.00000000000000000000001d' is finer than 1ns, the resolution of "
                      "simulated time");
}

Test (time, negative_durations_are_out_of_range)
{
  assert_parse_error ("-5s", FS_TIME_ERROR_RANGE, "negative durations are not allowed");
  assert_parse_error (" -0", FS_TIME_ERROR_RANGE, "negative durations are not allowed");
}

Test (time, terms_out_of_order_are_an_error)
{
  assert_parse_error ("30m1h", FS_TIME_ERROR_SYNTAX,
                      "'1h' comes after '30m'; terms must go from the largest unit to the "
                      "smallest, as in 1h30m");
  assert_parse_error ("1ms2s", FS_TIME_ERROR_SYNTAX,
                      "'2s' comes after '1ms'; terms must go from the largest unit to the "
                      "smallest, as in 1h30m");
}

Test (time, a_unit_given_twice_is_an_error)
{
  assert_parse_error ("1s1s", FS_TIME_ERROR_SYNTAX,
                      "the unit 's' appears twice; give each unit once, largest first");
  assert_parse_error ("1h30m15m", FS_TIME_ERROR_SYNTAX,
                      "the unit 'm' appears twice; give each unit once, largest first");
}

Test (time, a_number_without_a_unit_is_an_error_except_bare_zero)
{
  assert_parse_error ("5", FS_TIME_ERROR_SYNTAX,
                      "missing unit after '5' (use ns, us, ms, s, m, h or d)");
  assert_parse_error ("1h30", FS_TIME_ERROR_SYNTAX,
                      "missing unit after '30' (use ns, us, ms, s, m, h or d)");
  assert_parse_error ("1.5", FS_TIME_ERROR_SYNTAX,
                      "missing unit after '1.5' (use ns, us, ms, s, m, h or d)");
  assert_parse_error ("00", FS_TIME_ERROR_SYNTAX,
                      "missing unit after '00' (use ns, us, ms, s, m, h or d)");
  assert_parse_error ("0.0", FS_TIME_ERROR_SYNTAX,
                      "missing unit after '0.0' (use ns, us, ms, s, m, h or d)");
}

Test (time, an_unknown_unit_is_named)
{
  assert_parse_error ("5sec", FS_TIME_ERROR_SYNTAX,
                      "unknown unit 'sec' (use ns, us, ms, s, m, h or d)");
  assert_parse_error ("1x", FS_TIME_ERROR_SYNTAX,
                      "unknown unit 'x' (use ns, us, ms, s, m, h or d)");
  assert_parse_error ("5S", FS_TIME_ERROR_SYNTAX,
                      "unknown unit 'S' (use ns, us, ms, s, m, h or d)");
  assert_parse_error ("1h30min", FS_TIME_ERROR_SYNTAX,
                      "unknown unit 'min' (use ns, us, ms, s, m, h or d)");
}

Test (time, empty_or_blank_text_is_an_error)
{
  assert_parse_error ("", FS_TIME_ERROR_SYNTAX, "the duration is empty");
  assert_parse_error (" \t ", FS_TIME_ERROR_SYNTAX, "the duration is empty");
}

Test (time, malformed_numbers_and_blanks_inside_are_errors)
{
  assert_parse_error ("abc", FS_TIME_ERROR_SYNTAX, "expected a number at 'abc'");
  assert_parse_error ("+5s", FS_TIME_ERROR_SYNTAX, "expected a number at '+5s'");
  assert_parse_error (".5s", FS_TIME_ERROR_SYNTAX,
                      "'.5s' needs a digit before the decimal point, as in 0.5s");
  assert_parse_error ("5.s", FS_TIME_ERROR_SYNTAX, "'5.' needs a digit after the decimal point");
  assert_parse_error ("1h 30m", FS_TIME_ERROR_SYNTAX,
                      "unexpected blank before '30m'; write the terms together, as in 1h30m");
  assert_parse_error ("5 s", FS_TIME_ERROR_SYNTAX,
                      "unexpected blank after '5'; write the unit right after the number, as in 5s");
}

/* --- formatting ---------------------------------------------------------------------------- */

Test (time, zero_formats_as_0s)
{
  assert_format (0, "0s");
}

Test (time, below_a_second_uses_the_largest_unit_reached_with_decimals)
{
  assert_format (1, "1ns");
  assert_format (999, "999ns");
  assert_format (1000, "1us");
  assert_format (1001, "1.001us");
  assert_format (1500, "1.5us");
  assert_format (1500000, "1.5ms");
  assert_format (250 * FS_MSEC, "250ms");
  assert_format (1234567, "1.234567ms");
  assert_format (FS_SEC - 1, "999.999999ms");
}

Test (time, whole_days_hours_and_minutes_combine)
{
  assert_format (FS_SEC, "1s");
  assert_format (FS_MIN, "1m");
  assert_format (90 * FS_SEC, "1m30s");
  assert_format (90 * FS_MIN, "1h30m");
  assert_format (FS_DAY, "1d");
  assert_format (26 * FS_HOUR, "1d2h");
  assert_format (FS_DAY + 5 * FS_SEC, "1d5s");
}

Test (time, from_a_second_up_the_rest_is_decimal_seconds)
{
  assert_format (1500 * FS_MSEC, "1.5s");
  assert_format (90250 * FS_MSEC, "1m30.25s");
  assert_format (FS_HOUR + FS_SEC / 2, "1h0.5s");
  assert_format (FS_DAY + 1, "1d0.000000001s");
  assert_format (FS_TIME_MAX, "106751d23h47m16.854775807s");
}

Test (time, negative_times_format_with_a_leading_minus)
{
  assert_format (-1500 * FS_MSEC, "-1.5s");
  assert_format (-1, "-1ns");
  assert_format (INT64_MIN, "-106751d23h47m16.854775808s");
}

Test (time, format_truncates_and_returns_the_wanted_length_like_snprintf)
{
  char buf[4];

  cr_assert_eq (fs_time_format (90 * FS_MIN, buf, sizeof buf), 5);
  cr_assert_str_eq (buf, "1h3");
  cr_assert_eq (fs_time_format (90 * FS_MIN, NULL, 0), 5);
  cr_assert_eq (fs_time_format (INT64_MIN, NULL, 0), 27);
  cr_assert_lt (27, FS_TIME_BUFSZ);
}

Test (time, to_string_allocates_the_same_text)
{
  g_autofree char *s = fs_time_to_string (90 * FS_MIN);
  cr_assert_str_eq (s, "1h30m");
}

static uint64_t
splitmix64 (uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static void
assert_round_trip (FsTime t)
{
  char buf[FS_TIME_BUFSZ];
  GError *error = NULL;
  FsTime back = -1;

  fs_time_format (t, buf, sizeof buf);
  cr_assert (fs_time_parse (buf, &back, &error), "%" G_GINT64_FORMAT " ns formats as '%s', "
             "which does not parse: %s", t, buf, error ? error->message : "");
  cr_assert_eq (back, t, "%" G_GINT64_FORMAT " ns -> '%s' -> %" G_GINT64_FORMAT, t, buf, back);
}

Test (time, format_then_parse_gives_back_every_time)
{
  static const FsTime units[] = { 1, FS_USEC, FS_MSEC, FS_SEC, FS_MIN, FS_HOUR, FS_DAY };

  assert_round_trip (0);
  assert_round_trip (FS_TIME_MAX);
  assert_round_trip (FS_TIME_MAX - 1);
  for (size_t i = 0; i < G_N_ELEMENTS (units); i++)
    for (FsTime k = 1; k <= 1000; k++) {
      assert_round_trip (k * units[i] - 1);
      assert_round_trip (k * units[i]);
      assert_round_trip (k * units[i] + 1);
    }

  /* Random values spread over every magnitude: a random 63-bit value shifted right by a random
   * 0..62 bits. */
  uint64_t x = 20240501;
  for (int i = 0; i < 200000; i++) {
    uint64_t v = splitmix64 (&x) >> 1;
    assert_round_trip ((FsTime) (v >> (splitmix64 (&x) % 63)));
  }
}

/* --- clock text ---------------------------------------------------------------------------- */

Test (time, clock_shows_hours_minutes_seconds)
{
  assert_clock (0, "00:00:00");
  assert_clock (602 * FS_SEC, "00:10:02");
  assert_clock (27 * FS_HOUR + 3 * FS_MIN, "27:03:00");
  assert_clock (-90 * FS_SEC, "-00:01:30");
}

Test (time, clock_shows_milliseconds_truncated_only_when_not_whole_seconds)
{
  assert_clock (FS_HOUR + 250 * FS_MSEC, "01:00:00.250");
  assert_clock (999999999, "00:00:00.999");
  assert_clock (FS_SEC + 1, "00:00:01.000");
  assert_clock (FS_TIME_MAX, "2562047:47:16.854");
}

Test (time, clock_truncates_like_snprintf)
{
  char buf[6];

  cr_assert_eq (fs_time_format_clock (602 * FS_SEC, buf, sizeof buf), 8);
  cr_assert_str_eq (buf, "00:10");
}

/* --- seconds ------------------------------------------------------------------------------- */

Test (time, from_seconds_rounds_to_the_nearest_nanosecond)
{
  cr_assert_eq (fs_time_from_seconds (0.1), 100000000);
  cr_assert_eq (fs_time_from_seconds (1.0), FS_SEC);
  cr_assert_eq (fs_time_from_seconds (1.4e-9), 1);
  cr_assert_eq (fs_time_from_seconds (1.6e-9), 2);
  cr_assert_eq (fs_time_from_seconds (86400.0), FS_DAY);
}

Test (time, from_seconds_saturates_at_zero_and_the_largest_time)
{
  cr_assert_eq (fs_time_from_seconds (-1.0), 0);
  cr_assert_eq (fs_time_from_seconds (-INFINITY), 0);
  cr_assert_eq (fs_time_from_seconds (NAN), 0);
  cr_assert_eq (fs_time_from_seconds (1e300), FS_TIME_MAX);
  cr_assert_eq (fs_time_from_seconds (INFINITY), FS_TIME_MAX);
  cr_assert_eq (fs_time_from_seconds (9223372036.854775807), FS_TIME_MAX);
  cr_assert_lt (fs_time_from_seconds (9223372036.0), FS_TIME_MAX);
}

Test (time, to_seconds_is_the_plain_quotient)
{
  cr_assert_float_eq (fs_time_to_seconds (1500 * FS_MSEC), 1.5, 1e-15);
}
