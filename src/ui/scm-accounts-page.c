/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-accounts-page.h"

struct _ScmAccountsPage
{
  ScmListPage parent_instance;
};

G_DEFINE_FINAL_TYPE (ScmAccountsPage, scm_accounts_page, SCM_TYPE_LIST_PAGE)

static GPtrArray *
load_accounts (ScmStore  *store,
               GError   **error)
{
  return scm_store_list_accounts (store, 0, error);
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
scm_accounts_page_class_init (ScmAccountsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ScmListPageClass *page_class = SCM_LIST_PAGE_CLASS (klass);

  page_class->item_type = SCM_TYPE_ACCOUNT;
  page_class->load = load_accounts;
  page_class->dup_title = dup_title;

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
