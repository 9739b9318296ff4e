/* What a stamp with the issuer's CSD costs when a company stamps with the same CSD all day, for
 * `make bench` section 8 (run under callgrind against the sandbox):
 *
 *   csd_loop stamp   SANDBOX_URL CER KEY PASSWORD CALLS [DIR]   cfdi_stamp_xml_with_csd, CALLS times
 *   csd_loop inspect SANDBOX_URL CER KEY PASSWORD CALLS   cfdi_inspect_csd with the key (the full
 *                                                          check of the CSD, every time)
 *   csd_loop write   DIR COUNT FOLIO                      writes DIR/invoice-0.xml … (Folio FOLIO …)
 *
 * The XML is a CFDI 4.0 dated now in Mexico City, sealed by the service (CALCULAR_SELLO). With DIR,
 * call i stamps DIR/invoice-i.xml, a new invoice each time (written beforehand by `write`, outside
 * the measured process); without, one invoice, which the sandbox stamps once and answers the
 * repeats of as already stamped (307, the earlier stamp). Exit 1 if any envelope is not ok:true. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sello.h"

static int ok(char *envelope, const char *what) {
    int good = envelope && !strncmp(envelope, "{\"ok\":true", 10);
    if (!good) fprintf(stderr, "%s: %s\n", what, envelope ? envelope : "(NULL)");
    sello_free(envelope);
    return good;
}

/* Writes the invoice of `folio` to `path` (a template for mkstemps when `temporary`). */
static const char *write_invoice_to(char *path, int temporary, long folio) {
    char fecha[32];
    time_t now = time(NULL) - 6 * 3600; /* Mexico City: UTC-6 */
    struct tm when;
    gmtime_r(&now, &when);
    strftime(fecha, sizeof fecha, "%Y-%m-%dT%H:%M:%S", &when);
    int fd = temporary ? mkstemps(path, 4) : -1;
    FILE *f = temporary ? (fd < 0 ? NULL : fdopen(fd, "w")) : fopen(path, "w");
    if (!f) return NULL;
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<cfdi:Comprobante xmlns:cfdi=\"http://www.sat.gob.mx/cfd/4\" "
            "Version=\"4.0\" Serie=\"A\" Folio=\"%ld\" Fecha=\"%s\" FormaPago=\"01\" SubTotal=\"1000.00\" "
            "Moneda=\"MXN\" Total=\"1160.00\" TipoDeComprobante=\"I\" Exportacion=\"01\" MetodoPago=\"PUE\" "
            "LugarExpedicion=\"45079\"><cfdi:Emisor Rfc=\"EKU9003173C9\" Nombre=\"ESCUELA KEMPER URGATE\" "
            "RegimenFiscal=\"601\"/><cfdi:Receptor Rfc=\"URE180429TM6\" Nombre=\"UNIVERSIDAD ROBOTICA ESPAÑOLA\" "
            "DomicilioFiscalReceptor=\"65000\" RegimenFiscalReceptor=\"601\" UsoCFDI=\"G01\"/><cfdi:Conceptos>"
            "<cfdi:Concepto ClaveProdServ=\"84111506\" Cantidad=\"1\" ClaveUnidad=\"E48\" Descripcion=\"Servicio\" "
            "ValorUnitario=\"1000.00\" Importe=\"1000.00\" ObjetoImp=\"02\"><cfdi:Impuestos><cfdi:Traslados>"
            "<cfdi:Traslado Base=\"1000.00\" Impuesto=\"002\" TipoFactor=\"Tasa\" TasaOCuota=\"0.160000\" "
            "Importe=\"160.00\"/></cfdi:Traslados></cfdi:Impuestos></cfdi:Concepto></cfdi:Conceptos>"
            "<cfdi:Impuestos TotalImpuestosTrasladados=\"160.00\"><cfdi:Traslados><cfdi:Traslado Base=\"1000.00\" "
            "Impuesto=\"002\" TipoFactor=\"Tasa\" TasaOCuota=\"0.160000\" Importe=\"160.00\"/></cfdi:Traslados>"
            "</cfdi:Impuestos></cfdi:Comprobante>\n",
            folio, fecha);
    return fclose(f) == 0 ? path : NULL;
}

static const char *write_invoice(void) {
    static char path[] = "/tmp/sello-csd-loop-XXXXXX.xml";
    return write_invoice_to(path, 1, 1001);
}

int main(int argc, char **argv) {
    if (argc == 5 && !strcmp(argv[1], "write")) {
        char path[4096];
        for (long i = 0; i < atol(argv[3]); i++) {
            snprintf(path, sizeof path, "%s/invoice-%ld.xml", argv[2], i);
            if (!write_invoice_to(path, 0, atol(argv[4]) + i)) return 1;
        }
        return 0;
    }
    int stamp = argc >= 2 && !strcmp(argv[1], "stamp");
    if (!(argc == 7 && (stamp || !strcmp(argv[1], "inspect"))) && !(argc == 8 && stamp)) {
        fprintf(stderr, "usage: csd_loop stamp|inspect SANDBOX_URL CER KEY PASSWORD CALLS [DIR] | write DIR COUNT FOLIO\n");
        return 2;
    }
    const char *cer = argv[3], *key = argv[4], *password = argv[5];
    long calls = atol(argv[6]);
    char request[8192];
    int failures = 0;
    if (!strcmp(argv[1], "inspect")) {
        snprintf(request, sizeof request, "{\"cert_path\": \"%s\", \"key_path\": \"%s\", \"keyPass\": \"%s\"}", cer, key,
                 password);
        for (long i = 0; i < calls; i++) failures += !ok(cfdi_inspect_csd(request), "cfdi_inspect_csd");
        return failures ? 1 : 0;
    }
    char config[1024], *error = NULL;
    snprintf(config, sizeof config,
             "{\"base_url\": \"%s/servicio/rest\", \"usuario\": \"pade_user\", \"password\": \"pade_pass\", "
             "\"contrato\": \"PADE-CONTRATO-01\"}",
             argv[2]);
    cfdi_client *client = cfdi_client_new(config, &error);
    if (!client) return !ok(error, "cfdi_client_new");
    const char *dir = argc == 8 ? argv[7] : NULL;
    const char *xml = dir ? NULL : write_invoice();
    if (!dir && !xml) return 1;
    char path[1024];
    for (long i = 0; i < calls; i++) {
        if (dir) snprintf(path, sizeof path, "%s/invoice-%ld.xml", dir, i);
        snprintf(request, sizeof request,
                 "{\"xml_path\": \"%s\", \"prueba\": true, \"opciones\": [\"CALCULAR_SELLO\"], \"cert_path\": "
                 "\"%s\", \"key_path\": \"%s\", \"keyPass\": \"%s\"}",
                 dir ? path : xml, cer, key, password);
        failures += !ok(cfdi_stamp_xml_with_csd(client, request), "stamp");
    }
    cfdi_client_free(client);
    if (xml) remove(xml);
    return failures ? 1 : 0;
}
