/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include <curl/curl.h>
#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>

#include "scm-error.h"
#include "scm-mail.h"
#include "scm-validate.h"

#define CONNECT_TIMEOUT_SECONDS 15L
#define TOTAL_TIMEOUT_SECONDS   60L
/* Enough of a server's reply to say why it refused. */
#define REPLY_MAX_CHARS 200

G_DEFINE_BOXED_TYPE (ScmMailSettings, scm_mail_settings,
                     scm_mail_settings_copy, scm_mail_settings_free)

ScmMailSettings *
scm_mail_settings_new (void)
{
  ScmMailSettings *settings = g_new0 (ScmMailSettings, 1);

  settings->security = SCM_MAIL_SECURITY_STARTTLS;
  settings->port = scm_mail_security_get_default_port (settings->security);
  return settings;
}

ScmMailSettings *
scm_mail_settings_copy (const ScmMailSettings *settings)
{
  ScmMailSettings *copy;

  g_return_val_if_fail (settings != NULL, NULL);

  copy = g_new0 (ScmMailSettings, 1);
  copy->host = g_strdup (settings->host);
  copy->port = settings->port;
  copy->security = settings->security;
  copy->username = g_strdup (settings->username);
  copy->password = g_strdup (settings->password);
  copy->from = g_strdup (settings->from);
  copy->ca_file = g_strdup (settings->ca_file);
  return copy;
}

static void
free_password (char *password)
{
  if (password == NULL)
    return;
  OPENSSL_cleanse (password, strlen (password));
  g_free (password);
}

void
scm_mail_settings_free (ScmMailSettings *settings)
{
  if (settings == NULL)
    return;
  g_free (settings->host);
  g_free (settings->username);
  free_password (settings->password);
  g_free (settings->from);
  g_free (settings->ca_file);
  g_free (settings);
}

guint16
scm_mail_security_get_default_port (ScmMailSecurity security)
{
  switch (security)
    {
    case SCM_MAIL_SECURITY_STARTTLS:
      return 587;
    case SCM_MAIL_SECURITY_TLS:
      return 465;
    case SCM_MAIL_SECURITY_NONE:
      return 25;
    default:
      g_return_val_if_reached (587);
    }
}

static gboolean
is_empty (const char *value)
{
  return value == NULL || *value == '\0';
}

ScmMailSettings *
scm_mail_settings_load (ScmStore *store,
                        GError  **error)
{
  g_autoptr (ScmMailSettings) settings = NULL;
  g_autofree char *security = NULL;
  g_autofree char *port = NULL;

  g_return_val_if_fail (SCM_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  settings = g_new0 (ScmMailSettings, 1);
  settings->host = scm_store_get_setting (store, "smtp.host");
  settings->from = scm_store_get_setting (store, "smtp.from");
  if (is_empty (settings->host) || is_empty (settings->from))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Mail is not set up: set smtp.host and smtp.from in Preferences "
                     "or with `scm-enrollctl settings set`"));
      return NULL;
    }

  security = scm_store_get_setting (store, "smtp.security");
  if (g_strcmp0 (security, "tls") == 0)
    settings->security = SCM_MAIL_SECURITY_TLS;
  else if (g_strcmp0 (security, "none") == 0)
    settings->security = SCM_MAIL_SECURITY_NONE;
  else
    settings->security = SCM_MAIL_SECURITY_STARTTLS;

  /* The store validated the range; unset means the security's usual port. */
  port = scm_store_get_setting (store, "smtp.port");
  if (port != NULL)
    settings->port = (guint16) scm_store_get_setting_int (store, "smtp.port");
  else
    settings->port = scm_mail_security_get_default_port (settings->security);

  settings->username = scm_store_get_setting (store, "smtp.username");
  if (is_empty (settings->username))
    g_clear_pointer (&settings->username, g_free);
  else
    {
      settings->password = scm_store_get_setting (store, "smtp.password");
      if (settings->password == NULL)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       _("smtp.username is set but smtp.password is not: set the password "
                         "too, or remove the user name to send without login"));
          return NULL;
        }
    }

  return g_steal_pointer (&settings);
}

char *
scm_mail_settings_describe_server (const ScmMailSettings *settings)
{
  g_return_val_if_fail (settings != NULL, NULL);

  if (settings->host != NULL && strchr (settings->host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", settings->host, settings->port);
  return g_strdup_printf ("%s:%u", settings->host, settings->port);
}

/* Sending ---------------------------------------------------------------- */

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
  GCancellable *cancellable;

  /* For the error message: the command being answered and the server's
   * first refusal (4xx or 5xx) with that command. Never credentials. */
  char command[16];
  char refused_command[16];
  char refusal[REPLY_MAX_CHARS + 1];
} Transfer;

static size_t
read_cb (char  *buffer,
         size_t size,
         size_t nitems,
         void  *user_data)
{
  Transfer *transfer = user_data;
  gsize n = MIN (size * nitems, transfer->len - transfer->pos);

  memcpy (buffer, transfer->data + transfer->pos, n);
  transfer->pos += n;
  return n;
}

static int
progress_cb (void      *user_data,
             curl_off_t dltotal,
             curl_off_t dlnow,
             curl_off_t ultotal,
             curl_off_t ulnow)
{
  Transfer *transfer = user_data;

  /* Non-zero aborts the transfer with CURLE_ABORTED_BY_CALLBACK. */
  return g_cancellable_is_cancelled (transfer->cancellable) ? 1 : 0;
}

static void
remember_command (Transfer   *transfer,
                  const char *data,
                  gsize       len)
{
  static const char *const verbs[] = {
    "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "RSET", "QUIT",
  };

  /* Only the verb: an AUTH exchange's next lines are credentials and never
   * match one, so they leave "AUTH" in place. */
  for (gsize i = 0; i < G_N_ELEMENTS (verbs); i++)
    {
      gsize verb_len = strlen (verbs[i]);

      if (len >= verb_len && g_ascii_strncasecmp (data, verbs[i], verb_len) == 0
          && (len == verb_len || data[verb_len] == ' ' || data[verb_len] == '\r'))
        {
          g_strlcpy (transfer->command, verbs[i], sizeof transfer->command);
          return;
        }
    }
}

static void
remember_reply (Transfer   *transfer,
                const char *data,
                gsize       len)
{
  gsize out = 0;

  /* The first refusal explains the failure; the QUIT that follows it
   * must not replace it. */
  if (transfer->refusal[0] != '\0' || len == 0 || (data[0] != '4' && data[0] != '5'))
    return;

  /* The server's words go into a one-line message: printable ASCII only. */
  for (gsize i = 0; i < len && out < REPLY_MAX_CHARS; i++)
    {
      if (data[i] == '\r' || data[i] == '\n')
        break;
      transfer->refusal[out++] = g_ascii_isprint (data[i]) ? data[i] : '?';
    }
  transfer->refusal[out] = '\0';
  g_strlcpy (transfer->refused_command, transfer->command, sizeof transfer->refused_command);
}

static int
debug_cb (CURL          *handle,
          curl_infotype  type,
          char          *data,
          size_t         size,
          void          *user_data)
{
  Transfer *transfer = user_data;

  if (type == CURLINFO_HEADER_OUT)
    remember_command (transfer, data, size);
  else if (type == CURLINFO_HEADER_IN)
    remember_reply (transfer, data, size);
  return 0;
}

static gpointer
init_curl (gpointer data)
{
  /* Not thread-safe itself, so once for the process, before any thread
   * sends. */
  curl_global_init (CURL_GLOBAL_DEFAULT);
  return NULL;
}

static const char *
detail_of (CURL       *curl,
           CURLcode    code,
           const char *error_buffer)
{
  long os_errno = 0;

  if ((code == CURLE_COULDNT_CONNECT || code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR)
      && curl_easy_getinfo (curl, CURLINFO_OS_ERRNO, &os_errno) == CURLE_OK && os_errno != 0)
    return g_strerror ((int) os_errno);
  if (error_buffer[0] != '\0')
    return error_buffer;
  return curl_easy_strerror (code);
}

static void
set_send_error (GError                **error,
                CURL                   *curl,
                CURLcode                code,
                const char             *error_buffer,
                const Transfer         *transfer,
                const ScmMailSettings  *settings,
                const char             *to)
{
  g_autofree char *server = scm_mail_settings_describe_server (settings);
  const char *detail = detail_of (curl, code, error_buffer);
  const char *reply = transfer->refusal[0] != '\0' ? transfer->refusal : detail;
  const char *refused = transfer->refused_command;

  switch ((int) code)
    {
    case CURLE_ABORTED_BY_CALLBACK:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _("Sending mail through %s was cancelled"), server);
      return;

    case CURLE_COULDNT_RESOLVE_HOST:
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                   _("Could not find the mail server %s: %s; check smtp.host"),
                   server, detail);
      return;

    case CURLE_COULDNT_CONNECT:
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                   _("Could not connect to the mail server %s: %s; check smtp.host and smtp.port"),
                   server, detail);
      return;

    case CURLE_OPERATION_TIMEDOUT:
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                   _("The mail server %s did not answer in time; check smtp.host, smtp.port "
                     "and smtp.security"),
                   server);
      return;

    case CURLE_LOGIN_DENIED:
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                   _("The mail server %s refused the login of “%s” (%s); check smtp.username "
                     "and smtp.password"),
                   server, settings->username != NULL ? settings->username : "", reply);
      return;

    case CURLE_USE_SSL_FAILED:
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                   _("The mail server %s does not offer STARTTLS; check smtp.port and "
                     "smtp.security (tls for port 465)"),
                   server);
      return;

    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                   _("Could not make a secure connection to the mail server %s: %s; check "
                     "smtp.security and the server's certificate"),
                   server, detail);
      return;

    default:
      break;
    }

  /* Refusals: which command the server answered decides what to check. A
   * 530 anywhere means it wants a login first. */
  if (g_str_has_prefix (transfer->refusal, "530"))
    g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                 _("The mail server %s requires a login (%s); set smtp.username and smtp.password"),
                 server, reply);
  else if (g_str_equal (refused, "AUTH"))
    g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                 _("The mail server %s refused the login of “%s” (%s); check smtp.username "
                   "and smtp.password"),
                 server, settings->username != NULL ? settings->username : "", reply);
  else if (g_str_equal (refused, "MAIL"))
    g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                 _("The mail server %s refused the sender %s (%s); check smtp.from: servers "
                   "often accept only their own addresses"),
                 server, settings->from, reply);
  else if (g_str_equal (refused, "RCPT"))
    g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                 _("The mail server %s refused the recipient %s (%s); check the address"),
                 server, to, reply);
  else if (g_str_equal (refused, "DATA")
           || (code == CURLE_WEIRD_SERVER_REPLY && transfer->pos > 0))
    g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                 _("The mail server %s refused the message (%s)"),
                 server, reply);
  else if (code == CURLE_GOT_NOTHING || code == CURLE_RECV_ERROR || code == CURLE_WEIRD_SERVER_REPLY)
    g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                 _("The mail server %s closed the connection or answered unexpectedly (%s); "
                   "check smtp.port and smtp.security"),
                 server, detail);
  else
    g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                 _("Could not send mail through %s: %s"),
                 server, reply);
}

static gboolean
check_settings (const ScmMailSettings *settings,
                GError               **error)
{
  if (is_empty (settings->host) || is_empty (settings->from) || settings->port == 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("Mail is not set up: set smtp.host and smtp.from in Preferences "
                     "or with `scm-enrollctl settings set`"));
      return FALSE;
    }
  /* The host goes into a URL: nothing that could change its meaning. */
  for (const char *p = settings->host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (".-:_", *p) == NULL)
      {
        g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                     _("The mail server “%s” is not a host name or address; check smtp.host"),
                     settings->host);
        return FALSE;
      }
  return TRUE;
}

gboolean
scm_mail_send (const ScmMailSettings *settings,
               const char            *to,
               const char            *subject,
               const char            *body,
               GCancellable          *cancellable,
               GError               **error)
{
  static GOnce curl_once = G_ONCE_INIT;
  g_autoptr (GBytes) message = NULL;
  g_autofree char *to_address = NULL;
  g_autofree char *url = NULL;
  g_autofree char *mail_from = NULL;
  g_autofree char *mail_rcpt = NULL;
  struct curl_slist *recipients = NULL;
  char error_buffer[CURL_ERROR_SIZE] = "";
  Transfer transfer = { 0 };
  CURLcode code;
  CURL *curl;

  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (to != NULL && subject != NULL && body != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Everything that can be refused is refused before connecting. */
  if (!check_settings (settings, error))
    return FALSE;
  message = scm_mail_compose (settings->from, to, subject, body, NULL, error);
  if (message == NULL)
    return FALSE;
  if (!scm_validate_email (to, &to_address, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  g_once (&curl_once, init_curl, NULL);
  curl = curl_easy_init ();
  if (curl == NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED, _("Could not start libcurl to send mail"));
      return FALSE;
    }

  {
    g_autofree char *server = scm_mail_settings_describe_server (settings);
    url = g_strdup_printf ("%s://%s",
                           settings->security == SCM_MAIL_SECURITY_TLS ? "smtps" : "smtp",
                           server);
  }
  {
    g_autofree char *from_address = NULL;
    /* scm_mail_compose() validated it already. */
    scm_validate_email (settings->from, &from_address, NULL);
    mail_from = g_strdup_printf ("<%s>", from_address);
  }
  mail_rcpt = g_strdup_printf ("<%s>", to_address);
  recipients = curl_slist_append (NULL, mail_rcpt);

  transfer.data = g_bytes_get_data (message, &transfer.len);
  transfer.cancellable = cancellable;

  curl_easy_setopt (curl, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS, (long) (CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_SECONDS);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, TOTAL_TIMEOUT_SECONDS);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt (curl, CURLOPT_USE_SSL,
                    (long) (settings->security == SCM_MAIL_SECURITY_NONE ? CURLUSESSL_NONE : CURLUSESSL_ALL));
  if (settings->ca_file != NULL)
    curl_easy_setopt (curl, CURLOPT_CAINFO, settings->ca_file);
  if (settings->username != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_USERNAME, settings->username);
      curl_easy_setopt (curl, CURLOPT_PASSWORD, settings->password != NULL ? settings->password : "");
    }
  curl_easy_setopt (curl, CURLOPT_MAIL_FROM, mail_from);
  curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt (curl, CURLOPT_READDATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t) transfer.len);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, progress_cb);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, &transfer);
  /* The debug callback sees the conversation (to say which step failed);
   * it is only called in verbose mode, and prints nothing itself. */
  curl_easy_setopt (curl, CURLOPT_DEBUGFUNCTION, debug_cb);
  curl_easy_setopt (curl, CURLOPT_DEBUGDATA, &transfer);
  curl_easy_setopt (curl, CURLOPT_VERBOSE, 1L);

  code = curl_easy_perform (curl);
  if (code != CURLE_OK)
    {
      set_send_error (error, curl, code, error_buffer, &transfer, settings, to_address);
      g_debug ("Sending mail through %s failed: %s (refused %s: %s)",
               url, curl_easy_strerror (code), transfer.refused_command, transfer.refusal);
    }
  else
    g_debug ("Sent a message to %s through %s", to_address, url);

  curl_slist_free_all (recipients);
  curl_easy_cleanup (curl);
  return code == CURLE_OK;
}

typedef struct
{
  ScmMailSettings *settings;
  char *to;
  char *subject;
  char *body;
} SendData;

static void
send_data_free (SendData *data)
{
  scm_mail_settings_free (data->settings);
  g_free (data->to);
  g_free (data->subject);
  /* A confirmation code's body. */
  free_password (data->body);
  g_free (data);
}

static void
send_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SendData *data = task_data;
  GError *error = NULL;

  if (scm_mail_send (data->settings, data->to, data->subject, data->body, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
scm_mail_send_async (const ScmMailSettings *settings,
                     const char            *to,
                     const char            *subject,
                     const char            *body,
                     GCancellable          *cancellable,
                     GAsyncReadyCallback    callback,
                     gpointer               user_data)
{
  g_autoptr (GTask) task = NULL;
  SendData *data;

  g_return_if_fail (settings != NULL);
  g_return_if_fail (to != NULL && subject != NULL && body != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (SendData, 1);
  data->settings = scm_mail_settings_copy (settings);
  data->to = g_strdup (to);
  data->subject = g_strdup (subject);
  data->body = g_strdup (body);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, scm_mail_send_async);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);
  g_task_run_in_thread (task, send_thread);
}

gboolean
scm_mail_send_finish (GAsyncResult *result,
                      GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == scm_mail_send_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
