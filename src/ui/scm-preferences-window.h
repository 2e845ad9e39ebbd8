/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-application.h"

G_BEGIN_DECLS

#define SCM_TYPE_PREFERENCES_WINDOW (scm_preferences_window_get_type ())

/* Preferences of the opened data directory, kept as the store's settings
 * that scm-enrollctl uses too: the enrollment server (server.listen,
 * server.public-url, server.autostart), mail (smtp.*, with Send Test
 * Email), sign-in limits (limits.*) and the CA (details, export, import).
 * Each group validates as the user types and saves all of its values or
 * none. */
G_DECLARE_FINAL_TYPE (ScmPreferencesWindow, scm_preferences_window, SCM, PREFERENCES_WINDOW, AdwPreferencesWindow)

ScmPreferencesWindow *scm_preferences_window_new          (GtkWindow            *parent,
                                                           ScmApplication       *application);
/* TRUE while the settings are being read or a save or test runs. */
gboolean              scm_preferences_window_get_busy     (ScmPreferencesWindow *self);

G_END_DECLS
