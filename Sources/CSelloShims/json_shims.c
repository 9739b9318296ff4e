#include <stdint.h>
#include <string.h>
#include "json_shims.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline int byte_needs_escape(unsigned char byte) { return byte < 0x20 || byte == '"' || byte == '\\'; }

#if !defined(__SSE2__)
/* Whether any of eight bytes is a control character, '"' or '\\' (exact for "any": a byte of
 * 0x80 and above never matches). */
static inline int word_needs_escape(uint64_t word) {
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t control = (word - 0x20 * ones) & ~word;
    uint64_t quote = word ^ (0x22 * ones), backslash = word ^ (0x5C * ones);
    return ((control | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & highs) != 0;
}
#endif

#if defined(__SSE2__)
/* One bit for each byte of `block` a JSON string escapes. */
static inline unsigned escape_mask(__m128i block) {
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(block, _mm_set1_epi8(0x1F)), block);
    __m128i quote = _mm_cmpeq_epi8(block, _mm_set1_epi8('"'));
    __m128i backslash = _mm_cmpeq_epi8(block, _mm_set1_epi8('\\'));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash)));
}
#endif

/* An envelope's strings are mostly short (member names, codes) and its documents long: a text
 * of 16 bytes or more goes sixteen at a time, the last block overlapping the one before it; a
 * shorter one as two overlapping halves, so that no string is walked byte by byte unless it is
 * under four bytes or holds an escape (issue 13: JSONWriter's eight-byte walk in Swift cost some
 * 19 instructions a byte of an envelope's strings). */
size_t jsonshim_copy_plain(void *destination, const void *source, size_t length) {
    unsigned char *out = destination;
    const unsigned char *in = source;
    size_t at = 0;
#if defined(__SSE2__)
    if (length >= 16) {
        for (;;) {
            if (at > length - 16) at = length - 16; /* positions before `at` were plain */
            __m128i block = _mm_loadu_si128((const __m128i *)(const void *)(in + at));
            unsigned mask = escape_mask(block);
            _mm_storeu_si128((__m128i *)(void *)(out + at), block);
            if (mask != 0) return at + (size_t)__builtin_ctz(mask);
            if (at == length - 16) return length;
            at += 16;
        }
    }
    if (length >= 8) {
        uint64_t head, tail;
        memcpy(&head, in, 8);
        memcpy(&tail, in + length - 8, 8);
        unsigned mask = escape_mask(_mm_set_epi64x((long long)tail, (long long)head));
        memcpy(out, &head, 8);
        memcpy(out + length - 8, &tail, 8);
        if (mask == 0) return length;
        if ((mask & 0xFF) != 0) return (size_t)__builtin_ctz(mask);
        return length - 8 + (size_t)__builtin_ctz(mask >> 8);
    }
    if (length >= 4) {
        uint32_t head, tail;
        memcpy(&head, in, 4);
        memcpy(&tail, in + length - 4, 4);
        unsigned mask = escape_mask(_mm_set_epi32(0, 0, (int)tail, (int)head)) & 0xFF;
        memcpy(out, &head, 4);
        memcpy(out + length - 4, &tail, 4);
        if (mask == 0) return length;
        if ((mask & 0xF) != 0) return (size_t)__builtin_ctz(mask);
        return length - 4 + (size_t)__builtin_ctz(mask >> 4);
    }
#else
    for (; at + 8 <= length; at += 8) {
        uint64_t word;
        memcpy(&word, in + at, 8);
        if (word_needs_escape(word)) break;
        memcpy(out + at, &word, 8);
    }
#endif
    for (; at < length; at++) {
        if (byte_needs_escape(in[at])) return at;
        out[at] = in[at];
    }
    return length;
}
