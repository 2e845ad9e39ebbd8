/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scm-enroll-done-page.h"
#include "scm-enroll-util.h"
#include "scm-x509.h"

struct _ScmEnrollDonePage
{
  AdwBin parent_instance;

  ScmEnrollResult *result;
  char *email;
  GCancellable *cancellable;
  GtkFileChooserNative *chooser;
  gboolean chooser_for_ca;

  GtkLabel *error_label;
  AdwActionRow *subject_row;
  AdwActionRow *email_row;
  AdwActionRow *issuer_row;
  AdwActionRow *valid_row;
  AdwActionRow *fingerprint_row;
  GtkLabel *note_label;
  GtkButton *save_button;
  GtkLabel *saved_label;
};

G_DEFINE_FINAL_TYPE (ScmEnrollDonePage, scm_enroll_done_page, ADW_TYPE_BIN)

/* "AB:CD:…" in two lines of 16 octets, as certificate viewers show it. */
static char *
format_fingerprint (const char *hex)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (gsize i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, i % 32 == 0 ? '\n' : ':');
      g_string_append_c (out, g_ascii_toupper (hex[i]));
      g_string_append_c (out, g_ascii_toupper (hex[i + 1]));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* A file name from the email, without what file systems refuse. */
static char *
default_name (const char *email,
              const char *suffix)
{
  g_autofree char *base = g_strdup (email != NULL && *email != '\0' ? email : "certificate");

  g_strdelimit (base, "/\\:*?\"<>|", '_');
  return g_strconcat (base, suffix, NULL);
}

static GBytes *
certificate_pem (ScmEnrollDonePage *self)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  g_ptr_array_add (all, self->result->certificate_der);
  for (guint i = 0; i < self->result->chain_der->len; i++)
    g_ptr_array_add (all, g_ptr_array_index (self->result->chain_der, i));
  return scm_x509_chain_to_pem (all);
}

/* Saving ----------------------------------------------------------------------------------- */

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ScmEnrollDonePage *self = g_task_get_source_object (task);
  GFile *file = g_task_get_task_data (task);
  g_autofree char *name = g_file_get_parse_name (file);
  g_autofree char *message = NULL;
  GError *error = NULL;

  if (!scm_enroll_write_file_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          message = g_strdup_printf (_("“%s” could not be saved: %s. Choose another folder or "
                                       "name and save again."), name, error->message);
          scm_enroll_show_error (self->error_label, message);
          gtk_widget_set_visible (GTK_WIDGET (self->saved_label), FALSE);
        }
      g_task_return_error (task, error);
      return;
    }
  message = g_strdup_printf (_("Saved to %s."), name);
  scm_enroll_show_error (self->error_label, NULL);
  gtk_label_set_text (self->saved_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->saved_label), TRUE);
  g_task_return_boolean (task, TRUE);
}

static void
save (ScmEnrollDonePage   *self,
      GFile               *file,
      gboolean             ca,
      gpointer             source_tag,
      GAsyncReadyCallback  callback,
      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, callback, user_data);
  g_autoptr(GBytes) contents = NULL;
  gboolean private = FALSE;

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  if (self->result == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("No certificate was issued yet."));
      return;
    }
  if (ca)
    contents = scm_x509_chain_to_pem (self->result->chain_der);
  else if (self->result->pkcs12 != NULL)
    {
      contents = g_bytes_ref (self->result->pkcs12);
      private = TRUE;
    }
  else
    contents = certificate_pem (self);
  scm_enroll_write_file_async (file, contents, private, self->cancellable, written_cb,
                               g_steal_pointer (&task));
}

void
scm_enroll_done_page_save_async (ScmEnrollDonePage   *self,
                                 GFile               *file,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (SCM_IS_ENROLL_DONE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  save (self, file, FALSE, scm_enroll_done_page_save_async, callback, user_data);
}

gboolean
scm_enroll_done_page_save_finish (ScmEnrollDonePage  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
scm_enroll_done_page_save_ca_async (ScmEnrollDonePage   *self,
                                    GFile               *file,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (SCM_IS_ENROLL_DONE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  save (self, file, TRUE, scm_enroll_done_page_save_ca_async, callback, user_data);
}

gboolean
scm_enroll_done_page_save_ca_finish (ScmEnrollDonePage  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The outcome is already shown in place. */
static void
saved_from_chooser_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

static void
chooser_response_cb (ScmEnrollDonePage    *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        save (self, file, self->chooser_for_ca,
              self->chooser_for_ca ? scm_enroll_done_page_save_ca_async
                                   : scm_enroll_done_page_save_async,
              saved_from_chooser_cb, NULL);
    }
  g_clear_object (&self->chooser);
}

static void
choose_file (ScmEnrollDonePage *self,
             gboolean           ca)
{
  g_autofree char *name = NULL;
  const char *title;

  if (self->chooser != NULL || self->result == NULL)
    return;
  if (ca)
    {
      title = _("Save the CA Certificate");
      name = g_strdup ("ca-chain.pem");
    }
  else if (self->result->pkcs12 != NULL)
    {
      title = _("Save the PKCS#12 File");
      name = default_name (self->email, ".p12");
    }
  else
    {
      title = _("Save the Certificate");
      name = default_name (self->email, ".pem");
    }
  self->chooser_for_ca = ca;
  self->chooser = gtk_file_chooser_native_new (title,
                                               GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
save_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  choose_file (SCM_ENROLL_DONE_PAGE (widget), FALSE);
}

static void
save_ca_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  choose_file (SCM_ENROLL_DONE_PAGE (widget), TRUE);
}

/* Life cycle ------------------------------------------------------------------------------- */

static void
scm_enroll_done_page_dispose (GObject *object)
{
  ScmEnrollDonePage *self = SCM_ENROLL_DONE_PAGE (object);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_ENROLL_DONE_PAGE);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (scm_enroll_done_page_parent_class)->dispose (object);
}

static void
scm_enroll_done_page_finalize (GObject *object)
{
  ScmEnrollDonePage *self = SCM_ENROLL_DONE_PAGE (object);

  scm_enroll_result_free (self->result);
  g_free (self->email);

  G_OBJECT_CLASS (scm_enroll_done_page_parent_class)->finalize (object);
}

static void
scm_enroll_done_page_class_init (ScmEnrollDonePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_enroll_done_page_dispose;
  object_class->finalize = scm_enroll_done_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/ScmEnroll/ui/scm-enroll-done-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ScmEnrollDonePage, name)
  BIND (error_label);
  BIND (subject_row);
  BIND (email_row);
  BIND (issuer_row);
  BIND (valid_row);
  BIND (fingerprint_row);
  BIND (note_label);
  BIND (save_button);
  BIND (saved_label);
#undef BIND
  gtk_widget_class_install_action (widget_class, "done.save", NULL, save_activated);
  gtk_widget_class_install_action (widget_class, "done.save-ca", NULL, save_ca_activated);
}

static void
scm_enroll_done_page_init (ScmEnrollDonePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
scm_enroll_done_page_show (ScmEnrollDonePage *self,
                           ScmEnrollResult   *result,
                           const char        *email,
                           GCancellable      *cancellable)
{
  g_autoptr(ScmCertificateInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) until = NULL;
  g_autofree char *valid = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *emails = NULL;

  g_return_if_fail (SCM_IS_ENROLL_DONE_PAGE (self));
  g_return_if_fail (result != NULL);

  scm_enroll_result_free (self->result);
  self->result = result;
  g_free (self->email);
  self->email = g_strdup (email);
  g_set_object (&self->cancellable, cancellable);

  info = scm_x509_describe (result->certificate_der, &error);
  if (info == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The issued certificate cannot be read: %s. "
                                                    "Ask your administrator."), error->message);

      scm_enroll_show_error (self->error_label, message);
      return;
    }
  until = g_date_time_new_from_unix_local (info->not_after);
  /* Translators: a date and time in strftime() format */
  valid = until != NULL ? g_date_time_format (until, _("%e %B %Y, %H:%M")) : NULL;
  fingerprint = format_fingerprint (info->fingerprint);
  emails = g_strjoinv (", ", info->emails);

  adw_action_row_set_subtitle (self->subject_row, info->subject);
  adw_action_row_set_subtitle (self->email_row, *emails != '\0' ? emails : email);
  adw_action_row_set_subtitle (self->issuer_row, info->issuer);
  adw_action_row_set_subtitle (self->valid_row, valid != NULL ? g_strstrip (valid) : "");
  adw_action_row_set_subtitle (self->fingerprint_row, fingerprint);

  if (result->pkcs12 != NULL)
    {
      gtk_button_set_label (self->save_button, _("_Save PKCS#12…"));
      gtk_label_set_text (self->note_label,
                          _("Save the PKCS#12 file now: it holds your certificate and its private "
                            "key. Keep the password you chose for it; you need it to import the "
                            "file on each device, and nobody can recover it for you."));
    }
  else
    {
      gtk_button_set_label (self->save_button, _("_Save Certificate…"));
      gtk_label_set_text (self->note_label,
                          _("Save the certificate and its chain now, and import them where the "
                            "private key of your certificate signing request is."));
    }
  scm_enroll_show_error (self->error_label, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->saved_label), FALSE);
}
