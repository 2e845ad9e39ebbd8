/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Certificate helpers on OpenSSL handles, for scm-ca.c and scm-pkcs12.c.
 * Only core includes this header. */

#include "scm-openssl-private.h"
#include "scm-x509.h"

G_BEGIN_DECLS

X509         *scm_x509_from_der          (GBytes              *der,
                                          GError             **error);
GBytes       *scm_x509_to_der            (X509                *cert);

/* RFC 2253 one-line form with UTF-8 left as is. */
char         *scm_x509_name_to_string    (const X509_NAME     *name);

/* Uppercase hex without leading zero octets, "00" for zero. */
char         *scm_x509_serial_to_hex     (const ASN1_INTEGER  *serial);

/* Parses hex (either case) into a positive INTEGER of at most 20 octets, as
 * RFC 5280 allows; SCM_ERROR_INVALID otherwise. */
ASN1_INTEGER *scm_x509_serial_from_hex   (const char          *hex,
                                          GError             **error);

gint64        scm_x509_time_to_unix      (const ASN1_TIME     *time);

/* The certificates of a PEM text, in order; NULL with SCM_ERROR_INVALID
 * when a CERTIFICATE block is damaged. Other blocks are left to the caller
 * (@other_blocks: each as a complete PEM text, nullable). */
ScmX509Stack *scm_x509_stack_from_pem    (const void          *data,
                                          gsize                len,
                                          GPtrArray          **other_blocks,
                                          GError             **error);

G_END_DECLS
