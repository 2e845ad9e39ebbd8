/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include "scm-dialog-util.h"

void
scm_dialog_set_field_error (GtkLabel  *label,
                            GtkWidget *field,
                            GError    *error,
                            gboolean   show)
{
  gboolean visible = error != NULL && show;

  gtk_label_set_text (label, visible ? error->message : "");
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (label)), visible);
  if (visible)
    gtk_widget_add_css_class (field, "error");
  else
    gtk_widget_remove_css_class (field, "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (field),
                               GTK_ACCESSIBLE_STATE_INVALID,
                               visible ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
}

gint64
scm_dialog_get_selected_id (AdwComboRow *row,
                            GArray      *ids)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= ids->len)
    return 0;
  return g_array_index (ids, gint64, selected);
}

void
scm_dialog_select_id (AdwComboRow *row,
                      GArray      *ids,
                      gint64       id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      {
        adw_combo_row_set_selected (row, i);
        return;
      }
}

typedef struct
{
  ScmStore *store;
  ScmDialogLoadFunc load;
  gpointer data;
  GDestroyNotify data_free;
  GDestroyNotify result_free;
} LoadData;

static void
load_data_free (LoadData *load)
{
  g_clear_object (&load->store);
  if (load->data_free != NULL)
    g_clear_pointer (&load->data, load->data_free);
  g_free (load);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadData *load = task_data;
  GError *error = NULL;
  gpointer answer = load->load (load->store, load->data, &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, answer, load->result_free);
}

void
scm_dialog_load_async (gpointer             source_object,
                       ScmStore            *store,
                       ScmDialogLoadFunc    load,
                       gpointer             data,
                       GDestroyNotify       data_free,
                       GDestroyNotify       result_free,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  LoadData *state;

  g_return_if_fail (SCM_IS_STORE (store));
  g_return_if_fail (load != NULL);

  state = g_new0 (LoadData, 1);
  state->store = g_object_ref (store);
  state->load = load;
  state->data = data;
  state->data_free = data_free;
  state->result_free = result_free;

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, scm_dialog_load_async);
  g_task_set_task_data (task, state, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_thread);
}

gpointer
scm_dialog_load_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == scm_dialog_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
scm_dialog_copy_text (GtkWidget  *widget,
                      const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}
