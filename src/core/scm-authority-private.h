/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scm-authority.h"

G_BEGIN_DECLS

/* Shared by scm-authority.c (the CA's life) and scm-authority-issue.c
 * (issuance). */

/* The CA and its issuer name (the issuing CA's fingerprint) as one
 * consistent pair, kept alive for the caller even if an import or a
 * passphrase change replaces them meanwhile. */
ScmCa  *scm_authority_dup_ca          (ScmAuthority  *self,
                                       char         **issuer);

/* Signs a CRL of @issuer's revoked certificates with @ca and stores it
 * with the next CRL number, in one write transaction. */
GBytes *scm_authority_publish_crl_for (ScmAuthority  *self,
                                       ScmCa         *ca,
                                       const char    *issuer,
                                       GError       **error);

G_END_DECLS
