/* Concurrency soak in C, for the sanitizer builds of libsello.so (scripts/sanitize.sh runs it
 * under ThreadSanitizer and AddressSanitizer; scripts/memcheck.sh under valgrind): SOAK_THREADS
 * threads (default 8) each make SOAK_CALLS (default 100) mixed calls on three shared clients
 * (FES, Firma Virtual, CFDI) against the sandbox at SELLO_SANDBOX_URL, while other threads keep
 * replacing the clients' log and progress callbacks. Every result is checked; the closing line is
 * "N passed, N failed" and the exit status is non-zero on any failure.
 *
 * The same mix, with finer checks, is Tests/python/test_soak.py. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sello.h"

static const char *FES_REQUEST =
    "{\"rut\":\"19.371.037-9\",\"correo\":\"eleon@certificadoradelsur.cl\",\"numeroDocumento\":\"100.123.456\","
    "\"claveCertificado\":\"Secreta123\",\"duracion\":3,\"nombreEmpresa\":\"CDS\",\"comuna\":\"LOS ANGELES\","
    "\"direccion\":\"Lautaro 867\",\"giroEmpresa\":\"Otros\"}";
static const char *FES_INVALID =
    "{\"rut\":\"19.371.037-1\",\"correo\":\"eleon@certificadoradelsur.cl\",\"numeroDocumento\":\"100.123.456\","
    "\"claveCertificado\":\"Secreta123\",\"duracion\":3,\"nombreEmpresa\":\"CDS\",\"comuna\":\"LOS ANGELES\","
    "\"direccion\":\"Lautaro 867\",\"giroEmpresa\":\"Otros\"}";
static const char *SECRETS[] = {"bJBk9GuSJCOWLXODhniTCX7e5", "Secreta123", "OnePass", "pade_pass"};

static fes_client *fes;
static fv_client *fv;
static cfdi_client *cfdi;
static char uuid_request[128];
static char stamp_request[256];
static atomic_int passed, failed, log_lines, stop_flipping;
static int calls_per_thread = 100;

static void fail(const char *what, const char *result) {
    atomic_fetch_add(&failed, 1);
    fprintf(stderr, "FAIL %s: %.300s\n", what, result ? result : "(null)");
}

/* The envelope contains every fragment given (NULL-terminated list). */
static void expect(const char *what, char *result, const char *fragment, const char *fragment2) {
    if (!result || !strstr(result, fragment) || (fragment2 && !strstr(result, fragment2))) {
        fail(what, result);
    } else {
        for (size_t i = 0; i < sizeof SECRETS / sizeof *SECRETS; i++) {
            if (strstr(result, SECRETS[i])) { fail("secret in an envelope", result); sello_free(result); return; }
        }
        atomic_fetch_add(&passed, 1);
    }
    sello_free(result);
}

static void on_log(void *user_data, int level, const char *message) {
    (void)user_data; (void)level;
    atomic_fetch_add(&log_lines, 1);
    for (size_t i = 0; i < sizeof SECRETS / sizeof *SECRETS; i++) {
        if (strstr(message, SECRETS[i])) { fprintf(stderr, "secret in a log line: %s\n", message); abort(); }
    }
}

static void on_progress(void *user_data, int64_t done, int64_t total) { (void)user_data; (void)done; (void)total; }

static void *worker(void *arg) {
    unsigned seed = (unsigned)(size_t)arg * 7919u + 1u;
    for (int i = 0; i < calls_per_thread; i++) {
        switch (rand_r(&seed) % 12) {
        case 0: expect("fes_obtain_certificate", fes_obtain_certificate(fes, FES_REQUEST), "\"ok\":true", "\"rut\":\"19371037-9\""); break;
        case 1: expect("fes invalid", fes_obtain_certificate(fes, FES_INVALID), "\"code\":\"RUT_INVALIDO\"", "\"attempts\":0"); break;
        case 2: expect("fes_check_request", fes_check_request(FES_REQUEST), "\"claveCertificado\":\"***\"", NULL); break;
        case 3: expect("sello_check_rut", sello_check_rut("{\"rut\":\"76.369.187-k\"}"), "\"normalized\":\"76369187-K\"", NULL); break;
        case 4: expect("sello_find_comuna", sello_find_comuna("{\"comuna\":\"nunoa\"}"), "\"cut\":\"13120\"", NULL); break;
        case 5: expect("sello_check_rfc", sello_check_rfc("{\"rfc\":\"EKU9003173C9\"}"), "\"type\":\"moral\"", NULL); break;
        case 6:
            if (fv) expect("fv_get_contract", fv_get_contract(fv, "{\"IDContract\":\"307c1f32-bbb5-4cbe-a4f4-ecf20616510a\"}"),
                           "\"ok\":true", "\"sContractID\":\"307c1f32-bbb5-4cbe-a4f4-ecf20616510a\"");
            break;
        case 7:
            if (fv) expect("fv_get_user", fv_get_user(fv, "{\"IDUser\":1}"), "\"ok\":true", "\"sLogin\":\"userapp\"");
            break;
        case 8:
            if (fv) expect("fv invalid", fv_get_contract(fv, "{\"IDContract\":5.5}"), "\"kind\":\"invalid_argument\"", NULL);
            break;
        case 9:
            if (cfdi) expect("cfdi_get_by_uuid", cfdi_get_by_uuid(cfdi, uuid_request), "\"ok\":true", "\"consultaOk\":true");
            break;
        case 10:
            if (cfdi) expect("cfdi_process_file", cfdi_process_file(cfdi, stamp_request), "\"ok\":true", "\"timbradoOk\":true");
            break;
        default:
            expect("NULL request", fes_obtain_certificate(fes, NULL), "\"code\":\"NULL_ARGUMENT\"", NULL);
            break;
        }
    }
    return NULL;
}

/* Replaces the callbacks while the calls run (the header allows it from any thread). */
static void *flipper(void *arg) {
    (void)arg;
    int round = 0;
    while (!atomic_load(&stop_flipping)) {
        sello_log_fn log = (round & 1) ? on_log : NULL;
        fes_client_set_log(fes, log, NULL, round % 4);
        if (fv) fv_client_set_log(fv, log, NULL, SELLO_LOG_DEBUG);
        if (cfdi) cfdi_client_set_log(cfdi, log, NULL, SELLO_LOG_INFO);
        fes_client_set_progress(fes, (round & 2) ? on_progress : NULL, NULL);
        if (cfdi) cfdi_client_set_progress(cfdi, (round & 2) ? on_progress : NULL, NULL);
        round++;
        struct timespec pause = {0, 2 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    return NULL;
}

static void *make_client(const char *prefix, const char *config) {
    char *error = NULL;
    void *client = NULL;
    if (strcmp(prefix, "fes") == 0) client = fes_client_new(config, &error);
    else if (strcmp(prefix, "fv") == 0) client = fv_client_new(config, &error);
    else client = cfdi_client_new(config, &error);
    if (!client) fprintf(stderr, "no %s client: %s\n", prefix, error ? error : "(null)");
    sello_free(error);
    return client;
}

int main(void) {
    const char *base = getenv("SELLO_SANDBOX_URL");
    if (!base) { fprintf(stderr, "SELLO_SANDBOX_URL is not set (run through scripts/with-sandbox.sh)\n"); return 2; }
    int threads = getenv("SOAK_THREADS") ? atoi(getenv("SOAK_THREADS")) : 8;
    if (getenv("SOAK_CALLS")) calls_per_thread = atoi(getenv("SOAK_CALLS"));
    if (threads < 1 || threads > 256 || calls_per_thread < 1) { fprintf(stderr, "bad SOAK_THREADS/SOAK_CALLS\n"); return 2; }

    char config[1024];
    const char *retries = "\"retries\":{\"max\":2,\"base_delay_ms\":10,\"max_delay_ms\":200}";
    snprintf(config, sizeof config, "{\"base_url\":\"%s/generateFES/rest-services/public/generateFes\","
             "\"usuario\":\"PruebaWS\",\"clave\":\"bJBk9GuSJCOWLXODhniTCX7e5\",%s}", base, retries);
    fes = make_client("fes", config);
    snprintf(config, sizeof config, "{\"base_url\":\"%s\",\"login\":\"userapp\",\"password\":\"OnePass\",%s}", base, retries);
    fv = make_client("fv", config);
    snprintf(config, sizeof config, "{\"base_url\":\"%s/servicio/rest\",\"usuario\":\"pade_user\",\"password\":\"pade_pass\","
             "\"contrato\":\"PADE-CONTRATO-01\",%s}", base, retries);
    cfdi = make_client("cfdi", config);
    if (!fes) return 1;

    /* A stamp dated now in CDMX time (UTC-6), and one CFDI to look up. */
    time_t now = time(NULL) - 6 * 3600;
    struct tm parts;
    gmtime_r(&now, &parts);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &parts);
    snprintf(stamp_request, sizeof stamp_request, "{\"datos\":\"CFDI|3.3|S|1|%s\\nTOTAL|10.00\\n\",\"prueba\":true}", date);
    if (cfdi) {
        char *stamped = cfdi_process_file(cfdi, stamp_request);
        const char *at = stamped ? strstr(stamped, "\"uuid\":\"") : NULL;
        if (!at) { fail("first stamp", stamped); sello_free(stamped); return 1; }
        snprintf(uuid_request, sizeof uuid_request, "{\"uuid\":\"%.36s\"}", at + 8);
        sello_free(stamped);
    }

    pthread_t flip, workers[256];
    pthread_create(&flip, NULL, flipper, NULL);
    for (int i = 0; i < threads; i++) pthread_create(&workers[i], NULL, worker, (void *)(size_t)i);
    for (int i = 0; i < threads; i++) pthread_join(workers[i], NULL);
    atomic_store(&stop_flipping, 1);
    pthread_join(flip, NULL);

    fes_client_free(fes);
    fv_client_free(fv);
    cfdi_client_free(cfdi);
    printf("soak: %d threads x %d calls (fv %s, cfdi %s), %d log lines\n", threads, calls_per_thread,
           fv ? "on" : "off", cfdi ? "on" : "off", atomic_load(&log_lines));
    printf("%d passed, %d failed\n", atomic_load(&passed), atomic_load(&failed));
    return atomic_load(&failed) ? 1 : 0;
}
