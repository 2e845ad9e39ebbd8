/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>
#include <string.h>

#include "scm-application.h"
#include "scm-audit-page.h"
#include "scm-authority.h"
#include "scm-list-page.h"
#include "scm-preferences-window.h"
#include "scm-server-status.h"
#include "scm-smtp-sink.h"
#include "scm-store.h"
#include "scm-test-ui.h"
#include "scm-test-util.h"
#include "scm-window.h"

/* The admin window's shell: the header bar's server switch, Preferences,
 * delete with Undo, the audit log's filters and export, the shortcuts
 * window. */

/* Waiting ------------------------------------------------------------------ */

/* The data directory ------------------------------------------------------- */

typedef struct
{
  char *dir;
  char *data_dir;
  char *listen;   /* server.listen: 127.0.0.1 and a free port */
  char *port;
} Fixture;

/* A port nothing listens on now (the setting wants a real one). */
static guint16
pick_free_port (void)
{
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GError) error = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

static void
set_setting (ScmStore   *store,
             const char *key,
             const char *value)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (scm_store_set_setting (store, key, value, &error));
  g_assert_no_error (error);
}

static void
add_person (ScmStore   *store,
            const char *email,
            const char *first_name,
            const char *last_name,
            gint64      organization_id)
{
  g_autoptr (ScmPerson) person = scm_person_new ();
  g_autoptr (GError) error = NULL;

  scm_person_set_email (person, email);
  scm_person_set_first_name (person, first_name);
  scm_person_set_last_name (person, last_name);
  scm_person_set_organization_id (person, organization_id);
  g_assert_true (scm_store_create_person (store, person, &error));
  g_assert_no_error (error);
}

static void
add_event (ScmStore   *store,
           const char *actor,
           const char *action,
           const char *object,
           const char *result,
           const char *message)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (scm_store_add_audit_event (store, actor, action, object, result, message, &error));
  g_assert_no_error (error);
}

/* An organization with a delegated domain and three persons, two forms,
 * and enrollment events on them; the server listens on 127.0.0.1 on a
 * port the system picks. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr (ScmStore) store = NULL;
  g_autoptr (ScmAuthority) authority = NULL;
  g_autoptr (ScmOrganization) acme = scm_organization_new ();
  g_autoptr (ScmDomain) domain = scm_domain_new ();
  g_autoptr (GError) error = NULL;

  fixture->dir = scm_test_make_tmp_dir ("scm-shell-XXXXXX");
  fixture->data_dir = g_build_filename (fixture->dir, "data", NULL);

  store = scm_store_open (fixture->data_dir, &error);
  g_assert_no_error (error);
  authority = scm_authority_open (store, NULL, &error);
  g_assert_no_error (error);

  scm_organization_set_name (acme, "Acme Corporation");
  g_assert_true (scm_store_create_organization (store, acme, &error));
  g_assert_no_error (error);
  scm_domain_set_name (domain, "example.com");
  scm_domain_set_organization_id (domain, scm_organization_get_id (acme));
  g_assert_true (scm_store_create_domain (store, domain, &error));
  g_assert_no_error (error);
  g_assert_true (scm_store_set_domain_validated (store, domain, TRUE, &error));
  g_assert_no_error (error);
  add_person (store, "ada@example.com", "Ada", "Lovelace", scm_organization_get_id (acme));
  add_person (store, "grace@example.com", "Grace", "Hopper", scm_organization_get_id (acme));
  add_person (store, "alan@example.com", "Alan", "Turing", scm_organization_get_id (acme));

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (ScmForm) form = scm_form_new ();

      scm_form_set_name (form, i == 0 ? "Staff" : "Contractors");
      scm_form_set_authentication (form, SCM_AUTHENTICATION_SECRET_ID);
      g_assert_true (scm_store_create_form (store, form, &error));
      g_assert_no_error (error);
    }
  add_event (store, "email:ada@example.com", "session.create", "ada@example.com", SCM_AUDIT_SUCCESS,
             "Signed in with a Secret ID on form “Staff”");
  add_event (store, "address:192.0.2.7", "session.create", "mallory@example.com", SCM_AUDIT_FAILURE,
             "Sign-in with a Secret ID on form “Staff” refused: person unknown");
  add_event (store, "address:192.0.2.8", "session.create", "eve@example.com", SCM_AUDIT_FAILURE,
             "Sign-in with a Secret ID on form “Contractors” refused: secret wrong");
  /* A cell a spreadsheet would run. */
  add_event (store, "=HYPERLINK(\"http://evil.example\")", "session.create", "x@example.com",
             SCM_AUDIT_FAILURE, "Sign-in on form “Contractors” refused: person unknown");

  fixture->port = g_strdup_printf ("%u", pick_free_port ());
  fixture->listen = g_strconcat ("127.0.0.1:", fixture->port, NULL);
  set_setting (store, "server.listen", fixture->listen);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  scm_application_stop_server (scm_test_ui_get_application ());
  scm_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->data_dir);
  g_free (fixture->listen);
  g_free (fixture->port);
}

/* Widgets ------------------------------------------------------------------- */

static ScmWindow *
open_window (Fixture *fixture)
{
  ScmApplication *app = scm_test_ui_get_application ();
  ScmWindow *window;

  scm_application_set_data_dir (app, fixture->data_dir);
  window = scm_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  scm_application_open_data (app, NULL);
  scm_test_ui_wait_for (scm_test_ui_window_is_ready, window, "the window to open the data directory");
  return window;
}

static ScmListPage *
show_page (ScmWindow  *window,
           const char *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (scm_window_get_stack (window), name);

  g_assert_true (SCM_IS_LIST_PAGE (page));
  scm_window_set_visible_page (window, name);
  scm_test_ui_wait_for (scm_test_ui_page_is_loaded, page, name);
  return SCM_LIST_PAGE (page);
}

static GListModel *
get_rows (ScmListPage *page)
{
  return G_LIST_MODEL (gtk_column_view_get_model (scm_list_page_get_column_view (page)));
}

static guint
count_rows (ScmListPage *page)
{
  return g_list_model_get_n_items (get_rows (page));
}

static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gpointer
get_child (gpointer    widget,
           GType       type,
           const char *id)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, id);

  g_assert_nonnull (child);
  return child;
}

/* A button under @widget whose label is @label (mnemonic included). */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
close_window (ScmWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  scm_test_ui_drain_main_loop ();
}

/* The server switch ------------------------------------------------------------ */

static gboolean
server_is (gpointer data)
{
  return (int) scm_application_get_server_state (scm_test_ui_get_application ()) == GPOINTER_TO_INT (data);
}

static gboolean
accept_certificate_cb (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  /* The test checks that the server answers, not its trust chain
   * (test-server covers that). */
  return TRUE;
}

typedef struct
{
  GBytes *body;
  GError *error;
  guint status;
  gboolean done;
} Fetch;

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Fetch *fetch = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  fetch->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &fetch->error);
  fetch->status = soup_message_get_status (message);
  fetch->done = TRUE;
}

static gboolean
fetch_is_done (gpointer data)
{
  return ((Fetch *) data)->done;
}

/* GETs @url while the main loop (which serves it) runs. */
static void
fetch (const char *url,
       Fetch      *result)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) message = soup_message_new ("GET", url);

  memset (result, 0, sizeof *result);
  g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, fetch_cb, result);
  scm_test_ui_wait_for (fetch_is_done, result, url);
}

static void
test_server_switch (Fixture       *fixture,
                    gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmServerStatus *status = scm_window_get_server_status (window);
  GtkSwitch *server_switch = scm_server_status_get_switch (status);
  g_autofree char *label = NULL;
  g_autofree char *url = NULL;
  g_autofree char *ca_url = NULL;
  Fetch answer;

  /* Stopped at first (server.autostart is off), with a switch a screen
   * reader can name. */
  g_assert_cmpint (scm_application_get_server_state (scm_test_ui_get_application ()), ==, SCM_SERVER_STATE_STOPPED);
  g_assert_cmpstr (scm_server_status_get_text (status), ==, "Server stopped");
  g_assert_false (gtk_switch_get_active (server_switch));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (server_switch)));
  g_assert_true (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (server_switch)) == GTK_ACCESSIBLE_ROLE_SWITCH);

  /* The switch starts it: the header bar shows the URL, which answers. */
  g_assert_true (gtk_widget_activate (GTK_WIDGET (server_switch)));
  /* (The switch slides before it acts.) */
  scm_test_ui_wait_for (server_is, GINT_TO_POINTER (SCM_SERVER_STATE_RUNNING), "the server to run");
  g_assert_true (gtk_switch_get_active (server_switch));
  url = g_strdup (scm_application_get_server_url (scm_test_ui_get_application ()));
  g_assert_true (g_str_has_prefix (url, "https://127.0.0.1:"));
  g_assert_cmpstr (url + strlen ("https://"), ==, fixture->listen);
  g_assert_cmpstr (scm_server_status_get_text (status), ==, "Serving at");
  g_assert_cmpstr (gtk_label_get_text (get_child (status, SCM_TYPE_SERVER_STATUS, "url_label")), ==, url);
  g_assert_true (gtk_switch_get_state (server_switch));

  ca_url = g_strconcat (url, "/ca.crt", NULL);
  fetch (ca_url, &answer);
  g_assert_no_error (answer.error);
  g_assert_cmpuint (answer.status, ==, 200);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (answer.body, NULL), g_bytes_get_size (answer.body),
                                  "-----BEGIN CERTIFICATE-----"));
  g_bytes_unref (answer.body);

  /* And stops it: the URL no longer answers. */
  g_assert_true (gtk_widget_activate (GTK_WIDGET (server_switch)));
  scm_test_ui_wait_for (server_is, GINT_TO_POINTER (SCM_SERVER_STATE_STOPPED), "the server to stop");
  g_assert_false (gtk_switch_get_active (server_switch));
  g_assert_false (gtk_widget_get_visible (get_child (status, SCM_TYPE_SERVER_STATUS, "url_label")));
  fetch (ca_url, &answer);
  g_assert_nonnull (answer.error);
  g_clear_error (&answer.error);

  close_window (window);
}

static void
test_server_failure (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr (GSocketService) squatter = g_socket_service_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *listen = NULL;
  ScmWindow *window;
  ScmServerStatus *status;
  guint16 port;

  /* Another program holds the port. */
  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (squatter), NULL, &error);
  g_assert_no_error (error);
  listen = g_strdup_printf ("0.0.0.0:%u", port);
  window = open_window (fixture);
  status = scm_window_get_server_status (window);
  set_setting (scm_test_ui_get_store (), "server.listen", listen);

  g_assert_true (gtk_widget_activate (GTK_WIDGET (scm_server_status_get_switch (status))));
  scm_test_ui_wait_for (server_is, GINT_TO_POINTER (SCM_SERVER_STATE_FAILED), "the server to fail");
  g_assert_cmpstr (scm_server_status_get_text (status), ==, "Server failed");
  g_assert_nonnull (strstr (scm_application_get_server_error (scm_test_ui_get_application ()), listen + 8));
  g_assert_false (gtk_switch_get_active (scm_server_status_get_switch (status)));

  close_window (window);
}

/* Preferences ---------------------------------------------------------------------- */

static gboolean
preferences_are_idle (gpointer data)
{
  return !scm_preferences_window_get_busy (data);
}

static ScmPreferencesWindow *
open_preferences (ScmWindow *window)
{
  ScmPreferencesWindow *preferences;

  /* Ctrl+,'s action. */
  g_action_group_activate_action (G_ACTION_GROUP (scm_test_ui_get_application ()), "preferences", NULL);
  preferences = SCM_PREFERENCES_WINDOW (find_toplevel (SCM_TYPE_PREFERENCES_WINDOW));
  g_assert_nonnull (preferences);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preferences)) == GTK_WINDOW (window));
  scm_test_ui_wait_for (preferences_are_idle, preferences, "the preferences to be read");
  return preferences;
}

static void
set_field (ScmPreferencesWindow *preferences,
           const char           *id,
           const char           *text)
{
  gtk_editable_set_text (get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, id), text);
}

static const char *
get_field (ScmPreferencesWindow *preferences,
           const char           *id)
{
  return gtk_editable_get_text (get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, id));
}

static void
click (ScmPreferencesWindow *preferences,
       const char           *id)
{
  GtkWidget *button = get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, id);

  g_assert_true (gtk_widget_is_sensitive (button));
  /* What a click ends with (gtk_widget_activate() would wait a moment). */
  g_signal_emit_by_name (button, "clicked");
  scm_test_ui_wait_for (preferences_are_idle, preferences, id);
}

static void
assert_setting (const char *key,
                const char *expected)
{
  g_autofree char *value = scm_store_get_setting (scm_test_ui_get_store (), key);

  g_assert_cmpstr (value, ==, expected);
}

static void
close_preferences (ScmPreferencesWindow *preferences)
{
  gtk_window_destroy (GTK_WINDOW (preferences));
  scm_test_ui_drain_main_loop ();
}

static void
test_preferences_persist (Fixture       *fixture,
                          gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmPreferencesWindow *preferences = open_preferences (window);
  GtkSwitch *autostart;

  /* What is stored shows. */
  g_assert_cmpstr (get_field (preferences, "listen_address_row"), ==, "127.0.0.1");
  g_assert_cmpstr (get_field (preferences, "port_row"), ==, fixture->port);
  g_assert_cmpstr (get_field (preferences, "max_attempts_row"), ==, "5");
  g_assert_cmpstr (get_field (preferences, "lockout_minutes_row"), ==, "15");

  set_field (preferences, "listen_address_row", "::1");
  set_field (preferences, "port_row", "9443");
  set_field (preferences, "public_url_row", "https://pki.example.com:9443");
  click (preferences, "server_save_button");
  set_field (preferences, "max_attempts_row", "7");
  set_field (preferences, "lockout_minutes_row", "30");
  click (preferences, "limits_save_button");
  autostart = get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, "autostart_switch");
  gtk_switch_set_active (autostart, TRUE);
  scm_test_ui_wait_for (preferences_are_idle, preferences, "the autostart setting to be saved");

  set_field (preferences, "smtp_host_row", "mail.example.com");
  set_field (preferences, "smtp_from_row", "PKI@example.com");
  set_field (preferences, "smtp_username_row", "pki");
  set_field (preferences, "smtp_password_row", "river Otter 58 canyon");
  adw_combo_row_set_selected (get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, "smtp_security_row"), 1);
  click (preferences, "mail_save_button");
  close_preferences (preferences);

  /* The store has them, as scm-enrollctl reads them. */
  assert_setting ("server.listen", "[::1]:9443");
  assert_setting ("server.public-url", "https://pki.example.com:9443");
  assert_setting ("server.autostart", "true");
  assert_setting ("limits.max-attempts", "7");
  assert_setting ("limits.lockout-minutes", "30");
  assert_setting ("smtp.host", "mail.example.com");
  assert_setting ("smtp.from", "pki@example.com");
  assert_setting ("smtp.security", "tls");
  assert_setting ("smtp.username", "pki");
  assert_setting ("smtp.password", "river Otter 58 canyon");

  /* Reopened, it shows them, but never the password. */
  preferences = open_preferences (window);
  g_assert_cmpstr (get_field (preferences, "listen_address_row"), ==, "::1");
  g_assert_cmpstr (get_field (preferences, "port_row"), ==, "9443");
  g_assert_cmpstr (get_field (preferences, "public_url_row"), ==, "https://pki.example.com:9443");
  g_assert_cmpstr (get_field (preferences, "max_attempts_row"), ==, "7");
  g_assert_cmpstr (get_field (preferences, "lockout_minutes_row"), ==, "30");
  g_assert_true (gtk_switch_get_active (get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, "autostart_switch")));
  g_assert_cmpstr (get_field (preferences, "smtp_host_row"), ==, "mail.example.com");
  g_assert_cmpstr (get_field (preferences, "smtp_password_row"), ==, "");
  g_assert_true (gtk_widget_get_visible (get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, "password_hint_label")));
  g_assert_cmpuint (adw_combo_row_get_selected (get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, "smtp_security_row")), ==, 1);
  /* Nothing changed, nothing to save. */
  g_assert_false (gtk_widget_is_sensitive (get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, "mail_save_button")));

  /* Saving other mail fields keeps the stored password. */
  set_field (preferences, "smtp_port_row", "2465");
  click (preferences, "mail_save_button");
  assert_setting ("smtp.port", "2465");
  assert_setting ("smtp.password", "river Otter 58 canyon");

  close_preferences (preferences);
  close_window (window);
}

static void
test_preferences_invalid (Fixture       *fixture,
                          gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmPreferencesWindow *preferences = open_preferences (window);
  GtkLabel *server_error = get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, "server_error_label");
  GtkLabel *limits_error = get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, "limits_error_label");
  GtkLabel *mail_error = get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, "mail_error_label");

  /* The reason shows as the user types, and Save saves nothing. */
  set_field (preferences, "public_url_row", "https://pki.example.com");
  set_field (preferences, "port_row", "70000");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (server_error)));
  g_assert_nonnull (strstr (gtk_label_get_text (server_error), "“70000” is not a port"));
  g_assert_nonnull (strstr (gtk_label_get_text (server_error), "1 to 65535"));
  g_assert_true (gtk_widget_has_css_class (get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, "port_row"), "error"));
  click (preferences, "server_save_button");
  assert_setting ("server.listen", fixture->listen);
  assert_setting ("server.public-url", NULL);

  set_field (preferences, "port_row", "8443");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (server_error)));
  set_field (preferences, "public_url_row", "ftp://pki.example.com");
  g_assert_nonnull (strstr (gtk_label_get_text (server_error), "“ftp://pki.example.com” is not a web address"));
  set_field (preferences, "public_url_row", "");
  set_field (preferences, "listen_address_row", "300.1.2.3");
  g_assert_nonnull (strstr (gtk_label_get_text (server_error), "“300.1.2.3” is not an IP address"));
  click (preferences, "server_save_button");
  assert_setting ("server.listen", fixture->listen);

  set_field (preferences, "max_attempts_row", "0");
  g_assert_nonnull (strstr (gtk_label_get_text (limits_error), "“0” is not a number of failed attempts"));
  click (preferences, "limits_save_button");
  assert_setting ("limits.max-attempts", "5");

  set_field (preferences, "smtp_host_row", "mail.example.com");
  set_field (preferences, "smtp_from_row", "not an address");
  g_assert_nonnull (strstr (gtk_label_get_text (mail_error), "“not an address” is not an email address"));
  set_field (preferences, "smtp_from_row", "pki@example.com");
  set_field (preferences, "smtp_username_row", "pki");
  g_assert_nonnull (strstr (gtk_label_get_text (mail_error), "Enter the password of “pki”"));
  click (preferences, "mail_save_button");
  assert_setting ("smtp.host", NULL);
  assert_setting ("smtp.username", NULL);

  close_preferences (preferences);
  close_window (window);
}

static gboolean
label_is_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

static void
test_preferences_test_email (Fixture       *fixture,
                             gconstpointer  user_data)
{
  g_autoptr (ScmSmtpSink) sink = scm_smtp_sink_new ();
  g_autoptr (GPtrArray) messages = NULL;
  g_autofree char *port = g_strdup_printf ("%u", scm_smtp_sink_get_port (sink));
  g_autofree char *subject = NULL;
  ScmWindow *window = open_window (fixture);
  ScmPreferencesWindow *preferences = open_preferences (window);
  GtkLabel *result = get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, "test_result_label");
  ScmSmtpMessage *message;

  scm_smtp_sink_set_credentials (sink, "pki", "river Otter 58 canyon");
  set_field (preferences, "smtp_host_row", "127.0.0.1");
  adw_combo_row_set_selected (get_child (preferences, SCM_TYPE_PREFERENCES_WINDOW, "smtp_security_row"), 2);
  set_field (preferences, "smtp_port_row", port);
  set_field (preferences, "smtp_from_row", "pki@example.com");
  set_field (preferences, "smtp_username_row", "pki");
  set_field (preferences, "smtp_password_row", "river Otter 58 canyon");
  set_field (preferences, "test_address_row", "ada@example.com");

  /* Send Test Email saves the settings, then sends with them. */
  click (preferences, "test_mail_button");
  scm_test_ui_wait_for (label_is_visible, result, "the test email's result");
  g_assert_true (scm_smtp_sink_wait_for_messages (sink, 1, 10000));
  messages = scm_smtp_sink_get_messages (sink);
  message = messages->pdata[0];
  g_assert_cmpstr (message->from, ==, "pki@example.com");
  g_assert_cmpstr (message->rcpt->pdata[0], ==, "ada@example.com");
  g_assert_cmpstr (message->auth_user, ==, "pki");
  subject = scm_smtp_message_get_header (message, "Subject");
  g_assert_cmpstr (subject, ==, "ScmEnroll test email");
  g_assert_nonnull (strstr (gtk_label_get_text (result), "Sent a test email to ada@example.com"));
  assert_setting ("smtp.host", "127.0.0.1");
  assert_setting ("smtp.port", port);

  /* A refused login says why, in the window. */
  scm_smtp_sink_set_credentials (sink, "pki", "another Secret 12 word");
  gtk_widget_set_visible (GTK_WIDGET (result), FALSE);
  click (preferences, "test_mail_button");
  scm_test_ui_wait_for (label_is_visible, result, "the failed test email's result");
  g_assert_nonnull (strstr (gtk_label_get_text (result), "The test email was not sent"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (result), "error"));

  close_preferences (preferences);
  close_window (window);
}

/* Delete with Undo ------------------------------------------------------------------ */

static gboolean
undo_is_offered (gpointer data)
{
  return scm_list_page_get_undo_toast (data) != NULL;
}

static gboolean
has_person (const char *email)
{
  g_autoptr (ScmPerson) person = scm_store_find_person_by_email (scm_test_ui_get_store (), email, NULL);

  return person != NULL;
}

static gboolean
person_is_deleted (gpointer data)
{
  return !has_person (data);
}

static guint
find_row (ScmListPage *page,
          const char  *email)
{
  for (guint i = 0; i < count_rows (page); i++)
    {
      g_autoptr (ScmPerson) person = g_list_model_get_item (get_rows (page), i);

      if (g_strcmp0 (scm_person_get_email (person), email) == 0)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
delete_person (ScmListPage *page,
               const char  *email)
{
  guint position = find_row (page, email);

  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (get_rows (page)), position, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "list.delete", NULL));
  scm_test_ui_wait_for (undo_is_offered, page, "the toast offering Undo");
}

static void
test_delete_undo (Fixture       *fixture,
                  gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "persons");
  AdwToast *toast;
  GtkWidget *undo;

  g_assert_cmpuint (count_rows (page), ==, 3);
  delete_person (page, "ada@example.com");

  /* The row went at once; the toast names it and offers Undo. */
  toast = scm_list_page_get_undo_toast (page);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "Person “ada@example.com” deleted");
  g_assert_cmpuint (count_rows (page), ==, 2);
  g_assert_cmpuint (find_row (page, "ada@example.com"), ==, GTK_INVALID_LIST_POSITION);

  /* Undo, the toast's button, brings it back; the store never lost it. */
  scm_test_ui_wait_for_toast_shown ();
  undo = find_button (GTK_WIDGET (window), "_Undo");
  g_assert_nonnull (undo);
  g_assert_true (gtk_widget_is_sensitive (undo));
  g_signal_emit_by_name (undo, "clicked");
  scm_test_ui_drain_main_loop ();
  g_assert_cmpuint (scm_list_page_get_n_pending_deletes (page), ==, 0);
  g_assert_cmpuint (count_rows (page), ==, 3);
  g_assert_cmpuint (find_row (page, "ada@example.com"), !=, GTK_INVALID_LIST_POSITION);
  g_assert_true (has_person ("ada@example.com"));

  /* A reload meanwhile does not bring back a row waiting for Undo. */
  delete_person (page, "grace@example.com");
  scm_list_page_invalidate (page);
  scm_test_ui_wait_for (scm_test_ui_page_is_loaded, page, "the reload");
  g_assert_cmpuint (count_rows (page), ==, 2);
  g_assert_cmpuint (find_row (page, "grace@example.com"), ==, GTK_INVALID_LIST_POSITION);

  /* Without Undo: closing the window deletes it. */
  close_window (window);
  scm_test_ui_wait_for (person_is_deleted, (gpointer) "grace@example.com", "Grace to be deleted");
  g_assert_true (has_person ("ada@example.com"));
}

static void
test_delete_without_undo (Fixture       *fixture,
                          gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "persons");

  delete_person (page, "alan@example.com");
  /* Until the toast goes, the store keeps the person. */
  g_assert_true (has_person ("alan@example.com"));

  /* The toast times out. */
  scm_test_ui_wait_for_toast_shown ();
  adw_toast_dismiss (scm_list_page_get_undo_toast (page));
  scm_test_ui_wait_for (person_is_deleted, (gpointer) "alan@example.com", "Alan to be deleted");
  scm_test_ui_wait_for (scm_test_ui_page_is_loaded, page, "the reload");
  g_assert_cmpuint (count_rows (page), ==, 2);
  g_assert_cmpuint (scm_list_page_get_n_pending_deletes (page), ==, 0);

  close_window (window);
}

/* The audit log ---------------------------------------------------------------------- */

typedef struct
{
  gssize n;
  GError *error;
  gboolean done;
} Export;

static void
export_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Export *export = user_data;

  export->n = scm_audit_page_export_csv_finish (SCM_AUDIT_PAGE (source), result, &export->error);
  export->done = TRUE;
}

static gboolean
export_is_done (gpointer data)
{
  return ((Export *) data)->done;
}

static gboolean
forms_are_listed (gpointer data)
{
  return g_list_model_get_n_items (gtk_drop_down_get_model (data)) == 3;
}

static guint
find_string (GtkDropDown *drop_down,
             const char  *text)
{
  GListModel *model = gtk_drop_down_get_model (drop_down);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (model), i), text) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static guint
count_shown_failures (ScmListPage *page)
{
  guint n = 0;

  for (guint i = 0; i < count_rows (page); i++)
    {
      g_autoptr (ScmAuditEvent) event = g_list_model_get_item (get_rows (page), i);

      n += g_strcmp0 (scm_audit_event_get_result (event), SCM_AUDIT_FAILURE) == 0;
    }
  return n;
}

static void
test_audit_filters (Fixture       *fixture,
                    gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "audit");
  GtkDropDown *forms = scm_audit_page_get_form_filter (SCM_AUDIT_PAGE (page));
  GtkDropDown *results = scm_audit_page_get_result_filter (SCM_AUDIT_PAGE (page));
  guint all = count_rows (page);
  guint failures;

  /* Every change of the fixture is there, and the four sign-ins. */
  g_assert_cmpuint (all, >, 4);
  scm_test_ui_wait_for (forms_are_listed, forms, "the forms to choose from");

  gtk_drop_down_set_selected (results, SCM_AUDIT_PAGE_RESULT_FAILURE);
  failures = count_rows (page);
  g_assert_cmpuint (failures, ==, 3);
  g_assert_cmpuint (count_shown_failures (page), ==, failures);

  gtk_drop_down_set_selected (forms, find_string (forms, "Staff"));
  g_assert_cmpuint (count_rows (page), ==, 1);

  gtk_drop_down_set_selected (results, SCM_AUDIT_PAGE_RESULT_ANY);
  /* The form's creation and the two sign-ins on it. */
  g_assert_cmpuint (count_rows (page), ==, 3);

  gtk_drop_down_set_selected (forms, find_string (forms, "Contractors"));
  gtk_editable_set_text (scm_list_page_get_search_entry (page), "secret wrong");
  scm_test_ui_wait_for (scm_test_ui_page_is_loaded, page, "the search");
  /* The search entry waits a moment after typing. */
  while (count_rows (page) != 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (count_rows (page), ==, 1);

  gtk_editable_set_text (scm_list_page_get_search_entry (page), "");
  gtk_drop_down_set_selected (forms, 0);
  while (count_rows (page) != all)
    g_main_context_iteration (NULL, TRUE);

  close_window (window);
}

static void
test_audit_export (Fixture       *fixture,
                   gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "audit");
  GtkDropDown *results = scm_audit_page_get_result_filter (SCM_AUDIT_PAGE (page));
  g_autofree char *path = g_build_filename (fixture->dir, "audit.csv", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  Export export = { 0 };

  /* What the page shows, in its order: the failures. */
  gtk_drop_down_set_selected (results, SCM_AUDIT_PAGE_RESULT_FAILURE);
  g_assert_cmpuint (count_rows (page), ==, 3);
  scm_audit_page_export_csv (SCM_AUDIT_PAGE (page), file, NULL, export_cb, &export);
  scm_test_ui_wait_for (export_is_done, &export, "the export");
  g_assert_no_error (export.error);
  g_assert_cmpint (export.n, ==, 3);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);   /* header, 3 rows, "" after the last CRLF */
  g_assert_cmpstr (lines[0], ==, "Sequence,Time,Actor,Action,Object,Result,Message");
  /* Newest first: the formula-like actor, escaped so no spreadsheet runs it. */
  g_assert_nonnull (strstr (lines[1], ",\"'=HYPERLINK(\"\"http://evil.example\"\")\",session.create,x@example.com,failure,"));
  g_assert_nonnull (strstr (lines[2], "address:192.0.2.8"));
  g_assert_nonnull (strstr (lines[3], "address:192.0.2.7"));
  g_assert_cmpstr (lines[4], ==, "");

  close_window (window);
}

/* Shortcuts ------------------------------------------------------------------------- */

static void
assert_accel (const char *action,
              const char *accel)
{
  g_auto (GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (scm_test_ui_get_application ()), action);

  g_assert_true (g_strv_contains ((const char * const *) accels, accel));
}

static void
test_shortcuts (Fixture       *fixture,
                gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  GtkWindow *shortcuts;

  assert_accel ("app.preferences", "<Control>comma");
  assert_accel ("app.quit", "<Control>q");
  assert_accel ("window.close", "<Control>w");
  assert_accel ("win.show-help-overlay", "<Control>question");

  /* Ctrl+?'s action, from the primary menu too. */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  shortcuts = find_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_nonnull (shortcuts);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
  gtk_window_close (shortcuts);

  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/shell/server/switch", test_server_switch);
  ADD ("/shell/server/failure", test_server_failure);
  ADD ("/shell/preferences/persist", test_preferences_persist);
  ADD ("/shell/preferences/invalid", test_preferences_invalid);
  ADD ("/shell/preferences/test-email", test_preferences_test_email);
  ADD ("/shell/delete/undo", test_delete_undo);
  ADD ("/shell/delete/without-undo", test_delete_without_undo);
  ADD ("/shell/audit/filters", test_audit_filters);
  ADD ("/shell/audit/export", test_audit_export);
  ADD ("/shell/shortcuts", test_shortcuts);

#undef ADD

  return g_test_run ();
}
