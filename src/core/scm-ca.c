/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "scm-ca.h"
#include "scm-error.h"
#include "scm-key-private.h"
#include "scm-x509-private.h"

#define SERIAL_OCTETS 20
/* Let verifiers whose clocks run a little behind accept a new CA. */
#define CA_BACKDATE_SECONDS (60 * 60)
#define SECONDS_PER_DAY 86400

struct _ScmCa
{
  GObject parent_instance;

  EVP_PKEY *issuing_key;
  EVP_PKEY *root_key;       /* only for a CA generated in this process */
  GBytes *root_key_pem;     /* a loaded root key, still encrypted */
  ScmX509Stack *chain;      /* issuing CA first */
  GPtrArray *chain_der;
  GBytes *chain_pem;
  char *issuing_fingerprint;
  char *root_fingerprint;
  char *subject;
  gint64 not_before;
  gint64 not_after;
};

G_DEFINE_FINAL_TYPE (ScmCa, scm_ca, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SUBJECT,
  PROP_ISSUING_FINGERPRINT,
  PROP_ROOT_FINGERPRINT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_ca_finalize (GObject *object)
{
  ScmCa *self = SCM_CA (object);

  g_clear_pointer (&self->issuing_key, EVP_PKEY_free);
  g_clear_pointer (&self->root_key, EVP_PKEY_free);
  g_clear_pointer (&self->root_key_pem, g_bytes_unref);
  g_clear_pointer (&self->chain, scm_x509_stack_free);
  g_clear_pointer (&self->chain_der, g_ptr_array_unref);
  g_clear_pointer (&self->chain_pem, g_bytes_unref);
  g_clear_pointer (&self->issuing_fingerprint, g_free);
  g_clear_pointer (&self->root_fingerprint, g_free);
  g_clear_pointer (&self->subject, g_free);

  G_OBJECT_CLASS (scm_ca_parent_class)->finalize (object);
}

static void
scm_ca_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  ScmCa *self = SCM_CA (object);

  switch (prop_id)
    {
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_ISSUING_FINGERPRINT:
      g_value_set_string (value, self->issuing_fingerprint);
      break;
    case PROP_ROOT_FINGERPRINT:
      g_value_set_string (value, self->root_fingerprint);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_ca_class_init (ScmCaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_ca_finalize;
  object_class->get_property = scm_ca_get_property;

  properties[PROP_SUBJECT] =
    g_param_spec_string ("subject", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ISSUING_FINGERPRINT] =
    g_param_spec_string ("issuing-fingerprint", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROOT_FINGERPRINT] =
    g_param_spec_string ("root-fingerprint", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scm_ca_init (ScmCa *self)
{
}

/* Takes @issuing_key, @chain and @root_key. */
static ScmCa *
ca_new (EVP_PKEY     *issuing_key,
        ScmX509Stack *chain,
        EVP_PKEY     *root_key,
        GBytes       *root_key_pem)
{
  ScmCa *self = g_object_new (SCM_TYPE_CA, NULL);
  X509 *issuing = sk_X509_value (chain, 0);

  self->issuing_key = issuing_key;
  self->root_key = root_key;
  self->root_key_pem = root_key_pem != NULL ? g_bytes_ref (root_key_pem) : NULL;
  self->chain = chain;
  self->chain_der = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (int i = 0; i < sk_X509_num (chain); i++)
    g_ptr_array_add (self->chain_der, scm_x509_to_der (sk_X509_value (chain, i)));
  self->chain_pem = scm_x509_chain_to_pem (self->chain_der);
  self->issuing_fingerprint = scm_x509_fingerprint (g_ptr_array_index (self->chain_der, 0));
  self->root_fingerprint = scm_x509_fingerprint (g_ptr_array_index (self->chain_der,
                                                                    self->chain_der->len - 1));
  self->subject = scm_x509_name_to_string (X509_get_subject_name (issuing));
  self->not_before = scm_x509_time_to_unix (X509_get0_notBefore (issuing));
  self->not_after = scm_x509_time_to_unix (X509_get0_notAfter (issuing));
  return self;
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC") : g_strdup ("?");
}

char *
scm_ca_generate_serial (void)
{
  guint8 bytes[SERIAL_OCTETS];
  g_autoptr(GString) hex = g_string_sized_new (2 * SERIAL_OCTETS);
  gboolean zero;
  gsize first;

  do
    {
      if (RAND_priv_bytes (bytes, sizeof bytes) != 1)
        g_error ("The OpenSSL random generator failed; cannot draw a serial number.");
      /* A positive INTEGER that still fits in 20 octets (RFC 5280 4.1.2.2). */
      bytes[0] &= 0x7f;
      zero = TRUE;
      for (gsize i = 0; i < sizeof bytes; i++)
        zero = zero && bytes[i] == 0;
    }
  while (zero);

  /* Leading zero octets disappear from the DER INTEGER; leave them out here
   * too so the caller's string is the one read back from the certificate. */
  for (first = 0; bytes[first] == 0; first++)
    ;
  for (gsize i = first; i < sizeof bytes; i++)
    g_string_append_printf (hex, "%02X", bytes[i]);
  OPENSSL_cleanse (bytes, sizeof bytes);
  return g_string_free (g_steal_pointer (&hex), FALSE);
}

static gboolean
add_extension (X509       *cert,
               int         nid,
               void       *value,
               gboolean    critical,
               GError    **error)
{
  if (X509_add1_ext_i2d (cert, nid, value, critical ? 1 : 0, X509V3_ADD_REPLACE) != 1)
    {
      g_autofree char *what = g_strdup_printf ("Cannot add the %s extension",
                                               OBJ_nid2ln (nid));
      return scm_set_openssl_error (error, what);
    }
  return TRUE;
}

static gboolean
add_key_usage (X509     *cert,
               guint     bits,
               GError  **error)
{
  ASN1_BIT_STRING *usage = ASN1_BIT_STRING_new ();
  gboolean ok;

  /* @bits uses the KU_* masks; the DER bit string numbers bits from the
   * most significant bit of the first octet (digitalSignature = bit 0). */
  for (int bit = 0; bit < 9; bit++)
    {
      guint mask = bit < 8 ? (0x80u >> bit) : 0x8000u;

      if ((bits & mask) && !ASN1_BIT_STRING_set_bit (usage, bit, 1))
        {
          ASN1_BIT_STRING_free (usage);
          return scm_set_openssl_error (error, "Cannot encode the key usage");
        }
    }
  ok = add_extension (cert, NID_key_usage, usage, TRUE, error);
  ASN1_BIT_STRING_free (usage);
  return ok;
}

static gboolean
add_basic_constraints (X509     *cert,
                       gboolean  ca,
                       int       path_length,
                       GError  **error)
{
  BASIC_CONSTRAINTS *constraints = BASIC_CONSTRAINTS_new ();
  gboolean ok;

  constraints->ca = ca ? 0xff : 0;
  if (path_length >= 0)
    {
      constraints->pathlen = ASN1_INTEGER_new ();
      ASN1_INTEGER_set (constraints->pathlen, path_length);
    }
  ok = add_extension (cert, NID_basic_constraints, constraints, TRUE, error);
  BASIC_CONSTRAINTS_free (constraints);
  return ok;
}

/* RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
static ASN1_OCTET_STRING *
compute_key_id (X509 *cert)
{
  guchar md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ASN1_OCTET_STRING *id;

  if (!X509_pubkey_digest (cert, EVP_sha1 (), md, &len))
    return NULL;
  id = ASN1_OCTET_STRING_new ();
  ASN1_OCTET_STRING_set (id, md, (int) len);
  return id;
}

static gboolean
add_key_identifiers (X509    *cert,
                     X509    *issuer,
                     GError **error)
{
  g_autoptr(ASN1_OCTET_STRING) subject_id = compute_key_id (cert);
  AUTHORITY_KEYID *authority_id;
  const ASN1_OCTET_STRING *issuer_id;
  gboolean ok;

  if (subject_id == NULL)
    return scm_set_openssl_error (error, "Cannot compute the subject key identifier");
  if (!add_extension (cert, NID_subject_key_identifier, subject_id, FALSE, error))
    return FALSE;

  authority_id = AUTHORITY_KEYID_new ();
  /* Chain building matches the AKI with the issuer's own SKI, whatever
   * method the issuer used to compute it. */
  issuer_id = issuer != NULL ? X509_get0_subject_key_id (issuer) : NULL;
  if (issuer_id != NULL)
    authority_id->keyid = ASN1_OCTET_STRING_dup (issuer_id);
  else if (issuer != NULL)
    authority_id->keyid = compute_key_id (issuer);
  else
    authority_id->keyid = ASN1_OCTET_STRING_dup (subject_id);
  ok = add_extension (cert, NID_authority_key_identifier, authority_id, FALSE, error);
  AUTHORITY_KEYID_free (authority_id);
  return ok;
}

static gboolean
set_validity (X509    *cert,
              gint64   not_before,
              gint64   not_after,
              GError **error)
{
  /* ASN1_TIME_set picks UTCTime up to 2049 and GeneralizedTime after, as
   * RFC 5280 4.1.2.5 requires. */
  if (ASN1_TIME_set (X509_getm_notBefore (cert), (time_t) not_before) == NULL
      || ASN1_TIME_set (X509_getm_notAfter (cert), (time_t) not_after) == NULL)
    return scm_set_openssl_error (error, "Cannot set the validity");
  return TRUE;
}

static gboolean
add_name_entry (X509_NAME  *name,
                int         nid,
                int         type,
                const char *value,
                GError    **error)
{
  if (!X509_NAME_add_entry_by_NID (name, nid, type, (const guchar *) value, -1, -1, 0))
    {
      g_autofree char *what = g_strdup_printf ("Cannot set the %s of the subject",
                                               OBJ_nid2ln (nid));
      return scm_set_openssl_error (error, what);
    }
  return TRUE;
}

static X509_NAME *
make_ca_name (const char *organization,
              const char *common_name,
              GError    **error)
{
  g_autoptr(X509_NAME) name = X509_NAME_new ();

  if (!add_name_entry (name, NID_organizationName, V_ASN1_UTF8STRING, organization, error)
      || !add_name_entry (name, NID_commonName, V_ASN1_UTF8STRING, common_name, error))
    return NULL;
  return g_steal_pointer (&name);
}

static X509 *
make_ca_certificate (X509_NAME *subject,
                     EVP_PKEY  *key,
                     X509      *issuer,
                     EVP_PKEY  *issuer_key,
                     gint64     not_before,
                     gint64     not_after,
                     int        path_length,
                     GError   **error)
{
  g_autoptr(X509) cert = X509_new_ex (NULL, NULL);
  g_autoptr(ASN1_INTEGER) serial = NULL;
  g_autofree char *serial_hex = scm_ca_generate_serial ();

  serial = scm_x509_serial_from_hex (serial_hex, error);
  if (serial == NULL)
    return NULL;

  if (!X509_set_version (cert, X509_VERSION_3)
      || !X509_set_serialNumber (cert, serial)
      || !X509_set_subject_name (cert, subject)
      || !X509_set_issuer_name (cert, issuer != NULL ? X509_get_subject_name (issuer) : subject)
      || !X509_set_pubkey (cert, key))
    return scm_set_openssl_error (error, "Cannot build the CA certificate"), NULL;

  if (!set_validity (cert, not_before, not_after, error)
      || !add_basic_constraints (cert, TRUE, path_length, error)
      || !add_key_usage (cert, KU_KEY_CERT_SIGN | KU_CRL_SIGN, error)
      || !add_key_identifiers (cert, issuer, error))
    return NULL;

  if (X509_sign (cert, issuer_key, scm_key_signature_digest (issuer_key)) <= 0)
    return scm_set_openssl_error (error, "Cannot sign the CA certificate"), NULL;
  return g_steal_pointer (&cert);
}

ScmCa *
scm_ca_new_generated (const char *organization,
                      GError    **error)
{
  g_autoptr(EVP_PKEY) root_key = NULL;
  g_autoptr(EVP_PKEY) issuing_key = NULL;
  g_autoptr(X509_NAME) root_name = NULL;
  g_autoptr(X509_NAME) issuing_name = NULL;
  g_autoptr(X509) root = NULL;
  g_autoptr(X509) issuing = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) start = g_date_time_add_seconds (now, -CA_BACKDATE_SECONDS);
  g_autoptr(GDateTime) root_end = g_date_time_add_years (start, 10);
  g_autoptr(GDateTime) issuing_end = g_date_time_add_years (start, 5);
  g_autofree char *root_cn = NULL;
  g_autofree char *issuing_cn = NULL;
  g_autofree char *trimmed = NULL;
  ScmX509Stack *chain;

  g_return_val_if_fail (organization != NULL, NULL);

  trimmed = g_strstrip (g_strdup (organization));
  if (*trimmed == '\0' || !g_utf8_validate (trimmed, -1, NULL))
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The organization name for the CA is empty; enter "
                           "the name of your organization."));
      return NULL;
    }
  root_cn = g_strdup_printf ("%s Root CA", trimmed);
  issuing_cn = g_strdup_printf ("%s Client Issuing CA", trimmed);
  /* commonName and organizationName are at most 64 characters. */
  if (g_utf8_strlen (issuing_cn, -1) > 64)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The organization name “%s” is too long for the CA names; "
                   "use at most %d characters."), trimmed,
                   64 - (int) strlen (" Client Issuing CA"));
      return NULL;
    }

  root_key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-384");
  issuing_key = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-384");
  if (root_key == NULL || issuing_key == NULL)
    return scm_set_openssl_error (error, "Cannot generate the CA keys"), NULL;

  root_name = make_ca_name (trimmed, root_cn, error);
  issuing_name = root_name != NULL ? make_ca_name (trimmed, issuing_cn, error) : NULL;
  if (issuing_name == NULL)
    return NULL;

  root = make_ca_certificate (root_name, root_key, NULL, root_key,
                              g_date_time_to_unix (start), g_date_time_to_unix (root_end),
                              -1, error);
  if (root == NULL)
    return NULL;
  issuing = make_ca_certificate (issuing_name, issuing_key, root, root_key,
                                 g_date_time_to_unix (start), g_date_time_to_unix (issuing_end),
                                 0, error);
  if (issuing == NULL)
    return NULL;

  chain = sk_X509_new_null ();
  sk_X509_push (chain, g_steal_pointer (&issuing));
  sk_X509_push (chain, g_steal_pointer (&root));
  return ca_new (g_steal_pointer (&issuing_key), chain, g_steal_pointer (&root_key), NULL);
}

/* Each certificate must be issued and signed by the next one. */
static gboolean
check_chain_links (ScmX509Stack *chain,
                   GError      **error)
{
  for (int i = 0; i + 1 < sk_X509_num (chain); i++)
    {
      X509 *cert = sk_X509_value (chain, i);
      X509 *issuer = sk_X509_value (chain, i + 1);

      if (X509_check_issued (issuer, cert) != X509_V_OK
          || X509_verify (cert, X509_get0_pubkey (issuer)) <= 0)
        {
          g_autofree char *subject = scm_x509_name_to_string (X509_get_subject_name (cert));

          ERR_clear_error ();
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("The CA chain is broken: “%s” is not signed by the "
                       "certificate that follows it."), subject);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_key_matches (X509     *cert,
                   EVP_PKEY *key,
                   GError  **error)
{
  if (X509_check_private_key (cert, key) != 1)
    {
      g_autofree char *subject = scm_x509_name_to_string (X509_get_subject_name (cert));

      ERR_clear_error ();
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The private key does not belong to the CA certificate "
                   "“%s”; choose the key that was created with it."), subject);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_passphrase (const char *passphrase,
                  GError    **error)
{
  if (passphrase == NULL || *passphrase == '\0'
      || !g_utf8_validate (passphrase, -1, NULL))
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The CA passphrase is empty or not valid UTF-8; "
                           "enter a non-empty passphrase."));
      return FALSE;
    }
  return TRUE;
}

ScmCa *
scm_ca_load (GBytes     *chain_pem,
             GBytes     *issuing_key_pem,
             GBytes     *root_key_pem,
             const char *passphrase,
             GError    **error)
{
  g_autoptr(ScmX509Stack) chain = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  gconstpointer data;
  gsize len;

  g_return_val_if_fail (chain_pem != NULL, NULL);
  g_return_val_if_fail (issuing_key_pem != NULL, NULL);

  if (!check_passphrase (passphrase, error))
    return NULL;

  data = g_bytes_get_data (chain_pem, &len);
  chain = scm_x509_stack_from_pem (data, len, NULL, error);
  if (chain == NULL || !check_chain_links (chain, error))
    return NULL;

  data = g_bytes_get_data (issuing_key_pem, &len);
  key = scm_key_import_encrypted_pem (data, len, passphrase, error);
  if (key == NULL || !check_key_matches (sk_X509_value (chain, 0), key, error))
    return NULL;

  if (root_key_pem != NULL)
    {
      data = g_bytes_get_data (root_key_pem, &len);
      if (g_strstr_len (data, len, "-----BEGIN ENCRYPTED PRIVATE KEY-----") == NULL)
        {
          g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                               _("The stored root CA key is not an encrypted "
                               "PKCS#8 PEM key."));
          return NULL;
        }
    }

  return ca_new (g_steal_pointer (&key), g_steal_pointer (&chain), NULL, root_key_pem);
}

static EVP_PKEY *
read_pem_key (GBytes     *block,
              const char *password,
              GError    **error)
{
  gsize len;
  const char *data = g_bytes_get_data (block, &len);
  g_autoptr(BIO) bio = BIO_new_mem_buf (data, (int) len);
  gboolean encrypted;
  EVP_PKEY *key;

  if (g_strstr_len (data, len, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL)
    {
      if (password == NULL)
        {
          g_set_error_literal (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE,
                               _("The CA private key is encrypted; enter its password."));
          return NULL;
        }
      return scm_key_import_encrypted_pem (data, len, password, error);
    }

  /* Traditional "RSA/EC PRIVATE KEY" blocks carry their encryption in
   * "Proc-Type: 4,ENCRYPTED" headers. */
  encrypted = g_strstr_len (data, len, "Proc-Type: 4,ENCRYPTED") != NULL;
  if (encrypted && password == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE,
                           _("The CA private key is encrypted; enter its password."));
      return NULL;
    }
  key = PEM_read_bio_PrivateKey_ex (bio, NULL, scm_key_pem_password_cb,
                                    (void *) password, NULL, NULL);
  ERR_clear_error ();
  if (key == NULL && encrypted)
    g_set_error_literal (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE,
                         _("The password does not decrypt the CA private key; "
                         "check it and try again."));
  else if (key == NULL)
    g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                         _("The CA private key in the PEM text cannot be read."));
  return key;
}

static gboolean
read_pem (GBytes        *data,
          const char    *password,
          ScmX509Stack **out_certs,
          EVP_PKEY     **out_key,
          GError       **error)
{
  g_autoptr(GPtrArray) others = NULL;
  g_autoptr(ScmX509Stack) certs = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  gsize len;
  const char *text = g_bytes_get_data (data, &len);

  certs = scm_x509_stack_from_pem (text, len, &others, error);
  if (certs == NULL)
    return FALSE;

  for (guint i = 0; i < others->len; i++)
    {
      GBytes *block = g_ptr_array_index (others, i);
      gsize block_len;
      const char *block_text = g_bytes_get_data (block, &block_len);

      if (g_strstr_len (block_text, MIN (block_len, 80), "PRIVATE KEY-----") == NULL)
        continue;
      if (key != NULL)
        {
          g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                               _("The PEM text contains more than one private "
                               "key; keep only the issuing CA's."));
          return FALSE;
        }
      key = read_pem_key (block, password, error);
      if (key == NULL)
        return FALSE;
    }

  *out_certs = g_steal_pointer (&certs);
  *out_key = g_steal_pointer (&key);
  return TRUE;
}

static gboolean
read_pkcs12 (GBytes        *data,
             const char    *password,
             ScmX509Stack **out_certs,
             EVP_PKEY     **out_key,
             GError       **error)
{
  g_autoptr(PKCS12) p12 = NULL;
  g_autoptr(X509) cert = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  ScmX509Stack *others = NULL;
  gsize len;
  const guchar *der = g_bytes_get_data (data, &len);
  const guchar *p = der;

  if (len > 0 && len <= G_MAXLONG)
    p12 = d2i_PKCS12 (NULL, &p, (long) len);
  if (p12 == NULL)
    {
      ERR_clear_error ();
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The file is neither PEM (certificate and key) nor "
                           "PKCS#12; choose the issuing CA's certificate and key."));
      return FALSE;
    }

  /* An absent password may mean an empty one or none at all (RFC 7292
   * leaves it open); try both like other readers do. */
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
                   _("The PKCS#12 file cannot be read (%s); if it uses RC2 or "
                   "another legacy encryption, export it again with AES."), reason);
      return FALSE;
    }

  ERR_clear_error ();
  if (others == NULL)
    others = sk_X509_new_null ();
  if (cert != NULL)
    sk_X509_insert (others, g_steal_pointer (&cert), 0);
  *out_certs = others;
  *out_key = g_steal_pointer (&key);
  return TRUE;
}

static gboolean
check_issuing_ca (X509     *cert,
                  EVP_PKEY *key,
                  GError  **error)
{
  g_autofree char *subject = scm_x509_name_to_string (X509_get_subject_name (cert));
  uint32_t flags = X509_get_extension_flags (cert);
  uint32_t usage = X509_get_key_usage (cert);
  time_t now = time (NULL);

  if ((flags & EXFLAG_BCONS) == 0 || (flags & EXFLAG_CA) == 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("“%s” is not a CA certificate (basicConstraints CA:TRUE is "
                   "missing); import the certificate of an issuing CA."), subject);
      return FALSE;
    }
  if ((flags & EXFLAG_KUSAGE) != 0
      && (usage & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) != (KU_KEY_CERT_SIGN | KU_CRL_SIGN))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The key usage of “%s” does not allow signing both "
                   "certificates and CRLs (keyCertSign and cRLSign)."), subject);
      return FALSE;
    }
  if (X509_cmp_time (X509_get0_notBefore (cert), &now) > 0)
    {
      g_autofree char *when = format_time (scm_x509_time_to_unix (X509_get0_notBefore (cert)));

      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The CA certificate “%s” is not valid before %s; "
                   "check the computer's clock."), subject, when);
      return FALSE;
    }
  if (X509_cmp_time (X509_get0_notAfter (cert), &now) < 0)
    {
      g_autofree char *when = format_time (scm_x509_time_to_unix (X509_get0_notAfter (cert)));

      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The CA certificate “%s” expired on %s; import a valid one."),
                   subject, when);
      return FALSE;
    }
  if (!EVP_PKEY_is_a (key, "RSA") && !EVP_PKEY_is_a (key, "EC"))
    {
      g_autofree char *what = scm_key_describe (key);

      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   _("The CA key is %s; import a CA with an RSA or EC key."), what);
      return FALSE;
    }
  return TRUE;
}

ScmCa *
scm_ca_import (GBytes     *data,
               const char *password,
               GError    **error)
{
  g_autoptr(ScmX509Stack) certs = NULL;
  g_autoptr(ScmX509Stack) chain = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  X509 *issuing = NULL;
  gsize len;
  const char *text;
  gboolean ok;

  g_return_val_if_fail (data != NULL, NULL);

  text = g_bytes_get_data (data, &len);
  if (len > G_MAXINT)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The file is too large to be a CA certificate and key."));
      return NULL;
    }
  if (len > 0 && g_strstr_len (text, len, "-----BEGIN") != NULL)
    ok = read_pem (data, password, &certs, &key, error);
  else
    ok = read_pkcs12 (data, password, &certs, &key, error);
  if (!ok)
    return NULL;

  if (key == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The file contains no private key; the issuing CA's "
                           "key is needed to sign certificates."));
      return NULL;
    }

  for (int i = 0; i < sk_X509_num (certs) && issuing == NULL; i++)
    if (X509_check_private_key (sk_X509_value (certs, i), key) == 1)
      issuing = sk_X509_value (certs, i);
  ERR_clear_error ();
  if (issuing == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("None of the certificates in the file belongs to its "
                           "private key; include the issuing CA's certificate."));
      return NULL;
    }
  if (!check_issuing_ca (issuing, key, error))
    return NULL;

  /* Order the chain from the issuing CA up, as far as the file allows. */
  chain = sk_X509_new_null ();
  X509_up_ref (issuing);
  sk_X509_push (chain, issuing);
  for (X509 *current = issuing; current != NULL; )
    {
      X509 *next = NULL;

      if (X509_check_issued (current, current) == X509_V_OK)
        break;
      for (int i = 0; i < sk_X509_num (certs) && next == NULL; i++)
        {
          X509 *candidate = sk_X509_value (certs, i);

          if (candidate != current
              && X509_check_issued (candidate, current) == X509_V_OK
              && X509_verify (current, X509_get0_pubkey (candidate)) > 0)
            next = candidate;
        }
      ERR_clear_error ();
      if (next != NULL)
        {
          /* A loop would mean a malformed file; stop rather than spin. */
          if (sk_X509_num (chain) >= 10)
            break;
          X509_up_ref (next);
          sk_X509_push (chain, next);
        }
      current = next;
    }
  if (sk_X509_num (chain) < sk_X509_num (certs))
    g_debug ("Import: %d certificate(s) not in the issuing CA's chain were left out",
             sk_X509_num (certs) - sk_X509_num (chain));

  return ca_new (g_steal_pointer (&key), g_steal_pointer (&chain), NULL, NULL);
}

GBytes *
scm_ca_get_chain_pem (ScmCa *self)
{
  g_return_val_if_fail (SCM_IS_CA (self), NULL);

  return self->chain_pem;
}

GPtrArray *
scm_ca_get_chain (ScmCa *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (SCM_IS_CA (self), NULL);

  copy = g_ptr_array_new_full (self->chain_der->len, (GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < self->chain_der->len; i++)
    g_ptr_array_add (copy, g_bytes_ref (g_ptr_array_index (self->chain_der, i)));
  return copy;
}

GBytes *
scm_ca_export_issuing_key (ScmCa      *self,
                           const char *passphrase,
                           GError    **error)
{
  g_return_val_if_fail (SCM_IS_CA (self), NULL);

  if (!check_passphrase (passphrase, error))
    return NULL;
  return scm_key_export_encrypted_pem (self->issuing_key, passphrase, error);
}

GBytes *
scm_ca_export_root_key (ScmCa      *self,
                        const char *passphrase,
                        GError    **error)
{
  g_autoptr(EVP_PKEY) check = NULL;
  gsize len;
  const char *data;

  g_return_val_if_fail (SCM_IS_CA (self), NULL);

  if (self->root_key == NULL && self->root_key_pem == NULL)
    return NULL;
  if (!check_passphrase (passphrase, error))
    return NULL;
  if (self->root_key != NULL)
    return scm_key_export_encrypted_pem (self->root_key, passphrase, error);

  data = g_bytes_get_data (self->root_key_pem, &len);
  check = scm_key_import_encrypted_pem (data, len, passphrase, error);
  if (check == NULL)
    return NULL;
  return g_bytes_ref (self->root_key_pem);
}

gboolean
scm_ca_has_root_key (ScmCa *self)
{
  g_return_val_if_fail (SCM_IS_CA (self), FALSE);

  return self->root_key != NULL || self->root_key_pem != NULL;
}

GBytes *
scm_ca_change_key_passphrase (GBytes     *key_pem,
                              const char *old_passphrase,
                              const char *new_passphrase,
                              GError    **error)
{
  g_autoptr(EVP_PKEY) key = NULL;
  gsize len;
  const char *data;

  g_return_val_if_fail (key_pem != NULL, NULL);

  if (!check_passphrase (new_passphrase, error))
    return NULL;
  data = g_bytes_get_data (key_pem, &len);
  key = scm_key_import_encrypted_pem (data, len, old_passphrase, error);
  if (key == NULL)
    return NULL;
  return scm_key_export_encrypted_pem (key, new_passphrase, error);
}

GBytes *
scm_ca_get_issuing_certificate (ScmCa *self)
{
  g_return_val_if_fail (SCM_IS_CA (self), NULL);

  return g_ptr_array_index (self->chain_der, 0);
}

GBytes *
scm_ca_get_root_certificate (ScmCa *self)
{
  g_return_val_if_fail (SCM_IS_CA (self), NULL);

  return g_ptr_array_index (self->chain_der, self->chain_der->len - 1);
}

const char *
scm_ca_get_issuing_fingerprint (ScmCa *self)
{
  g_return_val_if_fail (SCM_IS_CA (self), NULL);

  return self->issuing_fingerprint;
}

const char *
scm_ca_get_root_fingerprint (ScmCa *self)
{
  g_return_val_if_fail (SCM_IS_CA (self), NULL);

  return self->root_fingerprint;
}

const char *
scm_ca_get_subject (ScmCa *self)
{
  g_return_val_if_fail (SCM_IS_CA (self), NULL);

  return self->subject;
}

gint64
scm_ca_get_not_before (ScmCa *self)
{
  g_return_val_if_fail (SCM_IS_CA (self), 0);

  return self->not_before;
}

gint64
scm_ca_get_not_after (ScmCa *self)
{
  g_return_val_if_fail (SCM_IS_CA (self), 0);

  return self->not_after;
}

/* A subject attribute: NULL or "" means absent; otherwise UTF-8 of 1 to 64
 * characters (the X.520 upper bound for these attributes). */
static gboolean
check_attribute (const char *value,
                 const char *label,
                 gboolean    required,
                 GError    **error)
{
  if (value == NULL || *value == '\0')
    {
      if (required)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("The %s is empty; it is required."), label);
          return FALSE;
        }
      return TRUE;
    }
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The %s is not valid UTF-8 text."), label);
      return FALSE;
    }
  if (g_utf8_strlen (value, -1) > 64)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The %s “%s” is longer than 64 characters; shorten it."),
                   label, value);
      return FALSE;
    }
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                     _("The %s contains a control character; remove it."), label);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_url (const char *url,
           GError    **error)
{
  if ((!g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
      || strlen (url) > 1024)
    goto invalid;
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || (guchar) *p >= 0x7f || *p == '"' || *p == '<'
        || *p == '>' || *p == '\\' || *p == '#' || *p == '?')
      goto invalid;
  if (url[strlen (url) - 1] == ':' || strlen (url) <= strlen ("https://"))
    goto invalid;
  return TRUE;

invalid:
  g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
               _("The server address “%s” is not an http:// or https:// URL "
               "without spaces, query or fragment."), url);
  return FALSE;
}

static GENERAL_NAME *
make_uri_name (const char *uri)
{
  GENERAL_NAME *name = GENERAL_NAME_new ();
  ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new ();

  ASN1_STRING_set (ia5, uri, -1);
  GENERAL_NAME_set0_value (name, GEN_URI, ia5);
  return name;
}

static gboolean
add_distribution_point (X509       *cert,
                        const char *uri,
                        GError    **error)
{
  CRL_DIST_POINTS *points = sk_DIST_POINT_new_null ();
  DIST_POINT *point = DIST_POINT_new ();
  gboolean ok;

  point->distpoint = DIST_POINT_NAME_new ();
  point->distpoint->type = 0;   /* fullName */
  point->distpoint->name.fullname = GENERAL_NAMES_new ();
  sk_GENERAL_NAME_push (point->distpoint->name.fullname, make_uri_name (uri));
  sk_DIST_POINT_push (points, point);
  ok = add_extension (cert, NID_crl_distribution_points, points, FALSE, error);
  sk_DIST_POINT_pop_free (points, DIST_POINT_free);
  return ok;
}

static gboolean
add_ca_issuers (X509       *cert,
                const char *uri,
                GError    **error)
{
  AUTHORITY_INFO_ACCESS *access = sk_ACCESS_DESCRIPTION_new_null ();
  ACCESS_DESCRIPTION *description = ACCESS_DESCRIPTION_new ();
  gboolean ok;

  ASN1_OBJECT_free (description->method);
  description->method = OBJ_nid2obj (NID_ad_ca_issuers);
  GENERAL_NAME_free (description->location);
  description->location = make_uri_name (uri);
  sk_ACCESS_DESCRIPTION_push (access, description);
  ok = add_extension (cert, NID_info_access, access, FALSE, error);
  sk_ACCESS_DESCRIPTION_pop_free (access, ACCESS_DESCRIPTION_free);
  return ok;
}

static gboolean
add_policy (X509         *cert,
            ASN1_OBJECT  *oid,
            GError      **error)
{
  CERTIFICATEPOLICIES *policies = sk_POLICYINFO_new_null ();
  POLICYINFO *info = POLICYINFO_new ();
  gboolean ok;

  ASN1_OBJECT_free (info->policyid);
  info->policyid = OBJ_dup (oid);
  sk_POLICYINFO_push (policies, info);
  ok = add_extension (cert, NID_certificate_policies, policies, FALSE, error);
  sk_POLICYINFO_pop_free (policies, POLICYINFO_free);
  return ok;
}

static gboolean
add_extended_key_usage (X509       *cert,
                        ScmPurpose  purpose,
                        GError    **error)
{
  EXTENDED_KEY_USAGE *usage = sk_ASN1_OBJECT_new_null ();
  gboolean ok;

  if (purpose & SCM_PURPOSE_CLIENT_AUTH)
    sk_ASN1_OBJECT_push (usage, OBJ_nid2obj (NID_client_auth));
  if (purpose & SCM_PURPOSE_SMIME)
    sk_ASN1_OBJECT_push (usage, OBJ_nid2obj (NID_email_protect));
  ok = add_extension (cert, NID_ext_key_usage, usage, FALSE, error);
  sk_ASN1_OBJECT_pop_free (usage, ASN1_OBJECT_free);
  return ok;
}

static gboolean
add_email_name (X509       *cert,
                const char *email,
                gboolean    critical,
                GError    **error)
{
  g_autoptr(GENERAL_NAMES) names = GENERAL_NAMES_new ();
  GENERAL_NAME *name = GENERAL_NAME_new ();
  ASN1_IA5STRING *ia5 = ASN1_IA5STRING_new ();

  ASN1_STRING_set (ia5, email, -1);
  GENERAL_NAME_set0_value (name, GEN_EMAIL, ia5);
  sk_GENERAL_NAME_push (names, name);
  return add_extension (cert, NID_subject_alt_name, names, critical, error);
}

static X509_NAME *
make_subject (const ScmCertificateTemplate *tmpl,
              const char                   *email,
              GError                      **error)
{
  g_autoptr(X509_NAME) name = X509_NAME_new ();

  /* Most general first, so the RFC 2253 form reads "CN=…,O=…". */
  if (tmpl->organization != NULL && *tmpl->organization != '\0'
      && !add_name_entry (name, NID_organizationName, V_ASN1_UTF8STRING,
                          tmpl->organization, error))
    return NULL;
  if (tmpl->surname != NULL && *tmpl->surname != '\0'
      && !add_name_entry (name, NID_surname, V_ASN1_UTF8STRING, tmpl->surname, error))
    return NULL;
  if (tmpl->given_name != NULL && *tmpl->given_name != '\0'
      && !add_name_entry (name, NID_givenName, V_ASN1_UTF8STRING, tmpl->given_name, error))
    return NULL;
  if (!add_name_entry (name, NID_commonName, V_ASN1_UTF8STRING, tmpl->common_name, error))
    return NULL;
  /* PKCS#9 fixes emailAddress as IA5String. */
  if (tmpl->email_in_subject
      && !add_name_entry (name, NID_pkcs9_emailAddress, V_ASN1_IA5STRING, email, error))
    return NULL;
  return g_steal_pointer (&name);
}

GBytes *
scm_ca_issue (ScmCa                        *self,
              const ScmCertificateTemplate *tmpl,
              GError                      **error)
{
  g_autoptr(EVP_PKEY) public_key = NULL;
  g_autoptr(ASN1_INTEGER) serial = NULL;
  g_autoptr(X509_NAME) subject = NULL;
  g_autoptr(X509) cert = NULL;
  g_autofree char *email = NULL;
  g_autofree char *base_url = NULL;
  ASN1_OBJECT *policy = NULL;
  X509 *issuing;
  ScmKeyType key_type;
  gint64 not_before;
  gint64 not_after;
  guint key_usage;
  gboolean ok;

  g_return_val_if_fail (SCM_IS_CA (self), NULL);
  g_return_val_if_fail (tmpl != NULL, NULL);

  issuing = sk_X509_value (self->chain, 0);

  /* Everything a caller could get wrong is checked before building. */
  if (tmpl->public_key == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The certificate request has no public key."));
      return NULL;
    }
  public_key = scm_key_load_public (tmpl->public_key, error);
  if (public_key == NULL || !scm_key_classify (public_key, &key_type, error))
    return NULL;

  serial = scm_x509_serial_from_hex (tmpl->serial_hex, error);
  if (serial == NULL)
    return NULL;

  if (!scm_x509_check_email (tmpl->email, error))
    return NULL;
  email = g_ascii_strdown (tmpl->email, -1);

  if (!check_attribute (tmpl->common_name, "common name", TRUE, error)
      || !check_attribute (tmpl->given_name, "given name", FALSE, error)
      || !check_attribute (tmpl->surname, "surname", FALSE, error)
      || !check_attribute (tmpl->organization, "organization", FALSE, error))
    return NULL;

  if (tmpl->purpose == 0
      || (tmpl->purpose & ~(SCM_PURPOSE_CLIENT_AUTH | SCM_PURPOSE_SMIME)) != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The certificate purpose %#x is not client authentication, "
                   "S/MIME or both."), (guint) tmpl->purpose);
      return NULL;
    }

  if (tmpl->term_days < 1 || tmpl->term_days > SCM_CA_MAX_TERM_DAYS)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   _("A term of %u days is not allowed; choose 1 to %d days."),
                   tmpl->term_days, SCM_CA_MAX_TERM_DAYS);
      return NULL;
    }

  if (tmpl->policy_oid != NULL)
    {
      gboolean dotted = *tmpl->policy_oid != '\0';

      for (const char *p = tmpl->policy_oid; *p != '\0'; p++)
        dotted = dotted && (g_ascii_isdigit (*p) || *p == '.');
      policy = dotted ? OBJ_txt2obj (tmpl->policy_oid, 1) : NULL;
      ERR_clear_error ();
      if (policy == NULL)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("The policy OID “%s” is not a dotted object identifier "
                       "like 1.3.6.1.4.1.99999.1."), tmpl->policy_oid);
          return NULL;
        }
    }

  if (tmpl->base_url != NULL)
    {
      if (!check_url (tmpl->base_url, error))
        {
          ASN1_OBJECT_free (policy);
          return NULL;
        }
      base_url = g_strdup (tmpl->base_url);
      while (g_str_has_suffix (base_url, "/"))
        base_url[strlen (base_url) - 1] = '\0';
    }

  not_before = tmpl->not_before != NULL ? g_date_time_to_unix (tmpl->not_before)
                                        : g_get_real_time () / G_USEC_PER_SEC;
  /* notAfter is inclusive (RFC 5280 4.1.2.5): the term is exactly
   * term_days × 86400 seconds. */
  not_after = not_before + (gint64) tmpl->term_days * SECONDS_PER_DAY - 1;
  if (not_after > self->not_after)
    {
      g_autofree char *ends = format_time (not_after);
      g_autofree char *ca_ends = format_time (self->not_after);

      ASN1_OBJECT_free (policy);
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   _("A term of %u days would end on %s, after the issuing CA "
                   "expires on %s; choose a shorter term or renew the CA."),
                   tmpl->term_days, ends, ca_ends);
      return NULL;
    }
  if (not_before < self->not_before)
    {
      g_autofree char *starts = format_time (self->not_before);

      ASN1_OBJECT_free (policy);
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   _("The issuing CA is not valid before %s; check the "
                   "computer's clock."), starts);
      return NULL;
    }

  subject = make_subject (tmpl, email, error);
  if (subject == NULL)
    {
      ASN1_OBJECT_free (policy);
      return NULL;
    }

  if (key_type == SCM_KEY_TYPE_EC_P256 || key_type == SCM_KEY_TYPE_EC_P384)
    key_usage = KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT;
  else
    key_usage = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT;

  cert = X509_new_ex (NULL, NULL);
  ok = X509_set_version (cert, X509_VERSION_3)
       && X509_set_serialNumber (cert, serial)
       && X509_set_issuer_name (cert, X509_get_subject_name (issuing))
       && X509_set_subject_name (cert, subject)
       && X509_set_pubkey (cert, public_key);
  if (!ok)
    scm_set_openssl_error (error, "Cannot build the certificate");

  ok = ok
       && set_validity (cert, not_before, not_after, error)
       && add_basic_constraints (cert, FALSE, -1, error)
       && add_key_usage (cert, key_usage, error)
       && add_extended_key_usage (cert, tmpl->purpose, error)
       && add_key_identifiers (cert, issuing, error)
       /* The SAN is critical only with an empty subject (4.2.1.6); ours
        * always has a CN. */
       && add_email_name (cert, email, FALSE, error);

  if (ok && base_url != NULL)
    {
      g_autofree char *crl_url = g_strconcat (base_url, "/crl", NULL);
      g_autofree char *ca_url = g_strconcat (base_url, "/ca.crt", NULL);

      ok = add_distribution_point (cert, crl_url, error)
           && add_ca_issuers (cert, ca_url, error);
    }
  if (ok && policy != NULL)
    ok = add_policy (cert, policy, error);
  ASN1_OBJECT_free (policy);
  if (!ok)
    return NULL;

  if (X509_sign (cert, self->issuing_key, scm_key_signature_digest (self->issuing_key)) <= 0)
    return scm_set_openssl_error (error, "Cannot sign the certificate"), NULL;

  return scm_x509_to_der (cert);
}

/* A host name as a dNSName: LDH labels of 1 to 63 characters, 253 in all
 * (RFC 1123); single-label names such as "localhost" are fine. */
static gboolean
check_dns_name (const char *name,
                GError    **error)
{
  gsize len = name != NULL ? strlen (name) : 0;
  gsize label = 0;

  if (len == 0 || len > 253)
    goto invalid;
  for (gsize i = 0; i <= len; i++)
    {
      char c = name[i];

      if (c == '.' || c == '\0')
        {
          if (label == 0 || label > 63 || name[i - 1] == '-')
            goto invalid;
          label = 0;
          continue;
        }
      if (!g_ascii_isalnum (c) && !(c == '-' && label > 0))
        goto invalid;
      label++;
    }
  return TRUE;

invalid:
  g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
               _("“%s” is not a host name the server certificate can carry; use "
               "letters, digits, “-” and dots, such as enroll.example.org."),
               name != NULL ? name : "");
  return FALSE;
}

static gboolean
add_server_names (X509               *cert,
                  const char * const *dns_names,
                  const char * const *ip_addresses,
                  GError            **error)
{
  g_autoptr(GENERAL_NAMES) names = GENERAL_NAMES_new ();

  for (gsize i = 0; dns_names != NULL && dns_names[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (dns_names[i], -1);
      GENERAL_NAME *name;
      ASN1_IA5STRING *ia5;

      if (!check_dns_name (lower, error))
        return FALSE;
      name = GENERAL_NAME_new ();
      ia5 = ASN1_IA5STRING_new ();
      ASN1_STRING_set (ia5, lower, -1);
      GENERAL_NAME_set0_value (name, GEN_DNS, ia5);
      sk_GENERAL_NAME_push (names, name);
    }

  for (gsize i = 0; ip_addresses != NULL && ip_addresses[i] != NULL; i++)
    {
      ASN1_OCTET_STRING *octets = a2i_IPADDRESS (ip_addresses[i]);
      GENERAL_NAME *name;

      if (octets == NULL)
        {
          ERR_clear_error ();
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("“%s” is not an IPv4 or IPv6 address the server "
                       "certificate can carry."), ip_addresses[i]);
          return FALSE;
        }
      name = GENERAL_NAME_new ();
      GENERAL_NAME_set0_value (name, GEN_IPADD, octets);
      sk_GENERAL_NAME_push (names, name);
    }

  if (sk_GENERAL_NAME_num (names) == 0)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("A server certificate needs at least one host name "
                           "or address."));
      return FALSE;
    }
  return add_extension (cert, NID_subject_alt_name, names, FALSE, error);
}

static gboolean
add_server_auth_usage (X509     *cert,
                       GError  **error)
{
  EXTENDED_KEY_USAGE *usage = sk_ASN1_OBJECT_new_null ();
  gboolean ok;

  sk_ASN1_OBJECT_push (usage, OBJ_nid2obj (NID_server_auth));
  ok = add_extension (cert, NID_ext_key_usage, usage, FALSE, error);
  sk_ASN1_OBJECT_pop_free (usage, ASN1_OBJECT_free);
  return ok;
}

GBytes *
scm_ca_issue_server (ScmCa                              *self,
                     const ScmServerCertificateTemplate *tmpl,
                     GError                            **error)
{
  g_autoptr(EVP_PKEY) public_key = NULL;
  g_autoptr(ASN1_INTEGER) serial = NULL;
  g_autoptr(X509_NAME) subject = X509_NAME_new ();
  g_autoptr(X509) cert = NULL;
  const char *common_name;
  X509 *issuing;
  ScmKeyType key_type;
  gint64 not_before;
  gint64 not_after;
  guint key_usage;

  g_return_val_if_fail (SCM_IS_CA (self), NULL);
  g_return_val_if_fail (tmpl != NULL, NULL);

  issuing = sk_X509_value (self->chain, 0);

  if (tmpl->public_key == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The server certificate request has no public key."));
      return NULL;
    }
  public_key = scm_key_load_public (tmpl->public_key, error);
  if (public_key == NULL || !scm_key_classify (public_key, &key_type, error))
    return NULL;

  serial = scm_x509_serial_from_hex (tmpl->serial_hex, error);
  if (serial == NULL)
    return NULL;

  if (tmpl->term_days < 1 || tmpl->term_days > SCM_CA_MAX_SERVER_TERM_DAYS)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   _("A server certificate term of %u days is not allowed; "
                   "choose 1 to %d days."), tmpl->term_days, SCM_CA_MAX_SERVER_TERM_DAYS);
      return NULL;
    }

  /* The CN repeats the first name, for the few clients that still look
   * at it; the subjectAltName is what verifiers match. */
  if (tmpl->dns_names != NULL && tmpl->dns_names[0] != NULL)
    common_name = tmpl->dns_names[0];
  else if (tmpl->ip_addresses != NULL && tmpl->ip_addresses[0] != NULL)
    common_name = tmpl->ip_addresses[0];
  else
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("A server certificate needs at least one host name "
                           "or address."));
      return NULL;
    }
  if (!check_attribute (common_name, "host name", TRUE, error)
      || !add_name_entry (subject, NID_commonName, V_ASN1_UTF8STRING, common_name, error))
    return NULL;

  not_before = tmpl->not_before != NULL ? g_date_time_to_unix (tmpl->not_before)
                                        : g_get_real_time () / G_USEC_PER_SEC;
  if (not_before < self->not_before)
    {
      g_autofree char *starts = format_time (self->not_before);

      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   _("The issuing CA is not valid before %s; check the "
                   "computer's clock."), starts);
      return NULL;
    }
  not_after = MIN (not_before + (gint64) tmpl->term_days * SECONDS_PER_DAY - 1,
                   self->not_after);
  if (not_after <= not_before)
    {
      g_autofree char *ca_ends = format_time (self->not_after);

      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   _("The issuing CA expired on %s; renew it before starting "
                   "the enrollment endpoint."), ca_ends);
      return NULL;
    }

  /* RFC 5246/8446 key usages for a TLS server key. */
  if (key_type == SCM_KEY_TYPE_EC_P256 || key_type == SCM_KEY_TYPE_EC_P384)
    key_usage = KU_DIGITAL_SIGNATURE;
  else
    key_usage = KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT;

  cert = X509_new_ex (NULL, NULL);
  if (!X509_set_version (cert, X509_VERSION_3)
      || !X509_set_serialNumber (cert, serial)
      || !X509_set_issuer_name (cert, X509_get_subject_name (issuing))
      || !X509_set_subject_name (cert, subject)
      || !X509_set_pubkey (cert, public_key))
    return scm_set_openssl_error (error, "Cannot build the server certificate"), NULL;

  if (!set_validity (cert, not_before, not_after, error)
      || !add_basic_constraints (cert, FALSE, -1, error)
      || !add_key_usage (cert, key_usage, error)
      || !add_server_auth_usage (cert, error)
      || !add_key_identifiers (cert, issuing, error)
      || !add_server_names (cert, tmpl->dns_names, tmpl->ip_addresses, error))
    return NULL;

  if (X509_sign (cert, self->issuing_key, scm_key_signature_digest (self->issuing_key)) <= 0)
    return scm_set_openssl_error (error, "Cannot sign the server certificate"), NULL;

  return scm_x509_to_der (cert);
}

static gboolean
is_known_reason (ScmRevocationReason reason)
{
  switch (reason)
    {
    case SCM_REVOCATION_UNSPECIFIED:
    case SCM_REVOCATION_KEY_COMPROMISE:
    case SCM_REVOCATION_AFFILIATION_CHANGED:
    case SCM_REVOCATION_SUPERSEDED:
    case SCM_REVOCATION_CESSATION_OF_OPERATION:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
add_revoked (X509_CRL              *crl,
             const ScmRevokedEntry *entry,
             GError               **error)
{
  g_autoptr(X509_REVOKED) revoked = X509_REVOKED_new ();
  g_autoptr(ASN1_INTEGER) serial = NULL;
  g_autoptr(ASN1_TIME) when = NULL;

  serial = scm_x509_serial_from_hex (entry->serial_hex, error);
  if (serial == NULL)
    return FALSE;
  if (entry->revocation_time == NULL || !is_known_reason (entry->reason))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The revocation of serial %s has no time or an unknown "
                   "reason (%d)."), entry->serial_hex, (int) entry->reason);
      return FALSE;
    }

  when = ASN1_TIME_set (NULL, (time_t) g_date_time_to_unix (entry->revocation_time));
  if (when == NULL
      || !X509_REVOKED_set_serialNumber (revoked, serial)
      || !X509_REVOKED_set_revocationDate (revoked, when))
    return scm_set_openssl_error (error, "Cannot add a revoked certificate");

  if (entry->reason != SCM_REVOCATION_UNSPECIFIED)
    {
      ASN1_ENUMERATED *reason = ASN1_ENUMERATED_new ();
      int rc;

      ASN1_ENUMERATED_set (reason, entry->reason);
      rc = X509_REVOKED_add1_ext_i2d (revoked, NID_crl_reason, reason, 0, 0);
      ASN1_ENUMERATED_free (reason);
      if (rc != 1)
        return scm_set_openssl_error (error, "Cannot add a revocation reason");
    }

  if (!X509_CRL_add0_revoked (crl, revoked))
    return scm_set_openssl_error (error, "Cannot add a revoked certificate");
  revoked = NULL;
  return TRUE;
}

GBytes *
scm_ca_sign_crl (ScmCa                 *self,
                 guint64                crl_number,
                 GDateTime             *this_update,
                 GDateTime             *next_update,
                 const ScmRevokedEntry *entries,
                 gsize                  n_entries,
                 GError               **error)
{
  g_autoptr(X509_CRL) crl = NULL;
  g_autoptr(ASN1_TIME) last = NULL;
  g_autoptr(ASN1_TIME) next = NULL;
  g_autoptr(ASN1_INTEGER) number = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  AUTHORITY_KEYID *authority_id;
  X509 *issuing;
  guchar *der = NULL;
  int len;
  int rc;
  GBytes *bytes;

  g_return_val_if_fail (SCM_IS_CA (self), NULL);
  g_return_val_if_fail (this_update != NULL, NULL);
  g_return_val_if_fail (next_update != NULL, NULL);
  g_return_val_if_fail (entries != NULL || n_entries == 0, NULL);

  if (g_date_time_compare (next_update, this_update) <= 0)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The CRL's next update must come after its this update."));
      return NULL;
    }

  issuing = sk_X509_value (self->chain, 0);
  crl = X509_CRL_new_ex (NULL, NULL);
  last = ASN1_TIME_set (NULL, (time_t) g_date_time_to_unix (this_update));
  next = ASN1_TIME_set (NULL, (time_t) g_date_time_to_unix (next_update));
  if (last == NULL || next == NULL
      || !X509_CRL_set_version (crl, X509_CRL_VERSION_2)
      || !X509_CRL_set_issuer_name (crl, X509_get_subject_name (issuing))
      || !X509_CRL_set1_lastUpdate (crl, last)
      || !X509_CRL_set1_nextUpdate (crl, next))
    return scm_set_openssl_error (error, "Cannot build the CRL"), NULL;

  for (gsize i = 0; i < n_entries; i++)
    {
      g_autofree char *key = g_ascii_strup (entries[i].serial_hex != NULL
                                            ? entries[i].serial_hex : "", -1);
      const char *trimmed = key;

      while (trimmed[0] == '0' && trimmed[1] == '0')
        trimmed += 2;
      if (!g_hash_table_add (seen, g_strdup (trimmed)))
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("The serial %s is listed twice in the CRL."), key);
          return NULL;
        }
      if (!add_revoked (crl, &entries[i], error))
        return NULL;
    }

  number = ASN1_INTEGER_new ();
  if (!ASN1_INTEGER_set_uint64 (number, crl_number)
      || X509_CRL_add1_ext_i2d (crl, NID_crl_number, number, 0, 0) != 1)
    return scm_set_openssl_error (error, "Cannot set the CRL number"), NULL;

  authority_id = AUTHORITY_KEYID_new ();
  if (X509_get0_subject_key_id (issuing) != NULL)
    authority_id->keyid = ASN1_OCTET_STRING_dup (X509_get0_subject_key_id (issuing));
  else
    authority_id->keyid = compute_key_id (issuing);
  rc = X509_CRL_add1_ext_i2d (crl, NID_authority_key_identifier, authority_id, 0, 0);
  AUTHORITY_KEYID_free (authority_id);
  if (rc != 1)
    return scm_set_openssl_error (error, "Cannot set the CRL's authority key identifier"), NULL;

  X509_CRL_sort (crl);
  if (X509_CRL_sign (crl, self->issuing_key, scm_key_signature_digest (self->issuing_key)) <= 0)
    return scm_set_openssl_error (error, "Cannot sign the CRL"), NULL;

  len = i2d_X509_CRL (crl, &der);
  if (len <= 0)
    return scm_set_openssl_error (error, "Cannot encode the CRL"), NULL;
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  return bytes;
}
