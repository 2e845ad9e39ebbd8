/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-enroll-endpoint-page.h"
#include "scm-enroll-util.h"
#include "scm-enrollment-client.h"

struct _ScmEnrollEndpointPage
{
  AdwBin parent_instance;

  GCancellable *cancellable;
  gboolean busy;
  gboolean renew;             /* Renew a Certificate… rather than Connect */

  GtkEntry *url_entry;
  GtkLabel *error_label;
  GtkSpinner *spinner;
};

G_DEFINE_FINAL_TYPE (ScmEnrollEndpointPage, scm_enroll_endpoint_page, ADW_TYPE_BIN)

enum {
  SIGNAL_CONNECTED,
  SIGNAL_RENEW,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_actions (ScmEnrollEndpointPage *self)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_entry));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "endpoint.connect",
                                 !self->busy && *url != '\0');
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "endpoint.renew",
                                 !self->busy && *url != '\0');
}

static void
set_busy (ScmEnrollEndpointPage *self,
          gboolean               busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  update_actions (self);
}

static void
url_changed_cb (ScmEnrollEndpointPage *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->url_entry), "error");
  update_actions (self);
}

static void
got_form_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ScmEnrollEndpointPage) self = user_data;
  ScmEnrollmentClient *client = SCM_ENROLLMENT_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) form = NULL;

  form = scm_enrollment_client_get_form_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (form == NULL)
    {
      g_autofree char *message = scm_enroll_describe_error (error, client);

      scm_enroll_show_error (self->error_label, message);
      return;
    }
  g_signal_emit (self, signals[self->renew ? SIGNAL_RENEW : SIGNAL_CONNECTED], 0, client, form);
}

static void
connect_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ScmEnrollEndpointPage *self = SCM_ENROLL_ENDPOINT_PAGE (widget);
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_entry))));
  g_autoptr(ScmEnrollmentClient) client = NULL;
  g_autoptr(GError) error = NULL;

  if (self->busy || *url == '\0')
    return;
  self->renew = g_str_equal (action_name, "endpoint.renew");
  client = scm_enrollment_client_new (url, &error);
  if (client == NULL)
    {
      g_autofree char *message = scm_enroll_describe_error (error, NULL);

      gtk_widget_add_css_class (GTK_WIDGET (self->url_entry), "error");
      scm_enroll_show_error (self->error_label, message);
      return;
    }
  scm_enroll_show_error (self->error_label, NULL);
  set_busy (self, TRUE);
  scm_enrollment_client_get_form_async (client, self->cancellable, got_form_cb,
                                        g_object_ref (self));
}

static void
url_activated_cb (ScmEnrollEndpointPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "endpoint.connect", NULL);
}

static void
scm_enroll_endpoint_page_dispose (GObject *object)
{
  ScmEnrollEndpointPage *self = SCM_ENROLL_ENDPOINT_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_ENROLL_ENDPOINT_PAGE);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (scm_enroll_endpoint_page_parent_class)->dispose (object);
}

static void
scm_enroll_endpoint_page_class_init (ScmEnrollEndpointPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_enroll_endpoint_page_dispose;

  signals[SIGNAL_CONNECTED] =
    g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, SCM_TYPE_ENROLLMENT_CLIENT, JSON_TYPE_OBJECT);
  /* As ::connected, for Renew a Certificate…. */
  signals[SIGNAL_RENEW] =
    g_signal_new ("renew", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, SCM_TYPE_ENROLLMENT_CLIENT, JSON_TYPE_OBJECT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/ScmEnroll/ui/scm-enroll-endpoint-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ScmEnrollEndpointPage, url_entry);
  gtk_widget_class_bind_template_child (widget_class, ScmEnrollEndpointPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, ScmEnrollEndpointPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, url_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, url_activated_cb);
  gtk_widget_class_install_action (widget_class, "endpoint.connect", NULL, connect_activated);
  gtk_widget_class_install_action (widget_class, "endpoint.renew", NULL, connect_activated);
}

static void
scm_enroll_endpoint_page_init (ScmEnrollEndpointPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

void
scm_enroll_endpoint_page_set_url (ScmEnrollEndpointPage *self,
                                  const char            *url)
{
  g_return_if_fail (SCM_IS_ENROLL_ENDPOINT_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->url_entry), url != NULL ? url : "");
}

void
scm_enroll_endpoint_page_set_cancellable (ScmEnrollEndpointPage *self,
                                          GCancellable          *cancellable)
{
  g_return_if_fail (SCM_IS_ENROLL_ENDPOINT_PAGE (self));

  g_set_object (&self->cancellable, cancellable);
}

void
scm_enroll_endpoint_page_show_error (ScmEnrollEndpointPage *self,
                                     const char            *message)
{
  g_return_if_fail (SCM_IS_ENROLL_ENDPOINT_PAGE (self));

  scm_enroll_show_error (self->error_label, message);
}
