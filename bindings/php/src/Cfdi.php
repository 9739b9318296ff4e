<?php

declare(strict_types=1);

namespace Sello;

/**
 * CFDI — Prodigia / PADE integration API (Mexico), HTTP Basic authentication.
 *
 * Configuration as Fes, with usuario, password and contrato (the default contract, overridable
 * per call). Authentication failures are never retried: Prodigia locks an account after 3.
 */
final class Cfdi extends Client
{
    protected const SERVICE = 'cfdi';
    protected const NEW_FUNCTION = 'cfdi_client_new';
    protected const FREE_FUNCTION = 'cfdi_client_free';
    protected const SET_PROGRESS_FUNCTION = 'cfdi_client_set_progress';
    protected const SET_LOG_FUNCTION = 'cfdi_client_set_log';
    protected const OPERATIONS = [
        'process_file' => 'cfdi_process_file',
        'process_file_with_csd' => 'cfdi_process_file_with_csd',
        'cancel' => 'cfdi_cancel',
        'get_cancellation_receipt' => 'cfdi_get_cancellation_receipt',
        'get_by_uuid' => 'cfdi_get_by_uuid',
        'process_files' => 'cfdi_process_files',
    ];

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
     * Stamps a CFDI from the CSV interchange file (procesarArchivo): datos (CSV text) | datos_path
     * | datos_base64, prueba, opciones, opciones_base64, contrato, save_dir, include_xml. Data: the
     * servicioTimbrado answer (timbradoOk, codigo, uuid...), plus xml and saved_files. Never
     * re-sent once it may have reached the service.
     */
    public function processFile(array $request): Result
    {
        return $this->invoke('cfdi_process_file', 'process_file', $request);
    }

    /**
     * Stamps sending the CSD (procesarArchivoConCSD): the processFile fields plus cert_path |
     * certBase64, key_path | keyBase64 and keyPass. The CSD is checked locally first.
     */
    public function processFileWithCsd(array $request): Result
    {
        return $this->invoke('cfdi_process_file_with_csd', 'process_file_with_csd', $request);
    }

    /**
     * Requests the cancellation of CFDIs (cancelarCfdiConOpciones): rfcEmisor, uuids (strings
     * "UUID|RFC_Receptor|RFC_Emisor|Total" or arrays {uuid, rfcReceptor, rfcEmisor, total}), the
     * CSD as in processFileWithCsd (or opciones ['CERT_DEFAULT']), opciones, contrato, save_dir.
     * Per-UUID outcomes are data ("cancelaciones", always a list).
     */
    public function cancel(array $request): Result
    {
        return $this->invoke('cfdi_cancel', 'cancel', $request);
    }

    /** The cancellation receipt (acuseCancelacion): uuid, contrato, save_dir, include_xml. */
    public function getCancellationReceipt(array $request): Result
    {
        return $this->invoke('cfdi_get_cancellation_receipt', 'get_cancellation_receipt', $request);
    }

    /** A stamped CFDI's XML (consultaCfdiPorUUID): uuid, contrato, save_dir, include_xml. */
    public function getByUuid(array $request): Result
    {
        return $this->invoke('cfdi_get_by_uuid', 'get_by_uuid', $request);
    }

    /**
     * Stamps many CSV files concurrently: ['items' => [processFile request, ...], 'concurrency' => 8].
     * Data: results (envelopes in input order; Result::unwrap() each), succeeded, failed.
     */
    public function processFiles(array $request): Result
    {
        return $this->invoke('cfdi_process_files', 'process_files', $request);
    }
}
