/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scm-list-page.h"

G_BEGIN_DECLS

#define SCM_TYPE_ACCOUNTS_PAGE (scm_accounts_page_get_type ())

/* The admin window's “Accounts” page. */
G_DECLARE_FINAL_TYPE (ScmAccountsPage, scm_accounts_page, SCM, ACCOUNTS_PAGE, ScmListPage)

/* Lists only @form's accounts (a form's *Accounts* action), by searching
 * for its name; Add then adds to @form. */
void scm_accounts_page_show_form (ScmAccountsPage *self,
                                  ScmForm         *form);

G_END_DECLS
