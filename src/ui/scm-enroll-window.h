/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SCM_TYPE_ENROLL_WINDOW (scm_enroll_window_get_type ())

/* The end user's window (DESIGN.md, "User interface"): endpoint URL →
 * sign in → account → request → progress → done and save. It needs no
 * administrator data, only the enrollment link; closing it cancels
 * whatever it was doing. */
G_DECLARE_FINAL_TYPE (ScmEnrollWindow, scm_enroll_window, SCM, ENROLL_WINDOW, AdwApplicationWindow)

/* @url (nullable) prefills the enrollment endpoint URL. */
ScmEnrollWindow *scm_enroll_window_new          (GtkApplication   *application,
                                                 const char       *url);
/* "endpoint", "authenticate", "account", "request", "progress", "done",
 * or "renew" (Renew a Certificate…). */
const char      *scm_enroll_window_get_step     (ScmEnrollWindow  *self);

/* What Save PKCS#12… does after its file chooser: writes the PKCS#12
 * file (mode 0600), or the certificate and chain as PEM for a provided
 * CSR, to @file, and shows the outcome in the window. */
void             scm_enroll_window_save_async   (ScmEnrollWindow      *self,
                                                 GFile                *file,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean         scm_enroll_window_save_finish  (ScmEnrollWindow      *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
/* What the renewal step's file chooser does: reads @file as the current
 * PKCS#12 file. */
void             scm_enroll_window_set_renewal_file (ScmEnrollWindow *self,
                                                     GFile           *file);

/* What Save CA Certificate… does after its file chooser. */
void             scm_enroll_window_save_ca_async  (ScmEnrollWindow    *self,
                                                   GFile              *file,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean         scm_enroll_window_save_ca_finish (ScmEnrollWindow    *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);

G_END_DECLS
