/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-enrollment-api.h"

G_BEGIN_DECLS

/* Enrollment over Secure Transport (RFC 7030) on the enrollment endpoint:
 * /.well-known/est/EXT/… for the form with URI extension EXT, and the
 * label-less /.well-known/est/… for the form named by the setting
 * est.default-form (strongSwan's `pki --est` cannot send a label). Like
 * the JSON routes (scm-enrollment-api.h), these run in a worker thread
 * with @request->segment the label (NULL for the label-less paths).
 *
 * Certs-only PKCS#7 answers are base64 without line breaks: strongSwan
 * refuses wrapped base64.
 *
 * HTTP Basic authentication, the user name always being the email of a
 * registered person:
 * - the password is the person's Secret ID: on a form that signs in with
 *   a Secret ID, every account of the form open to the person whose
 *   authorization is None or Secret ID; on any form, accounts whose
 *   authorization is Secret ID;
 * - otherwise the password is an access code: the account open to the
 *   person whose access code it is.
 * The first such account (in the store's order) that allows the
 * request's CSR method and has a profile for its key type issues.
 * Failures are counted on the same "email:…" and "address:…" counters as
 * the JSON flow; every credential failure is the same 401 with
 * WWW-Authenticate: Basic, a lockout is 429 with Retry-After, and the
 * audit log records the precise reason. Other refusals: 400 for a bad
 * CSR, 403 for policy, 404 for an unknown or disabled form, 415 for a
 * body that is not application/pkcs10. Error bodies are text/plain. */

#define SCM_EST_REALM "ScmEnroll EST"

/* GET /.well-known/est[/EXT]/cacerts → 200 application/pkcs7-mime
 * certs-only with the issuing chain (issuing CA first, root last). */
ScmApiResponse *scm_est_cacerts       (ScmAuthority        *authority,
                                       const ScmApiRequest *request,
                                       GError             **error);

/* POST /.well-known/est[/EXT]/simpleenroll, a base64 PKCS#10 body
 * → 200 application/pkcs7-mime certs-only with the new certificate. */
ScmApiResponse *scm_est_simpleenroll  (ScmAuthority        *authority,
                                       const ScmApiRequest *request,
                                       GError             **error);

/* POST /.well-known/est[/EXT]/simplereenroll (RFC 7030 4.2.2), a base64
 * PKCS#10 body for a new key, authenticated by the certificate it renews
 * as the TLS client certificate: ours, issued, not revoked, valid. The
 * new certificate has the same subject and records the one it renews. */
ScmApiResponse *scm_est_simplereenroll (ScmAuthority        *authority,
                                        const ScmApiRequest *request,
                                        GError             **error);

/* POST /.well-known/est[/EXT]/serverkeygen, a base64 PKCS#10 body (its
 * key type, when the profile allows it, chooses the new key's type)
 * → 200 multipart/mixed: the private key (application/pkcs8) and the
 * certificate (application/pkcs7-mime certs-only), both base64. Only for
 * accounts whose CSR methods include server. */
ScmApiResponse *scm_est_serverkeygen  (ScmAuthority        *authority,
                                       const ScmApiRequest *request,
                                       GError             **error);

/* A degenerate, certs-only PKCS#7 SignedData (DER) holding the DER
 * certificates of @certificates (element-type GBytes). */
GBytes         *scm_est_certs_only    (GPtrArray           *certificates);

G_END_DECLS
