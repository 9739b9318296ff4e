<?php

declare(strict_types=1);

namespace Sello\Exception;

/** The service rejected the credentials or the token. */
class AuthException extends SelloException
{
    public const KIND = 'auth';
}
