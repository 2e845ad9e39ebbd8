/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "scm-csv-writer.h"
#include "scm-error.h"
#include "scm-person-import.h"
#include "scm-secret.h"
#include "scm-store.h"
#include "scm-test-util.h"

/* The CSV import of persons on the files administrators produce, against a
 * real store: what ends up in the database, what the report says. */

typedef struct
{
  char *dir;
  ScmStore *store;
  gint64 acme;
  gint64 sales;
} Fixture;

static ScmStore *
open_store (const char *dir,
            const char *name,
            gint64     *acme,
            gint64     *sales)
{
  g_autofree char *data_dir = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmOrganization) organization = scm_organization_new ();
  g_autoptr (ScmOrganization) other = scm_organization_new ();
  g_autoptr (ScmDepartment) department = scm_department_new ();
  ScmStore *store = scm_store_open (data_dir, &error);
  struct
  {
    const char *name;
    ScmOrganization *organization;
    ScmDepartment *department;
    gboolean validated;
  } domains[] = {
    { "example.org", organization, NULL, TRUE },
    { "*.example.net", organization, NULL, TRUE },
    { "sales.example", organization, department, TRUE },
    { "pending.example", organization, NULL, FALSE },
    { "other.example", other, NULL, TRUE },
  };

  g_assert_no_error (error);
  scm_organization_set_name (organization, "Acme");
  g_assert_true (scm_store_create_organization (store, organization, &error));
  scm_organization_set_name (other, "Other Corp");
  g_assert_true (scm_store_create_organization (store, other, &error));
  scm_department_set_name (department, "Sales");
  scm_department_set_organization_id (department, scm_organization_get_id (organization));
  g_assert_true (scm_store_create_department (store, department, &error));
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (domains); i++)
    {
      g_autoptr (ScmDomain) domain = scm_domain_new ();

      scm_domain_set_name (domain, domains[i].name);
      scm_domain_set_organization_id (domain, scm_organization_get_id (domains[i].organization));
      if (domains[i].department != NULL)
        scm_domain_set_department_id (domain, scm_department_get_id (domains[i].department));
      g_assert_true (scm_store_create_domain (store, domain, &error));
      if (domains[i].validated)
        g_assert_true (scm_store_set_domain_validated (store, domain, TRUE, &error));
      g_assert_no_error (error);
    }

  if (acme != NULL)
    *acme = scm_organization_get_id (organization);
  if (sales != NULL)
    *sales = scm_department_get_id (department);
  return store;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = scm_test_make_tmp_dir ("scm-person-import-XXXXXX");
  f->store = open_store (f->dir, "data", &f->acme, &f->sales);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->dir);
}

static GInputStream *
stream_for (const char *csv,
            gssize      len)
{
  if (len < 0)
    len = strlen (csv);
  return g_memory_input_stream_new_from_data (g_memdup2 (csv, len), len, g_free);
}

/* Runs an import of @csv that must complete (rows may fail). */
static ScmPersonImport *
run_import_len (ScmStore                *store,
                const char              *csv,
                gssize                   len,
                ScmPersonImportMode      mode,
                ScmPersonImportExisting  existing)
{
  g_autoptr (GInputStream) stream = stream_for (csv, len);
  g_autoptr (GError) error = NULL;
  ScmPersonImport *import = scm_person_import_new (store);

  scm_person_import_set_mode (import, mode);
  scm_person_import_set_existing (import, existing);
  g_assert_true (scm_person_import_run (import, stream, NULL, &error));
  g_assert_no_error (error);
  return import;
}

static ScmPersonImport *
run_import (ScmStore   *store,
            const char *csv)
{
  return run_import_len (store, csv, -1, SCM_PERSON_IMPORT_ALL_OR_NOTHING,
                         SCM_PERSON_IMPORT_SKIP_EXISTING);
}

static void
assert_counts (ScmPersonImport *import,
               guint            created,
               guint            updated,
               guint            skipped,
               guint            failed)
{
  g_assert_cmpuint (scm_person_import_get_n_created (import), ==, created);
  g_assert_cmpuint (scm_person_import_get_n_updated (import), ==, updated);
  g_assert_cmpuint (scm_person_import_get_n_skipped (import), ==, skipped);
  g_assert_cmpuint (scm_person_import_get_n_failed (import), ==, failed);
}

/* The problem number @index is on @line, in @column, and its message
 * contains @fragment. */
static void
assert_problem (ScmPersonImport *import,
                guint            index,
                guint            line,
                const char      *column,
                const char      *fragment)
{
  const ScmPersonImportProblem *problem;

  g_assert_cmpuint (index, <, scm_person_import_get_n_problems (import));
  problem = scm_person_import_get_problem (import, index);
  g_assert_cmpuint (problem->line, ==, line);
  g_assert_cmpstr (problem->column, ==, column);
  if (strstr (problem->message, fragment) == NULL)
    g_error ("problem %u: “%s” does not contain “%s”", index, problem->message, fragment);
}

static gint64
count_persons (ScmStore *store)
{
  return scm_store_count_persons (store, 0);
}

static ScmPerson *
find_person (ScmStore   *store,
             const char *email)
{
  g_autoptr (GError) error = NULL;
  ScmPerson *person = scm_store_find_person_by_email (store, email, &error);

  g_assert_no_error (error);
  return person;
}

static void
test_excel_semicolon_bom (Fixture       *f,
                          gconstpointer  data)
{
  /* What Excel writes in a comma-decimal locale: BOM, ";", CRLF, SCM's titles. */
  const char *csv =
    "\xEF\xBB\xBF" "First Name;Middle Name;Last Name;Email;Organization;Department;Common Name;"
    "Validation Type;Phone;Alternative Emails;UPN;EPPN\r\n"
    "Zoë;Anne;Müller;Zoe.Mueller@Example.org;acme;;;High;+49 30 1234;zm@example.org, "
    "zoe@dev.example.net;zm@corp;zm@example.org\r\n"
    "Sam;;Seller;sam@sales.example;Acme;Sales;Samuel S.;standard;;;;\r\n";
  g_autoptr (ScmPersonImport) import = run_import (f->store, csv);
  g_autoptr (ScmPerson) zoe = NULL;
  g_autoptr (ScmPerson) sam = NULL;
  const char * const *secondary;

  assert_counts (import, 2, 0, 0, 0);
  g_assert_true (scm_person_import_get_committed (import));
  g_assert_null (scm_person_import_get_ignored_columns (import)[0]);

  zoe = find_person (f->store, "zoe.mueller@example.org");
  g_assert_cmpstr (scm_person_get_first_name (zoe), ==, "Zoë");
  g_assert_cmpstr (scm_person_get_middle_name (zoe), ==, "Anne");
  g_assert_cmpstr (scm_person_get_last_name (zoe), ==, "Müller");
  g_assert_cmpstr (scm_person_get_email (zoe), ==, "zoe.mueller@example.org");
  g_assert_cmpint (scm_person_get_organization_id (zoe), ==, f->acme);
  g_assert_cmpint (scm_person_get_department_id (zoe), ==, 0);
  g_assert_cmpstr (scm_person_get_common_name (zoe), ==, "Zoë Müller");
  g_assert_cmpint (scm_person_get_validation_type (zoe), ==, SCM_VALIDATION_HIGH);
  g_assert_cmpstr (scm_person_get_phone (zoe), ==, "+49 30 1234");
  g_assert_cmpstr (scm_person_get_upn (zoe), ==, "zm@corp");
  g_assert_cmpstr (scm_person_get_eppn (zoe), ==, "zm@example.org");
  secondary = scm_person_get_secondary_emails (zoe);
  g_assert_cmpuint (g_strv_length ((char **) secondary), ==, 2);
  g_assert_cmpstr (secondary[0], ==, "zm@example.org");
  g_assert_cmpstr (secondary[1], ==, "zoe@dev.example.net");

  sam = find_person (f->store, "sam@sales.example");
  g_assert_cmpint (scm_person_get_department_id (sam), ==, f->sales);
  g_assert_cmpstr (scm_person_get_common_name (sam), ==, "Samuel S.");
}

static void
test_quoted_newlines (Fixture       *f,
                      gconstpointer  data)
{
  const char *csv =
    "Email,First Name,Last Name,Organization,Notes\r\n"
    "ada@example.org,Ada,Lovelace,Acme,\"first line\r\nsecond, line\r\nthird\"\r\n"
    "bob@example.org,Bob,\"Two\nLines\",Acme,\r\n"
    "cy@example.org,\"Cy, Jr.\",\"O\"\"Neil\",Acme,\r\n";
  g_autoptr (ScmPersonImport) import =
    run_import_len (f->store, csv, -1, SCM_PERSON_IMPORT_VALID_ONLY,
                    SCM_PERSON_IMPORT_SKIP_EXISTING);
  g_autoptr (ScmPerson) cy = NULL;

  assert_counts (import, 2, 0, 0, 1);
  /* The line numbers count the line breaks inside quotes. */
  g_assert_cmpuint (scm_person_import_get_n_problems (import), ==, 1);
  assert_problem (import, 0, 5, "Last Name", "control character");
  g_assert_cmpuint (scm_person_import_get_row (import, 2)->line, ==, 7);
  cy = find_person (f->store, "cy@example.org");
  g_assert_cmpstr (scm_person_get_first_name (cy), ==, "Cy, Jr.");
  g_assert_cmpstr (scm_person_get_last_name (cy), ==, "O\"Neil");
}

static void
test_trailing_empty_lines (Fixture       *f,
                           gconstpointer  data)
{
  const char *csv =
    "Email,First Name,Last Name,Organization\n"
    "ada@example.org,Ada,Lovelace,Acme\n"
    "\n"
    ",,,\n"
    "bob@example.org,Bob,Builder,Acme\n"
    "\r\n\r\n,,,\n,, ,\n\n";
  g_autoptr (ScmPersonImport) import = run_import (f->store, csv);

  assert_counts (import, 2, 0, 0, 0);
  g_assert_cmpuint (scm_person_import_get_n_rows (import), ==, 2);
  g_assert_cmpuint (scm_person_import_get_row (import, 1)->line, ==, 5);
  g_assert_cmpint (count_persons (f->store), ==, 2);
}

static void
expect_refused (Fixture    *f,
                const char *csv,
                const char *fragment)
{
  g_autoptr (GInputStream) stream = stream_for (csv, -1);
  g_autoptr (ScmPersonImport) import = scm_person_import_new (f->store);
  g_autoptr (GError) error = NULL;

  g_assert_false (scm_person_import_run (import, stream, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, fragment);
  g_assert_false (scm_person_import_get_committed (import));
  g_assert_cmpint (count_persons (f->store), ==, 0);
}

static void
test_missing_columns (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (ScmPersonImport) import = NULL;

  expect_refused (f, "First Name,Email,Organization\nAda,ada@example.org,Acme\n",
                  "no Last Name column");
  /* A file without a header line: the first row is taken for one. */
  expect_refused (f, "ada@example.org,Ada,Lovelace\n", "found: ada@example.org, Ada, Lovelace");
  expect_refused (f, "Email,First Name,Last Name\nada@example.org,Ada,Lovelace\n",
                  "no Organization column");
  expect_refused (f, "", "The file is empty");
  expect_refused (f, "\n\n", "The file is empty");

  /* Rows shorter than the header: the missing values are empty. */
  import = run_import_len (f->store,
                           "Email,First Name,Last Name,Organization\n"
                           "ada@example.org,Ada,Lovelace,Acme\n"
                           "bob@example.org,Bob\n",
                           -1, SCM_PERSON_IMPORT_ALL_OR_NOTHING,
                           SCM_PERSON_IMPORT_SKIP_EXISTING);
  assert_counts (import, 1, 0, 0, 1);
  g_assert_cmpuint (scm_person_import_get_n_problems (import), ==, 2);
  assert_problem (import, 0, 3, "Last Name", "The last name is empty");
  assert_problem (import, 1, 3, "Organization", "The organization is empty");
  /* All or nothing: Ada was not kept either. */
  g_assert_false (scm_person_import_get_committed (import));
  g_assert_cmpint (count_persons (f->store), ==, 0);
}

static void
test_extra_columns (Fixture       *f,
                    gconstpointer  data)
{
  const char *csv =
    "Employee No,Email,First Name,Last Name,Organization,Cost Center,,E-Mail\n"
    "17,ada@example.org,Ada,Lovelace,Acme,CC-1,,ignored@example.org\n"
    "18,bob@example.org,Bob,Smith, Jr.,Acme,CC-2,,bob@example.org\n"
    "19,cy@example.org,Cy,Young,Acme,,,,,,\n";
  g_autoptr (ScmPersonImport) import =
    run_import_len (f->store, csv, -1, SCM_PERSON_IMPORT_VALID_ONLY,
                    SCM_PERSON_IMPORT_SKIP_EXISTING);
  const char * const *ignored = scm_person_import_get_ignored_columns (import);

  /* Unknown columns and a second Email column are ignored and named. */
  g_assert_cmpuint (g_strv_length ((char **) ignored), ==, 3);
  g_assert_cmpstr (ignored[0], ==, "Employee No");
  g_assert_cmpstr (ignored[1], ==, "Cost Center");
  g_assert_cmpstr (ignored[2], ==, "E-Mail");
  g_assert_cmpint (scm_person_import_get_column_field (import, 1), ==, SCM_PERSON_FIELD_EMAIL);
  g_assert_cmpint (scm_person_import_get_column_field (import, 7), ==, SCM_PERSON_FIELD_NONE);

  /* An unquoted comma shifts the columns: the row is refused, not misread.
   * Empty values beyond the header (spreadsheets add them) are fine. */
  assert_counts (import, 2, 0, 0, 1);
  assert_problem (import, 0, 3, NULL, "put values that contain “,” in quotes");
  g_assert_true (scm_person_import_get_committed (import));
}

static void
test_duplicate_emails (Fixture       *f,
                       gconstpointer  data)
{
  const char *csv =
    "Email,First Name,Last Name,Organization\n"
    "Ada@Example.org,Ada,Lovelace,Acme\n"
    "bob@example.org,Bob,Builder,Acme\n"
    "ADA@EXAMPLE.ORG,Ada,Again,Acme\n"
    " ada@example.org ,Ada,Thrice,Acme\n";
  g_autoptr (ScmPersonImport) import =
    run_import_len (f->store, csv, -1, SCM_PERSON_IMPORT_VALID_ONLY,
                    SCM_PERSON_IMPORT_SKIP_EXISTING);
  g_autoptr (ScmPerson) ada = NULL;

  assert_counts (import, 2, 0, 0, 2);
  assert_problem (import, 0, 4, "Email", "already on line 2");
  assert_problem (import, 1, 5, "Email", "already on line 2");
  g_assert_cmpstr (scm_person_import_get_problem (import, 0)->email, ==, "ada@example.org");
  ada = find_person (f->store, "ada@example.org");
  g_assert_cmpstr (scm_person_get_last_name (ada), ==, "Lovelace");
}

static void
test_invalid_values (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (GString) long_name = g_string_new (NULL);
  g_autoptr (GString) csv = g_string_new ("Email,First Name,Last Name,Organization,Department,"
                                          "Phone,Validation Type,Secret ID,UPN\n");
  g_autoptr (ScmPersonImport) import = NULL;

  for (guint i = 0; i < 129; i++)
    g_string_append_c (long_name, 'x');
  g_string_append (csv, "not-an-email,A,B,Acme,,,,,\n");                      /* 2 */
  g_string_append (csv, "a b@example.org,A,B,Acme,,,,,\n");                   /* 3 */
  g_string_append (csv, ",A,B,Acme,,,,,\n");                                  /* 4 */
  g_string_append_printf (csv, "c@example.org,%s,B,Acme,,,,,\n", long_name->str); /* 5 */
  g_string_append (csv, "d@example.org,A\x01,B,Acme,,,,,\n");                 /* 6 */
  g_string_append (csv, "e@example.org,A,B,Nowhere Inc.,,,,,\n");             /* 7 */
  g_string_append (csv, "f@example.org,A,B,Acme,Marketing,,,,\n");            /* 8 */
  g_string_append (csv, "g@example.org,A,B,Acme,,call me,,,\n");              /* 9 */
  g_string_append (csv, "h@example.org,A,B,Acme,,,extreme,,\n");              /* 10 */
  g_string_append (csv, "i@example.org,A,B,Acme,,,,password,\n");             /* 11 */
  g_string_append (csv, "j@example.org,A,B,Acme,,,,,no-at-sign\n");           /* 12 */
  g_string_append (csv, "k@example.org,A,B,Acme,,,,,\n");                     /* 13: fine */

  import = run_import_len (f->store, csv->str, -1, SCM_PERSON_IMPORT_ALL_OR_NOTHING,
                           SCM_PERSON_IMPORT_SKIP_EXISTING);
  assert_counts (import, 1, 0, 0, 11);
  assert_problem (import, 0, 2, "Email", "not-an-email");
  assert_problem (import, 1, 3, "Email", "a b@example.org");
  assert_problem (import, 2, 4, "Email", "The email is empty");
  assert_problem (import, 3, 5, "First Name", "at most 128");
  assert_problem (import, 4, 6, "First Name", "control character");
  assert_problem (import, 5, 7, "Organization", "no organization “Nowhere Inc.”");
  assert_problem (import, 6, 8, "Department", "Acme has no department “Marketing”");
  assert_problem (import, 7, 9, "Phone", "call me");
  assert_problem (import, 8, 10, "Validation Type", "“extreme” is not known");
  assert_problem (import, 9, 11, "Secret ID", "too easy to guess");
  assert_problem (import, 10, 12, "UPN", "name@scope");
  /* Secrets never appear in a report. */
  for (guint i = 0; i < scm_person_import_get_n_problems (import); i++)
    g_assert_null (strstr (scm_person_import_get_problem (import, i)->message, "password"));
  g_assert_false (scm_person_import_get_committed (import));
  g_assert_cmpint (count_persons (f->store), ==, 0);
}

static void
test_not_delegated (Fixture       *f,
                    gconstpointer  data)
{
  const char *csv =
    "Email,First Name,Last Name,Organization,Department,Domain\n"
    "a@example.com,A,B,Acme,,\n"                 /* not delegated at all */
    "b@pending.example,A,B,Acme,,\n"             /* pending validation */
    "c@other.example,A,B,Acme,,\n"               /* another organization's */
    "d@sales.example,A,B,Acme,,\n"               /* only the Sales department's */
    "e@sales.example,A,B,Acme,Sales,\n"          /* fine */
    "f@x.example.net,A,B,Acme,,example.net\n"    /* fine: *.example.net */
    "g@example.org,A,B,Acme,,example.net\n"      /* Domain column disagrees */
    "h@example.org,A,B,Acme,Sales,example.org\n" /* fine: the organization's covers Sales */
    "i@example.org,A,B,Acme,,,\n"
    "j@example.org,A,B,Acme,,\n";
  g_autoptr (ScmPersonImport) import =
    run_import_len (f->store, csv, -1, SCM_PERSON_IMPORT_VALID_ONLY,
                    SCM_PERSON_IMPORT_SKIP_EXISTING);

  assert_counts (import, 5, 0, 0, 5);
  assert_problem (import, 0, 2, "Email", "example.com is not a delegated domain of Acme");
  assert_problem (import, 1, 3, "Email", "pending validation");
  assert_problem (import, 2, 4, "Email", "other.example is not a delegated domain of Acme");
  assert_problem (import, 3, 5, "Email", "sales.example is not a delegated domain of Acme");
  assert_problem (import, 4, 8, "Domain", "does not match");
  g_assert_cmpint (count_persons (f->store), ==, 5);
}

/* A structural error stops everything, whatever the mode. */
static void
test_unterminated_quote (Fixture       *f,
                         gconstpointer  data)
{
  const char *csv =
    "Email,First Name,Last Name,Organization\n"
    "ada@example.org,Ada,Lovelace,Acme\n"
    "bob@example.org,\"Bob,Builder,Acme\n"
    "cy@example.org,Cy,Young,Acme\n";
  g_autoptr (GInputStream) stream = stream_for (csv, -1);
  g_autoptr (ScmPersonImport) import = scm_person_import_new (f->store);
  g_autoptr (GError) error = NULL;

  scm_person_import_set_mode (import, SCM_PERSON_IMPORT_VALID_ONLY);
  g_assert_false (scm_person_import_run (import, stream, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Line 3, column First Name: "));
  g_assert_nonnull (strstr (error->message, "never closed"));
  g_assert_cmpint (count_persons (f->store), ==, 0);
}

static void
test_invalid_utf8 (Fixture       *f,
                   gconstpointer  data)
{
  /* A Latin-1 file: "Müller" with ü as one byte. */
  const char *csv =
    "Email,First Name,Last Name,Organization\n"
    "ada@example.org,Ada,Lovelace,Acme\n"
    "mm@example.org,Max,M\xFCller,Acme\n";
  g_autoptr (ScmPersonImport) import = run_import (f->store, csv);

  assert_counts (import, 1, 0, 0, 1);
  assert_problem (import, 0, 3, "Last Name", "not valid UTF-8");
  g_assert_cmpint (count_persons (f->store), ==, 0);
}

static void
test_nul_byte (Fixture       *f,
               gconstpointer  data)
{
  static const char csv[] =
    "Email,First Name,Last Name,Organization\n"
    "ada@example.org,Ada,Lovelace,Acme\n"
    "nul@example.org,N\0l,Byte,Acme\n"
    "cy@example.org,Cy,Young,Acme\n";
  g_autoptr (ScmPersonImport) import =
    run_import_len (f->store, csv, sizeof csv - 1, SCM_PERSON_IMPORT_VALID_ONLY,
                    SCM_PERSON_IMPORT_SKIP_EXISTING);

  assert_counts (import, 2, 0, 0, 1);
  assert_problem (import, 0, 3, "First Name", "NUL byte");
  g_assert_cmpint (count_persons (f->store), ==, 2);
}

static void
test_huge_field (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (GString) csv = g_string_new ("Email,First Name,Last Name,Organization\n"
                                          "ada@example.org,Ada,Lovelace,Acme\n"
                                          "big@example.org,Big,\"");
  g_autoptr (ScmPersonImport) import = NULL;

  for (guint i = 0; i < 1024 * 1024; i++)
    g_string_append_c (csv, 'x');
  g_string_append (csv, "\",Acme\ncy@example.org,Cy,Young,Acme\n");

  import = run_import_len (f->store, csv->str, csv->len, SCM_PERSON_IMPORT_VALID_ONLY,
                           SCM_PERSON_IMPORT_SKIP_EXISTING);
  assert_counts (import, 2, 0, 0, 1);
  assert_problem (import, 0, 3, "Last Name", "longer than 4096 bytes");
  g_assert_cmpint (count_persons (f->store), ==, 2);
}

static char *
write_big_csv (const char *dir,
               guint       n)
{
  g_autofree char *path = g_build_filename (dir, "big.csv", NULL);
  g_autoptr (GString) csv = g_string_new ("First Name,Last Name,Email,Organization,Phone\r\n");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "Given%u,Family%u,person%u@example.org,Acme,+1 555 %07u\r\n",
                            i, i, i, i);
  g_assert_true (g_file_set_contents (path, csv->str, csv->len, NULL));
  return g_steal_pointer (&path);
}

static void
count_progress (ScmPersonImport *import,
                guint64          bytes_read,
                guint            n_rows,
                gpointer         user_data)
{
  guint64 *last = user_data;

  /* Progress only goes forward. */
  g_assert_cmpuint (bytes_read, >=, last[0]);
  last[0] = bytes_read;
  last[1]++;
}

static void
test_hundred_thousand (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = write_big_csv (f->dir, 100000);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) stream = g_file_read (file, NULL, NULL);
  g_autoptr (ScmPersonImport) import = scm_person_import_new (f->store);
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmPerson) last = NULL;
  guint64 progress[2] = { 0, 0 };
  GStatBuf st;

  scm_person_import_set_progress_func (import, count_progress, progress, NULL);
  g_assert_true (scm_person_import_run (import, G_INPUT_STREAM (stream), NULL, &error));
  g_assert_no_error (error);
  assert_counts (import, 100000, 0, 0, 0);
  g_assert_cmpuint (scm_person_import_get_n_secret_ids (import), ==, 100000);
  g_assert_cmpint (count_persons (f->store), ==, 100000);
  g_assert_cmpuint (scm_person_import_get_row (import, 99999)->line, ==, 100001);

  last = find_person (f->store, "person99999@example.org");
  g_assert_cmpstr (scm_person_get_first_name (last), ==, "Given99999");
  g_assert_true (scm_person_get_has_secret_id (last));

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (progress[0], ==, (guint64) st.st_size);
  g_assert_cmpuint (progress[1], >=, 100);
}

static void
cancel_at_half (ScmPersonImport *import,
                guint64          bytes_read,
                guint            n_rows,
                gpointer         user_data)
{
  if (n_rows >= 5000)
    g_cancellable_cancel (user_data);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = write_big_csv (f->dir, 10000);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) stream = g_file_read (file, NULL, NULL);
  g_autoptr (ScmPersonImport) import = scm_person_import_new (f->store);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events_before = NULL;
  g_autoptr (GPtrArray) events_after = NULL;

  events_before = scm_store_list_audit_events (f->store, NULL, 0, &error);
  scm_person_import_set_mode (import, SCM_PERSON_IMPORT_VALID_ONLY);
  scm_person_import_set_progress_func (import, cancel_at_half, cancellable, NULL);
  g_assert_false (scm_person_import_run (import, G_INPUT_STREAM (stream), cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (scm_person_import_get_committed (import));
  g_assert_cmpuint (scm_person_import_get_n_secret_ids (import), ==, 0);

  /* Nothing of the first 5,000 rows, nor in the audit log; the store works. */
  g_assert_cmpint (count_persons (f->store), ==, 0);
  g_clear_error (&error);
  events_after = scm_store_list_audit_events (f->store, NULL, 0, &error);
  g_assert_cmpuint (events_after->len, ==, events_before->len);
  g_assert_false (scm_store_in_transaction (f->store));
  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);
}

static void
test_valid_only (Fixture       *f,
                 gconstpointer  data)
{
  const char *csv =
    "Email,First Name,Last Name,Organization\n"
    "ada@example.org,Ada,Lovelace,Acme\n"
    "bad@,Bad,Email,Acme\n"
    "bob@example.org,Bob,Builder,Acme\n"
    "eve@example.com,Eve,Elsewhere,Acme\n";
  g_autoptr (ScmPersonImport) all = run_import (f->store, csv);
  g_autoptr (ScmPersonImport) valid = NULL;
  g_autoptr (ScmPerson) ada = NULL;
  g_autoptr (ScmPerson) bob = NULL;

  assert_counts (all, 2, 0, 0, 2);
  g_assert_false (scm_person_import_get_committed (all));
  g_assert_cmpint (count_persons (f->store), ==, 0);

  valid = run_import_len (f->store, csv, -1, SCM_PERSON_IMPORT_VALID_ONLY,
                          SCM_PERSON_IMPORT_SKIP_EXISTING);
  assert_counts (valid, 2, 0, 0, 2);
  g_assert_true (scm_person_import_get_committed (valid));
  g_assert_cmpint (count_persons (f->store), ==, 2);
  ada = find_person (f->store, "ada@example.org");
  bob = find_person (f->store, "bob@example.org");
  g_assert_nonnull (ada);
  g_assert_nonnull (bob);

  g_assert_cmpuint (scm_person_import_get_n_rows (valid), ==, 4);
  g_assert_cmpint (scm_person_import_get_row (valid, 0)->status, ==, SCM_PERSON_IMPORT_CREATED);
  g_assert_cmpint (scm_person_import_get_row (valid, 1)->status, ==, SCM_PERSON_IMPORT_FAILED);
  g_assert_cmpuint (scm_person_import_get_row (valid, 1)->n_problems, ==, 1);
  g_assert_cmpint (scm_person_import_get_row (valid, 3)->status, ==, SCM_PERSON_IMPORT_FAILED);
}

static void
test_update_or_skip (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (ScmPersonImport) first = NULL;
  g_autoptr (ScmPersonImport) skip = NULL;
  g_autoptr (ScmPersonImport) update = NULL;
  g_autoptr (ScmPerson) ada = NULL;
  const char *changed =
    "Email,First Name,Last Name,Organization,Department\n"
    "ADA@example.org,Augusta Ada,King,Acme,\n"
    "new@example.org,New,Person,Acme,\n";

  first = run_import (f->store,
                      "Email,First Name,Last Name,Organization,Phone,UPN\n"
                      "ada@example.org,Ada,Lovelace,Acme,+44 20 1815,ada@corp\n");
  assert_counts (first, 1, 0, 0, 0);

  skip = run_import (f->store, changed);
  assert_counts (skip, 1, 0, 1, 0);
  ada = find_person (f->store, "ada@example.org");
  g_assert_cmpstr (scm_person_get_first_name (ada), ==, "Ada");
  g_clear_object (&ada);

  update = run_import_len (f->store, changed, -1, SCM_PERSON_IMPORT_ALL_OR_NOTHING,
                           SCM_PERSON_IMPORT_UPDATE_EXISTING);
  assert_counts (update, 0, 2, 0, 0);
  ada = find_person (f->store, "ada@example.org");
  g_assert_cmpstr (scm_person_get_first_name (ada), ==, "Augusta Ada");
  g_assert_cmpstr (scm_person_get_last_name (ada), ==, "King");
  /* Columns the file does not have keep their values. */
  g_assert_cmpstr (scm_person_get_phone (ada), ==, "+44 20 1815");
  g_assert_cmpstr (scm_person_get_upn (ada), ==, "ada@corp");
  /* …and the person kept their Secret ID from the first import. */
  g_assert_true (scm_person_get_has_secret_id (ada));
  g_assert_cmpint (count_persons (f->store), ==, 2);
}

static void
test_dry_run (Fixture       *f,
              gconstpointer  data)
{
  const char *csv =
    "Email,First Name,Last Name,Organization\n"
    "ada@example.org,Ada,Lovelace,Acme\n"
    "bad@,Bad,Email,Acme\n";
  g_autoptr (GInputStream) stream = stream_for (csv, -1);
  g_autoptr (ScmPersonImport) import = scm_person_import_new (f->store);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) before = scm_store_list_audit_events (f->store, NULL, 0, NULL);
  g_autoptr (GPtrArray) after = NULL;

  scm_person_import_set_dry_run (import, TRUE);
  scm_person_import_set_mode (import, SCM_PERSON_IMPORT_VALID_ONLY);
  g_assert_true (scm_person_import_run (import, stream, NULL, &error));
  g_assert_no_error (error);
  /* The report of a real import, and nothing written. */
  assert_counts (import, 1, 0, 0, 1);
  assert_problem (import, 0, 3, "Email", "bad@");
  g_assert_false (scm_person_import_get_committed (import));
  g_assert_cmpuint (scm_person_import_get_n_secret_ids (import), ==, 0);
  g_assert_cmpint (count_persons (f->store), ==, 0);
  after = scm_store_list_audit_events (f->store, NULL, 0, NULL);
  g_assert_cmpuint (after->len, ==, before->len);
}

static char *
export_to_string (ScmStore *store)
{
  g_autoptr (GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;

  g_assert_true (scm_person_export_csv (store, stream, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (stream, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (stream, NULL, NULL));
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (stream));
}

static void
assert_same_persons (ScmStore *a,
                     ScmStore *b)
{
  g_autoptr (GPtrArray) left = scm_store_list_persons (a, 0, FALSE, NULL);
  g_autoptr (GPtrArray) right = scm_store_list_persons (b, 0, FALSE, NULL);

  g_assert_cmpuint (left->len, ==, right->len);
  for (guint i = 0; i < left->len; i++)
    {
      ScmPerson *p = g_ptr_array_index (left, i);
      ScmPerson *q = g_ptr_array_index (right, i);
      g_autofree char *p_alt = NULL;
      g_autofree char *q_alt = NULL;

      g_assert_cmpstr (scm_person_get_email (p), ==, scm_person_get_email (q));
      g_assert_cmpstr (scm_person_get_first_name (p), ==, scm_person_get_first_name (q));
      g_assert_cmpstr (scm_person_get_middle_name (p), ==, scm_person_get_middle_name (q));
      g_assert_cmpstr (scm_person_get_last_name (p), ==, scm_person_get_last_name (q));
      g_assert_cmpstr (scm_person_get_common_name (p), ==, scm_person_get_common_name (q));
      g_assert_cmpstr (scm_person_get_phone (p), ==, scm_person_get_phone (q));
      g_assert_cmpstr (scm_person_get_upn (p), ==, scm_person_get_upn (q));
      g_assert_cmpstr (scm_person_get_eppn (p), ==, scm_person_get_eppn (q));
      g_assert_cmpint (scm_person_get_validation_type (p), ==,
                       scm_person_get_validation_type (q));
      /* Both stores were set up alike, so the ids match too. */
      g_assert_cmpint (scm_person_get_organization_id (p), ==,
                       scm_person_get_organization_id (q));
      g_assert_cmpint (scm_person_get_department_id (p), ==, scm_person_get_department_id (q));
      g_assert_cmpint (scm_person_get_domain_id (p), ==, scm_person_get_domain_id (q));
      if (scm_person_get_secondary_emails (p) != NULL)
        p_alt = g_strjoinv (",", (char **) scm_person_get_secondary_emails (p));
      if (scm_person_get_secondary_emails (q) != NULL)
        q_alt = g_strjoinv (",", (char **) scm_person_get_secondary_emails (q));
      g_assert_cmpstr (p_alt, ==, q_alt);
    }
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  const char *csv =
    "First Name;Middle Name;Last Name;Email;Organization;Department;Common Name;"
    "Validation Type;Phone;Alternative Emails;UPN;EPPN\n"
    "Zoë;Anne;Müller;zoe@example.org;Acme;;;high;+49 30 1234;zm@example.org;zm@corp;"
    "zm@example.org\n"
    "\"=cmd|' /C calc'!A0\";;\"Smith, \"\"Jr\"\"\";sam@sales.example;Acme;Sales;Sam S;standard;"
    "-42;;;\n"
    "@Ann;;+Plus;ann@x.example.net;Acme;;;;;;;\n";
  g_autoptr (ScmPersonImport) first = run_import (f->store, csv);
  g_autofree char *exported = export_to_string (f->store);
  g_autofree char *fresh_dir = g_build_filename (f->dir, "fresh", NULL);
  g_autoptr (ScmStore) fresh = NULL;
  g_autoptr (ScmPersonImport) second = NULL;
  g_autofree char *exported_again = NULL;

  assert_counts (first, 3, 0, 0, 0);

  fresh = open_store (f->dir, "fresh", NULL, NULL);
  second = run_import (fresh, exported);
  assert_counts (second, 3, 0, 0, 0);
  assert_same_persons (f->store, fresh);

  /* The same file again, byte for byte. */
  exported_again = export_to_string (fresh);
  g_assert_cmpstr (exported, ==, exported_again);
  g_assert_finalize_object (g_steal_pointer (&second));
  g_assert_finalize_object (g_steal_pointer (&fresh));
}

static void
test_formula_escaping (Fixture       *f,
                       gconstpointer  data)
{
  const char *csv =
    "First Name,Last Name,Email,Organization,Phone\n"
    "=1+2,@SUM(A1),eq@example.org,Acme,+1 555 0100\n"
    "-Minus,Plain,minus@example.org,Acme,\n";
  g_autoptr (ScmPersonImport) import = run_import (f->store, csv);
  g_autofree char *exported = export_to_string (f->store);
  g_auto (GStrv) lines = g_strsplit (exported, "\r\n", -1);

  assert_counts (import, 2, 0, 0, 0);
  /* Ordered by last name: "@SUM(A1)" before "Plain". */
  g_assert_cmpstr (lines[0], ==,
                   "First Name,Middle Name,Last Name,Email,Organization,Department,Domain,"
                   "Common Name,Validation Type,Phone,Alternative Emails,UPN,EPPN");
  g_assert_cmpstr (lines[1], ==,
                   "'=1+2,,'@SUM(A1),eq@example.org,Acme,,example.org,'=1+2 @SUM(A1),standard,"
                   "'+1 555 0100,,,");
  g_assert_cmpstr (lines[2], ==,
                   "'-Minus,,Plain,minus@example.org,Acme,,example.org,'-Minus Plain,standard,,,,");
  g_assert_cmpstr (lines[3], ==, "");
}

static void
test_secret_ids (Fixture       *f,
                 gconstpointer  data)
{
  const char *csv =
    "Email,First Name,Last Name,Organization,Secret ID\n"
    "ada@example.org,Ada,Lovelace,Acme,\n"
    "bob@example.org,Bob,Builder,Acme,Tz8#qLm4-Vx9!Rw2\n"
    "cy@example.org,Cy,Young,Acme,\n";
  g_autoptr (ScmPersonImport) import = run_import (f->store, csv);
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GOutputStream) again = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  assert_counts (import, 3, 0, 0, 0);
  g_assert_true (scm_store_verify_person_secret_id (f->store, "bob@example.org",
                                                    "tz8#qlm4 vx9!rw2"));
  /* Two generated, for the persons without a typed one. */
  g_assert_cmpuint (scm_person_import_get_n_secret_ids (import), ==, 2);
  g_assert_true (scm_person_import_write_secret_ids (import, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  text = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  lines = g_strsplit (text, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_cmpstr (lines[0], ==, "Email,First Name,Last Name,Secret ID");
  for (guint i = 1; i <= 2; i++)
    {
      g_auto (GStrv) cells = g_strsplit (lines[i], ",", -1);

      g_assert_cmpuint (g_strv_length (cells), ==, 4);
      g_assert_cmpuint (strlen (cells[3]), ==, 24);
      g_assert_true (scm_store_verify_person_secret_id (f->store, cells[0], cells[3]));
      g_assert_false (scm_store_verify_person_secret_id (f->store, "bob@example.org",
                                                         cells[3]));
    }
  g_assert_true (g_str_has_prefix (lines[1], "ada@example.org,Ada,Lovelace,"));
  g_assert_true (g_str_has_prefix (lines[2], "cy@example.org,Cy,Young,"));

  /* Once only. */
  g_assert_cmpuint (scm_person_import_get_n_secret_ids (import), ==, 0);
  g_assert_false (scm_person_import_write_secret_ids (import, again, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
}

static void
test_typed_secret_reuse (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (ScmPersonImport) first = NULL;
  g_autoptr (ScmPersonImport) second = NULL;

  first = run_import_len (f->store,
                          "Email,First Name,Last Name,Organization,Secret ID\n"
                          "ada@example.org,Ada,Lovelace,Acme,Tz8#qLm4-Vx9!Rw2\n"
                          "bob@example.org,Bob,Builder,Acme,TZ8#QLM4 VX9!RW2\n",
                          -1, SCM_PERSON_IMPORT_VALID_ONLY, SCM_PERSON_IMPORT_SKIP_EXISTING);
  assert_counts (first, 1, 0, 0, 1);
  assert_problem (first, 0, 3, "Secret ID", "already on line 2");

  second = run_import_len (f->store,
                           "Email,First Name,Last Name,Organization,Secret ID\n"
                           "cy@example.org,Cy,Young,Acme,tz8#qlm4vx9!rw2\n",
                           -1, SCM_PERSON_IMPORT_VALID_ONLY, SCM_PERSON_IMPORT_SKIP_EXISTING);
  assert_counts (second, 0, 0, 0, 1);
  assert_problem (second, 0, 2, "Secret ID", "already used by another person");
}

static void
test_defaults (Fixture       *f,
               gconstpointer  data)
{
  const char *csv =
    "Email,First Name,Last Name,Organization,Department\n"
    "sam@sales.example,Sam,Seller,,\n"
    "oz@other.example,Oz,Other,Other Corp,\n";
  g_autoptr (GInputStream) stream = stream_for (csv, -1);
  g_autoptr (GInputStream) stream2 = stream_for (csv, -1);
  g_autoptr (ScmPersonImport) import = scm_person_import_new (f->store);
  g_autoptr (ScmPersonImport) unknown = scm_person_import_new (f->store);
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmPerson) sam = NULL;
  g_autoptr (ScmPerson) oz = NULL;

  scm_person_import_set_default_organization (import, "ACME");
  scm_person_import_set_default_department (import, "sales");
  g_assert_true (scm_person_import_run (import, stream, NULL, &error));
  g_assert_no_error (error);
  assert_counts (import, 2, 0, 0, 0);
  sam = find_person (f->store, "sam@sales.example");
  g_assert_cmpint (scm_person_get_organization_id (sam), ==, f->acme);
  g_assert_cmpint (scm_person_get_department_id (sam), ==, f->sales);
  /* The default department belongs to the default organization only. */
  oz = find_person (f->store, "oz@other.example");
  g_assert_cmpint (scm_person_get_department_id (oz), ==, 0);

  scm_person_import_set_default_organization (unknown, "Nowhere");
  g_assert_false (scm_person_import_run (unknown, stream2, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
}

static void
test_mapping (Fixture       *f,
              gconstpointer  data)
{
  const char *csv =
    "Mail,Given,Family,Org\n"
    "ada@example.org,Ada,Lovelace,Acme\n"
    "bob@example.org,Bob,Builder,Acme\n";
  g_autoptr (GInputStream) header = stream_for (csv, -1);
  g_autoptr (GInputStream) stream = stream_for (csv, -1);
  g_autoptr (ScmPersonImport) import = scm_person_import_new (f->store);
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmPerson) ada = NULL;

  g_assert_cmpint (scm_person_field_from_title ("E-Mail Address"), ==, SCM_PERSON_FIELD_EMAIL);
  g_assert_cmpint (scm_person_field_from_title ("first_name"), ==, SCM_PERSON_FIELD_FIRST_NAME);
  g_assert_cmpint (scm_person_field_from_title ("SECRET ID"), ==, SCM_PERSON_FIELD_SECRET_ID);
  g_assert_cmpint (scm_person_field_from_title ("Given"), ==, SCM_PERSON_FIELD_NONE);
  for (ScmPersonField field = 1; field < SCM_PERSON_N_FIELDS; field++)
    g_assert_cmpint (scm_person_field_from_title (scm_person_field_get_title (field)), ==, field);

  g_assert_true (scm_person_import_read_header (import, header, 5, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (scm_person_import_get_n_columns (import), ==, 4);
  g_assert_cmpstr (scm_person_import_get_column_title (import, 1), ==, "Given");
  g_assert_cmpint (scm_person_import_get_column_field (import, 0), ==, SCM_PERSON_FIELD_EMAIL);
  g_assert_cmpint (scm_person_import_get_column_field (import, 1), ==, SCM_PERSON_FIELD_NONE);
  g_assert_cmpint (scm_person_import_get_column_field (import, 3), ==,
                   SCM_PERSON_FIELD_ORGANIZATION);
  g_assert_cmpuint (scm_person_import_get_n_samples (import), ==, 2);
  g_assert_cmpstr (scm_person_import_get_sample (import, 1, 2), ==, "Builder");

  scm_person_import_set_column_field (import, 1, SCM_PERSON_FIELD_FIRST_NAME);
  scm_person_import_set_column_field (import, 2, SCM_PERSON_FIELD_LAST_NAME);
  g_assert_true (scm_person_import_run (import, stream, NULL, &error));
  g_assert_no_error (error);
  assert_counts (import, 2, 0, 0, 0);
  ada = find_person (f->store, "ada@example.org");
  g_assert_cmpstr (scm_person_get_last_name (ada), ==, "Lovelace");
}

static void
test_report_and_audit (Fixture       *f,
                       gconstpointer  data)
{
  const char *csv =
    "Email,First Name,Last Name,Organization\n"
    "ada@example.org,Ada,Lovelace,Acme\n"
    "\"=bad\",Bad,Email,Acme\n";
  g_autoptr (GInputStream) stream = stream_for (csv, -1);
  g_autoptr (ScmPersonImport) import = scm_person_import_new (f->store);
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autofree char *report = NULL;
  ScmAuditFilter filter = { .action = "person." };

  scm_person_import_set_mode (import, SCM_PERSON_IMPORT_VALID_ONLY);
  scm_person_import_set_source_name (import, "staff.csv");
  g_assert_true (scm_person_import_run (import, stream, NULL, &error));
  g_assert_true (scm_person_import_write_report (import, out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (out, "", 1, NULL, NULL, NULL));
  g_assert_true (g_output_stream_close (out, NULL, NULL));
  report = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_true (g_str_has_prefix (report, "Line,Column,Email,Problem\r\n3,Email,'=bad,"));

  events = scm_store_list_audit_events (f->store, &filter, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  /* Newest first: the creations, then the import with its counts. */
  g_assert_cmpstr (scm_audit_event_get_action (g_ptr_array_index (events, 0)), ==,
                   "person.create");
  g_assert_nonnull (strstr (scm_audit_event_get_message (g_ptr_array_index (events, 0)),
                            "1 persons created by CSV import of staff.csv"));
  g_assert_cmpstr (scm_audit_event_get_action (g_ptr_array_index (events, 1)), ==,
                   "person.import");
  g_assert_cmpstr (scm_audit_event_get_object (g_ptr_array_index (events, 1)), ==, "staff.csv");
  g_assert_nonnull (strstr (scm_audit_event_get_message (g_ptr_array_index (events, 1)),
                            "created 1, updated 0, skipped 0, failed 1"));
  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);
}

/* The store's batch on its own: refusals leave the batch usable. */
static void
test_store_batch (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmPerson) ada = scm_person_new ();
  g_autoptr (ScmPerson) twin = scm_person_new ();
  g_autoptr (ScmPerson) stranger = scm_person_new ();
  ScmStorePersonBatch *batch;
  char *generated = NULL;

  batch = scm_store_person_batch_begin (f->store, "a test", &error);
  g_assert_no_error (error);
  for (ScmPerson **p = (ScmPerson *[]) { ada, twin, stranger, NULL }; *p != NULL; p++)
    {
      scm_person_set_first_name (*p, "Ada");
      scm_person_set_last_name (*p, "Lovelace");
      scm_person_set_organization_id (*p, f->acme);
    }
  scm_person_set_email (ada, "ada@example.org");
  scm_person_set_email (twin, "ADA@example.org");
  scm_person_set_email (stranger, "ada@example.com");

  g_assert_true (scm_store_person_batch_create (batch, ada, NULL, &generated, &error));
  g_assert_no_error (error);
  g_assert_nonnull (generated);
  g_assert_cmpint (scm_store_person_batch_find (batch, "Ada@Example.org"), ==,
                   scm_person_get_id (ada));
  g_assert_false (scm_store_person_batch_create (batch, twin, NULL, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_false (scm_store_person_batch_create (batch, stranger, NULL, NULL, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_DELEGATED);
  g_clear_error (&error);
  g_assert_true (scm_store_person_batch_commit (batch, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count_persons (f->store), ==, 1);
  g_assert_true (scm_store_verify_person_secret_id (f->store, "ada@example.org", generated));
  scm_secret_free (generated);

  batch = scm_store_person_batch_begin (f->store, "a test", &error);
  scm_person_set_email (stranger, "cy@example.org");
  g_assert_true (scm_store_person_batch_create (batch, stranger, NULL, NULL, &error));
  scm_store_person_batch_rollback (batch);
  g_assert_cmpint (count_persons (f->store), ==, 1);
  g_assert_false (scm_store_in_transaction (f->store));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/person-import/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("excel-semicolon-bom", test_excel_semicolon_bom);
  ADD ("quoted-newlines", test_quoted_newlines);
  ADD ("trailing-empty-lines", test_trailing_empty_lines);
  ADD ("missing-columns", test_missing_columns);
  ADD ("extra-columns", test_extra_columns);
  ADD ("duplicate-emails", test_duplicate_emails);
  ADD ("invalid-values", test_invalid_values);
  ADD ("not-delegated", test_not_delegated);
  ADD ("unterminated-quote", test_unterminated_quote);
  ADD ("invalid-utf8", test_invalid_utf8);
  ADD ("nul-byte", test_nul_byte);
  ADD ("huge-field", test_huge_field);
  ADD ("hundred-thousand", test_hundred_thousand);
  ADD ("cancel", test_cancel);
  ADD ("valid-only", test_valid_only);
  ADD ("update-or-skip", test_update_or_skip);
  ADD ("dry-run", test_dry_run);
  ADD ("round-trip", test_round_trip);
  ADD ("formula-escaping", test_formula_escaping);
  ADD ("secret-ids", test_secret_ids);
  ADD ("typed-secret-reuse", test_typed_secret_reuse);
  ADD ("defaults", test_defaults);
  ADD ("mapping", test_mapping);
  ADD ("report-and-audit", test_report_and_audit);
  ADD ("store-batch", test_store_batch);

#undef ADD

  return g_test_run ();
}
