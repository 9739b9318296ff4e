<?php

declare(strict_types=1);

namespace Sello;

use Sello\Exception\SelloException;

/**
 * The successful answer of an operation ("ok": true).
 *
 * $result->data is the operation's payload (an array; a string for a few Firma Virtual
 * operations); $result->warnings the non-fatal remarks (each kind, code, message, field);
 * $result->meta the call's facts (service, operation, http_status, attempts, elapsed_ms);
 * $result->envelope the whole JSON answer. A Result reads like its data: $result['uuid'],
 * isset($result['xml']) (false for a null member, as on the array), count($result),
 * foreach ($result as $k => $v).
 *
 * TData is the shape of data: each operation's @return (e.g. Fes::obtainCertificate() returns
 * Result<array{estado: string, ...}>) documents it for static analysers (PHPStan, Psalm).
 *
 * @template-covariant TData
 * @implements \ArrayAccess<array-key, mixed>
 * @implements \IteratorAggregate<array-key, mixed>
 */
final class Result implements \ArrayAccess, \Countable, \IteratorAggregate, \JsonSerializable
{
    /** @var TData */
    public readonly mixed $data;
    /** @var list<array<string, mixed>> */
    public readonly array $warnings;
    /** @var array<string, mixed> */
    public readonly array $meta;
    /** @var array<string, mixed> */
    public readonly array $envelope;

    /** @param array<string, mixed> $envelope */
    public function __construct(array $envelope)
    {
        $this->envelope = $envelope;
        $this->data = $envelope['data'] ?? null;
        $this->warnings = is_array($envelope['warnings'] ?? null) ? array_values($envelope['warnings']) : [];
        $this->meta = is_array($envelope['meta'] ?? null) ? $envelope['meta'] : [];
    }

    /**
     * A Result for an "ok": true envelope, or the matching SelloException subclass thrown. Useful
     * for the per-item envelopes of Cfdi::processFiles() (data['results']).
     * @param array<string, mixed> $envelope
     * @return self<mixed>
     */
    public static function unwrap(array $envelope): self
    {
        if (($envelope['ok'] ?? null) === true) {
            return new self($envelope);
        }
        throw SelloException::fromEnvelope($envelope);
    }

    public function attempts(): int
    {
        return (int) ($this->meta['attempts'] ?? 0);
    }

    public function httpStatus(): ?int
    {
        $value = $this->meta['http_status'] ?? null;
        return is_int($value) ? $value : null;
    }

    /** @return list<string> */
    public function warningCodes(): array
    {
        return array_map(static fn (array $w): string => (string) ($w['code'] ?? ''), $this->warnings);
    }

    /** isset() semantics, as on the array: false for a member whose value is null. */
    public function offsetExists(mixed $offset): bool
    {
        return is_array($this->data) && isset($this->data[$offset]);
    }

    public function offsetGet(mixed $offset): mixed
    {
        if (!is_array($this->data) || !array_key_exists($offset, $this->data)) {
            throw new \OutOfBoundsException("the result has no '$offset'");
        }
        return $this->data[$offset];
    }

    public function offsetSet(mixed $offset, mixed $value): void
    {
        throw new \LogicException('a Result is read-only');
    }

    public function offsetUnset(mixed $offset): void
    {
        throw new \LogicException('a Result is read-only');
    }

    public function count(): int
    {
        return is_array($this->data) ? count($this->data) : 0;
    }

    public function getIterator(): \ArrayIterator
    {
        return new \ArrayIterator(is_array($this->data) ? $this->data : []);
    }

    public function jsonSerialize(): mixed
    {
        return $this->envelope;
    }
}
