/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scm-list-page.h"

G_BEGIN_DECLS

#define SCM_TYPE_AUDIT_PAGE (scm_audit_page_get_type ())

/* The admin window's “Audit Log” page: the events newest first, narrowed
 * by form, by result and by the search text, and exported as CSV. */
G_DECLARE_FINAL_TYPE (ScmAuditPage, scm_audit_page, SCM, AUDIT_PAGE, ScmListPage)

typedef enum
{
  SCM_AUDIT_PAGE_RESULT_ANY,
  SCM_AUDIT_PAGE_RESULT_SUCCESS,
  SCM_AUDIT_PAGE_RESULT_FAILURE,
} ScmAuditPageResult;

/* The filters' controls, as the user sets them. */
GtkDropDown *scm_audit_page_get_form_filter   (ScmAuditPage        *self);
GtkDropDown *scm_audit_page_get_result_filter (ScmAuditPage        *self);

/* Writes the events the page shows, in its order, to @file as CSV (a
 * header row, then Sequence, Time, Actor, Action, Object, Result,
 * Message; cells a spreadsheet would run as formulas are escaped) in a
 * worker thread. The Export CSV… button uses it after its file chooser. */
void         scm_audit_page_export_csv        (ScmAuditPage        *self,
                                               GFile               *file,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
/* The number of events written, or -1 with @error. */
gssize       scm_audit_page_export_csv_finish (ScmAuditPage        *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
