<?php

declare(strict_types=1);

namespace Sello;

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
    protected const NEW_FUNCTION = 'fes_client_new';
    protected const FREE_FUNCTION = 'fes_client_free';
    protected const SET_PROGRESS_FUNCTION = 'fes_client_set_progress';
    protected const SET_LOG_FUNCTION = 'fes_client_set_log';
    protected const OPERATIONS = ['obtain_certificate' => 'fes_obtain_certificate'];

    /**
     * @param array<string, mixed> $config
     * @param (callable(int, int): void)|null $onProgress
     * @param (callable(int, string): void)|null $onLog
     */
    public function __construct(array $config, ?callable $onProgress = null, ?callable $onLog = null,
                                int $logLevel = self::LOG_INFO)
    {
        parent::__construct($config, $onProgress, $onLog, $logLevel);
    }

    /**
     * Issues a digital certificate (POST {base}/obtenerCertificado). Never sent twice.
     *
     * Request: rut, correo, numeroDocumento, claveCertificado, duracion (1, 2, 3), nombreEmpresa,
     * comuna, direccion, giroEmpresa, save_to (optional path). Data: estado, errorCode, comentario,
     * certificado (base64 PKCS#12), saved_to, certificate_info {subject, rut, serial, not_before,
     * not_after}. A TimeoutException that is not retryable means the request may have reached
     * the service: check with the provider before asking again.
     *
     * @param array<string, mixed> $request
     */
    public function obtainCertificate(array $request): Result
    {
        return $this->invoke('fes_obtain_certificate', 'obtain_certificate', $request);
    }
}
