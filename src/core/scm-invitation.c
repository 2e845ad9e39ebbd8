/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "scm-authority.h"
#include "scm-error.h"
#include "scm-invitation.h"
#include "scm-mail-message.h"

static void
invitation_free (ScmInvitation *invitation)
{
  g_free (invitation->email);
  g_clear_error (&invitation->error);
  g_free (invitation);
}

void
scm_invitation_summary_free (ScmInvitationSummary *summary)
{
  if (summary == NULL)
    return;
  g_clear_pointer (&summary->invitations, g_ptr_array_unref);
  g_free (summary);
}

static gboolean
accounts_reach_person (GPtrArray *accounts,
                       ScmPerson *person)
{
  for (guint i = 0; i < accounts->len; i++)
    {
      ScmAccount *account = g_ptr_array_index (accounts, i);

      if (scm_account_get_organization_id (account) == scm_person_get_organization_id (person)
          && (scm_account_get_department_id (account) == 0
              || scm_account_get_department_id (account) == scm_person_get_department_id (person)))
        return TRUE;
    }
  return FALSE;
}

gboolean
scm_invitation_form_reaches_person (ScmStore  *store,
                                    ScmForm   *form,
                                    ScmPerson *person)
{
  g_autoptr(GPtrArray) accounts = NULL;

  g_return_val_if_fail (SCM_IS_STORE (store), FALSE);
  g_return_val_if_fail (SCM_IS_FORM (form), FALSE);
  g_return_val_if_fail (SCM_IS_PERSON (person), FALSE);

  accounts = scm_store_list_accounts (store, scm_form_get_id (form), NULL);
  return accounts != NULL && accounts_reach_person (accounts, person);
}

/* The persons to invite, with a failure already set for those who
 * cannot be. */
static gboolean
collect (ScmStore             *store,
         ScmForm              *form,
         GPtrArray            *accounts,
         const char * const   *emails,
         ScmInvitationSummary *summary,
         GError              **error)
{
  if (emails == NULL)
    {
      g_autoptr(GPtrArray) all = scm_store_list_persons (store, 0, FALSE, error);

      if (all == NULL)
        return FALSE;
      for (guint i = 0; i < all->len; i++)
        {
          ScmPerson *person = g_ptr_array_index (all, i);
          ScmInvitation *invitation;

          if (!accounts_reach_person (accounts, person))
            {
              summary->n_out_of_reach++;
              continue;
            }
          invitation = g_new0 (ScmInvitation, 1);
          invitation->email = g_strdup (scm_person_get_email (person));
          g_ptr_array_add (summary->invitations, invitation);
        }
      return TRUE;
    }

  for (guint i = 0; emails[i] != NULL; i++)
    {
      ScmInvitation *invitation = g_new0 (ScmInvitation, 1);
      g_autoptr(ScmPerson) person = NULL;

      invitation->email = g_ascii_strdown (emails[i], -1);
      g_ptr_array_add (summary->invitations, invitation);
      person = scm_store_find_person_by_email (store, emails[i], &invitation->error);
      if (person != NULL && !accounts_reach_person (accounts, person))
        g_set_error (&invitation->error, SCM_ERROR, SCM_ERROR_POLICY,
                     _("No account of the form “%s” is open to %s; add an account for their "
                       "organization or department first"),
                     scm_form_get_name (form), invitation->email);
    }
  return TRUE;
}

ScmInvitationSummary *
scm_invitation_send (ScmAuthority              *authority,
                     ScmForm                   *form,
                     const char * const        *emails,
                     const ScmMailSettings     *mail,
                     ScmInvitationProgressFunc  progress,
                     gpointer                   user_data,
                     GCancellable              *cancellable,
                     GError                   **error)
{
  ScmStore *store;
  g_autoptr(ScmMailSettings) loaded = NULL;
  g_autoptr(ScmInvitationSummary) summary = NULL;
  g_autoptr(ScmForm) current = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autofree char *url = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *body = NULL;

  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (SCM_IS_FORM (form), NULL);

  store = scm_authority_get_store (authority);
  /* The link must be the one that works now. */
  current = scm_store_get_form (store, scm_form_get_id (form), error);
  if (current == NULL)
    return NULL;
  if (!scm_form_get_enabled (current))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The form “%s” is disabled, so its link would not work; enable it before "
                     "sending invitations"), scm_form_get_name (current));
      return NULL;
    }
  if (mail == NULL)
    {
      mail = loaded = scm_mail_settings_load (store, error);
      if (mail == NULL)
        return NULL;
    }
  accounts = scm_store_list_accounts (store, scm_form_get_id (current), error);
  if (accounts == NULL)
    return NULL;

  summary = g_new0 (ScmInvitationSummary, 1);
  summary->invitations = g_ptr_array_new_with_free_func ((GDestroyNotify) invitation_free);
  if (!collect (store, current, accounts, emails, summary, error))
    return NULL;

  url = scm_authority_dup_enrollment_url (authority, scm_form_get_uri_extension (current));
  scm_mail_template_invitation (current, url, &subject, &body);

  for (guint i = 0; i < summary->invitations->len; i++)
    {
      ScmInvitation *invitation = g_ptr_array_index (summary->invitations, i);
      g_autofree char *message = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (invitation->error == NULL)
        {
          scm_mail_send (mail, invitation->email, subject, body, cancellable, &invitation->error);
          if (invitation->error == NULL)
            message = g_strdup_printf ("Invitation to enroll with form “%s” sent to %s",
                                       scm_form_get_name (current), invitation->email);
          else
            message = g_strdup_printf ("Invitation to enroll with form “%s” not sent to %s: %s",
                                       scm_form_get_name (current), invitation->email,
                                       invitation->error->message);
          if (!scm_store_add_audit_event (store, NULL, "invitation.send", invitation->email,
                                          invitation->error == NULL ? SCM_AUDIT_SUCCESS
                                                                    : SCM_AUDIT_FAILURE,
                                          message, error))
            return NULL;
        }
      if (invitation->error == NULL)
        summary->n_sent++;
      else
        summary->n_failed++;
      if (progress != NULL)
        progress (i + 1, summary->invitations->len, user_data);
    }
  return g_steal_pointer (&summary);
}

/* Asynchronous ----------------------------------------------------------------------------- */

typedef struct
{
  ScmForm *form;
  GStrv emails;
  ScmMailSettings *mail;
  GMainContext *context;
  ScmInvitationProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_data_free;
} SendData;

static void
send_data_free (SendData *data)
{
  g_clear_object (&data->form);
  g_strfreev (data->emails);
  scm_mail_settings_free (data->mail);
  g_main_context_unref (data->context);
  if (data->progress_data_free != NULL)
    data->progress_data_free (data->progress_data);
  g_free (data);
}

typedef struct
{
  GTask *task;    /* keeps the progress data alive until shown */
  guint done;
  guint total;
} ProgressReport;

static gboolean
report_progress_cb (gpointer user_data)
{
  ProgressReport *report = user_data;
  SendData *data = g_task_get_task_data (report->task);

  data->progress (report->done, report->total, data->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_report_free (ProgressReport *report)
{
  g_object_unref (report->task);
  g_free (report);
}

static void
forward_progress (guint    done,
                  guint    total,
                  gpointer user_data)
{
  GTask *task = user_data;
  SendData *data = g_task_get_task_data (task);
  ProgressReport *report = g_new0 (ProgressReport, 1);

  report->task = g_object_ref (task);
  report->done = done;
  report->total = total;
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, report_progress_cb, report,
                              (GDestroyNotify) progress_report_free);
}

static void
send_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SendData *data = task_data;
  GError *error = NULL;
  ScmInvitationSummary *summary;

  summary = scm_invitation_send (source_object, data->form, (const char * const *) data->emails,
                                 data->mail, data->progress != NULL ? forward_progress : NULL, task,
                                 cancellable, &error);
  if (summary == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, summary, (GDestroyNotify) scm_invitation_summary_free);
}

void
scm_invitation_send_async (ScmAuthority              *authority,
                           ScmForm                   *form,
                           const char * const        *emails,
                           const ScmMailSettings     *mail,
                           ScmInvitationProgressFunc  progress,
                           gpointer                   progress_data,
                           GDestroyNotify             progress_data_free,
                           GCancellable              *cancellable,
                           GAsyncReadyCallback        callback,
                           gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (SCM_IS_AUTHORITY (authority));
  g_return_if_fail (SCM_IS_FORM (form));

  data = g_new0 (SendData, 1);
  data->form = g_object_ref (form);
  data->emails = g_strdupv ((char **) emails);
  data->mail = mail != NULL ? scm_mail_settings_copy (mail) : NULL;
  data->context = g_main_context_ref_thread_default ();
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_data_free = progress_data_free;

  task = g_task_new (authority, cancellable, callback, user_data);
  g_task_set_source_tag (task, scm_invitation_send_async);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);
  g_task_run_in_thread (task, send_thread);
}

ScmInvitationSummary *
scm_invitation_send_finish (GAsyncResult *result,
                            GError      **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
