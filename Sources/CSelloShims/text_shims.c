#define _GNU_SOURCE
#include <string.h>
#include "text_shims.h"

/* Whether needle occurs in haystack. Most texts searched are an envelope's short strings, where
 * memmem's set-up costs more than the search: there the needle's first byte is found with memchr
 * and the rest compared (at most 256 positions, so bounded). Longer texts go to memmem, linear
 * whatever they hold. */
int textshim_contains(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    if (needle_length == 0) return 1;
    if (haystack_length < needle_length) return 0;
    if (haystack_length > 256) return memmem(haystack, haystack_length, needle, needle_length) != NULL;
    const unsigned char *first = needle;
    const unsigned char *at = haystack;
    const unsigned char *last = at + (haystack_length - needle_length);
    while (at <= last && (at = memchr(at, first[0], (size_t)(last - at) + 1)) != NULL) {
        if (memcmp(at + 1, first + 1, needle_length - 1) == 0) return 1;
        at++;
    }
    return 0;
}

long textshim_find(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    if (needle_length == 0 || haystack_length < needle_length) return -1;
    const unsigned char *found = memmem(haystack, haystack_length, needle, needle_length);
    return found == NULL ? -1 : (long)(found - (const unsigned char *)haystack);
}
