/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Makes @target hold the elements of @source (NULL: none); both hold
 * elements of the same size. Returns TRUE if that changed @target, so a
 * model setter notifies only on change. */
gboolean scm_array_replace (GArray *target,
                            GArray *source);

G_END_DECLS
