/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enrollctl"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-ctl-private.h"
#include "scm-error.h"
#include "scm-mail.h"
#include "scm-store.h"

int
scm_ctl_mail_test (ScmCtl *ctl,
                   int     argc,
                   char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmMailSettings) settings = NULL;
  g_autofree char *to = NULL;
  g_autofree char *server = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;
  ScmStore *store;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Send the message to EMAIL"), N_("EMAIL") },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, NULL,
                              _("Send a test message with the mail settings (smtp.*), to check that "
                                "ScmEnroll can mail confirmation codes."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 1)
    return scm_ctl_usage_error (ctl, _("unexpected argument “%s”"), argv[1]);
  if (to == NULL)
    return scm_ctl_usage_error (ctl, _("--to EMAIL is required"));

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  settings = scm_mail_settings_load (store, &error);
  if (settings == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  server = scm_mail_settings_describe_server (settings);
  scm_mail_template_test (server, &subject, &body);
  if (!scm_mail_send (settings, to, subject, body, NULL, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  /* Translators: the first %s is an address, the second HOST:PORT. */
  g_print (_("Sent a test message to %s through %s\n"), to, server);
  return SCM_CTL_EXIT_OK;
}
