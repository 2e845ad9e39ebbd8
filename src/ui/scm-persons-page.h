/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scm-list-page.h"

G_BEGIN_DECLS

#define SCM_TYPE_PERSONS_PAGE (scm_persons_page_get_type ())

/* The admin window's “Persons” page. */
G_DECLARE_FINAL_TYPE (ScmPersonsPage, scm_persons_page, SCM, PERSONS_PAGE, ScmListPage)

/* Opens the CSV import wizard; the page reloads after an import. */
void scm_persons_page_import (ScmPersonsPage *self);

G_END_DECLS
