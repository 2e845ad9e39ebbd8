/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-organization-dialog.h"
#include "scm-organizations-page.h"

struct _ScmOrganizationsPage
{
  ScmListPage parent_instance;
};

G_DEFINE_FINAL_TYPE (ScmOrganizationsPage, scm_organizations_page, SCM_TYPE_LIST_PAGE)

static GPtrArray *
load_organizations (ScmStore  *store,
                    GError   **error)
{
  return scm_store_list_organizations (store, error);
}

/* Runs inside the page's delete transaction (scm_store_task_run()): its
 * departments go with it, all or nothing, as the store refuses a
 * department that persons, domains or accounts still use. */
static gboolean
delete_organization (ScmStore  *store,
                     gpointer   item,
                     GError   **error)
{
  gint64 id = scm_organization_get_id (item);
  g_autoptr (GPtrArray) departments = scm_store_list_departments (store, id, error);

  if (departments == NULL)
    return FALSE;
  for (guint i = 0; i < departments->len; i++)
    if (!scm_store_delete_department (store, scm_department_get_id (departments->pdata[i]), error))
      return FALSE;
  return scm_store_delete_organization (store, id, error);
}

static guint
departments_count (ScmOrganization *organization,
                   ScmListPage     *page)
{
  return scm_list_index_count_departments (scm_list_page_get_index (page),
                                           scm_organization_get_id (organization));
}

static char *
departments_text (ScmOrganization *organization,
                  ScmListPage     *page)
{
  return g_strdup_printf ("%u", departments_count (organization, page));
}

static char *
search_text (ScmOrganization *organization,
             ScmListPage     *page)
{
  const char *secondary = scm_organization_get_secondary_name (organization);
  const char *country = scm_organization_get_country (organization);

  return g_strjoin ("\n", scm_organization_get_name (organization),
                    secondary ? secondary : "", country ? country : "", NULL);
}

static char *
dup_title (ScmListPage *page,
           gpointer     item)
{
  return g_strdup (scm_organization_get_name (item));
}

static void
saved_cb (ScmOrganizationsPage *self,
          ScmOrganization      *organization)
{
  g_autofree char *toast = g_strdup_printf (_("Organization “%s” saved"),
                                            scm_organization_get_name (organization));

  scm_list_page_saved (SCM_LIST_PAGE (self), toast);
}

static void
open_dialog (ScmListPage     *page,
             ScmOrganization *organization)
{
  ScmOrganizationDialog *dialog;

  dialog = scm_organization_dialog_new (scm_list_page_get_window (page),
                                        scm_list_page_get_authority (page),
                                        scm_list_page_get_index (page),
                                        organization);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (saved_cb), page, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_organization (ScmListPage *page)
{
  open_dialog (page, NULL);
}

static void
edit_organization (ScmListPage *page,
                   gpointer     item)
{
  open_dialog (page, item);
}

static void
scm_organizations_page_class_init (ScmOrganizationsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ScmListPageClass *page_class = SCM_LIST_PAGE_CLASS (klass);

  page_class->item_type = SCM_TYPE_ORGANIZATION;
  page_class->load = load_organizations;
  page_class->delete_item = delete_organization;
  page_class->add = add_organization;
  page_class->edit = edit_organization;
  page_class->dup_title = dup_title;
  page_class->delete_heading = N_("Delete Organization?");
  page_class->delete_body = N_("“%s” and its departments will be deleted. An organization that domains, persons, accounts or forms still refer to cannot be deleted.");
  page_class->deleted_toast = N_("Organization “%s” deleted");

  /* The template only sets ScmListPage's properties: no children to
   * dispose (and GTK 4.8's gtk_widget_dispose_template() of a subclass
   * would drop the parent class's template children unparented). */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-organizations-page.ui");
}

static void
scm_organizations_page_init (ScmOrganizationsPage *self)
{
  ScmListPage *page = SCM_LIST_PAGE (self);

  gtk_widget_init_template (GTK_WIDGET (self));

  scm_list_page_add_column (page, _("Name"),
                            gtk_property_expression_new (SCM_TYPE_ORGANIZATION, NULL, "name"),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Secondary Name"),
                            gtk_property_expression_new (SCM_TYPE_ORGANIZATION, NULL, "secondary-name"),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Country"),
                            gtk_property_expression_new (SCM_TYPE_ORGANIZATION, NULL, "country"),
                            NULL, FALSE);
  scm_list_page_add_column (page, _("Departments"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) departments_text),
                            GTK_SORTER (gtk_numeric_sorter_new (gtk_cclosure_expression_new (G_TYPE_UINT, NULL, 0, NULL,
                                                                                             G_CALLBACK (departments_count),
                                                                                             page, NULL))),
                            FALSE);
  scm_list_page_set_search_expression (page,
                                       scm_list_page_text_expression (page, (ScmListPageTextFunc) search_text));
}
