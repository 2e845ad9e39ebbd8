/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "scm-domain.h"
#include "scm-organization.h"
#include "scm-person-import.h"
#include "scm-store.h"

/* CSV import speed: N persons validated and imported in one transaction
 * (every row checked, delegation looked up, the persons' indexes kept
 * current, one audit event for the import), beside the sqlite3 shell's
 * ".import --csv" of the same file in the same run, into a WAL table with
 * a UNIQUE index on the email (the least any person store needs).
 *
 * The machine may be shared, so each figure is the best of a few runs,
 * in wall-clock and in CPU time (user + system, the sqlite3 shell's
 * counted as a child's). The memory figures come from child processes
 * that import N and 2N rows, each alone: their peak RSS shows what the
 * import keeps per row.
 *
 * Usage: bench-import [N]            (100,000 by default)
 *        bench-import --memory CSV   (one import; prints its peak RSS) */

#define RUNS 3
#define TARGET_RATIO 2.0

typedef struct
{
  double wall;
  double cpu;
} Timing;

static double
now_seconds (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

static double
cpu_seconds (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6
         + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static long
max_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
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

static void
keep_best (Timing *best,
           Timing  timing)
{
  if (best->wall == 0 || timing.wall < best->wall)
    best->wall = timing.wall;
  if (best->cpu == 0 || timing.cpu < best->cpu)
    best->cpu = timing.cpu;
}

static goffset
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
  return csv->len;
}

static ScmStore *
new_store (const char *data_dir)
{
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

/* One import into a new data directory, checked. */
static Timing
run_import (const char *data_dir,
            const char *csv_path,
            gboolean    secret_ids,
            gboolean    dry_run,
            guint       n)
{
  g_autoptr (ScmStore) store = new_store (data_dir);
  g_autoptr (ScmPersonImport) import = scm_person_import_new (store);
  g_autoptr (GFile) file = g_file_new_for_path (csv_path);
  g_autoptr (GFileInputStream) stream = NULL;
  GError *error = NULL;
  Timing timing;
  double start, start_cpu;

  scm_person_import_set_generate_secret_ids (import, secret_ids);
  scm_person_import_set_dry_run (import, dry_run);

  start = now_seconds ();
  start_cpu = cpu_seconds (RUSAGE_SELF);
  stream = g_file_read (file, NULL, &error);
  check (stream != NULL, error, "open");
  check (scm_person_import_run (import, G_INPUT_STREAM (stream), NULL, &error), error, "import");
  timing.wall = now_seconds () - start;
  timing.cpu = cpu_seconds (RUSAGE_SELF) - start_cpu;

  if (scm_person_import_get_n_created (import) != n
      || scm_person_import_get_committed (import) == dry_run
      || (secret_ids && !dry_run && scm_person_import_get_n_secret_ids (import) != n))
    {
      g_printerr ("bench-import: expected %u persons, created %u, failed %u\n", n,
                  scm_person_import_get_n_created (import),
                  scm_person_import_get_n_failed (import));
      exit (1);
    }
  if (scm_store_count_persons (store, 0) != (dry_run ? 0 : n))
    {
      g_printerr ("bench-import: the store has %" G_GINT64_FORMAT " persons\n",
                  scm_store_count_persons (store, 0));
      exit (1);
    }
  g_clear_object (&store);
  g_clear_object (&import);
  remove_tree (data_dir);
  return timing;
}

/* The sqlite3 shell's .import of the same file. */
static Timing
run_sqlite3 (const char *dir,
             const char *csv_path)
{
  g_autofree char *db = g_build_filename (dir, "reference.db", NULL);
  g_autofree char *import = g_strdup_printf (".import --csv --skip 1 %s persons", csv_path);
  const char *argv[] = {
    "sqlite3", db,
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "CREATE TABLE persons (first_name TEXT, last_name TEXT, email TEXT, organization TEXT,"
    " department TEXT, phone TEXT, validation_type TEXT)",
    "CREATE UNIQUE INDEX persons_email ON persons (email)",
    import,
    NULL
  };
  g_autofree char *err = NULL;
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  GError *error = NULL;
  Timing timing;
  int status;
  double start = now_seconds ();
  double start_cpu = cpu_seconds (RUSAGE_CHILDREN);

  check (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH
                       | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err, &status, &error),
         error, "sqlite3");
  timing.wall = now_seconds () - start;
  timing.cpu = cpu_seconds (RUSAGE_CHILDREN) - start_cpu;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_printerr ("bench-import: sqlite3 failed: %s\n", err);
      exit (1);
    }
  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
  return timing;
}

/* Child mode: one import of @csv_path with Secret IDs, as the wizard
 * runs it; prints the peak RSS before and after, in KiB. */
static int
measure_memory (const char *csv_path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("scm-bench-memory-XXXXXX", &error);
  g_autofree char *data_dir = NULL;
  g_autoptr (ScmStore) store = NULL;
  g_autoptr (ScmPersonImport) import = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (csv_path);
  g_autoptr (GFileInputStream) stream = NULL;
  long before;

  check (dir != NULL, error, "temporary directory");
  data_dir = g_build_filename (dir, "data", NULL);
  store = new_store (data_dir);
  import = scm_person_import_new (store);
  stream = g_file_read (file, NULL, &error);
  check (stream != NULL, error, "open");
  before = max_rss_kib ();
  check (scm_person_import_run (import, G_INPUT_STREAM (stream), NULL, &error), error, "import");
  g_print ("%ld %ld %u\n", before, max_rss_kib (), scm_person_import_get_n_created (import));
  g_clear_object (&import);
  g_clear_object (&store);
  remove_tree (dir);
  return 0;
}

typedef struct
{
  long before;
  long after;
} Memory;

static Memory
spawn_memory (const char *self_path,
              const char *csv_path,
              guint       n)
{
  const char *argv[] = { self_path, "--memory", csv_path, NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  GError *error = NULL;
  Memory memory = { 0 };
  guint created = 0;
  int status;

  check (g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, &error),
         error, "memory child");
  if (!g_spawn_check_wait_status (status, NULL)
      || sscanf (out, "%ld %ld %u", &memory.before, &memory.after, &created) != 3
      || created != n)
    {
      g_printerr ("bench-import: the memory child failed: %s%s\n", out, err);
      exit (1);
    }
  return memory;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *csv2_path = NULL;
  g_autofree char *self_path = NULL;
  g_autofree char *sqlite3_path = g_find_program_in_path ("sqlite3");
  guint n = 100000;
  Timing reference = { 0 }, plain = { 0 }, secrets = { 0 }, dry = { 0 };
  Memory memory1, memory2;
  goffset size1, size2;
  double ratio, cpu_ratio;

  if (argc == 3 && g_str_equal (argv[1], "--memory"))
    return measure_memory (argv[2]);
  if (argc > 1)
    n = (guint) atoi (argv[1]);

  dir = g_dir_make_tmp ("scm-bench-import-XXXXXX", &error);
  check (dir != NULL, error, "temporary directory");
  csv_path = g_build_filename (dir, "persons.csv", NULL);
  csv2_path = g_build_filename (dir, "persons-2x.csv", NULL);
  size1 = write_csv (csv_path, n);
  size2 = write_csv (csv2_path, 2 * n);

  /* Alternated, so that a busy moment of the machine hits both. */
  for (int i = 0; i < RUNS; i++)
    {
      g_autofree char *data_dir = g_build_filename (dir, "data", NULL);

      if (sqlite3_path != NULL)
        keep_best (&reference, run_sqlite3 (dir, csv_path));
      keep_best (&plain, run_import (data_dir, csv_path, FALSE, FALSE, n));
      keep_best (&secrets, run_import (data_dir, csv_path, TRUE, FALSE, n));
    }
  {
    g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
    keep_best (&dry, run_import (data_dir, csv_path, FALSE, TRUE, n));
  }

  self_path = g_file_read_link ("/proc/self/exe", NULL);
  if (self_path == NULL)
    self_path = g_strdup (argv[0]);
  memory1 = spawn_memory (self_path, csv_path, n);
  memory2 = spawn_memory (self_path, csv2_path, 2 * n);

  g_print ("CSV import of %u persons, best of %d runs (wall-clock / CPU):\n", n, RUNS);
  if (sqlite3_path != NULL)
    g_print ("  sqlite3 .import --csv, WAL, UNIQUE email index: %7.3f s / %7.3f s\n",
             reference.wall, reference.cpu);
  else
    g_print ("  sqlite3 (package sqlite3) is not installed: no reference figure\n");
  g_print ("  ScmEnroll, validated and imported:              %7.3f s / %7.3f s\n",
           plain.wall, plain.cpu);
  g_print ("  ScmEnroll, the same with Secret IDs generated:  %7.3f s / %7.3f s\n",
           secrets.wall, secrets.cpu);
  g_print ("  ScmEnroll, dry run (validate, write, roll back): %6.3f s / %7.3f s\n",
           dry.wall, dry.cpu);

  g_print ("Memory (peak RSS of a process importing with Secret IDs):\n");
  g_print ("  %7u rows (%5.1f MiB of CSV): %6.1f MiB before, %6.1f MiB at the peak, "
           "%4.0f bytes per row\n", n, size1 / 1048576.0, memory1.before / 1024.0,
           memory1.after / 1024.0, (memory1.after - memory1.before) * 1024.0 / n);
  g_print ("  %7u rows (%5.1f MiB of CSV): %6.1f MiB before, %6.1f MiB at the peak, "
           "%4.0f bytes per row\n", 2 * n, size2 / 1048576.0, memory2.before / 1024.0,
           memory2.after / 1024.0, (memory2.after - memory2.before) * 1024.0 / (2 * n));
  /* What twice the file costs: the rows' own data the import keeps for
   * the preview and the export (line, status, email, Secret ID), not
   * the file nor the database. */
  g_print ("  each further row: %.0f bytes (the CSV has %.0f bytes per row)\n",
           (memory2.after - memory1.after) * 1024.0 / n, (double) size1 / n);

  if (sqlite3_path != NULL)
    {
      ratio = plain.wall / reference.wall;
      cpu_ratio = plain.cpu / reference.cpu;
      g_print ("Ratio to sqlite3: %.2fx wall-clock, %.2fx CPU (with Secret IDs: %.2fx, %.2fx)\n",
               ratio, cpu_ratio, secrets.wall / reference.wall, secrets.cpu / reference.cpu);
      g_print ("Target (at most %.0fx the sqlite3 shell): %s\n", TARGET_RATIO,
               ratio <= TARGET_RATIO ? "met" : "NOT met");
    }

  remove_tree (dir);
  return 0;
}
