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

#endif
