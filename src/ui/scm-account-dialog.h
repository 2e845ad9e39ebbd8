/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"
#include "scm-list-index.h"

G_BEGIN_DECLS

#define SCM_TYPE_ACCOUNT_DIALOG (scm_account_dialog_get_type ())

/* Adds or edits an account of a form: organization, department,
 * certificate profiles, CSR generation methods, authorization and the
 * PKCS#12 file. With Access Code authorization, saving generates the code
 * (only its keyed hash is stored) and the dialog shows it once, with Copy
 * and Regenerate. Emits "saved" with the stored account. */
G_DECLARE_FINAL_TYPE (ScmAccountDialog, scm_account_dialog, SCM, ACCOUNT_DIALOG, AdwWindow)

/* @account NULL adds a new one (to form @form_id when not 0). @accounts
 * (nullable) are the listed accounts, to say as a name is typed that the
 * form has it already. */
ScmAccountDialog *scm_account_dialog_new             (GtkWindow        *parent,
                                                      ScmAuthority     *authority,
                                                      ScmListIndex     *index,
                                                      GListModel       *accounts,
                                                      ScmAccount       *account,
                                                      gint64            form_id);

/* TRUE once the forms and profiles to choose from are shown. */
gboolean          scm_account_dialog_get_loaded      (ScmAccountDialog *self);
/* The access code shown once after saving, or NULL. */
const char       *scm_account_dialog_get_access_code (ScmAccountDialog *self);

G_END_DECLS
