/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-accounts-page.h"
#include "scm-form-create-dialog.h"
#include "scm-form-dialog.h"
#include "scm-forms-page.h"
#include "scm-window.h"

struct _ScmFormsPage
{
  ScmListPage parent_instance;
};

G_DEFINE_FINAL_TYPE (ScmFormsPage, scm_forms_page, SCM_TYPE_LIST_PAGE)

static GPtrArray *
load_forms (ScmStore  *store,
            GError   **error)
{
  return scm_store_list_forms (store, error);
}

static gboolean
delete_form (ScmStore  *store,
             gpointer   item,
             GError   **error)
{
  return scm_store_delete_form (store, scm_form_get_id (item), error);
}

static const char *
authentication_label (ScmAuthentication authentication)
{
  return authentication == SCM_AUTHENTICATION_SECRET_ID ? _("Secret ID") : _("Email Confirmation");
}

static char *
authentication_text (ScmForm     *form,
                     ScmListPage *page)
{
  return g_strdup (authentication_label (scm_form_get_authentication (form)));
}

static char *
enabled_text (ScmForm     *form,
              ScmListPage *page)
{
  return g_strdup (scm_form_get_enabled (form) ? _("Enabled") : _("Disabled"));
}

static char *
search_text (ScmForm     *form,
             ScmListPage *page)
{
  return g_strjoin ("\n", scm_form_get_name (form), scm_form_get_uri_extension (form),
                    authentication_label (scm_form_get_authentication (form)), NULL);
}

static char *
dup_title (ScmListPage *page,
           gpointer     item)
{
  return g_strdup (scm_form_get_name (item));
}

static void
saved_cb (ScmFormsPage *self,
          ScmForm      *form)
{
  g_autofree char *toast = g_strdup_printf (_("Form “%s” saved"), scm_form_get_name (form));

  scm_list_page_saved (SCM_LIST_PAGE (self), toast);
}

static void
open_dialog (ScmListPage *page,
             ScmForm     *form)
{
  ScmFormDialog *dialog;

  dialog = scm_form_dialog_new (scm_list_page_get_window (page),
                                scm_list_page_get_authority (page),
                                scm_list_page_get_index (page),
                                scm_list_page_get_items (page),
                                form);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (saved_cb), page, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
created_cb (ScmFormsPage *self,
            ScmForm      *form)
{
  ScmListPage *page = SCM_LIST_PAGE (self);
  g_autofree char *toast = g_strdup_printf (_("Form “%s” created"), scm_form_get_name (form));

  scm_list_page_saved (page, toast);
  /* As in SCM: the new form's tabs come next, with its URL. */
  open_dialog (page, form);
}

static void
add_form (ScmListPage *page)
{
  ScmFormCreateDialog *dialog;

  dialog = scm_form_create_dialog_new (scm_list_page_get_window (page),
                                       scm_list_page_get_authority (page),
                                       scm_list_page_get_items (page));
  g_signal_connect_object (dialog, "created", G_CALLBACK (created_cb), page, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
edit_form (ScmListPage *page,
           gpointer     item)
{
  open_dialog (page, item);
}

static ScmForm *
get_selected_form (ScmFormsPage *self)
{
  GtkSelectionModel *model = gtk_column_view_get_model (scm_list_page_get_column_view (SCM_LIST_PAGE (self)));

  if (!GTK_IS_SINGLE_SELECTION (model))
    return NULL;
  return gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (model));
}

static void
show_accounts_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ScmFormsPage *self = SCM_FORMS_PAGE (widget);
  GtkWindow *window = scm_list_page_get_window (SCM_LIST_PAGE (self));
  ScmForm *form = get_selected_form (self);
  GtkWidget *accounts;

  if (form == NULL || !SCM_IS_WINDOW (window))
    return;
  accounts = gtk_stack_get_child_by_name (scm_window_get_stack (SCM_WINDOW (window)), "accounts");
  if (!SCM_IS_ACCOUNTS_PAGE (accounts))
    return;
  scm_accounts_page_show_form (SCM_ACCOUNTS_PAGE (accounts), form);
  scm_window_set_visible_page (SCM_WINDOW (window), "accounts");
}

static void
selection_changed_cb (ScmFormsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "form.show-accounts", get_selected_form (self) != NULL);
}

/* The base page's row menu has Edit and Delete; a form's accounts are
 * one more entry, in a section of their own. */
static void
add_menu_section (ScmFormsPage *self)
{
  g_autoptr (GMenu) section = g_menu_new ();

  g_menu_append (section, _("_Accounts"), "form.show-accounts");
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      {
        GMenuModel *menu = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (child));

        if (G_IS_MENU (menu))
          g_menu_append_section (G_MENU (menu), NULL, G_MENU_MODEL (section));
      }
}

static void
scm_forms_page_class_init (ScmFormsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ScmListPageClass *page_class = SCM_LIST_PAGE_CLASS (klass);

  page_class->item_type = SCM_TYPE_FORM;
  page_class->load = load_forms;
  page_class->delete_item = delete_form;
  page_class->add = add_form;
  page_class->edit = edit_form;
  page_class->dup_title = dup_title;
  page_class->delete_heading = N_("Delete Enrollment Form?");
  page_class->delete_body = N_("The enrollment endpoint URL of %s stops working. A form with accounts or certificates cannot be deleted.");
  page_class->deleted_toast = N_("Form “%s” deleted");

  /* The template only sets ScmListPage's properties: no children to
   * dispose (and GTK 4.8's gtk_widget_dispose_template() of a subclass
   * would drop the parent class's template children unparented). */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-forms-page.ui");

  gtk_widget_class_install_action (widget_class, "form.show-accounts", NULL, show_accounts_activated);
}

static void
scm_forms_page_init (ScmFormsPage *self)
{
  ScmListPage *page = SCM_LIST_PAGE (self);

  gtk_widget_init_template (GTK_WIDGET (self));

  scm_list_page_add_column (page, _("Name"),
                            gtk_property_expression_new (SCM_TYPE_FORM, NULL, "name"),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Authentication"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) authentication_text),
                            NULL, FALSE);
  scm_list_page_add_column (page, _("URI Extension"),
                            gtk_property_expression_new (SCM_TYPE_FORM, NULL, "uri-extension"),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Status"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) enabled_text),
                            NULL, FALSE);
  scm_list_page_set_search_expression (page,
                                       scm_list_page_text_expression (page, (ScmListPageTextFunc) search_text));

  add_menu_section (self);
  g_signal_connect_object (gtk_column_view_get_model (scm_list_page_get_column_view (page)),
                           "selection-changed", G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  selection_changed_cb (self);
}
