/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-revoke-person-dialog.h"

struct _ScmRevokePersonDialog
{
  AdwMessageDialog parent_instance;

  ScmAuthority *authority;
  gint64 person_id;
  AdwComboRow *reason_row;
};

G_DEFINE_FINAL_TYPE (ScmRevokePersonDialog, scm_revoke_person_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  SIGNAL_REVOKED,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct
{
  ScmRevocationReason reason;
  const char *label;
} reasons[] = {
  { SCM_REVOCATION_UNSPECIFIED, N_("Unspecified") },
  { SCM_REVOCATION_KEY_COMPROMISE, N_("Key compromise") },
  { SCM_REVOCATION_AFFILIATION_CHANGED, N_("Affiliation changed") },
  { SCM_REVOCATION_SUPERSEDED, N_("Superseded") },
  { SCM_REVOCATION_CESSATION_OF_OPERATION, N_("Cessation of operation") },
};

typedef struct
{
  gint64 person_id;
  ScmRevocationReason reason;
} RevokeJob;

static void
revoke_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ScmRevokePersonDialog *self = source_object;
  RevokeJob *job = task_data;
  g_autoptr(GPtrArray) revoked = NULL;
  GError *error = NULL;

  if (!scm_authority_revoke_person (self->authority, job->person_id, job->reason, &revoked,
                                    &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, revoked != NULL ? revoked->len : 0);
}

static void
revoked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  ScmRevokePersonDialog *self = SCM_REVOKE_PERSON_DIALOG (source);
  g_autoptr(GError) error = NULL;
  gssize n = g_task_propagate_int (G_TASK (result), &error);

  if (error != NULL)
    g_signal_emit (self, signals[SIGNAL_FAILED], 0, error->message);
  else
    g_signal_emit (self, signals[SIGNAL_REVOKED], 0, (guint) n);
}

static void
scm_revoke_person_dialog_response (AdwMessageDialog *dialog,
                                   const char       *response)
{
  ScmRevokePersonDialog *self = SCM_REVOKE_PERSON_DIALOG (dialog);
  g_autoptr(GTask) task = NULL;
  RevokeJob *job;
  guint i = adw_combo_row_get_selected (self->reason_row);

  if (g_strcmp0 (response, "revoke") != 0)
    return;
  job = g_new0 (RevokeJob, 1);
  job->person_id = self->person_id;
  job->reason = i < G_N_ELEMENTS (reasons) ? reasons[i].reason : SCM_REVOCATION_UNSPECIFIED;
  /* Signing the CRL takes the CA's key: off the main loop. */
  task = g_task_new (self, NULL, revoked_cb, NULL);
  g_task_set_source_tag (task, scm_revoke_person_dialog_response);
  g_task_set_task_data (task, job, g_free);
  g_task_run_in_thread (task, revoke_thread);
}

static void
scm_revoke_person_dialog_finalize (GObject *object)
{
  ScmRevokePersonDialog *self = SCM_REVOKE_PERSON_DIALOG (object);

  g_clear_object (&self->authority);

  G_OBJECT_CLASS (scm_revoke_person_dialog_parent_class)->finalize (object);
}

static void
scm_revoke_person_dialog_class_init (ScmRevokePersonDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->finalize = scm_revoke_person_dialog_finalize;
  dialog_class->response = scm_revoke_person_dialog_response;

  signals[SIGNAL_REVOKED] =
    g_signal_new ("revoked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
scm_revoke_person_dialog_init (ScmRevokePersonDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);
  GtkWidget *list = gtk_list_box_new ();
  GtkStringList *names = gtk_string_list_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    gtk_string_list_append (names, _(reasons[i].label));
  self->reason_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->reason_row), _("Reason"));
  adw_combo_row_set_model (self->reason_row, G_LIST_MODEL (names));
  g_object_unref (names);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->reason_row));
  adw_message_dialog_set_extra_child (dialog, list);

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "revoke", _("_Revoke All"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "revoke", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
}

ScmRevokePersonDialog *
scm_revoke_person_dialog_new (GtkWindow    *parent,
                              ScmAuthority *authority,
                              ScmPerson    *person)
{
  ScmRevokePersonDialog *self;
  g_autofree char *body = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (SCM_IS_PERSON (person), NULL);

  body = g_strdup_printf (_("Every valid certificate of %s is revoked and listed in the next "
                            "CRL. This cannot be undone."), scm_person_get_email (person));
  self = g_object_new (SCM_TYPE_REVOKE_PERSON_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "heading", _("Revoke All Certificates?"),
                       "body", body,
                       NULL);
  self->authority = g_object_ref (authority);
  self->person_id = scm_person_get_id (person);
  return self;
}

void
scm_revoke_person_dialog_set_reason (ScmRevokePersonDialog *self,
                                     ScmRevocationReason    reason)
{
  g_return_if_fail (SCM_IS_REVOKE_PERSON_DIALOG (self));

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (reasons[i].reason == reason)
      adw_combo_row_set_selected (self->reason_row, i);
}
