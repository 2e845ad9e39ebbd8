/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-store.h"

G_BEGIN_DECLS

/* Writes @data's changes to the store; FALSE with @error to roll back. */
typedef gboolean (*ScmStoreChangeFunc) (gpointer  data,
                                        GError  **error);

/* Runs @change in a worker thread inside one store transaction: all of a
 * dialog's changes are saved, or none (a refused part leaves the rest as it
 * was), and the main loop never waits for SQLite. @data is freed with
 * @data_free when the task is done. */
void     scm_store_task_run      (gpointer             source_object,
                                  ScmStore            *store,
                                  ScmStoreChangeFunc   change,
                                  gpointer             data,
                                  GDestroyNotify       data_free,
                                  GCancellable        *cancellable,
                                  gpointer             source_tag,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
gboolean scm_store_task_finish   (GAsyncResult        *result,
                                  GError             **error);
/* The @data given to scm_store_task_run(). */
gpointer scm_store_task_get_data (GAsyncResult        *result);

G_END_DECLS
