/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include "scm-person.h"

struct _ScmPerson
{
  GObject parent_instance;

  gint64 id;
  gint64 organization_id;
  gint64 department_id;
  gint64 domain_id;
  char *first_name;
  char *middle_name;
  char *last_name;
  char *email;
  char **secondary_emails;
  char *phone;
  char *common_name;
  char *upn;
  char *eppn;
  ScmValidationType validation_type;
  gboolean sponsor_validated;
  char *sponsor_validated_by;
  gint64 sponsor_validated_at;
  gboolean has_secret_id;
  gint64 created_at;
  char *created_by;
  gint64 modified_at;
  char *modified_by;
  gint64 deleted_at;
};

G_DEFINE_FINAL_TYPE (ScmPerson, scm_person, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_ORGANIZATION_ID,
  PROP_DEPARTMENT_ID,
  PROP_DOMAIN_ID,
  PROP_FIRST_NAME,
  PROP_MIDDLE_NAME,
  PROP_LAST_NAME,
  PROP_EMAIL,
  PROP_SECONDARY_EMAILS,
  PROP_PHONE,
  PROP_COMMON_NAME,
  PROP_UPN,
  PROP_EPPN,
  PROP_VALIDATION_TYPE,
  PROP_SPONSOR_VALIDATED,
  PROP_SPONSOR_VALIDATED_BY,
  PROP_SPONSOR_VALIDATED_AT,
  PROP_HAS_SECRET_ID,
  PROP_CREATED_AT,
  PROP_CREATED_BY,
  PROP_MODIFIED_AT,
  PROP_MODIFIED_BY,
  PROP_DELETED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
strv_equal0 (const char * const *a,
             const char * const *b)
{
  if (a == NULL || b == NULL)
    return (a == NULL || a[0] == NULL) && (b == NULL || b[0] == NULL);
  return g_strv_equal (a, b);
}

static void
scm_person_finalize (GObject *object)
{
  ScmPerson *self = SCM_PERSON (object);

  g_clear_pointer (&self->first_name, g_free);
  g_clear_pointer (&self->middle_name, g_free);
  g_clear_pointer (&self->last_name, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->secondary_emails, g_strfreev);
  g_clear_pointer (&self->phone, g_free);
  g_clear_pointer (&self->common_name, g_free);
  g_clear_pointer (&self->upn, g_free);
  g_clear_pointer (&self->eppn, g_free);
  g_clear_pointer (&self->sponsor_validated_by, g_free);
  g_clear_pointer (&self->created_by, g_free);
  g_clear_pointer (&self->modified_by, g_free);

  G_OBJECT_CLASS (scm_person_parent_class)->finalize (object);
}

static void
scm_person_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ScmPerson *self = SCM_PERSON (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_ORGANIZATION_ID:
      g_value_set_int64 (value, self->organization_id);
      break;

    case PROP_DEPARTMENT_ID:
      g_value_set_int64 (value, self->department_id);
      break;

    case PROP_DOMAIN_ID:
      g_value_set_int64 (value, self->domain_id);
      break;

    case PROP_FIRST_NAME:
      g_value_set_string (value, self->first_name);
      break;

    case PROP_MIDDLE_NAME:
      g_value_set_string (value, self->middle_name);
      break;

    case PROP_LAST_NAME:
      g_value_set_string (value, self->last_name);
      break;

    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;

    case PROP_SECONDARY_EMAILS:
      g_value_set_boxed (value, self->secondary_emails);
      break;

    case PROP_PHONE:
      g_value_set_string (value, self->phone);
      break;

    case PROP_COMMON_NAME:
      g_value_set_string (value, self->common_name);
      break;

    case PROP_UPN:
      g_value_set_string (value, self->upn);
      break;

    case PROP_EPPN:
      g_value_set_string (value, self->eppn);
      break;

    case PROP_VALIDATION_TYPE:
      g_value_set_int (value, self->validation_type);
      break;

    case PROP_SPONSOR_VALIDATED:
      g_value_set_boolean (value, self->sponsor_validated);
      break;

    case PROP_SPONSOR_VALIDATED_BY:
      g_value_set_string (value, self->sponsor_validated_by);
      break;

    case PROP_SPONSOR_VALIDATED_AT:
      g_value_set_int64 (value, self->sponsor_validated_at);
      break;

    case PROP_HAS_SECRET_ID:
      g_value_set_boolean (value, self->has_secret_id);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    case PROP_CREATED_BY:
      g_value_set_string (value, self->created_by);
      break;

    case PROP_MODIFIED_AT:
      g_value_set_int64 (value, self->modified_at);
      break;

    case PROP_MODIFIED_BY:
      g_value_set_string (value, self->modified_by);
      break;

    case PROP_DELETED_AT:
      g_value_set_int64 (value, self->deleted_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_person_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ScmPerson *self = SCM_PERSON (object);

  switch (prop_id)
    {
    case PROP_ID:
      scm_person_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_ORGANIZATION_ID:
      scm_person_set_organization_id (self, g_value_get_int64 (value));
      break;

    case PROP_DEPARTMENT_ID:
      scm_person_set_department_id (self, g_value_get_int64 (value));
      break;

    case PROP_DOMAIN_ID:
      scm_person_set_domain_id (self, g_value_get_int64 (value));
      break;

    case PROP_FIRST_NAME:
      scm_person_set_first_name (self, g_value_get_string (value));
      break;

    case PROP_MIDDLE_NAME:
      scm_person_set_middle_name (self, g_value_get_string (value));
      break;

    case PROP_LAST_NAME:
      scm_person_set_last_name (self, g_value_get_string (value));
      break;

    case PROP_EMAIL:
      scm_person_set_email (self, g_value_get_string (value));
      break;

    case PROP_SECONDARY_EMAILS:
      scm_person_set_secondary_emails (self, g_value_get_boxed (value));
      break;

    case PROP_PHONE:
      scm_person_set_phone (self, g_value_get_string (value));
      break;

    case PROP_COMMON_NAME:
      scm_person_set_common_name (self, g_value_get_string (value));
      break;

    case PROP_UPN:
      scm_person_set_upn (self, g_value_get_string (value));
      break;

    case PROP_EPPN:
      scm_person_set_eppn (self, g_value_get_string (value));
      break;

    case PROP_VALIDATION_TYPE:
      scm_person_set_validation_type (self, g_value_get_int (value));
      break;

    case PROP_SPONSOR_VALIDATED:
      scm_person_set_sponsor_validated (self, g_value_get_boolean (value));
      break;

    case PROP_SPONSOR_VALIDATED_BY:
      scm_person_set_sponsor_validated_by (self, g_value_get_string (value));
      break;

    case PROP_SPONSOR_VALIDATED_AT:
      scm_person_set_sponsor_validated_at (self, g_value_get_int64 (value));
      break;

    case PROP_HAS_SECRET_ID:
      scm_person_set_has_secret_id (self, g_value_get_boolean (value));
      break;

    case PROP_CREATED_AT:
      scm_person_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_CREATED_BY:
      scm_person_set_created_by (self, g_value_get_string (value));
      break;

    case PROP_MODIFIED_AT:
      scm_person_set_modified_at (self, g_value_get_int64 (value));
      break;

    case PROP_MODIFIED_BY:
      scm_person_set_modified_by (self, g_value_get_string (value));
      break;

    case PROP_DELETED_AT:
      scm_person_set_deleted_at (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_person_class_init (ScmPersonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_person_finalize;
  object_class->get_property = scm_person_get_property;
  object_class->set_property = scm_person_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORGANIZATION_ID] =
    g_param_spec_int64 ("organization-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DEPARTMENT_ID] =
    g_param_spec_int64 ("department-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DOMAIN_ID] =
    g_param_spec_int64 ("domain-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIRST_NAME] =
    g_param_spec_string ("first-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MIDDLE_NAME] =
    g_param_spec_string ("middle-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_NAME] =
    g_param_spec_string ("last-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EMAIL] =
    g_param_spec_string ("email", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SECONDARY_EMAILS] =
    g_param_spec_boxed ("secondary-emails", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PHONE] =
    g_param_spec_string ("phone", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMMON_NAME] =
    g_param_spec_string ("common-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPN] =
    g_param_spec_string ("upn", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EPPN] =
    g_param_spec_string ("eppn", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VALIDATION_TYPE] =
    g_param_spec_int ("validation-type", NULL, NULL,
                      SCM_VALIDATION_STANDARD,
                      SCM_VALIDATION_HIGH,
                      SCM_VALIDATION_STANDARD,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPONSOR_VALIDATED] =
    g_param_spec_boolean ("sponsor-validated", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPONSOR_VALIDATED_BY] =
    g_param_spec_string ("sponsor-validated-by", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPONSOR_VALIDATED_AT] =
    g_param_spec_int64 ("sponsor-validated-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_SECRET_ID] =
    g_param_spec_boolean ("has-secret-id", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_BY] =
    g_param_spec_string ("created-by", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED_AT] =
    g_param_spec_int64 ("modified-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED_BY] =
    g_param_spec_string ("modified-by", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DELETED_AT] =
    g_param_spec_int64 ("deleted-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scm_person_init (ScmPerson *self)
{
  self->validation_type = SCM_VALIDATION_STANDARD;
}

ScmPerson *
scm_person_new (void)
{
  return g_object_new (SCM_TYPE_PERSON, NULL);
}

/* The database id; 0 until the store has saved the person. */
gint64
scm_person_get_id (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), 0);

  return self->id;
}

void
scm_person_set_id (ScmPerson *self,
                   gint64     id)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

gint64
scm_person_get_organization_id (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), 0);

  return self->organization_id;
}

void
scm_person_set_organization_id (ScmPerson *self,
                                gint64     organization_id)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (self->organization_id == organization_id)
    return;

  self->organization_id = organization_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORGANIZATION_ID]);
}

/* A department of the organization, or 0. */
gint64
scm_person_get_department_id (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), 0);

  return self->department_id;
}

void
scm_person_set_department_id (ScmPerson *self,
                              gint64     department_id)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (self->department_id == department_id)
    return;

  self->department_id = department_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEPARTMENT_ID]);
}

/* Set by the store: the delegated domain of the email. */
gint64
scm_person_get_domain_id (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), 0);

  return self->domain_id;
}

void
scm_person_set_domain_id (ScmPerson *self,
                          gint64     domain_id)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (self->domain_id == domain_id)
    return;

  self->domain_id = domain_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOMAIN_ID]);
}

const char *
scm_person_get_first_name (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  return self->first_name;
}

void
scm_person_set_first_name (ScmPerson  *self,
                           const char *first_name)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (g_strcmp0 (self->first_name, first_name) == 0)
    return;

  g_free (self->first_name);
  self->first_name = g_strdup (first_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_NAME]);
}

const char *
scm_person_get_middle_name (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  return self->middle_name;
}

void
scm_person_set_middle_name (ScmPerson  *self,
                            const char *middle_name)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (g_strcmp0 (self->middle_name, middle_name) == 0)
    return;

  g_free (self->middle_name);
  self->middle_name = g_strdup (middle_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIDDLE_NAME]);
}

const char *
scm_person_get_last_name (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  return self->last_name;
}

void
scm_person_set_last_name (ScmPerson  *self,
                          const char *last_name)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (g_strcmp0 (self->last_name, last_name) == 0)
    return;

  g_free (self->last_name);
  self->last_name = g_strdup (last_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_NAME]);
}

const char *
scm_person_get_email (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  return self->email;
}

void
scm_person_set_email (ScmPerson  *self,
                      const char *email)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (g_strcmp0 (self->email, email) == 0)
    return;

  g_free (self->email);
  self->email = g_strdup (email);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMAIL]);
}

/* More emails of the person, each in a delegated domain. */
const char * const *
scm_person_get_secondary_emails (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  return (const char * const *) self->secondary_emails;
}

void
scm_person_set_secondary_emails (ScmPerson          *self,
                                 const char * const *secondary_emails)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (strv_equal0 ((const char * const *) self->secondary_emails, secondary_emails))
    return;

  g_strfreev (self->secondary_emails);
  self->secondary_emails = g_strdupv ((char **) secondary_emails);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDARY_EMAILS]);
}

const char *
scm_person_get_phone (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  return self->phone;
}

void
scm_person_set_phone (ScmPerson  *self,
                      const char *phone)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (g_strcmp0 (self->phone, phone) == 0)
    return;

  g_free (self->phone);
  self->phone = g_strdup (phone);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHONE]);
}

/* Defaults to "First Last" when NULL. */
const char *
scm_person_get_common_name (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  return self->common_name;
}

void
scm_person_set_common_name (ScmPerson  *self,
                            const char *common_name)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (g_strcmp0 (self->common_name, common_name) == 0)
    return;

  g_free (self->common_name);
  self->common_name = g_strdup (common_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMMON_NAME]);
}

/* Microsoft User Principal Name, optional. */
const char *
scm_person_get_upn (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  return self->upn;
}

void
scm_person_set_upn (ScmPerson  *self,
                    const char *upn)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (g_strcmp0 (self->upn, upn) == 0)
    return;

  g_free (self->upn);
  self->upn = g_strdup (upn);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPN]);
}

/* eduPersonPrincipalName, optional. */
const char *
scm_person_get_eppn (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  return self->eppn;
}

void
scm_person_set_eppn (ScmPerson  *self,
                     const char *eppn)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (g_strcmp0 (self->eppn, eppn) == 0)
    return;

  g_free (self->eppn);
  self->eppn = g_strdup (eppn);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EPPN]);
}

ScmValidationType
scm_person_get_validation_type (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), (ScmValidationType) 0);

  return self->validation_type;
}

void
scm_person_set_validation_type (ScmPerson        *self,
                                ScmValidationType validation_type)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (self->validation_type == validation_type)
    return;

  self->validation_type = validation_type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALIDATION_TYPE]);
}

/* Set by the store: a sponsor validated a high-validation person. */
gboolean
scm_person_get_sponsor_validated (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), FALSE);

  return self->sponsor_validated;
}

void
scm_person_set_sponsor_validated (ScmPerson *self,
                                  gboolean   sponsor_validated)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  sponsor_validated = !!sponsor_validated;
  if (self->sponsor_validated == sponsor_validated)
    return;

  self->sponsor_validated = sponsor_validated;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPONSOR_VALIDATED]);
}

const char *
scm_person_get_sponsor_validated_by (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  return self->sponsor_validated_by;
}

void
scm_person_set_sponsor_validated_by (ScmPerson  *self,
                                     const char *sponsor_validated_by)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (g_strcmp0 (self->sponsor_validated_by, sponsor_validated_by) == 0)
    return;

  g_free (self->sponsor_validated_by);
  self->sponsor_validated_by = g_strdup (sponsor_validated_by);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPONSOR_VALIDATED_BY]);
}

gint64
scm_person_get_sponsor_validated_at (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), 0);

  return self->sponsor_validated_at;
}

void
scm_person_set_sponsor_validated_at (ScmPerson *self,
                                     gint64     sponsor_validated_at)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (self->sponsor_validated_at == sponsor_validated_at)
    return;

  self->sponsor_validated_at = sponsor_validated_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPONSOR_VALIDATED_AT]);
}

/* Set by the store: TRUE when a Secret ID is stored. */
gboolean
scm_person_get_has_secret_id (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), FALSE);

  return self->has_secret_id;
}

void
scm_person_set_has_secret_id (ScmPerson *self,
                              gboolean   has_secret_id)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  has_secret_id = !!has_secret_id;
  if (self->has_secret_id == has_secret_id)
    return;

  self->has_secret_id = has_secret_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_SECRET_ID]);
}

gint64
scm_person_get_created_at (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), 0);

  return self->created_at;
}

void
scm_person_set_created_at (ScmPerson *self,
                           gint64     created_at)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

const char *
scm_person_get_created_by (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  return self->created_by;
}

void
scm_person_set_created_by (ScmPerson  *self,
                           const char *created_by)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (g_strcmp0 (self->created_by, created_by) == 0)
    return;

  g_free (self->created_by);
  self->created_by = g_strdup (created_by);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_BY]);
}

gint64
scm_person_get_modified_at (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), 0);

  return self->modified_at;
}

void
scm_person_set_modified_at (ScmPerson *self,
                            gint64     modified_at)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (self->modified_at == modified_at)
    return;

  self->modified_at = modified_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED_AT]);
}

const char *
scm_person_get_modified_by (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  return self->modified_by;
}

void
scm_person_set_modified_by (ScmPerson  *self,
                            const char *modified_by)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (g_strcmp0 (self->modified_by, modified_by) == 0)
    return;

  g_free (self->modified_by);
  self->modified_by = g_strdup (modified_by);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED_BY]);
}

/* Unix time (seconds) of the soft deletion, or 0. */
gint64
scm_person_get_deleted_at (ScmPerson *self)
{
  g_return_val_if_fail (SCM_IS_PERSON (self), 0);

  return self->deleted_at;
}

void
scm_person_set_deleted_at (ScmPerson *self,
                           gint64     deleted_at)
{
  g_return_if_fail (SCM_IS_PERSON (self));

  if (self->deleted_at == deleted_at)
    return;

  self->deleted_at = deleted_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DELETED_AT]);
}

char *
scm_person_dup_full_name (ScmPerson *self)
{
  g_autoptr(GString) name = g_string_new (NULL);
  const char *parts[3];

  g_return_val_if_fail (SCM_IS_PERSON (self), NULL);

  parts[0] = self->first_name;
  parts[1] = self->middle_name;
  parts[2] = self->last_name;
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      if (parts[i] == NULL || *parts[i] == '\0')
        continue;
      if (name->len > 0)
        g_string_append_c (name, ' ');
      g_string_append (name, parts[i]);
    }
  return g_string_free (g_steal_pointer (&name), FALSE);
}
