/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "scm-ca.h"
#include "scm-error.h"
#include "scm-key.h"
#include "scm-pkcs12.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

#define PASSWORD "Sw0rdfish! 7KQF-M3XD"
#define FRIENDLY_NAME "Ada Lovelace (ada@example.com)"

/* One CA, one key and certificate for all cases. */
static ScmCa *shared_ca;
static GBytes *leaf_key;
static GBytes *leaf_cert;
static char *home_dir;

static void
ensure_fixture (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) spki = NULL;
  g_autofree char *serial = NULL;
  ScmCertificateTemplate tmpl = { 0 };

  if (shared_ca != NULL)
    return;

  shared_ca = scm_ca_new_generated ("Example Org", &error);
  g_assert_no_error (error);
  leaf_key = scm_key_generate (SCM_KEY_TYPE_EC_P256, &error);
  g_assert_no_error (error);
  spki = scm_key_get_public (leaf_key, &error);
  g_assert_no_error (error);

  serial = scm_ca_generate_serial ();
  tmpl.public_key = spki;
  tmpl.serial_hex = serial;
  tmpl.email = "ada@example.com";
  tmpl.common_name = "ada@example.com";
  tmpl.purpose = SCM_PURPOSE_CLIENT_AUTH | SCM_PURPOSE_SMIME;
  tmpl.term_days = 365;
  leaf_cert = scm_ca_issue (shared_ca, &tmpl, &error);
  g_assert_no_error (error);
}

static GBytes *
build (ScmPkcs12Protection protection,
       const char         *password,
       const char         *friendly_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  GBytes *p12;

  ensure_fixture ();
  chain = scm_ca_get_chain (shared_ca);
  p12 = scm_pkcs12_build (leaf_key, leaf_cert, chain, friendly_name, password, protection, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p12);
  return p12;
}

static void
check_parse (GBytes     *p12,
             const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) cert = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GPtrArray) expected = scm_ca_get_chain (shared_ca);

  g_assert_true (scm_pkcs12_parse (p12, password, &key, &cert, &chain, &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (key, leaf_key));
  g_assert_true (g_bytes_equal (cert, leaf_cert));
  g_assert_cmpuint (chain->len, ==, expected->len);
  for (guint i = 0; i < chain->len; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < expected->len; j++)
        found = found || g_bytes_equal (g_ptr_array_index (chain, i),
                                        g_ptr_array_index (expected, j));
      g_assert_true (found);
    }

  g_assert_false (scm_pkcs12_parse (p12, "wrong password", &key, NULL, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);
}

/* `openssl pkcs12 -info` opens it and names the algorithms. OpenSSL 3.0
 * reads pbeWithSHA1And3-KeyTripleDES-CBC with its default provider: no
 * -legacy is needed (only RC2 and RC4 would need it). */
static void
check_openssl (const char *path,
               const char *password,
               const char *bag_algorithm,
               const char *mac)
{
  g_autofree char *pass_arg = g_strconcat ("pass:", password, NULL);
  g_autofree char *out = NULL;
  g_autofree char *encrypted = g_strconcat ("PKCS7 Encrypted data: ", bag_algorithm, NULL);
  g_autofree char *shrouded = g_strconcat ("Shrouded Keybag: ", bag_algorithm, NULL);

  if (!scm_test_require_tool ("openssl", "openssl"))
    return;

  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "pkcs12", "-info", "-nokeys",
                                  "-in", path, "-passin", pass_arg, NULL), ==, 0);
  g_assert_nonnull (strstr (out, mac));
  g_assert_nonnull (strstr (out, encrypted));
  g_assert_nonnull (strstr (out, shrouded));
  g_assert_null (strstr (out, "RC2"));
  g_assert_nonnull (strstr (out, "friendlyName: " FRIENDLY_NAME));
  g_assert_nonnull (strstr (out, "localKeyID:"));
  /* The leaf and the two CA certificates. */
  g_assert_nonnull (strstr (out, "subject=CN = ada@example.com"));
  g_assert_nonnull (strstr (out, "subject=O = Example Org, CN = Example Org Client Issuing CA"));
  g_assert_nonnull (strstr (out, "subject=O = Example Org, CN = Example Org Root CA"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "pkcs12", "-info", "-nokeys",
                                  "-in", path, "-passin", "pass:wrong", NULL), !=, 0);
  g_assert_nonnull (strstr (out, "Mac verify error"));
}

static void
check_nss (const char *dir,
           const char *path,
           const char *password)
{
  g_autofree char *db_dir = g_build_filename (dir, "nss", NULL);
  g_autofree char *db = g_strconcat ("sql:", db_dir, NULL);
  g_autofree char *out = NULL;

  if (!scm_test_require_tool ("pk12util", "libnss3-tools"))
    return;

  g_assert_cmpint (g_mkdir (db_dir, 0700), ==, 0);
  g_assert_cmpint (scm_test_tool (&out, home_dir, "certutil", "-N", "--empty-password",
                                  "-d", db, NULL), ==, 0);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (scm_test_tool (&out, home_dir, "pk12util", "-i", path, "-d", db,
                                  "-W", "wrong", NULL), !=, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (scm_test_tool (&out, home_dir, "pk12util", "-i", path, "-d", db,
                                  "-W", password, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "PKCS12 IMPORT SUCCESSFUL"));
  g_clear_pointer (&out, g_free);

  /* The friendly name became the nickname, and the key came along. */
  g_assert_cmpint (scm_test_tool (&out, home_dir, "certutil", "-L", "-d", db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, FRIENDLY_NAME));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (scm_test_tool (&out, home_dir, "certutil", "-K", "-d", db, NULL), ==, 0);
  g_assert_nonnull (strstr (out, FRIENDLY_NAME));
}

static void
check_gnutls (const char *path,
              const char *password)
{
  g_autofree char *out = NULL;

  if (!scm_test_require_tool ("certtool", "gnutls-bin"))
    return;

  g_assert_cmpint (scm_test_tool (&out, home_dir, "certtool", "--p12-info", "--inder",
                                  "--infile", path, "--password", password, NULL), ==, 0);
  g_assert_nonnull (strstr (out, FRIENDLY_NAME));
  g_assert_nonnull (strstr (out, "BEGIN CERTIFICATE"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (scm_test_tool (&out, home_dir, "certtool", "--p12-info", "--inder",
                                  "--infile", path, "--password", "wrong", NULL), !=, 0);
}

static void
check_java (const char *dir,
            const char *path,
            const char *password)
{
  g_autofree char *jks = g_build_filename (dir, "imported.jks", NULL);
  g_autofree char *out = NULL;
  g_autofree char *lower_name = g_ascii_strdown (FRIENDLY_NAME, -1);

  if (!scm_test_require_tool ("keytool", "default-jre-headless"))
    return;

  g_assert_cmpint (scm_test_tool (&out, home_dir, "keytool", "-importkeystore",
                                  "-srckeystore", path, "-srcstoretype", "PKCS12",
                                  "-srcstorepass", password, "-destkeystore", jks,
                                  "-deststoretype", "JKS", "-deststorepass", "changeit",
                                  "-noprompt", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  /* Java lower-cases aliases; the entry holds the key and its chain. */
  g_assert_cmpint (scm_test_tool (&out, home_dir, "keytool", "-list", "-v", "-keystore", jks,
                                  "-storepass", "changeit", NULL), ==, 0);
  g_assert_nonnull (strstr (out, lower_name));
  g_assert_nonnull (strstr (out, "PrivateKeyEntry"));
  g_assert_nonnull (strstr (out, "Certificate chain length: 3"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (scm_test_tool (&out, home_dir, "keytool", "-list", "-keystore", path,
                                  "-storetype", "PKCS12", "-storepass", "wrong", NULL), !=, 0);
  g_assert_nonnull (strstr (out, "password"));
}

static void
check_protection (ScmPkcs12Protection protection,
                  const char         *bag_algorithm,
                  const char         *mac)
{
  g_autoptr(GBytes) p12 = build (protection, PASSWORD, FRIENDLY_NAME);
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-p12-XXXXXX");
  g_autofree char *path = scm_test_write_file (dir, "ada.p12", p12);

  check_parse (p12, PASSWORD);
  check_openssl (path, PASSWORD, bag_algorithm, mac);
  check_nss (dir, path, PASSWORD);
  check_gnutls (path, PASSWORD);
  check_java (dir, path, PASSWORD);

  scm_test_remove_tree (dir);
}

static void
test_aes256_sha256 (void)
{
  g_autofree char *iterations = g_strdup_printf ("Iteration %d", SCM_PKCS12_AES256_SHA256_ITERATIONS);
  g_autofree char *bags = g_strdup_printf ("PBES2, PBKDF2, AES-256-CBC, %s, PRF hmacWithSHA256",
                                           iterations);
  g_autofree char *mac = g_strdup_printf ("MAC: sha256, %s", iterations);

  check_protection (SCM_PKCS12_AES256_SHA256, bags, mac);
}

static void
test_tripledes_sha1 (void)
{
  g_autofree char *iterations = g_strdup_printf ("Iteration %d", SCM_PKCS12_TRIPLEDES_SHA1_ITERATIONS);
  g_autofree char *bags = g_strdup_printf ("pbeWithSHA1And3-KeyTripleDES-CBC, %s", iterations);
  g_autofree char *mac = g_strdup_printf ("MAC: sha1, %s", iterations);

  check_protection (SCM_PKCS12_TRIPLEDES_SHA1, bags, mac);
}

static void
test_empty_password (void)
{
  g_autoptr(GBytes) p12 = build (SCM_PKCS12_AES256_SHA256, "", FRIENDLY_NAME);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cert = NULL;
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-p12-XXXXXX");
  g_autofree char *path = scm_test_write_file (dir, "empty.p12", p12);
  g_autofree char *out = NULL;

  g_assert_true (scm_pkcs12_parse (p12, "", NULL, &cert, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (cert, leaf_cert));
  g_clear_pointer (&cert, g_bytes_unref);
  g_assert_true (scm_pkcs12_parse (p12, NULL, NULL, &cert, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (scm_pkcs12_parse (p12, "x", NULL, NULL, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE);

  if (scm_test_require_tool ("openssl", "openssl"))
    g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "pkcs12", "-info", "-nokeys",
                                    "-in", path, "-passin", "pass:", NULL), ==, 0);

  scm_test_remove_tree (dir);
}

static void
test_password_rules (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GBytes) p12 = NULL;
  const char *good[] = { "", "a", "Sw0rdfish! ~`{}|\\\"'", "with spaces inside" };
  const char *bad[] = { "pässword", "tab\there", "new\nline", "\x7f" "del", "€uro" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_assert_true (scm_pkcs12_check_password (good[i], &error));
      g_assert_no_error (error);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (scm_pkcs12_check_password (bad[i], &error));
      g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "ASCII"));
      g_clear_error (&error);
    }
  g_assert_false (scm_pkcs12_check_password (NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  /* scm_pkcs12_build applies the same rule. */
  ensure_fixture ();
  chain = scm_ca_get_chain (shared_ca);
  p12 = scm_pkcs12_build (leaf_key, leaf_cert, chain, NULL, "pässword",
                          SCM_PKCS12_AES256_SHA256, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_null (p12);
}

static void
test_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) other_key = NULL;
  g_autoptr(GBytes) p12 = NULL;
  g_autoptr(GBytes) garbage = g_bytes_new_static ("garbage", 7);
  g_autoptr(GBytes) cert = NULL;

  ensure_fixture ();

  /* A key that is not the certificate's. */
  other_key = scm_key_generate (SCM_KEY_TYPE_EC_P256, &error);
  g_assert_no_error (error);
  p12 = scm_pkcs12_build (other_key, leaf_cert, NULL, NULL, PASSWORD,
                          SCM_PKCS12_AES256_SHA256, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "does not belong"));
  g_assert_null (p12);
  g_clear_error (&error);

  p12 = scm_pkcs12_build (leaf_key, garbage, NULL, NULL, PASSWORD,
                          SCM_PKCS12_AES256_SHA256, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  p12 = scm_pkcs12_build (leaf_key, leaf_cert, NULL, NULL, PASSWORD,
                          (ScmPkcs12Protection) 7, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (scm_pkcs12_parse (garbage, PASSWORD, NULL, &cert, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_null (cert);
  g_clear_error (&error);

  /* Without a chain the file still holds the key and certificate. */
  p12 = scm_pkcs12_build (leaf_key, leaf_cert, NULL, NULL, PASSWORD,
                          SCM_PKCS12_TRIPLEDES_SHA1, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) chain = NULL;

    g_assert_true (scm_pkcs12_parse (p12, PASSWORD, NULL, &cert, &chain, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (chain->len, ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* NSS and Java may write under HOME; give them a throwaway one. */
  home_dir = scm_test_make_tmp_dir ("scm-p12-home-XXXXXX");

  g_test_add_func ("/pkcs12/aes256-sha256", test_aes256_sha256);
  g_test_add_func ("/pkcs12/tripledes-sha1", test_tripledes_sha1);
  g_test_add_func ("/pkcs12/empty-password", test_empty_password);
  g_test_add_func ("/pkcs12/password-rules", test_password_rules);
  g_test_add_func ("/pkcs12/refused", test_refused);

  status = g_test_run ();

  g_clear_object (&shared_ca);
  g_clear_pointer (&leaf_key, g_bytes_unref);
  g_clear_pointer (&leaf_cert, g_bytes_unref);
  scm_test_remove_tree (home_dir);
  g_free (home_dir);
  return status;
}
