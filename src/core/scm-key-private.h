/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by scm-key.c, scm-x509.c, scm-ca.c and scm-pkcs12.c that
 * hand OpenSSL handles around. Only core includes this header. */

#include "scm-key.h"
#include "scm-openssl-private.h"

G_BEGIN_DECLS

/* Cleanups for handles scm-openssl-private.h does not cover, under our own
 * names so that they never clash with a later addition there. */
typedef X509_SIG ScmX509Sig;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmX509Sig, X509_SIG_free)
typedef PKCS8_PRIV_KEY_INFO ScmPkcs8Info;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmPkcs8Info, PKCS8_PRIV_KEY_INFO_free)

/* PBKDF2-HMAC-SHA256 iterations for CA keys at rest (OWASP 2023). */
#define SCM_KEY_PBKDF2_ITERATIONS 600000

/* Password callback for PEM_read_bio_*: hands over the string in @userdata
 * (NULL: no password) and never prompts on a terminal. */
int        scm_key_pem_password_cb        (char       *buf,
                                           int         size,
                                           int         rwflag,
                                           void       *userdata);

EVP_PKEY  *scm_key_load_private           (GBytes     *pkcs8_der,
                                           GError    **error);
EVP_PKEY  *scm_key_load_public            (GBytes     *spki_der,
                                           GError    **error);
GBytes    *scm_key_to_pkcs8_der           (EVP_PKEY   *pkey,
                                           GError    **error);
GBytes    *scm_key_to_spki_der            (EVP_PKEY   *pkey,
                                           GError    **error);

/* "RSA-2048", "EC-P384", "EC-secp256k1", "ED25519", "DSA-2048"… */
char      *scm_key_describe               (EVP_PKEY   *pkey);

/* The ScmKeyType of @pkey, or SCM_ERROR_POLICY naming what it is. */
gboolean   scm_key_classify               (EVP_PKEY   *pkey,
                                           ScmKeyType *out_type,
                                           GError    **error);

/* The digest that goes with signing by @pkey: SHA-384 for P-384, SHA-512
 * for P-521, SHA-256 otherwise; NULL for EdDSA (no separate digest). */
const EVP_MD *scm_key_signature_digest    (EVP_PKEY   *pkey);

/* Encrypted PKCS#8 PEM: PBES2, PBKDF2-HMAC-SHA256 at
 * SCM_KEY_PBKDF2_ITERATIONS, AES-256-CBC. @passphrase is non-empty UTF-8. */
GBytes    *scm_key_export_encrypted_pem   (EVP_PKEY   *pkey,
                                           const char *passphrase,
                                           GError    **error);

/* Reads an "ENCRYPTED PRIVATE KEY" PEM; a passphrase that does not decrypt
 * it fails with SCM_ERROR_WRONG_PASSPHRASE. */
EVP_PKEY  *scm_key_import_encrypted_pem   (const void *data,
                                           gsize       len,
                                           const char *passphrase,
                                           GError    **error);

G_END_DECLS
