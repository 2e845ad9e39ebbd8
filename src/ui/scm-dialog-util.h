/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

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

G_END_DECLS
