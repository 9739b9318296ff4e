/* Resident memory over many calls: fes_obtain_certificate + sello_free in a loop on one
 * client; VmRSS after a warm-up and at the end (and every tenth of the way, to see a trend).
 *
 *   leak BASE_URL [--calls N] [--warmup W]      (defaults 100000 and 10000)
 */
#include "bench.h"

#include "sello.h"

int main(int argc, char **argv) {
    struct bench_args args = bench_parse(argc, argv, "leak BASE_URL [--calls N] [--warmup W]");
    if (args.calls <= 0) args.calls = 100000;
    if (args.warmup == 200) args.warmup = 10000; /* bench_parse's default is for rate loops */
    char config[1024];
    bench_config(config, sizeof config, args.url);
    fes_client *client = fes_client_new(config, NULL);
    if (!client) { fprintf(stderr, "fes_client_new failed\n"); return 1; }
    long failures = 0;
    for (long i = 0; i < args.warmup; i++) {
        char *r = fes_obtain_certificate(client, BENCH_REQUEST);
        failures += !r || strncmp(r, "{\"ok\":true", 10) != 0;
        sello_free(r);
    }
    long before = bench_rss_kib();
    double start = bench_now();
    printf("{\"warmup\":%ld,\"calls\":%ld,\"rss_kib\":[%ld", args.warmup, args.calls, before);
    for (long i = 1; i <= args.calls; i++) {
        char *r = fes_obtain_certificate(client, BENCH_REQUEST);
        failures += !r || strncmp(r, "{\"ok\":true", 10) != 0;
        sello_free(r);
        if (i % (args.calls / 10 > 0 ? args.calls / 10 : 1) == 0) printf(",%ld", bench_rss_kib());
    }
    long after = bench_rss_kib();
    printf("],\"rss_before_kib\":%ld,\"rss_after_kib\":%ld,\"drift_kib\":%ld,\"seconds\":%.3f,\"failures\":%ld}\n",
           before, after, after - before, bench_now() - start, failures);
    fes_client_free(client);
    return failures ? 1 : 0;
}
