<?php

declare(strict_types=1);

// The binding from src/ (composer dump-autoload), the library from the build tree unless
// SELLO_LIB says otherwise.
require dirname(__DIR__) . '/vendor/autoload.php';

if (getenv('SELLO_LIB') === false || getenv('SELLO_LIB') === '') {
    putenv('SELLO_LIB=' . dirname(__DIR__, 3) . '/.build/release/libsello.so');
}
