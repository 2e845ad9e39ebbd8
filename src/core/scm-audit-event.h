/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>


G_BEGIN_DECLS

#define SCM_TYPE_AUDIT_EVENT (scm_audit_event_get_type ())

/* One row of the audit log. */
G_DECLARE_FINAL_TYPE (ScmAuditEvent, scm_audit_event, SCM, AUDIT_EVENT, GObject)

ScmAuditEvent *scm_audit_event_new         (void);
gint64         scm_audit_event_get_seq     (ScmAuditEvent *self);
void           scm_audit_event_set_seq     (ScmAuditEvent *self,
                                            gint64         seq);
gint64         scm_audit_event_get_time    (ScmAuditEvent *self);
void           scm_audit_event_set_time    (ScmAuditEvent *self,
                                            gint64         time);
const char    *scm_audit_event_get_actor   (ScmAuditEvent *self);
void           scm_audit_event_set_actor   (ScmAuditEvent *self,
                                            const char    *actor);
const char    *scm_audit_event_get_action  (ScmAuditEvent *self);
void           scm_audit_event_set_action  (ScmAuditEvent *self,
                                            const char    *action);
const char    *scm_audit_event_get_object  (ScmAuditEvent *self);
void           scm_audit_event_set_object  (ScmAuditEvent *self,
                                            const char    *object);
const char    *scm_audit_event_get_result  (ScmAuditEvent *self);
void           scm_audit_event_set_result  (ScmAuditEvent *self,
                                            const char    *result);
const char    *scm_audit_event_get_message (ScmAuditEvent *self);
void           scm_audit_event_set_message (ScmAuditEvent *self,
                                            const char    *message);

G_END_DECLS
