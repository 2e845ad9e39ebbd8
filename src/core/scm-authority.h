/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-ca.h"
#include "scm-certificate.h"
#include "scm-person.h"
#include "scm-profile.h"
#include "scm-store.h"
#include "scm-types.h"

G_BEGIN_DECLS

#define SCM_TYPE_AUTHORITY (scm_authority_get_type ())

/* The certificate authority at work: the store's CA material unlocked, and
 * every operation that touches both the CA and the store (issuance,
 * revocation, CRLs, reconciliation after a crash). */
G_DECLARE_FINAL_TYPE (ScmAuthority, scm_authority, SCM, AUTHORITY, GObject)

/* What a certificate is issued for; the authority checks it against the
 * person and the profile before any key is generated. */
typedef struct
{
  ScmPerson *person;
  ScmProfile *profile;
  ScmKeyType key_type;              /* ignored with @csr: the CSR's key decides */
  guint term_days;                  /* 0: the profile's shortest term */
  GBytes *csr;                      /* PEM/DER CSR, or NULL: the server makes the key */
  const char *pkcs12_password;      /* server key only; "" only if the caller allows it */
  ScmPkcs12Protection protection;
  const char *friendly_name;        /* NULL: the person's email */
  gint64 form_id;                   /* 0 when issued outside a form */
  gint64 account_id;
  ScmRequestedVia requested_via;
  gint64 renews_certificate_id;     /* a renewal: the certificate it replaces, or 0 */
} ScmIssueRequest;

typedef struct
{
  ScmCertificate *certificate;      /* the stored row */
  GBytes *certificate_der;
  GBytes *chain_pem;                /* issuing CA first, up to the root */
  GBytes *pkcs12;                   /* NULL when issued from a CSR */
  GError *error;                    /* scm_authority_issue_many(): why this one failed */
} ScmIssueResult;

void scm_issue_result_free (ScmIssueResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmIssueResult, scm_issue_result_free)

/* TRUE when the store's CA keys are protected by a passphrase someone must
 * type (no embedded passphrase file in the data directory). */
gboolean        scm_authority_needs_passphrase   (ScmStore           *store);

/* Unlocks the CA of @store, creating a root and an issuing CA on first use
 * (protected by @passphrase, or by a random embedded one when NULL), and
 * reconciles issuances a crashed process left pending. */
ScmAuthority   *scm_authority_open               (ScmStore           *store,
                                                  const char         *passphrase,
                                                  GError            **error);

ScmStore       *scm_authority_get_store          (ScmAuthority       *self);
ScmCa          *scm_authority_get_ca             (ScmAuthority       *self);

/* Re-encrypts the CA keys under a typed @passphrase (checked for strength)
 * and removes the embedded passphrase file. */
gboolean        scm_authority_set_passphrase     (ScmAuthority       *self,
                                                  const char         *passphrase,
                                                  GError            **error);

/* Replaces the issuing CA by an existing one (PEM or PKCS#12). */
gboolean        scm_authority_import_ca          (ScmAuthority       *self,
                                                  GBytes             *data,
                                                  const char         *password,
                                                  GError            **error);

/* Issues a certificate (crash-safe: a pending row is committed before
 * signing; the certificate and its audit event are committed together). */
ScmIssueResult *scm_authority_issue              (ScmAuthority          *self,
                                                  const ScmIssueRequest *request,
                                                  GCancellable          *cancellable,
                                                  GError               **error);

/* Issues @n_requests certificates as one batch, with key generation,
 * signing and PKCS#12 packaging spread over @n_threads threads and one
 * transaction each for the pending rows and for the certificates (bulk
 * issuance). Returns one ScmIssueResult per request, in order; a refused
 * request has only its error set and does not stop the others. */
GPtrArray      *scm_authority_issue_many         (ScmAuthority          *self,
                                                  const ScmIssueRequest *requests,
                                                  guint                  n_requests,
                                                  guint                  n_threads,
                                                  GCancellable          *cancellable);

/* Revokes and publishes a new CRL. */
gboolean        scm_authority_revoke             (ScmAuthority       *self,
                                                  const char         *serial_hex,
                                                  ScmRevocationReason reason,
                                                  GError            **error);

/* Revokes every valid certificate of @person_id (issued, not expired) in
 * one transaction, then publishes one new CRL; *@out_revoked (nullable)
 * gets the revoked certificates (ScmCertificate, as they were before). A
 * person without valid certificates is not an error: nothing changes. */
gboolean        scm_authority_revoke_person      (ScmAuthority        *self,
                                                  gint64               person_id,
                                                  ScmRevocationReason  reason,
                                                  GPtrArray          **out_revoked,
                                                  GError             **error);

/* The stored certificate whose DER is @der (a client presented it), if
 * it is ours, issued, not revoked and valid at @now; otherwise
 * SCM_ERROR_NOT_FOUND (not ours) or SCM_ERROR_POLICY saying why. */
ScmCertificate *scm_authority_find_presented_certificate (ScmAuthority   *self,
                                                          GBytes         *der,
                                                          gint64          now,
                                                          GError        **error);
/* Checks that @csr is a valid request for another key than @renewed's
 * (SCM_ERROR_POLICY when it reuses it). A renewal is then issued with
 * ScmIssueRequest.renews_certificate_id. */
gboolean        scm_authority_check_new_key              (ScmCertificate *renewed,
                                                          GBytes         *csr,
                                                          GError        **error);

/* Signs and stores a new CRL with the next CRL number; returns its DER. */
GBytes         *scm_authority_publish_crl        (ScmAuthority       *self,
                                                  GError            **error);

/* The current CRL, re-signed first when none exists or the stored one is
 * within a day of its next update. */
GBytes         *scm_authority_get_crl            (ScmAuthority       *self,
                                                  GError            **error);

/* Marks pending issuances of processes that no longer run as failed;
 * returns how many. Every program calls it when it opens a store;
 * scm_authority_open() does too. */
guint           scm_authority_reconcile          (ScmStore           *store,
                                                  GError            **error);

/* "host:pid:start-time" of this process, recorded on pending rows. */
char           *scm_authority_process_owner      (void);
/* FALSE when @owner (as above) names a process of this host that has
 * stopped; another host's processes are assumed alive. */
gboolean        scm_authority_process_is_alive   (const char         *owner);

/* The enrollment base URL of certificates' CDP and AIA (setting
 * server.public-url), or NULL. */
char           *scm_authority_dup_base_url       (ScmAuthority       *self);

/* The enrollment endpoint URL of the form with URI extension @extension:
 * "https://HOST:PORT/enroll/EXT#sha256=ROOT-FINGERPRINT". */
char           *scm_authority_dup_enrollment_url (ScmAuthority       *self,
                                                  const char         *extension);

#define SCM_DEFAULT_PORT 8443

G_END_DECLS
