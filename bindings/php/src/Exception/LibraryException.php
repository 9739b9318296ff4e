<?php

declare(strict_types=1);

namespace Sello\Exception;

/** libsello.so could not be found or loaded, or it is not a library this binding can use. */
class LibraryException extends \RuntimeException
{
}
