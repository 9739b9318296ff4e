/* Start-up cost as a program sees it, in a fresh process: dlopen of libsello.so (and with it
 * libcurl, libcrypto, libxml2...), a first local call (sello_check_rut), a client and a first
 * fes_obtain_certificate against the loopback server. Timed inside the process.
 *
 *   startup LIBSELLO_SO BASE_URL
 */
#include "bench.h"

#include <dlfcn.h>

typedef char *(*string_fn)(const char *);
typedef void *(*client_new_fn)(const char *, char **);
typedef char *(*call_fn)(void *, const char *);
typedef void (*free_fn)(void *);

static void *symbol(void *library, const char *name) {
    void *found = dlsym(library, name);
    if (!found) { fprintf(stderr, "dlsym %s: %s\n", name, dlerror()); exit(1); }
    return found;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: startup LIBSELLO_SO BASE_URL\n"); return 2; }
    double t0 = bench_now();
    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!library) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 1; }
    string_fn check_rut = (string_fn)symbol(library, "sello_check_rut");
    client_new_fn client_new = (client_new_fn)symbol(library, "fes_client_new");
    call_fn obtain = (call_fn)symbol(library, "fes_obtain_certificate");
    free_fn release = (free_fn)symbol(library, "sello_free");
    free_fn client_free = (free_fn)symbol(library, "fes_client_free");
    double t1 = bench_now();

    char *rut = check_rut("{\"rut\":\"76.369.187-K\"}");
    int rut_ok = rut && !strncmp(rut, "{\"ok\":true", 10);
    release(rut);
    double t2 = bench_now();

    char config[1024];
    bench_config(config, sizeof config, argv[2]);
    char *error = NULL;
    void *client = client_new(config, &error);
    if (!client) { fprintf(stderr, "fes_client_new: %s\n", error); return 1; }
    double t3 = bench_now();
    char *first = obtain(client, BENCH_REQUEST);
    int call_ok = first && !strncmp(first, "{\"ok\":true", 10);
    release(first);
    double t4 = bench_now();
    client_free(client);

    printf("{\"dlopen_ms\":%.3f,\"check_rut_ms\":%.3f,\"client_new_ms\":%.3f,\"first_call_ms\":%.3f,"
           "\"total_ms\":%.3f,\"ok\":%s}\n",
           (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, (t4 - t3) * 1e3, (t4 - t0) * 1e3,
           rut_ok && call_ok ? "true" : "false");
    return rut_ok && call_ok ? 0 : 1;
}
