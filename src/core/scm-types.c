/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include "scm-types.h"

typedef struct
{
  int value;
  const char *name;
} NamedValue;

static const char *
name_of (const NamedValue *table,
         gsize             n,
         int               value)
{
  for (gsize i = 0; i < n; i++)
    if (table[i].value == value)
      return table[i].name;
  return NULL;
}

static gboolean
value_of (const NamedValue *table,
          gsize             n,
          const char       *name,
          int              *out)
{
  if (name == NULL)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (g_ascii_strcasecmp (table[i].name, name) == 0)
      {
        if (out != NULL)
          *out = table[i].value;
        return TRUE;
      }
  return FALSE;
}

#define DEFINE_STRINGS(type, prefix, table)                              \
  const char *                                                           \
  prefix##_to_string (type value)                                        \
  {                                                                      \
    return name_of (table, G_N_ELEMENTS (table), (int) value);           \
  }                                                                      \
  gboolean                                                               \
  prefix##_from_string (const char *str,                                 \
                        type       *out)                                 \
  {                                                                      \
    int value;                                                           \
    if (!value_of (table, G_N_ELEMENTS (table), str, &value))            \
      return FALSE;                                                      \
    if (out != NULL)                                                     \
      *out = (type) value;                                               \
    return TRUE;                                                         \
  }

static const NamedValue key_types[] = {
  { SCM_KEY_TYPE_RSA_2048, "RSA-2048" },
  { SCM_KEY_TYPE_RSA_3072, "RSA-3072" },
  { SCM_KEY_TYPE_RSA_4096, "RSA-4096" },
  { SCM_KEY_TYPE_EC_P256, "EC-P256" },
  { SCM_KEY_TYPE_EC_P384, "EC-P384" },
};

static const NamedValue validation_types[] = {
  { SCM_VALIDATION_STANDARD, "standard" },
  { SCM_VALIDATION_HIGH, "high" },
};

static const NamedValue authentications[] = {
  { SCM_AUTHENTICATION_EMAIL_CONFIRMATION, "email-confirmation" },
  { SCM_AUTHENTICATION_SECRET_ID, "secret-id" },
};

static const NamedValue authorizations[] = {
  { SCM_AUTHORIZATION_NONE, "none" },
  { SCM_AUTHORIZATION_ACCESS_CODE, "access-code" },
  { SCM_AUTHORIZATION_SECRET_ID, "secret-id" },
};

static const NamedValue csr_methods[] = {
  { SCM_CSR_METHOD_SERVER, "server" },
  { SCM_CSR_METHOD_CLIENT, "client" },
  { SCM_CSR_METHOD_PROVIDED, "provided" },
};

static const NamedValue protections[] = {
  { SCM_PKCS12_AES256_SHA256, "AES256-SHA256" },
  { SCM_PKCS12_TRIPLEDES_SHA1, "TripleDES-SHA1" },
};

static const NamedValue statuses[] = {
  { SCM_CERT_STATUS_PENDING, "pending" },
  { SCM_CERT_STATUS_ISSUED, "issued" },
  { SCM_CERT_STATUS_REVOKED, "revoked" },
  { SCM_CERT_STATUS_EXPIRED, "expired" },
  { SCM_CERT_STATUS_FAILED, "failed" },
};

static const NamedValue reasons[] = {
  { SCM_REVOCATION_UNSPECIFIED, "unspecified" },
  { SCM_REVOCATION_KEY_COMPROMISE, "key-compromise" },
  { SCM_REVOCATION_AFFILIATION_CHANGED, "affiliation-changed" },
  { SCM_REVOCATION_SUPERSEDED, "superseded" },
  { SCM_REVOCATION_CESSATION_OF_OPERATION, "cessation-of-operation" },
};

static const NamedValue requested_vias[] = {
  { SCM_REQUESTED_VIA_SELF_ENROLLMENT, "self-enrollment" },
  { SCM_REQUESTED_VIA_ADMIN, "admin" },
  { SCM_REQUESTED_VIA_CSV, "csv" },
  { SCM_REQUESTED_VIA_EST, "est" },
};

DEFINE_STRINGS (ScmKeyType, scm_key_type, key_types)
DEFINE_STRINGS (ScmValidationType, scm_validation_type, validation_types)
DEFINE_STRINGS (ScmAuthentication, scm_authentication, authentications)
DEFINE_STRINGS (ScmAuthorization, scm_authorization, authorizations)
DEFINE_STRINGS (ScmCsrMethod, scm_csr_method, csr_methods)
DEFINE_STRINGS (ScmPkcs12Protection, scm_pkcs12_protection, protections)
DEFINE_STRINGS (ScmCertStatus, scm_cert_status, statuses)
DEFINE_STRINGS (ScmRevocationReason, scm_revocation_reason, reasons)
DEFINE_STRINGS (ScmRequestedVia, scm_requested_via, requested_vias)
