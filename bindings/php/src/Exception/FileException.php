<?php

declare(strict_types=1);

namespace Sello\Exception;

/** A local file could not be read or written (error.kind "io"). */
class FileException extends SelloException
{
    public const KIND = 'io';
}
