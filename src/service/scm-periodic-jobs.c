/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-service"

#include "config.h"

#include "scm-expiry-notice.h"
#include "scm-mail.h"
#include "scm-periodic-jobs.h"

struct _ScmPeriodicJobs
{
  gatomicrefcount ref_count;
  ScmAuthority *authority;
  GCancellable *cancellable;
  GSource *timeout;
  guint runs;
  gboolean running;
};

void
scm_periodic_jobs_run_once (ScmAuthority *authority,
                            GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) crl = NULL;
  g_autoptr (ScmExpiryNoticeSummary) summary = NULL;
  g_autoptr (ScmMailSettings) mail = NULL;

  g_return_if_fail (SCM_IS_AUTHORITY (authority));

  /* Asking for the CRL re-signs it when its next update is a day away or
   * less, whether or not anyone fetches it. */
  crl = scm_authority_get_crl (authority, &error);
  if (crl == NULL)
    {
      g_warning ("Could not re-sign the CRL: %s", error->message);
      g_clear_error (&error);
    }
  if (g_cancellable_is_cancelled (cancellable))
    return;

  /* Without mail settings there is nobody to remind: not an error here. */
  mail = scm_mail_settings_load (scm_authority_get_store (authority), NULL);
  if (mail == NULL)
    return;
  summary = scm_expiry_notice_run (authority, mail, g_get_real_time () / G_USEC_PER_SEC,
                                   cancellable, &error);
  if (summary == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not send expiry notices: %s", error->message);
    }
  else if (summary->n_sent > 0 || summary->n_failed > 0)
    g_message ("Expiry notices: %u sent, %u failed (tried again at the next run)",
               summary->n_sent, summary->n_failed);
}

static ScmPeriodicJobs *
jobs_ref (ScmPeriodicJobs *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

static void
jobs_unref (ScmPeriodicJobs *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_object (&self->cancellable);
  g_clear_object (&self->authority);
  g_free (self);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  scm_periodic_jobs_run_once (source_object, cancellable);
  g_task_return_boolean (task, TRUE);
}

static void
run_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  ScmPeriodicJobs *self = user_data;

  self->running = FALSE;
  self->runs++;
  jobs_unref (self);
}

static void
run (ScmPeriodicJobs *self)
{
  g_autoptr (GTask) task = NULL;

  if (self->running)
    return;
  self->running = TRUE;
  /* The task's reference keeps the handle for run_cb after a stop. */
  task = g_task_new (self->authority, self->cancellable, run_cb, jobs_ref (self));
  g_task_set_source_tag (task, run);
  /* run_cb must see the run end even when it was cancelled. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, run_thread);
}

static gboolean
timeout_cb (gpointer user_data)
{
  run (user_data);
  return G_SOURCE_CONTINUE;
}

ScmPeriodicJobs *
scm_periodic_jobs_start (ScmAuthority *authority,
                         guint         interval_seconds)
{
  g_autoptr (GMainContext) context = g_main_context_ref_thread_default ();
  ScmPeriodicJobs *self;

  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);

  self = g_new0 (ScmPeriodicJobs, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->authority = g_object_ref (authority);
  self->cancellable = g_cancellable_new ();
  self->timeout = g_timeout_source_new_seconds (interval_seconds > 0 ? interval_seconds
                                                : SCM_PERIODIC_JOBS_INTERVAL_SECONDS);
  g_source_set_callback (self->timeout, timeout_cb, self, NULL);
  g_source_set_static_name (self->timeout, "[scm] periodic jobs");
  g_source_attach (self->timeout, context);
  run (self);
  return self;
}

void
scm_periodic_jobs_stop (ScmPeriodicJobs *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_source_destroy (self->timeout);
  g_clear_pointer (&self->timeout, g_source_unref);
  jobs_unref (self);
}

guint
scm_periodic_jobs_get_runs (ScmPeriodicJobs *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->runs;
}
