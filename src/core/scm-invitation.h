/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-form.h"
#include "scm-mail.h"

G_BEGIN_DECLS

typedef struct _ScmAuthority ScmAuthority;

/* Invitations: a mail to each person with a form's enrollment endpoint
 * URL (with the CA pin) and its help text, each audited as
 * "invitation.send". */

/**
 * ScmInvitation:
 * @email: the person's address (as given, lower-cased)
 * @error: why no invitation was sent, or NULL
 */
typedef struct
{
  char *email;
  GError *error;
} ScmInvitation;

/**
 * ScmInvitationSummary:
 * @invitations: (element-type ScmInvitation): one per person, in order
 * @n_sent: invitations the mail server accepted
 * @n_failed: persons who got none (unknown, out of the form's reach, or
 *   the mail failed)
 * @n_out_of_reach: with all persons: registered persons left out because
 *   no account of the form is open to them
 */
typedef struct
{
  GPtrArray *invitations;
  guint n_sent;
  guint n_failed;
  guint n_out_of_reach;
} ScmInvitationSummary;

void scm_invitation_summary_free (ScmInvitationSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmInvitationSummary, scm_invitation_summary_free)

/* Called after each person with how many are done, of @total. */
typedef void (*ScmInvitationProgressFunc) (guint    done,
                                           guint    total,
                                           gpointer user_data);

/* TRUE if one of @form's accounts is open to @person (the account's
 * organization, and its department when it has one). */
gboolean scm_invitation_form_reaches_person (ScmStore  *store,
                                             ScmForm   *form,
                                             ScmPerson *person);

/* Invites the registered persons @emails (NULL-terminated), or with
 * @emails NULL every person one of the form's accounts is open to, to
 * enroll with @form. Mail goes through the store's settings, or @mail
 * when not NULL. Blocks (SMTP): run it in a thread. Fails only when
 * nothing could be tried (a disabled form, no mail settings, the
 * database, cancelled); each person's outcome is in the summary. */
ScmInvitationSummary *scm_invitation_send (ScmAuthority              *authority,
                                           ScmForm                   *form,
                                           const char * const        *emails,
                                           const ScmMailSettings     *mail,
                                           ScmInvitationProgressFunc  progress,
                                           gpointer                   user_data,
                                           GCancellable              *cancellable,
                                           GError                   **error);

/* The same in a worker thread, over copies of @emails and @mail;
 * @progress is called in the thread-default main context of the caller. */
void                  scm_invitation_send_async  (ScmAuthority              *authority,
                                                  ScmForm                   *form,
                                                  const char * const        *emails,
                                                  const ScmMailSettings     *mail,
                                                  ScmInvitationProgressFunc  progress,
                                                  gpointer                   progress_data,
                                                  GDestroyNotify             progress_data_free,
                                                  GCancellable              *cancellable,
                                                  GAsyncReadyCallback        callback,
                                                  gpointer                   user_data);
ScmInvitationSummary *scm_invitation_send_finish (GAsyncResult              *result,
                                                  GError                   **error);

G_END_DECLS
