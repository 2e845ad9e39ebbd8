/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"
#include "scm-list-index.h"

G_BEGIN_DECLS

#define SCM_TYPE_PERSON_DIALOG (scm_person_dialog_get_type ())

/* Adds or edits a person: the tabs General (organization, department,
 * domain, names, email, phone) and Details (common name, validation,
 * Secret ID, other names). Emits "saved" with the stored person. */
G_DECLARE_FINAL_TYPE (ScmPersonDialog, scm_person_dialog, SCM, PERSON_DIALOG, AdwWindow)

/* @person NULL adds a new one. @persons (nullable) are the listed
 * persons, to say as the email is typed that it is taken. */
ScmPersonDialog *scm_person_dialog_new (GtkWindow    *parent,
                                        ScmAuthority *authority,
                                        ScmListIndex *index,
                                        GListModel   *persons,
                                        ScmPerson    *person);

G_END_DECLS
