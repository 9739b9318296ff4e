<?php

declare(strict_types=1);

namespace Sello\Tests;

/**
 * The sello sandbox for the PHP tests: started with proc_open (python3 sandbox/sello_sandbox.py
 * --port 0), its port read from the SANDBOX_PORT= line, stopped at the end of the run; and a
 * small client for its /_sandbox control API (see sandbox/control.py for the Python twin).
 */
final class Sandbox
{
    public const FES_PATH = '/generateFES/rest-services/public/generateFes';
    public const CFDI_PATH = '/servicio/rest';

    private static ?self $shared = null;

    /** @var resource */
    private $process;
    public readonly string $base;
    public readonly string $fesUrl;
    public readonly string $fvUrl;
    public readonly string $cfdiUrl;
    private string $log;

    /** One sandbox for the whole test run. */
    public static function shared(): self
    {
        if (self::$shared === null) {
            self::$shared = self::start();
            register_shutdown_function(static function (): void {
                self::$shared?->stop();
                self::$shared = null;
            });
        }
        return self::$shared;
    }

    public static function root(): string
    {
        return dirname(__DIR__, 3);
    }

    public static function start(float $timeout = 30.0): self
    {
        $log = tempnam(sys_get_temp_dir(), 'sello-sandbox-log-');
        $command = ['python3', self::root() . '/sandbox/sello_sandbox.py', '--port', '0'];
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $log, 'a']], $pipes);
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start the sandbox');
        }
        $line = self::readLine($pipes[1], $timeout);
        if (!str_starts_with($line, 'SANDBOX_PORT=')) {
            proc_terminate($process);
            proc_close($process);
            throw new \RuntimeException("the sandbox did not start: '$line' " . (string) @file_get_contents($log));
        }
        $port = (int) substr($line, strlen('SANDBOX_PORT='));
        $sandbox = new self($process, "http://127.0.0.1:$port", $log);
        $deadline = microtime(true) + $timeout;
        while (true) {
            try {
                $sandbox->get('health');
                return $sandbox;
            } catch (\RuntimeException $e) {
                if (microtime(true) > $deadline) {
                    $sandbox->stop();
                    throw $e;
                }
                usleep(50_000);
            }
        }
    }

    /** @param resource $process */
    private function __construct($process, string $base, string $log)
    {
        $this->process = $process;
        $this->base = $base;
        $this->fesUrl = $base . self::FES_PATH;
        $this->fvUrl = $base;
        $this->cfdiUrl = $base . self::CFDI_PATH;
        $this->log = $log;
    }

    /** @param resource $pipe */
    private static function readLine($pipe, float $timeout): string
    {
        $deadline = microtime(true) + $timeout;
        $line = '';
        stream_set_blocking($pipe, false);
        while (!str_contains($line, "\n") && microtime(true) < $deadline) {
            $read = [$pipe];
            $write = $except = null;
            if (@stream_select($read, $write, $except, 0, 100_000) > 0) {
                $chunk = fread($pipe, 256);
                if ($chunk === false || ($chunk === '' && feof($pipe))) {
                    break;
                }
                $line .= $chunk;
            }
        }
        return trim(strtok($line, "\n") ?: '');
    }

    public function stop(): void
    {
        if (is_resource($this->process)) {
            proc_terminate($this->process, 15);
            $deadline = microtime(true) + 10;
            while (proc_get_status($this->process)['running'] && microtime(true) < $deadline) {
                usleep(50_000);
            }
            if (proc_get_status($this->process)['running']) {
                proc_terminate($this->process, 9);
            }
            proc_close($this->process);
        }
        @unlink($this->log);
    }

    // -- control API ----------------------------------------------------------------------------

    public function get(string $path): mixed
    {
        return $this->call('GET', $path, null);
    }

    public function control(string $path, array $body = []): mixed
    {
        return $this->call('POST', $path, $body);
    }

    private function call(string $method, string $path, ?array $body): mixed
    {
        $options = ['method' => $method, 'ignore_errors' => true, 'timeout' => 30,
                    'header' => "Connection: close\r\n"];
        if ($body !== null) {
            $options['header'] .= "Content-Type: application/json\r\n";
            $options['content'] = json_encode((object) $body, JSON_THROW_ON_ERROR);
        }
        $url = $this->base . '/_sandbox/' . ltrim($path, '/');
        $answer = @file_get_contents($url, false, stream_context_create(['http' => $options]));
        if ($answer === false) {
            throw new \RuntimeException("$method $url failed");
        }
        $status = 0;
        foreach ($http_response_header ?? [] as $header) {
            if (preg_match('~^HTTP/\S+\s+(\d+)~', $header, $m)) {
                $status = (int) $m[1];
            }
        }
        if ($status >= 400) {
            throw new \RuntimeException("$method $path: HTTP $status $answer");
        }
        return $answer === '' ? null : json_decode($answer, true, 512, JSON_THROW_ON_ERROR);
    }

    public function reset(): void
    {
        $this->control('reset');
    }

    /** Queues a fault, e.g. fault('delay', ['ms' => 500, 'prefix' => '/servicio', 'count' => 2]). */
    public function fault(string $mode, array $params = []): array
    {
        return $this->control('fault', ['mode' => $mode] + $params)['fault'];
    }

    /** @return list<array<string, mixed>> recorded service requests, optionally under a path prefix */
    public function requests(?string $prefix = null): array
    {
        return $this->get('requests' . ($prefix !== null ? '?' . http_build_query(['prefix' => $prefix]) : ''));
    }

    /** @return array<string, int> */
    public function stats(): array
    {
        return $this->get('stats');
    }

    public function fesAccount(string $usuario, array $fields): array
    {
        return $this->control('fes/account', ['usuario' => $usuario] + $fields)['account'];
    }

    public function cfdiAccount(string $usuario, array $fields): array
    {
        return $this->control('cfdi/account', ['usuario' => $usuario] + $fields)['account'];
    }

    public function fvInvalidateTokens(): void
    {
        $this->control('fv/invalidate_tokens');
    }

    /** Answer shapes: express, express_id_key, detail_contrato, callback_contract (sandbox/README.md). */
    public function fvShapes(array $knobs): array
    {
        return $this->control('fv/shapes', $knobs);
    }

    /** Sets a contract's status (and sPaymentStatus); its callback is delivered before this returns. */
    public function fvAdvance(string $contract, string $status, array $fields = []): array
    {
        return $this->control('fv/advance', ['contract' => $contract, 'status' => $status] + $fields);
    }

    public function fvResetCode(string $login): string
    {
        return (string) $this->get('fv/reset_code?' . http_build_query(['login' => $login]))['code'];
    }

    /**
     * Values of one query parameter of a recorded request.
     * @param array<string, mixed> $request
     * @return list<string>
     */
    public static function query(array $request, string $name): array
    {
        $values = [];
        foreach ($request['query'] ?? [] as [$key, $value]) {
            if ($key === $name) {
                $values[] = $value;
            }
        }
        return $values;
    }
}
