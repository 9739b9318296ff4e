<?php

declare(strict_types=1);

namespace Sello\Tests;

use Sello\Exception\InvalidArgumentException;
use Sello\Fes;
use Sello\Result;

/**
 * Sello\Fes against the sandbox: obtainCertificate through the binding, the call by name, the
 * lifecycle and callbacks. FES's rules are tested through the .so in Tests/python/test_fes.py.
 */
final class FesTest extends SandboxTestCase
{
    private const OBTAIN_PATH = '/generateFES/rest-services/public/generateFes/obtenerCertificado';

    public function testObtainCertificateReturnsTheData(): void
    {
        $fes = new Fes($this->fesConfig());
        $result = $fes->obtainCertificate(self::FES_REQUEST);
        self::assertInstanceOf(Result::class, $result);
        self::assertSame('OK', $result['estado']);
        self::assertSame(0, $result['errorCode']);
        $p12 = base64_decode($result['certificado'], true);
        self::assertNotFalse($p12);
        self::assertGreaterThan(100, strlen($p12));
        self::assertSame('19371037-9', $result['certificate_info']['rut']);
        self::assertSame([], $result->warnings);
        self::assertSame(['fes', 'obtain_certificate', 200, 1], [$result->meta['service'], $result->meta['operation'],
                          $result->httpStatus(), $result->attempts()]);
        [$received] = $this->sandbox->requests();
        self::assertSame(self::OBTAIN_PATH, $received['path']);
        self::assertSame('19371037-9', $received['json']['request']['parametro']['rut']);
        $fes->close();
    }

    public function testTheEscapeHatchCallByName(): void
    {
        $fes = new Fes($this->fesConfig());
        self::assertSame('OK', $fes->call('obtain_certificate', self::FES_REQUEST)['estado']);
        $this->expectException(\InvalidArgumentException::class);
        $fes->call('obtain_everything');
    }

    // -- lifecycle ------------------------------------------------------------------------------

    /** Sockets this process holds (the client's keep-alive connection is one of them). */
    private static function sockets(): int
    {
        $count = 0;
        foreach (glob('/proc/self/fd/*') ?: [] as $fd) {
            if (str_starts_with((string) @readlink($fd), 'socket:')) {
                $count++;
            }
        }
        return $count;
    }

    public function testCloseFreesTheHandleAndItsConnections(): void
    {
        $before = self::sockets();
        $fes = new Fes($this->fesConfig());
        $fes->obtainCertificate(self::FES_REQUEST);
        self::assertGreaterThan($before, self::sockets(), 'the connection is kept alive');
        $fes->close();
        self::assertTrue($fes->isClosed());
        self::assertSame($before, self::sockets());
        $fes->close();                                     // twice is harmless
        try {
            $fes->obtainCertificate(self::FES_REQUEST);
            self::fail('no exception');
        } catch (InvalidArgumentException $e) {
            self::assertSame('CLIENT_CLOSED', $e->errorCode());
        }
    }

    public function testTheDestructorFreesTheHandle(): void
    {
        $before = self::sockets();
        $fes = new Fes($this->fesConfig());
        $fes->obtainCertificate(self::FES_REQUEST);
        self::assertGreaterThan($before, self::sockets());
        unset($fes);
        gc_collect_cycles();
        self::assertSame($before, self::sockets());
    }

    // -- callbacks ------------------------------------------------------------------------------

    public function testTheLogCallbackReceivesRedactedLines(): void
    {
        $lines = [];
        $fes = new Fes($this->fesConfig(), onLog: function (int $level, string $message) use (&$lines): void {
            $lines[] = [$level, $message];
        }, logLevel: Fes::LOG_DEBUG);
        $fes->obtainCertificate(self::FES_REQUEST);
        $messages = array_column($lines, 1);
        self::assertNotEmpty(array_filter($messages, static fn (string $m): bool => str_contains($m, '→ POST')));
        foreach ($lines as [$level, $message]) {
            self::assertGreaterThanOrEqual(Fes::LOG_DEBUG, $level);
            self::assertLessThanOrEqual(Fes::LOG_ERROR, $level);
            self::assertStringNotContainsString(self::FES_USER['clave'], $message);
            self::assertStringNotContainsString(self::FES_REQUEST['claveCertificado'], $message);
        }
    }

    public function testTheLogLevelFiltersAndNullRemoves(): void
    {
        $lines = [];
        $collect = function (int $level, string $message) use (&$lines): void {
            $lines[] = $message;
        };
        $fes = new Fes($this->fesConfig(), onLog: $collect, logLevel: Fes::LOG_ERROR);
        $fes->obtainCertificate(self::FES_REQUEST);
        self::assertSame([], $lines);
        $fes->setLog($collect, Fes::LOG_INFO);
        $fes->obtainCertificate(self::FES_REQUEST);
        self::assertNotEmpty($lines);
        $count = count($lines);
        $fes->setLog(null);
        $fes->obtainCertificate(self::FES_REQUEST);
        self::assertCount($count, $lines);
    }

    public function testAThrowingCallbackDoesNotBreakTheCall(): void
    {
        $logged = ini_set('error_log', '/dev/null');
        try {
            $fes = new Fes($this->fesConfig(), onLog: static function (): void {
                throw new \RuntimeException('boom');
            });
            self::assertSame('OK', $fes->obtainCertificate(self::FES_REQUEST)['estado']);
        } finally {
            ini_set('error_log', (string) $logged);
        }
    }

    public function testTheProgressCallbackCanBeSetAndRemoved(): void
    {
        $calls = [];
        $fes = new Fes($this->fesConfig(), onProgress: function (int $done, int $total) use (&$calls): void {
            $calls[] = [$done, $total];
        });
        self::assertSame('OK', $fes->obtainCertificate(self::FES_REQUEST)['estado']);
        $fes->setProgress(null);
        self::assertSame('OK', $fes->obtainCertificate(self::FES_REQUEST)['estado']);
        // FES transfers no file: uploads report progress (see FirmaVirtualTest).
        foreach ($calls as [$done, $total]) {
            self::assertTrue($total === -1 || $done <= $total);
        }
    }

    public function testManyCallsOnOneClientUseOneConnection(): void
    {
        $fes = new Fes($this->fesConfig());
        for ($i = 0; $i < 20; $i++) {
            self::assertSame('OK', $fes->obtainCertificate(self::FES_REQUEST)['estado']);
        }
        $stats = array_intersect_key($this->sandbox->stats(), ['connections' => 0, 'requests' => 0]);
        self::assertSame(['connections' => 1, 'requests' => 20], $stats);
    }
}
