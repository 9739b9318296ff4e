/* sello from C: fes_obtain_certificate (validation, request, answer, envelope) and sello_free,
 * on ONE client shared by every thread, as the header allows.
 *
 *   sello_loop BASE_URL [--seconds S | --calls N] [--warmup W] [--threads T] [--show]
 *
 * BASE_URL is the client's base_url (the call POSTs BASE_URL/obtenerCertificado). --show prints
 * one envelope on stderr first. A call counts as failed unless its envelope is ok:true.
 */
#include "bench.h"

#include "sello.h"

static int call(void *client) {
    char *result = fes_obtain_certificate(client, BENCH_REQUEST);
    int failed = !result || strncmp(result, "{\"ok\":true", 10) != 0;
    if (failed && getenv("BENCH_VERBOSE")) fprintf(stderr, "%s\n", result ? result : "(NULL)");
    sello_free(result);
    return failed;
}

int main(int argc, char **argv) {
    int show = 0;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--show")) { show = 1; argv[i--] = argv[--argc]; }
    struct bench_args args = bench_parse(argc, argv, "sello_loop BASE_URL [--seconds S|--calls N] [--warmup W] [--threads T] [--show]");
    char config[1024];
    bench_config(config, sizeof config, args.url);
    char *error = NULL;
    fes_client *client = fes_client_new(config, &error);
    if (!client) { fprintf(stderr, "fes_client_new: %s\n", error ? error : "(NULL)"); return 1; }
    if (show) {
        char *result = fes_obtain_certificate(client, BENCH_REQUEST);
        fprintf(stderr, "%s\n", result ? result : "(NULL)");
        sello_free(result);
    }
    void **states = calloc((size_t)args.threads, sizeof *states);
    for (int i = 0; i < args.threads; i++) states[i] = client;
    int status = bench_run(&args, call, states);
    free(states);
    fes_client_free(client);
    return status;
}
