/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-enrollctl"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "scm-account.h"
#include "scm-audit-event.h"
#include "scm-certificate.h"
#include "scm-ctl-private.h"
#include "scm-department.h"
#include "scm-domain.h"
#include "scm-error.h"
#include "scm-form.h"
#include "scm-organization.h"
#include "scm-person.h"
#include "scm-profile.h"
#include "scm-store.h"

/* Every list is built as JSON objects; the text form prints the same
 * members as aligned columns, so both always say the same thing. */

typedef JsonArray *(*ListFunc) (ScmStore *store,
                                GError  **error);

typedef struct
{
  GHashTable *organizations;   /* id → name */
  GHashTable *departments;     /* id → name */
  GHashTable *profiles;        /* id → name */
} Names;

static void
names_clear (Names *names)
{
  g_clear_pointer (&names->organizations, g_hash_table_unref);
  g_clear_pointer (&names->departments, g_hash_table_unref);
  g_clear_pointer (&names->profiles, g_hash_table_unref);
}

static gboolean
names_load (Names    *names,
            ScmStore *store,
            GError  **error)
{
  g_autoptr (GPtrArray) organizations = scm_store_list_organizations (store, error);
  g_autoptr (GPtrArray) profiles = NULL;

  if (organizations == NULL)
    return FALSE;
  profiles = scm_store_list_profiles (store, error);
  if (profiles == NULL)
    return FALSE;

  names->organizations = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  names->departments = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  names->profiles = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  for (guint i = 0; i < organizations->len; i++)
    {
      ScmOrganization *organization = g_ptr_array_index (organizations, i);
      g_autoptr (GPtrArray) departments = NULL;

      g_hash_table_insert (names->organizations, g_memdup2 (&(gint64) { scm_organization_get_id (organization) }, sizeof (gint64)),
                           g_strdup (scm_organization_get_name (organization)));
      departments = scm_store_list_departments (store, scm_organization_get_id (organization), error);
      if (departments == NULL)
        return FALSE;
      for (guint j = 0; j < departments->len; j++)
        {
          ScmDepartment *department = g_ptr_array_index (departments, j);
          g_hash_table_insert (names->departments, g_memdup2 (&(gint64) { scm_department_get_id (department) }, sizeof (gint64)),
                               g_strdup (scm_department_get_name (department)));
        }
    }
  for (guint i = 0; i < profiles->len; i++)
    {
      ScmProfile *profile = g_ptr_array_index (profiles, i);
      g_hash_table_insert (names->profiles, g_memdup2 (&(gint64) { scm_profile_get_id (profile) }, sizeof (gint64)),
                           g_strdup (scm_profile_get_name (profile)));
    }
  return TRUE;
}

static const char *
name_of (GHashTable *table,
         gint64      id)
{
  return id != 0 ? g_hash_table_lookup (table, &id) : NULL;
}

static void
set_string (JsonObject *object,
            const char *member,
            const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

static void
set_time (JsonObject *object,
          const char *member,
          gint64      unix_seconds)
{
  g_autoptr (GDateTime) time = NULL;
  g_autofree char *text = NULL;

  if (unix_seconds == 0)
    {
      json_object_set_null_member (object, member);
      return;
    }
  time = g_date_time_new_from_unix_utc (unix_seconds);
  text = g_date_time_format_iso8601 (time);
  json_object_set_string_member (object, member, text);
}

static JsonArray *
list_organizations (ScmStore *store,
                    GError  **error)
{
  g_autoptr (GPtrArray) items = scm_store_list_organizations (store, error);
  JsonArray *array;

  if (items == NULL)
    return NULL;
  array = json_array_new ();
  for (guint i = 0; i < items->len; i++)
    {
      ScmOrganization *organization = g_ptr_array_index (items, i);
      g_autoptr (GPtrArray) departments = scm_store_list_departments (store, scm_organization_get_id (organization), NULL);
      JsonObject *object = json_object_new ();
      JsonArray *names = json_array_new ();

      for (guint j = 0; departments != NULL && j < departments->len; j++)
        json_array_add_string_element (names, scm_department_get_name (g_ptr_array_index (departments, j)));
      set_string (object, "name", scm_organization_get_name (organization));
      set_string (object, "secondary_name", scm_organization_get_secondary_name (organization));
      set_string (object, "country", scm_organization_get_country (organization));
      json_object_set_array_member (object, "departments", names);
      json_array_add_object_element (array, object);
    }
  return array;
}

static JsonArray *
list_domains (ScmStore *store,
              GError  **error)
{
  g_autoptr (GPtrArray) items = scm_store_list_domains (store, 0, error);
  Names names = { 0 };
  JsonArray *array;

  if (items == NULL || !names_load (&names, store, error))
    return NULL;
  array = json_array_new ();
  for (guint i = 0; i < items->len; i++)
    {
      ScmDomain *domain = g_ptr_array_index (items, i);
      JsonObject *object = json_object_new ();

      set_string (object, "name", scm_domain_get_name (domain));
      set_string (object, "organization", name_of (names.organizations, scm_domain_get_organization_id (domain)));
      set_string (object, "department", name_of (names.departments, scm_domain_get_department_id (domain)));
      set_string (object, "status", scm_domain_get_validated (domain) ? "validated" : "pending");
      json_array_add_object_element (array, object);
    }
  names_clear (&names);
  return array;
}

static JsonArray *
list_profiles (ScmStore *store,
               GError  **error)
{
  g_autoptr (GPtrArray) items = scm_store_list_profiles (store, error);
  JsonArray *array;

  if (items == NULL)
    return NULL;
  array = json_array_new ();
  for (guint i = 0; i < items->len; i++)
    {
      ScmProfile *profile = g_ptr_array_index (items, i);
      GArray *key_types = scm_profile_get_key_types (profile);
      GArray *terms = scm_profile_get_terms (profile);
      JsonObject *object = json_object_new ();
      JsonArray *key_array = json_array_new ();
      JsonArray *term_array = json_array_new ();
      ScmPurpose purpose = scm_profile_get_purpose (profile);

      for (guint j = 0; j < key_types->len; j++)
        json_array_add_string_element (key_array, scm_key_type_to_string (g_array_index (key_types, ScmKeyType, j)));
      for (guint j = 0; j < terms->len; j++)
        json_array_add_int_element (term_array, g_array_index (terms, guint, j));
      set_string (object, "name", scm_profile_get_name (profile));
      set_string (object, "purpose",
                  purpose == (SCM_PURPOSE_CLIENT_AUTH | SCM_PURPOSE_SMIME) ? "client-auth+smime"
                  : purpose == SCM_PURPOSE_SMIME ? "smime" : "client-auth");
      json_object_set_array_member (object, "key_types", key_array);
      json_object_set_array_member (object, "terms", term_array);
      json_object_set_boolean_member (object, "builtin", scm_profile_get_builtin (profile));
      json_array_add_object_element (array, object);
    }
  return array;
}

static JsonArray *
list_forms (ScmStore *store,
            GError  **error)
{
  g_autoptr (GPtrArray) items = scm_store_list_forms (store, error);
  JsonArray *array;

  if (items == NULL)
    return NULL;
  array = json_array_new ();
  for (guint i = 0; i < items->len; i++)
    {
      ScmForm *form = g_ptr_array_index (items, i);
      JsonObject *object = json_object_new ();

      set_string (object, "name", scm_form_get_name (form));
      set_string (object, "type", scm_form_get_form_type (form));
      set_string (object, "uri_extension", scm_form_get_uri_extension (form));
      set_string (object, "authentication", scm_authentication_to_string (scm_form_get_authentication (form)));
      json_object_set_boolean_member (object, "enabled", scm_form_get_enabled (form));
      json_array_add_object_element (array, object);
    }
  return array;
}

static JsonArray *
list_accounts (ScmStore *store,
               GError  **error)
{
  g_autoptr (GPtrArray) forms = scm_store_list_forms (store, error);
  Names names = { 0 };
  JsonArray *array;

  if (forms == NULL || !names_load (&names, store, error))
    return NULL;
  array = json_array_new ();
  for (guint f = 0; f < forms->len; f++)
    {
      ScmForm *form = g_ptr_array_index (forms, f);
      g_autoptr (GPtrArray) items = scm_store_list_accounts (store, scm_form_get_id (form), error);

      if (items == NULL)
        {
          json_array_unref (array);
          names_clear (&names);
          return NULL;
        }
      for (guint i = 0; i < items->len; i++)
        {
          ScmAccount *account = g_ptr_array_index (items, i);
          GArray *profile_ids = scm_account_get_profile_ids (account);
          JsonObject *object = json_object_new ();
          JsonArray *profiles = json_array_new ();
          JsonArray *methods = json_array_new ();
          ScmCsrMethod csr = scm_account_get_csr_methods (account);

          for (guint j = 0; j < profile_ids->len; j++)
            json_array_add_string_element (profiles, name_of (names.profiles, g_array_index (profile_ids, gint64, j)));
          for (ScmCsrMethod m = SCM_CSR_METHOD_SERVER; m <= SCM_CSR_METHOD_PROVIDED; m <<= 1)
            if (csr & m)
              json_array_add_string_element (methods, scm_csr_method_to_string (m));

          set_string (object, "form", scm_form_get_name (form));
          set_string (object, "name", scm_account_get_name (account));
          set_string (object, "organization", name_of (names.organizations, scm_account_get_organization_id (account)));
          set_string (object, "department", name_of (names.departments, scm_account_get_department_id (account)));
          json_object_set_array_member (object, "profiles", profiles);
          json_object_set_array_member (object, "csr_methods", methods);
          set_string (object, "authorization", scm_authorization_to_string (scm_account_get_authorization (account)));
          json_array_add_object_element (array, object);
        }
    }
  names_clear (&names);
  return array;
}

static JsonArray *
list_persons (ScmStore *store,
              GError  **error)
{
  g_autoptr (GPtrArray) items = scm_store_list_persons (store, 0, FALSE, error);
  Names names = { 0 };
  JsonArray *array;

  if (items == NULL || !names_load (&names, store, error))
    return NULL;
  array = json_array_new ();
  for (guint i = 0; i < items->len; i++)
    {
      ScmPerson *person = g_ptr_array_index (items, i);
      JsonObject *object = json_object_new ();

      set_string (object, "email", scm_person_get_email (person));
      set_string (object, "first_name", scm_person_get_first_name (person));
      set_string (object, "last_name", scm_person_get_last_name (person));
      set_string (object, "common_name", scm_person_get_common_name (person));
      set_string (object, "organization", name_of (names.organizations, scm_person_get_organization_id (person)));
      set_string (object, "department", name_of (names.departments, scm_person_get_department_id (person)));
      set_string (object, "validation", scm_validation_type_to_string (scm_person_get_validation_type (person)));
      json_object_set_boolean_member (object, "has_secret_id", scm_person_get_has_secret_id (person));
      json_array_add_object_element (array, object);
    }
  names_clear (&names);
  return array;
}

static JsonArray *
list_certificates (ScmStore *store,
                   GError  **error)
{
  g_autoptr (GPtrArray) items = scm_store_list_certificates (store, 0, error);
  g_autoptr (GHashTable) serials = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  JsonArray *array;

  if (items == NULL)
    return NULL;
  /* A renewal names the serial it renewed: the chain of renewals. */
  for (guint i = 0; i < items->len; i++)
    {
      ScmCertificate *certificate = g_ptr_array_index (items, i);

      g_hash_table_insert (serials, g_memdup2 (&(gint64) { scm_certificate_get_id (certificate) }, sizeof (gint64)),
                           (gpointer) scm_certificate_get_serial (certificate));
    }
  array = json_array_new ();
  for (guint i = 0; i < items->len; i++)
    {
      ScmCertificate *certificate = g_ptr_array_index (items, i);
      JsonObject *object = json_object_new ();
      gint64 renewed_from = scm_certificate_get_renewed_from (certificate);

      set_string (object, "serial", scm_certificate_get_serial (certificate));
      set_string (object, "email", scm_certificate_get_person_email (certificate));
      set_string (object, "profile", scm_certificate_get_profile_name (certificate));
      set_string (object, "status", scm_cert_status_to_string (scm_certificate_get_status (certificate)));
      set_string (object, "key_type", scm_key_type_to_string (scm_certificate_get_key_type (certificate)));
      set_time (object, "not_after", scm_certificate_get_not_after (certificate));
      set_string (object, "subject", scm_certificate_get_subject (certificate));
      set_string (object, "fingerprint", scm_certificate_get_fingerprint (certificate));
      set_string (object, "requested_via", scm_requested_via_to_string (scm_certificate_get_requested_via (certificate)));
      if (scm_certificate_get_status (certificate) == SCM_CERT_STATUS_REVOKED)
        set_string (object, "revocation_reason",
                    scm_revocation_reason_to_string (scm_certificate_get_revocation_reason (certificate)));
      if (scm_certificate_get_status (certificate) == SCM_CERT_STATUS_FAILED)
        set_string (object, "failure_reason", scm_certificate_get_failure_reason (certificate));
      if (renewed_from != 0)
        set_string (object, "renewed_from", g_hash_table_lookup (serials, &renewed_from));
      json_array_add_object_element (array, object);
    }
  return array;
}

static JsonArray *
list_audit (ScmStore *store,
            GError  **error)
{
  g_autoptr (GPtrArray) items = scm_store_list_audit_events (store, NULL, 0, error);
  JsonArray *array;

  if (items == NULL)
    return NULL;
  array = json_array_new ();
  for (guint i = 0; i < items->len; i++)
    {
      ScmAuditEvent *event = g_ptr_array_index (items, i);
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "seq", scm_audit_event_get_seq (event));
      /* The store keeps microseconds. */
      set_time (object, "time", scm_audit_event_get_time (event) / G_USEC_PER_SEC);
      set_string (object, "actor", scm_audit_event_get_actor (event));
      set_string (object, "action", scm_audit_event_get_action (event));
      set_string (object, "object", scm_audit_event_get_object (event));
      set_string (object, "result", scm_audit_event_get_result (event));
      set_string (object, "message", scm_audit_event_get_message (event));
      json_array_add_object_element (array, object);
    }
  return array;
}

static const struct
{
  const char *name;
  ListFunc func;
  const char *columns[8];
} lists[] = {
  { "forms", list_forms, { "name", "authentication", "uri_extension", "enabled" } },
  { "accounts", list_accounts, { "form", "name", "organization", "department", "authorization" } },
  { "persons", list_persons, { "email", "first_name", "last_name", "organization", "department", "validation" } },
  { "certificates", list_certificates, { "serial", "email", "profile", "status", "not_after" } },
  { "audit", list_audit, { "seq", "time", "actor", "action", "object", "result", "message" } },
  { "organizations", list_organizations, { "name", "country" } },
  { "domains", list_domains, { "name", "organization", "department", "status" } },
  { "profiles", list_profiles, { "name", "purpose", "builtin" } },
};

static char *
cell_text (JsonObject *object,
           const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "yes" : "no");
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return json_to_string (node, FALSE);
}

static void
print_table (JsonArray         *array,
             const char *const *columns)
{
  guint n_columns = 0;
  g_autofree gsize *widths = NULL;

  while (n_columns < 8 && columns[n_columns] != NULL)
    n_columns++;
  widths = g_new0 (gsize, n_columns);

  for (guint c = 0; c < n_columns; c++)
    widths[c] = g_utf8_strlen (columns[c], -1);
  for (guint r = 0; r < json_array_get_length (array); r++)
    for (guint c = 0; c < n_columns; c++)
      {
        g_autofree char *text = cell_text (json_array_get_object_element (array, r), columns[c]);
        widths[c] = MAX (widths[c], (gsize) g_utf8_strlen (text, -1));
      }

  for (guint c = 0; c < n_columns; c++)
    {
      g_autofree char *title = g_ascii_strup (columns[c], -1);
      g_print ("%s%-*s", c ? "  " : "", c + 1 < n_columns ? (int) widths[c] : 0, title);
    }
  g_print ("\n");
  for (guint r = 0; r < json_array_get_length (array); r++)
    {
      for (guint c = 0; c < n_columns; c++)
        {
          g_autofree char *text = cell_text (json_array_get_object_element (array, r), columns[c]);
          /* Pad by characters, not bytes, so names with accents align. */
          gsize pad = c + 1 < n_columns ? widths[c] - g_utf8_strlen (text, -1) : 0;
          g_print ("%s%s%*s", c ? "  " : "", text, (int) pad, "");
        }
      g_print ("\n");
    }
}

int
scm_ctl_list (ScmCtl *ctl,
              int     argc,
              char  **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonArray) array = NULL;
  gboolean json = FALSE;
  ScmStore *store;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (an array of objects) for scripts"), NULL },
    { NULL }
  };

  if (!scm_ctl_parse_options (ctl, _("forms|accounts|persons|certificates|audit|organizations|domains|profiles"),
                              _("List what the database holds."), entries, &argc, &argv))
    return SCM_CTL_EXIT_USAGE;
  if (argc != 2)
    return scm_ctl_usage_error (ctl, _("expected what to list: forms, accounts, persons, certificates, audit, "
                                       "organizations, domains or profiles"));

  for (gsize i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      if (!g_str_equal (argv[1], lists[i].name))
        continue;

      store = scm_ctl_get_store (ctl, &error);
      if (store == NULL)
        return scm_ctl_fail (ctl, g_steal_pointer (&error));
      array = lists[i].func (store, &error);
      if (array == NULL)
        return scm_ctl_fail (ctl, g_steal_pointer (&error));

      if (json)
        {
          g_autoptr (JsonNode) root = json_node_init_array (json_node_alloc (), array);
          g_autofree char *text = json_to_string (root, TRUE);
          g_print ("%s\n", text);
        }
      else
        print_table (array, lists[i].columns);
      return SCM_CTL_EXIT_OK;
    }

  return scm_ctl_usage_error (ctl, _("cannot list “%s”; use forms, accounts, persons, certificates, audit, "
                                     "organizations, domains or profiles"), argv[1]);
}
