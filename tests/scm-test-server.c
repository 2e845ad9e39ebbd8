/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "scm-test-server.h"
#include "scm-test-tools.h"
#include "scm-x509.h"

/* The store in @data_dir (made when missing) in *@out_store, and its
 * authority, which makes the CA on first use. */
ScmAuthority *
scm_test_open_authority (const char *data_dir,
                         ScmStore  **out_store)
{
  g_autoptr(GError) error = NULL;
  ScmAuthority *authority;

  *out_store = scm_store_open (data_dir, &error);
  g_assert_no_error (error);
  authority = scm_authority_open (*out_store, NULL, &error);
  g_assert_no_error (error);
  return authority;
}

/* Our root CA as @dir/root.pem, what the clients trust; returns the path. */
char *
scm_test_write_root_pem (ScmAuthority *authority,
                         const char   *dir)
{
  ScmCa *ca = scm_authority_get_ca (authority);
  g_autoptr(GBytes) root_pem = scm_x509_der_to_pem (scm_ca_get_root_certificate (ca));

  return scm_test_write_file (dir, "root.pem", root_pem);
}

/* On 127.0.0.1, on a port the system picks; started when @start. */
ScmEnrollmentServer *
scm_test_server_new (ScmAuthority *authority,
                     gboolean      start)
{
  g_autoptr(GError) error = NULL;
  ScmEnrollmentServer *server = scm_enrollment_server_new (authority);

  scm_enrollment_server_set_listen_address (server, "127.0.0.1");
  scm_enrollment_server_set_port (server, 0);
  if (start)
    {
      scm_enrollment_server_start (server, &error);
      g_assert_no_error (error);
    }
  return server;
}

/* Stops and drops @server, asserting that nothing else holds it. */
void
scm_test_server_stop (ScmEnrollmentServer *server)
{
  scm_enrollment_server_stop (server);
  g_assert_finalize_object (server);
}

/* A session that trusts only @root_path, from @local_address (nullable:
 * any) so that tests can be several client addresses. */
SoupSession *
scm_test_session_new (const char *root_path,
                      const char *local_address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (root_path, &error);
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  g_assert_no_error (error);
  if (local_address == NULL)
    return soup_session_new_with_options ("tls-database", database, "timeout", 120, NULL);
  inet = g_inet_address_new_from_string (local_address);
  local = g_inet_socket_address_new (inet, 0);
  return soup_session_new_with_options ("tls-database", database, "timeout", 120,
                                        "local-address", local, NULL);
}

void
scm_test_set_setting (ScmStore   *store,
                      const char *key,
                      const char *value)
{
  g_autoptr(GError) error = NULL;

  scm_store_set_setting (store, key, value, &error);
  g_assert_no_error (error);
}

/* Mail goes to @sink, in plain SMTP, from @sender. */
void
scm_test_use_smtp_sink (ScmStore    *store,
                        ScmSmtpSink *sink,
                        const char  *sender)
{
  g_autofree char *port = g_strdup_printf ("%u", scm_smtp_sink_get_port (sink));

  scm_test_set_setting (store, "smtp.host", "127.0.0.1");
  scm_test_set_setting (store, "smtp.port", port);
  scm_test_set_setting (store, "smtp.security", "none");
  scm_test_set_setting (store, "smtp.from", sender);
}

ScmOrganization *
scm_test_add_organization (ScmStore   *store,
                           const char *name)
{
  g_autoptr(GError) error = NULL;
  ScmOrganization *organization = scm_organization_new ();

  scm_organization_set_name (organization, name);
  scm_store_create_organization (store, organization, &error);
  g_assert_no_error (error);
  return organization;
}

/* @department_id 0: the domain of the whole organization. */
void
scm_test_add_domain (ScmStore   *store,
                     const char *name,
                     gint64      organization_id,
                     gint64      department_id,
                     gboolean    validated)
{
  g_autoptr(ScmDomain) domain = scm_domain_new ();
  g_autoptr(GError) error = NULL;

  scm_domain_set_name (domain, name);
  scm_domain_set_organization_id (domain, organization_id);
  scm_domain_set_department_id (domain, department_id);
  scm_store_create_domain (store, domain, &error);
  g_assert_no_error (error);
  if (validated)
    {
      scm_store_set_domain_validated (store, domain, TRUE, &error);
      g_assert_no_error (error);
    }
}

/* A registered person with a fresh Secret ID, which is returned (free it
 * with scm_secret_free()). */
char *
scm_test_add_person (ScmStore   *store,
                     const char *email,
                     const char *first,
                     const char *last,
                     gint64      organization_id,
                     gint64      department_id)
{
  g_autoptr(ScmPerson) person = scm_person_new ();
  g_autoptr(GError) error = NULL;
  char *secret = NULL;

  scm_person_set_organization_id (person, organization_id);
  scm_person_set_department_id (person, department_id);
  scm_person_set_first_name (person, first);
  scm_person_set_last_name (person, last);
  scm_person_set_email (person, email);
  scm_store_create_person (store, person, &error);
  g_assert_no_error (error);
  scm_store_generate_person_secret_id (store, person, &secret, &error);
  g_assert_no_error (error);
  return secret;
}

/* The id of the built-in "Client Authentication" profile. */
gint64
scm_test_client_auth_profile_id (ScmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScmProfile) profile = scm_store_find_profile_by_name (store, "Client Authentication",
                                                                  &error);

  g_assert_no_error (error);
  return scm_profile_get_id (profile);
}

/* An account of @form in @organization_id, with the one profile
 * @profile_id. */
ScmAccount *
scm_test_add_account (ScmStore         *store,
                      ScmForm          *form,
                      const char       *name,
                      gint64            organization_id,
                      ScmAuthorization  authorization,
                      ScmCsrMethod      methods,
                      gint64            profile_id)
{
  g_autoptr(ScmAccount) account = scm_account_new ();
  g_autoptr(GError) error = NULL;

  scm_account_set_form_id (account, scm_form_get_id (form));
  scm_account_set_name (account, name);
  scm_account_set_organization_id (account, organization_id);
  scm_account_set_authorization (account, authorization);
  scm_account_set_csr_methods (account, methods);
  scm_account_add_profile_id (account, profile_id);
  scm_store_create_account (store, account, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&account);
}
