/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include "scm-error.h"
#include "scm-store-private.h"

/* Expiry notices: one row per certificate and threshold, claimed before
 * the mail is sent and completed after (scm-expiry-notice.c says why). */

static gboolean
claim_tx (ScmStore              *self,
          gint64                 certificate_id,
          guint                  threshold_days,
          const char            *owner,
          gint64                 now,
          ScmStoreOwnerAliveFunc owner_alive,
          gboolean              *out_claimed,
          GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int step;

  *out_claimed = FALSE;
  stmt = scm_store_query (self, error,
                          "SELECT state, owner FROM expiry_notices"
                          " WHERE certificate_id = ? AND threshold_days = ?", "iu",
                          certificate_id, threshold_days);
  if (stmt == NULL || (step = scm_store_step (self, stmt, error)) < 0)
    return FALSE;

  if (step == SQLITE_DONE)
    {
      if (!scm_store_run (self, error,
                          "INSERT INTO expiry_notices (certificate_id, threshold_days, state,"
                          " owner, claimed_at) VALUES (?, ?, 'sending', ?, ?)", "iuti",
                          certificate_id, threshold_days, owner, now))
        return FALSE;
      *out_claimed = TRUE;
      return TRUE;
    }

  if (g_strcmp0 (scm_store_column_text (stmt, 0), "sent") == 0)
    return TRUE;
  /* Claimed by a run that is still sending it: leave it to that run. */
  if (owner_alive != NULL && owner_alive (scm_store_column_text (stmt, 1)))
    return TRUE;
  g_clear_pointer (&stmt, scm_store_stmt_release);

  /* The run that claimed it stopped before knowing whether the mail went
   * out: send it (again) rather than never. */
  if (!scm_store_run (self, error,
                      "UPDATE expiry_notices SET owner = ?, claimed_at = ?"
                      " WHERE certificate_id = ? AND threshold_days = ?", "tiiu",
                      owner, now, certificate_id, threshold_days))
    return FALSE;
  *out_claimed = TRUE;
  return TRUE;
}

gboolean
scm_store_claim_expiry_notice (ScmStore              *self,
                               gint64                 certificate_id,
                               guint                  threshold_days,
                               const char            *owner,
                               gint64                 now,
                               ScmStoreOwnerAliveFunc owner_alive,
                               gboolean              *out_claimed,
                               GError               **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (owner != NULL, FALSE);
  g_return_val_if_fail (out_claimed != NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error,
                           claim_tx (self, certificate_id, threshold_days, owner, now,
                                     owner_alive, out_claimed, error));
}

static gboolean
complete_tx (ScmStore   *self,
             gint64      certificate_id,
             guint       threshold_days,
             gboolean    sent,
             const char *object,
             const char *message,
             gint64      now,
             GError    **error)
{
  if (sent)
    {
      if (!scm_store_run (self, error,
                          "UPDATE expiry_notices SET state = 'sent', sent_at = ?, owner = NULL"
                          " WHERE certificate_id = ? AND threshold_days = ?", "iiu",
                          now, certificate_id, threshold_days))
        return FALSE;
    }
  /* Not sent: forget the claim, so the next run tries again. */
  else if (!scm_store_run (self, error,
                           "DELETE FROM expiry_notices WHERE certificate_id = ?"
                           " AND threshold_days = ? AND state = 'sending'", "iu",
                           certificate_id, threshold_days))
    return FALSE;

  return scm_store_audit (self, NULL, "certificate.expiry-notice", object,
                          sent ? SCM_AUDIT_SUCCESS : SCM_AUDIT_FAILURE, message, error);
}

gboolean
scm_store_complete_expiry_notice (ScmStore   *self,
                                  gint64      certificate_id,
                                  guint       threshold_days,
                                  gboolean    sent,
                                  const char *object,
                                  const char *message,
                                  gint64      now,
                                  GError    **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error,
                           complete_tx (self, certificate_id, threshold_days, sent, object,
                                        message, now, error));
}

gboolean
scm_store_expiry_notice_sent (ScmStore *self,
                              gint64    certificate_id,
                              guint     threshold_days)
{
  gint64 count = 0;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);

  SCM_STORE_LOCK (self);

  if (!scm_store_query_int64 (self, &count, 0, NULL,
                              "SELECT count (*) FROM expiry_notices WHERE certificate_id = ?"
                              " AND threshold_days = ? AND state = 'sent'", "iu",
                              certificate_id, threshold_days))
    return FALSE;
  return count > 0;
}
