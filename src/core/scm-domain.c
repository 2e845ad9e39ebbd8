/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include "scm-domain.h"

struct _ScmDomain
{
  GObject parent_instance;

  gint64 id;
  char *name;
  gint64 organization_id;
  gint64 department_id;
  gboolean validated;
  gint64 validated_at;
  gint64 created_at;
  gint64 modified_at;
};

G_DEFINE_FINAL_TYPE (ScmDomain, scm_domain, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_ORGANIZATION_ID,
  PROP_DEPARTMENT_ID,
  PROP_VALIDATED,
  PROP_VALIDATED_AT,
  PROP_CREATED_AT,
  PROP_MODIFIED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_domain_finalize (GObject *object)
{
  ScmDomain *self = SCM_DOMAIN (object);

  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (scm_domain_parent_class)->finalize (object);
}

static void
scm_domain_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ScmDomain *self = SCM_DOMAIN (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_ORGANIZATION_ID:
      g_value_set_int64 (value, self->organization_id);
      break;

    case PROP_DEPARTMENT_ID:
      g_value_set_int64 (value, self->department_id);
      break;

    case PROP_VALIDATED:
      g_value_set_boolean (value, self->validated);
      break;

    case PROP_VALIDATED_AT:
      g_value_set_int64 (value, self->validated_at);
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
scm_domain_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ScmDomain *self = SCM_DOMAIN (object);

  switch (prop_id)
    {
    case PROP_ID:
      scm_domain_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      scm_domain_set_name (self, g_value_get_string (value));
      break;

    case PROP_ORGANIZATION_ID:
      scm_domain_set_organization_id (self, g_value_get_int64 (value));
      break;

    case PROP_DEPARTMENT_ID:
      scm_domain_set_department_id (self, g_value_get_int64 (value));
      break;

    case PROP_VALIDATED:
      scm_domain_set_validated (self, g_value_get_boolean (value));
      break;

    case PROP_VALIDATED_AT:
      scm_domain_set_validated_at (self, g_value_get_int64 (value));
      break;

    case PROP_CREATED_AT:
      scm_domain_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_MODIFIED_AT:
      scm_domain_set_modified_at (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_domain_class_init (ScmDomainClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_domain_finalize;
  object_class->get_property = scm_domain_get_property;
  object_class->set_property = scm_domain_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORGANIZATION_ID] =
    g_param_spec_int64 ("organization-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEPARTMENT_ID] =
    g_param_spec_int64 ("department-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALIDATED] =
    g_param_spec_boolean ("validated", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALIDATED_AT] =
    g_param_spec_int64 ("validated-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
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
scm_domain_init (ScmDomain *self)
{
}

ScmDomain *
scm_domain_new (void)
{
  return g_object_new (SCM_TYPE_DOMAIN, NULL);
}

/* The database id; 0 until the store has saved the domain. */
gint64
scm_domain_get_id (ScmDomain *self)
{
  g_return_val_if_fail (SCM_IS_DOMAIN (self), 0);

  return self->id;
}

void
scm_domain_set_id (ScmDomain *self,
                   gint64     id)
{
  g_return_if_fail (SCM_IS_DOMAIN (self));

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

/* Lower-case DNS name, optionally starting with "*.". */
const char *
scm_domain_get_name (ScmDomain *self)
{
  g_return_val_if_fail (SCM_IS_DOMAIN (self), NULL);

  return self->name;
}

void
scm_domain_set_name (ScmDomain  *self,
                     const char *name)
{
  g_return_if_fail (SCM_IS_DOMAIN (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

gint64
scm_domain_get_organization_id (ScmDomain *self)
{
  g_return_val_if_fail (SCM_IS_DOMAIN (self), 0);

  return self->organization_id;
}

void
scm_domain_set_organization_id (ScmDomain *self,
                                gint64     organization_id)
{
  g_return_if_fail (SCM_IS_DOMAIN (self));

  if (self->organization_id == organization_id)
    return;

  self->organization_id = organization_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORGANIZATION_ID]);
}

/* The department the domain is delegated to, or 0 for the whole organization. */
gint64
scm_domain_get_department_id (ScmDomain *self)
{
  g_return_val_if_fail (SCM_IS_DOMAIN (self), 0);

  return self->department_id;
}

void
scm_domain_set_department_id (ScmDomain *self,
                              gint64     department_id)
{
  g_return_if_fail (SCM_IS_DOMAIN (self));

  if (self->department_id == department_id)
    return;

  self->department_id = department_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPARTMENT_ID]);
}

/* TRUE once validated; pending otherwise. */
gboolean
scm_domain_get_validated (ScmDomain *self)
{
  g_return_val_if_fail (SCM_IS_DOMAIN (self), FALSE);

  return self->validated;
}

void
scm_domain_set_validated (ScmDomain *self,
                          gboolean   validated)
{
  g_return_if_fail (SCM_IS_DOMAIN (self));

  validated = !!validated;
  if (self->validated == validated)
    return;

  self->validated = validated;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALIDATED]);
}

/* Unix time (seconds) of validation, or 0. */
gint64
scm_domain_get_validated_at (ScmDomain *self)
{
  g_return_val_if_fail (SCM_IS_DOMAIN (self), 0);

  return self->validated_at;
}

void
scm_domain_set_validated_at (ScmDomain *self,
                             gint64     validated_at)
{
  g_return_if_fail (SCM_IS_DOMAIN (self));

  if (self->validated_at == validated_at)
    return;

  self->validated_at = validated_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALIDATED_AT]);
}

gint64
scm_domain_get_created_at (ScmDomain *self)
{
  g_return_val_if_fail (SCM_IS_DOMAIN (self), 0);

  return self->created_at;
}

void
scm_domain_set_created_at (ScmDomain *self,
                           gint64     created_at)
{
  g_return_if_fail (SCM_IS_DOMAIN (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

gint64
scm_domain_get_modified_at (ScmDomain *self)
{
  g_return_val_if_fail (SCM_IS_DOMAIN (self), 0);

  return self->modified_at;
}

void
scm_domain_set_modified_at (ScmDomain *self,
                            gint64     modified_at)
{
  g_return_if_fail (SCM_IS_DOMAIN (self));

  if (self->modified_at == modified_at)
    return;

  self->modified_at = modified_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED_AT]);
}

gboolean
scm_domain_is_wildcard (ScmDomain *self)
{
  g_return_val_if_fail (SCM_IS_DOMAIN (self), FALSE);

  return self->name != NULL && g_str_has_prefix (self->name, "*.");
}
