<?php

declare(strict_types=1);

// The binding from src/ (composer dump-autoload), the library from the build tree unless
// SELLO_LIB says otherwise.
require dirname(__DIR__) . '/vendor/autoload.php';

// PSR-3 for LoggerTest: Debian's php-psr-log (`make test` installs it; Packagist is not needed).
$psrLog = stream_resolve_include_path('Psr/Log/autoload.php');
if ($psrLog === false) {
    fwrite(STDERR, "the PHP tests need psr/log: apt-get install php-psr-log (make test does it as root)\n");
    exit(1);
}
require_once $psrLog;

if (getenv('SELLO_LIB') === false || getenv('SELLO_LIB') === '') {
    putenv('SELLO_LIB=' . dirname(__DIR__, 3) . '/.build/release/libsello.so');
}
