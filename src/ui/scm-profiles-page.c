/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-profile-dialog.h"
#include "scm-profiles-page.h"

struct _ScmProfilesPage
{
  ScmListPage parent_instance;
};

G_DEFINE_FINAL_TYPE (ScmProfilesPage, scm_profiles_page, SCM_TYPE_LIST_PAGE)

static GPtrArray *
load_profiles (ScmStore  *store,
               GError   **error)
{
  return scm_store_list_profiles (store, error);
}

static gboolean
delete_profile (ScmStore  *store,
                gpointer   item,
                GError   **error)
{
  return scm_store_delete_profile (store, scm_profile_get_id (item), error);
}

static const char *
purpose_label (ScmPurpose purpose)
{
  if ((purpose & SCM_PURPOSE_CLIENT_AUTH) && (purpose & SCM_PURPOSE_SMIME))
    return _("S/MIME and client authentication");
  if (purpose & SCM_PURPOSE_SMIME)
    return _("S/MIME");
  return _("Client authentication");
}

static char *
purpose_text (ScmProfile  *profile,
              ScmListPage *page)
{
  return g_strdup (purpose_label (scm_profile_get_purpose (profile)));
}

static char *
builtin_text (ScmProfile  *profile,
              ScmListPage *page)
{
  return g_strdup (scm_profile_get_builtin (profile) ? _("Built-in") : _("Custom"));
}

static char *
search_text (ScmProfile  *profile,
             ScmListPage *page)
{
  return g_strjoin ("\n", scm_profile_get_name (profile),
                    purpose_label (scm_profile_get_purpose (profile)), NULL);
}

static char *
dup_title (ScmListPage *page,
           gpointer     item)
{
  return g_strdup (scm_profile_get_name (item));
}

static void
saved_cb (ScmProfilesPage *self,
          ScmProfile      *profile)
{
  g_autofree char *toast = g_strdup_printf (_("Profile “%s” saved"), scm_profile_get_name (profile));

  scm_list_page_saved (SCM_LIST_PAGE (self), toast);
}

static void
open_dialog (ScmListPage *page,
             ScmProfile  *profile)
{
  ScmProfileDialog *dialog;

  dialog = scm_profile_dialog_new (scm_list_page_get_window (page),
                                   scm_list_page_get_authority (page),
                                   scm_list_page_get_items (page),
                                   profile);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (saved_cb), page, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_profile (ScmListPage *page)
{
  open_dialog (page, NULL);
}

static void
edit_profile (ScmListPage *page,
              gpointer     item)
{
  open_dialog (page, item);
}

static void
scm_profiles_page_class_init (ScmProfilesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ScmListPageClass *page_class = SCM_LIST_PAGE_CLASS (klass);

  page_class->item_type = SCM_TYPE_PROFILE;
  page_class->load = load_profiles;
  page_class->delete_item = delete_profile;
  page_class->add = add_profile;
  page_class->edit = edit_profile;
  page_class->delete_heading = N_("Delete Certificate Profile?");
  page_class->delete_body = N_("Accounts can no longer offer %s. Built-in profiles and profiles in use cannot be deleted.");
  page_class->deleted_toast = N_("Profile “%s” deleted");
  page_class->dup_title = dup_title;

  /* The template only sets ScmListPage's properties: no children to
   * dispose (and GTK 4.8's gtk_widget_dispose_template() of a subclass
   * would drop the parent class's template children unparented). */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-profiles-page.ui");
}

static void
scm_profiles_page_init (ScmProfilesPage *self)
{
  ScmListPage *page = SCM_LIST_PAGE (self);

  gtk_widget_init_template (GTK_WIDGET (self));

  scm_list_page_add_column (page, _("Name"),
                            gtk_property_expression_new (SCM_TYPE_PROFILE, NULL, "name"),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Purpose"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) purpose_text),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Kind"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) builtin_text),
                            NULL, FALSE);
  scm_list_page_set_search_expression (page,
                                       scm_list_page_text_expression (page, (ScmListPageTextFunc) search_text));
}
