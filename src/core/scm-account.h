/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "scm-types.h"

G_BEGIN_DECLS

#define SCM_TYPE_ACCOUNT (scm_account_get_type ())

/* An account of a form: who may enroll through it (organization,
 * department), with which profiles, CSR methods and authorization. */
G_DECLARE_FINAL_TYPE (ScmAccount, scm_account, SCM, ACCOUNT, GObject)

ScmAccount         *scm_account_new                      (void);
gint64              scm_account_get_id                   (ScmAccount         *self);
void                scm_account_set_id                   (ScmAccount         *self,
                                                          gint64              id);
gint64              scm_account_get_form_id              (ScmAccount         *self);
void                scm_account_set_form_id              (ScmAccount         *self,
                                                          gint64              form_id);
const char         *scm_account_get_name                 (ScmAccount         *self);
void                scm_account_set_name                 (ScmAccount         *self,
                                                          const char         *name);
gint64              scm_account_get_organization_id      (ScmAccount         *self);
void                scm_account_set_organization_id      (ScmAccount         *self,
                                                          gint64              organization_id);
gint64              scm_account_get_department_id        (ScmAccount         *self);
void                scm_account_set_department_id        (ScmAccount         *self,
                                                          gint64              department_id);
GArray             *scm_account_get_profile_ids          (ScmAccount         *self);
void                scm_account_set_profile_ids          (ScmAccount         *self,
                                                          GArray             *profile_ids);
ScmCsrMethod        scm_account_get_csr_methods          (ScmAccount         *self);
void                scm_account_set_csr_methods          (ScmAccount         *self,
                                                          ScmCsrMethod        csr_methods);
ScmAuthorization    scm_account_get_authorization        (ScmAccount         *self);
void                scm_account_set_authorization        (ScmAccount         *self,
                                                          ScmAuthorization    authorization);
gboolean            scm_account_get_has_access_code      (ScmAccount         *self);
void                scm_account_set_has_access_code      (ScmAccount         *self,
                                                          gboolean            has_access_code);
ScmPkcs12Protection scm_account_get_pkcs12_protection    (ScmAccount         *self);
void                scm_account_set_pkcs12_protection    (ScmAccount         *self,
                                                          ScmPkcs12Protection pkcs12_protection);
gboolean            scm_account_get_allow_empty_password (ScmAccount         *self);
void                scm_account_set_allow_empty_password (ScmAccount         *self,
                                                          gboolean            allow_empty_password);
gint64              scm_account_get_created_at           (ScmAccount         *self);
void                scm_account_set_created_at           (ScmAccount         *self,
                                                          gint64              created_at);
gint64              scm_account_get_modified_at          (ScmAccount         *self);
void                scm_account_set_modified_at          (ScmAccount         *self,
                                                          gint64              modified_at);

void     scm_account_add_profile_id (ScmAccount *self,
                                     gint64      profile_id);
gboolean scm_account_has_profile    (ScmAccount *self,
                                     gint64      profile_id);

G_END_DECLS
