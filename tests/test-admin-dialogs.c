/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "scm-account-dialog.h"
#include "scm-accounts-page.h"
#include "scm-application.h"
#include "scm-authority.h"
#include "scm-certificate-dialog.h"
#include "scm-error.h"
#include "scm-form-create-dialog.h"
#include "scm-form-dialog.h"
#include "scm-list-page.h"
#include "scm-profile-dialog.h"
#include "scm-secret.h"
#include "scm-store.h"
#include "scm-test-ui.h"
#include "scm-test-util.h"
#include "scm-window.h"
#include "scm-x509.h"

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
  gint64 staff_form_id;
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

/* Two organizations, a validated domain of Acme, one person with a
 * certificate and one enrollment form "Staff" with no accounts yet, all
 * through the core API as an administrator would have made them. */
static void
fixture_populate (Fixture *fixture)
{
  g_autoptr (ScmStore) store = NULL;
  g_autoptr (ScmAuthority) authority = NULL;
  g_autoptr (ScmDepartment) sales = scm_department_new ();
  g_autoptr (ScmPerson) ada = NULL;
  g_autoptr (ScmForm) form = scm_form_new ();
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

  ada = add_person (store, "ada@example.com", "Ada", "Lovelace", fixture->acme_id, 0);
  issue_certificate (authority, ada);

  scm_form_set_name (form, "Staff");
  scm_form_set_all_organizations (form, TRUE);
  scm_form_set_enabled (form, TRUE);
  g_assert_true (scm_store_create_form (store, form, &error));
  g_assert_no_error (error);
  fixture->staff_form_id = scm_form_get_id (form);
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

/* Tests ------------------------------------------------------------------------ */

static gboolean
is_hex (const char *text,
        gsize       length)
{
  if (strlen (text) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;
  return TRUE;
}

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static gboolean
text_is_read (gpointer data)
{
  return *(char **) data != NULL;
}

/* What a paste into another application would get. */
static char *
read_clipboard (gpointer widget)
{
  char *text = NULL;

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, clipboard_read_cb, &text);
  scm_test_ui_wait_for (text_is_read, &text, "the clipboard");
  return text;
}

static gboolean
form_dialog_has_url (gpointer dialog)
{
  const char *url = scm_form_dialog_get_url (dialog);
  const char *extension = gtk_editable_get_text (GTK_EDITABLE (get_child (dialog, "extension_row")));

  return url != NULL && strstr (url, extension) != NULL;
}

static char *
dup_expected_url (const char *extension)
{
  return scm_authority_dup_enrollment_url (scm_application_get_authority (scm_test_ui_get_application ()), extension);
}

static gboolean
toplevel_is_shown (gpointer type)
{
  return find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

static gpointer
wait_for_toplevel (GType type)
{
  scm_test_ui_wait_for (toplevel_is_shown, GSIZE_TO_POINTER (type), g_type_name (type));
  return find_toplevel (type);
}

static GPtrArray *
list_checks (GtkWidget *widget,
             GPtrArray *checks)
{
  if (GTK_IS_CHECK_BUTTON (widget))
    g_ptr_array_add (checks, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    list_checks (child, checks);
  return checks;
}

/* Creating a form: the name and type, then the form's own tabs with the
 * URI extension the store drew and the URL that pins the CA. */
static void
test_form_create (Fixture       *fixture,
                  gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "forms");
  ScmFormCreateDialog *create = open_dialog (window, "forms", SCM_TYPE_FORM_CREATE_DIALOG);
  ScmFormDialog *dialog;
  g_autoptr (ScmForm) form = NULL;
  g_autoptr (ScmForm) saved = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *first_extension = NULL;
  g_autofree char *expected_url = NULL;
  g_autofree char *second_extension = NULL;
  g_autoptr (GPtrArray) checks = NULL;
  g_autofree char *copied = NULL;
  gpointer weak;
  GArray *organization_ids;

  /* The type is the one there is; the name is required. */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (get_child (create, "type_row"))), ==, 0);
  g_assert_false (can_save (create));
  set_text (create, "name_row", "Contractors");
  set_text (create, "name_row", "");
  g_assert_nonnull (get_field_error (create, "name_error"));
  g_assert_false (can_save (create));
  set_text (create, "name_row", "Contractors");
  g_assert_null (get_field_error (create, "name_error"));

  weak = create;
  g_object_add_weak_pointer (G_OBJECT (create), &weak);
  gtk_widget_activate_action (GTK_WIDGET (create), "dialog.save", NULL);
  scm_test_ui_wait_for (object_is_gone, &weak, "the create dialog to create the form");

  /* Stored at once, with 128 random bits as its URI extension. */
  form = scm_store_find_form_by_name (scm_test_ui_get_store (), "Contractors", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_form_get_form_type (form), ==, "client-self-enrollment");
  g_assert_true (is_hex (scm_form_get_uri_extension (form), 32));
  g_assert_true (scm_form_get_enabled (form));
  wait_for_rows (page, 2);

  /* The form's dialog follows, showing the URL the CLI would print. */
  dialog = wait_for_toplevel (SCM_TYPE_FORM_DIALOG);
  first_extension = g_strdup (gtk_editable_get_text (GTK_EDITABLE (get_child (dialog, "extension_row"))));
  g_assert_cmpstr (first_extension, ==, scm_form_get_uri_extension (form));
  scm_test_ui_wait_for (form_dialog_has_url, dialog, "the endpoint URL");
  expected_url = dup_expected_url (first_extension);
  g_assert_cmpstr (scm_form_dialog_get_url (dialog), ==, expected_url);
  g_assert_nonnull (strstr (scm_form_dialog_get_url (dialog), "/enroll/"));
  g_assert_nonnull (strstr (scm_form_dialog_get_url (dialog), "#sha256="));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (get_child (dialog, "url_label"))), ==, expected_url);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.copy-url", NULL));
  copied = read_clipboard (dialog);
  g_assert_cmpstr (copied, ==, expected_url);

  /* Generate: another random extension, and its URL. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.generate-extension", NULL));
  second_extension = g_strdup (gtk_editable_get_text (GTK_EDITABLE (get_child (dialog, "extension_row"))));
  g_assert_true (is_hex (second_extension, 32));
  g_assert_cmpstr (second_extension, !=, first_extension);
  scm_test_ui_wait_for (form_dialog_has_url, dialog, "the new endpoint URL");
  g_clear_pointer (&expected_url, g_free);
  expected_url = dup_expected_url (second_extension);
  g_assert_cmpstr (scm_form_dialog_get_url (dialog), ==, expected_url);

  /* Configuration: Secret ID, help, and only Globex. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_child (dialog, "authentication_row")), 1);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (get_child (dialog, "help_text_view"))),
                            "Use your work email.\nAsk IT for your Secret ID.", -1);
  set_text (dialog, "help_link_text_row", "IT help");
  set_text (dialog, "help_link_url_row", "not a url");
  g_assert_nonnull (get_field_error (dialog, "help_link_url_error"));
  g_assert_false (can_save (dialog));
  set_text (dialog, "help_link_url_row", "https://it.example.com/certificates");
  g_assert_null (get_field_error (dialog, "help_link_url_error"));
  gtk_switch_set_active (GTK_SWITCH (get_child (dialog, "all_organizations_switch")), FALSE);
  g_assert_nonnull (strstr (get_field_error (dialog, "delegation_error"), "at least one organization"));
  g_assert_false (can_save (dialog));
  /* Globex, the second organization. */
  checks = list_checks (get_child (dialog, "organizations_group"), g_ptr_array_new ());
  g_assert_cmpuint (checks->len, ==, 2);
  gtk_check_button_set_active (checks->pdata[1], TRUE);
  g_assert_null (get_field_error (dialog, "delegation_error"));
  save_and_wait_closed (dialog);

  saved = scm_store_find_form_by_name (scm_test_ui_get_store (), "Contractors", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_form_get_uri_extension (saved), ==, second_extension);
  g_assert_cmpint (scm_form_get_authentication (saved), ==, SCM_AUTHENTICATION_SECRET_ID);
  g_assert_cmpstr (scm_form_get_help_text (saved), ==, "Use your work email.\nAsk IT for your Secret ID.");
  g_assert_cmpstr (scm_form_get_help_link_url (saved), ==, "https://it.example.com/certificates");
  g_assert_false (scm_form_get_all_organizations (saved));
  organization_ids = scm_form_get_organization_ids (saved);
  g_assert_cmpuint (organization_ids->len, ==, 1);
  g_assert_cmpint (g_array_index (organization_ids, gint64, 0), ==, fixture->globex_id);
  /* The first URL no longer opens a form. */
  g_clear_object (&form);
  form = scm_store_find_form_by_uri_extension (scm_test_ui_get_store (), first_extension, &error);
  g_assert_null (form);
  g_assert_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND);

  close_window (window);
}

/* Names and URI extensions already taken, or malformed: said as typed,
 * nothing saved. */
static void
test_form_refused (Fixture       *fixture,
                   gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "forms");
  ScmFormCreateDialog *create;
  ScmFormDialog *dialog;
  g_autoptr (ScmForm) staff = NULL;
  g_autoptr (ScmForm) other = scm_form_new ();
  g_autoptr (ScmForm) unchanged = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) forms = NULL;

  create = open_dialog (window, "forms", SCM_TYPE_FORM_CREATE_DIALOG);
  set_text (create, "name_row", "  STAFF ");
  g_assert_nonnull (strstr (get_field_error (create, "name_error"), "exists already"));
  g_assert_false (can_save (create));
  gtk_window_destroy (GTK_WINDOW (create));

  /* A second form, then its dialog takes the first one's name and URI
   * extension. */
  staff = scm_store_get_form (scm_test_ui_get_store (), fixture->staff_form_id, &error);
  g_assert_no_error (error);
  scm_form_set_name (other, "Visitors");
  scm_form_set_all_organizations (other, TRUE);
  g_assert_true (scm_store_create_form (scm_test_ui_get_store (), other, &error));
  g_assert_no_error (error);
  scm_list_page_invalidate (page);
  wait_for_rows (page, 2);
  g_assert_cmpstr (scm_form_get_name (get_row (page, 1)), ==, "Visitors");
  g_signal_emit_by_name (scm_list_page_get_column_view (page), "activate", 1);
  dialog = wait_for_toplevel (SCM_TYPE_FORM_DIALOG);
  g_assert_true (can_save (dialog));

  set_text (dialog, "name_row", "");
  g_assert_nonnull (get_field_error (dialog, "name_error"));
  g_assert_false (can_save (dialog));
  set_text (dialog, "name_row", "staff");
  g_assert_nonnull (strstr (get_field_error (dialog, "name_error"), "exists already"));
  set_text (dialog, "name_row", "Visitors");
  set_text (dialog, "extension_row", scm_form_get_uri_extension (staff));
  g_assert_nonnull (strstr (get_field_error (dialog, "extension_error"), "Staff"));
  g_assert_false (can_save (dialog));
  g_assert_null (scm_form_dialog_get_url (dialog));
  set_text (dialog, "extension_row", "short");
  g_assert_nonnull (strstr (get_field_error (dialog, "extension_error"), "8 to 64"));
  set_text (dialog, "extension_row", "bad/extension");
  g_assert_nonnull (get_field_error (dialog, "extension_error"));
  g_assert_false (can_save (dialog));

  /* Taken meanwhile by a form the dialog does not list: the store
   * refuses, the dialog says why, nothing changes. */
  set_text (dialog, "extension_row", "visitors-2026");
  g_assert_true (can_save (dialog));
  scm_form_set_uri_extension (staff, "visitors-2026");
  g_assert_true (scm_store_update_form (scm_test_ui_get_store (), staff, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (save_and_wait_refused (dialog), "already used"));
  unchanged = scm_store_get_form (scm_test_ui_get_store (), scm_form_get_id (other), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (scm_form_get_uri_extension (unchanged), ==, scm_form_get_uri_extension (other));
  forms = scm_store_list_forms (scm_test_ui_get_store (), &error);
  g_assert_cmpuint (forms->len, ==, 2);
  gtk_window_destroy (GTK_WINDOW (dialog));

  close_window (window);
}

/* A form may not drop the organization of one of its accounts: the store
 * says which account, and the form stays as it was. */
static void
test_form_delegation_refused (Fixture       *fixture,
                              gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "forms");
  g_autoptr (ScmAccount) account = scm_account_new ();
  g_autoptr (ScmProfile) client = NULL;
  g_autoptr (ScmForm) form = NULL;
  g_autoptr (GPtrArray) checks = NULL;
  g_autoptr (GError) error = NULL;
  ScmFormDialog *dialog;
  const char *message;

  client = scm_store_find_profile_by_name (scm_test_ui_get_store (), "Client Authentication", &error);
  g_assert_no_error (error);
  scm_account_set_form_id (account, fixture->staff_form_id);
  scm_account_set_name (account, "Laptops");
  scm_account_set_organization_id (account, fixture->acme_id);
  scm_account_add_profile_id (account, scm_profile_get_id (client));
  scm_account_set_csr_methods (account, SCM_CSR_METHOD_SERVER);
  g_assert_true (scm_store_create_account (scm_test_ui_get_store (), account, &error));
  g_assert_no_error (error);

  g_signal_emit_by_name (scm_list_page_get_column_view (page), "activate", 0);
  dialog = wait_for_toplevel (SCM_TYPE_FORM_DIALOG);
  gtk_switch_set_active (GTK_SWITCH (get_child (dialog, "all_organizations_switch")), FALSE);
  checks = list_checks (get_child (dialog, "organizations_group"), g_ptr_array_new ());
  /* Globex only, not Acme. */
  gtk_check_button_set_active (checks->pdata[1], TRUE);
  message = save_and_wait_refused (dialog);
  g_assert_nonnull (strstr (message, "Laptops"));
  g_assert_nonnull (strstr (message, "Acme Corporation"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));

  form = scm_store_get_form (scm_test_ui_get_store (), fixture->staff_form_id, &error);
  g_assert_no_error (error);
  g_assert_true (scm_form_get_all_organizations (form));

  gtk_window_destroy (GTK_WINDOW (dialog));
  close_window (window);
}

static gboolean
account_dialog_is_loaded (gpointer dialog)
{
  return scm_account_dialog_get_loaded (dialog);
}

static ScmAccountDialog *
open_account_dialog (ScmWindow *window)
{
  ScmAccountDialog *dialog = open_dialog (window, "accounts", SCM_TYPE_ACCOUNT_DIALOG);

  scm_test_ui_wait_for (account_dialog_is_loaded, dialog, "the account dialog's forms and profiles");
  return dialog;
}

/* Whether @text is anywhere in the data directory's database files. */
static gboolean
database_contains (Fixture    *fixture,
                   const char *text)
{
  static const char *names[] = { "scm-enroll.db", "scm-enroll.db-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (fixture->data_dir, names[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      gsize text_length = strlen (text);

      if (!g_file_get_contents (path, &contents, &length, NULL))
        continue;
      /* A binary file: NULs do not end the search. */
      for (gsize at = 0; at + text_length <= length; at++)
        if (memcmp (contents + at, text, text_length) == 0)
          return TRUE;
    }
  return FALSE;
}

static gboolean
code_is_not (gpointer data)
{
  gpointer *args = data;

  return g_strcmp0 (scm_account_dialog_get_access_code (args[0]), args[1]) != 0 &&
         scm_account_dialog_get_access_code (args[0]) != NULL;
}

/* An account with two profiles and an access code: the code is shown
 * once, the store keeps only its hash, and Regenerate replaces it. */
static void
test_account_access_code (Fixture       *fixture,
                          gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "accounts");
  ScmAccountDialog *dialog = open_account_dialog (window);
  g_autoptr (GPtrArray) checks = NULL;
  g_autoptr (ScmAccount) account = NULL;
  g_autoptr (ScmProfile) client = NULL;
  g_autoptr (ScmProfile) smime = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *copied = NULL;
  const char *new_code;
  gpointer args[2];
  gpointer weak;

  /* The only form is chosen; Server is preselected. */
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (get_child (dialog, "form_row"))), ==, 0);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (get_child (dialog, "server_check"))));
  g_assert_false (can_save (dialog));
  set_text (dialog, "name_row", "Laptops");
  /* No profile yet: Save waits, but a fresh dialog does not scold. */
  g_assert_null (get_field_error (dialog, "profiles_error"));
  g_assert_false (can_save (dialog));

  /* The built-in profiles by name: Client Authentication, S/MIME +
   * Client (Multipurpose), S/MIME Mailbox (Strict). */
  checks = list_checks (get_child (dialog, "profiles_group"), g_ptr_array_new ());
  g_assert_cmpuint (checks->len, ==, 3);
  gtk_check_button_set_active (checks->pdata[2], TRUE);
  gtk_check_button_set_active (checks->pdata[2], FALSE);
  g_assert_nonnull (strstr (get_field_error (dialog, "profiles_error"), "at least one certificate profile"));
  g_assert_false (can_save (dialog));
  gtk_check_button_set_active (checks->pdata[0], TRUE);
  gtk_check_button_set_active (checks->pdata[1], TRUE);
  g_assert_null (get_field_error (dialog, "profiles_error"));
  /* Acme's Sales department. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_child (dialog, "organization_row")), 0);
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_child (dialog, "department_row")), 1);
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_child (dialog, "authorization_row")), 1);
  g_assert_true (gtk_widget_get_visible (get_child (dialog, "access_code_row")));
  g_assert_true (can_save (dialog));

  /* Saving generates the code and shows it, once, with Copy. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  args[0] = dialog;
  args[1] = NULL;
  scm_test_ui_wait_for (code_is_not, args, "the access code");
  code = g_strdup (scm_account_dialog_get_access_code (dialog));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (get_child (dialog, "code_label"))), ==, code);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (get_child (dialog, "main_stack"))), ==, "code");
  g_assert_true (gtk_widget_get_visible (get_child (dialog, "done_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.copy-code", NULL));
  copied = read_clipboard (dialog);
  g_assert_cmpstr (copied, ==, code);

  account = scm_store_find_account_by_name (scm_test_ui_get_store (), fixture->staff_form_id, "Laptops", &error);
  g_assert_no_error (error);
  client = scm_store_find_profile_by_name (scm_test_ui_get_store (), "Client Authentication", &error);
  g_assert_no_error (error);
  smime = scm_store_find_profile_by_name (scm_test_ui_get_store (), "S/MIME + Client (Multipurpose)", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (scm_account_get_profile_ids (account)->len, ==, 2);
  g_assert_true (scm_account_has_profile (account, scm_profile_get_id (client)));
  g_assert_true (scm_account_has_profile (account, scm_profile_get_id (smime)));
  g_assert_cmpint (scm_account_get_organization_id (account), ==, fixture->acme_id);
  g_assert_cmpint (scm_account_get_department_id (account), ==, fixture->sales_id);
  g_assert_cmpint (scm_account_get_csr_methods (account), ==, SCM_CSR_METHOD_SERVER);
  g_assert_cmpint (scm_account_get_authorization (account), ==, SCM_AUTHORIZATION_ACCESS_CODE);
  g_assert_cmpint (scm_account_get_pkcs12_protection (account), ==, SCM_PKCS12_AES256_SHA256);
  g_assert_true (scm_account_get_has_access_code (account));
  /* The shown code authorizes; the database has only its hash. */
  g_assert_true (scm_store_verify_access_code (scm_test_ui_get_store (), scm_account_get_id (account), code));
  g_assert_false (scm_store_verify_access_code (scm_test_ui_get_store (), scm_account_get_id (account), "AAAA-BBBB-CCCC-DDDD"));
  plain = scm_secret_normalize (code);
  g_assert_false (database_contains (fixture, code));
  g_assert_false (database_contains (fixture, plain));
  wait_for_rows (page, 1);

  /* Regenerate: a new code, shown; the first one stops working. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.regenerate-code", NULL));
  args[1] = code;
  scm_test_ui_wait_for (code_is_not, args, "a new access code");
  new_code = scm_account_dialog_get_access_code (dialog);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (get_child (dialog, "code_label"))), ==, new_code);
  g_assert_true (scm_store_verify_access_code (scm_test_ui_get_store (), scm_account_get_id (account), new_code));
  g_assert_false (scm_store_verify_access_code (scm_test_ui_get_store (), scm_account_get_id (account), code));

  /* Done forgets it. */
  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL);
  scm_test_ui_wait_for (object_is_gone, &weak, "the account dialog to close");

  close_window (window);
}

/* Editing an account with a code: Regenerate makes the save bring a new
 * code; the rest keeps. */
static void
test_account_regenerate_on_save (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page;
  ScmAccountDialog *dialog;
  g_autoptr (ScmAccount) account = scm_account_new ();
  g_autoptr (ScmProfile) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  gpointer args[2];

  client = scm_store_find_profile_by_name (scm_test_ui_get_store (), "Client Authentication", &error);
  g_assert_no_error (error);
  scm_account_set_form_id (account, fixture->staff_form_id);
  scm_account_set_name (account, "Phones");
  scm_account_set_organization_id (account, fixture->acme_id);
  scm_account_add_profile_id (account, scm_profile_get_id (client));
  scm_account_set_csr_methods (account, SCM_CSR_METHOD_SERVER | SCM_CSR_METHOD_CLIENT);
  scm_account_set_authorization (account, SCM_AUTHORIZATION_ACCESS_CODE);
  g_assert_true (scm_store_create_account (scm_test_ui_get_store (), account, &error));
  g_assert_no_error (error);
  g_assert_true (scm_store_generate_access_code (scm_test_ui_get_store (), account, &code, &error));
  g_assert_no_error (error);

  page = show_page (window, "accounts");
  scm_list_page_invalidate (page);
  wait_for_rows (page, 1);
  g_signal_emit_by_name (scm_list_page_get_column_view (page), "activate", 0);
  dialog = wait_for_toplevel (SCM_TYPE_ACCOUNT_DIALOG);
  scm_test_ui_wait_for (account_dialog_is_loaded, dialog, "the account dialog's forms and profiles");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (get_child (dialog, "name_row"))), ==, "Phones");
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (get_child (dialog, "client_check"))));
  g_assert_true (gtk_widget_get_visible (get_child (dialog, "regenerate_button")));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.regenerate-code", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL));
  args[0] = dialog;
  args[1] = NULL;
  scm_test_ui_wait_for (code_is_not, args, "the new access code");
  g_assert_cmpstr (scm_account_dialog_get_access_code (dialog), !=, code);
  g_assert_true (scm_store_verify_access_code (scm_test_ui_get_store (), scm_account_get_id (account),
                                               scm_account_dialog_get_access_code (dialog)));
  g_assert_false (scm_store_verify_access_code (scm_test_ui_get_store (), scm_account_get_id (account), code));
  g_clear_pointer (&code, g_free);

  gtk_window_destroy (GTK_WINDOW (dialog));
  close_window (window);
}

/* Bad input on the account dialog: the reason under the field, Save
 * disabled, nothing stored. */
static void
test_account_refused (Fixture       *fixture,
                      gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmAccountDialog *dialog;
  g_autoptr (ScmAccount) account = scm_account_new ();
  g_autoptr (ScmProfile) client = NULL;
  g_autoptr (GPtrArray) checks = NULL;
  g_autoptr (GPtrArray) accounts = NULL;
  g_autoptr (GError) error = NULL;

  client = scm_store_find_profile_by_name (scm_test_ui_get_store (), "Client Authentication", &error);
  g_assert_no_error (error);
  scm_account_set_form_id (account, fixture->staff_form_id);
  scm_account_set_name (account, "Laptops");
  scm_account_set_organization_id (account, fixture->acme_id);
  scm_account_add_profile_id (account, scm_profile_get_id (client));
  scm_account_set_csr_methods (account, SCM_CSR_METHOD_SERVER);
  g_assert_true (scm_store_create_account (scm_test_ui_get_store (), account, &error));
  g_assert_no_error (error);
  /* Listed: the dialog knows the name is taken as it is typed. */
  wait_for_rows (show_page (window, "accounts"), 1);

  dialog = open_account_dialog (window);
  checks = list_checks (get_child (dialog, "profiles_group"), g_ptr_array_new ());
  gtk_check_button_set_active (checks->pdata[0], TRUE);
  set_text (dialog, "name_row", "laptops");
  g_assert_nonnull (strstr (get_field_error (dialog, "name_error"), "already has an account"));
  g_assert_false (can_save (dialog));
  set_text (dialog, "name_row", "   ");
  g_assert_nonnull (get_field_error (dialog, "name_error"));
  g_assert_false (can_save (dialog));
  set_text (dialog, "name_row", "Desktops");
  g_assert_true (can_save (dialog));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (get_child (dialog, "server_check")), FALSE);
  g_assert_nonnull (get_field_error (dialog, "csr_error"));
  g_assert_false (can_save (dialog));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL) &&
                  find_toplevel (SCM_TYPE_ACCOUNT_DIALOG) == NULL);
  scm_test_ui_drain_main_loop ();

  accounts = scm_store_list_accounts (scm_test_ui_get_store (), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
  close_window (window);
}

/* The forms list's row menu: Accounts shows that form's accounts. */
static void
test_form_accounts_action (Fixture       *fixture,
                           gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *forms = show_page (window, "forms");
  ScmListPage *accounts;
  g_autoptr (ScmForm) other = scm_form_new ();
  g_autoptr (ScmProfile) client = NULL;
  g_autoptr (GError) error = NULL;
  const char *names[] = { "Laptops", "Phones" };

  scm_form_set_name (other, "Visitors");
  scm_form_set_all_organizations (other, TRUE);
  g_assert_true (scm_store_create_form (scm_test_ui_get_store (), other, &error));
  g_assert_no_error (error);
  client = scm_store_find_profile_by_name (scm_test_ui_get_store (), "Client Authentication", &error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (ScmAccount) account = scm_account_new ();

      scm_account_set_form_id (account, i == 0 ? fixture->staff_form_id : scm_form_get_id (other));
      scm_account_set_name (account, names[i]);
      scm_account_set_organization_id (account, fixture->acme_id);
      scm_account_add_profile_id (account, scm_profile_get_id (client));
      scm_account_set_csr_methods (account, SCM_CSR_METHOD_SERVER);
      g_assert_true (scm_store_create_account (scm_test_ui_get_store (), account, &error));
      g_assert_no_error (error);
    }
  scm_list_page_invalidate (forms);
  wait_for_rows (forms, 2);

  /* Visitors, selected as a right click would. */
  gtk_selection_model_select_item (gtk_column_view_get_model (scm_list_page_get_column_view (forms)), 1, TRUE);
  g_assert_cmpstr (scm_form_get_name (get_row (forms, 1)), ==, "Visitors");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (forms), "form.show-accounts", NULL));
  g_assert_cmpstr (scm_window_get_visible_page (window), ==, "accounts");
  accounts = SCM_LIST_PAGE (gtk_stack_get_child_by_name (scm_window_get_stack (window), "accounts"));
  g_assert_cmpstr (gtk_editable_get_text (scm_list_page_get_search_entry (accounts)), ==, "Visitors");
  wait_for_rows (accounts, 1);
  g_assert_cmpstr (scm_account_get_name (get_row (accounts, 0)), ==, "Phones");

  close_window (window);
}

static gboolean
certificate_dialog_is_loaded (gpointer dialog)
{
  return scm_certificate_dialog_get_loaded (dialog);
}

static ScmCertificateDialog *
open_certificate_dialog (ScmWindow       *window,
                         ScmCertificate **out_certificate)
{
  ScmListPage *page = show_page (window, "certificates");
  ScmCertificateDialog *dialog;

  g_assert_cmpuint (count_rows (page), ==, 1);
  *out_certificate = g_object_ref (get_row (page, 0));
  g_signal_emit_by_name (scm_list_page_get_column_view (page), "activate", 0);
  dialog = wait_for_toplevel (SCM_TYPE_CERTIFICATE_DIALOG);
  scm_test_ui_wait_for (certificate_dialog_is_loaded, dialog, "the certificate details");
  return dialog;
}

static const char *
get_value (gpointer    dialog,
           const char *id)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (get_child (dialog, id)));
}

static void
test_certificate_details (Fixture       *fixture,
                          gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  g_autoptr (ScmCertificate) listed = NULL;
  g_autoptr (ScmCertificate) stored = NULL;
  ScmCertificateDialog *dialog = open_certificate_dialog (window, &listed);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) fingerprint = g_string_new (NULL);
  char *copied;
  const char *hex;

  stored = scm_store_get_certificate (scm_test_ui_get_store (), scm_certificate_get_id (listed), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (get_value (dialog, "serial_row"), ==, scm_certificate_get_serial (stored));
  hex = scm_certificate_get_fingerprint (stored);
  for (gsize i = 0; hex[i] != '\0'; i++)
    {
      if (i > 0 && i % 2 == 0)
        g_string_append_c (fingerprint, ':');
      g_string_append_c (fingerprint, g_ascii_toupper (hex[i]));
    }
  g_assert_cmpstr (get_value (dialog, "fingerprint_row"), ==, fingerprint->str);
  g_assert_cmpstr (get_value (dialog, "status_row"), ==, "Valid");
  g_assert_cmpstr (get_value (dialog, "profile_row"), ==, "Client Authentication");
  g_assert_nonnull (strstr (get_value (dialog, "sans_row"), "ada@example.com"));
  g_assert_nonnull (strstr (get_value (dialog, "subject_row"), "ada@example.com"));
  g_assert_cmpstr (get_value (dialog, "key_row"), ==, "EC-P256");
  g_assert_nonnull (strstr (get_value (dialog, "issuer_row"), "CN="));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.copy-serial", NULL));
  copied = read_clipboard (dialog);
  g_assert_cmpstr (copied, ==, scm_certificate_get_serial (stored));
  g_free (copied);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.copy-fingerprint", NULL));
  copied = read_clipboard (dialog);
  g_assert_cmpstr (copied, ==, fingerprint->str);
  g_free (copied);

  gtk_window_destroy (GTK_WINDOW (dialog));
  close_window (window);
}

static ScmCertificateDialog *
open_details_of (ScmWindow      *window,
                 ScmCertificate *certificate)
{
  ScmListPage *page = show_page (window, "certificates");
  ScmCertificateDialog *dialog;

  dialog = scm_certificate_dialog_new (GTK_WINDOW (window), scm_list_page_get_authority (page),
                                       scm_list_page_get_index (page), certificate);
  gtk_window_present (GTK_WINDOW (dialog));
  scm_test_ui_wait_for (certificate_dialog_is_loaded, dialog, "the certificate details");
  return dialog;
}

static gboolean
another_dialog_is_loaded (gpointer data)
{
  ScmCertificateDialog *first = data;
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours to free */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (SCM_IS_CERTIFICATE_DIALOG (toplevel) && toplevel != (GObject *) first
          && scm_certificate_dialog_get_loaded (SCM_CERTIFICATE_DIALOG (toplevel)))
        return TRUE;
    }
  return FALSE;
}

static ScmCertificateDialog *
find_other_dialog (ScmCertificateDialog *first)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* not ours to free */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (SCM_IS_CERTIFICATE_DIALOG (toplevel) && toplevel != (GObject *) first)
        return SCM_CERTIFICATE_DIALOG (toplevel);
    }
  g_assert_not_reached ();
}

/* A renewal issued through the core: each certificate's details name the
 * other, and activating the row opens the other's details. */
static void
test_certificate_renewal_chain (Fixture       *fixture,
                                gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmAuthority *authority = scm_application_get_authority (scm_test_ui_get_application ());
  g_autoptr (ScmCertificate) old = NULL;
  g_autoptr (ScmPerson) ada = NULL;
  g_autoptr (ScmProfile) profile = NULL;
  g_autoptr (ScmIssueResult) renewal = NULL;
  g_autoptr (GError) error = NULL;
  ScmCertificateDialog *old_dialog = open_certificate_dialog (window, &old);
  ScmCertificateDialog *new_dialog;
  ScmCertificateDialog *opened;
  ScmIssueRequest request = { 0 };

  /* Before any renewal, neither row shows. */
  g_assert_false (gtk_widget_get_visible (get_child (old_dialog, "renewed_from_row")));
  g_assert_false (gtk_widget_get_visible (get_child (old_dialog, "renewed_by_row")));
  g_assert_false (gtk_widget_get_visible (get_child (old_dialog, "renewal_group")));
  gtk_window_destroy (GTK_WINDOW (old_dialog));

  ada = scm_store_find_person_by_email (scm_test_ui_get_store (), "ada@example.com", &error);
  g_assert_no_error (error);
  profile = scm_store_find_profile_by_name (scm_test_ui_get_store (), "Client Authentication", &error);
  g_assert_no_error (error);
  request.person = ada;
  request.profile = profile;
  request.key_type = SCM_KEY_TYPE_EC_P256;
  request.pkcs12_password = "hollow Lantern 47 meadow";
  request.protection = SCM_PKCS12_AES256_SHA256;
  request.requested_via = SCM_REQUESTED_VIA_ADMIN;
  request.renews_certificate_id = scm_certificate_get_id (old);
  renewal = scm_authority_issue (authority, &request, NULL, &error);
  g_assert_no_error (error);

  old_dialog = open_details_of (window, old);
  g_assert_true (gtk_widget_get_visible (get_child (old_dialog, "renewal_group")));
  g_assert_false (gtk_widget_get_visible (get_child (old_dialog, "renewed_from_row")));
  g_assert_true (gtk_widget_get_visible (get_child (old_dialog, "renewed_by_row")));
  g_assert_cmpstr (get_value (old_dialog, "renewed_by_row"), ==,
                   scm_certificate_get_serial (renewal->certificate));

  new_dialog = open_details_of (window, renewal->certificate);
  g_assert_true (gtk_widget_get_visible (get_child (new_dialog, "renewed_from_row")));
  g_assert_false (gtk_widget_get_visible (get_child (new_dialog, "renewed_by_row")));
  g_assert_cmpstr (get_value (new_dialog, "renewed_from_row"), ==, scm_certificate_get_serial (old));
  gtk_window_destroy (GTK_WINDOW (new_dialog));

  /* "Renewed By" opens the renewal's own details. */
  g_signal_emit_by_name (get_child (old_dialog, "renewed_by_row"), "activated");
  scm_test_ui_wait_for (another_dialog_is_loaded, old_dialog, "the renewal's details");
  opened = find_other_dialog (old_dialog);
  g_assert_cmpstr (get_value (opened, "serial_row"), ==, scm_certificate_get_serial (renewal->certificate));
  g_assert_cmpstr (get_value (opened, "renewed_from_row"), ==, scm_certificate_get_serial (old));

  gtk_window_destroy (GTK_WINDOW (opened));
  gtk_window_destroy (GTK_WINDOW (old_dialog));
  close_window (window);
}

static gboolean
certificate_is_revoked (gpointer data)
{
  g_autoptr (ScmCertificate) certificate = scm_store_get_certificate (scm_test_ui_get_store (), *(gint64 *) data, NULL);

  return certificate != NULL && scm_certificate_get_status (certificate) == SCM_CERT_STATUS_REVOKED;
}

static void
test_certificate_revoke (Fixture       *fixture,
                         gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  g_autoptr (ScmCertificate) listed = NULL;
  ScmCertificateDialog *dialog = open_certificate_dialog (window, &listed);
  g_autoptr (ScmCertificate) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) crl = NULL;
  g_autofree char *crl_path = g_build_filename (fixture->dir, "current.crl", NULL);
  g_autofree char *crl_text = NULL;
  g_autofree char *serial_line = NULL;
  AdwMessageDialog *confirm;
  GtkWidget *dropdown = NULL;
  gint64 id = scm_certificate_get_id (listed);
  ScmAuthority *authority = scm_application_get_authority (scm_test_ui_get_application ());
  const char *argv[] = { "openssl", "crl", "-inform", "DER", "-in", crl_path, "-noout", "-text", NULL };

  /* Asks first, with the reason. Cancel changes nothing. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.revoke", NULL));
  confirm = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  adw_message_dialog_response (confirm, "cancel");
  gtk_window_destroy (GTK_WINDOW (confirm));
  scm_test_ui_drain_main_loop ();
  g_assert_false (certificate_is_revoked (&id));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.revoke", NULL));
  confirm = wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  {
    g_autoptr (GPtrArray) stack = g_ptr_array_new ();

    g_ptr_array_add (stack, confirm);
    while (stack->len > 0 && dropdown == NULL)
      {
        GtkWidget *widget = g_ptr_array_steal_index (stack, stack->len - 1);

        if (GTK_IS_DROP_DOWN (widget))
          dropdown = widget;
        for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
             child = gtk_widget_get_next_sibling (child))
          g_ptr_array_add (stack, child);
      }
  }
  g_assert_nonnull (dropdown);
  /* Key Compromise. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 1);
  adw_message_dialog_response (confirm, "revoke");
  gtk_window_destroy (GTK_WINDOW (confirm));
  scm_test_ui_wait_for (certificate_is_revoked, &id, "the certificate to be revoked");
  scm_test_ui_wait_for (certificate_dialog_is_loaded, dialog, "the details to show the revocation");

  stored = scm_store_get_certificate (scm_test_ui_get_store (), id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_certificate_get_revocation_reason (stored), ==, SCM_REVOCATION_KEY_COMPROMISE);
  g_assert_nonnull (strstr (get_value (dialog, "status_row"), "Revoked on"));
  g_assert_nonnull (strstr (get_value (dialog, "status_row"), "Key Compromise"));
  g_assert_false (gtk_widget_get_sensitive (get_child (dialog, "revoke_button")));

  /* The CRL the endpoint serves lists it, with the reason. */
  crl = scm_authority_get_crl (authority, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (crl_path, g_bytes_get_data (crl, NULL), g_bytes_get_size (crl), &error));
  g_assert_no_error (error);
  if (scm_test_require_tool ("openssl", "openssl"))
    {
      g_assert_cmpint (scm_test_run (argv, NULL, &crl_text, NULL), ==, 0);
      serial_line = g_strdup_printf ("Serial Number: %s", scm_certificate_get_serial (stored));
      g_assert_nonnull (strstr (crl_text, serial_line));
      g_assert_nonnull (strstr (crl_text, "Key Compromise"));
    }

  /* The list says so too. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_for_cell (show_page (window, "certificates"), "Revoked");
  close_window (window);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;

  if (!scm_certificate_dialog_export_finish (SCM_CERTIFICATE_DIALOG (source), result, error) && *error == NULL)
    g_assert_not_reached ();
  g_object_set_data (source, "scm-test-exported", GINT_TO_POINTER (TRUE));
}

static gboolean
is_exported (gpointer dialog)
{
  return g_object_get_data (G_OBJECT (dialog), "scm-test-exported") != NULL;
}

static void
test_certificate_export (Fixture       *fixture,
                         gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  g_autoptr (ScmCertificate) listed = NULL;
  ScmCertificateDialog *dialog = open_certificate_dialog (window, &listed);
  g_autofree char *path = g_build_filename (fixture->dir, "ada.pem", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  const char *argv[] = { "openssl", "x509", "-in", path, "-noout", "-serial", "-fingerprint", "-sha256", NULL };

  /* Over an older file, as the file chooser allows after asking. */
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  scm_certificate_dialog_export_async (dialog, file, NULL, export_done_cb, &error);
  scm_test_ui_wait_for (is_exported, dialog, "the export");
  g_assert_no_error (error);

  if (scm_test_require_tool ("openssl", "openssl"))
    {
      g_assert_cmpint (scm_test_run (argv, NULL, &out, NULL), ==, 0);
      expected = g_strdup_printf ("serial=%s", scm_certificate_get_serial (listed));
      g_assert_nonnull (strstr (out, expected));
    }

  /* A place that cannot be written: an error, not a crash. */
  g_clear_object (&file);
  file = g_file_new_for_path ("/nonexistent-dir/ada.pem");
  g_object_set_data (G_OBJECT (dialog), "scm-test-exported", NULL);
  scm_certificate_dialog_export_async (dialog, file, NULL, export_done_cb, &error);
  scm_test_ui_wait_for (is_exported, dialog, "the failed export");
  g_assert_nonnull (error);

  gtk_window_destroy (GTK_WINDOW (dialog));
  close_window (window);
}

static void
test_profiles (Fixture       *fixture,
               gconstpointer  user_data)
{
  ScmWindow *window = open_window (fixture);
  ScmListPage *page = show_page (window, "profiles");
  ScmProfileDialog *dialog;
  g_autoptr (ScmProfile) profile = NULL;
  g_autoptr (GError) error = NULL;
  GArray *terms;

  /* A built-in profile shows, read-only. */
  g_signal_emit_by_name (scm_list_page_get_column_view (page), "activate", 0);
  dialog = wait_for_toplevel (SCM_TYPE_PROFILE_DIALOG);
  g_assert_true (scm_profile_get_builtin (get_row (page, 0)));
  g_assert_true (gtk_widget_get_visible (get_child (dialog, "builtin_group")));
  g_assert_false (gtk_widget_get_visible (get_child (dialog, "save_button")));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (get_child (dialog, "name_row"))));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (dialog), "dialog.save", NULL) &&
                  find_toplevel (SCM_TYPE_PROFILE_DIALOG) == NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* A custom one: validated as typed, then stored. */
  dialog = open_dialog (window, "profiles", SCM_TYPE_PROFILE_DIALOG);
  set_text (dialog, "name_row", "client authentication");
  g_assert_nonnull (strstr (get_field_error (dialog, "name_error"), "exists already"));
  set_text (dialog, "name_row", "Short-lived Laptops");
  set_text (dialog, "terms_row", "30, 900");
  g_assert_nonnull (get_field_error (dialog, "terms_error"));
  g_assert_false (can_save (dialog));
  set_text (dialog, "terms_row", "30, 90");
  set_text (dialog, "max_row", "many");
  g_assert_nonnull (get_field_error (dialog, "max_error"));
  set_text (dialog, "max_row", "2");
  set_text (dialog, "policy_oid_row", "1.3.6.1.4.1.99999.1");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (get_child (dialog, "rsa2048_check")), FALSE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (get_child (dialog, "p256_check")), FALSE);
  g_assert_nonnull (get_field_error (dialog, "key_types_error"));
  g_assert_false (can_save (dialog));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (get_child (dialog, "p384_check")), TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (get_child (dialog, "purpose_row")), 2);
  save_and_wait_closed (dialog);

  profile = scm_store_find_profile_by_name (scm_test_ui_get_store (), "Short-lived Laptops", &error);
  g_assert_no_error (error);
  g_assert_false (scm_profile_get_builtin (profile));
  g_assert_cmpint (scm_profile_get_purpose (profile), ==, SCM_PURPOSE_CLIENT_AUTH | SCM_PURPOSE_SMIME);
  g_assert_cmpuint (scm_profile_get_key_types (profile)->len, ==, 1);
  g_assert_true (scm_profile_allows_key_type (profile, SCM_KEY_TYPE_EC_P384));
  terms = scm_profile_get_terms (profile);
  g_assert_cmpuint (terms->len, ==, 2);
  g_assert_true (scm_profile_allows_term (profile, 90));
  g_assert_cmpuint (scm_profile_get_max_per_person (profile), ==, 2);
  g_assert_cmpstr (scm_profile_get_policy_oid (profile), ==, "1.3.6.1.4.1.99999.1");
  wait_for_rows (page, 4);

  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (TRUE), fixture_set_up, func, fixture_tear_down)

  ADD ("/admin/form/create", test_form_create);
  ADD ("/admin/form/refused", test_form_refused);
  ADD ("/admin/form/accounts-action", test_form_accounts_action);
  ADD ("/admin/form/delegation-refused", test_form_delegation_refused);
  ADD ("/admin/account/access-code", test_account_access_code);
  ADD ("/admin/account/regenerate-on-save", test_account_regenerate_on_save);
  ADD ("/admin/account/refused", test_account_refused);
  ADD ("/admin/certificate/details", test_certificate_details);
  ADD ("/admin/certificate/revoke", test_certificate_revoke);
  ADD ("/admin/certificate/export", test_certificate_export);
  ADD ("/admin/certificate/renewal-chain", test_certificate_renewal_chain);
  ADD ("/admin/profile", test_profiles);

#undef ADD

  return g_test_run ();
}
