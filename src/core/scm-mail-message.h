/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "scm-form.h"

G_BEGIN_DECLS

/* Composing mail: RFC 5322 messages and the texts ScmEnroll sends. No
 * network here; scm-mail.h sends what these functions build. */

/* Builds the message ScmEnroll sends: Date, From, To, Subject (RFC 2047
 * encoded-words when not ASCII), Message-ID (random part from OpenSSL),
 * MIME-Version, Content-Type text/plain; charset=UTF-8 and a
 * quoted-printable body, every line ending in CRLF.
 *
 * @from and @to must be valid addresses (scm_validate_email()) and no
 * argument may contain a CR or LF where it would start a header of its own
 * (header injection); @body must be UTF-8. Otherwise SCM_ERROR_INVALID.
 * @date is the Date header's time; NULL means now. */
GBytes *scm_mail_compose              (const char *from,
                                       const char *to,
                                       const char *subject,
                                       const char *body,
                                       GDateTime  *date,
                                       GError    **error);

/* Quoted-printable (RFC 2045) of UTF-8 @text: lines end in CRLF, encoded
 * lines are at most 76 characters, a lone LF or CR becomes a line end. */
char   *scm_mail_encode_quoted_printable (const char *text);

/* The Subject header's value: @text itself when printable ASCII, else
 * RFC 2047 "B" encoded-words of at most 75 characters, folded with CRLF
 * SP between them. */
char   *scm_mail_encode_header_text   (const char *text);

/* The mail with a one-time confirmation code: what it is for (the form),
 * the code, how long it stays valid, the form's help text and help link
 * when it has them, and what to do if the person did not ask for it.
 * The body holds the code: free it with scm_secret_free(). */
void    scm_mail_template_confirmation_code (ScmForm    *form,
                                             const char *code,
                                             guint       valid_minutes,
                                             char      **subject,
                                             char      **body);

/* The message `scm-enrollctl mail test` and Preferences' "Send test email"
 * send: it names the server it went through (@server, "HOST:PORT"). */
void    scm_mail_template_test              (const char *server,
                                             char      **subject,
                                             char      **body);

/* The reminder that a certificate expires soon: which one (@serial,
 * @profile_name, the person's @email), when (@not_after, unix seconds, in
 * UTC; @days_left), how to renew (@renewal_url, the form's enrollment
 * endpoint URL, or NULL when it was not issued through a form), and the
 * form's help text and contact when @form is not NULL. */
void    scm_mail_template_expiry_notice     (const char *email,
                                             const char *serial,
                                             const char *profile_name,
                                             gint64      not_after,
                                             guint       days_left,
                                             const char *renewal_url,
                                             ScmForm    *form,
                                             char      **subject,
                                             char      **body);

/* The administrators' summary of one run of expiry notices: @listing has
 * one line per notice, @n_sent and @n_failed count them. */
void    scm_mail_template_expiry_summary    (const char *listing,
                                             guint       n_sent,
                                             guint       n_failed,
                                             char      **subject,
                                             char      **body);

/* The invitation to enroll with @form at @url (its enrollment endpoint
 * URL with the CA pin), with the form's help text, help link and
 * contact. */
void    scm_mail_template_invitation        (ScmForm    *form,
                                             const char *url,
                                             char      **subject,
                                             char      **body);

G_END_DECLS
