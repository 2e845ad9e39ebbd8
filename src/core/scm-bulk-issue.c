/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "scm-authority.h"
#include "scm-bulk-issue.h"
#include "scm-csv-reader.h"
#include "scm-csv-writer.h"
#include "scm-error.h"
#include "scm-secret.h"

/* Persons per call of scm_authority_issue_many(): large enough that its
 * per-batch work (two commits, a CA copy) costs little, small enough for
 * frequent progress, prompt cancelling and few open files (each batch
 * holds its files open from creation to the last byte). */
#define BATCH_SIZE 256
#define MAX_FILE_STEM 120

void
scm_bulk_issue_item_free (ScmBulkIssueItem *item)
{
  if (item == NULL)
    return;
  g_free (item->email);
  g_free (item->file);
  g_free (item->serial);
  g_clear_error (&item->error);
  g_free (item);
}

void
scm_bulk_issue_summary_free (ScmBulkIssueSummary *summary)
{
  if (summary == NULL)
    return;
  g_clear_pointer (&summary->items, g_ptr_array_unref);
  g_free (summary->passwords_path);
  g_free (summary);
}

static GPtrArray *
new_items (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) scm_bulk_issue_item_free);
}

GPtrArray *
scm_bulk_issue_items_from_emails (const char * const *emails)
{
  GPtrArray *items = new_items ();

  g_return_val_if_fail (emails != NULL, items);

  for (guint i = 0; emails[i] != NULL; i++)
    {
      ScmBulkIssueItem *item = g_new0 (ScmBulkIssueItem, 1);

      item->line = i + 1;
      item->email = g_ascii_strdown (g_strstrip (g_strdup (emails[i])), -1);
      g_ptr_array_add (items, item);
    }
  return items;
}

GPtrArray *
scm_bulk_issue_items_from_ids (const gint64 *ids,
                               guint         n_ids)
{
  GPtrArray *items = new_items ();

  g_return_val_if_fail (ids != NULL || n_ids == 0, items);

  for (guint i = 0; i < n_ids; i++)
    {
      ScmBulkIssueItem *item = g_new0 (ScmBulkIssueItem, 1);

      item->line = i + 1;
      item->person_id = ids[i];
      g_ptr_array_add (items, item);
    }
  return items;
}

static gboolean
is_email_title (const char *field)
{
  g_autofree char *title = g_ascii_strdown (field, -1);

  g_strstrip (title);
  return g_str_equal (title, "email") || g_str_equal (title, "e-mail")
         || g_str_equal (title, "email address") || g_str_equal (title, "e-mail address");
}

GPtrArray *
scm_bulk_issue_items_from_csv (GInputStream *stream,
                               GCancellable *cancellable,
                               GError      **error)
{
  g_autoptr(ScmCsvReader) reader = NULL;
  g_autoptr(GPtrArray) items = new_items ();
  gboolean first = TRUE;
  guint column = 0;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  reader = scm_csv_reader_new (stream);
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      ScmBulkIssueItem *item;
      const char *email;

      if (!scm_csv_reader_next (reader, cancellable, &local_error))
        {
          if (local_error == NULL)
            break;
          if (!scm_csv_reader_can_continue (reader) || local_error->domain != SCM_CSV_ERROR)
            {
              if (local_error->domain == SCM_CSV_ERROR)
                g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID, _("Line %u: %s"),
                             scm_csv_reader_get_error_line (reader), local_error->message);
              else
                g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          item = g_new0 (ScmBulkIssueItem, 1);
          item->line = scm_csv_reader_get_error_line (reader);
          item->error = g_steal_pointer (&local_error);
          g_ptr_array_add (items, item);
          first = FALSE;
          continue;
        }

      if (first)
        {
          first = FALSE;
          for (guint i = 0; i < scm_csv_reader_get_n_fields (reader); i++)
            if (is_email_title (scm_csv_reader_get_field (reader, i)))
              {
                column = i;
                break;
              }
          /* A title row without an Email column, or a first row of data. */
          if (column > 0 || is_email_title (scm_csv_reader_get_field (reader, 0)))
            continue;
          if (strchr (scm_csv_reader_get_field (reader, 0), '@') == NULL)
            {
              g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("The CSV file has no Email column; give one column the title "
                             "“Email”, or list one email per line without a title row"));
              return NULL;
            }
        }

      item = g_new0 (ScmBulkIssueItem, 1);
      item->line = scm_csv_reader_get_line (reader);
      email = column < scm_csv_reader_get_n_fields (reader)
              ? scm_csv_reader_get_field (reader, column) : "";
      item->email = g_ascii_strdown (g_strstrip (g_strdup (email)), -1);
      if (*item->email == '\0')
        g_set_error_literal (&item->error, SCM_ERROR, SCM_ERROR_INVALID,
                             _("The row has no email"));
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

char *
scm_bulk_issue_file_name (const char *email)
{
  g_autofree char *lower = NULL;
  GString *name;

  g_return_val_if_fail (email != NULL, NULL);

  lower = g_ascii_strdown (email, -1);
  name = g_string_new (NULL);
  for (const char *p = lower; *p != '\0' && name->len < MAX_FILE_STEM; p++)
    {
      char c = *p;

      /* Nothing that a shell, Windows or a hidden-file rule treats
       * specially; never a path separator. */
      if (!(g_ascii_isalnum (c) || c == '@' || c == '.' || c == '-' || c == '_' || c == '+')
          || (c == '.' && name->len == 0))
        c = '_';
      g_string_append_c (name, c);
    }
  if (name->len == 0)
    g_string_append_c (name, '_');
  g_string_append (name, ".p12");
  return g_string_free (name, FALSE);
}

/* Options ------------------------------------------------------------------------------------ */

static gboolean
array_has_uint (GArray *array,
                guint   value)
{
  for (guint i = 0; array != NULL && i < array->len; i++)
    if (g_array_index (array, guint, i) == value)
      return TRUE;
  return FALSE;
}

static gboolean
array_has_id (GArray *array,
              gint64  value)
{
  for (guint i = 0; array != NULL && i < array->len; i++)
    if (g_array_index (array, gint64, i) == value)
      return TRUE;
  return FALSE;
}

static gboolean
check_options (const ScmBulkIssueOptions *options,
               GError                   **error)
{
  ScmProfile *profile = options->profile;

  if (!array_has_id (scm_account_get_profile_ids (options->account), scm_profile_get_id (profile)))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   _("The account “%s” does not offer the profile “%s”; choose one of its "
                     "profiles, or add this one to the account"),
                   scm_account_get_name (options->account), scm_profile_get_name (profile));
      return FALSE;
    }
  if (!scm_profile_allows_key_type (profile, options->key_type))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   _("The profile “%s” does not allow %s keys; choose another key type"),
                   scm_profile_get_name (profile), scm_key_type_to_string (options->key_type));
      return FALSE;
    }
  if (options->term_days != 0 && !array_has_uint (scm_profile_get_terms (profile), options->term_days))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   _("The profile “%s” does not offer a term of %u days; choose one it offers"),
                   scm_profile_get_name (profile), options->term_days);
      return FALSE;
    }
  if (!g_file_test (options->out_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR,
                   _("%s is not a folder; create it first, or choose another"), options->out_dir);
      return FALSE;
    }
  return TRUE;
}

/* The run ------------------------------------------------------------------------------------- */

typedef struct
{
  ScmAuthority *authority;
  const ScmBulkIssueOptions *options;
  GPtrArray *items;
  GPtrArray *persons;           /* parallel to items: ScmPerson or NULL */
  GHashTable *names;            /* file names taken in this run */
  ScmCsvWriter *csv;
  ScmBulkIssueSummary *summary;
} Run;

/* Looks up every person once, before anything is issued: unknown and
 * repeated persons fail here. */
static gboolean
resolve_persons (Run     *run,
                 GError **error)
{
  ScmStore *store = scm_authority_get_store (run->authority);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  gint64 organization_id = scm_account_get_organization_id (run->options->account);
  gint64 department_id = scm_account_get_department_id (run->options->account);

  for (guint i = 0; i < run->items->len; i++)
    {
      ScmBulkIssueItem *item = g_ptr_array_index (run->items, i);
      g_autoptr(ScmPerson) person = NULL;
      ScmBulkIssueItem *first;

      g_ptr_array_add (run->persons, NULL);
      if (item->error != NULL)
        continue;
      if (item->person_id != 0)
        person = scm_store_get_person (store, item->person_id, &item->error);
      else
        person = scm_store_find_person_by_email (store, item->email, &item->error);
      if (person == NULL)
        {
          /* Only a missing person is this item's problem. */
          if (!g_error_matches (item->error, SCM_ERROR, SCM_ERROR_NOT_FOUND)
              && !g_error_matches (item->error, SCM_ERROR, SCM_ERROR_INVALID))
            {
              g_propagate_error (error, g_steal_pointer (&item->error));
              return FALSE;
            }
          continue;
        }
      g_free (item->email);
      item->email = g_strdup (scm_person_get_email (person));
      item->person_id = scm_person_get_id (person);

      first = g_hash_table_lookup (seen, &item->person_id);
      if (first != NULL)
        {
          g_set_error (&item->error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                       _("%s is listed twice (first at %u); only one certificate is issued"),
                       item->email, first->line);
          continue;
        }
      g_hash_table_insert (seen, &item->person_id, item);

      if (scm_person_get_organization_id (person) != organization_id
          || (department_id != 0 && scm_person_get_department_id (person) != department_id))
        {
          g_set_error (&item->error, SCM_ERROR, SCM_ERROR_POLICY,
                       _("%s does not belong to the organization or department of the account "
                         "“%s”"), item->email, scm_account_get_name (run->options->account));
          continue;
        }
      g_ptr_array_index (run->persons, i) = g_steal_pointer (&person);
    }
  return TRUE;
}

/* Creates @item's file (O_EXCL, 0600) and returns its descriptor, or -1
 * with the item's error set. */
static int
create_file (Run              *run,
             ScmBulkIssueItem *item)
{
  g_autofree char *base = scm_bulk_issue_file_name (item->email);
  g_autofree char *name = g_strdup (base);
  g_autofree char *path = NULL;
  int fd;

  /* Two emails that read the same once cleaned up: number the second. */
  for (guint n = 2; g_hash_table_contains (run->names, name); n++)
    {
      g_free (name);
      name = g_strdup_printf ("%.*s-%u.p12", (int) (strlen (base) - 4), base, n);
    }
  path = g_build_filename (run->options->out_dir, name, NULL);
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == EEXIST)
        g_set_error (&item->error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                     _("%s already exists; nothing was issued to %s (move the file away or "
                       "choose another folder)"), path, item->email);
      else
        g_set_error (&item->error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                     _("Could not create %s: %s"), path, g_strerror (saved_errno));
      return -1;
    }
  g_hash_table_add (run->names, g_strdup (name));
  item->file = g_steal_pointer (&name);
  return fd;
}

static gboolean
write_all (int           fd,
           GBytes       *data,
           GError      **error)
{
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (data, &len);

  while (len > 0)
    {
      gssize n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("Could not write the PKCS#12 file: %s"), g_strerror (saved_errno));
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static void
remove_file (Run              *run,
             ScmBulkIssueItem *item)
{
  g_autofree char *path = g_build_filename (run->options->out_dir, item->file, NULL);

  g_unlink (path);
  g_clear_pointer (&item->file, g_free);
}

/* A certificate whose file could not be written (or listed): nobody can
 * ever use it, so it is revoked and its file removed. */
static void
discard (Run              *run,
         ScmBulkIssueItem *item,
         const GError     *why)
{
  g_autoptr(GError) revoke_error = NULL;

  scm_authority_revoke (run->authority, item->serial, SCM_REVOCATION_CESSATION_OF_OPERATION,
                        &revoke_error);
  g_set_error (&item->error, why->domain, why->code, "%s (%s)%s%s", why->message, item->file,
               revoke_error != NULL ? _("; the certificate could not be revoked: ") : "",
               revoke_error != NULL ? revoke_error->message : "");
  remove_file (run, item);
}

/* Issues one batch of items [@start, @end) and writes what it gave. */
static gboolean
run_batch (Run          *run,
           guint         start,
           guint         end,
           GCancellable *cancellable,
           GError      **error)
{
  const ScmBulkIssueOptions *options = run->options;
  g_autofree ScmIssueRequest *requests = g_new0 (ScmIssueRequest, end - start);
  g_autofree guint *index = g_new0 (guint, end - start);
  g_autofree int *fds = g_new (int, end - start);
  g_autoptr(GPtrArray) passwords = g_ptr_array_new_with_free_func ((GDestroyNotify) scm_secret_free);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) csv_error = NULL;
  guint n = 0;

  for (guint i = start; i < end; i++)
    {
      ScmBulkIssueItem *item = g_ptr_array_index (run->items, i);
      ScmPerson *person = g_ptr_array_index (run->persons, i);
      char *password;

      if (item->error != NULL || person == NULL)
        continue;
      fds[n] = create_file (run, item);
      if (fds[n] < 0)
        continue;
      password = scm_secret_generate (SCM_SECRET_KIND_PKCS12_PASSWORD);
      g_ptr_array_add (passwords, password);
      requests[n].person = person;
      requests[n].profile = options->profile;
      requests[n].key_type = options->key_type;
      requests[n].term_days = options->term_days;
      requests[n].pkcs12_password = password;
      requests[n].protection = options->protection;
      requests[n].form_id = scm_account_get_form_id (options->account);
      requests[n].account_id = scm_account_get_id (options->account);
      requests[n].requested_via = SCM_REQUESTED_VIA_CSV;
      index[n] = i;
      n++;
    }

  results = scm_authority_issue_many (run->authority, requests, n,
                                      options->n_threads ? options->n_threads
                                                         : g_get_num_processors (),
                                      cancellable);

  for (guint j = 0; j < n; j++)
    {
      ScmIssueResult *result = g_ptr_array_index (results, j);
      ScmBulkIssueItem *item = g_ptr_array_index (run->items, index[j]);
      g_autoptr(GError) write_error = NULL;
      const char *row[3];
      gboolean written;

      if (result->error != NULL)
        {
          item->error = g_steal_pointer (&result->error);
          close (fds[j]);
          remove_file (run, item);
          continue;
        }
      item->serial = g_strdup (scm_certificate_get_serial (result->certificate));
      /* After a failed row the passwords file is useless: no more files. */
      written = csv_error == NULL && write_all (fds[j], result->pkcs12, &write_error);
      if (close (fds[j]) != 0 && written)
        {
          int saved_errno = errno;

          g_set_error (&write_error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("Could not write the PKCS#12 file: %s"), g_strerror (saved_errno));
          written = FALSE;
        }

      /* The row only once its file is complete. */
      row[0] = item->email;
      row[1] = item->file;
      row[2] = g_ptr_array_index (passwords, j);
      if (written && !scm_csv_writer_write_row (run->csv, row, 3, NULL, &csv_error))
        written = FALSE;

      if (!written)
        discard (run, item, write_error != NULL ? write_error : csv_error);
    }
  if (csv_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&csv_error));
      return FALSE;
    }
  return scm_csv_writer_flush (run->csv, NULL, error);
}

static void
unref_person (gpointer person)
{
  if (person != NULL)
    g_object_unref (person);
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->persons, g_ptr_array_unref);
  g_clear_pointer (&run->names, g_hash_table_unref);
  g_clear_object (&run->csv);
}

static gboolean
any_file_written (GPtrArray *items)
{
  for (guint i = 0; i < items->len; i++)
    if (((ScmBulkIssueItem *) g_ptr_array_index (items, i))->file != NULL)
      return TRUE;
  return FALSE;
}

static GOutputStream *
create_passwords_file (const char *path,
                       GError    **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) local_error = NULL;
  GFileOutputStream *stream;

  stream = g_file_create (file, G_FILE_CREATE_PRIVATE, NULL, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                     _("%s already exists: the folder holds an earlier bulk issuance; choose "
                       "an empty folder"), path);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return G_OUTPUT_STREAM (stream);
}

ScmBulkIssueSummary *
scm_bulk_issue_run (ScmAuthority              *authority,
                    const ScmBulkIssueOptions *options,
                    GPtrArray                 *items,
                    ScmBulkIssueProgressFunc   progress,
                    gpointer                   user_data,
                    GCancellable              *cancellable,
                    GError                   **error)
{
  g_autoptr(ScmBulkIssueSummary) summary = g_new0 (ScmBulkIssueSummary, 1);
  g_autoptr(GOutputStream) stream = NULL;
  g_auto(GStrv) header = NULL;
  Run run = { 0 };
  guint done = 0;

  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (options != NULL && SCM_IS_ACCOUNT (options->account)
                        && SCM_IS_PROFILE (options->profile) && options->out_dir != NULL, NULL);
  g_return_val_if_fail (items != NULL, NULL);

  summary->items = items;
  if (!check_options (options, error))
    return NULL;

  summary->passwords_path = g_build_filename (options->out_dir, SCM_BULK_ISSUE_PASSWORDS_FILE, NULL);
  stream = create_passwords_file (summary->passwords_path, error);
  if (stream == NULL)
    return NULL;

  run.authority = authority;
  run.options = options;
  run.items = items;
  run.persons = g_ptr_array_new_with_free_func (unref_person);
  run.names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.csv = scm_csv_writer_new (stream);
  run.summary = summary;

  {
    const char *titles[] = { "Email", "File", "Password" };

    if (!scm_csv_writer_write_row (run.csv, titles, 3, NULL, error)
        || !resolve_persons (&run, error))
      goto failed;
  }

  while (done < items->len)
    {
      guint end = MIN (done + BATCH_SIZE, items->len);

      if (g_cancellable_is_cancelled (cancellable))
        break;
      if (!run_batch (&run, done, end, cancellable, error))
        goto failed;
      done = end;
      if (progress != NULL)
        {
          guint issued = 0;

          for (guint i = 0; i < done; i++)
            issued += ((ScmBulkIssueItem *) g_ptr_array_index (items, i))->serial != NULL
                      && ((ScmBulkIssueItem *) g_ptr_array_index (items, i))->error == NULL;
          progress (done, items->len, issued, user_data);
        }
    }
  summary->cancelled = g_cancellable_is_cancelled (cancellable);

  for (guint i = 0; i < items->len; i++)
    {
      ScmBulkIssueItem *item = g_ptr_array_index (items, i);

      if (item->error == NULL && item->file == NULL)
        g_set_error_literal (&item->error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("Cancelled before this person’s turn; nothing was issued"));
      if (item->error == NULL)
        summary->n_issued++;
      else
        summary->n_failed++;
    }

  /* A run cancelled before its first batch has only the header buffered. */
  if (!scm_csv_writer_flush (run.csv, NULL, error)
      || !g_output_stream_close (stream, NULL, error))
    {
      run_clear (&run);
      return NULL;
    }
  run_clear (&run);
  return g_steal_pointer (&summary);

failed:
  /* Best effort: the rows of files already written stay listed. */
  scm_csv_writer_flush (run.csv, NULL, NULL);
  run_clear (&run);
  /* Nothing written yet: leave the folder as it was. */
  if (!any_file_written (items))
    {
      g_output_stream_close (stream, NULL, NULL);
      g_unlink (summary->passwords_path);
    }
  return NULL;
}

/* Asynchronous ------------------------------------------------------------------------------ */

typedef struct
{
  ScmAuthority *authority;
  ScmBulkIssueOptions options;
  char *out_dir;
  GPtrArray *items;
  GMainContext *context;
  ScmBulkIssueProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_data_free;
} AsyncRun;

static void
async_run_free (AsyncRun *data)
{
  g_clear_object (&data->authority);
  g_clear_object (&data->options.account);
  g_clear_object (&data->options.profile);
  g_free (data->out_dir);
  g_clear_pointer (&data->items, g_ptr_array_unref);
  g_main_context_unref (data->context);
  if (data->progress_data_free != NULL)
    data->progress_data_free (data->progress_data);
  g_free (data);
}

typedef struct
{
  AsyncRun *run;
  GTask *task;    /* keeps the run alive until the report is shown */
  guint done;
  guint total;
  guint issued;
} ProgressReport;

static gboolean
report_progress_cb (gpointer user_data)
{
  ProgressReport *report = user_data;

  report->run->progress (report->done, report->total, report->issued, report->run->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_report_free (ProgressReport *report)
{
  g_object_unref (report->task);
  g_free (report);
}

static void
forward_progress (guint    done,
                  guint    total,
                  guint    issued,
                  gpointer user_data)
{
  GTask *task = user_data;
  AsyncRun *run = g_task_get_task_data (task);
  ProgressReport *report = g_new0 (ProgressReport, 1);

  report->run = run;
  report->task = g_object_ref (task);
  report->done = done;
  report->total = total;
  report->issued = issued;
  g_main_context_invoke_full (run->context, G_PRIORITY_DEFAULT, report_progress_cb, report,
                              (GDestroyNotify) progress_report_free);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  AsyncRun *run = task_data;
  GError *error = NULL;
  ScmBulkIssueSummary *summary;

  summary = scm_bulk_issue_run (run->authority, &run->options, g_steal_pointer (&run->items),
                                run->progress != NULL ? forward_progress : NULL, task,
                                cancellable, &error);
  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify) scm_bulk_issue_summary_free);
}

void
scm_bulk_issue_run_async (ScmAuthority              *authority,
                          const ScmBulkIssueOptions *options,
                          GPtrArray                 *items,
                          ScmBulkIssueProgressFunc   progress,
                          gpointer                   progress_data,
                          GDestroyNotify             progress_data_free,
                          GCancellable              *cancellable,
                          GAsyncReadyCallback        callback,
                          gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncRun *run;

  g_return_if_fail (SCM_IS_AUTHORITY (authority));
  g_return_if_fail (options != NULL && SCM_IS_ACCOUNT (options->account)
                    && SCM_IS_PROFILE (options->profile) && options->out_dir != NULL);
  g_return_if_fail (items != NULL);

  run = g_new0 (AsyncRun, 1);
  run->authority = g_object_ref (authority);
  run->options = *options;
  g_object_ref (run->options.account);
  g_object_ref (run->options.profile);
  run->out_dir = g_strdup (options->out_dir);
  run->options.out_dir = run->out_dir;
  run->items = items;
  run->context = g_main_context_ref_thread_default ();
  run->progress = progress;
  run->progress_data = progress_data;
  run->progress_data_free = progress_data_free;

  task = g_task_new (authority, cancellable, callback, user_data);
  g_task_set_source_tag (task, scm_bulk_issue_run_async);
  g_task_set_task_data (task, run, (GDestroyNotify) async_run_free);
  /* A cancelled run still returns its summary: what was issued before
   * stays valid, and the caller must see it. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

ScmBulkIssueSummary *
scm_bulk_issue_run_finish (GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == scm_bulk_issue_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
