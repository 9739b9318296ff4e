<?php

declare(strict_types=1);

namespace Sello\Tests;

use PHPUnit\Framework\TestCase;

/** A test case with the shared sandbox, reset before each test, and the sandbox's accounts. */
abstract class SandboxTestCase extends TestCase
{
    public const FES_USER = ['usuario' => 'PruebaWS', 'clave' => 'bJBk9GuSJCOWLXODhniTCX7e5'];
    public const FV_USER = ['login' => 'userapp', 'password' => 'OnePass'];
    public const CFDI_USER = ['usuario' => 'pade_user', 'password' => 'pade_pass', 'contrato' => 'PADE-CONTRATO-01'];
    public const FAST_RETRIES = ['max' => 2, 'base_delay_ms' => 10, 'max_delay_ms' => 2000];
    /** The sandbox's seeded Firma Virtual contract (seed 001), SIGNED_PENDING. */
    public const SEEDED_CONTRACT = '307c1f32-bbb5-4cbe-a4f4-ecf20616510a';
    public const FES_REQUEST = [
        'rut' => '19.371.037-9', 'correo' => 'eleon@certificadoradelsur.cl', 'numeroDocumento' => '100123456',
        'claveCertificado' => 'Secreta123', 'duracion' => 3, 'nombreEmpresa' => 'CDS', 'comuna' => 'LOS ANGELES',
        'direccion' => 'Lautaro 867', 'giroEmpresa' => 'Otros',
    ];

    protected Sandbox $sandbox;

    protected function setUp(): void
    {
        $this->sandbox = Sandbox::shared();
        $this->sandbox->reset();
    }

    /** @return array<string, mixed> */
    protected function fesConfig(array $overrides = []): array
    {
        $config = ['base_url' => $this->sandbox->fesUrl] + self::FES_USER + ['retries' => self::FAST_RETRIES];
        return array_merge($config, $overrides);
    }

    /** @return array<string, mixed> */
    protected function fvConfig(array $overrides = []): array
    {
        $config = ['base_url' => $this->sandbox->fvUrl] + self::FV_USER + ['retries' => self::FAST_RETRIES];
        return array_merge($config, $overrides);
    }

    /** @return array<string, mixed> */
    protected function cfdiConfig(array $overrides = []): array
    {
        $config = ['base_url' => $this->sandbox->cfdiUrl] + self::CFDI_USER + ['retries' => self::FAST_RETRIES];
        return array_merge($config, $overrides);
    }

    /** A loopback port with nothing listening. */
    protected static function closedPort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr((string) $name, strrpos((string) $name, ':') + 1);
    }

    /** Runs PHP code in a fresh interpreter (the library is loaded once per process). */
    protected static function php(
        string $code,
        array $env = [],
        array $ini = [],
        array $prefix = [],
        array $flags = []
    ): array {
        $command = [...$prefix, PHP_BINARY, ...$flags];
        foreach ($ini as $name => $value) {
            $command[] = '-d';
            $command[] = "$name=$value";
        }
        $command[] = '-r';
        $command[] = $code;
        $environment = getenv();
        foreach ($env as $name => $value) {
            if ($value === null) {
                unset($environment[$name]);
            } else {
                $environment[$name] = $value;
            }
        }
        $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $environment);
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        $status = proc_close($process);
        return [$status, (string) $out, (string) $err];
    }
}
