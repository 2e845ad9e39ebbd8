/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "scm-enrollment-client.h"

G_BEGIN_DECLS

#define SCM_TYPE_ENROLL_ACCOUNT_PAGE (scm_enroll_account_page_get_type ())

/* The enroll window's third step: the accounts the signed-in person may
 * use, and the access code or Secret ID an account asks for. Emits
 * ::authorized (gint64 account id, JsonObject what the account allows)
 * once the server agreed, or ::session-expired (string: what to tell
 * the person) when they must sign in again. */
G_DECLARE_FINAL_TYPE (ScmEnrollAccountPage, scm_enroll_account_page, SCM, ENROLL_ACCOUNT_PAGE, AdwBin)

/* @session: the sign-in answer; @secret_id: the Secret ID signed in with
 * (nullable), offered again when an account asks for it. */
void scm_enroll_account_page_start      (ScmEnrollAccountPage *self,
                                         ScmEnrollmentClient  *client,
                                         JsonObject           *session,
                                         const char           *secret_id,
                                         GCancellable         *cancellable);
void scm_enroll_account_page_show_error (ScmEnrollAccountPage *self,
                                         const char           *message);

G_END_DECLS
