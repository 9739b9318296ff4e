<?php

declare(strict_types=1);

// CFDI 4.0 with Prodigia / PADE (Mexico), as SAT works since 2023: stamp an XML invoice sealed by
// the service with the issuer's CSD, stamp an invoice from the integration CSV (4.0 layout), ask
// the SAT status, cancel with motivo 02, ask again.
//
//   SELLO_SANDBOX_URL=http://127.0.0.1:PORT SELLO_CSD_CER=csd.cer SELLO_CSD_KEY=csd.key \
//   SELLO_CSD_PASSWORD=... php examples/php/cfdi_stamp_query_cancel.php [OUTPUT_DIR]
//
// scripts/run-examples.sh makes a test CSD with OpenSSL (RFC EKU9003173C9). Without SELLO_CSD_*
// the example asks Prodigia to seal and cancel with the account's stored certificate
// (CERT_DEFAULT), which the sandbox's account has only when told so.

require __DIR__ . '/_bootstrap.php';

use Sello\Cfdi;
use Sello\Exception\SelloException;
use Sello\Result;
use Sello\Sello;

const EMISOR = 'EKU9003173C9';
const RECEPTOR = 'XAXX010101000';   // "público en general"
const PLUGIN_40 = 'PLUGIN_PROCESO:GENERICO_CFDI40:1.0';

/** A CFDI 4.0 as an integrator builds it: no Sello, NoCertificado or Certificado yet. */
function invoice_xml(string $fecha): string
{
    $emisor = EMISOR;
    $receptor = RECEPTOR;
    return <<<XML
    <?xml version="1.0" encoding="UTF-8"?>
    <cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" Serie="A" Folio="1003"
      Fecha="$fecha" Sello="" FormaPago="01" NoCertificado="" Certificado="" SubTotal="1000.00" Moneda="MXN"
      Total="1160.00" TipoDeComprobante="I" Exportacion="01" MetodoPago="PUE" LugarExpedicion="06000">
      <cfdi:Emisor Rfc="$emisor" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>
      <cfdi:Receptor Rfc="$receptor" Nombre="PUBLICO EN GENERAL" DomicilioFiscalReceptor="06000"
        RegimenFiscalReceptor="616" UsoCFDI="S01"/>
      <cfdi:Conceptos>
        <cfdi:Concepto ClaveProdServ="81111500" Cantidad="1" ClaveUnidad="E48" Descripcion="Desarrollo de software"
          ValorUnitario="1000.00" Importe="1000.00" ObjetoImp="02">
          <cfdi:Impuestos><cfdi:Traslados><cfdi:Traslado Base="1000.00" Impuesto="002" TipoFactor="Tasa"
            TasaOCuota="0.160000" Importe="160.00"/></cfdi:Traslados></cfdi:Impuestos>
        </cfdi:Concepto>
      </cfdi:Conceptos>
      <cfdi:Impuestos TotalImpuestosTrasladados="160.00"><cfdi:Traslados><cfdi:Traslado Base="1000.00"
        Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="160.00"/></cfdi:Traslados></cfdi:Impuestos>
    </cfdi:Comprobante>

    XML;
}

/**
 * The integration CSV, 4.0 layout (PRODIGIA_2026.md §2.5): one record per line, the fields of each
 * in the order of SAT's 4.0 XSD, empty ones kept.
 */
function invoice_csv(string $fecha): string
{
    return implode("\n", [
        "CFDI|4.0|B|2003|$fecha||03||||500.00||MXN||580.00|I|01|PUE|06000||",
        'EMIS|' . EMISOR . '|ESCUELA KEMPER URGATE|601||',
        'RECE|' . RECEPTOR . '|PUBLICO EN GENERAL|06000|||616|S01|',
        'CONC|81111500||1|E48||Soporte|500.00|500.00||02|',
        'CIMT|500.00|002|Tasa|0.160000|80.00|',
        'IMPU||80.00|',
        'IMPT|500.00|002|Tasa|0.160000|80.00',
    ]) . "\n";
}

function show(Result $result): void
{
    foreach ((array) ($result['saved_files'] ?? []) as $path) {
        echo "   saved $path\n";
    }
    foreach ($result->warnings as $warning) {
        echo "   warning {$warning['code']}: {$warning['message']}\n";
    }
}

$baseUrl = sandbox_url() . '/servicio/rest';
$out = output_dir($argv);
[$cer, $key, $password] = [getenv('SELLO_CSD_CER'), getenv('SELLO_CSD_KEY'), getenv('SELLO_CSD_PASSWORD')];
$csd = $cer && $key && $password ? ['cert_path' => $cer, 'key_path' => $key, 'keyPass' => $password] : [];
echo "Prodigia client: base_url $baseUrl, usuario pade_user, password ********, contrato PADE-CONTRATO-01\n";
try {
    $cfdi = new Cfdi(['usuario' => 'pade_user', 'password' => 'pade_pass', 'contrato' => 'PADE-CONTRATO-01', 'base_url' => $baseUrl]);
    if ($csd) {
        $info = Sello::cfdiInspectCsd(['cert_path' => $cer]);
        printf("CSD %s: RFC %s, no. %s, valid until %s\n", $cer, $info['rfc'], $info['no_certificado'], $info['not_after']);
    } else {
        echo "no SELLO_CSD_CER/KEY/PASSWORD: Prodigia's stored certificate is used (CERT_DEFAULT)\n";
    }
    // Fecha: now in Mexico City (UTC-6, no daylight saving time since 2022).
    $fecha = (new DateTimeImmutable('now', new DateTimeZone('-06:00')))->format('Y-m-d\TH:i:s');

    // 1. A CFDI 4.0 XML, sealed by Prodigia (CALCULAR_SELLO) with the issuer's CSD.
    $xml = "$out/factura-A-1003.xml";
    file_put_contents($xml, invoice_xml($fecha));
    echo "\n1. stamp factura-A-1003.xml (CFDI 4.0, Fecha $fecha Mexico City, total 1160.00 MXN), sealed by Prodigia\n";
    $request = ['xml_path' => $xml, 'prueba' => true, 'save_dir' => $out];
    $stamped = $csd
        ? $cfdi->stampXmlWithCsd($request + ['opciones' => ['CALCULAR_SELLO']] + $csd)
        : $cfdi->stampXml($request + ['opciones' => ['CALCULAR_SELLO', 'CERT_DEFAULT']]);
    $uuid = $stamped['uuid'];
    printf("   timbradoOk %s, codigo %d, UUID %s\n", var_export($stamped['timbradoOk'], true), $stamped['codigo'], $uuid);
    printf("   FechaTimbrado %s, noCertificadoSAT %s\n", $stamped['FechaTimbrado'] ?? '-', $stamped['noCertificadoSAT'] ?? '-');
    show($stamped);

    // 2. A CFDI 4.0 from the integration CSV, with the 4.0 plugin.
    echo "\n2. stamp an integration CSV in the 4.0 layout (" . PLUGIN_40 . ")\n";
    foreach (explode("\n", trim(invoice_csv($fecha))) as $line) {
        echo "   | $line\n";
    }
    $request = ['datos' => invoice_csv($fecha), 'prueba' => true, 'save_dir' => $out, 'opciones' => [PLUGIN_40, 'CALCULAR_SELLO']];
    $fromCsv = $csd ? $cfdi->processFileWithCsd($request + $csd) : $cfdi->processFile($request);
    printf("   timbradoOk %s, UUID %s\n", var_export($fromCsv['timbradoOk'], true), $fromCsv['uuid']);
    show($fromCsv);

    // 3. The SAT status of the first one.
    $query = ['uuid' => $uuid, 'rfcEmisor' => EMISOR, 'rfcReceptor' => RECEPTOR, 'total' => '1160.00'];
    $status = $cfdi->getStatus($query);
    printf("\n3. SAT status: estatusCfdi %d (%s), estado %s, %s\n", $status['estatusCfdi'], $status['estatus_text'],
        $status['estado'], $status['esCancelable']);

    // 4. Cancel it: motivo 02, "comprobante emitido con errores sin relación" (no replacement).
    echo "\n4. cancel $uuid with motivo 02\n";
    $cancelled = $cfdi->cancelWithReason(['rfcEmisor' => EMISOR, 'uuids' => ["$uuid|02|"], 'save_dir' => $out]
        + ($csd ?: ['opciones' => ['CERT_DEFAULT']]));
    foreach ($cancelled['cancelaciones'] as $one) {
        printf("   %s: %s (%s)\n", $one['uuid'], $one['status'], $one['code_name'] ?? '');
    }
    show($cancelled);

    // 5. The status again.
    $status = $cfdi->getStatus($query);
    printf("\n5. SAT status now: estatusCfdi %d (%s), estado %s\n", $status['estatusCfdi'], $status['estatus_text'], $status['estado']);
    $cfdi->close();
} catch (SelloException $e) {
    fail(($e->meta()['service'] ?? '') . '.' . ($e->meta()['operation'] ?? ''), $e);
}
