/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "scm-authority.h"
#include "scm-enroll-window.h"
#include "scm-enrollment-server.h"
#include "scm-key.h"
#include "scm-pkcs12.h"
#include "scm-secret.h"
#include "scm-test-server.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

/* Renewal from the enroll window: a certificate issued by the authority
 * (as the enroll window would have saved it) renewed through the window's
 * widgets against a real enrollment server on 127.0.0.1, which sees the
 * old certificate as the TLS client certificate of EST simplereenroll.
 * The server runs on this thread's main context, so every wait iterates
 * it. */

#define OLD_PASSWORD "old horse battery staple"
#define NEW_PASSWORD "new horse battery staple"
#define WAIT_SECONDS 120

typedef struct
{
  char *dir;
  ScmStore *store;
  ScmAuthority *authority;
  ScmEnrollmentServer *server;
  ScmOrganization *acme;
  ScmForm *staff;
  ScmAccount *open;
  char *ada_secret;
  ScmCertificate *old;         /* Ada's certificate, as issued */
  char *old_path;              /* its PKCS#12 file */
  GBytes *old_key;
  ScmEnrollWindow *window;
} Fixture;

static GtkApplication *
get_application (void)
{
  static GtkApplication *app;

  if (app == NULL)
    {
      app = GTK_APPLICATION (adw_application_new ("org.example.ScmEnroll.TestRenew",
                                                  G_APPLICATION_NON_UNIQUE));
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
    }
  return app;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmPerson) ada = NULL;
  g_autoptr(ScmProfile) profile = NULL;
  g_autoptr(ScmIssueResult) issued = NULL;
  g_autoptr(GBytes) certificate = NULL;
  ScmIssueRequest request = { 0 };
  gint64 profile_id;
  gint64 acme_id;

  f->dir = scm_test_make_tmp_dir ("test-enroll-renew-XXXXXX");
  data_dir = g_build_filename (f->dir, "data", NULL);
  f->authority = scm_test_open_authority (data_dir, &f->store);
  f->acme = scm_test_add_organization (f->store, "Acme");
  acme_id = scm_organization_get_id (f->acme);
  scm_test_add_domain (f->store, "example.org", acme_id, 0, TRUE);
  profile_id = scm_test_client_auth_profile_id (f->store);

  f->staff = scm_form_new ();
  scm_form_set_name (f->staff, "Staff");
  scm_form_set_authentication (f->staff, SCM_AUTHENTICATION_SECRET_ID);
  scm_store_create_form (f->store, f->staff, &error);
  g_assert_no_error (error);
  f->open = scm_test_add_account (f->store, f->staff, "Open", acme_id, SCM_AUTHORIZATION_NONE,
                                  SCM_CSR_METHOD_SERVER | SCM_CSR_METHOD_CLIENT, profile_id);
  f->ada_secret = scm_test_add_person (f->store, "ada@example.org", "Ada", "Lovelace", acme_id, 0);

  /* Ada enrolled before: a key made by the server, in a PKCS#12 file. */
  ada = scm_store_find_person_by_email (f->store, "ada@example.org", &error);
  g_assert_no_error (error);
  profile = scm_store_get_profile (f->store, profile_id, &error);
  g_assert_no_error (error);
  request.person = ada;
  request.profile = profile;
  request.key_type = SCM_KEY_TYPE_EC_P256;
  request.pkcs12_password = OLD_PASSWORD;
  request.protection = SCM_PKCS12_AES256_SHA256;
  request.form_id = scm_form_get_id (f->staff);
  request.account_id = scm_account_get_id (f->open);
  request.requested_via = SCM_REQUESTED_VIA_SELF_ENROLLMENT;
  issued = scm_authority_issue (f->authority, &request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (issued->pkcs12);
  f->old = g_object_ref (issued->certificate);
  f->old_path = scm_test_write_file (f->dir, "ada.p12", issued->pkcs12);
  g_assert_true (scm_pkcs12_parse (issued->pkcs12, OLD_PASSWORD, &f->old_key, &certificate,
                                   NULL, &error));
  g_assert_no_error (error);

  f->server = scm_test_server_new (f->authority, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  scm_test_server_stop (f->server);
  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);
  g_clear_object (&f->acme);
  g_clear_object (&f->staff);
  g_clear_object (&f->open);
  g_clear_object (&f->old);
  g_clear_pointer (&f->old_key, g_bytes_unref);
  g_free (f->old_path);
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
          const char *id,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find (f, "renew_page", id)), text);
}

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

static const char *
shown_error (Fixture *f)
{
  GtkWidget *label = find (f, "renew_page", "error_label");

  if (!gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_parent (label))))
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
  return g_strcmp0 (scm_enroll_window_get_step (f->window), "renew") == 0
         && shown_error (f) != NULL;
}

static gboolean
file_read (Fixture       *f,
           gconstpointer  data)
{
  return g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (find (f, "renew_page",
                                                                      "file_row"))),
                    data) == 0;
}

typedef struct
{
  ScmEnrollWindow *window;
  gboolean done;
  GError *error;
} Saving;

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Saving *saving = user_data;

  scm_enroll_window_save_finish (saving->window, result, &saving->error);
  saving->done = TRUE;
}

static gboolean
saved (Fixture       *f,
       gconstpointer  data)
{
  const Saving *saving = data;

  return saving->done;
}

/* Flow ------------------------------------------------------------------------------------- */

/* Opens the window on the staff form's link and goes to the renewal
 * step with Ada's file chosen and the passwords typed. */
static void
start_renewal (Fixture    *f,
               const char *old_password)
{
  g_autofree char *url = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (f->old_path);

  url = g_strconcat (scm_enrollment_server_get_url (f->server), "/enroll/",
                     scm_form_get_uri_extension (f->staff), "#sha256=",
                     scm_ca_get_root_fingerprint (scm_authority_get_ca (f->authority)), NULL);
  f->window = scm_enroll_window_new (get_application (), url);
  gtk_window_present (GTK_WINDOW (f->window));
  click (f, "endpoint_page", "renew_button");
  wait_until (f, step_is, "renew", "the renewal step");

  /* Nothing to renew yet. */
  g_assert_false (gtk_widget_is_sensitive (find (f, "renew_page", "renew_button")));
  scm_enroll_window_set_renewal_file (f->window, file);
  wait_until (f, file_read, "ada.p12", "the file to be read");
  set_text (f, "old_password_row", old_password);
  set_text (f, "password_row", NEW_PASSWORD);
  set_text (f, "confirm_row", NEW_PASSWORD " typo");
  g_assert_false (gtk_widget_is_sensitive (find (f, "renew_page", "renew_button")));
  set_text (f, "confirm_row", NEW_PASSWORD);
}

static void
test_renew (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  Saving saving = { 0 };
  g_autofree char *new_path = g_build_filename (f->dir, "ada-renewed.p12", NULL);
  g_autoptr(GFile) new_file = g_file_new_for_path (new_path);
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(GBytes) old_public = NULL;
  g_autoptr(GBytes) new_public = NULL;
  g_autoptr(ScmCertificateInfo) info = NULL;
  g_autoptr(ScmCertificate) stored = NULL;
  g_autoptr(ScmCertificate) old = NULL;

  /* A wrong password is said in place, and nothing is sent. */
  start_renewal (f, "not the password");
  click (f, "renew_page", "renew_button");
  wait_until (f, error_shows, NULL, "the wrong password");
  g_assert_nonnull (strstr (shown_error (f), "password"));

  set_text (f, "old_password_row", OLD_PASSWORD);
  click (f, "renew_page", "renew_button");
  wait_until (f, step_is, "done", "the renewed certificate");

  saving.window = f->window;
  scm_enroll_window_save_async (f->window, new_file, save_cb, &saving);
  wait_until (f, saved, &saving, "the file to be saved");
  g_assert_no_error (saving.error);

  /* The new file opens with the new password; same subject, new key. */
  contents = scm_test_read_file (new_path);
  g_assert_true (scm_pkcs12_parse (contents, NEW_PASSWORD, &key, &certificate, NULL, &error));
  g_assert_no_error (error);
  info = scm_x509_describe (certificate, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (info->subject, ==, scm_certificate_get_subject (f->old));
  g_assert_cmpstr (info->serial_hex, !=, scm_certificate_get_serial (f->old));
  old_public = scm_key_get_public (f->old_key, &error);
  g_assert_no_error (error);
  new_public = scm_key_get_public (key, &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (old_public, new_public));

  /* The store links the renewal to what it renews. */
  stored = scm_store_find_certificate_by_serial (f->store, info->serial_hex, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_certificate_get_renewed_from (stored), ==, scm_certificate_get_id (f->old));
  g_assert_cmpint (scm_certificate_get_person_id (stored), ==, scm_certificate_get_person_id (f->old));
  old = scm_store_get_certificate (f->store, scm_certificate_get_id (f->old), &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_certificate_get_status (old), ==, SCM_CERT_STATUS_ISSUED);
}

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certificates = NULL;

  g_assert_true (scm_authority_revoke (f->authority, scm_certificate_get_serial (f->old),
                                       SCM_REVOCATION_KEY_COMPROMISE, &error));
  g_assert_no_error (error);

  start_renewal (f, OLD_PASSWORD);
  click (f, "renew_page", "renew_button");
  wait_until (f, error_shows, NULL, "the refusal");
  g_assert_nonnull (strstr (shown_error (f), "revoked"));

  /* Nothing was issued. */
  certificates = scm_store_list_certificates (f->store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (certificates->len, ==, 1);
}

static void
test_not_ours (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *other_dir = g_build_filename (f->dir, "other", NULL);
  g_autoptr(ScmStore) other_store = NULL;
  g_autoptr(ScmAuthority) other = NULL;
  g_autoptr(ScmPerson) ada = NULL;
  g_autoptr(ScmProfile) profile = NULL;
  g_autoptr(ScmIssueResult) issued = NULL;
  g_autoptr(ScmOrganization) acme = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *path = NULL;
  ScmIssueRequest request = { 0 };

  /* The same person at another CA. */
  other = scm_test_open_authority (other_dir, &other_store);
  acme = scm_test_add_organization (other_store, "Acme");
  scm_test_add_domain (other_store, "example.org", scm_organization_get_id (acme), 0, TRUE);
  secret = scm_test_add_person (other_store, "ada@example.org", "Ada", "Lovelace",
                                scm_organization_get_id (acme), 0);
  ada = scm_store_find_person_by_email (other_store, "ada@example.org", &error);
  g_assert_no_error (error);
  profile = scm_store_get_profile (other_store, scm_test_client_auth_profile_id (other_store),
                                   &error);
  g_assert_no_error (error);
  request.person = ada;
  request.profile = profile;
  request.key_type = SCM_KEY_TYPE_EC_P256;
  request.pkcs12_password = OLD_PASSWORD;
  request.protection = SCM_PKCS12_AES256_SHA256;
  request.requested_via = SCM_REQUESTED_VIA_ADMIN;
  issued = scm_authority_issue (other, &request, NULL, &error);
  g_assert_no_error (error);
  path = scm_test_write_file (f->dir, "ada.p12", issued->pkcs12);
  scm_secret_free (g_steal_pointer (&secret));

  start_renewal (f, OLD_PASSWORD);
  click (f, "renew_page", "renew_button");
  wait_until (f, error_shows, NULL, "the refusal");
  if (strstr (shown_error (f), "not issued by the CA") == NULL)
    g_error ("shown: %s", shown_error (f));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/enroll-renew/renew", Fixture, NULL, fixture_set_up, test_renew, fixture_tear_down);
  g_test_add ("/enroll-renew/revoked", Fixture, NULL, fixture_set_up, test_revoked,
              fixture_tear_down);
  g_test_add ("/enroll-renew/not-ours", Fixture, NULL, fixture_set_up, test_not_ours,
              fixture_tear_down);
  return g_test_run ();
}
