/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scm-list-page.h"

G_BEGIN_DECLS

#define SCM_TYPE_CERTIFICATES_PAGE (scm_certificates_page_get_type ())

/* The admin window's “Certificates” page. */
G_DECLARE_FINAL_TYPE (ScmCertificatesPage, scm_certificates_page, SCM, CERTIFICATES_PAGE, ScmListPage)

/* Days ahead the page's summary counts the certificates that expire. */
#define SCM_CERTIFICATES_PAGE_EXPIRY_DAYS 30

/* The summary line ("3 certificates expire within 30 days"), or NULL
 * when none does or it is not counted yet. */
const char *scm_certificates_page_get_expiry_summary (ScmCertificatesPage *self);

G_END_DECLS
