/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-authority.h"

G_BEGIN_DECLS

/* The listen address when neither the caller nor the setting
 * server.listen gives one: every IPv4 interface. ("[::]" listens on IPv6
 * only: libsoup binds IPv6 sockets v6-only.) */
#define SCM_ENROLLMENT_SERVER_DEFAULT_ADDRESS "0.0.0.0"

#define SCM_TYPE_ENROLLMENT_SERVER (scm_enrollment_server_get_type ())

/**
 * ScmEnrollmentServer:
 *
 * The enrollment endpoint: a libsoup SoupServer answering the HTTP
 * contract of DESIGN.md ("Enrollment endpoint") for an unlocked
 * authority. HTTPS by default, with the certificate scm-server-cert.h
 * provides (our CA's, or the administrator's files); plain HTTP only when
 * #ScmEnrollmentServer:use-tls is %FALSE.
 *
 * Every answer carries Cache-Control: no-store and X-Content-Type-Options:
 * nosniff; errors are problem+json (scm-http-problem.h). Request bodies
 * over 64 KiB are refused with 413 before they are read. Work that may be
 * slow (the store, CRL signing) runs in GTask threads while the message is
 * paused, so the main loop never waits for it.
 *
 * Properties changed while it runs take effect at the next start.
 */
G_DECLARE_FINAL_TYPE (ScmEnrollmentServer, scm_enrollment_server, SCM, ENROLLMENT_SERVER, GObject)

/* A server for @authority, its listen address, port and public URL taken
 * from the settings server.listen and server.public-url (defaults:
 * 0.0.0.0, SCM_DEFAULT_PORT, none). */
ScmEnrollmentServer *scm_enrollment_server_new            (ScmAuthority        *authority);

ScmAuthority        *scm_enrollment_server_get_authority  (ScmEnrollmentServer *self);

/* An IPv4 or IPv6 literal (brackets allowed) or "localhost" (127.0.0.1
 * and ::1). */
const char          *scm_enrollment_server_get_listen_address (ScmEnrollmentServer *self);
void                 scm_enrollment_server_set_listen_address (ScmEnrollmentServer *self,
                                                               const char          *address);

/* 0 picks a free port at start; after start, the port it listens on. */
guint                scm_enrollment_server_get_port       (ScmEnrollmentServer *self);
void                 scm_enrollment_server_set_port       (ScmEnrollmentServer *self,
                                                           guint                port);

/* The base URL people reach the endpoint at, when it differs from the
 * listen address (a host name, a proxy); nullable. */
const char          *scm_enrollment_server_get_public_url (ScmEnrollmentServer *self);
void                 scm_enrollment_server_set_public_url (ScmEnrollmentServer *self,
                                                           const char          *public_url);

gboolean             scm_enrollment_server_get_use_tls    (ScmEnrollmentServer *self);
void                 scm_enrollment_server_set_use_tls    (ScmEnrollmentServer *self,
                                                           gboolean             use_tls);

gboolean             scm_enrollment_server_get_running    (ScmEnrollmentServer *self);

/* While running: the base URL it serves, without a trailing slash — the
 * public URL when one is set, else "https://ADDRESS:PORT" (this
 * computer's host name for a wildcard address). NULL when stopped. */
const char          *scm_enrollment_server_get_url        (ScmEnrollmentServer *self);

/* While running with TLS: the certificate it presents (with its chain).
 * (transfer none) */
GTlsCertificate     *scm_enrollment_server_get_tls_certificate (ScmEnrollmentServer *self);

/* Parses "ADDRESS:PORT" ("127.0.0.1:8443", "[::1]:8443",
 * "localhost:0"); the port may be 0. SCM_ERROR_INVALID saying what is
 * expected. */
gboolean             scm_enrollment_server_parse_listen   (const char          *text,
                                                           char               **out_address,
                                                           guint               *out_port,
                                                           GError             **error);

/* Gets the TLS certificate ready (issuing or reissuing it as needed) and
 * listens. A port in use fails with G_IO_ERROR_ADDRESS_IN_USE; a bad
 * address or certificate files with SCM_ERROR_INVALID. Starting a
 * running server does nothing. */
gboolean             scm_enrollment_server_start          (ScmEnrollmentServer *self,
                                                           GError             **error);

/* Closes the listening sockets and every connection; answers still being
 * prepared are dropped. */
void                 scm_enrollment_server_stop           (ScmEnrollmentServer *self);

G_END_DECLS
