/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-mail.h"

G_BEGIN_DECLS

typedef struct _ScmAuthority ScmAuthority;

/* Expiry notices: each person whose valid certificate expires within one
 * of the thresholds of notify.expiry-days gets one mail per certificate
 * and threshold, with the expiry date and the renewal link (the
 * enrollment endpoint URL of the form the certificate came from); the
 * addresses of notify.admin-emails get a summary of each run that sent
 * anything. */

/* "30,7,1" as days (guint), largest first, without repeats; "" is none.
 * SCM_ERROR_INVALID names a value that is not a number of days from 1 to
 * 825. */
GArray *scm_expiry_notice_parse_days   (const char *text,
                                        GError    **error);
/* "a@example.org, b@example.org" as lower-cased addresses; "" is none. */
GStrv   scm_expiry_notice_parse_emails (const char *text,
                                        GError    **error);

/**
 * ScmExpiryNotice:
 * @email: the person's address
 * @serial: the certificate's serial number
 * @not_after: when it expires (unix seconds)
 * @threshold_days: the threshold this notice is for
 * @error: why it could not be sent (it is tried again next run), or NULL
 */
typedef struct
{
  char *email;
  char *serial;
  gint64 not_after;
  guint threshold_days;
  GError *error;
} ScmExpiryNotice;

/**
 * ScmExpiryNoticeSummary:
 * @notices: (element-type ScmExpiryNotice): this run's notices, sent or not
 * @n_sent: notices the mail server accepted
 * @n_failed: notices that were not sent
 * @n_admin_sent: administrators who got the summary
 * @admin_error: why the summary could not reach an administrator, or NULL
 */
typedef struct
{
  GPtrArray *notices;
  guint n_sent;
  guint n_failed;
  guint n_admin_sent;
  GError *admin_error;
} ScmExpiryNoticeSummary;

void scm_expiry_notice_summary_free (ScmExpiryNoticeSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmExpiryNoticeSummary, scm_expiry_notice_summary_free)

/* Sends the notices due at @now (unix seconds: the clock is the caller's)
 * through the mail settings of the store, or @mail when not NULL. Blocks
 * (SMTP): run it in a thread. Fails only when nothing could be tried (no
 * mail settings, the database); a notice that could not be sent is in the
 * summary and is tried again by the next run. */
ScmExpiryNoticeSummary *scm_expiry_notice_run (ScmAuthority          *authority,
                                               const ScmMailSettings *mail,
                                               gint64                 now,
                                               GCancellable          *cancellable,
                                               GError               **error);

G_END_DECLS
