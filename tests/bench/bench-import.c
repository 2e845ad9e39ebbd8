/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "scm-domain.h"
#include "scm-organization.h"
#include "scm-person-import.h"
#include "scm-store.h"

/* CSV import speed: N persons validated and imported in one transaction
 * (every row checked, delegation looked up, audit events, the persons'
 * indexes kept current), beside the sqlite3 shell's ".import --csv" of
 * the same file in the same run, into a WAL table with a UNIQUE index on
 * the email (the least any person store needs) and into a plain table.
 * Usage: bench-import [N] */

static double
now_seconds (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

static void
check (gboolean    ok,
       GError     *error,
       const char *what)
{
  if (!ok)
    {
      g_printerr ("bench-import: %s: %s\n", what, error ? error->message : "failed");
      exit (1);
    }
}

static long
max_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static void
write_csv (const char *path,
           guint       n)
{
  g_autoptr (GString) csv = g_string_new ("First Name,Last Name,Email,Organization,Department,"
                                          "Phone,Validation Type\r\n");
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "Given%u,Family%u,person%u@bench.example,Bench Inc.,,"
                            "+1 555 %07u,standard\r\n", i, i, i, i);
  check (g_file_set_contents (path, csv->str, csv->len, &error), error, "CSV file");
}

static ScmStore *
new_store (const char *dir,
           const char *name)
{
  g_autofree char *data_dir = g_build_filename (dir, name, NULL);
  g_autoptr (ScmOrganization) organization = scm_organization_new ();
  g_autoptr (ScmDomain) domain = scm_domain_new ();
  GError *error = NULL;
  ScmStore *store = scm_store_open (data_dir, &error);

  check (store != NULL, error, "store");
  scm_organization_set_name (organization, "Bench Inc.");
  check (scm_store_create_organization (store, organization, &error), error, "organization");
  scm_domain_set_name (domain, "bench.example");
  scm_domain_set_organization_id (domain, scm_organization_get_id (organization));
  check (scm_store_create_domain (store, domain, &error), error, "domain");
  check (scm_store_set_domain_validated (store, domain, TRUE, &error), error, "validate");
  return store;
}

/* Seconds for one import into a new data directory. */
static double
run_import (const char *dir,
            const char *name,
            const char *csv_path,
            gboolean    secret_ids,
            gboolean    dry_run,
            guint       n)
{
  g_autoptr (ScmStore) store = new_store (dir, name);
  g_autoptr (ScmPersonImport) import = scm_person_import_new (store);
  g_autoptr (GFile) file = g_file_new_for_path (csv_path);
  g_autoptr (GFileInputStream) stream = NULL;
  GError *error = NULL;
  double start, seconds;
  guint expected_created = dry_run ? n : n;

  scm_person_import_set_generate_secret_ids (import, secret_ids);
  scm_person_import_set_dry_run (import, dry_run);

  start = now_seconds ();
  stream = g_file_read (file, NULL, &error);
  check (stream != NULL, error, "open");
  check (scm_person_import_run (import, G_INPUT_STREAM (stream), NULL, &error), error, "import");
  seconds = now_seconds () - start;

  if (scm_person_import_get_n_created (import) != expected_created
      || scm_person_import_get_committed (import) == dry_run
      || (secret_ids && !dry_run && scm_person_import_get_n_secret_ids (import) != n))
    {
      g_printerr ("bench-import: expected %u persons, created %u, failed %u\n", n,
                  scm_person_import_get_n_created (import),
                  scm_person_import_get_n_failed (import));
      exit (1);
    }
  if (!dry_run && scm_store_count_persons (store, 0) != n)
    {
      g_printerr ("bench-import: the store has %" G_GINT64_FORMAT " persons, not %u\n",
                  scm_store_count_persons (store, 0), n);
      exit (1);
    }
  return seconds;
}

/* Seconds for the sqlite3 shell's .import of the same file. */
static double
run_sqlite3 (const char *dir,
             const char *name,
             const char *csv_path,
             gboolean    unique_index)
{
  g_autofree char *db = g_build_filename (dir, name, NULL);
  g_autofree char *import = g_strdup_printf (".import --csv --skip 1 %s persons", csv_path);
  const char *argv[] = {
    "sqlite3", db,
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "CREATE TABLE persons (first_name TEXT, last_name TEXT, email TEXT, organization TEXT,"
    " department TEXT, phone TEXT, validation_type TEXT)",
    unique_index ? "CREATE UNIQUE INDEX persons_email ON persons (email)" : "SELECT 1",
    import,
    NULL
  };
  g_autofree char *err = NULL;
  GError *error = NULL;
  int status;
  double start = now_seconds ();

  check (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH
                       | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error),
         error, "sqlite3");
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_printerr ("bench-import: sqlite3 failed: %s\n", err);
      exit (1);
    }
  return now_seconds () - start;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("scm-bench-import-XXXXXX", &error);
  g_autofree char *csv_path = NULL;
  g_autofree char *sqlite3_path = g_find_program_in_path ("sqlite3");
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  double reference = 0, plain = 0, import, import_secrets, dry_run;
  long rss_before, rss_after;

  check (dir != NULL, error, "temporary directory");
  csv_path = g_build_filename (dir, "persons.csv", NULL);
  write_csv (csv_path, n);

  if (sqlite3_path != NULL)
    {
      reference = run_sqlite3 (dir, "reference.db", csv_path, TRUE);
      plain = run_sqlite3 (dir, "plain.db", csv_path, FALSE);
    }

  rss_before = max_rss_kib ();
  import = run_import (dir, "data-plain", csv_path, FALSE, FALSE, n);
  rss_after = max_rss_kib ();
  import_secrets = run_import (dir, "data-secrets", csv_path, TRUE, FALSE, n);
  dry_run = run_import (dir, "data-dry", csv_path, FALSE, TRUE, n);

  g_print ("CSV import of %u persons (one transaction, every row validated):\n", n);
  if (sqlite3_path != NULL)
    {
      g_print ("  sqlite3 .import --csv, WAL, UNIQUE email index: %7.3f s\n", reference);
      g_print ("  sqlite3 .import --csv, WAL, plain table:        %7.3f s\n", plain);
    }
  else
    g_print ("  sqlite3 (package sqlite3) is not installed: no reference figure\n");
  g_print ("  ScmEnroll, validated and imported:               %7.3f s", import);
  if (reference > 0)
    g_print ("  (%.2fx the UNIQUE-index reference)", import / reference);
  g_print ("\n");
  g_print ("  ScmEnroll, the same with a Secret ID generated:  %7.3f s", import_secrets);
  if (reference > 0)
    g_print ("  (%.2fx)", import_secrets / reference);
  g_print ("\n");
  g_print ("  ScmEnroll, dry run (validate, write, roll back): %7.3f s\n", dry_run);
  g_print ("  peak memory growth during the first import: %ld KiB (%.0f bytes per row)\n",
           rss_after - rss_before, (rss_after - rss_before) * 1024.0 / MAX (n, 1));

  remove_tree (dir);
  return 0;
}
