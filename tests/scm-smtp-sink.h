/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A test SMTP server on 127.0.0.1: a real ESMTP conversation (EHLO, AUTH
 * PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT, optionally STARTTLS or
 * TLS from the start) that keeps every message it accepts. It serves in
 * its own threads, so a test may block (run scm-enrollctl, call
 * scm_mail_send()) while it answers. */

typedef struct
{
  char      *from;       /* the envelope sender, without <> */
  GPtrArray *rcpt;       /* the envelope recipients (char *), without <> */
  char      *data;       /* the message as sent, dot-unstuffed, without the final "." */
  char      *auth_user;  /* who logged in before sending it, or NULL */
  gboolean   tls;        /* it came over TLS (STARTTLS or implicit) */
} ScmSmtpMessage;

typedef enum
{
  SCM_SMTP_SINK_TLS_NONE,      /* clear text only */
  SCM_SMTP_SINK_TLS_STARTTLS,  /* offers STARTTLS */
  SCM_SMTP_SINK_TLS_IMPLICIT,  /* TLS from the first byte (smtps) */
} ScmSmtpSinkTls;

typedef struct _ScmSmtpSink ScmSmtpSink;

/* Listens on 127.0.0.1 with a port the system picks; aborts the test if
 * it cannot. */
ScmSmtpSink *scm_smtp_sink_new              (void);
guint16      scm_smtp_sink_get_port         (ScmSmtpSink    *self);

/* From now on the sink advertises AUTH and requires this login before
 * MAIL FROM (530 otherwise); a wrong one is answered 535. */
void         scm_smtp_sink_set_credentials  (ScmSmtpSink    *self,
                                             const char     *user,
                                             const char     *password);
/* The AUTH mechanisms advertised, space-separated ("PLAIN LOGIN" by
 * default; "PLAIN" or "LOGIN" to force one). */
void         scm_smtp_sink_set_auth_mechanisms (ScmSmtpSink *self,
                                                const char  *mechanisms);
/* RCPT TO this address is answered 550 (may be called several times). */
void         scm_smtp_sink_refuse_recipient (ScmSmtpSink    *self,
                                             const char     *address);
/* Serves TLS with @certificate (it must have its private key). */
void         scm_smtp_sink_set_tls          (ScmSmtpSink     *self,
                                             ScmSmtpSinkTls   mode,
                                             GTlsCertificate *certificate);

/* Waits until at least @n messages were accepted or @timeout_ms passed;
 * TRUE if they were. */
gboolean     scm_smtp_sink_wait_for_messages (ScmSmtpSink   *self,
                                              guint          n,
                                              guint          timeout_ms);
/* A copy of the messages accepted so far, oldest first. */
GPtrArray   *scm_smtp_sink_get_messages     (ScmSmtpSink    *self);
/* How many connections the sink has accepted. */
guint        scm_smtp_sink_get_connection_count (ScmSmtpSink *self);

/* Stops serving, closing open connections, and frees everything. */
void         scm_smtp_sink_free             (ScmSmtpSink    *self);

ScmSmtpMessage *scm_smtp_message_copy       (const ScmSmtpMessage *message);
void            scm_smtp_message_free       (ScmSmtpMessage       *message);

/* The value of the header @name (first occurrence, any case), unfolded
 * and with RFC 2047 encoded-words decoded; NULL if absent. */
char        *scm_smtp_message_get_header    (const ScmSmtpMessage *message,
                                             const char           *name);
/* The body decoded from its Content-Transfer-Encoding (quoted-printable,
 * base64, 7bit or 8bit), with LF line ends. */
char        *scm_smtp_message_get_text      (const ScmSmtpMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmSmtpSink, scm_smtp_sink_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmSmtpMessage, scm_smtp_message_free)

G_END_DECLS
