/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include "scm-array-private.h"
#include "scm-profile.h"

struct _ScmProfile
{
  GObject parent_instance;

  gint64 id;
  char *name;
  char *description;
  ScmPurpose purpose;
  GArray *key_types;
  GArray *terms;
  ScmCnSource cn_source;
  gboolean email_in_subject;
  char *policy_oid;
  guint max_per_person;
  gboolean builtin;
  gint64 created_at;
  gint64 modified_at;
};

G_DEFINE_FINAL_TYPE (ScmProfile, scm_profile, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_PURPOSE,
  PROP_KEY_TYPES,
  PROP_TERMS,
  PROP_CN_SOURCE,
  PROP_EMAIL_IN_SUBJECT,
  PROP_POLICY_OID,
  PROP_MAX_PER_PERSON,
  PROP_BUILTIN,
  PROP_CREATED_AT,
  PROP_MODIFIED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_profile_finalize (GObject *object)
{
  ScmProfile *self = SCM_PROFILE (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->key_types, g_array_unref);
  g_clear_pointer (&self->terms, g_array_unref);
  g_clear_pointer (&self->policy_oid, g_free);

  G_OBJECT_CLASS (scm_profile_parent_class)->finalize (object);
}

static void
scm_profile_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  ScmProfile *self = SCM_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_PURPOSE:
      g_value_set_uint (value, self->purpose);
      break;

    case PROP_KEY_TYPES:
      g_value_set_boxed (value, self->key_types);
      break;

    case PROP_TERMS:
      g_value_set_boxed (value, self->terms);
      break;

    case PROP_CN_SOURCE:
      g_value_set_int (value, self->cn_source);
      break;

    case PROP_EMAIL_IN_SUBJECT:
      g_value_set_boolean (value, self->email_in_subject);
      break;

    case PROP_POLICY_OID:
      g_value_set_string (value, self->policy_oid);
      break;

    case PROP_MAX_PER_PERSON:
      g_value_set_uint (value, self->max_per_person);
      break;

    case PROP_BUILTIN:
      g_value_set_boolean (value, self->builtin);
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
scm_profile_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  ScmProfile *self = SCM_PROFILE (object);

  switch (prop_id)
    {
    case PROP_ID:
      scm_profile_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      scm_profile_set_name (self, g_value_get_string (value));
      break;

    case PROP_DESCRIPTION:
      scm_profile_set_description (self, g_value_get_string (value));
      break;

    case PROP_PURPOSE:
      scm_profile_set_purpose (self, g_value_get_uint (value));
      break;

    case PROP_KEY_TYPES:
      scm_profile_set_key_types (self, g_value_get_boxed (value));
      break;

    case PROP_TERMS:
      scm_profile_set_terms (self, g_value_get_boxed (value));
      break;

    case PROP_CN_SOURCE:
      scm_profile_set_cn_source (self, g_value_get_int (value));
      break;

    case PROP_EMAIL_IN_SUBJECT:
      scm_profile_set_email_in_subject (self, g_value_get_boolean (value));
      break;

    case PROP_POLICY_OID:
      scm_profile_set_policy_oid (self, g_value_get_string (value));
      break;

    case PROP_MAX_PER_PERSON:
      scm_profile_set_max_per_person (self, g_value_get_uint (value));
      break;

    case PROP_BUILTIN:
      scm_profile_set_builtin (self, g_value_get_boolean (value));
      break;

    case PROP_CREATED_AT:
      scm_profile_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_MODIFIED_AT:
      scm_profile_set_modified_at (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_profile_class_init (ScmProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_profile_finalize;
  object_class->get_property = scm_profile_get_property;
  object_class->set_property = scm_profile_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PURPOSE] =
    g_param_spec_uint ("purpose", NULL, NULL,
                       0,
                       SCM_PURPOSE_CLIENT_AUTH | SCM_PURPOSE_SMIME,
                       SCM_PURPOSE_CLIENT_AUTH,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEY_TYPES] =
    g_param_spec_boxed ("key-types", NULL, NULL, G_TYPE_ARRAY,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TERMS] =
    g_param_spec_boxed ("terms", NULL, NULL, G_TYPE_ARRAY,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CN_SOURCE] =
    g_param_spec_int ("cn-source", NULL, NULL,
                      SCM_CN_SOURCE_EMAIL,
                      SCM_CN_SOURCE_NAME,
                      SCM_CN_SOURCE_EMAIL,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EMAIL_IN_SUBJECT] =
    g_param_spec_boolean ("email-in-subject", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POLICY_OID] =
    g_param_spec_string ("policy-oid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_PER_PERSON] =
    g_param_spec_uint ("max-per-person", NULL, NULL,
                       0,
                       G_MAXUINT,
                       0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUILTIN] =
    g_param_spec_boolean ("builtin", NULL, NULL, FALSE,
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
scm_profile_init (ScmProfile *self)
{
  self->purpose = SCM_PURPOSE_CLIENT_AUTH;
  self->key_types = g_array_new (FALSE, FALSE, sizeof (ScmKeyType));
  self->terms = g_array_new (FALSE, FALSE, sizeof (guint));
  self->cn_source = SCM_CN_SOURCE_EMAIL;
}

ScmProfile *
scm_profile_new (void)
{
  return g_object_new (SCM_TYPE_PROFILE, NULL);
}

/* The database id; 0 until the store has saved the profile. */
gint64
scm_profile_get_id (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), 0);

  return self->id;
}

void
scm_profile_set_id (ScmProfile *self,
                    gint64      id)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
scm_profile_get_name (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), NULL);

  return self->name;
}

void
scm_profile_set_name (ScmProfile *self,
                      const char *name)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
scm_profile_get_description (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), NULL);

  return self->description;
}

void
scm_profile_set_description (ScmProfile *self,
                             const char *description)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (g_strcmp0 (self->description, description) == 0)
    return;

  g_free (self->description);
  self->description = g_strdup (description);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

/* ScmPurpose flags. */
ScmPurpose
scm_profile_get_purpose (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), 0);

  return self->purpose;
}

void
scm_profile_set_purpose (ScmProfile *self,
                         ScmPurpose  purpose)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (self->purpose == purpose)
    return;

  self->purpose = purpose;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PURPOSE]);
}

/* The allowed key types (ScmKeyType elements). */
GArray *
scm_profile_get_key_types (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), NULL);

  return self->key_types;
}

void
scm_profile_set_key_types (ScmProfile *self,
                           GArray     *key_types)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (scm_array_replace (self->key_types, key_types))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY_TYPES]);
}

/* The allowed validity periods in days (guint elements, 1..825). */
GArray *
scm_profile_get_terms (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), NULL);

  return self->terms;
}

void
scm_profile_set_terms (ScmProfile *self,
                       GArray     *terms)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (scm_array_replace (self->terms, terms))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TERMS]);
}

/* Where the subject common name comes from. */
ScmCnSource
scm_profile_get_cn_source (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), (ScmCnSource) 0);

  return self->cn_source;
}

void
scm_profile_set_cn_source (ScmProfile *self,
                           ScmCnSource cn_source)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (self->cn_source == cn_source)
    return;

  self->cn_source = cn_source;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CN_SOURCE]);
}

/* TRUE to put the email in the subject too, not only in the SAN. */
gboolean
scm_profile_get_email_in_subject (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), FALSE);

  return self->email_in_subject;
}

void
scm_profile_set_email_in_subject (ScmProfile *self,
                                  gboolean    email_in_subject)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  email_in_subject = !!email_in_subject;
  if (self->email_in_subject == email_in_subject)
    return;

  self->email_in_subject = email_in_subject;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMAIL_IN_SUBJECT]);
}

/* An optional certificate policy OID in dotted form. */
const char *
scm_profile_get_policy_oid (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), NULL);

  return self->policy_oid;
}

void
scm_profile_set_policy_oid (ScmProfile *self,
                            const char *policy_oid)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (g_strcmp0 (self->policy_oid, policy_oid) == 0)
    return;

  g_free (self->policy_oid);
  self->policy_oid = g_strdup (policy_oid);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLICY_OID]);
}

/* Maximum valid certificates per person; 0 means no limit. */
guint
scm_profile_get_max_per_person (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), 0);

  return self->max_per_person;
}

void
scm_profile_set_max_per_person (ScmProfile *self,
                                guint       max_per_person)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (self->max_per_person == max_per_person)
    return;

  self->max_per_person = max_per_person;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_PER_PERSON]);
}

/* Built-in profiles can be edited but not deleted. */
gboolean
scm_profile_get_builtin (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), FALSE);

  return self->builtin;
}

void
scm_profile_set_builtin (ScmProfile *self,
                         gboolean    builtin)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  builtin = !!builtin;
  if (self->builtin == builtin)
    return;

  self->builtin = builtin;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUILTIN]);
}

gint64
scm_profile_get_created_at (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), 0);

  return self->created_at;
}

void
scm_profile_set_created_at (ScmProfile *self,
                            gint64      created_at)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

gint64
scm_profile_get_modified_at (ScmProfile *self)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), 0);

  return self->modified_at;
}

void
scm_profile_set_modified_at (ScmProfile *self,
                             gint64      modified_at)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (self->modified_at == modified_at)
    return;

  self->modified_at = modified_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED_AT]);
}

void
scm_profile_add_key_type (ScmProfile *self,
                          ScmKeyType  key_type)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (scm_profile_allows_key_type (self, key_type))
    return;

  g_array_append_val (self->key_types, key_type);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY_TYPES]);
}

void
scm_profile_add_term (ScmProfile *self,
                      guint       days)
{
  g_return_if_fail (SCM_IS_PROFILE (self));

  if (scm_profile_allows_term (self, days))
    return;

  g_array_append_val (self->terms, days);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TERMS]);
}

gboolean
scm_profile_allows_key_type (ScmProfile *self,
                             ScmKeyType  key_type)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), FALSE);

  for (guint i = 0; i < self->key_types->len; i++)
    if (g_array_index (self->key_types, ScmKeyType, i) == key_type)
      return TRUE;
  return FALSE;
}

gboolean
scm_profile_allows_term (ScmProfile *self,
                         guint       days)
{
  g_return_val_if_fail (SCM_IS_PROFILE (self), FALSE);

  for (guint i = 0; i < self->terms->len; i++)
    if (g_array_index (self->terms, guint, i) == days)
      return TRUE;
  return FALSE;
}

const char *
scm_cn_source_to_string (ScmCnSource source)
{
  switch (source)
    {
    case SCM_CN_SOURCE_EMAIL:
      return "email";
    case SCM_CN_SOURCE_NAME:
      return "name";
    default:
      return NULL;
    }
}

gboolean
scm_cn_source_from_string (const char  *str,
                           ScmCnSource *out)
{
  ScmCnSource source;

  if (g_strcmp0 (str, "email") == 0)
    source = SCM_CN_SOURCE_EMAIL;
  else if (g_strcmp0 (str, "name") == 0)
    source = SCM_CN_SOURCE_NAME;
  else
    return FALSE;

  if (out != NULL)
    *out = source;
  return TRUE;
}
