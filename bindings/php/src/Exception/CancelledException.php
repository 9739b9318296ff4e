<?php

declare(strict_types=1);

namespace Sello\Exception;

/**
 * The call was cancelled before it finished (error.kind "cancelled": PREFIX_client_cancel, see
 * docs/reference.md). The message says whether the request may have reached the service;
 * isRetryable() follows the operation's replay policy.
 */
class CancelledException extends SelloException
{
    public const KIND = 'cancelled';
}
