/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"

G_BEGIN_DECLS

#define SCM_TYPE_APPLICATION (scm_application_get_type ())

G_DECLARE_FINAL_TYPE (ScmApplication, scm_application, SCM, APPLICATION, AdwApplication)

/* Where the application is in opening its data directory. */
typedef enum
{
  SCM_APPLICATION_STATE_LOADING,   /* opening the store and the CA off the main loop */
  SCM_APPLICATION_STATE_LOCKED,    /* the CA keys need a typed passphrase */
  SCM_APPLICATION_STATE_READY,     /* the authority is available */
  SCM_APPLICATION_STATE_FAILED,    /* the data directory cannot be used */
} ScmApplicationState;

/* Where the in-process enrollment server is. */
typedef enum
{
  SCM_SERVER_STATE_STOPPED,
  SCM_SERVER_STATE_STARTING,       /* its TLS certificate is being readied off the main loop */
  SCM_SERVER_STATE_RUNNING,        /* serving at scm_application_get_server_url() */
  SCM_SERVER_STATE_FAILED,         /* scm_application_get_server_error() says why */
} ScmServerState;

ScmApplication      *scm_application_new               (void);
const char          *scm_application_get_data_dir      (ScmApplication *self);
/* Takes effect at the next scm_application_open_data(). */
void                 scm_application_set_data_dir      (ScmApplication *self,
                                                        const char     *data_dir);
ScmApplicationState  scm_application_get_state         (ScmApplication *self);
/* Why the state is LOCKED (after a wrong passphrase) or FAILED; or NULL. */
const char          *scm_application_get_state_message (ScmApplication *self);
ScmAuthority        *scm_application_get_authority     (ScmApplication *self);

/* Opens the data directory in a worker thread; @passphrase is for a CA
 * protected by a typed one (NULL: the embedded passphrase). */
void                 scm_application_open_data         (ScmApplication *self,
                                                        const char     *passphrase);

/* The enrollment server for the opened authority, with the settings
 * server.listen and server.public-url as of its start. Starting readies
 * its TLS certificate in a worker thread ("server-state" goes STARTING,
 * then RUNNING or FAILED); it stops when the data directory changes and
 * when the application quits. */
ScmServerState       scm_application_get_server_state  (ScmApplication *self);
/* While RUNNING: the base URL it serves. */
const char          *scm_application_get_server_url    (ScmApplication *self);
/* While FAILED: one sentence saying why. */
const char          *scm_application_get_server_error  (ScmApplication *self);
void                 scm_application_start_server      (ScmApplication *self);
void                 scm_application_stop_server       (ScmApplication *self);
/* Stops and starts it again when it runs (new settings, a new CA). */
void                 scm_application_restart_server    (ScmApplication *self);

G_END_DECLS
