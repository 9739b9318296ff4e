<?php

declare(strict_types=1);

namespace Sello;

use Psr\Log\LoggerInterface;

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
     * @param array{
     *     usuario: string,
     *     password: string,
     *     contrato?: string,
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
     * Stamps a CFDI from the CSV interchange file (procesarArchivo): the CSV as datos (text),
     * datos_path or datos_base64. Never re-sent once it may have reached the service. timbradoOk with
     * a non-zero codigo is a warning, not an error.
     *
     * @param array{
     *     datos?: string,
     *     datos_path?: string,
     *     datos_base64?: string,
     *     prueba?: bool,
     *     opciones?: list<string>,
     *     opciones_base64?: bool,
     *     contrato?: string,
     *     save_dir?: string,
     *     include_xml?: bool
     * } $request
     * @return Result<array{
     *     id?: string,
     *     timbradoOk: bool,
     *     contrato?: string,
     *     codigo: int,
     *     version?: string,
     *     uuid: string,
     *     FechaTimbrado?: string,
     *     selloCFD?: string,
     *     noCertificadoSAT?: string,
     *     selloSAT?: string,
     *     xmlBase64?: string,
     *     pdfBase64?: string,
     *     saldo?: int,
     *     xml?: string,
     *     saved_files?: list<string>,
     *     ...
     * }>
     */
    public function processFile(array $request): Result
    {
        return $this->invoke('cfdi_process_file', 'process_file', $request);
    }

    /**
     * Stamps sending the CSD (procesarArchivoConCSD): the processFile fields plus the certificate
     * (cert_path | certBase64), the key (key_path | keyBase64) and keyPass. The CSD is checked locally
     * first (readable, a CSD and not a FIEL, not expired, the key opens and matches).
     *
     * @param array{
     *     datos?: string,
     *     datos_path?: string,
     *     datos_base64?: string,
     *     prueba?: bool,
     *     opciones?: list<string>,
     *     opciones_base64?: bool,
     *     contrato?: string,
     *     save_dir?: string,
     *     include_xml?: bool,
     *     cert_path?: string,
     *     certBase64?: string,
     *     key_path?: string,
     *     keyBase64?: string,
     *     keyPass?: string
     * } $request
     * @return Result<array{
     *     id?: string,
     *     timbradoOk: bool,
     *     contrato?: string,
     *     codigo: int,
     *     version?: string,
     *     uuid: string,
     *     FechaTimbrado?: string,
     *     selloCFD?: string,
     *     noCertificadoSAT?: string,
     *     selloSAT?: string,
     *     xmlBase64?: string,
     *     pdfBase64?: string,
     *     saldo?: int,
     *     xml?: string,
     *     saved_files?: list<string>,
     *     ...
     * }>
     */
    public function processFileWithCsd(array $request): Result
    {
        return $this->invoke('cfdi_process_file_with_csd', 'process_file_with_csd', $request);
    }

    /**
     * Requests the cancellation of CFDIs (cancelarCfdiConOpciones): uuids as strings
     * "UUID|RFC_Receptor|RFC_Emisor|Total" or arrays; the CSD as in processFileWithCsd, or opciones
     * ['CERT_DEFAULT']. Per-UUID outcomes are data (cancelaciones, always a list).
     *
     * @param array{
     *     rfcEmisor: string,
     *     uuids: non-empty-list<string|array{uuid: string, rfcReceptor: string, rfcEmisor: string, total: string}>,
     *     cert_path?: string,
     *     certBase64?: string,
     *     key_path?: string,
     *     keyBase64?: string,
     *     keyPass?: string,
     *     opciones?: list<string>,
     *     contrato?: string,
     *     save_dir?: string
     * } $request
     * @return Result<array{
     *     statusOk: bool,
     *     rfc?: string,
     *     codigo: int,
     *     cancelaciones: list<array{uuid: string, codigo: int, mensaje?: string, descripcion?: string, ...}>,
     *     saved_files?: list<string>,
     *     ...
     * }>
     */
    public function cancel(array $request): Result
    {
        return $this->invoke('cfdi_cancel', 'cancel', $request);
    }

    /**
     * The cancellation receipt (acuseCancelacion): the SAT's <Acuse> in xml with include_xml, saved as
     * <UUID>_acuse.xml with save_dir. Safe to repeat.
     *
     * @param array{
     *     uuid: string,
     *     contrato?: string,
     *     save_dir?: string,
     *     include_xml?: bool
     * } $request
     * @return Result<array{
     *     contrato?: string,
     *     consultaOk: bool,
     *     codigo: int,
     *     xmlBase64?: string,
     *     xml?: string,
     *     saved_files?: list<string>,
     *     ...
     * }>
     */
    public function getCancellationReceipt(array $request): Result
    {
        return $this->invoke('cfdi_get_cancellation_receipt', 'get_cancellation_receipt', $request);
    }

    /**
     * A stamped CFDI's XML (consultaCfdiPorUUID): in xml with include_xml, saved as <UUID>.xml with
     * save_dir. Safe to repeat.
     *
     * @param array{
     *     uuid: string,
     *     contrato?: string,
     *     save_dir?: string,
     *     include_xml?: bool
     * } $request
     * @return Result<array{
     *     contrato?: string,
     *     consultaOk: bool,
     *     codigo: int,
     *     xmlBase64?: string,
     *     xml?: string,
     *     saved_files?: list<string>,
     *     ...
     * }>
     */
    public function getByUuid(array $request): Result
    {
        return $this->invoke('cfdi_get_by_uuid', 'get_by_uuid', $request);
    }

    /**
     * Stamps many CSV files concurrently (a procesarArchivo each): items are processFile requests.
     * data['results'] holds one envelope per item, in input order (Result::unwrap() each); one item's
     * failure does not stop the others.
     *
     * @param array{
     *     items: list<array<string, mixed>>,
     *     concurrency?: int
     * } $request
     * @return Result<array{
     *     results: list<array<string, mixed>>,
     *     succeeded: int,
     *     failed: int
     * }>
     */
    public function processFiles(array $request): Result
    {
        return $this->invoke('cfdi_process_files', 'process_files', $request);
    }
}
