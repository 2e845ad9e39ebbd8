/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-mail-message.h"
#include "scm-store.h"

G_BEGIN_DECLS

/* Sending mail through the SMTP server of the settings, with libcurl.
 * scm_mail_send() blocks for up to a minute: the UI and the service use
 * scm_mail_send_async(), which runs it in a thread. */

typedef enum
{
  SCM_MAIL_SECURITY_STARTTLS,  /* smtp:// and STARTTLS, required */
  SCM_MAIL_SECURITY_TLS,       /* smtps://, TLS from the first byte */
  SCM_MAIL_SECURITY_NONE,      /* smtp:// in clear (a local relay) */
} ScmMailSecurity;

/**
 * ScmMailSettings:
 * @host: the SMTP server (smtp.host)
 * @port: its port (smtp.port, else 587, 465 or 25 by @security)
 * @security: smtp.security
 * @username: the login (smtp.username), or NULL to send without login
 * @password: smtp.password (only with @username); never log it
 * @from: the sender address (smtp.from)
 * @ca_file: a PEM file of CAs to trust instead of the system's, or NULL
 *   (not a stored setting: for a private relay and for tests)
 *
 * Copied into the thread of scm_mail_send_async(), so the caller may
 * change or free its own copy at once.
 */
typedef struct
{
  char *host;
  guint16 port;
  ScmMailSecurity security;
  char *username;
  char *password;
  char *from;
  char *ca_file;
} ScmMailSettings;

#define SCM_TYPE_MAIL_SETTINGS (scm_mail_settings_get_type ())

GType            scm_mail_settings_get_type  (void) G_GNUC_CONST;
ScmMailSettings *scm_mail_settings_new       (void);
ScmMailSettings *scm_mail_settings_copy      (const ScmMailSettings *settings);
/* Overwrites the password before freeing it. NULL-safe. */
void             scm_mail_settings_free      (ScmMailSettings       *settings);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmMailSettings, scm_mail_settings_free)

/* Reads the smtp.* settings of @store. SCM_ERROR_INVALID when smtp.host or
 * smtp.from is missing ("Mail is not set up…"), or when smtp.username is
 * set without smtp.password. */
ScmMailSettings *scm_mail_settings_load      (ScmStore              *store,
                                              GError               **error);

/* The default port of @security: 587, 465 or 25. */
guint16          scm_mail_security_get_default_port (ScmMailSecurity security);

/* "HOST:PORT" ("[::1]:25" for an IPv6 address), as messages name it. */
char            *scm_mail_settings_describe_server  (const ScmMailSettings *settings);

/* Composes (scm_mail_compose()) and sends one message to @to. Invalid
 * input is SCM_ERROR_INVALID before any connection; a refusal or a
 * network failure is SCM_ERROR_FAILED with one sentence naming the server
 * and what to check; cancelling gives G_IO_ERROR_CANCELLED. */
gboolean         scm_mail_send               (const ScmMailSettings *settings,
                                              const char            *to,
                                              const char            *subject,
                                              const char            *body,
                                              GCancellable          *cancellable,
                                              GError               **error);

/* scm_mail_send() in a worker thread, over copies of its arguments. */
void             scm_mail_send_async         (const ScmMailSettings *settings,
                                              const char            *to,
                                              const char            *subject,
                                              const char            *body,
                                              GCancellable          *cancellable,
                                              GAsyncReadyCallback    callback,
                                              gpointer               user_data);
gboolean         scm_mail_send_finish        (GAsyncResult          *result,
                                              GError               **error);

G_END_DECLS
