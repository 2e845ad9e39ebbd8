/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "scm-error.h"
#include "scm-pkcs7.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PKCS7, PKCS7_free)

GPtrArray *
scm_pkcs7_certificates (GBytes  *der,
                        GError **error)
{
  g_autoptr(PKCS7) pkcs7 = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  const unsigned char *p;
  STACK_OF (X509) *stack = NULL;
  gsize len;

  g_return_val_if_fail (der != NULL, NULL);

  p = g_bytes_get_data (der, &len);
  if (len > 0 && len <= G_MAXLONG)
    pkcs7 = d2i_PKCS7 (NULL, &p, (long) len);
  if (pkcs7 != NULL && PKCS7_type_is_signed (pkcs7) && pkcs7->d.sign != NULL)
    stack = pkcs7->d.sign->cert;
  if (stack == NULL || sk_X509_num (stack) == 0)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The answer holds no certificate in a PKCS#7 structure."));
      return NULL;
    }

  certificates = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (int i = 0; i < sk_X509_num (stack); i++)
    {
      unsigned char *out = NULL;
      int out_len = i2d_X509 (sk_X509_value (stack, i), &out);

      if (out_len <= 0)
        {
          g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                               _("A certificate in the PKCS#7 answer cannot be read."));
          return NULL;
        }
      g_ptr_array_add (certificates, g_bytes_new (out, out_len));
      OPENSSL_free (out);
    }
  return g_steal_pointer (&certificates);
}
