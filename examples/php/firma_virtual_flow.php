<?php

declare(strict_types=1);

// Firma Virtual (Chile) as integrations use it today: log in -> one call creates a contract with
// its PDF (createContractExpress) -> the service POSTs each status change to the contract's
// callback URL: a webhook on 127.0.0.1 (firma_virtual_webhook.php under PHP's built-in server)
// receives it and confirms it with the service (confirmCallback) -> detail.
//
//   SELLO_SANDBOX_URL=http://127.0.0.1:PORT php examples/php/firma_virtual_flow.php [OUTPUT_DIR]
//
// The sandbox stands in for the signers: /_sandbox/fv/advance changes the contract's status as
// their signing and paying would, and the sandbox then calls the webhook back.

require __DIR__ . '/_bootstrap.php';

use Sello\Exception\SelloException;
use Sello\FirmaVirtual;

/** A valid one-page PDF with one line of text (cross-reference offsets computed). */
function small_pdf(string $path, string $line): string
{
    $stream = "BT /F1 18 Tf 72 720 Td ($line) Tj ET";
    $objects = [
        '<< /Type /Catalog /Pages 2 0 R >>',
        '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
        '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
        '<< /Length ' . strlen($stream) . " >>\nstream\n$stream\nendstream",
        '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ];
    $pdf = "%PDF-1.4\n";
    $offsets = [];
    foreach ($objects as $i => $body) {
        $offsets[] = strlen($pdf);
        $pdf .= ($i + 1) . " 0 obj\n$body\nendobj\n";
    }
    $xref = strlen($pdf);
    $pdf .= 'xref' . "\n0 " . (count($objects) + 1) . "\n0000000000 65535 f \n";
    foreach ($offsets as $offset) {
        $pdf .= sprintf("%010d 00000 n \n", $offset);
    }
    $pdf .= 'trailer' . "\n<< /Size " . (count($objects) + 1) . " /Root 1 0 R >>\nstartxref\n$xref\n%%EOF\n";
    file_put_contents($path, $pdf);
    return $path;
}

/** PHP's built-in server running the webhook on a free loopback port; returns [process, url]. */
function start_webhook(string $log): array
{
    $socket = stream_socket_server('tcp://127.0.0.1:0');
    $name = (string) stream_socket_get_name($socket, false);
    fclose($socket);
    $port = (int) substr($name, strrpos($name, ':') + 1);
    $environment = ['SELLO_WEBHOOK_LOG' => $log] + getenv();
    // FFI outside the command line needs ffi.enable=1, or preloading (docs/php-fpm.md).
    $process = proc_open([PHP_BINARY, '-d', 'ffi.enable=1', '-S', "127.0.0.1:$port", __DIR__ . '/firma_virtual_webhook.php'],
        [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
        $pipes, __DIR__, $environment);
    for ($i = 0; $i < 200; $i++) {
        $probe = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $error, 0.1);
        if ($probe !== false) {
            fclose($probe);
            return [$process, "http://127.0.0.1:$port/webhooks/firma-virtual"];
        }
        usleep(25000);
    }
    fwrite(STDERR, "the webhook did not start\n");
    exit(1);
}

/** The sandbox's stand-in for the signers (not part of the service's API). */
function sandbox_signers(string $base, string $contract, string $status, array $fields = []): void
{
    $context = stream_context_create(['http' => ['method' => 'POST', 'header' => "Content-Type: application/json\r\n",
        'content' => json_encode(['contract' => $contract, 'status' => $status] + $fields, JSON_THROW_ON_ERROR)]]);
    if (file_get_contents("$base/_sandbox/fv/advance", false, $context) === false) {
        fwrite(STDERR, "the sandbox did not advance the contract\n");
        exit(1);
    }
}

/** Prints what the webhook wrote since the last call. */
function show_webhook(string $log): void
{
    echo (string) @file_get_contents($log);
    @unlink($log);
}

$base = sandbox_url();
$out = output_dir($argv);
$log = "$out/webhook.log";
$sent = [];
$onProgress = static function (int $done, int $total) use (&$sent): void {
    if ($total > 0 && $done === $total && !in_array($done, $sent, true)) {   // libcurl may report the end twice
        $sent[] = $done;
        echo "    sent $done of $total bytes\n";
    }
};

// Against the real service: 'environment' => 'sandbox' (test.firmavirtual.legal) instead of base_url.
echo "Firma Virtual client: base_url $base, login userapp, password ********\n";
[$webhook, $callback] = start_webhook($log);
try {
    $fv = new FirmaVirtual(['base_url' => $base, 'login' => 'userapp', 'password' => 'OnePass'], $onProgress);

    // 1. Log in: the token stays inside the client.
    $login = $fv->login();
    printf("\n1. login: authorized %s, token expires %s\n", var_export($login['authorized'], true), $login['expires_at']);
    echo "\n2. webhook listening at $callback\n";

    // 3. One call: the contract, its signer and its PDF (streamed from disk as base64).
    $pdf = small_pdf("$out/contrato.pdf", 'Contrato de arriendo');
    echo "\n3. create-contract-express: fee 1, signer Jose Cortesia (pays 100%), PDF $pdf\n";
    $created = $fv->createContractExpress([
        'sOwnerType' => 'NATURAL', 'iContractTypeFeeID' => 1, 'sContractName' => 'Arriendo depto 12 - ref 0042',
        'callback' => $callback, 'file_path' => $pdf,
        'signers' => [['full_name' => 'Jose Cortesia', 'email' => 'jose@firmavirtual.com', 'rutId' => '11.111.111-1',
                       'phone' => '9 1234 5678', 'rol' => 0, 'order' => 1, 'portion' => '100']],
    ]);
    $contract = $created['sContractID'];
    if ($contract === null) {   // the answer lost it: the contract exists, the warning says where to look
        fwrite(STDERR, 'no contract id in the answer: ' . $created->warnings[0]['message'] . "\n");
        exit(1);
    }
    echo "   contract $contract, status {$created['sStatus']}, name '{$created['sContractName']}'\n";

    // 4. The signers sign, then pay: each change comes back through the webhook.
    foreach ([['SIGNED_PENDING', []], ['FINISHED', ['sPaymentStatus' => 'PAIDOUT']]] as [$status, $fields]) {
        echo "\n4. (sandbox) the contract moves to $status\n";
        sandbox_signers($base, $contract, $status, $fields);
        show_webhook($log);
    }

    // 5. A forged callback (anyone can POST to the webhook) does not fool confirmCallback().
    $confirmed = $fv->confirmCallback(['contract' => [['sContractID' => $contract, 'sStatus' => 'REJECTED']], 'signers' => []]);
    printf("\n5. a forged callback says REJECTED; the service says %s (agrees: %s; warning %s)\n", $confirmed['status'],
        var_export($confirmed['agrees'], true), $confirmed->warnings[0]['code'] ?? 'none');

    // 6. The detail.
    $detail = $fv->getContractDetail(['ContractID' => $contract]);
    $head = $detail['contrato'][0];
    printf("\n6. detail: %s, %s, status %s, Monto %s CLP, paid %s\n", $head['sTipoContrato'], $head['sTipoFirma'],
        $head['sStatus'], $head['Monto'], var_export($head['paid'], true));
    foreach ($detail['firmantes'] as $person) {
        printf("   signer %s (%s) pays %s CLP (%s)\n", $person['full_name'], $person['RUT'], $person['totalPay'], $person['payment']);
    }
    foreach ($detail['archivos'] as $file) {
        echo "   file {$file['file_name']}\n";
    }
} catch (SelloException $e) {
    fail('fv.' . ($e->meta()['operation'] ?? 'call'), $e);
} finally {
    proc_terminate($webhook);
    proc_close($webhook);
}
