/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-service"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "scm-authority.h"
#include "scm-enrollment-policy.h"
#include "scm-error.h"
#include "scm-est.h"
#include "scm-key.h"
#include "scm-secret.h"
#include "scm-validate.h"

#define TEXT_TYPE "text/plain; charset=utf-8"
#define PKCS7_TYPE "application/pkcs7-mime; smime-type=certs-only"
#define PKCS10_TYPE "application/pkcs10"
/* '_' is not in the base64 alphabet, so no part can contain it. */
#define BOUNDARY "scm_est_boundary"

#define CREDENTIALS_DETAIL \
  "The user name and password were not accepted; use your email and your Secret ID or " \
  "access code, and try again.\n"

#define AUDIT_EST_AUTHENTICATE "est.authenticate"
#define AUDIT_EST_REQUEST "est.request"

/* Responses ----------------------------------------------------------------------- */

/* RFC 7030 leaves error bodies free; plain text reads well in a terminal. */
static ScmApiResponse *
text_response (guint       status,
               const char *detail)
{
  g_autofree char *text = g_str_has_suffix (detail, "\n") ? g_strdup (detail)
                                                           : g_strconcat (detail, "\n", NULL);
  gsize len = strlen (text);

  return scm_api_response_new (status, TEXT_TYPE, g_bytes_new_take (g_steal_pointer (&text), len));
}

static ScmApiResponse *
credentials_refused (void)
{
  ScmApiResponse *response = text_response (SOUP_STATUS_UNAUTHORIZED, CREDENTIALS_DETAIL);

  scm_api_response_add_header (response, "WWW-Authenticate", "Basic realm=\"" SCM_EST_REALM "\"");
  return response;
}

/* DER, by hand: the few fixed structures of a certs-only SignedData need
 * no ASN.1 library. */
static void
append_length (GByteArray *out,
               gsize       len)
{
  guint8 bytes[sizeof (gsize)];
  guint n = 0;

  if (len < 0x80)
    {
      guint8 byte = (guint8) len;

      g_byte_array_append (out, &byte, 1);
      return;
    }
  for (gsize rest = len; rest > 0; rest >>= 8)
    bytes[n++] = (guint8) (rest & 0xff);
  {
    guint8 first = 0x80 | (guint8) n;

    g_byte_array_append (out, &first, 1);
  }
  while (n > 0)
    g_byte_array_append (out, &bytes[--n], 1);
}

static void
append_tlv (GByteArray   *out,
            guint8        tag,
            const guint8 *data,
            gsize         len)
{
  g_byte_array_append (out, &tag, 1);
  append_length (out, len);
  if (len > 0)
    g_byte_array_append (out, data, (guint) len);
}

GBytes *
scm_est_certs_only (GPtrArray *certificates)
{
  /* id-signedData and id-data, 1.2.840.113549.1.7.2 and .1 */
  static const guint8 oid_signed_data[] = {
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02
  };
  static const guint8 oid_data[] = {
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01
  };
  static const guint8 version_1[] = { 0x02, 0x01, 0x01 };
  static const guint8 empty_set[] = { 0x31, 0x00 };
  g_autoptr(GByteArray) certs = g_byte_array_new ();
  g_autoptr(GByteArray) signed_data = g_byte_array_new ();
  g_autoptr(GByteArray) sequence = g_byte_array_new ();
  g_autoptr(GByteArray) content = g_byte_array_new ();
  GByteArray *info = g_byte_array_new ();

  g_return_val_if_fail (certificates != NULL, NULL);

  for (guint i = 0; i < certificates->len; i++)
    {
      gsize len = 0;
      const guint8 *der = g_bytes_get_data (g_ptr_array_index (certificates, i), &len);

      g_byte_array_append (certs, der, (guint) len);
    }

  /* SignedData: version 1, no digest algorithms, content type data with
   * no content, [0] IMPLICIT certificates, no signers. */
  g_byte_array_append (signed_data, version_1, sizeof version_1);
  g_byte_array_append (signed_data, empty_set, sizeof empty_set);
  append_tlv (signed_data, 0x30, oid_data, sizeof oid_data);
  append_tlv (signed_data, 0xa0, certs->data, certs->len);
  g_byte_array_append (signed_data, empty_set, sizeof empty_set);
  append_tlv (sequence, 0x30, signed_data->data, signed_data->len);

  /* ContentInfo: id-signedData, [0] EXPLICIT SignedData. */
  g_byte_array_append (content, oid_signed_data, sizeof oid_signed_data);
  append_tlv (content, 0xa0, sequence->data, sequence->len);
  append_tlv (info, 0x30, content->data, content->len);
  return g_byte_array_free_to_bytes (info);
}

/* Base64 on one line: strongSwan refuses wrapped base64. */
static GBytes *
encode_base64 (GBytes *der)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (der, &len);
  char *text = g_base64_encode (data, len);

  return g_bytes_new_take (text, strlen (text));
}

static ScmApiResponse *
certs_only_response (GPtrArray *certificates)
{
  g_autoptr(GBytes) der = scm_est_certs_only (certificates);
  ScmApiResponse *response = scm_api_response_new (SOUP_STATUS_OK, PKCS7_TYPE, encode_base64 (der));

  scm_api_response_add_header (response, "Content-Transfer-Encoding", "base64");
  return response;
}

/* Forms ------------------------------------------------------------------------------- */

/* The enabled form of the label @segment, or of est.default-form for the
 * label-less paths; the one 404 otherwise. */
static ScmForm *
find_est_form (ScmStore         *store,
               const char       *segment,
               ScmApiResponse  **response,
               GError          **error)
{
  g_autofree char *extension = NULL;
  ScmForm *form = NULL;

  if (segment != NULL)
    extension = g_strdup (segment);
  else
    extension = scm_store_get_setting (store, "est.default-form");

  if (!scm_enrollment_find_enabled_form (store, extension, &form, error))
    return NULL;
  if (form == NULL)
    *response = text_response (SOUP_STATUS_NOT_FOUND,
                               segment != NULL
                               ? "No enrollment form has this EST label; check the URL, or "
                                 "ask your administrator."
                               : "This endpoint has no default EST form; add the form's "
                                 "label to the URL (/.well-known/est/LABEL/…), or ask your "
                                 "administrator to set est.default-form.");
  return form;
}

ScmApiResponse *
scm_est_cacerts (ScmAuthority        *authority,
                 const ScmApiRequest *request,
                 GError             **error)
{
  ScmApiResponse *response = NULL;
  g_autoptr(ScmForm) form = NULL;
  g_autoptr(GPtrArray) chain = NULL;

  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  /* Only for forms that exist, so that a wrong label is noticed early. */
  form = find_est_form (scm_authority_get_store (authority), request->segment, &response, error);
  if (form == NULL)
    return response;
  chain = scm_ca_get_chain (scm_authority_get_ca (authority));
  return certs_only_response (chain);
}

/* Attempt counters ---------------------------------------------------------------------- */

/* A 429 in *@response when one of @keys is locked, audited. FALSE only
 * on a database error. */
static gboolean
refuse_if_locked (ScmStore             *store,
                  const ScmApiRequest  *request,
                  GPtrArray            *keys,
                  const char           *email,
                  ScmApiResponse      **response,
                  GError              **error)
{
  g_autofree char *detail = NULL;
  g_autofree char *seconds = NULL;
  gint64 locked_until = 0;

  /* The JSON flow's counters, so that neither route gives more tries. */
  if (!scm_enrollment_check_lockout (store, request, keys, AUDIT_EST_AUTHENTICATE, email,
                                     "EST sign-in", &locked_until, &detail, error))
    return FALSE;
  if (detail == NULL)
    return TRUE;

  seconds = g_strdup_printf ("%" G_GINT64_FORMAT, MAX (locked_until - request->now, 1));
  /* 429 Too Many Requests, which libsoup 3.2 has no name for. */
  *response = text_response (429, detail);
  scm_api_response_add_header (*response, "Retry-After", seconds);
  return TRUE;
}

/* Authentication -------------------------------------------------------------------------- */

/* The user name and password of an "Authorization: Basic" header; FALSE
 * when there is none or it cannot be read. */
static gboolean
parse_basic (const char  *header,
             char       **out_user,
             char       **out_password)
{
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  char *colon;
  gboolean ok;

  if (header == NULL || g_ascii_strncasecmp (header, "Basic ", strlen ("Basic ")) != 0)
    return FALSE;
  decoded = g_base64_decode (header + strlen ("Basic "), &len);
  if (decoded == NULL || len == 0)
    return FALSE;
  text = g_strndup ((const char *) decoded, len);
  memset (decoded, 0, len);
  colon = strchr (text, ':');
  ok = colon != NULL && strlen (text) == len && g_utf8_validate (text, -1, NULL);
  if (ok)
    {
      *out_user = g_strndup (text, colon - text);
      *out_password = g_strdup (colon + 1);
    }
  scm_secret_free (g_steal_pointer (&text));
  return ok;
}

/* Who asks, once the credentials are checked. */
typedef struct
{
  ScmForm *form;
  ScmPerson *person;
  char *email;
  GPtrArray *accounts;      /* the accounts the credentials open, store order */
} Caller;

static void
caller_clear (Caller *caller)
{
  g_clear_object (&caller->form);
  g_clear_object (&caller->person);
  g_clear_pointer (&caller->email, g_free);
  g_clear_pointer (&caller->accounts, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Caller, caller_clear)

/* The accounts @password opens for @caller's person, into
 * @caller->accounts; *@reason says why none when it stays empty. FALSE
 * only on a database error. */
static gboolean
find_authorized_accounts (ScmStore    *store,
                          Caller      *caller,
                          const char  *password,
                          char       **reason,
                          GError     **error)
{
  g_autoptr(GPtrArray) accounts = NULL;
  gboolean secret_form = scm_form_get_authentication (caller->form)
                         == SCM_AUTHENTICATION_SECRET_ID;
  gboolean secret_ok;
  gboolean any_reachable = FALSE;

  caller->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  accounts = scm_store_list_accounts (store, scm_form_get_id (caller->form), error);
  if (accounts == NULL)
    return FALSE;

  secret_ok = scm_store_verify_person_secret_id (store, caller->email, password);
  for (guint i = 0; i < accounts->len; i++)
    {
      ScmAccount *account = g_ptr_array_index (accounts, i);
      ScmAuthorization authorization = scm_account_get_authorization (account);
      gboolean opens;

      if (!scm_enrollment_account_reaches_person (caller->form, account, caller->person))
        continue;
      any_reachable = TRUE;
      if (secret_ok)
        opens = authorization == SCM_AUTHORIZATION_SECRET_ID
                || (secret_form && authorization == SCM_AUTHORIZATION_NONE);
      else
        opens = authorization == SCM_AUTHORIZATION_ACCESS_CODE
                && scm_store_verify_access_code (store, scm_account_get_id (account), password);
      if (opens)
        g_ptr_array_add (caller->accounts, g_object_ref (account));
    }

  if (caller->accounts->len == 0)
    {
      if (!any_reachable)
        *reason = g_strdup_printf ("no account of form “%s” is open to the person",
                                   scm_form_get_name (caller->form));
      else if (secret_ok)
        *reason = g_strdup_printf ("the Secret ID is right, but no account of form “%s” "
                                   "open to the person takes it over EST (only access codes)",
                                   scm_form_get_name (caller->form));
      else if (!scm_person_get_has_secret_id (caller->person))
        *reason = g_strdup ("neither an access code of the person's accounts nor a Secret ID "
                            "(the person has none)");
      else
        *reason = g_strdup ("neither the person's Secret ID nor an access code of their "
                            "accounts");
    }
  return TRUE;
}

/* Checks the Basic credentials of @request against @caller->form: on
 * success fills @caller; otherwise the refusal is *@response. FALSE only
 * on a database error. */
static gboolean
authenticate (ScmStore             *store,
              const ScmApiRequest  *request,
              Caller               *caller,
              ScmApiResponse      **response,
              GError              **error)
{
  g_autofree char *user = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *actor = scm_enrollment_address_actor (request);
  g_autoptr(GPtrArray) keys = NULL;
  char *password = NULL;
  gboolean ok = TRUE;

  *response = NULL;
  if (!parse_basic (request->authorization, &user, &password))
    {
      /* The usual first request of a client: no audit. */
      *response = credentials_refused ();
      return TRUE;
    }

  if (!scm_validate_email (user, &caller->email, NULL))
    {
      scm_enrollment_audit (store, actor, AUDIT_EST_AUTHENTICATE, NULL, SCM_AUDIT_FAILURE,
                            "EST sign-in on form “%s” refused: the user name is not an email "
                            "address",
                            scm_form_get_name (caller->form));
      keys = scm_enrollment_attempt_keys (request, "", NULL);
      ok = scm_enrollment_record_attempts (store, keys, FALSE, request->now, error);
      *response = credentials_refused ();
      goto out;
    }

  keys = scm_enrollment_attempt_keys (request, "", caller->email);
  if (!refuse_if_locked (store, request, keys, caller->email, response, error))
    {
      ok = FALSE;
      goto out;
    }
  if (*response != NULL)
    goto out;

  if (!scm_enrollment_find_person (store, caller->email, &caller->person, error))
    {
      ok = FALSE;
      goto out;
    }
  if (caller->person == NULL)
    {
      /* The same slow hash as for a person, so that timing does not
       * tell which emails are registered. */
      scm_store_verify_person_secret_id (store, caller->email, password);
      reason = g_strdup ("no registered person has this email");
    }
  else if (!find_authorized_accounts (store, caller, password, &reason, error))
    {
      ok = FALSE;
      goto out;
    }

  if (reason != NULL)
    {
      scm_enrollment_audit (store, actor, AUDIT_EST_AUTHENTICATE, caller->email, SCM_AUDIT_FAILURE,
                            "EST sign-in on form “%s” refused: %s",
                            scm_form_get_name (caller->form), reason);
      ok = scm_enrollment_record_attempts (store, keys, FALSE, request->now, error);
      *response = credentials_refused ();
      goto out;
    }
  ok = scm_enrollment_record_attempts (store, keys, TRUE, request->now, error);

out:
  scm_secret_free (password);
  return ok;
}

/* Enrollment -------------------------------------------------------------------------------- */

static ScmApiResponse *
refuse_request (ScmStore   *store,
                Caller     *caller,
                guint       status,
                const char *detail)
{
  g_autofree char *actor = g_strconcat ("email:", caller->email, NULL);

  scm_enrollment_audit (store, actor, AUDIT_EST_REQUEST, caller->email, SCM_AUDIT_FAILURE,
                        "EST certificate request on form “%s” refused: %s",
                        scm_form_get_name (caller->form), detail);
  return text_response (status, detail);
}

static gboolean
is_pkcs10_type (const char *content_type)
{
  g_autofree char *mime = NULL;
  const char *semicolon;

  /* Some clients send none; the body says what it is anyway. */
  if (content_type == NULL)
    return TRUE;
  semicolon = strchr (content_type, ';');
  mime = g_strstrip (semicolon != NULL ? g_strndup (content_type, semicolon - content_type)
                                       : g_strdup (content_type));
  return g_ascii_strcasecmp (mime, PKCS10_TYPE) == 0;
}

/* The CSR of the body: base64 DER as RFC 7030 says, PEM tolerated. */
static GBytes *
decode_csr (GBytes *body)
{
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  g_autofree char *text = NULL;
  guchar *der;
  gsize der_len = 0;

  if (len == 0)
    return NULL;
  text = g_strndup (data, len);
  if (strstr (text, "-----BEGIN") != NULL)
    return g_bytes_new (data, len);
  der = g_base64_decode (g_strstrip (text), &der_len);
  if (der_len == 0)
    {
      g_free (der);
      return NULL;
    }
  return g_bytes_new_take (der, der_len);
}

/* The first account and profile of @caller that take the method and a
 * key of @type (when @has_type), in *@out_account / *@out_profile; for @server_key, a profile
 * without @type gives its first key type in *@out_type. FALSE only on a
 * database error; NULL accounts when none fits. */
static gboolean
choose_profile (ScmStore     *store,
                Caller       *caller,
                gboolean      server_key,
                gboolean      has_type,
                ScmKeyType    type,
                ScmAccount  **out_account,
                ScmProfile  **out_profile,
                ScmKeyType   *out_type,
                GError      **error)
{
  ScmCsrMethod wanted = server_key ? SCM_CSR_METHOD_SERVER
                                   : SCM_CSR_METHOD_CLIENT | SCM_CSR_METHOD_PROVIDED;

  *out_account = NULL;
  *out_profile = NULL;
  *out_type = type;
  for (guint pass = 0; pass < (server_key ? 2 : 1); pass++)
    for (guint i = 0; i < caller->accounts->len; i++)
      {
        ScmAccount *account = g_ptr_array_index (caller->accounts, i);
        GArray *ids = scm_account_get_profile_ids (account);

        if (!(scm_account_get_csr_methods (account) & wanted))
          continue;
        for (guint j = 0; ids != NULL && j < ids->len; j++)
          {
            g_autoptr(ScmProfile) profile = scm_store_get_profile (store,
                                                                   g_array_index (ids, gint64, j),
                                                                   error);
            GArray *types;

            if (profile == NULL)
              return FALSE;
            types = scm_profile_get_key_types (profile);
            /* The second pass: the server picks the profile's own type. */
            if (pass == 0 ? !has_type || !scm_profile_allows_key_type (profile, type)
                          : types == NULL || types->len == 0)
              continue;
            if (pass == 1)
              *out_type = g_array_index (types, ScmKeyType, 0);
            *out_account = g_object_ref (account);
            *out_profile = g_steal_pointer (&profile);
            return TRUE;
          }
      }
  return TRUE;
}

static ScmApiResponse *
refuse_issuance (ScmStore  *store,
                 Caller    *caller,
                 GError   **error)
{
  guint status;

  if ((*error)->domain != SCM_ERROR)
    return NULL;
  switch ((*error)->code)
    {
    case SCM_ERROR_INVALID:
      status = SOUP_STATUS_BAD_REQUEST;
      break;
    case SCM_ERROR_POLICY:
    case SCM_ERROR_NOT_DELEGATED:
    case SCM_ERROR_NOT_VALIDATED:
    case SCM_ERROR_NOT_FOUND:
      status = SOUP_STATUS_FORBIDDEN;
      break;
    default:
      return NULL;
    }
  {
    g_autoptr(GError) refusal = g_steal_pointer (error);

    return refuse_request (store, caller, status, refusal->message);
  }
}

static ScmApiResponse *
serverkeygen_response (GBytes *key_der,
                       GBytes *certificate_der)
{
  g_autoptr(GPtrArray) certificates = g_ptr_array_new ();
  g_autoptr(GBytes) pkcs7 = NULL;
  g_autoptr(GBytes) key_text = encode_base64 (key_der);
  g_autoptr(GBytes) pkcs7_text = NULL;
  GString *body = g_string_new (NULL);
  ScmApiResponse *response;

  g_ptr_array_add (certificates, certificate_der);
  pkcs7 = scm_est_certs_only (certificates);
  pkcs7_text = encode_base64 (pkcs7);

  /* RFC 7030 4.4.2: the key first, then the certificate. */
  g_string_append (body,
                   "--" BOUNDARY "\r\n"
                   "Content-Type: application/pkcs8\r\n"
                   "Content-Transfer-Encoding: base64\r\n"
                   "\r\n");
  g_string_append_len (body, g_bytes_get_data (key_text, NULL), g_bytes_get_size (key_text));
  g_string_append (body,
                   "\r\n--" BOUNDARY "\r\n"
                   "Content-Type: " PKCS7_TYPE "\r\n"
                   "Content-Transfer-Encoding: base64\r\n"
                   "\r\n");
  g_string_append_len (body, g_bytes_get_data (pkcs7_text, NULL), g_bytes_get_size (pkcs7_text));
  g_string_append (body, "\r\n--" BOUNDARY "--\r\n");

  response = scm_api_response_new (SOUP_STATUS_OK, "multipart/mixed; boundary=" BOUNDARY,
                                   g_string_free_to_bytes (body));
  return response;
}

static ScmApiResponse *
enroll (ScmAuthority        *authority,
        const ScmApiRequest *request,
        gboolean             server_key,
        GError             **error)
{
  ScmStore *store = scm_authority_get_store (authority);
  ScmApiResponse *response = NULL;
  g_auto(Caller) caller = { 0 };
  g_autoptr(GBytes) csr = NULL;
  g_autoptr(GBytes) spki = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) own_csr = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(ScmAccount) account = NULL;
  g_autoptr(ScmProfile) profile = NULL;
  g_autoptr(ScmIssueResult) result = NULL;
  ScmIssueRequest issue = { 0 };
  ScmKeyType csr_type = 0;
  ScmKeyType key_type = 0;
  gboolean has_type = TRUE;

  caller.form = find_est_form (store, request->segment, &response, error);
  if (caller.form == NULL)
    return response;
  if (!is_pkcs10_type (request->content_type))
    return text_response (SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                          "Send the certificate request as application/pkcs10 (base64 DER).");

  if (!authenticate (store, request, &caller, &response, error))
    return NULL;
  if (response != NULL)
    return response;

  csr = decode_csr (request->body);
  if (csr == NULL)
    return refuse_request (store, &caller, SOUP_STATUS_BAD_REQUEST,
                           "The request has no certificate request; send a PKCS#10 request "
                           "in base64.");
  spki = scm_csr_parse (g_bytes_get_data (csr, NULL), g_bytes_get_size (csr), &csr_type,
                        &local_error);
  if (spki == NULL)
    {
      g_autofree char *detail = g_strdup_printf ("The certificate request was refused: %s",
                                                 local_error->message);

      /* A key we never sign is policy (unless the server makes the key);
       * anything unreadable is a bad request. */
      if (!g_error_matches (local_error, SCM_ERROR, SCM_ERROR_POLICY) || !server_key)
        return refuse_request (store, &caller,
                               g_error_matches (local_error, SCM_ERROR, SCM_ERROR_POLICY)
                               ? SOUP_STATUS_FORBIDDEN : SOUP_STATUS_BAD_REQUEST, detail);
      g_clear_error (&local_error);
      has_type = FALSE;
    }

  if (!choose_profile (store, &caller, server_key, has_type, csr_type, &account, &profile,
                       &key_type, error))
    return NULL;
  if (account == NULL)
    {
      g_autofree char *detail = NULL;

      if (server_key)
        detail = g_strdup ("None of your accounts on this form lets the server make the key; "
                           "send your own certificate request to simpleenroll.");
      else
        detail = g_strdup_printf ("None of your accounts on this form takes a certificate "
                                  "request with a %s key; use another key type, or "
                                  "serverkeygen if your account lets the server make keys.",
                                  scm_key_type_to_string (csr_type));
      return refuse_request (store, &caller, SOUP_STATUS_FORBIDDEN, detail);
    }

  if (server_key)
    {
      /* The key is ours to make: a CSR signed with it carries it to the
       * authority, whatever the client's CSR held. */
      key = scm_key_generate (key_type, error);
      if (key == NULL)
        return NULL;
      own_csr = scm_csr_create (key, caller.email, error);
      if (own_csr == NULL)
        return NULL;
      issue.csr = own_csr;
    }
  else
    issue.csr = csr;

  issue.person = caller.person;
  issue.profile = profile;
  issue.form_id = scm_form_get_id (caller.form);
  issue.account_id = scm_account_get_id (account);
  issue.requested_via = SCM_REQUESTED_VIA_EST;
  result = scm_authority_issue (authority, &issue, NULL, &local_error);
  if (result == NULL)
    {
      response = refuse_issuance (store, &caller, &local_error);
      if (response == NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return response;
    }

  if (server_key)
    return serverkeygen_response (key, result->certificate_der);
  {
    g_autoptr(GPtrArray) certificates = g_ptr_array_new ();

    g_ptr_array_add (certificates, result->certificate_der);
    return certs_only_response (certificates);
  }
}

ScmApiResponse *
scm_est_simpleenroll (ScmAuthority        *authority,
                      const ScmApiRequest *request,
                      GError             **error)
{
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  return enroll (authority, request, FALSE, error);
}

/* Renewal ----------------------------------------------------------------------------------- */

#define RENEW_CERTIFICATE_DETAIL \
  "Renewing needs your current certificate: present it and its key as the TLS client " \
  "certificate (for strongSwan: pki --est --cert CERT --key KEY).\n"

/* The account and profile the renewal is issued under: the renewed
 * certificate's when this form still offers them for a key of @type,
 * else the first that fits among the form's accounts open to the person. */
static gboolean
choose_renewal_profile (ScmStore        *store,
                        Caller          *caller,
                        ScmCertificate  *renewed,
                        ScmKeyType       type,
                        ScmAccount     **out_account,
                        ScmProfile     **out_profile,
                        GError         **error)
{
  g_autoptr(GPtrArray) accounts = scm_store_list_accounts (store, scm_form_get_id (caller->form),
                                                           error);
  ScmKeyType chosen_type;

  if (accounts == NULL)
    return FALSE;
  caller->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < accounts->len; i++)
    {
      ScmAccount *account = g_ptr_array_index (accounts, i);

      if (!scm_enrollment_account_reaches_person (caller->form, account, caller->person))
        continue;
      /* The renewed certificate's account goes first. */
      if (scm_account_get_id (account) == scm_certificate_get_account_id (renewed))
        g_ptr_array_insert (caller->accounts, 0, g_object_ref (account));
      else
        g_ptr_array_add (caller->accounts, g_object_ref (account));
    }

  if (caller->accounts->len > 0)
    {
      ScmAccount *first = g_ptr_array_index (caller->accounts, 0);
      GArray *ids = scm_account_get_profile_ids (first);

      for (guint j = 0; ids != NULL && j < ids->len
                        && scm_account_get_id (first) == scm_certificate_get_account_id (renewed); j++)
        if (g_array_index (ids, gint64, j) == scm_certificate_get_profile_id (renewed)
            && (scm_account_get_csr_methods (first) & (SCM_CSR_METHOD_CLIENT | SCM_CSR_METHOD_PROVIDED)))
          {
            g_autoptr(ScmProfile) profile = scm_store_get_profile (store, g_array_index (ids, gint64, j),
                                                                   error);

            if (profile == NULL)
              return FALSE;
            if (scm_profile_allows_key_type (profile, type))
              {
                *out_account = g_object_ref (first);
                *out_profile = g_steal_pointer (&profile);
                return TRUE;
              }
          }
    }
  return choose_profile (store, caller, FALSE, TRUE, type, out_account, out_profile, &chosen_type,
                         error);
}

ScmApiResponse *
scm_est_simplereenroll (ScmAuthority        *authority,
                        const ScmApiRequest *request,
                        GError             **error)
{
  ScmStore *store;
  ScmApiResponse *response = NULL;
  g_auto(Caller) caller = { 0 };
  g_autoptr(ScmCertificate) renewed = NULL;
  g_autoptr(GBytes) csr = NULL;
  g_autoptr(GBytes) spki = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(ScmAccount) account = NULL;
  g_autoptr(ScmProfile) profile = NULL;
  g_autoptr(ScmIssueResult) result = NULL;
  g_autofree char *actor = NULL;
  ScmIssueRequest issue = { 0 };
  ScmKeyType csr_type = 0;

  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  store = scm_authority_get_store (authority);
  caller.form = find_est_form (store, request->segment, &response, error);
  if (caller.form == NULL)
    return response;
  if (!is_pkcs10_type (request->content_type))
    return text_response (SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                          "Send the certificate request as application/pkcs10 (base64 DER).");
  if (request->client_certificate == NULL)
    return text_response (SOUP_STATUS_UNAUTHORIZED, RENEW_CERTIFICATE_DETAIL);

  /* The address's counter: presenting certificates that are not ours
   * counts as failed sign-ins like wrong Secret IDs do. */
  keys = scm_enrollment_attempt_keys (request, "", NULL);
  if (!refuse_if_locked (store, request, keys, NULL, &response, error))
    return NULL;
  if (response != NULL)
    return response;

  actor = scm_enrollment_address_actor (request);
  renewed = scm_authority_find_presented_certificate (authority, request->client_certificate,
                                                      request->now, &local_error);
  if (renewed == NULL)
    {
      if (local_error->domain != SCM_ERROR)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      scm_enrollment_audit (store, actor, AUDIT_EST_AUTHENTICATE, NULL, SCM_AUDIT_FAILURE,
                            "EST renewal on form “%s” refused: %s",
                            scm_form_get_name (caller.form), local_error->message);
      if (!scm_enrollment_record_attempts (store, keys, FALSE, request->now, error))
        return NULL;
      /* Ours but revoked or expired: its holder may know why. */
      if (g_error_matches (local_error, SCM_ERROR, SCM_ERROR_POLICY))
        return text_response (SOUP_STATUS_FORBIDDEN, local_error->message);
      return text_response (SOUP_STATUS_UNAUTHORIZED, RENEW_CERTIFICATE_DETAIL);
    }
  if (!scm_enrollment_record_attempts (store, keys, TRUE, request->now, error))
    return NULL;

  caller.person = scm_store_get_person (store, scm_certificate_get_person_id (renewed), error);
  if (caller.person == NULL)
    return NULL;
  caller.email = g_strdup (scm_person_get_email (caller.person));
  if (scm_person_get_deleted_at (caller.person) != 0)
    return refuse_request (store, &caller, SOUP_STATUS_FORBIDDEN,
                           "This person was deleted and can no longer renew certificates.");

  csr = decode_csr (request->body);
  if (csr == NULL)
    return refuse_request (store, &caller, SOUP_STATUS_BAD_REQUEST,
                           "The request has no certificate request; send a PKCS#10 request "
                           "in base64.");
  spki = scm_csr_parse (g_bytes_get_data (csr, NULL), g_bytes_get_size (csr), &csr_type,
                        &local_error);
  if (spki == NULL || !scm_authority_check_new_key (renewed, csr, &local_error))
    {
      g_autofree char *detail = g_strdup_printf ("The certificate request was refused: %s",
                                                 local_error->message);

      return refuse_request (store, &caller,
                             g_error_matches (local_error, SCM_ERROR, SCM_ERROR_POLICY)
                             ? SOUP_STATUS_FORBIDDEN : SOUP_STATUS_BAD_REQUEST, detail);
    }

  if (!choose_renewal_profile (store, &caller, renewed, csr_type, &account, &profile, error))
    return NULL;
  if (account == NULL)
    {
      g_autofree char *detail = g_strdup_printf ("No account of this form open to you takes a "
                                                 "certificate request with a %s key; use another "
                                                 "key type, or ask your administrator.",
                                                 scm_key_type_to_string (csr_type));

      return refuse_request (store, &caller, SOUP_STATUS_FORBIDDEN, detail);
    }

  issue.person = caller.person;
  issue.profile = profile;
  issue.csr = csr;
  issue.form_id = scm_form_get_id (caller.form);
  issue.account_id = scm_account_get_id (account);
  issue.requested_via = SCM_REQUESTED_VIA_EST;
  issue.renews_certificate_id = scm_certificate_get_id (renewed);
  result = scm_authority_issue (authority, &issue, NULL, &local_error);
  if (result == NULL)
    {
      response = refuse_issuance (store, &caller, &local_error);
      if (response == NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return response;
    }
  {
    g_autoptr(GPtrArray) certificates = g_ptr_array_new ();

    g_ptr_array_add (certificates, result->certificate_der);
    return certs_only_response (certificates);
  }
}

ScmApiResponse *
scm_est_serverkeygen (ScmAuthority        *authority,
                      const ScmApiRequest *request,
                      GError             **error)
{
  g_return_val_if_fail (SCM_IS_AUTHORITY (authority), NULL);
  g_return_val_if_fail (request != NULL, NULL);

  return enroll (authority, request, TRUE, error);
}
