/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "scm-enroll-issue.h"

G_BEGIN_DECLS

#define SCM_TYPE_ENROLL_REQUEST_PAGE (scm_enroll_request_page_get_type ())

/* The enroll window's fourth step: profile, term, key type and where the
 * key is made, as the account allows; the PKCS#12 password twice with a
 * strength indicator, or a generated one; the protection. For accounts
 * that take a provided CSR, the CSR file instead. Emits ::submit when
 * Request Certificate is pressed. */
G_DECLARE_FINAL_TYPE (ScmEnrollRequestPage, scm_enroll_request_page, SCM, ENROLL_REQUEST_PAGE, AdwBin)

/* @authorized: what the account allows (the authorize answer). */
void              scm_enroll_request_page_start       (ScmEnrollRequestPage *self,
                                                       JsonObject           *authorized,
                                                       GCancellable         *cancellable);
/* The person's choices; the caller adds the account and the email. */
ScmEnrollRequest *scm_enroll_request_page_dup_request (ScmEnrollRequestPage *self);
/* Reads @file as the CSR to send (what the file chooser calls). */
void              scm_enroll_request_page_load_csr    (ScmEnrollRequestPage *self,
                                                       GFile                *file);
void              scm_enroll_request_page_show_error  (ScmEnrollRequestPage *self,
                                                       const char           *message);

G_END_DECLS
