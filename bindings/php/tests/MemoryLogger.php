<?php

declare(strict_types=1);

namespace Sello\Tests;

use Psr\Log\AbstractLogger;

/**
 * A PSR-3 logger that keeps every record, for the tests (Debian's php-psr-log provides the
 * interface). The signature fits psr/log 1, 2 and 3.
 */
final class MemoryLogger extends AbstractLogger
{
    /** @var list<array{level: string, message: string, context: array<string, mixed>}> */
    public array $records = [];

    /**
     * @param mixed $level
     * @param string|\Stringable $message
     * @param array<string, mixed> $context
     */
    public function log($level, $message, array $context = []): void
    {
        $this->records[] = ['level' => (string) $level, 'message' => (string) $message, 'context' => $context];
    }

    /** @return list<string> the messages logged at $level (all of them when null) */
    public function messages(?string $level = null): array
    {
        $records = array_filter(
            $this->records,
            static fn (array $r): bool => $level === null || $r['level'] === $level
        );
        return array_values(array_map(static fn (array $r): string => $r['message'], $records));
    }
}
