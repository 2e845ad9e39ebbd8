/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-dialog-util.h"
#include "scm-invitation.h"
#include "scm-invite-dialog.h"

struct _ScmInviteDialog
{
  AdwMessageDialog parent_instance;

  ScmAuthority *authority;
  GStrv emails;
  GPtrArray *forms;           /* ScmForm, as the row lists them */
  GCancellable *cancellable;  /* the forms' load */
  gboolean ready;

  AdwComboRow *form_row;
  GtkStringList *form_names;
};

G_DEFINE_FINAL_TYPE (ScmInviteDialog, scm_invite_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  SIGNAL_SENT,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gpointer
load_forms (ScmStore  *store,
            gpointer   data,
            GError   **error)
{
  g_autoptr(GPtrArray) forms = scm_store_list_forms (store, error);
  GPtrArray *enabled;

  if (forms == NULL)
    return NULL;
  enabled = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < forms->len; i++)
    if (scm_form_get_enabled (forms->pdata[i]))
      g_ptr_array_add (enabled, g_object_ref (forms->pdata[i]));
  return enabled;
}

static void
forms_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ScmInviteDialog *self = SCM_INVITE_DIALOG (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  self->forms = scm_dialog_load_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->forms == NULL)
    {
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), error->message);
      return;
    }
  for (guint i = 0; i < self->forms->len; i++)
    g_ptr_array_add (names, (gpointer) scm_form_get_name (self->forms->pdata[i]));
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->form_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->form_names)),
                          (const char * const *) names->pdata);
  if (self->forms->len == 0)
    adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                                 _("No form is enabled. Add or enable a form on the Forms page "
                                   "first."));
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "send",
                                           self->forms->len > 0);
  self->ready = TRUE;
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ScmInviteDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmInvitationSummary) summary = NULL;

  summary = scm_invitation_send_finish (result, &error);
  if (summary == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_FAILED], 0, error->message);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SENT], 0, summary->n_sent, summary->n_failed);
}

static void
scm_invite_dialog_response (AdwMessageDialog *dialog,
                            const char       *response)
{
  ScmInviteDialog *self = SCM_INVITE_DIALOG (dialog);
  guint i = adw_combo_row_get_selected (self->form_row);

  if (g_strcmp0 (response, "send") == 0 && self->forms != NULL && i < self->forms->len)
    /* Not cancelled when the dialog closes: the mails are on their way. */
    scm_invitation_send_async (self->authority, self->forms->pdata[i],
                               (const char * const *) self->emails, NULL, NULL, NULL, NULL,
                               NULL, sent_cb, g_object_ref (self));
}

static void
scm_invite_dialog_dispose (GObject *object)
{
  ScmInviteDialog *self = SCM_INVITE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (scm_invite_dialog_parent_class)->dispose (object);
}

static void
scm_invite_dialog_finalize (GObject *object)
{
  ScmInviteDialog *self = SCM_INVITE_DIALOG (object);

  g_clear_object (&self->authority);
  g_clear_pointer (&self->emails, g_strfreev);
  g_clear_pointer (&self->forms, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (scm_invite_dialog_parent_class)->finalize (object);
}

static void
scm_invite_dialog_class_init (ScmInviteDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->dispose = scm_invite_dialog_dispose;
  object_class->finalize = scm_invite_dialog_finalize;
  dialog_class->response = scm_invite_dialog_response;

  signals[SIGNAL_SENT] =
    g_signal_new ("sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
scm_invite_dialog_init (ScmInviteDialog *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (self);
  GtkWidget *list = gtk_list_box_new ();

  self->cancellable = g_cancellable_new ();
  self->form_names = gtk_string_list_new (NULL);
  self->form_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->form_row), _("Form"));
  adw_combo_row_set_model (self->form_row, G_LIST_MODEL (self->form_names));
  g_object_unref (self->form_names);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->form_row));
  adw_message_dialog_set_extra_child (dialog, list);

  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "send", _("_Send"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "send", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "send");
  adw_message_dialog_set_close_response (dialog, "cancel");
  adw_message_dialog_set_response_enabled (dialog, "send", FALSE);
}

ScmInviteDialog *
scm_invite_dialog_new (GtkWindow          *parent,
                       ScmAuthority       *authority,
                       const char * const *emails)
{
  ScmInviteDialog *self;
  guint n;
  g_autofree char *body = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (emails != NULL && emails[0] != NULL, NULL);

  n = g_strv_length ((GStrv) emails);
  self = g_object_new (SCM_TYPE_INVITE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "heading", g_dngettext (GETTEXT_PACKAGE, "Send Invitation?",
                                               "Send Invitations?", n),
                       NULL);
  self->authority = g_object_ref (authority);
  self->emails = g_strdupv ((GStrv) emails);
  if (n == 1)
    body = g_strdup_printf (_("%s gets an email with the enrollment link of the form chosen "
                              "below and its help text."), emails[0]);
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u person gets an email with the enrollment link of "
                                         "the form chosen below and its help text.",
                                         "%u persons get an email with the enrollment link of "
                                         "the form chosen below and its help text.", n),
                            n);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  scm_dialog_load_async (self, scm_authority_get_store (authority), load_forms, NULL, NULL,
                         (GDestroyNotify) g_ptr_array_unref, self->cancellable, forms_loaded_cb,
                         NULL);
  return self;
}

gboolean
scm_invite_dialog_is_ready (ScmInviteDialog *self)
{
  g_return_val_if_fail (SCM_IS_INVITE_DIALOG (self), FALSE);

  return self->ready;
}

gboolean
scm_invite_dialog_select_form (ScmInviteDialog *self,
                               const char      *name)
{
  g_return_val_if_fail (SCM_IS_INVITE_DIALOG (self), FALSE);

  for (guint i = 0; self->forms != NULL && i < self->forms->len; i++)
    if (g_strcmp0 (scm_form_get_name (self->forms->pdata[i]), name) == 0)
      {
        adw_combo_row_set_selected (self->form_row, i);
        return TRUE;
      }
  return FALSE;
}
