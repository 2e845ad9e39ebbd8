/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <openssl/err.h>

#include "scm-error.h"
#include "scm-openssl-private.h"

gboolean
scm_set_openssl_error (GError    **error,
                       const char *what)
{
  unsigned long code = ERR_peek_last_error ();
  char reason[256] = "unknown OpenSSL error";

  if (code != 0)
    ERR_error_string_n (code, reason, sizeof reason);
  ERR_clear_error ();

  g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED, "%s: %s", what, reason);
  return FALSE;
}
