/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"
#include "scm-list-index.h"

G_BEGIN_DECLS

#define SCM_TYPE_FORM_DIALOG (scm_form_dialog_get_type ())

/* An enrollment form's dialog: the tabs Details (name, URI extension with
 * Generate, the enrollment endpoint URL with Copy, enabled) and
 * Configuration (authentication, help, contact, delegation). Emits
 * "saved" with the stored form. */
G_DECLARE_FINAL_TYPE (ScmFormDialog, scm_form_dialog, SCM, FORM_DIALOG, AdwWindow)

/* @form NULL adds a new one. @forms (nullable) are the listed forms, to
 * say as a name or URI extension is typed that it is taken. */
ScmFormDialog *scm_form_dialog_new     (GtkWindow     *parent,
                                        ScmAuthority  *authority,
                                        ScmListIndex  *index,
                                        GListModel    *forms,
                                        ScmForm       *form);

/* The enrollment endpoint URL shown, or NULL while it is worked out. */
const char    *scm_form_dialog_get_url (ScmFormDialog *self);

G_END_DECLS
