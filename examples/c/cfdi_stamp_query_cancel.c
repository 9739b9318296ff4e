/*
 * CFDI 4.0 with Prodigia / PADE (Mexico), as SAT works since 2023: stamp an XML invoice sealed by
 * the service with the issuer's CSD, stamp an invoice from the integration CSV (4.0 layout), ask
 * the SAT status, cancel with motivo 02, ask again.
 *
 *   cc -std=c99 -I include examples/c/cfdi_stamp_query_cancel.c -L .build/release -lsello \
 *      -Wl,-rpath,$PWD/.build/release -o cfdi_stamp_query_cancel
 *   SELLO_SANDBOX_URL=http://127.0.0.1:PORT SELLO_CSD_CER=csd.cer SELLO_CSD_KEY=csd.key \
 *   SELLO_CSD_PASSWORD=... ./cfdi_stamp_query_cancel [OUTPUT_DIR]
 *
 * scripts/run-examples.sh makes a test CSD with OpenSSL (RFC EKU9003173C9). Without SELLO_CSD_*
 * the example asks Prodigia to seal and cancel with the account's stored certificate
 * (CERT_DEFAULT), which the sandbox's account has only when told so.
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
#define RECEPTOR "XAXX010101000" /* "público en general" */
#define PLUGIN_40 "PLUGIN_PROCESO:GENERICO_CFDI40:1.0"

static cfdi_client *client;
static char csd[2048];  /* the CSD request fields, or "" to use Prodigia's stored certificate */
static char text[1024];

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

static void show(const char *envelope) {
    char path[64], code[64];
    for (int i = 0, n = ej_count(envelope, "data.saved_files"); i < n; i++) {
        snprintf(path, sizeof path, "data.saved_files.%d", i);
        printf("   saved %s\n", ej_text(envelope, path, text, sizeof text));
    }
    for (int i = 0, n = ej_count(envelope, "warnings"); i < n; i++) {
        snprintf(path, sizeof path, "warnings.%d.code", i);
        ej_text(envelope, path, code, sizeof code);
        snprintf(path, sizeof path, "warnings.%d.message", i);
        printf("   warning %s: %s\n", code, ej_text(envelope, path, text, sizeof text));
    }
}

static int write_file(const char *path, const char *content) {
    FILE *file = fopen(path, "w");
    if (!file) {
        fprintf(stderr, "cannot write %s\n", path);
        return 0;
    }
    fputs(content, file);
    return fclose(file) == 0;
}

/* A CFDI 4.0 as an integrator builds it: no Sello, NoCertificado or Certificado yet. */
static void invoice_xml(char *out, size_t size, const char *fecha) {
    snprintf(out, size,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<cfdi:Comprobante xmlns:cfdi=\"http://www.sat.gob.mx/cfd/4\" Version=\"4.0\" Serie=\"A\" Folio=\"1001\"\n"
        "  Fecha=\"%s\" Sello=\"\" FormaPago=\"01\" NoCertificado=\"\" Certificado=\"\" SubTotal=\"1000.00\"\n"
        "  Moneda=\"MXN\" Total=\"1160.00\" TipoDeComprobante=\"I\" Exportacion=\"01\" MetodoPago=\"PUE\" LugarExpedicion=\"06000\">\n"
        "  <cfdi:Emisor Rfc=\"" EMISOR "\" Nombre=\"ESCUELA KEMPER URGATE\" RegimenFiscal=\"601\"/>\n"
        "  <cfdi:Receptor Rfc=\"" RECEPTOR "\" Nombre=\"PUBLICO EN GENERAL\" DomicilioFiscalReceptor=\"06000\"\n"
        "    RegimenFiscalReceptor=\"616\" UsoCFDI=\"S01\"/>\n"
        "  <cfdi:Conceptos>\n"
        "    <cfdi:Concepto ClaveProdServ=\"81111500\" Cantidad=\"1\" ClaveUnidad=\"E48\" Descripcion=\"Desarrollo de software\"\n"
        "      ValorUnitario=\"1000.00\" Importe=\"1000.00\" ObjetoImp=\"02\">\n"
        "      <cfdi:Impuestos><cfdi:Traslados><cfdi:Traslado Base=\"1000.00\" Impuesto=\"002\" TipoFactor=\"Tasa\"\n"
        "        TasaOCuota=\"0.160000\" Importe=\"160.00\"/></cfdi:Traslados></cfdi:Impuestos>\n"
        "    </cfdi:Concepto>\n"
        "  </cfdi:Conceptos>\n"
        "  <cfdi:Impuestos TotalImpuestosTrasladados=\"160.00\"><cfdi:Traslados><cfdi:Traslado Base=\"1000.00\"\n"
        "    Impuesto=\"002\" TipoFactor=\"Tasa\" TasaOCuota=\"0.160000\" Importe=\"160.00\"/></cfdi:Traslados></cfdi:Impuestos>\n"
        "</cfdi:Comprobante>\n", fecha);
}

/* The integration CSV, 4.0 layout (PRODIGIA_2026.md §2.5): one record per line, the fields of
 * each in the order of SAT's 4.0 XSD, empty ones kept. */
static void invoice_csv(char *out, size_t size, const char *fecha) {
    snprintf(out, size,
        "CFDI|4.0|B|2001|%s||03||||500.00||MXN||580.00|I|01|PUE|06000||\n"
        "EMIS|" EMISOR "|ESCUELA KEMPER URGATE|601||\n"
        "RECE|" RECEPTOR "|PUBLICO EN GENERAL|06000|||616|S01|\n"
        "CONC|81111500||1|E48||Soporte|500.00|500.00||02|\n"
        "CIMT|500.00|002|Tasa|0.160000|80.00|\n"
        "IMPU||80.00|\n"
        "IMPT|500.00|002|Tasa|0.160000|80.00\n", fecha);
}

static void print_status(const char *label, const char *uuid) {
    char request[512], a[64], b[128], c[128];
    snprintf(request, sizeof request, "{\"uuid\": \"%s\", \"rfcEmisor\": \"" EMISOR "\", \"rfcReceptor\": \"" RECEPTOR "\","
             " \"total\": \"1160.00\"}", uuid);
    char *envelope = call("cfdi_get_status", cfdi_get_status, request);
    printf("\n%s: estatusCfdi %s (%s), estado %s, %s\n", label, ej_text(envelope, "data.estatusCfdi", a, sizeof a),
           ej_text(envelope, "data.estatus_text", b, sizeof b), ej_text(envelope, "data.estado", c, sizeof c),
           ej_text(envelope, "data.esCancelable", text, sizeof text));
    sello_free(envelope);
}

int main(int argc, char **argv) {
    const char *base = getenv("SELLO_SANDBOX_URL");
    const char *cer = getenv("SELLO_CSD_CER"), *key = getenv("SELLO_CSD_KEY"), *pass = getenv("SELLO_CSD_PASSWORD");
    char out_dir[512], config[1024], request[8192], path[640], uuid[64], document[4096], fecha[32];
    char a[640], b[640], c[640];
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
    if (cer && key && pass) {
        snprintf(request, sizeof request, "{\"cert_path\": \"%s\"}", ej_escape(cer, a, sizeof a));
        envelope = cfdi_inspect_csd(request);
        printf("CSD %s: RFC %s, no. %s, valid until %s\n", cer, ej_text(envelope, "data.rfc", b, sizeof b),
               ej_text(envelope, "data.no_certificado", c, sizeof c), ej_text(envelope, "data.not_after", text, sizeof text));
        sello_free(envelope);
        snprintf(csd, sizeof csd, ", \"cert_path\": \"%s\", \"key_path\": \"%s\", \"keyPass\": \"%s\"", a,
                 ej_escape(key, b, sizeof b), ej_escape(pass, c, sizeof c));
    } else {
        printf("no SELLO_CSD_CER/KEY/PASSWORD: Prodigia's stored certificate is used (CERT_DEFAULT)\n");
    }

    /* Fecha: now in Mexico City (UTC-6, no daylight saving time since 2022). */
    time_t now = time(NULL) - 6 * 3600;
    struct tm when;
    gmtime_r(&now, &when);
    strftime(fecha, sizeof fecha, "%Y-%m-%dT%H:%M:%S", &when);

    /* 1. A CFDI 4.0 XML, sealed by Prodigia (CALCULAR_SELLO) with the issuer's CSD. */
    snprintf(path, sizeof path, "%s/factura-A-1001.xml", out_dir);
    invoice_xml(document, sizeof document, fecha);
    if (!write_file(path, document)) return 1;
    printf("\n1. stamp factura-A-1001.xml (CFDI 4.0, Fecha %s Mexico City, total 1160.00 MXN), sealed by Prodigia\n", fecha);
    snprintf(request, sizeof request, "{\"xml_path\": \"%s\", \"prueba\": true, \"save_dir\": \"%s\", \"opciones\": "
             "[\"CALCULAR_SELLO\"%s]%s}", ej_escape(path, a, sizeof a), ej_escape(out_dir, b, sizeof b),
             *csd ? "" : ", \"CERT_DEFAULT\"", csd);
    envelope = *csd ? call("cfdi_stamp_xml_with_csd", cfdi_stamp_xml_with_csd, request)
                    : call("cfdi_stamp_xml", cfdi_stamp_xml, request);
    ej_text(envelope, "data.uuid", uuid, sizeof uuid);
    printf("   timbradoOk %s, codigo %s, UUID %s\n", ej_text(envelope, "data.timbradoOk", a, sizeof a),
           ej_text(envelope, "data.codigo", b, sizeof b), uuid);
    printf("   FechaTimbrado %s, noCertificadoSAT %s\n", ej_text(envelope, "data.FechaTimbrado", a, sizeof a),
           ej_text(envelope, "data.noCertificadoSAT", b, sizeof b));
    show(envelope);
    sello_free(envelope);

    /* 2. A CFDI 4.0 from the integration CSV, with the 4.0 plugin. */
    snprintf(path, sizeof path, "%s/factura-B-2001.csv", out_dir);
    invoice_csv(document, sizeof document, fecha);
    if (!write_file(path, document)) return 1;
    printf("\n2. stamp an integration CSV in the 4.0 layout (" PLUGIN_40 ")\n");
    for (char *line = document, *end; *line; line = end + 1) {
        if (!(end = strchr(line, '\n'))) break;
        printf("   | %.*s\n", (int)(end - line), line);
    }
    snprintf(request, sizeof request, "{\"datos_path\": \"%s\", \"prueba\": true, \"save_dir\": \"%s\", \"opciones\": "
             "[\"" PLUGIN_40 "\", \"CALCULAR_SELLO\"]%s}", ej_escape(path, a, sizeof a), ej_escape(out_dir, b, sizeof b), csd);
    envelope = *csd ? call("cfdi_process_file_with_csd", cfdi_process_file_with_csd, request)
                    : call("cfdi_process_file", cfdi_process_file, request);
    printf("   timbradoOk %s, UUID %s\n", ej_text(envelope, "data.timbradoOk", a, sizeof a),
           ej_text(envelope, "data.uuid", b, sizeof b));
    show(envelope);
    sello_free(envelope);

    /* 3. The SAT status of the first one. */
    print_status("3. SAT status", uuid);

    /* 4. Cancel it: motivo 02, "comprobante emitido con errores sin relación" (no replacement). */
    printf("\n4. cancel %s with motivo 02\n", uuid);
    snprintf(request, sizeof request, "{\"rfcEmisor\": \"" EMISOR "\", \"uuids\": [\"%s|02|\"], \"save_dir\": \"%s\"%s}",
             uuid, ej_escape(out_dir, a, sizeof a), *csd ? csd : ", \"opciones\": [\"CERT_DEFAULT\"]");
    envelope = call("cfdi_cancel_with_reason", cfdi_cancel_with_reason, request);
    for (int i = 0, n = ej_count(envelope, "data.cancelaciones"); i < n; i++) {
        char member[64];
        snprintf(member, sizeof member, "data.cancelaciones.%d.uuid", i);
        ej_text(envelope, member, a, sizeof a);
        snprintf(member, sizeof member, "data.cancelaciones.%d.status", i);
        ej_text(envelope, member, b, sizeof b);
        snprintf(member, sizeof member, "data.cancelaciones.%d.code_name", i);
        printf("   %s: %s (%s)\n", a, b, ej_text(envelope, member, c, sizeof c));
    }
    show(envelope);
    sello_free(envelope);

    /* 5. The status again. */
    print_status("5. SAT status now", uuid);
    cfdi_client_free(client);
    return 0;
}
