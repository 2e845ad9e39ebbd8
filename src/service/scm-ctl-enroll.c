/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enrollctl"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <openssl/crypto.h>

#include "scm-ctl-private.h"
#include "scm-enrollment-client.h"
#include "scm-error.h"
#include "scm-key.h"
#include "scm-pkcs12.h"
#include "scm-secret.h"
#include "scm-types.h"
#include "scm-x509.h"

/* `scm-enrollctl enroll URL …`: the enroll window's steps for scripts,
 * through ScmEnrollmentClient, waiting on the default main context. */

typedef char ScmCtlSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmCtlSecret, scm_secret_free)

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* Runs the main loop until the call that fills @slot ends. */
static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
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

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  return json_node_get_array (node);
}

static gboolean
array_has_string (JsonArray  *array,
                  const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
          && g_str_equal (json_node_get_string (node), value))
        return TRUE;
    }
  return FALSE;
}

static const char *
array_first_string (JsonArray *array)
{
  JsonNode *node;

  if (array == NULL || json_array_get_length (array) == 0)
    return NULL;
  node = json_array_get_element (array, 0);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The object of @array whose "name" is @name, or the first when @name is
 * NULL. */
static JsonObject *
find_named (JsonArray  *array,
            const char *name)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      if (name == NULL || g_strcmp0 (member_string (json_node_get_object (node), "name"), name) == 0)
        return json_node_get_object (node);
    }
  return NULL;
}

static char *
list_names (JsonArray *array)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *name = JSON_NODE_HOLDS_OBJECT (node)
        ? member_string (json_node_get_object (node), "name") : NULL;

      if (name != NULL)
        g_ptr_array_add (names, (char *) name);
    }
  g_ptr_array_add (names, NULL);
  return g_strjoinv (", ", (char **) names->pdata);
}

static GError *
server_error (const char *what)
{
  return g_error_new (SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_SERVER,
                      _("The enrollment server's answer lacks %s; ask your administrator"), what);
}

/* A PKCS#12 of the local @key_der and the issued certificate + chain. */
static GBytes *
package_local_key (GBytes               *key_der,
                   JsonObject           *issued,
                   const char           *email,
                   const char           *password,
                   ScmPkcs12Protection   protection,
                   GError              **error)
{
  const char *certificate_pem = member_string (issued, "certificate");
  JsonArray *chain = member_array (issued, "chain");
  g_autoptr(GBytes) certificate_der = NULL;
  g_autoptr(GPtrArray) chain_der = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  if (certificate_pem == NULL || chain == NULL)
    {
      g_propagate_error (error, server_error (_("the certificate")));
      return NULL;
    }
  certificate_der = scm_x509_pem_to_der (certificate_pem, strlen (certificate_pem), error);
  if (certificate_der == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (chain); i++)
    {
      const char *pem = json_array_get_string_element (chain, i);
      GBytes *der = pem != NULL ? scm_x509_pem_to_der (pem, strlen (pem), error) : NULL;

      if (der == NULL)
        {
          if (pem == NULL)
            g_propagate_error (error, server_error (_("the CA chain")));
          return NULL;
        }
      g_ptr_array_add (chain_der, der);
    }
  return scm_pkcs12_build (key_der, certificate_der, chain_der, email, password, protection, error);
}

int
scm_ctl_enroll (ScmCtl *ctl,
                int     argc,
                char  **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *email = NULL;
  g_autofree char *secret_id_file = NULL;
  g_autofree char *access_code_file = NULL;
  g_autofree char *profile_name = NULL;
  g_autofree char *key_type_name = NULL;
  g_autofree char *account_name = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *protection_name = NULL;
  g_autofree char *out = NULL;
  gboolean code_from_stdin = FALSE;
  gboolean local_key = FALSE;
  g_autoptr(ScmCtlSecret) secret_id = NULL;
  g_autoptr(ScmCtlSecret) access_code = NULL;
  g_autoptr(ScmCtlSecret) password = NULL;
  g_autoptr(ScmEnrollmentClient) client = NULL;
  g_autoptr(JsonObject) form = NULL;
  g_autoptr(JsonObject) signed_in = NULL;
  g_autoptr(JsonObject) authorized = NULL;
  g_autoptr(JsonObject) issued = NULL;
  g_autoptr(GBytes) key_der = NULL;
  g_autoptr(GBytes) p12 = NULL;
  g_autofree char *csr_pem = NULL;
  GAsyncResult *result = NULL;
  JsonObject *account;
  JsonObject *profile;
  JsonArray *key_types;
  const char *authorization;
  const char *authentication;
  const char *serial;
  ScmKeyType key_type = SCM_KEY_TYPE_EC_P256;
  ScmPkcs12Protection protection = SCM_PKCS12_AES256_SHA256;
  const GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("Enroll as EMAIL"), N_("EMAIL") },
    { "secret-id-file", 0, 0, G_OPTION_ARG_FILENAME, &secret_id_file,
      N_("Sign in with the Secret ID in FILE"), N_("FILE") },
    { "code-from-stdin", 0, 0, G_OPTION_ARG_NONE, &code_from_stdin,
      N_("Have a code mailed to EMAIL and read it from standard input"), NULL },
    { "access-code-file", 0, 0, G_OPTION_ARG_FILENAME, &access_code_file,
      N_("The account's access code is in FILE"), N_("FILE") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account_name,
      N_("Use the account NAME (default: the first offered)"), N_("NAME") },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name,
      N_("Use the certificate profile NAME (default: the first offered)"), N_("NAME") },
    { "key-type", 0, 0, G_OPTION_ARG_STRING, &key_type_name,
      N_("Key type: RSA-2048, RSA-3072, RSA-4096, EC-P256, EC-P384 (default: EC-P256 if allowed)"),
      N_("TYPE") },
    { "local-key", 0, 0, G_OPTION_ARG_NONE, &local_key,
      N_("Make the key here and send only a certificate request"), NULL },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Protect the PKCS#12 file with the password in FILE"), N_("FILE") },
    { "protection", 0, 0, G_OPTION_ARG_STRING, &protection_name,
      N_("PKCS#12 protection: AES256-SHA256 or TripleDES-SHA1 (default: the account's)"),
      N_("PROTECTION") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write the PKCS#12 file to FILE"),
      N_("FILE.p12") },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("URL"),
                              _("Get a certificate from an enrollment endpoint, as the enroll "
                                "window does, and save it as a PKCS#12 file. URL is the "
                                "enrollment link, https://HOST:PORT/enroll/FORM#sha256=PIN."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc < 2)
    return scm_ctl_usage_error (ctl, _("the enrollment link URL is required"));
  if (argc > 2)
    return scm_ctl_usage_error (ctl, _("unexpected argument “%s”"), argv[2]);
  if (email == NULL)
    return scm_ctl_usage_error (ctl, _("--email EMAIL is required"));
  if ((secret_id_file != NULL) == code_from_stdin)
    return scm_ctl_usage_error (ctl, _("give either --secret-id-file FILE or --code-from-stdin"));
  if (password_file == NULL)
    return scm_ctl_usage_error (ctl, _("--password-file FILE is required"));
  if (out == NULL)
    return scm_ctl_usage_error (ctl, _("--out FILE.p12 is required"));
  if (key_type_name != NULL && !scm_key_type_from_string (key_type_name, &key_type))
    return scm_ctl_usage_error (ctl, _("unknown key type “%s”; use RSA-2048, RSA-3072, RSA-4096, "
                                       "EC-P256 or EC-P384"), key_type_name);
  if (protection_name != NULL && !scm_pkcs12_protection_from_string (protection_name, &protection))
    return scm_ctl_usage_error (ctl, _("unknown protection “%s”; use AES256-SHA256 or "
                                       "TripleDES-SHA1"), protection_name);
  if (g_file_test (out, G_FILE_TEST_EXISTS))
    return scm_ctl_fail (ctl, g_error_new (G_FILE_ERROR, G_FILE_ERROR_EXIST,
                                           _("%s already exists; choose another file name or "
                                             "remove it first"), out));

  if (secret_id_file != NULL
      && (secret_id = scm_ctl_read_secret (secret_id_file, NULL, &error)) == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (access_code_file != NULL
      && (access_code = scm_ctl_read_secret (access_code_file, NULL, &error)) == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  password = scm_ctl_read_secret (password_file, NULL, &error);
  if (password == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!scm_pkcs12_check_password (password, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  client = scm_enrollment_client_new (argv[1], &error);
  if (client == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  /* The form says how to sign in: a wrong choice is caught before any
   * attempt counts against the person. */
  scm_enrollment_client_get_form_async (client, NULL, store_result_cb, &result);
  form = scm_enrollment_client_get_form_finish (client, wait_for (&result), &error);
  g_clear_object (&result);
  if (form == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  authentication = member_string (form, "authentication");
  if (g_strcmp0 (authentication, "email-confirmation") == 0 && !code_from_stdin)
    return scm_ctl_fail (ctl, g_error_new (SCM_ERROR, SCM_ERROR_INVALID,
                                           _("The form “%s” signs in with a mailed code; use "
                                             "--code-from-stdin"),
                                           member_string (form, "name")));
  if (g_strcmp0 (authentication, "secret-id") == 0 && code_from_stdin)
    return scm_ctl_fail (ctl, g_error_new (SCM_ERROR, SCM_ERROR_INVALID,
                                           _("The form “%s” signs in with a Secret ID; use "
                                             "--secret-id-file FILE"),
                                           member_string (form, "name")));

  if (code_from_stdin)
    {
      g_autofree char *confirmation_id = NULL;
      char buffer[256];

      scm_enrollment_client_request_confirmation_async (client, email, NULL, store_result_cb,
                                                        &result);
      confirmation_id = scm_enrollment_client_request_confirmation_finish (client,
                                                                           wait_for (&result),
                                                                           &error);
      g_clear_object (&result);
      if (confirmation_id == NULL)
        return scm_ctl_fail (ctl, g_steal_pointer (&error));
      g_printerr (_("A code was sent to %s; enter it:\n"), email);
      if (fgets (buffer, sizeof buffer, stdin) == NULL)
        return scm_ctl_fail (ctl, g_error_new (SCM_ERROR, SCM_ERROR_INVALID,
                                               _("No code was given on standard input")));
      buffer[strcspn (buffer, "\r\n")] = '\0';
      g_strstrip (buffer);
      scm_enrollment_client_create_session_email_async (client, confirmation_id, buffer, NULL,
                                                        store_result_cb, &result);
      OPENSSL_cleanse (buffer, sizeof buffer);
    }
  else
    scm_enrollment_client_create_session_secret_id_async (client, email, secret_id, NULL,
                                                          store_result_cb, &result);
  signed_in = scm_enrollment_client_create_session_finish (client, wait_for (&result), &error);
  g_clear_object (&result);
  if (signed_in == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  account = find_named (member_array (signed_in, "accounts"), account_name);
  if (account == NULL)
    {
      g_autofree char *names = list_names (member_array (signed_in, "accounts"));

      if (account_name == NULL)
        return scm_ctl_fail (ctl, g_error_new (SCM_ERROR, SCM_ERROR_NOT_FOUND,
                                               _("The form offers %s no account; ask your "
                                                 "administrator"), email));
      return scm_ctl_fail (ctl, g_error_new (SCM_ERROR, SCM_ERROR_NOT_FOUND,
                                             _("The form has no account “%s” for %s; choose one "
                                               "of: %s"), account_name, email, names));
    }
  authorization = member_string (account, "authorization");
  if (g_strcmp0 (authorization, "access-code") == 0 && access_code == NULL)
    return scm_ctl_fail (ctl, g_error_new (SCM_ERROR, SCM_ERROR_INVALID,
                                           _("The account “%s” needs an access code; give it "
                                             "with --access-code-file FILE"),
                                           member_string (account, "name")));
  if (g_strcmp0 (authorization, "secret-id") == 0 && secret_id == NULL)
    return scm_ctl_fail (ctl, g_error_new (SCM_ERROR, SCM_ERROR_INVALID,
                                           _("The account “%s” needs your Secret ID, which a "
                                             "mailed code cannot replace; use a Secret ID form"),
                                           member_string (account, "name")));

  scm_enrollment_client_authorize_account_async (client, json_object_get_int_member (account, "id"),
                                                 g_strcmp0 (authorization, "access-code") == 0
                                                 ? access_code : NULL,
                                                 g_strcmp0 (authorization, "secret-id") == 0
                                                 ? secret_id : NULL,
                                                 NULL, store_result_cb, &result);
  authorized = scm_enrollment_client_authorize_account_finish (client, wait_for (&result), &error);
  g_clear_object (&result);
  if (authorized == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  profile = find_named (member_array (authorized, "profiles"), profile_name);
  if (profile == NULL)
    {
      g_autofree char *names = list_names (member_array (authorized, "profiles"));

      return scm_ctl_fail (ctl, g_error_new (SCM_ERROR, SCM_ERROR_NOT_FOUND,
                                             _("The account offers no profile “%s”; choose one "
                                               "of: %s"),
                                             profile_name != NULL ? profile_name : "", names));
    }
  key_types = member_array (profile, "key_types");
  if (key_type_name == NULL && !array_has_string (key_types, "EC-P256"))
    {
      const char *first = array_first_string (key_types);

      if (first == NULL || !scm_key_type_from_string (first, &key_type))
        return scm_ctl_fail (ctl, server_error (_("the profile's key types")));
    }
  if (protection_name == NULL)
    {
      const char *offered = array_first_string (member_array (authorized, "pkcs12"));

      if (offered != NULL && !scm_pkcs12_protection_from_string (offered, &protection))
        return scm_ctl_fail (ctl, server_error (_("a known PKCS#12 protection")));
    }

  if (local_key)
    {
      if (!array_has_string (member_array (authorized, "csr_methods"), "client"))
        return scm_ctl_fail (ctl, g_error_new (SCM_ERROR, SCM_ERROR_POLICY,
                                               _("The account “%s” makes keys on the server only; "
                                                 "leave out --local-key"),
                                               member_string (account, "name")));
      key_der = scm_key_generate (key_type, &error);
      if (key_der != NULL)
        {
          g_autoptr(GBytes) csr = scm_csr_create (key_der, email, &error);

          if (csr != NULL)
            csr_pem = g_strndup (g_bytes_get_data (csr, NULL), g_bytes_get_size (csr));
        }
      if (csr_pem == NULL)
        return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  scm_enrollment_client_request_certificate_async (client,
                                                   json_object_get_int_member (account, "id"),
                                                   json_object_get_int_member (profile, "id"), 0,
                                                   scm_key_type_to_string (key_type), csr_pem,
                                                   local_key ? NULL : password,
                                                   local_key ? NULL
                                                   : scm_pkcs12_protection_to_string (protection),
                                                   NULL, store_result_cb, &result);
  issued = scm_enrollment_client_request_certificate_finish (client, wait_for (&result), &error);
  g_clear_object (&result);
  if (issued == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  serial = member_string (issued, "serial");

  if (local_key)
    p12 = package_local_key (key_der, issued, email, password, protection, &error);
  else
    {
      const char *encoded = member_string (issued, "pkcs12");
      gsize len = 0;
      guchar *data;

      if (encoded == NULL)
        return scm_ctl_fail (ctl, server_error (_("the PKCS#12 file")));
      data = g_base64_decode (encoded, &len);
      p12 = g_bytes_new_take (data, len);
    }
  if (p12 == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!scm_ctl_write_new_file (out, p12, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  g_print (_("Issued certificate %s\n"), serial != NULL ? serial : "?");
  g_print (_("Saved %s\n"), out);
  return SCM_CTL_EXIT_OK;
}
