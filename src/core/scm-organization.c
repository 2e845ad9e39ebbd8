/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include "scm-organization.h"

struct _ScmOrganization
{
  GObject parent_instance;

  gint64 id;
  char *name;
  char *secondary_name;
  char *country;
  gint64 created_at;
  gint64 modified_at;
};

G_DEFINE_FINAL_TYPE (ScmOrganization, scm_organization, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_SECONDARY_NAME,
  PROP_COUNTRY,
  PROP_CREATED_AT,
  PROP_MODIFIED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_organization_finalize (GObject *object)
{
  ScmOrganization *self = SCM_ORGANIZATION (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->secondary_name, g_free);
  g_clear_pointer (&self->country, g_free);

  G_OBJECT_CLASS (scm_organization_parent_class)->finalize (object);
}

static void
scm_organization_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ScmOrganization *self = SCM_ORGANIZATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_SECONDARY_NAME:
      g_value_set_string (value, self->secondary_name);
      break;

    case PROP_COUNTRY:
      g_value_set_string (value, self->country);
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
scm_organization_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ScmOrganization *self = SCM_ORGANIZATION (object);

  switch (prop_id)
    {
    case PROP_ID:
      scm_organization_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      scm_organization_set_name (self, g_value_get_string (value));
      break;

    case PROP_SECONDARY_NAME:
      scm_organization_set_secondary_name (self, g_value_get_string (value));
      break;

    case PROP_COUNTRY:
      scm_organization_set_country (self, g_value_get_string (value));
      break;

    case PROP_CREATED_AT:
      scm_organization_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_MODIFIED_AT:
      scm_organization_set_modified_at (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_organization_class_init (ScmOrganizationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_organization_finalize;
  object_class->get_property = scm_organization_get_property;
  object_class->set_property = scm_organization_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECONDARY_NAME] =
    g_param_spec_string ("secondary-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COUNTRY] =
    g_param_spec_string ("country", NULL, NULL, NULL,
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
scm_organization_init (ScmOrganization *self)
{
}

ScmOrganization *
scm_organization_new (void)
{
  return g_object_new (SCM_TYPE_ORGANIZATION, NULL);
}

/* The database id; 0 until the store has saved the organization. */
gint64
scm_organization_get_id (ScmOrganization *self)
{
  g_return_val_if_fail (SCM_IS_ORGANIZATION (self), 0);

  return self->id;
}

void
scm_organization_set_id (ScmOrganization *self,
                         gint64           id)
{
  g_return_if_fail (SCM_IS_ORGANIZATION (self));

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
scm_organization_get_name (ScmOrganization *self)
{
  g_return_val_if_fail (SCM_IS_ORGANIZATION (self), NULL);

  return self->name;
}

void
scm_organization_set_name (ScmOrganization *self,
                           const char      *name)
{
  g_return_if_fail (SCM_IS_ORGANIZATION (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/* An optional second name, e.g. the legal name. */
const char *
scm_organization_get_secondary_name (ScmOrganization *self)
{
  g_return_val_if_fail (SCM_IS_ORGANIZATION (self), NULL);

  return self->secondary_name;
}

void
scm_organization_set_secondary_name (ScmOrganization *self,
                                     const char      *secondary_name)
{
  g_return_if_fail (SCM_IS_ORGANIZATION (self));

  if (g_strcmp0 (self->secondary_name, secondary_name) == 0)
    return;

  g_free (self->secondary_name);
  self->secondary_name = g_strdup (secondary_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDARY_NAME]);
}

/* ISO 3166-1 alpha-2 code (“DE”) or NULL. */
const char *
scm_organization_get_country (ScmOrganization *self)
{
  g_return_val_if_fail (SCM_IS_ORGANIZATION (self), NULL);

  return self->country;
}

void
scm_organization_set_country (ScmOrganization *self,
                              const char      *country)
{
  g_return_if_fail (SCM_IS_ORGANIZATION (self));

  if (g_strcmp0 (self->country, country) == 0)
    return;

  g_free (self->country);
  self->country = g_strdup (country);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNTRY]);
}

/* Unix time (seconds) of creation. */
gint64
scm_organization_get_created_at (ScmOrganization *self)
{
  g_return_val_if_fail (SCM_IS_ORGANIZATION (self), 0);

  return self->created_at;
}

void
scm_organization_set_created_at (ScmOrganization *self,
                                 gint64           created_at)
{
  g_return_if_fail (SCM_IS_ORGANIZATION (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

/* Unix time (seconds) of the last change. */
gint64
scm_organization_get_modified_at (ScmOrganization *self)
{
  g_return_val_if_fail (SCM_IS_ORGANIZATION (self), 0);

  return self->modified_at;
}

void
scm_organization_set_modified_at (ScmOrganization *self,
                                  gint64           modified_at)
{
  g_return_if_fail (SCM_IS_ORGANIZATION (self));

  if (self->modified_at == modified_at)
    return;

  self->modified_at = modified_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED_AT]);
}

