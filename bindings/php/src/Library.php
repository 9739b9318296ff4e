<?php

declare(strict_types=1);

namespace Sello;

use FFI;
use FFI\CData;
use Sello\Exception\AbiVersionException;
use Sello\Exception\InvalidArgumentException;
use Sello\Exception\LibraryException;
use Sello\Exception\SelloException;

/**
 * Loads libsello.so through FFI, once per process (or per request under PHP-FPM).
 *
 * 1. FFI::scope('SELLO') when the definitions were preloaded (PHP-FPM: opcache.preload with
 *    preload.php, or ffi.preload with a header made by `bin/generate-header --scope SELLO --lib ...`);
 * 2. otherwise FFI::cdef(header, library), the library from, in order: the SELLO_LIB environment
 *    variable (an explicit choice: a failure there is an error, not a fallback), the package folder
 *    (lib/<os>-<machine>/libsello.so in this package, e.g. lib/linux-x86_64/, as the composer
 *    package built by `make dist` carries it; else lib/libsello.so), then `libsello.so` from the
 *    system's library path.
 *
 * The header is build/sello.ffi.h (bin/generate-header), or SELLO_FFI_HEADER, or — in a source
 * checkout — generated from include/sello.h on the fly. A library whose sello_abi_version() is
 * not ABI_VERSION is refused.
 *
 * Every owned result (`char *`) comes back as FFI\CData; take() copies it with FFI::string() and
 * releases it with sello_free() in `finally`.
 */
final class Library
{
    /** SELLO_ABI_VERSION of include/sello.h (Abi.php is generated from it). */
    public const ABI_VERSION = Abi::ABI_VERSION;
    public const SCOPE = 'SELLO';

    private static ?FFI $ffi = null;
    private static string $path = '';
    private static string $mode = '';

    /** The FFI instance with every function of include/sello.h, loaded on first use. */
    public static function ffi(): FFI
    {
        if (self::$ffi === null) {
            self::open(null);
        }
        return self::$ffi;
    }

    /**
     * Loads the library now (optionally from an explicit path); returns the path loaded.
     * @throws LibraryException when another library is already loaded from a different path
     */
    public static function load(?string $path = null): string
    {
        if (self::$ffi !== null) {
            if ($path !== null && realpath($path) !== realpath(self::$path)) {
                throw new LibraryException('libsello is already loaded from ' . self::$path);
            }
            return self::$path;
        }
        self::open($path);
        return self::$path;
    }

    /** Where the library was loaded from. */
    public static function path(): string
    {
        self::ffi();
        return self::$path;
    }

    /** "scope" (preloaded definitions) or "cdef". */
    public static function mode(): string
    {
        self::ffi();
        return self::$mode;
    }

    /**
     * The package folder's place for a bundled library: lib/<platform>/libsello.so when the
     * package carries one for this platform, else lib/libsello.so.
     */
    public static function packageLibraryPath(): string
    {
        $folder = dirname(__DIR__) . '/lib/';
        $forPlatform = $folder . self::platform() . '/libsello.so';
        return is_file($forPlatform) ? $forPlatform : $folder . 'libsello.so';
    }

    /** This machine's platform folder name: "<os>-<machine>", e.g. "linux-x86_64", "linux-aarch64". */
    public static function platform(): string
    {
        $machine = strtolower(php_uname('m'));
        $machine = ['amd64' => 'x86_64', 'arm64' => 'aarch64'][$machine] ?? $machine;
        return strtolower(PHP_OS_FAMILY) . '-' . $machine;
    }

    /**
     * Reads an owned envelope and frees it, also when it is not valid JSON.
     * @return array<string, mixed>
     */
    public static function take(?CData $pointer): array
    {
        if ($pointer === null) {
            throw new \RuntimeException('libsello returned NULL: it could not allocate the result');
        }
        $ffi = self::ffi();
        try {
            $text = FFI::string($pointer);
        } finally {
            $ffi->sello_free($pointer);
        }
        $envelope = json_decode($text, true, 512, JSON_THROW_ON_ERROR);
        if (!is_array($envelope)) {
            throw new LibraryException('libsello returned something that is not an envelope');
        }
        return $envelope;
    }

    /**
     * A request or configuration as a JSON object; top-level nulls are left out. What JSON cannot
     * carry (text that is not UTF-8, such as Latin-1 from a legacy database; INF or NAN) is an
     * InvalidArgumentException (INVALID_JSON) naming the field, as the library names it
     * (`signers[1].email`); nothing is sent. $service and $operation go into its meta.
     * @param array<string, mixed> $request
     * @throws InvalidArgumentException
     */
    public static function encode(
        #[\SensitiveParameter] array $request,
        string $service = '',
        string $operation = ''
    ): string {
        $request = array_filter($request, static fn ($value): bool => $value !== null);
        try {
            return json_encode((object) $request, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES
                | JSON_PRESERVE_ZERO_FRACTION | JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            [$field, $message] = self::unencodable($request, '')
                ?? [null, 'the request cannot be written as JSON: ' . $e->getMessage()];
            // Not chained: the JsonException's trace holds the whole request, secrets included
            // (shown by var_dump, print_r or an error reporter when exception_ignore_args is Off).
            throw SelloException::local('invalid_argument', 'INVALID_JSON', $message, $service, $operation, $field);
        }
    }

    /**
     * The first member json_encode refuses: its path and what to do about it, or null.
     * @param array<array-key, mixed> $value
     * @return array{string, string}|null
     */
    private static function unencodable(array $value, string $path): ?array
    {
        $list = array_is_list($value);
        foreach ($value as $key => $item) {
            if (is_string($key) && preg_match('//u', $key) !== 1) {
                // The key itself cannot be printed as text: its bytes above 0x7F are shown as \xNN.
                $shown = (string) preg_replace_callback('/[\x80-\xFF]/', static fn (array $byte): string
                    => sprintf('\\x%02X', ord($byte[0])), $key);
                $where = $path === '' ? $shown : "$path.$shown";
                return [$where, "the key '$where' is not valid UTF-8 (Latin-1? convert it first: "
                    . "mb_convert_encoding(\$key, 'UTF-8', 'ISO-8859-1')); nothing was sent"];
            }
            $where = $list ? "{$path}[$key]" : ($path === '' ? (string) $key : "$path.$key");
            if (is_string($item) && preg_match('//u', $item) !== 1) {
                if (is_string($key) && self::isPath($key)) {
                    // Converted, a file name names another file, which does not exist.
                    return [$where, "'$where' is a file name that is not valid UTF-8, and the library takes "
                        . "UTF-8 paths: rename the file, or link it under a UTF-8 name (symlink()), or send its "
                        . "content instead where the operation takes it (content_base64, datos_base64, certBase64, "
                        . "keyBase64); nothing was sent"];
                }
                return [$where, "'$where' is not valid UTF-8 (Latin-1 text? convert it first: "
                    . "mb_convert_encoding(\$value, 'UTF-8', 'ISO-8859-1')); nothing was sent"];
            }
            if (is_float($item) && !is_finite($item)) {
                return [$where, "'$where' is INF or NAN, which JSON cannot carry; nothing was sent"];
            }
            if ($item !== null && !is_scalar($item) && !is_array($item) && !is_object($item)) {
                $type = get_debug_type($item);
                return [$where, "'$where' is a $type, which JSON cannot carry; nothing was sent"];
            }
            if (is_array($item) && ($found = self::unencodable($item, $where)) !== null) {
                return $found;
            }
        }
        return null;
    }

    /** Whether a member named `$key` is a file name (xml_path, save_to, ca_file…). */
    private static function isPath(string $key): bool
    {
        return str_ends_with($key, '_path') || in_array($key, ['save_to', 'save_dir', 'ca_file'], true);
    }

    private static function open(?string $explicit): void
    {
        self::checkFfi();
        if ($explicit === null) {
            $scoped = self::preloaded();
            if ($scoped !== null) {
                self::check($scoped, 'the preloaded FFI scope "' . self::SCOPE . '"');
                self::$ffi = $scoped;
                self::$path = self::mappedPath() ?? 'FFI::scope("' . self::SCOPE . '")';
                self::$mode = 'scope';
                return;
            }
        }
        $header = self::header();
        $tried = [];
        if ($explicit !== null) {
            self::use(self::cdef($header, $explicit, 'explicit path'), $explicit);
            return;
        }
        $env = getenv('SELLO_LIB');
        if (is_string($env) && $env !== '') {
            self::use(self::cdef($header, $env, 'SELLO_LIB'), $env);
            return;
        }
        $tried[] = 'SELLO_LIB: not set';
        $bundled = self::packageLibraryPath();
        if (is_file($bundled)) {
            self::use(self::cdef($header, $bundled, 'package folder'), $bundled);
            return;
        }
        $tried[] = 'package folder: neither ' . dirname(__DIR__) . '/lib/' . self::platform()
            . "/libsello.so nor $bundled exists";
        $ffi = self::system($header, $tried);
        if ($ffi === null) {
            throw new LibraryException(
                'libsello.so was not found. Looked in, in order: (1) the SELLO_LIB environment variable, '
                . '(2) the package folder, (3) the system library path (' . self::soname() . ', then libsello.so).'
                . ' Details: ' . implode('; ', $tried)
                . '. Set SELLO_LIB=/path/to/libsello.so; or use the sello-php zip from `make dist`, which carries '
                . 'it in lib/' . self::platform() . '/libsello.so (with its libsello.libs/ folder); or install it '
                . 'on the system: the libsello0 .deb or the C tarball from `make dist` (or `make install` in a '
                . 'sello checkout).'
            );
        }
        self::use($ffi, self::mappedPath() ?? 'libsello.so');
    }

    /**
     * The system library path's libsello: its soname first (all the libsello0 .deb installs; the
     * plain name is libsello-dev's link), then libsello.so; null when neither loads.
     * @param list<string> $tried what was looked at, for the message
     */
    private static function system(string $header, array &$tried): ?FFI
    {
        foreach ([self::soname(), 'libsello.so'] as $name) {
            try {
                return self::cdef($header, $name, 'system');
            } catch (LibraryException $e) {
                $tried[] = 'system: ' . $e->getMessage();
            }
        }
        return null;
    }

    /** libsello.so.MAJOR: the name programs linked against the library load it by. */
    public static function soname(): string
    {
        return 'libsello.so.' . explode('.', Abi::VERSION)[0];
    }

    /**
     * PHP's FFI extension must be loaded and switched on (ffi.enable): else a LibraryException
     * that names the setting to change, with PHP-FPM's preloading only where it applies.
     */
    private static function checkFfi(): void
    {
        if (!extension_loaded('FFI')) {
            throw new LibraryException("PHP's FFI extension is not loaded (`php -m` does not list FFI), and sello "
                . 'reaches libsello through it: add extension=ffi to php.ini (`php --ini` shows which files are '
                . 'read; Debian ships it in php8.2-common, enabled by /etc/php/8.2/mods-available/ffi.ini).');
        }
        $setting = strtolower(trim((string) ini_get('ffi.enable')));
        if (!in_array($setting, ['0', 'false', 'off', 'no', ''], true)) {
            return;                 // true, or preload (refused outside the CLI: preloaded() says so)
        }
        throw new LibraryException("PHP's FFI is switched off (ffi.enable=" . ini_get('ffi.enable') . '), and '
            . 'sello reaches libsello through it: ' . (PHP_SAPI === 'cli'
                ? 'run php with -d ffi.enable=true, or set ffi.enable=true in php.ini (`php --ini` shows which).'
                : 'set ffi.enable=preload and preload the binding (opcache.preload=<this package>/preload.php); see '
                    . self::fpmGuide() . '.'));
    }

    private static function use(FFI $ffi, string $path): void
    {
        self::$ffi = $ffi;
        self::$path = $path;
        self::$mode = 'cdef';
    }

    private static function preloaded(): ?FFI
    {
        try {
            return FFI::scope(self::SCOPE);
        } catch (FFI\Exception $e) {
            if (str_contains($e->getMessage(), 'restricted')) {
                // ffi.enable=preload outside the CLI (PHP-FPM, CGI): FFI may only be used from
                // preloaded code, and FFI::cdef is out of the question.
                throw new LibraryException('PHP refuses FFI here (' . $e->getMessage() . '). Under PHP-FPM '
                    . 'preload the binding: ffi.preload=<a header made by bin/generate-header --scope SELLO '
                    . '--lib /path/to/libsello.so> and opcache.preload=<this package>/preload.php; see '
                    . self::fpmGuide() . '. (ffi.enable=true also works, but lets any PHP code load any library.)');
            }
            return null;            // not preloaded: FFI::cdef below
        }
    }

    /**
     * Where the PHP-FPM guide is: the package's docs/php-fpm.md (the zip from `make dist` carries
     * it), a checkout's, or its name in sello's source repository.
     */
    private static function fpmGuide(): string
    {
        foreach ([dirname(__DIR__) . '/docs/php-fpm.md', dirname(__DIR__, 3) . '/docs/php-fpm.md'] as $guide) {
            if (is_file($guide)) {
                return $guide;
            }
        }
        return "docs/php-fpm.md in sello's source repository";
    }

    /** Checks the ABI version with a one-function definition first, then defines everything. */
    private static function cdef(string $header, string $library, string $where): FFI
    {
        // PHP's FFI does not say why dlopen failed (no dlerror): look at a path first.
        $isPath = str_contains($library, '/');
        $problem = match (true) {
            !$isPath => null,
            is_dir($library) => 'it is a directory, not the libsello.so file in it',
            !file_exists($library) => 'the file does not exist',
            !is_readable($library) => 'this user cannot read it: check its mode',
            !self::isElf($library) => 'it is not a shared library (no ELF header)',
            default => null,
        };
        if ($problem !== null) {
            throw new LibraryException("cannot load libsello from $where ($library): $problem");
        }
        try {
            $probe = FFI::cdef('int sello_abi_version(void);', $library);
        } catch (FFI\Exception $e) {
            if (str_starts_with($e->getMessage(), 'Failed resolving')) {
                // It loaded (so nothing it depends on is missing), but it is another library.
                throw new LibraryException("cannot load libsello from $where: $library is not libsello: "
                    . 'it has no sello_abi_version()');
            }
            throw new LibraryException("cannot load libsello from $where ($library): " . $e->getMessage()
                . ($isPath ? '. The file is there, so a library it depends on is probably missing (or it is not '
                    . "a shared library for this machine): run `ldd $library` to see which. The copy in the sello-php "
                    . 'zip needs its libsello.libs/ folder next to it; a system copy needs libcurl, OpenSSL 3 and '
                    . 'libxml2' : ''));
        }
        self::check($probe, $library);
        try {
            return FFI::cdef($header, $library);
        } catch (FFI\Exception $e) {
            throw new LibraryException("$library is not a complete libsello: " . $e->getMessage());
        }
    }

    /** Whether $path starts as an ELF file does (Linux's shared libraries); true elsewhere. */
    private static function isElf(string $path): bool
    {
        if (PHP_OS_FAMILY !== 'Linux') {
            return true;
        }
        $handle = @fopen($path, 'rb');
        if ($handle === false) {
            return true;        // dlopen will say what is wrong
        }
        $magic = fread($handle, 4);
        fclose($handle);
        return $magic === "\x7fELF";
    }

    private static function check(FFI $ffi, string $what): void
    {
        $found = (int) $ffi->sello_abi_version();
        if ($found !== self::ABI_VERSION) {
            throw new AbiVersionException(
                "$what has ABI version $found, but this binding (sello " . Abi::VERSION . ') knows only ABI version '
                . self::ABI_VERSION . ': install the matching libsello or the matching binding',
                $found,
                $what
            );
        }
    }

    private static function header(): string
    {
        $candidates = [];
        $env = getenv('SELLO_FFI_HEADER');
        if (is_string($env) && $env !== '') {
            $candidates[] = $env;
        }
        $candidates[] = dirname(__DIR__) . '/build/sello.ffi.h';
        foreach ($candidates as $candidate) {
            if (is_file($candidate)) {
                $text = file_get_contents($candidate);
                if ($text !== false) {
                    return $text;
                }
            }
        }
        // A source checkout: generate it from the one header.
        $source = dirname(__DIR__, 3) . '/include/sello.h';
        if (is_file($source) && ($text = file_get_contents($source)) !== false) {
            return HeaderGenerator::generate($text);
        }
        throw new LibraryException('no FFI header: run bin/generate-header (it writes build/sello.ffi.h), '
            . 'or set SELLO_FFI_HEADER');
    }

    /** The libsello file this process has mapped, for diagnostics. */
    private static function mappedPath(): ?string
    {
        $maps = @file('/proc/self/maps', FILE_IGNORE_NEW_LINES);
        if ($maps === false) {
            return null;
        }
        foreach ($maps as $line) {
            $parts = preg_split('/\s+/', trim($line));
            $file = $parts[5] ?? '';
            if ($file !== '' && preg_match('~/libsello[^/]*\.so[^/]*$~', $file)) {
                return $file;
            }
        }
        return null;
    }
}
