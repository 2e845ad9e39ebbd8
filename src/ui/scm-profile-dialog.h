/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scm-authority.h"

G_BEGIN_DECLS

#define SCM_TYPE_PROFILE_DIALOG (scm_profile_dialog_get_type ())

/* A certificate profile: name, description, purpose, key types, terms,
 * the limit of valid certificates per person and how the subject is
 * built. Built-in profiles are shown read-only; custom ones are added and
 * edited. Emits "saved" with the stored profile. */
G_DECLARE_FINAL_TYPE (ScmProfileDialog, scm_profile_dialog, SCM, PROFILE_DIALOG, AdwWindow)

/* @profile NULL adds a new one. @profiles (nullable) are the listed
 * profiles, to say as a name is typed that it is taken. */
ScmProfileDialog *scm_profile_dialog_new (GtkWindow    *parent,
                                          ScmAuthority *authority,
                                          GListModel   *profiles,
                                          ScmProfile   *profile);

G_END_DECLS
