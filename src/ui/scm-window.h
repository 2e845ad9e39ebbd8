/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-application.h"
#include "scm-server-status.h"

G_BEGIN_DECLS

#define SCM_TYPE_WINDOW (scm_window_get_type ())

G_DECLARE_FINAL_TYPE (ScmWindow, scm_window, SCM, WINDOW, AdwApplicationWindow)

ScmWindow  *scm_window_new              (ScmApplication *application);
const char *scm_window_get_visible_page (ScmWindow      *self);
void        scm_window_set_visible_page (ScmWindow      *self,
                                         const char     *name);
GtkStack   *scm_window_get_stack        (ScmWindow      *self);
/* The header bar's enrollment server state and switch. */
ScmServerStatus *scm_window_get_server_status (ScmWindow *self);
/* "loading", "locked", "error" or "main". */
const char *scm_window_get_state_page   (ScmWindow      *self);

G_END_DECLS
