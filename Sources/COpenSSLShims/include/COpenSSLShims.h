// C helpers for the parts of OpenSSL 3 that Swift cannot import (function-like macros) and for a few call
// sequences that are clearer in C than as pointer juggling in Swift. Ownership is stated on each function.
#ifndef COPENSSL_SHIMS_H
#define COPENSSL_SHIMS_H

#include <openssl/bio.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/// `BIO_get_mem_data` is a macro. Points `*data` at the BIO's buffer (borrowed) and returns its length.
long cshim_BIO_get_mem_data(BIO *bio, char **data);

/// `OPENSSL_free` is a macro. Frees memory that OpenSSL allocated (e.g. from `BN_bn2hex`).
void cshim_OPENSSL_free(void *pointer);

/// Builds one X.509v3 extension from its OpenSSL config form (`name`, `value`, e.g. "basicConstraints",
/// "critical,CA:TRUE") and adds it to `cert`. `issuer` may be NULL for a self-signed certificate.
/// `config` is optional config-file text holding the sections that `value` refers to with `@section`
/// (needed for certificatePolicies with a CPS URI). Returns 1 on success, 0 on error (see the error queue).
int cshim_x509_add_ext(X509 *cert, X509 *issuer, const char *name, const char *value, const char *config);

/// Same as `cshim_x509_add_ext`, for a CRL (e.g. "authorityKeyIdentifier", "keyid:always").
int cshim_crl_add_ext(X509_CRL *crl, X509 *issuer, const char *name, const char *value);

/// Creates an RFC 3161 response with `ctx` for the DER request in `request`, stamping it with the given
/// time (seconds and microseconds since 1970, so that the sandbox clock drives the TSA) and serial number
/// (big-endian bytes). Returns a new TS_RESP (caller frees) or NULL. The callbacks it installs point at the
/// caller's stack, so `ctx` must be freed, not reused, afterwards.
TS_RESP *cshim_ts_create_response(TS_RESP_CTX *ctx, BIO *request, long seconds, long microseconds,
                                  const unsigned char *serial, int serial_length);

#endif
