/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scm-dialog-util.h"
#include "scm-enroll-renew-page.h"
#include "scm-enroll-util.h"
#include "scm-pkcs12.h"

/* A PKCS#12 file of a person is a few KiB; anything far larger is not one. */
#define MAX_PKCS12_SIZE (1024 * 1024)

struct _ScmEnrollRenewPage
{
  AdwBin parent_instance;

  GCancellable *cancellable;
  GCancellable *read_cancellable;
  GBytes *pkcs12;
  GtkFileChooserNative *chooser;

  GtkLabel *error_label;
  AdwActionRow *file_row;
  AdwPasswordEntryRow *old_password_row;
  AdwPasswordEntryRow *password_row;
  AdwPasswordEntryRow *confirm_row;
  GtkLabel *password_error;
};

G_DEFINE_FINAL_TYPE (ScmEnrollRenewPage, scm_enroll_renew_page, ADW_TYPE_BIN)

enum {
  SIGNAL_SUBMIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
get_text (AdwPasswordEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* Why the new password cannot be used yet, or NULL. */
static GError *
check_password (ScmEnrollRenewPage *self,
                gboolean           *show)
{
  const char *password = get_text (self->password_row);
  const char *confirm = get_text (self->confirm_row);
  GError *error = NULL;

  *show = TRUE;
  if (!scm_pkcs12_check_password (password, &error))
    return error;
  if (*password == '\0')
    {
      *show = FALSE;
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                  _("Choose a password for the new file."));
    }
  if (!g_str_equal (password, confirm))
    {
      /* Not while the second one is still being typed. */
      *show = strlen (confirm) >= strlen (password) || !g_str_has_prefix (password, confirm);
      return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                  _("The two new passwords differ. Type the same password twice."));
    }
  return NULL;
}

static void
update (ScmEnrollRenewPage *self)
{
  g_autoptr(GError) error = NULL;
  gboolean show = FALSE;

  error = check_password (self, &show);
  scm_dialog_set_field_error (self->password_error, GTK_WIDGET (self->confirm_row), error, show);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "renew.submit",
                                 self->pkcs12 != NULL && error == NULL);
}

static void
password_changed_cb (ScmEnrollRenewPage *self)
{
  update (self);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ScmEnrollRenewPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));

  contents = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (contents == NULL || g_bytes_get_size (contents) > MAX_PKCS12_SIZE)
    {
      g_autofree char *message = NULL;

      if (contents == NULL)
        message = g_strdup_printf (_("“%s” cannot be read: %s. Choose another file."),
                                   name, error->message);
      else
        message = g_strdup_printf (_("“%s” is too large to be a PKCS#12 file. Choose the .p12 "
                                     "file you saved when you enrolled."), name);
      scm_enroll_show_error (self->error_label, message);
      adw_action_row_set_subtitle (self->file_row, _("No file chosen"));
      g_clear_pointer (&self->pkcs12, g_bytes_unref);
      update (self);
      return;
    }
  scm_enroll_show_error (self->error_label, NULL);
  g_clear_pointer (&self->pkcs12, g_bytes_unref);
  self->pkcs12 = g_steal_pointer (&contents);
  adw_action_row_set_subtitle (self->file_row, name);
  update (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->old_password_row));
}

static void
chooser_response_cb (GtkNativeDialog    *dialog,
                     int                 response,
                     ScmEnrollRenewPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        scm_enroll_renew_page_set_file (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
choose_file_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ScmEnrollRenewPage *self = SCM_ENROLL_RENEW_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Choose Your Current Certificate"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("PKCS#12 files (.p12, .pfx)"));
  gtk_file_filter_add_pattern (filter, "*.p12");
  gtk_file_filter_add_pattern (filter, "*.pfx");
  gtk_file_filter_add_mime_type (filter, "application/x-pkcs12");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
submit_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScmEnrollRenewPage *self = SCM_ENROLL_RENEW_PAGE (widget);
  g_autoptr(GError) error = NULL;
  gboolean show;

  error = check_password (self, &show);
  if (self->pkcs12 == NULL || error != NULL)
    return;
  scm_enroll_show_error (self->error_label, NULL);
  g_signal_emit (self, signals[SIGNAL_SUBMIT], 0);
}

static void
scm_enroll_renew_page_dispose (GObject *object)
{
  ScmEnrollRenewPage *self = SCM_ENROLL_RENEW_PAGE (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_cancellable_cancel (self->read_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_ENROLL_RENEW_PAGE);
  g_clear_object (&self->read_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pkcs12, g_bytes_unref);

  G_OBJECT_CLASS (scm_enroll_renew_page_parent_class)->dispose (object);
}

static void
scm_enroll_renew_page_class_init (ScmEnrollRenewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_enroll_renew_page_dispose;

  signals[SIGNAL_SUBMIT] =
    g_signal_new ("submit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/ScmEnroll/ui/scm-enroll-renew-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ScmEnrollRenewPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, ScmEnrollRenewPage, file_row);
  gtk_widget_class_bind_template_child (widget_class, ScmEnrollRenewPage, old_password_row);
  gtk_widget_class_bind_template_child (widget_class, ScmEnrollRenewPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, ScmEnrollRenewPage, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, ScmEnrollRenewPage, password_error);
  gtk_widget_class_bind_template_callback (widget_class, password_changed_cb);
  gtk_widget_class_install_action (widget_class, "renew.choose-file", NULL, choose_file_activated);
  gtk_widget_class_install_action (widget_class, "renew.submit", NULL, submit_activated);
}

static void
scm_enroll_renew_page_init (ScmEnrollRenewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

void
scm_enroll_renew_page_start (ScmEnrollRenewPage *self,
                             GCancellable       *cancellable)
{
  g_return_if_fail (SCM_IS_ENROLL_RENEW_PAGE (self));

  g_set_object (&self->cancellable, cancellable);
  scm_enroll_show_error (self->error_label, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->old_password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
  update (self);
}

void
scm_enroll_renew_page_set_file (ScmEnrollRenewPage *self,
                                GFile              *file)
{
  g_return_if_fail (SCM_IS_ENROLL_RENEW_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->read_cancellable);
  g_clear_object (&self->read_cancellable);
  self->read_cancellable = g_cancellable_new ();
  if (self->cancellable != NULL)
    g_signal_connect_object (self->cancellable, "cancelled", G_CALLBACK (g_cancellable_cancel),
                             self->read_cancellable, G_CONNECT_SWAPPED);
  g_file_load_bytes_async (file, self->read_cancellable, loaded_cb, g_object_ref (self));
}

ScmEnrollRenewal *
scm_enroll_renew_page_dup_renewal (ScmEnrollRenewPage *self)
{
  ScmEnrollRenewal *renewal;

  g_return_val_if_fail (SCM_IS_ENROLL_RENEW_PAGE (self), NULL);

  if (self->pkcs12 == NULL)
    return NULL;
  renewal = scm_enroll_renewal_new ();
  renewal->pkcs12 = g_bytes_ref (self->pkcs12);
  renewal->password = g_strdup (get_text (self->old_password_row));
  renewal->new_password = g_strdup (get_text (self->password_row));
  return renewal;
}

void
scm_enroll_renew_page_show_error (ScmEnrollRenewPage *self,
                                  const char         *message)
{
  g_return_if_fail (SCM_IS_ENROLL_RENEW_PAGE (self));

  scm_enroll_show_error (self->error_label, message);
}
