/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "scm-enroll-renew.h"
#include "scm-error.h"
#include "scm-key.h"
#include "scm-pkcs12.h"
#include "scm-secret.h"
#include "scm-x509.h"

ScmEnrollRenewal *
scm_enroll_renewal_new (void)
{
  ScmEnrollRenewal *renewal = g_new0 (ScmEnrollRenewal, 1);

  renewal->protection = SCM_PKCS12_AES256_SHA256;
  return renewal;
}

void
scm_enroll_renewal_free (ScmEnrollRenewal *renewal)
{
  if (renewal == NULL)
    return;
  g_clear_pointer (&renewal->pkcs12, g_bytes_unref);
  scm_secret_free (renewal->password);
  scm_secret_free (renewal->new_password);
  g_free (renewal);
}

typedef struct
{
  ScmEnrollmentClient *client;
  ScmEnrollRenewal *renewal;
  ScmEnrollStageFunc stage_func;
  gpointer stage_data;
  gint64 now;
  /* From the current file. */
  GBytes *old_key_der;
  GBytes *old_certificate_der;
  GPtrArray *chain_der;
  char *email;
  /* Made here. */
  GBytes *key_der;
  GBytes *csr_der;
  GBytes *certificate_der;
  ScmEnrollResult *result;
} RenewData;

static void
renew_data_free (RenewData *data)
{
  g_clear_object (&data->client);
  scm_enroll_renewal_free (data->renewal);
  g_clear_pointer (&data->old_key_der, g_bytes_unref);
  g_clear_pointer (&data->old_certificate_der, g_bytes_unref);
  g_clear_pointer (&data->chain_der, g_ptr_array_unref);
  g_free (data->email);
  g_clear_pointer (&data->key_der, g_bytes_unref);
  g_clear_pointer (&data->csr_der, g_bytes_unref);
  g_clear_pointer (&data->certificate_der, g_bytes_unref);
  scm_enroll_result_free (data->result);
  g_free (data);
}

static void
enter_stage (RenewData      *data,
             ScmEnrollStage  stage)
{
  if (data->stage_func != NULL)
    data->stage_func (stage, data->stage_data);
}

/* The DER inside a PEM block. */
static GBytes *
pem_to_der (GBytes *pem)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (pem, NULL), g_bytes_get_size (pem));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) base64 = g_string_new (NULL);
  guchar *der;
  gsize len = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (!g_str_has_prefix (lines[i], "-----"))
      g_string_append (base64, g_strstrip (lines[i]));
  der = g_base64_decode (base64->str, &len);
  return g_bytes_new_take (der, len);
}

/* Worker thread: opens the current file, checks its certificate and makes
 * the new key and its request. */
static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RenewData *data = task_data;
  g_autoptr(ScmCertificateInfo) info = NULL;
  g_autoptr(GBytes) csr_pem = NULL;
  g_autoptr(GDateTime) until = NULL;
  g_autofree char *until_text = NULL;
  GError *error = NULL;
  ScmKeyType key_type;

  if (!scm_pkcs12_parse (data->renewal->pkcs12, data->renewal->password, &data->old_key_der,
                         &data->old_certificate_der, &data->chain_der, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  info = scm_x509_describe (data->old_certificate_der, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  until = g_date_time_new_from_unix_local (info->not_after);
  until_text = g_date_time_format (until, "%x");
  if (info->not_after < data->now)
    {
      g_task_return_new_error (task, SCM_ERROR, SCM_ERROR_POLICY,
                               _("This certificate expired on %s and can no longer be renewed; "
                                 "enroll again for a new one."), until_text);
      return;
    }
  if (info->emails[0] != NULL)
    data->email = g_strdup (info->emails[0]);
  else
    {
      g_task_return_new_error (task, SCM_ERROR, SCM_ERROR_INVALID,
                               _("The certificate in this file names no email address, so it "
                                 "was not issued here; choose the file you saved when you "
                                 "enrolled."));
      return;
    }
  /* Same key type as before: what the account allowed then. */
  if (!scm_key_get_type (data->old_key_der, &key_type, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  data->key_der = scm_key_generate (key_type, &error);
  if (data->key_der == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  csr_pem = scm_csr_create (data->key_der, data->email, &error);
  if (csr_pem == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->csr_der = pem_to_der (csr_pem);
  g_task_return_boolean (task, TRUE);
}

/* Worker thread: the new PKCS#12 file. */
static void
package_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RenewData *data = task_data;
  g_autoptr(ScmCertificateInfo) info = NULL;
  GBytes *p12;
  GError *error = NULL;

  info = scm_x509_describe (data->certificate_der, &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  p12 = scm_pkcs12_build (data->key_der, data->certificate_der, data->chain_der, data->email,
                          data->renewal->new_password, data->renewal->protection, &error);
  if (p12 == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  data->result = g_new0 (ScmEnrollResult, 1);
  data->result->serial = g_strdup (info->serial_hex);
  data->result->certificate_der = g_bytes_ref (data->certificate_der);
  data->result->chain_der = g_ptr_array_ref (data->chain_der);
  data->result->pkcs12 = p12;
  g_task_return_boolean (task, TRUE);
}

static void
packaged_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
renewed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RenewData *data = g_task_get_task_data (task);
  GError *error = NULL;
  GTask *job;

  data->certificate_der = scm_enrollment_client_renew_finish (SCM_ENROLLMENT_CLIENT (source),
                                                              result, &error);
  if (data->certificate_der == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  enter_stage (data, SCM_ENROLL_STAGE_PACKAGING);
  job = g_task_new (NULL, g_task_get_cancellable (task), packaged_cb, g_object_ref (task));
  g_task_set_task_data (job, data, NULL);
  g_task_run_in_thread (job, package_thread);
  g_object_unref (job);
}

static void
prepared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RenewData *data = g_task_get_task_data (task);
  g_autoptr(GTlsCertificate) tls = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  tls = scm_enrollment_client_new_tls_certificate (data->old_key_der, data->old_certificate_der,
                                                   &error);
  if (tls == NULL)
    {
      g_task_return_new_error (task, SCM_ERROR, SCM_ERROR_INVALID,
                               _("The key in this file cannot be used to prove who you are (%s); "
                                 "enroll again for a new certificate."), error->message);
      g_error_free (error);
      return;
    }
  enter_stage (data, SCM_ENROLL_STAGE_REQUESTING);
  scm_enrollment_client_renew_async (data->client, tls, data->csr_der,
                                     g_task_get_cancellable (task), renewed_cb,
                                     g_object_ref (task));
}

void
scm_enroll_renew_async (ScmEnrollmentClient    *client,
                        const ScmEnrollRenewal *renewal,
                        ScmEnrollStageFunc      stage_func,
                        gpointer                stage_data,
                        GCancellable           *cancellable,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  RenewData *data;
  GTask *job;

  g_return_if_fail (SCM_IS_ENROLLMENT_CLIENT (client));
  g_return_if_fail (renewal != NULL && renewal->pkcs12 != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, scm_enroll_renew_async);
  data = g_new0 (RenewData, 1);
  data->client = g_object_ref (client);
  data->renewal = scm_enroll_renewal_new ();
  data->renewal->pkcs12 = g_bytes_ref (renewal->pkcs12);
  data->renewal->password = g_strdup (renewal->password != NULL ? renewal->password : "");
  data->renewal->new_password = g_strdup (renewal->new_password != NULL
                                          ? renewal->new_password : "");
  data->renewal->protection = renewal->protection;
  data->stage_func = stage_func;
  data->stage_data = stage_data;
  data->now = g_get_real_time () / G_USEC_PER_SEC;
  g_task_set_task_data (task, data, (GDestroyNotify) renew_data_free);

  enter_stage (data, SCM_ENROLL_STAGE_GENERATING);
  job = g_task_new (NULL, cancellable, prepared_cb, g_object_ref (task));
  g_task_set_task_data (job, data, NULL);
  g_task_run_in_thread (job, prepare_thread);
  g_object_unref (job);
}

ScmEnrollResult *
scm_enroll_renew_finish (GAsyncResult  *result,
                         char         **out_email,
                         GError       **error)
{
  RenewData *data;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == scm_enroll_renew_async, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  data = g_task_get_task_data (G_TASK (result));
  if (out_email != NULL)
    *out_email = g_strdup (data->email);
  return g_steal_pointer (&data->result);
}
