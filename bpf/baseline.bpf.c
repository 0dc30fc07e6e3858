// SPDX-License-Identifier: GPL-2.0-only
/*
 * The benchmarks' baseline: the cheapest programs on the same hooks as ior.bpf.c, only
 * counting calls. What ior-record adds above these is the cost of recording; what they
 * add above nothing is the cost of the hook itself.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *n = bpf_map_lookup_elem(&calls, &which);

	if (n)
		(*n)++;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(base_btf_enter, struct pt_regs *regs, long id)
{
	count(0);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(base_btf_exit, struct pt_regs *regs, long ret)
{
	count(1);
	return 0;
}

SEC("tracepoint")
int base_tp_enter(void *ctx)
{
	count(0);
	return 0;
}

SEC("tracepoint")
int base_tp_exit(void *ctx)
{
	count(1);
	return 0;
}
