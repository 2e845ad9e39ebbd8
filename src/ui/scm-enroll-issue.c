/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scm-enroll-issue.h"
#include "scm-enroll-util.h"
#include "scm-key.h"
#include "scm-pkcs12.h"
#include "scm-secret.h"
#include "scm-x509.h"

ScmEnrollRequest *
scm_enroll_request_new (void)
{
  ScmEnrollRequest *request = g_new0 (ScmEnrollRequest, 1);

  request->method = SCM_CSR_METHOD_SERVER;
  request->key_type = SCM_KEY_TYPE_EC_P256;
  request->protection = SCM_PKCS12_AES256_SHA256;
  return request;
}

static ScmEnrollRequest *
request_copy (const ScmEnrollRequest *request)
{
  ScmEnrollRequest *copy = g_memdup2 (request, sizeof *request);

  copy->email = g_strdup (request->email);
  copy->password = g_strdup (request->password);
  copy->csr_pem = g_strdup (request->csr_pem);
  return copy;
}

void
scm_enroll_request_free (ScmEnrollRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->email);
  scm_secret_free (request->password);
  g_free (request->csr_pem);
  g_free (request);
}

void
scm_enroll_result_free (ScmEnrollResult *result)
{
  if (result == NULL)
    return;
  g_free (result->serial);
  g_clear_pointer (&result->certificate_der, g_bytes_unref);
  g_clear_pointer (&result->chain_der, g_ptr_array_unref);
  g_clear_pointer (&result->pkcs12, g_bytes_unref);
  g_free (result);
}

typedef struct
{
  ScmEnrollmentClient *client;
  ScmEnrollRequest *request;
  ScmEnrollStageFunc stage_func;
  gpointer stage_data;
  GBytes *key_der;            /* a key made here */
  char *csr_pem;
  ScmEnrollResult *result;
} IssueData;

static void
issue_data_free (IssueData *data)
{
  g_clear_object (&data->client);
  scm_enroll_request_free (data->request);
  g_clear_pointer (&data->key_der, g_bytes_unref);
  g_free (data->csr_pem);
  scm_enroll_result_free (data->result);
  g_free (data);
}

static void
enter_stage (IssueData      *data,
             ScmEnrollStage  stage)
{
  if (data->stage_func != NULL)
    data->stage_func (stage, data->stage_data);
}

static GError *
answer_error (const char *what)
{
  return g_error_new (SCM_ENROLLMENT_CLIENT_ERROR, SCM_ENROLLMENT_CLIENT_ERROR_SERVER,
                      _("The enrollment server's answer lacks %s; try again later or ask your "
                        "administrator."), what);
}

/* Worker threads --------------------------------------------------------------------------- */

typedef struct
{
  ScmKeyType key_type;
  char *email;
  GBytes *key_der;
  char *csr_pem;
} KeyJob;

static void
key_job_free (KeyJob *job)
{
  g_free (job->email);
  g_clear_pointer (&job->key_der, g_bytes_unref);
  g_free (job->csr_pem);
  g_free (job);
}

static void
generate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  KeyJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) csr = NULL;

  job->key_der = scm_key_generate (job->key_type, &error);
  if (job->key_der != NULL)
    csr = scm_csr_create (job->key_der, job->email, &error);
  if (csr == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->csr_pem = g_strndup (g_bytes_get_data (csr, NULL), g_bytes_get_size (csr));
  g_task_return_boolean (task, TRUE);
}

typedef struct
{
  GBytes *key_der;
  GBytes *certificate_der;
  GPtrArray *chain_der;
  char *email;
  char *password;
  ScmPkcs12Protection protection;
} PackageJob;

static void
package_job_free (PackageJob *job)
{
  g_clear_pointer (&job->key_der, g_bytes_unref);
  g_clear_pointer (&job->certificate_der, g_bytes_unref);
  g_clear_pointer (&job->chain_der, g_ptr_array_unref);
  g_free (job->email);
  scm_secret_free (job->password);
  g_free (job);
}

static void
package_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PackageJob *job = task_data;
  GError *error = NULL;
  GBytes *p12;

  p12 = scm_pkcs12_build (job->key_der, job->certificate_der, job->chain_der, job->email,
                          job->password != NULL ? job->password : "", job->protection, &error);
  if (p12 == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, p12, (GDestroyNotify) g_bytes_unref);
}

/* Steps ------------------------------------------------------------------------------------ */

static void
packaged_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IssueData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GBytes *p12 = g_task_propagate_pointer (G_TASK (result), &error);

  if (p12 == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->result->pkcs12 = p12;
  g_task_return_pointer (task, g_steal_pointer (&data->result),
                         (GDestroyNotify) scm_enroll_result_free);
}

/* Reads the certificate and chain of the server's answer into the result. */
static gboolean
read_answer (IssueData   *data,
             JsonObject  *issued,
             GError     **error)
{
  const char *certificate_pem = scm_enroll_json_string (issued, "certificate");
  JsonArray *chain = scm_enroll_json_array (issued, "chain");
  ScmEnrollResult *result = g_new0 (ScmEnrollResult, 1);

  data->result = result;
  result->serial = g_strdup (scm_enroll_json_string (issued, "serial"));
  result->chain_der = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  if (certificate_pem == NULL || chain == NULL)
    {
      g_propagate_error (error, answer_error (_("the certificate")));
      return FALSE;
    }
  result->certificate_der = scm_x509_pem_to_der (certificate_pem, strlen (certificate_pem), error);
  if (result->certificate_der == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (chain); i++)
    {
      JsonNode *node = json_array_get_element (chain, i);
      const char *pem = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
      GBytes *der;

      if (pem == NULL)
        {
          g_propagate_error (error, answer_error (_("the CA chain")));
          return FALSE;
        }
      der = scm_x509_pem_to_der (pem, strlen (pem), error);
      if (der == NULL)
        return FALSE;
      g_ptr_array_add (result->chain_der, der);
    }

  if (data->request->method == SCM_CSR_METHOD_SERVER)
    {
      const char *encoded = scm_enroll_json_string (issued, "pkcs12");
      gsize len = 0;
      guchar *decoded;

      if (encoded == NULL)
        {
          g_propagate_error (error, answer_error (_("the PKCS#12 file")));
          return FALSE;
        }
      decoded = g_base64_decode (encoded, &len);
      result->pkcs12 = g_bytes_new_take (decoded, len);
    }
  return TRUE;
}

static void
requested_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IssueData *data = g_task_get_task_data (task);
  g_autoptr(JsonObject) issued = NULL;
  g_autoptr(GTask) package = NULL;
  GError *error = NULL;
  PackageJob *job;

  issued = scm_enrollment_client_request_certificate_finish (SCM_ENROLLMENT_CLIENT (source),
                                                             result, &error);
  if (issued == NULL || !read_answer (data, issued, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (data->request->method != SCM_CSR_METHOD_CLIENT)
    {
      g_task_return_pointer (task, g_steal_pointer (&data->result),
                             (GDestroyNotify) scm_enroll_result_free);
      return;
    }

  enter_stage (data, SCM_ENROLL_STAGE_PACKAGING);
  job = g_new0 (PackageJob, 1);
  job->key_der = g_bytes_ref (data->key_der);
  job->certificate_der = g_bytes_ref (data->result->certificate_der);
  job->chain_der = g_ptr_array_ref (data->result->chain_der);
  job->email = g_strdup (data->request->email);
  job->password = g_strdup (data->request->password);
  job->protection = data->request->protection;
  package = g_task_new (NULL, g_task_get_cancellable (task), packaged_cb, g_object_ref (task));
  g_task_set_source_tag (package, package_thread);
  g_task_set_task_data (package, job, (GDestroyNotify) package_job_free);
  g_task_set_return_on_cancel (package, TRUE);
  g_task_run_in_thread (package, package_thread);
}

static void
send_request (GTask *task)
{
  IssueData *data = g_task_get_task_data (task);
  ScmEnrollRequest *request = data->request;
  gboolean server = request->method == SCM_CSR_METHOD_SERVER;

  enter_stage (data, SCM_ENROLL_STAGE_REQUESTING);
  scm_enrollment_client_request_certificate_async (data->client, request->account_id,
                                                   request->profile_id, request->term_days,
                                                   request->method == SCM_CSR_METHOD_PROVIDED
                                                   ? NULL : scm_key_type_to_string (request->key_type),
                                                   server ? NULL : data->csr_pem,
                                                   server ? (request->password != NULL
                                                             ? request->password : "")
                                                   : NULL,
                                                   server ? scm_pkcs12_protection_to_string (request->protection)
                                                   : NULL,
                                                   g_task_get_cancellable (task), requested_cb,
                                                   g_object_ref (task));
}

static void
generated_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IssueData *data = g_task_get_task_data (task);
  KeyJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  data->key_der = g_steal_pointer (&job->key_der);
  data->csr_pem = g_steal_pointer (&job->csr_pem);
  send_request (task);
}

void
scm_enroll_issue_async (ScmEnrollmentClient    *client,
                        const ScmEnrollRequest *request,
                        ScmEnrollStageFunc      stage_func,
                        gpointer                stage_data,
                        GCancellable           *cancellable,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  IssueData *data;

  g_return_if_fail (SCM_IS_ENROLLMENT_CLIENT (client));
  g_return_if_fail (request != NULL);
  g_return_if_fail (request->method != SCM_CSR_METHOD_PROVIDED || request->csr_pem != NULL);

  task = g_task_new (client, cancellable, callback, user_data);
  g_task_set_source_tag (task, scm_enroll_issue_async);
  /* The outer task too returns as soon as it is cancelled. */
  g_task_set_check_cancellable (task, TRUE);
  data = g_new0 (IssueData, 1);
  data->client = g_object_ref (client);
  data->request = request_copy (request);
  data->stage_func = stage_func;
  data->stage_data = stage_data;
  g_task_set_task_data (task, data, (GDestroyNotify) issue_data_free);

  if (request->method == SCM_CSR_METHOD_CLIENT)
    {
      g_autoptr(GTask) generate = NULL;
      KeyJob *job = g_new0 (KeyJob, 1);

      enter_stage (data, SCM_ENROLL_STAGE_GENERATING);
      job->key_type = request->key_type;
      job->email = g_strdup (request->email);
      generate = g_task_new (NULL, cancellable, generated_cb, g_object_ref (task));
      g_task_set_source_tag (generate, generate_thread);
      g_task_set_task_data (generate, job, (GDestroyNotify) key_job_free);
      /* OpenSSL cannot stop an RSA key generation: let it finish in the
       * background and drop its key, while the window moves on now. */
      g_task_set_return_on_cancel (generate, TRUE);
      g_task_run_in_thread (generate, generate_thread);
      return;
    }

  data->csr_pem = g_strdup (request->csr_pem);
  send_request (task);
}

ScmEnrollResult *
scm_enroll_issue_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == scm_enroll_issue_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
