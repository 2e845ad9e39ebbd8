/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * ScmEnrollmentClientError:
 * @SCM_ENROLLMENT_CLIENT_ERROR_INVALID_URL: the enrollment link is not one
 *   (bad scheme, no form, no pin)
 * @SCM_ENROLLMENT_CLIENT_ERROR_UNREACHABLE: the server could not be
 *   reached or did not speak HTTP
 * @SCM_ENROLLMENT_CLIENT_ERROR_PIN_MISMATCH: the server's certificate does
 *   not chain up to the pinned CA or is not for this host
 * @SCM_ENROLLMENT_CLIENT_ERROR_FORM_NOT_FOUND: no such form, or disabled
 * @SCM_ENROLLMENT_CLIENT_ERROR_CREDENTIALS_REFUSED: code, Secret ID or
 *   access code refused
 * @SCM_ENROLLMENT_CLIENT_ERROR_LOCKED_OUT: too many attempts; see
 *   scm_enrollment_client_get_retry_after()
 * @SCM_ENROLLMENT_CLIENT_ERROR_NOT_ELIGIBLE: the person may not enroll
 *   here, or the account was not authorized in this session
 * @SCM_ENROLLMENT_CLIENT_ERROR_POLICY: the profile, term, key type,
 *   protection or password is not allowed
 * @SCM_ENROLLMENT_CLIENT_ERROR_INVALID_REQUEST: a value the server cannot
 *   take (an email that is not one, a damaged CSR)
 * @SCM_ENROLLMENT_CLIENT_ERROR_SESSION_EXPIRED: no session, or it ended:
 *   sign in again
 * @SCM_ENROLLMENT_CLIENT_ERROR_SERVER: the server failed or answered
 *   something this client does not understand
 *
 * What a UI can act on. The message is the server's problem detail when
 * there is one.
 */
typedef enum
{
  SCM_ENROLLMENT_CLIENT_ERROR_INVALID_URL,
  SCM_ENROLLMENT_CLIENT_ERROR_UNREACHABLE,
  SCM_ENROLLMENT_CLIENT_ERROR_PIN_MISMATCH,
  SCM_ENROLLMENT_CLIENT_ERROR_FORM_NOT_FOUND,
  SCM_ENROLLMENT_CLIENT_ERROR_CREDENTIALS_REFUSED,
  SCM_ENROLLMENT_CLIENT_ERROR_LOCKED_OUT,
  SCM_ENROLLMENT_CLIENT_ERROR_NOT_ELIGIBLE,
  SCM_ENROLLMENT_CLIENT_ERROR_POLICY,
  SCM_ENROLLMENT_CLIENT_ERROR_INVALID_REQUEST,
  SCM_ENROLLMENT_CLIENT_ERROR_SESSION_EXPIRED,
  SCM_ENROLLMENT_CLIENT_ERROR_SERVER,
} ScmEnrollmentClientError;

#define SCM_ENROLLMENT_CLIENT_ERROR (scm_enrollment_client_error_quark ())
GQuark scm_enrollment_client_error_quark (void);

/**
 * ScmEnrollmentClientFlags:
 * @SCM_ENROLLMENT_CLIENT_FLAGS_NONE: an https:// link with its
 *   #sha256= pin, nothing else
 * @SCM_ENROLLMENT_CLIENT_ALLOW_UNPINNED: an https:// link without a pin
 *   is trusted through the system's CA store
 * @SCM_ENROLLMENT_CLIENT_ALLOW_HTTP: http:// links are taken (no TLS,
 *   for a proxy on the same host)
 */
typedef enum
{
  SCM_ENROLLMENT_CLIENT_FLAGS_NONE = 0,
  SCM_ENROLLMENT_CLIENT_ALLOW_UNPINNED = 1 << 0,
  SCM_ENROLLMENT_CLIENT_ALLOW_HTTP = 1 << 1,
} ScmEnrollmentClientFlags;

/* The message a pin mismatch carries. */
#define SCM_ENROLLMENT_CLIENT_PIN_MISMATCH_MESSAGE \
  "The server's certificate does not match the enrollment link (possible interception); " \
  "ask your administrator for a new link"

#define SCM_TYPE_ENROLLMENT_CLIENT (scm_enrollment_client_get_type ())

/**
 * ScmEnrollmentClient:
 *
 * Speaks the enrollment endpoint's JSON API (DESIGN.md, "Enrollment
 * endpoint") over a SoupSession that trusts the server only if the chain
 * it presents holds the certificate pinned by the link (SHA-256 of its
 * DER) and verifies up to it for the link's host. Nothing is sent before
 * that check passes.
 *
 * Every call is asynchronous (GTask on the thread-default main context
 * of the creator); results are JSON objects as the server sent them. The
 * client remembers the session token that the sign-in calls return.
 */
G_DECLARE_FINAL_TYPE (ScmEnrollmentClient, scm_enrollment_client, SCM, ENROLLMENT_CLIENT, GObject)

/* @url: "https://HOST:PORT[/PREFIX]/enroll/EXT#sha256=HEX". */
ScmEnrollmentClient *scm_enrollment_client_new         (const char                *url,
                                                        GError                   **error);
/* As above; with @extension non-NULL, @url is the base URL
 * ("https://HOST:PORT[/PREFIX][#sha256=HEX]") and @extension the form. */
ScmEnrollmentClient *scm_enrollment_client_new_full    (const char                *url,
                                                        const char                *extension,
                                                        ScmEnrollmentClientFlags   flags,
                                                        GError                   **error);

/* "https://HOST:PORT[/PREFIX]", without a trailing slash. */
const char          *scm_enrollment_client_get_base_url  (ScmEnrollmentClient *self);
const char          *scm_enrollment_client_get_extension (ScmEnrollmentClient *self);
/* Lowercase hex, or NULL when unpinned. */
const char          *scm_enrollment_client_get_pin       (ScmEnrollmentClient *self);
/* The session token of the last sign-in, or NULL. */
const char          *scm_enrollment_client_get_session   (ScmEnrollmentClient *self);
/* Seconds to wait after the last LOCKED_OUT error (0 if unknown). */
guint                scm_enrollment_client_get_retry_after (ScmEnrollmentClient *self);
/* When the last mailed code stops working, in g_get_real_time()
 * microseconds (0 before any code was sent or if the server did not
 * say): the server refuses an expired code with the generic answer, so
 * only the client can tell the person to ask for a new one. */
gint64               scm_enrollment_client_get_code_expires_at (ScmEnrollmentClient *self);

/* GET /api/v1/forms/EXT → {name, type, authentication, help, contact} */
void        scm_enrollment_client_get_form_async               (ScmEnrollmentClient *self,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
JsonObject *scm_enrollment_client_get_form_finish              (ScmEnrollmentClient *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* Mails a code to @email → the confirmation id (transfer full). */
void        scm_enrollment_client_request_confirmation_async   (ScmEnrollmentClient *self,
                                                                const char          *email,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
char       *scm_enrollment_client_request_confirmation_finish  (ScmEnrollmentClient *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* Sign-in → {session, expires_in, person:{email, name}, accounts:[{id,
 * name, authorization}]}; the client keeps the session. */
void        scm_enrollment_client_create_session_email_async   (ScmEnrollmentClient *self,
                                                                const char          *confirmation_id,
                                                                const char          *code,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
void        scm_enrollment_client_create_session_secret_id_async (ScmEnrollmentClient *self,
                                                                  const char          *email,
                                                                  const char          *secret_id,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
JsonObject *scm_enrollment_client_create_session_finish        (ScmEnrollmentClient *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* Authorizes account @account_id with @access_code or @secret_id (at
 * most one; both NULL for accounts without authorization) →
 * {profiles:[{id, name, terms, key_types}], csr_methods, pkcs12,
 * allow_empty_password}. */
void        scm_enrollment_client_authorize_account_async      (ScmEnrollmentClient *self,
                                                                gint64               account_id,
                                                                const char          *access_code,
                                                                const char          *secret_id,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
JsonObject *scm_enrollment_client_authorize_account_finish     (ScmEnrollmentClient *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* Asks for a certificate: with @csr_pem (the key stays here; @key_type
 * nullable) or with @password and @protection (the server makes the key
 * and the PKCS#12). @term_days 0 lets the server choose. → {serial,
 * not_after, certificate, chain, pkcs12?}. */
void        scm_enrollment_client_request_certificate_async    (ScmEnrollmentClient *self,
                                                                gint64               account_id,
                                                                gint64               profile_id,
                                                                guint                term_days,
                                                                const char          *key_type,
                                                                const char          *csr_pem,
                                                                const char          *password,
                                                                const char          *protection,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
JsonObject *scm_enrollment_client_request_certificate_finish   (ScmEnrollmentClient *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* A TLS client certificate for scm_enrollment_client_renew_async(): the
 * PKCS#8 DER @private_key_der and its DER @certificate_der. */
GTlsCertificate *scm_enrollment_client_new_tls_certificate (GBytes              *private_key_der,
                                                            GBytes              *certificate_der,
                                                            GError             **error);

/* Renews @client_certificate (its key included) over EST simplereenroll
 * at the form's label ("/.well-known/est/EXT/simplereenroll"), presenting
 * it as the TLS client certificate on a new connection to the pinned
 * server. @csr_der is the PKCS#10 request for the new key. → the new
 * certificate's DER. A certificate the server does not know gives
 * CREDENTIALS_REFUSED; a revoked or expired one, or a reused key,
 * NOT_ELIGIBLE with the server's reason. */
void        scm_enrollment_client_renew_async                  (ScmEnrollmentClient *self,
                                                                GTlsCertificate     *client_certificate,
                                                                GBytes              *csr_der,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
GBytes     *scm_enrollment_client_renew_finish                 (ScmEnrollmentClient *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

G_END_DECLS
