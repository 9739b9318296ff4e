#define _GNU_SOURCE
#include <string.h>
#include "text_shims.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Where needle (at least one byte) first occurs in a short haystack: its first byte found with
 * memchr and the rest compared, at most `haystack_length` positions, so bounded. Below memmem's
 * set-up cost on an envelope's short strings. */
static long find_by_first_byte(const unsigned char *haystack, size_t haystack_length, const unsigned char *needle,
                               size_t needle_length) {
    const unsigned char *at = haystack;
    const unsigned char *last = haystack + (haystack_length - needle_length);
    while (at <= last && (at = memchr(at, needle[0], (size_t)(last - at) + 1)) != NULL) {
        if (memcmp(at + 1, needle + 1, needle_length - 1) == 0) return (long)(at - haystack);
        at++;
    }
    return -1;
}

#if defined(__SSE2__)
/* The longest needle the SSE2 search takes: each position where the needle's first and last
 * bytes both match is compared whole, so a text is at worst looked at this many times over. */
enum { SSE2_LONGEST_NEEDLE = 64 };

/* The positions of the sixteen from `at` where the needle's first byte is and, `distance` bytes
 * further, its last: one bit each. */
static inline unsigned both_match(const unsigned char *at, size_t distance, __m128i first, __m128i last) {
    __m128i heads = _mm_loadu_si128((const __m128i *)(const void *)at);
    __m128i tails = _mm_loadu_si128((const __m128i *)(const void *)(at + distance));
    return (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(heads, first), _mm_cmpeq_epi8(tails, last)));
}

/* Where needle (2 to SSE2_LONGEST_NEEDLE bytes) first occurs, sixteen positions at a time:
 * those where both its first and its last byte match are compared (W. Mula's "generic SIMD"
 * search). glibc's memmem steps a short needle's length at a time: "eyJ" in a 460-byte envelope
 * cost some 1,400 instructions, this some 450 (issue 13). Needs haystack_length >= needle_length
 * - 1 + 16; the last block ends where the text does, overlapping the one before it. */
static long find_sse2(const unsigned char *haystack, size_t haystack_length, const unsigned char *needle,
                      size_t needle_length) {
    const __m128i first = _mm_set1_epi8((char)needle[0]);
    const __m128i last = _mm_set1_epi8((char)needle[needle_length - 1]);
    const size_t distance = needle_length - 1;
    const size_t final = haystack_length - distance - 16; /* the last block's start */
    size_t at = 0;
    for (;;) {
        unsigned mask = 0;
        while (at < final && (mask = both_match(haystack + at, distance, first, last)) == 0) at += 16;
        if (at >= final) { /* the last block (its positions already seen did not match) */
            at = final;
            mask = both_match(haystack + at, distance, first, last);
        }
        for (; mask != 0; mask &= mask - 1) {
            size_t position = at + (size_t)__builtin_ctz(mask);
            if (memcmp(haystack + position + 1, needle + 1, needle_length - 2) == 0) return (long)position;
        }
        if (at == final) return -1;
        at += 16;
    }
}
#endif

long textshim_find(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    if (needle_length == 0 || haystack_length < needle_length) return -1;
    const unsigned char *text = haystack;
    if (needle_length == 1) {
        const unsigned char *found = memchr(text, *(const unsigned char *)needle, haystack_length);
        return found == NULL ? -1 : (long)(found - text);
    }
#if defined(__SSE2__)
    if (needle_length <= SSE2_LONGEST_NEEDLE && haystack_length >= needle_length - 1 + 16)
        return find_sse2(text, haystack_length, needle, needle_length);
#endif
    if (haystack_length <= 256) return find_by_first_byte(text, haystack_length, needle, needle_length);
    /* A long needle in a long text (a CSD key): memmem, linear whatever the text holds. */
    const unsigned char *found = memmem(text, haystack_length, needle, needle_length);
    return found == NULL ? -1 : (long)(found - text);
}

int textshim_contains(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    if (needle_length == 0) return 1;
    return textshim_find(haystack, haystack_length, needle, needle_length) >= 0;
}

unsigned textshim_marks(const void *text, size_t length) {
    const unsigned char *bytes = text;
    unsigned marks = 0;
#if defined(__SSE2__)
    if (length >= 16) { /* sixteen bytes at a time, the last block overlapping the one before it */
        const __m128i percent_byte = _mm_set1_epi8('%'), plus_byte = _mm_set1_epi8('+');
        const __m128i ampersand = _mm_set1_epi8('&'), backslash = _mm_set1_epi8('\\');
        __m128i percent = _mm_setzero_si128(), plus = percent, escape = percent, high = percent;
        for (size_t at = 0;; at += 16) {
            if (at > length - 16) at = length - 16;
            __m128i block = _mm_loadu_si128((const __m128i *)(const void *)(bytes + at));
            percent = _mm_or_si128(percent, _mm_cmpeq_epi8(block, percent_byte));
            plus = _mm_or_si128(plus, _mm_cmpeq_epi8(block, plus_byte));
            escape = _mm_or_si128(escape, _mm_or_si128(_mm_cmpeq_epi8(block, ampersand), _mm_cmpeq_epi8(block, backslash)));
            high = _mm_or_si128(high, block);
            if (at == length - 16) break;
        }
        if (_mm_movemask_epi8(percent) != 0) marks |= TEXTSHIM_PERCENT;
        if (_mm_movemask_epi8(plus) != 0) marks |= TEXTSHIM_PLUS;
        if (_mm_movemask_epi8(escape) != 0) marks |= TEXTSHIM_ESCAPE;
        if (_mm_movemask_epi8(high) != 0) marks |= TEXTSHIM_NON_ASCII;
        return marks;
    }
#endif
    for (size_t at = 0; at < length; at++) {
        unsigned char byte = bytes[at];
        if (byte == '%') marks |= TEXTSHIM_PERCENT;
        if (byte == '+') marks |= TEXTSHIM_PLUS;
        if (byte == '&' || byte == '\\') marks |= TEXTSHIM_ESCAPE;
        if (byte >= 0x80) marks |= TEXTSHIM_NON_ASCII;
    }
    return marks;
}

/* Whether the token head at `at` ("eyJ" or "earer ", told by its second byte) lies whole in the
 * text there. */
static int token_head_at(const unsigned char *text, size_t length, size_t at) {
    if (text[at + 1] == 'y') return length - at >= 3 && text[at + 2] == 'J';
    return length - at >= 6 && memcmp(text + at + 2, "rer ", 4) == 0;
}

/* Both heads start with an 'e' followed by a 'y' or an 'a': one pass finds the places of both,
 * sixteen at a time, where two searches looked at every envelope twice (issue 13). */
int textshim_holds_token_head(const void *text, size_t length) {
    const unsigned char *bytes = text;
    if (length < 3) return 0;
#if defined(__SSE2__)
    if (length >= 17) {
        const __m128i e = _mm_set1_epi8('e'), y = _mm_set1_epi8('y'), a = _mm_set1_epi8('a');
        const size_t final = length - 17; /* the last block's start: its next byte is the text's last */
        for (size_t at = 0;; at += 16) {
            if (at > final) at = final;
            __m128i block = _mm_loadu_si128((const __m128i *)(const void *)(bytes + at));
            __m128i next = _mm_loadu_si128((const __m128i *)(const void *)(bytes + at + 1));
            __m128i pairs = _mm_and_si128(_mm_cmpeq_epi8(block, e), _mm_or_si128(_mm_cmpeq_epi8(next, y),
                                                                                _mm_cmpeq_epi8(next, a)));
            for (unsigned mask = (unsigned)_mm_movemask_epi8(pairs); mask != 0; mask &= mask - 1) {
                if (token_head_at(bytes, length, at + (size_t)__builtin_ctz(mask))) return 1;
            }
            if (at == final) return 0;
        }
    }
#endif
    for (size_t at = 0; at + 1 < length; at++) {
        if (bytes[at] == 'e' && (bytes[at + 1] == 'y' || bytes[at + 1] == 'a') && token_head_at(bytes, length, at)) return 1;
    }
    return 0;
}
