/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-service"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "scm-enrollment-client.h"
#include "scm-http-problem.h"
#include "scm-pkcs7.h"
#include "scm-x509.h"

/* Longest issuer chain we walk: a server sending more is not ours. */
#define MAX_CHAIN_LENGTH 8

struct _ScmEnrollmentClient
{
  GObject parent_instance;

  char *base_url;
  char *extension;
  char *host;
  guint16 port;
  char *pin;
  gboolean use_tls;
  SoupSession *session;
  GTlsCertificate *accepted;  /* the peer certificate the pin check passed */
  char *token;
  guint retry_after;
  gint64 code_expires_at;
};

G_DEFINE_TYPE (ScmEnrollmentClient, scm_enrollment_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (scm-enrollment-client-error-quark, scm_enrollment_client_error)

typedef enum
{
  TLS_OK,
  TLS_PIN_MISSING,
  TLS_CHAIN_INVALID,
} TlsVerdict;

/* One request in flight. */
typedef struct
{
  SoupMessage *msg;
  guint expected_status;
  gboolean keep_session;     /* a sign-in: remember the session token */
  TlsVerdict verdict;
  GTlsCertificateFlags chain_flags;
} Call;

static void
call_free (Call *call)
{
  g_clear_object (&call->msg);
  g_free (call);
}

static void
scm_enrollment_client_finalize (GObject *object)
{
  ScmEnrollmentClient *self = SCM_ENROLLMENT_CLIENT (object);

  g_free (self->base_url);
  g_free (self->extension);
  g_free (self->host);
  g_free (self->pin);
  g_clear_object (&self->session);
  g_clear_object (&self->accepted);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);

  G_OBJECT_CLASS (scm_enrollment_client_parent_class)->finalize (object);
}

static void
scm_enrollment_client_class_init (ScmEnrollmentClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = scm_enrollment_client_finalize;
}

static void
scm_enrollment_client_init (ScmEnrollmentClient *self)
{
}

/* URL parsing ---------------------------------------------------------------------------- */

static gboolean
is_extension (const char *text)
{
  if (text == NULL || *text == '\0' || strlen (text) > 128)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-._~", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* "sha256=HEX" (colons allowed) → lowercase hex, or NULL. */
static char *
parse_pin (const char *fragment)
{
  g_autoptr(GString) hex = g_string_new (NULL);

  if (fragment == NULL || g_ascii_strncasecmp (fragment, "sha256=", 7) != 0)
    return NULL;
  for (const char *p = fragment + 7; *p != '\0'; p++)
    {
      if (*p == ':')
        continue;
      if (!g_ascii_isxdigit (*p))
        return NULL;
      g_string_append_c (hex, g_ascii_tolower (*p));
    }
  if (hex->len != 64)
    return NULL;
  return g_string_free (g_steal_pointer (&hex), FALSE);
}

static gboolean
invalid_url (GError    **error,
             const char *url,
             const char *why)
{
  g_set_error (error, SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_INVALID_URL,
               _("“%s” is not an enrollment link: %s"), url, why);
  return FALSE;
}

static gboolean
parse_url (ScmEnrollmentClient       *self,
           const char                *url,
           const char                *extension,
           ScmEnrollmentClientFlags   flags,
           GError                   **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *prefix = NULL;
  const char *scheme;
  const char *path;
  const char *fragment;
  int port;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return invalid_url (error, url, _("copy the whole link, starting with https://"));
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    self->use_tls = TRUE;
  else if (g_ascii_strcasecmp (scheme, "http") == 0)
    {
      if (!(flags & SCM_ENROLLMENT_CLIENT_ALLOW_HTTP))
        return invalid_url (error, url, _("it must start with https://"));
      self->use_tls = FALSE;
    }
  else
    return invalid_url (error, url, _("it must start with https://"));
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return invalid_url (error, url, _("it names no server"));
  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL)
    return invalid_url (error, url, _("it has parts an enrollment link never has"));

  path = g_uri_get_path (uri);
  if (extension != NULL)
    {
      prefix = g_strdup (path);
      while (*prefix != '\0' && prefix[strlen (prefix) - 1] == '/')
        prefix[strlen (prefix) - 1] = '\0';
    }
  else
    {
      const char *enroll = g_strrstr (path, "/enroll/");

      if (enroll == NULL)
        return invalid_url (error, url, _("it does not end with /enroll/ and the form's name"));
      prefix = g_strndup (path, enroll - path);
      extension = enroll + strlen ("/enroll/");
    }
  if (!is_extension (extension))
    return invalid_url (error, url, _("the form's name in it is damaged"));
  self->extension = g_strdup (extension);

  fragment = g_uri_get_fragment (uri);
  if (fragment != NULL && *fragment != '\0')
    {
      self->pin = parse_pin (fragment);
      if (self->pin == NULL)
        return invalid_url (error, url, _("its end, #sha256=…, is damaged; copy the whole link"));
    }
  else if (self->use_tls && !(flags & SCM_ENROLLMENT_CLIENT_ALLOW_UNPINNED))
    return invalid_url (error, url,
                        _("its end, #sha256=…, is missing; copy the whole link"));

  self->host = g_strdup (g_uri_get_host (uri));
  port = g_uri_get_port (uri);
  self->port = port > 0 ? port : (self->use_tls ? 443 : 80);
  {
    g_autoptr(GUri) base = g_uri_build (G_URI_FLAGS_NONE, self->use_tls ? "https" : "http",
                                        NULL, self->host, port, prefix, NULL, NULL);

    self->base_url = g_uri_to_string (base);
  }
  return TRUE;
}

/* TLS ------------------------------------------------------------------------------------ */

static GBytes *
certificate_der (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  return g_bytes_new (der->data, der->len);
}

/* Accepts the server only if its chain holds the pinned certificate and
 * verifies up to it for our host. The session has no CA database, so
 * this runs for every new connection, before any request is written. */
static gboolean
accept_certificate_cb (SoupMessage          *msg,
                       GTlsCertificate      *peer,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  Call *call = user_data;
  ScmEnrollmentClient *self = g_object_get_data (G_OBJECT (msg), "scm-client");
  g_autoptr(GSocketConnectable) identity = NULL;
  GTlsCertificate *pinned = NULL;
  GTlsCertificate *certificate = peer;

  if (self == NULL || self->pin == NULL)
    return FALSE;
  for (guint i = 0; certificate != NULL && i < MAX_CHAIN_LENGTH; i++)
    {
      g_autoptr(GBytes) der = certificate_der (certificate);
      g_autofree char *fingerprint = der != NULL ? scm_x509_fingerprint (der) : NULL;

      if (fingerprint != NULL && g_str_equal (fingerprint, self->pin))
        {
          pinned = certificate;
          break;
        }
      certificate = g_tls_certificate_get_issuer (certificate);
    }
  if (pinned == NULL)
    {
      call->verdict = TLS_PIN_MISSING;
      return FALSE;
    }

  identity = g_network_address_new (self->host, self->port);
  call->chain_flags = g_tls_certificate_verify (peer, identity, pinned);
  if (call->chain_flags != 0)
    {
      call->verdict = TLS_CHAIN_INVALID;
      return FALSE;
    }
  g_set_object (&self->accepted, peer);
  return TRUE;
}

/* A reused connection passed the check when it was opened; a peer we
 * never checked (a CA store vouching for it) is refused all the same. */
static gboolean
peer_was_checked (ScmEnrollmentClient *self,
                  SoupMessage         *msg)
{
  GTlsCertificate *peer = soup_message_get_tls_peer_certificate (msg);

  if (!self->use_tls || self->pin == NULL)
    return TRUE;
  return peer != NULL && self->accepted != NULL && g_tls_certificate_is_same (peer, self->accepted);
}

/* Answers --------------------------------------------------------------------------------- */

static const struct
{
  const char *name;
  ScmEnrollmentClientError code;
} problem_codes[] = {
  { "not-found", SCM_ENROLLMENT_CLIENT_ERROR_FORM_NOT_FOUND },
  { "credentials-refused", SCM_ENROLLMENT_CLIENT_ERROR_CREDENTIALS_REFUSED },
  { "too-many-attempts", SCM_ENROLLMENT_CLIENT_ERROR_LOCKED_OUT },
  { "not-eligible", SCM_ENROLLMENT_CLIENT_ERROR_NOT_ELIGIBLE },
  { "account-not-authorized", SCM_ENROLLMENT_CLIENT_ERROR_NOT_ELIGIBLE },
  { "policy-violation", SCM_ENROLLMENT_CLIENT_ERROR_POLICY },
  { "invalid-request", SCM_ENROLLMENT_CLIENT_ERROR_INVALID_REQUEST },
  { "malformed-request", SCM_ENROLLMENT_CLIENT_ERROR_INVALID_REQUEST },
  { "session-required", SCM_ENROLLMENT_CLIENT_ERROR_SESSION_EXPIRED },
};

static JsonObject *
parse_object (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (body == NULL
      || !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                      g_bytes_get_size (body), NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static GError *
problem_error (ScmEnrollmentClient *self,
               SoupMessage         *msg,
               JsonObject          *problem)
{
  const char *type = member_string (problem, "type");
  const char *detail = member_string (problem, "detail");
  guint status = soup_message_get_status (msg);
  ScmEnrollmentClientError code = SCM_ENROLLMENT_CLIENT_ERROR_SERVER;

  if (type != NULL && g_str_has_prefix (type, SCM_HTTP_PROBLEM_TYPE_BASE))
    {
      const char *name = type + strlen (SCM_HTTP_PROBLEM_TYPE_BASE);

      for (gsize i = 0; i < G_N_ELEMENTS (problem_codes); i++)
        if (g_str_equal (name, problem_codes[i].name))
          code = problem_codes[i].code;
    }
  else if (status == SOUP_STATUS_NOT_FOUND)
    code = SCM_ENROLLMENT_CLIENT_ERROR_FORM_NOT_FOUND;

  if (code == SCM_ENROLLMENT_CLIENT_ERROR_LOCKED_OUT)
    {
      JsonNode *node = json_object_get_member (problem, "retry_after");
      const char *header = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                         "Retry-After");

      self->retry_after = 0;
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_INT64 && json_node_get_int (node) > 0)
        self->retry_after = MIN (json_node_get_int (node), G_MAXUINT);
      else if (header != NULL)
        self->retry_after = (guint) g_ascii_strtoull (header, NULL, 10);
    }

  if (detail != NULL && *detail != '\0')
    return g_error_new_literal (SCM_ENROLLMENT_CLIENT_ERROR, code, detail);
  return g_error_new (SCM_ENROLLMENT_CLIENT_ERROR, code,
                      _("The enrollment server answered %u %s; try again later or ask your "
                        "administrator."),
                      status, soup_message_get_reason_phrase (msg));
}

static GError *
transport_error (ScmEnrollmentClient *self,
                 Call                *call,
                 GError              *error)
{
  if (call->verdict == TLS_PIN_MISSING)
    return g_error_new_literal (SCM_ENROLLMENT_CLIENT_ERROR,
                                SCM_ENROLLMENT_CLIENT_ERROR_PIN_MISMATCH,
                                _(SCM_ENROLLMENT_CLIENT_PIN_MISMATCH_MESSAGE));
  if (call->verdict == TLS_CHAIN_INVALID)
    return g_error_new (SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_PIN_MISMATCH,
                        (call->chain_flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
                        ? _("The server's certificate is not for %s (possible interception); "
                            "ask your administrator for a new link")
                        : _("The server's certificate does not chain up to the CA of the "
                            "enrollment link for %s (possible interception); ask your "
                            "administrator for a new link"),
                        self->host);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (error->domain == G_TLS_ERROR)
    return g_error_new (SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_PIN_MISMATCH,
                        _("A secure connection to %s:%u failed: %s"),
                        self->host, self->port, error->message);
  return g_error_new (SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_UNREACHABLE,
                      _("The enrollment server %s:%u cannot be reached: %s"),
                      self->host, self->port, error->message);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ScmEnrollmentClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) object = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, transport_error (self, call, error));
      return;
    }
  if (!peer_was_checked (self, call->msg))
    {
      g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                               SCM_ENROLLMENT_CLIENT_ERROR_PIN_MISMATCH,
                               "%s", _(SCM_ENROLLMENT_CLIENT_PIN_MISMATCH_MESSAGE));
      return;
    }

  status = soup_message_get_status (call->msg);
  object = parse_object (body);
  if (status != call->expected_status)
    {
      if (status == SOUP_STATUS_UNAUTHORIZED && g_strcmp0 (member_string (object, "type"),
                                                           SCM_HTTP_PROBLEM_TYPE_BASE
                                                           "session-required") == 0)
        g_clear_pointer (&self->token, g_free);
      g_task_return_error (task, problem_error (self, call->msg, object));
      return;
    }
  if (object == NULL)
    {
      g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                               SCM_ENROLLMENT_CLIENT_ERROR_SERVER,
                               _("The enrollment server at %s answered something that is not "
                                 "ScmEnroll's API; check the link."),
                               self->base_url);
      return;
    }
  if (call->keep_session)
    {
      const char *token = member_string (object, "session");

      if (token == NULL)
        {
          g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                                   SCM_ENROLLMENT_CLIENT_ERROR_SERVER,
                                   _("The enrollment server at %s opened no session; try "
                                     "again later or ask your administrator."),
                                   self->base_url);
          return;
        }
      g_free (self->token);
      self->token = g_strdup (token);
    }
  g_task_return_pointer (task, g_steal_pointer (&object), (GDestroyNotify) json_object_unref);
}

/* Sends @body (a JSON object, taken; NULL for GET) to @path. */
static void
call_async (ScmEnrollmentClient *self,
            const char          *method,
            const char          *path,
            JsonNode            *body,
            gboolean             bearer,
            guint                expected_status,
            gboolean             keep_session,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(JsonNode) owned_body = body;
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  call->expected_status = expected_status;
  call->keep_session = keep_session;
  call->msg = soup_message_new (method, url);
  if (call->msg == NULL)
    {
      g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                               SCM_ENROLLMENT_CLIENT_ERROR_INVALID_URL,
                               _("“%s” is not a URL this client can request."), url);
      g_object_unref (task);
      return;
    }
  g_object_set_data (G_OBJECT (call->msg), "scm-client", self);
  /* libsoup opens a new connection (a TLS handshake) for every POST unless
   * told it may be resent. Ours may: libsoup resends only when a kept-alive
   * connection closed before any answer, and a session gets at most one
   * certificate, so a resent request never issues a second one. */
  soup_message_add_flags (call->msg, SOUP_MESSAGE_IDEMPOTENT);
  g_signal_connect (call->msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), call);
  soup_message_headers_replace (soup_message_get_request_headers (call->msg), "Accept",
                                SCM_HTTP_JSON_TYPE ", " SCM_HTTP_PROBLEM_JSON_TYPE);

  if (bearer)
    {
      g_autofree char *value = NULL;

      if (self->token == NULL)
        {
          g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                                   SCM_ENROLLMENT_CLIENT_ERROR_SESSION_EXPIRED,
                                   _("You are not signed in to the enrollment form; sign in "
                                     "first."));
          g_object_unref (task);
          return;
        }
      value = g_strconcat ("Bearer ", self->token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (call->msg),
                                    "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      gsize length = 0;
      char *text;
      GBytes *bytes;

      json_generator_set_root (generator, body);
      text = json_generator_to_data (generator, &length);
      bytes = g_bytes_new_with_free_func (text, length, (GDestroyNotify) g_free, text);
      soup_message_set_request_body_from_bytes (call->msg, SCM_HTTP_JSON_TYPE, bytes);
      g_bytes_unref (bytes);
    }

  soup_session_send_and_read_async (self->session, call->msg, G_PRIORITY_DEFAULT, cancellable,
                                    sent_cb, task);
}

static JsonObject *
call_finish (ScmEnrollmentClient *self,
             GAsyncResult        *result,
             gpointer             source_tag,
             GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Public API ------------------------------------------------------------------------------ */

ScmEnrollmentClient *
scm_enrollment_client_new_full (const char                *url,
                                const char                *extension,
                                ScmEnrollmentClientFlags   flags,
                                GError                   **error)
{
  g_autoptr(ScmEnrollmentClient) self = g_object_new (SCM_TYPE_ENROLLMENT_CLIENT, NULL);

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!parse_url (self, url, extension, flags, error))
    return NULL;

  self->session = soup_session_new_with_options ("timeout", 120, "idle-timeout", 60, NULL);
  /* No CA store: every certificate goes through accept_certificate_cb,
   * so the pin decides, never a public CA. Unpinned links use the
   * system's store. */
  if (self->pin != NULL)
    soup_session_set_tls_database (self->session, NULL);
  return g_steal_pointer (&self);
}

ScmEnrollmentClient *
scm_enrollment_client_new (const char  *url,
                           GError     **error)
{
  return scm_enrollment_client_new_full (url, NULL, SCM_ENROLLMENT_CLIENT_FLAGS_NONE, error);
}

const char *
scm_enrollment_client_get_base_url (ScmEnrollmentClient *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_CLIENT (self), NULL);
  return self->base_url;
}

const char *
scm_enrollment_client_get_extension (ScmEnrollmentClient *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_CLIENT (self), NULL);
  return self->extension;
}

const char *
scm_enrollment_client_get_pin (ScmEnrollmentClient *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_CLIENT (self), NULL);
  return self->pin;
}

const char *
scm_enrollment_client_get_session (ScmEnrollmentClient *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_CLIENT (self), NULL);
  return self->token;
}

guint
scm_enrollment_client_get_retry_after (ScmEnrollmentClient *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_CLIENT (self), 0);
  return self->retry_after;
}

gint64
scm_enrollment_client_get_code_expires_at (ScmEnrollmentClient *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_CLIENT (self), 0);
  return self->code_expires_at;
}

static char *
form_path (ScmEnrollmentClient *self,
           const char          *what)
{
  return g_strconcat ("/api/v1/forms/", self->extension, what, NULL);
}

void
scm_enrollment_client_get_form_async (ScmEnrollmentClient *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autofree char *path = form_path (self, "");

  g_return_if_fail (SCM_IS_ENROLLMENT_CLIENT (self));
  call_async (self, SOUP_METHOD_GET, path, NULL, FALSE, SOUP_STATUS_OK, FALSE,
              scm_enrollment_client_get_form_async, cancellable, callback, user_data);
}

JsonObject *
scm_enrollment_client_get_form_finish (ScmEnrollmentClient *self,
                                       GAsyncResult        *result,
                                       GError             **error)
{
  return call_finish (self, result, scm_enrollment_client_get_form_async, error);
}

static JsonNode *
build_object (const char *first_name,
              ...) G_GNUC_NULL_TERMINATED;

/* A JSON object of string members, NULL values left out. */
static JsonNode *
build_object (const char *first_name,
              ...)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  const char *name = first_name;
  va_list args;

  va_start (args, first_name);
  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        json_object_set_string_member (object, name, value);
      name = va_arg (args, const char *);
    }
  va_end (args);
  json_node_take_object (node, object);
  return node;
}

void
scm_enrollment_client_request_confirmation_async (ScmEnrollmentClient *self,
                                                  const char          *email,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  g_autofree char *path = form_path (self, "/email-confirmations");

  g_return_if_fail (SCM_IS_ENROLLMENT_CLIENT (self));
  g_return_if_fail (email != NULL);
  call_async (self, SOUP_METHOD_POST, path, build_object ("email", email, NULL), FALSE,
              SOUP_STATUS_ACCEPTED, FALSE, scm_enrollment_client_request_confirmation_async,
              cancellable, callback, user_data);
}

char *
scm_enrollment_client_request_confirmation_finish (ScmEnrollmentClient *self,
                                                   GAsyncResult        *result,
                                                   GError             **error)
{
  g_autoptr(JsonObject) object = call_finish (self, result,
                                              scm_enrollment_client_request_confirmation_async,
                                              error);
  const char *id = member_string (object, "confirmation_id");
  JsonNode *expires_in = object != NULL ? json_object_get_member (object, "expires_in") : NULL;

  if (object == NULL)
    return NULL;
  if (id == NULL)
    {
      g_set_error (error, SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_SERVER,
                   _("The enrollment server at %s sent no confirmation id; try again later or "
                     "ask your administrator."), self->base_url);
      return NULL;
    }
  /* A resend invalidates the previous code, so only the newest counts. */
  self->code_expires_at = 0;
  if (expires_in != NULL && JSON_NODE_HOLDS_VALUE (expires_in)
      && json_node_get_value_type (expires_in) == G_TYPE_INT64 && json_node_get_int (expires_in) > 0)
    self->code_expires_at = g_get_real_time ()
                            + MIN (json_node_get_int (expires_in), G_MAXINT32) * G_USEC_PER_SEC;
  return g_strdup (id);
}

void
scm_enrollment_client_create_session_email_async (ScmEnrollmentClient *self,
                                                  const char          *confirmation_id,
                                                  const char          *code,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data)
{
  g_autofree char *path = form_path (self, "/sessions");

  g_return_if_fail (SCM_IS_ENROLLMENT_CLIENT (self));
  g_return_if_fail (confirmation_id != NULL && code != NULL);
  call_async (self, SOUP_METHOD_POST, path,
              build_object ("method", "email-confirmation", "confirmation_id", confirmation_id,
                            "code", code, NULL),
              FALSE, SOUP_STATUS_CREATED, TRUE, scm_enrollment_client_create_session_finish,
              cancellable, callback, user_data);
}

void
scm_enrollment_client_create_session_secret_id_async (ScmEnrollmentClient *self,
                                                      const char          *email,
                                                      const char          *secret_id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data)
{
  g_autofree char *path = form_path (self, "/sessions");

  g_return_if_fail (SCM_IS_ENROLLMENT_CLIENT (self));
  g_return_if_fail (email != NULL && secret_id != NULL);
  call_async (self, SOUP_METHOD_POST, path,
              build_object ("method", "secret-id", "email", email, "secret_id", secret_id, NULL),
              FALSE, SOUP_STATUS_CREATED, TRUE, scm_enrollment_client_create_session_finish,
              cancellable, callback, user_data);
}

JsonObject *
scm_enrollment_client_create_session_finish (ScmEnrollmentClient *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  return call_finish (self, result, scm_enrollment_client_create_session_finish, error);
}

void
scm_enrollment_client_authorize_account_async (ScmEnrollmentClient *self,
                                               gint64               account_id,
                                               const char          *access_code,
                                               const char          *secret_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/session/accounts/%" G_GINT64_FORMAT
                                           "/authorize", account_id);

  g_return_if_fail (SCM_IS_ENROLLMENT_CLIENT (self));
  call_async (self, SOUP_METHOD_POST, path,
              access_code != NULL ? build_object ("access_code", access_code, NULL)
              : build_object ("secret_id", secret_id, NULL),
              TRUE, SOUP_STATUS_OK, FALSE, scm_enrollment_client_authorize_account_async,
              cancellable, callback, user_data);
}

JsonObject *
scm_enrollment_client_authorize_account_finish (ScmEnrollmentClient *self,
                                                GAsyncResult        *result,
                                                GError             **error)
{
  return call_finish (self, result, scm_enrollment_client_authorize_account_async, error);
}

void
scm_enrollment_client_request_certificate_async (ScmEnrollmentClient *self,
                                                 gint64               account_id,
                                                 gint64               profile_id,
                                                 guint                term_days,
                                                 const char          *key_type,
                                                 const char          *csr_pem,
                                                 const char          *password,
                                                 const char          *protection,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  JsonNode *node = build_object ("key_type", key_type, "csr", csr_pem, NULL);
  JsonObject *object = json_node_get_object (node);

  g_return_if_fail (SCM_IS_ENROLLMENT_CLIENT (self));
  g_return_if_fail ((csr_pem != NULL) != (password != NULL));

  json_object_set_int_member (object, "account_id", account_id);
  json_object_set_int_member (object, "profile_id", profile_id);
  if (term_days > 0)
    json_object_set_int_member (object, "term_days", term_days);
  if (password != NULL)
    {
      JsonObject *pkcs12 = json_object_new ();

      json_object_set_string_member (pkcs12, "password", password);
      if (protection != NULL)
        json_object_set_string_member (pkcs12, "protection", protection);
      json_object_set_object_member (object, "pkcs12", pkcs12);
    }
  call_async (self, SOUP_METHOD_POST, "/api/v1/session/certificates", node, TRUE,
              SOUP_STATUS_CREATED, FALSE, scm_enrollment_client_request_certificate_async,
              cancellable, callback, user_data);
}

JsonObject *
scm_enrollment_client_request_certificate_finish (ScmEnrollmentClient *self,
                                                  GAsyncResult        *result,
                                                  GError             **error)
{
  return call_finish (self, result, scm_enrollment_client_request_certificate_async, error);
}

/* Renewal over EST ------------------------------------------------------------------------ */

static char *
der_to_pem (GBytes     *der,
            const char *label)
{
  g_autofree char *base64 = g_base64_encode (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
  GString *pem = g_string_new (NULL);
  gsize len = strlen (base64);

  g_string_append_printf (pem, "-----BEGIN %s-----\n", label);
  for (gsize i = 0; i < len; i += 64)
    {
      g_string_append_len (pem, base64 + i, MIN (64, len - i));
      g_string_append_c (pem, '\n');
    }
  g_string_append_printf (pem, "-----END %s-----\n", label);
  return g_string_free (pem, FALSE);
}

GTlsCertificate *
scm_enrollment_client_new_tls_certificate (GBytes  *private_key_der,
                                           GBytes  *certificate_der,
                                           GError **error)
{
  g_autofree char *certificate = NULL;
  g_autofree char *key = NULL;
  g_autofree char *pem = NULL;
  GTlsCertificate *tls;

  g_return_val_if_fail (private_key_der != NULL, NULL);
  g_return_val_if_fail (certificate_der != NULL, NULL);

  certificate = der_to_pem (certificate_der, "CERTIFICATE");
  key = der_to_pem (private_key_der, "PRIVATE KEY");
  pem = g_strconcat (certificate, key, NULL);
  tls = g_tls_certificate_new_from_pem (pem, -1, error);
  /* The PEM held the private key: leave nothing of it behind. */
  memset (key, 0, strlen (key));
  memset (pem, 0, strlen (pem));
  return tls;
}

static void
renewed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ScmEnrollmentClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) pkcs7 = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autofree char *text = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_task_return_error (task, transport_error (self, call, error));
      return;
    }
  if (!peer_was_checked (self, call->msg))
    {
      g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                               SCM_ENROLLMENT_CLIENT_ERROR_PIN_MISMATCH,
                               "%s", _(SCM_ENROLLMENT_CLIENT_PIN_MISMATCH_MESSAGE));
      return;
    }

  status = soup_message_get_status (call->msg);
  /* EST answers in text: base64 on success, a sentence otherwise. */
  text = g_strstrip (g_strndup (g_bytes_get_data (body, NULL), MIN (g_bytes_get_size (body), 4096)));
  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                               SCM_ENROLLMENT_CLIENT_ERROR_CREDENTIALS_REFUSED,
                               _("This certificate was not issued by the CA of this enrollment "
                                 "link; choose the certificate you got here, or enroll again."));
      return;
    }
  if (status == SOUP_STATUS_FORBIDDEN || status == SOUP_STATUS_BAD_REQUEST)
    {
      g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                               status == SOUP_STATUS_FORBIDDEN
                               ? SCM_ENROLLMENT_CLIENT_ERROR_NOT_ELIGIBLE
                               : SCM_ENROLLMENT_CLIENT_ERROR_INVALID_REQUEST,
                               "%s", *text != '\0' ? text : soup_message_get_reason_phrase (call->msg));
      return;
    }
  if (status == SOUP_STATUS_NOT_FOUND)
    {
      g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                               SCM_ENROLLMENT_CLIENT_ERROR_FORM_NOT_FOUND,
                               _("The enrollment server at %s has no form “%s” for renewals; "
                                 "check the link."), self->base_url, self->extension);
      return;
    }
  if (status == 429 /* Too Many Requests */)
    {
      const char *header = soup_message_headers_get_one (soup_message_get_response_headers (call->msg),
                                                         "Retry-After");

      self->retry_after = header != NULL ? (guint) g_ascii_strtoull (header, NULL, 10) : 0;
      g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                               SCM_ENROLLMENT_CLIENT_ERROR_LOCKED_OUT, "%s", text);
      return;
    }
  if (status != SOUP_STATUS_OK)
    {
      g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                               SCM_ENROLLMENT_CLIENT_ERROR_SERVER,
                               _("The enrollment server answered %u %s; try again later or ask "
                                 "your administrator."),
                               status, soup_message_get_reason_phrase (call->msg));
      return;
    }

  {
    gsize len = 0;
    guchar *der = g_base64_decode (text, &len);

    pkcs7 = g_bytes_new_take (der, len);
  }
  certificates = scm_pkcs7_certificates (pkcs7, NULL);
  if (certificates == NULL)
    {
      g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                               SCM_ENROLLMENT_CLIENT_ERROR_SERVER,
                               _("The enrollment server at %s answered the renewal with no "
                                 "certificate; try again later or ask your administrator."),
                               self->base_url);
      return;
    }
  g_task_return_pointer (task, g_bytes_ref (g_ptr_array_index (certificates, 0)),
                         (GDestroyNotify) g_bytes_unref);
}

void
scm_enrollment_client_renew_async (ScmEnrollmentClient *self,
                                   GTlsCertificate     *client_certificate,
                                   GBytes              *csr_der,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *url = NULL;
  g_autofree char *base64 = NULL;
  GTask *task;
  Call *call;

  g_return_if_fail (SCM_IS_ENROLLMENT_CLIENT (self));
  g_return_if_fail (G_IS_TLS_CERTIFICATE (client_certificate));
  g_return_if_fail (csr_der != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, scm_enrollment_client_renew_async);
  call = g_new0 (Call, 1);
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);
  call->expected_status = SOUP_STATUS_OK;

  if (!self->use_tls)
    {
      g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                               SCM_ENROLLMENT_CLIENT_ERROR_INVALID_URL,
                               _("Renewing needs an https:// enrollment link: the current "
                                 "certificate is presented over TLS."));
      g_object_unref (task);
      return;
    }
  escaped = g_uri_escape_string (self->extension, NULL, FALSE);
  url = g_strconcat (self->base_url, "/.well-known/est/", escaped, "/simplereenroll", NULL);
  call->msg = soup_message_new (SOUP_METHOD_POST, url);
  if (call->msg == NULL)
    {
      g_task_return_new_error (task, SCM_ENROLLMENT_CLIENT_ERROR,
                               SCM_ENROLLMENT_CLIENT_ERROR_INVALID_URL,
                               _("“%s” is not a URL this client can request."), url);
      g_object_unref (task);
      return;
    }
  g_object_set_data (G_OBJECT (call->msg), "scm-client", self);
  /* The client certificate belongs to the handshake: a kept-alive
   * connection opened without it must not carry this request. */
  soup_message_add_flags (call->msg, SOUP_MESSAGE_NEW_CONNECTION);
  soup_message_set_tls_client_certificate (call->msg, client_certificate);
  g_signal_connect (call->msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), call);
  base64 = g_base64_encode (g_bytes_get_data (csr_der, NULL), g_bytes_get_size (csr_der));
  {
    gsize len = strlen (base64);
    g_autoptr(GBytes) body = g_bytes_new_take (g_steal_pointer (&base64), len);

    soup_message_set_request_body_from_bytes (call->msg, "application/pkcs10", body);
  }
  soup_session_send_and_read_async (self->session, call->msg, G_PRIORITY_DEFAULT, cancellable,
                                    renewed_cb, task);
}

GBytes *
scm_enrollment_client_renew_finish (ScmEnrollmentClient *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == scm_enrollment_client_renew_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
