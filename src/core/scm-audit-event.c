/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include "scm-audit-event.h"

struct _ScmAuditEvent
{
  GObject parent_instance;

  gint64 seq;
  gint64 time;
  char *actor;
  char *action;
  char *object;
  char *result;
  char *message;
};

G_DEFINE_FINAL_TYPE (ScmAuditEvent, scm_audit_event, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SEQ,
  PROP_TIME,
  PROP_ACTOR,
  PROP_ACTION,
  PROP_OBJECT,
  PROP_RESULT,
  PROP_MESSAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
scm_audit_event_finalize (GObject *object)
{
  ScmAuditEvent *self = SCM_AUDIT_EVENT (object);

  g_clear_pointer (&self->actor, g_free);
  g_clear_pointer (&self->action, g_free);
  g_clear_pointer (&self->object, g_free);
  g_clear_pointer (&self->result, g_free);
  g_clear_pointer (&self->message, g_free);

  G_OBJECT_CLASS (scm_audit_event_parent_class)->finalize (object);
}

static void
scm_audit_event_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ScmAuditEvent *self = SCM_AUDIT_EVENT (object);

  switch (prop_id)
    {
    case PROP_SEQ:
      g_value_set_int64 (value, self->seq);
      break;

    case PROP_TIME:
      g_value_set_int64 (value, self->time);
      break;

    case PROP_ACTOR:
      g_value_set_string (value, self->actor);
      break;

    case PROP_ACTION:
      g_value_set_string (value, self->action);
      break;

    case PROP_OBJECT:
      g_value_set_string (value, self->object);
      break;

    case PROP_RESULT:
      g_value_set_string (value, self->result);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_audit_event_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ScmAuditEvent *self = SCM_AUDIT_EVENT (object);

  switch (prop_id)
    {
    case PROP_SEQ:
      scm_audit_event_set_seq (self, g_value_get_int64 (value));
      break;

    case PROP_TIME:
      scm_audit_event_set_time (self, g_value_get_int64 (value));
      break;

    case PROP_ACTOR:
      scm_audit_event_set_actor (self, g_value_get_string (value));
      break;

    case PROP_ACTION:
      scm_audit_event_set_action (self, g_value_get_string (value));
      break;

    case PROP_OBJECT:
      scm_audit_event_set_object (self, g_value_get_string (value));
      break;

    case PROP_RESULT:
      scm_audit_event_set_result (self, g_value_get_string (value));
      break;

    case PROP_MESSAGE:
      scm_audit_event_set_message (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_audit_event_class_init (ScmAuditEventClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_audit_event_finalize;
  object_class->get_property = scm_audit_event_get_property;
  object_class->set_property = scm_audit_event_set_property;

  properties[PROP_SEQ] =
    g_param_spec_int64 ("seq", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME] =
    g_param_spec_int64 ("time", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTOR] =
    g_param_spec_string ("actor", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTION] =
    g_param_spec_string ("action", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OBJECT] =
    g_param_spec_string ("object", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESULT] =
    g_param_spec_string ("result", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scm_audit_event_init (ScmAuditEvent *self)
{
}

ScmAuditEvent *
scm_audit_event_new (void)
{
  return g_object_new (SCM_TYPE_AUDIT_EVENT, NULL);
}

/* The sequence number; the HMAC chain follows it. */
gint64
scm_audit_event_get_seq (ScmAuditEvent *self)
{
  g_return_val_if_fail (SCM_IS_AUDIT_EVENT (self), 0);

  return self->seq;
}

void
scm_audit_event_set_seq (ScmAuditEvent *self,
                         gint64         seq)
{
  g_return_if_fail (SCM_IS_AUDIT_EVENT (self));

  if (self->seq == seq)
    return;

  self->seq = seq;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEQ]);
}

/* Unix time in microseconds. */
gint64
scm_audit_event_get_time (ScmAuditEvent *self)
{
  g_return_val_if_fail (SCM_IS_AUDIT_EVENT (self), 0);

  return self->time;
}

void
scm_audit_event_set_time (ScmAuditEvent *self,
                          gint64         time)
{
  g_return_if_fail (SCM_IS_AUDIT_EVENT (self));

  if (self->time == time)
    return;

  self->time = time;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME]);
}

/* Who: "admin", an email, a client address… */
const char *
scm_audit_event_get_actor (ScmAuditEvent *self)
{
  g_return_val_if_fail (SCM_IS_AUDIT_EVENT (self), NULL);

  return self->actor;
}

void
scm_audit_event_set_actor (ScmAuditEvent *self,
                           const char    *actor)
{
  g_return_if_fail (SCM_IS_AUDIT_EVENT (self));

  if (g_strcmp0 (self->actor, actor) == 0)
    return;

  g_free (self->actor);
  self->actor = g_strdup (actor);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTOR]);
}

/* What, e.g. "person.create" or "certificate.issue". */
const char *
scm_audit_event_get_action (ScmAuditEvent *self)
{
  g_return_val_if_fail (SCM_IS_AUDIT_EVENT (self), NULL);

  return self->action;
}

void
scm_audit_event_set_action (ScmAuditEvent *self,
                            const char    *action)
{
  g_return_if_fail (SCM_IS_AUDIT_EVENT (self));

  if (g_strcmp0 (self->action, action) == 0)
    return;

  g_free (self->action);
  self->action = g_strdup (action);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTION]);
}

/* On what, e.g. an email or a serial. */
const char *
scm_audit_event_get_object (ScmAuditEvent *self)
{
  g_return_val_if_fail (SCM_IS_AUDIT_EVENT (self), NULL);

  return self->object;
}

void
scm_audit_event_set_object (ScmAuditEvent *self,
                            const char    *object)
{
  g_return_if_fail (SCM_IS_AUDIT_EVENT (self));

  if (g_strcmp0 (self->object, object) == 0)
    return;

  g_free (self->object);
  self->object = g_strdup (object);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OBJECT]);
}

/* "success" or "failure". */
const char *
scm_audit_event_get_result (ScmAuditEvent *self)
{
  g_return_val_if_fail (SCM_IS_AUDIT_EVENT (self), NULL);

  return self->result;
}

void
scm_audit_event_set_result (ScmAuditEvent *self,
                            const char    *result)
{
  g_return_if_fail (SCM_IS_AUDIT_EVENT (self));

  if (g_strcmp0 (self->result, result) == 0)
    return;

  g_free (self->result);
  self->result = g_strdup (result);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

/* One sentence; never contains a secret. */
const char *
scm_audit_event_get_message (ScmAuditEvent *self)
{
  g_return_val_if_fail (SCM_IS_AUDIT_EVENT (self), NULL);

  return self->message;
}

void
scm_audit_event_set_message (ScmAuditEvent *self,
                             const char    *message)
{
  g_return_if_fail (SCM_IS_AUDIT_EVENT (self));

  if (g_strcmp0 (self->message, message) == 0)
    return;

  g_free (self->message);
  self->message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

