/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SCM_TYPE_IMPORT_PREVIEW_ROW (scm_import_preview_row_get_type ())

/* One row of a CSV file as the import wizard's preview lists it: made on
 * demand by #ScmImportPreviewModel for the rows on screen only. */
G_DECLARE_FINAL_TYPE (ScmImportPreviewRow, scm_import_preview_row, SCM, IMPORT_PREVIEW_ROW, GObject)

ScmImportPreviewRow *scm_import_preview_row_new        (guint       line,
                                                        const char *email,
                                                        const char *status,
                                                        const char *reason,
                                                        gboolean    failed);

/* The line the row starts on in the file (1 is the header). */
guint                scm_import_preview_row_get_line   (ScmImportPreviewRow *self);
/* The email as written, or "" when the row has none. */
const char          *scm_import_preview_row_get_email  (ScmImportPreviewRow *self);
/* What happens to the row, for people: "New", "Update", "Skip", "Error". */
const char          *scm_import_preview_row_get_status (ScmImportPreviewRow *self);
/* Why the row fails (its problems, one per line), or "". */
const char          *scm_import_preview_row_get_reason (ScmImportPreviewRow *self);
gboolean             scm_import_preview_row_get_failed (ScmImportPreviewRow *self);

G_END_DECLS
