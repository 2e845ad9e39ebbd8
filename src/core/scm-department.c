/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include "scm-department.h"

struct _ScmDepartment
{
  GObject parent_instance;

  gint64 id;
  gint64 organization_id;
  char *name;
  gint64 created_at;
  gint64 modified_at;
};

G_DEFINE_FINAL_TYPE (ScmDepartment, scm_department, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_ORGANIZATION_ID,
  PROP_NAME,
  PROP_CREATED_AT,
  PROP_MODIFIED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_department_finalize (GObject *object)
{
  ScmDepartment *self = SCM_DEPARTMENT (object);

  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (scm_department_parent_class)->finalize (object);
}

static void
scm_department_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ScmDepartment *self = SCM_DEPARTMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_ORGANIZATION_ID:
      g_value_set_int64 (value, self->organization_id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    case PROP_MODIFIED_AT:
      g_value_set_int64 (value, self->modified_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_department_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ScmDepartment *self = SCM_DEPARTMENT (object);

  switch (prop_id)
    {
    case PROP_ID:
      scm_department_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_ORGANIZATION_ID:
      scm_department_set_organization_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      scm_department_set_name (self, g_value_get_string (value));
      break;

    case PROP_CREATED_AT:
      scm_department_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_MODIFIED_AT:
      scm_department_set_modified_at (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_department_class_init (ScmDepartmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_department_finalize;
  object_class->get_property = scm_department_get_property;
  object_class->set_property = scm_department_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORGANIZATION_ID] =
    g_param_spec_int64 ("organization-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED_AT] =
    g_param_spec_int64 ("modified-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scm_department_init (ScmDepartment *self)
{
}

ScmDepartment *
scm_department_new (void)
{
  return g_object_new (SCM_TYPE_DEPARTMENT, NULL);
}

/* The database id; 0 until the store has saved the department. */
gint64
scm_department_get_id (ScmDepartment *self)
{
  g_return_val_if_fail (SCM_IS_DEPARTMENT (self), 0);

  return self->id;
}

void
scm_department_set_id (ScmDepartment *self,
                       gint64         id)
{
  g_return_if_fail (SCM_IS_DEPARTMENT (self));

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

gint64
scm_department_get_organization_id (ScmDepartment *self)
{
  g_return_val_if_fail (SCM_IS_DEPARTMENT (self), 0);

  return self->organization_id;
}

void
scm_department_set_organization_id (ScmDepartment *self,
                                    gint64         organization_id)
{
  g_return_if_fail (SCM_IS_DEPARTMENT (self));

  if (self->organization_id == organization_id)
    return;

  self->organization_id = organization_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORGANIZATION_ID]);
}

const char *
scm_department_get_name (ScmDepartment *self)
{
  g_return_val_if_fail (SCM_IS_DEPARTMENT (self), NULL);

  return self->name;
}

void
scm_department_set_name (ScmDepartment *self,
                         const char    *name)
{
  g_return_if_fail (SCM_IS_DEPARTMENT (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

gint64
scm_department_get_created_at (ScmDepartment *self)
{
  g_return_val_if_fail (SCM_IS_DEPARTMENT (self), 0);

  return self->created_at;
}

void
scm_department_set_created_at (ScmDepartment *self,
                               gint64         created_at)
{
  g_return_if_fail (SCM_IS_DEPARTMENT (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

gint64
scm_department_get_modified_at (ScmDepartment *self)
{
  g_return_val_if_fail (SCM_IS_DEPARTMENT (self), 0);

  return self->modified_at;
}

void
scm_department_set_modified_at (ScmDepartment *self,
                                gint64         modified_at)
{
  g_return_if_fail (SCM_IS_DEPARTMENT (self));

  if (self->modified_at == modified_at)
    return;

  self->modified_at = modified_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED_AT]);
}

