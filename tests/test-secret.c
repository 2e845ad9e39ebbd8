/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "scm-error.h"
#include "scm-secret.h"

static const guint8 test_key[SCM_INSTALLATION_KEY_SIZE] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void
assert_alphabet (const char *secret,
                 gsize       symbols,
                 gsize       group)
{
  gsize seen = 0;

  for (gsize i = 0; secret[i] != '\0'; i++)
    {
      if ((i + 1) % (group + 1) == 0)
        {
          g_assert_cmpint (secret[i], ==, '-');
          continue;
        }
      g_assert_nonnull (strchr ("23456789ABCDEFGHJKLMNPQRSTUVWXYZ", secret[i]));
      seen++;
    }
  g_assert_cmpuint (seen, ==, symbols);
}

static void
test_generated_shapes (void)
{
  char *secret_id = scm_secret_generate (SCM_SECRET_KIND_SECRET_ID);
  char *access_code = scm_secret_generate (SCM_SECRET_KIND_ACCESS_CODE);
  char *password = scm_secret_generate (SCM_SECRET_KIND_PKCS12_PASSWORD);
  char *code = scm_secret_generate (SCM_SECRET_KIND_CONFIRMATION_CODE);
  g_autofree char *hex = scm_random_hex (16);

  /* 5 bits a symbol: 20 → 100 bits, 16 → 80 bits. */
  assert_alphabet (secret_id, 20, 4);
  assert_alphabet (access_code, 16, 4);
  assert_alphabet (password, 20, 5);
  g_assert_cmpuint (strlen (code), ==, 8);
  for (const char *p = code; *p; p++)
    g_assert_true (g_ascii_isdigit (*p));
  g_assert_cmpuint (strlen (hex), ==, 32);

  /* Generated secrets pass the strength check they impose on typed ones. */
  g_assert_true (scm_secret_check_strength (secret_id, NULL));
  g_assert_true (scm_secret_check_strength (access_code, NULL));

  scm_secret_free (secret_id);
  scm_secret_free (access_code);
  scm_secret_free (password);
  scm_secret_free (code);
}

static void
test_generated_are_distinct (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint counts[32] = { 0 };
  const char *alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

  for (guint i = 0; i < 2000; i++)
    {
      char *s = scm_secret_generate (SCM_SECRET_KIND_ACCESS_CODE);

      g_assert_false (g_hash_table_contains (seen, s));
      for (const char *p = s; *p; p++)
        if (*p != '-')
          counts[strchr (alphabet, *p) - alphabet]++;
      g_hash_table_add (seen, s);
    }

  /* 32,000 symbols: each of the 32 should appear about 1,000 times. */
  for (guint i = 0; i < 32; i++)
    g_assert_cmpuint (counts[i], >, 700);
}

static void
test_strength (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (scm_secret_check_strength ("password123", &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_WEAK_SECRET);
  g_clear_error (&error);

  g_assert_false (scm_secret_check_strength ("aaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL));
  g_assert_false (scm_secret_check_strength ("123456789012345678", NULL));
  g_assert_false (scm_secret_check_strength ("Summer2024!", NULL));
  g_assert_true (scm_secret_check_strength ("correct horse battery staple 42", NULL));
  g_assert_true (scm_secret_check_strength ("Vq8#mZ2!tR5@pL9x", NULL));

  g_assert_cmpfloat (scm_secret_estimate_bits (""), ==, 0);
  g_assert_cmpfloat (scm_secret_estimate_bits ("abcdefgh"), <, scm_secret_estimate_bits ("aqzmwpex"));
}

static void
test_hash_and_verify (void)
{
  g_autofree char *hash = scm_secret_hash (test_key, SCM_SECRET_PURPOSE_SECRET_ID, "7KQF-M3XD-9WTR");
  g_autofree char *hash_other_purpose = scm_secret_hash (test_key, SCM_SECRET_PURPOSE_ACCESS_CODE, "7KQF-M3XD-9WTR");
  guint8 other_key[SCM_INSTALLATION_KEY_SIZE] = { 9 };

  g_assert_cmpuint (strlen (hash), ==, 64);
  g_assert_cmpstr (hash, !=, hash_other_purpose);

  /* What a person types: other case, spaces instead of dashes. */
  g_assert_true (scm_secret_verify (test_key, SCM_SECRET_PURPOSE_SECRET_ID, "7kqf m3xd 9wtr", hash));
  g_assert_true (scm_secret_verify (test_key, SCM_SECRET_PURPOSE_SECRET_ID, "7KQFM3XD9WTR", hash));
  g_assert_false (scm_secret_verify (test_key, SCM_SECRET_PURPOSE_SECRET_ID, "7KQF-M3XD-9WTS", hash));
  g_assert_false (scm_secret_verify (test_key, SCM_SECRET_PURPOSE_ACCESS_CODE, "7KQF-M3XD-9WTR", hash));
  g_assert_false (scm_secret_verify (other_key, SCM_SECRET_PURPOSE_SECRET_ID, "7KQF-M3XD-9WTR", hash));
  g_assert_false (scm_secret_verify (test_key, SCM_SECRET_PURPOSE_SECRET_ID, NULL, hash));
  g_assert_false (scm_secret_verify (test_key, SCM_SECRET_PURPOSE_SECRET_ID, "x", NULL));

  g_assert_true (scm_constant_time_equal ("abc", 3, "abc", 3));
  g_assert_false (scm_constant_time_equal ("abc", 3, "abd", 3));
  g_assert_false (scm_constant_time_equal ("abc", 3, "abcd", 4));
}

static void
test_installation_key (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("scm-secret-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "installation.key", NULL);
  guint8 first[SCM_INSTALLATION_KEY_SIZE], second[SCM_INSTALLATION_KEY_SIZE];
  GStatBuf st;

  g_assert_no_error (error);

  g_assert_true (scm_installation_key_load_or_create (path, first, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, SCM_INSTALLATION_KEY_SIZE);

  /* The second call reads the same key back. */
  g_assert_true (scm_installation_key_load_or_create (path, second, &error));
  g_assert_cmpmem (first, sizeof first, second, sizeof second);

  /* A key others can read is refused, with what to do. */
  g_chmod (path, 0644);
  g_assert_false (scm_installation_key_load_or_create (path, second, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_clear_error (&error);

  /* A truncated key is refused rather than silently replaced. */
  g_chmod (path, 0600);
  g_assert_true (g_file_set_contents (path, "short", 5, NULL));
  g_chmod (path, 0600);
  g_assert_false (scm_installation_key_load_or_create (path, second, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_file_create_keeps_first (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("scm-secret-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "ca.passphrase", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GDir) listing = NULL;
  GStatBuf st;
  guint entries = 0;

  /* A second creator (another program starting at the same moment) does
   * not replace the first one's secret, and leaves no temporary file. */
  g_assert_true (scm_secret_file_create (path, "first", 5, &error));
  g_assert_no_error (error);
  g_assert_true (scm_secret_file_create (path, "second", 6, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "first");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    entries++;
  g_assert_cmpuint (entries, ==, 1);

  /* A directory that cannot be written says so. */
  g_chmod (dir, 0500);
  if (access (dir, W_OK) != 0)
    {
      g_autofree char *other = g_build_filename (dir, "other", NULL);
      g_assert_false (scm_secret_file_create (other, "x", 1, &error));
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ACCES);
    }
  g_chmod (dir, 0700);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secret/generated-shapes", test_generated_shapes);
  g_test_add_func ("/secret/generated-distinct", test_generated_are_distinct);
  g_test_add_func ("/secret/strength", test_strength);
  g_test_add_func ("/secret/hash-verify", test_hash_and_verify);
  g_test_add_func ("/secret/installation-key", test_installation_key);
  g_test_add_func ("/secret/file-create-keeps-first", test_file_create_keeps_first);

  return g_test_run ();
}
