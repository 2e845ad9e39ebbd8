/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-accounts-page.h"
#include "scm-audit-page.h"
#include "scm-certificates-page.h"
#include "scm-domains-page.h"
#include "scm-forms-page.h"
#include "scm-organizations-page.h"
#include "scm-persons-page.h"
#include "scm-profiles-page.h"
#include "scm-server-status.h"
#include "scm-window.h"

struct _ScmWindow
{
  AdwApplicationWindow parent_instance;

  AdwLeaflet *leaflet;
  GtkStack *stack;
  AdwWindowTitle *content_title;
  GtkStack *state_stack;
  GtkSpinner *loading_spinner;
  GtkPasswordEntry *passphrase_entry;
  GtkLabel *unlock_error_label;
  AdwStatusPage *error_page;
  AdwToastOverlay *toast_overlay;
  ScmServerStatus *server_status;
};

G_DEFINE_FINAL_TYPE (ScmWindow, scm_window, ADW_TYPE_APPLICATION_WINDOW)

static void
stack_visible_child_changed_cb (ScmWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);

  if (child != NULL)
    adw_window_title_set_title (self->content_title,
                                gtk_stack_page_get_title (gtk_stack_get_page (self->stack, child)));

  /* On a narrow window the sidebar and the content are one page each:
   * choosing a page in the sidebar shows it. */
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
application_state_changed_cb (ScmWindow *self)
{
  ScmApplication *app = SCM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  const char *message;

  if (app == NULL)
    return;
  message = scm_application_get_state_message (app);

  switch (scm_application_get_state (app))
    {
    case SCM_APPLICATION_STATE_LOADING:
      gtk_stack_set_visible_child_name (self->state_stack, "loading");
      break;
    case SCM_APPLICATION_STATE_LOCKED:
      gtk_widget_set_visible (GTK_WIDGET (self->unlock_error_label), message != NULL);
      gtk_label_set_text (self->unlock_error_label, message ? message : "");
      gtk_editable_set_text (GTK_EDITABLE (self->passphrase_entry), "");
      gtk_stack_set_visible_child_name (self->state_stack, "locked");
      gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_entry));
      break;
    case SCM_APPLICATION_STATE_FAILED:
      adw_status_page_set_description (self->error_page, message);
      gtk_stack_set_visible_child_name (self->state_stack, "error");
      break;
    case SCM_APPLICATION_STATE_READY:
    default:
      gtk_stack_set_visible_child_name (self->state_stack, "main");
      break;
    }
  gtk_spinner_set_spinning (self->loading_spinner,
                            scm_application_get_state (app) == SCM_APPLICATION_STATE_LOADING);
}

static void
for_each_page (ScmWindow *self,
               void     (*func) (ScmListPage *page, gpointer data),
               gpointer   data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (SCM_IS_LIST_PAGE (child))
      func (SCM_LIST_PAGE (child), data);
}

static void
set_page_authority (ScmListPage *page,
                    gpointer     authority)
{
  scm_list_page_set_authority (page, authority);
}

static void
application_authority_changed_cb (ScmWindow *self)
{
  ScmApplication *app = SCM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (app != NULL)
    for_each_page (self, set_page_authority, scm_application_get_authority (app));
}

static void
invalidate_other_page (ScmListPage *page,
                       gpointer     changed_page)
{
  if (page != changed_page)
    scm_list_page_invalidate (page);
}

/* A change on one page may show on the others: names of organizations
 * in the persons list, and every change in the audit log. */
static void
page_changed_cb (ScmWindow   *self,
                 ScmListPage *page)
{
  for_each_page (self, invalidate_other_page, page);
}

static void
forward_to_visible_page (ScmWindow  *self,
                         const char *action_name)
{
  GtkWidget *page = gtk_stack_get_visible_child (self->stack);

  if (page == NULL || g_strcmp0 (scm_window_get_state_page (self), "main") != 0)
    return;
  /* On a narrow window the content may be behind the sidebar. */
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  gtk_widget_activate_action (page, action_name, NULL);
}

static void
add_activated (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  forward_to_visible_page (SCM_WINDOW (widget), "list.add");
}

static void
search_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  forward_to_visible_page (SCM_WINDOW (widget), "list.search");
}

static void
import_persons_activated (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  ScmWindow *self = SCM_WINDOW (widget);
  GtkWidget *page = gtk_stack_get_child_by_name (self->stack, "persons");

  if (page == NULL || g_strcmp0 (scm_window_get_state_page (self), "main") != 0)
    return;
  /* The import's persons show on the page it reloads. */
  gtk_stack_set_visible_child (self->stack, page);
  scm_persons_page_import (SCM_PERSONS_PAGE (page));
}

static void
unlock_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScmWindow *self = SCM_WINDOW (widget);
  ScmApplication *app = SCM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  const char *passphrase = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_entry));

  if (app == NULL || passphrase[0] == '\0')
    return;
  scm_application_open_data (app, passphrase);
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_entry), "");
}

static void
passphrase_activate_cb (ScmWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.unlock", NULL);
}

static void
go_back_activated (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ScmWindow *self = SCM_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
commit_page_deletes (ScmListPage *page,
                     gpointer     data)
{
  scm_list_page_commit_deletes (page);
}

static gboolean
scm_window_close_request (GtkWindow *window)
{
  /* Deletions still offering Undo are done now: closing is the user's
   * "I am finished". */
  for_each_page (SCM_WINDOW (window), commit_page_deletes, NULL);

  return GTK_WINDOW_CLASS (scm_window_parent_class)->close_request (window);
}

static void
server_state_changed_cb (ScmWindow      *self,
                         GParamSpec     *pspec,
                         ScmApplication *app)
{
  const char *error = scm_application_get_server_error (app);
  AdwToast *toast;

  if (error == NULL || !gtk_window_is_active (GTK_WINDOW (self)))
    return;
  toast = adw_toast_new (error);
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
scm_window_class_init (ScmWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  window_class->close_request = scm_window_close_request;

  g_type_ensure (SCM_TYPE_FORMS_PAGE);
  g_type_ensure (SCM_TYPE_ACCOUNTS_PAGE);
  g_type_ensure (SCM_TYPE_PERSONS_PAGE);
  g_type_ensure (SCM_TYPE_CERTIFICATES_PAGE);
  g_type_ensure (SCM_TYPE_DOMAINS_PAGE);
  g_type_ensure (SCM_TYPE_ORGANIZATIONS_PAGE);
  g_type_ensure (SCM_TYPE_PROFILES_PAGE);
  g_type_ensure (SCM_TYPE_AUDIT_PAGE);
  g_type_ensure (SCM_TYPE_SERVER_STATUS);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, state_stack);
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, passphrase_entry);
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, unlock_error_label);
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ScmWindow, server_status);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stack_visible_child_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_activated);
  gtk_widget_class_install_action (widget_class, "win.unlock", NULL, unlock_activated);
  gtk_widget_class_install_action (widget_class, "win.add", NULL, add_activated);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_install_action (widget_class, "win.import-persons", NULL,
                                   import_persons_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK,
                                       "win.import-persons", NULL);
}

/* NULL when the schema is not installed (an uninstalled build run without
 * GSETTINGS_SCHEMA_DIR): the window then simply opens at its default size,
 * where g_settings_new() would abort. */
static GSettings *
window_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, SCHEMA_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("Schema %s is not installed; the window size is not kept", SCHEMA_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static void
restore_window_state (ScmWindow *self)
{
  g_autoptr (GSettings) settings = window_settings_new ();

  if (settings == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
save_window_state_cb (GtkWindow *window)
{
  g_autoptr (GSettings) settings = window_settings_new ();
  gboolean maximized = gtk_window_is_maximized (window);
  int width;
  int height;

  if (settings == NULL)
    return FALSE;
  /* A maximized window keeps the size it had before, to return to it. */
  if (!maximized)
    {
      gtk_window_get_default_size (window, &width, &height);
      /* The schema's range: a smaller window (possible in tests) is
       * remembered at the smallest size the schema allows. */
      g_settings_set_int (settings, "window-width", CLAMP (width, 360, G_MAXINT16));
      g_settings_set_int (settings, "window-height", CLAMP (height, 294, G_MAXINT16));
    }
  g_settings_set_boolean (settings, "window-maximized", maximized);
  return FALSE;
}

static void
scm_window_init (ScmWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  restore_window_state (self);
  g_signal_connect (self, "close-request", G_CALLBACK (save_window_state_cb), NULL);
  stack_visible_child_changed_cb (self);
}

ScmWindow *
scm_window_new (ScmApplication *application)
{
  ScmWindow *self = g_object_new (SCM_TYPE_WINDOW,
                                  "application", application,
                                  NULL);

  g_signal_connect_object (application, "notify::state",
                           G_CALLBACK (application_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "notify::authority",
                           G_CALLBACK (application_authority_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "notify::server-state",
                           G_CALLBACK (server_state_changed_cb), self, G_CONNECT_SWAPPED);
  scm_server_status_set_application (self->server_status, application);
  application_state_changed_cb (self);
  application_authority_changed_cb (self);
  return self;
}

const char *
scm_window_get_state_page (ScmWindow *self)
{
  g_return_val_if_fail (SCM_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->state_stack);
}

const char *
scm_window_get_visible_page (ScmWindow *self)
{
  g_return_val_if_fail (SCM_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

void
scm_window_set_visible_page (ScmWindow  *self,
                             const char *name)
{
  g_return_if_fail (SCM_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  gtk_stack_set_visible_child_name (self->stack, name);
}

ScmServerStatus *
scm_window_get_server_status (ScmWindow *self)
{
  g_return_val_if_fail (SCM_IS_WINDOW (self), NULL);

  return self->server_status;
}

GtkStack *
scm_window_get_stack (ScmWindow *self)
{
  g_return_val_if_fail (SCM_IS_WINDOW (self), NULL);

  return self->stack;
}
