/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SCM_TYPE_CSV_WRITER (scm_csv_writer_get_type ())

/**
 * ScmCsvWriter:
 *
 * Writes RFC 4180 CSV to a #GOutputStream: fields quoted when they hold
 * the separator, a quote or a line break (quotes doubled), records ended
 * by CRLF, UTF-8.
 *
 * With escape-formulas (the default) a cell starting with = + - @, a tab
 * or a carriage return gets a leading single quote, so that no spreadsheet
 * runs it as a formula ("CSV injection"); the importer removes it again.
 */
G_DECLARE_FINAL_TYPE (ScmCsvWriter, scm_csv_writer, SCM, CSV_WRITER, GObject)

ScmCsvWriter *scm_csv_writer_new                  (GOutputStream *stream);

GOutputStream *scm_csv_writer_get_stream          (ScmCsvWriter  *self);

/* ',' (the default), ';' or '\t'. */
char          scm_csv_writer_get_separator        (ScmCsvWriter  *self);
void          scm_csv_writer_set_separator        (ScmCsvWriter  *self,
                                                   char           separator);
gboolean      scm_csv_writer_get_escape_formulas  (ScmCsvWriter  *self);
void          scm_csv_writer_set_escape_formulas  (ScmCsvWriter  *self,
                                                   gboolean       escape_formulas);

/* Writes one record of @n_fields fields (-1: @fields is NULL-terminated).
 * A NULL field is written empty. Output is buffered: call
 * scm_csv_writer_flush() at the end. */
gboolean      scm_csv_writer_write_row            (ScmCsvWriter       *self,
                                                   const char * const *fields,
                                                   gssize              n_fields,
                                                   GCancellable       *cancellable,
                                                   GError            **error);
gboolean      scm_csv_writer_flush                (ScmCsvWriter  *self,
                                                   GCancellable  *cancellable,
                                                   GError       **error);

/* @value as one CSV field (newly allocated): escaped and quoted as the
 * writer would write it with @separator. */
char         *scm_csv_format_field                (const char    *value,
                                                   char           separator,
                                                   gboolean       escape_formulas);

/* TRUE if a spreadsheet could read @value as a formula: it starts with
 * = + - @, a tab or a carriage return. */
gboolean      scm_csv_is_formula_like             (const char    *value);

G_END_DECLS
