/*
 * XDP_PASS for every frame: what the far end of a veth needs before
 * another program's XDP_REDIRECT into that veth is delivered.  veth
 * hands redirected frames to its peer's NAPI, which only runs while the
 * peer has an XDP program (or GRO) enabled; otherwise they are dropped
 * (kernel commit 8267fc71, "veth: take into account peer device for
 * NETDEV_XDP_ACT_NDO_XMIT").
 * The netns tests attach it there (docs/6to4.md, "Input xdp").
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int
xdp_pass(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
