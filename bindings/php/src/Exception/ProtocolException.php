<?php

declare(strict_types=1);

namespace Sello\Exception;

/** The service answered something that is not its documented format (or too large). */
class ProtocolException extends SelloException
{
    public const KIND = 'protocol';
}
