<?php

declare(strict_types=1);

namespace Sello\Tests;

use Sello\Cfdi;
use Sello\Exception\AuthException;
use Sello\Exception\FileException;
use Sello\Exception\InvalidArgumentException;
use Sello\Exception\ServiceException;
use Sello\Exception\TimeoutException;
use Sello\Exception\ValidationException;
use Sello\Result;
use Sello\Sello;

/**
 * Sello\Cfdi and Sello::cfdiInspectCsd() against the sandbox: every cfdi_ function through the
 * binding, written to the contract of include/sello.h.
 *
 * @group cfdi
 */
final class CfdiTest extends SandboxTestCase
{
    private const EMISOR = 'EKU9003173C9';       // the "other" test CSD's RFC, the sandbox's default emisor
    private const RECEPTOR = 'XAXX010101000';
    private const PROCESS = '/servicio/rest/integracion/procesarArchivo';

    /** @var array<string, mixed> */
    private static array $certs = [];
    private static string $certDir = '';
    private string $tmp;

    public static function setUpBeforeClass(): void
    {
        self::$certDir = sys_get_temp_dir() . '/sello-php-certs-' . bin2hex(random_bytes(4));
        $command = ['python3', Sandbox::root() . '/Tests/support/make_test_certs.py', self::$certDir];
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
        $out = (string) stream_get_contents($pipes[1]);
        $err = (string) stream_get_contents($pipes[2]);
        if (proc_close($process) !== 0) {
            throw new \RuntimeException("make_test_certs.py failed: $err");
        }
        $manifest = json_decode($out, true, 512, JSON_THROW_ON_ERROR);
        self::$certs = $manifest['sat'] + ['password' => $manifest['password']];
    }

    public static function tearDownAfterClass(): void
    {
        exec('rm -rf ' . escapeshellarg(self::$certDir));
    }

    protected function setUp(): void
    {
        parent::setUp();
        $this->tmp = sys_get_temp_dir() . '/sello-php-cfdi-' . bin2hex(random_bytes(4));
        mkdir($this->tmp);
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->tmp));
    }

    private static function csv(string $folio = '123', string $total = '1160.00'): string
    {
        $fecha = (new \DateTimeImmutable('now', new \DateTimeZone('-06:00')))->modify('-5 minutes')
            ->format('Y-m-d\TH:i:s');
        return implode("\n", ["CFDI|3.3|A|$folio|$fecha|01|1000.00|MXN|I|PUE|06000",
            'EMISOR|' . self::EMISOR . '|ESCUELA KEMPER URGATE|601',
            'RECEPTOR|' . self::RECEPTOR . '|PUBLICO EN GENERAL|G03', "TOTAL|$total"]) . "\n";
    }

    /** @return array<string, string> */
    private static function csd(string $which = 'other'): array
    {
        return ['cert_path' => self::$certs[$which]['cer'], 'key_path' => self::$certs[$which]['key'],
                'keyPass' => self::$certs['password']];
    }

    /** @return list<string> */
    private static function savedPaths(mixed $saved): array
    {
        $paths = [];
        foreach ((array) $saved as $item) {
            $paths[] = is_array($item) ? (string) $item['path'] : (string) $item;
        }
        return $paths;
    }

    private function client(array $overrides = []): Cfdi
    {
        return new Cfdi($this->cfdiConfig($overrides));
    }

    private function stamp(Cfdi $cfdi, array $fields = []): Result
    {
        $result = $cfdi->processFile(['datos' => self::csv(), 'prueba' => true] + $fields);
        self::assertTrue($result['timbradoOk']);
        self::assertSame(0, $result['codigo']);
        return $result;
    }

    // -- stamping -------------------------------------------------------------------------------

    public function testProcessFile(): void
    {
        $text = self::csv();
        $result = $this->client()->processFile(['datos' => $text, 'prueba' => true]);
        self::assertTrue($result['timbradoOk']);
        self::assertSame(36, strlen($result['uuid']));
        [$received] = $this->sandbox->requests(self::PROCESS);
        self::assertSame(['PADE-CONTRATO-01'], Sandbox::query($received, 'contrato'));
        self::assertSame(['true'], Sandbox::query($received, 'prueba'));
        self::assertSame(trim($text), trim((string) base64_decode(Sandbox::query($received, 'datos')[0])));
        self::assertStringNotContainsString('pade_pass', json_encode($result->envelope));
    }

    public function testProcessFileWithXmlAndSaveDir(): void
    {
        $result = $this->stamp($this->client(), ['include_xml' => true, 'save_dir' => $this->tmp]);
        self::assertStringContainsString($result['uuid'], $result['xml']);
        $paths = self::savedPaths($result['saved_files']);
        self::assertNotEmpty($paths);
        foreach ($paths as $path) {
            self::assertFileExists($path);
        }
    }

    public function testProcessFileFromAPathAndFromBase64(): void
    {
        $cfdi = $this->client();
        file_put_contents("$this->tmp/factura.csv", self::csv());
        $fromPath = $cfdi->processFile(['datos_path' => "$this->tmp/factura.csv", 'prueba' => true]);
        self::assertTrue($fromPath['timbradoOk']);
        $fromBase64 = $cfdi->processFile(['datos_base64' => base64_encode(self::csv()), 'prueba' => false]);
        self::assertTrue($fromBase64['timbradoOk']);
    }

    public function testProcessFileOptions(): void
    {
        $cfdi = $this->client();
        $withSaldo = $cfdi->processFile(['datos' => self::csv(), 'prueba' => true, 'opciones' => ['CONSULTAR_SALDO']]);
        self::assertSame(999, $withSaldo['saldo']);
        $cfdi->processFile(['datos' => self::csv(), 'prueba' => true,
            'opciones' => ['CONSULTAR_SALDO', 'CALCULAR_SELLO'], 'opciones_base64' => true]);
        $requests = $this->sandbox->requests(self::PROCESS);
        [$sent] = Sandbox::query(end($requests), 'opciones');
        self::assertSame('CONSULTAR_SALDO|CALCULAR_SELLO', base64_decode($sent));
    }

    public function testAnotherContractIsAServiceError(): void
    {
        try {
            $this->client()->processFile(['datos' => self::csv(), 'prueba' => true, 'contrato' => 'OTRO-CONTRATO']);
            self::fail('no exception');
        } catch (ServiceException $e) {
            self::assertSame(2, $e->serviceCode());
        }
    }

    public function testAWrongPasswordIsAuthAndNeverRetried(): void
    {
        try {
            $this->client(['password' => 'wrong-pass'])->processFile(['datos' => self::csv(), 'prueba' => true]);
            self::fail('no exception');
        } catch (AuthException $e) {
            self::assertSame(1, $e->attempts());
        }
        self::assertCount(1, $this->sandbox->requests(self::PROCESS));
    }

    public function testAStampIsNeverSentTwiceAfterATimeout(): void
    {
        $this->sandbox->fault('delay', ['ms' => 1500, 'prefix' => self::PROCESS]);
        try {
            $this->client(['timeout_ms' => 400])->processFile(['datos' => self::csv(), 'prueba' => true]);
            self::fail('no exception');
        } catch (TimeoutException $e) {
            self::assertFalse($e->isRetryable());
        }
        self::assertCount(1, $this->sandbox->requests(self::PROCESS));
    }

    public function testProcessFileWithCsd(): void
    {
        $result = $this->client()->processFileWithCsd(['datos' => self::csv(), 'prueba' => true] + self::csd());
        self::assertTrue($result['timbradoOk']);
        [$received] = $this->sandbox->requests(self::PROCESS . 'ConCSD');
        self::assertNotEmpty($received['json']['certBase64']);
        self::assertStringNotContainsString(self::$certs['password'], json_encode($result->envelope));
    }

    public function testAFielIsRefusedBeforeSending(): void
    {
        try {
            $this->client()->processFileWithCsd(['datos' => self::csv(), 'prueba' => true] + self::csd('fiel'));
            self::fail('no exception');
        } catch (ValidationException $e) {
            self::assertSame(0, $e->attempts());
        }
        self::assertSame([], $this->sandbox->requests(self::PROCESS . 'ConCSD'));
    }

    // -- cancellation, receipts, queries --------------------------------------------------------

    public function testCancelThenFetchTheReceipt(): void
    {
        $cfdi = $this->client();
        $uuid = $this->stamp($cfdi)['uuid'];
        $entry = "$uuid|" . self::RECEPTOR . '|' . self::EMISOR . '|1160.00';
        $result = $cfdi->cancel(['rfcEmisor' => self::EMISOR, 'uuids' => [$entry]] + self::csd());
        self::assertTrue($result['statusOk']);
        self::assertSame(201, $result['cancelaciones'][0]['codigo']);
        self::assertNotEmpty($result['cancelaciones'][0]['descripcion']);
        $receipt = $cfdi->getCancellationReceipt(['uuid' => $uuid, 'include_xml' => true]);
        self::assertTrue($receipt['consultaOk']);
        self::assertStringContainsString('<Acuse', $receipt['xml']);
    }

    public function testCancelWithUuidObjectsAndPerUuidOutcomes(): void
    {
        $cfdi = $this->client();
        $uuid = $this->stamp($cfdi)['uuid'];
        $unknown = '11111111-2222-3333-4444-555555555555';
        $result = $cfdi->cancel(['rfcEmisor' => self::EMISOR, 'uuids' => [
            ['uuid' => $uuid, 'rfcReceptor' => self::RECEPTOR, 'rfcEmisor' => self::EMISOR, 'total' => '1160.00'],
            ['uuid' => $unknown, 'rfcReceptor' => self::RECEPTOR, 'rfcEmisor' => self::EMISOR, 'total' => '10.00'],
        ]] + self::csd());
        $codes = [];
        foreach ($result['cancelaciones'] as $one) {
            $codes[strtoupper($one['uuid'])] = $one['codigo'];
        }
        self::assertSame([strtoupper($uuid) => 201, strtoupper($unknown) => 205], $codes);
    }

    public function testCancelWithTheDefaultCertificate(): void
    {
        $cfdi = $this->client();
        $uuid = $this->stamp($cfdi)['uuid'];
        $request = ['rfcEmisor' => self::EMISOR, 'opciones' => ['CERT_DEFAULT'],
                    'uuids' => ["$uuid|" . self::RECEPTOR . '|' . self::EMISOR . '|1160.00']];
        try {
            $cfdi->cancel($request);
            self::fail('no exception');
        } catch (ServiceException $e) {
            self::assertSame(20, $e->serviceCode());
        }
        $this->sandbox->cfdiAccount('pade_user', ['has_default_cert' => true]);
        self::assertSame(201, $cfdi->cancel($request)['cancelaciones'][0]['codigo']);
    }

    public function testGetByUuid(): void
    {
        $cfdi = $this->client();
        $uuid = $this->stamp($cfdi)['uuid'];
        $result = $cfdi->getByUuid(['uuid' => $uuid, 'include_xml' => true, 'save_dir' => $this->tmp]);
        self::assertTrue($result['consultaOk']);
        self::assertStringContainsString($uuid, $result['xml']);
        try {
            $cfdi->getByUuid(['uuid' => '11111111-2222-3333-4444-555555555555']);
            self::fail('no exception');
        } catch (ServiceException $e) {
            self::assertSame(602, $e->serviceCode());
        }
    }

    public function testProcessFilesKeepsTheInputOrder(): void
    {
        $items = [];
        for ($n = 0; $n < 5; $n++) {
            $items[] = ['datos' => self::csv((string) $n), 'prueba' => true];
        }
        array_splice($items, 2, 0, [['datos' => 'not a CSV', 'prueba' => true]]);
        $result = $this->client()->processFiles(['items' => $items, 'concurrency' => 3]);
        self::assertSame([5, 1], [$result['succeeded'], $result['failed']]);
        self::assertCount(6, $result['results']);
        try {
            Sello::unwrap($result['results'][2]);
            self::fail('no exception');
        } catch (ServiceException) {
        }
        $uuids = [];
        foreach ($result['results'] as $i => $envelope) {
            if ($i !== 2) {
                $uuids[] = Sello::unwrap($envelope)['uuid'];
            }
        }
        self::assertCount(5, array_unique($uuids));
    }

    // -- inspecting a CSD -----------------------------------------------------------------------

    public function testInspectCsd(): void
    {
        $result = Sello::cfdiInspectCsd(self::csd());
        self::assertSame(self::EMISOR, $result['rfc']);
        self::assertSame(self::$certs['other']['noCertificado'], $result['no_certificado']);
        self::assertSame([true, false, true], [$result['is_csd'], $result['expired'], $result['key_matches']]);
    }

    public function testInspectCsdTellsFielExpiredAndMismatch(): void
    {
        self::assertFalse(Sello::cfdiInspectCsd(['cert_path' => self::$certs['fiel']['cer']])['is_csd']);
        self::assertTrue(Sello::cfdiInspectCsd(['cert_path' => self::$certs['expired']['cer']])['expired']);
        $mismatch = Sello::cfdiInspectCsd(['cert_path' => self::$certs['other']['cer'],
            'key_path' => self::$certs['csd']['key'], 'keyPass' => self::$certs['password']]);
        self::assertFalse($mismatch['key_matches']);
    }

    public function testInspectCsdOfAMissingFile(): void
    {
        $this->expectException(FileException::class);
        Sello::cfdiInspectCsd(['cert_path' => '/nonexistent/csd.cer']);
    }

    public function testABadConfiguration(): void
    {
        $this->expectException(InvalidArgumentException::class);
        new Cfdi(['usuario' => 'pade_user', 'password' => '', 'contrato' => 'PADE-CONTRATO-01',
            'base_url' => $this->sandbox->cfdiUrl]);
    }

    public function testLogsNeverShowThePassword(): void
    {
        $lines = [];
        $cfdi = new Cfdi($this->cfdiConfig(), null, function (int $level, string $line) use (&$lines): void {
            $lines[] = $line;
        }, Cfdi::LOG_DEBUG);
        $this->stamp($cfdi);
        self::assertNotEmpty($lines);
        foreach ($lines as $line) {
            self::assertStringNotContainsString('pade_pass', $line);
            self::assertStringNotContainsString(base64_encode('pade_user:pade_pass'), $line);
        }
    }
}
