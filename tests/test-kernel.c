/* test-kernel.c: placeholder, replaced by the real suite */
#include <criterion/criterion.h>
Test (kernel, placeholder) { cr_assert (1); }
