/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "scm-error.h"
#include "scm-key.h"
#include "scm-openssl-private.h"
#include "scm-test-tools.h"

#define N_KEY_TYPES 5

/* Generated once: RSA-4096 takes seconds. */
static GBytes *keys[N_KEY_TYPES];

static GBytes *
get_key (ScmKeyType type)
{
  if (keys[type] == NULL)
    {
      g_autoptr(GError) error = NULL;

      keys[type] = scm_key_generate (type, &error);
      g_assert_no_error (error);
      g_assert_nonnull (keys[type]);
    }
  return keys[type];
}

static EVP_PKEY *
parse_spki (GBytes *spki)
{
  gsize len;
  const guchar *p = g_bytes_get_data (spki, &len);
  EVP_PKEY *pkey = d2i_PUBKEY (NULL, &p, (long) len);

  g_assert_nonnull (pkey);
  return pkey;
}

static GBytes *
openssl_make_spki (const char *algorithm,
                   const char *option)
{
  g_autoptr(EVP_PKEY) pkey = NULL;
  guchar *der = NULL;
  int len;
  GBytes *bytes;

  if (g_str_equal (algorithm, "RSA"))
    pkey = EVP_PKEY_Q_keygen (NULL, NULL, "RSA", (size_t) atoi (option));
  else if (g_str_equal (algorithm, "EC"))
    pkey = EVP_PKEY_Q_keygen (NULL, NULL, "EC", option);
  else
    pkey = EVP_PKEY_Q_keygen (NULL, NULL, algorithm);
  g_assert_nonnull (pkey);
  len = i2d_PUBKEY (pkey, &der);
  g_assert_cmpint (len, >, 0);
  bytes = g_bytes_new (der, len);
  OPENSSL_free (der);
  return bytes;
}

static void
check_generated (ScmKeyType type,
                 int        bits,
                 const char *curve)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) spki = NULL;
  g_autoptr(EVP_PKEY) pkey = NULL;
  g_autoptr(GBytes) other = NULL;
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-key-XXXXXX");
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  GBytes *key = get_key (type);
  ScmKeyType found = (ScmKeyType) -1;

  /* The private key is unencrypted PKCS#8 DER that openssl reads. */
  path = scm_test_write_file (dir, "key.der", key);
  if (!scm_test_require_tool ("openssl", "openssl"))
    {
      scm_test_remove_tree (dir);
      return;
    }
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "pkey", "-inform", "DER",
                                  "-in", path, "-noout", "-text", NULL), ==, 0);
  g_assert_true (scm_key_get_type (key, &found, &error));
  g_assert_no_error (error);
  g_assert_cmpint (found, ==, type);

  spki = scm_key_get_public (key, &error);
  g_assert_no_error (error);
  found = (ScmKeyType) -1;
  g_assert_true (scm_key_get_type (spki, &found, &error));
  g_assert_no_error (error);
  g_assert_cmpint (found, ==, type);

  pkey = parse_spki (spki);
  g_assert_cmpint (EVP_PKEY_get_bits (pkey), ==, bits);
  if (curve == NULL)
    {
      g_autoptr(BIGNUM) e = NULL;

      g_assert_true (EVP_PKEY_is_a (pkey, "RSA"));
      g_assert_true (EVP_PKEY_get_bn_param (pkey, OSSL_PKEY_PARAM_RSA_E, &e));
      g_assert_cmpint (BN_get_word (e), ==, 65537);
    }
  else
    {
      char name[64];
      char encoding[64];

      g_assert_true (EVP_PKEY_is_a (pkey, "EC"));
      g_assert_true (EVP_PKEY_get_utf8_string_param (pkey, OSSL_PKEY_PARAM_GROUP_NAME,
                                                     name, sizeof name, NULL));
      g_assert_cmpstr (name, ==, curve);
      /* A named curve, not explicit parameters (RFC 5480). */
      g_assert_true (EVP_PKEY_get_utf8_string_param (pkey, OSSL_PKEY_PARAM_EC_ENCODING,
                                                     encoding, sizeof encoding, NULL));
      g_assert_cmpstr (encoding, ==, OSSL_PKEY_EC_ENCODING_GROUP);
      g_assert_nonnull (strstr (out, curve));
    }

  /* Keys are fresh each time. */
  if (type != SCM_KEY_TYPE_RSA_4096)
    {
      other = scm_key_generate (type, &error);
      g_assert_no_error (error);
      g_assert_false (g_bytes_equal (other, key));
    }

  scm_test_remove_tree (dir);
}

static void
test_generate_rsa_2048 (void)
{
  check_generated (SCM_KEY_TYPE_RSA_2048, 2048, NULL);
}

static void
test_generate_rsa_3072 (void)
{
  check_generated (SCM_KEY_TYPE_RSA_3072, 3072, NULL);
}

static void
test_generate_rsa_4096 (void)
{
  check_generated (SCM_KEY_TYPE_RSA_4096, 4096, NULL);
}

static void
test_generate_ec_p256 (void)
{
  check_generated (SCM_KEY_TYPE_EC_P256, 256, "prime256v1");
}

static void
test_generate_ec_p384 (void)
{
  check_generated (SCM_KEY_TYPE_EC_P384, 384, "secp384r1");
}

static void
check_refused (GBytes     *key,
               const char *named)
{
  g_autoptr(GError) error = NULL;
  ScmKeyType type = SCM_KEY_TYPE_EC_P256;

  g_assert_false (scm_key_get_type (key, &type, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_POLICY);
  g_assert_nonnull (strstr (error->message, named));
  g_assert_cmpint (type, ==, SCM_KEY_TYPE_EC_P256);
}

static void
test_refuse_other_keys (void)
{
  g_autoptr(GBytes) rsa1024 = openssl_make_spki ("RSA", "1024");
  g_autoptr(GBytes) rsa2047 = openssl_make_spki ("RSA", "2047");
  g_autoptr(GBytes) k256 = openssl_make_spki ("EC", "secp256k1");
  g_autoptr(GBytes) p521 = openssl_make_spki ("EC", "P-521");
  g_autoptr(GBytes) ed25519 = openssl_make_spki ("ED25519", NULL);
  g_autoptr(GBytes) dsa = NULL;
  g_autoptr(GBytes) garbage = g_bytes_new_static ("not a key", 9);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-key-XXXXXX");
  g_autofree char *dsa_path = g_build_filename (dir, "dsa.der", NULL);
  g_autofree char *params_path = g_build_filename (dir, "dsa-params.pem", NULL);
  g_autofree char *key_path = g_build_filename (dir, "dsa-key.pem", NULL);
  g_autofree char *out = NULL;

  check_refused (rsa1024, "RSA-1024");
  check_refused (rsa2047, "RSA-2047");
  check_refused (k256, "secp256k1");
  check_refused (p521, "EC-P521");
  check_refused (ed25519, "Ed25519");

  /* DSA: generated by the openssl tool (EVP_PKEY_Q_keygen has no DSA). */
  if (!scm_test_require_tool ("openssl", "openssl"))
    {
      scm_test_remove_tree (dir);
      return;
    }
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "genpkey", "-genparam",
                                  "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:1024",
                                  "-out", params_path, NULL), ==, 0);
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "genpkey", "-paramfile", params_path,
                                  "-out", key_path, NULL), ==, 0);
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "pkey", "-in", key_path, "-pubout",
                                  "-outform", "DER", "-out", dsa_path, NULL), ==, 0);
  dsa = scm_test_read_file (dsa_path);
  check_refused (dsa, "DSA");

  g_assert_false (scm_key_get_type (garbage, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (scm_key_get_public (garbage, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  /* A public key is not a private key. */
  g_assert_null (scm_key_get_public (k256, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);

  scm_test_remove_tree (dir);
}

static GBytes *
pem_csr_to_der (GBytes *pem)
{
  gsize len;
  const char *data = g_bytes_get_data (pem, &len);
  g_autoptr(BIO) bio = BIO_new_mem_buf (data, (int) len);
  g_autoptr(X509_REQ) req = PEM_read_bio_X509_REQ (bio, NULL, NULL, NULL);
  guchar *der = NULL;
  int der_len;
  GBytes *bytes;

  g_assert_nonnull (req);
  der_len = i2d_X509_REQ (req, &der);
  g_assert_cmpint (der_len, >, 0);
  bytes = g_bytes_new (der, der_len);
  OPENSSL_free (der);
  return bytes;
}

static void
check_csr_round_trip (ScmKeyType type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) csr = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GBytes) spki = NULL;
  g_autoptr(GBytes) parsed = NULL;
  g_autoptr(GBytes) parsed_der = NULL;
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-csr-XXXXXX");
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  GBytes *key = get_key (type);
  ScmKeyType found = (ScmKeyType) -1;
  gsize len;
  const char *data;

  if (!scm_test_require_tool ("openssl", "openssl"))
    {
      scm_test_remove_tree (dir);
      return;
    }
  csr = scm_csr_create (key, "ada@example.com", &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (csr, &len);
  g_assert_true (g_str_has_prefix (data, "-----BEGIN CERTIFICATE REQUEST-----"));

  /* openssl checks the self-signature and shows the subject and SAN. */
  path = scm_test_write_file (dir, "csr.pem", csr);
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "req", "-in", path, "-verify",
                                  "-noout", "-text", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "CN = ada@example.com"));
  g_assert_nonnull (strstr (out, "email:ada@example.com"));

  spki = scm_key_get_public (key, &error);
  g_assert_no_error (error);
  parsed = scm_csr_parse (data, len, &found, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (parsed, spki));
  g_assert_cmpint (found, ==, type);

  der = pem_csr_to_der (csr);
  found = (ScmKeyType) -1;
  parsed_der = scm_csr_parse (g_bytes_get_data (der, NULL), g_bytes_get_size (der),
                              &found, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (parsed_der, spki));
  g_assert_cmpint (found, ==, type);

  scm_test_remove_tree (dir);
}

static void
test_csr_round_trip (void)
{
  check_csr_round_trip (SCM_KEY_TYPE_RSA_2048);
  check_csr_round_trip (SCM_KEY_TYPE_EC_P256);
  check_csr_round_trip (SCM_KEY_TYPE_EC_P384);
}

static void
test_csr_long_email (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) csr = NULL;
  g_autoptr(GBytes) spki = NULL;
  /* Longer than commonName's 64 characters: only the SAN carries it. */
  const char *email = "a.very.long.local.part.for.testing.purposes@subdomain.example.com";

  g_assert_cmpint (strlen (email), >, 64);
  csr = scm_csr_create (get_key (SCM_KEY_TYPE_EC_P256), email, &error);
  g_assert_no_error (error);
  spki = scm_csr_parse (g_bytes_get_data (csr, NULL), g_bytes_get_size (csr), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (spki);
}

static void
test_csr_from_openssl (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) csr = NULL;
  g_autoptr(GBytes) spki = NULL;
  g_autofree char *dir = scm_test_make_tmp_dir ("scm-csr-XXXXXX");
  g_autofree char *key = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *path = g_build_filename (dir, "csr.pem", NULL);
  g_autofree char *weak = g_build_filename (dir, "weak.pem", NULL);
  g_autofree char *out = NULL;
  ScmKeyType found = (ScmKeyType) -1;

  if (!scm_test_require_tool ("openssl", "openssl"))
    {
      scm_test_remove_tree (dir);
      return;
    }
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "req", "-new", "-newkey", "ec",
                                  "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes",
                                  "-subj", "/CN=Someone", "-keyout", key, "-out", path,
                                  NULL), ==, 0);
  csr = scm_test_read_file (path);
  spki = scm_csr_parse (g_bytes_get_data (csr, NULL), g_bytes_get_size (csr), &found, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found, ==, SCM_KEY_TYPE_EC_P384);
  g_clear_pointer (&csr, g_bytes_unref);
  g_clear_pointer (&spki, g_bytes_unref);

  /* A well-formed CSR with a key the profiles never allow. */
  g_assert_cmpint (scm_test_tool (&out, NULL, "openssl", "req", "-new", "-newkey", "rsa:1024",
                                  "-nodes", "-subj", "/CN=Someone", "-keyout", key,
                                  "-out", weak, NULL), ==, 0);
  csr = scm_test_read_file (weak);
  spki = scm_csr_parse (g_bytes_get_data (csr, NULL), g_bytes_get_size (csr), &found, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_POLICY);
  g_assert_nonnull (strstr (error->message, "RSA-1024"));
  g_assert_null (spki);

  scm_test_remove_tree (dir);
}

static void
test_csr_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) csr = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GBytes) result = NULL;
  g_autofree guchar *tampered = NULL;
  gsize len;
  const char *garbage = "hello, world";
  const char *not_csr = "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgY3Ny\n"
                        "-----END CERTIFICATE REQUEST-----\n";

  result = scm_csr_parse (garbage, strlen (garbage), NULL, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "This is not a certificate signing request"));
  g_assert_null (result);
  g_clear_error (&error);

  result = scm_csr_parse (not_csr, strlen (not_csr), NULL, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "This is not a certificate signing request"));
  g_clear_error (&error);

  result = scm_csr_parse (NULL, 0, NULL, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  /* Change one bit of the subject: the signature no longer covers it. */
  csr = scm_csr_create (get_key (SCM_KEY_TYPE_RSA_2048), "ada@example.com", &error);
  g_assert_no_error (error);
  der = pem_csr_to_der (csr);
  len = g_bytes_get_size (der);
  tampered = g_memdup2 (g_bytes_get_data (der, NULL), len);
  {
    guchar *at = NULL;

    for (gsize i = 0; at == NULL && i + 15 <= len; i++)
      if (memcmp (tampered + i, "ada@example.com", 15) == 0)
        at = tampered + i;
    g_assert_nonnull (at);
    at[0] = 'b';
  }
  result = scm_csr_parse (tampered, len, NULL, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "The CSR's signature does not verify"));
  g_assert_null (result);
  g_clear_error (&error);

  /* Trailing garbage after the DER is not accepted either. */
  {
    g_autoptr(GByteArray) longer = g_byte_array_new ();

    g_byte_array_append (longer, g_bytes_get_data (der, NULL), len);
    g_byte_array_append (longer, (const guint8 *) "xx", 2);
    result = scm_csr_parse (longer->data, longer->len, NULL, &error);
    g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
    g_clear_error (&error);
  }

  /* scm_csr_create checks its own inputs. */
  result = scm_csr_create (get_key (SCM_KEY_TYPE_EC_P256), "not an address", &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not an address"));
  g_assert_null (result);
  g_clear_error (&error);

  {
    g_autoptr(GBytes) junk = g_bytes_new_static ("junk", 4);

    result = scm_csr_create (junk, "ada@example.com", &error);
    g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
    g_assert_null (result);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/key/generate/rsa-2048", test_generate_rsa_2048);
  g_test_add_func ("/key/generate/rsa-3072", test_generate_rsa_3072);
  g_test_add_func ("/key/generate/rsa-4096", test_generate_rsa_4096);
  g_test_add_func ("/key/generate/ec-p256", test_generate_ec_p256);
  g_test_add_func ("/key/generate/ec-p384", test_generate_ec_p384);
  g_test_add_func ("/key/refuse-other-keys", test_refuse_other_keys);
  g_test_add_func ("/key/csr/round-trip", test_csr_round_trip);
  g_test_add_func ("/key/csr/long-email", test_csr_long_email);
  g_test_add_func ("/key/csr/from-openssl", test_csr_from_openssl);
  g_test_add_func ("/key/csr/refused", test_csr_refused);

  status = g_test_run ();
  for (int i = 0; i < N_KEY_TYPES; i++)
    g_clear_pointer (&keys[i], g_bytes_unref);
  return status;
}
