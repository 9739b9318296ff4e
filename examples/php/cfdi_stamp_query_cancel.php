<?php

declare(strict_types=1);

// CFDI (Prodigia / PADE, Mexico): stamp a CFDI from the CSV interchange file, fetch its XML by
// UUID, cancel it with the issuer's CSD, fetch the cancellation receipt.
//
//   SELLO_SANDBOX_URL=http://127.0.0.1:PORT SELLO_CSD_CER=csd.cer SELLO_CSD_KEY=csd.key \
//   SELLO_CSD_PASSWORD=... php examples/php/cfdi_stamp_query_cancel.php [OUTPUT_DIR]
//
// Without SELLO_CSD_* the cancellation asks Prodigia for the account's default certificate
// (opciones CERT_DEFAULT), which the sandbox's account does not have until told so.

require __DIR__ . '/_bootstrap.php';

use Sello\Cfdi;
use Sello\Exception\SelloException;
use Sello\Sello;

const EMISOR = 'EKU9003173C9';
const RECEPTOR = 'XAXX010101000';
const TOTAL = '1160.00';

/** @return list<string> */
function saved(mixed $files): array
{
    return array_map(static fn ($f): string => is_array($f) ? (string) $f['path'] : (string) $f, array_values((array) $files));
}

$baseUrl = sandbox_url() . '/servicio/rest';
$out = output_dir($argv);
echo "Prodigia client: base_url $baseUrl, usuario pade_user, password ********, contrato PADE-CONTRATO-01\n";
try {
    $cfdi = new Cfdi(['usuario' => 'pade_user', 'password' => 'pade_pass', 'contrato' => 'PADE-CONTRATO-01', 'base_url' => $baseUrl]);

    // 1. The interchange file (the sandbox's documented CSV), dated five minutes ago in CDMX.
    $fecha = (new DateTimeImmutable('-5 minutes', new DateTimeZone('-06:00')))->format('Y-m-d\TH:i:s');
    $csv = "$out/factura-A-1001.csv";
    file_put_contents($csv, "CFDI|3.3|A|1001|$fecha|01|1000.00|MXN|I|PUE|06000\n"
        . 'EMISOR|' . EMISOR . "|ESCUELA KEMPER URGATE|601\n"
        . 'RECEPTOR|' . RECEPTOR . "|PUBLICO EN GENERAL|G03\n"
        . 'TOTAL|' . TOTAL . "\n");
    printf("\n1. stamp %s (serie A, folio 1001, %s, emisor %s, receptor %s, total %s MXN), prueba\n", $csv, $fecha, EMISOR, RECEPTOR, TOTAL);
    $stamped = $cfdi->processFile(['datos_path' => $csv, 'prueba' => true, 'save_dir' => $out]);
    $uuid = $stamped['uuid'];
    printf("   timbradoOk %s, codigo %d, uuid %s\n", var_export($stamped['timbradoOk'], true), $stamped['codigo'], $uuid);
    printf("   FechaTimbrado %s, noCertificadoSAT %s\n", $stamped['FechaTimbrado'] ?? '-', $stamped['noCertificadoSAT'] ?? '-');
    foreach (saved($stamped['saved_files'] ?? []) as $path) {
        echo "   saved $path\n";
    }

    // 2. The stamped XML, by UUID.
    $found = $cfdi->getByUuid(['uuid' => $uuid, 'include_xml' => true]);
    printf("\n2. query by UUID: consultaOk %s, %d characters of XML, TimbreFiscalDigital %s\n",
        var_export($found['consultaOk'], true), strlen($found['xml']), str_contains($found['xml'], 'TimbreFiscalDigital') ? 'present' : 'missing');

    // 3. Cancel it with the issuer's CSD (checked locally first), or Prodigia's default one.
    [$cer, $key, $password] = [getenv('SELLO_CSD_CER'), getenv('SELLO_CSD_KEY'), getenv('SELLO_CSD_PASSWORD')];
    if ($cer && $key && $password) {
        $info = Sello::cfdiInspectCsd(['cert_path' => $cer]);
        printf("\n3. CSD %s: RFC %s, no. %s, valid until %s\n", $cer, $info['rfc'], $info['no_certificado'], $info['not_after']);
        echo "   cancel $uuid with cert_path, key_path, keyPass ********\n";
        $csd = ['cert_path' => $cer, 'key_path' => $key, 'keyPass' => $password];
    } else {
        echo "\n3. cancel $uuid with Prodigia's default certificate (no SELLO_CSD_CER/KEY/PASSWORD)\n";
        $csd = ['opciones' => ['CERT_DEFAULT']];
    }
    $cancelled = $cfdi->cancel(['rfcEmisor' => EMISOR, 'uuids' => ["$uuid|" . RECEPTOR . '|' . EMISOR . '|' . TOTAL]] + $csd);
    printf("   statusOk %s\n", var_export($cancelled['statusOk'], true));
    foreach ($cancelled['cancelaciones'] as $one) {
        printf("   %s: codigo %d, %s\n", $one['uuid'], $one['codigo'], $one['descripcion'] ?? '');
    }

    // 4. The cancellation receipt (acuse), saved next to the CFDI.
    $receipt = $cfdi->getCancellationReceipt(['uuid' => $uuid, 'save_dir' => $out]);
    printf("\n4. cancellation receipt: consultaOk %s, codigo %d\n", var_export($receipt['consultaOk'], true), $receipt['codigo']);
    foreach (saved($receipt['saved_files'] ?? []) as $path) {
        echo "   saved $path\n";
    }
    $cfdi->close();
} catch (SelloException $e) {
    fail(($e->meta()['service'] ?? '') . '.' . ($e->meta()['operation'] ?? ''), $e);
}
