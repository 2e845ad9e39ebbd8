/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "scm-csv-reader.h"
#include "scm-csv-writer.h"

/* The CSV reader and writer on files as spreadsheets and people write them. */

static ScmCsvReader *
reader_for (const char *data,
            gssize      len)
{
  g_autoptr (GInputStream) stream = NULL;

  if (len < 0)
    len = strlen (data);
  stream = g_memory_input_stream_new_from_data (g_memdup2 (data, len), len, g_free);
  return scm_csv_reader_new (stream);
}

/* Reads one record and checks its line and fields. */
static void
expect_record (ScmCsvReader *reader,
               guint         line,
               const char   *first,
               ...) G_GNUC_NULL_TERMINATED;

static void
expect_record (ScmCsvReader *reader,
               guint         line,
               const char   *first,
               ...)
{
  g_autoptr (GError) error = NULL;
  va_list args;
  guint i = 0;

  g_assert_true (scm_csv_reader_next (reader, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (scm_csv_reader_get_line (reader), ==, line);

  va_start (args, first);
  for (const char *field = first; field != NULL; field = va_arg (args, const char *), i++)
    {
      g_assert_cmpuint (i, <, scm_csv_reader_get_n_fields (reader));
      g_assert_cmpstr (scm_csv_reader_get_field (reader, i), ==, field);
      g_assert_cmpuint (scm_csv_reader_get_field_length (reader, i), ==, strlen (field));
    }
  va_end (args);
  g_assert_cmpuint (scm_csv_reader_get_n_fields (reader), ==, i);
}

static void
expect_end (ScmCsvReader *reader)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (scm_csv_reader_next (reader, NULL, &error));
  g_assert_no_error (error);
}

static void
expect_error (ScmCsvReader *reader,
              ScmCsvError   code,
              guint         line,
              guint         column,
              gboolean      can_continue)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (scm_csv_reader_next (reader, NULL, &error));
  g_assert_error (error, SCM_CSV_ERROR, (int) code);
  g_assert_cmpuint (scm_csv_reader_get_error_line (reader), ==, line);
  g_assert_cmpuint (scm_csv_reader_get_error_column (reader), ==, column);
  g_assert_cmpint (scm_csv_reader_can_continue (reader), ==, can_continue);
  /* A sentence a person can act on. */
  g_assert_cmpuint (strlen (error->message), >, 20);
}

static void
test_reader_comma (void)
{
  g_autoptr (ScmCsvReader) reader = reader_for ("Email,First Name\nada@example.org,Ada\n", -1);

  expect_record (reader, 1, "Email", "First Name", NULL);
  g_assert_cmpint (scm_csv_reader_get_separator (reader), ==, ',');
  expect_record (reader, 2, "ada@example.org", "Ada", NULL);
  expect_end (reader);
  /* The end stays the end. */
  expect_end (reader);
}

static void
test_reader_excel_semicolon_bom (void)
{
  /* Excel in a comma-decimal locale: BOM, semicolons, CRLF, commas inside. */
  g_autoptr (ScmCsvReader) reader =
    reader_for ("\xEF\xBB\xBF" "First Name;Last Name;Note\r\n"
                "Zoë;Müller;1,5\r\n"
                "Ada;Lovelace;\r\n", -1);

  expect_record (reader, 1, "First Name", "Last Name", "Note", NULL);
  g_assert_cmpint (scm_csv_reader_get_separator (reader), ==, ';');
  expect_record (reader, 2, "Zoë", "Müller", "1,5", NULL);
  expect_record (reader, 3, "Ada", "Lovelace", "", NULL);
  expect_end (reader);
}

static void
test_reader_tab_and_sep_line (void)
{
  g_autoptr (ScmCsvReader) tabs = reader_for ("a\tb,c\td\n1\t2,3\t4", -1);
  g_autoptr (ScmCsvReader) sep = reader_for ("sep=;\r\na;b,c\r\n1;2,3\r\n", -1);
  g_autoptr (ScmCsvReader) forced = reader_for ("a;b,c\n", -1);

  expect_record (tabs, 1, "a", "b,c", "d", NULL);
  expect_record (tabs, 2, "1", "2,3", "4", NULL);
  expect_end (tabs);

  /* Excel's "sep=" line names the separator and is not a record. */
  expect_record (sep, 2, "a", "b,c", NULL);
  expect_record (sep, 3, "1", "2,3", NULL);
  expect_end (sep);

  scm_csv_reader_set_separator (forced, ',');
  expect_record (forced, 1, "a;b", "c", NULL);
}

static void
test_reader_quoted (void)
{
  g_autoptr (ScmCsvReader) reader =
    reader_for ("name,note\r\n"
                "\"Smith, Jane\",\"said \"\"hi\"\"\"\r\n"
                "\"two\r\nlines\",\"three\nmore\nlines\"\r\n"
                "  \"spaced\"  ,x\r\n"
                "5\" screen,\"\"\r\n"
                "last,line\r\n", -1);

  expect_record (reader, 1, "name", "note", NULL);
  expect_record (reader, 2, "Smith, Jane", "said \"hi\"", NULL);
  expect_record (reader, 3, "two\r\nlines", "three\nmore\nlines", NULL);
  /* The line numbers count the line breaks inside quotes. */
  expect_record (reader, 7, "spaced", "x", NULL);
  expect_record (reader, 8, "5\" screen", "", NULL);
  expect_record (reader, 9, "last", "line", NULL);
  expect_end (reader);
}

static void
test_reader_line_ends (void)
{
  g_autoptr (ScmCsvReader) reader = reader_for ("a,b\rc,d\ne,f\r\ng,h", -1);

  expect_record (reader, 1, "a", "b", NULL);
  expect_record (reader, 2, "c", "d", NULL);
  expect_record (reader, 3, "e", "f", NULL);
  expect_record (reader, 4, "g", "h", NULL);
  expect_end (reader);
}

static void
test_reader_empty_lines (void)
{
  g_autoptr (ScmCsvReader) reader = reader_for ("a,b\r\n\r\nc,d\n\n\n\r\n", -1);
  g_autoptr (ScmCsvReader) empty = reader_for ("", 0);
  g_autoptr (ScmCsvReader) only_bom = reader_for ("\xEF\xBB\xBF\r\n\r\n", -1);

  expect_record (reader, 1, "a", "b", NULL);
  expect_record (reader, 3, "c", "d", NULL);
  expect_end (reader);
  expect_end (empty);
  expect_end (only_bom);
}

static void
test_reader_unterminated_quote (void)
{
  g_autoptr (ScmCsvReader) reader = reader_for ("a,b\n1,\"open\n2,3\n4,5\n", -1);

  expect_record (reader, 1, "a", "b", NULL);
  expect_error (reader, SCM_CSV_ERROR_UNTERMINATED_QUOTE, 2, 2, FALSE);
}

static void
test_reader_invalid_utf8 (void)
{
  /* Latin-1 "Müller", then a good record: reading goes on. */
  g_autoptr (ScmCsvReader) reader = reader_for ("a,b\nx,M\xFCller\ny,z\n", -1);

  expect_record (reader, 1, "a", "b", NULL);
  expect_error (reader, SCM_CSV_ERROR_ENCODING, 2, 2, TRUE);
  expect_record (reader, 3, "y", "z", NULL);
  expect_end (reader);
}

static void
test_reader_utf16 (void)
{
  g_autoptr (ScmCsvReader) reader = reader_for ("\xFF\xFE" "a\0,\0b\0", 8);

  expect_error (reader, SCM_CSV_ERROR_ENCODING, 1, 0, FALSE);
}

static void
test_reader_nul (void)
{
  static const char data[] = "a,b\nx,y\0z\n\"q\0\nstill quoted\",w\nok,1\n";
  g_autoptr (ScmCsvReader) reader = reader_for (data, sizeof data - 1);

  expect_record (reader, 1, "a", "b", NULL);
  expect_error (reader, SCM_CSV_ERROR_NUL, 2, 2, TRUE);
  /* The NUL inside quotes: the rest of the quoted field is skipped too. */
  expect_error (reader, SCM_CSV_ERROR_NUL, 3, 1, TRUE);
  expect_record (reader, 5, "ok", "1", NULL);
  expect_end (reader);
}

static void
test_reader_text_after_quote (void)
{
  g_autoptr (ScmCsvReader) reader = reader_for ("\"a\"b,c\n\"ok\" ,d\n", -1);

  expect_error (reader, SCM_CSV_ERROR_QUOTE, 1, 1, TRUE);
  expect_record (reader, 2, "ok", "d", NULL);
  expect_end (reader);
}

static void
test_reader_huge_field (void)
{
  g_autoptr (GString) data = g_string_new ("a,b\n1,");
  g_autoptr (ScmCsvReader) reader = NULL;
  g_autoptr (ScmCsvReader) quoted = NULL;

  /* 1 MB in one field, unquoted then quoted with line breaks. */
  for (guint i = 0; i < 1024 * 1024; i++)
    g_string_append_c (data, 'x');
  g_string_append (data, "\n\"");
  for (guint i = 0; i < 1024 * 1024; i++)
    g_string_append_c (data, i % 100 == 99 ? '\n' : 'y');
  g_string_append (data, "\",2\nlast,row\n");

  reader = reader_for (data->str, data->len);
  expect_record (reader, 1, "a", "b", NULL);
  expect_error (reader, SCM_CSV_ERROR_FIELD_TOO_LONG, 2, 2, TRUE);
  expect_error (reader, SCM_CSV_ERROR_FIELD_TOO_LONG, 3, 1, TRUE);
  /* 10,485 line breaks inside the skipped field are still counted. */
  expect_record (reader, 3 + 1024 * 1024 / 100 + 1, "last", "row", NULL);
  expect_end (reader);

  /* The limit is the reader's to choose. */
  quoted = reader_for ("abcdef,\"ghijkl\"\n", -1);
  scm_csv_reader_set_max_field_size (quoted, 6);
  expect_record (quoted, 1, "abcdef", "ghijkl", NULL);
  g_object_unref (quoted);
  quoted = reader_for ("abcdefg\n", -1);
  scm_csv_reader_set_max_field_size (quoted, 6);
  expect_error (quoted, SCM_CSV_ERROR_FIELD_TOO_LONG, 1, 1, TRUE);
}

static void
test_reader_too_many_fields (void)
{
  g_autoptr (ScmCsvReader) reader = reader_for ("a,b,c,\"d\ne\",f\n1,2\n", -1);

  scm_csv_reader_set_max_fields (reader, 3);
  expect_error (reader, SCM_CSV_ERROR_TOO_MANY_FIELDS, 1, 4, TRUE);
  expect_record (reader, 3, "1", "2", NULL);
  expect_end (reader);
}

/* A character split across two reads of the stream is not an error, and
 * the reader does not read the whole input ahead. */
static void
test_reader_streaming (void)
{
  g_autoptr (GString) data = g_string_new ("name\n");
  g_autoptr (ScmCsvReader) reader = NULL;
  guint rows = 0;

  while (data->len < 4 * 1024 * 1024)
    g_string_append (data, "Zoë Ångström ∑ 𝄞\n");

  reader = reader_for (data->str, data->len);
  expect_record (reader, 1, "name", NULL);
  g_assert_cmpuint (scm_csv_reader_get_bytes_read (reader), ==, 5);
  /* One chunk read from the stream, not the 4 MB. */
  g_assert_cmpint (g_seekable_tell (G_SEEKABLE (scm_csv_reader_get_stream (reader))), <=,
                   64 * 1024);
  for (;;)
    {
      g_autoptr (GError) error = NULL;

      if (!scm_csv_reader_next (reader, NULL, &error))
        {
          g_assert_no_error (error);
          break;
        }
      g_assert_cmpstr (scm_csv_reader_get_field (reader, 0), ==, "Zoë Ångström ∑ 𝄞");
      rows++;
      if (rows == 10)
        g_assert_cmpuint (scm_csv_reader_get_bytes_read (reader), <, 1024);
    }
  g_assert_cmpuint (scm_csv_reader_get_bytes_read (reader), ==, data->len);
  g_assert_cmpuint (rows, ==, (data->len - 5) / strlen ("Zoë Ångström ∑ 𝄞\n"));
}

static void
test_reader_cancel (void)
{
  g_autoptr (ScmCsvReader) reader = reader_for ("a\nb\n", -1);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (scm_csv_reader_next (reader, cancellable, &error));
  g_cancellable_cancel (cancellable);
  g_assert_false (scm_csv_reader_next (reader, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static char *
write_rows (char                  separator,
            gboolean              escape,
            const char * const   *rows[],
            gsize                 n_rows)
{
  g_autoptr (GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr (ScmCsvWriter) writer = scm_csv_writer_new (stream);
  g_autoptr (GError) error = NULL;

  scm_csv_writer_set_separator (writer, separator);
  scm_csv_writer_set_escape_formulas (writer, escape);
  for (gsize i = 0; i < n_rows; i++)
    g_assert_true (scm_csv_writer_write_row (writer, rows[i], -1, NULL, &error));
  g_assert_true (scm_csv_writer_flush (writer, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (stream, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (stream, NULL, NULL));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (stream));
}

static void
test_writer_quoting (void)
{
  const char * const header[] = { "Name", "Note", NULL };
  const char * const row1[] = { "Smith, Jane", "said \"hi\"", NULL };
  const char * const row2[] = { "two\nlines", "", NULL };
  const char * const row3[] = { "", NULL };
  const char * const *rows[] = { header, row1, row2, row3 };
  g_autofree char *text = write_rows (',', TRUE, rows, G_N_ELEMENTS (rows));
  g_autofree char *semicolons = write_rows (';', TRUE, rows, 2);

  g_assert_cmpstr (text, ==,
                   "Name,Note\r\n"
                   "\"Smith, Jane\",\"said \"\"hi\"\"\"\r\n"
                   "\"two\nlines\",\r\n"
                   "\"\"\r\n");
  g_assert_cmpstr (semicolons, ==, "Name;Note\r\nSmith, Jane;\"said \"\"hi\"\"\"\r\n");
}

static void
test_writer_formulas (void)
{
  const char * const cells[] = { "=HYPERLINK(\"http://x\")", "+1 555", "-2", "@SUM(A1)",
                                 "\tTab", "\rCR", "plain", "a=b", NULL };
  const char * const *rows[] = { cells };
  g_autofree char *escaped = write_rows (',', TRUE, rows, 1);
  g_autofree char *raw = write_rows (',', FALSE, rows, 1);

  g_assert_cmpstr (escaped, ==,
                   "\"'=HYPERLINK(\"\"http://x\"\")\",'+1 555,'-2,'@SUM(A1),'\tTab,\"'\rCR\","
                   "plain,a=b\r\n");
  g_assert_cmpstr (raw, ==,
                   "\"=HYPERLINK(\"\"http://x\"\")\",+1 555,-2,@SUM(A1),\tTab,\"\rCR\",plain,"
                   "a=b\r\n");
  for (guint i = 0; i < 6; i++)
    g_assert_true (scm_csv_is_formula_like (cells[i]));
  g_assert_false (scm_csv_is_formula_like ("plain"));
  g_assert_false (scm_csv_is_formula_like (""));
  g_assert_false (scm_csv_is_formula_like (NULL));
}

/* What the writer writes, the reader reads back. */
static void
test_round_trip (void)
{
  const char * const row[] = { "a,b", "\"q\"", "line\r\nbreak", "  spaces  ", "Zoë;x", "",
                               "\ttab", NULL };
  const char * const *rows[] = { row, row };
  const char separators[] = { ',', ';', '\t' };

  for (gsize s = 0; s < G_N_ELEMENTS (separators); s++)
    {
      g_autofree char *text = write_rows (separators[s], FALSE, rows, 2);
      g_autoptr (ScmCsvReader) reader = reader_for (text, -1);

      scm_csv_reader_set_separator (reader, separators[s]);
      for (guint r = 0; r < 2; r++)
        {
          g_assert_true (scm_csv_reader_next (reader, NULL, NULL));
          g_assert_cmpuint (scm_csv_reader_get_n_fields (reader), ==, g_strv_length ((char **) row));
          for (guint i = 0; row[i] != NULL; i++)
            {
              /* Unquoted spaces around a value are kept; so is a leading tab. */
              g_assert_cmpstr (scm_csv_reader_get_field (reader, i), ==, row[i]);
            }
        }
      expect_end (reader);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/csv/reader/comma", test_reader_comma);
  g_test_add_func ("/csv/reader/excel-semicolon-bom", test_reader_excel_semicolon_bom);
  g_test_add_func ("/csv/reader/tab-and-sep-line", test_reader_tab_and_sep_line);
  g_test_add_func ("/csv/reader/quoted", test_reader_quoted);
  g_test_add_func ("/csv/reader/line-ends", test_reader_line_ends);
  g_test_add_func ("/csv/reader/empty-lines", test_reader_empty_lines);
  g_test_add_func ("/csv/reader/unterminated-quote", test_reader_unterminated_quote);
  g_test_add_func ("/csv/reader/invalid-utf8", test_reader_invalid_utf8);
  g_test_add_func ("/csv/reader/utf16", test_reader_utf16);
  g_test_add_func ("/csv/reader/nul", test_reader_nul);
  g_test_add_func ("/csv/reader/text-after-quote", test_reader_text_after_quote);
  g_test_add_func ("/csv/reader/huge-field", test_reader_huge_field);
  g_test_add_func ("/csv/reader/too-many-fields", test_reader_too_many_fields);
  g_test_add_func ("/csv/reader/streaming", test_reader_streaming);
  g_test_add_func ("/csv/reader/cancel", test_reader_cancel);
  g_test_add_func ("/csv/writer/quoting", test_writer_quoting);
  g_test_add_func ("/csv/writer/formulas", test_writer_formulas);
  g_test_add_func ("/csv/round-trip", test_round_trip);

  return g_test_run ();
}
