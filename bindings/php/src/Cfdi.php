<?php

declare(strict_types=1);

namespace Sello;

use Psr\Log\LoggerInterface;

/**
 * CFDI — Prodigia / PADE (Mexico): CFDI 4.0 stamping (XML, or the CSV interchange file),
 * cancellation with SAT's motivo, SAT status, receipts and stamped XML; HTTP Basic authentication.
 *
 * Configuration as Fes, with usuario, password and contrato (the default contract, overridable
 * per call). Authentication failures are never retried: Prodigia locks an account after 3.
 */
final class Cfdi extends Client
{
    protected const SERVICE = 'cfdi';
    protected const NEW_FUNCTION = Abi::CLIENT_FUNCTIONS['cfdi']['client_new'];
    protected const FREE_FUNCTION = Abi::CLIENT_FUNCTIONS['cfdi']['client_free'];
    protected const SET_PROGRESS_FUNCTION = Abi::CLIENT_FUNCTIONS['cfdi']['set_progress'];
    protected const SET_LOG_FUNCTION = Abi::CLIENT_FUNCTIONS['cfdi']['set_log'];
    protected const CANCEL_FUNCTION = Abi::CLIENT_FUNCTIONS['cfdi']['cancel'];
    /** Every operation include/sello.h declares for this service (Abi.php is generated from it). */
    protected const OPERATIONS = Abi::OPERATIONS['cfdi'];

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
        return $this->invoke('process_file', $request);
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
        return $this->invoke('process_file_with_csd', $request);
    }

    /**
     * Requests the cancellation of CFDIs (cancelarCfdiConOpciones): rfcEmisor, uuids (strings
     * "UUID|RFC_Receptor|RFC_Emisor|Total", with SAT's motivo
     * "UUID|RFC_Receptor|RFC_Emisor|Total|Motivo|FolioSustitucion", or arrays {uuid,
     * rfcReceptor, rfcEmisor, total, motivo, folioSustitucion}), the CSD as in processFileWithCsd
     * (or opciones ['CERT_DEFAULT']), opciones, contrato, save_dir. An entry without motivo is
     * sent as in 2020 with a warning MOTIVO_MISSING (prefer cancelWithReason). Per-UUID outcomes
     * are data ("cancelaciones", always a list, each with its "status").
     *
     * @param array{
     *     rfcEmisor: string,
     *     uuids: non-empty-list<string|array{
     *         uuid: string,
     *         rfcReceptor: string,
     *         rfcEmisor: string,
     *         total: string,
     *         motivo?: string|int,
     *         folioSustitucion?: string
     *     }>,
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
     *     cancelaciones: list<array{uuid: string, codigo: int, status: string, mensaje?: string, ...}>,
     *     saved_files?: list<string>,
     *     ...
     * }>
     */
    public function cancel(array $request): Result
    {
        return $this->invoke('cancel', $request);
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
        return $this->invoke('get_cancellation_receipt', $request);
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
        return $this->invoke('get_by_uuid', $request);
    }

    /**
     * Runs many requests of one operation concurrently: ['operation' => 'process_file' (default) |
     * 'process_file_with_csd' | 'stamp_xml' | 'stamp_xml_with_csd' | 'get_status' | 'get_by_uuid',
     * 'items' => [request of that operation, ...], 'concurrency' => 8]. Data: results (envelopes in
     * input order; Result::unwrap() each), succeeded, failed; one item's failure does not stop
     * the others.
     *
     * @param array{
     *     operation?: string,
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
        return $this->invoke('process_files', $request);
    }

    /**
     * Stamps a CFDI 4.0 XML (timbrado40): xml (text) | xml_path | xml_base64, prueba, opciones,
     * contrato, save_dir, include_xml. Checked locally first (well-formed 4.0 without DTD, a 3.3
     * is CFDI33_RETIRED, no timbre inside (307), a Sello unless CALCULAR_SELLO (302), Fecha
     * within SAT's 72 hours (401)). REGRESAR_CON_ERROR_307_XML is added: an XML stamped before
     * comes back as that stamp with a warning ALREADY_STAMPED.
     *
     * @param array{
     *     xml?: string,
     *     xml_path?: string,
     *     xml_base64?: string,
     *     prueba?: bool,
     *     opciones?: list<string>,
     *     contrato?: string,
     *     save_dir?: string,
     *     include_xml?: bool
     * } $request
     * @return Result<array{
     *     timbradoOk: bool,
     *     codigo: int,
     *     uuid: string,
     *     mensaje?: string,
     *     xmlBase64?: string,
     *     xml?: string,
     *     saved_files?: list<string>,
     *     ...
     * }>
     */
    public function stampXml(array $request): Result
    {
        return $this->invoke('stamp_xml', $request);
    }

    /**
     * Stamps a CFDI 4.0 XML sending the issuer's CSD (timbrado40/timbrarCfdi): the stampXml fields
     * plus cert_path | certBase64, key_path | keyBase64 and keyPass; the CSD must be the Emisor's.
     *
     * @param array{
     *     xml?: string,
     *     xml_path?: string,
     *     xml_base64?: string,
     *     prueba?: bool,
     *     opciones?: list<string>,
     *     contrato?: string,
     *     save_dir?: string,
     *     include_xml?: bool,
     *     cert_path?: string,
     *     certBase64?: string,
     *     key_path?: string,
     *     keyBase64?: string,
     *     keyPass: string
     * } $request
     * @return Result<array{
     *     timbradoOk: bool,
     *     codigo: int,
     *     uuid: string,
     *     mensaje?: string,
     *     xmlBase64?: string,
     *     xml?: string,
     *     saved_files?: list<string>,
     *     ...
     * }>
     */
    public function stampXmlWithCsd(array $request): Result
    {
        return $this->invoke('stamp_xml_with_csd', $request);
    }

    /**
     * Cancels CFDIs with SAT's motivo (cancelacion/cancelar): rfcEmisor, uuids (strings
     * "UUID|Motivo|FolioSustitucion" or arrays {uuid, motivo, folioSustitucion}; motivo '01'..'04',
     * '01' with the replacing CFDI's UUID), the CSD as in cancel (or opciones ['CERT_DEFAULT']),
     * opciones, contrato, save_dir. Each of "cancelaciones" has "status": cancelled,
     * already_cancelled, pending, rejected, not_cancellable, not_found or error.
     *
     * @param array{
     *     rfcEmisor: string,
     *     uuids: non-empty-list<string|array{uuid: string, motivo: string|int, folioSustitucion?: string}>,
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
     *     codigo: int,
     *     cancelaciones: list<array{uuid: string, codigo: int, status: string, mensaje?: string, ...}>,
     *     acuseCancelBase64?: string,
     *     saved_files?: list<string>,
     *     ...
     * }>
     */
    public function cancelWithReason(array $request): Result
    {
        return $this->invoke('cancel_with_reason', $request);
    }

    /**
     * The SAT status of a CFDI (consultarEstatusComprobante): uuid, rfcEmisor, rfcReceptor, total,
     * opciones, contrato. Data: the servicioConsultaComprobante answer plus "estatus_text".
     *
     * @param array{
     *     uuid: string,
     *     rfcEmisor: string,
     *     rfcReceptor: string,
     *     total: string,
     *     opciones?: list<string>,
     *     contrato?: string
     * } $request
     * @return Result<array{
     *     consultaOk: bool,
     *     codigo: int,
     *     codigoEstatus?: string,
     *     esCancelable?: string,
     *     estado?: string,
     *     estatusCancelacion?: string,
     *     estatusCfdi?: int,
     *     estatus_text?: string,
     *     ...
     * }>
     */
    public function getStatus(array $request): Result
    {
        return $this->invoke('get_status', $request);
    }
}
