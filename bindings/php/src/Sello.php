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
     * Validates and normalises a Chilean RUT (sello_check_rut): data valid, normalized, formatted,
     * body, check_digit. An invalid RUT throws ValidationException RUT_INVALIDO (106).
     */
    public static function checkRut(string $rut): Result
    {
        return self::helper('sello_check_rut', ['rut' => $rut]);
    }

    /**
     * Looks up a Chilean comuna ignoring case and accents (sello_find_comuna): data name, cut,
     * province_cut, region {id, name, iso_code}. Not found: ValidationException COMUNA_NO_ENCONTRADA (112).
     */
    public static function findComuna(string $comuna): Result
    {
        return self::helper('sello_find_comuna', ['comuna' => $comuna]);
    }

    /**
     * Checks a Mexican RFC (sello_check_rfc): data valid, rfc, type, date, check_digit_ok, generic.
     * A wrong check digit is a warning (RFC_CHECK_DIGIT); a malformed RFC throws RFC_INVALIDO.
     */
    public static function checkRfc(string $rfc): Result
    {
        return self::helper('sello_check_rfc', ['rfc' => $rfc]);
    }

    /**
     * Checks a Fes::obtainCertificate() request without sending it (fes_check_request): data is
     * the JSON body as it would be sent, secrets replaced by "***".
     * @param array<string, mixed> $request
     */
    public static function fesCheckRequest(array $request): Result
    {
        return self::helper('fes_check_request', $request);
    }

    /**
     * Inspects a CSD without sending anything (cfdi_inspect_csd): cert_path | certBase64,
     * key_path | keyBase64, keyPass. Data: rfc, name, no_certificado, not_before, not_after,
     * expired, is_csd, key_matches.
     * @param array<string, mixed> $request
     */
    public static function cfdiInspectCsd(array $request): Result
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
     * @param string|array<string, mixed> $body the raw body (file_get_contents('php://input')) or its decoded JSON
     */
    public static function fvParseCallback(string|array $body): Result
    {
        return self::helper('fv_parse_callback', FirmaVirtual::callbackRequest($body));
    }

    /**
     * A Result for an "ok": true envelope, or the matching exception thrown.
     * @param array<string, mixed> $envelope
     */
    public static function unwrap(array $envelope): Result
    {
        return Result::unwrap($envelope);
    }

    /** @param array<string, mixed> $request */
    private static function helper(string $function, array $request): Result
    {
        $payload = Library::encode($request);
        return Result::unwrap(Library::take(Library::ffi()->{$function}($payload)));
    }
}
