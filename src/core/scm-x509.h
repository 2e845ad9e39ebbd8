/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "scm-types.h"

G_BEGIN_DECLS

/* Reading certificates without OpenSSL headers: certificates are DER in
 * GBytes, chains are GPtrArrays of such GBytes (issuing CA first). */

/**
 * ScmCertificateInfo:
 * @subject: the subject DN, one line in RFC 2253 order ("CN=…,O=…"), UTF-8
 * @issuer: the issuer DN, same form
 * @serial_hex: the serial number, uppercase hex without colons or leading
 *   zero octets (the form scm_ca_generate_serial() returns)
 * @fingerprint: SHA-256 of the DER, lowercase hex (64 characters)
 * @not_before: start of validity, unix seconds
 * @not_after: end of validity (inclusive), unix seconds
 * @emails: the rfc822Name subjectAltNames, never %NULL (possibly empty)
 * @key_description: the subject key as "RSA-2048", "EC-P384", "RSA-1024",
 *   "Ed25519"…
 * @key_type_allowed: whether the key is one of the ScmKeyType kinds
 * @key_type: that kind, when @key_type_allowed
 * @is_ca: basicConstraints CA:TRUE
 *
 * What the store, the lists and the audit log show of a certificate.
 */
typedef struct
{
  char      *subject;
  char      *issuer;
  char      *serial_hex;
  char      *fingerprint;
  gint64     not_before;
  gint64     not_after;
  char     **emails;
  char      *key_description;
  gboolean   key_type_allowed;
  ScmKeyType key_type;
  gboolean   is_ca;
} ScmCertificateInfo;

#define SCM_TYPE_CERTIFICATE_INFO (scm_certificate_info_get_type ())

GType               scm_certificate_info_get_type (void) G_GNUC_CONST;
ScmCertificateInfo *scm_certificate_info_copy     (const ScmCertificateInfo *info);
void                scm_certificate_info_free     (ScmCertificateInfo       *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmCertificateInfo, scm_certificate_info_free)

/* Describes a DER certificate; SCM_ERROR_INVALID if it is not one. */
ScmCertificateInfo *scm_x509_describe       (GBytes      *der,
                                             GError     **error);

/* SHA-256 of @der as lowercase hex: a certificate's fingerprint, the pin
 * of the enrollment endpoint URL. */
char               *scm_x509_fingerprint    (GBytes      *der);

/* The first certificate of a PEM text as DER. DER input is accepted too
 * (and checked), so callers can take whatever a user picked. */
GBytes             *scm_x509_pem_to_der     (const void  *data,
                                             gsize        len,
                                             GError     **error);

/* One "CERTIFICATE" PEM block. */
GBytes             *scm_x509_der_to_pem     (GBytes      *der);

/* Every certificate of a PEM text, in order, as a GPtrArray of DER GBytes
 * (other PEM blocks such as keys are skipped). SCM_ERROR_INVALID if there
 * is none or one is damaged. */
GPtrArray          *scm_x509_chain_from_pem (const void  *data,
                                             gsize        len,
                                             GError     **error);

/* The concatenated PEM of @chain_der (GBytes DER certificates). */
GBytes             *scm_x509_chain_to_pem   (GPtrArray   *chain_der);

/* A DER CRL as one "X509 CRL" PEM block. */
GBytes             *scm_x509_crl_to_pem     (GBytes      *crl_der);

/* Checks that @email can be an rfc822Name: ASCII (IA5String), one "@", a
 * dot-atom local part of at most 64 octets and a DNS domain with at least
 * two labels, 254 octets in all. SCM_ERROR_INVALID naming what is wrong. */
gboolean            scm_x509_check_email    (const char  *email,
                                             GError     **error);

G_END_DECLS
