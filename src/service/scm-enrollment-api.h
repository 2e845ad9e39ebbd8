/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-authority.h"

G_BEGIN_DECLS

/* The authenticated enrollment flow of the endpoint (DESIGN.md,
 * "Authentication and authorization" and "Enrollment endpoint"): the JSON
 * POST routes, as functions that ScmEnrollmentServer calls in a worker
 * thread. They touch only the authority, its store and copies of the
 * request, so they may block (SQLite, key generation); none of them runs
 * on the main loop.
 *
 * Choices the design left open:
 * - Sessions last SCM_ENROLLMENT_API_SESSION_SECONDS, are bound to the
 *   form they were opened on (a disabled form ends them) and end once
 *   their certificate is issued.
 * - Lockout answers 429 "too-many-attempts" with Retry-After and
 *   "retry_after" (seconds). Failures are counted per "email:…" whether
 *   or not the email exists, and per "address:…", so a lockout tells
 *   nothing about which emails exist; it tells the person when to retry.
 *   Every other credential failure is the one 401 "credentials-refused".
 * - Email confirmation: an email that no account of the form reaches
 *   gets the same 202 with a confirmation id that leads nowhere; no mail
 *   is sent and the audit log says why. Code requests are limited per
 *   "mail-email:…" and "mail-address:…" with the lockout settings
 *   (limits.max-attempts codes, then a pause of limits.lockout-minutes).
 * - A confirmed email that is not a registered person gets a person
 *   record when its first certificate is issued (as SCM does), in the
 *   organization and department of the account, named from the email's
 *   local part ("ada.lovelace" → Ada Lovelace), created by "email:…".
 * - The PKCS#12 protections offered are the account's one protection. */

#define SCM_ENROLLMENT_API_SESSION_SECONDS (15 * 60)

/**
 * ScmApiRequest:
 * @segment: the variable part of the path: a form's URI extension or an
 *   account id (nullable)
 * @client_address: the client's IP address (nullable)
 * @authorization: the Authorization header (nullable)
 * @content_type: the Content-Type header (nullable)
 * @body: the request body (nullable)
 * @now: unix seconds when the request came in
 * @client_certificate: the DER certificate the client presented in the
 *   TLS handshake (nullable; EST simplereenroll authenticates with it)
 *
 * A copy of what a route needs from the HTTP request, safe to hand to a
 * thread.
 */
typedef struct
{
  char *segment;
  char *client_address;
  char *authorization;
  char *content_type;
  GBytes *body;
  gint64 now;
  GBytes *client_certificate;
} ScmApiRequest;

/**
 * ScmApiResponse:
 * @status: the HTTP status
 * @content_type: application/json or application/problem+json
 * @body: the body
 * @headers: (element-type utf8): more header names and values, in pairs
 *
 * What a route answers, problems included.
 */
typedef struct
{
  guint status;
  char *content_type;
  GBytes *body;
  GPtrArray *headers;
} ScmApiResponse;

void scm_api_request_free  (ScmApiRequest  *request);
void scm_api_response_free (ScmApiResponse *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmApiRequest, scm_api_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmApiResponse, scm_api_response_free)

/* A route. Problems for the client come back as a response; an error
 * (anything the client cannot fix: the database, OpenSSL) means a 500
 * whose reason goes to the log, not to the client. */
typedef ScmApiResponse *(*ScmApiHandler) (ScmAuthority        *authority,
                                          const ScmApiRequest *request,
                                          GError             **error);

/* POST /api/v1/forms/EXT/email-confirmations {email}
 * → 202 {confirmation_id, expires_in}; mails the code from a thread of its
 * own, so the answer never waits for the SMTP server. */
ScmApiResponse *scm_enrollment_api_request_confirmation (ScmAuthority        *authority,
                                                         const ScmApiRequest *request,
                                                         GError             **error);

/* POST /api/v1/forms/EXT/sessions
 * {method:"email-confirmation", confirmation_id, code} or
 * {method:"secret-id", email, secret_id}
 * → 201 {session, expires_in, person:{email, name}, accounts:[{id, name,
 * authorization}]}. */
ScmApiResponse *scm_enrollment_api_open_session         (ScmAuthority        *authority,
                                                         const ScmApiRequest *request,
                                                         GError             **error);

/* POST /api/v1/session/accounts/ID/authorize (Bearer) {access_code} |
 * {secret_id} | {} → 200 {profiles:[{id, name, terms, key_types}],
 * csr_methods, pkcs12, allow_empty_password}. */
ScmApiResponse *scm_enrollment_api_authorize_account    (ScmAuthority        *authority,
                                                         const ScmApiRequest *request,
                                                         GError             **error);

/* POST /api/v1/session/certificates (Bearer)
 * {account_id, profile_id, term_days, key_type, csr[, csr_method]} or
 * {account_id, profile_id, term_days, key_type, pkcs12:{password,
 * protection}} → 201 {serial, not_after, certificate, chain, pkcs12?}
 * (PEM strings, not_after as RFC 3339 UTC, PKCS#12 in base64). */
ScmApiResponse *scm_enrollment_api_issue_certificate    (ScmAuthority        *authority,
                                                         const ScmApiRequest *request,
                                                         GError             **error);

G_END_DECLS
