/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "scm-authority.h"
#include "scm-bulk-issue.h"
#include "scm-domain.h"
#include "scm-form.h"
#include "scm-organization.h"
#include "scm-store.h"

/* Bulk issuance (scm_bulk_issue_run: person lookups, one PKCS#12 file per
 * person with its own random password, the passwords CSV) beside the
 * in-process issuance rate of the same build in the same run: the same
 * certificates (EC-P256, AES256-SHA256 PKCS#12) issued by
 * scm_authority_issue_many() as batches over the same threads, the
 * fastest in-process figure bench-issue reports, with no file written.
 * The two alternate in rounds so that the load of the machine weighs on
 * both alike. For context, a single-threaded scm_authority_issue() loop
 * on a tenth of the persons.
 * Each round's two rates are printed too: on a busy machine they show
 * how much of the difference is noise.
 * Usage: bench-bulk [N] [ROUNDS] (default 10,000 persons in 8 rounds). */

#define THREADS 2

static const char *password = "Bench-Password-123";

static double
now_seconds (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

static void
check (gboolean    ok,
       GError     *error,
       const char *what)
{
  if (!ok)
    {
      g_printerr ("bench-bulk: %s: %s\n", what, error ? error->message : "failed");
      exit (1);
    }
}

typedef struct
{
  ScmStore *store;
  ScmAuthority *authority;
  ScmAccount *account;
  ScmProfile *profile;
  GPtrArray *persons;
} Setup;

static void
set_up (Setup      *setup,
        const char *data_dir,
        guint       n)
{
  g_autoptr (ScmOrganization) organization = scm_organization_new ();
  g_autoptr (ScmDomain) domain = scm_domain_new ();
  g_autoptr (ScmForm) form = scm_form_new ();
  g_autoptr (GArray) profile_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GError *error = NULL;
  ScmStorePersonBatch *batch;
  gint64 profile_id;

  setup->store = scm_store_open (data_dir, &error);
  check (setup->store != NULL, error, "store");
  setup->authority = scm_authority_open (setup->store, NULL, &error);
  check (setup->authority != NULL, error, "authority");

  scm_organization_set_name (organization, "Bench Inc.");
  check (scm_store_create_organization (setup->store, organization, &error), error, "organization");
  scm_domain_set_name (domain, "bench.example");
  scm_domain_set_organization_id (domain, scm_organization_get_id (organization));
  check (scm_store_create_domain (setup->store, domain, &error), error, "domain");
  check (scm_store_set_domain_validated (setup->store, domain, TRUE, &error), error, "validate");

  setup->profile = scm_store_find_profile_by_name (setup->store, "Client Authentication", &error);
  check (setup->profile != NULL, error, "profile");
  scm_form_set_name (form, "Bench");
  scm_form_set_authentication (form, SCM_AUTHENTICATION_SECRET_ID);
  check (scm_store_create_form (setup->store, form, &error), error, "form");
  setup->account = scm_account_new ();
  scm_account_set_form_id (setup->account, scm_form_get_id (form));
  scm_account_set_name (setup->account, "Bench");
  scm_account_set_organization_id (setup->account, scm_organization_get_id (organization));
  profile_id = scm_profile_get_id (setup->profile);
  g_array_append_val (profile_ids, profile_id);
  scm_account_set_profile_ids (setup->account, profile_ids);
  scm_account_set_csr_methods (setup->account, SCM_CSR_METHOD_SERVER);
  scm_account_set_authorization (setup->account, SCM_AUTHORIZATION_SECRET_ID);
  check (scm_store_create_account (setup->store, setup->account, &error), error, "account");

  setup->persons = g_ptr_array_new_with_free_func (g_object_unref);
  batch = scm_store_person_batch_begin (setup->store, "bench-bulk", &error);
  check (batch != NULL, error, "person batch");
  for (guint i = 0; i < n; i++)
    {
      ScmPerson *person = scm_person_new ();
      g_autofree char *email = g_strdup_printf ("person%u@bench.example", i);

      scm_person_set_organization_id (person, scm_organization_get_id (organization));
      scm_person_set_first_name (person, "Bench");
      scm_person_set_last_name (person, "Person");
      scm_person_set_email (person, email);
      check (scm_store_person_batch_create (batch, person, NULL, NULL, &error), error, "person");
      g_ptr_array_add (setup->persons, person);
    }
  check (scm_store_person_batch_commit (batch, &error), error, "person commit");
}

/* The reference: persons [@start, @end) through scm_authority_issue_many()
 * in batches of the same size bulk issuance uses; seconds. */
static double
time_in_process (Setup *setup,
                 guint  start,
                 guint  end)
{
  const guint batch = 256;
  double began = now_seconds ();

  for (guint from = start; from < end; from += batch)
    {
      guint n = MIN (batch, end - from);
      g_autofree ScmIssueRequest *requests = g_new0 (ScmIssueRequest, n);
      g_autoptr (GPtrArray) results = NULL;

      for (guint i = 0; i < n; i++)
        {
          requests[i].person = g_ptr_array_index (setup->persons, from + i);
          requests[i].profile = setup->profile;
          requests[i].key_type = SCM_KEY_TYPE_EC_P256;
          requests[i].pkcs12_password = password;
          requests[i].protection = SCM_PKCS12_AES256_SHA256;
          requests[i].form_id = scm_account_get_form_id (setup->account);
          requests[i].account_id = scm_account_get_id (setup->account);
          requests[i].requested_via = SCM_REQUESTED_VIA_CSV;
        }
      results = scm_authority_issue_many (setup->authority, requests, n, THREADS, NULL);
      for (guint i = 0; i < results->len; i++)
        {
          ScmIssueResult *result = g_ptr_array_index (results, i);

          check (result->error == NULL && result->pkcs12 != NULL, result->error, "issue");
        }
    }
  return now_seconds () - began;
}

/* Bulk issuance of persons [@start, @end) into a new folder; seconds. */
static double
time_bulk (Setup      *setup,
           const char *dir,
           guint       round,
           guint       start,
           guint       end)
{
  g_autofree char *out = g_strdup_printf ("%s/out%u", dir, round);
  g_autofree gint64 *ids = g_new (gint64, end - start);
  g_autoptr (ScmBulkIssueSummary) summary = NULL;
  ScmBulkIssueOptions options = { 0 };
  GError *error = NULL;
  double began;

  g_mkdir (out, 0700);
  for (guint i = start; i < end; i++)
    ids[i - start] = scm_person_get_id (g_ptr_array_index (setup->persons, i));
  options.account = setup->account;
  options.profile = setup->profile;
  options.key_type = SCM_KEY_TYPE_EC_P256;
  options.protection = SCM_PKCS12_AES256_SHA256;
  options.out_dir = out;
  options.n_threads = THREADS;

  began = now_seconds ();
  summary = scm_bulk_issue_run (setup->authority, &options,
                                scm_bulk_issue_items_from_ids (ids, end - start), NULL, NULL, NULL,
                                &error);
  check (summary != NULL, error, "bulk issuance");
  check (summary->n_issued == end - start, NULL, "bulk issuance left persons out");
  return now_seconds () - began;
}

static double
time_one_by_one (Setup *setup,
                 guint  n)
{
  ScmIssueRequest request = { 0 };
  double began = now_seconds ();

  request.profile = setup->profile;
  request.key_type = SCM_KEY_TYPE_EC_P256;
  request.pkcs12_password = password;
  request.protection = SCM_PKCS12_AES256_SHA256;
  request.requested_via = SCM_REQUESTED_VIA_ADMIN;
  for (guint i = 0; i < n; i++)
    {
      GError *error = NULL;
      g_autoptr (ScmIssueResult) result = NULL;

      request.person = g_ptr_array_index (setup->persons, i);
      result = scm_authority_issue (setup->authority, &request, NULL, &error);
      check (result != NULL, error, "issue");
    }
  return now_seconds () - began;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("scm-bench-bulk-XXXXXX", &error);
  g_autofree char *data_dir = NULL;
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  guint rounds = argc > 2 ? (guint) atoi (argv[2]) : 8;
  double bulk_seconds = 0, in_process_seconds = 0, one_seconds;
  guint one_n;
  Setup setup = { 0 };

  check (dir != NULL, error, "temporary directory");
  check (n >= rounds && rounds > 0, NULL, "usage: bench-bulk [N] [ROUNDS]");
  data_dir = g_build_filename (dir, "data", NULL);
  set_up (&setup, data_dir, n);

  g_print ("Bulk issuance of %u persons (EC-P256, AES256-SHA256 PKCS#12), %u threads, %u rounds:\n",
           n, THREADS, rounds);
  for (guint r = 0; r < rounds; r++)
    {
      guint start = n / rounds * r;
      guint end = r + 1 == rounds ? n : n / rounds * (r + 1);
      double bulk, in_process;

      /* Which goes first alternates too. */
      if (r % 2 == 0)
        {
          bulk = time_bulk (&setup, dir, r, start, end);
          in_process = time_in_process (&setup, start, end);
        }
      else
        {
          in_process = time_in_process (&setup, start, end);
          bulk = time_bulk (&setup, dir, r, start, end);
        }
      bulk_seconds += bulk;
      in_process_seconds += in_process;
      g_print ("  round %u (%u persons): bulk %.1f/s, in-process %.1f/s\n", r + 1, end - start,
               (end - start) / bulk, (end - start) / in_process);
      fflush (stdout);
    }
  one_n = MAX (n / 10, 1);
  one_seconds = time_one_by_one (&setup, one_n);

  g_print ("  bulk issuance (files, passwords, CSV):                  %8.1f certificates/s\n",
           n / bulk_seconds);
  g_print ("  in-process scm_authority_issue_many (no files), %u thr: %8.1f certificates/s\n",
           THREADS, n / in_process_seconds);
  g_print ("  in-process scm_authority_issue loop, 1 thread (%u):    %8.1f certificates/s\n",
           one_n, one_n / one_seconds);
  g_print ("  => bulk issuance runs at %.0f%% of the in-process batch rate (target >= 90%%)\n",
           100.0 * (n / bulk_seconds) / (n / in_process_seconds));

  g_clear_object (&setup.account);
  g_clear_object (&setup.profile);
  g_clear_pointer (&setup.persons, g_ptr_array_unref);
  g_clear_object (&setup.authority);
  g_clear_object (&setup.store);
  remove_tree (dir);
  return 0;
}
