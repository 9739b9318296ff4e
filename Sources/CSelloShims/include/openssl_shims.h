#ifndef SELLO_OPENSSL_SHIMS_H
#define SELLO_OPENSSL_SHIMS_H

// Typed wrappers for OpenSSL function-like macros, which Swift cannot import.
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/// XN_FLAG_RFC2253 without ASN1_STRFLGS_ESC_MSB: RFC 2253 output with raw UTF-8.
unsigned long osslshim_xn_flags_rfc2253_utf8(void);

/// BIO_get_mem_data: the bytes written to a memory BIO (owned by the BIO).
long osslshim_bio_get_mem_data(BIO *bio, const unsigned char **data);

/// OPENSSL_free.
void osslshim_openssl_free(void *ptr);

/// sk_GENERAL_NAME_num / sk_GENERAL_NAME_value.
int osslshim_sk_GENERAL_NAME_num(const GENERAL_NAMES *names);
const GENERAL_NAME *osslshim_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index);


// What opening a PKCS#12 would cost, read before it is opened. PKCS12_parse derives a key for
// the MAC and for each encrypted part with the iteration count the file itself gives; nothing
// bounds it, and OpenSSL cannot be stopped midway, so a file asking for billions of iterations
// would hold the calling thread for hours, far past the call's timeout_ms.
#include <openssl/pkcs12.h>

/// The iterations of the key derivations opening `p12` needs that can be read without one (its
/// MAC's, each encrypted part's, each shrouded key outside an encrypted part), summed, and at
/// most `limit`; `limit + 1` as soon as the sum passes it, or when a derivation is one this
/// cannot weigh (scrypt, an unknown one). A part that does not parse is left for PKCS12_parse
/// to refuse.
long pkcs12shim_derivation_iterations(PKCS12 *p12, long limit);

#endif
