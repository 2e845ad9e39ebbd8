/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "scm-authority.h"
#include "scm-department.h"
#include "scm-domain.h"
#include "scm-key.h"
#include "scm-organization.h"
#include "scm-pkcs12.h"
#include "scm-secret.h"
#include "scm-store.h"
#include "scm-x509.h"

/* Issuance speed, in-process and crash-safe (pending row, sign, PKCS#12,
 * commit), beside the same work (same key type, same PKCS#12 algorithms and
 * iteration counts) done in the same run by
 *   - the openssl command line (genpkey + req + x509 + pkcs12 per certificate),
 *   - raw OpenSSL in this process (keygen + sign + PKCS#12, no database).
 * Both one request at a time (each with its own commits) and as one batch
 * (scm_authority_issue_many: one commit per phase), on 1 and 2 threads.
 * Usage: bench-issue [N] [CLI-N] */

static const char *password = "Bench-Password-123";

static double
now_seconds (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}

static void
check (gboolean    ok,
       GError     *error,
       const char *what)
{
  if (!ok)
    {
      g_printerr ("bench-issue: %s: %s\n", what, error ? error->message : "failed");
      exit (1);
    }
}

static ScmPerson *
setup_person (ScmStore *store)
{
  g_autoptr (ScmOrganization) organization = scm_organization_new ();
  g_autoptr (ScmDomain) domain = scm_domain_new ();
  ScmPerson *person = scm_person_new ();
  GError *error = NULL;

  scm_organization_set_name (organization, "Bench Inc.");
  check (scm_store_create_organization (store, organization, &error), error, "organization");
  scm_domain_set_name (domain, "bench.example");
  scm_domain_set_organization_id (domain, scm_organization_get_id (organization));
  check (scm_store_create_domain (store, domain, &error), error, "domain");
  check (scm_store_set_domain_validated (store, domain, TRUE, &error), error, "validate");
  scm_person_set_email (person, "ada@bench.example");
  scm_person_set_first_name (person, "Ada");
  scm_person_set_last_name (person, "Lovelace");
  scm_person_set_organization_id (person, scm_organization_get_id (organization));
  check (scm_store_create_person (store, person, &error), error, "person");
  return person;
}

typedef struct
{
  ScmAuthority *authority;
  ScmPerson *person;
  ScmProfile *profile;
  ScmKeyType key_type;
  guint n;                     /* per thread */
} Work;

static gpointer
issue_in_process (gpointer data)
{
  Work *work = data;
  ScmIssueRequest request = { 0 };

  request.person = work->person;
  request.profile = work->profile;
  request.key_type = work->key_type;
  request.pkcs12_password = password;
  request.protection = SCM_PKCS12_AES256_SHA256;
  request.requested_via = SCM_REQUESTED_VIA_ADMIN;

  for (guint i = 0; i < work->n; i++)
    {
      GError *error = NULL;
      g_autoptr (ScmIssueResult) result = scm_authority_issue (work->authority, &request, NULL, &error);

      check (result != NULL && result->pkcs12 != NULL, error, "issue");
    }
  return NULL;
}

/* Bulk issuance: one batch over @threads threads (what bulk issuance and
 * the service under load use). */
static double
measure_batch (Work  work,
               guint n,
               guint threads)
{
  g_autofree ScmIssueRequest *requests = g_new0 (ScmIssueRequest, n);
  g_autoptr (GPtrArray) results = NULL;
  double start;

  for (guint i = 0; i < n; i++)
    {
      requests[i].person = work.person;
      requests[i].profile = work.profile;
      requests[i].key_type = work.key_type;
      requests[i].pkcs12_password = password;
      requests[i].protection = SCM_PKCS12_AES256_SHA256;
      requests[i].requested_via = SCM_REQUESTED_VIA_CSV;
    }

  start = now_seconds ();
  results = scm_authority_issue_many (work.authority, requests, n, threads, NULL);
  for (guint i = 0; i < results->len; i++)
    {
      ScmIssueResult *result = g_ptr_array_index (results, i);
      check (result->error == NULL && result->pkcs12 != NULL, result->error, "issue");
    }
  return n / (now_seconds () - start);
}

static gpointer
issue_raw (gpointer data)
{
  Work *work = data;
  ScmCa *ca = scm_authority_get_ca (work->authority);
  ScmKeyType key_type = work->key_type;
  g_autoptr (GPtrArray) chain = scm_ca_get_chain (ca);

  for (guint i = 0; i < work->n; i++)
    {
      GError *error = NULL;
      g_autoptr (GBytes) key = scm_key_generate (key_type, &error);
      g_autoptr (GBytes) public_key = NULL;
      g_autoptr (GBytes) der = NULL;
      g_autoptr (GBytes) p12 = NULL;
      g_autofree char *serial = scm_ca_generate_serial ();
      ScmCertificateTemplate tmpl = { 0 };

      check (key != NULL, error, "keygen");
      public_key = scm_key_get_public (key, &error);
      tmpl.public_key = public_key;
      tmpl.serial_hex = serial;
      tmpl.email = "ada@bench.example";
      tmpl.common_name = "ada@bench.example";
      tmpl.purpose = SCM_PURPOSE_CLIENT_AUTH;
      tmpl.term_days = 365;
      der = scm_ca_issue (ca, &tmpl, &error);
      check (der != NULL, error, "sign");
      p12 = scm_pkcs12_build (key, der, chain, "ada@bench.example", password,
                              SCM_PKCS12_AES256_SHA256, &error);
      check (p12 != NULL, error, "pkcs12");
    }
  return NULL;
}

/* Runs @func on @threads threads sharing @n certificates; certificates/s. */
static double
measure (GThreadFunc func,
         Work        work,
         guint       n,
         guint       threads)
{
  g_autoptr (GPtrArray) running = g_ptr_array_new ();
  double start = now_seconds ();

  work.n = n / threads;
  for (guint t = 0; t < threads; t++)
    g_ptr_array_add (running, g_thread_new ("bench", func, &work));
  for (guint t = 0; t < threads; t++)
    g_thread_join (g_ptr_array_index (running, t));
  return work.n * threads / (now_seconds () - start);
}

static void
run (const char *dir,
     const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                             | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_autofree char *err = NULL;

  check (process != NULL, error, argv[0]);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  if (!g_subprocess_get_successful (process))
    {
      g_printerr ("bench-issue: %s %s failed: %s\n", argv[0], argv[1], err);
      exit (1);
    }
}

static double
bench_cli (ScmCa      *ca,
           const char *dir,
           ScmKeyType  key_type,
           guint       n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) key_pem = scm_ca_export_issuing_key (ca, password, &error);
  g_autofree char *ca_key_encrypted = g_build_filename (dir, "issuing-encrypted.key", NULL);
  g_autofree char *ca_key = g_build_filename (dir, "issuing.key", NULL);
  g_autofree char *ca_cert = g_build_filename (dir, "chain.pem", NULL);
  g_autofree char *ext = g_build_filename (dir, "client.ext", NULL);
  g_autofree char *passin = g_strdup_printf ("pass:%s", password);
  GBytes *chain = scm_ca_get_chain_pem (ca);
  double start;

  check (key_pem != NULL, error, "export key");
  g_file_set_contents (ca_key_encrypted, g_bytes_get_data (key_pem, NULL), g_bytes_get_size (key_pem), NULL);
  {
    /* The command line's best case: a CA key it need not decrypt (and pay
     * the 600,000-iteration KDF) for every certificate. */
    const char *decrypt[] = { "openssl", "pkey", "-in", ca_key_encrypted, "-passin", passin, "-out", ca_key, NULL };
    run (dir, decrypt);
  }
  g_file_set_contents (ca_cert, g_bytes_get_data (chain, NULL), g_bytes_get_size (chain), NULL);
  g_file_set_contents (ext,
                       "basicConstraints=critical,CA:FALSE\n"
                       "keyUsage=critical,digitalSignature,keyAgreement\n"
                       "extendedKeyUsage=clientAuth\n"
                       "subjectAltName=email:ada@bench.example\n"
                       "subjectKeyIdentifier=hash\n"
                       "authorityKeyIdentifier=keyid\n", -1, NULL);

  start = now_seconds ();
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s/k%u.pem", dir, i);
      g_autofree char *csr = g_strdup_printf ("%s/r%u.pem", dir, i);
      g_autofree char *crt = g_strdup_printf ("%s/c%u.pem", dir, i);
      g_autofree char *p12 = g_strdup_printf ("%s/p%u.p12", dir, i);
      g_autofree char *serial_hex = scm_ca_generate_serial ();
      g_autofree char *serial = g_strdup_printf ("0x%s", serial_hex);
      g_autofree char *passout = g_strdup_printf ("pass:%s", password);
      g_autofree char *iterations = g_strdup_printf ("%d", SCM_PKCS12_AES256_SHA256_ITERATIONS);
      const char *genpkey_ec[] = { "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key, NULL };
      const char *genpkey_rsa[] = { "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key, NULL };
      const char *req[] = { "openssl", "req", "-new", "-key", key, "-subj", "/CN=ada@bench.example", "-out", csr, NULL };
      const char *x509[] = { "openssl", "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
                             "-set_serial", serial, "-days", "365", "-sha384", "-extfile", ext, "-out", crt, NULL };
      const char *pkcs12[] = { "openssl", "pkcs12", "-export", "-inkey", key, "-in", crt, "-certfile", ca_cert,
                               "-name", "ada@bench.example", "-keypbe", "AES-256-CBC", "-certpbe", "AES-256-CBC",
                               "-macalg", "sha256", "-iter", iterations, "-passout", passout, "-out", p12, NULL };

      run (dir, key_type == SCM_KEY_TYPE_EC_P256 ? genpkey_ec : genpkey_rsa);
      run (dir, req);
      run (dir, x509);
      run (dir, pkcs12);
    }
  return n / (now_seconds () - start);
}

static void
report (ScmKeyType  key_type,
        double      one_by_one[2],
        double      in_process[2],
        double      raw[2],
        double      cli)
{
  g_print ("Issuing %s certificates with a server-generated key and an AES256-SHA256 PKCS#12:\n",
           scm_key_type_to_string (key_type));
  g_print ("                                                         1 thread   2 threads\n");
  g_print ("  scm-enroll in-process, one request at a time:           %8.1f   %8.1f  certificates/s\n",
           one_by_one[0], one_by_one[1]);
  g_print ("  scm-enroll in-process, one batch (bulk issuance):       %8.1f   %8.1f  certificates/s\n",
           in_process[0], in_process[1]);
  g_print ("  raw OpenSSL in one process (keygen + sign + PKCS#12):   %8.1f   %8.1f  certificates/s\n",
           raw[0], raw[1]);
  g_print ("  openssl command line (genpkey + req + x509 + pkcs12):   %8.1f              certificates/s\n", cli);
  g_print ("  => batch: %.1fx (1 thread) and %.1fx (2 threads) the command line (target >= 30x);\n"
           "     raw OpenSSL costs %.2fx and %.2fx less (target <= 1.5x)\n",
           in_process[0] / cli, in_process[1] / cli, raw[0] / in_process[0], raw[1] / in_process[1]);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("scm-bench-XXXXXX", &error);
  g_autofree char *data_dir = NULL;
  g_autofree char *cli_dir = NULL;
  g_autoptr (ScmStore) store = NULL;
  g_autoptr (ScmAuthority) authority = NULL;
  g_autoptr (ScmPerson) person = NULL;
  g_autoptr (ScmProfile) profile = NULL;
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 1000;
  guint cli_n = argc > 2 ? (guint) atoi (argv[2]) : 40;
  const ScmKeyType key_types[] = { SCM_KEY_TYPE_EC_P256, SCM_KEY_TYPE_RSA_2048 };
  double one_by_one[2], in_process[2], raw[2], cli;
  Work work = { 0 };

  check (dir != NULL, error, "temporary directory");
  data_dir = g_build_filename (dir, "data", NULL);
  cli_dir = g_build_filename (dir, "cli", NULL);
  g_mkdir (cli_dir, 0700);

  store = scm_store_open (data_dir, &error);
  check (store != NULL, error, "store");
  authority = scm_authority_open (store, NULL, &error);
  check (authority != NULL, error, "authority");
  person = setup_person (store);
  profile = scm_store_find_profile_by_name (store, "Client Authentication", &error);
  check (profile != NULL, error, "profile");

  work.authority = authority;
  work.person = person;
  work.profile = profile;

  for (guint k = 0; k < G_N_ELEMENTS (key_types); k++)
    {
      /* RSA: key generation dominates, so all three converge. */
      guint count = key_types[k] == SCM_KEY_TYPE_EC_P256 ? n : MAX (n / 20, 10);
      guint cli_count = key_types[k] == SCM_KEY_TYPE_EC_P256 ? cli_n : MAX (cli_n / 4, 5);

      work.key_type = key_types[k];
      for (guint threads = 1; threads <= 2; threads++)
        {
          one_by_one[threads - 1] = measure (issue_in_process, work, count, threads);
          in_process[threads - 1] = measure_batch (work, count, threads);
          raw[threads - 1] = measure (issue_raw, work, count, threads);
        }
      cli = bench_cli (scm_authority_get_ca (authority), cli_dir, key_types[k], cli_count);
      report (key_types[k], one_by_one, in_process, raw, cli);
    }

  g_clear_object (&authority);
  g_clear_object (&store);
  {
    const char *rm[] = { "rm", "-rf", dir, NULL };
    g_autoptr (GSubprocess) p = g_subprocess_newv (rm, G_SUBPROCESS_FLAGS_NONE, NULL);
    if (p != NULL)
      g_subprocess_wait (p, NULL, NULL);
  }
  return 0;
}
