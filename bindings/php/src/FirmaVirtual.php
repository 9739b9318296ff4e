<?php

declare(strict_types=1);

namespace Sello;

use Psr\Log\LoggerInterface;

/**
 * Firma Virtual (Chile): users, contracts, PDF documents, signers.
 *
 * Configuration as Fes, with login and password instead of usuario/clave, and max_upload_bytes
 * (default 52428800, the service's 50 MB); environment 'qa' (the default, qa.firmavirtual.legal),
 * 'sandbox' (test.firmavirtual.legal) or 'production' (api.firmavirtual.legal). The bearer token
 * is obtained when first needed, kept inside the client and renewed once when the service
 * reports it invalid; it is never returned.
 *
 * Every method takes the request as an array with the service's field names (IDUser, sOwnerType,
 * contractID...) and returns a Result whose data is the service's "message" payload unwrapped
 * (an array or a string), with the body's own code in $result->meta['service_code'].
 */
final class FirmaVirtual extends Client
{
    protected const SERVICE = 'fv';
    protected const NEW_FUNCTION = Abi::CLIENT_FUNCTIONS['fv']['client_new'];
    protected const FREE_FUNCTION = Abi::CLIENT_FUNCTIONS['fv']['client_free'];
    protected const SET_PROGRESS_FUNCTION = Abi::CLIENT_FUNCTIONS['fv']['set_progress'];
    protected const SET_LOG_FUNCTION = Abi::CLIENT_FUNCTIONS['fv']['set_log'];
    protected const CANCEL_FUNCTION = Abi::CLIENT_FUNCTIONS['fv']['cancel'];
    /** Every operation include/sello.h declares for this service (Abi.php is generated from it). */
    protected const OPERATIONS = Abi::OPERATIONS['fv'];

    /**
     * @param array{
     *     login: string,
     *     password: string,
     *     max_upload_bytes?: int,
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
     * UserDataLogin (POST /logindata) with the configured login: logs in now, replacing the cached
     * token (which is never returned).
     *
     * @param array{} $request
     * @return Result<array{
     *     authorized: bool,
     *     expires_at: string|null
     * }>
     */
    public function login(array $request = []): Result
    {
        return $this->invoke('login', $request);
    }

    /**
     * GetAllUser (GET /api/v1/userapp/{IDUser}); sPassword is the hash the service sends.
     *
     * @param array{
     *     IDUser: int|string
     * } $request
     * @return Result<array{
     *     iUserID: int,
     *     iProfileID: int,
     *     sRUT: string,
     *     sEmail: string,
     *     sPhone: string,
     *     sFirstName: string,
     *     sLastName: string,
     *     sLogin: string,
     *     sPassword: string,
     *     sStatus: string,
     *     sComments: string,
     *     sUserType: string,
     *     ...
     * }>
     */
    public function getUser(array $request): Result
    {
        return $this->invoke('get_user', $request);
    }

    /**
     * CreateUserApp (POST /api/v1/userapp). Not repeated once it may have been sent.
     *
     * @param array{
     *     iProfileID?: int,
     *     sRUT: string,
     *     sFirstName: string,
     *     sLastName: string,
     *     sEmail: string,
     *     sPhone: string,
     *     sLogin: string,
     *     sPassword: string,
     *     sComments?: string,
     *     sUserType?: 'NATURAL'|'LEGAL'
     * } $request
     * @return Result<array{
     *     iUserID: int,
     *     sRUT: string,
     *     sEmail: string,
     *     sLogin: string,
     *     ...
     * }>
     */
    public function createUser(array $request): Result
    {
        return $this->invoke('create_user', $request);
    }

    /**
     * UpdateUserApp (PUT /api/v1/userapp/{IDUser}): only sFirstName, sLastName and sPhone are
     * updated, at least one of them.
     *
     * @param array{
     *     IDUser: int|string,
     *     sFirstName?: string,
     *     sLastName?: string,
     *     sPhone?: string
     * } $request
     * @return Result<array{
     *     iUserID: int,
     *     iProfileID: int,
     *     sRUT: string,
     *     sEmail: string,
     *     sPhone: string,
     *     sFirstName: string,
     *     sLastName: string,
     *     sLogin: string,
     *     sPassword: string,
     *     sStatus: string,
     *     sComments: string,
     *     sUserType: string,
     *     ...
     * }>
     */
    public function updateUser(array $request): Result
    {
        return $this->invoke('update_user', $request);
    }

    /**
     * PasswordReset (POST /pwd/reset): e-mails a temporary code to login (an e-mail).
     *
     * @param array{
     *     login: string
     * } $request
     * @return Result<array{
     *     info: string,
     *     ...
     * }>
     */
    public function resetPassword(array $request): Result
    {
        return $this->invoke('reset_password', $request);
    }

    /**
     * NewPassword (POST /pwd/reset): password is the e-mailed code. Data: the service's message.
     *
     * @param array{
     *     login: string,
     *     password: string|int,
     *     new_password: string
     * } $request
     * @return Result<string|array{info?: string, ...}>
     */
    public function newPassword(array $request): Result
    {
        return $this->invoke('new_password', $request);
    }

    /**
     * GetOneContract (GET /api/v1/contract/{IDContract}).
     *
     * @param array{
     *     IDContract: string
     * } $request
     * @return Result<array{
     *     sContractID: string,
     *     sOwnerType: string,
     *     iContractTypeFeeID: int,
     *     sStatus: string,
     *     sPaymentStatus: string,
     *     iPaymentService: int,
     *     dContractDT: string,
     *     iSignedCount: int,
     *     iContractOwner: int,
     *     ...
     * }>
     */
    public function getContract(array $request): Result
    {
        return $this->invoke('get_contract', $request);
    }

    /**
     * CreateContract (POST /api/v1/contract/create-contract). Never sent twice once it may
     * have reached the service. Data: [the contract, its signers with their amounts].
     *
     * @param array{
     *     sOwnerType: 'NATURAL'|'LEGAL',
     *     sPaymentStatus?: 'PENDING'|'PAIDOUT',
     *     iPaymentService?: int,
     *     iContractTypeFeeID: int,
     *     iSignedCount: int,
     *     callback?: string,
     *     signers: non-empty-list<array{
     *         full_name: string,
     *         email: string,
     *         rutId: string,
     *         phone: string,
     *         type: 'NATURAL'|'LEGAL',
     *         portion?: int|string,
     *         payment?: string
     *     }>
     * } $request
     * @return Result<array{
     *     0: array{sContractID: string, sStatus: string, dContractDT?: string, ...},
     *     1: list<array<string, mixed>>
     * }>
     */
    public function createContract(array $request): Result
    {
        return $this->invoke('create_contract', $request);
    }

    /**
     * GetContractType (GET /api/v1/contract-type/{QTYPE}/{QVALUE}): QTYPE ALL (QVALUE 0), TYPE,
     * CONTRACT-TYPE, MODAL, ID or FEE.
     *
     * @param array{
     *     QTYPE: string,
     *     QVALUE: string|int
     * } $request
     * @return Result<list<array{
     *     iContractTypeID: int,
     *     sContractType: string,
     *     sContractTypeName: string,
     *     iContractTypeFeeID: int,
     *     sModal: string,
     *     iSignCount: int,
     *     fAmount: string|float,
     *     ...
     * }>>
     */
    public function listContractTypes(array $request): Result
    {
        return $this->invoke('list_contract_types', $request);
    }

    /**
     * ContractOwner (GET /api/v1/contract/owner/{IDOwner}): empty when there is none.
     *
     * @param array{
     *     IDOwner: int|string
     * } $request
     * @return Result<list<array{
     *     sContractID: string,
     *     sStatus: string,
     *     ...
     * }>>
     */
    public function listOwnerContracts(array $request): Result
    {
        return $this->invoke('list_owner_contracts', $request);
    }

    /**
     * ContratcDetail (GET /api/v1/contract/detail/{ContractID}): the contract, its signers and
     * its files.
     *
     * @param array{
     *     ContractID: string
     * } $request
     * @return Result<array{
     *     contrato: list<array<string, mixed>>,
     *     firmantes: list<array{num: int, RUT: string, email: string, full_name: string, ...}>,
     *     archivos: list<array{file_name: string, orden: int, ...}>,
     *     ...
     * }>
     */
    public function getContractDetail(array $request): Result
    {
        return $this->invoke('get_contract_detail', $request);
    }

    /**
     * DeleteContract (POST /api/v1/contract/{IDContract}, a POST as documented). Not repeated
     * once sent.
     *
     * @param array{
     *     IDContract: string
     * } $request
     * @return Result<array{}>
     */
    public function deleteContract(array $request): Result
    {
        return $this->invoke('delete_contract', $request);
    }

    /**
     * SubirDocumentos (multipart POST /api/v1/upfile), sent as "<contractID>.pdf": file_path
     * (streamed from disk, progress reported) or content_base64.
     *
     * @param array{
     *     contractID: string,
     *     file_path?: string,
     *     content_base64?: string
     * } $request
     * @return Result<array{}>
     */
    public function uploadDocument(array $request): Result
    {
        return $this->invoke('upload_document', $request);
    }

    /**
     * FileList (GET /api/v1/filelist/{ContractID}), in order.
     *
     * @param array{
     *     ContractID: string
     * } $request
     * @return Result<list<array{
     *     contractID: string,
     *     document: string,
     *     url: string,
     *     description: string,
     *     orden: int,
     *     ...
     * }>>
     */
    public function listFiles(array $request): Result
    {
        return $this->invoke('list_files', $request);
    }

    /**
     * SortFiles (POST /api/v1/sortfiles): each document (a name from listFiles) to a new position,
     * or removed. Data: the new file list.
     *
     * @param array{
     *     contractID: string,
     *     file_order: non-empty-list<array{document: string, ind: int, action: 'CHANGE'|'REMOVE'}>
     * } $request
     * @return Result<list<array{
     *     contractID: string,
     *     document: string,
     *     url: string,
     *     description: string,
     *     orden: int,
     *     ...
     * }>>
     */
    public function sortFiles(array $request): Result
    {
        return $this->invoke('sort_files', $request);
    }

    /**
     * MergedFile (POST /api/v1/contract/merge/{ContractID}). Not repeated once sent.
     *
     * @param array{
     *     ContractID: string
     * } $request
     * @return Result<array{}>
     */
    public function mergeFiles(array $request): Result
    {
        return $this->invoke('merge_files', $request);
    }

    /**
     * SendContract (POST /api/v1/contract/send/draft/{IDContract}): mails the draft to the signers.
     *
     * @param array{
     *     IDContract: string
     * } $request
     * @return Result<array{
     *     msg: string,
     *     ok_count: int,
     *     fail_count: int,
     *     info_detail: list<array{full_name: string, email: string, status_mail: string, info_mail: string}>,
     *     ...
     * }>
     */
    public function sendContract(array $request): Result
    {
        return $this->invoke('send_contract', $request);
    }

    /**
     * CreateSigner (POST /api/v1/signer/new).
     *
     * @param array{
     *     contractID: string,
     *     full_name: string,
     *     email: string,
     *     rutId: string,
     *     phone: string
     * } $request
     * @return Result<array{}>
     */
    public function createSigner(array $request): Result
    {
        return $this->invoke('create_signer', $request);
    }

    /**
     * UpdateSigner (POST /api/v1/signer/upd): the signer is found by rutId.
     *
     * @param array{
     *     contractID: string,
     *     full_name: string,
     *     email: string,
     *     rutId: string,
     *     phone: string
     * } $request
     * @return Result<array{}>
     */
    public function updateSigner(array $request): Result
    {
        return $this->invoke('update_signer', $request);
    }

    /**
     * DeleteSigner (POST /api/v1/signer/del).
     *
     * @param array{
     *     contractID: string,
     *     rutId: string
     * } $request
     * @return Result<array{}>
     */
    public function deleteSigner(array $request): Result
    {
        return $this->invoke('delete_signer', $request);
    }

    // -- today: one call per contract, and its callbacks ------------------------------------------

    /**
     * create-contract-express (POST /api/v1/contract/create-contract-express): the contract, its
     * signers and its PDF in one call. Never sent twice once it may have reached the service.
     *
     * Request: sOwnerType, iContractTypeFeeID, signers [{full_name, email, rutId, phone ("+56…" or
     * the 9 digits), rol (0 signs, 3 pays), order, type, portion ("100", or "50" for each of two
     * payers), payment}], iSignedCount, sContractName, callback, iAgreementId, iPriceId, provider,
     * and the PDF as file_path (base64-encoded while it is sent) or content_base64. Data:
     * sContractID, sStatus, sContractName, message; when the answer carries no contract id,
     * sContractID is null and $result->warnings has CONTRACT_ID_MISSING (find it by its name).
     *
     * @param array{
     *     sOwnerType: 'NATURAL'|'LEGAL',
     *     iContractTypeFeeID: int,
     *     iSignedCount?: int,
     *     signers: non-empty-list<array{
     *         full_name: string,
     *         email: string,
     *         rutId: string,
     *         phone: string,
     *         rol?: 0|3,
     *         order?: int,
     *         type?: 'NATURAL'|'LEGAL',
     *         portion?: int|string,
     *         payment?: string
     *     }>,
     *     sContractName?: string,
     *     callback?: string,
     *     iAgreementId?: int,
     *     iPriceId?: int,
     *     provider?: string,
     *     file_path?: string,
     *     content_base64?: string
     * } $request
     * @return Result<array{
     *     sContractID: string|null,
     *     sStatus: string|null,
     *     sContractName: string|null,
     *     message: mixed
     * }>
     */
    public function createContractExpress(array $request): Result
    {
        return $this->invoke('create_contract_express', $request);
    }

    /**
     * Parses a callback body (as Sello::fvParseCallback), then asks the service for the contract's
     * detail and returns the status it confirms (fv_confirm_callback): data sContractID, sStatus,
     * status, sPaymentStatus, paid, agrees (the callback said the same), callback, detail. Act on
     * 'status', the service's word: a callback is not authenticated.
     *
     * @param string|array<string, mixed> $body the raw body (file_get_contents('php://input'))
     *     or its decoded JSON
     * @return Result<array{
     *     sContractID: string,
     *     sStatus: string|null,
     *     status: string|null,
     *     sPaymentStatus?: string|null,
     *     paid?: bool,
     *     agrees: bool,
     *     callback: array<string, mixed>,
     *     detail: mixed,
     *     ...
     * }>
     */
    public function confirmCallback(string|array $body): Result
    {
        return $this->invoke('confirm_callback', self::callbackRequest($body));
    }

    /**
     * The request of fv_parse_callback and fv_confirm_callback: {"body": text or object}. Text that
     * is not UTF-8 is passed with U+FFFD in place of its bad bytes (and refused as not a callback).
     *
     * @param string|array<string, mixed> $body
     * @return array<string, mixed>
     * @internal
     */
    public static function callbackRequest(string|array $body): array
    {
        if (is_string($body)) {
            $text = json_decode((string) json_encode($body, JSON_INVALID_UTF8_SUBSTITUTE), true);
            return ['body' => is_string($text) ? $text : ''];
        }
        return ['body' => $body === [] ? new \stdClass() : $body];
    }
}
