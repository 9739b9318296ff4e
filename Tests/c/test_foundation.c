/* The C interface as a C program uses it, against the sandbox (SELLO_SANDBOX_URL). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sello.h"

static const char *REQUEST =
    "{\"rut\":\"76.369.187-K\",\"correo\":\"ana@empresa.cl\",\"numeroDocumento\":\"100123456\","
    "\"claveCertificado\":\"Secreta123\",\"duracion\":1,\"nombreEmpresa\":\"Empresa SpA\","
    "\"comuna\":\"Viña del Mar\",\"direccion\":\"Av. Libertad 1\",\"giroEmpresa\":\"Servicios\"}";

static char config[512];
static int log_lines;

static void on_log(void *user_data, int level, const char *message) {
    (void)level;
    int *count = user_data;
    (*count)++;
    if (strstr(message, "Secreta123") || strstr(message, "bJBk9GuSJCOWLXODhniTCX7e5")) {
        fprintf(stderr, "secret in a log line: %s\n", message);
        exit(2);
    }
}

static void *worker(void *arg) {
    fes_client *client = arg;
    for (int i = 0; i < 5; i++) {
        char *result = fes_obtain_certificate(client, REQUEST);
        CHECK_HAS(result, "\"ok\":true");
        sello_free(result);
    }
    return NULL;
}

int main(void) {
    const char *base = getenv("SELLO_SANDBOX_URL");
    if (!base) { fprintf(stderr, "SELLO_SANDBOX_URL is not set\n"); return 1; }
    snprintf(config, sizeof config,
             "{\"base_url\":\"%s/generateFES/rest-services/public/generateFes\","
             "\"usuario\":\"PruebaWS\",\"clave\":\"bJBk9GuSJCOWLXODhniTCX7e5\"}", base);

    /* The version is the header's macros, as a program compiled against it sees them. */
    char version[64];
    snprintf(version, sizeof version, "%d.%d.%d", SELLO_VERSION_MAJOR, SELLO_VERSION_MINOR, SELLO_VERSION_PATCH);
    CHECK(strcmp(sello_version(), version) == 0);
    CHECK(sello_abi_version() == SELLO_ABI_VERSION);
    sello_free(NULL);
    fes_client_free(NULL);

    /* A bad configuration: NULL client and an error envelope. */
    char *error = NULL;
    fes_client *bad = fes_client_new("{\"usuario\":\"u\",\"clave\":\"c\",\"base_url\":\"http://example.com\"}", &error);
    CHECK(bad == NULL);
    CHECK_HAS(error, "\"code\":\"INSECURE_HTTP\"");
    sello_free(error);
    CHECK(fes_client_new(NULL, NULL) == NULL);

    error = NULL;
    fes_client *client = fes_client_new(config, &error);
    CHECK(client != NULL && error == NULL);
    fes_client_set_log(client, on_log, &log_lines, SELLO_LOG_DEBUG);

    char *result = fes_obtain_certificate(client, REQUEST);
    CHECK_HAS(result, "\"ok\":true");
    CHECK_HAS(result, "\"rut\":\"76369187-K\"");
    CHECK_HAS(result, "\"attempts\":1");
    sello_free(result);
    CHECK(log_lines >= 2);

    result = fes_obtain_certificate(client, "{\"rut\":");
    CHECK_HAS(result, "\"kind\":\"invalid_argument\"");
    sello_free(result);
    result = fes_obtain_certificate(client, NULL);
    CHECK_HAS(result, "\"code\":\"NULL_ARGUMENT\"");
    sello_free(result);
    result = fes_obtain_certificate(NULL, REQUEST);
    CHECK_HAS(result, "\"code\":\"NULL_CLIENT\"");
    sello_free(result);

    fes_client_set_log(client, NULL, NULL, 0);
    pthread_t threads[8];
    for (int i = 0; i < 8; i++) pthread_create(&threads[i], NULL, worker, client);
    for (int i = 0; i < 8; i++) pthread_join(threads[i], NULL);
    fes_client_free(client);

    result = sello_check_rut("{\"rut\":\"96.874.030-K\"}");
    CHECK_HAS(result, "\"normalized\":\"96874030-K\"");
    sello_free(result);
    result = sello_find_comuna("{\"comuna\":\"con con\"}");
    CHECK_HAS(result, "\"cut\":\"05103\"");
    sello_free(result);
    return check_summary();
}
