/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-domain-dialog.h"
#include "scm-domains-page.h"

struct _ScmDomainsPage
{
  ScmListPage parent_instance;
};

G_DEFINE_FINAL_TYPE (ScmDomainsPage, scm_domains_page, SCM_TYPE_LIST_PAGE)

static GPtrArray *
load_domains (ScmStore  *store,
              GError   **error)
{
  return scm_store_list_domains (store, 0, error);
}

static gboolean
delete_domain (ScmStore  *store,
               gpointer   item,
               GError   **error)
{
  return scm_store_delete_domain (store, scm_domain_get_id (item), error);
}

static char *
delegated_to_text (ScmDomain   *domain,
                   ScmListPage *page)
{
  ScmListIndex *index = scm_list_page_get_index (page);
  const char *organization = scm_list_index_get_organization_name (index,
                                                                   scm_domain_get_organization_id (domain));

  if (scm_domain_get_department_id (domain) == 0)
    return g_strdup (organization);
  /* Translators: an organization and one of its departments. */
  return g_strdup_printf (_("%s / %s"), organization,
                          scm_list_index_get_department_name (index, scm_domain_get_department_id (domain)));
}

static char *
status_text (ScmDomain   *domain,
             ScmListPage *page)
{
  return g_strdup (scm_domain_get_validated (domain) ? _("Validated") : _("Pending validation"));
}

static char *
search_text (ScmDomain   *domain,
             ScmListPage *page)
{
  g_autofree char *delegated_to = delegated_to_text (domain, page);

  return g_strjoin ("\n", scm_domain_get_name (domain), delegated_to, NULL);
}

static char *
dup_title (ScmListPage *page,
           gpointer     item)
{
  return g_strdup (scm_domain_get_name (item));
}

static void
saved_cb (ScmDomainsPage *self,
          ScmDomain      *domain)
{
  g_autofree char *toast = g_strdup_printf (_("Domain “%s” saved"), scm_domain_get_name (domain));

  scm_list_page_saved (SCM_LIST_PAGE (self), toast);
}

static void
open_dialog (ScmListPage *page,
             ScmDomain   *domain)
{
  ScmDomainDialog *dialog;

  dialog = scm_domain_dialog_new (scm_list_page_get_window (page),
                                  scm_list_page_get_authority (page),
                                  scm_list_page_get_index (page),
                                  domain);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (saved_cb), page, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_domain (ScmListPage *page)
{
  open_dialog (page, NULL);
}

static void
edit_domain (ScmListPage *page,
             gpointer     item)
{
  open_dialog (page, item);
}

static void
scm_domains_page_class_init (ScmDomainsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ScmListPageClass *page_class = SCM_LIST_PAGE_CLASS (klass);

  page_class->item_type = SCM_TYPE_DOMAIN;
  page_class->load = load_domains;
  page_class->delete_item = delete_domain;
  page_class->add = add_domain;
  page_class->edit = edit_domain;
  page_class->dup_title = dup_title;
  page_class->delete_heading = N_("Delete Domain?");
  page_class->delete_body = N_("“%s” will no longer be delegated. A domain that persons still use cannot be deleted.");
  page_class->deleted_toast = N_("Domain “%s” deleted");

  /* The template only sets ScmListPage's properties: no children to
   * dispose (and GTK 4.8's gtk_widget_dispose_template() of a subclass
   * would drop the parent class's template children unparented). */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-domains-page.ui");
}

static void
scm_domains_page_init (ScmDomainsPage *self)
{
  ScmListPage *page = SCM_LIST_PAGE (self);

  gtk_widget_init_template (GTK_WIDGET (self));

  scm_list_page_add_column (page, _("Name"),
                            gtk_property_expression_new (SCM_TYPE_DOMAIN, NULL, "name"),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Delegated To"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) delegated_to_text),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Status"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) status_text),
                            NULL, FALSE);
  scm_list_page_set_search_expression (page,
                                       scm_list_page_text_expression (page, (ScmListPageTextFunc) search_text));
}
