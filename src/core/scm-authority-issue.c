/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <unistd.h>

#include "scm-authority.h"
#include "scm-authority-private.h"
#include "scm-error.h"
#include "scm-key.h"
#include "scm-organization.h"
#include "scm-pkcs12.h"
#include "scm-x509.h"

/* Issuance, one certificate or a batch, crash-safe:
 *   1. check every request against the store (person, profile, delegation)
 *   2. generate keys                                  (in parallel)
 *   3. commit pending rows that reserve the serials
 *   4. sign and package                               (in parallel)
 *   5. commit the certificates with their audit events
 * Nothing is delivered before 5 commits; a crash in between leaves pending
 * rows that scm_authority_reconcile() marks failed at the next start. */

#define SERIAL_DRAWS 8
#define SUBJECT_ATTRIBUTE_MAX_CHARS 64

static gboolean
array_has_uint (GArray *array,
                guint   value)
{
  for (guint i = 0; array != NULL && i < array->len; i++)
    if (g_array_index (array, guint, i) == value)
      return TRUE;
  return FALSE;
}

static gboolean
array_has_key_type (GArray     *array,
                    ScmKeyType  value)
{
  for (guint i = 0; array != NULL && i < array->len; i++)
    if (g_array_index (array, ScmKeyType, i) == value)
      return TRUE;
  return FALSE;
}

static char *
describe_terms (GArray *terms)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; terms != NULL && i < terms->len; i++)
    g_string_append_printf (out, "%s%u", i > 0 ? ", " : "", g_array_index (terms, guint, i));
  return g_string_free (out, FALSE);
}

static char *
describe_key_types (GArray *key_types)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; key_types != NULL && i < key_types->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "",
                            scm_key_type_to_string (g_array_index (key_types, ScmKeyType, i)));
  return g_string_free (out, FALSE);
}

static guint
shortest_term (GArray *terms)
{
  guint shortest = 0;

  for (guint i = 0; terms != NULL && i < terms->len; i++)
    if (shortest == 0 || g_array_index (terms, guint, i) < shortest)
      shortest = g_array_index (terms, guint, i);
  return shortest;
}

/* Everything that can be refused is refused before a key is generated or a
 * row written. */
static gboolean
check_request (ScmAuthority          *self,
               const ScmIssueRequest *request,
               ScmKeyType             key_type,
               guint                  term_days,
               GError               **error)
{
  ScmPerson *person = request->person;
  ScmProfile *profile = request->profile;
  g_autoptr (GObject) domain = NULL;

  if (scm_person_get_deleted_at (person) != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_FOUND,
                   "%s was deleted and can no longer receive certificates",
                   scm_person_get_email (person));
      return FALSE;
    }

  if (scm_person_get_validation_type (person) == SCM_VALIDATION_HIGH
      && !scm_person_get_sponsor_validated (person))
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_NOT_VALIDATED,
                   "%s needs high validation: a sponsor must validate this person before a "
                   "certificate can be issued", scm_person_get_email (person));
      return FALSE;
    }

  /* Delegation may have been withdrawn since the person was registered. */
  domain = (GObject *) scm_store_find_delegating_domain (scm_authority_get_store (self),
                                                         scm_person_get_email (person),
                                                         scm_person_get_organization_id (person),
                                                         scm_person_get_department_id (person),
                                                         error);
  if (domain == NULL)
    return FALSE;

  if (!array_has_key_type (scm_profile_get_key_types (profile), key_type))
    {
      g_autofree char *allowed = describe_key_types (scm_profile_get_key_types (profile));
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   "The profile “%s” does not allow %s keys (it allows %s)",
                   scm_profile_get_name (profile), scm_key_type_to_string (key_type), allowed);
      return FALSE;
    }

  if (!array_has_uint (scm_profile_get_terms (profile), term_days))
    {
      g_autofree char *allowed = describe_terms (scm_profile_get_terms (profile));
      g_set_error (error, SCM_ERROR, SCM_ERROR_POLICY,
                   "The profile “%s” does not offer a term of %u days (it offers %s)",
                   scm_profile_get_name (profile), term_days, allowed);
      return FALSE;
    }

  if (request->csr == NULL)
    {
      if (request->pkcs12_password == NULL)
        {
          g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                       "A password for the PKCS#12 file is needed");
          return FALSE;
        }
      if (!scm_pkcs12_check_password (request->pkcs12_password, error))
        return FALSE;
    }
  return TRUE;
}

static void
fill_subject (ScmAuthority           *self,
              const ScmIssueRequest  *request,
              ScmCertificateTemplate *tmpl,
              char                  **organization_name)
{
  ScmPerson *person = request->person;
  ScmProfile *profile = request->profile;

  tmpl->email = scm_person_get_email (person);
  tmpl->common_name = tmpl->email;
  tmpl->email_in_subject = scm_profile_get_email_in_subject (profile);

  /* Mailbox-validated (standard): the subject names only the mailbox.
   * Sponsor-validated (high): the person's name and organization too,
   * unless the profile insists on CN = email. */
  if (scm_person_get_validation_type (person) == SCM_VALIDATION_HIGH
      && scm_profile_get_cn_source (profile) == SCM_CN_SOURCE_NAME)
    {
      g_autoptr (ScmOrganization) organization =
        scm_store_get_organization (scm_authority_get_store (self), scm_person_get_organization_id (person), NULL);

      if (scm_person_get_common_name (person) != NULL && *scm_person_get_common_name (person))
        tmpl->common_name = scm_person_get_common_name (person);
      tmpl->given_name = scm_person_get_first_name (person);
      tmpl->surname = scm_person_get_last_name (person);
      if (organization != NULL)
        *organization_name = g_strdup (scm_organization_get_name (organization));
      tmpl->organization = *organization_name;
    }
}

/* The CA refuses subject attributes longer than the X.520 bound of 64
 * characters; refuse them here, before a key is made or a row written. */
static gboolean
check_subject (const ScmCertificateTemplate *tmpl,
               GError                      **error)
{
  const char *by_name = " or use a profile that takes the common name from the email";
  struct
  {
    const char *value;
    const char *label;
    const char *remedy;
    const char *alternative;
  } attributes[] = {
    { tmpl->common_name, "common name",
      tmpl->common_name == tmpl->email ? "give the person a shorter email address"
                                       : "give the person a shorter common name",
      tmpl->common_name == tmpl->email ? "" : by_name },
    { tmpl->given_name, "given name", "shorten the person's first name", by_name },
    { tmpl->surname, "surname", "shorten the person's last name", by_name },
    { tmpl->organization, "organization", "shorten the organization's name", by_name },
  };

  for (guint i = 0; i < G_N_ELEMENTS (attributes); i++)
    if (attributes[i].value != NULL
        && g_utf8_strlen (attributes[i].value, -1) > SUBJECT_ATTRIBUTE_MAX_CHARS)
      {
        g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                     "“%s” is longer than the %d characters a certificate's %s can hold; %s%s",
                     attributes[i].value, SUBJECT_ATTRIBUTE_MAX_CHARS, attributes[i].label,
                     attributes[i].remedy, attributes[i].alternative);
        return FALSE;
      }
  return TRUE;
}

static void
maybe_hang (const char *point)
{
  const char *hang = g_getenv ("SCM_ENROLL_TEST_HANG_AT");

  /* For the crash-safety test only: stop here so the test can kill us at
   * the exact point it wants to prove harmless. */
  if (hang != NULL && g_str_equal (hang, point))
    {
      g_printerr ("hanging at %s\n", point);
      for (;;)
        pause ();
    }
}

static gint
compare_oldest_first (gconstpointer a,
                      gconstpointer b)
{
  ScmCertificate *ca = *(ScmCertificate **) a;
  ScmCertificate *cb = *(ScmCertificate **) b;
  gint64 na = scm_certificate_get_not_before (ca);
  gint64 nb = scm_certificate_get_not_before (cb);

  if (na != nb)
    return na < nb ? -1 : 1;
  return scm_certificate_get_id (ca) < scm_certificate_get_id (cb) ? -1 : 1;
}

/* A profile may allow each person only so many valid certificates: the
 * oldest beyond that are revoked as superseded, and the CRL re-signed. */
static void
enforce_profile_limit (ScmAuthority *self,
                       ScmCa        *ca,
                       const char   *issuer,
                       ScmPerson    *person,
                       ScmProfile   *profile)
{
  g_autoptr (GPtrArray) certificates = NULL;
  g_autoptr (GPtrArray) valid = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  guint max = scm_profile_get_max_per_person (profile);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean revoked_any = FALSE;

  /* Almost always within the limit: count before listing anything. */
  if (max == 0
      || scm_store_count_valid_certificates (scm_authority_get_store (self), scm_person_get_id (person),
                                             scm_profile_get_id (profile), now) <= max)
    return;

  certificates = scm_store_list_certificates (scm_authority_get_store (self), scm_person_get_id (person), &error);
  for (guint i = 0; certificates != NULL && i < certificates->len; i++)
    {
      ScmCertificate *certificate = g_ptr_array_index (certificates, i);

      if (scm_certificate_get_profile_id (certificate) == scm_profile_get_id (profile)
          && scm_certificate_get_status (certificate) == SCM_CERT_STATUS_ISSUED
          && scm_certificate_get_not_after (certificate) > now)
        g_ptr_array_add (valid, certificate);
    }
  g_ptr_array_sort (valid, compare_oldest_first);

  for (guint i = 0; valid->len - i > max; i++)
    {
      ScmCertificate *oldest = g_ptr_array_index (valid, i);

      if (!scm_store_revoke_certificate (scm_authority_get_store (self), scm_certificate_get_id (oldest),
                                         SCM_REVOCATION_SUPERSEDED, now, &error))
        break;
      revoked_any = TRUE;
    }

  /* The new certificate is issued either way; a failure here is logged,
   * and the next CRL request re-signs it (see scm_authority_get_crl). */
  if (revoked_any)
    {
      g_autoptr (GBytes) crl = scm_authority_publish_crl_for (self, ca, issuer, error == NULL ? &error : NULL);
    }
  if (error != NULL)
    g_warning ("Could not revoke superseded certificates of %s: %s",
               scm_person_get_email (person), error->message);
}

typedef struct
{
  ScmIssueRequest request;      /* person and profile as the store has them now */
  ScmPerson *person;
  ScmProfile *profile;
  ScmKeyType key_type;
  guint term_days;
  char *organization_name;
  ScmCertificateTemplate tmpl;
  GBytes *private_key;
  GBytes *public_key;
  char *serial;
  gint64 row_id;
  GBytes *certificate_der;
  ScmCertificateInfo *info;
  GBytes *pkcs12;
  GError *error;                /* set once the job failed; later phases skip it */
} IssueJob;

static void
issue_job_free (IssueJob *job)
{
  g_clear_object (&job->person);
  g_clear_object (&job->profile);
  g_free (job->organization_name);
  g_clear_pointer (&job->private_key, g_bytes_unref);
  g_clear_pointer (&job->public_key, g_bytes_unref);
  g_free (job->serial);
  g_clear_pointer (&job->certificate_der, g_bytes_unref);
  g_clear_pointer (&job->info, scm_certificate_info_free);
  g_clear_pointer (&job->pkcs12, g_bytes_unref);
  g_clear_error (&job->error);
  g_free (job);
}

/* Phase 1: everything that can be refused is refused here, before a key
 * is generated or a row written. The caller's objects may be stale (the
 * person deleted or no longer sponsor-validated, the profile narrowed
 * since they were read): decide on what the store holds now. */
static void
issue_job_check (ScmAuthority *self,
                 IssueJob     *job)
{
  ScmStore *store = scm_authority_get_store (self);
  GError **error = &job->error;

  job->person = scm_store_get_person (store, scm_person_get_id (job->request.person), error);
  if (job->person == NULL)
    return;
  job->profile = scm_store_get_profile (store, scm_profile_get_id (job->request.profile), error);
  if (job->profile == NULL)
    return;
  job->request.person = job->person;
  job->request.profile = job->profile;

  job->key_type = job->request.key_type;
  job->term_days = job->request.term_days ? job->request.term_days
                                          : shortest_term (scm_profile_get_terms (job->profile));

  if (job->request.csr != NULL)
    {
      job->public_key = scm_csr_parse (g_bytes_get_data (job->request.csr, NULL),
                                       g_bytes_get_size (job->request.csr), &job->key_type, error);
      if (job->public_key == NULL)
        return;
    }

  if (!check_request (self, &job->request, job->key_type, job->term_days, error))
    return;
  fill_subject (self, &job->request, &job->tmpl, &job->organization_name);
  check_subject (&job->tmpl, error);
}

/* Phase 2 (any thread). */
static void
issue_job_make_key (IssueJob *job,
                    gpointer  data)
{
  if (job->request.csr != NULL)
    return;
  job->private_key = scm_key_generate (job->key_type, &job->error);
  if (job->private_key != NULL)
    job->public_key = scm_key_get_public (job->private_key, &job->error);
}

/* Phase 3: a pending row per job reserves its serial (drawn again on the
 * rare collision). */
static void
issue_job_reserve (ScmAuthority *self,
                   IssueJob     *job,
                   const char   *issuer,
                   const char   *owner)
{
  g_autoptr (GError) local_error = NULL;

  for (guint draw = 0; draw < SERIAL_DRAWS && job->row_id == 0; draw++)
    {
      g_clear_error (&local_error);
      g_free (job->serial);
      job->serial = scm_ca_generate_serial ();
      job->row_id = scm_store_add_pending_certificate (scm_authority_get_store (self), issuer,
                                                       job->serial,
                                                       scm_person_get_id (job->person),
                                                       job->request.form_id, job->request.account_id,
                                                       scm_profile_get_id (job->profile),
                                                       job->key_type, job->request.requested_via,
                                                       owner, &local_error);
      if (job->row_id == 0 && !g_error_matches (local_error, SCM_ERROR, SCM_ERROR_DUPLICATE))
        break;
    }
  if (job->row_id == 0)
    g_propagate_error (&job->error, g_steal_pointer (&local_error));
}

typedef struct
{
  ScmCa *ca;
  GPtrArray *chain;
  const char *base_url;
} SignContext;

/* Phase 4 (any thread): the CA is immutable, so threads sign at once. */
static void
issue_job_sign (IssueJob *job,
                gpointer  data)
{
  SignContext *context = data;

  job->tmpl.public_key = job->public_key;
  job->tmpl.serial_hex = job->serial;
  job->tmpl.purpose = scm_profile_get_purpose (job->profile);
  job->tmpl.policy_oid = scm_profile_get_policy_oid (job->profile);
  job->tmpl.term_days = job->term_days;
  job->tmpl.base_url = context->base_url;

  job->certificate_der = scm_ca_issue (context->ca, &job->tmpl, &job->error);
  if (job->certificate_der == NULL)
    return;
  job->info = scm_x509_describe (job->certificate_der, &job->error);
  if (job->info == NULL || job->private_key == NULL)
    return;
  job->pkcs12 = scm_pkcs12_build (job->private_key, job->certificate_der, context->chain,
                                  job->request.friendly_name ? job->request.friendly_name
                                                             : job->tmpl.email,
                                  job->request.pkcs12_password, job->request.protection,
                                  &job->error);
}

typedef void (*IssueJobFunc) (IssueJob *job,
                              gpointer  data);

typedef struct
{
  GPtrArray *jobs;
  IssueJobFunc func;
  gpointer data;
  GCancellable *cancellable;
  gint next;
} Parallel;

static gpointer
parallel_worker (gpointer data)
{
  Parallel *parallel = data;
  gint i;

  while ((i = g_atomic_int_add (&parallel->next, 1)) < (gint) parallel->jobs->len)
    {
      IssueJob *job = g_ptr_array_index (parallel->jobs, i);

      if (job->error == NULL
          && !g_cancellable_set_error_if_cancelled (parallel->cancellable, &job->error))
        parallel->func (job, parallel->data);
    }
  return NULL;
}

/* Runs @func on every job that has not failed, on up to @n_threads
 * threads (this one included). */
static void
run_parallel (GPtrArray    *jobs,
              guint         n_threads,
              IssueJobFunc  func,
              gpointer      data,
              GCancellable *cancellable)
{
  Parallel parallel = { jobs, func, data, cancellable, 0 };
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();

  n_threads = CLAMP (n_threads, 1, MAX (jobs->len, 1));
  for (guint t = 1; t < n_threads; t++)
    g_ptr_array_add (threads, g_thread_new ("scm-issue", parallel_worker, &parallel));
  parallel_worker (&parallel);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));
}

/* One transaction when there are several jobs, so a batch costs one
 * fsync per phase; a single job uses the store's own transactions, unless
 * it is a renewal, whose link must be committed with the certificate. */
static gboolean
needs_transaction (GPtrArray *jobs)
{
  return jobs->len >= 2
         || (jobs->len == 1
             && ((IssueJob *) g_ptr_array_index (jobs, 0))->request.renews_certificate_id != 0);
}

static gboolean
begin_batch (ScmStore  *store,
             GPtrArray *jobs,
             GError   **error)
{
  return !needs_transaction (jobs) || scm_store_begin (store, error);
}

static gboolean
commit_batch (ScmStore  *store,
              GPtrArray *jobs,
              GError   **error)
{
  return !needs_transaction (jobs) || scm_store_commit (store, error);
}

static void
fail_jobs_with (GPtrArray    *jobs,
                const GError *error)
{
  for (guint i = 0; i < jobs->len; i++)
    {
      IssueJob *job = g_ptr_array_index (jobs, i);

      if (job->error == NULL)
        job->error = g_error_copy (error);
    }
}

/* Phase 3 for all jobs. */
static void
reserve_jobs (ScmAuthority *self,
              GPtrArray    *jobs,
              const char   *issuer)
{
  ScmStore *store = scm_authority_get_store (self);
  g_autofree char *owner = scm_authority_process_owner ();
  g_autoptr (GError) error = NULL;

  if (!begin_batch (store, jobs, &error))
    {
      fail_jobs_with (jobs, error);
      return;
    }
  for (guint i = 0; i < jobs->len; i++)
    {
      IssueJob *job = g_ptr_array_index (jobs, i);

      if (job->error == NULL)
        issue_job_reserve (self, job, issuer, owner);
    }
  /* A failed commit has already undone the transaction. */
  if (!commit_batch (store, jobs, &error))
    {
      /* Nothing was reserved after all. */
      for (guint i = 0; i < jobs->len; i++)
        ((IssueJob *) g_ptr_array_index (jobs, i))->row_id = 0;
      fail_jobs_with (jobs, error);
    }
}

/* Phase 5 for all jobs: the certificates that were signed are committed
 * with their audit events; pending rows of the others are marked failed,
 * with why. */
static void
complete_jobs (ScmAuthority *self,
               GPtrArray    *jobs)
{
  ScmStore *store = scm_authority_get_store (self);
  g_autoptr (GError) error = NULL;
  gboolean committed = FALSE;

  if (begin_batch (store, jobs, &error))
    {
      for (guint i = 0; i < jobs->len; i++)
        {
          IssueJob *job = g_ptr_array_index (jobs, i);
          g_autofree char *sans = NULL;

          if (job->error != NULL)
            continue;
          sans = g_strjoinv (",", job->info->emails);
          if (scm_store_complete_certificate (store, job->row_id, job->certificate_der,
                                              job->info->subject, sans, job->info->not_before,
                                              job->info->not_after, job->info->fingerprint,
                                              &job->error)
              && job->request.renews_certificate_id != 0)
            scm_store_set_certificate_renewed_from (store, job->row_id,
                                                    job->request.renews_certificate_id,
                                                    &job->error);
        }
      /* A failed commit has already undone the transaction. */
      committed = commit_batch (store, jobs, &error);
    }
  if (!committed)
    fail_jobs_with (jobs, error);

  for (guint i = 0; i < jobs->len; i++)
    {
      IssueJob *job = g_ptr_array_index (jobs, i);

      /* Not committed, so never delivered: record why. */
      if (job->error != NULL && job->row_id != 0)
        scm_store_fail_pending_certificate (store, job->row_id, job->error->message, NULL);
    }
}

GPtrArray *
scm_authority_issue_many (ScmAuthority          *self,
                          const ScmIssueRequest *requests,
                          guint                  n_requests,
                          guint                  n_threads,
                          GCancellable          *cancellable)
{
  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) issue_job_free);
  g_autoptr (ScmCa) ca = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *base_url = NULL;
  g_autoptr (GPtrArray) chain = NULL;
  GPtrArray *results;
  SignContext context;

  g_return_val_if_fail (SCM_IS_AUTHORITY (self), NULL);
  g_return_val_if_fail (requests != NULL || n_requests == 0, NULL);

  for (guint i = 0; i < n_requests; i++)
    {
      IssueJob *job = g_new0 (IssueJob, 1);

      job->request = requests[i];
      g_ptr_array_add (jobs, job);
      if (!SCM_IS_PERSON (requests[i].person) || !SCM_IS_PROFILE (requests[i].profile))
        g_set_error_literal (&job->error, SCM_ERROR, SCM_ERROR_INVALID,
                             "A certificate request needs a person and a profile");
      else
        issue_job_check (self, job);
    }

  run_parallel (jobs, n_threads, issue_job_make_key, NULL, cancellable);

  ca = scm_authority_dup_ca (self, &issuer);
  if (!g_cancellable_is_cancelled (cancellable))
    reserve_jobs (self, jobs, issuer);
  else
    {
      g_autoptr (GError) cancelled = NULL;
      g_cancellable_set_error_if_cancelled (cancellable, &cancelled);
      fail_jobs_with (jobs, cancelled);
    }
  maybe_hang ("pending");

  base_url = scm_authority_dup_base_url (self);
  chain = scm_ca_get_chain (ca);
  context = (SignContext) { ca, chain, base_url };
  run_parallel (jobs, n_threads, issue_job_sign, &context, cancellable);
  maybe_hang ("signed");

  /* Cancelled after signing: nothing was delivered yet, so give up. */
  if (g_cancellable_is_cancelled (cancellable))
    {
      g_autoptr (GError) cancelled = NULL;
      g_cancellable_set_error_if_cancelled (cancellable, &cancelled);
      fail_jobs_with (jobs, cancelled);
    }
  complete_jobs (self, jobs);

  results = g_ptr_array_new_with_free_func ((GDestroyNotify) scm_issue_result_free);
  for (guint i = 0; i < jobs->len; i++)
    {
      IssueJob *job = g_ptr_array_index (jobs, i);
      ScmIssueResult *result = g_new0 (ScmIssueResult, 1);

      g_ptr_array_add (results, result);
      if (job->error == NULL)
        {
          enforce_profile_limit (self, ca, issuer, job->person, job->profile);
          result->certificate = scm_store_find_certificate_by_serial (scm_authority_get_store (self),
                                                                      job->serial, &job->error);
        }
      if (job->error != NULL)
        {
          result->error = g_steal_pointer (&job->error);
          continue;
        }
      result->certificate_der = g_steal_pointer (&job->certificate_der);
      result->chain_pem = g_bytes_ref (scm_ca_get_chain_pem (ca));
      result->pkcs12 = g_steal_pointer (&job->pkcs12);
    }
  return results;
}

ScmIssueResult *
scm_authority_issue (ScmAuthority          *self,
                     const ScmIssueRequest *request,
                     GCancellable          *cancellable,
                     GError               **error)
{
  g_autoptr (GPtrArray) results = NULL;
  ScmIssueResult *result;

  g_return_val_if_fail (SCM_IS_AUTHORITY (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (SCM_IS_PERSON (request->person), NULL);
  g_return_val_if_fail (SCM_IS_PROFILE (request->profile), NULL);

  results = scm_authority_issue_many (self, request, 1, 1, cancellable);
  result = g_ptr_array_steal_index (results, 0);
  if (result->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&result->error));
      scm_issue_result_free (result);
      return NULL;
    }
  return result;
}
