<?php

declare(strict_types=1);

namespace Sello;

use FFI\CData;
use Psr\Log\LoggerInterface;
use Sello\Exception\SelloException;

/**
 * Base of Fes, FirmaVirtual and Cfdi: owns one client handle.
 *
 * close() frees it (a second call is harmless); __destruct() does it when the object goes away.
 *
 * Callbacks are PHP closures turned into C function pointers by FFI. PHP's FFI keeps such a
 * trampoline until the end of the request (or of the CLI script), whatever happens to the
 * client: it must outlive the client, and it does. In a long-running worker, set callbacks once
 * per client rather than once per call, because each setProgress()/setLog()/setLogger() with a
 * new closure allocates a trampoline that is only released at the end of the request.
 *
 * Logging: the library's lines (one per request, answer, retry and failure, secrets already
 * redacted) go to a log callback, to a PSR-3 logger (any Psr\Log\LoggerInterface: Monolog...),
 * or to both: levels LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERROR become the logger's debug(),
 * info(), warning() and error(), with the context ['sello_service' => 'fes'|'fv'|'cfdi',
 * 'sello_level' => 0..3]. Lines below the level given last (constructor, setLog(), setLogger())
 * are not produced. psr/log is suggested, not required: nothing here needs it unless a logger is
 * passed.
 */
abstract class Client
{
    public const LOG_DEBUG = 0;
    public const LOG_INFO = 1;
    public const LOG_WARNING = 2;
    public const LOG_ERROR = 3;

    protected const SERVICE = '';
    protected const NEW_FUNCTION = '';
    protected const FREE_FUNCTION = '';
    protected const SET_PROGRESS_FUNCTION = '';
    protected const SET_LOG_FUNCTION = '';
    protected const CANCEL_FUNCTION = '';
    /**
     * Operation name (as in call()) => C function: a subclass sets these from Abi (generated from
     * include/sello.h); each operation has a typed method (tests/OperationTableTest.php).
     */
    protected const OPERATIONS = [];

    /** PSR-3 level of each SELLO_LOG_* level. */
    private const PSR_LEVELS = [0 => 'debug', 1 => 'info', 2 => 'warning', 3 => 'error'];

    private ?CData $handle = null;
    /** Calls in flight on this client (a callback may call its client again, nesting them). */
    private int $inFlight = 0;
    /** close() was called: new calls are refused; the handle is freed once no call is in flight. */
    private bool $closing = false;
    private ?\Closure $progress = null;
    /** The C trampoline of the log callback and/or logger (null: none set). */
    private ?\Closure $log = null;
    private ?\Closure $logCallback = null;
    private ?LoggerInterface $logger = null;
    /** @var list<\Closure> replaced callbacks, kept alive with the client */
    private array $retired = [];
    /**
     * The clients of this request, weakly (gone clients drop out): a fatal error skips every
     * destructor, so a shutdown function, which PHP still runs, closes those left open.
     * @var \WeakMap<Client, true>|null
     */
    private static ?\WeakMap $open = null;

    /**
     * @param array<string, mixed> $config
     * @param (callable(int, int): void)|null $onProgress fn(int $doneBytes, int $totalBytes), total -1 when unknown
     * @param (callable(int, string): void)|null $onLog fn(int $level, string $message), secrets redacted
     * @param LoggerInterface|null $logger a PSR-3 logger for the same lines
     */
    protected function __construct(
        #[\SensitiveParameter] array $config,
        ?callable $onProgress,
        ?callable $onLog,
        int $logLevel,
        ?LoggerInterface $logger = null
    ) {
        $ffi = Library::ffi();
        $error = $ffi->new('char *');
        $handle = $ffi->{static::NEW_FUNCTION}(Library::encode($config, static::SERVICE), \FFI::addr($error));
        if ($handle === null || \FFI::isNull($handle)) {
            if (!\FFI::isNull($error)) {
                throw SelloException::fromEnvelope(Library::take($error));
            }
            throw new \RuntimeException(static::NEW_FUNCTION . ' returned NULL without an error envelope');
        }
        if (!\FFI::isNull($error)) {
            $ffi->sello_free($error);   // not expected on success, but never leak it
        }
        $this->handle = $handle;
        self::closeAtShutdown($this);
        if ($onProgress !== null) {
            $this->setProgress($onProgress);
        }
        $this->logCallback = $onLog === null ? null : \Closure::fromCallable($onLog);
        $this->logger = $logger;
        if ($onLog !== null || $logger !== null) {
            $this->applyLog($logLevel);
        }
    }

    public function __destruct()
    {
        $this->close();
    }

    /**
     * Under PHP-FPM a request that ends in a fatal error (memory exhausted, max_execution_time)
     * would otherwise leave its clients' sockets open for the worker's whole life. Static
     * properties start afresh with each request, so the shutdown function is registered once
     * per request.
     */
    private static function closeAtShutdown(Client $client): void
    {
        if (self::$open === null) {
            self::$open = new \WeakMap();
            register_shutdown_function(static function (): void {
                $open = self::$open ?? new \WeakMap();
                self::$open = null;
                foreach ($open as $left => $_) {
                    $left->close();   // a client in a call cut short keeps its handle (close() says why)
                }
            });
        }
        self::$open[$client] = true;
    }

    /**
     * A client owns its C handle alone: a clone would share it and free it a second time (a
     * crash), so cloning is refused. Share the same object, or make a new client with the same
     * configuration.
     * @throws \LogicException always
     */
    public function __clone()
    {
        $this->handle = null;   // the clone never reaches its destructor, but must not own the handle
        throw new \LogicException('a ' . static::class . ' client cannot be cloned: it owns a connection handle '
            . 'that only one object may free; share the same object, or make a new ' . static::class
            . ' with the same configuration');
    }

    /**
     * Frees the client handle and closes its connections. Called from inside one of this client's
     * callbacks, during its call, it refuses new calls at once and the handle is freed when that
     * call ends (the C library forbids freeing a client during a call).
     */
    public function close(): void
    {
        $this->closing = true;
        if ($this->inFlight > 0) {
            return;   // invoke() frees it as the last call in flight ends
        }
        $handle = $this->handle;
        $this->handle = null;
        if ($handle !== null) {
            Library::ffi()->{static::FREE_FUNCTION}($handle);
        }
    }

    /**
     * Cancels the calls in flight on this client whose request carried 'call_id' => $callId (every
     * call in flight when null): each ends at once with a CancelledException (a batch keeps the
     * items that finished). PHP runs one call at a time, so this is for the client's own progress
     * or log callback — e.g. stopping a batch when connection_aborted() — or for calls in flight
     * on other threads of an embedding program. Returns how many calls it reached.
     */
    public function cancelCalls(?string $callId = null): int
    {
        if ($this->handle === null) {
            return 0;
        }
        $pointer = Library::ffi()->{static::CANCEL_FUNCTION}($this->handle, $callId);
        $data = Result::unwrap(Library::take($pointer))->data;
        return is_array($data) ? (int) ($data['cancelled'] ?? 0) : 0;
    }

    public function isClosed(): bool
    {
        return $this->handle === null || $this->closing;
    }

    /**
     * Sets (a callable) or removes (null) the progress callback: fn(int $done, int $total).
     * @param (callable(int, int): void)|null $onProgress
     */
    public function setProgress(?callable $onProgress): void
    {
        $handle = $this->requireHandle('set_progress');
        if ($onProgress === null) {
            Library::ffi()->{static::SET_PROGRESS_FUNCTION}($handle, null, null);
            $this->retire($this->progress);
            $this->progress = null;
            return;
        }
        $callback = \Closure::fromCallable($onProgress);
        $trampoline = static function ($userData, $done, $total) use ($callback): void {
            try {
                $callback((int) $done, (int) $total);
            } catch (\Throwable $e) {
                // Never unwind through C; the call goes on.
                error_log('sello: the progress callback threw ' . $e::class . ': ' . $e->getMessage());
            }
        };
        Library::ffi()->{static::SET_PROGRESS_FUNCTION}($handle, $trampoline, null);
        $this->retire($this->progress);
        $this->progress = $trampoline;
    }

    /**
     * Sets (a callable) or removes (null) the log callback: fn(int $level, string $message).
     * Lines below $level (LOG_DEBUG..LOG_ERROR) are not produced. A PSR-3 logger set with
     * setLogger() keeps receiving the lines.
     * @param (callable(int, string): void)|null $onLog
     */
    public function setLog(?callable $onLog, int $level = self::LOG_INFO): void
    {
        $this->requireHandle('set_log');
        $this->logCallback = $onLog === null ? null : \Closure::fromCallable($onLog);
        $this->applyLog($level);
    }

    /**
     * Sets (a PSR-3 logger) or removes (null) the logger that receives the library's lines, at
     * debug, info, warning or error. Lines below $level (LOG_DEBUG..LOG_ERROR) are not produced.
     * A callback set with setLog() keeps receiving the lines.
     */
    public function setLogger(?LoggerInterface $logger, int $level = self::LOG_INFO): void
    {
        $this->requireHandle('set_logger');
        $this->logger = $logger;
        $this->applyLog($level);
    }

    /** Gives the library one trampoline for the callback and the logger, or none. */
    private function applyLog(int $level): void
    {
        $handle = $this->requireHandle('set_log');
        $callback = $this->logCallback;
        $logger = $this->logger;
        if ($callback === null && $logger === null) {
            Library::ffi()->{static::SET_LOG_FUNCTION}($handle, null, null, $level);
            $this->retire($this->log);
            $this->log = null;
            return;
        }
        $service = static::SERVICE;
        $trampoline = static function ($userData, $lineLevel, $message) use ($callback, $logger, $service): void {
            $text = is_string($message) ? $message : (string) \FFI::string($message);
            $lineLevel = (int) $lineLevel;
            // Never unwind through C: what either throws is reported and the call goes on.
            if ($callback !== null) {
                try {
                    $callback($lineLevel, $text);
                } catch (\Throwable $e) {
                    error_log('sello: the log callback threw ' . $e::class . ': ' . $e->getMessage());
                }
            }
            if ($logger !== null) {
                try {
                    $psrLevel = self::PSR_LEVELS[max(0, min(3, $lineLevel))];
                    $logger->log($psrLevel, $text, ['sello_service' => $service, 'sello_level' => $lineLevel]);
                } catch (\Throwable $e) {
                    error_log('sello: the PSR-3 logger threw ' . $e::class . ': ' . $e->getMessage());
                }
            }
        };
        Library::ffi()->{static::SET_LOG_FUNCTION}($handle, $trampoline, null, $level);
        $this->retire($this->log);
        $this->log = $trampoline;
    }

    /**
     * Runs an operation by name with a request array, e.g. $fes->call('obtain_certificate', [...]):
     * the escape hatch for fields this binding does not name yet.
     * @param array<string, mixed> $request
     * @return Result<mixed>
     */
    public function call(string $operation, #[\SensitiveParameter] array $request = []): Result
    {
        if (!isset(static::OPERATIONS[$operation])) {
            throw new \InvalidArgumentException(static::class . " has no operation '$operation'; known: "
                . implode(', ', array_keys(static::OPERATIONS)));
        }
        return $this->invoke($operation, $request);
    }

    /**
     * Calls the C function of $operation (a key of OPERATIONS) on this client.
     * @param array<string, mixed> $request
     * @return Result<mixed>
     */
    protected function invoke(string $operation, #[\SensitiveParameter] array $request): Result
    {
        $function = static::OPERATIONS[$operation];
        $payload = Library::encode($request, static::SERVICE, $operation);
        $handle = $this->requireHandle($operation);
        $this->inFlight++;
        try {
            $pointer = Library::ffi()->{$function}($handle, $payload);
        } finally {
            $this->inFlight--;
            if ($this->closing && $this->inFlight === 0) {
                $this->close();
            }
        }
        return Result::unwrap(Library::take($pointer));
    }

    private function requireHandle(string $operation): CData
    {
        if ($this->handle === null || $this->closing) {
            throw SelloException::local(
                'invalid_argument',
                'CLIENT_CLOSED',
                'the ' . (new \ReflectionClass($this))->getShortName() . ' client is closed',
                static::SERVICE,
                $operation
            );
        }
        return $this->handle;
    }

    private function retire(?\Closure $callback): void
    {
        if ($callback !== null) {
            $this->retired[] = $callback;
        }
    }

    /** @param array<string, mixed> $config */
    protected static function withoutNulls(#[\SensitiveParameter] array $config): array
    {
        return array_filter($config, static fn ($value): bool => $value !== null);
    }
}
