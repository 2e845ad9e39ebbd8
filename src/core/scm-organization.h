/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>


G_BEGIN_DECLS

#define SCM_TYPE_ORGANIZATION (scm_organization_get_type ())

/* An organization people belong to. The store checks and normalizes the
 * fields (trimmed name, unique without regard to case; country upper-case). */
G_DECLARE_FINAL_TYPE (ScmOrganization, scm_organization, SCM, ORGANIZATION, GObject)

ScmOrganization *scm_organization_new                (void);
gint64           scm_organization_get_id             (ScmOrganization *self);
void             scm_organization_set_id             (ScmOrganization *self,
                                                      gint64           id);
const char      *scm_organization_get_name           (ScmOrganization *self);
void             scm_organization_set_name           (ScmOrganization *self,
                                                      const char      *name);
const char      *scm_organization_get_secondary_name (ScmOrganization *self);
void             scm_organization_set_secondary_name (ScmOrganization *self,
                                                      const char      *secondary_name);
const char      *scm_organization_get_country        (ScmOrganization *self);
void             scm_organization_set_country        (ScmOrganization *self,
                                                      const char      *country);
gint64           scm_organization_get_created_at     (ScmOrganization *self);
void             scm_organization_set_created_at     (ScmOrganization *self,
                                                      gint64           created_at);
gint64           scm_organization_get_modified_at    (ScmOrganization *self);
void             scm_organization_set_modified_at    (ScmOrganization *self,
                                                      gint64           modified_at);

G_END_DECLS
