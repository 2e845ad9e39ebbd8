/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>


G_BEGIN_DECLS

#define SCM_TYPE_DOMAIN (scm_domain_get_type ())

/* A DNS name delegated to an organization (all of its departments) or to
 * one of its departments. "*.example.org" also delegates example.org and
 * every name below it. Only validated domains make emails eligible. */
G_DECLARE_FINAL_TYPE (ScmDomain, scm_domain, SCM, DOMAIN, GObject)

ScmDomain  *scm_domain_new                 (void);
gint64      scm_domain_get_id              (ScmDomain  *self);
void        scm_domain_set_id              (ScmDomain  *self,
                                            gint64      id);
const char *scm_domain_get_name            (ScmDomain  *self);
void        scm_domain_set_name            (ScmDomain  *self,
                                            const char *name);
gint64      scm_domain_get_organization_id (ScmDomain  *self);
void        scm_domain_set_organization_id (ScmDomain  *self,
                                            gint64      organization_id);
gint64      scm_domain_get_department_id   (ScmDomain  *self);
void        scm_domain_set_department_id   (ScmDomain  *self,
                                            gint64      department_id);
gboolean    scm_domain_get_validated       (ScmDomain  *self);
void        scm_domain_set_validated       (ScmDomain  *self,
                                            gboolean    validated);
gint64      scm_domain_get_validated_at    (ScmDomain  *self);
void        scm_domain_set_validated_at    (ScmDomain  *self,
                                            gint64      validated_at);
gint64      scm_domain_get_created_at      (ScmDomain  *self);
void        scm_domain_set_created_at      (ScmDomain  *self,
                                            gint64      created_at);
gint64      scm_domain_get_modified_at     (ScmDomain  *self);
void        scm_domain_set_modified_at     (ScmDomain  *self,
                                            gint64      modified_at);

/* TRUE for "*.example.org": it also delegates every name below. */
gboolean scm_domain_is_wildcard (ScmDomain *self);

G_END_DECLS
