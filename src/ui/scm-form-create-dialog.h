/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"

G_BEGIN_DECLS

#define SCM_TYPE_FORM_CREATE_DIALOG (scm_form_create_dialog_get_type ())

/* "Create Enrollment Form": asks the name and the type, creates the form
 * (with a random URI extension, Email Confirmation, all organizations)
 * and emits "created" with the stored form, for the form's dialog to
 * take over. */
G_DECLARE_FINAL_TYPE (ScmFormCreateDialog, scm_form_create_dialog, SCM, FORM_CREATE_DIALOG, AdwWindow)

/* @forms (nullable) are the listed forms, to say as the name is typed
 * that it is taken. */
ScmFormCreateDialog *scm_form_create_dialog_new (GtkWindow    *parent,
                                                 ScmAuthority *authority,
                                                 GListModel   *forms);

G_END_DECLS
