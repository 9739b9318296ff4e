#ifndef SELLO_TEXT_SHIMS_H
#define SELLO_TEXT_SHIMS_H
/* Byte searches for the redactor, which looks at every envelope's texts for every secret and
 * token head: sixteen positions at a time (SSE2) for needles up to 64 bytes, glibc's memmem
 * (which Swift's Glibc module does not import) for longer ones; and the bytes that call for
 * its slower checks, sixteen at a time. */
#include <stddef.h>

/* Whether `needle` occurs in `haystack`: 1 or 0 (an empty needle occurs everywhere). */
int textshim_contains(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

/* Where `needle` first occurs in `haystack`, or -1; `needle` must not be empty. */
long textshim_find(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);

/* Which of the bytes the redactor's slower checks look for `text` holds (`TextMarks`). */
enum { TEXTSHIM_PERCENT = 1, TEXTSHIM_PLUS = 2, TEXTSHIM_NON_ASCII = 4, TEXTSHIM_ESCAPE = 8 };
unsigned textshim_marks(const void *text, size_t length);

/* Whether `text` holds "eyJ" (a JWT's head) or "earer " (of "Bearer " and "bearer "): 1 or 0. */
int textshim_holds_token_head(const void *text, size_t length);

#endif
