/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "scm-error.h"
#include "scm-key-private.h"
#include "scm-x509-private.h"

G_DEFINE_BOXED_TYPE (ScmCertificateInfo, scm_certificate_info,
                     scm_certificate_info_copy, scm_certificate_info_free)

ScmCertificateInfo *
scm_certificate_info_copy (const ScmCertificateInfo *info)
{
  ScmCertificateInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_new0 (ScmCertificateInfo, 1);
  *copy = *info;
  copy->subject = g_strdup (info->subject);
  copy->issuer = g_strdup (info->issuer);
  copy->serial_hex = g_strdup (info->serial_hex);
  copy->fingerprint = g_strdup (info->fingerprint);
  copy->emails = g_strdupv (info->emails);
  copy->key_description = g_strdup (info->key_description);
  return copy;
}

void
scm_certificate_info_free (ScmCertificateInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->subject);
  g_free (info->issuer);
  g_free (info->serial_hex);
  g_free (info->fingerprint);
  g_strfreev (info->emails);
  g_free (info->key_description);
  g_free (info);
}

X509 *
scm_x509_from_der (GBytes  *der,
                   GError **error)
{
  const guchar *data;
  const guchar *p;
  gsize len;
  X509 *cert = NULL;

  data = g_bytes_get_data (der, &len);
  p = data;
  if (len > 0 && len <= G_MAXLONG)
    cert = d2i_X509 (NULL, &p, (long) len);
  if (cert == NULL || p != data + len)
    {
      X509_free (cert);
      ERR_clear_error ();
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("This is not a DER X.509 certificate."));
      return NULL;
    }
  return cert;
}

GBytes *
scm_x509_to_der (X509 *cert)
{
  guchar *der = NULL;
  int len;
  GBytes *bytes;

  len = i2d_X509 (cert, &der);
  g_return_val_if_fail (len > 0, NULL);
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  return bytes;
}

char *
scm_x509_name_to_string (const X509_NAME *name)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  /* RFC 2253 escaping, but UTF-8 stays readable instead of \C3\A9. */
  unsigned long flags = (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB)
                        | ASN1_STRFLGS_UTF8_CONVERT;
  char *text;
  long len;

  if (X509_NAME_print_ex (bio, name, 0, flags) < 0)
    {
      ERR_clear_error ();
      return g_strdup ("");
    }
  len = BIO_get_mem_data (bio, &text);
  return g_strndup (text, len);
}

char *
scm_x509_serial_to_hex (const ASN1_INTEGER *serial)
{
  g_autoptr(BIGNUM) bn = ASN1_INTEGER_to_BN (serial, NULL);
  char *hex;
  char *copy;

  if (bn == NULL)
    return g_strdup ("");
  if (BN_is_zero (bn))
    return g_strdup ("00");
  /* BN_bn2hex prints whole octets in uppercase: "0A12". */
  hex = BN_bn2hex (bn);
  copy = g_strdup (hex);
  OPENSSL_free (hex);
  return copy;
}

ASN1_INTEGER *
scm_x509_serial_from_hex (const char *hex,
                          GError    **error)
{
  g_autoptr(BIGNUM) bn = NULL;
  gsize len = hex != NULL ? strlen (hex) : 0;
  ASN1_INTEGER *serial;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (hex[i]))
      len = 0;

  if (len == 0 || len > 40 || BN_hex2bn (&bn, hex) != (int) len
      || BN_is_zero (bn) || BN_num_bits (bn) > 159)
    {
      ERR_clear_error ();
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The serial number “%s” is not a positive hexadecimal "
                   "number of at most 20 octets; use scm_ca_generate_serial()."),
                   hex != NULL ? hex : "");
      return NULL;
    }

  serial = BN_to_ASN1_INTEGER (bn, NULL);
  if (serial == NULL)
    scm_set_openssl_error (error, "Cannot encode the serial number");
  return serial;
}

gint64
scm_x509_time_to_unix (const ASN1_TIME *time)
{
  struct tm tm = { 0 };
  g_autoptr(GDateTime) dt = NULL;

  if (time == NULL || !ASN1_TIME_to_tm (time, &tm))
    return 0;
  dt = g_date_time_new_utc (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                            tm.tm_hour, tm.tm_min, tm.tm_sec);
  return dt != NULL ? g_date_time_to_unix (dt) : 0;
}

static char **
get_emails (X509 *cert)
{
  g_autoptr(GPtrArray) emails = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GENERAL_NAMES) names = NULL;

  names = X509_get_ext_d2i (cert, NID_subject_alt_name, NULL, NULL);
  for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num (names); i++)
    {
      const GENERAL_NAME *name = sk_GENERAL_NAME_value (names, i);

      if (name->type == GEN_EMAIL)
        g_ptr_array_add (emails,
                         g_strndup ((const char *) ASN1_STRING_get0_data (name->d.rfc822Name),
                                    ASN1_STRING_length (name->d.rfc822Name)));
    }
  ERR_clear_error ();
  g_ptr_array_add (emails, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&emails), FALSE);
}

ScmCertificateInfo *
scm_x509_describe (GBytes  *der,
                   GError **error)
{
  g_autoptr(X509) cert = NULL;
  g_autoptr(ScmCertificateInfo) info = NULL;
  EVP_PKEY *pkey;

  g_return_val_if_fail (der != NULL, NULL);

  cert = scm_x509_from_der (der, error);
  if (cert == NULL)
    return NULL;

  info = g_new0 (ScmCertificateInfo, 1);
  info->subject = scm_x509_name_to_string (X509_get_subject_name (cert));
  info->issuer = scm_x509_name_to_string (X509_get_issuer_name (cert));
  info->serial_hex = scm_x509_serial_to_hex (X509_get0_serialNumber (cert));
  info->fingerprint = scm_x509_fingerprint (der);
  info->not_before = scm_x509_time_to_unix (X509_get0_notBefore (cert));
  info->not_after = scm_x509_time_to_unix (X509_get0_notAfter (cert));
  info->emails = get_emails (cert);
  info->is_ca = (X509_get_extension_flags (cert) & EXFLAG_CA) != 0;

  pkey = X509_get0_pubkey (cert);
  if (pkey != NULL)
    {
      info->key_description = scm_key_describe (pkey);
      info->key_type_allowed = scm_key_classify (pkey, &info->key_type, NULL);
    }
  else
    info->key_description = g_strdup ("unknown key");
  ERR_clear_error ();

  return g_steal_pointer (&info);
}

char *
scm_x509_fingerprint (GBytes *der)
{
  g_return_val_if_fail (der != NULL, NULL);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
}

GBytes *
scm_x509_pem_to_der (const void *data,
                     gsize       len,
                     GError    **error)
{
  g_autoptr(ScmX509Stack) certs = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(X509) cert = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (g_strstr_len (data, len, "-----BEGIN") == NULL)
    {
      bytes = g_bytes_new (data, len);
      cert = scm_x509_from_der (bytes, error);
      return cert != NULL ? g_steal_pointer (&bytes) : NULL;
    }

  certs = scm_x509_stack_from_pem (data, len, NULL, error);
  if (certs == NULL)
    return NULL;
  return scm_x509_to_der (sk_X509_value (certs, 0));
}

static GBytes *
pem_encode (const char *name,
            GBytes     *der)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  gsize len;
  const guchar *data = g_bytes_get_data (der, &len);
  char *pem;
  long pem_len;

  g_return_val_if_fail (len <= G_MAXLONG, NULL);
  PEM_write_bio (bio, name, "", data, (long) len);
  pem_len = BIO_get_mem_data (bio, &pem);
  return g_bytes_new (pem, pem_len);
}

GBytes *
scm_x509_der_to_pem (GBytes *der)
{
  g_return_val_if_fail (der != NULL, NULL);

  return pem_encode (PEM_STRING_X509, der);
}

GBytes *
scm_x509_crl_to_pem (GBytes *crl_der)
{
  g_return_val_if_fail (crl_der != NULL, NULL);

  return pem_encode (PEM_STRING_X509_CRL, crl_der);
}

ScmX509Stack *
scm_x509_stack_from_pem (const void *data,
                         gsize       len,
                         GPtrArray **other_blocks,
                         GError    **error)
{
  g_autoptr(ScmX509Stack) certs = sk_X509_new_null ();
  g_autoptr(GPtrArray) others = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(BIO) bio = NULL;

  if (len > G_MAXINT)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The PEM text is too large."));
      return NULL;
    }
  bio = BIO_new_mem_buf (data, (int) len);

  for (;;)
    {
      char *name = NULL;
      char *header = NULL;
      guchar *der = NULL;
      long der_len = 0;

      if (!PEM_read_bio (bio, &name, &header, &der, &der_len))
        {
          unsigned long code = ERR_peek_last_error ();

          ERR_clear_error ();
          /* The normal end of the text, or a block whose base64 is broken. */
          if (ERR_GET_REASON (code) == PEM_R_NO_START_LINE)
            break;
          g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                               _("The PEM text is damaged (a block does not "
                               "decode); export it again."));
          return NULL;
        }

      if (g_strcmp0 (name, PEM_STRING_X509) == 0
          || g_strcmp0 (name, PEM_STRING_X509_OLD) == 0)
        {
          const guchar *p = der;
          X509 *cert = d2i_X509 (NULL, &p, der_len);

          if (cert == NULL || p != der + der_len)
            {
              X509_free (cert);
              OPENSSL_free (name);
              OPENSSL_free (header);
              OPENSSL_free (der);
              ERR_clear_error ();
              g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("Certificate %d of the PEM text is damaged; "
                           "export it again."), sk_X509_num (certs) + 1);
              return NULL;
            }
          sk_X509_push (certs, cert);
        }
      else if (other_blocks != NULL)
        {
          g_autoptr(BIO) out = BIO_new (BIO_s_mem ());
          char *pem;
          long pem_len;

          PEM_write_bio (out, name, header, der, der_len);
          pem_len = BIO_get_mem_data (out, &pem);
          g_ptr_array_add (others, g_bytes_new (pem, pem_len));
        }

      OPENSSL_free (name);
      OPENSSL_free (header);
      OPENSSL_clear_free (der, der_len);
    }

  if (sk_X509_num (certs) == 0 && other_blocks == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The text contains no PEM certificate "
                           "(“-----BEGIN CERTIFICATE-----”)."));
      return NULL;
    }

  if (other_blocks != NULL)
    *other_blocks = g_steal_pointer (&others);
  return g_steal_pointer (&certs);
}

GPtrArray *
scm_x509_chain_from_pem (const void *data,
                         gsize       len,
                         GError    **error)
{
  g_autoptr(ScmX509Stack) certs = NULL;
  GPtrArray *chain;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  certs = scm_x509_stack_from_pem (data, len, NULL, error);
  if (certs == NULL)
    return NULL;

  chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (int i = 0; i < sk_X509_num (certs); i++)
    g_ptr_array_add (chain, scm_x509_to_der (sk_X509_value (certs, i)));
  return chain;
}

GBytes *
scm_x509_chain_to_pem (GPtrArray *chain_der)
{
  g_autoptr(GByteArray) pem = g_byte_array_new ();

  g_return_val_if_fail (chain_der != NULL, NULL);

  for (guint i = 0; i < chain_der->len; i++)
    {
      g_autoptr(GBytes) block = scm_x509_der_to_pem (g_ptr_array_index (chain_der, i));
      gsize len;
      const guint8 *data = g_bytes_get_data (block, &len);

      g_byte_array_append (pem, data, len);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&pem));
}

static gboolean
is_atext (char c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+/=?^_`{|}~-", c) != NULL;
}

gboolean
scm_x509_check_email (const char *email,
                      GError    **error)
{
  const char *at;
  const char *domain;
  gsize local_len;
  gsize total;
  guint labels = 0;
  const char *problem = NULL;

  if (email == NULL || *email == '\0')
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The email address is empty; enter one like "
                           "name@example.com."));
      return FALSE;
    }

  total = strlen (email);
  at = strchr (email, '@');
  if (total > 254)
    problem = "it is longer than 254 characters";
  else if (at == NULL || strchr (at + 1, '@') != NULL)
    problem = "it must contain exactly one “@”";

  if (problem == NULL)
    {
      local_len = at - email;
      if (local_len == 0 || local_len > 64)
        problem = "the part before “@” must have 1 to 64 characters";
      else if (email[0] == '.' || at[-1] == '.')
        problem = "the part before “@” cannot start or end with a dot";
      for (gsize i = 0; problem == NULL && i < local_len; i++)
        {
          if (email[i] == '.' && email[i + 1] == '.')
            problem = "the part before “@” cannot contain two dots in a row";
          else if (email[i] != '.' && !is_atext (email[i]))
            problem = "the part before “@” contains a character not allowed "
                      "in an address (spaces, quotes, non-ASCII…)";
        }
    }

  if (problem == NULL)
    {
      domain = at + 1;
      for (const char *label = domain; problem == NULL; )
        {
          const char *end = strchr (label, '.');
          gsize label_len = end != NULL ? (gsize) (end - label) : strlen (label);

          if (label_len == 0 || label_len > 63)
            problem = "the domain must be labels of 1 to 63 characters "
                      "separated by single dots";
          else if (label[0] == '-' || label[label_len - 1] == '-')
            problem = "a domain label cannot start or end with “-”";
          for (gsize i = 0; problem == NULL && i < label_len; i++)
            if (!g_ascii_isalnum (label[i]) && label[i] != '-')
              problem = "the domain may contain only letters, digits, “-” "
                        "and dots (use the ASCII “xn--” form of an "
                        "international domain)";
          labels++;
          if (end == NULL)
            break;
          label = end + 1;
        }
      if (problem == NULL && labels < 2)
        problem = "the domain must have at least two labels, "
                  "like example.com";
    }

  if (problem != NULL)
    {
      g_autofree char *shown = g_utf8_make_valid (email, MIN (total, 300));

      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The email address “%s” is not valid: %s."), shown, problem);
      return FALSE;
    }
  return TRUE;
}
