<?php

declare(strict_types=1);

namespace Sello\Tests;

use Sello\Exception\AuthException;
use Sello\Exception\InvalidArgumentException;
use Sello\Exception\ServiceException;
use Sello\Fes;
use Sello\Result;

/** Sello\Fes against the sandbox: every path of obtainCertificate, the lifecycle and callbacks. */
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

    public function testObtainCertificateSavesTheFile(): void
    {
        $target = sys_get_temp_dir() . '/sello-php-' . bin2hex(random_bytes(4)) . '.p12';
        try {
            $result = (new Fes($this->fesConfig()))->obtainCertificate(self::FES_REQUEST + ['save_to' => $target]);
            self::assertSame($target, $result['saved_to']);
            self::assertSame(base64_decode($result['certificado']), file_get_contents($target));
            self::assertSame(0600, fileperms($target) & 0777);
        } finally {
            @unlink($target);
        }
    }

    public function testACertificateForAnotherRutIsKeptWithAWarning(): void
    {
        $this->sandbox->fault('wrong_rut_certificate', ['rut' => '11111111-1']);
        $result = (new Fes($this->fesConfig()))->obtainCertificate(self::FES_REQUEST);
        self::assertContains('CERTIFICATE_RUT_MISMATCH', $result->warningCodes());
        self::assertNotEmpty($result['certificado']);
    }

    public function testAServiceErrorCarriesItsCode(): void
    {
        $this->sandbox->fault('service_error', ['code' => 107]);
        try {
            (new Fes($this->fesConfig()))->obtainCertificate(self::FES_REQUEST);
            self::fail('no exception');
        } catch (ServiceException $e) {
            self::assertSame(
                ['ERROR_GENERARA_CERTIFICADO', 107, true, 1],
                [$e->errorCode(), $e->serviceCode(), $e->isRetryable(), $e->attempts()]
            );
        }
    }

    public function testAnUndocumentedServiceCode(): void
    {
        $this->sandbox->fault('service_error', ['code' => 999, 'message' => 'algo raro']);
        try {
            (new Fes($this->fesConfig()))->obtainCertificate(self::FES_REQUEST);
            self::fail('no exception');
        } catch (ServiceException $e) {
            self::assertSame(['FES_UNDOCUMENTED_ERROR', 999], [$e->errorCode(), $e->serviceCode()]);
        }
    }

    public function testADisabledAccountIsAuth(): void
    {
        $this->sandbox->fesAccount('PruebaWS', ['enabled' => false]);
        try {
            (new Fes($this->fesConfig()))->obtainCertificate(self::FES_REQUEST);
            self::fail('no exception');
        } catch (AuthException $e) {
            self::assertSame(['USUARIO_NO_HABILITADO', 101], [$e->errorCode(), $e->serviceCode()]);
        }
    }

    public function testRetryAfterIsHonoured(): void
    {
        $this->sandbox->fault('status', ['status' => 429, 'retry_after' => 1]);
        $started = microtime(true);
        $result = (new Fes($this->fesConfig()))->obtainCertificate(self::FES_REQUEST);
        self::assertGreaterThanOrEqual(1.0, microtime(true) - $started);
        self::assertSame(2, $result->attempts());
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
