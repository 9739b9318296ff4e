/*
 * sello.h — one C interface to three Latin-American e-signature and e-invoicing services:
 *
 *   fes_   FES, Certificadora del Sur (Chile): digital certificates for SII tax documents.
 *   fv_    Firma Virtual (Chile): users, contracts, PDF documents, signers.
 *   cfdi_  Prodigia / PADE (Mexico): CFDI 4.0 stamping (XML, or a CSV interchange file),
 *          cancellation with SAT's motivo, SAT status, receipts and stamped XML.
 *   sello_ what is common: version, memory, local validators.
 *
 * Conventions (the whole header follows them; each function below says only what differs):
 *
 *   - Requests are borrowed, UTF-8, NUL-terminated JSON objects. The library never keeps a
 *     pointer to them after the call returns.
 *   - Every `char *` result is a new UTF-8 JSON "envelope" owned by the caller, released with
 *     sello_free(). A result is NULL only when memory could not be allocated.
 *       {"ok": true,  "data": {...}, "warnings": [...], "meta": {...}}
 *       {"ok": false, "error": {"kind", "code", "service_code", "message", "field", "retryable"},
 *        "meta": {"service", "operation", "http_status", "attempts", "elapsed_ms"}}
 *     error.kind is one of: invalid_argument, validation, auth, service, http, timeout,
 *     transport, protocol, io, internal, cancelled. error.retryable says whether the very same
 *     request may be sent again safely. meta.attempts counts the HTTP requests sent (0: nothing
 *     was sent).
 *   - Cancelling. Every request of a client's operation may carry the library-only field
 *     "call_id" (a string the caller picks; several calls may share one).
 *     PREFIX_client_cancel(client, call_id) cancels the calls in flight on that client with that
 *     call_id (all of them when call_id is NULL), from any thread, also from a callback. A
 *     cancelled call returns within milliseconds with error kind "cancelled", code CANCELLED:
 *     its message says whether the request may have reached the service, and retryable follows
 *     the operation's replay policy (true when nothing was sent or the operation only reads;
 *     false for a stamp, a certificate or a contract that may have been made). A result that
 *     had already arrived is kept: a call whose answer is in returns it. A batch keeps the items
 *     that finished and reports the others as cancelled. A call waiting for another call's
 *     Firma Virtual login finishes that wait first. Local helpers accept call_id and ignore it.
 *   - No secret (passwords, clave, claveCertificado, keyPass, private keys, tokens) ever appears
 *     in an envelope, a log line or an error message.
 *   - Thread safety: every function may be called from any thread, concurrently, also on the
 *     same client handle. A client must not be freed while a call on it is in flight.
 *   - NULL, invalid UTF-8, invalid JSON, wrong JSON types, unknown fields and oversized input
 *     (over 8 MiB: pass large files by path) give an error envelope, never a crash.
 *
 * Rules that hold for every client and every operation (hardening, issue 12):
 *
 *   - Callbacks. No lock of the library is held while a log or progress callback runs, so a
 *     callback may call any function of this library, on any client including its own (the call
 *     it makes runs to completion before the callback returns). It must not free the client
 *     whose call invoked it, nor leave the callback by longjmp or a C++ exception. Lines produced
 *     while the library holds a lock (a Firma Virtual login shared by the calls waiting for a
 *     token) are delivered, in order, as soon as it is released, still before the call returns.
 *   - Changing callbacks. *_client_set_log and *_client_set_progress apply to the calls in flight
 *     too, and return only once no other thread is still inside the callback they replace: after
 *     *_client_set_log(c, NULL, NULL, 0) returns, the old function is never called again and its
 *     user_data may be freed. Called from inside one of that client's callbacks, they return
 *     at once (waiting could deadlock); the callback that called them is not called again.
 *   - Log lines are one line each: CR, LF, TAB and every other control character (C0, DEL, C1,
 *     U+2028, U+2029) coming from a request or an answer is written escaped (\r \n \t \x1B
 *     \u2028), so that no value can forge a line of its own.
 *   - Secrets (usuario/clave and password of the configuration, the proxy's password, keyPass,
 *     sPassword, new_password) have at least 4 characters: a shorter one could not be masked and
 *     is refused (invalid_argument SECRET_TOO_SHORT, nothing sent). In every envelope (member
 *     names included) and log line, a call's secrets (its request's too, also in a message
 *     that quotes another field of a request refused before it was sent) are replaced by "***"
 *     in every form they travel in: as they are, percent-encoded (either hex case, '+' for a
 *     space, or twice), JSON- or HTML-escaped (any \uXXXX, any character reference), misread
 *     as Latin-1, a long one (a key) broken into lines, and base64 of the HTTP Basic and proxy
 *     user:password pairs;
 *     what follows "Bearer " and any JWT are masked too; a message is cut only after masking,
 *     and quotes a value of the request as given (not upper-cased, trimmed or cut) or, past 80
 *     characters, not at all ("(103 characters, not shown)").
 *     Text in data that happens to equal a secret is masked too. Documents
 *     are returned byte for byte, never masked: certificado, xmlBase64, pdfBase64,
 *     acuseCancelBase64, acuseBase64, cbbBase64, xml.
 *   - Configuration, checked by *_client_new (invalid_argument, nothing ever sent):
 *     NUL in any string; control characters in user_agent, and control and invisible format
 *     characters in every credential (CFDI usuario, password, contrato; FES usuario, clave;
 *     Firma Virtual login, password: a line break or byte-order mark read from a file would
 *     be sent, and PADE locks an account after 3 wrong logins);
 *     ':' in an HTTP Basic user (CFDI usuario); a base_url with a query, a fragment or
 *     user:password@, with a space or a control character, or ending with a path the client
 *     adds itself, such as /obtenerCertificado (BAD_URL, which never repeats what may be a
 *     credential); "proxy" must be [scheme://][user:password@]host[:port]
 *     with scheme http (the default), https, socks4, socks4a, socks5 or socks5h (BAD_PROXY, its
 *     password masked); plain http:// to the service through a proxy that is not on loopback
 *     needs allow_insecure_http, as any http:// off loopback; retries.base_delay_ms at most
 *     60000, retries.max_delay_ms at most 300000, and base_delay_ms <= max_delay_ms.
 *   - The configured proxy carries every request: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and
 *     NO_PROXY in the environment are ignored (no proxy configured: none is used).
 *   - SSLKEYLOGFILE: libcurl writes every TLS session's keys to the file it names. *_client_new
 *     refuses to make a client while it is set (invalid_argument TLS_KEY_LOG) unless the
 *     configuration says "allow_tls_key_log": true (a debugging session). libcurl reads the
 *     variable once, when the first client of the process is made.
 *   - fork(): a client made before fork() may be used in the child. The child never touches the
 *     connections, TLS sessions and locks it inherited (they are the parent's; they are left as
 *     they are, neither reused nor closed, so the parent's keep-alive connections and TLS
 *     sessions are not disturbed): its first call opens its own. Do not fork() while another
 *     thread is inside a call on the client, as with any threaded library.
 *   - Time. timeout_ms bounds the whole call: every attempt gets what is left of it, and no wait
 *     between attempts (backoff, or a Retry-After within max_delay_ms) goes past it: a retry that
 *     would is not made and the call returns the error that asked for it (its retryable and
 *     details.retry_after_ms unchanged). A request that the deadline leaves no time for is not
 *     sent (timeout TIMEOUT, retryable). Time the calling thread spends inside your callbacks is
 *     not counted against timeout_ms, except the progress callback of a single call (it runs
 *     inside the transfer: keep it short).
 *   - URLs. A request whose URL, query string included, would be longer than 512 KiB (524288
 *     bytes) is not sent: validation URL_TOO_LONG, retryable false, attempts 0 (values that
 *     travel in the query string: datos, uuids, certificates).
 *   - Answers. max_response_bytes (default 104857600) bounds what is received. Reading an answer
 *     takes at most about its size plus 8 MiB, twice over: an answer whose values, elements or
 *     attributes would take more (tiny values by the million), or that has more than 256
 *     attributes on one element, is refused as protocol ANSWER_TOO_COMPLEX. An answer damaged by
 *     stray bytes (invalid UTF-8, a byte order mark, a raw control character, an unpaired
 *     surrogate escape, trailing NULs) is read anyway, the damaged characters as U+FFFD, with a
 *     warning ANSWER_REPAIRED: a certificate or a stamp that arrived is never lost to them.
 *     XML answers may carry text nodes of any size (a stamp's pdfBase64); a DOCTYPE is refused.
 *   - Files. save_to and save_dir are checked before anything is sent (io SAVE_TO_UNWRITABLE /
 *     SAVE_DIR_UNWRITABLE, attempts 0): an existing folder given as save_to, a missing or
 *     read-only folder, a name over 255 bytes, a path over 4095, a NUL; and save_to where a file
 *     already is (SAVE_TO_EXISTS: a certificate is never written over one). Every path given is
 *     refused if it holds a NUL. A file sent from disk (file_path) that changes while it is
 *     sent stops the call at once: io FILE_CHANGED, the service never got a complete request.
 *   - Identifiers (contract ids, RFCs, UUIDs, RUTs) are ASCII: full-width or other look-alike
 *     digits, combining marks and zero-width characters are refused; an RFC's Ñ is sent as the
 *     single character U+00D1 however it was typed.
 *
 * The operations and their request fields are documented in docs/reference.md.
 */
#ifndef SELLO_H
#define SELLO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SELLO_VERSION_MAJOR 0
#define SELLO_VERSION_MINOR 1
#define SELLO_VERSION_PATCH 0
#define SELLO_ABI_VERSION 1

/* Log levels passed to sello_log_fn, and the min_level of *_client_set_log. */
#define SELLO_LOG_DEBUG 0
#define SELLO_LOG_INFO 1
#define SELLO_LOG_WARNING 2
#define SELLO_LOG_ERROR 3

/* Opaque client handles: one per service configuration. Each keeps its connections alive
 * between calls (a pool of libcurl easy handles sharing DNS and TLS sessions). */
typedef struct fes_client fes_client;
typedef struct fv_client fv_client;
typedef struct cfdi_client cfdi_client;

/**
 * Progress of a file upload, or of a batch.
 * @param user_data   the pointer given to *_client_set_progress.
 * @param done_bytes  bytes transferred so far; for cfdi_process_files, items finished so far.
 * @param total_bytes total bytes, or -1 when unknown; for cfdi_process_files, the items.
 * Called on the thread that made the call, never after that call has returned, never with a
 * lock of the library held (it may call the library back: see "Callbacks" above).
 */
typedef void (*sello_progress_fn)(void *user_data, int64_t done_bytes, int64_t total_bytes);

/**
 * One log line: a request, an answer or a retry, secrets redacted.
 * @param level   SELLO_LOG_DEBUG .. SELLO_LOG_ERROR.
 * @param message borrowed, valid only during the callback; one line, control characters
 *        escaped, secrets masked.
 * Called on the thread that made the call, never after that call has returned, never with a
 * lock of the library held (it may call the library back: see "Callbacks" above).
 */
typedef void (*sello_log_fn)(void *user_data, int level, const char *message);

/* ---------------------------------------------------------------------------------------- */
/* Common                                                                                    */
/* ---------------------------------------------------------------------------------------- */

/** The library version, "0.1.0". Static storage: do not free. */
const char *sello_version(void);

/** The ABI version (SELLO_ABI_VERSION of the header the library was built with). Bindings
 *  refuse a library whose ABI version they do not know. */
int sello_abi_version(void);

/** Releases a string returned by this library. sello_free(NULL) does nothing. */
void sello_free(char *json);

/**
 * Validates and normalises a Chilean RUT. No network.
 * @param request_json {"rut": "12.345.678-5"} (dots, dash and a k/K check digit optional).
 * @return envelope, owned by the caller (sello_free). data: {"valid": true, "normalized":
 *         "12345678-5", "formatted": "12.345.678-5", "body": 12345678, "check_digit": "5"}.
 *         An invalid RUT: ok false, kind "validation", code "RUT_INVALIDO" (service_code 106).
 */
char *sello_check_rut(const char *request_json);

/**
 * Looks up a Chilean comuna by name, ignoring case and accents, with common aliases. No network.
 * @param request_json {"comuna": "los angeles"}.
 * @return envelope, owned by the caller. data: {"name": "Los Angeles", "cut": "08301",
 *         "province_cut": "083", "region": {"id": "08", "name": "Región del Biobío",
 *         "iso_code": "CL-BI"}}. Not found: kind "validation", code "COMUNA_NO_ENCONTRADA" (112),
 *         with up to 3 close names in the message.
 */
char *sello_find_comuna(const char *request_json);

/**
 * Checks a Mexican RFC: format, embedded date and check digit. No network.
 * @param request_json {"rfc": "AAA010101AAA"}.
 * @return envelope, owned by the caller. data: {"valid": true, "rfc", "type": "moral" (12
 *         characters) | "fisica" (13), "date": "2001-01-01", "check_digit_ok": bool,
 *         "generic": bool}. A wrong check digit is a warning, not an error (real RFCs with one
 *         exist). A malformed RFC: kind "validation", code "RFC_INVALIDO".
 */
char *sello_check_rfc(const char *request_json);

/* ---------------------------------------------------------------------------------------- */
/* FES — Certificadora del Sur (Chile)                                                       */
/* ---------------------------------------------------------------------------------------- */

/**
 * Creates a FES client.
 * @param config_json {"usuario", "clave", "base_url" (default: the service's documented URL),
 *        or instead "environment": "test" (the default, the documented URL) | "production"
 *        (refused without a base_url: Certificadora del Sur gives that URL with the account;
 *        configure it as base_url),
 *        "timeout_ms": 120000 (FES's; Firma Virtual's and Prodigia's default is 60000),
 *        "connect_timeout_ms": 10000, "ca_file", "proxy", "user_agent",
 *        "max_response_bytes": 104857600, "allow_insecure_http": false,
 *        "retries": {"max": 2, "base_delay_ms": 200, "max_delay_ms": 5000},
 *        "allow_tls_key_log": false}.
 *        http:// is accepted only for loopback hosts unless allow_insecure_http is true. The
 *        checks every configuration gets are listed at the top of this header.
 *        base_url and environment together are refused (invalid_argument
 *        ENVIRONMENT_CONFLICT), as is an unknown environment (UNKNOWN_ENVIRONMENT). The first log
 *        line of every call names the URL it goes to.
 * @param error_json when not NULL, receives an error envelope if the configuration is bad
 *        (free it with sello_free); set to NULL on success.
 * @return the client, or NULL on a bad configuration. Free with fes_client_free().
 */
fes_client *fes_client_new(const char *config_json, char **error_json);

/** Frees a FES client and closes its connections. fes_client_free(NULL) does nothing. */
void fes_client_free(fes_client *client);

/** Sets (fn != NULL) or removes (fn == NULL) the progress callback of a FES client. Takes
 *  effect for calls in flight too; returns once no other thread is inside the old callback,
 *  which is then never called again (its user_data may be freed). The same for every *_set_*. */
void fes_client_set_progress(fes_client *client, sello_progress_fn fn, void *user_data);

/** Sets (fn != NULL) or removes the log callback; lines below min_level are not produced. After
 *  fes_client_set_log(c, NULL, NULL, 0) returns, the old function is never called again, not
 *  even by a call already in flight: its user_data may be freed. */
void fes_client_set_log(fes_client *client, sello_log_fn fn, void *user_data, int min_level);

/**
 * Cancels calls in flight on a FES client (see "Cancelling" above).
 * @param call_id the "call_id" of the calls to cancel, or NULL for every call in flight.
 * @return envelope, owned by the caller: data {"cancelled": n}, the calls it reached (0 when
 *         none was in flight: a call that has not started yet, or has already returned, is not
 *         affected). A NULL client is an invalid_argument error envelope.
 */
char *fes_client_cancel(fes_client *client, const char *call_id);

/**
 * Issues a digital certificate (POST {base}/obtenerCertificado).
 * @param request_json {"rut", "correo", "numeroDocumento", "claveCertificado", "duracion" (1,2,3),
 *        "nombreEmpresa", "comuna", "direccion", "giroEmpresa", "save_to" (optional path)}.
 *        Everything is validated locally first with the service's own codes.
 * @return envelope, owned by the caller. data: {"estado", "errorCode", "comentario",
 *         "certificado" (base64 PKCS#12), "saved_to", "certificate_info": {"subject", "rut",
 *         "serial", "not_before", "not_after"}}. Never sent twice: a timeout after the request
 *         was sent is kind "timeout", retryable false (check with the provider first).
 */
char *fes_obtain_certificate(fes_client *client, const char *request_json);

/**
 * Checks a fes_obtain_certificate request without sending anything. No client needed.
 * @return envelope, owned by the caller. data: the JSON body as it would be sent, secrets
 *         replaced by "***"; or the validation error fes_obtain_certificate would give.
 */
char *fes_check_request(const char *request_json);

/* ---------------------------------------------------------------------------------------- */
/* Firma Virtual (Chile)                                                                     */
/* ---------------------------------------------------------------------------------------- */

/**
 * Creates a Firma Virtual client. config_json as fes_client_new, with "login" and "password"
 * instead of usuario/clave, and "max_upload_bytes" (default 52428800, the service's 50 MB).
 * "environment": "qa" (the default, qa.firmavirtual.legal) | "sandbox" (test.firmavirtual.legal)
 * | "production" (api.firmavirtual.legal), instead of base_url.
 * The bearer token is obtained when first needed, cached per client and renewed once when the
 * service reports it invalid or it is about to expire.
 * @return the client or NULL (see fes_client_new for error_json). Free with fv_client_free().
 */
fv_client *fv_client_new(const char *config_json, char **error_json);

/** Frees a Firma Virtual client. fv_client_free(NULL) does nothing. */
void fv_client_free(fv_client *client);

/** Sets or removes the progress callback (uploads report their bytes). */
void fv_client_set_progress(fv_client *client, sello_progress_fn fn, void *user_data);

/** Sets or removes the log callback. */
void fv_client_set_log(fv_client *client, sello_log_fn fn, void *user_data, int min_level);

/** Cancels calls in flight on this client, as fes_client_cancel. */
char *fv_client_cancel(fv_client *client, const char *call_id);

/*
 * Every Firma Virtual operation returns an envelope owned by the caller, whose data is the
 * service's "message" payload unwrapped (object, array or string; {"info": ...} kept as is),
 * with "service_code" (the body's own code) in meta. Path parameters are request fields with
 * the seed's names. docs/reference.md lists every field.
 */
/** UserDataLogin, POST /logindata: {} (uses the configured login). data: {"authorized": true,
 *  "expires_at"}; the token itself is kept inside the client and never returned. */
char *fv_login(fv_client *client, const char *request_json);
/** GetAllUser, GET /api/v1/userapp/{IDUser}: {"IDUser": 1}. */
char *fv_get_user(fv_client *client, const char *request_json);
/** CreateUserApp, POST /api/v1/userapp: {"iProfileID", "sRUT", "sFirstName", "sLastName",
 *  "sEmail", "sPhone", "sLogin", "sPassword", "sComments", "sUserType"}. */
char *fv_create_user(fv_client *client, const char *request_json);
/** UpdateUserApp, PUT /api/v1/userapp/{IDUser}: {"IDUser", and only "sFirstName", "sLastName",
 *  "sPhone"}. */
char *fv_update_user(fv_client *client, const char *request_json);
/** PasswordReset, POST /pwd/reset: {"login": email}. */
char *fv_reset_password(fv_client *client, const char *request_json);
/** NewPassword, POST /pwd/reset: {"login", "password" (the emailed code), "new_password"}. */
char *fv_new_password(fv_client *client, const char *request_json);
/** GetOneContract, GET /api/v1/contract/{IDContract}: {"IDContract"}. */
char *fv_get_contract(fv_client *client, const char *request_json);
/** CreateContract, POST /api/v1/contract/create-contract: {"sOwnerType", "sPaymentStatus",
 *  "iPaymentService", "iContractTypeFeeID", "iSignedCount", "callback", "signers": [...]}.
 *  1 to 10 signers {"full_name", "email", "rutId", "phone", "type", "portion", "payment"};
 *  "portion" 100 for the one signer who pays, or 50 for each of the two who do, 0 or absent for
 *  the others; absent sPaymentStatus, iPaymentService and payment are sent as the seed's
 *  "PENDING", 0 and "0.00". Never sent twice once it may have reached the service. */
char *fv_create_contract(fv_client *client, const char *request_json);
/** GetContractType, GET /api/v1/contract-type/{QTYPE}/{QVALUE}: {"QTYPE", "QVALUE"}. */
char *fv_list_contract_types(fv_client *client, const char *request_json);
/** ContractOwner, GET /api/v1/contract/owner/{IDOwner}: {"IDOwner"}. */
char *fv_list_owner_contracts(fv_client *client, const char *request_json);
/** ContratcDetail, GET /api/v1/contract/detail/{ContractID}: {"ContractID"}. */
char *fv_get_contract_detail(fv_client *client, const char *request_json);
/** DeleteContract, POST /api/v1/contract/{IDContract} (a POST, as documented). */
char *fv_delete_contract(fv_client *client, const char *request_json);
/** SubirDocumentos, multipart POST /api/v1/upfile: {"contractID", and "file_path" (streamed
 *  from disk, progress reported) or "content_base64"}; sent as "<contractID>.pdf". The %PDF-
 *  signature and the size limit are checked before sending. */
char *fv_upload_document(fv_client *client, const char *request_json);
/** FileList, GET /api/v1/filelist/{ContractID}: {"ContractID"}. */
char *fv_list_files(fv_client *client, const char *request_json);
/** SortFiles, POST /api/v1/sortfiles: {"contractID", "file_order": [{"document", "ind",
 *  "action": "CHANGE"|"REMOVE"}]}. */
char *fv_sort_files(fv_client *client, const char *request_json);
/** MergedFile, POST /api/v1/contract/merge/{ContractID}: {"ContractID"}. */
char *fv_merge_files(fv_client *client, const char *request_json);
/** SendContract, POST /api/v1/contract/send/draft/{IDContract}: {"IDContract"}. */
char *fv_send_contract(fv_client *client, const char *request_json);
/** CreateSigner, POST /api/v1/signer/new: {"contractID", "full_name", "email", "rutId",
 *  "phone"}. */
char *fv_create_signer(fv_client *client, const char *request_json);
/** UpdateSigner, POST /api/v1/signer/upd: as fv_create_signer. */
char *fv_update_signer(fv_client *client, const char *request_json);
/** DeleteSigner, POST /api/v1/signer/del: {"contractID", "rutId"}. */
char *fv_delete_signer(fv_client *client, const char *request_json);

/*
 * Firma Virtual as integrations call it today: one call creates a contract with its PDF, and
 * the service reports status changes by POSTing to the contract's "callback" URL.
 */

/**
 * create-contract-express, POST /api/v1/contract/create-contract-express: the contract, its
 * signers and its PDF in one call.
 * @param request_json {"sOwnerType": "NATURAL"|"LEGAL", "iContractTypeFeeID" (> 0),
 *        "iSignedCount" (optional, = the number of signers), "signers": [1..10 of {"full_name",
 *        "email", "rutId", "phone" ("+56" and 9 digits; 9 digits alone are prefixed), "rol" (0
 *        signs, 3 pays; default 0), "order" (> 0; default the position), "type" (default
 *        NATURAL), "portion" ("100", or "50" for each of two payers, "0"; sent as a string),
 *        "payment" ("0.00")}], "sContractName", "callback", "iAgreementId", "iPriceId",
 *        "provider" (e.g. "LEXGOSIGN"), and the PDF as "file_path" (base64-encoded while it is
 *        sent, never held whole in memory; progress reported) or "content_base64"}.
 *        Checked locally first (%PDF- signature, max_upload_bytes, RUTs, e-mails, phones,
 *        portions). Never sent twice once it may have reached the service.
 * @return envelope, owned by the caller. data: {"sContractID" (wherever the answer put it; null
 *         when it carries none, with a warning CONTRACT_ID_MISSING naming the sContractName to
 *         look for), "sStatus", "sContractName", "message" (the service's message as received)}.
 *         A file that changes size while it is sent: kind "io", code FILE_CHANGED.
 */
char *fv_create_contract_express(fv_client *client, const char *request_json);

/**
 * Reads the body Firma Virtual POSTs to a contract's callback URL. No client, nothing sent.
 * @param request_json {"body": the callback's body as received, either as a string (the raw
 *        text, parsed here) or as the parsed JSON object}. The body's "contract" may be an
 *        array of one object or an object.
 * @return envelope, owned by the caller. data: {"sContractID", "sStatus" (as received),
 *         "sContractName", "status" (CREATED, REVIEW, APPROVED, REJECTED, IN_NOTARY,
 *         SIGNED_PENDING, DELIVERED, FINISHED, or OTHER for anything else: sStatus keeps the raw
 *         value, with a warning STATUS_UNKNOWN), "signers", "contract"}. A body that is not a
 *         callback: kind "validation", code CALLBACK_INVALID. A callback is not authenticated:
 *         act on fv_confirm_callback's answer, not on this one.
 */
char *fv_parse_callback(const char *request_json);

/**
 * Parses a callback as fv_parse_callback, then asks the service for the contract's detail
 * (GET /api/v1/contract/detail/{sContractID}) and returns the status the service confirms.
 * @param request_json as fv_parse_callback.
 * @return envelope, owned by the caller. data: {"sContractID", "sStatus" and "status" (the
 *         service's, now), "sPaymentStatus", "paid" (PAIDOUT or PAYOUT), "agrees" (whether the
 *         callback said the same status; a warning CALLBACK_STATUS_DIFFERS when not),
 *         "callback" (fv_parse_callback's data), "detail" (fv_get_contract_detail's data)}.
 */
char *fv_confirm_callback(fv_client *client, const char *request_json);

/* ---------------------------------------------------------------------------------------- */
/* CFDI — Prodigia / PADE integration API (Mexico)                                           */
/* ---------------------------------------------------------------------------------------- */

/**
 * Creates a Prodigia client. config_json as fes_client_new, with "usuario", "password" and
 * "contrato" (the default contract, overridable per call). HTTP Basic authentication.
 * "environment": "production" (the default, timbrado.pade.mx) | "test" (pruebas.pade.mx, a
 * separate deployment with its own users), instead of base_url.
 * Authentication failures are never retried: Prodigia locks an account after 3 of them.
 * @return the client or NULL (see fes_client_new for error_json). Free with cfdi_client_free().
 */
cfdi_client *cfdi_client_new(const char *config_json, char **error_json);

/** Frees a Prodigia client. cfdi_client_free(NULL) does nothing. */
void cfdi_client_free(cfdi_client *client);

/** Sets or removes the progress callback. */
void cfdi_client_set_progress(cfdi_client *client, sello_progress_fn fn, void *user_data);

/** Sets or removes the log callback. */
void cfdi_client_set_log(cfdi_client *client, sello_log_fn fn, void *user_data, int min_level);

/** Cancels calls in flight on this client, as fes_client_cancel. */
char *cfdi_client_cancel(cfdi_client *client, const char *call_id);

/**
 * Stamps a CFDI from the CSV interchange file (procesarArchivo).
 * @param request_json {"datos" (CSV text) | "datos_path" | "datos_base64", "prueba": bool,
 *        "opciones": [strings], "opciones_base64": bool (send them as one base64 element of
 *        pipe-separated options), "contrato" (overrides the configuration), "save_dir",
 *        "include_xml": bool}.
 * @return envelope, owned by the caller. data: the servicioTimbrado answer as JSON
 *         (timbradoOk boolean, codigo number, uuid, ...), plus "xml" (the stamped XML as text,
 *         with include_xml) and "saved_files" (with save_dir). timbradoOk with a non-zero codigo
 *         is ok with a warning. Never re-sent once the request may have reached the service.
 */
char *cfdi_process_file(cfdi_client *client, const char *request_json);

/**
 * Stamps a CFDI sending the CSD (procesarArchivoConCSD, JSON body): the cfdi_process_file
 * fields plus "cert_path" | "certBase64", "key_path" | "keyBase64" and "keyPass". The CSD is
 * checked locally first (password, key pair, CSD not FIEL, not expired).
 */
char *cfdi_process_file_with_csd(cfdi_client *client, const char *request_json);

/**
 * Requests the cancellation of one or more CFDI (cancelarCfdiConOpciones).
 * @param request_json {"rfcEmisor", "uuids": ["UUID|RFC_Receptor|RFC_Emisor|Total" or
 *        {"uuid", "rfcReceptor", "rfcEmisor", "total"}], the CSD as in
 *        cfdi_process_file_with_csd (or "opciones": ["CERT_DEFAULT"]), "opciones", "contrato",
 *        "save_dir"}.
 *        Since 2022 SAT requires a motivo: an entry may also be
 *        "UUID|RFC_Receptor|RFC_Emisor|Total|Motivo|FolioSustitucion" or carry "motivo" and
 *        "folioSustitucion" (see cfdi_cancel_with_reason for the rules); it is then sent in that
 *        6-value form. An entry without one is sent as in 2020, with a warning MOTIVO_MISSING.
 * @return envelope, owned by the caller. data: the servicioCancel answer, "cancelaciones"
 *         always an array, each with its code's "descripcion" and "status" (see
 *         cfdi_cancel_with_reason). Per-UUID results are data: the envelope is ok false only
 *         when statusOk is false.
 */
char *cfdi_cancel(cfdi_client *client, const char *request_json);

/** Fetches the cancellation receipt (acuseCancelacion): {"uuid", "contrato", "save_dir",
 *  "include_xml"}. data: the servicioConsulta answer (+ "xml", "saved_files"). */
char *cfdi_get_cancellation_receipt(cfdi_client *client, const char *request_json);

/** Fetches a stamped CFDI's XML (consultaCfdiPorUUID): {"uuid", "contrato", "save_dir",
 *  "include_xml"}. */
char *cfdi_get_by_uuid(cfdi_client *client, const char *request_json);

/**
 * Runs many requests of one operation concurrently over one curl multi handle: stamps (CSV or
 * XML) or reads (SAT status, stamped XML), each item exactly as the single operation.
 * @param request_json {"operation": "process_file" (default) | "process_file_with_csd" |
 *        "stamp_xml" | "stamp_xml_with_csd" | "get_status" | "get_by_uuid",
 *        "items": [<request of that operation>, ...] (at most 10000), "concurrency": 8 (1..64)}.
 * @return envelope, owned by the caller. data: {"results": [envelope, ...] in input order,
 *         "succeeded": n, "failed": n}. One item's failure does not stop the others.
 * The progress callback counts items: (items finished, items in the batch), as each item is
 * refused locally (when its turn comes) or finishes. Items are read and prepared one by one
 * as a slot opens for each and dropped once answered: a batch holds about "concurrency" items
 * at once, whatever its length. A stamp item whose request is an earlier item's, byte for byte,
 * is refused unsent (DUPLICATE_ITEM). A cancelled batch (call_id and
 * cfdi_client_cancel) keeps the results of the items that finished; the others are cancelled.
 * Each item has the deadline of a call of its own (timeout_ms from when it is first sent). The
 * time the thread spends in your log and progress callbacks (which run between transfers, on
 * this thread) is not counted against any item's timeout_ms, and answers that have arrived are
 * read before any deadline is judged: a slow callback never turns a stamp into a timeout.
 */
char *cfdi_process_files(cfdi_client *client, const char *request_json);

/**
 * Inspects a CSD (.cer, and optionally its .key) without sending anything. No client needed.
 * @param request_json {"cert_path" | "certBase64", "key_path" | "keyBase64", "keyPass"}.
 * @return envelope, owned by the caller. data: {"rfc", "name", "no_certificado", "not_before",
 *         "not_after", "expired", "is_csd", "key_matches"}.
 */
char *cfdi_inspect_csd(const char *request_json);

/* ---------------------------------------------------------------------------------------- */
/* CFDI — Prodigia today: CFDI 4.0, XML stamping, cancellation with motivo, SAT status        */
/* ---------------------------------------------------------------------------------------- */

/*
 * Every cfdi_ operation (these and the ones above): documented "opciones" are sent as given; a
 * near miss of one is refused (PARAMETRO_INVALIDO, 3, "did you mean ..."); any other option
 * NAME or NAME:value is sent with a warning UNKNOWN_OPTION; RESPUESTA_JSON is refused
 * (OPTION_NOT_SUPPORTED); PLUGIN_PROCESO:GENERICO_CFDI33:1.0 is sent with a warning
 * CFDI33_RETIRED. Answer element names are matched without regard to case and data.uuid holds
 * the folio fiscal however the service spelled it. No Accept header is sent; HTTP 200 and 202
 * both carry answers.
 */

/**
 * Stamps a CFDI 4.0 XML (timbrado40: POST {base}/timbrado40, or {base}/timbrado40Prueba when
 * "prueba" is true; the XML as the body, Content-Type application/xml; query contrato and
 * opciones).
 * @param request_json {"xml" (text) | "xml_path" | "xml_base64", "prueba": bool, "opciones",
 *        "contrato", "save_dir", "include_xml": bool}.
 *        Checked locally, nothing sent when a check fails (kind validation): well-formed UTF-8
 *        XML without DTD or entities, declaring no other encoding (XML_MAL_FORMADO, 301), and
 *        not too costly to read (XML_TOO_COMPLEX: within 8 MiB, any realistic CFDI is read);
 *        root cfdi:Comprobante in
 *        http://www.sat.gob.mx/cfd/4 with Version "4.0" (a 3.3: CFDI33_RETIRED); no
 *        TimbreFiscalDigital inside (CFDI_CON_TIMBRE_PREVIO, 307); a non-empty Sello unless
 *        opciones has CALCULAR_SELLO (SELLO_MAL_FORMADO, 302); Fecha within SAT's 72 hours and
 *        not in the future in every Mexican time zone (FECHA_FUERA_DE_RANGO, 401).
 *        REGRESAR_CON_ERROR_307_XML is added to opciones unless present.
 * @return envelope, owned by the caller. data as cfdi_process_file (the servicioTimbrado
 *         answer, "uuid", "xml", "saved_files"). An answer codigo 307 carrying xmlBase64 (the
 *         XML was stamped before) is ok, with a warning ALREADY_STAMPED and that earlier stamp
 *         as data. Never sent twice by the library; a timeout or a lost connection after
 *         sending is retryable true when the XML carries its own Sello (sending the same XML
 *         again returns the earlier stamp), false with CALCULAR_SELLO.
 */
char *cfdi_stamp_xml(cfdi_client *client, const char *request_json);

/**
 * Stamps a CFDI 4.0 XML sending the issuer's CSD (timbrarCfdi: POST
 * {base}/timbrado40/timbrarCfdi?contrato=..., JSON body {"xmlBase64", "contrato", "certBase64",
 * "keyBase64", "keyPass", "prueba": "true"|"false", "opciones"}): the cfdi_stamp_xml fields plus
 * the CSD fields of cfdi_process_file_with_csd, checked locally as there; the certificate must
 * be the Comprobante's Emisor's (RFC_EMISOR_NO_CORRESPONDE, 203). Answers as cfdi_stamp_xml.
 */
char *cfdi_stamp_xml_with_csd(cfdi_client *client, const char *request_json);

/**
 * Requests the cancellation of CFDIs with SAT's motivo (POST {base}/cancelacion/cancelar; query
 * contrato, rfcEmisor, arregloUUID once per CFDI as "UUID|Motivo|FolioSustitucion", the CSD as
 * certBase64, keyBase64, keyPass unless opciones has CERT_DEFAULT, opciones).
 * @param request_json {"rfcEmisor", "uuids": ["UUID|Motivo|FolioSustitucion" or {"uuid",
 *        "motivo", "folioSustitucion"}], the CSD as in cfdi_cancel (or "opciones":
 *        ["CERT_DEFAULT"], or PKCS12), "opciones", "contrato", "save_dir"}.
 *        motivo "01".."04" (the numbers 1..4 are written "01".."04"), required
 *        (MOTIVO_REQUERIDO; others MOTIVO_INVALIDO); "01" needs folioSustitucion, the UUID of the
 *        replacing CFDI, not the cancelled one (FOLIO_SUSTITUCION_REQUERIDO / _INVALIDO);
 *        "02".."04" take none (FOLIO_SUSTITUCION_NO_PERMITIDO; sent empty: "UUID|02|").
 * @return envelope, owned by the caller. data: the servicioCancel answer, "cancelaciones" always
 *         an array; each entry keeps the service's fields and gains "descripcion", "code_name"
 *         and "status": "cancelled" (201, 95, 98), "already_cancelled" (202), "pending" (96: the
 *         receiver must accept), "rejected" (97), "not_cancellable" (94), "not_found" (205, 90,
 *         602) or "error". With save_dir each acuse is saved as <UUID>_acuse.xml. Never re-sent
 *         once it may have reached the service.
 */
char *cfdi_cancel_with_reason(cfdi_client *client, const char *request_json);

/**
 * Asks the SAT status of a CFDI (consultarEstatusComprobante: POST
 * {base}/cancelacion/consultarEstatusComprobante; query contrato, uuid, rfcEmisor, rfcReceptor,
 * total).
 * @param request_json {"uuid", "rfcEmisor", "rfcReceptor", "total" (string or number),
 *        "opciones", "contrato"}.
 * @return envelope, owned by the caller. data: the servicioConsultaComprobante answer
 *         ("consultaOk", "codigo" (90..99), "codigoEstatus", "esCancelable", "estado",
 *         "estatusCancelacion", "estatusCfdi" number, ...) plus "estatus_text" (the title of
 *         estatusCfdi in the integration API's table: 2 "Vigente", 7 "Cancelación en proceso",
 *         9 "Cancelado sin aceptación", ...), "estatus_cfdi_descripcion" and
 *         "estatus_cfdi_name". Safe to repeat (retried like any read).
 */
char *cfdi_get_status(cfdi_client *client, const char *request_json);

#ifdef __cplusplus
}
#endif

#endif /* SELLO_H */
