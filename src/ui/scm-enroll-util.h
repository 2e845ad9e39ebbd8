/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "scm-enrollment-client.h"

G_BEGIN_DECLS

/* What the enroll window's steps share: reading the endpoint's JSON,
 * saying what went wrong in words an end user can act on, and writing
 * the files the person saves. */

/* The string, integer or array member @name, or NULL / @fallback when it
 * is missing or of another type. */
const char *scm_enroll_json_string (JsonObject *object,
                                    const char *name);
gint64      scm_enroll_json_int    (JsonObject *object,
                                    const char *name,
                                    gint64      fallback);
JsonArray  *scm_enroll_json_array  (JsonObject *object,
                                    const char *name);
/* TRUE if @array holds the string @value. */
gboolean    scm_enroll_json_has    (JsonArray  *array,
                                    const char *value);

/* One or two sentences for @error (from @client, nullable) that say what
 * happened and what to do: the generic refusal for credentials, the time
 * to come back after a lockout, the warning for a pin mismatch. */
char       *scm_enroll_describe_error (const GError        *error,
                                       ScmEnrollmentClient *client);

/* Shows @message (NULL hides it) in a step's error label, whose parent
 * GtkRevealer reveals it (the label has the alert role in the .ui). */
void        scm_enroll_show_error  (GtkLabel   *label,
                                    const char *message);

/* Writes @contents to @file in a worker thread. With @private the file
 * has mode 0600 from its creation on, never more, also when it replaces
 * an existing file; the write is atomic where the file system allows. */
void        scm_enroll_write_file_async  (GFile               *file,
                                          GBytes              *contents,
                                          gboolean             private,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean    scm_enroll_write_file_finish (GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
