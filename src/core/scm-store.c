/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <openssl/crypto.h>

#include "scm-error.h"
#include "scm-expiry-notice.h"
#include "scm-store-private.h"
#include "scm-validate.h"

#define DATABASE_NAME "scm-enroll.db"
#define KEY_NAME "installation.key"

/* Purpose separation: the audit chain's key is derived from, and never
 * equal to, the installation key that hashes secrets. */
static const char audit_key_label[] = "scm-enroll audit chain key v1";

G_DEFINE_FINAL_TYPE (ScmStore, scm_store, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ACTOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_store_finalize (GObject *object)
{
  ScmStore *self = SCM_STORE (object);

  if (self->tx_depth > 0)
    g_critical ("ScmStore finalized inside a transaction; it is rolled back");
  if (self->statements != NULL)
    {
      GHashTableIter iter;
      gpointer stmt;

      g_hash_table_iter_init (&iter, self->statements);
      while (g_hash_table_iter_next (&iter, NULL, &stmt))
        sqlite3_finalize (stmt);
      g_clear_pointer (&self->statements, g_hash_table_unref);
    }
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->db_path, g_free);
  g_clear_pointer (&self->actor, g_free);
  OPENSSL_cleanse (self->installation_key, sizeof self->installation_key);
  OPENSSL_cleanse (self->audit_key, sizeof self->audit_key);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (scm_store_parent_class)->finalize (object);
}

static void
scm_store_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  ScmStore *self = SCM_STORE (object);

  switch (prop_id)
    {
    case PROP_ACTOR:
      g_value_set_string (value, scm_store_get_actor (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_store_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  ScmStore *self = SCM_STORE (object);

  switch (prop_id)
    {
    case PROP_ACTOR:
      scm_store_set_actor (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_store_class_init (ScmStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_store_finalize;
  object_class->get_property = scm_store_get_property;
  object_class->set_property = scm_store_set_property;

  /**
   * ScmStore:actor:
   *
   * Who the audit events of mutations name; "admin" by default.
   */
  properties[PROP_ACTOR] =
    g_param_spec_string ("actor", NULL, NULL, "admin",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scm_store_init (ScmStore *self)
{
  g_rec_mutex_init (&self->lock);
  self->statements = g_hash_table_new (g_str_hash, g_str_equal);
  self->actor = g_strdup ("admin");
}

/* Helpers shared by the scm-store*.c files ---------------------------------- */

gint64
scm_store_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

gboolean
scm_store_db_error (ScmStore   *self,
                    const char *what,
                    GError    **error)
{
  int code = sqlite3_extended_errcode (self->db);
  const char *message = sqlite3_errmsg (self->db);

  if (code == SQLITE_BUSY || code == SQLITE_LOCKED || (code & 0xff) == SQLITE_BUSY)
    g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                 _("%s: the database is busy in another program; try again."), what);
  else if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
    g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE, "%s: %s.", what, message);
  else if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
    g_set_error (error, SCM_ERROR, SCM_ERROR_IN_USE, _("%s: a referenced object is missing or "
                 "still in use."), what);
  else if ((code & 0xff) == SQLITE_CONSTRAINT)
    g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID, "%s: %s.", what, message);
  else if ((code & 0xff) == SQLITE_FULL)
    g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED, _("%s: the disk is full; free some space "
                 "and try again."), what);
  else if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
    g_set_error (error, SCM_ERROR, SCM_ERROR_TAMPERED, _("%s: the database file is damaged (%s); "
                 "restore a backup."), what, message);
  else
    g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED, "%s: %s.", what, message);
  return FALSE;
}

/* Checked-out cached statements and their store. A global table because
 * the cleanup function only gets the statement. */
static GMutex checked_out_lock;
static GHashTable *checked_out;

void
scm_store_stmt_release (sqlite3_stmt *stmt)
{
  ScmStore *self = NULL;
  sqlite3_stmt *idle;

  if (stmt == NULL)
    return;

  g_mutex_lock (&checked_out_lock);
  if (checked_out != NULL)
    g_hash_table_steal_extended (checked_out, stmt, NULL, (gpointer *) &self);
  g_mutex_unlock (&checked_out_lock);

  if (self == NULL)
    {
      sqlite3_finalize (stmt);
      return;
    }

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  g_rec_mutex_lock (&self->lock);
  idle = g_hash_table_lookup (self->statements, sqlite3_sql (stmt));
  if (idle == NULL)
    g_hash_table_insert (self->statements, (gpointer) sqlite3_sql (stmt), stmt);
  g_rec_mutex_unlock (&self->lock);

  /* The same SQL ran nested (another copy is idle already): drop this one. */
  if (idle != NULL)
    sqlite3_finalize (stmt);
}

static sqlite3_stmt *
checkout_statement (ScmStore   *self,
                    const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (!g_hash_table_steal_extended (self->statements, sql, NULL, (gpointer *) &stmt))
    {
      if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt,
                              NULL) != SQLITE_OK)
        return NULL;
    }

  g_mutex_lock (&checked_out_lock);
  if (checked_out == NULL)
    checked_out = g_hash_table_new (NULL, NULL);
  g_hash_table_insert (checked_out, stmt, self);
  g_mutex_unlock (&checked_out_lock);
  return stmt;
}

static sqlite3_stmt *
query_valist (ScmStore   *self,
              GError    **error,
              const char *sql,
              const char *types,
              va_list     args)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = checkout_statement (self, sql);
  if (stmt == NULL)
    {
      /* A prepare failure is a bug in our SQL or a damaged schema. */
      g_warning ("Could not prepare “%s”: %s", sql, sqlite3_errmsg (self->db));
      scm_store_db_error (self, "Could not read the database", error);
      return NULL;
    }

  for (int i = 0; types != NULL && types[i] != '\0'; i++)
    {
      int column = i + 1;

      switch (types[i])
        {
        case 't':
          {
            const char *text = va_arg (args, const char *);
            rc = text != NULL
                   ? sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT)
                   : sqlite3_bind_null (stmt, column);
          }
          break;

        case 'i':
          rc = sqlite3_bind_int64 (stmt, column, va_arg (args, gint64));
          break;

        case 'I':
          {
            gint64 id = va_arg (args, gint64);
            rc = id != 0 ? sqlite3_bind_int64 (stmt, column, id) : sqlite3_bind_null (stmt, column);
          }
          break;

        case 'u':
          rc = sqlite3_bind_int64 (stmt, column, va_arg (args, guint));
          break;

        case 'b':
          rc = sqlite3_bind_int (stmt, column, va_arg (args, gboolean) ? 1 : 0);
          break;

        case 'B':
          {
            GBytes *bytes = va_arg (args, GBytes *);
            gsize size = 0;
            gconstpointer data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;

            rc = bytes != NULL
                   ? sqlite3_bind_blob64 (stmt, column, data != NULL ? data : "", size,
                                          SQLITE_TRANSIENT)
                   : sqlite3_bind_null (stmt, column);
          }
          break;

        default:
          g_assert_not_reached ();
        }

      if (rc != SQLITE_OK)
        {
          scm_store_db_error (self, "Could not prepare a database query", error);
          return NULL;
        }
    }

  return g_steal_pointer (&stmt);
}

sqlite3_stmt *
scm_store_query (ScmStore   *self,
                 GError    **error,
                 const char *sql,
                 const char *types,
                 ...)
{
  sqlite3_stmt *stmt;
  va_list args;

  va_start (args, types);
  stmt = query_valist (self, error, sql, types, args);
  va_end (args);
  return stmt;
}

int
scm_store_step (ScmStore     *self,
                sqlite3_stmt *stmt,
                GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;

  scm_store_db_error (self, "The database refused the change", error);
  return -1;
}

gboolean
scm_store_run (ScmStore   *self,
               GError    **error,
               const char *sql,
               const char *types,
               ...)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  va_list args;
  int rc;

  va_start (args, types);
  stmt = query_valist (self, error, sql, types, args);
  va_end (args);
  if (stmt == NULL)
    return FALSE;

  while ((rc = scm_store_step (self, stmt, error)) == SQLITE_ROW)
    ;
  return rc == SQLITE_DONE;
}

gboolean
scm_store_query_int64 (ScmStore   *self,
                       gint64     *out,
                       gint64      fallback,
                       GError    **error,
                       const char *sql,
                       const char *types,
                       ...)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  va_list args;
  int rc;

  va_start (args, types);
  stmt = query_valist (self, error, sql, types, args);
  va_end (args);
  if (stmt == NULL)
    return FALSE;

  rc = scm_store_step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    *out = sqlite3_column_int64 (stmt, 0);
  else
    *out = fallback;
  return TRUE;
}

const char *
scm_store_column_text (sqlite3_stmt *stmt,
                       int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

GBytes *
scm_store_column_bytes (sqlite3_stmt *stmt,
                        int           column)
{
  const void *data;
  int size;

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  data = sqlite3_column_blob (stmt, column);
  size = sqlite3_column_bytes (stmt, column);
  return g_bytes_new (data, size);
}

char *
scm_store_name_key (const char *name)
{
  g_autofree char *normalized = g_utf8_normalize (name, -1, G_NORMALIZE_ALL_COMPOSE);

  return g_utf8_casefold (normalized != NULL ? normalized : name, -1);
}

gboolean
scm_store_check_org_dept (ScmStore   *self,
                          gint64      organization_id,
                          gint64      department_id,
                          char      **description,
                          GError    **error)
{
  g_autoptr(sqlite3_stmt) org = NULL;
  g_autoptr(sqlite3_stmt) dept = NULL;
  int rc;

  if (organization_id <= 0)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("No organization was chosen; choose one."));
      return FALSE;
    }

  org = scm_store_query (self, error, "SELECT name FROM organizations WHERE id = ?", "i",
                         organization_id);
  if (org == NULL || (rc = scm_store_step (self, org, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                   "There is no organization with id %" G_GINT64_FORMAT "; choose an existing "
                   "one.", organization_id);
      return FALSE;
    }

  if (department_id != 0)
    {
      dept = scm_store_query (self, error,
                              "SELECT name, organization_id FROM departments WHERE id = ?", "i",
                              department_id);
      if (dept == NULL || (rc = scm_store_step (self, dept, error)) < 0)
        return FALSE;
      if (rc != SQLITE_ROW)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                       "There is no department with id %" G_GINT64_FORMAT "; choose an "
                       "existing one.", department_id);
          return FALSE;
        }
      if (sqlite3_column_int64 (dept, 1) != organization_id)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("Department “%s” belongs to another organization, not to “%s”; choose a "
                       "department of “%s”."), scm_store_column_text (dept, 0),
                       scm_store_column_text (org, 0), scm_store_column_text (org, 0));
          return FALSE;
        }
    }

  if (description != NULL)
    {
      if (dept != NULL)
        *description = g_strdup_printf ("%s / %s", scm_store_column_text (org, 0),
                                        scm_store_column_text (dept, 0));
      else
        *description = g_strdup (scm_store_column_text (org, 0));
    }
  return TRUE;
}

/* Runs a query expected to return at most one row of @from_row objects. */
gpointer
scm_store_fetch_one (ScmStore       *self,
                     sqlite3_stmt   *stmt,
                     ScmStoreFromRow from_row,
                     GError        **error)
{
  int rc;

  if (stmt == NULL || (rc = scm_store_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    return NULL;
  return from_row (stmt);
}

gpointer
scm_store_fetch_by_id (ScmStore       *self,
                       const char     *sql,
                       gint64          id,
                       ScmStoreFromRow from_row,
                       const char     *kind,
                       GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  gpointer object;

  stmt = scm_store_query (self, &local_error, sql, "i", id);
  object = scm_store_fetch_one (self, stmt, from_row, &local_error);
  if (object == NULL && local_error == NULL)
    scm_store_not_found (kind, id, &local_error);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return object;
}

GPtrArray *
scm_store_fetch_all (ScmStore       *self,
                     sqlite3_stmt   *stmt,
                     ScmStoreFromRow from_row,
                     GError        **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = scm_store_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (objects, from_row (stmt));
  if (rc < 0)
    return NULL;
  return g_steal_pointer (&objects);
}

gboolean
scm_store_check_unused (ScmStore                *self,
                        const char              *what,
                        gint64                   id,
                        const ScmStoreReference *references,
                        gsize                    n_references,
                        GError                 **error)
{
  for (gsize i = 0; i < n_references; i++)
    {
      gint64 count;

      if (!scm_store_query_int64 (self, &count, 0, error, references[i].sql, "i", id))
        return FALSE;
      if (count > 0)
        {
          g_autoptr(GString) advice = g_string_new (references[i].advice);

          g_string_replace (advice, "THEM", count == 1 ? "it" : "them", 0);
          g_set_error (error, SCM_ERROR, SCM_ERROR_IN_USE,
                       "%s still has %" G_GINT64_FORMAT " %s; %s", what, count,
                       count == 1 ? references[i].singular : references[i].plural,
                       advice->str);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
scm_store_not_found (const char *kind,
                     gint64      id,
                     GError    **error)
{
  g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
               "There is no %s with id %" G_GINT64_FORMAT "; it may have been deleted.", kind, id);
  return FALSE;
}

/* Opening ---------------------------------------------------------------------- */

char *
scm_store_default_data_dir (void)
{
  const char *env = g_getenv ("SCM_ENROLL_DATA_DIR");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "scm-enroll", NULL);
}

/* Creates the database file 0600 before SQLite does, so it never exists
 * with the umask's mode; SQLite gives the -wal and -shm files the mode of
 * the database file. */
static gboolean
prepare_database_file (const char *path,
                       GError    **error)
{
  GStatBuf st;
  int fd;

  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0)
    {
      close (fd);
      return TRUE;
    }
  if (errno != EEXIST)
    {
      int saved_errno = errno;
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED, _("Could not create the database %s: %s"),
                   path, g_strerror (saved_errno));
      return FALSE;
    }

  if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                   _("The database %s is not a regular file; move it away and try again."), path);
      return FALSE;
    }
  if ((st.st_mode & 0077) != 0 && g_chmod (path, 0600) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                   _("The database %s is readable by others and could not be restricted: %s"),
                   path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
exec_pragma (ScmStore   *self,
             const char *sql,
             const char *expected,
             GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = scm_store_query (self, error, sql, NULL);
  if (stmt == NULL)
    return FALSE;
  rc = scm_store_step (self, stmt, error);
  if (rc < 0)
    return FALSE;
  if (expected != NULL
      && (rc != SQLITE_ROW
          || g_ascii_strcasecmp (scm_store_column_text (stmt, 0), expected) != 0))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                   _("The database %s could not be switched to %s mode; check that its folder is "
                   "on a local file system."), self->db_path, expected);
      return FALSE;
    }
  return TRUE;
}

ScmStore *
scm_store_open (const char *data_dir,
                GError    **error)
{
  g_autoptr(ScmStore) self = NULL;
  g_autofree char *key_path = NULL;
  int rc;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (SCM_TYPE_STORE, NULL);
  self->data_dir = g_strdup (data_dir);
  self->db_path = g_build_filename (data_dir, DATABASE_NAME, NULL);
  key_path = g_build_filename (data_dir, KEY_NAME, NULL);

  if (g_mkdir_with_parents (data_dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED, _("Could not create the data folder %s: %s"),
                   data_dir, g_strerror (saved_errno));
      return NULL;
    }

  /* A database without its key would silently get a new one: every
   * Secret ID, access code and the audit chain would stop matching. */
  if (g_file_test (self->db_path, G_FILE_TEST_EXISTS)
      && !g_file_test (key_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                   _("The installation key %s is missing; restore it from the backup made with "
                   "the database."), key_path);
      return NULL;
    }

  if (!scm_installation_key_load_or_create (key_path, self->installation_key, error))
    return NULL;
  scm_hmac_sha256 (self->installation_key, sizeof self->installation_key,
                   audit_key_label, sizeof audit_key_label - 1, self->audit_key);

  if (!prepare_database_file (self->db_path, error))
    return NULL;

  rc = sqlite3_open_v2 (self->db_path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW,
                        NULL);
  if (rc != SQLITE_OK)
    {
      if (self->db != NULL)
        scm_store_db_error (self, "Could not open the database", error);
      else
        g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED, _("Could not open the database %s."),
                     self->db_path);
      return NULL;
    }

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 10000);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);

  /* Refuse a newer schema before anything (even the journal mode) is
   * written to the file. */
  if (!scm_store_check_schema (self->db, self->db_path, error))
    return NULL;

  if (!exec_pragma (self, "PRAGMA journal_mode = WAL", "wal", error)
      || !exec_pragma (self, "PRAGMA foreign_keys = ON", NULL, error)
      || !exec_pragma (self, "PRAGMA synchronous = FULL", NULL, error)
      || !exec_pragma (self, "PRAGMA secure_delete = ON", NULL, error)
      /* Savepoint journals in memory, and a page cache that holds a large
       * import without spilling: bulk work stays CPU-bound. */
      || !exec_pragma (self, "PRAGMA temp_store = MEMORY", NULL, error)
      || !exec_pragma (self, "PRAGMA cache_size = -16384", NULL, error))
    return NULL;

  if (!scm_store_migrate (self->db, self->db_path, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
scm_store_get_data_dir (ScmStore *self)
{
  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  return self->data_dir;
}

const char *
scm_store_get_database_path (ScmStore *self)
{
  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  return self->db_path;
}

const guint8 *
scm_store_get_installation_key (ScmStore *self)
{
  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  return self->installation_key;
}

const char *
scm_store_get_actor (ScmStore *self)
{
  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  return self->actor;
}

void
scm_store_set_actor (ScmStore   *self,
                     const char *actor)
{
  g_return_if_fail (SCM_IS_STORE (self));

  if (actor == NULL || *actor == '\0')
    actor = "admin";

  g_rec_mutex_lock (&self->lock);
  if (g_strcmp0 (self->actor, actor) == 0)
    {
      g_rec_mutex_unlock (&self->lock);
      return;
    }
  g_free (self->actor);
  self->actor = g_strdup (actor);
  g_rec_mutex_unlock (&self->lock);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTOR]);
}

/* Transactions ------------------------------------------------------------------ */

gboolean
scm_store_begin (ScmStore *self,
                 GError  **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);

  g_rec_mutex_lock (&self->lock);

  /* IMMEDIATE takes the write lock now (waiting up to busy_timeout for
   * other processes) instead of failing with SQLITE_BUSY at the first
   * write of a read transaction. */
  if (self->tx_depth == 0)
    sql = g_strdup ("BEGIN IMMEDIATE");
  else
    sql = g_strdup_printf ("SAVEPOINT scm_%u", self->tx_depth);

  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      scm_store_db_error (self, "Could not start a database transaction", error);
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }

  self->tx_depth++;
  return TRUE;
}

gboolean
scm_store_commit (ScmStore *self,
                  GError  **error)
{
  g_autofree char *sql = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (self->tx_depth == 1)
    sql = g_strdup ("COMMIT");
  else
    sql = g_strdup_printf ("RELEASE scm_%u", self->tx_depth - 1);

  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      scm_store_db_error (self, "Could not save the changes to the database", error);
      ok = FALSE;
      if (self->tx_depth == 1)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      else
        {
          g_autofree char *undo = g_strdup_printf ("ROLLBACK TO scm_%u; RELEASE scm_%u",
                                                   self->tx_depth - 1, self->tx_depth - 1);
          sqlite3_exec (self->db, undo, NULL, NULL, NULL);
        }
    }

  self->tx_depth--;
  g_rec_mutex_unlock (&self->lock);
  return ok;
}

void
scm_store_rollback (ScmStore *self)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (SCM_IS_STORE (self));
  g_return_if_fail (self->tx_depth > 0);

  if (self->tx_depth == 1)
    sql = g_strdup ("ROLLBACK");
  else
    sql = g_strdup_printf ("ROLLBACK TO scm_%u; RELEASE scm_%u",
                           self->tx_depth - 1, self->tx_depth - 1);

  /* SQLite may already have rolled back the whole transaction after an
   * I/O or full-disk error; then there is nothing left to undo. */
  if (!sqlite3_get_autocommit (self->db)
      && sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("Could not roll back a database transaction: %s", sqlite3_errmsg (self->db));

  self->tx_depth--;
  g_rec_mutex_unlock (&self->lock);
}

gboolean
scm_store_in_transaction (ScmStore *self)
{
  gboolean in_transaction;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);

  /* Only the owning thread can get the lock while a transaction is open,
   * so this is TRUE only for that thread. */
  if (!g_rec_mutex_trylock (&self->lock))
    return FALSE;
  in_transaction = self->tx_depth > 0;
  g_rec_mutex_unlock (&self->lock);
  return in_transaction;
}

/* Settings ------------------------------------------------------------------------ */

typedef gboolean (*SettingCheck) (ScmStore   *self,
                                  const char *key,
                                  const char *value,
                                  GError    **error);

typedef struct
{
  const char *key;
  const char *default_value;
  SettingCheck check;
  gint64 min;
  gint64 max;
  gboolean secret;
} SettingInfo;

static gboolean
check_integer (ScmStore   *self,
               const char *key,
               const char *value,
               GError    **error);
static gboolean
check_text (ScmStore   *self,
            const char *key,
            const char *value,
            GError    **error);
static gboolean
check_boolean (ScmStore   *self,
               const char *key,
               const char *value,
               GError    **error);
static gboolean
check_url (ScmStore   *self,
           const char *key,
           const char *value,
           GError    **error);
static gboolean
check_listen (ScmStore   *self,
              const char *key,
              const char *value,
              GError    **error);
static gboolean
check_security (ScmStore   *self,
                const char *key,
                const char *value,
                GError    **error);
static gboolean
check_host (ScmStore   *self,
            const char *key,
            const char *value,
            GError    **error);
static gboolean
check_email (ScmStore   *self,
             const char *key,
             const char *value,
             GError    **error);
static gboolean
check_form (ScmStore   *self,
            const char *key,
            const char *value,
            GError    **error);
static gboolean
check_day_list (ScmStore   *self,
                const char *key,
                const char *value,
                GError    **error);
static gboolean
check_email_list (ScmStore   *self,
                  const char *key,
                  const char *value,
                  GError    **error);

static const SettingInfo settings_info[] = {
  { "server.listen", NULL, check_listen },
  { "server.public-url", NULL, check_url },
  { "server.tls-certificate", NULL, check_text },
  { "server.tls-key", NULL, check_text },
  { "server.autostart", "false", check_boolean },
  { "smtp.host", NULL, check_host },
  { "smtp.port", NULL, check_integer, 1, 65535 },
  { "smtp.security", "starttls", check_security },
  { "smtp.username", NULL, check_text },
  { "smtp.password", NULL, check_text, 0, 0, TRUE },
  { "smtp.from", NULL, check_email },
  { "limits.max-attempts", "5", check_integer, 1, 1000 },
  { "limits.lockout-minutes", "15", check_integer, 1, 10080 },
  { "est.default-form", NULL, check_form },
  { "crl.next-update-days", "7", check_integer, 1, 365 },
  { "notify.expiry-days", "30,7,1", check_day_list },
  { "notify.admin-emails", NULL, check_email_list },
};

static const SettingInfo *
find_setting (const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (settings_info); i++)
    if (g_strcmp0 (settings_info[i].key, key) == 0)
      return &settings_info[i];
  return NULL;
}

static gboolean
check_integer (ScmStore   *self,
               const char *key,
               const char *value,
               GError    **error)
{
  const SettingInfo *info = find_setting (key);

  return scm_validate_integer (value, key, info->min, info->max, NULL, error);
}

static gboolean
check_text (ScmStore   *self,
            const char *key,
            const char *value,
            GError    **error)
{
  /* Not trimmed: a password may start or end with a space. */
  if (!g_utf8_validate (value, -1, NULL) || g_utf8_strlen (value, -1) > 1024)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The value of %s must be UTF-8 text of at most 1024 characters."), key);
      return FALSE;
    }
  for (const char *p = value; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      {
        g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                     _("The value of %s contains a control character; remove it."), key);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_boolean (ScmStore   *self,
               const char *key,
               const char *value,
               GError    **error)
{
  if (g_strcmp0 (value, "true") == 0 || g_strcmp0 (value, "false") == 0)
    return TRUE;
  g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID, _("%s must be “true” or “false”."), key);
  return FALSE;
}

static gboolean
check_url (ScmStore   *self,
           const char *key,
           const char *value,
           GError    **error)
{
  return scm_validate_http_url (value, key, error);
}

static gboolean
check_listen (ScmStore   *self,
              const char *key,
              const char *value,
              GError    **error)
{
  const char *colon = strrchr (value, ':');
  g_autofree char *host = NULL;

  if (colon == NULL || colon == value)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("%s must be ADDRESS:PORT, such as 0.0.0.0:8443 or [::]:8443."), key);
      return FALSE;
    }
  host = g_strndup (value, colon - value);
  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (".-:[]", *p) == NULL)
      {
        g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                     _("%s must be ADDRESS:PORT, such as 0.0.0.0:8443 or [::]:8443."), key);
        return FALSE;
      }
  return scm_validate_integer (colon + 1, "The port", 1, 65535, NULL, error);
}

static gboolean
check_security (ScmStore   *self,
                const char *key,
                const char *value,
                GError    **error)
{
  if (g_strcmp0 (value, "starttls") == 0 || g_strcmp0 (value, "tls") == 0
      || g_strcmp0 (value, "none") == 0)
    return TRUE;
  g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
               _("%s must be “starttls”, “tls” or “none”."), key);
  return FALSE;
}

static gboolean
check_host (ScmStore   *self,
            const char *key,
            const char *value,
            GError    **error)
{
  gsize len = strlen (value);

  if (len == 0 || len > 253)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("%s must be a host name or address such as smtp.example.org."), key);
      return FALSE;
    }
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (".-:_", *p) == NULL)
      {
        g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                     _("%s must be a host name or address such as smtp.example.org."), key);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_email (ScmStore   *self,
             const char *key,
             const char *value,
             GError    **error)
{
  return scm_validate_email (value, NULL, error);
}

static gboolean
check_form (ScmStore   *self,
            const char *key,
            const char *value,
            GError    **error)
{
  g_autoptr(ScmForm) form = NULL;

  if (!scm_validate_uri_extension (value, error))
    return FALSE;
  form = scm_store_find_form_by_uri_extension (self, value, error);
  return form != NULL;
}

static gboolean
check_day_list (ScmStore   *self,
                const char *key,
                const char *value,
                GError    **error)
{
  g_autoptr(GArray) days = scm_expiry_notice_parse_days (value, error);

  return days != NULL;
}

static gboolean
check_email_list (ScmStore   *self,
                  const char *key,
                  const char *value,
                  GError    **error)
{
  g_auto(GStrv) emails = scm_expiry_notice_parse_emails (value, error);

  return emails != NULL;
}

const char * const *
scm_store_list_setting_keys (void)
{
  static const char *keys[G_N_ELEMENTS (settings_info) + 1];

  if (keys[0] == NULL)
    for (gsize i = 0; i < G_N_ELEMENTS (settings_info); i++)
      keys[i] = settings_info[i].key;
  return keys;
}

char *
scm_store_get_setting (ScmStore   *self,
                       const char *key)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  const SettingInfo *info;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  SCM_STORE_LOCK (self);

  info = find_setting (key);
  stmt = scm_store_query (self, NULL, "SELECT value FROM settings WHERE key = ?", "t", key);
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    return g_strdup (scm_store_column_text (stmt, 0));
  return info != NULL ? g_strdup (info->default_value) : NULL;
}

gint64
scm_store_get_setting_int (ScmStore   *self,
                           const char *key)
{
  g_autofree char *value = scm_store_get_setting (self, key);
  const SettingInfo *info = find_setting (key);
  gint64 number;

  if (value != NULL && g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &number, NULL))
    return number;
  if (info != NULL && info->default_value != NULL)
    return g_ascii_strtoll (info->default_value, NULL, 10);
  return 0;
}

static gboolean
set_setting_tx (ScmStore   *self,
                const char *key,
                const char *value,
                GError    **error)
{
  const SettingInfo *info = find_setting (key);
  g_autofree char *message = NULL;

  if (value == NULL)
    {
      if (!scm_store_run (self, error, "DELETE FROM settings WHERE key = ?", "t", key))
        return FALSE;
      message = g_strdup_printf ("%s reset to its default", key);
    }
  else
    {
      if (!scm_store_run (self, error,
                          "INSERT INTO settings (key, value, modified_at) VALUES (?, ?, ?)"
                          " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                          " modified_at = excluded.modified_at",
                          "tti", key, value, scm_store_now ()))
        return FALSE;
      /* Never the value of a secret setting. */
      if (info->secret)
        message = g_strdup_printf ("%s changed", key);
      else
        message = g_strdup_printf ("%s set to “%s”", key, value);
    }

  return scm_store_audit (self, NULL, "settings.set", key, SCM_AUDIT_SUCCESS, message, error);
}

gboolean
scm_store_set_setting (ScmStore   *self,
                       const char *key,
                       const char *value,
                       GError    **error)
{
  const SettingInfo *info;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  info = find_setting (key);
  if (info == NULL)
    {
      g_autofree char *known = g_strjoinv (", ", (char **) scm_store_list_setting_keys ());
      g_autofree char *shown = g_utf8_make_valid (key != NULL ? key : "",
                                                  key != NULL ? MIN (strlen (key), 64) : 0);

      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("“%s” is not a setting; use one of %s."), shown, known);
      return FALSE;
    }

  SCM_STORE_LOCK (self);

  if (value != NULL && !info->check (self, key, value, error))
    return FALSE;

  return SCM_STORE_ATOMIC (self, error, set_setting_tx (self, key, value, error));
}

/* Backup ---------------------------------------------------------------------------- */

static gboolean
create_private_file (const char *path,
                     GError    **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == EEXIST)
        g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                     _("%s already exists; choose a new file name for the backup."), path);
      else
        g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED, _("Could not create %s: %s"),
                     path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

gboolean
scm_store_backup (ScmStore   *self,
                  const char *destination,
                  GError    **error)
{
  g_autofree char *key_path = NULL;
  sqlite3 *copy = NULL;
  sqlite3_backup *backup;
  int rc;
  int fd;
  gssize written;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (destination != NULL, FALSE);

  key_path = g_strconcat (destination, ".key", NULL);
  if (g_file_test (key_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                   _("%s already exists; choose a new file name for the backup."), key_path);
      return FALSE;
    }
  if (!create_private_file (destination, error))
    return FALSE;

  SCM_STORE_LOCK (self);

  rc = sqlite3_open_v2 (destination, &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc == SQLITE_OK)
    {
      backup = sqlite3_backup_init (copy, "main", self->db, "main");
      if (backup != NULL)
        {
          rc = sqlite3_backup_step (backup, -1);
          sqlite3_backup_finish (backup);
          rc = rc == SQLITE_DONE ? sqlite3_errcode (copy) : rc;
        }
      else
        rc = sqlite3_errcode (copy);
    }
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED, _("Could not write the backup %s: %s"),
                   destination, copy != NULL ? sqlite3_errmsg (copy) : sqlite3_errstr (rc));
      sqlite3_close_v2 (copy);
      g_unlink (destination);
      return FALSE;
    }
  /* One self-contained file: fold the copy's WAL back in. */
  sqlite3_exec (copy, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  sqlite3_close_v2 (copy);

  if (!create_private_file (key_path, error))
    {
      g_unlink (destination);
      return FALSE;
    }
  fd = g_open (key_path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  written = fd >= 0 ? write (fd, self->installation_key, sizeof self->installation_key) : -1;
  if (fd < 0 || written != (gssize) sizeof self->installation_key || fsync (fd) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      g_unlink (key_path);
      g_unlink (destination);
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED, _("Could not write %s: %s"),
                   key_path, g_strerror (saved_errno));
      return FALSE;
    }
  close (fd);

  return SCM_STORE_ATOMIC (self, error,
                           scm_store_audit (self, NULL, "store.backup", destination,
                                            SCM_AUDIT_SUCCESS, "Database backed up", error));
}
