/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Set-up shared by the service tests: a fresh data directory with its
 * authority, the enrollment server on 127.0.0.1, SoupSessions that trust
 * only our root, and the records most tests start from. Every helper
 * asserts that the store accepted what it was given. */

#include <libsoup/soup.h>

#include "scm-authority.h"
#include "scm-enrollment-server.h"
#include "scm-smtp-sink.h"

G_BEGIN_DECLS

ScmAuthority        *scm_test_open_authority         (const char *data_dir,
                                                      ScmStore  **out_store);
char                *scm_test_write_root_pem         (ScmAuthority *authority,
                                                      const char   *dir);

ScmEnrollmentServer *scm_test_server_new             (ScmAuthority *authority,
                                                      gboolean      start);
void                 scm_test_server_stop            (ScmEnrollmentServer *server);
SoupSession         *scm_test_session_new            (const char *root_path,
                                                      const char *local_address);

void                 scm_test_set_setting            (ScmStore   *store,
                                                      const char *key,
                                                      const char *value);
void                 scm_test_use_smtp_sink          (ScmStore    *store,
                                                      ScmSmtpSink *sink,
                                                      const char  *sender);
ScmOrganization     *scm_test_add_organization       (ScmStore   *store,
                                                      const char *name);
void                 scm_test_add_domain             (ScmStore   *store,
                                                      const char *name,
                                                      gint64      organization_id,
                                                      gint64      department_id,
                                                      gboolean    validated);
char                *scm_test_add_person             (ScmStore   *store,
                                                      const char *email,
                                                      const char *first,
                                                      const char *last,
                                                      gint64      organization_id,
                                                      gint64      department_id);
gint64               scm_test_client_auth_profile_id (ScmStore *store);
ScmAccount          *scm_test_add_account            (ScmStore         *store,
                                                      ScmForm          *form,
                                                      const char       *name,
                                                      gint64            organization_id,
                                                      ScmAuthorization  authorization,
                                                      ScmCsrMethod      methods,
                                                      gint64            profile_id);

G_END_DECLS
