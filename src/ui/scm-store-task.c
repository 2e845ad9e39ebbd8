/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include "scm-store-task.h"

typedef struct
{
  ScmStore *store;
  ScmStoreChangeFunc change;
  gpointer data;
  GDestroyNotify data_free;
} StoreTask;

static void
store_task_free (StoreTask *task)
{
  g_clear_object (&task->store);
  if (task->data_free != NULL)
    task->data_free (task->data);
  g_free (task);
}

static void
store_task_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  StoreTask *store_task = task_data;
  g_autoptr (GError) error = NULL;

  if (!scm_store_begin (store_task->store, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!store_task->change (store_task->data, &error))
    {
      scm_store_rollback (store_task->store);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!scm_store_commit (store_task->store, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
scm_store_task_run (gpointer             source_object,
                    ScmStore            *store,
                    ScmStoreChangeFunc   change,
                    gpointer             data,
                    GDestroyNotify       data_free,
                    GCancellable        *cancellable,
                    gpointer             source_tag,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  StoreTask *store_task;

  g_return_if_fail (SCM_IS_STORE (store));
  g_return_if_fail (change != NULL);

  store_task = g_new0 (StoreTask, 1);
  store_task->store = g_object_ref (store);
  store_task->change = change;
  store_task->data = data;
  store_task->data_free = data_free;

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, store_task, (GDestroyNotify) store_task_free);
  g_task_run_in_thread (task, store_task_thread);
}

gboolean
scm_store_task_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gpointer
scm_store_task_get_data (GAsyncResult *result)
{
  StoreTask *store_task;

  g_return_val_if_fail (G_IS_TASK (result), NULL);

  store_task = g_task_get_task_data (G_TASK (result));
  return store_task->data;
}
