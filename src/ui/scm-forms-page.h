/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scm-list-page.h"

G_BEGIN_DECLS

#define SCM_TYPE_FORMS_PAGE (scm_forms_page_get_type ())

/* The admin window's “Enrollment Forms” page. */
G_DECLARE_FINAL_TYPE (ScmFormsPage, scm_forms_page, SCM, FORMS_PAGE, ScmListPage)

G_END_DECLS
