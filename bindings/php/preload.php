<?php

declare(strict_types=1);

/*
 * opcache.preload script for PHP-FPM (see docs/php-fpm.md):
 *
 *   opcache.preload      = /path/to/vendor/sello/sello/preload.php
 *   opcache.preload_user = www-data
 *   ffi.enable           = preload
 *
 * It preloads the binding's classes and makes sure the FFI definitions of libsello are in the
 * scope "SELLO" (Sello\Library then uses FFI::scope('SELLO') instead of FFI::cdef, which
 * ffi.enable=preload forbids in web requests). When ffi.preload already loaded them (the way
 * that also works with opcache.preload_user, i.e. a master running as root), nothing more is
 * done; otherwise they are loaded here with FFI::load(), the library being SELLO_LIB from the
 * master process's environment, else the package's own (lib/<os>-<machine>/libsello.so, else
 * lib/libsello.so: Sello\Library::packageLibraryPath()), else the system's libsello.so.MAJOR
 * (Sello\Library::soname(): what every install of the library provides).
 */

(static function (): void {
    $root = __DIR__;
    try {
        FFI::scope('SELLO');            // already there: ffi.preload named a header with FFI_SCOPE "SELLO"
        $scoped = true;
    } catch (FFI\Exception) {
        $scoped = false;
    }
    if (!$scoped) {
        $header = @file_get_contents("$root/build/sello.ffi.h");
        if ($header === false) {
            require_once "$root/src/HeaderGenerator.php";
            $source = @file_get_contents(dirname($root, 2) . '/include/sello.h');
            if ($source === false) {
                throw new RuntimeException(
                    "sello preload: $root/build/sello.ffi.h is missing: run bin/generate-header"
                );
            }
            $header = Sello\HeaderGenerator::generate($source);
        }
        $lib = getenv('SELLO_LIB');
        if (!is_string($lib) || $lib === '') {
            require_once "$root/src/Abi.php";
            require_once "$root/src/Library.php";
            $bundled = Sello\Library::packageLibraryPath();
            $lib = is_file($bundled) ? $bundled : Sello\Library::soname();   // what every install provides
        }
        // FFI::load() reads the scope and the library from #define lines at the top of a file.
        $file = tempnam(sys_get_temp_dir(), 'sello-ffi-');
        try {
            $defines = '#define FFI_SCOPE "SELLO"' . "\n" . '#define FFI_LIB "' . addcslashes($lib, "\"\\") . "\"\n";
            file_put_contents($file, $defines . $header);
            try {
                $loaded = FFI::load($file);
            } catch (FFI\Exception $e) {
                // PHP refuses FFI::load() when the master runs as root with opcache.preload_user.
                throw new RuntimeException('sello preload: ' . $e->getMessage() . ' Preload the definitions with '
                    . 'ffi.preload instead: bin/generate-header --scope SELLO --lib /path/to/libsello.so ... '
                    . '(docs/php-fpm.md)', 0, $e);
            }
            if ($loaded === null) {
                throw new RuntimeException("sello preload: FFI::load of libsello ($lib) failed");
            }
        } finally {
            @unlink($file);
        }
    }

    // Preload the classes (parents first, through an autoloader).
    spl_autoload_register(static function (string $class) use ($root): void {
        if (str_starts_with($class, 'Sello\\')) {
            $path = $root . '/src/' . str_replace('\\', '/', substr($class, 6)) . '.php';
            if (is_file($path)) {
                require_once $path;
            }
        }
    });
    $files = array_merge(glob("$root/src/*.php") ?: [], glob("$root/src/Exception/*.php") ?: []);
    foreach ($files as $path) {
        $class = 'Sello\\' . str_replace('/', '\\', substr($path, strlen("$root/src/"), -4));
        class_exists($class) || interface_exists($class);
    }
})();
