// SPDX-License-Identifier: GPL-2.0-or-later
#include "headroom/gpu.h"

const char *hr_vram_source_name(enum hr_vram_source source)
{
	switch (source) {
	case HR_VRAM_UNKNOWN: return "unknown";
	case HR_VRAM_DRIVER: return "driver";
	case HR_VRAM_NVIDIA_PROC: return "nvidia-proc";
	case HR_VRAM_NVIDIA_SMI: return "nvidia-smi";
	case HR_VRAM_TABLE: return "table";
	case HR_VRAM_OVERRIDE: return "override";
	case HR_VRAM_WHAT_IF: return "what-if";
	}
	return "unknown";
}

