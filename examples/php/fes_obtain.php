<?php

declare(strict_types=1);

// FES (Certificadora del Sur, Chile): check a request, obtain a certificate and save it.
//
//   SELLO_SANDBOX_URL=http://127.0.0.1:PORT php examples/php/fes_obtain.php [OUTPUT_DIR]

require __DIR__ . '/_bootstrap.php';

use Sello\Exception\SelloException;
use Sello\Exception\TimeoutException;
use Sello\Fes;
use Sello\Sello;

$baseUrl = sandbox_url() . '/generateFES/rest-services/public/generateFes';
$out = output_dir($argv);
echo 'sello ', Sello::version(), ' (ABI ', Sello::abiVersion(), '), library ', Sello::libraryPath(), "\n";
echo "FES client: base_url $baseUrl, usuario PruebaWS, clave ********\n";

$request = [
    'rut' => '19.371.037-9', 'correo' => 'eleon@certificadoradelsur.cl', 'numeroDocumento' => '100.123.456',
    'claveCertificado' => 'Secreta123', 'duracion' => 3, 'nombreEmpresa' => 'CDS', 'comuna' => 'los angeles',
    'direccion' => 'Lautaro 867', 'giroEmpresa' => 'Otros', 'save_to' => "$out/certificado-19371037-9.p12",
];

// 1. Checked locally first: what will be sent, secrets masked by the library.
try {
    $checked = Sello::fesCheckRequest($request);
} catch (SelloException $e) {
    fail('fesCheckRequest', $e);
}
echo "\nRequest as it will be sent (secrets masked):\n";
foreach ($checked['request']['parametro'] as $name => $value) {
    printf("  %-17s %s\n", $name, $value);
}
printf("  %-17s usuario and clave from the configuration, masked\n", 'encabezado');

// 2. Obtain it: sent once; never repeated after it may have reached FES.
echo "\nobtainCertificate:\n";
try {
    $fes = new Fes(['usuario' => 'PruebaWS', 'clave' => 'bJBk9GuSJCOWLXODhniTCX7e5', 'base_url' => $baseUrl,
                    'timeout_ms' => 120000], onLog: 'log_line'); // FES's default: issuance can take a minute
    $result = $fes->obtainCertificate($request);
} catch (TimeoutException $e) {
    // Not retryable: a certificate may have been issued and the quota spent.
    fail('obtainCertificate (check with the provider before asking again)', $e);
} catch (SelloException $e) {
    fail('obtainCertificate', $e);
}

// FES cannot give the certificate again: when save_to failed (warning WRITE_FAILED) it is only in
// $result['certificado'], so store it somewhere else before anything else.
$savedTo = $result['saved_to'] ?? keep_elsewhere($result['certificado']);
echo "\nCertificate issued:\n";
printf("  estado            %s (errorCode %d)\n", $result['estado'], $result['errorCode']);
printf("  comentario        %s\n", $result['comentario']);
$info = $result['certificate_info'] ?? null; // absent when the PKCS#12 did not open (a warning says why)
if ($info !== null) {
    printf("  subject           %s\n", $info['subject']);
    printf("  rut               %s\n", $info['rut']);
    printf("  serial            %s\n", $info['serial']);
    printf("  valid             %s .. %s\n", $info['not_before'], $info['not_after']);
}
printf("  certificado       %d bytes of PKCS#12, protected by claveCertificado\n", strlen((string) base64_decode($result['certificado'])));
printf("  saved to          %s\n", $savedTo);
printf("  attempts          %d, %s ms\n", $result->attempts(), $result->meta['elapsed_ms']);
foreach ($result->warnings as $warning) {
    printf("  warning           %s: %s\n", $warning['code'], $warning['message']);
}
$fes->close();

/** Writes the certificate (mode 0600, never over another file) where save_to could not. */
function keep_elsewhere(string $certificado): string
{
    $path = sys_get_temp_dir() . '/fes-certificate-' . getmypid() . '-' . time() . '.p12';
    $old = umask(0077);
    $file = fopen($path, 'xb'); // x: fails if the file exists
    umask($old);
    if ($file === false || fwrite($file, (string) base64_decode($certificado)) === false) {
        fwrite(STDERR, "the certificate could not be saved anywhere: it is in data.certificado\n");
        exit(1);
    }
    fclose($file);
    return "$path (save_to failed: see the warning)";
}
