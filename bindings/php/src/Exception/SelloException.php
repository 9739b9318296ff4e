<?php

declare(strict_types=1);

namespace Sello\Exception;

/**
 * Base class of every error the library reports (an envelope with "ok": false). One subclass
 * per error.kind; see docs/errors.md.
 *
 * getMessage() is "kind CODE [service_code]: message (field f)". getCode() is the service's own
 * number (0 when there is none); the library's stable code is errorCode().
 */
class SelloException extends \RuntimeException
{
    public const KIND = '';

    /** @var array<string, mixed> */
    private array $envelope;
    /** @var array<string, mixed> */
    private array $error;

    /** @param array<string, mixed> $envelope */
    public function __construct(array $envelope, ?\Throwable $previous = null)
    {
        $this->envelope = $envelope;
        $this->error = is_array($envelope['error'] ?? null) ? $envelope['error'] : [];
        $serviceCode = $this->serviceCode();
        $field = $this->field();
        $text = $this->kind() . ' ' . $this->errorCode()
            . ($serviceCode !== null ? " [$serviceCode]" : '') . ': ' . (string) ($this->error['message'] ?? '')
            . ($field !== null ? " (field $field)" : '');
        parent::__construct($text, $serviceCode ?? 0, $previous);
    }

    /**
     * The envelope's error.kind: invalid_argument, validation, auth, service, http, timeout,
     * transport, protocol, io, internal, cancelled.
     */
    public function kind(): string
    {
        return (string) ($this->error['kind'] ?? static::KIND);
    }

    /** The stable UPPER_SNAKE code (RUT_INVALIDO, TIMEOUT, HTTP_500...). */
    public function errorCode(): string
    {
        return (string) ($this->error['code'] ?? 'UNKNOWN');
    }

    /** The service's own number (FES errorCode, Prodigia codigo...), or null. */
    public function serviceCode(): ?int
    {
        $value = $this->error['service_code'] ?? null;
        return is_int($value) ? $value : (is_numeric($value) ? (int) $value : null);
    }

    /** The library's message, without the kind and code prefix. */
    public function errorMessage(): string
    {
        return (string) ($this->error['message'] ?? '');
    }

    /** The request or configuration field at fault, or null. */
    public function field(): ?string
    {
        $value = $this->error['field'] ?? null;
        return is_string($value) ? $value : null;
    }

    /** Whether the very same request may be sent again safely. */
    public function isRetryable(): bool
    {
        return (bool) ($this->error['retryable'] ?? false);
    }

    /** @return array<string, mixed> error.details (retry_after_ms, problems, sample, suggestions...) */
    public function details(): array
    {
        return is_array($this->error['details'] ?? null) ? $this->error['details'] : [];
    }

    /** @return array<string, mixed> the envelope's meta (service, operation, http_status, attempts, elapsed_ms) */
    public function meta(): array
    {
        return is_array($this->envelope['meta'] ?? null) ? $this->envelope['meta'] : [];
    }

    /** HTTP requests sent for the call (0: nothing was sent). */
    public function attempts(): int
    {
        return (int) ($this->meta()['attempts'] ?? 0);
    }

    public function httpStatus(): ?int
    {
        $value = $this->meta()['http_status'] ?? null;
        return is_int($value) ? $value : null;
    }

    /** The service's Retry-After in milliseconds, when it asked for a wait that was not made. */
    public function retryAfterMs(): ?int
    {
        $value = $this->details()['retry_after_ms'] ?? null;
        return is_numeric($value) ? (int) $value : null;
    }

    /** @return list<array<string, mixed>> every problem a local validation found */
    public function problems(): array
    {
        $value = $this->details()['problems'] ?? [];
        return is_array($value) ? array_values($value) : [];
    }

    /** @return array<string, mixed> the whole envelope */
    public function envelope(): array
    {
        return $this->envelope;
    }

    /**
     * The exception for an "ok": false envelope (this base class for an unknown kind).
     * @param array<string, mixed> $envelope
     */
    public static function fromEnvelope(array $envelope, ?\Throwable $previous = null): self
    {
        $kind = is_array($envelope['error'] ?? null) ? (string) ($envelope['error']['kind'] ?? '') : '';
        $class = match ($kind) {
            'invalid_argument' => InvalidArgumentException::class,
            'validation' => ValidationException::class,
            'auth' => AuthException::class,
            'service' => ServiceException::class,
            'http' => HttpException::class,
            'timeout' => TimeoutException::class,
            'transport' => TransportException::class,
            'protocol' => ProtocolException::class,
            'io' => FileException::class,
            'internal' => InternalException::class,
            'cancelled' => CancelledException::class,
            default => self::class,
        };
        return new $class($envelope, $previous);
    }

    /**
     * An error raised by the binding itself (a closed client, a request JSON cannot carry), shaped
     * like the library's.
     */
    public static function local(
        string $kind,
        string $code,
        string $message,
        string $service = '',
        string $operation = '',
        ?string $field = null,
        ?\Throwable $previous = null
    ): self {
        return self::fromEnvelope([
            'ok' => false,
            'error' => ['kind' => $kind, 'code' => $code, 'service_code' => null, 'message' => $message,
                        'field' => $field, 'retryable' => false],
            'meta' => ['service' => $service, 'operation' => $operation, 'http_status' => null, 'attempts' => 0,
                       'elapsed_ms' => 0],
        ], $previous);
    }
}
