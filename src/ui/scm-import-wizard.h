/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-person-import.h"
#include "scm-store.h"

G_BEGIN_DECLS

#define SCM_TYPE_IMPORT_WIZARD (scm_import_wizard_get_type ())

/**
 * ScmImportWizard:
 *
 * Imports persons from a CSV file in five steps: choose the file, map its
 * columns to person fields (with default organization and department and
 * the choices for existing persons and rows with errors), validate and
 * preview every row, import with progress and Cancel, and a summary that
 * exports the generated Secret IDs and the error report.
 *
 * Reading, validating, importing and exporting run in worker threads
 * (#ScmPersonImport, the code scm-enrollctl import-persons runs too), so
 * the window stays responsive; closing the window cancels what runs, and
 * a cancelled import leaves the store unchanged.
 *
 * Emits #ScmImportWizard::imported after an import that changed the store.
 */
G_DECLARE_FINAL_TYPE (ScmImportWizard, scm_import_wizard, SCM, IMPORT_WIZARD, AdwWindow)

ScmImportWizard *scm_import_wizard_new               (GtkWindow       *parent,
                                                      ScmStore        *store);

/* The file to import, as if chosen in the file chooser: its header is
 * read in a thread and the wizard moves on to the columns. */
void             scm_import_wizard_set_file          (ScmImportWizard *self,
                                                      GFile           *file);
GFile           *scm_import_wizard_get_file          (ScmImportWizard *self);

/* "file", "mapping", "validating", "preview", "importing" or "summary". */
const char      *scm_import_wizard_get_step          (ScmImportWizard *self);
/* TRUE while a thread reads, validates, imports or exports. */
gboolean         scm_import_wizard_get_busy          (ScmImportWizard *self);

/* The finished import the summary shows, or NULL before one. */
ScmPersonImport *scm_import_wizard_get_result        (ScmImportWizard *self);

/* As if chosen in the summary's save dialogs: write the generated Secret
 * IDs (a new file, mode 0600, replacing @file) or the error report. */
void             scm_import_wizard_export_secret_ids (ScmImportWizard *self,
                                                      GFile           *file);
void             scm_import_wizard_export_report     (ScmImportWizard *self,
                                                      GFile           *file);

G_END_DECLS
