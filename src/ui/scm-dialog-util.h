/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-store.h"

G_BEGIN_DECLS

/* Shows @error's message in @label (whose parent row appears with it) and
 * marks @field invalid, for people and for screen readers; hides both when
 * there is no error or it should not show yet (@show FALSE). */
void   scm_dialog_set_field_error (GtkLabel    *label,
                                   GtkWidget   *field,
                                   GError      *error,
                                   gboolean     show);

/* @row's choices stand for the gint64 ids in @ids, in order: the selected
 * one's id (0 for none), and selecting by id. */
gint64 scm_dialog_get_selected_id (AdwComboRow *row,
                                   GArray      *ids);
void   scm_dialog_select_id       (AdwComboRow *row,
                                   GArray      *ids,
                                   gint64       id);

/* Reads what a dialog shows from the store ------------------------------------ */

/* Runs in a worker thread: @data's answer (freed with the @result_free
 * given to scm_dialog_load_async()), or NULL with @error. */
typedef gpointer (*ScmDialogLoadFunc) (ScmStore  *store,
                                       gpointer   data,
                                       GError   **error);

/* Runs @load in a worker thread, so that a dialog never waits on the main
 * loop for a store another thread holds (an import's transaction). @data
 * is freed with @data_free when the task is done. */
void     scm_dialog_load_async  (gpointer             source_object,
                                 ScmStore            *store,
                                 ScmDialogLoadFunc    load,
                                 gpointer             data,
                                 GDestroyNotify       data_free,
                                 GDestroyNotify       result_free,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
/* @load's answer (transfer full), or NULL with @error. */
gpointer scm_dialog_load_finish (GAsyncResult        *result,
                                 GError             **error);

/* Puts @text on @widget's clipboard. */
void     scm_dialog_copy_text   (GtkWidget           *widget,
                                 const char          *text);

G_END_DECLS
