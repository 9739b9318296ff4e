/* The reference: what a C programmer writes with libcurl alone. One easy handle per thread,
 * set up once and reused (keep-alive), POSTing the very body and headers sello sends, and
 * keeping the answer in memory as sello does.
 *
 *   curl_loop URL [--seconds S | --calls N] [--warmup W] [--threads T] [--read-callback] [--curlu]
 *
 * --read-callback sends the body through a read callback instead of CURLOPT_POSTFIELDS, the way
 * sello sends a request that must never be re-sent (libcurl cannot rewind it): a diagnostic,
 * libcurl then writes the headers and the body with two send() calls.
 *
 * --curlu hands libcurl the URL parsed once (CURLOPT_CURLU, then the same text as CURLOPT_URL), as
 * sello does since issue 13's fourteenth session: given the text alone, libcurl parses it and
 * joins it again on every transfer. Row 2b: sello against a raw loop that saves the same work.
 */
#include "bench.h"

#include <curl/curl.h>

struct answer {
    char *data;
    size_t size, capacity;
};

struct curl_state {
    CURL *easy;
    struct curl_slist *headers;
    struct answer answer;
    size_t body_offset;
    CURLU *url;
};

static int read_callback_mode;
static int curlu_mode;

static size_t on_read(char *buffer, size_t size, size_t count, void *user) {
    struct curl_state *s = user;
    size_t left = strlen(BENCH_BODY) - s->body_offset, n = size * count < left ? size * count : left;
    memcpy(buffer, BENCH_BODY + s->body_offset, n);
    s->body_offset += n;
    return n;
}

static size_t on_write(char *data, size_t size, size_t count, void *user) {
    struct answer *a = user;
    size_t length = size * count;
    if (a->size + length > a->capacity) {
        size_t capacity = (a->size + length) * 2;
        char *grown = realloc(a->data, capacity);
        if (!grown) return 0;
        a->data = grown;
        a->capacity = capacity;
    }
    memcpy(a->data + a->size, data, length);
    a->size += length;
    return length;
}

static int call(void *opaque) {
    struct curl_state *s = opaque;
    s->answer.size = 0;
    s->body_offset = 0;
    long status = 0;
    if (curl_easy_perform(s->easy) != CURLE_OK) return 1;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
    return status == 200 && s->answer.size > 0 ? 0 : 1;
}

static struct curl_state *new_state(const char *url) {
    struct curl_state *s = calloc(1, sizeof *s);
    s->easy = curl_easy_init();
    for (int i = 0; i < BENCH_HEADER_COUNT; i++) s->headers = curl_slist_append(s->headers, BENCH_HEADERS[i]);
    if (curlu_mode) {
        s->url = curl_url();
        if (!s->url || curl_url_set(s->url, CURLUPART_URL, url, CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME)) {
            fprintf(stderr, "curl_loop: cannot parse %s\n", url);
            exit(2);
        }
        curl_easy_setopt(s->easy, CURLOPT_CURLU, s->url);
    }
    curl_easy_setopt(s->easy, CURLOPT_URL, url);
    curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(s->easy, CURLOPT_TIMEOUT_MS, 60000L);
    curl_easy_setopt(s->easy, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(s->easy, CURLOPT_USERAGENT, BENCH_USER_AGENT);
    curl_easy_setopt(s->easy, CURLOPT_PROXY, "");
    curl_easy_setopt(s->easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
    if (read_callback_mode) {
        curl_easy_setopt(s->easy, CURLOPT_POST, 1L);
        curl_easy_setopt(s->easy, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(s->easy, CURLOPT_READDATA, s);
    } else {
        curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, BENCH_BODY);
    }
    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(BENCH_BODY));
    curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, &s->answer);
    return s;
}

int main(int argc, char **argv) {
    /* This loop's own flags are taken out, the others kept in their order for bench_parse. */
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--read-callback")) read_callback_mode = 1;
        else if (!strcmp(argv[i], "--curlu")) curlu_mode = 1;
        else argv[kept++] = argv[i];
    }
    argc = kept;
    struct bench_args args = bench_parse(argc, argv, "curl_loop URL/obtenerCertificado [--seconds S|--calls N] [--warmup W] [--threads T] [--read-callback] [--curlu]");
    curl_global_init(CURL_GLOBAL_ALL);
    void **states = calloc((size_t)args.threads, sizeof *states);
    for (int i = 0; i < args.threads; i++) states[i] = new_state(args.url);
    int status = bench_run(&args, call, states);
    for (int i = 0; i < args.threads; i++) {
        struct curl_state *s = states[i];
        curl_easy_cleanup(s->easy);
        curl_url_cleanup(s->url);
        curl_slist_free_all(s->headers);
        free(s->answer.data);
        free(s);
    }
    free(states);
    curl_global_cleanup();
    return status;
}
