/* test-node.c: placeholder, replaced by the real suite */
#include <criterion/criterion.h>
Test (node, placeholder) { cr_assert (1); }
