/* fib.h: a forwarding table: longest-prefix match from IPv4 and IPv6 prefixes to route ids.
 *
 * A router's FIB in the model: each entry maps a prefix to a uint32_t the model chooses (a
 * next hop, a route id), and a lookup finds the entry with the longest prefix that holds an
 * address. Both families share one table and never match each other: ::/0 does not match
 * 1.2.3.4. Lookups are the hot path (one per simulated hop): they take O(address bits) steps
 * at worst and never allocate. Inserts allocate only to grow the table's node pool, which
 * keeps its memory through removes and fs_fib_clear(). */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

#include "failsim/ip.h"

G_BEGIN_DECLS

typedef struct FsFib FsFib;

/* Called once per entry by fs_fib_foreach(). */
typedef void (*FsFibFunc) (const FsPrefix *prefix, uint32_t value, void *user_data);

/* An empty table. Free with fs_fib_free(). */
FsFib *fs_fib_new (void);
void fs_fib_free (FsFib *fib);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FsFib, fs_fib_free)

/* Maps @prefix to @value, replacing the value it had. Returns TRUE if @prefix was not in the
 * table before. @prefix must be valid: family 4 or 6, a length the family allows, no host
 * bits (as fs_prefix_parse() and fs_prefix_network() make them). */
gboolean fs_fib_insert (FsFib *fib, const FsPrefix *prefix, uint32_t value);

/* Removes @prefix itself (not the prefixes inside it). Returns TRUE if it was there. */
gboolean fs_fib_remove (FsFib *fib, const FsPrefix *prefix);

/* Longest-prefix match: finds the longest prefix in the table that contains @ip, sets *@value
 * to its value and *@matched (when not NULL) to the prefix, and returns TRUE; returns FALSE
 * and leaves both unchanged when no prefix contains @ip. @value may be NULL too. */
gboolean fs_fib_lookup (const FsFib *fib, const FsIp *ip, uint32_t *value, FsPrefix *matched);

/* Exact match: the value of @prefix itself, as fs_fib_lookup() returns it. */
gboolean fs_fib_get (const FsFib *fib, const FsPrefix *prefix, uint32_t *value);

/* The number of prefixes in the table. */
size_t fs_fib_size (const FsFib *fib);

/* Calls @func for every entry in the order of fs_prefix_compare(): IPv4 before IPv6, then by
 * address, then shorter prefixes first (10.0.0.0/8, 10.0.0.0/16, 10.1.0.0/16, 11.0.0.0/8).
 * @func must not insert into or remove from @fib. */
void fs_fib_foreach (const FsFib *fib, FsFibFunc func, void *user_data);

/* Removes every entry; the memory stays with the table for the entries to come. */
void fs_fib_clear (FsFib *fib);

G_END_DECLS
