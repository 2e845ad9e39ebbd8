/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include "scm-error.h"
#include "scm-store-private.h"

/* Numbered schema migrations. Migration N (1-based) takes a database at
 * user_version N - 1 to N. Never edit a released migration: append one. */

/* Names are unique through a "name_key" column (NFKC + case folding,
 * computed by the store) because SQLite's NOCASE only folds ASCII.
 * Departments carry UNIQUE (id, organization_id) so that tables naming
 * both can require, by a composite foreign key, that the department
 * belongs to the organization. */
static const char migration_1[] =
  "CREATE TABLE organizations ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL CHECK (length (name) BETWEEN 1 AND 128),"
  "  name_key TEXT NOT NULL,"
  "  secondary_name TEXT CHECK (secondary_name IS NULL OR length (secondary_name) <= 128),"
  "  country TEXT CHECK (country IS NULL OR (length (country) = 2 AND country GLOB '[A-Z][A-Z]')),"
  "  created_at INTEGER NOT NULL,"
  "  modified_at INTEGER NOT NULL"
  ");"
  "CREATE UNIQUE INDEX organizations_name_key ON organizations (name_key);"

  "CREATE TABLE departments ("
  "  id INTEGER PRIMARY KEY,"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id),"
  "  name TEXT NOT NULL CHECK (length (name) BETWEEN 1 AND 128),"
  "  name_key TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  modified_at INTEGER NOT NULL,"
  "  UNIQUE (id, organization_id)"
  ");"
  "CREATE UNIQUE INDEX departments_name_key ON departments (organization_id, name_key);"

  "CREATE TABLE domains ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL CHECK (length (name) BETWEEN 3 AND 255 AND name = lower (name)),"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id),"
  "  department_id INTEGER,"
  "  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'validated')),"
  "  validated_at INTEGER,"
  "  created_at INTEGER NOT NULL,"
  "  modified_at INTEGER NOT NULL,"
  "  FOREIGN KEY (department_id, organization_id) REFERENCES departments (id, organization_id)"
  ");"
  "CREATE UNIQUE INDEX domains_delegation"
  "  ON domains (name, organization_id, ifnull (department_id, 0));"
  "CREATE INDEX domains_organization ON domains (organization_id);"
  "CREATE INDEX domains_department ON domains (department_id);"

  "CREATE TABLE profiles ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL CHECK (length (name) BETWEEN 1 AND 128),"
  "  name_key TEXT NOT NULL,"
  "  description TEXT,"
  "  purpose INTEGER NOT NULL CHECK (purpose BETWEEN 1 AND 3),"
  "  key_types TEXT NOT NULL CHECK (length (key_types) > 0),"
  "  terms TEXT NOT NULL CHECK (length (terms) > 0),"
  "  cn_source TEXT NOT NULL CHECK (cn_source IN ('email', 'name')),"
  "  email_in_subject INTEGER NOT NULL CHECK (email_in_subject IN (0, 1)),"
  "  policy_oid TEXT,"
  "  max_per_person INTEGER NOT NULL DEFAULT 0 CHECK (max_per_person >= 0),"
  "  builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),"
  "  created_at INTEGER NOT NULL,"
  "  modified_at INTEGER NOT NULL"
  ");"
  "CREATE UNIQUE INDEX profiles_name_key ON profiles (name_key);"

  "CREATE TABLE forms ("
  "  id INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL CHECK (length (name) BETWEEN 1 AND 128),"
  "  name_key TEXT NOT NULL,"
  "  type TEXT NOT NULL CHECK (type IN ('client-self-enrollment')),"
  "  uri_extension TEXT NOT NULL CHECK (length (uri_extension) BETWEEN 8 AND 64"
  "                                     AND uri_extension NOT GLOB '*[^A-Za-z0-9_-]*'),"
  "  authentication TEXT NOT NULL CHECK (authentication IN ('email-confirmation', 'secret-id')),"
  "  help_text TEXT,"
  "  help_link_text TEXT,"
  "  help_link_url TEXT CHECK (help_link_url IS NULL OR help_link_url LIKE 'http%://%'),"
  "  contact TEXT,"
  "  all_organizations INTEGER NOT NULL CHECK (all_organizations IN (0, 1)),"
  "  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),"
  "  created_at INTEGER NOT NULL,"
  "  modified_at INTEGER NOT NULL"
  ");"
  "CREATE UNIQUE INDEX forms_name_key ON forms (name_key);"
  /* Case-insensitively unique so two forms' URLs never differ by case only. */
  "CREATE UNIQUE INDEX forms_uri_extension ON forms (uri_extension COLLATE NOCASE);"

  "CREATE TABLE form_organizations ("
  "  form_id INTEGER NOT NULL REFERENCES forms (id) ON DELETE CASCADE,"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id),"
  "  PRIMARY KEY (form_id, organization_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX form_organizations_organization ON form_organizations (organization_id);"

  "CREATE TABLE accounts ("
  "  id INTEGER PRIMARY KEY,"
  "  form_id INTEGER NOT NULL REFERENCES forms (id),"
  "  name TEXT NOT NULL CHECK (length (name) BETWEEN 1 AND 128),"
  "  name_key TEXT NOT NULL,"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id),"
  "  department_id INTEGER,"
  "  csr_methods INTEGER NOT NULL CHECK (csr_methods BETWEEN 1 AND 7),"
  "  authorization TEXT NOT NULL CHECK (authorization IN ('none', 'access-code', 'secret-id')),"
  "  access_code_hash TEXT CHECK (access_code_hash IS NULL OR length (access_code_hash) = 64),"
  "  pkcs12_protection TEXT NOT NULL"
  "    CHECK (pkcs12_protection IN ('AES256-SHA256', 'TripleDES-SHA1')),"
  "  allow_empty_password INTEGER NOT NULL DEFAULT 0 CHECK (allow_empty_password IN (0, 1)),"
  "  created_at INTEGER NOT NULL,"
  "  modified_at INTEGER NOT NULL,"
  "  FOREIGN KEY (department_id, organization_id) REFERENCES departments (id, organization_id)"
  ");"
  "CREATE UNIQUE INDEX accounts_name_key ON accounts (form_id, name_key);"
  "CREATE INDEX accounts_organization ON accounts (organization_id);"
  "CREATE INDEX accounts_department ON accounts (department_id);"

  "CREATE TABLE account_profiles ("
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,"
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id),"
  "  position INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (account_id, profile_id)"
  ") WITHOUT ROWID;"
  "CREATE INDEX account_profiles_profile ON account_profiles (profile_id);"

  /* secondary_emails: comma-separated (a comma cannot occur in a
   * dot-atom address). The partial unique index lets a deleted person's
   * email be used again. */
  "CREATE TABLE persons ("
  "  id INTEGER PRIMARY KEY,"
  "  organization_id INTEGER NOT NULL REFERENCES organizations (id),"
  "  department_id INTEGER,"
  "  domain_id INTEGER NOT NULL REFERENCES domains (id),"
  "  first_name TEXT NOT NULL CHECK (length (first_name) BETWEEN 1 AND 128),"
  "  middle_name TEXT CHECK (middle_name IS NULL OR length (middle_name) <= 128),"
  "  last_name TEXT NOT NULL CHECK (length (last_name) BETWEEN 1 AND 128),"
  "  email TEXT NOT NULL"
  "    CHECK (email = lower (email) AND length (email) <= 254 AND email LIKE '_%@_%'),"
  "  secondary_emails TEXT,"
  "  phone TEXT,"
  "  common_name TEXT NOT NULL CHECK (length (common_name) BETWEEN 1 AND 64),"
  "  upn TEXT,"
  "  eppn TEXT,"
  "  validation_type TEXT NOT NULL CHECK (validation_type IN ('standard', 'high')),"
  "  sponsor_validated_at INTEGER,"
  "  sponsor_validated_by TEXT,"
  "  secret_id_hash TEXT CHECK (secret_id_hash IS NULL OR length (secret_id_hash) = 64),"
  "  created_at INTEGER NOT NULL,"
  "  created_by TEXT NOT NULL,"
  "  modified_at INTEGER NOT NULL,"
  "  modified_by TEXT NOT NULL,"
  "  deleted_at INTEGER,"
  "  FOREIGN KEY (department_id, organization_id) REFERENCES departments (id, organization_id)"
  ");"
  "CREATE UNIQUE INDEX persons_email ON persons (email) WHERE deleted_at IS NULL;"
  "CREATE UNIQUE INDEX persons_secret_id ON persons (secret_id_hash)"
  "  WHERE secret_id_hash IS NOT NULL;"
  "CREATE INDEX persons_organization ON persons (organization_id);"
  "CREATE INDEX persons_department ON persons (department_id);"
  "CREATE INDEX persons_domain ON persons (domain_id);"
  "CREATE INDEX persons_name ON persons (last_name, first_name, email);"

  "CREATE TABLE certificates ("
  "  id INTEGER PRIMARY KEY,"
  "  issuer TEXT NOT NULL CHECK (length (issuer) > 0),"
  "  serial TEXT NOT NULL"
  "    CHECK (length (serial) BETWEEN 1 AND 40 AND serial NOT GLOB '*[^0-9A-F]*'),"
  "  person_id INTEGER NOT NULL REFERENCES persons (id),"
  "  form_id INTEGER REFERENCES forms (id),"
  "  account_id INTEGER REFERENCES accounts (id),"
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id),"
  "  key_type TEXT NOT NULL"
  "    CHECK (key_type IN ('RSA-2048', 'RSA-3072', 'RSA-4096', 'EC-P256', 'EC-P384')),"
  "  requested_via TEXT NOT NULL"
  "    CHECK (requested_via IN ('self-enrollment', 'admin', 'csv', 'est')),"
  "  status TEXT NOT NULL CHECK (status IN ('pending', 'issued', 'revoked', 'failed')),"
  "  owner TEXT,"
  "  subject TEXT,"
  "  sans TEXT,"
  "  not_before INTEGER,"
  "  not_after INTEGER,"
  "  fingerprint TEXT,"
  "  der BLOB,"
  "  created_at INTEGER NOT NULL,"
  "  issued_at INTEGER,"
  "  revoked_at INTEGER,"
  "  revocation_reason INTEGER"
  "    CHECK (revocation_reason IS NULL OR revocation_reason IN (0, 1, 3, 4, 5)),"
  "  failure_reason TEXT,"
  "  CHECK (status IN ('pending', 'failed') OR (der IS NOT NULL AND not_after IS NOT NULL)),"
  "  CHECK (status <> 'revoked' OR revoked_at IS NOT NULL)"
  ");"
  "CREATE UNIQUE INDEX certificates_serial ON certificates (issuer, serial);"
  "CREATE INDEX certificates_serial_only ON certificates (serial);"
  "CREATE INDEX certificates_person ON certificates (person_id, status);"
  "CREATE INDEX certificates_status ON certificates (status, issuer);"
  "CREATE INDEX certificates_profile ON certificates (profile_id);"
  "CREATE INDEX certificates_form ON certificates (form_id);"
  "CREATE INDEX certificates_account ON certificates (account_id);"

  /* Email confirmation codes: single use, expiring, tries counted. */
  "CREATE TABLE challenges ("
  "  id INTEGER PRIMARY KEY,"
  "  public_id TEXT NOT NULL UNIQUE,"
  "  form_id INTEGER NOT NULL REFERENCES forms (id) ON DELETE CASCADE,"
  "  email TEXT NOT NULL,"
  "  code_hash TEXT NOT NULL CHECK (length (code_hash) = 64),"
  "  client_address TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),"
  "  tries INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),"
  "  used_at INTEGER,"
  "  superseded_at INTEGER"
  ");"
  "CREATE INDEX challenges_email ON challenges (form_id, email);"
  "CREATE INDEX challenges_expires ON challenges (expires_at);"

  /* Authenticated enrollment sessions; only the token's hash is kept. */
  "CREATE TABLE sessions ("
  "  id INTEGER PRIMARY KEY,"
  "  token_hash TEXT NOT NULL UNIQUE CHECK (length (token_hash) = 64),"
  "  form_id INTEGER NOT NULL REFERENCES forms (id) ON DELETE CASCADE,"
  "  person_id INTEGER REFERENCES persons (id),"
  "  email TEXT NOT NULL,"
  "  authorized_accounts TEXT,"
  "  client_address TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),"
  "  ended_at INTEGER"
  ");"
  "CREATE INDEX sessions_expires ON sessions (expires_at);"

  /* Consecutive failures per key ("email:…", "address:…"), for lockout. */
  "CREATE TABLE attempts ("
  "  key TEXT PRIMARY KEY,"
  "  failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),"
  "  first_failure_at INTEGER,"
  "  last_failure_at INTEGER,"
  "  locked_until INTEGER"
  ") WITHOUT ROWID;"

  "CREATE TABLE audit_events ("
  "  seq INTEGER PRIMARY KEY CHECK (seq > 0),"
  "  time INTEGER NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  object TEXT,"
  "  result TEXT NOT NULL CHECK (result IN ('success', 'failure')),"
  "  message TEXT,"
  "  mac TEXT NOT NULL CHECK (length (mac) = 64)"
  ");"
  "CREATE INDEX audit_events_time ON audit_events (time);"
  "CREATE INDEX audit_events_action ON audit_events (action);"
  "CREATE INDEX audit_events_object ON audit_events (object);"
  /* The chain's head, written in the same transaction as each event, so
   * that removing the newest events is noticed too. */
  "CREATE TABLE audit_head ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  seq INTEGER NOT NULL,"
  "  mac TEXT NOT NULL CHECK (length (mac) = 64)"
  ");"
  /* Append-only against mistakes; a deliberate attacker drops these, and
   * the HMAC chain is what catches them. */
  "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events"
  "  BEGIN SELECT RAISE (ABORT, 'audit events cannot be changed'); END;"
  "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events"
  "  BEGIN SELECT RAISE (ABORT, 'audit events cannot be deleted'); END;"

  "CREATE TABLE ca ("
  "  id INTEGER PRIMARY KEY,"
  "  chain_pem BLOB NOT NULL,"
  "  issuing_key_pem BLOB NOT NULL,"
  "  root_key_pem BLOB,"
  "  current INTEGER NOT NULL CHECK (current IN (0, 1)),"
  "  created_at INTEGER NOT NULL,"
  "  retired_at INTEGER"
  ");"
  "CREATE UNIQUE INDEX ca_current ON ca (current) WHERE current = 1;"

  "CREATE TABLE crls ("
  "  id INTEGER PRIMARY KEY,"
  "  issuer TEXT NOT NULL,"
  "  number INTEGER NOT NULL CHECK (number >= 0),"
  "  this_update INTEGER NOT NULL,"
  "  next_update INTEGER NOT NULL CHECK (next_update > this_update),"
  "  der BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  UNIQUE (issuer, number)"
  ");"

  "CREATE TABLE settings ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL,"
  "  modified_at INTEGER NOT NULL"
  ") WITHOUT ROWID;"

  /* The built-in profiles (DESIGN.md, "Certificate authority"). */
  "INSERT INTO profiles (name, name_key, description, purpose, key_types, terms, cn_source,"
  "                      email_in_subject, max_per_person, builtin, created_at, modified_at)"
  " VALUES"
  " ('Client Authentication', 'client authentication',"
  "  'TLS client authentication (clientAuth) for VPN, Wi-Fi and web sign-in.',"
  "  1, 'RSA-2048,RSA-3072,RSA-4096,EC-P256,EC-P384', '365,730', 'email', 0, 0, 1,"
  "  strftime ('%s', 'now'), strftime ('%s', 'now')),"
  " ('S/MIME Mailbox (Strict)', 's/mime mailbox (strict)',"
  "  'Signed and encrypted email only (emailProtection); the common name is the email address.',"
  "  2, 'RSA-2048,RSA-3072,RSA-4096,EC-P256,EC-P384', '365,730', 'email', 0, 0, 1,"
  "  strftime ('%s', 'now'), strftime ('%s', 'now')),"
  " ('S/MIME + Client (Multipurpose)', 's/mime + client (multipurpose)',"
  "  'Email protection and TLS client authentication in one certificate.',"
  "  3, 'RSA-2048,RSA-3072,RSA-4096,EC-P256,EC-P384', '365,730', 'email', 0, 0, 1,"
  "  strftime ('%s', 'now'), strftime ('%s', 'now'));";

/* The enrollment endpoint's own TLS certificate (one row): reused while
 * it names the same hosts, comes from the current issuing CA and is not
 * near its end. The key is encrypted under a key derived from the
 * installation key, so a copy of the database alone cannot impersonate
 * the endpoint. */
static const char migration_2[] =
  "CREATE TABLE server_certificate ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  names TEXT NOT NULL CHECK (length (names) > 0),"
  "  issuer TEXT NOT NULL CHECK (length (issuer) = 64),"
  "  certificate_pem BLOB NOT NULL,"
  "  key_pem BLOB NOT NULL,"
  "  not_after INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL"
  ");";

/* Certificate lifecycle: which renewal a certificate came from (EST
 * simplereenroll, the enroll window), and the expiry notices sent, one
 * row per certificate and threshold. A notice is claimed ("sending",
 * with the claiming process) before the mail goes out and marked "sent"
 * after the server accepted it; see scm-expiry-notice.c for why. */
static const char migration_3[] =
  "ALTER TABLE certificates ADD COLUMN renewed_from INTEGER REFERENCES certificates (id);"
  "CREATE INDEX certificates_renewed_from ON certificates (renewed_from);"
  "CREATE INDEX certificates_expiry ON certificates (status, not_after);"
  "CREATE TABLE expiry_notices ("
  "  certificate_id INTEGER NOT NULL REFERENCES certificates (id),"
  "  threshold_days INTEGER NOT NULL CHECK (threshold_days BETWEEN 1 AND 825),"
  "  state TEXT NOT NULL CHECK (state IN ('sending', 'sent')),"
  "  owner TEXT,"
  "  claimed_at INTEGER NOT NULL,"
  "  sent_at INTEGER,"
  "  CHECK (state <> 'sent' OR sent_at IS NOT NULL),"
  "  PRIMARY KEY (certificate_id, threshold_days)"
  ") WITHOUT ROWID;";

static const char *const migrations[] = {
  migration_1,
  migration_2,
  migration_3,
};

guint
scm_store_get_latest_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

static gboolean
set_sqlite_error (sqlite3    *db,
                  const char *what,
                  GError    **error)
{
  g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED, "%s: %s", what, sqlite3_errmsg (db));
  return FALSE;
}

static gboolean
read_user_version (sqlite3 *db,
                   gint64  *version,
                   GError **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK
      || sqlite3_step (stmt) != SQLITE_ROW)
    return set_sqlite_error (db, "Could not read the database's schema version", error);

  *version = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static gboolean
too_new_error (const char *path,
               gint64      version,
               GError    **error)
{
  g_set_error (error, SCM_ERROR, SCM_ERROR_SCHEMA_TOO_NEW,
               "The database %s was written by a newer version of ScmEnroll (schema %"
               G_GINT64_FORMAT ", this version knows %u); upgrade ScmEnroll.",
               path, version, scm_store_get_latest_schema_version ());
  return FALSE;
}

gboolean
scm_store_check_schema (sqlite3    *db,
                        const char *path,
                        GError    **error)
{
  gint64 version;

  if (!read_user_version (db, &version, error))
    return FALSE;
  if (version > scm_store_get_latest_schema_version ())
    return too_new_error (path, version, error);
  return TRUE;
}

gboolean
scm_store_migrate (sqlite3    *db,
                   const char *path,
                   GError    **error)
{
  gint64 version;
  guint latest = scm_store_get_latest_schema_version ();

  if (!read_user_version (db, &version, error))
    return FALSE;
  if (version > latest)
    return too_new_error (path, version, error);

  while (version < latest)
    {
      g_autofree char *set_version = NULL;
      gint64 current;

      if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return set_sqlite_error (db, "Could not start upgrading the database", error);

      /* Another process may have migrated while we waited for the lock. */
      if (!read_user_version (db, &current, error))
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
      if (current != version)
        {
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          if (current > latest)
            return too_new_error (path, current, error);
          version = current;
          continue;
        }

      set_version = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version + 1);
      if (sqlite3_exec (db, migrations[version], NULL, NULL, NULL) != SQLITE_OK
          || sqlite3_exec (db, set_version, NULL, NULL, NULL) != SQLITE_OK)
        {
          g_autofree char *what = g_strdup_printf ("Could not upgrade the database to schema %"
                                                   G_GINT64_FORMAT, version + 1);
          set_sqlite_error (db, what, error);
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }

      if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        {
          set_sqlite_error (db, "Could not commit the database upgrade", error);
          sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
      g_debug ("Upgraded %s to schema %" G_GINT64_FORMAT, path, version + 1);
      version++;
    }

  return TRUE;
}
