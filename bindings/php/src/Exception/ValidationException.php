<?php

declare(strict_types=1);

namespace Sello\Exception;

/** Well-formed input that breaks a rule of the service, checked locally. Nothing was sent. */
class ValidationException extends SelloException
{
    public const KIND = 'validation';
}
