/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "scm-error.h"
#include "scm-store-private.h"

/* The audit log: an HMAC chain and the CA / CRL rows.
 *
 * Each event's mac = HMAC-SHA256 (audit key, previous mac || encoding of
 * seq, time, actor, action, object, result, message); the first event
 * chains from 32 zero bytes. audit_head keeps the newest (seq, mac) and is
 * written in the same transaction as each event.
 *
 * What scm_store_verify() detects: a changed event (its mac no longer
 * matches), a removed event in the middle (a gap in seq, and the next mac
 * no longer chains), an inserted or reordered event (mac), removed newest
 * events (audit_head is ahead of the table), and a changed audit_head.
 *
 * What it cannot detect from the database alone: someone who removes the
 * newest events AND rewrites audit_head to the new last row's (seq, mac),
 * both of which are readable, or who replaces the whole file with an
 * older copy of itself. Catching those needs an anchor kept elsewhere
 * (e.g. the head's seq and mac written to the system journal or a
 * backup). Forging a new or changed event needs the installation key. */

#define MAC_SIZE 32

static void
append_u64 (GByteArray *buffer,
            guint64     value)
{
  guint8 bytes[8];

  for (int i = 7; i >= 0; i--)
    {
      bytes[i] = value & 0xff;
      value >>= 8;
    }
  g_byte_array_append (buffer, bytes, sizeof bytes);
}

/* Length-prefixed, with NULL distinct from "", so that no two different
 * rows encode to the same bytes. */
static void
append_field (GByteArray *buffer,
              const char *field)
{
  guint8 length[4];
  guint32 len = field != NULL ? (guint32) strlen (field) : G_MAXUINT32;

  length[0] = len >> 24;
  length[1] = (len >> 16) & 0xff;
  length[2] = (len >> 8) & 0xff;
  length[3] = len & 0xff;
  g_byte_array_append (buffer, length, sizeof length);
  if (field != NULL)
    g_byte_array_append (buffer, (const guint8 *) field, len);
}

static void
compute_mac (ScmStore     *self,
             const guint8  previous[MAC_SIZE],
             gint64        seq,
             gint64        time,
             const char   *actor,
             const char   *action,
             const char   *object,
             const char   *result,
             const char   *message,
             guint8        out[MAC_SIZE])
{
  g_autoptr(GByteArray) buffer = g_byte_array_new ();

  g_byte_array_append (buffer, (const guint8 *) "scm-audit-v1", 12);
  g_byte_array_append (buffer, previous, MAC_SIZE);
  append_u64 (buffer, (guint64) seq);
  append_u64 (buffer, (guint64) time);
  append_field (buffer, actor);
  append_field (buffer, action);
  append_field (buffer, object);
  append_field (buffer, result);
  append_field (buffer, message);

  scm_hmac_sha256 (self->audit_key, sizeof self->audit_key, buffer->data, buffer->len, out);
}

static char *
mac_to_hex (const guint8 mac[MAC_SIZE])
{
  char *hex = g_malloc (MAC_SIZE * 2 + 1);

  for (gsize i = 0; i < MAC_SIZE; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", mac[i]);
  return hex;
}

static gboolean
mac_from_hex (const char *hex,
              guint8      out[MAC_SIZE])
{
  if (hex == NULL || strlen (hex) != MAC_SIZE * 2)
    return FALSE;
  for (gsize i = 0; i < MAC_SIZE; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return FALSE;
      out[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

gboolean
scm_store_audit (ScmStore   *self,
                 const char *actor,
                 const char *action,
                 const char *object,
                 const char *result,
                 const char *message,
                 GError    **error)
{
  g_autoptr(sqlite3_stmt) head = NULL;
  g_autofree char *mac_hex = NULL;
  guint8 previous[MAC_SIZE] = { 0 };
  guint8 mac[MAC_SIZE];
  gint64 seq = 1;
  gint64 time;
  gint64 last_rowid = sqlite3_last_insert_rowid (self->db);
  gboolean ok;
  int rc;

  g_assert (self->tx_depth > 0);

  if (actor == NULL)
    actor = self->actor;

  head = scm_store_query (self, error, "SELECT seq, mac FROM audit_head WHERE id = 1", NULL);
  if (head == NULL || (rc = scm_store_step (self, head, error)) < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    {
      seq = sqlite3_column_int64 (head, 0) + 1;
      if (!mac_from_hex (scm_store_column_text (head, 1), previous))
        {
          g_set_error_literal (error, SCM_ERROR, SCM_ERROR_TAMPERED,
                               _("The audit log's head was changed; run “scm-enrollctl verify”."));
          return FALSE;
        }
    }

  /* Microseconds, and never earlier than the previous event, so the
   * log's order is the time order even if the clock steps back. */
  if (!scm_store_query_int64 (self, &time, 0, error,
                              "SELECT max (time) FROM audit_events", NULL))
    return FALSE;
  time = MAX (time, g_get_real_time ());

  compute_mac (self, previous, seq, time, actor, action, object, result, message, mac);
  mac_hex = mac_to_hex (mac);

  ok = scm_store_run (self, error,
                      "INSERT INTO audit_events (seq, time, actor, action, object, result,"
                      " message, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      "iitttttt", seq, time, actor, action, object, result, message, mac_hex)
       && scm_store_run (self, error,
                         "INSERT INTO audit_head (id, seq, mac) VALUES (1, ?, ?)"
                         " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, mac = excluded.mac",
                         "it", seq, mac_hex);

  /* Callers read the id of the row they inserted after auditing it. */
  sqlite3_set_last_insert_rowid (self->db, last_rowid);
  return ok;
}

gboolean
scm_store_add_audit_event (ScmStore   *self,
                           const char *actor,
                           const char *action,
                           const char *object,
                           const char *result,
                           const char *message,
                           GError    **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (action == NULL || *action == '\0' || !g_utf8_validate (action, -1, NULL))
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("An audit event needs an action such as “person.create”."));
      return FALSE;
    }
  if (g_strcmp0 (result, SCM_AUDIT_SUCCESS) != 0 && g_strcmp0 (result, SCM_AUDIT_FAILURE) != 0)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("An audit event's result must be “success” or “failure”."));
      return FALSE;
    }
  if ((actor != NULL && !g_utf8_validate (actor, -1, NULL))
      || (object != NULL && !g_utf8_validate (object, -1, NULL))
      || (message != NULL && !g_utf8_validate (message, -1, NULL)))
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("An audit event's text must be valid UTF-8."));
      return FALSE;
    }

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error,
                           scm_store_audit (self, actor, action, object, result, message, error));
}

static ScmAuditEvent *
audit_event_from_row (sqlite3_stmt *stmt)
{
  ScmAuditEvent *event = scm_audit_event_new ();

  scm_audit_event_set_seq (event, sqlite3_column_int64 (stmt, 0));
  scm_audit_event_set_time (event, sqlite3_column_int64 (stmt, 1));
  scm_audit_event_set_actor (event, scm_store_column_text (stmt, 2));
  scm_audit_event_set_action (event, scm_store_column_text (stmt, 3));
  scm_audit_event_set_object (event, scm_store_column_text (stmt, 4));
  scm_audit_event_set_result (event, scm_store_column_text (stmt, 5));
  scm_audit_event_set_message (event, scm_store_column_text (stmt, 6));
  return event;
}

static char *
escape_like (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

GPtrArray *
scm_store_list_audit_events (ScmStore             *self,
                             const ScmAuditFilter *filter,
                             guint                 limit,
                             GError              **error)
{
  static const ScmAuditFilter no_filter = { 0 };
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *action_like = NULL;
  int rc;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  if (filter == NULL)
    filter = &no_filter;
  if (filter->action != NULL && g_str_has_suffix (filter->action, "."))
    {
      g_autofree char *escaped = escape_like (filter->action);
      action_like = g_strconcat (escaped, "%", NULL);
    }

  SCM_STORE_LOCK (self);

  /* NULL parameters switch their condition off. */
  stmt = scm_store_query (self, error,
                          "SELECT seq, time, actor, action, object, result, message"
                          " FROM audit_events"
                          " WHERE (?1 IS NULL OR actor = ?1)"
                          "   AND (?2 IS NULL OR action = ?2)"
                          "   AND (?3 IS NULL OR action LIKE ?3 ESCAPE '\\')"
                          "   AND (?4 IS NULL OR object = ?4)"
                          "   AND (?5 IS NULL OR result = ?5)"
                          "   AND (?6 IS NULL OR time >= ?6)"
                          "   AND (?7 IS NULL OR time < ?7)"
                          "   AND (?8 IS NULL OR seq < ?8)"
                          " ORDER BY seq DESC LIMIT ?9",
                          "tttttIIIi",
                          filter->actor,
                          action_like == NULL ? filter->action : NULL,
                          action_like,
                          filter->object,
                          filter->result,
                          filter->since,
                          filter->until,
                          filter->before_seq,
                          limit > 0 ? (gint64) limit : (gint64) -1);
  if (stmt == NULL)
    return NULL;

  while ((rc = scm_store_step (self, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (events, audit_event_from_row (stmt));
  if (rc < 0)
    return NULL;

  return g_steal_pointer (&events);
}

static gboolean
tampered (GError    **error,
          const char *format,
          ...) G_GNUC_PRINTF (2, 3);

static gboolean
tampered (GError    **error,
          const char *format,
          ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;
  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (SCM_ERROR, SCM_ERROR_TAMPERED, format, args));
  va_end (args);
  return FALSE;
}

static gboolean
verify_database (ScmStore *self,
                 GError  **error)
{
  g_autoptr(sqlite3_stmt) integrity = NULL;
  g_autoptr(sqlite3_stmt) foreign = NULL;
  int rc;

  integrity = scm_store_query (self, error, "PRAGMA integrity_check", NULL);
  if (integrity == NULL || (rc = scm_store_step (self, integrity, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW || g_strcmp0 (scm_store_column_text (integrity, 0), "ok") != 0)
    return tampered (error, "The database file is damaged (%s); restore a backup.",
                     rc == SQLITE_ROW ? scm_store_column_text (integrity, 0) : "no answer");

  foreign = scm_store_query (self, error, "PRAGMA foreign_key_check", NULL);
  if (foreign == NULL || (rc = scm_store_step (self, foreign, error)) < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    return tampered (error, "Row %" G_GINT64_FORMAT " of table %s refers to a missing row of %s; "
                     "the database was changed outside ScmEnroll.",
                     (gint64) sqlite3_column_int64 (foreign, 1), scm_store_column_text (foreign, 0),
                     scm_store_column_text (foreign, 2));
  return TRUE;
}

static gboolean
verify_chain (ScmStore *self,
              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) head = NULL;
  guint8 previous[MAC_SIZE] = { 0 };
  guint8 head_mac[MAC_SIZE];
  gint64 expected = 1;
  gint64 head_seq = 0;
  int rc;

  stmt = scm_store_query (self, error,
                          "SELECT seq, time, actor, action, object, result, message, mac"
                          " FROM audit_events ORDER BY seq", NULL);
  if (stmt == NULL)
    return FALSE;

  while ((rc = scm_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      guint8 stored[MAC_SIZE];
      guint8 mac[MAC_SIZE];

      if (seq != expected)
        return tampered (error, "Audit event %" G_GINT64_FORMAT " was changed or removed.",
                         expected);

      compute_mac (self, previous, seq, sqlite3_column_int64 (stmt, 1),
                   scm_store_column_text (stmt, 2), scm_store_column_text (stmt, 3),
                   scm_store_column_text (stmt, 4), scm_store_column_text (stmt, 5),
                   scm_store_column_text (stmt, 6), mac);
      if (!mac_from_hex (scm_store_column_text (stmt, 7), stored)
          || CRYPTO_memcmp (mac, stored, MAC_SIZE) != 0)
        return tampered (error, "Audit event %" G_GINT64_FORMAT " was changed or removed.", seq);

      memcpy (previous, mac, MAC_SIZE);
      expected++;
    }
  if (rc < 0)
    return FALSE;

  head = scm_store_query (self, error, "SELECT seq, mac FROM audit_head WHERE id = 1", NULL);
  if (head == NULL || (rc = scm_store_step (self, head, error)) < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    {
      head_seq = sqlite3_column_int64 (head, 0);
      if (!mac_from_hex (scm_store_column_text (head, 1), head_mac))
        return tampered (error, "The audit log's head was changed.");
    }
  else if (expected > 1)
    return tampered (error, "The audit log's head was removed.");

  if (head_seq >= expected)
    return tampered (error, "Audit event %" G_GINT64_FORMAT " was changed or removed.", expected);
  if (head_seq != expected - 1
      || (head_seq > 0 && CRYPTO_memcmp (head_mac, previous, MAC_SIZE) != 0))
    return tampered (error, "The audit log's head does not match audit event %" G_GINT64_FORMAT
                     ".", expected - 1);
  return TRUE;
}

gboolean
scm_store_verify (ScmStore *self,
                  GError  **error)
{
  gboolean ok;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  /* One read transaction: the chain and its head from the same snapshot. */
  if (self->tx_depth == 0 && sqlite3_exec (self->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return scm_store_db_error (self, "Could not read the database", error);

  ok = verify_database (self, error) && verify_chain (self, error);

  if (self->tx_depth == 0)
    sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
  return ok;
}

/* Certificate authority and CRLs ----------------------------------------------- */

static gboolean
save_ca_tx (ScmStore *self,
            GBytes   *chain_pem,
            GBytes   *issuing_key_pem,
            GBytes   *root_key_pem,
            GError  **error)
{
  gint64 now = scm_store_now ();
  gint64 previous = 0;

  if (!scm_store_query_int64 (self, &previous, 0, error,
                              "SELECT count (*) FROM ca WHERE current = 1", NULL)
      || !scm_store_run (self, error,
                         "UPDATE ca SET current = 0, retired_at = ? WHERE current = 1", "i", now)
      || !scm_store_run (self, error,
                         "INSERT INTO ca (chain_pem, issuing_key_pem, root_key_pem, current,"
                         " created_at) VALUES (?, ?, ?, 1, ?)",
                         "BBBi", chain_pem, issuing_key_pem, root_key_pem, now))
    return FALSE;

  return scm_store_audit (self, NULL, "ca.save", "ca", SCM_AUDIT_SUCCESS,
                          previous > 0 ? "The certificate authority was replaced"
                                       : "The certificate authority was created",
                          error);
}

static gboolean
is_empty_bytes (GBytes *bytes)
{
  return bytes == NULL || g_bytes_get_size (bytes) == 0;
}

gboolean
scm_store_save_ca (ScmStore *self,
                   GBytes   *chain_pem,
                   GBytes   *issuing_key_pem,
                   GBytes   *root_key_pem,
                   GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_empty_bytes (chain_pem) || is_empty_bytes (issuing_key_pem))
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("A certificate authority needs its certificate chain and its "
                           "issuing key."));
      return FALSE;
    }
  if (root_key_pem != NULL && g_bytes_get_size (root_key_pem) == 0)
    root_key_pem = NULL;

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error,
                           save_ca_tx (self, chain_pem, issuing_key_pem, root_key_pem, error));
}

gboolean
scm_store_load_ca (ScmStore *self,
                   GBytes  **chain_pem,
                   GBytes  **issuing_key_pem,
                   GBytes  **root_key_pem,
                   GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error,
                          "SELECT chain_pem, issuing_key_pem, root_key_pem FROM ca"
                          " WHERE current = 1", NULL);
  if (stmt == NULL || (rc = scm_store_step (self, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                           _("There is no certificate authority yet; create or import one."));
      return FALSE;
    }

  if (chain_pem != NULL)
    *chain_pem = scm_store_column_bytes (stmt, 0);
  if (issuing_key_pem != NULL)
    *issuing_key_pem = scm_store_column_bytes (stmt, 1);
  if (root_key_pem != NULL)
    *root_key_pem = scm_store_column_bytes (stmt, 2);
  return TRUE;
}

static gboolean
add_crl_tx (ScmStore   *self,
            const char *issuer,
            guint64     number,
            gint64      this_update,
            gint64      next_update,
            GBytes     *der,
            GError    **error)
{
  g_autofree char *message = NULL;
  gint64 latest;

  if (!scm_store_query_int64 (self, &latest, -1, error,
                              "SELECT max (number) FROM crls WHERE issuer = ?", "t", issuer))
    return FALSE;
  if ((gint64) number <= latest)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   "CRL number %" G_GUINT64_FORMAT " is not greater than the latest one, %"
                   G_GINT64_FORMAT "; use scm_store_next_crl_number().", number, latest);
      return FALSE;
    }

  if (!scm_store_run (self, error,
                      "INSERT INTO crls (issuer, number, this_update, next_update, der,"
                      " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                      "tiiiBi", issuer, (gint64) number, this_update, next_update, der,
                      scm_store_now ()))
    return FALSE;

  message = g_strdup_printf ("CRL number %" G_GUINT64_FORMAT " published", number);
  return scm_store_audit (self, NULL, "crl.publish", issuer, SCM_AUDIT_SUCCESS, message, error);
}

gboolean
scm_store_add_crl (ScmStore   *self,
                   const char *issuer,
                   guint64     number,
                   gint64      this_update,
                   gint64      next_update,
                   GBytes     *der,
                   GError    **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (issuer == NULL || *issuer == '\0' || is_empty_bytes (der))
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("A CRL needs its issuer and its DER encoding."));
      return FALSE;
    }
  if (number > G_MAXINT64)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   "CRL number %" G_GUINT64_FORMAT " is too large.", number);
      return FALSE;
    }
  if (next_update <= this_update)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("A CRL's next update must come after its this update."));
      return FALSE;
    }

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error,
                           add_crl_tx (self, issuer, number, this_update, next_update, der,
                                       error));
}

gboolean
scm_store_get_latest_crl (ScmStore   *self,
                          const char *issuer,
                          guint64    *number,
                          gint64     *this_update,
                          gint64     *next_update,
                          GBytes    **der,
                          GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (issuer != NULL, FALSE);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error,
                          "SELECT number, this_update, next_update, der FROM crls"
                          " WHERE issuer = ? ORDER BY number DESC LIMIT 1", "t", issuer);
  if (stmt == NULL || (rc = scm_store_step (self, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                   _("No CRL was published yet for %s."), issuer);
      return FALSE;
    }

  if (number != NULL)
    *number = (guint64) sqlite3_column_int64 (stmt, 0);
  if (this_update != NULL)
    *this_update = sqlite3_column_int64 (stmt, 1);
  if (next_update != NULL)
    *next_update = sqlite3_column_int64 (stmt, 2);
  if (der != NULL)
    *der = scm_store_column_bytes (stmt, 3);
  return TRUE;
}

guint64
scm_store_next_crl_number (ScmStore   *self,
                           const char *issuer)
{
  gint64 latest = 0;

  g_return_val_if_fail (SCM_IS_STORE (self), 0);
  g_return_val_if_fail (issuer != NULL, 0);

  SCM_STORE_LOCK (self);

  if (!scm_store_query_int64 (self, &latest, 0, NULL,
                              "SELECT max (number) FROM crls WHERE issuer = ?", "t", issuer))
    return 0;
  return (guint64) latest + 1;
}
