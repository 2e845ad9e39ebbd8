/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "scm-types.h"

static void
test_key_type_round_trip (void)
{
  ScmKeyType type;

  g_assert_true (scm_key_type_from_string ("EC-P256", &type));
  g_assert_cmpint (type, ==, SCM_KEY_TYPE_EC_P256);
  g_assert_cmpstr (scm_key_type_to_string (SCM_KEY_TYPE_RSA_4096), ==, "RSA-4096");
  g_assert_false (scm_key_type_from_string ("RSA-1024", &type));
  g_assert_false (scm_key_type_from_string (NULL, &type));
}

static void
test_protection_names (void)
{
  ScmPkcs12Protection protection;

  g_assert_true (scm_pkcs12_protection_from_string ("TripleDES-SHA1", &protection));
  g_assert_cmpint (protection, ==, SCM_PKCS12_TRIPLEDES_SHA1);
  g_assert_false (scm_pkcs12_protection_from_string ("RC2-40", &protection));
}

static void
test_revocation_reason_codes (void)
{
  ScmRevocationReason reason;

  /* The enum values are the RFC 5280 CRLReason codes written into CRLs. */
  g_assert_true (scm_revocation_reason_from_string ("key-compromise", &reason));
  g_assert_cmpint (reason, ==, 1);
  g_assert_true (scm_revocation_reason_from_string ("cessation-of-operation", &reason));
  g_assert_cmpint (reason, ==, 5);
  g_assert_false (scm_revocation_reason_from_string ("ca-compromise", &reason));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/types/key-type", test_key_type_round_trip);
  g_test_add_func ("/types/protection", test_protection_names);
  g_test_add_func ("/types/revocation-reason", test_revocation_reason_codes);

  return g_test_run ();
}
