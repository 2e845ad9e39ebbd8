/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "scm-error.h"
#include "scm-store-private.h"

/* The enrollment endpoint's TLS certificate: one row, replaced whole. */

static gboolean
save_server_certificate_tx (ScmStore   *self,
                            const char *names,
                            const char *issuer,
                            GBytes     *certificate_pem,
                            GBytes     *key_pem,
                            gint64      not_after,
                            GError    **error)
{
  g_autoptr(GDateTime) until = g_date_time_new_from_unix_utc (not_after);
  g_autofree char *until_text = until != NULL ? g_date_time_format_iso8601 (until) : g_strdup ("?");
  g_autofree char *message = NULL;

  if (!scm_store_run (self, error,
                      "INSERT INTO server_certificate (id, names, issuer, certificate_pem, key_pem,"
                      " not_after, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)"
                      " ON CONFLICT (id) DO UPDATE SET names = excluded.names,"
                      " issuer = excluded.issuer, certificate_pem = excluded.certificate_pem,"
                      " key_pem = excluded.key_pem, not_after = excluded.not_after,"
                      " created_at = excluded.created_at",
                      "ttBBii", names, issuer, certificate_pem, key_pem, not_after,
                      scm_store_now ()))
    return FALSE;

  message = g_strdup_printf ("TLS certificate of the enrollment endpoint for %s, valid until %s",
                             names, until_text);
  return scm_store_audit (self, NULL, "server-certificate.issue", names, SCM_AUDIT_SUCCESS,
                          message, error);
}

gboolean
scm_store_save_server_certificate (ScmStore   *self,
                                   const char *names,
                                   const char *issuer,
                                   GBytes     *certificate_pem,
                                   GBytes     *key_pem,
                                   gint64      not_after,
                                   GError    **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (names != NULL && *names != '\0', FALSE);
  g_return_val_if_fail (issuer != NULL, FALSE);
  g_return_val_if_fail (certificate_pem != NULL, FALSE);
  g_return_val_if_fail (key_pem != NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error,
                           save_server_certificate_tx (self, names, issuer, certificate_pem,
                                                       key_pem, not_after, error));
}

gboolean
scm_store_load_server_certificate (ScmStore *self,
                                   char    **names,
                                   char    **issuer,
                                   GBytes  **certificate_pem,
                                   GBytes  **key_pem,
                                   gint64   *not_after,
                                   GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error,
                          "SELECT names, issuer, certificate_pem, key_pem, not_after"
                          " FROM server_certificate WHERE id = 1", NULL);
  if (stmt == NULL || (rc = scm_store_step (self, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                           _("The enrollment endpoint has no TLS certificate yet."));
      return FALSE;
    }

  if (names != NULL)
    *names = g_strdup (scm_store_column_text (stmt, 0));
  if (issuer != NULL)
    *issuer = g_strdup (scm_store_column_text (stmt, 1));
  if (certificate_pem != NULL)
    *certificate_pem = scm_store_column_bytes (stmt, 2);
  if (key_pem != NULL)
    *key_pem = scm_store_column_bytes (stmt, 3);
  if (not_after != NULL)
    *not_after = sqlite3_column_int64 (stmt, 4);
  return TRUE;
}
