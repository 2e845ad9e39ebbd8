/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-store.h"

G_BEGIN_DECLS

/* The person fields a CSV column can hold. */
typedef enum
{
  SCM_PERSON_FIELD_NONE,   /* a column that is not imported */
  SCM_PERSON_FIELD_FIRST_NAME,
  SCM_PERSON_FIELD_MIDDLE_NAME,
  SCM_PERSON_FIELD_LAST_NAME,
  SCM_PERSON_FIELD_EMAIL,
  SCM_PERSON_FIELD_ORGANIZATION,
  SCM_PERSON_FIELD_DEPARTMENT,
  SCM_PERSON_FIELD_DOMAIN,
  SCM_PERSON_FIELD_COMMON_NAME,
  SCM_PERSON_FIELD_VALIDATION_TYPE,
  SCM_PERSON_FIELD_SECRET_ID,
  SCM_PERSON_FIELD_PHONE,
  SCM_PERSON_FIELD_ALTERNATIVE_EMAILS,
  SCM_PERSON_FIELD_UPN,
  SCM_PERSON_FIELD_EPPN,
  SCM_PERSON_N_FIELDS
} ScmPersonField;

/* SCM's column title of @field ("First Name", "Email"…); "" for NONE. */
const char     *scm_person_field_get_title  (ScmPersonField field);
/* The field a header names: SCM's titles and common variants
 * ("first_name", "E-mail", "Surname"…), without regard to case, spaces,
 * hyphens and underscores; SCM_PERSON_FIELD_NONE when unknown. */
ScmPersonField  scm_person_field_from_title (const char *title);

typedef enum
{
  SCM_PERSON_IMPORT_ALL_OR_NOTHING,  /* any failed row: nothing is written */
  SCM_PERSON_IMPORT_VALID_ONLY,      /* the valid rows are written, the others reported */
} ScmPersonImportMode;

typedef enum
{
  SCM_PERSON_IMPORT_SKIP_EXISTING,   /* a row whose email exists is left alone */
  SCM_PERSON_IMPORT_UPDATE_EXISTING, /* …or replaces the person's fields that the file has */
} ScmPersonImportExisting;

/* What happened (or, in a dry run or a refused all-or-nothing import,
 * what would have happened) to one row. */
typedef enum
{
  SCM_PERSON_IMPORT_CREATED,
  SCM_PERSON_IMPORT_UPDATED,
  SCM_PERSON_IMPORT_SKIPPED,
  SCM_PERSON_IMPORT_FAILED,
} ScmPersonImportStatus;

/* One reason a row failed. @column is the column's title in the file (NULL
 * when the whole row is concerned); @email is the row's email as written
 * (may be NULL). */
typedef struct
{
  guint line;
  const char *column;
  const char *email;
  const char *message;
} ScmPersonImportProblem;

/* One row of the file, for a preview: its problems are the @n_problems
 * starting at index @first_problem. */
typedef struct
{
  guint line;
  ScmPersonImportStatus status;
  const char *email;
  guint first_problem;
  guint n_problems;
} ScmPersonImportRow;

typedef struct _ScmPersonImport ScmPersonImport;

/* Called on the importing thread about every thousand rows and at the end:
 * @bytes_read of the input so far (compare with the file's size) and the
 * rows seen. */
typedef void (*ScmPersonImportProgressFunc) (ScmPersonImport *import,
                                             guint64          bytes_read,
                                             guint            n_rows,
                                             gpointer         user_data);

#define SCM_TYPE_PERSON_IMPORT (scm_person_import_get_type ())

/**
 * ScmPersonImport:
 *
 * Imports persons from CSV (see #ScmCsvReader) into a store.
 *
 * The first line names the columns (scm_person_field_from_title());
 * unknown columns are ignored and listed. Every row is validated before
 * anything is kept: required fields, email syntax, a validated domain
 * delegated to the row's organization/department, the Domain column (when
 * present) matching it, duplicates in the file (any case) and in the store,
 * known organization and department, Secret ID strength and reuse, lengths
 * and control characters. Each problem names its line and column.
 *
 * scm_person_import_run() reads the file once, in a single transaction
 * (#ScmStorePersonBatch), and then commits — all rows or none, or only the
 * valid ones, as chosen — or rolls back for a dry run, on cancellation or
 * on any error, leaving the store unchanged. Secret IDs are generated for
 * persons left without one and can be exported once afterwards.
 *
 * Meant to run in a worker thread (it blocks, and holds the store for the
 * transaction), with a #GCancellable and a progress function; an object
 * serves one import.
 */
G_DECLARE_FINAL_TYPE (ScmPersonImport, scm_person_import, SCM, PERSON_IMPORT, GObject)

ScmPersonImport        *scm_person_import_new                     (ScmStore *store);

ScmStore               *scm_person_import_get_store               (ScmPersonImport *self);

/* For rows without an organization (or department) of their own. The
 * default department applies to rows of the default organization. */
const char             *scm_person_import_get_default_organization (ScmPersonImport *self);
void                    scm_person_import_set_default_organization (ScmPersonImport *self,
                                                                    const char      *name);
const char             *scm_person_import_get_default_department  (ScmPersonImport *self);
void                    scm_person_import_set_default_department  (ScmPersonImport *self,
                                                                   const char      *name);
ScmPersonImportMode     scm_person_import_get_mode                (ScmPersonImport *self);
void                    scm_person_import_set_mode                (ScmPersonImport     *self,
                                                                   ScmPersonImportMode  mode);
ScmPersonImportExisting scm_person_import_get_existing            (ScmPersonImport *self);
void                    scm_person_import_set_existing            (ScmPersonImport         *self,
                                                                   ScmPersonImportExisting  existing);
/* Validate and report as for real, then roll everything back. */
gboolean                scm_person_import_get_dry_run             (ScmPersonImport *self);
void                    scm_person_import_set_dry_run             (ScmPersonImport *self,
                                                                   gboolean         dry_run);
/* TRUE (the default): persons left without a Secret ID get a generated one. */
gboolean                scm_person_import_get_generate_secret_ids (ScmPersonImport *self);
void                    scm_person_import_set_generate_secret_ids (ScmPersonImport *self,
                                                                   gboolean         generate);
/* Names the input in audit events ("persons.csv"); NULL: "CSV import". */
const char             *scm_person_import_get_source_name         (ScmPersonImport *self);
void                    scm_person_import_set_source_name         (ScmPersonImport *self,
                                                                   const char      *name);

void                    scm_person_import_set_progress_func       (ScmPersonImport            *self,
                                                                   ScmPersonImportProgressFunc func,
                                                                   gpointer                    user_data,
                                                                   GDestroyNotify              destroy);

/* Column mapping (optional, for a mapping step): reads the header line
 * and up to @n_samples rows of @stream and detects each column's field.
 * scm_person_import_run() on a stream with the same header keeps the
 * mapping as changed with scm_person_import_set_column_field(). */
gboolean                scm_person_import_read_header             (ScmPersonImport *self,
                                                                   GInputStream    *stream,
                                                                   guint            n_samples,
                                                                   GCancellable    *cancellable,
                                                                   GError         **error);
guint                   scm_person_import_get_n_columns           (ScmPersonImport *self);
const char             *scm_person_import_get_column_title        (ScmPersonImport *self,
                                                                   guint            column);
ScmPersonField          scm_person_import_get_column_field        (ScmPersonImport *self,
                                                                   guint            column);
void                    scm_person_import_set_column_field        (ScmPersonImport *self,
                                                                   guint            column,
                                                                   ScmPersonField   field);
guint                   scm_person_import_get_n_samples           (ScmPersonImport *self);
/* The value of @column in sample row @row ("" when the row is shorter). */
const char             *scm_person_import_get_sample              (ScmPersonImport *self,
                                                                   guint            row,
                                                                   guint            column);

/* Reads, validates and imports @stream. FALSE with @error when the file
 * cannot be imported at all (unreadable, not UTF-8, a quote never closed,
 * no Email column…), on cancellation (G_IO_ERROR_CANCELLED) or on a
 * database failure: then the store is unchanged. TRUE otherwise, even when
 * rows failed: see the counts, the rows and the problems, and
 * scm_person_import_get_committed(). */
gboolean                scm_person_import_run                     (ScmPersonImport *self,
                                                                   GInputStream    *stream,
                                                                   GCancellable    *cancellable,
                                                                   GError         **error);

/* Results of scm_person_import_run(). */
gboolean                scm_person_import_get_committed           (ScmPersonImport *self);
guint                   scm_person_import_get_n_created           (ScmPersonImport *self);
guint                   scm_person_import_get_n_updated           (ScmPersonImport *self);
guint                   scm_person_import_get_n_skipped           (ScmPersonImport *self);
guint                   scm_person_import_get_n_failed            (ScmPersonImport *self);
guint                   scm_person_import_get_n_rows              (ScmPersonImport *self);
const ScmPersonImportRow *scm_person_import_get_row               (ScmPersonImport *self,
                                                                   guint            index);
guint                   scm_person_import_get_n_problems          (ScmPersonImport *self);
const ScmPersonImportProblem *scm_person_import_get_problem       (ScmPersonImport *self,
                                                                   guint            index);
/* Titles of the columns that were not imported (NULL-terminated). */
const char * const     *scm_person_import_get_ignored_columns     (ScmPersonImport *self);

/* Generated Secret IDs not exported yet (0 after the export). */
guint                   scm_person_import_get_n_secret_ids        (ScmPersonImport *self);
/* Writes the generated Secret IDs once, as CSV (Email, First Name, Last
 * Name, Secret ID), then forgets them: a second call is SCM_ERROR_NOT_FOUND. */
gboolean                scm_person_import_write_secret_ids        (ScmPersonImport *self,
                                                                   GOutputStream   *stream,
                                                                   GCancellable    *cancellable,
                                                                   GError         **error);
/* Writes the problems as CSV (Line, Column, Email, Problem). */
gboolean                scm_person_import_write_report            (ScmPersonImport *self,
                                                                   GOutputStream   *stream,
                                                                   GCancellable    *cancellable,
                                                                   GError         **error);

/* Export --------------------------------------------------------------------- */

/* Writes the persons who are not deleted as CSV with SCM's column titles
 * (the importer reads it back), formulas escaped. Secret IDs are never
 * exported: only their keyed hashes are stored. */
gboolean                scm_person_export_csv                     (ScmStore      *store,
                                                                   GOutputStream *stream,
                                                                   GCancellable  *cancellable,
                                                                   GError       **error);

G_END_DECLS
