/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include "scm-error.h"
#include "scm-validate.h"

/* ISO 3166-1 alpha-2 codes assigned today (the 249 of the tz database's
 * iso3166.tab), so a typo such as "UK" is caught. */
static const char assigned_countries[] =
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI "
  "BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN "
  "CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK "
  "FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM "
  "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
  "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK "
  "ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP "
  "NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
  "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF "
  "TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
  "VN VU WF WS YE YT ZA ZM ZW";

/* A printable, bounded rendering of a user's value for an error message:
 * invalid UTF-8 and control characters must not reach logs or labels. */
static char *
quote_value (const char *value)
{
  g_autofree char *valid = g_utf8_make_valid (value != NULL ? value : "", -1);
  GString *out = g_string_new (NULL);
  guint n = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (n++ == 64)
        {
          g_string_append (out, "…");
          break;
        }
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
set_invalid (GError    **error,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
set_invalid (GError    **error,
             const char *format,
             ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (SCM_ERROR, SCM_ERROR_INVALID, format, args));
  va_end (args);
  return FALSE;
}

gboolean
scm_validate_text (const char  *value,
                   const char  *field,
                   gsize        max_chars,
                   ScmTextFlags flags,
                   char       **out,
                   GError     **error)
{
  g_autofree char *trimmed = NULL;
  glong length;

  g_return_val_if_fail (field != NULL, FALSE);

  if (value != NULL && !g_utf8_validate (value, -1, NULL))
    return set_invalid (error, "%s is not valid UTF-8 text; retype it or fix the file's encoding.",
                        field);

  trimmed = g_strstrip (g_strdup (value != NULL ? value : ""));
  if (*trimmed == '\0')
    {
      if (flags & SCM_TEXT_REQUIRED)
        return set_invalid (error, "%s is empty; enter a value.", field);
      if (out != NULL)
        *out = NULL;
      return TRUE;
    }

  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if ((flags & SCM_TEXT_MULTILINE) && (c == '\n' || c == '\t' || c == '\r'))
        continue;
      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        {
          g_autofree char *shown = quote_value (trimmed);
          return set_invalid (error, "%s “%s” contains a control character; remove it.",
                              field, shown);
        }
    }

  length = g_utf8_strlen (trimmed, -1);
  if ((gsize) length > max_chars)
    {
      g_autofree char *shown = quote_value (trimmed);
      return set_invalid (error, "%s “%s” is %ld characters long; at most %" G_GSIZE_FORMAT
                          " are allowed.", field, shown, length, max_chars);
    }

  if (out != NULL)
    *out = g_steal_pointer (&trimmed);
  return TRUE;
}

gboolean
scm_validate_name (const char  *value,
                   const char  *field,
                   char       **out,
                   GError     **error)
{
  return scm_validate_text (value, field, SCM_NAME_MAX_CHARS, SCM_TEXT_REQUIRED, out, error);
}

static gboolean
is_ldh_label (const char *label,
              gsize       len)
{
  if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (label[i]) && label[i] != '-')
      return FALSE;
  return TRUE;
}

/* Checks a lower-cased name without wildcard; returns a reason or NULL. */
static const char *
check_dns_name (const char *name)
{
  const char *label = name;
  const char *last_label = NULL;
  guint labels = 0;
  gsize len = strlen (name);

  if (len == 0)
    return "it is empty";
  if (len > 253)
    return "it is longer than 253 characters";

  while (TRUE)
    {
      const char *dot = strchr (label, '.');
      gsize label_len = dot != NULL ? (gsize) (dot - label) : strlen (label);

      if (label_len == 0)
        return "it has an empty label (two dots in a row, or a dot at the start)";
      if (label_len > 63)
        return "a label is longer than 63 characters";
      if (!is_ldh_label (label, label_len))
        return "labels may only contain letters, digits and inner hyphens";
      labels++;
      last_label = label;
      if (dot == NULL)
        break;
      label = dot + 1;
    }

  if (labels < 2)
    return "it needs at least two labels, such as example.org";

  for (const char *p = last_label; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return NULL;
  return "its last label is all digits";
}

gboolean
scm_validate_dns_name (const char  *value,
                       gboolean     allow_wildcard,
                       char       **out,
                       GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *lower = NULL;
  const char *base;
  const char *reason;

  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    return set_invalid (error,
                        "The domain name is not valid text; enter a name such as example.org.");

  trimmed = g_strstrip (g_strdup (value));
  if (*trimmed == '\0')
    return set_invalid (error, "The domain name is empty; enter a name such as example.org.");

  for (const char *p = trimmed; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      {
        g_autofree char *shown = quote_value (trimmed);
        return set_invalid (error, "The domain name “%s” contains non-ASCII characters; "
                            "enter its xn-- (IDNA) form.", shown);
      }

  lower = g_ascii_strdown (trimmed, -1);
  /* A fully qualified name may end with a dot; it means the same name. */
  if (g_str_has_suffix (lower, ".") && strlen (lower) > 1)
    lower[strlen (lower) - 1] = '\0';

  base = lower;
  if (g_str_has_prefix (lower, "*."))
    {
      if (!allow_wildcard)
        {
          g_autofree char *shown = quote_value (trimmed);
          return set_invalid (error, "The domain name “%s” has a wildcard, which is not "
                              "allowed here; enter the name without “*.”.", shown);
        }
      base = lower + 2;
    }

  reason = check_dns_name (base);
  if (reason == NULL && strchr (base, '*') != NULL)
    reason = "“*” may only appear as the whole first label";
  if (reason != NULL)
    {
      g_autofree char *shown = quote_value (trimmed);
      return set_invalid (error, "The domain name “%s” is not valid: %s.", shown, reason);
    }

  if (out != NULL)
    *out = g_steal_pointer (&lower);
  return TRUE;
}

static gboolean
is_atext (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* Quoting only once a check fails: valid addresses are the common case
 * (a CSV import checks every row). */
#define SHOWN (shown = quote_value (trimmed))

gboolean
scm_validate_email (const char  *value,
                    char       **out,
                    GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GError) domain_error = NULL;
  const char *at;
  gsize local_len;

  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    return set_invalid (error, "The email address is not valid text; enter an address such as "
                        "jane@example.org.");

  trimmed = g_strstrip (g_strdup (value));
  if (*trimmed == '\0')
    return set_invalid (error, "The email address is empty; enter an address such as "
                        "jane@example.org.");

  if (strlen (trimmed) > SCM_EMAIL_MAX_CHARS)
    return set_invalid (error, "The email address “%s” is longer than %d characters.",
                        SHOWN, SCM_EMAIL_MAX_CHARS);

  for (const char *p = trimmed; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      return set_invalid (error, "The email address “%s” contains non-ASCII characters, which "
                          "certificates cannot carry; use an ASCII address.", SHOWN);

  at = strrchr (trimmed, '@');
  if (at == NULL)
    return set_invalid (error, "The email address “%s” has no “@”; enter an address such as "
                        "jane@example.org.", SHOWN);

  local_len = (gsize) (at - trimmed);
  if (local_len == 0)
    return set_invalid (error, "The email address “%s” has nothing before the “@”.", SHOWN);
  if (local_len > 64)
    return set_invalid (error, "The part before the “@” of “%s” is longer than 64 characters.",
                        SHOWN);

  /* Dot-atom: atext runs separated by single dots. Quoted local parts
   * are legal in RFC 5321 but no certificate user expects them. */
  for (gsize i = 0; i < local_len; i++)
    {
      char c = trimmed[i];

      if (c == '.')
        {
          if (i == 0 || i == local_len - 1 || trimmed[i + 1] == '.')
            return set_invalid (error, "The email address “%s” has a dot at the start or end of "
                                "its local part, or two dots in a row.", SHOWN);
          continue;
        }
      if (!is_atext (c))
        return set_invalid (error, "The email address “%s” contains “%c” before the “@”, which "
                            "is not allowed; use letters, digits and . _ - + only.", SHOWN,
                            g_ascii_isprint (c) ? c : '?');
    }

  if (!scm_validate_dns_name (at + 1, FALSE, NULL, &domain_error))
    return set_invalid (error, "The email address “%s” has an invalid domain: %s", SHOWN,
                        domain_error->message);
  if (g_str_has_suffix (at + 1, "."))
    return set_invalid (error, "The email address “%s” ends with a dot; remove it.", SHOWN);

  lower = g_ascii_strdown (trimmed, -1);
  if (out != NULL)
    *out = g_steal_pointer (&lower);
  return TRUE;
}

#undef SHOWN

const char *
scm_email_get_domain (const char *email)
{
  const char *at;

  if (email == NULL)
    return NULL;
  at = strrchr (email, '@');
  return at != NULL && at[1] != '\0' ? at + 1 : NULL;
}

gboolean
scm_validate_http_url (const char  *value,
                       const char  *field,
                       GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *shown = quote_value (value);
  const char *scheme;

  g_return_val_if_fail (field != NULL, FALSE);

  if (value == NULL || *value == '\0')
    return set_invalid (error, "%s is empty; enter an address starting with https://.", field);

  for (const char *p = value; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p) || *p == ' ')
      return set_invalid (error, "%s “%s” contains spaces or control characters.", field, shown);

  uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return set_invalid (error, "%s “%s” is not a valid address; enter one such as "
                        "https://help.example.org/.", field, shown);

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    return set_invalid (error, "%s “%s” must start with https:// or http://.", field, shown);
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return set_invalid (error, "%s “%s” has no host name.", field, shown);
  if (strlen (value) > 2048)
    return set_invalid (error, "%s is longer than 2048 characters.", field);

  return TRUE;
}

gboolean
scm_validate_oid (const char  *value,
                  GError     **error)
{
  g_autofree char *shown = quote_value (value);
  g_auto(GStrv) arcs = NULL;
  guint n;

  if (value == NULL || *value == '\0')
    return set_invalid (error, "The policy OID is empty; enter one such as 1.3.6.1.4.1.99999.1.");
  if (strlen (value) > 200)
    return set_invalid (error, "The policy OID is longer than 200 characters.");

  arcs = g_strsplit (value, ".", -1);
  n = g_strv_length (arcs);
  if (n < 2)
    return set_invalid (error, "The policy OID “%s” needs at least two numbers separated by dots, "
                        "such as 1.3.6.1.4.1.99999.1.", shown);

  for (guint i = 0; i < n; i++)
    {
      const char *arc = arcs[i];
      guint64 number;

      if (*arc == '\0' || strlen (arc) > 19)
        return set_invalid (error, "The policy OID “%s” has an empty or too long number.", shown);
      for (const char *p = arc; *p != '\0'; p++)
        if (!g_ascii_isdigit (*p))
          return set_invalid (error, "The policy OID “%s” may only contain digits and dots.",
                              shown);
      if (arc[0] == '0' && arc[1] != '\0')
        return set_invalid (error, "The policy OID “%s” has a number with a leading zero.", shown);

      number = g_ascii_strtoull (arc, NULL, 10);
      if (i == 0 && number > 2)
        return set_invalid (error, "The policy OID “%s” must start with 0, 1 or 2.", shown);
      if (i == 1 && g_ascii_strtoull (arcs[0], NULL, 10) < 2 && number > 39)
        return set_invalid (error, "The policy OID “%s” has a second number above 39, which is "
                            "only allowed after 2.", shown);
    }
  return TRUE;
}

gboolean
scm_validate_country (const char  *value,
                      char       **out,
                      GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (value != NULL ? value : ""));
  g_autofree char *upper = NULL;
  g_autofree char *shown = quote_value (trimmed);

  if (strlen (trimmed) != 2 || !g_ascii_isalpha (trimmed[0]) || !g_ascii_isalpha (trimmed[1]))
    return set_invalid (error, "The country “%s” is not a two-letter ISO 3166 code such as DE "
                        "or US.", shown);

  upper = g_ascii_strup (trimmed, -1);
  /* Codes are separated by one space; the last has none after it. */
  for (const char *p = assigned_countries; p[0] != '\0' && p[1] != '\0'; p += p[2] == '\0' ? 2 : 3)
    if (p[0] == upper[0] && p[1] == upper[1])
      {
        if (out != NULL)
          *out = g_steal_pointer (&upper);
        return TRUE;
      }

  return set_invalid (error, "The country “%s” is not an assigned ISO 3166 code (the United "
                      "Kingdom, for example, is GB).", shown);
}

gboolean
scm_validate_uri_extension (const char  *value,
                            GError     **error)
{
  g_autofree char *shown = quote_value (value);
  gsize len = value != NULL ? strlen (value) : 0;

  if (len < 8 || len > 64)
    return set_invalid (error, "The URI extension “%s” must be 8 to 64 characters long; use "
                        "Generate for a random one.", shown);
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (value[i]) && value[i] != '-' && value[i] != '_')
      return set_invalid (error, "The URI extension “%s” may only contain letters, digits, “-” "
                          "and “_”.", shown);
  return TRUE;
}

gboolean
scm_validate_phone (const char  *value,
                    char       **out,
                    GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (value != NULL ? value : ""));
  g_autofree char *shown = quote_value (trimmed);
  gboolean has_digit = FALSE;

  if (strlen (trimmed) > 32)
    return set_invalid (error, "The phone number “%s” is longer than 32 characters.", shown);
  for (const char *p = trimmed; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        has_digit = TRUE;
      else if (strchr (" +()-./", *p) == NULL)
        return set_invalid (error, "The phone number “%s” may only contain digits, spaces and "
                            "+ ( ) - . /.", shown);
    }
  if (!has_digit)
    return set_invalid (error, "The phone number “%s” has no digits.", shown);

  if (out != NULL)
    *out = g_steal_pointer (&trimmed);
  return TRUE;
}

gboolean
scm_validate_integer (const char  *value,
                      const char  *field,
                      gint64       min,
                      gint64       max,
                      gint64      *out,
                      GError     **error)
{
  g_autofree char *shown = quote_value (value);
  gint64 number;

  g_return_val_if_fail (field != NULL, FALSE);

  if (value == NULL
      || !g_ascii_string_to_signed (value, 10, min, max, &number, NULL))
    return set_invalid (error, "%s “%s” must be a whole number from %" G_GINT64_FORMAT " to %"
                        G_GINT64_FORMAT ".", field, shown, min, max);
  if (out != NULL)
    *out = number;
  return TRUE;
}

gboolean
scm_validate_principal (const char  *value,
                        const char  *field,
                        char       **out,
                        GError     **error)
{
  g_autofree char *trimmed = NULL;
  const char *at;

  if (!scm_validate_text (value, field, SCM_EMAIL_MAX_CHARS, 0, &trimmed, error))
    return FALSE;
  if (trimmed != NULL)
    {
      at = strchr (trimmed, '@');
      if (at == NULL || at == trimmed || at[1] == '\0' || strchr (trimmed, ' ') != NULL)
        return set_invalid (error, "%s “%s” must look like name@scope, without spaces.", field,
                            trimmed);
    }
  if (out != NULL)
    *out = g_steal_pointer (&trimmed);
  return TRUE;
}
