/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the running (or captured) kernel is: release and version, Kconfig, command line, and
 * which functions and variables it has. One include for the headers that say it. */
#ifndef HEADROOM_KERNEL_H
#define HEADROOM_KERNEL_H

#include "headroom/cmdline.h"
#include "headroom/kconfig.h"
#include "headroom/kcore.h"
#include "headroom/kernel_rules.h"
#include "headroom/kversion.h"
#include "headroom/symbols.h"
#include "headroom/tristate.h"

#endif
