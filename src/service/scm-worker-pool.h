/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * ScmWorkerPool:
 *
 * A bounded set of threads for the endpoint's blocking work (the store,
 * secret checks, key generation, signing, PKCS#12), apart from GIO's
 * shared GTask pool. glib-networking runs every TLS handshake as a
 * blocking call in that shared pool; work queued there behind dozens of
 * handshakes (or handshakes behind dozens of issuances) waits until GLib
 * slowly grows the pool. Here the work waits in its own queue instead,
 * served by as many threads as there are processors, so a burst of
 * clients neither fails nor starves the handshakes.
 *
 * Tasks are GTasks as with g_task_run_in_thread(): the pool runs @func
 * in one of its threads and the task's callback comes back on the
 * task's main context.
 */
typedef struct _ScmWorkerPool ScmWorkerPool;

/* @n_threads: 0 for one per processor. */
ScmWorkerPool *scm_worker_pool_new           (guint            n_threads);

/* Queues @task (a reference is taken) to run @func in a pool thread;
 * never fails: the task waits for a free thread. */
void           scm_worker_pool_run_in_thread (ScmWorkerPool   *self,
                                              GTask           *task,
                                              GTaskThreadFunc  func);

guint          scm_worker_pool_get_n_threads (ScmWorkerPool   *self);

/* Tasks waiting for a thread. */
guint          scm_worker_pool_get_queued    (ScmWorkerPool   *self);

/* Lets the queued and running tasks finish (their callbacks still come)
 * in the background, then frees the threads; does not wait. */
void           scm_worker_pool_free          (ScmWorkerPool   *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmWorkerPool, scm_worker_pool_free)

G_END_DECLS
