/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "scm-types.h"

G_BEGIN_DECLS

#define SCM_CA_MAX_TERM_DAYS 825

/**
 * ScmCertificateTemplate:
 * @public_key: the subscriber's SubjectPublicKeyInfo DER (one of the
 *   ScmKeyType kinds)
 * @serial_hex: from scm_ca_generate_serial(), chosen by the caller, who
 *   retries on a collision in its store
 * @email: the rfc822Name subjectAltName (lower-cased by the CA)
 * @common_name: the subject CN, at most 64 characters (the email for
 *   standard validation, the full name for high validation)
 * @given_name: (nullable): givenName, for high validation
 * @surname: (nullable): surname, for high validation
 * @organization: (nullable): O, for high validation
 * @email_in_subject: also put emailAddress in the subject
 * @purpose: the extendedKeyUsage: clientAuth and/or emailProtection
 * @policy_oid: (nullable): a certificatePolicies OID, dotted
 * @term_days: 1 to %SCM_CA_MAX_TERM_DAYS; the certificate is valid for
 *   exactly that many days (notAfter = notBefore + term − 1 second)
 * @not_before: (nullable): start of validity, now when %NULL
 * @base_url: (nullable): the enrollment server ("https://host:port"), for
 *   the CRL distribution point @base_url/crl and the AIA caIssuers
 *   @base_url/ca.crt
 */
typedef struct
{
  GBytes     *public_key;
  const char *serial_hex;
  const char *email;
  const char *common_name;
  const char *given_name;
  const char *surname;
  const char *organization;
  gboolean    email_in_subject;
  ScmPurpose  purpose;
  const char *policy_oid;
  guint       term_days;
  GDateTime  *not_before;
  const char *base_url;
} ScmCertificateTemplate;

/**
 * ScmRevokedEntry:
 * @serial_hex: the revoked certificate's serial number, hex
 * @revocation_time: when it was revoked
 * @reason: the RFC 5280 reason; %SCM_REVOCATION_UNSPECIFIED leaves the
 *   reasonCode extension out, as RFC 5280 recommends
 */
typedef struct
{
  const char         *serial_hex;
  GDateTime          *revocation_time;
  ScmRevocationReason reason;
} ScmRevokedEntry;

#define SCM_TYPE_CA (scm_ca_get_type ())

G_DECLARE_FINAL_TYPE (ScmCa, scm_ca, SCM, CA, GObject)

/* A new root CA and issuing CA for @organization (both EC P-384 with
 * ECDSA-SHA384; 10 and 5 years): "CN=<organization> Root CA,O=…" and
 * "CN=<organization> Client Issuing CA,O=…". */
ScmCa      *scm_ca_new_generated            (const char  *organization,
                                             GError     **error);

/* A CA from what the store keeps: the chain PEM (issuing CA first, up to the
 * root), the issuing CA's key encrypted under @passphrase, and optionally
 * the root key, which is kept as it is and not decrypted. A wrong passphrase
 * fails with SCM_ERROR_WRONG_PASSPHRASE, a key that does not belong to the
 * issuing certificate with SCM_ERROR_INVALID. */
ScmCa      *scm_ca_load                     (GBytes      *chain_pem,
                                             GBytes      *issuing_key_pem,
                                             GBytes      *root_key_pem,
                                             const char  *passphrase,
                                             GError     **error);

/* An existing issuing CA, from PEM (its certificate, any chain
 * certificates and its private key, possibly encrypted with @password) or
 * from PKCS#12. It must be a CA (basicConstraints CA:TRUE; keyCertSign and
 * cRLSign when keyUsage is present), match its key and be within its
 * validity. The chain is whatever certificates came with it, ordered from
 * the issuing CA up. Such a CA has no root key. */
ScmCa      *scm_ca_import                   (GBytes      *data,
                                             const char  *password,
                                             GError     **error);

/* Ownership: the get_chain_pem / get_*_certificate / get_*_fingerprint /
 * get_subject getters return data owned by the CA (transfer none), valid
 * while it lives; scm_ca_get_chain() returns a new array (transfer full). */

/* The chain as PEM, issuing CA first, for the store and GET /ca.crt.
 * (transfer none) */
GBytes     *scm_ca_get_chain_pem            (ScmCa       *self);

/* The chain as a new GPtrArray of DER GBytes, issuing CA first.
 * (transfer full: unref the array) */
GPtrArray  *scm_ca_get_chain                (ScmCa       *self);

/* Encrypted PKCS#8 PEM (PBES2, PBKDF2-HMAC-SHA256 at 600,000 iterations,
 * AES-256-CBC), readable by `openssl pkey -passin`. @passphrase: any
 * non-empty UTF-8. */
GBytes     *scm_ca_export_issuing_key       (ScmCa       *self,
                                             const char  *passphrase,
                                             GError     **error);

/* The same for the root key; %NULL without an error when there is none
 * (an imported CA). For a CA from scm_ca_load(), whose root key stays
 * encrypted, @passphrase must be the one it was stored under and the stored
 * PEM comes back unchanged; change it with scm_ca_change_key_passphrase(). */
GBytes     *scm_ca_export_root_key          (ScmCa       *self,
                                             const char  *passphrase,
                                             GError     **error);

/* Whether the root key is available (generated, or loaded still encrypted). */
gboolean    scm_ca_has_root_key             (ScmCa       *self);

/* Re-encrypts a stored key PEM under a new passphrase (the CA passphrase
 * change). SCM_ERROR_WRONG_PASSPHRASE when @old_passphrase is wrong. */
GBytes     *scm_ca_change_key_passphrase    (GBytes      *key_pem,
                                             const char  *old_passphrase,
                                             const char  *new_passphrase,
                                             GError     **error);

/* DER, (transfer none). The root is the last certificate of the chain
 * (the issuing CA itself when it came alone). */
GBytes     *scm_ca_get_issuing_certificate  (ScmCa       *self);
GBytes     *scm_ca_get_root_certificate     (ScmCa       *self);

/* SHA-256 of the DER, lowercase hex: the "issuer" of certificate rows. */
const char *scm_ca_get_issuing_fingerprint  (ScmCa       *self);

/* SHA-256 of the root's DER, lowercase hex: the enrollment URL's pin. */
const char *scm_ca_get_root_fingerprint     (ScmCa       *self);

/* The issuing CA's subject, RFC 2253 one-line. */
const char *scm_ca_get_subject              (ScmCa       *self);

/* The issuing CA's validity, unix seconds. */
gint64      scm_ca_get_not_before           (ScmCa       *self);
gint64      scm_ca_get_not_after            (ScmCa       *self);

/* 20 bytes from RAND_priv_bytes with the top bit cleared and not all zero,
 * as uppercase hex without leading zero octets (the canonical form that
 * ScmCertificateInfo.serial_hex also uses). */
char       *scm_ca_generate_serial          (void);

/* Signs a certificate per @tmpl; DER. Thread-safe (the CA is immutable). */
GBytes     *scm_ca_issue                    (ScmCa                        *self,
                                             const ScmCertificateTemplate *tmpl,
                                             GError                      **error);

/* The longest term of a TLS server certificate browsers accept. */
#define SCM_CA_MAX_SERVER_TERM_DAYS 397

/**
 * ScmServerCertificateTemplate:
 * @public_key: the server's SubjectPublicKeyInfo DER (one of the
 *   ScmKeyType kinds)
 * @serial_hex: from scm_ca_generate_serial()
 * @dns_names: (nullable): NULL-terminated host names for dNSName
 *   subjectAltNames ("enroll.example.org", "localhost")
 * @ip_addresses: (nullable): NULL-terminated IPv4 or IPv6 literals for
 *   iPAddress subjectAltNames
 * @term_days: 1 to %SCM_CA_MAX_SERVER_TERM_DAYS; shortened to end with
 *   the issuing CA when that comes first
 * @not_before: (nullable): start of validity, now when %NULL
 *
 * The enrollment endpoint's own TLS certificate: subject CN = the first
 * name, every name in subjectAltName, extendedKeyUsage serverAuth only.
 */
typedef struct
{
  GBytes             *public_key;
  const char         *serial_hex;
  const char * const *dns_names;
  const char * const *ip_addresses;
  guint               term_days;
  GDateTime          *not_before;
} ScmServerCertificateTemplate;

/* Signs a TLS server certificate per @tmpl; DER. At least one name is
 * required; a name that is not a valid host name or IP address is
 * SCM_ERROR_INVALID naming it. Thread-safe. */
GBytes     *scm_ca_issue_server             (ScmCa                              *self,
                                             const ScmServerCertificateTemplate *tmpl,
                                             GError                            **error);

/* A DER CRL v2 signed by the issuing CA with crlNumber @crl_number. */
GBytes     *scm_ca_sign_crl                 (ScmCa                 *self,
                                             guint64                crl_number,
                                             GDateTime             *this_update,
                                             GDateTime             *next_update,
                                             const ScmRevokedEntry *entries,
                                             gsize                  n_entries,
                                             GError               **error);

G_END_DECLS
