/*
 * FES (Certificadora del Sur, Chile): check a request, obtain a certificate and save it.
 *
 *   cc -std=c99 -I include examples/c/fes_obtain.c -L .build/release -lsello \
 *      -Wl,-rpath,$PWD/.build/release -o fes_obtain
 *   SELLO_SANDBOX_URL=http://127.0.0.1:PORT ./fes_obtain [OUTPUT_DIR]
 *
 * Or, after scripts/install.sh PREFIX:  cc fes_obtain.c $(pkg-config --cflags --libs sello)
 */
#define _POSIX_C_SOURCE 200809L
#include <sello.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "example_json.h"

#define FES_PATH "/generateFES/rest-services/public/generateFes"

static void on_log(void *user_data, int level, const char *message) {
    static const char *names[] = {"debug", "info", "warning", "error"};
    (void)user_data;
    printf("    [log %s] %s\n", names[level >= 0 && level <= 3 ? level : 1], message);
}

/* Prints an error envelope; returns 1 (the exit status). */
static int report_error(const char *what, const char *envelope) {
    ej_report_error(what, envelope);
    return 1;
}

/* Writes data.certificado (its base64 text; `base64 -d` gives the PKCS#12) to a new file of mode
 * 0600 in /tmp, where save_to could not; its name goes to `where`. 0 if that failed too. */
static int keep_elsewhere(const char *envelope, size_t length, char *where, size_t size) {
    char *base64 = malloc(length + 5); /* ej_text keeps 4 bytes of room for a \\u escape */
    int fd = -1, kept = 0;
    snprintf(where, size, "/tmp/fes-certificate-%ld-%ld.p12.b64", (long)getpid(), (long)time(NULL));
    if (base64 && ej_text(envelope, "data.certificado", base64, length + 5)[0]
        && (fd = open(where, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0)
        kept = write(fd, base64, strlen(base64)) == (ssize_t)strlen(base64);
    if (fd >= 0) close(fd);
    free(base64);
    if (!kept) fprintf(stderr, "the certificate could not be saved anywhere: it is in data.certificado\n");
    return kept;
}

int main(int argc, char **argv) {
    const char *base = getenv("SELLO_SANDBOX_URL");
    char out_dir[512], config[1024], request[2048], save_to[640], text[1024];
    char *envelope;
    int status = 0;

    if (!base || !*base) {
        fprintf(stderr, "set SELLO_SANDBOX_URL=http://127.0.0.1:PORT (scripts/with-sandbox.sh starts one)\n");
        return 2;
    }
    /* A new folder for each run by default: save_to is never a file that is already there. */
    snprintf(out_dir, sizeof out_dir, "%s", argc > 1 ? argv[1] : getenv("SELLO_EXAMPLES_OUT") ? getenv("SELLO_EXAMPLES_OUT") : "/tmp/sello-example-XXXXXX");
    if (argc < 2 && !getenv("SELLO_EXAMPLES_OUT") && !mkdtemp(out_dir)) {
        perror("mkdtemp");
        return 1;
    }
    mkdir(out_dir, 0700);
    printf("libsello %s (ABI %d)\n", sello_version(), sello_abi_version());

    /* 1. The client: credentials live in the configuration, never in a request. timeout_ms is
     * FES's default, 120 s: an issuance can take over a minute, and a certificate issued after the
     * client gave up cannot be downloaded again. */
    snprintf(config, sizeof config,
             "{\"base_url\": \"%s" FES_PATH "\", \"usuario\": \"PruebaWS\", \"clave\": \"bJBk9GuSJCOWLXODhniTCX7e5\","
             " \"timeout_ms\": 120000}", base);
    printf("FES client: base_url %s%s, usuario PruebaWS, clave ********\n", base, FES_PATH);
    char *error = NULL;
    fes_client *client = fes_client_new(config, &error);
    if (!client) {
        status = report_error("fes_client_new", error);
        sello_free(error);
        return status;
    }
    fes_client_set_log(client, on_log, NULL, SELLO_LOG_INFO);

    /* 2. The request, checked locally first: what would be sent, secrets masked. */
    snprintf(save_to, sizeof save_to, "%s/certificado-19371037-9.p12", out_dir);
    snprintf(request, sizeof request,
             "{\"rut\": \"19.371.037-9\", \"correo\": \"eleon@certificadoradelsur.cl\", \"numeroDocumento\": \"100.123.456\","
             " \"claveCertificado\": \"Secreta123\", \"duracion\": 3, \"nombreEmpresa\": \"CDS\", \"comuna\": \"los angeles\","
             " \"direccion\": \"Lautaro 867\", \"giroEmpresa\": \"Otros\", \"save_to\": \"%s\"}",
             ej_escape(save_to, text, sizeof text));
    envelope = fes_check_request(request);
    if (!ej_is_true(envelope, "ok")) {
        status = report_error("fes_check_request", envelope);
        sello_free(envelope);
        fes_client_free(client);
        return status;
    }
    printf("\nRequest as it will be sent (secrets masked):\n");
    const char *fields[] = {"rut", "correo", "numeroDocumento", "claveCertificado", "duracion", "nombreEmpresa",
                            "comuna", "direccion", "giroEmpresa"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        char path[128];
        snprintf(path, sizeof path, "data.request.parametro.%s", fields[i]);
        printf("  %-17s %s\n", fields[i], ej_text(envelope, path, text, sizeof text));
    }
    printf("  %-17s usuario and clave from the configuration, masked\n", "encabezado");
    sello_free(envelope);

    /* 3. Obtain the certificate (sent once, never repeated after it may have reached FES). */
    printf("\nfes_obtain_certificate:\n");
    envelope = fes_obtain_certificate(client, request);
    if (!ej_is_true(envelope, "ok")) {
        status = report_error("fes_obtain_certificate", envelope);
    } else {
        char estado[16], code[16], comentario[256], saved[640], attempts[16], elapsed[32];
        printf("\nCertificate issued:\n");
        printf("  estado            %s (errorCode %s)\n", ej_text(envelope, "data.estado", estado, sizeof estado),
               ej_text(envelope, "data.errorCode", code, sizeof code));
        printf("  comentario        %s\n", ej_text(envelope, "data.comentario", comentario, sizeof comentario));
        if (ej_get(envelope, "data.certificate_info")) { /* absent when the PKCS#12 did not open */
            printf("  subject           %s\n", ej_text(envelope, "data.certificate_info.subject", text, sizeof text));
            printf("  rut               %s\n", ej_text(envelope, "data.certificate_info.rut", text, sizeof text));
            printf("  serial            %s\n", ej_text(envelope, "data.certificate_info.serial", text, sizeof text));
            printf("  valid             %s", ej_text(envelope, "data.certificate_info.not_before", text, sizeof text));
            printf(" .. %s\n", ej_text(envelope, "data.certificate_info.not_after", text, sizeof text));
        }
        const char *certificado = ej_get(envelope, "data.certificado");
        size_t length = certificado && *certificado == '"' ? (size_t)(ej_skip(certificado) - certificado - 2) : 0;
        printf("  certificado       %zu base64 characters (PKCS#12, protected by claveCertificado)\n", length);
        /* FES cannot give the certificate again: when save_to failed (warning WRITE_FAILED) it is
         * only in data.certificado, so store it somewhere else before anything else. */
        if (!ej_get(envelope, "data.saved_to") && !keep_elsewhere(envelope, length, saved, sizeof saved))
            status = 1;
        else if (ej_get(envelope, "data.saved_to"))
            ej_text(envelope, "data.saved_to", saved, sizeof saved);
        printf("  saved to          %s\n", saved);
        printf("  attempts          %s, %s ms\n", ej_text(envelope, "meta.attempts", attempts, sizeof attempts),
               ej_text(envelope, "meta.elapsed_ms", elapsed, sizeof elapsed));
        for (int i = 0, n = ej_count(envelope, "warnings"); i < n; i++) {
            char path[64];
            snprintf(path, sizeof path, "warnings.%d.message", i);
            printf("  warning           %s\n", ej_text(envelope, path, text, sizeof text));
        }
        struct stat info;
        if (stat(saved, &info) != 0) {
            fprintf(stderr, "the certificate file %s is missing\n", saved);
            status = 1;
        }
    }
    sello_free(envelope);
    fes_client_free(client);
    return status;
}
