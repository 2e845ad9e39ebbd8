/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"
#include "scm-list-index.h"

G_BEGIN_DECLS

#define SCM_TYPE_ORGANIZATION_DIALOG (scm_organization_dialog_get_type ())

/* Adds or edits an organization and its departments. Emits "saved" with
 * the stored organization after the store accepted every change. */
G_DECLARE_FINAL_TYPE (ScmOrganizationDialog, scm_organization_dialog, SCM, ORGANIZATION_DIALOG, AdwWindow)

/* @organization NULL adds a new one; @index names what exists already. */
ScmOrganizationDialog *scm_organization_dialog_new (GtkWindow       *parent,
                                                    ScmAuthority    *authority,
                                                    ScmListIndex    *index,
                                                    ScmOrganization *organization);

G_END_DECLS
