#ifndef SELLO_JSON_SHIMS_H
#define SELLO_JSON_SHIMS_H
/* JSON string writing for JSONWriter, which writes every string of every request body and
 * envelope: the bytes that need no escape found and copied sixteen at a time (SSE2). */
#include <stddef.h>

/* Copies `source` to `destination` up to the first byte a JSON string escapes (a control
 * character, '"' or '\\') and returns how many bytes that is (`length` when none). Writes only
 * within destination[0, length), possibly past the returned count (bytes the caller overwrites). */
size_t jsonshim_copy_plain(void *destination, const void *source, size_t length);

#endif
