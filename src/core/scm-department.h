/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>


G_BEGIN_DECLS

#define SCM_TYPE_DEPARTMENT (scm_department_get_type ())

/* A department of one organization; its name is unique within it. */
G_DECLARE_FINAL_TYPE (ScmDepartment, scm_department, SCM, DEPARTMENT, GObject)

ScmDepartment *scm_department_new                 (void);
gint64         scm_department_get_id              (ScmDepartment *self);
void           scm_department_set_id              (ScmDepartment *self,
                                                   gint64         id);
gint64         scm_department_get_organization_id (ScmDepartment *self);
void           scm_department_set_organization_id (ScmDepartment *self,
                                                   gint64         organization_id);
const char    *scm_department_get_name            (ScmDepartment *self);
void           scm_department_set_name            (ScmDepartment *self,
                                                   const char    *name);
gint64         scm_department_get_created_at      (ScmDepartment *self);
void           scm_department_set_created_at      (ScmDepartment *self,
                                                   gint64         created_at);
gint64         scm_department_get_modified_at     (ScmDepartment *self);
void           scm_department_set_modified_at     (ScmDepartment *self,
                                                   gint64         modified_at);

G_END_DECLS
