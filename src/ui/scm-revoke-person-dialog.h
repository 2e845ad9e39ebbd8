/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"

G_BEGIN_DECLS

/* Revoke All Certificates… of a person: a reason, a confirmation, then
 * the revocation and one new CRL in a worker thread. Emits ::revoked
 * (guint n_revoked) or ::failed (const char *message). */

#define SCM_TYPE_REVOKE_PERSON_DIALOG (scm_revoke_person_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ScmRevokePersonDialog, scm_revoke_person_dialog, SCM, REVOKE_PERSON_DIALOG,
                      AdwMessageDialog)

ScmRevokePersonDialog *scm_revoke_person_dialog_new        (GtkWindow             *parent,
                                                            ScmAuthority          *authority,
                                                            ScmPerson             *person);
void                   scm_revoke_person_dialog_set_reason (ScmRevokePersonDialog *self,
                                                            ScmRevocationReason    reason);

G_END_DECLS
