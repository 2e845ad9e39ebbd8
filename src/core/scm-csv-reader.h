/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SCM_CSV_ERROR (scm_csv_error_quark ())

/**
 * ScmCsvError:
 * @SCM_CSV_ERROR_ENCODING: a field is not valid UTF-8, or the file is UTF-16
 * @SCM_CSV_ERROR_NUL: a field contains a NUL byte
 * @SCM_CSV_ERROR_QUOTE: text follows the closing quote of a quoted field
 * @SCM_CSV_ERROR_UNTERMINATED_QUOTE: a quoted field is never closed
 * @SCM_CSV_ERROR_FIELD_TOO_LONG: a field is longer than the reader's limit
 * @SCM_CSV_ERROR_TOO_MANY_FIELDS: a record has more fields than the limit
 *
 * Problems in the file. After _ENCODING, _NUL, _QUOTE, _FIELD_TOO_LONG and
 * _TOO_MANY_FIELDS the reader has skipped the bad record and can go on
 * (scm_csv_reader_can_continue()); after _UNTERMINATED_QUOTE, an I/O error
 * or a cancellation it cannot.
 */
typedef enum
{
  SCM_CSV_ERROR_ENCODING,
  SCM_CSV_ERROR_NUL,
  SCM_CSV_ERROR_QUOTE,
  SCM_CSV_ERROR_UNTERMINATED_QUOTE,
  SCM_CSV_ERROR_FIELD_TOO_LONG,
  SCM_CSV_ERROR_TOO_MANY_FIELDS,
} ScmCsvError;

GQuark scm_csv_error_quark (void);

/* Limits that keep one record's memory bounded whatever the file holds. */
#define SCM_CSV_DEFAULT_MAX_FIELD_SIZE 4096
#define SCM_CSV_DEFAULT_MAX_FIELDS     256

#define SCM_TYPE_CSV_READER (scm_csv_reader_get_type ())

/**
 * ScmCsvReader:
 *
 * Reads RFC 4180 CSV from a #GInputStream one record at a time, in chunks,
 * so a file of any size needs the memory of one record only.
 *
 * Accepts comma, semicolon or tab separators (detected from the first line
 * unless set, or given by an Excel "sep=;" first line), UTF-8 with or
 * without a byte order mark, quoted fields containing separators, doubled
 * quotes and line breaks, CRLF, LF or CR line ends. Empty lines are
 * skipped. Each record knows the line it starts on, for messages.
 *
 * Errors carry a reason only; scm_csv_reader_get_error_line() and
 * scm_csv_reader_get_error_column() say where.
 */
G_DECLARE_FINAL_TYPE (ScmCsvReader, scm_csv_reader, SCM, CSV_READER, GObject)

ScmCsvReader *scm_csv_reader_new                (GInputStream *stream);

GInputStream *scm_csv_reader_get_stream         (ScmCsvReader *self);

/* ',' ';' or '\t'; 0 (the default) detects it when the first record is
 * read. After that, the separator in use. */
char          scm_csv_reader_get_separator      (ScmCsvReader *self);
void          scm_csv_reader_set_separator      (ScmCsvReader *self,
                                                 char          separator);

gsize         scm_csv_reader_get_max_field_size (ScmCsvReader *self);
void          scm_csv_reader_set_max_field_size (ScmCsvReader *self,
                                                 gsize         max_field_size);
guint         scm_csv_reader_get_max_fields     (ScmCsvReader *self);
void          scm_csv_reader_set_max_fields     (ScmCsvReader *self,
                                                 guint         max_fields);

/* Reads the next record. TRUE when there is one; FALSE at the end of the
 * input (no error) or on a problem (@error set; see ScmCsvError). May
 * block: call it from a worker thread in a user interface. */
gboolean      scm_csv_reader_next               (ScmCsvReader *self,
                                                 GCancellable *cancellable,
                                                 GError      **error);

/* The current record: its fields (UTF-8, NUL-free, borrowed until the next
 * call to scm_csv_reader_next()) and the line it starts on (1-based). */
guint         scm_csv_reader_get_n_fields       (ScmCsvReader *self);
const char   *scm_csv_reader_get_field          (ScmCsvReader *self,
                                                 guint         index);
/* The length in bytes of the field @index. */
gsize         scm_csv_reader_get_field_length   (ScmCsvReader *self,
                                                 guint         index);
guint         scm_csv_reader_get_line           (ScmCsvReader *self);

/* Where the last problem is: its line and its field (1-based; 0 when the
 * problem is not in one field). */
guint         scm_csv_reader_get_error_line     (ScmCsvReader *self);
guint         scm_csv_reader_get_error_column   (ScmCsvReader *self);
/* FALSE after a problem that leaves the rest of the input unreadable. */
gboolean      scm_csv_reader_can_continue       (ScmCsvReader *self);

/* Bytes consumed from the stream so far, for progress. */
guint64       scm_csv_reader_get_bytes_read     (ScmCsvReader *self);

G_END_DECLS
