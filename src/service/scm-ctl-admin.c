/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enrollctl"

#include "config.h"

#include <glib/gi18n.h>

#include "scm-account.h"
#include "scm-authority.h"
#include "scm-ctl-private.h"
#include "scm-department.h"
#include "scm-domain.h"
#include "scm-error.h"
#include "scm-form.h"
#include "scm-organization.h"
#include "scm-person.h"
#include "scm-secret.h"
#include "scm-store.h"

/* The administration commands follow the same rules as the dialogs: the
 * store validates, and a refusal changes nothing. */

static gboolean
resolve_org_dept (ScmStore   *store,
                  const char *org_name,
                  const char *dept_name,
                  gint64     *organization_id,
                  gint64     *department_id,
                  GError    **error)
{
  g_autoptr (ScmOrganization) organization = NULL;

  organization = scm_store_find_organization_by_name (store, org_name, error);
  if (organization == NULL)
    return FALSE;
  *organization_id = scm_organization_get_id (organization);
  *department_id = 0;

  if (dept_name != NULL)
    {
      g_autoptr (ScmDepartment) department =
        scm_store_find_department_by_name (store, *organization_id, dept_name, error);

      if (department == NULL)
        return FALSE;
      *department_id = scm_department_get_id (department);
    }
  return TRUE;
}

int
scm_ctl_org_add (ScmCtl *ctl,
                 int     argc,
                 char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmOrganization) organization = NULL;
  g_autofree char *secondary_name = NULL;
  g_autofree char *country = NULL;
  ScmStore *store;
  const GOptionEntry entries[] = {
    { "secondary-name", 0, 0, G_OPTION_ARG_STRING, &secondary_name, N_("Another name of the organization"), N_("NAME") },
    { "country", 0, 0, G_OPTION_ARG_STRING, &country, N_("Two-letter country code (ISO 3166)"), N_("CC") },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("NAME"), _("Add an organization."), entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected the organization's NAME"));

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  organization = scm_organization_new ();
  scm_organization_set_name (organization, argv[1]);
  scm_organization_set_secondary_name (organization, secondary_name);
  scm_organization_set_country (organization, country);
  if (!scm_store_create_organization (store, organization, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_dept_add (ScmCtl *ctl,
                  int     argc,
                  char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmOrganization) organization = NULL;
  g_autoptr (ScmDepartment) department = NULL;
  ScmStore *store;

  if (!scm_ctl_parse_options (ctl, _("ORGANIZATION NAME"), _("Add a department to an organization."),
                              NULL, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 3)
    return scm_ctl_usage_error (ctl, _("expected ORGANIZATION and the department's NAME"));

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  organization = scm_store_find_organization_by_name (store, argv[1], &error);
  if (organization == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  department = scm_department_new ();
  scm_department_set_organization_id (department, scm_organization_get_id (organization));
  scm_department_set_name (department, argv[2]);
  if (!scm_store_create_department (store, department, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_domain_add (ScmCtl *ctl,
                    int     argc,
                    char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmDomain) domain = NULL;
  g_autofree char *org_name = NULL;
  g_autofree char *dept_name = NULL;
  gboolean validated = FALSE;
  gint64 organization_id, department_id;
  ScmStore *store;
  const GOptionEntry entries[] = {
    { "org", 0, 0, G_OPTION_ARG_STRING, &org_name, N_("Delegate to this organization"), N_("O") },
    { "dept", 0, 0, G_OPTION_ARG_STRING, &dept_name, N_("Delegate to this department of it only"), N_("D") },
    { "validated", 0, 0, G_OPTION_ARG_NONE, &validated,
      N_("Mark it validated at once (you have checked control of the domain)"), NULL },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("DOMAIN"),
                              _("Delegate a domain (or “*.example.com” with its subdomains) to an organization "
                                "or a department. It stays pending until validated; only validated domains "
                                "admit persons."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected the DOMAIN"));
  if (org_name == NULL)
    return scm_ctl_usage_error (ctl, _("--org is required"));

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!resolve_org_dept (store, org_name, dept_name, &organization_id, &department_id, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  domain = scm_domain_new ();
  scm_domain_set_name (domain, argv[1]);
  scm_domain_set_organization_id (domain, organization_id);
  scm_domain_set_department_id (domain, department_id);

  /* Both or neither: a domain is not left half-added. */
  if (!scm_store_begin (store, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!scm_store_create_domain (store, domain, &error)
      || (validated && !scm_store_set_domain_validated (store, domain, TRUE, &error)))
    {
      scm_store_rollback (store);
      return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }
  /* A failed commit has already undone the transaction. */
  if (!scm_store_commit (store, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_domain_validate (ScmCtl *ctl,
                         int     argc,
                         char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmDomain) domain = NULL;
  g_autofree char *org_name = NULL;
  g_autofree char *dept_name = NULL;
  gboolean pending = FALSE;
  gint64 organization_id, department_id;
  ScmStore *store;
  const GOptionEntry entries[] = {
    { "org", 0, 0, G_OPTION_ARG_STRING, &org_name, N_("The organization it is delegated to"), N_("O") },
    { "dept", 0, 0, G_OPTION_ARG_STRING, &dept_name, N_("The department it is delegated to"), N_("D") },
    { "pending", 0, 0, G_OPTION_ARG_NONE, &pending, N_("Mark it pending again instead"), NULL },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("DOMAIN"), _("Mark a delegated domain as validated."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected the DOMAIN"));
  if (org_name == NULL)
    return scm_ctl_usage_error (ctl, _("--org is required"));

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!resolve_org_dept (store, org_name, dept_name, &organization_id, &department_id, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  domain = scm_store_find_domain (store, argv[1], organization_id, department_id, &error);
  if (domain == NULL || !scm_store_set_domain_validated (store, domain, !pending, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_form_add (ScmCtl *ctl,
                  int     argc,
                  char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmForm) form = NULL;
  g_autofree char *auth_name = NULL;
  g_autofree char *help_text = NULL;
  g_autofree char *help_link_text = NULL;
  g_autofree char *help_link_url = NULL;
  g_autofree char *contact = NULL;
  g_autofree char *extension = NULL;
  g_autofree char *url = NULL;
  ScmAuthentication authentication = SCM_AUTHENTICATION_EMAIL_CONFIRMATION;
  ScmAuthority *authority;
  ScmStore *store;
  const GOptionEntry entries[] = {
    { "auth", 0, 0, G_OPTION_ARG_STRING, &auth_name,
      N_("How people authenticate: email-confirmation (default) or secret-id"), N_("METHOD") },
    { "help-text", 0, 0, G_OPTION_ARG_STRING, &help_text, N_("Help instructions shown in the enroll window"), N_("TEXT") },
    { "help-link-text", 0, 0, G_OPTION_ARG_STRING, &help_link_text, N_("Text of the help link"), N_("TEXT") },
    { "help-link-url", 0, 0, G_OPTION_ARG_STRING, &help_link_url, N_("Address of the help link"), N_("URL") },
    { "contact", 0, 0, G_OPTION_ARG_STRING, &contact, N_("Whom to contact for help"), N_("TEXT") },
    { "uri-extension", 0, 0, G_OPTION_ARG_STRING, &extension,
      N_("The endpoint URL's last part (default: 128 random bits)"), N_("EXT") },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("NAME"),
                              _("Create a client certificate self-enrollment form and print its enrollment "
                                "endpoint URL."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected the form's NAME"));
  if (auth_name != NULL && !scm_authentication_from_string (auth_name, &authentication))
    return scm_ctl_usage_error (ctl, _("unknown authentication “%s”; use email-confirmation or secret-id"),
                                auth_name);

  authority = scm_ctl_get_authority (ctl, &error);
  if (authority == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  store = scm_authority_get_store (authority);

  form = scm_form_new ();
  scm_form_set_name (form, argv[1]);
  scm_form_set_authentication (form, authentication);
  scm_form_set_help_text (form, help_text);
  scm_form_set_help_link_text (form, help_link_text);
  scm_form_set_help_link_url (form, help_link_url);
  scm_form_set_contact (form, contact);
  if (extension != NULL)
    scm_form_set_uri_extension (form, extension);
  if (!scm_store_create_form (store, form, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));

  url = scm_authority_dup_enrollment_url (authority, scm_form_get_uri_extension (form));
  g_print ("%s\n", url);
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_account_add (ScmCtl *ctl,
                     int     argc,
                     char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmForm) form = NULL;
  g_autoptr (ScmAccount) account = NULL;
  g_autoptr (GArray) profile_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_auto (GStrv) profiles = NULL;
  g_auto (GStrv) csr_names = NULL;
  g_autofree char *org_name = NULL;
  g_autofree char *dept_name = NULL;
  g_autofree char *authorization_name = NULL;
  g_autofree char *protection_name = NULL;
  g_autofree char *code = NULL;
  gboolean allow_empty_password = FALSE;
  ScmAuthorization authorization = SCM_AUTHORIZATION_NONE;
  ScmPkcs12Protection protection = SCM_PKCS12_AES256_SHA256;
  ScmCsrMethod csr_methods = 0;
  gint64 organization_id, department_id;
  ScmStore *store;
  const GOptionEntry entries[] = {
    { "org", 0, 0, G_OPTION_ARG_STRING, &org_name, N_("The account's organization"), N_("O") },
    { "dept", 0, 0, G_OPTION_ARG_STRING, &dept_name, N_("Its department (optional)"), N_("D") },
    { "profile", 0, 0, G_OPTION_ARG_STRING_ARRAY, &profiles, N_("An allowed certificate profile (repeat for more)"), N_("P") },
    { "csr", 0, 0, G_OPTION_ARG_STRING_ARRAY, &csr_names,
      N_("CSR generation method: server (default), client or provided (repeat for more)"), N_("M") },
    { "authorization", 0, 0, G_OPTION_ARG_STRING, &authorization_name,
      N_("none (default), access-code or secret-id"), N_("A") },
    { "protection", 0, 0, G_OPTION_ARG_STRING, &protection_name,
      N_("PKCS#12 protection: AES256-SHA256 (default) or TripleDES-SHA1"), N_("P") },
    { "allow-empty-password", 0, 0, G_OPTION_ARG_NONE, &allow_empty_password,
      N_("Allow PKCS#12 files without a password"), NULL },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("FORM NAME"),
                              _("Add an account to an enrollment form. With --authorization access-code the "
                                "generated access code is printed once."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 3)
    return scm_ctl_usage_error (ctl, _("expected the FORM and the account's NAME"));
  if (org_name == NULL)
    return scm_ctl_usage_error (ctl, _("--org is required"));
  if (profiles == NULL)
    return scm_ctl_usage_error (ctl, _("at least one --profile is required"));
  if (authorization_name != NULL && !scm_authorization_from_string (authorization_name, &authorization))
    return scm_ctl_usage_error (ctl, _("unknown authorization “%s”; use none, access-code or secret-id"),
                                authorization_name);
  if (protection_name != NULL && !scm_pkcs12_protection_from_string (protection_name, &protection))
    return scm_ctl_usage_error (ctl, _("unknown protection “%s”; use AES256-SHA256 or TripleDES-SHA1"),
                                protection_name);
  for (guint i = 0; csr_names != NULL && csr_names[i] != NULL; i++)
    {
      ScmCsrMethod method;

      if (!scm_csr_method_from_string (csr_names[i], &method))
        return scm_ctl_usage_error (ctl, _("unknown CSR generation method “%s”; use server, client or provided"),
                                    csr_names[i]);
      csr_methods |= method;
    }
  if (csr_methods == 0)
    csr_methods = SCM_CSR_METHOD_SERVER;

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  form = scm_store_find_form_by_name (store, argv[1], &error);
  if (form == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!resolve_org_dept (store, org_name, dept_name, &organization_id, &department_id, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  for (guint i = 0; profiles[i] != NULL; i++)
    {
      g_autoptr (ScmProfile) profile = scm_store_find_profile_by_name (store, profiles[i], &error);
      gint64 id;

      if (profile == NULL)
        return scm_ctl_fail (ctl, g_steal_pointer (&error));
      id = scm_profile_get_id (profile);
      g_array_append_val (profile_ids, id);
    }

  account = scm_account_new ();
  scm_account_set_form_id (account, scm_form_get_id (form));
  scm_account_set_name (account, argv[2]);
  scm_account_set_organization_id (account, organization_id);
  scm_account_set_department_id (account, department_id);
  scm_account_set_profile_ids (account, profile_ids);
  scm_account_set_csr_methods (account, csr_methods);
  scm_account_set_authorization (account, authorization);
  scm_account_set_pkcs12_protection (account, protection);
  scm_account_set_allow_empty_password (account, allow_empty_password);

  /* The account and its access code together, or neither. */
  if (!scm_store_begin (store, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  if (!scm_store_create_account (store, account, &error)
      || (authorization == SCM_AUTHORIZATION_ACCESS_CODE
          && !scm_store_generate_access_code (store, account, &code, &error)))
    scm_store_rollback (store);
  else
    scm_store_commit (store, &error);  /* a failed commit undoes itself */
  if (error != NULL)
    {
      g_clear_pointer (&code, scm_secret_free);
      return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  if (code != NULL)
    {
      g_print ("%s\n", code);
      g_clear_pointer (&code, scm_secret_free);
    }
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_person_add (ScmCtl *ctl,
                    int     argc,
                    char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmPerson) person = NULL;
  g_autofree char *first = NULL;
  g_autofree char *middle = NULL;
  g_autofree char *last = NULL;
  g_autofree char *org_name = NULL;
  g_autofree char *dept_name = NULL;
  g_autofree char *phone = NULL;
  g_autofree char *common_name = NULL;
  g_autofree char *validation_name = NULL;
  g_autofree char *secret_id_file = NULL;
  g_autofree char *upn = NULL;
  g_autofree char *eppn = NULL;
  g_auto (GStrv) secondary_emails = NULL;
  gboolean generate_secret_id = FALSE;
  char *secret_id = NULL;
  char *generated = NULL;
  ScmValidationType validation = SCM_VALIDATION_STANDARD;
  gint64 organization_id, department_id;
  ScmStore *store;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "first", 0, 0, G_OPTION_ARG_STRING, &first, N_("First name"), N_("NAME") },
    { "middle", 0, 0, G_OPTION_ARG_STRING, &middle, N_("Middle name"), N_("NAME") },
    { "last", 0, 0, G_OPTION_ARG_STRING, &last, N_("Last name"), N_("NAME") },
    { "org", 0, 0, G_OPTION_ARG_STRING, &org_name, N_("Organization"), N_("O") },
    { "dept", 0, 0, G_OPTION_ARG_STRING, &dept_name, N_("Department"), N_("D") },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &phone, N_("Phone number"), N_("PHONE") },
    { "common-name", 0, 0, G_OPTION_ARG_STRING, &common_name, N_("Common name (default: first and last name)"), N_("CN") },
    { "validation", 0, 0, G_OPTION_ARG_STRING, &validation_name, N_("standard (default) or high"), N_("TYPE") },
    { "alt-email", 0, 0, G_OPTION_ARG_STRING_ARRAY, &secondary_emails, N_("An alternative email (repeat for more)"), N_("EMAIL") },
    { "upn", 0, 0, G_OPTION_ARG_STRING, &upn, N_("User principal name"), N_("UPN") },
    { "eppn", 0, 0, G_OPTION_ARG_STRING, &eppn, N_("eduPerson principal name"), N_("EPPN") },
    { "secret-id-file", 0, 0, G_OPTION_ARG_FILENAME, &secret_id_file, N_("Read the person's Secret ID from FILE"), N_("FILE") },
    { "generate-secret-id", 0, 0, G_OPTION_ARG_NONE, &generate_secret_id,
      N_("Generate a Secret ID and print it once"), NULL },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("EMAIL"),
                              _("Register a person. The email's domain must be a validated domain delegated to "
                                "the person's organization or department."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected the person's EMAIL"));
  if (first == NULL || last == NULL || org_name == NULL)
    return scm_ctl_usage_error (ctl, _("--first, --last and --org are required"));
  if (secret_id_file != NULL && generate_secret_id)
    return scm_ctl_usage_error (ctl, _("use either --secret-id-file or --generate-secret-id"));
  if (validation_name != NULL && !scm_validation_type_from_string (validation_name, &validation))
    return scm_ctl_usage_error (ctl, _("unknown validation type “%s”; use standard or high"), validation_name);

  if (secret_id_file != NULL)
    {
      secret_id = scm_ctl_read_secret (secret_id_file, NULL, &error);
      if (secret_id == NULL)
        return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL || !resolve_org_dept (store, org_name, dept_name, &organization_id, &department_id, &error))
    {
      scm_secret_free (secret_id);
      return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  person = scm_person_new ();
  scm_person_set_email (person, argv[1]);
  scm_person_set_first_name (person, first);
  scm_person_set_middle_name (person, middle);
  scm_person_set_last_name (person, last);
  scm_person_set_organization_id (person, organization_id);
  scm_person_set_department_id (person, department_id);
  scm_person_set_phone (person, phone);
  scm_person_set_common_name (person, common_name);
  scm_person_set_validation_type (person, validation);
  scm_person_set_secondary_emails (person, (const char * const *) secondary_emails);
  scm_person_set_upn (person, upn);
  scm_person_set_eppn (person, eppn);

  /* The person and their Secret ID together, or neither. */
  ok = scm_store_begin (store, &error)
       && scm_store_create_person (store, person, &error)
       && (secret_id == NULL || scm_store_set_person_secret_id (store, person, secret_id, &error))
       && (!generate_secret_id || scm_store_generate_person_secret_id (store, person, &generated, &error))
       && scm_store_commit (store, &error);
  scm_secret_free (secret_id);
  if (!ok)
    {
      if (scm_store_in_transaction (store))
        scm_store_rollback (store);
      scm_secret_free (generated);
      return scm_ctl_fail (ctl, g_steal_pointer (&error));
    }

  if (generated != NULL)
    {
      g_print ("%s\n", generated);
      scm_secret_free (generated);
    }
  return SCM_CTL_EXIT_OK;
}

int
scm_ctl_person_validate (ScmCtl *ctl,
                         int     argc,
                         char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ScmPerson) person = NULL;
  gboolean withdraw = FALSE;
  ScmStore *store;
  const GOptionEntry entries[] = {
    { "withdraw", 0, 0, G_OPTION_ARG_NONE, &withdraw, N_("Withdraw the validation instead"), NULL },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("EMAIL"),
                              _("Record that a sponsor validated this person's identity, which high-validation "
                                "certificates require."),
                              entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected the person's EMAIL"));

  store = scm_ctl_get_store (ctl, &error);
  if (store == NULL)
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  person = scm_store_find_person_by_email (store, argv[1], &error);
  if (person == NULL || !scm_store_set_person_sponsor_validated (store, person, !withdraw, &error))
    return scm_ctl_fail (ctl, g_steal_pointer (&error));
  return SCM_CTL_EXIT_OK;
}
