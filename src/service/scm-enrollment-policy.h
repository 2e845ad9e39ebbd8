/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the JSON enrollment API and the EST routes share: responses,
 * audit events, attempt counters and who an account is open to. Private
 * to src/service; both routes count the same attempts, so that neither
 * gives more tries than the other. */

#include <gio/gio.h>

#include "scm-enrollment-api.h"

G_BEGIN_DECLS

ScmApiResponse *scm_api_response_new         (guint           status,
                                              const char     *content_type,
                                              GBytes         *body);
void            scm_api_response_add_header  (ScmApiResponse *response,
                                              const char     *name,
                                              const char     *value);

void            scm_enrollment_audit         (ScmStore   *store,
                                              const char *actor,
                                              const char *action,
                                              const char *object,
                                              const char *result,
                                              const char *format,
                                              ...) G_GNUC_PRINTF (6, 7);
char           *scm_enrollment_address_actor (const ScmApiRequest *request);

GPtrArray      *scm_enrollment_attempt_keys    (const ScmApiRequest *request,
                                                const char          *prefix,
                                                const char          *email);
gboolean        scm_enrollment_check_lockout   (ScmStore             *store,
                                                const ScmApiRequest  *request,
                                                GPtrArray            *keys,
                                                const char           *action,
                                                const char           *object,
                                                const char           *what,
                                                gint64               *out_locked_until,
                                                char                **out_detail,
                                                GError              **error);
gboolean        scm_enrollment_record_attempts (ScmStore   *store,
                                                GPtrArray  *keys,
                                                gboolean    success,
                                                gint64      now,
                                                GError    **error);

gboolean        scm_enrollment_find_enabled_form      (ScmStore    *store,
                                                       const char  *extension,
                                                       ScmForm    **out,
                                                       GError     **error);
gboolean        scm_enrollment_find_person            (ScmStore    *store,
                                                       const char  *email,
                                                       ScmPerson  **out,
                                                       GError     **error);
gboolean        scm_enrollment_account_reaches_person (ScmForm    *form,
                                                       ScmAccount *account,
                                                       ScmPerson  *person);

G_END_DECLS
