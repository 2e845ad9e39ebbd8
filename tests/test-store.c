/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "scm-error.h"
#include "scm-secret.h"
#include "scm-store.h"
#include "scm-test-util.h"
#include "scm-validate.h"

/* A typed Secret ID that the strength check accepts (asserted where used). */
#define STRONG_SECRET "Violet-Harbor-Quilt-4826-Zephyr"

typedef struct
{
  char *dir;
  ScmStore *store;
  ScmOrganization *acme;
  ScmDepartment *sales;
  ScmOrganization *globex;
  ScmDepartment *ops;
  ScmDomain *example;  /* example.org, delegated to Acme, validated */
  char *last_message;
} Fixture;

/* Helpers ------------------------------------------------------------------------ */

static void
exec_behind_the_back (Fixture    *f,
                      const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (scm_store_get_database_path (f->store), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

/* Every row of every table, through a separate connection: what a
 * refused call must leave untouched (audit_events included). */
static char *
dump_database (Fixture *f)
{
  GString *out = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *tables = NULL;

  g_assert_cmpint (sqlite3_open_v2 (scm_store_get_database_path (f->store), &db,
                                    SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_schema WHERE type = 'table'"
                                       " ORDER BY name", -1, &tables, NULL), ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\"",
                                              sqlite3_column_text (tables, 0));
      sqlite3_stmt *rows = NULL;

      g_string_append_printf (out, "[%s]\n", sqlite3_column_text (tables, 0));
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &rows, NULL), ==, SQLITE_OK);
      while (sqlite3_step (rows) == SQLITE_ROW)
        {
          for (int i = 0; i < sqlite3_column_count (rows); i++)
            {
              if (sqlite3_column_type (rows, i) == SQLITE_NULL)
                g_string_append (out, "NULL");
              else
                g_string_append_len (out, (const char *) sqlite3_column_text (rows, i),
                                     sqlite3_column_bytes (rows, i));
              g_string_append_c (out, '|');
            }
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (rows);
    }
  sqlite3_finalize (tables);
  sqlite3_close (db);
  return g_string_free (out, FALSE);
}

static gint64
count_rows (Fixture    *f,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s", table);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_open_v2 (scm_store_get_database_path (f->store), &db,
                                    SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

/* Runs @expr (which sets `refusal`), expects it to fail with @code and to
 * leave the database byte-for-byte unchanged; keeps the message in
 * f->last_message for the test to check. */
#define ASSERT_REFUSED(f, code, expr)                                    \
  G_STMT_START                                                           \
  {                                                                      \
    g_autofree char *before_ = dump_database (f);                        \
    g_autofree char *after_ = NULL;                                      \
    g_autoptr(GError) refusal = NULL;                                    \
    g_assert_false (expr);                                               \
    g_assert_error (refusal, SCM_ERROR, code);                           \
    g_test_message ("refused as expected: %s", refusal->message);        \
    g_free ((f)->last_message);                                          \
    (f)->last_message = g_strdup (refusal->message);                     \
    after_ = dump_database (f);                                          \
    g_assert_cmpstr (before_, ==, after_);                               \
  }                                                                      \
  G_STMT_END

#define ASSERT_MESSAGE_HAS(f, text) \
  g_assert_nonnull (strstr ((f)->last_message, (text)))

static ScmOrganization *
add_organization (ScmStore   *store,
                  const char *name)
{
  g_autoptr(ScmOrganization) organization = scm_organization_new ();
  g_autoptr(GError) error = NULL;

  scm_organization_set_name (organization, name);
  scm_store_create_organization (store, organization, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&organization);
}

static ScmDepartment *
add_department (ScmStore *store,
                gint64    organization_id,
                const char *name)
{
  g_autoptr(ScmDepartment) department = scm_department_new ();
  g_autoptr(GError) error = NULL;

  scm_department_set_organization_id (department, organization_id);
  scm_department_set_name (department, name);
  scm_store_create_department (store, department, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&department);
}

static ScmDomain *
add_domain (ScmStore   *store,
            const char *name,
            gint64      organization_id,
            gint64      department_id,
            gboolean    validated)
{
  g_autoptr(ScmDomain) domain = scm_domain_new ();
  g_autoptr(GError) error = NULL;

  scm_domain_set_name (domain, name);
  scm_domain_set_organization_id (domain, organization_id);
  scm_domain_set_department_id (domain, department_id);
  scm_store_create_domain (store, domain, &error);
  g_assert_no_error (error);
  if (validated)
    {
      g_assert_true (scm_store_set_domain_validated (store, domain, TRUE, &error));
      g_assert_no_error (error);
    }
  return g_steal_pointer (&domain);
}

static ScmPerson *
new_person (Fixture    *f,
            const char *email)
{
  ScmPerson *person = scm_person_new ();

  scm_person_set_organization_id (person, scm_organization_get_id (f->acme));
  scm_person_set_first_name (person, "Jane");
  scm_person_set_last_name (person, "Doe");
  scm_person_set_email (person, email);
  return person;
}

static ScmPerson *
add_person (Fixture    *f,
            const char *email)
{
  g_autoptr(ScmPerson) person = new_person (f, email);
  g_autoptr(GError) error = NULL;

  scm_store_create_person (f->store, person, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&person);
}

static ScmProfile *
builtin_profile (Fixture    *f,
                 const char *name)
{
  g_autoptr(GError) error = NULL;
  ScmProfile *profile = scm_store_find_profile_by_name (f->store, name, &error);

  g_assert_no_error (error);
  g_assert_nonnull (profile);
  return profile;
}

static ScmForm *
add_form (Fixture    *f,
          const char *name)
{
  g_autoptr(ScmForm) form = scm_form_new ();
  g_autoptr(GError) error = NULL;

  scm_form_set_name (form, name);
  scm_store_create_form (f->store, form, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&form);
}

static ScmAccount *
new_account (Fixture    *f,
             ScmForm    *form,
             const char *name)
{
  g_autoptr(ScmProfile) profile = builtin_profile (f, "Client Authentication");
  ScmAccount *account = scm_account_new ();

  scm_account_set_form_id (account, scm_form_get_id (form));
  scm_account_set_name (account, name);
  scm_account_set_organization_id (account, scm_organization_get_id (f->acme));
  scm_account_add_profile_id (account, scm_profile_get_id (profile));
  return account;
}

static gint64
audit_count (Fixture *f)
{
  return count_rows (f, "audit_events");
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = scm_test_make_tmp_dir ("test-store-XXXXXX");
  f->store = scm_store_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);

  f->acme = add_organization (f->store, "Acme");
  f->sales = add_department (f->store, scm_organization_get_id (f->acme), "Sales");
  f->globex = add_organization (f->store, "Globex");
  f->ops = add_department (f->store, scm_organization_get_id (f->globex), "Ops");
  f->example = add_domain (f->store, "example.org", scm_organization_get_id (f->acme), 0, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->acme);
  g_clear_object (&f->sales);
  g_clear_object (&f->globex);
  g_clear_object (&f->ops);
  g_clear_object (&f->example);
  g_assert_finalize_object (f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->last_message);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

/* Opening, modes, migrations ----------------------------------------------------- */

static void
test_open_modes (void)
{
  g_autofree char *base = scm_test_make_tmp_dir ("test-store-XXXXXX");
  g_autofree char *dir = g_build_filename (base, "nested", "data", NULL);
  g_autofree char *db_path = g_build_filename (dir, "scm-enroll.db", NULL);
  g_autofree char *key_path = g_build_filename (dir, "installation.key", NULL);
  g_autofree char *wal_path = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *shm_path = g_strconcat (db_path, "-shm", NULL);
  g_autoptr(ScmStore) store = NULL;
  g_autoptr(ScmOrganization) organization = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  store = scm_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_store_get_data_dir (store), ==, dir);
  g_assert_cmpstr (scm_store_get_database_path (store), ==, db_path);

  /* Write something so that the WAL and shared-memory files exist. */
  organization = add_organization (store, "Acme");

  g_assert_cmpuint (file_mode (dir), ==, 0700);
  g_assert_cmpuint (file_mode (db_path), ==, 0600);
  g_assert_cmpuint (file_mode (key_path), ==, 0600);
  g_assert_true (g_file_test (wal_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (wal_path), ==, 0600);
  g_assert_true (g_file_test (shm_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (shm_path), ==, 0600);

  /* A fresh database is at the latest schema, in WAL mode. */
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, scm_store_get_latest_schema_version ());
  g_assert_cmpint (scm_store_get_latest_schema_version (), >=, 1);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_assert_finalize_object (g_steal_pointer (&store));

  /* Opening again neither migrates twice nor loses anything. */
  store = scm_store_open (dir, &error);
  g_assert_no_error (error);
  g_clear_object (&organization);
  organization = scm_store_find_organization_by_name (store, "acme", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_organization_get_name (organization), ==, "Acme");
  g_assert_true (scm_store_verify (store, &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  scm_test_remove_tree (base);
}

static void
test_open_too_new (void)
{
  g_autofree char *dir = scm_test_make_tmp_dir ("test-store-XXXXXX");
  g_autofree char *db_path = g_build_filename (dir, "scm-enroll.db", NULL);
  g_autofree char *sql = NULL;
  g_autoptr(ScmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  sqlite3 *db = NULL;

  store = scm_store_open (dir, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  sql = g_strdup_printf ("PRAGMA user_version = %u", scm_store_get_latest_schema_version () + 1);
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = scm_store_open (dir, &error);
  g_assert_null (store);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_SCHEMA_TOO_NEW);
  expected = g_strdup_printf ("was written by a newer version of ScmEnroll (schema %u, this "
                              "version knows %u); upgrade ScmEnroll",
                              scm_store_get_latest_schema_version () + 1,
                              scm_store_get_latest_schema_version ());
  g_assert_nonnull (strstr (error->message, expected));

  scm_test_remove_tree (dir);
}

static void
test_open_old_schema_upgrades (void)
{
  g_autofree char *dir = scm_test_make_tmp_dir ("test-store-XXXXXX");
  g_autofree char *db_path = g_build_filename (dir, "scm-enroll.db", NULL);
  g_autofree char *key_path = g_build_filename (dir, "installation.key", NULL);
  g_autoptr(ScmStore) store = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key[SCM_INSTALLATION_KEY_SIZE];
  sqlite3 *db = NULL;

  /* A schema-0 database (an empty SQLite file, as an older build that
   * never migrated would leave it) is brought up to date. */
  g_assert_true (scm_installation_key_load_or_create (key_path, key, &error));
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 0", NULL, NULL, NULL), ==,
                   SQLITE_OK);
  sqlite3_close (db);
  g_chmod (db_path, 0644);

  store = scm_store_open (dir, &error);
  g_assert_no_error (error);
  profiles = scm_store_list_profiles (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 3);
  /* An existing database that others could read is restricted. */
  g_assert_cmpuint (file_mode (db_path), ==, 0600);

  g_clear_object (&store);
  scm_test_remove_tree (dir);
}

static void
test_open_missing_key (void)
{
  g_autofree char *dir = scm_test_make_tmp_dir ("test-store-XXXXXX");
  g_autofree char *key_path = g_build_filename (dir, "installation.key", NULL);
  g_autoptr(ScmStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = scm_store_open (dir, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  /* A lost key must not be silently replaced by a new one. */
  g_assert_cmpint (g_unlink (key_path), ==, 0);
  store = scm_store_open (dir, &error);
  g_assert_null (store);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (key_path, G_FILE_TEST_EXISTS));

  scm_test_remove_tree (dir);
}

static void
test_default_data_dir (void)
{
  g_autofree char *from_env = NULL;
  g_autofree char *fallback = NULL;
  g_autofree char *expected = NULL;

  /* setenv() is only safe in a process without other threads. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  g_setenv ("SCM_ENROLL_DATA_DIR", "/srv/scm", TRUE);
  from_env = scm_store_default_data_dir ();
  g_assert_cmpstr (from_env, ==, "/srv/scm");

  g_unsetenv ("SCM_ENROLL_DATA_DIR");
  fallback = scm_store_default_data_dir ();
  expected = g_build_filename (g_get_user_data_dir (), "scm-enroll", NULL);
  g_assert_cmpstr (fallback, ==, expected);
}

/* Organizations and departments ----------------------------------------------------- */

static void
test_organization_crud (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(ScmOrganization) organization = scm_organization_new ();
  g_autoptr(ScmOrganization) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  gint64 audits = audit_count (f);
  gint64 id;

  scm_organization_set_name (organization, "  Initech Ltd.  ");
  scm_organization_set_secondary_name (organization, "Initech Limited");
  scm_organization_set_country (organization, "gb");
  g_assert_true (scm_store_create_organization (f->store, organization, &error));
  g_assert_no_error (error);
  id = scm_organization_get_id (organization);
  g_assert_cmpint (id, >, 0);
  g_assert_cmpstr (scm_organization_get_name (organization), ==, "Initech Ltd.");
  g_assert_cmpstr (scm_organization_get_country (organization), ==, "GB");
  g_assert_cmpint (scm_organization_get_created_at (organization), >, 0);
  g_assert_cmpint (audit_count (f), ==, audits + 1);

  found = scm_store_find_organization_by_name (f->store, "INITECH LTD.", &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_organization_get_id (found), ==, id);
  g_assert_cmpstr (scm_organization_get_secondary_name (found), ==, "Initech Limited");
  g_clear_object (&found);

  list = scm_store_list_organizations (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (scm_organization_get_name (list->pdata[0]), ==, "Acme");
  g_assert_cmpstr (scm_organization_get_name (list->pdata[1]), ==, "Globex");
  g_assert_cmpstr (scm_organization_get_name (list->pdata[2]), ==, "Initech Ltd.");

  scm_organization_set_name (organization, "Initech");
  scm_organization_set_country (organization, NULL);
  g_assert_true (scm_store_update_organization (f->store, organization, &error));
  g_assert_no_error (error);
  found = scm_store_get_organization (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_organization_get_name (found), ==, "Initech");
  g_assert_null (scm_organization_get_country (found));
  g_clear_object (&found);

  g_assert_true (scm_store_delete_organization (f->store, id, &error));
  g_assert_no_error (error);
  found = scm_store_get_organization (f->store, id, &error);
  g_assert_null (found);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (audit_count (f), ==, audits + 3);

  /* The audit log names what happened. */
  {
    ScmAuditFilter filter = { .action = "organization." };
    g_autoptr(GPtrArray) events = scm_store_list_audit_events (f->store, &filter, 3, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (events->len, ==, 3);
    g_assert_cmpstr (scm_audit_event_get_action (events->pdata[0]), ==, "organization.delete");
    g_assert_cmpstr (scm_audit_event_get_object (events->pdata[0]), ==, "Initech");
    g_assert_cmpstr (scm_audit_event_get_actor (events->pdata[0]), ==, "admin");
    g_assert_cmpstr (scm_audit_event_get_action (events->pdata[2]), ==, "organization.create");
  }
}

static void
test_organization_refusals (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(ScmOrganization) organization = scm_organization_new ();
  g_autofree char *long_name = g_strnfill (129, 'x');
  g_autofree char *max_name = g_strnfill (128, 'y');

  scm_organization_set_name (organization, "   ");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_create_organization (f->store, organization, &refusal));
  ASSERT_MESSAGE_HAS (f, "empty");

  scm_organization_set_name (organization, long_name);
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_create_organization (f->store, organization, &refusal));
  ASSERT_MESSAGE_HAS (f, "at most 128");

  scm_organization_set_name (organization, "Bad\x01Name");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_create_organization (f->store, organization, &refusal));
  ASSERT_MESSAGE_HAS (f, "control character");

  scm_organization_set_name (organization, "Bad \xff name");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_create_organization (f->store, organization, &refusal));
  ASSERT_MESSAGE_HAS (f, "UTF-8");

  /* Unique without regard to case, also beyond ASCII. */
  scm_organization_set_name (organization, "ACME");
  ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE,
                  scm_store_create_organization (f->store, organization, &refusal));
  ASSERT_MESSAGE_HAS (f, "“ACME” already exists");

  scm_organization_set_name (organization, "Müller AG");
  g_assert_true (scm_store_create_organization (f->store, organization, NULL));
  {
    g_autoptr(ScmOrganization) other = scm_organization_new ();

    scm_organization_set_name (other, "MÜLLER AG");
    ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE,
                    scm_store_create_organization (f->store, other, &refusal));
  }

  scm_organization_set_id (organization, 0);
  scm_organization_set_name (organization, max_name);
  scm_organization_set_country (organization, "UK");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_create_organization (f->store, organization, &refusal));
  ASSERT_MESSAGE_HAS (f, "GB");

  /* Renaming onto another organization's name. */
  scm_organization_set_country (f->globex, NULL);
  scm_organization_set_name (f->globex, "acme");
  ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE,
                  scm_store_update_organization (f->store, f->globex, &refusal));

  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND, scm_store_delete_organization (f->store, 999, &refusal));
}

static void
test_organization_in_use (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ScmPerson) jane = add_person (f, "jane@example.org");
  g_autoptr(ScmPerson) john = add_person (f, "john@example.org");
  g_autoptr(GError) error = NULL;

  ASSERT_REFUSED (f, SCM_ERROR_IN_USE,
                  scm_store_delete_organization (f->store, scm_organization_get_id (f->acme),
                                                 &refusal));
  g_assert_cmpstr (f->last_message, ==,
                   "Organization “Acme” still has 2 persons; delete or move them first.");

  scm_person_set_department_id (john, scm_department_get_id (f->sales));
  g_assert_true (scm_store_update_person (f->store, john, &error));
  g_assert_no_error (error);
  ASSERT_REFUSED (f, SCM_ERROR_IN_USE,
                  scm_store_delete_department (f->store, scm_department_get_id (f->sales),
                                               &refusal));
  g_assert_cmpstr (f->last_message, ==,
                   "Department “Acme / Sales” still has 1 person; delete or move it first.");

  /* Globex has only a department: that is named. */
  ASSERT_REFUSED (f, SCM_ERROR_IN_USE,
                  scm_store_delete_organization (f->store, scm_organization_get_id (f->globex),
                                                 &refusal));
  g_assert_cmpstr (f->last_message, ==,
                   "Organization “Globex” still has 1 department; delete it first.");

  g_assert_true (scm_store_delete_department (f->store, scm_department_get_id (f->ops), &error));
  g_assert_no_error (error);
  g_assert_true (scm_store_delete_organization (f->store, scm_organization_get_id (f->globex),
                                                &error));
  g_assert_no_error (error);
}

static void
test_department_crud (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ScmDepartment) department = scm_department_new ();
  g_autoptr(ScmDepartment) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  /* The same name in another organization is fine. */
  scm_department_set_organization_id (department, scm_organization_get_id (f->globex));
  scm_department_set_name (department, "Sales");
  g_assert_true (scm_store_create_department (f->store, department, &error));
  g_assert_no_error (error);

  found = scm_store_find_department_by_name (f->store, scm_organization_get_id (f->acme),
                                            "SALES", &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_department_get_id (found), ==, scm_department_get_id (f->sales));
  g_clear_object (&found);

  list = scm_store_list_departments (f->store, scm_organization_get_id (f->globex), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (scm_department_get_name (list->pdata[0]), ==, "Ops");
  g_assert_cmpstr (scm_department_get_name (list->pdata[1]), ==, "Sales");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = scm_store_list_departments (f->store, 0, &error);
  g_assert_cmpuint (list->len, ==, 3);

  scm_department_set_name (department, "Field Sales");
  g_assert_true (scm_store_update_department (f->store, department, &error));
  g_assert_no_error (error);
  found = scm_store_get_department (f->store, scm_department_get_id (department), &error);
  g_assert_cmpstr (scm_department_get_name (found), ==, "Field Sales");

  g_assert_true (scm_store_delete_department (f->store, scm_department_get_id (department),
                                              &error));
  g_assert_no_error (error);
}

static void
test_department_refusals (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(ScmDepartment) department = scm_department_new ();

  scm_department_set_organization_id (department, scm_organization_get_id (f->acme));
  scm_department_set_name (department, " sales ");
  ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE,
                  scm_store_create_department (f->store, department, &refusal));
  g_assert_cmpstr (f->last_message, ==, "Organization “Acme” already has a department named "
                   "“sales”; choose another name.");

  scm_department_set_organization_id (department, 4242);
  scm_department_set_name (department, "Research");
  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND,
                  scm_store_create_department (f->store, department, &refusal));

  /* A department does not move between organizations. */
  scm_department_set_organization_id (f->sales, scm_organization_get_id (f->globex));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_update_department (f->store, f->sales, &refusal));
  ASSERT_MESSAGE_HAS (f, "cannot move");

  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND,
                  scm_store_find_department_by_name (f->store, scm_organization_get_id (f->acme),
                                                     "Nope", &refusal) != NULL);
}

/* Domains ---------------------------------------------------------------------------- */

static void
test_domain_crud (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ScmDomain) domain = scm_domain_new ();
  g_autoptr(ScmDomain) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  scm_domain_set_name (domain, " *.Corp.Example.COM. ");
  scm_domain_set_organization_id (domain, scm_organization_get_id (f->acme));
  scm_domain_set_department_id (domain, scm_department_get_id (f->sales));
  g_assert_true (scm_store_create_domain (f->store, domain, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (scm_domain_get_name (domain), ==, "*.corp.example.com");
  g_assert_true (scm_domain_is_wildcard (domain));
  g_assert_false (scm_domain_get_validated (domain));

  found = scm_store_find_domain (f->store, "*.corp.example.com",
                                 scm_organization_get_id (f->acme),
                                 scm_department_get_id (f->sales), &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_domain_get_id (found), ==, scm_domain_get_id (domain));
  g_clear_object (&found);

  g_assert_true (scm_store_set_domain_validated (f->store, domain, TRUE, &error));
  g_assert_true (scm_domain_get_validated (domain));
  found = scm_store_get_domain (f->store, scm_domain_get_id (domain), &error);
  g_assert_true (scm_domain_get_validated (found));
  g_assert_cmpint (scm_domain_get_validated_at (found), >, 0);
  g_clear_object (&found);

  /* A new delegation must be validated again. */
  scm_domain_set_department_id (domain, 0);
  g_assert_true (scm_store_update_domain (f->store, domain, &error));
  g_assert_no_error (error);
  found = scm_store_get_domain (f->store, scm_domain_get_id (domain), &error);
  g_assert_false (scm_domain_get_validated (found));
  g_assert_cmpint (scm_domain_get_department_id (found), ==, 0);

  list = scm_store_list_domains (f->store, scm_organization_get_id (f->acme), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (scm_domain_get_name (list->pdata[0]), ==, "*.corp.example.com");
  g_assert_cmpstr (scm_domain_get_name (list->pdata[1]), ==, "example.org");

  g_assert_true (scm_store_delete_domain (f->store, scm_domain_get_id (domain), &error));
  g_assert_no_error (error);
}

static void
test_domain_refusals (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ScmDomain) domain = scm_domain_new ();
  g_autoptr(ScmPerson) person = add_person (f, "jane@example.org");

  scm_domain_set_organization_id (domain, scm_organization_get_id (f->acme));
  scm_domain_set_name (domain, "exa_mple.org");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_domain (f->store, domain, &refusal));
  scm_domain_set_name (domain, "-example.org");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_domain (f->store, domain, &refusal));
  scm_domain_set_name (domain, "localhost");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_domain (f->store, domain, &refusal));
  scm_domain_set_name (domain, "a.*.example.org");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_domain (f->store, domain, &refusal));

  scm_domain_set_name (domain, "EXAMPLE.org");
  ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE, scm_store_create_domain (f->store, domain, &refusal));
  g_assert_cmpstr (f->last_message, ==, "example.org is already delegated to Acme.");

  /* A department of another organization. */
  scm_domain_set_name (domain, "acme.example");
  scm_domain_set_department_id (domain, scm_department_get_id (f->ops));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_domain (f->store, domain, &refusal));
  ASSERT_MESSAGE_HAS (f, "belongs to another organization");

  /* In use by a person: neither renamed nor deleted. */
  scm_domain_set_name (f->example, "example.net");
  ASSERT_REFUSED (f, SCM_ERROR_IN_USE, scm_store_update_domain (f->store, f->example, &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_IN_USE,
                  scm_store_delete_domain (f->store, scm_domain_get_id (f->example), &refusal));
  g_assert_cmpstr (f->last_message, ==,
                   "Domain example.org still has 1 person; delete or move it first.");
}

static void
test_domain_delegation (Fixture       *f,
                        gconstpointer  data)
{
  gint64 acme = scm_organization_get_id (f->acme);
  gint64 sales = scm_department_get_id (f->sales);
  gint64 globex = scm_organization_get_id (f->globex);
  g_autoptr(ScmDomain) wildcard = add_domain (f->store, "*.acme.test", acme, 0, TRUE);
  g_autoptr(ScmDomain) sales_only = add_domain (f->store, "sales.test", acme, sales, TRUE);
  g_autoptr(ScmDomain) pending = add_domain (f->store, "pending.test", acme, 0, FALSE);
  g_autoptr(ScmDomain) found = NULL;
  g_autoptr(GError) error = NULL;

  /* Exact, through a department (an organization's domain covers them). */
  found = scm_store_find_delegating_domain (f->store, "Jane@Example.ORG", acme, sales, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_domain_get_id (found), ==, scm_domain_get_id (f->example));
  g_clear_object (&found);

  /* A wildcard covers its base name and every name below. */
  found = scm_store_find_delegating_domain (f->store, "a@acme.test", acme, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_domain_get_id (found), ==, scm_domain_get_id (wildcard));
  g_clear_object (&found);
  found = scm_store_find_delegating_domain (f->store, "a@x.y.acme.test", acme, sales, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_domain_get_id (found), ==, scm_domain_get_id (wildcard));
  g_clear_object (&found);
  found = scm_store_find_delegating_domain (f->store, "a@notacme.test", acme, 0, &error);
  g_assert_null (found);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_DELEGATED);
  g_clear_error (&error);

  /* A department's domain is only for that department. */
  found = scm_store_find_delegating_domain (f->store, "a@sales.test", acme, sales, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_domain_get_id (found), ==, scm_domain_get_id (sales_only));
  g_clear_object (&found);
  found = scm_store_find_delegating_domain (f->store, "a@sales.test", acme, 0, &error);
  g_assert_null (found);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_DELEGATED);
  g_assert_cmpstr (error->message, ==, "sales.test is not a delegated domain of Acme; delegate "
                   "it under Domains first.");
  g_clear_error (&error);

  /* Another organization does not inherit Acme's domains. */
  found = scm_store_find_delegating_domain (f->store, "a@example.org", globex,
                                            scm_department_get_id (f->ops), &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_DELEGATED);
  g_assert_cmpstr (error->message, ==, "example.org is not a delegated domain of Globex / Ops; "
                   "delegate it under Domains first.");
  g_clear_error (&error);

  found = scm_store_find_delegating_domain (f->store, "a@pending.test", acme, 0, &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_DELEGATED);
  g_assert_nonnull (strstr (error->message, "pending.test is delegated to Acme but still "
                            "pending validation"));
  g_clear_error (&error);

  /* The department must belong to the organization. */
  found = scm_store_find_delegating_domain (f->store, "a@example.org", acme,
                                            scm_department_get_id (f->ops), &error);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);
}

/* Profiles ---------------------------------------------------------------------------- */

static void
test_profile_builtins (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(ScmProfile) client = builtin_profile (f, "Client Authentication");
  g_autoptr(ScmProfile) strict = builtin_profile (f, "S/MIME Mailbox (Strict)");
  g_autoptr(ScmProfile) multi = builtin_profile (f, "S/MIME + Client (Multipurpose)");
  g_autoptr(ScmProfile) reread = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (scm_profile_get_builtin (client));
  g_assert_cmpuint (scm_profile_get_purpose (client), ==, SCM_PURPOSE_CLIENT_AUTH);
  g_assert_cmpuint (scm_profile_get_purpose (strict), ==, SCM_PURPOSE_SMIME);
  g_assert_cmpint (scm_profile_get_cn_source (strict), ==, SCM_CN_SOURCE_EMAIL);
  g_assert_cmpuint (scm_profile_get_purpose (multi), ==,
                    SCM_PURPOSE_CLIENT_AUTH | SCM_PURPOSE_SMIME);
  g_assert_cmpuint (scm_profile_get_key_types (client)->len, ==, 5);
  g_assert_true (scm_profile_allows_key_type (client, SCM_KEY_TYPE_EC_P384));
  g_assert_true (scm_profile_allows_term (client, 365));
  g_assert_true (scm_profile_allows_term (client, 730));
  g_assert_false (scm_profile_allows_term (client, 825));

  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_delete_profile (f->store, scm_profile_get_id (client), &refusal));
  ASSERT_MESSAGE_HAS (f, "built-in");

  /* Built-ins can be edited and stay built-in. */
  scm_profile_set_max_per_person (client, 2);
  scm_profile_set_policy_oid (client, "1.3.6.1.4.1.99999.1.2");
  g_assert_true (scm_store_update_profile (f->store, client, &error));
  g_assert_no_error (error);
  reread = scm_store_get_profile (f->store, scm_profile_get_id (client), &error);
  g_assert_cmpuint (scm_profile_get_max_per_person (reread), ==, 2);
  g_assert_cmpstr (scm_profile_get_policy_oid (reread), ==, "1.3.6.1.4.1.99999.1.2");
  g_assert_true (scm_profile_get_builtin (reread));
}

static void
test_profile_crud_and_refusals (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(ScmProfile) profile = scm_profile_new ();
  g_autoptr(ScmProfile) reread = NULL;
  g_autoptr(ScmForm) form = NULL;
  g_autoptr(ScmAccount) account = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  scm_profile_set_name (profile, "VPN");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_profile (f->store, profile, &refusal));
  ASSERT_MESSAGE_HAS (f, "key type");

  scm_profile_add_key_type (profile, SCM_KEY_TYPE_EC_P256);
  scm_profile_add_key_type (profile, SCM_KEY_TYPE_RSA_3072);
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_profile (f->store, profile, &refusal));
  ASSERT_MESSAGE_HAS (f, "no term");

  scm_profile_add_term (profile, 826);
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_profile (f->store, profile, &refusal));
  ASSERT_MESSAGE_HAS (f, "826");

  {
    g_autoptr(GArray) terms = g_array_new (FALSE, FALSE, sizeof (guint));
    guint days[] = { 90, 365, 90 };

    g_array_append_vals (terms, days, G_N_ELEMENTS (days));
    scm_profile_set_terms (profile, terms);
  }
  scm_profile_set_policy_oid (profile, "1.3.6.01");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_profile (f->store, profile, &refusal));
  scm_profile_set_policy_oid (profile, "3.1");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_profile (f->store, profile, &refusal));
  scm_profile_set_policy_oid (profile, "2.999.7");

  scm_profile_set_purpose (profile, 0);
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_profile (f->store, profile, &refusal));
  scm_profile_set_purpose (profile, SCM_PURPOSE_CLIENT_AUTH);

  scm_profile_set_name (profile, "client authentication");
  ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE, scm_store_create_profile (f->store, profile, &refusal));

  scm_profile_set_name (profile, "VPN");
  scm_profile_set_cn_source (profile, SCM_CN_SOURCE_NAME);
  scm_profile_set_description (profile, "Line one\nLine two");
  g_assert_true (scm_store_create_profile (f->store, profile, &error));
  g_assert_no_error (error);
  g_assert_false (scm_profile_get_builtin (profile));
  /* Duplicate terms are dropped, the order kept. */
  g_assert_cmpuint (scm_profile_get_terms (profile)->len, ==, 2);

  reread = scm_store_get_profile (f->store, scm_profile_get_id (profile), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scm_profile_get_terms (reread)->len, ==, 2);
  g_assert_cmpuint (g_array_index (scm_profile_get_terms (reread), guint, 0), ==, 90);
  g_assert_cmpuint (g_array_index (scm_profile_get_terms (reread), guint, 1), ==, 365);
  g_assert_cmpuint (scm_profile_get_key_types (reread)->len, ==, 2);
  g_assert_false (scm_profile_allows_key_type (reread, SCM_KEY_TYPE_RSA_2048));
  g_assert_cmpint (scm_profile_get_cn_source (reread), ==, SCM_CN_SOURCE_NAME);
  g_assert_cmpstr (scm_profile_get_description (reread), ==, "Line one\nLine two");
  g_assert_cmpstr (scm_profile_get_policy_oid (reread), ==, "2.999.7");

  list = scm_store_list_profiles (f->store, &error);
  g_assert_cmpuint (list->len, ==, 4);

  /* In use by an account: not deleted. */
  form = add_form (f, "Staff");
  account = new_account (f, form, "VPN users");
  scm_account_set_profile_ids (account, NULL);
  scm_account_add_profile_id (account, scm_profile_get_id (profile));
  g_assert_true (scm_store_create_account (f->store, account, &error));
  g_assert_no_error (error);
  ASSERT_REFUSED (f, SCM_ERROR_IN_USE,
                  scm_store_delete_profile (f->store, scm_profile_get_id (profile), &refusal));
  g_assert_cmpstr (f->last_message, ==, "Profile “VPN” still has 1 account allowing it; remove "
                   "it from those accounts first.");

  g_assert_true (scm_store_delete_account (f->store, scm_account_get_id (account), &error));
  g_assert_true (scm_store_delete_profile (f->store, scm_profile_get_id (profile), &error));
  g_assert_no_error (error);
}

/* Forms ---------------------------------------------------------------------------------- */

static void
test_form_crud (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ScmForm) form = scm_form_new ();
  g_autoptr(ScmForm) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_extension = NULL;

  scm_form_set_name (form, "Staff enrollment");
  scm_form_set_authentication (form, SCM_AUTHENTICATION_SECRET_ID);
  scm_form_set_help_text (form, "Use the Secret ID from your welcome letter.\nCall IT otherwise.");
  scm_form_set_help_link_text (form, "Help");
  scm_form_set_help_link_url (form, "https://help.example.org/enroll");
  scm_form_set_contact (form, "it@example.org");
  scm_form_set_all_organizations (form, FALSE);
  scm_form_add_organization_id (form, scm_organization_get_id (f->acme));
  g_assert_true (scm_store_create_form (f->store, form, &error));
  g_assert_no_error (error);

  /* A generated extension: 128 random bits as 32 hex digits. */
  g_assert_cmpuint (strlen (scm_form_get_uri_extension (form)), ==, 32);
  g_assert_true (scm_validate_uri_extension (scm_form_get_uri_extension (form), NULL));
  g_assert_cmpstr (scm_form_get_form_type (form), ==, SCM_FORM_TYPE_CLIENT_SELF_ENROLLMENT);
  first_extension = g_strdup (scm_form_get_uri_extension (form));

  found = scm_store_find_form_by_uri_extension (f->store, first_extension, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_form_get_id (found), ==, scm_form_get_id (form));
  g_assert_cmpint (scm_form_get_authentication (found), ==, SCM_AUTHENTICATION_SECRET_ID);
  g_assert_false (scm_form_get_all_organizations (found));
  g_assert_cmpuint (scm_form_get_organization_ids (found)->len, ==, 1);
  g_assert_true (scm_form_is_delegated_to (found, scm_organization_get_id (f->acme)));
  g_assert_false (scm_form_is_delegated_to (found, scm_organization_get_id (f->globex)));
  g_assert_cmpstr (scm_form_get_help_text (found), ==,
                   "Use the Secret ID from your welcome letter.\nCall IT otherwise.");
  g_assert_true (scm_form_get_enabled (found));
  g_clear_object (&found);

  found = scm_store_find_form_by_name (f->store, "STAFF ENROLLMENT", &error);
  g_assert_no_error (error);
  g_clear_object (&found);

  g_assert_true (scm_store_regenerate_form_extension (f->store, form, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (scm_form_get_uri_extension (form), !=, first_extension);
  found = scm_store_find_form_by_uri_extension (f->store, first_extension, &error);
  g_assert_null (found);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  scm_form_set_uri_extension (form, "staff_2026-Q1");
  scm_form_add_organization_id (form, scm_organization_get_id (f->globex));
  scm_form_set_enabled (form, FALSE);
  g_assert_true (scm_store_update_form (f->store, form, &error));
  g_assert_no_error (error);
  found = scm_store_get_form (f->store, scm_form_get_id (form), &error);
  g_assert_cmpstr (scm_form_get_uri_extension (found), ==, "staff_2026-Q1");
  g_assert_cmpuint (scm_form_get_organization_ids (found)->len, ==, 2);
  g_assert_false (scm_form_get_enabled (found));
  g_clear_object (&found);

  {
    g_autoptr(ScmForm) second = add_form (f, "Contractors");

    list = scm_store_list_forms (f->store, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 2);
    g_assert_cmpstr (scm_form_get_name (list->pdata[0]), ==, "Contractors");
    g_assert_true (scm_form_get_all_organizations (list->pdata[0]));
    g_assert_cmpuint (scm_form_get_organization_ids (list->pdata[1])->len, ==, 2);
  }

  g_assert_true (scm_store_delete_form (f->store, scm_form_get_id (form), &error));
  g_assert_no_error (error);
}

static void
test_form_refusals (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(ScmForm) existing = add_form (f, "Staff");
  g_autoptr(ScmForm) form = scm_form_new ();
  g_autoptr(ScmAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  scm_form_set_name (form, "Other");
  scm_form_set_uri_extension (form, "short");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_form (f->store, form, &refusal));
  ASSERT_MESSAGE_HAS (f, "8 to 64");
  scm_form_set_uri_extension (form, "has/slash/inside");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_form (f->store, form, &refusal));
  scm_form_set_uri_extension (form, "with space x");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_form (f->store, form, &refusal));

  /* Unique without regard to case, so no two URLs differ by case only. */
  {
    g_autofree char *upper = g_ascii_strup (scm_form_get_uri_extension (existing), -1);

    scm_form_set_uri_extension (form, upper);
    ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE, scm_store_create_form (f->store, form, &refusal));
    ASSERT_MESSAGE_HAS (f, "form “Staff”");
  }
  scm_form_set_uri_extension (form, NULL);

  scm_form_set_help_link_url (form, "ftp://example.org/help");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_form (f->store, form, &refusal));
  scm_form_set_help_link_url (form, "javascript:alert(1)");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_form (f->store, form, &refusal));
  scm_form_set_help_link_url (form, NULL);

  scm_form_set_form_type (form, "server");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_form (f->store, form, &refusal));
  scm_form_set_form_type (form, NULL);

  scm_form_set_all_organizations (form, FALSE);
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_form (f->store, form, &refusal));
  scm_form_add_organization_id (form, 777);
  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND, scm_store_create_form (f->store, form, &refusal));

  scm_form_set_name (form, "staff");
  scm_form_set_all_organizations (form, TRUE);
  ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE, scm_store_create_form (f->store, form, &refusal));

  /* Dropping the organization of one of its accounts. */
  account = new_account (f, existing, "Everyone");
  g_assert_true (scm_store_create_account (f->store, account, &error));
  g_assert_no_error (error);
  scm_form_set_all_organizations (existing, FALSE);
  scm_form_add_organization_id (existing, scm_organization_get_id (f->globex));
  ASSERT_REFUSED (f, SCM_ERROR_IN_USE, scm_store_update_form (f->store, existing, &refusal));
  ASSERT_MESSAGE_HAS (f, "Account “Everyone”");
  ASSERT_REFUSED (f, SCM_ERROR_IN_USE,
                  scm_store_delete_form (f->store, scm_form_get_id (existing), &refusal));
  g_assert_cmpstr (f->last_message, ==, "Form “Staff” still has 1 account; delete it first.");
}

/* Accounts ------------------------------------------------------------------------------ */

static void
test_account_crud (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ScmForm) form = add_form (f, "Staff");
  g_autoptr(ScmAccount) account = new_account (f, form, "Sales staff");
  g_autoptr(ScmProfile) multi = builtin_profile (f, "S/MIME + Client (Multipurpose)");
  g_autoptr(ScmAccount) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dump_before = NULL;
  char *code = NULL;

  scm_account_set_department_id (account, scm_department_get_id (f->sales));
  scm_account_add_profile_id (account, scm_profile_get_id (multi));
  scm_account_set_csr_methods (account, SCM_CSR_METHOD_SERVER | SCM_CSR_METHOD_CLIENT);
  scm_account_set_authorization (account, SCM_AUTHORIZATION_ACCESS_CODE);
  scm_account_set_pkcs12_protection (account, SCM_PKCS12_TRIPLEDES_SHA1);
  g_assert_true (scm_store_create_account (f->store, account, &error));
  g_assert_no_error (error);

  found = scm_store_find_account_by_name (f->store, scm_form_get_id (form), "sales STAFF",
                                          &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_account_get_id (found), ==, scm_account_get_id (account));
  g_assert_cmpuint (scm_account_get_profile_ids (found)->len, ==, 2);
  g_assert_cmpint (g_array_index (scm_account_get_profile_ids (found), gint64, 1), ==,
                   scm_profile_get_id (multi));
  g_assert_cmpuint (scm_account_get_csr_methods (found), ==,
                    SCM_CSR_METHOD_SERVER | SCM_CSR_METHOD_CLIENT);
  g_assert_cmpint (scm_account_get_authorization (found), ==, SCM_AUTHORIZATION_ACCESS_CODE);
  g_assert_cmpint (scm_account_get_pkcs12_protection (found), ==, SCM_PKCS12_TRIPLEDES_SHA1);
  g_assert_false (scm_account_get_allow_empty_password (found));
  g_assert_false (scm_account_get_has_access_code (found));
  g_clear_object (&found);

  /* The access code is handed out once and stored only as a keyed hash. */
  g_assert_true (scm_store_generate_access_code (f->store, account, &code, &error));
  g_assert_no_error (error);
  g_assert_true (scm_account_get_has_access_code (account));
  g_assert_true (scm_store_verify_access_code (f->store, scm_account_get_id (account), code));
  g_assert_false (scm_store_verify_access_code (f->store, scm_account_get_id (account),
                                                "AAAA-BBBB-CCCC-DDDD"));
  dump_before = dump_database (f);
  g_assert_null (strstr (dump_before, code));
  {
    g_autofree char *normalized = scm_secret_normalize (code);
    g_assert_null (strstr (dump_before, normalized));
  }
  scm_secret_free (code);

  list = scm_store_list_accounts (f->store, scm_form_get_id (form), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_true (scm_account_get_has_access_code (list->pdata[0]));
  g_assert_cmpuint (scm_account_get_profile_ids (list->pdata[0])->len, ==, 2);

  scm_account_set_name (account, "Sales team");
  scm_account_set_allow_empty_password (account, TRUE);
  g_assert_true (scm_store_update_account (f->store, account, &error));
  g_assert_no_error (error);
  found = scm_store_get_account (f->store, scm_account_get_id (account), &error);
  g_assert_cmpstr (scm_account_get_name (found), ==, "Sales team");
  g_assert_true (scm_account_get_allow_empty_password (found));
  /* Editing keeps the access code. */
  g_assert_true (scm_account_get_has_access_code (found));

  g_assert_true (scm_store_delete_account (f->store, scm_account_get_id (account), &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f, "account_profiles"), ==, 0);
}

static void
test_account_refusals (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(ScmForm) form = scm_form_new ();
  g_autoptr(ScmAccount) account = NULL;
  g_autoptr(ScmAccount) existing = NULL;
  g_autoptr(GError) error = NULL;

  scm_form_set_name (form, "Acme only");
  scm_form_set_all_organizations (form, FALSE);
  scm_form_add_organization_id (form, scm_organization_get_id (f->acme));
  g_assert_true (scm_store_create_form (f->store, form, &error));
  g_assert_no_error (error);

  existing = new_account (f, form, "Everyone");
  g_assert_true (scm_store_create_account (f->store, existing, &error));

  account = new_account (f, form, "EVERYONE");
  ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE, scm_store_create_account (f->store, account, &refusal));

  /* The organization must be one the form is delegated to. */
  scm_account_set_name (account, "Globex people");
  scm_account_set_organization_id (account, scm_organization_get_id (f->globex));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_account (f->store, account, &refusal));
  g_assert_cmpstr (f->last_message, ==, "Form “Acme only” is not delegated to organization "
                   "“Globex”; add the organization to the form or choose another one.");

  scm_account_set_organization_id (account, scm_organization_get_id (f->acme));
  scm_account_set_department_id (account, scm_department_get_id (f->ops));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_account (f->store, account, &refusal));
  scm_account_set_department_id (account, 0);

  scm_account_set_profile_ids (account, NULL);
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_account (f->store, account, &refusal));
  scm_account_add_profile_id (account, 4711);
  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND, scm_store_create_account (f->store, account, &refusal));
  g_object_unref (account);
  account = new_account (f, form, "Globex people");

  scm_account_set_csr_methods (account, 0);
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_account (f->store, account, &refusal));
  scm_account_set_csr_methods (account, SCM_CSR_METHOD_PROVIDED);

  scm_account_set_form_id (account, 999);
  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND, scm_store_create_account (f->store, account, &refusal));

  /* It does not move between forms. */
  {
    g_autoptr(ScmForm) other = add_form (f, "Other");

    scm_account_set_form_id (existing, scm_form_get_id (other));
    ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_update_account (f->store, existing, &refusal));
  }
}

/* Persons ------------------------------------------------------------------------------ */

static void
test_person_crud (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ScmPerson) person = new_person (f, "  Jane.Doe+Certs@EXAMPLE.org ");
  g_autoptr(ScmPerson) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *full = NULL;
  const char *secondary[] = { "jd@Mail.Acme.Test", "JD@mail.acme.test", NULL };
  g_autoptr(ScmDomain) wildcard = add_domain (f->store, "*.acme.test",
                                              scm_organization_get_id (f->acme), 0, TRUE);

  scm_person_set_department_id (person, scm_department_get_id (f->sales));
  scm_person_set_middle_name (person, "Q.");
  scm_person_set_phone (person, "+49 (30) 1234-567");
  scm_person_set_secondary_emails (person, secondary);
  scm_person_set_upn (person, "jdoe@corp.example.org");
  scm_person_set_validation_type (person, SCM_VALIDATION_HIGH);
  g_assert_true (scm_store_create_person (f->store, person, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (scm_person_get_email (person), ==, "jane.doe+certs@example.org");
  g_assert_cmpint (scm_person_get_domain_id (person), ==, scm_domain_get_id (f->example));
  g_assert_cmpstr (scm_person_get_common_name (person), ==, "Jane Doe");
  g_assert_cmpstr (scm_person_get_created_by (person), ==, "admin");
  g_assert_false (scm_person_get_has_secret_id (person));
  full = scm_person_dup_full_name (person);
  g_assert_cmpstr (full, ==, "Jane Q. Doe");

  found = scm_store_find_person_by_email (f->store, "JANE.DOE+certs@example.org", &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_person_get_id (found), ==, scm_person_get_id (person));
  g_assert_cmpint (scm_person_get_department_id (found), ==, scm_department_get_id (f->sales));
  g_assert_cmpstr (scm_person_get_phone (found), ==, "+49 (30) 1234-567");
  g_assert_cmpstr (scm_person_get_upn (found), ==, "jdoe@corp.example.org");
  g_assert_cmpint (scm_person_get_validation_type (found), ==, SCM_VALIDATION_HIGH);
  /* Secondary emails lower-cased, duplicates dropped. */
  g_assert_cmpuint (g_strv_length ((char **) scm_person_get_secondary_emails (found)), ==, 1);
  g_assert_cmpstr (scm_person_get_secondary_emails (found)[0], ==, "jd@mail.acme.test");
  g_assert_false (scm_person_get_sponsor_validated (found));
  g_clear_object (&found);

  /* Sponsor validation records who and when. */
  scm_store_set_actor (f->store, "sponsor@example.org");
  g_assert_true (scm_store_set_person_sponsor_validated (f->store, person, TRUE, &error));
  g_assert_no_error (error);
  scm_store_set_actor (f->store, NULL);
  g_assert_cmpstr (scm_store_get_actor (f->store), ==, "admin");
  found = scm_store_get_person (f->store, scm_person_get_id (person), &error);
  g_assert_true (scm_person_get_sponsor_validated (found));
  g_assert_cmpstr (scm_person_get_sponsor_validated_by (found), ==, "sponsor@example.org");
  g_assert_cmpint (scm_person_get_sponsor_validated_at (found), >, 0);
  g_clear_object (&found);

  scm_person_set_common_name (person, "Dr. Jane Doe");
  scm_person_set_email (person, "jane@example.org");
  scm_person_set_secondary_emails (person, NULL);
  g_assert_true (scm_store_update_person (f->store, person, &error));
  g_assert_no_error (error);
  found = scm_store_get_person (f->store, scm_person_get_id (person), &error);
  g_assert_cmpstr (scm_person_get_common_name (found), ==, "Dr. Jane Doe");
  g_assert_cmpstr (scm_person_get_email (found), ==, "jane@example.org");
  g_assert_null (scm_person_get_secondary_emails (found));
  /* The update keeps the sponsor's validation. */
  g_assert_true (scm_person_get_sponsor_validated (found));
  g_clear_object (&found);

  {
    g_autoptr(ScmPerson) aaron = new_person (f, "aaron@example.org");
    g_autoptr(ScmPerson) zoe = add_person (f, "zoe@example.org");

    scm_person_set_last_name (aaron, "Abbott");
    g_assert_true (scm_store_create_person (f->store, aaron, &error));
    list = scm_store_list_persons (f->store, 0, FALSE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 3);
    g_assert_cmpstr (scm_person_get_email (list->pdata[0]), ==, "aaron@example.org");
    g_assert_cmpstr (scm_person_get_email (list->pdata[1]), ==, "jane@example.org");
    g_assert_cmpstr (scm_person_get_email (list->pdata[2]), ==, "zoe@example.org");
    g_assert_cmpint (scm_store_count_persons (f->store, scm_organization_get_id (f->acme)), ==,
                     3);
    g_assert_cmpint (scm_store_count_persons (f->store, scm_organization_get_id (f->globex)),
                     ==, 0);
  }
}

static void
test_person_refusals (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(ScmPerson) existing = add_person (f, "jane@example.org");
  g_autoptr(ScmPerson) person = new_person (f, "jane@example.org");
  g_autoptr(ScmDomain) pending = add_domain (f->store, "pending.example",
                                             scm_organization_get_id (f->acme), 0, FALSE);
  g_autofree char *long_cn_first = g_strnfill (40, 'a');
  g_autofree char *long_cn_last = g_strnfill (40, 'b');
  const char *bad_secondary[] = { "jd@elsewhere.test", NULL };

  const char *bad_emails[] = {
    "plainaddress", "@example.org", "jane@", "jane..doe@example.org", ".jane@example.org",
    "jane.@example.org", "ja ne@example.org", "jane@exa mple.org", "jane@example",
    "jane@-example.org", "jäne@example.org", "jane@example.org.", "\"jane\"@example.org",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad_emails); i++)
    {
      scm_person_set_email (person, bad_emails[i]);
      ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_person (f->store, person, &refusal));
    }

  /* The same email in another case. */
  scm_person_set_email (person, "JANE@Example.Org");
  ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE, scm_store_create_person (f->store, person, &refusal));
  g_assert_cmpstr (f->last_message, ==, "A person with the email jane@example.org already "
                   "exists; edit that person instead.");

  scm_person_set_email (person, "john@elsewhere.test");
  ASSERT_REFUSED (f, SCM_ERROR_NOT_DELEGATED, scm_store_create_person (f->store, person, &refusal));
  ASSERT_MESSAGE_HAS (f, "elsewhere.test is not a delegated domain of Acme");

  scm_person_set_email (person, "john@pending.example");
  ASSERT_REFUSED (f, SCM_ERROR_NOT_DELEGATED, scm_store_create_person (f->store, person, &refusal));
  ASSERT_MESSAGE_HAS (f, "pending validation");

  scm_person_set_email (person, "john@example.org");
  scm_person_set_organization_id (person, 31337);
  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND, scm_store_create_person (f->store, person, &refusal));
  scm_person_set_organization_id (person, 0);
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_person (f->store, person, &refusal));

  scm_person_set_organization_id (person, scm_organization_get_id (f->acme));
  scm_person_set_department_id (person, scm_department_get_id (f->ops));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_person (f->store, person, &refusal));
  ASSERT_MESSAGE_HAS (f, "Department “Ops” belongs to another organization");
  scm_person_set_department_id (person, 0);

  scm_person_set_first_name (person, " ");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_person (f->store, person, &refusal));
  ASSERT_MESSAGE_HAS (f, "The first name is empty");
  scm_person_set_first_name (person, "John");

  scm_person_set_secondary_emails (person, bad_secondary);
  ASSERT_REFUSED (f, SCM_ERROR_NOT_DELEGATED, scm_store_create_person (f->store, person, &refusal));
  scm_person_set_secondary_emails (person, NULL);

  scm_person_set_phone (person, "call me");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_person (f->store, person, &refusal));
  scm_person_set_phone (person, NULL);

  scm_person_set_upn (person, "no-at-sign");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_person (f->store, person, &refusal));
  scm_person_set_upn (person, NULL);

  /* A default common name longer than X.509 allows must be shortened. */
  scm_person_set_first_name (person, long_cn_first);
  scm_person_set_last_name (person, long_cn_last);
  ASSERT_REFUSED (f, SCM_ERROR_INVALID, scm_store_create_person (f->store, person, &refusal));
  ASSERT_MESSAGE_HAS (f, "common name");
  scm_person_set_common_name (person, "A. B.");
  g_assert_true (scm_store_create_person (f->store, person, NULL));

  /* Updating onto another person's email. */
  scm_person_set_email (person, "Jane@example.org");
  ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE, scm_store_update_person (f->store, person, &refusal));
}

static void
test_person_soft_delete (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(ScmPerson) jane = add_person (f, "jane@example.org");
  g_autoptr(ScmPerson) again = NULL;
  g_autoptr(ScmPerson) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (scm_store_set_person_secret_id (f->store, jane, STRONG_SECRET, &error));
  g_assert_no_error (error);
  g_assert_true (scm_store_delete_person (f->store, scm_person_get_id (jane), &error));
  g_assert_no_error (error);

  found = scm_store_find_person_by_email (f->store, "jane@example.org", &error);
  g_assert_null (found);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Still there by id, marked deleted, without a usable Secret ID. */
  found = scm_store_get_person (f->store, scm_person_get_id (jane), &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_person_get_deleted_at (found), >, 0);
  g_assert_false (scm_person_get_has_secret_id (found));
  g_assert_false (scm_store_verify_person_secret_id (f->store, "jane@example.org",
                                                     STRONG_SECRET));

  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND,
                  scm_store_delete_person (f->store, scm_person_get_id (jane), &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND, scm_store_update_person (f->store, found, &refusal));

  /* The email can be used again, and so can the Secret ID. */
  again = add_person (f, "Jane@example.org");
  g_assert_cmpint (scm_person_get_id (again), !=, scm_person_get_id (jane));
  g_assert_true (scm_store_set_person_secret_id (f->store, again, STRONG_SECRET, &error));
  g_assert_no_error (error);

  list = scm_store_list_persons (f->store, 0, FALSE, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = scm_store_list_persons (f->store, 0, TRUE, &error);
  g_assert_cmpuint (list->len, ==, 2);

  /* An organization whose only persons are deleted still cannot go:
   * their rows keep the certificate history. */
  g_assert_true (scm_store_delete_person (f->store, scm_person_get_id (again), &error));
  ASSERT_REFUSED (f, SCM_ERROR_IN_USE,
                  scm_store_delete_organization (f->store, scm_organization_get_id (f->acme),
                                                 &refusal));
  ASSERT_MESSAGE_HAS (f, "2 deleted persons");
}

static void
test_person_secret_id (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(ScmPerson) jane = add_person (f, "jane@example.org");
  g_autoptr(ScmPerson) john = add_person (f, "john@example.org");
  g_autoptr(ScmPerson) reread = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dump = NULL;
  char *generated = NULL;

  g_assert_true (scm_secret_check_strength (STRONG_SECRET, NULL));

  ASSERT_REFUSED (f, SCM_ERROR_WEAK_SECRET,
                  scm_store_set_person_secret_id (f->store, jane, "password1", &refusal));

  g_assert_true (scm_store_set_person_secret_id (f->store, jane, STRONG_SECRET, &error));
  g_assert_no_error (error);
  g_assert_true (scm_person_get_has_secret_id (jane));
  reread = scm_store_get_person (f->store, scm_person_get_id (jane), &error);
  g_assert_true (scm_person_get_has_secret_id (reread));

  g_assert_true (scm_store_verify_person_secret_id (f->store, "JANE@example.org", STRONG_SECRET));
  g_assert_false (scm_store_verify_person_secret_id (f->store, "jane@example.org",
                                                     "Violet-Harbor-Quilt-4826-Zephyx"));
  g_assert_false (scm_store_verify_person_secret_id (f->store, "john@example.org",
                                                     STRONG_SECRET));
  g_assert_false (scm_store_verify_person_secret_id (f->store, "nobody@example.org",
                                                     STRONG_SECRET));
  g_assert_false (scm_store_verify_person_secret_id (f->store, "not an email", STRONG_SECRET));

  /* Another person may not have the same one (compared by HMAC). */
  ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE,
                  scm_store_set_person_secret_id (f->store, john, STRONG_SECRET, &refusal));
  g_assert_null (strstr (f->last_message, "jane"));

  g_assert_true (scm_store_generate_person_secret_id (f->store, john, &generated, &error));
  g_assert_no_error (error);
  g_assert_true (scm_store_verify_person_secret_id (f->store, "john@example.org", generated));

  /* Neither secret appears anywhere in the database, audit log included. */
  dump = dump_database (f);
  g_assert_null (strstr (dump, STRONG_SECRET));
  g_assert_null (strstr (dump, generated));
  events = scm_store_list_audit_events (f->store, NULL, 0, &error);
  for (guint i = 0; i < events->len; i++)
    {
      const char *message = scm_audit_event_get_message (events->pdata[i]);
      g_assert_true (message == NULL || strstr (message, generated) == NULL);
    }
  scm_secret_free (generated);

  /* NULL removes it. */
  g_assert_true (scm_store_set_person_secret_id (f->store, jane, NULL, &error));
  g_assert_false (scm_person_get_has_secret_id (jane));
  g_assert_false (scm_store_verify_person_secret_id (f->store, "jane@example.org",
                                                     STRONG_SECRET));
}

/* Certificates ------------------------------------------------------------------------ */

static const char fingerprint[] =
  "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

static void
test_certificates (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ScmPerson) jane = add_person (f, "jane@example.org");
  g_autoptr(ScmProfile) profile = builtin_profile (f, "Client Authentication");
  g_autoptr(ScmForm) form = add_form (f, "Staff");
  g_autoptr(ScmAccount) account = new_account (f, form, "Everyone");
  g_autoptr(GBytes) der = g_bytes_new_static ("\x30\x03\x02\x01\x01", 5);
  g_autoptr(ScmCertificate) certificate = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 person_id = scm_person_get_id (jane);
  gint64 profile_id = scm_profile_get_id (profile);
  gint64 id, failed_id, old_id;

  g_assert_true (scm_store_create_account (f->store, account, &error));

  id = scm_store_add_pending_certificate (f->store, "CN=Issuing CA", "7F01AB", person_id,
                                          scm_form_get_id (form), scm_account_get_id (account),
                                          profile_id, SCM_KEY_TYPE_EC_P256,
                                          SCM_REQUESTED_VIA_SELF_ENROLLMENT, "host:42:1000",
                                          &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);

  /* The same serial under the same issuer, in any case: draw another. */
  ASSERT_REFUSED (f, SCM_ERROR_DUPLICATE,
                  scm_store_add_pending_certificate (f->store, "CN=Issuing CA", "7f01ab",
                                                     person_id, 0, 0, profile_id,
                                                     SCM_KEY_TYPE_EC_P256,
                                                     SCM_REQUESTED_VIA_ADMIN, NULL, &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_add_pending_certificate (f->store, "CN=Issuing CA", "7G01AB",
                                                     person_id, 0, 0, profile_id,
                                                     SCM_KEY_TYPE_EC_P256,
                                                     SCM_REQUESTED_VIA_ADMIN, NULL, &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND,
                  scm_store_add_pending_certificate (f->store, "CN=Issuing CA", "01", 9999, 0, 0,
                                                     profile_id, SCM_KEY_TYPE_EC_P256,
                                                     SCM_REQUESTED_VIA_ADMIN, NULL, &refusal));

  list = scm_store_list_pending_certificates (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (scm_certificate_get_owner (list->pdata[0]), ==, "host:42:1000");
  g_assert_cmpint (scm_certificate_get_status (list->pdata[0]), ==, SCM_CERT_STATUS_PENDING);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_cmpuint (scm_store_count_valid_certificates (f->store, person_id, 0, now), ==, 0);

  g_assert_true (scm_store_complete_certificate (f->store, id, der, "CN=jane@example.org",
                                                 "email:jane@example.org", now - 60,
                                                 now + 365 * 86400, fingerprint, &error));
  g_assert_no_error (error);
  {
    ScmAuditFilter filter = { .action = "certificate.issue", .object = "7F01AB" };
    g_autoptr(GPtrArray) events = scm_store_list_audit_events (f->store, &filter, 0, &error);

    g_assert_cmpuint (events->len, ==, 1);
    g_assert_nonnull (strstr (scm_audit_event_get_message (events->pdata[0]),
                              "jane@example.org"));
    g_assert_nonnull (strstr (scm_audit_event_get_message (events->pdata[0]),
                              "Client Authentication"));
  }

  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_complete_certificate (f->store, id, der, "CN=x", NULL, now,
                                                  now + 10, fingerprint, &refusal));

  certificate = scm_store_find_certificate_by_serial (f->store, "7f:01:ab", &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_certificate_get_id (certificate), ==, id);
  g_assert_cmpstr (scm_certificate_get_serial (certificate), ==, "7F01AB");
  g_assert_cmpstr (scm_certificate_get_fingerprint (certificate), ==, fingerprint);
  g_assert_cmpint (scm_certificate_get_status (certificate), ==, SCM_CERT_STATUS_ISSUED);
  g_assert_true (g_bytes_equal (scm_certificate_get_der (certificate), der));
  g_assert_cmpstr (scm_certificate_get_person_email (certificate), ==, "jane@example.org");
  g_assert_cmpstr (scm_certificate_get_profile_name (certificate), ==, "Client Authentication");
  g_assert_cmpint (scm_certificate_get_account_id (certificate), ==,
                   scm_account_get_id (account));
  g_assert_null (scm_certificate_get_owner (certificate));
  g_clear_object (&certificate);
  g_assert_cmpuint (scm_store_count_valid_certificates (f->store, person_id, 0, now), ==, 1);
  g_assert_cmpuint (scm_store_count_valid_certificates (f->store, person_id, profile_id, now),
                    ==, 1);
  g_assert_cmpuint (scm_store_count_valid_certificates (f->store, person_id, profile_id + 1,
                                                        now), ==, 0);

  /* A failed issuance. */
  failed_id = scm_store_add_pending_certificate (f->store, "CN=Issuing CA", "02", person_id, 0,
                                                 0, profile_id, SCM_KEY_TYPE_RSA_3072,
                                                 SCM_REQUESTED_VIA_CSV, "me", &error);
  g_assert_true (scm_store_fail_pending_certificate (f->store, failed_id, "signing failed",
                                                     &error));
  g_assert_no_error (error);
  certificate = scm_store_get_certificate (f->store, failed_id, &error);
  g_assert_cmpint (scm_certificate_get_status (certificate), ==, SCM_CERT_STATUS_FAILED);
  g_assert_cmpstr (scm_certificate_get_failure_reason (certificate), ==, "signing failed");
  g_clear_object (&certificate);
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_revoke_certificate (f->store, failed_id, SCM_REVOCATION_UNSPECIFIED,
                                                0, &refusal));

  /* An expired one: issued, but its not-after has passed. */
  old_id = scm_store_add_pending_certificate (f->store, "CN=Issuing CA", "03", person_id, 0, 0,
                                              profile_id, SCM_KEY_TYPE_EC_P384,
                                              SCM_REQUESTED_VIA_EST, NULL, &error);
  g_assert_true (scm_store_complete_certificate (f->store, old_id, der, "CN=old", NULL,
                                                 now - 1000, now - 10, fingerprint, &error));
  certificate = scm_store_get_certificate (f->store, old_id, &error);
  g_assert_cmpint (scm_certificate_get_status (certificate), ==, SCM_CERT_STATUS_EXPIRED);
  g_assert_cmpint (scm_certificate_get_requested_via (certificate), ==, SCM_REQUESTED_VIA_EST);
  g_assert_cmpint (scm_certificate_get_key_type (certificate), ==, SCM_KEY_TYPE_EC_P384);
  g_clear_object (&certificate);
  g_assert_cmpuint (scm_store_count_valid_certificates (f->store, person_id, 0, now), ==, 1);

  list = scm_store_list_certificates (f->store, person_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  /* Newest first, and lists leave the DER out. */
  g_assert_cmpint (scm_certificate_get_id (list->pdata[0]), ==, old_id);
  g_assert_null (scm_certificate_get_der (list->pdata[0]));
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (scm_store_revoke_certificate (f->store, id, SCM_REVOCATION_KEY_COMPROMISE,
                                               now - 5, &error));
  g_assert_no_error (error);
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_revoke_certificate (f->store, id, SCM_REVOCATION_SUPERSEDED, 0,
                                                &refusal));
  ASSERT_MESSAGE_HAS (f, "already revoked");
  g_assert_cmpuint (scm_store_count_valid_certificates (f->store, person_id, 0, now), ==, 0);

  list = scm_store_list_revoked_certificates (f->store, "CN=Issuing CA", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (scm_certificate_get_serial (list->pdata[0]), ==, "7F01AB");
  g_assert_cmpint (scm_certificate_get_revoked_at (list->pdata[0]), ==, now - 5);
  g_assert_cmpint (scm_certificate_get_revocation_reason (list->pdata[0]), ==,
                   SCM_REVOCATION_KEY_COMPROMISE);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = scm_store_list_revoked_certificates (f->store, "CN=Other CA", &error);
  g_assert_cmpuint (list->len, ==, 0);

  /* Rows with certificates keep their account and profile. */
  ASSERT_REFUSED (f, SCM_ERROR_IN_USE,
                  scm_store_delete_account (f->store, scm_account_get_id (account), &refusal));

  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);
}

/* Settings, CA, CRLs ------------------------------------------------------------------- */

static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmForm) form = add_form (f, "Staff");
  g_autofree char *value = NULL;
  g_autofree char *dump = NULL;
  const char * const *keys = scm_store_list_setting_keys ();

  g_assert_true (g_strv_contains (keys, "smtp.password"));
  g_assert_true (g_strv_contains (keys, "crl.next-update-days"));

  value = scm_store_get_setting (f->store, "limits.max-attempts");
  g_assert_cmpstr (value, ==, "5");
  g_clear_pointer (&value, g_free);
  g_assert_cmpint (scm_store_get_setting_int (f->store, "limits.lockout-minutes"), ==, 15);
  g_assert_cmpint (scm_store_get_setting_int (f->store, "crl.next-update-days"), ==, 7);
  g_assert_null (scm_store_get_setting (f->store, "smtp.host"));

  g_assert_true (scm_store_set_setting (f->store, "smtp.port", "587", &error));
  g_assert_no_error (error);
  g_assert_cmpint (scm_store_get_setting_int (f->store, "smtp.port"), ==, 587);
  g_assert_true (scm_store_set_setting (f->store, "smtp.host", "smtp.example.org", &error));
  g_assert_true (scm_store_set_setting (f->store, "smtp.security", "tls", &error));
  g_assert_true (scm_store_set_setting (f->store, "server.listen", "0.0.0.0:8443", &error));
  g_assert_true (scm_store_set_setting (f->store, "server.public-url",
                                        "https://enroll.example.org:8443", &error));
  g_assert_true (scm_store_set_setting (f->store, "est.default-form",
                                        scm_form_get_uri_extension (form), &error));
  g_assert_true (scm_store_set_setting (f->store, "smtp.password", "hunter2-but-longer", &error));
  g_assert_no_error (error);
  value = scm_store_get_setting (f->store, "smtp.password");
  g_assert_cmpstr (value, ==, "hunter2-but-longer");
  g_clear_pointer (&value, g_free);

  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_set_setting (f->store, "smtp.port", "65536", &refusal));
  ASSERT_MESSAGE_HAS (f, "1 to 65535");
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_set_setting (f->store, "smtp.port", "25x", &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_set_setting (f->store, "limits.max-attempts", "0", &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_set_setting (f->store, "smtp.security", "ssl", &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_set_setting (f->store, "server.listen", "8443", &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_set_setting (f->store, "server.autostart", "yes", &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_set_setting (f->store, "smtp.from", "not-an-email", &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND,
                  scm_store_set_setting (f->store, "est.default-form", "nosuchform", &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_set_setting (f->store, "smtp.pasword", "x", &refusal));
  ASSERT_MESSAGE_HAS (f, "is not a setting");

  /* The password is stored (SMTP needs it) but never audited. */
  {
    ScmAuditFilter filter = { .action = "settings.set", .object = "smtp.password" };
    g_autoptr(GPtrArray) events = scm_store_list_audit_events (f->store, &filter, 0, &error);

    g_assert_cmpuint (events->len, ==, 1);
    g_assert_null (strstr (scm_audit_event_get_message (events->pdata[0]), "hunter2"));
  }

  /* The default EST form follows a new extension and protects the form. */
  g_assert_true (scm_store_regenerate_form_extension (f->store, form, &error));
  value = scm_store_get_setting (f->store, "est.default-form");
  g_assert_cmpstr (value, ==, scm_form_get_uri_extension (form));
  g_clear_pointer (&value, g_free);
  ASSERT_REFUSED (f, SCM_ERROR_IN_USE,
                  scm_store_delete_form (f->store, scm_form_get_id (form), &refusal));

  g_assert_true (scm_store_set_setting (f->store, "smtp.port", NULL, &error));
  g_assert_null (scm_store_get_setting (f->store, "smtp.port"));
}

static void
test_ca_and_crls (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GBytes) chain = g_bytes_new_static ("CHAIN", 5);
  g_autoptr(GBytes) key = g_bytes_new_static ("ISSUING KEY", 11);
  g_autoptr(GBytes) root = g_bytes_new_static ("ROOT KEY", 8);
  g_autoptr(GBytes) chain2 = g_bytes_new_static ("CHAIN 2", 7);
  g_autoptr(GBytes) loaded_chain = NULL;
  g_autoptr(GBytes) loaded_key = NULL;
  g_autoptr(GBytes) loaded_root = NULL;
  g_autoptr(GBytes) crl = g_bytes_new_static ("\x30\x00", 2);
  g_autoptr(GBytes) loaded_crl = NULL;
  g_autoptr(GError) error = NULL;
  guint64 number = 0;
  gint64 this_update = 0, next_update = 0;

  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND,
                  scm_store_load_ca (f->store, &loaded_chain, NULL, NULL, &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_save_ca (f->store, chain, NULL, NULL, &refusal));

  g_assert_true (scm_store_save_ca (f->store, chain, key, root, &error));
  g_assert_no_error (error);
  g_assert_true (scm_store_load_ca (f->store, &loaded_chain, &loaded_key, &loaded_root, &error));
  g_assert_true (g_bytes_equal (loaded_chain, chain));
  g_assert_true (g_bytes_equal (loaded_key, key));
  g_assert_true (g_bytes_equal (loaded_root, root));
  g_clear_pointer (&loaded_chain, g_bytes_unref);
  g_clear_pointer (&loaded_key, g_bytes_unref);
  g_clear_pointer (&loaded_root, g_bytes_unref);

  /* An imported issuing CA has no root key. */
  g_assert_true (scm_store_save_ca (f->store, chain2, key, NULL, &error));
  g_assert_true (scm_store_load_ca (f->store, &loaded_chain, &loaded_key, &loaded_root, &error));
  g_assert_true (g_bytes_equal (loaded_chain, chain2));
  g_assert_null (loaded_root);

  g_assert_cmpuint (scm_store_next_crl_number (f->store, "CN=CA"), ==, 1);
  ASSERT_REFUSED (f, SCM_ERROR_NOT_FOUND,
                  scm_store_get_latest_crl (f->store, "CN=CA", NULL, NULL, NULL, NULL, &refusal));
  g_assert_true (scm_store_add_crl (f->store, "CN=CA", 1, 1000, 2000, crl, &error));
  g_assert_true (scm_store_add_crl (f->store, "CN=CA", 2, 2000, 3000, crl, &error));
  g_assert_no_error (error);
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_add_crl (f->store, "CN=CA", 2, 3000, 4000, crl, &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_add_crl (f->store, "CN=CA", 1, 3000, 4000, crl, &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_add_crl (f->store, "CN=CA", 5, 3000, 3000, crl, &refusal));
  /* Numbers are per issuer. */
  g_assert_true (scm_store_add_crl (f->store, "CN=Other", 1, 1000, 2000, crl, &error));
  g_assert_cmpuint (scm_store_next_crl_number (f->store, "CN=CA"), ==, 3);

  g_assert_true (scm_store_get_latest_crl (f->store, "CN=CA", &number, &this_update,
                                           &next_update, &loaded_crl, &error));
  g_assert_cmpuint (number, ==, 2);
  g_assert_cmpint (this_update, ==, 2000);
  g_assert_cmpint (next_update, ==, 3000);
  g_assert_true (g_bytes_equal (loaded_crl, crl));

  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);
}

/* Audit chain ----------------------------------------------------------------------------- */

static void
test_audit_events (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  ScmAuditFilter filter = { 0 };
  gint64 before = audit_count (f);

  g_assert_true (scm_store_add_audit_event (f->store, "198.51.100.7", "enroll.authenticate",
                                            "jane@example.org", SCM_AUDIT_FAILURE,
                                            "Wrong Secret ID", &error));
  g_assert_no_error (error);
  g_assert_true (scm_store_add_audit_event (f->store, NULL, "enroll.authenticate",
                                            "john@example.org", SCM_AUDIT_SUCCESS, NULL,
                                            &error));
  g_assert_cmpint (audit_count (f), ==, before + 2);

  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_add_audit_event (f->store, NULL, "x", NULL, "maybe", NULL, &refusal));
  ASSERT_REFUSED (f, SCM_ERROR_INVALID,
                  scm_store_add_audit_event (f->store, NULL, "", NULL, SCM_AUDIT_SUCCESS, NULL,
                                             &refusal));

  filter.result = SCM_AUDIT_FAILURE;
  events = scm_store_list_audit_events (f->store, &filter, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpstr (scm_audit_event_get_actor (events->pdata[0]), ==, "198.51.100.7");
  g_assert_cmpstr (scm_audit_event_get_message (events->pdata[0]), ==, "Wrong Secret ID");
  g_clear_pointer (&events, g_ptr_array_unref);

  /* Newest first; limit; paging; prefix filter. */
  events = scm_store_list_audit_events (f->store, NULL, 2, &error);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpstr (scm_audit_event_get_object (events->pdata[0]), ==, "john@example.org");
  g_assert_cmpstr (scm_audit_event_get_actor (events->pdata[0]), ==, "admin");
  g_assert_cmpint (scm_audit_event_get_seq (events->pdata[0]), ==, before + 2);
  g_assert_cmpint (scm_audit_event_get_time (events->pdata[0]), >=,
                   scm_audit_event_get_time (events->pdata[1]));
  filter = (ScmAuditFilter) { .before_seq = scm_audit_event_get_seq (events->pdata[1]) };
  g_clear_pointer (&events, g_ptr_array_unref);
  events = scm_store_list_audit_events (f->store, &filter, 0, &error);
  g_assert_cmpuint (events->len, ==, before);
  g_clear_pointer (&events, g_ptr_array_unref);

  filter = (ScmAuditFilter) { .action = "domain." };
  events = scm_store_list_audit_events (f->store, &filter, 0, &error);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpstr (scm_audit_event_get_action (events->pdata[0]), ==, "domain.validate");
  g_assert_cmpstr (scm_audit_event_get_action (events->pdata[1]), ==, "domain.create");

  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);
}

static void
test_audit_edited_row (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);

  /* The trigger stops honest mistakes; an attacker drops it first. */
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (scm_store_get_database_path (f->store), &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "UPDATE audit_events SET message = 'x' WHERE seq = 2",
                                   NULL, NULL, NULL), !=, SQLITE_OK);
    sqlite3_close (db);
  }
  exec_behind_the_back (f, "DROP TRIGGER audit_events_no_update;"
                           "UPDATE audit_events SET message = 'nothing happened' WHERE seq = 2");

  g_assert_false (scm_store_verify (f->store, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_TAMPERED);
  g_assert_cmpstr (error->message, ==, "Audit event 2 was changed or removed.");
}

static void
test_audit_edited_actor (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  exec_behind_the_back (f, "DROP TRIGGER audit_events_no_update;"
                           "UPDATE audit_events SET actor = 'someone', time = time + 1"
                           " WHERE seq = 4");
  g_assert_false (scm_store_verify (f->store, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_TAMPERED);
  g_assert_cmpstr (error->message, ==, "Audit event 4 was changed or removed.");
}

static void
test_audit_deleted_middle_row (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  exec_behind_the_back (f, "DROP TRIGGER audit_events_no_delete;"
                           "DELETE FROM audit_events WHERE seq = 3");
  g_assert_false (scm_store_verify (f->store, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_TAMPERED);
  g_assert_cmpstr (error->message, ==, "Audit event 3 was changed or removed.");
}

static void
test_audit_deleted_last_row (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 last = audit_count (f);
  g_autofree char *sql = g_strdup_printf ("DROP TRIGGER audit_events_no_delete;"
                                          "DELETE FROM audit_events WHERE seq = %" G_GINT64_FORMAT,
                                          last);
  g_autofree char *expected = g_strdup_printf ("Audit event %" G_GINT64_FORMAT " was changed or "
                                               "removed.", last);

  exec_behind_the_back (f, sql);
  g_assert_false (scm_store_verify (f->store, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_TAMPERED);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_audit_forged_row (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Appending a row without the key: its mac cannot be right. */
  exec_behind_the_back (f, "INSERT INTO audit_events (seq, time, actor, action, result, mac)"
                           " SELECT seq + 1, (SELECT max (time) FROM audit_events) + 1,"
                           " 'admin', 'ca.save', 'success', mac"
                           " FROM audit_head;"
                           "UPDATE audit_head SET seq = seq + 1");
  g_assert_false (scm_store_verify (f->store, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "was changed or removed"));
}

static void
test_verify_foreign_keys (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  exec_behind_the_back (f, "PRAGMA foreign_keys = OFF;"
                           "UPDATE departments SET organization_id = 4242");
  g_assert_false (scm_store_verify (f->store, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_TAMPERED);
  g_assert_nonnull (strstr (error->message, "departments"));
}

/* Transactions, backup, threads ------------------------------------------------------------- */

static void
test_transactions (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(ScmOrganization) one = scm_organization_new ();
  g_autoptr(ScmOrganization) two = scm_organization_new ();
  g_autoptr(ScmOrganization) dup = scm_organization_new ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = dump_database (f);
  g_autofree char *after = NULL;

  scm_organization_set_name (one, "One");
  scm_organization_set_name (two, "Two");
  scm_organization_set_name (dup, "one");

  /* Rolled back: nothing at all, audit events included. */
  g_assert_true (scm_store_begin (f->store, &error));
  g_assert_true (scm_store_in_transaction (f->store));
  g_assert_true (scm_store_create_organization (f->store, one, &error));
  g_assert_true (scm_store_create_organization (f->store, two, &error));
  scm_store_rollback (f->store);
  g_assert_false (scm_store_in_transaction (f->store));
  after = dump_database (f);
  g_assert_cmpstr (before, ==, after);

  /* A refused call inside a transaction undoes only itself. */
  scm_organization_set_id (one, 0);
  scm_organization_set_id (two, 0);
  g_assert_true (scm_store_begin (f->store, &error));
  g_assert_true (scm_store_create_organization (f->store, one, &error));
  g_assert_false (scm_store_create_organization (f->store, dup, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE);
  g_clear_error (&error);
  /* Nested levels. */
  g_assert_true (scm_store_begin (f->store, &error));
  g_assert_true (scm_store_create_organization (f->store, two, &error));
  g_assert_true (scm_store_commit (f->store, &error));
  g_assert_true (scm_store_commit (f->store, &error));
  g_assert_no_error (error);

  list = scm_store_list_organizations (f->store, &error);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (from, &contents, &length, &error));
  g_assert_true (g_file_set_contents_full (to, contents, length, G_FILE_SET_CONTENTS_CONSISTENT,
                                           0600, &error));
  g_assert_no_error (error);
}

static void
test_backup (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(ScmPerson) jane = add_person (f, "jane@example.org");
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *backup_key = g_build_filename (f->dir, "backup.db.key", NULL);
  g_autofree char *restore = g_build_filename (f->dir, "restore", NULL);
  g_autofree char *restore_db = g_build_filename (restore, "scm-enroll.db", NULL);
  g_autofree char *restore_key = g_build_filename (restore, "installation.key", NULL);
  g_autoptr(ScmStore) copy = NULL;
  g_autoptr(GPtrArray) original_orgs = NULL;
  g_autoptr(GPtrArray) copied_orgs = NULL;
  g_autoptr(GPtrArray) copied_persons = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (scm_store_set_person_secret_id (f->store, jane, STRONG_SECRET, &error));
  g_assert_true (scm_store_backup (f->store, backup, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (file_mode (backup), ==, 0600);
  g_assert_cmpuint (file_mode (backup_key), ==, 0600);

  /* Never over an existing file. */
  g_assert_false (scm_store_backup (f->store, backup, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE);
  g_clear_error (&error);

  g_assert_cmpint (g_mkdir (restore, 0700), ==, 0);
  copy_file (backup, restore_db);
  copy_file (backup_key, restore_key);
  copy = scm_store_open (restore, &error);
  g_assert_no_error (error);

  original_orgs = scm_store_list_organizations (f->store, &error);
  copied_orgs = scm_store_list_organizations (copy, &error);
  g_assert_cmpuint (copied_orgs->len, ==, original_orgs->len);
  for (guint i = 0; i < copied_orgs->len; i++)
    g_assert_cmpstr (scm_organization_get_name (copied_orgs->pdata[i]), ==,
                     scm_organization_get_name (original_orgs->pdata[i]));
  copied_persons = scm_store_list_persons (copy, 0, FALSE, &error);
  g_assert_cmpuint (copied_persons->len, ==, 1);
  /* The key came along: secrets and the audit chain still check out. */
  g_assert_true (scm_store_verify_person_secret_id (copy, "jane@example.org", STRONG_SECRET));
  g_assert_true (scm_store_verify (copy, &error));
  g_assert_no_error (error);
}

typedef struct
{
  ScmStore *store;
  const char *prefix;
  guint count;
} ThreadJob;

static gpointer
create_organizations_thread (gpointer data)
{
  ThreadJob *job = data;

  for (guint i = 0; i < job->count; i++)
    {
      g_autoptr(ScmOrganization) organization = scm_organization_new ();
      g_autofree char *name = g_strdup_printf ("%s %u", job->prefix, i);
      g_autoptr(GPtrArray) list = NULL;
      g_autoptr(GError) error = NULL;

      scm_organization_set_name (organization, name);
      if (!scm_store_create_organization (job->store, organization, &error))
        g_error ("%s: %s", name, error->message);
      list = scm_store_list_organizations (job->store, &error);
      if (list == NULL)
        g_error ("list: %s", error->message);
    }
  return NULL;
}

static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(ScmStore) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  ThreadJob jobs[] = {
    { f->store, "Same store A", 40 },
    { f->store, "Same store B", 40 },
    { NULL, "Second connection", 40 },
  };
  GThread *threads[G_N_ELEMENTS (jobs)];

  /* Two threads on one store, and a second connection (as another
   * process would have) writing at the same time. */
  second = scm_store_open (f->dir, &error);
  g_assert_no_error (error);
  jobs[2].store = second;

  for (gsize i = 0; i < G_N_ELEMENTS (jobs); i++)
    threads[i] = g_thread_new ("writer", create_organizations_thread, &jobs[i]);
  for (gsize i = 0; i < G_N_ELEMENTS (jobs); i++)
    g_thread_join (threads[i]);

  list = scm_store_list_organizations (f->store, &error);
  g_assert_cmpuint (list->len, ==, 2 + 3 * 40);
  g_assert_true (scm_store_verify (f->store, &error));
  g_assert_no_error (error);
}

/* Models and validation ------------------------------------------------------------------- */

static void
notify_count_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_model_properties (void)
{
  g_autoptr(ScmProfile) profile = scm_profile_new ();
  g_autoptr(ScmPerson) person = scm_person_new ();
  g_autoptr(GArray) terms = NULL;
  g_autofree char *name = NULL;
  const char *emails[] = { "a@example.org", NULL };
  guint count = 0;

  g_signal_connect (profile, "notify", G_CALLBACK (notify_count_cb), &count);
  scm_profile_set_name (profile, "VPN");
  scm_profile_set_name (profile, "VPN");
  g_assert_cmpuint (count, ==, 1);
  g_object_set (profile, "max-per-person", 3, "cn-source", SCM_CN_SOURCE_NAME, NULL);
  g_assert_cmpuint (count, ==, 3);
  scm_profile_add_term (profile, 365);
  scm_profile_add_term (profile, 365);
  g_assert_cmpuint (count, ==, 4);

  g_object_get (profile, "name", &name, "terms", &terms, NULL);
  g_assert_cmpstr (name, ==, "VPN");
  g_assert_cmpuint (terms->len, ==, 1);
  g_object_set (profile, "terms", terms, NULL);
  g_assert_cmpuint (count, ==, 4);

  g_signal_connect (person, "notify", G_CALLBACK (notify_count_cb), &count);
  count = 0;
  scm_person_set_secondary_emails (person, emails);
  scm_person_set_secondary_emails (person, emails);
  g_assert_cmpuint (count, ==, 1);
  scm_person_set_secondary_emails (person, NULL);
  g_assert_cmpuint (count, ==, 2);
  g_assert_cmpint (scm_person_get_validation_type (person), ==, SCM_VALIDATION_STANDARD);
}

static void
test_validate_email (void)
{
  g_autofree char *out = NULL;
  g_autofree char *long_local = g_strnfill (65, 'a');
  g_autofree char *too_long_local = g_strconcat (long_local, "@example.org", NULL);
  const char *good[] = {
    "jane@example.org", "Jane.Doe@Example.ORG", "o'brien+tag@mail.example.co.uk",
    "x@a-b.example", "!#$%&'*+-/=?^_`{|}~@example.org",
  };
  const char *bad[] = {
    "", "jane", "jane@", "@example.org", "jane@@example.org", "ja\tne@example.org",
    "jane@example..org", "jane@exam_ple.org", "jane@example.123",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_true (scm_validate_email (good[i], NULL, &error));
      g_assert_no_error (error);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (scm_validate_email (bad[i], NULL, &error));
      g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
    }
  g_assert_false (scm_validate_email (too_long_local, NULL, NULL));
  g_assert_false (scm_validate_email (NULL, NULL, NULL));

  g_assert_true (scm_validate_email (" Jane@Example.ORG ", &out, NULL));
  g_assert_cmpstr (out, ==, "jane@example.org");
  g_assert_cmpstr (scm_email_get_domain (out), ==, "example.org");
}

static void
test_validate_dns_name (void)
{
  g_autofree char *out = NULL;
  g_autofree char *label64 = g_strnfill (64, 'a');
  g_autofree char *long_label = g_strconcat (label64, ".org", NULL);
  g_autoptr(GString) long_name = g_string_new (NULL);

  g_assert_true (scm_validate_dns_name ("*.Example.ORG", TRUE, &out, NULL));
  g_assert_cmpstr (out, ==, "*.example.org");
  g_assert_false (scm_validate_dns_name ("*.example.org", FALSE, NULL, NULL));
  g_assert_false (scm_validate_dns_name ("*example.org", TRUE, NULL, NULL));
  g_assert_false (scm_validate_dns_name ("example-.org", TRUE, NULL, NULL));
  g_assert_false (scm_validate_dns_name ("exämple.org", TRUE, NULL, NULL));
  g_assert_true (scm_validate_dns_name ("xn--exmple-cua.org", TRUE, NULL, NULL));
  g_assert_false (scm_validate_dns_name (long_label, TRUE, NULL, NULL));
  while (long_name->len < 254)
    g_string_append (long_name, "abcdefghi.");
  g_string_append (long_name, "org");
  g_assert_false (scm_validate_dns_name (long_name->str, TRUE, NULL, NULL));
}

static void
test_validate_misc (void)
{
  g_autofree char *country = NULL;
  g_autofree char *text = NULL;
  gint64 number;

  g_assert_true (scm_validate_oid ("1.3.6.1.4.1.99999.1", NULL));
  g_assert_true (scm_validate_oid ("2.999", NULL));
  g_assert_false (scm_validate_oid ("1", NULL));
  g_assert_false (scm_validate_oid ("1.40", NULL));
  g_assert_false (scm_validate_oid ("1.3.", NULL));
  g_assert_false (scm_validate_oid ("1.3.a", NULL));

  g_assert_true (scm_validate_country ("de", &country, NULL));
  g_assert_cmpstr (country, ==, "DE");
  g_assert_false (scm_validate_country ("UK", NULL, NULL));
  g_assert_false (scm_validate_country ("DEU", NULL, NULL));

  g_assert_true (scm_validate_uri_extension ("Abc_123-xyz", NULL));
  g_assert_false (scm_validate_uri_extension ("abc", NULL));
  g_assert_false (scm_validate_uri_extension ("abcdefgh!", NULL));

  g_assert_true (scm_validate_http_url ("https://help.example.org/a?b=c#d", "URL", NULL));
  g_assert_true (scm_validate_http_url ("http://10.0.0.1:8080/", "URL", NULL));
  g_assert_false (scm_validate_http_url ("https:///nohost", "URL", NULL));
  g_assert_false (scm_validate_http_url ("file:///etc/passwd", "URL", NULL));
  g_assert_false (scm_validate_http_url ("https://exa mple.org/", "URL", NULL));

  g_assert_true (scm_validate_text ("  two\nlines ", "Help", 100, SCM_TEXT_MULTILINE, &text,
                                    NULL));
  g_assert_cmpstr (text, ==, "two\nlines");
  g_clear_pointer (&text, g_free);
  g_assert_false (scm_validate_text ("two\nlines", "Name", 100, 0, NULL, NULL));
  g_assert_true (scm_validate_text ("", "Optional", 10, 0, &text, NULL));
  g_assert_null (text);
  g_assert_false (scm_validate_text ("", "Required", 10, SCM_TEXT_REQUIRED, NULL, NULL));
  /* Characters, not bytes. */
  g_assert_true (scm_validate_text ("äöüäöüäöüä", "Name", 10, 0, NULL, NULL));
  g_assert_false (scm_validate_text ("äöüäöüäöüäö", "Name", 10, 0, NULL, NULL));

  g_assert_true (scm_validate_integer ("42", "N", 1, 100, &number, NULL));
  g_assert_cmpint (number, ==, 42);
  g_assert_false (scm_validate_integer ("-1", "N", 1, 100, NULL, NULL));
  g_assert_false (scm_validate_integer (" 4", "N", 1, 100, NULL, NULL));

  g_assert_true (scm_validate_phone ("+1 (555) 010-9999", NULL, NULL));
  g_assert_false (scm_validate_phone ("+-()", NULL, NULL));
}

#define ADD_FIXTURE_TEST(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/open/modes", test_open_modes);
  g_test_add_func ("/store/open/too-new", test_open_too_new);
  g_test_add_func ("/store/open/old-schema-upgrades", test_open_old_schema_upgrades);
  g_test_add_func ("/store/open/missing-key", test_open_missing_key);
  g_test_add_func ("/store/open/default-data-dir", test_default_data_dir);
  ADD_FIXTURE_TEST ("/store/organization/crud", test_organization_crud);
  ADD_FIXTURE_TEST ("/store/organization/refusals", test_organization_refusals);
  ADD_FIXTURE_TEST ("/store/organization/in-use", test_organization_in_use);
  ADD_FIXTURE_TEST ("/store/department/crud", test_department_crud);
  ADD_FIXTURE_TEST ("/store/department/refusals", test_department_refusals);
  ADD_FIXTURE_TEST ("/store/domain/crud", test_domain_crud);
  ADD_FIXTURE_TEST ("/store/domain/refusals", test_domain_refusals);
  ADD_FIXTURE_TEST ("/store/domain/delegation", test_domain_delegation);
  ADD_FIXTURE_TEST ("/store/profile/builtins", test_profile_builtins);
  ADD_FIXTURE_TEST ("/store/profile/crud-and-refusals", test_profile_crud_and_refusals);
  ADD_FIXTURE_TEST ("/store/form/crud", test_form_crud);
  ADD_FIXTURE_TEST ("/store/form/refusals", test_form_refusals);
  ADD_FIXTURE_TEST ("/store/account/crud", test_account_crud);
  ADD_FIXTURE_TEST ("/store/account/refusals", test_account_refusals);
  ADD_FIXTURE_TEST ("/store/person/crud", test_person_crud);
  ADD_FIXTURE_TEST ("/store/person/refusals", test_person_refusals);
  ADD_FIXTURE_TEST ("/store/person/soft-delete", test_person_soft_delete);
  ADD_FIXTURE_TEST ("/store/person/secret-id", test_person_secret_id);
  ADD_FIXTURE_TEST ("/store/certificate/lifecycle", test_certificates);
  ADD_FIXTURE_TEST ("/store/settings", test_settings);
  ADD_FIXTURE_TEST ("/store/ca-and-crls", test_ca_and_crls);
  ADD_FIXTURE_TEST ("/store/audit/events", test_audit_events);
  ADD_FIXTURE_TEST ("/store/audit/edited-row", test_audit_edited_row);
  ADD_FIXTURE_TEST ("/store/audit/edited-actor", test_audit_edited_actor);
  ADD_FIXTURE_TEST ("/store/audit/deleted-middle-row", test_audit_deleted_middle_row);
  ADD_FIXTURE_TEST ("/store/audit/deleted-last-row", test_audit_deleted_last_row);
  ADD_FIXTURE_TEST ("/store/audit/forged-row", test_audit_forged_row);
  ADD_FIXTURE_TEST ("/store/verify/foreign-keys", test_verify_foreign_keys);
  ADD_FIXTURE_TEST ("/store/transactions", test_transactions);
  ADD_FIXTURE_TEST ("/store/backup", test_backup);
  ADD_FIXTURE_TEST ("/store/threads", test_threads);
  g_test_add_func ("/store/model/properties", test_model_properties);
  g_test_add_func ("/validate/email", test_validate_email);
  g_test_add_func ("/validate/dns-name", test_validate_dns_name);
  g_test_add_func ("/validate/misc", test_validate_misc);

  return g_test_run ();
}
