/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "scm-error.h"
#include "scm-store-private.h"
#include "scm-validate.h"

/* Organizations, departments and delegated domains. */

/* Organizations ------------------------------------------------------------------ */

#define ORGANIZATION_COLUMNS "id, name, secondary_name, country, created_at, modified_at"

static gpointer
organization_from_row (sqlite3_stmt *stmt)
{
  ScmOrganization *organization = scm_organization_new ();

  scm_organization_set_id (organization, sqlite3_column_int64 (stmt, 0));
  scm_organization_set_name (organization, scm_store_column_text (stmt, 1));
  scm_organization_set_secondary_name (organization, scm_store_column_text (stmt, 2));
  scm_organization_set_country (organization, scm_store_column_text (stmt, 3));
  scm_organization_set_created_at (organization, sqlite3_column_int64 (stmt, 4));
  scm_organization_set_modified_at (organization, sqlite3_column_int64 (stmt, 5));
  return organization;
}

typedef struct
{
  char *name;
  char *name_key;
  char *secondary_name;
  char *country;
} OrganizationFields;

static void
organization_fields_clear (OrganizationFields *fields)
{
  g_free (fields->name);
  g_free (fields->name_key);
  g_free (fields->secondary_name);
  g_free (fields->country);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OrganizationFields, organization_fields_clear)

static gboolean
check_organization (ScmStore           *self,
                    ScmOrganization    *organization,
                    OrganizationFields *fields,
                    GError            **error)
{
  const char *country = scm_organization_get_country (organization);
  gint64 other;

  if (!scm_validate_name (scm_organization_get_name (organization), "The organization name",
                          &fields->name, error)
      || !scm_validate_text (scm_organization_get_secondary_name (organization),
                             "The secondary name", SCM_NAME_MAX_CHARS, 0,
                             &fields->secondary_name, error))
    return FALSE;
  if (country != NULL && *country != '\0'
      && !scm_validate_country (country, &fields->country, error))
    return FALSE;

  fields->name_key = scm_store_name_key (fields->name);
  if (!scm_store_query_int64 (self, &other, 0, error,
                              "SELECT id FROM organizations WHERE name_key = ? AND id <> ?", "ti",
                              fields->name_key, scm_organization_get_id (organization)))
    return FALSE;
  if (other != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                   _("An organization named “%s” already exists; choose another name."),
                   fields->name);
      return FALSE;
    }
  return TRUE;
}

static void
organization_apply (ScmOrganization    *organization,
                    OrganizationFields *fields)
{
  scm_organization_set_name (organization, fields->name);
  scm_organization_set_secondary_name (organization, fields->secondary_name);
  scm_organization_set_country (organization, fields->country);
}

static gboolean
create_organization_tx (ScmStore        *self,
                        ScmOrganization *organization,
                        GError         **error)
{
  g_auto(OrganizationFields) fields = { 0 };
  gint64 now = scm_store_now ();

  if (!check_organization (self, organization, &fields, error)
      || !scm_store_run (self, error,
                         "INSERT INTO organizations (name, name_key, secondary_name, country,"
                         " created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)",
                         "ttttii", fields.name, fields.name_key, fields.secondary_name,
                         fields.country, now, now)
      || !scm_store_audit (self, NULL, "organization.create", fields.name, SCM_AUDIT_SUCCESS,
                           "Organization created", error))
    return FALSE;

  scm_organization_set_id (organization, sqlite3_last_insert_rowid (self->db));
  organization_apply (organization, &fields);
  scm_organization_set_created_at (organization, now);
  scm_organization_set_modified_at (organization, now);
  return TRUE;
}

gboolean
scm_store_create_organization (ScmStore        *self,
                               ScmOrganization *organization,
                               GError         **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_ORGANIZATION (organization), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, create_organization_tx (self, organization, error));
}

ScmOrganization *
scm_store_get_organization (ScmStore *self,
                            gint64    id,
                            GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  return scm_store_fetch_by_id (self, "SELECT " ORGANIZATION_COLUMNS " FROM organizations WHERE id = ?",
                                id, organization_from_row, "organization", error);
}

ScmOrganization *
scm_store_find_organization_by_name (ScmStore   *self,
                                     const char *name,
                                     GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *key = NULL;
  ScmOrganization *organization;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));
  key = scm_store_name_key (trimmed);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, &local_error,
                          "SELECT " ORGANIZATION_COLUMNS " FROM organizations WHERE name_key = ?",
                          "t", key);
  organization = scm_store_fetch_one (self, stmt, organization_from_row, &local_error);
  if (organization == NULL && local_error == NULL)
    g_set_error (&local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                 _("There is no organization named “%s”; create it first or check the spelling."),
                 trimmed);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return organization;
}

GPtrArray *
scm_store_list_organizations (ScmStore *self,
                              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error,
                          "SELECT " ORGANIZATION_COLUMNS " FROM organizations ORDER BY name_key",
                          NULL);
  return scm_store_fetch_all (self, stmt, organization_from_row, error);
}

static gboolean
update_organization_tx (ScmStore        *self,
                        ScmOrganization *organization,
                        GError         **error)
{
  g_auto(OrganizationFields) fields = { 0 };
  gint64 id = scm_organization_get_id (organization);
  gint64 now = scm_store_now ();

  if (!check_organization (self, organization, &fields, error)
      || !scm_store_run (self, error,
                         "UPDATE organizations SET name = ?, name_key = ?, secondary_name = ?,"
                         " country = ?, modified_at = ? WHERE id = ?",
                         "ttttii", fields.name, fields.name_key, fields.secondary_name,
                         fields.country, now, id))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    return scm_store_not_found ("organization", id, error);
  if (!scm_store_audit (self, NULL, "organization.update", fields.name, SCM_AUDIT_SUCCESS,
                        "Organization changed", error))
    return FALSE;

  organization_apply (organization, &fields);
  scm_organization_set_modified_at (organization, now);
  return TRUE;
}

gboolean
scm_store_update_organization (ScmStore        *self,
                               ScmOrganization *organization,
                               GError         **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_ORGANIZATION (organization), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, update_organization_tx (self, organization, error));
}

static const ScmStoreReference organization_references[] = {
  { "SELECT count (*) FROM persons WHERE organization_id = ? AND deleted_at IS NULL",
    "person", "persons", "delete or move THEM first." },
  { "SELECT count (*) FROM persons WHERE organization_id = ?",
    "deleted person", "deleted persons",
    "they are kept for their certificates, so the organization stays too." },
  { "SELECT count (*) FROM accounts WHERE organization_id = ?",
    "account", "accounts", "delete THEM or give THEM another organization first." },
  { "SELECT count (*) FROM form_organizations WHERE organization_id = ?",
    "form delegated to it", "forms delegated to it", "remove it from those forms first." },
  { "SELECT count (*) FROM domains WHERE organization_id = ?",
    "delegated domain", "delegated domains", "delete THEM first." },
  { "SELECT count (*) FROM departments WHERE organization_id = ?",
    "department", "departments", "delete THEM first." },
};

static gboolean
delete_organization_tx (ScmStore *self,
                        gint64    id,
                        GError  **error)
{
  g_autoptr(ScmOrganization) organization = NULL;
  g_autofree char *what = NULL;

  organization = scm_store_get_organization (self, id, error);
  if (organization == NULL)
    return FALSE;

  what = g_strdup_printf ("Organization “%s”", scm_organization_get_name (organization));
  return scm_store_check_unused (self, what, id, organization_references,
                                 G_N_ELEMENTS (organization_references), error)
         && scm_store_run (self, error, "DELETE FROM organizations WHERE id = ?", "i", id)
         && scm_store_audit (self, NULL, "organization.delete",
                             scm_organization_get_name (organization), SCM_AUDIT_SUCCESS,
                             "Organization deleted", error);
}

gboolean
scm_store_delete_organization (ScmStore *self,
                               gint64    id,
                               GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, delete_organization_tx (self, id, error));
}

/* Departments ---------------------------------------------------------------------- */

#define DEPARTMENT_COLUMNS "id, organization_id, name, created_at, modified_at"

static gpointer
department_from_row (sqlite3_stmt *stmt)
{
  ScmDepartment *department = scm_department_new ();

  scm_department_set_id (department, sqlite3_column_int64 (stmt, 0));
  scm_department_set_organization_id (department, sqlite3_column_int64 (stmt, 1));
  scm_department_set_name (department, scm_store_column_text (stmt, 2));
  scm_department_set_created_at (department, sqlite3_column_int64 (stmt, 3));
  scm_department_set_modified_at (department, sqlite3_column_int64 (stmt, 4));
  return department;
}

static gboolean
check_department (ScmStore      *self,
                  ScmDepartment *department,
                  char         **name,
                  char         **name_key,
                  char         **organization_name,
                  GError       **error)
{
  gint64 organization_id = scm_department_get_organization_id (department);
  gint64 other;

  if (!scm_validate_name (scm_department_get_name (department), "The department name", name,
                          error)
      || !scm_store_check_org_dept (self, organization_id, 0, organization_name, error))
    return FALSE;

  *name_key = scm_store_name_key (*name);
  if (!scm_store_query_int64 (self, &other, 0, error,
                              "SELECT id FROM departments WHERE organization_id = ?"
                              " AND name_key = ? AND id <> ?", "iti",
                              organization_id, *name_key, scm_department_get_id (department)))
    return FALSE;
  if (other != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                   _("Organization “%s” already has a department named “%s”; choose another name."),
                   *organization_name, *name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
create_department_tx (ScmStore      *self,
                      ScmDepartment *department,
                      GError       **error)
{
  g_autofree char *name = NULL;
  g_autofree char *name_key = NULL;
  g_autofree char *organization_name = NULL;
  g_autofree char *object = NULL;
  gint64 now = scm_store_now ();

  if (!check_department (self, department, &name, &name_key, &organization_name, error)
      || !scm_store_run (self, error,
                         "INSERT INTO departments (organization_id, name, name_key, created_at,"
                         " modified_at) VALUES (?, ?, ?, ?, ?)",
                         "ittii", scm_department_get_organization_id (department), name,
                         name_key, now, now))
    return FALSE;

  object = g_strdup_printf ("%s / %s", organization_name, name);
  if (!scm_store_audit (self, NULL, "department.create", object, SCM_AUDIT_SUCCESS,
                        "Department created", error))
    return FALSE;

  scm_department_set_id (department, sqlite3_last_insert_rowid (self->db));
  scm_department_set_name (department, name);
  scm_department_set_created_at (department, now);
  scm_department_set_modified_at (department, now);
  return TRUE;
}

gboolean
scm_store_create_department (ScmStore      *self,
                             ScmDepartment *department,
                             GError       **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_DEPARTMENT (department), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, create_department_tx (self, department, error));
}

ScmDepartment *
scm_store_get_department (ScmStore *self,
                          gint64    id,
                          GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  return scm_store_fetch_by_id (self, "SELECT " DEPARTMENT_COLUMNS " FROM departments WHERE id = ?",
                                id, department_from_row, "department", error);
}

ScmDepartment *
scm_store_find_department_by_name (ScmStore   *self,
                                   gint64      organization_id,
                                   const char *name,
                                   GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *key = NULL;
  g_autofree char *organization_name = NULL;
  ScmDepartment *department;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));
  key = scm_store_name_key (trimmed);

  SCM_STORE_LOCK (self);

  if (!scm_store_check_org_dept (self, organization_id, 0, &organization_name, error))
    return NULL;

  stmt = scm_store_query (self, &local_error,
                          "SELECT " DEPARTMENT_COLUMNS " FROM departments"
                          " WHERE organization_id = ? AND name_key = ?", "it",
                          organization_id, key);
  department = scm_store_fetch_one (self, stmt, department_from_row, &local_error);
  if (department == NULL && local_error == NULL)
    g_set_error (&local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                 _("Organization “%s” has no department named “%s”; create it first or check the "
                 "spelling."), organization_name, trimmed);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return department;
}

GPtrArray *
scm_store_list_departments (ScmStore *self,
                            gint64    organization_id,
                            GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error,
                          "SELECT " DEPARTMENT_COLUMNS " FROM departments"
                          " WHERE ?1 IS NULL OR organization_id = ?1"
                          " ORDER BY name_key, organization_id", "I", organization_id);
  return scm_store_fetch_all (self, stmt, department_from_row, error);
}

static gboolean
update_department_tx (ScmStore      *self,
                      ScmDepartment *department,
                      GError       **error)
{
  g_autoptr(ScmDepartment) stored = NULL;
  g_autofree char *name = NULL;
  g_autofree char *name_key = NULL;
  g_autofree char *organization_name = NULL;
  g_autofree char *object = NULL;
  gint64 id = scm_department_get_id (department);
  gint64 now = scm_store_now ();

  stored = scm_store_get_department (self, id, error);
  if (stored == NULL)
    return FALSE;
  if (scm_department_get_organization_id (stored)
      != scm_department_get_organization_id (department))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Department “%s” cannot move to another organization; create a new "
                   "department there instead."), scm_department_get_name (stored));
      return FALSE;
    }

  if (!check_department (self, department, &name, &name_key, &organization_name, error)
      || !scm_store_run (self, error,
                         "UPDATE departments SET name = ?, name_key = ?, modified_at = ?"
                         " WHERE id = ?", "ttii", name, name_key, now, id))
    return FALSE;

  object = g_strdup_printf ("%s / %s", organization_name, name);
  if (!scm_store_audit (self, NULL, "department.update", object, SCM_AUDIT_SUCCESS,
                        "Department changed", error))
    return FALSE;

  scm_department_set_name (department, name);
  scm_department_set_modified_at (department, now);
  return TRUE;
}

gboolean
scm_store_update_department (ScmStore      *self,
                             ScmDepartment *department,
                             GError       **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_DEPARTMENT (department), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, update_department_tx (self, department, error));
}

static const ScmStoreReference department_references[] = {
  { "SELECT count (*) FROM persons WHERE department_id = ? AND deleted_at IS NULL",
    "person", "persons", "delete or move THEM first." },
  { "SELECT count (*) FROM persons WHERE department_id = ?",
    "deleted person", "deleted persons",
    "they are kept for their certificates, so the department stays too." },
  { "SELECT count (*) FROM accounts WHERE department_id = ?",
    "account", "accounts", "delete THEM or give THEM another department first." },
  { "SELECT count (*) FROM domains WHERE department_id = ?",
    "delegated domain", "delegated domains", "delete THEM first." },
};

static gboolean
delete_department_tx (ScmStore *self,
                      gint64    id,
                      GError  **error)
{
  g_autoptr(ScmDepartment) department = NULL;
  g_autofree char *what = NULL;
  g_autofree char *object = NULL;

  department = scm_store_get_department (self, id, error);
  if (department == NULL
      || !scm_store_check_org_dept (self, scm_department_get_organization_id (department), id,
                                    &object, error))
    return FALSE;

  what = g_strdup_printf ("Department “%s”", object);
  return scm_store_check_unused (self, what, id, department_references,
                                 G_N_ELEMENTS (department_references), error)
         && scm_store_run (self, error, "DELETE FROM departments WHERE id = ?", "i", id)
         && scm_store_audit (self, NULL, "department.delete", object, SCM_AUDIT_SUCCESS,
                             "Department deleted", error);
}

gboolean
scm_store_delete_department (ScmStore *self,
                             gint64    id,
                             GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, delete_department_tx (self, id, error));
}

/* Domains ------------------------------------------------------------------------------ */

#define DOMAIN_COLUMNS \
  "id, name, organization_id, department_id, status, validated_at, created_at, modified_at"

static gpointer
domain_from_row (sqlite3_stmt *stmt)
{
  ScmDomain *domain = scm_domain_new ();

  scm_domain_set_id (domain, sqlite3_column_int64 (stmt, 0));
  scm_domain_set_name (domain, scm_store_column_text (stmt, 1));
  scm_domain_set_organization_id (domain, sqlite3_column_int64 (stmt, 2));
  scm_domain_set_department_id (domain, sqlite3_column_int64 (stmt, 3));
  scm_domain_set_validated (domain,
                            g_strcmp0 (scm_store_column_text (stmt, 4), "validated") == 0);
  scm_domain_set_validated_at (domain, sqlite3_column_int64 (stmt, 5));
  scm_domain_set_created_at (domain, sqlite3_column_int64 (stmt, 6));
  scm_domain_set_modified_at (domain, sqlite3_column_int64 (stmt, 7));
  return domain;
}

static gboolean
check_domain (ScmStore   *self,
              ScmDomain  *domain,
              char      **name,
              char      **delegation,
              GError    **error)
{
  gint64 organization_id = scm_domain_get_organization_id (domain);
  gint64 department_id = scm_domain_get_department_id (domain);
  gint64 other;

  if (!scm_validate_dns_name (scm_domain_get_name (domain), TRUE, name, error)
      || !scm_store_check_org_dept (self, organization_id, department_id, delegation, error))
    return FALSE;

  if (!scm_store_query_int64 (self, &other, 0, error,
                              "SELECT id FROM domains WHERE name = ? AND organization_id = ?"
                              " AND ifnull (department_id, 0) = ? AND id <> ?", "tiii",
                              *name, organization_id, department_id,
                              scm_domain_get_id (domain)))
    return FALSE;
  if (other != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_DUPLICATE,
                   _("%s is already delegated to %s."), *name, *delegation);
      return FALSE;
    }
  return TRUE;
}

static gboolean
create_domain_tx (ScmStore  *self,
                  ScmDomain *domain,
                  GError   **error)
{
  g_autofree char *name = NULL;
  g_autofree char *delegation = NULL;
  g_autofree char *message = NULL;
  gint64 now = scm_store_now ();

  if (!check_domain (self, domain, &name, &delegation, error)
      || !scm_store_run (self, error,
                         "INSERT INTO domains (name, organization_id, department_id, status,"
                         " created_at, modified_at) VALUES (?, ?, ?, 'pending', ?, ?)",
                         "tiIii", name, scm_domain_get_organization_id (domain),
                         scm_domain_get_department_id (domain), now, now))
    return FALSE;

  message = g_strdup_printf ("Domain delegated to %s, pending validation", delegation);
  if (!scm_store_audit (self, NULL, "domain.create", name, SCM_AUDIT_SUCCESS, message, error))
    return FALSE;

  scm_domain_set_id (domain, sqlite3_last_insert_rowid (self->db));
  scm_domain_set_name (domain, name);
  scm_domain_set_validated (domain, FALSE);
  scm_domain_set_validated_at (domain, 0);
  scm_domain_set_created_at (domain, now);
  scm_domain_set_modified_at (domain, now);
  return TRUE;
}

gboolean
scm_store_create_domain (ScmStore  *self,
                         ScmDomain *domain,
                         GError   **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_DOMAIN (domain), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, create_domain_tx (self, domain, error));
}

ScmDomain *
scm_store_get_domain (ScmStore *self,
                      gint64    id,
                      GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  return scm_store_fetch_by_id (self, "SELECT " DOMAIN_COLUMNS " FROM domains WHERE id = ?",
                                id, domain_from_row, "domain", error);
}

ScmDomain *
scm_store_find_domain (ScmStore   *self,
                       const char *name,
                       gint64      organization_id,
                       gint64      department_id,
                       GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *delegation = NULL;
  ScmDomain *domain;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  if (!scm_validate_dns_name (name, TRUE, &normalized, error))
    return NULL;

  SCM_STORE_LOCK (self);

  if (!scm_store_check_org_dept (self, organization_id, department_id, &delegation, error))
    return NULL;

  stmt = scm_store_query (self, &local_error,
                          "SELECT " DOMAIN_COLUMNS " FROM domains WHERE name = ?"
                          " AND organization_id = ? AND ifnull (department_id, 0) = ?", "tii",
                          normalized, organization_id, department_id);
  domain = scm_store_fetch_one (self, stmt, domain_from_row, &local_error);
  if (domain == NULL && local_error == NULL)
    g_set_error (&local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                 _("%s is not delegated to %s."), normalized, delegation);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return domain;
}

GPtrArray *
scm_store_list_domains (ScmStore *self,
                        gint64    organization_id,
                        GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  SCM_STORE_LOCK (self);

  stmt = scm_store_query (self, error,
                          "SELECT " DOMAIN_COLUMNS " FROM domains"
                          " WHERE ?1 IS NULL OR organization_id = ?1"
                          " ORDER BY name, organization_id, ifnull (department_id, 0)", "I",
                          organization_id);
  return scm_store_fetch_all (self, stmt, domain_from_row, error);
}

static gboolean
update_domain_tx (ScmStore  *self,
                  ScmDomain *domain,
                  GError   **error)
{
  g_autoptr(ScmDomain) stored = NULL;
  g_autofree char *name = NULL;
  g_autofree char *delegation = NULL;
  g_autofree char *message = NULL;
  gint64 id = scm_domain_get_id (domain);
  gint64 now = scm_store_now ();
  gint64 persons;
  gboolean changed;

  stored = scm_store_get_domain (self, id, error);
  if (stored == NULL || !check_domain (self, domain, &name, &delegation, error))
    return FALSE;

  changed = g_strcmp0 (name, scm_domain_get_name (stored)) != 0
            || scm_domain_get_organization_id (domain) != scm_domain_get_organization_id (stored)
            || scm_domain_get_department_id (domain) != scm_domain_get_department_id (stored);
  if (!changed)
    return TRUE;

  if (!scm_store_query_int64 (self, &persons, 0, error,
                              "SELECT count (*) FROM persons WHERE domain_id = ?", "i", id))
    return FALSE;
  if (persons > 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_IN_USE,
                   "Domain %s still has %" G_GINT64_FORMAT " %s; add a new delegation instead "
                   "of changing this one.", scm_domain_get_name (stored), persons,
                   persons == 1 ? "person" : "persons");
      return FALSE;
    }

  /* A new name or delegation has to be validated again. */
  if (!scm_store_run (self, error,
                      "UPDATE domains SET name = ?, organization_id = ?, department_id = ?,"
                      " status = 'pending', validated_at = NULL, modified_at = ? WHERE id = ?",
                      "tiIii", name, scm_domain_get_organization_id (domain),
                      scm_domain_get_department_id (domain), now, id))
    return FALSE;

  message = g_strdup_printf ("Domain changed from %s to %s, delegated to %s, pending validation",
                             scm_domain_get_name (stored), name, delegation);
  if (!scm_store_audit (self, NULL, "domain.update", name, SCM_AUDIT_SUCCESS, message, error))
    return FALSE;

  scm_domain_set_name (domain, name);
  scm_domain_set_validated (domain, FALSE);
  scm_domain_set_validated_at (domain, 0);
  scm_domain_set_modified_at (domain, now);
  return TRUE;
}

gboolean
scm_store_update_domain (ScmStore  *self,
                         ScmDomain *domain,
                         GError   **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_DOMAIN (domain), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, update_domain_tx (self, domain, error));
}

static const ScmStoreReference domain_references[] = {
  { "SELECT count (*) FROM persons WHERE domain_id = ? AND deleted_at IS NULL",
    "person", "persons", "delete or move THEM first." },
  { "SELECT count (*) FROM persons WHERE domain_id = ?",
    "deleted person", "deleted persons",
    "they are kept for their certificates, so the domain stays too." },
};

static gboolean
delete_domain_tx (ScmStore *self,
                  gint64    id,
                  GError  **error)
{
  g_autoptr(ScmDomain) domain = NULL;
  g_autofree char *what = NULL;

  domain = scm_store_get_domain (self, id, error);
  if (domain == NULL)
    return FALSE;

  what = g_strdup_printf ("Domain %s", scm_domain_get_name (domain));
  return scm_store_check_unused (self, what, id, domain_references,
                                 G_N_ELEMENTS (domain_references), error)
         && scm_store_run (self, error, "DELETE FROM domains WHERE id = ?", "i", id)
         && scm_store_audit (self, NULL, "domain.delete", scm_domain_get_name (domain),
                             SCM_AUDIT_SUCCESS, "Domain delegation removed", error);
}

gboolean
scm_store_delete_domain (ScmStore *self,
                         gint64    id,
                         GError  **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error, delete_domain_tx (self, id, error));
}

static gboolean
set_domain_validated_tx (ScmStore  *self,
                         ScmDomain *domain,
                         gboolean   validated,
                         GError   **error)
{
  g_autoptr(ScmDomain) stored = NULL;
  gint64 id = scm_domain_get_id (domain);
  gint64 now = scm_store_now ();

  stored = scm_store_get_domain (self, id, error);
  if (stored == NULL
      || !scm_store_run (self, error,
                         "UPDATE domains SET status = ?, validated_at = ?, modified_at = ?"
                         " WHERE id = ?", "tIii", validated ? "validated" : "pending",
                         validated ? now : 0, now, id)
      || !scm_store_audit (self, NULL, validated ? "domain.validate" : "domain.invalidate",
                           scm_domain_get_name (stored), SCM_AUDIT_SUCCESS,
                           validated ? "Domain validated" : "Domain set back to pending", error))
    return FALSE;

  scm_domain_set_validated (domain, validated);
  scm_domain_set_validated_at (domain, validated ? now : 0);
  scm_domain_set_modified_at (domain, now);
  return TRUE;
}

gboolean
scm_store_set_domain_validated (ScmStore  *self,
                                ScmDomain *domain,
                                gboolean   validated,
                                GError   **error)
{
  g_return_val_if_fail (SCM_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCM_IS_DOMAIN (domain), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SCM_STORE_LOCK (self);

  return SCM_STORE_ATOMIC (self, error,
                           set_domain_validated_tx (self, domain, !!validated, error));
}

/* TRUE if delegated @pattern ("example.org" or "*.example.org") covers
 * the email domain @name. */
static gboolean
domain_covers (const char *pattern,
               const char *name)
{
  const char *base;
  gsize name_len;
  gsize base_len;

  if (!g_str_has_prefix (pattern, "*."))
    return g_strcmp0 (pattern, name) == 0;

  base = pattern + 2;
  name_len = strlen (name);
  base_len = strlen (base);
  if (name_len == base_len)
    return strcmp (name, base) == 0;
  return name_len > base_len + 1
         && name[name_len - base_len - 1] == '.'
         && strcmp (name + name_len - base_len, base) == 0;
}

ScmDomain *
scm_store_find_delegating_domain (ScmStore   *self,
                                  const char *email,
                                  gint64      organization_id,
                                  gint64      department_id,
                                  GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *delegation = NULL;
  g_autoptr(ScmDomain) pending = NULL;
  const char *email_domain;
  int rc;

  g_return_val_if_fail (SCM_IS_STORE (self), NULL);

  if (!scm_validate_email (email, &normalized, error))
    return NULL;
  email_domain = scm_email_get_domain (normalized);

  SCM_STORE_LOCK (self);

  if (!scm_store_check_org_dept (self, organization_id, department_id, &delegation, error))
    return NULL;

  /* An organization has few delegations: match them here rather than
   * building the list of "*." parents in SQL. Department delegations
   * first, then the most specific name. */
  stmt = scm_store_query (self, error,
                          "SELECT " DOMAIN_COLUMNS " FROM domains WHERE organization_id = ?"
                          " AND (department_id IS NULL OR department_id = ?)"
                          " ORDER BY department_id IS NULL, length (name) DESC", "ii",
                          organization_id, department_id);
  if (stmt == NULL)
    return NULL;

  while ((rc = scm_store_step (self, stmt, error)) == SQLITE_ROW)
    {
      const char *name = scm_store_column_text (stmt, 1);

      if (!domain_covers (name, email_domain))
        continue;
      if (g_strcmp0 (scm_store_column_text (stmt, 4), "validated") == 0)
        return domain_from_row (stmt);
      if (pending == NULL)
        pending = domain_from_row (stmt);
    }
  if (rc < 0)
    return NULL;

  if (pending != NULL)
    g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_DELEGATED,
                 _("%s is delegated to %s but still pending validation; validate the domain %s "
                 "first."), email_domain, delegation, scm_domain_get_name (pending));
  else
    g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_DELEGATED,
                 _("%s is not a delegated domain of %s; delegate it under Domains first."),
                 email_domain, delegation);
  return NULL;
}
