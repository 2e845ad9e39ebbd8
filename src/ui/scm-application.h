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

G_END_DECLS
