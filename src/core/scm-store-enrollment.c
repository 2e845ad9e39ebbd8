/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "scm-error.h"
#include "scm-store-private.h"
#include "scm-validate.h"

/* Enrollment state: email confirmation codes (challenges), authenticated
 * sessions and the failure counters behind lockout. Only keyed hashes of
 * codes and tokens reach the database; neither ever reaches the audit log.
 *
 * Every function takes the time as @now so that the caller's clock decides
 * expiry. The audit events' own times still come from the real clock. */

#define PUBLIC_ID_BYTES 16
#define TOKEN_BYTES 32
#define HASH_HEX_LEN 64
#define CLIENT_ADDRESS_MAX_CHARS 128
#define ATTEMPT_KEY_MAX_CHARS 320

/* Session tokens have no ScmSecretPurpose of their own; this label keeps
 * their HMACs apart from every scm_secret_hash() domain. */
static const char session_token_label[] = "scm-enroll session token v1";

/* Helpers ---------------------------------------------------------------------------- */

/* "14:35" in local time, or "2026-01-02 14:35" when not on @now's day. */
static char *
format_time (gint64 when,
             gint64 now)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (when);
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_local (now);

  if (at == NULL)
    return g_strdup ("?");
  if (today != NULL
      && g_date_time_get_year (at) == g_date_time_get_year (today)
      && g_date_time_get_day_of_year (at) == g_date_time_get_day_of_year (today))
    return g_date_time_format (at, "%H:%M");
  return g_date_time_format (at, "%Y-%m-%d %H:%M");
}

static gboolean
is_lower_hex (const char *text,
              gsize       len)
{
  if (text == NULL || strlen (text) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
      return FALSE;
  return TRUE;
}

/* The form's name, or SCM_ERROR_NOT_FOUND. */
static char *
get_form_name (ScmStore *self,
               gint64    form_id,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = scm_store_query (self, error, "SELECT name FROM forms WHERE id = ?", "i", form_id);
  if (stmt == NULL || (rc = scm_store_step (self, stmt, error)) < 0)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      scm_store_not_found ("form", form_id, error);
      return NULL;
    }
  return g_strdup (scm_store_column_text (stmt, 0));
}

static gboolean
check_client_address (const char  *address,
                      char       **out,
                      GError     **error)
{
  return scm_validate_text (address, "The client address", CLIENT_ADDRESS_MAX_CHARS, 0, out,
                            error);
}

static char *
hash_session_token (ScmStore   *self,
                    const char *token)
{
  gsize label_len = sizeof session_token_label;  /* with its NUL as separator */
  gsize token_len = strlen (token);
  gsize len = label_len + token_len;
  g_autofree guint8 *message = g_malloc (len);
  guint8 mac[32];
  char *hex = g_malloc (HASH_HEX_LEN + 1);

  memcpy (message, session_token_label, label_len);
  memcpy (message + label_len, token, token_len);
  scm_hmac_sha256 (self->installation_key, sizeof self->installation_key, message, len, mac);
  OPENSSL_cleanse (message, len);

  for (gsize i = 0; i < sizeof mac; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", mac[i]);
  return hex;
}

/* Challenges ----------------------------------------------------------------------------- */

static gboolean
create_challenge_tx (ScmStore   *self,
                     gint64      form_id,
                     const char *email,
                     const char *address,
                     gint64      now,
                     const char *public_id,
                     const char *code_hash,
                     GError    **error)
{
  g_autofree char *form_name = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *message = NULL;
  int replaced;

  form_name = get_form_name (self, form_id, error);
  if (form_name == NULL)
    return FALSE;

  /* A resend: the previous codes stop working before the new one exists. */
  if (!scm_store_run (self, error,
                      "UPDATE challenges SET superseded_at = ?"
                      " WHERE form_id = ? AND email = ? AND used_at IS NULL"
                      " AND superseded_at IS NULL", "iit", now, form_id, email))
    return FALSE;
  replaced = sqlite3_changes (self->db);

  if (!scm_store_run (self, error,
                      "INSERT INTO challenges (public_id, form_id, email, code_hash,"
                      " client_address, created_at, expires_at)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?)", "titttii",
                      public_id, form_id, email, code_hash, address, now,
                      now + SCM_CHALLENGE_LIFETIME_SECONDS))
    return FALSE;

  actor = address != NULL ? g_strconcat ("address:", address, NULL)
                          : g_strconcat ("email:", email, NULL);
  /* The row id names the confirmation: never the code itself. */
  message = g_strdup_printf ("Email confirmation %" G_GINT64_FORMAT " requested on form “%s”%s;"
                             " its code expires in %d minutes",
                             (gint64) sqlite3_last_insert_rowid (self->db), form_name,
                             replaced > 0 ? ", replacing the previous code" : "",
                             SCM_CHALLENGE_LIFETIME_SECONDS / 60);
  return scm_store_audit (self, actor, "challenge.create", email, SCM_AUDIT_SUCCESS, message,
                          error);
}

gboolean
scm_store_create_challenge (ScmStore   *self,
                            gint64      form_id,
                            const char *email,
                            const char *client_address,
                            gint64      now,
                            char      **out_public_id,
                            char      **out_code,
                            GError    **error)
{
  g_autofree char *normalized = NULL;
  g_autofree char *address = NULL;
  g_autofree char *public_id = NULL;
  g_autofree char *code_hash = NULL;
  char *code;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_public_id != NULL, FALSE);
  g_return_val_if_fail (out_code != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!scm_validate_email (email, &normalized, error)
      || !check_client_address (client_address, &address, error))
    return FALSE;

  public_id = scm_random_hex (PUBLIC_ID_BYTES);
  code = scm_secret_generate (SCM_SECRET_KIND_CONFIRMATION_CODE);
  code_hash = scm_secret_hash (scm_store_get_installation_key (self),
                               SCM_SECRET_PURPOSE_CONFIRMATION_CODE, code);

  SCM_STORE_LOCK (self);

  if (!SCM_STORE_ATOMIC (self, error,
                         create_challenge_tx (self, form_id, normalized, address, now,
                                              public_id, code_hash, error)))
    {
      scm_secret_free (code);
      return FALSE;
    }

  *out_public_id = g_steal_pointer (&public_id);
  *out_code = code;
  return TRUE;
}

char *
scm_store_get_challenge_email (ScmStore   *self,
                               const char *public_id,
                               GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (is_lower_hex (public_id, PUBLIC_ID_BYTES * 2))
    {
      SCM_STORE_LOCK (self);

      stmt = scm_store_query (self, error, "SELECT email FROM challenges WHERE public_id = ?",
                              "t", public_id);
      if (stmt == NULL || (rc = scm_store_step (self, stmt, error)) < 0)
        return NULL;
      if (rc == SQLITE_ROW)
        return g_strdup (scm_store_column_text (stmt, 0));
    }

  g_set_error_literal (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                       _("There is no pending email confirmation with this id; request a new "
                       "code."));
  return NULL;
}

typedef struct
{
  gint64 id;
  gint64 form_id;
  char *email;
  char *code_hash;
  char *form_name;
  gint64 expires_at;
  gint64 tries;
  gboolean used;
  gboolean superseded;
} Challenge;

static void
challenge_clear (Challenge *challenge)
{
  g_free (challenge->email);
  g_free (challenge->code_hash);
  g_free (challenge->form_name);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Challenge, challenge_clear)

/* FALSE with @error on a database error; TRUE with challenge->id 0 when
 * there is no such challenge. */
static gboolean
read_challenge (ScmStore   *self,
                const char *public_id,
                Challenge  *challenge,
                GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!is_lower_hex (public_id, PUBLIC_ID_BYTES * 2))
    return TRUE;

  stmt = scm_store_query (self, error,
                          "SELECT c.id, c.form_id, c.email, c.code_hash, f.name, c.expires_at,"
                          " c.tries, c.used_at IS NOT NULL, c.superseded_at IS NOT NULL"
                          " FROM challenges c JOIN forms f ON f.id = c.form_id"
                          " WHERE c.public_id = ?", "t", public_id);
  if (stmt == NULL || (rc = scm_store_step (self, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    return TRUE;

  challenge->id = sqlite3_column_int64 (stmt, 0);
  challenge->form_id = sqlite3_column_int64 (stmt, 1);
  challenge->email = g_strdup (scm_store_column_text (stmt, 2));
  challenge->code_hash = g_strdup (scm_store_column_text (stmt, 3));
  challenge->form_name = g_strdup (scm_store_column_text (stmt, 4));
  challenge->expires_at = sqlite3_column_int64 (stmt, 5);
  challenge->tries = sqlite3_column_int64 (stmt, 6);
  challenge->used = sqlite3_column_int (stmt, 7) != 0;
  challenge->superseded = sqlite3_column_int (stmt, 8) != 0;
  return TRUE;
}

/* Returns FALSE (roll back) only on a database error. A refused code is
 * TRUE with *@refusal set, so that its audit event and counted try are
 * committed before the caller hears the answer. */
static gboolean
redeem_challenge_tx (ScmStore   *self,
                     const char *public_id,
                     gint64      form_id,
                     const char *code,
                     gint64      now,
                     char      **out_email,
                     GError    **refusal,
                     GError    **error)
{
  g_auto(Challenge) challenge = { 0 };
  g_autofree char *actor = NULL;
  g_autofree char *reason = NULL;
  gint64 tries_left;

  if (!read_challenge (self, public_id, &challenge, error))
    return FALSE;

  if (challenge.id == 0)
    {
      g_set_error_literal (refusal, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                           _("There is no pending email confirmation with this id; request a new "
                           "code."));
      return scm_store_audit (self, NULL, "challenge.redeem", NULL, SCM_AUDIT_FAILURE,
                              "Email confirmation refused: unknown confirmation id", error);
    }

  actor = g_strconcat ("email:", challenge.email, NULL);

  if (challenge.used)
    {
      reason = g_strdup ("the code was already used");
      g_set_error_literal (refusal, SCM_ERROR, SCM_ERROR_INVALID,
                           _("This confirmation code was already used; request a new code."));
    }
  else if (challenge.tries >= SCM_CHALLENGE_MAX_TRIES)
    {
      reason = g_strdup_printf ("the code was burned by %d wrong tries",
                                SCM_CHALLENGE_MAX_TRIES);
      g_set_error_literal (refusal, SCM_ERROR, SCM_ERROR_INVALID,
                           _("Too many wrong codes were entered for this confirmation; request a "
                           "new code."));
    }
  else if (challenge.superseded)
    {
      reason = g_strdup ("a newer code was requested (resend)");
      g_set_error (refusal, SCM_ERROR, SCM_ERROR_INVALID,
                   _("This confirmation code was replaced by a newer one sent to %s; use the "
                   "newest code."), challenge.email);
    }
  else if (now >= challenge.expires_at)
    {
      g_autofree char *when = format_time (challenge.expires_at, now);

      reason = g_strdup_printf ("the code expired at %s", when);
      g_set_error (refusal, SCM_ERROR, SCM_ERROR_INVALID,
                   _("This confirmation code expired at %s; request a new code."), when);
    }
  else if (form_id != 0 && form_id != challenge.form_id)
    {
      reason = g_strdup_printf ("the code was requested on form “%s”, not on form %"
                                G_GINT64_FORMAT, challenge.form_name, form_id);
      g_set_error (refusal, SCM_ERROR, SCM_ERROR_INVALID,
                   _("This confirmation code was requested on the form “%s”; request a code on "
                   "this form."), challenge.form_name);
    }
  else if (!scm_secret_verify (scm_store_get_installation_key (self),
                               SCM_SECRET_PURPOSE_CONFIRMATION_CODE, code,
                               challenge.code_hash))
    {
      gint64 tries = challenge.tries + 1;

      if (!scm_store_run (self, error, "UPDATE challenges SET tries = ? WHERE id = ?", "ii",
                          tries, challenge.id))
        return FALSE;

      tries_left = SCM_CHALLENGE_MAX_TRIES - tries;
      if (tries_left > 0)
        {
          reason = g_strdup_printf ("wrong code (try %" G_GINT64_FORMAT " of %d)", tries,
                                    SCM_CHALLENGE_MAX_TRIES);
          g_set_error (refusal, SCM_ERROR, SCM_ERROR_INVALID,
                       "The confirmation code is wrong; %" G_GINT64_FORMAT " %s left.",
                       tries_left, tries_left == 1 ? "try is" : "tries are");
        }
      else
        {
          reason = g_strdup_printf ("wrong code (try %" G_GINT64_FORMAT " of %d), the code is "
                                    "burned", tries, SCM_CHALLENGE_MAX_TRIES);
          g_set_error_literal (refusal, SCM_ERROR, SCM_ERROR_INVALID,
                               _("The confirmation code is wrong and no tries are left; request "
                               "a new code."));
        }
    }

  if (reason != NULL)
    {
      g_autofree char *message = g_strdup_printf ("Email confirmation %" G_GINT64_FORMAT
                                                  " on form “%s” refused: %s", challenge.id,
                                                  challenge.form_name, reason);

      return scm_store_audit (self, actor, "challenge.redeem", challenge.email,
                              SCM_AUDIT_FAILURE, message, error);
    }

  {
    g_autofree char *message = g_strdup_printf ("Email confirmation %" G_GINT64_FORMAT
                                                " on form “%s” succeeded", challenge.id,
                                                challenge.form_name);

    /* "used_at IS NULL" again: single use even if the row changed since. */
    if (!scm_store_run (self, error,
                        "UPDATE challenges SET used_at = ? WHERE id = ? AND used_at IS NULL",
                        "ii", now, challenge.id))
      return FALSE;
    if (sqlite3_changes (self->db) != 1)
      {
        g_set_error_literal (error, SCM_ERROR, SCM_ERROR_FAILED,
                             _("The confirmation code could not be marked as used; try again."));
        return FALSE;
      }
    if (!scm_store_audit (self, actor, "challenge.redeem", challenge.email, SCM_AUDIT_SUCCESS,
                          message, error))
      return FALSE;
  }

  *out_email = g_steal_pointer (&challenge.email);
  return TRUE;
}

gboolean
scm_store_redeem_challenge (ScmStore   *self,
                            const char *public_id,
                            gint64      form_id,
                            const char *code,
                            gint64      now,
                            char      **out_email,
                            GError    **error)
{
  g_autoptr(GError) refusal = NULL;
  g_autofree char *email = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (out_email != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  if (!SCM_STORE_ATOMIC (self, error,
                         redeem_challenge_tx (self, public_id, form_id, code, now, &email,
                                              &refusal, error)))
    return FALSE;
  if (refusal != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&refusal));
      return FALSE;
    }

  *out_email = g_steal_pointer (&email);
  return TRUE;
}

/* Sessions ------------------------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (ScmEnrollmentSession, scm_enrollment_session,
                     scm_enrollment_session_copy, scm_enrollment_session_free)

static ScmEnrollmentSession *
enrollment_session_new (void)
{
  ScmEnrollmentSession *session = g_new0 (ScmEnrollmentSession, 1);

  session->authorized_account_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  return session;
}

ScmEnrollmentSession *
scm_enrollment_session_copy (const ScmEnrollmentSession *session)
{
  ScmEnrollmentSession *copy;

  g_return_val_if_fail (session != NULL, NULL);

  copy = enrollment_session_new ();
  copy->id = session->id;
  copy->form_id = session->form_id;
  copy->person_id = session->person_id;
  copy->email = g_strdup (session->email);
  copy->client_address = g_strdup (session->client_address);
  copy->created_at = session->created_at;
  copy->expires_at = session->expires_at;
  if (session->authorized_account_ids != NULL)
    g_array_append_vals (copy->authorized_account_ids, session->authorized_account_ids->data,
                         session->authorized_account_ids->len);
  return copy;
}

void
scm_enrollment_session_free (ScmEnrollmentSession *session)
{
  if (session == NULL)
    return;
  g_free (session->email);
  g_free (session->client_address);
  g_clear_pointer (&session->authorized_account_ids, g_array_unref);
  g_free (session);
}

gboolean
scm_enrollment_session_is_account_authorized (const ScmEnrollmentSession *session,
                                              gint64                      account_id)
{
  g_return_val_if_fail (session != NULL, FALSE);

  if (session->authorized_account_ids == NULL)
    return FALSE;
  for (guint i = 0; i < session->authorized_account_ids->len; i++)
    if (g_array_index (session->authorized_account_ids, gint64, i) == account_id)
      return TRUE;
  return FALSE;
}

/* authorized_accounts is a comma-separated list of account ids. */
static void
parse_account_ids (const char *text,
                   GArray     *ids)
{
  g_auto(GStrv) parts = NULL;

  if (text == NULL || *text == '\0')
    return;
  parts = g_strsplit (text, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      gint64 id;

      if (g_ascii_string_to_signed (parts[i], 10, 1, G_MAXINT64, &id, NULL))
        g_array_append_val (ids, id);
    }
}

static gint64
create_session_tx (ScmStore   *self,
                   gint64      form_id,
                   gint64      person_id,
                   const char *email,
                   const char *address,
                   gint64      lifetime,
                   gint64      now,
                   const char *token_hash,
                   GError    **error)
{
  g_autofree char *form_name = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *message = NULL;
  g_autofree char *until = NULL;
  gint64 found = 0;
  gint64 id;

  form_name = get_form_name (self, form_id, error);
  if (form_name == NULL)
    return 0;

  if (person_id != 0)
    {
      if (!scm_store_query_int64 (self, &found, 0, error,
                                  "SELECT id FROM persons WHERE id = ? AND deleted_at IS NULL",
                                  "i", person_id))
        return 0;
      if (found == 0)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                       "There is no person with id %" G_GINT64_FORMAT " (or the person was "
                       "deleted); open the session without a person.", person_id);
          return 0;
        }
    }

  if (!scm_store_run (self, error,
                      "INSERT INTO sessions (token_hash, form_id, person_id, email,"
                      " client_address, created_at, expires_at)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?)", "tiIttii",
                      token_hash, form_id, person_id, email, address, now, now + lifetime))
    return 0;
  id = sqlite3_last_insert_rowid (self->db);

  actor = g_strconcat ("email:", email, NULL);
  until = format_time (now + lifetime, now);
  if (person_id != 0)
    message = g_strdup_printf ("Session %" G_GINT64_FORMAT " opened on form “%s” for person %"
                               G_GINT64_FORMAT "%s%s; it expires at %s", id, form_name,
                               person_id, address != NULL ? " from " : "",
                               address != NULL ? address : "", until);
  else
    message = g_strdup_printf ("Session %" G_GINT64_FORMAT " opened on form “%s” for a "
                               "confirmed email that is not a registered person%s%s; it "
                               "expires at %s", id, form_name, address != NULL ? " from " : "",
                               address != NULL ? address : "", until);
  if (!scm_store_audit (self, actor, "session.create", email, SCM_AUDIT_SUCCESS, message, error))
    return 0;
  return id;
}

gint64
scm_store_create_session (ScmStore   *self,
                          gint64      form_id,
                          gint64      person_id,
                          const char *email,
                          const char *client_address,
                          gint64      lifetime_seconds,
                          gint64      now,
                          char      **out_token,
                          GError    **error)
{
  g_autofree char *normalized = NULL;
  g_autofree char *address = NULL;
  g_autofree char *token_hash = NULL;
  char *token;
  gint64 id = 0;

  g_return_val_if_fail (SCM_IS_STORE (self), 0);
  g_return_val_if_fail (out_token != NULL, 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (lifetime_seconds < 1 || lifetime_seconds > SCM_SESSION_MAX_LIFETIME_SECONDS)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   "A session lifetime of %" G_GINT64_FORMAT " seconds is not allowed; choose "
                   "between 1 and %d seconds.", lifetime_seconds,
                   SCM_SESSION_MAX_LIFETIME_SECONDS);
      return 0;
    }
  if (person_id < 0)
    {
      scm_store_not_found ("person", person_id, error);
      return 0;
    }
  if (!scm_validate_email (email, &normalized, error)
      || !check_client_address (client_address, &address, error))
    return 0;

  token = scm_random_hex (TOKEN_BYTES);
  token_hash = hash_session_token (self, token);

  SCM_STORE_LOCK (self);

  if (!scm_store_begin (self, error))
    {
      scm_secret_free (token);
      return 0;
    }
  id = create_session_tx (self, form_id, person_id, normalized, address, lifetime_seconds, now,
                          token_hash, error);
  if (id == 0)
    scm_store_rollback (self);
  else if (!scm_store_commit (self, error))
    id = 0;

  if (id == 0)
    {
      scm_secret_free (token);
      return 0;
    }
  *out_token = token;
  return id;
}

#define SESSION_COLUMNS \
  "id, form_id, person_id, email, client_address, created_at, expires_at, ended_at," \
  " authorized_accounts"

typedef struct
{
  ScmEnrollmentSession *session;
  gint64 ended_at;
} SessionRow;

/* TRUE with row->session NULL when there is no such row. */
static gboolean
read_session_row (ScmStore     *self,
                  sqlite3_stmt *stmt,
                  SessionRow   *row,
                  GError      **error)
{
  ScmEnrollmentSession *session;
  int rc;

  if (stmt == NULL || (rc = scm_store_step (self, stmt, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    return TRUE;

  session = enrollment_session_new ();
  session->id = sqlite3_column_int64 (stmt, 0);
  session->form_id = sqlite3_column_int64 (stmt, 1);
  session->person_id = sqlite3_column_int64 (stmt, 2);
  session->email = g_strdup (scm_store_column_text (stmt, 3));
  session->client_address = g_strdup (scm_store_column_text (stmt, 4));
  session->created_at = sqlite3_column_int64 (stmt, 5);
  session->expires_at = sqlite3_column_int64 (stmt, 6);
  row->ended_at = sqlite3_column_int64 (stmt, 7);
  parse_account_ids (scm_store_column_text (stmt, 8), session->authorized_account_ids);
  row->session = session;
  return TRUE;
}

/* SCM_ERROR_INVALID unless the session is live at @now. */
static gboolean
check_session_live (const SessionRow *row,
                    gint64            now,
                    GError          **error)
{
  if (row->ended_at != 0)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("This enrollment session was ended; sign in again."));
      return FALSE;
    }
  if (now >= row->session->expires_at)
    {
      g_autofree char *when = format_time (row->session->expires_at, now);

      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("This enrollment session expired at %s; sign in again."), when);
      return FALSE;
    }
  return TRUE;
}

ScmEnrollmentSession *
scm_store_lookup_session (ScmStore   *self,
                          const char *token,
                          gint64      form_id,
                          gint64      now,
                          GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *token_hash = NULL;
  g_autoptr(ScmEnrollmentSession) session = NULL;
  SessionRow row = { 0 };

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!is_lower_hex (token, TOKEN_BYTES * 2))
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                           _("This enrollment session is unknown; sign in again."));
      return NULL;
    }
  token_hash = hash_session_token (self, token);

  {
    SCM_STORE_LOCK (self);

    stmt = scm_store_query (self, error,
                            "SELECT " SESSION_COLUMNS " FROM sessions WHERE token_hash = ?", "t",
                            token_hash);
    if (!read_session_row (self, stmt, &row, error))
      return NULL;
  }
  session = row.session;

  if (session == NULL)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                           _("This enrollment session is unknown; sign in again."));
      return NULL;
    }
  if (!check_session_live (&row, now, error))
    return NULL;
  if (form_id != 0 && session->form_id != form_id)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("This enrollment session was opened on another form; sign in on "
                           "this form."));
      return NULL;
    }
  return g_steal_pointer (&session);
}

static gboolean
read_session_by_id (ScmStore   *self,
                    gint64      session_id,
                    SessionRow *row,
                    GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = scm_store_query (self, error, "SELECT " SESSION_COLUMNS " FROM sessions WHERE id = ?",
                          "i", session_id);
  if (!read_session_row (self, stmt, row, error))
    return FALSE;
  if (row->session == NULL)
    return scm_store_not_found ("enrollment session", session_id, error);
  return TRUE;
}

static gboolean
authorize_session_account_tx (ScmStore *self,
                              gint64    session_id,
                              gint64    account_id,
                              gint64    now,
                              GError  **error)
{
  g_autoptr(sqlite3_stmt) account = NULL;
  g_autoptr(ScmEnrollmentSession) session = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autofree char *actor = NULL;
  g_autofree char *message = NULL;
  SessionRow row = { 0 };
  int rc;

  if (!read_session_by_id (self, session_id, &row, error))
    return FALSE;
  session = row.session;
  if (!check_session_live (&row, now, error))
    return FALSE;

  account = scm_store_query (self, error,
                             "SELECT a.form_id, a.name, f.name FROM accounts a"
                             " JOIN forms f ON f.id = a.form_id WHERE a.id = ?", "i", account_id);
  if (account == NULL || (rc = scm_store_step (self, account, error)) < 0)
    return FALSE;
  if (rc != SQLITE_ROW)
    return scm_store_not_found ("account", account_id, error);
  if (sqlite3_column_int64 (account, 0) != session->form_id)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The account “%s” belongs to the form “%s”, not to the session's form; "
                   "choose an account of the session's form."),
                   scm_store_column_text (account, 1), scm_store_column_text (account, 2));
      return FALSE;
    }

  if (scm_enrollment_session_is_account_authorized (session, account_id))
    return TRUE;

  for (guint i = 0; i < session->authorized_account_ids->len; i++)
    g_string_append_printf (ids, "%" G_GINT64_FORMAT ",",
                            g_array_index (session->authorized_account_ids, gint64, i));
  g_string_append_printf (ids, "%" G_GINT64_FORMAT, account_id);

  actor = g_strconcat ("email:", session->email, NULL);
  message = g_strdup_printf ("Session %" G_GINT64_FORMAT " passed the authorization of account "
                             "“%s” on form “%s”", session_id, scm_store_column_text (account, 1),
                             scm_store_column_text (account, 2));
  return scm_store_run (self, error, "UPDATE sessions SET authorized_accounts = ? WHERE id = ?",
                        "ti", ids->str, session_id)
         && scm_store_audit (self, actor, "session.authorize", session->email,
                             SCM_AUDIT_SUCCESS, message, error);
}

gboolean
scm_store_authorize_session_account (ScmStore *self,
                                     gint64    session_id,
                                     gint64    account_id,
                                     gint64    now,
                                     GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error,
                           authorize_session_account_tx (self, session_id, account_id, now,
                                                         error));
}

static gboolean
end_session_tx (ScmStore *self,
                gint64    session_id,
                gint64    now,
                GError  **error)
{
  g_autoptr(ScmEnrollmentSession) session = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *message = NULL;
  SessionRow row = { 0 };

  if (!read_session_by_id (self, session_id, &row, error))
    return FALSE;
  session = row.session;
  if (row.ended_at != 0)
    return TRUE;

  actor = g_strconcat ("email:", session->email, NULL);
  message = g_strdup_printf ("Session %" G_GINT64_FORMAT " ended", session_id);
  return scm_store_run (self, error, "UPDATE sessions SET ended_at = ? WHERE id = ?", "ii",
                        now, session_id)
         && scm_store_audit (self, actor, "session.end", session->email, SCM_AUDIT_SUCCESS,
                             message, error);
}

gboolean
scm_store_end_session (ScmStore *self,
                       gint64    session_id,
                       gint64    now,
                       GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, end_session_tx (self, session_id, now, error));
}

/* Attempts ------------------------------------------------------------------------------- */

/* "kind:value" with a kind of lower-case letters and hyphens; the value of
 * an "email:" key is lower-cased like stored emails. */
static char *
normalize_attempt_key (const char *key,
                       GError    **error)
{
  const char *colon = key != NULL ? strchr (key, ':') : NULL;
  gboolean valid = colon != NULL && colon != key && colon[1] != '\0'
                   && g_utf8_validate (key, -1, NULL)
                   && g_utf8_strlen (key, -1) <= ATTEMPT_KEY_MAX_CHARS;

  for (const char *p = key; valid && p < colon; p++)
    if (!g_ascii_islower (*p) && *p != '-')
      valid = FALSE;
  for (const char *p = colon; valid && *p != '\0'; p++)
    if (g_ascii_iscntrl (*p) || *p == ' ')
      valid = FALSE;

  if (!valid)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           _("An attempt counter key must look like “email:ada@example.com” or "
                           "“address:192.0.2.1”."));
      return NULL;
    }

  if (g_str_has_prefix (key, "email:"))
    {
      g_autofree char *lower = g_ascii_strdown (colon + 1, -1);
      return g_strconcat ("email:", lower, NULL);
    }
  return g_strdup (key);
}

/* The lockout length and failure window in seconds, and the failure limit. */
static void
get_limits (ScmStore *self,
            gint64   *max_failures,
            gint64   *window)
{
  *max_failures = MAX (scm_store_get_setting_int (self, "limits.max-attempts"), 1);
  *window = MAX (scm_store_get_setting_int (self, "limits.lockout-minutes"), 1) * 60;
}

gboolean
scm_store_check_attempts (ScmStore   *self,
                          const char *key,
                          gint64      now,
                          gint64     *out_locked_until,
                          GError    **error)
{
  g_autofree char *normalized = NULL;
  gint64 locked_until = 0;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_locked_until != NULL)
    *out_locked_until = 0;

  normalized = normalize_attempt_key (key, error);
  if (normalized == NULL)
    return FALSE;

  {
    SCM_STORE_LOCK (self);

    if (!scm_store_query_int64 (self, &locked_until, 0, error,
                                "SELECT locked_until FROM attempts WHERE key = ?", "t",
                                normalized))
      return FALSE;
  }

  if (locked_until > now)
    {
      g_autofree char *when = format_time (locked_until, now);

      if (out_locked_until != NULL)
        *out_locked_until = locked_until;
      g_set_error (error, SCM_ERROR, SCM_ERROR_LOCKED,
                   _("Too many failed attempts; try again after %s."), when);
      return FALSE;
    }
  return TRUE;
}

static gboolean
record_failure_tx (ScmStore   *self,
                   const char *key,
                   gint64      now,
                   GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 max_failures;
  gint64 window;
  gint64 failures = 0;
  gint64 first_failure_at = now;
  gint64 locked_until = 0;
  int rc;

  get_limits (self, &max_failures, &window);

  stmt = scm_store_query (self, error,
                          "SELECT failures, first_failure_at, last_failure_at, locked_until"
                          " FROM attempts WHERE key = ?", "t", key);
  if (stmt == NULL || (rc = scm_store_step (self, stmt, error)) < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    {
      gint64 last_failure_at = sqlite3_column_int64 (stmt, 2);
      gint64 stored_lock = sqlite3_column_int64 (stmt, 3);

      /* Already locked: nothing more to count, and the lock is not extended. */
      if (stored_lock > now)
        return TRUE;

      /* After a lockout, or a long enough pause, the count starts over. */
      if (stored_lock == 0 && now - last_failure_at <= window)
        {
          failures = sqlite3_column_int64 (stmt, 0);
          first_failure_at = sqlite3_column_int64 (stmt, 1);
        }
    }
  g_clear_pointer (&stmt, scm_store_stmt_release);

  failures++;
  if (failures >= max_failures)
    locked_until = now + window;

  if (!scm_store_run (self, error,
                      "INSERT INTO attempts (key, failures, first_failure_at, last_failure_at,"
                      " locked_until) VALUES (?1, ?2, ?3, ?4, ?5)"
                      " ON CONFLICT (key) DO UPDATE SET failures = ?2, first_failure_at = ?3,"
                      " last_failure_at = ?4, locked_until = ?5",
                      "tiiiI", key, failures, first_failure_at, now, locked_until))
    return FALSE;

  if (locked_until != 0)
    {
      g_autofree char *when = format_time (locked_until, now);
      g_autofree char *message = g_strdup_printf ("Locked out after %" G_GINT64_FORMAT
                                                  " consecutive failed attempts, until %s (%"
                                                  G_GINT64_FORMAT " minutes)", failures, when,
                                                  window / 60);

      return scm_store_audit (self, key, "attempts.lock", key, SCM_AUDIT_FAILURE, message,
                              error);
    }
  return TRUE;
}

gboolean
scm_store_record_failure (ScmStore   *self,
                          const char *key,
                          gint64      now,
                          GError    **error)
{
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  normalized = normalize_attempt_key (key, error);
  if (normalized == NULL)
    return FALSE;

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, record_failure_tx (self, normalized, now, error));
}

gboolean
scm_store_record_success (ScmStore   *self,
                          const char *key,
                          gint64      now,
                          GError    **error)
{
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  normalized = normalize_attempt_key (key, error);
  if (normalized == NULL)
    return FALSE;

  SCM_STORE_LOCK (self);

  return scm_store_run (self, error,
                        "DELETE FROM attempts WHERE key = ?"
                        " AND (locked_until IS NULL OR locked_until <= ?)", "ti",
                        normalized, now);
}

/* Purging -------------------------------------------------------------------------------- */

static gboolean
purge_tx (ScmStore *self,
          gint64    now,
          GError  **error)
{
  gint64 max_failures;
  gint64 window;

  get_limits (self, &max_failures, &window);

  /* A counter whose lockout is over, or whose last failure is older than
   * the window, would start over at the next failure anyway. */
  return scm_store_run (self, error, "DELETE FROM challenges WHERE expires_at <= ?", "i", now)
         && scm_store_run (self, error,
                           "DELETE FROM sessions WHERE expires_at <= ? OR ended_at IS NOT NULL",
                           "i", now)
         && scm_store_run (self, error,
                           "DELETE FROM attempts"
                           " WHERE (locked_until IS NOT NULL AND locked_until <= ?1)"
                           "    OR (locked_until IS NULL AND ?1 - last_failure_at > ?2)",
                           "ii", now, window);
}

gboolean
scm_store_purge_enrollment_state (ScmStore *self,
                                  gint64    now,
                                  GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, purge_tx (self, now, error));
}
