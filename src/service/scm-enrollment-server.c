/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-service"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "scm-enrollment-api.h"
#include "scm-enrollment-server.h"
#include "scm-error.h"
#include "scm-est.h"
#include "scm-http-problem.h"
#include "scm-server-cert.h"
#include "scm-validate.h"
#include "scm-worker-pool.h"

/* How long a refused connection is drained before it is closed, so that
 * the client reads the answer instead of a reset (RFC 9112 9.6). */
#define REFUSAL_LINGER_SECONDS 5
#define REFUSAL_MAX_DRAIN (1024 * 1024)

#define REQUEST_KEY "scm-enrollment-request"

/* How often expired confirmation codes, sessions and failure counters are
 * deleted while the endpoint runs. */
#define PURGE_INTERVAL_SECONDS (60 * 60)

/* Browsers get a static page: no scripts, no outside resources. */
#define HTML_CSP "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; " \
                 "form-action 'none'; frame-ancestors 'none'"

struct _ScmEnrollmentServer
{
  GObject parent_instance;

  ScmAuthority *authority;
  char *listen_address;
  guint port;
  char *public_url;
  gboolean use_tls;

  /* While running. */
  SoupServer *server;
  GTlsCertificate *tls_certificate;
  guint bound_port;
  char *url;

  /* Bumped at every stop, so that answers prepared for connections of an
   * earlier run are dropped. */
  guint generation;
  GHashTable *refusals;   /* Refusal *, draining before their close */
  GSource *purge;         /* while running: forgets expired codes and sessions */

  /* Blocking work, apart from the GTask pool where the TLS handshakes run:
   * issuance (key generation, signing, PKCS#12) in one pool, everything
   * else (store reads and writes, secret checks) in another, so sign-ins
   * never wait behind a queue of issuances. */
  ScmWorkerPool *issue_pool;
  ScmWorkerPool *quick_pool;
};

G_DEFINE_FINAL_TYPE (ScmEnrollmentServer, scm_enrollment_server, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_AUTHORITY,
  PROP_LISTEN_ADDRESS,
  PROP_PORT,
  PROP_PUBLIC_URL,
  PROP_USE_TLS,
  PROP_RUNNING,
  PROP_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Requests and routes ------------------------------------------------------ */

typedef struct _Route Route;

/* What the early handler learned about a request, for the handler. */
typedef struct
{
  const Route *route;
  char *segment;          /* the route's last path segment, decoded (EXT) */
  gsize body_received;    /* chunked bodies are counted as they arrive */
} Request;

typedef void (*RouteHandler) (ScmEnrollmentServer *self,
                              SoupServerMessage   *msg,
                              Request             *request);

struct _Route
{
  const char *path;             /* exact, or a prefix ending in "/" when with_segment */
  gboolean with_segment;        /* one more non-empty path segment follows */
  const char *suffix;           /* after the segment ("/sessions"), or NULL */
  const char * const *methods;  /* NULL-terminated */
  gboolean json;                /* request bodies must be application/json */
  RouteHandler handler;
  ScmApiHandler api;            /* for handle_api: the JSON route's work */
  gboolean issues;              /* the work issues a certificate */
};

static void handle_ca_certificate (ScmEnrollmentServer *self,
                                   SoupServerMessage   *msg,
                                   Request             *request);
static void handle_crl            (ScmEnrollmentServer *self,
                                   SoupServerMessage   *msg,
                                   Request             *request);
static void handle_form           (ScmEnrollmentServer *self,
                                   SoupServerMessage   *msg,
                                   Request             *request);
static void handle_enroll_page    (ScmEnrollmentServer *self,
                                   SoupServerMessage   *msg,
                                   Request             *request);
static void handle_api            (ScmEnrollmentServer *self,
                                   SoupServerMessage   *msg,
                                   Request             *request);

static const char * const read_methods[] = { "GET", "HEAD", NULL };
static const char * const post_methods[] = { "POST", NULL };

static const Route routes[] = {
  { "/api/v1/forms/", TRUE, NULL, read_methods, TRUE, handle_form, NULL },
  { "/api/v1/forms/", TRUE, "/email-confirmations", post_methods, TRUE, handle_api,
    scm_enrollment_api_request_confirmation },
  { "/api/v1/forms/", TRUE, "/sessions", post_methods, TRUE, handle_api,
    scm_enrollment_api_open_session },
  { "/api/v1/session/accounts/", TRUE, "/authorize", post_methods, TRUE, handle_api,
    scm_enrollment_api_authorize_account },
  { "/api/v1/session/certificates", FALSE, NULL, post_methods, TRUE, handle_api,
    scm_enrollment_api_issue_certificate, TRUE },
  { "/ca.crt", FALSE, NULL, read_methods, FALSE, handle_ca_certificate, NULL },
  { "/crl", FALSE, NULL, read_methods, FALSE, handle_crl, NULL },
  { "/enroll/", TRUE, NULL, read_methods, FALSE, handle_enroll_page, NULL },
  /* EST (scm-est.h): with a form's label, and label-less for the default form. */
  { "/.well-known/est/", TRUE, "/cacerts", read_methods, FALSE, handle_api, scm_est_cacerts },
  { "/.well-known/est/", TRUE, "/simpleenroll", post_methods, FALSE, handle_api,
    scm_est_simpleenroll, TRUE },
  { "/.well-known/est/", TRUE, "/serverkeygen", post_methods, FALSE, handle_api,
    scm_est_serverkeygen, TRUE },
  { "/.well-known/est/", TRUE, "/simplereenroll", post_methods, FALSE, handle_api,
    scm_est_simplereenroll, TRUE },
  { "/.well-known/est/cacerts", FALSE, NULL, read_methods, FALSE, handle_api, scm_est_cacerts },
  { "/.well-known/est/simpleenroll", FALSE, NULL, post_methods, FALSE, handle_api,
    scm_est_simpleenroll, TRUE },
  { "/.well-known/est/serverkeygen", FALSE, NULL, post_methods, FALSE, handle_api,
    scm_est_serverkeygen, TRUE },
  { "/.well-known/est/simplereenroll", FALSE, NULL, post_methods, FALSE, handle_api,
    scm_est_simplereenroll, TRUE },
};

static void
request_free (Request *request)
{
  g_free (request->segment);
  g_free (request);
}

/* The route for @path, and its decoded last segment. */
static const Route *
find_route (const char  *path,
            char       **out_segment)
{
  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      const Route *route = &routes[i];

      if (!route->with_segment)
        {
          if (g_str_equal (path, route->path))
            return route;
          continue;
        }
      if (g_str_has_prefix (path, route->path))
        {
          g_autofree char *rest = g_strdup (path + strlen (route->path));
          g_autofree char *segment = NULL;

          if (route->suffix != NULL)
            {
              if (!g_str_has_suffix (rest, route->suffix))
                continue;
              rest[strlen (rest) - strlen (route->suffix)] = '\0';
            }
          if (*rest == '\0' || strchr (rest, '/') != NULL)
            continue;
          /* NULL for a bad escape or an escaped "/" or NUL. */
          segment = g_uri_unescape_string (rest, "/");
          if (segment == NULL || *segment == '\0')
            continue;
          *out_segment = g_steal_pointer (&segment);
          return route;
        }
    }
  return NULL;
}

static gboolean
route_allows (const Route *route,
              const char  *method)
{
  for (gsize i = 0; route->methods[i] != NULL; i++)
    if (g_str_equal (route->methods[i], method))
      return TRUE;
  return FALSE;
}

/* Refused connections ------------------------------------------------------- */

/* A request refused before its body was read: libsoup would read the
 * whole body before answering, so the connection is taken over, answered
 * directly and then drained for a moment before it is closed. */
typedef struct
{
  ScmEnrollmentServer *self;
  GIOStream *stream;
  GCancellable *cancellable;
  GBytes *response;
  GSource *timeout;
  gsize drained;
  guint8 buffer[8192];
} Refusal;

static void
refusal_free (Refusal *refusal)
{
  if (refusal->timeout != NULL)
    {
      g_source_destroy (refusal->timeout);
      g_source_unref (refusal->timeout);
    }
  g_clear_object (&refusal->stream);
  g_clear_object (&refusal->cancellable);
  g_clear_pointer (&refusal->response, g_bytes_unref);
  g_clear_object (&refusal->self);
  g_free (refusal);
}

static void
refusal_closed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Refusal *refusal = user_data;

  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  g_hash_table_remove (refusal->self->refusals, refusal);
  refusal_free (refusal);
}

static void
refusal_close (Refusal *refusal)
{
  g_io_stream_close_async (refusal->stream, G_PRIORITY_DEFAULT, NULL,
                           refusal_closed_cb, refusal);
}

static void
refusal_drained_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0 || refusal->drained + (gsize) n > REFUSAL_MAX_DRAIN)
    {
      refusal_close (refusal);
      return;
    }
  refusal->drained += (gsize) n;
  g_input_stream_read_async (G_INPUT_STREAM (source), refusal->buffer, sizeof refusal->buffer,
                             G_PRIORITY_DEFAULT, refusal->cancellable,
                             refusal_drained_cb, refusal);
}

static void
refusal_written_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Refusal *refusal = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      refusal_close (refusal);
      return;
    }
  g_input_stream_read_async (g_io_stream_get_input_stream (refusal->stream),
                             refusal->buffer, sizeof refusal->buffer, G_PRIORITY_DEFAULT,
                             refusal->cancellable, refusal_drained_cb, refusal);
}

static gboolean
refusal_timeout_cb (gpointer user_data)
{
  Refusal *refusal = user_data;

  g_cancellable_cancel (refusal->cancellable);
  g_clear_pointer (&refusal->timeout, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
refuse_connection (ScmEnrollmentServer *self,
                   SoupServerMessage   *msg,
                   ScmHttpProblem       problem,
                   const char          *detail)
{
  g_autoptr(GBytes) body = scm_http_problem_to_json (problem, detail);
  guint status = scm_http_problem_get_status (problem);
  GString *response = g_string_new (NULL);
  gsize body_len = 0;
  const char *body_data = g_bytes_get_data (body, &body_len);
  GIOStream *stream;
  Refusal *refusal;

  g_string_append_printf (response, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  g_string_append (response,
                   "Server: ScmEnroll\r\n"
                   "Connection: close\r\n"
                   "Cache-Control: no-store\r\n"
                   "X-Content-Type-Options: nosniff\r\n"
                   "Content-Type: " SCM_HTTP_PROBLEM_JSON_TYPE "\r\n");
  g_string_append_printf (response, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", body_len);
  g_string_append_len (response, body_data, (gssize) body_len);

  /* @msg may be gone after this. */
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    {
      g_string_free (response, TRUE);
      return;
    }

  refusal = g_new0 (Refusal, 1);
  refusal->self = g_object_ref (self);
  refusal->stream = stream;
  refusal->cancellable = g_cancellable_new ();
  refusal->response = g_string_free_to_bytes (response);
  refusal->timeout = g_timeout_source_new_seconds (REFUSAL_LINGER_SECONDS);
  g_source_set_callback (refusal->timeout, refusal_timeout_cb, refusal, NULL);
  g_source_attach (refusal->timeout, g_main_context_get_thread_default ());
  g_hash_table_add (self->refusals, refusal);

  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (refusal->response, NULL),
                                   g_bytes_get_size (refusal->response),
                                   G_PRIORITY_DEFAULT, refusal->cancellable,
                                   refusal_written_cb, refusal);
}

static void
refuse_too_large (ScmEnrollmentServer *self,
                  SoupServerMessage   *msg)
{
  g_autofree char *detail = g_strdup_printf ("The request body is larger than %d bytes; "
                                             "nothing the endpoint takes is that large.",
                                             SCM_HTTP_MAX_BODY_SIZE);

  refuse_connection (self, msg, SCM_HTTP_PROBLEM_BODY_TOO_LARGE, detail);
}

/* Work off the main loop ---------------------------------------------------- */

typedef struct
{
  guint status;
  char *content_type;
  GBytes *body;
  GPtrArray *headers;     /* more names and values, in pairs; nullable */
} Reply;

static Reply *
reply_new (guint       status,
           const char *content_type,
           GBytes     *body)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->status = status;
  reply->content_type = g_strdup (content_type);
  reply->body = body;
  return reply;
}

static void
reply_free (Reply *reply)
{
  g_free (reply->content_type);
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->headers, g_ptr_array_unref);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

/* Runs in a worker thread: only copied data and thread-safe objects (the
 * authority and its store). Problems for the client are errors in the
 * SCM_HTTP_PROBLEM_ERROR domain; anything else is an internal error. */
typedef Reply *(*WorkFunc) (ScmAuthority *authority,
                            const char   *segment,
                            const char   *base_url,
                            GError      **error);

/* The objects are released by work_done_cb() on the main thread: the
 * worker thread may drop the task's last reference, and the server must
 * never be finalized there. */
typedef struct
{
  WorkFunc func;
  ScmApiHandler api;        /* instead of @func, for the JSON routes */
  ScmApiRequest *api_request;
  ScmEnrollmentServer *self;
  ScmAuthority *authority;
  char *segment;
  char *base_url;
  SoupServerMessage *msg;
  gulong disconnected_id;
  gboolean disconnected;
  guint generation;
} Work;

static void
work_free (Work *work)
{
  g_free (work->segment);
  g_free (work->base_url);
  g_clear_pointer (&work->api_request, scm_api_request_free);
  g_free (work);
}

static void
work_disconnected_cb (SoupServerMessage *msg,
                      gpointer           user_data)
{
  Work *work = user_data;

  work->disconnected = TRUE;
}

static void
work_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Work *work = task_data;
  GError *error = NULL;
  Reply *reply;

  if (work->api != NULL)
    {
      ScmApiResponse *response = work->api (work->authority, work->api_request, &error);

      reply = NULL;
      if (response != NULL)
        {
          reply = reply_new (response->status, response->content_type,
                             g_steal_pointer (&response->body));
          reply->headers = g_steal_pointer (&response->headers);
          scm_api_response_free (response);
        }
    }
  else
    reply = work->func (work->authority, work->segment, work->base_url, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) reply_free);
}

static void
respond_reply (SoupServerMessage *msg,
               Reply             *reply)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (g_str_has_prefix (reply->content_type, "text/html"))
    soup_message_headers_replace (headers, "Content-Security-Policy", HTML_CSP);
  for (guint i = 0; reply->headers != NULL && i + 1 < reply->headers->len; i += 2)
    soup_message_headers_replace (headers, g_ptr_array_index (reply->headers, i),
                                  g_ptr_array_index (reply->headers, i + 1));
  scm_http_respond (msg, reply->status, reply->content_type, reply->body);
}

static void
respond_error (SoupServerMessage *msg,
               const GError      *error)
{
  if (error->domain == SCM_HTTP_PROBLEM_ERROR)
    {
      scm_http_respond_problem (msg, (ScmHttpProblem) error->code, error->message);
      return;
    }
  /* The client learns nothing of the inside; the log says what failed. */
  g_warning ("The enrollment endpoint could not answer %s %s: %s",
             soup_server_message_get_method (msg),
             g_uri_get_path (soup_server_message_get_uri (msg)), error->message);
  scm_http_respond_problem (msg, SCM_HTTP_PROBLEM_INTERNAL_ERROR,
                            "The enrollment endpoint could not answer; try again later, "
                            "or tell your administrator.");
}

static void
work_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Work *work = g_task_get_task_data (G_TASK (result));
  g_autoptr(ScmEnrollmentServer) self = g_steal_pointer (&work->self);
  g_autoptr(SoupServerMessage) msg = g_steal_pointer (&work->msg);
  g_autoptr(Reply) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_signal_handler (&work->disconnected_id, msg);
  g_clear_object (&work->authority);
  reply = g_task_propagate_pointer (G_TASK (result), &error);

  /* The client left, or the server was stopped meanwhile. */
  if (work->disconnected || work->generation != self->generation || self->server == NULL)
    return;

  if (reply != NULL)
    respond_reply (msg, reply);
  else
    respond_error (msg, error);
  soup_server_message_unpause (msg);
}

/* Pauses @msg and answers it with what @work's function returns in a
 * thread. */
static void
start_work (ScmEnrollmentServer *self,
            SoupServerMessage   *msg,
            Request             *request,
            Work                *work)
{
  g_autoptr(GTask) task = NULL;

  work->self = g_object_ref (self);
  work->authority = g_object_ref (self->authority);
  work->segment = g_strdup (request->segment);
  work->base_url = g_strdup (self->url);
  work->msg = g_object_ref (msg);
  work->generation = self->generation;
  work->disconnected_id = g_signal_connect (msg, "disconnected",
                                            G_CALLBACK (work_disconnected_cb), work);

  soup_server_message_pause (msg);

  task = g_task_new (NULL, NULL, work_done_cb, NULL);
  g_task_set_source_tag (task, start_work);
  g_task_set_task_data (task, work, (GDestroyNotify) work_free);
  scm_worker_pool_run_in_thread (request->route->issues ? self->issue_pool : self->quick_pool,
                                 task, work_thread);
}

static void
run_work (ScmEnrollmentServer *self,
          SoupServerMessage   *msg,
          Request             *request,
          WorkFunc             func)
{
  Work *work = g_new0 (Work, 1);

  work->func = func;
  start_work (self, msg, request, work);
}

/* The JSON routes of scm-enrollment-api.h: everything they need from the
 * message is copied for the thread. */
static void
handle_api (ScmEnrollmentServer *self,
            SoupServerMessage   *msg,
            Request             *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  ScmApiRequest *api_request = g_new0 (ScmApiRequest, 1);
  Work *work = g_new0 (Work, 1);

  api_request->segment = g_strdup (request->segment);
  api_request->client_address = g_strdup (soup_server_message_get_remote_host (msg));
  api_request->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  api_request->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  api_request->body = body != NULL ? soup_message_body_flatten (body) : NULL;
  api_request->now = g_get_real_time () / G_USEC_PER_SEC;
  if (soup_server_message_get_tls_peer_certificate (msg) != NULL)
    {
      g_autoptr(GByteArray) der = NULL;

      g_object_get (soup_server_message_get_tls_peer_certificate (msg), "certificate", &der, NULL);
      if (der != NULL)
        api_request->client_certificate = g_bytes_new (der->data, der->len);
    }

  work->api = request->route->api;
  work->api_request = api_request;
  start_work (self, msg, request, work);
}

/* Routes ---------------------------------------------------------------------- */

static void
handle_ca_certificate (ScmEnrollmentServer *self,
                       SoupServerMessage   *msg,
                       Request             *request)
{
  /* The CA's chain is in memory: no need for a thread. */
  GBytes *chain = scm_ca_get_chain_pem (scm_authority_get_ca (self->authority));

  scm_http_respond (msg, SOUP_STATUS_OK, "application/pem-certificate-chain", chain);
}

static Reply *
work_crl (ScmAuthority *authority,
          const char   *segment,
          const char   *base_url,
          GError      **error)
{
  GBytes *crl = scm_authority_get_crl (authority, error);

  if (crl == NULL)
    return NULL;
  return reply_new (SOUP_STATUS_OK, "application/pkix-crl", crl);
}

static void
handle_crl (ScmEnrollmentServer *self,
            SoupServerMessage   *msg,
            Request             *request)
{
  /* Re-signing an expiring CRL takes the CA key and the store. */
  run_work (self, msg, request, work_crl);
}

/* The enabled form with URI extension @extension; otherwise the one
 * not-found problem, whatever the reason, so that nobody can probe which
 * forms exist or are disabled. */
static ScmForm *
find_enabled_form (ScmStore   *store,
                   const char *extension,
                   GError    **error)
{
  g_autoptr(ScmForm) form = NULL;
  g_autoptr(GError) local_error = NULL;

  if (scm_validate_uri_extension (extension, NULL))
    form = scm_store_find_form_by_uri_extension (store, extension, &local_error);
  if (form == NULL && local_error != NULL
      && !g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (form == NULL || !scm_form_get_enabled (form))
    {
      g_set_error_literal (error, SCM_HTTP_PROBLEM_ERROR, SCM_HTTP_PROBLEM_NOT_FOUND,
                           "No enrollment form has this address; check the link, or ask "
                           "your administrator for a new one.");
      return NULL;
    }
  return g_steal_pointer (&form);
}

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL && *value != '\0')
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static Reply *
work_form (ScmAuthority *authority,
           const char   *segment,
           const char   *base_url,
           GError      **error)
{
  g_autoptr(ScmForm) form = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  char *text;
  gsize len = 0;

  form = find_enabled_form (scm_authority_get_store (authority), segment, error);
  if (form == NULL)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  add_nullable_string (builder, "name", scm_form_get_name (form));
  add_nullable_string (builder, "type", scm_form_get_form_type (form));
  add_nullable_string (builder, "authentication",
                       scm_authentication_to_string (scm_form_get_authentication (form)));
  json_builder_set_member_name (builder, "help");
  json_builder_begin_object (builder);
  add_nullable_string (builder, "text", scm_form_get_help_text (form));
  add_nullable_string (builder, "link_text", scm_form_get_help_link_text (form));
  add_nullable_string (builder, "link_url", scm_form_get_help_link_url (form));
  json_builder_end_object (builder);
  add_nullable_string (builder, "contact", scm_form_get_contact (form));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  return reply_new (SOUP_STATUS_OK, SCM_HTTP_JSON_TYPE, g_bytes_new_take (text, len));
}

static void
handle_form (ScmEnrollmentServer *self,
             SoupServerMessage   *msg,
             Request             *request)
{
  run_work (self, msg, request, work_form);
}

static void
append_escaped (GString    *page,
                const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  g_string_append (page, escaped);
}

static void
append_page_start (GString    *page,
                   const char *title)
{
  g_string_append (page,
                   "<!DOCTYPE html>\n"
                   "<html lang=\"en\">\n"
                   "<head>\n"
                   "<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<meta name=\"referrer\" content=\"no-referrer\">\n"
                   "<title>");
  append_escaped (page, title);
  g_string_append (page,
                   "</title>\n"
                   "<style>\n"
                   "body { font-family: Cantarell, system-ui, sans-serif; line-height: 1.5;"
                   " max-width: 42em; margin: 2em auto; padding: 0 1em; }\n"
                   "pre { background: #f6f5f4; padding: 0.75em; overflow-x: auto;"
                   " white-space: pre-wrap; word-break: break-all; }\n"
                   "</style>\n"
                   "</head>\n"
                   "<body>\n"
                   "<main>\n");
}

static GBytes *
build_enroll_page (ScmForm    *form,
                   const char *enrollment_url)
{
  GString *page = g_string_new (NULL);
  g_autofree char *quoted = g_shell_quote (enrollment_url);
  const char *help_text = scm_form_get_help_text (form);
  const char *link_text = scm_form_get_help_link_text (form);
  const char *link_url = scm_form_get_help_link_url (form);
  const char *contact = scm_form_get_contact (form);

  append_page_start (page, scm_form_get_name (form));
  g_string_append (page, "<h1>");
  append_escaped (page, scm_form_get_name (form));
  g_string_append (page,
                   "</h1>\n"
                   "<p>This is an enrollment link for a personal client certificate. "
                   "It opens in the ScmEnroll application, not in a web browser.</p>\n"
                   "<h2>How to enroll</h2>\n"
                   "<ol>\n"
                   "<li>Open ScmEnroll, choose <em>Enroll a Certificate</em> and paste "
                   "this link:\n<pre><code>");
  append_escaped (page, enrollment_url);
  g_string_append (page, "</code></pre>\nor run this command:\n<pre><code>scm-enroll --enroll ");
  append_escaped (page, quoted);
  g_string_append (page,
                   "</code></pre></li>\n"
                   "<li>Sign in as the form asks, choose your certificate and a password, "
                   "and save the certificate as a PKCS#12 (.p12) file.</li>\n"
                   "</ol>\n"
                   "<p>Keep the end of the link, <code>#sha256=…</code>: with it ScmEnroll "
                   "checks that it talks to your organization's server.</p>\n");

  if ((help_text != NULL && *help_text != '\0')
      || (link_url != NULL && *link_url != '\0')
      || (contact != NULL && *contact != '\0'))
    g_string_append (page, "<h2>Help</h2>\n");
  if (help_text != NULL && *help_text != '\0')
    {
      g_auto(GStrv) lines = g_strsplit (help_text, "\n", -1);

      g_string_append (page, "<p>");
      for (gsize i = 0; lines[i] != NULL; i++)
        {
          if (i > 0)
            g_string_append (page, "<br>\n");
          append_escaped (page, lines[i]);
        }
      g_string_append (page, "</p>\n");
    }
  /* Only web links: never javascript: or data: URLs. */
  if (link_url != NULL
      && (g_str_has_prefix (link_url, "https://") || g_str_has_prefix (link_url, "http://")))
    {
      g_string_append (page, "<p><a rel=\"noopener noreferrer\" href=\"");
      append_escaped (page, link_url);
      g_string_append (page, "\">");
      append_escaped (page, link_text != NULL && *link_text != '\0' ? link_text : link_url);
      g_string_append (page, "</a></p>\n");
    }
  if (contact != NULL && *contact != '\0')
    {
      g_string_append (page, "<p>Contact: ");
      append_escaped (page, contact);
      g_string_append (page, "</p>\n");
    }
  g_string_append (page, "</main>\n</body>\n</html>\n");
  return g_string_free_to_bytes (page);
}

static GBytes *
build_not_found_page (const char *base_url,
                      const char *extension)
{
  GString *page = g_string_new (NULL);

  append_page_start (page, "Enrollment link not found");
  g_string_append (page,
                   "<h1>Enrollment link not found</h1>\n"
                   "<p>No active enrollment form has the address <code>");
  append_escaped (page, base_url);
  g_string_append (page, "/enroll/");
  append_escaped (page, extension);
  g_string_append (page,
                   "</code>. Check that you copied the whole link, or ask your "
                   "administrator for a new one.</p>\n"
                   "</main>\n</body>\n</html>\n");
  return g_string_free_to_bytes (page);
}

static Reply *
work_enroll_page (ScmAuthority *authority,
                  const char   *segment,
                  const char   *base_url,
                  GError      **error)
{
  g_autoptr(ScmForm) form = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *enrollment_url = NULL;

  form = find_enabled_form (scm_authority_get_store (authority), segment, &local_error);
  if (form == NULL)
    {
      if (!g_error_matches (local_error, SCM_HTTP_PROBLEM_ERROR, SCM_HTTP_PROBLEM_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return reply_new (SOUP_STATUS_NOT_FOUND, "text/html; charset=utf-8",
                        build_not_found_page (base_url, segment));
    }

  /* The URL people are given, with the pin of our root. */
  enrollment_url = g_strdup_printf ("%s/enroll/%s#sha256=%s", base_url,
                                    scm_form_get_uri_extension (form),
                                    scm_ca_get_root_fingerprint (scm_authority_get_ca (authority)));
  return reply_new (SOUP_STATUS_OK, "text/html; charset=utf-8",
                    build_enroll_page (form, enrollment_url));
}

static void
handle_enroll_page (ScmEnrollmentServer *self,
                    SoupServerMessage   *msg,
                    Request             *request)
{
  run_work (self, msg, request, work_enroll_page);
}

/* SoupServer callbacks -------------------------------------------------------- */

/* A client certificate is only ever a claim: EST simplereenroll accepts
 * it after finding exactly this certificate among ours, valid and not
 * revoked (the handshake proved the key). Nothing else looks at it. */
static gboolean
accept_certificate_cb (SoupServerMessage    *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return TRUE;
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  /* Also on the answers libsoup makes itself (400 for a bad request line). */
  scm_http_set_security_headers (soup_server_message_get_response_headers (msg));
  /* The first message of a connection starts before the TLS handshake. */
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  ScmEnrollmentServer *self = user_data;
  Request *request = g_object_get_data (G_OBJECT (msg), REQUEST_KEY);

  if (request == NULL)
    return;
  request->body_received += g_bytes_get_size (chunk);
  if (request->body_received > SCM_HTTP_MAX_BODY_SIZE)
    {
      g_signal_handlers_disconnect_by_func (msg, got_chunk_cb, user_data);
      refuse_too_large (self, msg);
    }
}

/* After the headers, before the body: everything that can be refused
 * without the body is refused here, most of all oversized bodies. */
static void
early_handler_cb (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  ScmEnrollmentServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  const char *method = soup_server_message_get_method (msg);
  gboolean has_body = FALSE;
  Request *request;

  scm_http_set_security_headers (soup_server_message_get_response_headers (msg));

  if (encoding == SOUP_ENCODING_CONTENT_LENGTH)
    {
      goffset length = soup_message_headers_get_content_length (headers);

      if (length > SCM_HTTP_MAX_BODY_SIZE)
        {
          refuse_too_large (self, msg);
          return;
        }
      has_body = length > 0;
    }
  else if (encoding == SOUP_ENCODING_CHUNKED)
    has_body = TRUE;

  request = g_new0 (Request, 1);
  g_object_set_data_full (G_OBJECT (msg), REQUEST_KEY, request, (GDestroyNotify) request_free);
  if (encoding == SOUP_ENCODING_CHUNKED)
    g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), self);

  request->route = find_route (path, &request->segment);
  if (request->route == NULL)
    {
      scm_http_respond_problem (msg, SCM_HTTP_PROBLEM_NOT_FOUND,
                                "There is nothing at this address; check the link.");
      return;
    }

  /* The API reads nothing but JSON, whatever the method. */
  if (request->route->json && has_body
      && !scm_http_is_json_content_type (soup_message_headers_get_one (headers, "Content-Type")))
    {
      scm_http_respond_problem (msg, SCM_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                                "Send request bodies as " SCM_HTTP_JSON_TYPE ".");
      return;
    }

  if (!route_allows (request->route, method))
    {
      g_autofree char *allow = g_strjoinv (", ", (char **) request->route->methods);
      g_autofree char *detail = g_strdup_printf ("%s is not allowed here; use %s.", method, allow);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", allow);
      scm_http_respond_problem (msg, SCM_HTTP_PROBLEM_METHOD_NOT_ALLOWED, detail);
      return;
    }
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  ScmEnrollmentServer *self = user_data;
  Request *request = g_object_get_data (G_OBJECT (msg), REQUEST_KEY);

  scm_http_set_security_headers (soup_server_message_get_response_headers (msg));
  if (request == NULL || request->route == NULL)
    {
      scm_http_respond_problem (msg, SCM_HTTP_PROBLEM_NOT_FOUND,
                                "There is nothing at this address; check the link.");
      return;
    }
  request->route->handler (self, msg, request);
}

/* Starting and stopping ---------------------------------------------------- */

static void
purge_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ScmStore *store = task_data;
  g_autoptr(GError) error = NULL;

  if (!scm_store_purge_enrollment_state (store, g_get_real_time () / G_USEC_PER_SEC, &error))
    g_warning ("Could not delete expired enrollment codes and sessions: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

/* Expired rows are refused anyway; deleting them keeps the tables small
 * and leaves no more than needed in the database. */
static gboolean
purge_cb (gpointer user_data)
{
  ScmEnrollmentServer *self = user_data;
  g_autoptr(GTask) task = g_task_new (NULL, NULL, NULL, NULL);

  g_task_set_source_tag (task, purge_cb);
  g_task_set_task_data (task, g_object_ref (scm_authority_get_store (self->authority)),
                        g_object_unref);
  g_task_run_in_thread (task, purge_thread);
  return G_SOURCE_CONTINUE;
}

gboolean
scm_enrollment_server_parse_listen (const char *text,
                                    char      **out_address,
                                    guint      *out_port,
                                    GError    **error)
{
  g_autofree char *host = NULL;
  const char *colon;
  guint64 port = 0;
  gsize len;

  g_return_val_if_fail (out_address != NULL, FALSE);
  g_return_val_if_fail (out_port != NULL, FALSE);

  colon = text != NULL ? strrchr (text, ':') : NULL;
  if (colon == NULL || colon == text)
    goto invalid;
  host = g_strndup (text, colon - text);
  len = strlen (host);
  if (host[0] == '[')
    {
      if (len < 3 || host[len - 1] != ']')
        goto invalid;
      memmove (host, host + 1, len - 2);
      host[len - 2] = '\0';
      if (strchr (host, ':') == NULL || !g_hostname_is_ip_address (host))
        goto invalid;
    }
  else if (strchr (host, ':') != NULL
           || (g_ascii_strcasecmp (host, "localhost") != 0 && !g_hostname_is_ip_address (host)))
    goto invalid;
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    goto invalid;

  *out_address = g_steal_pointer (&host);
  *out_port = (guint) port;
  return TRUE;

invalid:
  g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
               "“%s” is not ADDRESS:PORT; give an IP address or localhost and a port, such "
               "as 0.0.0.0:8443, [::]:8443 or 127.0.0.1:8443.", text != NULL ? text : "");
  return FALSE;
}

static gboolean
is_wildcard (const char *address)
{
  return g_str_equal (address, "0.0.0.0") || g_str_equal (address, "::");
}

/* "[::1]" for IPv6 addresses, as URLs write them. */
static char *
format_host (const char *address)
{
  if (strchr (address, ':') != NULL)
    return g_strdup_printf ("[%s]", address);
  return g_strdup (address);
}

static char *
make_url (ScmEnrollmentServer *self,
          const char          *address,
          guint                port)
{
  g_autofree char *host = NULL;

  if (self->public_url != NULL && *self->public_url != '\0')
    {
      char *url = g_strdup (self->public_url);

      while (g_str_has_suffix (url, "/"))
        url[strlen (url) - 1] = '\0';
      return url;
    }
  if (is_wildcard (address))
    host = g_strdup (g_get_host_name ());
  else
    host = format_host (address);
  return g_strdup_printf ("%s://%s:%u", self->use_tls ? "https" : "http", host, port);
}

static GTlsCertificate *
load_tls_certificate (ScmEnrollmentServer *self,
                      const char          *address,
                      GError             **error)
{
  g_auto(GStrv) names = NULL;
  g_autoptr(ScmServerIdentity) identity = NULL;
  GTlsCertificate *certificate;
  GString *pem;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_FAILED,
                           "TLS support is not available; install glib-networking, or "
                           "serve plain HTTP.");
      return NULL;
    }

  names = scm_server_cert_collect_names (address, self->public_url);
  identity = scm_server_cert_get (self->authority, (const char * const *) names, error);
  if (identity == NULL)
    return NULL;

  pem = g_string_new_len (g_bytes_get_data (identity->certificate_pem, NULL),
                          g_bytes_get_size (identity->certificate_pem));
  g_string_append_len (pem, g_bytes_get_data (identity->key_pem, NULL),
                       g_bytes_get_size (identity->key_pem));
  certificate = g_tls_certificate_new_from_pem (pem->str, pem->len, error);
  /* The copy holds the private key. */
  memset (pem->str, 0, pem->len);
  g_string_free (pem, TRUE);
  return certificate;
}

static guint
get_bound_port (SoupServer *server)
{
  GSList *listeners = soup_server_get_listeners (server);
  guint port = 0;

  for (GSList *l = listeners; l != NULL && port == 0; l = l->next)
    {
      g_autoptr(GSocketAddress) address = g_socket_get_local_address (l->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (address))
        port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
    }
  g_slist_free (listeners);
  return port;
}

static gboolean
listen_on (ScmEnrollmentServer *self,
           SoupServer          *server,
           const char          *address,
           GError             **error)
{
  SoupServerListenOptions options = self->use_tls ? SOUP_SERVER_LISTEN_HTTPS : 0;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *host = format_host (address);
  gboolean ok;

  if (g_ascii_strcasecmp (address, "localhost") == 0)
    ok = soup_server_listen_local (server, self->port, options, &local_error);
  else
    {
      g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
      g_autoptr(GSocketAddress) socket_address = NULL;

      if (inet == NULL)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       "The listen address “%s” is not an IP address; use one such as "
                       "0.0.0.0, :: or 127.0.0.1, or localhost.", address);
          return FALSE;
        }
      socket_address = g_inet_socket_address_new (inet, self->port);
      ok = soup_server_listen (server, socket_address, options, &local_error);
    }

  if (ok)
    return TRUE;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                 "%s:%u is in use by another program", host, self->port);
  else
    g_set_error (error, local_error->domain, local_error->code,
                 "Cannot listen on %s:%u: %s", host, self->port, local_error->message);
  return FALSE;
}

gboolean
scm_enrollment_server_start (ScmEnrollmentServer *self,
                             GError             **error)
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *address = NULL;
  g_autofree char *url = NULL;
  guint old_port;

  g_return_val_if_fail (SCM_IS_ENROLLMENT_SERVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->server != NULL)
    return TRUE;

  address = g_strdup (self->listen_address != NULL && *self->listen_address != '\0'
                      ? self->listen_address : SCM_ENROLLMENT_SERVER_DEFAULT_ADDRESS);
  /* "[::1]" as well as "::1". */
  if (address[0] == '[' && g_str_has_suffix (address, "]"))
    {
      char *inner = g_strndup (address + 1, strlen (address) - 2);

      g_free (address);
      address = inner;
    }

  if (self->use_tls)
    {
      certificate = load_tls_certificate (self, address, error);
      if (certificate == NULL)
        return FALSE;
    }

  /* Client certificates are asked for, never required: only EST renewal
   * uses one. */
  server = soup_server_new ("server-header", "ScmEnroll",
                            "tls-certificate", certificate,
                            "tls-auth-mode", certificate != NULL ? G_TLS_AUTHENTICATION_REQUESTED
                                                                 : G_TLS_AUTHENTICATION_NONE,
                            NULL);
  g_signal_connect (server, "request-started", G_CALLBACK (request_started_cb), self);
  soup_server_add_early_handler (server, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (server, NULL, handler_cb, self, NULL);

  if (!listen_on (self, server, address, error))
    return FALSE;

  old_port = scm_enrollment_server_get_port (self);
  self->server = g_steal_pointer (&server);
  self->tls_certificate = g_steal_pointer (&certificate);
  self->bound_port = get_bound_port (self->server);
  self->purge = g_timeout_source_new_seconds (PURGE_INTERVAL_SECONDS);
  g_source_set_callback (self->purge, purge_cb, self, NULL);
  g_source_attach (self->purge, g_main_context_get_thread_default ());
  self->url = make_url (self, address, self->bound_port);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  if (old_port != self->bound_port)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

void
scm_enrollment_server_stop (ScmEnrollmentServer *self)
{
  GHashTableIter iter;
  gpointer refusal;
  guint old_port;

  g_return_if_fail (SCM_IS_ENROLLMENT_SERVER (self));

  g_hash_table_iter_init (&iter, self->refusals);
  while (g_hash_table_iter_next (&iter, &refusal, NULL))
    g_cancellable_cancel (((Refusal *) refusal)->cancellable);

  if (self->server == NULL)
    return;

  old_port = scm_enrollment_server_get_port (self);
  self->generation++;
  g_source_destroy (self->purge);
  g_clear_pointer (&self->purge, g_source_unref);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->tls_certificate);
  g_clear_pointer (&self->url, g_free);
  self->bound_port = 0;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
  if (old_port != self->port)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* GObject ------------------------------------------------------------------------ */

static void
scm_enrollment_server_dispose (GObject *object)
{
  ScmEnrollmentServer *self = SCM_ENROLLMENT_SERVER (object);

  if (self->server != NULL)
    scm_enrollment_server_stop (self);

  G_OBJECT_CLASS (scm_enrollment_server_parent_class)->dispose (object);
}

static void
scm_enrollment_server_finalize (GObject *object)
{
  ScmEnrollmentServer *self = SCM_ENROLLMENT_SERVER (object);

  g_clear_object (&self->authority);
  g_clear_pointer (&self->listen_address, g_free);
  g_clear_pointer (&self->public_url, g_free);
  g_clear_pointer (&self->refusals, g_hash_table_unref);
  /* Every task holds a reference to the server: none is left. */
  g_clear_pointer (&self->issue_pool, scm_worker_pool_free);
  g_clear_pointer (&self->quick_pool, scm_worker_pool_free);

  G_OBJECT_CLASS (scm_enrollment_server_parent_class)->finalize (object);
}

static void
scm_enrollment_server_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ScmEnrollmentServer *self = SCM_ENROLLMENT_SERVER (object);

  switch (prop_id)
    {
    case PROP_AUTHORITY:
      g_value_set_object (value, self->authority);
      break;
    case PROP_LISTEN_ADDRESS:
      g_value_set_string (value, self->listen_address);
      break;
    case PROP_PORT:
      g_value_set_uint (value, scm_enrollment_server_get_port (self));
      break;
    case PROP_PUBLIC_URL:
      g_value_set_string (value, self->public_url);
      break;
    case PROP_USE_TLS:
      g_value_set_boolean (value, self->use_tls);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->server != NULL);
      break;
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_enrollment_server_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ScmEnrollmentServer *self = SCM_ENROLLMENT_SERVER (object);

  switch (prop_id)
    {
    case PROP_AUTHORITY:
      self->authority = g_value_dup_object (value);
      break;
    case PROP_LISTEN_ADDRESS:
      scm_enrollment_server_set_listen_address (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      scm_enrollment_server_set_port (self, g_value_get_uint (value));
      break;
    case PROP_PUBLIC_URL:
      scm_enrollment_server_set_public_url (self, g_value_get_string (value));
      break;
    case PROP_USE_TLS:
      scm_enrollment_server_set_use_tls (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
scm_enrollment_server_class_init (ScmEnrollmentServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = scm_enrollment_server_dispose;
  object_class->finalize = scm_enrollment_server_finalize;
  object_class->get_property = scm_enrollment_server_get_property;
  object_class->set_property = scm_enrollment_server_set_property;

  properties[PROP_AUTHORITY] =
    g_param_spec_object ("authority", NULL, NULL, SCM_TYPE_AUTHORITY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LISTEN_ADDRESS] =
    g_param_spec_string ("listen-address", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, 65535, SCM_DEFAULT_PORT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PUBLIC_URL] =
    g_param_spec_string ("public-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USE_TLS] =
    g_param_spec_boolean ("use-tls", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
scm_enrollment_server_init (ScmEnrollmentServer *self)
{
  self->port = SCM_DEFAULT_PORT;
  self->use_tls = TRUE;
  self->refusals = g_hash_table_new (NULL, NULL);
  self->issue_pool = scm_worker_pool_new (0);
  self->quick_pool = scm_worker_pool_new (0);
}

ScmEnrollmentServer *
scm_enrollment_server_new (ScmAuthority *authority)
{
  ScmEnrollmentServer *self;
  ScmStore *store;
  g_autofree char *listen = NULL;
  g_autofree char *public_url = NULL;

  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);

  self = g_object_new (SCM_TYPE_ENROLLMENT_SERVER, "authority", authority, NULL);
  store = scm_authority_get_store (authority);

  listen = scm_store_get_setting (store, "server.listen");
  if (listen != NULL && *listen != '\0')
    {
      g_autofree char *address = NULL;
      guint port = 0;

      /* The store checked the setting; an odd value keeps the defaults. */
      if (scm_enrollment_server_parse_listen (listen, &address, &port, NULL))
        {
          self->listen_address = g_steal_pointer (&address);
          self->port = port;
        }
    }
  public_url = scm_store_get_setting (store, "server.public-url");
  if (public_url != NULL && *public_url != '\0')
    self->public_url = g_steal_pointer (&public_url);
  return self;
}

/* Accessors -------------------------------------------------------------------------- */

ScmAuthority *
scm_enrollment_server_get_authority (ScmEnrollmentServer *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_SERVER (self), NULL);
  return self->authority;
}

const char *
scm_enrollment_server_get_listen_address (ScmEnrollmentServer *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_SERVER (self), NULL);
  return self->listen_address != NULL ? self->listen_address
                                      : SCM_ENROLLMENT_SERVER_DEFAULT_ADDRESS;
}

void
scm_enrollment_server_set_listen_address (ScmEnrollmentServer *self,
                                          const char          *address)
{
  g_return_if_fail (SCM_IS_ENROLLMENT_SERVER (self));

  if (g_strcmp0 (self->listen_address, address) == 0)
    return;
  g_free (self->listen_address);
  self->listen_address = g_strdup (address);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LISTEN_ADDRESS]);
}

guint
scm_enrollment_server_get_port (ScmEnrollmentServer *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_SERVER (self), 0);
  return self->server != NULL ? self->bound_port : self->port;
}

void
scm_enrollment_server_set_port (ScmEnrollmentServer *self,
                                guint                port)
{
  g_return_if_fail (SCM_IS_ENROLLMENT_SERVER (self));
  g_return_if_fail (port <= 65535);

  if (self->port == port)
    return;
  self->port = port;
  if (self->server == NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

const char *
scm_enrollment_server_get_public_url (ScmEnrollmentServer *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_SERVER (self), NULL);
  return self->public_url;
}

void
scm_enrollment_server_set_public_url (ScmEnrollmentServer *self,
                                      const char          *public_url)
{
  g_return_if_fail (SCM_IS_ENROLLMENT_SERVER (self));

  if (public_url != NULL && *public_url == '\0')
    public_url = NULL;
  if (g_strcmp0 (self->public_url, public_url) == 0)
    return;
  g_free (self->public_url);
  self->public_url = g_strdup (public_url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUBLIC_URL]);
}

gboolean
scm_enrollment_server_get_use_tls (ScmEnrollmentServer *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_SERVER (self), FALSE);
  return self->use_tls;
}

void
scm_enrollment_server_set_use_tls (ScmEnrollmentServer *self,
                                   gboolean             use_tls)
{
  g_return_if_fail (SCM_IS_ENROLLMENT_SERVER (self));

  use_tls = !!use_tls;
  if (self->use_tls == use_tls)
    return;
  self->use_tls = use_tls;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USE_TLS]);
}

gboolean
scm_enrollment_server_get_running (ScmEnrollmentServer *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_SERVER (self), FALSE);
  return self->server != NULL;
}

const char *
scm_enrollment_server_get_url (ScmEnrollmentServer *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_SERVER (self), NULL);
  return self->url;
}

GTlsCertificate *
scm_enrollment_server_get_tls_certificate (ScmEnrollmentServer *self)
{
  g_return_val_if_fail (SCM_IS_ENROLLMENT_SERVER (self), NULL);
  return self->tls_certificate;
}
