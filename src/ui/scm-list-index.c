/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include "scm-list-index.h"

struct _ScmListIndex
{
  GObject parent_instance;

  GPtrArray *organizations;
  GPtrArray *departments;
  GPtrArray *domains;
  GPtrArray *forms;
  /* id → borrowed name, pointing into the objects above */
  GHashTable *organization_names;
  GHashTable *department_names;
  GHashTable *form_names;
};

G_DEFINE_FINAL_TYPE (ScmListIndex, scm_list_index, G_TYPE_OBJECT)

static void
scm_list_index_finalize (GObject *object)
{
  ScmListIndex *self = SCM_LIST_INDEX (object);

  g_clear_pointer (&self->organization_names, g_hash_table_unref);
  g_clear_pointer (&self->department_names, g_hash_table_unref);
  g_clear_pointer (&self->form_names, g_hash_table_unref);
  g_clear_pointer (&self->organizations, g_ptr_array_unref);
  g_clear_pointer (&self->departments, g_ptr_array_unref);
  g_clear_pointer (&self->domains, g_ptr_array_unref);
  g_clear_pointer (&self->forms, g_ptr_array_unref);

  G_OBJECT_CLASS (scm_list_index_parent_class)->finalize (object);
}

static void
scm_list_index_class_init (ScmListIndexClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = scm_list_index_finalize;
}

static void
scm_list_index_init (ScmListIndex *self)
{
  self->organization_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->department_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->form_names = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static void
add_name (GHashTable *table,
          gint64      id,
          const char *name)
{
  g_hash_table_insert (table, g_memdup2 (&id, sizeof id), (gpointer) name);
}

ScmListIndex *
scm_list_index_new_empty (void)
{
  ScmListIndex *self = g_object_new (SCM_TYPE_LIST_INDEX, NULL);

  self->organizations = g_ptr_array_new_with_free_func (g_object_unref);
  self->departments = g_ptr_array_new_with_free_func (g_object_unref);
  self->domains = g_ptr_array_new_with_free_func (g_object_unref);
  self->forms = g_ptr_array_new_with_free_func (g_object_unref);
  return self;
}

ScmListIndex *
scm_list_index_load (ScmStore  *store,
                     GError   **error)
{
  g_autoptr (ScmListIndex) self = NULL;

  g_return_val_if_fail (SCM_IS_STORE (store), NULL);

  self = g_object_new (SCM_TYPE_LIST_INDEX, NULL);
  if ((self->organizations = scm_store_list_organizations (store, error)) == NULL ||
      (self->departments = scm_store_list_departments (store, 0, error)) == NULL ||
      (self->domains = scm_store_list_domains (store, 0, error)) == NULL ||
      (self->forms = scm_store_list_forms (store, error)) == NULL)
    return NULL;

  for (guint i = 0; i < self->organizations->len; i++)
    add_name (self->organization_names,
              scm_organization_get_id (self->organizations->pdata[i]),
              scm_organization_get_name (self->organizations->pdata[i]));
  for (guint i = 0; i < self->departments->len; i++)
    add_name (self->department_names,
              scm_department_get_id (self->departments->pdata[i]),
              scm_department_get_name (self->departments->pdata[i]));
  for (guint i = 0; i < self->forms->len; i++)
    add_name (self->form_names,
              scm_form_get_id (self->forms->pdata[i]),
              scm_form_get_name (self->forms->pdata[i]));

  return g_steal_pointer (&self);
}

GPtrArray *
scm_list_index_get_organizations (ScmListIndex *self)
{
  g_return_val_if_fail (SCM_IS_LIST_INDEX (self), NULL);

  return self->organizations;
}

GPtrArray *
scm_list_index_get_domains (ScmListIndex *self)
{
  g_return_val_if_fail (SCM_IS_LIST_INDEX (self), NULL);

  return self->domains;
}

GPtrArray *
scm_list_index_list_departments (ScmListIndex *self,
                                 gint64        organization_id)
{
  GPtrArray *departments;

  g_return_val_if_fail (SCM_IS_LIST_INDEX (self), NULL);

  departments = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->departments->len; i++)
    {
      ScmDepartment *department = self->departments->pdata[i];

      if (scm_department_get_organization_id (department) == organization_id)
        g_ptr_array_add (departments, g_object_ref (department));
    }
  return departments;
}

guint
scm_list_index_count_departments (ScmListIndex *self,
                                  gint64        organization_id)
{
  guint count = 0;

  g_return_val_if_fail (SCM_IS_LIST_INDEX (self), 0);

  for (guint i = 0; i < self->departments->len; i++)
    if (scm_department_get_organization_id (self->departments->pdata[i]) == organization_id)
      count++;
  return count;
}

static const char *
lookup_name (GHashTable *table,
             gint64      id)
{
  const char *name = g_hash_table_lookup (table, &id);

  return name != NULL ? name : "";
}

const char *
scm_list_index_get_organization_name (ScmListIndex *self,
                                      gint64        id)
{
  g_return_val_if_fail (SCM_IS_LIST_INDEX (self), "");

  return lookup_name (self->organization_names, id);
}

const char *
scm_list_index_get_department_name (ScmListIndex *self,
                                    gint64        id)
{
  g_return_val_if_fail (SCM_IS_LIST_INDEX (self), "");

  return lookup_name (self->department_names, id);
}

const char *
scm_list_index_get_form_name (ScmListIndex *self,
                              gint64        id)
{
  g_return_val_if_fail (SCM_IS_LIST_INDEX (self), "");

  return lookup_name (self->form_names, id);
}
