<?php

declare(strict_types=1);

namespace Sello\Exception;

/** DNS, connect, TLS, connection reset or a truncated answer. */
class TransportException extends SelloException
{
    public const KIND = 'transport';
}
