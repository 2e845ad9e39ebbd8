/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scm-application.h"
#include "scm-store.h"

G_BEGIN_DECLS

typedef gboolean (*ScmTestCondition) (gpointer data);

/* One registered application for the whole test program, as in a real
 * session; its store once a data directory is open. */
ScmApplication *scm_test_ui_get_application     (void);
ScmStore       *scm_test_ui_get_store           (void);

/* Runs the main loop until @condition holds (loads and saves run in
 * threads and come back through it, as they do for a user); fails the
 * test naming @what after two minutes. */
void            scm_test_ui_wait_for            (ScmTestCondition condition,
                                                 gpointer         data,
                                                 const char      *what);
/* Lets pending idles and redraws run without waiting for anything. */
void            scm_test_ui_drain_main_loop     (void);
/* Lets a toast finish appearing: libadwaita 1.2 crashes when one is
 * dismissed during its entrance that replaced another toast. */
void            scm_test_ui_wait_for_toast_shown (void);

/* Conditions: @data is an ScmWindow, an ScmListPage. */
gboolean        scm_test_ui_window_is_ready     (gpointer data);
gboolean        scm_test_ui_page_is_loaded      (gpointer data);

G_END_DECLS
