/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SCM_TYPE_ENROLL_ENDPOINT_PAGE (scm_enroll_endpoint_page_get_type ())

/* The enroll window's first step: the enrollment endpoint URL and
 * Connect, which checks the link, reaches the server through its pin and
 * reads the form. Emits ::connected (ScmEnrollmentClient, JsonObject
 * form) when it could, or ::renew (the same) for Renew a Certificate…. */
G_DECLARE_FINAL_TYPE (ScmEnrollEndpointPage, scm_enroll_endpoint_page, SCM, ENROLL_ENDPOINT_PAGE, AdwBin)

void scm_enroll_endpoint_page_set_url         (ScmEnrollEndpointPage *self,
                                               const char            *url);
/* The window's; cancelled when it closes. */
void scm_enroll_endpoint_page_set_cancellable (ScmEnrollEndpointPage *self,
                                               GCancellable          *cancellable);
void scm_enroll_endpoint_page_show_error      (ScmEnrollEndpointPage *self,
                                               const char            *message);

G_END_DECLS
