/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-certificate-dialog.h"
#include "scm-certificates-page.h"
#include "scm-dialog-util.h"

struct _ScmCertificatesPage
{
  ScmListPage parent_instance;

  GtkLabel *expiry_label;       /* what expires soon, in the toolbar */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (ScmCertificatesPage, scm_certificates_page, SCM_TYPE_LIST_PAGE)

static GPtrArray *
load_certificates (ScmStore  *store,
                   GError   **error)
{
  return scm_store_list_certificates (store, 0, error);
}

static const char *
status_label (ScmCertificate *certificate)
{
  switch (scm_certificate_get_status (certificate))
    {
    case SCM_CERT_STATUS_PENDING:
      return _("Pending");
    case SCM_CERT_STATUS_REVOKED:
      return _("Revoked");
    case SCM_CERT_STATUS_EXPIRED:
      return _("Expired");
    case SCM_CERT_STATUS_FAILED:
      return _("Failed");
    case SCM_CERT_STATUS_ISSUED:
    default:
      /* The stored status changes to expired only when someone looks;
       * the list says what is true now. */
      if (scm_certificate_get_not_after (certificate) != 0 &&
          scm_certificate_get_not_after (certificate) < g_get_real_time () / G_USEC_PER_SEC)
        return _("Expired");
      return _("Issued");
    }
}

static char *
status_text (ScmCertificate *certificate,
             ScmListPage    *page)
{
  return g_strdup (status_label (certificate));
}

static char *
valid_until_text (ScmCertificate *certificate,
                  ScmListPage    *page)
{
  return scm_list_page_format_time (scm_certificate_get_not_after (certificate));
}

static char *
search_text (ScmCertificate *certificate,
             ScmListPage    *page)
{
  return g_strjoin ("\n",
                    scm_certificate_get_serial (certificate) ? scm_certificate_get_serial (certificate) : "",
                    scm_certificate_get_person_email (certificate) ? scm_certificate_get_person_email (certificate) : "",
                    scm_certificate_get_profile_name (certificate) ? scm_certificate_get_profile_name (certificate) : "",
                    status_label (certificate),
                    NULL);
}

static char *
dup_title (ScmListPage *page,
           gpointer     item)
{
  return g_strdup (scm_certificate_get_serial (item));
}

static void
revoked_cb (ScmCertificatesPage *self,
            ScmCertificate      *certificate)
{
  /* The details window says so already, in a toast of its own. */
  scm_list_page_saved (SCM_LIST_PAGE (self), NULL);
}

static void
show_certificate (ScmListPage *page,
                  gpointer     item)
{
  ScmCertificateDialog *dialog;

  dialog = scm_certificate_dialog_new (scm_list_page_get_window (page),
                                       scm_list_page_get_authority (page),
                                       scm_list_page_get_index (page),
                                       item);
  g_signal_connect_object (dialog, "revoked", G_CALLBACK (revoked_cb), page, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* What expires soon ----------------------------------------------------------------------- */

static gpointer
count_expiring (ScmStore  *store,
                gpointer   data,
                GError   **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GPtrArray) expiring = NULL;

  expiring = scm_store_list_expiring_certificates (store, now,
                                                   now + SCM_CERTIFICATES_PAGE_EXPIRY_DAYS
                                                         * (gint64) 86400,
                                                   error);
  if (expiring == NULL)
    return NULL;
  return GUINT_TO_POINTER (expiring->len + 1);
}

static void
counted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  ScmCertificatesPage *self = SCM_CERTIFICATES_PAGE (source);
  g_autoptr(GError) error = NULL;
  gpointer counted = scm_dialog_load_finish (result, &error);
  guint n;
  g_autofree char *text = NULL;

  if (counted == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot count the expiring certificates: %s", error->message);
      return;
    }
  n = GPOINTER_TO_UINT (counted) - 1;
  if (n > 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u certificate expires within %u days",
                                         "%u certificates expire within %u days", n),
                            n, SCM_CERTIFICATES_PAGE_EXPIRY_DAYS);
  gtk_label_set_text (self->expiry_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->expiry_label), text != NULL);
}

/* Counted again after each load: revocations and issuance change it. */
static void
loading_changed_cb (ScmCertificatesPage *self)
{
  ScmListPage *page = SCM_LIST_PAGE (self);
  ScmAuthority *authority = scm_list_page_get_authority (page);

  if (authority == NULL || scm_list_page_get_loading (page))
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  scm_dialog_load_async (self, scm_authority_get_store (authority), count_expiring, NULL, NULL,
                         NULL, self->cancellable, counted_cb, NULL);
}

static void
scm_certificates_page_dispose (GObject *object)
{
  ScmCertificatesPage *self = SCM_CERTIFICATES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (scm_certificates_page_parent_class)->dispose (object);
}

static void
scm_certificates_page_class_init (ScmCertificatesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ScmListPageClass *page_class = SCM_LIST_PAGE_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = scm_certificates_page_dispose;

  page_class->item_type = SCM_TYPE_CERTIFICATE;
  page_class->load = load_certificates;
  page_class->edit = show_certificate;
  page_class->dup_title = dup_title;

  /* The template only sets ScmListPage's properties: no children to
   * dispose (and GTK 4.8's gtk_widget_dispose_template() of a subclass
   * would drop the parent class's template children unparented). */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-certificates-page.ui");
}

static void
scm_certificates_page_init (ScmCertificatesPage *self)
{
  ScmListPage *page = SCM_LIST_PAGE (self);
  GtkColumnViewColumn *column;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->expiry_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_visible (GTK_WIDGET (self->expiry_label), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->expiry_label), "warning");
  gtk_label_set_ellipsize (self->expiry_label, PANGO_ELLIPSIZE_END);
  scm_list_page_add_toolbar_widget (page, GTK_WIDGET (self->expiry_label));
  g_signal_connect (self, "notify::loading", G_CALLBACK (loading_changed_cb), NULL);

  column = scm_list_page_add_column (page, _("Serial"),
                                     gtk_property_expression_new (SCM_TYPE_CERTIFICATE, NULL, "serial"),
                                     NULL, FALSE);
  gtk_column_view_column_set_fixed_width (column, 220);
  scm_list_page_add_column (page, _("Email"),
                            gtk_property_expression_new (SCM_TYPE_CERTIFICATE, NULL, "person-email"),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Profile"),
                            gtk_property_expression_new (SCM_TYPE_CERTIFICATE, NULL, "profile-name"),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Status"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) status_text),
                            NULL, FALSE);
  scm_list_page_add_column (page, _("Valid Until"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) valid_until_text),
                            GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (SCM_TYPE_CERTIFICATE,
                                                                                             NULL, "not-after"))),
                            FALSE);
  scm_list_page_set_search_expression (page,
                                       scm_list_page_text_expression (page, (ScmListPageTextFunc) search_text));
}

const char *
scm_certificates_page_get_expiry_summary (ScmCertificatesPage *self)
{
  g_return_val_if_fail (SCM_IS_CERTIFICATES_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->expiry_label)))
    return NULL;
  return gtk_label_get_text (self->expiry_label);
}
