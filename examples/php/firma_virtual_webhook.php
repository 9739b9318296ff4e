<?php

declare(strict_types=1);

// A webhook for Firma Virtual's callbacks, as a web server runs it for each POST (here PHP's
// built-in server: firma_virtual_flow.php starts `php -S 127.0.0.1:PORT firma_virtual_webhook.php`).
// A callback is not authenticated: it is confirmed with the service before anything is done.
//
// Reads SELLO_SANDBOX_URL (the service) and SELLO_WEBHOOK_LOG (where to write what it saw).

require __DIR__ . '/_bootstrap.php';

use Sello\Exception\SelloException;
use Sello\Exception\ValidationException;
use Sello\FirmaVirtual;
use Sello\Sello;

$raw = (string) file_get_contents('php://input');
$fv = new FirmaVirtual(['base_url' => sandbox_url(), 'login' => 'userapp', 'password' => 'OnePass']);
try {
    $said = Sello::fvParseCallback($raw)['sStatus'];
    $confirmed = $fv->confirmCallback($raw);      // parses it, then asks the service
} catch (ValidationException $e) {                 // not a Firma Virtual callback
    http_response_code(400);
    exit;
} catch (SelloException $e) {                     // the service could not confirm it now
    http_response_code(503);
    exit;
}
$lines = sprintf("   webhook: the callback says %s; the service confirms %s (%s, agrees: %s)\n", $said,
    $confirmed['status'], $confirmed['paid'] ? 'paid' : 'not paid yet', $confirmed['agrees'] ? 'true' : 'false');
if ($confirmed['status'] === 'FINISHED') {         // the service's word, not the callback's
    $lines .= "   webhook: contract {$confirmed['sContractID']} is finished: archive it\n";
}
file_put_contents((string) getenv('SELLO_WEBHOOK_LOG'), $lines, FILE_APPEND | LOCK_EX);
http_response_code(200);                           // answer fast
