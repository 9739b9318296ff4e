/* What every C benchmark shares: the request, the exact body sello sends for it, the client
 * configuration, the clock and a tiny argument parser. Header-only, C99 + POSIX. */
#ifndef SELLO_BENCH_H
#define SELLO_BENCH_H

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>

/* The fes_obtain_certificate request every benchmark sends (valid: it passes validation). */
#define BENCH_REQUEST                                                                           \
    "{\"rut\":\"76.369.187-K\",\"correo\":\"ana@empresa.cl\",\"numeroDocumento\":\"100123456\"," \
    "\"claveCertificado\":\"Secreta123\",\"duracion\":1,\"nombreEmpresa\":\"Empresa SpA\","     \
    "\"comuna\":\"Vi\xc3\xb1" "a del Mar\",\"direccion\":\"Av. Libertad 1\",\"giroEmpresa\":\"Servicios\"}"

#define BENCH_USUARIO "bench"
#define BENCH_CLAVE "BenchClave9"

/* Byte for byte the body sello sends for BENCH_REQUEST (its normalised RUT, key order and
 * compact JSON), so the raw libcurl loop moves exactly the same bytes. */
#define BENCH_BODY                                                                                   \
    "{\"request\":{\"encabezado\":{\"usuario\":\"" BENCH_USUARIO "\",\"clave\":\"" BENCH_CLAVE "\"}," \
    "\"parametro\":{\"rut\":\"76369187-K\",\"correo\":\"ana@empresa.cl\",\"numeroDocumento\":\"100123456\"," \
    "\"claveCertificado\":\"Secreta123\",\"duracion\":1,\"nombreEmpresa\":\"Empresa SpA\","          \
    "\"comuna\":\"Vi\xc3\xb1" "a del Mar\",\"direccion\":\"Av. Libertad 1\",\"giroEmpresa\":\"Servicios\"}}}"

/* The headers sello sets on this request (User-Agent is set with CURLOPT_USERAGENT). */
#include "sello.h"   /* the version macros: the User-Agent is "sello/<SELLO_VERSION_*>" */
#define BENCH_STR_(x) #x
#define BENCH_STR(x) BENCH_STR_(x)
#define BENCH_USER_AGENT \
    "sello/" BENCH_STR(SELLO_VERSION_MAJOR) "." BENCH_STR(SELLO_VERSION_MINOR) "." BENCH_STR(SELLO_VERSION_PATCH)
static const char *const BENCH_HEADERS[] = {"Accept: application/json", "Expect:", "Content-Type: application/json"};
#define BENCH_HEADER_COUNT 3

/* A FES client configuration for `base` (an http://127.0.0.1:port/... URL). No retries: a
 * failure must show, not be hidden by a 200 ms back-off. */
static inline void bench_config(char *out, size_t size, const char *base) {
    snprintf(out, size,
             "{\"usuario\":\"" BENCH_USUARIO "\",\"clave\":\"" BENCH_CLAVE "\",\"base_url\":\"%s\","
             "\"retries\":{\"max\":0}}", base);
}

static inline double bench_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Options every loop understands:
 *   --calls N      run exactly N timed calls (default: time-bound)
 *   --seconds S    run timed calls for S seconds (default 2)
 *   --warmup W     untimed calls first (default 200)
 *   --threads T    threads (default 1)                                                      */
struct bench_args {
    const char *url;
    long calls;
    double seconds;
    long warmup;
    int threads;
};

static inline struct bench_args bench_parse(int argc, char **argv, const char *usage) {
    struct bench_args a = {NULL, 0, 2.0, 200, 1};
    for (int i = 1; i < argc; i++) {
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--calls") && next) a.calls = atol(argv[++i]);
        else if (!strcmp(argv[i], "--seconds") && next) a.seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--warmup") && next) a.warmup = atol(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && next) a.threads = atoi(argv[++i]);
        else if (argv[i][0] != '-' && !a.url) a.url = argv[i];
        else { fprintf(stderr, "usage: %s\n", usage); exit(2); }
    }
    if (!a.url || a.threads < 1) { fprintf(stderr, "usage: %s\n", usage); exit(2); }
    return a;
}

/* One line of JSON on stdout: what run.py reads. */
static inline void bench_report(long calls, double seconds, int threads, long failures) {
    printf("{\"calls\":%ld,\"seconds\":%.6f,\"rate\":%.1f,\"threads\":%d,\"failures\":%ld}\n",
           calls, seconds, seconds > 0 ? (double)calls / seconds : 0.0, threads, failures);
    fflush(stdout);
}

/* VmRSS of this process in KiB. */
static inline long bench_rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) { kib = atol(line + 6); break; }
    fclose(f);
    return kib;
}

/* The loop itself, the same for every contender: `call(state)` returns 0 on success. Each
 * thread warms up, waits for the others, then runs until its deadline (or its share of
 * --calls). The rate is the calls of all threads over the longest thread's time. */
typedef int (*bench_call_fn)(void *state);

struct bench_worker {
    void *state;
    bench_call_fn call;
    const struct bench_args *args;
    pthread_barrier_t *start;
    long done, failures;
    double elapsed;
};

static void *bench_worker_main(void *arg) {
    struct bench_worker *w = arg;
    for (long i = 0; i < w->args->warmup; i++) w->failures += w->call(w->state) != 0;
    pthread_barrier_wait(w->start);
    long quota = w->args->calls > 0 ? w->args->calls / w->args->threads : 0;
    double start = bench_now(), deadline = start + w->args->seconds, now = start;
    if (quota > 0) {
        for (long i = 0; i < quota; i++) w->failures += w->call(w->state) != 0;
        w->done = quota;
        now = bench_now();
    } else {
        while (now < deadline) {
            w->failures += w->call(w->state) != 0;
            w->done++;
            now = bench_now();
        }
    }
    w->elapsed = now - start;
    return NULL;
}

/* Runs the loop on args->threads threads, states[i] for thread i, and prints the report.
 * Returns the process exit status. */
static inline int bench_run(const struct bench_args *args, bench_call_fn call, void **states) {
    unsigned n = args->threads < 1 ? 1u : args->threads > 1024 ? 1024u : (unsigned)args->threads;
    struct bench_worker *workers = calloc((size_t)n, sizeof *workers);
    pthread_t *threads = calloc((size_t)n, sizeof *threads);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, n);
    for (unsigned i = 0; i < n; i++) {
        workers[i] = (struct bench_worker){states[i], call, args, &start, 0, 0, 0};
        if (n == 1) continue; /* one thread: run on the main thread below, as a user would */
        pthread_create(&threads[i], NULL, bench_worker_main, &workers[i]);
    }
    if (n == 1) bench_worker_main(&workers[0]);
    long done = 0, failures = 0;
    double elapsed = 0;
    for (unsigned i = 0; i < n; i++) {
        if (n > 1) pthread_join(threads[i], NULL);
        done += workers[i].done;
        failures += workers[i].failures;
        if (workers[i].elapsed > elapsed) elapsed = workers[i].elapsed;
    }
    bench_report(done, elapsed, (int)n, failures);
    pthread_barrier_destroy(&start);
    free(workers);
    free(threads);
    return failures ? 1 : 0;
}

#endif
