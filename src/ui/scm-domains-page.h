/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scm-list-page.h"

G_BEGIN_DECLS

#define SCM_TYPE_DOMAINS_PAGE (scm_domains_page_get_type ())

/* The admin window's “Domains” page. */
G_DECLARE_FINAL_TYPE (ScmDomainsPage, scm_domains_page, SCM, DOMAINS_PAGE, ScmListPage)

G_END_DECLS
