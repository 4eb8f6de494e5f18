/* ip.c: IPv4 and IPv6 addresses and prefixes, read strictly and written canonically.
 *
 * Input follows RFC 4291 section 2.2 and output RFC 5952 section 4; the rules are in ip.h.
 * Internally an address is a 128-bit number held as two uint64_t words, most significant
 * first, with an IPv4 address in the top 32 bits: masks, containment and offsets are then the
 * same few word operations for both families. */
#include "failsim/ip.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (fs-ip-error-quark, fs_ip_error)

typedef struct {
  uint64_t hi, lo;
} Words;

/* The text the user wrote (blanks around it removed), quoted at the start of each message. */
typedef struct {
  const char *text;
  int len;
} Quote;

/* --- 128-bit words ------------------------------------------------------------------------- */

static Words
load (const FsIp *ip)
{
  Words w;

  memcpy (&w.hi, ip->bytes, 8);
  memcpy (&w.lo, ip->bytes + 8, 8);
  w.hi = GUINT64_FROM_BE (w.hi);
  w.lo = GUINT64_FROM_BE (w.lo);
  return w;
}

static void
store (Words w, uint8_t family, FsIp *ip)
{
  ip->family = family;
  w.hi = GUINT64_TO_BE (w.hi);
  w.lo = GUINT64_TO_BE (w.lo);
  memcpy (ip->bytes, &w.hi, 8);
  memcpy (ip->bytes + 8, &w.lo, 8);
}

/* The first @len bits set; shifts are kept below 64, since a shift by 64 is undefined. */
static Words
mask (guint len)
{
  Words m;

  m.hi = len == 0 ? 0 : len >= 64 ? G_MAXUINT64 : G_MAXUINT64 << (64 - len);
  m.lo = len <= 64 ? 0 : G_MAXUINT64 << (128 - len);
  return m;
}

static guint
family_bits (uint8_t family)
{
  return family == 4 ? 32 : 128;
}

static gboolean
valid_family (uint8_t family)
{
  return family == 4 || family == 6;
}

/* A family and a length the family allows; host bits are not checked. */
static gboolean
valid_prefix (const FsPrefix *p)
{
  return p != NULL && valid_family (p->addr.family) && p->len <= family_bits (p->addr.family);
}

/* --- errors -------------------------------------------------------------------------------- */

static gboolean G_GNUC_PRINTF (4, 5)
fail (GError **error, const Quote *q, FsIpError code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, FS_IP_ERROR, code, "'%.*s': %s", q->len, q->text, message);
  return FALSE;
}

/* A character for a message: 'g', or "byte 0xc3" when it would not print as itself. */
static const char *
char_name (char c, char buf[16])
{
  if (g_ascii_isprint (c))
    snprintf (buf, 16, "'%c'", c);
  else
    snprintf (buf, 16, "byte 0x%02x", (unsigned) (unsigned char) c);
  return buf;
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void
trim (const char *text, const char **start, const char **end)
{
  const char *s = text;
  const char *e = text + strlen (text);

  while (s < e && is_blank (*s))
    s++;
  while (e > s && is_blank (e[-1]))
    e--;
  *start = s;
  *end = e;
}

/* --- parsing ------------------------------------------------------------------------------- */

/* Reads exactly a dotted quad from [s, end). @embedded names it in messages as the last
 * 32 bits of an IPv6 address. */
static gboolean
parse_quad (const char *s, const char *end, uint8_t b[4], const Quote *q, gboolean embedded,
            GError **error)
{
  const char *a_quad = embedded ? "an embedded IPv4 address" : "an IPv4 address";
  const char *the_quad = embedded ? "the embedded IPv4 address" : "the IPv4 address";
  int parts = 1;

  for (const char *p = s; p < end; p++)
    parts += *p == '.';
  if (parts != 4)
    return fail (error, q, FS_IP_ERROR_SYNTAX, "%s has four parts", a_quad);

  const char *p = s;
  for (int i = 0; i < 4; i++) {
    const char *part = p;
    while (p < end && *p != '.')
      p++;
    int len = (int) (p - part);
    if (p < end)
      p++;                                /* past the dot */

    if (len == 0)
      return fail (error, q, FS_IP_ERROR_SYNTAX, "part %d of %s is empty", i + 1, the_quad);
    for (int k = 0; k < len; k++)
      if (!g_ascii_isdigit (part[k]))
        return fail (error, q, FS_IP_ERROR_SYNTAX, "'%.*s' is not a decimal number", len, part);
    if (len > 1 && part[0] == '0')
      return fail (error, q, FS_IP_ERROR_SYNTAX,
                   "%.*s has a leading zero, which some programs read as octal", len, part);
    unsigned v = 0;
    for (int k = 0; k < len && k < 4; k++)
      v = v * 10 + (unsigned) (part[k] - '0');
    if (len > 3 || v > 255)
      return fail (error, q, FS_IP_ERROR_RANGE, "%.*s is not a byte (0 to 255)", len, part);
    b[i] = (uint8_t) v;
  }
  return TRUE;
}

/* Reads an IPv6 address in any RFC 4291 text form from [s, end). */
static gboolean
parse_v6 (const char *s, const char *end, uint8_t out[16], const Quote *q, GError **error)
{
  uint16_t g[8] = { 0 };
  int n = 0;                /* groups seen; only the first 8 are kept, the rest only counted */
  int gap = -1;             /* the number of groups before "::", when there is one */
  gboolean quad = FALSE;
  const char *p = s;
  char cbuf[16];

  if (*p == ':') {
    if (p + 1 == end || p[1] != ':')
      return fail (error, q, FS_IP_ERROR_SYNTAX, "it starts with a single ':'");
    gap = 0;
    p += 2;
    if (p < end && *p == ':')
      return fail (error, q, FS_IP_ERROR_SYNTAX,
                   "':::' is not allowed; '::' alone stands for the zero groups");
  }

  /* Here p is always at the start of a group: neither at a ':' nor at the end. */
  while (p < end) {
    const char *tok = p;
    while (p < end && g_ascii_isxdigit (*p))
      p++;

    if (p < end && *p == '.') {
      if (memchr (tok, ':', (size_t) (end - tok)) != NULL)
        return fail (error, q, FS_IP_ERROR_SYNTAX, "an embedded IPv4 address must come last");
      uint8_t b[4];
      if (!parse_quad (tok, end, b, q, TRUE, error))
        return FALSE;
      if (n + 1 < 8) {
        g[n] = (uint16_t) (b[0] << 8 | b[1]);
        g[n + 1] = (uint16_t) (b[2] << 8 | b[3]);
      }
      n += 2;
      quad = TRUE;
      break;
    }
    if (p < end && *p != ':')
      return fail (error, q, FS_IP_ERROR_SYNTAX, "%s is not a hex digit", char_name (*p, cbuf));

    int len = (int) (p - tok);
    if (len > 4)
      return fail (error, q, FS_IP_ERROR_SYNTAX, "the group %.*s has more than four hex digits",
                   len, tok);
    if (n < 8) {
      unsigned v = 0;
      for (int k = 0; k < len; k++)
        v = v * 16 + (unsigned) g_ascii_xdigit_value (tok[k]);
      g[n] = (uint16_t) v;
    }
    n++;

    if (p == end)
      break;
    p++;                                      /* the ':' after the group */
    if (p < end && *p == ':') {
      if (gap >= 0)
        return fail (error, q, FS_IP_ERROR_SYNTAX, "'::' may appear only once");
      gap = n;
      p++;
      if (p < end && *p == ':')
        return fail (error, q, FS_IP_ERROR_SYNTAX,
                     "':::' is not allowed; '::' alone stands for the zero groups");
    } else if (p == end) {
      return fail (error, q, FS_IP_ERROR_SYNTAX, "it ends with a single ':'");
    }
  }

  const char *note = quad ? " (an embedded IPv4 address counts as two)" : "";
  if (gap < 0 && n != 8)
    return fail (error, q, FS_IP_ERROR_SYNTAX,
                 "an IPv6 address has eight groups, or fewer with '::'; this has %d%s", n, note);
  if (gap >= 0 && n >= 8)
    return fail (error, q, FS_IP_ERROR_SYNTAX,
                 "'::' stands for one or more zero groups, but there are already %d groups%s",
                 n, note);

  uint16_t full[8] = { 0 };
  if (gap < 0) {
    memcpy (full, g, sizeof full);
  } else {
    int after = n - gap;
    memcpy (full, g, (size_t) gap * sizeof g[0]);
    memcpy (full + 8 - after, g + gap, (size_t) after * sizeof g[0]);
  }
  for (int i = 0; i < 8; i++) {
    out[2 * i] = (uint8_t) (full[i] >> 8);
    out[2 * i + 1] = (uint8_t) full[i];
  }
  return TRUE;
}

/* Reads the address in [s, end), which is all of @q or the part of a prefix before '/'. */
static gboolean
parse_address (const char *s, const char *end, FsIp *out, const Quote *q, GError **error)
{
  const char *colon = memchr (s, ':', (size_t) (end - s));
  const char *percent = memchr (s, '%', (size_t) (end - s));
  FsIp ip = { 0 };

  if (s == end)
    return fail (error, q, FS_IP_ERROR_SYNTAX, "the address before '/' is missing");
  if (*s == '[')
    return fail (error, q, FS_IP_ERROR_SYNTAX, "write the address without brackets");
  if (colon != NULL && percent != NULL)
    return fail (error, q, FS_IP_ERROR_SYNTAX, "zone ids (%.*s) are not supported",
                 (int) (end - percent), percent);

  if (colon != NULL) {
    ip.family = 6;
    if (!parse_v6 (s, end, ip.bytes, q, error))
      return FALSE;
  } else {
    gboolean quad_chars = TRUE;
    for (const char *p = s; p < end; p++)
      quad_chars = quad_chars && (g_ascii_isdigit (*p) || *p == '.');
    if (!quad_chars) {
      static const char hint[] = "write IPv4 as 192.0.2.1 and IPv6 as 2001:db8::1";
      if ((int) (end - s) != q->len)      /* in a prefix: name the address part */
        return fail (error, q, FS_IP_ERROR_SYNTAX, "'%.*s' is not an IP address; %s",
                     (int) (end - s), s, hint);
      g_set_error (error, FS_IP_ERROR, FS_IP_ERROR_SYNTAX, "'%.*s' is not an IP address; %s",
                   q->len, q->text, hint);
      return FALSE;
    }
    ip.family = 4;
    if (!parse_quad (s, end, ip.bytes, q, FALSE, error))
      return FALSE;
  }
  *out = ip;
  return TRUE;
}

gboolean
fs_ip_parse (const char *text, FsIp *out, GError **error)
{
  const char *s, *end;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  trim (text, &s, &end);
  Quote q = { s, (int) (end - s) };
  if (s == end) {
    g_set_error (error, FS_IP_ERROR, FS_IP_ERROR_SYNTAX, "the address is empty");
    return FALSE;
  }
  const char *slash = memchr (s, '/', (size_t) (end - s));
  if (slash != NULL) {
    g_set_error (error, FS_IP_ERROR, FS_IP_ERROR_SYNTAX,
                 "'%.*s' is a prefix, not an address; leave out '%.*s'",
                 q.len, q.text, (int) (end - slash), slash);
    return FALSE;
  }
  return parse_address (s, end, out, &q, error);
}

/* The length of a contiguous netmask such as 255.255.240.0, or -1. */
static int
netmask_length (const char *s, const char *end)
{
  const Quote quiet = { s, (int) (end - s) };
  FsIp m = { .family = 4 };

  if (!parse_quad (s, end, m.bytes, &quiet, FALSE, NULL))
    return -1;
  uint32_t v = (uint32_t) m.bytes[0] << 24 | (uint32_t) m.bytes[1] << 16
               | (uint32_t) m.bytes[2] << 8 | m.bytes[3];
  uint32_t inverted = ~v;
  if ((inverted & (inverted + 1)) != 0)     /* the zeros are not all at the end */
    return -1;
  int len = 0;
  while (len < 32 && (v & (UINT32_C (1) << (31 - len))) != 0)
    len++;
  return len;
}

gboolean
fs_prefix_parse (const char *text, FsPrefix *out, GError **error)
{
  const char *s, *end;
  FsIp ip;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  trim (text, &s, &end);
  Quote q = { s, (int) (end - s) };
  if (s == end) {
    g_set_error (error, FS_IP_ERROR, FS_IP_ERROR_SYNTAX, "the prefix is empty");
    return FALSE;
  }
  const char *slash = memchr (s, '/', (size_t) (end - s));
  if (!parse_address (s, slash != NULL ? slash : end, &ip, &q, error))
    return FALSE;
  if (slash == NULL)
    return fail (error, &q, FS_IP_ERROR_SYNTAX, "a prefix needs a length, as in %s",
                 ip.family == 4 ? "192.168.1.0/24" : "2001:db8::/32");

  const char *digits = slash + 1;
  int ndigits = (int) (end - digits);
  guint bits = family_bits (ip.family);
  if (ndigits == 0)
    return fail (error, &q, FS_IP_ERROR_SYNTAX, "the length after '/' is missing");
  for (int k = 0; k < ndigits; k++) {
    if (g_ascii_isdigit (digits[k]))
      continue;
    int netmask = ip.family == 4 ? netmask_length (digits, end) : -1;
    if (netmask >= 0)
      return fail (error, &q, FS_IP_ERROR_SYNTAX,
                   "the length is a number of bits: write /%d, not the netmask %.*s",
                   netmask, ndigits, digits);
    return fail (error, &q, FS_IP_ERROR_SYNTAX, "the length '%.*s' is not a number",
                 ndigits, digits);
  }
  if (ndigits > 1 && digits[0] == '0') {
    const char *nz = digits;
    while (nz < end - 1 && *nz == '0')
      nz++;
    return fail (error, &q, FS_IP_ERROR_SYNTAX, "the length %.*s has a leading zero; write %.*s",
                 ndigits, digits, (int) (end - nz), nz);
  }
  guint len = 0;
  for (int k = 0; k < ndigits && k < 4; k++)
    len = len * 10 + (guint) (digits[k] - '0');
  if (ndigits > 3 || len > bits)
    return fail (error, &q, FS_IP_ERROR_RANGE,
                 "the length %.*s is more than %u, the bits in an IPv%d address",
                 ndigits, digits, bits, ip.family);

  FsPrefix p;
  fs_prefix_network (&ip, len, &p);
  if (!fs_ip_equal (&p.addr, &ip)) {
    char net[FS_PREFIX_BUFSZ];
    fs_prefix_format (&p, net, sizeof net);
    g_set_error (error, FS_IP_ERROR, FS_IP_ERROR_HOST_BITS,
                 "'%.*s' has host bits set; the network is %s", q.len, q.text, net);
    return FALSE;
  }
  *out = p;
  return TRUE;
}

/* --- formatting ---------------------------------------------------------------------------- */

/* Copies @len characters of @tmp into @buf as snprintf() would. */
static int
put (const char *tmp, size_t len, char *buf, size_t size)
{
  if (size > 0) {
    size_t n = MIN (len, size - 1);
    memcpy (buf, tmp, n);
    buf[n] = '\0';
  }
  return (int) len;
}

static char *
put_quad (char *p, const uint8_t b[4])
{
  return p + sprintf (p, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

static char *
put_v6 (char *p, const uint8_t bytes[16])
{
  static const uint8_t mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  gboolean mapped = memcmp (bytes, mapped_prefix, sizeof mapped_prefix) == 0;
  int ngroups = mapped ? 6 : 8;             /* the last two are then written as a quad */
  uint16_t g[8];

  for (int i = 0; i < 8; i++)
    g[i] = (uint16_t) (bytes[2 * i] << 8 | bytes[2 * i + 1]);

  /* The longest run of zero groups, the first of equal ones; a single zero is not a run. */
  int best = -1, best_len = 1;
  for (int i = 0; i < ngroups;) {
    if (g[i] != 0) {
      i++;
      continue;
    }
    int j = i;
    while (j < ngroups && g[j] == 0)
      j++;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }

  for (int i = 0; i < ngroups;) {
    if (i == best) {
      p += sprintf (p, "::");
      i += best_len;
      continue;
    }
    if (i > 0 && i != best + best_len)
      *p++ = ':';
    p += sprintf (p, "%x", g[i]);
    i++;
  }
  if (mapped) {
    *p++ = ':';                             /* group 5 is ffff, never part of the run */
    p = put_quad (p, bytes + 12);
  }
  *p = '\0';
  return p;
}

static char *
put_ip (char *p, const FsIp *ip)
{
  return ip->family == 4 ? put_quad (p, ip->bytes) : put_v6 (p, ip->bytes);
}

int
fs_ip_format (const FsIp *ip, char *buf, size_t size)
{
  char tmp[FS_IP_BUFSZ];

  g_return_val_if_fail (ip != NULL && valid_family (ip->family), -1);
  g_return_val_if_fail (buf != NULL || size == 0, -1);

  char *p = put_ip (tmp, ip);
  return put (tmp, (size_t) (p - tmp), buf, size);
}

int
fs_prefix_format (const FsPrefix *prefix, char *buf, size_t size)
{
  char tmp[FS_PREFIX_BUFSZ];

  g_return_val_if_fail (valid_prefix (prefix), -1);
  g_return_val_if_fail (buf != NULL || size == 0, -1);

  char *p = put_ip (tmp, &prefix->addr);
  p += sprintf (p, "/%u", prefix->len);
  return put (tmp, (size_t) (p - tmp), buf, size);
}

char *
fs_ip_to_string (const FsIp *ip)
{
  char buf[FS_IP_BUFSZ];

  g_return_val_if_fail (ip != NULL && valid_family (ip->family), NULL);
  fs_ip_format (ip, buf, sizeof buf);
  return g_strdup (buf);
}

char *
fs_prefix_to_string (const FsPrefix *prefix)
{
  char buf[FS_PREFIX_BUFSZ];

  g_return_val_if_fail (valid_prefix (prefix), NULL);
  fs_prefix_format (prefix, buf, sizeof buf);
  return g_strdup (buf);
}

/* --- comparison ---------------------------------------------------------------------------- */

guint
fs_ip_bits (const FsIp *ip)
{
  g_return_val_if_fail (ip != NULL, 0);
  return family_bits (ip->family);
}

gboolean
fs_ip_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (FsIp)) == 0;
}

int
fs_ip_compare (gconstpointer a, gconstpointer b)
{
  /* The layout makes byte order the documented order: family first, then big-endian bytes. */
  int c = memcmp (a, b, sizeof (FsIp));
  return (c > 0) - (c < 0);
}

/* SplitMix64's finaliser: every input bit moves about half the output bits. */
static uint64_t
mix (uint64_t z)
{
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static uint64_t
hash_ip (const FsIp *ip)
{
  Words w = load (ip);
  return mix (w.hi ^ mix (w.lo ^ ip->family));
}

guint
fs_ip_hash (gconstpointer ip)
{
  uint64_t h = hash_ip (ip);
  return (guint) (h ^ (h >> 32));
}

gboolean
fs_prefix_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (FsPrefix)) == 0;
}

int
fs_prefix_compare (gconstpointer a, gconstpointer b)
{
  int c = memcmp (a, b, sizeof (FsPrefix));    /* len is the last byte: address, then len */
  return (c > 0) - (c < 0);
}

guint
fs_prefix_hash (gconstpointer prefix)
{
  const FsPrefix *p = prefix;
  uint64_t h = mix (hash_ip (&p->addr) ^ p->len);
  return (guint) (h ^ (h >> 32));
}

/* --- containment and pools ----------------------------------------------------------------- */

void
fs_prefix_network (const FsIp *ip, guint len, FsPrefix *out)
{
  g_return_if_fail (ip != NULL && valid_family (ip->family));
  g_return_if_fail (len <= family_bits (ip->family));
  g_return_if_fail (out != NULL);

  Words w = load (ip);
  Words m = mask (len);
  uint8_t family = ip->family;
  w.hi &= m.hi;
  w.lo &= m.lo;
  store (w, family, &out->addr);
  out->len = (uint8_t) len;
}

/* Whether @a and @b agree on their first @len bits. */
static gboolean
same_first_bits (const FsIp *a, const FsIp *b, guint len)
{
  Words x = load (a), y = load (b), m = mask (len);
  return ((x.hi ^ y.hi) & m.hi) == 0 && ((x.lo ^ y.lo) & m.lo) == 0;
}

gboolean
fs_prefix_contains (const FsPrefix *prefix, const FsIp *ip)
{
  g_return_val_if_fail (valid_prefix (prefix) && ip != NULL, FALSE);

  return prefix->addr.family == ip->family && same_first_bits (&prefix->addr, ip, prefix->len);
}

gboolean
fs_prefix_contains_prefix (const FsPrefix *outer, const FsPrefix *inner)
{
  g_return_val_if_fail (valid_prefix (outer) && valid_prefix (inner), FALSE);

  return outer->len <= inner->len && fs_prefix_contains (outer, &inner->addr);
}

gboolean
fs_prefix_overlaps (const FsPrefix *a, const FsPrefix *b)
{
  g_return_val_if_fail (valid_prefix (a) && valid_prefix (b), FALSE);

  return a->addr.family == b->addr.family
         && same_first_bits (&a->addr, &b->addr, MIN (a->len, b->len));
}

uint64_t
fs_prefix_size (const FsPrefix *prefix)
{
  g_return_val_if_fail (valid_prefix (prefix), 0);

  guint host = family_bits (prefix->addr.family) - prefix->len;
  return host >= 64 ? G_MAXUINT64 : UINT64_C (1) << host;
}

gboolean
fs_ip_offset (const FsPrefix *prefix, uint64_t n, FsIp *out)
{
  g_return_val_if_fail (valid_prefix (prefix), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  guint host = family_bits (prefix->addr.family) - prefix->len;
  if (host < 64 && (n >> host) != 0)
    return FALSE;
  /* The network's host bits are zero, so adding n is setting them. IPv4 sits in the top 32
   * bits of the high word. */
  Words w = load (&prefix->addr);
  if (prefix->addr.family == 4)
    w.hi |= n << 32;
  else
    w.lo |= n;
  store (w, prefix->addr.family, out);
  return TRUE;
}

gboolean
fs_ip_index_in (const FsPrefix *prefix, const FsIp *ip, uint64_t *n)
{
  g_return_val_if_fail (valid_prefix (prefix) && ip != NULL, FALSE);

  if (!fs_prefix_contains (prefix, ip))
    return FALSE;
  Words w = load (ip), m = mask (prefix->len);
  uint64_t hi = w.hi & ~m.hi, lo = w.lo & ~m.lo;
  uint64_t index;
  if (ip->family == 4) {
    index = hi >> 32;
  } else {
    if (hi != 0)
      return FALSE;
    index = lo;
  }
  if (n != NULL)
    *n = index;
  return TRUE;
}
