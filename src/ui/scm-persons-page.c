/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-bulk-issue-dialog.h"
#include "scm-import-wizard.h"
#include "scm-invite-dialog.h"
#include "scm-person-dialog.h"
#include "scm-persons-page.h"
#include "scm-revoke-person-dialog.h"

struct _ScmPersonsPage
{
  ScmListPage parent_instance;
};

G_DEFINE_FINAL_TYPE (ScmPersonsPage, scm_persons_page, SCM_TYPE_LIST_PAGE)

static GPtrArray *
load_persons (ScmStore  *store,
              GError   **error)
{
  return scm_store_list_persons (store, 0, FALSE, error);
}

static gboolean
delete_person (ScmStore  *store,
               gpointer   item,
               GError   **error)
{
  return scm_store_delete_person (store, scm_person_get_id (item), error);
}

static char *
name_text (ScmPerson   *person,
           ScmListPage *page)
{
  return scm_person_dup_full_name (person);
}

static char *
organization_text (ScmPerson   *person,
                   ScmListPage *page)
{
  return g_strdup (scm_list_index_get_organization_name (scm_list_page_get_index (page),
                                                         scm_person_get_organization_id (person)));
}

static char *
department_text (ScmPerson   *person,
                 ScmListPage *page)
{
  return g_strdup (scm_list_index_get_department_name (scm_list_page_get_index (page),
                                                       scm_person_get_department_id (person)));
}

static char *
validation_text (ScmPerson   *person,
                 ScmListPage *page)
{
  if (scm_person_get_validation_type (person) != SCM_VALIDATION_HIGH)
    return g_strdup (_("Standard"));
  if (scm_person_get_sponsor_validated (person))
    return g_strdup (_("High, sponsor validated"));
  return g_strdup (_("High, awaiting sponsor"));
}

static char *
secret_id_text (ScmPerson   *person,
                ScmListPage *page)
{
  return g_strdup (scm_person_get_has_secret_id (person) ? _("Set") : _("Not set"));
}

static char *
search_text (ScmPerson   *person,
             ScmListPage *page)
{
  ScmListIndex *index = scm_list_page_get_index (page);
  g_autofree char *name = scm_person_dup_full_name (person);

  return g_strjoin ("\n", scm_person_get_email (person), name,
                    scm_list_index_get_organization_name (index, scm_person_get_organization_id (person)),
                    scm_list_index_get_department_name (index, scm_person_get_department_id (person)),
                    NULL);
}

static char *
dup_title (ScmListPage *page,
           gpointer     item)
{
  return g_strdup (scm_person_get_email (item));
}

static void
saved_cb (ScmPersonsPage *self,
          ScmPerson      *person)
{
  g_autofree char *toast = g_strdup_printf (_("Person “%s” saved"), scm_person_get_email (person));

  scm_list_page_saved (SCM_LIST_PAGE (self), toast);
}

static void
open_dialog (ScmListPage *page,
             ScmPerson   *person)
{
  ScmPersonDialog *dialog;

  dialog = scm_person_dialog_new (scm_list_page_get_window (page),
                                  scm_list_page_get_authority (page),
                                  scm_list_page_get_index (page),
                                  scm_list_page_get_items (page),
                                  person);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (saved_cb), page, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_person (ScmListPage *page)
{
  open_dialog (page, NULL);
}

static void
edit_person (ScmListPage *page,
             gpointer     item)
{
  open_dialog (page, item);
}

static void
imported_cb (ScmPersonsPage  *self,
             ScmImportWizard *wizard)
{
  ScmPersonImport *result = scm_import_wizard_get_result (wizard);
  guint n = result != NULL ? scm_person_import_get_n_created (result)
                             + scm_person_import_get_n_updated (result)
                           : 0;
  g_autofree char *toast = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                         "%u person imported",
                                                         "%u persons imported", n),
                                            n);

  scm_list_page_saved (SCM_LIST_PAGE (self), toast);
}

void
scm_persons_page_import (ScmPersonsPage *self)
{
  ScmListPage *page;
  ScmAuthority *authority;
  ScmImportWizard *wizard;

  g_return_if_fail (SCM_IS_PERSONS_PAGE (self));

  page = SCM_LIST_PAGE (self);
  authority = scm_list_page_get_authority (page);
  if (authority == NULL)
    return;
  wizard = scm_import_wizard_new (scm_list_page_get_window (page),
                                  scm_authority_get_store (authority));
  g_signal_connect_object (wizard, "imported", G_CALLBACK (imported_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (wizard));
}

static void
import_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  scm_persons_page_import (SCM_PERSONS_PAGE (widget));
}

static void
authority_changed_cb (ScmPersonsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "persons.import",
                                 scm_list_page_get_authority (SCM_LIST_PAGE (self)) != NULL);
}

/* An Import button in the list page's toolbar, before Delete and Add. */
static void
add_import_button (ScmPersonsPage *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Import…"));

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "persons.import");
  gtk_widget_set_tooltip_text (button, _("Import Persons From a CSV File (Ctrl+I)"));
  scm_list_page_add_toolbar_widget (SCM_LIST_PAGE (self), button);
}

/* Lifecycle actions: on the row the context menu is for, or on every
 * listed person for Issue Certificates…. */

static ScmPerson *
get_selected_person (ScmPersonsPage *self)
{
  GtkSelectionModel *model = gtk_column_view_get_model (scm_list_page_get_column_view (SCM_LIST_PAGE (self)));

  if (!GTK_IS_SINGLE_SELECTION (model))
    return NULL;
  return gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (model));
}

static void
toast_cb (ScmPersonsPage *self,
          const char     *message)
{
  scm_list_page_show_toast (SCM_LIST_PAGE (self), message);
}

static void
invitations_sent_cb (ScmPersonsPage *self,
                     guint           n_sent,
                     guint           n_failed)
{
  g_autofree char *toast = NULL;

  if (n_failed == 0)
    toast = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u invitation sent",
                                          "%u invitations sent", n_sent), n_sent);
  else
    /* Translators: "3 invitations sent, 1 failed" */
    toast = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u invitation sent, %u failed",
                                          "%u invitations sent, %u failed", n_sent),
                             n_sent, n_failed);
  scm_list_page_show_toast (SCM_LIST_PAGE (self), toast);
}

static void
invite_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScmPersonsPage *self = SCM_PERSONS_PAGE (widget);
  ScmAuthority *authority = scm_list_page_get_authority (SCM_LIST_PAGE (self));
  ScmPerson *person = get_selected_person (self);
  const char *emails[2] = { NULL, NULL };
  ScmInviteDialog *dialog;

  if (authority == NULL || person == NULL)
    return;
  emails[0] = scm_person_get_email (person);
  dialog = scm_invite_dialog_new (scm_list_page_get_window (SCM_LIST_PAGE (self)), authority,
                                  emails);
  g_signal_connect_object (dialog, "sent", G_CALLBACK (invitations_sent_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "failed", G_CALLBACK (toast_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
revoked_cb (ScmPersonsPage *self,
            guint           n_revoked)
{
  g_autofree char *toast = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                         "%u certificate revoked",
                                                         "%u certificates revoked", n_revoked),
                                            n_revoked);

  scm_list_page_saved (SCM_LIST_PAGE (self), toast);
}

static void
revoke_all_activated (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ScmPersonsPage *self = SCM_PERSONS_PAGE (widget);
  ScmAuthority *authority = scm_list_page_get_authority (SCM_LIST_PAGE (self));
  ScmPerson *person = get_selected_person (self);
  ScmRevokePersonDialog *dialog;

  if (authority == NULL || person == NULL)
    return;
  dialog = scm_revoke_person_dialog_new (scm_list_page_get_window (SCM_LIST_PAGE (self)),
                                         authority, person);
  g_signal_connect_object (dialog, "revoked", G_CALLBACK (revoked_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "failed", G_CALLBACK (toast_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
bulk_issued_cb (ScmPersonsPage *self,
                guint           n_issued)
{
  g_autofree char *toast = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                         "%u certificate issued",
                                                         "%u certificates issued", n_issued),
                                            n_issued);

  scm_list_page_saved (SCM_LIST_PAGE (self), toast);
}

static void
open_bulk_issue (ScmPersonsPage *self,
                 GArray         *ids)
{
  ScmAuthority *authority = scm_list_page_get_authority (SCM_LIST_PAGE (self));
  ScmBulkIssueDialog *dialog;

  if (authority == NULL || ids->len == 0)
    return;
  dialog = scm_bulk_issue_dialog_new (scm_list_page_get_window (SCM_LIST_PAGE (self)), authority,
                                      (const gint64 *) ids->data, ids->len);
  g_signal_connect_object (dialog, "issued", G_CALLBACK (bulk_issued_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
issue_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ScmPersonsPage *self = SCM_PERSONS_PAGE (widget);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  ScmPerson *person = get_selected_person (self);

  if (person != NULL)
    {
      gint64 id = scm_person_get_id (person);

      g_array_append_val (ids, id);
    }
  open_bulk_issue (self, ids);
}

static void
issue_all_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ScmPersonsPage *self = SCM_PERSONS_PAGE (widget);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  /* The rows as searched and sorted: what the administrator sees. */
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (scm_list_page_get_column_view (SCM_LIST_PAGE (self))));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(ScmPerson) person = g_list_model_get_item (rows, i);
      gint64 id = scm_person_get_id (person);

      g_array_append_val (ids, id);
    }
  open_bulk_issue (self, ids);
}

/* The row menu gets the lifecycle actions; the toolbar Issue Certificates…. */
static void
add_lifecycle_actions (ScmPersonsPage *self)
{
  GObject *row_menu = gtk_widget_get_template_child (GTK_WIDGET (self), SCM_TYPE_LIST_PAGE,
                                                     "row_menu");
  GObject *toolbar = gtk_widget_get_template_child (GTK_WIDGET (self), SCM_TYPE_LIST_PAGE,
                                                    "toolbar");
  g_autoptr(GMenu) section = g_menu_new ();
  GtkWidget *button;

  g_menu_append (section, _("Send _Invitation…"), "persons.invite");
  g_menu_append (section, _("Issue _Certificate…"), "persons.issue");
  g_menu_append (section, _("_Revoke All Certificates…"), "persons.revoke-all");
  if (G_IS_MENU (row_menu))
    g_menu_append_section (G_MENU (row_menu), NULL, G_MENU_MODEL (section));

  g_return_if_fail (GTK_IS_BOX (toolbar));
  button = gtk_button_new_with_mnemonic (_("Issue _Certificates…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "persons.issue-all");
  gtk_widget_set_tooltip_text (button, _("Issue a certificate to every listed person, each in "
                                         "a PKCS#12 file with its own password"));
  gtk_box_append (GTK_BOX (toolbar), button);
}

static void
scm_persons_page_class_init (ScmPersonsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ScmListPageClass *page_class = SCM_LIST_PAGE_CLASS (klass);

  page_class->item_type = SCM_TYPE_PERSON;
  page_class->load = load_persons;
  page_class->delete_item = delete_person;
  page_class->add = add_person;
  page_class->edit = edit_person;
  page_class->dup_title = dup_title;
  page_class->delete_heading = N_("Delete Person?");
  page_class->delete_body = N_("%s will no longer be able to enroll and their Secret ID is forgotten. Their certificates stay valid until you revoke them.");
  page_class->deleted_toast = N_("Person “%s” deleted");

  /* The template only sets ScmListPage's properties: no children to
   * dispose (and GTK 4.8's gtk_widget_dispose_template() of a subclass
   * would drop the parent class's template children unparented). */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-persons-page.ui");

  gtk_widget_class_install_action (widget_class, "persons.import", NULL, import_activated);
  gtk_widget_class_install_action (widget_class, "persons.invite", NULL, invite_activated);
  gtk_widget_class_install_action (widget_class, "persons.revoke-all", NULL,
                                   revoke_all_activated);
  gtk_widget_class_install_action (widget_class, "persons.issue", NULL, issue_activated);
  gtk_widget_class_install_action (widget_class, "persons.issue-all", NULL, issue_all_activated);
}

static void
scm_persons_page_init (ScmPersonsPage *self)
{
  ScmListPage *page = SCM_LIST_PAGE (self);

  gtk_widget_init_template (GTK_WIDGET (self));
  add_import_button (self);
  add_lifecycle_actions (self);
  g_signal_connect (self, "notify::authority", G_CALLBACK (authority_changed_cb), NULL);
  authority_changed_cb (self);

  scm_list_page_add_column (page, _("Email"),
                            gtk_property_expression_new (SCM_TYPE_PERSON, NULL, "email"),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Name"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) name_text),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Organization"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) organization_text),
                            NULL, TRUE);
  scm_list_page_add_column (page, _("Department"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) department_text),
                            NULL, FALSE);
  scm_list_page_add_column (page, _("Validation"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) validation_text),
                            NULL, FALSE);
  scm_list_page_add_column (page, _("Secret ID"),
                            scm_list_page_text_expression (page, (ScmListPageTextFunc) secret_id_text),
                            NULL, FALSE);
  scm_list_page_set_search_expression (page,
                                       scm_list_page_text_expression (page, (ScmListPageTextFunc) search_text));
}
