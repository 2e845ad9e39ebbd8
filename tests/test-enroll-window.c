/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "scm-application.h"
#include "scm-authority.h"
#include "scm-enroll-request-page.h"
#include "scm-enroll-window.h"
#include "scm-enrollment-client.h"
#include "scm-enrollment-server.h"
#include "scm-key.h"
#include "scm-pkcs12.h"
#include "scm-secret.h"
#include "scm-smtp-sink.h"
#include "scm-test-server.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

/* The enroll window driven through its widgets against a real enrollment
 * server on 127.0.0.1 (HTTPS pinned by the link), a real SMTP sink for
 * the mailed codes, and openssl to open what it saves. The server runs
 * on this thread's main context, so every wait iterates it. */

#define SENDER "enroll@example.org"
#define PASSWORD "correct horse battery staple"
#define WAIT_SECONDS 120
#define WRONG_PIN "sha256=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

typedef struct
{
  char *dir;
  ScmStore *store;
  ScmAuthority *authority;
  ScmEnrollmentServer *server;
  ScmSmtpSink *sink;
  ScmOrganization *acme;
  ScmForm *staff;             /* Secret ID */
  ScmForm *visitors;          /* email confirmation */
  ScmAccount *open;           /* staff: server and local keys */
  ScmAccount *provided;       /* staff: a CSR the person brings */
  ScmAccount *visitor;        /* visitors: server and local keys */
  char *ada_secret;
  ScmEnrollWindow *window;
} Fixture;

/* One application for the whole test program, as in a real session. */
static GtkApplication *
get_application (void)
{
  static GtkApplication *app;

  if (app == NULL)
    {
      app = GTK_APPLICATION (adw_application_new ("org.example.ScmEnroll.TestEnroll",
                                                  G_APPLICATION_NON_UNIQUE));
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
    }
  return app;
}

static ScmForm *
add_form (Fixture           *f,
          const char        *name,
          ScmAuthentication  authentication)
{
  g_autoptr(ScmForm) form = scm_form_new ();
  g_autoptr(GError) error = NULL;

  scm_form_set_name (form, name);
  scm_form_set_authentication (form, authentication);
  scm_form_set_help_text (form, "Ask the service desk if you are stuck.");
  scm_form_set_help_link_text (form, "Service desk");
  scm_form_set_help_link_url (form, "https://help.example.org/enroll");
  scm_store_create_form (f->store, form, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&form);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *data_dir = NULL;
  gint64 profile_id;
  gint64 acme_id;

  f->dir = scm_test_make_tmp_dir ("test-enroll-window-XXXXXX");
  data_dir = g_build_filename (f->dir, "data", NULL);
  f->authority = scm_test_open_authority (data_dir, &f->store);

  f->sink = scm_smtp_sink_new ();
  scm_test_use_smtp_sink (f->store, f->sink, SENDER);

  f->acme = scm_test_add_organization (f->store, "Acme");
  acme_id = scm_organization_get_id (f->acme);
  scm_test_add_domain (f->store, "example.org", acme_id, 0, TRUE);
  profile_id = scm_test_client_auth_profile_id (f->store);

  f->staff = add_form (f, "Staff", SCM_AUTHENTICATION_SECRET_ID);
  f->visitors = add_form (f, "Visitors", SCM_AUTHENTICATION_EMAIL_CONFIRMATION);
  f->open = scm_test_add_account (f->store, f->staff, "Open", acme_id, SCM_AUTHORIZATION_NONE,
                                  SCM_CSR_METHOD_SERVER | SCM_CSR_METHOD_CLIENT, profile_id);
  f->provided = scm_test_add_account (f->store, f->staff, "Bring Your Own", acme_id,
                                      SCM_AUTHORIZATION_NONE, SCM_CSR_METHOD_PROVIDED, profile_id);
  f->visitor = scm_test_add_account (f->store, f->visitors, "Visitor", acme_id,
                                     SCM_AUTHORIZATION_NONE,
                                     SCM_CSR_METHOD_SERVER | SCM_CSR_METHOD_CLIENT, profile_id);
  f->ada_secret = scm_test_add_person (f->store, "ada@example.org", "Ada", "Lovelace", acme_id, 0);

  f->server = scm_test_server_new (f->authority, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  /* Let the cancelled calls come back before the server goes. */
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  scm_test_server_stop (f->server);
  g_clear_pointer (&f->sink, scm_smtp_sink_free);
  g_clear_object (&f->acme);
  g_clear_object (&f->staff);
  g_clear_object (&f->visitors);
  g_clear_object (&f->open);
  g_clear_object (&f->provided);
  g_clear_object (&f->visitor);
  g_clear_pointer (&f->ada_secret, scm_secret_free);
  g_clear_object (&f->authority);
  g_clear_object (&f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Widgets ---------------------------------------------------------------------------------- */

static GtkWidget *
find_in (GtkWidget  *root,
         const char *id)
{
  if (GTK_IS_BUILDABLE (root)
      && g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (root)), id) == 0)
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_in (child, id);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The widget @id of the step @page ("auth_page"…) of the window. */
static GtkWidget *
find (Fixture    *f,
      const char *page,
      const char *id)
{
  GtkWidget *root = find_in (GTK_WIDGET (f->window), page);
  GtkWidget *widget;

  g_assert_nonnull (root);
  widget = find_in (root, id);
  if (widget == NULL)
    g_error ("no widget “%s” in “%s”", id, page);
  return widget;
}

static void
set_text (Fixture    *f,
          const char *page,
          const char *id,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find (f, page, id)), text);
}

/* Clicks a button as a person would: only when it can be clicked. */
static void
click (Fixture    *f,
       const char *page,
       const char *id)
{
  GtkWidget *button = find (f, page, id);

  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_get_mapped (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
select_item (Fixture    *f,
             const char *page,
             const char *id,
             const char *text)
{
  AdwComboRow *row = ADW_COMBO_ROW (find (f, page, id));
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), text) == 0)
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  g_error ("“%s” offers no “%s”", id, text);
}

static const char *
label_text (Fixture    *f,
            const char *page,
            const char *id)
{
  return gtk_label_get_text (GTK_LABEL (find (f, page, id)));
}

/* The step's error, or NULL when none shows. */
static const char *
shown_error (Fixture    *f,
             const char *page)
{
  GtkWidget *label = find (f, page, "error_label");
  GtkRevealer *revealer = GTK_REVEALER (gtk_widget_get_parent (label));

  if (!gtk_revealer_get_reveal_child (revealer))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (label));
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("timed out waiting for %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (Fixture *f, gconstpointer data);

static void
wait_until (Fixture       *f,
            Condition      condition,
            gconstpointer  data,
            const char    *what)
{
  guint timeout = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, (gpointer) what);

  while (!condition (f, data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

static gboolean
step_is (Fixture       *f,
         gconstpointer  data)
{
  return g_strcmp0 (scm_enroll_window_get_step (f->window), data) == 0;
}

static gboolean
error_shows (Fixture       *f,
             gconstpointer  data)
{
  return shown_error (f, data) != NULL;
}

static gboolean
sensitive (Fixture       *f,
           gconstpointer  data)
{
  return gtk_widget_is_sensitive (find (f, "request_page", data));
}

/* The step @data ("auth_page"…) is not waiting for the server. */
static gboolean
answered (Fixture       *f,
          gconstpointer  data)
{
  return !gtk_spinner_get_spinning (GTK_SPINNER (find (f, data, "spinner")));
}

static gboolean
code_row_shows (Fixture       *f,
                gconstpointer  data)
{
  return gtk_widget_get_visible (find (f, "auth_page", "code_row"));
}

static void
wait_for_answer (Fixture    *f,
                 const char *page)
{
  wait_until (f, answered, page, "the server's answer");
}

static void
wait_for_step (Fixture    *f,
               const char *step)
{
  wait_until (f, step_is, step, step);
}

static void
wait_for_error (Fixture    *f,
                const char *page)
{
  wait_until (f, error_shows, page, "an error");
}

/* Flow ------------------------------------------------------------------------------------- */

static char *
enrollment_url (Fixture    *f,
                ScmForm    *form,
                const char *fragment)
{
  g_autofree char *pin = g_strconcat ("sha256=",
                                      scm_ca_get_root_fingerprint (scm_authority_get_ca (f->authority)),
                                      NULL);

  return g_strconcat (scm_enrollment_server_get_url (f->server), "/enroll/",
                      scm_form_get_uri_extension (form), "#",
                      fragment != NULL ? fragment : pin, NULL);
}

static void
open_window (Fixture    *f,
             const char *url)
{
  f->window = scm_enroll_window_new (get_application (), url);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_cmpstr (scm_enroll_window_get_step (f->window), ==, "endpoint");
}

/* Connects to @form and checks what the window shows of it. */
static void
connect_to (Fixture *f,
            ScmForm *form)
{
  g_autofree char *url = enrollment_url (f, form, NULL);

  open_window (f, url);
  click (f, "endpoint_page", "connect_button");
  wait_for_step (f, "authenticate");
  g_assert_cmpstr (label_text (f, "form_box", "form_name_label"), ==, scm_form_get_name (form));
  g_assert_cmpstr (label_text (f, "form_box", "help_label"), ==,
                   "Ask the service desk if you are stuck.");
  g_assert_cmpstr (gtk_link_button_get_uri (GTK_LINK_BUTTON (find (f, "form_box", "help_link"))),
                   ==, "https://help.example.org/enroll");
  g_assert_true (gtk_widget_get_visible (find (f, "form_box", "form_name_label")));
}

static void
sign_in_with_secret_id (Fixture    *f,
                        const char *secret)
{
  set_text (f, "auth_page", "email_row", "ada@example.org");
  set_text (f, "auth_page", "secret_row", secret);
  click (f, "auth_page", "sign_in_button");
}

static char *
mailed_code (Fixture *f,
             guint    n)
{
  g_autoptr(GRegex) regex = g_regex_new ("^    ([0-9]{8})$", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *text = NULL;
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  /* The server mails from a worker; serve until the sink has it. */
  while (!scm_smtp_sink_wait_for_messages (f->sink, n, 0))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  messages = scm_smtp_sink_get_messages (f->sink);
  text = scm_smtp_message_get_text (g_ptr_array_index (messages, n - 1));
  g_assert_true (g_regex_match (regex, text, 0, &match));
  return g_match_info_fetch (match, 1);
}

static void
choose_account (Fixture    *f,
                const char *name)
{
  wait_for_step (f, "account");
  select_item (f, "account_page", "account_row", name);
  click (f, "account_page", "continue_button");
  wait_for_step (f, "request");
}

/* Fills the request step for a key made by the server or here. */
static void
fill_request (Fixture    *f,
              const char *method,
              const char *key_type,
              gboolean    compatible)
{
  select_item (f, "request_page", "method_row", method);
  select_item (f, "request_page", "key_type_row", key_type);
  g_assert_false (sensitive (f, "submit_button"));
  set_text (f, "request_page", "password_row", PASSWORD);
  set_text (f, "request_page", "confirm_row", PASSWORD " typo");
  /* Two different passwords are refused, in place. */
  g_assert_false (sensitive (f, "submit_button"));
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (find (f, "request_page",
                                                                      "password_error"))));
  set_text (f, "request_page", "confirm_row", PASSWORD);
  g_assert_true (gtk_widget_get_visible (find (f, "request_page", "strength_row")));
  g_assert_cmpfloat (gtk_level_bar_get_value (GTK_LEVEL_BAR (find (f, "request_page",
                                                                   "strength_bar"))), >, 0);
  if (compatible)
    gtk_widget_activate (find (f, "request_page", "compatible_row"));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (find (f, "request_page",
                                                                      "compatible_check")))
                 == compatible);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static gboolean
have_result (Fixture       *f,
             gconstpointer  data)
{
  return *(GAsyncResult **) data != NULL;
}

/* Saves through the window's own path (what Save does after the file
 * chooser); TRUE if it worked. */
static gboolean
save (Fixture     *f,
      const char  *path,
      gboolean     ca,
      GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;

  if (ca)
    scm_enroll_window_save_ca_async (f->window, file, saved_cb, &result);
  else
    scm_enroll_window_save_async (f->window, file, saved_cb, &result);
  wait_until (f, have_result, &result, "the file to be saved");
  if (ca)
    return scm_enroll_window_save_ca_finish (f->window, result, error);
  return scm_enroll_window_save_finish (f->window, result, error);
}

/* The done step shows the certificate of @p12_path; the file is private
 * and opens with openssl and its password, with the certificate and the
 * issuing chain in it. */
static void
assert_saved_pkcs12 (Fixture    *f,
                     const char *p12_path,
                     gboolean    compatible)
{
  g_autoptr(GBytes) p12 = NULL;
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(ScmCertificateInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *output = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *upper = NULL;
  const char *issuing = scm_ca_get_issuing_fingerprint (scm_authority_get_ca (f->authority));
  gboolean chain_has_issuing = FALSE;
  gsize len = 0;
  GStatBuf st;

  g_assert_cmpint (g_stat (p12_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (g_file_get_contents (p12_path, &contents, &len, NULL));
  p12 = g_bytes_new (contents, len);
  g_assert_true (scm_pkcs12_parse (p12, PASSWORD, NULL, &certificate, &chain, &error));
  g_assert_no_error (error);
  info = scm_x509_describe (certificate, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char *const *) info->emails, "ada@example.org"));
  for (guint i = 0; i < chain->len; i++)
    {
      g_autofree char *fingerprint = scm_x509_fingerprint (g_ptr_array_index (chain, i));

      chain_has_issuing |= g_str_equal (fingerprint, issuing);
    }
  g_assert_true (chain_has_issuing);

  /* What the window showed is that certificate. */
  shown = g_strdup (adw_action_row_get_subtitle (ADW_ACTION_ROW (find (f, "done_page",
                                                                       "fingerprint_row"))));
  g_strdelimit (shown, ":\n", '_');
  upper = g_ascii_strup (info->fingerprint, -1);
  for (gsize i = 0; i < 32; i++)
    g_assert_cmpint (strncmp (shown + 3 * i, upper + 2 * i, 2), ==, 0);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find (f, "done_page", "email_row"))),
                   ==, "ada@example.org");

  if (!scm_test_require_tool ("openssl", "openssl"))
    return;
  {
    g_autofree char *passin = g_strconcat ("pass:", PASSWORD, NULL);
    const char *begin;
    guint certificates = 0;

    g_assert_cmpint (scm_test_tool (&output, f->dir, "openssl", "pkcs12", "-in", p12_path,
                                    "-passin", passin, "-nokeys", "-info", NULL), ==, 0);
    /* The protection chosen: SHA-1 MAC and 3DES bags, or SHA-256 and AES. */
    g_assert_nonnull (strstr (output, compatible ? "MAC: sha1" : "MAC: sha256"));
    g_assert_nonnull (strstr (output, compatible ? "TripleDES" : "AES-256-CBC"));
    for (begin = strstr (output, "BEGIN CERTIFICATE"); begin != NULL;
         begin = strstr (begin + 1, "BEGIN CERTIFICATE"))
      certificates++;
    g_assert_cmpuint (certificates, ==, 1 + chain->len);
    g_assert_nonnull (strstr (output, "ada@example.org"));
    g_assert_null (strstr (output, "PRIVATE KEY"));
  }
}

/* Tests ------------------------------------------------------------------------------------ */

static void
run_secret_id_flow (Fixture    *f,
                    const char *method,
                    const char *key_type,
                    gboolean    compatible)
{
  g_autofree char *p12_path = g_build_filename (f->dir, "ada.p12", NULL);
  g_autofree char *ca_path = g_build_filename (f->dir, "ca.pem", NULL);
  g_autofree char *bad_path = g_build_filename (f->dir, "no-such-dir", "ada.p12", NULL);
  g_autofree char *ca_pem = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ca_chain = NULL;

  connect_to (f, f->staff);
  sign_in_with_secret_id (f, f->ada_secret);
  choose_account (f, "Open");
  fill_request (f, method, key_type, compatible);
  click (f, "request_page", "submit_button");
  wait_for_step (f, "done");
  g_assert_null (shown_error (f, "done_page"));

  /* A save that fails says so in place and leaves nothing behind. */
  g_assert_false (save (f, bad_path, FALSE, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_nonnull (strstr (shown_error (f, "done_page"), "could not be saved"));

  g_assert_true (save (f, p12_path, FALSE, &error));
  g_assert_no_error (error);
  g_assert_null (shown_error (f, "done_page"));
  assert_saved_pkcs12 (f, p12_path, compatible);

  g_assert_true (save (f, ca_path, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (ca_path, &ca_pem, NULL, NULL));
  ca_chain = scm_x509_chain_from_pem (ca_pem, strlen (ca_pem), &error);
  g_assert_no_error (error);
  {
    g_autofree char *first = scm_x509_fingerprint (g_ptr_array_index (ca_chain, 0));

    g_assert_cmpstr (first, ==,
                     scm_ca_get_issuing_fingerprint (scm_authority_get_ca (f->authority)));
  }
}

static void
test_secret_id_server_key (Fixture       *f,
                           gconstpointer  data)
{
  run_secret_id_flow (f, "Enrollment server", "EC P-256", FALSE);
}

static void
test_secret_id_local_key (Fixture       *f,
                          gconstpointer  data)
{
  run_secret_id_flow (f, "This computer", "RSA 2048", TRUE);
}

static void
test_email_local_key (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *p12_path = g_build_filename (f->dir, "visitor.p12", NULL);
  g_autofree char *first = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GError) error = NULL;

  connect_to (f, f->visitors);
  g_assert_false (gtk_widget_get_visible (find (f, "auth_page", "secret_row")));
  g_assert_false (gtk_widget_get_visible (find (f, "auth_page", "code_row")));
  set_text (f, "auth_page", "email_row", "ada@example.org");
  click (f, "auth_page", "send_button");
  first = mailed_code (f, 1);
  wait_until (f, code_row_shows, NULL, "the code row");

  /* Resend: the first code stops working, the new one signs in. */
  click (f, "auth_page", "resend_button");
  code = mailed_code (f, 2);
  wait_for_answer (f, "auth_page");
  set_text (f, "auth_page", "code_row", g_strcmp0 (first, code) != 0 ? first : "00000000");
  click (f, "auth_page", "sign_in_button");
  wait_for_error (f, "auth_page");
  g_assert_nonnull (strstr (shown_error (f, "auth_page"), "not accepted"));
  g_assert_cmpstr (scm_enroll_window_get_step (f->window), ==, "authenticate");

  set_text (f, "auth_page", "code_row", code);
  click (f, "auth_page", "sign_in_button");
  choose_account (f, "Visitor");
  fill_request (f, "This computer", "EC P-256", FALSE);
  click (f, "request_page", "submit_button");
  wait_for_step (f, "done");
  g_assert_true (save (f, p12_path, FALSE, &error));
  g_assert_no_error (error);
  assert_saved_pkcs12 (f, p12_path, FALSE);
}

static void
test_wrong_secret_id (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *message = NULL;

  connect_to (f, f->staff);
  sign_in_with_secret_id (f, "WRONG-SECRET-ID-1234");
  wait_for_error (f, "auth_page");
  message = g_strdup (shown_error (f, "auth_page"));
  /* The one generic refusal: it names neither the email nor the reason. */
  g_assert_cmpstr (message, ==, "The email address or the Secret ID was not accepted. Check both "
                                "and try again.");
  g_assert_cmpstr (scm_enroll_window_get_step (f->window), ==, "authenticate");

  /* An unknown person gets the very same answer. */
  set_text (f, "auth_page", "email_row", "nobody@example.org");
  click (f, "auth_page", "sign_in_button");
  wait_for_answer (f, "auth_page");
  g_assert_cmpstr (shown_error (f, "auth_page"), ==, message);

  sign_in_with_secret_id (f, f->ada_secret);
  wait_for_step (f, "account");
  g_assert_null (shown_error (f, "account_page"));
}

static void
test_lockout (Fixture       *f,
              gconstpointer  data)
{
  guint i;

  connect_to (f, f->staff);
  for (i = 0; i < 10; i++)
    {
      sign_in_with_secret_id (f, "WRONG-SECRET-ID-1234");
      wait_for_answer (f, "auth_page");
      g_assert_nonnull (shown_error (f, "auth_page"));
      if (strstr (shown_error (f, "auth_page"), "Too many attempts") != NULL)
        break;
    }
  g_assert_cmpuint (i, <, 10);
  /* When to come back, as a time of day and in minutes. */
  g_assert_nonnull (strstr (shown_error (f, "auth_page"), "Try again after "));
  g_assert_nonnull (strstr (shown_error (f, "auth_page"), " minutes)"));

  /* Even the right Secret ID waits now. */
  sign_in_with_secret_id (f, f->ada_secret);
  wait_for_answer (f, "auth_page");
  g_assert_nonnull (strstr (shown_error (f, "auth_page"), "Too many attempts"));
  g_assert_cmpstr (scm_enroll_window_get_step (f->window), ==, "authenticate");
}

static void
test_refused_links (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *wrong_pin = enrollment_url (f, f->staff, WRONG_PIN);
  g_autofree char *gone = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autofree char *closed = NULL;
  guint16 port;
  GtkWidget *url_entry;

  /* A wrong pin: refused as a possible interception, nothing sent. */
  open_window (f, wrong_pin);
  click (f, "endpoint_page", "connect_button");
  wait_for_error (f, "endpoint_page");
  g_assert_nonnull (strstr (shown_error (f, "endpoint_page"), "possible interception"));
  g_assert_nonnull (strstr (shown_error (f, "endpoint_page"), "Nothing was sent"));
  g_assert_cmpstr (scm_enroll_window_get_step (f->window), ==, "endpoint");
  g_assert_false (gtk_widget_get_visible (find_in (GTK_WIDGET (f->window), "form_box")));

  /* A link without its pin is not taken. */
  url_entry = find (f, "endpoint_page", "url_entry");
  gtk_editable_set_text (GTK_EDITABLE (url_entry), "https://127.0.0.1:1/enroll/staff");
  click (f, "endpoint_page", "connect_button");
  g_assert_nonnull (strstr (shown_error (f, "endpoint_page"), "#sha256="));
  g_assert_true (gtk_widget_has_css_class (url_entry, "error"));

  /* A form that is gone or turned off. */
  gone = g_strconcat (scm_enrollment_server_get_url (f->server), "/enroll/no-such-form#sha256=",
                      scm_ca_get_root_fingerprint (scm_authority_get_ca (f->authority)), NULL);
  gtk_editable_set_text (GTK_EDITABLE (url_entry), gone);
  click (f, "endpoint_page", "connect_button");
  wait_for_answer (f, "endpoint_page");
  g_assert_nonnull (strstr (shown_error (f, "endpoint_page"), "does not exist or is turned off"));

  /* Nobody listening. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);
  g_socket_listener_close (listener);
  closed = g_strdup_printf ("https://127.0.0.1:%u/enroll/staff#%s", port, WRONG_PIN);
  gtk_editable_set_text (GTK_EDITABLE (url_entry), closed);
  click (f, "endpoint_page", "connect_button");
  wait_for_answer (f, "endpoint_page");
  g_assert_nonnull (strstr (shown_error (f, "endpoint_page"), "cannot be reached"));
  g_assert_nonnull (strstr (shown_error (f, "endpoint_page"), "Check your network connection"));

  g_assert_cmpuint (scm_smtp_sink_get_connection_count (f->sink), ==, 0);
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (handle != NULL && g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

static void
test_cancel_key_generation (Fixture       *f,
                            gconstpointer  data)
{
  guint files = count_files (f->dir);

  connect_to (f, f->staff);
  sign_in_with_secret_id (f, f->ada_secret);
  choose_account (f, "Open");
  fill_request (f, "This computer", "RSA 4096", FALSE);
  click (f, "request_page", "submit_button");
  g_assert_cmpstr (scm_enroll_window_get_step (f->window), ==, "progress");
  g_assert_nonnull (strstr (label_text (f, "stack", "progress_label"), "private key"));

  /* Cancel answers at once, even in the middle of an RSA-4096 key. */
  click (f, "stack", "cancel_button");
  wait_for_step (f, "request");
  g_assert_nonnull (strstr (shown_error (f, "request_page"), "cancelled"));
  g_assert_cmpuint (count_files (f->dir), ==, files);

  /* Closing the window during the work cancels it as well. */
  click (f, "request_page", "submit_button");
  g_assert_cmpstr (scm_enroll_window_get_step (f->window), ==, "progress");
  gtk_window_close (GTK_WINDOW (f->window));
  f->window = NULL;
  for (guint i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (count_files (f->dir), ==, files);
}

static void
test_profile_not_allowed (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmProfile) profile = scm_store_find_profile_by_name (f->store,
                                                                  "Client Authentication",
                                                                  &error);
  g_autoptr(GArray) rsa_only = g_array_new (FALSE, FALSE, sizeof (ScmKeyType));
  ScmKeyType rsa = SCM_KEY_TYPE_RSA_2048;

  connect_to (f, f->staff);
  sign_in_with_secret_id (f, f->ada_secret);
  choose_account (f, "Open");

  /* Back goes one step at a time, and forward again. */
  click (f, "back_button", "back_button");
  g_assert_cmpstr (scm_enroll_window_get_step (f->window), ==, "account");
  click (f, "back_button", "back_button");
  g_assert_cmpstr (scm_enroll_window_get_step (f->window), ==, "authenticate");
  click (f, "auth_page", "sign_in_button");
  choose_account (f, "Open");

  /* The administrator narrows the profile meanwhile: the server says
   * what it allows, in place, and the request can be corrected. */
  fill_request (f, "Enrollment server", "EC P-256", FALSE);
  g_assert_no_error (error);
  g_array_append_val (rsa_only, rsa);
  scm_profile_set_key_types (profile, rsa_only);
  scm_store_update_profile (f->store, profile, &error);
  g_assert_no_error (error);
  click (f, "request_page", "submit_button");
  wait_for_step (f, "request");
  wait_for_error (f, "request_page");
  g_assert_nonnull (strstr (shown_error (f, "request_page"), "does not allow EC-P256"));

  select_item (f, "request_page", "key_type_row", "RSA 2048");
  click (f, "request_page", "submit_button");
  wait_for_step (f, "done");
}

static gboolean
csr_loaded (Fixture       *f,
            gconstpointer  data)
{
  return sensitive (f, "submit_button");
}

static void
test_provided_csr (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) key = scm_key_generate (SCM_KEY_TYPE_EC_P256, &error);
  g_autoptr(GBytes) csr = scm_csr_create (key, "ada@example.org", &error);
  g_autofree char *csr_path = scm_test_write_file (f->dir, "ada.csr", csr);
  g_autofree char *junk_path = NULL;
  g_autoptr(GBytes) junk = g_bytes_new_static ("not a request", 13);
  g_autofree char *pem_path = g_build_filename (f->dir, "ada.pem", NULL);
  g_autofree char *pem = NULL;
  g_autoptr(GFile) csr_file = g_file_new_for_path (csr_path);
  g_autoptr(GFile) junk_file = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  ScmEnrollRequestPage *page;

  junk_path = scm_test_write_file (f->dir, "junk.csr", junk);
  junk_file = g_file_new_for_path (junk_path);
  connect_to (f, f->staff);
  sign_in_with_secret_id (f, f->ada_secret);
  choose_account (f, "Bring Your Own");
  /* No password and no key type: the CSR decides. */
  g_assert_false (gtk_widget_get_visible (find (f, "request_page", "password_group")));
  g_assert_false (gtk_widget_get_visible (find (f, "request_page", "key_type_row")));
  g_assert_false (sensitive (f, "submit_button"));

  page = SCM_ENROLL_REQUEST_PAGE (find_in (GTK_WIDGET (f->window), "request_page"));
  scm_enroll_request_page_load_csr (page, junk_file);
  wait_for_error (f, "request_page");
  g_assert_nonnull (strstr (shown_error (f, "request_page"), "not a usable certificate signing"));
  g_assert_false (sensitive (f, "submit_button"));

  scm_enroll_request_page_load_csr (page, csr_file);
  wait_until (f, csr_loaded, NULL, "the CSR");
  click (f, "request_page", "submit_button");
  wait_for_step (f, "done");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (find (f, "done_page", "save_button"))), ==,
                   "_Save Certificate…");
  g_assert_true (save (f, pem_path, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pem_path, &pem, NULL, NULL));
  chain = scm_x509_chain_from_pem (pem, strlen (pem), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chain->len, >=, 2);
  {
    g_autoptr(ScmCertificateInfo) info = scm_x509_describe (g_ptr_array_index (chain, 0), &error);
    g_autofree char *issuing = scm_x509_fingerprint (g_ptr_array_index (chain, 1));

    g_assert_no_error (error);
    g_assert_true (g_strv_contains ((const char *const *) info->emails, "ada@example.org"));
    g_assert_cmpstr (issuing, ==,
                     scm_ca_get_issuing_fingerprint (scm_authority_get_ca (f->authority)));
    /* A certificate is no secret. */
    g_assert_true (g_file_test (pem_path, G_FILE_TEST_IS_REGULAR));
  }
}

/* scm-enroll --enroll URL ------------------------------------------------------------------- */

#define LINK "https://enroll.example.org:8443/enroll/staff#" WRONG_PIN

typedef struct
{
  GtkWindow *window;
  gboolean opened;
} Opened;

static gboolean
check_opened_cb (gpointer user_data)
{
  Opened *opened = user_data;
  GtkWidget *entry = find_in (GTK_WIDGET (opened->window), "url_entry");

  /* Only the enroll window, on its first step, with the link in it. */
  g_assert_true (SCM_IS_ENROLL_WINDOW (opened->window));
  g_assert_cmpstr (scm_enroll_window_get_step (SCM_ENROLL_WINDOW (opened->window)), ==,
                   "endpoint");
  g_assert_nonnull (entry);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, LINK);
  opened->opened = TRUE;
  gtk_window_destroy (opened->window);
  return G_SOURCE_REMOVE;
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 gpointer        user_data)
{
  Opened *opened = user_data;

  g_assert_null (opened->window);
  opened->window = window;
  g_idle_add (check_opened_cb, opened);
}

static void
test_command_line (void)
{
  g_autofree char *dir = scm_test_make_tmp_dir ("test-enroll-window-XXXXXX");
  g_autofree char *admin_dir = g_build_filename (dir, "admin-data", NULL);
  const char *enroll_argv[] = { "scm-enroll", "--enroll", LINK, NULL };
  const char *stray_argv[] = { "scm-enroll", LINK, NULL };
  g_auto(GStrv) args = NULL;
  g_autoptr(ScmApplication) app = NULL;
  g_autoptr(ScmApplication) stray = NULL;
  Opened opened = { NULL, FALSE };

  /* Where the admin window would open (and create) its data. */
  g_setenv ("SCM_ENROLL_DATA_DIR", admin_dir, TRUE);

  app = scm_application_new ();
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), &opened);
  args = g_strdupv ((char **) enroll_argv);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 3, args), ==, 0);
  g_assert_true (opened.opened);
  g_assert_null (scm_application_get_authority (app));
  g_assert_false (g_file_test (admin_dir, G_FILE_TEST_EXISTS));

  /* A link without --enroll is a usage error, not a file to open. */
  g_clear_pointer (&args, g_strfreev);
  stray = scm_application_new ();
  args = g_strdupv ((char **) stray_argv);
  g_assert_cmpint (g_application_run (G_APPLICATION (stray), 2, args), ==, 2);
  g_assert_false (g_file_test (admin_dir, G_FILE_TEST_EXISTS));

  g_unsetenv ("SCM_ENROLL_DATA_DIR");
  scm_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/enroll-window/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("secret-id/server-key", test_secret_id_server_key);
  ADD ("secret-id/local-key", test_secret_id_local_key);
  ADD ("email/local-key", test_email_local_key);
  ADD ("wrong-secret-id", test_wrong_secret_id);
  ADD ("lockout", test_lockout);
  ADD ("refused-links", test_refused_links);
  ADD ("cancel-key-generation", test_cancel_key_generation);
  ADD ("provided-csr", test_provided_csr);
  ADD ("profile-not-allowed", test_profile_not_allowed);
  g_test_add_func ("/enroll-window/command-line", test_command_line);

  return g_test_run ();
}
