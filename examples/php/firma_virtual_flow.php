<?php

declare(strict_types=1);

// Firma Virtual (Chile), the seed's process: log in -> contract types -> create a contract ->
// upload PDFs -> list and sort them -> merge -> send to the signers -> detail.
//
//   SELLO_SANDBOX_URL=http://127.0.0.1:PORT php examples/php/firma_virtual_flow.php [OUTPUT_DIR]

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

$baseUrl = sandbox_url();
$out = output_dir($argv);
$reported = false;
$onProgress = static function (int $done, int $total) use (&$reported): void {
    if ($total > 0 && $done === $total && !$reported) {
        $reported = true;
        echo "    uploaded $done of $total bytes\n";
    }
};

echo "Firma Virtual client: base_url $baseUrl, login userapp, password ********\n";
try {
    // The progress closure is kept by PHP's FFI until the end of the script: it outlives the client.
    $fv = new FirmaVirtual(['login' => 'userapp', 'password' => 'OnePass', 'base_url' => $baseUrl], $onProgress);

    // 1. Log in: the token stays inside the client.
    $login = $fv->login();
    printf("\n1. login: authorized %s, token expires %s\n", var_export($login['authorized'], true), $login['expires_at']);

    // 2. Contract types of the real-estate group.
    $types = $fv->listContractTypes(['QTYPE' => 'TYPE', 'QVALUE' => 'REAL_ESTATE']);
    printf("\n2. contract types REAL_ESTATE: %d fees, the first ones:\n", count($types));
    foreach (array_slice($types->data, 0, 3) as $fee) {
        printf("   fee %-4s %-40s %-26s %s CLP\n", $fee['iContractTypeFeeID'], $fee['sContractTypeName'], $fee['sModal'], $fee['fAmount']);
    }

    // 3. A contract: fee 28 (PROMESA DE COMPRAVENTA, notarial certification), one signer who pays.
    echo "\n3. create contract: fee 28, 1 signer (Jose Cortesia, 11111111-1, pays 100%)\n";
    [$contract, $signers] = $fv->createContract([
        'sOwnerType' => 'NATURAL', 'sPaymentStatus' => 'PENDING', 'iPaymentService' => 0, 'iContractTypeFeeID' => 28,
        'iSignedCount' => 1, 'callback' => 'https://ejemplo.cl/webhook',
        'signers' => [['full_name' => 'Jose Cortesia', 'email' => 'jose@firmavirtual.com', 'rutId' => '11111111-1',
                       'phone' => '873320311', 'type' => 'NATURAL', 'portion' => 100, 'payment' => '0.00']],
    ])->data;
    $id = $contract['sContractID'];
    printf("   contract %s, status %s, signer pays %s + IVA %s = %s CLP\n", $id, $contract['sStatus'],
        $signers[0]['payment'], $signers[0]['iva'], $signers[0]['total']);

    // 4. Two PDFs, streamed from disk.
    echo "\n4. upload documents:\n";
    foreach (['contrato' => 'Promesa de compraventa', 'anexo' => 'Anexo: inventario'] as $name => $line) {
        $pdf = small_pdf("$out/$name.pdf", $line);
        echo "   $pdf\n";
        $reported = false;
        $fv->uploadDocument(['contractID' => $id, 'file_path' => $pdf]);
    }

    // 5. List them, then put the annex first.
    $files = $fv->listFiles(['ContractID' => $id])->data;
    echo "\n5. files (as uploaded):\n";
    foreach ($files as $file) {
        echo "   {$file['document']}  orden {$file['orden']}\n";
    }
    $sorted = $fv->sortFiles(['contractID' => $id, 'file_order' => [
        ['document' => $files[1]['document'], 'ind' => 0, 'action' => 'CHANGE'],
        ['document' => $files[0]['document'], 'ind' => 1, 'action' => 'CHANGE']]])->data;
    echo "   sorted:\n";
    foreach ($sorted as $file) {
        echo "   {$file['document']}  orden {$file['orden']}\n";
    }

    // 6. Merge, 7. send the draft to the signers.
    $fv->mergeFiles(['ContractID' => $id]);
    echo "\n6. merged into one PDF\n";
    $sent = $fv->sendContract(['IDContract' => $id]);
    $details = implode(', ', array_map(static fn (array $d): string => "{$d['email']}: {$d['status_mail']}", $sent['info_detail']));
    printf("\n7. sent: %d mails sent, %d failed (%s)\n", $sent['ok_count'], $sent['fail_count'], $details);

    // 8. The detail.
    $detail = $fv->getContractDetail(['ContractID' => $id]);
    $head = $detail['contrato'][0];
    printf("\n8. detail: %s, %s, status %s, Monto %s CLP\n", $head['sTipoContrato'], $head['sTipoFirma'], $head['sStatus'], $head['Monto']);
    foreach ($detail['firmantes'] as $person) {
        printf("   signer %s (%s) pays %s CLP\n", $person['full_name'], $person['RUT'], $person['totalPay']);
    }
    foreach ($detail['archivos'] as $file) {
        echo "   file {$file['file_name']}\n";
    }
    $fv->close();
} catch (SelloException $e) {
    fail(($e->meta()['service'] ?? '') . '.' . ($e->meta()['operation'] ?? ''), $e);
}
