/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "scm-types.h"

G_BEGIN_DECLS

#define SCM_TYPE_CERTIFICATE (scm_certificate_get_type ())

/* A certificate row: pending while being signed, then issued (or failed),
 * possibly revoked. "expired" is derived when read: an issued certificate
 * whose not-after lies in the past. No private key is ever stored. */
G_DECLARE_FINAL_TYPE (ScmCertificate, scm_certificate, SCM, CERTIFICATE, GObject)

ScmCertificate     *scm_certificate_new                   (void);
gint64              scm_certificate_get_id                (ScmCertificate     *self);
void                scm_certificate_set_id                (ScmCertificate     *self,
                                                           gint64              id);
const char         *scm_certificate_get_issuer            (ScmCertificate     *self);
void                scm_certificate_set_issuer            (ScmCertificate     *self,
                                                           const char         *issuer);
const char         *scm_certificate_get_serial            (ScmCertificate     *self);
void                scm_certificate_set_serial            (ScmCertificate     *self,
                                                           const char         *serial);
gint64              scm_certificate_get_person_id         (ScmCertificate     *self);
void                scm_certificate_set_person_id         (ScmCertificate     *self,
                                                           gint64              person_id);
const char         *scm_certificate_get_person_email      (ScmCertificate     *self);
void                scm_certificate_set_person_email      (ScmCertificate     *self,
                                                           const char         *person_email);
gint64              scm_certificate_get_form_id           (ScmCertificate     *self);
void                scm_certificate_set_form_id           (ScmCertificate     *self,
                                                           gint64              form_id);
gint64              scm_certificate_get_account_id        (ScmCertificate     *self);
void                scm_certificate_set_account_id        (ScmCertificate     *self,
                                                           gint64              account_id);
gint64              scm_certificate_get_profile_id        (ScmCertificate     *self);
void                scm_certificate_set_profile_id        (ScmCertificate     *self,
                                                           gint64              profile_id);
const char         *scm_certificate_get_profile_name      (ScmCertificate     *self);
void                scm_certificate_set_profile_name      (ScmCertificate     *self,
                                                           const char         *profile_name);
ScmKeyType          scm_certificate_get_key_type          (ScmCertificate     *self);
void                scm_certificate_set_key_type          (ScmCertificate     *self,
                                                           ScmKeyType          key_type);
ScmRequestedVia     scm_certificate_get_requested_via     (ScmCertificate     *self);
void                scm_certificate_set_requested_via     (ScmCertificate     *self,
                                                           ScmRequestedVia     requested_via);
ScmCertStatus       scm_certificate_get_status            (ScmCertificate     *self);
void                scm_certificate_set_status            (ScmCertificate     *self,
                                                           ScmCertStatus       status);
const char         *scm_certificate_get_owner             (ScmCertificate     *self);
void                scm_certificate_set_owner             (ScmCertificate     *self,
                                                           const char         *owner);
const char         *scm_certificate_get_subject           (ScmCertificate     *self);
void                scm_certificate_set_subject           (ScmCertificate     *self,
                                                           const char         *subject);
const char         *scm_certificate_get_sans              (ScmCertificate     *self);
void                scm_certificate_set_sans              (ScmCertificate     *self,
                                                           const char         *sans);
gint64              scm_certificate_get_not_before        (ScmCertificate     *self);
void                scm_certificate_set_not_before        (ScmCertificate     *self,
                                                           gint64              not_before);
gint64              scm_certificate_get_not_after         (ScmCertificate     *self);
void                scm_certificate_set_not_after         (ScmCertificate     *self,
                                                           gint64              not_after);
const char         *scm_certificate_get_fingerprint       (ScmCertificate     *self);
void                scm_certificate_set_fingerprint       (ScmCertificate     *self,
                                                           const char         *fingerprint);
GBytes             *scm_certificate_get_der               (ScmCertificate     *self);
void                scm_certificate_set_der               (ScmCertificate     *self,
                                                           GBytes             *der);
gint64              scm_certificate_get_created_at        (ScmCertificate     *self);
void                scm_certificate_set_created_at        (ScmCertificate     *self,
                                                           gint64              created_at);
gint64              scm_certificate_get_issued_at         (ScmCertificate     *self);
void                scm_certificate_set_issued_at         (ScmCertificate     *self,
                                                           gint64              issued_at);
gint64              scm_certificate_get_revoked_at        (ScmCertificate     *self);
void                scm_certificate_set_revoked_at        (ScmCertificate     *self,
                                                           gint64              revoked_at);
ScmRevocationReason scm_certificate_get_revocation_reason (ScmCertificate     *self);
void                scm_certificate_set_revocation_reason (ScmCertificate     *self,
                                                           ScmRevocationReason revocation_reason);
const char         *scm_certificate_get_failure_reason    (ScmCertificate     *self);
void                scm_certificate_set_failure_reason    (ScmCertificate     *self,
                                                           const char         *failure_reason);
gint64              scm_certificate_get_renewed_from      (ScmCertificate     *self);
void                scm_certificate_set_renewed_from      (ScmCertificate     *self,
                                                           gint64              renewed_from);

G_END_DECLS
