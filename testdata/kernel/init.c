/*
 * The /init of scripts/kernel-check.sh's initramfs: print a known line on
 * the console and end the machine. Built with -static -nostdlib: raw
 * system calls, no C library.
 *
 * It restarts rather than powers off: the tinyconfig kernel has no ACPI,
 * so a power-off request only halts the CPU and qemu would run on; a
 * restart goes through the keyboard controller, and qemu -no-reboot exits
 * (status 0) when the guest resets.
 */
#define SYS_write 1
#define SYS_reboot 169
#define LINUX_REBOOT_MAGIC1 0xfee1dead
#define LINUX_REBOOT_MAGIC2 672274793
#define LINUX_REBOOT_CMD_RESTART 0x01234567

static long sys3(long n, long a, long b, long c)
{
	long r;
	asm volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

static long sys4(long n, long a, long b, long c, long d)
{
	long r;
	register long r10 asm("r10") = d;
	asm volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return r;
}

static const char msg[] = "optpoline-kernel-check: init is running on the optpoline kernel\n";

void _start(void)
{
	sys3(SYS_write, 1, (long)msg, sizeof msg - 1);
	sys4(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_RESTART, 0);
	for (;;)
		;
}
