/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"
#include "scm-bulk-issue.h"

G_BEGIN_DECLS

/* Issue Certificates… (SCM's CSV enrollment) for persons of the admin
 * window: account, profile, key type, protection and an output folder,
 * then a progress bar with Cancel, then a summary with the counts and
 * where the passwords file is. Emits ::issued (guint n_issued) when a run
 * ends, cancelled or not. Closing the dialog cancels a run. */

#define SCM_TYPE_BULK_ISSUE_DIALOG (scm_bulk_issue_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ScmBulkIssueDialog, scm_bulk_issue_dialog, SCM, BULK_ISSUE_DIALOG, AdwWindow)

ScmBulkIssueDialog        *scm_bulk_issue_dialog_new         (GtkWindow          *parent,
                                                              ScmAuthority       *authority,
                                                              const gint64       *person_ids,
                                                              guint               n_person_ids);
/* What the folder chooser does. */
void                       scm_bulk_issue_dialog_set_folder  (ScmBulkIssueDialog *self,
                                                              GFile              *folder);
/* "loading", "form", "progress" or "summary". */
const char                *scm_bulk_issue_dialog_get_state   (ScmBulkIssueDialog *self);
/* The last run's summary, or NULL. */
const ScmBulkIssueSummary *scm_bulk_issue_dialog_get_summary (ScmBulkIssueDialog *self);

G_END_DECLS
