/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Small helpers for the crypto tests, which check our output with third-party
 * tools (openssl, NSS, GnuTLS, Java). Header-only so that the test list in
 * tests/meson.build needs no extra sources. */

#include <stdarg.h>

#include <glib.h>

#include "scm-test-util.h"

G_BEGIN_DECLS

/* Runs a NULL-terminated argument list; returns the exit status and, in
 * @out (nullable; a previous string there is freed, so start from NULL),
 * stdout followed by stderr for messages and matching.
 * HOME points to @home (nullable) so that no tool touches the real one. */
static inline int
scm_test_tool (char      **out,
               const char *home,
               const char *program,
               ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *home_env = NULL;
  g_autofree char *std_out = NULL;
  g_autofree char *std_err = NULL;
  const char *arg;
  va_list ap;
  int status;

  if (home != NULL)
    {
      home_env = g_strconcat ("HOME=", home, NULL);
      g_ptr_array_add (argv, (char *) "env");
      g_ptr_array_add (argv, home_env);
    }
  g_ptr_array_add (argv, (char *) program);
  va_start (ap, program);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  status = scm_test_run ((const char *const *) argv->pdata, NULL, &std_out, &std_err);
  if (out != NULL)
    {
      g_free (*out);
      *out = g_strconcat (std_out != NULL ? std_out : "", std_err != NULL ? std_err : "", NULL);
    }
  return status;
}

/* Writes @bytes to @dir/@name and returns the path. */
static inline char *
scm_test_write_file (const char *dir,
                     const char *name,
                     GBytes     *bytes)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_file_set_contents (path, data != NULL ? data : "", len, &error);
  g_assert_no_error (error);
  return path;
}

/* Reads @path into GBytes. */
static inline GBytes *
scm_test_read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

G_END_DECLS
