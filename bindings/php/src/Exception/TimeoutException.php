<?php

declare(strict_types=1);

namespace Sello\Exception;

/** No complete answer in time. isRetryable() is false when the request may have reached the service. */
class TimeoutException extends SelloException
{
    public const KIND = 'timeout';
}
