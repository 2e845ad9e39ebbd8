/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "scm-test-util.h"

/* scm-enrollctl as a script or an operator uses it: a real binary, a real
 * data directory, real files, and the exit codes and messages they see. */

typedef struct
{
  char *dir;       /* scratch files */
  char *data_dir;  /* --data-dir */
} Fixture;

static int
ctl (Fixture    *fixture,
     char      **out,
     char      **err,
     const char *first,
     ...) G_GNUC_NULL_TERMINATED;

static int
ctl_stdin (Fixture    *fixture,
           const char *stdin_text,
           char      **out,
           char      **err,
           const char *first,
           va_list     args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *data_dir_arg = g_strdup_printf ("--data-dir=%s", fixture->data_dir);
  const char *arg;

  g_ptr_array_add (argv, (char *) g_getenv ("SCM_ENROLLCTL"));
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  g_ptr_array_add (argv, data_dir_arg);
  g_ptr_array_add (argv, NULL);

  return scm_test_run ((const char *const *) argv->pdata, stdin_text, out, err);
}

static int
ctl (Fixture    *fixture,
     char      **out,
     char      **err,
     const char *first,
     ...)
{
  va_list args;
  int status;

  va_start (args, first);
  status = ctl_stdin (fixture, NULL, out, err, first, args);
  va_end (args);
  return status;
}

/* Runs a command that must succeed, and returns what it printed. */
static char *
ctl_ok (Fixture    *fixture,
        const char *first,
        ...) G_GNUC_NULL_TERMINATED;

static char *
ctl_ok (Fixture    *fixture,
        const char *first,
        ...)
{
  g_autofree char *err = NULL;
  char *out = NULL;
  va_list args;
  int status;

  va_start (args, first);
  status = ctl_stdin (fixture, NULL, &out, &err, first, args);
  va_end (args);
  if (status != 0)
    g_error ("scm-enrollctl %s failed (%d): %s", first, status, err);
  return out;
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  g_chmod (path, 0600);
  return path;
}

static void
assert_one_line (const char *text)
{
  g_assert_nonnull (text);
  g_assert_cmpuint (strlen (text), >, 0);
  /* One clear line: a single newline, at the end. */
  g_assert_true (strchr (text, '\n') == text + strlen (text) - 1);
}

static JsonArray *
list_json (Fixture    *fixture,
           const char *what,
           JsonParser *parser)
{
  g_autofree char *out = ctl_ok (fixture, "list", what, "--json", NULL);
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_node_get_array (json_parser_get_root (parser));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = scm_test_make_tmp_dir ("scm-ctl-XXXXXX");
  fixture->data_dir = g_build_filename (fixture->dir, "data", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  scm_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->data_dir);
}

/* An organization with a validated domain and one person: what most
 * tests start from. */
static void
add_person (Fixture *fixture)
{
  g_free (ctl_ok (fixture, "org", "add", "Example Inc.", NULL));
  g_free (ctl_ok (fixture, "dept", "add", "Example Inc.", "Sales", NULL));
  g_free (ctl_ok (fixture, "domain", "add", "example.com", "--org", "Example Inc.", "--validated", NULL));
  g_free (ctl_ok (fixture, "person", "add", "Ada@Example.com", "--first", "Ada", "--last", "Lovelace",
                  "--org", "Example Inc.", "--dept", "Sales", NULL));
}

static void
test_usage (Fixture       *fixture,
            gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (ctl (fixture, NULL, &err, "no-such-command", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "unknown command"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (ctl (fixture, NULL, &err, "org", NULL), ==, 2);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (ctl (fixture, NULL, &err, "org", "add", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--help"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (ctl (fixture, NULL, &err, "org", "add", "X", "--bogus", NULL), ==, 2);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (ctl (fixture, NULL, &err, "issue", "a@example.com", "--profile", "Client Authentication",
                        "--key-type", "RSA-1024", "--password-file", "/dev/null", "--out", "x.p12", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "RSA-1024"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (ctl (fixture, &out, NULL, "org", "add", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "NAME"));

  /* Usage errors change nothing, not even create the data directory. */
  g_assert_false (g_file_test (fixture->data_dir, G_FILE_TEST_EXISTS));
}

static void
test_admin_refusals (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *err = NULL;
  JsonArray *persons;
  JsonObject *ada;

  add_person (fixture);

  /* The same email in another case is a duplicate. */
  g_assert_cmpint (ctl (fixture, NULL, &err, "person", "add", "ada@EXAMPLE.com", "--first", "A",
                        "--last", "L", "--org", "Example Inc.", NULL), ==, 1);
  assert_one_line (err);
  g_clear_pointer (&err, g_free);

  /* A domain nobody delegated. */
  g_assert_cmpint (ctl (fixture, NULL, &err, "person", "add", "bob@example.org", "--first", "Bob",
                        "--last", "B", "--org", "Example Inc.", NULL), ==, 1);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "example.org"));
  g_clear_pointer (&err, g_free);

  /* An unknown organization. */
  g_assert_cmpint (ctl (fixture, NULL, &err, "person", "add", "carol@example.com", "--first", "Carol",
                        "--last", "C", "--org", "Nobody Ltd", NULL), ==, 1);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "Nobody Ltd"));
  g_clear_pointer (&err, g_free);

  /* A syntactically bad email. */
  g_assert_cmpint (ctl (fixture, NULL, &err, "person", "add", "not an email", "--first", "D",
                        "--last", "D", "--org", "Example Inc.", NULL), ==, 1);
  assert_one_line (err);
  g_clear_pointer (&err, g_free);

  /* None of that changed anything. */
  persons = list_json (fixture, "persons", parser);
  g_assert_cmpuint (json_array_get_length (persons), ==, 1);
  ada = json_array_get_object_element (persons, 0);
  g_assert_cmpstr (json_object_get_string_member (ada, "email"), ==, "ada@example.com");
  g_assert_cmpstr (json_object_get_string_member (ada, "organization"), ==, "Example Inc.");
  g_assert_cmpstr (json_object_get_string_member (ada, "department"), ==, "Sales");
}

static void
test_form_and_account (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *url = NULL;
  g_autofree char *code = NULL;
  g_autofree char *err = NULL;
  JsonArray *forms;

  add_person (fixture);
  url = ctl_ok (fixture, "form", "add", "Staff certificates", "--auth", "secret-id", NULL);
  /* https://HOST:PORT/enroll/EXT#sha256=FINGERPRINT */
  g_assert_true (g_regex_match_simple ("^https://[^/]+/enroll/[0-9a-f]{32}#sha256=[0-9a-f]{64}\n$", url, 0, 0));

  code = ctl_ok (fixture, "account", "add", "Staff certificates", "Sales staff", "--org", "Example Inc.",
                 "--dept", "Sales", "--profile", "Client Authentication", "--profile",
                 "S/MIME + Client (Multipurpose)", "--csr", "server", "--authorization", "access-code", NULL);
  /* The generated access code, printed once. */
  g_assert_true (g_regex_match_simple ("^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}\n$", code, 0, 0));

  g_assert_cmpint (ctl (fixture, NULL, &err, "account", "add", "Staff certificates", "Other",
                        "--org", "Example Inc.", "--profile", "No Such Profile", NULL), ==, 1);
  assert_one_line (err);

  forms = list_json (fixture, "forms", parser);
  g_assert_cmpuint (json_array_get_length (forms), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (forms, 0), "authentication"),
                   ==, "secret-id");
}

static char *
issue (Fixture    *fixture,
       const char *password_path,
       const char *out_path)
{
  g_autofree char *serial = ctl_ok (fixture, "issue", "ada@example.com", "--profile", "Client Authentication",
                                    "--key-type", "EC-P256", "--password-file", password_path,
                                    "--out", out_path, NULL);

  g_strchomp (serial);
  g_assert_true (g_regex_match_simple ("^[0-9A-F]{2,40}$", serial, 0, 0));
  return g_steal_pointer (&serial);
}

static void
test_issue_revoke_crl (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *password = NULL;
  g_autofree char *p12 = g_build_filename (fixture->dir, "ada.p12", NULL);
  g_autofree char *crl = g_build_filename (fixture->dir, "ca.crl", NULL);
  g_autofree char *passin = g_strdup_printf ("pass:%s", "Correct-Horse-42");
  g_autofree char *serial = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonArray *certificates;
  JsonObject *certificate;
  GStatBuf st;

  if (!scm_test_require_tool ("openssl", "openssl"))
    return;

  add_person (fixture);
  password = write_file (fixture, "password.txt", "Correct-Horse-42\n");
  serial = issue (fixture, password, p12);

  /* The file is private and opens with its password. */
  g_assert_cmpint (g_stat (p12, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    const char *argv[] = { "openssl", "pkcs12", "-in", p12, "-passin", passin, "-nokeys", "-clcerts", NULL };
    g_assert_cmpint (scm_test_run (argv, NULL, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "subject=CN = ada@example.com"));
    g_clear_pointer (&out, g_free);
  }

  /* An existing file is never replaced. */
  g_assert_cmpint (ctl (fixture, NULL, &err, "issue", "ada@example.com", "--profile", "Client Authentication",
                        "--password-file", password, "--out", p12, NULL), ==, 1);
  assert_one_line (err);
  g_clear_pointer (&err, g_free);

  certificates = list_json (fixture, "certificates", parser);
  g_assert_cmpuint (json_array_get_length (certificates), ==, 1);
  certificate = json_array_get_object_element (certificates, 0);
  g_assert_cmpstr (json_object_get_string_member (certificate, "serial"), ==, serial);
  g_assert_cmpstr (json_object_get_string_member (certificate, "status"), ==, "issued");
  g_assert_cmpstr (json_object_get_string_member (certificate, "email"), ==, "ada@example.com");

  g_free (ctl_ok (fixture, "revoke", serial, "--reason", "key-compromise", NULL));

  /* Revoking twice is refused, clearly. */
  g_assert_cmpint (ctl (fixture, NULL, &err, "revoke", serial, NULL), ==, 1);
  assert_one_line (err);

  g_free (ctl_ok (fixture, "crl", crl, NULL));
  {
    const char *argv[] = { "openssl", "crl", "-in", crl, "-noout", "-text", NULL };
    g_assert_cmpint (scm_test_run (argv, NULL, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, serial));
    g_assert_nonnull (strstr (out, "Key Compromise"));
  }

  certificates = list_json (fixture, "certificates", parser);
  certificate = json_array_get_object_element (certificates, 0);
  g_assert_cmpstr (json_object_get_string_member (certificate, "status"), ==, "revoked");

  g_free (ctl_ok (fixture, "verify", NULL));
}

static void
test_audit_tamper (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autofree char *err = NULL;

  if (!scm_test_require_tool ("sqlite3", "sqlite3"))
    return;

  add_person (fixture);
  g_free (ctl_ok (fixture, "verify", NULL));

  /* Someone with the database file edits the log behind our back, first
   * removing the trigger that keeps honest code from doing so. */
  db = g_build_filename (fixture->data_dir, "scm-enroll.db", NULL);
  {
    const char *argv[] = { "sqlite3", db,
                           "DROP TRIGGER audit_events_no_update;"
                           "UPDATE audit_events SET message = 'nothing happened' WHERE seq = 2;", NULL };
    g_assert_cmpint (scm_test_run (argv, NULL, NULL, NULL), ==, 0);
  }

  g_assert_cmpint (ctl (fixture, NULL, &err, "verify", NULL), ==, 1);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "2"));
}

static void
test_backup_restores (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *backup = g_build_filename (fixture->dir, "backup.db", NULL);
  g_autofree char *restored = g_build_filename (fixture->dir, "restored", NULL);
  g_autofree char *err = NULL;
  JsonArray *persons;
  Fixture other = { fixture->dir, restored };

  add_person (fixture);
  g_free (ctl_ok (fixture, "backup", backup, NULL));

  /* Never over an existing file. */
  g_assert_cmpint (ctl (fixture, NULL, &err, "backup", backup, NULL), ==, 1);
  assert_one_line (err);

  /* Restore: the database file and the installation key into a new data
   * directory. */
  g_assert_cmpint (g_mkdir (restored, 0700), ==, 0);
  {
    g_autofree char *db = g_build_filename (restored, "scm-enroll.db", NULL);
    g_autofree char *key_from = g_build_filename (fixture->data_dir, "installation.key", NULL);
    g_autofree char *key_to = g_build_filename (restored, "installation.key", NULL);
    const char *cp_db[] = { "cp", "-p", backup, db, NULL };
    const char *cp_key[] = { "cp", "-p", key_from, key_to, NULL };

    g_assert_cmpint (scm_test_run (cp_db, NULL, NULL, NULL), ==, 0);
    g_assert_cmpint (scm_test_run (cp_key, NULL, NULL, NULL), ==, 0);
  }

  persons = list_json (&other, "persons", parser);
  g_assert_cmpuint (json_array_get_length (persons), ==, 1);
  g_free (ctl_ok (&other, "verify", NULL));
}

static void
test_typed_passphrase (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *weak = write_file (fixture, "weak.txt", "password\n");
  g_autofree char *strong = write_file (fixture, "strong.txt", "tangerine Okapi 93 drift quilt\n");
  g_autofree char *wrong = write_file (fixture, "wrong.txt", "tangerine Okapi 93 drift quilt!\n");
  g_autofree char *embedded = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  g_free (ctl_ok (fixture, "ca", "show", NULL));
  embedded = g_build_filename (fixture->data_dir, "ca.passphrase", NULL);
  g_assert_true (g_file_test (embedded, G_FILE_TEST_EXISTS));

  /* Too weak: refused, and the embedded passphrase still unlocks. */
  g_assert_cmpint (ctl (fixture, NULL, &err, "ca", "set-passphrase", "--passphrase-file", weak, NULL), ==, 1);
  assert_one_line (err);
  g_clear_pointer (&err, g_free);
  g_assert_true (g_file_test (embedded, G_FILE_TEST_EXISTS));

  g_free (ctl_ok (fixture, "ca", "set-passphrase", "--passphrase-file", strong, NULL));
  g_assert_false (g_file_test (embedded, G_FILE_TEST_EXISTS));

  /* Without it the CA stays locked, with a wrong one too; both say so. */
  g_assert_cmpint (ctl (fixture, NULL, &err, "ca", "show", NULL), ==, 1);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "passphrase"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (ctl (fixture, NULL, &err, "ca", "show", "--ca-passphrase-file", wrong, NULL), ==, 1);
  assert_one_line (err);
  g_assert_nonnull (strstr (err, "passphrase"));
  g_clear_pointer (&err, g_free);

  out = ctl_ok (fixture, "ca", "show", "--ca-passphrase-file", strong, NULL);
  g_assert_nonnull (strstr (out, "typed"));
}

static void
test_crash_during_issuance (Fixture       *fixture,
                            gconstpointer  point)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GDataInputStream) err_stream = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *password = NULL;
  g_autofree char *p12 = g_build_filename (fixture->dir, "ada.p12", NULL);
  g_autofree char *data_dir_arg = g_strdup_printf ("--data-dir=%s", fixture->data_dir);
  g_autofree char *line = NULL;
  JsonArray *certificates;

  add_person (fixture);
  password = write_file (fixture, "password.txt", "Correct-Horse-42\n");

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "SCM_ENROLL_TEST_HANG_AT", point, TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("SCM_ENROLLCTL"), "issue",
                                         "ada@example.com", "--profile", "Client Authentication",
                                         "--password-file", password, "--out", p12, data_dir_arg, NULL);
  g_assert_no_error (error);

  /* Wait until it reaches the point, then kill it as hard as a power cut. */
  err_stream = g_data_input_stream_new (g_subprocess_get_stderr_pipe (process));
  line = g_data_input_stream_read_line (err_stream, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (line, point));
  g_subprocess_send_signal (process, SIGKILL);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);

  g_assert_false (g_file_test (p12, G_FILE_TEST_EXISTS));

  /* The next start reconciles: no certificate stays pending. */
  certificates = list_json (fixture, "certificates", parser);
  g_assert_cmpuint (json_array_get_length (certificates), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (certificates, 0), "status"),
                   ==, "failed");
  g_free (ctl_ok (fixture, "verify", NULL));

  /* And issuing works again. */
  g_free (issue (fixture, password, p12));
}

static void
test_ca_import (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *script = NULL;
  g_autofree char *password = NULL;
  g_autofree char *p12 = g_build_filename (fixture->dir, "ada.p12", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *not_ca = NULL;

  if (!scm_test_require_tool ("openssl", "openssl"))
    return;

  /* An organization's existing PKI, made with the openssl command line:
   * a root and an issuing CA whose certificate, key and root come in one
   * PEM file. */
  script = g_strdup_printf (
    "set -e; cd '%s';"
    "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.pem"
    " -days 3650 -subj '/CN=Corp Root' -addext basicConstraints=critical,CA:TRUE"
    " -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null;"
    "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout issuing.key -out issuing.csr"
    " -subj '/CN=Corp Issuing CA' 2>/dev/null;"
    "printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
    "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n' > ext.cnf;"
    "openssl x509 -req -in issuing.csr -CA root.pem -CAkey root.key -CAcreateserial -days 1825"
    " -extfile ext.cnf -out issuing.pem 2>/dev/null;"
    "cat issuing.pem issuing.key root.pem > bundle.pem;"
    "cat root.pem root.key > not-a-ca-issuer.pem",
    fixture->dir);
  {
    const char *argv[] = { "sh", "-c", script, NULL };
    g_assert_cmpint (scm_test_run (argv, NULL, NULL, NULL), ==, 0);
  }

  add_person (fixture);
  {
    g_autofree char *bundle = g_build_filename (fixture->dir, "bundle.pem", NULL);
    out = ctl_ok (fixture, "ca", "import", bundle, NULL);
    g_assert_nonnull (strstr (out, "Corp Issuing CA"));
  }

  password = write_file (fixture, "password.txt", "Correct-Horse-42\n");
  g_free (issue (fixture, password, p12));

  /* The new certificate chains to the organization's root. */
  g_free (script);
  script = g_strdup_printf ("set -e; cd '%s';"
                            "openssl pkcs12 -in ada.p12 -passin pass:Correct-Horse-42 -clcerts -nokeys -out ada.pem;"
                            "openssl verify -CAfile root.pem -untrusted issuing.pem -purpose sslclient ada.pem",
                            fixture->dir);
  {
    const char *argv[] = { "sh", "-c", script, NULL };
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (scm_test_run (argv, NULL, &out, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "ada.pem: OK"));
  }

  /* Something that is not an issuing CA is refused, and the CA stays. */
  not_ca = g_build_filename (fixture->dir, "issuing.key", NULL);
  g_assert_cmpint (ctl (fixture, NULL, &err, "ca", "import", not_ca, NULL), ==, 1);
  assert_one_line (err);
  g_clear_pointer (&out, g_free);
  out = ctl_ok (fixture, "ca", "show", NULL);
  g_assert_nonnull (strstr (out, "Corp Issuing CA"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/ctl/usage", Fixture, NULL, fixture_setup, test_usage, fixture_teardown);
  g_test_add ("/ctl/admin-refusals", Fixture, NULL, fixture_setup, test_admin_refusals, fixture_teardown);
  g_test_add ("/ctl/form-and-account", Fixture, NULL, fixture_setup, test_form_and_account, fixture_teardown);
  g_test_add ("/ctl/issue-revoke-crl", Fixture, NULL, fixture_setup, test_issue_revoke_crl, fixture_teardown);
  g_test_add ("/ctl/audit-tamper", Fixture, NULL, fixture_setup, test_audit_tamper, fixture_teardown);
  g_test_add ("/ctl/backup-restores", Fixture, NULL, fixture_setup, test_backup_restores, fixture_teardown);
  g_test_add ("/ctl/ca-import", Fixture, NULL, fixture_setup, test_ca_import, fixture_teardown);
  g_test_add ("/ctl/typed-passphrase", Fixture, NULL, fixture_setup, test_typed_passphrase, fixture_teardown);
  g_test_add ("/ctl/crash-after-pending", Fixture, "pending", fixture_setup, test_crash_during_issuance, fixture_teardown);
  g_test_add ("/ctl/crash-after-signing", Fixture, "signed", fixture_setup, test_crash_during_issuance, fixture_teardown);

  return g_test_run ();
}
