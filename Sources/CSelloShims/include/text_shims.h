#ifndef SELLO_TEXT_SHIMS_H
#define SELLO_TEXT_SHIMS_H
/* glibc's memmem, which Swift's Glibc module does not import (it is declared only under
 * _GNU_SOURCE). The redactor searches every envelope's texts for every secret with it. */
#include <stddef.h>

/* Whether `needle` occurs in `haystack`: 1 or 0 (an empty needle occurs everywhere). */
int textshim_contains(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

/* Where `needle` first occurs in `haystack` (memmem), or -1; `needle` must not be empty. */
long textshim_find(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

#endif
