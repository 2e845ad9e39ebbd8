/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include <openssl/err.h>

#include "scm-authority.h"
#include "scm-error.h"
#include "scm-key.h"
#include "scm-openssl-private.h"
#include "scm-x509.h"

/* Renewal: a person proves they hold a valid certificate of ours (EST
 * simplereenroll: as the TLS client certificate) and gets a new one with
 * the same subject for a new key, linked to the old one. */

ScmCertificate *
scm_authority_find_presented_certificate (ScmAuthority *self,
                                          GBytes       *der,
                                          gint64        now,
                                          GError      **error)
{
  g_autoptr (ScmCertificateInfo) info = NULL;
  g_autoptr (ScmCertificate) certificate = NULL;
  g_autoptr (GError) local_error = NULL;
  ScmStore *store;

  g_return_val_if_fail (SCM_IS_AUTHORITY (self), NULL);
  g_return_val_if_fail (der != NULL, NULL);

  store = scm_authority_get_store (self);
  info = scm_x509_describe (der, error);
  if (info == NULL)
    return NULL;
  certificate = scm_store_find_certificate_by_serial (store, info->serial_hex, &local_error);
  /* Ours only if we stored exactly these bytes: the same serial from
   * another CA proves nothing. */
  if (certificate == NULL
      || scm_certificate_get_fingerprint (certificate) == NULL || info->fingerprint == NULL
      || g_ascii_strcasecmp (scm_certificate_get_fingerprint (certificate), info->fingerprint) != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                   "The certificate with serial number %s was not issued by this authority",
                   info->serial_hex);
      return NULL;
    }
  if (scm_certificate_get_status (certificate) == SCM_CERT_STATUS_REVOKED)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   "Certificate %s of %s was revoked; a revoked certificate cannot be renewed",
                   scm_certificate_get_serial (certificate),
                   scm_certificate_get_person_email (certificate));
      return NULL;
    }
  if (scm_certificate_get_not_after (certificate) <= now
      || scm_certificate_get_not_before (certificate) > now)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   "Certificate %s of %s is not valid now (it expired or is not yet valid); "
                   "enroll for a new one instead of renewing",
                   scm_certificate_get_serial (certificate),
                   scm_certificate_get_person_email (certificate));
      return NULL;
    }
  if (scm_certificate_get_status (certificate) != SCM_CERT_STATUS_ISSUED)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   "Certificate %s cannot be renewed (it is %s)",
                   scm_certificate_get_serial (certificate),
                   scm_cert_status_to_string (scm_certificate_get_status (certificate)));
      return NULL;
    }
  return g_steal_pointer (&certificate);
}

/* The SubjectPublicKeyInfo of a DER certificate, or NULL. */
static GBytes *
certificate_spki (GBytes *der)
{
  gsize len = 0;
  const guchar *p = g_bytes_get_data (der, &len);
  g_autoptr (X509) x509 = d2i_X509 (NULL, &p, (long) len);
  guchar *out = NULL;
  int out_len;
  GBytes *spki;

  if (x509 == NULL)
    {
      ERR_clear_error ();
      return NULL;
    }
  out_len = i2d_X509_PUBKEY (X509_get_X509_PUBKEY (x509), &out);
  if (out_len <= 0)
    {
      ERR_clear_error ();
      return NULL;
    }
  spki = g_bytes_new (out, (gsize) out_len);
  OPENSSL_free (out);
  return spki;
}

gboolean
scm_authority_check_new_key (ScmCertificate *renewed,
                             GBytes         *csr,
                             GError        **error)
{
  g_autoptr (GBytes) old_key = NULL;
  g_autoptr (GBytes) new_key = NULL;
  ScmKeyType type;

  g_return_val_if_fail (SCM_IS_CERTIFICATE (renewed), FALSE);
  g_return_val_if_fail (csr != NULL, FALSE);

  new_key = scm_csr_parse (g_bytes_get_data (csr, NULL), g_bytes_get_size (csr), &type, error);
  if (new_key == NULL)
    return FALSE;
  old_key = scm_certificate_get_der (renewed) != NULL
            ? certificate_spki (scm_certificate_get_der (renewed)) : NULL;
  if (old_key != NULL && g_bytes_equal (old_key, new_key))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   "The request carries the key of certificate %s; a renewal needs a new key",
                   scm_certificate_get_serial (renewed));
      return FALSE;
    }
  return TRUE;
}
