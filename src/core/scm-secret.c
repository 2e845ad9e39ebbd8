/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "scm-error.h"
#include "scm-secret.h"

/* 32 symbols, 5 bits each, upper case only, without the 0/O and 1/I that
 * people misread. */
static const char unambiguous_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
G_STATIC_ASSERT (sizeof unambiguous_alphabet - 1 == 32);

/* Words that make a typed secret guessable whatever surrounds them. */
static const char *const common_words[] = {
  "PASSWORD", "PASSWORT", "SECRET", "QWERTY", "AZERTY", "QWERTZ", "LETMEIN",
  "WELCOME", "ADMIN", "LOGIN", "CHANGEME", "MONKEY", "DRAGON", "SUNSHINE",
  "MASTER", "SHADOW", "FOOTBALL", "BASEBALL", "ILOVEYOU", "PRINCESS", "TRUSTNO1",
  "ABC123", "123456", "654321", "111111", "000000", "ASDF", "ZXCV", "COMPANY",
  "SUMMER", "WINTER", "SPRING", "AUTUMN", "HELLO", "TEST",
};

void
scm_random_bytes (guint8 *buffer,
                  gsize   len)
{
  g_return_if_fail (buffer != NULL || len == 0);

  /* There is no safe fallback for a failing CSPRNG: stop rather than
   * hand out predictable secrets. */
  if (len > 0 && RAND_priv_bytes (buffer, (int) len) != 1)
    g_error ("The system's random number generator failed");
}

gboolean
scm_constant_time_equal (const void *a,
                         gsize       a_len,
                         const void *b,
                         gsize       b_len)
{
  if (a_len != b_len)
    return FALSE;
  if (a_len == 0)
    return TRUE;
  return CRYPTO_memcmp (a, b, a_len) == 0;
}

void
scm_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  OPENSSL_cleanse (secret, strlen (secret));
  g_free (secret);
}

static char *
generate_grouped (gsize symbols,
                  gsize group)
{
  g_autofree guint8 *bytes = g_malloc (symbols);
  GString *out = g_string_sized_new (symbols + symbols / group);

  scm_random_bytes (bytes, symbols);
  for (gsize i = 0; i < symbols; i++)
    {
      if (i > 0 && i % group == 0)
        g_string_append_c (out, '-');
      /* 256 is a multiple of 32, so the low five bits are uniform. */
      g_string_append_c (out, unambiguous_alphabet[bytes[i] & 31]);
    }
  OPENSSL_cleanse (bytes, symbols);
  return g_string_free (out, FALSE);
}

static char *
generate_digits (gsize digits)
{
  char *out = g_malloc0 (digits + 1);
  gsize n = 0;

  while (n < digits)
    {
      guint8 byte;

      scm_random_bytes (&byte, 1);
      /* Reject 250..255 so every digit is equally likely. */
      if (byte < 250)
        out[n++] = '0' + byte % 10;
    }
  return out;
}

char *
scm_secret_generate (ScmSecretKind kind)
{
  switch (kind)
    {
    case SCM_SECRET_KIND_SECRET_ID:
      return generate_grouped (20, 4);
    case SCM_SECRET_KIND_ACCESS_CODE:
      return generate_grouped (16, 4);
    case SCM_SECRET_KIND_CONFIRMATION_CODE:
      return generate_digits (8);
    case SCM_SECRET_KIND_PKCS12_PASSWORD:
      return generate_grouped (20, 5);
    default:
      g_return_val_if_reached (NULL);
    }
}

char *
scm_random_hex (gsize nbytes)
{
  g_autofree guint8 *bytes = g_malloc (nbytes);
  GString *out = g_string_sized_new (nbytes * 2);

  scm_random_bytes (bytes, nbytes);
  for (gsize i = 0; i < nbytes; i++)
    g_string_append_printf (out, "%02x", bytes[i]);
  return g_string_free (out, FALSE);
}

char *
scm_secret_normalize (const char *secret)
{
  GString *out;

  g_return_val_if_fail (secret != NULL, NULL);

  out = g_string_sized_new (strlen (secret));
  for (const char *p = secret; *p != '\0'; p++)
    {
      if (*p == '-' || *p == ' ' || *p == '\t')
        continue;
      g_string_append_c (out, g_ascii_toupper (*p));
    }
  return g_string_free (out, FALSE);
}

static double
pool_bits (const char *normalized)
{
  gboolean upper = FALSE, digit = FALSE, symbol = FALSE, other = FALSE;
  double pool = 0;

  for (const char *p = normalized; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (g_ascii_isupper (c) || g_ascii_islower (c))
        upper = TRUE;
      else if (g_ascii_isdigit (c))
        digit = TRUE;
      else if (c < 0x80)
        symbol = TRUE;
      else
        other = TRUE;
    }
  pool += upper ? 26 : 0;
  pool += digit ? 10 : 0;
  pool += symbol ? 33 : 0;
  pool += other ? 100 : 0;
  return pool > 1 ? log2 (pool) : 0;
}

double
scm_secret_estimate_bits (const char *secret)
{
  g_autofree char *normalized = NULL;
  double per_char, bits = 0;
  gsize len;

  g_return_val_if_fail (secret != NULL, 0);

  /* Estimate on the form that is compared: case and separators do not
   * count, since scm_secret_normalize() removes them. */
  normalized = scm_secret_normalize (secret);
  len = strlen (normalized);
  per_char = pool_bits (normalized);

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) normalized[i];
      gboolean matched_word = FALSE;

      for (gsize w = 0; w < G_N_ELEMENTS (common_words); w++)
        {
          gsize wlen = strlen (common_words[w]);

          if (wlen <= len - i && strncmp (normalized + i, common_words[w], wlen) == 0)
            {
              /* A listed word costs about as much as picking it from the list. */
              bits += log2 (G_N_ELEMENTS (common_words));
              i += wlen - 1;
              matched_word = TRUE;
              break;
            }
        }
      if (matched_word)
        continue;

      if (i > 0)
        {
          int step = (int) c - (int) (guchar) normalized[i - 1];

          /* Repeats ("aaaa") and runs ("1234", "abcd") add almost nothing. */
          if (step == 0 || step == 1 || step == -1)
            {
              bits += 1;
              continue;
            }
        }
      bits += per_char;
    }

  return bits;
}

gboolean
scm_secret_check_strength (const char *secret,
                           GError    **error)
{
  double bits;

  g_return_val_if_fail (secret != NULL, FALSE);

  bits = scm_secret_estimate_bits (secret);
  if (bits < SCM_SECRET_MIN_TYPED_BITS)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_WEAK_SECRET,
                   _("This secret is too easy to guess (about %.0f bits, at least %.0f are needed); "
                   "make it longer, avoid words and runs like “1234”, or generate one"),
                   bits, SCM_SECRET_MIN_TYPED_BITS);
      return FALSE;
    }
  return TRUE;
}

void
scm_hmac_sha256 (const guint8 *key,
                 gsize         key_len,
                 const void   *data,
                 gsize         data_len,
                 guint8        out[32])
{
  unsigned int out_len = 32;

  if (HMAC (EVP_sha256 (), key, (int) key_len, data, data_len, out, &out_len) == NULL
      || out_len != 32)
    g_error ("HMAC-SHA256 failed");
}

static const char *
purpose_label (ScmSecretPurpose purpose)
{
  switch (purpose)
    {
    case SCM_SECRET_PURPOSE_SECRET_ID:
      return "scm-enroll secret-id";
    case SCM_SECRET_PURPOSE_ACCESS_CODE:
      return "scm-enroll access-code";
    case SCM_SECRET_PURPOSE_CONFIRMATION_CODE:
      return "scm-enroll confirmation-code";
    case SCM_SECRET_PURPOSE_AUDIT_CHAIN:
      return "scm-enroll audit-chain";
    default:
      g_return_val_if_reached ("scm-enroll");
    }
}

static void
secret_mac (const guint8     key[SCM_INSTALLATION_KEY_SIZE],
            ScmSecretPurpose purpose,
            const char      *secret,
            guint8           out[32])
{
  g_autofree char *normalized = scm_secret_normalize (secret);
  const char *label = purpose_label (purpose);
  gsize label_len = strlen (label);
  gsize secret_len = strlen (normalized);
  gsize len = label_len + 1 + secret_len;
  g_autofree guint8 *message = g_malloc (len);

  memcpy (message, label, label_len);
  message[label_len] = 0;
  memcpy (message + label_len + 1, normalized, secret_len);

  scm_hmac_sha256 (key, SCM_INSTALLATION_KEY_SIZE, message, len, out);

  OPENSSL_cleanse (message, len);
  OPENSSL_cleanse (normalized, secret_len);
}

char *
scm_secret_hash (const guint8     key[SCM_INSTALLATION_KEY_SIZE],
                 ScmSecretPurpose purpose,
                 const char      *secret)
{
  static const char digits[] = "0123456789abcdef";
  guint8 mac[32];
  char *hex;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  secret_mac (key, purpose, secret, mac);
  /* By hand: a CSV import hashes a Secret ID per row, and a printf per
   * byte cost more than the HMAC itself. */
  hex = g_malloc (65);
  for (gsize i = 0; i < 32; i++)
    {
      hex[2 * i] = digits[mac[i] >> 4];
      hex[2 * i + 1] = digits[mac[i] & 0xf];
    }
  hex[64] = '\0';
  OPENSSL_cleanse (mac, sizeof mac);
  return hex;
}

gboolean
scm_secret_verify (const guint8     key[SCM_INSTALLATION_KEY_SIZE],
                   ScmSecretPurpose purpose,
                   const char      *secret,
                   const char      *stored_hash)
{
  g_autofree char *computed = NULL;

  g_return_val_if_fail (key != NULL, FALSE);

  if (secret == NULL || stored_hash == NULL)
    return FALSE;

  computed = scm_secret_hash (key, purpose, secret);
  return scm_constant_time_equal (computed, strlen (computed),
                                  stored_hash, strlen (stored_hash));
}

static gboolean
read_key_file (const char *path,
               guint8      key[SCM_INSTALLATION_KEY_SIZE],
               GError    **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot read the installation key %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  if ((st.st_mode & 077) != 0)
    {
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The installation key %s is readable by other users; "
                   "run “chmod 600 %s” and try again"), path, path);
      return FALSE;
    }
  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;
  if (len != SCM_INSTALLATION_KEY_SIZE)
    {
      OPENSSL_cleanse (contents, len);
      g_set_error (error, SCM_ERROR, SCM_ERROR_INVALID,
                   _("The installation key %s is damaged (%zu bytes instead of %d); "
                   "restore it from the backup made with the database"), path, len,
                   SCM_INSTALLATION_KEY_SIZE);
      return FALSE;
    }
  memcpy (key, contents, SCM_INSTALLATION_KEY_SIZE);
  OPENSSL_cleanse (contents, len);
  return TRUE;
}

gboolean
scm_secret_file_create (const char *path,
                        const void *data,
                        gsize       len,
                        GError    **error)
{
  g_autofree char *suffix = scm_random_hex (8);
  g_autofree char *tmp_path = g_strdup_printf ("%s.new-%s", path, suffix);
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);

  /* Written whole under a name of its own, then link()ed into place: link
   * fails if another process created the file first (its file is kept),
   * and a crash never leaves a half-written secret under @path. */
  fd = g_open (tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot create a file next to %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  ok = write (fd, data, len) == (ssize_t) len && fsync (fd) == 0;
  close (fd);
  if (ok && link (tmp_path, path) != 0 && errno != EEXIST)
    ok = FALSE;
  if (!ok)
    {
      int saved_errno = errno;
      g_unlink (tmp_path);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot write %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  g_unlink (tmp_path);
  return TRUE;
}

gboolean
scm_installation_key_load_or_create (const char *path,
                                     guint8      key[SCM_INSTALLATION_KEY_SIZE],
                                     GError    **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      guint8 fresh[SCM_INSTALLATION_KEY_SIZE];
      gboolean created;

      scm_random_bytes (fresh, sizeof fresh);
      created = scm_secret_file_create (path, fresh, sizeof fresh, error);
      OPENSSL_cleanse (fresh, sizeof fresh);
      if (!created)
        return FALSE;
    }
  return read_key_file (path, key, error);
}
