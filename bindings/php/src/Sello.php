<?php

declare(strict_types=1);

namespace Sello;

/**
 * The functions of include/sello.h that need no client: version, local validators, checks.
 * Nothing here sends anything.
 */
final class Sello
{
    public const ABI_VERSION = Library::ABI_VERSION;

    private function __construct()
    {
    }

    /** The loaded library's version (sello_version), e.g. "0.1.0". */
    public static function version(): string
    {
        return (string) Library::ffi()->sello_version();
    }

    /** The loaded library's ABI version (sello_abi_version). */
    public static function abiVersion(): int
    {
        return (int) Library::ffi()->sello_abi_version();
    }

    /** Where libsello.so was loaded from. */
    public static function libraryPath(): string
    {
        return Library::path();
    }

    /**
     * Validates and normalises a Chilean RUT (sello_check_rut). An invalid RUT throws
     * ValidationException RUT_INVALIDO (106).
     *
     * @return Result<array{valid: bool, normalized: string, formatted: string, body: int, check_digit: string}>
     */
    public static function checkRut(string $rut): Result
    {
        return self::helper('sello_check_rut', ['rut' => $rut]);
    }

    /**
     * Looks up a Chilean comuna ignoring case and accents (sello_find_comuna). Not found:
     * ValidationException COMUNA_NO_ENCONTRADA (112), suggestions in details()['suggestions'].
     *
     * @return Result<array{
     *     name: string,
     *     cut: string,
     *     province_cut: string,
     *     region: array{id: string, name: string, iso_code: string}
     * }>
     */
    public static function findComuna(string $comuna): Result
    {
        return self::helper('sello_find_comuna', ['comuna' => $comuna]);
    }

    /**
     * Checks a Mexican RFC (sello_check_rfc). A wrong check digit is a warning (RFC_CHECK_DIGIT);
     * a malformed RFC throws RFC_INVALIDO.
     *
     * @return Result<array{
     *     valid: bool,
     *     rfc: string,
     *     type: 'moral'|'fisica',
     *     date: string,
     *     check_digit_ok: bool,
     *     generic: bool
     * }>
     */
    public static function checkRfc(string $rfc): Result
    {
        return self::helper('sello_check_rfc', ['rfc' => $rfc]);
    }

    /**
     * Checks a Fes::obtainCertificate() request without sending it (fes_check_request): data is
     * the JSON body as it would be sent, secrets replaced by "***". Every field is optional here, so
     * that a partial request shows everything that is missing.
     *
     * @param array{
     *     rut?: string,
     *     correo?: string,
     *     numeroDocumento?: string,
     *     claveCertificado?: string,
     *     duracion?: int,
     *     nombreEmpresa?: string,
     *     comuna?: string,
     *     direccion?: string,
     *     giroEmpresa?: string,
     *     save_to?: string
     * } $request
     * @return Result<array{
     *     request: array{encabezado: array{usuario: string, clave: string}, parametro: array<string, string|int>},
     *     save_to?: string
     * }>
     */
    public static function fesCheckRequest(#[\SensitiveParameter] array $request): Result
    {
        return self::helper('fes_check_request', $request);
    }

    /**
     * Inspects a CSD without sending anything (cfdi_inspect_csd): the certificate (a path or base64)
     * and optionally its key with keyPass. An expired certificate or a FIEL is data, not an error.
     *
     * @param array{
     *     cert_path?: string,
     *     certBase64?: string,
     *     key_path?: string,
     *     keyBase64?: string,
     *     keyPass?: string
     * } $request
     * @return Result<array{
     *     rfc: string,
     *     name: string,
     *     no_certificado: string,
     *     not_before: string,
     *     not_after: string,
     *     expired: bool,
     *     is_csd: bool,
     *     key_matches: bool|null
     * }>
     */
    public static function cfdiInspectCsd(#[\SensitiveParameter] array $request): Result
    {
        return self::helper('cfdi_inspect_csd', $request);
    }

    /**
     * Reads the body Firma Virtual POSTs to a contract's callback URL (fv_parse_callback; nothing
     * sent): data sContractID, sStatus (as received), sContractName, status (CREATED, REVIEW,
     * APPROVED, REJECTED, IN_NOTARY, SIGNED_PENDING, DELIVERED, FINISHED, or OTHER with a
     * STATUS_UNKNOWN warning), signers, contract. Not a callback: ValidationException
     * CALLBACK_INVALID. Not authenticated: act on FirmaVirtual::confirmCallback(), not on this.
     *
     * @param string|array<string, mixed> $body the raw body (file_get_contents('php://input'))
     *     or its decoded JSON
     * @return Result<array{
     *     sContractID: string|null,
     *     sStatus: string|null,
     *     sContractName: string|null,
     *     status: string|null,
     *     signers: list<array<string, mixed>>,
     *     contract: array<string, mixed>,
     *     ...
     * }>
     */
    public static function fvParseCallback(string|array $body): Result
    {
        return self::helper('fv_parse_callback', FirmaVirtual::callbackRequest($body));
    }

    /**
     * A Result for an "ok": true envelope, or the matching exception thrown.
     * @param array{
     *     ok: bool,
     *     data?: mixed,
     *     warnings?: list<array<string, mixed>>,
     *     error?: array<string, mixed>,
     *     meta?: array<string, mixed>
     * } $envelope
     * @return Result<mixed>
     */
    public static function unwrap(array $envelope): Result
    {
        return Result::unwrap($envelope);
    }

    /**
     * @param array<string, mixed> $request
     * @return Result<mixed>
     */
    private static function helper(string $function, #[\SensitiveParameter] array $request): Result
    {
        [$service, $operation] = explode('_', $function, 2);     // sello_check_rut: 'sello', 'check_rut'
        $payload = Library::encode($request, $service, $operation);
        return Result::unwrap(Library::take(Library::ffi()->{$function}($payload)));
    }
}
