/* ip.h: IPv4 and IPv6 addresses and prefixes: parsing, canonical text, containment, pools.
 *
 * Text follows RFC 4291 section 2.2 (IPv6 input), RFC 5952 (canonical IPv6 output) and the
 * strict dotted quad of inet_pton() (four decimal parts, no leading zeros). Zone ids
 * ("fe80::1%eth0") are not supported: the simulated networks have no interfaces to name. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

/* An address. The bytes are in network order (most significant first) and an IPv4 address
 * uses the first 4, the other 12 being zero. The struct is 17 bytes with no padding, so
 * memcmp() over the whole of it orders by family, then numerically by address (the order of
 * fs_ip_compare()), and hashing its bytes is safe. Build one with fs_ip_parse(), fs_ip_offset()
 * or by filling it in; every function here expects the unused bytes of an IPv4 address to
 * be zero. */
typedef struct {
  uint8_t family;      /* 4 or 6 */
  uint8_t bytes[16];   /* network order; IPv4 in bytes[0..3] */
} FsIp;

/* A prefix (a network): @addr has zero host bits, that is, every bit past the first @len. */
typedef struct {
  FsIp addr;
  uint8_t len;         /* bits: 0..32 for IPv4, 0..128 for IPv6 */
} FsPrefix;

G_STATIC_ASSERT (sizeof (FsIp) == 17);
G_STATIC_ASSERT (sizeof (FsPrefix) == 18);

#define FS_IP_ERROR (fs_ip_error_quark ())
GQuark fs_ip_error_quark (void);

typedef enum {
  FS_IP_ERROR_SYNTAX,      /* not an address or prefix, or one in a form failsim refuses */
  FS_IP_ERROR_RANGE,       /* a byte above 255, a length above 32 or 128 */
  FS_IP_ERROR_HOST_BITS,   /* a prefix whose address has bits set past its length */
} FsIpError;

/* Parses an IPv4 dotted quad ("192.0.2.1": exactly four decimal parts of 0..255, without
 * leading zeros, which some programs read as octal) or an IPv6 address in any RFC 4291 form
 * ("2001:db8:0:0:0:0:0:1", "2001:DB8::1", "::", "::ffff:192.0.2.1", "64:ff9b::192.0.2.1").
 * Blanks around the text are ignored. On failure returns FALSE and sets @error (FS_IP_ERROR)
 * to a sentence quoting the text and saying what is wrong, without a file position, such as
 * "'192.168.1.300': 300 is not a byte (0 to 255)"; *@out is then left unchanged. */
gboolean fs_ip_parse (const char *text, FsIp *out, GError **error);

/* Parses "ADDRESS/LENGTH" ("192.168.1.0/24", "2001:db8::/32", "0.0.0.0/0"). The length is
 * required, decimal without leading zeros, at most 32 or 128. The address must have no host
 * bits set: "192.168.1.5/24" fails with FS_IP_ERROR_HOST_BITS and a message naming the
 * network, 192.168.1.0/24. Errors and *@out as for fs_ip_parse(). */
gboolean fs_prefix_parse (const char *text, FsPrefix *out, GError **error);

/* Room for any address text with its NUL (the longest canonical form is 39 characters; 46 is
 * INET6_ADDRSTRLEN), and for any prefix text. */
#define FS_IP_BUFSZ     48
#define FS_PREFIX_BUFSZ (FS_IP_BUFSZ + 4)

/* Writes the canonical text of @ip into @buf, always NUL-terminated, and returns the length
 * it wanted, as snprintf() does. IPv4 is a dotted quad; IPv6 follows RFC 5952 section 4:
 * lowercase hex without leading zeros, the longest run of two or more zero groups written
 * "::" (the first of equally long runs), a single zero group written "0", and the last 32 bits
 * as a dotted quad only for IPv4-mapped addresses (::ffff:0:0/96), as in "::ffff:192.0.2.1".
 * fs_ip_parse() reads the text back to the same address. */
int fs_ip_format (const FsIp *ip, char *buf, size_t size);

/* "ADDRESS/LENGTH", the address as fs_ip_format() writes it. */
int fs_prefix_format (const FsPrefix *prefix, char *buf, size_t size);

/* The same, newly allocated; free with g_free(). */
char *fs_ip_to_string (const FsIp *ip);
char *fs_prefix_to_string (const FsPrefix *prefix);

/* 32 or 128: the bits in an address of @ip's family. */
guint fs_ip_bits (const FsIp *ip);

/* Equality, total order and hash of two `const FsIp *`, typed gconstpointer so that they plug
 * into GHashTable, g_array_sort() and qsort() without casting a function pointer. The order is
 * by family (IPv4 first), then numeric; fs_ip_compare() returns <0, 0 or >0. */
gboolean fs_ip_equal (gconstpointer a, gconstpointer b);
int fs_ip_compare (gconstpointer a, gconstpointer b);
guint fs_ip_hash (gconstpointer ip);

/* The same for two `const FsPrefix *`; the order is by address, then by length. */
gboolean fs_prefix_equal (gconstpointer a, gconstpointer b);
int fs_prefix_compare (gconstpointer a, gconstpointer b);
guint fs_prefix_hash (gconstpointer prefix);

/* Sets *@out to the network of length @len that holds @ip: @ip with every bit past the first
 * @len cleared (fs_prefix_network (10.1.2.3, 16) is 10.1.0.0/16). @len is at most
 * fs_ip_bits (@ip); @out may overlap @ip. */
void fs_prefix_network (const FsIp *ip, guint len, FsPrefix *out);

/* Whether @ip is in @prefix. Never across families: ::/0 does not contain 1.2.3.4, nor does
 * 0.0.0.0/0 contain ::ffff:1.2.3.4. */
gboolean fs_prefix_contains (const FsPrefix *prefix, const FsIp *ip);

/* Whether every address of @inner is in @outer (a prefix contains itself). */
gboolean fs_prefix_contains_prefix (const FsPrefix *outer, const FsPrefix *inner);

/* Whether @a and @b share an address; for prefixes, exactly when one contains the other.
 * A /0 overlaps every prefix of its family and none of the other. */
gboolean fs_prefix_overlaps (const FsPrefix *a, const FsPrefix *b);

/* The number of addresses in @prefix, 2^(bits - len), or G_MAXUINT64 when that does not fit
 * (an IPv6 prefix of length 64 or less). Every address counts, network and broadcast too. */
uint64_t fs_prefix_size (const FsPrefix *prefix);

/* Sets *@out to the @n-th address of @prefix, counting from 0 for the network address itself
 * (for a static pool: 10.0.0.0/24 and n = 5 give 10.0.0.5). Returns FALSE, leaving *@out
 * unchanged, when @n is not below fs_prefix_size() (so never for an IPv6 prefix of length
 * 64 or less). */
gboolean fs_ip_offset (const FsPrefix *prefix, uint64_t n, FsIp *out);

/* The inverse: sets *@n to the position of @ip in @prefix and returns TRUE, or returns FALSE
 * when @ip is not in @prefix or its position does not fit in 64 bits (which can happen only
 * for an IPv6 prefix shorter than /64). @n may be NULL. */
gboolean fs_ip_index_in (const FsPrefix *prefix, const FsIp *ip, uint64_t *n);

G_END_DECLS
