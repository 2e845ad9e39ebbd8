/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enrollctl"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "scm-authority.h"
#include "scm-ctl-private.h"
#include "scm-error.h"
#include "scm-secret.h"
#include "scm-x509.h"

/* Writes @data to @path with mode 0600, refusing to replace a file. */
int
scm_ctl_ca_show (ScmCtl *ctl,
                 int     argc,
                 char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) not_after = NULL;
  g_autofree char *until = NULL;
  ScmAuthority *authority;
  ScmCa *ca;

  if (!scm_ctl_parse_options (ctl, NULL, _("Show the issuing CA, its validity and the pin of enrollment URLs."),
                              NULL, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 1)
    return scm_ctl_usage_error (ctl, _("unexpected argument “%s”"), argv[1]);

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  ca = scm_authority_get_ca (authority);

  not_after = g_date_time_new_from_unix_utc (scm_ca_get_not_after (ca));
  until = g_date_time_format_iso8601 (not_after);
  g_print (_("Issuing CA:        %s\n"), scm_ca_get_subject (ca));
  g_print (_("Valid until:       %s\n"), until);
  g_print (_("Issuer fingerprint: sha256:%s\n"), scm_ca_get_issuing_fingerprint (ca));
  g_print (_("Root pin:          sha256=%s\n"), scm_ca_get_root_fingerprint (ca));
  g_print (_("Passphrase:        %s\n"),
           scm_authority_needs_passphrase (scm_authority_get_store (authority))
             ? _("typed (needed to unlock)") : _("embedded (ca.passphrase in the data directory)"));
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_ca_export (ScmCtl *ctl,
                   int     argc,
                   char  **argv)
{
  g_autoptr (GError) error = NULL;
  ScmAuthority *authority;
  GBytes *chain;

  if (!scm_ctl_parse_options (ctl, _("FILE.pem"), _("Write the CA certificate chain (issuing CA first) as PEM; “-” writes to standard output."),
                              NULL, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected one FILE"));

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  chain = scm_ca_get_chain_pem (scm_authority_get_ca (authority));

  if (g_str_equal (argv[1], "-"))
    {
      fwrite (g_bytes_get_data (chain, NULL), 1, g_bytes_get_size (chain), stdout);
      return SCM_CTL_EXIT_OK;
    }
  if (!scm_ctl_write_new_file (argv[1], chain, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_ca_import (ScmCtl *ctl,
                   int     argc,
                   char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *password = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) data = NULL;
  gsize len = 0;
  ScmAuthority *authority;
  const GOptionEntry entries[] = {
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Read the password of the key or PKCS#12 file from FILE"), N_("FILE") },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("FILE"), _("Replace the issuing CA by an existing one: a PEM file with its certificate, chain and key, or a PKCS#12 file. Certificates issued afterwards chain to your PKI."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected one FILE"));

  if (!g_file_get_contents (argv[1], &contents, &len, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  data = g_bytes_new_take (g_steal_pointer (&contents), len);

  if (password_file != NULL)
    {
      password = scm_ctl_read_secret (password_file, NULL, &error);
      if (password == NULL)
        return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!scm_authority_import_ca (authority, data, password, &error))
    {
      g_clear_pointer (&password, scm_secret_free);
      return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }
  g_clear_pointer (&password, scm_secret_free);

  g_print (_("Imported the issuing CA %s\n"), scm_ca_get_subject (scm_authority_get_ca (authority)));
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_ca_set_passphrase (ScmCtl *ctl,
                           int     argc,
                           char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *new_file = NULL;
  char *passphrase = NULL;
  ScmAuthority *authority;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &new_file,
      N_("Read the new passphrase from FILE (otherwise it is asked for twice)"), N_("FILE") },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, NULL, _("Protect the CA keys with a passphrase you type instead of the embedded one. Afterwards the admin window asks for it, and “scm-enrollctl serve” reads it from --ca-passphrase-file, SCM_ENROLL_CA_PASSPHRASE_FILE or the systemd credential “ca-passphrase”."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 1)
    return scm_ctl_usage_error (ctl, _("unexpected argument “%s”"), argv[1]);

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  passphrase = scm_ctl_read_secret (new_file, _("New CA passphrase: "), &error);
  if (passphrase == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (new_file == NULL)
    {
      char *again = scm_ctl_read_secret (NULL, _("Repeat the new CA passphrase: "), &error);
      gboolean same = again != NULL && g_str_equal (again, passphrase);

      scm_secret_free (again);
      if (!same)
        {
          scm_secret_free (passphrase);
          if (error == NULL)
            g_set_error (&error, SCM_ERROR, SCM_ERROR_INVALID,
                         _("The two passphrases differ; nothing was changed"));
          return scm_ctl_fail (ctl, g_steal_pointer (&error));
        }
    }

  ok = scm_authority_set_passphrase (authority, passphrase, &error);
  scm_secret_free (passphrase);
  if (!ok)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  g_print (_("The CA keys are now protected by your passphrase; keep it safe: without it no certificate can be issued.\n"));
  return SCM_CTL_EXIT_OK;
}
