/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"
#include "scm-list-index.h"

G_BEGIN_DECLS

#define SCM_TYPE_DOMAIN_DIALOG (scm_domain_dialog_get_type ())

/* Adds or edits a delegated domain: its name, the organization or
 * department it is delegated to, and whether it is validated. Emits
 * "saved" with the stored domain. */
G_DECLARE_FINAL_TYPE (ScmDomainDialog, scm_domain_dialog, SCM, DOMAIN_DIALOG, AdwWindow)

/* @domain NULL adds a new one. */
ScmDomainDialog *scm_domain_dialog_new (GtkWindow    *parent,
                                        ScmAuthority *authority,
                                        ScmListIndex *index,
                                        ScmDomain    *domain);

G_END_DECLS
