<?php

declare(strict_types=1);

namespace Sello;

/**
 * Turns include/sello.h into the plain prototypes PHP's FFI parser accepts: no comments, no
 * preprocessor lines, no extern "C" block. Owned results stay `char *` (so that they come back as
 * FFI\CData and can be given to sello_free); nothing is listed by hand.
 *
 * Used by bin/generate-header (build/sello.ffi.h) and, in a source checkout without that file,
 * by the loader at run time.
 */
final class HeaderGenerator
{
    /**
     * @param string|null $scope  adds `#define FFI_SCOPE "<scope>"` (for ffi.preload / FFI::load)
     * @param string|null $lib    adds `#define FFI_LIB "<lib>"` (for ffi.preload / FFI::load)
     */
    public static function generate(string $header, ?string $scope = null, ?string $lib = null): string
    {
        // Comments first: they may contain anything, even "#" or braces.
        $text = preg_replace('~/\*.*?\*/~s', '', $header);
        $text = preg_replace('~//[^\n]*~', '', (string) $text);
        // The C++ guard: #ifdef __cplusplus ... #endif, both times (extern "C" { and its }).
        $cplusplus = '~^[ \t]*#[ \t]*if(?:def)?[ \t]+(?:defined[ \t]*\(?[ \t]*)?__cplusplus\b'
            . '.*?^[ \t]*#[ \t]*endif[^\n]*$~ms';
        $text = preg_replace($cplusplus, '', (string) $text);
        // Every other preprocessor line (include guard, #include, #define).
        $text = preg_replace('~^[ \t]*#[^\n]*(?:\\\\\n[^\n]*)*$~m', '', (string) $text);
        // Defensive: an extern "C" block written without the guard.
        $text = preg_replace('~extern[ \t]+"C"[ \t]*\{~', '', (string) $text);
        $lines = [];
        foreach (explode("\n", (string) $text) as $line) {
            $line = rtrim($line);
            if ($line === '' && ($lines === [] || end($lines) === '')) {
                continue;
            }
            $lines[] = $line;
        }
        $body = trim(implode("\n", $lines)) . "\n";
        if (substr_count($body, '{') !== substr_count($body, '}')) {
            throw new \RuntimeException('sello.h: unbalanced braces after removing the extern "C" block');
        }
        // FFI::load() and ffi.preload read FFI_SCOPE and FFI_LIB only from the very first lines.
        $prefix = '';
        if ($scope !== null) {
            $prefix .= '#define FFI_SCOPE "' . addcslashes($scope, "\"\\") . "\"\n";
        }
        if ($lib !== null) {
            $prefix .= '#define FFI_LIB "' . addcslashes($lib, "\"\\") . "\"\n";
        }
        $prefix .= "/* Generated from include/sello.h by bin/generate-header: do not edit. */\n";
        return $prefix . $body;
    }

    /**
     * The names of the functions the header declares (function-pointer typedefs excluded).
     *
     * @return list<string>
     */
    public static function functions(string $generated): array
    {
        $text = (string) preg_replace('~/\*.*?\*/~s', '', $generated);
        preg_match_all('~\b((?:sello|fes|fv|cfdi)_[a-z0-9_]+)\s*\(~', $text, $matches);
        $names = array_values(array_unique($matches[1]));
        return array_values(array_filter($names, static fn (string $name): bool => !str_ends_with($name, '_fn')));
    }
}
