/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SCM_TYPE_APPLICATION (scm_application_get_type ())

G_DECLARE_FINAL_TYPE (ScmApplication, scm_application, SCM, APPLICATION, AdwApplication)

ScmApplication *scm_application_new          (void);
const char     *scm_application_get_data_dir (ScmApplication *self);

G_END_DECLS
