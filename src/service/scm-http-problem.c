/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-service"

#include "config.h"

#include <string.h>

#include "scm-http-problem.h"

G_DEFINE_QUARK (scm-http-problem-error-quark, scm_http_problem_error)

typedef struct
{
  const char *name;
  const char *type_uri;
  const char *title;
  guint status;
} ProblemInfo;

#define PROBLEM(name, title, status) \
  { name, SCM_HTTP_PROBLEM_TYPE_BASE name, title, status }

/* Indexed by ScmHttpProblem. */
static const ProblemInfo problems[] = {
  PROBLEM ("malformed-request", "The request is malformed", SOUP_STATUS_BAD_REQUEST),
  PROBLEM ("not-found", "Not found", SOUP_STATUS_NOT_FOUND),
  PROBLEM ("method-not-allowed", "Method not allowed", SOUP_STATUS_METHOD_NOT_ALLOWED),
  PROBLEM ("body-too-large", "The request body is too large", SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE),
  PROBLEM ("unsupported-media-type", "Unsupported media type", SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE),
  PROBLEM ("internal-error", "Internal error", SOUP_STATUS_INTERNAL_SERVER_ERROR),
  PROBLEM ("unavailable", "Service unavailable", SOUP_STATUS_SERVICE_UNAVAILABLE),
  PROBLEM ("invalid-request", "The request cannot be processed", SOUP_STATUS_UNPROCESSABLE_ENTITY),
  PROBLEM ("credentials-refused", "The credentials were refused", SOUP_STATUS_UNAUTHORIZED),
  PROBLEM ("session-required", "An enrollment session is required", SOUP_STATUS_UNAUTHORIZED),
  PROBLEM ("too-many-attempts", "Too many attempts", 429 /* RFC 6585; libsoup has no name for it */),
  PROBLEM ("not-eligible", "Not eligible for enrollment", SOUP_STATUS_FORBIDDEN),
  PROBLEM ("account-not-authorized", "The account is not authorized in this session",
           SOUP_STATUS_FORBIDDEN),
  PROBLEM ("policy-violation", "The request is not allowed by the account or its profile",
           SOUP_STATUS_UNPROCESSABLE_ENTITY),
  PROBLEM ("session-busy", "The session is busy", SOUP_STATUS_CONFLICT),
};

static const ProblemInfo *
get_info (ScmHttpProblem problem)
{
  if ((guint) problem >= G_N_ELEMENTS (problems))
    problem = SCM_HTTP_PROBLEM_INTERNAL_ERROR;
  return &problems[problem];
}

const char *
scm_http_problem_get_name (ScmHttpProblem problem)
{
  return get_info (problem)->name;
}

const char *
scm_http_problem_get_type_uri (ScmHttpProblem problem)
{
  return get_info (problem)->type_uri;
}

const char *
scm_http_problem_get_title (ScmHttpProblem problem)
{
  return get_info (problem)->title;
}

guint
scm_http_problem_get_status (ScmHttpProblem problem)
{
  return get_info (problem)->status;
}

GBytes *
scm_http_problem_to_json (ScmHttpProblem problem,
                          const char    *detail)
{
  const ProblemInfo *info = get_info (problem);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;
  gsize len = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, info->type_uri);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, info->title);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, info->status);
  if (detail != NULL)
    {
      json_builder_set_member_name (builder, "detail");
      json_builder_add_string_value (builder, detail);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  return g_bytes_new_take (text, len);
}

void
scm_http_set_security_headers (SoupMessageHeaders *headers)
{
  g_return_if_fail (headers != NULL);

  /* Answers hold per-person data and one-time values: never cached.
   * nosniff keeps browsers from guessing a type for them. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
}

void
scm_http_respond (SoupServerMessage *msg,
                  guint              status,
                  const char        *content_type,
                  GBytes            *body)
{
  gsize len = 0;
  const char *data;

  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));
  g_return_if_fail (content_type != NULL);
  g_return_if_fail (body != NULL);

  data = g_bytes_get_data (body, &len);
  scm_http_set_security_headers (soup_server_message_get_response_headers (msg));
  /* libsoup's phrase table ends before RFC 6585. */
  soup_server_message_set_status (msg, status, status == 429 ? "Too Many Requests" : NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY,
                                    data != NULL ? data : "", len);
}

void
scm_http_respond_problem (SoupServerMessage *msg,
                          ScmHttpProblem     problem,
                          const char        *detail)
{
  g_autoptr(GBytes) body = scm_http_problem_to_json (problem, detail);

  scm_http_respond (msg, scm_http_problem_get_status (problem),
                    SCM_HTTP_PROBLEM_JSON_TYPE, body);
}

gboolean
scm_http_is_json_content_type (const char *content_type)
{
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *media_type = NULL;
  const char *semicolon;
  GHashTableIter iter;
  gpointer key, value;

  if (content_type == NULL)
    return FALSE;
  semicolon = strchr (content_type, ';');
  media_type = g_strndup (content_type, semicolon != NULL ? (gsize) (semicolon - content_type)
                                                          : strlen (content_type));
  g_strstrip (media_type);
  if (g_ascii_strcasecmp (media_type, SCM_HTTP_JSON_TYPE) != 0)
    return FALSE;
  if (semicolon == NULL)
    return TRUE;

  /* JSON is UTF-8 (RFC 8259); a charset parameter may only say so. */
  params = soup_header_parse_semi_param_list_strict (semicolon + 1);
  if (params == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_ascii_strcasecmp (key, "charset") != 0 || value == NULL
        || g_ascii_strcasecmp (value, "utf-8") != 0)
      return FALSE;
  return TRUE;
}

JsonObject *
scm_http_parse_json_object (const char *content_type,
                            GBytes     *body,
                            GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;
  const char *data;
  gsize len = 0;

  if (!scm_http_is_json_content_type (content_type))
    {
      g_set_error (error, SCM_HTTP_PROBLEM_ERROR, SCM_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                   "Send the request body as %s, not %s.", SCM_HTTP_JSON_TYPE,
                   content_type != NULL ? content_type : "without a Content-Type");
      return NULL;
    }

  data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  if (len > SCM_HTTP_MAX_BODY_SIZE)
    {
      g_set_error (error, SCM_HTTP_PROBLEM_ERROR, SCM_HTTP_PROBLEM_BODY_TOO_LARGE,
                   "The request body is larger than %d bytes.", SCM_HTTP_MAX_BODY_SIZE);
      return NULL;
    }
  if (len == 0 || !g_utf8_validate_len (data, len, NULL))
    {
      g_set_error_literal (error, SCM_HTTP_PROBLEM_ERROR, SCM_HTTP_PROBLEM_MALFORMED_REQUEST,
                           len == 0 ? "The request body is empty; send a JSON object."
                                    : "The request body is not valid UTF-8.");
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &parse_error))
    {
      g_set_error (error, SCM_HTTP_PROBLEM_ERROR, SCM_HTTP_PROBLEM_MALFORMED_REQUEST,
                   "The request body is not valid JSON: %s", parse_error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, SCM_HTTP_PROBLEM_ERROR, SCM_HTTP_PROBLEM_MALFORMED_REQUEST,
                           "The request body must be a JSON object.");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}
