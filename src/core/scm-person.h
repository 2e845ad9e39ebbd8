/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "scm-types.h"

G_BEGIN_DECLS

#define SCM_TYPE_PERSON (scm_person_get_type ())

/* A person who may enroll. The store lower-cases the email and finds the
 * delegated domain (domain-id) that makes it eligible. */
G_DECLARE_FINAL_TYPE (ScmPerson, scm_person, SCM, PERSON, GObject)

ScmPerson           *scm_person_new                      (void);
gint64               scm_person_get_id                   (ScmPerson          *self);
void                 scm_person_set_id                   (ScmPerson          *self,
                                                          gint64              id);
gint64               scm_person_get_organization_id      (ScmPerson          *self);
void                 scm_person_set_organization_id      (ScmPerson          *self,
                                                          gint64              organization_id);
gint64               scm_person_get_department_id        (ScmPerson          *self);
void                 scm_person_set_department_id        (ScmPerson          *self,
                                                          gint64              department_id);
gint64               scm_person_get_domain_id            (ScmPerson          *self);
void                 scm_person_set_domain_id            (ScmPerson          *self,
                                                          gint64              domain_id);
const char          *scm_person_get_first_name           (ScmPerson          *self);
void                 scm_person_set_first_name           (ScmPerson          *self,
                                                          const char         *first_name);
const char          *scm_person_get_middle_name          (ScmPerson          *self);
void                 scm_person_set_middle_name          (ScmPerson          *self,
                                                          const char         *middle_name);
const char          *scm_person_get_last_name            (ScmPerson          *self);
void                 scm_person_set_last_name            (ScmPerson          *self,
                                                          const char         *last_name);
const char          *scm_person_get_email                (ScmPerson          *self);
void                 scm_person_set_email                (ScmPerson          *self,
                                                          const char         *email);
const char * const *scm_person_get_secondary_emails     (ScmPerson          *self);
void                 scm_person_set_secondary_emails     (ScmPerson          *self,
                                                          const char * const *secondary_emails);
const char          *scm_person_get_phone                (ScmPerson          *self);
void                 scm_person_set_phone                (ScmPerson          *self,
                                                          const char         *phone);
const char          *scm_person_get_common_name          (ScmPerson          *self);
void                 scm_person_set_common_name          (ScmPerson          *self,
                                                          const char         *common_name);
const char          *scm_person_get_upn                  (ScmPerson          *self);
void                 scm_person_set_upn                  (ScmPerson          *self,
                                                          const char         *upn);
const char          *scm_person_get_eppn                 (ScmPerson          *self);
void                 scm_person_set_eppn                 (ScmPerson          *self,
                                                          const char         *eppn);
ScmValidationType    scm_person_get_validation_type      (ScmPerson          *self);
void                 scm_person_set_validation_type      (ScmPerson          *self,
                                                          ScmValidationType   validation_type);
gboolean             scm_person_get_sponsor_validated    (ScmPerson          *self);
void                 scm_person_set_sponsor_validated    (ScmPerson          *self,
                                                          gboolean            sponsor_validated);
const char          *scm_person_get_sponsor_validated_by (ScmPerson          *self);
void                 scm_person_set_sponsor_validated_by (ScmPerson          *self,
                                                          const char         *sponsor_validated_by);
gint64               scm_person_get_sponsor_validated_at (ScmPerson          *self);
void                 scm_person_set_sponsor_validated_at (ScmPerson          *self,
                                                          gint64              sponsor_validated_at);
gboolean             scm_person_get_has_secret_id        (ScmPerson          *self);
void                 scm_person_set_has_secret_id        (ScmPerson          *self,
                                                          gboolean            has_secret_id);
gint64               scm_person_get_created_at           (ScmPerson          *self);
void                 scm_person_set_created_at           (ScmPerson          *self,
                                                          gint64              created_at);
const char          *scm_person_get_created_by           (ScmPerson          *self);
void                 scm_person_set_created_by           (ScmPerson          *self,
                                                          const char         *created_by);
gint64               scm_person_get_modified_at          (ScmPerson          *self);
void                 scm_person_set_modified_at          (ScmPerson          *self,
                                                          gint64              modified_at);
const char          *scm_person_get_modified_by          (ScmPerson          *self);
void                 scm_person_set_modified_by          (ScmPerson          *self,
                                                          const char         *modified_by);
gint64               scm_person_get_deleted_at           (ScmPerson          *self);
void                 scm_person_set_deleted_at           (ScmPerson          *self,
                                                          gint64              deleted_at);

/* "First Middle Last" without empty parts (newly allocated). */
char *scm_person_dup_full_name (ScmPerson *self);

G_END_DECLS
