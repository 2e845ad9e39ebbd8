/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-account.h"
#include "scm-profile.h"
#include "scm-types.h"

G_BEGIN_DECLS

typedef struct _ScmAuthority ScmAuthority;

/* Bulk issuance (SCM's CSV enrollment): certificates with keys made here
 * for a list of persons, one PKCS#12 file per person with its own random
 * password, and the passwords in a CSV file beside them. */

/* The name of the passwords file in the output folder. */
#define SCM_BULK_ISSUE_PASSWORDS_FILE "passwords.csv"

/**
 * ScmBulkIssueItem:
 * @line: where the person came from: the CSV line, or the 1-based
 *   position in the list given
 * @email: the email as given (lower-cased), or the person's
 * @person_id: the person as given, or as found by @email (0: unknown)
 * @file: the PKCS#12 file's name in the folder, once it is written
 * @serial: the certificate's serial number, once it is issued
 * @error: why this person got no file, or NULL
 */
typedef struct
{
  guint line;
  char *email;
  gint64 person_id;
  char *file;
  char *serial;
  GError *error;
} ScmBulkIssueItem;

void       scm_bulk_issue_item_free         (ScmBulkIssueItem *item);

/* Items for @emails (NULL-terminated) or the persons with @ids. */
GPtrArray *scm_bulk_issue_items_from_emails (const char * const *emails);
GPtrArray *scm_bulk_issue_items_from_ids    (const gint64       *ids,
                                             guint               n_ids);
/* Items for a CSV of emails: the column titled Email (or E-mail, Email
 * Address), or the first column when the file has no title row. A row
 * the reader cannot read, or without an email, becomes an item with its
 * line and error set. Fails only when the file cannot be read at all. */
GPtrArray *scm_bulk_issue_items_from_csv    (GInputStream       *stream,
                                             GCancellable       *cancellable,
                                             GError            **error);

/**
 * ScmBulkIssueOptions:
 * @account: the account the certificates are issued under (its form,
 *   organization and department)
 * @profile: one of the account's profiles
 * @key_type: a key type the profile allows
 * @term_days: one of the profile's terms; 0 for its shortest
 * @protection: of the PKCS#12 files
 * @out_dir: an existing folder without a passwords file
 * @n_threads: threads for keys, signing and PKCS#12; 0 for one per processor
 */
typedef struct
{
  ScmAccount *account;
  ScmProfile *profile;
  ScmKeyType key_type;
  guint term_days;
  ScmPkcs12Protection protection;
  const char *out_dir;
  guint n_threads;
} ScmBulkIssueOptions;

/**
 * ScmBulkIssueSummary:
 * @items: (element-type ScmBulkIssueItem): every person, in input order
 * @n_issued: persons with a certificate and a file
 * @n_failed: persons without (@error says why)
 * @cancelled: the run was cancelled: items not reached say so; what was
 *   issued before stays valid and is listed with its file and password
 * @passwords_path: the passwords CSV (email, file, password), 0600,
 *   listing every file written
 */
typedef struct
{
  GPtrArray *items;
  guint n_issued;
  guint n_failed;
  gboolean cancelled;
  char *passwords_path;
} ScmBulkIssueSummary;

void scm_bulk_issue_summary_free (ScmBulkIssueSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmBulkIssueSummary, scm_bulk_issue_summary_free)

/* After each batch: persons done (issued or failed) of @total. */
typedef void (*ScmBulkIssueProgressFunc) (guint    done,
                                          guint    total,
                                          guint    issued,
                                          gpointer user_data);

/* Issues certificates to the persons of @items (taken: the summary owns
 * them) in batches over several threads (scm_authority_issue_many()),
 * writing each PKCS#12 file (0600, never replacing a file: a person whose
 * file name exists gets none) and its row of the passwords CSV as soon
 * as the batch is signed. Blocks: run it in a thread, or use the _async
 * variant. Fails, before anything is issued, when the options do not fit
 * (a profile the account does not offer, a key type or term the profile
 * does not allow, a folder that is missing or already has a passwords
 * file); then @items are freed. Otherwise returns the summary, cancelled
 * or not. */
ScmBulkIssueSummary *scm_bulk_issue_run        (ScmAuthority              *authority,
                                                const ScmBulkIssueOptions *options,
                                                GPtrArray                 *items,
                                                ScmBulkIssueProgressFunc   progress,
                                                gpointer                   user_data,
                                                GCancellable              *cancellable,
                                                GError                   **error);

/* The same in a worker thread; @progress is called in the thread-default
 * main context of the caller. @options is copied. */
void                 scm_bulk_issue_run_async  (ScmAuthority              *authority,
                                                const ScmBulkIssueOptions *options,
                                                GPtrArray                 *items,
                                                ScmBulkIssueProgressFunc   progress,
                                                gpointer                   progress_data,
                                                GDestroyNotify             progress_data_free,
                                                GCancellable              *cancellable,
                                                GAsyncReadyCallback        callback,
                                                gpointer                   user_data);
ScmBulkIssueSummary *scm_bulk_issue_run_finish (GAsyncResult              *result,
                                                GError                   **error);

/* The file name a PKCS#12 for @email gets: the address lower-cased with
 * every character other than letters, digits, "@", ".", "-", "_" and "+"
 * replaced by "_", then ".p12". */
char *scm_bulk_issue_file_name (const char *email);

G_END_DECLS
