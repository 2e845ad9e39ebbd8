/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <openssl/crypto.h>
#include <openssl/x509v3.h>

#include "scm-authority.h"
#include "scm-error.h"
#include "scm-key.h"
#include "scm-openssl-private.h"
#include "scm-pkcs12.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

#define ORGANIZATION "Acme Corporation"
#define DOMAIN "example.org"
#define P12_PASSWORD "Correct Horse 42 Battery"
/* Typed CA passphrases that the strength check accepts. */
#define STRONG_PASSPHRASE "Violet-Harbor-Quilt-4826-Zephyr"
#define OTHER_STRONG_PASSPHRASE "Copper-Lantern-Meadow-7391-Orbit"
#define DAY 86400

/* A data directory with an organization, a validated domain and a CA
 * (embedded passphrase), prepared once: generating a CA and encrypting its
 * keys takes seconds. Each test works on its own copy. */
static char *template_dir;

/* Every allocation OpenSSL makes in this process. A refused issuance must
 * not reach OpenSSL at all: no key generated, no serial drawn, nothing
 * signed. */
static gint openssl_allocations;

static void *
count_malloc (size_t      size,
              const char *file,
              int         line)
{
  g_atomic_int_inc (&openssl_allocations);
  return malloc (size);
}

static void *
count_realloc (void       *memory,
               size_t      size,
               const char *file,
               int         line)
{
  g_atomic_int_inc (&openssl_allocations);
  return realloc (memory, size);
}

static void
count_free (void       *memory,
            const char *file,
            int         line)
{
  free (memory);
}

typedef struct
{
  char *dir;
  ScmStore *store;
  ScmAuthority *authority;
  ScmOrganization *organization;
  ScmDomain *domain;
  ScmProfile *client;     /* the three built-in profiles */
  ScmProfile *smime;
  ScmProfile *both;
} Fixture;

/* Helpers ------------------------------------------------------------------------ */

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static void
copy_dir (const char *from,
          const char *to)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  dir = g_dir_open (from, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(GFile) source = g_file_new_build_filename (from, name, NULL);
      g_autoptr(GFile) destination = g_file_new_build_filename (to, name, NULL);

      g_file_copy (source, destination, G_FILE_COPY_ALL_METADATA, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
}

static ScmAuthority *
open_authority (ScmStore   *store,
                const char *passphrase)
{
  g_autoptr(GError) error = NULL;
  ScmAuthority *authority = scm_authority_open (store, passphrase, &error);

  g_assert_no_error (error);
  g_assert_nonnull (authority);
  return authority;
}

static ScmStore *
open_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  ScmStore *store = scm_store_open (dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
prepare_template (void)
{
  g_autoptr(ScmStore) store = NULL;
  g_autoptr(ScmAuthority) authority = NULL;
  g_autoptr(ScmOrganization) organization = scm_organization_new ();
  g_autoptr(ScmDomain) domain = scm_domain_new ();
  g_autoptr(GError) error = NULL;

  if (template_dir != NULL)
    return;

  template_dir = scm_test_make_tmp_dir ("scm-authority-template-XXXXXX");
  store = open_store (template_dir);

  scm_organization_set_name (organization, ORGANIZATION);
  scm_store_create_organization (store, organization, &error);
  g_assert_no_error (error);

  scm_domain_set_name (domain, DOMAIN);
  scm_domain_set_organization_id (domain, scm_organization_get_id (organization));
  scm_store_create_domain (store, domain, &error);
  g_assert_no_error (error);
  scm_store_set_domain_validated (store, domain, TRUE, &error);
  g_assert_no_error (error);

  authority = open_authority (store, NULL);
  /* Close everything so the copies start from a checkpointed database. */
  g_assert_finalize_object (g_steal_pointer (&authority));
  g_assert_finalize_object (g_steal_pointer (&store));
}

static ScmProfile *
find_profile (ScmStore   *store,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  ScmProfile *profile = scm_store_find_profile_by_name (store, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (profile);
  return profile;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  prepare_template ();
  f->dir = scm_test_make_tmp_dir ("scm-authority-XXXXXX");
  copy_dir (template_dir, f->dir);

  f->store = open_store (f->dir);
  f->organization = scm_store_find_organization_by_name (f->store, ORGANIZATION, &error);
  g_assert_no_error (error);
  f->domain = scm_store_find_domain (f->store, DOMAIN, scm_organization_get_id (f->organization),
                                     0, &error);
  g_assert_no_error (error);
  f->client = find_profile (f->store, "Client Authentication");
  f->smime = find_profile (f->store, "S/MIME Mailbox (Strict)");
  f->both = find_profile (f->store, "S/MIME + Client (Multipurpose)");
  f->authority = open_authority (f->store, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->organization);
  g_clear_object (&f->domain);
  g_clear_object (&f->client);
  g_clear_object (&f->smime);
  g_clear_object (&f->both);
  if (f->authority != NULL)
    g_assert_finalize_object (f->authority);
  if (f->store != NULL)
    g_assert_finalize_object (f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Closes and reopens the store and the authority (@passphrase NULL: the
 * embedded one), as the next start of the program would. */
static void
reopen (Fixture    *f,
        const char *passphrase)
{
  g_assert_finalize_object (g_steal_pointer (&f->authority));
  g_assert_finalize_object (g_steal_pointer (&f->store));
  f->store = open_store (f->dir);
  f->authority = open_authority (f->store, passphrase);
}

static ScmPerson *
add_person (Fixture           *f,
            const char        *email,
            ScmValidationType  validation,
            gboolean           sponsor_validated)
{
  g_autoptr(ScmPerson) person = scm_person_new ();
  g_autoptr(GError) error = NULL;

  scm_person_set_organization_id (person, scm_organization_get_id (f->organization));
  scm_person_set_first_name (person, "Jane");
  scm_person_set_last_name (person, "Doe");
  scm_person_set_email (person, email);
  scm_person_set_validation_type (person, validation);
  scm_store_create_person (f->store, person, &error);
  g_assert_no_error (error);
  if (sponsor_validated)
    {
      scm_store_set_person_sponsor_validated (f->store, person, TRUE, &error);
      g_assert_no_error (error);
    }
  /* As the store has it now. */
  return scm_store_get_person (f->store, scm_person_get_id (person), &error);
}

static ScmProfile *
add_profile (Fixture     *f,
             const char  *name,
             ScmPurpose   purpose,
             ScmCnSource  cn_source,
             ScmKeyType   key_type,
             guint        term)
{
  g_autoptr(ScmProfile) profile = scm_profile_new ();
  g_autoptr(GError) error = NULL;

  scm_profile_set_name (profile, name);
  scm_profile_set_purpose (profile, purpose);
  scm_profile_set_cn_source (profile, cn_source);
  scm_profile_add_key_type (profile, key_type);
  scm_profile_add_term (profile, term);
  scm_store_create_profile (f->store, profile, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&profile);
}

static ScmIssueRequest
server_key_request (ScmPerson  *person,
                    ScmProfile *profile,
                    ScmKeyType  key_type)
{
  ScmIssueRequest request = { 0 };

  request.person = person;
  request.profile = profile;
  request.key_type = key_type;
  request.pkcs12_password = P12_PASSWORD;
  request.protection = SCM_PKCS12_AES256_SHA256;
  request.requested_via = SCM_REQUESTED_VIA_ADMIN;
  return request;
}

static ScmIssueResult *
issue (Fixture    *f,
       ScmPerson  *person,
       ScmProfile *profile,
       ScmKeyType  key_type)
{
  ScmIssueRequest request = server_key_request (person, profile, key_type);
  g_autoptr(GError) error = NULL;
  ScmIssueResult *result = scm_authority_issue (f->authority, &request, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static guint
count_certificates (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certificates = scm_store_list_certificates (f->store, 0, &error);

  g_assert_no_error (error);
  return certificates->len;
}

static X509 *
parse_certificate (GBytes *der)
{
  gsize len;
  const guchar *data = g_bytes_get_data (der, &len);
  X509 *certificate = d2i_X509 (NULL, &data, (long) len);

  g_assert_nonnull (certificate);
  return certificate;
}

static X509_CRL *
parse_crl (GBytes *der)
{
  gsize len;
  const guchar *data = g_bytes_get_data (der, &len);
  X509_CRL *crl = d2i_X509_CRL (NULL, &data, (long) len);

  g_assert_nonnull (crl);
  return crl;
}

/* The single value of attribute @nid in the subject, or NULL. */
static char *
subject_entry (X509 *certificate,
               int   nid)
{
  X509_NAME *name = X509_get_subject_name (certificate);
  int index = X509_NAME_get_index_by_NID (name, nid, -1);
  ASN1_STRING *value;

  if (index < 0)
    return NULL;
  g_assert_cmpint (X509_NAME_get_index_by_NID (name, nid, index), <, 0);
  value = X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, index));
  return g_strndup ((const char *) ASN1_STRING_get0_data (value), ASN1_STRING_length (value));
}

static GBytes *
certificate_public_key (X509 *certificate)
{
  guchar *der = NULL;
  int len = i2d_X509_PUBKEY (X509_get_X509_PUBKEY (certificate), &der);
  GBytes *bytes;

  g_assert_cmpint (len, >, 0);
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  return bytes;
}

/* The extendedKeyUsage as ScmPurpose flags; anything else fails. */
static ScmPurpose
certificate_purpose (X509 *certificate)
{
  EXTENDED_KEY_USAGE *usage = X509_get_ext_d2i (certificate, NID_ext_key_usage, NULL, NULL);
  ScmPurpose purpose = 0;

  g_assert_nonnull (usage);
  for (int i = 0; i < sk_ASN1_OBJECT_num (usage); i++)
    {
      int nid = OBJ_obj2nid (sk_ASN1_OBJECT_value (usage, i));

      if (nid == NID_client_auth)
        purpose |= SCM_PURPOSE_CLIENT_AUTH;
      else if (nid == NID_email_protect)
        purpose |= SCM_PURPOSE_SMIME;
      else
        g_error ("unexpected extended key usage %s", OBJ_nid2sn (nid));
    }
  sk_ASN1_OBJECT_pop_free (usage, ASN1_OBJECT_free);
  return purpose;
}

static gboolean
chain_contains (GPtrArray *chain,
                GBytes    *der)
{
  for (guint i = 0; chain != NULL && i < chain->len; i++)
    if (g_bytes_equal (g_ptr_array_index (chain, i), der))
      return TRUE;
  return FALSE;
}

/* What every issuance must leave: the stored row matching the DER, the
 * audit event, an intact audit chain. Returns the certificate's info. */
static ScmCertificateInfo *
check_stored (Fixture        *f,
              ScmIssueResult *result,
              ScmPerson      *person,
              ScmProfile     *profile,
              ScmKeyType      key_type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmCertificateInfo) info = scm_x509_describe (result->certificate_der, &error);
  g_autoptr(ScmCertificate) row = NULL;
  g_autoptr(GPtrArray) events = NULL;
  ScmAuditFilter filter = { 0 };

  g_assert_no_error (error);
  row = scm_store_find_certificate_by_serial (f->store, info->serial_hex, &error);
  g_assert_no_error (error);
  g_assert_nonnull (row);

  g_assert_cmpint (scm_certificate_get_id (row), ==, scm_certificate_get_id (result->certificate));
  g_assert_cmpint (scm_certificate_get_status (row), ==, SCM_CERT_STATUS_ISSUED);
  g_assert_cmpstr (scm_certificate_get_serial (row), ==, info->serial_hex);
  g_assert_cmpstr (scm_certificate_get_fingerprint (row), ==, info->fingerprint);
  g_assert_cmpstr (scm_certificate_get_subject (row), ==, info->subject);
  g_assert_cmpint (scm_certificate_get_not_before (row), ==, info->not_before);
  g_assert_cmpint (scm_certificate_get_not_after (row), ==, info->not_after);
  g_assert_true (g_bytes_equal (scm_certificate_get_der (row), result->certificate_der));
  g_assert_cmpstr (scm_certificate_get_issuer (row), ==,
                   scm_ca_get_issuing_fingerprint (scm_authority_get_ca (f->authority)));
  g_assert_cmpint (scm_certificate_get_person_id (row), ==, scm_person_get_id (person));
  g_assert_cmpint (scm_certificate_get_profile_id (row), ==, scm_profile_get_id (profile));
  g_assert_cmpint (scm_certificate_get_key_type (row), ==, key_type);
  g_assert_cmpint (scm_certificate_get_requested_via (row), ==, SCM_REQUESTED_VIA_ADMIN);
  g_assert_null (scm_certificate_get_owner (row));

  /* The certificate itself: the person's mailbox, the key asked for, the
   * profile's shortest term. */
  g_assert_cmpuint (g_strv_length (info->emails), ==, 1);
  g_assert_cmpstr (info->emails[0], ==, scm_person_get_email (person));
  g_assert_true (info->key_type_allowed);
  g_assert_cmpint (info->key_type, ==, key_type);
  g_assert_false (info->is_ca);
  g_assert_cmpint (info->not_after - info->not_before, ==, 365 * DAY - 1);
  g_assert_cmpstr (info->issuer, ==, scm_ca_get_subject (scm_authority_get_ca (f->authority)));

  filter.action = "certificate.issue";
  filter.object = info->serial_hex;
  events = scm_store_list_audit_events (f->store, &filter, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (scm_audit_event_get_result (g_ptr_array_index (events, 0)), ==,
                   SCM_AUDIT_SUCCESS);

  scm_store_verify (f->store, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&info);
}

/* The PKCS#12 opens with its password and holds the certificate, the key
 * that goes with it and the CA chain. */
static void
check_pkcs12 (Fixture        *f,
              ScmIssueResult *result)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GPtrArray) ca_chain = scm_ca_get_chain (scm_authority_get_ca (f->authority));
  g_autoptr(GBytes) key_public = NULL;
  g_autoptr(GBytes) certificate_public = NULL;
  g_autoptr(X509) x509 = NULL;

  g_assert_nonnull (result->pkcs12);
  g_assert_false (scm_pkcs12_parse (result->pkcs12, "not the password", NULL, NULL, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);

  scm_pkcs12_parse (result->pkcs12, P12_PASSWORD, &key, &certificate, &chain, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (certificate, result->certificate_der));

  x509 = parse_certificate (certificate);
  key_public = scm_key_get_public (key, &error);
  g_assert_no_error (error);
  certificate_public = certificate_public_key (x509);
  g_assert_true (g_bytes_equal (key_public, certificate_public));

  g_assert_cmpuint (chain->len, ==, ca_chain->len);
  for (guint i = 0; i < ca_chain->len; i++)
    g_assert_true (chain_contains (chain, g_ptr_array_index (ca_chain, i)));

  g_assert_true (g_bytes_equal (result->chain_pem,
                                scm_ca_get_chain_pem (scm_authority_get_ca (f->authority))));
}

/* CA creation and passphrases ---------------------------------------------------- */

static void
test_passphrase (void)
{
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-authority-XXXXXX");
  g_autofree char *file = g_build_filename (dir, "ca.passphrase", NULL);
  g_autofree char *root_fingerprint = NULL;
  g_autoptr(ScmStore) store = NULL;
  g_autoptr(ScmAuthority) authority = NULL;
  g_autoptr(ScmOrganization) organization = scm_organization_new ();
  g_autoptr(GBytes) root_key = NULL;
  g_autoptr(GError) error = NULL;

  store = open_store (dir);
  scm_organization_set_name (organization, ORGANIZATION);
  scm_store_create_organization (store, organization, &error);
  g_assert_no_error (error);

  /* First start: nothing to type; the CA is made with an embedded
   * passphrase that only the owner can read. */
  g_assert_false (scm_authority_needs_passphrase (store));
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  authority = open_authority (store, NULL);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (file_mode (file), ==, 0600);
  g_assert_false (scm_authority_needs_passphrase (store));
  g_assert_true (scm_store_load_ca (store, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  /* Named after the organization. */
  g_assert_nonnull (strstr (scm_ca_get_subject (scm_authority_get_ca (authority)), ORGANIZATION));
  root_fingerprint = g_strdup (scm_ca_get_root_fingerprint (scm_authority_get_ca (authority)));
  g_assert_cmpuint (strlen (root_fingerprint), ==, 64);

  /* The next start unlocks with the file: the same CA. */
  g_assert_finalize_object (g_steal_pointer (&authority));
  g_assert_finalize_object (g_steal_pointer (&store));
  store = open_store (dir);
  authority = open_authority (store, NULL);
  g_assert_cmpstr (scm_ca_get_root_fingerprint (scm_authority_get_ca (authority)), ==,
                   root_fingerprint);

  /* A weak passphrase changes nothing. */
  g_assert_false (scm_authority_set_passphrase (authority, "password1", &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WEAK_SECRET);
  g_clear_error (&error);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  g_assert_false (scm_authority_needs_passphrase (store));

  /* A strong one replaces the file; changing it again in the same session
   * works too (the root key must follow each change). */
  scm_authority_set_passphrase (authority, OTHER_STRONG_PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_assert_true (scm_authority_needs_passphrase (store));
  scm_authority_set_passphrase (authority, STRONG_PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_true (scm_authority_needs_passphrase (store));

  g_assert_finalize_object (g_steal_pointer (&authority));
  g_assert_finalize_object (g_steal_pointer (&store));
  store = open_store (dir);
  g_assert_true (scm_authority_needs_passphrase (store));

  g_assert_null (scm_authority_open (store, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_null (scm_authority_open (store, "Not-The-Passphrase-1234-Wrong", &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_null (scm_authority_open (store, OTHER_STRONG_PASSPHRASE, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  /* Failed attempts neither recreate the file nor replace the CA. */
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));

  authority = open_authority (store, STRONG_PASSPHRASE);
  g_assert_cmpstr (scm_ca_get_root_fingerprint (scm_authority_get_ca (authority)), ==,
                   root_fingerprint);
  /* The root key was re-encrypted as well: the passphrase decrypts it. */
  root_key = scm_ca_export_root_key (scm_authority_get_ca (authority), STRONG_PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root_key);

  g_assert_finalize_object (g_steal_pointer (&authority));
  g_assert_finalize_object (g_steal_pointer (&store));
  scm_test_remove_tree (dir);
}

/* Issuance ----------------------------------------------------------------------- */

static void
test_issue_builtin (Fixture       *f,
                    gconstpointer  data)
{
  struct
  {
    ScmProfile *profile;
    ScmKeyType key_type;
    const char *email;
  } cases[] = {
    { f->client, SCM_KEY_TYPE_EC_P256, "alice@example.org" },
    { f->smime, SCM_KEY_TYPE_RSA_2048, "bob@example.org" },
    { f->both, SCM_KEY_TYPE_EC_P384, "carol@example.org" },
  };

  /* None of the built-ins takes the CN from the name. */
  g_assert_cmpint (scm_profile_get_cn_source (f->client), ==, SCM_CN_SOURCE_EMAIL);
  g_assert_cmpint (scm_profile_get_cn_source (f->smime), ==, SCM_CN_SOURCE_EMAIL);
  g_assert_cmpint (scm_profile_get_cn_source (f->both), ==, SCM_CN_SOURCE_EMAIL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ScmPerson) person = add_person (f, cases[i].email, SCM_VALIDATION_STANDARD, FALSE);
      g_autoptr(ScmIssueResult) result = issue (f, person, cases[i].profile, cases[i].key_type);
      g_autoptr(ScmCertificateInfo) info = NULL;
      g_autoptr(X509) x509 = NULL;
      g_autofree char *cn = NULL;
      g_autofree char *given_name = NULL;
      g_autofree char *organization = NULL;

      check_pkcs12 (f, result);
      info = check_stored (f, result, person, cases[i].profile, cases[i].key_type);

      /* Mailbox-validated: the subject names the mailbox only. */
      x509 = parse_certificate (result->certificate_der);
      cn = subject_entry (x509, NID_commonName);
      g_assert_cmpstr (cn, ==, cases[i].email);
      g_assert_cmpint (X509_NAME_entry_count (X509_get_subject_name (x509)), ==, 1);
      given_name = subject_entry (x509, NID_givenName);
      g_assert_null (given_name);
      organization = subject_entry (x509, NID_organizationName);
      g_assert_null (organization);

      g_assert_cmpint (certificate_purpose (x509), ==, scm_profile_get_purpose (cases[i].profile));
    }

  g_assert_cmpint (scm_profile_get_purpose (f->client), ==, SCM_PURPOSE_CLIENT_AUTH);
  g_assert_cmpint (scm_profile_get_purpose (f->smime), ==, SCM_PURPOSE_SMIME);
  g_assert_cmpint (scm_profile_get_purpose (f->both), ==,
                   SCM_PURPOSE_CLIENT_AUTH | SCM_PURPOSE_SMIME);
  g_assert_cmpuint (count_certificates (f), ==, G_N_ELEMENTS (cases));
}

static void
test_issue_high_validation (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(ScmProfile) named = add_profile (f, "Sponsor-validated S/MIME", SCM_PURPOSE_SMIME,
                                             SCM_CN_SOURCE_NAME, SCM_KEY_TYPE_EC_P256, 365);
  g_autoptr(ScmPerson) high = add_person (f, "jane.doe@example.org", SCM_VALIDATION_HIGH, TRUE);
  g_autoptr(ScmPerson) standard = add_person (f, "john@example.org", SCM_VALIDATION_STANDARD,
                                              FALSE);
  g_autoptr(ScmIssueResult) result = NULL;
  g_autoptr(ScmCertificateInfo) info = NULL;
  g_autoptr(X509) x509 = NULL;
  char *value;

  g_assert_true (scm_person_get_sponsor_validated (high));

  /* Sponsor-validated person, profile taking the name: the full subject. */
  result = issue (f, high, named, SCM_KEY_TYPE_EC_P256);
  check_pkcs12 (f, result);
  info = check_stored (f, result, high, named, SCM_KEY_TYPE_EC_P256);
  x509 = parse_certificate (result->certificate_der);
  value = subject_entry (x509, NID_commonName);
  g_assert_cmpstr (value, ==, "Jane Doe");
  g_free (value);
  value = subject_entry (x509, NID_givenName);
  g_assert_cmpstr (value, ==, "Jane");
  g_free (value);
  value = subject_entry (x509, NID_surname);
  g_assert_cmpstr (value, ==, "Doe");
  g_free (value);
  value = subject_entry (x509, NID_organizationName);
  g_assert_cmpstr (value, ==, ORGANIZATION);
  g_free (value);
  g_assert_cmpint (certificate_purpose (x509), ==, SCM_PURPOSE_SMIME);
  g_clear_pointer (&x509, X509_free);
  g_clear_pointer (&result, scm_issue_result_free);
  g_clear_pointer (&info, scm_certificate_info_free);

  /* The same person with a profile insisting on CN = email. */
  result = issue (f, high, f->both, SCM_KEY_TYPE_EC_P256);
  info = check_stored (f, result, high, f->both, SCM_KEY_TYPE_EC_P256);
  x509 = parse_certificate (result->certificate_der);
  value = subject_entry (x509, NID_commonName);
  g_assert_cmpstr (value, ==, "jane.doe@example.org");
  g_free (value);
  g_assert_null (subject_entry (x509, NID_organizationName));
  g_assert_null (subject_entry (x509, NID_givenName));
  g_clear_pointer (&x509, X509_free);
  g_clear_pointer (&result, scm_issue_result_free);
  g_clear_pointer (&info, scm_certificate_info_free);

  /* A standard person gets only the mailbox, whatever the profile says. */
  result = issue (f, standard, named, SCM_KEY_TYPE_EC_P256);
  info = check_stored (f, result, standard, named, SCM_KEY_TYPE_EC_P256);
  x509 = parse_certificate (result->certificate_der);
  value = subject_entry (x509, NID_commonName);
  g_assert_cmpstr (value, ==, "john@example.org");
  g_free (value);
  g_assert_null (subject_entry (x509, NID_organizationName));
  g_assert_null (subject_entry (x509, NID_surname));
}

static void
test_issue_csr (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ScmPerson) person = add_person (f, "dave@example.org", SCM_VALIDATION_STANDARD, FALSE);
  g_autoptr(ScmProfile) ec_only = add_profile (f, "EC only", SCM_PURPOSE_CLIENT_AUTH,
                                               SCM_CN_SOURCE_EMAIL, SCM_KEY_TYPE_EC_P256, 365);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GBytes) csr = NULL;
  g_autoptr(GBytes) rsa_key = NULL;
  g_autoptr(GBytes) rsa_csr = NULL;
  g_autoptr(GBytes) certificate_public = NULL;
  g_autoptr(ScmIssueResult) result = NULL;
  g_autoptr(ScmIssueResult) refused = NULL;
  g_autoptr(ScmCertificateInfo) info = NULL;
  g_autoptr(X509) x509 = NULL;
  ScmIssueRequest request = { 0 };

  key = scm_key_generate (SCM_KEY_TYPE_EC_P256, &error);
  g_assert_no_error (error);
  public_key = scm_key_get_public (key, &error);
  g_assert_no_error (error);
  csr = scm_csr_create (key, scm_person_get_email (person), &error);
  g_assert_no_error (error);
  rsa_key = scm_key_generate (SCM_KEY_TYPE_RSA_2048, &error);
  g_assert_no_error (error);
  rsa_csr = scm_csr_create (rsa_key, scm_person_get_email (person), &error);
  g_assert_no_error (error);

  /* The CSR's key type is refused by the profile before anything is
   * written, whatever key_type the request says. */
  request.person = person;
  request.profile = ec_only;
  request.key_type = SCM_KEY_TYPE_EC_P256;
  request.csr = rsa_csr;
  request.requested_via = SCM_REQUESTED_VIA_ADMIN;
  refused = scm_authority_issue (f->authority, &request, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_POLICY);
  g_clear_error (&error);
  g_assert_cmpuint (count_certificates (f), ==, 0);

  /* The CSR's own key is certified; no PKCS#12 (no password needed). */
  request.key_type = SCM_KEY_TYPE_RSA_4096;
  request.csr = csr;
  result = scm_authority_issue (f->authority, &request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_null (result->pkcs12);
  x509 = parse_certificate (result->certificate_der);
  certificate_public = certificate_public_key (x509);
  g_assert_true (g_bytes_equal (certificate_public, public_key));
  info = check_stored (f, result, person, ec_only, SCM_KEY_TYPE_EC_P256);
  g_assert_cmpuint (count_certificates (f), ==, 1);
}

/* Runs one refused issuance: @code, no certificate row, and OpenSSL not
 * even reached (no key generated, no serial drawn). */
static void
assert_refused (Fixture               *f,
                const ScmIssueRequest *request,
                GCancellable          *cancellable,
                GQuark                 domain,
                int                    code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmIssueResult) result = NULL;
  gint before = g_atomic_int_get (&openssl_allocations);

  result = scm_authority_issue (f->authority, request, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, domain, code);
  g_test_message ("refused as expected: %s", error->message);
  g_assert_cmpint (g_atomic_int_get (&openssl_allocations), ==, before);
  g_assert_cmpuint (count_certificates (f), ==, 0);
}

static void
test_issue_refused (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ScmPerson) unvalidated = add_person (f, "henry@example.org", SCM_VALIDATION_HIGH,
                                                 FALSE);
  g_autoptr(ScmPerson) person = add_person (f, "ivy@example.org", SCM_VALIDATION_STANDARD, FALSE);
  g_autoptr(ScmPerson) leaving = add_person (f, "kim@example.org", SCM_VALIDATION_STANDARD, FALSE);
  g_autoptr(ScmPerson) deleted = NULL;
  g_autoptr(ScmPerson) validated = add_person (f, "lea@example.org", SCM_VALIDATION_HIGH, TRUE);
  g_autoptr(ScmProfile) narrowed = add_profile (f, "Narrowed", SCM_PURPOSE_CLIENT_AUTH,
                                                SCM_CN_SOURCE_EMAIL, SCM_KEY_TYPE_RSA_2048, 365);
  g_autoptr(ScmProfile) ec_only = add_profile (f, "EC only", SCM_PURPOSE_CLIENT_AUTH,
                                               SCM_CN_SOURCE_EMAIL, SCM_KEY_TYPE_EC_P256, 365);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(ScmIssueResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ScmIssueRequest request;
  gint before;

  request = server_key_request (unvalidated, f->client, SCM_KEY_TYPE_EC_P256);
  assert_refused (f, &request, NULL, SCM_ERROR, SCM_ERROR_NOT_VALIDATED);

  request = server_key_request (person, ec_only, SCM_KEY_TYPE_RSA_2048);
  assert_refused (f, &request, NULL, SCM_ERROR, SCM_ERROR_POLICY);
  request = server_key_request (person, ec_only, SCM_KEY_TYPE_EC_P256);
  request.term_days = 730;
  assert_refused (f, &request, NULL, SCM_ERROR, SCM_ERROR_POLICY);

  request = server_key_request (person, f->client, SCM_KEY_TYPE_EC_P256);
  request.pkcs12_password = "Pässwörd mit Umlaut";
  assert_refused (f, &request, NULL, SCM_ERROR, SCM_ERROR_INVALID);
  request.pkcs12_password = NULL;
  assert_refused (f, &request, NULL, SCM_ERROR, SCM_ERROR_INVALID);

  g_cancellable_cancel (cancellable);
  request = server_key_request (person, f->client, SCM_KEY_TYPE_EC_P256);
  assert_refused (f, &request, cancellable, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Deleted: as the store has it now, and as a caller that read the person
   * before the deletion still holds it. */
  scm_store_delete_person (f->store, scm_person_get_id (leaving), &error);
  g_assert_no_error (error);
  deleted = scm_store_get_person (f->store, scm_person_get_id (leaving), &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_person_get_deleted_at (deleted), !=, 0);
  request = server_key_request (deleted, f->client, SCM_KEY_TYPE_EC_P256);
  assert_refused (f, &request, NULL, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  request = server_key_request (leaving, f->client, SCM_KEY_TYPE_EC_P256);
  assert_refused (f, &request, NULL, SCM_ERROR, SCM_ERROR_NOT_FOUND);

  /* Sponsor validation withdrawn, and the profile narrowed, after the
   * caller read them. */
  {
    g_autoptr(ScmPerson) copy = scm_store_get_person (f->store, scm_person_get_id (validated),
                                                      &error);

    g_assert_no_error (error);
    scm_store_set_person_sponsor_validated (f->store, copy, FALSE, &error);
    g_assert_no_error (error);
    g_assert_true (scm_person_get_sponsor_validated (validated));
    request = server_key_request (validated, f->client, SCM_KEY_TYPE_EC_P256);
    assert_refused (f, &request, NULL, SCM_ERROR, SCM_ERROR_NOT_VALIDATED);
  }
  {
    g_autoptr(ScmProfile) copy = scm_store_get_profile (f->store, scm_profile_get_id (narrowed),
                                                        &error);
    g_autoptr(GArray) key_types = g_array_new (FALSE, FALSE, sizeof (ScmKeyType));
    ScmKeyType ec = SCM_KEY_TYPE_EC_P256;

    g_assert_no_error (error);
    g_array_append_val (key_types, ec);
    scm_profile_set_key_types (copy, key_types);
    scm_store_update_profile (f->store, copy, &error);
    g_assert_no_error (error);
    g_assert_true (scm_profile_allows_key_type (narrowed, SCM_KEY_TYPE_RSA_2048));
    request = server_key_request (person, narrowed, SCM_KEY_TYPE_RSA_2048);
    assert_refused (f, &request, NULL, SCM_ERROR, SCM_ERROR_POLICY);
  }

  /* Delegation withdrawn after the person was registered. */
  scm_store_set_domain_validated (f->store, f->domain, FALSE, &error);
  g_assert_no_error (error);
  request = server_key_request (person, f->client, SCM_KEY_TYPE_EC_P256);
  assert_refused (f, &request, NULL, SCM_ERROR, SCM_ERROR_NOT_DELEGATED);

  /* Once the domain is validated again the same request goes through, and
   * it does reach OpenSSL: the counter above can see a key being made. */
  scm_store_set_domain_validated (f->store, f->domain, TRUE, &error);
  g_assert_no_error (error);
  before = g_atomic_int_get (&openssl_allocations);
  result = issue (f, person, f->client, SCM_KEY_TYPE_EC_P256);
  g_assert_cmpint (g_atomic_int_get (&openssl_allocations), >, before);
  g_assert_cmpuint (count_certificates (f), ==, 1);
}

/* Subject attributes hold at most 64 characters (X.520): an address or a
 * name longer than that is refused up front, not after a key was made and
 * a pending row written. */
static void
test_issue_long_names (Fixture       *f,
                       gconstpointer  data)
{
  const char *long_email = "jonathan.alexander.montgomery-smithson.research.teams@example.org";
  const char *long_organization =
    "Acme Corporation for Research, Development and Advanced Engineering";
  g_autoptr(ScmPerson) long_mailbox = add_person (f, long_email, SCM_VALIDATION_STANDARD, FALSE);
  g_autoptr(ScmPerson) high = add_person (f, "nina@example.org", SCM_VALIDATION_HIGH, TRUE);
  g_autoptr(ScmProfile) named = add_profile (f, "Named", SCM_PURPOSE_SMIME, SCM_CN_SOURCE_NAME,
                                             SCM_KEY_TYPE_EC_P256, 365);
  g_autoptr(ScmIssueResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ScmIssueRequest request;

  g_assert_cmpuint (strlen (long_email), >, 64);
  g_assert_cmpuint (strlen (long_organization), >, 64);

  request = server_key_request (long_mailbox, f->client, SCM_KEY_TYPE_EC_P256);
  assert_refused (f, &request, NULL, SCM_ERROR, SCM_ERROR_INVALID);

  scm_organization_set_name (f->organization, long_organization);
  scm_store_update_organization (f->store, f->organization, &error);
  g_assert_no_error (error);
  request = server_key_request (high, named, SCM_KEY_TYPE_EC_P256);
  assert_refused (f, &request, NULL, SCM_ERROR, SCM_ERROR_INVALID);

  /* The organization is not in a subject that takes CN from the email. */
  result = issue (f, high, f->smime, SCM_KEY_TYPE_EC_P256);
  g_assert_cmpuint (count_certificates (f), ==, 1);
}

/* Revocation and CRLs -------------------------------------------------------------- */

static gint64
crl_number (X509_CRL *crl)
{
  g_autoptr(ASN1_INTEGER) number = X509_CRL_get_ext_d2i (crl, NID_crl_number, NULL, NULL);

  g_assert_nonnull (number);
  return ASN1_INTEGER_get (number);
}

/* The reason listed for @serial_hex, -1 when the CRL does not list it and
 * 0 (unspecified) when it lists it without a reason code. */
static int
crl_reason (X509_CRL   *crl,
            const char *serial_hex)
{
  STACK_OF (X509_REVOKED) *revoked = X509_CRL_get_REVOKED (crl);

  for (int i = 0; i < sk_X509_REVOKED_num (revoked); i++)
    {
      X509_REVOKED *entry = sk_X509_REVOKED_value (revoked, i);
      g_autoptr(BIGNUM) bn = ASN1_INTEGER_to_BN (X509_REVOKED_get0_serialNumber (entry), NULL);
      char *hex = BN_bn2hex (bn);
      gboolean match = g_ascii_strcasecmp (hex, serial_hex) == 0;
      ASN1_ENUMERATED *reason;
      int code = 0;

      OPENSSL_free (hex);
      if (!match)
        continue;
      reason = X509_REVOKED_get_ext_d2i (entry, NID_crl_reason, NULL, NULL);
      if (reason != NULL)
        code = (int) ASN1_ENUMERATED_get (reason);
      ASN1_ENUMERATED_free (reason);
      return code;
    }
  return -1;
}

/* `openssl verify -crl_check` of @certificate against the CA chain and @crl. */
static int
openssl_verify_with_crl (Fixture *f,
                         GBytes  *certificate,
                         GBytes  *crl,
                         char   **out)
{
  g_autoptr(GBytes) certificate_pem = scm_x509_der_to_pem (certificate);
  g_autoptr(GBytes) crl_pem = scm_x509_crl_to_pem (crl);
  ScmCa *ca = scm_authority_get_ca (f->authority);
  g_autofree char *chain_path = scm_test_write_file (f->dir, "chain.pem", scm_ca_get_chain_pem (ca));
  g_autofree char *certificate_path = scm_test_write_file (f->dir, "cert.pem", certificate_pem);
  g_autofree char *crl_path = scm_test_write_file (f->dir, "crl.pem", crl_pem);

  return scm_test_tool (out, f->dir, "openssl", "verify", "-crl_check", "-CAfile", chain_path,
                        "-CRLfile", crl_path, certificate_path, NULL);
}

static void
test_revoke (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ScmPerson) person = add_person (f, "erin@example.org", SCM_VALIDATION_STANDARD, FALSE);
  g_autoptr(ScmIssueResult) first = issue (f, person, f->client, SCM_KEY_TYPE_EC_P256);
  g_autoptr(ScmIssueResult) second = issue (f, person, f->both, SCM_KEY_TYPE_EC_P256);
  const char *first_serial = scm_certificate_get_serial (first->certificate);
  const char *second_serial = scm_certificate_get_serial (second->certificate);
  g_autoptr(ScmCertificate) row = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(X509_CRL) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *lower = NULL;
  gint64 first_number;

  scm_authority_revoke (f->authority, first_serial, SCM_REVOCATION_KEY_COMPROMISE, &error);
  g_assert_no_error (error);

  row = scm_store_find_certificate_by_serial (f->store, first_serial, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_certificate_get_status (row), ==, SCM_CERT_STATUS_REVOKED);
  g_assert_cmpint (scm_certificate_get_revocation_reason (row), ==, SCM_REVOCATION_KEY_COMPROMISE);
  g_assert_cmpint (scm_certificate_get_revoked_at (row), >, 0);
  g_clear_object (&row);

  crl = scm_authority_get_crl (f->authority, &error);
  g_assert_no_error (error);
  parsed = parse_crl (crl);
  g_assert_cmpint (crl_reason (parsed, first_serial), ==, CRL_REASON_KEY_COMPROMISE);
  g_assert_cmpint (crl_reason (parsed, second_serial), ==, -1);
  first_number = crl_number (parsed);
  g_clear_pointer (&parsed, X509_CRL_free);

  /* Served as stored, not re-signed on every request. */
  again = scm_authority_get_crl (f->authority, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (crl, again));
  g_clear_pointer (&again, g_bytes_unref);

  if (scm_test_require_tool ("openssl", "openssl"))
    {
      g_autofree char *crl_path = NULL;

      g_assert_cmpint (openssl_verify_with_crl (f, first->certificate_der, crl, &out), !=, 0);
      g_assert_nonnull (strstr (out, "revoked"));
      g_assert_cmpint (openssl_verify_with_crl (f, second->certificate_der, crl, &out), ==, 0);

      crl_path = scm_test_write_file (f->dir, "crl.der", crl);
      g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "crl", "-inform", "DER", "-noout",
                                      "-text", "-in", crl_path, NULL), ==, 0);
      g_assert_nonnull (strstr (out, first_serial));
      g_assert_nonnull (strstr (out, "Key Compromise"));
    }

  /* The second revocation publishes a CRL with a higher number listing
   * both. The serial may be given in lower case. */
  lower = g_ascii_strdown (second_serial, -1);
  scm_authority_revoke (f->authority, lower, SCM_REVOCATION_SUPERSEDED, &error);
  g_assert_no_error (error);
  g_clear_pointer (&crl, g_bytes_unref);
  crl = scm_authority_get_crl (f->authority, &error);
  g_assert_no_error (error);
  parsed = parse_crl (crl);
  g_assert_cmpint (crl_number (parsed), >, first_number);
  g_assert_cmpint (crl_reason (parsed, first_serial), ==, CRL_REASON_KEY_COMPROMISE);
  g_assert_cmpint (crl_reason (parsed, second_serial), ==, CRL_REASON_SUPERSEDED);
  if (scm_test_require_tool ("openssl", "openssl"))
    g_assert_cmpint (openssl_verify_with_crl (f, second->certificate_der, crl, &out), !=, 0);

  /* Refusals. */
  g_assert_false (scm_authority_revoke (f->authority, "0123456789ABCDEF",
                                        SCM_REVOCATION_UNSPECIFIED, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (scm_authority_revoke (f->authority, first_serial, SCM_REVOCATION_SUPERSEDED,
                                        &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* The first reason stands. */
  row = scm_store_find_certificate_by_serial (f->store, first_serial, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_certificate_get_revocation_reason (row), ==, SCM_REVOCATION_KEY_COMPROMISE);

  scm_store_verify (f->store, &error);
  g_assert_no_error (error);
}

/* Profile limits and late CRLs --------------------------------------------------- */

static void
test_profile_limit (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ScmProfile) profile = add_profile (f, "Two at a time", SCM_PURPOSE_CLIENT_AUTH,
                                               SCM_CN_SOURCE_EMAIL, SCM_KEY_TYPE_EC_P256, 365);
  g_autoptr(ScmPerson) person = add_person (f, "limit@example.org", SCM_VALIDATION_STANDARD, FALSE);
  g_autoptr(ScmIssueResult) first = NULL;
  g_autoptr(ScmIssueResult) second = NULL;
  g_autoptr(ScmIssueResult) third = NULL;
  g_autoptr(ScmCertificate) oldest = NULL;
  g_autoptr(ScmCertificate) newest = NULL;
  g_autoptr(GBytes) crl_der = NULL;
  g_autoptr(X509_CRL) crl = NULL;
  g_autoptr(GError) error = NULL;

  scm_profile_set_max_per_person (profile, 2);
  scm_store_update_profile (f->store, profile, &error);
  g_assert_no_error (error);

  first = issue (f, person, profile, SCM_KEY_TYPE_EC_P256);
  second = issue (f, person, profile, SCM_KEY_TYPE_EC_P256);
  third = issue (f, person, profile, SCM_KEY_TYPE_EC_P256);

  /* The third replaces the first: revoked as superseded, in the CRL. */
  oldest = scm_store_find_certificate_by_serial (f->store, scm_certificate_get_serial (first->certificate), &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_certificate_get_status (oldest), ==, SCM_CERT_STATUS_REVOKED);
  g_assert_cmpint (scm_certificate_get_revocation_reason (oldest), ==, SCM_REVOCATION_SUPERSEDED);
  g_assert_cmpuint (scm_store_count_valid_certificates (f->store, scm_person_get_id (person),
                                                        scm_profile_get_id (profile),
                                                        g_get_real_time () / G_USEC_PER_SEC), ==, 2);
  newest = scm_store_find_certificate_by_serial (f->store, scm_certificate_get_serial (third->certificate), &error);
  g_assert_cmpint (scm_certificate_get_status (newest), ==, SCM_CERT_STATUS_ISSUED);

  crl_der = scm_authority_get_crl (f->authority, &error);
  g_assert_no_error (error);
  crl = parse_crl (crl_der);
  g_assert_cmpint (crl_reason (crl, scm_certificate_get_serial (first->certificate)), ==,
                   SCM_REVOCATION_SUPERSEDED);
  g_assert_cmpint (crl_reason (crl, scm_certificate_get_serial (second->certificate)), ==, -1);
}

static void
test_crl_after_unpublished_revocation (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(ScmPerson) person = add_person (f, "late@example.org", SCM_VALIDATION_STANDARD, FALSE);
  g_autoptr(ScmProfile) profile = scm_store_find_profile_by_name (f->store, "Client Authentication", NULL);
  g_autoptr(ScmIssueResult) result = issue (f, person, profile, SCM_KEY_TYPE_EC_P256);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(X509_CRL) crl_before = NULL;
  g_autoptr(X509_CRL) crl_after = NULL;
  g_autoptr(GError) error = NULL;
  const char *serial = scm_certificate_get_serial (result->certificate);

  before = scm_authority_get_crl (f->authority, &error);
  g_assert_no_error (error);

  /* Revoked by another program, or while the CRL could not be signed: the
   * next CRL anyone fetches must list it anyway. */
  scm_store_revoke_certificate (f->store, scm_certificate_get_id (result->certificate),
                                SCM_REVOCATION_KEY_COMPROMISE,
                                g_get_real_time () / G_USEC_PER_SEC + 1, &error);
  g_assert_no_error (error);

  after = scm_authority_get_crl (f->authority, &error);
  g_assert_no_error (error);
  crl_before = parse_crl (before);
  crl_after = parse_crl (after);
  g_assert_cmpint (crl_reason (crl_before, serial), ==, -1);
  g_assert_cmpint (crl_reason (crl_after, serial), ==, SCM_REVOCATION_KEY_COMPROMISE);
  g_assert_cmpint (crl_number (crl_after), >, crl_number (crl_before));
}

/* The certificate details show the chain both ways: renewed_from on the
 * new row, and the store finds the new one from the old one. */
static void
test_find_renewal (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ScmPerson) person = add_person (f, "renew@example.org", SCM_VALIDATION_STANDARD, FALSE);
  g_autoptr(ScmProfile) profile = scm_store_find_profile_by_name (f->store, "Client Authentication", NULL);
  g_autoptr(ScmIssueResult) old = issue (f, person, profile, SCM_KEY_TYPE_EC_P256);
  g_autoptr(ScmIssueResult) renewal = NULL;
  g_autoptr(ScmCertificate) found = NULL;
  g_autoptr(ScmCertificate) none = NULL;
  ScmIssueRequest request = server_key_request (person, profile, SCM_KEY_TYPE_EC_P256);
  g_autoptr(GError) error = NULL;

  none = scm_store_find_renewal_of (f->store, scm_certificate_get_id (old->certificate), &error);
  g_assert_no_error (error);
  g_assert_null (none);

  request.renews_certificate_id = scm_certificate_get_id (old->certificate);
  renewal = scm_authority_issue (f->authority, &request, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_certificate_get_renewed_from (renewal->certificate), ==,
                   scm_certificate_get_id (old->certificate));

  found = scm_store_find_renewal_of (f->store, scm_certificate_get_id (old->certificate), &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (scm_certificate_get_serial (found), ==, scm_certificate_get_serial (renewal->certificate));

  /* The newest certificate renews nothing yet. */
  g_clear_object (&none);
  none = scm_store_find_renewal_of (f->store, scm_certificate_get_id (renewal->certificate), &error);
  g_assert_no_error (error);
  g_assert_null (none);
}

static void
test_issue_many (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ScmPerson) person = add_person (f, "batch@example.org", SCM_VALIDATION_STANDARD, FALSE);
  g_autoptr(ScmPerson) high = add_person (f, "unvalidated@example.org", SCM_VALIDATION_HIGH, FALSE);
  g_autoptr(ScmProfile) profile = scm_store_find_profile_by_name (f->store, "Client Authentication", NULL);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GHashTable) serials = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  ScmIssueRequest requests[12];

  /* Bulk issuance: eleven good requests and one the policy refuses, on two
   * threads. The refusal stays with its request; the others are issued. */
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    requests[i] = server_key_request (i == 5 ? high : person, profile, SCM_KEY_TYPE_EC_P256);

  results = scm_authority_issue_many (f->authority, requests, G_N_ELEMENTS (requests), 2, NULL);
  g_assert_cmpuint (results->len, ==, G_N_ELEMENTS (requests));

  for (guint i = 0; i < results->len; i++)
    {
      ScmIssueResult *result = g_ptr_array_index (results, i);

      if (i == 5)
        {
          g_assert_error (result->error, SCM_ERROR, SCM_ERROR_NOT_VALIDATED);
          g_assert_null (result->certificate);
          g_assert_null (result->pkcs12);
          continue;
        }
      g_assert_no_error (result->error);
      g_assert_cmpint (scm_certificate_get_status (result->certificate), ==, SCM_CERT_STATUS_ISSUED);
      check_pkcs12 (f, result);
      g_assert_false (g_hash_table_contains (serials, scm_certificate_get_serial (result->certificate)));
      g_hash_table_add (serials, (gpointer) scm_certificate_get_serial (result->certificate));
    }

  g_assert_cmpuint (count_certificates (f), ==, G_N_ELEMENTS (requests) - 1);
  scm_store_verify (f->store, &error);
  g_assert_no_error (error);
}

static void
test_issue_many_cancelled (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(ScmPerson) person = add_person (f, "cancel@example.org", SCM_VALIDATION_STANDARD, FALSE);
  g_autoptr(ScmProfile) profile = scm_store_find_profile_by_name (f->store, "Client Authentication", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) results = NULL;
  ScmIssueRequest requests[3];

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    requests[i] = server_key_request (person, profile, SCM_KEY_TYPE_EC_P256);

  g_cancellable_cancel (cancellable);
  results = scm_authority_issue_many (f->authority, requests, G_N_ELEMENTS (requests), 2, cancellable);
  for (guint i = 0; i < results->len; i++)
    g_assert_error (((ScmIssueResult *) g_ptr_array_index (results, i))->error,
                    G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count_certificates (f), ==, 0);
}

typedef struct
{
  const char *dir;
  char *root_fingerprint;
} FirstStart;

static gpointer
first_start_thread (gpointer data)
{
  FirstStart *start = data;
  g_autoptr(ScmStore) store = open_store (start->dir);
  g_autoptr(ScmAuthority) authority = open_authority (store, NULL);

  start->root_fingerprint = g_strdup (scm_ca_get_root_fingerprint (scm_authority_get_ca (authority)));
  return NULL;
}

static void
test_simultaneous_first_start (void)
{
  g_autofree char *parent = scm_test_make_tmp_dir ("scm-authority-XXXXXX");
  g_autofree char *dir = g_build_filename (parent, "data", NULL);
  FirstStart starts[2] = { { dir, NULL }, { dir, NULL } };
  GThread *threads[2];
  g_autoptr(ScmStore) store = NULL;
  g_autoptr(ScmAuthority) authority = NULL;

  /* Two programs (here two connections) open a new data directory at the
   * same moment: one CA, one passphrase file, and both agree on it. */
  for (guint i = 0; i < 2; i++)
    threads[i] = g_thread_new ("first-start", first_start_thread, &starts[i]);
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);

  g_assert_cmpstr (starts[0].root_fingerprint, ==, starts[1].root_fingerprint);
  store = open_store (dir);
  authority = open_authority (store, NULL);
  g_assert_cmpstr (scm_ca_get_root_fingerprint (scm_authority_get_ca (authority)), ==,
                   starts[0].root_fingerprint);

  g_clear_object (&authority);
  g_clear_object (&store);
  g_free (starts[0].root_fingerprint);
  g_free (starts[1].root_fingerprint);
  scm_test_remove_tree (parent);
}

/* Reconciliation ----------------------------------------------------------------- */

static gint64
add_pending (Fixture    *f,
             ScmPerson  *person,
             const char *owner,
             char      **out_serial)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *serial = scm_ca_generate_serial ();
  ScmCa *ca = scm_authority_get_ca (f->authority);
  gint64 id;

  id = scm_store_add_pending_certificate (f->store, scm_ca_get_issuing_fingerprint (ca), serial,
                                          scm_person_get_id (person), 0, 0,
                                          scm_profile_get_id (f->client), SCM_KEY_TYPE_EC_P256,
                                          SCM_REQUESTED_VIA_ADMIN, owner, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  *out_serial = g_steal_pointer (&serial);
  return id;
}

static ScmCertStatus
status_of (Fixture    *f,
           const char *serial)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmCertificate) certificate = scm_store_find_certificate_by_serial (f->store, serial,
                                                                               &error);

  g_assert_no_error (error);
  return scm_certificate_get_status (certificate);
}

static void
test_reconcile (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ScmPerson) person = add_person (f, "frank@example.org", SCM_VALIDATION_STANDARD, FALSE);
  g_autofree char *own = scm_authority_process_owner ();
  g_autofree char *own_prefix = g_strdup_printf ("%s:%d:", g_get_host_name (), (int) getpid ());
  g_autofree char *dead = g_strdup_printf ("%s:999999:1", g_get_host_name ());
  g_autofree char *reused = g_strdup_printf ("%s:%d:1", g_get_host_name (), (int) getpid ());
  g_autofree char *dead_serial = NULL;
  g_autofree char *own_serial = NULL;
  g_autofree char *remote_serial = NULL;
  g_autofree char *reused_serial = NULL;
  g_autofree char *at_open_serial = NULL;
  g_autoptr(ScmCertificate) failed = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  ScmAuditFilter filter = { 0 };

  /* The precondition: no process 999999 here. */
  g_assert_true (kill (999999, 0) != 0);
  g_assert_true (g_str_has_prefix (own, own_prefix));
  g_assert_cmpuint (strlen (own), >, strlen (own_prefix));

  add_pending (f, person, dead, &dead_serial);
  add_pending (f, person, own, &own_serial);
  add_pending (f, person, "elsewhere.invalid:1:1", &remote_serial);

  g_assert_cmpuint (scm_authority_reconcile (f->store, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (status_of (f, dead_serial), ==, SCM_CERT_STATUS_FAILED);
  g_assert_cmpint (status_of (f, own_serial), ==, SCM_CERT_STATUS_PENDING);
  g_assert_cmpint (status_of (f, remote_serial), ==, SCM_CERT_STATUS_PENDING);

  failed = scm_store_find_certificate_by_serial (f->store, dead_serial, &error);
  g_assert_no_error (error);
  g_assert_nonnull (scm_certificate_get_failure_reason (failed));
  g_assert_cmpstr (scm_certificate_get_failure_reason (failed), !=, "");
  filter.action = "certificate.issue";
  filter.object = dead_serial;
  events = scm_store_list_audit_events (f->store, &filter, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (scm_audit_event_get_result (g_ptr_array_index (events, 0)), ==,
                   SCM_AUDIT_FAILURE);

  /* Nothing left to do. */
  g_assert_cmpuint (scm_authority_reconcile (f->store, &error), ==, 0);
  g_assert_no_error (error);

  /* Our pid with another start time: a process that died and whose pid
   * was reused (by us). */
  add_pending (f, person, reused, &reused_serial);
  g_assert_cmpuint (scm_authority_reconcile (f->store, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (status_of (f, reused_serial), ==, SCM_CERT_STATUS_FAILED);
  g_assert_cmpint (status_of (f, own_serial), ==, SCM_CERT_STATUS_PENDING);

  /* Opening the authority reconciles too. */
  add_pending (f, person, dead, &at_open_serial);
  reopen (f, NULL);
  g_assert_cmpint (status_of (f, at_open_serial), ==, SCM_CERT_STATUS_FAILED);
  g_assert_cmpint (status_of (f, own_serial), ==, SCM_CERT_STATUS_PENDING);
  g_assert_cmpint (status_of (f, remote_serial), ==, SCM_CERT_STATUS_PENDING);

  scm_store_verify (f->store, &error);
  g_assert_no_error (error);
}

/* Import ------------------------------------------------------------------------- */

/* An organization's PKI made with the openssl tool: an EC P-256 root, an
 * RSA-2048 intermediate (the CA to import) whose key is encrypted, and a
 * leaf that is no CA. */
typedef struct
{
  char *dir;
  char *root_cert;
  char *ca_cert;
  char *ca_key;
  char *leaf_cert;
  char *leaf_key;
} Pki;

static void
pki_init (Pki *pki)
{
  g_autofree char *root_key = NULL;
  g_autofree char *csr = NULL;
  g_autofree char *ext = NULL;
  g_autofree char *out = NULL;
  const char *extensions = "basicConstraints=critical,CA:TRUE,pathlen:0\n"
                           "keyUsage=critical,keyCertSign,cRLSign\n"
                           "subjectKeyIdentifier=hash\n"
                           "authorityKeyIdentifier=keyid\n";
  g_autoptr(GBytes) ext_text = g_bytes_new_static (extensions, strlen (extensions));

  pki->dir = scm_test_make_tmp_dir ("scm-authority-pki-XXXXXX");
  root_key = g_build_filename (pki->dir, "root.key", NULL);
  csr = g_build_filename (pki->dir, "ca.csr", NULL);
  pki->root_cert = g_build_filename (pki->dir, "root.crt", NULL);
  pki->ca_key = g_build_filename (pki->dir, "ca.key", NULL);
  pki->ca_cert = g_build_filename (pki->dir, "ca.crt", NULL);
  pki->leaf_key = g_build_filename (pki->dir, "leaf.key", NULL);
  pki->leaf_cert = g_build_filename (pki->dir, "leaf.crt", NULL);
  ext = scm_test_write_file (pki->dir, "ca.ext", ext_text);

  /* -config /dev/null keeps openssl.cnf's defaults out. */
  g_assert_cmpint (scm_test_tool (&out, pki->dir, "openssl", "req", "-x509", "-config", "/dev/null",
                                  "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                  "-keyout", root_key, "-out", pki->root_cert, "-days", "3650",
                                  "-subj", "/O=Globex/CN=Globex Root",
                                  "-addext", "basicConstraints=critical,CA:TRUE",
                                  "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL), ==, 0);
  g_assert_cmpint (scm_test_tool (&out, pki->dir, "openssl", "req", "-new", "-config", "/dev/null",
                                  "-newkey", "rsa:2048", "-keyout", pki->ca_key,
                                  "-passout", "pass:import me", "-out", csr,
                                  "-subj", "/O=Globex/CN=Globex Issuing CA", NULL), ==, 0);
  g_assert_cmpint (scm_test_tool (&out, pki->dir, "openssl", "x509", "-req", "-in", csr,
                                  "-CA", pki->root_cert, "-CAkey", root_key, "-CAcreateserial",
                                  "-days", "1825", "-extfile", ext, "-out", pki->ca_cert, NULL),
                   ==, 0);
  g_assert_cmpint (scm_test_tool (&out, pki->dir, "openssl", "req", "-x509", "-config", "/dev/null",
                                  "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                  "-keyout", pki->leaf_key, "-out", pki->leaf_cert, "-days", "365",
                                  "-subj", "/O=Globex/CN=Not a CA",
                                  "-addext", "basicConstraints=critical,CA:FALSE",
                                  "-addext", "keyUsage=critical,digitalSignature", NULL), ==, 0);
}

static void
pki_clear (Pki *pki)
{
  scm_test_remove_tree (pki->dir);
  g_free (pki->dir);
  g_free (pki->root_cert);
  g_free (pki->ca_cert);
  g_free (pki->ca_key);
  g_free (pki->leaf_cert);
  g_free (pki->leaf_key);
}

static GBytes *
concat_files (const char *first,
              ...)
{
  g_autoptr(GByteArray) all = g_byte_array_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *path = first; path != NULL; path = va_arg (ap, const char *))
    {
      g_autoptr(GBytes) bytes = scm_test_read_file (path);

      g_byte_array_append (all, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  va_end (ap);
  return g_byte_array_free_to_bytes (g_steal_pointer (&all));
}

static char *
file_fingerprint (const char *pem_path)
{
  g_autoptr(GBytes) pem = scm_test_read_file (pem_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = scm_x509_pem_to_der (g_bytes_get_data (pem, NULL),
                                               g_bytes_get_size (pem), &error);

  g_assert_no_error (error);
  return scm_x509_fingerprint (der);
}

static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ScmPerson) person = add_person (f, "grace@example.org", SCM_VALIDATION_STANDARD, FALSE);
  g_autoptr(ScmIssueResult) result = NULL;
  g_autoptr(ScmCertificateInfo) info = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GBytes) not_ca = NULL;
  g_autoptr(GBytes) old_chain_pem = NULL;
  g_autoptr(GBytes) certificate_pem = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_issuer = NULL;
  g_autofree char *old_root = NULL;
  g_autofree char *ca_fingerprint = NULL;
  g_autofree char *root_fingerprint = NULL;
  g_autofree char *old_chain_path = NULL;
  g_autofree char *certificate_path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *expected_url = NULL;
  g_autofree char *out = NULL;
  Pki pki = { 0 };

  if (!scm_test_require_tool ("openssl", "openssl"))
    return;
  pki_init (&pki);
  ca_fingerprint = file_fingerprint (pki.ca_cert);
  root_fingerprint = file_fingerprint (pki.root_cert);

  /* The imported key gets the current protection: a typed passphrase. */
  scm_authority_set_passphrase (f->authority, STRONG_PASSPHRASE, &error);
  g_assert_no_error (error);
  old_issuer = g_strdup (scm_ca_get_issuing_fingerprint (scm_authority_get_ca (f->authority)));
  old_root = g_strdup (scm_ca_get_root_fingerprint (scm_authority_get_ca (f->authority)));
  old_chain_pem = g_bytes_ref (scm_ca_get_chain_pem (scm_authority_get_ca (f->authority)));

  /* Not a CA: refused, the old CA stays, here and in the store. */
  not_ca = concat_files (pki.leaf_cert, pki.leaf_key, NULL);
  g_assert_false (scm_authority_import_ca (f->authority, not_ca, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpstr (scm_ca_get_issuing_fingerprint (scm_authority_get_ca (f->authority)), ==,
                   old_issuer);
  reopen (f, STRONG_PASSPHRASE);
  g_assert_cmpstr (scm_ca_get_issuing_fingerprint (scm_authority_get_ca (f->authority)), ==,
                   old_issuer);

  /* A wrong password for the imported key changes nothing either. */
  bundle = concat_files (pki.ca_cert, pki.ca_key, pki.root_cert, NULL);
  g_assert_false (scm_authority_import_ca (f->authority, bundle, "not it", &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  g_assert_cmpstr (scm_ca_get_issuing_fingerprint (scm_authority_get_ca (f->authority)), ==,
                   old_issuer);

  scm_authority_import_ca (f->authority, bundle, "import me", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_ca_get_issuing_fingerprint (scm_authority_get_ca (f->authority)), ==,
                   ca_fingerprint);
  g_assert_cmpstr (scm_ca_get_root_fingerprint (scm_authority_get_ca (f->authority)), ==,
                   root_fingerprint);
  /* The enrollment URL pins the new root. */
  url = scm_authority_dup_enrollment_url (f->authority, "abc");
  expected_url = g_strdup_printf ("https://%s:%d/enroll/abc#sha256=%s", g_get_host_name (),
                                  SCM_DEFAULT_PORT, root_fingerprint);
  g_assert_cmpstr (url, ==, expected_url);

  /* The next start: the typed passphrase unlocks the imported CA. */
  g_assert_finalize_object (g_steal_pointer (&f->authority));
  g_assert_null (scm_authority_open (f->store, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);
  f->authority = open_authority (f->store, STRONG_PASSPHRASE);
  reopen (f, STRONG_PASSPHRASE);
  g_assert_cmpstr (scm_ca_get_issuing_fingerprint (scm_authority_get_ca (f->authority)), ==,
                   ca_fingerprint);

  /* Its certificates chain to the organization's root, not to ours. */
  result = issue (f, person, f->client, SCM_KEY_TYPE_EC_P256);
  check_pkcs12 (f, result);
  info = check_stored (f, result, person, f->client, SCM_KEY_TYPE_EC_P256);
  certificate_pem = scm_x509_der_to_pem (result->certificate_der);
  certificate_path = scm_test_write_file (f->dir, "issued.pem", certificate_pem);
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "verify", "-CAfile", pki.root_cert,
                                  "-untrusted", pki.ca_cert, certificate_path, NULL), ==, 0);
  old_chain_path = scm_test_write_file (f->dir, "old-chain.pem", old_chain_pem);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (scm_test_tool (&out, f->dir, "openssl", "verify", "-CAfile", old_chain_path,
                                  certificate_path, NULL), !=, 0);
  /* Refused for the right reason, not because a file was unreadable. */
  g_assert_nonnull (strstr (out, "unable to get local issuer certificate"));
  g_assert_cmpstr (old_root, !=, root_fingerprint);

  pki_clear (&pki);
}

/* Enrollment URL ----------------------------------------------------------------- */

static void
test_enrollment_url (Fixture       *f,
                     gconstpointer  data)
{
  const char *root = scm_ca_get_root_fingerprint (scm_authority_get_ca (f->authority));
  g_autofree char *url = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (strlen (root), ==, 64);
  g_assert_null (scm_authority_dup_base_url (f->authority));
  url = scm_authority_dup_enrollment_url (f->authority, "0123abcd");
  expected = g_strdup_printf ("https://%s:8443/enroll/0123abcd#sha256=%s", g_get_host_name (),
                              root);
  g_assert_cmpstr (url, ==, expected);
  g_clear_pointer (&url, g_free);
  g_clear_pointer (&expected, g_free);

  scm_store_set_setting (f->store, "server.public-url", "https://enroll.example.org/", &error);
  g_assert_no_error (error);
  base = scm_authority_dup_base_url (f->authority);
  g_assert_cmpstr (base, ==, "https://enroll.example.org");
  url = scm_authority_dup_enrollment_url (f->authority, "0123abcd");
  expected = g_strdup_printf ("https://enroll.example.org/enroll/0123abcd#sha256=%s", root);
  g_assert_cmpstr (url, ==, expected);
  g_clear_pointer (&url, g_free);
  g_clear_pointer (&expected, g_free);

  /* Removing the setting goes back to the default. */
  scm_store_set_setting (f->store, "server.public-url", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (scm_authority_dup_base_url (f->authority));
  url = scm_authority_dup_enrollment_url (f->authority, "x");
  expected = g_strdup_printf ("https://%s:8443/enroll/x#sha256=%s", g_get_host_name (), root);
  g_assert_cmpstr (url, ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Before anything allocates through OpenSSL. */
  if (!CRYPTO_set_mem_functions (count_malloc, count_realloc, count_free))
    g_error ("OpenSSL allocated memory before main(); cannot count its allocations");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/authority/passphrase", test_passphrase);
  g_test_add ("/authority/issue/builtin", Fixture, NULL,
              fixture_set_up, test_issue_builtin, fixture_tear_down);
  g_test_add ("/authority/issue/high-validation", Fixture, NULL,
              fixture_set_up, test_issue_high_validation, fixture_tear_down);
  g_test_add ("/authority/issue/csr", Fixture, NULL,
              fixture_set_up, test_issue_csr, fixture_tear_down);
  g_test_add ("/authority/issue/refused", Fixture, NULL,
              fixture_set_up, test_issue_refused, fixture_tear_down);
  g_test_add ("/authority/issue/long-names", Fixture, NULL,
              fixture_set_up, test_issue_long_names, fixture_tear_down);
  g_test_add ("/authority/revoke", Fixture, NULL,
              fixture_set_up, test_revoke, fixture_tear_down);
  g_test_add ("/authority/reconcile", Fixture, NULL,
              fixture_set_up, test_reconcile, fixture_tear_down);
  g_test_add ("/authority/import", Fixture, NULL,
              fixture_set_up, test_import, fixture_tear_down);
  g_test_add ("/authority/profile-limit", Fixture, NULL,
              fixture_set_up, test_profile_limit, fixture_tear_down);
  g_test_add ("/authority/crl-after-unpublished-revocation", Fixture, NULL,
              fixture_set_up, test_crl_after_unpublished_revocation, fixture_tear_down);
  g_test_add_func ("/authority/simultaneous-first-start", test_simultaneous_first_start);
  g_test_add ("/authority/find-renewal", Fixture, NULL,
              fixture_set_up, test_find_renewal, fixture_tear_down);
  g_test_add ("/authority/issue-many", Fixture, NULL,
              fixture_set_up, test_issue_many, fixture_tear_down);
  g_test_add ("/authority/issue-many-cancelled", Fixture, NULL,
              fixture_set_up, test_issue_many_cancelled, fixture_tear_down);
  g_test_add ("/authority/enrollment-url", Fixture, NULL,
              fixture_set_up, test_enrollment_url, fixture_tear_down);

  status = g_test_run ();

  scm_test_remove_tree (template_dir);
  g_free (template_dir);
  return status;
}
