/* Look-ups and names over the configuration tables (rt/config.h). */
#include "rt/config.h"

#include <string.h>

pm_ns rt_config_cycle_for_asil(enum rt_asil asil)
{
	switch (asil) {
	case RT_ASIL_D:
		return 5 * PM_NS_PER_MS;
	case RT_ASIL_C:
		return 50 * PM_NS_PER_MS;
	case RT_ASIL_B:
		return 100 * PM_NS_PER_MS;
	case RT_ASIL_A:
		return 500 * PM_NS_PER_MS;
	case RT_ASIL_QM:
		break;
	}
	return PM_NS_PER_S;
}

uint16_t rt_config_find_model(const struct rt_config *cfg, const char *name)
{
	for (uint16_t i = 0; i < cfg->n_models && i < PM_MAX_MODELS; i++) {
		if (strcmp(cfg->models[i].name, name) == 0) {
			return i;
		}
	}
	return RT_NO_INDEX;
}

uint16_t rt_config_find_package(const struct rt_config *cfg, const char *name)
{
	for (uint16_t i = 0; i < cfg->n_packages && i < PM_MAX_PACKAGES; i++) {
		if (strcmp(cfg->packages[i].name, name) == 0) {
			return i;
		}
	}
	return RT_NO_INDEX;
}

uint16_t rt_config_find_scenario(const struct rt_config *cfg, const char *name)
{
	for (uint16_t i = 0; i < cfg->n_scenarios && i < PM_MAX_SCENARIOS; i++) {
		if (strcmp(cfg->scenarios[i].name, name) == 0) {
			return i;
		}
	}
	return RT_NO_INDEX;
}

const char *rt_config_type_name(enum rt_resource_type type)
{
	switch (type) {
	case RT_RES_SCENARIO:
		return "scenario";
	case RT_RES_PACKAGE:
		return "package";
	case RT_RES_MODEL:
		return "model";
	case RT_RES_NODE:
		return "node";
	case RT_RES_TYPE_COUNT:
		break;
	}
	return "?";
}

const char *rt_sched_policy_name(enum rt_sched_policy policy)
{
	switch (policy) {
	case RT_SCHED_OTHER:
		return "OTHER";
	case RT_SCHED_FIFO:
		return "FIFO";
	case RT_SCHED_RR:
		return "RR";
	}
	return "?";
}

const char *rt_escalation_name(enum rt_escalation action)
{
	switch (action) {
	case RT_ESCALATE_EVENT:
		return "event";
	case RT_ESCALATE_SIGNAL:
		return "signal";
	case RT_ESCALATE_RESTART:
		return "restart";
	}
	return "?";
}

const char *rt_discovery_kind_name(enum rt_discovery_kind kind)
{
	switch (kind) {
	case RT_DISCOVER_CLIENT:
		return "client";
	case RT_DISCOVER_CGROUP:
		return "cgroup";
	case RT_DISCOVER_PIDFILE:
		return "pidFile";
	case RT_DISCOVER_COMM:
		return "comm";
	case RT_DISCOVER_CMDLINE:
		return "cmdline";
	}
	return "?";
}

const char *rt_timing_source_name(enum rt_timing_source source)
{
	switch (source) {
	case RT_TIMING_NONE:
		return "none";
	case RT_TIMING_MODEL:
		return "spec.scheduling";
	case RT_TIMING_SCHEDULE:
		return "schedule";
	case RT_TIMING_BOTH:
		return "spec.scheduling+schedule";
	}
	return "?";
}
