/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "scm-enroll-util.h"

const char *
scm_enroll_json_string (JsonObject *object,
                        const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
scm_enroll_json_int (JsonObject *object,
                     const char *name,
                     gint64      fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

JsonArray *
scm_enroll_json_array (JsonObject *object,
                       const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

gboolean
scm_enroll_json_has (JsonArray  *array,
                     const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
          && g_strcmp0 (json_node_get_string (node), value) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The library's and the server's sentences end without a period at
 * times; ours always have one before the next sentence. */
static char *
with_period (const char *message)
{
  gsize len = strlen (message);

  if (len == 0 || strchr (".!?", message[len - 1]) != NULL)
    return g_strdup (message);
  return g_strconcat (message, ".", NULL);
}

static char *
describe_lockout (ScmEnrollmentClient *client)
{
  guint seconds = client != NULL ? scm_enrollment_client_get_retry_after (client) : 0;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) then = NULL;
  g_autofree char *clock = NULL;
  guint minutes;

  if (seconds == 0)
    return g_strdup (_("Too many attempts were made. Wait a quarter of an hour, then try again."));
  now = g_date_time_new_now_local ();
  then = g_date_time_add_seconds (now, seconds);
  /* Translators: a time of day in strftime() format, e.g. 14:05 */
  clock = g_date_time_format (then, _("%H:%M"));
  minutes = (seconds + 59) / 60;
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Too many attempts were made. Try again after %s (in %u minute).",
                                       "Too many attempts were made. Try again after %s (in %u minutes).",
                                       minutes),
                          clock, minutes);
}

char *
scm_enroll_describe_error (const GError        *error,
                           ScmEnrollmentClient *client)
{
  g_autofree char *message = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  message = with_period (error->message);
  if (error->domain != SCM_ENROLLMENT_CLIENT_ERROR)
    return g_steal_pointer (&message);

  switch ((ScmEnrollmentClientError) error->code)
    {
    case SCM_ENROLLMENT_CLIENT_ERROR_UNREACHABLE:
      return g_strdup_printf (_("%s Check your network connection and the link, then try again."),
                              message);
    case SCM_ENROLLMENT_CLIENT_ERROR_PIN_MISMATCH:
      return g_strdup_printf (_("%s Nothing was sent to that server."), message);
    case SCM_ENROLLMENT_CLIENT_ERROR_FORM_NOT_FOUND:
      return g_strdup (_("This enrollment form does not exist or is turned off. Check that you "
                         "copied the whole link, or ask your administrator."));
    case SCM_ENROLLMENT_CLIENT_ERROR_CREDENTIALS_REFUSED:
      /* One answer whatever the reason, as the server gives. */
      return g_strdup (_("What you entered was not accepted. Check the email address and the "
                         "code or Secret ID, then try again."));
    case SCM_ENROLLMENT_CLIENT_ERROR_LOCKED_OUT:
      return describe_lockout (client);
    case SCM_ENROLLMENT_CLIENT_ERROR_SESSION_EXPIRED:
      return g_strdup (_("Your sign-in has ended. Sign in again to continue."));
    case SCM_ENROLLMENT_CLIENT_ERROR_NOT_ELIGIBLE:
      return g_strdup_printf (_("%s If you think you should be able to enroll here, ask your "
                                "administrator."), message);
    case SCM_ENROLLMENT_CLIENT_ERROR_INVALID_URL:
    case SCM_ENROLLMENT_CLIENT_ERROR_POLICY:
    case SCM_ENROLLMENT_CLIENT_ERROR_INVALID_REQUEST:
    case SCM_ENROLLMENT_CLIENT_ERROR_SERVER:
    default:
      return g_steal_pointer (&message);
    }
}

void
scm_enroll_show_error (GtkLabel   *label,
                       const char *message)
{
  GtkWidget *revealer = gtk_widget_get_parent (GTK_WIDGET (label));

  gtk_label_set_text (label, message != NULL ? message : "");
  if (GTK_IS_REVEALER (revealer))
    gtk_revealer_set_reveal_child (GTK_REVEALER (revealer), message != NULL);
}

/* Writing ---------------------------------------------------------------------------------- */

typedef struct
{
  GFile *file;
  GBytes *contents;
  gboolean private;
} WriteData;

static void
write_data_free (WriteData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->contents, g_bytes_unref);
  g_free (data);
}

static gboolean
write_all (int           fd,
           GBytes       *contents,
           GError      **error)
{
  gsize len = 0;
  const guint8 *p = g_bytes_get_data (contents, &len);

  while (len > 0)
    {
      gssize written = write (fd, p, len);

      if (written < 0 && errno == EINTR)
        continue;
      if (written < 0)
        {
          int saved = errno;

          g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved),
                               g_strerror (saved));
          return FALSE;
        }
      p += written;
      len -= written;
    }
  if (fsync (fd) != 0)
    {
      int saved = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* A local file: a temporary file created 0600 (the umask can only take
 * away) beside the target, renamed over it once complete. */
static gboolean
write_local (const char  *path,
             GBytes      *contents,
             gboolean     private,
             GError     **error)
{
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, private ? 0600 : 0644);
  gboolean ok;

  if (fd < 0)
    {
      int saved = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      return FALSE;
    }
  /* g_mkstemp_full() honours the mode, but make sure of it: a file of
   * keys must never be readable by others, even for a moment. */
  ok = !private || fchmod (fd, 0600) == 0;
  if (!ok)
    {
      int saved = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
    }
  ok = ok && write_all (fd, contents, error);
  if (close (fd) != 0 && ok)
    {
      int saved = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      ok = FALSE;
    }
  if (ok && g_rename (tmp, path) != 0)
    {
      int saved = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  return ok;
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  WriteData *data = task_data;
  g_autofree char *path = g_file_get_path (data->file);
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (path != NULL)
    ok = write_local (path, data->contents, data->private, &error);
  else
    {
      /* Elsewhere (a portal's document store, a remote location): the
       * backend creates the replacement privately and without taking
       * over the old file's permissions. */
      stream = g_file_replace (data->file, NULL, FALSE,
                               G_FILE_CREATE_REPLACE_DESTINATION
                               | (data->private ? G_FILE_CREATE_PRIVATE : G_FILE_CREATE_NONE),
                               cancellable, &error);
      ok = stream != NULL
           && g_output_stream_write_all (G_OUTPUT_STREAM (stream),
                                         g_bytes_get_data (data->contents, NULL),
                                         g_bytes_get_size (data->contents), NULL, cancellable,
                                         &error)
           && g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &error);
    }
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

void
scm_enroll_write_file_async (GFile               *file,
                             GBytes              *contents,
                             gboolean             private,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  WriteData *data = g_new0 (WriteData, 1);

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (contents != NULL);

  data->file = g_object_ref (file);
  data->contents = g_bytes_ref (contents);
  data->private = private;
  g_task_set_source_tag (task, scm_enroll_write_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) write_data_free);
  g_task_run_in_thread (task, write_thread);
}

gboolean
scm_enroll_write_file_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
