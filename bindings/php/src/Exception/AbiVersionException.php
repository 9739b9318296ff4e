<?php

declare(strict_types=1);

namespace Sello\Exception;

/** The library's sello_abi_version() is not the one this binding was written for. */
final class AbiVersionException extends LibraryException
{
    public function __construct(string $message, private readonly int $found, private readonly string $library)
    {
        parent::__construct($message);
    }

    public function foundVersion(): int
    {
        return $this->found;
    }

    public function library(): string
    {
        return $this->library;
    }
}
