/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-enroll-renew.h"

G_BEGIN_DECLS

/* The enroll window's renewal step: the current PKCS#12 file (chosen with
 * a file chooser), its password, and the new file's password typed
 * twice. Emits ::submit when Renew Certificate is pressed. */

#define SCM_TYPE_ENROLL_RENEW_PAGE (scm_enroll_renew_page_get_type ())

G_DECLARE_FINAL_TYPE (ScmEnrollRenewPage, scm_enroll_renew_page, SCM, ENROLL_RENEW_PAGE, AdwBin)

/* Clears what was typed; @cancellable (the window's) ends file reads. */
void              scm_enroll_renew_page_start        (ScmEnrollRenewPage  *self,
                                                      GCancellable        *cancellable);
/* Reads @file as the current PKCS#12 file, as the file chooser does. */
void              scm_enroll_renew_page_set_file     (ScmEnrollRenewPage  *self,
                                                      GFile               *file);
/* What was chosen and typed; NULL before a file was read. */
ScmEnrollRenewal *scm_enroll_renew_page_dup_renewal  (ScmEnrollRenewPage  *self);
void              scm_enroll_renew_page_show_error   (ScmEnrollRenewPage  *self,
                                                      const char          *message);

G_END_DECLS
