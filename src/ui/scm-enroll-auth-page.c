/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-enroll-auth-page.h"
#include "scm-enroll-util.h"
#include "scm-secret.h"

struct _ScmEnrollAuthPage
{
  AdwBin parent_instance;

  ScmEnrollmentClient *client;
  GCancellable *cancellable;
  gboolean email_mode;        /* Email Confirmation, else Secret ID */
  char *confirmation_id;      /* of the last code mailed */
  char *sent_to;              /* where it went */
  gboolean busy;

  GtkLabel *error_label;
  AdwPreferencesGroup *group;
  AdwEntryRow *email_row;
  AdwPasswordEntryRow *secret_row;
  AdwEntryRow *code_row;
  GtkLabel *sent_label;
  GtkWidget *send_button;
  GtkWidget *sign_in_button;
  GtkSpinner *spinner;
};

G_DEFINE_FINAL_TYPE (ScmEnrollAuthPage, scm_enroll_auth_page, ADW_TYPE_BIN)

enum {
  SIGNAL_SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
get_text (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

/* The email the code went to is still the one typed: otherwise the code
 * row means nothing and a new code must be sent. */
static gboolean
code_is_current (ScmEnrollAuthPage *self)
{
  return self->confirmation_id != NULL && g_strcmp0 (self->sent_to, get_text (self->email_row)) == 0;
}

static void
update (ScmEnrollAuthPage *self)
{
  gboolean has_email = *get_text (self->email_row) != '\0';
  gboolean sent = self->email_mode && code_is_current (self);
  gboolean can_sign_in;

  gtk_widget_set_visible (GTK_WIDGET (self->secret_row), !self->email_mode);
  gtk_widget_set_visible (GTK_WIDGET (self->code_row), sent);
  gtk_widget_set_visible (GTK_WIDGET (self->sent_label), sent);
  gtk_widget_set_visible (self->send_button, self->email_mode && !sent);
  gtk_widget_set_visible (self->sign_in_button, !self->email_mode || sent);

  if (self->email_mode)
    can_sign_in = sent && *get_text (self->code_row) != '\0';
  else
    can_sign_in = has_email && *get_text (self->secret_row) != '\0';
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "auth.send-code",
                                 !self->busy && self->email_mode && has_email);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "auth.resend",
                                 !self->busy && sent);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "auth.sign-in", !self->busy && can_sign_in);
}

static void
set_busy (ScmEnrollAuthPage *self,
          gboolean           busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  update (self);
}

static void
fields_changed_cb (ScmEnrollAuthPage *self)
{
  update (self);
}

static void
show_client_error (ScmEnrollAuthPage *self,
                   GError            *error)
{
  g_autofree char *message = NULL;

  if (g_error_matches (error, SCM_ENROLLMENT_CLIENT_ERROR,
                       SCM_ENROLLMENT_CLIENT_ERROR_CREDENTIALS_REFUSED))
    {
      gint64 expires_at = scm_enrollment_client_get_code_expires_at (self->client);

      /* The server refuses every bad code alike; an old one we can name. */
      if (self->email_mode && expires_at != 0 && g_get_real_time () >= expires_at)
        message = g_strdup (_("The code has expired. Press Resend to get a new one by email."));
      else if (self->email_mode)
        message = g_strdup (_("The code was not accepted. Check that you typed the code of the "
                              "newest email, or press Resend to get a new one."));
      else
        message = g_strdup (_("The email address or the Secret ID was not accepted. Check both "
                              "and try again."));
    }
  else
    message = scm_enroll_describe_error (error, self->client);
  scm_enroll_show_error (self->error_label, message);
}

static void
code_sent_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScmEnrollAuthPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  const char *email = get_text (self->email_row);

  id = scm_enrollment_client_request_confirmation_finish (SCM_ENROLLMENT_CLIENT (source), result,
                                                          &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (id == NULL)
    {
      set_busy (self, FALSE);
      show_client_error (self, error);
      return;
    }
  g_free (self->confirmation_id);
  self->confirmation_id = g_steal_pointer (&id);
  g_free (self->sent_to);
  self->sent_to = g_strdup (email);
  {
    gint64 expires_at = scm_enrollment_client_get_code_expires_at (self->client);
    guint minutes = expires_at > 0 ? (guint) ((expires_at - g_get_real_time ()) / G_USEC_PER_SEC + 59) / 60
                                   : 0;

    if (minutes > 0)
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "If %s may enroll here, a code is on its way to it. It "
                                           "works for %u minute; Resend sends a new one.",
                                           "If %s may enroll here, a code is on its way to it. It "
                                           "works for %u minutes; Resend sends a new one.",
                                           minutes),
                              email, minutes);
    else
      text = g_strdup_printf (_("If %s may enroll here, a code is on its way to it. Resend sends "
                                "a new one."), email);
  }
  gtk_label_set_text (self->sent_label, text);
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  set_busy (self, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
}

static void
send_code_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ScmEnrollAuthPage *self = SCM_ENROLL_AUTH_PAGE (widget);

  if (self->busy || self->client == NULL)
    return;
  scm_enroll_show_error (self->error_label, NULL);
  set_busy (self, TRUE);
  scm_enrollment_client_request_confirmation_async (self->client, get_text (self->email_row),
                                                    self->cancellable, code_sent_cb,
                                                    g_object_ref (self));
}

static void
signed_in_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ScmEnrollAuthPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) session = NULL;

  session = scm_enrollment_client_create_session_finish (SCM_ENROLLMENT_CLIENT (source), result,
                                                         &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (session == NULL)
    {
      show_client_error (self, error);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0, session,
                 self->email_mode ? NULL : get_text (self->secret_row));
}

static void
sign_in_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ScmEnrollAuthPage *self = SCM_ENROLL_AUTH_PAGE (widget);
  g_autofree char *code = NULL;

  if (self->busy || self->client == NULL)
    return;
  scm_enroll_show_error (self->error_label, NULL);
  set_busy (self, TRUE);
  if (self->email_mode)
    {
      /* People copy codes with spaces around them. */
      code = g_strstrip (g_strdup (get_text (self->code_row)));
      scm_enrollment_client_create_session_email_async (self->client, self->confirmation_id,
                                                        code, self->cancellable, signed_in_cb,
                                                        g_object_ref (self));
    }
  else
    scm_enrollment_client_create_session_secret_id_async (self->client, get_text (self->email_row),
                                                          get_text (self->secret_row),
                                                          self->cancellable, signed_in_cb,
                                                          g_object_ref (self));
}

static void
email_activated_cb (ScmEnrollAuthPage *self)
{
  if (self->email_mode && !code_is_current (self))
    gtk_widget_activate_action (GTK_WIDGET (self), "auth.send-code", NULL);
  else if (self->email_mode)
    gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->secret_row));
}

static void
sign_in_activated_cb (ScmEnrollAuthPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "auth.sign-in", NULL);
}

static void
scm_enroll_auth_page_dispose (GObject *object)
{
  ScmEnrollAuthPage *self = SCM_ENROLL_AUTH_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_ENROLL_AUTH_PAGE);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (scm_enroll_auth_page_parent_class)->dispose (object);
}

static void
scm_enroll_auth_page_finalize (GObject *object)
{
  ScmEnrollAuthPage *self = SCM_ENROLL_AUTH_PAGE (object);

  g_free (self->confirmation_id);
  g_free (self->sent_to);

  G_OBJECT_CLASS (scm_enroll_auth_page_parent_class)->finalize (object);
}

static void
scm_enroll_auth_page_class_init (ScmEnrollAuthPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_enroll_auth_page_dispose;
  object_class->finalize = scm_enroll_auth_page_finalize;

  signals[SIGNAL_SIGNED_IN] =
    g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, JSON_TYPE_OBJECT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/ScmEnroll/ui/scm-enroll-auth-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ScmEnrollAuthPage, name)
  BIND (error_label);
  BIND (group);
  BIND (email_row);
  BIND (secret_row);
  BIND (code_row);
  BIND (sent_label);
  BIND (send_button);
  BIND (sign_in_button);
  BIND (spinner);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, fields_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, email_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_activated_cb);
  gtk_widget_class_install_action (widget_class, "auth.send-code", NULL, send_code_activated);
  gtk_widget_class_install_action (widget_class, "auth.resend", NULL, send_code_activated);
  gtk_widget_class_install_action (widget_class, "auth.sign-in", NULL, sign_in_activated);
}

static void
scm_enroll_auth_page_init (ScmEnrollAuthPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

void
scm_enroll_auth_page_start (ScmEnrollAuthPage   *self,
                            ScmEnrollmentClient *client,
                            JsonObject          *form,
                            GCancellable        *cancellable)
{
  g_return_if_fail (SCM_IS_ENROLL_AUTH_PAGE (self));
  g_return_if_fail (SCM_IS_ENROLLMENT_CLIENT (client));

  g_set_object (&self->client, client);
  g_set_object (&self->cancellable, cancellable);
  self->email_mode = g_strcmp0 (scm_enroll_json_string (form, "authentication"),
                                "email-confirmation") == 0;
  g_clear_pointer (&self->confirmation_id, g_free);
  g_clear_pointer (&self->sent_to, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->secret_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  adw_preferences_group_set_description (self->group,
                                         self->email_mode
                                         ? _("Enter your email address. A code to sign in with "
                                             "will be sent to it.")
                                         : _("Enter your email address and the Secret ID your "
                                             "administrator gave you."));
  scm_enroll_show_error (self->error_label, NULL);
  set_busy (self, FALSE);
}

const char *
scm_enroll_auth_page_get_email (ScmEnrollAuthPage *self)
{
  g_return_val_if_fail (SCM_IS_ENROLL_AUTH_PAGE (self), NULL);

  return get_text (self->email_row);
}

void
scm_enroll_auth_page_show_error (ScmEnrollAuthPage *self,
                                 const char        *message)
{
  g_return_if_fail (SCM_IS_ENROLL_AUTH_PAGE (self));

  scm_enroll_show_error (self->error_label, message);
}
