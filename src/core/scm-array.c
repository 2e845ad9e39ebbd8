/* Copyright 2026 The ScmEnroll Authors
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scm-core"

#include "config.h"

#include <string.h>

#include "scm-array-private.h"

gboolean
scm_array_replace (GArray *target,
                   GArray *source)
{
  guint element_size;
  guint len = source != NULL ? source->len : 0;

  g_return_val_if_fail (target != NULL, FALSE);

  element_size = g_array_get_element_size (target);
  /* An empty GArray may have NULL data: memcmp (NULL, NULL, 0) is undefined. */
  if (len == target->len
      && (len == 0 || memcmp (source->data, target->data, (gsize) len * element_size) == 0))
    return FALSE;

  g_array_set_size (target, 0);
  if (len > 0)
    g_array_append_vals (target, source->data, len);
  return TRUE;
}
