<?php

declare(strict_types=1);

namespace Sello\Tests;

use Sello\Client;
use Sello\Exception\InvalidArgumentException;
use Sello\Fes;

/**
 * A client's handle has one owner: `clone $client` is refused (the copy's destructor would free the
 * same C handle a second time). Each clone runs in a fresh interpreter, because before the fix
 * the second free crashed PHP (SIGSEGV), which must fail the test, not the run.
 */
final class ClientLifecycleTest extends SandboxTestCase
{
    /** @return array<string, array{string, string}> */
    public static function clients(): array
    {
        return ['Fes' => ['Fes', 'fesConfig'], 'FirmaVirtual' => ['FirmaVirtual', 'fvConfig'],
            'Cfdi' => ['Cfdi', 'cfdiConfig']];
    }

    /** @dataProvider clients */
    public function testAClientCannotBeCloned(string $class, string $configMethod): void
    {
        $config = var_export($this->{$configMethod}(), true);
        [$status, $out, $err] = self::php(
            'require ' . var_export(dirname(__DIR__) . '/vendor/autoload.php', true) . ';'
            . "\$client = new Sello\\$class($config);"
            . 'try { $copy = clone $client; echo "cloned\n"; unset($copy); gc_collect_cycles(); }'
            . ' catch (LogicException $e) { echo get_class($e), ": ", $e->getMessage(), "\n"; }'
            . 'echo $client->isClosed() ? "closed\n" : "open\n";'
            . 'unset($client); gc_collect_cycles(); echo "destroyed\n";'
        );
        self::assertSame(0, $status, "the child died ($status): $out$err");
        $lines = explode("\n", rtrim($out, "\n"));
        self::assertStringStartsWith("LogicException: a Sello\\$class client cannot be cloned", $lines[0], $out);
        self::assertSame(['open', 'destroyed'], array_slice($lines, 1));
    }

    /**
     * A request that ends in a fatal error (memory exhausted, max_execution_time) skips every
     * destructor: under PHP-FPM the worker would keep the client's sockets (its keep-alive
     * connection and its wake-up pair) for its whole life, 3 descriptors per such request. A
     * shutdown function, which PHP still runs, closes the clients left open; the test's own
     * shutdown function, registered after it, counts the sockets left.
     */
    public function testAFatalErrorStillClosesTheClientsConnections(): void
    {
        $config = var_export($this->fesConfig(), true);
        $request = var_export(self::FES_REQUEST, true);
        [$status, $out, $err] = self::php(
            'require ' . var_export(dirname(__DIR__) . '/vendor/autoload.php', true) . ';'
            . '$sockets = fn (): int => count(array_filter(glob("/proc/self/fd/*"),'
            . ' fn ($fd) => str_starts_with((string) @readlink($fd), "socket:")));'
            . '$before = $sockets();'
            . "\$fes = new Sello\\Fes($config); \$fes->obtainCertificate($request);"
            . 'echo "open: ", $sockets() - $before, "\n";'
            . 'register_shutdown_function(function () use ($sockets, $before) {'
            . ' echo "left: ", $sockets() - $before, "\n"; });'
            . 'ini_set("memory_limit", "32M"); $big = str_repeat("x", 64 << 20);'
        );
        self::assertSame(255, $status, "not the fatal error expected: $out$err");
        self::assertStringContainsString('Allowed memory size', $out . $err);
        self::assertMatchesRegularExpression('/^open: [1-9]/m', $out);
        self::assertMatchesRegularExpression('/^left: 0$/m', $out);
    }

    /**
     * close() from inside the client's own callback, during its call (a "give up" handler): the C
     * library forbids freeing a client during a call, so close() refuses new calls at once and the
     * handle is freed when the call ends.
     */
    public function testCloseFromTheClientsOwnCallbackFreesTheHandleWhenTheCallEnds(): void
    {
        $handle = new \ReflectionProperty(Client::class, 'handle');
        $seen = [];
        $fes = null;
        $onLog = function (int $level, string $message) use (&$fes, &$seen, $handle): void {
            if ($fes === null || $fes->isClosed() || !str_contains($message, '→ POST')) {
                return;
            }
            $fes->close();
            $seen[] = 'closed: ' . var_export($fes->isClosed(), true);
            $seen[] = 'handle during the call: ' . ($handle->getValue($fes) === null ? 'freed' : 'kept');
            try {
                $fes->obtainCertificate(self::FES_REQUEST);
            } catch (InvalidArgumentException $e) {
                $seen[] = 'new call: ' . $e->errorCode();
            }
        };
        $fes = new Fes($this->fesConfig(), onLog: $onLog, logLevel: Client::LOG_DEBUG);
        $result = $fes->obtainCertificate(self::FES_REQUEST);
        self::assertSame('OK', $result['estado']);
        self::assertSame(['closed: true', 'handle during the call: kept', 'new call: CLIENT_CLOSED'], $seen);
        self::assertNull($handle->getValue($fes), 'freed when the call ended');
        self::assertTrue($fes->isClosed());
        $fes->close();   // twice is harmless
    }
}
