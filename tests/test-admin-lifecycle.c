/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "scm-authority.h"
#include "scm-bulk-issue-dialog.h"
#include "scm-certificates-page.h"
#include "scm-invite-dialog.h"
#include "scm-revoke-person-dialog.h"
#include "scm-secret.h"
#include "scm-smtp-sink.h"
#include "scm-test-server.h"
#include "scm-test-util.h"

/* The admin window's lifecycle actions, driven through their dialogs on
 * a real store: the Certificates page's expiry summary, Send Invitation
 * into a real SMTP sink, Revoke All Certificates, and Issue
 * Certificates… writing files into a temporary folder. */

#define N_PERSONS 20
#define WAIT_SECONDS 120

typedef struct
{
  char *dir;
  ScmStore *store;
  ScmAuthority *authority;
  ScmSmtpSink *sink;
  ScmOrganization *acme;
  ScmForm *form;
  ScmAccount *account;
  GArray *person_ids;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(GError) error = NULL;
  gint64 acme_id;

  f->dir = scm_test_make_tmp_dir ("test-admin-lifecycle-XXXXXX");
  data_dir = g_build_filename (f->dir, "data", NULL);
  f->authority = scm_test_open_authority (data_dir, &f->store);
  f->sink = scm_smtp_sink_new ();
  scm_test_use_smtp_sink (f->store, f->sink, "admin@example.org");
  f->acme = scm_test_add_organization (f->store, "Acme");
  acme_id = scm_organization_get_id (f->acme);
  scm_test_add_domain (f->store, "example.org", acme_id, 0, TRUE);

  f->form = scm_form_new ();
  scm_form_set_name (f->form, "Staff");
  scm_form_set_authentication (f->form, SCM_AUTHENTICATION_SECRET_ID);
  scm_store_create_form (f->store, f->form, &error);
  g_assert_no_error (error);
  f->account = scm_test_add_account (f->store, f->form, "Open", acme_id, SCM_AUTHORIZATION_NONE,
                                     SCM_CSR_METHOD_SERVER | SCM_CSR_METHOD_CLIENT,
                                     scm_test_client_auth_profile_id (f->store));

  f->person_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < N_PERSONS; i++)
    {
      g_autofree char *email = g_strdup_printf ("person%02u@example.org", i);
      g_autoptr(ScmPerson) person = NULL;
      gint64 id;

      scm_secret_free (scm_test_add_person (f->store, email, "Person", email, acme_id, 0));
      person = scm_store_find_person_by_email (f->store, email, &error);
      g_assert_no_error (error);
      id = scm_person_get_id (person);
      g_array_append_val (f->person_ids, id);
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);
  g_clear_pointer (&f->sink, scm_smtp_sink_free);
  g_clear_object (&f->acme);
  g_clear_object (&f->form);
  g_clear_object (&f->account);
  g_clear_pointer (&f->person_ids, g_array_unref);
  g_clear_object (&f->authority);
  g_clear_object (&f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->dir);
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("timed out waiting for %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

typedef gboolean (*Condition) (gconstpointer data);

static void
wait_until (Condition      condition,
            gconstpointer  data,
            const char    *what)
{
  guint timeout = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, (gpointer) what);

  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

/* Issues a certificate to the @i-th person under @profile. */
static ScmCertificate *
issue (Fixture    *f,
       guint       i,
       ScmProfile *profile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmPerson) person = scm_store_get_person (f->store,
                                                      g_array_index (f->person_ids, gint64, i),
                                                      &error);
  g_autoptr(ScmIssueResult) result = NULL;
  ScmIssueRequest request = { 0 };

  g_assert_no_error (error);
  request.person = person;
  request.profile = profile;
  request.key_type = SCM_KEY_TYPE_EC_P256;
  request.pkcs12_password = "some password for the test";
  request.protection = SCM_PKCS12_AES256_SHA256;
  request.requested_via = SCM_REQUESTED_VIA_ADMIN;
  result = scm_authority_issue (f->authority, &request, NULL, &error);
  g_assert_no_error (error);
  return g_object_ref (result->certificate);
}

static ScmProfile *
client_profile (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  ScmProfile *profile = scm_store_get_profile (f->store, scm_test_client_auth_profile_id (f->store),
                                               &error);

  g_assert_no_error (error);
  return profile;
}

/* Expiry summary ----------------------------------------------------------------------------- */

static gboolean
summary_shows (gconstpointer data)
{
  return scm_certificates_page_get_expiry_summary ((ScmCertificatesPage *) data) != NULL;
}

static void
test_expiring (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmProfile) longer = client_profile (f);
  g_autoptr(ScmProfile) shorter = scm_profile_new ();
  g_autoptr(GArray) terms = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) key_types = g_array_new (FALSE, FALSE, sizeof (ScmKeyType));
  guint term = 10;
  ScmKeyType key_type = SCM_KEY_TYPE_EC_P256;
  GtkWidget *window;
  ScmCertificatesPage *page;

  scm_profile_set_name (shorter, "Ten Days");
  scm_profile_set_purpose (shorter, scm_profile_get_purpose (longer));
  g_array_append_val (terms, term);
  g_array_append_val (key_types, key_type);
  scm_profile_set_terms (shorter, terms);
  scm_profile_set_key_types (shorter, key_types);
  scm_store_create_profile (f->store, shorter, &error);
  g_assert_no_error (error);

  /* Four expire within 30 days, one later, and revoked ones never. */
  for (guint i = 0; i < 4; i++)
    g_object_unref (issue (f, i, shorter));
  g_object_unref (issue (f, 4, longer));
  {
    g_autoptr(ScmCertificate) revoked = issue (f, 5, shorter);

    g_assert_true (scm_authority_revoke (f->authority, scm_certificate_get_serial (revoked),
                                         SCM_REVOCATION_UNSPECIFIED, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(ScmCertificate) revoked = issue (f, 6, shorter);

    g_assert_true (scm_authority_revoke (f->authority, scm_certificate_get_serial (revoked),
                                         SCM_REVOCATION_UNSPECIFIED, &error));
    g_assert_no_error (error);
  }

  window = gtk_window_new ();
  page = g_object_new (SCM_TYPE_CERTIFICATES_PAGE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  scm_list_page_set_authority (SCM_LIST_PAGE (page), f->authority);
  gtk_window_present (GTK_WINDOW (window));
  wait_until (summary_shows, page, "the expiry summary");
  g_assert_cmpstr (scm_certificates_page_get_expiry_summary (page), ==,
                   "4 certificates expire within 30 days");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Send Invitation ---------------------------------------------------------------------------- */

static gboolean
invite_ready (gconstpointer data)
{
  return scm_invite_dialog_is_ready ((ScmInviteDialog *) data);
}

static void
sent_cb (ScmInviteDialog *dialog,
         guint            n_sent,
         guint            n_failed,
         guint           *counts)
{
  counts[0] = n_sent;
  counts[1] = n_failed;
  counts[2] = TRUE;
}

static gboolean
counted (gconstpointer data)
{
  return ((const guint *) data)[2];
}

static void
test_invite (Fixture       *f,
             gconstpointer  data)
{
  const char *emails[] = { "person01@example.org", "person02@example.org",
                           "nobody@example.org", NULL };
  ScmInviteDialog *dialog = scm_invite_dialog_new (NULL, f->authority, emails);
  guint counts[3] = { 0 };
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *text = NULL;

  g_object_ref_sink (dialog);
  g_signal_connect (dialog, "sent", G_CALLBACK (sent_cb), counts);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_until (invite_ready, dialog, "the forms");
  g_assert_false (scm_invite_dialog_select_form (dialog, "No Such Form"));
  g_assert_true (scm_invite_dialog_select_form (dialog, "Staff"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "send");
  wait_until (counted, counts, "the invitations");
  g_assert_cmpuint (counts[0], ==, 2);
  g_assert_cmpuint (counts[1], ==, 1);

  g_assert_true (scm_smtp_sink_wait_for_messages (f->sink, 2, 10000));
  messages = scm_smtp_sink_get_messages (f->sink);
  g_assert_cmpuint (messages->len, ==, 2);
  text = scm_smtp_message_get_text (g_ptr_array_index (messages, 0));
  g_assert_nonnull (strstr (text, "/enroll/"));
  g_assert_nonnull (strstr (text, scm_form_get_uri_extension (f->form)));
  g_assert_nonnull (strstr (text, "#sha256="));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

/* Revoke All --------------------------------------------------------------------------------- */

static void
revoked_cb (ScmRevokePersonDialog *dialog,
            guint                  n,
            guint                 *counts)
{
  counts[0] = n;
  counts[2] = TRUE;
}

static void
test_revoke_all (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmProfile) profile = client_profile (f);
  g_autoptr(ScmPerson) person = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(ScmCertificate) other = issue (f, 1, profile);
  ScmRevokePersonDialog *dialog;
  guint counts[3] = { 0 };

  g_object_unref (issue (f, 0, profile));
  g_object_unref (issue (f, 0, profile));
  person = scm_store_get_person (f->store, g_array_index (f->person_ids, gint64, 0), &error);
  g_assert_no_error (error);

  dialog = scm_revoke_person_dialog_new (NULL, f->authority, person);
  g_object_ref_sink (dialog);
  g_signal_connect (dialog, "revoked", G_CALLBACK (revoked_cb), counts);
  gtk_window_present (GTK_WINDOW (dialog));
  scm_revoke_person_dialog_set_reason (dialog, SCM_REVOCATION_AFFILIATION_CHANGED);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "revoke");
  wait_until (counted, counts, "the revocation");
  g_assert_cmpuint (counts[0], ==, 2);

  certificates = scm_store_list_certificates (f->store, scm_person_get_id (person), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (certificates->len, ==, 2);
  for (guint i = 0; i < certificates->len; i++)
    {
      g_assert_cmpint (scm_certificate_get_status (certificates->pdata[i]), ==,
                       SCM_CERT_STATUS_REVOKED);
      g_assert_cmpint (scm_certificate_get_revocation_reason (certificates->pdata[i]), ==,
                       SCM_REVOCATION_AFFILIATION_CHANGED);
    }
  /* Nobody else's. */
  g_clear_object (&other);
  g_clear_pointer (&certificates, g_ptr_array_unref);
  certificates = scm_store_list_certificates (f->store,
                                              g_array_index (f->person_ids, gint64, 1), &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_certificate_get_status (certificates->pdata[0]), ==, SCM_CERT_STATUS_ISSUED);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

/* Issue Certificates… ------------------------------------------------------------------------ */

typedef struct
{
  ScmBulkIssueDialog *dialog;
  const char *state;
} StateWait;

static gboolean
state_is (gconstpointer data)
{
  const StateWait *wait = data;

  return g_strcmp0 (scm_bulk_issue_dialog_get_state (wait->dialog), wait->state) == 0;
}

static guint
count_files (const char *dir,
             const char *suffix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, suffix))
      n++;
  return n;
}

static ScmBulkIssueDialog *
start_bulk (Fixture    *f,
            const char *out_dir)
{
  ScmBulkIssueDialog *dialog;
  g_autoptr(GFile) folder = g_file_new_for_path (out_dir);
  StateWait wait = { NULL, "form" };

  g_assert_cmpint (g_mkdir (out_dir, 0700), ==, 0);
  dialog = scm_bulk_issue_dialog_new (NULL, f->authority, (const gint64 *) f->person_ids->data,
                                      f->person_ids->len);
  g_object_ref_sink (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  wait.dialog = dialog;
  wait_until (state_is, &wait, "the dialog's choices");
  /* Nothing to issue into yet. */
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (dialog), "bulk.issue", NULL)
                  && g_strcmp0 (scm_bulk_issue_dialog_get_state (dialog), "form") != 0);
  scm_bulk_issue_dialog_set_folder (dialog, folder);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "bulk.issue", NULL));
  return dialog;
}

static void
test_bulk_issue (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out_dir = g_build_filename (f->dir, "out", NULL);
  ScmBulkIssueDialog *dialog = start_bulk (f, out_dir);
  StateWait wait = { dialog, "summary" };
  const ScmBulkIssueSummary *summary;

  wait_until (state_is, &wait, "the summary");
  summary = scm_bulk_issue_dialog_get_summary (dialog);
  g_assert_nonnull (summary);
  g_assert_false (summary->cancelled);
  g_assert_cmpuint (summary->n_issued, ==, N_PERSONS);
  g_assert_cmpuint (summary->n_failed, ==, 0);
  g_assert_cmpuint (count_files (out_dir, ".p12"), ==, N_PERSONS);
  g_assert_true (g_file_test (summary->passwords_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_str_has_prefix (summary->passwords_path, out_dir));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

static void
test_bulk_cancel (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *out_dir = g_build_filename (f->dir, "out", NULL);
  StateWait wait = { NULL, "summary" };
  const ScmBulkIssueSummary *summary;
  ScmBulkIssueDialog *dialog;

  dialog = start_bulk (f, out_dir);
  wait.dialog = dialog;
  g_assert_cmpstr (scm_bulk_issue_dialog_get_state (dialog), ==, "progress");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "bulk.cancel", NULL));
  wait_until (state_is, &wait, "the summary");
  summary = scm_bulk_issue_dialog_get_summary (dialog);
  g_assert_true (summary->cancelled);
  /* What was written is listed; nothing else is. */
  g_assert_cmpuint (count_files (out_dir, ".p12"), ==, summary->n_issued);
  g_assert_cmpuint (summary->n_issued, <, N_PERSONS);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/admin-lifecycle/expiring", Fixture, NULL, fixture_set_up, test_expiring,
              fixture_tear_down);
  g_test_add ("/admin-lifecycle/invite", Fixture, NULL, fixture_set_up, test_invite,
              fixture_tear_down);
  g_test_add ("/admin-lifecycle/revoke-all", Fixture, NULL, fixture_set_up, test_revoke_all,
              fixture_tear_down);
  g_test_add ("/admin-lifecycle/bulk-issue", Fixture, NULL, fixture_set_up, test_bulk_issue,
              fixture_tear_down);
  g_test_add ("/admin-lifecycle/bulk-cancel", Fixture, NULL, fixture_set_up, test_bulk_cancel,
              fixture_tear_down);
  return g_test_run ();
}
