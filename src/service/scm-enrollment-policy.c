/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-service"

#include "config.h"

#include "scm-enrollment-policy.h"
#include "scm-error.h"
#include "scm-validate.h"

/* Responses ------------------------------------------------------------------------- */

/* Takes @body. */
ScmApiResponse *
scm_api_response_new (guint       status,
                      const char *content_type,
                      GBytes     *body)
{
  ScmApiResponse *response = g_new0 (ScmApiResponse, 1);

  response->status = status;
  response->content_type = g_strdup (content_type);
  response->body = body;
  response->headers = g_ptr_array_new_with_free_func (g_free);
  return response;
}

void
scm_api_response_add_header (ScmApiResponse *response,
                             const char     *name,
                             const char     *value)
{
  g_ptr_array_add (response->headers, g_strdup (name));
  g_ptr_array_add (response->headers, g_strdup (value));
}

/* The audit log --------------------------------------------------------------------- */

/* Appends an event; a failure to do so is logged, and the request goes on
 * (its answer is decided already). */
void
scm_enrollment_audit (ScmStore   *store,
                      const char *actor,
                      const char *action,
                      const char *object,
                      const char *result,
                      const char *format,
                      ...)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (!scm_store_add_audit_event (store, actor, action, object, result, message, &error))
    g_warning ("Could not record “%s” in the audit log: %s", message, error->message);
}

char *
scm_enrollment_address_actor (const ScmApiRequest *request)
{
  if (request->client_address == NULL)
    return g_strdup ("address:unknown");
  return g_strconcat ("address:", request->client_address, NULL);
}

/* Attempt counters ------------------------------------------------------------------ */

/* The counters a request is limited by: its address's and, when known, its
 * email's ("email:…", or "mail-email:…" for code requests with @prefix
 * "mail-"). */
GPtrArray *
scm_enrollment_attempt_keys (const ScmApiRequest *request,
                             const char          *prefix,
                             const char          *email)
{
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);

  if (request->client_address != NULL)
    g_ptr_array_add (keys, g_strconcat (prefix, "address:", request->client_address, NULL));
  if (email != NULL)
    g_ptr_array_add (keys, g_strconcat (prefix, "email:", email, NULL));
  return keys;
}

/* Which of @keys are locked: *@locked_until gets the latest end (0 when
 * none is), @locked_keys their names. Read-only, and before any hash is
 * computed. FALSE only on a database error. */
static gboolean
check_attempts (ScmStore   *store,
                GPtrArray  *keys,
                gint64      now,
                gint64     *locked_until,
                GString    *locked_keys,
                GError    **error)
{
  *locked_until = 0;
  for (guint i = 0; i < keys->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      gint64 until = 0;

      if (scm_store_check_attempts (store, g_ptr_array_index (keys, i), now, &until, &local_error))
        continue;
      if (!g_error_matches (local_error, SCM_ERROR, SCM_ERROR_LOCKED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      *locked_until = MAX (*locked_until, until);
      g_string_append_printf (locked_keys, "%s%s", locked_keys->len > 0 ? ", " : "",
                              (const char *) g_ptr_array_index (keys, i));
    }
  return TRUE;
}

/* Checks @keys; when one is locked, audits "@what refused" and gives the
 * end of the lockout in *@out_locked_until and the sentence for the
 * person in *@out_detail, which each route wraps in its own 429. Both stay
 * 0 / NULL when nothing is locked. FALSE only on a database error. */
gboolean
scm_enrollment_check_lockout (ScmStore             *store,
                              const ScmApiRequest  *request,
                              GPtrArray            *keys,
                              const char           *action,
                              const char           *object,
                              const char           *what,
                              gint64               *out_locked_until,
                              char                **out_detail,
                              GError              **error)
{
  g_autofree char *actor = scm_enrollment_address_actor (request);
  g_autoptr(GString) locked_keys = g_string_new (NULL);
  g_autoptr(GDateTime) until = NULL;
  g_autofree char *when = NULL;
  gint64 locked_until = 0;

  *out_locked_until = 0;
  *out_detail = NULL;
  if (!check_attempts (store, keys, request->now, &locked_until, locked_keys, error))
    return FALSE;
  if (locked_until == 0)
    return TRUE;

  until = g_date_time_new_from_unix_local (locked_until);
  when = g_date_time_format (until, "%H:%M");
  scm_enrollment_audit (store, actor, action, object, SCM_AUDIT_FAILURE,
                        "%s refused: %s locked out until %s", what, locked_keys->str, when);
  *out_locked_until = locked_until;
  *out_detail = g_strdup_printf ("Too many attempts; try again after %s.", when);
  return TRUE;
}

gboolean
scm_enrollment_record_attempts (ScmStore   *store,
                                GPtrArray  *keys,
                                gboolean    success,
                                gint64      now,
                                GError    **error)
{
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);

      if (success ? !scm_store_record_success (store, key, now, error)
                  : !scm_store_record_failure (store, key, now, error))
        return FALSE;
    }
  return TRUE;
}

/* Forms, persons and accounts ------------------------------------------------------- */

/* The enabled form of @extension in *@out, NULL when there is none (or it
 * is disabled, or @extension is no valid extension): each route answers
 * that with its one not-found. FALSE only on a database error. */
gboolean
scm_enrollment_find_enabled_form (ScmStore    *store,
                                  const char  *extension,
                                  ScmForm    **out,
                                  GError     **error)
{
  g_autoptr(ScmForm) form = NULL;
  g_autoptr(GError) local_error = NULL;

  *out = NULL;
  if (extension != NULL && scm_validate_uri_extension (extension, NULL))
    form = scm_store_find_form_by_uri_extension (store, extension, &local_error);
  if (form == NULL && local_error != NULL
      && !g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (form != NULL && scm_form_get_enabled (form))
    *out = g_steal_pointer (&form);
  return TRUE;
}

/* The person registered with @email in *@out, NULL when there is none.
 * FALSE only on a database error. */
gboolean
scm_enrollment_find_person (ScmStore    *store,
                            const char  *email,
                            ScmPerson  **out,
                            GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  *out = scm_store_find_person_by_email (store, email, &local_error);
  if (*out == NULL && !g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Whether @account of @form is open to the registered @person: the form
 * is delegated to the account's organization, the person belongs to it,
 * and to the account's department when it has one. */
gboolean
scm_enrollment_account_reaches_person (ScmForm    *form,
                                       ScmAccount *account,
                                       ScmPerson  *person)
{
  gint64 organization_id = scm_account_get_organization_id (account);
  gint64 department_id = scm_account_get_department_id (account);

  return scm_account_get_form_id (account) == scm_form_get_id (form)
         && scm_form_is_delegated_to (form, organization_id)
         && scm_person_get_organization_id (person) == organization_id
         && (department_id == 0 || scm_person_get_department_id (person) == department_id);
}
