<?php

declare(strict_types=1);

namespace Sello;

use Psr\Log\LoggerInterface;

/**
 * FES — Certificadora del Sur (Chile): digital certificates for SII tax documents.
 *
 *     $fes = new Sello\Fes(['usuario' => 'PruebaWS', 'clave' => '...', 'base_url' => $url]);
 *     $cert = $fes->obtainCertificate(['rut' => '19.371.037-9', ..., 'save_to' => 'cert.p12']);
 *     echo $cert['certificate_info']['not_after'];
 *
 * Configuration: usuario, clave, base_url (default: the service's documented URL) or environment
 * ('test', the default; 'production' has no published URL: configure the one Certificadora del
 * Sur gives with the account as base_url), timeout_ms
 * (60000), connect_timeout_ms (10000), ca_file, proxy, user_agent, max_response_bytes
 * (104857600), allow_insecure_http (false: http:// only to loopback), retries ({"max": 2,
 * "base_delay_ms": 200, "max_delay_ms": 5000}). A bad configuration throws
 * Exception\InvalidArgumentException.
 */
final class Fes extends Client
{
    protected const SERVICE = 'fes';
    protected const NEW_FUNCTION = Abi::CLIENT_FUNCTIONS['fes']['client_new'];
    protected const FREE_FUNCTION = Abi::CLIENT_FUNCTIONS['fes']['client_free'];
    protected const SET_PROGRESS_FUNCTION = Abi::CLIENT_FUNCTIONS['fes']['set_progress'];
    protected const SET_LOG_FUNCTION = Abi::CLIENT_FUNCTIONS['fes']['set_log'];
    protected const CANCEL_FUNCTION = Abi::CLIENT_FUNCTIONS['fes']['cancel'];
    /** Every operation include/sello.h declares for this service (Abi.php is generated from it). */
    protected const OPERATIONS = Abi::OPERATIONS['fes'];

    /**
     * @param array{
     *     usuario: string,
     *     clave: string,
     *     base_url?: string,
     *     timeout_ms?: int,
     *     connect_timeout_ms?: int,
     *     ca_file?: string,
     *     proxy?: string,
     *     user_agent?: string,
     *     max_response_bytes?: int,
     *     allow_insecure_http?: bool,
     *     retries?: array{max?: int, base_delay_ms?: int, max_delay_ms?: int}
     * } $config
     * @param (callable(int, int): void)|null $onProgress fn(int $doneBytes, int $totalBytes)
     * @param (callable(int, string): void)|null $onLog fn(int $level, string $message)
     * @param LoggerInterface|null $logger a PSR-3 logger for the library's lines (debug..error)
     */
    public function __construct(
        array $config,
        ?callable $onProgress = null,
        ?callable $onLog = null,
        int $logLevel = self::LOG_INFO,
        ?LoggerInterface $logger = null
    ) {
        parent::__construct($config, $onProgress, $onLog, $logLevel, $logger);
    }

    /**
     * Issues a digital certificate (POST {base}/obtenerCertificado). Never sent twice.
     *
     * Every field is checked locally first (the service's own codes); save_to is the path to write the
     * certificate to (PKCS#12, mode 0600). A TimeoutException that is not retryable means the request
     * may have reached the service: check with the provider before asking again.
     *
     * @param array{
     *     rut: string,
     *     correo: string,
     *     numeroDocumento: string,
     *     claveCertificado: string,
     *     duracion: int,
     *     nombreEmpresa: string,
     *     comuna: string,
     *     direccion: string,
     *     giroEmpresa: string,
     *     save_to?: string
     * } $request
     * @return Result<array{
     *     estado: string,
     *     errorCode: int,
     *     comentario: string,
     *     certificado: string,
     *     saved_to?: string,
     *     certificate_info?: array{
     *         subject: string,
     *         rut: string,
     *         serial: string,
     *         not_before: string,
     *         not_after: string
     *     },
     *     ...
     * }>
     */
    public function obtainCertificate(array $request): Result
    {
        return $this->invoke('obtain_certificate', $request);
    }
}
