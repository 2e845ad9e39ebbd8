/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scm-list-page.h"

G_BEGIN_DECLS

#define SCM_TYPE_AUDIT_PAGE (scm_audit_page_get_type ())

/* The admin window's “Audit Log” page. */
G_DECLARE_FINAL_TYPE (ScmAuditPage, scm_audit_page, SCM, AUDIT_PAGE, ScmListPage)

G_END_DECLS
