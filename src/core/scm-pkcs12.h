/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "scm-types.h"

G_BEGIN_DECLS

/* Iteration counts of the two protections, for the bags' key derivation and
 * for the MAC alike. AES256-SHA256 goes to current systems, where 10,000
 * PBKDF2-HMAC-SHA256 rounds cost nothing noticeable; TripleDES-SHA1 is for
 * old Windows, macOS and Android, which expect the customary 2048. */
#define SCM_PKCS12_AES256_SHA256_ITERATIONS 2048
#define SCM_PKCS12_TRIPLEDES_SHA1_ITERATIONS 2048

/* A password may be empty but only printable ASCII (0x20–0x7E): Java and
 * some Windows versions refuse or mangle anything else. SCM_ERROR_INVALID
 * says so otherwise. */
gboolean scm_pkcs12_check_password (const char          *password,
                                    GError             **error);

/* A PKCS#12 file holding the PKCS#8 DER @private_key_der, its DER
 * certificate and @chain_der (GBytes DER, issuing CA first; nullable).
 * The key and certificate bags carry @friendly_name (nullable, UTF-8) and
 * a localKeyID linking them.
 *
 * %SCM_PKCS12_AES256_SHA256: both bags PBES2/PBKDF2-HMAC-SHA256/AES-256-CBC,
 * MAC HMAC-SHA256. %SCM_PKCS12_TRIPLEDES_SHA1: both bags
 * pbeWithSHA1And3-KeyTripleDES-CBC, MAC HMAC-SHA1. Never RC2. */
GBytes  *scm_pkcs12_build          (GBytes              *private_key_der,
                                    GBytes              *certificate_der,
                                    GPtrArray           *chain_der,
                                    const char          *friendly_name,
                                    const char          *password,
                                    ScmPkcs12Protection  protection,
                                    GError             **error);

/* Opens a PKCS#12 file: the key as PKCS#8 DER, its certificate and the
 * other certificates (each out parameter nullable). A wrong password fails
 * with SCM_ERROR_WRONG_PASSPHRASE. */
gboolean scm_pkcs12_parse          (GBytes              *data,
                                    const char          *password,
                                    GBytes             **private_key_der,
                                    GBytes             **certificate_der,
                                    GPtrArray          **chain_der,
                                    GError             **error);

G_END_DECLS
