/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "scm-authority.h"

G_BEGIN_DECLS

/* The enrollment endpoint's TLS certificate. By default it is issued by
 * our own CA for the names the endpoint is reached by (EC P-256 key,
 * serverAuth, SCM_SERVER_CERT_TERM_DAYS), kept in the store with its key
 * encrypted, and reissued when the names or the issuing CA change or when
 * it comes within SCM_SERVER_CERT_RENEW_DAYS of its end. An administrator
 * may supply one instead: PEM files named by the settings
 * server.tls-certificate and server.tls-key. */

#define SCM_SERVER_CERT_TERM_DAYS  397
#define SCM_SERVER_CERT_RENEW_DAYS 30

/**
 * ScmServerIdentity:
 * @certificate_pem: the server certificate, then its issuing chain (PEM)
 * @key_pem: its private key as unencrypted PKCS#8 PEM; kept in memory
 *   only and wiped when the identity is freed
 * @fingerprint: SHA-256 of the server certificate's DER, lowercase hex
 * @names: the host names and addresses it carries (dNSName, iPAddress)
 * @not_after: end of validity, unix seconds
 * @supplied: it came from the administrator's files
 * @issued: it was (re)issued by this call
 */
typedef struct
{
  GBytes   *certificate_pem;
  GBytes   *key_pem;
  char     *fingerprint;
  char    **names;
  gint64    not_after;
  gboolean  supplied;
  gboolean  issued;
} ScmServerIdentity;

void      scm_server_identity_free    (ScmServerIdentity *identity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmServerIdentity, scm_server_identity_free)

/* The names a certificate for an endpoint listening on @listen_host (an
 * IP literal, with or without brackets, a host name, or NULL / 0.0.0.0 /
 * :: for every interface) and reached at @public_url (nullable) must
 * carry: the host itself; for every interface also this computer's host
 * name, localhost, 127.0.0.1 and ::1; for localhost also 127.0.0.1 and
 * ::1; and the public URL's host. Lower-cased, without duplicates, in
 * that order (the first becomes the subject's CN). */
char    **scm_server_cert_collect_names (const char *listen_host,
                                         const char *public_url);

/* The stored certificate when it still fits @names at @now (unix
 * seconds), else a new one issued and stored. */
ScmServerIdentity *scm_server_cert_ensure      (ScmAuthority       *authority,
                                                const char * const *names,
                                                gint64              now,
                                                GError            **error);

/* An administrator's certificate (PEM, possibly followed by its chain)
 * and unencrypted key (PEM). Refused with SCM_ERROR_INVALID, naming the
 * file, when a file cannot be read, holds no certificate or key, the key
 * is encrypted or does not belong to the certificate, or the certificate
 * is not valid at @now. */
ScmServerIdentity *scm_server_cert_load_files  (const char         *certificate_path,
                                                const char         *key_path,
                                                gint64              now,
                                                GError            **error);

/* What the endpoint serves: the administrator's files when the settings
 * server.tls-certificate and server.tls-key are set (both or neither),
 * otherwise scm_server_cert_ensure() at the current time. */
ScmServerIdentity *scm_server_cert_get         (ScmAuthority       *authority,
                                                const char * const *names,
                                                GError            **error);

G_END_DECLS
