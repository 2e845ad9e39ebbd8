/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-enroll-issue.h"
#include "scm-enrollment-client.h"
#include "scm-types.h"

G_BEGIN_DECLS

/* The enroll window's renewal: the person's current PKCS#12 file opened
 * here, a new key of the same type made here, its request sent over EST
 * simplereenroll with the current certificate as the TLS client
 * certificate, and the new certificate packaged into a new PKCS#12 file
 * with a new password. Keys and files are handled in worker threads. */

/**
 * ScmEnrollRenewal:
 * @pkcs12: the current PKCS#12 file's contents
 * @password: the password that opens it
 * @new_password: the new file's password
 * @protection: the new file's protection
 */
typedef struct
{
  GBytes              *pkcs12;
  char                *password;
  char                *new_password;
  ScmPkcs12Protection  protection;
} ScmEnrollRenewal;

ScmEnrollRenewal *scm_enroll_renewal_new   (void);
void              scm_enroll_renewal_free  (ScmEnrollRenewal *renewal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmEnrollRenewal, scm_enroll_renewal_free)

/* @stage_func (nullable) is called on the caller's main context as each
 * stage begins. The result's PKCS#12 holds the new key and certificate
 * and the chain of the current file; *@out_email (nullable) gets the
 * certificate's email. An expired certificate is refused here, before
 * anything is sent. */
void              scm_enroll_renew_async   (ScmEnrollmentClient     *client,
                                            const ScmEnrollRenewal  *renewal,
                                            ScmEnrollStageFunc       stage_func,
                                            gpointer                 stage_data,
                                            GCancellable            *cancellable,
                                            GAsyncReadyCallback      callback,
                                            gpointer                 user_data);
ScmEnrollResult  *scm_enroll_renew_finish  (GAsyncResult            *result,
                                            char                   **out_email,
                                            GError                 **error);

G_END_DECLS
