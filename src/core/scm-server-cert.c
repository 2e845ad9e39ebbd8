/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <gio/gio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "scm-authority-private.h"
#include "scm-error.h"
#include "scm-key-private.h"
#include "scm-secret.h"
#include "scm-server-cert.h"
#include "scm-x509-private.h"

#define SECONDS_PER_DAY 86400
/* Let clients whose clocks run a little behind accept a new certificate. */
#define BACKDATE_SECONDS 300
/* Separates this key from every other use of the installation key. */
#define KEY_WRAP_LABEL "scm-enroll server TLS key v1"

void
scm_server_identity_free (ScmServerIdentity *identity)
{
  if (identity == NULL)
    return;
  g_clear_pointer (&identity->certificate_pem, g_bytes_unref);
  g_clear_pointer (&identity->key_pem, g_bytes_unref);
  g_clear_pointer (&identity->fingerprint, g_free);
  g_clear_pointer (&identity->names, g_strfreev);
  g_free (identity);
}

typedef struct
{
  guint8 *data;
  gsize len;
} WipedBuffer;

static void
wiped_buffer_free (gpointer user_data)
{
  WipedBuffer *buffer = user_data;

  OPENSSL_cleanse (buffer->data, buffer->len);
  g_free (buffer->data);
  g_free (buffer);
}

/* GBytes whose memory is overwritten when the last reference goes. */
static GBytes *
wiped_bytes_new (const void *data,
                 gsize       len)
{
  WipedBuffer *buffer = g_new0 (WipedBuffer, 1);

  buffer->data = g_memdup2 (data, len);
  buffer->len = len;
  return g_bytes_new_with_free_func (buffer->data, len, wiped_buffer_free, buffer);
}

/* The key's PEM: PKCS#8, encrypted (AES-256-CBC, PBKDF2-HMAC-SHA256)
 * under @passphrase, or in clear when it is NULL. */
static GBytes *
key_to_pem (EVP_PKEY   *pkey,
            const char *passphrase,
            GError    **error)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  const EVP_CIPHER *cipher = passphrase != NULL ? EVP_aes_256_cbc () : NULL;
  char *pem = NULL;
  long len;
  GBytes *bytes;

  if (!PEM_write_bio_PKCS8PrivateKey (bio, pkey, cipher, NULL, 0,
                                      scm_key_pem_password_cb, (void *) passphrase))
    return scm_set_openssl_error (error, "Cannot encode the server key"), NULL;
  len = BIO_get_mem_data (bio, &pem);
  bytes = wiped_bytes_new (pem, (gsize) len);
  OPENSSL_cleanse (pem, (gsize) len);
  return bytes;
}

/* The passphrase of the stored key: an HMAC of a fixed label under the
 * installation key. It has full entropy, so PBKDF2's default iteration
 * count costs nothing in safety. */
static char *
derive_key_passphrase (ScmStore *store)
{
  guint8 mac[32];
  GString *hex = g_string_sized_new (sizeof mac * 2);

  scm_hmac_sha256 (scm_store_get_installation_key (store), SCM_INSTALLATION_KEY_SIZE,
                   KEY_WRAP_LABEL, strlen (KEY_WRAP_LABEL), mac);
  for (gsize i = 0; i < sizeof mac; i++)
    g_string_append_printf (hex, "%02x", mac[i]);
  OPENSSL_cleanse (mac, sizeof mac);
  return g_string_free (hex, FALSE);
}

/* A secret string that is wiped when it goes out of scope. */
typedef char ScmPassphrase;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmPassphrase, scm_secret_free)

static gboolean
is_ip_literal (const char *name)
{
  return g_hostname_is_ip_address (name);
}

/* "[::1]" → "::1"; IP addresses in their canonical text form; host names
 * lower-cased. NULL for an empty name. */
static char *
normalize_name (const char *name)
{
  g_autofree char *stripped = NULL;
  gsize len;

  if (name == NULL)
    return NULL;
  stripped = g_strstrip (g_strdup (name));
  len = strlen (stripped);
  if (len >= 2 && stripped[0] == '[' && stripped[len - 1] == ']')
    {
      memmove (stripped, stripped + 1, len - 2);
      stripped[len - 2] = '\0';
    }
  if (*stripped == '\0')
    return NULL;
  if (is_ip_literal (stripped))
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (stripped);

      if (address != NULL)
        return g_inet_address_to_string (address);
    }
  return g_ascii_strdown (stripped, -1);
}

static gboolean
is_host_name (const char *name)
{
  gsize label = 0;

  if (name == NULL || *name == '\0' || strlen (name) > 253)
    return FALSE;
  for (const char *p = name; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          if (label == 0 || label > 63 || p[-1] == '-')
            return FALSE;
          if (*p == '\0')
            return TRUE;
          label = 0;
          continue;
        }
      if (!g_ascii_isalnum (*p) && !(*p == '-' && label > 0))
        return FALSE;
      label++;
    }
}

static void
add_name (GPtrArray  *names,
          const char *name)
{
  g_autofree char *normal = normalize_name (name);

  if (normal == NULL)
    return;
  for (guint i = 0; i < names->len; i++)
    if (g_str_equal (g_ptr_array_index (names, i), normal))
      return;
  g_ptr_array_add (names, g_steal_pointer (&normal));
}

char **
scm_server_cert_collect_names (const char *listen_host,
                               const char *public_url)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *host = normalize_name (listen_host);

  if (host == NULL || g_str_equal (host, "0.0.0.0") || g_str_equal (host, "::"))
    {
      const char *hostname = g_get_host_name ();

      /* Reached by any of this computer's names; a host name that is not
       * a valid DNS name (say, with "_") cannot be in a certificate. */
      if (public_url == NULL || *public_url == '\0')
        {
          g_autofree char *normal = normalize_name (hostname);

          if (normal != NULL && (is_host_name (normal) || is_ip_literal (normal)))
            add_name (names, normal);
        }
      add_name (names, "localhost");
      add_name (names, "127.0.0.1");
      add_name (names, "::1");
    }
  else if (g_str_equal (host, "localhost"))
    {
      add_name (names, "localhost");
      add_name (names, "127.0.0.1");
      add_name (names, "::1");
    }
  else
    add_name (names, host);

  if (public_url != NULL && *public_url != '\0')
    {
      g_autoptr(GUri) uri = g_uri_parse (public_url, G_URI_FLAGS_NONE, NULL);

      if (uri != NULL && g_uri_get_host (uri) != NULL)
        {
          /* The public name goes first: it becomes the CN. */
          g_autofree char *normal = normalize_name (g_uri_get_host (uri));

          if (normal != NULL)
            {
              for (guint i = 0; i < names->len; i++)
                if (g_str_equal (g_ptr_array_index (names, i), normal))
                  g_ptr_array_remove_index (names, i);
              g_ptr_array_insert (names, 0, g_steal_pointer (&normal));
            }
        }
    }

  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The set of names as stored: normalized, sorted, comma-separated. */
static char *
canonical_names (const char * const *names)
{
  g_autoptr(GPtrArray) normal = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) joined = g_string_new (NULL);

  for (gsize i = 0; names != NULL && names[i] != NULL; i++)
    add_name (normal, names[i]);
  g_ptr_array_sort (normal, compare_strings);
  for (guint i = 0; i < normal->len; i++)
    g_string_append_printf (joined, "%s%s", i > 0 ? "," : "",
                            (const char *) g_ptr_array_index (normal, i));
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

/* The dNSName and iPAddress subjectAltNames of @cert. */
static char **
get_server_names (X509 *cert)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GENERAL_NAMES *sans = X509_get_ext_d2i (cert, NID_subject_alt_name, NULL, NULL);

  for (int i = 0; sans != NULL && i < sk_GENERAL_NAME_num (sans); i++)
    {
      const GENERAL_NAME *name = sk_GENERAL_NAME_value (sans, i);

      if (name->type == GEN_DNS)
        g_ptr_array_add (names, g_strndup ((const char *) ASN1_STRING_get0_data (name->d.dNSName),
                                           ASN1_STRING_length (name->d.dNSName)));
      else if (name->type == GEN_IPADD)
        {
          const guchar *octets = ASN1_STRING_get0_data (name->d.iPAddress);
          int len = ASN1_STRING_length (name->d.iPAddress);
          g_autoptr(GInetAddress) address = NULL;

          if (len == 4)
            address = g_inet_address_new_from_bytes (octets, G_SOCKET_FAMILY_IPV4);
          else if (len == 16)
            address = g_inet_address_new_from_bytes (octets, G_SOCKET_FAMILY_IPV6);
          if (address != NULL)
            g_ptr_array_add (names, g_inet_address_to_string (address));
        }
    }
  GENERAL_NAMES_free (sans);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* Takes nothing; @chain is the server certificate first. */
static ScmServerIdentity *
identity_new (ScmX509Stack *chain,
              EVP_PKEY     *key,
              GError      **error)
{
  g_autoptr(ScmServerIdentity) identity = g_new0 (ScmServerIdentity, 1);
  g_autoptr(GPtrArray) der = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  X509 *leaf = sk_X509_value (chain, 0);

  for (int i = 0; i < sk_X509_num (chain); i++)
    g_ptr_array_add (der, scm_x509_to_der (sk_X509_value (chain, i)));

  identity->key_pem = key_to_pem (key, NULL, error);
  if (identity->key_pem == NULL)
    return NULL;
  identity->certificate_pem = scm_x509_chain_to_pem (der);
  identity->fingerprint = scm_x509_fingerprint (g_ptr_array_index (der, 0));
  identity->names = get_server_names (leaf);
  identity->not_after = scm_x509_time_to_unix (X509_get0_notAfter (leaf));
  return g_steal_pointer (&identity);
}

static EVP_PKEY *
read_key_pem (GBytes     *pem,
              const char *passphrase)
{
  gsize len;
  const void *data = g_bytes_get_data (pem, &len);
  g_autoptr(BIO) bio = NULL;
  EVP_PKEY *key;

  if (len == 0 || len > G_MAXINT)
    return NULL;
  bio = BIO_new_mem_buf (data, (int) len);
  key = PEM_read_bio_PrivateKey (bio, NULL, scm_key_pem_password_cb, (void *) passphrase);
  ERR_clear_error ();
  return key;
}

/* The stored certificate, or NULL (with the reason) when it cannot be
 * used any more. */
static ScmServerIdentity *
load_stored (GBytes     *certificate_pem,
             GBytes     *key_pem,
             const char *passphrase,
             GError    **error)
{
  g_autoptr(ScmX509Stack) chain = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  gsize len;
  const void *data = g_bytes_get_data (certificate_pem, &len);

  chain = scm_x509_stack_from_pem (data, len, NULL, error);
  if (chain == NULL)
    return NULL;
  key = read_key_pem (key_pem, passphrase);
  if (sk_X509_num (chain) == 0 || key == NULL
      || X509_check_private_key (sk_X509_value (chain, 0), key) != 1)
    {
      ERR_clear_error ();
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The stored TLS key of the enrollment endpoint cannot be "
                           "decrypted with this installation key."));
      return NULL;
    }
  return identity_new (chain, key, error);
}

static void
split_names (const char * const *names,
             GPtrArray          *dns_names,
             GPtrArray          *ip_addresses)
{
  for (gsize i = 0; names[i] != NULL; i++)
    {
      g_autofree char *normal = normalize_name (names[i]);

      if (normal == NULL)
        continue;
      if (is_ip_literal (normal))
        g_ptr_array_add (ip_addresses, g_steal_pointer (&normal));
      else
        g_ptr_array_add (dns_names, g_steal_pointer (&normal));
    }
  g_ptr_array_add (dns_names, NULL);
  g_ptr_array_add (ip_addresses, NULL);
}

static ScmServerIdentity *
issue (ScmAuthority       *authority,
       ScmCa              *ca,
       const char * const *names,
       const char         *canonical,
       const char         *passphrase,
       gint64              now,
       GError            **error)
{
  g_autoptr(GBytes) key_der = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(GPtrArray) dns_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ip_addresses = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) not_before = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GPtrArray) chain_der = NULL;
  g_autoptr(ScmX509Stack) chain = NULL;
  g_autoptr(GBytes) chain_pem = NULL;
  g_autoptr(GBytes) encrypted_key = NULL;
  g_autoptr(ScmServerIdentity) identity = NULL;
  g_autofree char *serial = scm_ca_generate_serial ();
  ScmServerCertificateTemplate tmpl = { 0 };
  gsize len;
  const void *data;

  key_der = scm_key_generate (SCM_KEY_TYPE_EC_P256, error);
  if (key_der == NULL)
    return NULL;
  key = scm_key_load_private (key_der, error);
  public_key = key != NULL ? scm_key_get_public (key_der, error) : NULL;
  if (public_key == NULL)
    return NULL;

  split_names (names, dns_names, ip_addresses);
  not_before = g_date_time_new_from_unix_utc (MAX (now - BACKDATE_SECONDS,
                                                   scm_ca_get_not_before (ca)));
  tmpl.public_key = public_key;
  tmpl.serial_hex = serial;
  tmpl.dns_names = (const char * const *) dns_names->pdata;
  tmpl.ip_addresses = (const char * const *) ip_addresses->pdata;
  tmpl.term_days = SCM_SERVER_CERT_TERM_DAYS;
  tmpl.not_before = not_before;
  der = scm_ca_issue_server (ca, &tmpl, error);
  if (der == NULL)
    return NULL;

  chain_der = scm_ca_get_chain (ca);
  g_ptr_array_insert (chain_der, 0, g_bytes_ref (der));
  chain_pem = scm_x509_chain_to_pem (chain_der);
  data = g_bytes_get_data (chain_pem, &len);
  chain = scm_x509_stack_from_pem (data, len, NULL, error);
  if (chain == NULL)
    return NULL;

  encrypted_key = key_to_pem (key, passphrase, error);
  identity = encrypted_key != NULL ? identity_new (chain, key, error) : NULL;
  if (identity == NULL)
    return NULL;
  if (!scm_store_save_server_certificate (scm_authority_get_store (authority), canonical,
                                          scm_ca_get_issuing_fingerprint (ca), chain_pem,
                                          encrypted_key, identity->not_after, error))
    return NULL;
  identity->issued = TRUE;
  return g_steal_pointer (&identity);
}

ScmServerIdentity *
scm_server_cert_ensure (ScmAuthority       *authority,
                        const char * const *names,
                        gint64              now,
                        GError            **error)
{
  ScmStore *store;
  g_autoptr(ScmCa) ca = NULL;
  g_autofree char *canonical = NULL;
  g_autoptr(ScmPassphrase) passphrase = NULL;
  g_autofree char *stored_names = NULL;
  g_autofree char *stored_issuer = NULL;
  g_autoptr(GBytes) certificate_pem = NULL;
  g_autoptr(GBytes) key_pem = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 not_after = 0;

  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (names != NULL, NULL);

  store = scm_authority_get_store (authority);
  /* Our own reference: an import may replace the authority's CA meanwhile. */
  ca = scm_authority_dup_ca (authority, NULL);
  canonical = canonical_names (names);
  if (*canonical == '\0')
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The enrollment endpoint's certificate needs at least one host "
                           "name or address; set server.public-url or a listen address."));
      return NULL;
    }
  passphrase = derive_key_passphrase (store);

  if (scm_store_load_server_certificate (store, &stored_names, &stored_issuer, &certificate_pem,
                                         &key_pem, &not_after, &local_error))
    {
      if (g_str_equal (stored_names, canonical)
          && g_str_equal (stored_issuer, scm_ca_get_issuing_fingerprint (ca))
          && not_after - now > (gint64) SCM_SERVER_CERT_RENEW_DAYS * SECONDS_PER_DAY)
        {
          ScmServerIdentity *identity = load_stored (certificate_pem, key_pem, passphrase,
                                                     &local_error);
          if (identity != NULL)
            return identity;
          g_message ("Issuing a new TLS certificate for the enrollment endpoint: %s",
                     local_error->message);
        }
    }
  else if (!g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return issue (authority, ca, names, canonical, passphrase, now, error);
}

static gboolean
read_file (const char *path,
           const char *what,
           GBytes    **out,
           GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The %s %s cannot be read (%s); check the setting and the "
                   "file's permissions."), what, path, local_error->message);
      return FALSE;
    }
  *out = wiped_bytes_new (contents, len);
  OPENSSL_cleanse (contents, len);
  g_free (contents);
  return TRUE;
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
}

ScmServerIdentity *
scm_server_cert_load_files (const char *certificate_path,
                            const char *key_path,
                            gint64      now,
                            GError    **error)
{
  g_autoptr(GBytes) certificate_pem = NULL;
  g_autoptr(GBytes) key_pem = NULL;
  g_autoptr(ScmX509Stack) chain = NULL;
  g_autoptr(EVP_PKEY) key = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize len;
  const char *data;
  X509 *leaf;
  gint64 not_before;
  gint64 not_after;

  g_return_val_if_fail (certificate_path != NULL, NULL);
  g_return_val_if_fail (key_path != NULL, NULL);

  if (!read_file (certificate_path, "certificate file", &certificate_pem, error)
      || !read_file (key_path, "key file", &key_pem, error))
    return NULL;

  data = g_bytes_get_data (certificate_pem, &len);
  chain = scm_x509_stack_from_pem (data, len, NULL, &local_error);
  if (chain == NULL || sk_X509_num (chain) == 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("%s holds no PEM certificate (“-----BEGIN CERTIFICATE-----”); give "
                   "the server certificate, optionally followed by its chain."),
                   certificate_path);
      return NULL;
    }
  leaf = sk_X509_value (chain, 0);

  data = g_bytes_get_data (key_pem, &len);
  if (g_strstr_len (data, len, "ENCRYPTED") != NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The key in %s is encrypted; the endpoint starts unattended, so give "
                   "it an unencrypted key file readable only by the service."), key_path);
      return NULL;
    }
  key = read_key_pem (key_pem, NULL);
  if (key == NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("%s holds no PEM private key; give the key of the server certificate."),
                   key_path);
      return NULL;
    }
  if (X509_check_private_key (leaf, key) != 1)
    {
      ERR_clear_error ();
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The key in %s does not belong to the certificate in %s; give the "
                   "matching pair."), key_path, certificate_path);
      return NULL;
    }

  not_before = scm_x509_time_to_unix (X509_get0_notBefore (leaf));
  not_after = scm_x509_time_to_unix (X509_get0_notAfter (leaf));
  if (now > not_after)
    {
      g_autofree char *ended = format_time (not_after);

      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The certificate in %s expired on %s; replace it, or unset "
                   "server.tls-certificate and server.tls-key to use one from the "
                   "ScmEnroll CA."), certificate_path, ended);
      return NULL;
    }
  if (now < not_before)
    {
      g_autofree char *starts = format_time (not_before);

      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The certificate in %s is not valid before %s; check the computer's "
                   "clock or the certificate."), certificate_path, starts);
      return NULL;
    }

  {
    ScmServerIdentity *identity = identity_new (chain, key, error);

    if (identity != NULL)
      identity->supplied = TRUE;
    return identity;
  }
}

ScmServerIdentity *
scm_server_cert_get (ScmAuthority       *authority,
                     const char * const *names,
                     GError            **error)
{
  ScmStore *store;
  g_autofree char *certificate_path = NULL;
  g_autofree char *key_path = NULL;
  gboolean has_certificate;
  gboolean has_key;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);

  store = scm_authority_get_store (authority);
  certificate_path = scm_store_get_setting (store, "server.tls-certificate");
  key_path = scm_store_get_setting (store, "server.tls-key");
  has_certificate = certificate_path != NULL && *certificate_path != '\0';
  has_key = key_path != NULL && *key_path != '\0';

  if (has_certificate != has_key)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Only %s is set; set both server.tls-certificate and server.tls-key, "
                   "or neither to use a certificate from the ScmEnroll CA."),
                   has_certificate ? "server.tls-certificate" : "server.tls-key");
      return NULL;
    }
  if (has_certificate)
    return scm_server_cert_load_files (certificate_path, key_path, now, error);
  return scm_server_cert_ensure (authority, names, now, error);
}
