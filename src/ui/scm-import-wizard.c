/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-department.h"
#include "scm-dialog-util.h"
#include "scm-import-preview-model.h"
#include "scm-import-preview-row.h"
#include "scm-import-wizard.h"
#include "scm-organization.h"

/* Sample rows shown beside each column. */
#define N_SAMPLES 3

typedef enum
{
  STEP_FILE,
  STEP_MAPPING,
  STEP_VALIDATING,
  STEP_PREVIEW,
  STEP_IMPORTING,
  STEP_SUMMARY,
} Step;

static const char * const step_names[] = {
  [STEP_FILE] = "file",
  [STEP_MAPPING] = "mapping",
  [STEP_VALIDATING] = "validating",
  [STEP_PREVIEW] = "preview",
  [STEP_IMPORTING] = "importing",
  [STEP_SUMMARY] = "summary",
};

/* The person fields as the column dropdowns list them, in the order of
 * ScmPersonField so that a dropdown's position is the field. */
static const char * const field_labels[SCM_PERSON_N_FIELDS] = {
  [SCM_PERSON_FIELD_NONE] = N_("Ignore"),
  [SCM_PERSON_FIELD_FIRST_NAME] = N_("First Name"),
  [SCM_PERSON_FIELD_MIDDLE_NAME] = N_("Middle Name"),
  [SCM_PERSON_FIELD_LAST_NAME] = N_("Last Name"),
  [SCM_PERSON_FIELD_EMAIL] = N_("Email"),
  [SCM_PERSON_FIELD_ORGANIZATION] = N_("Organization"),
  [SCM_PERSON_FIELD_DEPARTMENT] = N_("Department"),
  [SCM_PERSON_FIELD_DOMAIN] = N_("Domain"),
  [SCM_PERSON_FIELD_COMMON_NAME] = N_("Common Name"),
  [SCM_PERSON_FIELD_VALIDATION_TYPE] = N_("Validation Type"),
  [SCM_PERSON_FIELD_SECRET_ID] = N_("Secret ID"),
  [SCM_PERSON_FIELD_PHONE] = N_("Phone"),
  [SCM_PERSON_FIELD_ALTERNATIVE_EMAILS] = N_("Alternative Emails"),
  [SCM_PERSON_FIELD_UPN] = N_("UPN"),
  [SCM_PERSON_FIELD_EPPN] = N_("EPPN"),
};

/* Written by the importing thread, read by a timeout on the main loop. */
typedef struct
{
  GMutex mutex;
  guint64 bytes_read;
  guint n_rows;
} Progress;

struct _ScmImportWizard
{
  AdwWindow parent_instance;

  ScmStore *store;
  GFile *file;
  guint64 file_size;
  ScmPersonImport *preview_import;  /* the header, the mapping and the dry run */
  ScmPersonImport *import;          /* the real import, once it ran */
  ScmImportPreviewModel *preview_model;
  GCancellable *cancellable;        /* cancelled when the window closes */
  GCancellable *run_cancellable;    /* the validation or import running */
  Progress *progress;
  guint progress_source;
  GtkNativeDialog *chooser;
  GPtrArray *column_rows;           /* AdwActionRow, one per column */
  GPtrArray *dropdowns;             /* GtkDropDown, one per column */
  GArray *organization_ids;         /* gint64, 0 first for "None" */
  GArray *department_ids;
  GPtrArray *departments;           /* ScmDepartment, all organizations */
  Step step;
  guint busy;
  gboolean header_read;
  gboolean syncing;
  gboolean closed;
  gboolean disposed;        /* a thread finished after the window went */

  /* template */
  AdwWindowTitle *window_title;
  GtkButton *next_button;
  GtkWidget *close_button;
  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  GtkLabel *file_label;
  GtkLabel *file_error_label;
  AdwPreferencesGroup *columns_group;
  AdwComboRow *organization_row;
  AdwComboRow *department_row;
  AdwComboRow *existing_row;
  AdwComboRow *mode_row;
  AdwStatusPage *progress_page;
  GtkProgressBar *progress_bar;
  GtkLabel *counts_label;
  GtkLabel *preview_note_label;
  GtkCheckButton *errors_only_check;
  GtkColumnView *preview_view;
  AdwStatusPage *summary_page;
  GtkLabel *created_label;
  GtkLabel *updated_label;
  GtkLabel *skipped_label;
  GtkLabel *failed_label;
  GtkWidget *export_secrets_button;
  GtkWidget *export_report_button;
};

G_DEFINE_FINAL_TYPE (ScmImportWizard, scm_import_wizard, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_FILE,
  PROP_STEP,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_IMPORTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static Progress *
progress_new (void)
{
  Progress *progress = g_atomic_rc_box_new0 (Progress);

  g_mutex_init (&progress->mutex);
  return progress;
}

static void
progress_clear (Progress *progress)
{
  g_mutex_clear (&progress->mutex);
}

static void
progress_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, (GDestroyNotify) progress_clear);
}

/* Runs on the importing thread. */
static void
import_progress_cb (ScmPersonImport *import,
                    guint64          bytes_read,
                    guint            n_rows,
                    gpointer         user_data)
{
  Progress *progress = user_data;

  g_mutex_lock (&progress->mutex);
  progress->bytes_read = bytes_read;
  progress->n_rows = n_rows;
  g_mutex_unlock (&progress->mutex);
}

static ScmPersonImport *
new_import (ScmImportWizard *self)
{
  ScmPersonImport *import = scm_person_import_new (self->store);
  g_autofree char *name = self->file != NULL ? g_file_get_basename (self->file) : NULL;

  scm_person_import_set_source_name (import, name);
  scm_person_import_set_progress_func (import, import_progress_cb,
                                       g_atomic_rc_box_acquire (self->progress), progress_unref);
  return import;
}

static void
show_toast (ScmImportWizard *self,
            const char      *text)
{
  AdwToast *toast;

  if (self->disposed)
    return;
  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_error (ScmImportWizard *self,
            const char      *heading,
            const char      *body)
{
  GtkWidget *dialog;

  if (self->closed || self->disposed)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static char *
format_count (guint64 n)
{
  /* Digit grouping as the locale writes it: 100,000 or 100.000. */
  return g_strdup_printf ("%'" G_GUINT64_FORMAT, n);
}

/* State and actions ----------------------------------------------------------- */

static void
update_ui (ScmImportWizard *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean busy = self->busy > 0;
  ScmPersonImport *result = self->import;
  const char *page;
  const char *subtitle;

  if (self->disposed)
    return;
  switch (self->step)
    {
    case STEP_FILE:
      page = "file";
      subtitle = _("Step 1 of 5: File");
      break;
    case STEP_MAPPING:
      page = "mapping";
      subtitle = _("Step 2 of 5: Columns");
      break;
    case STEP_VALIDATING:
      page = "progress";
      subtitle = _("Step 3 of 5: Validation");
      break;
    case STEP_PREVIEW:
      page = "preview";
      subtitle = _("Step 3 of 5: Preview");
      break;
    case STEP_IMPORTING:
      page = "progress";
      subtitle = _("Step 4 of 5: Import");
      break;
    case STEP_SUMMARY:
    default:
      page = "summary";
      subtitle = _("Step 5 of 5: Summary");
      break;
    }
  gtk_stack_set_visible_child_name (self->stack, page);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  /* Next says what it does. */
  gtk_button_set_label (self->next_button,
                        self->step == STEP_PREVIEW || self->step == STEP_IMPORTING ? _("_Import")
                        : self->step == STEP_SUMMARY ? _("_Done")
                        : _("_Next"));

  gtk_widget_action_set_enabled (widget, "wizard.back",
                                 !busy && (self->step == STEP_MAPPING
                                           || self->step == STEP_PREVIEW));
  gtk_widget_action_set_enabled (widget, "wizard.next",
                                 !busy && (self->step != STEP_FILE || self->header_read)
                                 && self->step != STEP_VALIDATING
                                 && self->step != STEP_IMPORTING);
  gtk_widget_action_set_enabled (widget, "wizard.choose-file", !busy && self->step == STEP_FILE);
  gtk_widget_action_set_enabled (widget, "wizard.cancel",
                                 self->step == STEP_VALIDATING || self->step == STEP_IMPORTING);
  gtk_widget_action_set_enabled (widget, "wizard.export-secret-ids",
                                 !busy && self->step == STEP_SUMMARY && result != NULL
                                 && scm_person_import_get_n_secret_ids (result) > 0);
  gtk_widget_action_set_enabled (widget, "wizard.export-report",
                                 !busy && self->step == STEP_SUMMARY && result != NULL
                                 && scm_person_import_get_n_problems (result) > 0);
  gtk_widget_set_visible (self->close_button, self->step != STEP_SUMMARY);
}

static void
set_step (ScmImportWizard *self,
          Step             step)
{
  if (self->step != step)
    {
      self->step = step;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
    }
  update_ui (self);
}

static void
set_busy (ScmImportWizard *self,
          gboolean         busy)
{
  gboolean was_busy = self->busy > 0;

  if (busy)
    self->busy++;
  else
    self->busy--;
  if (was_busy != (self->busy > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  update_ui (self);
}

/* Organizations and departments for the defaults -------------------------------- */

typedef struct
{
  GPtrArray *organizations;
  GPtrArray *departments;
} Lists;

static void
lists_free (Lists *lists)
{
  g_clear_pointer (&lists->organizations, g_ptr_array_unref);
  g_clear_pointer (&lists->departments, g_ptr_array_unref);
  g_free (lists);
}

static void
load_lists_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ScmStore *store = task_data;
  g_autoptr (GError) error = NULL;
  Lists *lists = g_new0 (Lists, 1);

  lists->organizations = scm_store_list_organizations (store, &error);
  if (lists->organizations != NULL)
    lists->departments = scm_store_list_departments (store, 0, &error);
  if (lists->departments == NULL)
    {
      lists_free (lists);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, lists, (GDestroyNotify) lists_free);
}

static void
fill_departments (ScmImportWizard *self)
{
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  gint64 organization_id = scm_dialog_get_selected_id (self->organization_row,
                                                       self->organization_ids);

  g_array_set_size (self->department_ids, 0);
  g_array_append_val (self->department_ids, (gint64) { 0 });
  gtk_string_list_append (names, _("None"));
  for (guint i = 0; self->departments != NULL && i < self->departments->len; i++)
    {
      ScmDepartment *department = g_ptr_array_index (self->departments, i);
      gint64 id = scm_department_get_id (department);

      if (organization_id == 0 || scm_department_get_organization_id (department) != organization_id)
        continue;
      g_array_append_val (self->department_ids, id);
      gtk_string_list_append (names, scm_department_get_name (department));
    }
  adw_combo_row_set_model (self->department_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->department_row, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->department_row), self->department_ids->len > 1);
}

static void
load_lists_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (source);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr (GError) error = NULL;
  Lists *lists = g_task_propagate_pointer (G_TASK (result), &error);

  set_busy (self, FALSE);
  if (self->disposed)
    {
      g_clear_pointer (&lists, lists_free);
      return;
    }
  if (lists == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = g_strdup_printf (_("Could not list the organizations: %s"),
                                                   error->message);
          show_toast (self, text);
        }
      return;
    }

  g_array_set_size (self->organization_ids, 0);
  g_array_append_val (self->organization_ids, (gint64) { 0 });
  gtk_string_list_append (names, _("None"));
  for (guint i = 0; i < lists->organizations->len; i++)
    {
      ScmOrganization *organization = g_ptr_array_index (lists->organizations, i);
      gint64 id = scm_organization_get_id (organization);

      g_array_append_val (self->organization_ids, id);
      gtk_string_list_append (names, scm_organization_get_name (organization));
    }
  g_clear_pointer (&self->departments, g_ptr_array_unref);
  self->departments = g_steal_pointer (&lists->departments);
  adw_combo_row_set_model (self->organization_row, G_LIST_MODEL (names));
  /* With one organization there is nothing to choose. */
  adw_combo_row_set_selected (self->organization_row, self->organization_ids->len == 2 ? 1 : 0);
  fill_departments (self);
  lists_free (lists);
}

static void
organization_selected_cb (ScmImportWizard *self)
{
  if (self->organization_ids->len > 0)
    fill_departments (self);
}

/* The selected row's text of a combo row of names, NULL for "None". */
static const char *
get_selected_name (AdwComboRow *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);

  if (item == NULL || adw_combo_row_get_selected (row) == 0)
    return NULL;
  return gtk_string_object_get_string (item);
}

/* Step 1: the file --------------------------------------------------------------- */

typedef struct
{
  GFile *file;
  ScmPersonImport *import;
  guint64 size;
} HeaderData;

static void
header_data_free (HeaderData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->import);
  g_free (data);
}

static void
read_header_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  HeaderData *data = task_data;
  g_autoptr (GFileInfo) info = NULL;
  g_autoptr (GFileInputStream) stream = NULL;
  g_autoptr (GError) error = NULL;

  info = g_file_query_info (data->file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            cancellable, &error);
  if (info != NULL)
    {
      data->size = g_file_info_get_size (info);
      stream = g_file_read (data->file, cancellable, &error);
    }
  if (stream == NULL
      || !scm_person_import_read_header (data->import, G_INPUT_STREAM (stream), N_SAMPLES,
                                         cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
dropdown_selected_cb (ScmImportWizard *self,
                      GParamSpec      *pspec,
                      GtkDropDown     *dropdown);

/* Shows each dropdown's field as the import has it: choosing a field for
 * one column takes it from any other. */
static void
sync_dropdowns (ScmImportWizard *self)
{
  self->syncing = TRUE;
  for (guint i = 0; i < self->dropdowns->len; i++)
    gtk_drop_down_set_selected (g_ptr_array_index (self->dropdowns, i),
                                scm_person_import_get_column_field (self->preview_import, i));
  self->syncing = FALSE;
}

static void
dropdown_selected_cb (ScmImportWizard *self,
                      GParamSpec      *pspec,
                      GtkDropDown     *dropdown)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dropdown), "scm-column"));
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || self->busy > 0 || selected >= SCM_PERSON_N_FIELDS)
    return;
  scm_person_import_set_column_field (self->preview_import, column, selected);
  sync_dropdowns (self);
}

static GtkStringList *
new_field_list (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < SCM_PERSON_N_FIELDS; i++)
    gtk_string_list_append (list, _(field_labels[i]));
  return list;
}

static void
build_column_rows (ScmImportWizard *self)
{
  ScmPersonImport *import = self->preview_import;
  guint n_columns = scm_person_import_get_n_columns (import);
  guint n_samples = scm_person_import_get_n_samples (import);

  for (guint i = 0; i < self->column_rows->len; i++)
    adw_preferences_group_remove (self->columns_group, g_ptr_array_index (self->column_rows, i));
  g_ptr_array_set_size (self->column_rows, 0);
  g_ptr_array_set_size (self->dropdowns, 0);

  for (guint column = 0; column < n_columns; column++)
    {
      const char *title = scm_person_import_get_column_title (import, column);
      g_autofree char *shown_title = *title != '\0' ? g_strdup (title)
                                                    : g_strdup_printf (_("Column %u"), column + 1);
      g_autoptr (GString) samples = g_string_new (NULL);
      g_autofree char *accessible = NULL;
      g_autoptr (GtkStringList) fields = new_field_list ();
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *dropdown = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&fields)), NULL);

      for (guint s = 0; s < n_samples; s++)
        {
          const char *value = scm_person_import_get_sample (import, s, column);

          if (*value == '\0')
            continue;
          if (samples->len > 0)
            g_string_append (samples, ", ");
          g_string_append (samples, value);
        }
      if (samples->len == 0)
        g_string_append (samples, _("(empty in the first rows)"));

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), shown_title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), samples->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);

      gtk_widget_set_valign (dropdown, GTK_ALIGN_CENTER);
      /* Translators: the accessible name of a column's field chooser. */
      accessible = g_strdup_printf (_("Person field of the column “%s”"), shown_title);
      gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown),
                                  scm_person_import_get_column_field (import, column));
      g_object_set_data (G_OBJECT (dropdown), "scm-column", GUINT_TO_POINTER (column));
      g_signal_connect_object (dropdown, "notify::selected", G_CALLBACK (dropdown_selected_cb),
                               self, G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), dropdown);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), dropdown);

      adw_preferences_group_add (self->columns_group, row);
      g_ptr_array_add (self->column_rows, row);
      g_ptr_array_add (self->dropdowns, dropdown);
    }
}

static void
read_header_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (source);
  HeaderData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_file_get_basename (data->file);
  g_autofree char *text = NULL;

  set_busy (self, FALSE);
  if (self->disposed)
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: the file's name, then why it cannot be read. */
      message = g_strdup_printf (_("%s cannot be imported: %s"), name, error->message);
      gtk_label_set_text (self->file_error_label, message);
      gtk_widget_set_visible (GTK_WIDGET (self->file_error_label), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->file_label), FALSE);
      self->header_read = FALSE;
      update_ui (self);
      return;
    }

  self->file_size = data->size;
  self->header_read = TRUE;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s, %u column",
                                       "%s, %u columns",
                                       scm_person_import_get_n_columns (data->import)),
                          name, scm_person_import_get_n_columns (data->import));
  gtk_label_set_text (self->file_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->file_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->file_error_label), FALSE);
  build_column_rows (self);
  set_step (self, STEP_MAPPING);
}

void
scm_import_wizard_set_file (ScmImportWizard *self,
                            GFile           *file)
{
  g_autoptr (GTask) task = NULL;
  HeaderData *data;

  g_return_if_fail (SCM_IS_IMPORT_WIZARD (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->busy == 0);
  g_return_if_fail (self->step == STEP_FILE || self->step == STEP_MAPPING);

  g_set_object (&self->file, file);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
  self->header_read = FALSE;
  /* A new file, a new mapping. */
  g_clear_object (&self->preview_import);
  self->preview_import = new_import (self);

  data = g_new0 (HeaderData, 1);
  data->file = g_object_ref (file);
  data->import = g_object_ref (self->preview_import);

  set_step (self, STEP_FILE);
  set_busy (self, TRUE);
  task = g_task_new (self, self->cancellable, read_header_cb, NULL);
  g_task_set_source_tag (task, scm_import_wizard_set_file);
  g_task_set_task_data (task, data, (GDestroyNotify) header_data_free);
  g_task_run_in_thread (task, read_header_thread);
}

static void
chooser_response_cb (ScmImportWizard      *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file != NULL && self->busy == 0)
    scm_import_wizard_set_file (self, file);
}

static void
add_csv_filters (GtkFileChooser *chooser)
{
  g_autoptr (GtkFileFilter) csv = gtk_file_filter_new ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (csv, _("CSV Files"));
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_suffix (csv, "csv");
  gtk_file_filter_add_suffix (csv, "txt");
  gtk_file_chooser_add_filter (chooser, csv);
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (chooser, all);
  gtk_file_chooser_set_filter (chooser, csv);
}

static void
choose_file_activated (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (widget);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Choose a CSV File"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  add_csv_filters (GTK_FILE_CHOOSER (chooser));
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

/* Steps 3 and 4: validation and import ---------------------------------------- */

typedef struct
{
  GFile *file;
  ScmPersonImport *import;
  GArray *fields;   /* the mapping to give a new import, or NULL */
} RunData;

static void
run_data_free (RunData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->import);
  g_clear_pointer (&data->fields, g_array_unref);
  g_free (data);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *data = task_data;
  g_autoptr (GFileInputStream) stream = NULL;
  g_autoptr (GError) error = NULL;

  if (data->fields != NULL)
    {
      g_autoptr (GFileInputStream) header = g_file_read (data->file, cancellable, &error);

      /* The import keeps this mapping for a file with the same header. */
      if (header == NULL
          || !scm_person_import_read_header (data->import, G_INPUT_STREAM (header), 0,
                                             cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      for (guint i = 0; i < data->fields->len
                        && i < scm_person_import_get_n_columns (data->import); i++)
        scm_person_import_set_column_field (data->import, i,
                                            g_array_index (data->fields, ScmPersonField, i));
    }

  stream = g_file_read (data->file, cancellable, &error);
  if (stream == NULL
      || !scm_person_import_run (data->import, G_INPUT_STREAM (stream), cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static gboolean
progress_timeout_cb (gpointer user_data)
{
  ScmImportWizard *self = user_data;
  g_autofree char *rows = NULL;
  g_autofree char *text = NULL;
  guint64 bytes_read;
  guint n_rows;

  g_mutex_lock (&self->progress->mutex);
  bytes_read = self->progress->bytes_read;
  n_rows = self->progress->n_rows;
  g_mutex_unlock (&self->progress->mutex);

  if (self->file_size > 0)
    gtk_progress_bar_set_fraction (self->progress_bar,
                                   MIN (1.0, (double) bytes_read / (double) self->file_size));
  else
    gtk_progress_bar_pulse (self->progress_bar);
  rows = format_count (n_rows);
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows", n_rows), rows);
  gtk_progress_bar_set_text (self->progress_bar, text);
  return G_SOURCE_CONTINUE;
}

static void
stop_progress (ScmImportWizard *self)
{
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_clear_object (&self->run_cancellable);
}

static void run_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data);

static void
start_run (ScmImportWizard *self,
           ScmPersonImport *import,
           GArray          *fields)
{
  g_autoptr (GTask) task = NULL;
  RunData *data;
  gboolean validating = scm_person_import_get_dry_run (import);

  g_mutex_lock (&self->progress->mutex);
  self->progress->bytes_read = 0;
  self->progress->n_rows = 0;
  g_mutex_unlock (&self->progress->mutex);

  adw_status_page_set_title (self->progress_page,
                             validating ? _("Checking Every Row") : _("Importing"));
  adw_status_page_set_description (self->progress_page,
                                   validating
                                   ? _("Nothing is saved yet: the rows are checked as the import would check them.")
                                   : _("The persons appear in the list once every row is saved. Cancel leaves the list as it was."));
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_progress_bar_set_text (self->progress_bar, "");

  data = g_new0 (RunData, 1);
  data->file = g_object_ref (self->file);
  data->import = g_object_ref (import);
  data->fields = fields != NULL ? g_array_ref (fields) : NULL;

  stop_progress (self);
  self->run_cancellable = g_cancellable_new ();
  self->progress_source = g_timeout_add (100, progress_timeout_cb, self);
  set_busy (self, TRUE);
  set_step (self, validating ? STEP_VALIDATING : STEP_IMPORTING);

  task = g_task_new (self, self->run_cancellable, run_cb, NULL);
  g_task_set_source_tag (task, start_run);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_thread);
}

static void
apply_choices (ScmImportWizard *self,
               ScmPersonImport *import)
{
  const char *organization = get_selected_name (self->organization_row);

  scm_person_import_set_default_organization (import, organization);
  scm_person_import_set_default_department (import, organization != NULL
                                                     ? get_selected_name (self->department_row)
                                                     : NULL);
  scm_person_import_set_existing (import, adw_combo_row_get_selected (self->existing_row) == 1
                                          ? SCM_PERSON_IMPORT_UPDATE_EXISTING
                                          : SCM_PERSON_IMPORT_SKIP_EXISTING);
  scm_person_import_set_mode (import, adw_combo_row_get_selected (self->mode_row) == 1
                                      ? SCM_PERSON_IMPORT_VALID_ONLY
                                      : SCM_PERSON_IMPORT_ALL_OR_NOTHING);
}

static void
start_validation (ScmImportWizard *self)
{
  /* The preview's rows belong to the import about to run again. */
  gtk_column_view_set_model (self->preview_view, NULL);
  g_clear_object (&self->preview_model);

  apply_choices (self, self->preview_import);
  scm_person_import_set_dry_run (self->preview_import, TRUE);
  start_run (self, self->preview_import, NULL);
}

static void
start_import (ScmImportWizard *self)
{
  guint n_columns = scm_person_import_get_n_columns (self->preview_import);
  g_autoptr (GArray) fields = g_array_sized_new (FALSE, FALSE, sizeof (ScmPersonField),
                                                 n_columns);

  /* A separate import keeps the preview whole if this one is cancelled. */
  for (guint i = 0; i < n_columns; i++)
    {
      ScmPersonField field = scm_person_import_get_column_field (self->preview_import, i);
      g_array_append_val (fields, field);
    }
  g_clear_object (&self->import);
  self->import = new_import (self);
  apply_choices (self, self->import);
  start_run (self, self->import, fields);
}

static void
show_preview (ScmImportWizard *self)
{
  ScmPersonImport *import = self->preview_import;
  guint n_failed = scm_person_import_get_n_failed (import);
  guint n_rows = scm_person_import_get_n_rows (import);
  g_autofree char *rows = format_count (n_rows);
  g_autofree char *created = format_count (scm_person_import_get_n_created (import));
  g_autofree char *updated = format_count (scm_person_import_get_n_updated (import));
  g_autofree char *skipped = format_count (scm_person_import_get_n_skipped (import));
  g_autofree char *failed = format_count (n_failed);
  g_autofree char *counts = NULL;
  g_autoptr (GtkNoSelection) selection = NULL;
  const char *note;

  self->preview_model = scm_import_preview_model_new (import);
  scm_import_preview_model_set_errors_only (self->preview_model,
                                            gtk_check_button_get_active (self->errors_only_check));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->preview_model)));
  gtk_column_view_set_model (self->preview_view, GTK_SELECTION_MODEL (selection));

  /* Translators: the counts of the preview; the first is the number of rows. */
  counts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s row checked: %s new, %s to update, %s to skip, %s with errors",
                                         "%s rows checked: %s new, %s to update, %s to skip, %s with errors",
                                         n_rows),
                            rows, created, updated, skipped, failed);
  gtk_label_set_text (self->counts_label, counts);

  if (n_rows == 0)
    note = _("The file has no rows below its header: there is nothing to import.");
  else if (n_failed == 0)
    note = _("Every row is valid.");
  else if (scm_person_import_get_mode (import) == SCM_PERSON_IMPORT_ALL_OR_NOTHING)
    note = _("Because some rows have errors, Import will save nothing. Correct the file and choose it again, or go back and choose to import the valid rows.");
  else
    note = _("The rows with errors will be left out. After the import, export the error report to correct them.");
  gtk_label_set_text (self->preview_note_label, note);
  if (n_failed > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->preview_note_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->preview_note_label), "warning");

  set_step (self, STEP_PREVIEW);
}

static void
set_count_label (GtkLabel *label,
                 guint     n)
{
  g_autofree char *text = format_count (n);

  gtk_label_set_text (label, text);
}

static void
show_summary (ScmImportWizard *self)
{
  ScmPersonImport *import = self->import;
  guint n_secret_ids = scm_person_import_get_n_secret_ids (import);
  gboolean committed = scm_person_import_get_committed (import);

  /* A refused import created and updated no one, whatever its rows were. */
  set_count_label (self->created_label, committed ? scm_person_import_get_n_created (import) : 0);
  set_count_label (self->updated_label, committed ? scm_person_import_get_n_updated (import) : 0);
  set_count_label (self->skipped_label, scm_person_import_get_n_skipped (import));
  set_count_label (self->failed_label, scm_person_import_get_n_failed (import));
  gtk_widget_set_visible (self->export_secrets_button, committed && n_secret_ids > 0);
  gtk_widget_set_visible (self->export_report_button,
                          scm_person_import_get_n_problems (import) > 0);

  if (committed)
    {
      adw_status_page_set_icon_name (self->summary_page, "emblem-ok-symbolic");
      adw_status_page_set_title (self->summary_page, _("Persons Imported"));
      adw_status_page_set_description (self->summary_page,
                                       n_secret_ids > 0
                                       ? _("Export the generated Secret IDs now to hand them out: they are shown only this once.")
                                       : _("The persons can now enroll."));
    }
  else
    {
      adw_status_page_set_icon_name (self->summary_page, "dialog-warning-symbolic");
      adw_status_page_set_title (self->summary_page, _("Nothing Imported"));
      adw_status_page_set_description (self->summary_page,
                                       _("Some rows have errors and you chose to import nothing then, so the valid rows were not saved either. Export the error report, correct the file and import it again."));
    }
  set_step (self, STEP_SUMMARY);
}

static void
run_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (source);
  RunData *data = g_task_get_task_data (G_TASK (result));
  gboolean validating = scm_person_import_get_dry_run (data->import);
  g_autoptr (GError) error = NULL;

  stop_progress (self);
  set_busy (self, FALSE);

  /* Closed while it ran: the page still hears of a committed import. */
  if (self->disposed)
    {
      if (g_task_propagate_boolean (G_TASK (result), NULL) && !validating
          && scm_person_import_get_committed (data->import))
        {
          self->step = STEP_SUMMARY;
          g_signal_emit (self, signals[SIGNAL_IMPORTED], 0);
        }
      return;
    }

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (validating)
        {
          set_step (self, STEP_MAPPING);
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            show_toast (self, _("Validation cancelled"));
          else
            show_error (self, _("Cannot Validate the File"), error->message);
        }
      else
        {
          g_clear_object (&self->import);
          set_step (self, STEP_PREVIEW);
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            show_toast (self, _("Import cancelled: nothing was changed"));
          else
            show_error (self, _("Nothing Was Imported"), error->message);
        }
      return;
    }

  if (validating)
    {
      show_preview (self);
      return;
    }
  show_summary (self);
  if (scm_person_import_get_committed (self->import))
    g_signal_emit (self, signals[SIGNAL_IMPORTED], 0);
}

static void
cancel_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (widget);

  g_cancellable_cancel (self->run_cancellable);
}

/* Navigation ---------------------------------------------------------------- */

static void
next_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (widget);

  if (self->busy > 0)
    return;

  switch (self->step)
    {
    case STEP_FILE:
      if (self->header_read)
        set_step (self, STEP_MAPPING);
      break;
    case STEP_MAPPING:
      start_validation (self);
      break;
    case STEP_PREVIEW:
      start_import (self);
      break;
    case STEP_SUMMARY:
      gtk_window_close (GTK_WINDOW (self));
      break;
    case STEP_VALIDATING:
    case STEP_IMPORTING:
    default:
      break;
    }
}

static void
back_activated (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (widget);

  if (self->busy > 0)
    return;
  if (self->step == STEP_MAPPING)
    set_step (self, STEP_FILE);
  else if (self->step == STEP_PREVIEW)
    set_step (self, STEP_MAPPING);
}

static void
errors_only_toggled_cb (ScmImportWizard *self)
{
  if (self->preview_model != NULL)
    scm_import_preview_model_set_errors_only (self->preview_model,
                                              gtk_check_button_get_active (self->errors_only_check));
}

/* Step 5: exports --------------------------------------------------------------- */

typedef struct
{
  GFile *file;
  ScmPersonImport *import;
  gboolean secret_ids;
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->import);
  g_free (data);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportData *data = task_data;
  g_autoptr (GFileOutputStream) stream = NULL;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  if (data->secret_ids)
    {
      /* The chooser asked before replacing; a new file is created 0600
       * in one step, so no secret is ever readable by others. */
      if (!g_file_delete (data->file, cancellable, &error)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_clear_error (&error);
      stream = g_file_create (data->file, G_FILE_CREATE_PRIVATE, cancellable, &error);
    }
  else
    stream = g_file_replace (data->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                             cancellable, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (data->secret_ids)
    ok = scm_person_import_write_secret_ids (data->import, G_OUTPUT_STREAM (stream), cancellable,
                                             &error);
  else
    ok = scm_person_import_write_report (data->import, G_OUTPUT_STREAM (stream), cancellable,
                                         &error);
  ok = g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, ok ? &error : NULL) && ok;
  if (!ok)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
export_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (source);
  ExportData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_file_get_parse_name (data->file);
  g_autofree char *text = NULL;

  set_busy (self, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      show_error (self, data->secret_ids ? _("Secret IDs Not Saved") : _("Report Not Saved"),
                  error->message);
      return;
    }
  text = g_strdup_printf (data->secret_ids ? _("Secret IDs saved to %s") : _("Error report saved to %s"),
                          name);
  show_toast (self, text);
}

static void
start_export (ScmImportWizard *self,
              GFile           *file,
              gboolean         secret_ids)
{
  g_autoptr (GTask) task = NULL;
  ExportData *data;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->import != NULL && self->busy == 0);

  data = g_new0 (ExportData, 1);
  data->file = g_object_ref (file);
  data->import = g_object_ref (self->import);
  data->secret_ids = secret_ids;

  set_busy (self, TRUE);
  task = g_task_new (self, NULL, export_cb, NULL);
  g_task_set_source_tag (task, start_export);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

void
scm_import_wizard_export_secret_ids (ScmImportWizard *self,
                                     GFile           *file)
{
  g_return_if_fail (SCM_IS_IMPORT_WIZARD (self));

  start_export (self, file, TRUE);
}

void
scm_import_wizard_export_report (ScmImportWizard *self,
                                 GFile           *file)
{
  g_return_if_fail (SCM_IS_IMPORT_WIZARD (self));

  start_export (self, file, FALSE);
}

static void
save_response_cb (ScmImportWizard      *self,
                  int                   response,
                  GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;
  gboolean secret_ids = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "scm-secret-ids"));

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file != NULL && self->import != NULL && self->busy == 0)
    start_export (self, file, secret_ids);
}

static void
ask_export_file (ScmImportWizard *self,
                 gboolean         secret_ids)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (secret_ids ? _("Export Generated Secret IDs")
                                                    : _("Export Error Report"),
                                         GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* Translators: file names suggested for the exports; keep .csv. */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser),
                                     secret_ids ? _("secret-ids.csv") : _("import-errors.csv"));
  add_csv_filters (GTK_FILE_CHOOSER (chooser));
  g_object_set_data (G_OBJECT (chooser), "scm-secret-ids", GINT_TO_POINTER (secret_ids));
  g_signal_connect_object (chooser, "response", G_CALLBACK (save_response_cb), self,
                           G_CONNECT_SWAPPED);
  g_clear_object (&self->chooser);
  self->chooser = GTK_NATIVE_DIALOG (chooser);
  gtk_native_dialog_show (self->chooser);
}

static void
export_secret_ids_activated (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  ask_export_file (SCM_IMPORT_WIZARD (widget), TRUE);
}

static void
export_report_activated (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ask_export_file (SCM_IMPORT_WIZARD (widget), FALSE);
}

/* Preview columns ------------------------------------------------------------- */

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              const char               *property)
{
  ScmImportPreviewRow *row = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  g_autofree char *text = NULL;

  if (g_str_equal (property, "line"))
    text = g_strdup_printf ("%u", scm_import_preview_row_get_line (row));
  else
    g_object_get (row, property, &text, NULL);
  gtk_label_set_text (GTK_LABEL (label), text);

  if (g_str_equal (property, "status") && scm_import_preview_row_get_failed (row))
    gtk_widget_add_css_class (label, "error");
  else
    gtk_widget_remove_css_class (label, "error");
  /* The whole reason, however long, on hover. */
  gtk_widget_set_tooltip_text (label, g_str_equal (property, "reason") && *text != '\0'
                                      ? text : NULL);
}

static void
add_preview_column (ScmImportWizard *self,
                    const char      *title,
                    const char      *property,
                    gboolean         expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr (GtkColumnViewColumn) column = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), (gpointer) property);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->preview_view, column);
}

/* GObject ----------------------------------------------------------------------- */

static gboolean
scm_import_wizard_close_request (GtkWindow *window)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (window);

  /* What runs stops: an import rolls back and the store stays as it was. */
  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->run_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);

  return GTK_WINDOW_CLASS (scm_import_wizard_parent_class)->close_request (window);
}

static void
scm_import_wizard_dispose (GObject *object)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (object);

  self->disposed = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->run_cancellable);
  stop_progress (self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (self->preview_view != NULL)
    gtk_column_view_set_model (self->preview_view, NULL);
  g_clear_object (&self->preview_model);

  G_OBJECT_CLASS (scm_import_wizard_parent_class)->dispose (object);
}

static void
scm_import_wizard_finalize (GObject *object)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (object);

  g_clear_object (&self->store);
  g_clear_object (&self->file);
  g_clear_object (&self->preview_import);
  g_clear_object (&self->import);
  g_clear_object (&self->cancellable);
  progress_unref (self->progress);
  g_ptr_array_unref (self->column_rows);
  g_ptr_array_unref (self->dropdowns);
  g_array_unref (self->organization_ids);
  g_array_unref (self->department_ids);
  g_clear_pointer (&self->departments, g_ptr_array_unref);

  G_OBJECT_CLASS (scm_import_wizard_parent_class)->finalize (object);
}

static void
scm_import_wizard_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_STEP:
      g_value_set_string (value, step_names[self->step]);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy > 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_import_wizard_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_import_wizard_constructed (GObject *object)
{
  ScmImportWizard *self = SCM_IMPORT_WIZARD (object);
  g_autoptr (GTask) task = NULL;

  G_OBJECT_CLASS (scm_import_wizard_parent_class)->constructed (object);

  set_busy (self, TRUE);
  task = g_task_new (self, self->cancellable, load_lists_cb, NULL);
  g_task_set_source_tag (task, scm_import_wizard_constructed);
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, load_lists_thread);
}

static void
scm_import_wizard_class_init (ScmImportWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = scm_import_wizard_constructed;
  object_class->dispose = scm_import_wizard_dispose;
  object_class->finalize = scm_import_wizard_finalize;
  object_class->get_property = scm_import_wizard_get_property;
  object_class->set_property = scm_import_wizard_set_property;
  window_class->close_request = scm_import_wizard_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SCM_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEP] =
    g_param_spec_string ("step", NULL, NULL, "file",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ScmImportWizard::imported:
   *
   * An import was committed: the store has new or changed persons.
   */
  signals[SIGNAL_IMPORTED] =
    g_signal_new ("imported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-import-wizard.ui");
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, window_title);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, next_button);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, close_button);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, stack);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, file_label);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, file_error_label);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, columns_group);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, organization_row);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, department_row);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, existing_row);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, mode_row);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, progress_page);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, counts_label);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, preview_note_label);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, errors_only_check);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, preview_view);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, summary_page);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, created_label);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, updated_label);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, skipped_label);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, failed_label);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, export_secrets_button);
  gtk_widget_class_bind_template_child (widget_class, ScmImportWizard, export_report_button);
  gtk_widget_class_bind_template_callback (widget_class, errors_only_toggled_cb);

  gtk_widget_class_install_action (widget_class, "wizard.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "wizard.next", NULL, next_activated);
  gtk_widget_class_install_action (widget_class, "wizard.choose-file", NULL,
                                   choose_file_activated);
  gtk_widget_class_install_action (widget_class, "wizard.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "wizard.export-secret-ids", NULL,
                                   export_secret_ids_activated);
  gtk_widget_class_install_action (widget_class, "wizard.export-report", NULL,
                                   export_report_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
scm_import_wizard_init (ScmImportWizard *self)
{
  self->cancellable = g_cancellable_new ();
  self->progress = progress_new ();
  self->column_rows = g_ptr_array_new ();
  self->dropdowns = g_ptr_array_new ();
  self->organization_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->department_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->organization_row, "notify::selected",
                           G_CALLBACK (organization_selected_cb), self, G_CONNECT_SWAPPED);

  add_preview_column (self, _("Line"), "line", FALSE);
  add_preview_column (self, _("Email"), "email", FALSE);
  add_preview_column (self, _("Status"), "status", FALSE);
  add_preview_column (self, _("Problem"), "reason", TRUE);
  update_ui (self);
}

ScmImportWizard *
scm_import_wizard_new (GtkWindow *parent,
                       ScmStore  *store)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCM_IS_STORE (store), NULL);

  return g_object_new (SCM_TYPE_IMPORT_WIZARD,
                       "store", store,
                       "transient-for", parent,
                       NULL);
}

GFile *
scm_import_wizard_get_file (ScmImportWizard *self)
{
  g_return_val_if_fail (SCM_IS_IMPORT_WIZARD (self), NULL);

  return self->file;
}

const char *
scm_import_wizard_get_step (ScmImportWizard *self)
{
  g_return_val_if_fail (SCM_IS_IMPORT_WIZARD (self), NULL);

  return step_names[self->step];
}

gboolean
scm_import_wizard_get_busy (ScmImportWizard *self)
{
  g_return_val_if_fail (SCM_IS_IMPORT_WIZARD (self), FALSE);

  return self->busy > 0;
}

ScmPersonImport *
scm_import_wizard_get_result (ScmImportWizard *self)
{
  g_return_val_if_fail (SCM_IS_IMPORT_WIZARD (self), NULL);

  return self->step == STEP_SUMMARY ? self->import : NULL;
}
