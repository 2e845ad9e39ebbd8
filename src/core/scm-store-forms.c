/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "scm-error.h"
#include "scm-store-private.h"
#include "scm-validate.h"

/* Certificate profiles, enrollment forms and their accounts. */

#define MAX_TERM_DAYS 825
#define DESCRIPTION_MAX_CHARS 1024
#define CONTACT_MAX_CHARS 256

/* Profiles ------------------------------------------------------------------------ */

#define PROFILE_COLUMNS \
  "id, name, description, purpose, key_types, terms, cn_source, email_in_subject," \
  " policy_oid, max_per_person, builtin, created_at, modified_at"

static gpointer
profile_from_row (sqlite3_stmt *stmt)
{
  ScmProfile *profile = scm_profile_new ();
  g_auto(GStrv) key_types = g_strsplit (scm_store_column_text (stmt, 4), ",", -1);
  g_auto(GStrv) terms = g_strsplit (scm_store_column_text (stmt, 5), ",", -1);
  ScmCnSource cn_source = SCM_CN_SOURCE_EMAIL;

  scm_profile_set_id (profile, sqlite3_column_int64 (stmt, 0));
  scm_profile_set_name (profile, scm_store_column_text (stmt, 1));
  scm_profile_set_description (profile, scm_store_column_text (stmt, 2));
  scm_profile_set_purpose (profile, sqlite3_column_int (stmt, 3));
  for (guint i = 0; key_types[i] != NULL; i++)
    {
      ScmKeyType type;

      if (scm_key_type_from_string (key_types[i], &type))
        scm_profile_add_key_type (profile, type);
    }
  for (guint i = 0; terms[i] != NULL; i++)
    {
      guint64 days;

      if (g_ascii_string_to_unsigned (terms[i], 10, 1, MAX_TERM_DAYS, &days, NULL))
        scm_profile_add_term (profile, (guint) days);
    }
  scm_cn_source_from_string (scm_store_column_text (stmt, 6), &cn_source);
  scm_profile_set_cn_source (profile, cn_source);
  scm_profile_set_email_in_subject (profile, sqlite3_column_int (stmt, 7) != 0);
  scm_profile_set_policy_oid (profile, scm_store_column_text (stmt, 8));
  scm_profile_set_max_per_person (profile, (guint) sqlite3_column_int64 (stmt, 9));
  scm_profile_set_builtin (profile, sqlite3_column_int (stmt, 10) != 0);
  scm_profile_set_created_at (profile, sqlite3_column_int64 (stmt, 11));
  scm_profile_set_modified_at (profile, sqlite3_column_int64 (stmt, 12));
  return profile;
}

typedef struct
{
  char *name;
  char *name_key;
  char *description;
  char *key_types;
  char *terms;
  char *policy_oid;
} ProfileFields;

static void
profile_fields_clear (ProfileFields *fields)
{
  g_free (fields->name);
  g_free (fields->name_key);
  g_free (fields->description);
  g_free (fields->key_types);
  g_free (fields->terms);
  g_free (fields->policy_oid);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ProfileFields, profile_fields_clear)

static gboolean
check_profile (ScmStore      *self,
               ScmProfile    *profile,
               ProfileFields *fields,
               GError       **error)
{
  GArray *key_types = scm_profile_get_key_types (profile);
  GArray *terms = scm_profile_get_terms (profile);
  guint purpose = scm_profile_get_purpose (profile);
  const char *oid = scm_profile_get_policy_oid (profile);
  g_autoptr(GString) key_list = g_string_new (NULL);
  g_autoptr(GString) term_list = g_string_new (NULL);
  gint64 other;

  if (!scm_validate_name (scm_profile_get_name (profile), "The profile name", &fields->name,
                          error)
      || !scm_validate_text (scm_profile_get_description (profile), "The description",
                             DESCRIPTION_MAX_CHARS, SCM_TEXT_MULTILINE, &fields->description,
                             error))
    return FALSE;

  if (purpose == 0 || (purpose & ~(SCM_PURPOSE_CLIENT_AUTH | SCM_PURPOSE_SMIME)) != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Profile “%s” needs a purpose: client authentication, S/MIME or both."),
                   fields->name);
      return FALSE;
    }

  if (key_types->len == 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Profile “%s” allows no key type; choose at least one."), fields->name);
      return FALSE;
    }
  for (guint i = 0; i < key_types->len; i++)
    {
      ScmKeyType type = g_array_index (key_types, ScmKeyType, i);
      const char *name = scm_key_type_to_string (type);

      if (name == NULL)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("Profile “%s” has an unknown key type (%d)."), fields->name, (int) type);
          return FALSE;
        }
      if (strstr (key_list->str, name) != NULL)
        continue;
      if (key_list->len > 0)
        g_string_append_c (key_list, ',');
      g_string_append (key_list, name);
    }

  if (terms->len == 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Profile “%s” has no term; allow at least one, such as 365 days."),
                   fields->name);
      return FALSE;
    }
  for (guint i = 0; i < terms->len; i++)
    {
      guint days = g_array_index (terms, guint, i);
      gboolean seen = FALSE;

      if (days < 1 || days > MAX_TERM_DAYS)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("A term of %u days is not allowed; terms are 1 to %d days."), days,
                       MAX_TERM_DAYS);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        seen |= g_array_index (terms, guint, j) == days;
      if (seen)
        continue;
      if (term_list->len > 0)
        g_string_append_c (term_list, ',');
      g_string_append_printf (term_list, "%u", days);
    }

  if (scm_cn_source_to_string (scm_profile_get_cn_source (profile)) == NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Profile “%s” has an unknown common name source."), fields->name);
      return FALSE;
    }

  if (oid != NULL && *oid != '\0')
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (oid));

      if (!scm_validate_oid (trimmed, error))
        return FALSE;
      fields->policy_oid = g_steal_pointer (&trimmed);
    }

  fields->key_types = g_strdup (key_list->str);
  fields->terms = g_strdup (term_list->str);
  fields->name_key = scm_store_name_key (fields->name);

  if (!scm_store_query_int64 (self, &other, 0, error,
                              "SELECT id FROM profiles WHERE name_key = ? AND id <> ?", "ti",
                              fields->name_key, scm_profile_get_id (profile)))
    return FALSE;
  if (other != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                   _("A profile named “%s” already exists; choose another name."), fields->name);
      return FALSE;
    }
  return TRUE;
}

static void
profile_apply (ScmProfile    *profile,
               ProfileFields *fields)
{
  g_auto(GStrv) key_types = g_strsplit (fields->key_types, ",", -1);
  g_auto(GStrv) terms = g_strsplit (fields->terms, ",", -1);
  g_autoptr(GArray) types = g_array_new (FALSE, FALSE, sizeof (ScmKeyType));
  g_autoptr(GArray) days = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; key_types[i] != NULL; i++)
    {
      ScmKeyType type;

      scm_key_type_from_string (key_types[i], &type);
      g_array_append_val (types, type);
    }
  for (guint i = 0; terms[i] != NULL; i++)
    {
      guint term = (guint) g_ascii_strtoull (terms[i], NULL, 10);
      g_array_append_val (days, term);
    }

  scm_profile_set_name (profile, fields->name);
  scm_profile_set_description (profile, fields->description);
  scm_profile_set_key_types (profile, types);
  scm_profile_set_terms (profile, days);
  scm_profile_set_policy_oid (profile, fields->policy_oid);
}

static gboolean
create_profile_tx (ScmStore   *self,
                   ScmProfile *profile,
                   GError    **error)
{
  g_auto(ProfileFields) fields = { 0 };
  gint64 now = scm_store_now ();

  if (!check_profile (self, profile, &fields, error)
      || !scm_store_run (self, error,
                         "INSERT INTO profiles (name, name_key, description, purpose, key_types,"
                         " terms, cn_source, email_in_subject, policy_oid, max_per_person,"
                         " builtin, created_at, modified_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                         "tttutttbtuii", fields.name, fields.name_key, fields.description,
                         (guint) scm_profile_get_purpose (profile), fields.key_types,
                         fields.terms,
                         scm_cn_source_to_string (scm_profile_get_cn_source (profile)),
                         scm_profile_get_email_in_subject (profile), fields.policy_oid,
                         scm_profile_get_max_per_person (profile), now, now)
      || !scm_store_audit (self, NULL, "profile.create", fields.name, SCM_AUDIT_SUCCESS,
                           "Certificate profile created", error))
    return FALSE;

  scm_profile_set_id (profile, sqlite3_last_insert_rowid (self->db));
  profile_apply (profile, &fields);
  scm_profile_set_builtin (profile, FALSE);
  scm_profile_set_created_at (profile, now);
  scm_profile_set_modified_at (profile, now);
  return TRUE;
}

gboolean
scm_store_create_profile (ScmStore   *self,
                          ScmProfile *profile,
                          GError    **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, create_profile_tx (self, profile, error));
}

ScmProfile *
scm_store_get_profile (ScmStore *self,
                       gint64    id,
                       GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  return scm_store_fetch_by_id (self, "SELECT " PROFILE_COLUMNS " FROM profiles WHERE id = ?",
                                id, profile_from_row, "certificate profile", error);
}

ScmProfile *
scm_store_find_profile_by_name (ScmStore   *self,
                                const char *name,
                                GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *key = NULL;
  ScmProfile *profile;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));
  key = scm_store_name_key (trimmed);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, &local_error,
                          "SELECT " PROFILE_COLUMNS " FROM profiles WHERE name_key = ?", "t",
                          key);
  profile = scm_store_fetch_one (self, stmt, profile_from_row, &local_error);
  if (profile == NULL && local_error == NULL)
    g_set_error (&local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                 _("There is no certificate profile named “%s”; check the spelling."), trimmed);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return profile;
}

GPtrArray *
scm_store_list_profiles (ScmStore *self,
                         GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error,
                          "SELECT " PROFILE_COLUMNS " FROM profiles ORDER BY name_key", NULL);
  return scm_store_fetch_all (self, stmt, profile_from_row, error);
}

static gboolean
update_profile_tx (ScmStore   *self,
                   ScmProfile *profile,
                   GError    **error)
{
  g_auto(ProfileFields) fields = { 0 };
  gint64 id = scm_profile_get_id (profile);
  gint64 now = scm_store_now ();

  if (!check_profile (self, profile, &fields, error)
      || !scm_store_run (self, error,
                         "UPDATE profiles SET name = ?, name_key = ?, description = ?,"
                         " purpose = ?, key_types = ?, terms = ?, cn_source = ?,"
                         " email_in_subject = ?, policy_oid = ?, max_per_person = ?,"
                         " modified_at = ? WHERE id = ?",
                         "tttutttbtuii", fields.name, fields.name_key, fields.description,
                         (guint) scm_profile_get_purpose (profile), fields.key_types,
                         fields.terms,
                         scm_cn_source_to_string (scm_profile_get_cn_source (profile)),
                         scm_profile_get_email_in_subject (profile), fields.policy_oid,
                         scm_profile_get_max_per_person (profile), now, id))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return scm_store_not_found ("certificate profile", id, error);
  if (!scm_store_audit (self, NULL, "profile.update", fields.name, SCM_AUDIT_SUCCESS,
                        "Certificate profile changed", error))
    return FALSE;

  profile_apply (profile, &fields);
  scm_profile_set_modified_at (profile, now);
  return TRUE;
}

gboolean
scm_store_update_profile (ScmStore   *self,
                          ScmProfile *profile,
                          GError    **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, update_profile_tx (self, profile, error));
}

static const ScmStoreReference profile_references[] = {
  { "SELECT count (*) FROM account_profiles WHERE profile_id = ?",
    "account allowing it", "accounts allowing it", "remove it from those accounts first." },
  { "SELECT count (*) FROM certificates WHERE profile_id = ?",
    "certificate", "certificates", "a profile with certificates is kept for the record." },
};

static gboolean
delete_profile_tx (ScmStore *self,
                   gint64    id,
                   GError  **error)
{
  g_autoptr(ScmProfile) profile = NULL;
  g_autofree char *what = NULL;

  profile = scm_store_get_profile (self, id, error);
  if (profile == NULL)
    return FALSE;
  if (scm_profile_get_builtin (profile))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("“%s” is a built-in profile; it can be edited but not deleted."),
                   scm_profile_get_name (profile));
      return FALSE;
    }

  what = g_strdup_printf ("Profile “%s”", scm_profile_get_name (profile));
  return scm_store_check_unused (self, what, id, profile_references,
                                 G_N_ELEMENTS (profile_references), error)
         && scm_store_run (self, error, "DELETE FROM profiles WHERE id = ?", "i", id)
         && scm_store_audit (self, NULL, "profile.delete", scm_profile_get_name (profile),
                             SCM_AUDIT_SUCCESS, "Certificate profile deleted", error);
}

gboolean
scm_store_delete_profile (ScmStore *self,
                          gint64    id,
                          GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, delete_profile_tx (self, id, error));
}

/* Forms ------------------------------------------------------------------------------ */

#define FORM_COLUMNS \
  "id, name, type, uri_extension, authentication, help_text, help_link_text, help_link_url," \
  " contact, all_organizations, enabled, created_at, modified_at"

static gpointer
form_from_row (sqlite3_stmt *stmt)
{
  ScmForm *form = scm_form_new ();
  ScmAuthentication authentication = SCM_AUTHENTICATION_EMAIL_CONFIRMATION;

  scm_form_set_id (form, sqlite3_column_int64 (stmt, 0));
  scm_form_set_name (form, scm_store_column_text (stmt, 1));
  scm_form_set_form_type (form, scm_store_column_text (stmt, 2));
  scm_form_set_uri_extension (form, scm_store_column_text (stmt, 3));
  scm_authentication_from_string (scm_store_column_text (stmt, 4), &authentication);
  scm_form_set_authentication (form, authentication);
  scm_form_set_help_text (form, scm_store_column_text (stmt, 5));
  scm_form_set_help_link_text (form, scm_store_column_text (stmt, 6));
  scm_form_set_help_link_url (form, scm_store_column_text (stmt, 7));
  scm_form_set_contact (form, scm_store_column_text (stmt, 8));
  scm_form_set_all_organizations (form, sqlite3_column_int (stmt, 9) != 0);
  scm_form_set_enabled (form, sqlite3_column_int (stmt, 10) != 0);
  scm_form_set_created_at (form, sqlite3_column_int64 (stmt, 11));
  scm_form_set_modified_at (form, sqlite3_column_int64 (stmt, 12));
  return form;
}

/* Fills the organization-ids of @forms with one query. */
static gboolean
load_form_organizations (ScmStore  *self,
                         GPtrArray *forms,
                         gint64     only_form_id,
                         GError   **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  for (guint i = 0; i < forms->len; i++)
    {
      ScmForm *form = g_ptr_array_index (forms, i);
      gint64 *id = g_new (gint64, 1);

      *id = scm_form_get_id (form);
      g_hash_table_insert (by_id, id, form);
    }

  stmt = scm_store_query (self, error,
                          "SELECT form_id, organization_id FROM form_organizations"
                          " WHERE ?1 IS NULL OR form_id = ?1 ORDER BY form_id, organization_id",
                          "I", only_form_id);
  if (stmt == NULL)
    return FALSE;

  while ((rc = scm_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      gint64 form_id = sqlite3_column_int64 (stmt, 0);
      ScmForm *form = g_hash_table_lookup (by_id, &form_id);

      if (form != NULL)
        scm_form_add_organization_id (form, sqlite3_column_int64 (stmt, 1));
    }
  return rc == SQLITE_DONE;
}

static ScmForm *
fetch_form (ScmStore     *self,
            sqlite3_stmt *stmt,
            GError      **error)
{
  g_autoptr(ScmForm) form = scm_store_fetch_one (self, stmt, form_from_row, error);
  g_autoptr(GPtrArray) forms = NULL;

  if (form == NULL)
    return NULL;

  forms = g_ptr_array_new ();
  g_ptr_array_add (forms, form);
  if (!load_form_organizations (self, forms, scm_form_get_id (form), error))
    return NULL;
  return g_steal_pointer (&form);
}

typedef struct
{
  char *name;
  char *name_key;
  char *uri_extension;
  char *help_text;
  char *help_link_text;
  char *help_link_url;
  char *contact;
  GArray *organization_ids;
} FormFields;

static void
form_fields_clear (FormFields *fields)
{
  g_free (fields->name);
  g_free (fields->name_key);
  g_free (fields->uri_extension);
  g_free (fields->help_text);
  g_free (fields->help_link_text);
  g_free (fields->help_link_url);
  g_free (fields->contact);
  g_clear_pointer (&fields->organization_ids, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FormFields, form_fields_clear)

static gboolean
check_uri_extension_free (ScmStore   *self,
                          const char *extension,
                          gint64      form_id,
                          GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = scm_store_query (self, error,
                          "SELECT name FROM forms WHERE uri_extension = ? COLLATE NOCASE"
                          " AND id <> ?", "ti", extension, form_id);
  if (stmt == NULL || (rc = scm_store_step (self, stmt, error)) < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                   _("The URI extension “%s” is already used by form “%s”; choose another or "
                   "use Generate."), extension, scm_store_column_text (stmt, 0));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_form (ScmStore   *self,
            ScmForm    *form,
            FormFields *fields,
            GError    **error)
{
  const char *type = scm_form_get_form_type (form);
  const char *extension = scm_form_get_uri_extension (form);
  const char *url = scm_form_get_help_link_url (form);
  GArray *organization_ids = scm_form_get_organization_ids (form);
  gint64 id = scm_form_get_id (form);
  gint64 other;

  if (!scm_validate_name (scm_form_get_name (form), "The form name", &fields->name, error))
    return FALSE;

  if (type != NULL && g_strcmp0 (type, SCM_FORM_TYPE_CLIENT_SELF_ENROLLMENT) != 0)
    {
      g_autofree char *shown = g_utf8_make_valid (type, MIN (strlen (type), 64));
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("“%s” is not a form type; the only type is “%s”."), shown,
                   SCM_FORM_TYPE_CLIENT_SELF_ENROLLMENT);
      return FALSE;
    }

  if (extension == NULL || *extension == '\0')
    {
      /* A new form gets a 128-bit random extension; an existing one keeps its own. */
      if (id == 0)
        fields->uri_extension = scm_random_hex (16);
    }
  else
    {
      if (!scm_validate_uri_extension (extension, error))
        return FALSE;
      fields->uri_extension = g_strdup (extension);
    }
  if (fields->uri_extension != NULL
      && !check_uri_extension_free (self, fields->uri_extension, id, error))
    return FALSE;

  if (scm_authentication_to_string (scm_form_get_authentication (form)) == NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Form “%s” has an unknown authentication; choose Email Confirmation or "
                   "Secret ID."), fields->name);
      return FALSE;
    }

  if (!scm_validate_text (scm_form_get_help_text (form), "The help text", SCM_TEXT_MAX_CHARS,
                          SCM_TEXT_MULTILINE, &fields->help_text, error)
      || !scm_validate_text (scm_form_get_help_link_text (form), "The help link text",
                             SCM_NAME_MAX_CHARS, 0, &fields->help_link_text, error)
      || !scm_validate_text (scm_form_get_contact (form), "The contact", CONTACT_MAX_CHARS,
                             SCM_TEXT_MULTILINE, &fields->contact, error))
    return FALSE;

  if (url != NULL && *url != '\0')
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (url));

      if (!scm_validate_http_url (trimmed, "The help link", error))
        return FALSE;
      fields->help_link_url = g_steal_pointer (&trimmed);
    }

  fields->organization_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (!scm_form_get_all_organizations (form))
    {
      if (organization_ids->len == 0)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("Form “%s” is delegated to no organization; choose at least one or all "
                       "organizations."), fields->name);
          return FALSE;
        }
      for (guint i = 0; i < organization_ids->len; i++)
        {
          gint64 organization_id = g_array_index (organization_ids, gint64, i);
          gboolean seen = FALSE;

          if (!scm_store_check_org_dept (self, organization_id, 0, NULL, error))
            return FALSE;
          for (guint j = 0; j < fields->organization_ids->len; j++)
            seen |= g_array_index (fields->organization_ids, gint64, j) == organization_id;
          if (!seen)
            g_array_append_val (fields->organization_ids, organization_id);
        }
    }

  fields->name_key = scm_store_name_key (fields->name);
  if (!scm_store_query_int64 (self, &other, 0, error,
                              "SELECT id FROM forms WHERE name_key = ? AND id <> ?", "ti",
                              fields->name_key, id))
    return FALSE;
  if (other != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                   _("A form named “%s” already exists; choose another name."), fields->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_form_organizations (ScmStore *self,
                          gint64    form_id,
                          GArray   *organization_ids,
                          GError  **error)
{
  if (!scm_store_run (self, error, "DELETE FROM form_organizations WHERE form_id = ?", "i",
                      form_id))
    return FALSE;
  for (guint i = 0; i < organization_ids->len; i++)
    if (!scm_store_run (self, error,
                        "INSERT INTO form_organizations (form_id, organization_id) VALUES (?, ?)",
                        "ii", form_id, g_array_index (organization_ids, gint64, i)))
      return FALSE;
  return TRUE;
}

static void
form_apply (ScmForm    *form,
            FormFields *fields)
{
  scm_form_set_name (form, fields->name);
  scm_form_set_form_type (form, SCM_FORM_TYPE_CLIENT_SELF_ENROLLMENT);
  if (fields->uri_extension != NULL)
    scm_form_set_uri_extension (form, fields->uri_extension);
  scm_form_set_help_text (form, fields->help_text);
  scm_form_set_help_link_text (form, fields->help_link_text);
  scm_form_set_help_link_url (form, fields->help_link_url);
  scm_form_set_contact (form, fields->contact);
  scm_form_set_organization_ids (form, fields->organization_ids);
}

static gboolean
create_form_tx (ScmStore *self,
                ScmForm  *form,
                GError  **error)
{
  g_auto(FormFields) fields = { 0 };
  gint64 now = scm_store_now ();
  gint64 id;

  if (!check_form (self, form, &fields, error)
      || !scm_store_run (self, error,
                         "INSERT INTO forms (name, name_key, type, uri_extension, authentication,"
                         " help_text, help_link_text, help_link_url, contact, all_organizations,"
                         " enabled, created_at, modified_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         "tttttttttbbii", fields.name, fields.name_key,
                         SCM_FORM_TYPE_CLIENT_SELF_ENROLLMENT, fields.uri_extension,
                         scm_authentication_to_string (scm_form_get_authentication (form)),
                         fields.help_text, fields.help_link_text, fields.help_link_url,
                         fields.contact, scm_form_get_all_organizations (form),
                         scm_form_get_enabled (form), now, now))
    return FALSE;

  id = sqlite3_last_insert_rowid (self->db);
  if (!write_form_organizations (self, id, fields.organization_ids, error)
      || !scm_store_audit (self, NULL, "form.create", fields.name, SCM_AUDIT_SUCCESS,
                           "Enrollment form created", error))
    return FALSE;

  scm_form_set_id (form, id);
  form_apply (form, &fields);
  scm_form_set_created_at (form, now);
  scm_form_set_modified_at (form, now);
  return TRUE;
}

gboolean
scm_store_create_form (ScmStore *self,
                       ScmForm  *form,
                       GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_FORM (form), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, create_form_tx (self, form, error));
}

ScmForm *
scm_store_get_form (ScmStore *self,
                    gint64    id,
                    GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  ScmForm *form;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, &local_error,
                          "SELECT " FORM_COLUMNS " FROM forms WHERE id = ?", "i", id);
  form = fetch_form (self, stmt, &local_error);
  if (form == NULL && local_error == NULL)
    scm_store_not_found ("enrollment form", id, &local_error);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return form;
}

ScmForm *
scm_store_find_form_by_name (ScmStore   *self,
                             const char *name,
                             GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *key = NULL;
  ScmForm *form;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));
  key = scm_store_name_key (trimmed);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, &local_error,
                          "SELECT " FORM_COLUMNS " FROM forms WHERE name_key = ?", "t", key);
  form = fetch_form (self, stmt, &local_error);
  if (form == NULL && local_error == NULL)
    g_set_error (&local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                 _("There is no enrollment form named “%s”; check the spelling."), trimmed);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return form;
}

ScmForm *
scm_store_find_form_by_uri_extension (ScmStore   *self,
                                      const char *uri_extension,
                                      GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  ScmForm *form;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  /* Exact match: the extension is the form's address. */
  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, &local_error,
                          "SELECT " FORM_COLUMNS " FROM forms WHERE uri_extension = ?", "t",
                          uri_extension != NULL ? uri_extension : "");
  form = fetch_form (self, stmt, &local_error);
  if (form == NULL && local_error == NULL)
    g_set_error_literal (&local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                         _("There is no enrollment form at this address; ask for the current "
                         "enrollment endpoint URL."));
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return form;
}

GPtrArray *
scm_store_list_forms (ScmStore *self,
                      GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) forms = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error, "SELECT " FORM_COLUMNS " FROM forms ORDER BY name_key",
                          NULL);
  forms = scm_store_fetch_all (self, stmt, form_from_row, error);
  if (forms == NULL || !load_form_organizations (self, forms, 0, error))
    return NULL;
  return g_steal_pointer (&forms);
}

/* Keeps the est.default-form setting pointing at the same form. */
static gboolean
follow_extension_change (ScmStore   *self,
                         const char *old_extension,
                         const char *new_extension,
                         GError    **error)
{
  if (g_strcmp0 (old_extension, new_extension) == 0)
    return TRUE;
  return scm_store_run (self, error,
                        "UPDATE settings SET value = ?, modified_at = ?"
                        " WHERE key = 'est.default-form' AND value = ?", "tit",
                        new_extension, scm_store_now (), old_extension);
}

static gboolean
update_form_tx (ScmStore *self,
                ScmForm  *form,
                GError  **error)
{
  g_auto(FormFields) fields = { 0 };
  g_autoptr(ScmForm) stored = NULL;
  g_autoptr(sqlite3_stmt) accounts = NULL;
  gint64 id = scm_form_get_id (form);
  gint64 now = scm_store_now ();
  int rc;

  stored = scm_store_get_form (self, id, error);
  if (stored == NULL || !check_form (self, form, &fields, error))
    return FALSE;
  if (fields.uri_extension == NULL)
    fields.uri_extension = g_strdup (scm_form_get_uri_extension (stored));

  /* An account's organization must stay one the form is delegated to. */
  if (!scm_form_get_all_organizations (form))
    {
      accounts = scm_store_query (self, error,
                                  "SELECT a.name, a.organization_id, o.name FROM accounts a"
                                  " JOIN organizations o ON o.id = a.organization_id"
                                  " WHERE a.form_id = ? ORDER BY a.name_key", "i", id);
      if (accounts == NULL)
        return FALSE;
      while ((rc = scm_store_step (self, accounts, error)) == SQLITE_ROW)
        {
          gint64 organization_id = sqlite3_column_int64 (accounts, 1);
          gboolean kept = FALSE;

          for (guint i = 0; i < fields.organization_ids->len; i++)
            kept |= g_array_index (fields.organization_ids, gint64, i) == organization_id;
          if (!kept)
            {
              g_set_error (error, SCM_ERROR, SCM_ERROR_IN_USE,
                           _("Account “%s” of form “%s” belongs to organization “%s”; keep that "
                           "organization or change the account first."),
                           scm_store_column_text (accounts, 0), fields.name,
                           scm_store_column_text (accounts, 2));
              return FALSE;
            }
        }
      if (rc < 0)
        return FALSE;
    }

  if (!scm_store_run (self, error,
                      "UPDATE forms SET name = ?, name_key = ?, uri_extension = ?,"
                      " authentication = ?, help_text = ?, help_link_text = ?, help_link_url = ?,"
                      " contact = ?, all_organizations = ?, enabled = ?, modified_at = ?"
                      " WHERE id = ?",
                      "ttttttttbbii", fields.name, fields.name_key, fields.uri_extension,
                      scm_authentication_to_string (scm_form_get_authentication (form)),
                      fields.help_text, fields.help_link_text, fields.help_link_url,
                      fields.contact, scm_form_get_all_organizations (form),
                      scm_form_get_enabled (form), now, id)
      || !write_form_organizations (self, id, fields.organization_ids, error)
      || !follow_extension_change (self, scm_form_get_uri_extension (stored),
                                   fields.uri_extension, error)
      || !scm_store_audit (self, NULL, "form.update", fields.name, SCM_AUDIT_SUCCESS,
                           g_strcmp0 (scm_form_get_uri_extension (stored),
                                      fields.uri_extension) != 0
                             ? "Enrollment form changed, with a new enrollment endpoint URL"
                             : "Enrollment form changed", error))
    return FALSE;

  form_apply (form, &fields);
  scm_form_set_modified_at (form, now);
  return TRUE;
}

gboolean
scm_store_update_form (ScmStore *self,
                       ScmForm  *form,
                       GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_FORM (form), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, update_form_tx (self, form, error));
}

static const ScmStoreReference form_references[] = {
  { "SELECT count (*) FROM accounts WHERE form_id = ?",
    "account", "accounts", "delete THEM first." },
  { "SELECT count (*) FROM certificates WHERE form_id = ?",
    "certificate", "certificates",
    "a form with certificates is kept for the record; disable it instead." },
};

static gboolean
delete_form_tx (ScmStore *self,
                gint64    id,
                GError  **error)
{
  g_autoptr(ScmForm) form = NULL;
  g_autofree char *what = NULL;
  gint64 est_default;

  form = scm_store_get_form (self, id, error);
  if (form == NULL)
    return FALSE;

  if (!scm_store_query_int64 (self, &est_default, 0, error,
                              "SELECT count (*) FROM settings WHERE key = 'est.default-form'"
                              " AND value = ?", "t", scm_form_get_uri_extension (form)))
    return FALSE;
  if (est_default > 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_IN_USE,
                   _("Form “%s” is the default EST form; choose another one in Preferences first."),
                   scm_form_get_name (form));
      return FALSE;
    }

  what = g_strdup_printf ("Form “%s”", scm_form_get_name (form));
  return scm_store_check_unused (self, what, id, form_references,
                                 G_N_ELEMENTS (form_references), error)
         && scm_store_run (self, error, "DELETE FROM forms WHERE id = ?", "i", id)
         && scm_store_audit (self, NULL, "form.delete", scm_form_get_name (form),
                             SCM_AUDIT_SUCCESS, "Enrollment form deleted", error);
}

gboolean
scm_store_delete_form (ScmStore *self,
                       gint64    id,
                       GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, delete_form_tx (self, id, error));
}

static gboolean
regenerate_form_extension_tx (ScmStore *self,
                              ScmForm  *form,
                              GError  **error)
{
  g_autoptr(ScmForm) stored = NULL;
  g_autofree char *extension = NULL;
  gint64 id = scm_form_get_id (form);
  gint64 now = scm_store_now ();

  stored = scm_store_get_form (self, id, error);
  if (stored == NULL)
    return FALSE;

  /* 128 random bits: a collision is as good as impossible, but the
   * unique index would still refuse one. */
  extension = scm_random_hex (16);
  if (!scm_store_run (self, error,
                      "UPDATE forms SET uri_extension = ?, modified_at = ? WHERE id = ?", "tii",
                      extension, now, id)
      || !follow_extension_change (self, scm_form_get_uri_extension (stored), extension, error)
      || !scm_store_audit (self, NULL, "form.regenerate-extension", scm_form_get_name (stored),
                           SCM_AUDIT_SUCCESS,
                           "New enrollment endpoint URL; the previous one stopped working",
                           error))
    return FALSE;

  scm_form_set_uri_extension (form, extension);
  scm_form_set_modified_at (form, now);
  return TRUE;
}

gboolean
scm_store_regenerate_form_extension (ScmStore *self,
                                     ScmForm  *form,
                                     GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_FORM (form), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, regenerate_form_extension_tx (self, form, error));
}

/* Accounts ---------------------------------------------------------------------------- */

#define ACCOUNT_COLUMNS \
  "id, form_id, name, organization_id, department_id, csr_methods, authorization," \
  " access_code_hash IS NOT NULL, pkcs12_protection, allow_empty_password, created_at," \
  " modified_at"

static gpointer
account_from_row (sqlite3_stmt *stmt)
{
  ScmAccount *account = scm_account_new ();
  ScmAuthorization authorization = SCM_AUTHORIZATION_NONE;
  ScmPkcs12Protection protection = SCM_PKCS12_AES256_SHA256;

  scm_account_set_id (account, sqlite3_column_int64 (stmt, 0));
  scm_account_set_form_id (account, sqlite3_column_int64 (stmt, 1));
  scm_account_set_name (account, scm_store_column_text (stmt, 2));
  scm_account_set_organization_id (account, sqlite3_column_int64 (stmt, 3));
  scm_account_set_department_id (account, sqlite3_column_int64 (stmt, 4));
  scm_account_set_csr_methods (account, sqlite3_column_int (stmt, 5));
  scm_authorization_from_string (scm_store_column_text (stmt, 6), &authorization);
  scm_account_set_authorization (account, authorization);
  scm_account_set_has_access_code (account, sqlite3_column_int (stmt, 7) != 0);
  scm_pkcs12_protection_from_string (scm_store_column_text (stmt, 8), &protection);
  scm_account_set_pkcs12_protection (account, protection);
  scm_account_set_allow_empty_password (account, sqlite3_column_int (stmt, 9) != 0);
  scm_account_set_created_at (account, sqlite3_column_int64 (stmt, 10));
  scm_account_set_modified_at (account, sqlite3_column_int64 (stmt, 11));
  return account;
}

/* Fills the profile-ids of @accounts with one query. */
static gboolean
load_account_profiles (ScmStore  *self,
                       GPtrArray *accounts,
                       gint64     only_account_id,
                       GError   **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  for (guint i = 0; i < accounts->len; i++)
    {
      ScmAccount *account = g_ptr_array_index (accounts, i);
      gint64 *id = g_new (gint64, 1);

      *id = scm_account_get_id (account);
      g_hash_table_insert (by_id, id, account);
    }

  stmt = scm_store_query (self, error,
                          "SELECT account_id, profile_id FROM account_profiles"
                          " WHERE ?1 IS NULL OR account_id = ?1"
                          " ORDER BY account_id, position", "I", only_account_id);
  if (stmt == NULL)
    return FALSE;

  while ((rc = scm_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      gint64 account_id = sqlite3_column_int64 (stmt, 0);
      ScmAccount *account = g_hash_table_lookup (by_id, &account_id);

      if (account != NULL)
        scm_account_add_profile_id (account, sqlite3_column_int64 (stmt, 1));
    }
  return rc == SQLITE_DONE;
}

static ScmAccount *
fetch_account (ScmStore     *self,
               sqlite3_stmt *stmt,
               GError      **error)
{
  g_autoptr(ScmAccount) account = scm_store_fetch_one (self, stmt, account_from_row, error);
  g_autoptr(GPtrArray) accounts = NULL;

  if (account == NULL)
    return NULL;

  accounts = g_ptr_array_new ();
  g_ptr_array_add (accounts, account);
  if (!load_account_profiles (self, accounts, scm_account_get_id (account), error))
    return NULL;
  return g_steal_pointer (&account);
}

typedef struct
{
  char *name;
  char *name_key;
  char *form_name;
  GArray *profile_ids;
} AccountFields;

static void
account_fields_clear (AccountFields *fields)
{
  g_free (fields->name);
  g_free (fields->name_key);
  g_free (fields->form_name);
  g_clear_pointer (&fields->profile_ids, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AccountFields, account_fields_clear)

static gboolean
check_account (ScmStore      *self,
               ScmAccount    *account,
               AccountFields *fields,
               GError       **error)
{
  g_autoptr(ScmForm) form = NULL;
  g_autofree char *delegation = NULL;
  GArray *profile_ids = scm_account_get_profile_ids (account);
  gint64 organization_id = scm_account_get_organization_id (account);
  guint methods = scm_account_get_csr_methods (account);
  gint64 other;

  if (!scm_validate_name (scm_account_get_name (account), "The account name", &fields->name,
                          error))
    return FALSE;

  form = scm_store_get_form (self, scm_account_get_form_id (account), error);
  if (form == NULL)
    return FALSE;
  fields->form_name = g_strdup (scm_form_get_name (form));

  if (!scm_store_check_org_dept (self, organization_id, scm_account_get_department_id (account),
                                 &delegation, error))
    return FALSE;
  if (!scm_form_is_delegated_to (form, organization_id))
    {
      g_autoptr(ScmOrganization) organization =
        scm_store_get_organization (self, organization_id, NULL);

      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Form “%s” is not delegated to organization “%s”; add the organization to "
                   "the form or choose another one."), scm_form_get_name (form),
                   organization != NULL ? scm_organization_get_name (organization) : "?");
      return FALSE;
    }

  if (profile_ids->len == 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Account “%s” allows no certificate profile; choose at least one."),
                   fields->name);
      return FALSE;
    }
  fields->profile_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < profile_ids->len; i++)
    {
      gint64 profile_id = g_array_index (profile_ids, gint64, i);
      gboolean seen = FALSE;
      gint64 exists;

      if (!scm_store_query_int64 (self, &exists, 0, error,
                                  "SELECT count (*) FROM profiles WHERE id = ?", "i", profile_id))
        return FALSE;
      if (exists == 0)
        return scm_store_not_found ("certificate profile", profile_id, error);
      for (guint j = 0; j < fields->profile_ids->len; j++)
        seen |= g_array_index (fields->profile_ids, gint64, j) == profile_id;
      if (!seen)
        g_array_append_val (fields->profile_ids, profile_id);
    }

  if (methods == 0
      || (methods & ~(SCM_CSR_METHOD_SERVER | SCM_CSR_METHOD_CLIENT | SCM_CSR_METHOD_PROVIDED)))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Account “%s” needs at least one CSR generation method (usually Server)."),
                   fields->name);
      return FALSE;
    }
  if (scm_authorization_to_string (scm_account_get_authorization (account)) == NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Account “%s” has an unknown authorization; choose None, Access Code or "
                   "Secret ID."), fields->name);
      return FALSE;
    }
  if (scm_pkcs12_protection_to_string (scm_account_get_pkcs12_protection (account)) == NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Account “%s” has an unknown PKCS#12 protection; choose AES256-SHA256 or "
                   "TripleDES-SHA1."), fields->name);
      return FALSE;
    }

  fields->name_key = scm_store_name_key (fields->name);
  if (!scm_store_query_int64 (self, &other, 0, error,
                              "SELECT id FROM accounts WHERE form_id = ? AND name_key = ?"
                              " AND id <> ?", "iti", scm_form_get_id (form), fields->name_key,
                              scm_account_get_id (account)))
    return FALSE;
  if (other != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                   _("Form “%s” already has an account named “%s”; choose another name."),
                   scm_form_get_name (form), fields->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_account_profiles (ScmStore *self,
                        gint64    account_id,
                        GArray   *profile_ids,
                        GError  **error)
{
  if (!scm_store_run (self, error, "DELETE FROM account_profiles WHERE account_id = ?", "i",
                      account_id))
    return FALSE;
  for (guint i = 0; i < profile_ids->len; i++)
    if (!scm_store_run (self, error,
                        "INSERT INTO account_profiles (account_id, profile_id, position)"
                        " VALUES (?, ?, ?)", "iiu", account_id,
                        g_array_index (profile_ids, gint64, i), i))
      return FALSE;
  return TRUE;
}

static char *
account_object (AccountFields *fields)
{
  return g_strdup_printf ("%s / %s", fields->form_name, fields->name);
}

static gboolean
create_account_tx (ScmStore   *self,
                   ScmAccount *account,
                   GError    **error)
{
  g_auto(AccountFields) fields = { 0 };
  g_autofree char *object = NULL;
  gint64 now = scm_store_now ();
  gint64 id;

  if (!check_account (self, account, &fields, error)
      || !scm_store_run (self, error,
                         "INSERT INTO accounts (form_id, name, name_key, organization_id,"
                         " department_id, csr_methods, authorization, pkcs12_protection,"
                         " allow_empty_password, created_at, modified_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         "ittiIuttbii", scm_account_get_form_id (account), fields.name,
                         fields.name_key, scm_account_get_organization_id (account),
                         scm_account_get_department_id (account),
                         (guint) scm_account_get_csr_methods (account),
                         scm_authorization_to_string (scm_account_get_authorization (account)),
                         scm_pkcs12_protection_to_string (
                           scm_account_get_pkcs12_protection (account)),
                         scm_account_get_allow_empty_password (account), now, now))
    return FALSE;

  id = sqlite3_last_insert_rowid (self->db);
  object = account_object (&fields);
  if (!write_account_profiles (self, id, fields.profile_ids, error)
      || !scm_store_audit (self, NULL, "account.create", object, SCM_AUDIT_SUCCESS,
                           "Account created", error))
    return FALSE;

  scm_account_set_id (account, id);
  scm_account_set_name (account, fields.name);
  scm_account_set_profile_ids (account, fields.profile_ids);
  scm_account_set_has_access_code (account, FALSE);
  scm_account_set_created_at (account, now);
  scm_account_set_modified_at (account, now);
  return TRUE;
}

gboolean
scm_store_create_account (ScmStore   *self,
                          ScmAccount *account,
                          GError    **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, create_account_tx (self, account, error));
}

ScmAccount *
scm_store_get_account (ScmStore *self,
                       gint64    id,
                       GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  ScmAccount *account;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, &local_error,
                          "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?", "i", id);
  account = fetch_account (self, stmt, &local_error);
  if (account == NULL && local_error == NULL)
    scm_store_not_found ("account", id, &local_error);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return account;
}

ScmAccount *
scm_store_find_account_by_name (ScmStore   *self,
                                gint64      form_id,
                                const char *name,
                                GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(ScmForm) form = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *key = NULL;
  ScmAccount *account;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));
  key = scm_store_name_key (trimmed);

  SCM_STORE_LOCK (self);

  form = scm_store_get_form (self, form_id, error);
  if (form == NULL)
    return NULL;

  stmt = scm_store_query (self, &local_error,
                          "SELECT " ACCOUNT_COLUMNS " FROM accounts"
                          " WHERE form_id = ? AND name_key = ?", "it", form_id, key);
  account = fetch_account (self, stmt, &local_error);
  if (account == NULL && local_error == NULL)
    g_set_error (&local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                 _("Form “%s” has no account named “%s”; check the spelling."),
                 scm_form_get_name (form), trimmed);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return account;
}

GPtrArray *
scm_store_list_accounts (ScmStore *self,
                         gint64    form_id,
                         GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) accounts = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error,
                          "SELECT " ACCOUNT_COLUMNS " FROM accounts"
                          " WHERE ?1 IS NULL OR form_id = ?1 ORDER BY name_key, form_id", "I",
                          form_id);
  accounts = scm_store_fetch_all (self, stmt, account_from_row, error);
  if (accounts == NULL || !load_account_profiles (self, accounts, 0, error))
    return NULL;
  return g_steal_pointer (&accounts);
}

static gboolean
update_account_tx (ScmStore   *self,
                   ScmAccount *account,
                   GError    **error)
{
  g_auto(AccountFields) fields = { 0 };
  g_autoptr(ScmAccount) stored = NULL;
  g_autofree char *object = NULL;
  gint64 id = scm_account_get_id (account);
  gint64 now = scm_store_now ();

  stored = scm_store_get_account (self, id, error);
  if (stored == NULL)
    return FALSE;
  if (scm_account_get_form_id (stored) != scm_account_get_form_id (account))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Account “%s” cannot move to another form; create a new account there "
                   "instead."), scm_account_get_name (stored));
      return FALSE;
    }

  if (!check_account (self, account, &fields, error)
      || !scm_store_run (self, error,
                         "UPDATE accounts SET name = ?, name_key = ?, organization_id = ?,"
                         " department_id = ?, csr_methods = ?, authorization = ?,"
                         " pkcs12_protection = ?, allow_empty_password = ?, modified_at = ?"
                         " WHERE id = ?",
                         "ttiIuttbii", fields.name, fields.name_key,
                         scm_account_get_organization_id (account),
                         scm_account_get_department_id (account),
                         (guint) scm_account_get_csr_methods (account),
                         scm_authorization_to_string (scm_account_get_authorization (account)),
                         scm_pkcs12_protection_to_string (
                           scm_account_get_pkcs12_protection (account)),
                         scm_account_get_allow_empty_password (account), now, id)
      || !write_account_profiles (self, id, fields.profile_ids, error))
    return FALSE;

  object = account_object (&fields);
  if (!scm_store_audit (self, NULL, "account.update", object, SCM_AUDIT_SUCCESS,
                        "Account changed", error))
    return FALSE;

  scm_account_set_name (account, fields.name);
  scm_account_set_profile_ids (account, fields.profile_ids);
  scm_account_set_has_access_code (account, scm_account_get_has_access_code (stored));
  scm_account_set_modified_at (account, now);
  return TRUE;
}

gboolean
scm_store_update_account (ScmStore   *self,
                          ScmAccount *account,
                          GError    **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, update_account_tx (self, account, error));
}

static const ScmStoreReference account_references[] = {
  { "SELECT count (*) FROM certificates WHERE account_id = ?",
    "certificate", "certificates",
    "an account with certificates is kept for the record." },
};

static gboolean
delete_account_tx (ScmStore *self,
                   gint64    id,
                   GError  **error)
{
  g_autoptr(ScmAccount) account = NULL;
  g_autoptr(ScmForm) form = NULL;
  g_autofree char *what = NULL;
  g_autofree char *object = NULL;

  account = scm_store_get_account (self, id, error);
  if (account == NULL)
    return FALSE;
  form = scm_store_get_form (self, scm_account_get_form_id (account), error);
  if (form == NULL)
    return FALSE;

  what = g_strdup_printf ("Account “%s”", scm_account_get_name (account));
  object = g_strdup_printf ("%s / %s", scm_form_get_name (form), scm_account_get_name (account));
  return scm_store_check_unused (self, what, id, account_references,
                                 G_N_ELEMENTS (account_references), error)
         && scm_store_run (self, error, "DELETE FROM accounts WHERE id = ?", "i", id)
         && scm_store_audit (self, NULL, "account.delete", object, SCM_AUDIT_SUCCESS,
                             "Account deleted", error);
}

gboolean
scm_store_delete_account (ScmStore *self,
                          gint64    id,
                          GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, delete_account_tx (self, id, error));
}

static gboolean
generate_access_code_tx (ScmStore   *self,
                         ScmAccount *account,
                         char       *code,
                         GError    **error)
{
  g_autoptr(ScmAccount) stored = NULL;
  g_autoptr(ScmForm) form = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *object = NULL;
  gint64 id = scm_account_get_id (account);

  stored = scm_store_get_account (self, id, error);
  if (stored == NULL)
    return FALSE;
  form = scm_store_get_form (self, scm_account_get_form_id (stored), error);
  if (form == NULL)
    return FALSE;

  hash = scm_secret_hash (self->installation_key, SCM_SECRET_PURPOSE_ACCESS_CODE, code);
  object = g_strdup_printf ("%s / %s", scm_form_get_name (form), scm_account_get_name (stored));
  if (!scm_store_run (self, error,
                      "UPDATE accounts SET access_code_hash = ?, modified_at = ? WHERE id = ?",
                      "tii", hash, scm_store_now (), id)
      || !scm_store_audit (self, NULL, "account.access-code", object, SCM_AUDIT_SUCCESS,
                           "New access code generated; the previous one stopped working",
                           error))
    return FALSE;

  scm_account_set_has_access_code (account, TRUE);
  return TRUE;
}

gboolean
scm_store_generate_access_code (ScmStore   *self,
                                ScmAccount *account,
                                char      **out_code,
                                GError    **error)
{
  char *code;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (out_code != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  code = scm_secret_generate (SCM_SECRET_KIND_ACCESS_CODE);

  SCM_STORE_LOCK (self);

  if (!SCM_STORE_ATOMIC (self, error, generate_access_code_tx (self, account, code, error)))
    {
      scm_secret_free (code);
      return FALSE;
    }
  *out_code = code;
  return TRUE;
}

gboolean
scm_store_verify_access_code (ScmStore   *self,
                              gint64      account_id,
                              const char *code)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);

  if (code == NULL)
    return FALSE;

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, NULL, "SELECT access_code_hash FROM accounts WHERE id = ?", "i",
                          account_id);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW
      || sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return FALSE;

  return scm_secret_verify (self->installation_key, SCM_SECRET_PURPOSE_ACCESS_CODE, code,
                            scm_store_column_text (stmt, 0));
}
