/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"
#include "scm-list-index.h"

G_BEGIN_DECLS

#define SCM_TYPE_CERTIFICATE_DIALOG (scm_certificate_dialog_get_type ())

/* A certificate's details (subject, email addresses, profile, serial,
 * SHA-256 fingerprint, validity, status, issuer, the certificates it
 * renewed and that renewed it, each opening its own details) with *Revoke…* and
 * *Export Certificate…*. Emits "revoked" with the certificate as stored
 * after a revocation. */
G_DECLARE_FINAL_TYPE (ScmCertificateDialog, scm_certificate_dialog, SCM, CERTIFICATE_DIALOG, AdwWindow)

ScmCertificateDialog *scm_certificate_dialog_new            (GtkWindow             *parent,
                                                             ScmAuthority          *authority,
                                                             ScmListIndex          *index,
                                                             ScmCertificate        *certificate);

/* TRUE once the details are shown (they are read off the main loop). */
gboolean              scm_certificate_dialog_get_loaded     (ScmCertificateDialog  *self);

/* Writes the certificate to @file as PEM, replacing it (what the file
 * chooser of *Export Certificate…* leads to). */
void                  scm_certificate_dialog_export_async   (ScmCertificateDialog  *self,
                                                             GFile                 *file,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gboolean              scm_certificate_dialog_export_finish  (ScmCertificateDialog  *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);

G_END_DECLS
