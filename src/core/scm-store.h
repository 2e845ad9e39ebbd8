/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "scm-account.h"
#include "scm-audit-event.h"
#include "scm-certificate.h"
#include "scm-department.h"
#include "scm-domain.h"
#include "scm-form.h"
#include "scm-organization.h"
#include "scm-person.h"
#include "scm-profile.h"
#include "scm-types.h"

G_BEGIN_DECLS

#define SCM_TYPE_STORE (scm_store_get_type ())

/**
 * ScmStore:
 *
 * The SQLite database of one data directory, the only code that touches
 * SQLite. Every public call is thread-safe: it holds the store's recursive
 * lock, so calls from other threads wait.
 *
 * Mutations: each create/update/delete validates everything, changes the
 * database and appends its audit event in one transaction; on any error
 * nothing is changed (SCM_ERROR_INVALID, _NOT_FOUND, _DUPLICATE, _IN_USE,
 * _NOT_DELEGATED…, each with one sentence saying what to do).
 *
 * Transactions: a caller combining several calls brackets them with
 * scm_store_begin() and scm_store_commit() (or scm_store_rollback()).
 * They nest: the outermost level is BEGIN IMMEDIATE … COMMIT, inner levels
 * are SAVEPOINTs, so a failing call inside an outer transaction undoes
 * only itself and the caller decides whether to go on. The thread that
 * begins holds the store's lock until the matching commit or rollback:
 * begin and commit must happen on the same thread, and other threads wait
 * meanwhile.
 *
 * Objects: create_*() take a new object and fill in its id, timestamps and
 * normalized fields (trimmed names, lower-cased emails…); update_*() take a
 * modified object that get_*() or list_*() returned. Lists return a
 * GPtrArray of objects (it owns them), ordered by name unless said.
 */
G_DECLARE_FINAL_TYPE (ScmStore, scm_store, SCM, STORE, GObject)

/* The schema version this build writes (PRAGMA user_version). */
guint          scm_store_get_latest_schema_version (void);

/* $SCM_ENROLL_DATA_DIR, or $XDG_DATA_HOME/scm-enroll. */
char          *scm_store_default_data_dir          (void);

/* Opens (creating it, mode 0700, if needed) the data directory: the
 * database scm-enroll.db (mode 0600) and the installation key
 * installation.key. Upgrades an older schema; refuses a newer one with
 * SCM_ERROR_SCHEMA_TOO_NEW. */
ScmStore      *scm_store_open                      (const char *data_dir,
                                                    GError    **error);

const char    *scm_store_get_data_dir              (ScmStore   *self);
const char    *scm_store_get_database_path         (ScmStore   *self);
/* SCM_INSTALLATION_KEY_SIZE bytes; never log or copy it around. */
const guint8  *scm_store_get_installation_key      (ScmStore   *self);

/* Who audit events of mutations name ("admin" by default; the service
 * sets an email or a client address). */
const char    *scm_store_get_actor                 (ScmStore   *self);
void           scm_store_set_actor                 (ScmStore   *self,
                                                    const char *actor);

gboolean       scm_store_begin                     (ScmStore   *self,
                                                    GError    **error);
gboolean       scm_store_commit                    (ScmStore   *self,
                                                    GError    **error);
void           scm_store_rollback                  (ScmStore   *self);
/* TRUE between scm_store_begin() and its commit/rollback (this thread). */
gboolean       scm_store_in_transaction            (ScmStore   *self);

/* Settings ------------------------------------------------------------ */

/* Known keys: server.listen (ADDR:PORT), server.public-url,
 * server.tls-certificate and server.tls-key (paths of PEM files that
 * replace the endpoint's own certificate), server.autostart (true|false),
 * smtp.host, smtp.port (1..65535), smtp.security (starttls|tls|none),
 * smtp.username, smtp.password, smtp.from, limits.max-attempts (default
 * 5), limits.lockout-minutes (default 15), est.default-form (a form's URI
 * extension), crl.next-update-days (default 7), notify.expiry-days (days
 * before expiry that people are reminded, "30,7,1" by default; empty: no
 * notices), notify.admin-emails (addresses, comma-separated, that get a
 * summary of each run's notices).
 *
 * smtp.password is a credential: it is the only secret the database keeps
 * readable (SMTP servers need it in clear), it never appears in the audit
 * log, and the database file is 0600 for that reason too. */
const char * const *scm_store_list_setting_keys    (void);

/* The stored value, else the key's default, else NULL (newly allocated). */
char          *scm_store_get_setting               (ScmStore   *self,
                                                    const char *key);
/* The setting as a number (its default when unset or not a number). */
gint64         scm_store_get_setting_int           (ScmStore   *self,
                                                    const char *key);
/* Validates and stores @value; NULL removes the setting (back to its
 * default). An unknown key is SCM_ERROR_INVALID. */
gboolean       scm_store_set_setting               (ScmStore   *self,
                                                    const char *key,
                                                    const char *value,
                                                    GError    **error);

/* Certificate authority and CRLs ---------------------------------------- */

/* Replaces the current CA (the old row is kept, retired, for its CRLs).
 * The keys must already be encrypted PEM; @root_key_pem may be NULL (an
 * imported issuing CA has no root key here). */
gboolean       scm_store_save_ca                   (ScmStore   *self,
                                                    GBytes     *chain_pem,
                                                    GBytes     *issuing_key_pem,
                                                    GBytes     *root_key_pem,
                                                    GError    **error);
/* SCM_ERROR_NOT_FOUND when no CA was saved yet. *@root_key_pem may be
 * set to NULL. Any out parameter may be NULL. */
gboolean       scm_store_load_ca                   (ScmStore   *self,
                                                    GBytes    **chain_pem,
                                                    GBytes    **issuing_key_pem,
                                                    GBytes    **root_key_pem,
                                                    GError    **error);

/* Records a CRL; @number must be greater than every earlier CRL number of
 * @issuer (SCM_ERROR_INVALID otherwise). */
gboolean       scm_store_add_crl                   (ScmStore   *self,
                                                    const char *issuer,
                                                    guint64     number,
                                                    gint64      this_update,
                                                    gint64      next_update,
                                                    GBytes     *der,
                                                    GError    **error);
/* The CRL with the highest number of @issuer; SCM_ERROR_NOT_FOUND if none.
 * Any out parameter may be NULL. */
gboolean       scm_store_get_latest_crl            (ScmStore   *self,
                                                    const char *issuer,
                                                    guint64    *number,
                                                    gint64     *this_update,
                                                    gint64     *next_update,
                                                    GBytes    **der,
                                                    GError    **error);
/* One more than the highest CRL number of @issuer (1 for the first). */
guint64        scm_store_next_crl_number           (ScmStore   *self,
                                                    const char *issuer);

/* The enrollment endpoint's TLS certificate -------------------------------- */

/* Replaces the endpoint's certificate (scm-server-cert.h keeps it):
 * @names is the canonical list of names it carries, @issuer the issuing
 * CA's fingerprint, @certificate_pem the certificate and its chain, and
 * @key_pem its key, already encrypted. Audited as "server-certificate.issue". */
gboolean       scm_store_save_server_certificate   (ScmStore   *self,
                                                    const char *names,
                                                    const char *issuer,
                                                    GBytes     *certificate_pem,
                                                    GBytes     *key_pem,
                                                    gint64      not_after,
                                                    GError    **error);
/* SCM_ERROR_NOT_FOUND when none was saved. Any out parameter may be NULL. */
gboolean       scm_store_load_server_certificate   (ScmStore   *self,
                                                    char      **names,
                                                    char      **issuer,
                                                    GBytes    **certificate_pem,
                                                    GBytes    **key_pem,
                                                    gint64     *not_after,
                                                    GError    **error);

/* Audit log --------------------------------------------------------------- */

#define SCM_AUDIT_SUCCESS "success"
#define SCM_AUDIT_FAILURE "failure"

/* Appends one event (its own transaction, or the caller's). @actor NULL is
 * the store's actor; @result is SCM_AUDIT_SUCCESS or SCM_AUDIT_FAILURE.
 * Never pass a secret in @message. */
gboolean       scm_store_add_audit_event           (ScmStore   *self,
                                                    const char *actor,
                                                    const char *action,
                                                    const char *object,
                                                    const char *result,
                                                    const char *message,
                                                    GError    **error);

/* Filters for scm_store_list_audit_events(); NULL / 0 fields match all.
 * @action matches exactly, or as a prefix when it ends with "." ("person."). */
typedef struct
{
  const char *actor;
  const char *action;
  const char *object;
  const char *result;
  gint64 since;       /* µs, inclusive */
  gint64 until;       /* µs, exclusive */
  gint64 before_seq;  /* for paging back: only events with seq < before_seq */
} ScmAuditFilter;

/* Newest first, at most @limit events (0 = all). */
GPtrArray     *scm_store_list_audit_events         (ScmStore             *self,
                                                    const ScmAuditFilter *filter,
                                                    guint                 limit,
                                                    GError              **error);

/* PRAGMA integrity_check, foreign_key_check and the audit HMAC chain.
 * SCM_ERROR_TAMPERED names what is wrong, e.g. the first bad sequence
 * number ("Audit event 17 was changed or removed"). */
gboolean       scm_store_verify                    (ScmStore   *self,
                                                    GError    **error);

/* Writes a consistent copy of the database to @destination (a new file,
 * mode 0600; an existing file is refused) and the installation key next
 * to it as "@destination.key" (0600). Both are needed: without the key
 * the copy's Secret IDs, access codes and audit chain cannot be checked.
 * To restore, put them in a directory as scm-enroll.db and
 * installation.key and open it with scm_store_open(). */
gboolean       scm_store_backup                    (ScmStore   *self,
                                                    const char *destination,
                                                    GError    **error);

/* Organizations and departments -------------------------------------------- */

gboolean         scm_store_create_organization       (ScmStore        *self,
                                                      ScmOrganization *organization,
                                                      GError         **error);
ScmOrganization *scm_store_get_organization          (ScmStore        *self,
                                                      gint64           id,
                                                      GError         **error);
/* Matches without regard to case. */
ScmOrganization *scm_store_find_organization_by_name (ScmStore        *self,
                                                      const char      *name,
                                                      GError         **error);
GPtrArray       *scm_store_list_organizations        (ScmStore        *self,
                                                      GError         **error);
gboolean         scm_store_update_organization       (ScmStore        *self,
                                                      ScmOrganization *organization,
                                                      GError         **error);
/* SCM_ERROR_IN_USE while departments, domains, persons, accounts or forms
 * refer to it. */
gboolean         scm_store_delete_organization       (ScmStore        *self,
                                                      gint64           id,
                                                      GError         **error);

gboolean       scm_store_create_department       (ScmStore      *self,
                                                  ScmDepartment *department,
                                                  GError       **error);
ScmDepartment *scm_store_get_department          (ScmStore      *self,
                                                  gint64         id,
                                                  GError       **error);
ScmDepartment *scm_store_find_department_by_name (ScmStore      *self,
                                                  gint64         organization_id,
                                                  const char    *name,
                                                  GError       **error);
/* @organization_id 0 lists the departments of all organizations. */
GPtrArray     *scm_store_list_departments        (ScmStore      *self,
                                                  gint64         organization_id,
                                                  GError       **error);
/* A department cannot move to another organization. */
gboolean       scm_store_update_department       (ScmStore      *self,
                                                  ScmDepartment *department,
                                                  GError       **error);
gboolean       scm_store_delete_department       (ScmStore      *self,
                                                  gint64         id,
                                                  GError       **error);

/* Delegated domains --------------------------------------------------------- */

/* New domains are pending; see scm_store_set_domain_validated(). */
gboolean   scm_store_create_domain          (ScmStore   *self,
                                             ScmDomain  *domain,
                                             GError    **error);
ScmDomain *scm_store_get_domain             (ScmStore   *self,
                                             gint64      id,
                                             GError    **error);
/* The domain @name delegated to exactly this organization/department
 * (@department_id 0: to the whole organization). */
ScmDomain *scm_store_find_domain            (ScmStore   *self,
                                             const char *name,
                                             gint64      organization_id,
                                             gint64      department_id,
                                             GError    **error);
/* @organization_id 0 lists all. */
GPtrArray *scm_store_list_domains           (ScmStore   *self,
                                             gint64      organization_id,
                                             GError    **error);
/* Changing the name or the delegation makes the domain pending again and
 * is refused while persons use it. */
gboolean   scm_store_update_domain          (ScmStore   *self,
                                             ScmDomain  *domain,
                                             GError    **error);
gboolean   scm_store_delete_domain          (ScmStore   *self,
                                             gint64      id,
                                             GError    **error);
gboolean   scm_store_set_domain_validated   (ScmStore   *self,
                                             ScmDomain  *domain,
                                             gboolean    validated,
                                             GError    **error);
/* The validated domain that makes @email eligible for the organization /
 * department: one delegated to the organization (which covers all its
 * departments) or to that department, equal to the email's domain or a
 * "*." parent of it. Otherwise SCM_ERROR_NOT_DELEGATED saying why
 * ("example.org is not a delegated domain of Acme / Sales", or "…is
 * delegated but still pending validation"). */
ScmDomain *scm_store_find_delegating_domain (ScmStore   *self,
                                             const char *email,
                                             gint64      organization_id,
                                             gint64      department_id,
                                             GError    **error);

/* Certificate profiles -------------------------------------------------------- */

gboolean    scm_store_create_profile       (ScmStore   *self,
                                            ScmProfile *profile,
                                            GError    **error);
ScmProfile *scm_store_get_profile          (ScmStore   *self,
                                            gint64      id,
                                            GError    **error);
ScmProfile *scm_store_find_profile_by_name (ScmStore   *self,
                                            const char *name,
                                            GError    **error);
GPtrArray  *scm_store_list_profiles        (ScmStore   *self,
                                            GError    **error);
/* Built-in profiles can be edited (they stay built-in). */
gboolean    scm_store_update_profile       (ScmStore   *self,
                                            ScmProfile *profile,
                                            GError    **error);
/* Built-in profiles and profiles in use are refused. */
gboolean    scm_store_delete_profile       (ScmStore   *self,
                                            gint64      id,
                                            GError    **error);

/* Enrollment forms ---------------------------------------------------------------- */

/* A NULL uri-extension gets a random one of 128 bits (32 hex digits). */
gboolean  scm_store_create_form                (ScmStore   *self,
                                                ScmForm    *form,
                                                GError    **error);
ScmForm  *scm_store_get_form                   (ScmStore   *self,
                                                gint64      id,
                                                GError    **error);
ScmForm  *scm_store_find_form_by_name          (ScmStore   *self,
                                                const char *name,
                                                GError    **error);
ScmForm  *scm_store_find_form_by_uri_extension (ScmStore   *self,
                                                const char *uri_extension,
                                                GError    **error);
GPtrArray *scm_store_list_forms                (ScmStore   *self,
                                                GError    **error);
/* Refused when it would drop an organization that one of its accounts
 * belongs to. */
gboolean  scm_store_update_form                (ScmStore   *self,
                                                ScmForm    *form,
                                                GError    **error);
/* Refused while accounts or certificates refer to the form. */
gboolean  scm_store_delete_form                (ScmStore   *self,
                                                gint64      id,
                                                GError    **error);
/* Gives the form a new random URI extension (the old URL stops working)
 * and stores it in @form too. */
gboolean  scm_store_regenerate_form_extension  (ScmStore   *self,
                                                ScmForm    *form,
                                                GError    **error);

/* Accounts ---------------------------------------------------------------------------- */

gboolean    scm_store_create_account        (ScmStore   *self,
                                             ScmAccount *account,
                                             GError    **error);
ScmAccount *scm_store_get_account           (ScmStore   *self,
                                             gint64      id,
                                             GError    **error);
ScmAccount *scm_store_find_account_by_name  (ScmStore   *self,
                                             gint64      form_id,
                                             const char *name,
                                             GError    **error);
/* @form_id 0 lists the accounts of all forms. */
GPtrArray  *scm_store_list_accounts         (ScmStore   *self,
                                             gint64      form_id,
                                             GError    **error);
gboolean    scm_store_update_account        (ScmStore   *self,
                                             ScmAccount *account,
                                             GError    **error);
/* Refused while certificates refer to the account. */
gboolean    scm_store_delete_account        (ScmStore   *self,
                                             gint64      id,
                                             GError    **error);
/* Generates a new access code, stores only its keyed hash and hands it
 * out once in *@out_code (free with scm_secret_free()). */
gboolean    scm_store_generate_access_code  (ScmStore   *self,
                                             ScmAccount *account,
                                             char      **out_code,
                                             GError    **error);
/* Constant-time; FALSE when the account has no access code. */
gboolean    scm_store_verify_access_code    (ScmStore   *self,
                                             gint64      account_id,
                                             const char *code);

/* Persons ------------------------------------------------------------------------------ */

/* Fills domain-id with scm_store_find_delegating_domain()'s answer, the
 * common name with "First Last" when empty, created/modified by/at. */
gboolean   scm_store_create_person               (ScmStore   *self,
                                                  ScmPerson  *person,
                                                  GError    **error);
/* Also returns soft-deleted persons (deleted-at is set). */
ScmPerson *scm_store_get_person                  (ScmStore   *self,
                                                  gint64      id,
                                                  GError    **error);
/* Only persons that are not deleted; any case. */
ScmPerson *scm_store_find_person_by_email        (ScmStore   *self,
                                                  const char *email,
                                                  GError    **error);
/* Ordered by last name, first name, email. @organization_id 0 = all. */
GPtrArray *scm_store_list_persons                (ScmStore   *self,
                                                  gint64      organization_id,
                                                  gboolean    include_deleted,
                                                  GError    **error);
gint64     scm_store_count_persons               (ScmStore   *self,
                                                  gint64      organization_id);
/* Does not touch the Secret ID or the sponsor validation. */
gboolean   scm_store_update_person               (ScmStore   *self,
                                                  ScmPerson  *person,
                                                  GError    **error);
/* Soft deletion: the row stays for its certificates, its email becomes
 * free for a new person and its Secret ID is forgotten. */
gboolean   scm_store_delete_person               (ScmStore   *self,
                                                  gint64      id,
                                                  GError    **error);
/* Records (or clears) the sponsor's validation: who (the actor) and when. */
gboolean   scm_store_set_person_sponsor_validated (ScmStore  *self,
                                                   ScmPerson *person,
                                                   gboolean   validated,
                                                   GError   **error);
/* A typed Secret ID: refused when too weak (SCM_ERROR_WEAK_SECRET) or
 * already another person's (SCM_ERROR_DUPLICATE). NULL removes it. */
gboolean   scm_store_set_person_secret_id        (ScmStore   *self,
                                                  ScmPerson  *person,
                                                  const char *typed,
                                                  GError    **error);
/* A new random Secret ID, handed out once in *@out (free with
 * scm_secret_free()). */
gboolean   scm_store_generate_person_secret_id   (ScmStore   *self,
                                                  ScmPerson  *person,
                                                  char      **out,
                                                  GError    **error);
/* Constant-time check of a person's (not deleted) Secret ID. */
gboolean   scm_store_verify_person_secret_id     (ScmStore   *self,
                                                  const char *email,
                                                  const char *secret);

/* Bulk writing of persons (the CSV import) ------------------------------------------------ */

/**
 * ScmStorePersonBatch:
 *
 * Many persons in one transaction, fast: scm_store_person_batch_begin()
 * starts the transaction (holding the store, like scm_store_begin()), then
 * _create() and _update() check each person exactly as
 * scm_store_create_person() and scm_store_update_person() do and write
 * it, then _commit() or _rollback() ends the transaction and frees the
 * batch — on the thread that began it. Each update has its audit event;
 * the creations share one "person.create" event written at commit (each
 * person keeps its created-by and created-at), as 100,000 links of the
 * audit chain would cost more than the persons themselves.
 *
 * Unlike single calls, a batch caches the organization, department and
 * delegated-domain lookups (the transaction keeps them current) and takes
 * no savepoint per person: a refused person (SCM_ERROR_INVALID,
 * _DUPLICATE, _NOT_DELEGATED, _NOT_FOUND, _WEAK_SECRET) has written
 * nothing and the batch goes on, while any other failure spoils the batch
 * and makes _commit() fail.
 */
typedef struct _ScmStorePersonBatch ScmStorePersonBatch;

/* @source completes the audit messages: "Person created in Acme by @source". */
ScmStorePersonBatch *scm_store_person_batch_begin    (ScmStore            *self,
                                                      const char          *source,
                                                      GError             **error);
/* The id of the live person with @email (any case), or 0. */
gint64               scm_store_person_batch_find     (ScmStorePersonBatch *batch,
                                                      const char          *email);
/* @secret_id: a typed Secret ID (checked for strength and for reuse), or
 * NULL. With @generated_secret_id, a person left without a Secret ID gets
 * a new one, handed out once there (free with scm_secret_free()). */
gboolean             scm_store_person_batch_create   (ScmStorePersonBatch *batch,
                                                      ScmPerson           *person,
                                                      const char          *secret_id,
                                                      char               **generated_secret_id,
                                                      GError             **error);
/* @person has the id of a live person; a NULL @secret_id keeps theirs. */
gboolean             scm_store_person_batch_update   (ScmStorePersonBatch *batch,
                                                      ScmPerson           *person,
                                                      const char          *secret_id,
                                                      char               **generated_secret_id,
                                                      GError             **error);
gboolean             scm_store_person_batch_commit   (ScmStorePersonBatch *batch,
                                                      GError             **error);
void                 scm_store_person_batch_rollback (ScmStorePersonBatch *batch);

/* Certificates ---------------------------------------------------------------------------- */

/* A pending row written before signing. @serial_hex in either case is
 * stored upper-case. SCM_ERROR_DUPLICATE when (@issuer, @serial_hex)
 * exists: draw another serial. @form_id and
 * @account_id may be 0. @owner names the issuing process so a start-up
 * check can tell its own crashed rows. Returns the id, or 0 on error. */
gint64          scm_store_add_pending_certificate      (ScmStore           *self,
                                                        const char         *issuer,
                                                        const char         *serial_hex,
                                                        gint64              person_id,
                                                        gint64              form_id,
                                                        gint64              account_id,
                                                        gint64              profile_id,
                                                        ScmKeyType          key_type,
                                                        ScmRequestedVia     via,
                                                        const char         *owner,
                                                        GError            **error);
/* pending → issued, with the "certificate.issue" audit event, atomically.
 * @fingerprint is the SHA-256 of @der in hex (stored lower-case). */
gboolean        scm_store_complete_certificate         (ScmStore           *self,
                                                        gint64              id,
                                                        GBytes             *der,
                                                        const char         *subject,
                                                        const char         *sans,
                                                        gint64              not_before,
                                                        gint64              not_after,
                                                        const char         *fingerprint,
                                                        GError            **error);
/* pending → failed, with a failure audit event naming @reason. */
gboolean        scm_store_fail_pending_certificate     (ScmStore           *self,
                                                        gint64              id,
                                                        const char         *reason,
                                                        GError            **error);
GPtrArray      *scm_store_list_pending_certificates    (ScmStore           *self,
                                                        GError            **error);
/* issued (or expired) → revoked; @when 0 means now. Revoking twice is
 * SCM_ERROR_INVALID. */
gboolean        scm_store_revoke_certificate           (ScmStore           *self,
                                                        gint64              id,
                                                        ScmRevocationReason reason,
                                                        gint64              when,
                                                        GError            **error);
ScmCertificate *scm_store_get_certificate              (ScmStore           *self,
                                                        gint64              id,
                                                        GError            **error);
ScmCertificate *scm_store_find_certificate_by_serial   (ScmStore           *self,
                                                        const char         *serial_hex,
                                                        GError            **error);
/* Newest first, without DER (get/find fill it). @person_id 0 = all. */
GPtrArray      *scm_store_list_certificates            (ScmStore           *self,
                                                        gint64              person_id,
                                                        GError            **error);
/* Revoked certificates of @issuer, by revocation time, without DER. */
GPtrArray      *scm_store_list_revoked_certificates    (ScmStore           *self,
                                                        const char         *issuer,
                                                        GError            **error);
/* When @issuer's newest revocation happened (unix seconds), or 0: tells
 * whether a stored CRL is older than a revocation. */
gint64          scm_store_get_latest_revocation        (ScmStore           *self,
                                                        const char         *issuer);
/* Issued, not revoked, not expired at @now; @profile_id 0 = any profile. */
guint           scm_store_count_valid_certificates     (ScmStore           *self,
                                                        gint64              person_id,
                                                        gint64              profile_id,
                                                        gint64              now);

/* Records that certificate @id renews certificate @renewed_from (same
 * person; EST simplereenroll, the enroll window's renewal), audited as
 * "certificate.renew". */
gboolean        scm_store_set_certificate_renewed_from (ScmStore           *self,
                                                        gint64              id,
                                                        gint64              renewed_from,
                                                        GError            **error);
/* The newest certificate that renews certificate @id, without DER, or
 * NULL without an error when none does. */
ScmCertificate *scm_store_find_renewal_of              (ScmStore           *self,
                                                        gint64              id,
                                                        GError            **error);
/* Issued certificates of persons that are not deleted, expiring in
 * (@now, @until], soonest first, without DER; a certificate that a valid
 * renewal replaced is left out. */
GPtrArray      *scm_store_list_expiring_certificates   (ScmStore           *self,
                                                        gint64              now,
                                                        gint64              until,
                                                        GError            **error);

/* Expiry notices ------------------------------------------------------------------------ */

/* TRUE if the process named by @owner (scm_authority_process_owner())
 * may still be running. */
typedef gboolean (*ScmStoreOwnerAliveFunc) (const char *owner);

/* Claims the notice of certificate @certificate_id for @threshold_days
 * for @owner before it is mailed. *@out_claimed is FALSE when it was
 * sent already, or another live process (@owner_alive says) claimed it;
 * a claim left by a process that stopped is taken over. */
gboolean        scm_store_claim_expiry_notice          (ScmStore              *self,
                                                        gint64                 certificate_id,
                                                        guint                  threshold_days,
                                                        const char            *owner,
                                                        gint64                 now,
                                                        ScmStoreOwnerAliveFunc owner_alive,
                                                        gboolean              *out_claimed,
                                                        GError               **error);
/* Ends a claim: @sent marks the notice sent; otherwise the claim is
 * dropped so that the next run tries again. Audited as
 * "certificate.expiry-notice" on @object with @message either way. */
gboolean        scm_store_complete_expiry_notice       (ScmStore   *self,
                                                        gint64      certificate_id,
                                                        guint       threshold_days,
                                                        gboolean    sent,
                                                        const char *object,
                                                        const char *message,
                                                        gint64      now,
                                                        GError    **error);
/* TRUE if that notice was sent. */
gboolean        scm_store_expiry_notice_sent           (ScmStore   *self,
                                                        gint64      certificate_id,
                                                        guint       threshold_days);

/* Enrollment state: confirmation codes, sessions, lockout ----------------------------------- */

/* Every call takes @now (unix seconds) so that expiry is decided by the
 * caller's clock, and tests need no sleeping. */

/* An email confirmation code is valid this long and for this many tries. */
#define SCM_CHALLENGE_LIFETIME_SECONDS (10 * 60)
#define SCM_CHALLENGE_MAX_TRIES        5
/* The longest session scm_store_create_session() accepts. */
#define SCM_SESSION_MAX_LIFETIME_SECONDS (24 * 60 * 60)

/* A new one-time code for @email on form @form_id, sent by mail by the
 * caller: 8 digits in *@out_code (free with scm_secret_free(); only its
 * keyed hash is stored) and the challenge's public id (128 random bits,
 * 32 hex digits, g_free()) to hand to the client. It expires after
 * SCM_CHALLENGE_LIFETIME_SECONDS and allows SCM_CHALLENGE_MAX_TRIES wrong
 * tries. Every earlier unused code for the same form and email stops
 * working (a resend replaces the previous code). @client_address may be
 * NULL. Audited as "challenge.create" (actor "address:…", or "email:…"
 * without an address). */
gboolean scm_store_create_challenge      (ScmStore   *self,
                                          gint64      form_id,
                                          const char *email,
                                          const char *client_address,
                                          gint64      now,
                                          char      **out_public_id,
                                          char      **out_code,
                                          GError    **error);
/* The (lower-cased) email a challenge was created for, without checking
 * it: lets the caller check the "email:…" lockout before redeeming.
 * SCM_ERROR_NOT_FOUND for an unknown id. */
char    *scm_store_get_challenge_email   (ScmStore   *self,
                                          const char *public_id,
                                          GError    **error);
/* Checks @code in constant time; on success marks the challenge used
 * (single use) and returns its email in *@out_email (g_free()).
 * @form_id is the form the code is typed on (0 accepts any form): a code
 * requested on one form does not open another.
 * Failures, each audited as "challenge.redeem" with its precise reason
 * (actor "email:…" of the challenge, or the store's actor for an unknown
 * id), and committed even though the call fails:
 * - SCM_ERROR_NOT_FOUND: no challenge has this public id (or it was
 *   purged);
 * - SCM_ERROR_INVALID: already used, burned by too many wrong tries,
 *   replaced by a newer code, expired (at created + 10 minutes exactly),
 *   requested on another form, or the code is wrong. Only a wrong code
 *   counts a try, persisted before the answer is given; the
 *   SCM_CHALLENGE_MAX_TRIES-th wrong try burns the challenge, so even the
 *   right code fails afterwards.
 * The messages tell these apart for the audit log and the operator; the
 * end user should see one generic message. */
gboolean scm_store_redeem_challenge      (ScmStore   *self,
                                          const char *public_id,
                                          gint64      form_id,
                                          const char *code,
                                          gint64      now,
                                          char      **out_email,
                                          GError    **error);

/**
 * ScmEnrollmentSession:
 * @id: the session's row id
 * @form_id: the form it was opened on
 * @person_id: the registered person, or 0 (email confirmation of an
 *   email that is not a registered person)
 * @email: the authenticated email, lower-cased
 * @client_address: (nullable): where the session was opened from
 * @created_at: unix seconds
 * @expires_at: unix seconds; the session is refused from this second on
 * @authorized_account_ids: (element-type gint64): the accounts whose
 *   authorization step passed in this session, in the order they passed
 *
 * An authenticated enrollment session, as scm_store_lookup_session()
 * returns it. A copy: changing it changes nothing in the store.
 */
typedef struct
{
  gint64 id;
  gint64 form_id;
  gint64 person_id;
  char *email;
  char *client_address;
  gint64 created_at;
  gint64 expires_at;
  GArray *authorized_account_ids;
} ScmEnrollmentSession;

#define SCM_TYPE_ENROLLMENT_SESSION (scm_enrollment_session_get_type ())

GType                 scm_enrollment_session_get_type              (void) G_GNUC_CONST;
ScmEnrollmentSession *scm_enrollment_session_copy                  (const ScmEnrollmentSession *session);
void                  scm_enrollment_session_free                  (ScmEnrollmentSession       *session);
gboolean              scm_enrollment_session_is_account_authorized (const ScmEnrollmentSession *session,
                                                                    gint64                      account_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ScmEnrollmentSession, scm_enrollment_session_free)

/* Opens a session after the form's authentication passed: a new token of
 * 256 random bits (64 hex digits) in *@out_token (free with
 * scm_secret_free(); only its keyed hash is stored), valid for
 * @lifetime_seconds (1 … SCM_SESSION_MAX_LIFETIME_SECONDS). @person_id is
 * 0 when the email is not a registered person (email confirmation);
 * otherwise the person must exist and not be deleted. Audited as
 * "session.create" (actor "email:…"). Returns the session's id, or 0. */
gint64                scm_store_create_session            (ScmStore   *self,
                                                           gint64      form_id,
                                                           gint64      person_id,
                                                           const char *email,
                                                           const char *client_address,
                                                           gint64      lifetime_seconds,
                                                           gint64      now,
                                                           char      **out_token,
                                                           GError    **error);
/* The live session behind @token. SCM_ERROR_NOT_FOUND for an unknown (or
 * purged) token; SCM_ERROR_INVALID when it was ended, has expired at
 * @now, or belongs to another form than @form_id (0 accepts any form). */
ScmEnrollmentSession *scm_store_lookup_session            (ScmStore   *self,
                                                           const char *token,
                                                           gint64      form_id,
                                                           gint64      now,
                                                           GError    **error);
/* Records that @account_id's authorization step (none, access code or
 * Secret ID, checked by the caller) passed in the session. The account
 * must belong to the session's form, and the session must be live at
 * @now. Authorizing twice is not an error. Audited as
 * "session.authorize". */
gboolean              scm_store_authorize_session_account (ScmStore   *self,
                                                           gint64      session_id,
                                                           gint64      account_id,
                                                           gint64      now,
                                                           GError    **error);
/* Ends a session (sign-out, or after its certificate was issued): its
 * token stops working. Ending an ended session does nothing. Audited as
 * "session.end". */
gboolean              scm_store_end_session               (ScmStore   *self,
                                                           gint64      session_id,
                                                           gint64      now,
                                                           GError    **error);

/* Lockout: consecutive failures per key, such as "email:ada@example.com"
 * or "address:192.0.2.1" (the part after "email:" is compared without
 * regard to case). Check before any slow hash; record every credential
 * failure and success.
 *
 * After limits.max-attempts consecutive failures, the key is locked for
 * limits.lockout-minutes (settings; 5 and 15 by default). A failure
 * that comes more than limits.lockout-minutes after the previous one
 * starts the count over, and so does the first failure after a lockout
 * ended. */

/* FALSE with SCM_ERROR_LOCKED ("Too many failed attempts; try again
 * after 14:35.", local time) while @key is locked; *@out_locked_until
 * (may be NULL) gets the end of the lockout, or 0. Read-only: the caller
 * audits the refused request. */
gboolean              scm_store_check_attempts            (ScmStore   *self,
                                                           const char *key,
                                                           gint64      now,
                                                           gint64     *out_locked_until,
                                                           GError    **error);
/* Counts one failure; the one that reaches the limit locks the key and
 * is audited as "attempts.lock" (actor @key). */
gboolean              scm_store_record_failure            (ScmStore   *self,
                                                           const char *key,
                                                           gint64      now,
                                                           GError    **error);
/* Forgets @key's failures, unless it is locked at @now (a success never
 * lifts a lockout). */
gboolean              scm_store_record_success            (ScmStore   *self,
                                                           const char *key,
                                                           gint64      now,
                                                           GError    **error);

/* Deletes what can no longer matter at @now: challenges past their
 * expiry (used, replaced and burned ones included), sessions that
 * expired or were ended, and failure counters that neither lock nor
 * count any more. Live rows stay. Run it now and then (e.g. hourly). */
gboolean              scm_store_purge_enrollment_state    (ScmStore   *self,
                                                           gint64      now,
                                                           GError    **error);

G_END_DECLS
