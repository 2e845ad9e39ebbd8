/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-enroll-issue.h"

G_BEGIN_DECLS

#define SCM_TYPE_ENROLL_DONE_PAGE (scm_enroll_done_page_get_type ())

/* The enroll window's last step: what was issued (subject, email, issuer,
 * valid until, fingerprint), Save PKCS#12… (or Save Certificate… for a
 * provided CSR) and Save CA Certificate…. */
G_DECLARE_FINAL_TYPE (ScmEnrollDonePage, scm_enroll_done_page, SCM, ENROLL_DONE_PAGE, AdwBin)

/* Shows @result (taken) issued for @email. */
void     scm_enroll_done_page_show           (ScmEnrollDonePage    *self,
                                              ScmEnrollResult      *result,
                                              const char           *email,
                                              GCancellable         *cancellable);
/* Saves the PKCS#12 file (mode 0600), or the certificate and its chain
 * as PEM for a provided CSR, to @file; says in place how it went. */
void     scm_enroll_done_page_save_async     (ScmEnrollDonePage    *self,
                                              GFile                *file,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean scm_enroll_done_page_save_finish    (ScmEnrollDonePage    *self,
                                              GAsyncResult         *result,
                                              GError              **error);
/* Saves the issuing CA chain as PEM to @file. */
void     scm_enroll_done_page_save_ca_async  (ScmEnrollDonePage    *self,
                                              GFile                *file,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean scm_enroll_done_page_save_ca_finish (ScmEnrollDonePage    *self,
                                              GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
