/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "scm-application.h"
#include "scm-authority.h"
#include "scm-domain-dialog.h"
#include "scm-error.h"
#include "scm-list-page.h"
#include "scm-organization-dialog.h"
#include "scm-person-dialog.h"
#include "scm-store.h"
#include "scm-test-ui.h"
#include "scm-test-util.h"
#include "scm-window.h"

/* Waiting ------------------------------------------------------------------ */

static gboolean
object_is_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
widget_is_visible (gpointer data)
{
  return gtk_widget_get_visible (data);
}

/* The data directory ------------------------------------------------------- */

typedef struct
{
  char *dir;
  char *data_dir;
  gint64 acme_id;
  gint64 sales_id;
  gint64 globex_id;
} Fixture;

static gint64
add_organization (ScmStore   *store,
                  const char *name,
                  const char *country)
{
  g_autoptr (ScmOrganization) organization = scm_organization_new ();
  g_autoptr (GError) error = NULL;

  scm_organization_set_name (organization, name);
  scm_organization_set_country (organization, country);
  g_assert_true (scm_store_create_organization (store, organization, &error));
  g_assert_no_error (error);
  return scm_organization_get_id (organization);
}

static void
add_domain (ScmStore   *store,
            const char *name,
            gint64      organization_id,
            gint64      department_id,
            gboolean    validated)
{
  g_autoptr (ScmDomain) domain = scm_domain_new ();
  g_autoptr (GError) error = NULL;

  scm_domain_set_name (domain, name);
  scm_domain_set_organization_id (domain, organization_id);
  scm_domain_set_department_id (domain, department_id);
  g_assert_true (scm_store_create_domain (store, domain, &error));
  g_assert_no_error (error);
  if (validated)
    {
      g_assert_true (scm_store_set_domain_validated (store, domain, TRUE, &error));
      g_assert_no_error (error);
    }
}

static ScmPerson *
add_person (ScmStore   *store,
            const char *email,
            const char *first_name,
            const char *last_name,
            gint64      organization_id,
            gint64      department_id)
{
  ScmPerson *person = scm_person_new ();
  g_autoptr (GError) error = NULL;

  scm_person_set_email (person, email);
  scm_person_set_first_name (person, first_name);
  scm_person_set_last_name (person, last_name);
  scm_person_set_organization_id (person, organization_id);
  scm_person_set_department_id (person, department_id);
  g_assert_true (scm_store_create_person (store, person, &error));
  g_assert_no_error (error);
  return person;
}

static void
issue_certificate (ScmAuthority *authority,
                   ScmPerson    *person)
{
  g_autoptr (ScmProfile) profile = NULL;
  g_autoptr (ScmIssueResult) result = NULL;
  g_autoptr (GError) error = NULL;
  ScmIssueRequest request = { 0 };

  profile = scm_store_find_profile_by_name (scm_authority_get_store (authority),
                                            "Client Authentication", &error);
  g_assert_no_error (error);
  request.person = person;
  request.profile = profile;
  request.key_type = SCM_KEY_TYPE_EC_P256;
  request.pkcs12_password = "hollow Lantern 47 meadow";
  request.protection = SCM_PKCS12_AES256_SHA256;
  request.requested_via = SCM_REQUESTED_VIA_ADMIN;
  result = scm_authority_issue (authority, &request, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
}

/* Two organizations (Acme with a department Sales), three domains (one
 * pending), three persons and two certificates, all through the core
 * API as an administrator would have made them. */
static void
fixture_populate (Fixture *fixture)
{
  g_autoptr (ScmStore) store = NULL;
  g_autoptr (ScmAuthority) authority = NULL;
  g_autoptr (ScmDepartment) sales = scm_department_new ();
  g_autoptr (ScmPerson) ada = NULL;
  g_autoptr (ScmPerson) grace = NULL;
  g_autoptr (ScmPerson) alan = NULL;
  g_autoptr (GError) error = NULL;

  store = scm_store_open (fixture->data_dir, &error);
  g_assert_no_error (error);
  authority = scm_authority_open (store, NULL, &error);
  g_assert_no_error (error);

  fixture->acme_id = add_organization (store, "Acme Corporation", "DE");
  fixture->globex_id = add_organization (store, "Globex", NULL);
  scm_department_set_organization_id (sales, fixture->acme_id);
  scm_department_set_name (sales, "Sales");
  g_assert_true (scm_store_create_department (store, sales, &error));
  g_assert_no_error (error);
  fixture->sales_id = scm_department_get_id (sales);

  add_domain (store, "example.com", fixture->acme_id, 0, TRUE);
  add_domain (store, "*.acme.test", fixture->acme_id, fixture->sales_id, TRUE);
  add_domain (store, "globex.test", fixture->globex_id, 0, FALSE);

  ada = add_person (store, "ada@example.com", "Ada", "Lovelace", fixture->acme_id, 0);
  grace = add_person (store, "grace@example.com", "Grace", "Hopper", fixture->acme_id, 0);
  alan = add_person (store, "alan@sales.acme.test", "Alan", "Turing", fixture->acme_id, fixture->sales_id);

  issue_certificate (authority, ada);
  issue_certificate (authority, grace);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->dir = scm_test_make_tmp_dir ("scm-admin-XXXXXX");
  fixture->data_dir = g_build_filename (fixture->dir, "data", NULL);
  if (GPOINTER_TO_INT (user_data))
    fixture_populate (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  scm_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->data_dir);
}

/* The window and its widgets ------------------------------------------------- */

static ScmWindow *
open_window (Fixture *fixture)
{
  ScmApplication *app = scm_test_ui_get_application ();
  ScmWindow *window;

  scm_application_set_data_dir (app, fixture->data_dir);
  window = scm_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  scm_application_open_data (app, NULL);
  scm_test_ui_wait_for (scm_test_ui_window_is_ready, window, "the window to open the data directory");
  return window;
}

static ScmListPage *
show_page (ScmWindow  *window,
           const char *name)
{
  GtkWidget *page = gtk_stack_get_child_by_name (scm_window_get_stack (window), name);

  g_assert_true (SCM_IS_LIST_PAGE (page));
  scm_window_set_visible_page (window, name);
  scm_test_ui_wait_for (scm_test_ui_page_is_loaded, page, name);
  return SCM_LIST_PAGE (page);
}

/* The rows the column view shows: filtered and sorted. */
static GListModel *
get_rows (ScmListPage *page)
{
  return G_LIST_MODEL (gtk_column_view_get_model (scm_list_page_get_column_view (page)));
}

static guint
count_rows (ScmListPage *page)
{
  return g_list_model_get_n_items (get_rows (page));
}

static gpointer
get_row (ScmListPage *page,
         guint        position)
{
  g_autoptr (GObject) item = g_list_model_get_item (get_rows (page), position);

  g_assert_nonnull (item);
  return item;   /* the model keeps its own reference */
}

typedef struct
{
  ScmListPage *page;
  guint n_rows;
} RowCount;

static gboolean
page_has_rows (gpointer data)
{
  RowCount *count = data;

  return scm_test_ui_page_is_loaded (count->page) && count_rows (count->page) == count->n_rows;
}

static void
wait_for_rows (ScmListPage *page,
               guint        n_rows)
{
  RowCount count = { page, n_rows };

  scm_test_ui_wait_for (page_has_rows, &count, "the list to show the expected number of rows");
}

static GtkWidget *
find_child (GtkWidget  *widget,
            const char *id)
{
  if (GTK_IS_BUILDABLE (widget) &&
      g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_child (child, id);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
get_child (gpointer    widget,
           const char *id)
{
  GtkWidget *child = find_child (GTK_WIDGET (widget), id);

  if (child == NULL)
    g_error ("no widget “%s” in %s", id, G_OBJECT_TYPE_NAME (widget));
  return child;
}

static void
set_text (gpointer    widget,
          const char *id,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (get_child (widget, id)), text);
}

/* The reason shown under a field, or NULL when its row is hidden. */
static const char *
get_field_error (gpointer    dialog,
                 const char *id)
{
  GtkWidget *label = get_child (dialog, id);

  if (!gtk_widget_get_visible (gtk_widget_get_parent (label)))
    return NULL;
  return gtk_label_get_text (GTK_LABEL (label));
}

/* A button by its accessible name (also its tooltip). */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
can_save (gpointer dialog)
{
  return gtk_widget_get_sensitive (get_child (dialog, "save_button"));
}

static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gpointer
open_dialog (ScmWindow  *window,
             const char *page_name,
             GType       dialog_type)
{
  GtkWindow *dialog;

  show_page (window, page_name);
  /* Ctrl+N's action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add", NULL));
  dialog = find_toplevel (dialog_type);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (dialog));
  return dialog;
}

/* Saves and waits for the dialog to close. */
static void
save_and_wait_closed (gpointer dialog)
{
  gpointer weak = dialog;

  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  g_assert_true (can_save (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  scm_test_ui_wait_for (object_is_gone, &weak, "the dialog to save and close");
}

/* Saves, expecting the store to refuse: the dialog stays with the reason. */
static const char *
save_and_wait_refused (gpointer dialog)
{
  GtkWidget *error_label = get_child (dialog, "error_label");

  g_assert_false (gtk_widget_get_visible (error_label));
  g_assert_true (can_save (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  scm_test_ui_wait_for (widget_is_visible, error_label, "the dialog to show why it did not save");
  return gtk_label_get_text (GTK_LABEL (error_label));
}

static void
close_window (ScmWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  scm_test_ui_drain_main_loop ();
}

/* Tests ------------------------------------------------------------------------ */

static void
assert_page_shows (ScmWindow  *window,
                   const char *name,
                   guint       n_rows)
{
  ScmListPage *page = show_page (window, name);

  g_assert_cmpuint (count_rows (page), ==, n_rows);
  g_assert_cmpstr (scm_list_page_get_state (page), ==, n_rows > 0 ? "list" : "empty");
}

static gboolean
label_is_shown (GtkWidget  *widget,
                const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (label_is_shown (child, text))
      return TRUE;
  return FALSE;
}

typedef struct
{
  ScmListPage *page;
  const char *text;
} ShownText;

static gboolean
page_shows_text (gpointer data)
{
  ShownText *shown = data;

  return label_is_shown (GTK_WIDGET (scm_list_page_get_column_view (shown->page)), shown->text);
}

static void
wait_for_cell (ScmListPage *page,
               const char  *text)
{
  ShownText shown = { page, text };

  scm_test_ui_wait_for (page_shows_text, &shown, text);
}

static void
test_pages_populated (Fixture       *fixture,
                      gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page;
  guint n_events;

  assert_page_shows (window, "forms", 0);
  assert_page_shows (window, "accounts", 0);
  assert_page_shows (window, "persons", 3);
  assert_page_shows (window, "certificates", 2);
  assert_page_shows (window, "domains", 3);
  assert_page_shows (window, "organizations", 2);
  assert_page_shows (window, "profiles", 3);

  page = show_page (window, "audit");
  n_events = count_rows (page);
  g_assert_cmpuint (n_events, >, 10);
  /* Newest first: the last thing done was issuing a certificate. */
  g_assert_cmpstr (scm_audit_event_get_action (get_row (page, 0)), ==, "certificate.issue");

  /* Columns that name what an id refers to show the name. */
  page = show_page (window, "persons");
  wait_for_cell (page, "Acme Corporation");
  wait_for_cell (page, "Sales");
  wait_for_cell (page, "Ada Lovelace");
  page = show_page (window, "domains");
  wait_for_cell (page, "Acme Corporation / Sales");
  wait_for_cell (page, "Pending validation");
  page = show_page (window, "certificates");
  wait_for_cell (page, "Client Authentication");
  wait_for_cell (page, "Issued");

  close_window (window);
}

static void
test_pages_empty (Fixture       *fixture,
                  gconstpointer  user_data)
{
  static const struct
  {
    const char *page;
    const char *title;
  } empty[] = {
    { "forms", "No Enrollment Forms" },
    { "accounts", "No Accounts" },
    { "persons", "No Persons" },
    { "certificates", "No Certificates" },
    { "domains", "No Delegated Domains" },
    { "organizations", "No Organizations" },
  };
  ScmWindow *window = open_window (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (empty); i++)
    {
      ScmListPage *page = show_page (window, empty[i].page);
      g_autofree char *title = NULL;
      g_autofree char *description = NULL;

      g_assert_cmpuint (count_rows (page), ==, 0);
      g_assert_cmpstr (scm_list_page_get_state (page), ==, "empty");
      g_object_get (page, "empty-title", &title, "empty-description", &description, NULL);
      g_assert_cmpstr (title, ==, empty[i].title);
      g_assert_nonnull (description);
    }

  /* Even an empty data directory has the built-in profiles, and the
   * audit log records the new CA. */
  assert_page_shows (window, "profiles", 3);
  g_assert_cmpstr (scm_list_page_get_state (show_page (window, "audit")), ==, "list");

  close_window (window);
}

static void
search_persons (ScmListPage *page,
                const char  *text,
                guint        n_rows)
{
  gtk_editable_set_text (scm_list_page_get_search_entry (page), text);
  wait_for_rows (page, n_rows);
}

static void
test_pages_search (Fixture       *fixture,
                   gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "persons");
  GtkWidget *focus;

  /* Ctrl+F's action puts the cursor in the search entry. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (focus == GTK_WIDGET (scm_list_page_get_search_entry (page)) ||
                 gtk_widget_is_ancestor (focus, GTK_WIDGET (scm_list_page_get_search_entry (page))));

  /* By name, without regard to case. */
  search_persons (page, "LOVELACE", 1);
  g_assert_cmpstr (scm_person_get_email (get_row (page, 0)), ==, "ada@example.com");
  /* By department, a column the person has only as an id. */
  search_persons (page, "sales", 1);
  g_assert_cmpstr (scm_person_get_email (get_row (page, 0)), ==, "alan@sales.acme.test");
  /* By part of the email. */
  search_persons (page, "example.com", 2);
  /* Nothing matches: a state that says so, not the empty state. */
  search_persons (page, "nobody-here", 0);
  g_assert_cmpstr (scm_list_page_get_state (page), ==, "no-results");
  search_persons (page, "", 3);
  g_assert_cmpstr (scm_list_page_get_state (page), ==, "list");

  close_window (window);
}

static GtkColumnViewColumn *
get_column (ScmListPage *page,
            const char  *title)
{
  GListModel *columns = gtk_column_view_get_columns (scm_list_page_get_column_view (page));

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;
    }
  g_error ("no column “%s”", title);
  return NULL;
}

static void
sort_by (ScmListPage *page,
         const char  *title,
         GtkSortType  direction)
{
  gtk_column_view_sort_by_column (scm_list_page_get_column_view (page),
                                  get_column (page, title), direction);
  scm_test_ui_drain_main_loop ();
}

static void
test_pages_sort (Fixture       *fixture,
                 gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "persons");

  /* The store lists by last name: Hopper, Lovelace, Turing. */
  g_assert_cmpstr (scm_person_get_email (get_row (page, 0)), ==, "grace@example.com");
  sort_by (page, "Email", GTK_SORT_ASCENDING);
  g_assert_cmpstr (scm_person_get_email (get_row (page, 0)), ==, "ada@example.com");
  g_assert_cmpstr (scm_person_get_email (get_row (page, 2)), ==, "grace@example.com");
  sort_by (page, "Email", GTK_SORT_DESCENDING);
  g_assert_cmpstr (scm_person_get_email (get_row (page, 0)), ==, "grace@example.com");
  /* A column computed from ids sorts by what it shows. */
  sort_by (page, "Department", GTK_SORT_DESCENDING);
  g_assert_cmpstr (scm_person_get_email (get_row (page, 0)), ==, "alan@sales.acme.test");

  /* Numbers sort as numbers. */
  page = show_page (window, "organizations");
  sort_by (page, "Departments", GTK_SORT_ASCENDING);
  g_assert_cmpstr (scm_organization_get_name (get_row (page, 0)), ==, "Globex");
  sort_by (page, "Departments", GTK_SORT_DESCENDING);
  g_assert_cmpstr (scm_organization_get_name (get_row (page, 0)), ==, "Acme Corporation");

  page = show_page (window, "audit");
  sort_by (page, "Time", GTK_SORT_ASCENDING);
  g_assert_cmpint (scm_audit_event_get_seq (get_row (page, 0)), <,
                   scm_audit_event_get_seq (get_row (page, 1)));

  close_window (window);
}

static void
test_organization_add (Fixture       *fixture,
                       gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page;
  ScmOrganizationDialog *dialog;
  g_autoptr (ScmOrganization) organization = NULL;
  g_autoptr (GPtrArray) departments = NULL;
  g_autoptr (GError) error = NULL;

  dialog = open_dialog (window, "organizations", SCM_TYPE_ORGANIZATION_DIALOG);
  page = show_page (window, "organizations");

  /* Nothing typed yet: nothing to save, and no scolding either. */
  g_assert_false (can_save (dialog));
  g_assert_null (get_field_error (dialog, "name_error"));

  /* Validated as typed, with the reason under the field. */
  set_text (dialog, "name_row", "acme corporation");
  g_assert_nonnull (strstr (get_field_error (dialog, "name_error"), "exists already"));
  g_assert_false (can_save (dialog));
  set_text (dialog, "name_row", "Initech");
  g_assert_null (get_field_error (dialog, "name_error"));
  g_assert_true (can_save (dialog));
  set_text (dialog, "country_row", "XX");
  g_assert_nonnull (get_field_error (dialog, "country_error"));
  g_assert_false (can_save (dialog));
  set_text (dialog, "country_row", "us");
  g_assert_true (can_save (dialog));

  /* Departments: one added with the apply button, one just typed. */
  set_text (dialog, "new_department_row", "Research");
  g_signal_emit_by_name (get_child (dialog, "new_department_row"), "apply");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get_child (dialog, "new_department_row"))), ==, "");
  set_text (dialog, "new_department_row", "research");
  g_assert_nonnull (get_field_error (dialog, "new_department_error"));
  g_assert_false (can_save (dialog));
  set_text (dialog, "new_department_row", "Support");

  save_and_wait_closed (dialog);

  organization = scm_store_find_organization_by_name (scm_test_ui_get_store (), "Initech", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_organization_get_country (organization), ==, "US");
  departments = scm_store_list_departments (scm_test_ui_get_store (), scm_organization_get_id (organization), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (departments->len, ==, 2);
  g_assert_cmpstr (scm_department_get_name (departments->pdata[0]), ==, "Research");
  g_assert_cmpstr (scm_department_get_name (departments->pdata[1]), ==, "Support");

  /* The page reloads and shows it. */
  wait_for_rows (page, 3);

  close_window (window);
}

static void
test_organization_edit_refused (Fixture       *fixture,
                                gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "organizations");
  ScmOrganizationDialog *dialog;
  g_autoptr (ScmOrganization) acme = NULL;
  g_autoptr (GPtrArray) departments = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *remove;
  const char *message;

  /* Row activation opens the edit dialog. */
  g_assert_cmpstr (scm_organization_get_name (get_row (page, 0)), ==, "Acme Corporation");
  g_signal_emit_by_name (scm_list_page_get_column_view (page), "activate", 0);
  dialog = SCM_ORGANIZATION_DIALOG (find_toplevel (SCM_TYPE_ORGANIZATION_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get_child (dialog, "name_row"))), ==,
                   "Acme Corporation");

  /* Removing Sales, which a person and a domain still use, is refused
   * by the store: the message shows, and the rename made in the same
   * save does not happen either. */
  set_text (dialog, "name_row", "Acme Renamed");
  remove = find_button (get_child (dialog, "departments_group"), "Remove department Sales");
  g_assert_nonnull (remove);
  g_signal_emit_by_name (remove, "clicked");

  message = save_and_wait_refused (dialog);
  g_assert_nonnull (strstr (message, "Sales"));

  acme = scm_store_get_organization (scm_test_ui_get_store (), fixture->acme_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_organization_get_name (acme), ==, "Acme Corporation");
  departments = scm_store_list_departments (scm_test_ui_get_store (), fixture->acme_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (departments->len, ==, 1);

  /* Escape's action, Cancel: closes without saving. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL);
  scm_test_ui_drain_main_loop ();
  g_assert_null (find_toplevel (SCM_TYPE_ORGANIZATION_DIALOG));

  close_window (window);
}

static void
test_domain_add (Fixture       *fixture,
                 gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmDomainDialog *dialog = open_dialog (window, "domains", SCM_TYPE_DOMAIN_DIALOG);
  g_autoptr (ScmDomain) domain = NULL;
  g_autoptr (GError) error = NULL;

  set_text (dialog, "name_row", "not a domain");
  g_assert_nonnull (get_field_error (dialog, "name_error"));
  g_assert_false (can_save (dialog));
  /* Already delegated to the same organization. */
  set_text (dialog, "name_row", "example.com");
  g_assert_nonnull (strstr (get_field_error (dialog, "name_error"), "already"));

  set_text (dialog, "name_row", "*.Example.ORG");
  g_assert_null (get_field_error (dialog, "name_error"));
  /* Globex is the second organization; its whole organization. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_child (dialog, "organization_row")), 1);
  gtk_switch_set_active (GTK_SWITCH (get_child (dialog, "validated_switch")), TRUE);
  save_and_wait_closed (dialog);

  domain = scm_store_find_domain (scm_test_ui_get_store (), "*.example.org", fixture->globex_id, 0, &error);
  g_assert_no_error (error);
  g_assert_true (scm_domain_get_validated (domain));
  wait_for_rows (show_page (window, "domains"), 4);

  close_window (window);
}

static ScmPersonDialog *
open_person_dialog (ScmWindow *window)
{
  ScmPersonDialog *dialog = open_dialog (window, "persons", SCM_TYPE_PERSON_DIALOG);

  /* Acme, listed first, has the validated domain example.com. */
  set_text (dialog, "first_name_row", "Barbara");
  set_text (dialog, "last_name_row", "Liskov");
  return dialog;
}

static void
test_person_add (Fixture       *fixture,
                 gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "persons");
  ScmPersonDialog *dialog = open_person_dialog (window);
  g_autoptr (ScmPerson) person = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;
  GtkWidget *generated_row;

  g_assert_false (can_save (dialog));
  /* The common name follows the name until someone writes one. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get_child (dialog, "common_name_row"))), ==,
                   "Barbara Liskov");
  set_text (dialog, "email_row", "Barbara@Example.com");
  g_assert_null (get_field_error (dialog, "email_error"));
  g_assert_true (can_save (dialog));
  set_text (dialog, "phone_row", "call me");
  g_assert_nonnull (get_field_error (dialog, "phone_error"));
  g_assert_false (can_save (dialog));
  set_text (dialog, "phone_row", "+1 555 0100");
  set_text (dialog, "alternative_emails_row", "b.liskov@example.com, not-an-email");
  g_assert_nonnull (get_field_error (dialog, "alternative_emails_error"));
  set_text (dialog, "alternative_emails_row", "b.liskov@example.com");

  /* A typed Secret ID: the strength shows as it is typed; too weak is
   * refused before the store sees it. */
  set_text (dialog, "secret_row", "abc");
  g_assert_true (gtk_widget_get_visible (get_child (dialog, "strength_row")));
  g_assert_cmpfloat (gtk_level_bar_get_value (GTK_LEVEL_BAR (get_child (dialog, "strength_bar"))), <, 50);
  g_assert_nonnull (get_field_error (dialog, "secret_error"));
  g_assert_false (can_save (dialog));

  /* Generate replaces it, shown once with Copy. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.generate-secret", NULL));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get_child (dialog, "secret_row"))), ==, "");
  generated_row = get_child (dialog, "generated_row");
  g_assert_true (gtk_widget_get_visible (generated_row));
  secret = g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (generated_row)));
  g_assert_cmpuint (strlen (secret), >=, 20);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.copy-secret", NULL));

  save_and_wait_closed (dialog);

  person = scm_store_find_person_by_email (scm_test_ui_get_store (), "barbara@example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_person_get_common_name (person), ==, "Barbara Liskov");
  g_assert_cmpstr (scm_person_get_phone (person), ==, "+1 555 0100");
  g_assert_cmpstr (scm_person_get_secondary_emails (person)[0], ==, "b.liskov@example.com");
  g_assert_cmpint (scm_person_get_organization_id (person), ==, fixture->acme_id);
  g_assert_true (scm_person_get_has_secret_id (person));
  g_assert_true (scm_store_verify_person_secret_id (scm_test_ui_get_store (), "barbara@example.com", secret));
  wait_for_rows (page, 4);

  close_window (window);
}

static void
test_person_refused (Fixture       *fixture,
                     gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "persons");
  ScmPersonDialog *dialog = open_person_dialog (window);
  g_autoptr (ScmPerson) other = NULL;
  g_autoptr (ScmPerson) found = NULL;
  g_autoptr (ScmDomain) domain = NULL;
  g_autoptr (GError) error = NULL;
  const char *message;

  /* Said as typed: a listed person's email, a domain not delegated to
   * the organization, and a department's domain without the department. */
  set_text (dialog, "email_row", "ada@example.com");
  g_assert_nonnull (strstr (get_field_error (dialog, "email_error"), "exists already"));
  g_assert_false (can_save (dialog));
  set_text (dialog, "email_row", "barbara@elsewhere.org");
  g_assert_nonnull (strstr (get_field_error (dialog, "email_error"), "not a delegated domain"));
  g_assert_false (can_save (dialog));
  set_text (dialog, "email_row", "barbara@sales.acme.test");
  g_assert_nonnull (get_field_error (dialog, "email_error"));
  g_assert_false (can_save (dialog));

  /* A duplicate the dialog could not know of (someone else added it
   * meanwhile): the store refuses, the dialog says why, nothing saved. */
  set_text (dialog, "email_row", "barbara@example.com");
  g_assert_true (can_save (dialog));
  other = add_person (scm_test_ui_get_store (), "barbara@example.com", "Other", "Barbara", fixture->acme_id, 0);
  message = save_and_wait_refused (dialog);
  g_assert_nonnull (strstr (message, "already exists"));
  found = scm_store_find_person_by_email (scm_test_ui_get_store (), "barbara@example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_person_get_first_name (found), ==, "Other");
  g_assert_cmpint (scm_store_count_persons (scm_test_ui_get_store (), 0), ==, 4);

  /* The domain lost its validation meanwhile: not delegated, nothing
   * saved, and the dialog stays open to fix it. */
  set_text (dialog, "email_row", "liskov@example.com");
  domain = scm_store_find_domain (scm_test_ui_get_store (), "example.com", fixture->acme_id, 0, &error);
  g_assert_no_error (error);
  g_assert_true (scm_store_set_domain_validated (scm_test_ui_get_store (), domain, FALSE, &error));
  g_assert_no_error (error);
  gtk_widget_set_visible (get_child (dialog, "error_label"), FALSE);
  message = save_and_wait_refused (dialog);
  g_assert_nonnull (strstr (message, "pending validation"));
  g_clear_object (&found);
  found = scm_store_find_person_by_email (scm_test_ui_get_store (), "liskov@example.com", &error);
  g_assert_null (found);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);
  g_assert_cmpint (scm_store_count_persons (scm_test_ui_get_store (), 0), ==, 4);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  gtk_window_destroy (GTK_WINDOW (dialog));
  (void) page;
  close_window (window);
}

static void
test_person_edit (Fixture       *fixture,
                  gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "persons");
  g_autoptr (ScmPerson) grace = NULL;
  g_autoptr (GError) error = NULL;
  GtkWindow *dialog;

  g_assert_cmpstr (scm_person_get_email (get_row (page, 0)), ==, "grace@example.com");
  g_signal_emit_by_name (scm_list_page_get_column_view (page), "activate", 0);
  dialog = find_toplevel (SCM_TYPE_PERSON_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get_child (dialog, "email_row"))), ==,
                   "grace@example.com");
  /* Her own email is not a duplicate. */
  g_assert_null (get_field_error (dialog, "email_error"));
  g_assert_true (can_save (dialog));

  /* The common name was her full name, so it follows the new one. */
  set_text (dialog, "last_name_row", "Hopper-Murray");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get_child (dialog, "common_name_row"))), ==,
                   "Grace Hopper-Murray");
  /* The sponsor's mark only means something for high validation. */
  g_assert_false (gtk_widget_get_sensitive (get_child (dialog, "sponsor_row")));
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_child (dialog, "validation_row")), 1);
  g_assert_true (gtk_widget_get_sensitive (get_child (dialog, "sponsor_row")));
  gtk_switch_set_active (GTK_SWITCH (get_child (dialog, "sponsor_switch")), TRUE);
  save_and_wait_closed (dialog);

  grace = scm_store_find_person_by_email (scm_test_ui_get_store (), "grace@example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_person_get_last_name (grace), ==, "Hopper-Murray");
  g_assert_cmpstr (scm_person_get_common_name (grace), ==, "Grace Hopper-Murray");
  g_assert_cmpint (scm_person_get_validation_type (grace), ==, SCM_VALIDATION_HIGH);
  g_assert_true (scm_person_get_sponsor_validated (grace));
  g_assert_cmpstr (scm_person_get_created_by (grace), !=, NULL);
  wait_for_cell (page, "High, sponsor validated");

  close_window (window);
}

static gboolean
widget_is_allocated (gpointer data)
{
  return gtk_widget_get_height (data) > 0;
}

/* A secondary click on the cell showing @text, as a mouse would. */
static void
right_click_cell (ScmListPage *page,
                  const char  *text)
{
  GtkWidget *column_view = GTK_WIDGET (scm_list_page_get_column_view (page));
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (column_view);
  GtkGesture *gesture = NULL;
  GtkWidget *label = NULL;
  GList *stack = g_list_prepend (NULL, column_view);
  graphene_rect_t bounds;

  wait_for_cell (page, text);
  while (stack != NULL && label == NULL)
    {
      GtkWidget *widget = stack->data;

      stack = g_list_delete_link (stack, stack);
      if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
        label = widget;
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
        stack = g_list_prepend (stack, child);
    }
  g_list_free (stack);
  g_assert_nonnull (label);
  /* Bound rows get their place in the next layout. */
  scm_test_ui_wait_for (widget_is_allocated, label, "the row to be laid out");
  g_assert_true (gtk_widget_compute_bounds (label, column_view, &bounds));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller) &&
          gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
        gesture = GTK_GESTURE (controller);
    }
  g_assert_nonnull (gesture);
  g_signal_emit_by_name (gesture, "pressed", 1,
                         (double) bounds.origin.x + 2, (double) bounds.origin.y + bounds.size.height / 2);
}

static GtkWidget *
find_popover (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      return child;
  return NULL;
}

/* list.delete on the row at @position: the row goes at once and a toast
 * offers Undo, or a dialog says why it cannot be deleted. */
static void
delete_row (ScmListPage *page,
            guint        position)
{
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (get_rows (page)), position, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "list.delete", NULL));
}

static gboolean
undo_is_offered (gpointer data)
{
  return scm_list_page_get_undo_toast (data) != NULL;
}

/* The toast goes (as after its timeout): the store deletes the row. */
static void
let_undo_pass (ScmListPage *page)
{
  scm_test_ui_wait_for (undo_is_offered, page, "the toast offering Undo");
  scm_test_ui_wait_for_toast_shown ();
  adw_toast_dismiss (scm_list_page_get_undo_toast (page));
  g_assert_cmpuint (scm_list_page_get_n_pending_deletes (page), ==, 0);
}

static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  adw_message_dialog_response (dialog, response);
  if (find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == GTK_WINDOW (dialog))
    gtk_window_destroy (GTK_WINDOW (dialog));
  scm_test_ui_drain_main_loop ();
}

static gboolean
person_is_deleted (gpointer data)
{
  g_autoptr (ScmPerson) person = scm_store_find_person_by_email (scm_test_ui_get_store (), data, NULL);

  return person == NULL;
}

static gboolean
domains_are_gone (gpointer data)
{
  g_autoptr (GPtrArray) domains = scm_store_list_domains (scm_test_ui_get_store (), *(gint64 *) data, NULL);

  return domains != NULL && domains->len == 0;
}

static void
test_delete (Fixture       *fixture,
             gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "persons");
  AdwMessageDialog *dialog;
  guint position;

  /* Nothing selected, nothing to delete. */
  g_assert_false (gtk_widget_is_sensitive (get_child (page, "delete_button")));

  /* The row menu: a secondary click selects the row under the pointer
   * and offers Edit and Delete for it. */
  right_click_cell (page, "alan@sales.acme.test");
  g_assert_true (gtk_widget_get_visible (find_popover (GTK_WIDGET (page))));
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (get_rows (page))), ==, 2);
  g_assert_true (gtk_widget_is_sensitive (get_child (page, "delete_button")));
  gtk_popover_popdown (GTK_POPOVER (find_popover (GTK_WIDGET (page))));

  /* Ada is second in the store's order (by last name). Undo itself is
   * tested in test-admin-shell. */
  position = 1;
  g_assert_cmpstr (scm_person_get_email (get_row (page, position)), ==, "ada@example.com");
  delete_row (page, position);
  let_undo_pass (page);
  scm_test_ui_wait_for (person_is_deleted, (gpointer) "ada@example.com", "Ada to be deleted");
  wait_for_rows (page, 2);

  /* The pending domain of Globex goes; the organization Globex too. */
  page = show_page (window, "domains");
  for (position = 0; position < count_rows (page); position++)
    if (g_str_equal (scm_domain_get_name (get_row (page, position)), "globex.test"))
      break;
  delete_row (page, position);
  let_undo_pass (page);
  scm_test_ui_wait_for (domains_are_gone, &fixture->globex_id, "the domain of Globex to be deleted");
  wait_for_rows (page, 2);

  page = show_page (window, "organizations");
  g_assert_cmpstr (scm_organization_get_name (get_row (page, 1)), ==, "Globex");
  delete_row (page, 1);
  let_undo_pass (page);
  wait_for_rows (page, 1);

  /* Acme still has persons: refused, with the store's reason, before the
   * row ever goes. */
  delete_row (page, 0);
  dialog = NULL;
  while ((dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG))) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Cannot Delete");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "person"));
  answer (dialog, "close");
  g_assert_cmpuint (count_rows (page), ==, 1);
  g_assert_null (scm_list_page_get_undo_toast (page));
  g_assert_cmpint (scm_store_count_persons (scm_test_ui_get_store (), fixture->acme_id), ==, 2);

  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, populated, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (populated), fixture_set_up, func, fixture_tear_down)

  ADD ("/admin/pages/populated", TRUE, test_pages_populated);
  ADD ("/admin/pages/empty", FALSE, test_pages_empty);
  ADD ("/admin/pages/search", TRUE, test_pages_search);
  ADD ("/admin/pages/sort", TRUE, test_pages_sort);
  ADD ("/admin/organization/add", TRUE, test_organization_add);
  ADD ("/admin/organization/edit-refused", TRUE, test_organization_edit_refused);
  ADD ("/admin/domain/add", TRUE, test_domain_add);
  ADD ("/admin/person/add", TRUE, test_person_add);
  ADD ("/admin/person/edit", TRUE, test_person_edit);
  ADD ("/admin/person/refused", TRUE, test_person_refused);
  ADD ("/admin/delete", TRUE, test_delete);

#undef ADD

  return g_test_run ();
}
