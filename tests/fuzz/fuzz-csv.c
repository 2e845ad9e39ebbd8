/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>

#include "scm-csv-reader.h"
#include "scm-person-import.h"
#include "scm-store.h"
#include "scm-test-util.h"

/* Fuzz target for the CSV reader and the row validation of the person
 * import. Built normally, main() replays every file of a corpus directory
 * as a test case (the "fuzz-csv" test); built with -DSCM_FUZZ_LIBFUZZER and
 * clang's -fsanitize=fuzzer (configure with CC=clang), libFuzzer drives
 * LLVMFuzzerTestOneInput() and grows the corpus:
 *   fuzz-csv tests/fuzz/corpus/csv */

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static char *store_dir;
static ScmStore *store;

static void
remove_store (void)
{
  g_clear_object (&store);
  if (store_dir != NULL)
    scm_test_remove_tree (store_dir);
  g_clear_pointer (&store_dir, g_free);
}

/* One store for the whole run: Acme with Sales, example.org delegated and
 * validated; nothing is ever committed to it. */
static ScmStore *
get_store (void)
{
  g_autoptr (ScmOrganization) organization = NULL;
  g_autoptr (ScmDepartment) department = NULL;
  g_autoptr (ScmDomain) domain = NULL;
  g_autofree char *data_dir = NULL;
  GError *error = NULL;

  if (store != NULL)
    return store;

  store_dir = scm_test_make_tmp_dir ("scm-fuzz-csv-XXXXXX");
  data_dir = g_build_filename (store_dir, "data", NULL);
  store = scm_store_open (data_dir, &error);
  g_assert_no_error (error);
  atexit (remove_store);

  organization = scm_organization_new ();
  scm_organization_set_name (organization, "Acme");
  g_assert_true (scm_store_create_organization (store, organization, &error));
  department = scm_department_new ();
  scm_department_set_name (department, "Sales");
  scm_department_set_organization_id (department, scm_organization_get_id (organization));
  g_assert_true (scm_store_create_department (store, department, &error));
  domain = scm_domain_new ();
  scm_domain_set_name (domain, "example.org");
  scm_domain_set_organization_id (domain, scm_organization_get_id (organization));
  g_assert_true (scm_store_create_domain (store, domain, &error));
  g_assert_true (scm_store_set_domain_validated (store, domain, TRUE, &error));
  g_assert_no_error (error);
  return store;
}

/* Reads every record the reader can, checking what it promises. */
static void
read_all (const guint8 *data,
          size_t        size,
          gsize         max_field_size,
          guint         max_fields)
{
  g_autoptr (GInputStream) stream = g_memory_input_stream_new_from_data (data, size, NULL);
  g_autoptr (ScmCsvReader) reader = scm_csv_reader_new (stream);
  guint last_line = 0;

  scm_csv_reader_set_max_field_size (reader, max_field_size);
  scm_csv_reader_set_max_fields (reader, max_fields);

  for (;;)
    {
      g_autoptr (GError) error = NULL;

      if (!scm_csv_reader_next (reader, NULL, &error))
        {
          if (error == NULL)
            break;
          g_assert_true (error->domain == SCM_CSV_ERROR);
          g_assert_cmpuint (scm_csv_reader_get_error_line (reader), >=, 1);
          g_assert_cmpuint (scm_csv_reader_get_error_column (reader), <=, max_fields + 1);
          if (!scm_csv_reader_can_continue (reader))
            break;
          continue;
        }

      g_assert_cmpuint (scm_csv_reader_get_line (reader), >, last_line);
      last_line = scm_csv_reader_get_line (reader);
      g_assert_cmpuint (scm_csv_reader_get_n_fields (reader), >=, 1);
      g_assert_cmpuint (scm_csv_reader_get_n_fields (reader), <=, max_fields);
      for (guint i = 0; i < scm_csv_reader_get_n_fields (reader); i++)
        {
          const char *field = scm_csv_reader_get_field (reader, i);
          gsize length = scm_csv_reader_get_field_length (reader, i);

          g_assert_cmpuint (length, ==, strlen (field));
          g_assert_cmpuint (length, <=, max_field_size);
          g_assert_true (g_utf8_validate (field, length, NULL));
        }
    }
  g_assert_cmpuint (scm_csv_reader_get_bytes_read (reader), <=, size);
}

/* The whole validation of a dry run: a report, and the store unchanged. */
static void
import_dry_run (const guint8 *data,
                size_t        size)
{
  g_autoptr (GInputStream) stream = g_memory_input_stream_new_from_data (data, size, NULL);
  g_autoptr (ScmPersonImport) import = scm_person_import_new (get_store ());
  g_autoptr (GError) error = NULL;

  scm_person_import_set_dry_run (import, TRUE);
  scm_person_import_set_default_organization (import, "Acme");
  scm_person_import_set_mode (import, size % 2 ? SCM_PERSON_IMPORT_VALID_ONLY
                                               : SCM_PERSON_IMPORT_ALL_OR_NOTHING);

  if (scm_person_import_run (import, stream, NULL, &error))
    {
      guint rows = scm_person_import_get_n_rows (import);

      g_assert_no_error (error);
      g_assert_false (scm_person_import_get_committed (import));
      g_assert_cmpuint (scm_person_import_get_n_created (import)
                        + scm_person_import_get_n_updated (import)
                        + scm_person_import_get_n_skipped (import)
                        + scm_person_import_get_n_failed (import), ==, rows);
      for (guint i = 0; i < scm_person_import_get_n_problems (import); i++)
        {
          const ScmPersonImportProblem *problem = scm_person_import_get_problem (import, i);

          g_assert_cmpuint (problem->line, >=, 2);
          g_assert_true (g_utf8_validate (problem->message, -1, NULL));
        }
    }
  else
    g_assert_nonnull (error);

  g_assert_false (scm_store_in_transaction (store));
  g_assert_cmpint (scm_store_count_persons (store, 0), ==, 0);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  read_all (data, size, SCM_CSV_DEFAULT_MAX_FIELD_SIZE, SCM_CSV_DEFAULT_MAX_FIELDS);
  /* Small limits reach the paths that skip the rest of a bad record. */
  read_all (data, size, 8, 3);
  import_dry_run (data, size);
  return 0;
}

#ifndef SCM_FUZZ_LIBFUZZER

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

static void
replay (gconstpointer path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  LLVMFuzzerTestOneInput ((const guint8 *) contents, length);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_test_init (&argc, &argv, NULL);
  if (argc != 2)
    g_error ("usage: %s [test options] CORPUS-DIRECTORY", argv[0]);

  dir = g_dir_open (argv[1], 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_assert_cmpuint (names->len, >, 0);
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      char *path = g_build_filename (argv[1], g_ptr_array_index (names, i), NULL);
      g_autofree char *test_path = g_strdup_printf ("/fuzz/csv/%s",
                                                    (char *) g_ptr_array_index (names, i));

      g_ptr_array_add (paths, path);
      g_test_add_data_func (test_path, path, replay);
    }
  return g_test_run ();
}

#endif
