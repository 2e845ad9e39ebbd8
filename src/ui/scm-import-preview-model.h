/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-person-import.h"

G_BEGIN_DECLS

#define SCM_TYPE_IMPORT_PREVIEW_MODEL (scm_import_preview_model_get_type ())

/**
 * ScmImportPreviewModel:
 *
 * A #GListModel of #ScmImportPreviewRow over the rows of a finished
 * #ScmPersonImport run. Items are made when asked for, so a list view
 * over a file of 100,000 rows holds objects for the rows on screen only;
 * with errors-only set it lists the failed rows alone, without a filter
 * model visiting every row.
 */
G_DECLARE_FINAL_TYPE (ScmImportPreviewModel, scm_import_preview_model, SCM, IMPORT_PREVIEW_MODEL, GObject)

/* @import must have run and must not run again while the model lives. */
ScmImportPreviewModel *scm_import_preview_model_new             (ScmPersonImport       *import);

gboolean               scm_import_preview_model_get_errors_only (ScmImportPreviewModel *self);
void                   scm_import_preview_model_set_errors_only (ScmImportPreviewModel *self,
                                                                 gboolean               errors_only);

G_END_DECLS
