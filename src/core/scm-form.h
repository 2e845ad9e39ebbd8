/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "scm-types.h"

G_BEGIN_DECLS

#define SCM_TYPE_FORM (scm_form_get_type ())

/* An enrollment form: the enrollment endpoint URL is made of its URI
 * extension; people authenticate as its authentication says. */
G_DECLARE_FINAL_TYPE (ScmForm, scm_form, SCM, FORM, GObject)

ScmForm          *scm_form_new                   (void);
gint64            scm_form_get_id                (ScmForm          *self);
void              scm_form_set_id                (ScmForm          *self,
                                                  gint64            id);
const char       *scm_form_get_name              (ScmForm          *self);
void              scm_form_set_name              (ScmForm          *self,
                                                  const char       *name);
const char       *scm_form_get_form_type         (ScmForm          *self);
void              scm_form_set_form_type         (ScmForm          *self,
                                                  const char       *form_type);
const char       *scm_form_get_uri_extension     (ScmForm          *self);
void              scm_form_set_uri_extension     (ScmForm          *self,
                                                  const char       *uri_extension);
ScmAuthentication scm_form_get_authentication    (ScmForm          *self);
void              scm_form_set_authentication    (ScmForm          *self,
                                                  ScmAuthentication authentication);
const char       *scm_form_get_help_text         (ScmForm          *self);
void              scm_form_set_help_text         (ScmForm          *self,
                                                  const char       *help_text);
const char       *scm_form_get_help_link_text    (ScmForm          *self);
void              scm_form_set_help_link_text    (ScmForm          *self,
                                                  const char       *help_link_text);
const char       *scm_form_get_help_link_url     (ScmForm          *self);
void              scm_form_set_help_link_url     (ScmForm          *self,
                                                  const char       *help_link_url);
const char       *scm_form_get_contact           (ScmForm          *self);
void              scm_form_set_contact           (ScmForm          *self,
                                                  const char       *contact);
gboolean          scm_form_get_all_organizations (ScmForm          *self);
void              scm_form_set_all_organizations (ScmForm          *self,
                                                  gboolean          all_organizations);
GArray           *scm_form_get_organization_ids  (ScmForm          *self);
void              scm_form_set_organization_ids  (ScmForm          *self,
                                                  GArray           *organization_ids);
gboolean          scm_form_get_enabled           (ScmForm          *self);
void              scm_form_set_enabled           (ScmForm          *self,
                                                  gboolean          enabled);
gint64            scm_form_get_created_at        (ScmForm          *self);
void              scm_form_set_created_at        (ScmForm          *self,
                                                  gint64            created_at);
gint64            scm_form_get_modified_at       (ScmForm          *self);
void              scm_form_set_modified_at       (ScmForm          *self,
                                                  gint64            modified_at);

/* The only form type there is for now. */
#define SCM_FORM_TYPE_CLIENT_SELF_ENROLLMENT "client-self-enrollment"

void     scm_form_add_organization_id (ScmForm *self,
                                       gint64   organization_id);
/* TRUE if the form is delegated to all organizations or to this one. */
gboolean scm_form_is_delegated_to     (ScmForm *self,
                                       gint64   organization_id);

G_END_DECLS
