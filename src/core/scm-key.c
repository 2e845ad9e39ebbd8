/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "scm-error.h"
#include "scm-key-private.h"
#include "scm-x509.h"

int
scm_key_pem_password_cb (char *buf,
                         int   size,
                         int   rwflag,
                         void *userdata)
{
  const char *password = userdata;
  gsize len;

  if (password == NULL)
    return -1;
  len = strlen (password);
  if (len > (gsize) size)
    return -1;
  memcpy (buf, password, len);
  return (int) len;
}

EVP_PKEY *
scm_key_load_private (GBytes  *pkcs8_der,
                      GError **error)
{
  g_autoptr(ScmPkcs8Info) p8 = NULL;
  const guchar *data;
  const guchar *p;
  gsize len;
  EVP_PKEY *pkey;

  data = g_bytes_get_data (pkcs8_der, &len);
  p = data;
  if (len == 0 || len > G_MAXLONG)
    goto invalid;
  p8 = d2i_PKCS8_PRIV_KEY_INFO (NULL, &p, (long) len);
  if (p8 == NULL || p != data + len)
    goto invalid;
  pkey = EVP_PKCS82PKEY_ex (p8, NULL, NULL);
  if (pkey == NULL)
    goto invalid;
  return pkey;

invalid:
  ERR_clear_error ();
  g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("The private key is not an unencrypted PKCS#8 key; "
                       "convert it with “openssl pkcs8 -topk8 -nocrypt”."));
  return NULL;
}

EVP_PKEY *
scm_key_load_public (GBytes  *spki_der,
                     GError **error)
{
  const guchar *data;
  const guchar *p;
  gsize len;
  EVP_PKEY *pkey = NULL;

  data = g_bytes_get_data (spki_der, &len);
  p = data;
  if (len > 0 && len <= G_MAXLONG)
    pkey = d2i_PUBKEY_ex (NULL, &p, (long) len, NULL, NULL);
  if (pkey == NULL || p != data + len)
    {
      EVP_PKEY_free (pkey);
      ERR_clear_error ();
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The public key is not a DER SubjectPublicKeyInfo."));
      return NULL;
    }
  return pkey;
}

GBytes *
scm_key_to_pkcs8_der (EVP_PKEY *pkey,
                      GError  **error)
{
  g_autoptr(ScmPkcs8Info) p8 = NULL;
  guchar *der = NULL;
  int len;
  GBytes *bytes;

  p8 = EVP_PKEY2PKCS8 (pkey);
  if (p8 == NULL)
    return scm_set_openssl_error (error, "Cannot encode the private key"), NULL;
  len = i2d_PKCS8_PRIV_KEY_INFO (p8, &der);
  if (len <= 0)
    return scm_set_openssl_error (error, "Cannot encode the private key"), NULL;
  bytes = g_bytes_new (der, len);
  OPENSSL_clear_free (der, len);
  return bytes;
}

GBytes *
scm_key_to_spki_der (EVP_PKEY *pkey,
                     GError  **error)
{
  guchar *der = NULL;
  int len;
  GBytes *bytes;

  len = i2d_PUBKEY (pkey, &der);
  if (len <= 0)
    return scm_set_openssl_error (error, "Cannot encode the public key"), NULL;
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  return bytes;
}

/* The NID of an EC key's named curve, NID_undef for explicit parameters. */
static int
get_curve_nid (EVP_PKEY *pkey)
{
  char name[80];
  int nid;

  if (!EVP_PKEY_get_utf8_string_param (pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                       name, sizeof name, NULL))
    {
      ERR_clear_error ();
      return NID_undef;
    }
  nid = OBJ_txt2nid (name);
  if (nid == NID_undef)
    nid = EC_curve_nist2nid (name);
  return nid;
}

char *
scm_key_describe (EVP_PKEY *pkey)
{
  if (EVP_PKEY_is_a (pkey, "RSA"))
    return g_strdup_printf ("RSA-%d", EVP_PKEY_get_bits (pkey));
  if (EVP_PKEY_is_a (pkey, "RSA-PSS"))
    return g_strdup_printf ("RSA-PSS-%d", EVP_PKEY_get_bits (pkey));
  if (EVP_PKEY_is_a (pkey, "EC"))
    {
      int nid = get_curve_nid (pkey);
      const char *nist;

      if (nid == NID_undef)
        return g_strdup ("EC with explicit curve parameters");
      /* "P-256" → "EC-P256", the form ScmKeyType strings use. */
      nist = EC_curve_nid2nist (nid);
      if (nist != NULL && g_str_has_prefix (nist, "P-"))
        return g_strdup_printf ("EC-P%s", nist + 2);
      if (nist != NULL)
        return g_strdup_printf ("EC-%s", nist);
      return g_strdup_printf ("EC-%s", OBJ_nid2sn (nid));
    }
  if (EVP_PKEY_is_a (pkey, "ED25519"))
    return g_strdup ("Ed25519");
  if (EVP_PKEY_is_a (pkey, "ED448"))
    return g_strdup ("Ed448");
  return g_strdup_printf ("%s-%d", EVP_PKEY_get0_type_name (pkey),
                          EVP_PKEY_get_bits (pkey));
}

gboolean
scm_key_classify (EVP_PKEY   *pkey,
                  ScmKeyType *out_type,
                  GError    **error)
{
  ScmKeyType type;
  g_autofree char *what = NULL;

  if (EVP_PKEY_is_a (pkey, "RSA"))
    {
      switch (EVP_PKEY_get_bits (pkey))
        {
        case 2048: type = SCM_KEY_TYPE_RSA_2048; goto found;
        case 3072: type = SCM_KEY_TYPE_RSA_3072; goto found;
        case 4096: type = SCM_KEY_TYPE_RSA_4096; goto found;
        default: break;
        }
    }
  else if (EVP_PKEY_is_a (pkey, "EC"))
    {
      switch (get_curve_nid (pkey))
        {
        case NID_X9_62_prime256v1: type = SCM_KEY_TYPE_EC_P256; goto found;
        case NID_secp384r1: type = SCM_KEY_TYPE_EC_P384; goto found;
        default: break;
        }
    }

  what = scm_key_describe (pkey);
  g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
               _("The key is %s; use an RSA-2048, RSA-3072, RSA-4096, "
               "EC-P256 or EC-P384 key."), what);
  return FALSE;

found:
  if (out_type != NULL)
    *out_type = type;
  return TRUE;
}

const EVP_MD *
scm_key_signature_digest (EVP_PKEY *pkey)
{
  if (EVP_PKEY_is_a (pkey, "ED25519") || EVP_PKEY_is_a (pkey, "ED448"))
    return NULL;
  if (EVP_PKEY_is_a (pkey, "EC"))
    {
      switch (get_curve_nid (pkey))
        {
        case NID_secp384r1: return EVP_sha384 ();
        case NID_secp521r1: return EVP_sha512 ();
        default: return EVP_sha256 ();
        }
    }
  return EVP_sha256 ();
}

GBytes *
scm_key_export_encrypted_pem (EVP_PKEY   *pkey,
                              const char *passphrase,
                              GError    **error)
{
  g_autoptr(ScmPkcs8Info) p8 = NULL;
  g_autoptr(ScmX509Sig) sig = NULL;
  g_autoptr(BIO) bio = NULL;
  X509_ALGOR *pbe;
  char *pem;
  long len;

  if (passphrase == NULL || *passphrase == '\0'
      || !g_utf8_validate (passphrase, -1, NULL))
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The CA passphrase is empty or not valid UTF-8; "
                           "choose a non-empty passphrase."));
      return NULL;
    }

  p8 = EVP_PKEY2PKCS8 (pkey);
  if (p8 == NULL)
    return scm_set_openssl_error (error, "Cannot encode the private key"), NULL;

  /* A random 16-byte salt and IV; PBES2 with PBKDF2-HMAC-SHA256 is what
   * `openssl pkey -passin` and every PKCS#8 reader understand. */
  pbe = PKCS5_pbe2_set_iv_ex (EVP_aes_256_cbc (), SCM_KEY_PBKDF2_ITERATIONS,
                              NULL, 16, NULL, NID_hmacWithSHA256, NULL);
  if (pbe == NULL)
    return scm_set_openssl_error (error, "Cannot set up the key encryption"), NULL;
  sig = PKCS8_set0_pbe_ex (passphrase, (int) strlen (passphrase), p8, pbe, NULL, NULL);
  if (sig == NULL)
    {
      X509_ALGOR_free (pbe);
      return scm_set_openssl_error (error, "Cannot encrypt the private key"), NULL;
    }

  bio = BIO_new (BIO_s_mem ());
  if (!PEM_write_bio_PKCS8 (bio, sig))
    return scm_set_openssl_error (error, "Cannot write the private key"), NULL;
  len = BIO_get_mem_data (bio, &pem);
  return g_bytes_new (pem, len);
}

EVP_PKEY *
scm_key_import_encrypted_pem (const void *data,
                              gsize       len,
                              const char *passphrase,
                              GError    **error)
{
  g_autoptr(BIO) bio = NULL;
  g_autoptr(ScmX509Sig) sig = NULL;
  g_autoptr(ScmPkcs8Info) p8 = NULL;
  EVP_PKEY *pkey;

  if (len > G_MAXINT)
    len = G_MAXINT;
  bio = BIO_new_mem_buf (data, (int) len);
  sig = PEM_read_bio_PKCS8 (bio, NULL, scm_key_pem_password_cb, NULL);
  if (sig == NULL)
    {
      ERR_clear_error ();
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The stored CA key is not an encrypted PKCS#8 "
                           "PEM key (“ENCRYPTED PRIVATE KEY”)."));
      return NULL;
    }

  if (passphrase == NULL)
    passphrase = "";
  /* A wrong passphrase yields garbage that fails the CBC padding or the
   * PKCS#8 decoding; both mean the same thing to the user. */
  p8 = PKCS8_decrypt_ex (sig, passphrase, (int) strlen (passphrase), NULL, NULL);
  if (p8 == NULL)
    {
      ERR_clear_error ();
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE,
                           _("The passphrase does not decrypt the CA key; "
                           "check it and try again."));
      return NULL;
    }

  pkey = EVP_PKCS82PKEY_ex (p8, NULL, NULL);
  if (pkey == NULL)
    return scm_set_openssl_error (error, "Cannot read the decrypted CA key"), NULL;
  return pkey;
}

GBytes *
scm_key_generate (ScmKeyType type,
                  GError   **error)
{
  g_autoptr(EVP_PKEY) pkey = NULL;

  switch (type)
    {
    case SCM_KEY_TYPE_RSA_2048:
      pkey = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 2048);
      break;
    case SCM_KEY_TYPE_RSA_3072:
      pkey = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 3072);
      break;
    case SCM_KEY_TYPE_RSA_4096:
      pkey = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 4096);
      break;
    case SCM_KEY_TYPE_EC_P256:
      pkey = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
      break;
    case SCM_KEY_TYPE_EC_P384:
      pkey = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-384");
      break;
    default:
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Unknown key type %d."), (int) type);
      return NULL;
    }

  if (pkey == NULL)
    return scm_set_openssl_error (error, "Cannot generate the key"), NULL;
  return scm_key_to_pkcs8_der (pkey, error);
}

GBytes *
scm_key_get_public (GBytes  *private_der,
                    GError **error)
{
  g_autoptr(EVP_PKEY) pkey = NULL;

  g_return_val_if_fail (private_der != NULL, NULL);

  pkey = scm_key_load_private (private_der, error);
  if (pkey == NULL)
    return NULL;
  return scm_key_to_spki_der (pkey, error);
}

gboolean
scm_key_get_type (GBytes     *spki_or_pkcs8_der,
                  ScmKeyType *out_type,
                  GError    **error)
{
  g_autoptr(EVP_PKEY) pkey = NULL;

  g_return_val_if_fail (spki_or_pkcs8_der != NULL, FALSE);

  pkey = scm_key_load_public (spki_or_pkcs8_der, NULL);
  if (pkey == NULL)
    pkey = scm_key_load_private (spki_or_pkcs8_der, NULL);
  if (pkey == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("This is neither a DER public key "
                           "(SubjectPublicKeyInfo) nor a PKCS#8 private key."));
      return FALSE;
    }
  return scm_key_classify (pkey, out_type, error);
}

GBytes *
scm_csr_create (GBytes     *private_der,
                const char *email,
                GError    **error)
{
  g_autoptr(EVP_PKEY) pkey = NULL;
  g_autoptr(X509_REQ) req = NULL;
  g_autoptr(GENERAL_NAMES) names = NULL;
  g_autoptr(BIO) bio = NULL;
  STACK_OF (X509_EXTENSION) *extensions = NULL;
  GENERAL_NAME *name;
  ASN1_IA5STRING *ia5;
  gboolean ok;
  char *pem;
  long len;

  g_return_val_if_fail (private_der != NULL, NULL);
  g_return_val_if_fail (email != NULL, NULL);

  if (!scm_x509_check_email (email, error))
    return NULL;
  pkey = scm_key_load_private (private_der, error);
  if (pkey == NULL || !scm_key_classify (pkey, NULL, error))
    return NULL;

  req = X509_REQ_new_ex (NULL, NULL);
  if (!X509_REQ_set_version (req, X509_REQ_VERSION_1)
      || !X509_REQ_set_pubkey (req, pkey))
    return scm_set_openssl_error (error, "Cannot build the CSR"), NULL;

  /* commonName is limited to 64 characters; the SAN always carries the
   * address and the CA decides the subject anyway. */
  if (strlen (email) <= 64
      && !X509_NAME_add_entry_by_NID (X509_REQ_get_subject_name (req),
                                      NID_commonName, V_ASN1_UTF8STRING,
                                      (const guchar *) email, -1, -1, 0))
    return scm_set_openssl_error (error, "Cannot build the CSR subject"), NULL;

  names = GENERAL_NAMES_new ();
  name = GENERAL_NAME_new ();
  ia5 = ASN1_IA5STRING_new ();
  if (names == NULL || name == NULL || ia5 == NULL
      || !ASN1_STRING_set (ia5, email, -1))
    {
      GENERAL_NAME_free (name);
      ASN1_IA5STRING_free (ia5);
      return scm_set_openssl_error (error, "Cannot build the CSR"), NULL;
    }
  GENERAL_NAME_set0_value (name, GEN_EMAIL, ia5);
  sk_GENERAL_NAME_push (names, name);

  ok = X509V3_add1_i2d (&extensions, NID_subject_alt_name, names, 0,
                        X509V3_ADD_DEFAULT) > 0
       && X509_REQ_add_extensions (req, extensions);
  sk_X509_EXTENSION_pop_free (extensions, X509_EXTENSION_free);
  if (!ok)
    return scm_set_openssl_error (error, "Cannot add the CSR extensions"), NULL;

  if (X509_REQ_sign (req, pkey, scm_key_signature_digest (pkey)) <= 0)
    return scm_set_openssl_error (error, "Cannot sign the CSR"), NULL;

  bio = BIO_new (BIO_s_mem ());
  if (!PEM_write_bio_X509_REQ (bio, req))
    return scm_set_openssl_error (error, "Cannot write the CSR"), NULL;
  len = BIO_get_mem_data (bio, &pem);
  return g_bytes_new (pem, len);
}

static gboolean
looks_like_pem (const void *data,
                gsize       len)
{
  return g_strstr_len (data, MIN (len, 4096), "-----BEGIN") != NULL;
}

GBytes *
scm_csr_parse (const void *data,
               gsize       len,
               ScmKeyType *out_type,
               GError    **error)
{
  g_autoptr(X509_REQ) req = NULL;
  EVP_PKEY *pkey;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > 0 && len <= G_MAXINT && looks_like_pem (data, len))
    {
      g_autoptr(BIO) bio = BIO_new_mem_buf (data, (int) len);

      req = PEM_read_bio_X509_REQ (bio, NULL, scm_key_pem_password_cb, NULL);
    }
  else if (len > 0 && len <= G_MAXINT)
    {
      const guchar *p = data;

      req = d2i_X509_REQ (NULL, &p, (long) len);
      if (req != NULL && p != (const guchar *) data + len)
        g_clear_pointer (&req, X509_REQ_free);
    }
  ERR_clear_error ();

  if (req == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("This is not a certificate signing request; "
                           "provide a PKCS#10 CSR in PEM or DER."));
      return NULL;
    }

  pkey = X509_REQ_get0_pubkey (req);
  if (pkey == NULL)
    {
      ERR_clear_error ();
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The CSR's public key cannot be read; "
                           "create the CSR again."));
      return NULL;
    }
  if (X509_REQ_verify (req, pkey) <= 0)
    {
      ERR_clear_error ();
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The CSR's signature does not verify; it was "
                           "altered or not signed by its key. Create it again."));
      return NULL;
    }
  if (!scm_key_classify (pkey, out_type, error))
    return NULL;

  return scm_key_to_spki_der (pkey, error);
}
