#define _GNU_SOURCE
#include <string.h>
#include "text_shims.h"

int textshim_contains(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length) != NULL;
}
