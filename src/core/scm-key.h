/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "scm-types.h"

G_BEGIN_DECLS

/* Keys travel as DER in GBytes so that callers (the UI, the service) never
 * include OpenSSL headers: private keys as unencrypted PKCS#8
 * PrivateKeyInfo, public keys as SubjectPublicKeyInfo. Only the five
 * ScmKeyType kinds are accepted anywhere; anything else is refused with
 * SCM_ERROR_POLICY naming what was found. */

/* A new key pair of @type (RSA with e = 65537, EC on a named curve), as
 * unencrypted PKCS#8 DER. RSA-4096 takes a second or more. */
GBytes  *scm_key_generate   (ScmKeyType   type,
                             GError     **error);

/* The SubjectPublicKeyInfo DER of a PKCS#8 DER private key. */
GBytes  *scm_key_get_public (GBytes      *private_der,
                             GError     **error);

/* The type of a SubjectPublicKeyInfo or PKCS#8 DER key. Keys that are not
 * one of the ScmKeyType kinds (RSA-1024, other curves, Ed25519, DSA…) fail
 * with SCM_ERROR_POLICY; bytes that are not a key with SCM_ERROR_INVALID. */
gboolean scm_key_get_type   (GBytes      *spki_or_pkcs8_der,
                             ScmKeyType  *out_type,
                             GError     **error);

/* A PEM certificate signing request for @email (subject CN=@email, a
 * subjectAltName rfc822Name extension request), signed with the PKCS#8 DER
 * @private_der: what the enroll window sends when it keeps the key local. */
GBytes  *scm_csr_create     (GBytes      *private_der,
                             const char  *email,
                             GError     **error);

/* Checks a PEM or DER certificate signing request (its self-signature and
 * its key type) and returns its SubjectPublicKeyInfo DER. Everything else
 * in the request is ignored: the CA decides the subject and extensions.
 * Fails with SCM_ERROR_INVALID for something that is not a CSR or whose
 * signature does not verify, SCM_ERROR_POLICY for a key type not allowed. */
GBytes  *scm_csr_parse      (const void  *data,
                             gsize        len,
                             ScmKeyType  *out_type,
                             GError     **error);

G_END_DECLS
