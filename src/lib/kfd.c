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
 *   @6.12). A node with CPU cores and SIMDs is an APU's: its CPU and GPU share the node.
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
	uint64_t cpu_cores, simds, location, domain, capability;
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
	}
	return true;
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
		g->kfd_apu = n->cpu_cores > 0;
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
