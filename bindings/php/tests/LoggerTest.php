<?php

declare(strict_types=1);

namespace Sello\Tests;

use Sello\Cfdi;
use Sello\Exception\ValidationException;
use Sello\Fes;
use Sello\FirmaVirtual;

/** A PSR-3 logger given to the clients receives the library's lines, levels mapped, secrets masked. */
final class LoggerTest extends SandboxTestCase
{
    private const SECRETS = [self::FES_USER['clave'], self::FES_REQUEST['claveCertificado'],
        self::FV_USER['password'], self::CFDI_USER['password']];
    private const BY_UUID = '/servicio/rest/integracion/consultaCfdiPorUUID';

    private static function assertNoSecret(MemoryLogger $logger): void
    {
        foreach ($logger->records as $record) {
            foreach (self::SECRETS as $secret) {
                self::assertStringNotContainsString($secret, $record['message']);
                self::assertStringNotContainsString($secret, (string) json_encode($record['context']));
            }
        }
    }

    private static function csv(): string
    {
        $fecha = (new \DateTimeImmutable('now', new \DateTimeZone('-06:00')))->modify('-5 minutes')
            ->format('Y-m-d\TH:i:s');
        return "CFDI|3.3|A|1|$fecha|01|1000.00|MXN|I|PUE|06000\nEMISOR|EKU9003173C9|ESCUELA KEMPER URGATE|601\n"
            . "RECEPTOR|XAXX010101000|PUBLICO EN GENERAL|G03\nTOTAL|1160.00\n";
    }

    public function testTheFesRequestLinesReachTheLogger(): void
    {
        $logger = new MemoryLogger();
        $fes = new Fes($this->fesConfig(), logger: $logger);
        $fes->obtainCertificate(self::FES_REQUEST);
        $sent = array_filter($logger->messages('info'), static fn (string $m): bool => str_starts_with($m, '→ POST')
            && str_contains($m, '/obtenerCertificado'));
        $answered = array_filter($logger->messages('info'), static fn (string $m): bool =>
            str_starts_with($m, '← 200 POST /obtenerCertificado'));
        self::assertCount(1, $sent);
        self::assertCount(1, $answered);
        foreach ($logger->records as $record) {
            self::assertSame('fes', $record['context']['sello_service']);
            self::assertContains($record['context']['sello_level'], [0, 1, 2, 3]);
        }
        // What was sent carried the clave; no log line does.
        [$received] = $this->sandbox->requests();
        self::assertSame(self::FES_USER['clave'], $received['json']['request']['encabezado']['clave']);
        self::assertNoSecret($logger);
    }

    public function testLevelsAreMappedToPsr3(): void
    {
        $logger = new MemoryLogger();
        $cfdi = new Cfdi($this->cfdiConfig(), logger: $logger, logLevel: Cfdi::LOG_DEBUG);
        $uuid = $cfdi->processFile(['datos' => self::csv(), 'prueba' => true])['uuid'];
        $this->sandbox->fault('status', ['status' => 503, 'prefix' => self::BY_UUID]);
        self::assertTrue($cfdi->getByUuid(['uuid' => $uuid])['consultaOk']);     // one retry, then the answer
        try {
            $cfdi->getByUuid(['uuid' => 'not-a-uuid']);
            self::fail('no exception');
        } catch (ValidationException $e) {
            self::assertSame('uuid', $e->field());
        }
        $retries = array_filter(
            $logger->messages('warning'),
            static fn (string $m): bool => str_starts_with($m, 'retry')
        );
        $failures = array_filter($logger->messages('error'), static fn (string $m): bool =>
            str_contains($m, 'cfdi.get_by_uuid failed: validation'));
        self::assertCount(1, $retries);
        self::assertCount(1, $failures);
        self::assertNotEmpty(array_filter($logger->messages('info'), static fn (string $m): bool =>
            str_starts_with($m, '→ POST')));
        $levels = array_column($logger->records, 'level');
        self::assertSame([], array_diff($levels, ['debug', 'info', 'warning', 'error']));
        self::assertNoSecret($logger);
    }

    public function testTheLevelFiltersAndNullRemoves(): void
    {
        $logger = new MemoryLogger();
        $fes = new Fes($this->fesConfig(), logLevel: Fes::LOG_ERROR, logger: $logger);
        $fes->obtainCertificate(self::FES_REQUEST);
        self::assertSame([], $logger->records);
        $fes->setLogger($logger, Fes::LOG_INFO);
        $fes->obtainCertificate(self::FES_REQUEST);
        self::assertNotEmpty($logger->messages('info'));
        $count = count($logger->records);
        $fes->setLogger(null);
        $fes->obtainCertificate(self::FES_REQUEST);
        self::assertCount($count, $logger->records);
    }

    public function testACallbackAndALoggerBothReceiveTheLines(): void
    {
        $logger = new MemoryLogger();
        $lines = [];
        $fv = new FirmaVirtual($this->fvConfig(), onLog: function (int $level, string $message) use (&$lines): void {
            $lines[] = $message;
        }, logger: $logger);
        $fv->getUser(['IDUser' => 1]);
        self::assertNotEmpty($lines);
        self::assertSame($lines, $logger->messages());
        self::assertContains("fv: logging in as 'userapp'", $lines);
        $fv->setLog(null);                                   // the logger stays
        $fv->getUser(['IDUser' => 1]);
        self::assertGreaterThan(count($lines), count($logger->records));
        self::assertNoSecret($logger);
    }

    public function testAThrowingLoggerDoesNotBreakTheCall(): void
    {
        $logger = new class extends \Psr\Log\AbstractLogger {
            /** @param array<string, mixed> $context */
            public function log($level, $message, array $context = []): void
            {
                throw new \RuntimeException('boom');
            }
        };
        $logged = ini_set('error_log', '/dev/null');
        try {
            $fes = new Fes($this->fesConfig(), logger: $logger);
            self::assertSame('OK', $fes->obtainCertificate(self::FES_REQUEST)['estado']);
        } finally {
            ini_set('error_log', (string) $logged);
        }
    }

    public function testPsrLogIsNotNeededWithoutALogger(): void
    {
        // A fresh interpreter with only the binding's autoloader: no psr/log anywhere.
        $code = 'require ' . var_export(dirname(__DIR__) . '/vendor/autoload.php', true) . ';'
            . '$fes = new Sello\Fes(' . var_export($this->fesConfig(), true) . ');'
            . '$r = $fes->obtainCertificate(' . var_export(self::FES_REQUEST, true) . ');'
            . 'echo $r["estado"], " ", interface_exists("Psr\\\\Log\\\\LoggerInterface", false) ? "loaded" : "absent";';
        [$status, $out, $err] = self::php($code);
        self::assertSame(0, $status, $err);
        self::assertSame('OK absent', $out);
    }
}
