/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The certificates of a "certs-only" PKCS#7 SignedData (DER), as EST
 * answers simpleenroll and simplereenroll (RFC 7030 4.2.3): a
 * GPtrArray of DER GBytes in the order they appear. SCM_ERROR_INVALID
 * when @der is not such a structure or holds no certificate. */
GPtrArray *scm_pkcs7_certificates (GBytes  *der,
                                   GError **error);

G_END_DECLS
