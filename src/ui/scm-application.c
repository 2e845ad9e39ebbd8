/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scm-application.h"
#include "scm-enrollment-server.h"
#include "scm-enroll-window.h"
#include "scm-error.h"
#include "scm-periodic-jobs.h"
#include "scm-preferences-window.h"
#include "scm-secret.h"
#include "scm-server-cert.h"
#include "scm-store.h"
#include "scm-window.h"

struct _ScmApplication
{
  AdwApplication parent_instance;

  char *data_dir;
  ScmApplicationState state;
  char *state_message;
  ScmAuthority *authority;
  GCancellable *cancellable;

  ScmEnrollmentServer *server;
  ScmServerState server_state;
  char *server_error;
  GCancellable *server_cancellable;   /* the running start */
  ScmPeriodicJobs *jobs;              /* CRL and expiry notices, while the server runs */

  gboolean enroll_only;   /* --enroll: an end user's machine, no data directory */
  char *enroll_url;
};

G_DEFINE_FINAL_TYPE (ScmApplication, scm_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_STATE,
  PROP_AUTHORITY,
  PROP_SERVER_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  char *data_dir;
  char *passphrase;
  gboolean autostart;   /* the setting server.autostart, read in the thread */
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->data_dir);
  scm_secret_free (data->passphrase);
  g_free (data);
}

static void
open_data_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  OpenData *data = task_data;
  g_autoptr (ScmStore) store = NULL;
  g_autoptr (GError) error = NULL;
  ScmAuthority *authority;

  /* SQLite, the KDF that unlocks the CA keys and, on first start, CA
   * generation: all of it off the main loop. */
  store = scm_store_open (data->data_dir, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  scm_store_set_actor (store, "admin");

  if (data->passphrase == NULL && scm_authority_needs_passphrase (store))
    {
      g_task_return_new_error (task, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE, "%s", "");
      return;
    }

  authority = scm_authority_open (store, data->passphrase, &error);
  if (authority != NULL)
    {
      g_autofree char *autostart = scm_store_get_setting (store, "server.autostart");

      data->autostart = g_strcmp0 (autostart, "true") == 0;
    }
  if (authority == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, authority, g_object_unref);
}

static void
set_state (ScmApplication      *self,
           ScmApplicationState  state,
           const char          *message)
{
  g_free (self->state_message);
  self->state_message = g_strdup (message);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
open_data_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ScmApplication *self = SCM_APPLICATION (source);
  g_autoptr (GError) error = NULL;
  ScmAuthority *authority;
  gboolean with_passphrase = GPOINTER_TO_INT (user_data);

  OpenData *data = g_task_get_task_data (G_TASK (result));

  authority = g_task_propagate_pointer (G_TASK (result), &error);
  if (authority != NULL)
    {
      g_set_object (&self->authority, authority);
      g_object_unref (authority);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHORITY]);
      set_state (self, SCM_APPLICATION_STATE_READY, NULL);
      if (data->autostart)
        scm_application_start_server (self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else if (g_error_matches (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE))
    set_state (self, SCM_APPLICATION_STATE_LOCKED,
               with_passphrase ? _("That passphrase does not unlock the CA keys. Check it and try again.") : NULL);
  else
    {
      g_autofree char *message =
        g_strdup_printf (_("%s\n\nCheck that %s is yours and writable, or start ScmEnroll with --data-dir DIR."),
                         error->message, self->data_dir);
      set_state (self, SCM_APPLICATION_STATE_FAILED, message);
    }
}

void
scm_application_open_data (ScmApplication *self,
                           const char     *passphrase)
{
  g_autoptr (GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (SCM_IS_APPLICATION (self));

  if (self->data_dir == NULL)
    self->data_dir = scm_store_default_data_dir ();

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  /* The server serves the authority being replaced. */
  scm_application_stop_server (self);
  g_clear_object (&self->authority);

  data = g_new0 (OpenData, 1);
  data->data_dir = g_strdup (self->data_dir);
  data->passphrase = g_strdup (passphrase);

  set_state (self, SCM_APPLICATION_STATE_LOADING, NULL);
  task = g_task_new (self, self->cancellable, open_data_cb, GINT_TO_POINTER (passphrase != NULL));
  g_task_set_source_tag (task, scm_application_open_data);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_data_thread);
}

/* The enrollment server ------------------------------------------------------ */

static void
set_server_state (ScmApplication *self,
                  ScmServerState  state,
                  const char     *error_message)
{
  /* What `scm-enrollctl serve` runs beside the server, in a thread. */
  if (state == SCM_SERVER_STATE_RUNNING && self->jobs == NULL && self->authority != NULL)
    self->jobs = scm_periodic_jobs_start (self->authority, 0);
  else if (state != SCM_SERVER_STATE_RUNNING)
    g_clear_pointer (&self->jobs, scm_periodic_jobs_stop);

  if (self->server_state == state && g_strcmp0 (self->server_error, error_message) == 0)
    return;
  g_free (self->server_error);
  self->server_error = g_strdup (error_message);
  self->server_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_STATE]);
}

static void
prepare_server_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  ScmAuthority *authority = task_data;
  g_autoptr (ScmEnrollmentServer) server = NULL;
  g_autoptr (ScmServerIdentity) identity = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;
  g_autofree char *address = NULL;
  const char *listen_address;

  /* Reads the settings; then issues the TLS certificate when none fits
   * (key generation and a CA signature), so that the start on the main
   * loop only loads it. */
  server = scm_enrollment_server_new (authority);
  if (g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      listen_address = scm_enrollment_server_get_listen_address (server);
      address = g_strdup (listen_address != NULL && *listen_address != '\0'
                          ? listen_address : SCM_ENROLLMENT_SERVER_DEFAULT_ADDRESS);
      if (address[0] == '[' && g_str_has_suffix (address, "]"))
        {
          char *inner = g_strndup (address + 1, strlen (address) - 2);

          g_free (address);
          address = inner;
        }
      names = scm_server_cert_collect_names (address, scm_enrollment_server_get_public_url (server));
      identity = scm_server_cert_get (authority, (const char * const *) names, &error);
      if (identity == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_pointer (task, g_steal_pointer (&server), g_object_unref);
}

static void
server_running_changed_cb (ScmApplication      *self,
                           GParamSpec          *pspec,
                           ScmEnrollmentServer *server)
{
  if (server == self->server && !scm_enrollment_server_get_running (server))
    set_server_state (self, SCM_SERVER_STATE_STOPPED, NULL);
}

static void
prepare_server_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ScmApplication *self = SCM_APPLICATION (source);
  g_autoptr (ScmEnrollmentServer) server = NULL;
  g_autoptr (GError) error = NULL;

  server = g_task_propagate_pointer (G_TASK (result), &error);
  /* Stopped, or another data directory, while it was being prepared. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_task_get_cancellable (G_TASK (result)) != self->server_cancellable)
    return;
  g_clear_object (&self->server_cancellable);

  if (server == NULL || !scm_enrollment_server_start (server, &error))
    {
      g_autofree char *message = g_strdup_printf (_("The enrollment server could not start: %s"),
                                                  error->message);

      set_server_state (self, SCM_SERVER_STATE_FAILED, message);
      return;
    }

  self->server = g_steal_pointer (&server);
  g_signal_connect_object (self->server, "notify::running",
                           G_CALLBACK (server_running_changed_cb), self, G_CONNECT_SWAPPED);
  set_server_state (self, SCM_SERVER_STATE_RUNNING, NULL);
}

void
scm_application_start_server (ScmApplication *self)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (SCM_IS_APPLICATION (self));

  if (self->authority == NULL ||
      self->server_state == SCM_SERVER_STATE_STARTING ||
      self->server_state == SCM_SERVER_STATE_RUNNING)
    return;

  self->server_cancellable = g_cancellable_new ();
  set_server_state (self, SCM_SERVER_STATE_STARTING, NULL);
  task = g_task_new (self, self->server_cancellable, prepare_server_cb, NULL);
  g_task_set_source_tag (task, scm_application_start_server);
  g_task_set_task_data (task, g_object_ref (self->authority), g_object_unref);
  g_task_run_in_thread (task, prepare_server_thread);
}

void
scm_application_stop_server (ScmApplication *self)
{
  g_return_if_fail (SCM_IS_APPLICATION (self));

  g_cancellable_cancel (self->server_cancellable);
  g_clear_object (&self->server_cancellable);
  if (self->server != NULL)
    {
      g_autoptr (ScmEnrollmentServer) server = g_steal_pointer (&self->server);

      scm_enrollment_server_stop (server);
    }
  set_server_state (self, SCM_SERVER_STATE_STOPPED, NULL);
}

void
scm_application_restart_server (ScmApplication *self)
{
  g_return_if_fail (SCM_IS_APPLICATION (self));

  if (self->server_state != SCM_SERVER_STATE_RUNNING &&
      self->server_state != SCM_SERVER_STATE_STARTING)
    return;
  scm_application_stop_server (self);
  scm_application_start_server (self);
}

ScmServerState
scm_application_get_server_state (ScmApplication *self)
{
  g_return_val_if_fail (SCM_IS_APPLICATION (self), SCM_SERVER_STATE_STOPPED);

  return self->server_state;
}

const char *
scm_application_get_server_url (ScmApplication *self)
{
  g_return_val_if_fail (SCM_IS_APPLICATION (self), NULL);

  return self->server != NULL ? scm_enrollment_server_get_url (self->server) : NULL;
}

const char *
scm_application_get_server_error (ScmApplication *self)
{
  g_return_val_if_fail (SCM_IS_APPLICATION (self), NULL);

  return self->server_state == SCM_SERVER_STATE_FAILED ? self->server_error : NULL;
}

static const GOptionEntry option_entries[] = {
  { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Use DIR for the database, the CA and the keys"), N_("DIR") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { "enroll", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Open only the window that enrolls a certificate from the enrollment link URL"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, NULL, NULL, N_("[URL]") },
  { NULL }
};

static int
scm_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  ScmApplication *self = SCM_APPLICATION (app);
  const char *data_dir = NULL;
  g_autofree const char **remaining = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("scm-enroll %s\n", PACKAGE_VERSION);
      return 0;
    }

  self->enroll_only = g_variant_dict_contains (options, "enroll");
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&s", &remaining);
  if (remaining != NULL && remaining[0] != NULL
      && (!self->enroll_only || remaining[1] != NULL))
    {
      g_printerr (_("scm-enroll: unexpected argument “%s”; to enroll, run scm-enroll --enroll URL\n"),
                  remaining[self->enroll_only ? 1 : 0]);
      return 2;
    }
  if (remaining != NULL && remaining[0] != NULL)
    self->enroll_url = g_strdup (remaining[0]);

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
  ScmApplication *self = SCM_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  /* An end user has only the link: never open or create a data directory. */
  if (self->enroll_only)
    {
      if (window == NULL)
        window = GTK_WINDOW (scm_enroll_window_new (GTK_APPLICATION (app), self->enroll_url));
      gtk_window_present (window);
      return;
    }

  /* Only once: later activations present the window already there. */
  if (self->cancellable == NULL)
    scm_application_open_data (self, NULL);

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

static void
enroll_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (scm_enroll_window_new (GTK_APPLICATION (user_data), NULL)));
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ScmApplication *self = SCM_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  ScmPreferencesWindow *preferences;

  /* Preferences edit the opened data directory's settings. */
  if (self->authority == NULL)
    return;
  preferences = scm_preferences_window_new (parent, self);
  gtk_window_present (GTK_WINDOW (preferences));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "preferences", preferences_activated },
  { "enroll", enroll_activated },
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
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
}

static void
scm_application_shutdown (GApplication *app)
{
  ScmApplication *self = SCM_APPLICATION (app);

  /* Quitting closes the endpoint's sockets before the process goes. */
  scm_application_stop_server (self);

  G_APPLICATION_CLASS (scm_application_parent_class)->shutdown (app);
}

static void
scm_application_finalize (GObject *object)
{
  ScmApplication *self = SCM_APPLICATION (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->server_cancellable);
  g_clear_object (&self->server_cancellable);
  g_clear_pointer (&self->jobs, scm_periodic_jobs_stop);
  if (self->server != NULL)
    scm_enrollment_server_stop (self->server);
  g_clear_object (&self->server);
  g_clear_pointer (&self->server_error, g_free);
  g_clear_object (&self->authority);
  g_clear_pointer (&self->enroll_url, g_free);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->state_message, g_free);

  G_OBJECT_CLASS (scm_application_parent_class)->finalize (object);
}

static void
scm_application_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ScmApplication *self = SCM_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_AUTHORITY:
      g_value_set_object (value, self->authority);
      break;
    case PROP_SERVER_STATE:
      g_value_set_int (value, self->server_state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_application_class_init (ScmApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = scm_application_finalize;
  object_class->get_property = scm_application_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      SCM_APPLICATION_STATE_LOADING, SCM_APPLICATION_STATE_FAILED,
                      SCM_APPLICATION_STATE_LOADING,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTHORITY] =
    g_param_spec_object ("authority", NULL, NULL, SCM_TYPE_AUTHORITY,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Also notified when the URL or the error message change. */
  properties[PROP_SERVER_STATE] =
    g_param_spec_int ("server-state", NULL, NULL,
                      SCM_SERVER_STATE_STOPPED, SCM_SERVER_STATE_FAILED,
                      SCM_SERVER_STATE_STOPPED,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  app_class->handle_local_options = scm_application_handle_local_options;
  app_class->startup = scm_application_startup;
  app_class->shutdown = scm_application_shutdown;
  app_class->activate = scm_application_activate;
}

static void
scm_application_init (ScmApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
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

ScmApplicationState
scm_application_get_state (ScmApplication *self)
{
  g_return_val_if_fail (SCM_IS_APPLICATION (self), SCM_APPLICATION_STATE_FAILED);

  return self->state;
}

const char *
scm_application_get_state_message (ScmApplication *self)
{
  g_return_val_if_fail (SCM_IS_APPLICATION (self), NULL);

  return self->state_message;
}

ScmAuthority *
scm_application_get_authority (ScmApplication *self)
{
  g_return_val_if_fail (SCM_IS_APPLICATION (self), NULL);

  return self->authority;
}

void
scm_application_set_data_dir (ScmApplication *self,
                              const char     *data_dir)
{
  g_return_if_fail (SCM_IS_APPLICATION (self));

  g_free (self->data_dir);
  self->data_dir = data_dir ? g_canonicalize_filename (data_dir, NULL) : NULL;
}
