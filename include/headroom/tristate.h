/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Yes, no, or not known: what an input says about a feature. */
#ifndef HEADROOM_TRISTATE_H
#define HEADROOM_TRISTATE_H

enum hr_tristate { HR_UNKNOWN = -1, HR_NO = 0, HR_YES = 1 };

#endif
