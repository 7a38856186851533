/*
 * credstore_obfuscate.c - the password obfuscation of VMware's
 * VICredStore.pm (PROTOCOL.md §7): the key of a server and user, the
 * filler, and both directions of the base64 form.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <vifs/credstore.h>
#include <vifs/error.h>
#include <vifs/file.h>

#include "credstore_int.h"
#include "dirs.h"
#include "internal.h"
#include "utf8.h"
#include "xmlquiet.h"

#define MIN_OBFUSCATED 128 /* bytes, as MINPASSLENGTH */
static const char filler_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";

/* --- obfuscation ------------------------------------------------------ */

uint8_t
vifs_credstore_key(const char *server, const char *username)
{
	const char *parts[2] = { server, username };
	uint32_t h = 0;

	for (int i = 0; i < 2; i++) {
		const char *s = parts[i];
		size_t len = strlen(s);
		int utf8 = 1;

		for (size_t j = 0; j < len && utf8;) {
			uint32_t c;
			int n = vifs_utf8_next(s + j, len - j, &c);

			if (n < 0)
				utf8 = 0;
			else
				j += (size_t)n;
		}
		while (len > 0) {
			uint32_t c = (unsigned char)*s;
			int n = 1;

			if (utf8)
				n = vifs_utf8_next(s, len, &c);
			h = h * 31u + c;
			s += n;
			len -= (size_t)n;
		}
	}
	return (uint8_t)(h & 0xff);
}

/* Fills BUF with N characters of [A-Za-z0-9_] from OpenSSL's generator. */
static int
random_filler(char *buf, size_t n)
{
	unsigned char r[64];
	size_t i = 0;

	while (i < n) {
		if (RAND_bytes(r, (int)sizeof(r)) != 1)
			return vifs_error_set(VIFS_ERROR,
			    "cannot obtain "
			    "random bytes from OpenSSL");
		/* 252 = 4 * 63: drop the rest so that no character is
		 * likelier than another. */
		for (size_t j = 0; j < sizeof(r) && i < n; j++)
			if (r[j] < 252)
				buf[i++] = filler_chars[r[j] % 63];
	}
	OPENSSL_cleanse(r, sizeof(r));
	return VIFS_OK;
}

int
vifs_credstore_obfuscate(char **out, const char *server, const char *username,
    const char *password, const char *filler)
{
	size_t plen = strlen(password), n, flen;
	unsigned char *buf = NULL;
	char *b64 = NULL;
	uint8_t key = vifs_credstore_key(server, username);
	int error = 0;

	*out = NULL;
	if (plen > (size_t)INT_MAX / 2)
		return vifs_error_set(VIFS_ETOOBIG, "password too long");
	n = plen + 1 > MIN_OBFUSCATED ? plen + 1 : MIN_OBFUSCATED;
	if ((buf = calloc(1, n)) == NULL ||
	    (b64 = malloc(4 * ((n + 2) / 3) + 1)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(buf, password, plen);
	/* The password, a NUL, filler up to byte n - 2, and a NUL that the
	 * Perl store gets from XORing strings of unequal length. */
	flen = n - 1 > plen + 1 ? n - 1 - (plen + 1) : 0;
	if (filler == NULL) {
		if ((error = random_filler((char *)buf + plen + 1, flen)) < 0)
			goto done;
	} else {
		size_t fl = strlen(filler);

		for (size_t i = 0; i < flen; i++)
			buf[plen + 1 + i] = (unsigned char)(fl ?
			        filler[i % fl] :
			        '_');
	}
	for (size_t i = 0; i < n; i++)
		buf[i] ^= key;
	EVP_EncodeBlock((unsigned char *)b64, buf, (int)n);
	*out = b64;
	b64 = NULL;
done:
	if (buf != NULL)
		OPENSSL_clear_free(buf, n);
	free(b64);
	return error;
}

/* Decodes base64 TEXT as MIME::Base64 does: blanks ignored, padding
 * optional.  *out holds *out_len bytes; the caller wipes and frees it. */
static int
base64_decode(unsigned char **out, size_t *out_len, const char *text)
{
	size_t len = strlen(text), n = 0, pad = 0;
	char *clean = NULL;
	unsigned char *bin = NULL;
	int rc, error = 0;

	*out = NULL;
	*out_len = 0;
	if (len > STORE_MAX)
		return vifs_error_set(VIFS_ETOOBIG, "password too long");
	if ((clean = malloc(len + 4)) == NULL)
		return vifs_error_set(VIFS_ENOMEM, "out of memory");
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0 ||
		    !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '+' || c == '/')) {
			error = vifs_error_set(VIFS_EPARSE, "invalid base64");
			goto done;
		}
		clean[n++] = c;
	}
	if (pad > 2 || n % 4 == 1) {
		error = vifs_error_set(VIFS_EPARSE, "invalid base64");
		goto done;
	}
	pad = (4 - n % 4) % 4;
	for (size_t i = 0; i < pad; i++)
		clean[n + i] = '=';
	if ((bin = malloc((n + pad) / 4 * 3 + 1)) == NULL) {
		error = vifs_error_set(VIFS_ENOMEM, "out of memory");
		goto done;
	}
	rc = n + pad > 0 ?
	    EVP_DecodeBlock(bin, (unsigned char *)clean, (int)(n + pad)) :
	    0;
	if (rc < 0) {
		error = vifs_error_set(VIFS_EPARSE, "invalid base64");
		goto done;
	}
	/* EVP_DecodeBlock counts the bytes the padding stands for. */
	*out_len = (size_t)rc - pad;
	*out = bin;
	bin = NULL;
done:
	free(clean);
	free(bin);
	return error;
}

int
vifs_credstore_deobfuscate(char **out, const char *server, const char *username,
    const char *value)
{
	unsigned char *bin = NULL;
	size_t len = 0, end;
	uint8_t key = vifs_credstore_key(server, username);
	int error;

	*out = NULL;
	if ((error = base64_decode(&bin, &len, value)) < 0)
		return error;
	for (end = 0; end < len && (bin[end] ^ key) != 0; end++)
		;
	if (end == len) {
		error = vifs_error_set(VIFS_EPARSE,
		    "obfuscated password "
		    "holds no terminating NUL");
		goto done;
	}
	for (size_t i = 0; i < end; i++)
		bin[i] ^= key;
	bin[end] = '\0';
	if ((*out = vifs_strndup((char *)bin, end)) == NULL)
		error = VIFS_ENOMEM;
done:
	OPENSSL_clear_free(bin, len + 1);
	return error;
}

void
vifs_credstore_secret_free(char *secret)
{
	if (secret != NULL)
		OPENSSL_clear_free(secret, strlen(secret));
}
