/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the scm-store*.c files only: the instance structure and the
 * SQLite helpers. Nothing outside the store includes this header. */

#include <sqlite3.h>

#include "scm-secret.h"
#include "scm-store.h"

G_BEGIN_DECLS

struct _ScmStore
{
  GObject parent_instance;

  /* Held by every public call and, between scm_store_begin() and the
   * matching commit/rollback, by the thread owning the transaction. */
  GRecMutex lock;
  guint tx_depth;

  sqlite3 *db;
  GHashTable *statements;  /* SQL text → idle sqlite3_stmt */
  char *data_dir;
  char *db_path;
  char *actor;

  guint8 installation_key[SCM_INSTALLATION_KEY_SIZE];
  guint8 audit_key[32];
};

/* Statements from scm_store_query() come from a per-store cache (bulk work
 * such as a CSV import runs the same few statements 100,000 times);
 * releasing one resets it and hands it back to the cache, any other is
 * finalized. */
void scm_store_stmt_release (sqlite3_stmt *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, scm_store_stmt_release)

#define SCM_STORE_LOCK(self) \
  g_autoptr(GRecMutexLocker) G_PASTE (store_locker_, __LINE__) = \
    g_rec_mutex_locker_new (&(self)->lock)

/* Runs @call (a gboolean expression setting @error on failure) in its own
 * transaction, or in a savepoint of the caller's: all or nothing. */
#define SCM_STORE_ATOMIC(self, error, call)                              \
  (scm_store_begin ((self), (error))                                     \
   && ((call) ? scm_store_commit ((self), (error))                       \
              : (scm_store_rollback (self), FALSE)))

/* Unix time in seconds. */
gint64        scm_store_now            (void);

/* Sets @error from the connection's last error; returns FALSE. */
gboolean      scm_store_db_error       (ScmStore   *self,
                                        const char *what,
                                        GError    **error);

/* Prepares @sql and binds the variadic arguments described by @types,
 * one letter each:
 *   t  const char *   (NULL binds NULL)
 *   i  gint64
 *   I  gint64, 0 binds NULL (optional ids)
 *   u  guint
 *   b  gboolean (0 or 1)
 *   B  GBytes *       (NULL binds NULL)
 */
sqlite3_stmt *scm_store_query          (ScmStore   *self,
                                        GError    **error,
                                        const char *sql,
                                        const char *types,
                                        ...);

/* Prepares, binds and steps @sql to completion (INSERT/UPDATE/DELETE). */
gboolean      scm_store_run            (ScmStore   *self,
                                        GError    **error,
                                        const char *sql,
                                        const char *types,
                                        ...);

/* The first column of the first row as an integer (@fallback when there
 * is no row or it is NULL). */
gboolean      scm_store_query_int64    (ScmStore   *self,
                                        gint64     *out,
                                        gint64      fallback,
                                        GError    **error,
                                        const char *sql,
                                        const char *types,
                                        ...);

/* sqlite3_step(): SQLITE_ROW or SQLITE_DONE, or -1 with @error set. */
int           scm_store_step           (ScmStore     *self,
                                        sqlite3_stmt *stmt,
                                        GError      **error);

/* Column accessors that map NULL to NULL / 0. */
const char   *scm_store_column_text    (sqlite3_stmt *stmt,
                                        int           column);
GBytes       *scm_store_column_bytes   (sqlite3_stmt *stmt,
                                        int           column);

/* The key names are compared by: NFKC, case-folded. */
char         *scm_store_name_key       (const char *name);

/* Appends an audit event inside the current transaction (the caller
 * holds one). @actor NULL means the store's actor. */
gboolean      scm_store_audit          (ScmStore   *self,
                                        const char *actor,
                                        const char *action,
                                        const char *object,
                                        const char *result,
                                        const char *message,
                                        GError    **error);

/* Checks that @organization_id exists and @department_id (if not 0)
 * belongs to it; fills *@description with "Acme" or "Acme / Sales". */
gboolean      scm_store_check_org_dept (ScmStore   *self,
                                        gint64      organization_id,
                                        gint64      department_id,
                                        char      **description,
                                        GError    **error);

typedef gpointer (*ScmStoreFromRow) (sqlite3_stmt *stmt);

/* Steps @stmt (may be NULL after a failed prepare, with @error set) and
 * builds one object from its first row; NULL without error when there is
 * no row. */
gpointer      scm_store_fetch_one      (ScmStore       *self,
                                        sqlite3_stmt   *stmt,
                                        ScmStoreFromRow from_row,
                                        GError        **error);
/* The object of the row @sql (one "?" for @id) finds, or NULL with
 * SCM_ERROR_NOT_FOUND naming @kind: every get-by-id of the store. */
gpointer      scm_store_fetch_by_id    (ScmStore       *self,
                                        const char     *sql,
                                        gint64          id,
                                        ScmStoreFromRow from_row,
                                        const char     *kind,
                                        GError        **error);
/* All rows as objects; NULL on error. */
GPtrArray    *scm_store_fetch_all      (ScmStore       *self,
                                        sqlite3_stmt   *stmt,
                                        ScmStoreFromRow from_row,
                                        GError        **error);

/* A table that may still refer to an object: @sql counts the rows (one
 * "?" for the object's id); the message reads "@what still has N @plural;
 * @advice", with "THEM" in @advice read as "it" or "them". */
typedef struct
{
  const char *sql;
  const char *singular;
  const char *plural;
  const char *advice;
} ScmStoreReference;

/* SCM_ERROR_IN_USE for the first reference with rows. */
gboolean      scm_store_check_unused   (ScmStore                *self,
                                        const char              *what,
                                        gint64                   id,
                                        const ScmStoreReference *references,
                                        gsize                    n_references,
                                        GError                 **error);

/* SCM_ERROR_NOT_FOUND "There is no @kind with id @id." */
gboolean      scm_store_not_found      (const char *kind,
                                        gint64      id,
                                        GError    **error);

/* Refuses (SCM_ERROR_SCHEMA_TOO_NEW) a database written by a newer
 * version, before anything is written to it. */
gboolean      scm_store_check_schema   (sqlite3    *db,
                                        const char *path,
                                        GError    **error);

/* Migrations (scm-migrations.c): upgrades the open database to the latest
 * schema, each step in one BEGIN IMMEDIATE transaction. */
gboolean      scm_store_migrate        (sqlite3    *db,
                                        const char *path,
                                        GError    **error);

G_END_DECLS
