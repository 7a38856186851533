/*
 * http_tls.c - the certificate check of a host's handle: an OpenSSL
 * verify callback, installed through CURLOPT_SSL_CTX_FUNCTION, that
 * records the leaf certificate's thumbprints for messages, then either
 * compares the leaf with a pinned thumbprint or runs the normal chain
 * verification.
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <vifs/trust.h>

#include "http_int.h"

/* Formats the ALG thumbprint of a DER certificate into BUF, or "". */
static void
record(char *buf, size_t size, enum vifs_thumbprint_alg alg,
    const unsigned char *der, size_t len)
{
	struct vifs_thumbprint tp;

	buf[0] = '\0';
	if (vifs_thumbprint_from_der(&tp, alg, der, len) == 0)
		vifs_thumbprint_format(buf, size, &tp);
}

static int
verify_cb(X509_STORE_CTX *ctx, void *arg)
{
	vifs_http *h = arg;
	X509 *leaf = X509_STORE_CTX_get0_cert(ctx);
	unsigned char *der = NULL;
	int der_len, ok;

	if (leaf == NULL) {
		h->tls_refused = 1;
		return 0;
	}
	der_len = i2d_X509(leaf, &der);
	if (der_len > 0) {
		record(h->peer_sha1, sizeof(h->peer_sha1), VIFS_THUMBPRINT_SHA1,
		    der, (size_t)der_len);
		record(h->peer_sha256, sizeof(h->peer_sha256),
		    VIFS_THUMBPRINT_SHA256, der, (size_t)der_len);
		record(h->peer_sha512, sizeof(h->peer_sha512),
		    VIFS_THUMBPRINT_SHA512, der, (size_t)der_len);
	}
	if (h->insecure) {
		ok = 1; /* --insecure: thumbprints recorded only */
	} else if (h->pinned) {
		struct vifs_thumbprint got;

		ok = der_len > 0 &&
		    vifs_thumbprint_from_der(&got, h->pin.alg, der,
		        (size_t)der_len) == 0 &&
		    vifs_thumbprint_equal(&got, &h->pin);
		if (!ok) {
			h->pin_mismatch = 1;
			X509_STORE_CTX_set_error(ctx,
			    X509_V_ERR_CERT_SIGNATURE_FAILURE);
		} else if (h->cacert_file != NULL &&
		    !(ok = X509_verify_cert(ctx) == 1)) {
			/* A CA file given too: the chain must verify as
			 * well; the pin does not replace it. */
			snprintf(h->tls_why, sizeof(h->tls_why), "%s",
			    X509_verify_cert_error_string(
			        X509_STORE_CTX_get_error(ctx)));
		}
	} else {
		ok = X509_verify_cert(ctx) == 1;
		if (!ok)
			snprintf(h->tls_why, sizeof(h->tls_why), "%s",
			    X509_verify_cert_error_string(
			        X509_STORE_CTX_get_error(ctx)));
	}
	OPENSSL_free(der);
	if (!ok)
		h->tls_refused = 1;
	return ok;
}

CURLcode
http_ssl_ctx_cb(CURL *curl, void *ssl_ctx, void *arg)
{
	vifs_http *h = arg;

	(void)curl;
	SSL_CTX_set_cert_verify_callback((SSL_CTX *)ssl_ctx, verify_cb, arg);
	/* A pin is checked here alone: libcurl was told not to verify, so
	 * it loads no CA store, and a refusal must still end the
	 * handshake. */
	if (h->pinned && !h->insecure)
		SSL_CTX_set_verify((SSL_CTX *)ssl_ctx, SSL_VERIFY_PEER, NULL);
	return CURLE_OK;
}
