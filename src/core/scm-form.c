/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include "scm-array-private.h"
#include "scm-form.h"

struct _ScmForm
{
  GObject parent_instance;

  gint64 id;
  char *name;
  char *form_type;
  char *uri_extension;
  ScmAuthentication authentication;
  char *help_text;
  char *help_link_text;
  char *help_link_url;
  char *contact;
  gboolean all_organizations;
  GArray *organization_ids;
  gboolean enabled;
  gint64 created_at;
  gint64 modified_at;
};

G_DEFINE_FINAL_TYPE (ScmForm, scm_form, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_FORM_TYPE,
  PROP_URI_EXTENSION,
  PROP_AUTHENTICATION,
  PROP_HELP_TEXT,
  PROP_HELP_LINK_TEXT,
  PROP_HELP_LINK_URL,
  PROP_CONTACT,
  PROP_ALL_ORGANIZATIONS,
  PROP_ORGANIZATION_IDS,
  PROP_ENABLED,
  PROP_CREATED_AT,
  PROP_MODIFIED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_form_finalize (GObject *object)
{
  ScmForm *self = SCM_FORM (object);

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->form_type, g_free);
  g_clear_pointer (&self->uri_extension, g_free);
  g_clear_pointer (&self->help_text, g_free);
  g_clear_pointer (&self->help_link_text, g_free);
  g_clear_pointer (&self->help_link_url, g_free);
  g_clear_pointer (&self->contact, g_free);
  g_clear_pointer (&self->organization_ids, g_array_unref);

  G_OBJECT_CLASS (scm_form_parent_class)->finalize (object);
}

static void
scm_form_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  ScmForm *self = SCM_FORM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_FORM_TYPE:
      g_value_set_string (value, self->form_type);
      break;

    case PROP_URI_EXTENSION:
      g_value_set_string (value, self->uri_extension);
      break;

    case PROP_AUTHENTICATION:
      g_value_set_int (value, self->authentication);
      break;

    case PROP_HELP_TEXT:
      g_value_set_string (value, self->help_text);
      break;

    case PROP_HELP_LINK_TEXT:
      g_value_set_string (value, self->help_link_text);
      break;

    case PROP_HELP_LINK_URL:
      g_value_set_string (value, self->help_link_url);
      break;

    case PROP_CONTACT:
      g_value_set_string (value, self->contact);
      break;

    case PROP_ALL_ORGANIZATIONS:
      g_value_set_boolean (value, self->all_organizations);
      break;

    case PROP_ORGANIZATION_IDS:
      g_value_set_boxed (value, self->organization_ids);
      break;

    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
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
scm_form_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  ScmForm *self = SCM_FORM (object);

  switch (prop_id)
    {
    case PROP_ID:
      scm_form_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_NAME:
      scm_form_set_name (self, g_value_get_string (value));
      break;

    case PROP_FORM_TYPE:
      scm_form_set_form_type (self, g_value_get_string (value));
      break;

    case PROP_URI_EXTENSION:
      scm_form_set_uri_extension (self, g_value_get_string (value));
      break;

    case PROP_AUTHENTICATION:
      scm_form_set_authentication (self, g_value_get_int (value));
      break;

    case PROP_HELP_TEXT:
      scm_form_set_help_text (self, g_value_get_string (value));
      break;

    case PROP_HELP_LINK_TEXT:
      scm_form_set_help_link_text (self, g_value_get_string (value));
      break;

    case PROP_HELP_LINK_URL:
      scm_form_set_help_link_url (self, g_value_get_string (value));
      break;

    case PROP_CONTACT:
      scm_form_set_contact (self, g_value_get_string (value));
      break;

    case PROP_ALL_ORGANIZATIONS:
      scm_form_set_all_organizations (self, g_value_get_boolean (value));
      break;

    case PROP_ORGANIZATION_IDS:
      scm_form_set_organization_ids (self, g_value_get_boxed (value));
      break;

    case PROP_ENABLED:
      scm_form_set_enabled (self, g_value_get_boolean (value));
      break;

    case PROP_CREATED_AT:
      scm_form_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_MODIFIED_AT:
      scm_form_set_modified_at (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_form_class_init (ScmFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_form_finalize;
  object_class->get_property = scm_form_get_property;
  object_class->set_property = scm_form_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FORM_TYPE] =
    g_param_spec_string ("form-type", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URI_EXTENSION] =
    g_param_spec_string ("uri-extension", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUTHENTICATION] =
    g_param_spec_int ("authentication", NULL, NULL,
                      SCM_AUTHENTICATION_EMAIL_CONFIRMATION,
                      SCM_AUTHENTICATION_SECRET_ID,
                      SCM_AUTHENTICATION_EMAIL_CONFIRMATION,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HELP_TEXT] =
    g_param_spec_string ("help-text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HELP_LINK_TEXT] =
    g_param_spec_string ("help-link-text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HELP_LINK_URL] =
    g_param_spec_string ("help-link-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONTACT] =
    g_param_spec_string ("contact", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ALL_ORGANIZATIONS] =
    g_param_spec_boolean ("all-organizations", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ORGANIZATION_IDS] =
    g_param_spec_boxed ("organization-ids", NULL, NULL, G_TYPE_ARRAY,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
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
scm_form_init (ScmForm *self)
{
  self->authentication = SCM_AUTHENTICATION_EMAIL_CONFIRMATION;
  self->all_organizations = TRUE;
  self->organization_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->enabled = TRUE;
}

ScmForm *
scm_form_new (void)
{
  return g_object_new (SCM_TYPE_FORM, NULL);
}

/* The database id; 0 until the store has saved the form. */
gint64
scm_form_get_id (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), 0);

  return self->id;
}

void
scm_form_set_id (ScmForm *self,
                 gint64   id)
{
  g_return_if_fail (SCM_IS_FORM (self));

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
scm_form_get_name (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), NULL);

  return self->name;
}

void
scm_form_set_name (ScmForm    *self,
                   const char *name)
{
  g_return_if_fail (SCM_IS_FORM (self));

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/* Always "client-self-enrollment" for now. */
const char *
scm_form_get_form_type (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), NULL);

  return self->form_type;
}

void
scm_form_set_form_type (ScmForm    *self,
                        const char *form_type)
{
  g_return_if_fail (SCM_IS_FORM (self));

  if (g_strcmp0 (self->form_type, form_type) == 0)
    return;

  g_free (self->form_type);
  self->form_type = g_strdup (form_type);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORM_TYPE]);
}

/* The last part of the enrollment endpoint URL; generated by the store when NULL. */
const char *
scm_form_get_uri_extension (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), NULL);

  return self->uri_extension;
}

void
scm_form_set_uri_extension (ScmForm    *self,
                            const char *uri_extension)
{
  g_return_if_fail (SCM_IS_FORM (self));

  if (g_strcmp0 (self->uri_extension, uri_extension) == 0)
    return;

  g_free (self->uri_extension);
  self->uri_extension = g_strdup (uri_extension);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URI_EXTENSION]);
}

ScmAuthentication
scm_form_get_authentication (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), (ScmAuthentication) 0);

  return self->authentication;
}

void
scm_form_set_authentication (ScmForm          *self,
                             ScmAuthentication authentication)
{
  g_return_if_fail (SCM_IS_FORM (self));

  if (self->authentication == authentication)
    return;

  self->authentication = authentication;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUTHENTICATION]);
}

const char *
scm_form_get_help_text (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), NULL);

  return self->help_text;
}

void
scm_form_set_help_text (ScmForm    *self,
                        const char *help_text)
{
  g_return_if_fail (SCM_IS_FORM (self));

  if (g_strcmp0 (self->help_text, help_text) == 0)
    return;

  g_free (self->help_text);
  self->help_text = g_strdup (help_text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HELP_TEXT]);
}

const char *
scm_form_get_help_link_text (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), NULL);

  return self->help_link_text;
}

void
scm_form_set_help_link_text (ScmForm    *self,
                             const char *help_link_text)
{
  g_return_if_fail (SCM_IS_FORM (self));

  if (g_strcmp0 (self->help_link_text, help_link_text) == 0)
    return;

  g_free (self->help_link_text);
  self->help_link_text = g_strdup (help_link_text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HELP_LINK_TEXT]);
}

/* An http or https URL, or NULL. */
const char *
scm_form_get_help_link_url (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), NULL);

  return self->help_link_url;
}

void
scm_form_set_help_link_url (ScmForm    *self,
                            const char *help_link_url)
{
  g_return_if_fail (SCM_IS_FORM (self));

  if (g_strcmp0 (self->help_link_url, help_link_url) == 0)
    return;

  g_free (self->help_link_url);
  self->help_link_url = g_strdup (help_link_url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HELP_LINK_URL]);
}

const char *
scm_form_get_contact (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), NULL);

  return self->contact;
}

void
scm_form_set_contact (ScmForm    *self,
                      const char *contact)
{
  g_return_if_fail (SCM_IS_FORM (self));

  if (g_strcmp0 (self->contact, contact) == 0)
    return;

  g_free (self->contact);
  self->contact = g_strdup (contact);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTACT]);
}

/* TRUE when the form is delegated to every organization; organization-ids is ignored then. */
gboolean
scm_form_get_all_organizations (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), FALSE);

  return self->all_organizations;
}

void
scm_form_set_all_organizations (ScmForm *self,
                                gboolean all_organizations)
{
  g_return_if_fail (SCM_IS_FORM (self));

  all_organizations = !!all_organizations;
  if (self->all_organizations == all_organizations)
    return;

  self->all_organizations = all_organizations;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALL_ORGANIZATIONS]);
}

/* The organizations (gint64 ids) the form is delegated to. */
GArray *
scm_form_get_organization_ids (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), NULL);

  return self->organization_ids;
}

void
scm_form_set_organization_ids (ScmForm *self,
                               GArray  *organization_ids)
{
  g_return_if_fail (SCM_IS_FORM (self));

  if (scm_array_replace (self->organization_ids, organization_ids))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORGANIZATION_IDS]);
}

gboolean
scm_form_get_enabled (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), FALSE);

  return self->enabled;
}

void
scm_form_set_enabled (ScmForm *self,
                      gboolean enabled)
{
  g_return_if_fail (SCM_IS_FORM (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;

  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

gint64
scm_form_get_created_at (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), 0);

  return self->created_at;
}

void
scm_form_set_created_at (ScmForm *self,
                         gint64   created_at)
{
  g_return_if_fail (SCM_IS_FORM (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

gint64
scm_form_get_modified_at (ScmForm *self)
{
  g_return_val_if_fail (SCM_IS_FORM (self), 0);

  return self->modified_at;
}

void
scm_form_set_modified_at (ScmForm *self,
                          gint64   modified_at)
{
  g_return_if_fail (SCM_IS_FORM (self));

  if (self->modified_at == modified_at)
    return;

  self->modified_at = modified_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED_AT]);
}

void
scm_form_add_organization_id (ScmForm *self,
                              gint64   organization_id)
{
  g_return_if_fail (SCM_IS_FORM (self));

  for (guint i = 0; i < self->organization_ids->len; i++)
    if (g_array_index (self->organization_ids, gint64, i) == organization_id)
      return;

  g_array_append_val (self->organization_ids, organization_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ORGANIZATION_IDS]);
}

gboolean
scm_form_is_delegated_to (ScmForm *self,
                          gint64   organization_id)
{
  g_return_val_if_fail (SCM_IS_FORM (self), FALSE);

  if (self->all_organizations)
    return TRUE;
  for (guint i = 0; i < self->organization_ids->len; i++)
    if (g_array_index (self->organization_ids, gint64, i) == organization_id)
      return TRUE;
  return FALSE;
}
