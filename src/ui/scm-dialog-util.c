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
