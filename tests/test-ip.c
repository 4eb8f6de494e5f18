/* test-ip.c: addresses and prefixes: strict parsing, RFC 5952 text, containment, pools. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "failsim/ip.h"

static FsIp
ip_ok (const char *text)
{
  GError *error = NULL;
  FsIp ip;

  cr_assert (fs_ip_parse (text, &ip, &error), "'%s' should parse: %s", text,
             error != NULL ? error->message : "");
  cr_assert_null (error);
  return ip;
}

static FsPrefix
prefix_ok (const char *text)
{
  GError *error = NULL;
  FsPrefix p;

  cr_assert (fs_prefix_parse (text, &p, &error), "'%s' should parse: %s", text,
             error != NULL ? error->message : "");
  cr_assert_null (error);
  return p;
}

static void
assert_ip_error (const char *text, FsIpError code, const char *message)
{
  GError *error = NULL;
  FsIp ip, before;

  memset (&ip, 0xab, sizeof ip);
  before = ip;
  cr_assert_not (fs_ip_parse (text, &ip, &error), "'%s' should not parse", text);
  cr_assert_not_null (error);
  cr_assert_eq (error->domain, FS_IP_ERROR, "'%s': wrong error domain", text);
  cr_assert_eq (error->code, (int) code, "'%s': code %d, expected %d (%s)", text, error->code,
                code, error->message);
  cr_assert_str_eq (error->message, message, "'%s'", text);
  cr_assert (memcmp (&ip, &before, sizeof ip) == 0,
             "'%s': a failed parse must leave *out unchanged", text);
  g_error_free (error);
}

static void
assert_prefix_error (const char *text, FsIpError code, const char *message)
{
  GError *error = NULL;
  FsPrefix p, before;

  memset (&p, 0xab, sizeof p);
  before = p;
  cr_assert_not (fs_prefix_parse (text, &p, &error), "'%s' should not parse", text);
  cr_assert_not_null (error);
  cr_assert_eq (error->domain, FS_IP_ERROR, "'%s': wrong error domain", text);
  cr_assert_eq (error->code, (int) code, "'%s': code %d, expected %d (%s)", text, error->code,
                code, error->message);
  cr_assert_str_eq (error->message, message, "'%s'", text);
  cr_assert (memcmp (&p, &before, sizeof p) == 0,
             "'%s': a failed parse must leave *out unchanged", text);
  g_error_free (error);
}

static void
assert_bytes (const FsIp *ip, uint8_t family, const uint8_t expected[16])
{
  cr_assert_eq (ip->family, family);
  for (int i = 0; i < 16; i++)
    cr_assert_eq (ip->bytes[i], expected[i], "byte %d: %u, expected %u", i, ip->bytes[i],
                  expected[i]);
}

/* Parses @input and checks that it formats as @expected, which must itself parse to the same
 * address and format to itself. */
static void
assert_canonical (const char *input, const char *expected)
{
  char buf[FS_IP_BUFSZ];
  FsIp ip = ip_ok (input);
  int len = fs_ip_format (&ip, buf, sizeof buf);

  cr_assert_str_eq (buf, expected, "'%s'", input);
  cr_assert_eq (len, (int) strlen (expected));
  FsIp back = ip_ok (buf);
  cr_assert (fs_ip_equal (&ip, &back), "'%s' -> '%s' reads back differently", input, buf);
}

static gboolean
contains (const char *prefix, const char *ip)
{
  FsPrefix p = prefix_ok (prefix);
  FsIp a = ip_ok (ip);
  return fs_prefix_contains (&p, &a);
}

static gboolean
overlaps (const char *a, const char *b)
{
  FsPrefix pa = prefix_ok (a), pb = prefix_ok (b);
  gboolean ab = fs_prefix_overlaps (&pa, &pb);

  cr_assert_eq (ab, fs_prefix_overlaps (&pb, &pa), "overlap of %s and %s is not symmetric", a, b);
  return ab;
}

static gboolean
contains_prefix (const char *outer, const char *inner)
{
  FsPrefix po = prefix_ok (outer), pi = prefix_ok (inner);
  return fs_prefix_contains_prefix (&po, &pi);
}

static void
assert_offset (const char *prefix, uint64_t n, const char *expected)
{
  FsPrefix p = prefix_ok (prefix);
  FsIp out;
  uint64_t back = 12345;
  char buf[FS_IP_BUFSZ];

  cr_assert (fs_ip_offset (&p, n, &out), "%s: offset %" G_GUINT64_FORMAT, prefix, n);
  fs_ip_format (&out, buf, sizeof buf);
  cr_assert_str_eq (buf, expected, "%s: offset %" G_GUINT64_FORMAT, prefix, n);
  FsIp want = ip_ok (expected);
  cr_assert (fs_ip_equal (&out, &want));
  cr_assert (fs_ip_index_in (&p, &out, &back));
  cr_assert_eq (back, n, "%s: %s is at %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT,
                prefix, expected, back, n);
}

static void
assert_no_offset (const char *prefix, uint64_t n)
{
  FsPrefix p = prefix_ok (prefix);
  FsIp out, before;

  memset (&out, 0x5a, sizeof out);
  before = out;
  cr_assert_not (fs_ip_offset (&p, n, &out), "%s: offset %" G_GUINT64_FORMAT " is outside",
                 prefix, n);
  cr_assert (memcmp (&out, &before, sizeof out) == 0);
}

/* --- IPv4 parsing -------------------------------------------------------------------------- */

Test (ip, dotted_quads_parse_to_the_first_four_bytes_and_zeros)
{
  FsIp a = ip_ok ("192.168.1.20");
  assert_bytes (&a, 4, (const uint8_t[16]) { 192, 168, 1, 20 });
  FsIp b = ip_ok ("0.0.0.0");
  assert_bytes (&b, 4, (const uint8_t[16]) { 0 });
  FsIp c = ip_ok ("255.255.255.255");
  assert_bytes (&c, 4, (const uint8_t[16]) { 255, 255, 255, 255 });
  FsIp d = ip_ok ("10.0.100.9");
  assert_bytes (&d, 4, (const uint8_t[16]) { 10, 0, 100, 9 });
  cr_assert_eq (fs_ip_bits (&d), 32);
}

Test (ip, blanks_around_the_text_are_ignored)
{
  FsIp a = ip_ok ("  10.0.0.1\t\n");
  assert_bytes (&a, 4, (const uint8_t[16]) { 10, 0, 0, 1 });
  FsIp b = ip_ok (" ::1 ");
  assert_bytes (&b, 6, (const uint8_t[16]) { [15] = 1 });
  FsPrefix p = prefix_ok (" 10.0.0.0/8 ");
  cr_assert_eq (p.len, 8);
}

Test (ip, ipv4_parse_errors_say_what_is_wrong)
{
  assert_ip_error ("", FS_IP_ERROR_SYNTAX, "the address is empty");
  assert_ip_error (" \t", FS_IP_ERROR_SYNTAX, "the address is empty");
  assert_ip_error ("192.168.1.300", FS_IP_ERROR_RANGE,
                   "'192.168.1.300': 300 is not a byte (0 to 255)");
  assert_ip_error ("256.0.0.0", FS_IP_ERROR_RANGE, "'256.0.0.0': 256 is not a byte (0 to 255)");
  assert_ip_error ("1.2.3.99999999999999999999", FS_IP_ERROR_RANGE,
                   "'1.2.3.99999999999999999999': 99999999999999999999 is not a byte (0 to 255)");
  assert_ip_error ("10.1.1", FS_IP_ERROR_SYNTAX, "'10.1.1': an IPv4 address has four parts");
  assert_ip_error ("1.2.3.4.5", FS_IP_ERROR_SYNTAX, "'1.2.3.4.5': an IPv4 address has four parts");
  assert_ip_error ("1.2.3.4.", FS_IP_ERROR_SYNTAX, "'1.2.3.4.': an IPv4 address has four parts");
  assert_ip_error ("167772161", FS_IP_ERROR_SYNTAX, "'167772161': an IPv4 address has four parts");
  assert_ip_error ("010.1.1.1", FS_IP_ERROR_SYNTAX,
                   "'010.1.1.1': 010 has a leading zero, which some programs read as octal");
  assert_ip_error ("1.2.3.00", FS_IP_ERROR_SYNTAX,
                   "'1.2.3.00': 00 has a leading zero, which some programs read as octal");
  assert_ip_error ("10..1.1", FS_IP_ERROR_SYNTAX, "'10..1.1': part 2 of the IPv4 address is empty");
  assert_ip_error (".1.2.3", FS_IP_ERROR_SYNTAX, "'.1.2.3': part 1 of the IPv4 address is empty");
  assert_ip_error ("1.2.3.", FS_IP_ERROR_SYNTAX, "'1.2.3.': part 4 of the IPv4 address is empty");
  assert_ip_error ("localhost", FS_IP_ERROR_SYNTAX,
                   "'localhost' is not an IP address; write IPv4 as 192.0.2.1 and IPv6 as "
                   "2001:db8::1");
  assert_ip_error ("1.2.3.x", FS_IP_ERROR_SYNTAX,
                   "'1.2.3.x' is not an IP address; write IPv4 as 192.0.2.1 and IPv6 as "
                   "2001:db8::1");
  assert_ip_error ("1.2. 3.4", FS_IP_ERROR_SYNTAX,
                   "'1.2. 3.4' is not an IP address; write IPv4 as 192.0.2.1 and IPv6 as "
                   "2001:db8::1");
  assert_ip_error ("10.0.0.0/8", FS_IP_ERROR_SYNTAX,
                   "'10.0.0.0/8' is a prefix, not an address; leave out '/8'");
}

/* --- IPv6 parsing -------------------------------------------------------------------------- */

Test (ip, every_rfc4291_text_form_parses)
{
  static const uint8_t doc1[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

  FsIp a = ip_ok ("2001:0db8:0000:0000:0000:0000:0000:0001");
  assert_bytes (&a, 6, doc1);
  FsIp b = ip_ok ("2001:db8:0:0:0:0:0:1");
  assert_bytes (&b, 6, doc1);
  FsIp c = ip_ok ("2001:DB8::1");
  assert_bytes (&c, 6, doc1);
  FsIp d = ip_ok ("::");
  assert_bytes (&d, 6, (const uint8_t[16]) { 0 });
  FsIp e = ip_ok ("::1");
  assert_bytes (&e, 6, (const uint8_t[16]) { [15] = 1 });
  FsIp f = ip_ok ("1::");
  assert_bytes (&f, 6, (const uint8_t[16]) { 0, 1 });
  FsIp g = ip_ok ("::ffff:192.0.2.1");
  assert_bytes (&g, 6, (const uint8_t[16]) { [10] = 0xff, 0xff, 192, 0, 2, 1 });
  FsIp h = ip_ok ("0:0:0:0:0:ffff:192.0.2.1");
  assert_bytes (&h, 6, (const uint8_t[16]) { [10] = 0xff, 0xff, 192, 0, 2, 1 });
  FsIp i = ip_ok ("64:ff9b::192.0.2.1");
  assert_bytes (&i, 6, (const uint8_t[16]) { 0, 0x64, 0xff, 0x9b, [12] = 192, 0, 2, 1 });
  /* "::" may stand for a single zero group when reading (RFC 5952 only avoids writing it). */
  FsIp j = ip_ok ("1:2:3:4:5:6:7::");
  assert_bytes (&j, 6, (const uint8_t[16]) { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0 });
  FsIp k = ip_ok ("::2:3:4:5:6:7:8");
  assert_bytes (&k, 6, (const uint8_t[16]) { 0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8 });
  FsIp l = ip_ok ("1:2:3:4:5:6:1.2.3.4");
  assert_bytes (&l, 6, (const uint8_t[16]) { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4 });
  FsIp m = ip_ok ("FfFf:abcd:EF01:2345:6789:0:a:B");
  assert_bytes (&m, 6, (const uint8_t[16]) { 0xff, 0xff, 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45,
                                             0x67, 0x89, 0, 0, 0, 0xa, 0, 0xb });
  cr_assert_eq (fs_ip_bits (&m), 128);
}

Test (ip, ipv6_parse_errors_say_what_is_wrong)
{
  assert_ip_error ("2001:db8::1::2", FS_IP_ERROR_SYNTAX,
                   "'2001:db8::1::2': '::' may appear only once");
  assert_ip_error ("::1::", FS_IP_ERROR_SYNTAX, "'::1::': '::' may appear only once");
  assert_ip_error ("2001:db8:::1", FS_IP_ERROR_SYNTAX,
                   "'2001:db8:::1': ':::' is not allowed; '::' alone stands for the zero groups");
  assert_ip_error (":::", FS_IP_ERROR_SYNTAX,
                   "':::': ':::' is not allowed; '::' alone stands for the zero groups");
  assert_ip_error ("2001:db80000::1", FS_IP_ERROR_SYNTAX,
                   "'2001:db80000::1': the group db80000 has more than four hex digits");
  assert_ip_error ("1:2:3:4:5:6:7", FS_IP_ERROR_SYNTAX,
                   "'1:2:3:4:5:6:7': an IPv6 address has eight groups, or fewer with '::'; "
                   "this has 7");
  assert_ip_error ("1:2:3:4:5:6:7:8:9", FS_IP_ERROR_SYNTAX,
                   "'1:2:3:4:5:6:7:8:9': an IPv6 address has eight groups, or fewer with '::'; "
                   "this has 9");
  assert_ip_error ("1:2:3:4:5:1.2.3.4", FS_IP_ERROR_SYNTAX,
                   "'1:2:3:4:5:1.2.3.4': an IPv6 address has eight groups, or fewer with '::'; "
                   "this has 7 (an embedded IPv4 address counts as two)");
  assert_ip_error ("1:2:3:4::5:6:7:8", FS_IP_ERROR_SYNTAX,
                   "'1:2:3:4::5:6:7:8': '::' stands for one or more zero groups, but there are "
                   "already 8 groups");
  assert_ip_error ("::1:2:3:4:5:6:1.2.3.4", FS_IP_ERROR_SYNTAX,
                   "'::1:2:3:4:5:6:1.2.3.4': '::' stands for one or more zero groups, but there "
                   "are already 8 groups (an embedded IPv4 address counts as two)");
  assert_ip_error (":1:2:3:4:5:6:7", FS_IP_ERROR_SYNTAX,
                   "':1:2:3:4:5:6:7': it starts with a single ':'");
  assert_ip_error (":", FS_IP_ERROR_SYNTAX, "':': it starts with a single ':'");
  assert_ip_error ("1:2:3:4:5:6:7:", FS_IP_ERROR_SYNTAX,
                   "'1:2:3:4:5:6:7:': it ends with a single ':'");
  assert_ip_error ("2001:db8::g", FS_IP_ERROR_SYNTAX, "'2001:db8::g': 'g' is not a hex digit");
  assert_ip_error ("2001:db8::1 2", FS_IP_ERROR_SYNTAX, "'2001:db8::1 2': ' ' is not a hex digit");
  assert_ip_error ("2001:db8::\xc3\xa9", FS_IP_ERROR_SYNTAX,
                   "'2001:db8::\xc3\xa9': byte 0xc3 is not a hex digit");
  assert_ip_error ("::ffff:1.2.3", FS_IP_ERROR_SYNTAX,
                   "'::ffff:1.2.3': an embedded IPv4 address has four parts");
  assert_ip_error ("::ffff:1.2.3.256", FS_IP_ERROR_RANGE,
                   "'::ffff:1.2.3.256': 256 is not a byte (0 to 255)");
  assert_ip_error ("::ffff:1.2.3.a", FS_IP_ERROR_SYNTAX,
                   "'::ffff:1.2.3.a': 'a' is not a decimal number");
  assert_ip_error ("::ffff:01.2.3.4", FS_IP_ERROR_SYNTAX,
                   "'::ffff:01.2.3.4': 01 has a leading zero, which some programs read as octal");
  assert_ip_error ("::ffff:1..3.4", FS_IP_ERROR_SYNTAX,
                   "'::ffff:1..3.4': part 2 of the embedded IPv4 address is empty");
  assert_ip_error ("::1.2.3.4:5", FS_IP_ERROR_SYNTAX,
                   "'::1.2.3.4:5': an embedded IPv4 address must come last");
  assert_ip_error ("1.2.3.4::", FS_IP_ERROR_SYNTAX,
                   "'1.2.3.4::': an embedded IPv4 address must come last");
  assert_ip_error ("[2001:db8::1]", FS_IP_ERROR_SYNTAX,
                   "'[2001:db8::1]': write the address without brackets");
  assert_ip_error ("fe80::1%eth0", FS_IP_ERROR_SYNTAX,
                   "'fe80::1%eth0': zone ids (%eth0) are not supported");
  assert_ip_error ("2001:db8::/32", FS_IP_ERROR_SYNTAX,
                   "'2001:db8::/32' is a prefix, not an address; leave out '/32'");
}

/* --- formatting ---------------------------------------------------------------------------- */

Test (ip, ipv4_formats_as_a_dotted_quad)
{
  assert_canonical ("192.168.1.20", "192.168.1.20");
  assert_canonical ("0.0.0.0", "0.0.0.0");
  assert_canonical ("255.255.255.255", "255.255.255.255");
}

/* The cases of RFC 5952 section 4, and the edges of each rule. */
Test (ip, ipv6_formats_in_rfc5952_canonical_form)
{
  /* 4.1: no leading zeros. */
  assert_canonical ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
  assert_canonical ("2001:db8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
  assert_canonical ("2001:db8::0001", "2001:db8::1");
  /* 4.2.1: "::" as long as it can be. */
  assert_canonical ("2001:db8:0:0:0:0:2:1", "2001:db8::2:1");
  assert_canonical ("2001:db8::0:1", "2001:db8::1");
  /* 4.2.2: never for a single zero group. */
  assert_canonical ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
  assert_canonical ("2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
  assert_canonical ("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0");
  /* 4.2.3: the longest run, and the first of equally long ones. */
  assert_canonical ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
  assert_canonical ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
  assert_canonical ("0:0:1:0:0:1:0:0", "::1:0:0:1:0:0");
  assert_canonical ("1:0:0:1:0:0:0:0", "1:0:0:1::");
  /* 4.3: lowercase. */
  assert_canonical ("2001:DB8::AAAA", "2001:db8::aaaa");
  /* The ends. */
  assert_canonical ("0:0:0:0:0:0:0:0", "::");
  assert_canonical ("0:0:0:0:0:0:0:1", "::1");
  assert_canonical ("1:0:0:0:0:0:0:0", "1::");
  assert_canonical ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0");
  assert_canonical ("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8");
  assert_canonical ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

Test (ip, only_ipv4_mapped_addresses_format_with_a_dotted_quad)
{
  assert_canonical ("::ffff:192.0.2.1", "::ffff:192.0.2.1");
  assert_canonical ("::ffff:c000:0201", "::ffff:192.0.2.1");
  assert_canonical ("0:0:0:0:0:FFFF:0:0", "::ffff:0.0.0.0");
  assert_canonical ("::ffff:255.255.255.255", "::ffff:255.255.255.255");
  /* Not ::ffff:0:0/96, so hex: IPv4-compatible (deprecated), NAT64 and near misses. */
  assert_canonical ("::192.0.2.1", "::c000:201");
  assert_canonical ("64:ff9b::192.0.2.1", "64:ff9b::c000:201");
  assert_canonical ("1::ffff:1.2.3.4", "1::ffff:102:304");
  assert_canonical ("::fffe:1.2.3.4", "::fffe:102:304");
  assert_canonical ("::1:ffff:1.2.3.4", "::1:ffff:102:304");
}

Test (ip, format_truncates_and_returns_the_wanted_length_like_snprintf)
{
  FsIp ip = ip_ok ("1111:2222:3333:4444:5555:6666:7777:8888");
  FsPrefix p = prefix_ok ("1111:2222:3333:4444:5555:6666:7777:8888/128");
  char buf[5];

  cr_assert_eq (fs_ip_format (&ip, buf, sizeof buf), 39);
  cr_assert_str_eq (buf, "1111");
  cr_assert_eq (fs_ip_format (&ip, NULL, 0), 39);
  cr_assert_eq (fs_prefix_format (&p, NULL, 0), 43);
  cr_assert_lt (43, FS_PREFIX_BUFSZ);
  cr_assert_lt (39, FS_IP_BUFSZ);
}

Test (ip, to_string_allocates_the_same_text)
{
  FsIp ip = ip_ok ("2001:DB8:0::1");
  FsPrefix p = prefix_ok ("10.0.0.0/8");
  g_autofree char *a = fs_ip_to_string (&ip);
  g_autofree char *b = fs_prefix_to_string (&p);

  cr_assert_str_eq (a, "2001:db8::1");
  cr_assert_str_eq (b, "10.0.0.0/8");
}

static uint64_t
splitmix64 (uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Test (ip, format_then_parse_gives_back_every_address)
{
  uint64_t x = 20240601;
  char buf[FS_IP_BUFSZ], again[FS_IP_BUFSZ];

  for (int i = 0; i < 100000; i++) {
    FsIp ip = { 0 };
    uint64_t r = splitmix64 (&x);
    switch (i % 3) {
    case 0:
      ip.family = 4;
      for (int b = 0; b < 4; b++)
        ip.bytes[b] = (uint8_t) (r >> (8 * b));
      break;
    case 1:
      /* Each group zero with probability 1/2, so that runs of every length and place occur. */
      ip.family = 6;
      for (int g = 0; g < 8; g++) {
        uint64_t v = splitmix64 (&x);
        if ((r >> g) & 1)
          continue;
        ip.bytes[2 * g] = (v & 1) != 0 ? 0 : (uint8_t) (v >> 8);  /* short groups too */
        ip.bytes[2 * g + 1] = (uint8_t) (v >> 16);
      }
      break;
    default:
      ip.family = 6;
      ip.bytes[10] = ip.bytes[11] = 0xff;
      for (int b = 0; b < 4; b++)
        ip.bytes[12 + b] = (uint8_t) (r >> (8 * b));
      break;
    }
    fs_ip_format (&ip, buf, sizeof buf);
    FsIp back = ip_ok (buf);
    cr_assert (fs_ip_equal (&ip, &back), "'%s' reads back differently", buf);
    fs_ip_format (&back, again, sizeof again);
    cr_assert_str_eq (buf, again);
  }
}

/* --- prefixes ------------------------------------------------------------------------------ */

Test (ip, prefixes_parse_with_their_lengths)
{
  FsPrefix a = prefix_ok ("192.168.1.0/24");
  assert_bytes (&a.addr, 4, (const uint8_t[16]) { 192, 168, 1, 0 });
  cr_assert_eq (a.len, 24);
  FsPrefix b = prefix_ok ("0.0.0.0/0");
  assert_bytes (&b.addr, 4, (const uint8_t[16]) { 0 });
  cr_assert_eq (b.len, 0);
  FsPrefix c = prefix_ok ("10.1.2.3/32");
  assert_bytes (&c.addr, 4, (const uint8_t[16]) { 10, 1, 2, 3 });
  cr_assert_eq (c.len, 32);
  FsPrefix d = prefix_ok ("2001:DB8::/32");
  assert_bytes (&d.addr, 6, (const uint8_t[16]) { 0x20, 0x01, 0x0d, 0xb8 });
  cr_assert_eq (d.len, 32);
  FsPrefix e = prefix_ok ("::/0");
  cr_assert_eq (e.len, 0);
  FsPrefix f = prefix_ok ("::1/128");
  assert_bytes (&f.addr, 6, (const uint8_t[16]) { [15] = 1 });
  cr_assert_eq (f.len, 128);
  FsPrefix g = prefix_ok ("10.128.0.0/9");
  cr_assert_eq (g.len, 9);
}

Test (ip, prefixes_format_as_address_slash_length)
{
  static const char *const texts[] = {
    "192.168.1.0/24", "0.0.0.0/0", "10.1.2.3/32", "2001:db8::/32", "::/0", "::1/128",
    "::ffff:0.0.0.0/96", "2001:db8:0:1::/64",
  };
  char buf[FS_PREFIX_BUFSZ];

  for (size_t i = 0; i < G_N_ELEMENTS (texts); i++) {
    FsPrefix p = prefix_ok (texts[i]);
    int len = fs_prefix_format (&p, buf, sizeof buf);
    cr_assert_str_eq (buf, texts[i]);
    cr_assert_eq (len, (int) strlen (texts[i]));
  }
  FsPrefix q = prefix_ok ("2001:0DB8:0000::/48");
  fs_prefix_format (&q, buf, sizeof buf);
  cr_assert_str_eq (buf, "2001:db8::/48");
}

Test (ip, prefix_parse_errors_say_what_is_wrong)
{
  assert_prefix_error ("", FS_IP_ERROR_SYNTAX, "the prefix is empty");
  assert_prefix_error ("192.168.1.0", FS_IP_ERROR_SYNTAX,
                       "'192.168.1.0': a prefix needs a length, as in 192.168.1.0/24");
  assert_prefix_error ("10.0.0.0", FS_IP_ERROR_SYNTAX,
                       "'10.0.0.0': a prefix needs a length, as in 192.168.1.0/24");
  assert_prefix_error ("2001:db8::", FS_IP_ERROR_SYNTAX,
                       "'2001:db8::': a prefix needs a length, as in 2001:db8::/32");
  assert_prefix_error ("192.168.1.0/", FS_IP_ERROR_SYNTAX,
                       "'192.168.1.0/': the length after '/' is missing");
  assert_prefix_error ("/24", FS_IP_ERROR_SYNTAX, "'/24': the address before '/' is missing");
  assert_prefix_error ("192.168.1.0/x", FS_IP_ERROR_SYNTAX,
                       "'192.168.1.0/x': the length 'x' is not a number");
  assert_prefix_error ("192.168.1.0/-1", FS_IP_ERROR_SYNTAX,
                       "'192.168.1.0/-1': the length '-1' is not a number");
  assert_prefix_error ("192.168.1.0/24/25", FS_IP_ERROR_SYNTAX,
                       "'192.168.1.0/24/25': the length '24/25' is not a number");
  assert_prefix_error ("10.0.0.0/255.0.0.0", FS_IP_ERROR_SYNTAX,
                       "'10.0.0.0/255.0.0.0': the length is a number of bits: write /8, not the "
                       "netmask 255.0.0.0");
  assert_prefix_error ("10.0.0.0/255.255.255.255", FS_IP_ERROR_SYNTAX,
                       "'10.0.0.0/255.255.255.255': the length is a number of bits: write /32, "
                       "not the netmask 255.255.255.255");
  assert_prefix_error ("10.0.0.0/255.0.255.0", FS_IP_ERROR_SYNTAX,
                       "'10.0.0.0/255.0.255.0': the length '255.0.255.0' is not a number");
  assert_prefix_error ("10.0.0.0/08", FS_IP_ERROR_SYNTAX,
                       "'10.0.0.0/08': the length 08 has a leading zero; write 8");
  assert_prefix_error ("0.0.0.0/00", FS_IP_ERROR_SYNTAX,
                       "'0.0.0.0/00': the length 00 has a leading zero; write 0");
  assert_prefix_error ("10.0.0.0/33", FS_IP_ERROR_RANGE,
                       "'10.0.0.0/33': the length 33 is more than 32, the bits in an IPv4 address");
  assert_prefix_error ("::/129", FS_IP_ERROR_RANGE,
                       "'::/129': the length 129 is more than 128, the bits in an IPv6 address");
  assert_prefix_error ("10.0.0.0/99999999999999999999", FS_IP_ERROR_RANGE,
                       "'10.0.0.0/99999999999999999999': the length 99999999999999999999 is "
                       "more than 32, the bits in an IPv4 address");
  assert_prefix_error ("192.168.1.300/24", FS_IP_ERROR_RANGE,
                       "'192.168.1.300/24': 300 is not a byte (0 to 255)");
  assert_prefix_error ("2001:db8::1::/64", FS_IP_ERROR_SYNTAX,
                       "'2001:db8::1::/64': '::' may appear only once");
  assert_prefix_error ("foo/8", FS_IP_ERROR_SYNTAX,
                       "'foo/8': 'foo' is not an IP address; write IPv4 as 192.0.2.1 and IPv6 "
                       "as 2001:db8::1");
  assert_prefix_error ("foo", FS_IP_ERROR_SYNTAX,
                       "'foo' is not an IP address; write IPv4 as 192.0.2.1 and IPv6 as "
                       "2001:db8::1");
  assert_prefix_error ("fe80::%eth0/64", FS_IP_ERROR_SYNTAX,
                       "'fe80::%eth0/64': zone ids (%eth0) are not supported");
}

Test (ip, host_bits_are_an_error_that_names_the_network)
{
  assert_prefix_error ("192.168.1.5/24", FS_IP_ERROR_HOST_BITS,
                       "'192.168.1.5/24' has host bits set; the network is 192.168.1.0/24");
  assert_prefix_error ("10.1.2.3/0", FS_IP_ERROR_HOST_BITS,
                       "'10.1.2.3/0' has host bits set; the network is 0.0.0.0/0");
  assert_prefix_error ("10.0.0.1/31", FS_IP_ERROR_HOST_BITS,
                       "'10.0.0.1/31' has host bits set; the network is 10.0.0.0/31");
  assert_prefix_error ("10.192.0.0/9", FS_IP_ERROR_HOST_BITS,
                       "'10.192.0.0/9' has host bits set; the network is 10.128.0.0/9");
  assert_prefix_error ("2001:db8::1/32", FS_IP_ERROR_HOST_BITS,
                       "'2001:db8::1/32' has host bits set; the network is 2001:db8::/32");
  assert_prefix_error ("::1/127", FS_IP_ERROR_HOST_BITS,
                       "'::1/127' has host bits set; the network is ::/127");
  assert_prefix_error ("2001:db8:0:0:8000::/64", FS_IP_ERROR_HOST_BITS,
                       "'2001:db8:0:0:8000::/64' has host bits set; the network is "
                       "2001:db8::/64");
}

Test (ip, network_masks_an_address_to_a_prefix)
{
  FsIp a = ip_ok ("10.1.2.3");
  FsPrefix p;
  char buf[FS_PREFIX_BUFSZ];

  fs_prefix_network (&a, 16, &p);
  fs_prefix_format (&p, buf, sizeof buf);
  cr_assert_str_eq (buf, "10.1.0.0/16");
  fs_prefix_network (&a, 0, &p);
  fs_prefix_format (&p, buf, sizeof buf);
  cr_assert_str_eq (buf, "0.0.0.0/0");
  fs_prefix_network (&a, 32, &p);
  fs_prefix_format (&p, buf, sizeof buf);
  cr_assert_str_eq (buf, "10.1.2.3/32");
  fs_prefix_network (&a, 23, &p);
  fs_prefix_format (&p, buf, sizeof buf);
  cr_assert_str_eq (buf, "10.1.2.0/23");
  fs_prefix_network (&a, 22, &p);
  fs_prefix_format (&p, buf, sizeof buf);
  cr_assert_str_eq (buf, "10.1.0.0/22");

  FsIp b = ip_ok ("2001:db8:1:2:3:4:5:6");
  fs_prefix_network (&b, 64, &p);
  fs_prefix_format (&p, buf, sizeof buf);
  cr_assert_str_eq (buf, "2001:db8:1:2::/64");
  fs_prefix_network (&b, 65, &p);
  fs_prefix_format (&p, buf, sizeof buf);
  cr_assert_str_eq (buf, "2001:db8:1:2::/65");
  fs_prefix_network (&b, 127, &p);
  fs_prefix_format (&p, buf, sizeof buf);
  cr_assert_str_eq (buf, "2001:db8:1:2:3:4:5:6/127");
  fs_prefix_network (&b, 47, &p);
  fs_prefix_format (&p, buf, sizeof buf);
  cr_assert_str_eq (buf, "2001:db8::/47");

  /* The output may be the input's own storage. */
  FsPrefix q = { .addr = ip_ok ("192.168.1.77") };
  fs_prefix_network (&q.addr, 24, &q);
  fs_prefix_format (&q, buf, sizeof buf);
  cr_assert_str_eq (buf, "192.168.1.0/24");
}

/* --- containment --------------------------------------------------------------------------- */

Test (ip, a_prefix_contains_exactly_its_range)
{
  cr_assert (contains ("192.168.1.0/24", "192.168.1.0"));
  cr_assert (contains ("192.168.1.0/24", "192.168.1.255"));
  cr_assert_not (contains ("192.168.1.0/24", "192.168.2.0"));
  cr_assert_not (contains ("192.168.1.0/24", "192.168.0.255"));
  cr_assert (contains ("10.1.2.3/32", "10.1.2.3"));
  cr_assert_not (contains ("10.1.2.3/32", "10.1.2.2"));
  cr_assert_not (contains ("10.1.2.3/32", "10.1.2.4"));
  cr_assert (contains ("10.128.0.0/9", "10.255.255.255"));
  cr_assert_not (contains ("10.128.0.0/9", "10.127.255.255"));
  cr_assert (contains ("0.0.0.0/0", "0.0.0.0"));
  cr_assert (contains ("0.0.0.0/0", "255.255.255.255"));
  cr_assert (contains ("::/0", "::"));
  cr_assert (contains ("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  cr_assert (contains ("2001:db8::/32", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
  cr_assert_not (contains ("2001:db8::/32", "2001:db9::"));
  cr_assert_not (contains ("2001:db8::/32", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
  cr_assert (contains ("2001:db8::/65", "2001:db8::7fff:ffff:ffff:ffff"));
  cr_assert_not (contains ("2001:db8::/65", "2001:db8::8000:0:0:0"));
  cr_assert (contains ("::1/128", "::1"));
  cr_assert_not (contains ("::1/128", "::"));
  cr_assert_not (contains ("::1/128", "::2"));
}

Test (ip, containment_never_crosses_families)
{
  cr_assert_not (contains ("::/0", "1.2.3.4"));
  cr_assert_not (contains ("::/0", "0.0.0.0"));
  cr_assert_not (contains ("0.0.0.0/0", "::ffff:1.2.3.4"));
  cr_assert_not (contains ("0.0.0.0/0", "::"));
  cr_assert_not (contains ("::ffff:0.0.0.0/96", "1.2.3.4"));
  cr_assert_not (overlaps ("0.0.0.0/0", "::/0"));
  cr_assert_not (overlaps ("1.2.3.4/32", "::ffff:1.2.3.4/128"));
  cr_assert_not (contains_prefix ("::/0", "10.0.0.0/8"));
  cr_assert_not (contains_prefix ("0.0.0.0/0", "::/0"));
}

Test (ip, nested_prefixes_overlap_and_disjoint_ones_do_not)
{
  /* A /0 overlaps everything of its family. */
  cr_assert (overlaps ("0.0.0.0/0", "10.0.0.0/8"));
  cr_assert (overlaps ("0.0.0.0/0", "255.255.255.255/32"));
  cr_assert (overlaps ("0.0.0.0/0", "0.0.0.0/0"));
  cr_assert (overlaps ("::/0", "2001:db8::/32"));
  cr_assert (overlaps ("::/0", "::1/128"));
  /* A /32 in a /24, both ways round; a prefix and itself. */
  cr_assert (overlaps ("192.168.1.7/32", "192.168.1.0/24"));
  cr_assert (overlaps ("192.168.1.0/24", "192.168.1.0/24"));
  cr_assert (overlaps ("10.0.0.0/8", "10.0.0.0/9"));
  cr_assert (overlaps ("10.0.0.0/8", "10.128.0.0/9"));
  /* Adjacent ones share no address. */
  cr_assert_not (overlaps ("192.168.0.0/24", "192.168.1.0/24"));
  cr_assert_not (overlaps ("10.0.0.0/9", "10.128.0.0/9"));
  cr_assert_not (overlaps ("10.0.0.0/31", "10.0.0.2/31"));
  cr_assert_not (overlaps ("192.168.2.0/32", "192.168.1.0/24"));
  cr_assert_not (overlaps ("2001:db8::/32", "2001:db9::/32"));
  cr_assert_not (overlaps ("::/128", "::1/128"));
}

Test (ip, a_prefix_contains_the_prefixes_inside_it)
{
  cr_assert (contains_prefix ("192.168.1.0/24", "192.168.1.7/32"));
  cr_assert (contains_prefix ("192.168.1.0/24", "192.168.1.128/25"));
  cr_assert (contains_prefix ("192.168.1.0/24", "192.168.1.0/24"));
  cr_assert_not (contains_prefix ("192.168.1.7/32", "192.168.1.0/24"));
  cr_assert_not (contains_prefix ("192.168.1.0/25", "192.168.1.0/24"));
  cr_assert_not (contains_prefix ("192.168.0.0/24", "192.168.1.0/24"));
  cr_assert (contains_prefix ("0.0.0.0/0", "10.0.0.0/8"));
  cr_assert (contains_prefix ("::/0", "::/0"));
  cr_assert (contains_prefix ("2001:db8::/32", "2001:db8:ffff::/48"));
  cr_assert_not (contains_prefix ("2001:db8::/48", "2001:db8::/32"));
}

/* --- pools --------------------------------------------------------------------------------- */

Test (ip, size_counts_every_address_and_saturates)
{
  static const struct { const char *prefix; uint64_t size; } cases[] = {
    { "192.168.1.0/24", 256 }, { "10.0.0.0/31", 2 }, { "10.0.0.1/32", 1 },
    { "10.0.0.0/8", 16777216 }, { "0.0.0.0/0", UINT64_C (4294967296) },
    { "::1/128", 1 }, { "2001:db8::/127", 2 }, { "2001:db8::/65", UINT64_C (1) << 63 },
    { "2001:db8::/64", G_MAXUINT64 }, { "2001:db8::/32", G_MAXUINT64 }, { "::/0", G_MAXUINT64 },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++) {
    FsPrefix p = prefix_ok (cases[i].prefix);
    cr_assert_eq (fs_prefix_size (&p), cases[i].size, "%s", cases[i].prefix);
  }
}

Test (ip, offsets_count_from_the_network_address_in_a_slash_24)
{
  assert_offset ("192.168.1.0/24", 0, "192.168.1.0");
  assert_offset ("192.168.1.0/24", 1, "192.168.1.1");
  assert_offset ("192.168.1.0/24", 77, "192.168.1.77");
  assert_offset ("192.168.1.0/24", 255, "192.168.1.255");
  assert_no_offset ("192.168.1.0/24", 256);
  assert_no_offset ("192.168.1.0/24", G_MAXUINT64);
  assert_no_offset ("192.168.1.0/24", UINT64_C (1) << 32);
}

Test (ip, a_slash_31_has_two_addresses_and_a_slash_32_one)
{
  assert_offset ("10.0.0.0/31", 0, "10.0.0.0");
  assert_offset ("10.0.0.0/31", 1, "10.0.0.1");
  assert_no_offset ("10.0.0.0/31", 2);
  assert_offset ("10.0.0.6/32", 0, "10.0.0.6");
  assert_no_offset ("10.0.0.6/32", 1);
}

Test (ip, offsets_reach_the_ends_of_large_prefixes)
{
  assert_offset ("0.0.0.0/0", 0xffffffffu, "255.255.255.255");
  assert_offset ("0.0.0.0/0", 0x0a000001u, "10.0.0.1");
  assert_no_offset ("0.0.0.0/0", UINT64_C (1) << 32);
  assert_offset ("10.0.0.0/8", 0x010203, "10.1.2.3");
  assert_offset ("2001:db8::/64", 1, "2001:db8::1");
  assert_offset ("2001:db8::/64", G_MAXUINT64, "2001:db8::ffff:ffff:ffff:ffff");
  assert_offset ("2001:db8::/32", G_MAXUINT64, "2001:db8::ffff:ffff:ffff:ffff");
  assert_offset ("2001:db8::/120", 255, "2001:db8::ff");
  assert_no_offset ("2001:db8::/120", 256);
  assert_offset ("::ffff:0.0.0.0/96", 0xc0000201u, "::ffff:192.0.2.1");
  assert_offset ("::/0", 5, "::5");
}

Test (ip, index_in_is_false_outside_the_prefix_or_past_64_bits)
{
  FsPrefix p = prefix_ok ("192.168.1.0/24");
  FsIp out = ip_ok ("192.168.2.0");
  FsIp v6 = ip_ok ("::c0a8:100");
  uint64_t n = 99;

  cr_assert_not (fs_ip_index_in (&p, &out, &n));
  cr_assert_not (fs_ip_index_in (&p, &v6, &n));
  cr_assert_eq (n, 99);
  FsIp in = ip_ok ("192.168.1.9");
  cr_assert (fs_ip_index_in (&p, &in, NULL));

  FsPrefix all = prefix_ok ("::/0");
  FsIp high = ip_ok ("0:0:0:1::");
  FsIp low = ip_ok ("::ffff:ffff:ffff:ffff");
  cr_assert_not (fs_ip_index_in (&all, &high, &n));
  cr_assert (fs_ip_index_in (&all, &low, &n));
  cr_assert_eq (n, G_MAXUINT64);
}

/* --- comparison ---------------------------------------------------------------------------- */

Test (ip, order_is_by_family_then_numeric)
{
  static const char *const sorted[] = {
    "0.0.0.0", "9.255.255.255", "10.0.0.2", "10.0.0.10", "10.0.1.0", "255.255.255.255",
    "::", "::1", "::ffff:0.0.0.1", "1::", "2001:db8::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
  };
  size_t n = G_N_ELEMENTS (sorted);
  FsIp ips[G_N_ELEMENTS (sorted)];

  /* Reversed, then sorted with the function as a plain qsort comparator. */
  for (size_t i = 0; i < n; i++)
    ips[i] = ip_ok (sorted[n - 1 - i]);
  qsort (ips, n, sizeof ips[0], fs_ip_compare);
  for (size_t i = 0; i < n; i++) {
    char buf[FS_IP_BUFSZ];
    fs_ip_format (&ips[i], buf, sizeof buf);
    cr_assert_str_eq (buf, sorted[i]);
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) {
      int c = fs_ip_compare (&ips[i], &ips[j]);
      cr_assert_eq (c, (i > j) - (i < j), "%s vs %s: %d", sorted[i], sorted[j], c);
      cr_assert_eq (fs_ip_equal (&ips[i], &ips[j]), i == j);
    }
}

Test (ip, prefixes_order_by_address_then_length)
{
  FsPrefix a = prefix_ok ("10.0.0.0/8"), b = prefix_ok ("10.0.0.0/16");
  FsPrefix c = prefix_ok ("10.1.0.0/16"), d = prefix_ok ("::/0");

  cr_assert_lt (fs_prefix_compare (&a, &b), 0);
  cr_assert_lt (fs_prefix_compare (&b, &c), 0);
  cr_assert_lt (fs_prefix_compare (&c, &d), 0);
  cr_assert_gt (fs_prefix_compare (&c, &a), 0);
  cr_assert_eq (fs_prefix_compare (&a, &a), 0);
  cr_assert (fs_prefix_equal (&a, &a));
  cr_assert_not (fs_prefix_equal (&a, &b));
}

Test (ip, addresses_and_prefixes_work_as_hash_table_keys)
{
  g_autoptr (GHashTable) ips = g_hash_table_new (fs_ip_hash, fs_ip_equal);
  g_autoptr (GHashTable) prefixes = g_hash_table_new (fs_prefix_hash, fs_prefix_equal);
  FsIp a = ip_ok ("10.0.0.1"), a2 = ip_ok ("10.0.0.1"), b = ip_ok ("::a00:1");
  FsIp c = ip_ok ("::ffff:10.0.0.1");
  FsPrefix p = prefix_ok ("10.0.0.0/8"), p2 = prefix_ok ("10.0.0.0/8");
  FsPrefix q = prefix_ok ("10.0.0.0/9");

  cr_assert_eq (fs_ip_hash (&a), fs_ip_hash (&a2));
  g_hash_table_add (ips, &a);
  g_hash_table_add (ips, &b);
  g_hash_table_add (ips, &c);
  cr_assert (g_hash_table_contains (ips, &a2));
  cr_assert_eq (g_hash_table_size (ips), 3);

  cr_assert_eq (fs_prefix_hash (&p), fs_prefix_hash (&p2));
  g_hash_table_add (prefixes, &p);
  g_hash_table_add (prefixes, &q);
  cr_assert (g_hash_table_contains (prefixes, &p2));
  cr_assert_eq (g_hash_table_size (prefixes), 2);
}
