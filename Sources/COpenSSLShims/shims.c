#include "COpenSSLShims.h"

#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <string.h>

long cshim_BIO_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

void cshim_OPENSSL_free(void *pointer) {
    OPENSSL_free(pointer);
}

/// Loads optional config text into a new NCONF, or returns NULL when there is none.
static CONF *load_config(const char *config, int *failed) {
    *failed = 0;
    if (config == NULL || config[0] == '\0') return NULL;
    CONF *conf = NCONF_new(NULL);
    BIO *bio = BIO_new_mem_buf(config, (int)strlen(config));
    long error_line = 0;
    if (conf == NULL || bio == NULL || NCONF_load_bio(conf, bio, &error_line) <= 0) {
        NCONF_free(conf);
        conf = NULL;
        *failed = 1;
    }
    BIO_free(bio);
    return conf;
}

int cshim_x509_add_ext(X509 *cert, X509 *issuer, const char *name, const char *value, const char *config) {
    int failed = 0;
    CONF *conf = load_config(config, &failed);
    if (failed) return 0;
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer != NULL ? issuer : cert, cert, NULL, NULL, 0);
    if (conf != NULL) X509V3_set_nconf(&ctx, conf);
    X509_EXTENSION *ext = X509V3_EXT_nconf(conf, &ctx, name, value);
    int ok = ext != NULL && X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    NCONF_free(conf);
    return ok;
}

int cshim_crl_add_ext(X509_CRL *crl, X509 *issuer, const char *name, const char *value) {
    X509V3_CTX ctx;
    X509V3_set_ctx(&ctx, issuer, NULL, NULL, crl, 0);
    X509_EXTENSION *ext = X509V3_EXT_nconf(NULL, &ctx, name, value);
    int ok = ext != NULL && X509_CRL_add_ext(crl, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

/// What the two callbacks below read; lives on the caller's stack for the duration of one response.
struct response_inputs {
    long seconds;
    long microseconds;
    const unsigned char *serial;
    int serial_length;
};

static int fixed_time_cb(TS_RESP_CTX *ctx, void *data, long *seconds, long *microseconds) {
    (void)ctx;
    const struct response_inputs *inputs = data;
    *seconds = inputs->seconds;
    *microseconds = inputs->microseconds;
    return 1;
}

static ASN1_INTEGER *fixed_serial_cb(TS_RESP_CTX *ctx, void *data) {
    const struct response_inputs *inputs = data;
    BIGNUM *bn = BN_bin2bn(inputs->serial, inputs->serial_length, NULL);
    ASN1_INTEGER *serial = bn != NULL ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
    BN_free(bn);
    if (serial == NULL) {
        TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "Error during serial number generation.");
        TS_RESP_CTX_add_failure_info(ctx, TS_INFO_ADD_INFO_NOT_AVAILABLE);
    }
    return serial;
}

TS_RESP *cshim_ts_create_response(TS_RESP_CTX *ctx, BIO *request, long seconds, long microseconds,
                                  const unsigned char *serial, int serial_length) {
    struct response_inputs inputs = { seconds, microseconds, serial, serial_length };
    TS_RESP_CTX_set_time_cb(ctx, fixed_time_cb, &inputs);
    TS_RESP_CTX_set_serial_cb(ctx, fixed_serial_cb, &inputs);
    // The callbacks point at this stack frame: the context must not be used again after this call.
    return TS_RESP_create_response(ctx, request);
}
