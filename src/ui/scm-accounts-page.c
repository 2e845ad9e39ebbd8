/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-account-dialog.h"
#include "scm-accounts-page.h"

struct _ScmAccountsPage
{
  ScmListPage parent_instance;

  gint64 shown_form_id;            /* the form whose accounts were asked for */
  char *shown_form_name;
};

G_DEFINE_FINAL_TYPE (ScmAccountsPage, scm_accounts_page, SCM_TYPE_LIST_PAGE)

static GPtrArray *
load_accounts (ScmStore  *store,
               GError   **error)
{
  return scm_store_list_accounts (store, 0, error);
}

static gboolean
delete_account (ScmStore  *store,
                gpointer   item,
                GError   **error)
{
  return scm_store_delete_account (store, scm_account_get_id (item), error);
}

static char *
form_text (ScmAccount  *account,
           ScmListPage *page)
{
  return g_strdup (scm_list_index_get_form_name (scm_list_page_get_index (page),
                                                 scm_account_get_form_id (account)));
}

static char *
organization_text (ScmAccount  *account,
                   ScmListPage *page)
{
  ScmListIndex *index = scm_list_page_get_index (page);
  const char *organization = scm_list_index_get_organization_name (index,
                                                                   scm_account_get_organization_id (account));

  if (scm_account_get_department_id (account) == 0)
    return g_strdup (organization);
  /* Translators: an organization and one of its departments. */
  return g_strdup_printf (_("%s / %s"), organization,
                          scm_list_index_get_department_name (index, scm_account_get_department_id (account)));
}

static const char *
authorization_label (ScmAuthorization authorization)
{
  switch (authorization)
    {
    case SCM_AUTHORIZATION_ACCESS_CODE:
      return _("Access Code");
    case SCM_AUTHORIZATION_SECRET_ID:
      return _("Secret ID");
    case SCM_AUTHORIZATION_NONE:
    default:
      return _("None");
    }
}

static char *
authorization_text (ScmAccount  *account,
                    ScmListPage *page)
{
  return g_strdup (authorization_label (scm_account_get_authorization (account)));
}

static char *
search_text (ScmAccount  *account,
             ScmListPage *page)
{
  g_autofree char *form = form_text (account, page);
  g_autofree char *organization = organization_text (account, page);

  return g_strjoin ("\n", form, scm_account_get_name (account), organization, NULL);
}

static char *
dup_title (ScmListPage *page,
           gpointer     item)
{
  return g_strdup (scm_account_get_name (item));
}

static void
saved_cb (ScmAccountsPage *self,
          ScmAccount      *account)
{
  g_autofree char *toast = g_strdup_printf (_("Account “%s” saved"), scm_account_get_name (account));

  scm_list_page_saved (SCM_LIST_PAGE (self), toast);
}

static void
open_dialog (ScmListPage *page,
             ScmAccount  *account)
{
  ScmAccountsPage *self = SCM_ACCOUNTS_PAGE (page);
  const char *search = gtk_editable_get_text (scm_list_page_get_search_entry (page));
  ScmAccountDialog *dialog;
  gint64 form_id = 0;

  /* Still looking at one form's accounts: a new one is for that form. */
  if (self->shown_form_name != NULL && g_strcmp0 (search, self->shown_form_name) == 0)
    form_id = self->shown_form_id;
  dialog = scm_account_dialog_new (scm_list_page_get_window (page),
                                   scm_list_page_get_authority (page),
                                   scm_list_page_get_index (page),
                                   scm_list_page_get_items (page),
                                   account, form_id);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (saved_cb), page, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_account (ScmListPage *page)
{
  open_dialog (page, NULL);
}

static void
edit_account (ScmListPage *page,
              gpointer     item)
{
  open_dialog (page, item);
}

static void
scm_accounts_page_finalize (GObject *object)
{
  ScmAccountsPage *self = SCM_ACCOUNTS_PAGE (object);

  g_clear_pointer (&self->shown_form_name, g_free);

  G_OBJECT_CLASS (scm_accounts_page_parent_class)->finalize (object);
}

static void
scm_accounts_page_class_init (ScmAccountsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ScmListPageClass *page_class = SCM_LIST_PAGE_CLASS (klass);
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = scm_accounts_page_finalize;

  page_class->item_type = SCM_TYPE_ACCOUNT;
  page_class->load = load_accounts;
  page_class->delete_item = delete_account;
  page_class->add = add_account;
  page_class->edit = edit_account;
  page_class->dup_title = dup_title;
  page_class->delete_heading = N_("Delete Account?");
  page_class->delete_body = N_("People can no longer enroll through %s. An account with certificates cannot be deleted.");
  page_class->deleted_toast = N_("Account “%s” deleted");

  /* The template only sets ScmListPage's properties: no children to
   * dispose (and GTK 4.8's gtk_widget_dispose_template() of a subclass
   * would drop the parent class's template children unparented). */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-accounts-page.ui");
}

static void
scm_accounts_page_init (ScmAccountsPage *self)
{
  ScmListPage *page = SCM_LIST_PAGE (self);

  gtk_widget_init_template (GTK_WIDGET (self));

  scm_list_page_add_column (page, _("Form"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) form_text),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Name"),
                            gtk_property_expression_new (SCM_TYPE_ACCOUNT, NULL, "name"),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Organization"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) organization_text),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Authorization"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) authorization_text),
                            NULL, FALSE);
  scm_list_page_set_search_expression (page,
                                       scm_list_page_text_expression (page, (ScmListPageTextFunc) search_text));
}

void
scm_accounts_page_show_form (ScmAccountsPage *self,
                             ScmForm         *form)
{
  g_return_if_fail (SCM_IS_ACCOUNTS_PAGE (self));
  g_return_if_fail (SCM_IS_FORM (form));

  self->shown_form_id = scm_form_get_id (form);
  g_free (self->shown_form_name);
  self->shown_form_name = g_strdup (scm_form_get_name (form));
  gtk_editable_set_text (scm_list_page_get_search_entry (SCM_LIST_PAGE (self)), self->shown_form_name);
}
