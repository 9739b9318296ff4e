/*
 * example_json.h — just enough JSON reading for the examples to print an envelope's fields.
 *
 *   const char *v = ej_get(envelope, "data.certificate_info.not_after");   // NULL if absent
 *   char text[256]; ej_text(envelope, "data.uuid", text, sizeof text);     // "" if absent
 *   int n = ej_count(envelope, "data.cancelaciones");                      // -1 if not an array
 *
 * Paths are member names and array indices separated by dots ("data.0.sContractID"). Strings
 * are unescaped (\uXXXX included); numbers, true/false/null are copied as written. It checks
 * bounds but does not validate: a real program should use a JSON library (cJSON, jansson, yyjson).
 */
#ifndef EXAMPLE_JSON_H
#define EXAMPLE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline const char *ej_ws(const char *p) {
    while (p && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static inline const char *ej_skip_string(const char *p) { /* p at the opening quote */
    for (p++; *p; p++) {
        if (*p == '\\') { if (!*++p) return NULL; }
        else if (*p == '"') return p + 1;
    }
    return NULL;
}

static inline const char *ej_skip(const char *p) { /* past one value, or NULL */
    p = ej_ws(p);
    if (!p || !*p) return NULL;
    if (*p == '"') return ej_skip_string(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = ej_ws(p + 1);
        if (p && *p == close) return p + 1;
        while (p && *p) {
            if (close == '}') {                      /* "name": value */
                if (*p != '"' || !(p = ej_skip_string(p))) return NULL;
                p = ej_ws(p);
                if (!p || *p != ':') return NULL;
                p++;
            }
            if (!(p = ej_skip(p))) return NULL;
            p = ej_ws(p);
            if (*p == ',') { p = ej_ws(p + 1); continue; }
            return *p == close ? p + 1 : NULL;
        }
        return NULL;
    }
    while (*p && !strchr(",}] \t\r\n", *p)) p++;   /* number, true, false, null */
    return p;
}

static inline bool ej_key_is(const char *p, const char *key, size_t len) { /* p at a member name's quote */
    const char *end = ej_skip_string(p);
    return end && (size_t)(end - p - 2) == len && strncmp(p + 1, key, len) == 0;
}

static inline const char *ej_get(const char *json, const char *path) {
    const char *p = ej_ws(json);
    while (p && *path) {
        size_t len = strcspn(path, ".");
        if (*p == '{') {
            p = ej_ws(p + 1);
            const char *found = NULL;
            while (p && *p == '"') {
                bool match = ej_key_is(p, path, len);
                p = ej_ws(ej_skip_string(p));
                if (!p || *p != ':') return NULL;
                p = ej_ws(p + 1);
                if (match) { found = p; break; }
                p = ej_ws(ej_skip(p));
                if (p && *p == ',') p = ej_ws(p + 1); else break;
            }
            p = found;
        } else if (*p == '[') {
            long index = strtol(path, NULL, 10);
            p = ej_ws(p + 1);
            for (long i = 0; p && *p && *p != ']' && i < index; i++) {
                p = ej_ws(ej_skip(p));
                if (p && *p == ',') p = ej_ws(p + 1); else p = NULL;
            }
            if (p && *p == ']') p = NULL;
        } else {
            return NULL;
        }
        path += len;
        if (*path == '.') path++;
    }
    return p;
}

/* Appends one code point as UTF-8. */
static inline size_t ej_utf8(unsigned long c, char *out) {
    if (c < 0x80) { out[0] = (char)c; return 1; }
    if (c < 0x800) { out[0] = (char)(0xC0 | (c >> 6)); out[1] = (char)(0x80 | (c & 0x3F)); return 2; }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12)); out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F)); return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18)); out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F)); out[3] = (char)(0x80 | (c & 0x3F)); return 4;
}

/* The value at path as text (strings unescaped, other values as written); "" when absent. */
static inline const char *ej_text(const char *json, const char *path, char *out, size_t size) {
    const char *p = ej_get(json, path), *end = p ? ej_skip(p) : NULL;
    size_t n = 0;
    if (size == 0) return out;
    out[0] = '\0';
    if (!p || !end) return out;
    if (*p != '"') {
        n = (size_t)(end - p) < size - 1 ? (size_t)(end - p) : size - 1;
        memcpy(out, p, n);
        out[n] = '\0';
        return out;
    }
    for (p++; p < end - 1 && n + 4 < size; p++) {
        if (*p != '\\') { out[n++] = *p; continue; }
        switch (*++p) {
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case 'r': out[n++] = '\r'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'u': {
            char hex[5] = {0};
            unsigned long c;
            memcpy(hex, p + 1, 4);
            c = strtoul(hex, NULL, 16);
            p += 4;
            if (c >= 0xD800 && c < 0xDC00 && p[1] == '\\' && p[2] == 'u') {   /* surrogate pair */
                unsigned long low;
                memcpy(hex, p + 3, 4);
                low = strtoul(hex, NULL, 16);
                c = 0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00);
                p += 6;
            }
            n += ej_utf8(c, out + n);
            break;
        }
        default: out[n++] = *p; break;                 /* \" \\ \/ */
        }
    }
    out[n] = '\0';
    return out;
}

/* The number of elements of the array at path, or -1. */
static inline int ej_count(const char *json, const char *path) {
    const char *p = ej_get(json, path);
    int count = 0;
    if (!p || *p != '[') return -1;
    p = ej_ws(p + 1);
    if (*p == ']') return 0;
    while (p && *p) {
        p = ej_ws(ej_skip(p));
        count++;
        if (p && *p == ',') p = ej_ws(p + 1); else break;
    }
    return count;
}

static inline bool ej_is_true(const char *json, const char *path) {
    const char *p = ej_get(json, path);
    return p && strncmp(p, "true", 4) == 0;
}

/* A string's JSON form without the quotes (for paths put into a request). */
static inline const char *ej_escape(const char *in, char *out, size_t size) {
    size_t n = 0;
    for (; *in && n + 7 < size; in++) {
        unsigned char c = (unsigned char)*in;
        if (c == '"' || c == '\\') { out[n++] = '\\'; out[n++] = (char)c; }
        else if (c < 0x20) n += (size_t)snprintf(out + n, size - n, "\\u%04x", c);
        else out[n++] = (char)c;
    }
    out[n] = '\0';
    return out;
}

/* Prints an error envelope's error to stderr: what failed, kind, code, service code, field,
 * retryable and the message. */
static inline void ej_report_error(const char *what, const char *envelope) {
    char kind[64], code[128], service_code[32], message[1024], field[64], retryable[8];
    ej_text(envelope, "error.kind", kind, sizeof kind);
    ej_text(envelope, "error.code", code, sizeof code);
    ej_text(envelope, "error.service_code", service_code, sizeof service_code);
    ej_text(envelope, "error.message", message, sizeof message);
    ej_text(envelope, "error.field", field, sizeof field);
    ej_text(envelope, "error.retryable", retryable, sizeof retryable);
    fprintf(stderr, "%s failed: %s %s (service code %s, field %s, retryable %s)\n  %s\n", what, kind, code,
            service_code, field, retryable, message);
}

#endif /* EXAMPLE_JSON_H */
