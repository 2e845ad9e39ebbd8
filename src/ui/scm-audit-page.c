/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scm-audit-page.h"
#include "scm-csv-writer.h"

struct _ScmAuditPage
{
  ScmListPage parent_instance;

  GtkStringList *form_names;   /* "All Forms", then the forms by name */
  GtkDropDown *form_filter;
  GtkDropDown *result_filter;
  GtkCustomFilter *filter;
  GtkWidget *export_button;
  char *form;                  /* the chosen form's name, or NULL for all */
  char *form_quoted;           /* how enrollment events name it: form “NAME” */
  ScmAuditPageResult result;
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
format_event_time (ScmAuditEvent *event)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_local (scm_audit_event_get_time (event) / G_USEC_PER_SEC);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M:%S") : g_strdup ("");
}

static char *
time_text (ScmAuditEvent *event,
           ScmListPage   *page)
{
  return format_event_time (event);
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

/* Filters --------------------------------------------------------------------------- */

/* Events about a form: its own changes (form.create… name it as their
 * object) and what happened on it (enrollment events name it in their
 * message as form “NAME”). */
static gboolean
event_is_about_form (ScmAuditEvent *event,
                     ScmAuditPage  *self)
{
  const char *action = scm_audit_event_get_action (event);
  const char *message = scm_audit_event_get_message (event);

  if (action != NULL && g_str_has_prefix (action, "form.") &&
      g_strcmp0 (scm_audit_event_get_object (event), self->form) == 0)
    return TRUE;
  return message != NULL && strstr (message, self->form_quoted) != NULL;
}

static gboolean
filter_event (gpointer item,
              gpointer user_data)
{
  ScmAuditPage *self = user_data;
  const char *result = scm_audit_event_get_result (item);

  if (self->result == SCM_AUDIT_PAGE_RESULT_SUCCESS && g_strcmp0 (result, SCM_AUDIT_SUCCESS) != 0)
    return FALSE;
  if (self->result == SCM_AUDIT_PAGE_RESULT_FAILURE && g_strcmp0 (result, SCM_AUDIT_FAILURE) != 0)
    return FALSE;
  return self->form == NULL || event_is_about_form (item, self);
}

static void
filters_changed_cb (ScmAuditPage *self)
{
  guint form = gtk_drop_down_get_selected (self->form_filter);
  guint result = gtk_drop_down_get_selected (self->result_filter);

  g_clear_pointer (&self->form, g_free);
  g_clear_pointer (&self->form_quoted, g_free);
  if (form != GTK_INVALID_LIST_POSITION && form > 0)
    {
      self->form = g_strdup (gtk_string_list_get_string (self->form_names, form));
      self->form_quoted = g_strdup_printf ("form “%s”", self->form);
    }
  self->result = result == GTK_INVALID_LIST_POSITION ? SCM_AUDIT_PAGE_RESULT_ANY : result;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
set_form_names (ScmAuditPage *self,
                GPtrArray    *forms)
{
  g_autofree char *chosen = g_strdup (self->form);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  guint selected = 0;

  for (guint i = 0; i < forms->len; i++)
    {
      const char *name = scm_form_get_name (forms->pdata[i]);

      g_ptr_array_add (names, (gpointer) name);
      if (g_strcmp0 (name, chosen) == 0)
        selected = i + 1;
    }
  g_ptr_array_add (names, NULL);

  g_signal_handlers_block_by_func (self->form_filter, filters_changed_cb, self);
  gtk_string_list_splice (self->form_names, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->form_names)) - 1,
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->form_filter, selected);
  g_signal_handlers_unblock_by_func (self->form_filter, filters_changed_cb, self);
  filters_changed_cb (self);
}

static void
list_forms_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *forms = scm_store_list_forms (task_data, &error);

  if (forms == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, forms, (GDestroyNotify) g_ptr_array_unref);
}

static void
list_forms_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GPtrArray) forms = g_task_propagate_pointer (G_TASK (result), NULL);

  if (forms != NULL)
    set_form_names (SCM_AUDIT_PAGE (source), forms);
}

/* After each load: the forms to choose from, keeping the chosen one. */
static void
update_forms (ScmAuditPage *self)
{
  ScmAuthority *authority = scm_list_page_get_authority (SCM_LIST_PAGE (self));
  g_autoptr (GTask) task = NULL;

  if (scm_list_page_get_loading (SCM_LIST_PAGE (self)) || authority == NULL)
    return;
  task = g_task_new (self, NULL, list_forms_cb, NULL);
  g_task_set_source_tag (task, update_forms);
  g_task_set_task_data (task, g_object_ref (scm_authority_get_store (authority)), g_object_unref);
  g_task_run_in_thread (task, list_forms_thread);
}

/* Export ---------------------------------------------------------------------------- */

typedef struct
{
  GFile *file;
  GPtrArray *events;   /* ScmAuditEvent, in the page's order */
} ExportData;

static void
export_data_free (ExportData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->events, g_ptr_array_unref);
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
  g_autoptr (ScmCsvWriter) writer = NULL;
  g_autoptr (GError) error = NULL;
  const char *header[] = {
    "Sequence", "Time", "Actor", "Action", "Object", "Result", "Message",
  };

  stream = g_file_replace (data->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                           cancellable, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  writer = scm_csv_writer_new (G_OUTPUT_STREAM (stream));
  /* Actors and messages come from the network (emails, client input):
   * a spreadsheet must not run them. */
  scm_csv_writer_set_escape_formulas (writer, TRUE);
  if (!scm_csv_writer_write_row (writer, header, G_N_ELEMENTS (header), cancellable, &error))
    goto failed;
  for (guint i = 0; i < data->events->len; i++)
    {
      ScmAuditEvent *event = data->events->pdata[i];
      g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, scm_audit_event_get_seq (event));
      g_autofree char *time = format_event_time (event);
      const char *row[] = {
        seq, time,
        scm_audit_event_get_actor (event),
        scm_audit_event_get_action (event),
        scm_audit_event_get_object (event),
        scm_audit_event_get_result (event),
        scm_audit_event_get_message (event),
      };

      if (!scm_csv_writer_write_row (writer, row, G_N_ELEMENTS (row), cancellable, &error))
        goto failed;
    }
  if (!scm_csv_writer_flush (writer, cancellable, &error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &error))
    goto failed;
  g_task_return_int (task, data->events->len);
  return;

failed:
  /* Closing with a cancelled stream keeps the file it was to replace. */
  {
    g_autoptr (GCancellable) abort = g_cancellable_new ();

    g_cancellable_cancel (abort);
    g_output_stream_close (G_OUTPUT_STREAM (stream), abort, NULL);
  }
  g_task_return_error (task, g_steal_pointer (&error));
}

void
scm_audit_page_export_csv (ScmAuditPage        *self,
                           GFile               *file,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GListModel *shown;
  g_autoptr (GTask) task = NULL;
  ExportData *data;
  guint n;

  g_return_if_fail (SCM_IS_AUDIT_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  shown = G_LIST_MODEL (gtk_column_view_get_model (scm_list_page_get_column_view (SCM_LIST_PAGE (self))));
  n = g_list_model_get_n_items (shown);
  data = g_new0 (ExportData, 1);
  data->file = g_object_ref (file);
  data->events = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (data->events, g_list_model_get_item (shown, i));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, scm_audit_page_export_csv);
  g_task_set_task_data (task, data, (GDestroyNotify) export_data_free);
  g_task_run_in_thread (task, export_thread);
}

gssize
scm_audit_page_export_csv_finish (ScmAuditPage  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

static void
exported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ScmAuditPage *self = SCM_AUDIT_PAGE (source);
  g_autoptr (GFile) file = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  gssize n;

  n = scm_audit_page_export_csv_finish (self, result, &error);
  if (n < 0)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      text = g_strdup_printf (_("Could not write %s: %s. Choose another folder."), name, error->message);
    }
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zd event exported", "%zd events exported", n), n);
  scm_list_page_show_toast (SCM_LIST_PAGE (self), text);
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    ScmAuditPage    *self)
{
  GFile *file;

  if (response == GTK_RESPONSE_ACCEPT &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))) != NULL)
    scm_audit_page_export_csv (self, file, NULL, exported_cb, file);
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
export_clicked_cb (ScmAuditPage *self)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export Audit Log"),
                                         scm_list_page_get_window (SCM_LIST_PAGE (self)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "audit-log.csv");
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* GObject ----------------------------------------------------------------------------- */

GtkDropDown *
scm_audit_page_get_form_filter (ScmAuditPage *self)
{
  g_return_val_if_fail (SCM_IS_AUDIT_PAGE (self), NULL);

  return self->form_filter;
}

GtkDropDown *
scm_audit_page_get_result_filter (ScmAuditPage *self)
{
  g_return_val_if_fail (SCM_IS_AUDIT_PAGE (self), NULL);

  return self->result_filter;
}

static void
scm_audit_page_finalize (GObject *object)
{
  ScmAuditPage *self = SCM_AUDIT_PAGE (object);

  g_clear_pointer (&self->form, g_free);
  g_clear_pointer (&self->form_quoted, g_free);

  G_OBJECT_CLASS (scm_audit_page_parent_class)->finalize (object);
}

static void
scm_audit_page_class_init (ScmAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ScmListPageClass *page_class = SCM_LIST_PAGE_CLASS (klass);

  object_class->finalize = scm_audit_page_finalize;

  page_class->item_type = SCM_TYPE_AUDIT_EVENT;
  page_class->load = load_events;
  page_class->dup_title = dup_title;

  /* The template only sets ScmListPage's properties: no children to
   * dispose (and GTK 4.8's gtk_widget_dispose_template() of a subclass
   * would drop the parent class's template children unparented). */
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PREFIX "/ui/scm-audit-page.ui");
}

static GtkDropDown *
new_filter_drop_down (GtkStringList *model,
                      const char    *label)
{
  GtkDropDown *drop_down = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (model), NULL));

  gtk_widget_set_tooltip_text (GTK_WIDGET (drop_down), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return drop_down;
}

static void
scm_audit_page_init (ScmAuditPage *self)
{
  ScmListPage *page = SCM_LIST_PAGE (self);
  GtkColumnViewColumn *column;
  const char *results[] = { _("All Results"), _("Succeeded"), _("Failed"), NULL };
  const char *forms[] = { _("All Forms"), NULL };
  GtkWidget *content;

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

  self->form_names = gtk_string_list_new (forms);
  self->form_filter = new_filter_drop_down (self->form_names, _("Show the events of a form"));
  self->result_filter = new_filter_drop_down (gtk_string_list_new (results), _("Show events by result"));
  g_signal_connect_swapped (self->form_filter, "notify::selected", G_CALLBACK (filters_changed_cb), self);
  g_signal_connect_swapped (self->result_filter, "notify::selected", G_CALLBACK (filters_changed_cb), self);
  scm_list_page_add_toolbar_widget (page, GTK_WIDGET (self->form_filter));
  scm_list_page_add_toolbar_widget (page, GTK_WIDGET (self->result_filter));

  self->export_button = gtk_button_new ();
  content = adw_button_content_new ();
  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "document-save-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("_Export CSV…"));
  adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
  gtk_button_set_child (GTK_BUTTON (self->export_button), content);
  gtk_widget_set_tooltip_text (self->export_button, _("Save the Events Shown as a CSV File"));
  g_signal_connect_swapped (self->export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
  scm_list_page_add_toolbar_widget (page, self->export_button);

  /* The page's filter owns it. */
  self->filter = gtk_custom_filter_new (filter_event, self, NULL);
  scm_list_page_add_filter (page, GTK_FILTER (self->filter));
  g_signal_connect (self, "notify::loading", G_CALLBACK (update_forms), NULL);
}
