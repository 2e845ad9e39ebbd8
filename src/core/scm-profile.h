/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "scm-types.h"

G_BEGIN_DECLS

#define SCM_TYPE_PROFILE (scm_profile_get_type ())

/* Where a profile takes the subject common name from. */
typedef enum
{
  SCM_CN_SOURCE_EMAIL,
  SCM_CN_SOURCE_NAME,
} ScmCnSource;

/* A certificate profile: what a certificate is for, which keys and terms
 * are allowed and how its subject is built. */
G_DECLARE_FINAL_TYPE (ScmProfile, scm_profile, SCM, PROFILE, GObject)

ScmProfile *scm_profile_new                  (void);
gint64      scm_profile_get_id               (ScmProfile *self);
void        scm_profile_set_id               (ScmProfile *self,
                                              gint64      id);
const char *scm_profile_get_name             (ScmProfile *self);
void        scm_profile_set_name             (ScmProfile *self,
                                              const char *name);
const char *scm_profile_get_description      (ScmProfile *self);
void        scm_profile_set_description      (ScmProfile *self,
                                              const char *description);
ScmPurpose  scm_profile_get_purpose          (ScmProfile *self);
void        scm_profile_set_purpose          (ScmProfile *self,
                                              ScmPurpose  purpose);
GArray     *scm_profile_get_key_types        (ScmProfile *self);
void        scm_profile_set_key_types        (ScmProfile *self,
                                              GArray     *key_types);
GArray     *scm_profile_get_terms            (ScmProfile *self);
void        scm_profile_set_terms            (ScmProfile *self,
                                              GArray     *terms);
ScmCnSource scm_profile_get_cn_source        (ScmProfile *self);
void        scm_profile_set_cn_source        (ScmProfile *self,
                                              ScmCnSource cn_source);
gboolean    scm_profile_get_email_in_subject (ScmProfile *self);
void        scm_profile_set_email_in_subject (ScmProfile *self,
                                              gboolean    email_in_subject);
const char *scm_profile_get_policy_oid       (ScmProfile *self);
void        scm_profile_set_policy_oid       (ScmProfile *self,
                                              const char *policy_oid);
guint       scm_profile_get_max_per_person   (ScmProfile *self);
void        scm_profile_set_max_per_person   (ScmProfile *self,
                                              guint       max_per_person);
gboolean    scm_profile_get_builtin          (ScmProfile *self);
void        scm_profile_set_builtin          (ScmProfile *self,
                                              gboolean    builtin);
gint64      scm_profile_get_created_at       (ScmProfile *self);
void        scm_profile_set_created_at       (ScmProfile *self,
                                              gint64      created_at);
gint64      scm_profile_get_modified_at      (ScmProfile *self);
void        scm_profile_set_modified_at      (ScmProfile *self,
                                              gint64      modified_at);

void     scm_profile_add_key_type    (ScmProfile *self,
                                      ScmKeyType  key_type);
void     scm_profile_add_term        (ScmProfile *self,
                                      guint       days);
gboolean scm_profile_allows_key_type (ScmProfile *self,
                                      ScmKeyType  key_type);
gboolean scm_profile_allows_term     (ScmProfile *self,
                                      guint       days);

const char *scm_cn_source_to_string   (ScmCnSource  source);
gboolean    scm_cn_source_from_string (const char  *str,
                                       ScmCnSource *out);

G_END_DECLS
