/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-certificate-dialog.h"
#include "scm-dialog-util.h"
#include "scm-list-page.h"
#include "scm-x509.h"

/* The subscriber-facing RFC 5280 reasons, in the order offered. */
static const struct
{
  ScmRevocationReason reason;
  const char *label;
} reasons[] = {
  { SCM_REVOCATION_UNSPECIFIED, N_("Unspecified") },
  { SCM_REVOCATION_KEY_COMPROMISE, N_("Key Compromise") },
  { SCM_REVOCATION_AFFILIATION_CHANGED, N_("Affiliation Changed") },
  { SCM_REVOCATION_SUPERSEDED, N_("Superseded") },
  { SCM_REVOCATION_CESSATION_OF_OPERATION, N_("Cessation of Operation") },
};

struct _ScmCertificateDialog
{
  AdwWindow parent_instance;

  ScmAuthority *authority;
  ScmListIndex *index;
  gint64 certificate_id;
  ScmCertificate *certificate;     /* with its DER, once loaded */
  ScmCertificateInfo *info;
  ScmCertificate *renewed_from;    /* the certificate this one replaced, or NULL */
  ScmCertificate *renewed_by;      /* the newest one that replaced it, or NULL */
  GtkFileChooserNative *chooser;
  GCancellable *cancellable;
  gboolean busy;
  gboolean loading;

  AdwWindowTitle *window_title;
  AdwToastOverlay *toast_overlay;
  GtkLabel *error_label;
  GtkStack *content_stack;
  AdwActionRow *status_row;
  AdwActionRow *subject_row;
  AdwActionRow *sans_row;
  AdwActionRow *profile_row;
  AdwActionRow *key_row;
  AdwActionRow *not_before_row;
  AdwActionRow *not_after_row;
  AdwActionRow *serial_row;
  AdwActionRow *fingerprint_row;
  AdwActionRow *issuer_row;
  AdwActionRow *origin_row;
  AdwPreferencesGroup *renewal_group;
  AdwActionRow *renewed_from_row;
  AdwActionRow *renewed_by_row;
};

G_DEFINE_FINAL_TYPE (ScmCertificateDialog, scm_certificate_dialog, ADW_TYPE_WINDOW)

enum {
  SIGNAL_REVOKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void load (ScmCertificateDialog *self);

static const char *
reason_label (ScmRevocationReason reason)
{
  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (reasons[i].reason == reason)
      return _(reasons[i].label);
  return _("Unspecified");
}

static const char *
origin_label (ScmRequestedVia via)
{
  switch (via)
    {
    case SCM_REQUESTED_VIA_ADMIN:
      return _("Issued by an administrator");
    case SCM_REQUESTED_VIA_CSV:
      return _("Issued from a CSV import");
    case SCM_REQUESTED_VIA_EST:
      return _("Enrollment over Secure Transport (EST)");
    case SCM_REQUESTED_VIA_SELF_ENROLLMENT:
    default:
      return _("Self-enrollment");
    }
}

static void
show_error (ScmCertificateDialog *self,
            const char           *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static gboolean
is_expired (ScmCertificate *certificate)
{
  gint64 not_after = scm_certificate_get_not_after (certificate);

  return not_after != 0 && not_after < g_get_real_time () / G_USEC_PER_SEC;
}

static char *
dup_status (ScmCertificate *certificate)
{
  g_autofree char *when = NULL;

  switch (scm_certificate_get_status (certificate))
    {
    case SCM_CERT_STATUS_REVOKED:
      when = scm_list_page_format_time (scm_certificate_get_revoked_at (certificate));
      /* Translators: a revocation's date and its reason. */
      return g_strdup_printf (_("Revoked on %s: %s"), when,
                              reason_label (scm_certificate_get_revocation_reason (certificate)));
    case SCM_CERT_STATUS_PENDING:
      return g_strdup (_("Pending: being issued"));
    case SCM_CERT_STATUS_FAILED:
      return g_strdup_printf (_("Failed: %s"), scm_certificate_get_failure_reason (certificate)
                                               ? scm_certificate_get_failure_reason (certificate) : _("not issued"));
    case SCM_CERT_STATUS_EXPIRED:
    case SCM_CERT_STATUS_ISSUED:
    default:
      if (scm_certificate_get_status (certificate) == SCM_CERT_STATUS_EXPIRED || is_expired (certificate))
        {
          when = scm_list_page_format_time (scm_certificate_get_not_after (certificate));
          return g_strdup_printf (_("Expired on %s"), when);
        }
      return g_strdup (_("Valid"));
    }
}

static void
set_value (AdwActionRow *row,
           const char   *value)
{
  adw_action_row_set_subtitle (row, value != NULL && *value != '\0' ? value : "—");
}

/* "AB:CD:…" reads better than 64 hex digits in a row. */
static char *
dup_grouped_hex (const char *hex)
{
  GString *grouped = g_string_new (NULL);

  for (gsize i = 0; hex != NULL && hex[i] != '\0'; i++)
    {
      if (i > 0 && i % 2 == 0)
        g_string_append_c (grouped, ':');
      g_string_append_c (grouped, g_ascii_toupper (hex[i]));
    }
  return g_string_free (grouped, FALSE);
}

static void
show_details (ScmCertificateDialog *self)
{
  ScmCertificate *certificate = self->certificate;
  ScmCertificateInfo *info = self->info;
  ScmCertStatus status = scm_certificate_get_status (certificate);
  g_autofree char *status_text = dup_status (certificate);
  g_autofree char *not_before = scm_list_page_format_time (scm_certificate_get_not_before (certificate));
  g_autofree char *not_after = scm_list_page_format_time (scm_certificate_get_not_after (certificate));
  g_autofree char *fingerprint = dup_grouped_hex (scm_certificate_get_fingerprint (certificate));
  g_autofree char *sans = NULL;
  g_autofree char *origin = NULL;
  const char *form = scm_list_index_get_form_name (self->index, scm_certificate_get_form_id (certificate));

  if (info != NULL && info->emails != NULL && info->emails[0] != NULL)
    sans = g_strjoinv (", ", info->emails);
  else
    sans = g_strdup (scm_certificate_get_sans (certificate));
  if (*form != '\0')
    /* Translators: how a certificate was requested, and on which form. */
    origin = g_strdup_printf (_("%s, form “%s”"), origin_label (scm_certificate_get_requested_via (certificate)), form);
  else
    origin = g_strdup (origin_label (scm_certificate_get_requested_via (certificate)));

  adw_window_title_set_subtitle (self->window_title, scm_certificate_get_person_email (certificate));
  set_value (self->status_row, status_text);
  if (status == SCM_CERT_STATUS_REVOKED || status == SCM_CERT_STATUS_FAILED || is_expired (certificate))
    gtk_widget_add_css_class (GTK_WIDGET (self->status_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_row), "error");
  set_value (self->subject_row, info ? info->subject : scm_certificate_get_subject (certificate));
  set_value (self->sans_row, sans);
  set_value (self->profile_row, scm_certificate_get_profile_name (certificate));
  set_value (self->key_row, info ? info->key_description : scm_key_type_to_string (scm_certificate_get_key_type (certificate)));
  set_value (self->not_before_row, not_before);
  set_value (self->not_after_row, not_after);
  set_value (self->serial_row, scm_certificate_get_serial (certificate));
  set_value (self->fingerprint_row, fingerprint);
  set_value (self->issuer_row, info ? info->issuer : scm_certificate_get_issuer (certificate));
  set_value (self->origin_row, origin);

  gtk_widget_set_visible (GTK_WIDGET (self->renewed_from_row), self->renewed_from != NULL);
  if (self->renewed_from != NULL)
    set_value (self->renewed_from_row, scm_certificate_get_serial (self->renewed_from));
  gtk_widget_set_visible (GTK_WIDGET (self->renewed_by_row), self->renewed_by != NULL);
  if (self->renewed_by != NULL)
    set_value (self->renewed_by_row, scm_certificate_get_serial (self->renewed_by));
  gtk_widget_set_visible (GTK_WIDGET (self->renewal_group),
                          self->renewed_from != NULL || self->renewed_by != NULL);

  gtk_stack_set_visible_child_name (self->content_stack, "details");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.revoke",
                                 !self->busy && (status == SCM_CERT_STATUS_ISSUED || status == SCM_CERT_STATUS_EXPIRED));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.export",
                                 !self->busy && scm_certificate_get_der (certificate) != NULL);
}

/* Loading ------------------------------------------------------------------ */

typedef struct
{
  ScmCertificate *certificate;
  ScmCertificateInfo *info;
  ScmCertificate *renewed_from;
  ScmCertificate *renewed_by;
} Details;

static void
details_free (Details *details)
{
  g_clear_object (&details->certificate);
  g_clear_pointer (&details->info, scm_certificate_info_free);
  g_clear_object (&details->renewed_from);
  g_clear_object (&details->renewed_by);
  g_free (details);
}

static gpointer
load_details (ScmStore  *store,
              gpointer   data,
              GError   **error)
{
  Details *details = g_new0 (Details, 1);

  /* The list leaves the DER out; the stored row has it. */
  details->certificate = scm_store_get_certificate (store, *(gint64 *) data, error);
  if (details->certificate == NULL)
    {
      details_free (details);
      return NULL;
    }
  if (scm_certificate_get_der (details->certificate) != NULL)
    details->info = scm_x509_describe (scm_certificate_get_der (details->certificate), NULL);

  /* The chain of renewals, one step each way. Not finding a link only
   * leaves its row out: the details themselves are what was asked for. */
  if (scm_certificate_get_renewed_from (details->certificate) != 0)
    details->renewed_from = scm_store_get_certificate (store,
                                                       scm_certificate_get_renewed_from (details->certificate),
                                                       NULL);
  details->renewed_by = scm_store_find_renewal_of (store, scm_certificate_get_id (details->certificate), NULL);
  return details;
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  ScmCertificateDialog *self = SCM_CERTIFICATE_DIALOG (source);
  g_autoptr (GError) error = NULL;
  Details *details = scm_dialog_load_finish (result, &error);

  self->loading = FALSE;
  if (details == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  g_set_object (&self->certificate, details->certificate);
  g_clear_pointer (&self->info, scm_certificate_info_free);
  self->info = g_steal_pointer (&details->info);
  g_set_object (&self->renewed_from, details->renewed_from);
  g_set_object (&self->renewed_by, details->renewed_by);
  details_free (details);
  show_details (self);
}

static void
load (ScmCertificateDialog *self)
{
  self->loading = TRUE;
  scm_dialog_load_async (self, scm_authority_get_store (self->authority), load_details,
                         g_memdup2 (&self->certificate_id, sizeof self->certificate_id), g_free,
                         (GDestroyNotify) details_free, self->cancellable, load_cb, NULL);
}

/* Revoking ----------------------------------------------------------------- */

typedef struct
{
  char *serial;
  ScmRevocationReason reason;
} RevokeData;

static void
revoke_data_free (RevokeData *data)
{
  g_free (data->serial);
  g_free (data);
}

static void
revoke_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ScmCertificateDialog *self = source_object;
  RevokeData *data = task_data;
  GError *error = NULL;

  /* As `scm-enrollctl revoke` does: the store marks it, and a new CRL
   * lists it. */
  if (scm_authority_revoke (self->authority, data->serial, data->reason, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
revoke_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ScmCertificateDialog *self = SCM_CERTIFICATE_DIALOG (source);
  g_autoptr (GError) error = NULL;

  self->busy = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      show_error (self, error->message);
      show_details (self);
      return;
    }

  /* The stored row now says revoked, with when and why. */
  scm_certificate_set_status (self->certificate, SCM_CERT_STATUS_REVOKED);
  g_signal_emit (self, signals[SIGNAL_REVOKED], 0, self->certificate);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Certificate revoked; the CRL lists it")));
  load (self);
}

static void
revoke_response_cb (AdwMessageDialog     *dialog,
                    const char           *response,
                    ScmCertificateDialog *self)
{
  GtkDropDown *reason_dropdown = g_object_get_data (G_OBJECT (dialog), "scm-reason");
  g_autoptr (GTask) task = NULL;
  RevokeData *data;
  guint selected;

  if (g_strcmp0 (response, "revoke") != 0 || self->certificate == NULL || self->busy)
    return;

  selected = gtk_drop_down_get_selected (reason_dropdown);
  data = g_new0 (RevokeData, 1);
  data->serial = g_strdup (scm_certificate_get_serial (self->certificate));
  data->reason = selected < G_N_ELEMENTS (reasons) ? reasons[selected].reason : SCM_REVOCATION_UNSPECIFIED;

  self->busy = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  show_details (self);

  /* Signing the CRL uses the CA key: not on the main loop. */
  task = g_task_new (self, self->cancellable, revoke_cb, NULL);
  g_task_set_source_tag (task, revoke_response_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) revoke_data_free);
  g_task_run_in_thread (task, revoke_thread);
}

static void
revoke_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScmCertificateDialog *self = SCM_CERTIFICATE_DIALOG (widget);
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);
  GtkWidget *dialog;
  GtkWidget *reason_dropdown;
  GtkWidget *box;
  GtkWidget *label;

  if (self->certificate == NULL)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (reasons); i++)
    gtk_string_list_append (labels, _(reasons[i].label));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Revoke Certificate?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("The certificate of %s stops working at once and the next CRL lists it. "
                                    "A revocation cannot be undone."),
                                  scm_certificate_get_person_email (self->certificate));

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  label = gtk_label_new_with_mnemonic (_("_Reason"));
  reason_dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), reason_dropdown);
  gtk_accessible_update_property (GTK_ACCESSIBLE (reason_dropdown),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Revocation reason"),
                                  -1);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), reason_dropdown);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  g_object_set_data (G_OBJECT (dialog), "scm-reason", reason_dropdown);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "revoke", _("_Revoke"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revoke",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (revoke_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
copy_serial_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ScmCertificateDialog *self = SCM_CERTIFICATE_DIALOG (widget);

  if (self->certificate != NULL)
    scm_dialog_copy_text (widget, scm_certificate_get_serial (self->certificate));
}

static void
copy_fingerprint_activated (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  ScmCertificateDialog *self = SCM_CERTIFICATE_DIALOG (widget);

  /* As shown, grouped: what other tools print and people compare. */
  scm_dialog_copy_text (widget, adw_action_row_get_subtitle (self->fingerprint_row));
}

/* The chain of renewals ---------------------------------------------------- */

static void
forward_revoked_cb (ScmCertificateDialog *self,
                    ScmCertificate       *certificate)
{
  /* Whoever listens to us (a list page) should know of it too. */
  g_signal_emit (self, signals[SIGNAL_REVOKED], 0, certificate);
}

static void
show_linked (ScmCertificateDialog *self,
             ScmCertificate       *certificate)
{
  ScmCertificateDialog *dialog;

  if (certificate == NULL)
    return;
  dialog = scm_certificate_dialog_new (GTK_WINDOW (self), self->authority, self->index, certificate);
  g_signal_connect_object (dialog, "revoked", G_CALLBACK (forward_revoked_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
renewed_from_activated_cb (ScmCertificateDialog *self)
{
  show_linked (self, self->renewed_from);
}

static void
renewed_by_activated_cb (ScmCertificateDialog *self)
{
  show_linked (self, self->renewed_by);
}

/* Exporting ---------------------------------------------------------------- */

static void
export_replaced_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
scm_certificate_dialog_export_async (ScmCertificateDialog *self,
                                     GFile                *file,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GBytes) pem = NULL;
  GBytes *der;

  g_return_if_fail (SCM_IS_CERTIFICATE_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, scm_certificate_dialog_export_async);

  der = self->certificate ? scm_certificate_get_der (self->certificate) : NULL;
  if (der == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _("The certificate is not loaded yet; try again in a moment."));
      return;
    }
  pem = scm_x509_der_to_pem (der);
  /* The task keeps the PEM alive while GIO writes it. */
  g_task_set_task_data (task, g_bytes_ref (pem), (GDestroyNotify) g_bytes_unref);
  g_file_replace_contents_bytes_async (file, pem, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, export_replaced_cb, g_steal_pointer (&task));
}

gboolean
scm_certificate_dialog_export_finish (ScmCertificateDialog  *self,
                                      GAsyncResult          *result,
                                      GError               **error)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE_DIALOG (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
export_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ScmCertificateDialog *self = SCM_CERTIFICATE_DIALOG (source);
  g_autoptr (GFile) file = user_data;
  g_autoptr (GError) error = NULL;

  if (!scm_certificate_dialog_export_finish (self, result, &error))
    {
      g_autofree char *name = g_file_get_parse_name (file);
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("Could not save %s: %s. Choose another place."), name, error->message);
      show_error (self, message);
      return;
    }
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Certificate exported")));
}

static void
chooser_response_cb (GtkNativeDialog      *chooser,
                     int                   response,
                     ScmCertificateDialog *self)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  scm_certificate_dialog_export_async (self, file, self->cancellable, export_cb, g_object_ref (file));
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScmCertificateDialog *self = SCM_CERTIFICATE_DIALOG (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  const char *email;

  if (self->certificate == NULL || self->chooser != NULL)
    return;

  email = scm_certificate_get_person_email (self->certificate);
  name = g_strdup_printf ("%s.pem", email != NULL ? email : scm_certificate_get_serial (self->certificate));
  gtk_file_filter_set_name (filter, _("PEM Certificates"));
  gtk_file_filter_add_suffix (filter, "pem");
  gtk_file_filter_add_suffix (filter, "crt");

  self->chooser = gtk_file_chooser_native_new (_("Export Certificate"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* GObject ------------------------------------------------------------------- */

static void
scm_certificate_dialog_dispose (GObject *object)
{
  ScmCertificateDialog *self = SCM_CERTIFICATE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_CERTIFICATE_DIALOG);

  G_OBJECT_CLASS (scm_certificate_dialog_parent_class)->dispose (object);
}

static void
scm_certificate_dialog_finalize (GObject *object)
{
  ScmCertificateDialog *self = SCM_CERTIFICATE_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->authority);
  g_clear_object (&self->index);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->info, scm_certificate_info_free);
  g_clear_object (&self->renewed_from);
  g_clear_object (&self->renewed_by);

  G_OBJECT_CLASS (scm_certificate_dialog_parent_class)->finalize (object);
}

static void
scm_certificate_dialog_class_init (ScmCertificateDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_certificate_dialog_dispose;
  object_class->finalize = scm_certificate_dialog_finalize;

  signals[SIGNAL_REVOKED] =
    g_signal_new ("revoked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SCM_TYPE_CERTIFICATE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-certificate-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ScmCertificateDialog, name)
  BIND (window_title);
  BIND (toast_overlay);
  BIND (error_label);
  BIND (content_stack);
  BIND (status_row);
  BIND (subject_row);
  BIND (sans_row);
  BIND (profile_row);
  BIND (key_row);
  BIND (not_before_row);
  BIND (not_after_row);
  BIND (serial_row);
  BIND (fingerprint_row);
  BIND (issuer_row);
  BIND (origin_row);
  BIND (renewal_group);
  BIND (renewed_from_row);
  BIND (renewed_by_row);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, renewed_from_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, renewed_by_activated_cb);

  gtk_widget_class_install_action (widget_class, "dialog.revoke", NULL, revoke_activated);
  gtk_widget_class_install_action (widget_class, "dialog.export", NULL, export_activated);
  gtk_widget_class_install_action (widget_class, "dialog.copy-serial", NULL, copy_serial_activated);
  gtk_widget_class_install_action (widget_class, "dialog.copy-fingerprint", NULL, copy_fingerprint_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
scm_certificate_dialog_init (ScmCertificateDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  adw_window_title_set_title (self->window_title, _("Certificate"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.revoke", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "dialog.export", FALSE);
}

ScmCertificateDialog *
scm_certificate_dialog_new (GtkWindow      *parent,
                            ScmAuthority   *authority,
                            ScmListIndex   *index,
                            ScmCertificate *certificate)
{
  ScmCertificateDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (SCM_IS_LIST_INDEX (index), NULL);
  g_return_val_if_fail (SCM_IS_CERTIFICATE (certificate), NULL);

  self = g_object_new (SCM_TYPE_CERTIFICATE_DIALOG,
                       "transient-for", parent,
                       "title", _("Certificate"),
                       NULL);
  self->authority = g_object_ref (authority);
  self->index = g_object_ref (index);
  self->certificate_id = scm_certificate_get_id (certificate);
  load (self);
  return self;
}

gboolean
scm_certificate_dialog_get_loaded (ScmCertificateDialog *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATE_DIALOG (self), FALSE);

  return self->certificate != NULL && !self->busy && !self->loading;
}
