/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include "scm-array-private.h"
#include "scm-account.h"

struct _ScmAccount
{
  GObject parent_instance;

  gint64 id;
  gint64 form_id;
  char *name;
  gint64 organization_id;
  gint64 department_id;
  GArray *profile_ids;
  ScmCsrMethod csr_methods;
  ScmAuthorization authorization;
  gboolean has_access_code;
  ScmPkcs12Protection pkcs12_protection;
  gboolean allow_empty_password;
  gint64 created_at;
  gint64 modified_at;
};

G_DEFINE_FINAL_TYPE (ScmAccount, scm_account, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_FORM_ID,
  PROP_NAME,
  PROP_ORGANIZATION_ID,
  PROP_DEPARTMENT_ID,
  PROP_PROFILE_IDS,
  PROP_CSR_METHODS,
  PROP_AUTHORIZATION,
  PROP_HAS_ACCESS_CODE,
  PROP_PKCS12_PROTECTION,
  PROP_ALLOW_EMPTY_PASSWORD,
  PROP_CREATED_AT,
  PROP_MODIFIED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_account_finalize (GObject *object)
{
  ScmAccount *self = SCM_ACCOUNT (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->profile_ids, g_array_unref);

  G_OBJECT_CLASS (scm_account_parent_class)->finalize (object);
}

static void
scm_account_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ScmAccount *self = SCM_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_FORM_ID:
      g_value_set_int64 (value, self->form_id);
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

    case PROP_PROFILE_IDS:
      g_value_set_boxed (value, self->profile_ids);
      break;

    case PROP_CSR_METHODS:
      g_value_set_uint (value, self->csr_methods);
      break;

    case PROP_AUTHORIZATION:
      g_value_set_int (value, self->authorization);
      break;

    case PROP_HAS_ACCESS_CODE:
      g_value_set_boolean (value, self->has_access_code);
      break;

    case PROP_PKCS12_PROTECTION:
      g_value_set_int (value, self->pkcs12_protection);
      break;

    case PROP_ALLOW_EMPTY_PASSWORD:
      g_value_set_boolean (value, self->allow_empty_password);
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
scm_account_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  ScmAccount *self = SCM_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      scm_account_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_FORM_ID:
      scm_account_set_form_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      scm_account_set_name (self, g_value_get_string (value));
      break;

    case PROP_ORGANIZATION_ID:
      scm_account_set_organization_id (self, g_value_get_int64 (value));
      break;

    case PROP_DEPARTMENT_ID:
      scm_account_set_department_id (self, g_value_get_int64 (value));
      break;

    case PROP_PROFILE_IDS:
      scm_account_set_profile_ids (self, g_value_get_boxed (value));
      break;

    case PROP_CSR_METHODS:
      scm_account_set_csr_methods (self, g_value_get_uint (value));
      break;

    case PROP_AUTHORIZATION:
      scm_account_set_authorization (self, g_value_get_int (value));
      break;

    case PROP_HAS_ACCESS_CODE:
      scm_account_set_has_access_code (self, g_value_get_boolean (value));
      break;

    case PROP_PKCS12_PROTECTION:
      scm_account_set_pkcs12_protection (self, g_value_get_int (value));
      break;

    case PROP_ALLOW_EMPTY_PASSWORD:
      scm_account_set_allow_empty_password (self, g_value_get_boolean (value));
      break;

    case PROP_CREATED_AT:
      scm_account_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_MODIFIED_AT:
      scm_account_set_modified_at (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_account_class_init (ScmAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_account_finalize;
  object_class->get_property = scm_account_get_property;
  object_class->set_property = scm_account_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FORM_ID] =
    g_param_spec_int64 ("form-id", NULL, NULL, 0, G_MAXINT64, 0,
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
  properties[PROP_PROFILE_IDS] =
    g_param_spec_boxed ("profile-ids", NULL, NULL, G_TYPE_ARRAY,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CSR_METHODS] =
    g_param_spec_uint ("csr-methods", NULL, NULL,
                       0,
                       SCM_CSR_METHOD_SERVER | SCM_CSR_METHOD_CLIENT | SCM_CSR_METHOD_PROVIDED,
                       SCM_CSR_METHOD_SERVER,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTHORIZATION] =
    g_param_spec_int ("authorization", NULL, NULL,
                      SCM_AUTHORIZATION_NONE,
                      SCM_AUTHORIZATION_SECRET_ID,
                      SCM_AUTHORIZATION_NONE,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_ACCESS_CODE] =
    g_param_spec_boolean ("has-access-code", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PKCS12_PROTECTION] =
    g_param_spec_int ("pkcs12-protection", NULL, NULL,
                      SCM_PKCS12_AES256_SHA256,
                      SCM_PKCS12_TRIPLEDES_SHA1,
                      SCM_PKCS12_AES256_SHA256,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALLOW_EMPTY_PASSWORD] =
    g_param_spec_boolean ("allow-empty-password", NULL, NULL, FALSE,
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
scm_account_init (ScmAccount *self)
{
  self->profile_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->csr_methods = SCM_CSR_METHOD_SERVER;
  self->authorization = SCM_AUTHORIZATION_NONE;
  self->pkcs12_protection = SCM_PKCS12_AES256_SHA256;
}

ScmAccount *
scm_account_new (void)
{
  return g_object_new (SCM_TYPE_ACCOUNT, NULL);
}

/* The database id; 0 until the store has saved the account. */
gint64
scm_account_get_id (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), 0);

  return self->id;
}

void
scm_account_set_id (ScmAccount *self,
                    gint64      id)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

gint64
scm_account_get_form_id (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), 0);

  return self->form_id;
}

void
scm_account_set_form_id (ScmAccount *self,
                         gint64      form_id)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  if (self->form_id == form_id)
    return;

  self->form_id = form_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORM_ID]);
}

const char *
scm_account_get_name (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), NULL);

  return self->name;
}

void
scm_account_set_name (ScmAccount *self,
                      const char *name)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

gint64
scm_account_get_organization_id (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), 0);

  return self->organization_id;
}

void
scm_account_set_organization_id (ScmAccount *self,
                                 gint64      organization_id)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  if (self->organization_id == organization_id)
    return;

  self->organization_id = organization_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORGANIZATION_ID]);
}

/* A department of the organization, or 0. */
gint64
scm_account_get_department_id (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), 0);

  return self->department_id;
}

void
scm_account_set_department_id (ScmAccount *self,
                               gint64      department_id)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  if (self->department_id == department_id)
    return;

  self->department_id = department_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPARTMENT_ID]);
}

/* The allowed profiles (gint64 ids), at least one. */
GArray *
scm_account_get_profile_ids (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), NULL);

  return self->profile_ids;
}

void
scm_account_set_profile_ids (ScmAccount *self,
                             GArray     *profile_ids)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  if (scm_array_replace (self->profile_ids, profile_ids))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE_IDS]);
}

/* ScmCsrMethod flags, at least one. */
ScmCsrMethod
scm_account_get_csr_methods (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), 0);

  return self->csr_methods;
}

void
scm_account_set_csr_methods (ScmAccount  *self,
                             ScmCsrMethod csr_methods)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  if (self->csr_methods == csr_methods)
    return;

  self->csr_methods = csr_methods;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CSR_METHODS]);
}

ScmAuthorization
scm_account_get_authorization (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), (ScmAuthorization) 0);

  return self->authorization;
}

void
scm_account_set_authorization (ScmAccount      *self,
                               ScmAuthorization authorization)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  if (self->authorization == authorization)
    return;

  self->authorization = authorization;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHORIZATION]);
}

/* Set by the store: TRUE when an access code was generated. */
gboolean
scm_account_get_has_access_code (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), FALSE);

  return self->has_access_code;
}

void
scm_account_set_has_access_code (ScmAccount *self,
                                 gboolean    has_access_code)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  has_access_code = !!has_access_code;
  if (self->has_access_code == has_access_code)
    return;

  self->has_access_code = has_access_code;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_ACCESS_CODE]);
}

ScmPkcs12Protection
scm_account_get_pkcs12_protection (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), (ScmPkcs12Protection) 0);

  return self->pkcs12_protection;
}

void
scm_account_set_pkcs12_protection (ScmAccount         *self,
                                   ScmPkcs12Protection pkcs12_protection)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  if (self->pkcs12_protection == pkcs12_protection)
    return;

  self->pkcs12_protection = pkcs12_protection;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PKCS12_PROTECTION]);
}

gboolean
scm_account_get_allow_empty_password (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), FALSE);

  return self->allow_empty_password;
}

void
scm_account_set_allow_empty_password (ScmAccount *self,
                                      gboolean    allow_empty_password)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  allow_empty_password = !!allow_empty_password;
  if (self->allow_empty_password == allow_empty_password)
    return;

  self->allow_empty_password = allow_empty_password;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_EMPTY_PASSWORD]);
}

gint64
scm_account_get_created_at (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), 0);

  return self->created_at;
}

void
scm_account_set_created_at (ScmAccount *self,
                            gint64      created_at)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

gint64
scm_account_get_modified_at (ScmAccount *self)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), 0);

  return self->modified_at;
}

void
scm_account_set_modified_at (ScmAccount *self,
                             gint64      modified_at)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  if (self->modified_at == modified_at)
    return;

  self->modified_at = modified_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED_AT]);
}

void
scm_account_add_profile_id (ScmAccount *self,
                            gint64      profile_id)
{
  g_return_if_fail (SCM_IS_ACCOUNT (self));

  if (scm_account_has_profile (self, profile_id))
    return;

  g_array_append_val (self->profile_ids, profile_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE_IDS]);
}

gboolean
scm_account_has_profile (ScmAccount *self,
                         gint64      profile_id)
{
  g_return_val_if_fail (SCM_IS_ACCOUNT (self), FALSE);

  for (guint i = 0; i < self->profile_ids->len; i++)
    if (g_array_index (self->profile_ids, gint64, i) == profile_id)
      return TRUE;
  return FALSE;
}
