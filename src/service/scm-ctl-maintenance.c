/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enrollctl"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-ctl-private.h"
#include "scm-error.h"
#include "scm-store.h"

int
scm_ctl_settings_set (ScmCtl *ctl,
                      int     argc,
                      char  **argv)
{
  g_autoptr (GError) error = NULL;
  gboolean unset = FALSE;
  ScmStore *store;
  const GOptionEntry entries[] = {
    { "unset", 0, 0, G_OPTION_ARG_NONE, &unset, N_("Remove the setting (back to its default)"), NULL },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("KEY [VALUE]"),
                              _("Change a setting. Keys: server.listen, server.public-url, server.autostart, "
                                "smtp.host, smtp.port, smtp.security, smtp.username, smtp.password, smtp.from, "
                                "limits.max-attempts, limits.lockout-minutes, est.default-form, crl.next-update-days."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (unset ? argc != 2 : argc != 3)
    return scm_ctl_usage_error (ctl, unset ? _("expected KEY") : _("expected KEY and VALUE"));

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!scm_store_set_setting (store, argv[1], unset ? NULL : argv[2], &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_settings_get (ScmCtl *ctl,
                      int     argc,
                      char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *value = NULL;
  ScmStore *store;

  if (!scm_ctl_parse_options (ctl, _("KEY"), _("Print a setting's value (nothing when unset)."),
                              NULL, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected KEY"));
  /* A credential is never printed; scripts can test whether it is set. */
  if (g_str_equal (argv[1], "smtp.password"))
    return scm_ctl_usage_error (ctl, _("smtp.password is a credential and is never shown"));

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  value = scm_store_get_setting (store, argv[1]);
  if (value != NULL)
    g_print ("%s\n", value);
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_backup (ScmCtl *ctl,
                int     argc,
                char  **argv)
{
  g_autoptr (GError) error = NULL;
  ScmStore *store;

  if (!scm_ctl_parse_options (ctl, _("FILE"),
                              _("Write a consistent copy of the database (SQLite's online backup) while "
                                "it stays in use. Keep installation.key with it."),
                              NULL, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected one FILE"));

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!scm_store_backup (store, argv[1], &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  g_print (_("Wrote %s\n"), argv[1]);
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_verify (ScmCtl *ctl,
                int     argc,
                char  **argv)
{
  g_autoptr (GError) error = NULL;
  ScmStore *store;

  if (!scm_ctl_parse_options (ctl, NULL,
                              _("Check the database's integrity and the audit log's HMAC chain: an "
                                "edited or deleted audit event is reported."),
                              NULL, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 1)
    return scm_ctl_usage_error (ctl, _("unexpected argument “%s”"), argv[1]);

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!scm_store_verify (store, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  g_print (_("The database and the audit log are intact.\n"));
  return SCM_CTL_EXIT_OK;
}
