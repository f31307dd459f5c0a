/*
 * The XDP program's object file (bpf/relay4to6.bpf.c, built by
 * bpf/module.mk), linked into whatever uses r46_xdp.c: the daemon loads
 * exactly the object the unit test ran, and nothing needs installing.
 * R46X_OBJ (its path) comes from bpf/module.mk; gcc's LTO is off for this
 * file, since symbols defined in top-level asm are invisible to it.
 */
#ifndef R46X_OBJ
#error "R46X_OBJ (the BPF object's path) comes from bpf/module.mk"
#endif

__asm__(
	"	.section .rodata\n"
	"	.balign 8\n"
	"	.globl r46x_obj_start\n"
	"	.type r46x_obj_start, @object\n"
	"r46x_obj_start:\n"
	"	.incbin \"" R46X_OBJ "\"\n"
	"	.globl r46x_obj_end\n"
	"r46x_obj_end:\n"
	"	.previous\n");
