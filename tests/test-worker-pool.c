/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-test"

#include "config.h"

#include <gio/gio.h>

#include "scm-worker-pool.h"

/* The endpoint's worker pool: more work than threads waits in the queue
 * (never more running at once than the pool has threads, never refused),
 * and every task's callback comes back on the caller's main context. */

#define TIMEOUT_SECONDS 30

typedef struct
{
  gint running;               /* atomic */
  gint most_running;          /* atomic */
  GMutex lock;
  GCond cond;
  gboolean released;          /* the first tasks may finish */
  guint done;
  guint done_off_thread;
  GThread *main_thread;
} Fixture;

static void
work_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Fixture *f = task_data;
  gint now = g_atomic_int_add (&f->running, 1) + 1;
  gint most;

  while ((most = g_atomic_int_get (&f->most_running)) < now
         && !g_atomic_int_compare_and_exchange (&f->most_running, most, now))
    ;
  /* Hold the thread until the test has seen the queue fill up. */
  g_mutex_lock (&f->lock);
  while (!f->released)
    g_cond_wait (&f->cond, &f->lock);
  g_mutex_unlock (&f->lock);
  g_atomic_int_add (&f->running, -1);
  g_task_return_boolean (task, TRUE);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Fixture *f = user_data;

  g_assert_true (g_task_propagate_boolean (G_TASK (result), NULL));
  if (g_thread_self () != f->main_thread)
    f->done_off_thread++;
  f->done++;
  g_main_context_wakeup (NULL);
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_error ("The worker pool's tasks did not finish within %d seconds", TIMEOUT_SECONDS);
  return G_SOURCE_REMOVE;
}

static void
release (Fixture *f)
{
  g_mutex_lock (&f->lock);
  f->released = TRUE;
  g_cond_broadcast (&f->cond);
  g_mutex_unlock (&f->lock);
}

static void
wait_done (Fixture *f,
           guint    n)
{
  guint timeout = g_timeout_add_seconds (TIMEOUT_SECONDS, timeout_cb, NULL);

  while (f->done < n)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
}

static void
push (ScmWorkerPool *pool,
      Fixture       *f,
      guint          n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, done_cb, f);

      g_task_set_task_data (task, f, NULL);
      scm_worker_pool_run_in_thread (pool, task, work_thread);
    }
}

static void
fixture_init (Fixture *f)
{
  g_mutex_init (&f->lock);
  g_cond_init (&f->cond);
  f->main_thread = g_thread_self ();
}

static void
fixture_clear (Fixture *f)
{
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->cond);
}

static void
test_queue_bounded (void)
{
  g_autoptr(ScmWorkerPool) pool = scm_worker_pool_new (2);
  Fixture f = { 0 };

  fixture_init (&f);
  g_assert_cmpuint (scm_worker_pool_get_n_threads (pool), ==, 2);
  push (pool, &f, 12);

  /* Both threads take a task and hold it: the other ten wait in the queue. */
  while (g_atomic_int_get (&f.running) < 2)
    g_thread_yield ();
  g_assert_cmpuint (scm_worker_pool_get_queued (pool), ==, 10);
  g_assert_cmpuint (f.done, ==, 0);

  release (&f);
  wait_done (&f, 12);
  g_assert_cmpint (g_atomic_int_get (&f.most_running), ==, 2);
  g_assert_cmpuint (f.done_off_thread, ==, 0);
  g_assert_cmpuint (scm_worker_pool_get_queued (pool), ==, 0);
  fixture_clear (&f);
}

static void
test_default_size (void)
{
  g_autoptr(ScmWorkerPool) pool = scm_worker_pool_new (0);

  g_assert_cmpuint (scm_worker_pool_get_n_threads (pool), ==, MAX (g_get_num_processors (), 1));
}

static void
test_free_finishes_queued (void)
{
  ScmWorkerPool *pool = scm_worker_pool_new (1);
  Fixture f = { 0 };

  fixture_init (&f);
  push (pool, &f, 5);
  /* Freed with work still queued: every task still runs and answers. */
  scm_worker_pool_free (pool);
  release (&f);
  wait_done (&f, 5);
  g_assert_cmpint (g_atomic_int_get (&f.most_running), ==, 1);
  g_assert_cmpuint (f.done_off_thread, ==, 0);
  fixture_clear (&f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/worker-pool/queue-bounded", test_queue_bounded);
  g_test_add_func ("/worker-pool/default-size", test_default_size);
  g_test_add_func ("/worker-pool/free-finishes-queued", test_free_finishes_queued);
  return g_test_run ();
}
