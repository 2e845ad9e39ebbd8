/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "scm-authority.h"
#include "scm-bulk-issue.h"
#include "scm-csv-reader.h"
#include "scm-error.h"
#include "scm-pkcs12.h"
#include "scm-test-server.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

/* Bulk issuance as an administrator meets it: a CSV of emails, a folder
 * of PKCS#12 files that open with the passwords of passwords.csv (our
 * reader on every file, openssl on a sample), a report by line, and no
 * file ever replaced. */

typedef struct
{
  char *dir;
  char *out;
  ScmStore *store;
  ScmAuthority *authority;
  ScmOrganization *acme;
  ScmForm *form;
  ScmAccount *account;
  ScmProfile *profile;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *data_dir = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = scm_test_make_tmp_dir ("test-bulk-issue-XXXXXX");
  data_dir = g_build_filename (f->dir, "data", NULL);
  f->out = g_build_filename (f->dir, "out", NULL);
  g_assert_cmpint (g_mkdir (f->out, 0700), ==, 0);
  f->authority = scm_test_open_authority (data_dir, &f->store);
  f->acme = scm_test_add_organization (f->store, "Acme");
  scm_test_add_domain (f->store, "example.org", scm_organization_get_id (f->acme), 0, TRUE);

  f->form = scm_form_new ();
  scm_form_set_name (f->form, "Staff");
  scm_form_set_authentication (f->form, SCM_AUTHENTICATION_SECRET_ID);
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
  g_clear_object (&f->acme);
  g_clear_object (&f->form);
  g_clear_object (&f->account);
  g_clear_object (&f->profile);
  g_clear_object (&f->authority);
  g_clear_object (&f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->out);
  g_free (f->dir);
}

/* @n persons person0@example.org… in one batch (fast); returns their
 * emails as a CSV with an Email column, and @extra rows after them. */
static char *
add_persons (Fixture    *f,
             guint       n,
             const char *extra)
{
  g_autoptr(GError) error = NULL;
  ScmStorePersonBatch *batch = scm_store_person_batch_begin (f->store, "a test", &error);
  GString *csv = g_string_new ("First Name,Email\r\n");

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScmPerson) person = scm_person_new ();
      g_autofree char *email = g_strdup_printf ("person%u@example.org", i);

      scm_person_set_organization_id (person, scm_organization_get_id (f->acme));
      scm_person_set_first_name (person, "Person");
      scm_person_set_last_name (person, "Number");
      scm_person_set_email (person, email);
      g_assert_true (scm_store_person_batch_create (batch, person, NULL, NULL, &error));
      g_assert_no_error (error);
      g_string_append_printf (csv, "Person,%s\r\n", email);
    }
  g_assert_true (scm_store_person_batch_commit (batch, &error));
  g_assert_no_error (error);
  if (extra != NULL)
    g_string_append (csv, extra);
  return g_string_free (csv, FALSE);
}

static GPtrArray *
items_from_text (const char *csv)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_strdup (csv), -1, g_free);
  g_autoptr(GError) error = NULL;
  GPtrArray *items = scm_bulk_issue_items_from_csv (stream, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static ScmBulkIssueOptions
default_options (Fixture *f)
{
  ScmBulkIssueOptions options = { 0 };

  options.account = f->account;
  options.profile = f->profile;
  options.key_type = SCM_KEY_TYPE_EC_P256;
  options.protection = SCM_PKCS12_AES256_SHA256;
  options.out_dir = f->out;
  return options;
}

/* passwords.csv as file name → (email, password), checking its title row. */
static GHashTable *
read_passwords (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, &error);
  g_autoptr(ScmCsvReader) reader = NULL;
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  gboolean title = TRUE;
  struct stat st;

  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  reader = scm_csv_reader_new (G_INPUT_STREAM (stream));
  while (scm_csv_reader_next (reader, NULL, &error))
    {
      char **pair;

      g_assert_cmpuint (scm_csv_reader_get_n_fields (reader), ==, 3);
      if (title)
        {
          g_assert_cmpstr (scm_csv_reader_get_field (reader, 0), ==, "Email");
          g_assert_cmpstr (scm_csv_reader_get_field (reader, 1), ==, "File");
          g_assert_cmpstr (scm_csv_reader_get_field (reader, 2), ==, "Password");
          title = FALSE;
          continue;
        }
      pair = g_new0 (char *, 3);
      pair[0] = g_strdup (scm_csv_reader_get_field (reader, 0));
      pair[1] = g_strdup (scm_csv_reader_get_field (reader, 2));
      g_assert_false (g_hash_table_contains (rows, scm_csv_reader_get_field (reader, 1)));
      g_hash_table_insert (rows, g_strdup (scm_csv_reader_get_field (reader, 1)), pair);
    }
  g_assert_no_error (error);
  return rows;
}

/* Opens @name with our reader and @password: its certificate is @email's. */
static void
assert_opens (const char *dir,
              const char *name,
              const char *password,
              const char *email)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(ScmCertificateInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  data = g_bytes_new_take (g_steal_pointer (&contents), len);
  g_assert_true (scm_pkcs12_parse (data, password, &key, &certificate, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (key);
  info = scm_x509_describe (certificate, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_contains ((const char * const *) info->emails, email));
}

static guint
count_files (const char *dir,
             const char *suffix)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (listing)) != NULL)
    n += g_str_has_suffix (name, suffix);
  return n;
}

static guint
count_certificates (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certificates = scm_store_list_certificates (f->store, 0, &error);
  guint n = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < certificates->len; i++)
    n += scm_certificate_get_status (g_ptr_array_index (certificates, i)) == SCM_CERT_STATUS_ISSUED;
  return n;
}

typedef struct
{
  guint calls;
  guint last_done;
  guint last_total;
} Progress;

static void
count_progress_cb (guint    done,
                   guint    total,
                   guint    issued,
                   gpointer user_data)
{
  Progress *progress = user_data;

  g_assert_cmpuint (done, >, progress->last_done);
  g_assert_cmpuint (issued, <=, done);
  progress->calls++;
  progress->last_done = done;
  progress->last_total = total;
}

static void
test_thousand (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *csv = add_persons (f, 1000, "Stranger,nobody@example.org\r\n");
  ScmBulkIssueOptions options = default_options (f);
  g_autoptr(ScmBulkIssueSummary) summary = NULL;
  g_autoptr(ScmBulkIssueSummary) again = NULL;
  g_autoptr(GHashTable) passwords = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  Progress progress = { 0 };
  GHashTableIter iter;
  gpointer key, value;
  guint checked_with_openssl = 0;

  summary = scm_bulk_issue_run (f->authority, &options, items_from_text (csv), count_progress_cb,
                                &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (summary);
  g_assert_false (summary->cancelled);
  g_assert_cmpuint (summary->items->len, ==, 1001);
  g_assert_cmpuint (summary->n_issued, ==, 1000);
  g_assert_cmpuint (summary->n_failed, ==, 1);
  g_assert_cmpuint (progress.last_done, ==, 1001);
  g_assert_cmpuint (progress.last_total, ==, 1001);
  g_assert_cmpuint (progress.calls, >=, 2);

  /* The unknown email is reported with its line (the title is line 1). */
  {
    ScmBulkIssueItem *stranger = g_ptr_array_index (summary->items, 1000);

    g_assert_cmpstr (stranger->email, ==, "nobody@example.org");
    g_assert_cmpuint (stranger->line, ==, 1002);
    g_assert_error (stranger->error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
    g_assert_null (stranger->file);
  }

  /* 1,000 files, each listed once in passwords.csv with its person. */
  g_assert_cmpuint (count_files (f->out, ".p12"), ==, 1000);
  g_assert_cmpuint (count_certificates (f), ==, 1000);
  passwords = read_passwords (summary->passwords_path);
  g_assert_cmpuint (g_hash_table_size (passwords), ==, 1000);
  for (guint i = 0; i < 1000; i++)
    {
      ScmBulkIssueItem *item = g_ptr_array_index (summary->items, i);
      char **row = g_hash_table_lookup (passwords, item->file);
      g_autofree char *email = g_strdup_printf ("person%u@example.org", i);

      g_assert_no_error (item->error);
      g_assert_cmpuint (item->line, ==, i + 2);
      g_assert_nonnull (row);
      g_assert_cmpstr (row[0], ==, email);
      g_assert_true (g_str_has_prefix (item->file, email));
      g_assert_cmpstr (item->file + strlen (email), ==, ".p12");
    }

  /* Every file opens with its password in our reader… */
  g_hash_table_iter_init (&iter, passwords);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      char **row = value;

      assert_opens (f->out, key, row[1], row[0]);
      /* …and a sample in openssl's. */
      if (scm_test_require_tool ("openssl", "openssl") && checked_with_openssl < 10)
        {
          g_autofree char *path = g_build_filename (f->out, key, NULL);
          g_autofree char *pass = g_strconcat ("pass:", row[1], NULL);
          g_autofree char *wrong = g_strconcat ("pass:", row[1], "x", NULL);

          g_assert_cmpint (scm_test_tool (&output, NULL, "openssl", "pkcs12", "-in", path,
                                          "-passin", pass, "-nokeys", NULL), ==, 0);
          g_assert_nonnull (strstr (output, row[0]));
          g_assert_cmpint (scm_test_tool (&output, NULL, "openssl", "pkcs12", "-in", path,
                                          "-passin", wrong, "-nokeys", NULL), !=, 0);
          checked_with_openssl++;
        }
    }

  /* Again into the same folder: refused before anything is issued. */
  again = scm_bulk_issue_run (f->authority, &options, items_from_text (csv), NULL, NULL, NULL, &error);
  g_assert_null (again);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
  g_assert_nonnull (strstr (error->message, "passwords.csv"));
  g_assert_cmpuint (count_certificates (f), ==, 1000);
  g_assert_cmpuint (count_files (f->out, ".p12"), ==, 1000);
}

static void
test_existing_file (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *csv = add_persons (f, 3, NULL);
  g_autofree char *existing = g_build_filename (f->out, "person1@example.org.p12", NULL);
  g_autofree char *contents = NULL;
  const char *emails[] = { "person0@example.org", "person1@example.org", "PERSON2@example.org", NULL };
  ScmBulkIssueOptions options = default_options (f);
  g_autoptr(ScmBulkIssueSummary) summary = NULL;
  g_autoptr(GHashTable) passwords = NULL;
  g_autoptr(GError) error = NULL;
  ScmBulkIssueItem *item;

  g_assert_true (g_file_set_contents (existing, "keep me", -1, &error));
  summary = scm_bulk_issue_run (f->authority, &options, scm_bulk_issue_items_from_emails (emails),
                                NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->n_issued, ==, 2);
  g_assert_cmpuint (summary->n_failed, ==, 1);

  /* The person whose file exists gets no certificate, and the file stays. */
  item = g_ptr_array_index (summary->items, 1);
  g_assert_error (item->error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
  g_assert_cmpuint (item->line, ==, 2);
  g_assert_true (g_file_get_contents (existing, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me");
  g_assert_cmpuint (count_certificates (f), ==, 2);

  item = g_ptr_array_index (summary->items, 2);
  g_assert_no_error (item->error);
  g_assert_cmpstr (item->email, ==, "person2@example.org");
  passwords = read_passwords (summary->passwords_path);
  g_assert_cmpuint (g_hash_table_size (passwords), ==, 2);
  g_assert_false (g_hash_table_contains (passwords, "person1@example.org.p12"));
}

static void
test_refusals (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *csv = add_persons (f, 1, NULL);
  g_autofree char *passwords = g_build_filename (f->out, SCM_BULK_ISSUE_PASSWORDS_FILE, NULL);
  const char *emails[] = { "person0@example.org", NULL };
  ScmBulkIssueOptions options = default_options (f);
  g_autoptr(ScmProfile) strict = NULL;
  g_autoptr(GError) error = NULL;
  ScmBulkIssueSummary *summary;

  /* A profile the account does not offer. */
  strict = scm_store_find_profile_by_name (f->store, "S/MIME Mailbox (Strict)", &error);
  g_assert_no_error (error);
  options.profile = strict;
  summary = scm_bulk_issue_run (f->authority, &options, scm_bulk_issue_items_from_emails (emails),
                                NULL, NULL, NULL, &error);
  g_assert_null (summary);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_POLICY);
  g_assert_nonnull (strstr (error->message, "S/MIME Mailbox (Strict)"));
  g_clear_error (&error);

  /* A term the profile does not offer. */
  options = default_options (f);
  options.term_days = 12;
  summary = scm_bulk_issue_run (f->authority, &options, scm_bulk_issue_items_from_emails (emails),
                                NULL, NULL, NULL, &error);
  g_assert_null (summary);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_POLICY);
  g_clear_error (&error);

  /* Nothing was issued or written. */
  g_assert_false (g_file_test (passwords, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_certificates (f), ==, 0);
}

static void
test_csv_input (void)
{
  g_autoptr(GPtrArray) plain = items_from_text ("ada@example.org\nbob@example.org\n\n;x\n");
  g_autoptr(GPtrArray) titled = items_from_text ("Name;E-Mail\nAda;ADA@example.org\nBob;\n");
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data ("Name,Phone\nAda,1\n", -1, NULL);
  g_autoptr(GError) error = NULL;
  ScmBulkIssueItem *item;

  /* No title row: one email per line; the reader skips empty lines. */
  g_assert_cmpuint (plain->len, ==, 3);
  item = g_ptr_array_index (plain, 1);
  g_assert_cmpstr (item->email, ==, "bob@example.org");
  g_assert_cmpuint (item->line, ==, 2);

  /* A title row: the email column, any case; an empty email is reported. */
  g_assert_cmpuint (titled->len, ==, 2);
  item = g_ptr_array_index (titled, 0);
  g_assert_cmpstr (item->email, ==, "ada@example.org");
  g_assert_cmpuint (item->line, ==, 2);
  item = g_ptr_array_index (titled, 1);
  g_assert_error (item->error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_cmpuint (item->line, ==, 3);

  /* No email column at all. */
  g_assert_null (scm_bulk_issue_items_from_csv (stream, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Email"));
}

static void
test_file_names (void)
{
  struct
  {
    const char *email;
    const char *name;
  } cases[] = {
    { "Ada@Example.org", "ada@example.org.p12" },
    { "a/b\\c@example.org", "a_b_c@example.org.p12" },
    { ".hidden@example.org", "_hidden@example.org.p12" },
    { "o'brien+vpn@example.org", "o_brien+vpn@example.org.p12" },
    { "../../etc/passwd", "_._.._etc_passwd.p12" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = scm_bulk_issue_file_name (cases[i].email);

      g_assert_cmpstr (name, ==, cases[i].name);
      g_assert_null (strchr (name, '/'));
    }
}

static void
cancel_progress_cb (guint    done,
                    guint    total,
                    guint    issued,
                    gpointer user_data)
{
  /* Between two batches: the next one is not started. */
  g_cancellable_cancel (user_data);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *csv = add_persons (f, 1200, NULL);
  ScmBulkIssueOptions options = default_options (f);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GHashTable) passwords = NULL;
  g_autoptr(ScmBulkIssueSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  guint cancelled = 0;

  summary = scm_bulk_issue_run (f->authority, &options, items_from_text (csv), cancel_progress_cb,
                                cancellable, cancellable, &error);
  g_assert_no_error (error);
  g_assert_nonnull (summary);
  g_assert_true (summary->cancelled);
  /* The first batch went through, the others did not. */
  g_assert_cmpuint (summary->n_issued, >, 0);
  g_assert_cmpuint (summary->n_issued, <, 1200);
  g_assert_cmpuint (summary->n_issued + summary->n_failed, ==, 1200);
  for (guint i = 0; i < summary->items->len; i++)
    {
      ScmBulkIssueItem *item = g_ptr_array_index (summary->items, i);

      if (item->error != NULL)
        {
          g_assert_error (item->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
          g_assert_null (item->file);
          g_assert_null (item->serial);
          cancelled++;
        }
    }
  g_assert_cmpuint (cancelled, ==, summary->n_failed);

  /* What was issued stays valid, and the CSV covers every file written. */
  g_assert_cmpuint (count_certificates (f), ==, summary->n_issued);
  g_assert_cmpuint (count_files (f->out, ".p12"), ==, summary->n_issued);
  passwords = read_passwords (summary->passwords_path);
  g_assert_cmpuint (g_hash_table_size (passwords), ==, summary->n_issued);
}

typedef struct
{
  ScmBulkIssueSummary *summary;
  GError *error;
  gboolean done;
  guint progress_calls;
  GThread *main_thread;
} AsyncRun;

static void
async_progress_cb (guint    done,
                   guint    total,
                   guint    issued,
                   gpointer user_data)
{
  AsyncRun *run = user_data;

  /* Reported in the caller's main context, not in the worker thread. */
  g_assert_true (g_thread_self () == run->main_thread);
  g_assert_cmpuint (total, ==, 3);
  run->progress_calls++;
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->summary = scm_bulk_issue_run_finish (result, &run->error);
  run->done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("The bulk issuance did not finish in time");
  return G_SOURCE_REMOVE;
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *csv = add_persons (f, 3, NULL);
  ScmBulkIssueOptions options = default_options (f);
  AsyncRun run = { NULL, NULL, FALSE, 0, g_thread_self () };
  guint timeout_id = g_timeout_add_seconds (120, timeout_cb, NULL);

  scm_bulk_issue_run_async (f->authority, &options, items_from_text (csv), async_progress_cb, &run,
                            NULL, NULL, async_done_cb, &run);
  while (!run.done)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);
  /* A progress report queued before the result is shown before it. */
  g_assert_cmpuint (run.progress_calls, ==, 1);

  g_assert_no_error (run.error);
  g_assert_nonnull (run.summary);
  g_assert_cmpuint (run.summary->n_issued, ==, 3);
  g_assert_cmpuint (count_files (f->out, ".p12"), ==, 3);
  scm_bulk_issue_summary_free (run.summary);
}

static void
test_command_line (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *csv = add_persons (f, 2, "Stranger,nobody@example.org\r\n");
  g_autofree char *csv_path = g_build_filename (f->dir, "persons.csv", NULL);
  g_autofree char *data_dir = g_strdup (scm_store_get_data_dir (f->store));
  g_autofree char *out_arg = g_strconcat ("--out=", f->out, NULL);
  g_autofree char *std_out = NULL;
  g_autofree char *std_err = NULL;
  const char *ctl = g_getenv ("SCM_ENROLLCTL");
  const char *argv[] = { ctl, "bulk-issue", "--data-dir", data_dir, "--persons-csv", csv_path,
                         "--account", "Main", "--profile", "Client Authentication",
                         "--key-type", "EC-P256", "--protection", "compatible", out_arg, NULL };
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (ctl);
  g_assert_true (g_file_set_contents (csv_path, csv, -1, &error));

  /* The report names each line; the unknown email fails the command. */
  g_assert_cmpint (scm_test_run (argv, NULL, &std_out, &std_err), ==, 1);
  g_assert_nonnull (strstr (std_out, "line 2: person0@example.org: person0@example.org.p12 ("));
  g_assert_nonnull (strstr (std_out, "line 3: person1@example.org: person1@example.org.p12 ("));
  g_assert_nonnull (strstr (std_out, "line 4: nobody@example.org: There is no person"));
  g_assert_nonnull (strstr (std_out, "Issued 2 of 3"));
  g_assert_nonnull (strstr (std_err, "1 person got no certificate"));
  g_assert_cmpuint (count_files (f->out, ".p12"), ==, 2);
  g_clear_pointer (&std_out, g_free);
  g_clear_pointer (&std_err, g_free);

  /* Again: refused, with one line saying why. */
  g_assert_cmpint (scm_test_run (argv, NULL, &std_out, &std_err), ==, 1);
  g_assert_nonnull (strstr (std_err, "already exists"));
  g_clear_pointer (&std_out, g_free);
  g_clear_pointer (&std_err, g_free);

  /* Usage errors. */
  {
    const char *no_account[] = { ctl, "bulk-issue", "--data-dir", data_dir, "ada@example.org",
                                 "--profile", "Client Authentication", out_arg, NULL };
    const char *both[] = { ctl, "bulk-issue", "--data-dir", data_dir, "ada@example.org",
                           "--persons-csv", csv_path, "--account", "Main",
                           "--profile", "Client Authentication", out_arg, NULL };

    g_assert_cmpint (scm_test_run (no_account, NULL, NULL, &std_err), ==, 2);
    g_assert_nonnull (strstr (std_err, "--account"));
    g_clear_pointer (&std_err, g_free);
    g_assert_cmpint (scm_test_run (both, NULL, NULL, &std_err), ==, 2);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bulk-issue/file-names", test_file_names);
  g_test_add_func ("/bulk-issue/csv-input", test_csv_input);
  g_test_add ("/bulk-issue/thousand", Fixture, NULL, fixture_set_up, test_thousand,
              fixture_tear_down);
  g_test_add ("/bulk-issue/existing-file", Fixture, NULL, fixture_set_up, test_existing_file,
              fixture_tear_down);
  g_test_add ("/bulk-issue/refusals", Fixture, NULL, fixture_set_up, test_refusals,
              fixture_tear_down);
  g_test_add ("/bulk-issue/cancel", Fixture, NULL, fixture_set_up, test_cancel, fixture_tear_down);
  g_test_add ("/bulk-issue/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  g_test_add ("/bulk-issue/command-line", Fixture, NULL, fixture_set_up, test_command_line,
              fixture_tear_down);

  return g_test_run ();
}
