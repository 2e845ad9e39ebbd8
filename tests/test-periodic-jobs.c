/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "scm-authority.h"
#include "scm-periodic-jobs.h"
#include "scm-smtp-sink.h"
#include "scm-test-server.h"
#include "scm-test-util.h"

/* The jobs both `scm-enrollctl serve` and the admin app's built-in server
 * run: started, they send the expiry notices that are due (once, however
 * often they run) and re-sign a CRL near its next update. */

typedef struct
{
  char *dir;
  ScmStore *store;
  ScmAuthority *authority;
  ScmSmtpSink *sink;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *data_dir = NULL;

  f->dir = scm_test_make_tmp_dir ("test-periodic-jobs-XXXXXX");
  data_dir = g_build_filename (f->dir, "data", NULL);
  f->authority = scm_test_open_authority (data_dir, &f->store);
  f->sink = scm_smtp_sink_new ();
  scm_test_use_smtp_sink (f->store, f->sink, "pki@example.org");
  scm_test_set_setting (f->store, "server.public-url", "https://pki.example.org:8443");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  scm_smtp_sink_free (f->sink);
  g_clear_object (&f->authority);
  g_clear_object (&f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->dir);
}

static guint
count_messages (Fixture *f)
{
  g_autoptr(GPtrArray) messages = scm_smtp_sink_get_messages (f->sink);

  return messages->len;
}

static gboolean
timed_out_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until @jobs finished @runs runs; fails the
 * test after a minute. */
static void
wait_for_runs (ScmPeriodicJobs *jobs,
               guint            runs)
{
  gboolean timed_out = FALSE;
  guint timeout_id = g_timeout_add_seconds (60, timed_out_cb, &timed_out);

  while (scm_periodic_jobs_get_runs (jobs) < runs && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (timeout_id);
}

/* A certificate of @email that really expires in ten days. */
static ScmCertificate *
issue_due (Fixture    *f,
           const char *email)
{
  g_autoptr(ScmOrganization) acme = scm_test_add_organization (f->store, "Acme");
  g_autoptr(ScmProfile) profile = scm_profile_new ();
  g_autoptr(GArray) terms = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) key_types = g_array_new (FALSE, FALSE, sizeof (ScmKeyType));
  g_autoptr(ScmPerson) person = NULL;
  g_autoptr(ScmIssueResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ScmIssueRequest request = { 0 };
  ScmKeyType key_type = SCM_KEY_TYPE_EC_P256;
  guint term = 10;

  scm_test_add_domain (f->store, "example.org", scm_organization_get_id (acme), 0, TRUE);
  g_free (scm_test_add_person (f->store, email, "Ada", "Tester", scm_organization_get_id (acme), 0));
  g_array_append_val (terms, term);
  g_array_append_val (key_types, key_type);
  scm_profile_set_name (profile, "Ten days");
  scm_profile_set_purpose (profile, SCM_PURPOSE_CLIENT_AUTH);
  scm_profile_set_terms (profile, terms);
  scm_profile_set_key_types (profile, key_types);
  scm_store_create_profile (f->store, profile, &error);
  g_assert_no_error (error);

  person = scm_store_find_person_by_email (f->store, email, &error);
  g_assert_no_error (error);
  request.person = person;
  request.profile = profile;
  request.key_type = key_type;
  request.term_days = term;
  request.pkcs12_password = "Periodic-Test-123";
  request.requested_via = SCM_REQUESTED_VIA_ADMIN;
  result = scm_authority_issue (f->authority, &request, NULL, &error);
  g_assert_no_error (error);
  return g_object_ref (result->certificate);
}

static void
test_expiry_notice (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ScmCertificate) certificate = issue_due (f, "ada@example.org");
  g_autoptr(GPtrArray) messages = NULL;
  ScmPeriodicJobs *jobs;
  ScmSmtpMessage *message;

  g_assert_cmpuint (count_messages (f), ==, 0);

  /* Started: it runs at once, in a thread, while the main context turns. */
  jobs = scm_periodic_jobs_start (f->authority, 0);
  wait_for_runs (jobs, 1);
  scm_periodic_jobs_stop (jobs);

  messages = scm_smtp_sink_get_messages (f->sink);
  g_assert_cmpuint (messages->len, ==, 1);
  message = g_ptr_array_index (messages, 0);
  g_assert_cmpuint (message->rcpt->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (message->rcpt, 0), ==, "ada@example.org");
  g_assert_true (scm_store_expiry_notice_sent (f->store, scm_certificate_get_id (certificate), 30));

  /* Started again (the next hour, or the app restarted): nothing new. */
  jobs = scm_periodic_jobs_start (f->authority, 1);
  wait_for_runs (jobs, 2);
  scm_periodic_jobs_stop (jobs);
  g_assert_cmpuint (count_messages (f), ==, 1);
}

static void
test_crl_resigned (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GBytes) crl = NULL;
  g_autoptr(GError) error = NULL;
  const char *issuer = scm_ca_get_issuing_fingerprint (scm_authority_get_ca (f->authority));
  guint64 before = 0;
  guint64 after = 0;
  gint64 next_update = 0;
  ScmPeriodicJobs *jobs;

  /* A CRL valid for a day is always within a day of its next update. */
  scm_test_set_setting (f->store, "crl.next-update-days", "1");
  crl = scm_authority_get_crl (f->authority, &error);
  g_assert_no_error (error);
  g_assert_true (scm_store_get_latest_crl (f->store, issuer, &before, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  jobs = scm_periodic_jobs_start (f->authority, 0);
  wait_for_runs (jobs, 1);
  scm_periodic_jobs_stop (jobs);

  g_assert_true (scm_store_get_latest_crl (f->store, issuer, &after, NULL, &next_update, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (after, >, before);
  g_assert_cmpint (next_update, >, g_get_real_time () / G_USEC_PER_SEC);
  /* Nobody had a certificate: no mail. */
  g_assert_cmpuint (count_messages (f), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/periodic-jobs/expiry-notice", Fixture, NULL, fixture_set_up, test_expiry_notice,
              fixture_tear_down);
  g_test_add ("/periodic-jobs/crl-resigned", Fixture, NULL, fixture_set_up, test_crl_resigned,
              fixture_tear_down);

  return g_test_run ();
}
