/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-application.h"

G_BEGIN_DECLS

#define SCM_TYPE_SERVER_STATUS (scm_server_status_get_type ())

/* The header bar's view of the application's enrollment server: its
 * state, the URL it serves (selectable, with a Copy button) and a switch
 * that starts and stops it. */
G_DECLARE_FINAL_TYPE (ScmServerStatus, scm_server_status, SCM, SERVER_STATUS, GtkWidget)

ScmApplication *scm_server_status_get_application (ScmServerStatus *self);
void            scm_server_status_set_application (ScmServerStatus *self,
                                                   ScmApplication  *application);
GtkSwitch      *scm_server_status_get_switch      (ScmServerStatus *self);
/* What the state label says ("Server stopped", "https://…"). */
const char     *scm_server_status_get_text        (ScmServerStatus *self);

G_END_DECLS
