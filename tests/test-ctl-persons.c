/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "scm-store.h"
#include "scm-test-util.h"

/* scm-enrollctl import-persons and export-persons as a script runs them:
 * the real binary, a real data directory, the exit codes and the report. */

typedef struct
{
  char *dir;
  char *data_dir;
} Fixture;

static int
ctl (Fixture    *f,
     char      **out,
     char      **err,
     const char *first,
     ...) G_GNUC_NULL_TERMINATED;

static int
ctl (Fixture    *f,
     char      **out,
     char      **err,
     const char *first,
     ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *data_dir_arg = g_strdup_printf ("--data-dir=%s", f->data_dir);
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("SCM_ENROLLCTL"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, data_dir_arg);
  g_ptr_array_add (argv, NULL);
  return scm_test_run ((const char *const *) argv->pdata, NULL, out, err);
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *err = NULL;

  f->dir = scm_test_make_tmp_dir ("scm-ctl-persons-XXXXXX");
  f->data_dir = g_build_filename (f->dir, "data", NULL);

  g_assert_cmpint (ctl (f, NULL, &err, "org", "add", "Acme", NULL), ==, 0);
  g_assert_cmpint (ctl (f, NULL, &err, "dept", "add", "Acme", "Sales", NULL), ==, 0);
  g_assert_cmpint (ctl (f, NULL, &err, "domain", "add", "example.org", "--org", "Acme", NULL),
                   ==, 0);
  g_assert_cmpint (ctl (f, NULL, &err, "domain", "validate", "example.org", "--org", "Acme",
                        NULL), ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  scm_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->data_dir);
}

static guint
count_persons (Fixture *f)
{
  g_autoptr (ScmStore) store = scm_store_open (f->data_dir, NULL);

  g_assert_nonnull (store);
  return (guint) scm_store_count_persons (store, 0);
}

static const char *mixed_csv =
  "\xEF\xBB\xBF" "First Name;Last Name;Email;Department;Notes\r\n"
  "Ada;Lovelace;ada@example.org;Sales;first\r\n"
  "Bob;Builder;bob@example.com;;\r\n"
  "Cy;Young;ADA@EXAMPLE.ORG;;\r\n"
  "Dee;Dee;dee@example.org;;\r\n";

static void
test_report (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *csv = write_file (f, "staff.csv", mixed_csv);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (GStrv) lines = NULL;

  /* All or nothing by default: rows failed, nothing imported, exit 1. */
  g_assert_cmpint (ctl (f, &out, &err, "import-persons", csv, "--org", "Acme", NULL), ==, 1);
  lines = g_strsplit (err, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[0], ==, "note: column “Notes” is not a person field and was ignored");
  g_assert_true (g_str_has_prefix (lines[1], "line 3, column Email: example.com is not a "
                                             "delegated domain of Acme"));
  g_assert_true (g_str_has_prefix (lines[2], "line 4, column Email: ada@example.org is already "
                                             "on line 2"));
  g_assert_cmpstr (lines[3], ==, "");
  g_assert_nonnull (strstr (out, "created 0, updated 0, skipped 0, failed 2\n"));
  g_assert_cmpuint (count_persons (f), ==, 0);
}

static void
test_valid_only (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *csv = write_file (f, "staff.csv", mixed_csv);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* The valid rows are imported; still exit 1, as rows failed. */
  g_assert_cmpint (ctl (f, &out, &err, "import-persons", csv, "--org", "Acme", "--valid-only",
                        NULL), ==, 1);
  g_assert_nonnull (strstr (out, "created 2, updated 0, skipped 0, failed 2\n"));
  g_assert_cmpuint (count_persons (f), ==, 2);
}

static void
test_dry_run_and_update (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *csv = write_file (f, "staff.csv",
                                     "Email,First Name,Last Name\n"
                                     "ada@example.org,Ada,Lovelace\n"
                                     "dee@example.org,Dee,Dee\n");
  g_autofree char *changed = write_file (f, "changed.csv",
                                         "Email,First Name,Last Name\n"
                                         "ada@example.org,Ada,King\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *list = NULL;

  g_assert_cmpint (ctl (f, &out, &err, "import-persons", csv, "--org", "Acme", "--dry-run",
                        NULL), ==, 0);
  g_assert_nonnull (strstr (out, "dry run"));
  g_assert_nonnull (strstr (out, "created 2, updated 0, skipped 0, failed 0"));
  g_assert_cmpuint (count_persons (f), ==, 0);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (ctl (f, &out, &err, "import-persons", csv, "--org", "Acme", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "created 2, updated 0, skipped 0, failed 0\n"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (ctl (f, &out, &err, "import-persons", changed, "--org", "Acme", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "created 0, updated 0, skipped 1, failed 0\n"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (ctl (f, &out, &err, "import-persons", changed, "--org", "Acme", "--update",
                        NULL), ==, 0);
  g_assert_nonnull (strstr (out, "created 0, updated 1, skipped 0, failed 0\n"));

  g_assert_cmpint (ctl (f, &list, &err, "list", "persons", NULL), ==, 0);
  g_assert_nonnull (strstr (list, "King"));
  g_assert_null (strstr (list, "Lovelace"));
}

static void
test_secret_ids_out (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *csv = write_file (f, "staff.csv",
                                     "Email,First Name,Last Name\n"
                                     "ada@example.org,Ada,Lovelace\n"
                                     "dee@example.org,Dee,Dee\n");
  g_autofree char *secrets = g_build_filename (f->dir, "secrets.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (ScmStore) store = NULL;
  GStatBuf st;

  g_assert_cmpint (ctl (f, &out, &err, "import-persons", csv, "--org", "Acme",
                        "--secret-ids-out", secrets, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "2 generated Secret IDs written to"));
  g_assert_cmpint (g_stat (secrets, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (g_file_get_contents (secrets, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\r\n", -1);
  g_assert_cmpstr (lines[0], ==, "Email,First Name,Last Name,Secret ID");
  store = scm_store_open (f->data_dir, NULL);
  for (guint i = 1; i <= 2; i++)
    {
      g_auto (GStrv) cells = g_strsplit (lines[i], ",", -1);
      g_assert_true (scm_store_verify_person_secret_id (store, cells[0], cells[3]));
    }
  g_clear_object (&store);

  /* The file is never replaced: refused before anything is imported. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl (f, &out, &err, "import-persons", csv, "--org", "Acme",
                        "--secret-ids-out", secrets, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already exists"));
}

static void
test_broken_file (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *csv = write_file (f, "broken.csv",
                                     "Email,First Name,Last Name\n"
                                     "ada@example.org,\"Ada,Lovelace\n");
  g_autofree char *no_email = write_file (f, "no-email.csv", "First Name,Last Name\nAda,L\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (ctl (f, &out, &err, "import-persons", csv, "--org", "Acme", "--valid-only",
                        NULL), ==, 1);
  g_assert_cmpstr (err, ==, "scm-enrollctl import-persons: Line 2, column First Name: The "
                            "quoted field that starts here is never closed; add the closing "
                            "quote (\").\n");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl (f, &out, &err, "import-persons", no_email, "--org", "Acme", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "no Email column"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl (f, &out, &err, "import-persons", "/nonexistent.csv", NULL), ==, 1);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl (f, &out, &err, "import-persons", csv, "--org", "Nowhere", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Nowhere"));
  g_assert_cmpuint (count_persons (f), ==, 0);
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (ctl (f, &out, &err, "import-persons", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl (f, &out, &err, "import-persons", "a.csv", "--dept", "Sales", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl (f, &out, &err, "export-persons", NULL), ==, 2);
}

static void
test_export (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *csv = write_file (f, "staff.csv",
                                     "Email,First Name,Last Name,Department,Phone\n"
                                     "ada@example.org,=Ada,Lovelace,Sales,+44 20 1815\n");
  g_autofree char *exported = g_build_filename (f->dir, "export.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  GStatBuf st;

  g_assert_cmpint (ctl (f, &out, &err, "import-persons", csv, "--org", "Acme", NULL), ==, 0);
  g_assert_cmpint (ctl (f, &out, &err, "export-persons", exported, NULL), ==, 0);
  g_assert_true (g_file_get_contents (exported, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==,
                   "First Name,Middle Name,Last Name,Email,Organization,Department,Domain,"
                   "Common Name,Validation Type,Phone,Alternative Emails,UPN,EPPN\r\n"
                   "'=Ada,,Lovelace,ada@example.org,Acme,Sales,example.org,'=Ada Lovelace,"
                   "standard,'+44 20 1815,,,\r\n");
  g_assert_cmpint (g_stat (exported, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);

  /* An existing file is not replaced. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (ctl (f, &out, &err, "export-persons", exported, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already exists"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/ctl/persons/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("report", test_report);
  ADD ("valid-only", test_valid_only);
  ADD ("dry-run-and-update", test_dry_run_and_update);
  ADD ("secret-ids-out", test_secret_ids_out);
  ADD ("broken-file", test_broken_file);
  ADD ("usage", test_usage);
  ADD ("export", test_export);

#undef ADD

  return g_test_run ();
}
