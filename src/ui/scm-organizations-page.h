/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scm-list-page.h"

G_BEGIN_DECLS

#define SCM_TYPE_ORGANIZATIONS_PAGE (scm_organizations_page_get_type ())

/* The admin window's “Organizations” page. */
G_DECLARE_FINAL_TYPE (ScmOrganizationsPage, scm_organizations_page, SCM, ORGANIZATIONS_PAGE, ScmListPage)

G_END_DECLS
