#include "openssl_shims.h"

#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

/// A budget of iterations: `spent` grows until it passes `limit`.
struct budget {
    long spent;
    long limit;
};

static int over(const struct budget *b) { return b->spent > b->limit; }

static void spend(struct budget *b, const ASN1_INTEGER *iterations) {
    long count = iterations == NULL ? 1 : ASN1_INTEGER_get(iterations);
    if (count < 0 || count > b->limit - b->spent) b->spent = b->limit + 1;
    else b->spent += count;
}

/// An encryption algorithm's key derivation: PBES2 with PBKDF2, or a PKCS#5/PKCS#12 PBE.
static void spend_on_algorithm(struct budget *b, const X509_ALGOR *algorithm) {
    if (algorithm == NULL) return;
    if (OBJ_obj2nid(algorithm->algorithm) == NID_pbes2) {
        PBE2PARAM *pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), algorithm->parameter);
        if (pbe2 == NULL) return; // PKCS12_parse refuses it
        PBKDF2PARAM *kdf = NULL;
        if (OBJ_obj2nid(pbe2->keyfunc->algorithm) == NID_id_pbkdf2)
            kdf = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter);
        if (kdf == NULL) b->spent = b->limit + 1; // scrypt or unknown: not weighed
        else spend(b, kdf->iter);
        PBKDF2PARAM_free(kdf);
        PBE2PARAM_free(pbe2);
        return;
    }
    PBEPARAM *pbe = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBEPARAM), algorithm->parameter);
    if (pbe != NULL) spend(b, pbe->iter);
    PBEPARAM_free(pbe);
}

static void spend_on_bags(struct budget *b, const STACK_OF(PKCS12_SAFEBAG) *bags, int depth) {
    for (int i = 0; bags != NULL && i < sk_PKCS12_SAFEBAG_num(bags) && !over(b); i++) {
        const PKCS12_SAFEBAG *bag = sk_PKCS12_SAFEBAG_value(bags, i);
        switch (PKCS12_SAFEBAG_get_nid(bag)) {
        case NID_pkcs8ShroudedKeyBag: {
            const X509_ALGOR *algorithm = NULL;
            X509_SIG_get0(PKCS12_SAFEBAG_get0_pkcs8(bag), &algorithm, NULL);
            spend_on_algorithm(b, algorithm);
            break;
        }
        case NID_safeContentsBag:
            // Nested bags: OpenSSL follows them; so does this, a few levels deep.
            if (depth >= 8) b->spent = b->limit + 1;
            else spend_on_bags(b, PKCS12_SAFEBAG_get0_safes(bag), depth + 1);
            break;
        default:
            break;
        }
    }
}

long pkcs12shim_derivation_iterations(PKCS12 *p12, long limit) {
    struct budget b = {0, limit};
    const ASN1_INTEGER *mac_iterations = NULL;
    if (PKCS12_mac_present(p12)) {
        PKCS12_get0_mac(NULL, NULL, NULL, &mac_iterations, p12);
        spend(&b, mac_iterations);
    }
    STACK_OF(PKCS7) *parts = over(&b) ? NULL : PKCS12_unpack_authsafes(p12);
    for (int i = 0; parts != NULL && i < sk_PKCS7_num(parts) && !over(&b); i++) {
        PKCS7 *part = sk_PKCS7_value(parts, i);
        STACK_OF(PKCS12_SAFEBAG) *bags = NULL;
        switch (OBJ_obj2nid(part->type)) {
        case NID_pkcs7_data:
            bags = PKCS12_unpack_p7data(part);
            break;
        case NID_pkcs7_encrypted:
            // Its own derivation only: what it holds is read once it is decrypted, which is one
            // more derivation (3 ms of CPU a certificate became 6.4 ms when this decrypted it to
            // look inside). OpenSSL, Java and Windows put only certificates there.
            if (part->d.encrypted != NULL && part->d.encrypted->enc_data != NULL)
                spend_on_algorithm(&b, part->d.encrypted->enc_data->algorithm);
            break;
        default:
            break;
        }
        spend_on_bags(&b, bags, 0);
        sk_PKCS12_SAFEBAG_pop_free(bags, PKCS12_SAFEBAG_free);
    }
    sk_PKCS7_pop_free(parts, PKCS7_free);
    return over(&b) ? limit + 1 : b.spent;
}
