/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scm-authority.h"
#include "scm-enrollment-server.h"
#include "scm-error.h"
#include "scm-mail.h"
#include "scm-preferences-window.h"
#include "scm-secret.h"
#include "scm-store-task.h"
#include "scm-validate.h"

struct _ScmPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  ScmApplication *application;
  ScmAuthority *authority;
  GCancellable *cancellable;   /* cancelled when the window closes */
  GHashTable *saved;           /* key → value as stored (smtp.password: "1" when set) */
  guint busy;
  gboolean filling;            /* the fields are being set from the store */

  /* template */
  GtkButton *server_save_button;
  AdwEntryRow *listen_address_row;
  AdwEntryRow *port_row;
  AdwEntryRow *public_url_row;
  GtkLabel *server_error_label;
  GtkSwitch *autostart_switch;
  GtkButton *limits_save_button;
  AdwEntryRow *max_attempts_row;
  AdwEntryRow *lockout_minutes_row;
  GtkLabel *limits_error_label;
  GtkButton *mail_save_button;
  AdwEntryRow *smtp_host_row;
  AdwComboRow *smtp_security_row;
  AdwEntryRow *smtp_port_row;
  AdwEntryRow *smtp_from_row;
  AdwEntryRow *smtp_username_row;
  AdwPasswordEntryRow *smtp_password_row;
  GtkLabel *password_hint_label;
  GtkLabel *mail_error_label;
  AdwEntryRow *test_address_row;
  GtkButton *test_mail_button;
  GtkSpinner *test_spinner;
  GtkLabel *test_result_label;
  AdwActionRow *ca_subject_row;
  AdwActionRow *ca_validity_row;
  AdwActionRow *ca_fingerprint_row;
  AdwActionRow *ca_root_fingerprint_row;
  GtkButton *export_ca_button;
  GtkButton *import_ca_button;
};

G_DEFINE_FINAL_TYPE (ScmPreferencesWindow, scm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* What the window reads and writes; the order of the security combo. */
static const char * const setting_keys[] = {
  "server.listen", "server.public-url", "server.autostart",
  "smtp.host", "smtp.port", "smtp.security", "smtp.username", "smtp.password", "smtp.from",
  "limits.max-attempts", "limits.lockout-minutes",
};
static const char * const security_values[] = { "starttls", "tls", "none" };

static const char *
get_text (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

/* The text without the spaces around it (newly allocated). */
static char *
dup_trimmed (gpointer editable)
{
  return g_strstrip (g_strdup (get_text (editable)));
}

static const char *
get_saved (ScmPreferencesWindow *self,
           const char           *key)
{
  const char *value = g_hash_table_lookup (self->saved, key);

  return value != NULL ? value : "";
}

static void
set_row_error (gpointer row,
               gboolean error)
{
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
show_error (GtkLabel   *label,
            const char *message)
{
  gtk_label_set_text (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static void
show_toast (ScmPreferencesWindow *self,
            const char           *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

static void
set_busy (ScmPreferencesWindow *self,
          gboolean              busy)
{
  if (busy)
    self->busy++;
  else
    self->busy--;
}

/* Validation ---------------------------------------------------------------------- */

/* A port typed in an entry: empty gives 0. */
static gboolean
parse_port (const char  *text,
            guint       *out_port,
            GError     **error)
{
  guint64 port = 0;

  *out_port = 0;
  if (*text == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &port, NULL))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("“%s” is not a port; enter a number from 1 to 65535."), text);
      return FALSE;
    }
  *out_port = (guint) port;
  return TRUE;
}

/* server.listen and server.public-url from the fields (NULL: remove the
 * setting, back to the default). */
static gboolean
validate_server (ScmPreferencesWindow  *self,
                 char                 **out_listen,
                 char                 **out_public_url,
                 GError               **error)
{
  g_autofree char *address = dup_trimmed (self->listen_address_row);
  g_autofree char *port_text = dup_trimmed (self->port_row);
  g_autofree char *public_url = dup_trimmed (self->public_url_row);
  g_autofree char *bare = NULL;
  guint port = 0;
  gboolean address_ok = TRUE;

  set_row_error (self->listen_address_row, FALSE);
  set_row_error (self->port_row, FALSE);
  set_row_error (self->public_url_row, FALSE);

  bare = g_str_has_prefix (address, "[") && g_str_has_suffix (address, "]")
         ? g_strndup (address + 1, strlen (address) - 2) : g_strdup (address);
  if (*bare != '\0' && g_strcmp0 (bare, "localhost") != 0)
    {
      g_autoptr (GInetAddress) inet = g_inet_address_new_from_string (bare);

      address_ok = inet != NULL;
    }
  if (!address_ok)
    {
      set_row_error (self->listen_address_row, TRUE);
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("“%s” is not an IP address; enter one such as 0.0.0.0 (every interface), "
                     "127.0.0.1 or ::1, or leave it empty."), address);
      return FALSE;
    }
  if (!parse_port (port_text, &port, error))
    {
      set_row_error (self->port_row, TRUE);
      return FALSE;
    }
  if (*public_url != '\0')
    {
      g_autoptr (GUri) uri = g_uri_parse (public_url, G_URI_FLAGS_NONE, NULL);
      const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

      if (uri == NULL || (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0) ||
          g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
          g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
        {
          set_row_error (self->public_url_row, TRUE);
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("“%s” is not a web address people can reach; enter one such as "
                         "https://pki.example.com:8443, or leave it empty."), public_url);
          return FALSE;
        }
    }

  if (*bare == '\0' && port == 0)
    *out_listen = NULL;
  else
    {
      if (*bare == '\0')
        {
          g_free (bare);
          bare = g_strdup (SCM_ENROLLMENT_SERVER_DEFAULT_ADDRESS);
        }
      *out_listen = g_strdup_printf (strchr (bare, ':') ? "[%s]:%u" : "%s:%u", bare,
                                     port != 0 ? port : SCM_DEFAULT_PORT);
    }
  *out_public_url = *public_url != '\0' ? g_steal_pointer (&public_url) : NULL;
  return TRUE;
}

static gboolean
validate_limit (AdwEntryRow  *row,
                const char   *what,
                gint64        max,
                char        **out,
                GError      **error)
{
  g_autofree char *text = dup_trimmed (row);
  guint64 value;

  set_row_error (row, FALSE);
  if (!g_ascii_string_to_unsigned (text, 10, 1, (guint64) max, &value, NULL))
    {
      set_row_error (row, TRUE);
      /* Translators: the second %s names the setting, e.g. "failed attempts". */
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("“%s” is not a number of %s; enter one from 1 to %" G_GINT64_FORMAT "."),
                   text, what, max);
      return FALSE;
    }
  *out = g_strdup_printf ("%" G_GUINT64_FORMAT, value);
  return TRUE;
}

static gboolean
validate_limits (ScmPreferencesWindow  *self,
                 char                 **out_attempts,
                 char                 **out_minutes,
                 GError               **error)
{
  return validate_limit (self->max_attempts_row, _("failed attempts"), 1000, out_attempts, error) &&
         validate_limit (self->lockout_minutes_row, _("minutes"), 10080, out_minutes, error);
}

typedef struct
{
  char *host;
  char *port;
  const char *security;
  char *from;
  char *username;
  char *password;     /* typed now, or NULL to keep the stored one */
  gboolean forget_password;
} MailValues;

static void
mail_values_clear (MailValues *values)
{
  g_free (values->host);
  g_free (values->port);
  g_free (values->from);
  g_free (values->username);
  scm_secret_free (values->password);
  memset (values, 0, sizeof *values);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MailValues, mail_values_clear)

static gboolean
validate_mail (ScmPreferencesWindow  *self,
               MailValues            *values,
               GError               **error)
{
  g_autofree char *port_text = dup_trimmed (self->smtp_port_row);
  g_autofree char *from = dup_trimmed (self->smtp_from_row);
  const char *password = get_text (self->smtp_password_row);
  guint port = 0;
  guint security = adw_combo_row_get_selected (self->smtp_security_row);

  set_row_error (self->smtp_host_row, FALSE);
  set_row_error (self->smtp_port_row, FALSE);
  set_row_error (self->smtp_from_row, FALSE);
  set_row_error (self->smtp_password_row, FALSE);

  values->host = dup_trimmed (self->smtp_host_row);
  values->username = dup_trimmed (self->smtp_username_row);
  values->security = security_values[MIN (security, G_N_ELEMENTS (security_values) - 1)];

  if (*values->host != '\0')
    {
      g_autofree char *bare = g_strdup (values->host);
      g_autoptr (GInetAddress) inet = NULL;

      if (bare[0] == '[' && g_str_has_suffix (bare, "]"))
        {
          memmove (bare, bare + 1, strlen (bare));
          bare[strlen (bare) - 1] = '\0';
        }
      inet = g_inet_address_new_from_string (bare);
      if (inet == NULL && (strpbrk (bare, " /:@") != NULL || bare[0] == '.' || bare[0] == '-'))
        {
          set_row_error (self->smtp_host_row, TRUE);
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("“%s” is not a server name; enter a host name such as mail.example.com "
                         "or an IP address."), values->host);
          return FALSE;
        }
    }
  if (!parse_port (port_text, &port, error))
    {
      set_row_error (self->smtp_port_row, TRUE);
      return FALSE;
    }
  values->port = port != 0 ? g_strdup_printf ("%u", port) : NULL;

  if (*from != '\0' && !scm_validate_email (from, &values->from, NULL))
    {
      set_row_error (self->smtp_from_row, TRUE);
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("“%s” is not an email address; enter the sender address such as "
                     "pki@example.com."), from);
      return FALSE;
    }
  if (*values->host != '\0' && values->from == NULL)
    {
      set_row_error (self->smtp_from_row, TRUE);
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("Enter the sender address that messages come from, such as pki@example.com."));
      return FALSE;
    }

  if (*values->username == '\0')
    {
      /* No login: a password would never be used, so none is kept. */
      values->forget_password = TRUE;
      if (*password != '\0')
        {
          set_row_error (self->smtp_password_row, TRUE);
          g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                               _("Enter the user name that goes with the password, or clear the password."));
          return FALSE;
        }
    }
  else if (*password != '\0')
    values->password = g_strdup (password);
  else if (g_hash_table_lookup (self->saved, "smtp.password") == NULL)
    {
      set_row_error (self->smtp_password_row, TRUE);
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Enter the password of “%s”, or clear the user name to send without login."),
                   values->username);
      return FALSE;
    }
  return TRUE;
}

/* Whether the group's fields differ from what is stored. */
static gboolean
server_is_dirty (ScmPreferencesWindow *self)
{
  g_autofree char *listen = NULL;
  g_autofree char *public_url = NULL;

  if (!validate_server (self, &listen, &public_url, NULL))
    return TRUE;
  return g_strcmp0 (listen ? listen : "", get_saved (self, "server.listen")) != 0 ||
         g_strcmp0 (public_url ? public_url : "", get_saved (self, "server.public-url")) != 0;
}

static gboolean
limits_are_dirty (ScmPreferencesWindow *self)
{
  return g_strcmp0 (get_text (self->max_attempts_row), get_saved (self, "limits.max-attempts")) != 0 ||
         g_strcmp0 (get_text (self->lockout_minutes_row), get_saved (self, "limits.lockout-minutes")) != 0;
}

static gboolean
mail_is_dirty (ScmPreferencesWindow *self)
{
  guint security = adw_combo_row_get_selected (self->smtp_security_row);

  return g_strcmp0 (get_text (self->smtp_host_row), get_saved (self, "smtp.host")) != 0 ||
         g_strcmp0 (get_text (self->smtp_port_row), get_saved (self, "smtp.port")) != 0 ||
         g_strcmp0 (get_text (self->smtp_from_row), get_saved (self, "smtp.from")) != 0 ||
         g_strcmp0 (get_text (self->smtp_username_row), get_saved (self, "smtp.username")) != 0 ||
         *get_text (self->smtp_password_row) != '\0' ||
         g_strcmp0 (security_values[MIN (security, 2)], get_saved (self, "smtp.security")) != 0;
}

static void
server_changed_cb (ScmPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *public_url = NULL;

  if (self->filling)
    return;
  validate_server (self, &listen, &public_url, &error);
  show_error (self->server_error_label, error ? error->message : NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_save_button), self->busy == 0 && server_is_dirty (self));
}

static void
limits_changed_cb (ScmPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *attempts = NULL;
  g_autofree char *minutes = NULL;

  if (self->filling)
    return;
  validate_limits (self, &attempts, &minutes, &error);
  show_error (self->limits_error_label, error ? error->message : NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->limits_save_button), self->busy == 0 && limits_are_dirty (self));
}

static void
mail_changed_cb (ScmPreferencesWindow *self)
{
  g_auto (MailValues) values = { 0 };
  g_autoptr (GError) error = NULL;
  g_autofree char *to = NULL;

  if (self->filling)
    return;
  validate_mail (self, &values, &error);
  show_error (self->mail_error_label, error ? error->message : NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mail_save_button), self->busy == 0 && mail_is_dirty (self));
  to = dup_trimmed (self->test_address_row);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_mail_button), self->busy == 0 && *to != '\0');
}

static void
update_buttons (ScmPreferencesWindow *self)
{
  server_changed_cb (self);
  limits_changed_cb (self);
  mail_changed_cb (self);
}

/* Reading the settings ------------------------------------------------------------ */

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScmStore *store = task_data;
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  for (gsize i = 0; i < G_N_ELEMENTS (setting_keys); i++)
    {
      char *value = scm_store_get_setting (store, setting_keys[i]);

      /* The window only needs to know that there is a password. */
      if (value != NULL && g_str_equal (setting_keys[i], "smtp.password"))
        {
          scm_secret_free (value);
          value = g_strdup ("1");
        }
      if (value != NULL)
        g_hash_table_insert (values, (gpointer) setting_keys[i], value);
    }
  g_task_return_pointer (task, values, (GDestroyNotify) g_hash_table_unref);
}

static void
fill_fields (ScmPreferencesWindow *self)
{
  g_autofree char *address = NULL;
  guint port = 0;
  const char *security = get_saved (self, "smtp.security");

  self->filling = TRUE;
  if (scm_enrollment_server_parse_listen (get_saved (self, "server.listen"), &address, &port, NULL))
    {
      g_autofree char *port_text = g_strdup_printf ("%u", port);

      gtk_editable_set_text (GTK_EDITABLE (self->listen_address_row), address);
      gtk_editable_set_text (GTK_EDITABLE (self->port_row), port_text);
    }
  else
    {
      gtk_editable_set_text (GTK_EDITABLE (self->listen_address_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->port_row), "");
    }
  gtk_editable_set_text (GTK_EDITABLE (self->public_url_row), get_saved (self, "server.public-url"));
  gtk_switch_set_active (self->autostart_switch,
                         g_str_equal (get_saved (self, "server.autostart"), "true"));
  gtk_editable_set_text (GTK_EDITABLE (self->max_attempts_row), get_saved (self, "limits.max-attempts"));
  gtk_editable_set_text (GTK_EDITABLE (self->lockout_minutes_row), get_saved (self, "limits.lockout-minutes"));

  gtk_editable_set_text (GTK_EDITABLE (self->smtp_host_row), get_saved (self, "smtp.host"));
  gtk_editable_set_text (GTK_EDITABLE (self->smtp_port_row), get_saved (self, "smtp.port"));
  gtk_editable_set_text (GTK_EDITABLE (self->smtp_from_row), get_saved (self, "smtp.from"));
  gtk_editable_set_text (GTK_EDITABLE (self->smtp_username_row), get_saved (self, "smtp.username"));
  gtk_editable_set_text (GTK_EDITABLE (self->smtp_password_row), "");
  for (guint i = 0; i < G_N_ELEMENTS (security_values); i++)
    if (g_str_equal (security, security_values[i]))
      adw_combo_row_set_selected (self->smtp_security_row, i);
  gtk_widget_set_visible (GTK_WIDGET (self->password_hint_label),
                          g_hash_table_lookup (self->saved, "smtp.password") != NULL);
  self->filling = FALSE;

  /* The stored listen value is normalized ("0.0.0.0:8443"): compare the
   * fields with what they would save. */
  {
    g_autofree char *listen = NULL;
    g_autofree char *public_url = NULL;

    if (validate_server (self, &listen, &public_url, NULL))
      g_hash_table_insert (self->saved, (gpointer) "server.listen", g_strdup (listen ? listen : ""));
  }
  update_buttons (self);
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScmPreferencesWindow *self = SCM_PREFERENCES_WINDOW (source);
  GHashTable *values = g_task_propagate_pointer (G_TASK (result), NULL);

  set_busy (self, FALSE);
  if (values == NULL)
    return;
  g_clear_pointer (&self->saved, g_hash_table_unref);
  self->saved = values;
  fill_fields (self);
}

static void
load_settings (ScmPreferencesWindow *self)
{
  g_autoptr (GTask) task = g_task_new (self, self->cancellable, load_cb, NULL);

  set_busy (self, TRUE);
  g_task_set_source_tag (task, load_settings);
  g_task_set_task_data (task, g_object_ref (scm_authority_get_store (self->authority)), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

/* Saving ---------------------------------------------------------------------------- */

typedef struct
{
  ScmStore *store;
  GPtrArray *keys;     /* const char *, static */
  GPtrArray *values;   /* char * or NULL (remove); freed with scm_secret_free() */
  gboolean restart_server;
  char *toast;
  /* after a save for Send Test Email */
  char *test_to;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->store);
  g_ptr_array_unref (data->keys);
  for (guint i = 0; i < data->values->len; i++)
    scm_secret_free (data->values->pdata[i]);
  g_ptr_array_unref (data->values);
  g_free (data->toast);
  g_free (data->test_to);
  g_free (data);
}

static SaveData *
save_data_new (ScmPreferencesWindow *self,
               const char           *toast)
{
  SaveData *data = g_new0 (SaveData, 1);

  data->store = g_object_ref (scm_authority_get_store (self->authority));
  data->keys = g_ptr_array_new ();
  data->values = g_ptr_array_new ();
  data->toast = g_strdup (toast);
  return data;
}

/* Takes @value. */
static void
save_data_add (SaveData   *data,
               const char *key,
               char       *value)
{
  g_ptr_array_add (data->keys, (gpointer) key);
  g_ptr_array_add (data->values, value);
}

static gboolean
save_change (gpointer   user_data,
             GError   **error)
{
  SaveData *data = user_data;

  for (guint i = 0; i < data->keys->len; i++)
    if (!scm_store_set_setting (data->store, data->keys->pdata[i], data->values->pdata[i], error))
      return FALSE;
  return TRUE;
}

static void send_test_mail (ScmPreferencesWindow *self,
                            const char           *to);

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScmPreferencesWindow *self = SCM_PREFERENCES_WINDOW (source);
  SaveData *data = scm_store_task_get_data (result);
  GtkLabel *error_label = user_data;
  g_autoptr (GError) error = NULL;

  set_busy (self, FALSE);
  if (!scm_store_task_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The store's own check refused it: nothing was saved. */
      show_error (error_label, error->message);
      update_buttons (self);
      return;
    }

  for (guint i = 0; i < data->keys->len; i++)
    {
      const char *key = data->keys->pdata[i];
      const char *value = data->values->pdata[i];

      if (g_str_equal (key, "smtp.password"))
        value = value != NULL ? "1" : NULL;
      if (value != NULL)
        g_hash_table_insert (self->saved, (gpointer) key, g_strdup (value));
      else
        g_hash_table_remove (self->saved, key);
    }
  if (data->toast != NULL)
    show_toast (self, data->toast);
  if (data->restart_server && self->application != NULL)
    scm_application_restart_server (self->application);

  /* Defaults come back for removed settings: show what is in effect. */
  if (data->test_to != NULL)
    {
      g_autofree char *to = g_strdup (data->test_to);

      load_settings (self);
      send_test_mail (self, to);
    }
  else
    load_settings (self);
}

static void
run_save (ScmPreferencesWindow *self,
          SaveData             *data,
          GtkLabel             *error_label)
{
  set_busy (self, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_save_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->limits_save_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mail_save_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_mail_button), FALSE);
  scm_store_task_run (self, data->store, save_change, data, (GDestroyNotify) save_data_free,
                      self->cancellable, run_save, save_cb, error_label);
}

static void
server_save_clicked_cb (ScmPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  char *listen = NULL;
  char *public_url = NULL;
  SaveData *data;

  if (self->busy > 0 || self->authority == NULL)
    return;
  if (!validate_server (self, &listen, &public_url, &error))
    {
      show_error (self->server_error_label, error->message);
      return;
    }
  show_error (self->server_error_label, NULL);
  data = save_data_new (self, _("Enrollment server settings saved"));
  save_data_add (data, "server.listen", listen);
  save_data_add (data, "server.public-url", public_url);
  data->restart_server = TRUE;
  run_save (self, data, self->server_error_label);
}

static void
limits_save_clicked_cb (ScmPreferencesWindow *self)
{
  g_autoptr (GError) error = NULL;
  char *attempts = NULL;
  char *minutes = NULL;
  SaveData *data;

  if (self->busy > 0 || self->authority == NULL)
    return;
  if (!validate_limits (self, &attempts, &minutes, &error))
    {
      g_free (attempts);
      show_error (self->limits_error_label, error->message);
      return;
    }
  show_error (self->limits_error_label, NULL);
  data = save_data_new (self, _("Sign-in limits saved"));
  save_data_add (data, "limits.max-attempts", attempts);
  save_data_add (data, "limits.lockout-minutes", minutes);
  run_save (self, data, self->limits_error_label);
}

/* The mail group's values as one save; NULL with the reason shown. */
static SaveData *
mail_save_data (ScmPreferencesWindow *self,
                const char           *toast)
{
  g_auto (MailValues) values = { 0 };
  g_autoptr (GError) error = NULL;
  gboolean clear = FALSE;
  SaveData *data;

  if (!validate_mail (self, &values, &error))
    {
      show_error (self->mail_error_label, error->message);
      return NULL;
    }
  show_error (self->mail_error_label, NULL);
  clear = *values.host == '\0';

  data = save_data_new (self, toast);
  save_data_add (data, "smtp.host", clear ? NULL : g_steal_pointer (&values.host));
  save_data_add (data, "smtp.port", clear ? NULL : g_steal_pointer (&values.port));
  save_data_add (data, "smtp.security", g_strdup (values.security));
  save_data_add (data, "smtp.from", clear ? NULL : g_steal_pointer (&values.from));
  save_data_add (data, "smtp.username",
                 clear || *values.username == '\0' ? NULL : g_steal_pointer (&values.username));
  if (clear || values.forget_password)
    save_data_add (data, "smtp.password", NULL);
  else if (values.password != NULL)
    save_data_add (data, "smtp.password", g_steal_pointer (&values.password));
  return data;
}

static void
mail_save_clicked_cb (ScmPreferencesWindow *self)
{
  SaveData *data;

  if (self->busy > 0 || self->authority == NULL)
    return;
  data = mail_save_data (self, _("Mail settings saved"));
  if (data != NULL)
    run_save (self, data, self->mail_error_label);
}

static void
autostart_changed_cb (ScmPreferencesWindow *self)
{
  gboolean active = gtk_switch_get_active (self->autostart_switch);
  SaveData *data;

  if (self->filling || self->authority == NULL ||
      active == g_str_equal (get_saved (self, "server.autostart"), "true"))
    return;
  data = save_data_new (self, NULL);
  save_data_add (data, "server.autostart", g_strdup (active ? "true" : "false"));
  /* A toggle saves at once, alone: it never waits for the other groups. */
  scm_store_task_run (self, data->store, save_change, data, (GDestroyNotify) save_data_free,
                      self->cancellable, autostart_changed_cb, save_cb, self->server_error_label);
  set_busy (self, TRUE);
}

/* Send Test Email ----------------------------------------------------------------- */

typedef struct
{
  ScmStore *store;
  char *to;
  char *server;   /* "HOST:PORT", set by the thread */
} TestData;

static void
test_data_free (TestData *data)
{
  g_clear_object (&data->store);
  g_free (data->to);
  g_free (data->server);
  g_free (data);
}

static void
test_mail_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TestData *data = task_data;
  g_autoptr (ScmMailSettings) settings = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *body = NULL;

  settings = scm_mail_settings_load (data->store, &error);
  if (settings == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->server = scm_mail_settings_describe_server (settings);
  body = g_strdup_printf (_("This message was sent by ScmEnroll through %s to check its mail settings.\n"
                            "Email confirmation codes will reach people the same way.\n"),
                          data->server);
  if (!scm_mail_send (settings, data->to, _("ScmEnroll test email"), body, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
test_mail_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ScmPreferencesWindow *self = SCM_PREFERENCES_WINDOW (source);
  TestData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  set_busy (self, FALSE);
  gtk_spinner_set_spinning (self->test_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("The test email was not sent: %s"), error->message);
      gtk_widget_remove_css_class (GTK_WIDGET (self->test_result_label), "success");
      gtk_widget_add_css_class (GTK_WIDGET (self->test_result_label), "error");
    }
  else
    {
      text = g_strdup_printf (_("Sent a test email to %s through %s."), data->to, data->server);
      gtk_widget_remove_css_class (GTK_WIDGET (self->test_result_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->test_result_label), "success");
      show_toast (self, _("Test email sent"));
    }
  gtk_label_set_text (self->test_result_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->test_result_label), TRUE);
  update_buttons (self);
}

static void
send_test_mail (ScmPreferencesWindow *self,
                const char           *to)
{
  g_autoptr (GTask) task = NULL;
  TestData *data = g_new0 (TestData, 1);

  data->store = g_object_ref (scm_authority_get_store (self->authority));
  data->to = g_strdup (to);
  set_busy (self, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_mail_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_result_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_set_spinning (self->test_spinner, TRUE);

  task = g_task_new (self, self->cancellable, test_mail_cb, NULL);
  g_task_set_source_tag (task, send_test_mail);
  g_task_set_task_data (task, data, (GDestroyNotify) test_data_free);
  g_task_run_in_thread (task, test_mail_thread);
}

static void
test_mail_clicked_cb (ScmPreferencesWindow *self)
{
  g_autofree char *to = dup_trimmed (self->test_address_row);
  g_autofree char *normalized = NULL;
  SaveData *data;

  if (self->busy > 0 || self->authority == NULL)
    return;
  set_row_error (self->test_address_row, FALSE);
  if (!scm_validate_email (to, &normalized, NULL))
    {
      g_autofree char *text = g_strdup_printf (_("“%s” is not an email address; enter the address "
                                                 "the test email should go to."), to);

      set_row_error (self->test_address_row, TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->test_result_label), "error");
      gtk_label_set_text (self->test_result_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->test_result_label), TRUE);
      return;
    }

  /* What the test checks is what is saved. */
  if (!mail_is_dirty (self))
    {
      send_test_mail (self, normalized);
      return;
    }
  data = mail_save_data (self, _("Mail settings saved"));
  if (data == NULL)
    return;
  data->test_to = g_steal_pointer (&normalized);
  run_save (self, data, self->mail_error_label);
}

/* The CA --------------------------------------------------------------------------- */

static char *
format_fingerprint (const char *hex)
{
  GString *text = g_string_new (NULL);

  /* "AB:CD:…", as certificate viewers show it. */
  for (gsize i = 0; hex != NULL && hex[i] != '\0'; i += 2)
    {
      if (i > 0)
        g_string_append_c (text, ':');
      g_string_append_c (text, g_ascii_toupper (hex[i]));
      if (hex[i + 1] != '\0')
        g_string_append_c (text, g_ascii_toupper (hex[i + 1]));
      else
        break;
    }
  return g_string_free (text, FALSE);
}

static char *
format_date (gint64 unix_seconds)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (unix_seconds);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d") : g_strdup ("");
}

static void
fill_ca (ScmPreferencesWindow *self)
{
  ScmCa *ca = self->authority != NULL ? scm_authority_get_ca (self->authority) : NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *root_fingerprint = NULL;
  g_autofree char *not_before = NULL;
  g_autofree char *not_after = NULL;
  g_autofree char *validity = NULL;

  if (ca == NULL)
    return;
  fingerprint = format_fingerprint (scm_ca_get_issuing_fingerprint (ca));
  root_fingerprint = format_fingerprint (scm_ca_get_root_fingerprint (ca));
  not_before = format_date (scm_ca_get_not_before (ca));
  not_after = format_date (scm_ca_get_not_after (ca));
  /* Translators: a validity period, "2026-01-01 to 2031-01-01". */
  validity = g_strdup_printf (_("%s to %s"), not_before, not_after);

  adw_action_row_set_subtitle (self->ca_subject_row, scm_ca_get_subject (ca));
  adw_action_row_set_subtitle (self->ca_validity_row, validity);
  adw_action_row_set_subtitle (self->ca_fingerprint_row, fingerprint);
  adw_action_row_set_subtitle (self->ca_root_fingerprint_row, root_fingerprint);
}

static void
export_written_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (ScmPreferencesWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *name = g_file_get_parse_name (G_FILE (source));
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("Could not save %s: %s. Choose another folder."), name, error->message);
      show_toast (self, text);
      return;
    }
  show_toast (self, _("CA certificate exported"));
}

static void
export_response_cb (GtkNativeDialog      *chooser,
                    int                   response,
                    ScmPreferencesWindow *self)
{
  g_autoptr (GFile) file = NULL;
  GBytes *chain;

  if (response == GTK_RESPONSE_ACCEPT && self->authority != NULL &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      chain = scm_ca_get_chain_pem (scm_authority_get_ca (self->authority));
      g_file_replace_contents_bytes_async (file, chain, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                           self->cancellable, export_written_cb, g_object_ref (self));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
export_ca_clicked_cb (ScmPreferencesWindow *self)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export CA Certificate"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "ca-chain.pem");
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

typedef struct
{
  ScmAuthority *authority;
  GFile *file;
  char *password;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_clear_object (&data->authority);
  g_clear_object (&data->file);
  scm_secret_free (data->password);
  g_free (data);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *data = task_data;
  g_autoptr (GBytes) contents = NULL;
  g_autoptr (GError) error = NULL;

  contents = g_file_load_bytes (data->file, cancellable, NULL, &error);
  if (contents == NULL ||
      !scm_authority_import_ca (data->authority, contents,
                                data->password != NULL && *data->password != '\0' ? data->password : NULL,
                                &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
import_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ScmPreferencesWindow *self = SCM_PREFERENCES_WINDOW (source);
  g_autoptr (GError) error = NULL;

  set_busy (self, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_ca_button), TRUE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      GtkWidget *dialog;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Cannot Import the CA"), error->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  fill_ca (self);
  show_toast (self, _("CA imported; new certificates are issued by it"));
  /* The endpoint's certificate must come from the new CA. */
  if (self->application != NULL)
    scm_application_restart_server (self->application);
}

static void
import_passphrase_response_cb (AdwMessageDialog     *dialog,
                               const char           *response,
                               ScmPreferencesWindow *self)
{
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);
  GFile *file = g_object_get_data (G_OBJECT (dialog), "scm-file");
  g_autoptr (GTask) task = NULL;
  ImportData *data;

  if (!g_str_equal (response, "import") || self->authority == NULL || file == NULL)
    return;

  data = g_new0 (ImportData, 1);
  data->authority = g_object_ref (self->authority);
  data->file = g_object_ref (file);
  data->password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");

  set_busy (self, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_ca_button), FALSE);
  task = g_task_new (self, self->cancellable, import_cb, NULL);
  g_task_set_source_tag (task, import_passphrase_response_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);
  g_task_run_in_thread (task, import_thread);
}

static void
import_response_cb (GtkNativeDialog      *chooser,
                    int                   response,
                    ScmPreferencesWindow *self)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *body = NULL;
      GtkWidget *dialog;
      GtkWidget *entry;

      body = g_strdup_printf (_("Issuing from the CA in “%s” replaces the current CA for new "
                                "certificates. Certificates issued so far stay valid. Enter the "
                                "passphrase of its key or PKCS#12 file; leave it empty if it has none."),
                              name);
      dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Import CA?"), body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "import", _("_Import"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "import",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "import");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      entry = gtk_password_entry_new ();
      gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
      g_object_set (entry, "activates-default", TRUE, "placeholder-text", _("Passphrase"), NULL);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Passphrase of the CA file"),
                                      -1);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
      g_object_set_data_full (G_OBJECT (dialog), "scm-file", g_steal_pointer (&file), g_object_unref);
      g_signal_connect_object (dialog, "response", G_CALLBACK (import_passphrase_response_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
import_ca_clicked_cb (ScmPreferencesWindow *self)
{
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter;

  chooser = gtk_file_chooser_native_new (_("Import CA"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("PEM or PKCS#12 files"));
  gtk_file_filter_add_suffix (filter, "pem");
  gtk_file_filter_add_suffix (filter, "crt");
  gtk_file_filter_add_suffix (filter, "key");
  gtk_file_filter_add_suffix (filter, "p12");
  gtk_file_filter_add_suffix (filter, "pfx");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  g_signal_connect (chooser, "response", G_CALLBACK (import_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* GObject ---------------------------------------------------------------------------- */

static void
scm_preferences_window_dispose (GObject *object)
{
  ScmPreferencesWindow *self = SCM_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (scm_preferences_window_parent_class)->dispose (object);
}

static void
scm_preferences_window_finalize (GObject *object)
{
  ScmPreferencesWindow *self = SCM_PREFERENCES_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->application);
  g_clear_object (&self->authority);
  g_clear_pointer (&self->saved, g_hash_table_unref);

  G_OBJECT_CLASS (scm_preferences_window_parent_class)->finalize (object);
}

static void
scm_preferences_window_class_init (ScmPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_preferences_window_dispose;
  object_class->finalize = scm_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-preferences-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ScmPreferencesWindow, name)
  BIND (server_save_button);
  BIND (listen_address_row);
  BIND (port_row);
  BIND (public_url_row);
  BIND (server_error_label);
  BIND (autostart_switch);
  BIND (limits_save_button);
  BIND (max_attempts_row);
  BIND (lockout_minutes_row);
  BIND (limits_error_label);
  BIND (mail_save_button);
  BIND (smtp_host_row);
  BIND (smtp_security_row);
  BIND (smtp_port_row);
  BIND (smtp_from_row);
  BIND (smtp_username_row);
  BIND (smtp_password_row);
  BIND (password_hint_label);
  BIND (mail_error_label);
  BIND (test_address_row);
  BIND (test_mail_button);
  BIND (test_spinner);
  BIND (test_result_label);
  BIND (ca_subject_row);
  BIND (ca_validity_row);
  BIND (ca_fingerprint_row);
  BIND (ca_root_fingerprint_row);
  BIND (export_ca_button);
  BIND (import_ca_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, server_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, server_save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, autostart_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, limits_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, limits_save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, mail_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, mail_save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_mail_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_ca_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, import_ca_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
scm_preferences_window_init (ScmPreferencesWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->saved = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  /* Nothing is editable until the settings are read. */
  self->filling = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  self->filling = FALSE;
}

ScmPreferencesWindow *
scm_preferences_window_new (GtkWindow      *parent,
                            ScmApplication *application)
{
  ScmPreferencesWindow *self;

  g_return_val_if_fail (SCM_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (scm_application_get_authority (application) != NULL, NULL);

  self = g_object_new (SCM_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "application", application,
                       NULL);
  self->application = g_object_ref (application);
  self->authority = g_object_ref (scm_application_get_authority (application));
  fill_ca (self);
  load_settings (self);
  return self;
}

gboolean
scm_preferences_window_get_busy (ScmPreferencesWindow *self)
{
  g_return_val_if_fail (SCM_IS_PREFERENCES_WINDOW (self), FALSE);

  return self->busy > 0;
}
