/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "scm-enrollment-client.h"

G_BEGIN_DECLS

#define SCM_TYPE_ENROLL_AUTH_PAGE (scm_enroll_auth_page_get_type ())

/* The enroll window's second step, as the form asks: email, Send Code,
 * then the mailed code (with Resend); or email and Secret ID. Emits
 * ::signed-in (JsonObject session, string secret_id or NULL) once the
 * server opened a session. */
G_DECLARE_FINAL_TYPE (ScmEnrollAuthPage, scm_enroll_auth_page, SCM, ENROLL_AUTH_PAGE, AdwBin)

/* Starts over for @form (the endpoint's JSON) through @client. */
void        scm_enroll_auth_page_start      (ScmEnrollAuthPage   *self,
                                             ScmEnrollmentClient *client,
                                             JsonObject          *form,
                                             GCancellable        *cancellable);
const char *scm_enroll_auth_page_get_email  (ScmEnrollAuthPage   *self);
void        scm_enroll_auth_page_show_error (ScmEnrollAuthPage   *self,
                                             const char          *message);

G_END_DECLS
