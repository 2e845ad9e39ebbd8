/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SCM_ERROR (scm_error_quark ())

/**
 * ScmError:
 * @SCM_ERROR_FAILED: an unexpected failure (I/O, SQLite, OpenSSL)
 * @SCM_ERROR_INVALID: a value is malformed (bad email, empty name, …)
 * @SCM_ERROR_NOT_FOUND: the named object does not exist
 * @SCM_ERROR_DUPLICATE: an object with the same unique key exists
 * @SCM_ERROR_NOT_DELEGATED: the email's domain is not a validated domain
 *   delegated to the organization/department
 * @SCM_ERROR_WEAK_SECRET: a typed secret is too weak
 * @SCM_ERROR_SCHEMA_TOO_NEW: the database was written by a newer version
 * @SCM_ERROR_WRONG_PASSPHRASE: the CA passphrase does not decrypt the key
 * @SCM_ERROR_POLICY: the request breaks a profile or account rule
 * @SCM_ERROR_NOT_VALIDATED: a high-validation person awaits a sponsor
 * @SCM_ERROR_IN_USE: the object is referenced and cannot be deleted
 * @SCM_ERROR_TAMPERED: the audit chain or database integrity check failed
 * @SCM_ERROR_LOCKED: too many failed attempts; try again later
 * @SCM_ERROR_CANCELLED: reserved; cancellation uses G_IO_ERROR_CANCELLED
 */
typedef enum
{
  SCM_ERROR_FAILED,
  SCM_ERROR_INVALID,
  SCM_ERROR_NOT_FOUND,
  SCM_ERROR_DUPLICATE,
  SCM_ERROR_NOT_DELEGATED,
  SCM_ERROR_WEAK_SECRET,
  SCM_ERROR_SCHEMA_TOO_NEW,
  SCM_ERROR_WRONG_PASSPHRASE,
  SCM_ERROR_POLICY,
  SCM_ERROR_NOT_VALIDATED,
  SCM_ERROR_IN_USE,
  SCM_ERROR_TAMPERED,
  SCM_ERROR_LOCKED,
} ScmError;

GQuark scm_error_quark (void);

G_END_DECLS
