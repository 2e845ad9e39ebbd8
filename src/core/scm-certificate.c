/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include "scm-certificate.h"

struct _ScmCertificate
{
  GObject parent_instance;

  gint64 id;
  char *issuer;
  char *serial;
  gint64 person_id;
  char *person_email;
  gint64 form_id;
  gint64 account_id;
  gint64 profile_id;
  char *profile_name;
  ScmKeyType key_type;
  ScmRequestedVia requested_via;
  ScmCertStatus status;
  char *owner;
  char *subject;
  char *sans;
  gint64 not_before;
  gint64 not_after;
  char *fingerprint;
  GBytes *der;
  gint64 created_at;
  gint64 issued_at;
  gint64 revoked_at;
  ScmRevocationReason revocation_reason;
  char *failure_reason;
  gint64 renewed_from;
};

G_DEFINE_FINAL_TYPE (ScmCertificate, scm_certificate, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_ISSUER,
  PROP_SERIAL,
  PROP_PERSON_ID,
  PROP_PERSON_EMAIL,
  PROP_FORM_ID,
  PROP_ACCOUNT_ID,
  PROP_PROFILE_ID,
  PROP_PROFILE_NAME,
  PROP_KEY_TYPE,
  PROP_REQUESTED_VIA,
  PROP_STATUS,
  PROP_OWNER,
  PROP_SUBJECT,
  PROP_SANS,
  PROP_NOT_BEFORE,
  PROP_NOT_AFTER,
  PROP_FINGERPRINT,
  PROP_DER,
  PROP_CREATED_AT,
  PROP_ISSUED_AT,
  PROP_REVOKED_AT,
  PROP_REVOCATION_REASON,
  PROP_FAILURE_REASON,
  PROP_RENEWED_FROM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_certificate_finalize (GObject *object)
{
  ScmCertificate *self = SCM_CERTIFICATE (object);

  g_clear_pointer (&self->issuer, g_free);
  g_clear_pointer (&self->serial, g_free);
  g_clear_pointer (&self->person_email, g_free);
  g_clear_pointer (&self->profile_name, g_free);
  g_clear_pointer (&self->owner, g_free);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->sans, g_free);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_clear_pointer (&self->failure_reason, g_free);

  G_OBJECT_CLASS (scm_certificate_parent_class)->finalize (object);
}

static void
scm_certificate_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ScmCertificate *self = SCM_CERTIFICATE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case PROP_ISSUER:
      g_value_set_string (value, self->issuer);
      break;

    case PROP_SERIAL:
      g_value_set_string (value, self->serial);
      break;

    case PROP_PERSON_ID:
      g_value_set_int64 (value, self->person_id);
      break;

    case PROP_PERSON_EMAIL:
      g_value_set_string (value, self->person_email);
      break;

    case PROP_FORM_ID:
      g_value_set_int64 (value, self->form_id);
      break;

    case PROP_RENEWED_FROM:
      g_value_set_int64 (value, self->renewed_from);
      break;

    case PROP_ACCOUNT_ID:
      g_value_set_int64 (value, self->account_id);
      break;

    case PROP_PROFILE_ID:
      g_value_set_int64 (value, self->profile_id);
      break;

    case PROP_PROFILE_NAME:
      g_value_set_string (value, self->profile_name);
      break;

    case PROP_KEY_TYPE:
      g_value_set_int (value, self->key_type);
      break;

    case PROP_REQUESTED_VIA:
      g_value_set_int (value, self->requested_via);
      break;

    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;

    case PROP_OWNER:
      g_value_set_string (value, self->owner);
      break;

    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;

    case PROP_SANS:
      g_value_set_string (value, self->sans);
      break;

    case PROP_NOT_BEFORE:
      g_value_set_int64 (value, self->not_before);
      break;

    case PROP_NOT_AFTER:
      g_value_set_int64 (value, self->not_after);
      break;

    case PROP_FINGERPRINT:
      g_value_set_string (value, self->fingerprint);
      break;

    case PROP_DER:
      g_value_set_boxed (value, self->der);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    case PROP_ISSUED_AT:
      g_value_set_int64 (value, self->issued_at);
      break;

    case PROP_REVOKED_AT:
      g_value_set_int64 (value, self->revoked_at);
      break;

    case PROP_REVOCATION_REASON:
      g_value_set_int (value, self->revocation_reason);
      break;

    case PROP_FAILURE_REASON:
      g_value_set_string (value, self->failure_reason);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_certificate_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ScmCertificate *self = SCM_CERTIFICATE (object);

  switch (prop_id)
    {
    case PROP_ID:
      scm_certificate_set_id (self, g_value_get_int64 (value));
      break;

    case PROP_ISSUER:
      scm_certificate_set_issuer (self, g_value_get_string (value));
      break;

    case PROP_SERIAL:
      scm_certificate_set_serial (self, g_value_get_string (value));
      break;

    case PROP_PERSON_ID:
      scm_certificate_set_person_id (self, g_value_get_int64 (value));
      break;

    case PROP_PERSON_EMAIL:
      scm_certificate_set_person_email (self, g_value_get_string (value));
      break;

    case PROP_FORM_ID:
      scm_certificate_set_form_id (self, g_value_get_int64 (value));
      break;

    case PROP_RENEWED_FROM:
      scm_certificate_set_renewed_from (self, g_value_get_int64 (value));
      break;

    case PROP_ACCOUNT_ID:
      scm_certificate_set_account_id (self, g_value_get_int64 (value));
      break;

    case PROP_PROFILE_ID:
      scm_certificate_set_profile_id (self, g_value_get_int64 (value));
      break;

    case PROP_PROFILE_NAME:
      scm_certificate_set_profile_name (self, g_value_get_string (value));
      break;

    case PROP_KEY_TYPE:
      scm_certificate_set_key_type (self, g_value_get_int (value));
      break;

    case PROP_REQUESTED_VIA:
      scm_certificate_set_requested_via (self, g_value_get_int (value));
      break;

    case PROP_STATUS:
      scm_certificate_set_status (self, g_value_get_int (value));
      break;

    case PROP_OWNER:
      scm_certificate_set_owner (self, g_value_get_string (value));
      break;

    case PROP_SUBJECT:
      scm_certificate_set_subject (self, g_value_get_string (value));
      break;

    case PROP_SANS:
      scm_certificate_set_sans (self, g_value_get_string (value));
      break;

    case PROP_NOT_BEFORE:
      scm_certificate_set_not_before (self, g_value_get_int64 (value));
      break;

    case PROP_NOT_AFTER:
      scm_certificate_set_not_after (self, g_value_get_int64 (value));
      break;

    case PROP_FINGERPRINT:
      scm_certificate_set_fingerprint (self, g_value_get_string (value));
      break;

    case PROP_DER:
      scm_certificate_set_der (self, g_value_get_boxed (value));
      break;

    case PROP_CREATED_AT:
      scm_certificate_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_ISSUED_AT:
      scm_certificate_set_issued_at (self, g_value_get_int64 (value));
      break;

    case PROP_REVOKED_AT:
      scm_certificate_set_revoked_at (self, g_value_get_int64 (value));
      break;

    case PROP_REVOCATION_REASON:
      scm_certificate_set_revocation_reason (self, g_value_get_int (value));
      break;

    case PROP_FAILURE_REASON:
      scm_certificate_set_failure_reason (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_certificate_class_init (ScmCertificateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_certificate_finalize;
  object_class->get_property = scm_certificate_get_property;
  object_class->set_property = scm_certificate_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ISSUER] =
    g_param_spec_string ("issuer", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERIAL] =
    g_param_spec_string ("serial", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PERSON_ID] =
    g_param_spec_int64 ("person-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PERSON_EMAIL] =
    g_param_spec_string ("person-email", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FORM_ID] =
    g_param_spec_int64 ("form-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RENEWED_FROM] =
    g_param_spec_int64 ("renewed-from", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT_ID] =
    g_param_spec_int64 ("account-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE_ID] =
    g_param_spec_int64 ("profile-id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE_NAME] =
    g_param_spec_string ("profile-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_KEY_TYPE] =
    g_param_spec_int ("key-type", NULL, NULL,
                      SCM_KEY_TYPE_RSA_2048,
                      SCM_KEY_TYPE_EC_P384,
                      SCM_KEY_TYPE_EC_P256,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REQUESTED_VIA] =
    g_param_spec_int ("requested-via", NULL, NULL,
                      SCM_REQUESTED_VIA_SELF_ENROLLMENT,
                      SCM_REQUESTED_VIA_EST,
                      SCM_REQUESTED_VIA_SELF_ENROLLMENT,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_int ("status", NULL, NULL,
                      SCM_CERT_STATUS_PENDING,
                      SCM_CERT_STATUS_FAILED,
                      SCM_CERT_STATUS_PENDING,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OWNER] =
    g_param_spec_string ("owner", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SUBJECT] =
    g_param_spec_string ("subject", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SANS] =
    g_param_spec_string ("sans", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOT_BEFORE] =
    g_param_spec_int64 ("not-before", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NOT_AFTER] =
    g_param_spec_int64 ("not-after", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FINGERPRINT] =
    g_param_spec_string ("fingerprint", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DER] =
    g_param_spec_boxed ("der", NULL, NULL, G_TYPE_BYTES,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ISSUED_AT] =
    g_param_spec_int64 ("issued-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REVOKED_AT] =
    g_param_spec_int64 ("revoked-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REVOCATION_REASON] =
    g_param_spec_int ("revocation-reason", NULL, NULL,
                      SCM_REVOCATION_UNSPECIFIED,
                      SCM_REVOCATION_CESSATION_OF_OPERATION,
                      SCM_REVOCATION_UNSPECIFIED,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FAILURE_REASON] =
    g_param_spec_string ("failure-reason", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scm_certificate_init (ScmCertificate *self)
{
  self->key_type = SCM_KEY_TYPE_EC_P256;
  self->requested_via = SCM_REQUESTED_VIA_SELF_ENROLLMENT;
  self->status = SCM_CERT_STATUS_PENDING;
  self->revocation_reason = SCM_REVOCATION_UNSPECIFIED;
}

ScmCertificate *
scm_certificate_new (void)
{
  return g_object_new (SCM_TYPE_CERTIFICATE, NULL);
}

/* The database id; 0 until the store has saved the certificate. */
gint64
scm_certificate_get_id (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), 0);

  return self->id;
}

void
scm_certificate_set_id (ScmCertificate *self,
                        gint64          id)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->id == id)
    return;

  self->id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

/* The issuer name (as text) the serial is unique under. */
const char *
scm_certificate_get_issuer (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), NULL);

  return self->issuer;
}

void
scm_certificate_set_issuer (ScmCertificate *self,
                            const char     *issuer)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (g_strcmp0 (self->issuer, issuer) == 0)
    return;

  g_free (self->issuer);
  self->issuer = g_strdup (issuer);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ISSUER]);
}

/* Upper-case hex. */
const char *
scm_certificate_get_serial (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), NULL);

  return self->serial;
}

void
scm_certificate_set_serial (ScmCertificate *self,
                            const char     *serial)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (g_strcmp0 (self->serial, serial) == 0)
    return;

  g_free (self->serial);
  self->serial = g_strdup (serial);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIAL]);
}

gint64
scm_certificate_get_person_id (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), 0);

  return self->person_id;
}

void
scm_certificate_set_person_id (ScmCertificate *self,
                               gint64          person_id)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->person_id == person_id)
    return;

  self->person_id = person_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSON_ID]);
}

/* Filled by the store from the person, for display. */
const char *
scm_certificate_get_person_email (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), NULL);

  return self->person_email;
}

void
scm_certificate_set_person_email (ScmCertificate *self,
                                  const char     *person_email)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (g_strcmp0 (self->person_email, person_email) == 0)
    return;

  g_free (self->person_email);
  self->person_email = g_strdup (person_email);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSON_EMAIL]);
}

/* The form it was requested through, or 0. */
gint64
scm_certificate_get_form_id (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), 0);

  return self->form_id;
}

void
scm_certificate_set_form_id (ScmCertificate *self,
                             gint64          form_id)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->form_id == form_id)
    return;

  self->form_id = form_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FORM_ID]);
}

/* The id of the certificate this one renewed (same subject, new key),
 * or 0. */
gint64
scm_certificate_get_renewed_from (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), 0);

  return self->renewed_from;
}

void
scm_certificate_set_renewed_from (ScmCertificate *self,
                                  gint64          renewed_from)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->renewed_from == renewed_from)
    return;

  self->renewed_from = renewed_from;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RENEWED_FROM]);
}

/* The account it was requested through, or 0. */
gint64
scm_certificate_get_account_id (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), 0);

  return self->account_id;
}

void
scm_certificate_set_account_id (ScmCertificate *self,
                                gint64          account_id)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->account_id == account_id)
    return;

  self->account_id = account_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT_ID]);
}

gint64
scm_certificate_get_profile_id (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), 0);

  return self->profile_id;
}

void
scm_certificate_set_profile_id (ScmCertificate *self,
                                gint64          profile_id)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->profile_id == profile_id)
    return;

  self->profile_id = profile_id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE_ID]);
}

/* Filled by the store from the profile, for display. */
const char *
scm_certificate_get_profile_name (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), NULL);

  return self->profile_name;
}

void
scm_certificate_set_profile_name (ScmCertificate *self,
                                  const char     *profile_name)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (g_strcmp0 (self->profile_name, profile_name) == 0)
    return;

  g_free (self->profile_name);
  self->profile_name = g_strdup (profile_name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE_NAME]);
}

ScmKeyType
scm_certificate_get_key_type (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), (ScmKeyType) 0);

  return self->key_type;
}

void
scm_certificate_set_key_type (ScmCertificate *self,
                              ScmKeyType      key_type)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->key_type == key_type)
    return;

  self->key_type = key_type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEY_TYPE]);
}

ScmRequestedVia
scm_certificate_get_requested_via (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), (ScmRequestedVia) 0);

  return self->requested_via;
}

void
scm_certificate_set_requested_via (ScmCertificate *self,
                                   ScmRequestedVia requested_via)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->requested_via == requested_via)
    return;

  self->requested_via = requested_via;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUESTED_VIA]);
}

ScmCertStatus
scm_certificate_get_status (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), (ScmCertStatus) 0);

  return self->status;
}

void
scm_certificate_set_status (ScmCertificate *self,
                            ScmCertStatus   status)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/* For pending rows: the issuing process, e.g. "host:pid:starttime". */
const char *
scm_certificate_get_owner (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), NULL);

  return self->owner;
}

void
scm_certificate_set_owner (ScmCertificate *self,
                           const char     *owner)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (g_strcmp0 (self->owner, owner) == 0)
    return;

  g_free (self->owner);
  self->owner = g_strdup (owner);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWNER]);
}

const char *
scm_certificate_get_subject (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), NULL);

  return self->subject;
}

void
scm_certificate_set_subject (ScmCertificate *self,
                             const char     *subject)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (g_strcmp0 (self->subject, subject) == 0)
    return;

  g_free (self->subject);
  self->subject = g_strdup (subject);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBJECT]);
}

const char *
scm_certificate_get_sans (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), NULL);

  return self->sans;
}

void
scm_certificate_set_sans (ScmCertificate *self,
                          const char     *sans)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (g_strcmp0 (self->sans, sans) == 0)
    return;

  g_free (self->sans);
  self->sans = g_strdup (sans);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SANS]);
}

/* Unix time (seconds). */
gint64
scm_certificate_get_not_before (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), 0);

  return self->not_before;
}

void
scm_certificate_set_not_before (ScmCertificate *self,
                                gint64          not_before)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->not_before == not_before)
    return;

  self->not_before = not_before;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOT_BEFORE]);
}

/* Unix time (seconds). */
gint64
scm_certificate_get_not_after (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), 0);

  return self->not_after;
}

void
scm_certificate_set_not_after (ScmCertificate *self,
                               gint64          not_after)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->not_after == not_after)
    return;

  self->not_after = not_after;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOT_AFTER]);
}

/* SHA-256 of the DER, lower-case hex. */
const char *
scm_certificate_get_fingerprint (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), NULL);

  return self->fingerprint;
}

void
scm_certificate_set_fingerprint (ScmCertificate *self,
                                 const char     *fingerprint)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (g_strcmp0 (self->fingerprint, fingerprint) == 0)
    return;

  g_free (self->fingerprint);
  self->fingerprint = g_strdup (fingerprint);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINGERPRINT]);
}

GBytes *
scm_certificate_get_der (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), NULL);

  return self->der;
}

void
scm_certificate_set_der (ScmCertificate *self,
                         GBytes         *der)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->der == der
      || (self->der != NULL && der != NULL && g_bytes_equal (self->der, der)))
    return;

  g_clear_pointer (&self->der, g_bytes_unref);
  self->der = der != NULL ? g_bytes_ref (der) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DER]);
}

gint64
scm_certificate_get_created_at (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), 0);

  return self->created_at;
}

void
scm_certificate_set_created_at (ScmCertificate *self,
                                gint64          created_at)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

gint64
scm_certificate_get_issued_at (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), 0);

  return self->issued_at;
}

void
scm_certificate_set_issued_at (ScmCertificate *self,
                               gint64          issued_at)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->issued_at == issued_at)
    return;

  self->issued_at = issued_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ISSUED_AT]);
}

/* Unix time (seconds) of revocation, or 0. */
gint64
scm_certificate_get_revoked_at (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), 0);

  return self->revoked_at;
}

void
scm_certificate_set_revoked_at (ScmCertificate *self,
                                gint64          revoked_at)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->revoked_at == revoked_at)
    return;

  self->revoked_at = revoked_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVOKED_AT]);
}

ScmRevocationReason
scm_certificate_get_revocation_reason (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), (ScmRevocationReason) 0);

  return self->revocation_reason;
}

void
scm_certificate_set_revocation_reason (ScmCertificate     *self,
                                       ScmRevocationReason revocation_reason)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (self->revocation_reason == revocation_reason)
    return;

  self->revocation_reason = revocation_reason;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVOCATION_REASON]);
}

/* Why a pending certificate failed. */
const char *
scm_certificate_get_failure_reason (ScmCertificate *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE (self), NULL);

  return self->failure_reason;
}

void
scm_certificate_set_failure_reason (ScmCertificate *self,
                                    const char     *failure_reason)
{
  g_return_if_fail (SCM_IS_CERTIFICATE (self));

  if (g_strcmp0 (self->failure_reason, failure_reason) == 0)
    return;

  g_free (self->failure_reason);
  self->failure_reason = g_strdup (failure_reason);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE_REASON]);
}

