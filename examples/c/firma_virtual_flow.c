/*
 * Firma Virtual (Chile) as integrations use it today: log in -> contract types -> one call creates
 * the contract with its PDF (create-contract-express, the PDF streamed from disk as base64) ->
 * read a status callback (fv_parse_callback) and confirm it with the service
 * (fv_confirm_callback) -> detail.
 *
 *   cc -std=c99 -I include examples/c/firma_virtual_flow.c -L .build/release -lsello \
 *      -Wl,-rpath,$PWD/.build/release -o firma_virtual_flow
 *   SELLO_SANDBOX_URL=http://127.0.0.1:PORT ./firma_virtual_flow [OUTPUT_DIR]
 */
#define _POSIX_C_SOURCE 200809L
#include <sello.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "example_json.h"

static fv_client *client;
static char text[4096];

/* Reports each upload once, when it is complete (libcurl may call back several times). */
static void on_progress(void *user_data, int64_t done, int64_t total) {
    int *reported = user_data;
    if (total > 0 && done == total && !*reported) {
        *reported = 1;
        printf("    uploaded %lld of %lld bytes\n", (long long)done, (long long)total);
    }
}

/* Calls one operation; prints and exits on an error envelope. The caller frees the result. */
static char *call(const char *name, char *(*operation)(fv_client *, const char *), const char *request) {
    char *envelope = operation(client, request);
    if (!ej_is_true(envelope, "ok")) {
        ej_report_error(name, envelope);
        sello_free(envelope);
        fv_client_free(client);
        exit(1);
    }
    return envelope;
}

/* A small, valid one-page PDF (with a correct cross-reference table). */
static int write_pdf(const char *path, const char *line) {
    char body[2048], stream[256];
    long offsets[6];
    int n = 0, length;
    FILE *file;
    length = snprintf(stream, sizeof stream, "BT /F1 18 Tf 72 720 Td (%s) Tj ET", line);
    n += snprintf(body + n, sizeof body - (size_t)n, "%%PDF-1.4\n");
    offsets[1] = n;
    n += snprintf(body + n, sizeof body - (size_t)n, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    offsets[2] = n;
    n += snprintf(body + n, sizeof body - (size_t)n, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    offsets[3] = n;
    n += snprintf(body + n, sizeof body - (size_t)n,
                  "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
                  " /Resources << /Font << /F1 5 0 R >> >> >>\nendobj\n");
    offsets[4] = n;
    n += snprintf(body + n, sizeof body - (size_t)n, "4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", length, stream);
    offsets[5] = n;
    n += snprintf(body + n, sizeof body - (size_t)n, "5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n");
    long xref = n;
    n += snprintf(body + n, sizeof body - (size_t)n, "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 1; i <= 5; i++) n += snprintf(body + n, sizeof body - (size_t)n, "%010ld 00000 n \n", offsets[i]);
    n += snprintf(body + n, sizeof body - (size_t)n, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", xref);
    if (!(file = fopen(path, "wb"))) return -1;
    fwrite(body, 1, (size_t)n, file);
    return fclose(file);
}

int main(int argc, char **argv) {
    const char *base = getenv("SELLO_SANDBOX_URL");
    char out_dir[512], config[1024], request[4096], contract_id[64], pdf[640], path[128], a[256], b[256], c[256];
    char *envelope, *error = NULL;

    if (!base || !*base) {
        fprintf(stderr, "set SELLO_SANDBOX_URL=http://127.0.0.1:PORT (scripts/with-sandbox.sh starts one)\n");
        return 2;
    }
    snprintf(out_dir, sizeof out_dir, "%s", argc > 1 ? argv[1] : getenv("SELLO_EXAMPLES_OUT") ? getenv("SELLO_EXAMPLES_OUT") : "/tmp");
    mkdir(out_dir, 0700);

    /* Against the real service: {"environment": "sandbox"} (test.firmavirtual.legal) instead of base_url. */
    snprintf(config, sizeof config, "{\"base_url\": \"%s\", \"login\": \"userapp\", \"password\": \"OnePass\"}", base);
    printf("Firma Virtual client: base_url %s, login userapp, password ********\n", base);
    if (!(client = fv_client_new(config, &error))) {
        fprintf(stderr, "fv_client_new failed: %s\n", ej_text(error, "error.message", text, sizeof text));
        sello_free(error);
        return 1;
    }
    static int upload_reported;
    fv_client_set_progress(client, on_progress, &upload_reported);

    /* 1. Log in: the token stays inside the client. */
    envelope = call("fv_login", fv_login, "{}");
    printf("\n1. login: authorized %s, token expires %s\n", ej_text(envelope, "data.authorized", a, sizeof a),
           ej_text(envelope, "data.expires_at", b, sizeof b));
    sello_free(envelope);

    /* 2. Contract types with a simple signature: their fee ids depend on the account's plan. */
    envelope = call("fv_list_contract_types", fv_list_contract_types, "{\"QTYPE\": \"MODAL\", \"QVALUE\": \"SIGNATURE\"}");
    int types = ej_count(envelope, "data");
    printf("\n2. contract types with a simple signature: %d fees, the first ones:\n", types);
    for (int i = 0; i < types && i < 3; i++) {
        char fee[16], amount[32];
        snprintf(path, sizeof path, "data.%d.iContractTypeFeeID", i);
        ej_text(envelope, path, fee, sizeof fee);
        snprintf(path, sizeof path, "data.%d.sContractTypeName", i);
        ej_text(envelope, path, a, sizeof a);
        snprintf(path, sizeof path, "data.%d.fAmount", i);
        ej_text(envelope, path, amount, sizeof amount);
        printf("   fee %-4s %-40s %s CLP\n", fee, a, amount);
    }
    sello_free(envelope);

    /* 3. One call: the contract (fee 1), its signer and its PDF, streamed from disk as base64. */
    snprintf(pdf, sizeof pdf, "%s/contrato.pdf", out_dir);
    if (write_pdf(pdf, "Contrato de arriendo") != 0) {
        fprintf(stderr, "cannot write %s\n", pdf);
        return 1;
    }
    printf("\n3. create-contract-express: fee 1, signer Jose Cortesia (11.111.111-1, phone 9 1234 5678, pays 100%%),\n"
           "   PDF %s\n", pdf);
    snprintf(request, sizeof request,
             "{\"sOwnerType\": \"NATURAL\", \"iContractTypeFeeID\": 1, \"sContractName\": \"Arriendo depto 12 - ref 0042\","
             " \"callback\": \"https://ejemplo.cl/webhooks/firma-virtual\","
             " \"signers\": [{\"full_name\": \"Jose Cortesia\", \"email\": \"jose@firmavirtual.com\", \"rutId\": \"11.111.111-1\","
             " \"phone\": \"9 1234 5678\", \"rol\": 0, \"order\": 1, \"portion\": \"100\"}], \"file_path\": \"%s\"}",
             ej_escape(pdf, text, sizeof text));
    envelope = call("fv_create_contract_express", fv_create_contract_express, request);
    ej_text(envelope, "data.sContractID", contract_id, sizeof contract_id);
    printf("   contract %s, status %s, name '%s'\n", contract_id, ej_text(envelope, "data.sStatus", a, sizeof a),
           ej_text(envelope, "data.sContractName", b, sizeof b));
    sello_free(envelope);

    /* 4. Firma Virtual POSTs status changes to the contract's callback URL. A web server hands the
     *    body to the library: first as it came (a hint: anyone may post one), then confirmed. */
    char body[512], escaped[1024];
    snprintf(body, sizeof body,
             "{\"contract\":[{\"sContractID\":\"%s\",\"sStatus\":\"SIGNED_PENDING\",\"sContractName\":\"Arriendo depto 12 - ref 0042\"}],"
             "\"signers\":[{\"rutId\":\"11111111-1\",\"sign_status\":\"NOTHING\"}]}", contract_id);
    snprintf(request, sizeof request, "{\"body\": \"%s\"}", ej_escape(body, escaped, sizeof escaped));
    envelope = fv_parse_callback(request);
    if (!ej_is_true(envelope, "ok")) {
        ej_report_error("fv_parse_callback", envelope);
        return 1;
    }
    printf("\n4. a callback arrives: contract %s, sStatus %s -> status %s\n", ej_text(envelope, "data.sContractID", a, sizeof a),
           ej_text(envelope, "data.sStatus", b, sizeof b), ej_text(envelope, "data.status", c, sizeof c));
    sello_free(envelope);
    envelope = call("fv_confirm_callback", fv_confirm_callback, request);
    printf("   the service says: status %s, paid %s; the callback %s\n", ej_text(envelope, "data.status", a, sizeof a),
           ej_text(envelope, "data.paid", b, sizeof b),
           ej_is_true(envelope, "data.agrees") ? "agrees" : "does not agree: act on the service's status");
    sello_free(envelope);

    /* 5. The detail. */
    snprintf(request, sizeof request, "{\"ContractID\": \"%s\"}", contract_id);
    envelope = call("fv_get_contract_detail", fv_get_contract_detail, request);
    printf("\n5. detail: %s, %s", ej_text(envelope, "data.contrato.0.sTipoContrato", a, sizeof a),
           ej_text(envelope, "data.contrato.0.sTipoFirma", b, sizeof b));
    printf(", status %s, Monto %s CLP\n", ej_text(envelope, "data.contrato.0.sStatus", a, sizeof a),
           ej_text(envelope, "data.contrato.0.Monto", b, sizeof b));
    for (int i = 0, n = ej_count(envelope, "data.firmantes"); i < n; i++) {
        snprintf(path, sizeof path, "data.firmantes.%d.full_name", i);
        ej_text(envelope, path, a, sizeof a);
        snprintf(path, sizeof path, "data.firmantes.%d.RUT", i);
        ej_text(envelope, path, b, sizeof b);
        snprintf(path, sizeof path, "data.firmantes.%d.totalPay", i);
        printf("   signer %s (%s) pays %s CLP\n", a, b, ej_text(envelope, path, c, sizeof c));
    }
    for (int i = 0, n = ej_count(envelope, "data.archivos"); i < n; i++) {
        snprintf(path, sizeof path, "data.archivos.%d.file_name", i);
        printf("   file %s\n", ej_text(envelope, path, a, sizeof a));
    }
    sello_free(envelope);
    fv_client_free(client);
    return 0;
}
