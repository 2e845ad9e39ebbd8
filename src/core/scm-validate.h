/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Checks shared by the store, the CSV importer and the dialogs. Each sets
 * SCM_ERROR_INVALID with one sentence that names the field and the value
 * and says what is expected. The out parameters receive the normalized
 * value (newly allocated) only on success. */

#define SCM_NAME_MAX_CHARS  128
#define SCM_EMAIL_MAX_CHARS 254
#define SCM_TEXT_MAX_CHARS  4096

typedef enum /*< flags >*/
{
  SCM_TEXT_REQUIRED = 1 << 0,   /* empty (after trimming) is an error */
  SCM_TEXT_MULTILINE = 1 << 1,  /* allow newlines and tabs */
} ScmTextFlags;

/* Valid UTF-8, no control characters (except newline and tab with
 * SCM_TEXT_MULTILINE), at most @max_chars characters after trimming.
 * An empty optional value gives *@out = NULL. @field is the name the
 * message uses ("Name", "Help text"…). */
gboolean scm_validate_text           (const char  *value,
                                      const char  *field,
                                      gsize        max_chars,
                                      ScmTextFlags flags,
                                      char       **out,
                                      GError     **error);

/* A required single-line name of at most SCM_NAME_MAX_CHARS characters. */
gboolean scm_validate_name           (const char  *value,
                                      const char  *field,
                                      char       **out,
                                      GError     **error);

/* An email address as RFC 5321 allows it in a mailbox, ASCII only: a
 * dot-atom local part of at most 64 characters, "@", a DNS name (see
 * below, no wildcard), at most 254 characters. *@out is trimmed and
 * lower-cased. */
gboolean scm_validate_email          (const char  *value,
                                      char       **out,
                                      GError     **error);

/* A DNS name of letter-digit-hyphen labels (1..63 characters, no hyphen
 * at either end), at least two labels, at most 253 characters, a
 * top-level label that is not all digits. With @allow_wildcard a leading
 * "*." is accepted. *@out is lower-cased, without a trailing dot. */
gboolean scm_validate_dns_name       (const char  *value,
                                      gboolean     allow_wildcard,
                                      char       **out,
                                      GError     **error);

/* The domain part of an email (pointer into @email), or NULL. */
const char *scm_email_get_domain     (const char  *email);

/* An absolute http:// or https:// URL with a host. */
gboolean scm_validate_http_url       (const char  *value,
                                      const char  *field,
                                      GError     **error);

/* An object identifier in dotted form: "1.3.6.1.4.1.99999.1". */
gboolean scm_validate_oid            (const char  *value,
                                      GError     **error);

/* An assigned ISO 3166-1 alpha-2 code; *@out is upper-cased. */
gboolean scm_validate_country        (const char  *value,
                                      char       **out,
                                      GError     **error);

/* A form's URI extension: 8..64 characters of A-Z a-z 0-9 _ -. */
gboolean scm_validate_uri_extension  (const char  *value,
                                      GError     **error);

/* A phone number: digits, spaces and + ( ) - . /, at most 32 characters,
 * at least one digit. *@out is trimmed. */
gboolean scm_validate_phone          (const char  *value,
                                      char       **out,
                                      GError     **error);

/* A whole decimal number within [@min, @max]. */
gboolean scm_validate_integer        (const char  *value,
                                      const char  *field,
                                      gint64       min,
                                      gint64       max,
                                      gint64      *out,
                                      GError     **error);

/* A UPN or EPPN: "name@scope" without spaces, at most 254 characters;
 * empty gives *@out = NULL. @field names it in the message ("The UPN"). */
gboolean scm_validate_principal      (const char  *value,
                                      const char  *field,
                                      char       **out,
                                      GError     **error);

G_END_DECLS
