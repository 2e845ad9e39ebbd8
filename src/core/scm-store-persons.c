/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include "scm-error.h"
#include "scm-store-private.h"
#include "scm-validate.h"

/* Persons: the people who may enroll, their Secret IDs and sponsor
 * validation. */

/* X.509's upper bound for a common name (RFC 5280, ub-common-name). */
#define COMMON_NAME_MAX_CHARS 64

/* Persons a batch creates before it may build its secondary indexes
 * once at the commit instead of row by row (see defer_indexes()). */
#define DEFER_INDEXES_AFTER 5000

#define PERSON_COLUMNS \
  "id, organization_id, department_id, domain_id, first_name, middle_name, last_name, email," \
  " secondary_emails, phone, common_name, upn, eppn, validation_type, sponsor_validated_at," \
  " sponsor_validated_by, secret_id_hash IS NOT NULL, created_at, created_by, modified_at," \
  " modified_by, deleted_at"

static gpointer
person_from_row (sqlite3_stmt *stmt)
{
  ScmPerson *person = scm_person_new ();
  ScmValidationType validation = SCM_VALIDATION_STANDARD;
  const char *secondary = scm_store_column_text (stmt, 8);

  scm_person_set_id (person, sqlite3_column_int64 (stmt, 0));
  scm_person_set_organization_id (person, sqlite3_column_int64 (stmt, 1));
  scm_person_set_department_id (person, sqlite3_column_int64 (stmt, 2));
  scm_person_set_domain_id (person, sqlite3_column_int64 (stmt, 3));
  scm_person_set_first_name (person, scm_store_column_text (stmt, 4));
  scm_person_set_middle_name (person, scm_store_column_text (stmt, 5));
  scm_person_set_last_name (person, scm_store_column_text (stmt, 6));
  scm_person_set_email (person, scm_store_column_text (stmt, 7));
  if (secondary != NULL && *secondary != '\0')
    {
      g_auto(GStrv) emails = g_strsplit (secondary, ",", -1);
      scm_person_set_secondary_emails (person, (const char * const *) emails);
    }
  scm_person_set_phone (person, scm_store_column_text (stmt, 9));
  scm_person_set_common_name (person, scm_store_column_text (stmt, 10));
  scm_person_set_upn (person, scm_store_column_text (stmt, 11));
  scm_person_set_eppn (person, scm_store_column_text (stmt, 12));
  scm_validation_type_from_string (scm_store_column_text (stmt, 13), &validation);
  scm_person_set_validation_type (person, validation);
  scm_person_set_sponsor_validated (person, sqlite3_column_type (stmt, 14) != SQLITE_NULL);
  scm_person_set_sponsor_validated_at (person, sqlite3_column_int64 (stmt, 14));
  scm_person_set_sponsor_validated_by (person, scm_store_column_text (stmt, 15));
  scm_person_set_has_secret_id (person, sqlite3_column_int (stmt, 16) != 0);
  scm_person_set_created_at (person, sqlite3_column_int64 (stmt, 17));
  scm_person_set_created_by (person, scm_store_column_text (stmt, 18));
  scm_person_set_modified_at (person, sqlite3_column_int64 (stmt, 19));
  scm_person_set_modified_by (person, scm_store_column_text (stmt, 20));
  scm_person_set_deleted_at (person, sqlite3_column_int64 (stmt, 21));
  return person;
}

typedef struct
{
  char *first_name;
  char *middle_name;
  char *last_name;
  char *email;
  char *secondary_emails;
  char *phone;
  char *common_name;
  char *upn;
  char *eppn;
  char *delegation;
  gint64 domain_id;
} PersonFields;

static void
person_fields_clear (PersonFields *fields)
{
  g_free (fields->first_name);
  g_free (fields->middle_name);
  g_free (fields->last_name);
  g_free (fields->email);
  g_free (fields->secondary_emails);
  g_free (fields->phone);
  g_free (fields->common_name);
  g_free (fields->upn);
  g_free (fields->eppn);
  g_free (fields->delegation);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PersonFields, person_fields_clear)

struct _ScmStorePersonBatch
{
  ScmStore *store;
  char *source;
  GHashTable *delegations;  /* "org/dept" → "Acme / Sales" */
  GHashTable *domains;      /* "org/dept/domain" → DomainLookup */
  gboolean spoiled;
  guint n_created;
  guint n_secret_ids;
  sqlite3_stmt *insert;     /* prepared once for all the creations */
  sqlite3_stmt *find;       /* …and for the lookups by email */
  gint64 initial_persons;   /* rows in the table when the batch began */
  GPtrArray *deferred;      /* CREATE INDEX statements for the commit, or NULL */

  /* The last answers: the rows of a file mostly share them. */
  gint64 last_organization_id;
  gint64 last_department_id;
  const char *last_delegation;
  gint64 saved_cache_size;
  gint64 last_domain_organization_id;
  gint64 last_domain_department_id;
  char *last_domain_name;
  gpointer last_domain_lookup;
};

/* A cached answer of scm_store_find_delegating_domain(). */
typedef struct
{
  gint64 domain_id;
  GError *error;
} DomainLookup;

static void
domain_lookup_free (gpointer data)
{
  DomainLookup *lookup = data;

  g_clear_error (&lookup->error);
  g_free (lookup);
}

static gboolean
check_org_dept (ScmStore            *self,
                ScmStorePersonBatch *batch,
                gint64               organization_id,
                gint64               department_id,
                char               **description,
                GError             **error)
{
  char key[48];
  const char *cached;

  if (batch == NULL)
    return scm_store_check_org_dept (self, organization_id, department_id, description, error);

  if (batch->last_delegation != NULL && organization_id == batch->last_organization_id
      && department_id == batch->last_department_id)
    {
      *description = g_strdup (batch->last_delegation);
      return TRUE;
    }

  g_snprintf (key, sizeof key, "%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT, organization_id,
              department_id);
  cached = g_hash_table_lookup (batch->delegations, key);
  if (cached == NULL)
    {
      if (!scm_store_check_org_dept (self, organization_id, department_id, description, error))
        return FALSE;
      cached = g_strdup (*description);
      g_hash_table_insert (batch->delegations, g_strdup (key), (gpointer) cached);
    }
  else
    *description = g_strdup (cached);

  batch->last_organization_id = organization_id;
  batch->last_department_id = department_id;
  batch->last_delegation = cached;
  return TRUE;
}

/* The id of the validated domain delegating @email (normalized), or 0. */
static gint64
find_domain_id (ScmStore            *self,
                ScmStorePersonBatch *batch,
                const char          *email,
                gint64               organization_id,
                gint64               department_id,
                GError             **error)
{
  g_autoptr(ScmDomain) domain = NULL;
  g_autofree char *key = NULL;
  const char *email_domain;
  DomainLookup *lookup;

  if (batch == NULL)
    {
      domain = scm_store_find_delegating_domain (self, email, organization_id, department_id,
                                                 error);
      return domain != NULL ? scm_domain_get_id (domain) : 0;
    }

  email_domain = scm_email_get_domain (email);
  if (batch->last_domain_lookup != NULL
      && organization_id == batch->last_domain_organization_id
      && department_id == batch->last_domain_department_id
      && g_strcmp0 (email_domain, batch->last_domain_name) == 0)
    lookup = batch->last_domain_lookup;
  else
    {
      key = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%s", organization_id,
                             department_id, email_domain);
      lookup = g_hash_table_lookup (batch->domains, key);
      if (lookup == NULL)
        {
          lookup = g_new0 (DomainLookup, 1);
          domain = scm_store_find_delegating_domain (self, email, organization_id,
                                                     department_id, &lookup->error);
          lookup->domain_id = domain != NULL ? scm_domain_get_id (domain) : 0;
          g_hash_table_insert (batch->domains, g_steal_pointer (&key), lookup);
        }
      batch->last_domain_organization_id = organization_id;
      batch->last_domain_department_id = department_id;
      g_free (batch->last_domain_name);
      batch->last_domain_name = g_strdup (email_domain);
      batch->last_domain_lookup = lookup;
    }
  if (lookup->error != NULL)
    g_propagate_error (error, g_error_copy (lookup->error));
  return lookup->domain_id;
}

/* Everything scm_store_create_person() and _update_person() check. In a
 * batch the unique index on the email stands in for the query. */
static gboolean
check_person (ScmStore            *self,
              ScmStorePersonBatch *batch,
              ScmPerson           *person,
              PersonFields        *fields,
              GError             **error)
{
  g_autoptr(GString) secondary = g_string_new (NULL);
  const char * const *secondary_emails = scm_person_get_secondary_emails (person);
  const char *phone = scm_person_get_phone (person);
  const char *common_name = scm_person_get_common_name (person);
  gint64 organization_id = scm_person_get_organization_id (person);
  gint64 department_id = scm_person_get_department_id (person);
  gint64 other = 0;

  if (!check_org_dept (self, batch, organization_id, department_id, &fields->delegation, error)
      || !scm_validate_name (scm_person_get_first_name (person), "The first name",
                             &fields->first_name, error)
      || !scm_validate_text (scm_person_get_middle_name (person), "The middle name",
                             SCM_NAME_MAX_CHARS, 0, &fields->middle_name, error)
      || !scm_validate_name (scm_person_get_last_name (person), "The last name",
                             &fields->last_name, error)
      || !scm_validate_email (scm_person_get_email (person), &fields->email, error))
    return FALSE;

  if (batch == NULL
      && !scm_store_query_int64 (self, &other, 0, error,
                                 "SELECT id FROM persons WHERE email = ? AND deleted_at IS NULL"
                                 " AND id <> ?", "ti", fields->email, scm_person_get_id (person)))
    return FALSE;
  if (batch == NULL && other != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                   "A person with the email %s already exists; edit that person instead.",
                   fields->email);
      return FALSE;
    }

  fields->domain_id = find_domain_id (self, batch, fields->email, organization_id,
                                      department_id, error);
  if (fields->domain_id == 0)
    return FALSE;

  for (guint i = 0; secondary_emails != NULL && secondary_emails[i] != NULL; i++)
    {
      g_autofree char *email = NULL;
      g_autofree char *padded = NULL;
      g_autofree char *existing = NULL;
      g_autofree char *trimmed = g_strstrip (g_strdup (secondary_emails[i]));

      if (*trimmed == '\0')
        continue;
      if (!scm_validate_email (trimmed, &email, error))
        return FALSE;
      padded = g_strconcat (",", email, ",", NULL);
      existing = g_strconcat (",", secondary->str, ",", NULL);
      if (g_strcmp0 (email, fields->email) == 0 || strstr (existing, padded) != NULL)
        continue;

      if (find_domain_id (self, batch, email, organization_id, department_id, error) == 0)
        return FALSE;
      if (secondary->len > 0)
        g_string_append_c (secondary, ',');
      g_string_append (secondary, email);
    }
  fields->secondary_emails = secondary->len > 0 ? g_strdup (secondary->str) : NULL;

  if (phone != NULL && *phone != '\0' && !scm_validate_phone (phone, &fields->phone, error))
    return FALSE;

  if (common_name == NULL || *common_name == '\0')
    {
      g_autofree char *generated = g_strconcat (fields->first_name, " ", fields->last_name,
                                                NULL);
      if (!scm_validate_text (generated, "The common name", COMMON_NAME_MAX_CHARS,
                              SCM_TEXT_REQUIRED, &fields->common_name, error))
        return FALSE;
    }
  else if (!scm_validate_text (common_name, "The common name", COMMON_NAME_MAX_CHARS,
                               SCM_TEXT_REQUIRED, &fields->common_name, error))
    return FALSE;

  if (!scm_validate_principal (scm_person_get_upn (person), "The UPN", &fields->upn, error)
      || !scm_validate_principal (scm_person_get_eppn (person), "The EPPN", &fields->eppn, error))
    return FALSE;

  if (scm_validation_type_to_string (scm_person_get_validation_type (person)) == NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   "The validation type of %s must be standard or high.", fields->email);
      return FALSE;
    }
  return TRUE;
}

static void
person_apply (ScmPerson    *person,
              PersonFields *fields)
{
  g_auto(GStrv) secondary = NULL;

  if (fields->secondary_emails != NULL)
    secondary = g_strsplit (fields->secondary_emails, ",", -1);

  scm_person_set_domain_id (person, fields->domain_id);
  scm_person_set_first_name (person, fields->first_name);
  scm_person_set_middle_name (person, fields->middle_name);
  scm_person_set_last_name (person, fields->last_name);
  scm_person_set_email (person, fields->email);
  scm_person_set_secondary_emails (person, (const char * const *) secondary);
  scm_person_set_phone (person, fields->phone);
  scm_person_set_common_name (person, fields->common_name);
  scm_person_set_upn (person, fields->upn);
  scm_person_set_eppn (person, fields->eppn);
}

static gboolean
create_person_tx (ScmStore  *self,
                  ScmPerson *person,
                  GError   **error)
{
  g_auto(PersonFields) fields = { 0 };
  g_autofree char *message = NULL;
  gint64 now = scm_store_now ();

  if (!check_person (self, NULL, person, &fields, error)
      || !scm_store_run (self, error,
                         "INSERT INTO persons (organization_id, department_id, domain_id,"
                         " first_name, middle_name, last_name, email, secondary_emails, phone,"
                         " common_name, upn, eppn, validation_type, created_at, created_by,"
                         " modified_at, modified_by)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         "iIitttttttttt" "itit",
                         scm_person_get_organization_id (person),
                         scm_person_get_department_id (person), fields.domain_id,
                         fields.first_name, fields.middle_name, fields.last_name, fields.email,
                         fields.secondary_emails, fields.phone, fields.common_name, fields.upn,
                         fields.eppn,
                         scm_validation_type_to_string (scm_person_get_validation_type (person)),
                         now, self->actor, now, self->actor))
    return FALSE;

  message = g_strdup_printf ("Person created in %s", fields.delegation);
  if (!scm_store_audit (self, NULL, "person.create", fields.email, SCM_AUDIT_SUCCESS, message,
                        error))
    return FALSE;

  scm_person_set_id (person, sqlite3_last_insert_rowid (self->db));
  person_apply (person, &fields);
  scm_person_set_sponsor_validated (person, FALSE);
  scm_person_set_sponsor_validated_at (person, 0);
  scm_person_set_sponsor_validated_by (person, NULL);
  scm_person_set_has_secret_id (person, FALSE);
  scm_person_set_created_at (person, now);
  scm_person_set_created_by (person, self->actor);
  scm_person_set_modified_at (person, now);
  scm_person_set_modified_by (person, self->actor);
  scm_person_set_deleted_at (person, 0);
  return TRUE;
}

gboolean
scm_store_create_person (ScmStore  *self,
                         ScmPerson *person,
                         GError   **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_PERSON (person), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, create_person_tx (self, person, error));
}

ScmPerson *
scm_store_get_person (ScmStore *self,
                      gint64    id,
                      GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  return scm_store_fetch_by_id (self, "SELECT " PERSON_COLUMNS " FROM persons WHERE id = ?",
                                id, person_from_row, "person", error);
}

ScmPerson *
scm_store_find_person_by_email (ScmStore   *self,
                                const char *email,
                                GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *normalized = NULL;
  ScmPerson *person;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  if (!scm_validate_email (email, &normalized, error))
    return NULL;

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, &local_error,
                          "SELECT " PERSON_COLUMNS " FROM persons"
                          " WHERE email = ? AND deleted_at IS NULL", "t", normalized);
  person = scm_store_fetch_one (self, stmt, person_from_row, &local_error);
  if (person == NULL && local_error == NULL)
    g_set_error (&local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                 "There is no person with the email %s.", normalized);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return person;
}

GPtrArray *
scm_store_list_persons (ScmStore *self,
                        gint64    organization_id,
                        gboolean  include_deleted,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error,
                          "SELECT " PERSON_COLUMNS " FROM persons"
                          " WHERE (?1 IS NULL OR organization_id = ?1)"
                          "   AND (?2 OR deleted_at IS NULL)"
                          " ORDER BY last_name, first_name, email", "Ib",
                          organization_id, include_deleted);
  return scm_store_fetch_all (self, stmt, person_from_row, error);
}

gint64
scm_store_count_persons (ScmStore *self,
                         gint64    organization_id)
{
  gint64 count = 0;

  g_return_val_if_fail (SCM_IS_STORE (self), 0);

  SCM_STORE_LOCK (self);

  if (!scm_store_query_int64 (self, &count, 0, NULL,
                              "SELECT count (*) FROM persons WHERE deleted_at IS NULL"
                              " AND (?1 IS NULL OR organization_id = ?1)", "I", organization_id))
    return 0;
  return count;
}

/* The stored, not deleted person behind @id. */
static ScmPerson *
get_live_person (ScmStore *self,
                 gint64    id,
                 GError  **error)
{
  g_autoptr(ScmPerson) person = scm_store_get_person (self, id, error);

  if (person == NULL)
    return NULL;
  if (scm_person_get_deleted_at (person) != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                   "Person %s was deleted; add the person again instead.",
                   scm_person_get_email (person));
      return NULL;
    }
  return g_steal_pointer (&person);
}

static gboolean
update_person_tx (ScmStore  *self,
                  ScmPerson *person,
                  GError   **error)
{
  g_auto(PersonFields) fields = { 0 };
  g_autoptr(ScmPerson) stored = NULL;
  g_autofree char *message = NULL;
  gint64 id = scm_person_get_id (person);
  gint64 now = scm_store_now ();

  stored = get_live_person (self, id, error);
  if (stored == NULL
      || !check_person (self, NULL, person, &fields, error)
      || !scm_store_run (self, error,
                         "UPDATE persons SET organization_id = ?, department_id = ?,"
                         " domain_id = ?, first_name = ?, middle_name = ?, last_name = ?,"
                         " email = ?, secondary_emails = ?, phone = ?, common_name = ?,"
                         " upn = ?, eppn = ?, validation_type = ?, modified_at = ?,"
                         " modified_by = ? WHERE id = ?",
                         "iIitttttttttt" "iti",
                         scm_person_get_organization_id (person),
                         scm_person_get_department_id (person), fields.domain_id,
                         fields.first_name, fields.middle_name, fields.last_name, fields.email,
                         fields.secondary_emails, fields.phone, fields.common_name, fields.upn,
                         fields.eppn,
                         scm_validation_type_to_string (scm_person_get_validation_type (person)),
                         now, self->actor, id))
    return FALSE;

  if (g_strcmp0 (scm_person_get_email (stored), fields.email) != 0)
    message = g_strdup_printf ("Person changed (email was %s), in %s",
                               scm_person_get_email (stored), fields.delegation);
  else
    message = g_strdup_printf ("Person changed, in %s", fields.delegation);
  if (!scm_store_audit (self, NULL, "person.update", fields.email, SCM_AUDIT_SUCCESS, message,
                        error))
    return FALSE;

  person_apply (person, &fields);
  scm_person_set_modified_at (person, now);
  scm_person_set_modified_by (person, self->actor);
  return TRUE;
}

gboolean
scm_store_update_person (ScmStore  *self,
                         ScmPerson *person,
                         GError   **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_PERSON (person), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, update_person_tx (self, person, error));
}

static gboolean
delete_person_tx (ScmStore *self,
                  gint64    id,
                  GError  **error)
{
  g_autoptr(ScmPerson) stored = get_live_person (self, id, error);
  gint64 now = scm_store_now ();

  /* The Secret ID goes with the person: it must not open anything any more. */
  return stored != NULL
         && scm_store_run (self, error,
                           "UPDATE persons SET deleted_at = ?, secret_id_hash = NULL,"
                           " modified_at = ?, modified_by = ? WHERE id = ?", "iiti",
                           now, now, self->actor, id)
         && scm_store_audit (self, NULL, "person.delete", scm_person_get_email (stored),
                             SCM_AUDIT_SUCCESS, "Person deleted", error);
}

gboolean
scm_store_delete_person (ScmStore *self,
                         gint64    id,
                         GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, delete_person_tx (self, id, error));
}

static gboolean
set_sponsor_validated_tx (ScmStore  *self,
                          ScmPerson *person,
                          gboolean   validated,
                          GError   **error)
{
  g_autoptr(ScmPerson) stored = get_live_person (self, scm_person_get_id (person), error);
  gint64 now = scm_store_now ();

  if (stored == NULL
      || !scm_store_run (self, error,
                         "UPDATE persons SET sponsor_validated_at = ?, sponsor_validated_by = ?,"
                         " modified_at = ?, modified_by = ? WHERE id = ?", "Ititi",
                         validated ? now : 0, validated ? self->actor : NULL, now, self->actor,
                         scm_person_get_id (person))
      || !scm_store_audit (self, NULL,
                           validated ? "person.sponsor-validate" : "person.sponsor-unvalidate",
                           scm_person_get_email (stored), SCM_AUDIT_SUCCESS,
                           validated ? "Sponsor validated the person"
                                     : "Sponsor validation withdrawn", error))
    return FALSE;

  scm_person_set_sponsor_validated (person, validated);
  scm_person_set_sponsor_validated_at (person, validated ? now : 0);
  scm_person_set_sponsor_validated_by (person, validated ? self->actor : NULL);
  scm_person_set_modified_at (person, now);
  scm_person_set_modified_by (person, self->actor);
  return TRUE;
}

gboolean
scm_store_set_person_sponsor_validated (ScmStore  *self,
                                        ScmPerson *person,
                                        gboolean   validated,
                                        GError   **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_PERSON (person), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error,
                           set_sponsor_validated_tx (self, person, !!validated, error));
}

/* Stores @hash (NULL clears) as @person's Secret ID. */
static gboolean
store_secret_id_tx (ScmStore   *self,
                    ScmPerson  *person,
                    const char *hash,
                    const char *message,
                    GError    **error)
{
  g_autoptr(ScmPerson) stored = get_live_person (self, scm_person_get_id (person), error);
  gint64 other;
  gint64 now = scm_store_now ();

  if (stored == NULL)
    return FALSE;

  if (hash != NULL)
    {
      /* Equal HMACs are equal secrets: a shared Secret ID would let one
       * person enroll as the other. Do not say whose it is. */
      if (!scm_store_query_int64 (self, &other, 0, error,
                                  "SELECT id FROM persons WHERE secret_id_hash = ? AND id <> ?",
                                  "ti", hash, scm_person_get_id (person)))
        return FALSE;
      if (other != 0)
        {
          g_set_error_literal (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                               "This Secret ID is already used by another person; choose a "
                               "different one or generate one.");
          return FALSE;
        }
    }

  if (!scm_store_run (self, error,
                      "UPDATE persons SET secret_id_hash = ?, modified_at = ?, modified_by = ?"
                      " WHERE id = ?", "titi", hash, now, self->actor, scm_person_get_id (person))
      || !scm_store_audit (self, NULL, "person.secret-id", scm_person_get_email (stored),
                           SCM_AUDIT_SUCCESS, message, error))
    return FALSE;

  scm_person_set_has_secret_id (person, hash != NULL);
  scm_person_set_modified_at (person, now);
  scm_person_set_modified_by (person, self->actor);
  return TRUE;
}

gboolean
scm_store_set_person_secret_id (ScmStore   *self,
                                ScmPerson  *person,
                                const char *typed,
                                GError    **error)
{
  g_autofree char *hash = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_PERSON (person), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (typed != NULL)
    {
      if (!scm_secret_check_strength (typed, error))
        return FALSE;
      hash = scm_secret_hash (scm_store_get_installation_key (self),
                              SCM_SECRET_PURPOSE_SECRET_ID, typed);
    }

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error,
                           store_secret_id_tx (self, person, hash,
                                               hash != NULL ? "Secret ID set by an administrator"
                                                            : "Secret ID removed", error));
}

gboolean
scm_store_generate_person_secret_id (ScmStore   *self,
                                     ScmPerson  *person,
                                     char      **out,
                                     GError    **error)
{
  char *secret;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_PERSON (person), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* ≥ 100 random bits: a collision with another person's is not a
   * practical concern, and would be refused anyway. */
  secret = scm_secret_generate (SCM_SECRET_KIND_SECRET_ID);
  hash = scm_secret_hash (scm_store_get_installation_key (self), SCM_SECRET_PURPOSE_SECRET_ID,
                          secret);

  SCM_STORE_LOCK (self);

  if (!SCM_STORE_ATOMIC (self, error,
                         store_secret_id_tx (self, person, hash, "Secret ID generated", error)))
    {
      scm_secret_free (secret);
      return FALSE;
    }
  *out = secret;
  return TRUE;
}

gboolean
scm_store_verify_person_secret_id (ScmStore   *self,
                                   const char *email,
                                   const char *secret)
{
  /* Compared against when there is no such person, so that the time
   * taken does not tell whether the email exists. */
  static const char no_hash[] =
    "0000000000000000000000000000000000000000000000000000000000000000";
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *hash = NULL;
  gboolean found;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);

  if (secret == NULL)
    return FALSE;
  if (!scm_validate_email (email, &normalized, NULL))
    normalized = g_strdup ("");

  {
    SCM_STORE_LOCK (self);

    stmt = scm_store_query (self, NULL,
                            "SELECT secret_id_hash FROM persons WHERE email = ?"
                            " AND deleted_at IS NULL AND secret_id_hash IS NOT NULL", "t",
                            normalized);
    if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
      hash = g_strdup (scm_store_column_text (stmt, 0));
  }

  found = hash != NULL;
  return scm_secret_verify (scm_store_get_installation_key (self), SCM_SECRET_PURPOSE_SECRET_ID,
                            secret, found ? hash : no_hash)
         && found;
}

/* Bulk writing ------------------------------------------------------------------------ */

ScmStorePersonBatch *
scm_store_person_batch_begin (ScmStore   *self,
                              const char *source,
                              GError    **error)
{
  ScmStorePersonBatch *batch;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);
  g_return_val_if_fail (source != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!scm_store_begin (self, error))
    return NULL;

  batch = g_new0 (ScmStorePersonBatch, 1);
  batch->store = g_object_ref (self);
  /* A bigger page cache while the batch lasts, so that SQLite spills
   * half-built index pages to the WAL less often before the commit; a
   * fixed size, so that memory does not grow with the file. */
  if (scm_store_query_int64 (self, &batch->saved_cache_size, 0, NULL, "PRAGMA cache_size", NULL)
      && batch->saved_cache_size != 0)
    sqlite3_exec (self->db, "PRAGMA cache_size = -32768", NULL, NULL, NULL);
  scm_store_query_int64 (self, &batch->initial_persons, G_MAXINT64, NULL,
                         "SELECT count(*) FROM persons", NULL);
  batch->source = g_strdup (source);
  batch->delegations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  batch->domains = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, domain_lookup_free);
  return batch;
}

static void
batch_free (ScmStorePersonBatch *batch)
{
  if (batch->saved_cache_size != 0)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT,
                                              batch->saved_cache_size);
      sqlite3_exec (batch->store->db, sql, NULL, NULL, NULL);
    }
  sqlite3_finalize (batch->insert);
  sqlite3_finalize (batch->find);
  g_clear_pointer (&batch->deferred, g_ptr_array_unref);
  g_hash_table_unref (batch->delegations);
  g_hash_table_unref (batch->domains);
  g_free (batch->last_domain_name);
  g_free (batch->source);
  g_object_unref (batch->store);
  g_free (batch);
}

gint64
scm_store_person_batch_find (ScmStorePersonBatch *batch,
                             const char          *email)
{
  g_autofree char *lower = NULL;
  gint64 id = 0;

  g_return_val_if_fail (batch != NULL, 0);
  g_return_val_if_fail (email != NULL, 0);

  /* Once per row of an import: prepared once, not looked up each time. */
  if (batch->find == NULL
      && sqlite3_prepare_v3 (batch->store->db,
                             "SELECT id FROM persons WHERE email = ? AND deleted_at IS NULL", -1,
                             SQLITE_PREPARE_PERSISTENT, &batch->find, NULL) != SQLITE_OK)
    return 0;
  lower = g_ascii_strdown (email, -1);
  if (sqlite3_bind_text (batch->find, 1, lower, -1, SQLITE_STATIC) == SQLITE_OK
      && sqlite3_step (batch->find) == SQLITE_ROW)
    id = sqlite3_column_int64 (batch->find, 0);
  sqlite3_reset (batch->find);
  return id;
}

/* The keyed hash to store for a typed Secret ID (checked), or for a new
 * generated one when @generated is not NULL; NULL hash and TRUE: none. */
static gboolean
batch_secret_hash (ScmStorePersonBatch *batch,
                   gint64               person_id,
                   const char          *typed,
                   char               **generated,
                   char               **out_hash,
                   GError             **error)
{
  ScmStore *self = batch->store;
  gint64 other = 0;

  *out_hash = NULL;
  if (typed != NULL)
    {
      g_autofree char *hash = NULL;

      if (!scm_secret_check_strength (typed, error))
        return FALSE;
      hash = scm_secret_hash (self->installation_key, SCM_SECRET_PURPOSE_SECRET_ID, typed);
      if (!scm_store_query_int64 (self, &other, 0, error,
                                  "SELECT id FROM persons WHERE secret_id_hash = ? AND id <> ?",
                                  "ti", hash, person_id))
        {
          batch->spoiled = TRUE;
          return FALSE;
        }
      if (other != 0)
        {
          g_set_error_literal (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                               "This Secret ID is already used by another person; choose a "
                               "different one or leave it empty to generate one.");
          return FALSE;
        }
      *out_hash = g_steal_pointer (&hash);
    }
  else if (generated != NULL)
    {
      *generated = scm_secret_generate (SCM_SECRET_KIND_SECRET_ID);
      *out_hash = scm_secret_hash (self->installation_key, SCM_SECRET_PURPOSE_SECRET_ID,
                                   *generated);
    }
  return TRUE;
}

/* Steps a prepared INSERT or UPDATE of a person. A unique index refusing
 * it is the person's fault and leaves nothing written (SQLite undoes the
 * statement); anything else spoils the batch. */
static gboolean
batch_step (ScmStorePersonBatch *batch,
            sqlite3_stmt        *stmt,
            const char          *email,
            GError             **error)
{
  ScmStore *self = batch->store;
  int rc;

  if (stmt == NULL)
    {
      batch->spoiled = TRUE;
      return FALSE;
    }
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;

  if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
    {
      if (strstr (sqlite3_errmsg (self->db), "persons_secret_id") != NULL)
        g_set_error_literal (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                             "This Secret ID is already used by another person; choose a "
                             "different one or leave it empty to generate one.");
      else
        g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                     "A person with the email %s already exists; update that person instead.",
                     email);
      return FALSE;
    }
  batch->spoiled = TRUE;
  return scm_store_db_error (self, "The database refused the change", error);
}

static gboolean
batch_audit (ScmStorePersonBatch *batch,
             const char          *action,
             const char          *email,
             const char          *message,
             GError             **error)
{
  if (scm_store_audit (batch->store, NULL, action, email, SCM_AUDIT_SUCCESS, message, error))
    return TRUE;
  batch->spoiled = TRUE;
  return FALSE;
}

static void
discard_secret (char **generated)
{
  if (generated != NULL)
    g_clear_pointer (generated, scm_secret_free);
}

/* A large import into a table of about its size or smaller maintains
 * the four non-unique indexes (organization, department, domain, name)
 * faster by building them once, sorted, at the commit than by inserting
 * into each of them per row (a fifth of SQLite's work for 100,000 rows).
 * Inside the transaction no one else sees the table without them, and a
 * rollback brings them back. The unique indexes stay: they refuse
 * duplicates row by row. Any failure here leaves the indexes as they are. */
static void
defer_indexes (ScmStorePersonBatch *batch)
{
  sqlite3 *db = batch->store->db;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) statements = g_ptr_array_new_with_free_func (g_free);

  batch->deferred = g_ptr_array_new_with_free_func (g_free);
  if (sqlite3_prepare_v2 (db,
                          "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                          " AND tbl_name = 'persons' AND sql IS NOT NULL"
                          " AND sql NOT LIKE 'CREATE UNIQUE %'", -1, &stmt, NULL) != SQLITE_OK)
    return;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (statements, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);

  for (guint i = 0; i < names->len; i++)
    {
      char *drop = sqlite3_mprintf ("DROP INDEX \"%w\"", (const char *) names->pdata[i]);
      int rc = sqlite3_exec (db, drop, NULL, NULL, NULL);

      sqlite3_free (drop);
      if (rc != SQLITE_OK)
        break;
      g_ptr_array_add (batch->deferred, g_steal_pointer (&statements->pdata[i]));
    }
}

/* Builds the indexes defer_indexes() dropped. */
static gboolean
build_deferred_indexes (ScmStorePersonBatch *batch,
                        GError             **error)
{
  for (guint i = 0; batch->deferred != NULL && i < batch->deferred->len; i++)
    if (sqlite3_exec (batch->store->db, batch->deferred->pdata[i], NULL, NULL, NULL) != SQLITE_OK)
      return scm_store_db_error (batch->store, "Could not index the imported persons", error);
  return TRUE;
}

static int
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text)
{
  /* The values outlive the statement's step: no copies. */
  return text != NULL ? sqlite3_bind_text (stmt, column, text, -1, SQLITE_STATIC)
                      : sqlite3_bind_null (stmt, column);
}

/* The batch's INSERT, prepared once and kept (scm_store_query() would
 * look it up by its text and copy every value, for each person), with
 * the person's values bound. NULL on error, and the batch spoiled. */
static sqlite3_stmt *
batch_bind_insert (ScmStorePersonBatch *batch,
                   ScmPerson           *person,
                   PersonFields        *fields,
                   const char          *hash,
                   gint64               now,
                   GError             **error)
{
  static const char sql[] =
    "INSERT INTO persons (organization_id, department_id, domain_id, first_name, middle_name,"
    " last_name, email, secondary_emails, phone, common_name, upn, eppn, validation_type,"
    " secret_id_hash, created_at, created_by, modified_at, modified_by)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  ScmStore *self = batch->store;
  sqlite3_stmt *stmt;
  gint64 department_id = scm_person_get_department_id (person);
  int rc;

  if (batch->insert == NULL
      && sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &batch->insert,
                             NULL) != SQLITE_OK)
    {
      batch->spoiled = TRUE;
      scm_store_db_error (self, "Could not prepare a database query", error);
      return NULL;
    }
  stmt = batch->insert;

  rc = sqlite3_bind_int64 (stmt, 1, scm_person_get_organization_id (person));
  rc |= department_id != 0 ? sqlite3_bind_int64 (stmt, 2, department_id)
                           : sqlite3_bind_null (stmt, 2);
  rc |= sqlite3_bind_int64 (stmt, 3, fields->domain_id);
  rc |= bind_text (stmt, 4, fields->first_name);
  rc |= bind_text (stmt, 5, fields->middle_name);
  rc |= bind_text (stmt, 6, fields->last_name);
  rc |= bind_text (stmt, 7, fields->email);
  rc |= bind_text (stmt, 8, fields->secondary_emails);
  rc |= bind_text (stmt, 9, fields->phone);
  rc |= bind_text (stmt, 10, fields->common_name);
  rc |= bind_text (stmt, 11, fields->upn);
  rc |= bind_text (stmt, 12, fields->eppn);
  rc |= bind_text (stmt, 13, scm_validation_type_to_string (scm_person_get_validation_type (person)));
  rc |= bind_text (stmt, 14, hash);
  rc |= sqlite3_bind_int64 (stmt, 15, now);
  rc |= bind_text (stmt, 16, self->actor);
  rc |= sqlite3_bind_int64 (stmt, 17, now);
  rc |= bind_text (stmt, 18, self->actor);
  if (rc != SQLITE_OK)
    {
      batch->spoiled = TRUE;
      scm_store_db_error (self, "Could not prepare a database query", error);
      sqlite3_reset (stmt);
      return NULL;
    }
  return stmt;
}

gboolean
scm_store_person_batch_create (ScmStorePersonBatch *batch,
                               ScmPerson           *person,
                               const char          *secret_id,
                               char               **generated_secret_id,
                               GError             **error)
{
  ScmStore *self;
  g_auto(PersonFields) fields = { 0 };
  sqlite3_stmt *stmt;
  g_autofree char *hash = NULL;
  gint64 now = scm_store_now ();
  gboolean ok;

  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (SCM_IS_PERSON (person), FALSE);
  g_return_val_if_fail (generated_secret_id == NULL || *generated_secret_id == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self = batch->store;
  if (batch->spoiled)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_FAILED,
                           "An earlier database error stopped this import; nothing was saved.");
      return FALSE;
    }

  if (!check_person (self, batch, person, &fields, error)
      || !batch_secret_hash (batch, 0, secret_id, generated_secret_id, &hash, error))
    return FALSE;

  stmt = batch_bind_insert (batch, person, &fields, hash, now, error);
  ok = batch_step (batch, stmt, fields.email, error);
  if (stmt != NULL)
    sqlite3_reset (stmt);
  if (!ok)
    {
      discard_secret (generated_secret_id);
      return FALSE;
    }
  scm_person_set_id (person, sqlite3_last_insert_rowid (self->db));
  batch->n_created++;
  if (hash != NULL)
    batch->n_secret_ids++;
  if (batch->deferred == NULL
      && batch->n_created >= MAX (DEFER_INDEXES_AFTER, batch->initial_persons / 2))
    defer_indexes (batch);

  person_apply (person, &fields);
  scm_person_set_sponsor_validated (person, FALSE);
  scm_person_set_sponsor_validated_at (person, 0);
  scm_person_set_sponsor_validated_by (person, NULL);
  scm_person_set_has_secret_id (person, hash != NULL);
  scm_person_set_created_at (person, now);
  scm_person_set_created_by (person, self->actor);
  scm_person_set_modified_at (person, now);
  scm_person_set_modified_by (person, self->actor);
  scm_person_set_deleted_at (person, 0);
  return TRUE;
}

gboolean
scm_store_person_batch_update (ScmStorePersonBatch *batch,
                               ScmPerson           *person,
                               const char          *secret_id,
                               char               **generated_secret_id,
                               GError             **error)
{
  ScmStore *self;
  g_auto(PersonFields) fields = { 0 };
  g_autoptr(ScmPerson) stored = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *message = NULL;
  gint64 id = scm_person_get_id (person);
  gint64 now = scm_store_now ();

  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (SCM_IS_PERSON (person), FALSE);
  g_return_val_if_fail (generated_secret_id == NULL || *generated_secret_id == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self = batch->store;
  if (batch->spoiled)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_FAILED,
                           "An earlier database error stopped this import; nothing was saved.");
      return FALSE;
    }

  stored = get_live_person (self, id, error);
  if (stored == NULL
      || !check_person (self, batch, person, &fields, error)
      || !batch_secret_hash (batch, id, secret_id,
                             scm_person_get_has_secret_id (stored) ? NULL : generated_secret_id,
                             &hash, error))
    return FALSE;

  /* COALESCE keeps the stored Secret ID when none is given. */
  stmt = scm_store_query (self, error,
                          "UPDATE persons SET organization_id = ?, department_id = ?,"
                          " domain_id = ?, first_name = ?, middle_name = ?, last_name = ?,"
                          " email = ?, secondary_emails = ?, phone = ?, common_name = ?,"
                          " upn = ?, eppn = ?, validation_type = ?,"
                          " secret_id_hash = coalesce (?, secret_id_hash), modified_at = ?,"
                          " modified_by = ? WHERE id = ?",
                          "iIittttttttttt" "iti",
                          scm_person_get_organization_id (person),
                          scm_person_get_department_id (person), fields.domain_id,
                          fields.first_name, fields.middle_name, fields.last_name, fields.email,
                          fields.secondary_emails, fields.phone, fields.common_name, fields.upn,
                          fields.eppn,
                          scm_validation_type_to_string (scm_person_get_validation_type (person)),
                          hash, now, self->actor, id);
  if (!batch_step (batch, stmt, fields.email, error))
    {
      discard_secret (generated_secret_id);
      return FALSE;
    }

  message = g_strdup_printf ("Person changed, in %s, by %s%s", fields.delegation,
                             batch->source,
                             hash == NULL ? ""
                             : secret_id != NULL ? ", with a Secret ID set by an administrator"
                             : ", with a generated Secret ID");
  if (!batch_audit (batch, "person.update", fields.email, message, error))
    {
      discard_secret (generated_secret_id);
      return FALSE;
    }

  person_apply (person, &fields);
  scm_person_set_has_secret_id (person, hash != NULL || scm_person_get_has_secret_id (stored));
  scm_person_set_modified_at (person, now);
  scm_person_set_modified_by (person, self->actor);
  return TRUE;
}

gboolean
scm_store_person_batch_commit (ScmStorePersonBatch *batch,
                               GError             **error)
{
  gboolean ok;

  g_return_val_if_fail (batch != NULL, FALSE);

  if (batch->spoiled)
    {
      scm_store_rollback (batch->store);
      batch_free (batch);
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_FAILED,
                           "A database error stopped the import; nothing was saved.");
      return FALSE;
    }
  if (!build_deferred_indexes (batch, error))
    {
      scm_store_rollback (batch->store);
      batch_free (batch);
      return FALSE;
    }
  /* One event for all the persons created: the audit chain would cost
   * more than the persons themselves, and each row keeps its created-by
   * and created-at. Updates have an event each, as they change data. */
  if (batch->n_created > 0)
    {
      g_autofree char *message =
        g_strdup_printf ("%u persons created by %s, %u with a Secret ID", batch->n_created,
                         batch->source, batch->n_secret_ids);

      if (!scm_store_audit (batch->store, NULL, "person.create", NULL, SCM_AUDIT_SUCCESS,
                            message, error))
        {
          scm_store_rollback (batch->store);
          batch_free (batch);
          return FALSE;
        }
    }
  ok = scm_store_commit (batch->store, error);
  batch_free (batch);
  return ok;
}

void
scm_store_person_batch_rollback (ScmStorePersonBatch *batch)
{
  g_return_if_fail (batch != NULL);

  scm_store_rollback (batch->store);
  batch_free (batch);
}
