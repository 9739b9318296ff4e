#include "openssl_shims.h"

#include <openssl/crypto.h>

unsigned long osslshim_xn_flags_rfc2253_utf8(void) {
    return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
}

long osslshim_bio_get_mem_data(BIO *bio, const unsigned char **data) {
    char *p = NULL;
    long n = BIO_get_mem_data(bio, &p);
    *data = (const unsigned char *)p;
    return n;
}

void osslshim_openssl_free(void *ptr) {
    OPENSSL_free(ptr);
}

int osslshim_sk_GENERAL_NAME_num(const GENERAL_NAMES *names) {
    return sk_GENERAL_NAME_num(names);
}

const GENERAL_NAME *osslshim_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}
