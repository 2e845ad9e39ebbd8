/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "scm-authority.h"
#include "scm-error.h"
#include "scm-invitation.h"
#include "scm-secret.h"
#include "scm-smtp-sink.h"
#include "scm-test-server.h"
#include "scm-test-util.h"

/* Invitations over a real SMTP conversation with the test sink: each
 * person gets the form's enrollment endpoint URL, with the CA pin, and
 * its help; who cannot be invited is told why, and each one is audited. */

#define PUBLIC_URL "https://pki.example.org:8443"

typedef struct
{
  char *dir;
  ScmStore *store;
  ScmAuthority *authority;
  ScmSmtpSink *sink;
  ScmOrganization *acme;
  ScmOrganization *other;
  ScmForm *form;
  ScmAccount *account;
  char *url;
} Fixture;

static void
add_person (Fixture         *f,
            const char      *email,
            ScmOrganization *organization)
{
  scm_secret_free (scm_test_add_person (f->store, email, "Some", "One",
                                        scm_organization_get_id (organization), 0));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = scm_test_make_tmp_dir ("test-invitation-XXXXXX");
  data_dir = g_build_filename (f->dir, "data", NULL);
  f->authority = scm_test_open_authority (data_dir, &f->store);
  f->sink = scm_smtp_sink_new ();
  scm_test_use_smtp_sink (f->store, f->sink, "pki@example.org");
  scm_test_set_setting (f->store, "server.public-url", PUBLIC_URL);

  f->acme = scm_test_add_organization (f->store, "Acme");
  f->other = scm_test_add_organization (f->store, "Other");
  scm_test_add_domain (f->store, "example.org", scm_organization_get_id (f->acme), 0, TRUE);
  scm_test_add_domain (f->store, "other.org", scm_organization_get_id (f->other), 0, TRUE);
  add_person (f, "ada@example.org", f->acme);
  add_person (f, "bob@example.org", f->acme);
  add_person (f, "olga@other.org", f->other);

  f->form = scm_form_new ();
  scm_form_set_name (f->form, "Staff");
  scm_form_set_uri_extension (f->form, "staff-invite");
  scm_form_set_authentication (f->form, SCM_AUTHENTICATION_SECRET_ID);
  scm_form_set_help_text (f->form, "Use the Secret ID from your welcome letter.");
  scm_form_set_help_link_text (f->form, "Help");
  scm_form_set_help_link_url (f->form, "https://help.example.org/certificates");
  scm_form_set_contact (f->form, "the IT desk");
  scm_store_create_form (f->store, f->form, &error);
  g_assert_no_error (error);
  f->account = scm_test_add_account (f->store, f->form, "Main", scm_organization_get_id (f->acme),
                                     SCM_AUTHORIZATION_SECRET_ID, SCM_CSR_METHOD_SERVER,
                                     scm_test_client_auth_profile_id (f->store));
  f->url = g_strdup_printf (PUBLIC_URL "/enroll/staff-invite#sha256=%s",
                            scm_ca_get_root_fingerprint (scm_authority_get_ca (f->authority)));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);
  scm_smtp_sink_free (f->sink);
  g_clear_object (&f->acme);
  g_clear_object (&f->other);
  g_clear_object (&f->form);
  g_clear_object (&f->account);
  g_clear_object (&f->authority);
  g_clear_object (&f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->url);
  g_free (f->dir);
}

static void
assert_invitation (Fixture        *f,
                   ScmSmtpMessage *message,
                   const char     *to)
{
  g_autofree char *subject = scm_smtp_message_get_header (message, "Subject");
  g_autofree char *header_to = scm_smtp_message_get_header (message, "To");
  g_autofree char *text = scm_smtp_message_get_text (message);

  g_assert_cmpuint (message->rcpt->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (message->rcpt, 0), ==, to);
  g_assert_nonnull (strstr (header_to, to));
  g_assert_cmpstr (subject, ==, "Get your certificate: Staff");
  /* The whole link, pin included, on a line of its own. */
  g_assert_nonnull (strstr (text, f->url));
  g_assert_nonnull (strstr (text, "Use the Secret ID from your welcome letter."));
  g_assert_nonnull (strstr (text, "Help: https://help.example.org/certificates"));
  g_assert_nonnull (strstr (text, "the IT desk"));
}

static guint
count_audit (Fixture    *f,
             const char *result)
{
  g_autoptr(GError) error = NULL;
  ScmAuditFilter filter = { 0 };
  g_autoptr(GPtrArray) events = NULL;

  filter.action = "invitation.send";
  filter.result = result;
  events = scm_store_list_audit_events (f->store, &filter, 0, &error);
  g_assert_no_error (error);
  return events->len;
}

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  guint *calls = user_data;

  g_assert_cmpuint (done, ==, *calls + 1);
  g_assert_cmpuint (total, ==, 4);
  (*calls)++;
}

static void
test_named_persons (Fixture       *f,
                    gconstpointer  data)
{
  const char *emails[] = { "ada@example.org", "Bob@Example.org", "nobody@example.org",
                           "olga@other.org", NULL };
  g_autoptr(ScmInvitationSummary) summary = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  ScmInvitation *invitation;
  guint calls = 0;

  summary = scm_invitation_send (f->authority, f->form, emails, NULL, progress_cb, &calls, NULL,
                                 &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calls, ==, 4);
  g_assert_cmpuint (summary->n_sent, ==, 2);
  g_assert_cmpuint (summary->n_failed, ==, 2);

  /* The unknown email and the person no account reaches, each with why. */
  invitation = g_ptr_array_index (summary->invitations, 2);
  g_assert_error (invitation->error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  invitation = g_ptr_array_index (summary->invitations, 3);
  g_assert_error (invitation->error, SCM_ERROR, SCM_ERROR_POLICY);
  g_assert_nonnull (strstr (invitation->error->message, "Staff"));

  messages = scm_smtp_sink_get_messages (f->sink);
  g_assert_cmpuint (messages->len, ==, 2);
  assert_invitation (f, g_ptr_array_index (messages, 0), "ada@example.org");
  assert_invitation (f, g_ptr_array_index (messages, 1), "bob@example.org");
  g_assert_cmpuint (count_audit (f, SCM_AUDIT_SUCCESS), ==, 2);
}

static void
test_command_line (Fixture       *f,
                   gconstpointer  data)
{
  const char *ctl = g_getenv ("SCM_ENROLLCTL");
  const char *data_dir = scm_store_get_data_dir (f->store);
  const char *all[] = { ctl, "invite", "--data-dir", data_dir, "--form", "Staff", "--all-persons", NULL };
  const char *one[] = { ctl, "invite", "--data-dir", data_dir, "--form", "Staff", "olga@other.org", NULL };
  const char *both[] = { ctl, "invite", "--data-dir", data_dir, "--form", "Staff", "--all-persons",
                         "ada@example.org", NULL };
  g_autofree char *std_out = NULL;
  g_autofree char *std_err = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (ctl);

  /* Every person an account of the form is open to; Olga is left out. */
  g_assert_cmpint (scm_test_run (all, NULL, &std_out, &std_err), ==, 0);
  g_assert_nonnull (strstr (std_out, "ada@example.org: invited"));
  g_assert_nonnull (strstr (std_out, "bob@example.org: invited"));
  g_assert_nonnull (strstr (std_out, "1 person was left out"));
  g_assert_null (strstr (std_out, "olga"));
  messages = scm_smtp_sink_get_messages (f->sink);
  g_assert_cmpuint (messages->len, ==, 2);
  assert_invitation (f, g_ptr_array_index (messages, 0), "ada@example.org");
  g_clear_pointer (&std_out, g_free);
  g_clear_pointer (&std_err, g_free);

  /* Named and out of reach: one clear line and exit status 1. */
  g_assert_cmpint (scm_test_run (one, NULL, &std_out, &std_err), ==, 1);
  g_assert_nonnull (strstr (std_out, "olga@other.org: not invited: No account"));
  g_clear_pointer (&std_out, g_free);
  g_clear_pointer (&std_err, g_free);
  g_assert_cmpint (scm_test_run (both, NULL, NULL, &std_err), ==, 2);
  g_clear_pointer (&std_err, g_free);

  /* A disabled form's link would not work: refused before any mail. */
  scm_form_set_enabled (f->form, FALSE);
  g_assert_true (scm_store_update_form (f->store, f->form, &error));
  g_assert_no_error (error);
  g_assert_cmpint (scm_test_run (all, NULL, NULL, &std_err), ==, 1);
  g_assert_nonnull (strstr (std_err, "disabled"));
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = scm_smtp_sink_get_messages (f->sink);
  g_assert_cmpuint (messages->len, ==, 2);
}

typedef struct
{
  ScmInvitationSummary *summary;
  GError *error;
  gboolean done;
  guint progress_calls;
  GThread *main_thread;
} AsyncRun;

static void
async_progress_cb (guint    done,
                   guint    total,
                   gpointer user_data)
{
  AsyncRun *run = user_data;

  /* In the caller's main context, not in the worker thread. */
  g_assert_true (g_thread_self () == run->main_thread);
  g_assert_cmpuint (total, ==, 2);
  run->progress_calls++;
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->summary = scm_invitation_send_finish (result, &run->error);
  run->done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("The invitations were not sent in time");
  return G_SOURCE_REMOVE;
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  const char *emails[] = { "ada@example.org", "bob@example.org", NULL };
  AsyncRun run = { NULL, NULL, FALSE, 0, g_thread_self () };
  guint timeout_id = g_timeout_add_seconds (60, timeout_cb, NULL);
  g_autoptr(GPtrArray) messages = NULL;

  scm_invitation_send_async (f->authority, f->form, emails, NULL, async_progress_cb, &run, NULL,
                             NULL, async_done_cb, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);

  g_assert_no_error (run.error);
  g_assert_cmpuint (run.progress_calls, ==, 2);
  g_assert_cmpuint (run.summary->n_sent, ==, 2);
  messages = scm_smtp_sink_get_messages (f->sink);
  g_assert_cmpuint (messages->len, ==, 2);
  assert_invitation (f, g_ptr_array_index (messages, 1), "bob@example.org");
  scm_invitation_summary_free (run.summary);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/invitation/named-persons", Fixture, NULL, fixture_set_up, test_named_persons,
              fixture_tear_down);
  g_test_add ("/invitation/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  g_test_add ("/invitation/command-line", Fixture, NULL, fixture_set_up, test_command_line,
              fixture_tear_down);

  return g_test_run ();
}
