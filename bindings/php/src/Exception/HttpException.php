<?php

declare(strict_types=1);

namespace Sello\Exception;

/** An HTTP status the service does not document, with no business error in the body. */
class HttpException extends SelloException
{
    public const KIND = 'http';
}
