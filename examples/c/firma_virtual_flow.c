/*
 * Firma Virtual (Chile), the seed's process: log in -> contract types -> create a contract ->
 * upload PDFs -> list and sort them -> merge -> send to the signers -> detail.
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
    char out_dir[512], config[1024], request[2048], contract_id[64], pdf[2][640], path[128], a[256], b[256], c[256];
    char *envelope, *error = NULL;

    if (!base || !*base) {
        fprintf(stderr, "set SELLO_SANDBOX_URL=http://127.0.0.1:PORT (scripts/with-sandbox.sh starts one)\n");
        return 2;
    }
    snprintf(out_dir, sizeof out_dir, "%s", argc > 1 ? argv[1] : getenv("SELLO_EXAMPLES_OUT") ? getenv("SELLO_EXAMPLES_OUT") : "/tmp");
    mkdir(out_dir, 0700);

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

    /* 2. Contract types of the real-estate group. */
    envelope = call("fv_list_contract_types", fv_list_contract_types, "{\"QTYPE\": \"TYPE\", \"QVALUE\": \"REAL_ESTATE\"}");
    int types = ej_count(envelope, "data");
    printf("\n2. contract types REAL_ESTATE: %d fees, the first ones:\n", types);
    for (int i = 0; i < types && i < 3; i++) {
        char fee[16], amount[32];
        snprintf(path, sizeof path, "data.%d.iContractTypeFeeID", i);
        ej_text(envelope, path, fee, sizeof fee);
        snprintf(path, sizeof path, "data.%d.sContractTypeName", i);
        ej_text(envelope, path, a, sizeof a);
        snprintf(path, sizeof path, "data.%d.sModal", i);
        ej_text(envelope, path, b, sizeof b);
        snprintf(path, sizeof path, "data.%d.fAmount", i);
        ej_text(envelope, path, amount, sizeof amount);
        printf("   fee %-4s %-40s %-26s %s CLP\n", fee, a, b, amount);
    }
    sello_free(envelope);

    /* 3. A contract (fee 28: PROMESA DE COMPRAVENTA with notarial certification), one signer who pays. */
    const char *contract =
        "{\"sOwnerType\": \"NATURAL\", \"sPaymentStatus\": \"PENDING\", \"iPaymentService\": 0,"
        " \"iContractTypeFeeID\": 28, \"iSignedCount\": 1, \"callback\": \"https://ejemplo.cl/webhook\","
        " \"signers\": [{\"full_name\": \"Jose Cortesia\", \"email\": \"jose@firmavirtual.com\", \"rutId\": \"11111111-1\","
        " \"phone\": \"873320311\", \"type\": \"NATURAL\", \"portion\": 100, \"payment\": \"0.00\"}]}";
    printf("\n3. create contract: fee 28, 1 signer (Jose Cortesia, 11111111-1, pays 100%%)\n");
    envelope = call("fv_create_contract", fv_create_contract, contract);
    ej_text(envelope, "data.0.sContractID", contract_id, sizeof contract_id);
    printf("   contract %s, status %s, signer pays %s + IVA %s = %s CLP\n", contract_id,
           ej_text(envelope, "data.0.sStatus", a, sizeof a), ej_text(envelope, "data.1.0.payment", b, sizeof b),
           ej_text(envelope, "data.1.0.iva", c, sizeof c), ej_text(envelope, "data.1.0.total", text, sizeof text));
    sello_free(envelope);

    /* 4. Two PDFs, streamed from disk (progress reported). */
    printf("\n4. upload documents:\n");
    for (int i = 0; i < 2; i++) {
        snprintf(pdf[i], sizeof pdf[i], "%s/%s.pdf", out_dir, i == 0 ? "contrato" : "anexo");
        if (write_pdf(pdf[i], i == 0 ? "Promesa de compraventa" : "Anexo: inventario") != 0) {
            fprintf(stderr, "cannot write %s\n", pdf[i]);
            return 1;
        }
        printf("   %s\n", pdf[i]);
        upload_reported = 0;
        snprintf(request, sizeof request, "{\"contractID\": \"%s\", \"file_path\": \"%s\"}", contract_id,
                 ej_escape(pdf[i], text, sizeof text));
        sello_free(call("fv_upload_document", fv_upload_document, request));
    }

    /* 5. List them, then put the annex first. */
    char documents[2][256];
    snprintf(request, sizeof request, "{\"ContractID\": \"%s\"}", contract_id);
    envelope = call("fv_list_files", fv_list_files, request);
    printf("\n5. files (as uploaded):\n");
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "data.%d.document", i);
        ej_text(envelope, path, documents[i], sizeof documents[i]);
        snprintf(path, sizeof path, "data.%d.orden", i);
        printf("   %s  orden %s\n", documents[i], ej_text(envelope, path, a, sizeof a));
    }
    sello_free(envelope);
    snprintf(request, sizeof request,
             "{\"contractID\": \"%s\", \"file_order\": [{\"document\": \"%s\", \"ind\": 0, \"action\": \"CHANGE\"},"
             " {\"document\": \"%s\", \"ind\": 1, \"action\": \"CHANGE\"}]}", contract_id, documents[1], documents[0]);
    envelope = call("fv_sort_files", fv_sort_files, request);
    printf("   sorted:\n");
    for (int i = 0, n = ej_count(envelope, "data"); i < n; i++) {
        snprintf(path, sizeof path, "data.%d.document", i);
        ej_text(envelope, path, a, sizeof a);
        snprintf(path, sizeof path, "data.%d.orden", i);
        printf("   %s  orden %s\n", a, ej_text(envelope, path, b, sizeof b));
    }
    sello_free(envelope);

    /* 6. Merge, 7. send the draft to the signers. */
    snprintf(request, sizeof request, "{\"ContractID\": \"%s\"}", contract_id);
    sello_free(call("fv_merge_files", fv_merge_files, request));
    printf("\n6. merged into one PDF\n");
    snprintf(request, sizeof request, "{\"IDContract\": \"%s\"}", contract_id);
    envelope = call("fv_send_contract", fv_send_contract, request);
    printf("\n7. sent: %s mails sent, %s failed", ej_text(envelope, "data.ok_count", a, sizeof a),
           ej_text(envelope, "data.fail_count", b, sizeof b));
    printf(" (%s: %s)\n", ej_text(envelope, "data.info_detail.0.email", a, sizeof a),
           ej_text(envelope, "data.info_detail.0.status_mail", b, sizeof b));
    sello_free(envelope);

    /* 8. The detail. */
    snprintf(request, sizeof request, "{\"ContractID\": \"%s\"}", contract_id);
    envelope = call("fv_get_contract_detail", fv_get_contract_detail, request);
    printf("\n8. detail: %s, %s", ej_text(envelope, "data.contrato.0.sTipoContrato", a, sizeof a),
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
