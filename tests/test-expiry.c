/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "scm-authority.h"
#include "scm-error.h"
#include "scm-expiry-notice.h"
#include "scm-secret.h"
#include "scm-smtp-sink.h"
#include "scm-test-server.h"
#include "scm-test-util.h"

/* Expiry notices over a real SMTP conversation with the test sink, the
 * clock moved forward by the caller: each notice exactly once per
 * certificate and threshold, none for revoked, expired or renewed
 * certificates, a summary for the administrators. */

#define DAY (24 * 60 * 60)
#define HOUR (60 * 60)
#define PUBLIC_URL "https://pki.example.org:8443"

typedef struct
{
  char *dir;
  ScmStore *store;
  ScmAuthority *authority;
  ScmSmtpSink *sink;
  ScmOrganization *acme;
  ScmForm *form;
  ScmAccount *account;
  ScmProfile *profile;
  guint seen;                 /* messages of the sink already looked at */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *const people[] = { "ada", "bob", "carol", "dan", "eve", "frank", NULL };

  f->dir = scm_test_make_tmp_dir ("test-expiry-XXXXXX");
  data_dir = g_build_filename (f->dir, "data", NULL);
  f->authority = scm_test_open_authority (data_dir, &f->store);
  f->sink = scm_smtp_sink_new ();
  scm_test_use_smtp_sink (f->store, f->sink, "pki@example.org");
  scm_test_set_setting (f->store, "server.public-url", PUBLIC_URL);
  scm_test_set_setting (f->store, "notify.admin-emails", "Admin@example.org, boss@example.org");

  f->acme = scm_test_add_organization (f->store, "Acme");
  scm_test_add_domain (f->store, "example.org", scm_organization_get_id (f->acme), 0, TRUE);
  for (guint i = 0; people[i] != NULL; i++)
    {
      g_autofree char *email = g_strconcat (people[i], "@example.org", NULL);

      scm_secret_free (scm_test_add_person (f->store, email, people[i], "Tester",
                                            scm_organization_get_id (f->acme), 0));
    }
  f->form = scm_form_new ();
  scm_form_set_name (f->form, "Staff");
  scm_form_set_uri_extension (f->form, "staff-renew");
  scm_form_set_authentication (f->form, SCM_AUTHENTICATION_SECRET_ID);
  scm_form_set_help_text (f->form, "Sign in with your Secret ID.");
  scm_store_create_form (f->store, f->form, &error);
  g_assert_no_error (error);
  f->account = scm_test_add_account (f->store, f->form, "Main", scm_organization_get_id (f->acme),
                                     SCM_AUTHORIZATION_SECRET_ID, SCM_CSR_METHOD_SERVER,
                                     scm_test_client_auth_profile_id (f->store));
  f->profile = scm_store_get_profile (f->store, scm_test_client_auth_profile_id (f->store), &error);
  g_assert_no_error (error);
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
  g_clear_object (&f->form);
  g_clear_object (&f->account);
  g_clear_object (&f->profile);
  g_clear_object (&f->authority);
  g_clear_object (&f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Issues @email a certificate of @term days (through the form when
 * @through_form); returns it. */
static ScmCertificate *
issue (Fixture    *f,
       const char *email,
       guint       term,
       gboolean    through_form,
       gint64      renews)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmPerson) person = scm_store_find_person_by_email (f->store, email, &error);
  g_autoptr(ScmIssueResult) result = NULL;
  ScmIssueRequest request = { 0 };

  g_assert_no_error (error);
  request.person = person;
  request.profile = f->profile;
  request.key_type = SCM_KEY_TYPE_EC_P256;
  request.term_days = term;
  request.pkcs12_password = "Expiry-Test-123";
  request.requested_via = through_form ? SCM_REQUESTED_VIA_SELF_ENROLLMENT : SCM_REQUESTED_VIA_ADMIN;
  request.form_id = through_form ? scm_form_get_id (f->form) : 0;
  request.account_id = through_form ? scm_account_get_id (f->account) : 0;
  request.renews_certificate_id = renews;
  result = scm_authority_issue (f->authority, &request, NULL, &error);
  g_assert_no_error (error);
  return g_object_ref (result->certificate);
}

/* Runs the notices at @now and returns the messages it sent, checking
 * that the summary counted them. */
static GPtrArray *
run_at (Fixture *f,
        gint64   now,
        guint    expected_sent,
        guint    expected_failed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmExpiryNoticeSummary) summary = NULL;
  g_autoptr(GPtrArray) all = NULL;
  GPtrArray *fresh = g_ptr_array_new_with_free_func ((GDestroyNotify) scm_smtp_message_free);

  summary = scm_expiry_notice_run (f->authority, NULL, now, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (summary);
  g_assert_cmpuint (summary->n_sent, ==, expected_sent);
  g_assert_cmpuint (summary->n_failed, ==, expected_failed);
  g_assert_no_error (summary->admin_error);
  g_assert_cmpuint (summary->n_admin_sent, ==, expected_sent + expected_failed > 0 ? 2 : 0);

  all = scm_smtp_sink_get_messages (f->sink);
  for (guint i = f->seen; i < all->len; i++)
    g_ptr_array_add (fresh, scm_smtp_message_copy (g_ptr_array_index (all, i)));
  f->seen = all->len;
  return fresh;
}

/* The message to @to among @messages, or NULL. */
static ScmSmtpMessage *
find_message (GPtrArray  *messages,
              const char *to)
{
  for (guint i = 0; i < messages->len; i++)
    {
      ScmSmtpMessage *message = g_ptr_array_index (messages, i);

      if (message->rcpt->len == 1 && g_str_equal (g_ptr_array_index (message->rcpt, 0), to))
        return message;
    }
  return NULL;
}

static void
assert_notice (Fixture        *f,
               GPtrArray      *messages,
               ScmCertificate *certificate,
               guint           days_left,
               gboolean        with_link)
{
  ScmSmtpMessage *message = find_message (messages, scm_certificate_get_person_email (certificate));
  g_autofree char *subject = NULL;
  g_autofree char *text = NULL;
  g_autofree char *expected_subject = g_strdup_printf ("Your certificate expires in %u days", days_left);
  g_autofree char *url = g_strdup_printf (PUBLIC_URL "/enroll/staff-renew#sha256=%s",
                                          scm_ca_get_root_fingerprint (scm_authority_get_ca (f->authority)));
  g_autoptr(GDateTime) until = g_date_time_new_from_unix_utc (scm_certificate_get_not_after (certificate));
  g_autofree char *date = g_date_time_format (until, "%Y-%m-%d %H:%M UTC");

  g_assert_nonnull (message);
  subject = scm_smtp_message_get_header (message, "Subject");
  if (days_left == 1)
    g_assert_cmpstr (subject, ==, "Your certificate expires in 1 day");
  else
    g_assert_cmpstr (subject, ==, expected_subject);
  text = scm_smtp_message_get_text (message);
  g_assert_nonnull (strstr (text, scm_certificate_get_serial (certificate)));
  g_assert_nonnull (strstr (text, date));
  if (with_link)
    {
      g_assert_nonnull (strstr (text, url));
      g_assert_nonnull (strstr (text, "Sign in with your Secret ID."));
    }
  else
    {
      g_assert_null (strstr (text, "/enroll/"));
      g_assert_nonnull (strstr (text, "ask your administrator"));
    }
}

/* How many of @messages went to @to. */
static guint
count_to (GPtrArray  *messages,
          const char *to)
{
  guint n = 0;

  for (guint i = 0; i < messages->len; i++)
    {
      ScmSmtpMessage *message = g_ptr_array_index (messages, i);

      for (guint j = 0; j < message->rcpt->len; j++)
        n += g_str_equal (g_ptr_array_index (message->rcpt, j), to);
    }
  return n;
}

static void
test_thresholds (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(ScmCertificate) ada = issue (f, "ada@example.org", 365, TRUE, 0);
  g_autoptr(ScmCertificate) bob = issue (f, "bob@example.org", 365, TRUE, 0);
  g_autoptr(ScmCertificate) dan = issue (f, "dan@example.org", 365, FALSE, 0);
  g_autoptr(ScmCertificate) eve_old = issue (f, "eve@example.org", 365, TRUE, 0);
  g_autoptr(ScmCertificate) eve = issue (f, "eve@example.org", 365, TRUE, scm_certificate_get_id (eve_old));
  g_autoptr(ScmCertificate) carol = issue (f, "carol@example.org", 730, TRUE, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = NULL;
  gint64 end = scm_certificate_get_not_after (ada);
  gint64 carol_end = scm_certificate_get_not_after (carol);
  guint64 year_thresholds[] = { 30, 7, 1 };

  /* Bob's was revoked: he is never reminded. */
  g_assert_true (scm_authority_revoke (f->authority, scm_certificate_get_serial (bob),
                                       SCM_REVOCATION_KEY_COMPROMISE, &error));
  g_assert_no_error (error);

  /* Far from expiry: nothing. */
  g_ptr_array_unref (run_at (f, end - 40 * DAY, 0, 0));

  for (guint i = 0; i < G_N_ELEMENTS (year_thresholds); i++)
    {
      guint threshold = (guint) year_thresholds[i];
      /* Just past the threshold, then once more an hour later. */
      gint64 now = end - (gint64) threshold * DAY + 6 * HOUR;
      g_autoptr(GPtrArray) messages = run_at (f, now, 3, 0);
      g_autoptr(GPtrArray) again = NULL;
      guint days_left = threshold == 1 ? 1 : threshold;
      ScmSmtpMessage *summary;
      g_autofree char *summary_text = NULL;

      /* Ada (with the form's link), Dan (admin-issued: no link) and Eve's
       * renewal; not Bob's revoked one, not Eve's renewed one, not Carol's
       * (two years), and two administrators' summaries. */
      g_assert_cmpuint (messages->len, ==, 5);
      assert_notice (f, messages, ada, days_left, TRUE);
      assert_notice (f, messages, dan, days_left, FALSE);
      assert_notice (f, messages, eve, days_left, TRUE);
      g_assert_null (find_message (messages, "bob@example.org"));
      g_assert_null (find_message (messages, "carol@example.org"));
      summary = find_message (messages, "admin@example.org");
      g_assert_nonnull (summary);
      g_assert_nonnull (find_message (messages, "boss@example.org"));
      summary_text = scm_smtp_message_get_text (summary);
      g_assert_nonnull (strstr (summary_text, "ada@example.org"));
      g_assert_nonnull (strstr (summary_text, "dan@example.org"));
      g_assert_nonnull (strstr (summary_text, scm_certificate_get_serial (eve)));

      again = run_at (f, now + HOUR, 0, 0);
      g_assert_cmpuint (again->len, ==, 0);
    }

  /* Expired: nothing more for anyone with a one-year certificate, while
   * Carol's two-year one gets its first notice. */
  {
    g_autoptr(GPtrArray) messages = run_at (f, carol_end - 29 * DAY, 1, 0);

    g_assert_cmpuint (messages->len, ==, 3);
    assert_notice (f, messages, carol, 29, TRUE);
  }

  /* Each person got each notice exactly once. */
  all = scm_smtp_sink_get_messages (f->sink);
  g_assert_cmpuint (count_to (all, "ada@example.org"), ==, 3);
  g_assert_cmpuint (count_to (all, "dan@example.org"), ==, 3);
  g_assert_cmpuint (count_to (all, "eve@example.org"), ==, 3);
  g_assert_cmpuint (count_to (all, "carol@example.org"), ==, 1);
  g_assert_cmpuint (count_to (all, "bob@example.org"), ==, 0);
}

static void
test_missed_thresholds (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(ScmCertificate) ada = issue (f, "ada@example.org", 365, TRUE, 0);
  gint64 end = scm_certificate_get_not_after (ada);
  g_autoptr(GPtrArray) messages = NULL;

  /* No run happened for a month: one notice with the true days left, not
   * the 30- and 7-day ones late. */
  messages = run_at (f, end - 5 * DAY, 1, 0);
  assert_notice (f, messages, ada, 5, TRUE);
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = run_at (f, end - 4 * DAY, 0, 0);
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = run_at (f, end - 20 * HOUR, 1, 0);
  assert_notice (f, messages, ada, 1, TRUE);
}

static void
test_crash_and_failure (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(ScmCertificate) ada = issue (f, "ada@example.org", 365, TRUE, 0);
  g_autoptr(ScmCertificate) frank = issue (f, "frank@example.org", 365, TRUE, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *live = scm_authority_process_owner ();
  g_autofree char *dead = g_strdup_printf ("%s:%d:1", g_get_host_name (), G_MAXINT32 - 1);
  gint64 now = scm_certificate_get_not_after (ada) - 10 * DAY;
  g_autoptr(GPtrArray) messages = NULL;
  gboolean claimed = FALSE;

  /* Frank's notice is being sent by a process that is still running (an
   * hourly run of serve): this run leaves it alone. */
  g_assert_true (scm_store_claim_expiry_notice (f->store, scm_certificate_get_id (frank), 30, live,
                                                now, scm_authority_process_is_alive, &claimed,
                                                &error));
  g_assert_no_error (error);
  g_assert_true (claimed);
  /* Ada's refuses the mail. */
  scm_smtp_sink_refuse_recipient (f->sink, "ada@example.org");

  messages = run_at (f, now, 0, 1);
  g_assert_null (find_message (messages, "frank@example.org"));
  g_assert_false (scm_store_expiry_notice_sent (f->store, scm_certificate_get_id (ada), 30));
  g_clear_pointer (&messages, g_ptr_array_unref);

  /* The refused one is tried again at the next run (and refused again). */
  messages = run_at (f, now + HOUR, 0, 1);
  g_clear_pointer (&messages, g_ptr_array_unref);

  /* A claim left by a process that crashed is taken over: Frank gets the
   * notice rather than never. */
  g_assert_true (scm_store_complete_expiry_notice (f->store, scm_certificate_get_id (frank), 30, FALSE,
                                                   scm_certificate_get_serial (frank), "test", now,
                                                   &error));
  g_assert_true (scm_store_claim_expiry_notice (f->store, scm_certificate_get_id (frank), 30, dead,
                                                now, scm_authority_process_is_alive, &claimed,
                                                &error));
  g_assert_true (claimed);
  g_assert_false (scm_authority_process_is_alive (dead));
  messages = run_at (f, now + 2 * HOUR, 1, 1);
  g_assert_nonnull (find_message (messages, "frank@example.org"));
  g_assert_true (scm_store_expiry_notice_sent (f->store, scm_certificate_get_id (frank), 30));
}

static void
test_settings_and_command_line (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(ScmCertificate) ada = issue (f, "ada@example.org", 365, TRUE, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) days = NULL;
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (scm_certificate_get_not_after (ada) - 6 * DAY);
  g_autofree char *now = g_date_time_format_iso8601 (when);
  g_autofree char *std_out = NULL;
  g_autofree char *std_err = NULL;
  const char *ctl = g_getenv ("SCM_ENROLLCTL");
  const char *argv[] = { ctl, "notify-expiring", "--data-dir", scm_store_get_data_dir (f->store),
                         "--now", now, NULL };
  const char *bad_now[] = { ctl, "notify-expiring", "--data-dir", scm_store_get_data_dir (f->store),
                            "--now", "next tuesday", NULL };

  /* The list is read largest first, without repeats; a bad one is refused. */
  days = scm_expiry_notice_parse_days (" 7, 30,1,7", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (days->len, ==, 3);
  g_assert_cmpuint (g_array_index (days, guint, 0), ==, 30);
  g_assert_cmpuint (g_array_index (days, guint, 2), ==, 1);
  g_assert_false (scm_store_set_setting (f->store, "notify.expiry-days", "30,soon", &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "soon"));
  g_clear_error (&error);
  g_assert_false (scm_store_set_setting (f->store, "notify.admin-emails", "admin@", &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  /* From the command line, with its clock. */
  g_assert_nonnull (ctl);
  g_assert_cmpint (scm_test_run (argv, NULL, &std_out, &std_err), ==, 0);
  g_assert_nonnull (strstr (std_out, "ada@example.org: 7-day notice sent"));
  g_assert_true (scm_smtp_sink_wait_for_messages (f->sink, 3, 10000));
  g_clear_pointer (&std_out, g_free);
  g_clear_pointer (&std_err, g_free);
  g_assert_cmpint (scm_test_run (argv, NULL, &std_out, &std_err), ==, 0);
  g_assert_nonnull (strstr (std_out, "Expiry notices sent: 0; not sent: 0"));
  g_clear_pointer (&std_err, g_free);
  g_assert_cmpint (scm_test_run (bad_now, NULL, NULL, &std_err), ==, 2);
  g_assert_nonnull (strstr (std_err, "next tuesday"));

  /* An empty list turns the notices off. */
  scm_test_set_setting (f->store, "notify.expiry-days", "");
  g_ptr_array_unref (run_at (f, scm_certificate_get_not_after (ada) - 12 * HOUR, 0, 0));
}

static void
test_serve (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(ScmProfile) short_term = scm_profile_new ();
  g_autoptr(GArray) terms = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) key_types = g_array_new (FALSE, FALSE, sizeof (ScmKeyType));
  g_autoptr(ScmCertificate) ada = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) serve = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *first_line = NULL;
  g_autofree char *data_dir_arg = g_strdup_printf ("--data-dir=%s", scm_store_get_data_dir (f->store));
  const char *argv[] = { g_getenv ("SCM_ENROLLCTL"), "serve", "--listen", "127.0.0.1:0",
                         data_dir_arg, NULL };
  guint term = 10;
  ScmKeyType key_type = SCM_KEY_TYPE_EC_P256;

  /* A certificate that really expires in ten days. */
  g_array_append_val (terms, term);
  g_array_append_val (key_types, key_type);
  scm_profile_set_name (short_term, "Ten days");
  scm_profile_set_purpose (short_term, SCM_PURPOSE_CLIENT_AUTH);
  scm_profile_set_terms (short_term, terms);
  scm_profile_set_key_types (short_term, key_types);
  scm_store_create_profile (f->store, short_term, &error);
  g_assert_no_error (error);
  g_set_object (&f->profile, short_term);
  ada = issue (f, "ada@example.org", 10, TRUE, 0);

  /* serve sends the notices that are due as it starts (then hourly). */
  g_assert_nonnull (argv[0]);
  serve = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve));
  first_line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first_line);
  g_assert_true (scm_smtp_sink_wait_for_messages (f->sink, 3, 60000));
  g_subprocess_send_signal (serve, SIGTERM);
  g_subprocess_wait (serve, NULL, &error);
  g_assert_no_error (error);

  messages = scm_smtp_sink_get_messages (f->sink);
  g_assert_cmpuint (messages->len, ==, 3);
  assert_notice (f, messages, ada, 10, TRUE);
  g_assert_true (scm_store_expiry_notice_sent (f->store, scm_certificate_get_id (ada), 30));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/expiry/thresholds", Fixture, NULL, fixture_set_up, test_thresholds,
              fixture_tear_down);
  g_test_add ("/expiry/missed-thresholds", Fixture, NULL, fixture_set_up, test_missed_thresholds,
              fixture_tear_down);
  g_test_add ("/expiry/crash-and-failure", Fixture, NULL, fixture_set_up, test_crash_and_failure,
              fixture_tear_down);
  g_test_add ("/expiry/serve", Fixture, NULL, fixture_set_up, test_serve, fixture_tear_down);
  g_test_add ("/expiry/settings-and-command-line", Fixture, NULL, fixture_set_up,
              test_settings_and_command_line, fixture_tear_down);

  return g_test_run ();
}
