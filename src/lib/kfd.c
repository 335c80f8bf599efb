// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What amdgpu and amdkfd show of an AMD GPU beyond its VRAM, as Debian's 7.3.4 (and 6.12.118)
 * writes it:
 * - mem_info_gtt_total in the PCI device's directory: the GTT size in bytes
 *   (amdgpu_gtt_mgr.c:54@7.3 prints man->size, set to amdgpu_ttm_init()'s gtt_size at :387).
 * - /sys/class/kfd/kfd/topology/nodes/N/properties: "name value" lines, one per property
 *   (kfd_topology.c:202-205@7.3 sysfs_show_32bit_prop, "%s %u\n"): cpu_cores_count (:434),
 *   simd_count (:436, 0 on a CPU-only node), location_id = pci_dev_id(), bus << 8 | devfn
 *   (:477, set at :2111), domain = pci_domain_nr() (:479, :2115), and on GPU nodes capability
 *   (:528) with HSA_CAP_SVMAPI_SUPPORTED 0x08000000 (include/uapi/linux/kfd_sysfs.h:59@7.3 and
 *   @6.12), and gfx_target_version (:471).
 * Which GPU is an APU: on 6.1 an APU's node comes from ACPI's CRAT and has CPU cores and SIMDs.
 * From 6.12 on it never does: kfd_topology_init() builds a CPU-only node (kfd_topology.c:1026-1027
 * @7.3) and each GPU its own virtual CRAT (:1877-1878) whose compute unit has only
 * CRAT_CU_FLAGS_GPU_PRESENT (kfd_crat.c:2312@7.3), while cpu_cores_count comes only from CPU
 * entries (:1024, :1062). There gfx_target_version tells: amdgpu sets AMD_IS_APU by GC version
 * (amdgpu_discovery.c:3413-3437@7.3) and amdkfd maps each GC version to it (kfd_device.c:306-475
 * @7.3). GC 9.4.3 and 9.4.4 (90402) are the MI300A and MI300X alike (the APU bit comes from the
 * package type, amdgpu_discovery.c:3610-3614@7.3): undecided, as is a version not in the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "headroom/gpu.h"
#include "headroom/parse.h"

#define VENDOR_AMD 0x1002
#define KFD_MAX_NODES 256		/* nodes are numbered from 0 without gaps (kfd_topology.c) */
#define PROPERTIES_MAX (16u << 10)
#define HSA_CAP_SVMAPI_SUPPORTED 0x08000000u

struct kfd_node {
	uint64_t cpu_cores, simds, location, domain, capability, gfx_target;
	bool has_location, has_domain, has_capability;
};

/* false, with a diagnostic naming the file and line, when a line is not "name number". */
static bool parse_properties(const char *path, char *buf, struct kfd_node *n,
			     struct hr_diags *diags)
{
	unsigned line = 0;

	memset(n, 0, sizeof(*n));
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *space = strchr(l, ' ');
		uint64_t v;

		line++;
		if (!space || !hr_parse_u64(space + 1, &v)) {
			char quoted[120];

			hr_diag_add(diags, HR_E_PARSE, path, line, "not a \"name number\" line: \"%s\"",
				    hr_quote(l, strlen(l), 40, quoted, sizeof(quoted)));
			return false;
		}
		*space = '\0';
		if (strcmp(l, "cpu_cores_count") == 0)
			n->cpu_cores = v;
		else if (strcmp(l, "simd_count") == 0)
			n->simds = v;
		else if (strcmp(l, "location_id") == 0)
			n->location = v, n->has_location = true;
		else if (strcmp(l, "domain") == 0)
			n->domain = v, n->has_domain = true;
		else if (strcmp(l, "capability") == 0)
			n->capability = v, n->has_capability = true;
		else if (strcmp(l, "gfx_target_version") == 0)
			n->gfx_target = v;
	}
	return true;
}

/* 1 APU, 0 dGPU, -1 unknown, by gfx_target_version (kfd_device.c:306-475@7.3, with the GC
 * versions amdgpu_discovery.c:3413-3437@7.3 marks AMD_IS_APU). */
static int apu_by_gfx_target(uint64_t gfx_target)
{
	static const uint32_t apus[] = {
		90002,	/* GC 9.1.0, 9.2.2 Raven, Picasso */
		90012,	/* GC 9.3.0 Renoir */
		100103,	/* GC 10.1.3, 10.1.4 Cyan Skillfish */
		100303,	/* GC 10.3.1 Van Gogh */
		100305,	/* GC 10.3.3 Yellow Carp (Rembrandt) */
		100306,	/* GC 10.3.6, 10.3.7 Raphael, Mendocino */
		110003,	/* GC 11.0.1, 11.0.4 Phoenix */
		110500, 110501, 110502, 110503, 110504,	/* GC 11.5.x Strix, Strix Halo, Krackan */
		110700, 110701,	/* GC 11.7.x */
	};
	static const uint32_t dgpus[] = {
		90000, 90004, 90006, 90008, 90010, 90500,	/* Vega10/12/20, MI100, MI200, MI350 */
		100100, 100101, 100102,			/* Navi10/12/14 */
		100300, 100301, 100302, 100304,		/* Navi21/22/23/24 */
		110000, 110001, 110002,			/* Navi31/32/33 */
		120000, 120001, 120500,			/* GC 12.0.0, 12.0.1, 12.1.0 */
	};

	for (size_t i = 0; i < sizeof(apus) / sizeof(apus[0]); i++)
		if (gfx_target == apus[i])
			return 1;
	for (size_t i = 0; i < sizeof(dgpus) / sizeof(dgpus[0]); i++)
		if (gfx_target == dgpus[i])
			return 0;
	return -1;
}

static void apply_node(struct hr_gpus *gpus, const char *path, const struct kfd_node *n)
{
	for (size_t i = 0; i < gpus->count; i++) {
		struct hr_gpu *g = &gpus->items[i];
		unsigned dom, bus, dev, fn;

		if (g->vendor != VENDOR_AMD || g->kfd_node ||
		    sscanf(g->bdf, "%x:%x:%x.%u", &dom, &bus, &dev, &fn) != 4 ||
		    n->domain != dom || n->location != (bus << 8 | dev << 3 | fn))
			continue;
		g->kfd_node = true;
		g->kfd_apu = n->cpu_cores > 0 ? 1 : apu_by_gfx_target(n->gfx_target);
		g->kfd_gfx_target = (uint32_t)n->gfx_target;
		g->kfd_svm = n->has_capability && (n->capability & HSA_CAP_SVMAPI_SUPPORTED);
		snprintf(g->kfd_properties, sizeof(g->kfd_properties), "%s", path);
		return;
	}
}

void hr_gpus_read_kfd(const struct hr_root *root, struct hr_gpus *gpus, struct hr_diags *diags)
{
	char path[80];
	struct hr_error err;

	for (size_t i = 0; i < gpus->count; i++) {
		struct hr_gpu *g = &gpus->items[i];
		char *buf;

		if (g->vendor != VENDOR_AMD)
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/mem_info_gtt_total", g->bdf);
		if (hr_read_file(root, path, 64, &buf, NULL, &err) == HR_OK) {
			buf[strcspn(buf, "\n")] = '\0';
			if (!hr_parse_u64(buf, &g->gtt)) {
				char quoted[120];

				hr_diag_add(diags, HR_E_PARSE, path, 1, "not a size in bytes: \"%s\"",
					    hr_quote(buf, strlen(buf), 40, quoted, sizeof(quoted)));
				g->gtt = 0;
			}
			free(buf);
		} else if (err.status != HR_E_NOENT) {
			hr_diag_add_error(diags, &err);
		}
	}
	for (unsigned id = 0; id < KFD_MAX_NODES; id++) {
		struct kfd_node node;
		char *buf;

		snprintf(path, sizeof(path), HR_KFD_NODES "/%u/properties", id);
		if (hr_read_file(root, path, PROPERTIES_MAX, &buf, NULL, &err)) {
			if (err.status != HR_E_NOENT)
				hr_diag_add_error(diags, &err);
			return;
		}
		if (parse_properties(path, buf, &node, diags) && node.simds && node.has_location &&
		    node.has_domain)
			apply_node(gpus, path, &node);
		free(buf);
	}
}
