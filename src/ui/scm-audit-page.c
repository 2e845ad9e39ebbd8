/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-audit-page.h"

struct _ScmAuditPage
{
  ScmListPage parent_instance;
};

G_DEFINE_FINAL_TYPE (ScmAuditPage, scm_audit_page, SCM_TYPE_LIST_PAGE)

static GPtrArray *
load_events (ScmStore  *store,
             GError   **error)
{
  /* Newest first, as the store lists them. */
  return scm_store_list_audit_events (store, NULL, 0, error);
}

static char *
time_text (ScmAuditEvent *event,
           ScmListPage   *page)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (scm_audit_event_get_time (event) / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
}

static char *
search_text (ScmAuditEvent *event,
             ScmListPage   *page)
{
  const char *fields[] = {
    scm_audit_event_get_actor (event),
    scm_audit_event_get_action (event),
    scm_audit_event_get_object (event),
    scm_audit_event_get_result (event),
    scm_audit_event_get_message (event),
  };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i] != NULL)
      g_string_append_printf (text, "%s\n", fields[i]);
  return g_string_free (text, FALSE);
}

static char *
dup_title (ScmListPage *page,
           gpointer     item)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, scm_audit_event_get_seq (item));
}

static void
scm_audit_page_class_init (ScmAuditPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ScmListPageClass *page_class = SCM_LIST_PAGE_CLASS (klass);

  page_class->item_type = SCM_TYPE_AUDIT_EVENT;
  page_class->load = load_events;
  page_class->dup_title = dup_title;

  /* The template only sets ScmListPage's properties: no children to
   * dispose (and GTK 4.8's gtk_widget_dispose_template() of a subclass
   * would drop the parent class's template children unparented). */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-audit-page.ui");
}

static void
scm_audit_page_init (ScmAuditPage *self)
{
  ScmListPage *page = SCM_LIST_PAGE (self);
  GtkColumnViewColumn *column;

  gtk_widget_init_template (GTK_WIDGET (self));

  column = scm_list_page_add_column (page, _("Time"),
                                     scm_list_page_text_expression (page, (ScmListPageTextFunc) time_text),
                                     GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (SCM_TYPE_AUDIT_EVENT,
                                                                                                      NULL, "seq"))),
                                     FALSE);
  gtk_column_view_column_set_fixed_width (column, 170);
  scm_list_page_add_column (page, _("Actor"),
                            gtk_property_expression_new (SCM_TYPE_AUDIT_EVENT, NULL, "actor"),
                            NULL, FALSE);
  scm_list_page_add_column (page, _("Action"),
                            gtk_property_expression_new (SCM_TYPE_AUDIT_EVENT, NULL, "action"),
                            NULL, FALSE);
  scm_list_page_add_column (page, _("Object"),
                            gtk_property_expression_new (SCM_TYPE_AUDIT_EVENT, NULL, "object"),
                            NULL, FALSE);
  scm_list_page_add_column (page, _("Result"),
                            gtk_property_expression_new (SCM_TYPE_AUDIT_EVENT, NULL, "result"),
                            NULL, FALSE);
  scm_list_page_add_column (page, _("Message"),
                            gtk_property_expression_new (SCM_TYPE_AUDIT_EVENT, NULL, "message"),
                            NULL, TRUE);
  scm_list_page_set_search_expression (page,
                                       scm_list_page_text_expression (page, (ScmListPageTextFunc) search_text));
}
