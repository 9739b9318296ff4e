<?php

declare(strict_types=1);

namespace Sello\Exception;

/** A bug or an unimplemented operation in the library. */
class InternalException extends SelloException
{
    public const KIND = 'internal';
}
