/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "scm-error.h"
#include "scm-store-private.h"

/* Certificate rows. Issuance is crash-safe: a pending row is written
 * before signing, then completed (or failed) together with its audit
 * event. No subscriber private key ever reaches this table. */

#define CERTIFICATE_SELECT(der) \
  "SELECT c.id, c.issuer, c.serial, c.person_id, p.email, c.form_id, c.account_id," \
  " c.profile_id, pr.name, c.key_type, c.requested_via, c.status, c.owner, c.subject, c.sans," \
  " c.not_before, c.not_after, c.fingerprint, c.created_at, c.issued_at, c.revoked_at," \
  " c.revocation_reason, c.failure_reason, c.renewed_from, " der \
  " FROM certificates c JOIN persons p ON p.id = c.person_id" \
  " JOIN profiles pr ON pr.id = c.profile_id"

static gpointer
certificate_from_row (sqlite3_stmt *stmt)
{
  ScmCertificate *certificate = scm_certificate_new ();
  ScmKeyType key_type = SCM_KEY_TYPE_EC_P256;
  ScmRequestedVia via = SCM_REQUESTED_VIA_SELF_ENROLLMENT;
  ScmCertStatus status = SCM_CERT_STATUS_PENDING;
  g_autoptr(GBytes) der = NULL;

  scm_certificate_set_id (certificate, sqlite3_column_int64 (stmt, 0));
  scm_certificate_set_issuer (certificate, scm_store_column_text (stmt, 1));
  scm_certificate_set_serial (certificate, scm_store_column_text (stmt, 2));
  scm_certificate_set_person_id (certificate, sqlite3_column_int64 (stmt, 3));
  scm_certificate_set_person_email (certificate, scm_store_column_text (stmt, 4));
  scm_certificate_set_form_id (certificate, sqlite3_column_int64 (stmt, 5));
  scm_certificate_set_account_id (certificate, sqlite3_column_int64 (stmt, 6));
  scm_certificate_set_profile_id (certificate, sqlite3_column_int64 (stmt, 7));
  scm_certificate_set_profile_name (certificate, scm_store_column_text (stmt, 8));
  scm_key_type_from_string (scm_store_column_text (stmt, 9), &key_type);
  scm_certificate_set_key_type (certificate, key_type);
  scm_requested_via_from_string (scm_store_column_text (stmt, 10), &via);
  scm_certificate_set_requested_via (certificate, via);
  scm_cert_status_from_string (scm_store_column_text (stmt, 11), &status);
  /* "expired" is not stored: it follows from the clock. */
  if (status == SCM_CERT_STATUS_ISSUED
      && sqlite3_column_type (stmt, 16) != SQLITE_NULL
      && sqlite3_column_int64 (stmt, 16) <= scm_store_now ())
    status = SCM_CERT_STATUS_EXPIRED;
  scm_certificate_set_status (certificate, status);
  scm_certificate_set_owner (certificate, scm_store_column_text (stmt, 12));
  scm_certificate_set_subject (certificate, scm_store_column_text (stmt, 13));
  scm_certificate_set_sans (certificate, scm_store_column_text (stmt, 14));
  scm_certificate_set_not_before (certificate, sqlite3_column_int64 (stmt, 15));
  scm_certificate_set_not_after (certificate, sqlite3_column_int64 (stmt, 16));
  scm_certificate_set_fingerprint (certificate, scm_store_column_text (stmt, 17));
  scm_certificate_set_created_at (certificate, sqlite3_column_int64 (stmt, 18));
  scm_certificate_set_issued_at (certificate, sqlite3_column_int64 (stmt, 19));
  scm_certificate_set_revoked_at (certificate, sqlite3_column_int64 (stmt, 20));
  scm_certificate_set_revocation_reason (certificate, sqlite3_column_int (stmt, 21));
  scm_certificate_set_failure_reason (certificate, scm_store_column_text (stmt, 22));
  scm_certificate_set_renewed_from (certificate, sqlite3_column_int64 (stmt, 23));
  der = scm_store_column_bytes (stmt, 24);
  scm_certificate_set_der (certificate, der);
  return certificate;
}

/* @text as hex digits in one case, or NULL if it is not 1..@max_len hex
 * digits. */
static char *
normalize_hex (const char *text,
               gsize       max_len,
               gboolean    upper)
{
  gsize len = text != NULL ? strlen (text) : 0;

  if (len == 0 || len > max_len)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (text[i]))
      return NULL;
  return upper ? g_ascii_strup (text, -1) : g_ascii_strdown (text, -1);
}

static gboolean
check_reference (ScmStore   *self,
                 const char *table,
                 const char *kind,
                 gint64      id,
                 GError    **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM %s WHERE id = ?", table);
  gint64 count;

  if (!scm_store_query_int64 (self, &count, 0, error, sql, "i", id))
    return FALSE;
  if (count == 0)
    return scm_store_not_found (kind, id, error);
  return TRUE;
}

static gboolean
add_pending_tx (ScmStore       *self,
                const char     *issuer,
                const char     *serial_hex,
                gint64          person_id,
                gint64          form_id,
                gint64          account_id,
                gint64          profile_id,
                ScmKeyType      key_type,
                ScmRequestedVia via,
                const char     *owner,
                gint64         *out_id,
                GError        **error)
{
  g_autoptr(ScmPerson) person = NULL;
  g_autoptr(ScmProfile) profile = NULL;
  g_autofree char *message = NULL;
  gint64 existing;

  person = scm_store_get_person (self, person_id, error);
  if (person == NULL)
    return FALSE;
  if (scm_person_get_deleted_at (person) != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                   _("Person %s was deleted; no certificate can be issued to them."),
                   scm_person_get_email (person));
      return FALSE;
    }
  profile = scm_store_get_profile (self, profile_id, error);
  if (profile == NULL
      || (form_id != 0 && !check_reference (self, "forms", "enrollment form", form_id, error))
      || (account_id != 0 && !check_reference (self, "accounts", "account", account_id, error)))
    return FALSE;

  if (!scm_store_query_int64 (self, &existing, 0, error,
                              "SELECT count (*) FROM certificates WHERE issuer = ? AND serial = ?",
                              "tt", issuer, serial_hex))
    return FALSE;
  if (existing > 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                   _("Serial number %s is already used by %s; draw another one."), serial_hex,
                   issuer);
      return FALSE;
    }

  if (!scm_store_run (self, error,
                      "INSERT INTO certificates (issuer, serial, person_id, form_id, account_id,"
                      " profile_id, key_type, requested_via, status, owner, created_at)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                      "ttiIIittti", issuer, serial_hex, person_id, form_id, account_id,
                      profile_id, scm_key_type_to_string (key_type),
                      scm_requested_via_to_string (via), owner, scm_store_now ()))
    return FALSE;
  *out_id = sqlite3_last_insert_rowid (self->db);

  message = g_strdup_printf ("Certificate requested for %s with profile “%s” (%s, via %s)",
                             scm_person_get_email (person), scm_profile_get_name (profile),
                             scm_key_type_to_string (key_type), scm_requested_via_to_string (via));
  return scm_store_audit (self, NULL, "certificate.request", serial_hex, SCM_AUDIT_SUCCESS,
                          message, error);
}

gint64
scm_store_add_pending_certificate (ScmStore       *self,
                                   const char     *issuer,
                                   const char     *serial_hex,
                                   gint64          person_id,
                                   gint64          form_id,
                                   gint64          account_id,
                                   gint64          profile_id,
                                   ScmKeyType      key_type,
                                   ScmRequestedVia via,
                                   const char     *owner,
                                   GError        **error)
{
  g_autofree char *serial = NULL;
  gint64 id = 0;
  gboolean standalone;
  gboolean ok;

  g_return_val_if_fail (SCM_IS_STORE (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (issuer == NULL || *issuer == '\0' || !g_utf8_validate (issuer, -1, NULL))
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("A certificate needs its issuer's name."));
      return 0;
    }
  /* Serials are kept in upper-case hex, as the CA, openssl and CRL
   * listings print them; fingerprints in lower-case, as the enrollment
   * URL's pin. Either case is accepted. */
  serial = normalize_hex (serial_hex, 40, TRUE);
  if (serial == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("A serial number must be 1 to 40 hex digits."));
      return 0;
    }
  if (scm_key_type_to_string (key_type) == NULL || scm_requested_via_to_string (via) == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("Unknown key type or request channel for a certificate."));
      return 0;
    }

  SCM_STORE_LOCK (self);

  /* The pending row must survive a crash of this process (WAL commits do
   * without an fsync), but not a power cut: a pending row lost with power
   * was never signed into anything delivered. The completing commit, with
   * synchronous=FULL, makes both durable with one fsync instead of two. */
  standalone = !scm_store_in_transaction (self);
  if (standalone && !scm_store_run (self, error, "PRAGMA synchronous = NORMAL", NULL))
    return 0;
  ok = SCM_STORE_ATOMIC (self, error,
                         add_pending_tx (self, issuer, serial, person_id, form_id,
                                         account_id, profile_id, key_type, via, owner, &id,
                                         error));
  if (standalone && !scm_store_run (self, ok ? error : NULL, "PRAGMA synchronous = FULL", NULL))
    return 0;
  return ok ? id : 0;
}

/* The pending row @id, or an error saying why it is not pending. */
static ScmCertificate *
get_pending (ScmStore *self,
             gint64    id,
             GError  **error)
{
  g_autoptr(ScmCertificate) certificate = scm_store_get_certificate (self, id, error);

  if (certificate == NULL)
    return NULL;
  if (scm_certificate_get_status (certificate) != SCM_CERT_STATUS_PENDING)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Certificate %s is %s, not pending."), scm_certificate_get_serial (certificate),
                   scm_cert_status_to_string (scm_certificate_get_status (certificate)));
      return NULL;
    }
  return g_steal_pointer (&certificate);
}

static gboolean
complete_tx (ScmStore   *self,
             gint64      id,
             GBytes     *der,
             const char *subject,
             const char *sans,
             gint64      not_before,
             gint64      not_after,
             const char *fingerprint,
             GError    **error)
{
  g_autoptr(ScmCertificate) certificate = get_pending (self, id, error);
  g_autoptr(GDateTime) until = NULL;
  g_autofree char *until_text = NULL;
  g_autofree char *message = NULL;

  if (certificate == NULL
      || !scm_store_run (self, error,
                         "UPDATE certificates SET status = 'issued', der = ?, subject = ?,"
                         " sans = ?, not_before = ?, not_after = ?, fingerprint = ?,"
                         " issued_at = ?, owner = NULL WHERE id = ?",
                         "Bttiitii", der, subject, sans, not_before, not_after, fingerprint,
                         scm_store_now (), id))
    return FALSE;

  until = g_date_time_new_from_unix_utc (not_after);
  until_text = until != NULL ? g_date_time_format (until, "%Y-%m-%d") : g_strdup ("?");
  message = g_strdup_printf ("Issued to %s with profile “%s”, valid until %s",
                             scm_certificate_get_person_email (certificate),
                             scm_certificate_get_profile_name (certificate), until_text);
  return scm_store_audit (self, NULL, "certificate.issue",
                          scm_certificate_get_serial (certificate), SCM_AUDIT_SUCCESS, message,
                          error);
}

gboolean
scm_store_complete_certificate (ScmStore   *self,
                                gint64      id,
                                GBytes     *der,
                                const char *subject,
                                const char *sans,
                                gint64      not_before,
                                gint64      not_after,
                                const char *fingerprint,
                                GError    **error)
{
  g_autofree char *normalized_fingerprint = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (der == NULL || g_bytes_get_size (der) == 0)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("An issued certificate needs its DER encoding."));
      return FALSE;
    }
  if (not_after <= not_before)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("A certificate's not-after must come after its not-before."));
      return FALSE;
    }
  normalized_fingerprint = normalize_hex (fingerprint, 64, FALSE);
  if (normalized_fingerprint == NULL || strlen (normalized_fingerprint) != 64)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("A certificate fingerprint must be a SHA-256 in hex (64 digits)."));
      return FALSE;
    }
  if ((subject != NULL && !g_utf8_validate (subject, -1, NULL))
      || (sans != NULL && !g_utf8_validate (sans, -1, NULL)))
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("A certificate's subject and SANs must be valid UTF-8."));
      return FALSE;
    }

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error,
                           complete_tx (self, id, der, subject, sans, not_before, not_after,
                                        normalized_fingerprint, error));
}

static gboolean
fail_tx (ScmStore   *self,
         gint64      id,
         const char *reason,
         GError    **error)
{
  g_autoptr(ScmCertificate) certificate = get_pending (self, id, error);
  g_autofree char *message = NULL;

  if (certificate == NULL
      || !scm_store_run (self, error,
                         "UPDATE certificates SET status = 'failed', failure_reason = ?,"
                         " owner = NULL WHERE id = ?", "ti", reason, id))
    return FALSE;

  message = g_strdup_printf ("Issuance to %s with profile “%s” failed: %s",
                             scm_certificate_get_person_email (certificate),
                             scm_certificate_get_profile_name (certificate), reason);
  return scm_store_audit (self, NULL, "certificate.issue",
                          scm_certificate_get_serial (certificate), SCM_AUDIT_FAILURE, message,
                          error);
}

gboolean
scm_store_fail_pending_certificate (ScmStore   *self,
                                    gint64      id,
                                    const char *reason,
                                    GError    **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (reason == NULL || *reason == '\0' || !g_utf8_validate (reason, -1, NULL))
    reason = "unknown reason";

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, fail_tx (self, id, reason, error));
}

GPtrArray *
scm_store_list_pending_certificates (ScmStore *self,
                                     GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error,
                          CERTIFICATE_SELECT ("NULL") " WHERE c.status = 'pending'"
                          " ORDER BY c.id", NULL);
  return scm_store_fetch_all (self, stmt, certificate_from_row, error);
}

static gboolean
revoke_tx (ScmStore           *self,
           gint64              id,
           ScmRevocationReason reason,
           gint64              when,
           GError            **error)
{
  g_autoptr(ScmCertificate) certificate = scm_store_get_certificate (self, id, error);
  g_autofree char *message = NULL;
  ScmCertStatus status;

  if (certificate == NULL)
    return FALSE;

  status = scm_certificate_get_status (certificate);
  if (status == SCM_CERT_STATUS_REVOKED)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Certificate %s is already revoked."), scm_certificate_get_serial (certificate));
      return FALSE;
    }
  if (status != SCM_CERT_STATUS_ISSUED && status != SCM_CERT_STATUS_EXPIRED)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Certificate %s was never issued (it is %s); there is nothing to revoke."),
                   scm_certificate_get_serial (certificate), scm_cert_status_to_string (status));
      return FALSE;
    }

  if (!scm_store_run (self, error,
                      "UPDATE certificates SET status = 'revoked', revoked_at = ?,"
                      " revocation_reason = ? WHERE id = ?", "iii", when, (gint64) reason, id))
    return FALSE;

  message = g_strdup_printf ("Certificate of %s revoked (%s)",
                             scm_certificate_get_person_email (certificate),
                             scm_revocation_reason_to_string (reason));
  return scm_store_audit (self, NULL, "certificate.revoke",
                          scm_certificate_get_serial (certificate), SCM_AUDIT_SUCCESS, message,
                          error);
}

gboolean
scm_store_revoke_certificate (ScmStore           *self,
                              gint64              id,
                              ScmRevocationReason reason,
                              gint64              when,
                              GError            **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (scm_revocation_reason_to_string (reason) == NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Revocation reason %d is not allowed; use unspecified, key-compromise, "
                   "affiliation-changed, superseded or cessation-of-operation."), (int) reason);
      return FALSE;
    }
  if (when == 0)
    when = scm_store_now ();

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, revoke_tx (self, id, reason, when, error));
}

ScmCertificate *
scm_store_get_certificate (ScmStore *self,
                           gint64    id,
                           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  ScmCertificate *certificate;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, &local_error, CERTIFICATE_SELECT ("c.der") " WHERE c.id = ?",
                          "i", id);
  certificate = scm_store_fetch_one (self, stmt, certificate_from_row, &local_error);
  if (certificate == NULL && local_error == NULL)
    scm_store_not_found ("certificate", id, &local_error);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return certificate;
}

ScmCertificate *
scm_store_find_certificate_by_serial (ScmStore   *self,
                                      const char *serial_hex,
                                      GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *lower = NULL;
  ScmCertificate *certificate;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  /* Accept what people paste: any case, colons, spaces. */
  {
    GString *clean = g_string_new (NULL);

    for (const char *p = serial_hex != NULL ? serial_hex : ""; *p != '\0'; p++)
      if (g_ascii_isxdigit (*p))
        g_string_append_c (clean, g_ascii_toupper (*p));
      else if (*p != ':' && *p != ' ')
        {
          g_string_set_size (clean, 0);
          break;
        }
    lower = g_string_free (clean, FALSE);
  }

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, &local_error,
                          CERTIFICATE_SELECT ("c.der") " WHERE c.serial = ? ORDER BY c.id DESC"
                          " LIMIT 1", "t", lower);
  certificate = scm_store_fetch_one (self, stmt, certificate_from_row, &local_error);
  if (certificate == NULL && local_error == NULL)
    g_set_error (&local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                 _("There is no certificate with serial number %s."),
                 *lower != '\0' ? lower : "(empty)");
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return certificate;
}

GPtrArray *
scm_store_list_certificates (ScmStore *self,
                             gint64    person_id,
                             GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error,
                          CERTIFICATE_SELECT ("NULL")
                          " WHERE ?1 IS NULL OR c.person_id = ?1 ORDER BY c.id DESC", "I",
                          person_id);
  return scm_store_fetch_all (self, stmt, certificate_from_row, error);
}

GPtrArray *
scm_store_list_revoked_certificates (ScmStore   *self,
                                     const char *issuer,
                                     GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);
  g_return_val_if_fail (issuer != NULL, NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error,
                          CERTIFICATE_SELECT ("NULL")
                          " WHERE c.status = 'revoked' AND c.issuer = ?"
                          " ORDER BY c.revoked_at, c.id", "t", issuer);
  return scm_store_fetch_all (self, stmt, certificate_from_row, error);
}

guint
scm_store_count_valid_certificates (ScmStore *self,
                                    gint64    person_id,
                                    gint64    profile_id,
                                    gint64    now)
{
  gint64 count = 0;

  g_return_val_if_fail (SCM_IS_STORE (self), 0);

  SCM_STORE_LOCK (self);

  if (!scm_store_query_int64 (self, &count, 0, NULL,
                              "SELECT count (*) FROM certificates WHERE person_id = ?1"
                              " AND status = 'issued' AND not_after > ?3"
                              " AND (?2 IS NULL OR profile_id = ?2)", "iIi",
                              person_id, profile_id, now))
    return 0;
  return (guint) count;
}

gint64
scm_store_get_latest_revocation (ScmStore   *self,
                                 const char *issuer)
{
  gint64 latest = 0;

  g_return_val_if_fail (SCM_IS_STORE (self), 0);
  g_return_val_if_fail (issuer != NULL, 0);

  SCM_STORE_LOCK (self);

  if (!scm_store_query_int64 (self, &latest, 0, NULL,
                              "SELECT max (revoked_at) FROM certificates"
                              " WHERE issuer = ? AND status = 'revoked'", "t", issuer))
    return 0;
  return latest;
}

static gboolean
set_renewed_from_tx (ScmStore *self,
                     gint64    id,
                     gint64    renewed_from,
                     GError  **error)
{
  g_autoptr(ScmCertificate) certificate = scm_store_get_certificate (self, id, error);
  g_autoptr(ScmCertificate) previous = NULL;
  g_autofree char *message = NULL;

  if (certificate == NULL)
    return FALSE;
  previous = scm_store_get_certificate (self, renewed_from, error);
  if (previous == NULL)
    return FALSE;
  if (renewed_from == id
      || scm_certificate_get_person_id (previous) != scm_certificate_get_person_id (certificate))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Certificate %s cannot renew certificate %s: a renewal is a newer "
                   "certificate of the same person."),
                   scm_certificate_get_serial (certificate), scm_certificate_get_serial (previous));
      return FALSE;
    }
  if (!scm_store_run (self, error, "UPDATE certificates SET renewed_from = ? WHERE id = ?", "ii",
                      renewed_from, id))
    return FALSE;

  message = g_strdup_printf ("Certificate of %s renews certificate %s",
                             scm_certificate_get_person_email (certificate),
                             scm_certificate_get_serial (previous));
  return scm_store_audit (self, NULL, "certificate.renew", scm_certificate_get_serial (certificate),
                          SCM_AUDIT_SUCCESS, message, error);
}

gboolean
scm_store_set_certificate_renewed_from (ScmStore *self,
                                        gint64    id,
                                        gint64    renewed_from,
                                        GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, set_renewed_from_tx (self, id, renewed_from, error));
}

ScmCertificate *
scm_store_find_renewal_of (ScmStore *self,
                           gint64    id,
                           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  SCM_STORE_LOCK (self);

  /* Renewed twice (a retry after a lost answer), the newest one counts. */
  stmt = scm_store_query (self, error,
                          CERTIFICATE_SELECT ("NULL")
                          " WHERE c.renewed_from = ? ORDER BY c.id DESC LIMIT 1", "i", id);
  if (stmt == NULL)
    return NULL;
  return scm_store_fetch_one (self, stmt, certificate_from_row, error);
}

GPtrArray *
scm_store_list_expiring_certificates (ScmStore *self,
                                      gint64    now,
                                      gint64    until,
                                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  /* A certificate already renewed by a valid one needs no reminder. */
  stmt = scm_store_query (self, error,
                          CERTIFICATE_SELECT ("NULL")
                          " WHERE c.status = 'issued' AND c.not_after > ?1 AND c.not_after <= ?2"
                          " AND p.deleted_at IS NULL"
                          " AND NOT EXISTS (SELECT 1 FROM certificates r"
                          "   WHERE r.renewed_from = c.id AND r.status = 'issued'"
                          "   AND r.not_after > ?1)"
                          " ORDER BY c.not_after, c.id", "ii", now, until);
  return scm_store_fetch_all (self, stmt, certificate_from_row, error);
}
