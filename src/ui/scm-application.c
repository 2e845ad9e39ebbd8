/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-application.h"
#include "scm-window.h"

struct _ScmApplication
{
  AdwApplication parent_instance;

  char *data_dir;
};

G_DEFINE_FINAL_TYPE (ScmApplication, scm_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Use DIR for the database, the CA and the keys"), N_("DIR") },
  { "enroll", 'e', 0, G_OPTION_ARG_NONE, NULL,
    N_("Open the enroll window (optionally with the enrollment endpoint URL)"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { NULL }
};

static int
scm_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  ScmApplication *self = SCM_APPLICATION (app);
  const char *data_dir = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("scm-enroll %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "data-dir", "^&ay", &data_dir))
    {
      g_free (self->data_dir);
      self->data_dir = g_canonicalize_filename (data_dir, NULL);
    }

  return -1;
}

static void
scm_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (scm_window_new (SCM_APPLICATION (app)));

  gtk_window_present (window);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "The ScmEnroll Authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("ScmEnroll"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Issue TLS client and S/MIME certificates to the people of your organization"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

static void
scm_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (scm_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app),
                                   app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "window.close",
                                         (const char *[]) { "<Control>w", NULL });
}

static void
scm_application_finalize (GObject *object)
{
  ScmApplication *self = SCM_APPLICATION (object);

  g_clear_pointer (&self->data_dir, g_free);

  G_OBJECT_CLASS (scm_application_parent_class)->finalize (object);
}

static void
scm_application_class_init (ScmApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = scm_application_finalize;
  app_class->handle_local_options = scm_application_handle_local_options;
  app_class->startup = scm_application_startup;
  app_class->activate = scm_application_activate;
}

static void
scm_application_init (ScmApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[URL]"));
}

ScmApplication *
scm_application_new (void)
{
  /* NON_UNIQUE: each instance owns its data directory's database; a second
   * instance on another --data-dir must not be routed to the first. */
  return g_object_new (SCM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

const char *
scm_application_get_data_dir (ScmApplication *self)
{
  g_return_val_if_fail (SCM_IS_APPLICATION (self), NULL);

  return self->data_dir;
}
