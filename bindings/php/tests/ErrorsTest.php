<?php

declare(strict_types=1);

namespace Sello\Tests;

use Sello\Exception\AuthException;
use Sello\Exception\CancelledException;
use Sello\Exception\FileException;
use Sello\Exception\HttpException;
use Sello\Exception\InternalException;
use Sello\Exception\InvalidArgumentException;
use Sello\Exception\ProtocolException;
use Sello\Exception\SelloException;
use Sello\Exception\ServiceException;
use Sello\Exception\TimeoutException;
use Sello\Exception\TransportException;
use Sello\Exception\ValidationException;
use Sello\Fes;
use Sello\Result;

/**
 * One test per exception class, each triggered for real through the library and the sandbox
 * (internal excepted: nothing in the implemented library produces it on purpose, so only its
 * mapping is checked).
 */
final class ErrorsTest extends SandboxTestCase
{
    /**
     * @template T of SelloException
     * @param class-string<T> $class
     * @return T
     */
    private function raised(string $class, array $config, array $overrides = []): SelloException
    {
        try {
            (new Fes($config))->obtainCertificate(array_merge(self::FES_REQUEST, $overrides));
        } catch (SelloException $e) {
            self::assertInstanceOf($class, $e, $e->getMessage());
            self::assertFalse($e->envelope()['ok']);
            self::assertSame($e->errorCode(), $e->envelope()['error']['code']);
            return $e;
        }
        self::fail("no $class");
    }

    public function testValidationForABadRut(): void
    {
        $e = $this->raised(ValidationException::class, $this->fesConfig(), ['rut' => '19.371.037-0']);
        self::assertSame(
            ['validation', 'RUT_INVALIDO', 106, 'rut', false, 0],
            [$e->kind(), $e->errorCode(), $e->serviceCode(), $e->field(), $e->isRetryable(), $e->attempts()]
        );
        self::assertSame([], $this->sandbox->requests());
    }

    public function testAuthForAWrongClave(): void
    {
        $e = $this->raised(AuthException::class, $this->fesConfig(['clave' => 'not-the-clave']));
        self::assertSame(
            ['auth', 'USUARIO_O_CLAVE_INVALIDO', 105, false],
            [$e->kind(), $e->errorCode(), $e->serviceCode(), $e->isRetryable()]
        );
        self::assertStringNotContainsString('not-the-clave', json_encode($e->envelope()));
    }

    public function testServiceForNoQuota(): void
    {
        $this->sandbox->fesAccount('PruebaWS', ['quota' => 0]);
        $e = $this->raised(ServiceException::class, $this->fesConfig());
        self::assertSame(
            ['service', 'SIN_CUOTA_DISPONIBLE', 104, false, 1, 200],
            [$e->kind(), $e->errorCode(), $e->serviceCode(), $e->isRetryable(), $e->attempts(), $e->httpStatus()]
        );
    }

    public function testHttpForA500(): void
    {
        $this->sandbox->fault('status', ['status' => 500, 'body' => 'html']);
        $e = $this->raised(HttpException::class, $this->fesConfig());
        $facts = [$e->kind(), $e->errorCode(), $e->isRetryable(), $e->httpStatus()];
        self::assertSame(['http', 'HTTP_500', false, 500], $facts);
        self::assertCount(1, $this->sandbox->requests());
    }

    public function testHttpCarriesRetryAfter(): void
    {
        $this->sandbox->fault('status', ['status' => 429, 'retry_after' => 30]);
        $e = $this->raised(HttpException::class, $this->fesConfig());
        self::assertSame(['RATE_LIMITED', true, 30000], [$e->errorCode(), $e->isRetryable(), $e->retryAfterMs()]);
    }

    public function testTimeoutAfterSendingIsNotRetryable(): void
    {
        $this->sandbox->fault('delay', ['ms' => 1500]);
        $e = $this->raised(TimeoutException::class, $this->fesConfig(['timeout_ms' => 300]));
        $facts = [$e->kind(), $e->errorCode(), $e->isRetryable(), $e->attempts()];
        self::assertSame(['timeout', 'TIMEOUT', false, 1], $facts);
        self::assertStringContainsString('check with the provider', $e->errorMessage());
    }

    public function testTransportForAClosedPort(): void
    {
        $config = ['base_url' => 'http://127.0.0.1:' . self::closedPort()] + self::FES_USER
            + ['retries' => ['max' => 2, 'base_delay_ms' => 1, 'max_delay_ms' => 5]];
        $e = $this->raised(TransportException::class, $config);
        $facts = [$e->kind(), $e->errorCode(), $e->isRetryable(), $e->attempts()];
        self::assertSame(['transport', 'CONNECT_FAILED', true, 0], $facts); // never sent
    }

    public function testTransportForATruncatedAnswer(): void
    {
        $this->sandbox->fault('truncate');
        $e = $this->raised(TransportException::class, $this->fesConfig());
        self::assertSame(['CONNECTION_LOST', false], [$e->errorCode(), $e->isRetryable()]);
    }

    public function testProtocolForAnInvalidBody(): void
    {
        $this->sandbox->fault('invalid_body');
        $e = $this->raised(ProtocolException::class, $this->fesConfig());
        self::assertSame(['protocol', 'INVALID_ANSWER'], [$e->kind(), $e->errorCode()]);
        self::assertNotEmpty($e->details()['sample']);
    }

    /**
     * The constructor throws what *_client_new reports (each configuration rule is tested through
     * the .so: Tests/python/test_foundation.py::test_bad_configuration_gives_an_error_envelope).
     */
    public function testInvalidArgumentForABadConfiguration(): void
    {
        try {
            new Fes(['base_url' => 'http://example.com/x'] + self::FES_USER);
            self::fail('no exception');
        } catch (InvalidArgumentException $e) {
            self::assertSame(
                ['invalid_argument', 'INSECURE_HTTP', 'base_url', 0],
                [$e->kind(), $e->errorCode(), $e->field(), $e->attempts()]
            );
        }
    }

    public function testFileErrorForSaveToInAMissingFolder(): void
    {
        $target = sys_get_temp_dir() . '/sello-missing-' . bin2hex(random_bytes(4)) . '/cert.p12';
        $e = $this->raised(FileException::class, $this->fesConfig(), ['save_to' => $target]);
        $facts = [$e->kind(), $e->errorCode(), $e->field(), $e->attempts()];
        self::assertSame(['io', 'SAVE_TO_UNWRITABLE', 'save_to', 0], $facts);
        self::assertSame([], $this->sandbox->requests());
    }

    /** @return array<string, array{string, class-string}> */
    public static function kinds(): array
    {
        return [
            'invalid_argument' => ['invalid_argument', InvalidArgumentException::class],
            'validation' => ['validation', ValidationException::class],
            'auth' => ['auth', AuthException::class],
            'service' => ['service', ServiceException::class],
            'http' => ['http', HttpException::class],
            'timeout' => ['timeout', TimeoutException::class],
            'transport' => ['transport', TransportException::class],
            'protocol' => ['protocol', ProtocolException::class],
            'io' => ['io', FileException::class],
            'internal' => ['internal', InternalException::class],
            'cancelled' => ['cancelled', CancelledException::class],
        ];
    }

    /** @dataProvider kinds */
    public function testEachKindMapsToItsClass(string $kind, string $class): void
    {
        $envelope = ['ok' => false, 'error' => ['kind' => $kind, 'code' => 'SOME_CODE', 'service_code' => 7,
            'message' => 'm', 'field' => 'f', 'retryable' => true, 'details' => ['retry_after_ms' => 5]],
            'meta' => ['service' => 'fes', 'operation' => 'x', 'http_status' => null, 'attempts' => 0]];
        try {
            Result::unwrap($envelope);
            self::fail('no exception');
        } catch (SelloException $e) {
            self::assertSame($class, $e::class);
            self::assertSame($kind, $class::KIND);
            self::assertSame(
                ['SOME_CODE', 7, 'f', true, $kind, 5, 7],
                [$e->errorCode(), $e->serviceCode(), $e->field(), $e->isRetryable(), $e->kind(), $e->retryAfterMs(),
                    $e->getCode()]
            );
            self::assertSame($envelope, $e->envelope());
        }
    }

    public function testAnUnknownKindIsTheBaseClass(): void
    {
        try {
            Result::unwrap(['ok' => false, 'error' => ['kind' => 'martian', 'code' => 'X'], 'meta' => []]);
            self::fail('no exception');
        } catch (SelloException $e) {
            self::assertSame(SelloException::class, $e::class);
        }
    }
}
