/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-authority.h"

G_BEGIN_DECLS

#define SCM_PERIODIC_JOBS_INTERVAL_SECONDS (60 * 60)

/* What an enrollment server runs besides answering requests (`scm-enrollctl
 * serve` and the admin app's built-in server alike): the CRL re-signed
 * before its next update and the expiry notices that are due sent. Runs
 * once at start, then every @interval_seconds (0: hourly), always in a
 * worker thread; a run still going when the next one is due makes that
 * one skip. Driven by a timeout on the thread-default main context of the
 * caller, which must keep iterating it. */
typedef struct _ScmPeriodicJobs ScmPeriodicJobs;

ScmPeriodicJobs *scm_periodic_jobs_start     (ScmAuthority    *authority,
                                              guint            interval_seconds);
/* Cancels a run in progress (it stops at its next step) and frees @self. */
void             scm_periodic_jobs_stop      (ScmPeriodicJobs *self);
/* How many runs have finished (seen on the main context). */
guint            scm_periodic_jobs_get_runs  (ScmPeriodicJobs *self);

/* One run of the jobs, in the calling thread: may block (signing, SMTP). */
void             scm_periodic_jobs_run_once  (ScmAuthority    *authority,
                                              GCancellable    *cancellable);

G_END_DECLS
