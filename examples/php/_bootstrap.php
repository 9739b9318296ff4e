<?php

declare(strict_types=1);

// Shared by the PHP examples: the binding from this checkout (composer's autoloader when
// `make -C bindings/php` has run, a minimal one otherwise), the sandbox URL, readable errors.
// An application installs sello/sello with composer and needs none of this.

$root = dirname(__DIR__, 2);
if (is_file("$root/bindings/php/vendor/autoload.php")) {
    require "$root/bindings/php/vendor/autoload.php";
} else {
    spl_autoload_register(static function (string $class) use ($root): void {
        $file = "$root/bindings/php/src/" . str_replace('\\', '/', substr($class, strlen('Sello\\'))) . '.php';
        if (str_starts_with($class, 'Sello\\') && is_file($file)) {
            require $file;
        }
    });
}
if (getenv('SELLO_LIB') === false || getenv('SELLO_LIB') === '') {
    putenv("SELLO_LIB=$root/.build/release/libsello.so");
}

function sandbox_url(): string
{
    $url = (string) getenv('SELLO_SANDBOX_URL');
    if ($url === '') {
        fwrite(STDERR, "set SELLO_SANDBOX_URL=http://127.0.0.1:PORT (scripts/with-sandbox.sh starts one)\n");
        exit(2);
    }
    return rtrim($url, '/');
}

function output_dir(array $argv): string
{
    $dir = $argv[1] ?? (getenv('SELLO_EXAMPLES_OUT') ?: sys_get_temp_dir() . '/sello-example-' . bin2hex(random_bytes(4)));
    if (!is_dir($dir)) {
        mkdir($dir, 0700, true);
    }
    return $dir;
}

function fail(string $what, Sello\Exception\SelloException $e): never
{
    fwrite(STDERR, sprintf("%s failed: %s %s (service code %s, field %s, retryable %s)\n  %s\n", $what, $e->kind(),
        $e->errorCode(), var_export($e->serviceCode(), true), var_export($e->field(), true),
        $e->isRetryable() ? 'true' : 'false', $e->errorMessage()));
    exit(1);
}

function log_line(int $level, string $message): void
{
    echo '    [log ', ['debug', 'info', 'warning', 'error'][$level] ?? $level, '] ', $message, "\n";
}
