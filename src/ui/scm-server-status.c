/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-server-status.h"

struct _ScmServerStatus
{
  GtkWidget parent_instance;

  ScmApplication *application;
  gboolean syncing;   /* the switch follows the server, not the user */

  GtkImage *state_icon;
  GtkSpinner *spinner;
  GtkLabel *state_label;
  GtkLabel *url_label;
  GtkButton *copy_button;
  GtkSwitch *server_switch;
};

G_DEFINE_FINAL_TYPE (ScmServerStatus, scm_server_status, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_APPLICATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sync_state (ScmServerStatus *self)
{
  ScmServerState state = SCM_SERVER_STATE_STOPPED;
  const char *url = NULL;
  const char *error = NULL;
  const char *text;
  gboolean ready = FALSE;

  if (self->application != NULL)
    {
      state = scm_application_get_server_state (self->application);
      url = scm_application_get_server_url (self->application);
      error = scm_application_get_server_error (self->application);
      ready = scm_application_get_authority (self->application) != NULL;
    }

  switch (state)
    {
    case SCM_SERVER_STATE_STARTING:
      text = _("Starting…");
      break;
    case SCM_SERVER_STATE_RUNNING:
      /* Translators: followed by the URL the enrollment server serves. */
      text = _("Serving at");
      break;
    case SCM_SERVER_STATE_FAILED:
      text = _("Server failed");
      break;
    case SCM_SERVER_STATE_STOPPED:
    default:
      text = _("Server stopped");
      break;
    }

  gtk_label_set_text (self->state_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_label), error);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_icon), error);
  gtk_image_set_from_icon_name (self->state_icon,
                                state == SCM_SERVER_STATE_FAILED ? "dialog-warning-symbolic"
                                                                 : "network-server-symbolic");
  if (state == SCM_SERVER_STATE_FAILED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->state_icon), state != SCM_SERVER_STATE_STARTING);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), state == SCM_SERVER_STATE_STARTING);
  gtk_spinner_set_spinning (self->spinner, state == SCM_SERVER_STATE_STARTING);

  gtk_label_set_text (self->url_label, url != NULL ? url : "");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->url_label), url);
  gtk_widget_set_visible (GTK_WIDGET (self->url_label), url != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->copy_button), url != NULL);

  self->syncing = TRUE;
  gtk_switch_set_active (self->server_switch,
                         state == SCM_SERVER_STATE_STARTING || state == SCM_SERVER_STATE_RUNNING);
  gtk_switch_set_state (self->server_switch, state == SCM_SERVER_STATE_RUNNING);
  self->syncing = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_switch), ready);
}

static gboolean
switch_state_set_cb (ScmServerStatus *self,
                     gboolean         active)
{
  if (self->syncing || self->application == NULL)
    return FALSE;

  if (active)
    scm_application_start_server (self->application);
  else
    scm_application_stop_server (self->application);
  /* The switch's state follows the server (sync_state()). */
  sync_state (self);
  return TRUE;
}

static void
copy_clicked_cb (ScmServerStatus *self)
{
  const char *url = self->application ? scm_application_get_server_url (self->application) : NULL;

  if (url != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), url);
}

ScmApplication *
scm_server_status_get_application (ScmServerStatus *self)
{
  g_return_val_if_fail (SCM_IS_SERVER_STATUS (self), NULL);

  return self->application;
}

void
scm_server_status_set_application (ScmServerStatus *self,
                                   ScmApplication  *application)
{
  g_return_if_fail (SCM_IS_SERVER_STATUS (self));
  g_return_if_fail (application == NULL || SCM_IS_APPLICATION (application));

  if (self->application == application)
    return;
  if (self->application != NULL)
    g_signal_handlers_disconnect_by_data (self->application, self);
  g_set_object (&self->application, application);
  if (application != NULL)
    {
      g_signal_connect_swapped (application, "notify::server-state", G_CALLBACK (sync_state), self);
      g_signal_connect_swapped (application, "notify::authority", G_CALLBACK (sync_state), self);
    }
  sync_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_APPLICATION]);
}

GtkSwitch *
scm_server_status_get_switch (ScmServerStatus *self)
{
  g_return_val_if_fail (SCM_IS_SERVER_STATUS (self), NULL);

  return self->server_switch;
}

const char *
scm_server_status_get_text (ScmServerStatus *self)
{
  g_return_val_if_fail (SCM_IS_SERVER_STATUS (self), NULL);

  return gtk_label_get_text (self->state_label);
}

static void
scm_server_status_dispose (GObject *object)
{
  ScmServerStatus *self = SCM_SERVER_STATUS (object);

  if (self->application != NULL)
    g_signal_handlers_disconnect_by_data (self->application, self);
  g_clear_object (&self->application);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_SERVER_STATUS);

  G_OBJECT_CLASS (scm_server_status_parent_class)->dispose (object);
}

static void
scm_server_status_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ScmServerStatus *self = SCM_SERVER_STATUS (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      g_value_set_object (value, self->application);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_server_status_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ScmServerStatus *self = SCM_SERVER_STATUS (object);

  switch (prop_id)
    {
    case PROP_APPLICATION:
      scm_server_status_set_application (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_server_status_class_init (ScmServerStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_server_status_dispose;
  object_class->get_property = scm_server_status_get_property;
  object_class->set_property = scm_server_status_set_property;

  properties[PROP_APPLICATION] =
    g_param_spec_object ("application", NULL, NULL, SCM_TYPE_APPLICATION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-server-status.ui");
  gtk_widget_class_bind_template_child (widget_class, ScmServerStatus, state_icon);
  gtk_widget_class_bind_template_child (widget_class, ScmServerStatus, spinner);
  gtk_widget_class_bind_template_child (widget_class, ScmServerStatus, state_label);
  gtk_widget_class_bind_template_child (widget_class, ScmServerStatus, url_label);
  gtk_widget_class_bind_template_child (widget_class, ScmServerStatus, copy_button);
  gtk_widget_class_bind_template_child (widget_class, ScmServerStatus, server_switch);
  gtk_widget_class_bind_template_callback (widget_class, switch_state_set_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);
  gtk_widget_class_set_css_name (widget_class, "scm-server-status");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
scm_server_status_init (ScmServerStatus *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sync_state (self);
}
