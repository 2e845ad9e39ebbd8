/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-service"

#include "config.h"

#include "scm-worker-pool.h"

struct _ScmWorkerPool
{
  GThreadPool *pool;
  guint n_threads;
};

typedef struct
{
  GTask *task;
  GTaskThreadFunc func;
} Job;

static void
run_job (gpointer data,
         gpointer user_data)
{
  Job *job = data;

  job->func (job->task, g_task_get_source_object (job->task), g_task_get_task_data (job->task),
             g_task_get_cancellable (job->task));
  g_object_unref (job->task);
  g_free (job);
}

ScmWorkerPool *
scm_worker_pool_new (guint n_threads)
{
  ScmWorkerPool *self = g_new0 (ScmWorkerPool, 1);

  self->n_threads = n_threads > 0 ? n_threads : MAX (g_get_num_processors (), 1);
  /* Non-exclusive: idle threads go back to GLib's spare threads; it never
   * fails then. */
  self->pool = g_thread_pool_new (run_job, NULL, (gint) self->n_threads, FALSE, NULL);
  return self;
}

void
scm_worker_pool_run_in_thread (ScmWorkerPool   *self,
                               GTask           *task,
                               GTaskThreadFunc  func)
{
  Job *job;

  g_return_if_fail (self != NULL);
  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  job = g_new0 (Job, 1);
  job->task = g_object_ref (task);
  job->func = func;
  g_thread_pool_push (self->pool, job, NULL);
}

guint
scm_worker_pool_get_n_threads (ScmWorkerPool *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_threads;
}

guint
scm_worker_pool_get_queued (ScmWorkerPool *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_thread_pool_unprocessed (self->pool);
}

void
scm_worker_pool_free (ScmWorkerPool *self)
{
  if (self == NULL)
    return;

  /* Queued tasks still run: each holds a GTask whose callback someone
   * waits for. */
  g_thread_pool_free (self->pool, FALSE, FALSE);
  g_free (self);
}
