<?php

declare(strict_types=1);

namespace Sello\Tests;

use Sello\Abi;
use Sello\HeaderGenerator;
use Sello\Library;

/**
 * The generated FFI header, and finding libsello: the preloaded scope, SELLO_LIB, the package
 * folder, the system; a library with another ABI version is refused. Each case runs in a fresh
 * PHP, because a process loads the library once.
 */
final class LoaderTest extends SandboxTestCase
{
    private static string $tmp;

    protected function setUp(): void
    {
        self::$tmp = sys_get_temp_dir() . '/sello-php-loader-' . bin2hex(random_bytes(4));
        mkdir(self::$tmp);
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg(self::$tmp));
    }

    private static function realLibrary(): string
    {
        return (string) realpath((string) getenv('SELLO_LIB'));
    }

    private static function binding(): string
    {
        return dirname(__DIR__);
    }

    /** The plain-prototypes header with the FFI_SCOPE and FFI_LIB lines, for ffi.preload. */
    private static function preloadHeader(): string
    {
        $source = (string) file_get_contents(Sandbox::root() . '/include/sello.h');
        return HeaderGenerator::generate($source, 'SELLO', self::realLibrary());
    }

    private static function currentUser(): string
    {
        return function_exists('posix_getpwuid') ? (posix_getpwuid(posix_geteuid())['name'] ?? 'root') : 'root';
    }

    /** A copy of the package (src and build) with its own autoloader, to put a library in its folder. */
    private static function packageCopy(): string
    {
        $copy = self::$tmp . '/package';
        mkdir("$copy/build", 0777, true);
        exec('cp -r ' . escapeshellarg(self::binding() . '/src') . ' ' . escapeshellarg("$copy/src"));
        copy(self::binding() . '/build/sello.ffi.h', "$copy/build/sello.ffi.h");
        file_put_contents(
            "$copy/autoload.php",
            '<?php spl_autoload_register(function ($c) {'
            . ' $f = __DIR__ . "/src/" . str_replace("\\\\", "/", substr($c, 6)) . ".php";'
            . ' if (str_starts_with($c, "Sello\\\\") && is_file($f)) require $f; });'
        );
        return $copy;
    }

    public function testTheHeaderIsGeneratedFromSelloH(): void
    {
        $source = (string) file_get_contents(Sandbox::root() . '/include/sello.h');
        $generated = (string) file_get_contents(self::binding() . '/build/sello.ffi.h');
        self::assertSame(HeaderGenerator::generate($source), $generated, 'build/sello.ffi.h is out of date');
        $body = (string) preg_replace('~/\*.*?\*/~s', '', $generated);
        self::assertStringNotContainsString('#', $body);
        self::assertStringNotContainsString('extern', $body);
        self::assertStringNotContainsString('__cplusplus', $body);
        $prototype = 'char *fes_obtain_certificate(fes_client *client, const char *request_json);';
        self::assertStringContainsString($prototype, $body);
        self::assertStringContainsString('const char *sello_version(void);', $body);
        $declared = HeaderGenerator::functions(preg_replace('~/\*.*?\*/~s', '', $source) ?? '');
        sort($declared);
        $listed = HeaderGenerator::functions($generated);
        sort($listed);
        self::assertSame($declared, $listed);
        // Exactly the header's functions (above); at least the 47 of ABI 1's first release.
        self::assertGreaterThanOrEqual(47, count($listed));
        $ffi = \FFI::cdef($generated, self::realLibrary());
        self::assertSame(Abi::VERSION, $ffi->sello_version());
    }

    public function testTheGeneratorScriptWritesAPreloadHeader(): void
    {
        $out = self::$tmp . '/preload.h';
        $command = [PHP_BINARY, self::binding() . '/bin/generate-header', '--scope', 'SELLO', '--lib',
            self::realLibrary(), Sandbox::root() . '/include/sello.h', $out];
        exec(implode(' ', array_map('escapeshellarg', $command)), $lines, $status);
        self::assertSame(0, $status);
        $text = (string) file_get_contents($out);
        $defines = "#define FFI_SCOPE \"SELLO\"\n#define FFI_LIB \"" . self::realLibrary() . "\"\n";
        self::assertStringStartsWith($defines, $text);
    }

    public function testTheAbiVersionIsChecked(): void
    {
        $other = Abi::ABI_VERSION + 1;
        $fake = self::$tmp . "/libsello-abi$other.so";
        file_put_contents(self::$tmp . '/fake.c', "int sello_abi_version(void) { return $other; }\n");
        $source = escapeshellarg(self::$tmp . '/fake.c');
        exec('cc -shared -fPIC -o ' . escapeshellarg($fake) . ' ' . $source, $o, $status);
        self::assertSame(0, $status);
        [$status, $out, $err] = self::php(
            'require ' . var_export(self::binding() . '/vendor/autoload.php', true) . ';'
            . 'try { Sello\Sello::checkRut("12.345.678-5"); } catch (Sello\Exception\AbiVersionException $e) {'
            . ' echo "refused ", $e->foundVersion(), " ", $e->getMessage(); }',
            ['SELLO_LIB' => $fake]
        );
        self::assertSame(0, $status, $err);
        self::assertStringStartsWith("refused $other ", $out);
        self::assertStringContainsString("ABI version $other", $out);
        self::assertStringContainsString('knows only ABI version ' . Abi::ABI_VERSION, $out);
        self::assertStringContainsString($fake, $out);
    }

    public function testSelloLibComesFirst(): void
    {
        $copy = self::packageCopy();
        mkdir("$copy/lib");
        copy(self::realLibrary(), "$copy/lib/libsello.so");
        $chosen = self::$tmp . '/chosen/libsello.so';
        mkdir(dirname($chosen));
        copy(self::realLibrary(), $chosen);
        [$status, $out, $err] = self::php(
            "require '$copy/autoload.php'; echo Sello\\Library::path(), ' ', Sello\\Library::mode();",
            ['SELLO_LIB' => $chosen]
        );
        self::assertSame(0, $status, $err);
        self::assertSame("$chosen cdef", $out);
    }

    public function testABrokenSelloLibIsAnErrorNotAFallback(): void
    {
        $copy = self::packageCopy();
        mkdir("$copy/lib");
        copy(self::realLibrary(), "$copy/lib/libsello.so");
        [$status, $out, $err] = self::php(
            "require '$copy/autoload.php'; try { Sello\\Sello::version(); }"
                . " catch (Sello\\Exception\\LibraryException \$e) { echo \$e->getMessage(); }",
            ['SELLO_LIB' => '/nonexistent/libsello.so']
        );
        self::assertSame(0, $status, $err);
        self::assertStringContainsString('SELLO_LIB', $out);
        self::assertStringContainsString('/nonexistent/libsello.so', $out);
        self::assertStringContainsString('the file does not exist', $out);
    }

    /** The message of the LibraryException for SELLO_LIB=$path, from a fresh interpreter. */
    /** @param list<string> $prefix what runs the child (another user: setpriv …) */
    private static function loadError(string $path, array $prefix = []): string
    {
        [$status, $out, $err] = self::php(
            'require ' . var_export(self::binding() . '/vendor/autoload.php', true) . ';'
            . 'try { Sello\Sello::version(); } catch (Sello\Exception\LibraryException $e) { echo $e->getMessage(); }',
            ['SELLO_LIB' => $path],
            [],
            $prefix
        );
        self::assertSame(0, $status, $err);
        return $out;
    }

    public function testADirectoryAsSelloLibIsNamedSo(): void
    {
        $out = self::loadError(self::$tmp);
        self::assertStringContainsString(self::$tmp . '): it is a directory', $out);
    }

    public function testAnUnreadableSelloLibIsNamedSo(): void
    {
        $copy = self::$tmp . '/unreadable/libsello.so';
        @mkdir(dirname($copy));
        copy(self::realLibrary(), $copy);
        chmod($copy, 0);
        // Root reads files of any mode: the child then runs as nobody (util-linux's setpriv).
        $prefix = is_readable($copy) ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
        self::assertStringContainsString('cannot read it', self::loadError($copy, $prefix));
    }

    public function testAMissingDependencySaysToRunLdd(): void
    {
        $folder = self::$tmp . '/lonely';
        @mkdir($folder);
        file_put_contents("$folder/dep.c", "int sello_dep(void) { return 1; }\n");
        $source = "int sello_dep(void);\nint sello_abi_version(void) { return sello_dep(); }\n";
        file_put_contents("$folder/lib.c", $source);
        exec('cc -shared -fPIC -o ' . escapeshellarg("$folder/libselldep.so") . ' ' . escapeshellarg("$folder/dep.c")
            . ' && cc -shared -fPIC -o ' . escapeshellarg("$folder/libsello.so") . ' ' . escapeshellarg("$folder/lib.c")
            . ' -L' . escapeshellarg($folder) . ' -lselldep', $o, $status);
        self::assertSame(0, $status);
        unlink("$folder/libselldep.so");
        $out = self::loadError("$folder/libsello.so");
        self::assertStringContainsString("ldd $folder/libsello.so", $out);
        self::assertStringContainsString('libsello.libs', $out);
    }

    public function testAnotherLibraryIsNamedNotLibsello(): void
    {
        $folder = self::$tmp . '/another';
        @mkdir($folder);
        file_put_contents("$folder/other.c", "int other_function(void) { return 1; }\n");
        exec('cc -shared -fPIC -o ' . escapeshellarg("$folder/libother.so") . ' '
            . escapeshellarg("$folder/other.c"), $o, $status);
        self::assertSame(0, $status);
        $out = self::loadError("$folder/libother.so");
        self::assertStringContainsString("$folder/libother.so is not libsello: it has no sello_abi_version()", $out);
        self::assertStringNotContainsString('depends on', $out);
    }

    public function testAFileThatIsNoLibraryIsNamedSo(): void
    {
        $text = self::$tmp . '/text/libsello.so';
        @mkdir(dirname($text));
        file_put_contents($text, "not a library\n");
        $out = self::loadError($text);
        self::assertStringContainsString("($text): it is not a shared library (no ELF header)", $out);
        self::assertStringNotContainsString('depends on', $out);
    }

    public function testThePackageFolderComesBeforeTheSystem(): void
    {
        $copy = self::packageCopy();
        mkdir("$copy/lib");
        copy(self::realLibrary(), "$copy/lib/libsello.so");
        [$status, $out, $err] = self::php(
            "require '$copy/autoload.php'; echo Sello\\Library::path();",
            ['SELLO_LIB' => null, 'LD_LIBRARY_PATH' => dirname(self::realLibrary())]
        );
        self::assertSame(0, $status, $err);
        self::assertSame("$copy/lib/libsello.so", $out);
    }

    public function testThePlatformFolderComesFirstInThePackage(): void
    {
        $copy = self::packageCopy();
        $platform = Library::platform();
        self::assertMatchesRegularExpression('/^[a-z]+-[a-z0-9_]+$/', $platform);
        mkdir("$copy/lib/$platform", 0777, true);
        mkdir("$copy/lib/other-machine");
        copy(self::realLibrary(), "$copy/lib/$platform/libsello.so");
        file_put_contents("$copy/lib/other-machine/libsello.so", 'not for this platform');
        file_put_contents("$copy/lib/libsello.so", 'not a library: must not be chosen');
        [$status, $out, $err] = self::php(
            "require '$copy/autoload.php'; echo Sello\\Library::path(), ' ', Sello\\Sello::version();",
            ['SELLO_LIB' => null, 'LD_LIBRARY_PATH' => null]
        );
        self::assertSame(0, $status, $err);
        self::assertSame("$copy/lib/$platform/libsello.so " . Abi::VERSION, $out);
    }

    public function testSelloLibStillWinsOverThePlatformFolder(): void
    {
        $copy = self::packageCopy();
        mkdir("$copy/lib/" . Library::platform(), 0777, true);
        copy(self::realLibrary(), "$copy/lib/" . Library::platform() . '/libsello.so');
        $chosen = self::$tmp . '/chosen-over-platform/libsello.so';
        mkdir(dirname($chosen));
        copy(self::realLibrary(), $chosen);
        [$status, $out, $err] = self::php(
            "require '$copy/autoload.php'; echo Sello\\Library::path();",
            ['SELLO_LIB' => $chosen]
        );
        self::assertSame(0, $status, $err);
        self::assertSame($chosen, $out);
    }

    public function testTheSystemLibraryPathIsLast(): void
    {
        $copy = self::packageCopy();
        [$status, $out, $err] = self::php(
            "require '$copy/autoload.php'; echo Sello\\Library::path(), ' ', Sello\\Sello::version();",
            ['SELLO_LIB' => null, 'LD_LIBRARY_PATH' => dirname(self::realLibrary())]
        );
        self::assertSame(0, $status, $err);
        [$path, $version] = explode(' ', $out);
        self::assertSame(realpath(self::realLibrary()), realpath($path));
        self::assertSame(Abi::VERSION, $version);
    }

    public function testTheSonameAloneOnTheSystemPathIsFound(): void
    {
        // The libsello0 .deb installs only libsello.so.MAJOR (libsello.so is libsello-dev's link).
        $major = explode('.', Abi::VERSION)[0];
        $system = self::$tmp . '/system';
        mkdir($system);
        symlink(self::realLibrary(), "$system/libsello.so.$major");
        $copy = self::packageCopy();
        [$status, $out, $err] = self::php(
            "require '$copy/autoload.php'; echo Sello\\Sello::version();",
            ['SELLO_LIB' => null, 'LD_LIBRARY_PATH' => $system]
        );
        self::assertSame(0, $status, $err);
        self::assertSame(Abi::VERSION, $out, $err);
    }

    public function testFfiSwitchedOffNamesTheSettingToChange(): void
    {
        $copy = self::packageCopy();
        [$status, $out, $err] = self::php(
            "require '$copy/autoload.php'; try { Sello\\Sello::version(); }"
                . " catch (Sello\\Exception\\LibraryException \$e) { echo \$e->getMessage(); }",
            [],
            ['ffi.enable' => '0']
        );
        self::assertSame(0, $status, $err);
        self::assertStringContainsString('ffi.enable', $out);
        self::assertStringContainsString('-d ffi.enable=true', $out);
        // On the command line, advice for PHP-FPM's preloading is beside the point.
        self::assertStringNotContainsString('PHP-FPM preload', $out);
    }

    public function testWithoutTheFfiExtensionTheMessageSaysToLoadIt(): void
    {
        $copy = self::packageCopy();
        // -n: no php.ini, so no shared extension (Debian builds FFI as one: php8.2-common's ffi.so).
        [$status, $out, $err] = self::php(
            "require '$copy/autoload.php'; try { Sello\\Sello::version(); }"
                . " catch (Sello\\Exception\\LibraryException \$e) { echo \$e->getMessage(); }",
            [],
            [],
            [],
            ['-n']
        );
        self::assertSame(0, $status, $err);
        self::assertStringContainsString("FFI extension is not loaded", $out);
        self::assertStringContainsString('extension=ffi', $out);
    }

    public function testNotFoundNamesTheThreePlaces(): void
    {
        exec('ldconfig -p 2>/dev/null | grep -c "libsello\\.so"', $lines);
        if ((int) ($lines[0] ?? 0) > 0) {
            self::markTestSkipped('libsello.so is installed system-wide on this machine');
        }
        $copy = self::packageCopy();
        [$status, $out, $err] = self::php(
            "require '$copy/autoload.php'; try { Sello\\Sello::version(); }"
                . " catch (Sello\\Exception\\LibraryException \$e) { echo \$e->getMessage(); }",
            ['SELLO_LIB' => null, 'LD_LIBRARY_PATH' => null]
        );
        self::assertSame(0, $status, $err);
        self::assertStringContainsString('SELLO_LIB', $out);
        self::assertStringContainsString('package folder', $out);
        self::assertStringContainsString("$copy/lib/libsello.so", $out);
        self::assertStringContainsString('system', $out);
        // The hint names what a zip or package user has, not the checkout's scripts/install.sh.
        self::assertStringNotContainsString('scripts/install.sh', $out);
        self::assertStringContainsString('SELLO_LIB=/path/to/libsello.so', $out);
        self::assertStringContainsString('lib/' . Library::platform() . '/libsello.so', $out);
        self::assertStringContainsString('libsello0 .deb', $out);
    }

    public function testPreloadedDefinitionsAreUsedThroughFfiScope(): void
    {
        $header = self::$tmp . '/sello.preload.h';
        file_put_contents($header, self::preloadHeader());
        [$status, $out, $err] = self::php(
            'require ' . var_export(self::binding() . '/vendor/autoload.php', true) . ';'
            . 'echo Sello\Library::mode(), " ", Sello\Sello::checkRut("12.345.678-5")["formatted"];',
            ['SELLO_LIB' => '/nonexistent/must-not-be-used.so'],
            ['ffi.enable' => 'preload', 'ffi.preload' => $header]
        );
        self::assertSame(0, $status, $err);
        self::assertSame('scope 12.345.678-5', $out);
    }

    public function testThePreloadScriptPreloadsTheClasses(): void
    {
        $header = self::$tmp . '/sello.preload.h';
        file_put_contents($header, self::preloadHeader());
        [$status, $out, $err] = self::php(
            'echo class_exists("Sello\\\\Fes", false) ? "preloaded" : "missing", " ", Sello\Library::mode();',
            [],
            ['opcache.enable_cli' => '1', 'opcache.preload' => self::binding() . '/preload.php',
             'opcache.preload_user' => self::currentUser(),
            'ffi.enable' => 'preload',
            'ffi.preload' => $header]
        );
        self::assertSame(0, $status, $err);
        self::assertSame('preloaded scope', $out);
    }

    /**
     * preload.php without SELLO_LIB or a bundled library, where the system has only the soname
     * (the libsello0 .deb). FFI::load() refuses to run beside opcache.preload_user, which root
     * needs; so as root the script runs as nobody.
     */
    public function testThePreloadScriptFindsTheSonameOnTheSystemPath(): void
    {
        $major = explode('.', Abi::VERSION)[0];
        $system = self::$tmp . '/system';
        mkdir($system, 0755);
        chmod(self::$tmp, 0755);
        symlink(self::realLibrary(), "$system/libsello.so.$major");
        $nobody = function_exists('posix_geteuid') && posix_geteuid() === 0
            ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
        [$status, $out, $err] = self::php(
            'echo Sello\Library::mode(), " ", Sello\Sello::version();',
            ['SELLO_LIB' => null, 'LD_LIBRARY_PATH' => $system],
            ['opcache.enable_cli' => '1', 'opcache.preload' => self::binding() . '/preload.php',
                'ffi.enable' => 'preload'],
            $nobody
        );
        self::assertSame(0, $status, $err);
        self::assertSame('scope ' . Abi::VERSION, $out);
    }

    /**
     * A web SAPI (php-cgi has PHP-FPM's FFI rules: ffi.enable=preload allows FFI only from
     * preloaded code): without preloading the binding says what to do; with ffi.preload and
     * opcache.preload (docs/php-fpm.md) it works.
     */
    public function testUnderAWebSapiTheDocumentedPreloadingWorks(): void
    {
        $cgi = trim((string) shell_exec('command -v php-cgi 2>/dev/null'));
        if ($cgi === '') {
            self::markTestSkipped('php-cgi is not installed (apt-get install php8.2-cgi) to stand in for PHP-FPM');
        }
        $script = self::$tmp . '/index.php';
        file_put_contents($script, '<?php require ' . var_export(self::binding() . '/vendor/autoload.php', true) . ';'
            . 'try { echo Sello\\Library::mode(), " ", Sello\\Sello::checkRut("12.345.678-5")["formatted"]; }'
            . ' catch (Sello\\Exception\\LibraryException $e) { echo "refused: ", $e->getMessage(); }');
        $header = self::$tmp . '/sello.preload.h';
        file_put_contents($header, self::preloadHeader());
        $user = self::currentUser();
        $run = static function (array $ini) use ($cgi, $script): string {
            $command = escapeshellarg($cgi) . ' -q';
            foreach ($ini as $name => $value) {
                $command .= ' -d ' . escapeshellarg("$name=$value");
            }
            return (string) shell_exec($command . ' ' . escapeshellarg($script) . ' 2>&1');
        };
        $refused = $run(['ffi.enable' => 'preload']);
        self::assertStringStartsWith('refused: PHP refuses FFI here', $refused);
        self::assertStringContainsString('docs/php-fpm.md', $refused);
        self::assertStringStartsWith(
            'refused:',
            $run(['ffi.enable' => 'preload', 'ffi.preload' => $header]),
            'ffi.preload alone is not enough: the binding calls FFI::scope/FFI::string, '
            . 'which must come from preloaded code'
        );
        self::assertSame('scope 12.345.678-5', $run(['ffi.enable' => 'preload', 'ffi.preload' => $header,
            'opcache.enable' => '1', 'opcache.preload' => self::binding() . '/preload.php',
            'opcache.preload_user' => $user]));
    }
}
