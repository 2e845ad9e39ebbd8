/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-service"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "scm-enrollment-api.h"
#include "scm-enrollment-policy.h"
#include "scm-error.h"
#include "scm-http-problem.h"
#include "scm-key.h"
#include "scm-mail.h"
#include "scm-pkcs12.h"
#include "scm-secret.h"
#include "scm-validate.h"
#include "scm-x509.h"

/* One sentence for every refused credential, whatever the reason, so that
 * nobody learns which emails exist or which part was wrong. */
#define CREDENTIALS_DETAIL \
  "The details you entered were not accepted; check them and try again, or request a new code."

/* How many code mails may be on their way at once; more wait in line. */
#define MAIL_THREADS 4

#define AUDIT_CHALLENGE_CREATE "challenge.create"
#define AUDIT_CHALLENGE_MAIL "challenge.mail"
#define AUDIT_SESSION_CREATE "session.create"
#define AUDIT_SESSION_AUTHORIZE "session.authorize"
#define AUDIT_CERTIFICATE_REQUEST "certificate.request"

/* Requests and responses ---------------------------------------------------- */

void
scm_api_request_free (ScmApiRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->segment);
  g_free (request->client_address);
  /* It may hold a session token. */
  scm_secret_free (request->authorization);
  g_free (request->content_type);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_clear_pointer (&request->client_certificate, g_bytes_unref);
  g_free (request);
}

void
scm_api_response_free (ScmApiResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->content_type);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_clear_pointer (&response->headers, g_ptr_array_unref);
  g_free (response);
}

static ScmApiResponse *
json_response (guint        status,
               JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  gsize len = 0;
  char *text;

  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  return scm_api_response_new (status, SCM_HTTP_JSON_TYPE, g_bytes_new_take (text, len));
}

static ScmApiResponse *
problem_response (ScmHttpProblem  problem,
                  const char     *detail)
{
  ScmApiResponse *response = scm_api_response_new (scm_http_problem_get_status (problem),
                                                   SCM_HTTP_PROBLEM_JSON_TYPE,
                                                   scm_http_problem_to_json (problem, detail));

  if (problem == SCM_HTTP_PROBLEM_SESSION_REQUIRED)
    scm_api_response_add_header (response, "WWW-Authenticate", "Bearer realm=\"ScmEnroll\"");
  return response;
}

/* A problem carried as a GError of the SCM_HTTP_PROBLEM_ERROR domain. */
static ScmApiResponse *
problem_from_error (const GError *error)
{
  return problem_response ((ScmHttpProblem) error->code, error->message);
}

static ScmApiResponse *
credentials_refused (void)
{
  return problem_response (SCM_HTTP_PROBLEM_CREDENTIALS_REFUSED, CREDENTIALS_DETAIL);
}

/* 429 with the seconds to wait, in the header and in the body. */
static ScmApiResponse *
locked_response (const char *detail,
                 gint64      locked_until,
                 gint64      now)
{
  const ScmHttpProblem problem = SCM_HTTP_PROBLEM_TOO_MANY_ATTEMPTS;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *seconds = NULL;
  ScmApiResponse *response;
  gint64 wait = MAX (locked_until - now, 1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, scm_http_problem_get_type_uri (problem));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, scm_http_problem_get_title (problem));
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, scm_http_problem_get_status (problem));
  json_builder_set_member_name (builder, "detail");
  json_builder_add_string_value (builder, detail);
  json_builder_set_member_name (builder, "retry_after");
  json_builder_add_int_value (builder, wait);
  json_builder_end_object (builder);

  response = json_response (scm_http_problem_get_status (problem), builder);
  g_free (response->content_type);
  response->content_type = g_strdup (SCM_HTTP_PROBLEM_JSON_TYPE);
  seconds = g_strdup_printf ("%" G_GINT64_FORMAT, wait);
  scm_api_response_add_header (response, "Retry-After", seconds);
  return response;
}

/* Request bodies --------------------------------------------------------------- */

static JsonObject *
parse_body (const ScmApiRequest  *request,
            ScmApiResponse      **problem)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = scm_http_parse_json_object (request->content_type, request->body, &error);

  if (object == NULL)
    *problem = problem_from_error (error);
  return object;
}

/* The string member @name: NULL in *@out when it is missing (a problem
 * when @required), a problem when it is not a string. */
static gboolean
get_string (JsonObject      *object,
            const char      *name,
            gboolean         required,
            const char     **out,
            ScmApiResponse **problem)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      *out = json_node_get_string (node);
      return TRUE;
    }

  {
    g_autofree char *detail = g_strdup_printf ("The request needs “%s” as a string.", name);

    *problem = problem_response (SCM_HTTP_PROBLEM_MALFORMED_REQUEST, detail);
  }
  return FALSE;
}

/* The positive integer member @name, 0 in *@out when it is missing and
 * not @required. */
static gboolean
get_id (JsonObject      *object,
        const char      *name,
        gboolean         required,
        gint64          *out,
        ScmApiResponse **problem)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
           && json_node_get_int (node) > 0)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }

  {
    g_autofree char *detail = g_strdup_printf ("The request needs “%s” as a positive whole "
                                               "number.", name);

    *problem = problem_response (SCM_HTTP_PROBLEM_MALFORMED_REQUEST, detail);
  }
  return FALSE;
}

/* Checks @keys; when one is locked, the refusal is audited and the 429
 * is in *@response. FALSE only on a database error. */
static gboolean
refuse_if_locked (ScmStore             *store,
                  const ScmApiRequest  *request,
                  GPtrArray            *keys,
                  const char           *action,
                  const char           *object,
                  const char           *what,
                  ScmApiResponse      **response,
                  GError              **error)
{
  g_autofree char *detail = NULL;
  gint64 locked_until = 0;

  *response = NULL;
  if (!scm_enrollment_check_lockout (store, request, keys, action, object, what, &locked_until,
                                     &detail, error))
    return FALSE;
  if (detail != NULL)
    *response = locked_response (detail, locked_until, request->now);
  return TRUE;
}

/* Forms, accounts and who they reach ------------------------------------------------- */

/* The enabled form of @extension; otherwise the one not-found problem,
 * whatever the reason, as GET /api/v1/forms/EXT answers. */
static ScmForm *
find_enabled_form (ScmStore         *store,
                   const char       *extension,
                   ScmApiResponse  **problem,
                   GError          **error)
{
  ScmForm *form = NULL;

  if (!scm_enrollment_find_enabled_form (store, extension, &form, error))
    return NULL;
  if (form == NULL)
    *problem = problem_response (SCM_HTTP_PROBLEM_NOT_FOUND,
                                 "No enrollment form has this address; check the link, or ask "
                                 "your administrator for a new one.");
  return form;
}

/* Whether a validated domain delegated to exactly @organization_id /
 * @department_id covers @email, in *@out. FALSE only on a database
 * error. */
static gboolean
is_delegated (ScmStore    *store,
              const char  *email,
              gint64       organization_id,
              gint64       department_id,
              gboolean    *out,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(ScmDomain) domain = scm_store_find_delegating_domain (store, email, organization_id,
                                                                  department_id, &local_error);

  *out = domain != NULL;
  if (domain == NULL
      && !g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_DELEGATED)
      && !g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Whether @account of @form reaches @email, in *@out: a registered
 * @person through their organization and department (an account without
 * a department takes the whole organization), anyone else through a
 * validated domain delegated to the account's organization or department.
 * For the latter, *@out_department_id (nullable) tells which department
 * (0: none) delegates the domain, where a person made on the fly belongs.
 * FALSE only on a database error. */
static gboolean
account_reaches (ScmStore    *store,
                 ScmForm     *form,
                 ScmAccount  *account,
                 const char  *email,
                 ScmPerson   *person,
                 gboolean    *out,
                 gint64      *out_department_id,
                 GError     **error)
{
  gint64 organization_id = scm_account_get_organization_id (account);
  gint64 department_id = scm_account_get_department_id (account);
  g_autoptr(GPtrArray) departments = NULL;

  *out = FALSE;
  if (out_department_id != NULL)
    *out_department_id = 0;
  if (person != NULL)
    {
      *out = scm_enrollment_account_reaches_person (form, account, person);
      return TRUE;
    }
  if (scm_account_get_form_id (account) != scm_form_get_id (form)
      || !scm_form_is_delegated_to (form, organization_id))
    return TRUE;

  if (!is_delegated (store, email, organization_id, department_id, out, error))
    return FALSE;
  if (*out || department_id != 0)
    {
      if (out_department_id != NULL)
        *out_department_id = department_id;
      return TRUE;
    }

  /* An account of the whole organization also reaches its departments'
   * domains. */
  departments = scm_store_list_departments (store, organization_id, error);
  if (departments == NULL)
    return FALSE;
  for (guint i = 0; i < departments->len; i++)
    {
      gint64 id = scm_department_get_id (g_ptr_array_index (departments, i));

      if (!is_delegated (store, email, organization_id, id, out, error))
        return FALSE;
      if (*out)
        {
          if (out_department_id != NULL)
            *out_department_id = id;
          return TRUE;
        }
    }
  return TRUE;
}

/* The accounts of @form that reach @email / @person, in the store's order.
 * NULL only on a database error. */
static GPtrArray *
list_reachable_accounts (ScmStore    *store,
                         ScmForm     *form,
                         const char  *email,
                         ScmPerson   *person,
                         GError     **error)
{
  g_autoptr(GPtrArray) accounts = scm_store_list_accounts (store, scm_form_get_id (form), error);
  g_autoptr(GPtrArray) reachable = NULL;

  if (accounts == NULL)
    return NULL;
  reachable = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < accounts->len; i++)
    {
      ScmAccount *account = g_ptr_array_index (accounts, i);
      gboolean reaches;

      if (!account_reaches (store, form, account, email, person, &reaches, NULL, error))
        return NULL;
      if (reaches)
        g_ptr_array_add (reachable, g_object_ref (account));
    }
  return g_steal_pointer (&reachable);
}

/* Why no account of @form reaches @email, for the audit log. */
static char *
describe_unreachable (ScmForm    *form,
                      const char *email,
                      ScmPerson  *person)
{
  if (person != NULL)
    return g_strdup_printf ("the person %s belongs to no organization or department of an "
                            "account of form “%s”", email, scm_form_get_name (form));
  return g_strdup_printf ("%s is not a validated domain delegated to the organization or "
                          "department of an account of form “%s”",
                          scm_email_get_domain (email), scm_form_get_name (form));
}

/* Email confirmations --------------------------------------------------------------- */

typedef struct
{
  ScmStore *store;
  ScmMailSettings *settings;
  char *to;
  char *subject;
  char *body;      /* holds the code */
  char *actor;
} MailJob;

static void
mail_job_free (MailJob *job)
{
  g_clear_object (&job->store);
  g_clear_pointer (&job->settings, scm_mail_settings_free);
  g_free (job->to);
  g_free (job->subject);
  scm_secret_free (job->body);
  g_free (job->actor);
  g_free (job);
}

static void
send_mail_job (gpointer data,
               gpointer user_data)
{
  MailJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *server = scm_mail_settings_describe_server (job->settings);

  if (scm_mail_send (job->settings, job->to, job->subject, job->body, NULL, &error))
    scm_enrollment_audit (job->store, job->actor, AUDIT_CHALLENGE_MAIL, job->to, SCM_AUDIT_SUCCESS,
                          "The confirmation code was mailed through %s", server);
  else
    scm_enrollment_audit (job->store, job->actor, AUDIT_CHALLENGE_MAIL, job->to, SCM_AUDIT_FAILURE,
                          "The confirmation code could not be mailed: %s", error->message);
  mail_job_free (job);
}

/* Mail goes out from threads of its own: a slow SMTP server delays
 * neither the answer nor the other requests' worker threads. */
static void
queue_mail (MailJob *job)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    {
      GThreadPool *new_pool = g_thread_pool_new (send_mail_job, NULL, MAIL_THREADS, FALSE, NULL);

      g_once_init_leave (&pool, new_pool);
    }
  g_thread_pool_push (pool, job, NULL);
}

static ScmApiResponse *
accepted_response (const char *confirmation_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "confirmation_id");
  json_builder_add_string_value (builder, confirmation_id);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, SCM_CHALLENGE_LIFETIME_SECONDS);
  json_builder_end_object (builder);
  return json_response (SOUP_STATUS_ACCEPTED, builder);
}

ScmApiResponse *
scm_enrollment_api_request_confirmation (ScmAuthority        *authority,
                                         const ScmApiRequest *request,
                                         GError             **error)
{
  ScmStore *store = scm_authority_get_store (authority);
  ScmApiResponse *problem = NULL;
  g_autoptr(ScmForm) form = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(ScmMailSettings) settings = NULL;
  g_autoptr(ScmPerson) person = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *email = NULL;
  g_autofree char *actor = scm_enrollment_address_actor (request);
  g_autofree char *public_id = NULL;
  char *code = NULL;
  const char *typed;
  MailJob *job;

  form = find_enabled_form (store, request->segment, &problem, error);
  if (form == NULL)
    return problem;
  if (scm_form_get_authentication (form) != SCM_AUTHENTICATION_EMAIL_CONFIRMATION)
    return problem_response (SCM_HTTP_PROBLEM_INVALID_REQUEST,
                             "This form signs in with a Secret ID, not with an emailed code; "
                             "send your email and Secret ID to its sessions instead.");

  body = parse_body (request, &problem);
  if (body == NULL || !get_string (body, "email", TRUE, &typed, &problem))
    return problem;
  if (!scm_validate_email (typed, &email, NULL))
    return problem_response (SCM_HTTP_PROBLEM_INVALID_REQUEST,
                             "This is not an email address; check what you typed.");

  /* Mail bombing: so many codes per email and per address, eligible or
   * not, so the limit says nothing about the email either. */
  keys = scm_enrollment_attempt_keys (request, "mail-", email);
  if (!refuse_if_locked (store, request, keys, AUDIT_CHALLENGE_CREATE, email,
                         "Confirmation code request", &problem, error))
    return NULL;
  if (problem != NULL)
    return problem;

  /* Not set up is the same for every email: safe to say. */
  settings = scm_mail_settings_load (store, &local_error);
  if (settings == NULL)
    {
      scm_enrollment_audit (store, actor, AUDIT_CHALLENGE_CREATE, email, SCM_AUDIT_FAILURE,
                            "No confirmation code sent on form “%s”: %s", scm_form_get_name (form),
                            local_error->message);
      return problem_response (SCM_HTTP_PROBLEM_UNAVAILABLE,
                               "The enrollment endpoint cannot send email at the moment; tell "
                               "your administrator.");
    }
  if (!scm_enrollment_record_attempts (store, keys, FALSE, request->now, error))
    return NULL;

  if (!scm_enrollment_find_person (store, email, &person, error))
    return NULL;
  accounts = list_reachable_accounts (store, form, email, person, error);
  if (accounts == NULL)
    return NULL;

  if (accounts->len == 0)
    {
      g_autofree char *reason = describe_unreachable (form, email, person);

      /* The same answer as for a mailed code, with an id that leads
       * nowhere. */
      scm_enrollment_audit (store, actor, AUDIT_CHALLENGE_CREATE, email, SCM_AUDIT_FAILURE,
                            "No confirmation code sent on form “%s”: %s", scm_form_get_name (form),
                            reason);
      public_id = scm_random_hex (16);
      return accepted_response (public_id);
    }

  if (!scm_store_create_challenge (store, scm_form_get_id (form), email, request->client_address,
                                   request->now, &public_id, &code, error))
    return NULL;

  job = g_new0 (MailJob, 1);
  job->store = g_object_ref (store);
  job->settings = g_steal_pointer (&settings);
  job->to = g_strdup (email);
  job->actor = g_strconcat ("email:", email, NULL);
  scm_mail_template_confirmation_code (form, code, SCM_CHALLENGE_LIFETIME_SECONDS / 60,
                                       &job->subject, &job->body);
  scm_secret_free (code);
  queue_mail (job);

  return accepted_response (public_id);
}

/* Sessions ---------------------------------------------------------------------------- */

static ScmApiResponse *
session_response (ScmStore   *store,
                  const char *token,
                  const char *email,
                  ScmPerson  *person,
                  GPtrArray  *accounts)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "session");
  json_builder_add_string_value (builder, token);
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, SCM_ENROLLMENT_API_SESSION_SECONDS);

  json_builder_set_member_name (builder, "person");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "name");
  if (person != NULL)
    {
      g_autofree char *name = scm_person_dup_full_name (person);

      json_builder_add_string_value (builder, name);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < accounts->len; i++)
    {
      ScmAccount *account = g_ptr_array_index (accounts, i);
      ScmAuthorization authorization = scm_account_get_authorization (account);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, scm_account_get_id (account));
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, scm_account_get_name (account));
      json_builder_set_member_name (builder, "authorization");
      json_builder_add_string_value (builder, scm_authorization_to_string (authorization));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_response (SOUP_STATUS_CREATED, builder);
}

/* Why a Secret ID for @email was refused, for the audit log only. */
static char *
describe_secret_id_failure (ScmStore   *store,
                            const char *email)
{
  g_autoptr(ScmPerson) person = scm_store_find_person_by_email (store, email, NULL);

  if (person == NULL)
    return g_strdup ("no registered person has this email");
  if (!scm_person_get_has_secret_id (person))
    return g_strdup ("the person has no Secret ID");
  return g_strdup ("wrong Secret ID");
}

/* Email confirmation: fills *@out_email with the confirmed email, or
 * returns the refusal in *@response. FALSE only on a database error. */
static gboolean
authenticate_by_code (ScmStore             *store,
                      ScmForm              *form,
                      const ScmApiRequest  *request,
                      JsonObject           *body,
                      char                **out_email,
                      ScmApiResponse      **response,
                      GError              **error)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *email = NULL;
  const char *confirmation_id;
  const char *code;

  if (!get_string (body, "confirmation_id", TRUE, &confirmation_id, response)
      || !get_string (body, "code", TRUE, &code, response))
    return TRUE;

  /* The email behind the id, unchecked, only to find its counter: the
   * lockout is checked before the code is. */
  email = scm_store_get_challenge_email (store, confirmation_id, &local_error);
  if (email == NULL && !g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_clear_error (&local_error);

  keys = scm_enrollment_attempt_keys (request, "", email);
  if (!refuse_if_locked (store, request, keys, AUDIT_SESSION_CREATE, email,
                         "Sign-in with an emailed code", response, error))
    return FALSE;
  if (*response != NULL)
    return TRUE;

  /* The store audits every refusal with its reason. */
  if (!scm_store_redeem_challenge (store, confirmation_id, scm_form_get_id (form), code,
                                   request->now, out_email, &local_error))
    {
      if (local_error->domain != SCM_ERROR
          || (local_error->code != SCM_ERROR_NOT_FOUND && local_error->code != SCM_ERROR_INVALID))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!scm_enrollment_record_attempts (store, keys, FALSE, request->now, error))
        return FALSE;
      *response = credentials_refused ();
      return TRUE;
    }
  return scm_enrollment_record_attempts (store, keys, TRUE, request->now, error);
}

/* Secret ID: as authenticate_by_code(). */
static gboolean
authenticate_by_secret_id (ScmStore             *store,
                           ScmForm              *form,
                           const ScmApiRequest  *request,
                           JsonObject           *body,
                           char                **out_email,
                           ScmApiResponse      **response,
                           GError              **error)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree char *email = NULL;
  const char *typed;
  const char *secret_id;

  if (!get_string (body, "email", TRUE, &typed, response)
      || !get_string (body, "secret_id", TRUE, &secret_id, response))
    return TRUE;
  if (!scm_validate_email (typed, &email, NULL))
    {
      *response = problem_response (SCM_HTTP_PROBLEM_INVALID_REQUEST,
                                    "This is not an email address; check what you typed.");
      return TRUE;
    }

  keys = scm_enrollment_attempt_keys (request, "", email);
  if (!refuse_if_locked (store, request, keys, AUDIT_SESSION_CREATE, email,
                         "Sign-in with a Secret ID", response, error))
    return FALSE;
  if (*response != NULL)
    return TRUE;

  if (!scm_store_verify_person_secret_id (store, email, secret_id))
    {
      g_autofree char *reason = describe_secret_id_failure (store, email);
      g_autofree char *actor = scm_enrollment_address_actor (request);

      scm_enrollment_audit (store, actor, AUDIT_SESSION_CREATE, email, SCM_AUDIT_FAILURE,
                            "Sign-in with a Secret ID on form “%s” refused: %s",
                            scm_form_get_name (form), reason);
      if (!scm_enrollment_record_attempts (store, keys, FALSE, request->now, error))
        return FALSE;
      *response = credentials_refused ();
      return TRUE;
    }
  if (!scm_enrollment_record_attempts (store, keys, TRUE, request->now, error))
    return FALSE;
  *out_email = g_steal_pointer (&email);
  return TRUE;
}

ScmApiResponse *
scm_enrollment_api_open_session (ScmAuthority        *authority,
                                 const ScmApiRequest *request,
                                 GError             **error)
{
  ScmStore *store = scm_authority_get_store (authority);
  ScmApiResponse *response = NULL;
  g_autoptr(ScmForm) form = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(ScmPerson) person = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autofree char *email = NULL;
  g_autofree char *token = NULL;
  ScmAuthentication expected = SCM_AUTHENTICATION_SECRET_ID;
  ScmAuthentication method;
  const char *method_name;
  gboolean ok;

  form = find_enabled_form (store, request->segment, &response, error);
  if (form == NULL)
    return response;
  body = parse_body (request, &response);
  if (body == NULL || !get_string (body, "method", TRUE, &method_name, &response))
    return response;
  if (!scm_authentication_from_string (method_name, &method))
    return problem_response (SCM_HTTP_PROBLEM_MALFORMED_REQUEST,
                             "The method must be “email-confirmation” or “secret-id”.");

  expected = scm_form_get_authentication (form);
  if (method != expected)
    {
      g_autofree char *detail = g_strdup_printf ("This form signs in with the method “%s”, "
                                                 "not “%s”.",
                                                 scm_authentication_to_string (expected),
                                                 method_name);

      return problem_response (SCM_HTTP_PROBLEM_INVALID_REQUEST, detail);
    }

  if (method == SCM_AUTHENTICATION_EMAIL_CONFIRMATION)
    ok = authenticate_by_code (store, form, request, body, &email, &response, error);
  else
    ok = authenticate_by_secret_id (store, form, request, body, &email, &response, error);
  if (!ok)
    return NULL;
  if (response != NULL)
    return response;

  if (!scm_enrollment_find_person (store, email, &person, error))
    return NULL;
  accounts = list_reachable_accounts (store, form, email, person, error);
  if (accounts == NULL)
    return NULL;
  if (accounts->len == 0)
    {
      g_autofree char *reason = describe_unreachable (form, email, person);
      g_autofree char *actor = g_strconcat ("email:", email, NULL);

      scm_enrollment_audit (store, actor, AUDIT_SESSION_CREATE, email, SCM_AUDIT_FAILURE,
                            "Sign-in on form “%s” refused: %s", scm_form_get_name (form), reason);
      return problem_response (SCM_HTTP_PROBLEM_NOT_ELIGIBLE,
                               "You signed in, but no account of this form is open to you; ask "
                               "your administrator.");
    }

  if (scm_store_create_session (store, scm_form_get_id (form),
                                person != NULL ? scm_person_get_id (person) : 0, email,
                                request->client_address, SCM_ENROLLMENT_API_SESSION_SECONDS,
                                request->now, &token, error) == 0)
    return NULL;

  response = session_response (store, token, email, person, accounts);
  scm_secret_free (g_steal_pointer (&token));
  return response;
}

/* What a Bearer session gives a request. */
typedef struct
{
  ScmEnrollmentSession *session;
  ScmForm *form;
  ScmPerson *person;       /* NULL: a confirmed email without a person record */
} SessionContext;

static void
session_context_clear (SessionContext *context)
{
  g_clear_pointer (&context->session, scm_enrollment_session_free);
  g_clear_object (&context->form);
  g_clear_object (&context->person);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SessionContext, session_context_clear)

/* The live session of the Authorization header, on an enabled form, with
 * its person as the store has them now. FALSE only on a database error;
 * a refusal is *@response. */
static gboolean
open_session_context (ScmStore             *store,
                      const ScmApiRequest  *request,
                      SessionContext       *context,
                      ScmApiResponse      **response,
                      GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *header = request->authorization;
  g_autofree char *token = NULL;

  *response = NULL;
  if (header != NULL && g_ascii_strncasecmp (header, "Bearer ", strlen ("Bearer ")) == 0)
    token = g_strstrip (g_strdup (header + strlen ("Bearer ")));
  if (token == NULL || *token == '\0')
    {
      *response = problem_response (SCM_HTTP_PROBLEM_SESSION_REQUIRED,
                                    "Sign in first, and send the session you get as "
                                    "Authorization: Bearer SESSION.");
      return TRUE;
    }

  context->session = scm_store_lookup_session (store, token, 0, request->now, &local_error);
  scm_secret_free (g_steal_pointer (&token));
  if (context->session == NULL)
    {
      if (local_error->domain != SCM_ERROR
          || (local_error->code != SCM_ERROR_NOT_FOUND && local_error->code != SCM_ERROR_INVALID))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      *response = problem_response (SCM_HTTP_PROBLEM_SESSION_REQUIRED, local_error->message);
      return TRUE;
    }

  context->form = scm_store_get_form (store, context->session->form_id, error);
  if (context->form == NULL)
    return FALSE;
  if (!scm_form_get_enabled (context->form))
    {
      *response = problem_response (SCM_HTTP_PROBLEM_SESSION_REQUIRED,
                                    "The form of this session is no longer open; ask your "
                                    "administrator.");
      return TRUE;
    }

  /* A person made on the fly since the session opened counts too. */
  if (!scm_enrollment_find_person (store, context->session->email, &context->person, error))
    return FALSE;
  if (context->session->person_id != 0
      && (context->person == NULL
          || scm_person_get_id (context->person) != context->session->person_id))
    {
      /* Deleted, or replaced by someone else with the email, meanwhile. */
      g_autofree char *actor = g_strconcat ("email:", context->session->email, NULL);

      scm_enrollment_audit (store, actor, AUDIT_SESSION_AUTHORIZE, context->session->email,
                            SCM_AUDIT_FAILURE,
                            "Session %" G_GINT64_FORMAT " refused: its person was deleted since "
                            "it opened", context->session->id);
      *response = problem_response (SCM_HTTP_PROBLEM_SESSION_REQUIRED,
                                    "This enrollment session is no longer valid; sign in again.");
      return TRUE;
    }
  return TRUE;
}

/* Account authorization ----------------------------------------------------------------- */

static void
add_profile (JsonBuilder *builder,
             ScmProfile  *profile)
{
  GArray *terms = scm_profile_get_terms (profile);
  GArray *key_types = scm_profile_get_key_types (profile);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, scm_profile_get_id (profile));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, scm_profile_get_name (profile));
  json_builder_set_member_name (builder, "terms");
  json_builder_begin_array (builder);
  for (guint i = 0; terms != NULL && i < terms->len; i++)
    json_builder_add_int_value (builder, g_array_index (terms, guint, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "key_types");
  json_builder_begin_array (builder);
  for (guint i = 0; key_types != NULL && i < key_types->len; i++)
    json_builder_add_string_value (builder,
                                   scm_key_type_to_string (g_array_index (key_types, ScmKeyType, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static ScmApiResponse *
authorized_response (ScmStore    *store,
                     ScmAccount  *account,
                     GError     **error)
{
  static const ScmCsrMethod methods[] = {
    SCM_CSR_METHOD_SERVER, SCM_CSR_METHOD_CLIENT, SCM_CSR_METHOD_PROVIDED,
  };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GArray *profile_ids = scm_account_get_profile_ids (account);
  ScmPkcs12Protection protection = scm_account_get_pkcs12_protection (account);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "profiles");
  json_builder_begin_array (builder);
  for (guint i = 0; profile_ids != NULL && i < profile_ids->len; i++)
    {
      g_autoptr(ScmProfile) profile = scm_store_get_profile (store,
                                                             g_array_index (profile_ids, gint64, i),
                                                             error);

      if (profile == NULL)
        return NULL;
      add_profile (builder, profile);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "csr_methods");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (scm_account_get_csr_methods (account) & methods[i])
      json_builder_add_string_value (builder, scm_csr_method_to_string (methods[i]));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "pkcs12");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, scm_pkcs12_protection_to_string (protection));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "allow_empty_password");
  json_builder_add_boolean_value (builder, scm_account_get_allow_empty_password (account));
  json_builder_end_object (builder);

  return json_response (SOUP_STATUS_OK, builder);
}

/* The account of @segment that the session may use; a 404 otherwise, the
 * same whether it does not exist, belongs to another form or does not
 * reach the session's person. */
static ScmAccount *
find_session_account (ScmStore         *store,
                      SessionContext   *context,
                      const char       *segment,
                      ScmApiResponse  **response,
                      GError          **error)
{
  g_autoptr(ScmAccount) account = NULL;
  g_autoptr(GError) local_error = NULL;
  guint64 id = 0;

  if (segment != NULL && g_ascii_string_to_unsigned (segment, 10, 1, G_MAXINT64, &id, NULL))
    account = scm_store_get_account (store, (gint64) id, &local_error);
  if (account == NULL && local_error != NULL
      && !g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (account != NULL)
    {
      gboolean reaches;

      if (!account_reaches (store, context->form, account, context->session->email,
                            context->person, &reaches, NULL, error))
        return NULL;
      if (!reaches)
        g_clear_object (&account);
    }
  if (account == NULL)
    *response = problem_response (SCM_HTTP_PROBLEM_NOT_FOUND,
                                  "This session offers no such account; choose one of the "
                                  "accounts listed when you signed in.");
  return g_steal_pointer (&account);
}

ScmApiResponse *
scm_enrollment_api_authorize_account (ScmAuthority        *authority,
                                      const ScmApiRequest *request,
                                      GError             **error)
{
  ScmStore *store = scm_authority_get_store (authority);
  ScmApiResponse *response = NULL;
  g_auto(SessionContext) context = { 0 };
  g_autoptr(ScmAccount) account = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autofree char *actor = NULL;
  g_autofree char *reason = NULL;
  const char *email;
  const char *secret = NULL;
  ScmAuthorization authorization;

  if (!open_session_context (store, request, &context, &response, error))
    return NULL;
  if (response != NULL)
    return response;
  email = context.session->email;

  account = find_session_account (store, &context, request->segment, &response, error);
  if (account == NULL)
    return response;
  body = parse_body (request, &response);
  if (body == NULL)
    return response;

  authorization = scm_account_get_authorization (account);
  if (authorization == SCM_AUTHORIZATION_ACCESS_CODE
      && !get_string (body, "access_code", TRUE, &secret, &response))
    return response;
  if (authorization == SCM_AUTHORIZATION_SECRET_ID
      && !get_string (body, "secret_id", TRUE, &secret, &response))
    return response;

  if (authorization != SCM_AUTHORIZATION_NONE)
    {
      keys = scm_enrollment_attempt_keys (request, "", email);
      if (!refuse_if_locked (store, request, keys, AUDIT_SESSION_AUTHORIZE, email,
                             "Account authorization", &response, error))
        return NULL;
      if (response != NULL)
        return response;

      if (authorization == SCM_AUTHORIZATION_ACCESS_CODE
          && !scm_store_verify_access_code (store, scm_account_get_id (account), secret))
        reason = g_strdup (scm_account_get_has_access_code (account)
                           ? "wrong access code" : "the account has no access code yet");
      else if (authorization == SCM_AUTHORIZATION_SECRET_ID
               && (context.person == NULL
                   || !scm_store_verify_person_secret_id (store, email, secret)))
        reason = context.person == NULL ? g_strdup ("the email is not a registered person")
                                        : describe_secret_id_failure (store, email);

      if (reason != NULL)
        {
          actor = g_strconcat ("email:", email, NULL);
          scm_enrollment_audit (store, actor, AUDIT_SESSION_AUTHORIZE, email, SCM_AUDIT_FAILURE,
                                "Session %" G_GINT64_FORMAT " refused the authorization of "
                                "account “%s” on form “%s”: %s", context.session->id,
                                scm_account_get_name (account), scm_form_get_name (context.form),
                                reason);
          if (!scm_enrollment_record_attempts (store, keys, FALSE, request->now, error))
            return NULL;
          return credentials_refused ();
        }
      if (!scm_enrollment_record_attempts (store, keys, TRUE, request->now, error))
        return NULL;
    }

  if (!scm_store_authorize_session_account (store, context.session->id,
                                            scm_account_get_id (account), request->now, error))
    return NULL;
  return authorized_response (store, account, error);
}

/* Certificates ------------------------------------------------------------------------------ */

/* Sessions getting a certificate right now: one at a time each. */
static GMutex busy_lock;
static GHashTable *busy_sessions;

static gboolean
claim_session (gint64 session_id)
{
  gboolean claimed;

  g_mutex_lock (&busy_lock);
  if (busy_sessions == NULL)
    busy_sessions = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  claimed = !g_hash_table_contains (busy_sessions, &session_id);
  if (claimed)
    g_hash_table_add (busy_sessions, g_memdup2 (&session_id, sizeof session_id));
  g_mutex_unlock (&busy_lock);
  return claimed;
}

static void
release_session (gint64 session_id)
{
  g_mutex_lock (&busy_lock);
  g_hash_table_remove (busy_sessions, &session_id);
  g_mutex_unlock (&busy_lock);
}

/* What the request asks for, checked against the account and profile. */
typedef struct
{
  gint64 account_id;
  gint64 profile_id;
  gint64 term_days;
  const char *key_type_name;
  const char *csr;
  const char *csr_method_name;
  const char *password;
  const char *protection_name;
} CertificateRequest;

static gboolean
read_certificate_request (JsonObject          *body,
                          CertificateRequest  *out,
                          ScmApiResponse     **response)
{
  JsonNode *pkcs12 = json_object_get_member (body, "pkcs12");
  JsonNode *term = json_object_get_member (body, "term_days");

  if (!get_id (body, "account_id", TRUE, &out->account_id, response)
      || !get_id (body, "profile_id", TRUE, &out->profile_id, response)
      || !get_string (body, "key_type", FALSE, &out->key_type_name, response)
      || !get_string (body, "csr", FALSE, &out->csr, response)
      || !get_string (body, "csr_method", FALSE, &out->csr_method_name, response))
    return FALSE;

  /* A term the profile lacks is a policy matter; a term that is not a
   * number is malformed. */
  if (term != NULL && !JSON_NODE_HOLDS_NULL (term))
    {
      if (!JSON_NODE_HOLDS_VALUE (term) || json_node_get_value_type (term) != G_TYPE_INT64
          || json_node_get_int (term) < 1 || json_node_get_int (term) > G_MAXUINT)
        {
          *response = problem_response (SCM_HTTP_PROBLEM_MALFORMED_REQUEST,
                                        "The request needs “term_days” as a positive whole "
                                        "number of days.");
          return FALSE;
        }
      out->term_days = json_node_get_int (term);
    }

  if (pkcs12 != NULL && !JSON_NODE_HOLDS_NULL (pkcs12))
    {
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (pkcs12))
        {
          *response = problem_response (SCM_HTTP_PROBLEM_MALFORMED_REQUEST,
                                        "The request needs “pkcs12” as an object with a "
                                        "password and a protection.");
          return FALSE;
        }
      object = json_node_get_object (pkcs12);
      if (!get_string (object, "password", TRUE, &out->password, response)
          || !get_string (object, "protection", FALSE, &out->protection_name, response))
        return FALSE;
    }

  if ((out->csr == NULL) == (out->password == NULL))
    {
      *response = problem_response (SCM_HTTP_PROBLEM_MALFORMED_REQUEST,
                                    "Send either “csr” (your own key) or “pkcs12” (a key made by "
                                    "the server), not both and not neither.");
      return FALSE;
    }
  if (out->csr == NULL && out->key_type_name == NULL)
    {
      *response = problem_response (SCM_HTTP_PROBLEM_MALFORMED_REQUEST,
                                    "The request needs “key_type” for a key made by the server.");
      return FALSE;
    }
  return TRUE;
}

static char *
describe_key_types (ScmProfile *profile)
{
  GArray *key_types = scm_profile_get_key_types (profile);
  GString *out = g_string_new (NULL);

  for (guint i = 0; key_types != NULL && i < key_types->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "",
                            scm_key_type_to_string (g_array_index (key_types, ScmKeyType, i)));
  return g_string_free (out, FALSE);
}

static char *
describe_terms (ScmProfile *profile)
{
  GArray *terms = scm_profile_get_terms (profile);
  GString *out = g_string_new (NULL);

  for (guint i = 0; terms != NULL && i < terms->len; i++)
    g_string_append_printf (out, "%s%u", i > 0 ? ", " : "", g_array_index (terms, guint, i));
  return g_string_free (out, FALSE);
}

/* A refusal of the request, audited with its reason, which the person
 * may see too: they are signed in, and it is about their own request. */
static ScmApiResponse *
refuse_request (ScmStore       *store,
                SessionContext *context,
                ScmAccount     *account,
                ScmHttpProblem  problem,
                const char     *detail)
{
  g_autofree char *actor = g_strconcat ("email:", context->session->email, NULL);

  scm_enrollment_audit (store, actor, AUDIT_CERTIFICATE_REQUEST, context->session->email,
                        SCM_AUDIT_FAILURE,
                        "Certificate request of session %" G_GINT64_FORMAT " on account “%s” "
                        "of form “%s” refused: %s", context->session->id,
                        account != NULL ? scm_account_get_name (account) : "?",
                        scm_form_get_name (context->form), detail);
  return problem_response (problem, detail);
}

/* Everything the account and the profile decide, before any key is made.
 * NULL when the request passes. */
static ScmApiResponse *
check_policy (ScmStore                 *store,
              SessionContext           *context,
              ScmAccount               *account,
              ScmProfile               *profile,
              const CertificateRequest *request,
              ScmIssueRequest          *issue)
{
  const char *account_name = scm_account_get_name (account);
  const char *profile_name = scm_profile_get_name (profile);
  g_autofree char *detail = NULL;
  ScmHttpProblem problem = SCM_HTTP_PROBLEM_POLICY;
  ScmCsrMethod methods = scm_account_get_csr_methods (account);
  ScmKeyType requested_type = 0;
  gboolean has_type = FALSE;

  if (request->key_type_name != NULL)
    {
      has_type = scm_key_type_from_string (request->key_type_name, &requested_type);
      if (!has_type)
        {
          detail = g_strdup_printf ("“%s” is not a key type; use one of RSA-2048, RSA-3072, "
                                    "RSA-4096, EC-P256 or EC-P384.", request->key_type_name);
          problem = SCM_HTTP_PROBLEM_INVALID_REQUEST;
          goto refuse;
        }
    }

  if (request->term_days != 0 && !scm_profile_allows_term (profile, (guint) request->term_days))
    {
      g_autofree char *terms = describe_terms (profile);

      detail = g_strdup_printf ("The profile “%s” does not offer a term of %" G_GINT64_FORMAT
                                " days; choose one of %s.", profile_name, request->term_days,
                                terms);
      goto refuse;
    }

  if (request->csr != NULL)
    {
      g_autoptr(GBytes) spki = NULL;
      g_autoptr(GError) error = NULL;
      ScmCsrMethod method = 0;
      ScmKeyType csr_type = 0;

      if (request->csr_method_name != NULL
          && (!scm_csr_method_from_string (request->csr_method_name, &method)
              || method == SCM_CSR_METHOD_SERVER))
        {
          detail = g_strdup ("With a CSR, “csr_method” must be “client” or “provided”.");
          problem = SCM_HTTP_PROBLEM_INVALID_REQUEST;
          goto refuse;
        }
      if ((method != 0 && !(methods & method))
          || !(methods & (SCM_CSR_METHOD_CLIENT | SCM_CSR_METHOD_PROVIDED)))
        {
          detail = g_strdup_printf ("The account “%s” does not take certificate requests%s%s; "
                                    "%s.", account_name, method != 0 ? " made by the " : "",
                                    method != 0 ? request->csr_method_name : "",
                                    (methods & SCM_CSR_METHOD_SERVER)
                                    ? "let the server make the key (send “pkcs12”)"
                                    : "use the method the account allows");
          goto refuse;
        }

      spki = scm_csr_parse (request->csr, strlen (request->csr), &csr_type, &error);
      if (spki == NULL)
        {
          detail = g_strdup_printf ("The CSR was refused: %s", error->message);
          if (!g_error_matches (error, SCM_ERROR, SCM_ERROR_POLICY))
            problem = SCM_HTTP_PROBLEM_INVALID_REQUEST;
          goto refuse;
        }
      if (has_type && requested_type != csr_type)
        {
          detail = g_strdup_printf ("The CSR holds a %s key, not the %s key the request names; "
                                    "send the matching key type or none.",
                                    scm_key_type_to_string (csr_type), request->key_type_name);
          problem = SCM_HTTP_PROBLEM_INVALID_REQUEST;
          goto refuse;
        }
      requested_type = csr_type;
      issue->csr = g_bytes_new (request->csr, strlen (request->csr));
    }
  else
    {
      ScmPkcs12Protection protection = scm_account_get_pkcs12_protection (account);
      g_autoptr(GError) error = NULL;

      if (!(methods & SCM_CSR_METHOD_SERVER))
        {
          detail = g_strdup_printf ("The account “%s” does not let the server make keys; "
                                    "send a certificate signing request (“csr”).", account_name);
          goto refuse;
        }
      if (request->protection_name != NULL)
        {
          ScmPkcs12Protection asked;

          if (!scm_pkcs12_protection_from_string (request->protection_name, &asked))
            {
              detail = g_strdup_printf ("“%s” is not a PKCS#12 protection; use AES256-SHA256 "
                                        "or TripleDES-SHA1.", request->protection_name);
              problem = SCM_HTTP_PROBLEM_INVALID_REQUEST;
              goto refuse;
            }
          if (asked != protection)
            {
              detail = g_strdup_printf ("The account “%s” delivers PKCS#12 files protected with "
                                        "%s, not %s.", account_name,
                                        scm_pkcs12_protection_to_string (protection),
                                        request->protection_name);
              goto refuse;
            }
        }
      if (*request->password == '\0' && !scm_account_get_allow_empty_password (account))
        {
          detail = g_strdup_printf ("The account “%s” needs a password for the PKCS#12 file.",
                                    account_name);
          goto refuse;
        }
      if (!scm_pkcs12_check_password (request->password, &error))
        {
          detail = g_strdup (error->message);
          problem = SCM_HTTP_PROBLEM_INVALID_REQUEST;
          goto refuse;
        }
      issue->pkcs12_password = request->password;
      issue->protection = protection;
    }

  if (!scm_profile_allows_key_type (profile, requested_type))
    {
      g_autofree char *allowed = describe_key_types (profile);

      detail = g_strdup_printf ("The profile “%s” does not allow %s keys; choose one of %s.",
                                profile_name, scm_key_type_to_string (requested_type), allowed);
      goto refuse;
    }

  issue->key_type = requested_type;
  issue->term_days = (guint) request->term_days;
  return NULL;

refuse:
  return refuse_request (store, context, account, problem, detail);
}

/* "ada.lovelace" → "Ada", "Lovelace"; a local part without a separator
 * gives both names. */
static void
names_from_email (const char  *email,
                  char       **first,
                  char       **last)
{
  g_autofree char *local = g_strndup (email, strcspn (email, "@"));
  g_auto(GStrv) parts = g_strsplit_set (local, "._-+", -1);
  g_autoptr(GPtrArray) words = g_ptr_array_new ();
  g_autofree char *rest = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      {
        parts[i][0] = g_ascii_toupper (parts[i][0]);
        g_ptr_array_add (words, parts[i]);
      }
  if (words->len == 0)
    g_ptr_array_add (words, local);
  g_ptr_array_add (words, NULL);

  *first = g_strdup (g_ptr_array_index (words, 0));
  rest = words->len > 2 ? g_strjoinv (" ", (char **) words->pdata + 1) : NULL;
  *last = rest != NULL ? g_steal_pointer (&rest) : g_strdup (*first);
}

/* The person record a confirmed email gets at its first certificate, in
 * the organization and department where @account reaches it. */
static ScmPerson *
create_person_on_the_fly (ScmStore    *store,
                          ScmForm     *form,
                          ScmAccount  *account,
                          const char  *email,
                          GError     **error)
{
  g_autoptr(ScmPerson) person = scm_person_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autofree char *actor = g_strconcat ("email:", email, NULL);
  g_autofree char *previous = NULL;
  gint64 department_id = 0;
  gboolean reaches;
  gboolean created;

  if (!account_reaches (store, form, account, email, NULL, &reaches, &department_id, error))
    return NULL;
  if (!reaches)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_DELEGATED,
                   "%s is no longer delegated to the account “%s”",
                   scm_email_get_domain (email), scm_account_get_name (account));
      return NULL;
    }

  names_from_email (email, &first, &last);
  scm_person_set_organization_id (person, scm_account_get_organization_id (account));
  scm_person_set_department_id (person, department_id);
  scm_person_set_first_name (person, first);
  scm_person_set_last_name (person, last);
  scm_person_set_email (person, email);

  /* The transaction holds the store's lock, so the actor is ours alone
   * until it is put back. */
  if (!scm_store_begin (store, error))
    return NULL;
  previous = g_strdup (scm_store_get_actor (store));
  scm_store_set_actor (store, actor);
  created = scm_store_create_person (store, person, &local_error);
  scm_store_set_actor (store, previous);
  if (!created)
    {
      scm_store_rollback (store);
      /* Another request of the same email was faster. */
      if (g_error_matches (local_error, SCM_ERROR, SCM_ERROR_DUPLICATE))
        return scm_store_find_person_by_email (store, email, error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!scm_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&person);
}

static char *
format_rfc3339 (gint64 when)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (when);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data, len);
}

/* The "CERTIFICATE" PEM blocks of @chain_pem (the CA's own
 * scm_x509_chain_to_pem() text) as strings, each as scm_x509_der_to_pem()
 * writes it: cut out of the text, since parsing and re-encoding the chain
 * cost more than the rest of the answer. */
static GPtrArray *
split_certificate_pem (GBytes *chain_pem)
{
  static const char begin_marker[] = "-----BEGIN CERTIFICATE-----";
  static const char end_marker[] = "-----END CERTIFICATE-----";
  GPtrArray *blocks = g_ptr_array_new_with_free_func (g_free);
  gsize len = 0;
  const char *data = g_bytes_get_data (chain_pem, &len);
  const char *limit = data + len;
  const char *p = data;

  while (p < limit)
    {
      const char *begin = g_strstr_len (p, limit - p, begin_marker);
      const char *end = begin != NULL ? g_strstr_len (begin, limit - begin, end_marker) : NULL;

      if (end == NULL)
        break;
      end += strlen (end_marker);
      if (end < limit && *end == '\n')
        end++;
      g_ptr_array_add (blocks, g_strndup (begin, end - begin));
      p = end;
    }
  return blocks;
}

static ScmApiResponse *
certificate_response (ScmIssueResult  *result,
                      GError         **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GBytes) certificate_pem = scm_x509_der_to_pem (result->certificate_der);
  g_autoptr(GPtrArray) chain = split_certificate_pem (result->chain_pem);
  g_autofree char *not_after = format_rfc3339 (scm_certificate_get_not_after (result->certificate));
  g_autofree char *certificate = bytes_to_string (certificate_pem);

  if (chain->len == 0)
    {
      g_set_error_literal (error, SCM_ERROR, SCM_ERROR_INVALID,
                           "The CA chain of the issued certificate has no certificate.");
      return NULL;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "serial");
  json_builder_add_string_value (builder, scm_certificate_get_serial (result->certificate));
  json_builder_set_member_name (builder, "not_after");
  json_builder_add_string_value (builder, not_after);
  json_builder_set_member_name (builder, "certificate");
  json_builder_add_string_value (builder, certificate);
  json_builder_set_member_name (builder, "chain");
  json_builder_begin_array (builder);
  for (guint i = 0; i < chain->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (chain, i));
  json_builder_end_array (builder);
  if (result->pkcs12 != NULL)
    {
      g_autofree char *encoded = g_base64_encode (g_bytes_get_data (result->pkcs12, NULL),
                                                  g_bytes_get_size (result->pkcs12));

      json_builder_set_member_name (builder, "pkcs12");
      json_builder_add_string_value (builder, encoded);
    }
  json_builder_end_object (builder);
  return json_response (SOUP_STATUS_CREATED, builder);
}

/* Issuance failed on the authority's own checks: the person sees why. */
static ScmApiResponse *
refuse_issuance (ScmStore       *store,
                 SessionContext *context,
                 ScmAccount     *account,
                 GError        **error)
{
  ScmHttpProblem problem;

  if ((*error)->domain != SCM_ERROR)
    return NULL;
  switch ((*error)->code)
    {
    case SCM_ERROR_POLICY:
      problem = SCM_HTTP_PROBLEM_POLICY;
      break;
    case SCM_ERROR_INVALID:
      problem = SCM_HTTP_PROBLEM_INVALID_REQUEST;
      break;
    case SCM_ERROR_NOT_DELEGATED:
    case SCM_ERROR_NOT_VALIDATED:
    case SCM_ERROR_NOT_FOUND:
      problem = SCM_HTTP_PROBLEM_NOT_ELIGIBLE;
      break;
    default:
      return NULL;
    }
  {
    g_autoptr(GError) refusal = g_steal_pointer (error);
    g_autofree char *detail = g_str_has_suffix (refusal->message, ".")
                              ? g_strdup (refusal->message)
                              : g_strconcat (refusal->message, ".", NULL);

    return refuse_request (store, context, account, problem, detail);
  }
}

ScmApiResponse *
scm_enrollment_api_issue_certificate (ScmAuthority        *authority,
                                      const ScmApiRequest *request,
                                      GError             **error)
{
  ScmStore *store = scm_authority_get_store (authority);
  ScmApiResponse *response = NULL;
  g_auto(SessionContext) context = { 0 };
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(ScmAccount) account = NULL;
  g_autoptr(ScmProfile) profile = NULL;
  g_autoptr(ScmPerson) person = NULL;
  g_autoptr(ScmIssueResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) csr = NULL;
  CertificateRequest asked = { 0 };
  ScmIssueRequest issue = { 0 };
  gint64 session_id;
  gboolean reaches;

  if (!open_session_context (store, request, &context, &response, error))
    return NULL;
  if (response != NULL)
    return response;
  body = parse_body (request, &response);
  if (body == NULL || !read_certificate_request (body, &asked, &response))
    return response;

  /* Authorized in this session: of its form, and checked in this very
   * session, whatever the client says. */
  if (scm_enrollment_session_is_account_authorized (context.session, asked.account_id))
    account = scm_store_get_account (store, asked.account_id, &local_error);
  if (account == NULL && local_error != NULL
      && !g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (account == NULL || scm_account_get_form_id (account) != context.session->form_id)
    {
      g_autofree char *detail = g_strdup_printf ("The account %" G_GINT64_FORMAT " was not "
                                                 "authorized in this session; authorize it "
                                                 "first.", asked.account_id);

      return refuse_request (store, &context, account, SCM_HTTP_PROBLEM_ACCOUNT_NOT_AUTHORIZED,
                             detail);
    }

  /* The organization, department or delegation may have changed since. */
  if (!account_reaches (store, context.form, account, context.session->email, context.person,
                        &reaches, NULL, error))
    return NULL;
  if (!reaches)
    {
      return refuse_request (store, &context, account, SCM_HTTP_PROBLEM_NOT_ELIGIBLE,
                             "The account is no longer open to you; ask your administrator.");
    }

  if (!scm_account_has_profile (account, asked.profile_id))
    {
      g_autofree char *detail = g_strdup_printf ("The account “%s” does not offer the profile %"
                                                 G_GINT64_FORMAT "; choose one of the profiles "
                                                 "its authorization listed.",
                                                 scm_account_get_name (account), asked.profile_id);

      return refuse_request (store, &context, account, SCM_HTTP_PROBLEM_POLICY, detail);
    }
  profile = scm_store_get_profile (store, asked.profile_id, error);
  if (profile == NULL)
    return NULL;

  response = check_policy (store, &context, account, profile, &asked, &issue);
  csr = issue.csr;
  if (response != NULL)
    return response;

  session_id = context.session->id;
  if (!claim_session (session_id))
    return problem_response (SCM_HTTP_PROBLEM_SESSION_BUSY,
                             "This session is already getting a certificate; wait for it.");

  person = context.person != NULL ? g_object_ref (context.person)
                                  : create_person_on_the_fly (store, context.form, account,
                                                              context.session->email, &local_error);
  if (person != NULL)
    {
      issue.person = person;
      issue.profile = profile;
      issue.form_id = context.session->form_id;
      issue.account_id = scm_account_get_id (account);
      issue.requested_via = SCM_REQUESTED_VIA_SELF_ENROLLMENT;
      /* Key generation (seconds for RSA-4096) happens here, in this
       * worker thread. */
      result = scm_authority_issue (authority, &issue, NULL, &local_error);
    }
  /* One certificate per session: a stolen token gets no second one. */
  if (result != NULL)
    {
      g_autoptr(GError) end_error = NULL;

      if (!scm_store_end_session (store, session_id, request->now, &end_error))
        g_warning ("Could not end enrollment session %" G_GINT64_FORMAT " after its "
                   "certificate: %s", session_id, end_error->message);
    }
  release_session (session_id);

  if (result == NULL)
    {
      response = refuse_issuance (store, &context, account, &local_error);
      if (response == NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return response;
    }
  return certificate_response (result, error);
}
