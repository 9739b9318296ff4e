<?php

declare(strict_types=1);

namespace Sello\Tests;

use Sello\Exception\ValidationException;
use Sello\FirmaVirtual;
use Sello\Sello;

/**
 * "Firma Virtual and FES today" through the PHP binding: FirmaVirtual::createContractExpress(),
 * FirmaVirtual::confirmCallback(), Sello::fvParseCallback() (the raw body or its array). The rules,
 * and `environment`, are tested through the .so in Tests/python/test_fv_express.py,
 * test_fv_callback.py and test_environment.py.
 *
 * @group firma-virtual
 */
final class FirmaVirtualTodayTest extends SandboxTestCase
{
    private const SIGNER = ['full_name' => 'Jose Cortesia', 'email' => 'jose@firmavirtual.com',
        'rutId' => '11.111.111-1', 'phone' => '912345678', 'portion' => '100'];
    private const PDF = "%PDF-1.4\n% sello\n%%EOF\n";
    private const EXPRESS = '/api/v1/contract/create-contract-express';

    private function client(): FirmaVirtual
    {
        return new FirmaVirtual($this->fvConfig());
    }

    private static function callbackBody(string $status, string $id = self::SEEDED_CONTRACT): array
    {
        return [
            'contract' => [['sContractID' => $id, 'sStatus' => $status, 'sContractName' => 'Prueba']],
            'signers' => [],
        ];
    }

    public function testCreateContractExpressFromAFile(): void
    {
        // tempnam() makes the file it names: the .pdf beside it is the one used, and both go.
        $reserved = tempnam(sys_get_temp_dir(), 'sello-php-');
        $path = $reserved . '.pdf';
        file_put_contents($path, self::PDF . random_bytes(70000));
        try {
            $result = $this->client()->createContractExpress(['sOwnerType' => 'NATURAL', 'iContractTypeFeeID' => 49,
                'signers' => [self::SIGNER], 'file_path' => $path, 'sContractName' => 'Venta PHP']);
            [$sent] = $this->sandbox->requests(self::EXPRESS);
            $body = json_decode($sent['body_text'], true, 512, JSON_THROW_ON_ERROR);
            self::assertSame(file_get_contents($path), base64_decode($body['document']['content_file'], true));
        } finally {
            @unlink($path);
            @unlink($reserved);
        }
        self::assertSame('CREATED', $result['sStatus']);
        self::assertSame('+56912345678', $body['signers'][0]['phone']);
        self::assertSame('11111111-1', $body['signers'][0]['rutId']);
        self::assertSame(36, strlen((string) $result['sContractID']));
    }

    public function testFvParseCallbackTakesTheRawBodyOrItsJson(): void
    {
        $raw = json_encode(self::callbackBody('FINISHED'), JSON_THROW_ON_ERROR);
        $fromText = Sello::fvParseCallback($raw);
        $fromArray = Sello::fvParseCallback(self::callbackBody('FINISHED'));
        self::assertSame($fromText->data, $fromArray->data);
        self::assertSame([self::SEEDED_CONTRACT, 'FINISHED'], [$fromText['sContractID'], $fromText['status']]);
        self::assertSame('OTHER', Sello::fvParseCallback(self::callbackBody('archivado'))['status']);
        $this->expectException(ValidationException::class);
        Sello::fvParseCallback("\xff\xfe not json");
    }

    public function testConfirmCallbackOfADeliveredCallback(): void
    {
        // A receiver on loopback in a child PHP process: it writes the body it gets to a file.
        $file = tempnam(sys_get_temp_dir(), 'sello-cb-');
        $server = stream_socket_server('tcp://127.0.0.1:0');
        $name = (string) stream_socket_get_name($server, false);
        $port = (int) substr($name, strrpos($name, ':') + 1);
        fclose($server);
        $receiver = proc_open(
            [PHP_BINARY, '-S', "127.0.0.1:$port", '-t', sys_get_temp_dir(), $this->receiverScript($file)],
            [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes
        );
        try {
            $this->waitForPort($port);
            $fv = $this->client();
            $created = $fv->createContractExpress(['sOwnerType' => 'NATURAL', 'iContractTypeFeeID' => 49,
                'signers' => [self::SIGNER], 'content_base64' => base64_encode(self::PDF),
                'callback' => "http://127.0.0.1:$port/hook"]);
            $delivery = $this->sandbox->fvAdvance((string) $created['sContractID'], 'SIGNED_PENDING')['callback'];
            self::assertSame('delivered', $delivery['result']);
            $confirmed = $fv->confirmCallback((string) file_get_contents($file));
        } finally {
            proc_terminate($receiver);
            proc_close($receiver);
            @unlink($file);
            @unlink($file . '.php');
        }
        self::assertSame(
            [$created['sContractID'], 'SIGNED_PENDING', true],
            [$confirmed['sContractID'], $confirmed['status'], $confirmed['agrees']]
        );
    }

    /** A router script for `php -S` that saves each POSTed body to $file. */
    private function receiverScript(string $file): string
    {
        $script = $file . '.php';
        file_put_contents($script, '<?php file_put_contents(' . var_export($file, true)
            . ', file_get_contents("php://input")); http_response_code(200); echo "OK";');
        return $script;
    }

    private function waitForPort(int $port): void
    {
        $deadline = microtime(true) + 10;
        while (microtime(true) < $deadline) {
            $socket = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $error, 0.2);
            if ($socket !== false) {
                fclose($socket);
                return;
            }
            usleep(50000);
        }
        self::fail("the receiver did not start on port $port");
    }
}
