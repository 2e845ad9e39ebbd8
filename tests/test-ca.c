/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "scm-ca.h"
#include "scm-error.h"
#include "scm-key.h"
#include "scm-openssl-private.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

#define N_KEY_TYPES 5
#define DAY 86400

/* Shared across cases: generating CAs and RSA-4096 keys is slow. */
static ScmCa *shared_ca;
static GBytes *subscriber_keys[N_KEY_TYPES];
static char *home_dir;

static ScmCa *
get_ca (void)
{
  if (shared_ca == NULL)
    {
      g_autoptr(GError) error = NULL;

      shared_ca = scm_ca_new_generated ("Example Org", &error);
      g_assert_no_error (error);
      g_assert_nonnull (shared_ca);
    }
  return shared_ca;
}

static GBytes *
get_public_key (ScmKeyType type)
{
  g_autoptr(GError) error = NULL;
  GBytes *spki;

  if (subscriber_keys[type] == NULL)
    {
      subscriber_keys[type] = scm_key_generate (type, &error);
      g_assert_no_error (error);
    }
  spki = scm_key_get_public (subscriber_keys[type], &error);
  g_assert_no_error (error);
  return spki;
}

static X509 *
parse_cert (GBytes *der)
{
  gsize len;
  const guchar *data = g_bytes_get_data (der, &len);
  const guchar *p = data;
  X509 *cert = d2i_X509 (NULL, &p, (long) len);

  g_assert_nonnull (cert);
  g_assert_true (p == data + len);
  return cert;
}

static gboolean
extension_is_critical (X509 *cert,
                       int   nid)
{
  int index = X509_get_ext_by_NID (cert, nid, -1);

  g_assert_cmpint (index, >=, 0);
  return X509_EXTENSION_get_critical (X509_get_ext (cert, index));
}

static char *
name_entry (X509_NAME *name,
            int        nid,
            int       *out_type)
{
  int index = X509_NAME_get_index_by_NID (name, nid, -1);
  ASN1_STRING *value;

  if (index < 0)
    return NULL;
  g_assert_cmpint (X509_NAME_get_index_by_NID (name, nid, index), <, 0);
  value = X509_NAME_ENTRY_get_data (X509_NAME_get_entry (name, index));
  if (out_type != NULL)
    *out_type = ASN1_STRING_type (value);
  return g_strndup ((const char *) ASN1_STRING_get0_data (value), ASN1_STRING_length (value));
}

static char *
first_uri_of (GENERAL_NAMES *names)
{
  for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num (names); i++)
    {
      GENERAL_NAME *name = sk_GENERAL_NAME_value (names, i);

      if (name->type == GEN_URI)
        return g_strndup ((const char *) ASN1_STRING_get0_data (name->d.uniformResourceIdentifier),
                          ASN1_STRING_length (name->d.uniformResourceIdentifier));
    }
  return NULL;
}

static char *
get_crl_url (X509 *cert)
{
  CRL_DIST_POINTS *points = X509_get_ext_d2i (cert, NID_crl_distribution_points, NULL, NULL);
  char *url = NULL;

  if (points == NULL)
    return NULL;
  g_assert_cmpint (sk_DIST_POINT_num (points), ==, 1);
  url = first_uri_of (sk_DIST_POINT_value (points, 0)->distpoint->name.fullname);
  sk_DIST_POINT_pop_free (points, DIST_POINT_free);
  return url;
}

static char *
get_ca_issuers_url (X509 *cert)
{
  AUTHORITY_INFO_ACCESS *access = X509_get_ext_d2i (cert, NID_info_access, NULL, NULL);
  char *url = NULL;

  if (access == NULL)
    return NULL;
  g_assert_cmpint (sk_ACCESS_DESCRIPTION_num (access), ==, 1);
  {
    ACCESS_DESCRIPTION *description = sk_ACCESS_DESCRIPTION_value (access, 0);
    g_autoptr(GENERAL_NAMES) names = GENERAL_NAMES_new ();

    g_assert_cmpint (OBJ_obj2nid (description->method), ==, NID_ad_ca_issuers);
    sk_GENERAL_NAME_push (names, GENERAL_NAME_dup (description->location));
    url = first_uri_of (names);
  }
  sk_ACCESS_DESCRIPTION_pop_free (access, ACCESS_DESCRIPTION_free);
  return url;
}

static char *
get_policy (X509 *cert)
{
  CERTIFICATEPOLICIES *policies = X509_get_ext_d2i (cert, NID_certificate_policies, NULL, NULL);
  char text[128];

  if (policies == NULL)
    return NULL;
  g_assert_cmpint (sk_POLICYINFO_num (policies), ==, 1);
  OBJ_obj2txt (text, sizeof text, sk_POLICYINFO_value (policies, 0)->policyid, 1);
  sk_POLICYINFO_pop_free (policies, POLICYINFO_free);
  return g_strdup (text);
}

static gint64
asn1_time_to_unix (const ASN1_TIME *time)
{
  struct tm tm = { 0 };
  g_autoptr(GDateTime) dt = NULL;

  g_assert_true (ASN1_TIME_to_tm (time, &tm));
  dt = g_date_time_new_utc (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                            tm.tm_hour, tm.tm_min, tm.tm_sec);
  return g_date_time_to_unix (dt);
}

static void
assert_serial_ok (X509 *cert)
{
  g_autoptr(BIGNUM) serial = ASN1_INTEGER_to_BN (X509_get0_serialNumber (cert), NULL);

  /* Positive and at most 20 octets (RFC 5280 4.1.2.2), ≥ 64 random bits. */
  g_assert_false (BN_is_negative (serial));
  g_assert_false (BN_is_zero (serial));
  g_assert_cmpint (BN_num_bytes (serial), <=, 20);
  g_assert_cmpint (BN_num_bits (serial), >, 64);
}

/* Everything RFC 5280 and the design ask of a subscriber certificate. */
static void
check_subscriber (GBytes                       *der,
                  const ScmCertificateTemplate *tmpl,
                  ScmKeyType                    key_type)
{
  g_autoptr(X509) cert = parse_cert (der);
  GBytes *issuing_der = scm_ca_get_issuing_certificate (get_ca ());
  g_autoptr(X509) issuing = parse_cert (issuing_der);
  g_autoptr(EVP_PKEY) expected_key = NULL;
  g_autoptr(GENERAL_NAMES) names = NULL;
  g_autofree char *serial_hex = NULL;
  g_autofree char *crl_url = NULL;
  g_autofree char *ca_url = NULL;
  g_autofree char *policy = NULL;
  g_autofree char *cn = NULL;
  g_autofree char *email_attr = NULL;
  gboolean is_ec = key_type == SCM_KEY_TYPE_EC_P256 || key_type == SCM_KEY_TYPE_EC_P384;
  const ASN1_OCTET_STRING *aki;
  const ASN1_OCTET_STRING *ski;
  uint32_t eku;
  int type = -1;

  g_assert_cmpint (X509_get_version (cert), ==, X509_VERSION_3);
  g_assert_cmpint (X509_get_signature_nid (cert), ==, NID_ecdsa_with_SHA384);
  g_assert_true (X509_verify (cert, X509_get0_pubkey (issuing)) > 0);
  g_assert_cmpint (X509_NAME_cmp (X509_get_issuer_name (cert), X509_get_subject_name (issuing)), ==, 0);

  /* Serial: the caller's, positive, ≤ 20 octets. */
  assert_serial_ok (cert);
  {
    g_autoptr(BIGNUM) bn = ASN1_INTEGER_to_BN (X509_get0_serialNumber (cert), NULL);
    char *hex = BN_bn2hex (bn);

    serial_hex = g_strdup (hex);
    OPENSSL_free (hex);
  }
  g_assert_cmpstr (serial_hex, ==, tmpl->serial_hex);

  /* The subscriber's key. */
  {
    gsize len;
    const guchar *p = g_bytes_get_data (tmpl->public_key, &len);

    expected_key = d2i_PUBKEY (NULL, &p, (long) len);
    g_assert_true (EVP_PKEY_eq (X509_get0_pubkey (cert), expected_key) == 1);
  }

  /* basicConstraints CA:FALSE, critical. */
  X509_check_purpose (cert, -1, 0);
  g_assert_true (X509_get_extension_flags (cert) & EXFLAG_BCONS);
  g_assert_false (X509_get_extension_flags (cert) & EXFLAG_CA);
  g_assert_true (extension_is_critical (cert, NID_basic_constraints));

  /* keyUsage by key type, critical, nothing else. */
  g_assert_true (extension_is_critical (cert, NID_key_usage));
  g_assert_cmpuint (X509_get_key_usage (cert), ==,
                    is_ec ? (KU_DIGITAL_SIGNATURE | KU_KEY_AGREEMENT)
                          : (KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));

  /* extendedKeyUsage: exactly the purpose; never serverAuth or any. */
  g_assert_false (extension_is_critical (cert, NID_ext_key_usage));
  eku = X509_get_extended_key_usage (cert);
  g_assert_cmpuint (eku & XKU_SSL_CLIENT, ==, (tmpl->purpose & SCM_PURPOSE_CLIENT_AUTH) ? XKU_SSL_CLIENT : 0);
  g_assert_cmpuint (eku & XKU_SMIME, ==, (tmpl->purpose & SCM_PURPOSE_SMIME) ? XKU_SMIME : 0);
  g_assert_cmpuint (eku & ~(XKU_SSL_CLIENT | XKU_SMIME), ==, 0);
  {
    EXTENDED_KEY_USAGE *usage = X509_get_ext_d2i (cert, NID_ext_key_usage, NULL, NULL);
    int expected = ((tmpl->purpose & SCM_PURPOSE_CLIENT_AUTH) ? 1 : 0)
                   + ((tmpl->purpose & SCM_PURPOSE_SMIME) ? 1 : 0);

    g_assert_cmpint (sk_ASN1_OBJECT_num (usage), ==, expected);
    sk_ASN1_OBJECT_pop_free (usage, ASN1_OBJECT_free);
  }

  /* subjectAltName: the email, lower-case, not critical (the subject is
   * not empty). */
  g_assert_false (extension_is_critical (cert, NID_subject_alt_name));
  names = X509_get_ext_d2i (cert, NID_subject_alt_name, NULL, NULL);
  g_assert_cmpint (sk_GENERAL_NAME_num (names), ==, 1);
  {
    GENERAL_NAME *name = sk_GENERAL_NAME_value (names, 0);
    g_autofree char *lower = g_ascii_strdown (tmpl->email, -1);

    g_assert_cmpint (name->type, ==, GEN_EMAIL);
    g_assert_cmpint (ASN1_STRING_type (name->d.rfc822Name), ==, V_ASN1_IA5STRING);
    g_assert_cmpmem (ASN1_STRING_get0_data (name->d.rfc822Name),
                     ASN1_STRING_length (name->d.rfc822Name), lower, strlen (lower));
  }

  /* AKI = issuing CA's SKI; SKI present. */
  aki = X509_get0_authority_key_id (cert);
  ski = X509_get0_subject_key_id (issuing);
  g_assert_nonnull (aki);
  g_assert_nonnull (ski);
  g_assert_cmpint (ASN1_OCTET_STRING_cmp (aki, ski), ==, 0);
  g_assert_nonnull (X509_get0_subject_key_id (cert));
  g_assert_false (extension_is_critical (cert, NID_authority_key_identifier));
  g_assert_false (extension_is_critical (cert, NID_subject_key_identifier));

  /* CDP and AIA on the enrollment server. */
  crl_url = get_crl_url (cert);
  ca_url = get_ca_issuers_url (cert);
  if (tmpl->base_url != NULL)
    {
      g_autofree char *base = g_strdup (tmpl->base_url);
      g_autofree char *want_crl = NULL;
      g_autofree char *want_ca = NULL;

      if (g_str_has_suffix (base, "/"))
        base[strlen (base) - 1] = '\0';
      want_crl = g_strconcat (base, "/crl", NULL);
      want_ca = g_strconcat (base, "/ca.crt", NULL);
      g_assert_cmpstr (crl_url, ==, want_crl);
      g_assert_cmpstr (ca_url, ==, want_ca);
    }
  else
    {
      g_assert_null (crl_url);
      g_assert_null (ca_url);
    }

  policy = get_policy (cert);
  g_assert_cmpstr (policy, ==, tmpl->policy_oid);

  /* Validity is exactly the term. */
  {
    gint64 not_before = asn1_time_to_unix (X509_get0_notBefore (cert));
    gint64 not_after = asn1_time_to_unix (X509_get0_notAfter (cert));

    if (tmpl->not_before != NULL)
      g_assert_cmpint (not_before, ==, g_date_time_to_unix (tmpl->not_before));
    g_assert_cmpint (not_after - not_before + 1, ==, (gint64) tmpl->term_days * DAY);
  }

  /* Subject: UTF8String attributes, CN always; high validation adds GN, SN, O. */
  cn = name_entry (X509_get_subject_name (cert), NID_commonName, &type);
  g_assert_cmpstr (cn, ==, tmpl->common_name);
  g_assert_cmpint (type, ==, V_ASN1_UTF8STRING);
  if (tmpl->given_name != NULL)
    {
      g_autofree char *gn = name_entry (X509_get_subject_name (cert), NID_givenName, &type);
      g_autofree char *sn = name_entry (X509_get_subject_name (cert), NID_surname, NULL);
      g_autofree char *o = name_entry (X509_get_subject_name (cert), NID_organizationName, NULL);

      g_assert_cmpstr (gn, ==, tmpl->given_name);
      g_assert_cmpint (type, ==, V_ASN1_UTF8STRING);
      g_assert_cmpstr (sn, ==, tmpl->surname);
      g_assert_cmpstr (o, ==, tmpl->organization);
      g_assert_cmpint (X509_NAME_entry_count (X509_get_subject_name (cert)), ==,
                       tmpl->email_in_subject ? 5 : 4);
    }
  else
    g_assert_cmpint (X509_NAME_entry_count (X509_get_subject_name (cert)), ==,
                     tmpl->email_in_subject ? 2 : 1);
  email_attr = name_entry (X509_get_subject_name (cert), NID_pkcs9_emailAddress, &type);
  if (tmpl->email_in_subject)
    {
      g_assert_nonnull (email_attr);
      g_assert_cmpint (type, ==, V_ASN1_IA5STRING);
    }
  else
    g_assert_null (email_attr);
}

typedef struct
{
  char *dir;
  char *root;
  char *issuing;
  char *nss;
  char *nss_db;
} Tools;

static void
tools_init (Tools *tools)
{
  GBytes *root = scm_ca_get_root_certificate (get_ca ());
  GBytes *issuing = scm_ca_get_issuing_certificate (get_ca ());
  g_autoptr(GBytes) root_pem = scm_x509_der_to_pem (root);
  g_autoptr(GBytes) issuing_pem = scm_x509_der_to_pem (issuing);
  g_autofree char *out = NULL;

  tools->dir = scm_test_make_tmp_dir ("scm-ca-XXXXXX");
  tools->root = scm_test_write_file (tools->dir, "root.pem", root_pem);
  tools->issuing = scm_test_write_file (tools->dir, "issuing.pem", issuing_pem);
  tools->nss = g_build_filename (tools->dir, "nss", NULL);
  tools->nss_db = g_strconcat ("sql:", tools->nss, NULL);

  /* NSS trusts the root as a CA for everything and knows the issuing CA. */
  g_assert_cmpint (g_mkdir (tools->nss, 0700), ==, 0);
  g_assert_cmpint (scm_test_tool (&out, home_dir, "certutil", "-N", "--empty-password",
                                  "-d", tools->nss_db, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (scm_test_tool (&out, home_dir, "certutil", "-A", "-n", "root", "-t", "CT,C,C",
                                  "-i", tools->root, "-d", tools->nss_db, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (scm_test_tool (&out, home_dir, "certutil", "-A", "-n", "issuing", "-t", ",,",
                                  "-i", tools->issuing, "-d", tools->nss_db, NULL), ==, 0);
}

static void
tools_clear (Tools *tools)
{
  scm_test_remove_tree (tools->dir);
  g_free (tools->dir);
  g_free (tools->root);
  g_free (tools->issuing);
  g_free (tools->nss);
  g_free (tools->nss_db);
}

static gboolean
have_tools (void)
{
  return scm_test_require_tool ("openssl", "openssl")
         && scm_test_require_tool ("certutil", "libnss3-tools")
         && scm_test_require_tool ("certtool", "gnutls-bin");
}

/* A refusal must be about the usage, not a missing issuer or the like. */
static void
check_nss_usage (Tools      *tools,
                 const char *nickname,
                 const char *usage,
                 gboolean    valid)
{
  g_autofree char *out = NULL;
  int status;

  status = scm_test_tool (&out, home_dir, "certutil", "-V", "-n", nickname, "-u", usage,
                          "-d", tools->nss_db, NULL);
  if (valid)
    {
      g_assert_cmpint (status, ==, 0);
      g_assert_nonnull (strstr (out, "certificate is valid"));
    }
  else
    {
      g_assert_cmpint (status, !=, 0);
      g_assert_nonnull (strstr (out, "Certificate type not approved for application"));
    }
}

/* openssl, NSS and GnuTLS accept the certificate for its purposes only. */
static void
check_with_tools (Tools      *tools,
                  GBytes     *der,
                  ScmPurpose  purpose,
                  const char *nickname)
{
  g_autoptr(GBytes) pem = scm_x509_der_to_pem (der);
  g_autofree char *leaf_name = g_strconcat (nickname, ".pem", NULL);
  g_autofree char *chain_name = g_strconcat (nickname, "-chain.pem", NULL);
  g_autofree char *leaf = scm_test_write_file (tools->dir, leaf_name, pem);
  g_autofree char *chain = NULL;
  g_autofree char *out = NULL;
  gboolean client = (purpose & SCM_PURPOSE_CLIENT_AUTH) != 0;
  gboolean smime = (purpose & SCM_PURPOSE_SMIME) != 0;
  int status;

  {
    GBytes *issuing = scm_ca_get_issuing_certificate (get_ca ());
    g_autoptr(GPtrArray) certs = g_ptr_array_new ();
    g_autoptr(GBytes) chain_pem = NULL;

    g_ptr_array_add (certs, der);
    g_ptr_array_add (certs, issuing);
    chain_pem = scm_x509_chain_to_pem (certs);
    chain = scm_test_write_file (tools->dir, chain_name, chain_pem);
  }

  status = scm_test_tool (&out, NULL, "openssl", "verify", "-x509_strict", "-purpose", "sslclient",
                          "-CAfile", tools->root, "-untrusted", tools->issuing, leaf, NULL);
  if (client)
    g_assert_cmpint (status, ==, 0);
  else
    {
      g_assert_cmpint (status, !=, 0);
      g_assert_nonnull (strstr (out, "unsuitable certificate purpose"));
    }
  g_clear_pointer (&out, g_free);

  status = scm_test_tool (&out, NULL, "openssl", "verify", "-x509_strict", "-purpose", "smimesign",
                          "-CAfile", tools->root, "-untrusted", tools->issuing, leaf, NULL);
  g_assert_cmpint (status == 0, ==, smime);
  g_clear_pointer (&out, g_free);

  /* NSS: C = SSL client, S = email signer, V = SSL server (never). */
  g_assert_cmpint (scm_test_tool (&out, home_dir, "certutil", "-A", "-n", nickname, "-t", ",,",
                                  "-i", leaf, "-d", tools->nss_db, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  check_nss_usage (tools, nickname, "C", client);
  check_nss_usage (tools, nickname, "S", smime);
  check_nss_usage (tools, nickname, "V", FALSE);

  /* GnuTLS builds the path from the chain file to the root. */
  status = scm_test_tool (&out, home_dir, "certtool", "--verify", "--load-ca-certificate",
                          tools->root, "--infile", chain, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Chain verification output: Verified."));
}

static void
fill_template (ScmCertificateTemplate *tmpl,
               GBytes                 *public_key,
               ScmPurpose              purpose,
               char                  **serial)
{
  *serial = scm_ca_generate_serial ();
  memset (tmpl, 0, sizeof *tmpl);
  tmpl->public_key = public_key;
  tmpl->serial_hex = *serial;
  tmpl->email = "ada@example.com";
  tmpl->common_name = "ada@example.com";
  tmpl->purpose = purpose;
  tmpl->term_days = 365;
  tmpl->base_url = "https://enroll.example.com:8443";
}

static void
check_purpose (ScmPurpose purpose,
               const char *label)
{
  Tools tools = { 0 };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) not_before = g_date_time_add_seconds (now, -120);

  if (!have_tools ())
    return;
  tools_init (&tools);

  for (ScmKeyType type = SCM_KEY_TYPE_RSA_2048; type <= SCM_KEY_TYPE_EC_P384; type++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) spki = get_public_key (type);
      g_autoptr(GBytes) der = NULL;
      g_autofree char *serial = NULL;
      g_autofree char *nickname = g_strdup_printf ("%s-%s", label, scm_key_type_to_string (type));
      ScmCertificateTemplate tmpl;

      fill_template (&tmpl, spki, purpose, &serial);
      tmpl.not_before = not_before;
      der = scm_ca_issue (get_ca (), &tmpl, &error);
      g_assert_no_error (error);
      check_subscriber (der, &tmpl, type);
      check_with_tools (&tools, der, purpose, nickname);
    }

  tools_clear (&tools);
}

static void
test_issue_client_auth (void)
{
  check_purpose (SCM_PURPOSE_CLIENT_AUTH, "client");
}

static void
test_issue_smime (void)
{
  check_purpose (SCM_PURPOSE_SMIME, "smime");
}

static void
test_issue_both (void)
{
  check_purpose (SCM_PURPOSE_CLIENT_AUTH | SCM_PURPOSE_SMIME, "both");
}

static void
test_issue_high_validation (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) spki = get_public_key (SCM_KEY_TYPE_EC_P256);
  g_autoptr(GBytes) der = NULL;
  g_autoptr(ScmCertificateInfo) info = NULL;
  g_autoptr(GDateTime) not_before = g_date_time_new_now_utc ();
  g_autofree char *serial = NULL;
  ScmCertificateTemplate tmpl;

  fill_template (&tmpl, spki, SCM_PURPOSE_SMIME | SCM_PURPOSE_CLIENT_AUTH, &serial);
  tmpl.email = "Zoe.Muller@Example.COM";
  tmpl.common_name = "Zoë Müller";
  tmpl.given_name = "Zoë";
  tmpl.surname = "Müller";
  tmpl.organization = "Exämple Org";
  tmpl.email_in_subject = TRUE;
  tmpl.policy_oid = "1.3.6.1.4.1.99999.1.2";
  tmpl.term_days = 825;
  tmpl.not_before = not_before;
  tmpl.base_url = "http://ca.example.com/";

  der = scm_ca_issue (get_ca (), &tmpl, &error);
  g_assert_no_error (error);
  check_subscriber (der, &tmpl, SCM_KEY_TYPE_EC_P256);

  info = scm_x509_describe (der, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->subject, ==,
                   "emailAddress=zoe.muller@example.com,CN=Zoë Müller,GN=Zoë,SN=Müller,O=Exämple Org");
  g_assert_cmpstr (info->emails[0], ==, "zoe.muller@example.com");
  g_assert_null (info->emails[1]);

  /* Standard validation, without a base URL: no CDP, no AIA. */
  g_clear_pointer (&der, g_bytes_unref);
  g_clear_pointer (&serial, g_free);
  fill_template (&tmpl, spki, SCM_PURPOSE_SMIME, &serial);
  tmpl.base_url = NULL;
  tmpl.term_days = 1;
  der = scm_ca_issue (get_ca (), &tmpl, &error);
  g_assert_no_error (error);
  check_subscriber (der, &tmpl, SCM_KEY_TYPE_EC_P256);
}

static void
test_issue_refused (void)
{
  g_autoptr(GBytes) spki = get_public_key (SCM_KEY_TYPE_EC_P256);
  g_autoptr(GDateTime) past = g_date_time_new_utc (2001, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) ca_end = g_date_time_new_from_unix_utc (scm_ca_get_not_after (get_ca ()));
  g_autoptr(GDateTime) late = g_date_time_add_days (ca_end, -100);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("nope", 4);
  g_autoptr(GBytes) weak = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *long_cn = g_strnfill (65, 'x');
  g_autofree char *long_utf8_cn = NULL;
  ScmCertificateTemplate base;
  struct
  {
    const char *what;
    int code;
    const char *message;
  } cases[] = {
    { "email", SCM_ERROR_INVALID, "“ada@@example.com” is not valid" },
    { "email-domain", SCM_ERROR_INVALID, "at least two labels" },
    { "email-space", SCM_ERROR_INVALID, "not allowed" },
    { "cn-empty", SCM_ERROR_INVALID, "common name is empty" },
    { "cn-long", SCM_ERROR_INVALID, "longer than 64 characters" },
    { "term-0", SCM_ERROR_POLICY, "A term of 0 days" },
    { "term-826", SCM_ERROR_POLICY, "A term of 826 days" },
    { "term-beyond-ca", SCM_ERROR_POLICY, "after the issuing CA expires" },
    { "before-ca", SCM_ERROR_POLICY, "not valid before" },
    { "purpose-none", SCM_ERROR_INVALID, "purpose" },
    { "purpose-other", SCM_ERROR_INVALID, "purpose" },
    { "policy", SCM_ERROR_INVALID, "policy OID “anyPolicy”" },
    { "serial", SCM_ERROR_INVALID, "serial number “-12”" },
    { "serial-long", SCM_ERROR_INVALID, "at most 20 octets" },
    { "serial-zero", SCM_ERROR_INVALID, "serial number “00”" },
    { "url", SCM_ERROR_INVALID, "“ftp://example.com”" },
    { "key", SCM_ERROR_INVALID, "public key" },
    { "key-weak", SCM_ERROR_POLICY, "RSA-1024" },
    { "no-key", SCM_ERROR_INVALID, "no public key" },
  };

  {
    g_autoptr(EVP_PKEY) pkey = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) 1024);
    guchar *der = NULL;
    int len = i2d_PUBKEY (pkey, &der);

    weak = g_bytes_new (der, len);
    OPENSSL_free (der);
  }
  /* 64 characters of two bytes each are fine; one more is not. */
  {
    GString *s = g_string_new (NULL);

    for (int i = 0; i < 64; i++)
      g_string_append (s, "é");
    long_utf8_cn = g_string_free (s, FALSE);
  }

  fill_template (&base, spki, SCM_PURPOSE_CLIENT_AUTH, &serial);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) der = NULL;
    ScmCertificateTemplate tmpl = base;

    tmpl.common_name = long_utf8_cn;
    der = scm_ca_issue (get_ca (), &tmpl, &error);
    g_assert_no_error (error);
  }

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) der = NULL;
      ScmCertificateTemplate tmpl = base;
      const char *what = cases[i].what;

      if (g_str_equal (what, "email"))
        tmpl.email = "ada@@example.com";
      else if (g_str_equal (what, "email-domain"))
        tmpl.email = "ada@localhost";
      else if (g_str_equal (what, "email-space"))
        tmpl.email = "ada lovelace@example.com";
      else if (g_str_equal (what, "cn-empty"))
        tmpl.common_name = "";
      else if (g_str_equal (what, "cn-long"))
        tmpl.common_name = long_cn;
      else if (g_str_equal (what, "term-0"))
        tmpl.term_days = 0;
      else if (g_str_equal (what, "term-826"))
        tmpl.term_days = 826;
      else if (g_str_equal (what, "term-beyond-ca"))
        {
          tmpl.term_days = 825;
          tmpl.not_before = late;
        }
      else if (g_str_equal (what, "before-ca"))
        tmpl.not_before = past;
      else if (g_str_equal (what, "purpose-none"))
        tmpl.purpose = 0;
      else if (g_str_equal (what, "purpose-other"))
        tmpl.purpose = 1 << 4;
      else if (g_str_equal (what, "policy"))
        tmpl.policy_oid = "anyPolicy";
      else if (g_str_equal (what, "serial"))
        tmpl.serial_hex = "-12";
      else if (g_str_equal (what, "serial-long"))
        tmpl.serial_hex = "8000000000000000000000000000000000000000";
      else if (g_str_equal (what, "serial-zero"))
        tmpl.serial_hex = "00";
      else if (g_str_equal (what, "url"))
        tmpl.base_url = "ftp://example.com";
      else if (g_str_equal (what, "key"))
        tmpl.public_key = garbage;
      else if (g_str_equal (what, "key-weak"))
        tmpl.public_key = weak;
      else if (g_str_equal (what, "no-key"))
        tmpl.public_key = NULL;
      else
        g_assert_not_reached ();

      der = scm_ca_issue (get_ca (), &tmpl, &error);
      g_assert_null (der);
      if (error == NULL || error->code != cases[i].code
          || strstr (error->message, cases[i].message) == NULL)
        g_error ("case %s: got “%s” (%d)", what, error ? error->message : "no error",
                 error ? error->code : -1);
      g_assert_error (error, SCM_ERROR, cases[i].code);
    }
}

static void
test_generated_ca (void)
{
  GBytes *root_der = scm_ca_get_root_certificate (get_ca ());
  GBytes *issuing_der = scm_ca_get_issuing_certificate (get_ca ());
  g_autoptr(X509) root = parse_cert (root_der);
  g_autoptr(X509) issuing = parse_cert (issuing_der);
  g_autoptr(GPtrArray) chain = scm_ca_get_chain (get_ca ());
  GBytes *chain_pem = scm_ca_get_chain_pem (get_ca ());
  g_autoptr(GPtrArray) chain_back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmCa) nameless = NULL;
  g_autofree char *root_fp = scm_x509_fingerprint (root_der);
  g_autofree char *issuing_fp = scm_x509_fingerprint (issuing_der);
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-ca-XXXXXX");
  g_autofree char *root_path = NULL;
  g_autofree char *issuing_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *subject = NULL;
  X509 *certs[2] = { root, issuing };

  g_assert_cmpstr (scm_ca_get_subject (get_ca ()), ==, "CN=Example Org Client Issuing CA,O=Example Org");
  g_object_get (get_ca (), "subject", &subject, NULL);
  g_assert_cmpstr (subject, ==, scm_ca_get_subject (get_ca ()));
  g_assert_cmpstr (scm_ca_get_root_fingerprint (get_ca ()), ==, root_fp);
  g_assert_cmpstr (scm_ca_get_issuing_fingerprint (get_ca ()), ==, issuing_fp);
  g_assert_cmpint (strlen (root_fp), ==, 64);
  g_assert_true (scm_ca_has_root_key (get_ca ()));

  g_assert_cmpuint (chain->len, ==, 2);
  g_assert_true (g_bytes_equal (g_ptr_array_index (chain, 0), issuing_der));
  g_assert_true (g_bytes_equal (g_ptr_array_index (chain, 1), root_der));
  chain_back = scm_x509_chain_from_pem (g_bytes_get_data (chain_pem, NULL),
                                        g_bytes_get_size (chain_pem), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chain_back->len, ==, 2);
  g_assert_true (g_bytes_equal (g_ptr_array_index (chain_back, 0), issuing_der));

  {
    g_autofree char *root_subject = NULL;
    g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
    char *text;
    long len;

    X509_NAME_print_ex (bio, X509_get_subject_name (root), 0, XN_FLAG_RFC2253);
    len = BIO_get_mem_data (bio, &text);
    root_subject = g_strndup (text, len);
    g_assert_cmpstr (root_subject, ==, "CN=Example Org Root CA,O=Example Org");
  }

  for (int i = 0; i < 2; i++)
    {
      X509 *cert = certs[i];
      EVP_PKEY *key = X509_get0_pubkey (cert);
      char group[64];
      gint64 not_before = asn1_time_to_unix (X509_get0_notBefore (cert));
      gint64 not_after = asn1_time_to_unix (X509_get0_notAfter (cert));
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (not_before);
      g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc (not_after);

      g_assert_cmpint (X509_get_version (cert), ==, X509_VERSION_3);
      g_assert_true (EVP_PKEY_is_a (key, "EC"));
      g_assert_true (EVP_PKEY_get_utf8_string_param (key, "group", group, sizeof group, NULL));
      g_assert_cmpstr (group, ==, "secp384r1");
      g_assert_cmpint (X509_get_signature_nid (cert), ==, NID_ecdsa_with_SHA384);
      assert_serial_ok (cert);

      X509_check_purpose (cert, -1, 0);
      g_assert_true (X509_get_extension_flags (cert) & EXFLAG_CA);
      g_assert_true (extension_is_critical (cert, NID_basic_constraints));
      g_assert_true (extension_is_critical (cert, NID_key_usage));
      g_assert_cmpuint (X509_get_key_usage (cert), ==, KU_KEY_CERT_SIGN | KU_CRL_SIGN);
      g_assert_cmpint (X509_get_ext_by_NID (cert, NID_ext_key_usage, -1), <, 0);
      g_assert_nonnull (X509_get0_subject_key_id (cert));
      g_assert_nonnull (X509_get0_authority_key_id (cert));

      /* Root 10 years, issuing 5, both started (a little) in the past. */
      g_assert_cmpint (g_date_time_get_year (end) - g_date_time_get_year (start), ==, i == 0 ? 10 : 5);
      g_assert_cmpint (g_date_time_get_month (end), ==, g_date_time_get_month (start));
      g_assert_cmpint (not_before, <=, g_get_real_time () / G_USEC_PER_SEC);
    }
  g_assert_cmpint (X509_get_pathlen (root), ==, -1);
  g_assert_cmpint (X509_get_pathlen (issuing), ==, 0);
  g_assert_cmpint (ASN1_OCTET_STRING_cmp (X509_get0_authority_key_id (issuing),
                                          X509_get0_subject_key_id (root)), ==, 0);
  g_assert_cmpint (ASN1_OCTET_STRING_cmp (X509_get0_authority_key_id (root),
                                          X509_get0_subject_key_id (root)), ==, 0);
  g_assert_true (X509_verify (issuing, X509_get0_pubkey (root)) > 0);
  g_assert_true (X509_verify (root, X509_get0_pubkey (root)) > 0);

  if (scm_test_require_tool ("openssl", "openssl"))
    {
      g_autoptr(GBytes) root_pem = scm_x509_der_to_pem (root_der);
      g_autoptr(GBytes) issuing_pem = scm_x509_der_to_pem (issuing_der);

      root_path = scm_test_write_file (dir, "root.pem", root_pem);
      issuing_path = scm_test_write_file (dir, "issuing.pem", issuing_pem);
      g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "verify", "-x509_strict", "-CAfile",
                                      root_path, issuing_path, NULL), ==, 0);
    }

  /* Organization names must fit the CA names. */
  nameless = scm_ca_new_generated ("  ", &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_null (nameless);
  g_clear_error (&error);
  {
    g_autofree char *long_name = g_strnfill (47, 'o');

    nameless = scm_ca_new_generated (long_name, &error);
    g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "at most 46 characters"));
    g_assert_null (nameless);
  }

  scm_test_remove_tree (dir);
}

static void
test_serials (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const int draws = 10000;
  int second_bit = 0;
  int top_bit = 0;

  for (int i = 0; i < draws; i++)
    {
      char *serial = scm_ca_generate_serial ();
      g_autoptr(GError) error = NULL;
      g_autoptr(BIGNUM) bn = NULL;
      g_autofree char *padded = NULL;
      gsize len = strlen (serial);
      guint nibble;

      /* Uppercase hex of whole octets, no leading zero octet, ≤ 20 octets. */
      g_assert_cmpuint (len % 2, ==, 0);
      g_assert_cmpuint (len, <=, 40);
      g_assert_cmpuint (len, >=, 2);
      g_assert_false (g_str_has_prefix (serial, "00"));
      for (gsize j = 0; j < len; j++)
        g_assert_true (g_ascii_isdigit (serial[j]) || (serial[j] >= 'A' && serial[j] <= 'F'));
      g_assert_cmpint (BN_hex2bn (&bn, serial), ==, (int) len);
      g_assert_cmpint (BN_num_bits (bn), <=, 159);
      g_assert_false (BN_is_zero (bn));

      padded = g_strdup_printf ("%40s", serial);
      for (char *p = padded; *p == ' '; p++)
        *p = '0';
      nibble = g_ascii_xdigit_value (padded[0]);
      if (nibble & 0x8)
        top_bit++;
      if (nibble & 0x4)
        second_bit++;

      g_assert_true (g_hash_table_add (seen, serial));
    }

  g_assert_cmpint (top_bit, ==, 0);
  g_assert_cmpuint (g_hash_table_size (seen), ==, draws);
  g_assert_cmpfloat ((double) second_bit / draws, >, 0.45);
  g_assert_cmpfloat ((double) second_bit / draws, <, 0.55);
}

static void
test_persistence (void)
{
  g_autoptr(GError) error = NULL;
  GBytes *chain_pem = scm_ca_get_chain_pem (get_ca ());
  g_autoptr(GBytes) key_pem = NULL;
  g_autoptr(GBytes) root_key_pem = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) changed = NULL;
  g_autoptr(ScmCa) loaded = NULL;
  g_autoptr(ScmCa) other = NULL;
  g_autoptr(ScmCa) wrong = NULL;
  g_autoptr(GBytes) other_key_pem = NULL;
  g_autoptr(GBytes) spki = get_public_key (SCM_KEY_TYPE_EC_P256);
  g_autoptr(GBytes) der = NULL;
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-ca-XXXXXX");
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *serial = NULL;
  const char *passphrase = "correct horse ✓ battery";
  ScmCertificateTemplate tmpl;

  key_pem = scm_ca_export_issuing_key (get_ca (), passphrase, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (key_pem, NULL),
                                   "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
  root_key_pem = scm_ca_export_root_key (get_ca (), passphrase, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root_key_pem);

  g_assert_null (scm_ca_export_issuing_key (get_ca (), "", &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  /* The openssl tool reads it with the passphrase, and sees PBES2 with
   * PBKDF2-HMAC-SHA256 at 600,000 iterations and AES-256-CBC. */
  path = scm_test_write_file (dir, "key.pem", key_pem);
  if (scm_test_require_tool ("openssl", "openssl"))
    {
      g_autofree char *pass_arg = g_strconcat ("pass:", passphrase, NULL);

      g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "pkey", "-in", path, "-passin",
                                      pass_arg, "-noout", NULL), ==, 0);
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "pkey", "-in", path, "-passin",
                                      "pass:wrong", "-noout", NULL), !=, 0);
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "asn1parse", "-in", path, NULL), ==, 0);
      g_assert_nonnull (strstr (out, ":PBES2"));
      g_assert_nonnull (strstr (out, ":PBKDF2"));
      g_assert_nonnull (strstr (out, ":0927C0"));   /* 600000 */
      g_assert_nonnull (strstr (out, ":hmacWithSHA256"));
      g_assert_nonnull (strstr (out, ":aes-256-cbc"));
    }

  loaded = scm_ca_load (chain_pem, key_pem, root_key_pem, passphrase, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_ca_get_issuing_fingerprint (loaded), ==,
                   scm_ca_get_issuing_fingerprint (get_ca ()));
  g_assert_cmpstr (scm_ca_get_root_fingerprint (loaded), ==,
                   scm_ca_get_root_fingerprint (get_ca ()));
  g_assert_cmpint (scm_ca_get_not_after (loaded), ==, scm_ca_get_not_after (get_ca ()));
  g_assert_true (scm_ca_has_root_key (loaded));

  /* The loaded CA signs what the generated one's chain verifies. */
  fill_template (&tmpl, spki, SCM_PURPOSE_CLIENT_AUTH, &serial);
  der = scm_ca_issue (loaded, &tmpl, &error);
  g_assert_no_error (error);
  check_subscriber (der, &tmpl, SCM_KEY_TYPE_EC_P256);

  /* The root key stays as stored; it comes back only for its passphrase. */
  again = scm_ca_export_root_key (loaded, passphrase, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (again, root_key_pem));
  g_clear_pointer (&again, g_bytes_unref);
  again = scm_ca_export_root_key (loaded, "another passphrase", &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
  g_assert_null (again);
  g_clear_error (&error);

  /* A wrong passphrase fails cleanly. */
  wrong = scm_ca_load (chain_pem, key_pem, NULL, "Correct horse ✓ battery", &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
  g_assert_nonnull (strstr (error->message, "passphrase"));
  g_assert_null (wrong);
  g_clear_error (&error);

  wrong = scm_ca_load (chain_pem, key_pem, NULL, "", &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  /* Without a root key: none to export, and no error. */
  g_clear_object (&loaded);
  loaded = scm_ca_load (chain_pem, key_pem, NULL, passphrase, &error);
  g_assert_no_error (error);
  g_assert_false (scm_ca_has_root_key (loaded));
  g_assert_null (scm_ca_export_root_key (loaded, passphrase, &error));
  g_assert_no_error (error);

  /* Another CA's key, right passphrase: not this certificate's key. */
  other = scm_ca_new_generated ("Other Org", &error);
  g_assert_no_error (error);
  other_key_pem = scm_ca_export_issuing_key (other, passphrase, &error);
  g_assert_no_error (error);
  wrong = scm_ca_load (chain_pem, other_key_pem, NULL, passphrase, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "does not belong"));
  g_assert_null (wrong);
  g_clear_error (&error);

  /* A chain whose certificates do not link up. */
  {
    g_autoptr(GPtrArray) mixed = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    g_autoptr(GBytes) mixed_pem = NULL;

    g_ptr_array_add (mixed, g_bytes_ref (scm_ca_get_issuing_certificate (get_ca ())));
    g_ptr_array_add (mixed, g_bytes_ref (scm_ca_get_root_certificate (other)));
    mixed_pem = scm_x509_chain_to_pem (mixed);
    wrong = scm_ca_load (mixed_pem, key_pem, NULL, passphrase, &error);
    g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "chain is broken"));
    g_clear_error (&error);
  }

  /* Changing the passphrase re-encrypts the stored key. */
  changed = scm_ca_change_key_passphrase (key_pem, passphrase, "new secret", &error);
  g_assert_no_error (error);
  g_clear_object (&loaded);
  loaded = scm_ca_load (chain_pem, changed, NULL, "new secret", &error);
  g_assert_no_error (error);
  g_assert_null (scm_ca_change_key_passphrase (key_pem, "not it", "new secret", &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);

  scm_test_remove_tree (dir);
}

/* An organization's PKI made with the openssl tool: an EC P-256 root and an
 * RSA-2048 issuing CA whose key is encrypted PKCS#8. */
typedef struct
{
  char *dir;
  char *root_cert;
  char *ca_cert;
  char *ca_key;
} OpensslPki;

static void
openssl_pki_init (OpensslPki *pki)
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

  pki->dir = scm_test_make_tmp_dir ("scm-pki-XXXXXX");
  root_key = g_build_filename (pki->dir, "root.key", NULL);
  pki->root_cert = g_build_filename (pki->dir, "root.crt", NULL);
  pki->ca_key = g_build_filename (pki->dir, "ca.key", NULL);
  pki->ca_cert = g_build_filename (pki->dir, "ca.crt", NULL);
  csr = g_build_filename (pki->dir, "ca.csr", NULL);
  ext = scm_test_write_file (pki->dir, "ca.ext", ext_text);

  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "req", "-x509", "-config", "/dev/null",
                                  "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                  "-keyout", root_key, "-out", pki->root_cert, "-days", "3650",
                                  "-subj", "/O=Acme/CN=Acme Root",
                                  "-addext", "basicConstraints=critical,CA:TRUE",
                                  "-addext", "keyUsage=critical,keyCertSign,cRLSign", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "req", "-new", "-newkey", "rsa:2048",
                                  "-keyout", pki->ca_key, "-passout", "pass:import me",
                                  "-out", csr, "-subj", "/O=Acme/CN=Acme Issuing", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "x509", "-req", "-in", csr,
                                  "-CA", pki->root_cert, "-CAkey", root_key,
                                  "-CAcreateserial", "-days", "1825", "-extfile", ext,
                                  "-out", pki->ca_cert, NULL), ==, 0);
}

static void
openssl_pki_clear (OpensslPki *pki)
{
  scm_test_remove_tree (pki->dir);
  g_free (pki->dir);
  g_free (pki->root_cert);
  g_free (pki->ca_cert);
  g_free (pki->ca_key);
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

/* The imported CA issues an RSA-signed certificate openssl accepts. */
static void
check_imported (ScmCa      *ca,
                OpensslPki *pki)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) spki = get_public_key (SCM_KEY_TYPE_EC_P384);
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GBytes) pem = NULL;
  GBytes *root = scm_ca_get_root_certificate (ca);
  g_autoptr(GBytes) root_file = scm_test_read_file (pki->root_cert);
  g_autoptr(GBytes) root_file_der = NULL;
  g_autoptr(X509) cert = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *leaf = NULL;
  g_autofree char *out = NULL;
  ScmCertificateTemplate tmpl;

  g_assert_cmpstr (scm_ca_get_subject (ca), ==, "CN=Acme Issuing,O=Acme");
  g_assert_false (scm_ca_has_root_key (ca));
  g_assert_null (scm_ca_export_root_key (ca, "x", &error));
  g_assert_no_error (error);

  /* The chain goes from the issuing CA to the root, whatever the file order. */
  root_file_der = scm_x509_pem_to_der (g_bytes_get_data (root_file, NULL),
                                       g_bytes_get_size (root_file), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (root, root_file_der));
  {
    g_autoptr(GPtrArray) chain = scm_ca_get_chain (ca);

    g_assert_cmpuint (chain->len, ==, 2);
  }

  fill_template (&tmpl, spki, SCM_PURPOSE_CLIENT_AUTH, &serial);
  der = scm_ca_issue (ca, &tmpl, &error);
  g_assert_no_error (error);
  cert = parse_cert (der);
  g_assert_cmpint (X509_get_signature_nid (cert), ==, NID_sha256WithRSAEncryption);

  pem = scm_x509_der_to_pem (der);
  leaf = scm_test_write_file (pki->dir, "leaf.pem", pem);
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "verify", "-x509_strict", "-purpose",
                                  "sslclient", "-CAfile", pki->root_cert, "-untrusted",
                                  pki->ca_cert, leaf, NULL), ==, 0);
}

static void
test_import_pem (void)
{
  OpensslPki pki = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bundle = NULL;
  g_autoptr(GBytes) no_key = NULL;
  g_autoptr(ScmCa) ca = NULL;
  g_autofree char *out = NULL;
  g_autofree char *traditional = NULL;
  g_autofree char *legacy = NULL;

  if (!scm_test_require_tool ("openssl", "openssl"))
    return;
  openssl_pki_init (&pki);

  /* Root first, then the key, then the issuing CA: order does not matter. */
  bundle = concat_files (pki.root_cert, pki.ca_key, pki.ca_cert, NULL);
  ca = scm_ca_import (bundle, "import me", &error);
  g_assert_no_error (error);
  check_imported (ca, &pki);
  g_clear_object (&ca);

  ca = scm_ca_import (bundle, "wrong", &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
  g_assert_null (ca);
  g_clear_error (&error);
  ca = scm_ca_import (bundle, NULL, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
  g_assert_nonnull (strstr (error->message, "encrypted"));
  g_clear_error (&error);

  /* Traditional "RSA PRIVATE KEY" PEM, clear and with legacy encryption. */
  traditional = g_build_filename (pki.dir, "trad.key", NULL);
  legacy = g_build_filename (pki.dir, "legacy.key", NULL);
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "pkey", "-in", pki.ca_key, "-passin",
                                  "pass:import me", "-traditional", "-out", traditional, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "pkey", "-in", pki.ca_key, "-passin",
                                  "pass:import me", "-traditional", "-aes256", "-passout",
                                  "pass:legacy", "-out", legacy, NULL), ==, 0);
  g_clear_pointer (&bundle, g_bytes_unref);
  bundle = concat_files (pki.ca_cert, traditional, pki.root_cert, NULL);
  ca = scm_ca_import (bundle, NULL, &error);
  g_assert_no_error (error);
  check_imported (ca, &pki);
  g_clear_object (&ca);

  g_clear_pointer (&bundle, g_bytes_unref);
  bundle = concat_files (pki.ca_cert, legacy, pki.root_cert, NULL);
  ca = scm_ca_import (bundle, "legacy", &error);
  g_assert_no_error (error);
  g_clear_object (&ca);
  ca = scm_ca_import (bundle, "not legacy", &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
  g_clear_error (&error);

  /* Certificates without their key cannot sign anything. */
  no_key = concat_files (pki.ca_cert, pki.root_cert, NULL);
  ca = scm_ca_import (no_key, NULL, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no private key"));
  g_clear_error (&error);

  /* The key without its certificate (only the root came along). */
  g_clear_pointer (&bundle, g_bytes_unref);
  bundle = concat_files (pki.root_cert, traditional, NULL);
  ca = scm_ca_import (bundle, NULL, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "belongs to its private key"));
  g_clear_error (&error);

  openssl_pki_clear (&pki);
}

static void
test_import_pkcs12 (void)
{
  OpensslPki pki = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) p12 = NULL;
  g_autoptr(ScmCa) ca = NULL;
  g_autofree char *out = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) garbage = g_bytes_new_static ("\x30\x03\x02\x01\x00", 5);

  if (!scm_test_require_tool ("openssl", "openssl"))
    return;
  openssl_pki_init (&pki);

  path = g_build_filename (pki.dir, "ca.p12", NULL);
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "pkcs12", "-export", "-inkey", pki.ca_key,
                                  "-passin", "pass:import me", "-in", pki.ca_cert,
                                  "-certfile", pki.root_cert, "-passout", "pass:p12 pass",
                                  "-out", path, NULL), ==, 0);
  p12 = scm_test_read_file (path);

  ca = scm_ca_import (p12, "p12 pass", &error);
  g_assert_no_error (error);
  check_imported (ca, &pki);
  g_clear_object (&ca);

  ca = scm_ca_import (p12, "P12 pass", &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
  g_assert_null (ca);
  g_clear_error (&error);

  ca = scm_ca_import (garbage, "x", &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_null (ca);

  openssl_pki_clear (&pki);
}

static void
test_import_not_ca (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *key = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *out = NULL;
  struct
  {
    const char *constraints;
    const char *usage;
    const char *message;
  } cases[] = {
    { "basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature", "is not a CA" },
    { "subjectKeyIdentifier=hash", "keyUsage=critical,digitalSignature", "is not a CA" },
    { "basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign", "cRLSign" },
  };

  if (!scm_test_require_tool ("openssl", "openssl"))
    return;
  dir = scm_test_make_tmp_dir ("scm-ca-XXXXXX");
  key = g_build_filename (dir, "key.pem", NULL);
  cert = g_build_filename (dir, "cert.pem", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bundle = NULL;
      g_autoptr(ScmCa) ca = NULL;

      /* -config /dev/null keeps openssl.cnf's default v3_ca out. */
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "req", "-x509", "-config", "/dev/null",
                                      "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                      "-nodes", "-keyout", key, "-out", cert, "-days", "30",
                                      "-subj", "/CN=Not A CA", "-addext", cases[i].constraints,
                                      "-addext", cases[i].usage, NULL), ==, 0);
      bundle = concat_files (cert, key, NULL);
      ca = scm_ca_import (bundle, NULL, &error);
      g_assert_null (ca);
      g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_clear_error (&error);
    }

  scm_test_remove_tree (dir);
}

static void
test_crl (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) this_update = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) next_update = g_date_time_add_days (this_update, 7);
  g_autoptr(GDateTime) revoked_at = g_date_time_add_hours (this_update, -2);
  g_autoptr(GBytes) spki = get_public_key (SCM_KEY_TYPE_EC_P256);
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autoptr(GBytes) crl_pem = NULL;
  GBytes *chain_pem = scm_ca_get_chain_pem (get_ca ());
  GBytes *issuing_der = scm_ca_get_issuing_certificate (get_ca ());
  g_autoptr(X509) issuing = parse_cert (issuing_der);
  g_autoptr(X509_CRL) parsed = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *other1 = scm_ca_generate_serial ();
  g_autofree char *other2 = scm_ca_generate_serial ();
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-crl-XXXXXX");
  g_autofree char *crl_path = NULL;
  g_autofree char *chain_path = NULL;
  g_autofree char *root_path = NULL;
  g_autofree char *leaf_path = NULL;
  g_autofree char *out = NULL;
  ScmCertificateTemplate tmpl;

  fill_template (&tmpl, spki, SCM_PURPOSE_CLIENT_AUTH, &serial);
  der = scm_ca_issue (get_ca (), &tmpl, &error);
  g_assert_no_error (error);

  {
    ScmRevokedEntry entries[] = {
      { serial, revoked_at, SCM_REVOCATION_KEY_COMPROMISE },
      { other1, revoked_at, SCM_REVOCATION_UNSPECIFIED },
      { other2, revoked_at, SCM_REVOCATION_SUPERSEDED },
    };

    crl = scm_ca_sign_crl (get_ca (), 42, this_update, next_update, entries,
                           G_N_ELEMENTS (entries), &error);
    g_assert_no_error (error);
  }

  /* Read back with OpenSSL. */
  {
    gsize len;
    const guchar *p = g_bytes_get_data (crl, &len);
    ASN1_INTEGER *number;
    AUTHORITY_KEYID *akid;
    STACK_OF (X509_REVOKED) *revoked;
    int crit = 0;

    parsed = d2i_X509_CRL (NULL, &p, (long) len);
    g_assert_nonnull (parsed);
    g_assert_cmpint (X509_CRL_get_version (parsed), ==, X509_CRL_VERSION_2);
    g_assert_true (X509_CRL_verify (parsed, X509_get0_pubkey (issuing)) > 0);
    g_assert_cmpint (X509_NAME_cmp (X509_CRL_get_issuer (parsed), X509_get_subject_name (issuing)), ==, 0);
    g_assert_cmpint (asn1_time_to_unix (X509_CRL_get0_nextUpdate (parsed)), ==,
                     g_date_time_to_unix (next_update));

    number = X509_CRL_get_ext_d2i (parsed, NID_crl_number, &crit, NULL);
    g_assert_nonnull (number);
    g_assert_cmpint (ASN1_INTEGER_get (number), ==, 42);
    g_assert_cmpint (crit, ==, 0);
    ASN1_INTEGER_free (number);

    akid = X509_CRL_get_ext_d2i (parsed, NID_authority_key_identifier, NULL, NULL);
    g_assert_nonnull (akid);
    g_assert_cmpint (ASN1_OCTET_STRING_cmp (akid->keyid, X509_get0_subject_key_id (issuing)), ==, 0);
    AUTHORITY_KEYID_free (akid);

    revoked = X509_CRL_get_REVOKED (parsed);
    g_assert_cmpint (sk_X509_REVOKED_num (revoked), ==, 3);
    for (int i = 0; i < 3; i++)
      {
        X509_REVOKED *entry = sk_X509_REVOKED_value (revoked, i);
        g_autoptr(BIGNUM) bn = ASN1_INTEGER_to_BN (X509_REVOKED_get0_serialNumber (entry), NULL);
        char *hex = BN_bn2hex (bn);
        ASN1_ENUMERATED *reason = X509_REVOKED_get_ext_d2i (entry, NID_crl_reason, NULL, NULL);

        g_assert_cmpint (asn1_time_to_unix (X509_REVOKED_get0_revocationDate (entry)), ==,
                         g_date_time_to_unix (revoked_at));
        if (g_str_equal (hex, serial))
          g_assert_cmpint (ASN1_ENUMERATED_get (reason), ==, 1);
        else if (g_str_equal (hex, other2))
          g_assert_cmpint (ASN1_ENUMERATED_get (reason), ==, 4);
        else
          {
            /* RFC 5280 5.3.1: no reasonCode for unspecified. */
            g_assert_cmpstr (hex, ==, other1);
            g_assert_null (reason);
          }
        ASN1_ENUMERATED_free (reason);
        OPENSSL_free (hex);
      }
  }

  if (scm_test_require_tool ("openssl", "openssl"))
    {
      GBytes *root = scm_ca_get_root_certificate (get_ca ());
      g_autoptr(GBytes) root_pem = scm_x509_der_to_pem (root);
      g_autoptr(GBytes) leaf_pem = scm_x509_der_to_pem (der);
      g_autofree char *number_line = NULL;

      crl_path = scm_test_write_file (dir, "crl.der", crl);
      chain_path = scm_test_write_file (dir, "chain.pem", chain_pem);
      root_path = scm_test_write_file (dir, "root.pem", root_pem);
      leaf_path = scm_test_write_file (dir, "leaf.pem", leaf_pem);
      g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "crl", "-inform", "DER", "-in", crl_path,
                                      "-CAfile", chain_path, "-verify", "-noout", "-text", NULL), ==, 0);
      g_assert_nonnull (strstr (out, "verify OK"));
      g_assert_nonnull (strstr (out, serial));
      g_assert_nonnull (strstr (out, other1));
      g_assert_nonnull (strstr (out, "Key Compromise"));
      g_assert_nonnull (strstr (out, "Superseded"));
      g_assert_nonnull (strstr (out, "X509v3 CRL Number"));
      number_line = g_strdup ("42\n");
      g_assert_nonnull (strstr (out, number_line));

      /* With the CRL, the revoked certificate no longer verifies. */
      crl_pem = scm_x509_crl_to_pem (crl);
      g_clear_pointer (&crl_path, g_free);
      crl_path = scm_test_write_file (dir, "crl.pem", crl_pem);
      g_clear_pointer (&out, g_free);
      g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "verify", "-crl_check",
                                      "-CAfile", root_path, "-untrusted", chain_path,
                                      "-CRLfile", crl_path, leaf_path, NULL), !=, 0);
      g_assert_nonnull (strstr (out, "certificate revoked"));
    }

  /* Errors: next update not after this update, bad or repeated serials. */
  {
    ScmRevokedEntry twice[] = {
      { other1, revoked_at, SCM_REVOCATION_UNSPECIFIED },
      { other1, revoked_at, SCM_REVOCATION_KEY_COMPROMISE },
    };
    ScmRevokedEntry bad[] = { { "XYZ", revoked_at, SCM_REVOCATION_UNSPECIFIED } };
    ScmRevokedEntry bad_reason[] = { { other1, revoked_at, (ScmRevocationReason) 2 } };
    g_autoptr(GBytes) none = NULL;

    none = scm_ca_sign_crl (get_ca (), 43, next_update, this_update, NULL, 0, &error);
    g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
    g_clear_error (&error);
    none = scm_ca_sign_crl (get_ca (), 43, this_update, next_update, twice, 2, &error);
    g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "twice"));
    g_clear_error (&error);
    none = scm_ca_sign_crl (get_ca (), 43, this_update, next_update, bad, 1, &error);
    g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
    g_clear_error (&error);
    none = scm_ca_sign_crl (get_ca (), 43, this_update, next_update, bad_reason, 1, &error);
    g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
    g_clear_error (&error);

    /* An empty CRL is fine. */
    none = scm_ca_sign_crl (get_ca (), 44, this_update, next_update, NULL, 0, &error);
    g_assert_no_error (error);
    g_assert_nonnull (none);
  }

  scm_test_remove_tree (dir);
}

static void
test_x509_describe (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) spki = get_public_key (SCM_KEY_TYPE_RSA_2048);
  g_autoptr(GDateTime) not_before = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC - 60);
  g_autoptr(GBytes) der = NULL;
  g_autoptr(ScmCertificateInfo) info = NULL;
  g_autoptr(ScmCertificateInfo) copy = NULL;
  g_autoptr(ScmCertificateInfo) ca_info = NULL;
  GBytes *root = scm_ca_get_root_certificate (get_ca ());
  g_autoptr(GBytes) garbage = g_bytes_new_static ("garbage", 7);
  g_autofree char *serial = NULL;
  g_autofree char *fingerprint = NULL;
  ScmCertificateTemplate tmpl;

  fill_template (&tmpl, spki, SCM_PURPOSE_CLIENT_AUTH, &serial);
  tmpl.not_before = not_before;
  tmpl.email_in_subject = TRUE;
  der = scm_ca_issue (get_ca (), &tmpl, &error);
  g_assert_no_error (error);

  info = scm_x509_describe (der, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->subject, ==, "emailAddress=ada@example.com,CN=ada@example.com");
  g_assert_cmpstr (info->issuer, ==, "CN=Example Org Client Issuing CA,O=Example Org");
  g_assert_cmpstr (info->serial_hex, ==, serial);
  fingerprint = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
  g_assert_cmpstr (info->fingerprint, ==, fingerprint);
  g_assert_cmpint (info->not_before, ==, g_date_time_to_unix (not_before));
  g_assert_cmpint (info->not_after, ==, g_date_time_to_unix (not_before) + 365 * DAY - 1);
  g_assert_cmpstr (info->emails[0], ==, "ada@example.com");
  g_assert_null (info->emails[1]);
  g_assert_cmpstr (info->key_description, ==, "RSA-2048");
  g_assert_true (info->key_type_allowed);
  g_assert_cmpint (info->key_type, ==, SCM_KEY_TYPE_RSA_2048);
  g_assert_false (info->is_ca);

  copy = g_boxed_copy (SCM_TYPE_CERTIFICATE_INFO, info);
  g_assert_cmpstr (copy->fingerprint, ==, info->fingerprint);
  g_assert_cmpstr (copy->emails[0], ==, "ada@example.com");

  ca_info = scm_x509_describe (root, &error);
  g_assert_no_error (error);
  g_assert_true (ca_info->is_ca);
  g_assert_cmpstr (ca_info->key_description, ==, "EC-P384");
  g_assert_cmpstr (ca_info->fingerprint, ==, scm_ca_get_root_fingerprint (get_ca ()));
  g_assert_nonnull (ca_info->emails);
  g_assert_null (ca_info->emails[0]);

  g_assert_null (scm_x509_describe (garbage, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
}

static void
test_x509_pem (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chain = scm_ca_get_chain (get_ca ());
  g_autoptr(GBytes) pem = scm_x509_chain_to_pem (chain);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) from_der = NULL;
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GByteArray) mixed = g_byte_array_new ();
  g_autoptr(GPtrArray) none = NULL;
  const char *key_block = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  const char *broken = "-----BEGIN CERTIFICATE-----\nMIIB!!!!\n-----END CERTIFICATE-----\n";
  const char *not_cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  const char *text = "just some text";
  GBytes *issuing = g_ptr_array_index (chain, 0);

  g_assert_true (g_str_has_prefix (g_bytes_get_data (pem, NULL), "-----BEGIN CERTIFICATE-----\n"));

  first = scm_x509_pem_to_der (g_bytes_get_data (pem, NULL), g_bytes_get_size (pem), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (first, issuing));

  /* DER in, DER out. */
  from_der = scm_x509_pem_to_der (g_bytes_get_data (issuing, NULL), g_bytes_get_size (issuing), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (from_der, issuing));

  /* Keys and other blocks between certificates are skipped. */
  g_byte_array_append (mixed, (const guint8 *) key_block, strlen (key_block));
  g_byte_array_append (mixed, g_bytes_get_data (pem, NULL), g_bytes_get_size (pem));
  back = scm_x509_chain_from_pem (mixed->data, mixed->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  g_assert_true (g_bytes_equal (g_ptr_array_index (back, 0), issuing));
  g_assert_true (g_bytes_equal (g_ptr_array_index (back, 1), g_ptr_array_index (chain, 1)));

  none = scm_x509_chain_from_pem (text, strlen (text), &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_null (none);
  g_clear_error (&error);
  none = scm_x509_chain_from_pem (key_block, strlen (key_block), &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);
  none = scm_x509_chain_from_pem (broken, strlen (broken), &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);
  none = scm_x509_chain_from_pem (not_cert, strlen (not_cert), &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Certificate 1"));
  g_clear_error (&error);
  g_assert_null (scm_x509_pem_to_der (text, strlen (text), &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
}

static void
test_x509_check_email (void)
{
  const char *good[] = {
    "a@example.com", "first.last+tag@sub.example.co.uk", "o'brien@example.ie",
    "UPPER@EXAMPLE.COM", "x@xn--bcher-kva.example",
  };
  const char *bad[] = {
    "", "plain", "@example.com", "a@", "a@b", "a@@example.com", "a@b@example.com",
    ".a@example.com", "a.@example.com", "a..b@example.com", "a b@example.com",
    "zoë@example.com", "a@-example.com", "a@example-.com", "a@exa_mple.com",
    "a@example..com", "a@example.com.", "\"quoted\"@example.com",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;

      if (!scm_x509_check_email (good[i], &error))
        g_error ("“%s” refused: %s", good[i], error->message);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      if (scm_x509_check_email (bad[i], &error))
        g_error ("“%s” accepted", bad[i]);
      g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
    }
  {
    g_autofree char *local = g_strnfill (65, 'a');
    g_autofree char *too_long = g_strconcat (local, "@example.com", NULL);

    g_assert_false (scm_x509_check_email (too_long, NULL));
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* NSS and Java may write under HOME; give them a throwaway one. */
  home_dir = scm_test_make_tmp_dir ("scm-ca-home-XXXXXX");

  g_test_add_func ("/ca/generated", test_generated_ca);
  g_test_add_func ("/ca/serials", test_serials);
  g_test_add_func ("/ca/issue/client-auth", test_issue_client_auth);
  g_test_add_func ("/ca/issue/smime", test_issue_smime);
  g_test_add_func ("/ca/issue/both", test_issue_both);
  g_test_add_func ("/ca/issue/high-validation", test_issue_high_validation);
  g_test_add_func ("/ca/issue/refused", test_issue_refused);
  g_test_add_func ("/ca/persistence", test_persistence);
  g_test_add_func ("/ca/import/pem", test_import_pem);
  g_test_add_func ("/ca/import/pkcs12", test_import_pkcs12);
  g_test_add_func ("/ca/import/not-ca", test_import_not_ca);
  g_test_add_func ("/ca/crl", test_crl);
  g_test_add_func ("/x509/describe", test_x509_describe);
  g_test_add_func ("/x509/pem", test_x509_pem);
  g_test_add_func ("/x509/check-email", test_x509_check_email);

  status = g_test_run ();

  g_clear_object (&shared_ca);
  for (int i = 0; i < N_KEY_TYPES; i++)
    g_clear_pointer (&subscriber_keys[i], g_bytes_unref);
  scm_test_remove_tree (home_dir);
  g_free (home_dir);
  return status;
}
