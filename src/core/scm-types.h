/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Key types a profile may allow; the string forms are the design's
 * ("RSA-2048", "EC-P256", …) and are what the store, the command line and
 * the HTTP API use. */
typedef enum
{
  SCM_KEY_TYPE_RSA_2048,
  SCM_KEY_TYPE_RSA_3072,
  SCM_KEY_TYPE_RSA_4096,
  SCM_KEY_TYPE_EC_P256,
  SCM_KEY_TYPE_EC_P384,
} ScmKeyType;

typedef enum /*< flags >*/
{
  SCM_PURPOSE_CLIENT_AUTH = 1 << 0,
  SCM_PURPOSE_SMIME = 1 << 1,
} ScmPurpose;

typedef enum
{
  SCM_VALIDATION_STANDARD,
  SCM_VALIDATION_HIGH,
} ScmValidationType;

typedef enum
{
  SCM_AUTHENTICATION_EMAIL_CONFIRMATION,
  SCM_AUTHENTICATION_SECRET_ID,
} ScmAuthentication;

typedef enum
{
  SCM_AUTHORIZATION_NONE,
  SCM_AUTHORIZATION_ACCESS_CODE,
  SCM_AUTHORIZATION_SECRET_ID,
} ScmAuthorization;

typedef enum /*< flags >*/
{
  SCM_CSR_METHOD_SERVER = 1 << 0,
  SCM_CSR_METHOD_CLIENT = 1 << 1,
  SCM_CSR_METHOD_PROVIDED = 1 << 2,
} ScmCsrMethod;

typedef enum
{
  SCM_PKCS12_AES256_SHA256,
  SCM_PKCS12_TRIPLEDES_SHA1,
} ScmPkcs12Protection;

typedef enum
{
  SCM_CERT_STATUS_PENDING,
  SCM_CERT_STATUS_ISSUED,
  SCM_CERT_STATUS_REVOKED,
  SCM_CERT_STATUS_EXPIRED,
  SCM_CERT_STATUS_FAILED,
} ScmCertStatus;

/* RFC 5280 CRLReason values (the subscriber-facing ones are 0, 1, 3, 4, 5). */
typedef enum
{
  SCM_REVOCATION_UNSPECIFIED = 0,
  SCM_REVOCATION_KEY_COMPROMISE = 1,
  SCM_REVOCATION_AFFILIATION_CHANGED = 3,
  SCM_REVOCATION_SUPERSEDED = 4,
  SCM_REVOCATION_CESSATION_OF_OPERATION = 5,
} ScmRevocationReason;

typedef enum
{
  SCM_REQUESTED_VIA_SELF_ENROLLMENT,
  SCM_REQUESTED_VIA_ADMIN,
  SCM_REQUESTED_VIA_CSV,
  SCM_REQUESTED_VIA_EST,
} ScmRequestedVia;

/* String forms, shared by the store, the command line and the API.
 * *_from_string() return FALSE for unknown strings. */
const char *scm_key_type_to_string            (ScmKeyType type);
gboolean    scm_key_type_from_string          (const char *str, ScmKeyType *out);
const char *scm_validation_type_to_string     (ScmValidationType type);
gboolean    scm_validation_type_from_string   (const char *str, ScmValidationType *out);
const char *scm_authentication_to_string      (ScmAuthentication auth);
gboolean    scm_authentication_from_string    (const char *str, ScmAuthentication *out);
const char *scm_authorization_to_string       (ScmAuthorization auth);
gboolean    scm_authorization_from_string     (const char *str, ScmAuthorization *out);
const char *scm_csr_method_to_string          (ScmCsrMethod method);
gboolean    scm_csr_method_from_string        (const char *str, ScmCsrMethod *out);
const char *scm_pkcs12_protection_to_string   (ScmPkcs12Protection protection);
gboolean    scm_pkcs12_protection_from_string (const char *str, ScmPkcs12Protection *out);
const char *scm_cert_status_to_string         (ScmCertStatus status);
gboolean    scm_cert_status_from_string       (const char *str, ScmCertStatus *out);
const char *scm_revocation_reason_to_string   (ScmRevocationReason reason);
gboolean    scm_revocation_reason_from_string (const char *str, ScmRevocationReason *out);
const char *scm_requested_via_to_string       (ScmRequestedVia via);
gboolean    scm_requested_via_from_string     (const char *str, ScmRequestedVia *out);

G_END_DECLS
