/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-enroll-account-page.h"
#include "scm-enroll-util.h"

struct _ScmEnrollAccountPage
{
  AdwBin parent_instance;

  ScmEnrollmentClient *client;
  GCancellable *cancellable;
  GPtrArray *accounts;        /* JsonObject, parallel to account_names */
  gboolean busy;

  GtkLabel *error_label;
  AdwPreferencesGroup *group;
  AdwComboRow *account_row;
  GtkStringList *account_names;
  AdwPasswordEntryRow *access_code_row;
  AdwPasswordEntryRow *secret_id_row;
  GtkSpinner *spinner;
};

G_DEFINE_FINAL_TYPE (ScmEnrollAccountPage, scm_enroll_account_page, ADW_TYPE_BIN)

enum {
  SIGNAL_AUTHORIZED,
  SIGNAL_SESSION_EXPIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static JsonObject *
get_account (ScmEnrollAccountPage *self)
{
  guint selected = adw_combo_row_get_selected (self->account_row);

  if (self->accounts == NULL || selected >= self->accounts->len)
    return NULL;
  return g_ptr_array_index (self->accounts, selected);
}

static const char *
get_authorization (ScmEnrollAccountPage *self)
{
  const char *authorization = scm_enroll_json_string (get_account (self), "authorization");

  return authorization != NULL ? authorization : "none";
}

static const char *
get_text (gpointer editable)
{
  return gtk_editable_get_text (GTK_EDITABLE (editable));
}

static void
update (ScmEnrollAccountPage *self)
{
  const char *authorization = get_authorization (self);
  gboolean needs_code = g_str_equal (authorization, "access-code");
  gboolean needs_secret = g_str_equal (authorization, "secret-id");
  gboolean ready = get_account (self) != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->access_code_row), needs_code);
  gtk_widget_set_visible (GTK_WIDGET (self->secret_id_row), needs_secret);
  if (needs_code)
    ready &= *get_text (self->access_code_row) != '\0';
  if (needs_secret)
    ready &= *get_text (self->secret_id_row) != '\0';
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "account.continue", !self->busy && ready);
}

static void
set_busy (ScmEnrollAccountPage *self,
          gboolean              busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  update (self);
}

static void
fields_changed_cb (ScmEnrollAccountPage *self)
{
  update (self);
}

static void
authorized_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ScmEnrollAccountPage) self = user_data;
  ScmEnrollmentClient *client = SCM_ENROLLMENT_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) authorized = NULL;
  g_autofree char *message = NULL;
  JsonObject *account;

  authorized = scm_enrollment_client_authorize_account_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  account = get_account (self);
  if (authorized != NULL && account != NULL)
    {
      g_signal_emit (self, signals[SIGNAL_AUTHORIZED], 0,
                     scm_enroll_json_int (account, "id", 0), authorized);
      return;
    }
  if (authorized != NULL)
    return;
  if (g_error_matches (error, SCM_ENROLLMENT_CLIENT_ERROR,
                       SCM_ENROLLMENT_CLIENT_ERROR_CREDENTIALS_REFUSED))
    message = g_strdup (g_str_equal (get_authorization (self), "secret-id")
                        ? _("The Secret ID was not accepted. Check it and try again.")
                        : _("The access code was not accepted. Check it with whoever gave it to "
                            "you and try again."));
  else
    message = scm_enroll_describe_error (error, client);
  /* Signing in is another step: the window takes the person back there. */
  if (g_error_matches (error, SCM_ENROLLMENT_CLIENT_ERROR,
                       SCM_ENROLLMENT_CLIENT_ERROR_SESSION_EXPIRED))
    {
      g_signal_emit (self, signals[SIGNAL_SESSION_EXPIRED], 0, message);
      return;
    }
  scm_enroll_show_error (self->error_label, message);
}

static void
continue_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ScmEnrollAccountPage *self = SCM_ENROLL_ACCOUNT_PAGE (widget);
  JsonObject *account = get_account (self);
  const char *authorization = get_authorization (self);
  g_autofree char *code = NULL;
  g_autofree char *secret = NULL;

  if (self->busy || account == NULL || self->client == NULL)
    return;
  if (g_str_equal (authorization, "access-code"))
    code = g_strstrip (g_strdup (get_text (self->access_code_row)));
  else if (g_str_equal (authorization, "secret-id"))
    secret = g_strstrip (g_strdup (get_text (self->secret_id_row)));
  scm_enroll_show_error (self->error_label, NULL);
  set_busy (self, TRUE);
  scm_enrollment_client_authorize_account_async (self->client,
                                                 scm_enroll_json_int (account, "id", 0),
                                                 code, secret, self->cancellable, authorized_cb,
                                                 g_object_ref (self));
}

static void
entry_activated_cb (ScmEnrollAccountPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "account.continue", NULL);
}

static void
scm_enroll_account_page_dispose (GObject *object)
{
  ScmEnrollAccountPage *self = SCM_ENROLL_ACCOUNT_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SCM_TYPE_ENROLL_ACCOUNT_PAGE);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);

  G_OBJECT_CLASS (scm_enroll_account_page_parent_class)->dispose (object);
}

static void
scm_enroll_account_page_class_init (ScmEnrollAccountPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scm_enroll_account_page_dispose;

  signals[SIGNAL_AUTHORIZED] =
    g_signal_new ("authorized", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT64, JSON_TYPE_OBJECT);
  signals[SIGNAL_SESSION_EXPIRED] =
    g_signal_new ("session-expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/ScmEnroll/ui/scm-enroll-account-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, ScmEnrollAccountPage, name)
  BIND (error_label);
  BIND (group);
  BIND (account_row);
  BIND (account_names);
  BIND (access_code_row);
  BIND (secret_id_row);
  BIND (spinner);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, fields_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_install_action (widget_class, "account.continue", NULL, continue_activated);
}

static void
scm_enroll_account_page_init (ScmEnrollAccountPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

void
scm_enroll_account_page_start (ScmEnrollAccountPage *self,
                               ScmEnrollmentClient  *client,
                               JsonObject           *session,
                               const char           *secret_id,
                               GCancellable         *cancellable)
{
  JsonArray *accounts = scm_enroll_json_array (session, "accounts");
  JsonObject *person = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree char *description = NULL;
  const char *name;
  const char *email;

  g_return_if_fail (SCM_IS_ENROLL_ACCOUNT_PAGE (self));
  g_return_if_fail (SCM_IS_ENROLLMENT_CLIENT (client));

  g_set_object (&self->client, client);
  g_set_object (&self->cancellable, cancellable);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  self->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; accounts != NULL && i < json_array_get_length (accounts); i++)
    {
      JsonNode *node = json_array_get_element (accounts, i);
      JsonObject *account;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      account = json_node_get_object (node);
      name = scm_enroll_json_string (account, "name");
      g_ptr_array_add (self->accounts, json_object_ref (account));
      g_ptr_array_add (names, (char *) (name != NULL ? name : "?"));
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->account_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->account_names)),
                          (const char *const *) names->pdata);
  adw_combo_row_set_selected (self->account_row, 0);

  if (json_object_has_member (session, "person")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (session, "person")))
    person = json_object_get_object_member (session, "person");
  name = scm_enroll_json_string (person, "name");
  email = scm_enroll_json_string (person, "email");
  if (email == NULL)
    email = "";
  if (self->accounts->len == 0)
    description = g_strdup (_("This form offers you no account. Ask your administrator which "
                              "form to use."));
  else if (name != NULL && *name != '\0')
    description = g_strdup_printf (_("Signed in as %s (%s). Choose the account to enroll with."),
                                   name, email);
  else
    description = g_strdup_printf (_("Signed in as %s. Choose the account to enroll with."),
                                   email);
  adw_preferences_group_set_description (self->group, description);

  gtk_editable_set_text (GTK_EDITABLE (self->access_code_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->secret_id_row), secret_id != NULL ? secret_id : "");
  scm_enroll_show_error (self->error_label, NULL);
  set_busy (self, FALSE);
}

void
scm_enroll_account_page_show_error (ScmEnrollAccountPage *self,
                                    const char           *message)
{
  g_return_if_fail (SCM_IS_ENROLL_ACCOUNT_PAGE (self));

  scm_enroll_show_error (self->error_label, message);
}
