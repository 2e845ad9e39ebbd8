/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "scm-authority.h"
#include "scm-error.h"
#include "scm-key.h"
#include "scm-organization.h"
#include "scm-pkcs12.h"
#include "scm-secret.h"
#include "scm-x509.h"

#define PASSPHRASE_FILE "ca.passphrase"
#define SERIAL_DRAWS 8
#define SUBJECT_ATTRIBUTE_MAX_CHARS 64

struct _ScmAuthority
{
  GObject parent_instance;

  ScmStore *store;
  ScmCa *ca;
  char *issuer;      /* the issuing CA's fingerprint: the "issuer" of rows */
  char *passphrase;  /* what unlocked the keys: re-encrypting the root key needs it */

  /* Guards ca, issuer and passphrase: an import or a passphrase change
   * replaces them while other threads issue. */
  GMutex lock;
};

G_DEFINE_FINAL_TYPE (ScmAuthority, scm_authority, G_TYPE_OBJECT)

void
scm_issue_result_free (ScmIssueResult *result)
{
  if (result == NULL)
    return;
  g_clear_object (&result->certificate);
  g_clear_pointer (&result->certificate_der, g_bytes_unref);
  g_clear_pointer (&result->chain_pem, g_bytes_unref);
  g_clear_pointer (&result->pkcs12, g_bytes_unref);
  g_free (result);
}

static void
scm_authority_finalize (GObject *object)
{
  ScmAuthority *self = SCM_AUTHORITY (object);

  g_clear_object (&self->store);
  g_clear_object (&self->ca);
  g_clear_pointer (&self->issuer, g_free);
  g_clear_pointer (&self->passphrase, scm_secret_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (scm_authority_parent_class)->finalize (object);
}

static void
scm_authority_class_init (ScmAuthorityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = scm_authority_finalize;
}

static void
scm_authority_init (ScmAuthority *self)
{
  g_mutex_init (&self->lock);
}

/* The CA and its issuer name as one consistent pair, kept alive for the
 * caller even if another thread replaces them meanwhile. */
static ScmCa *
dup_ca (ScmAuthority  *self,
        char         **issuer)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (issuer != NULL)
    *issuer = g_strdup (self->issuer);
  return g_object_ref (self->ca);
}

static GBytes *publish_crl (ScmAuthority *self,
                            ScmCa        *ca,
                            const char   *issuer,
                            GError      **error);

/* Called with self->lock held. */
static void
replace_ca (ScmAuthority *self,
            ScmCa        *ca)
{
  g_set_object (&self->ca, ca);
  g_free (self->issuer);
  self->issuer = g_strdup (scm_ca_get_issuing_fingerprint (ca));
}

static char *
passphrase_path (ScmStore *store)
{
  return g_build_filename (scm_store_get_data_dir (store), PASSPHRASE_FILE, NULL);
}

static char *
read_embedded_passphrase (ScmStore *store,
                          GError  **error)
{
  g_autofree char *path = passphrase_path (store);
  g_autofree char *contents = NULL;
  gsize len = 0;
  char *passphrase;

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  passphrase = g_strndup (contents, strcspn (contents, "\r\n"));
  memset (contents, 0, len);
  return passphrase;
}

/* The embedded default: a random passphrase in a 0600 file, so the admin
 * window and `scm-enrollctl serve` start unattended. Only called while the
 * store's write transaction is held, so no other process races for it; a
 * file left by a first start that crashed before committing is reused. */
static char *
create_embedded_passphrase (ScmStore *store,
                            GError  **error)
{
  g_autofree char *path = passphrase_path (store);
  char *passphrase;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return read_embedded_passphrase (store, error);

  passphrase = scm_secret_generate (SCM_SECRET_KIND_PKCS12_PASSWORD);

  if (!g_file_set_contents_full (path, passphrase, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    {
      scm_secret_free (passphrase);
      return NULL;
    }
  return passphrase;
}

gboolean
scm_authority_needs_passphrase (ScmStore *store)
{
  g_autofree char *path = NULL;
  g_autoptr (GBytes) chain = NULL;
  g_autoptr (GBytes) key = NULL;
  g_autoptr (GBytes) root_key = NULL;

  g_return_val_if_fail (SCM_IS_STORE (store), FALSE);

  path = passphrase_path (store);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return FALSE;
  /* No CA yet: the first start creates one with an embedded passphrase. */
  return scm_store_load_ca (store, &chain, &key, &root_key, NULL);
}

/* Stores @ca's keys under @passphrase. A loaded root key stays encrypted
 * in memory, so it is re-encrypted from @old_passphrase. */
static gboolean
save_ca (ScmStore   *store,
         ScmCa      *ca,
         const char *old_passphrase,
         const char *passphrase,
         GError    **error)
{
  g_autoptr (GBytes) issuing_key = NULL;
  g_autoptr (GBytes) root_key = NULL;
  g_autoptr (GError) local_error = NULL;

  issuing_key = scm_ca_export_issuing_key (ca, passphrase, error);
  if (issuing_key == NULL)
    return FALSE;
  if (scm_ca_has_root_key (ca))
    {
      g_autoptr (GBytes) stored = scm_ca_export_root_key (ca, old_passphrase, error);

      if (stored == NULL)
        return FALSE;
      if (g_strcmp0 (old_passphrase, passphrase) == 0)
        root_key = g_steal_pointer (&stored);
      else
        root_key = scm_ca_change_key_passphrase (stored, old_passphrase, passphrase, error);
      if (root_key == NULL)
        return FALSE;
    }
  return scm_store_save_ca (store, scm_ca_get_chain_pem (ca), issuing_key, root_key, error);
}

static char *
organization_for_new_ca (ScmStore *store)
{
  g_autoptr (GPtrArray) organizations = scm_store_list_organizations (store, NULL);

  if (organizations != NULL && organizations->len > 0)
    return g_strdup (scm_organization_get_name (g_ptr_array_index (organizations, 0)));
  return g_strdup ("ScmEnroll");
}

ScmAuthority *
scm_authority_open (ScmStore   *store,
                    const char *passphrase,
                    GError    **error)
{
  g_autoptr (ScmAuthority) self = NULL;
  g_autoptr (GBytes) chain = NULL;
  g_autoptr (GBytes) issuing_key = NULL;
  g_autoptr (GBytes) root_key = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *embedded = NULL;
  g_autoptr (GError) reconcile_error = NULL;

  g_return_val_if_fail (SCM_IS_STORE (store), NULL);

  self = g_object_new (SCM_TYPE_AUTHORITY, NULL);
  self->store = g_object_ref (store);

  if (!scm_store_load_ca (store, &chain, &issuing_key, &root_key, &local_error))
    {
      g_autofree char *organization = NULL;

      if (!g_error_matches (local_error, SCM_ERROR, SCM_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      /* First start: a root and an issuing CA of our own, made inside the
       * store's write transaction so that two programs starting at once
       * make one CA, and the second one loads it. */
      if (!scm_store_begin (store, error))
        return NULL;
      g_clear_error (&local_error);
      if (scm_store_load_ca (store, &chain, &issuing_key, &root_key, &local_error))
        {
          if (!scm_store_commit (store, error))
            return NULL;
          return scm_authority_open (store, passphrase, error);
        }
      if (passphrase == NULL)
        {
          embedded = create_embedded_passphrase (store, error);
          if (embedded == NULL)
            {
              scm_store_rollback (store);
              return NULL;
            }
          passphrase = embedded;
        }
      organization = organization_for_new_ca (store);
      self->ca = scm_ca_new_generated (organization, error);
      if (self->ca == NULL
          || !save_ca (store, self->ca, passphrase, passphrase, error)
          || !scm_store_commit (store, error))
        {
          if (scm_store_in_transaction (store))
            scm_store_rollback (store);
          g_clear_pointer (&embedded, scm_secret_free);
          return NULL;
        }
    }
  else
    {
      if (passphrase == NULL)
        {
          embedded = read_embedded_passphrase (store, NULL);
          if (embedded == NULL)
            {
              g_set_error (error, SCM_ERROR, SCM_ERROR_WRONG_PASSPHRASE,
                           "The CA keys are protected by a passphrase; enter it to unlock the CA");
              return NULL;
            }
          passphrase = embedded;
        }
      self->ca = scm_ca_load (chain, issuing_key, root_key, passphrase, error);
      if (self->ca == NULL)
        {
          g_clear_pointer (&embedded, scm_secret_free);
          return NULL;
        }
    }
  self->passphrase = g_strdup (passphrase);
  g_clear_pointer (&embedded, scm_secret_free);

  self->issuer = g_strdup (scm_ca_get_issuing_fingerprint (self->ca));

  /* A crash must not leave issuances pending forever; failing to look
   * is not a reason to refuse the CA. */
  scm_authority_reconcile (store, &reconcile_error);
  if (reconcile_error != NULL)
    g_warning ("Could not reconcile pending certificates: %s", reconcile_error->message);

  return g_steal_pointer (&self);
}

ScmStore *
scm_authority_get_store (ScmAuthority *self)
{
  g_return_val_if_fail (SCM_IS_AUTHORITY (self), NULL);
  return self->store;
}

ScmCa *
scm_authority_get_ca (ScmAuthority *self)
{
  g_return_val_if_fail (SCM_IS_AUTHORITY (self), NULL);
  return self->ca;
}

gboolean
scm_authority_set_passphrase (ScmAuthority *self,
                              const char   *passphrase,
                              GError      **error)
{
  g_autofree char *path = NULL;
  g_autoptr (GBytes) chain = NULL;
  g_autoptr (GBytes) issuing_key = NULL;
  g_autoptr (GBytes) root_key = NULL;
  g_autoptr (ScmCa) reloaded = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (SCM_IS_AUTHORITY (self), FALSE);
  g_return_val_if_fail (passphrase != NULL, FALSE);

  if (!scm_secret_check_strength (passphrase, error))
    return FALSE;

  locker = g_mutex_locker_new (&self->lock);
  if (!save_ca (self->store, self->ca, self->passphrase, passphrase, error))
    return FALSE;
  scm_secret_free (self->passphrase);
  self->passphrase = g_strdup (passphrase);

  /* Only after the keys under the new passphrase are committed: a crash in
   * between leaves a stale file, and a typed passphrase still unlocks. */
  path = passphrase_path (self->store);
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "The CA keys now need the new passphrase, but %s could not be removed: %s",
                   path, g_strerror (saved_errno));
      return FALSE;
    }

  /* A loaded root key stays encrypted in memory under the passphrase it
   * was loaded with; take the re-encrypted one, or the next change would
   * try to decrypt it with this passphrase and fail. */
  if (!scm_store_load_ca (self->store, &chain, &issuing_key, &root_key, &local_error)
      || (reloaded = scm_ca_load (chain, issuing_key, root_key, passphrase, &local_error)) == NULL)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_FAILED,
                   "The CA keys now need the new passphrase, but they could not be reloaded (%s); "
                   "restart before changing the passphrase again",
                   local_error->message);
      return FALSE;
    }
  replace_ca (self, reloaded);
  return TRUE;
}

gboolean
scm_authority_import_ca (ScmAuthority *self,
                         GBytes       *data,
                         const char   *password,
                         GError      **error)
{
  g_autoptr (ScmCa) imported = NULL;
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (SCM_IS_AUTHORITY (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  imported = scm_ca_import (data, password, error);
  if (imported == NULL)
    return FALSE;

  /* The imported key gets the protection the current one has. Certificates
   * of the retired CA stay in the store but no longer appear in a CRL: the
   * CRL is signed by the issuing CA in use. */
  locker = g_mutex_locker_new (&self->lock);
  if (!save_ca (self->store, imported, self->passphrase, self->passphrase, error))
    return FALSE;

  replace_ca (self, imported);
  return TRUE;
}

char *
scm_authority_process_owner (void)
{
  g_autofree char *stat = NULL;
  const char *start_time = "0";
  g_auto (GStrv) fields = NULL;
  const char *close_paren;

  /* Field 22 of /proc/self/stat, the start time, tells a live process from
   * a later one that reused the pid. The command name (field 2) may hold
   * spaces, so count from its closing parenthesis. */
  if (g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL)
      && (close_paren = strrchr (stat, ')')) != NULL)
    {
      fields = g_strsplit (close_paren + 2, " ", 0);
      if (g_strv_length (fields) > 19)
        start_time = fields[19];
    }
  return g_strdup_printf ("%s:%d:%s", g_get_host_name (), (int) getpid (), start_time);
}

static gboolean
owner_is_alive (const char *owner)
{
  g_auto (GStrv) parts = NULL;
  g_autofree char *stat_path = NULL;
  g_autofree char *stat = NULL;
  g_auto (GStrv) fields = NULL;
  const char *close_paren;
  gint64 pid;

  if (owner == NULL)
    return FALSE;
  parts = g_strsplit (owner, ":", 3);
  if (g_strv_length (parts) != 3)
    return FALSE;
  /* Another host's process cannot be checked from here: assume it lives. */
  if (!g_str_equal (parts[0], g_get_host_name ()))
    return TRUE;

  pid = g_ascii_strtoll (parts[1], NULL, 10);
  if (pid <= 0 || (kill ((pid_t) pid, 0) != 0 && errno == ESRCH))
    return FALSE;

  stat_path = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/stat", pid);
  if (!g_file_get_contents (stat_path, &stat, NULL, NULL)
      || (close_paren = strrchr (stat, ')')) == NULL)
    return FALSE;
  fields = g_strsplit (close_paren + 2, " ", 0);
  return g_strv_length (fields) > 19 && g_str_equal (fields[19], parts[2]);
}

guint
scm_authority_reconcile (ScmStore *store,
                         GError  **error)
{
  g_autoptr (GPtrArray) pending = NULL;
  guint reconciled = 0;

  g_return_val_if_fail (SCM_IS_STORE (store), 0);

  pending = scm_store_list_pending_certificates (store, error);
  if (pending == NULL)
    return 0;

  for (guint i = 0; i < pending->len; i++)
    {
      ScmCertificate *certificate = g_ptr_array_index (pending, i);

      if (owner_is_alive (scm_certificate_get_owner (certificate)))
        continue;
      /* Nothing was delivered: the certificate commit never happened. */
      if (!scm_store_fail_pending_certificate (store,
                                               scm_certificate_get_id (certificate),
                                               "The issuing process stopped before the certificate was stored; it was never delivered",
                                               error))
        return reconciled;
      reconciled++;
    }
  return reconciled;
}

char *
scm_authority_dup_base_url (ScmAuthority *self)
{
  g_autofree char *url = NULL;

  g_return_val_if_fail (SCM_IS_AUTHORITY (self), NULL);

  url = scm_store_get_setting (self->store, "server.public-url");
  if (url == NULL || *url == '\0')
    return NULL;
  /* No trailing slash: paths are appended as "/crl", "/ca.crt". */
  while (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  return g_steal_pointer (&url);
}

char *
scm_authority_dup_enrollment_url (ScmAuthority *self,
                                  const char   *extension)
{
  g_autofree char *base = NULL;
  g_autoptr (ScmCa) ca = NULL;

  g_return_val_if_fail (SCM_IS_AUTHORITY (self), NULL);
  g_return_val_if_fail (extension != NULL, NULL);

  ca = dup_ca (self, NULL);
  base = scm_authority_dup_base_url (self);
  if (base == NULL)
    base = g_strdup_printf ("https://%s:%d", g_get_host_name (), SCM_DEFAULT_PORT);

  /* The fragment pins our root, so the enroll window trusts the server
   * without a system trust store. */
  return g_strdup_printf ("%s/enroll/%s#sha256=%s", base, extension,
                          scm_ca_get_root_fingerprint (ca));
}

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
  domain = (GObject *) scm_store_find_delegating_domain (self->store,
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
        scm_store_get_organization (self->store, scm_person_get_organization_id (person), NULL);

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

  if (max == 0)
    return;

  certificates = scm_store_list_certificates (self->store, scm_person_get_id (person), &error);
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

      if (!scm_store_revoke_certificate (self->store, scm_certificate_get_id (oldest),
                                         SCM_REVOCATION_SUPERSEDED, now, &error))
        break;
      revoked_any = TRUE;
    }

  /* The new certificate is issued either way; a failure here is logged,
   * and the next CRL request re-signs it (see scm_authority_get_crl). */
  if (revoked_any)
    {
      g_autoptr (GBytes) crl = publish_crl (self, ca, issuer, error == NULL ? &error : NULL);
    }
  if (error != NULL)
    g_warning ("Could not revoke superseded certificates of %s: %s",
               scm_person_get_email (person), error->message);
}

ScmIssueResult *
scm_authority_issue (ScmAuthority          *self,
                     const ScmIssueRequest *request,
                     GCancellable          *cancellable,
                     GError               **error)
{
  g_autoptr (ScmIssueResult) result = NULL;
  g_autoptr (GBytes) private_key = NULL;
  g_autoptr (GBytes) public_key = NULL;
  g_autoptr (GBytes) certificate_der = NULL;
  g_autoptr (GBytes) pkcs12 = NULL;
  g_autoptr (ScmCertificateInfo) info = NULL;
  g_autoptr (GPtrArray) chain = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *serial = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *organization_name = NULL;
  g_autofree char *sans = NULL;
  g_autoptr (ScmPerson) person = NULL;
  g_autoptr (ScmProfile) profile = NULL;
  g_autoptr (ScmCa) ca = NULL;
  g_autofree char *issuer = NULL;
  ScmIssueRequest current;
  ScmCertificateTemplate tmpl = { 0 };
  ScmKeyType key_type = request->key_type;
  guint term_days;
  gint64 row_id = 0;

  g_return_val_if_fail (SCM_IS_AUTHORITY (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (SCM_IS_PERSON (request->person), NULL);
  g_return_val_if_fail (SCM_IS_PROFILE (request->profile), NULL);

  /* The caller's objects may be stale (the person deleted or no longer
   * sponsor-validated, the profile narrowed since they were read): decide
   * on what the store holds now, before any key is generated. */
  person = scm_store_get_person (self->store, scm_person_get_id (request->person), error);
  if (person == NULL)
    return NULL;
  profile = scm_store_get_profile (self->store, scm_profile_get_id (request->profile), error);
  if (profile == NULL)
    return NULL;
  current = *request;
  current.person = person;
  current.profile = profile;
  request = &current;

  term_days = request->term_days ? request->term_days : shortest_term (scm_profile_get_terms (request->profile));

  if (request->csr != NULL)
    {
      public_key = scm_csr_parse (g_bytes_get_data (request->csr, NULL),
                                  g_bytes_get_size (request->csr), &key_type, error);
      if (public_key == NULL)
        return NULL;
    }

  if (!check_request (self, request, key_type, term_days, error))
    return NULL;
  fill_subject (self, request, &tmpl, &organization_name);
  if (!check_subject (&tmpl, error))
    return NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (request->csr == NULL)
    {
      private_key = scm_key_generate (key_type, error);
      if (private_key == NULL)
        return NULL;
      public_key = scm_key_get_public (private_key, error);
      if (public_key == NULL)
        return NULL;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* The pending row reserves the serial and is committed before signing,
   * so a crash after signing leaves a trace that reconciliation resolves. */
  ca = dup_ca (self, &issuer);
  owner = scm_authority_process_owner ();
  for (guint draw = 0; draw < SERIAL_DRAWS && row_id == 0; draw++)
    {
      g_clear_error (&local_error);
      g_free (serial);
      serial = scm_ca_generate_serial ();
      row_id = scm_store_add_pending_certificate (self->store, issuer, serial,
                                                  scm_person_get_id (request->person),
                                                  request->form_id, request->account_id,
                                                  scm_profile_get_id (request->profile),
                                                  key_type, request->requested_via,
                                                  owner, &local_error);
      if (row_id == 0 && !g_error_matches (local_error, SCM_ERROR, SCM_ERROR_DUPLICATE))
        break;
    }
  if (row_id == 0)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  maybe_hang ("pending");

  base_url = scm_authority_dup_base_url (self);
  tmpl.public_key = public_key;
  tmpl.serial_hex = serial;
  tmpl.purpose = scm_profile_get_purpose (request->profile);
  tmpl.policy_oid = scm_profile_get_policy_oid (request->profile);
  tmpl.term_days = term_days;
  tmpl.base_url = base_url;

  certificate_der = scm_ca_issue (ca, &tmpl, &local_error);
  if (certificate_der != NULL)
    info = scm_x509_describe (certificate_der, &local_error);
  chain = scm_ca_get_chain (ca);
  if (info != NULL && private_key != NULL)
    pkcs12 = scm_pkcs12_build (private_key, certificate_der, chain,
                               request->friendly_name ? request->friendly_name : tmpl.email,
                               request->pkcs12_password, request->protection, &local_error);
  maybe_hang ("signed");

  if (info == NULL || (private_key != NULL && pkcs12 == NULL)
      || g_cancellable_set_error_if_cancelled (cancellable, &local_error))
    {
      /* Not committed, so never delivered: record why and give up. */
      scm_store_fail_pending_certificate (self->store, row_id, local_error->message, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  sans = g_strjoinv (",", info->emails);
  if (!scm_store_complete_certificate (self->store, row_id, certificate_der, info->subject, sans,
                                       info->not_before, info->not_after, info->fingerprint,
                                       error))
    {
      scm_store_fail_pending_certificate (self->store, row_id, "The certificate could not be stored", NULL);
      return NULL;
    }

  enforce_profile_limit (self, ca, issuer, person, profile);

  result = g_new0 (ScmIssueResult, 1);
  result->certificate = scm_store_find_certificate_by_serial (self->store, serial, error);
  if (result->certificate == NULL)
    return NULL;
  result->certificate_der = g_steal_pointer (&certificate_der);
  result->chain_pem = g_bytes_ref (scm_ca_get_chain_pem (ca));
  result->pkcs12 = g_steal_pointer (&pkcs12);
  return g_steal_pointer (&result);
}

gboolean
scm_authority_revoke (ScmAuthority        *self,
                      const char          *serial_hex,
                      ScmRevocationReason  reason,
                      GError             **error)
{
  g_autoptr (ScmCertificate) certificate = NULL;
  g_autoptr (GBytes) crl = NULL;

  g_return_val_if_fail (SCM_IS_AUTHORITY (self), FALSE);
  g_return_val_if_fail (serial_hex != NULL, FALSE);

  certificate = scm_store_find_certificate_by_serial (self->store, serial_hex, error);
  if (certificate == NULL)
    return FALSE;
  if (!scm_store_revoke_certificate (self->store, scm_certificate_get_id (certificate), reason,
                                     g_get_real_time () / G_USEC_PER_SEC, error))
    return FALSE;

  crl = scm_authority_publish_crl (self, error);
  return crl != NULL;
}

/* Signs a CRL of @issuer's revoked certificates and stores it with the
 * next CRL number, in one write transaction: two programs publishing at
 * once get consecutive numbers instead of a collision. */
static GBytes *
publish_crl (ScmAuthority *self,
             ScmCa        *ca,
             const char   *issuer,
             GError      **error)
{
  g_autoptr (GPtrArray) revoked = NULL;
  g_autoptr (GArray) entries = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GDateTime) next_update = NULL;
  g_autoptr (GBytes) crl = NULL;
  guint64 number;
  gint64 days;

  if (!scm_store_begin (self->store, error))
    return NULL;

  revoked = scm_store_list_revoked_certificates (self->store, issuer, error);
  if (revoked == NULL)
    {
      scm_store_rollback (self->store);
      return NULL;
    }

  entries = g_array_sized_new (FALSE, TRUE, sizeof (ScmRevokedEntry), revoked->len);
  for (guint i = 0; i < revoked->len; i++)
    {
      ScmCertificate *certificate = g_ptr_array_index (revoked, i);
      ScmRevokedEntry entry = { 0 };

      entry.serial_hex = scm_certificate_get_serial (certificate);
      entry.revocation_time = g_date_time_new_from_unix_utc (scm_certificate_get_revoked_at (certificate));
      entry.reason = scm_certificate_get_revocation_reason (certificate);
      g_array_append_val (entries, entry);
    }

  days = MAX (1, scm_store_get_setting_int (self->store, "crl.next-update-days"));
  now = g_date_time_new_now_utc ();
  next_update = g_date_time_add_days (now, (int) days);
  number = scm_store_next_crl_number (self->store, issuer);

  crl = scm_ca_sign_crl (ca, number, now, next_update,
                         (const ScmRevokedEntry *) entries->data, entries->len, error);
  for (guint i = 0; i < entries->len; i++)
    g_date_time_unref (g_array_index (entries, ScmRevokedEntry, i).revocation_time);

  if (crl == NULL
      || !scm_store_add_crl (self->store, issuer, number,
                             g_date_time_to_unix (now), g_date_time_to_unix (next_update),
                             crl, error)
      || !scm_store_commit (self->store, error))
    {
      if (scm_store_in_transaction (self->store))
        scm_store_rollback (self->store);
      return NULL;
    }
  return g_steal_pointer (&crl);
}

GBytes *
scm_authority_publish_crl (ScmAuthority *self,
                           GError      **error)
{
  g_autoptr (ScmCa) ca = NULL;
  g_autofree char *issuer = NULL;

  g_return_val_if_fail (SCM_IS_AUTHORITY (self), NULL);

  ca = dup_ca (self, &issuer);
  return publish_crl (self, ca, issuer, error);
}

/* The newest revocation time among @issuer's certificates, or 0. */
static gint64
latest_revocation (ScmAuthority *self,
                   const char   *issuer)
{
  g_autoptr (GPtrArray) revoked = scm_store_list_revoked_certificates (self->store, issuer, NULL);
  gint64 latest = 0;

  for (guint i = 0; revoked != NULL && i < revoked->len; i++)
    latest = MAX (latest, scm_certificate_get_revoked_at (g_ptr_array_index (revoked, i)));
  return latest;
}

GBytes *
scm_authority_get_crl (ScmAuthority *self,
                       GError      **error)
{
  g_autoptr (GBytes) crl = NULL;
  g_autoptr (ScmCa) ca = NULL;
  g_autofree char *issuer = NULL;
  guint64 number = 0;
  gint64 this_update = 0;
  gint64 next_update = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (SCM_IS_AUTHORITY (self), NULL);

  ca = dup_ca (self, &issuer);

  /* The stored CRL serves while it is more than a day from its next update
   * and no revocation came after it (one whose CRL could not be published
   * at the time, or made by another program). */
  if (scm_store_get_latest_crl (self->store, issuer, &number, &this_update, &next_update,
                                &crl, NULL)
      && crl != NULL
      && next_update - now > 24 * 60 * 60
      && latest_revocation (self, issuer) <= this_update)
    return g_steal_pointer (&crl);
  return publish_crl (self, ca, issuer, error);
}
