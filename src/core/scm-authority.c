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
#include "scm-authority-private.h"
#include "scm-error.h"
#include "scm-key.h"
#include "scm-organization.h"
#include "scm-pkcs12.h"
#include "scm-secret.h"
#include "scm-x509.h"

#define PASSPHRASE_FILE "ca.passphrase"

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
  g_clear_error (&result->error);
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
ScmCa *
scm_authority_dup_ca (ScmAuthority  *self,
                      char         **issuer)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (issuer != NULL)
    *issuer = g_strdup (self->issuer);
  return g_object_ref (self->ca);
}

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
 * window and `scm-enrollctl serve` start unattended. Two programs starting
 * at once both end up with the one that got there first. */
static char *
load_or_create_embedded_passphrase (ScmStore *store,
                                    GError  **error)
{
  g_autofree char *path = passphrase_path (store);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      char *fresh = scm_secret_generate (SCM_SECRET_KIND_PKCS12_PASSWORD);
      gboolean created = scm_secret_file_create (path, fresh, strlen (fresh), error);

      scm_secret_free (fresh);
      if (!created)
        return NULL;
    }
  return read_embedded_passphrase (store, error);
}

gboolean
scm_authority_needs_passphrase (ScmStore *store)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (SCM_IS_STORE (store), FALSE);

  path = passphrase_path (store);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return FALSE;
  /* No CA yet: the first start creates one with an embedded passphrase. */
  return scm_store_load_ca (store, NULL, NULL, NULL, NULL);
}

/* @ca's keys encrypted under @passphrase (the slow part: the KDF). A loaded
 * root key stays encrypted in memory, so it is re-encrypted from
 * @old_passphrase. */
static gboolean
export_ca_keys (ScmCa       *ca,
                const char  *old_passphrase,
                const char  *passphrase,
                GBytes     **issuing_key,
                GBytes     **root_key,
                GError     **error)
{
  *issuing_key = scm_ca_export_issuing_key (ca, passphrase, error);
  *root_key = NULL;
  if (*issuing_key == NULL)
    return FALSE;
  if (scm_ca_has_root_key (ca))
    {
      g_autoptr (GBytes) stored = scm_ca_export_root_key (ca, old_passphrase, error);

      if (stored == NULL)
        return FALSE;
      if (g_strcmp0 (old_passphrase, passphrase) == 0)
        *root_key = g_steal_pointer (&stored);
      else
        *root_key = scm_ca_change_key_passphrase (stored, old_passphrase, passphrase, error);
      if (*root_key == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Stores @ca's keys under @passphrase. */
static gboolean
save_ca (ScmStore   *store,
         ScmCa      *ca,
         const char *old_passphrase,
         const char *passphrase,
         GError    **error)
{
  g_autoptr (GBytes) issuing_key = NULL;
  g_autoptr (GBytes) root_key = NULL;

  if (!export_ca_keys (ca, old_passphrase, passphrase, &issuing_key, &root_key, error))
    return FALSE;
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

      /* First start: a root and an issuing CA of our own, made and encrypted
       * before taking the store's write lock (that takes seconds), and saved
       * only if no other program saved one meanwhile: two programs starting
       * at once end up with one CA. */
      g_autoptr (ScmCa) generated = NULL;
      g_autoptr (GBytes) new_issuing_key = NULL;
      g_autoptr (GBytes) new_root_key = NULL;

      if (passphrase == NULL)
        {
          embedded = load_or_create_embedded_passphrase (store, error);
          if (embedded == NULL)
            return NULL;
          passphrase = embedded;
        }
      organization = organization_for_new_ca (store);
      generated = scm_ca_new_generated (organization, error);
      if (generated == NULL
          || !export_ca_keys (generated, passphrase, passphrase, &new_issuing_key, &new_root_key, error)
          || !scm_store_begin (store, error))
        {
          g_clear_pointer (&embedded, scm_secret_free);
          return NULL;
        }
      g_clear_error (&local_error);
      if (scm_store_load_ca (store, &chain, &issuing_key, &root_key, &local_error))
        {
          ScmAuthority *other = NULL;

          if (scm_store_commit (store, error))
            other = scm_authority_open (store, passphrase, error);
          g_clear_pointer (&embedded, scm_secret_free);
          return other;
        }
      if (!scm_store_save_ca (store, scm_ca_get_chain_pem (generated), new_issuing_key, new_root_key, error)
          || !scm_store_commit (store, error))
        {
          if (scm_store_in_transaction (store))
            scm_store_rollback (store);
          g_clear_pointer (&embedded, scm_secret_free);
          return NULL;
        }
      self->ca = g_steal_pointer (&generated);
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

gboolean
scm_authority_process_is_alive (const char *owner)
{
  return owner_is_alive (owner);
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

  ca = scm_authority_dup_ca (self, NULL);
  base = scm_authority_dup_base_url (self);
  if (base == NULL)
    base = g_strdup_printf ("https://%s:%d", g_get_host_name (), SCM_DEFAULT_PORT);

  /* The fragment pins our root, so the enroll window trusts the server
   * without a system trust store. */
  return g_strdup_printf ("%s/enroll/%s#sha256=%s", base, extension,
                          scm_ca_get_root_fingerprint (ca));
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

gboolean
scm_authority_revoke_person (ScmAuthority        *self,
                             gint64               person_id,
                             ScmRevocationReason  reason,
                             GPtrArray          **out_revoked,
                             GError             **error)
{
  g_autoptr (GPtrArray) certificates = NULL;
  g_autoptr (GPtrArray) revoked = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GBytes) crl = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (SCM_IS_AUTHORITY (self), FALSE);
  g_return_val_if_fail (out_revoked == NULL || *out_revoked == NULL, FALSE);

  /* All of them or none: a person leaving must not keep one by accident. */
  if (!scm_store_begin (self->store, error))
    return FALSE;
  certificates = scm_store_list_certificates (self->store, person_id, error);
  if (certificates == NULL)
    {
      scm_store_rollback (self->store);
      return FALSE;
    }
  for (guint i = 0; i < certificates->len; i++)
    {
      ScmCertificate *certificate = g_ptr_array_index (certificates, i);

      if (scm_certificate_get_status (certificate) != SCM_CERT_STATUS_ISSUED
          || scm_certificate_get_not_after (certificate) <= now)
        continue;
      if (!scm_store_revoke_certificate (self->store, scm_certificate_get_id (certificate), reason,
                                         now, error))
        {
          scm_store_rollback (self->store);
          return FALSE;
        }
      g_ptr_array_add (revoked, g_object_ref (certificate));
    }
  if (!scm_store_commit (self->store, error))
    return FALSE;

  if (revoked->len > 0)
    {
      /* The revocations stand even if signing fails now: the next CRL
       * request re-signs (scm_authority_get_crl() sees them). */
      crl = scm_authority_publish_crl (self, error);
      if (crl == NULL)
        return FALSE;
    }
  if (out_revoked != NULL)
    *out_revoked = g_steal_pointer (&revoked);
  return TRUE;
}

/* Signs a CRL of @issuer's revoked certificates and stores it with the
 * next CRL number, in one write transaction: two programs publishing at
 * once get consecutive numbers instead of a collision. */
GBytes *
scm_authority_publish_crl_for (ScmAuthority *self,
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

  ca = scm_authority_dup_ca (self, &issuer);
  return scm_authority_publish_crl_for (self, ca, issuer, error);
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

  ca = scm_authority_dup_ca (self, &issuer);

  /* The stored CRL serves while it is more than a day from its next update
   * and no revocation came after it (one whose CRL could not be published
   * at the time, or made by another program). */
  if (scm_store_get_latest_crl (self->store, issuer, &number, &this_update, &next_update,
                                &crl, NULL)
      && crl != NULL
      && next_update - now > 24 * 60 * 60
      && scm_store_get_latest_revocation (self->store, issuer) <= this_update)
    return g_steal_pointer (&crl);
  return scm_authority_publish_crl_for (self, ca, issuer, error);
}
