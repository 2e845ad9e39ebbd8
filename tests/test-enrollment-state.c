/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "scm-error.h"
#include "scm-secret.h"
#include "scm-store.h"
#include "scm-test-util.h"

/* 2026-01-01 00:00:00 UTC; every call gets its time injected. */
#define NOW ((gint64) 1767225600)
#define MINUTE ((gint64) 60)
#define SESSION_LIFETIME (30 * MINUTE)

typedef struct
{
  char *dir;
  ScmStore *store;
  ScmOrganization *acme;
  ScmDomain *example;
  ScmForm *staff;        /* email confirmation */
  ScmForm *contractors;  /* another form */
  ScmAccount *staff_account;
  ScmAccount *contractor_account;
  ScmPerson *ada;        /* ada@example.org */
} Fixture;

/* Helpers ----------------------------------------------------------------------------- */

static ScmForm *
add_form (ScmStore   *store,
          const char *name)
{
  g_autoptr(ScmForm) form = scm_form_new ();
  g_autoptr(GError) error = NULL;

  scm_form_set_name (form, name);
  scm_form_set_authentication (form, SCM_AUTHENTICATION_EMAIL_CONFIRMATION);
  g_assert_true (scm_store_create_form (store, form, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&form);
}

static ScmAccount *
add_account (Fixture    *f,
             ScmForm    *form,
             const char *name)
{
  g_autoptr(ScmAccount) account = scm_account_new ();
  g_autoptr(ScmProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  profile = scm_store_find_profile_by_name (f->store, "Client Authentication", &error);
  g_assert_no_error (error);
  scm_account_set_form_id (account, scm_form_get_id (form));
  scm_account_set_name (account, name);
  scm_account_set_organization_id (account, scm_organization_get_id (f->acme));
  scm_account_add_profile_id (account, scm_profile_get_id (profile));
  g_assert_true (scm_store_create_account (f->store, account, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&account);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = scm_test_make_tmp_dir ("test-enrollment-state-XXXXXX");
  f->store = scm_store_open (f->dir, &error);
  g_assert_no_error (error);

  f->acme = scm_organization_new ();
  scm_organization_set_name (f->acme, "Acme");
  g_assert_true (scm_store_create_organization (f->store, f->acme, &error));
  g_assert_no_error (error);

  f->example = scm_domain_new ();
  scm_domain_set_name (f->example, "example.org");
  scm_domain_set_organization_id (f->example, scm_organization_get_id (f->acme));
  g_assert_true (scm_store_create_domain (f->store, f->example, &error));
  g_assert_true (scm_store_set_domain_validated (f->store, f->example, TRUE, &error));
  g_assert_no_error (error);

  f->staff = add_form (f->store, "Staff");
  f->contractors = add_form (f->store, "Contractors");
  f->staff_account = add_account (f, f->staff, "Staff certificates");
  f->contractor_account = add_account (f, f->contractors, "Contractor certificates");

  f->ada = scm_person_new ();
  scm_person_set_organization_id (f->ada, scm_organization_get_id (f->acme));
  scm_person_set_first_name (f->ada, "Ada");
  scm_person_set_last_name (f->ada, "Lovelace");
  scm_person_set_email (f->ada, "ada@example.org");
  g_assert_true (scm_store_create_person (f->store, f->ada, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Whatever a test did, the audit chain and the schema stay intact. */
  if (f->store != NULL)
    {
      g_assert_true (scm_store_verify (f->store, &error));
      g_assert_no_error (error);
    }

  g_clear_object (&f->acme);
  g_clear_object (&f->example);
  g_clear_object (&f->staff);
  g_clear_object (&f->contractors);
  g_clear_object (&f->staff_account);
  g_clear_object (&f->contractor_account);
  g_clear_object (&f->ada);
  if (f->store != NULL)
    g_assert_finalize_object (f->store);
  scm_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Closes and reopens the store, as a restart (or a crash) would. */
static void
reopen_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_finalize_object (g_steal_pointer (&f->store));
  f->store = scm_store_open (f->dir, &error);
  g_assert_no_error (error);
}

static gint64
count_rows (Fixture    *f,
            const char *sql)
{
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

/* The audit events of @action (exact), newest first. */
static GPtrArray *
audit_events (Fixture    *f,
              const char *action)
{
  ScmAuditFilter filter = { .action = action };
  g_autoptr(GError) error = NULL;
  GPtrArray *events = scm_store_list_audit_events (f->store, &filter, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (events);
  return events;
}

static guint
count_events (Fixture    *f,
              const char *action)
{
  g_autoptr(GPtrArray) events = audit_events (f, action);

  return events->len;
}

static ScmAuditEvent *
newest_event (Fixture    *f,
              const char *action)
{
  g_autoptr(GPtrArray) events = audit_events (f, action);

  g_assert_cmpuint (events->len, >, 0);
  return g_object_ref (g_ptr_array_index (events, 0));
}

static void
new_challenge (Fixture    *f,
               ScmForm    *form,
               const char *email,
               gint64      now,
               char      **public_id,
               char      **code)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (scm_store_create_challenge (f->store, scm_form_get_id (form), email,
                                             "192.0.2.1", now, public_id, code, &error));
  g_assert_no_error (error);
  g_assert_nonnull (*public_id);
  g_assert_nonnull (*code);
}

static void
assert_redeems (Fixture    *f,
                const char *public_id,
                const char *code,
                gint64      now,
                const char *expected_email)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *email = NULL;

  g_assert_true (scm_store_redeem_challenge (f->store, public_id, 0, code, now, &email,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpstr (email, ==, expected_email);
}

/* Expects the redeem to fail with @code_expected and a message containing
 * @fragment. */
static void
assert_redeem_refused (Fixture    *f,
                       const char *public_id,
                       gint64      form_id,
                       const char *code,
                       gint64      now,
                       int         code_expected,
                       const char *fragment)
{
  g_autoptr(GError) error = NULL;
  char *email = NULL;

  g_assert_false (scm_store_redeem_challenge (f->store, public_id, form_id, code, now, &email,
                                              &error));
  g_assert_error (error, SCM_ERROR, code_expected);
  g_assert_null (email);
  g_test_message ("refused as expected: %s", error->message);
  g_assert_nonnull (strstr (error->message, fragment));
}

/* A code that is certainly not @code. */
static char *
wrong_code_for (const char *code)
{
  char *wrong = g_strdup (code);

  wrong[0] = wrong[0] == '9' ? '0' : wrong[0] + 1;
  return wrong;
}

static char *
local_hh_mm (gint64 when)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_unix_local (when);

  return g_date_time_format (at, "%H:%M");
}

/* Challenges ------------------------------------------------------------------------- */

static void
test_challenge_single_use (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *public_id = NULL;
  g_autofree char *code = NULL;

  new_challenge (f, f->staff, "Ada@Example.org", NOW, &public_id, &code);

  /* 8 digits; a 128-bit public id in hex. */
  g_assert_cmpuint (strlen (code), ==, 8);
  for (const char *p = code; *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p));
  g_assert_cmpuint (strlen (public_id), ==, 32);
  for (const char *p = public_id; *p != '\0'; p++)
    g_assert_true (g_ascii_isxdigit (*p));

  assert_redeems (f, public_id, code, NOW + MINUTE, "ada@example.org");
  assert_redeem_refused (f, public_id, 0, code, NOW + 2 * MINUTE, SCM_ERROR_INVALID,
                         "already used");
}

static void
test_challenge_wrong_then_right (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *public_id = NULL;
  g_autofree char *code = NULL;
  g_autofree char *wrong = NULL;

  new_challenge (f, f->staff, "ada@example.org", NOW, &public_id, &code);
  wrong = wrong_code_for (code);

  assert_redeem_refused (f, public_id, 0, wrong, NOW, SCM_ERROR_INVALID, "4 tries are left");
  assert_redeem_refused (f, public_id, 0, wrong, NOW, SCM_ERROR_INVALID, "3 tries are left");
  assert_redeem_refused (f, public_id, 0, wrong, NOW, SCM_ERROR_INVALID, "2 tries are left");
  assert_redeem_refused (f, public_id, 0, wrong, NOW, SCM_ERROR_INVALID, "1 try is left");
  g_assert_cmpint (count_rows (f, "SELECT tries FROM challenges"), ==, 4);

  /* The fifth try is still a try; the grouping a person types is accepted. */
  {
    g_autofree char *typed = g_strdup_printf ("%.4s %s", code, code + 4);
    assert_redeems (f, public_id, typed, NOW, "ada@example.org");
  }
}

static void
test_challenge_burned (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *public_id = NULL;
  g_autofree char *code = NULL;
  g_autofree char *wrong = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(ScmAuditEvent) burned = NULL;

  new_challenge (f, f->staff, "ada@example.org", NOW, &public_id, &code);
  wrong = wrong_code_for (code);

  for (int i = 0; i < SCM_CHALLENGE_MAX_TRIES - 1; i++)
    assert_redeem_refused (f, public_id, 0, wrong, NOW, SCM_ERROR_INVALID, "wrong");
  assert_redeem_refused (f, public_id, 0, wrong, NOW, SCM_ERROR_INVALID, "no tries are left");

  /* Burned: even the right code fails now, and no further try is counted. */
  assert_redeem_refused (f, public_id, 0, code, NOW, SCM_ERROR_INVALID, "Too many wrong codes");
  g_assert_cmpint (count_rows (f, "SELECT tries FROM challenges"), ==, SCM_CHALLENGE_MAX_TRIES);

  events = audit_events (f, "challenge.redeem");
  g_assert_cmpuint (events->len, ==, SCM_CHALLENGE_MAX_TRIES + 1);
  burned = g_object_ref (g_ptr_array_index (events, 0));
  g_assert_cmpstr (scm_audit_event_get_result (burned), ==, SCM_AUDIT_FAILURE);
  g_assert_cmpstr (scm_audit_event_get_actor (burned), ==, "email:ada@example.org");
  g_assert_nonnull (strstr (scm_audit_event_get_message (burned), "burned by 5 wrong tries"));
  g_assert_nonnull (strstr (scm_audit_event_get_message (g_ptr_array_index (events, 1)),
                            "wrong code (try 5 of 5)"));
  g_assert_nonnull (strstr (scm_audit_event_get_message (g_ptr_array_index (events, 5)),
                            "wrong code (try 1 of 5)"));
}

/* Each wrong try is committed before the answer: reopening the store (a
 * restart or a crash) gives no extra tries. */
static void
test_challenge_tries_persisted (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *public_id = NULL;
  g_autofree char *code = NULL;
  g_autofree char *wrong = NULL;

  new_challenge (f, f->staff, "ada@example.org", NOW, &public_id, &code);
  wrong = wrong_code_for (code);

  for (int i = 0; i < 3; i++)
    assert_redeem_refused (f, public_id, 0, wrong, NOW, SCM_ERROR_INVALID, "wrong");

  reopen_store (f);
  assert_redeem_refused (f, public_id, 0, wrong, NOW, SCM_ERROR_INVALID, "1 try is left");

  reopen_store (f);
  assert_redeem_refused (f, public_id, 0, wrong, NOW, SCM_ERROR_INVALID, "no tries are left");

  reopen_store (f);
  assert_redeem_refused (f, public_id, 0, code, NOW, SCM_ERROR_INVALID, "Too many wrong codes");
}

static void
test_challenge_expiry (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *early_id = NULL;
  g_autofree char *early_code = NULL;
  g_autofree char *late_id = NULL;
  g_autofree char *late_code = NULL;
  g_autofree char *expected = local_hh_mm (NOW + 10 * MINUTE);

  g_assert_cmpint (SCM_CHALLENGE_LIFETIME_SECONDS, ==, 10 * MINUTE);

  new_challenge (f, f->staff, "ada@example.org", NOW, &early_id, &early_code);
  new_challenge (f, f->staff, "grace@example.org", NOW, &late_id, &late_code);

  /* The last second of the ten minutes still works… */
  assert_redeems (f, early_id, early_code, NOW + 10 * MINUTE - 1, "ada@example.org");

  /* …and at exactly ten minutes the code has expired, right or wrong. */
  assert_redeem_refused (f, late_id, 0, late_code, NOW + 10 * MINUTE, SCM_ERROR_INVALID,
                         "expired");
  assert_redeem_refused (f, late_id, 0, late_code, NOW + 10 * MINUTE, SCM_ERROR_INVALID,
                         expected);
  /* An expired code counts no tries. */
  g_assert_cmpint (count_rows (f, "SELECT sum (tries) FROM challenges"), ==, 0);
}

static void
test_challenge_resend (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *first_id = NULL;
  g_autofree char *first_code = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *second_code = NULL;
  g_autofree char *other_form_id = NULL;
  g_autofree char *other_form_code = NULL;
  g_autofree char *other_email_id = NULL;
  g_autofree char *other_email_code = NULL;
  g_autofree char *used_id = NULL;
  g_autofree char *used_code = NULL;
  g_autoptr(ScmAuditEvent) created = NULL;

  /* Codes of other forms and other emails are not affected by a resend. */
  new_challenge (f, f->staff, "ada@example.org", NOW, &first_id, &first_code);
  new_challenge (f, f->contractors, "ada@example.org", NOW, &other_form_id, &other_form_code);
  new_challenge (f, f->staff, "grace@example.org", NOW, &other_email_id, &other_email_code);

  new_challenge (f, f->staff, "ADA@example.org", NOW + MINUTE, &second_id, &second_code);
  g_assert_cmpstr (first_id, !=, second_id);

  created = newest_event (f, "challenge.create");
  g_assert_nonnull (strstr (scm_audit_event_get_message (created), "replacing the previous"));

  assert_redeem_refused (f, first_id, 0, first_code, NOW + MINUTE, SCM_ERROR_INVALID,
                         "replaced by a newer one");
  assert_redeems (f, second_id, second_code, NOW + MINUTE, "ada@example.org");
  assert_redeems (f, other_form_id, other_form_code, NOW + MINUTE, "ada@example.org");
  assert_redeems (f, other_email_id, other_email_code, NOW + MINUTE, "grace@example.org");

  /* A used code stays "used" rather than "replaced" after a new request. */
  new_challenge (f, f->staff, "ada@example.org", NOW + 2 * MINUTE, &used_id, &used_code);
  assert_redeem_refused (f, second_id, 0, second_code, NOW + 2 * MINUTE, SCM_ERROR_INVALID,
                         "already used");
}

static void
test_challenge_unknown (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *public_id = NULL;
  g_autofree char *code = NULL;
  g_autofree char *unknown = scm_random_hex (16);
  g_autofree char *upper = NULL;
  g_autofree char *email = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmAuditEvent) event = NULL;

  new_challenge (f, f->staff, "ada@example.org", NOW, &public_id, &code);

  assert_redeem_refused (f, unknown, 0, code, NOW, SCM_ERROR_NOT_FOUND, "no pending");
  event = newest_event (f, "challenge.redeem");
  g_assert_cmpstr (scm_audit_event_get_result (event), ==, SCM_AUDIT_FAILURE);
  g_assert_nonnull (strstr (scm_audit_event_get_message (event), "unknown confirmation id"));

  assert_redeem_refused (f, "", 0, code, NOW, SCM_ERROR_NOT_FOUND, "no pending");
  assert_redeem_refused (f, "'; DROP TABLE challenges; --", 0, code, NOW, SCM_ERROR_NOT_FOUND,
                         "no pending");
  upper = g_ascii_strup (public_id, -1);
  if (g_strcmp0 (upper, public_id) != 0)
    assert_redeem_refused (f, upper, 0, code, NOW, SCM_ERROR_NOT_FOUND, "no pending");

  /* Nothing of this touched the real challenge. */
  g_assert_cmpint (count_rows (f, "SELECT tries FROM challenges"), ==, 0);

  email = scm_store_get_challenge_email (f->store, public_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (email, ==, "ada@example.org");
  g_assert_null (scm_store_get_challenge_email (f->store, unknown, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
}

static void
test_challenge_other_form (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *public_id = NULL;
  g_autofree char *code = NULL;
  g_autofree char *email = NULL;
  g_autoptr(GError) error = NULL;

  new_challenge (f, f->staff, "ada@example.org", NOW, &public_id, &code);

  assert_redeem_refused (f, public_id, scm_form_get_id (f->contractors), code, NOW,
                         SCM_ERROR_INVALID, "requested on the form “Staff”");
  g_assert_cmpint (count_rows (f, "SELECT tries FROM challenges"), ==, 0);

  g_assert_true (scm_store_redeem_challenge (f->store, public_id, scm_form_get_id (f->staff),
                                             code, NOW, &email, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (email, ==, "ada@example.org");
}

static void
test_challenge_refused_input (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  char *public_id = NULL;
  char *code = NULL;
  gint64 audit_before = count_rows (f, "SELECT count (*) FROM audit_events");

  g_assert_false (scm_store_create_challenge (f->store, scm_form_get_id (f->staff),
                                              "not an email", NULL, NOW, &public_id, &code,
                                              &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (scm_store_create_challenge (f->store, 9999, "ada@example.org", NULL, NOW,
                                              &public_id, &code, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (scm_store_create_challenge (f->store, scm_form_get_id (f->staff),
                                              "ada@example.org", "192.0.2.1\nforged", NOW,
                                              &public_id, &code, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);

  g_assert_null (public_id);
  g_assert_null (code);
  g_assert_cmpint (count_rows (f, "SELECT count (*) FROM challenges"), ==, 0);
  g_assert_cmpint (count_rows (f, "SELECT count (*) FROM audit_events"), ==, audit_before);
}

static void
test_challenge_audit (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *public_id = NULL;
  g_autofree char *code = NULL;
  g_autofree char *no_address_id = NULL;
  g_autofree char *no_address_code = NULL;
  g_autofree char *email = NULL;
  g_autoptr(ScmAuditEvent) created = NULL;
  g_autoptr(ScmAuditEvent) redeemed = NULL;
  g_autoptr(ScmAuditEvent) without_address = NULL;
  g_autoptr(GError) error = NULL;

  new_challenge (f, f->staff, "ada@example.org", NOW, &public_id, &code);
  created = newest_event (f, "challenge.create");
  g_assert_cmpstr (scm_audit_event_get_actor (created), ==, "address:192.0.2.1");
  g_assert_cmpstr (scm_audit_event_get_object (created), ==, "ada@example.org");
  g_assert_cmpstr (scm_audit_event_get_result (created), ==, SCM_AUDIT_SUCCESS);
  g_assert_nonnull (strstr (scm_audit_event_get_message (created), "“Staff”"));

  assert_redeems (f, public_id, code, NOW, "ada@example.org");
  redeemed = newest_event (f, "challenge.redeem");
  g_assert_cmpstr (scm_audit_event_get_actor (redeemed), ==, "email:ada@example.org");
  g_assert_cmpstr (scm_audit_event_get_result (redeemed), ==, SCM_AUDIT_SUCCESS);

  g_assert_true (scm_store_create_challenge (f->store, scm_form_get_id (f->staff),
                                             "grace@example.org", NULL, NOW, &no_address_id,
                                             &no_address_code, &error));
  g_assert_no_error (error);
  without_address = newest_event (f, "challenge.create");
  g_assert_cmpstr (scm_audit_event_get_actor (without_address), ==, "email:grace@example.org");
}

static gboolean
bytes_contain (const char *haystack,
               gsize       len,
               const char *needle)
{
  gsize needle_len = strlen (needle);

  for (gsize i = 0; needle_len <= len && i <= len - needle_len; i++)
    if (memcmp (haystack + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

/* Neither a code nor a token is ever written: not to the database file,
 * its WAL, nor the audit log. */
static void
assert_not_in_files (Fixture    *f,
                     const char *secret)
{
  const char *suffixes[] = { "", "-wal", "-journal" };

  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (scm_store_get_database_path (f->store), suffixes[i],
                                           NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_assert_false (bytes_contain (contents, len, secret));
    }
}

static void
test_secrets_not_stored (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *used_id = NULL;
  g_autofree char *used_code = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *burned_id = NULL;
  g_autofree char *burned_code = NULL;
  g_autofree char *pending_id = NULL;
  g_autofree char *pending_code = NULL;
  g_autofree char *token = NULL;
  g_autofree char *upper_token = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  gint64 session_id;
  const char *secrets[5];

  new_challenge (f, f->staff, "ada@example.org", NOW, &used_id, &used_code);
  assert_redeems (f, used_id, used_code, NOW, "ada@example.org");
  new_challenge (f, f->staff, "grace@example.org", NOW, &burned_id, &burned_code);
  wrong = wrong_code_for (burned_code);
  for (int i = 0; i < SCM_CHALLENGE_MAX_TRIES; i++)
    assert_redeem_refused (f, burned_id, 0, wrong, NOW, SCM_ERROR_INVALID, "wrong");
  new_challenge (f, f->staff, "alan@example.org", NOW, &pending_id, &pending_code);

  session_id = scm_store_create_session (f->store, scm_form_get_id (f->staff),
                                         scm_person_get_id (f->ada), "ada@example.org",
                                         "192.0.2.1", SESSION_LIFETIME, NOW, &token, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session_id, >, 0);
  g_assert_true (scm_store_authorize_session_account (f->store, session_id,
                                                      scm_account_get_id (f->staff_account),
                                                      NOW, &error));
  g_assert_no_error (error);
  upper_token = g_ascii_strup (token, -1);

  secrets[0] = used_code;
  secrets[1] = burned_code;
  secrets[2] = pending_code;
  secrets[3] = token;
  secrets[4] = upper_token;

  events = audit_events (f, NULL);
  g_assert_cmpuint (events->len, >, 0);
  for (guint i = 0; i < events->len; i++)
    {
      ScmAuditEvent *event = g_ptr_array_index (events, i);

      for (gsize j = 0; j < G_N_ELEMENTS (secrets); j++)
        {
          g_assert_null (strstr (scm_audit_event_get_message (event), secrets[j]));
          if (scm_audit_event_get_object (event) != NULL)
            g_assert_null (strstr (scm_audit_event_get_object (event), secrets[j]));
          g_assert_null (strstr (scm_audit_event_get_actor (event), secrets[j]));
        }
    }

  /* While open (database and WAL), and after closing (checkpointed). */
  for (gsize j = 0; j < G_N_ELEMENTS (secrets); j++)
    assert_not_in_files (f, secrets[j]);
  reopen_store (f);
  for (gsize j = 0; j < G_N_ELEMENTS (secrets); j++)
    assert_not_in_files (f, secrets[j]);

  /* The files read above do hold the rows: an email is found in them. */
  g_assert_cmpint (count_rows (f, "SELECT count (*) FROM challenges"
                                  " WHERE email = 'alan@example.org'"), ==, 1);
  {
    g_autofree char *contents = NULL;
    gsize len = 0;

    g_assert_true (g_file_get_contents (scm_store_get_database_path (f->store), &contents, &len,
                                        NULL));
    g_assert_true (bytes_contain (contents, len, "alan@example.org"));
  }
}

/* Sessions ---------------------------------------------------------------------------- */

static gint64
new_session (Fixture  *f,
             ScmForm  *form,
             gint64    person_id,
             gint64    now,
             char    **token)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = scm_store_create_session (f->store, scm_form_get_id (form), person_id,
                                 "Ada@Example.org", "192.0.2.1", SESSION_LIFETIME, now, token,
                                 &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_nonnull (*token);
  return id;
}

static void
assert_lookup_refused (Fixture    *f,
                       const char *token,
                       gint64      form_id,
                       gint64      now,
                       int         code,
                       const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmEnrollmentSession) session = NULL;

  session = scm_store_lookup_session (f->store, token, form_id, now, &error);
  g_assert_null (session);
  g_assert_error (error, SCM_ERROR, code);
  g_test_message ("refused as expected: %s", error->message);
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_session_lifecycle (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autofree char *other_token = NULL;
  g_autofree char *unknown = scm_random_hex (32);
  g_autoptr(ScmEnrollmentSession) session = NULL;
  g_autoptr(ScmEnrollmentSession) any_form = NULL;
  g_autoptr(ScmEnrollmentSession) copy = NULL;
  g_autoptr(ScmAuditEvent) created = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;
  gint64 other_id;

  id = new_session (f, f->staff, scm_person_get_id (f->ada), NOW, &token);
  g_assert_cmpuint (strlen (token), ==, 64);

  session = scm_store_lookup_session (f->store, token, scm_form_get_id (f->staff), NOW + MINUTE,
                                      &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_assert_cmpint (session->id, ==, id);
  g_assert_cmpint (session->form_id, ==, scm_form_get_id (f->staff));
  g_assert_cmpint (session->person_id, ==, scm_person_get_id (f->ada));
  g_assert_cmpstr (session->email, ==, "ada@example.org");
  g_assert_cmpstr (session->client_address, ==, "192.0.2.1");
  g_assert_cmpint (session->created_at, ==, NOW);
  g_assert_cmpint (session->expires_at, ==, NOW + SESSION_LIFETIME);
  g_assert_cmpuint (session->authorized_account_ids->len, ==, 0);

  copy = scm_enrollment_session_copy (session);
  g_assert_cmpint (copy->id, ==, id);
  g_assert_cmpstr (copy->email, ==, session->email);

  any_form = scm_store_lookup_session (f->store, token, 0, NOW + MINUTE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (any_form->id, ==, id);

  created = newest_event (f, "session.create");
  g_assert_cmpstr (scm_audit_event_get_actor (created), ==, "email:ada@example.org");
  g_assert_cmpstr (scm_audit_event_get_result (created), ==, SCM_AUDIT_SUCCESS);

  /* Bound to its form. */
  assert_lookup_refused (f, token, scm_form_get_id (f->contractors), NOW + MINUTE,
                         SCM_ERROR_INVALID, "another form");

  /* Unknown and malformed tokens. */
  assert_lookup_refused (f, unknown, 0, NOW, SCM_ERROR_NOT_FOUND, "unknown");
  assert_lookup_refused (f, "", 0, NOW, SCM_ERROR_NOT_FOUND, "unknown");
  assert_lookup_refused (f, "Bearer x", 0, NOW, SCM_ERROR_NOT_FOUND, "unknown");

  /* Expires at exactly its lifetime. */
  {
    g_autoptr(ScmEnrollmentSession) last = NULL;

    last = scm_store_lookup_session (f->store, token, 0, NOW + SESSION_LIFETIME - 1, &error);
    g_assert_no_error (error);
    g_assert_nonnull (last);
  }
  assert_lookup_refused (f, token, 0, NOW + SESSION_LIFETIME, SCM_ERROR_INVALID, "expired");

  /* Ending: the token stops working at once; ending again is harmless. */
  other_id = new_session (f, f->staff, 0, NOW, &other_token);
  g_assert_cmpint (other_id, !=, id);
  g_assert_cmpstr (other_token, !=, token);
  g_assert_true (scm_store_end_session (f->store, other_id, NOW + MINUTE, &error));
  g_assert_no_error (error);
  assert_lookup_refused (f, other_token, 0, NOW + MINUTE, SCM_ERROR_INVALID, "ended");
  g_assert_true (scm_store_end_session (f->store, other_id, NOW + 2 * MINUTE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_events (f, "session.end"), ==, 1);

  g_assert_false (scm_store_end_session (f->store, 9999, NOW, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
}

static void
test_session_unregistered_person (Fixture       *f,
                                  gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autoptr(ScmEnrollmentSession) session = NULL;
  g_autoptr(ScmAuditEvent) created = NULL;
  g_autoptr(GError) error = NULL;

  new_session (f, f->staff, 0, NOW, &token);
  session = scm_store_lookup_session (f->store, token, 0, NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->person_id, ==, 0);

  created = newest_event (f, "session.create");
  g_assert_nonnull (strstr (scm_audit_event_get_message (created), "not a registered person"));
}

static void
test_session_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  char *token = NULL;
  gint64 form_id = scm_form_get_id (f->staff);
  gint64 audit_before = count_rows (f, "SELECT count (*) FROM audit_events");

  g_assert_cmpint (scm_store_create_session (f->store, form_id, 0, "ada@example.org", NULL, 0,
                                             NOW, &token, &error), ==, 0);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpint (scm_store_create_session (f->store, form_id, 0, "ada@example.org", NULL,
                                             SCM_SESSION_MAX_LIFETIME_SECONDS + 1, NOW, &token,
                                             &error), ==, 0);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpint (scm_store_create_session (f->store, 9999, 0, "ada@example.org", NULL,
                                             SESSION_LIFETIME, NOW, &token, &error), ==, 0);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (scm_store_create_session (f->store, form_id, 9999, "ada@example.org", NULL,
                                             SESSION_LIFETIME, NOW, &token, &error), ==, 0);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_cmpint (scm_store_create_session (f->store, form_id, 0, "ada at example", NULL,
                                             SESSION_LIFETIME, NOW, &token, &error), ==, 0);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_null (token);
  g_assert_cmpint (count_rows (f, "SELECT count (*) FROM sessions"), ==, 0);
  g_assert_cmpint (count_rows (f, "SELECT count (*) FROM audit_events"), ==, audit_before);

  /* A deleted person can no longer get a session. */
  g_assert_true (scm_store_delete_person (f->store, scm_person_get_id (f->ada), &error));
  g_assert_no_error (error);
  g_assert_cmpint (scm_store_create_session (f->store, form_id, scm_person_get_id (f->ada),
                                             "ada@example.org", NULL, SESSION_LIFETIME, NOW,
                                             &token, &error), ==, 0);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  g_assert_null (token);
}

static void
test_session_authorize (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autoptr(ScmEnrollmentSession) session = NULL;
  g_autoptr(ScmAuditEvent) authorized = NULL;
  g_autoptr(GError) error = NULL;
  gint64 staff_account = scm_account_get_id (f->staff_account);
  gint64 id;

  id = new_session (f, f->staff, scm_person_get_id (f->ada), NOW, &token);

  /* Accounts of another form, unknown accounts and sessions are refused. */
  g_assert_false (scm_store_authorize_session_account (f->store, id,
                                                       scm_account_get_id (f->contractor_account),
                                                       NOW, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Contractor certificates"));
  g_clear_error (&error);
  g_assert_false (scm_store_authorize_session_account (f->store, id, 9999, NOW, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (scm_store_authorize_session_account (f->store, 9999, staff_account, NOW,
                                                       &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Twice is once. */
  for (int i = 0; i < 2; i++)
    {
      g_assert_true (scm_store_authorize_session_account (f->store, id, staff_account, NOW,
                                                          &error));
      g_assert_no_error (error);
    }
  session = scm_store_lookup_session (f->store, token, 0, NOW, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (session->authorized_account_ids->len, ==, 1);
  g_assert_cmpint (g_array_index (session->authorized_account_ids, gint64, 0), ==,
                   staff_account);
  g_assert_true (scm_enrollment_session_is_account_authorized (session, staff_account));
  g_assert_false (scm_enrollment_session_is_account_authorized (
                    session, scm_account_get_id (f->contractor_account)));

  authorized = newest_event (f, "session.authorize");
  g_assert_cmpstr (scm_audit_event_get_actor (authorized), ==, "email:ada@example.org");
  g_assert_nonnull (strstr (scm_audit_event_get_message (authorized), "Staff certificates"));
  g_assert_cmpuint (count_events (f, "session.authorize"), ==, 1);

  /* Not on an expired or ended session. */
  g_assert_false (scm_store_authorize_session_account (f->store, id, staff_account,
                                                       NOW + SESSION_LIFETIME, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (scm_store_end_session (f->store, id, NOW, &error));
  g_assert_false (scm_store_authorize_session_account (f->store, id, staff_account, NOW,
                                                       &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
}

/* Attempts ---------------------------------------------------------------------------- */

static void
fail (Fixture    *f,
      const char *key,
      gint64      now)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (scm_store_record_failure (f->store, key, now, &error));
  g_assert_no_error (error);
}

static void
assert_open (Fixture    *f,
             const char *key,
             gint64      now)
{
  g_autoptr(GError) error = NULL;
  gint64 locked_until = -1;

  g_assert_true (scm_store_check_attempts (f->store, key, now, &locked_until, &error));
  g_assert_no_error (error);
  g_assert_cmpint (locked_until, ==, 0);
}

static void
assert_locked (Fixture    *f,
               const char *key,
               gint64      now,
               gint64      expected_until)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *until = local_hh_mm (expected_until);
  gint64 locked_until = 0;

  g_assert_false (scm_store_check_attempts (f->store, key, now, &locked_until, &error));
  g_assert_error (error, SCM_ERROR, SCM_ERROR_LOCKED);
  g_assert_cmpint (locked_until, ==, expected_until);
  g_assert_true (g_str_has_prefix (error->message, "Too many failed attempts; try again after "));
  g_assert_nonnull (strstr (error->message, until));
}

static void
test_attempts_lockout (Fixture       *f,
                       gconstpointer  data)
{
  const char *key = "email:ada@example.org";
  g_autoptr(ScmAuditEvent) locked = NULL;

  assert_open (f, key, NOW);
  for (int i = 0; i < 4; i++)
    {
      fail (f, key, NOW + i);
      assert_open (f, key, NOW + i);
    }
  g_assert_cmpuint (count_events (f, "attempts.lock"), ==, 0);

  fail (f, key, NOW + 4);
  assert_locked (f, key, NOW + 4, NOW + 4 + 15 * MINUTE);
  assert_locked (f, key, NOW + 4 + 15 * MINUTE - 1, NOW + 4 + 15 * MINUTE);

  locked = newest_event (f, "attempts.lock");
  g_assert_cmpstr (scm_audit_event_get_actor (locked), ==, key);
  g_assert_cmpstr (scm_audit_event_get_result (locked), ==, SCM_AUDIT_FAILURE);
  g_assert_nonnull (strstr (scm_audit_event_get_message (locked), "5 consecutive"));

  /* Failures during the lockout neither extend it nor log it again. */
  fail (f, key, NOW + 10 * MINUTE);
  assert_locked (f, key, NOW + 10 * MINUTE, NOW + 4 + 15 * MINUTE);
  g_assert_cmpuint (count_events (f, "attempts.lock"), ==, 1);

  /* Fifteen minutes later it is open again, with a fresh count. */
  assert_open (f, key, NOW + 4 + 15 * MINUTE);
  fail (f, key, NOW + 20 * MINUTE);
  assert_open (f, key, NOW + 20 * MINUTE);

  /* Other keys are not affected; email keys ignore case. */
  assert_open (f, "address:192.0.2.1", NOW + 4);
  assert_open (f, "email:grace@example.org", NOW + 4);
  for (int i = 0; i < 5; i++)
    fail (f, "email:Grace@EXAMPLE.org", NOW);
  assert_locked (f, "email:grace@example.org", NOW, NOW + 15 * MINUTE);
}

static void
test_attempts_success_resets (Fixture       *f,
                              gconstpointer  data)
{
  const char *key = "address:192.0.2.1";
  g_autoptr(GError) error = NULL;

  for (int i = 0; i < 4; i++)
    fail (f, key, NOW);
  g_assert_true (scm_store_record_success (f->store, key, NOW, &error));
  g_assert_no_error (error);
  for (int i = 0; i < 4; i++)
    fail (f, key, NOW + MINUTE);
  assert_open (f, key, NOW + MINUTE);

  /* A success never lifts a lockout. */
  fail (f, key, NOW + MINUTE);
  assert_locked (f, key, NOW + MINUTE, NOW + 16 * MINUTE);
  g_assert_true (scm_store_record_success (f->store, key, NOW + 2 * MINUTE, &error));
  g_assert_no_error (error);
  assert_locked (f, key, NOW + 2 * MINUTE, NOW + 16 * MINUTE);
}

static void
test_attempts_settings (Fixture       *f,
                        gconstpointer  data)
{
  const char *key = "address:2001:db8::1";
  g_autoptr(GError) error = NULL;

  g_assert_true (scm_store_set_setting (f->store, "limits.max-attempts", "3", &error));
  g_assert_true (scm_store_set_setting (f->store, "limits.lockout-minutes", "2", &error));
  g_assert_no_error (error);

  fail (f, key, NOW);
  fail (f, key, NOW);
  assert_open (f, key, NOW);
  fail (f, key, NOW);
  assert_locked (f, key, NOW, NOW + 2 * MINUTE);
  assert_open (f, key, NOW + 2 * MINUTE);
}

static void
test_attempts_persisted (Fixture       *f,
                         gconstpointer  data)
{
  const char *key = "email:ada@example.org";

  for (int i = 0; i < 4; i++)
    fail (f, key, NOW);
  reopen_store (f);
  assert_open (f, key, NOW);
  fail (f, key, NOW);
  reopen_store (f);
  assert_locked (f, key, NOW + MINUTE, NOW + 15 * MINUTE);
}

static void
test_attempts_window (Fixture       *f,
                      gconstpointer  data)
{
  const char *key = "email:ada@example.org";

  /* Failures spread wider than the lockout length start over. */
  for (int i = 0; i < 4; i++)
    fail (f, key, NOW + i * 16 * MINUTE);
  assert_open (f, key, NOW + 48 * MINUTE);

  /* Close enough together, they add up. */
  for (int i = 0; i < 4; i++)
    fail (f, key, NOW + 48 * MINUTE + i * 14 * MINUTE);
  assert_locked (f, key, NOW + 90 * MINUTE, NOW + 105 * MINUTE);
}

static void
test_attempts_bad_keys (Fixture       *f,
                        gconstpointer  data)
{
  const char *bad[] = { "", "ada@example.org", ":x", "email:", "Email:ada@example.org",
                        "email:ada example", "address:192.0.2.1\n" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (scm_store_record_failure (f->store, bad[i], NOW, &error));
      g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_false (scm_store_check_attempts (f->store, bad[i], NOW, NULL, &error));
      g_assert_error (error, SCM_ERROR, SCM_ERROR_INVALID);
    }
  g_assert_cmpint (count_rows (f, "SELECT count (*) FROM attempts"), ==, 0);
}

/* Purging --------------------------------------------------------------------------------- */

static void
test_purge (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *old_id = NULL;
  g_autofree char *old_code = NULL;
  g_autofree char *used_id = NULL;
  g_autofree char *used_code = NULL;
  g_autofree char *live_id = NULL;
  g_autofree char *live_code = NULL;
  g_autofree char *expired_token = NULL;
  g_autofree char *ended_token = NULL;
  g_autofree char *live_token = NULL;
  g_autoptr(ScmEnrollmentSession) session = NULL;
  g_autoptr(GError) error = NULL;
  gint64 then = NOW + 40 * MINUTE;
  gint64 ended;

  /* Challenges: one expired, one used but not yet expired, one live. */
  new_challenge (f, f->staff, "old@example.org", NOW, &old_id, &old_code);
  new_challenge (f, f->staff, "used@example.org", then - 5 * MINUTE, &used_id, &used_code);
  assert_redeems (f, used_id, used_code, then - 5 * MINUTE, "used@example.org");
  new_challenge (f, f->staff, "live@example.org", then - MINUTE, &live_id, &live_code);

  /* Sessions: expired, ended, live. */
  new_session (f, f->staff, 0, NOW, &expired_token);
  ended = new_session (f, f->staff, 0, then - MINUTE, &ended_token);
  g_assert_true (scm_store_end_session (f->store, ended, then - MINUTE, &error));
  g_assert_no_error (error);
  new_session (f, f->staff, 0, then - MINUTE, &live_token);

  /* Attempts: a lockout that ended, one still running, failures too old
   * to count, and recent failures. */
  for (int i = 0; i < 5; i++)
    fail (f, "address:192.0.2.10", NOW);
  for (int i = 0; i < 5; i++)
    fail (f, "address:192.0.2.11", then - MINUTE);
  fail (f, "address:192.0.2.12", then - 16 * MINUTE);
  fail (f, "address:192.0.2.13", then - 14 * MINUTE);

  g_assert_true (scm_store_purge_enrollment_state (f->store, then, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count_rows (f, "SELECT count (*) FROM challenges"), ==, 2);
  g_assert_cmpint (count_rows (f, "SELECT count (*) FROM challenges"
                                  " WHERE email = 'old@example.org'"), ==, 0);
  g_assert_cmpint (count_rows (f, "SELECT count (*) FROM sessions"), ==, 1);
  g_assert_cmpint (count_rows (f, "SELECT count (*) FROM attempts"), ==, 2);
  g_assert_cmpint (count_rows (f, "SELECT count (*) FROM attempts"
                                  " WHERE key IN ('address:192.0.2.11', 'address:192.0.2.13')"),
                   ==, 2);

  /* What stays still works as before. */
  assert_redeems (f, live_id, live_code, then, "live@example.org");
  assert_redeem_refused (f, used_id, 0, used_code, then, SCM_ERROR_INVALID, "already used");
  session = scm_store_lookup_session (f->store, live_token, 0, then, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  assert_locked (f, "address:192.0.2.11", then, then - MINUTE + 15 * MINUTE);

  /* What went is unknown now. */
  assert_redeem_refused (f, old_id, 0, old_code, then, SCM_ERROR_NOT_FOUND, "no pending");
  assert_lookup_refused (f, expired_token, 0, then, SCM_ERROR_NOT_FOUND, "unknown");
  assert_lookup_refused (f, ended_token, 0, then, SCM_ERROR_NOT_FOUND, "unknown");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/enrollment-state/challenge/single-use", test_challenge_single_use);
  ADD ("/enrollment-state/challenge/wrong-then-right", test_challenge_wrong_then_right);
  ADD ("/enrollment-state/challenge/burned", test_challenge_burned);
  ADD ("/enrollment-state/challenge/tries-persisted", test_challenge_tries_persisted);
  ADD ("/enrollment-state/challenge/expiry", test_challenge_expiry);
  ADD ("/enrollment-state/challenge/resend", test_challenge_resend);
  ADD ("/enrollment-state/challenge/unknown", test_challenge_unknown);
  ADD ("/enrollment-state/challenge/other-form", test_challenge_other_form);
  ADD ("/enrollment-state/challenge/refused-input", test_challenge_refused_input);
  ADD ("/enrollment-state/challenge/audit", test_challenge_audit);
  ADD ("/enrollment-state/secrets-not-stored", test_secrets_not_stored);
  ADD ("/enrollment-state/session/lifecycle", test_session_lifecycle);
  ADD ("/enrollment-state/session/unregistered-person", test_session_unregistered_person);
  ADD ("/enrollment-state/session/refused", test_session_refused);
  ADD ("/enrollment-state/session/authorize", test_session_authorize);
  ADD ("/enrollment-state/attempts/lockout", test_attempts_lockout);
  ADD ("/enrollment-state/attempts/success-resets", test_attempts_success_resets);
  ADD ("/enrollment-state/attempts/settings", test_attempts_settings);
  ADD ("/enrollment-state/attempts/persisted", test_attempts_persisted);
  ADD ("/enrollment-state/attempts/window", test_attempts_window);
  ADD ("/enrollment-state/attempts/bad-keys", test_attempts_bad_keys);
  ADD ("/enrollment-state/purge", test_purge);

#undef ADD

  return g_test_run ();
}
