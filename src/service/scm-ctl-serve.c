/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enrollctl"

#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "scm-authority.h"
#include "scm-ctl-private.h"
#include "scm-enrollment-server.h"
#include "scm-error.h"
#include "scm-periodic-jobs.h"
#include "scm-validate.h"

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
scm_ctl_serve (ScmCtl *ctl,
               int     argc,
               char  **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmEnrollmentServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *public_url = NULL;
  g_autofree char *address = NULL;
  gboolean http = FALSE;
  ScmAuthority *authority;
  guint port = 0;
  guint sigint_id;
  guint sigterm_id;
  ScmPeriodicJobs *jobs;
  const GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      N_("Listen on ADDRESS:PORT, such as 0.0.0.0:8443, [::]:8443 or 127.0.0.1:8443; port 0 "
         "picks a free one (default: the setting server.listen, else 0.0.0.0:8443)"),
      N_("ADDRESS:PORT") },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url,
      N_("The base URL people reach the endpoint at, such as https://enroll.example.org:8443 "
         "(default: the setting server.public-url)"), N_("URL") },
    { "http", 0, 0, G_OPTION_ARG_NONE, &http,
      N_("Serve plain HTTP instead of HTTPS (only behind a proxy that adds TLS)"), NULL },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, NULL,
                              _("Run the enrollment endpoint until SIGINT or SIGTERM. It serves "
                                "HTTPS with a certificate from the ScmEnroll CA, reissued as "
                                "needed, or with the files of the settings server.tls-certificate "
                                "and server.tls-key."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 1)
    return scm_ctl_usage_error (ctl, _("unexpected argument “%s”"), argv[1]);
  if (listen != NULL && !scm_enrollment_server_parse_listen (listen, &address, &port, &error))
    return scm_ctl_usage_error (ctl, "%s", error->message);
  if (public_url != NULL && !scm_validate_http_url (public_url, "--public-url", &error))
    return scm_ctl_usage_error (ctl, "%s", error->message);

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  server = scm_enrollment_server_new (authority);
  if (address != NULL)
    {
      scm_enrollment_server_set_listen_address (server, address);
      scm_enrollment_server_set_port (server, port);
    }
  if (public_url != NULL)
    scm_enrollment_server_set_public_url (server, public_url);
  scm_enrollment_server_set_use_tls (server, !http);

  if (!scm_enrollment_server_start (server, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        {
          g_printerr (_("scm-enrollctl %s: %s; choose another with --listen\n"),
                      ctl->command, error->message);
          return SCM_CTL_EXIT_FAILURE;
        }
      return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  g_print (_("Serving the enrollment endpoint at %s\n"), scm_enrollment_server_get_url (server));
  g_print (_("CA pin: sha256=%s\n"),
           scm_ca_get_root_fingerprint (scm_authority_get_ca (authority)));
  if (http)
    g_printerr (_("scm-enrollctl %s: serving plain HTTP; put a proxy that adds TLS in front of it\n"),
                ctl->command);
  /* Whoever started us (systemd, a script) waits for this line. */
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, quit_cb, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, quit_cb, loop);
  /* The CRL and the expiry notices: once at start, then hourly. */
  jobs = scm_periodic_jobs_start (authority, 0);
  g_main_loop_run (loop);
  scm_periodic_jobs_stop (jobs);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  scm_enrollment_server_stop (server);
  g_print (_("Stopped the enrollment endpoint\n"));
  return SCM_CTL_EXIT_OK;
}
