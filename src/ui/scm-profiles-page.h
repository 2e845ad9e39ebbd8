/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scm-list-page.h"

G_BEGIN_DECLS

#define SCM_TYPE_PROFILES_PAGE (scm_profiles_page_get_type ())

/* The admin window's “Certificate Profiles” page. */
G_DECLARE_FINAL_TYPE (ScmProfilesPage, scm_profiles_page, SCM, PROFILES_PAGE, ScmListPage)

G_END_DECLS
