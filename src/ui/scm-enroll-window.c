/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-enroll-account-page.h"
#include "scm-enroll-auth-page.h"
#include "scm-enroll-done-page.h"
#include "scm-enroll-endpoint-page.h"
#include "scm-enroll-issue.h"
#include "scm-enroll-renew-page.h"
#include "scm-enroll-request-page.h"
#include "scm-enroll-util.h"
#include "scm-enroll-window.h"
#include "scm-enrollment-client.h"

struct _ScmEnrollWindow
{
  AdwApplicationWindow parent_instance;

  GCancellable *cancellable;        /* everything; cancelled on close */
  GCancellable *issue_cancellable;  /* the request in progress; Cancel */
  gulong issue_handler;             /* links it to the window's */
  ScmEnrollmentClient *client;
  char *email;
  gint64 account_id;
  gboolean renewing;                /* the progress and done steps are a renewal's */

  AdwWindowTitle *window_title;
  GtkWidget *form_box;
  GtkLabel *form_name_label;
  GtkLabel *help_label;
  GtkLabel *contact_label;
  GtkLinkButton *help_link;
  GtkStack *stack;
  ScmEnrollEndpointPage *endpoint_page;
  ScmEnrollAuthPage *auth_page;
  ScmEnrollAccountPage *account_page;
  ScmEnrollRequestPage *request_page;
  ScmEnrollRenewPage *renew_page;
  GtkSpinner *progress_spinner;
  GtkLabel *progress_label;
  ScmEnrollDonePage *done_page;
};

G_DEFINE_FINAL_TYPE (ScmEnrollWindow, scm_enroll_window, ADW_TYPE_APPLICATION_WINDOW)

static const struct
{
  const char *name;
  const char *previous;
} steps[] = {
  { "endpoint", NULL },
  { "authenticate", "endpoint" },
  { "account", "authenticate" },
  { "request", "account" },
  { "progress", NULL },
  { "done", NULL },
};

/* Renewal is a path of its own: endpoint → renew → progress → done. */

static void
show_step (ScmEnrollWindow *self,
           const char      *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
}

static void
step_changed_cb (ScmEnrollWindow *self)
{
  const char *step = scm_enroll_window_get_step (self);
  g_autofree char *subtitle = NULL;
  gboolean can_go_back = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (g_strcmp0 (step, steps[i].name) == 0)
      {
        GtkStackPage *page = gtk_stack_get_page (self->stack,
                                                 gtk_stack_get_visible_child (self->stack));

        can_go_back = steps[i].previous != NULL;
        /* Translators: "Step 2 of 6: Sign In" */
        subtitle = g_strdup_printf (_("Step %u of %u: %s"), i + 1, (guint) G_N_ELEMENTS (steps),
                                    gtk_stack_page_get_title (page));
      }
  if (g_strcmp0 (step, "renew") == 0 || (self->renewing && g_strcmp0 (step, "endpoint") != 0))
    {
      GtkStackPage *page = gtk_stack_get_page (self->stack,
                                               gtk_stack_get_visible_child (self->stack));

      can_go_back = g_strcmp0 (step, "renew") == 0;
      g_free (subtitle);
      /* Translators: "Renewal: Progress" */
      subtitle = g_strdup_printf (_("Renewal: %s"), gtk_stack_page_get_title (page));
    }
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "enroll.back", can_go_back);
  gtk_widget_set_visible (self->form_box, g_strcmp0 (step, "endpoint") != 0);
  gtk_spinner_set_spinning (self->progress_spinner, g_strcmp0 (step, "progress") == 0);
}

/* The form's name, help and contact, shown from the second step on. */
static void
show_form (ScmEnrollWindow *self,
           JsonObject      *form)
{
  JsonObject *help = NULL;
  const char *text;
  const char *link_text;
  const char *link_url;
  const char *contact = scm_enroll_json_string (form, "contact");
  g_autofree char *contact_text = NULL;

  if (json_object_has_member (form, "help")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (form, "help")))
    help = json_object_get_object_member (form, "help");
  text = scm_enroll_json_string (help, "text");
  link_text = scm_enroll_json_string (help, "link_text");
  link_url = scm_enroll_json_string (help, "link_url");

  gtk_label_set_text (self->form_name_label, scm_enroll_json_string (form, "name"));
  gtk_label_set_text (self->help_label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->help_label), text != NULL && *text != '\0');
  if (contact != NULL && *contact != '\0')
    contact_text = g_strdup_printf (_("Questions? Contact %s."), contact);
  gtk_label_set_text (self->contact_label, contact_text != NULL ? contact_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->contact_label), contact_text != NULL);

  /* Only web links: a form's link must not start other programs. */
  if (link_url != NULL && (g_str_has_prefix (link_url, "https://")
                           || g_str_has_prefix (link_url, "http://")))
    {
      gtk_link_button_set_uri (self->help_link, link_url);
      gtk_button_set_label (GTK_BUTTON (self->help_link),
                            link_text != NULL && *link_text != '\0' ? link_text : link_url);
      gtk_widget_set_visible (GTK_WIDGET (self->help_link), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->help_link), FALSE);
}

static void
connected_cb (ScmEnrollWindow     *self,
              ScmEnrollmentClient *client,
              JsonObject          *form)
{
  g_set_object (&self->client, client);
  self->renewing = FALSE;
  show_form (self, form);
  scm_enroll_auth_page_start (self->auth_page, client, form, self->cancellable);
  show_step (self, "authenticate");
}

static void
renew_cb (ScmEnrollWindow     *self,
          ScmEnrollmentClient *client,
          JsonObject          *form)
{
  g_set_object (&self->client, client);
  show_form (self, form);
  self->renewing = TRUE;
  scm_enroll_renew_page_start (self->renew_page, self->cancellable);
  show_step (self, "renew");
}

static void
signed_in_cb (ScmEnrollWindow *self,
              JsonObject      *session,
              const char      *secret_id)
{
  JsonObject *person = NULL;
  const char *email;

  if (json_object_has_member (session, "person")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (session, "person")))
    person = json_object_get_object_member (session, "person");
  email = scm_enroll_json_string (person, "email");
  g_free (self->email);
  self->email = g_strdup (email != NULL ? email : scm_enroll_auth_page_get_email (self->auth_page));
  scm_enroll_account_page_start (self->account_page, self->client, session, secret_id,
                                 self->cancellable);
  show_step (self, "account");
}

static void
authorized_cb (ScmEnrollWindow *self,
               gint64           account_id,
               JsonObject      *authorized)
{
  self->account_id = account_id;
  scm_enroll_request_page_start (self->request_page, authorized, self->cancellable);
  show_step (self, "request");
}

static void
session_expired_cb (ScmEnrollWindow *self,
                    const char      *message)
{
  scm_enroll_auth_page_show_error (self->auth_page, message);
  show_step (self, "authenticate");
}

static void
stage_cb (ScmEnrollStage stage,
          gpointer       user_data)
{
  ScmEnrollWindow *self = user_data;

  switch (stage)
    {
    case SCM_ENROLL_STAGE_GENERATING:
      gtk_label_set_text (self->progress_label,
                          _("Making your private key on this computer…"));
      break;
    case SCM_ENROLL_STAGE_REQUESTING:
      gtk_label_set_text (self->progress_label, _("Requesting your certificate…"));
      break;
    case SCM_ENROLL_STAGE_PACKAGING:
      gtk_label_set_text (self->progress_label, _("Packaging the PKCS#12 file…"));
      break;
    default:
      break;
    }
}

static void
issued_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ScmEnrollWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  ScmEnrollResult *issued;

  issued = scm_enroll_issue_finish (result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&issued, scm_enroll_result_free);
      return;
    }
  if (issued != NULL)
    {
      scm_enroll_done_page_show (self->done_page, issued, self->email, self->cancellable);
      show_step (self, "done");
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      scm_enroll_request_page_show_error (self->request_page,
                                          _("The request was cancelled and nothing was saved. "
                                            "Press Request Certificate to start again."));
      show_step (self, "request");
      return;
    }
  message = scm_enroll_describe_error (error, self->client);
  if (g_error_matches (error, SCM_ENROLLMENT_CLIENT_ERROR,
                       SCM_ENROLLMENT_CLIENT_ERROR_SESSION_EXPIRED))
    {
      session_expired_cb (self, message);
      return;
    }
  scm_enroll_request_page_show_error (self->request_page, message);
  show_step (self, "request");
}

static void
submit_cb (ScmEnrollWindow *self)
{
  g_autoptr(ScmEnrollRequest) request = scm_enroll_request_page_dup_request (self->request_page);

  if (self->client == NULL)
    return;
  request->account_id = self->account_id;
  request->email = g_strdup (self->email);

  g_cancellable_disconnect (self->cancellable, self->issue_handler);
  g_cancellable_cancel (self->issue_cancellable);
  g_clear_object (&self->issue_cancellable);
  self->issue_cancellable = g_cancellable_new ();
  /* Closing the window cancels this one too. */
  self->issue_handler = g_cancellable_connect (self->cancellable, G_CALLBACK (g_cancellable_cancel),
                                               g_object_ref (self->issue_cancellable),
                                               g_object_unref);

  gtk_label_set_text (self->progress_label, "");
  show_step (self, "progress");
  scm_enroll_issue_async (self->client, request, stage_cb, self, self->issue_cancellable,
                          issued_cb, g_object_ref (self));
}

static void
renewed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ScmEnrollWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *email = NULL;
  ScmEnrollResult *renewed;

  renewed = scm_enroll_renew_finish (result, &email, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&renewed, scm_enroll_result_free);
      return;
    }
  if (renewed != NULL)
    {
      scm_enroll_done_page_show (self->done_page, renewed, email, self->cancellable);
      show_step (self, "done");
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    message = g_strdup (_("The renewal was cancelled and nothing was saved. Press Renew "
                          "Certificate to start again."));
  else if (error->domain == SCM_ENROLLMENT_CLIENT_ERROR
           /* A renewal's refusals say which certificate and why: no one
            * can probe accounts with a certificate they hold. */
           && !g_error_matches (error, SCM_ENROLLMENT_CLIENT_ERROR,
                                SCM_ENROLLMENT_CLIENT_ERROR_CREDENTIALS_REFUSED)
           && !g_error_matches (error, SCM_ENROLLMENT_CLIENT_ERROR,
                                SCM_ENROLLMENT_CLIENT_ERROR_NOT_ELIGIBLE))
    message = scm_enroll_describe_error (error, self->client);
  else
    message = g_strdup (error->message);
  scm_enroll_renew_page_show_error (self->renew_page, message);
  show_step (self, "renew");
}

static void
renew_submit_cb (ScmEnrollWindow *self)
{
  g_autoptr(ScmEnrollRenewal) renewal = scm_enroll_renew_page_dup_renewal (self->renew_page);

  if (self->client == NULL || renewal == NULL)
    return;

  g_cancellable_disconnect (self->cancellable, self->issue_handler);
  g_cancellable_cancel (self->issue_cancellable);
  g_clear_object (&self->issue_cancellable);
  self->issue_cancellable = g_cancellable_new ();
  self->issue_handler = g_cancellable_connect (self->cancellable, G_CALLBACK (g_cancellable_cancel),
                                               g_object_ref (self->issue_cancellable),
                                               g_object_unref);

  gtk_label_set_text (self->progress_label, "");
  show_step (self, "progress");
  scm_enroll_renew_async (self->client, renewal, stage_cb, self, self->issue_cancellable,
                          renewed_cb, g_object_ref (self));
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScmEnrollWindow *self = SCM_ENROLL_WINDOW (widget);
  const char *step = scm_enroll_window_get_step (self);

  if (g_strcmp0 (step, "renew") == 0)
    {
      self->renewing = FALSE;
      show_step (self, "endpoint");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (g_strcmp0 (step, steps[i].name) == 0 && steps[i].previous != NULL)
      show_step (self, steps[i].previous);
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  g_cancellable_cancel (SCM_ENROLL_WINDOW (widget)->issue_cancellable);
}

static gboolean
scm_enroll_window_close_request (GtkWindow *window)
{
  g_cancellable_cancel (SCM_ENROLL_WINDOW (window)->cancellable);

  return GTK_WINDOW_CLASS (scm_enroll_window_parent_class)->close_request (window);
}

static void
scm_enroll_window_dispose (GObject *object)
{
  ScmEnrollWindow *self = SCM_ENROLL_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (scm_enroll_window_parent_class)->dispose (object);
}

static void
scm_enroll_window_finalize (GObject *object)
{
  ScmEnrollWindow *self = SCM_ENROLL_WINDOW (object);

  g_cancellable_disconnect (self->cancellable, self->issue_handler);
  g_clear_object (&self->issue_cancellable);
  g_clear_object (&self->cancellable);
  g_free (self->email);

  G_OBJECT_CLASS (scm_enroll_window_parent_class)->finalize (object);
}

static void
scm_enroll_window_class_init (ScmEnrollWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = scm_enroll_window_dispose;
  object_class->finalize = scm_enroll_window_finalize;
  window_class->close_request = scm_enroll_window_close_request;

  g_type_ensure (SCM_TYPE_ENROLL_ENDPOINT_PAGE);
  g_type_ensure (SCM_TYPE_ENROLL_AUTH_PAGE);
  g_type_ensure (SCM_TYPE_ENROLL_ACCOUNT_PAGE);
  g_type_ensure (SCM_TYPE_ENROLL_REQUEST_PAGE);
  g_type_ensure (SCM_TYPE_ENROLL_DONE_PAGE);
  g_type_ensure (SCM_TYPE_ENROLL_RENEW_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/ScmEnroll/ui/scm-enroll-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ScmEnrollWindow, name)
  BIND (window_title);
  BIND (form_box);
  BIND (form_name_label);
  BIND (help_label);
  BIND (contact_label);
  BIND (help_link);
  BIND (stack);
  BIND (endpoint_page);
  BIND (auth_page);
  BIND (account_page);
  BIND (request_page);
  BIND (renew_page);
  BIND (progress_spinner);
  BIND (progress_label);
  BIND (done_page);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, step_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, connected_cb);
  gtk_widget_class_bind_template_callback (widget_class, signed_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, authorized_cb);
  gtk_widget_class_bind_template_callback (widget_class, session_expired_cb);
  gtk_widget_class_bind_template_callback (widget_class, submit_cb);
  gtk_widget_class_bind_template_callback (widget_class, renew_cb);
  gtk_widget_class_bind_template_callback (widget_class, renew_submit_cb);
  gtk_widget_class_install_action (widget_class, "enroll.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "enroll.cancel", NULL, cancel_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "enroll.back", NULL);
}

static void
scm_enroll_window_init (ScmEnrollWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->issue_cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  scm_enroll_endpoint_page_set_cancellable (self->endpoint_page, self->cancellable);
  step_changed_cb (self);
}

ScmEnrollWindow *
scm_enroll_window_new (GtkApplication *application,
                       const char     *url)
{
  ScmEnrollWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);

  self = g_object_new (SCM_TYPE_ENROLL_WINDOW, "application", application, NULL);
  if (url != NULL)
    scm_enroll_endpoint_page_set_url (self->endpoint_page, url);
  return self;
}

const char *
scm_enroll_window_get_step (ScmEnrollWindow *self)
{
  g_return_val_if_fail (SCM_IS_ENROLL_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
scm_enroll_window_save_async (ScmEnrollWindow     *self,
                              GFile               *file,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SCM_IS_ENROLL_WINDOW (self));

  scm_enroll_done_page_save_async (self->done_page, file, callback, user_data);
}

gboolean
scm_enroll_window_save_finish (ScmEnrollWindow  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (SCM_IS_ENROLL_WINDOW (self), FALSE);

  return scm_enroll_done_page_save_finish (self->done_page, result, error);
}

void
scm_enroll_window_save_ca_async (ScmEnrollWindow     *self,
                                 GFile               *file,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (SCM_IS_ENROLL_WINDOW (self));

  scm_enroll_done_page_save_ca_async (self->done_page, file, callback, user_data);
}

void
scm_enroll_window_set_renewal_file (ScmEnrollWindow *self,
                                    GFile           *file)
{
  g_return_if_fail (SCM_IS_ENROLL_WINDOW (self));

  scm_enroll_renew_page_set_file (self->renew_page, file);
}

gboolean
scm_enroll_window_save_ca_finish (ScmEnrollWindow  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (SCM_IS_ENROLL_WINDOW (self), FALSE);

  return scm_enroll_done_page_save_ca_finish (self->done_page, result, error);
}
