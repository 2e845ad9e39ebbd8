/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"

G_BEGIN_DECLS

/* Send Invitation… for persons of the admin window: the form is chosen
 * from a drop-down, and each person gets a mail with its enrollment
 * endpoint URL and help text, sent in a worker thread. Emits ::sent
 * (guint n_sent, guint n_failed) when the mails have gone, or ::failed
 * (const char *message) when none could be tried. */

#define SCM_TYPE_INVITE_DIALOG (scm_invite_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ScmInviteDialog, scm_invite_dialog, SCM, INVITE_DIALOG, AdwMessageDialog)

/* @emails: NULL-terminated. */
ScmInviteDialog *scm_invite_dialog_new         (GtkWindow          *parent,
                                                ScmAuthority       *authority,
                                                const char * const *emails);
/* TRUE once the forms are listed. */
gboolean         scm_invite_dialog_is_ready    (ScmInviteDialog    *self);
/* Chooses the form named @name; FALSE if it is not offered. */
gboolean         scm_invite_dialog_select_form (ScmInviteDialog    *self,
                                                const char         *name);

G_END_DECLS
