/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-ctl.h"
#include "scm-types.h"

G_BEGIN_DECLS

typedef struct _ScmStore ScmStore;
typedef struct _ScmAuthority ScmAuthority;

/* What every command shares: where the data is and how to reach it. */
typedef struct
{
  const char *command;        /* "org add", for messages */
  char *data_dir;             /* --data-dir, or the default */
  char *ca_passphrase_file;   /* --ca-passphrase-file */
  ScmStore *store;            /* opened on first use */
  ScmAuthority *authority;    /* unlocked on first use */
} ScmCtl;

typedef int (*ScmCtlCommandFunc) (ScmCtl  *ctl,
                                  int      argc,
                                  char   **argv);

/* Parses the command's options with @entries plus the common ones; on a
 * usage error prints it with a hint and returns FALSE (exit code 2). */
gboolean      scm_ctl_parse_options       (ScmCtl             *ctl,
                                           const char         *parameter_string,
                                           const char         *summary,
                                           const GOptionEntry *entries,
                                           int                *argc,
                                           char             ***argv);
int           scm_ctl_usage_error         (ScmCtl     *ctl,
                                           const char *format,
                                           ...) G_GNUC_PRINTF (2, 3);
int           scm_ctl_fail                (ScmCtl     *ctl,
                                           GError     *error);
ScmStore     *scm_ctl_get_store           (ScmCtl  *ctl,
                                           GError **error);
ScmAuthority *scm_ctl_get_authority       (ScmCtl  *ctl,
                                           GError **error);

/* Reads a secret from a file (first line, without its newline), or from the
 * terminal without echo when @path is "-" or NULL and stdin is a terminal. */
char         *scm_ctl_read_secret         (const char *path,
                                           const char *prompt,
                                           GError    **error);

/* Writes @data to a new file with mode 0600; never replaces a file. */
gboolean      scm_ctl_write_new_file      (const char *path,
                                           GBytes     *data,
                                           GError    **error);

int scm_ctl_org_add          (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_dept_add         (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_domain_add       (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_domain_validate  (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_form_add         (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_account_add      (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_person_add       (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_person_validate  (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_import_persons   (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_export_persons   (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_list             (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_issue            (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_revoke           (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_crl              (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_settings_set     (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_settings_get     (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_backup           (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_verify           (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_ca_show          (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_ca_export        (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_ca_import        (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_ca_set_passphrase (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_mail_test        (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_serve            (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_enroll           (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_bulk_issue       (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_notify_expiring  (ScmCtl *ctl, int argc, char **argv);
int scm_ctl_invite           (ScmCtl *ctl, int argc, char **argv);

/* `revoke --person EMAIL`: every valid certificate of the person. */
int  scm_ctl_revoke_person   (ScmCtl              *ctl,
                              const char          *email,
                              ScmRevocationReason  reason);

G_END_DECLS
