/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <openssl/err.h>

#include "scm-error.h"
#include "scm-key-private.h"
#include "scm-pkcs12.h"
#include "scm-x509-private.h"

gboolean
scm_pkcs12_check_password (const char *password,
                           GError    **error)
{
  if (password == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("No PKCS#12 password was given."));
      return FALSE;
    }
  for (const char *p = password; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e)
      {
        g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                             _("The PKCS#12 password may contain only ASCII "
                             "letters, digits, spaces and punctuation; Java and "
                             "older Windows cannot open a file protected with "
                             "other characters."));
        return FALSE;
      }
  return TRUE;
}

GBytes *
scm_pkcs12_build (GBytes              *private_key_der,
                  GBytes              *certificate_der,
                  GPtrArray           *chain_der,
                  const char          *friendly_name,
                  const char          *password,
                  ScmPkcs12Protection  protection,
                  GError             **error)
{
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(X509) cert = NULL;
  g_autoptr(ScmX509Stack) chain = sk_X509_new_null ();
  g_autoptr(PKCS12) p12 = NULL;
  const EVP_MD *mac_md;
  int nid;
  int iterations;
  guchar *der = NULL;
  int len;
  GBytes *bytes;

  g_return_val_if_fail (private_key_der != NULL, NULL);
  g_return_val_if_fail (certificate_der != NULL, NULL);

  if (!scm_pkcs12_check_password (password, error))
    return NULL;
  if (friendly_name != NULL && !g_utf8_validate (friendly_name, -1, NULL))
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The PKCS#12 friendly name is not valid UTF-8."));
      return NULL;
    }

  switch (protection)
    {
    case SCM_PKCS12_AES256_SHA256:
      /* A cipher NID (not a PBE one) makes OpenSSL use PBES2 with its
       * default PRF, hmacWithSHA256. */
      nid = NID_aes_256_cbc;
      iterations = SCM_PKCS12_AES256_SHA256_ITERATIONS;
      mac_md = EVP_sha256 ();
      break;
    case SCM_PKCS12_TRIPLEDES_SHA1:
      nid = NID_pbe_WithSHA1And3_Key_TripleDES_CBC;
      iterations = SCM_PKCS12_TRIPLEDES_SHA1_ITERATIONS;
      mac_md = EVP_sha1 ();
      break;
    default:
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Unknown PKCS#12 protection %d."), (int) protection);
      return NULL;
    }

  key = scm_key_load_private (private_key_der, error);
  if (key == NULL)
    return NULL;
  cert = scm_x509_from_der (certificate_der, error);
  if (cert == NULL)
    return NULL;
  if (X509_check_private_key (cert, key) != 1)
    {
      ERR_clear_error ();
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The private key does not belong to the certificate."));
      return NULL;
    }
  for (guint i = 0; chain_der != NULL && i < chain_der->len; i++)
    {
      X509 *ca = scm_x509_from_der (g_ptr_array_index (chain_der, i), error);

      if (ca == NULL)
        return NULL;
      sk_X509_push (chain, ca);
    }

  /* mac_iter -1: no MAC here, PKCS12_create_ex would only do HMAC-SHA1. */
  p12 = PKCS12_create_ex (password, friendly_name, key, cert, chain,
                          nid, nid, iterations, -1, 0, NULL, NULL);
  if (p12 == NULL)
    return scm_set_openssl_error (error, "Cannot build the PKCS#12 file"), NULL;
  if (!PKCS12_set_mac (p12, password, -1, NULL, 0, iterations, mac_md))
    return scm_set_openssl_error (error, "Cannot protect the PKCS#12 file"), NULL;

  len = i2d_PKCS12 (p12, &der);
  if (len <= 0)
    return scm_set_openssl_error (error, "Cannot encode the PKCS#12 file"), NULL;
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  return bytes;
}

gboolean
scm_pkcs12_parse (GBytes      *data,
                  const char  *password,
                  GBytes     **private_key_der,
                  GBytes     **certificate_der,
                  GPtrArray  **chain_der,
                  GError     **error)
{
  g_autoptr(PKCS12) p12 = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(X509) cert = NULL;
  g_autoptr(ScmX509Stack) others = NULL;
  g_autoptr(GBytes) key_der = NULL;
  const guchar *der;
  const guchar *p;
  gsize len;

  g_return_val_if_fail (data != NULL, FALSE);

  der = g_bytes_get_data (data, &len);
  p = der;
  if (len > 0 && len <= G_MAXLONG)
    p12 = d2i_PKCS12 (NULL, &p, (long) len);
  if (p12 == NULL)
    {
      ERR_clear_error ();
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("This is not a PKCS#12 (.p12, .pfx) file."));
      return FALSE;
    }

  /* An empty password is either an empty BMPString or none at all,
   * depending on who wrote the file; accept both. */
  if (password == NULL || *password == '\0')
    password = PKCS12_verify_mac (p12, NULL, 0) ? NULL : "";
  if (PKCS12_mac_present (p12) && !PKCS12_verify_mac (p12, password, -1))
    {
      ERR_clear_error ();
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE,
                           _("The password does not open the PKCS#12 file; "
                           "check it and try again."));
      return FALSE;
    }
  if (!PKCS12_parse (p12, password, &key, &cert, &others))
    {
      unsigned long code = ERR_peek_last_error ();
      char reason[256] = "unknown error";

      ERR_error_string_n (code, reason, sizeof reason);
      ERR_clear_error ();
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The PKCS#12 file cannot be read (%s); the password may be "
                   "wrong or the file may use RC2 or another legacy encryption."),
                   reason);
      return FALSE;
    }
  ERR_clear_error ();

  if (key == NULL || cert == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The PKCS#12 file does not contain a private key "
                           "with its certificate."));
      return FALSE;
    }
  key_der = scm_key_to_pkcs8_der (key, error);
  if (key_der == NULL)
    return FALSE;

  if (private_key_der != NULL)
    *private_key_der = g_steal_pointer (&key_der);
  if (certificate_der != NULL)
    *certificate_der = scm_x509_to_der (cert);
  if (chain_der != NULL)
    {
      *chain_der = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      for (int i = 0; others != NULL && i < sk_X509_num (others); i++)
        g_ptr_array_add (*chain_der, scm_x509_to_der (sk_X509_value (others, i)));
    }
  return TRUE;
}
