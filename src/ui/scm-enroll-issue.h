/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-enrollment-client.h"
#include "scm-types.h"

G_BEGIN_DECLS

/* The enroll window's request step turned into a certificate: the key
 * made here in a worker thread (or by the server), the request sent
 * through the client library, the PKCS#12 file packaged here for a local
 * key. Nothing of it runs on the main loop but the network calls. */

typedef enum
{
  SCM_ENROLL_STAGE_GENERATING,  /* making the key pair on this computer */
  SCM_ENROLL_STAGE_REQUESTING,  /* waiting for the server's certificate */
  SCM_ENROLL_STAGE_PACKAGING,   /* building the PKCS#12 file here */
} ScmEnrollStage;

/**
 * ScmEnrollRequest:
 * @method: %SCM_CSR_METHOD_SERVER (the server makes key and PKCS#12),
 *   %SCM_CSR_METHOD_CLIENT (the key is made here and never leaves) or
 *   %SCM_CSR_METHOD_PROVIDED (@csr_pem, chosen by the person)
 * @password: the PKCS#12 password (not for PROVIDED)
 * @term_days: 0 lets the server choose
 */
typedef struct
{
  gint64               account_id;
  gint64               profile_id;
  guint                term_days;
  ScmKeyType           key_type;
  ScmCsrMethod         method;
  char                *email;
  char                *password;
  ScmPkcs12Protection  protection;
  char                *csr_pem;
} ScmEnrollRequest;

/**
 * ScmEnrollResult:
 * @chain_der: the issuing chain (GBytes DER), issuing CA first
 * @pkcs12: the file to save; %NULL for a provided CSR, whose person saves
 *   @certificate_der and @chain_der as PEM
 */
typedef struct
{
  char      *serial;
  GBytes    *certificate_der;
  GPtrArray *chain_der;
  GBytes    *pkcs12;
} ScmEnrollResult;

typedef void (*ScmEnrollStageFunc) (ScmEnrollStage stage,
                                    gpointer       user_data);

ScmEnrollRequest *scm_enroll_request_new     (void);
void              scm_enroll_request_free    (ScmEnrollRequest *request);
void              scm_enroll_result_free     (ScmEnrollResult  *result);

/* @stage_func (nullable) is called on the caller's main context as each
 * stage begins. Cancelling returns at once with G_IO_ERROR_CANCELLED,
 * also in the middle of an RSA-4096 key generation (whose thread then
 * ends unheard). */
void              scm_enroll_issue_async     (ScmEnrollmentClient     *client,
                                              const ScmEnrollRequest  *request,
                                              ScmEnrollStageFunc       stage_func,
                                              gpointer                 stage_data,
                                              GCancellable            *cancellable,
                                              GAsyncReadyCallback      callback,
                                              gpointer                 user_data);
ScmEnrollResult  *scm_enroll_issue_finish    (GAsyncResult            *result,
                                              GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmEnrollRequest, scm_enroll_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmEnrollResult, scm_enroll_result_free)

G_END_DECLS
