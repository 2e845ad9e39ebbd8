/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "scm-application.h"
#include "scm-authority.h"
#include "scm-csv-reader.h"
#include "scm-import-preview-row.h"
#include "scm-import-wizard.h"
#include "scm-list-page.h"
#include "scm-store.h"
#include "scm-test-ui.h"
#include "scm-test-util.h"
#include "scm-window.h"

/* The CSV import wizard driven like an administrator would: through the
 * window's Ctrl+I action or the Persons page's Import button, on a real
 * data directory. With SCM_TEST_SCREENSHOTS=DIR each step is saved as a
 * PNG there. */

/* Waiting ------------------------------------------------------------------ */

static gboolean
wizard_is_idle (gpointer data)
{
  return !scm_import_wizard_get_busy (data);
}

typedef struct
{
  ScmImportWizard *wizard;
  const char *step;
} StepWait;

static gboolean
wizard_is_at (gpointer data)
{
  StepWait *wait = data;

  return !scm_import_wizard_get_busy (wait->wizard)
         && g_str_equal (scm_import_wizard_get_step (wait->wizard), wait->step);
}

static void
wait_for_step (ScmImportWizard *wizard,
               const char      *step)
{
  StepWait wait = { wizard, step };
  g_autofree char *what = g_strdup_printf ("the wizard's step “%s”", step);

  scm_test_ui_wait_for (wizard_is_at, &wait, what);
}

/* The data directory ------------------------------------------------------- */

typedef struct
{
  char *dir;
  char *data_dir;
  gint64 acme_id;
  gint64 sales_id;
} Fixture;

static gint64
add_organization (ScmStore   *store,
                  const char *name)
{
  g_autoptr (ScmOrganization) organization = scm_organization_new ();
  g_autoptr (GError) error = NULL;

  scm_organization_set_name (organization, name);
  g_assert_true (scm_store_create_organization (store, organization, &error));
  g_assert_no_error (error);
  return scm_organization_get_id (organization);
}

static void
add_domain (ScmStore   *store,
            const char *name,
            gint64      organization_id,
            gint64      department_id)
{
  g_autoptr (ScmDomain) domain = scm_domain_new ();
  g_autoptr (GError) error = NULL;

  scm_domain_set_name (domain, name);
  scm_domain_set_organization_id (domain, organization_id);
  scm_domain_set_department_id (domain, department_id);
  g_assert_true (scm_store_create_domain (store, domain, &error));
  g_assert_no_error (error);
  g_assert_true (scm_store_set_domain_validated (store, domain, TRUE, &error));
  g_assert_no_error (error);
}

/* Acme (with a department Sales) owns example.com, Globex globex.test;
 * one person exists already. */
static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr (ScmStore) store = NULL;
  g_autoptr (ScmAuthority) authority = NULL;
  g_autoptr (ScmDepartment) sales = scm_department_new ();
  g_autoptr (ScmPerson) linus = scm_person_new ();
  g_autoptr (GError) error = NULL;
  gint64 globex_id;

  fixture->dir = scm_test_make_tmp_dir ("scm-import-wizard-XXXXXX");
  fixture->data_dir = g_build_filename (fixture->dir, "data", NULL);

  store = scm_store_open (fixture->data_dir, &error);
  g_assert_no_error (error);
  authority = scm_authority_open (store, NULL, &error);
  g_assert_no_error (error);

  fixture->acme_id = add_organization (store, "Acme Corporation");
  globex_id = add_organization (store, "Globex");
  scm_department_set_organization_id (sales, fixture->acme_id);
  scm_department_set_name (sales, "Sales");
  g_assert_true (scm_store_create_department (store, sales, &error));
  g_assert_no_error (error);
  fixture->sales_id = scm_department_get_id (sales);
  add_domain (store, "example.com", fixture->acme_id, 0);
  add_domain (store, "globex.test", globex_id, 0);

  scm_person_set_email (linus, "linus@example.com");
  scm_person_set_first_name (linus, "Linus");
  scm_person_set_last_name (linus, "Torvalds");
  scm_person_set_organization_id (linus, fixture->acme_id);
  g_assert_true (scm_store_create_person (store, linus, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  scm_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->data_dir);
}

static GFile *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

/* An Excel-style file: BOM, semicolons, a column the import does not
 * know, no Organization column; rows 4 to 7 are wrong, row 8 exists. */
static const char mixed_csv[] =
  "\xEF\xBB\xBF" "First Name;Last Name;E-Mail;Phone;Notes\r\n"
  "Ada;Lovelace;ada@example.com;+44 20 7946 0000;first\r\n"
  "Grace;Hopper;grace@example.com;;\r\n"
  "Bad;Address;not-an-email;;\r\n"
  ";Nofirst;nofirst@example.com;;\r\n"
  "Ada;Again;ADA@example.com;;case differs\r\n"
  "Bob;Outside;bob@elsewhere.test;;\r\n"
  "Linus;Torvalds;LINUS@example.com;;exists\r\n"
  "Alan;Turing;alan@example.com;;\r\n";

/* The window and the wizard ------------------------------------------------- */

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
get_persons_page (ScmWindow *window)
{
  GtkWidget *page = gtk_stack_get_child_by_name (scm_window_get_stack (window), "persons");

  g_assert_true (SCM_IS_LIST_PAGE (page));
  return SCM_LIST_PAGE (page);
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

static gpointer
get_child (gpointer    widget,
           const char *id)
{
  GtkWidget *child = find_child (GTK_WIDGET (widget), id);

  if (child == NULL)
    g_error ("no widget “%s” in %s", id, G_OBJECT_TYPE_NAME (widget));
  return child;
}

static void
collect_widgets (GtkWidget *widget,
                 GType      type,
                 GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, type, found);
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

static const char *
label_text (gpointer    wizard,
            const char *id)
{
  return gtk_label_get_text (GTK_LABEL (get_child (wizard, id)));
}

/* Saves what the wizard shows, for people to look at. */
static void
screenshot (gpointer    window,
            const char *name)
{
  GtkWidget *wizard = window;
  const char *dir = g_getenv ("SCM_TEST_SCREENSHOTS");
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL)
    return;
  /* Let the stack's transition end and the window lay itself out. */
  for (int i = 0; i < 40; i++)
    {
      g_usleep (10000);
      scm_test_ui_drain_main_loop ();
    }
  width = gtk_widget_get_width (wizard);
  height = gtk_widget_get_height (wizard);
  paintable = gtk_widget_paintable_new (wizard);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (wizard)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_strdup_printf ("%s/import-wizard-%s.png", dir, name);
  gdk_texture_save_to_png (texture, path);
}

static gboolean
wizard_is_shown (gpointer data)
{
  return find_toplevel (SCM_TYPE_IMPORT_WIZARD) != NULL;
}

/* Opens the wizard with Ctrl+I's action, or the Persons page's button. */
static ScmImportWizard *
open_wizard (ScmWindow *window,
             gboolean   with_button)
{
  ScmImportWizard *wizard;

  if (with_button)
    {
      ScmListPage *page = get_persons_page (window);
      g_autoptr (GPtrArray) buttons = g_ptr_array_new ();
      GtkWidget *import_button = NULL;

      scm_window_set_visible_page (window, "persons");
      scm_test_ui_wait_for (scm_test_ui_page_is_loaded, page, "the persons page");
      collect_widgets (GTK_WIDGET (page), GTK_TYPE_BUTTON, buttons);
      for (guint i = 0; i < buttons->len; i++)
        if (g_strcmp0 (gtk_actionable_get_action_name (buttons->pdata[i]), "persons.import") == 0)
          import_button = buttons->pdata[i];
      g_assert_nonnull (import_button);
      g_assert_true (gtk_widget_is_sensitive (import_button));
      g_assert_true (gtk_widget_activate (import_button));
    }
  else
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.import-persons", NULL));

  /* A button's activation clicks it a moment later, as a key press would. */
  scm_test_ui_wait_for (wizard_is_shown, NULL, "the wizard to open");
  wizard = SCM_IMPORT_WIZARD (find_toplevel (SCM_TYPE_IMPORT_WIZARD));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (wizard)) == GTK_WINDOW (window));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (wizard)));
  g_assert_cmpstr (scm_window_get_visible_page (window), ==, "persons");
  scm_test_ui_wait_for (wizard_is_idle, wizard, "the wizard to list the organizations");
  g_assert_cmpstr (scm_import_wizard_get_step (wizard), ==, "file");
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL)
                  && !g_str_equal (scm_import_wizard_get_step (wizard), "file"));
  screenshot (wizard, "1-file");
  return wizard;
}

static void
choose_file (ScmImportWizard *wizard,
             GFile           *file)
{
  scm_import_wizard_set_file (wizard, file);
  wait_for_step (wizard, "mapping");
  screenshot (wizard, "2-mapping");
}

static void
next (ScmImportWizard *wizard)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
}

/* The rows of the preview, as its list shows them. */
static GListModel *
get_preview (ScmImportWizard *wizard)
{
  GtkColumnView *view = get_child (wizard, "preview_view");

  g_assert_nonnull (gtk_column_view_get_model (view));
  return G_LIST_MODEL (gtk_column_view_get_model (view));
}

static ScmImportPreviewRow *
find_preview_row (ScmImportWizard *wizard,
                  guint            line)
{
  GListModel *rows = get_preview (wizard);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr (ScmImportPreviewRow) row = g_list_model_get_item (rows, i);

      if (scm_import_preview_row_get_line (row) == line)
        return g_steal_pointer (&row);
    }
  g_error ("no row for line %u in the preview", line);
  return NULL;
}

static void
assert_row (ScmImportWizard *wizard,
            guint            line,
            gboolean         failed,
            const char      *reason_part)
{
  g_autoptr (ScmImportPreviewRow) row = find_preview_row (wizard, line);
  const char *reason = scm_import_preview_row_get_reason (row);

  g_assert_cmpint (scm_import_preview_row_get_failed (row), ==, failed);
  if (reason_part == NULL)
    g_assert_cmpstr (reason, ==, "");
  else if (strstr (reason, reason_part) == NULL)
    g_error ("line %u: “%s” does not say “%s”", line, reason, reason_part);
}

static GtkDropDown *
get_column_dropdown (ScmImportWizard *wizard,
                     const char      *title)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new ();

  collect_widgets (get_child (wizard, "columns_group"), ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (rows->pdata[i]), title) == 0)
      {
        g_autoptr (GPtrArray) dropdowns = g_ptr_array_new ();

        collect_widgets (rows->pdata[i], GTK_TYPE_DROP_DOWN, dropdowns);
        g_assert_cmpuint (dropdowns->len, ==, 1);
        return dropdowns->pdata[0];
      }
  g_error ("no column “%s”", title);
  return NULL;
}

static const char *
get_column_samples (ScmImportWizard *wizard,
                    const char      *title)
{
  GtkWidget *row = GTK_WIDGET (get_column_dropdown (wizard, title));

  while (!ADW_IS_ACTION_ROW (row))
    row = gtk_widget_get_parent (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static void
select_combo (ScmImportWizard *wizard,
              const char      *id,
              const char      *text)
{
  AdwComboRow *row = get_child (wizard, id);
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), text))
        {
          adw_combo_row_set_selected (row, i);
          return;
        }
    }
  g_error ("“%s” is not a choice of %s", text, id);
}

static void
close_all (ScmImportWizard *wizard,
           ScmWindow       *window)
{
  GtkWindow *dialog;

  /* Dialogs the wizard showed go first. */
  while ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL)
    gtk_window_destroy (dialog);
  if (wizard != NULL)
    gtk_window_destroy (GTK_WINDOW (wizard));
  gtk_window_destroy (GTK_WINDOW (window));
  scm_test_ui_drain_main_loop ();
}

static gint64
count_persons (void)
{
  return scm_store_count_persons (scm_test_ui_get_store (), 0);
}

/* The indexes of the persons table, as another connection sees them: a
 * large import builds some of them at its commit, and a cancelled one
 * must leave them all. */
static int
count_person_indexes (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->data_dir, "scm-enroll.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int n = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM sqlite_master"
                                       " WHERE type = 'index' AND tbl_name = 'persons'"
                                       " AND sql IS NOT NULL", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* The audit log's events about persons (and their imports). */
static guint
count_person_events (void)
{
  ScmAuditFilter filter = { .action = "person." };
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GError) error = NULL;

  events = scm_store_list_audit_events (scm_test_ui_get_store (), &filter, 0, &error);
  g_assert_no_error (error);
  return events->len;
}

/* Tests ------------------------------------------------------------------------ */

static gboolean
message_dialog_shown (gpointer data)
{
  return find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static void
read_secret_ids (const char *path,
                 GPtrArray  *emails,
                 GPtrArray  *secrets)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) stream = g_file_read (file, NULL, NULL);
  g_autoptr (ScmCsvReader) reader = NULL;
  g_autoptr (GError) error = NULL;
  gboolean header = TRUE;

  g_assert_nonnull (stream);
  reader = scm_csv_reader_new (G_INPUT_STREAM (stream));
  while (scm_csv_reader_next (reader, NULL, &error))
    {
      g_assert_cmpuint (scm_csv_reader_get_n_fields (reader), ==, 4);
      if (header)
        {
          g_assert_cmpstr (scm_csv_reader_get_field (reader, 0), ==, "Email");
          g_assert_cmpstr (scm_csv_reader_get_field (reader, 3), ==, "Secret ID");
          header = FALSE;
          continue;
        }
      g_ptr_array_add (emails, g_strdup (scm_csv_reader_get_field (reader, 0)));
      g_ptr_array_add (secrets, g_strdup (scm_csv_reader_get_field (reader, 3)));
    }
  g_assert_no_error (error);
}

/* Ctrl+I, a file with valid rows and errors: the preview names each
 * error's line and reason, and the valid rows only are imported. */
static void
test_valid_only (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr (GFile) file = write_file (fixture, "persons.csv", mixed_csv, -1);
  g_autofree char *secrets_path = g_build_filename (fixture->dir, "secret-ids.csv", NULL);
  g_autoptr (GFile) secrets_file = g_file_new_for_path (secrets_path);
  g_autoptr (GPtrArray) emails = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) secrets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (ScmPerson) ada = NULL;
  g_autoptr (GError) error = NULL;
  ScmWindow *window = open_window (fixture);
  ScmImportWizard *wizard = open_wizard (window, FALSE);
  GtkCheckButton *errors_only;
  AdwMessageDialog *dialog;
  ScmPersonImport *result;
  GStatBuf st;

  choose_file (wizard, file);

  /* The detected mapping, with samples; Notes is not a person field. */
  g_assert_cmpuint (gtk_drop_down_get_selected (get_column_dropdown (wizard, "E-Mail")), ==,
                    SCM_PERSON_FIELD_EMAIL);
  g_assert_cmpuint (gtk_drop_down_get_selected (get_column_dropdown (wizard, "Last Name")), ==,
                    SCM_PERSON_FIELD_LAST_NAME);
  g_assert_cmpuint (gtk_drop_down_get_selected (get_column_dropdown (wizard, "Notes")), ==,
                    SCM_PERSON_FIELD_NONE);
  g_assert_nonnull (strstr (get_column_samples (wizard, "E-Mail"), "ada@example.com"));
  g_assert_nonnull (strstr (get_column_samples (wizard, "E-Mail"), "grace@example.com"));

  /* Choosing a field for a second column takes it from the first. */
  gtk_drop_down_set_selected (get_column_dropdown (wizard, "Notes"), SCM_PERSON_FIELD_PHONE);
  g_assert_cmpuint (gtk_drop_down_get_selected (get_column_dropdown (wizard, "Phone")), ==,
                    SCM_PERSON_FIELD_NONE);
  gtk_drop_down_set_selected (get_column_dropdown (wizard, "Phone"), SCM_PERSON_FIELD_PHONE);
  g_assert_cmpuint (gtk_drop_down_get_selected (get_column_dropdown (wizard, "Notes")), ==,
                    SCM_PERSON_FIELD_NONE);

  /* Two organizations and no Organization column: the validation says
   * what to do and the wizard stays on the columns. */
  select_combo (wizard, "organization_row", "None");
  next (wizard);
  scm_test_ui_wait_for (message_dialog_shown, NULL, "the validation error");
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "default organization"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpstr (scm_import_wizard_get_step (wizard), ==, "mapping");

  select_combo (wizard, "organization_row", "Acme Corporation");
  select_combo (wizard, "mode_row", "Import the valid rows");
  next (wizard);
  wait_for_step (wizard, "preview");
  screenshot (wizard, "3-preview");

  g_assert_cmpstr (label_text (wizard, "counts_label"), ==,
                   "8 rows checked: 3 new, 0 to update, 1 to skip, 4 with errors");
  g_assert_cmpuint (g_list_model_get_n_items (get_preview (wizard)), ==, 8);
  assert_row (wizard, 2, FALSE, NULL);
  assert_row (wizard, 3, FALSE, NULL);
  assert_row (wizard, 4, TRUE, "E-Mail: ");
  assert_row (wizard, 5, TRUE, "First Name: ");
  assert_row (wizard, 6, TRUE, "line 2");
  assert_row (wizard, 7, TRUE, "elsewhere.test");
  assert_row (wizard, 8, FALSE, NULL);
  assert_row (wizard, 9, FALSE, NULL);
  {
    g_autoptr (ScmImportPreviewRow) row = find_preview_row (wizard, 8);
    g_assert_cmpstr (scm_import_preview_row_get_status (row), ==, "Skip, exists");
  }
  /* Nothing is written by the preview. */
  g_assert_cmpint (count_persons (), ==, 1);

  errors_only = get_child (wizard, "errors_only_check");
  gtk_check_button_set_active (errors_only, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (get_preview (wizard)), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr (ScmImportPreviewRow) row = g_list_model_get_item (get_preview (wizard), i);

      g_assert_true (scm_import_preview_row_get_failed (row));
      g_assert_cmpuint (scm_import_preview_row_get_line (row), ==, 4 + i);
    }
  screenshot (wizard, "3-preview-errors");
  gtk_check_button_set_active (errors_only, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (get_preview (wizard)), ==, 8);

  next (wizard);
  wait_for_step (wizard, "summary");
  screenshot (wizard, "5-summary");

  g_assert_cmpstr (label_text (wizard, "created_label"), ==, "3");
  g_assert_cmpstr (label_text (wizard, "updated_label"), ==, "0");
  g_assert_cmpstr (label_text (wizard, "skipped_label"), ==, "1");
  g_assert_cmpstr (label_text (wizard, "failed_label"), ==, "4");
  result = scm_import_wizard_get_result (wizard);
  g_assert_true (scm_person_import_get_committed (result));
  g_assert_cmpint (count_persons (), ==, 4);
  ada = scm_store_find_person_by_email (scm_test_ui_get_store (), "ada@example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpint (scm_person_get_organization_id (ada), ==, fixture->acme_id);
  g_assert_cmpstr (scm_person_get_phone (ada), ==, "+44 20 7946 0000");

  /* The Persons page reloaded with the new persons. */
  scm_test_ui_wait_for (scm_test_ui_page_is_loaded, get_persons_page (window), "the persons page to reload");
  g_assert_cmpuint (g_list_model_get_n_items (scm_list_page_get_items (get_persons_page (window))),
                    ==, 4);
  screenshot (window, "6-persons-page");

  /* The generated Secret IDs, once, in a file only the owner reads. */
  g_assert_true (gtk_widget_is_sensitive (get_child (wizard, "export_secrets_button")));
  scm_import_wizard_export_secret_ids (wizard, secrets_file);
  scm_test_ui_wait_for (wizard_is_idle, wizard, "the Secret IDs to be saved");
  g_assert_cmpint (g_stat (secrets_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  read_secret_ids (secrets_path, emails, secrets);
  g_assert_cmpuint (emails->len, ==, 3);
  for (guint i = 0; i < emails->len; i++)
    g_assert_true (scm_store_verify_person_secret_id (scm_test_ui_get_store (), emails->pdata[i],
                                                      secrets->pdata[i]));
  g_assert_cmpstr (emails->pdata[0], ==, "ada@example.com");
  g_assert_false (gtk_widget_is_sensitive (get_child (wizard, "export_secrets_button")));

  /* Done closes the wizard. */
  next (wizard);
  scm_test_ui_drain_main_loop ();
  g_assert_null (find_toplevel (SCM_TYPE_IMPORT_WIZARD));
  close_all (NULL, window);
}

/* The Import button, all or nothing: a file with an error imports
 * nothing, and the error report says why. */
static void
test_all_or_nothing (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr (GFile) file = write_file (fixture, "persons.csv", mixed_csv, -1);
  g_autofree char *report_path = g_build_filename (fixture->dir, "errors.csv", NULL);
  g_autoptr (GFile) report_file = g_file_new_for_path (report_path);
  g_autofree char *report = NULL;
  g_autoptr (GError) error = NULL;
  ScmWindow *window = open_window (fixture);
  ScmImportWizard *wizard = open_wizard (window, TRUE);
  guint events_before = count_person_events ();
  ScmPersonImport *result;

  choose_file (wizard, file);
  /* Back to the file and on again keeps the file. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.back", NULL));
  g_assert_cmpstr (scm_import_wizard_get_step (wizard), ==, "file");
  next (wizard);
  g_assert_cmpstr (scm_import_wizard_get_step (wizard), ==, "mapping");

  select_combo (wizard, "organization_row", "Acme Corporation");
  g_assert_cmpuint (adw_combo_row_get_selected (get_child (wizard, "mode_row")), ==, 0);
  next (wizard);
  wait_for_step (wizard, "preview");
  g_assert_nonnull (strstr (label_text (wizard, "preview_note_label"), "save nothing"));

  next (wizard);
  wait_for_step (wizard, "summary");
  screenshot (wizard, "5-summary-nothing");
  result = scm_import_wizard_get_result (wizard);
  g_assert_false (scm_person_import_get_committed (result));
  g_assert_cmpstr (label_text (wizard, "created_label"), ==, "0");
  g_assert_cmpstr (label_text (wizard, "failed_label"), ==, "4");
  g_assert_cmpint (count_persons (), ==, 1);
  g_assert_null (scm_store_find_person_by_email (scm_test_ui_get_store (), "ada@example.com", NULL));
  /* The refusal is in the audit log; no person is. */
  g_assert_cmpuint (count_person_events (), ==, events_before + 1);

  g_assert_false (gtk_widget_get_visible (get_child (wizard, "export_secrets_button")));
  g_assert_true (gtk_widget_get_visible (get_child (wizard, "export_report_button")));
  scm_import_wizard_export_report (wizard, report_file);
  scm_test_ui_wait_for (wizard_is_idle, wizard, "the report to be saved");
  g_file_get_contents (report_path, &report, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (report, "Line,Column,Email,Problem\r\n"));
  g_assert_nonnull (strstr (report, "\r\n4,E-Mail,not-an-email,"));
  g_assert_nonnull (strstr (report, "\r\n5,First Name,nofirst@example.com,"));
  g_assert_nonnull (strstr (report, "\r\n7,E-Mail,bob@elsewhere.test,"));

  close_all (wizard, window);
}

typedef struct
{
  ScmImportWizard *wizard;
  GtkProgressBar *bar;
} ProgressWait;

static gboolean
import_has_progressed (gpointer data)
{
  ProgressWait *wait = data;

  g_assert_cmpstr (scm_import_wizard_get_step (wait->wizard), ==, "importing");
  return gtk_progress_bar_get_fraction (wait->bar) > 0.0;
}

/* Cancel in the middle of a large import: the store is unchanged and
 * the preview is back. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  user_data)
{
  guint n = 50000;
  g_autoptr (GString) csv = g_string_new ("Email,First Name,Last Name,Organization,Department\n");
  g_autoptr (GFile) file = NULL;
  ScmWindow *window = open_window (fixture);
  ScmImportWizard *wizard = open_wizard (window, FALSE);
  ProgressWait wait = { wizard, NULL };
  guint events_before = count_person_events ();
  int indexes_before = count_person_indexes (fixture);

  g_assert_cmpint (indexes_before, ==, 6);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "person%u@example.com,Given%u,Family%u,Acme Corporation,%s\n",
                            i, i, i, i % 2 ? "Sales" : "");
  file = write_file (fixture, "large.csv", csv->str, csv->len);

  choose_file (wizard, file);
  next (wizard);
  wait_for_step (wizard, "preview");
  g_assert_cmpuint (g_list_model_get_n_items (get_preview (wizard)), ==, n);
  {
    g_autofree char *counts = g_strdup_printf ("%'u rows checked: %'u new, 0 to update, "
                                               "0 to skip, 0 with errors", n, n);
    g_assert_cmpstr (label_text (wizard, "counts_label"), ==, counts);
  }

  next (wizard);
  wait.bar = get_child (wizard, "progress_bar");
  scm_test_ui_wait_for (import_has_progressed, &wait, "the import to progress");
  screenshot (wizard, "4-importing");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL));
  wait_for_step (wizard, "preview");

  g_assert_cmpint (count_persons (), ==, 1);
  g_assert_cmpuint (count_person_events (), ==, events_before);
  g_assert_cmpint (count_person_indexes (fixture), ==, indexes_before);
  g_assert_null (scm_import_wizard_get_result (wizard));
  /* The preview is whole again, ready for another try. */
  g_assert_cmpuint (g_list_model_get_n_items (get_preview (wizard)), ==, n);

  /* …which imports everything, with the table's indexes built. */
  next (wizard);
  wait_for_step (wizard, "summary");
  g_assert_true (scm_person_import_get_committed (scm_import_wizard_get_result (wizard)));
  g_assert_cmpint (count_persons (), ==, n + 1);
  g_assert_cmpint (count_person_indexes (fixture), ==, indexes_before);
  {
    g_autoptr (ScmPerson) last = NULL;
    g_autofree char *email = g_strdup_printf ("person%u@example.com", n - 1);
    g_autoptr (GError) error = NULL;

    last = scm_store_find_person_by_email (scm_test_ui_get_store (), email, &error);
    g_assert_no_error (error);
    g_assert_cmpint (scm_person_get_department_id (last), ==, fixture->sales_id);
  }

  close_all (wizard, window);
}

/* Closing the wizard while it imports rolls the import back. */
static void
test_close_while_importing (Fixture       *fixture,
                            gconstpointer  user_data)
{
  guint n = 50000;
  g_autoptr (GString) csv = g_string_new ("Email,First Name,Last Name,Organization\n");
  g_autoptr (GFile) file = NULL;
  ScmWindow *window = open_window (fixture);
  ScmImportWizard *wizard = open_wizard (window, FALSE);
  ProgressWait wait = { wizard, NULL };
  GWeakRef ref;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "p%u@example.com,Given%u,Family%u,Acme Corporation\n", i, i, i);
  file = write_file (fixture, "large.csv", csv->str, csv->len);

  choose_file (wizard, file);
  next (wizard);
  wait_for_step (wizard, "preview");
  next (wizard);
  wait.bar = get_child (wizard, "progress_bar");
  scm_test_ui_wait_for (import_has_progressed, &wait, "the import to progress");

  g_weak_ref_init (&ref, wizard);
  gtk_window_close (GTK_WINDOW (wizard));
  /* The running import holds the wizard until it has rolled back. */
  while (TRUE)
    {
      g_autoptr (GObject) alive = g_weak_ref_get (&ref);

      if (alive == NULL)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_weak_ref_clear (&ref);
  g_assert_cmpint (count_persons (), ==, 1);
  g_assert_cmpint (count_person_indexes (fixture), ==, 6);
  close_all (NULL, window);
}

/* A file that is no CSV of persons says why, and Next stays off. */
static void
test_bad_file (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr (GFile) file = write_file (fixture, "bad.csv",
                                       "Email,First Name,Last Name\n"
                                       "ada@example.com,Ada,Lovelace\n"
                                       "\"unterminated,Ada,Lovelace\n", -1);
  g_autoptr (GFile) empty = write_file (fixture, "empty.csv", "", 0);
  ScmWindow *window = open_window (fixture);
  ScmImportWizard *wizard = open_wizard (window, FALSE);
  GtkLabel *error_label = get_child (wizard, "file_error_label");
  const char *body;

  scm_import_wizard_set_file (wizard, empty);
  scm_test_ui_wait_for (wizard_is_idle, wizard, "the file to be read");
  g_assert_cmpstr (scm_import_wizard_get_step (wizard), ==, "file");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "empty.csv"));
  g_assert_nonnull (strstr (gtk_label_get_text (error_label), "empty"));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL)
                  && !g_str_equal (scm_import_wizard_get_step (wizard), "file"));
  screenshot (wizard, "1-file-error");

  /* The header is fine; the broken row shows in validation. */
  choose_file (wizard, file);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  select_combo (wizard, "organization_row", "Acme Corporation");
  next (wizard);
  scm_test_ui_wait_for (message_dialog_shown, NULL, "the validation error");
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG)));
  if (strstr (body, "Line 3") == NULL)
    g_error ("the error “%s” does not name line 3", body);
  g_assert_cmpstr (scm_import_wizard_get_step (wizard), ==, "mapping");
  g_assert_cmpint (count_persons (), ==, 1);

  close_all (wizard, window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/import-wizard/valid-only", test_valid_only);
  ADD ("/import-wizard/all-or-nothing", test_all_or_nothing);
  ADD ("/import-wizard/cancel", test_cancel);
  ADD ("/import-wizard/close-while-importing", test_close_while_importing);
  ADD ("/import-wizard/bad-file", test_bad_file);

#undef ADD

  return g_test_run ();
}
