<?php

declare(strict_types=1);

namespace Sello\Exception;

/** A business error of the service (FES estado FAIL, Prodigia codigo other than 0, Firma Virtual status error). */
class ServiceException extends SelloException
{
    public const KIND = 'service';
}
