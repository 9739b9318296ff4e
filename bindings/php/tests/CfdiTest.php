<?php

declare(strict_types=1);

namespace Sello\Tests;

use Sello\Cfdi;
use Sello\Exception\CancelledException;
use Sello\Exception\ServiceException;
use Sello\Exception\ValidationException;
use Sello\Result;
use Sello\Sello;

/**
 * Sello\Cfdi and Sello::cfdiInspectCsd() against the sandbox: one call of every cfdi_ function
 * through the binding, written to the contract of include/sello.h, and cancelCalls() from a
 * progress callback. Prodigia's and SAT's rules are tested through the .so in Tests/python/test_cfdi*.py.
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

    public function testProcessFileWithCsd(): void
    {
        $result = $this->client()->processFileWithCsd(['datos' => self::csv(), 'prueba' => true] + self::csd());
        self::assertTrue($result['timbradoOk']);
        [$received] = $this->sandbox->requests(self::PROCESS . 'ConCSD');
        self::assertNotEmpty($received['json']['certBase64']);
        self::assertStringNotContainsString(self::$certs['password'], json_encode($result->envelope));
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

    // -- CFDI as Prodigia and SAT work today ------------------------------------------------------

    private const REST = '/servicio/rest';
    private const NAMED = 'XIQB891116QE4';   // a named receiver: above $1,000 the receiver must accept

    private static function cfdi40(string $sello = '', string $folio = '1', string $receptor = self::NAMED): string
    {
        $fecha = (new \DateTimeImmutable('now', new \DateTimeZone('-06:00')))
            ->modify('-1 minute')->format('Y-m-d\TH:i:s');
        return '<?xml version="1.0" encoding="UTF-8"?>'
            . '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" '
            . "Version=\"4.0\" Serie=\"P\" Folio=\"$folio\" Fecha=\"$fecha\" Sello=\"$sello\" "
            . 'NoCertificado="" Certificado="" '
            . 'SubTotal="1000.00" Moneda="MXN" Total="1160.00" TipoDeComprobante="I" Exportacion="01" MetodoPago="PUE" '
            . 'LugarExpedicion="06000">'
            . '<cfdi:Emisor Rfc="' . self::EMISOR . '" Nombre="ESCUELA KEMPER URGATE" RegimenFiscal="601"/>'
            . "<cfdi:Receptor Rfc=\"$receptor\" Nombre=\"CLIENTE\" DomicilioFiscalReceptor=\"36257\" "
            . 'RegimenFiscalReceptor="612" '
            . 'UsoCFDI="G03"/><cfdi:Conceptos><cfdi:Concepto ClaveProdServ="01010101" Cantidad="1" ClaveUnidad="ACT" '
            . 'Descripcion="Servicio" ValorUnitario="1000.00" Importe="1000.00" ObjetoImp="01"/>'
            . '</cfdi:Conceptos></cfdi:Comprobante>';
    }

    private static function seal(string $tag): string
    {
        return base64_encode(substr(str_repeat($tag, 256), 0, 256));
    }

    public function testStampXml(): void
    {
        $cfdi = $this->client();
        $xml = self::cfdi40(self::seal('a'));
        $result = $cfdi->stampXml(['xml' => $xml, 'save_dir' => $this->tmp]);
        self::assertTrue($result['timbradoOk']);
        self::assertSame($result['UUID'], $result['uuid']);
        self::assertSame(202, $result->httpStatus());
        self::assertSame([], $result->warningCodes());
        [$received] = $this->sandbox->requests(self::REST . '/timbrado40');
        self::assertSame($xml, $received['body_text']);
        self::assertArrayNotHasKey('accept', $received['headers']);
        self::assertSame(['REGRESAR_CON_ERROR_307_XML'], Sandbox::query($received, 'opciones'));
        self::assertSame(["$this->tmp/{$result['uuid']}.xml"], self::savedPaths($result['saved_files']));
        $again = $cfdi->stampXml(['xml' => $xml]);
        self::assertSame($result['uuid'], $again['uuid']);
        self::assertSame(['ALREADY_STAMPED'], $again->warningCodes());
        try {
            $cfdi->stampXml(['xml' => self::cfdi40('')]);
            self::fail('no exception');
        } catch (ValidationException $e) {
            self::assertSame('SELLO_MAL_FORMADO', $e->errorCode());
            self::assertSame(0, $e->attempts());
        }
    }

    public function testStampXmlWithCsd(): void
    {
        $result = $this->client()->stampXmlWithCsd(
            ['xml' => self::cfdi40(), 'opciones' => ['CALCULAR_SELLO']] + self::csd()
        );
        self::assertTrue($result['timbradoOk']);
        [$received] = $this->sandbox->requests(self::REST . '/timbrado40/timbrarCfdi');
        self::assertSame(
            ['xmlBase64', 'contrato', 'certBase64', 'keyBase64', 'keyPass', 'prueba', 'opciones'],
            array_keys($received['json'])
        );
        self::assertStringNotContainsString(self::$certs['password'], json_encode($result->envelope));
    }

    public function testCancelWithReason(): void
    {
        $cfdi = $this->client();
        $uuid = $cfdi->stampXml(['xml' => self::cfdi40(self::seal('c'))])['uuid'];
        $result = $cfdi->cancelWithReason(
            ['rfcEmisor' => self::EMISOR, 'uuids' => [['uuid' => $uuid, 'motivo' => 2]]] + self::csd()
        );
        // SAT received the request (201, `cancelled`); it waits for the receiver, as the warning says.
        self::assertSame('cancelled', $result['cancelaciones'][0]['status']);
        self::assertSame(['CANCELLATION_REQUESTED'], $result->warningCodes());
        [$received] = $this->sandbox->requests(self::REST . '/cancelacion/cancelar');
        self::assertSame(["$uuid|02|"], Sandbox::query($received, 'arregloUUID'));
        $this->sandbox->control('cfdi/receiver', ['uuid' => $uuid, 'response' => 'accept']);
        $again = $cfdi->cancelWithReason(['rfcEmisor' => self::EMISOR, 'uuids' => ["$uuid|02|"]] + self::csd());
        self::assertSame('already_cancelled', $again['cancelaciones'][0]['status']);
        try {
            $cfdi->cancelWithReason(['rfcEmisor' => self::EMISOR, 'uuids' => ["$uuid|02|$uuid"]] + self::csd());
            self::fail('no exception');
        } catch (ValidationException $e) {
            self::assertSame('FOLIO_SUSTITUCION_NO_PERMITIDO', $e->errorCode());
        }
    }

    public function testGetStatus(): void
    {
        $cfdi = $this->client();
        $uuid = $cfdi->stampXml(['xml' => self::cfdi40(self::seal('s'), '1', self::RECEPTOR)])['uuid'];
        $request = [
            'uuid' => $uuid, 'rfcEmisor' => self::EMISOR, 'rfcReceptor' => self::RECEPTOR, 'total' => '1160.00',
        ];
        $vigente = $cfdi->getStatus($request);
        self::assertSame([2, 'Vigente'], [$vigente['estatusCfdi'], $vigente['estatus_text']]);
        $cfdi->cancelWithReason(['rfcEmisor' => self::EMISOR, 'uuids' => ["$uuid|02|"]] + self::csd());
        $cancelled = $cfdi->getStatus($request);
        self::assertSame([9, 'Cancelado sin aceptación'], [$cancelled['estatusCfdi'], $cancelled['estatus_text']]);
    }

    public function testProcessFilesWithAnOperation(): void
    {
        $cfdi = $this->client();
        $uuid = $cfdi->stampXml(['xml' => self::cfdi40(self::seal('o'))])['uuid'];
        $item = ['uuid' => $uuid, 'rfcEmisor' => self::EMISOR, 'rfcReceptor' => self::NAMED, 'total' => 1160];
        $result = $cfdi->processFiles(['operation' => 'get_status', 'items' => [$item, $item]]);
        self::assertSame(2, $result['succeeded']);
        self::assertSame(2, Result::unwrap($result['results'][1])['estatusCfdi']);
    }

    /** A batch stopped from its own progress callback (as a web app does when the user leaves). */
    public function testABatchCancelledFromItsProgressCallbackKeepsWhatFinished(): void
    {
        $item = ['uuid' => '5FB2822E-396D-4725-8521-CDC4BDD20CCF', 'rfcEmisor' => self::EMISOR,
                 'rfcReceptor' => self::RECEPTOR, 'total' => '1160.00'];
        $cfdi = null;
        $reached = [];
        $cfdi = new Cfdi($this->cfdiConfig(), function (int $done, int $total) use (&$cfdi, &$reached): void {
            if ($done === 2 && $cfdi !== null) {
                $reached[] = $cfdi->cancelCalls('report');
            }
        });
        $result = $cfdi->processFiles(['operation' => 'get_status', 'concurrency' => 1, 'call_id' => 'report',
                                       'items' => array_fill(0, 5, $item)]);
        self::assertSame([1], $reached);
        self::assertSame(2, $result['succeeded']);
        $kinds = array_map(fn (array $e) => $e['ok'] ? 'ok' : $e['error']['kind'], $result['results']);
        self::assertSame(['ok', 'ok', 'cancelled', 'cancelled', 'cancelled'], $kinds);
        self::assertCount(2, $this->sandbox->requests('/servicio/rest/cancelacion/consultarEstatusComprobante'));
        self::assertSame(0, $cfdi->cancelCalls());
        try {
            $cfdi->getStatus($item + ['call_id' => 'later']);   // the client is not left cancelled
        } catch (CancelledException $e) {
            self::fail('a later call was cancelled');
        }
    }
}
