/*
 * CFDI (Prodigia / PADE, Mexico): stamp a CFDI from the CSV interchange file, fetch its XML by
 * UUID, cancel it with the issuer's CSD, fetch the cancellation receipt.
 *
 *   cc -std=c99 -I include examples/c/cfdi_stamp_query_cancel.c -L .build/release -lsello \
 *      -Wl,-rpath,$PWD/.build/release -o cfdi_stamp_query_cancel
 *   SELLO_SANDBOX_URL=http://127.0.0.1:PORT SELLO_CSD_CER=csd.cer SELLO_CSD_KEY=csd.key \
 *   SELLO_CSD_PASSWORD=... ./cfdi_stamp_query_cancel [OUTPUT_DIR]
 *
 * Without SELLO_CSD_* the cancellation asks Prodigia to use the account's default certificate
 * (opciones CERT_DEFAULT), which the sandbox's account does not have until told so.
 */
#define _POSIX_C_SOURCE 200809L
#include <sello.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "example_json.h"

#define CFDI_PATH "/servicio/rest"
#define EMISOR "EKU9003173C9"
#define RECEPTOR "XAXX010101000"
#define TOTAL "1160.00"

static cfdi_client *client;
static char text[8192];

static char *call(const char *name, char *(*operation)(cfdi_client *, const char *), const char *request) {
    char *envelope = operation(client, request);
    if (!ej_is_true(envelope, "ok")) {
        ej_report_error(name, envelope);
        sello_free(envelope);
        cfdi_client_free(client);
        exit(1);
    }
    return envelope;
}

static void print_saved(const char *envelope) {
    char path[64], file[640];
    for (int i = 0, n = ej_count(envelope, "data.saved_files"); i < n; i++) {
        snprintf(path, sizeof path, "data.saved_files.%d", i);
        if (ej_get(envelope, path) && *ej_get(envelope, path) == '{') {
            snprintf(path, sizeof path, "data.saved_files.%d.path", i);
        }
        printf("   saved %s\n", ej_text(envelope, path, file, sizeof file));
    }
}

int main(int argc, char **argv) {
    const char *base = getenv("SELLO_SANDBOX_URL");
    const char *cer = getenv("SELLO_CSD_CER"), *key = getenv("SELLO_CSD_KEY"), *pass = getenv("SELLO_CSD_PASSWORD");
    char out_dir[512], config[1024], request[4096], csv_path[640], uuid[64], csd[2048], a[512], b[512], c[512];
    char *envelope, *error = NULL;

    if (!base || !*base) {
        fprintf(stderr, "set SELLO_SANDBOX_URL=http://127.0.0.1:PORT (scripts/with-sandbox.sh starts one)\n");
        return 2;
    }
    snprintf(out_dir, sizeof out_dir, "%s", argc > 1 ? argv[1] : getenv("SELLO_EXAMPLES_OUT") ? getenv("SELLO_EXAMPLES_OUT") : "/tmp");
    mkdir(out_dir, 0700);

    snprintf(config, sizeof config, "{\"base_url\": \"%s" CFDI_PATH "\", \"usuario\": \"pade_user\", \"password\": \"pade_pass\","
             " \"contrato\": \"PADE-CONTRATO-01\"}", base);
    printf("Prodigia client: base_url %s%s, usuario pade_user, password ********, contrato PADE-CONTRATO-01\n", base, CFDI_PATH);
    if (!(client = cfdi_client_new(config, &error))) {
        fprintf(stderr, "cfdi_client_new failed: %s\n", ej_text(error, "error.message", text, sizeof text));
        sello_free(error);
        return 1;
    }

    /* 1. The interchange file: dated five minutes ago, Mexico City time (UTC-6). */
    time_t now = time(NULL) - 6 * 3600 - 300;
    struct tm when;
    char fecha[32];
    gmtime_r(&now, &when);
    strftime(fecha, sizeof fecha, "%Y-%m-%dT%H:%M:%S", &when);
    snprintf(csv_path, sizeof csv_path, "%s/factura-A-1001.csv", out_dir);
    FILE *csv = fopen(csv_path, "w");
    if (!csv) {
        fprintf(stderr, "cannot write %s\n", csv_path);
        return 1;
    }
    fprintf(csv, "CFDI|3.3|A|1001|%s|01|1000.00|MXN|I|PUE|06000\nEMISOR|" EMISOR "|ESCUELA KEMPER URGATE|601\n"
                 "RECEPTOR|" RECEPTOR "|PUBLICO EN GENERAL|G03\nTOTAL|" TOTAL "\n", fecha);
    fclose(csv);
    printf("\n1. stamp %s (serie A, folio 1001, %s, emisor " EMISOR ", receptor " RECEPTOR ", total " TOTAL " MXN), prueba\n",
           csv_path, fecha);
    snprintf(request, sizeof request, "{\"datos_path\": \"%s\", \"prueba\": true, \"save_dir\": \"%s\"}",
             ej_escape(csv_path, a, sizeof a), ej_escape(out_dir, b, sizeof b));
    envelope = call("cfdi_process_file", cfdi_process_file, request);
    ej_text(envelope, "data.uuid", uuid, sizeof uuid);
    printf("   timbradoOk %s, codigo %s, uuid %s\n", ej_text(envelope, "data.timbradoOk", a, sizeof a),
           ej_text(envelope, "data.codigo", b, sizeof b), uuid);
    printf("   FechaTimbrado %s, noCertificadoSAT %s\n", ej_text(envelope, "data.FechaTimbrado", a, sizeof a),
           ej_text(envelope, "data.noCertificadoSAT", b, sizeof b));
    print_saved(envelope);
    sello_free(envelope);

    /* 2. The stamped XML, by UUID. */
    snprintf(request, sizeof request, "{\"uuid\": \"%s\", \"include_xml\": true}", uuid);
    envelope = call("cfdi_get_by_uuid", cfdi_get_by_uuid, request);
    ej_text(envelope, "data.xml", text, sizeof text);
    printf("\n2. query by UUID: consultaOk %s, %zu characters of XML", ej_text(envelope, "data.consultaOk", a, sizeof a),
           strlen(text));
    printf(", TimbreFiscalDigital %s\n", strstr(text, "TimbreFiscalDigital") ? "present" : "missing");
    sello_free(envelope);

    /* 3. Cancel it with the issuer's CSD (checked locally first), or Prodigia's default one. */
    if (cer && key && pass) {
        char escaped[3][640];
        snprintf(request, sizeof request, "{\"cert_path\": \"%s\"}", ej_escape(cer, escaped[0], sizeof escaped[0]));
        envelope = cfdi_inspect_csd(request);
        if (ej_is_true(envelope, "ok")) {
            printf("\n3. CSD %s: RFC %s, no. %s, valid until %s\n", cer, ej_text(envelope, "data.rfc", a, sizeof a),
                   ej_text(envelope, "data.no_certificado", b, sizeof b), ej_text(envelope, "data.not_after", c, sizeof c));
        }
        sello_free(envelope);
        snprintf(csd, sizeof csd, "\"cert_path\": \"%s\", \"key_path\": \"%s\", \"keyPass\": \"%s\"", escaped[0],
                 ej_escape(key, escaped[1], sizeof escaped[1]), ej_escape(pass, escaped[2], sizeof escaped[2]));
        printf("   cancel %s with cert_path, key_path, keyPass ********\n", uuid);
    } else {
        snprintf(csd, sizeof csd, "\"opciones\": [\"CERT_DEFAULT\"]");
        printf("\n3. cancel %s with Prodigia's default certificate (no SELLO_CSD_CER/KEY/PASSWORD)\n", uuid);
    }
    snprintf(request, sizeof request, "{\"rfcEmisor\": \"" EMISOR "\", \"uuids\": [\"%s|" RECEPTOR "|" EMISOR "|" TOTAL "\"], %s}",
             uuid, csd);
    envelope = call("cfdi_cancel", cfdi_cancel, request);
    printf("   statusOk %s\n", ej_text(envelope, "data.statusOk", a, sizeof a));
    for (int i = 0, n = ej_count(envelope, "data.cancelaciones"); i < n; i++) {
        char path[64];
        snprintf(path, sizeof path, "data.cancelaciones.%d.uuid", i);
        ej_text(envelope, path, a, sizeof a);
        snprintf(path, sizeof path, "data.cancelaciones.%d.codigo", i);
        ej_text(envelope, path, b, sizeof b);
        snprintf(path, sizeof path, "data.cancelaciones.%d.descripcion", i);
        printf("   %s: codigo %s, %s\n", a, b, ej_text(envelope, path, c, sizeof c));
    }
    sello_free(envelope);

    /* 4. The cancellation receipt (acuse), saved next to the CFDI. */
    snprintf(request, sizeof request, "{\"uuid\": \"%s\", \"save_dir\": \"%s\"}", uuid, ej_escape(out_dir, a, sizeof a));
    envelope = call("cfdi_get_cancellation_receipt", cfdi_get_cancellation_receipt, request);
    printf("\n4. cancellation receipt: consultaOk %s, codigo %s\n", ej_text(envelope, "data.consultaOk", a, sizeof a),
           ej_text(envelope, "data.codigo", b, sizeof b));
    print_saved(envelope);
    sello_free(envelope);
    cfdi_client_free(client);
    return 0;
}
