<?php

declare(strict_types=1);

namespace Sello\Exception;

/** The input is unusable (not JSON, wrong type, unknown field, bad configuration). Nothing was sent. */
class InvalidArgumentException extends SelloException
{
    public const KIND = 'invalid_argument';
}
