/* fib.c: longest-prefix match in a path-compressed binary trie per address family.
 *
 * The trie is the PATRICIA idea as routers use it (Morrison 1968; Sklower, "A Tree-Based
 * Packet Routing Table for Berkeley Unix", 1991): a node is a prefix, its two children extend
 * it by a 0 or a 1 in the first bit past it, and chains of one-child nodes are never built,
 * so a node either holds an entry or branches (has both children). Depth is then at most
 * bits + 1, and a lookup walks down one path: it stops at the first node whose prefix does not
 * hold the address, since every node below extends that prefix. It leaves out the level
 * compression of Linux's fib_trie (Nilsson and Karlsson's LC-trie); the walk is short enough.
 *
 * Nodes live in one array, linked by index, with a free list: inserts and removes allocate
 * only to grow the array, and a 32-byte node in a 64-byte aligned array is one cache line. */
#include "failsim/fib.h"

#include <string.h>

#define NIL 0                     /* no node: nodes[0] is never used */
#define MAX_DEPTH 129             /* nodes on one path: lengths 0 to 128, each at most once */

typedef struct {
  uint64_t hi, lo;                /* the prefix, an IPv4 one in the top 32 bits; zero past len */
  uint32_t child[2];              /* by the bit just past the prefix; NIL when none */
  uint32_t value;                 /* when routed */
  uint8_t len;                    /* bits */
  uint8_t routed;                 /* an entry; otherwise a branch node, with both children */
} Node;

G_STATIC_ASSERT (sizeof (Node) == 32);

typedef struct {
  uint64_t hi, lo;
} Words;

struct FsFib {
  Node *nodes;                    /* the pool, 64-byte aligned; free ones chain by child[0] */
  uint32_t cap;                   /* nodes allocated */
  uint32_t used;                  /* nodes ever handed out, nodes[0] included */
  uint32_t free_head;             /* the first free node below used, or NIL */
  uint32_t n_free;                /* nodes on the free list */
  uint32_t root[2];               /* the IPv4 trie and the IPv6 trie */
  size_t count;                   /* entries */
};

/* --- keys ---------------------------------------------------------------------------------- */

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
node_prefix (const Node *n, uint8_t family, FsPrefix *out)
{
  uint64_t hi = GUINT64_TO_BE (n->hi), lo = GUINT64_TO_BE (n->lo);

  out->addr.family = family;
  memcpy (out->addr.bytes, &hi, 8);
  memcpy (out->addr.bytes + 8, &lo, 8);
  out->len = n->len;
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

/* Whether the node's prefix holds @k. */
static gboolean
holds (const Node *n, Words k)
{
  Words m = mask (n->len);
  return (((k.hi ^ n->hi) & m.hi) | ((k.lo ^ n->lo) & m.lo)) == 0;
}

/* Bit @i of @k, counting from the most significant; @i < 128. */
static guint
bit (Words k, guint i)
{
  return (guint) (i < 64 ? k.hi >> (63 - i) : k.lo >> (127 - i)) & 1;
}

/* The number of leading bits @a and @b share, 0 to 128. */
static guint
common_bits (Words a, Words b)
{
  uint64_t x = a.hi ^ b.hi;
  if (x != 0)
    return (guint) __builtin_clzll (x);
  x = a.lo ^ b.lo;
  return x != 0 ? 64 + (guint) __builtin_clzll (x) : 128;
}

static int
family_index (uint8_t family)
{
  return family == 4 ? 0 : 1;
}

static gboolean
valid_ip (const FsIp *ip)
{
  return ip->family == 4 || ip->family == 6;
}

static gboolean
valid_prefix (const FsPrefix *p)
{
  FsPrefix network;

  if (!valid_ip (&p->addr) || p->len > fs_ip_bits (&p->addr))
    return FALSE;
  fs_prefix_network (&p->addr, p->len, &network);
  return fs_prefix_equal (&network, p);
}

/* --- the node pool ------------------------------------------------------------------------- */

/* Makes sure @n nodes can be taken without moving the array, so that pointers into it stay
 * valid through an insert. */
static void
reserve (FsFib *fib, uint32_t n)
{
  uint32_t unused = fib->cap > fib->used ? fib->cap - fib->used : 0;

  if (fib->n_free + unused >= n)
    return;
  if (fib->cap > G_MAXUINT32 / 2)
    g_error ("fib: more than %u nodes", G_MAXUINT32 / 2);
  uint32_t cap = MAX (16, fib->cap * 2);
  Node *nodes = g_aligned_alloc (cap, sizeof (Node), 64);
  if (fib->nodes != NULL)
    memcpy (nodes, fib->nodes, (size_t) fib->used * sizeof (Node));
  g_aligned_free (fib->nodes);
  fib->nodes = nodes;
  fib->cap = cap;
}

static uint32_t
take (FsFib *fib, Words key, guint len, uint32_t value, gboolean routed)
{
  uint32_t i;

  if (fib->free_head != NIL) {
    i = fib->free_head;
    fib->free_head = fib->nodes[i].child[0];
    fib->n_free--;
  } else {
    g_assert (fib->used < fib->cap);
    i = fib->used++;
  }
  Node *n = &fib->nodes[i];
  n->hi = key.hi;
  n->lo = key.lo;
  n->child[0] = n->child[1] = NIL;
  n->value = value;
  n->len = (uint8_t) len;
  n->routed = (uint8_t) routed;
  return i;
}

static void
release (FsFib *fib, uint32_t i)
{
  fib->nodes[i].child[0] = fib->free_head;
  fib->free_head = i;
  fib->n_free++;
}

/* --- the table ----------------------------------------------------------------------------- */

FsFib *
fs_fib_new (void)
{
  FsFib *fib = g_new0 (FsFib, 1);

  fib->used = 1;
  return fib;
}

void
fs_fib_free (FsFib *fib)
{
  if (fib == NULL)
    return;
  g_aligned_free (fib->nodes);
  g_free (fib);
}

void
fs_fib_clear (FsFib *fib)
{
  g_return_if_fail (fib != NULL);

  fib->used = 1;
  fib->free_head = NIL;
  fib->n_free = 0;
  fib->root[0] = fib->root[1] = NIL;
  fib->count = 0;
}

size_t
fs_fib_size (const FsFib *fib)
{
  g_return_val_if_fail (fib != NULL, 0);
  return fib->count;
}

gboolean
fs_fib_insert (FsFib *fib, const FsPrefix *prefix, uint32_t value)
{
  g_return_val_if_fail (fib != NULL, FALSE);
  g_return_val_if_fail (prefix != NULL && valid_prefix (prefix), FALSE);

  reserve (fib, 2);                         /* at most a new node and a branch node */

  Words k = load (&prefix->addr);
  guint len = prefix->len;
  uint32_t *link = &fib->root[family_index (prefix->addr.family)];

  for (;;) {
    uint32_t i = *link;
    if (i == NIL) {
      *link = take (fib, k, len, value, TRUE);
      fib->count++;
      return TRUE;
    }

    Node *n = &fib->nodes[i];
    Words nk = { n->hi, n->lo };
    guint c = MIN (common_bits (k, nk), MIN (len, n->len));
    if (c == n->len && c == len) {
      gboolean fresh = !n->routed;
      n->value = value;
      n->routed = TRUE;
      fib->count += fresh;
      return fresh;
    }
    if (c == n->len) {                      /* the new prefix is below n */
      link = &n->child[bit (k, c)];
      continue;
    }

    /* The new prefix and n part at bit c: either the new one holds n (c == len), or a
     * branch node for their c common bits takes both. */
    uint32_t j = take (fib, k, len, value, TRUE);
    if (c == len) {
      fib->nodes[j].child[bit (nk, c)] = i;
      *link = j;
    } else {
      Words m = mask (c);
      Words bk = { k.hi & m.hi, k.lo & m.lo };
      uint32_t b = take (fib, bk, c, 0, FALSE);
      fib->nodes[b].child[bit (k, c)] = j;
      fib->nodes[b].child[bit (nk, c)] = i;
      *link = b;
    }
    fib->count++;
    return TRUE;
  }
}

/* The link (a root or a child slot) that leads to the node of exactly @prefix, routed or
 * not, or NULL; *@parent_link is the link to its parent, NULL at a root. */
static uint32_t *
find_link (const FsFib *fib, const FsPrefix *prefix, uint32_t **parent_link)
{
  Words k = load (&prefix->addr);
  /* Only fs_fib_remove(), which holds a mutable table, writes through the result. */
  uint32_t *link = (uint32_t *) &fib->root[family_index (prefix->addr.family)];
  uint32_t *parent = NULL;

  for (;;) {
    uint32_t i = *link;
    if (i == NIL)
      return NULL;
    Node *n = &fib->nodes[i];
    if (n->len > prefix->len || !holds (n, k))
      return NULL;
    if (n->len == prefix->len) {
      if (parent_link != NULL)
        *parent_link = parent;
      return link;
    }
    parent = link;
    link = &n->child[bit (k, n->len)];
  }
}

gboolean
fs_fib_remove (FsFib *fib, const FsPrefix *prefix)
{
  uint32_t *parent_link = NULL;

  g_return_val_if_fail (fib != NULL, FALSE);
  g_return_val_if_fail (prefix != NULL && valid_prefix (prefix), FALSE);

  uint32_t *link = find_link (fib, prefix, &parent_link);
  if (link == NULL || !fib->nodes[*link].routed)
    return FALSE;

  uint32_t i = *link;
  Node *n = &fib->nodes[i];
  n->routed = FALSE;
  fib->count--;
  if (n->child[0] != NIL && n->child[1] != NIL)
    return TRUE;                            /* it stays, as a branch node */

  /* A node with one child or none has no reason to stay: its child, if any, takes its place. */
  *link = n->child[0] | n->child[1];
  release (fib, i);
  if (*link == NIL && parent_link != NULL) {
    uint32_t pi = *parent_link;
    Node *p = &fib->nodes[pi];
    if (!p->routed) {                       /* a branch node left with one child */
      *parent_link = p->child[0] | p->child[1];
      release (fib, pi);
    }
  }
  return TRUE;
}

gboolean
fs_fib_get (const FsFib *fib, const FsPrefix *prefix, uint32_t *value)
{
  g_return_val_if_fail (fib != NULL, FALSE);
  g_return_val_if_fail (prefix != NULL && valid_prefix (prefix), FALSE);

  uint32_t *link = find_link (fib, prefix, NULL);
  if (link == NULL || !fib->nodes[*link].routed)
    return FALSE;
  if (value != NULL)
    *value = fib->nodes[*link].value;
  return TRUE;
}

gboolean
fs_fib_lookup (const FsFib *fib, const FsIp *ip, uint32_t *value, FsPrefix *matched)
{
  g_return_val_if_fail (fib != NULL, FALSE);
  g_return_val_if_fail (ip != NULL && valid_ip (ip), FALSE);

  Words k = load (ip);
  uint32_t best = NIL;
  uint32_t i = fib->root[family_index (ip->family)];

  while (i != NIL) {
    const Node *n = &fib->nodes[i];
    if (!holds (n, k))
      break;                                /* nor can anything below, which extends n */
    if (n->routed)
      best = i;
    if (n->len == 128)
      break;
    i = n->child[bit (k, n->len)];
  }
  if (best == NIL)
    return FALSE;
  if (value != NULL)
    *value = fib->nodes[best].value;
  if (matched != NULL)
    node_prefix (&fib->nodes[best], ip->family, matched);
  return TRUE;
}

void
fs_fib_foreach (const FsFib *fib, FsFibFunc func, void *user_data)
{
  static const uint8_t families[2] = { 4, 6 };
  uint32_t stack[MAX_DEPTH + 1];

  g_return_if_fail (fib != NULL);
  g_return_if_fail (func != NULL);

  /* Preorder, 0-child first: a node's prefix comes before every longer prefix it holds, and
   * everything under the 0 child before everything under the 1 child, which is the order of
   * fs_prefix_compare(). The stack holds at most one pending 1 child per level, plus one. */
  for (int f = 0; f < 2; f++) {
    int top = 0;
    if (fib->root[f] != NIL)
      stack[top++] = fib->root[f];
    while (top > 0) {
      const Node *n = &fib->nodes[stack[--top]];
      if (n->routed) {
        FsPrefix p;
        node_prefix (n, families[f], &p);
        func (&p, n->value, user_data);
      }
      for (int c = 1; c >= 0; c--)
        if (n->child[c] != NIL) {
          g_assert (top < (int) G_N_ELEMENTS (stack));
          stack[top++] = n->child[c];
        }
    }
  }
}
