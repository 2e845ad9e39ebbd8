/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* What every answer of the enrollment endpoint shares: errors as
 * "application/problem+json" (RFC 9457) and the security headers.
 *
 * A problem's "type" is SCM_HTTP_PROBLEM_TYPE_BASE followed by a stable
 * name, e.g. "https://scm-enroll.example/problems/not-found". Clients
 * (the enroll window, scm-enrollctl enroll) compare the whole string; the
 * names never change meaning, new ones may be added. The host is under
 * the reserved .example domain on purpose: the URIs are identifiers and
 * are never fetched. "title" is the fixed English summary of the type,
 * "status" repeats the HTTP status, and "detail" is one sentence for
 * people about this occurrence. */

#define SCM_HTTP_PROBLEM_TYPE_BASE "https://scm-enroll.example/problems/"

/* Request bodies larger than this are refused (413) before being read. */
#define SCM_HTTP_MAX_BODY_SIZE (64 * 1024)

/* The media type of JSON request and answer bodies. */
#define SCM_HTTP_JSON_TYPE "application/json"
#define SCM_HTTP_PROBLEM_JSON_TYPE "application/problem+json"

/**
 * ScmHttpProblem:
 * @SCM_HTTP_PROBLEM_MALFORMED_REQUEST: 400 "malformed-request": the body
 *   is not the JSON object the route expects
 * @SCM_HTTP_PROBLEM_NOT_FOUND: 404 "not-found": no such resource, or a
 *   form that is unknown or disabled (the same answer, so that nobody can
 *   probe which forms exist)
 * @SCM_HTTP_PROBLEM_METHOD_NOT_ALLOWED: 405 "method-not-allowed", with
 *   an Allow header
 * @SCM_HTTP_PROBLEM_BODY_TOO_LARGE: 413 "body-too-large": more than
 *   %SCM_HTTP_MAX_BODY_SIZE bytes
 * @SCM_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE: 415 "unsupported-media-type":
 *   a body that is not application/json where JSON is expected
 * @SCM_HTTP_PROBLEM_INTERNAL_ERROR: 500 "internal-error": the endpoint
 *   failed; the log says why
 * @SCM_HTTP_PROBLEM_UNAVAILABLE: 503 "unavailable": the endpoint is
 *   shutting down or cannot reach what it needs
 * @SCM_HTTP_PROBLEM_INVALID_REQUEST: 422 "invalid-request": a well-formed
 *   request with a value the endpoint cannot take (an email that is not
 *   one, a damaged CSR, a method the form does not use)
 * @SCM_HTTP_PROBLEM_CREDENTIALS_REFUSED: 401 "credentials-refused": a
 *   code, Secret ID or access code was refused; one answer for every
 *   reason (unknown email, wrong secret, expired or used code), which only
 *   the audit log tells apart
 * @SCM_HTTP_PROBLEM_SESSION_REQUIRED: 401 "session-required": no
 *   Authorization: Bearer session, or one that is unknown, expired, ended
 *   or of a disabled form; with a WWW-Authenticate: Bearer header
 * @SCM_HTTP_PROBLEM_TOO_MANY_ATTEMPTS: 429 "too-many-attempts": the
 *   email or the client address is locked out after failed attempts, or
 *   asked for too many codes; a Retry-After header and a "retry_after"
 *   member give the seconds to wait
 * @SCM_HTTP_PROBLEM_NOT_ELIGIBLE: 403 "not-eligible": the authenticated
 *   person may not enroll here (no account of the form reaches them, the
 *   domain is no longer delegated, a sponsor has to validate them first)
 * @SCM_HTTP_PROBLEM_ACCOUNT_NOT_AUTHORIZED: 403 "account-not-authorized":
 *   a certificate for an account whose authorization step did not pass in
 *   this session
 * @SCM_HTTP_PROBLEM_POLICY: 422 "policy-violation": a profile, term, key
 *   type, CSR method, PKCS#12 protection or empty password that the
 *   account or its profile does not allow
 * @SCM_HTTP_PROBLEM_SESSION_BUSY: 409 "session-busy": the session is
 *   already getting a certificate
 *
 * Also the codes of the SCM_HTTP_PROBLEM_ERROR domain, so that route
 * handlers report a problem by returning a GError.
 */
typedef enum
{
  SCM_HTTP_PROBLEM_MALFORMED_REQUEST,
  SCM_HTTP_PROBLEM_NOT_FOUND,
  SCM_HTTP_PROBLEM_METHOD_NOT_ALLOWED,
  SCM_HTTP_PROBLEM_BODY_TOO_LARGE,
  SCM_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE,
  SCM_HTTP_PROBLEM_INTERNAL_ERROR,
  SCM_HTTP_PROBLEM_UNAVAILABLE,
  SCM_HTTP_PROBLEM_INVALID_REQUEST,
  SCM_HTTP_PROBLEM_CREDENTIALS_REFUSED,
  SCM_HTTP_PROBLEM_SESSION_REQUIRED,
  SCM_HTTP_PROBLEM_TOO_MANY_ATTEMPTS,
  SCM_HTTP_PROBLEM_NOT_ELIGIBLE,
  SCM_HTTP_PROBLEM_ACCOUNT_NOT_AUTHORIZED,
  SCM_HTTP_PROBLEM_POLICY,
  SCM_HTTP_PROBLEM_SESSION_BUSY,
} ScmHttpProblem;

#define SCM_HTTP_PROBLEM_ERROR (scm_http_problem_error_quark ())

GQuark      scm_http_problem_error_quark    (void);

/* "not-found" */
const char *scm_http_problem_get_name       (ScmHttpProblem problem);
/* SCM_HTTP_PROBLEM_TYPE_BASE "not-found" */
const char *scm_http_problem_get_type_uri   (ScmHttpProblem problem);
const char *scm_http_problem_get_title      (ScmHttpProblem problem);
guint       scm_http_problem_get_status     (ScmHttpProblem problem);

/* The problem+json body: {type, title, status, detail}. @detail NULL
 * leaves "detail" out. */
GBytes     *scm_http_problem_to_json        (ScmHttpProblem problem,
                                             const char    *detail);

/* Cache-Control: no-store and X-Content-Type-Options: nosniff, which
 * every answer carries (replacing what is there). */
void        scm_http_set_security_headers   (SoupMessageHeaders *headers);

/* Answers @msg with @problem (status, body, headers). */
void        scm_http_respond_problem        (SoupServerMessage *msg,
                                             ScmHttpProblem     problem,
                                             const char        *detail);

/* Answers @msg with @body of @content_type (status 2xx usually). */
void        scm_http_respond                (SoupServerMessage *msg,
                                             guint              status,
                                             const char        *content_type,
                                             GBytes            *body);

/* TRUE for "application/json", with at most a "charset=utf-8" parameter
 * (any case): the only request bodies JSON routes take. */
gboolean    scm_http_is_json_content_type   (const char *content_type);

/* Parses a JSON route's request body: it must be @content_type
 * application/json (SCM_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE), at most
 * SCM_HTTP_MAX_BODY_SIZE bytes (_BODY_TOO_LARGE), valid UTF-8 holding
 * one JSON object (_MALFORMED_REQUEST). Errors are in the
 * SCM_HTTP_PROBLEM_ERROR domain with a detail for the client. */
JsonObject *scm_http_parse_json_object      (const char *content_type,
                                             GBytes     *body,
                                             GError    **error);

G_END_DECLS
