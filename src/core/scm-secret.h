/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Secrets: generated only from OpenSSL's CSPRNG (RAND_priv_bytes), stored
 * only as HMAC-SHA256 under the installation key, compared in constant time.
 *
 * Generated secrets use an unambiguous alphabet (no 0/O, 1/I/l) and are
 * grouped for reading aloud: "7KQF-M3XD-…". */

#define SCM_INSTALLATION_KEY_SIZE 32

/* Bits of entropy each generated kind carries at least. */
#define SCM_SECRET_MIN_GENERATED_BITS 80

typedef enum
{
  SCM_SECRET_KIND_SECRET_ID,          /* 20 symbols in groups of 4, ≥ 100 bits */
  SCM_SECRET_KIND_ACCESS_CODE,        /* 16 symbols in groups of 4, ≥ 80 bits */
  SCM_SECRET_KIND_CONFIRMATION_CODE,  /* 8 decimal digits, for mail (tries limited) */
  SCM_SECRET_KIND_PKCS12_PASSWORD,    /* 20 symbols in groups of 5, ASCII, ≥ 100 bits */
} ScmSecretKind;

/* Purposes separate the HMAC domains, so a Secret ID's hash can never be
 * replayed as an access code's. */
typedef enum
{
  SCM_SECRET_PURPOSE_SECRET_ID,
  SCM_SECRET_PURPOSE_ACCESS_CODE,
  SCM_SECRET_PURPOSE_CONFIRMATION_CODE,
  SCM_SECRET_PURPOSE_AUDIT_CHAIN,
} ScmSecretPurpose;

/* Reads the installation key from @path, or creates it (32 CSPRNG bytes,
 * mode 0600, written atomically) when the file does not exist. Fails when
 * the file exists with another size or is readable by others. */
gboolean scm_installation_key_load_or_create (const char *path,
                                              guint8      key[SCM_INSTALLATION_KEY_SIZE],
                                              GError    **error);

/* Creates @path (mode 0600) holding @data unless it exists; when two
 * processes race, the first one's file stays and both succeed. Callers
 * read the file back to learn which content won. */
gboolean scm_secret_file_create              (const char *path,
                                              const void *data,
                                              gsize       len,
                                              GError    **error);

/* Fills @buffer with @len bytes from RAND_priv_bytes(); aborts if the CSPRNG
 * fails (there is no safe fallback). */
void     scm_random_bytes                    (guint8     *buffer,
                                              gsize       len);

/* A new secret of @kind (NUL-terminated, free with scm_secret_free()). */
char    *scm_secret_generate                 (ScmSecretKind kind);

/* @nbytes random bytes as lowercase hex (e.g. 16 → a 128-bit URI extension). */
char    *scm_random_hex                      (gsize       nbytes);

/* Strips the group separators and spaces a person may type and upper-cases,
 * so "7kqf m3xd" and "7KQF-M3XD" are the same secret. */
char    *scm_secret_normalize                (const char *secret);

/* Estimated bits of entropy of a typed secret: character classes, length,
 * penalties for repeats, sequences and common words. Generated secrets
 * score at least their true entropy. */
double   scm_secret_estimate_bits            (const char *secret);

/* Minimum bits for a typed Secret ID or access code. */
#define SCM_SECRET_MIN_TYPED_BITS 50.0

/* TRUE if @secret is strong enough; otherwise sets SCM_ERROR_WEAK_SECRET
 * with a sentence saying what to do. */
gboolean scm_secret_check_strength           (const char *secret,
                                              GError    **error);

/* HMAC-SHA256(key, purpose || 0x00 || normalized secret) as lowercase hex. */
char    *scm_secret_hash                     (const guint8     key[SCM_INSTALLATION_KEY_SIZE],
                                              ScmSecretPurpose purpose,
                                              const char      *secret);

/* Constant-time check of @secret against a stored scm_secret_hash(). */
gboolean scm_secret_verify                   (const guint8     key[SCM_INSTALLATION_KEY_SIZE],
                                              ScmSecretPurpose purpose,
                                              const char      *secret,
                                              const char      *stored_hash);

/* Constant-time equality of two byte strings of possibly different lengths. */
gboolean scm_constant_time_equal             (const void *a,
                                              gsize       a_len,
                                              const void *b,
                                              gsize       b_len);

/* HMAC-SHA256 of @data under @key (for the audit chain). @out is 32 bytes. */
void     scm_hmac_sha256                     (const guint8 *key,
                                              gsize         key_len,
                                              const void   *data,
                                              gsize         data_len,
                                              guint8        out[32]);

/* Overwrites then frees a secret string. NULL-safe. */
void     scm_secret_free                     (char       *secret);

G_END_DECLS
