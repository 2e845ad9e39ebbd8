/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enrollctl"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "scm-authority.h"
#include "scm-ctl-private.h"
#include "scm-error.h"
#include "scm-secret.h"
#include "scm-x509.h"

int
scm_ctl_issue (ScmCtl *ctl,
               int     argc,
               char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *profile_name = NULL;
  g_autofree char *key_type_name = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *protection_name = NULL;
  g_autofree char *csr_file = NULL;
  g_autofree char *out = NULL;
  g_autoptr (ScmPerson) person = NULL;
  g_autoptr (ScmProfile) profile = NULL;
  g_autoptr (ScmIssueResult) result = NULL;
  g_autoptr (GBytes) csr = NULL;
  char *password = NULL;
  int term = 0;
  ScmIssueRequest request = { 0 };
  ScmAuthority *authority;
  ScmStore *store;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name,
      N_("Certificate profile (e.g. “Client Authentication”)"), N_("NAME") },
    { "key-type", 0, 0, G_OPTION_ARG_STRING, &key_type_name,
      N_("RSA-2048, RSA-3072, RSA-4096, EC-P256 or EC-P384 (default EC-P256)"), N_("TYPE") },
    { "term", 0, 0, G_OPTION_ARG_INT, &term,
      N_("Validity in days, one the profile offers (default: its shortest)"), N_("DAYS") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Read the PKCS#12 password from FILE (“-”: standard input)"), N_("FILE") },
    { "protection", 0, 0, G_OPTION_ARG_STRING, &protection_name,
      N_("AES256-SHA256 (default) or TripleDES-SHA1 for older systems"), N_("P") },
    { "csr", 0, 0, G_OPTION_ARG_FILENAME, &csr_file,
      N_("Sign this certificate request instead of generating a key; --out then gets the certificate and chain as PEM"), N_("FILE") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("Write the PKCS#12 file (or PEM with --csr) here"), N_("FILE") },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("EMAIL"), _("Issue a certificate to a registered person, as an administrator."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected the person's EMAIL"));
  if (profile_name == NULL)
    return scm_ctl_usage_error (ctl, _("--profile is required"));
  if (out == NULL)
    return scm_ctl_usage_error (ctl, _("--out is required"));
  if (csr_file == NULL && password_file == NULL)
    return scm_ctl_usage_error (ctl, _("--password-file is required (the PKCS#12 password)"));
  if (term < 0)
    return scm_ctl_usage_error (ctl, _("--term must be a positive number of days"));

  request.key_type = SCM_KEY_TYPE_EC_P256;
  if (key_type_name != NULL && !scm_key_type_from_string (key_type_name, &request.key_type))
    return scm_ctl_usage_error (ctl, _("unknown key type “%s”; use RSA-2048, RSA-3072, RSA-4096, EC-P256 or EC-P384"),
                                key_type_name);
  request.protection = SCM_PKCS12_AES256_SHA256;
  if (protection_name != NULL && !scm_pkcs12_protection_from_string (protection_name, &request.protection))
    return scm_ctl_usage_error (ctl, _("unknown protection “%s”; use AES256-SHA256 or TripleDES-SHA1"),
                                protection_name);
  if (g_file_test (out, G_FILE_TEST_EXISTS))
    return scm_ctl_fail (ctl, g_error_new (G_FILE_ERROR, G_FILE_ERROR_EXIST,
                                           _("%s already exists; choose another file name or remove it first"), out));

  if (csr_file != NULL)
    {
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (!g_file_get_contents (csr_file, &contents, &len, &error))
        return scm_ctl_fail (ctl, g_steal_pointer (&error));
      csr = g_bytes_new_take (g_steal_pointer (&contents), len);
    }

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  person = scm_store_find_person_by_email (store, argv[1], &error);
  if (person == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  profile = scm_store_find_profile_by_name (store, profile_name, &error);
  if (profile == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  if (csr == NULL)
    {
      password = scm_ctl_read_secret (password_file, _("PKCS#12 password: "), &error);
      if (password == NULL)
        return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  request.person = person;
  request.profile = profile;
  request.term_days = (guint) term;
  request.csr = csr;
  request.pkcs12_password = password;
  request.requested_via = SCM_REQUESTED_VIA_ADMIN;

  result = scm_authority_issue (authority, &request, NULL, &error);
  scm_secret_free (password);
  if (result == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  if (result->pkcs12 != NULL)
    {
      if (!scm_ctl_write_new_file (out, result->pkcs12, &error))
        return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }
  else
    {
      g_autoptr (GBytes) pem = scm_x509_der_to_pem (result->certificate_der);
      g_autoptr (GByteArray) both = g_byte_array_new ();
      g_autoptr (GBytes) data = NULL;

      g_byte_array_append (both, g_bytes_get_data (pem, NULL), g_bytes_get_size (pem));
      g_byte_array_append (both, g_bytes_get_data (result->chain_pem, NULL),
                           g_bytes_get_size (result->chain_pem));
      data = g_byte_array_free_to_bytes (g_steal_pointer (&both));
      if (!scm_ctl_write_new_file (out, data, &error))
        return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  g_print ("%s\n", scm_certificate_get_serial (result->certificate));
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_revoke (ScmCtl *ctl,
                int     argc,
                char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *reason_name = NULL;
  g_autofree char *person = NULL;
  ScmRevocationReason reason = SCM_REVOCATION_UNSPECIFIED;
  ScmAuthority *authority;
  const GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason_name,
      N_("unspecified, key-compromise, affiliation-changed, superseded or cessation-of-operation"), N_("R") },
    { "person", 0, 0, G_OPTION_ARG_STRING, &person,
      N_("Revoke every valid certificate of this person instead of one SERIAL"), N_("EMAIL") },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("(SERIAL | --person EMAIL)"), _("Revoke a certificate, or all of a person's, and publish a new CRL."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != (person != NULL ? 1 : 2))
    return scm_ctl_usage_error (ctl, _("expected the certificate's SERIAL (hex), or --person EMAIL"));
  if (reason_name != NULL && !scm_revocation_reason_from_string (reason_name, &reason))
    return scm_ctl_usage_error (ctl, _("unknown reason “%s”; use unspecified, key-compromise, "
                                       "affiliation-changed, superseded or cessation-of-operation"),
                                reason_name);
  if (person != NULL)
    return scm_ctl_revoke_person (ctl, person, reason);

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!scm_authority_revoke (authority, argv[1], reason, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  g_print (_("Revoked %s\n"), argv[1]);
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_crl (ScmCtl *ctl,
             int     argc,
             char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) crl = NULL;
  g_autoptr (GBytes) pem = NULL;
  gboolean der = FALSE;
  ScmAuthority *authority;
  GBytes *data;
  const GOptionEntry entries[] = {
    { "der", 0, 0, G_OPTION_ARG_NONE, &der, N_("Write DER instead of PEM"), NULL },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("FILE"), _("Write the current CRL (re-signed when it is due); “-” writes to standard output."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected one FILE"));

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  crl = scm_authority_get_crl (authority, &error);
  if (crl == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  data = crl;
  if (!der)
    data = pem = scm_x509_crl_to_pem (crl);

  if (g_str_equal (argv[1], "-"))
    fwrite (g_bytes_get_data (data, NULL), 1, g_bytes_get_size (data), stdout);
  else if (!g_file_set_contents (argv[1], g_bytes_get_data (data, NULL), g_bytes_get_size (data), &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  return SCM_CTL_EXIT_OK;
}
