/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-forms-page.h"

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
scm_forms_page_class_init (ScmFormsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ScmListPageClass *page_class = SCM_LIST_PAGE_CLASS (klass);

  page_class->item_type = SCM_TYPE_FORM;
  page_class->load = load_forms;
  page_class->dup_title = dup_title;

  /* The template only sets ScmListPage's properties: no children to
   * dispose (and GTK 4.8's gtk_widget_dispose_template() of a subclass
   * would drop the parent class's template children unparented). */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-forms-page.ui");
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
}
